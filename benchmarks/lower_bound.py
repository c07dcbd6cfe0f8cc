"""How fast can any Python autograd on NumPy be? A lower bound for the W1 and W2 targets.

    python -m benchmarks.lower_bound     # prints a table and writes benchmarks/lower_bound.json

Times one step of W1 (``((a*b + c).relu() @ a).sum()`` forward + backward on (8, 8) leaves), W1's
forward pass alone (the graph recorded, then dropped: where each op's own cost shows) and one
training step of W2 (64-128-10 MLP, batch 64, cross-entropy, SGD momentum 0.9) five ways,
interleaved in one process, one thread:

- ``numpy``: the gradients written out by hand (no graph at all): the physical limit;
- ``tape``: the smallest autograd imaginable on NumPy: each op records a closure, backward walks
  the tape once. No dtype rules, no version counters, no checks, no hooks, no torch names: the
  starting cost of recording a graph op by op in Python;
- ``floor``: the tape plus only the per-op work that torch's visible behaviour requires (a
  Tensor per result, named nodes with ``next_functions``, version checks of saved tensors, the
  engine's order; see ``benchmarks/floor.py``): the starting cost of picotorch's promise, in the
  cheapest forms known;
- ``picotorch`` and ``torch``.

A target below the tape's ratio is out of reach of a per-op Python autograd, and one below the
floor's of one that behaves as torch does (as far as the cheapest forms known go: these are
measurements, not proofs). The gap between the floor and picotorch is the price of the rest of
torch's semantics as picotorch implements them (type promotion, views, hooks, torch's errors,
...).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import datetime
import json
import platform
import statistics
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

import picotorch

from . import floor
from . import numpy_ref as ref
from .run import cpu

torch.set_num_threads(1)
ROUNDS, NUMBER = 30, 200
OUT = Path(__file__).with_name("lower_bound.json")  # read by the 性能 page


# ------------------------------------------------------------------------------ the tiny tape
class Var:
    """A value on the tape: its array, its gradient, and how to pass a gradient to its inputs."""

    __slots__ = ("backward", "data", "grad", "inputs")

    def __init__(self, data: Any, inputs: tuple[Var, ...] = (), backward: Any = None) -> None:
        self.data, self.inputs, self.backward, self.grad = data, inputs, backward, None


def mul(a: Var, b: Var) -> Var:
    return Var(a.data * b.data, (a, b), lambda g: (g * b.data, g * a.data))


def add(a: Var, b: Var) -> Var:
    return Var(a.data + b.data, (a, b), lambda g: (g, g))


def relu(a: Var) -> Var:
    out = np.maximum(a.data, 0)
    return Var(out, (a,), lambda g: (g * (out > 0),))


def mm(a: Var, b: Var) -> Var:
    return Var(a.data @ b.data, (a, b), lambda g: (g @ b.data.T, a.data.T @ g))


def total(a: Var) -> Var:
    return Var(a.data.sum(), (a,), lambda g: (np.broadcast_to(g, a.data.shape),))


def linear(x: Var, w: Var, b: Var) -> Var:
    out = x.data @ w.data.T + b.data
    return Var(out, (x, w, b), lambda g: (g @ w.data, g.T @ x.data, g.sum(0)))


def cross_entropy(o: Var, y: np.ndarray) -> Var:
    loss, grad = ref.cross_entropy(o.data, y)  # the loss and d loss / d logits
    return Var(loss, (o,), lambda g: (grad * g,))


def backprop(root: Var) -> None:
    """Topological order by an explicit stack, then one pass that sums gradients per value."""
    order: list[Var] = []
    seen: set[int] = set()
    stack: list[tuple[Var, bool]] = [(root, False)]
    while stack:
        v, inputs_done = stack.pop()
        if inputs_done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((i, False) for i in v.inputs)
    grads: dict[int, Any] = {id(root): np.ones((), np.float32)}
    for v in reversed(order):
        g = grads.pop(id(v), None)
        if g is None:
            continue
        if v.backward is None:  # a leaf
            v.grad = g.copy() if v.grad is None else v.grad + g
            continue
        for i, gi in zip(v.inputs, v.backward(g), strict=True):
            grads[id(i)] = gi if id(i) not in grads else grads[id(i)] + gi


# ------------------------------------------------------------------------------ the workloads
def w1_steps(backward: bool = True) -> dict[str, Callable[[], Any]]:
    """One W1 step of each implementation. With ``backward=False``, only its forward pass: the
    graph is recorded (and dropped), so the time is what recording the five ops costs."""
    rng = np.random.default_rng(0)
    a0, b0, c0 = (rng.random((8, 8), dtype=np.float32) for _ in range(3))
    leaves = [Var(x) for x in (a0, b0, c0)]

    def tape_step() -> None:
        a, b, c = leaves
        backprop(total(mm(relu(add(mul(a, b), c)), a)))
        a.grad = b.grad = c.grad = None

    def tape_forward() -> Var:
        a, b, c = leaves
        return total(mm(relu(add(mul(a, b), c)), a))

    def tensor_step(a: Any, b: Any, c: Any) -> Callable[[], Any]:  # floor, picotorch, torch
        def step() -> None:
            ((a * b + c).relu() @ a).sum().backward()
            a.grad = b.grad = c.grad = None

        def forward() -> Any:
            return ((a * b + c).relu() @ a).sum()

        return step if backward else forward

    def numpy_forward() -> Any:
        return (np.maximum(a0 * b0 + c0, 0) @ a0).sum()

    def leaves_of(lib: Any) -> list[Any]:
        return [lib.from_numpy(x.copy()).requires_grad_() for x in (a0, b0, c0)]

    return {
        "numpy": (lambda: ref.tiny_step(a0, b0, c0)) if backward else numpy_forward,
        "tape": tape_step if backward else tape_forward,
        "floor": tensor_step(*(floor.Tensor(x.copy(), requires_grad=True) for x in (a0, b0, c0))),
        "picotorch": tensor_step(*leaves_of(picotorch)),
        "torch": tensor_step(*leaves_of(torch)),
    }


def w2_steps() -> tuple[dict[str, Callable[[], Any]], dict[str, Callable[[], np.ndarray]]]:
    rng = np.random.default_rng(0)
    x = rng.random((64, 64), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    init = [
        (rng.random((128, 64), dtype=np.float32) - 0.5) * 0.2,
        np.zeros(128, np.float32),
        (rng.random((10, 128), dtype=np.float32) - 0.5) * 0.2,
        np.zeros(10, np.float32),
    ]

    mlp = ref.MLP([(init[0], init[1]), (init[2], init[3])])
    numpy_sgd = ref.SGD(mlp.parameters(), lr=0.1, momentum=0.9)

    tape_params = [Var(p.copy()) for p in init]
    tape_sgd = ref.SGD([p.data for p in tape_params], lr=0.1, momentum=0.9)  # same arrays

    def tape_step() -> None:
        w1, b1, w2, b2 = tape_params
        for p in tape_params:
            p.grad = None
        backprop(cross_entropy(linear(relu(linear(Var(x), w1, b1)), w2, b2), y))
        tape_sgd.step([p.grad for p in tape_params])

    floor_model = floor.Sequential(
        floor.Linear(init[0].copy(), init[1].copy()),
        floor.ReLU(),
        floor.Linear(init[2].copy(), init[3].copy()),
    )
    floor_sgd = floor.SGD(floor_model.parameters(), lr=0.1, momentum=0.9)
    floor_x = floor.Tensor(x)

    def floor_step() -> None:
        floor_sgd.zero_grad()
        floor.cross_entropy(floor_model(floor_x), y).backward()
        floor_sgd.step()

    models = {}

    def lib_step(lib: Any) -> Callable[[], None]:
        model = lib.nn.Sequential(lib.nn.Linear(64, 128), lib.nn.ReLU(), lib.nn.Linear(128, 10))
        with lib.no_grad():
            for p, value in zip(model.parameters(), init, strict=True):
                p.copy_(lib.from_numpy(value))
        optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        loss_fn = lib.nn.CrossEntropyLoss()
        inputs, targets = lib.from_numpy(x), lib.from_numpy(y.astype(np.int64))
        models[lib.__name__] = model

        def step() -> None:
            optimizer.zero_grad()
            loss_fn(model(inputs), targets).backward()
            optimizer.step()

        return step

    steps = {
        "numpy": lambda: ref.train_step(mlp, numpy_sgd, x, y),
        "tape": tape_step,
        "floor": floor_step,
        "picotorch": lib_step(picotorch),
        "torch": lib_step(torch),
    }
    weights = {  # each implementation's current first-layer weight, to check they agree
        "numpy": lambda: mlp.params[0][0],
        "tape": lambda: tape_params[0].data,
        "floor": lambda: floor_model.parameters()[0].data,
        "picotorch": lambda: models["picotorch"][0].weight.detach().numpy(),
        "torch": lambda: models["torch"][0].weight.detach().numpy(),
    }
    return steps, weights


def measure(name: str, steps: dict[str, Callable[[], Any]]) -> dict[str, dict[str, float]]:
    """Time each step in turn, ROUNDS times; print and return the median, min and max (µs)."""
    times: dict[str, list[float]] = {k: [] for k in steps}
    for _ in range(ROUNDS):
        for impl, step in steps.items():
            times[impl].append(timeit.timeit(step, number=NUMBER) / NUMBER * 1e6)
    med = {k: statistics.median(v) for k, v in times.items()}
    for impl, t in med.items():
        print(
            f"{name} {impl:>9}: {t:7.1f} us/step   x torch {t / med['torch']:.2f}"
            f"   x numpy {t / med['numpy']:.2f}"
        )
    return {
        impl: {"median_us": med[impl], "min_us": min(v), "max_us": max(v)}
        for impl, v in times.items()
    }


def main() -> None:
    print(f"torch {torch.__version__}, numpy {np.__version__}; median of {ROUNDS} rounds")
    workloads = {
        "W1": measure("W1", w1_steps()),
        "W1-forward": measure("W1-forward", w1_steps(backward=False)),
        "W2": measure("W2", w2_steps()[0]),
    }
    record = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpu": cpu(), "cores": os.cpu_count()},
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "torch": torch.__version__,
        },
        "rounds": ROUNDS,
        "steps_per_round": NUMBER,
        "workloads": workloads,
    }
    OUT.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
