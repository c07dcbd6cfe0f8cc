"""The suite's names and sizes; no NumPy here, so that the driver stays small (see run.py)."""

from __future__ import annotations

from dataclasses import dataclass

IMPLS = ("picotorch", "torch", "numpy")
WORKLOADS = ("W1", "W2", "W3", "W4", "W5-chain", "W5-mlp")


@dataclass(frozen=True)
class Config:
    """How much work each measurement does; ``QUICK`` is for smoke runs and the test."""

    repeats: int  # fresh processes per (workload, implementation)
    w1_warmup: int  # W1: untimed iterations, then rounds x number timed iterations
    w1_rounds: int
    w1_number: int
    w2_epochs: int  # W2/W4: the first epoch warms up, the others are timed one by one
    w4_epochs: int
    w3_size: int  # W3: square matrices, one untimed iteration then w3_iters timed
    w3_iters: int
    w5_repeats: int
    w5_chain: tuple[int, ...]  # W5: chain lengths N
    w5_widths: tuple[int, ...]  # W5: MLP widths
    w5_samples: int  # timed backward passes per point


FULL = Config(
    repeats=11,  # this machine swings by tens of per cent between runs: more fresh processes
    w1_warmup=500,
    w1_rounds=5,
    w1_number=1000,
    w2_epochs=10,
    w4_epochs=6,
    w3_size=1024,
    w3_iters=5,
    w5_repeats=3,
    w5_chain=(1_000, 3_000, 10_000, 30_000, 100_000),
    w5_widths=(64, 128, 256, 512, 1024, 2048),
    w5_samples=3,
)
QUICK = Config(
    repeats=2,
    w1_warmup=50,
    w1_rounds=3,
    w1_number=100,
    w2_epochs=2,
    w4_epochs=2,
    w3_size=1024,
    w3_iters=2,
    w5_repeats=1,
    w5_chain=(1_000, 10_000),
    w5_widths=(64, 256),
    w5_samples=2,
)
