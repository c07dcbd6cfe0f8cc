"""What all three implementations share: the digits split, initial weights, batch order.

Everything here is made with NumPy from fixed seeds, so picotorch, torch and the NumPy reference
start from the same weights and see the same batches in the same order; their accuracies are
then comparable. scikit-learn is imported once, in a process of its own that saves the digits to
an ``.npz`` (``python -m benchmarks.data OUT.npz``); the measured processes read that file, so
scikit-learn's memory is not in their peak RSS.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

SEED = 0
N_TEST = 360  # of the 1797 digits; the other 1437 are the training set
BATCH = 64
LR = 0.05
MOMENTUM = 0.9

# (weight, bias) per layer, in torch's layout: Linear weight (out, in), Conv2d weight (O, C, kH, kW)
Params = list[tuple[np.ndarray, np.ndarray]]


def save_digits(path: Path) -> None:
    """Load scikit-learn's digits, split them with a fixed permutation, save as ``.npz``."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixels 0..16 -> 0..1
    y = digits.target.astype(np.int64)
    perm = np.random.default_rng(SEED).permutation(len(x))
    test, train = perm[:N_TEST], perm[N_TEST:]
    np.savez(path, x_train=x[train], y_train=y[train], x_test=x[test], y_test=y[test])


def load_digits_npz(path: str | Path) -> dict[str, np.ndarray]:
    """The split saved by :func:`save_digits`: x_* (n, 64) float32 in [0, 1], y_* (n,) int64."""
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def batch_order(epoch: int, n: int) -> np.ndarray:
    """The shuffled sample order of one epoch (int64), the same for every implementation."""
    return np.random.default_rng(SEED + 1 + epoch).permutation(n)


def _uniform(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int) -> np.ndarray:
    # torch's default Linear/Conv2d init draws from U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def mlp_params(sizes: list[int], seed: int = SEED) -> Params:
    """Weights of an MLP ``sizes[0] -> sizes[1] -> ... -> sizes[-1]`` (Linear layers)."""
    rng = np.random.default_rng(seed)
    return [
        (_uniform(rng, (n_out, n_in), n_in), _uniform(rng, (n_out,), n_in))
        for n_in, n_out in itertools.pairwise(sizes)
    ]


CNN_CONVS = [(1, 16), (16, 32)]  # (in, out) channels of the two 3x3 convolutions
CNN_FLAT = 32 * 2 * 2  # 8x8 -> pool -> 4x4 -> pool -> 2x2, 32 channels


def cnn_params(seed: int = SEED) -> Params:
    """Weights of W4's CNN: conv 1->16, conv 16->32 (3x3), then Linear 128->10."""
    rng = np.random.default_rng(seed)
    params = [
        (_uniform(rng, (c_out, c_in, 3, 3), c_in * 9), _uniform(rng, (c_out,), c_in * 9))
        for c_in, c_out in CNN_CONVS
    ]
    params.append((_uniform(rng, (10, CNN_FLAT), CNN_FLAT), _uniform(rng, (10,), CNN_FLAT)))
    return params


if __name__ == "__main__":  # python -m benchmarks.data OUT.npz (the driver runs this)
    save_digits(Path(sys.argv[1]))
