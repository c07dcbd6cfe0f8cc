"""End to end: train a small MLP on scikit-learn's digits with picotorch and with torch.

Same seed, same data, same code (``lib`` is picotorch or torch): the model's initial weights, the
shuffled batches, the losses and the updates must all agree, so the two runs follow the same
trajectory. They are not bit-identical only because the matrix products sum in a different order
(NumPy's BLAS and torch's kernels), which differs in the last bits of float32.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
import sklearn.datasets as sklearn_datasets
import torch

import picotorch

STEPS = 50
N_TRAIN = 1437  # the first 1437 of the 1797 images train; the rest are held out


@cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8×8 digit images as 64 float32 features in [0, 1], and their int64 labels."""
    data = sklearn_datasets.load_digits()
    return (data.data / 16.0).astype(np.float32), data.target.astype(np.int64)


def train(lib: Any, optimizer: str, steps: int = STEPS) -> dict[str, Any]:
    """Train for ``steps`` batches; the per-step losses, final parameters and test accuracy."""
    x_all, y_all = digits()
    lib.manual_seed(0)
    nn = lib.nn
    x, y = lib.from_numpy(x_all[:N_TRAIN].copy()), lib.from_numpy(y_all[:N_TRAIN].copy())
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    loss_fn = nn.CrossEntropyLoss()
    if optimizer == "SGD":
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    else:
        opt = lib.optim.Adam(model.parameters(), lr=1e-2)
    loader = lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True
    )

    losses: list[float] = []
    while len(losses) < steps:  # several epochs if needed (23 batches per epoch)
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    with lib.no_grad():
        x_test = lib.from_numpy(x_all[N_TRAIN:].copy())
        predicted = model(x_test).argmax(1).numpy()
    return {
        "losses": np.array(losses),
        "params": [p.detach().numpy().copy() for p in model.parameters()],
        "accuracy": float((predicted == y_all[N_TRAIN:]).mean()),
    }


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_training_follows_torch(optimizer: str) -> None:
    mine, ref = train(picotorch, optimizer), train(torch, optimizer)
    np.testing.assert_allclose(mine["losses"], ref["losses"], rtol=1e-5)
    for a, b in zip(mine["params"], ref["params"], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert abs(mine["accuracy"] - ref["accuracy"]) <= 1 / 360  # at most one test image apart
    assert ref["losses"][-1] < 0.5 * ref["losses"][0]  # and it did learn something


def test_loss_starts_near_log_10() -> None:
    # an untrained 10-class model is about uniform: the first loss is close to ln(10) in both
    mine, ref = train(picotorch, "SGD", steps=1), train(torch, "SGD", steps=1)
    np.testing.assert_allclose(mine["losses"], ref["losses"], rtol=1e-6)
    assert abs(ref["losses"][0] - np.log(10)) < 0.1
