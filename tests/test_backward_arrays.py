"""The two backward formulas of each node agree with each other and with torch.

A plain ``backward()`` passes NumPy arrays between the nodes and runs each node's
``backward_arrays``; under ``create_graph=True`` Tensors flow and ``backward`` runs (see
``autograd/engine.py``). Both must give torch's gradients, so every case here is computed three
ways: picotorch with arrays, picotorch with Tensors, torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import picotorch

RNG = np.random.default_rng(7)


def _leaves(lib: Any, arrays: list[np.ndarray]) -> list[Any]:
    return [lib.tensor(a.copy(), requires_grad=a.dtype.kind == "f") for a in arrays]


def _grads(lib: Any, f: Callable[..., Any], arrays: list[np.ndarray], recorded: bool) -> list[Any]:
    """Gradients of ``f(lib, *leaves)`` (a scalar) with respect to the float leaves."""
    leaves = _leaves(lib, arrays)
    wrt = [t for t in leaves if t.requires_grad]
    out = f(lib, *leaves)
    if recorded:  # Tensors flow: each node's differentiable ``backward``
        grads = lib.autograd.grad(out, wrt, create_graph=True, allow_unused=True)
    else:  # arrays flow: ``backward_arrays``
        out.backward()
        grads = tuple(t.grad for t in wrt)
    return [None if g is None else g.detach().numpy().copy() for g in grads]


def f32(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


CASES: dict[str, tuple[Callable[..., Any], list[np.ndarray]]] = {
    "mul": (lambda t, a, b: (a * b).sum(), [f32(3, 4), f32(3, 4)]),
    "mul broadcast": (lambda t, a, b: (a * b).sum(), [f32(3, 4), f32(4)]),
    "mul number": (lambda t, a: (a * 2.5).sum(), [f32(3, 4)]),
    "mul float64 0-d": (lambda t, a, b: (a * b).sum(), [f32(3, 4), np.array(1.1)]),
    "mul int tensor": (lambda t, a, b: (a * b).sum(), [f32(3), np.array([1, 2, 3])]),
    "add alpha": (lambda t, a, b: t.add(a, b, alpha=0.5).sum(), [f32(2, 3), f32(2, 3)]),
    "sub alpha": (lambda t, a, b: t.sub(a, b, alpha=3).sum(), [f32(2, 3), f32(3)]),
    "relu": (lambda t, a: (a.relu() * a).sum(), [f32(5, 6)]),
    "tanh": (lambda t, a: (a.tanh() * a).sum(), [f32(5, 6)]),
    "sigmoid": (lambda t, a: (a.sigmoid() * a).sum(), [f32(5, 6)]),
    "label smoothing": (  # (mul_scalar: MulBackward1)
        lambda t, x: t.nn.functional.cross_entropy(x, t.tensor([0, 2, 1]), label_smoothing=0.2),
        [f32(3, 4)],
    ),
    "mm": (lambda t, a, b: (a @ b).sum(), [f32(3, 4), f32(4, 5)]),
    "sum dim": (lambda t, a: (a.sum(1) ** 2).sum(), [f32(3, 4, 2)]),
    "sum keepdim": (lambda t, a: (a.sum((0, 2), keepdim=True) * a).sum(), [f32(3, 4, 2)]),
    "mean": (lambda t, a: (a.mean(0) ** 2).sum(), [f32(3, 4)]),
    "t and view": (lambda t, a: (a.t().reshape(-1) ** 2).sum(), [f32(3, 4)]),
    "expand": (lambda t, a: (a.expand(3, 4) ** 2).sum(), [f32(1, 4)]),
    "log_softmax": (
        lambda t, a: (t.log_softmax(a, 1) * t.arange(4.0)).sum(),
        [f32(3, 4)],
    ),
    "linear": (
        lambda t, x, w, b: (t.nn.functional.linear(x, w, b) ** 2).sum(),
        [f32(5, 4), f32(3, 4), f32(3)],
    ),
    "cross_entropy weighted": (
        lambda t, x: t.nn.functional.cross_entropy(
            x, t.tensor([0, 2, 1, 2]), weight=t.tensor([0.5, 2.0, 1.0]), ignore_index=1
        ),
        [f32(4, 3)],
    ),
    "nll_loss sum": (
        lambda t, x: t.nn.functional.nll_loss(x, t.tensor([1, 0, 2]), reduction="sum"),
        [f32(3, 4)],
    ),
    "nll_loss 2d": (
        lambda t, x: t.nn.functional.nll_loss(x, t.tensor([[[0, 1], [2, 0]]])),
        [f32(1, 3, 2, 2)],
    ),
    "max_pool2d overlapping": (
        lambda t, x: (t.nn.functional.max_pool2d(x, 3, stride=1) ** 2).sum(),
        [f32(2, 2, 5, 5)],
    ),
    "conv2d": (
        lambda t, x, w, b: (t.nn.functional.conv2d(x, w, b, padding=1) ** 2).sum(),
        [f32(2, 2, 5, 5), f32(3, 2, 3, 3), f32(3)],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_array_and_tensor_formulas_give_torchs_gradients(name: str) -> None:
    f, arrays = CASES[name]
    expected = _grads(torch, f, arrays, recorded=False)
    for recorded in (False, True):
        got = _grads(picotorch, f, arrays, recorded=recorded)
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert g is not None and e is not None
            assert g.dtype == e.dtype and g.shape == e.shape
            # float32 sums taken in another order differ by a few ulps of the largest terms,
            # so an element near 0 (after cancellation) is compared at that absolute scale
            scale = max(1.0, float(np.abs(e).max()))
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6 * scale)


def test_a_taken_over_gradient_is_the_leafs_own_writable_memory() -> None:
    """``.grad`` may take over the engine's array, but never one that is read-only (the sum's
    expanded gradient) or shared (one gradient flowing into two leaves): in-place updates of
    ``.grad`` must not write into anything else."""
    results = []
    for lib in (picotorch, torch):
        a = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(2, 3, requires_grad=True)
        (a + b).sum().backward()  # both get the same expanded gradient of the sum
        a.grad.add_(1)  # must not change b.grad, nor fail on read-only memory
        results.append((a.grad.numpy().copy(), b.grad.numpy().copy()))
    for got, expected in zip(results[0], results[1], strict=True):
        np.testing.assert_array_equal(got, expected)


def test_linear_weight_gradient_is_row_major_and_accumulates() -> None:
    """nn.Linear's weight gradient is computed transposed and taken over as the weight's
    ``.grad`` (a view of a fresh product): laid out like the weight, as in torch, and a second
    backward adds into it."""
    x = f32(4, 3)
    grads, strides = [], []
    for lib in (picotorch, torch):
        lib.manual_seed(0)
        layer = lib.nn.Linear(3, 2)
        inputs = lib.tensor(x)
        for step in range(2):
            (layer(inputs) ** 2).sum().backward()
            if step == 0 and lib is picotorch:  # taken over, not copied: still the product's view
                assert layer.weight.grad._data.base is not None
        grads.append(layer.weight.grad.numpy().copy())
        strides.append(layer.weight.grad.stride())
    assert strides[0] == strides[1] == (3, 1)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5)


def test_hooks_see_tensors_while_arrays_flow() -> None:
    """A tensor hook gets a Tensor, may change the gradient in place or replace it, and
    ``retain_grad`` keeps a Tensor, also when the engine passes arrays."""
    seen = []
    for lib in (picotorch, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 10)
        z = y.relu()
        z.register_hook(lambda g: g.mul_(3))
        (z * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        seen.append((type(y.grad).__name__, y.grad.numpy().copy(), x.grad.numpy().copy()))
    assert seen[0][0] == seen[1][0] == "Tensor"
    np.testing.assert_array_equal(seen[0][1], seen[1][1])
    np.testing.assert_array_equal(seen[0][2], seen[1][2])


def test_a_formula_returning_the_wrong_number_of_gradients_is_an_error() -> None:
    """A node's formula must return one gradient per input: the engine raises torch's error for
    a custom Function that does this, instead of dropping or misrouting a gradient. (No
    picotorch op does this; the nodes here are broken on purpose.)"""
    from picotorch.autograd.function import Node, record

    class BrokenBackward(Node):
        def backward(self, grad: Any) -> tuple[Any, ...]:
            return (grad,)  # two inputs, one gradient

    class Broken(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            return a + b

        @staticmethod
        def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor]:
            return (grad,)

    messages = []
    for lib in (picotorch, torch):
        a, b = (lib.ones(2, requires_grad=True) for _ in range(2))
        if lib is picotorch:
            out = picotorch.zeros(2)
            record(out, BrokenBackward, (a, b))
        else:
            out = Broken.apply(a, b)
        with pytest.raises(RuntimeError) as caught:
            out.sum().backward()
        messages.append(str(caught.value))
    expected = "returned an incorrect number of gradients (expected 2, got 1)"
    assert messages[0] == messages[1] == f"function BrokenBackward {expected}"
