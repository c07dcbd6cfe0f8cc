"""What is timed: the five workloads, once for torch/picotorch (the same code, ``lib`` being either
module) and once for the NumPy reference.

Each function runs inside a fresh process (``benchmarks/child.py``), warms up first, and returns
its timings in seconds as ``{"samples": [...]}`` (plus ``accuracy`` for W2/W4, or ``points``
for W5). Only the lines between ``t0 = perf_counter()`` and ``perf_counter() - t0`` are timed.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from types import ModuleType
from typing import Any

import numpy as np

from . import numpy_ref as ref
from .config import Config
from .data import BATCH, LR, MOMENTUM, Params, batch_order, cnn_params, mlp_params


def per_call(fn: Callable[[], object], number: int) -> float:
    """Seconds per call of ``fn``, over ``number`` calls in a row."""
    t0 = perf_counter()
    for _ in range(number):
        fn()
    return (perf_counter() - t0) / number


def leaves(shape: tuple[int, ...], count: int, seed: int = 0) -> list[np.ndarray]:
    """``count`` float32 arrays uniform in [0, 1), the same for every implementation."""
    rng = np.random.default_rng(seed)
    return [rng.random(shape, dtype=np.float32) for _ in range(count)]


# --- W1: tiny ops ------------------------------------------------------------------------------


def w1_lib(lib: ModuleType, cfg: Config, data: Any) -> dict:
    a, b, c = (lib.tensor(x, requires_grad=True) for x in leaves((8, 8), 3))

    def step() -> None:
        ((a * b + c).relu() @ a).sum().backward()
        a.grad = b.grad = c.grad = None  # zeroing, as optimizer.zero_grad() does by default

    per_call(step, cfg.w1_warmup)
    return {"samples": [per_call(step, cfg.w1_number) for _ in range(cfg.w1_rounds)]}


def w1_numpy(cfg: Config, data: Any) -> dict:
    a, b, c = leaves((8, 8), 3)

    def step() -> None:
        ref.tiny_step(a, b, c)  # returns fresh gradient arrays: nothing to zero

    per_call(step, cfg.w1_warmup)
    return {"samples": [per_call(step, cfg.w1_number) for _ in range(cfg.w1_rounds)]}


# --- W2 and W4: training on digits -------------------------------------------------------------


def load_params(lib: ModuleType, layers: list[Any], params: Params) -> None:
    """Copies the NumPy initial weights into Linear/Conv2d layers."""
    with lib.no_grad():
        for layer, (w, b) in zip(layers, params, strict=True):
            layer.weight.copy_(lib.from_numpy(w))
            layer.bias.copy_(lib.from_numpy(b))


def make_mlp(lib: ModuleType, params: Params) -> Any:
    """Linear -> ReLU -> ... -> Linear, with the given weights."""
    nn = lib.nn
    linears = [nn.Linear(w.shape[1], w.shape[0]) for w, _ in params]
    layers: list[Any] = []
    for i, linear in enumerate(linears):
        layers += [nn.ReLU(), linear] if i > 0 else [linear]
    load_params(lib, linears, params)
    return nn.Sequential(*layers)


def make_cnn(lib: ModuleType, params: Params) -> Any:
    """W4's CNN with the given weights."""
    nn = lib.nn
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(128, 10),
    )
    load_params(lib, [model[0], model[3], model[7]], params)
    return model


def images(x: np.ndarray) -> np.ndarray:
    """(n, 64) digits -> (n, 1, 8, 8) one-channel images, for the CNN."""
    return x.reshape(-1, 1, 8, 8)


def as_images(data: dict) -> dict:
    return {**data, "x_train": images(data["x_train"]), "x_test": images(data["x_test"])}


def train_lib(lib: ModuleType, model: Any, data: dict, epochs: int) -> dict:
    """SGD with momentum on the digits, one timed epoch at a time; the first epoch warms up."""
    x, y = lib.from_numpy(data["x_train"]), lib.from_numpy(data["y_train"])
    opt = lib.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = lib.nn.CrossEntropyLoss()
    times = []
    for epoch in range(epochs):
        order = lib.from_numpy(batch_order(epoch, len(y)))
        t0 = perf_counter()
        xs, ys = x[order], y[order]
        for i in range(0, len(ys), BATCH):
            opt.zero_grad()
            loss = loss_fn(model(xs[i : i + BATCH]), ys[i : i + BATCH])
            loss.backward()
            opt.step()
        times.append(perf_counter() - t0)
    x_test, y_test = lib.from_numpy(data["x_test"]), lib.from_numpy(data["y_test"])
    with lib.no_grad():
        accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
    return {"samples": times[1:], "accuracy": accuracy}


def train_numpy(model: ref.MLP | ref.CNN, data: dict, epochs: int) -> dict:
    """The same training loop on the NumPy reference."""
    x, y = data["x_train"], data["y_train"]
    opt = ref.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    times = []
    for epoch in range(epochs):
        order = batch_order(epoch, len(y))
        t0 = perf_counter()
        xs, ys = x[order], y[order]
        for i in range(0, len(ys), BATCH):
            ref.train_step(model, opt, xs[i : i + BATCH], ys[i : i + BATCH])
        times.append(perf_counter() - t0)
    accuracy = ref.accuracy(model, data["x_test"], data["y_test"])
    return {"samples": times[1:], "accuracy": accuracy}


MLP_SIZES = [64, 128, 10]


def w2_lib(lib: ModuleType, cfg: Config, data: dict) -> dict:
    return train_lib(lib, make_mlp(lib, mlp_params(MLP_SIZES)), data, cfg.w2_epochs)


def w2_numpy(cfg: Config, data: dict) -> dict:
    return train_numpy(ref.MLP(mlp_params(MLP_SIZES)), data, cfg.w2_epochs)


def w4_lib(lib: ModuleType, cfg: Config, data: dict) -> dict:
    return train_lib(lib, make_cnn(lib, cnn_params()), as_images(data), cfg.w4_epochs)


def w4_numpy(cfg: Config, data: dict) -> dict:
    return train_numpy(ref.CNN(cnn_params()), as_images(data), cfg.w4_epochs)


# --- W3: one big matmul ------------------------------------------------------------------------


def w3_lib(lib: ModuleType, cfg: Config, data: Any) -> dict:
    a, b = (lib.tensor(x, requires_grad=True) for x in leaves((cfg.w3_size,) * 2, 2))

    def step() -> None:
        (a @ b).sum().backward()
        a.grad = b.grad = None

    step()
    return {"samples": [per_call(step, 1) for _ in range(cfg.w3_iters)]}


def w3_numpy(cfg: Config, data: Any) -> dict:
    a, b = leaves((cfg.w3_size,) * 2, 2)
    ref.matmul_sum_step(a, b)
    return {
        "samples": [per_call(lambda: ref.matmul_sum_step(a, b), 1) for _ in range(cfg.w3_iters)]
    }


# --- W5: how backward time grows -------------------------------------------------------------

CHAIN_SHAPE = (8, 8)


def w5_chain_lib(lib: ModuleType, cfg: Config, data: Any) -> dict:
    """Backward of ``y = x * c * ... * c`` (N multiplications) ``.sum()``; built untimed."""
    x = lib.ones(CHAIN_SHAPE, requires_grad=True)
    points = []
    for n in (cfg.w5_chain[0], *cfg.w5_chain):  # the first pass warms up
        samples = []
        for _ in range(cfg.w5_samples):
            y = x
            for _ in range(n):
                y = y * ref.CHAIN_FACTOR
            loss = y.sum()
            t0 = perf_counter()
            loss.backward()
            samples.append(perf_counter() - t0)
            x.grad = None
            del y, loss
        points.append({"x": n, "samples": samples})
    return {"points": points[1:]}


def w5_chain_numpy(cfg: Config, data: Any) -> dict:
    points = []
    for n in (cfg.w5_chain[0], *cfg.w5_chain):
        samples = []
        for _ in range(cfg.w5_samples):
            t0 = perf_counter()
            ref.chain_backward(n, CHAIN_SHAPE)
            samples.append(perf_counter() - t0)
        points.append({"x": n, "samples": samples})
    return {"points": points[1:]}


def w5_mlp_inputs(width: int) -> tuple[Params, np.ndarray, np.ndarray]:
    """A width -> width -> width -> 10 MLP and one batch of random inputs and labels."""
    rng = np.random.default_rng(width)
    x = rng.random((BATCH, width), dtype=np.float32)
    return mlp_params([width, width, width, 10]), x, rng.integers(0, 10, BATCH)


def w5_mlp_lib(lib: ModuleType, cfg: Config, data: Any) -> dict:
    """Backward of an MLP's cross-entropy loss on one batch, for growing widths."""
    loss_fn = lib.nn.CrossEntropyLoss()
    points = []
    for width in cfg.w5_widths:
        params, x_np, y_np = w5_mlp_inputs(width)
        model, x, y = make_mlp(lib, params), lib.from_numpy(x_np), lib.from_numpy(y_np)
        samples = []
        for _ in range(1 + cfg.w5_samples):  # the first pass warms up
            model.zero_grad()
            loss = loss_fn(model(x), y)
            t0 = perf_counter()
            loss.backward()
            samples.append(perf_counter() - t0)
        points.append({"x": width, "samples": samples[1:]})
    return {"points": points}


def w5_mlp_numpy(cfg: Config, data: Any) -> dict:
    points = []
    for width in cfg.w5_widths:
        params, x, y = w5_mlp_inputs(width)
        model = ref.MLP(params)
        samples = []
        for _ in range(1 + cfg.w5_samples):
            # the loss's gradient comes with the forward pass here; it is 64x10, negligible
            _, grad = ref.cross_entropy(model.forward(x), y)
            t0 = perf_counter()
            model.backward(grad)
            samples.append(perf_counter() - t0)
        points.append({"x": width, "samples": samples[1:]})
    return {"points": points}


# name -> (torch/picotorch version, NumPy version)
RUNNERS: dict[str, tuple[Callable[..., dict], Callable[..., dict]]] = {
    "W1": (w1_lib, w1_numpy),
    "W2": (w2_lib, w2_numpy),
    "W3": (w3_lib, w3_numpy),
    "W4": (w4_lib, w4_numpy),
    "W5-chain": (w5_chain_lib, w5_chain_numpy),
    "W5-mlp": (w5_mlp_lib, w5_mlp_numpy),
}
