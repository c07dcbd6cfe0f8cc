"""picotorch/_numpy_loops.py: imported before NumPy, picotorch has NumPy run the loops it runs on
any x86 CPU (none of its AVX-512 builds), whose results torch's agree with to the last bit."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

from picotorch import _numpy_loops

# What a fresh process sees: NumPy's AVX-512 loops (None: NumPy names none on this CPU), the
# variable afterwards, and whether float64 exp agrees with the C library's on 2000 values.
PROBE = """
import json, math, os, sys
{first}
import numpy as np
from numpy._core._multiarray_umath import __cpu_features__ as features
x = np.random.default_rng(0).standard_normal(2000) * 5
print(json.dumps({{
    "avx512": features.get("X86_V4", features.get("AVX512F")),
    "variable": os.environ.get("NPY_DISABLE_CPU_FEATURES"),
    "exp_as_libm": bool((np.exp(x) == np.array([math.exp(v) for v in x])).all()),
}}))
"""


def probe(first: str, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != _numpy_loops.VARIABLE}
    code = PROBE.format(first=first)
    out = subprocess.run(
        [sys.executable, "-c", code], env={**environ, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def cpu_has_avx512() -> bool:
    return bool(probe("")["avx512"])


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="x86 only")
def test_picotorch_first_loads_numpy_without_its_avx512_loops() -> None:
    seen = probe("import picotorch")
    assert not seen["avx512"]
    assert seen["exp_as_libm"]  # (on any CPU: these are the C library's results)
    assert seen["variable"] is None  # (set only while NumPy loaded, not for child processes)


def test_numpy_first_or_the_users_variable_is_left_as_it_is() -> None:
    # NumPy already loaded: its loops stay as it chose them (so does the variable)
    assert probe("import numpy; import picotorch")["avx512"] == cpu_has_avx512()
    # the user's own setting wins (here: nothing disabled)
    seen = probe("import picotorch", NPY_DISABLE_CPU_FEATURES="")
    assert seen["avx512"] == cpu_has_avx512()
    assert seen["variable"] == ""


@pytest.mark.parametrize(
    ("version", "names"),
    [
        ("2.4.6", "X86_V4 AVX512_ICL AVX512_SPR"),
        ("2.5.0rc1", "X86_V4 AVX512_ICL AVX512_SPR"),
        ("2.3.5", "AVX512F AVX512CD"),
        ("2.0.0", "AVX512_SKX"),
    ],
)
def test_the_avx512_builds_have_the_names_of_that_numpy(version: str, names: str) -> None:
    assert set(names.split()) <= set(_numpy_loops.avx512_builds(version).split())
