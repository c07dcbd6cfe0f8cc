"""Elementwise ops: picotorch vs torch 2.13 vs raw NumPy, measured in one process.

    python benchmarks/elementwise.py

Targets (issue "tensor core"): on (8, 8) float32 a binary op is not slower than torch's; on
(1000, 1000) it is within 1.1x of the bare NumPy ufunc. The three implementations are timed
interleaved, round after round, so a noisy neighbour slows all of them alike; the table shows
the median over rounds of the per-call time, and the ratios of those medians.
"""

from __future__ import annotations

import os

# One thread everywhere: NumPy's ufuncs are single-threaded, so torch gets the same footing.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import statistics
import timeit

import numpy as np
import torch

import picotorch

torch.set_num_threads(1)

OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sub": lambda a, b: a - b,
    "div": lambda a, b: a / b,
}
CASES = [((8, 8), 20_000), ((1000, 1000), 20)]
ROUNDS = 15


def per_call_us(fn, number: int) -> float:
    return timeit.timeit(fn, number=number) / number * 1e6


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, torch {torch.__version__}, picotorch {picotorch.__version__}")
    print(
        f"{'shape':>12} {'op':>4} {'picotorch':>11} {'torch':>9} {'numpy':>9} "
        f"{'pico/torch':>10} {'pico/numpy':>10}"
    )
    for shape, number in CASES:
        a = rng.random(shape, dtype=np.float32) + 0.5
        b = rng.random(shape, dtype=np.float32) + 0.5
        impls = {
            "picotorch": (picotorch.from_numpy(a), picotorch.from_numpy(b)),
            "torch": (torch.from_numpy(a), torch.from_numpy(b)),
            "numpy": (a, b),
        }
        for name, op in OPS.items():
            times: dict[str, list[float]] = {k: [] for k in impls}
            for _ in range(ROUNDS):
                for impl, (x, y) in impls.items():
                    times[impl].append(per_call_us(lambda: op(x, y), number))  # noqa: B023
            med = {k: statistics.median(v) for k, v in times.items()}
            print(
                f"{shape!s:>12} {name:>4} {med['picotorch']:9.2f}us {med['torch']:7.2f}us "
                f"{med['numpy']:7.2f}us {med['picotorch'] / med['torch']:10.2f} "
                f"{med['picotorch'] / med['numpy']:10.2f}"
            )


if __name__ == "__main__":
    main()
