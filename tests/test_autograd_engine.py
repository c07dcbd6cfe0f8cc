"""The autograd engine and its tensor API, against torch: every case runs the same code on both.

Each test writes one function ``case(t)`` that takes the library (``picotorch`` or ``torch``)
and returns what it wants compared; ``same(case)`` runs it on both and compares everything:

- tensors: shape, dtype, values (float tolerance by dtype), ``requires_grad``, ``is_leaf``, and
  the graph behind them: ``grad_fn`` names with their ``next_functions`` (names and input_nr),
  a few levels down;
- graph nodes, the same way; strings with ``0x…`` addresses masked; Python values exactly;
- an exception: same type and same message (in full, unless ``match`` names a fragment);
- warnings: same categories and messages, in order.
"""

from __future__ import annotations

import gc
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import picotorch

LIBS = (picotorch, torch)
TOLERANCE = {"float16": 1e-3, "float32": 1e-6, "float64": 1e-12}
GRAPH_DEPTH = 4  # how far down next_functions a tensor's graph is compared (see ``same``)


# --------------------------------------------------------------------------- the helper
def _graph(node: Any, depth: int) -> Any:
    """A node as (name, ((next node, input_nr), ...)), ``depth`` levels down."""
    if node is None:
        return None
    if depth == 0:
        return node.name()
    return (
        node.name(),
        tuple((_graph(n, depth - 1), nr) for n, nr in node.next_functions),
    )


def observe(x: Any, depth: int = GRAPH_DEPTH) -> Any:
    """What is compared about a value: plain Python data, with arrays for tensor values."""
    if isinstance(x, (picotorch.Tensor, torch.Tensor)):
        dtype = str(x.dtype).removeprefix("torch.")
        return (
            "Tensor",
            tuple(x.shape),
            dtype,
            x.requires_grad,
            x.is_leaf,
            _graph(x.grad_fn, depth),
            np.array(x.detach().numpy(), copy=True),
        )
    if isinstance(x, (picotorch.autograd.Node, torch.autograd.graph.Node)):
        return ("Node", _graph(x, depth))
    if isinstance(x, (tuple, list)):
        return type(x).__name__, [observe(v, depth) for v in x]
    if isinstance(x, dict):
        return {k: observe(v, depth) for k, v in x.items()}
    if isinstance(x, str):
        return re.sub(r"0x[0-9a-f]+", "0x…", x)
    if isinstance(x, (torch.dtype, picotorch.dtype, torch.Size, picotorch.Size)):
        return repr(x)
    return x


def _compare(mine: Any, ref: Any, path: str) -> None:
    if isinstance(ref, np.ndarray):
        assert isinstance(mine, np.ndarray), f"{path}: {mine!r} is not an array"
        assert mine.shape == ref.shape, f"{path}: shape {mine.shape} != {ref.shape}"
        if ref.dtype.kind == "f":
            tol = TOLERANCE[str(ref.dtype)]
            np.testing.assert_allclose(mine, ref, rtol=tol, atol=tol, err_msg=path)
        else:
            np.testing.assert_array_equal(mine, ref, err_msg=path)
    elif isinstance(ref, (tuple, list)):
        assert isinstance(mine, type(ref)) and len(mine) == len(ref), f"{path}: {mine} != {ref}"
        for i, (m, r) in enumerate(zip(mine, ref, strict=True)):
            _compare(m, r, f"{path}[{i}]")
    elif isinstance(ref, dict):
        assert isinstance(mine, dict) and mine.keys() == ref.keys(), f"{path}: keys differ"
        for k in ref:
            _compare(mine[k], ref[k], f"{path}[{k!r}]")
    elif isinstance(ref, float):
        assert type(mine) is float and mine == pytest.approx(ref, rel=1e-6), f"{path}"
    else:
        assert type(mine) is type(ref) and mine == ref, f"{path}: {mine!r} != {ref!r}"


def _run(
    lib: Any, case: Callable[[Any], Any], depth: int
) -> tuple[Any, Any, list[tuple[str, str]]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = observe(case(lib), depth), None
        except Exception as e:  # an exception is a result to compare
            value, error = None, e
    seen = [(w.category.__name__, re.sub(r"0x[0-9a-f]+", "0x…", str(w.message))) for w in caught]
    return value, error, seen


def same(
    case: Callable[[Any], Any],
    *,
    raises: type[Exception] | None = None,
    match: str | None = None,
    depth: int = GRAPH_DEPTH,
) -> Any:
    """Run ``case`` on picotorch and torch and assert the two outcomes agree (module docstring).

    ``raises``: torch must raise this type. ``match``: compare the messages only by this fragment
    (used where torch's message is not one picotorch reproduces). ``depth``: how many levels of
    each tensor's graph to compare. Returns picotorch's outcome.
    """
    mine, mine_error, mine_warnings = _run(picotorch, case, depth)
    ref, ref_error, ref_warnings = _run(torch, case, depth)
    if ref_error is not None or mine_error is not None:
        assert ref_error is not None, f"torch returned {ref}, picotorch raised {mine_error!r}"
        assert mine_error is not None, f"picotorch returned {mine}, torch raised {ref_error!r}"
        assert type(mine_error) is type(ref_error), f"{mine_error!r} vs torch {ref_error!r}"
        if match is None:
            assert str(mine_error) == str(ref_error)
        else:
            assert match in str(ref_error) and match in str(mine_error), (mine_error, ref_error)
        if raises is not None:
            assert isinstance(ref_error, raises)
    else:
        assert raises is None, f"expected {raises}, but neither library raised"
        _compare(mine, ref, "result")
    assert mine_warnings == ref_warnings
    return mine_error if mine_error is not None else mine


# --------------------------------------------------------------------------- requires_grad, leaves
def test_requires_grad_at_creation_and_requires_grad_() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0], requires_grad=True)
        b = t.ones(2, 3, dtype=t.float64, requires_grad=True)
        c = t.zeros(2)
        d = c.requires_grad_()
        e = t.zeros(2).requires_grad_(False)
        return a, b, c, d is c, e, t.randn(2, requires_grad=True).requires_grad

    same(case)


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t.tensor([1, 2], requires_grad=True),
        lambda t: t.zeros(2, dtype=t.int64, requires_grad=True),
        lambda t: t.tensor([1, 2]).requires_grad_(),
        lambda t: setattr(t.tensor([True]), "requires_grad", True),
    ],
    ids=["tensor", "zeros", "requires_grad_", "setter"],
)
def test_only_floating_tensors_can_require_grad(make: Callable[[Any], Any]) -> None:
    same(make, raises=RuntimeError)


def test_int_tensor_may_set_requires_grad_false() -> None:
    same(lambda t: t.tensor([1, 2]).requires_grad_(False))


def test_leaves_and_non_leaves() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        plain = t.tensor([1.0, 2.0])
        y = x * 2
        z = plain * 2  # no input requires grad: a leaf that doesn't require grad
        with t.no_grad():
            w = x * 2  # made without recording: a leaf
        return [(v.is_leaf, v.requires_grad, v.grad_fn is None) for v in (x, plain, y, z, w)]

    same(case)


@pytest.mark.parametrize("value", [False, True])
def test_requires_grad_setter_on_a_non_leaf(value: bool) -> None:
    def case(t: Any) -> Any:
        y = t.tensor([1.0], requires_grad=True) * 2
        y.requires_grad = value

    same(case, raises=RuntimeError)


def test_requires_grad_on_a_non_leaf() -> None:
    def case(t: Any) -> Any:
        y = t.tensor([1.0], requires_grad=True) * 2
        return y.requires_grad_(True), y.requires_grad_()  # already does: allowed

    same(case)
    same(lambda t: (t.tensor([1.0], requires_grad=True) * 2).requires_grad_(False))


# --------------------------------------------------------------------------- backward basics
def test_grad_accumulates_over_backward_calls() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        seen = []
        for k in range(1, 4):
            (x * x * k).sum().backward()
            seen.append(x.grad.clone())
        g = x.grad
        (x * 2).sum().backward()
        same_object = g is x.grad  # later accumulations add in place
        x.grad.zero_()
        (x * 3).sum().backward()
        seen.append(x.grad.clone())
        x.grad = None
        (x * 5).sum().backward()
        return seen, same_object, x.grad

    same(case)


def test_backward_with_a_gradient_for_non_scalar_outputs() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * x
        y.backward(gradient=t.tensor([[1.0, 0.5], [-1.0, 2.0]]))
        one = t.tensor([3.0], requires_grad=True)  # one element, not 0-d: still implicit
        (one * 2).backward()
        return x.grad, one.grad

    same(case)


def test_gradient_of_another_dtype_is_accepted() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).backward(t.ones(2, dtype=t.float64))
        return x.grad

    same(case)


def test_implicit_gradient_only_for_scalars() -> None:
    def case(t: Any) -> Any:
        (t.tensor([1.0, 2.0], requires_grad=True) * 2).backward()

    same(case, raises=RuntimeError)


@pytest.mark.parametrize("requires_grad", [True, False])
def test_wrong_shaped_gradient(requires_grad: bool) -> None:
    def case(t: Any) -> Any:
        y = t.tensor([1.0, 2.0, 3.0], requires_grad=requires_grad) * 2
        y.backward(t.ones(2))  # checked before whether y requires grad at all

    same(case, raises=RuntimeError)


def test_gradient_must_be_a_tensor() -> None:
    def case(t: Any) -> Any:
        t.tensor([1.0, 2.0], requires_grad=True).sum().backward(gradient=3)

    same(case, raises=TypeError)

    def in_a_list(t: Any) -> Any:
        t.autograd.backward([t.tensor([1.0, 2.0], requires_grad=True).sum()], [3.0])

    same(in_a_list, raises=TypeError)


@pytest.mark.parametrize("shape", [(), (3,)])
def test_backward_on_a_tensor_that_does_not_require_grad(shape: tuple[int, ...]) -> None:
    def case(t: Any) -> Any:
        (t.ones(shape) * 2).sum().backward()

    same(case, raises=RuntimeError)


def test_backward_twice_through_saved_tensors() -> None:
    def mul(t: Any) -> Any:
        x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()

    same(mul, raises=RuntimeError)

    def mul_by_number(t: Any) -> Any:  # x * 2 saves the 2: freed too
        y = (t.tensor([1.0, 2.0], requires_grad=True) * 2).sum()
        y.backward()
        y.backward()

    same(mul_by_number, raises=RuntimeError)

    def grad_twice(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp().sum()
        t.autograd.grad(y, x)
        t.autograd.grad(y, x)

    same(grad_twice, raises=RuntimeError)


@pytest.mark.parametrize(
    "op",
    [
        lambda x: x.exp(),
        lambda x: x.relu(),
        lambda x: x.sigmoid(),
        lambda x: x.tanh(),
        lambda x: x.log_softmax(0),
        lambda x: (x * 1).exp_(),  # in place: the node saves the tensor it rewrote
    ],
    ids=["exp", "relu", "sigmoid", "tanh", "log_softmax", "exp_"],
)
def test_an_output_its_node_saved_is_freed_with_its_last_reference(op: Any) -> None:
    """Ops that save their own result for backward must not keep the result alive (a cycle
    through grad_fn would leave it, and its graph, to the garbage collector): dropping the
    output frees it at once, as in torch. Differentiating through the saved output twice
    (``create_graph``) still works, and matches torch."""

    def case(t: Any) -> Any:
        import weakref

        x = t.tensor([0.5, -1.0, 2.0], requires_grad=True)
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            out = op(x)
            alive = weakref.ref(out)
            del out
            freed = alive() is None
        finally:
            if was_enabled:
                gc.enable()
        (g1,) = t.autograd.grad((op(x) ** 2).sum(), x, create_graph=True)
        (g2,) = t.autograd.grad(g1.sum(), x)
        return freed, g1, g2

    _, (freed, *_) = same(case)  # same() compared it with torch's
    assert freed is True


def test_backward_twice_through_ops_that_save_nothing() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        z = (x - x * 0).sum()  # sub saves nothing, but mul saved x: only fails if reached
        return x.grad, z

    same(case)


def test_retain_graph() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x * x).sin().sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        y.backward(retain_graph=True)
        y.backward()  # the last one frees the graph
        return first, x.grad

    same(case)


# --------------------------------------------------------------------------- autograd.backward/grad
def test_autograd_backward_several_tensors() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        w = t.tensor([0.5, -1.0], requires_grad=True)
        y1 = (x * w).sum()
        y2 = x * x
        t.autograd.backward([y1, y2], [None, t.tensor([1.0, 3.0])])
        t.autograd.backward(y2.sum() * 0 + (w * w).sum())
        return x.grad, w.grad

    same(case)


def test_autograd_backward_count_mismatch() -> None:
    def case(t: Any) -> Any:
        y = t.tensor([1.0, 2.0], requires_grad=True) * 2
        t.autograd.backward([y, y], [t.ones(2)])

    same(case, raises=RuntimeError)


def test_autograd_grad_several_outputs_and_inputs() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        w = t.tensor([0.5, -1.0], requires_grad=True)
        y1 = (x * w).sum()
        y2 = x.exp()
        gx, gw = t.autograd.grad([y1, y2], [x, w], grad_outputs=[None, t.tensor([2.0, 1.0])])
        (gy,) = t.autograd.grad(y1, y2, allow_unused=True)  # y1 doesn't depend on y2
        return gx, gw, gy, x.grad, w.grad  # grad() accumulates nothing

    same(case)


def test_autograd_grad_of_a_non_leaf_and_repeated_inputs() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = (y * y).sum()
        return t.autograd.grad(z, [y, x, y])

    same(case)


def test_autograd_grad_unused_inputs() -> None:
    def unused(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        z = t.tensor([1.0, 2.0], requires_grad=True)
        t.autograd.grad((x * x).sum(), [x, z])

    same(unused, raises=RuntimeError)

    def allowed(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        z = t.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        return (
            t.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True),
            t.autograd.grad(y, [x, z], materialize_grads=True, retain_graph=True),
            t.autograd.grad(y, [z, x], materialize_grads=True, create_graph=True),
        )

    same(allowed)

    def contradiction(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        t.autograd.grad(x.sum(), x, allow_unused=False, materialize_grads=True)

    same(contradiction, raises=ValueError)


def test_grad_and_backward_take_torchs_deprecated_arguments_in_torchs_order() -> None:
    """grad's only_inputs (ignored, a FutureWarning when False) sits before allow_unused, so
    a positional allow_unused is the 7th argument; backward still takes grad_variables."""

    def grad_positional(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        z = t.tensor([3.0], requires_grad=True)
        return t.autograd.grad((x * x).sum(), [x, z], None, False, False, True, True)

    same(grad_positional)

    def only_inputs_false(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        return t.autograd.grad((x * x).sum(), x, only_inputs=False)

    same(only_inputs_false)  # (the FutureWarning is compared too)

    def grad_variables(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        t.autograd.backward(x * 3, grad_variables=t.tensor([1.0, 0.5]))
        return x.grad

    same(grad_variables)

    def both_names(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        t.autograd.backward(x * 3, grad_tensors=t.ones(2), grad_variables=t.ones(2))

    same(both_names, raises=RuntimeError)


def test_batched_grads_are_refused() -> None:
    """Not like torch: ``is_grads_batched=True`` needs vmap, which picotorch lacks; it says so
    rather than treat the batch dim as part of the gradient's shape."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (batched,) = torch.autograd.grad(x * x, x, torch.eye(2), is_grads_batched=True)
    assert batched.shape == (2, 2)  # one gradient per row of grad_outputs
    p = picotorch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="is_grads_batched"):
        picotorch.autograd.grad(p * p, p, picotorch.eye(2), is_grads_batched=True)


def test_autograd_grad_input_errors() -> None:
    def not_requiring(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        t.autograd.grad((x * 2).sum(), [x, t.ones(2)])

    same(not_requiring, raises=RuntimeError)

    def empty(t: Any) -> Any:
        t.autograd.grad(t.tensor([1.0, 2.0], requires_grad=True).sum(), [])

    same(empty, raises=RuntimeError)

    def non_scalar(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        t.autograd.grad(x * 2, x)

    same(non_scalar, raises=RuntimeError)

    def bad_shape(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        t.autograd.grad(x * 2, x, grad_outputs=t.ones(3))

    same(bad_shape, raises=RuntimeError)


def POWER(x: Any) -> Any:  # a constant, named for the parametrization
    return x**3


@pytest.mark.parametrize(
    "f",
    [
        POWER,
        lambda x: x.sin(),
        lambda x: x.exp(),
        lambda x: x.sin().exp() * x,
        lambda x: (x * x).exp().sin(),
        lambda x: x.tanh() * x,
        lambda x: x.sigmoid(),
    ],
    ids=["cube", "sin", "exp", "sin_exp_times_x", "square_exp_sin", "tanh_times_x", "sigmoid"],
)
def test_higher_order_derivatives(f: Callable[[Any], Any]) -> None:
    def case(t: Any) -> Any:
        x = t.tensor([0.7, -0.3, 1.2], dtype=t.float64, requires_grad=True)
        y = f(x).sum()
        (g1,) = t.autograd.grad(y, x, create_graph=True)
        (g2,) = t.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = t.autograd.grad(g2.sum(), x)
        return y, g1, g2, g3  # values, and the graphs built by the backward passes

    # (the backward formulas multiply by numbers as torch's C++ does, mul(Tensor, Scalar):
    # MulBackward1, not the MulBackward0 of Python's t * 2, so even g2's graph matches)
    same(case)


def test_higher_order_of_a_scalar_cube() -> None:
    def case(t: Any) -> Any:
        x = t.tensor(2.0, requires_grad=True)
        y = x**3
        (g1,) = t.autograd.grad(y, x, create_graph=True)
        (g2,) = t.autograd.grad(g1, x, create_graph=True)
        g2.backward()  # the third derivative lands in x.grad
        return g1, g2, x.grad

    same(case, depth=0)  # (MulBackward1 below: see test_higher_order_derivatives)


def test_backward_with_create_graph() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        x.exp().sum().backward(create_graph=True)
        first = x.grad  # a copy of the gradient, still differentiable (CopyBackwards)
        graph = _graph(first.grad_fn, 2)
        x.exp().sum().backward(create_graph=True)  # accumulates out of place: AddBackward0
        second = x.grad
        (g,) = t.autograd.grad(second.sum(), x)
        (x * 3).sum().backward()  # without create_graph: adds in place, keeps the graph
        return graph, second, g, x.grad is second, x.grad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns once per process: see the next test
        same(case)


def test_backward_with_create_graph_does_not_alias_grads() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0], requires_grad=True)
        b = t.tensor([3.0, 4.0], requires_grad=True)
        (a + b).sum().backward(create_graph=True)  # the same gradient flows into both
        a.grad.zero_()
        return a.grad, b.grad, a.grad is b.grad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(case)


def test_backward_with_create_graph_warns_once() -> None:
    # torch warns once per process, so this runs in a fresh one
    script = """if True:
        import warnings
        import picotorch, torch
        for lib in (picotorch, torch):
            x = lib.tensor([1.0], requires_grad=True)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                for _ in range(2):
                    x.exp().sum().backward(create_graph=True)
                lib.autograd.grad(x.exp().sum(), x, create_graph=True)  # grad() doesn't warn
            print([(w.category.__name__, str(w.message)) for w in caught])
    """
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    mine, ref = run.stdout.splitlines()
    assert mine == ref
    assert ref.count("Using backward() with create_graph=True will create a reference") == 1


# --------------------------------------------------------------------------- backward(inputs=...)
def test_backward_inputs_leaf() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        w = t.tensor([3.0, 4.0], requires_grad=True)
        y = (x * w).sum()
        y.backward(inputs=[x], retain_graph=True)
        only_x = (x.grad.clone(), w.grad)
        y.backward(inputs=w)
        return only_x, x.grad, w.grad, x.retains_grad

    same(case)


def test_backward_inputs_non_leaf() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = (y * y).sum()
        z.backward(inputs=[y], retain_graph=True)
        first = (y.grad.clone(), x.grad, y.retains_grad)  # torch calls y.retain_grad()
        z.backward(retain_graph=True)  # so now a plain backward fills y.grad too
        z.backward(inputs=[x, y])
        return first, y.grad, x.grad

    same(case)


def test_backward_inputs_errors() -> None:
    def empty(t: Any) -> Any:
        t.tensor([1.0, 2.0], requires_grad=True).sum().backward(inputs=[])

    same(empty, raises=RuntimeError)

    def not_requiring(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward(inputs=[t.ones(2)])

    same(not_requiring, raises=RuntimeError)

    def unused(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        z = t.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward(inputs=[z])
        return x.grad, z.grad

    same(unused)


# --------------------------------------------------------------------------- version counters
def test_modified_saved_leaf_input() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = t.tensor([1.0, 2.0, 3.0])
        c = a * w  # saves w for a's gradient
        w.add_(1)
        c.sum().backward()

    same(case, raises=RuntimeError)


def test_modified_saved_leaf_that_requires_grad() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = (a * a).sum()
        with t.no_grad():
            a.mul_(2)
        c.backward()

    same(case, raises=RuntimeError)


@pytest.mark.parametrize("how", ["no_grad", "detach", "data"])
def test_modified_saved_non_leaf(how: str) -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 2
        c = b * b  # saves b
        if how == "no_grad":
            with t.no_grad():
                b.mul_(2)
        elif how == "detach":
            b.detach().mul_(2)  # detach() shares the version counter
        else:
            b.data.mul_(2)  # .data does not: no error, and a silently stale gradient
        c.sum().backward()
        return a.grad

    same(case, raises=None if how == "data" else RuntimeError)


def test_modified_saved_non_leaf_in_place_with_grad() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 2
        c = b * b
        b.add_(1)  # recorded: b is now output 0 of AddBackward0, at version 1
        c.sum().backward()

    same(case, raises=RuntimeError)


@pytest.mark.parametrize("view", ["slice", "index", "transpose", "reshape"])
def test_modified_through_a_view(view: str) -> None:
    def case(t: Any) -> Any:
        a = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w = t.tensor([[1.0, 2.0], [3.0, 4.0]])
        c = a * w
        v = {"slice": w[1:], "index": w[0], "transpose": w.t(), "reshape": w.view(4)}[view]
        v.add_(1)  # the view shares w's version counter
        c.sum().backward()

    same(case, raises=RuntimeError)


def test_modified_view_of_a_saved_non_leaf() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 2
        c = b * b
        with t.no_grad():
            b[0:2].mul_(2)
        c.sum().backward()

    same(case, raises=RuntimeError)


@pytest.mark.parametrize("divisor", ["number", "tensor", "tensor that requires grad"])
def test_in_place_on_a_dividend_after_division(divisor: str) -> None:
    # a / b keeps a only for b's gradient (as a * b keeps each factor only for the other's):
    # changing a afterwards is an error only if b requires grad
    def case(t: Any) -> Any:
        x = t.tensor([1.0, -2.0, 3.0], requires_grad=True)
        b = {
            "number": 2.0,
            "tensor": t.tensor([2.0, 4.0, 8.0]),
            "tensor that requires grad": t.tensor([2.0, 4.0, 8.0], requires_grad=True),
        }[divisor]
        a = x * 1
        q = a / b
        a.relu_()
        (q.sum() + a.sum()).backward()
        return x.grad, q

    same(case, raises=RuntimeError if divisor == "tensor that requires grad" else None)


def test_in_place_on_a_tensor_that_is_not_saved() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 2
        c = b.exp()  # exp saves its output, not b
        b.mul_(2)
        (c.sum() + b.sum()).backward()
        return a.grad, b, c, b._version

    same(case)


def test_mul_saves_a_factor_only_for_the_other_factors_gradient() -> None:
    def unsaved(t: Any) -> Any:  # w needs no grad: h is not needed, so changing it is fine
        x = t.tensor([1.0, 2.0], requires_grad=True)
        w = t.tensor([3.0, 4.0])
        h = x * 2
        y = (h * w).sum()
        h.add_(1)
        y.backward()
        return x.grad, h._version

    same(unsaved)

    def saved(t: Any) -> Any:  # h needs grad, so w is saved for it: changing w is an error
        x = t.tensor([1.0, 2.0], requires_grad=True)
        w = t.tensor([3.0, 4.0])
        y = (x * 2 * w).sum()
        w.add_(1)
        y.backward()

    same(saved, raises=RuntimeError)


def test_in_place_on_a_non_leaf() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y.add_(1)
        y.mul_(3)
        y.sub_(x)
        (y * y).sum().backward()
        return y, x.grad, y._version

    same(case)


def test_in_place_with_a_grad_operand_on_a_plain_tensor() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        w = t.zeros(2)
        w.add_(x)  # w now requires grad, with w's history rebased onto AddBackward0
        (w * 3).sum().backward()
        return w, x.grad

    same(case)


def test_in_place_on_a_leaf_that_requires_grad() -> None:
    same(lambda t: t.tensor([1.0, 2.0], requires_grad=True).add_(1), raises=RuntimeError)
    same(lambda t: t.tensor([1.0, 2.0], requires_grad=True).zero_(), raises=RuntimeError)
    same(lambda t: t.tensor([1.0, 2.0], requires_grad=True)[0].mul_(2), raises=RuntimeError)


def test_in_place_on_a_tensor_whose_output_was_saved() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.exp_()  # ExpBackward0 saves its result: y itself, at version 1
        y.mul_(2)  # version 2
        y.sum().backward()

    same(case, raises=RuntimeError)


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x**2,  # PowBackward0: named "Pow"
        lambda x: 2**x,  # PowBackward2: "Pow2"
        lambda x: x.clamp(0, 1),  # ClampBackward1: "Clamp1"
        lambda x: x.sum(0, keepdim=True),  # SumBackward1: "Sum1"
    ],
    ids=["pow", "pow2", "clamp1", "sum1"],
)
def test_modified_tensor_names_its_op(make: Callable[[Any], Any]) -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = make(x)
        z = y * y
        with t.no_grad():
            y.add_(1)
        z.sum().backward()

    same(case, raises=RuntimeError)


# ops that save two or more tensors, all of them modified in place before backward: torch
# names the first it checks, in the order of its argument names (inputs before outputs)
SAVING_SEVERAL = {
    "mul": lambda t, a, b, c: a * b,
    "div": lambda t, a, b, c: a / b,
    "pow": lambda t, a, b, c: a**b,
    "remainder": lambda t, a, b, c: a % b,
    "maximum": lambda t, a, b, c: t.maximum(a, b),
    "minimum": lambda t, a, b, c: t.minimum(a, b),
    "clamp min": lambda t, a, b, c: t.clamp(a, min=b),
    "clamp both": lambda t, a, b, c: t.clamp(a, b, c),
    "mm": lambda t, a, b, c: a @ b,
    "bmm": lambda t, a, b, c: t.bmm(a.unsqueeze(0), b.unsqueeze(0)),
    "mv": lambda t, a, b, c: t.mv(a, b[0]),
    "dot": lambda t, a, b, c: t.dot(a[0], b[0]),
    "mse": lambda t, a, b, c: t.nn.functional.mse_loss(a, b),
    "bce with logits": lambda t, a, b, c: t.nn.functional.binary_cross_entropy_with_logits(
        a, b / 8, weight=b.detach(), pos_weight=c.detach()[0]
    ),
}


@pytest.mark.parametrize("op", SAVING_SEVERAL)
def test_the_first_modified_saved_tensor_named_is_torchs(op: str) -> None:
    def case(t: Any) -> Any:
        x = t.tensor([[0.5, 1.5], [2.5, 3.5]], requires_grad=True)
        a, b, c = (x * (k + 1) for k in range(3))
        y = SAVING_SEVERAL[op](t, a, b, c)
        a.sub_(1)  # each now the output of its own kind of node, named in the message
        b.add_(1)
        c.mul_(2)
        y.sum().backward()

    same(case, raises=RuntimeError)


def test_views_follow_their_base_in_place() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        y = x * 1
        row = y.view(2, 2)[1]
        every_other = y[::2]
        wide = y.expand(2, 4)
        y.neg_()  # the views now show -x: their grad_fns are rebuilt from y's new history
        (row.sin().sum() + (every_other * every_other).sum() + wide.sum()).backward()
        return x.grad, row, every_other, wide, repr(row)

    same(case)

    def non_contiguous_base(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x.t() * 1
        v = y[0]
        y.mul_(x)
        (v * v).sum().backward()
        return x.grad, v

    same(non_contiguous_base)


# In-place ops on views: torch records the write in the base's history (a CopySlices node
# that runs the op's backward on the view's part of the base's gradient), and rebuilds the
# view's own grad_fn from the base's new history (AsStridedBackward0).
def _grads(t: Any, loss: Any, *leaves: Any) -> list[Any]:
    loss.backward()
    return [leaf.grad for leaf in leaves]


def _write_into_views(t: Any, x: Any, w: Any, how: str) -> Any:
    """A tensor made from ``x`` (and ``w``), then written in place through a view of it."""
    y = t.zeros(2, 3) if how == "a plain tensor takes history" else x * 2
    if how == "slice, add_ a number":
        y[0].add_(1)
    elif how == "column, zero_":
        y[:, 1].zero_()
    elif how == "row, mul_ a tensor that requires grad":
        y[1].mul_(w)
    elif how == "row, relu_ (saves its output)":
        y[0].sub_(3).relu_()
    elif how == "row, exp_ (saves its output)":
        y[1].mul_(0.25).exp_()
    elif how == "augmented assignment":  # y[:, 0] += 1: a view, add_, then setitem
        y[:, 0] += 1
        y[1] *= w
    elif how == "t(), mul_":
        y.t().mul_(3)
    elif how == "view(-1)[2:], clamp_":
        y.view(-1)[2:].clamp_(max=7.0)
    elif how == "a view of a view, sub_":
        y[1][1:].sub_(w[1:], alpha=2)
    elif how == "copy_ from a tensor that requires grad":
        y[0].copy_(w)
    elif how == "fill_ with a 0-d tensor that requires grad":
        y[1].fill_(w[0])
    elif how == "a plain tensor takes history":
        y[1].add_(w)
    elif how == "setitem through a view":
        y[0][1] = w[2]
    return y


@pytest.mark.parametrize(
    "how",
    [
        "slice, add_ a number",
        "column, zero_",
        "row, mul_ a tensor that requires grad",
        "row, relu_ (saves its output)",
        "row, exp_ (saves its output)",
        "augmented assignment",
        "t(), mul_",
        "view(-1)[2:], clamp_",
        "a view of a view, sub_",
        "copy_ from a tensor that requires grad",
        "fill_ with a 0-d tensor that requires grad",
        "a plain tensor takes history",
        "setitem through a view",
    ],
)
def test_in_place_on_a_view(how: str) -> None:
    def case(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        w = t.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = _write_into_views(t, x, w, how)
        weights = t.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]])
        return y, y._version, _grads(t, (y * weights).sum(), x, w)

    same(case)


def test_in_place_on_a_view_then_the_view_and_the_base_are_used() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        y = x * 2
        v = y.t()
        row = y[1]  # another view, taken before: it follows the base's new history too
        v.mul_(3)
        loss = (y * y).sum() + (v * x.t()).sum() + row.sum()
        return y, v, row, _grads(t, loss, x)

    same(case)


def test_in_place_on_a_view_keeps_retain_grad() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        y = x * 2
        y.retain_grad()
        v = y[0]
        v.retain_grad()
        v.mul_(3)
        (y * t.arange(6.0).view(2, 3)).sum().backward()
        return y.grad, v.grad, x.grad

    same(case)


def test_views_rebuilt_after_in_place_keep_retain_grad() -> None:
    # every view rebuilt from its base's new history takes its retain_grad hook along
    def through_the_base(t: Any) -> Any:
        x = t.ones(2, 3, requires_grad=True)
        y = x * 2
        v = y[0]
        v.retain_grad()
        y.mul_(2)
        (v * 3).sum().backward()
        return v.grad, x.grad

    def through_another_view(t: Any) -> Any:
        x = t.ones(2, 3, requires_grad=True)
        y = x * 2
        w = y[1]
        w.retain_grad()
        y[0].mul_(2)
        (w * 3).sum().backward()
        return w.grad, x.grad

    same(through_the_base)
    same(through_another_view)


def test_in_place_on_a_view_second_backward() -> None:
    def case(t: Any, op: str, retain: bool) -> Any:
        x = t.ones(2, 3, requires_grad=True)
        w = t.ones(3, requires_grad=True)
        y = x * 2
        getattr(y[1], op)(w)
        loss = y.sum()
        loss.backward(retain_graph=retain)
        loss.backward()  # without retain_graph the first backward freed CopySlices: an error
        return x.grad, w.grad

    for op in ("mul_", "add_"):
        for retain in (True, False):
            same(lambda t, op=op, retain=retain: case(t, op, retain))


def test_in_place_on_a_view_second_order() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        w = t.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x * x
        y[0].mul_(w)
        (gx,) = t.autograd.grad((y * y).sum(), x, create_graph=True)
        # (values only: torch records CopySlices' own backward with other nodes than picotorch)
        return gx.detach(), _grads(t, (gx * gx).sum(), x, w)

    same(case)


def test_in_place_on_a_view_then_a_saved_value_changes() -> None:
    def relu_then_base_written(t: Any) -> Any:
        x = t.ones(2, 3, requires_grad=True)
        y = x * 2
        y[0].relu_()  # ReluBackward0 saves its output: the view, at the version after
        y.add_(1)  # the shared version counter moves on: backward must refuse
        y.sum().backward()

    def view_times_itself(t: Any) -> Any:
        x = t.ones(2, 3, requires_grad=True)
        v = (x * 2)[0]
        v.mul_(v)  # MulBackward0 saved v itself, which the write then changed
        v.sum().backward()

    def exp_then_add(t: Any) -> Any:
        x = t.ones(2, 3, requires_grad=True)
        y = x * 2
        v = y[0]
        v.exp_()
        v.add_(1)
        y.sum().backward()

    for case in (relu_then_base_written, view_times_itself, exp_then_add):
        same(case, raises=RuntimeError)


def test_in_place_on_views_that_torch_refuses() -> None:
    x = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]

    def piece(t: Any, how: str) -> Any:  # a piece of split/unbind: torch refuses the write
        y = t.tensor(x, requires_grad=True) * 2
        p = {
            "unbind": lambda: y.unbind()[0],
            "unbind(1)": lambda: y.unbind(1)[2],
            "split": lambda: y.split(1)[0],
            "chunk": lambda: y.chunk(2)[1],
            "a view of a piece": lambda: y.unbind()[0][1:],
        }[how]()
        p.mul_(2)

    def piece_of_a_plain_tensor(t: Any) -> Any:
        a, _ = t.zeros(2, 3).unbind()
        a.add_(t.ones(3, requires_grad=True))

    def piece_written_without_history(t: Any) -> Any:  # allowed: nothing is recorded
        c = t.zeros(2, 3)
        a, _ = c.unbind()
        a.add_(1)
        with t.no_grad():
            a.add_(1)
        return c

    def no_grad_view_of_a_non_leaf(t: Any) -> Any:
        y = t.tensor(x, requires_grad=True) * 2
        with t.no_grad():
            v = y[0]
        v.mul_(2)

    def no_grad_view_of_a_plain_tensor(t: Any) -> Any:
        c = t.zeros(3)
        with t.no_grad():
            v = c[0:2]
        v.add_(t.ones(2, requires_grad=True))

    def view_of_a_view_made_a_leaf(t: Any) -> Any:  # torch counts the leaf as the base
        leaf = t.arange(6.0).reshape(2, 3).requires_grad_()
        leaf[:, 1:].mul_(2)

    same(view_of_a_view_made_a_leaf, raises=RuntimeError)
    for how in ("unbind", "unbind(1)", "split", "chunk", "a view of a piece"):
        same(lambda t, how=how: piece(t, how), raises=RuntimeError)
    same(piece_of_a_plain_tensor, raises=RuntimeError)
    same(piece_written_without_history)
    same(no_grad_view_of_a_non_leaf, raises=RuntimeError)
    same(no_grad_view_of_a_plain_tensor, raises=RuntimeError)


@pytest.mark.parametrize(
    "use",
    [
        # a view taken under no_grad of a tensor that requires grad requires grad too (through
        # its base), as a leaf without an AccumulateGrad: what reaches it goes nowhere
        lambda t, v: (v.requires_grad, v.is_leaf, v.grad_fn, repr(v)),
        lambda t, v: (v * 2).grad_fn.name(),
        lambda t, v: [(v[1:] * 2).sum().backward(), v.grad],
        lambda t, v: t.autograd.grad((v * 2).sum(), [v._base], allow_unused=True),
        lambda t, v: [v.requires_grad_(False), v.requires_grad],  # (still, through its base)
        lambda t, v: [v.requires_grad_(), (v * 2).sum().backward(), v.grad],  # (its own now)
        lambda t, v: [v.retain_grad(), v.register_hook(lambda g: g * 0) is not None],
        lambda t, v: v.detach().requires_grad,
    ],
)
def test_a_view_taken_under_no_grad(use: Callable[..., Any]) -> None:
    def fn(t: Any) -> Any:
        x = t.ones(3, 4, requires_grad=True)
        with t.no_grad():
            v = x.t()[0]
        result = use(t, v)
        return result, x.grad

    same(fn)


@pytest.mark.parametrize(
    "pieces",
    [lambda a: a.unbind(), lambda a: a.split(1), lambda a: a.split([1, 1]), lambda a: a.chunk(2)],
)
def test_pieces_of_a_base_written_in_place_are_refused(pieces: Callable[..., Any]) -> None:
    def fn(t: Any) -> Any:  # (torch rebuilds no history for the pieces of split/unbind)
        a = t.ones(2, 3, requires_grad=True) * 1
        piece = pieces(a)[1]
        a.mul_(2)
        return piece * 2

    same(fn, raises=RuntimeError)


def test_a_view_taken_under_no_grad_is_not_written_with_grad_mode_on() -> None:
    def fn(t: Any) -> Any:
        x = t.ones(3, 4, requires_grad=True)
        with t.no_grad():
            v = x[0]
        v.mul_(2)  # (the no_grad view's error, before the leaf's)

    same(fn, raises=RuntimeError)


@pytest.mark.parametrize(
    "make", [lambda x: x[0], lambda x: x.view(12), lambda x: x.split(2)[1], lambda x: x.unbind()[0]]
)
def test_views_taken_under_no_grad_of_a_non_leaf(make: Callable[..., Any]) -> None:
    def fn(t: Any) -> Any:
        y = t.ones(3, 4, requires_grad=True) * 2
        with t.no_grad():
            v = make(y)
        (v * 3).sum().backward()
        return v.requires_grad, v.grad

    same(fn)


def test_t_in_place_on_views() -> None:
    # t_ changes only how the tensor views its memory: on a view of a tensor with history it
    # is recorded on the view alone; torch's refusals are those of any in-place op
    def of_a_non_leaf(t: Any) -> Any:
        x = t.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], requires_grad=True)
        y = x * 2
        v = y[:, 1:].t_()
        return v, y, _grads(t, (v * v).sum(), x)

    def of_a_leaf(t: Any) -> Any:
        t.tensor([[0.0, 1.0], [2.0, 3.0]], requires_grad=True)[:, 1:].t_()

    def made_under_no_grad(t: Any) -> Any:
        y = t.tensor([[0.0, 1.0], [2.0, 3.0]], requires_grad=True) * 2
        with t.no_grad():
            v = y[:, 1:]
        v.t_()

    def of_a_plain_tensor(t: Any) -> Any:
        c = t.zeros(2, 3)
        v = c[:, 1:]
        v.t_()
        return v, v.shape, v.stride()

    same(of_a_non_leaf)
    same(of_a_leaf, raises=RuntimeError)
    same(made_under_no_grad, raises=RuntimeError)
    same(of_a_plain_tensor)


def _plain_base_given_a_history(t: Any, take: Callable[[Any], Any] = lambda c: c[:2]) -> Any:
    """A view of a tensor without history, then an in-place op that gives the tensor one."""
    w = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = t.zeros(3)
    v = take(c)
    c.add_(w)
    return w, c, v


def test_views_of_a_plain_tensor_follow_the_history_it_takes_in_place() -> None:
    """torch rebuilds such a view's grad_fn from its base's new history (AsStridedBackward0)
    when the view is next used; picotorch rebuilds it at the in-place op (rebase_views)."""

    def printed(t: Any) -> Any:
        _w, _c, v = _plain_base_given_a_history(t)
        return repr(v), v.requires_grad, v.is_leaf, v

    def used(t: Any) -> Any:
        w, _c, v = _plain_base_given_a_history(t)
        (v * w[:2]).sum().backward()
        return w.grad

    def view_of_the_view(t: Any) -> Any:
        w, _c, v = _plain_base_given_a_history(t, lambda c: c[:2][1:])
        out = v.t() * 2
        out.sum().backward()
        return out, w.grad

    def backward_from_the_view(t: Any) -> Any:
        w, _c, v = _plain_base_given_a_history(t, lambda c: c.view(3, 1))
        v.backward(t.ones(3, 1))
        return w.grad

    def grad_of_the_view(t: Any) -> Any:
        w, _c, v = _plain_base_given_a_history(t)
        return t.autograd.grad(v.sum(), w)

    def written_twice(t: Any) -> Any:
        w, c, v = _plain_base_given_a_history(t)
        c.mul_(w)
        (v * 1).sum().backward()
        return v, w.grad

    def through_setitem(t: Any) -> Any:
        w = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = t.zeros(2, 3)
        row = c[0]
        c[1] = w
        return row, row.sum()

    def through_copy(t: Any) -> Any:
        w = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = t.zeros(3)
        v = c.view(3)
        c.copy_(w)
        return v

    for case in (
        printed,
        used,
        view_of_the_view,
        backward_from_the_view,
        grad_of_the_view,
        written_twice,
        through_setitem,
        through_copy,
    ):
        same(case)


def test_a_tensor_remembers_only_its_live_views() -> None:
    # every view of a plain tensor is remembered (weakly), in case the tensor takes a history
    # in place; a dataset indexed sample by sample must not pile up references to dead ones
    data = picotorch.zeros(100, 3)
    kept = [data[i] for i in range(40)]
    for epoch in range(50):
        for i in range(100):
            data[i].sum()
    assert data._views is not None and len(data._views) < 4 * len(kept)
    w = picotorch.ones(3, requires_grad=True)
    data.add_(w)
    assert all(v.grad_fn is not None and v.grad_fn.name() == "AsStridedBackward0" for v in kept)


def test_views_keep_their_history_when_the_base_is_detached_in_place() -> None:
    def detached(t: Any) -> Any:
        w = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = w * 2
        v = y[:2]
        y.detach_()
        before = (repr(v), v.requires_grad)
        v.sum().backward()
        y.add_(w)  # a new history for y: v follows it
        return before, w.grad, v

    same(detached)


def test_what_picotorch_refuses_and_torch_does_not() -> None:
    """The one stale view left: a view of a leaf that requires grad (never followed: a leaf
    can't take a history in place), after the leaf's requires_grad is switched off and an
    in-place op gives it a history. torch rebuilds the view; picotorch says it can't."""

    def case(t: Any) -> Any:
        x = t.zeros(3, requires_grad=True)
        v = x[:2]
        x.requires_grad_(False)
        x.add_(t.ones(3, requires_grad=True))
        return v * 2

    same_value = case(torch)
    assert same_value.grad_fn is not None
    with pytest.raises(RuntimeError, match="picotorch does not support using a view after"):
        case(picotorch)


def test_views_torch_cannot_rebuild_are_refused_once_their_base_has_a_history() -> None:
    """A view taken under no_grad, or a piece of split/unbind/chunk, gets no history: torch
    shows grad_fn=<Invalid> and refuses any use of it, with its own messages."""

    def under_no_grad(t: Any) -> Any:
        _w, _c, v = _plain_base_given_a_history(t, lambda c: _no_grad_view(t, c))
        return repr(v), v.requires_grad

    def under_no_grad_used(t: Any) -> Any:
        _w, _c, v = _plain_base_given_a_history(t, lambda c: _no_grad_view(t, c))
        return v * 2

    def of_a_non_leaf_under_no_grad(t: Any) -> Any:
        y = t.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1
        with t.no_grad():
            v = y[:2]
        y.mul_(2)
        return repr(v), v.requires_grad

    def a_piece(t: Any) -> Any:
        _w, _c, v = _plain_base_given_a_history(t, lambda c: c.split(2)[0])
        return repr(v), v.requires_grad

    def a_piece_used(t: Any) -> Any:
        _w, _c, v = _plain_base_given_a_history(t, lambda c: c.split(2)[0])
        return v.sum()

    def a_piece_written(t: Any) -> Any:
        _w, _c, v = _plain_base_given_a_history(t, lambda c: c.split(2)[0])
        v.mul_(2)

    same(under_no_grad)
    same(under_no_grad_used, raises=RuntimeError)
    same(of_a_non_leaf_under_no_grad)
    same(a_piece)
    same(a_piece_used, raises=RuntimeError)
    same(a_piece_written, raises=RuntimeError)


def _no_grad_view(t: Any, c: Any) -> Any:
    with t.no_grad():
        return c[:2]


def test_a_rebuilt_view_written_in_place_before_torch_rebuilds_it() -> None:
    """Where picotorch and torch differ: torch rebuilds the view's grad_fn only when something
    reads it, and until then takes the view for a leaf that requires grad (writing into it is
    refused, retain_grad() leaves .grad None). picotorch has rebuilt it already: it behaves as
    torch does once the view's grad_fn has been read."""

    def written(t: Any, read_first: bool) -> Any:
        w, c, v = _plain_base_given_a_history(t)
        if read_first:
            assert v.grad_fn is not None
        v.mul_(3)
        c.sum().backward()
        return c, w.grad

    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        written(torch, read_first=False)
    same(lambda t: written(t, read_first=t is torch))


def test_view_made_under_no_grad_then_written() -> None:
    def case(t: Any) -> Any:
        w = t.tensor([1.0, 2.0], requires_grad=True)
        with t.no_grad():
            v = w[0:1]
        v.mul_(2)

    # torch's message names the no_grad view ("A view was created in no_grad mode ..."),
    # picotorch's the leaf behind it; both refuse
    for lib in LIBS:
        with pytest.raises(RuntimeError):
            case(lib)


def test_in_place_under_no_grad_on_a_leaf() -> None:
    def case(t: Any) -> Any:  # the optimizer step
        w = t.tensor([1.0, -2.0, 3.0], requires_grad=True)
        for _ in range(3):
            loss = ((w * w).sum() - 1) ** 2
            loss.backward()
            with t.no_grad():
                w -= 0.01 * w.grad
            w.grad.zero_()
        return w, w._version

    same(case)


OUT_OPS = {
    "add": lambda t, a, b, out: t.add(a, b, out=out),
    "mul": lambda t, a, b, out: t.mul(a, b, out=out),
    "exp": lambda t, a, b, out: t.exp(a, out=out),
    "clamp": lambda t, a, b, out: t.clamp(a, 0.0, 0.5, out=out),
    "clamp with tensor bounds": lambda t, a, b, out: t.clamp(a, b, out=out),
    "mm": lambda t, a, b, out: t.mm(a, b, out=out),
    "matmul": lambda t, a, b, out: t.matmul(a, b, out=out),
    "addmm": lambda t, a, b, out: t.addmm(a, a, b, out=out),
}


@pytest.mark.parametrize("op", OUT_OPS)
@pytest.mark.parametrize("which", ["input", "out, a leaf", "out, with history", "none"])
def test_out_refuses_autograd(op: str, which: str) -> None:
    # out= is never recorded: torch refuses it when an input requires grad, and when out does
    # (its data would change under a stale grad_fn)
    def case(t: Any) -> Any:
        a = t.tensor([[1.0, -2.0], [0.25, 4.0]], requires_grad=which == "input")
        b = t.tensor([[0.5, 1.0], [-1.0, 2.0]])
        leaf = t.zeros(2, 2, requires_grad=which != "none")
        out = leaf * 1 if which == "out, with history" else leaf
        if which == "none":
            out = t.zeros(2, 2)
        result = OUT_OPS[op](t, a, b, out)
        with t.no_grad():  # allowed there: nothing is recorded
            OUT_OPS[op](t, a, b, leaf)
        return result is out, out, leaf

    same(case, raises=RuntimeError if which != "none" else None)


# --------------------------------------------------------------------------- grad modes
def test_no_grad_context_and_decorator() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        with t.no_grad():
            y = x * 2
            inside = t.is_grad_enabled()
            with t.enable_grad():
                z = x * 2
                nested = t.is_grad_enabled()
            back = t.is_grad_enabled()

        @t.no_grad()
        def f(a: Any) -> Any:
            return a * 2, t.is_grad_enabled()

        @t.enable_grad()
        def g(a: Any) -> Any:
            return a * 2

        w, in_f = f(x)
        with t.no_grad():
            v = g(x)
        return y, inside, z, nested, back, w, in_f, v, t.is_grad_enabled(), f.__name__

    same(case)


def test_no_grad_restores_the_mode_after_an_exception() -> None:
    def case(t: Any) -> Any:
        try:
            with t.no_grad():
                raise KeyError("boom")
        except KeyError:
            pass
        return t.is_grad_enabled()

    same(case)


def test_set_grad_enabled() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        t.set_grad_enabled(False)  # as a call: switches now
        seen.append((t.is_grad_enabled(), (x * 2).requires_grad))
        t.set_grad_enabled(True)
        seen.append(t.is_grad_enabled())
        with t.set_grad_enabled(False):  # as a context manager: until exit
            seen.append((t.is_grad_enabled(), (x * 2).requires_grad))
            with t.set_grad_enabled(True):
                seen.append((x * 2).requires_grad)
        seen.append(t.is_grad_enabled())
        with t.no_grad():
            with t.set_grad_enabled(True):
                seen.append((x * 2).requires_grad)
            seen.append(t.is_grad_enabled())
        return seen

    same(case)


def test_no_grad_in_autograd_namespace() -> None:
    def case(t: Any) -> Any:
        with t.autograd.no_grad():
            a = t.autograd.grad_mode.no_grad is t.no_grad
        with t.autograd.set_grad_enabled(False):
            b = t.autograd.grad_mode.is_grad_enabled() if t is picotorch else t.is_grad_enabled()
        return a, b

    same(case)


# --------------------------------------------------------------------------- detach, data
def test_detach_shares_memory_and_version() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        d = y.detach()
        d[0] = 10.0  # writes y's memory, and bumps the counter they share
        dx = x.detach()
        dx.add_(1)
        return y, d, d.grad_fn, d.requires_grad, d.is_leaf, y._version, d._version, x, x._version

    same(case)


def test_detach_of_a_view_is_not_a_view() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 2
        b[1:].detach().mul_(2)  # allowed: a detached tensor is outside autograd
        a[1:].detach().mul_(2)
        return a, b

    same(case)


def test_detach_() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        r = y.detach_()
        return r is y, y, y.grad_fn, y.is_leaf

    same(case)

    def view(t: Any) -> Any:
        (t.tensor([1.0, 2.0], requires_grad=True) * 2)[0:1].detach_()

    same(view, raises=RuntimeError)


def test_data() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        d = x.data
        d.mul_(10)  # not an error, not recorded, and a separate version counter
        y = x * 1
        y.data.add_(1)
        return x, d, d.requires_grad, d.is_leaf, x._version, d._version, y, y._version

    same(case)

    def assign(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        x.data = t.tensor([5.0, 6.0, 7.0])
        (x * x).sum().backward()
        return x, x.grad

    same(assign)


# --------------------------------------------------------------------------- .grad, retain_grad
def test_grad_of_a_non_leaf_warns() -> None:
    def case(t: Any) -> Any:
        y = t.tensor([1.0, 2.0], requires_grad=True) * 2
        return y.grad

    same(case)


def test_retain_grad() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.retain_grad()  # twice is once
        x.retain_grad()  # a leaf: nothing to do
        z = (y * y).sum()
        before = y.grad  # retained: no warning, None until backward
        z.backward(retain_graph=True)
        first = y.grad.clone()
        z.backward()
        return before, first, y.grad, x.grad, y.retains_grad, x.retains_grad

    same(case)


def test_retain_grad_errors() -> None:
    same(lambda t: t.tensor([1.0]).retain_grad(), raises=RuntimeError)


def test_retain_grad_sees_what_the_hooks_let_through() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        handle = y.register_hook(lambda g: g * 3)  # registered later, runs first
        y.sum().backward(retain_graph=True)
        first = y.grad.clone()
        handle.remove()
        y.sum().backward()
        return first, y.grad, x.grad

    same(case)


def test_retain_grad_follows_in_place() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.mul_(3)  # y.grad is now the gradient of the new value
        (y * y).sum().backward()
        return y.grad, x.grad, y.retains_grad

    same(case)


def test_retain_grad_through_autograd_grad() -> None:
    def case(t: Any) -> Any:  # retained gradients fill in during autograd.grad too
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        (g,) = t.autograd.grad((y * y).sum(), x)
        return g, y.grad, x.grad

    same(case)


def test_assigning_grad() -> None:
    def ok(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        x.grad = t.tensor([1.0, 1.0])
        x.sum().backward()
        i = t.tensor([1, 2])
        i.grad = t.tensor([3, 4])
        return x.grad, i.grad

    same(ok)

    def wrong_shape(t: Any) -> Any:
        t.tensor([1.0, 2.0], requires_grad=True).grad = t.zeros(3)

    same(wrong_shape, raises=RuntimeError)

    def wrong_dtype(t: Any) -> Any:
        t.tensor([1.0, 2.0], requires_grad=True).grad = t.zeros(2, dtype=t.float64)

    same(wrong_dtype, raises=RuntimeError)

    def not_a_tensor(t: Any) -> Any:
        t.tensor([1.0, 2.0], requires_grad=True).grad = 3

    same(not_a_tensor, raises=TypeError)


# --------------------------------------------------------------------------- hooks
def test_hooks_on_leaves_and_non_leaves() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        calls = []
        h1 = y.register_hook(lambda g: calls.append(("y1", g.clone())) or g * 10)
        h2 = y.register_hook(lambda g: calls.append(("y2", g.clone())))  # sees h1's result
        hx = x.register_hook(lambda g: calls.append(("x", g.clone())) or g + 1)
        (y * y).sum().backward(retain_graph=True)
        first = x.grad.clone()
        h1.remove()
        hx.remove()
        hx.remove()  # removing twice is harmless
        x.grad = None
        (y * y).sum().backward()
        return calls, first, x.grad, h2 is not None

    same(case)


def test_hooks_apply_to_autograd_grad_results() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: g * 100)
        z = (y * y).sum()
        # torch's order: an input's gradient is taken after its hooks ran, unless the engine
        # goes on through that node (to reach x): then before
        return (
            t.autograd.grad(z, [y, x], retain_graph=True),
            t.autograd.grad(z, y, retain_graph=True),
            t.autograd.grad(z, x),
        )

    same(case)


def test_hook_errors() -> None:
    same(lambda t: t.tensor([1.0]).register_hook(lambda g: g), raises=RuntimeError)


def test_hook_registered_before_in_place() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        seen = []
        y.register_hook(lambda g: seen.append(("old", g.clone())))  # the value before mul_
        y.mul_(3)
        y.register_hook(lambda g: seen.append(("new", g.clone())) or g + 1)
        y.sum().backward()
        return seen, x.grad

    same(case)


# --------------------------------------------------------------------------- frozen parameters
def test_frozen_parameters() -> None:
    def case(t: Any) -> Any:
        w1 = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w2 = t.tensor([[0.5], [-1.0]], requires_grad=True)
        x = t.tensor([[1.0, -1.0]])
        w1.requires_grad_(False)  # frozen
        y = ((x @ w1) @ w2).sum()
        y.backward()
        return w1.grad, w2.grad, y, w1.is_leaf

    same(case)


# --------------------------------------------------------------------------- graph introspection
def test_grad_fn_names_and_next_functions() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        w = t.tensor([3.0, 4.0])
        y = ((x * w + 1).exp() - x).sum()
        acc = (x * 2).grad_fn.next_functions[0][0]
        return (
            y,  # the whole graph, GRAPH_DEPTH levels down
            y.grad_fn.name(),
            acc.name(),
            acc.variable is x,
            acc is (x + 1).grad_fn.next_functions[0][0],  # one AccumulateGrad per leaf
            (x * w).grad_fn.next_functions[1],  # (None, 0): w needs no gradient
            repr(y.grad_fn),
            repr(acc),
            type(y.grad_fn).__name__,
            x.grad_fn,
        )

    same(case)
    assert re.fullmatch(
        r"<SumBackward0 object at 0x[0-9a-f]+>",
        repr((picotorch.ones(2, requires_grad=True) * 1).sum().grad_fn),
    )


def test_input_nr_of_multi_use_edges() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = y * y + x
        return z.grad_fn.next_functions, z

    same(case)


def test_printing_autograd_tensors() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        d = t.ones(2, dtype=t.float64, requires_grad=True)
        return [
            repr(x),
            str(x * 2),
            repr((x * 2).sum()),
            repr(d),
            repr(x.detach()),
            repr(d * x),
            repr(t.tensor(3.5, requires_grad=True)),
        ]

    same(case)


# --------------------------------------------------------------------------- dtypes, broadcasting
def test_mixed_dtypes() -> None:
    def case(t: Any) -> Any:
        a = t.tensor([1.0, 2.0], requires_grad=True)  # float32
        b = t.tensor([0.1, 0.2], dtype=t.float64, requires_grad=True)
        y = (a * b + a / b).sum()  # float64
        y.backward()
        c = t.tensor([1.5, -2.5], requires_grad=True)
        (c * 3 + 1.5).sum().backward()
        return y, a.grad, b.grad, c.grad

    same(case)


def test_broadcasting_gradients_are_summed_back() -> None:
    def case(t: Any) -> Any:
        row = t.tensor([1.0, 2.0, 3.0], requires_grad=True)  # (3,) added to (2, 3)
        m = t.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        col = t.tensor([[2.0], [3.0]], requires_grad=True)  # (2, 1)
        s = t.tensor(0.5, requires_grad=True)  # 0-d
        y = (m + row) * col * s
        y.backward(t.tensor([[1.0, -1.0, 2.0], [0.5, 0.0, 1.0]]))
        return row.grad, m.grad, col.grad, s.grad

    same(case)


def test_a_tensor_used_several_times() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * x + x * 3 - x.exp() + x
        z = y * x
        z.sum().backward()
        return x.grad, z

    same(case)


# --------------------------------------------------------------------------- long chains
def test_a_100k_op_chain() -> None:
    def case(t: Any) -> tuple[float, float]:
        x = t.tensor(1.0, requires_grad=True)
        y = x
        for _ in range(100_000):
            y = y * 1.0000001
        y.backward()  # no RecursionError: the engine walks the graph with a loop
        return y.item(), x.grad.item()

    value, grad = case(picotorch)
    # the same float32 roundings, in the same order, as torch's: bit for bit
    assert (value, grad) == case(torch)
    # backward multiplies 1 by the same float32 factors, in the same order, as forward did
    assert grad == value


def test_a_long_chain_against_torch() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x
        for i in range(3_000):
            y = y * 1.0001 + 0.001 if i % 2 else (y - 0.001).sin() + y
        y.sum().backward()
        return y, x.grad

    same(case, depth=2)


def _chain_backward_seconds(n: int) -> float:
    x = picotorch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0000001
    gc.collect()
    start = time.perf_counter()
    y.backward()
    return time.perf_counter() - start


def test_backward_time_is_linear_in_the_graph_size() -> None:
    n = 12_500
    small = _chain_backward_seconds(n)
    large = _chain_backward_seconds(2 * n)
    assert large < 4 * small, f"backward of {2 * n} ops took {large:.3f}s, of {n}: {small:.3f}s"


def test_leaf_grad_never_aliases_a_gradient_someone_else_holds() -> None:
    # .grad may take over a fresh gradient without a copy (as torch's AccumulateGrad does), but
    # never one that a hook kept, the caller passed in, or another leaf also received
    def hook_kept(t: Any) -> Any:
        kept: list[Any] = []
        x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = x + 0  # AddBackward0 passes h's gradient on to x as it is
        h.register_hook(kept.append)
        (h * 3).sum().backward()
        kept[0].add_(100)
        return x.grad

    def caller_passed(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        g = t.tensor([0.5, 2.0])
        x.backward(g)
        g.add_(100)
        return x.grad

    def two_leaves(t: Any) -> Any:
        p = t.tensor([1.0, 2.0], requires_grad=True)
        q = t.tensor([3.0, 4.0], requires_grad=True)
        (p + q).sum().backward()
        p.grad.add_(100)
        return p.grad, q.grad

    def fresh(t: Any) -> Any:  # taken over: still the right values, and accumulation works
        a = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        b = t.tensor([[5.0, 6.0], [7.0, 8.0]], requires_grad=True)
        (a * b).sum().backward()
        (a * b).sum().backward()
        return a.grad, b.grad, a.grad.stride()

    for case in (hook_kept, caller_passed, two_leaves, fresh):
        same(case)


# --------------------------------------------------------------------------- found by probing
# (differences from torch that a differential probe found; each case also runs on torch)
def test_a_float32_gradient_seeds_a_float64_output_in_its_dtype() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.1, 2.2], dtype=t.float64, requires_grad=True)
        y = x * 3
        seen = []
        y.register_hook(lambda g: seen.append(str(g.dtype)))
        y.backward(t.tensor([1.6243454, 1.0]))  # float32: cast first, as torch's engine does
        return x.grad, seen

    mine = same(case)
    assert mine[1][0][2] == "float64"  # (the gradient's dtype, as observed)


@pytest.mark.parametrize(
    "fill",
    [
        lambda y, w, t: y.zero_(),
        lambda y, w, t: y.fill_(5),
        lambda y, w, t: y.fill_(w),
        lambda y, w, t: y.fill_(t.tensor(2.0)),
        lambda y, w, t: y.uniform_(),
        lambda y, w, t: y.normal_(),
    ],
)
def test_a_fill_of_a_tensor_with_history_is_recorded(fill: Callable[..., Any]) -> None:
    # the old value is gone: its gradient is zero (a fill value that requires grad gets the sum)
    def case(t: Any) -> Any:
        t.manual_seed(0)
        x = t.tensor([-1.0, 2.0], requires_grad=True)
        w = t.tensor(3.0, requires_grad=True)
        y = x * 2
        out = fill(y, w, t)
        (y * t.tensor([1.0, 10.0])).sum().backward()
        return out is y, y, y._version, x.grad, w.grad

    same(case)


def test_fill_takes_a_0d_tensor_that_may_require_grad() -> None:
    def case(t: Any) -> Any:
        w = t.tensor(3.0, requires_grad=True)
        z = t.zeros(2).fill_(w)
        z.sum().backward()
        return z, w.grad

    same(case)
    same(lambda t: t.zeros(2).fill_(t.tensor([1.0])), raises=RuntimeError)


def test_fills_under_no_grad_and_of_leaves() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([-1.0, 2.0], requires_grad=True)
        y = x * 2
        with t.no_grad():
            y.zero_()  # not recorded: y keeps its history
            x.fill_(1.0)  # allowed on a leaf under no_grad (what nn.init does)
        return y, x

    same(case)
    same(lambda t: t.tensor([1.0], requires_grad=True).zero_(), raises=RuntimeError)


@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_rounded_division_has_a_zero_gradient(mode: str) -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.5, -2.5], requires_grad=True)
        d = t.tensor([2.0, 3.0], requires_grad=True)
        y = t.div(x, d, rounding_mode=mode) + t.div(x, 2, rounding_mode=mode)
        z = x * 1
        z.div_(3.0, rounding_mode=mode)
        (y.sum() + z.sum()).backward()
        return y, z, x.grad, d.grad

    same(case)


def test_floor_division_operator_has_no_derivative() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.5, -2.5], requires_grad=True)
        return x // 2, 7 // x, x // x

    same(case)
    same(lambda t: (t.tensor([1.5], requires_grad=True) // 2).sum().backward(), raises=RuntimeError)


def test_a_leaf_switched_off_after_the_graph_gets_no_gradient() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        x.requires_grad_(False)
        y.sum().backward()
        return x.grad

    same(case)


@pytest.mark.parametrize(
    "hook",
    [
        lambda g: g[:1],
        lambda g: g.long(),
        lambda g: g.double(),
        lambda g: 3,
        lambda g: g.sum(),
        lambda g: g[None],
        lambda g: g * 2,  # (fine: same shape and dtype)
    ],
)
@pytest.mark.parametrize("on_leaf", [True, False])
def test_a_hook_must_keep_the_gradients_shape_and_dtype(
    hook: Callable[[Any], Any], on_leaf: bool
) -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x if on_leaf else x * 2
        y.register_hook(hook)
        (y * 3).sum().backward()
        return x.grad

    same(case)


def test_deepcopy_copies_a_leaf_with_its_grad_and_refuses_a_non_leaf() -> None:
    import copy

    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward()
        c = copy.deepcopy(x)
        c.grad.add_(1)  # its own copy
        return c, c.grad, x.grad

    same(case)
    same(lambda t: copy_of(t.tensor([1.0], requires_grad=True) * 2), raises=RuntimeError)


def copy_of(x: Any) -> Any:
    import copy

    return copy.deepcopy(x)


def test_data_of_a_tensor_that_requires_grad_must_stay_floating() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        x.data = t.tensor([5.0, 6.0, 7.0], dtype=t.float64)  # another shape and dtype: fine
        y = t.tensor([1.0, 2.0])
        y.data = t.tensor([5, 6])  # no grad: any dtype
        return x, y

    same(case)

    def bad(t: Any) -> Any:
        t.tensor([1.0, 2.0], requires_grad=True).data = t.tensor([5, 6])

    same(bad, raises=RuntimeError)


def test_numpy_conversion_refuses_a_tensor_that_requires_grad() -> None:
    # np.asarray(t) is what matplotlib's plt.plot(x, y) does with a tensor. (torch's __array__
    # also warns here, about NumPy 2's copy keyword: the warnings are not compared)
    for convert in (np.asarray, lambda x: np.array(x, np.float64)):
        messages = []
        for lib in LIBS:
            with pytest.raises(RuntimeError) as error, warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                convert(lib.tensor([1.0], requires_grad=True))
            messages.append(str(error.value))
        assert messages[0] == messages[1]
    assert np.asarray(picotorch.tensor([1.0], requires_grad=True).detach()).tolist() == [1.0]


def test_grad_mode_decorators_without_parentheses_and_on_generators() -> None:
    def case(t: Any) -> Any:
        @t.no_grad
        def doubled(x: Any) -> Any:
            return x * 2

        @t.enable_grad
        def tripled(x: Any) -> Any:
            return x * 3

        @t.no_grad()
        def steps(x: Any) -> Any:
            yield x * 1
            yield t.is_grad_enabled()
            return "done"

        x = t.ones(1, requires_grad=True)
        with t.no_grad():
            enabled = tripled(x).requires_grad
        it = steps(x)
        first = next(it)
        outside = t.is_grad_enabled()  # the caller's mode holds between the yields
        inside = next(it)
        try:
            next(it)
        except StopIteration as stop:
            returned = stop.value
        return doubled(x), doubled.__name__, enabled, first, outside, inside, returned

    same(case)


@pytest.mark.parametrize("mode", [0, 1.0, None, "yes"])
def test_set_grad_enabled_takes_only_a_bool(mode: Any) -> None:
    same(lambda t: t.set_grad_enabled(mode), raises=TypeError)


@pytest.mark.parametrize("bad", [3, None])
def test_differentiated_inputs_must_be_tensors(bad: Any) -> None:
    def grad(t: Any) -> Any:
        x = t.tensor([1.5], requires_grad=True)
        return t.autograd.grad(x.sum(), [x, bad])

    def backward(t: Any) -> Any:
        x = t.tensor([1.5], requires_grad=True)
        (x * 2).sum().backward(inputs=[x, bad])

    same(grad, raises=RuntimeError)
    same(backward, raises=RuntimeError)


@pytest.mark.parametrize("value", [1, None, "yes", 0.0])
def test_requires_grad_takes_only_a_bool(value: Any) -> None:
    def setter(t: Any) -> Any:
        t.tensor([1.5]).requires_grad = value

    same(setter, raises=RuntimeError)
    same(lambda t: t.tensor([1.5]).requires_grad_(value), raises=TypeError)
    same(lambda t: t.nn.Linear(2, 2).requires_grad_(value), raises=TypeError)


@pytest.mark.parametrize(
    "index",
    [1, (slice(1, None),), (slice(None), 0), (0, [1]), (None,), (Ellipsis, 1), slice(None), [0]],
)
def test_writing_into_a_leaf_through_an_index(index: Any) -> None:
    # torch takes a view for the basic part of the index, and names it in its error
    def case(t: Any) -> Any:
        x = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        x[index] = 3.0

    same(case, raises=RuntimeError)


# --------------------------------------------------------------------------- autograd.Function
def _functions(t: Any) -> Any:
    """The custom Functions the tests below use (PyTorch's "Learning PyTorch with Examples"
    writes LegendrePolynomial3 so), defined against library ``t``."""

    class Scaled(t.autograd.Function):  # a non-tensor input, and attributes on ctx
        @staticmethod
        def forward(ctx: Any, x: Any, k: float) -> Any:
            ctx.save_for_backward(x)
            ctx.k = k
            return x.clamp(min=0) * k, t.is_grad_enabled(), ctx.needs_input_grad

        @staticmethod
        def backward(ctx: Any, grad: Any, *unused: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad * (x > 0) * ctx.k, None

    class Two(t.autograd.Function):  # two outputs: the unused one's gradient is zeros
        @staticmethod
        def forward(ctx: Any, a: Any) -> Any:
            return a * 2, a * 3

        @staticmethod
        def backward(ctx: Any, ga: Any, gb: Any) -> Any:
            return ga * 2 + gb * 3 + gb.sum()

    class Legendre3(t.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return 0.5 * (5 * x**3 - 3 * x)

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad * 1.5 * (5 * x**2 - 1)

    class Same(t.autograd.Function):  # returns its input: a new tensor, the input untouched
        @staticmethod
        def forward(ctx: Any, a: Any) -> Any:
            return a

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 5

    class Short(t.autograd.Function):  # one gradient for two inputs
        @staticmethod
        def forward(ctx: Any, a: Any, b: Any) -> Any:
            return a * b

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    return Scaled, Two, Legendre3, Same, Short


def test_a_custom_function_is_one_node_with_its_own_backward() -> None:
    def case(t: Any) -> Any:
        scaled, two, legendre3, same_, _ = _functions(t)
        x = t.tensor([-1.0, 2.0, 0.5], requires_grad=True)
        y, enabled, needs = scaled.apply(x, 3)  # forward runs without recording
        p, q = two.apply(x)
        z = legendre3.apply(x * 0.5)
        w = same_.apply(x)
        (y.sum() + p.sum() + z.sum() + w.sum()).backward()
        with t.no_grad():
            plain = scaled.apply(x, 1)[0]
        return y, enabled, needs, p, q, z, w, x.is_leaf, x.grad, plain

    same(case)


def test_a_custom_function_returns_a_gradient_per_input_and_checks_saved_tensors() -> None:
    def short(t: Any) -> Any:
        a = t.tensor([1.0, 2.0], requires_grad=True)
        _functions(t)[4].apply(a, a).sum().backward()

    same(short, raises=RuntimeError, match="returned an incorrect number of gradients")

    def changed(t: Any) -> Any:
        w = t.tensor([1.0, 2.0], requires_grad=True)
        out = _functions(t)[0].apply(w, 2)[0]
        with t.no_grad():
            w.mul_(2)
        out.sum().backward()

    same(changed, raises=RuntimeError, match="modified by an inplace operation")

    def gradient_for_a_number(t: Any) -> Any:
        class Scale(t.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any, k: float) -> Any:
                return x * k

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g, t.ones(1)  # k is a number: it can have no gradient

        Scale.apply(t.ones(2, requires_grad=True), 3).sum().backward()

    same(gradient_for_a_number, raises=RuntimeError)

    def saving_a_number(t: Any) -> Any:
        class Keep(t.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                ctx.save_for_backward(x, 3)
                return x * 1

        Keep.apply(t.ones(2, requires_grad=True))

    same(saving_a_number, raises=TypeError)


def _function_of(t: Any, forward: Callable[..., Any], backward: Callable[..., Any]) -> Any:
    return type(
        "Fn",
        (t.autograd.Function,),
        {"forward": staticmethod(forward), "backward": staticmethod(backward)},
    )


@pytest.mark.parametrize(
    ("forward", "backward", "call"),
    [
        # nothing saved: saved_tensors is (), and after backward the freed-graph error
        (lambda ctx, a: a * 2, lambda ctx, g: (len(ctx.saved_tensors), g * 2)[1], None),
        # more gradients than inputs, all None: the extra ones are dropped
        (lambda ctx, a: a * 2, lambda ctx, g: (g * 2, None, None), None),
        # keyword arguments are inputs too, after the positional ones
        (lambda ctx, input, k=2: input * k, lambda ctx, g: (g * 2, None), "keywords"),
        (lambda ctx, input: input * 3, lambda ctx, g: g * 3, "input="),
        # a number saved while nothing is recorded: not checked
        (lambda ctx, a: (ctx.save_for_backward(a, 3), a * 2)[1], lambda ctx, g: g, "no grad"),
    ],
)
def test_a_custom_function_as_torch_calls_it(forward: Any, backward: Any, call: Any) -> None:
    def case(t: Any) -> Any:
        fn = _function_of(t, forward, backward)
        x = t.tensor([1.0, 2.0], requires_grad=call != "no grad")
        if call == "keywords":
            y = fn.apply(x, k=t.tensor(3.0, requires_grad=True))
        elif call == "input=":
            y = fn.apply(input=x)
        else:
            y = fn.apply(x)
        if y.requires_grad:
            y.sum().backward()
        return (
            y,
            x.grad,
            [n.name() if n else None for n, _ in y.grad_fn.next_functions] if y.grad_fn else None,
        )

    same(case)


@pytest.mark.parametrize(
    "backward",
    [
        lambda ctx, g: 1.0,  # not a tensor: torch's "expected Variable or None"
        lambda ctx, g: [g, g],  # (a list is one gradient: the count first)
        lambda ctx, g: (g, "a"),  # (a number's position: "different than None" first)
        lambda ctx, g: g.sum(),  # a gradient of another shape: its node and index named
    ],
)
def test_a_custom_functions_backward_returning_what_torch_refuses(backward: Any) -> None:
    def case(t: Any) -> Any:
        fn = _function_of(t, lambda ctx, a, k=1: a * 2, backward)
        fn.apply(t.tensor([1.0, 2.0], requires_grad=True), 3).sum().backward()

    same(case, raises=RuntimeError)


def test_a_custom_function_saved_nothing_is_freed_by_backward() -> None:
    def case(t: Any) -> Any:
        fn = _function_of(t, lambda ctx, a: a * 2, lambda ctx, g: g * 2)
        y = fn.apply(t.ones(2, requires_grad=True))
        before = y.grad_fn.saved_tensors
        y.sum().backward()
        return before, y.grad_fn.saved_tensors

    same(case, raises=RuntimeError)


@pytest.mark.parametrize("forward", [lambda ctx, a: a, lambda ctx, a: a.view(3)])
def test_a_view_a_custom_function_returns_is_not_written_in_place(forward: Any) -> None:
    def case(t: Any) -> Any:  # (an input returned as it is: a view of it)
        fn = _function_of(t, forward, lambda ctx, g: g * 2)
        x = t.ones(3, requires_grad=True)
        y = fn.apply(x)
        observed = (y._base is x, y.is_leaf, y.grad_fn.name(), x._version)
        y.add_(1)
        return observed

    same(case, raises=RuntimeError)


def test_an_input_a_custom_function_returns_is_a_view_of_it() -> None:
    def case(t: Any) -> Any:
        fn = _function_of(t, lambda ctx, a: a, lambda ctx, g: g * 2)
        c, x = t.ones(3), t.ones(3, requires_grad=True)
        plain = fn.apply(c)
        with t.no_grad():
            unrecorded = fn.apply(x)
        y = fn.apply(x)
        (y * 3).sum().backward()
        return plain is c, plain._base is c, unrecorded is x, unrecorded.requires_grad, x.grad

    same(case)


def test_grad_of_a_dict_of_inputs_is_a_dict() -> None:
    def case(t: Any) -> Any:
        x, w = t.ones(3, requires_grad=True), t.ones(3, requires_grad=True)
        found = t.autograd.grad((x * w * 2).sum(), {"x": x, "w": w})
        (x * 3).sum().backward(inputs={"x": x})
        return list(found.items()), x.grad

    same(case)


@pytest.mark.parametrize(
    "call",
    [
        lambda t, x: t.autograd.grad({"a": (x * x).sum()}, x),  # (outputs: no dict)
        lambda t, x: t.autograd.backward({"a": (x * x).sum()}),
        lambda t, x: t.autograd.grad((x * x).sum(), x, grad_outputs={"a": t.tensor(1.0)}),
    ],
)
def test_dicts_where_torch_takes_none(call: Any) -> None:
    same(lambda t: call(t, t.ones(3, requires_grad=True)), raises=Exception)


def test_more_gradients_than_outputs_are_not_read() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        (first,) = t.autograd.grad((x * x).sum(), x, grad_outputs=[None, None])
        t.autograd.backward((x * 3).sum(), grad_tensors=[t.tensor(2.0), None])
        return first, x.grad

    same(case)


def test_a_hook_returning_an_array_is_named_as_torch_names_it() -> None:
    def case(t: Any) -> Any:
        x = t.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: np.ones(2))
        y.sum().backward()

    same(case, raises=TypeError)


def test_a_legacy_function_object_is_refused() -> None:
    def case(t: Any) -> Any:
        class Old(t.autograd.Function):
            def forward(self, a: Any) -> Any:
                return a

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (instantiating one is deprecated)
            return Old()(t.ones(2))

    same(case, raises=RuntimeError)


def test_grad_mode_on_a_generator_follows_send_throw_and_close() -> None:
    def case(t: Any) -> Any:
        seen = []

        @t.no_grad()
        def steps() -> Any:
            try:
                while True:
                    try:
                        got = yield t.is_grad_enabled()
                        seen.append(("got", got, t.is_grad_enabled()))
                    except ValueError:
                        yield ("caught", t.is_grad_enabled())
            finally:
                seen.append(("finally", t.is_grad_enabled()))

        it = steps()
        results = [next(it), t.is_grad_enabled(), it.send(5), it.throw(ValueError()), next(it)]
        it.close()
        return results, seen, t.is_grad_enabled()

    same(case)
