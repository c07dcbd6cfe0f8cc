"""NumPy's elementwise loops, the same on every x86 CPU.

NumPy chooses its loops by CPU as it loads. On a CPU with AVX-512 it runs builds of its own for
exp, log, log1p, pow, tanh and more (some of them Intel's SVML), and for maximum and minimum;
they round a last bit differently from the C library's functions that NumPy runs on other CPUs
(measured on one, against glibc: float64 exp in 1 result of 22, float32 log1p in 1 of 8), and
keep the other zero of a ``0.`` / ``-0.`` tie. torch's results are the same on every CPU (its
kernels are its AVX2 builds there too, or call the C library), and where picotorch takes
NumPy's for them, they agreed only where NumPy's loops were the C library's.

So, imported before NumPy, picotorch has NumPy leave its AVX-512 builds out: it names them in
``NPY_DISABLE_CPU_FEATURES``, which NumPy reads once, as it loads (the variable is removed
again: it is not meant for other processes). Where NumPy is already loaded, or the variable set
by the user, NumPy keeps the loops it has.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

VARIABLE = "NPY_DISABLE_CPU_FEATURES"


def avx512_builds(numpy_version: str) -> str:
    """NumPy's names for its AVX-512 builds: since NumPy 2.4, x86-64-v4 and two later groups;
    before, one per generation of AVX-512. (A name NumPy does not build for costs only an
    ImportWarning, which Python ignores by default.)"""
    major, minor = (int(part) for part in numpy_version.split(".")[:2])
    if (major, minor) >= (2, 4):
        return "X86_V4 AVX512_ICL AVX512_SPR"
    generations = ("F", "CD", "_KNL", "_KNM", "_SKX", "_CLX", "_CNL", "_ICL", "_SPR")
    return " ".join("AVX512" + name for name in generations)


def load_numpy() -> None:
    """Import NumPy without its AVX-512 builds, if it is not loaded yet (see the module's
    docstring)."""
    if "numpy" in sys.modules or VARIABLE in os.environ:
        return
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return
    try:
        version = metadata.version("numpy")
    except metadata.PackageNotFoundError:  # (NumPy's import below will say what is wrong)
        return
    os.environ[VARIABLE] = avx512_builds(version)
    try:
        import numpy  # noqa: F401 - read as it loads
    finally:
        del os.environ[VARIABLE]
