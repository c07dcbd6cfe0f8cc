"""Autograd parity with torch: every differentiable op's gradients, node names and edges.

Each case runs the same code on picotorch and torch (``parity.check_grad``): inputs that
require grad, the same random upstream gradient, then the outputs, ``grad_fn`` names (and
those of ``next_functions``) and every input's ``.grad`` must agree — values, shape, dtype.
Edge cases are where formulas usually go wrong: kinks (relu, abs, clamp at 0 or at a bound),
ties (max/min), zeros (pow, sqrt, prod), tiny divisors, broadcasting, Python-number operands.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from parity import NoGrad, check, check_grad

import picotorch

F32, F64 = np.float32, np.float64
rng = np.random.default_rng(1234)


def randn(*shape: int, dtype: Any = F64) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def positive(*shape: int, dtype: Any = F64) -> np.ndarray:
    return (rng.random(shape) + 0.5).astype(dtype)


def arr(values: Any, dtype: Any = F64) -> np.ndarray:
    return np.array(values, dtype=dtype)


# ---------------------------------------------------------------------- pointwise
BINARY = {
    "add": lambda t, a, b: a + b,
    "add_alpha": lambda t, a, b: t.add(a, b, alpha=2),
    "add_alpha_float": lambda t, a, b: t.add(a, b, alpha=-0.5),
    "sub": lambda t, a, b: a - b,
    "sub_alpha": lambda t, a, b: t.sub(a, b, alpha=3),
    "mul": lambda t, a, b: a * b,
    "div": lambda t, a, b: a / b,
    "maximum": lambda t, a, b: t.maximum(a, b),
    "minimum": lambda t, a, b: t.minimum(a, b),
    "max_binary": lambda t, a, b: t.max(a, b),
    "min_binary": lambda t, a, b: t.min(a, b),
    "pow": lambda t, a, b: t.abs(a) ** b,
    "remainder": lambda t, a, b: a % b,
    "where": lambda t, a, b: t.where(a > b, a, b),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", BINARY)
def test_binary_same_shape(name: str, dtype: Any) -> None:
    check_grad(BINARY[name], randn(3, 4, dtype=dtype), randn(3, 4, dtype=dtype))


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize(
    "shapes", [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (2, 3)), ((4,), ())]
)
def test_binary_broadcast(name: str, shapes: tuple[tuple[int, ...], ...]) -> None:
    check_grad(BINARY[name], randn(*shapes[0]), randn(*shapes[1]))


@pytest.mark.parametrize("name", BINARY)
def test_binary_one_input_needs_grad(name: str) -> None:
    check_grad(BINARY[name], randn(3, 4), NoGrad(randn(3, 4)))
    check_grad(BINARY[name], NoGrad(randn(4)), randn(3, 4))


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "maximum", "pow", "where"])
def test_binary_mixed_dtypes(name: str) -> None:
    """float32 with float64: each input's gradient comes back in its own dtype."""
    check_grad(BINARY[name], randn(3, 4, dtype=F32), randn(4, dtype=F64))


NUMBER = {
    "x+2": lambda t, x: x + 2,
    "2+x": lambda t, x: 2 + x,
    "add(2,x)": lambda t, x: t.add(2, x),
    "add(x,2,alpha)": lambda t, x: t.add(x, 2, alpha=3),
    "x-2.5": lambda t, x: x - 2.5,
    "2-x": lambda t, x: 2 - x,
    "x*3": lambda t, x: x * 3,
    "3*x": lambda t, x: 3 * x,
    "mul(3,x)": lambda t, x: t.mul(3, x),
    "x/4": lambda t, x: x / 4,
    "2/x": lambda t, x: 2 / x,
    "x**2": lambda t, x: x**2,
    "x**3": lambda t, x: x**3,
    "x**0.5": lambda t, x: t.abs(x) ** 0.5,
    "x**-1.5": lambda t, x: t.abs(x) ** -1.5,
    "x**0": lambda t, x: x**0,
    "x**1": lambda t, x: x**1,
    "2**x": lambda t, x: 2**x,
    "0.5**x": lambda t, x: 0.5**x,
    "x%1.5": lambda t, x: x % 1.5,
    "where(x,0)": lambda t, x: t.where(x > 0, x, 0.0),
    "where(0,x)": lambda t, x: t.where(x > 0, 0.0, x),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", NUMBER)
def test_with_python_number(name: str, dtype: Any) -> None:
    check_grad(NUMBER[name], randn(2, 3, dtype=dtype))


def test_reverse_operators_record_the_tensor_first() -> None:
    """``2 + x`` is ``x.__radd__(2)``: torch records (x, 2), unlike ``torch.add(2, x)``."""
    for name in ("2+x", "3*x"):
        check_grad(NUMBER[name], randn(3))


def test_rsub_of_number() -> None:
    check_grad(lambda t, x: 2 - x, randn(3))


def test_number_remainder_tensor_has_no_derivative() -> None:
    check_grad(lambda t, x: 2 % x, positive(3), raises=RuntimeError, match="not implemented")


UNARY = {
    "neg": lambda t, x: -x,
    "abs": lambda t, x: t.abs(x),
    "sign": lambda t, x: t.sign(x),
    "exp": lambda t, x: t.exp(x),
    "log": lambda t, x: t.log(t.abs(x)),
    "log1p": lambda t, x: t.log1p(t.abs(x) - 0.5),
    "sqrt": lambda t, x: t.sqrt(t.abs(x)),
    "sin": lambda t, x: t.sin(x),
    "cos": lambda t, x: t.cos(x),
    "tanh": lambda t, x: t.tanh(x),
    "sigmoid": lambda t, x: t.sigmoid(x),
    "relu": lambda t, x: t.relu(x),
    "reciprocal": lambda t, x: t.reciprocal(x),
    "clamp": lambda t, x: t.clamp(x, -0.5, 0.5),
    "clamp_min": lambda t, x: t.clamp(x, min=0.0),
    "clamp_max": lambda t, x: x.clamp(max=0.25),
    "square": lambda t, x: x * x,
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", UNARY)
def test_unary(name: str, dtype: Any) -> None:
    check_grad(UNARY[name], randn(3, 4, dtype=dtype))


@pytest.mark.parametrize("name", UNARY)
def test_unary_noncontiguous_and_0d(name: str) -> None:
    check_grad(lambda t, x: UNARY[name](t, x.t()), randn(3, 4))
    check_grad(UNARY[name], randn())


# values exactly at kinks, ties and zeros, plus infinities and NaN
EDGES = arr([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-30, -1e-30, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize(
    "name",
    [
        "neg",
        "abs",
        "sign",
        "exp",
        "sqrt",
        "sin",
        "tanh",
        "sigmoid",
        "relu",
        "reciprocal",
        "clamp",
        "clamp_min",
        "clamp_max",
    ],
)
def test_unary_at_edges(name: str, dtype: Any) -> None:
    check_grad(UNARY[name], EDGES.astype(dtype))


@pytest.mark.parametrize("dtype", [F32, F64])
def test_binary_at_edges(dtype: Any) -> None:
    """Every pair of edge values: ties for maximum/minimum, zeros and infinities for div/pow."""
    a, b = np.meshgrid(EDGES, EDGES)
    for name in ("add", "sub", "mul", "div", "maximum", "minimum", "where"):
        check_grad(BINARY[name], a.astype(dtype), b.astype(dtype))
    check_grad(lambda t, x, y: x**y, a.astype(dtype), b.astype(dtype))


@pytest.mark.parametrize("dtype", [F32, F64])
def test_pow_at_zero(dtype: Any) -> None:
    x = arr([0.0, 0.0, 0.0, 0.0, 2.0, -2.0], dtype)
    y = arr([0.0, 1.0, 2.0, -1.0, 0.0, 3.0], dtype)
    check_grad(lambda t, x, y: x**y, x, y)
    for e in (0, 0.0, 1, 2, 0.5, -1, 3):
        check_grad(lambda t, x, e=e: x**e, x)
    for n in (0, 0.0, 2, 0.5, -2.0):
        check_grad(lambda t, y, n=n: n**y, y)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_division_by_tiny_values(dtype: Any) -> None:
    tiny = np.finfo(dtype).tiny
    b = arr([tiny, -tiny, 1e-20, 1e-170, 3.0], dtype)
    a = arr([1e-30, 1.0, 1e-300, 1e-300, 1.0], dtype)
    check_grad(lambda t, a, b: a / b, a, b)
    check_grad(lambda t, b: 1 / b, b)
    check_grad(lambda t, b: t.reciprocal(b), b)


def test_relu_and_abs_kinks() -> None:
    x = arr([-1.0, 0.0, -0.0, 1.0, np.nan])
    check_grad(lambda t, x: t.relu(x), x)
    check_grad(lambda t, x: t.abs(x), x)
    check_grad(lambda t, x: x.relu().relu(), x)


def test_clamp_at_bounds_number() -> None:
    x = arr([-2.0, -1.0, 0.0, 1.0, 2.0, np.nan])
    check_grad(lambda t, x: t.clamp(x, -1.0, 1.0), x)
    check_grad(lambda t, x: t.clamp(x, 1.0, -1.0), x)  # min > max: everything becomes max
    check_grad(lambda t, x: t.clamp(x, 0.0, 0.0), x)


def test_an_operator_hands_a_numpy_uint64_beyond_int64_back_to_numpy() -> None:
    """torch can't read it as a number, so ``+`` returns NotImplemented and NumPy adds."""
    for lib in (picotorch, torch):
        result = lib.zeros(2) + np.uint64(2**63)
        assert type(result) is np.ndarray and result.tolist() == [2.0**63] * 2


def test_clamp_of_bools_by_a_float_and_a_uint64_number() -> None:
    """The numbers promote to float first: no bool meets the uint64 (``bool + 2**63`` can't)."""
    check(lambda L, x: x.clamp(0.5, 2**63), np.array([True, False]))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64", "bool"])
@pytest.mark.parametrize(
    "write",
    [
        lambda L, x: x.clamp_(0.5, 3.5),
        lambda L, x: x.clamp_(max=2.5),
        lambda L, x: L.clamp(x, 0.5, out=x),
        lambda L, x: x.clamp_(L.tensor(0.5), L.tensor(3.5)),  # (tensor bounds: the dtype's name)
    ],
)
def test_clamp_of_integers_by_floats_in_place_is_refused_in_torchs_words(
    write: Callable[..., Any], dtype: str
) -> None:
    # number bounds: torch's message names the C type (``long int``), tensor bounds the dtype
    check(write, np.ones(2, dtype), raises=RuntimeError, same_message=True)


@pytest.mark.parametrize("bounds", [(math.nan, 1e300), (1e300, math.nan), (math.nan, 1.0)])
def test_clamp_with_a_nan_bound_fills_nan(bounds: tuple[float, float]) -> None:
    """Two number bounds, one NaN: torch fills NaN without converting the other bound (1e300
    fits no float32, and is no error here)."""
    check_grad(lambda L, x: x.clamp(*bounds), np.linspace(-1, 3, 6, dtype=np.float32))


@pytest.mark.parametrize(
    "bounds",
    [{"min": 1 + 0j}, {"max": 2 + 0j}, {"min": np.complex64(1j)}, {"min": np.complex64(1 + 1j)}],
)
def test_clamp_takes_a_real_complex_bound(bounds: dict[str, Any]) -> None:
    """A Python complex bound is taken if it is real (torch converts it to double); NumPy's
    complex64 is read as a float, its real part. (Not for a tensor that requires grad: torch's
    backward then compares x with the complex bound, which it can't.)"""
    check(lambda L, x: x.clamp(**bounds), np.linspace(-1, 3, 6, dtype=np.float32))


@pytest.mark.parametrize(
    ("lo", "hi"),
    [
        ([-1.0, -1, -1, -1, -1, -1], [1.0, 1, 1, 1, 1, 1]),
        ([0.0, 0, 0, 0, 0, 0], [0.0, 0, 0, 0, 0, 0]),  # min == max
        ([1.0, 1, 1, 1, 1, 1], [-1.0, -1, -1, -1, -1, -1]),  # min > max
        ([-2.0, -1, 0, 1, 2, 0], [2.0, 1, 0, -1, -2, 0]),
    ],
)
def test_clamp_with_tensor_bounds(lo: list[float], hi: list[float]) -> None:
    x = arr([-2.0, -1.0, 0.0, 1.0, 2.0, 0.5])
    check_grad(lambda t, x, lo, hi: t.clamp(x, lo, hi), x, arr(lo), arr(hi))
    check_grad(lambda t, x, lo: t.clamp(x, min=lo), x, arr(lo))
    check_grad(lambda t, x, hi: t.clamp(x, max=hi), x, arr(hi))
    check_grad(lambda t, x, lo, hi: t.clamp(x, lo, hi), NoGrad(x), arr(lo), NoGrad(arr(hi)))


def test_clamp_broadcast_bounds() -> None:
    check_grad(lambda t, x, lo, hi: t.clamp(x, lo, hi), randn(3, 4), randn(4) - 1, randn(3, 1) + 1)


def test_maximum_minimum_ties_share_the_gradient() -> None:
    a = arr([1.0, 2.0, 3.0, np.nan, 1.0])
    b = arr([1.0, 1.0, 4.0, 1.0, np.nan])
    check_grad(lambda t, a, b: t.maximum(a, b), a, b)
    check_grad(lambda t, a, b: t.minimum(a, b), a, b)
    check_grad(lambda t, a: t.maximum(a, a), a)


def test_remainder_forms() -> None:
    check_grad(lambda t, a, b: a % b, randn(3, 4), positive(4))
    check_grad(lambda t, a: a % 0.7, randn(3, 4))
    check_grad(lambda t, a, b: t.remainder(a, b), NoGrad(randn(3)), positive(3))


def test_shared_input_accumulates() -> None:
    check_grad(lambda t, x: x * x + t.sin(x) * x - x / (x * x + 1), randn(5))
    check_grad(lambda t, x, y: (x + y) * (x - y) / y.exp(), randn(2, 3), randn(3))


def test_inplace_ops_rebase() -> None:
    def fn(t: Any, x: Any) -> Any:
        y = x * 2
        y.add_(1)
        y.mul_(x)
        return y.relu_()

    check_grad(fn, randn(4))


INPLACE_UNARY = {
    "neg_": lambda y: y.neg_(),
    "abs_": lambda y: y.abs_(),
    "sign_": lambda y: y.sign_(),
    "exp_": lambda y: y.exp_(),
    "log_": lambda y: y.abs_().log_(),
    "log1p_": lambda y: y.abs_().log1p_(),
    "sqrt_": lambda y: y.abs_().sqrt_(),
    "sin_": lambda y: y.sin_(),
    "cos_": lambda y: y.cos_(),
    "tanh_": lambda y: y.tanh_(),
    "sigmoid_": lambda y: y.sigmoid_(),
    "reciprocal_": lambda y: y.reciprocal_(),
    "clip_": lambda y: y.clip_(-0.5, 0.5),
    "relu_": lambda y: y.relu_(),
}


@pytest.mark.parametrize("name", INPLACE_UNARY)
def test_inplace_unary_ops(name: str) -> None:
    """On a copy, and on a view of it (the base's history takes the write: CopySlices)."""
    op = INPLACE_UNARY[name]
    check_grad(lambda t, x: op(x * 2), randn(3, 4))

    def through_view(t: Any, x: Any) -> Any:
        y = x * 2
        op(y[:, 1:])
        return y

    check_grad(through_view, randn(3, 4), depth=2)


@pytest.mark.parametrize("op", ["**", "%", "//"])
def test_augmented_assignment_is_in_place(op: str) -> None:
    """``y **= 2`` writes into y (torch's __ipow__): through a view, the base sees it; ``//``
    has no derivative, and torch's message names the in-place op (aten::floor_divide_)."""

    def fn(t: Any, x: Any) -> Any:
        y = x * 1
        row = y[1]
        scope = {"row": row}
        exec(f"row {op}= 2", scope)
        assert scope["row"] is row
        return y

    raises = RuntimeError if op == "//" else None
    check_grad(fn, randn(3, 4), raises=raises, match=raises and "aten::floor_divide_ is not")


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "maximum", "pow", "where"])
def test_binary_second_order(name: str) -> None:
    check_grad(BINARY[name], randn(3, 4), randn(4), second_order=True)


@pytest.mark.parametrize(
    "name",
    [
        "abs",
        "exp",
        "log",
        "log1p",
        "sqrt",
        "sin",
        "cos",
        "tanh",
        "sigmoid",
        "relu",
        "reciprocal",
        "clamp",
        "square",
    ],
)
def test_unary_second_order(name: str) -> None:
    check_grad(UNARY[name], randn(3, 4), second_order=True)


@pytest.mark.parametrize("name", ["x**3", "x**-1.5", "2**x", "2/x", "x/4", "2-x"])
def test_number_second_order(name: str) -> None:
    check_grad(NUMBER[name], randn(5), second_order=True)


# ---------------------------------------------------------------------- reductions
REDUCTIONS = {
    "sum": lambda t, x: x.sum(),
    "sum_dim": lambda t, x: x.sum(1),
    "sum_dims_keep": lambda t, x: x.sum((0, 2), keepdim=True),
    "sum_neg_dim": lambda t, x: t.sum(x, -1),
    "sum_all_keep": lambda t, x: x.sum(dim=None, keepdim=True),  # SumBackward1, not 0
    "mean": lambda t, x: x.mean(),
    "mean_dim": lambda t, x: x.mean(0),
    "mean_dims_keep": lambda t, x: x.mean([1, 2], keepdim=True),
    "mean_all_keep": lambda t, x: x.mean(dim=None, keepdim=True),  # MeanBackward1, not 0
    "prod": lambda t, x: x.prod(),
    "prod_dim": lambda t, x: x.prod(1),
    "prod_dim_keep": lambda t, x: x.prod(-1, keepdim=True),
    "max": lambda t, x: x.max(),
    "min": lambda t, x: x.min(),
    "max_dim": lambda t, x: x.max(1),
    "min_dim_keep": lambda t, x: x.min(-1, keepdim=True),
    "max_dim_values": lambda t, x: t.max(x, 0).values * 2,
    "std": lambda t, x: x.std(),
    "var": lambda t, x: x.var(),
    "std_dim": lambda t, x: x.std(1),
    "var_dims_keep": lambda t, x: x.var((0, 2), keepdim=True),
    "var_unbiased_false": lambda t, x: x.var(1, False),
    "std_correction_0": lambda t, x: x.std(dim=-1, correction=0),
    "var_correction_2": lambda t, x: x.var(correction=2),
    "std_positional": lambda t, x: t.std(x, 2, True, True),
    "std_unbiased_kw": lambda t, x: x.std(unbiased=False),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction(name: str, dtype: Any) -> None:
    check_grad(REDUCTIONS[name], randn(2, 3, 4, dtype=dtype))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_noncontiguous(name: str) -> None:
    check_grad(lambda t, x: REDUCTIONS[name](t, x.permute(2, 0, 1)), randn(2, 3, 4))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: x.sum(),
        lambda t, x: x.sum(0),
        lambda t, x: x.mean(),
        lambda t, x: x.prod(),
        lambda t, x: x.prod(0),
        lambda t, x: x.max(),
        lambda t, x: x.max(0),
        lambda t, x: x.min(-1, keepdim=True),
        lambda t, x: x.std(),
        lambda t, x: x.var(0),
        lambda t, x: x.var(correction=0),
    ],
)
def test_reduction_of_0d(fn: Any) -> None:
    check_grad(fn, randn())


@pytest.mark.parametrize("dtype", [F32, F64])
def test_prod_with_zeros(dtype: Any) -> None:
    one_zero = arr([[2.0, 0.0, 3.0], [1.5, -2.0, 4.0], [0.0, 0.0, 5.0]], dtype)
    for fn in (
        lambda t, x: x.prod(),
        lambda t, x: x.prod(0),
        lambda t, x: x.prod(1),
        lambda t, x: x.prod(1, keepdim=True),
        lambda t, x: x[1:].prod(),  # exactly one zero in all
        lambda t, x: x[:2].prod(),
        lambda t, x: x[:2, 1:].prod(),
    ):
        check_grad(fn, one_zero)
    check_grad(lambda t, x: x.prod(), arr([0.0, 0.0, 2.0], dtype))
    check_grad(lambda t, x: x.prod(dtype=t.float64), arr([1.0, 0.0, 3.0], F32))


@pytest.mark.parametrize("dtype", [F32, np.float16])
@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: x.prod(0),
        lambda t, x: x.prod(-1, keepdim=True),
        lambda t, x: x.t().prod(1),
        lambda t, x: x[1:].prod(),  # (no zero in it: result / x)
        lambda t, x: x[:, 1:].prod(),  # (one zero in all)
        lambda t, x: x.prod(),  # (two: zeros, as torch)
    ],
)
def test_prod_gradients_round_as_torchs(fn: Any, dtype: Any) -> None:
    # with a zero in the tensor torch multiplies the products before and after each element,
    # each a running product: last bits differ from other ways to compute the same product
    x = (np.arange(24) / 23 + 0.01).reshape(4, 6).astype(dtype)
    x[0, 0] = x[2, 3] = 0
    check_grad(fn, x, rtol=0, atol=0)


def test_prod_with_zeros_second_order() -> None:
    x = arr([[2.0, 0.0, 3.0], [1.5, -2.0, 4.0], [0.5, 1.0, 5.0]])
    check_grad(lambda t, x: x.prod(), x[1:], second_order=True)
    check_grad(lambda t, x: x.prod(1), x, second_order=True)
    check_grad(lambda t, x: x.prod(), arr([2.0, 0.0, 3.0, 0.5]), second_order=True)
    two_zeros = arr([[2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 2.0, 0.5, 0.0]])
    check_grad(lambda t, x: x.prod(1), two_zeros, second_order=True)
    check_grad(lambda t, x: x.prod(0), two_zeros, second_order=True)
    check_grad(lambda t, x: x[0].prod(), two_zeros, second_order=True)


def test_max_min_ties_share_the_gradient_evenly() -> None:
    x = arr([[1.0, 3.0, 3.0], [3.0, -1.0, -1.0]])
    check_grad(lambda t, x: x.max(), x)
    check_grad(lambda t, x: x.min(), x)
    check_grad(lambda t, x: t.max(x), arr([2.0, 2.0, 2.0, 2.0]))


def test_max_min_with_dim_pick_one_element_per_slice() -> None:
    x = arr([[1.0, 3.0, 3.0], [3.0, -1.0, -1.0]])
    for fn in (
        lambda t, x: x.max(1),
        lambda t, x: x.max(0),
        lambda t, x: x.min(1),
        lambda t, x: x.min(0, keepdim=True),
    ):
        check_grad(fn, x)


@pytest.mark.parametrize(
    "call",
    [
        lambda t, x: x.max(dim=t.tensor(1)),
        lambda t, x: t.min(x, axis=t.tensor(0), keepdim=True),
        lambda t, x: x.max(dim=t.tensor([1])),
        lambda t, x: x.min(dim=t.tensor(1.0)),
        lambda t, x: t.max(x, dim=t.tensor(True)),
        lambda t, x: x.max(t.tensor(1.0)),
    ],
)
def test_max_min_read_a_tensor_given_by_name_as_dim(call: Any) -> None:
    """By name, a tensor is ``dim`` (a 0-d integer one) or torch's TypeError; only in dim's
    position is it the elementwise ``other``."""
    check_grad(call, arr([[1.0, 3.0, 3.0], [3.0, -1.0, -1.0]]))


def test_max_min_with_nan() -> None:
    x = arr([1.0, np.nan, 3.0, np.nan])
    check_grad(lambda t, x: x.max(), x)
    check_grad(lambda t, x: x.min(), x)
    check_grad(lambda t, x: x.max(0), x)


def test_indices_of_max_have_no_grad() -> None:
    def fn(t: Any, x: Any) -> Any:
        values, indices = x.max(1)
        return values.requires_grad, indices.requires_grad, indices.grad_fn is None

    check_grad(fn, randn(3, 4))


def test_std_var_degenerate() -> None:
    """N - correction <= 0: torch's gradient is nan where x equals the mean, inf elsewhere."""
    for fn in (
        lambda t, x: x.var(correction=3),
        lambda t, x: x.std(correction=3),
        lambda t, x: x.var(1, correction=2),
        lambda t, x: x.std(1, correction=2),
    ):
        check_grad(fn, arr([[1.0, 2.0], [4.0, 4.0]]))
    check_grad(lambda t, x: x.var(), arr([2.0]))
    check_grad(lambda t, x: x.std(), arr([2.0, 2.0, 2.0]))  # std 0: a zero gradient
    check_grad(lambda t, x: x.std(0), arr([[2.0, 1.0], [2.0, 3.0]]))


HALF = np.float16


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: x.mean(),
        lambda t, x: x.mean(1),
        lambda t, x: x.mean((0, 1), keepdim=True),
        lambda t, x: x.sum() / 4,
        lambda t, x: x.prod(),  # torch rounds each product to half: 300 * 300 overflows
        lambda t, x: x.prod(1),
        lambda t, x: x.prod(0, keepdim=True),
    ],
)
def test_half_reductions_round_as_torch(fn: Any) -> None:
    """float16 sums and means accumulate in float32 and round once: the mean of values near
    the largest half (65504) is no inf, though their sum is."""
    check_grad(fn, arr([[60000.0, 60000.0], [300.0, 300.0]], HALF))
    check_grad(fn, arr([[300.0, 300.0, 0.01], [0.5, -2.0, 1.5]], HALF))


def test_half_mean_with_dtype_and_long_prod() -> None:
    check_grad(lambda t, x: x.mean(1, dtype=t.float16), NoGrad(arr([[60000.0, 60000.0]], F32)))
    # fewer than 64 products: torch multiplies one after the other, rounding each to half
    close_to_one = (1 + rng.uniform(-0.03, 0.03, (3, 40))).astype(HALF)
    check_grad(lambda t, x: x.prod(1), close_to_one)
    check_grad(lambda t, x: x.prod(0), close_to_one.T.copy())


@pytest.mark.parametrize(
    "name",
    [
        "sum_dim",
        "mean_dims_keep",
        "prod",
        "prod_dim",
        "max",
        "max_dim",
        "std",
        "std_dim",
        "var_dims_keep",
        "var_correction_2",
    ],
)
def test_reduction_second_order(name: str) -> None:
    check_grad(REDUCTIONS[name], randn(2, 3, 4), second_order=True)


# ---------------------------------------------------------------------- matrix products
MATMUL_SHAPES = [
    ((3,), (3,)),  # dot
    ((2, 3), (3,)),  # mv
    ((3,), (3, 4)),  # unsqueeze, mm, squeeze_
    ((2, 3), (3, 4)),  # mm
    ((2, 5, 3), (3, 4)),  # folded into one mm
    ((2, 5, 3), (3,)),  # folded into one mv
    ((2, 3, 5, 3), (3, 4)),
    ((5, 3), (2, 3, 4)),  # folded the other way round, then transposed back
    ((3,), (2, 3, 4)),
    ((2, 5, 3), (2, 3, 4)),  # bmm
    ((2, 1, 5, 3), (4, 3, 2)),  # broadcast batches
    ((2, 5, 3), (1, 3, 4)),  # a batch of one is squeezed
    ((1, 5, 3), (2, 3, 4)),
    ((3, 2, 5, 3), (2, 3, 1)),
    ((2, 2, 3), (3,)),
]


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes: tuple[tuple[int, ...], ...], dtype: Any) -> None:
    a, b = randn(*shapes[0], dtype=dtype), randn(*shapes[1], dtype=dtype)
    check_grad(lambda t, a, b: a @ b, a, b, depth=8)
    check_grad(lambda t, a, b: t.matmul(a, b), a, NoGrad(b), depth=8)
    check_grad(lambda t, a, b: a.matmul(b), NoGrad(a), b, depth=8)


def transposed_matmul(t: Any, a: Any, b: Any) -> Any:
    return a.permute(*range(a.ndim)[::-1]) @ b.permute(*range(b.ndim)[::-1])


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_noncontiguous(shapes: tuple[tuple[int, ...], ...]) -> None:
    """Transposed operands: torch's choice between folding and bmm depends on the strides,
    and reshape records ReshapeAliasBackward0 for a non-contiguous input it can view."""
    a, b = randn(*shapes[0][::-1]), randn(*shapes[1][::-1])
    check_grad(transposed_matmul, a, b, depth=8)
    check_grad(transposed_matmul, NoGrad(a), b, depth=8)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_second_order(shapes: tuple[tuple[int, ...], ...]) -> None:
    check_grad(lambda t, a, b: a @ b, randn(*shapes[0]), randn(*shapes[1]), second_order=True)


def test_products_called_directly() -> None:
    check_grad(lambda t, a, b: t.mm(a, b), randn(2, 3), randn(3, 4))
    check_grad(lambda t, a, b: t.bmm(a, b), randn(2, 3, 4), randn(2, 4, 5))
    check_grad(lambda t, a, b: a.bmm(b), randn(2, 3, 4), NoGrad(randn(2, 4, 5)))
    check_grad(lambda t, a, b: t.mv(a, b), randn(2, 3), randn(3))
    check_grad(lambda t, a, b: a.mv(b), NoGrad(randn(2, 3)), randn(3))
    check_grad(lambda t, a, b: t.dot(a, b), randn(3), randn(3))
    check_grad(lambda t, a, b: a.dot(b), randn(3), NoGrad(randn(3)))
    check_grad(lambda t, a, b: t.mm(a.t(), b.t()), randn(3, 2), randn(4, 3))


ONE_TERM_SHAPES = [((3, 1), (1, 4)), ((1, 1), (1, 1)), ((1, 1), (1, 3)), ((3, 1), (1, 1))]


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shapes", ONE_TERM_SHAPES, ids=str)
def test_products_of_one_term_keep_torch_signs_of_zero(shapes: Any, dtype: Any) -> None:
    # an inner size of 1 (a batch of one, in a Linear's weight gradient): -0. products stay
    # -0. in torch's matrix products, unless they are a row or a column (1 / x tells them apart)
    m, n = shapes[0][0], shapes[1][1]
    a = np.where(np.arange(m)[:, None] % 2 == 0, -1.0, 2.0).astype(dtype)
    b = np.where(np.arange(n)[None] % 2 == 0, 0.0, 3.0).astype(dtype)
    check(lambda t, a, b: 1 / (a @ b), a, b)
    check(lambda t, a, b: 1 / t.addmm(t.zeros(m, n, dtype=a.dtype), a, b), a, b)
    check(lambda t, a, b: 1 / (a[0] @ b), a, b)
    check(lambda t, a, b: 1 / a[:, 0].dot(b[0, :1]), a, b)

    def weight_gradient(t: Any, a: Any, b: Any) -> Any:
        w = t.ones(m, n, dtype=a.dtype, requires_grad=True)  # a Linear(n, m), a batch of one
        t.nn.functional.linear(b, w).backward(a.t())
        return 1 / w.grad

    check(weight_gradient, a, b)


@pytest.mark.parametrize(("m", "k", "n"), [(5, 8, 1), (5, 8, 3), (3, 1, 4), (1, 1, 1), (7, 33, 5)])
def test_half_addmm_rounds_once(m: int, k: int, n: int) -> None:
    # torch sums a half product in float32, scales and biases it there, and rounds once (a
    # Linear of half); its K = 1 products are added to 0., so no -0. comes out of them
    rng = np.random.default_rng(k)
    a = np.round(rng.standard_normal((m, k)), 1).astype(np.float16)
    a[0] = 0.0
    b, bias = rng.standard_normal((k, n)).astype(np.float16), np.full(n, 0.1, np.float16)
    check(lambda t, a, b, c: t.addmm(c, a, b, beta=0.5, alpha=1.5), a, b, bias, rtol=0, atol=0)
    check(lambda t, a, b, c: t.nn.functional.linear(a, b.t(), c), a, b, bias, rtol=0, atol=0)
    check(lambda t, a, b: 1 / (a @ -b), a, b, rtol=0, atol=0)


def test_products_called_directly_second_order() -> None:
    check_grad(lambda t, a, b: t.bmm(a, b), randn(2, 3, 4), randn(2, 4, 5), second_order=True)
    check_grad(lambda t, a, b: t.mv(a, b), randn(2, 3), randn(3), second_order=True)
    check_grad(lambda t, a, b: t.dot(a, b), randn(3), randn(3), second_order=True)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, b, o: t.mm(a, b, out=o),
        lambda t, a, b, o: t.matmul(a, b, out=o),
        lambda t, a, b, o: t.matmul(a[0], b, out=o),
        lambda t, a, b, o: t.bmm(a[None], b[None], out=o),
        lambda t, a, b, o: t.mv(a, b[:, 0], out=o),
        lambda t, a, b, o: t.dot(a[0], b[:, 0], out=o),
    ],
)
def test_products_with_out_refuse_grad(fn: Any) -> None:
    check_grad(
        lambda t, a, b, o: fn(t, a, b, o),
        randn(2, 3),
        randn(3, 2),
        NoGrad(randn(2, 2)),
        raises=RuntimeError,
        match="don't support automatic differentiation",
    )


def test_matmul_shape_errors_with_grad() -> None:
    for shapes in [
        ((2, 3), (4,)),
        ((3,), (4, 2)),
        ((2, 5, 3), (4, 2)),
        ((2, 5, 3), (2, 4, 2)),
        ((2, 5, 3), (3, 3, 2)),
        ((3,), (2,)),
    ]:
        check_grad(lambda t, a, b: a @ b, randn(*shapes[0]), randn(*shapes[1]), raises=RuntimeError)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"p": 1},
        {"p": float("inf")},
        {"dim": 1},
        {"p": 3, "dim": 0, "keepdim": True},
        {"p": "fro"},
        {"dim": (0, 1)},
        {"p": 0.5, "dim": -1},
        {"p": 1.5},  # (1 < p < 2 and p < 1: a zero element has a zero gradient)
        {"p": -float("inf")},
        {"keepdim": True},
        {"p": None},
        {"p": 0},  # (no gradient at all: torch's backward gives None, not zeros)
        {"p": 0, "dim": 1},
    ],
    ids=str,
)
def test_norm(options: dict[str, Any]) -> None:
    # (PyTorch's 60-minute blitz loops `while y.data.norm() < 1000`) recorded as torch records
    # it, LinalgVectorNormBackward0; a row of zeros has a zero gradient
    x = np.array([[3.0, -4.0, 0.5], [0.0, 0.0, 0.0], [1.0, 0.0, -2.0]], np.float32)
    check_grad(lambda L, t: t.norm(**options), x)
    check_grad(lambda L, t: L.norm(t), x)


@pytest.mark.parametrize(
    "options", [{"p": float("inf")}, {"p": -float("inf"), "dim": 1}, {"p": float("inf"), "dim": 0}]
)
def test_extreme_norm_of_nan(options: dict[str, Any]) -> None:
    # torch counts a NaN among the extremes: its gradient is its sign, 0 (picotorch's was NaN)
    x = np.array([[np.nan, 1.0, -3.0], [2.0, np.nan, 3.0]], np.float32)
    check_grad(lambda L, t: t.norm(**options), x)


def test_norm_of_integers_is_refused() -> None:
    check(lambda L: L.tensor([1, 2]).norm(), raises=RuntimeError, same_message=True)
    check(lambda L: L.zeros(0).norm(float("inf")), raises=RuntimeError, same_message=True)


@pytest.mark.parametrize(
    ("shape", "options"),
    [
        ((0,), {}),
        ((0,), {"p": 1}),
        ((0,), {"p": 3}),
        ((0,), {"p": 0}),
        ((0, 3), {"dim": 0}),
        ((0, 3), {"dim": 1, "keepdim": True}),
        ((0, 3), {"p": float("inf"), "dim": 1}),  # (a max of no element: over 0 rows only)
        ((0, 3), {"p": -1, "dim": 1}),
        ((2, 0, 3), {"p": "fro", "dim": (0, 2)}),
        ((2, 0, 3), {"p": -2.5, "dim": (0, 2), "keepdim": True}),
    ],
    ids=str,
)
def test_norm_of_nothing(shape: tuple[int, ...], options: dict[str, Any]) -> None:
    # sums of no element are 0: so are their roots, and their gradients are empty
    check_grad(lambda L, t: t.norm(**options), np.zeros(shape, np.float32))


NOTHING_OPS = {
    "softmax": lambda L, t: t.softmax(0),
    "softmax-last": lambda L, t: t.softmax(-1),
    "log_softmax": lambda L, t: L.nn.functional.log_softmax(t, dim=-1),
    "mse_loss": lambda L, t: L.nn.functional.mse_loss(t, t.detach() + 1),
    "mse_loss-sum": lambda L, t: L.nn.functional.mse_loss(t, t.detach() + 1, reduction="sum"),
    "mse_loss-none": lambda L, t: L.nn.functional.mse_loss(t, t.detach(), reduction="none"),
}


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 3)], ids=str)
@pytest.mark.parametrize("name", NOTHING_OPS)
def test_gradients_of_nothing(name: str, shape: tuple[int, ...]) -> None:
    # (picotorch's softmax backward could not lay out a row of no element, and mse_loss's
    # mean divided by 0 elements)
    check_grad(NOTHING_OPS[name], np.zeros(shape, np.float32))


@pytest.mark.parametrize(
    ("shape", "options"),
    [
        ((0,), {"p": -1}),
        ((0,), {"p": -0.5}),
        ((0,), {"p": -float("inf")}),
        ((0,), {"p": -1, "dim": 0}),
        ((0, 3), {"p": -1, "dim": -2}),
        ((0, 3), {"p": float("inf"), "dim": 0}),
        ((2, 0, 3), {"p": -1, "dim": (2, 1)}),
        ((2, 0, 3), {"p": -1, "dim": ()}),
    ],
    ids=str,
)
def test_norm_without_an_identity_of_nothing_is_refused(
    shape: tuple[int, ...], options: dict[str, Any]
) -> None:
    check(lambda L: L.zeros(shape).norm(**options), raises=RuntimeError, same_message=True)


def test_half_norm_accumulates_in_float32() -> None:
    check(lambda L: L.tensor([300.0, 4.0], dtype=L.float16).norm())


@pytest.mark.parametrize(
    "options",
    [{}, {"p": 1}, {"p": float("inf")}, {"dim": 1}, {"p": 3, "dim": 0, "keepdim": True}],
    ids=str,
)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_norm_in_a_dtype(options: dict[str, Any], dtype: str) -> None:
    """``dtype=``: computed in that dtype, recorded as one LinalgVectorNormBackward0 (no copy
    node), the gradient in the input's dtype."""
    x = np.array([[3.0, -4.0, 0.5], [0.0, 0.0, 0.0], [1.0, 0.0, -2.0]], np.float32)
    check_grad(lambda L, t: t.norm(**options, dtype=getattr(L, dtype)), x)
    check_grad(lambda L, t: L.norm(t, **options, dtype=getattr(L, dtype)), x)
    check(lambda L: L.norm(L.tensor(x, dtype=L.float16), **options, dtype=getattr(L, dtype)))


@pytest.mark.parametrize(
    "call",
    [
        lambda L: L.norm(L.ones(3), dtype=L.float16),  # narrowing
        lambda L: L.norm(L.ones(3, dtype=L.float64), dtype=L.float32),
        lambda L: L.norm(L.ones(3), dtype=L.int64),
        lambda L: L.norm(L.ones(3, dtype=L.int64), dtype=L.float32),
        lambda L: L.norm(L.ones(3), dtype=L.float64, out=L.empty(())),
        lambda L: L.norm(L.ones(3), dtype="float64"),
    ],
)
def test_norm_dtype_errors(call: Any) -> None:
    check(call, same_message=True)


def test_norm_in_a_dtype_into_out() -> None:
    def fn(L: Any) -> Any:
        out = L.empty((), dtype=L.float64)
        L.norm(L.tensor([3.0, 4.0]), dtype=L.float64, out=out)
        return out

    check(fn)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: x.prod(1),
        lambda t, x: x.prod(),
        lambda t, x: x.var(1),
        lambda t, x: x.std(0),
        lambda t, x: x.norm(3, dim=1),
        lambda t, x: x.norm(float("inf"), dim=1),
        lambda t, x: t.nn.functional.batch_norm(x, None, None, training=True),
        lambda t, x: t.nn.functional.batch_norm(x.t()[None], None, None, training=True),
    ],
)
@pytest.mark.parametrize("dtype", [F32, F64])
def test_inf_and_nan_give_no_numpy_warning(fn: Any, dtype: Any) -> None:
    # (a diverging model's NaN: torch says nothing; NumPy's np.prod and ndarray.mean warned)
    x = np.array([[np.nan, 1.0, -2.0, 0.0], [np.inf, -np.inf, -0.0, 3.0]], dtype)
    check_grad(fn, x)
