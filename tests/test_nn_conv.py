"""conv2d, max_pool2d, avg_pool2d and pad against torch.nn.functional.

Every case runs on picotorch and torch (``parity.check`` / ``check_grad``): values, shape,
dtype, grad_fn names (and their inputs' names), gradients with the same random upstream
gradient, second derivatives on float64, and errors (type and a fragment of torch's message).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from parity import NoGrad, check, check_grad

import picotorch
from picotorch._ops import conv as conv_ops

F32, F64 = np.float32, np.float64
rng = np.random.default_rng(2024)
LIBS = (picotorch, torch)


def _loosened(inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """float32 sums of many products round differently in another order: with a float32
    input, a looser tolerance than parity's default."""
    arrays = [x.value if isinstance(x, NoGrad) else x for x in inputs]
    if any(isinstance(a, np.ndarray) and a.dtype == F32 for a in arrays):
        return {"rtol": 1e-4, "atol": 1e-5, **kwargs}
    return kwargs


def check_values(fn: Callable[..., Any], *inputs: Any, **kwargs: Any) -> Any:
    return check(fn, *inputs, **_loosened(inputs, kwargs))


def check_grads(fn: Callable[..., Any], *inputs: Any, **kwargs: Any) -> Any:
    return check_grad(fn, *inputs, **_loosened(inputs, kwargs))


def randn(*shape: int, dtype: Any = F32) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def distinct(*shape: int, dtype: Any = F64) -> np.ndarray:
    """Values at least 0.1 apart: pooling has no ties, so its gradient is well defined."""
    n = int(np.prod(shape))
    return rng.permutation((np.arange(n) - n // 2) * 0.1 + 0.05).reshape(shape).astype(dtype)


def _prime_same_warning() -> str | None:
    """torch warns once per process about 'same' padding with an even kernel, and so does
    picotorch: use up both warnings now, so later comparisons see neither. Returns torch's
    message, if this process had not already used it up."""
    messages: dict[Any, list[str]] = {}
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.functional.conv2d(lib.ones(1, 1, 4, 4), lib.ones(1, 1, 2, 2), padding="same")
        messages[lib] = [str(w.message) for w in caught if "padding='same'" in str(w.message)]
    return messages[torch][0] if messages[torch] else None


TORCH_SAME_WARNING = _prime_same_warning()


# ---------------------------------------------------------------------- conv2d
CONV_CASES: dict[str, tuple[tuple[int, ...], tuple[int, ...], dict[str, Any]]] = {
    "plain": ((2, 3, 6, 5), (4, 3, 3, 3), {}),
    "1x1": ((2, 3, 4, 4), (5, 3, 1, 1), {}),
    "stride": ((2, 2, 7, 6), (3, 2, 3, 2), {"stride": 2}),
    "stride_tuple": ((2, 2, 7, 6), (3, 2, 3, 3), {"stride": (2, 1)}),
    "padding": ((1, 2, 5, 5), (3, 2, 3, 3), {"padding": 1}),
    "padding_tuple": ((1, 2, 5, 4), (3, 2, 3, 3), {"padding": (2, 1)}),
    "dilation": ((1, 2, 8, 7), (2, 2, 3, 2), {"dilation": (2, 3)}),
    "everything": (
        (2, 4, 9, 8),
        (6, 2, 3, 2),
        {"stride": (2, 3), "padding": (1, 2), "dilation": 2, "groups": 2},
    ),
    "groups": ((2, 4, 5, 5), (6, 2, 3, 3), {"groups": 2}),
    "depthwise": ((2, 3, 5, 5), (6, 1, 3, 3), {"groups": 3, "padding": 1}),
    "valid": ((2, 3, 5, 6), (2, 3, 2, 3), {"padding": "valid"}),
    "same_odd": ((2, 3, 5, 6), (2, 3, 3, 3), {"padding": "same"}),
    "same_even": ((2, 3, 5, 6), (2, 3, 4, 2), {"padding": "same"}),
    "same_dilated": ((1, 2, 7, 7), (2, 2, 2, 3), {"padding": "same", "dilation": (3, 2)}),
    "kernel_is_input": ((2, 3, 3, 4), (2, 3, 3, 4), {}),
    "list_args": ((1, 2, 6, 6), (2, 2, 2, 2), {"stride": [2], "padding": [1, 0]}),
}


def conv(t: Any, x: Any, w: Any, b: Any = None, **kwargs: Any) -> Any:
    return t.nn.functional.conv2d(x, w, b, **kwargs)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", CONV_CASES)
def test_conv2d(name: str, dtype: Any) -> None:
    x_shape, w_shape, kwargs = CONV_CASES[name]
    x, w, b = (
        randn(*x_shape, dtype=dtype),
        randn(*w_shape, dtype=dtype),
        randn(w_shape[0], dtype=dtype),
    )
    check_grads(lambda t, x, w, b: conv(t, x, w, b, **kwargs), x, w, b, depth=2)
    check_grads(lambda t, x, w: conv(t, x, w, **kwargs), x, w)  # no bias


@pytest.mark.parametrize("name", ["plain", "everything", "depthwise", "same_even"])
def test_conv2d_second_order(name: str) -> None:
    x_shape, w_shape, kwargs = CONV_CASES[name]
    x, w, b = randn(*x_shape, dtype=F64), randn(*w_shape, dtype=F64), randn(w_shape[0], dtype=F64)
    check_grads(lambda t, x, w, b: conv(t, x, w, b, **kwargs), x, w, b, second_order=True)


def test_conv2d_unbatched() -> None:
    """A (C, H, W) input is a batch of one: torch's graph shows the unsqueeze and squeeze."""
    check_grads(
        lambda t, x, w, b: conv(t, x, w, b, padding=1),
        randn(3, 5, 4),
        randn(2, 3, 3, 3),
        randn(2),
        depth=2,
    )
    check_grads(
        lambda t, x, w: conv(t, x, w, padding="same"), randn(3, 5, 4), randn(2, 3, 2, 2), depth=3
    )


def test_conv2d_some_inputs_without_grad() -> None:
    x, w, b = randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4)
    check_grads(lambda t, x, w, b: conv(t, x, w, b), NoGrad(x), w, b)  # data in, as in training
    check_grads(lambda t, x, w, b: conv(t, x, w, b), x, NoGrad(w), NoGrad(b))
    check_grads(lambda t, x, w, b: conv(t, x, w, b, groups=1), x, w, NoGrad(b))


def test_conv2d_non_contiguous() -> None:
    """Transposed, strided and channels-last views compute like contiguous tensors."""
    check_grads(
        lambda t, x, w: conv(t, x.transpose(2, 3), w, padding=1),
        randn(2, 3, 5, 6),
        randn(4, 3, 3, 3),
    )
    check_grads(
        lambda t, x, w: conv(t, x[:, ::2, 1:, ::2], w), randn(2, 6, 7, 9), randn(4, 3, 2, 2)
    )
    check_grads(
        lambda t, x, w: conv(t, x.permute(0, 3, 1, 2), w.transpose(2, 3)),
        randn(2, 6, 5, 3),
        randn(4, 3, 3, 2),
    )


def test_conv2d_result_is_contiguous() -> None:
    """As torch's: so that ``.view`` works on it (the classic conv -> flatten)."""
    check_values(
        lambda t, x, w: conv(t, x, w, padding=1).stride(), randn(2, 3, 4, 4), randn(5, 3, 3, 3)
    )
    check_values(lambda t, x, w: conv(t, x, w).view(2, -1), randn(2, 3, 4, 4), randn(5, 3, 3, 3))


def test_conv2d_gradcheck() -> None:
    """Numerical Jacobians, first and second order, on a tiny float64 case in both libraries."""
    x, w, b = randn(1, 2, 3, 3, dtype=F64), randn(2, 1, 2, 1, dtype=F64), randn(2, dtype=F64)
    for lib in LIBS:
        inputs = tuple(lib.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))

        def f(x: Any, w: Any, b: Any, lib: Any = lib) -> Any:
            return lib.nn.functional.conv2d(
                x, w, b, stride=(1, 2), padding=1, dilation=(2, 1), groups=2
            )

        assert lib.autograd.gradcheck(f, inputs)
        assert lib.autograd.gradgradcheck(f, inputs)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "float16"])
def test_conv2d_other_dtypes(dtype: str) -> None:
    x = rng.integers(0, 3, (1, 2, 4, 4)).astype(dtype)
    w = rng.integers(0, 3, (3, 2, 2, 2)).astype(dtype)
    b = rng.integers(0, 3, 3).astype(dtype)
    check_values(lambda t, x, w, b: conv(t, x, w, b, padding=1), x, w, b)


def test_conv2d_empty_batch() -> None:
    check_grads(
        lambda t, x, w, b: conv(t, x, w, b, padding=1),
        randn(0, 2, 4, 4),
        randn(3, 2, 3, 3),
        randn(3),
    )


@pytest.mark.parametrize(
    "shapes",
    [
        # torch's shortcut for an input of no batch or no channels: no kernel runs, so the
        # input's and weight's dtypes may differ (the result's is their product's); with no
        # input channels there are no output channels either; the gradients are zeros
        ((0, 3, 5, 5), "float64", (4, 3, 3, 3), "float32", None),
        ((0, 3, 5, 5), "float32", (4, 3, 3, 3), "float64", "float32"),
        ((0, 3, 5, 5), "float16", (4, 3, 3, 3), "float32", None),
        ((2, 0, 5, 5), "float32", (4, 0, 3, 3), "float32", "float32"),
        ((2, 0, 5, 5), "float64", (4, 0, 3, 3), "float32", "float64"),
        ((0, 0, 5, 5), "float32", (4, 0, 3, 3), "float32", None),
        ((0, 5, 5), "float32", (4, 0, 3, 3), "float32", "float32"),  # (unbatched, no channels)
    ],
)
def test_conv2d_of_no_batch_or_no_channels_as_torch(shapes: tuple[Any, ...]) -> None:
    x_shape, x_dtype, w_shape, w_dtype, b_dtype = shapes
    x = np.zeros(x_shape, x_dtype)
    w = rng.standard_normal(w_shape).astype(w_dtype)
    b = None if b_dtype is None else rng.standard_normal(w_shape[0]).astype(b_dtype)
    check_grad(lambda t, x, w, b: t.nn.functional.conv2d(x, w, b, padding=1), x, w, b, depth=2)


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t.nn.functional.conv2d(t.zeros(0, 3, 5, 5, dtype=t.int64), t.ones(4, 3, 3, 3)),
        lambda t: t.nn.functional.conv2d(t.zeros(0, 3, 5, 5), t.ones(4, 3, 3, 3, dtype=t.int64)),
        lambda t: t.nn.functional.conv2d(
            t.zeros(0, 3, 5, 5), t.ones(4, 3, 3, 3), t.ones(4).double()
        ),
        lambda t: t.nn.functional.conv2d(t.zeros(0, 3, 5, 5), t.ones(4, 2, 3, 3)),  # (checked)
        lambda t: t.nn.functional.conv2d(t.zeros(0, 3, 2, 2), t.ones(4, 3, 3, 3)),
        lambda t: t.nn.functional.conv2d(t.zeros(2, 3, 0, 5), t.ones(4, 3, 3, 3), padding=1),
        lambda t: t.nn.functional.conv2d(t.zeros(2, 0, 5, 5), t.ones(4, 0, 3, 3), groups=2),
        lambda t: t.nn.Conv2d(0, 4, 3)(t.zeros(2, 0, 5, 5)),
    ],
)
def test_conv2d_of_no_elements_checks_as_torch(make: Callable[[Any], Any]) -> None:
    check(make)


def test_conv2d_saved_input_modified_in_place() -> None:
    def f(t: Any) -> Any:
        x = t.ones(1, 1, 3, 3, requires_grad=True)
        h = x * 1
        y = conv(t, h, t.ones(1, 1, 2, 2, requires_grad=True))
        h.add_(1)
        y.sum().backward()

    check_values(f, raises=RuntimeError, match="modified by an inplace operation")


def test_conv2d_same_warning() -> None:
    """picotorch warns once, with torch's words, about the extra copy 'same' padding needs for
    an even kernel."""
    conv_ops._warned_same_even = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        picotorch.nn.functional.conv2d(
            picotorch.ones(1, 1, 4, 4), picotorch.ones(1, 1, 2, 2), padding="same"
        )
        picotorch.nn.functional.conv2d(
            picotorch.ones(1, 1, 4, 4), picotorch.ones(1, 1, 2, 2), padding="same"
        )
    assert [w.category for w in caught] == [UserWarning]
    if TORCH_SAME_WARNING is None:
        pytest.skip("torch already gave its once-per-process warning before this module ran")
    assert TORCH_SAME_WARNING.startswith(str(caught[0].message))


def T(*shape: int, dtype: Any = F32) -> np.ndarray:
    return np.ones(shape, dtype)


CONV_ERRORS: list[tuple[str, tuple[Any, ...], dict[str, Any], type[Exception], str]] = [
    (
        "rank",
        (T(8, 8), T(6, 4, 3, 3)),
        {},
        RuntimeError,
        "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [8, 8]",
    ),
    (
        "rank5",
        (T(1, 2, 3, 8, 8), T(6, 3, 3, 3)),
        {},
        RuntimeError,
        "but got input of size: [1, 2, 3, 8, 8]",
    ),
    (
        "channels",
        (T(64, 3, 8, 8), T(16, 1, 3, 3)),
        {},
        RuntimeError,
        "Given groups=1, weight of size [16, 1, 3, 3], expected input[64, 3, 8, 8] to have 1 "
        "channels, but got 3 channels instead",
    ),
    (
        "channels_unbatched",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"groups": 2},
        RuntimeError,
        "expected input[1, 4, 8, 8] to have 8 channels, but got 4 channels instead",
    ),
    (
        "channels_groups",
        (T(1, 4, 8, 8), T(6, 2, 3, 3)),
        {"groups": 3},
        RuntimeError,
        "Given groups=3, weight of size [6, 2, 3, 3], expected input[1, 4, 8, 8] to have 6 "
        "channels",
    ),
    (
        "not_divisible",
        (T(1, 4, 8, 8), T(6, 1, 3, 3)),
        {"groups": 4},
        RuntimeError,
        "Given groups=4, expected weight to be divisible by 4 at dimension 0, but got weight of "
        "size [[6, 1, 3, 3]] instead",
    ),
    (
        "no_out_channels",
        (T(1, 4, 8, 8), T(0, 4, 3, 3)),
        {},
        RuntimeError,
        "Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size "
        "[0, 4, 3, 3] instead",
    ),
    (
        "bias_size",
        (T(1, 3, 8, 8), T(16, 3, 3, 3), T(15)),
        {},
        RuntimeError,
        "Given weight of size [16, 3, 3, 3], expected bias to be 1-dimensional with 16 elements, "
        "but got bias of size [15] instead",
    ),
    (
        "bias_2d",
        (T(1, 4, 8, 8), T(6, 4, 3, 3), T(6, 1)),
        {},
        RuntimeError,
        "but got bias of size [6, 1] instead",
    ),
    (
        "kernel_too_big",
        (T(1, 3, 2, 2), T(16, 3, 3, 3)),
        {},
        RuntimeError,
        "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size "
        "can't be greater than actual input size",
    ),
    (
        "dilated_too_big",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"dilation": 4},
        RuntimeError,
        "Kernel size: (9 x 9)",
    ),
    (
        "empty_kernel",
        (T(4, 8, 8), T(6, 4, 0, 3)),
        {},
        RuntimeError,
        "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 3",
    ),
    (
        "empty_image",
        (T(1, 4, 0, 2), T(6, 4, 1, 1)),
        {"padding": 2},
        RuntimeError,
        "Only zero batch or zero channel inputs are supported, but got input shape: [1, 4, 0, 2]",
    ),
    (
        "weight_dtype",
        (T(1, 3, 8, 8), T(16, 3, 3, 3, dtype=F64)),
        {},
        RuntimeError,
        "expected scalar type Float but found Double",
    ),
    (
        "input_dtype",
        (T(1, 3, 8, 8, dtype=F64), T(16, 3, 3, 3)),
        {},
        RuntimeError,
        "expected scalar type Double but found Float",
    ),
    (
        "bias_dtype",
        (T(1, 3, 8, 8), T(16, 3, 3, 3), T(16, dtype=F64)),
        {},
        RuntimeError,
        "Input type (float) and bias type (double) should be the same",
    ),
    (
        "bias_long",
        (T(1, 3, 8, 8, dtype=np.int64), T(16, 3, 3, 3, dtype=np.int64), T(16)),
        {},
        RuntimeError,
        "Input type (long int) and bias type (float) should be the same",
    ),
    (
        "bool",
        (T(1, 3, 8, 8, dtype=np.bool_), T(16, 3, 3, 3)),
        {},
        NotImplementedError,
        "\"slow_conv2d_cpu\" not implemented for 'Bool'",
    ),
    (
        "same_strided",
        (T(1, 3, 8, 8), T(16, 3, 3, 3)),
        {"stride": 2, "padding": "same"},
        RuntimeError,
        "padding='same' is not supported for strided convolutions",
    ),
    (
        "bad_padding_string",
        (T(1, 3, 8, 8), T(16, 3, 3, 3)),
        {"padding": "foo"},
        RuntimeError,
        "Invalid padding string: 'foo'",
    ),
    (
        "stride_length",
        (T(1, 4, 8, 8), T(6, 4, 3, 3)),
        {"stride": (1, 2, 3)},
        RuntimeError,
        "expected stride to be a single integer value or a list of 2 values to match the "
        "convolution dimensions, but got stride=[1, 2, 3]",
    ),
    (
        "stride_empty",
        (T(1, 4, 8, 8), T(6, 4, 3, 3)),
        {"stride": ()},
        RuntimeError,
        "but got stride=[]",
    ),
    (
        "padding_length",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"padding": (1, 1, 1)},
        RuntimeError,
        "expected padding to be a single integer value or a list of 2 values",
    ),
    (
        "weight_3d",
        (T(1, 3, 8, 8), T(16, 3, 3)),
        {},
        RuntimeError,
        "list of 1 values to match the convolution dimensions, but got stride=[1, 1]",
    ),
    (
        "weight_1d",
        (T(4, 8, 8), T(6)),
        {},
        RuntimeError,
        "weight should have at least three dimensions",
    ),
    (
        "negative_padding",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"padding": -1, "stride": 0},
        RuntimeError,
        "negative padding is not supported",
    ),
    (
        "zero_groups",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"stride": 0, "groups": 0},
        RuntimeError,
        "non-positive groups is not supported",
    ),
    (
        "zero_stride",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"stride": 0, "dilation": 0},
        RuntimeError,
        "non-positive stride is not supported",
    ),
    (
        "zero_dilation",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"dilation": (0, 1)},
        RuntimeError,
        "dilation should be greater than zero, but got [0, 1]",
    ),
    (
        "zero_dilation_groups",
        (T(4, 8, 8), T(6, 2, 3, 3)),
        {"dilation": 0, "groups": 2},
        RuntimeError,
        "non-positive dilation is not supported",
    ),
    (  # (a dilation of 0 is the kernel's to refuse: after the shapes are checked)
        "zero_dilation_after_channels",
        (T(4, 8, 8), T(6, 2, 3, 3)),
        {"dilation": 0},
        RuntimeError,
        "expected input[1, 4, 8, 8] to have 2 channels, but got 4 channels instead",
    ),
    (
        "zero_dilation_groups_after_channels",
        (T(4, 8, 8), T(6, 4, 3, 3), T(5)),
        {"dilation": 0, "groups": 2},
        RuntimeError,
        "expected input[1, 4, 8, 8] to have 8 channels",
    ),
    (
        "negative_dilation",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"dilation": (1, -1)},
        RuntimeError,
        "dilation should be greater than zero",
    ),
    (
        "same_stride_length",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"stride": (1, 1, 1), "padding": "same"},
        RuntimeError,
        "stride cannot broadcast to 2 dimensions",
    ),
    (
        "same_dilation_length",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"dilation": (1, 1, 1), "padding": "same"},
        RuntimeError,
        "dilation cannot broadcast to 2 dimensions",
    ),
    (
        "same_zero_dilation",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"dilation": 0, "padding": "same"},
        RuntimeError,
        "dilation should be greater than zero, but got [0, 0]",
    ),
    (
        "same_weight_3d",
        (T(4, 8, 8), T(6, 4, 3)),
        {"padding": "same"},
        RuntimeError,
        "Expected 3-dimensional input for 3-dimensional weight[6, 4, 3], but got 4-dimensional "
        "input of size [1, 4, 8, 8] instead",
    ),
    (
        "same_padded_shape",
        (T(4, 8, 8), T(6, 4, 10, 3)),
        {"padding": "same", "groups": 2},
        RuntimeError,
        "expected input[1, 4, 9, 8] to have 8 channels",
    ),
    ("float_padding", (T(4, 8, 8), T(6, 4, 3, 3)), {"padding": 1.0}, TypeError, "conv2d()"),
    (
        "float_in_tuple",
        (T(4, 8, 8), T(6, 4, 3, 3)),
        {"padding": (1, 2.0)},
        TypeError,
        "conv2d(): argument 'padding'",
    ),
    ("none_stride", (T(4, 8, 8), T(6, 4, 3, 3)), {"stride": None}, TypeError, "conv2d()"),
    ("float_groups", (T(4, 8, 8), T(6, 4, 3, 3)), {"groups": 2.0}, TypeError, "conv2d()"),
]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error", "match"), CONV_ERRORS, ids=[c[0] for c in CONV_ERRORS]
)
def test_conv2d_errors(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    check_values(lambda t, *a: conv(t, *a, **kwargs), *args, raises=error, match=match)


@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_conv2d_same_padding_compares_the_weights_dtype_first(dtype: str) -> None:
    check(
        lambda t, x: t.nn.Conv2d(2, 3, 3, padding="same")(x),
        np.ones((1, 2, 5, 5), dtype),
        raises=RuntimeError,
        same_message=True,
    )


def test_conv2d_not_a_tensor() -> None:
    check(
        lambda t, w: t.nn.functional.conv2d([1.0], w),
        T(1, 1, 1, 1),
        raises=TypeError,
        match="conv2d()",
    )
    check(
        lambda t, x: t.nn.functional.conv2d(x, 3), T(1, 1, 1, 1), raises=TypeError, match="conv2d()"
    )


# ---------------------------------------------------------------------- max_pool2d
POOL_CASES: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {
    "k2": ((2, 3, 6, 6), {"kernel_size": 2}),
    "k2_odd_size": ((2, 3, 7, 5), {"kernel_size": 2}),
    "k3_s2_p1": ((1, 2, 7, 7), {"kernel_size": 3, "stride": 2, "padding": 1}),
    "ceil": ((1, 2, 7, 6), {"kernel_size": 2, "ceil_mode": True}),
    "ceil_padded": ((1, 2, 5, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    "overlap": ((2, 2, 5, 6), {"kernel_size": 3, "stride": 1}),
    "rect": ((1, 3, 7, 8), {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 0)}),
    "unbatched": ((3, 6, 5), {"kernel_size": 2, "stride": 1}),
    "list_kernel": ((1, 2, 6, 6), {"kernel_size": [3], "stride": ()}),
}
MAX_ONLY = {
    "dilated": ((1, 2, 9, 8), {"kernel_size": 2, "dilation": (3, 2), "padding": 1}),
    "dilated_ceil": (
        (1, 2, 8, 8),
        {"kernel_size": 3, "stride": 2, "dilation": 2, "ceil_mode": True},
    ),
}


def max_pool(t: Any, x: Any, **kwargs: Any) -> Any:
    return t.nn.functional.max_pool2d(x, **kwargs)


def avg_pool(t: Any, x: Any, **kwargs: Any) -> Any:
    return t.nn.functional.avg_pool2d(x, **kwargs)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", {**POOL_CASES, **MAX_ONLY})
def test_max_pool2d(name: str, dtype: Any) -> None:
    shape, kwargs = {**POOL_CASES, **MAX_ONLY}[name]
    x = distinct(*shape, dtype=dtype)
    check_grads(lambda t, x: max_pool(t, x, **kwargs), x)
    check_grads(lambda t, x: max_pool(t, x, return_indices=True, **kwargs), x)


@pytest.mark.parametrize("name", ["k3_s2_p1", "overlap", "dilated"])
def test_max_pool2d_second_order(name: str) -> None:
    shape, kwargs = {**POOL_CASES, **MAX_ONLY}[name]
    check_grads(lambda t, x: max_pool(t, x, **kwargs), distinct(*shape), second_order=True)


SPECIAL = {
    "ties": np.zeros((1, 1, 4, 4)),
    "some_ties": np.array([[[[1, 3, 3, 0], [3, 2, 3, 3], [0, 0, 1, 1], [1, 0, 0, 1]]]]),
    "nan": np.array(
        [[[[np.nan, 1, 1, np.nan], [2, np.nan, 5, np.nan], [0, 0, 1, 1], [1, 0, 0, 1]]]]
    ),
    "minus_inf": np.full((1, 1, 5, 5), -np.inf),
    "inf": np.array(
        [[[[np.inf, 1, -np.inf, -np.inf], [np.inf, np.inf, -np.inf, 0], [0] * 4, [1] * 4]]]
    ),
}


@pytest.mark.parametrize("name", SPECIAL)
@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
        {"kernel_size": 2, "stride": 1, "padding": 1},
    ],
)
def test_max_pool2d_ties_nan_inf(name: str, kwargs: dict[str, Any]) -> None:
    """Which element is the maximum, as torch's loop decides: the first on ties, the last NaN
    if there is one, and never a padding position (even when everything is -inf)."""
    x = SPECIAL[name].astype(F32)
    check_values(lambda t, x: max_pool(t, x, return_indices=True, **kwargs), x)
    check_grads(lambda t, x: max_pool(t, x, **kwargs), x)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8"])
def test_max_pool2d_integers(dtype: str) -> None:
    info = np.iinfo(dtype)
    x = rng.integers(info.min, info.max, (2, 2, 5, 5), endpoint=True).astype(dtype)
    x[0, 0] = info.min  # all at the lowest value, with padding around
    check_values(
        lambda t, x: max_pool(t, x, kernel_size=3, stride=2, padding=1, return_indices=True), x
    )


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "uint8", "int64"])
@pytest.mark.parametrize(
    ("shape", "kernel"),
    [((2, 3, 8, 8), 2), ((2, 3, 4, 4), 2), ((1, 2, 4, 8), (2, 4)), ((1, 2, 6, 4), (3, 1))],
)
def test_max_pool2d_of_small_tiled_planes(
    shape: tuple[int, ...], kernel: Any, dtype: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # windows that tile planes with rows of at most 16 bytes are stacked in two copies of long
    # runs (conv._stacked_tiles), the others by the general path: the same values, indices and
    # gradients as torch either way, ties and NaNs included
    values = rng.integers(0, 4, shape).astype(dtype)  # (many ties)
    if values.dtype.kind == "f":
        values.flat[::5] = np.nan
    tiles: list[bool] = []
    stacked_tiles = conv_ops._stacked_tiles
    monkeypatch.setattr(
        conv_ops, "_stacked_tiles", lambda *a: tiles.append(True) or stacked_tiles(*a)
    )
    check_values(lambda t, x: max_pool(t, x, kernel_size=kernel, return_indices=True), values)
    if dtype in ("float32", "float64"):
        check_grads(lambda t, x: max_pool(t, x, kernel_size=kernel), values)
    kw = kernel if isinstance(kernel, int) else kernel[1]
    assert bool(tiles) == (shape[3] // kw * values.itemsize <= 16)


@pytest.mark.parametrize(
    ("dtype", "shape"),
    [
        ("int8", (1, 2, 127, 1)),  # (at the limit: fine)
        ("int8", (1, 2, 16, 8)),
        ("uint8", (2, 3, 12, 11)),
        ("int16", (1, 2, 32768, 1)),
        ("int8", (0, 2, 16, 16)),  # (no batch: no kernel runs)
        ("int8", (2, 1, 16, 16)),  # (one channel: contiguous too)
        ("int32", (1, 2, 16, 16)),
    ],
)
def test_max_pool2d_refuses_big_channels_last_planes_of_narrow_integers(
    dtype: str, shape: tuple[int, ...]
) -> None:
    x = np.zeros(shape, dtype)
    check_values(
        lambda t, x: max_pool(t, x.contiguous(memory_format=t.channels_last), kernel_size=1),
        x,
        same_message=True,
    )


def test_max_pool2d_non_contiguous() -> None:
    check_grads(lambda t, x: max_pool(t, x.transpose(2, 3), kernel_size=2), distinct(2, 3, 6, 4))
    check_grads(
        lambda t, x: max_pool(t, x[:, :, ::2], kernel_size=2, stride=1), distinct(2, 3, 8, 4)
    )


def test_max_pool2d_indices_then_backward_through_other_ops() -> None:
    """The typical CNN block: conv, relu, max pool, flatten."""

    def block(t: Any, x: Any, w: Any, b: Any) -> Any:
        h = t.nn.functional.relu(conv(t, x, w, b, padding=1))
        return max_pool(t, h, kernel_size=2).view(x.shape[0], -1)

    check_grads(block, randn(4, 1, 8, 8), randn(3, 1, 3, 3), randn(3), depth=3)


# ---------------------------------------------------------------------- avg_pool2d
AVG_ONLY = {
    "no_pad_count": (
        (1, 2, 7, 7),
        {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
    ),
    "ceil_no_pad_count": (
        (1, 2, 6, 5),
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    "divisor": ((1, 2, 6, 6), {"kernel_size": 3, "padding": 1, "divisor_override": 5}),
    "ceil_divisor": ((1, 2, 5, 5), {"kernel_size": 2, "ceil_mode": True, "divisor_override": 3}),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", {**POOL_CASES, **AVG_ONLY})
def test_avg_pool2d(name: str, dtype: Any) -> None:
    shape, kwargs = {**POOL_CASES, **AVG_ONLY}[name]
    check_grads(lambda t, x: avg_pool(t, x, **kwargs), randn(*shape, dtype=dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("name", {**POOL_CASES, **AVG_ONLY})
def test_avg_pool2d_is_torchs_bit_for_bit(name: str, dtype: str) -> None:
    """The forward adds each window in torch's order (float16 in float32); the backward adds
    the shares of overlapping windows into an input element in torch's order (window after
    window, row by row). Before, up to 60 % of such gradients and 70 % of float16 averages
    differed from torch's in the last bit."""
    shape, kwargs = {**POOL_CASES, **AVG_ONLY}[name]
    x = np.random.default_rng(3).standard_normal(shape).astype(dtype)
    outs = []
    for lib in LIBS:
        t = lib.from_numpy(x.copy()).requires_grad_()
        y = avg_pool(lib, t, **kwargs)
        y.backward(lib.from_numpy(np.random.default_rng(4).standard_normal(y.shape).astype(dtype)))
        outs.append((y.detach().numpy(), t.grad.numpy()))
    for mine, theirs in zip(outs[0], outs[1], strict=True):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("name", ["ceil_padded", "overlap", "ceil_no_pad_count", "divisor"])
def test_avg_pool2d_second_order(name: str) -> None:
    shape, kwargs = {**POOL_CASES, **AVG_ONLY}[name]
    check_grads(lambda t, x: avg_pool(t, x, **kwargs), randn(*shape, dtype=F64), second_order=True)


def test_avg_pool2d_integers() -> None:
    """Integer averages round toward zero, as C++ division does."""
    x = rng.integers(-50, 50, (2, 2, 5, 5))
    check_values(lambda t, x: avg_pool(t, x, kernel_size=2), x)
    check_values(
        lambda t, x: avg_pool(t, x, kernel_size=3, stride=2, padding=1, divisor_override=4), x
    )


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "bool"])
def test_avg_pool2d_of_other_integers_is_not_implemented(dtype: str) -> None:
    x = np.arange(16).reshape(1, 1, 4, 4).astype(dtype)  # (torch's kernel: int64 and floats)
    check(lambda L, t: avg_pool(L, t, kernel_size=2), x, raises=NotImplementedError)


def test_pooling_gradcheck() -> None:
    x = distinct(1, 1, 4, 4)
    for lib in LIBS:
        leaf = lib.from_numpy(x.copy()).requires_grad_()

        def mp(x: Any, lib: Any = lib) -> Any:
            return lib.nn.functional.max_pool2d(x, 3, stride=1, padding=1, dilation=(1, 2))

        def ap(x: Any, lib: Any = lib) -> Any:
            return lib.nn.functional.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)

        for f in (mp, ap):
            assert lib.autograd.gradcheck(f, (leaf,))
            assert lib.autograd.gradgradcheck(f, (leaf,))


POOL_ERRORS: list[tuple[str, Callable[..., Any], tuple[Any, ...], type[Exception], str]] = [
    (
        "max_pad_half",
        max_pool,
        (T(2, 3, 7, 7), 3, 1, 2),
        RuntimeError,
        "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
        "dilation=1",
    ),
    (
        "avg_pad_half",
        avg_pool,
        (T(2, 3, 7, 7), 3, 1, 2),
        RuntimeError,
        "pad should be at most half of effective kernel size, but got pad=2",
    ),
    (
        "max_negative_pad",
        max_pool,
        (T(1, 3, 4, 4), 2, 1, -1),
        RuntimeError,
        "pad must be non-negative, but got pad: -1",
    ),
    (
        "avg_negative_pad",
        avg_pool,
        (T(1, 3, 4, 4), 2, 1, -1),
        RuntimeError,
        "pad must be non-negative, but got pad: -1",
    ),
    ("max_zero_kernel", max_pool, (T(2, 3, 7, 7), 0), RuntimeError, "stride should not be zero"),
    ("avg_zero_stride", avg_pool, (T(2, 3, 7, 7), 2, 0), RuntimeError, "stride should not be zero"),
    (
        "max_zero_kernel_h",
        max_pool,
        (T(1, 3, 4, 4), (0, 2), 1),
        RuntimeError,
        "kernel size should be greater than zero, but got kH: 0 kW: 2",
    ),
    (
        "avg_negative_stride",
        avg_pool,
        (T(1, 3, 4, 4), 2, -1),
        RuntimeError,
        "stride should be greater than zero, but got dH: -1 dW: -1",
    ),
    (
        "max_zero_dilation",
        max_pool,
        (T(1, 3, 4, 4), 2, 1, 0, 0),
        RuntimeError,
        "dilation should be greater than zero, but got dilationH: 0 dilationW: 0",
    ),
    (
        "max_too_small",
        max_pool,
        (T(2, 3, 7, 7), 8),
        RuntimeError,
        "Given input size: (3x7x7). Calculated output size: (3x0x0). Output size is too small",
    ),
    ("avg_too_small", avg_pool, (T(2, 3, 7, 7), 8), RuntimeError, "Output size is too small"),
    (
        "max_2d",
        max_pool,
        (T(7, 7), 2),
        RuntimeError,
        "non-empty 3D or 4D (batch mode) tensor expected for input",
    ),
    (
        "avg_2d",
        avg_pool,
        (T(7, 7), 2),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got -3)",
    ),
    (
        "max_5d",
        max_pool,
        (T(1, 2, 3, 7, 7), 2),
        RuntimeError,
        "non-empty 3D or 4D (batch mode) tensor expected for input",
    ),
    (
        "avg_5d",
        avg_pool,
        (T(1, 2, 3, 7, 7), 2),
        RuntimeError,
        "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
        "got:[1, 2, 3, 7, 7]",
    ),
    ("max_no_channels", max_pool, (T(1, 0, 4, 4), 2), RuntimeError, "but got:[1, 0, 4, 4]"),
    ("avg_no_rows", avg_pool, (T(3, 0, 4), 2), RuntimeError, "but got:[3, 0, 4]"),
    (
        "max_kernel_3",
        max_pool,
        (T(2, 3, 7, 7), (2, 2, 2)),
        RuntimeError,
        "max_pool2d: kernel_size must either be a single int, or a tuple of two ints",
    ),
    (
        "avg_kernel_3",
        avg_pool,
        (T(2, 3, 7, 7), (2, 2, 2)),
        RuntimeError,
        "avg_pool2d: kernel_size must either be a single int, or a tuple of two ints",
    ),
    (
        "max_stride_3",
        max_pool,
        (T(2, 3, 7, 7), 2, (1, 2, 3)),
        RuntimeError,
        "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints",
    ),
    (
        "max_bool",
        max_pool,
        (T(1, 2, 4, 4, dtype=np.bool_), 2),
        NotImplementedError,
        "\"max_pool2d\" not implemented for 'Bool'",
    ),
    (
        "max_float_kernel",
        max_pool,
        (T(1, 2, 4, 4), 2.0),
        TypeError,
        "max_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, not float",
    ),
]


@pytest.mark.parametrize(
    ("name", "fn", "args", "error", "match"), POOL_ERRORS, ids=[c[0] for c in POOL_ERRORS]
)
def test_pool_errors(
    name: str, fn: Callable[..., Any], args: tuple[Any, ...], error: type[Exception], match: str
) -> None:
    x, *rest = args
    names = ["kernel_size", "stride", "padding", "dilation"]
    check(
        lambda t, x: fn(t, x, **dict(zip(names, rest, strict=False))), x, raises=error, match=match
    )


def test_avg_pool2d_divisor_errors() -> None:
    check(
        lambda t, x: avg_pool(t, x, kernel_size=2, divisor_override=0),
        T(1, 2, 4, 4),
        raises=RuntimeError,
        match="divisor must be not zero",
    )
    check(
        lambda t, x: avg_pool(t, x, kernel_size=2, divisor_override=2.5),
        T(1, 2, 4, 4),
        raises=TypeError,
        match="argument 'divisor_override' must be int, not float",
    )


def test_pool_empty_batch() -> None:
    check_grads(lambda t, x: max_pool(t, x, kernel_size=2), randn(0, 2, 4, 4))
    check_grads(lambda t, x: avg_pool(t, x, kernel_size=2), randn(0, 2, 4, 4))


# ---------------------------------------------------------------------- pad
PADS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "last_dim": ((2, 3, 4), (1, 2)),
    "two_dims": ((2, 3, 4), (1, 2, 0, 3)),
    "three_dims": ((2, 3, 4, 5), (1, 1, 2, 0, 1, 2)),
    "crop": ((2, 3, 4, 5), (-1, 2, 1, -2)),
    "crop_all": ((2, 3, 4, 5), (-5, 0)),
    "nothing": ((3, 4), (0, 0)),
    "vector": ((5,), (2, 3)),
    "all_dims": ((2, 3), (1, 1, 1, 1)),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", PADS)
def test_pad_constant(name: str, dtype: Any) -> None:
    shape, amounts = PADS[name]
    check_grads(lambda t, x: t.nn.functional.pad(x, amounts), randn(*shape, dtype=dtype))
    check_grads(
        lambda t, x: t.nn.functional.pad(x, amounts, value=-1.5), randn(*shape, dtype=dtype)
    )


def test_pad_constant_second_order() -> None:
    check_grads(
        lambda t, x: t.nn.functional.pad(x, (1, -1, 2, 0)) ** 2,
        randn(2, 3, 4, dtype=F64),
        second_order=True,
    )


@pytest.mark.parametrize("dtype", ["int64", "bool", "uint8"])
def test_pad_constant_values_cast(dtype: str) -> None:
    x = rng.integers(0, 2, (2, 3)).astype(dtype)
    check_values(lambda t, x: t.nn.functional.pad(x, (1, 1), value=2.5), x)
    check_values(lambda t, x: t.nn.functional.pad(x, [0, 1, 1, 0]), x)


MODES_CASES: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "1d": ((2, 3, 5), (3, 2)),
    "1d_unbatched": ((3, 5), (1, 4)),
    "2d": ((2, 3, 4, 5), (1, 2, 3, 1)),
    "2d_unbatched": ((3, 4, 5), (2, 0, 1, 3)),
    "3d": ((1, 2, 3, 4, 5), (1, 1, 2, 0, 0, 2)),
    "crop": ((2, 3, 4, 5), (-1, 2, 1, -2)),
    "nothing": ((2, 3, 4), (0, 0)),
}


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("name", MODES_CASES)
def test_pad_modes(name: str, mode: str) -> None:
    shape, amounts = MODES_CASES[name]
    # circular: torch's graph is a chain of slice copies; only the node's own name matches
    depth = 0 if mode == "circular" else 1
    check_grads(
        lambda t, x: t.nn.functional.pad(x, amounts, mode=mode),
        randn(*shape, dtype=F64),
        depth=depth,
    )


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_modes_second_order(mode: str) -> None:
    check_grads(
        lambda t, x: t.nn.functional.pad(x, (2, 1, 1, 2), mode=mode) ** 2,
        randn(2, 3, 4, dtype=F64),
        second_order=True,
        depth=0,
    )


def test_pad_modes_integers() -> None:
    x = rng.integers(-9, 9, (2, 3, 4))
    for mode in ("reflect", "replicate", "circular"):
        check_values(lambda t, x, mode=mode: t.nn.functional.pad(x, (2, 3), mode=mode), x)
    check_values(lambda t, x: t.nn.functional.pad(x, (2, 3), mode="circular"), x.astype(bool))


def test_pad_gradcheck() -> None:
    x = randn(1, 1, 3, 3, dtype=F64)
    for lib in LIBS:
        leaf = lib.from_numpy(x.copy()).requires_grad_()
        for mode in ("constant", "reflect", "replicate", "circular"):

            def f(x: Any, lib: Any = lib, mode: str = mode) -> Any:
                return lib.nn.functional.pad(x, (2, 1, -1, 1), mode=mode)

            assert lib.autograd.gradcheck(f, (leaf,))
            assert lib.autograd.gradgradcheck(f, (leaf,))


PAD_ERRORS: list[tuple[str, tuple[int, ...], Any, dict[str, Any], type[Exception], str]] = [
    ("odd_length", (2, 3, 4), (1,), {}, RuntimeError, "Padding length must be divisible by 2"),
    (
        "too_long",
        (2, 3, 4, 5),
        (1,) * 10,
        {},
        RuntimeError,
        "Padding length should be less than or equal to two times the input dimension but got "
        "padding length 10 and input of dimension 4",
    ),
    (
        "over_crop",
        (2, 3, 4, 5),
        (-6, 0),
        {},
        RuntimeError,
        "narrow(): length must be non-negative.",
    ),
    (
        "float_amount",
        (2, 3),
        (1.5, 0),
        {},
        TypeError,
        "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
        "float at pos 0",
    ),
    (
        "int_pad",
        (2, 3),
        1,
        {},
        TypeError,
        "pad(): argument 'pad' (position 2) must be tuple of ints, not int",
    ),
    (
        "bad_mode",
        (2, 3),
        (1, 1),
        {"mode": "foo"},
        NotImplementedError,
        "Unrecognised padding mode foo",
    ),
    (
        "mode_value",
        (2, 3),
        (1, 1),
        {"mode": "reflect", "value": 3},
        RuntimeError,
        'Padding mode "reflect" doesn\'t take in value argument',
    ),
    (
        "mode_size",
        (2, 3, 4, 5),
        (1, 2),
        {"mode": "replicate"},
        NotImplementedError,
        "Padding size 2 is not supported for 4D input tensor.",
    ),
    (
        "mode_1d_input",
        (4,),
        (1, 2),
        {"mode": "reflect"},
        NotImplementedError,
        "Padding size 2 is not supported for 1D input tensor.",
    ),
    (
        "mode_6_3d",
        (2, 3, 4),
        (1,) * 6,
        {"mode": "circular"},
        NotImplementedError,
        "Padding size 6 is not supported for 3D input tensor.",
    ),
    (
        "reflect_too_much",
        (2, 3, 4),
        (4, 4),
        {"mode": "reflect"},
        RuntimeError,
        "Argument #4: Padding size should be less than the corresponding input dimension, but "
        "got: padding (4, 4) at dimension 2 of input [2, 3, 4]",
    ),
    (
        "reflect_too_much_h",
        (2, 3, 4),
        (2, 2, 3, 3),
        {"mode": "reflect"},
        RuntimeError,
        "Argument #6: Padding size should be less than the corresponding input dimension, but "
        "got: padding (3, 3) at dimension 1 of input [2, 3, 4]",
    ),
    (
        "circular_wraps_twice",
        (2, 3, 4),
        (5, 5),
        {"mode": "circular"},
        RuntimeError,
        "Padding value causes wrapping around more than once.",
    ),
    (
        "reflect_bool",
        (2, 3, 4),
        (1, 1),
        {"mode": "reflect"},
        NotImplementedError,
        "\"reflection_pad1d\" not implemented for 'Bool'",
    ),
    (
        "replicate_empty",
        (2, 0, 4),
        (1, 1),
        {"mode": "replicate"},
        RuntimeError,
        "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero "
        "dimensions for input, but got: [2, 0, 4]",
    ),
]


@pytest.mark.parametrize(
    ("name", "shape", "amounts", "kwargs", "error", "match"),
    PAD_ERRORS,
    ids=[c[0] for c in PAD_ERRORS],
)
def test_pad_errors(
    name: str,
    shape: tuple[int, ...],
    amounts: Any,
    kwargs: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    x = np.ones(shape, bool if name.endswith("bool") else F32)
    check_values(
        lambda t, x: t.nn.functional.pad(x, amounts, **kwargs), x, raises=error, match=match
    )


@pytest.mark.parametrize(
    ("shape", "amounts", "mode"),
    [
        # a crop and a pad of one dim: reflect and replicate work in the input's coordinates
        # (a cropped element may be reflected back in), circular wraps what is left
        ((2, 4), (-2, 2), "reflect"),
        ((2, 4), (-1, 3), "reflect"),
        ((1, 3, 4), (-2, 0, -2, 1), "reflect"),
        ((2, 4), (-2, 2), "replicate"),
        ((1, 2, 3, 4), (1, -3, -1, 2, 0, -1), "replicate"),
        ((2, 4), (-1, 2), "circular"),
        ((1, 3, 4), (-2, 1, 1, -1), "circular"),
        ((2, 4), (-4, 1), "constant"),
        ((2, 4), (-5, 1), "circular"),  # (nothing: an empty result)
        ((1, 3, 4), (-4, 0, 0, 0), "reflect"),  # (no element in one dim, some in the other)
    ],
)
def test_pad_crop_and_pad_as_torch(shape: tuple[int, ...], amounts: Any, mode: str) -> None:
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    depth = 0 if mode == "circular" else 1  # (see test_pad_modes)
    if np.prod([n + a + b for n, a, b in zip(shape[::-1], amounts[::2], amounts[1::2])]):
        check_grads(lambda L, t: L.nn.functional.pad(t, amounts, mode=mode), x, depth=depth)
    else:
        check_values(lambda L, t: L.nn.functional.pad(t, amounts, mode=mode), x)


@pytest.mark.parametrize(
    ("shape", "amounts", "mode"),
    [
        ((2, 4), (-5, 1), "constant"),  # (torch narrows first)
        ((2, 4), (-4, 0), "reflect"),  # no element left: "too small", in each kernel's words
        ((2, 4), (-5, 1), "replicate"),
        ((1, 3, 4), (-4, 0, -3, 0), "reflect"),
        ((1, 3, 4), (-4, 0, -3, 0), "replicate"),
        ((1, 2, 3, 4), (-4, 0, -3, 0, -2, 0), "reflect"),
        ((1, 3, 4), (-2, 0, -2, -2), "reflect"),  # (a size below 0 beside one above)
        ((1, 3, 4), (-2, 0, -2, -2), "replicate"),
        ((1, 2, 3, 4), (0, 0, 0, 0, -3, 0), "reflect"),
        ((1, 3, 4), (4, 1, 3, -4), "reflect"),  # (the last dim's amounts are checked first)
        ((1, 2, 3), (-2, -2), "circular"),
        ((1, 1, 3, 4), (0, 0, -2, 2), "circular"),  # (torch's copy would overlap itself)
    ],
)
def test_pad_crop_errors_as_torch(shape: tuple[int, ...], amounts: Any, mode: str) -> None:
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    check(lambda L, t: L.nn.functional.pad(t, amounts, mode=mode), x, same_message=True)


def test_pad_empty_batch_and_value_zero() -> None:
    check_values(lambda t, x: t.nn.functional.pad(x, (1, 1), mode="reflect"), T(0, 3, 4))
    check_values(lambda t, x: t.nn.functional.pad(x, (1, 1), mode="reflect", value=0), T(2, 3, 4))


# ---------------------------------------------------------------------- adaptive average pooling
@pytest.mark.parametrize(
    ("shape", "size"),
    [
        ((2, 3, 5, 7), (3, 4)),  # windows of two sizes, overlapping by one
        ((2, 3, 5, 7), 2),
        ((3, 5, 7), (2, 2)),  # unbatched
        ((1, 2, 4, 4), (None, 3)),  # None keeps the input's size
        ((1, 2, 3, 3), (5, 4)),  # larger than the input: windows repeat input elements
        ((2, 3, 4, 4), 1),  # 1x1: the mean, as torch records it (MeanBackward1)
    ],
)
def test_adaptive_avg_pool2d(shape: tuple[int, ...], size: Any) -> None:
    # (the last CNN of PyTorch's "What is torch.nn really?" ends with AdaptiveAvgPool2d(1))
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    check_grads(lambda L, t: L.nn.functional.adaptive_avg_pool2d(t, size), x)
    check_values(
        lambda L, t: (L.nn.AdaptiveAvgPool2d(size)(t), repr(L.nn.AdaptiveAvgPool2d(size))), x
    )
    # an empty output (torch's backward refuses one, so only the forward is compared)
    check_values(lambda L, t: L.nn.functional.adaptive_avg_pool2d(t, (0, 2)), x)


@pytest.mark.parametrize(
    ("shape", "size", "dtype"),
    [
        ((5, 7), 2, "float32"),
        ((2, 3, 0, 4), 2, "float32"),
        ((1, 1, 4, 4), (2, 2, 2), "float32"),
        ((1, 1, 4, 4), (-1, 2), "float32"),
        ((1, 1, 4, 4), 2, "int64"),
    ],
)
def test_adaptive_avg_pool2d_errors(shape: tuple[int, ...], size: Any, dtype: str) -> None:
    x = np.ones(shape, dtype)
    check(
        lambda L, t: L.nn.functional.adaptive_avg_pool2d(t, size),
        x,
        raises=(RuntimeError if dtype == "float32" else NotImplementedError),
        same_message=True,
    )


@pytest.mark.parametrize(
    ("shape", "size"),
    [
        ((2, 0, 5, 6), 2),  # no channels: torch checks only the height and width
        ((0, 5, 6), 2),
        ((2, 2, 5, 6), 0),  # no output element: its backward refuses
        ((2, 2, 5, 6), (2, 0)),
    ],
)
def test_adaptive_avg_pool2d_of_no_elements(shape: tuple[int, ...], size: Any) -> None:
    def fn(L: Any, t: Any) -> Any:
        y = L.nn.functional.adaptive_avg_pool2d(t.requires_grad_(), size)
        y.sum().backward()
        return y, t.grad

    check(fn, np.ones(shape, np.float32), same_message=True)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_adaptive_avg_pool2d_is_torchs_bit_for_bit(dtype: str) -> None:
    # each window summed in torch's order (float16 in float32) and divided by its height, then
    # by its width
    x = np.random.default_rng(1).standard_normal((2, 3, 13, 11)).astype(dtype)
    g = np.random.default_rng(2).standard_normal((2, 3, 4, 5)).astype(dtype)
    outs = []
    for lib in (picotorch, torch):
        t = lib.from_numpy(x.copy()).requires_grad_()
        y = lib.nn.functional.adaptive_avg_pool2d(t, (4, 5))
        y.backward(lib.from_numpy(g.copy()))
        outs.append((y.detach().numpy(), t.grad.numpy()))
    for mine, theirs in zip(outs[0], outs[1], strict=True):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize(
    ("shape", "size"), [((1, 2, 5, 5), (2, 3)), ((1, 1, 4, 4), 3), ((2, 6, 7), (None, 2))], ids=str
)
def test_adaptive_avg_pool2d_second_derivative(shape: Any, size: Any) -> None:
    # the backward pools the gradient's gradient again and gives the input zeros
    def fn(lib: Any, x: Any) -> Any:
        return second_derivatives(lib, x, lambda x: lib.nn.functional.adaptive_avg_pool2d(x, size))

    check(fn, randn(*shape).astype(np.float64))


def second_derivatives(lib: Any, x: Any, op: Callable[[Any], Any]) -> Any:
    """``op(x)``'s gradient for a fixed weighting, taken with ``create_graph``; then the
    backward of its squares: the gradient's node, and the gradients of x and the weighting."""
    x.requires_grad_()
    y = op(x)
    weighting = lib.cos(lib.arange(y.numel(), dtype=x.dtype)).view(y.shape).requires_grad_()
    (gx,) = lib.autograd.grad(y, x, weighting, create_graph=True)
    (gx * gx).sum().backward()
    return type(gx.grad_fn).__name__, x.grad, weighting.grad


# torch's parser tells a list of ints by its first item, which must be an int (not a bool, not a
# float); it unpacks the others as ints, bools included. (conv2d has two overloads: its message
# is torch's "invalid combination" list, which names how each argument was given)
INT_LIST_CALLS = {
    "max_pool2d bool first": ("F.max_pool2d(x, (True, 2))", True),
    "max_pool2d bool second": ("F.max_pool2d(x, (2, True))", True),
    "max_pool2d float first": ("F.max_pool2d(x, (2.0, 2))", True),
    "max_pool2d float second": ("F.max_pool2d(x, (2, 2.0))", True),
    "avg_pool2d stride bool first": ("F.avg_pool2d(x, 2, (True, 2))", True),
    "pad bool first": ("F.pad(x, (True, 1))", True),
    "pad bool later": ("F.pad(x, (1, True, 0, 1))", True),
    "pad float later": ("F.pad(x, (1, 2.0))", True),
    "conv2d stride bool first": ("F.conv2d(x, w, stride=(True, 1))", False),
    "conv2d padding bool first": ("F.conv2d(x, w, padding=(True, 0))", False),
    "conv2d stride bool second": ("F.conv2d(x, w, stride=(2, True))", True),
    "conv2d stride float second": ("F.conv2d(x, w, stride=(1, 2.0))", True),
    "Conv2d stride=True": ("nn.Conv2d(1, 1, 2, stride=True)(x)", False),
}


@pytest.mark.parametrize("name", INT_LIST_CALLS)
def test_int_lists_read_as_torch_reads_them(name: str) -> None:
    call, same_message = INT_LIST_CALLS[name]
    check(lambda lib: evaluated(lib, call, (1, 1, 4, 4), (1, 1, 2, 2)), same_message=same_message)


def evaluated(lib: Any, call: str, x_shape: tuple[int, ...], w_shape: tuple[int, ...]) -> Any:
    """``call`` (text) evaluated with ``lib`` as ``t`` (and its ``F`` and ``nn``), NumPy, and
    an input ``x`` and weight ``w`` of ones, after seeding ``lib``'s generator."""
    lib.manual_seed(0)
    scope = {"t": lib, "F": lib.nn.functional, "nn": lib.nn, "np": np}
    return eval(call, {**scope, "x": lib.ones(*x_shape), "w": lib.ones(*w_shape)})


@pytest.mark.parametrize(
    "call",
    [
        "F.max_pool2d(x, -1)",
        "F.max_pool2d(x, (2, -1))",
        "F.avg_pool2d(x, -1)",
        "F.avg_pool2d(x, (2, 0))",
        "F.max_pool2d(x, -3, 1, 0, 1)",
        "F.max_pool2d(x, 2, -1)",
        "F.max_pool2d(x, 2, 1, -1)",
    ],
)
def test_pooling_sizes_checked_in_torch_order(call: str) -> None:
    # (the pad's bound is half the effective kernel size, halved as C halves: toward 0)
    check(
        lambda lib: evaluated(lib, call, (1, 1, 4, 4), (1,)), raises=RuntimeError, same_message=True
    )


PAD_KERNELS = [
    ("reflect", (1, 2, 5), (1, 1)),
    ("reflect", (1, 1, 3, 3), (1, 1, 2, 0)),
    ("reflect", (1, 1, 2, 3, 3), (1, 1, 1, 1, 1, 0)),
    ("replicate", (2, 4), (2, 1)),
    ("replicate", (1, 1, 3, 3), (1, 1, 1, 1)),
    ("replicate", (1, 1, 2, 2, 2), (1, 0, 0, 1, 2, 2)),
]


@pytest.mark.parametrize(("mode", "shape", "amounts"), PAD_KERNELS, ids=str)
def test_reflect_and_replicate_second_derivatives(mode: str, shape: Any, amounts: Any) -> None:
    # torch's backward of these kernels takes the input: a second derivative reaches it (zeros)
    # and pads the gradient's gradient again, under torch's node name
    def fn(lib: Any, x: Any) -> Any:
        return second_derivatives(lib, x, lambda x: lib.nn.functional.pad(x, amounts, mode=mode))

    check(fn, randn(*shape).astype(np.float64))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_input_written_before_backward(mode: str) -> None:
    # reflect and replicate save their input (torch's version error); circular copies slices
    def fn(lib: Any, x: Any) -> Any:
        x.requires_grad_()
        y = x * 1
        padded = lib.nn.functional.pad(y, (1, 1), mode=mode)
        y.add_(1)
        padded.sum().backward()
        return x.grad

    check(fn, randn(1, 3), match="modified by an inplace operation" if mode != "circular" else None)


POOL_LAYOUTS = {
    "channels-last": lambda lib: lib.arange(48.0).view(2, 4, 3, 2).permute(0, 3, 1, 2),
    "channels-last, one pixel": lambda lib: (
        lib.arange(48.0).view(2, 4, 3, 2).permute(0, 3, 1, 2)[:1, :, :1, :1]
    ),
    "transposed": lambda lib: lib.arange(18.0).view(2, 1, 3, 3).transpose(2, 3),
    "unbatched transposed": lambda lib: lib.arange(24.0).view(2, 3, 4).transpose(1, 2),
}


@pytest.mark.parametrize("layout", POOL_LAYOUTS)
def test_pooling_results_laid_out_as_torch(layout: str) -> None:
    # channels-last in, channels-last out (the indices too); anything else row-major
    def fn(lib: Any) -> Any:
        x = POOL_LAYOUTS[layout](lib).requires_grad_()
        size = 1 if x.shape[-1] == 1 else 2
        values, indices = lib.nn.functional.max_pool2d(x, size, 1, return_indices=True)
        mean = lib.nn.functional.avg_pool2d(x, size, 1)
        adaptive = lib.nn.functional.adaptive_avg_pool2d(x, (2, None))
        (values.sum() + mean.sum() + adaptive.sum()).backward()
        # (not compared for one pixel: torch's backward lays that gradient out channels-last,
        # picotorch's row-major; both hold its two elements in the same order)
        return values, indices, mean, adaptive, x.grad if x.numel() > 2 else None

    check(fn, strides=True)


PAD_LAYOUTS = {
    "channels-last": lambda t: (
        t.arange(24.0).view(1, 2, 3, 4).contiguous(memory_format=t.channels_last)
    ),
    "transposed": lambda t: t.arange(20.0).view(1, 1, 4, 5).transpose(-1, -2),
    "transposed 2-d": lambda t: t.arange(10.0).view(2, 5).t(),
    "channels-last 3d": lambda t: (
        t.arange(48.0).view(1, 2, 2, 3, 4).contiguous(memory_format=t.channels_last_3d)
    ),
}


@pytest.mark.parametrize(
    ("mode", "amounts"),
    [
        ("constant", (1, 1)),
        ("constant", (0, 0)),
        ("constant", (-1, 0)),
        ("constant", (1, -1, 0, 0)),
        ("reflect", (1, 1)),
        ("replicate", (1, 1)),
        ("circular", (1, 1)),
    ],
    ids=str,
)
@pytest.mark.parametrize("layout", PAD_LAYOUTS)
def test_pad_results_laid_out_as_torch(layout: str, mode: str, amounts: Any) -> None:
    # reflect, replicate and padding constant lay out their result in the input's suggested
    # memory format, circular row-major; cutting only copies what is left, layout and all
    def fn(lib: Any) -> Any:
        x = PAD_LAYOUTS[layout](lib).requires_grad_()
        padded = lib.nn.functional.pad(x, amounts, mode=mode)
        padded.sum().backward()
        return padded, x.grad

    check(fn, strides=True)


@pytest.mark.parametrize(
    "call",
    [
        "F.conv2d(x, w, groups=t.tensor(3))",
        "F.conv2d(x, w, groups=t.tensor([3]))",  # (a size: an integer tensor of one element)
        "F.conv2d(x, w, groups=t.tensor(3.0))",
        "F.conv2d(x, w, groups=np.array(3))",
        "F.conv2d(x, w, groups=np.array([3]))",
        "nn.Conv2d(6, 3, 3, groups=t.tensor(3))(x)",
        "F.avg_pool2d(x, 3, divisor_override=t.tensor(2))",
        "F.avg_pool2d(x, 3, divisor_override=t.tensor([2]))",
        "F.avg_pool2d(x, 3, divisor_override=np.array(2))",
    ],
)
def test_int_arguments_given_as_tensors(call: str) -> None:
    check(lambda lib: evaluated(lib, call, (1, 6, 5, 5), (3, 2, 3, 3)))


def test_avg_pool2d_gradient_under_create_graph_is_row_major() -> None:
    # (it was a view into the padded buffer)
    def fn(lib: Any) -> Any:
        x = lib.arange(60.0).reshape(3, 4, 5).requires_grad_()
        y = lib.nn.functional.avg_pool2d(x, 3, stride=2, padding=1)
        (gx,) = lib.autograd.grad(y, x, lib.ones_like(y), create_graph=True)
        return gx, gx.is_contiguous()

    check(fn, strides=True)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("groups", [1, 2])
@pytest.mark.parametrize("kernel", [1, 3])
@pytest.mark.parametrize("layouts", ["contiguous", "input", "weight", "both"])
def test_conv2d_lays_out_its_output_and_gradients_as_torch(
    layouts: str, kernel: int, groups: int, dtype: Any
) -> None:
    """Channels-last when the input or the weight is (a 1x1 weight is either); the gradients
    of the input and weight too (seen through autograd.grad: a leaf's .grad is laid out as
    the leaf anyway). A 1x1 weight's gradient is laid out both ways whatever its strides; of
    those, only its dims longer than 1 are compared (torch's kernels differ on the others:
    float64 keeps the weight's, float32 writes new channels-last memory with groups=1 and
    contiguous memory with groups=2; picotorch, the conv's layout)."""
    x, w = randn(2, 4, 5, 6, dtype=dtype), randn(6, 4 // groups, kernel, kernel, dtype=dtype)

    def fn(lib: Any) -> Any:
        xs, ws = lib.from_numpy(x), lib.from_numpy(w)
        if layouts in ("input", "both"):
            xs = xs.contiguous(memory_format=lib.channels_last)
        if layouts in ("weight", "both"):
            ws = ws.contiguous(memory_format=lib.channels_last)
        xs.requires_grad_()
        ws.requires_grad_()
        y = lib.nn.functional.conv2d(xs, ws, None, 1, kernel // 2, 1, groups)
        gx, gw = lib.autograd.grad(y, (xs, ws), lib.ones_like(y))
        if kernel == 1:
            gw_strides = [s for s, n in zip(gw.stride(), gw.shape, strict=True) if n > 1]
            return y, gx, gw.flatten(), gw_strides
        return y, gx, gw

    check(fn, strides=True, **({"rtol": 1e-4, "atol": 1e-5} if dtype == F32 else {}))


def test_max_pool2d_pad_at_most_half_the_kernel_even_when_dilated() -> None:
    # pad 2 fits the dilated kernel (5 wide), but torch also wants it within the kernel's 3
    check(
        lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 1, 6, 6), 3, 1, 2, 2),
        raises=RuntimeError,
        same_message=True,
    )


@pytest.mark.parametrize("layout", ["contiguous", "channels-last"])
def test_max_pool2d_windows_wholly_in_the_padding(layout: str) -> None:
    """Kernel 2 with dilation 2 and padding 1 skips a one-row input: those windows' maximum
    is -inf, at the position torch names (past the plane's end, here). torch's backward then
    writes their gradient outside the plane; picotorch's drops it (compared where torch's
    stays inside: a gradient of zero for those windows)."""

    def fn(lib: Any) -> Any:
        x = lib.from_numpy(distinct(2, 3, 1, 3))
        if layout == "channels-last":
            x = x.contiguous(memory_format=lib.channels_last)
        x.requires_grad_()
        values, indices = lib.nn.functional.max_pool2d(x, 2, 1, 1, 2, return_indices=True)
        values.backward(lib.zeros_like(values))
        return values, indices, x.grad

    check(fn, strides=True)
