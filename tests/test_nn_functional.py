"""torch.nn.functional parity: linear/addmm, softmax/log_softmax, dropout, one_hot, relu & co.

Every case runs the same code on picotorch and torch (``parity.check`` / ``check_grad``): values,
dtypes, shapes, grad_fn names along ``next_functions`` (pages print such chains), gradients,
warnings and errors. Gradients are also checked numerically (gradcheck / gradgradcheck) in both
libraries on tiny float64 inputs.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch
from parity import NoGrad, Raw, check, check_grad, gradcheck_both, graph_names

import picotorch

F32, F64 = np.float32, np.float64
LIBS = (picotorch, torch)
rng = np.random.default_rng(2024)


def randn(*shape: int, dtype: Any = F32) -> np.ndarray:
    return np.asarray(rng.standard_normal(shape), dtype=dtype)


# ---------------------------------------------------------------------- linear
LINEAR_SHAPES = [(4,), (2, 4), (5, 2, 4), (3, 5, 2, 4)]


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape", LINEAR_SHAPES)
@pytest.mark.parametrize("bias", [True, False])
def test_linear_values_graph_and_grads(shape: tuple[int, ...], bias: bool, dtype: Any) -> None:
    b = randn(3, dtype=dtype) if bias else None

    def fn(lib: Any, x: Any, w: Any, *rest: Any) -> Any:
        return lib.nn.functional.linear(x, w, *rest)

    args = (randn(*shape, dtype=dtype), randn(3, 4, dtype=dtype)) + ((b,) if bias else ())
    check_grad(fn, *args, depth=4)
    # the first layer of a network: the input needs no grad
    args = (NoGrad(randn(*shape, dtype=dtype)), randn(3, 4, dtype=dtype)) + ((b,) if bias else ())
    check_grad(fn, *args, depth=4)


def test_linear_chain_as_torch_prints_it() -> None:
    """``loss.grad_fn.next_functions[0][0]`` chains of a two-layer network match torch's."""
    names = []
    for lib in LIBS:
        lib.manual_seed(0)
        x = lib.randn(8, 4)
        w1 = lib.randn(5, 4, requires_grad=True)
        b1 = lib.zeros(5, requires_grad=True)
        w2 = lib.randn(3, 5, requires_grad=True)
        h = lib.nn.functional.relu(lib.nn.functional.linear(x, w1, b1))
        out = lib.nn.functional.linear(h, w2)
        loss = lib.nn.functional.cross_entropy(out, lib.tensor([0, 1, 2, 0, 1, 2, 0, 1]))
        names.append(graph_names(loss.grad_fn, 8))
    assert names[0] == names[1]
    assert names[1][0] == "NllLossBackward0"


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda x: x.t(), (4, 2)),  # a transposed batch: addmm of a TBackward0
        (lambda x: x.permute(1, 0, 2), (4, 2, 4)),  # non-contiguous 3-d: matmul, then add_
        (lambda x: x.permute(1, 0, 2, 3), (2, 2, 2, 4)),  # non-contiguous 4-d
        (lambda x: x[::2], (8,)),  # a non-contiguous vector
    ],
)
def test_linear_noncontiguous_input(make: Any, shape: tuple[int, ...]) -> None:
    def fn(lib: Any, x: Any, w: Any, b: Any) -> Any:
        return lib.nn.functional.linear(make(x), w, b)

    check_grad(fn, randn(*shape), randn(3, 4), randn(3), depth=4)
    check_grad(fn, NoGrad(randn(*shape)), randn(3, 4), randn(3), depth=4)


@pytest.mark.parametrize("bias_shape", [(), (1, 3), (2, 3)])
def test_linear_other_bias_shapes(bias_shape: tuple[int, ...]) -> None:
    def fn(lib: Any, x: Any, w: Any, b: Any) -> Any:
        return lib.nn.functional.linear(x, w, b)

    check_grad(fn, randn(2, 4), randn(3, 4), randn(*bias_shape), depth=3)
    check_grad(fn, randn(5, 2, 4), randn(3, 4), randn(*bias_shape), depth=3)


def test_linear_vector_weight_and_int() -> None:
    check(lambda t, x, w: t.nn.functional.linear(x, w), randn(2, 4), randn(4))
    ints = np.arange(8).reshape(2, 4)
    check(lambda t, x, w, b: t.nn.functional.linear(x, w, b), ints, ints[:1], np.arange(1))


LINEAR_ERRORS = {
    "wrong in_features": (
        (randn(64, 100), randn(512, 784), randn(512)),
        "mat1 and mat2 shapes cannot be multiplied (64x100 and 784x512)",
    ),
    "wrong in_features no bias": (
        (randn(64, 100), randn(512, 784)),
        "mat1 and mat2 shapes cannot be multiplied (64x100 and 784x512)",
    ),
    "wrong in_features 3d": (
        (randn(5, 2, 4), randn(3, 5), randn(3)),
        "mat1 and mat2 shapes cannot be multiplied (10x4 and 5x3)",
    ),
    "wrong in_features 1d": ((randn(4), randn(3, 5)), "(1x4 and 5x3)"),
    "dtype": ((randn(2, 4), randn(3, 4, dtype=F64), randn(3)), "must have the same dtype"),
    "dtype no bias": ((randn(2, 4), randn(3, 4, dtype=F64)), "expected m1 and m2 to have the same"),
    "bias dtype": ((randn(2, 4), randn(3, 4), randn(3, dtype=F64)), "same dtype, but got Double"),
    "bias size": ((randn(2, 4), randn(3, 4), randn(4)), "The expanded size of the tensor (3)"),
    "0-d input": ((randn(), randn(3, 4)), "both arguments to linear need to be at least 1D"),
}


@pytest.mark.parametrize("name", LINEAR_ERRORS)
def test_linear_errors(name: str) -> None:
    args, message = LINEAR_ERRORS[name]
    check(lambda t, *a: t.nn.functional.linear(*a), *args, raises=RuntimeError, match=message)


NOT_TENSORS = {
    "ndarray": np.ones((1, 4), F32),
    "list": [[1.0, 2.0, 3.0, 4.0]],
    "float": 1.0,
    "numpy scalar": np.float32(1.0),
}


@pytest.mark.parametrize("value", NOT_TENSORS)
@pytest.mark.parametrize("position", [0, 1, 2], ids=["input", "weight", "bias"])
@pytest.mark.parametrize("shape", [(2, 4), (4,), (2, 3, 4)])
def test_linear_refuses_what_is_no_tensor(
    shape: tuple[int, ...], position: int, value: str
) -> None:
    """torch's TypeError names linear's argument and the type (``numpy.ndarray``)."""
    args: list[Any] = [randn(*shape), randn(3, 4), randn(3)]
    args[position] = Raw(NOT_TENSORS[value])
    check(lambda t, *a: t.nn.functional.linear(*a), *args, same_message=True)
    if position == 0:  # nn.Linear calls it
        check(lambda t, x: t.nn.Linear(4, 3)(x), args[0], same_message=True)


def test_linear_gradcheck() -> None:
    def fn(lib: Any, x: Any, w: Any, b: Any) -> Any:
        return lib.nn.functional.linear(x, w, b)

    gradcheck_both(fn, randn(3, 4), randn(2, 4), randn(2))
    gradcheck_both(fn, randn(2, 3, 4), randn(2, 4), randn(2))
    gradcheck_both(lambda lib, x, w: lib.nn.functional.linear(x, w), randn(4), randn(2, 4))


# ---------------------------------------------------------------------- addmm
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("bias_shape", [(3,), (1, 3), (2, 1), (2, 3), ()])
@pytest.mark.parametrize("scales", [{}, {"beta": 0.5}, {"alpha": 2.0}, {"beta": 0, "alpha": -1.5}])
def test_addmm(bias_shape: tuple[int, ...], scales: dict[str, float], dtype: Any) -> None:
    def fn(lib: Any, c: Any, a: Any, b: Any) -> Any:
        return lib.addmm(c, a, b, **scales)

    args = (randn(*bias_shape, dtype=dtype), randn(2, 4, dtype=dtype), randn(4, 3, dtype=dtype))
    check_grad(fn, *args, depth=2)
    check_grad(fn, NoGrad(args[0]), args[1], NoGrad(args[2]), depth=2)
    check_grad(lambda t, c, a, b: c.addmm(a, b, **scales), *args, depth=2)


@pytest.mark.parametrize("scales", [{}, {"beta": 0.5, "alpha": 2.0}])
def test_addmm_of_a_transpose(scales: dict[str, float]) -> None:
    """mat2 a transposed leaf, as in nn.Linear: its gradient is computed transposed."""

    def fn(lib: Any, c: Any, a: Any, w: Any) -> Any:
        return lib.addmm(c, a, w.t(), **scales)

    args = (randn(3), randn(2, 4), randn(3, 4))
    check_grad(fn, *args, depth=2)
    check_grad(fn, NoGrad(args[0]), NoGrad(args[1]), args[2], depth=2)
    check_grad(fn, *args, second_order=True)


def test_addmm_beta_zero_ignores_nan_and_int_scales() -> None:
    nan_bias = np.array([np.nan, 1.0, 2.0], F32)
    check(lambda t, c, a, b: t.addmm(c, a, b, beta=0), nan_bias, randn(2, 4), randn(4, 3))
    check(lambda t, c, a, b: t.addmm(c, a, b, beta=0.5), nan_bias, randn(2, 4), randn(4, 3))
    ints = (np.arange(3), np.ones((2, 4), np.int64), np.ones((4, 3), np.int64))
    check(lambda t, c, a, b: t.addmm(c, a, b), *ints)
    check(lambda t, c, a, b: t.addmm(c, a, b, beta=0.5), *ints)
    check(lambda t, c, a, b: t.addmm(c, a, b, alpha=2, beta=3), *ints)


def test_addmm_out() -> None:
    def fn(lib: Any, c: Any, a: Any, b: Any, o: Any) -> Any:
        result = lib.addmm(c, a, b, out=o)
        return result is o, o

    check(fn, randn(3), randn(2, 4), randn(4, 3), np.zeros((2, 3), F32))


ADDMM_ERRORS = {
    "mat1 1d": ((randn(3), randn(4), randn(4, 3)), RuntimeError, "mat1 must be a matrix, got 1-D"),
    "mat2 1d": ((randn(3), randn(2, 4), randn(4)), RuntimeError, "mat2 must be a matrix, got 1-D"),
    "shapes": ((randn(3), randn(2, 4), randn(5, 3)), RuntimeError, "(2x4 and 5x3)"),
    "bias": ((randn(4), randn(2, 4), randn(4, 3)), RuntimeError, "Target sizes: [2, 3]"),
    "bias 3d": ((randn(1, 2, 3), randn(2, 4), randn(4, 3)), RuntimeError, "number of sizes"),
    "bias dtype": (
        (randn(3, dtype=F64), randn(2, 4), randn(4, 3)),
        RuntimeError,
        "self and mat2 must have the same dtype, but got Double and Float",
    ),
    "mat2 dtype": (
        (randn(3), randn(2, 4), randn(4, 3, dtype=F64)),
        RuntimeError,
        "self and mat2 must have the same dtype, but got Float and Double",
    ),
    "mat1 dtype": (
        (randn(3), randn(2, 4, dtype=F64), randn(4, 3)),
        RuntimeError,
        "mat1 and mat2 must have the same dtype, but got Double and Float",
    ),
    "bool": (
        (np.ones(3, bool), np.ones((2, 4), bool), np.ones((4, 3), bool)),
        NotImplementedError,
        "\"addmm_impl_cpu_\" not implemented for 'Bool'",
    ),
    "not a tensor": ((Raw(1.0), randn(2, 4), randn(4, 3)), TypeError, "argument 'input'"),
}


@pytest.mark.parametrize("name", ADDMM_ERRORS)
def test_addmm_errors(name: str) -> None:
    args, error, message = ADDMM_ERRORS[name]
    check(lambda t, *a: t.addmm(*a), *args, raises=error, match=message)


# beta and alpha are Numbers (a 0-d tensor's value is one) that must fit the dtype the kernel
# computes in (float32 for float16); integer matrices take them truncated, or wrapped into uint8
ADDMM_FACTORS = {
    "beta str": ({"beta": "a"}, F32),
    "alpha None": ({"alpha": None}, F32),
    "beta 1-d tensor": ({"beta": lambda L: L.tensor([1.0])}, F32),
    "beta 0-d ndarray": ({"beta": lambda L: np.array(2.0)}, F32),
    "alpha 0-d tensor": ({"alpha": lambda L: L.tensor(2.0)}, F32),
    "long beta 0-d tensor 2.5": ({"beta": lambda L: L.tensor(2.5)}, np.int64),
    "beta complex": ({"beta": 1j}, F32),
    "float64 beta complex": ({"beta": 1j}, F64),
    "beta real complex": ({"beta": 2 + 0j}, F32),
    "beta 1e300": ({"beta": 1e300}, F32),
    "half beta 1e10": ({"beta": 1e10}, np.float16),
    "half beta 1e300": ({"beta": 1e300}, np.float16),
    "beta 2**70": ({"beta": 2**70}, F32),
    "long alpha 2.5": ({"alpha": 2.5}, np.int64),
    "long beta np.float32": ({"beta": np.float32(2.7), "alpha": True}, np.int64),
    "long beta nan": ({"beta": float("nan")}, np.int64),
    "uint8 beta -1": ({"beta": -1}, np.uint8),
    "int8 alpha -1000": ({"alpha": -1000}, np.int8),
    "int32 beta 2**40": ({"beta": 2**40}, np.int32),
}


@pytest.mark.parametrize("name", ADDMM_FACTORS)
@pytest.mark.parametrize("form", ["function", "method"])
def test_addmm_factors(name: str, form: str) -> None:
    factors, dtype = ADDMM_FACTORS[name]
    args = (np.ones(3, dtype), np.ones((2, 4), dtype), np.ones((4, 3), dtype))

    def fn(lib: Any, c: Any, a: Any, b: Any) -> Any:  # (a callable factor: made by the library)
        given = {k: v(lib) if callable(v) else v for k, v in factors.items()}
        return lib.addmm(c, a, b, **given) if form == "function" else c.addmm(a, b, **given)

    check(fn, *args)


def test_addmm_gradcheck() -> None:
    gradcheck_both(lambda lib, c, a, b: lib.addmm(c, a, b), randn(3), randn(2, 4), randn(4, 3))
    gradcheck_both(
        lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.3, alpha=-2.0),
        randn(2, 1),
        randn(2, 4),
        randn(4, 3),
    )


def test_addmm_refuses_modified_saved_matrix() -> None:
    """Each matrix is saved for the other's gradient only, as in torch."""

    def b_needs_a(lib: Any, a: Any, b: Any) -> None:
        out = lib.addmm(lib.zeros(3), a, b.requires_grad_())
        a.mul_(2)
        out.sum().backward()

    check(b_needs_a, randn(2, 4), randn(4, 3), raises=RuntimeError, match="modified by an inplace")

    def a_needs_only_b(lib: Any, a: Any, b: Any) -> Any:
        a.requires_grad_()
        out = lib.addmm(lib.zeros(3), a, b)
        with lib.no_grad():
            a.mul_(2)  # a is not saved: its change does not matter to its own gradient
        out.sum().backward()
        return a.grad

    check(a_needs_only_b, randn(2, 4), randn(4, 3))


# ---------------------------------------------------------------------- softmax, log_softmax
SOFTMAX_NAMES = ["softmax", "log_softmax"]


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", SOFTMAX_NAMES)
@pytest.mark.parametrize(
    ("shape", "dim"),
    [
        *[((5,), 0), ((3, 5), 1), ((3, 5), 0), ((3, 5), -1), ((2, 3, 4), 1), ((), 0)],
        # rows of several vectors (with leftovers or without), and none: torch's order of adding
        *[((4, 17), 1), ((3, 16), -1), ((2, 40), 1), ((0, 10), 1), ((2, 3, 9), 2)],
    ],
)
def test_softmax_values_and_grads(name: str, shape: tuple[int, ...], dim: int, dtype: Any) -> None:
    x = np.asarray(randn(*shape, dtype=dtype) * 3)
    check_grad(lambda t, a: getattr(t.nn.functional, name)(a, dim), x, depth=2)
    check_grad(lambda t, a: getattr(t, name)(a, dim), x)
    check_grad(lambda t, a: getattr(a, name)(dim), x)
    check_grad(lambda t, a: getattr(t.nn.functional, name)(a, dim), x, second_order=True)


@pytest.mark.parametrize(("shape", "dim"), [((300, 10), 1), ((40, 33), -1), ((10, 30), 0)])
def test_log_softmax_of_half(shape: tuple[int, ...], dim: int) -> None:
    # along the last dim torch keeps each row's sum and its log in half: to the bit, as there
    x = (np.random.default_rng(0).standard_normal(shape) * 3).astype(np.float16)
    check_grad(lambda t, a: t.log_softmax(a, dim), x, rtol=0, atol=0)
    check(lambda t, a: t.nn.functional.cross_entropy(a, t.zeros(len(a), dtype=t.int64)), x)


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
def test_softmax_noncontiguous_and_dtype_argument(name: str) -> None:
    check_grad(lambda t, a: getattr(t.nn.functional, name)(a.t(), 1), randn(4, 3))
    # dtype=: the input is converted first (a ToCopyBackward0 below the softmax node)
    check_grad(
        lambda t, a: getattr(t.nn.functional, name)(a, 1, dtype=t.float64), randn(2, 3), depth=2
    )
    check_grad(lambda t, a: getattr(a, name)(1, t.float64), randn(2, 3), depth=2)
    check_grad(lambda t, a: getattr(a, name)(1, dtype=t.float32), randn(2, 3), depth=2)
    check(lambda t, a: getattr(t.nn.functional, name)(a, 0, dtype=t.float32), np.arange(4))
    check(lambda t, a: getattr(t, name)(a, 0), randn(3).astype(np.float16))


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
def test_softmax_extremes(name: str) -> None:
    """Logits of ±1e4 give finite results and gradients; inf/NaN/empty behave as torch."""
    big = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], F32)
    check_grad(lambda t, a: getattr(t, name)(a, 1), big)
    for values in ([np.inf, 1.0, 0.0], [-np.inf, -np.inf], [-np.inf, 0.0], [np.nan, 0.0]):
        check(lambda t, a: getattr(t, name)(a, 0), np.array(values, F32))
    check(lambda t, a: getattr(t, name)(a, 1), np.zeros((0, 3), F32))
    check(lambda t, a: getattr(t, name)(a, 0), np.zeros((0, 3), F32))


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (2, 3, 4, 5)])
def test_softmax_implicit_dim_warns(name: str, shape: tuple[int, ...]) -> None:
    messages = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(lib.nn.functional, name)(lib.ones(shape))
        assert len(caught) == 1
        messages.append((caught[0].category, str(caught[0].message), caught[0].filename))
    assert messages[0] == messages[1]  # the same text, pointing at this file
    check(lambda t, a: getattr(t.nn.functional, name)(a), randn(*shape))


SOFTMAX_ERRORS = {
    "int input": (
        lambda t, a: t.softmax(a, 0),
        np.arange(4),
        NotImplementedError,
        "softmax_lastdim_kernel_impl\" not implemented for 'Long'",
    ),
    "int input log": (
        lambda t, a: t.nn.functional.log_softmax(a, 0),
        np.arange(4),
        NotImplementedError,
        "log_softmax_lastdim_kernel_impl",
    ),
    "int input not last": (
        lambda t, a: t.softmax(a, 0),
        np.ones((2, 3), np.int64),
        NotImplementedError,
        "\"softmax_kernel_impl\" not implemented for 'Long'",
    ),
    "bool input": (
        lambda t, a: t.softmax(a, 0),
        np.ones(3, bool),
        NotImplementedError,
        "for 'Bool'",
    ),
    "dim out of range": (
        lambda t, a: t.nn.functional.softmax(a, 2),
        randn(2, 3),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    "dim out of range log": (lambda t, a: a.log_softmax(-3), randn(2, 3), IndexError, "but got -3"),
    "dim None": (lambda t, a: t.softmax(a, None), randn(2, 3), TypeError, None),
    "no dim": (lambda t, a: t.log_softmax(a), randn(2, 3), TypeError, None),
    "method no dim": (lambda t, a: a.softmax(), randn(2, 3), TypeError, None),
}


@pytest.mark.parametrize("name", SOFTMAX_ERRORS)
def test_softmax_errors(name: str) -> None:
    fn, x, error, message = SOFTMAX_ERRORS[name]
    check(fn, x, raises=error, match=message)


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
def test_softmax_gradcheck(name: str) -> None:
    gradcheck_both(lambda lib, a: getattr(lib, name)(a, 1), randn(2, 4))
    gradcheck_both(lambda lib, a: getattr(lib, name)(a, 0), randn(3, 2))


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
def test_softmax_double_backward_graph(name: str) -> None:
    """Under create_graph the backward is recorded as torch records it."""
    names = []
    for lib in LIBS:
        x = lib.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
        y = getattr(lib, name)(x, 1)
        (g,) = lib.autograd.grad(y, x, lib.ones_like(y), create_graph=True)
        names.append(graph_names(g.grad_fn, 2))
    assert names[0] == names[1]


# ---------------------------------------------------------------------- dropout
def _dropout_both(shape: tuple[int, ...], p: float, dtype: Any, seed: int) -> list[np.ndarray]:
    outs = []
    for lib in LIBS:
        lib.manual_seed(seed)
        x = lib.randn(shape).to(getattr(lib, np.dtype(dtype).name))
        y = lib.nn.functional.dropout(x, p)
        after = lib.rand(2)  # the generator must be in the same place afterwards too
        outs.append((y.numpy().copy(), after.numpy().copy()))
    return outs


@pytest.mark.parametrize("dtype", [F32, F64, np.float16])
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (4, 3, 33), (64, 128)])
def test_dropout_mask_is_torchs_bit_for_bit(shape: tuple[int, ...], p: float, dtype: Any) -> None:
    (mine, mine_after), (theirs, theirs_after) = _dropout_both(shape, p, dtype, seed=int(p * 100))
    assert mine.dtype == theirs.dtype
    np.testing.assert_array_equal(mine, theirs, strict=True)
    np.testing.assert_array_equal(mine_after, theirs_after)


@pytest.mark.parametrize(
    ("shape", "layout"),
    [
        ((8, 6), lambda x: x.t()),
        ((4, 3, 5), lambda x: x.permute(2, 0, 1)),
        ((4, 6, 5), lambda x: x.permute(0, 2, 1)[:, ::2]),  # a gap: the dims' order is kept
        ((8, 6), lambda x: x[:, ::2]),
        ((8, 6), lambda x: x[::2].t()),
        ((8, 6), lambda x: x[:1].expand(5, -1)),  # expanded: those dims stay in place
        ((4, 1), lambda x: x.expand(3, 4, 6)),
        ((8, 6), lambda x: x.t().expand(3, -1, -1)),
        ((8, 6), lambda x: x.unsqueeze(1).expand(-1, 3, -1).transpose(0, 2)),
        ((8, 6), lambda x: x.t().unsqueeze(1)),
    ],
)
def test_dropout_mask_follows_the_input_layout(shape: tuple[int, ...], layout: Any) -> None:
    """torch draws the mask into ``empty_like(input)``, which keeps the input's memory order,
    front to back in memory: a transposed input gets the transposed mask."""

    def fn(lib: Any, x: Any) -> Any:
        lib.manual_seed(7)
        return lib.nn.functional.dropout(layout(x), 0.3), lib.rand(2)

    check(fn, randn(*shape), rtol=0, atol=0)


@pytest.mark.parametrize("p", [0.0, 0.25, 1.0])
def test_dropout_graph_and_grads(p: float) -> None:
    def fn(lib: Any, x: Any) -> Any:
        lib.manual_seed(3)
        return lib.nn.functional.dropout(x * 1, p)

    check_grad(fn, randn(4, 6), depth=3)
    check_grad(fn, randn(4, 6, dtype=F64), depth=3)


def test_dropout_identity_cases() -> None:
    def same(lib: Any, x: Any, **kwargs: Any) -> Any:
        return lib.nn.functional.dropout(x, **kwargs) is x

    check(lambda t, x: same(t, x, p=0.5, training=False), randn(3, 4))
    check(lambda t, x: same(t, x, p=0.0), randn(3, 4))
    check(lambda t, x: same(t, x, p=0.5), randn(0, 4))
    check(lambda t, x: t.nn.functional.dropout(x, 0.0), np.arange(3))


def test_dropout_inplace() -> None:
    def fn(lib: Any, x: Any) -> Any:
        lib.manual_seed(5)
        y = x * 2
        z = lib.nn.functional.dropout(y, 0.4, inplace=True)
        return z is y, z

    check_grad(fn, randn(3, 4), depth=2)

    def plain(lib: Any, x: Any) -> Any:
        lib.manual_seed(5)
        return lib.nn.functional.dropout(x, 0.4, inplace=True) is x, x

    check(plain, randn(3, 4))


DROPOUT_ERRORS = {
    "p negative": (
        lambda t, x: t.nn.functional.dropout(x, -0.1),
        ValueError,
        "dropout probability has to be between 0 and 1, but got -0.1",
    ),
    "p too big": (lambda t, x: t.nn.functional.dropout(x, 1.5), ValueError, "but got 1.5"),
    # NaN passes the Python check, not the kernel's, even in eval or with nothing to drop
    "p nan": (lambda t, x: t.nn.functional.dropout(x, float("nan")), RuntimeError, "got nan"),
    "p nan eval": (
        lambda t, x: t.nn.functional.dropout(x, float("nan"), training=False),
        RuntimeError,
        "dropout probability has to be between 0 and 1, but got nan",
    ),
    "p nan empty": (
        lambda t, x: t.nn.functional.dropout(x[:0], float("nan")),
        RuntimeError,
        "but got nan",
    ),
    "p 1-d tensor": (
        lambda t, x: t.nn.functional.dropout(x, t.tensor([0.5])),
        TypeError,
        "dropout(): argument 'p' (position 2) must be float, not Tensor",
    ),
    "p tensor requiring grad": (
        lambda t, x: t.nn.functional.dropout(x, t.tensor(0.5, requires_grad=True)),
        TypeError,
        "dropout(): argument 'p' (position 2) must be float, not Tensor",
    ),
    "int input": (
        lambda t, x: t.nn.functional.dropout(x.long(), 0.5),
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
    ),
    "inplace leaf": (
        lambda t, x: t.nn.functional.dropout(x.requires_grad_(), 0.5, inplace=True),
        RuntimeError,
        "a leaf Variable that requires grad",
    ),
}


@pytest.mark.parametrize("name", DROPOUT_ERRORS)
def test_dropout_errors(name: str) -> None:
    fn, error, message = DROPOUT_ERRORS[name]
    check(fn, randn(3, 4), raises=error, match=message)


@pytest.mark.parametrize("value", NOT_TENSORS)
@pytest.mark.parametrize(
    "call",
    [
        lambda t, x: t.nn.functional.dropout(x),
        lambda t, x: t.nn.functional.dropout(x, 0.0),
        lambda t, x: t.nn.functional.dropout(x, 0.5, training=False),
        lambda t, x: t.nn.Dropout(0.2)(x),
        lambda t, x: t.nn.Dropout(0.2).eval()(x),
        lambda t, x: t.nn.functional.dropout(x, 1.5),  # p is checked first
        lambda t, x: t.softmax(x, 0),
        lambda t, x: t.log_softmax(x, 0),
    ],
)
def test_dropout_and_softmax_refuse_what_is_no_tensor(call: Any, value: str) -> None:
    check(call, Raw(NOT_TENSORS[value]), same_message=True)


# ---------------------------------------------------------------------- one_hot, activations
@pytest.mark.parametrize(
    ("values", "num_classes"),
    [([0, 2, 1], -1), ([0, 2, 1], 5), ([[2, 0], [1, 1]], -1), (3, -1), ([], 3)],
)
def test_one_hot(values: Any, num_classes: int) -> None:
    x = np.array(values, np.int64)
    # (NumPy gives empty arrays zero strides: strides are compared only for non-empty results)
    check(lambda t, x: t.nn.functional.one_hot(x, num_classes), x, strides=x.size > 0)


ONE_HOT_ERRORS = {
    "float": (
        np.array([0.0, 2.0]),
        -1,
        RuntimeError,
        "only applicable to index tensor of type LongTensor",
    ),
    "int32": (np.array([0, 2], np.int32), -1, RuntimeError, "of type LongTensor"),
    "negative": (np.array([0, -2]), -1, RuntimeError, "Class values must be non-negative."),
    "too large": (
        np.array([0, 5]),
        3,
        RuntimeError,
        "Class values must be smaller than num_classes.",
    ),
    "empty": (
        np.array([], np.int64),
        -1,
        RuntimeError,
        "Can not infer total number of classes from empty tensor.",
    ),
    "num_classes float": (np.array([0, 2]), 3.0, TypeError, "must be int, not float"),
}


@pytest.mark.parametrize("name", ONE_HOT_ERRORS)
def test_one_hot_errors(name: str) -> None:
    values, num_classes, error, message = ONE_HOT_ERRORS[name]
    check(lambda t, x: t.nn.functional.one_hot(x, num_classes), values, raises=error, match=message)


@pytest.mark.parametrize("num_classes", [3, "a"])
@pytest.mark.parametrize("values", [[0, 1], (0, 1), None, 3])
def test_one_hot_of_no_tensor(values: Any, num_classes: Any) -> None:
    # (the input is parsed first: its error, whatever num_classes is)
    check(
        lambda t: t.nn.functional.one_hot(values, num_classes),
        raises=TypeError,
        match="argument 'input' (position 1) must be Tensor",
        same_message=True,
    )


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_activations(name: str) -> None:
    check_grad(lambda t, x: getattr(t.nn.functional, name)(x), randn(3, 4), depth=2)


@pytest.mark.parametrize("copies", [1, 64, 512])  # 8, 512 and 4 096: picotorch's three ways
@pytest.mark.parametrize("dtype", [np.float16, F32, F64])
def test_relu_backward_blocks_every_gradient(dtype: Any, copies: int) -> None:
    """Where relu's output is 0 the gradient is +0 even if it was inf, NaN or negative; where
    it passes, even a -0 and a NaN output (relu(NaN) is NaN) keep it. The printout of the
    first and last eight shows the signs of the zeros, which a value comparison would not."""

    def fn(lib: Any, x: Any, g: Any) -> Any:
        x.requires_grad_()
        x.relu().backward(g)
        rows = x.grad.reshape(-1, 8)
        return repr(rows[0]), repr(rows[-1]), x.grad

    x = np.array([-1.0, -2.0, -3.0, 0.0, 1.0, np.nan, 2.0, -0.0], dtype=dtype)
    g = np.array([np.inf, np.nan, -1.0, -np.inf, -0.0, 3.0, np.nan, 5.0], dtype=dtype)
    check(fn, np.tile(x, copies), np.tile(g, copies))


@pytest.mark.parametrize("value", [1.5, -1.5])
def test_relu_backward_of_a_0d_tensor(value: float) -> None:
    # the gradient reaching relu is a NumPy scalar here (a product of 0-d arrays is one)
    check_grad(lambda t, x: x.relu() * x, np.array(value, F32))


def test_relu_inplace() -> None:
    def fn(lib: Any, x: Any) -> Any:
        y = x * 1
        z = lib.nn.functional.relu(y, inplace=True)
        return z is y, z

    check_grad(fn, randn(3, 4), depth=2)
    check(lambda t, x: t.nn.functional.relu(x, True) is x, randn(3))


def test_functional_namespace() -> None:
    names = [
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "log_softmax",
        "linear",
        "conv2d",
        "max_pool2d",
        "avg_pool2d",
        "dropout",
        "cross_entropy",
        "mse_loss",
        "l1_loss",
        "nll_loss",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "one_hot",
        "pad",
        "batch_norm",
    ]
    for name in names:
        assert callable(getattr(picotorch.nn.functional, name)), name
        assert callable(getattr(torch.nn.functional, name)), name
    for name in ["softmax", "log_softmax", "addmm"]:
        assert callable(getattr(picotorch, name)), name
        assert callable(getattr(picotorch.Tensor, name)), name
