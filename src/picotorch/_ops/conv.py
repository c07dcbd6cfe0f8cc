"""Convolution, pooling and padding: ``conv2d``, ``max_pool2d``, ``avg_pool2d``, ``pad``.

A convolution is one matrix product. ``im2col`` copies, for every output pixel, the patch of
input it sees into one row of a matrix (a view built with stride tricks, then one copy); the
weights are a matrix too, and ``weights @ patches`` gives every output channel at every pixel
at once. The backward pass is two more products and ``col2im``, which adds each patch row
back where it came from. ``im2col`` and ``col2im`` are differentiable ops of their own, each
the other's backward, so second derivatives of a convolution come for free.

Inside, images are laid out batch-innermost, (C, H, W, N): a window row of ``kW`` pixels of
all N samples is then one contiguous run of ``kW * N`` values, and copying the patches (or
adding them back) is several times faster than from (N, C, H, W), where each run is only
``kW`` values long.

Pooling slides a window the same way; padding copies the input into a larger array.
"""

from __future__ import annotations

import functools
import math
import operator
import warnings
from typing import Any, NamedTuple

import numpy as np

from .. import _dtype
from .._dtype import c_type_name, fitted, type_name
from .._memory import PARTIAL_OVERLAP, empty_laid_out_like
from .._memory_format import (
    channels_last,
    contiguous_format,
    in_suggested_format,
    laid_out,
    memory_format,
    suggested_format,
)
from .._size import (
    bool_arg,
    check_int64,
    check_int64_arg,
    check_int64_items,
    int_tuple,
    plain_int_kind,
)
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Node, needs_grad, record
from .pointwise import c_type_text
from .shape import strided_view

IntPair = int | tuple[int, ...] | list[int]


# ---------------------------------------------------------------------- arguments
def _ints(value: Any, n: int, fn: str, arg: str, position: int | None = None) -> list[int]:
    """torch's ``int[n]`` argument: an int (or a one-element sequence) stands for ``n`` copies.
    ``position``: the argument's, where torch's message names it."""
    if isinstance(value, (tuple, list)):
        items = _int_items(value, fn, arg, position)
        return items * n if len(items) == 1 else items
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, Tensor)):
        raise TypeError(f"{fn}(): argument '{arg}' must be tuple of ints, not {c_type_text(value)}")
    return [operator.index(value)] * n


def _int_items(
    value: tuple[Any, ...] | list[Any], fn: str, arg: str, position: int | None
) -> list[int]:
    """A sequence of ints, as torch's parser reads it: it tells a list of ints by its first
    item, which must be an int (a bool is not); the others are unpacked as ints (bools too)."""
    items = []
    for pos, v in enumerate(value):
        try:
            if pos == 0 and isinstance(v, bool):
                raise TypeError
            items.append(operator.index(v))
        except TypeError:
            if pos == 0:
                where = "" if position is None else f" (position {position})"
                raise TypeError(
                    f"{fn}(): argument '{arg}'{where} must be tuple of ints, but found element of "
                    f"type {c_type_text(v)} at pos 0"
                ) from None
            raise TypeError(
                f"{fn}(): argument '{arg}' failed to unpack the object at pos {pos + 1} "
                f'with error "type must be tuple of ints,but got {type(v).__name__}"'
            ) from None
    return items


def _int_kind(value: Any, size: bool = False) -> bool:
    """Whether torch's parser takes ``value`` for an int argument: an int (not a bool), a NumPy
    int, or a 0-d integer tensor; for a size (``size``: torch's SymInt, as conv2d's
    ``groups``), an integer tensor of one element or a 0-d integer ndarray."""
    if isinstance(value, Tensor):
        if size:
            return value._data.size == 1 and value._data.dtype.kind in "iu"
        return plain_int_kind(value)
    if isinstance(value, np.ndarray):
        return size and value.ndim == 0 and value.dtype.kind in "iu"
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_int64s(fn: str, *parsed: tuple[str, Any, list[int]]) -> None:
    """After every argument's kind (torch parses all of them first), the ints that are
    beyond int64: ``(name, value given, its ints)`` each (see ``check_int64_arg``)."""
    for arg, value, ints in parsed:
        check_int64_arg(fn, arg, value, ints)


def _require_tensor(fn: str, value: Any, arg: str, pos: int, optional: bool = False) -> None:
    if not isinstance(value, Tensor) and not (optional and value is None):
        raise TypeError(
            f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {c_type_text(value)}"
        )


class Geometry(NamedTuple):
    """Where every window of a sliding-window op lies: the input's (N, C, H, W), and per
    spatial dim the kernel size, stride, padding (top/left) and dilation, the number of
    channel groups, and the output size (OH, OW)."""

    shape: tuple[int, int, int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    out: tuple[int, int]

    def padded_size(self) -> tuple[int, int]:
        """The (height, width) an input padded for these windows needs: enough for the last
        window, and at least the input with its padding on both sides."""
        (kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = (
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
            self.out,
        )
        _, _, h, w = self.shape
        return (
            max(h + 2 * ph, (oh - 1) * sh + dh * (kh - 1) + 1),
            max(w + 2 * pw, (ow - 1) * sw + dw * (kw - 1) + 1),
        )

    def offset(self, i: int, j: int) -> tuple[slice, slice]:
        """The (rows, cols) of the padded input that kernel element (i, j) meets, one per
        output pixel."""
        (oh, ow), (sh, sw), (dh, dw) = self.out, self.stride, self.dilation
        return (
            slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
            slice(j * dw, j * dw + (ow - 1) * sw + 1, sw),
        )


# ---------------------------------------------------------------------- im2col / col2im
# --8<-- [start:im2col]
def im2col(x: np.ndarray, geo: Geometry) -> np.ndarray:
    """The patches of ``x`` (N, C, H, W) that the kernel meets, as the columns of a matrix:
    shape (groups, C/groups * kH * kW, OH * OW * N). Row (c, i, j) holds input channel ``c``
    at kernel position (i, j), for every output pixel of every sample.

    The input is first copied, zero-padded, with the batch innermost: (C, H, W, N). A window
    row then meets ``kW * N`` consecutive values (stride 1), so the one copy below, the
    ``reshape`` of a strided view, moves long contiguous runs."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = geo.kernel, geo.stride, geo.padding, geo.dilation
    (oh, ow), g = geo.out, geo.groups
    hp, wp = geo.padded_size()
    padded = np.zeros((c, hp, wp, n), x.dtype)
    padded[:, ph : ph + h, pw : pw + w, :] = x.transpose(1, 2, 3, 0)
    s_c, s_y, s_x, s_n = padded.strides
    # every window as a view: (channel, kernel row, kernel col, out row, out col, sample)
    windows = strided_view(
        padded, (c, kh, kw, oh, ow, n), (s_c, dh * s_y, dw * s_x, sh * s_y, sw * s_x, s_n)
    )
    return windows.reshape(g, c // g * kh * kw, oh * ow * n)


# --8<-- [end:im2col]


def col2im(rows: np.ndarray, geo: Geometry) -> np.ndarray:
    """The inverse of ``im2col``: add every patch entry back onto the pixel it was copied from
    (a pixel in several windows gets the sum). The patches come as rows, (groups,
    OH * OW * N, C/groups * kH * kW), the transpose of ``im2col``'s matrix: that is how the
    backward's matrix product gives them fastest. Returns (N, C, H, W), a view of an
    (H, W, N, C) array, where a row's channels lie side by side as they do in the row. One
    Python step per kernel position, each adding that position's entries for all channels,
    pixels and samples at once."""
    n, c, h, w = geo.shape
    (kh, kw), (ph, pw), (oh, ow), g = geo.kernel, geo.padding, geo.out, geo.groups
    hp, wp = geo.padded_size()
    patches = rows.reshape(g, oh, ow, n, c // g, kh, kw)
    padded = np.zeros((hp, wp, n, c), rows.dtype)
    by_group = padded.reshape(hp, wp, n, g, c // g)
    for i in range(kh):
        for j in range(kw):
            ys, xs = geo.offset(i, j)
            by_group[ys, xs] += patches[..., i, j].transpose(1, 2, 3, 0, 4)
    return padded[ph : ph + h, pw : pw + w].transpose(2, 3, 0, 1)


def unfold(x: Tensor, geo: Geometry) -> Tensor:
    """``im2col`` as a differentiable op (its backward is ``col2im``)."""
    out = Tensor._make(im2col(x._data, geo))
    if needs_grad(x):
        record(out, Im2ColBackward0, (x,), geo=geo)
    return out


class Im2ColBackward0(Node):
    """Each input pixel was copied into several patch rows: its gradient is their sum."""

    geo: Geometry

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (fold(grad, self.geo),)


def fold(cols: Tensor, geo: Geometry) -> Tensor:
    """``col2im`` as a differentiable op (its backward is ``im2col``)."""
    out = Tensor._make(col2im(cols._data.transpose(0, 2, 1), geo))
    if needs_grad(cols):
        record(out, Col2ImBackward0, (cols,), geo=geo)
    return out


class Col2ImBackward0(Node):
    """Each patch entry was added onto one pixel: its gradient is that pixel's gradient."""

    geo: Geometry

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (unfold(grad, self.geo),)


# ---------------------------------------------------------------------- conv2d
_warned_same_even = False


def _conv_shape_error(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], b_shape: tuple[int, ...] | None, groups: int
) -> str | None:
    """torch's complaint about the weight, input channels or bias shapes, if any."""
    o = w_shape[0]
    if o < groups or o == 0:
        return (
            f"Given groups={groups}, expected weight to be at least {max(groups, 1)} at "
            f"dimension 0, but got weight of size {list(w_shape)} instead"
        )
    if o % groups:  # (torch's message does print the size in double brackets)
        return (
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(w_shape)}] instead"
        )
    if x_shape[1] != w_shape[1] * groups:
        return (
            f"Given groups={groups}, weight of size {list(w_shape)}, expected "
            f"input{list(x_shape)} to have {w_shape[1] * groups} channels, but got {x_shape[1]} "
            "channels instead"
        )
    if b_shape is not None and (len(b_shape) != 1 or b_shape[0] != o):
        return (
            f"Given weight of size {list(w_shape)}, expected bias to be 1-dimensional with "
            f"{o} elements, but got bias of size {list(b_shape)} instead"
        )
    return None


def _same_padding(
    input: Tensor, weight: Tensor, stride: Any, dilation: Any
) -> tuple[Tensor, list[int], list[int]]:
    """``padding='same'``: the padding that keeps the output the input's size. Where a dim's
    total padding is odd (an even kernel), the extra row/column goes on the bottom/right, added
    by ``pad`` beforehand (and torch warns about that copy)."""
    global _warned_same_even
    if weight._data.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if weight._data.ndim != input._data.ndim:
        raise RuntimeError(
            f"Expected {weight._data.ndim}-dimensional input for {weight._data.ndim}-dimensional "
            f"weight{list(weight._data.shape)}, but got {input._data.ndim}-dimensional input of "
            f"size {list(input._data.shape)} instead"
        )
    strides = _ints(stride, 2, "conv2d", "stride")
    dilations = _ints(dilation, 2, "conv2d", "dilation")
    if len(strides) != 2:
        raise RuntimeError("stride cannot broadcast to 2 dimensions")
    if len(dilations) != 2:
        raise RuntimeError("dilation cannot broadcast to 2 dimensions")
    if any(s != 1 for s in strides):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    totals = [d * (k - 1) for d, k in zip(dilations, weight._data.shape[2:], strict=True)]
    if any(d == 0 for d in dilations) and all(t >= 0 for t in totals):
        raise RuntimeError(f"dilation should be greater than zero, but got {dilations}")
    padding = [t // 2 for t in totals]
    extra = [t % 2 for t in totals]
    if any(extra):
        if not _warned_same_even:  # torch warns once per process
            _warned_same_even = True
            warnings.warn(
                "Using padding='same' with even kernel lengths and odd dilation may require a "
                "zero-padded copy of the input be created",
                UserWarning,
                stacklevel=3,
            )
        return pad(input, (0, extra[1], 0, extra[0])), padding, dilations
    return input, padding, dilations


def _check_conv_params(
    spatial: int,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
) -> None:
    for name, values in (
        ("stride", stride),
        ("padding", padding),
        ("dilation", dilation),
        ("output_padding", (0, 0)),
    ):
        if len(values) != spatial:
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of {spatial} values to "
                f"match the convolution dimensions, but got {name}={list(values)}"
            )
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")


def _check_zero_dilation(dilation: tuple[int, ...], groups: int) -> None:
    """A dilation of 0: refused by torch's kernels, after the shapes were checked (the kernels
    for one group and for several word it differently)."""
    if any(d == 0 for d in dilation):
        if groups == 1:
            raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
        raise RuntimeError("non-positive dilation is not supported")


@functools.lru_cache(maxsize=256)  # a network calls each layer with the same shapes again
def _conv_geometry(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    b_shape: tuple[int, ...] | None,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
) -> Geometry:
    """torch's checks of the shapes and arguments, in its order, with its messages; then
    where the windows lie and the output size."""
    if len(w_shape) < 3:
        raise RuntimeError("weight should have at least three dimensions")
    _check_conv_params(len(w_shape) - 2, stride, padding, dilation, groups)
    error = _conv_shape_error(x_shape, w_shape, b_shape, groups)
    if error:
        raise RuntimeError(error)
    _check_zero_dilation(dilation, groups)
    n, c, h, w = x_shape
    kh, kw = w_shape[2:]
    if kh <= 0 or kw <= 0:
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: "
            f"{kw}"
        )
    padded = (h + 2 * padding[0], w + 2 * padding[1])
    span = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    if padded[0] < span[0] or padded[1] < span[1]:
        raise RuntimeError(
            f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). Kernel "
            f"size: ({span[0]} x {span[1]}). Kernel size can't be greater than actual input size"
        )
    if (h == 0 or w == 0) and n and c:
        raise RuntimeError(
            "Only zero batch or zero channel inputs are supported, but got input shape: "
            f"{list(x_shape)}"
        )
    out = ((padded[0] - span[0]) // stride[0] + 1, (padded[1] - span[1]) // stride[1] + 1)
    return Geometry(
        (n, c, h, w),
        (kh, kw),
        (stride[0], stride[1]),
        (padding[0], padding[1]),
        (dilation[0], dilation[1]),
        groups,
        out,
    )


def _check_bias_dtype(input: Tensor, bias: Tensor | None) -> None:
    if bias is not None and bias._dtype is not input._dtype:
        raise RuntimeError(
            f"Input type ({c_type_name(input._dtype)}) and bias type "
            f"({c_type_name(bias._dtype)}) should be the same"
        )


def _check_kernel_dtypes(input: Tensor, weight: Tensor) -> None:
    if input._dtype is _dtype.bool:
        raise NotImplementedError("\"slow_conv2d_cpu\" not implemented for 'Bool'")
    if weight._dtype is not input._dtype:
        raise RuntimeError(
            f"expected scalar type {type_name(input._dtype)} but found {type_name(weight._dtype)}"
        )


def weight_matrix(weight: Tensor, groups: int) -> Tensor:
    """The weight (O, C/groups, kH, kW) as (groups, O/groups, C/groups * kH * kW): row ``o``
    of group ``g`` is that output channel's kernel, ordered like a column of ``im2col``."""
    o = weight._data.shape[0]
    return weight.reshape(groups, o // groups, weight._data[0].size)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntPair = 1,
    padding: IntPair | str = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> Tensor:
    """2-d convolution (strictly, cross-correlation) of ``input`` (N, C, H, W) or (C, H, W)
    with ``weight`` (O, C/groups, kH, kW), plus ``bias`` (O,): output (N, O, OH, OW).

    >>> conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
    tensor([[[[4., 4.],
              [4., 4.]]]])
    """
    _require_tensor("conv2d", input, "input", 1)
    _require_tensor("conv2d", weight, "weight", 2)
    _require_tensor("conv2d", bias, "bias", 3, optional=True)
    if not _int_kind(groups, size=True):
        raise TypeError(f"conv2d(): argument 'groups' must be int, not {c_type_text(groups)}")
    groups = operator.index(groups)
    strides = _ints(stride, 2, "conv2d", "stride")  # (every argument's kind first, as torch)
    dilations = _ints(dilation, 2, "conv2d", "dilation")
    if not isinstance(padding, str):
        pads = _ints(padding, 2, "conv2d", "padding")
    _check_int64s(
        "conv2d",
        ("stride", stride, strides),
        ("dilation", dilation, dilations),
        ("padding", padding, [] if isinstance(padding, str) else pads),
        ("groups", groups, [groups]),
    )
    if input._data.ndim not in (3, 4):
        raise RuntimeError(
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            f"{list(input._data.shape)}"
        )
    batched = input._data.ndim == 4
    x = input if batched else input.unsqueeze(0)  # as torch: a batch of one, squeezed at the end
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same":
            x, pads, dilations = _same_padding(x, weight, stride, dilation)
        else:
            pads = [0, 0]
    geo = _conv_geometry(
        x._data.shape,
        weight._data.shape,
        None if bias is None else bias._data.shape,
        tuple(strides),
        tuple(pads),
        tuple(dilations),
        groups,
    )
    if not (geo.shape[0] and geo.shape[1]):  # no batch or no channels: torch's shortcut
        _check_bias_dtype(x, bias)
        out = _convolution_of_nothing(x, weight, bias, geo)
    else:
        if isinstance(padding, str) and padding == "same":  # (that path compares the weight's
            _check_kernel_dtypes(x, weight)  # dtype before the bias's)
            _check_bias_dtype(x, bias)
        else:
            _check_bias_dtype(x, bias)
            _check_kernel_dtypes(x, weight)
        out = convolution(x, weight, bias, geo)
    return out if batched else out.squeeze(0)


def _convolution_of_nothing(
    x: Tensor, weight: Tensor, bias: Tensor | None, geo: Geometry
) -> Tensor:
    """torch's shortcut for an input of no batch or no channels: no kernel runs, so the
    input's and weight's dtypes are not checked against each other (the bias's is). The
    result's dtype is that of torch's stand-in product, ``x * weight[0]`` (with no channels:
    ``x.view(-1) * weight.view(-1)``, and no output channels either); its gradients are zeros
    (see ``ConvolutionBackward0.zero_grads``)."""
    n, c = geo.shape[:2]
    with grad_mode.no_grad():
        flat = weight.reshape(-1)
        stand_in = x.reshape(-1) * flat if c == 0 else x * flat[0]
    shape = (n, weight._data.shape[0] if c else 0, *geo.out)
    out = Tensor._make(np.zeros(shape, stand_in._data.dtype))
    if needs_grad(x, weight, bias):
        record(out, ConvolutionBackward0, (x, weight, bias), saved=(x, weight), geo=geo, cols=None)
    return out


# --8<-- [start:conv2d]
def convolution(x: Tensor, weight: Tensor, bias: Tensor | None, geo: Geometry) -> Tensor:
    """The forward pass of ``conv2d`` on checked arguments: one matrix product per call."""
    n, o, g, (oh, ow) = x._data.shape[0], weight._data.shape[0], geo.groups, geo.out
    cols = im2col(x._data, geo)  # (groups, C/groups*kH*kW, OH*OW*N): the input patches
    kernels = weight._data.reshape(g, o // g, cols.shape[1])  # (groups, O/groups, C/groups*kH*kW)
    product = np.matmul(kernels, cols)  # (groups, O/groups, OH*OW*N): every output value
    if bias is not None:  # (cheaper here, along contiguous rows, than during the copy below)
        product += bias._data.reshape(g, o // g, 1)
    # back to (N, O, OH, OW), laid out as torch's (see _conv_format)
    fmt = _conv_format(x._data, weight._data)
    result = laid_out(product.reshape(o, oh, ow, n).transpose(3, 0, 1, 2), fmt)
    out = Tensor._make(result)
    if needs_grad(x, weight, bias):
        # the patches give the weight's gradient: keep them if it will be needed
        cols_kept = cols if weight._requires_grad else None
        record(
            out,
            ConvolutionBackward0,
            (x, weight, bias),
            saved=(x, weight),
            geo=geo,
            cols=cols_kept,
            layout=fmt,
        )
    return out


# --8<-- [end:conv2d]


def _conv_format(x: np.ndarray, weight: np.ndarray) -> memory_format:
    """How torch's CPU convolution lays out its output, and the gradients of its input and
    weight: channels-last when the input or the weight is laid out so (as
    ``suggest_memory_format`` reads it), else contiguous."""
    # (the channels' step is one element in any channels-last layout: a cheap test first)
    last = any(
        a.strides[1] == a.itemsize and suggested_format(a) is channels_last for a in (x, weight)
    )
    return channels_last if last else contiguous_format


# --8<-- [start:conv2d_backward]
class ConvolutionBackward0(Node):
    """out = W @ patches(x) + b, per group. So: grad_W = grad @ patchesᵀ,
    grad_patches = Wᵀ @ grad (folded back onto the input's pixels), grad_b = grad summed."""

    geo: Geometry
    cols: np.ndarray | None
    layout: memory_format = contiguous_format  # (the gradients': see _conv_format)

    def zero_grads(self) -> tuple[np.ndarray | None, ...]:
        """The gradients of an output of no element (an empty batch, no channels): zeros."""
        return tuple([None if m is None else np.zeros(m[0], m[1].numpy) for m in self._input_meta])

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        """``backward`` on the arrays (see ``Node.backward_arrays``): every training step."""
        if not grad.size:
            return self.zero_grads()
        weight = self.saved_tensors[1]._data
        geo, g = self.geo, self.geo.groups
        n, o, oh, ow = grad.shape
        # (N, O, OH, OW) -> (O, OH*OW, N), the layout of the forward product. Two copies, via
        # (O, N, OH*OW): one transposing copy would read with a stride of O*OH*OW elements,
        # which is several times slower
        by_channel = np.ascontiguousarray(grad.reshape(n, o, oh * ow).transpose(1, 0, 2))
        grads = np.ascontiguousarray(by_channel.transpose(0, 2, 1)).reshape(g, o // g, -1)
        grad_input = grad_weight = grad_bias = None
        if self.next_functions[0][0] is not None:
            # the patches' gradients as rows, gradsᵀ @ weights (col2im takes them so): BLAS
            # computes this orientation faster than its transpose (W4's second layer: 1.4×)
            kernels = weight.reshape(g, o // g, -1)
            grad_input = col2im(np.matmul(grads.transpose(0, 2, 1), kernels), geo)
            grad_input = laid_out(grad_input, self.layout)
        if self.next_functions[1][0] is not None:
            assert self.cols is not None  # kept by the forward pass when the weight needs it
            # computed transposed, as patches @ gradsᵀ: the same sums, but BLAS takes this
            # orientation (the long pixels-times-samples dimension summed over) up to twice
            # as fast (benchmark W4's second convolution: 1.5×)
            grad_weight_t = np.matmul(self.cols, grads.transpose(0, 2, 1))
            grad_weight = grad_weight_t.transpose(0, 2, 1).reshape(weight.shape)
            grad_weight = laid_out(grad_weight, self.layout)
        if self.next_functions[2][0] is not None:
            grad_bias = by_channel.sum((1, 2))
        return grad_input, grad_weight, grad_bias

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        if not grad._data.size:
            return tuple([None if g is None else Tensor._make(g) for g in self.zero_grads()])
        x, weight = self.saved_tensors
        geo, g = self.geo, self.geo.groups
        n, o, oh, ow = grad._data.shape
        # (N, O, OH, OW) -> (groups, O/groups, OH*OW*N), the layout of the forward product
        grads = grad.permute(1, 2, 3, 0).reshape(g, o // g, oh * ow * n)
        grad_input = grad_weight = grad_bias = None
        if self.next_functions[0][0] is not None:
            grad_cols = weight_matrix(weight, g).transpose(1, 2) @ grads
            grad_input = fold(grad_cols, geo)
        if self.next_functions[1][0] is not None:
            # the patches must know their input, if it needs a gradient too
            cols = unfold(x, geo) if x.requires_grad else Tensor._make(self.cols)
            grad_weight = (grads @ cols.transpose(1, 2)).reshape(weight.shape)
        if self.next_functions[2][0] is not None:
            grad_bias = grad.sum((0, 2, 3))
        return grad_input, grad_weight, grad_bias


# --8<-- [end:conv2d_backward]


# ---------------------------------------------------------------------- pooling
def _pool_ints(value: Any, fn: str, arg: str, pos: int) -> list[int]:
    """A pooling size argument's ints (``_two`` checks that they are two)."""
    if type(value) is int:  # the usual case, first
        return [value, value]
    if isinstance(value, (tuple, list)):
        return _ints(value, 2, fn, arg, pos)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, Tensor)):
        raise TypeError(
            f"{fn}(): argument '{arg}' (position {pos}) must be tuple of ints, not "
            f"{c_type_text(value)}"
        )
    return _ints(value, 2, fn, arg)


def _two(items: list[int], fn: str, arg: str) -> tuple[int, int]:
    if len(items) != 2:
        what = {
            "kernel_size": "kernel_size must either be a single int, or a tuple of two ints",
            "stride": "stride must either be omitted, a single int, or a tuple of two ints",
            "padding": "padding must either be a single int, or a tuple of two ints",
            "dilation": "dilation must be either a single int, or a tuple of two ints",
        }[arg]
        raise RuntimeError(f"{fn}: {what}")
    return items[0], items[1]


def _output_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """torch's pooling output size (after its checks of this dim's stride and padding); with
    ``ceil_mode`` the last window may hang over the end, but must start inside the input or
    its left padding."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    effective = d * (k - 1) + 1  # (halved as C does, toward 0: a kernel size < 0 gives 0 here)
    if p > (effective // 2 if effective >= 0 else -(-effective // 2)):
        raise RuntimeError(
            "pad should be at most half of effective kernel size, but got "
            f"pad={p}, kernel_size={k} and dilation={d}"
        )
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool_geometry(
    fn: str,
    input: Tensor,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    divisor_override: int | None = None,
) -> Geometry:
    """Parse pooling arguments as torch does, then check them (see ``_pool_layout``)."""
    _require_tensor(fn, input, "input", 1)
    # every argument's kind first, then their lengths (torch parses, then checks)
    kernel_ints = _pool_ints(kernel_size, fn, "kernel_size", 2)
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    stride_ints = kernel_ints if no_stride else _pool_ints(stride, fn, "stride", 3)
    pad_ints = _pool_ints(padding, fn, "padding", 4)
    dilation_ints = _pool_ints(dilation, fn, "dilation", 5)
    bool_arg(ceil_mode, fn, "ceil_mode")
    _check_int64s(
        fn,
        ("kernel_size", kernel_size, kernel_ints),
        ("stride", stride, [] if no_stride else stride_ints),
        ("padding", padding, pad_ints),
        ("dilation", dilation, dilation_ints),
    )
    kernel = _two(kernel_ints, fn, "kernel_size")
    strides = kernel if no_stride else _two(stride_ints, fn, "stride")
    pads, dilations = _two(pad_ints, fn, "padding"), _two(dilation_ints, fn, "dilation")
    return _pool_layout(
        fn, input._data.shape, kernel, strides, pads, dilations, bool(ceil_mode), divisor_override
    )


@functools.lru_cache(maxsize=256)  # a network pools the same shapes again and again
def _pool_layout(
    fn: str,
    shape: tuple[int, ...],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int],
    dilations: tuple[int, int],
    ceil_mode: bool,
    divisor_override: int | None,
) -> Geometry:
    """torch's checks of a pooling call, in its order, with its messages; then where the
    windows lie. They slide over each H*W plane: the leading dims fold into one batch dim."""
    if fn == "max_pool2d" and len(shape) not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if fn == "avg_pool2d":
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        if len(shape) < 3:  # torch reads the channel count as input.size(-3)
            top = max(len(shape), 1)
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-top}, {top - 1}], but "
                "got -3)"
            )
    h, w = shape[-2:]
    out = (
        _output_size(h, kernel[0], strides[0], pads[0], dilations[0], ceil_mode),
        _output_size(w, kernel[1], strides[1], pads[1], dilations[1], ceil_mode),
    )
    if kernel[0] <= 0 or kernel[1] <= 0:
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}"
        )
    if strides[0] <= 0 or strides[1] <= 0:
        raise RuntimeError(
            f"stride should be greater than zero, but got dH: {strides[0]} dW: {strides[1]}"
        )
    if dilations[0] <= 0 or dilations[1] <= 0:
        raise RuntimeError(
            "dilation should be greater than zero, but got dilationH: "
            f"{dilations[0]} dilationW: {dilations[1]}"
        )
    if len(shape) not in (3, 4) or any(n == 0 for n in shape[-3:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
            f"got:{list(shape)}"
        )
    if kernel[0] // 2 < pads[0] or kernel[1] // 2 < pads[1]:  # (the dilated size was checked)
        raise RuntimeError(
            "pad should be smaller than or equal to half of kernel size, but got "
            f"padW = {pads[1]}, padH = {pads[0]}, kW = {kernel[1]}, kH = {kernel[0]}"
        )
    if out[0] < 1 or out[1] < 1:
        c = shape[-3]
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{out[0]}x{out[1]}). "
            "Output size is too small"
        )
    return Geometry((math.prod(shape[:-2]), 1, h, w), kernel, strides, pads, dilations, 1, out)


def _padded_planes(x: np.ndarray, geo: Geometry, fill: Any) -> np.ndarray:
    """``x`` as (B, Hp, Wp): the (N*C) image planes, padded with ``fill`` where the windows
    reach past the input (no copy when they don't)."""
    b, _, h, w = geo.shape
    planes = x.reshape(b, h, w)
    hp, wp = geo.padded_size()
    (ph, pw) = geo.padding
    if (hp, wp) == (h, w):
        return planes
    padded = np.full((b, hp, wp), fill, x.dtype)
    padded[:, ph : ph + h, pw : pw + w] = planes
    return padded


def _stacked_windows(planes: np.ndarray, geo: Geometry) -> np.ndarray:
    """(kH*kW, B, OH, OW): slab ``k`` holds kernel element ``k`` of every window."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel, geo.stride, geo.dilation, geo.out
    b, hp, wp = planes.shape
    tiles = (sh, sw) == (kh, kw) and (dh, dw) == (1, 1) and (hp, wp) == (oh * kh, ow * kw)
    row = ow * planes.itemsize  # bytes of one slab row: a kernel element in OW windows
    if tiles and row <= 16 and planes.flags.c_contiguous:
        return _stacked_tiles(planes, geo)
    s_b, s_y, s_x = planes.strides
    windows = strided_view(
        planes, (kh, kw, b, oh, ow), (dh * s_y, dw * s_x, s_b, sh * s_y, sw * s_x)
    )
    return windows.reshape(kh * kw, b, oh, ow)


def _stacked_tiles(planes: np.ndarray, geo: Geometry) -> np.ndarray:
    """``_stacked_windows`` for windows that tile the planes exactly (``MaxPool2d(2)`` of an
    even-sized image), whose slab rows are short: at most 16 bytes (W4's 8x8 and 4x4 planes).

    The general path makes one copy, a run of OW numbers at a time: for such short rows
    NumPy's cost per run outweighs the copying, and this path is twice as fast in two copies
    of long runs. First every kernel column: column j of every window is every kW-th number
    of the planes (one run). Then every window row, its OW numbers moved as one item (a NumPy
    void of that many bytes, which NumPy copies as one number up to 16 bytes)."""
    (kh, kw), (oh, ow), b = geo.kernel, geo.out, planes.shape[0]
    windows = planes.reshape(b, oh, kh, ow, kw)
    by_column = np.ascontiguousarray(windows.transpose(4, 0, 1, 2, 3))  # (kW, B, OH, kH, OW)
    rows = by_column.view(np.dtype((np.void, ow * planes.itemsize))).reshape(kw, b, oh, kh)
    stacked = np.ascontiguousarray(rows.transpose(3, 0, 1, 2))  # (kH, kW, B, OH) rows
    return stacked.view(planes.dtype).reshape(kh * kw, b, oh, ow)


def _lowest(dt: np.dtype) -> Any:
    return -np.inf if dt.kind == "f" else np.iinfo(dt).min


def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each window (stride defaults to the kernel size: no overlap). With
    ``return_indices``, also where each maximum is, as a flat index into its H*W plane.

    >>> max_pool2d(torch.tensor([[[[1., 2.], [4., 3.]]]]), 2)
    tensor([[[[4.]]]])
    """
    geo = _pool_geometry("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    x = input._data
    if x.dtype == np.bool_:
        raise NotImplementedError("\"max_pool2d\" not implemented for 'Bool'")
    _check_channels_last_index(x)
    planes = _padded_planes(x, geo, _lowest(x.dtype))
    stacked = _stacked_windows(planes, geo)  # (kH*kW, B, OH, OW)
    values = stacked.max(0)
    starts, offsets, inside, outside = _window_positions(geo)
    padded = planes.shape[1:] != x.shape[-2:]
    which = _first_max(stacked, values, inside if padded else None)
    if outside is not None:  # windows wholly in the padding: -inf, at torch's position
        which = np.where(outside >= 0, outside, which)
    # where the maximum lies in its window, then where the window lies (np.take: the same as
    # offsets[which], but NumPy's indexing machinery costs half as much again)
    indices = np.take(offsets, which)
    indices += starts
    shape = x.shape[:-2] + geo.out
    out = Tensor._make(in_suggested_format(x, values.reshape(shape)))
    index_tensor = Tensor._make(in_suggested_format(x, indices.reshape(shape)))
    if needs_grad(input):
        record(out, MaxPool2DWithIndicesBackward0, (input,), saved=(input, index_tensor), geo=geo)
    return (out, index_tensor) if return_indices else out


def _check_channels_last_index(x: np.ndarray) -> None:
    """torch's channels-last max-pool kernel numbers the pixels of a plane with an integer as
    wide as the input's numbers (int8 for int8 and uint8, int16 for int16): it refuses a plane
    of more pixels than that integer holds (an 8x16 int8 image, say). Other layouts, empty
    batches and wider dtypes take kernels without that limit."""
    if x.ndim != 4 or x.dtype.kind not in "iu" or x.itemsize > 2 or not x.shape[0]:
        return
    h, w = x.shape[2:]
    if h * w > np.iinfo(f"i{x.itemsize}").max and suggested_format(x) is channels_last:
        raise RuntimeError(
            "Expected input_depth * input_height * input_width <= "
            "std::numeric_limits<integer_t>::max() to be true, but got false.  (Could this "
            "error message be improved?  If so, please report an enhancement request to "
            "PyTorch.)"
        )


def _first_max(stacked: np.ndarray, values: np.ndarray, inside: np.ndarray | None) -> np.ndarray:
    """Which kernel element holds each window's maximum, as torch's loop over the window finds
    it: the first one on ties, never one in the padding (``inside`` marks the others), and if
    there are NaNs, the last NaN."""
    k = len(stacked)
    rank = _ranks(k)
    is_max = stacked == values
    if inside is not None:
        is_max &= inside[:, np.newaxis]
    which = k - (is_max * rank).max(0)
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        if nan.any():
            last_nan = (np.isnan(stacked) * rank[::-1]).max(0) - 1
            which = np.where(nan, last_nan, which)
    return which


@functools.lru_cache(maxsize=64)  # the same few layers call it again and again
def _ranks(k: int) -> np.ndarray:
    """k, k-1, ..., 1 down a window of k elements (as (k, 1, 1, 1)): the highest rank among a
    window's maxima is its first maximum."""
    return np.arange(k, 0, -1, dtype=np.min_scalar_type(k)).reshape(k, 1, 1, 1)


@functools.lru_cache(maxsize=64)  # the same few layers call it again and again
def _window_positions(
    geo: Geometry,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Flat indices into the H*W plane: where each window starts (its kernel element (0, 0),
    perhaps in the padding), as (OH, OW), and how far kernel element ``k`` lies from that
    start, as (kH*kW,). Also whether kernel element ``k`` of each window lies inside the
    input rather than the padding, as (kH*kW, OH, OW).

    Last, for the windows that lie wholly in the padding (dilated ones can: kernel 2,
    dilation 2 and padding 1 skip a one-row input), the kernel element torch names as their
    maximum, as (OH, OW) (-1 for the other windows; None if there are none). torch's loop
    starts at the first row and column at or past 0 and finds nothing there to compare: the
    maximum is -inf, at that element, which may lie past the plane's end."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = (
        geo.kernel,
        geo.stride,
        geo.padding,
        geo.dilation,
        geo.out,
    )
    _, _, h, w = geo.shape
    first_rows, first_cols = np.arange(oh) * sh - ph, np.arange(ow) * sw - pw
    starts = (first_rows[:, np.newaxis] * w + first_cols).astype(np.int64)
    offsets = ((np.arange(kh) * dh)[:, np.newaxis] * w + np.arange(kw) * dw).ravel()
    offsets = offsets.astype(np.int64)
    rows = (np.arange(kh) * dh)[:, np.newaxis] + first_rows  # (kH, OH)
    cols = (np.arange(kw) * dw)[:, np.newaxis] + first_cols  # (kW, OW)
    row_in, col_in = (rows >= 0) & (rows < h), (cols >= 0) & (cols < w)
    inside = row_in[:, np.newaxis, :, np.newaxis] & col_in[np.newaxis, :, np.newaxis, :]
    inside = inside.reshape(kh * kw, oh, ow)
    outside = None
    empty = ~inside.any(0)
    if empty.any():
        first_row, first_col = (rows >= 0).argmax(0), (cols >= 0).argmax(0)  # (OH,), (OW,)
        outside = np.where(empty, first_row[:, np.newaxis] * kw + first_col, -1)
    for cached in (starts, offsets, inside, outside):  # shared by every call
        if cached is not None:
            cached.flags.writeable = False
    return starts, offsets, inside, outside


class MaxPool2DWithIndicesBackward0(Node):
    """Only each window's maximum reached the output: the gradient goes back to it alone
    (summed where windows overlap on the same maximum)."""

    geo: Geometry

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, indices = self.saved_tensors
        return (max_pool2d_backward(grad, x, indices, self.geo),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        x, indices = self.saved_tensors
        return (_max_pool2d_grad(grad, indices._data, self.geo, x._data.shape),)


def max_pool2d_backward(grad: Tensor, x: Tensor, indices: Tensor, geo: Geometry) -> Tensor:
    """The gradient of max pooling for input ``x``: each window's gradient, put at its
    maximum's position."""
    result = Tensor._make(_max_pool2d_grad(grad._data, indices._data, geo, x._data.shape))
    if needs_grad(grad, x):
        record(result, MaxPool2DWithIndicesBackwardBackward0, (grad, x), saved=(indices,), geo=geo)
    return result


def _max_pool2d_grad(
    grad: np.ndarray, indices: np.ndarray, geo: Geometry, shape: tuple[int, ...]
) -> np.ndarray:
    """``max_pool2d_backward`` on the arrays (``shape``: the input's)."""
    b, _, h, w = geo.shape
    length = geo.out[0] * geo.out[1]
    # flat indices into all B planes at once (much faster in NumPy than 2-d indexing)
    targets = (indices.reshape(b, length) + np.arange(0, b * h * w, h * w)[:, np.newaxis]).ravel()
    values = grad.reshape(b * length)
    if _window_positions(geo)[3] is not None:
        # a window wholly in the padding may name a position past its plane's end (torch's
        # kernel writes its gradient there, outside the plane): here it goes nowhere
        inside = (indices < h * w).ravel()
        targets, values = targets[inside], values[inside]
    out = np.zeros(b * h * w, grad.dtype)
    (kh, kw), (sh, sw), (dh, dw) = geo.kernel, geo.stride, geo.dilation
    if sh > dh * (kh - 1) and sw > dw * (kw - 1):  # windows don't overlap: every index unique
        out[targets] = values
    else:
        np.add.at(out, targets, values)
    return out.reshape(shape)


class MaxPool2DWithIndicesBackwardBackward0(Node):
    """max_pool2d_backward is linear in ``grad``: its gradient picks the maxima's positions.
    (The input only says where those are: its gradient is zero.)"""

    geo: Geometry

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        (indices,) = self.saved_tensors
        b, _, h, w = self.geo.shape
        length = self.geo.out[0] * self.geo.out[1]
        picked = grad.reshape(b, h * w).gather(1, indices.reshape(b, length))
        return picked.reshape(indices.shape), _zero_input_grad(self, 1, grad)


def _zero_input_grad(node: Node, nr: int, grad: Tensor) -> Tensor | None:
    """A zero gradient for input ``nr`` of ``node`` (None if it needs none)."""
    meta = node._input_meta[nr]
    return None if meta is None else Tensor._make(np.zeros(meta[0], grad._data.dtype))


@functools.lru_cache(maxsize=256)
def _avg_divisors(geo: Geometry, count_include_pad: bool) -> Any:
    """(OH, OW): how many elements each window averages (one int if they all average as many).
    A window is clipped to the padded input; without ``count_include_pad`` also to the input
    itself."""
    counts = []
    for size, k, s, p, o in zip(
        geo.shape[2:], geo.kernel, geo.stride, geo.padding, geo.out, strict=True
    ):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size)
        counts.append(end - start)
    divisors = counts[0][:, np.newaxis] * counts[1]
    if (divisors == divisors.flat[0]).all():
        return int(divisors.flat[0])
    divisors.flags.writeable = False  # cached: shared by every call
    return divisors


def avg_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each window (stride defaults to the kernel size).

    >>> avg_pool2d(torch.tensor([[[[1., 2.], [4., 3.]]]]), 2)
    tensor([[[[2.5000]]]])
    """
    if divisor_override is not None:
        if not _int_kind(divisor_override):
            raise TypeError(
                "avg_pool2d(): argument 'divisor_override' must be int, not "
                f"{c_type_text(divisor_override)}"
            )
        divisor_override = operator.index(divisor_override)
    geo = _pool_geometry(
        "avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode, divisor_override
    )
    x = input._data
    if x.dtype.kind in "biu" and x.dtype != np.int64:  # (torch's kernel: floats and int64)
        raise NotImplementedError(f"\"avg_pool2d\" not implemented for '{type_name(input._dtype)}'")
    planes = _padded_planes(x, geo, 0)
    acc = _sum_dtype(x.dtype)
    total = np.zeros((geo.shape[0], *geo.out), acc)
    for i in range(geo.kernel[0]):
        for j in range(geo.kernel[1]):
            rows, columns = geo.offset(i, j)
            total += planes[:, rows, columns]
    divisor = divisor_override or _avg_divisors(geo, count_include_pad)
    if x.dtype.kind == "f":
        mean = (total / np.asarray(divisor, acc)).astype(x.dtype, copy=False)
    else:  # integer division truncates toward zero, as C++'s
        mean = (np.sign(total) * (np.abs(total) // divisor)).astype(x.dtype)
    out = Tensor._make(in_suggested_format(x, mean.reshape(x.shape[:-2] + geo.out)))
    if needs_grad(input):
        record(
            out,
            AvgPool2DBackward0,
            (input,),
            saved=(input,),
            geo=geo,
            divisor=divisor,
            settings=(ceil_mode, count_include_pad, divisor_override),
        )
    return out


class AvgPool2DBackward0(Node):
    """Each window element contributed 1/divisor of the window's mean."""

    geo: Geometry
    divisor: Any
    settings: tuple[bool, bool, int | None]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (avg_pool2d_backward(grad, x, self.geo, self.divisor, self.settings),)


def avg_pool2d_backward(
    grad: Tensor, x: Tensor, geo: Geometry, divisor: Any, settings: tuple[bool, bool, int | None]
) -> Tensor:
    """The gradient of average pooling for input ``x``: each window's gradient over its
    divisor, spread over the window (summed where windows overlap, in torch's order: window
    after window, row by row, so an input element takes the shares of windows further down
    and right last: their kernel elements further up and left)."""
    b, _, h, w = geo.shape
    share = grad._data.reshape(b, *geo.out) / np.asarray(divisor, grad._data.dtype)
    hp, wp = geo.padded_size()
    padded = np.zeros((b, hp, wp), grad._data.dtype)
    for i in reversed(range(geo.kernel[0])):
        for j in reversed(range(geo.kernel[1])):
            rows, columns = geo.offset(i, j)
            padded[:, rows, columns] += share
    (ph, pw) = geo.padding
    inside = padded[:, ph : ph + h, pw : pw + w].reshape(x._data.shape)
    result = Tensor._make(in_suggested_format(x._data, inside))  # (not a view into the padding)
    if needs_grad(grad, x):
        record(result, AvgPool2DBackwardBackward0, (grad, x), geo=geo, settings=settings)
    return result


class AvgPool2DBackwardBackward0(Node):
    """avg_pool2d_backward is linear in ``grad``: its gradient is the same averaging again.
    (The input only gave the shape: its gradient is zero.)"""

    geo: Geometry
    settings: tuple[bool, bool, int | None]

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        ceil_mode, count_include_pad, divisor_override = self.settings
        geo = self.geo
        again = avg_pool2d(
            grad,
            geo.kernel,
            geo.stride,
            geo.padding,
            ceil_mode,
            count_include_pad,
            divisor_override,
        )
        return again, _zero_input_grad(self, 1, grad)


# ---------------------------------------------------------------------- pad
def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left, right, top, bottom, ...)`` starts
    with the last dim. Negative amounts crop. ``mode``: 'constant' (``value``, default 0),
    'reflect', 'replicate' or 'circular'.

    >>> pad(torch.tensor([1, 2]), (1, 2))
    tensor([0, 1, 2, 0, 0])
    """
    _require_tensor("pad", input, "input", 1)
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {c_type_text(mode)}")
    if not isinstance(pad, (tuple, list)):
        raise TypeError(
            f"pad(): argument 'pad' (position 2) must be tuple of ints, not {c_type_text(pad)}"
        )
    amounts = _int_items(pad, "pad", "pad", 2)
    check_int64_items(amounts, "pad", "pad")
    if isinstance(value, Tensor) and not value._data.ndim:  # (a 0-d tensor is a number)
        value = value.item()
    if value is not None:  # (a double: bool is an int, NumPy's bool a number too)
        if not isinstance(value, int | float | np.number | np.bool_):
            raise TypeError(
                f"pad(): argument 'value' (position 4) must be float, not {c_type_text(value)}"
            )
        value = float(value)
    if mode not in ("constant", "reflect", "replicate", "circular"):  # (before the lengths)
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(amounts) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    ndim = input._data.ndim
    if len(amounts) // 2 > ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(amounts)} and input of dimension {ndim}"
        )
    if mode == "constant":
        return constant_pad_nd(input, amounts, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    spatial = len(amounts) // 2
    if not (1 <= spatial <= 3 and spatial + 1 <= ndim <= spatial + 2):
        raise NotImplementedError(
            f"Padding size {len(amounts)} is not supported for {ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    return _index_pad(input, amounts, mode)


def _pairs(amounts: list[int], ndim: int) -> list[tuple[int, int]]:
    """(before, after) for every dim of the input, from torch's last-dim-first list."""
    pairs = [(0, 0)] * ndim
    for k in range(len(amounts) // 2):
        pairs[ndim - 1 - k] = (amounts[2 * k], amounts[2 * k + 1])
    return pairs


def constant_pad_nd(input: Tensor, amounts: list[int], value: Any) -> Tensor:
    """Pad with a constant: a new array full of ``value``, the input copied into its middle
    (negative amounts cut the input instead)."""
    x = input._data
    pairs = _pairs(amounts, x.ndim)
    shape = []
    for size, (before, after) in zip(x.shape, pairs, strict=True):
        if size + min(before, 0) + min(after, 0) < 0:  # (torch narrows the input first)
            raise RuntimeError("narrow(): length must be non-negative.")
        shape.append(size + before + after)
    fill = fitted(value, input._dtype)  # (as a double: -1.0 is no uint8, 255.5 neither)
    source = tuple(
        slice(max(-a, 0), size - max(-b, 0)) for size, (a, b) in zip(x.shape, pairs, strict=True)
    )
    if all(a <= 0 for a in amounts):  # only cuts: torch copies what is left, keeping its layout
        out = empty_laid_out_like(x[source])
        out[...] = x[source]
    else:
        out = np.full(shape, fill, x.dtype)
        target = tuple(
            slice(max(a, 0), n - max(b, 0)) for n, (a, b) in zip(shape, pairs, strict=True)
        )
        if all(s.start < s.stop for s in source):
            out[target] = x[source]
        out = in_suggested_format(x, out)
    result = Tensor._make(out)
    if needs_grad(input):
        record(result, ConstantPadNdBackward0, (input,), amounts=amounts)
    return result


class ConstantPadNdBackward0(Node):
    """The padding was constant: the gradient is the output's, cut back to the input's part
    (padding by the negated amounts)."""

    amounts: list[int]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (constant_pad_nd(grad, [-a for a in self.amounts], 0),)


_NUMPY_MODES = {"reflect": "reflect", "replicate": "edge"}


def _index_pad(input: Tensor, amounts: list[int], mode: str) -> Tensor:
    """'reflect', 'replicate' and 'circular' padding: every output element is a copy of one
    input element, so padding is a gather with an index map (built by NumPy's ``pad`` of the
    positions ``0..n-1``), and its backward adds the gradient back through the same map."""
    x = input._data
    spatial = len(amounts) // 2
    pairs = _pairs(amounts, x.ndim)[-spatial:]
    lead = x.shape[: x.ndim - spatial]
    sizes = x.shape[x.ndim - spatial :]
    kernel = {"reflect": "reflection_pad", "replicate": "replication_pad"}.get(mode)
    if kernel and x.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}{spatial}d\" not implemented for 'Bool'")
    if kernel and (any(n == 0 for n in x.shape[1:]) or (x.ndim == spatial + 1 and x.shape[0] == 0)):
        raise RuntimeError(
            f"Expected {spatial + 1}D or {spatial + 2}D (batch mode) tensor with possibly 0 batch "
            f"size and other non-zero dimensions for input, but got: {list(x.shape)}"
        )
    outs = [size + before + after for size, (before, after) in zip(sizes, pairs, strict=True)]
    for d in reversed(range(spatial)) if mode == "reflect" else ():  # (from the last dim)
        (before, after), size = pairs[d], sizes[d]
        if before >= size or after >= size:
            raise RuntimeError(
                f"Argument #{2 * (spatial - d) + 2}: Padding size should be less than the "
                f"corresponding input dimension, but got: padding ({before}, {after}) at "
                f"dimension {x.ndim - spatial + d} of input {list(x.shape)}"
            )
    for d in range(spatial) if mode == "circular" else ():
        (before, after), size = pairs[d], sizes[d]
        if before > size or after > size:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if outs[d] < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    if kernel:
        _check_padded_sizes(mode, lead, sizes, outs)
    positions = [
        _padded_positions(
            size, max(before, 0), max(after, 0), max(-before, 0), max(-after, 0), mode
        )
        for size, (before, after) in zip(sizes, pairs, strict=True)
    ]
    flat = np.ravel_multi_index(np.meshgrid(*positions, indexing="ij"), sizes)  # (out spatial)
    planes = x.reshape(*lead, math.prod(sizes))
    out = planes[..., flat.reshape(-1)].reshape(*lead, *flat.shape)
    # (laid out as torch's: its circular padding copies slices into a new row-major tensor)
    result = Tensor._make(
        np.ascontiguousarray(out) if kernel is None else in_suggested_format(x, out)
    )
    if needs_grad(input):
        node = _INDEX_PAD_NODES[mode, spatial]
        saved = () if node is CircularPadBackward else (input,)  # (see _KernelPadBackward)
        record(result, node, (input,), saved=saved, flat=flat, spatial=spatial, pad=(amounts, mode))
    return result


def _padded_positions(size: int, left: int, right: int, cut: int, end_cut: int, mode: str) -> Any:
    """Which input position each output position of one dim copies: the input padded by
    ``left``/``right`` and cropped by ``cut``/``end_cut``. torch's reflect and replicate
    kernels reflect or clamp in the input's own coordinates (pad, then crop: cropped elements
    can be reflected back in); its circular padding crops first and wraps what is left, by
    copying slices of the output, which torch refuses when a slice overlaps the one it is
    copied into (more padding than elements left)."""
    if mode != "circular":
        numpy_mode: Any = _NUMPY_MODES[mode]  # (a Literal for NumPy's stubs)
        padded = np.pad(np.arange(size), (left, right), mode=numpy_mode)
        return padded[cut : len(padded) - end_cut]
    kept = np.arange(cut, size - end_cut)
    if size - cut - end_cut + left + right == 0:  # (an output of no element: nothing copied)
        return kept[:0]
    if left > len(kept) or right > len(kept):
        raise RuntimeError(PARTIAL_OVERLAP)
    return np.pad(kept, (left, right), mode="wrap")


def _check_padded_sizes(mode: str, lead: tuple[int, ...], sizes: Any, outs: list[int]) -> None:
    """torch's reflect and replicate kernels refuse an output of no element in every padded
    dim (naming the sizes as each kernel words it); an output size below 0 in one dim, with
    another of some elements, fails as torch's allocation then fails."""
    if all(n < 1 for n in outs):
        names = "DHW"[-len(sizes) :]
        given = " ".join(f"{name}: {n}" for name, n in zip(names, sizes, strict=True))
        if len(sizes) > 1:  # (torch's kernels put a comma before W, and one of them a space)
            given = given[: given.rindex(" W")] + "," + given[given.rindex(" W") :]
            given += " " if (mode, len(sizes)) == ("replicate", 2) else ""
        made = " ".join(f"{name}: {n}" for name, n in zip(names, outs, strict=True))
        raise RuntimeError(f"input ({given}) is too small. Calculated output {made}")
    if any(n < 0 for n in outs):
        if (mode, len(sizes)) == ("reflect", 2):
            raise RuntimeError("numel: integer multiplication overflow")
        n = next(n for n in outs if n < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {[*lead, *outs]}")


class _IndexPadBackward(Node):
    """Each output element copied one input element: the gradient is added back to it."""

    flat: np.ndarray
    spatial: int
    pad: tuple[list[int], str]  # pad's amounts and mode

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        shape = self._input_meta[0][0]  # type: ignore[index]
        lead = grad._data.shape[: grad._data.ndim - self.spatial]
        planes = grad.reshape(*lead, math.prod(grad._data.shape[len(lead) :]))
        index = Tensor._make(np.broadcast_to(self.flat.reshape(-1), planes._data.shape))
        zeros = Tensor._make(np.zeros((*lead, math.prod(shape[len(lead) :])), grad._data.dtype))
        return (zeros.scatter_add(-1, index, planes).reshape(shape),)


class _KernelPadBackward(_IndexPadBackward):
    """'reflect' and 'replicate': torch's kernels of their own, whose backward takes the input
    too. So the input is saved (writing it in place before backward is an error), and a second
    derivative reaches it: ``_PadBackwardBackward``."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        with grad_mode.no_grad():
            summed = Tensor._make(super().backward(grad)[0]._data)
        if needs_grad(grad, x):
            record(summed, _DOUBLE_BACKWARDS[type(self)], (grad, x), pad=self.pad)
        return (summed,)


class _PadBackwardBackward(Node):
    """The padding's backward is linear in the gradient (its derivative pads again) and does
    not depend on the input's values (zeros)."""

    pad: tuple[list[int], str]

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        return pad(grad, *self.pad), _zero_input_grad(self, 1, grad)


class ReflectionPad1DBackward0(_KernelPadBackward):
    """'reflect' padding of the last dim."""


class ReflectionPad2DBackward0(_KernelPadBackward):
    """'reflect' padding of the last two dims."""


class ReflectionPad3DBackward0(_KernelPadBackward):
    """'reflect' padding of the last three dims."""


class ReplicationPad1DBackward0(_KernelPadBackward):
    """'replicate' padding of the last dim."""


class ReplicationPad2DBackward0(_KernelPadBackward):
    """'replicate' padding of the last two dims."""


class ReplicationPad3DBackward0(_KernelPadBackward):
    """'replicate' padding of the last three dims."""


# torch's names for the second derivatives: ReflectionPad2DBackwardBackward0, ...
_DOUBLE_BACKWARDS = {
    node: type(f"{node.__name__.removesuffix('0')}Backward0", (_PadBackwardBackward,), {})
    for node in _KernelPadBackward.__subclasses__()
}


class CircularPadBackward(_IndexPadBackward):
    """'circular' padding. torch builds it from slice copies, so its node is a CopySlices
    (whose inputs differ from this one's: here the input itself is the only one)."""

    def name(self) -> str:
        return "torch::autograd::CopySlices"


_INDEX_PAD_NODES: dict[tuple[str, int], type[_IndexPadBackward]] = {
    ("reflect", 1): ReflectionPad1DBackward0,
    ("reflect", 2): ReflectionPad2DBackward0,
    ("reflect", 3): ReflectionPad3DBackward0,
    ("replicate", 1): ReplicationPad1DBackward0,
    ("replicate", 2): ReplicationPad2DBackward0,
    ("replicate", 3): ReplicationPad3DBackward0,
    ("circular", 1): CircularPadBackward,
    ("circular", 2): CircularPadBackward,
    ("circular", 3): CircularPadBackward,
}


# ---------------------------------------------------------------------- adaptive average pooling
def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """The mean over windows that split the height and width into ``output_size`` nearly equal
    parts, whatever the input's size: output row ``i`` of ``oh`` averages input rows
    ``floor(i * H / oh)`` to ``ceil((i + 1) * H / oh)`` (so windows may overlap by one).
    ``None`` in ``output_size`` keeps that dim's size. A 1x1 output is the mean, as in torch."""
    oh, ow = _adaptive_output_size(input, output_size)
    if (oh, ow) == (1, 1):
        # torch's shortcut, taken before it checks the input: the mean of the last two dims
        # (a matrix or a 5-d tensor pools to it too, a vector is an IndexError)
        return input.mean((-1, -2), keepdim=True)
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError(
            f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(x.shape)}"
        )
    for d in (x.ndim - 2, x.ndim - 1):  # (torch checks the height and width, not channels)
        if x.shape[d] == 0:
            raise RuntimeError(
                "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                f"dimensions, but input has sizes {list(x.shape)} with dimension {d} being empty"
            )
    if not input._dtype.is_floating_point:
        raise NotImplementedError(
            f"\"adaptive_avg_pool2d\" not implemented for '{type_name(input._dtype)}'"
        )
    h, w = x.shape[-2:]
    windows = [(rows, columns) for rows in _spans(h, oh) for columns in _spans(w, ow)]
    out = np.empty((*x.shape[:-2], oh * ow), x.dtype)
    acc = _sum_dtype(x.dtype)
    for k, (rows, columns) in enumerate(windows):
        # summed element by element, row after row, then divided by the window's height and
        # then by its width: torch's order, so the same roundings
        total = np.zeros(x.shape[:-2], acc)
        for i in range(rows.start, rows.stop):
            for j in range(columns.start, columns.stop):
                total += x[..., i, j]
        out[..., k] = total / _length(rows) / _length(columns)
    result = Tensor._make(in_suggested_format(x, out.reshape(*x.shape[:-2], oh, ow)))
    if needs_grad(input):
        record(result, AdaptiveAvgPool2DBackward0, (input,), saved=(input,), windows=windows)
    return result


def _adaptive_output_size(input: Tensor, output_size: Any) -> tuple[int, int]:
    """``output_size`` read as torch reads it. Its Python wrapper takes an int as it is and
    anything else for a sequence (a NumPy int or a 0-d tensor is a TypeError, from ``len``), no
    longer than the input's dims, whose sizes replace its Nones; its parser wants ints (a 0-d
    integer tensor is one, a bool is not) and its kernel two of them, not negative."""
    if isinstance(output_size, int) and type(output_size) is not bool:
        check_int64(output_size)
        oh = ow = output_size
    else:
        if isinstance(output_size, int):  # a bool
            raise TypeError(
                "adaptive_avg_pool2d(): argument 'output_size' (position 2) must be tuple of "
                "ints, not bool"
            )
        n = len(output_size)
        if input._data.ndim <= n:
            raise ValueError(f"Input dimension should be at least {n + 1}")
        sizes = input._data.shape[input._data.ndim - n :]
        filled = [size if s is None else s for s, size in zip(output_size, sizes, strict=True)]
        ints = int_tuple((filled,), "adaptive_avg_pool2d", "output_size", 2)
        if len(ints) != 2:
            raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
        oh, ow = ints
    if oh < 0 or ow < 0:
        raise RuntimeError(
            "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 "
            f"but received {{{oh}, {ow}}}"
        )
    return oh, ow


def _sum_dtype(dt: np.dtype) -> Any:
    """What torch's average pooling adds in: float16 in float32 (then rounds the mean once),
    the others in their own dtype."""
    return np.float32 if dt == np.float16 else dt


def _length(span: slice) -> int:
    return span.stop - span.start


def _spans(n: int, parts: int) -> list[slice]:
    """torch's windows along one dim: ``floor(i * n / parts)`` to ``ceil((i + 1) * n / parts)``."""
    return [slice(i * n // parts, -(-(i + 1) * n // parts)) for i in range(parts)]


class AdaptiveAvgPool2DBackward0(Node):
    """Each window's gradient, spread evenly over the window (summed where windows overlap)."""

    windows: list[tuple[slice, slice]]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        shape = grad._data.shape
        for d in range(1, len(shape)):  # (torch's backward kernel's check)
            if shape[d] == 0:
                raise RuntimeError(
                    "adaptive_avg_pool2d_backward(): Expected grad_output to have non-zero size "
                    f"for non-batch dimensions, but grad_output has sizes {list(shape)} with "
                    f"dimension {d} being empty"
                )
        g = grad._data.reshape(*shape[:-2], shape[-2] * shape[-1])
        out = np.zeros(x._data.shape, g.dtype)
        for k, (rows, columns) in enumerate(self.windows):
            share = g[..., k] / g.dtype.type(_length(rows)) / g.dtype.type(_length(columns))
            out[..., rows, columns] += share[..., None, None]
        result = Tensor._make(out)
        if needs_grad(grad, x):
            record(result, AdaptiveAvgPool2DBackwardBackward0, (grad, x))
        return (result,)


class AdaptiveAvgPool2DBackwardBackward0(Node):
    """The pooling's backward is linear in the gradient (its derivative pools again, to the
    gradient's size) and does not depend on the input's values (zeros)."""

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        out_shape = self._input_meta[0][0]  # type: ignore[index]
        return adaptive_avg_pool2d(grad, out_shape[-2:]), _zero_input_grad(self, 1, grad)
