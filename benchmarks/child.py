"""One measurement in a fresh process: one workload, one implementation, one repeat.

    python -m benchmarks.child W2 picotorch --data digits.npz [--quick]

Prints one JSON line: the workload's timings (seconds), accuracy where relevant, and the peak
resident memory of this process. Only the implementation being measured is imported: the
picotorch and NumPy processes never load torch (checked below), so their peak RSS is their own.
It is imported before NumPy, as a reader's script imports torch first: picotorch then has NumPy
load the loops it loads on any x86 CPU (see picotorch/_numpy_loops.py).
"""

from __future__ import annotations

import os

# One thread for BLAS and OpenMP, set before NumPy (or torch) loads its libraries.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import importlib
import json
import resource
import sys

from .config import FULL, IMPLS, QUICK, WORKLOADS


def measure(workload: str, impl: str, quick: bool, data_path: str | None) -> dict:
    if impl != "numpy":
        if "numpy" in sys.modules:
            raise RuntimeError(
                f"NumPy was imported before {impl}; a reader's script imports {impl} first"
            )
        lib = importlib.import_module(impl)
        if impl == "torch":
            lib.set_num_threads(1)
    from .data import load_digits_npz  # (these import NumPy)
    from .workloads import RUNNERS

    cfg = QUICK if quick else FULL
    data = load_digits_npz(data_path) if data_path else None
    run_lib, run_numpy = RUNNERS[workload]
    result = run_numpy(cfg, data) if impl == "numpy" else run_lib(lib, cfg, data)
    others = {"torch", "picotorch"} - {impl}
    loaded = sorted(others & set(sys.modules))
    if loaded:
        raise RuntimeError(f"the {impl} process imported {loaded}: its memory would not be its own")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # (kilobytes on Linux)
    # pages the OS had to map in (and zero) for this process: import, data and workload
    result["minor_faults"] = usage.ru_minflt
    result["kernels"] = kernels(impl)
    return result


def kernels(impl: str) -> str:
    """The widest vector instructions this process's kernels use: torch's own dispatch level
    (``get_cpu_capability``), or else the widest of NumPy's builds of its loops that it runs
    here. picotorch has NumPy leave its AVX-512 builds out (see picotorch/_numpy_loops.py); the
    NumPy reference keeps them."""
    if impl == "torch":
        return str(sys.modules["torch"].backends.cpu.get_cpu_capability())
    import numpy as np

    umath = np._core._multiarray_umath
    running = [t for t in umath.__cpu_dispatch__ if umath.__cpu_features__.get(t)]
    return running[-1] if running else "baseline"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("impl", choices=IMPLS)
    parser.add_argument("--data", help="the digits .npz written by benchmarks.data.save_digits")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(json.dumps(measure(args.workload, args.impl, args.quick, args.data)))


if __name__ == "__main__":
    main()
