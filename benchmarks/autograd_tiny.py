"""W1: ``((a*b + c).relu() @ a).sum()`` forward + backward + zeroing grads, on (8, 8) leaves.

    python benchmarks/autograd_tiny.py

Target (autograd issue): at most 0.5x torch 2.13's time per iteration, measured in the same
run. Each round times picotorch, torch and a hand-written NumPy version in turn (interleaved,
so machine noise hits all three alike); the table shows medians over rounds.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import statistics
import timeit

import numpy as np
import torch

import picotorch

torch.set_num_threads(1)
ROUNDS, NUMBER = 15, 2000


def make_step(lib):
    lib.manual_seed(0)
    a, b, c = (lib.rand(8, 8, requires_grad=True) for _ in range(3))

    def step():
        ((a * b + c).relu() @ a).sum().backward()
        a.grad = b.grad = c.grad = None  # zeroing, as optimizer.zero_grad() does by default

    return step, (a, b, c)


def numpy_step_factory():
    rng = np.random.default_rng(0)
    a, b, c = (rng.random((8, 8), dtype=np.float32) for _ in range(3))

    def step():
        s = a * b + c
        r = np.maximum(s, 0)
        # loss = (r @ a).sum(); d loss / d (r @ a) is all ones
        g = np.ones((8, 8), np.float32)
        grad_r = g @ a.T
        grad_a = r.T @ g
        grad_s = grad_r * (r > 0)
        grad_a = grad_a + grad_s * b
        grad_b = grad_s * a
        grad_c = grad_s
        return grad_a, grad_b, grad_c

    return step


def main() -> None:
    pico, pico_leaves = make_step(picotorch)
    ref, ref_leaves = make_step(torch)
    # before timing: the same seed must give the same leaves and the same gradients
    for leaves in (pico_leaves, ref_leaves):
        a, b, c = leaves
        ((a * b + c).relu() @ a).sum().backward()
    for x, y in zip(pico_leaves, ref_leaves, strict=True):
        assert np.allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-5), "gradients differ"
        x.grad = y.grad = None
    steps = {"picotorch": pico, "torch": ref, "numpy": numpy_step_factory()}
    times: dict[str, list[float]] = {k: [] for k in steps}
    for _ in range(ROUNDS):
        for name, fn in steps.items():
            times[name].append(timeit.timeit(fn, number=NUMBER) / NUMBER * 1e6)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"torch {torch.__version__}, numpy {np.__version__}; median of {ROUNDS} rounds")
    for name, t in med.items():
        lo, hi = min(times[name]), max(times[name])
        print(f"{name:>10}: {t:7.1f} us/iter  (min {lo:.1f}, max {hi:.1f})")
    print(f"picotorch / torch = {med['picotorch'] / med['torch']:.2f}  (target <= 0.5)")
    print(f"picotorch / numpy = {med['picotorch'] / med['numpy']:.2f}")


if __name__ == "__main__":
    main()
