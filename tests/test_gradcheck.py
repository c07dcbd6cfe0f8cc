"""gradcheck / gradgradcheck: every differentiable op, and gradcheck itself.

Each op is checked numerically (central differences vs the analytical Jacobian) on small
float64 inputs, to first and second order, in picotorch; the same check runs in torch too, so a
case that torch itself could not pass (a kink, a tie) cannot sneak in. Inputs stay away from
the points where an op is not differentiable. Then gradcheck's own behaviour: it must catch a
wrong backward with torch's exception type and message, warn about float32 inputs, and so on.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from parity import NoGrad, gradcheck_both

import picotorch
from picotorch._tensor import Tensor
from picotorch.autograd.function import Node, needs_grad, record

LIBS = (picotorch, torch)
rng = np.random.default_rng(7)


def randn(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape)


def positive(*shape: int) -> np.ndarray:
    return rng.random(shape) + 0.5


def spread(*shape: int) -> np.ndarray:
    """Distinct values, at least 0.1 apart and from 0: no ties, no kinks for max/abs/relu."""
    n = int(np.prod(shape))
    values = (np.arange(n) - n // 2 + 0.5) * 0.37
    return rng.permutation(values).reshape(shape)


def leaf(lib: Any, x: np.ndarray, *, requires_grad: bool = True) -> Any:
    t = lib.from_numpy(np.array(x, dtype=np.float64))
    return t.requires_grad_(requires_grad)


# ---------------------------------------------------------------------- pointwise
UNARY = {
    "neg": lambda t, x: -x,
    "abs": lambda t, x: t.abs(x),
    "exp": lambda t, x: t.exp(x),
    "log": lambda t, x: t.log(t.abs(x)),
    "sqrt": lambda t, x: t.sqrt(t.abs(x)),
    "sin": lambda t, x: t.sin(x),
    "cos": lambda t, x: t.cos(x),
    "tanh": lambda t, x: t.tanh(x),
    "sigmoid": lambda t, x: t.sigmoid(x),
    "relu": lambda t, x: t.relu(x),
    "reciprocal": lambda t, x: t.reciprocal(x),
    "sign": lambda t, x: t.sign(x) * x,
    "clamp": lambda t, x: t.clamp(x, -0.5, 0.6),
    "clamp_min": lambda t, x: x.clamp(min=0.2),
    "pow2": lambda t, x: x**2,
    "pow_float": lambda t, x: t.abs(x) ** 1.7,
    "pow_negative": lambda t, x: x**-2,
    "rpow": lambda t, x: 1.5**x,
    "rsub": lambda t, x: 2 - x,
    "rdiv": lambda t, x: 2 / x,
    "scalar_ops": lambda t, x: (x * 3 + 1) / 2 - 0.5,
    "remainder_number": lambda t, x: x % 1.3,
}


@pytest.mark.parametrize("name", UNARY)
def test_unary(name: str) -> None:
    gradcheck_both(UNARY[name], spread(2, 3))


@pytest.mark.parametrize("name", ["exp", "tanh", "sigmoid", "sin", "pow_float", "relu"])
def test_unary_noncontiguous_and_0d(name: str) -> None:
    gradcheck_both(lambda t, x: UNARY[name](t, x.t()), spread(3, 2))
    gradcheck_both(UNARY[name], np.array(0.83))


BINARY = {
    "add": lambda t, a, b: a + b,
    "add_alpha": lambda t, a, b: t.add(a, b, alpha=-1.5),
    "sub": lambda t, a, b: a - b,
    "sub_alpha": lambda t, a, b: t.sub(a, b, alpha=2),
    "mul": lambda t, a, b: a * b,
    "div": lambda t, a, b: a / b,
    "pow": lambda t, a, b: t.abs(a) ** b,
    "maximum": lambda t, a, b: t.maximum(a, b),
    "minimum": lambda t, a, b: t.minimum(a, b),
    "where": lambda t, a, b: t.where(a > b, a, b),
    "remainder": lambda t, a, b: a % (t.abs(b) + 1),
    "clamp_tensors": lambda t, a, b: t.clamp(a, b - 1, b + 1),
}


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((3, 1), (1, 2)), ((), (3,))])
def test_binary(name: str, shapes: tuple[tuple[int, ...], ...]) -> None:
    a, b = spread(*shapes[0]), spread(*shapes[1]) + 0.05  # + 0.05: no ties between a and b
    gradcheck_both(BINARY[name], a, b)


@pytest.mark.parametrize("name", BINARY)
def test_binary_one_input_requires_grad(name: str) -> None:
    gradcheck_both(BINARY[name], spread(2, 3), NoGrad(spread(3) + 0.05))
    gradcheck_both(BINARY[name], NoGrad(spread(2, 3)), spread(3) + 0.05)


def test_composite_expression() -> None:
    def fn(t: Any, x: Any, y: Any) -> Any:
        return (t.sigmoid(x * y) + t.tanh(x - y) * x) / (1 + y * y) + t.exp(-x * x).sum()

    gradcheck_both(fn, randn(3, 4), randn(4))


# ---------------------------------------------------------------------- reductions
REDUCTIONS = {
    "sum": lambda t, x: x.sum(),
    "sum_dim": lambda t, x: x.sum(1),
    "sum_dims_keepdim": lambda t, x: x.sum((0, 2), keepdim=True),
    "mean": lambda t, x: x.mean(),
    "mean_dim": lambda t, x: x.mean(-1),
    "prod": lambda t, x: x.prod(),
    "prod_dim": lambda t, x: x.prod(1),
    "prod_dim_keepdim": lambda t, x: x.prod(0, keepdim=True),
    "max": lambda t, x: x.max(),
    "min": lambda t, x: x.min(),
    "max_dim": lambda t, x: x.max(1),
    "min_dim_keepdim": lambda t, x: x.min(2, keepdim=True),
    "std": lambda t, x: x.std(),
    "var": lambda t, x: x.var(),
    "std_dim": lambda t, x: x.std(1),
    "var_dims": lambda t, x: x.var((0, 2), keepdim=True),
    "var_correction_0": lambda t, x: x.var(-1, correction=0),
    "std_unbiased_false": lambda t, x: x.std(0, False),
}


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction(name: str) -> None:
    gradcheck_both(REDUCTIONS[name], spread(2, 3, 4) / 2)


@pytest.mark.parametrize("name", ["sum_dim", "prod_dim", "max_dim", "std_dim", "var_dims"])
def test_reduction_noncontiguous(name: str) -> None:
    gradcheck_both(lambda t, x: REDUCTIONS[name](t, x.permute(2, 0, 1)), spread(3, 4, 2) / 2)


def test_prod_with_a_zero() -> None:
    """One zero: the product is still differentiable (it is linear in that element)."""
    x = np.array([[1.5, 0.0, -2.0], [0.5, 1.2, 0.8]])
    for fn in (lambda t, x: x.prod(), lambda t, x: x.prod(1), lambda t, x: x.prod(0)):
        gradcheck_both(fn, x)
    gradcheck_both(lambda t, x: x.prod(1), np.array([[1.5, 0.0, 0.0], [0.5, 1.2, 0.8]]))


# ---------------------------------------------------------------------- matrix products
MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3, 2)),
    ((2, 2, 3), (3, 2)),
    ((2, 2, 3), (3,)),
    ((2, 3), (2, 3, 2)),
    ((3,), (2, 3, 2)),
    ((2, 2, 3), (2, 3, 2)),
    ((2, 1, 2, 3), (3, 3, 2)),
    ((2, 2, 3), (1, 3, 2)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes: tuple[tuple[int, ...], ...]) -> None:
    a, b = randn(*shapes[0]), randn(*shapes[1])
    gradcheck_both(lambda t, a, b: a @ b, a, b)
    gradcheck_both(lambda t, a, b: a @ b, NoGrad(a), b, second=False)
    gradcheck_both(lambda t, a, b: a @ b, a, NoGrad(b), second=False)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_noncontiguous(shapes: tuple[tuple[int, ...], ...]) -> None:
    def fn(t: Any, a: Any, b: Any) -> Any:
        return a.permute(*range(a.ndim)[::-1]) @ b.permute(*range(b.ndim)[::-1])

    gradcheck_both(fn, randn(*shapes[0][::-1]), randn(*shapes[1][::-1]))


def test_products_called_directly() -> None:
    gradcheck_both(lambda t, a, b: t.mm(a, b), randn(2, 3), randn(3, 2))
    gradcheck_both(lambda t, a, b: t.bmm(a, b), randn(2, 2, 3), randn(2, 3, 2))
    gradcheck_both(lambda t, a, b: t.mv(a, b), randn(2, 3), randn(3))
    gradcheck_both(lambda t, a, b: t.dot(a, b), randn(3), randn(3))


def test_a_small_network() -> None:
    """Linear -> relu -> linear -> mean squared error, gradients with respect to everything."""

    def fn(t: Any, x: Any, w1: Any, b1: Any, w2: Any) -> Any:
        hidden = t.relu(x @ w1.t() + b1)
        return ((hidden @ w2) ** 2).mean()

    gradcheck_both(fn, randn(4, 3), randn(5, 3), spread(5) + 1.0, randn(5, 2))


# ---------------------------------------------------------------------- views, joins, indexing
VIEWS = {
    "view": lambda t, x: x.view(4, 3) * 1.5,
    "reshape": lambda t, x: x.reshape(2, 6),
    "reshape_noncontiguous": lambda t, x: x.t().reshape(12),
    "t": lambda t, x: x.t(),
    "T": lambda t, x: x.T,
    "transpose": lambda t, x: x.transpose(0, 1),
    "permute": lambda t, x: x.unsqueeze(0).permute(2, 0, 1),
    "squeeze": lambda t, x: x[:1].squeeze(0),
    "unsqueeze": lambda t, x: x.unsqueeze(1),
    "flatten": lambda t, x: x.flatten(),
    "expand": lambda t, x: x[:, :1].expand(3, 5),
    "expand_as": lambda t, x: x[0].expand_as(x),
    "narrow": lambda t, x: x.narrow(1, 1, 2),
    "split": lambda t, x: x.split(2, dim=1),
    "chunk": lambda t, x: x.chunk(2, dim=0),
    "unbind": lambda t, x: x.unbind(1),
    "select": lambda t, x: x[1],
    "slice": lambda t, x: x[1:, ::2],
    "index_tensor": lambda t, x: x[t.tensor([0, 2, 0])],
    "index_mask": lambda t, x: x[x > 0],
    "index_list_pair": lambda t, x: x[[0, 1, 2], [3, 1, 3]],
    "index_mixed": lambda t, x: x[1:, [0, 2]],
    "gather": lambda t, x: x.gather(1, t.tensor([[0, 0], [3, 1], [2, 2]])),
    "index_select": lambda t, x: x.index_select(1, t.tensor([3, 0, 3])),
    "masked_fill": lambda t, x: x.masked_fill(x > 0.5, 2.0),
    "scatter": lambda t, x: t.zeros(3, 5, dtype=t.float64).scatter(
        1, t.tensor([[0, 1], [2, 3], [4, 0]]), x[:, :2]
    ),
    "scatter_add": lambda t, x: x.scatter_add(1, t.tensor([[0, 0], [1, 1], [3, 0]]), x[:, 1:3] * 2),
    "clone": lambda t, x: x.clone(),
    "contiguous": lambda t, x: x.t().contiguous(),
}


@pytest.mark.parametrize("name", VIEWS)
def test_views_and_indexing(name: str) -> None:
    gradcheck_both(VIEWS[name], spread(3, 4))


def test_cat_and_stack() -> None:
    gradcheck_both(lambda t, a, b: t.cat([a, b], dim=1), randn(2, 3), randn(2, 2))
    gradcheck_both(lambda t, a, b: t.cat([a, b]), randn(2, 3), NoGrad(randn(1, 3)))
    gradcheck_both(lambda t, a, b: t.stack([a, b], dim=1), randn(2, 3), randn(2, 3))
    gradcheck_both(lambda t, a, b: t.stack([a.t(), b.t()]), randn(2, 3), randn(2, 3))


def test_setitem_in_a_graph() -> None:
    def fn(t: Any, x: Any, v: Any) -> Any:
        y = x * 1.0
        y[0, 1:3] = v
        return y

    gradcheck_both(fn, randn(3, 4), randn(2))


# ---------------------------------------------------------------------- gradcheck itself
class WrongSinBackward(Node):
    """A deliberately wrong derivative of sin: 2 cos(x) instead of cos(x)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (grad * picotorch.cos(x) * 2,)


def sin_with(node: type[Node]) -> Callable[[Tensor], Tensor]:
    """``sin(x)`` recorded with ``node`` (which reads x from its saved tensors) as its backward:
    how these tests plant a wrong derivative in picotorch."""

    def sin(x: Tensor) -> Tensor:
        result = Tensor._make(np.sin(x._data))
        if needs_grad(x):
            record(result, node, (x,), saved=(x,))
        return result

    return sin


class TorchSin(torch.autograd.Function):
    """``sin(x)``, saving x, for a subclass to give a (wrong) backward: the same in torch."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return x.sin()


wrong_sin = sin_with(WrongSinBackward)


class TorchWrongSin(TorchSin):
    """The same wrong derivative, in torch."""

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return grad * x.cos() * 2


WRONG_SIN = {picotorch: wrong_sin, torch: TorchWrongSin.apply}


def gradcheck_error(lib: Any) -> type[Exception]:
    exception: type[Exception] = sys.modules[f"{lib.__name__}.autograd.gradcheck"].GradcheckError
    return exception


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_gradcheck_error_is_a_runtime_error(lib: Any) -> None:
    assert issubclass(gradcheck_error(lib), RuntimeError)
    assert gradcheck_error(lib).__name__ == "GradcheckError"


def test_wrong_backward_fails_with_torchs_message() -> None:
    messages = []
    for lib in LIBS:
        x = leaf(lib, np.array([0.1, 0.7, -1.2]))
        with pytest.raises(gradcheck_error(lib)) as caught:
            lib.autograd.gradcheck(WRONG_SIN[lib], (x,))
        messages.append(str(caught.value))
    assert messages[0].startswith("Jacobian mismatch for output 0 with respect to input 0,\n")
    assert "numerical:tensor(" in messages[0] and "analytical:tensor(" in messages[0]
    assert messages[0] == messages[1]


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_wrong_backward_without_raising(lib: Any) -> None:
    x = leaf(lib, np.array([0.1, 0.7]))
    assert lib.autograd.gradcheck(WRONG_SIN[lib], (x,), raise_exception=False) is False
    assert lib.autograd.gradcheck(lib.sin, (x,), raise_exception=False) is True


def test_wrong_backward_numbers_the_inputs_that_require_grad() -> None:
    """The message counts only differentiable inputs and outputs."""
    messages = []
    for lib in LIBS:
        c = leaf(lib, np.array([1.0, 2.0]), requires_grad=False)
        x = leaf(lib, np.array([0.3, 0.4]))

        def fn(c: Any, x: Any, k: int, lib: Any = lib) -> Any:
            return c.sum() * 0 + 1, x * c, WRONG_SIN[lib](x) * k

        with pytest.raises(gradcheck_error(lib)) as caught:
            lib.autograd.gradcheck(fn, (c, x, 3))
        messages.append(str(caught.value))
    assert messages[0].startswith("Jacobian mismatch for output 1 with respect to input 0,")
    assert messages[0] == messages[1]


class ForgetsTheGradient(Node):
    """Wrong in another way: returns cos(x), ignoring the incoming gradient."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (picotorch.cos(x),)


class TorchForgetsTheGradient(TorchSin):
    """The same mistake, in torch."""

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return x.cos()


SIN_IGNORING_GRAD = {picotorch: sin_with(ForgetsTheGradient), torch: TorchForgetsTheGradient.apply}


def test_backward_must_multiply_by_the_gradient() -> None:
    messages = []
    for lib in LIBS:
        x = leaf(lib, np.array(0.4))  # one element: the Jacobian itself comes out right
        with pytest.raises(gradcheck_error(lib)) as caught:
            lib.autograd.gradcheck(SIN_IGNORING_GRAD[lib], (x,))
        messages.append(str(caught.value))
    assert messages[0] == "backward not multiplied by grad_output"
    assert messages[0] == messages[1]


class FlatSinBackward(Node):
    """Right to first order, but computed outside autograd: it has no second derivative."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (grad * Tensor._make(np.cos(x._data)),)


class TorchFlatSin(TorchSin):
    """The same in torch: the backward's cos(x) is taken from a detached x."""

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return grad * x.detach().cos()


FLAT_SIN = {picotorch: sin_with(FlatSinBackward), torch: TorchFlatSin.apply}


def test_gradgradcheck_catches_a_backward_without_a_graph() -> None:
    messages = []
    for lib in LIBS:
        x = leaf(lib, np.array([0.3, -0.8, 1.1]))
        assert lib.autograd.gradcheck(FLAT_SIN[lib], (x,)) is True
        lib.manual_seed(0)  # the same random grad_outputs in both
        with pytest.raises(gradcheck_error(lib)) as caught:
            lib.autograd.gradgradcheck(FLAT_SIN[lib], (x,))
        messages.append(str(caught.value))
    assert messages[0].startswith("Jacobian mismatch for output 0 with respect to input 0,\n")
    assert messages[0] == messages[1]


class WrongSecondSinBackward(Node):
    """Right to first order, wrong to second: its backward is built from ``wrong_sin``, so
    ``cos(x) = wrong_sin(x + pi/2)`` differentiates to 2 * -sin(x)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (grad * wrong_sin(x + np.pi / 2),)


class TorchWrongSecondSin(TorchSin):
    """The same in torch, its backward built from ``TorchWrongSin``."""

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return grad * TorchWrongSin.apply(x + np.pi / 2)


WRONG_SECOND_SIN = {picotorch: sin_with(WrongSecondSinBackward), torch: TorchWrongSecondSin.apply}


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    messages = []
    for lib in LIBS:
        x = leaf(lib, np.array([0.3, -0.8]))
        sin = WRONG_SECOND_SIN[lib]
        assert lib.autograd.gradcheck(sin, (x,)) is True
        assert lib.autograd.gradgradcheck(sin, (x,), raise_exception=False) is False
        lib.manual_seed(0)  # the same random grad_outputs in both
        with pytest.raises(gradcheck_error(lib)) as caught:
            lib.autograd.gradgradcheck(sin, (x,))
        messages.append(str(caught.value))
    assert messages[0].startswith("Jacobian mismatch for output 0 with respect to input 0,\n")
    assert messages[0] == messages[1]


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_float32_inputs_warn(lib: Any) -> None:
    x = lib.ones(3, requires_grad=True)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double"):
        lib.autograd.gradcheck(lambda x: x * 2, (x,), eps=1e-3, atol=1e-2)


def test_float32_mismatch_message_shows_the_jacobians_in_the_outputs_dtype() -> None:
    # float32's rounding swamps the difference quotient: the numerical Jacobian, float32 as the
    # output, is printed without a dtype, as torch prints it
    messages = []
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.warns(UserWarning), pytest.raises(gradcheck_error(lib)) as caught:
            lib.autograd.gradcheck(lambda x: (x**2).sum(), (x,))
        messages.append(str(caught.value))
    assert "dtype" not in messages[0]
    assert messages[0] == messages[1]


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_no_input_requires_grad(lib: Any) -> None:
    x = leaf(lib, np.ones(3), requires_grad=False)
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        lib.autograd.gradcheck(lambda x: x * 2, (x,))


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_overlapping_input_is_refused(lib: Any) -> None:
    x = leaf(lib, np.ones(1), requires_grad=False).expand(3).requires_grad_()
    with pytest.raises(RuntimeError, match="has a dimension with stride 0"):
        lib.autograd.gradcheck(lambda x: x * 2, (x,))


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_single_tensor_input_and_tuple_output(lib: Any) -> None:
    x = leaf(lib, np.array([0.5, 1.5]))
    assert lib.autograd.gradcheck(lambda x: (x.exp(), x.sin().sum()), x)
    assert lib.autograd.gradgradcheck(lambda x: (x.exp(), x.sin().sum()), x)


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_non_differentiable_output(lib: Any) -> None:
    """An output that does not require grad must not change with the input."""
    x = leaf(lib, np.array([0.5, 1.5]))
    assert lib.autograd.gradcheck(lambda x: x.detach() * 0 + 1, (x,))
    with pytest.raises(gradcheck_error(lib), match="Numerical gradient for function expected"):
        lib.autograd.gradcheck(lambda x: x.detach() * 2, (x,))


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_gradgradcheck_with_given_grad_outputs(lib: Any) -> None:
    x = leaf(lib, np.array([[0.5, 1.5], [-0.3, 0.2]]))
    g = leaf(lib, np.array([[1.0, -2.0], [0.5, 3.0]]))
    assert lib.autograd.gradgradcheck(lambda x: x.tanh() * x, (x,), (g,))
    assert lib.autograd.gradgradcheck(
        lambda x: x.tanh() * x, (x,), gen_non_contig_grad_outputs=True
    )


class ScaledBackward(Node):
    """1% off: the gradient of ``x * 1`` given as 1.01."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * 1.01,)


def one_percent_off(x: Tensor) -> Tensor:
    result = Tensor._make(x._data.copy())
    if needs_grad(x):
        record(result, ScaledBackward, (x,))
    return result


class TorchOnePercentOff(torch.autograd.Function):
    """The same in torch."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x.clone()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad * 1.01


ONE_PERCENT_OFF = {picotorch: one_percent_off, torch: TorchOnePercentOff.apply}


def test_tolerances() -> None:
    """A 1% error passes a 5% rtol and fails the default 0.1%, and an atol of 1e-3 alone."""
    outcomes, messages = [], []
    for lib in LIBS:
        x = leaf(lib, np.array([0.2, 0.4]))
        fn = ONE_PERCENT_OFF[lib]
        outcomes.append(
            (
                lib.autograd.gradcheck(fn, (x,), rtol=0.05),
                lib.autograd.gradcheck(fn, (x,), raise_exception=False),
                lib.autograd.gradcheck(fn, (x,), atol=1e-3, rtol=0, raise_exception=False),
            )
        )
        with pytest.raises(gradcheck_error(lib)) as caught:
            lib.autograd.gradcheck(fn, (x,))
        messages.append(str(caught.value))
    assert outcomes[0] == (True, False, False)
    assert outcomes[0] == outcomes[1]
    assert messages[0].startswith("Jacobian mismatch for output 0 with respect to input 0,\n")
    assert messages[0] == messages[1]
