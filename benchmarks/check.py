"""Before timing: the three implementations compute the same thing.

For each workload, torch is the oracle: the NumPy reference and picotorch must give the same
gradients (and, for W2/W4, the same weights after three SGD-with-momentum steps).

    python -m benchmarks.data digits.npz && python -m benchmarks.check --data digits.npz
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import Any

import numpy as np

from . import numpy_ref as ref
from .data import BATCH, LR, MOMENTUM, batch_order, cnn_params, load_digits_npz, mlp_params
from .workloads import (
    CHAIN_SHAPE,
    MLP_SIZES,
    images,
    leaves,
    make_cnn,
    make_mlp,
    w5_mlp_inputs,
)

Arrays = list[np.ndarray]


@dataclass
class CheckResult:
    workload: str
    impl: str  # the implementation compared with torch
    ok: bool
    max_abs_diff: float | None = None
    error: str | None = None


def _numpy(t: Any) -> np.ndarray:
    return t.detach().numpy().copy()


def _grads(tensors: list[Any]) -> Arrays:
    return [_numpy(t.grad) for t in tensors]


# --- each workload computed by torch/picotorch (lib) and by the NumPy reference ----------------


def w1_lib(lib: ModuleType, size: str, data: dict) -> Arrays:
    a, b, c = (lib.tensor(x, requires_grad=True) for x in leaves((8, 8), 3))
    ((a * b + c).relu() @ a).sum().backward()
    return _grads([a, b, c])


def w1_numpy(size: str, data: dict) -> Arrays:
    return ref.tiny_step(*leaves((8, 8), 3))


def _w3_n(size: str) -> int:
    return 1024 if size == "full" else 128


def w3_lib(lib: ModuleType, size: str, data: dict) -> Arrays:
    a, b = (lib.tensor(x, requires_grad=True) for x in leaves((_w3_n(size),) * 2, 2))
    (a @ b).sum().backward()
    return _grads([a, b])


def w3_numpy(size: str, data: dict) -> Arrays:
    return ref.matmul_sum_step(*leaves((_w3_n(size),) * 2, 2))


def _train_probe_lib(lib: ModuleType, model: Any, x: np.ndarray, y: np.ndarray) -> Arrays:
    """Loss and gradients on the first batch, then the weights after three SGD steps."""
    order = batch_order(0, len(y))
    opt = lib.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    out: Arrays = []
    for step in range(3):
        idx = order[step * BATCH : (step + 1) * BATCH]
        opt.zero_grad()
        loss = lib.nn.CrossEntropyLoss()(model(lib.from_numpy(x[idx])), lib.from_numpy(y[idx]))
        loss.backward()
        if step == 0:
            out += [_numpy(loss), *_grads(list(model.parameters()))]
        opt.step()
    return out + [_numpy(p) for p in model.parameters()]


def _train_probe_numpy(model: ref.MLP | ref.CNN, x: np.ndarray, y: np.ndarray) -> Arrays:
    order = batch_order(0, len(y))
    opt = ref.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    out: Arrays = []
    for step in range(3):
        idx = order[step * BATCH : (step + 1) * BATCH]
        loss, grad = ref.cross_entropy(model.forward(x[idx]), y[idx])
        grads = model.backward(grad)
        if step == 0:
            out += [np.asarray(loss, np.float32), *(g.copy() for g in grads)]
        opt.step(grads)
    return out + [p.copy() for p in model.parameters()]


def w2_lib(lib: ModuleType, size: str, data: dict) -> Arrays:
    model = make_mlp(lib, mlp_params(MLP_SIZES))
    return _train_probe_lib(lib, model, data["x_train"], data["y_train"])


def w2_numpy(size: str, data: dict) -> Arrays:
    return _train_probe_numpy(ref.MLP(mlp_params(MLP_SIZES)), data["x_train"], data["y_train"])


def w4_lib(lib: ModuleType, size: str, data: dict) -> Arrays:
    model = make_cnn(lib, cnn_params())
    return _train_probe_lib(lib, model, images(data["x_train"]), data["y_train"])


def w4_numpy(size: str, data: dict) -> Arrays:
    return _train_probe_numpy(ref.CNN(cnn_params()), images(data["x_train"]), data["y_train"])


CHAIN_N = 1000


def w5_chain_lib(lib: ModuleType, size: str, data: dict) -> Arrays:
    x = lib.ones(CHAIN_SHAPE, requires_grad=True)
    y = x
    for _ in range(CHAIN_N):
        y = y * ref.CHAIN_FACTOR
    y.sum().backward()
    return _grads([x])


def w5_chain_numpy(size: str, data: dict) -> Arrays:
    return [ref.chain_backward(CHAIN_N, CHAIN_SHAPE)]


def w5_mlp_lib(lib: ModuleType, size: str, data: dict) -> Arrays:
    params, x, y = w5_mlp_inputs(64)
    model = make_mlp(lib, params)
    lib.nn.CrossEntropyLoss()(model(lib.from_numpy(x)), lib.from_numpy(y)).backward()
    return _grads(list(model.parameters()))


def w5_mlp_numpy(size: str, data: dict) -> Arrays:
    params, x, y = w5_mlp_inputs(64)
    model = ref.MLP(params)
    _, grad = ref.cross_entropy(model.forward(x), y)
    return model.backward(grad)


CHECKS: dict[str, tuple[Callable[..., Arrays], Callable[..., Arrays]]] = {
    "W1": (w1_lib, w1_numpy),
    "W2": (w2_lib, w2_numpy),
    "W3": (w3_lib, w3_numpy),
    "W4": (w4_lib, w4_numpy),
    "W5-chain": (w5_chain_lib, w5_chain_numpy),
    "W5-mlp": (w5_mlp_lib, w5_mlp_numpy),
}


def compare(expected: Arrays, actual: Arrays) -> tuple[bool, float]:
    """All arrays close (float32 sums in another order differ in the last bits)."""
    if len(expected) != len(actual):
        return False, float("inf")
    diff, ok = 0.0, True
    for e, a in zip(expected, actual, strict=True):
        e, a = np.asarray(e), np.asarray(a)
        if e.shape != a.shape:
            return False, float("inf")
        diff = max(diff, float(np.abs(e - a).max()))
        ok = ok and bool(np.allclose(a, e, rtol=1e-4, atol=1e-5))
    return ok, diff


def run_checks(
    workloads: list[str],
    data: dict,
    size: str = "full",
    impls: tuple[str, ...] = ("numpy", "picotorch"),
) -> list[CheckResult]:
    """Compares each implementation in ``impls`` with torch on each workload, with torch and
    picotorch on one thread, as the timed runs are (their thread counts are restored after)."""
    import torch

    import picotorch

    libs = (torch, picotorch)
    before = [lib.get_num_threads() for lib in libs]
    for lib in libs:
        lib.set_num_threads(1)
    try:
        return _compare_all(workloads, data, size, impls, torch)
    finally:
        for lib, count in zip(libs, before, strict=True):
            lib.set_num_threads(count)


def _compare_all(
    workloads: list[str], data: dict, size: str, impls: tuple[str, ...], torch: ModuleType
) -> list[CheckResult]:
    results = []
    for workload in workloads:
        run_lib, run_numpy = CHECKS[workload]
        expected = run_lib(torch, size, data)
        for impl in impls:
            try:
                if impl == "numpy":
                    actual = run_numpy(size, data)
                else:
                    actual = run_lib(importlib.import_module(impl), size, data)
            except Exception as exc:  # a missing picotorch feature: reported, not fatal
                results.append(
                    CheckResult(workload, impl, False, error=f"{type(exc).__name__}: {exc}")
                )
                continue
            ok, diff = compare(expected, actual)
            results.append(CheckResult(workload, impl, ok, diff))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="NumPy reference and picotorch vs torch")
    parser.add_argument("--data", help="the digits .npz (python -m benchmarks.data), for W2/W4")
    parser.add_argument("--only", help="comma-separated workloads (default: all)")
    parser.add_argument("--small", action="store_true", help="a smaller W3 (128x128)")
    parser.add_argument("--json", action="store_true", help="print one JSON line, for the driver")
    args = parser.parse_args()
    workloads = args.only.split(",") if args.only else list(CHECKS)
    data = load_digits_npz(args.data) if args.data else {}
    results = run_checks(workloads, data, "small" if args.small else "full")
    if args.json:
        print(json.dumps([asdict(r) for r in results]))
        return
    for r in results:
        detail = r.error or f"max |diff| {r.max_abs_diff:.2e}"
        print(f"{r.workload:>9} {r.impl:>10} vs torch: {'ok' if r.ok else 'DIFFERS'}  ({detail})")
    raise SystemExit(0 if all(r.ok for r in results) else 1)


if __name__ == "__main__":
    main()
