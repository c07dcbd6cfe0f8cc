"""batch_norm against torch.nn.functional.batch_norm.

Training (batch statistics, running statistics updated in place) and evaluation (running
statistics), for (N, C), (N, C, L) and (N, C, H, W) inputs: values, dtypes, grad_fn names,
gradients (first and second order), the running statistics and their version counters, and
torch's errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from parity import NoGrad, check, check_grad

import picotorch

F32, F64 = np.float32, np.float64
rng = np.random.default_rng(77)
LIBS = (picotorch, torch)
SHAPES = [(6, 3), (4, 3, 5), (3, 2, 4, 5)]


def randn(*shape: int, dtype: Any = F32) -> np.ndarray:
    return (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)


def tolerance(dtype: Any) -> dict[str, float]:
    """float32 means and variances summed in another order: a looser tolerance."""
    return {"rtol": 1e-4, "atol": 1e-5} if dtype == F32 else {}


def stats(c: int, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Running mean and (positive) running variance."""
    return rng.standard_normal(c).astype(dtype), (rng.random(c) + 0.5).astype(dtype)


def bn(t: Any, x: Any, rm: Any, rv: Any, *args: Any, **kwargs: Any) -> Any:
    return t.nn.functional.batch_norm(x, rm, rv, *args, **kwargs)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_batch_norm(shape: tuple[int, ...], training: bool, dtype: Any) -> None:
    c = shape[1]
    x, w, b = randn(*shape, dtype=dtype), randn(c, dtype=dtype), randn(c, dtype=dtype)
    rm, rv = stats(c, dtype)

    def f(t: Any, x: Any, w: Any, b: Any, rm: Any, rv: Any) -> Any:
        y = bn(t, x, rm, rv, w, b, training=training, momentum=0.3, eps=1e-3)
        return y, rm.clone(), rv.clone()  # the running statistics after the update

    check_grad(f, x, w, b, NoGrad(rm), NoGrad(rv), **tolerance(dtype))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_batch_norm_of_data_far_from_zero(seed: int, training: bool) -> None:
    # float32 images around 10 000: torch sums the statistics in double and rounds each of
    # x * scale + shift once, where those two nearly cancel; summing in float32, or rounding
    # twice, was 3e-4 off. (Not for (N, C) or (N, C, L) inputs: there torch's sums take
    # paths of their own, some in float32 per thread, which picotorch does not follow)
    shape = (16, 3, 8, 8)
    c = shape[1]
    x = (np.random.default_rng(seed).standard_normal(shape) + 10_000).astype(F32)
    w, b = randn(c), randn(c)
    rm, rv = stats(c, F32)
    rm += 10_000

    def f(t: Any, x: Any, w: Any, b: Any, rm: Any, rv: Any) -> Any:
        y = bn(t, x, rm, rv, w, b, training=training)
        return y, rm.clone(), rv.clone()

    check(f, x, w, b, rm, rv, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_without_affine_or_running_stats(training: bool) -> None:
    x, rm, rv = randn(5, 3, 4), *stats(3, F32)
    check_grad(
        lambda t, x, rm, rv: bn(t, x, rm, rv, training=training),
        x,
        NoGrad(rm),
        NoGrad(rv),
        **tolerance(F32),
    )
    w, b = randn(3), randn(3)
    check_grad(
        lambda t, x, w, rm, rv: bn(t, x, rm, rv, w, training=training),
        x,
        w,
        NoGrad(rm),
        NoGrad(rv),
        **tolerance(F32),
    )
    check_grad(
        lambda t, x, b, rm, rv: bn(t, x, rm, rv, None, b, training=training),
        x,
        b,
        NoGrad(rm),
        NoGrad(rv),
        **tolerance(F32),
    )
    if training:  # no running statistics at all: batch statistics only
        check_grad(
            lambda t, x, w, b: bn(t, x, None, None, w, b, training=True), x, w, b, **tolerance(F32)
        )


def test_batch_norm_only_some_inputs_need_grad() -> None:
    x, w, b, (rm, rv) = randn(4, 3, 2), randn(3), randn(3), stats(3, F32)
    for training in (True, False):
        check_grad(
            lambda t, x, w, b, rm, rv, tr=training: bn(t, x, rm, rv, w, b, training=tr),
            NoGrad(x),
            w,
            b,
            NoGrad(rm),
            NoGrad(rv),
            **tolerance(F32),
        )
        check_grad(
            lambda t, x, w, b, rm, rv, tr=training: bn(t, x, rm, rv, w, b, training=tr),
            x,
            NoGrad(w),
            NoGrad(b),
            NoGrad(rm),
            NoGrad(rv),
            **tolerance(F32),
        )


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_batch_norm_second_order(shape: tuple[int, ...], training: bool) -> None:
    c = shape[1]
    x, w, b, (rm, rv) = (
        randn(*shape, dtype=F64),
        randn(c, dtype=F64),
        randn(c, dtype=F64),
        stats(c, F64),
    )
    check_grad(
        lambda t, x, w, b, rm, rv: bn(t, x, rm, rv, w, b, training=training),
        x,
        w,
        b,
        NoGrad(rm),
        NoGrad(rv),
        second_order=True,
    )


def test_batch_norm_gradcheck() -> None:
    x, w, b = randn(3, 2, 2, dtype=F64), randn(2, dtype=F64), randn(2, dtype=F64)
    for lib in LIBS:
        inputs = tuple(lib.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))
        for training in (True, False):

            def f(x: Any, w: Any, b: Any, lib: Any = lib, training: bool = training) -> Any:
                rm, rv = lib.zeros(2, dtype=lib.float64), lib.ones(2, dtype=lib.float64)
                return lib.nn.functional.batch_norm(x, rm, rv, w, b, training=training)

            assert lib.autograd.gradcheck(f, inputs)
            assert lib.autograd.gradgradcheck(f, inputs)


def test_batch_norm_non_contiguous() -> None:
    rm, rv = stats(3, F32)
    check_grad(
        lambda t, x, rm, rv: bn(t, x.permute(0, 3, 1, 2), rm, rv, training=True),
        randn(2, 4, 5, 3),
        NoGrad(rm),
        NoGrad(rv),
        **tolerance(F32),
    )
    check_grad(
        lambda t, x, rm, rv: bn(t, x.t(), rm, rv, training=False),
        randn(3, 5),
        NoGrad(rm),
        NoGrad(rv),
        **tolerance(F32),
    )


def test_batch_norm_running_stats_update_in_place() -> None:
    """The running statistics are updated in their own memory, under no_grad, and (as torch)
    without bumping their version counters; evaluation leaves them alone."""

    def f(t: Any, x: Any, rm: Any, rv: Any) -> Any:
        alias_m, alias_v = rm[:], rv.view(-1)
        bn(t, x, rm, rv, training=True, momentum=0.5)
        after_training = (rm.clone(), alias_v.clone(), rm._version, rv._version)
        bn(t, x, rm, rv, training=False)
        return (*after_training, alias_m.clone(), rv.clone())

    check(f, randn(8, 3, 2), *stats(3, F32), **tolerance(F32))


def test_batch_norm_repeated_training_steps() -> None:
    """Several steps with momentum: the running statistics track the batches as torch's do."""

    def f(t: Any, xs: Any, rm: Any, rv: Any) -> Any:
        for x in xs:
            bn(t, x, rm, rv, training=True, momentum=0.1)
        return rm, rv

    check(f, randn(5, 16, 4, dtype=F64), np.zeros(4), np.ones(4))


def test_batch_norm_half_input_float_parameters() -> None:
    x, (rm, rv) = randn(4, 3, 2, dtype=np.float16), stats(3, F32)
    check(
        lambda t, x, rm, rv, w: bn(t, x, rm, rv, w, training=True),
        x,
        rm,
        rv,
        randn(3),
        rtol=1e-3,
        atol=1e-3,
    )


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("params", ["none", "half", "half weight only"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4, 4)])
def test_batch_norm_half_statistics(shape: Any, params: str, training: bool) -> None:
    # a half input with half parameters (or none): torch keeps the batch's mean and inverse std
    # in half, then normalises in float32 (and in eval takes the running ones in float32)
    c = shape[1]
    x = (np.random.default_rng(1).standard_normal(shape) * 3 + 1).astype(np.float16)
    w, b = (np.cos(np.arange(c)) + 1.5).astype(np.float16), np.sin(np.arange(c)).astype(np.float16)
    rm, rv = np.zeros(c, np.float16), (np.arange(c) + 0.7).astype(np.float16)

    def f(t: Any, x: Any, w: Any, b: Any, rm: Any, rv: Any) -> Any:
        if params == "none":
            w = b = None
        elif params == "half weight only":
            rm = rv = None
        if rm is None and not training:
            return None
        return bn(t, x, rm, rv, w, b, training=training), rm, rv

    check(f, x, w, b, rm, rv, rtol=0, atol=0)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("params", ["none", "half", "float32"])
def test_batch_norm_half_gradients(params: str, training: bool) -> None:
    # torch computes a half input's gradients in float32 and gives each one its input's dtype
    # (a float32 bias's gradient was a sum rounded to half)
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((4, 3, 5, 6)) * 3 + 1).astype(np.float16)
    g = rng.standard_normal(x.shape).astype(np.float16)
    dtype = np.float32 if params == "float32" else np.float16
    w, b = np.cos(np.arange(3)).astype(dtype), np.sin(np.arange(3)).astype(dtype)

    def f(t: Any, x: Any, g: Any, w: Any, b: Any) -> Any:
        x.requires_grad_()
        if params == "none":
            w = b = None
        else:
            w.requires_grad_(), b.requires_grad_()
        stats = (t.zeros(3, dtype=t.float16), t.ones(3, dtype=t.float16))
        if params == "float32":
            stats = (stats[0].float(), stats[1].float())
        bn(t, x, *stats, w, b, training=training).backward(g)
        return x.grad, None if w is None else (w.grad, b.grad)

    # (with float32 parameters torch's sums round otherwise: a half ulp here and there)
    exact = {"rtol": 0, "atol": 0} if params != "float32" else {"rtol": 1e-3, "atol": 1e-5}
    check(f, x, g, w, b, **exact)


def test_batch_norm_empty_batch() -> None:
    rm, rv = stats(3, F32)
    check(
        lambda t, x, rm, rv: (bn(t, x, rm, rv, training=True), rm, rv),
        np.zeros((0, 3, 4), F32),
        rm,
        rv,
    )


@pytest.mark.parametrize(
    "args",
    [
        # torch's shortcut for an input of no element: a copy of it times weight[0] plus
        # bias[0], before its kernel checks anything (sizes, dtypes, running statistics)
        ((0, 3), "float32", "float32", "float32", True),
        ((0, 3, 4), "float64", "float32", None, True),
        ((4, 0, 3), "float32", None, None, True),
        ((0, 3), "float16", None, "float64", False),
    ],
)
def test_batch_norm_of_no_element_as_torch(args: tuple[Any, ...]) -> None:
    shape, x_dtype, w_dtype, b_dtype, training = args
    x = np.zeros(shape, x_dtype)
    w = None if w_dtype is None else rng.standard_normal(shape[1]).astype(w_dtype)
    b = None if b_dtype is None else rng.standard_normal(shape[1]).astype(b_dtype)

    def f(t: Any, x: Any, w: Any, b: Any) -> Any:
        rm, rv = t.zeros(5), t.ones(5)  # (of another size: not checked)
        return bn(t, x, rm, rv, w, b, training=training), rm, rv

    check_grad(f, x, w, b, depth=2)


@pytest.mark.parametrize(
    "make",
    [
        lambda t: bn(t, t.zeros(0, 3), t.zeros(3), None, training=True),
        lambda t: bn(t, t.zeros(0, 3), None, None, training=False),
        lambda t: bn(t, t.zeros(0, 3), t.zeros(3, requires_grad=True), t.ones(3), training=True),
        lambda t: bn(t, t.zeros(0, 3, dtype=t.int64), t.zeros(3), t.ones(3), t.ones(3)),
        lambda t: bn(t, t.zeros(0, 3, dtype=t.bool), t.zeros(3), t.ones(3)),
        lambda t: bn(t, t.zeros(0), t.zeros(3), t.ones(3), training=True),
        lambda t: bn(t, t.zeros(0, 3), t.zeros(3), t.ones(3), t.ones(0)),  # (weight[0]: refused)
        lambda t: bn(t, t.zeros(0, 3), t.zeros(3), t.ones(3), training=True, eps=-1.0),
        lambda t: bn(t, t.zeros(1, 3), t.zeros(3), t.ones(3), training=True),  # (checked first)
    ],
)
def test_batch_norm_of_no_element_checks_as_torch(make: Any) -> None:
    # (not the strides: NumPy keeps none for an array without elements, so picotorch's
    # are row-major where torch's copy keeps the input's; see Tensor.stride)
    check(make)


def test_batch_norm_module_pattern() -> None:
    """What nn.BatchNorm2d does in train() then eval(): the same output as torch's."""

    def f(t: Any, x: Any, w: Any, b: Any) -> Any:
        rm, rv = t.zeros(2), t.ones(2)
        with t.no_grad():
            for _ in range(3):
                bn(t, x, rm, rv, w, b, training=True)
        return bn(t, x, rm, rv, w, b, training=False)

    check_grad(f, randn(4, 2, 3, 3), randn(2), randn(2), **tolerance(F32))


def ones(*shape: int, dtype: Any = F32) -> np.ndarray:
    return np.ones(shape, dtype)


BN_ERRORS: list[tuple[str, tuple[Any, ...], dict[str, Any], type[Exception], str]] = [
    (
        "one_value",
        (ones(1, 3), ones(3), ones(3)),
        {"training": True},
        ValueError,
        "Expected more than 1 value per channel when training, got input size torch.Size([1, 3])",
    ),
    (
        "one_value_4d",
        (ones(1, 3, 1, 1), ones(3), ones(3)),
        {"training": True},
        ValueError,
        "got input size torch.Size([1, 3, 1, 1])",
    ),
    (
        "eval_without_stats",
        (ones(4, 3), None, None),
        {},
        RuntimeError,
        "running_mean must be defined in evaluation mode",
    ),
    (
        "half_stats",
        (ones(4, 3), ones(3), None),
        {"training": True},
        ValueError,
        "running_mean and running_var must either both be None or neither be None",
    ),
    (
        "stats_size",
        (ones(2, 4), ones(3), ones(3)),
        {},
        RuntimeError,
        "running_mean should contain 4 elements not 3",
    ),
    (
        "var_size",
        (ones(2, 3), ones(3), ones(2)),
        {},
        RuntimeError,
        "running_var should contain 3 elements not 2",
    ),
    (
        "weight_size",
        (ones(2, 3), ones(3), ones(3), ones(2)),
        {"training": True},
        RuntimeError,
        "weight should contain 3 elements not 2",
    ),
    (
        "bias_size",
        (ones(2, 3), ones(3), ones(3), None, ones(2)),
        {"training": True},
        RuntimeError,
        "bias should contain 3 elements not 2",
    ),
    (
        "input_double",
        (ones(2, 3, dtype=F64), ones(3), ones(3)),
        {"training": True},
        RuntimeError,
        "mixed dtype (CPU): all inputs must share same datatype.",
    ),
    (
        "stats_double",
        (ones(2, 3), ones(3, dtype=F64), ones(3, dtype=F64)),
        {"training": True},
        RuntimeError,
        "mixed dtype (CPU): expect parameter to have scalar type of Float",
    ),
    (
        "weight_double",
        (ones(2, 3), ones(3), ones(3), ones(3, dtype=F64)),
        {"training": True},
        RuntimeError,
        "mixed dtype (CPU): expect parameter to have scalar type of Float",
    ),
    (
        "var_double",
        (ones(2, 3), ones(3), ones(3, dtype=F64)),
        {"training": True},
        RuntimeError,
        "expected scalar type Float but found Double",
    ),
    (
        "var_long_eval",
        (ones(2, 3), ones(3), ones(3, dtype=np.int64)),
        {},
        RuntimeError,
        "expected scalar type Float but found Long",
    ),
    (
        "long_input",
        (ones(2, 3, dtype=np.int64), ones(3), ones(3)),
        {},
        NotImplementedError,
        "\"batch_norm\" not implemented for 'Long'",
    ),
    (
        "eps_zero_training",
        (ones(2, 3), ones(3), ones(3)),
        {"training": True, "eps": 0},
        ValueError,
        "batch_norm eps must be positive during training, but got 0",
    ),
    (
        "eps_negative",
        (ones(2, 3), ones(3), ones(3)),
        {"eps": -1},
        ValueError,
        "batch_norm eps must be non-negative, but got -1",
    ),
    (
        "momentum_none",
        (ones(2, 3), ones(3), ones(3)),
        {"momentum": None},
        TypeError,
        "batch_norm(): argument 'momentum' (position 7) must be float, not NoneType",
    ),
    (
        "training_int",
        (ones(2, 3), ones(3), ones(3)),
        {"training": 1},
        TypeError,
        "batch_norm(): argument 'training' (position 6) must be bool, not int",
    ),
    (
        "weight_float",
        (ones(2, 3), ones(3), ones(3), 1.0),
        {},
        TypeError,
        "batch_norm(): argument 'weight' (position 2) must be Tensor, not float",
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error", "match"), BN_ERRORS, ids=[c[0] for c in BN_ERRORS]
)
def test_batch_norm_errors(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    check(lambda t, *a: t.nn.functional.batch_norm(*a, **kwargs), *args, raises=error, match=match)


def test_batch_norm_errors_not_tensors() -> None:
    check(
        lambda t, rv: t.nn.functional.batch_norm([1.0], rv, rv),
        ones(3),
        raises=TypeError,
        match="batch_norm(): argument 'input' (position 1) must be Tensor, not list",
    )
    check(
        lambda t, rv: t.nn.functional.batch_norm(t.ones(2, 3), [0.0] * 3, rv, training=True),
        ones(3),
        raises=TypeError,
        match="argument 'running_mean' (position 4) must be Tensor, not list",
    )


def test_batch_norm_running_stats_requiring_grad() -> None:
    def f(t: Any, x: Any, rv: Any) -> Any:
        rm = t.zeros(3, requires_grad=True)
        return t.nn.functional.batch_norm(x, rm, rv, training=True)

    check(
        f,
        ones(2, 3),
        ones(3),
        raises=RuntimeError,
        match=(
            "The function 'native_batch_norm' is not differentiable with respect to argument "
            "'running_mean'. This input cannot have requires_grad True."
        ),
    )


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("layout", ["channels_last", "transposed", "contiguous"])
def test_batch_norm_result_layout(layout: str, dtype: str, training: bool) -> None:
    # channels-last images keep their layout; anything else comes out row-major
    def f(t: Any) -> Any:
        x = t.arange(24.0, dtype=getattr(t, dtype)).view(1, 2, 3, 4)
        if layout == "channels_last":
            x = x.contiguous(memory_format=t.channels_last)
        elif layout == "transposed":
            x = x.transpose(2, 3)
        stats = (t.zeros(2, dtype=x.dtype), t.ones(2, dtype=x.dtype))
        return bn(t, x, *stats, training=training)

    check(f, strides=True)
