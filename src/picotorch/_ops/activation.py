"""Softmax, log-softmax and dropout.

``softmax`` turns each slice along ``dim`` into probabilities: ``exp(x) / sum(exp(x))``. Both it
and ``log_softmax`` first subtract the slice's maximum, which changes nothing mathematically and
keeps ``exp`` from overflowing, so logits of ±10 000 are no problem.

Their backward passes are ops of their own (``_softmax_backward_data`` and
``_log_softmax_backward_data``, named as in torch), recorded when the backward pass is itself
recorded (``create_graph=True``): that is what makes second derivatives through them work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype, _random
from .._dtype import dtype, type_name
from .._fma import fma
from .._out import check_out, check_same_dtype, write_out
from .._size import bool_arg, float_arg, normalize_dim, numpy_names, type_name_of
from .._tensor import Tensor
from ..autograd.function import Node, needs_grad, record
from .pointwise import _exp, _log, mul, require_tensors
from .summation import softmax_sums


def _prepare(name: str, input: Tensor, dim: Any, dtype: dtype | None) -> tuple[Tensor, int]:
    """The input converted to ``dtype`` (recorded, if asked for) and ``dim`` as an axis."""
    if not isinstance(input, Tensor):
        require_tensors(name, {"input": input})
    if dtype is not None:  # (its kind first: torch parses every argument before any check)
        dtype = _dtype.resolve(dtype, name)
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):  # (an int, or a 0-d int tensor)
        raise TypeError(
            f"{name}(): argument 'dim' (position 2) must be int, not {type_name_of(dim)}"
        )
    ndim = input._data.ndim
    axis = dim if type(dim) is int and 0 <= dim < ndim else normalize_dim(dim, ndim)
    x = input if dtype is None else input.to(dtype)
    if not x._dtype.is_floating_point:
        last = x._data.ndim == 0 or axis == x._data.ndim - 1
        kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(x._dtype)}'")
    return x, axis


def _through_half(x: np.ndarray) -> np.ndarray:
    """float32 values rounded to float16 (where torch keeps a half intermediate), as float32."""
    return x.astype(np.float16).astype(np.float32)


def _as_float32(x: np.ndarray) -> np.ndarray:
    """float16 is computed in float32 (as torch does), then rounded back."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


def _shifted(x: np.ndarray, axis: int) -> np.ndarray:
    """``x`` minus its maximum along ``axis``: every value <= 0, so ``exp`` can't overflow.

    (An all ``-inf`` or any ``+inf`` slice gives NaNs, as in torch.)"""
    return x - np.maximum.reduce(x, axis, keepdims=True)


# --8<-- [start:softmax]
@numpy_names
def softmax(
    input: Tensor, dim: int, dtype: dtype | None = None, *, out: Tensor | None = None
) -> Tensor:
    """``exp(x) / exp(x).sum(dim)``: each slice along ``dim`` becomes probabilities summing to 1.

    ``dtype``: convert the input to it first (e.g. float64 for more precision).
    """
    if out is not None:
        check_out("aten::softmax", out, input)
        check_same_dtype(out, _dtype.resolve(dtype, "softmax") or input._dtype)  # (first)
        return write_out(out, softmax(input, dim, dtype))
    source, axis = _prepare("softmax", input, dim, dtype)
    x = _as_float32(source._data)
    if x.ndim == 0 or x.size == 0:
        e = np.exp(x - x)  # a 0-d slice holds one element: probability 1 (NaN stays NaN)
    else:
        e = _exp(_shifted(x, axis))
        if axis == x.ndim - 1:  # (torch's kernel for the last dim multiplies by 1 / sum)
            e *= 1 / softmax_sums(e, axis)
        else:
            e /= softmax_sums(e, axis)
    result = Tensor._make(np.asarray(e, source._data.dtype, order="C"))  # (torch's: row-major)
    if needs_grad(source):
        record(result, SoftmaxBackward0, (source,), saved=(result,), axis=axis)
    return result


class SoftmaxBackward0(Node):
    """For y = softmax(x): dx = y * (dy - sum(dy * y)) along the softmax dim."""

    axis: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (result,) = self.saved_tensors
        return (_softmax_backward_data(grad, result, self.axis),)


# --8<-- [end:softmax]


def _softmax_backward_data(grad: Tensor, output: Tensor, axis: int) -> Tensor:
    """softmax's backward as an op: ``y * (g - sum(g * y))``. Recorded under ``create_graph``,
    so that second derivatives through softmax work."""
    result = Tensor._make(_softmax_grad(grad._data, output._data, axis))
    if needs_grad(grad, output):
        record(
            result, SoftmaxBackwardDataBackward0, (grad, output), saved=(grad, output), axis=axis
        )
    return result


def _softmax_grad(g: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """``(g - sum(g * y)) * y`` along ``axis``, with torch's sums: along the last dim in vectors,
    along another in order, each product added by a fused multiply-add; half in float32."""
    if g.dtype == np.float16:
        return _softmax_grad(_as_float32(g), _as_float32(y), axis).astype(g.dtype)
    if g.ndim == 0 or axis == g.ndim - 1:
        return (g - softmax_sums(g * y, axis, factors=(g, y))) * y
    s = np.zeros(np.delete(g.shape, axis), g.dtype)
    for g_i, y_i in zip(np.moveaxis(g, axis, 0), np.moveaxis(y, axis, 0), strict=True):
        s = fma(g_i, y_i, s)
    return (g - np.expand_dims(s, axis)) * y


class SoftmaxBackwardDataBackward0(Node):
    """``r = y * (g - s)`` with ``s = sum(g * y)``: linear in ``g`` (the same op again); in
    ``y``, dr/dy gives ``gg * (g - s) - g * sum(gg * y)``."""

    axis: int

    def backward(self, gg: Tensor) -> tuple[Tensor | None, Tensor | None]:
        g, y = self.saved_tensors
        grad_g = grad_y = None
        if self.next_functions[0][0] is not None:
            grad_g = _softmax_backward_data(gg, y, self.axis)
        if self.next_functions[1][0] is not None:
            s = (g * y).sum(self.axis, keepdim=True)
            grad_y = gg * (g - s) - g * (gg * y).sum(self.axis, keepdim=True)
        return grad_g, grad_y


# --8<-- [start:log_softmax]
@numpy_names
def log_softmax(
    input: Tensor, dim: int, dtype: dtype | None = None, *, out: Tensor | None = None
) -> Tensor:
    """``log(softmax(x))``, computed stably as ``x - max - log(sum(exp(x - max)))``."""
    if out is not None:
        check_out("aten::log_softmax", out, input)
        check_same_dtype(out, _dtype.resolve(dtype, "log_softmax") or input._dtype)
        return write_out(out, log_softmax(input, dim, dtype))
    source, axis = _prepare("log_softmax", input, dim, dtype)
    x = _as_float32(source._data)
    if x.ndim == 0 or x.size == 0:
        y = x - x  # log(1) = 0 for a single element (NaN stays NaN)
    else:
        y = _shifted(x, axis)
        sums = softmax_sums(_exp(y), axis)
        if source._data.dtype == np.float16 and axis == x.ndim - 1:
            # torch's kernel for the last dim keeps each row's sum, then its log, in half
            y -= _through_half(_log(_through_half(sums)))
        else:
            y -= _log(sums)
    result = Tensor._make(np.asarray(y, source._data.dtype, order="C"))  # (as softmax)
    if needs_grad(source):
        record(result, LogSoftmaxBackward0, (source,), saved=(result,), axis=axis)
    return result


class LogSoftmaxBackward0(Node):
    """For y = log_softmax(x): dx = dy - exp(y) * sum(dy) along the dim (exp(y) is softmax)."""

    axis: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (result,) = self.saved_tensors
        return (_log_softmax_backward_data(grad, result, self.axis),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        (result,) = self.saved_tensors
        return (_log_softmax_grad(grad, result._data, self.axis),)


# --8<-- [end:log_softmax]


def _log_softmax_backward_data(grad: Tensor, output: Tensor, axis: int) -> Tensor:
    """log_softmax's backward as an op: ``g - exp(y) * sum(g)``. Recorded under
    ``create_graph``, so that second derivatives through log_softmax (and cross_entropy) work."""
    result = Tensor._make(_log_softmax_grad(grad._data, output._data, axis))
    if needs_grad(grad, output):
        record(
            result, LogSoftmaxBackwardDataBackward0, (grad, output), saved=(grad, output), axis=axis
        )
    return result


def _log_softmax_grad(g: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """``g - exp(y) * sum(g)`` along ``axis``, on the arrays (torch's kernel: the last step a
    fused multiply-add, and half in float32)."""
    if g.dtype == np.float16:
        return _log_softmax_grad(_as_float32(g), _as_float32(y), axis).astype(g.dtype)
    return fma(-_exp(y), softmax_sums(g, axis), g)


class LogSoftmaxBackwardDataBackward0(Node):
    """``r = g - exp(y) * sum(g)``: in ``g``, ``gg - sum(gg * exp(y))``; in ``y``,
    ``-gg * exp(y) * sum(g)``."""

    axis: int

    def backward(self, gg: Tensor) -> tuple[Tensor | None, Tensor | None]:
        g, y = self.saved_tensors
        grad_g = grad_y = None
        p = y.exp()
        if self.next_functions[0][0] is not None:
            grad_g = gg - (gg * p).sum(self.axis, keepdim=True)
        if self.next_functions[1][0] is not None:
            grad_y = -(gg * p) * g.sum(self.axis, keepdim=True)
        return grad_g, grad_y


# --8<-- [start:dropout]
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``, so the
    expected value is unchanged. Outside training (``training=False``) it is the identity.

    The mask is drawn as torch draws it (``bernoulli(1 - p)``), so seeded runs match torch.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    inplace = bool(inplace)  # (torch's Python function tests it, then its parser reads the rest)
    if not isinstance(input, Tensor):  # (even where it would be returned as it is)
        require_tensors("dropout", {"input": input})
    p = float_arg(p, "dropout", "p", 2)
    bool_arg(training, "dropout", "train", 3)  # (torch's kernel takes a bool, nothing truthy)
    if not 0.0 <= p <= 1.0:  # (NaN, which the check above lets through: the kernel's check)
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or input._data.size == 0:
        return input
    if p == 1.0:  # everything dropped
        zero = Tensor._make(np.zeros((), input._data.dtype))
        return input.mul_(zero) if inplace else mul(input, zero)
    keep = 1.0 - p
    x = input._data
    if x.flags.c_contiguous:
        noise = _random.bernoulli(x.shape, keep, x.dtype)
    else:
        noise = _bernoulli_in_layout(x, keep)
    if not input._dtype.is_floating_point:  # torch draws the mask, then can't scale it
        raise RuntimeError(
            f"result type {type_name(_dtype.get_default_dtype())} can't be cast to the desired "
            f"output type {type_name(input._dtype)}"
        )
    if noise.dtype == np.float16:  # torch scales half in float32, then rounds
        noise = (noise.astype(np.float32) / np.float32(keep)).astype(np.float16)
    else:
        noise /= keep  # the kept elements' scale, in the input's dtype
    mask = Tensor._make(noise)
    return input.mul_(mask) if inplace else mul(input, mask)


# --8<-- [end:dropout]


def _bernoulli_in_layout(x: np.ndarray, p: float) -> np.ndarray:
    """``bernoulli(p)`` samples shaped as ``x``, as torch draws them into ``empty_like(x)``:
    front to back in memory, and ``empty_like`` keeps the order in which the dims of ``x`` lie
    in memory (by stride; an expanded dim, of stride 0, stays where it is)."""
    strided = sorted((d for d, s in enumerate(x.strides) if s), key=lambda d: -x.strides[d])
    order = [d if not s else strided.pop(0) for d, s in enumerate(x.strides)]  # outermost first
    samples = _random.bernoulli([x.shape[d] for d in order], p, x.dtype)
    return samples.transpose(np.argsort(order))
