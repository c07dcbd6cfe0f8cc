"""Loss functions: how far a prediction is from its target, as one number (or one per sample).

- regression: ``mse_loss`` (squared error), ``l1_loss`` (absolute error);
- classification: ``nll_loss`` (picks minus the log-probability of each sample's class),
  ``cross_entropy`` (``log_softmax`` then ``nll_loss``: takes raw scores, "logits"),
  ``binary_cross_entropy`` (probabilities) and ``binary_cross_entropy_with_logits`` (logits);
- ``one_hot``, which turns class indices into the 0/1 vectors some targets are given as.

``reduction`` says what to return: ``'mean'`` (the default) or ``'sum'`` of the per-element
losses, or ``'none'``: all of them. Each loss records the node torch records (``MseLossBackward0``,
``NllLossBackward0`` ...) or, where torch builds a loss from other ops, those ops' nodes.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import _dtype
from .._dtype import from_numpy_dtype
from .._size import (
    Size,
    broadcast_shapes,
    check_int64,
    float_arg,
    int_arg,
    normalize_dims,
    type_name_of,
)
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Node, needs_grad, record
from .activation import _as_float32, log_softmax
from .pointwise import (
    _exp,
    _log,
    _log1p,
    _zeros_like,
    div_scalar,
    mul_scalar,
    require_tensors,
    tensor_arguments,
    type_name,
)
from .reduction import _np_mean, _np_sum
from .summation import nll_total

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(
    reduction: str, size_average: bool | None, reduce: bool | None, *, check: bool = True
) -> str:
    """The reduction, from ``reduction`` or from the deprecated ``size_average``/``reduce``.
    ``check=False``: only the second part (mse_loss and l1_loss read the deprecated arguments
    before the shapes, and check the reduction's name after them)."""
    if size_average is not None or reduce is not None:  # (read in torch's order: its errors)
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else ("sum" if reduce else "none")
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            UserWarning,
            stacklevel=3,
        )
    if not check:
        return reduction
    if reduction == "elementwise_mean":  # an old name of 'mean'
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            UserWarning,
            stacklevel=3,
        )
        return "mean"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    """Apply ``reduction`` to per-element losses (the mean of nothing is NaN, as in torch)."""
    if reduction == "none":
        return loss
    axes, dtype = normalize_dims(None, loss.ndim), from_numpy_dtype(loss.dtype)
    if reduction == "sum":
        return _np_sum(loss, axes, False, dtype)  # loss.sum()
    return _np_mean(loss, axes, False, dtype, loss.size)  # loss.mean()


def _finish_grad(grad: Tensor, weight: Tensor | None, reduction: str, n: int) -> Tensor:
    """The last steps of the binary losses' backward, in torch's order: times the weight,
    then divided by the number of elements for the mean (a division by a number, as torch's
    C++ writes it: DivBackward1 under ``create_graph``)."""
    if weight is not None:
        grad = grad * weight
    return div_scalar(grad, n) if reduction == "mean" else grad


def _same_size(input: Tensor, target: Tensor) -> bool:
    """``target.size() == input.size()``, the first step of torch's losses written in Python:
    so they fail as torch's when an argument is no Tensor (an array's ``size`` is an int: a
    TypeError; a list has none: an AttributeError)."""
    try:
        return target._data.shape == input._data.shape
    except AttributeError:
        return bool(target.size() == input.size())


def _warn_if_broadcast(input: Tensor, target: Tensor) -> None:
    if not _same_size(input, target):
        warnings.warn(
            f"Using a target size ({Size(target._data.shape)}) that is different to the input "
            f"size ({Size(input._data.shape)}). This will likely lead to incorrect results due "
            "to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def _broadcast_pair(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """``torch.broadcast_tensors``: each expanded to the common shape (if it isn't already)."""
    shape = broadcast_shapes(input._data.shape, target._data.shape)
    x = input if input._data.shape == shape else input.expand(shape)
    y = target if target._data.shape == shape else target.expand(shape)
    return x, y


def _check_weight(weight: Any, input: Tensor) -> None:
    """mse_loss's / l1_loss's ``weight=``: the input's shape, as given (not as broadcast to the
    target's), checked before the errors are computed. (Anything but a tensor fails on
    its ``size()``, as in torch.)"""
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")


def _weighted(errors: Tensor, weight: Tensor, reduction: str) -> Tensor:
    """The ``weight=`` form of mse_loss / l1_loss: per-element weights, a weighted mean."""
    weighted = errors * weight
    if reduction == "none":
        return weighted
    return weighted.sum() if reduction == "sum" else weighted.sum() / weight.sum()


# ---------------------------------------------------------------------- regression
# --8<-- [start:mse_loss]
def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """The squared error ``(input - target) ** 2``, averaged (by default) over all elements."""
    _warn_if_broadcast(input, target)
    reduction = _reduction(reduction, size_average, reduce, check=False)
    x, y = _broadcast_pair(input, target)  # (torch checks the shapes before the reduction)
    reduction = _reduction(reduction, None, None)
    if weight is not None:
        _check_weight(weight, input)
        return _weighted((x - y) ** 2, weight, reduction)
    common = _dtype.result_type(x, y)
    if not common.is_floating_point:
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{type_name(common)}'")
    diff = np.subtract(x._data, y._data, dtype=common.numpy)
    result = Tensor._make(_reduce(diff * diff, reduction))
    if needs_grad(x, y):
        record(result, MseLossBackward0, (x, y), saved=(x, y), reduction=reduction)
    return result


class MseLossBackward0(Node):
    """d/dx (x - t)² = 2 (x - t), times the incoming gradient (divided by n for the mean);
    the target gets 2 (t - x) times it (torch's formula with the two swapped: where x == t,
    that is 0, not the -0 that negating the input's would give)."""

    reduction: str

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, t = self.saved_tensors
        # (torch's kernel takes the factor in the input's dtype: 2 / 40 is 0.05 rounded to half;
        # the mean of no element has an empty gradient, whatever its factor)
        n = x._data.size if self.reduction == "mean" else 1
        norm = x._data.dtype.type(2.0 / n if n else 2.0)
        grad_x = (x - t) * norm * grad
        grad_t = (t - x) * norm * grad if self.next_functions[1][0] is not None else None
        return grad_x, grad_t


# --8<-- [end:mse_loss]


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """The absolute error ``|input - target|``, averaged (by default) over all elements.

    torch builds it from ``sub``, ``abs`` and ``mean``/``sum``, so those are the recorded nodes.
    """
    _warn_if_broadcast(input, target)
    reduction = _reduction(reduction, size_average, reduce, check=False)
    x, y = _broadcast_pair(input, target)  # (torch checks the shapes before the reduction)
    reduction = _reduction(reduction, None, None)
    if weight is not None:
        _check_weight(weight, input)
        return _weighted((x - y).abs(), weight, reduction)
    errors = (x - y).abs()
    if reduction == "none":
        return errors
    return errors.sum() if reduction == "sum" else errors.mean()


# ---------------------------------------------------------------------- nll_loss
# torch checks nll_loss's arguments in three layers, each before the next: autograd's wrapper
# (a weight must not require grad), the op's shape function (the target's dims and dtype, then
# the sizes: ``_check_target_dtype``, ``_class_weights``), and the kernel, chosen by the input's
# dtype (``_check_kernel_dtypes``).
def _check_target_dtype(target: Tensor) -> None:
    if target._dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {type_name(target._dtype)}"
        )


def _check_kernel_dtypes(name: str, input: Tensor, weight: Tensor | None) -> None:
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{type_name(input._dtype)}'")
    if weight is not None and weight._dtype is not input._dtype:
        raise RuntimeError(
            f"expected scalar type {type_name(input._dtype)} but found {type_name(weight._dtype)}"
        )


def _class_weights(weight: Tensor | None, n_classes: int, spatial: bool) -> np.ndarray | None:
    """The per-class weights as an array (None: no weights); ``spatial``: for nll_loss2d."""
    if weight is None:
        return None
    if spatial:  # (nll_loss2d checks only the count: a (1, C) weight is taken)
        if weight._data.size != n_classes:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        return weight._data.reshape(-1)
    if weight._data.ndim != 1 or weight._data.size != n_classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight._data.shape)}"
        )
    return weight._data


def _targets(
    target: np.ndarray, n_classes: int, ignore_index: int, class_weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Each sample's class, made safe to index with (ignored samples point at class 0); each
    sample's weight (None when every sample weighs 1: no weights, nothing ignored); and which
    samples are ignored (None: none is)."""
    t = target.astype(np.int64, copy=False)
    ignored = None
    # Seen as unsigned, a negative index is huge: unless ignore_index is a class, one max tells
    # whether every target is a class (the usual case: done), or some is ignored or out of range.
    if t.size and (
        0 <= ignore_index < n_classes or np.maximum.reduce(t.view(np.uint64), None) >= n_classes
    ):
        low, high = np.minimum.reduce(t, None), np.maximum.reduce(t, None)
        # (the default ignore_index is negative: with no negative target nothing is ignored)
        if low <= ignore_index <= high:
            mask = t == ignore_index
            if mask.any():
                ignored = mask
                t = np.where(mask, 0, t)
                low, high = np.minimum.reduce(t, None), np.maximum.reduce(t, None)
        if low < 0 or high >= n_classes:
            bad = t[(t < 0) | (t >= n_classes)][0]
            raise IndexError(f"Target {bad} is out of bounds.")
    if class_weights is None and ignored is None:
        return t, None, None
    w = class_weights[t] if class_weights is not None else np.ones(t.shape, np.float32)
    return t, (w if ignored is None else np.where(ignored, 0, w)), ignored


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The negative log likelihood: ``-input[n, target[n]]`` for each sample ``n``.

    ``input`` holds log-probabilities, ``(N, C)`` or ``(N, C, d1, d2, ...)`` (one class
    score per position), or ``(C,)`` for a single sample; ``target`` the class indices
    (int64), ``(N,)`` or ``(N, d1, d2, ...)``. ``weight``: one weight per class; the mean
    divides by the total weight of the samples taken. Samples whose target is
    ``ignore_index`` count for nothing.
    """
    reduction = _reduction(reduction, size_average, reduce)  # (first, as in cross_entropy)
    ignore_index = int_arg(ignore_index, "nll_loss_nd", "ignore_index", 5)
    return _nll_loss_op(input, target, weight, reduction, ignore_index)


def _nll_loss_nd(
    input: Tensor, target: Tensor, weight: Tensor | None, reduction: str, ignore_index: int
) -> Tensor:
    """Dispatch by the input's dims, as torch does: (C,) or (N, C) to ``nll_loss``; 4-d to
    ``nll_loss2d``; other shapes are viewed as 4-d ``(N, C, 1, -1)`` first."""
    dims = input._data.ndim
    if dims < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {dims})")
    batch = target._data.shape[0] if target._data.ndim else 0
    if dims != 1 and input._data.shape[0] != batch:
        raise ValueError(
            f"Expected input batch_size ({input._data.shape[0]}) to match target batch_size "
            f"({batch})."
        )
    if dims <= 2:
        return _nll_loss(input, target, weight, reduction, ignore_index)
    if dims == 4:
        return _nll_loss2d(input, target, weight, reduction, ignore_index)
    n, c = input._data.shape[:2]
    if target._data.shape[1:] != input._data.shape[2:]:
        raise RuntimeError(
            f"Expected target size {[n, *input._data.shape[2:]]}, got {list(target._data.shape)}"
        )
    empty = input._data.size == 0  # (each viewed by its own count: C = 0 empties only input)
    flat_input = input.contiguous().view(n, c, 0 if empty else 1, 0 if empty else -1)
    empty = target._data.size == 0
    flat_target = target.contiguous().view(n, 0 if empty else 1, 0 if empty else -1)
    out = _nll_loss2d(flat_input, flat_target, weight, reduction, ignore_index)
    return out if reduction != "none" else out.view(n, *input._data.shape[2:])


# nll_loss's C++ op, its arguments' kinds checked as torch's parser checks them (cross_entropy
# calls _nll_loss_nd itself, with arguments it has checked)
_nll_loss_op = tensor_arguments("nll_loss_nd", "input", "target", "weight", optional="weight")(
    _nll_loss_nd
)


def _nll_loss(
    input: Tensor, target: Tensor, weight: Tensor | None, reduction: str, ignore_index: int
) -> Tensor:
    """``nll_loss`` proper: input (C,) or (N, C)."""
    x, t = input._data, target._data
    _not_differentiable("nll_loss_forward", "weight", weight)
    if t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    _check_target_dtype(target)
    if x.ndim == 1 and t.ndim == 1 and t.size != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.size}")
    n_classes = x.shape[-1]
    class_weights = _class_weights(weight, n_classes, spatial=False)
    _check_kernel_dtypes("nll_loss_out_frame", input, weight)
    if x.ndim == 1:  # a single sample: a batch of one, and a 0-d result
        single = t.reshape(1)
        safe, w, ignored = _targets(single, n_classes, ignore_index, class_weights)
        result = _nll(input, safe, w, ignored, reduction, (), NllLossBackward0)
        if t.ndim and result.grad_fn is not None:  # torch's backward refuses a target (1,)
            result.grad_fn.refused = f"size mismatch (got input: {list(x.shape)}, target: [1])"
        return result
    safe, w, ignored = _targets(t, n_classes, ignore_index, class_weights)
    return _nll(input, safe, w, ignored, reduction, t.shape, NllLossBackward0)


def _nll_loss2d(
    input: Tensor, target: Tensor, weight: Tensor | None, reduction: str, ignore_index: int
) -> Tensor:
    """``nll_loss2d``: input (N, C, H, W), target (N, H, W)."""
    x, t = input._data, target._data
    _not_differentiable("nll_loss2d_forward", "weight", weight)
    if t.ndim != 3:
        raise RuntimeError(
            "only batches of spatial targets supported (3D tensors) but got targets of "
            f"dimension: {t.ndim}"
        )
    _check_target_dtype(target)
    class_weights = _class_weights(weight, x.shape[1], spatial=True)
    if (x.shape[0], *x.shape[2:]) != t.shape:
        raise RuntimeError(f"size mismatch (got input: {list(x.shape)} , target: {list(t.shape)}")
    _check_kernel_dtypes("nll_loss2d_forward_out_frame", input, weight)
    byte_error = "expected scalar type Long but found Byte"
    if target._dtype is _dtype.uint8 and (reduction == "none" or t.size):
        # (taken by the check above, not by the kernel, which wants Long; a total over no
        # element returns before it looks, and its backward refuses them)
        raise RuntimeError(byte_error)
    safe, w, ignored = _targets(t, x.shape[1], ignore_index, class_weights)
    result = _nll(input, safe, w, ignored, reduction, t.shape, NllLoss2DBackward0)
    if target._dtype is _dtype.uint8 and result.grad_fn is not None:
        result.grad_fn.refused = byte_error
    return result


# --8<-- [start:nll]
def _nll(
    input: Tensor,
    target: np.ndarray,
    weights: np.ndarray | None,
    ignored: np.ndarray | None,
    reduction: str,
    shape: tuple[int, ...],
    node: type[NllLossBackward0],
) -> Tensor:
    """The loss itself, once the targets are checked: ``-weight * input[n, target[n], ...]``
    per sample, reduced. ``target``: one valid class per sample, (N,) or (N, H, W);
    ``weights``: each sample's weight, or None when all are 1; ``ignored``: which samples
    are ignored (None: none); ``shape``: the result's for ``reduction='none'``."""
    x = input._data if input._data.ndim > 1 else input._data[np.newaxis]
    if x.ndim == 2:  # (N, C): one element per row
        picked = x[np.arange(x.shape[0]), target]
    else:  # (N, C, H, W): one element per position, along the class dim
        picked = np.take_along_axis(x, target[:, np.newaxis], 1)[:, 0]
    losses = picked if weights is None else picked * weights.astype(x.dtype, copy=False)
    total: Any = 1.0
    if reduction == "none":
        out = -losses.reshape(shape)
        if ignored is not None:  # torch writes 0 there (-(x * 0) is -0 for x > 0)
            out = np.where(ignored.reshape(shape), x.dtype.type(0), out)
    else:
        # torch subtracts each loss from 0 (so no loss, or losses of 0, give 0, not -0), in
        # its own order (see nll_total)
        skipped = None if ignored is None else ignored.reshape(-1)
        out = nll_total(-losses.reshape(-1), skipped)
        if reduction == "mean":  # over the samples' total weight (0/0 = NaN: all ignored)
            if weights is None:
                total = picked.size
            else:
                total = nll_total(weights.astype(x.dtype, copy=False).reshape(-1), skipped)
            # a NumPy scalar of x's dtype over a number: computed in that dtype (NEP 50), and
            # several times cheaper than np.true_divide(..., dtype=) on one value
            out = out / total
    result = Tensor._make(out)
    if needs_grad(input):
        record(
            result,
            node,
            (input,),
            saved=(input,),
            target=target,
            weights=weights,
            ignored=ignored,
            total=total,
            reduction=reduction,
            shape=shape,
        )
    return result


class NllLossBackward0(Node):
    """The loss took one element per sample: only those get a gradient, ``-weight / total``
    times the incoming one (``total`` is the total weight for the mean, else 1)."""

    target: np.ndarray
    weights: np.ndarray | None
    ignored: np.ndarray | None
    total: Any
    reduction: str
    shape: tuple[int, ...]
    refused: str | None = None

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        if self.refused is not None:
            raise RuntimeError(self.refused)
        (log_probs,) = self.saved_tensors
        return (_nll_loss_backward(grad, log_probs, self),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        if self.refused is not None:
            raise RuntimeError(self.refused)
        (log_probs,) = self.saved_tensors
        return (_nll_loss_grad(grad, log_probs._data.shape, self),)


# --8<-- [end:nll]


class NllLoss2DBackward0(NllLossBackward0):
    """``nll_loss2d`` (a class score per position): the same rule as ``NllLossBackward0``."""


def _nll_loss_backward(grad: Tensor, input: Tensor, forward: NllLossBackward0) -> Tensor:
    """NllLoss's backward as an op: zeros, except ``-weight * grad / total`` at each sample's
    target. Recorded under ``create_graph`` (it is linear in ``grad``)."""
    result = Tensor._make(_nll_loss_grad(grad._data, input._data.shape, forward))
    if needs_grad(grad, input):
        record(result, NllLossBackwardBackward0, (grad, input), forward=forward)
    return result


def _nll_loss_grad(
    grad: np.ndarray, shape: tuple[int, ...], forward: NllLossBackward0
) -> np.ndarray:
    """NllLoss's backward on the arrays: zeros of the input's ``shape``, except
    ``-weight * grad / total`` at each sample's target."""
    g = grad if forward.total == 1.0 else grad / forward.total
    values = -g if forward.weights is None else -g * forward.weights.astype(g.dtype, copy=False)
    if forward.ignored is not None:  # ignored samples get no gradient (even when g is NaN)
        values = np.where(forward.ignored, g.dtype.type(0), values)
    out = np.zeros(shape if len(shape) > 1 else (1, *shape), g.dtype)
    target = forward.target
    if out.ndim == 2:
        out[np.arange(out.shape[0]), target] = values.reshape(-1) if values.ndim else values
    else:
        values = np.broadcast_to(values, target.shape)[:, np.newaxis]
        np.put_along_axis(out, target[:, np.newaxis], values, 1)
    return out if out.shape == shape else out.reshape(shape)


class NllLossBackwardBackward0(Node):
    """``_nll_loss_backward`` is linear in ``grad`` and takes the same elements the loss took:
    its gradient is the loss itself, applied to the incoming gradient. It does not depend on
    the input's values (a zero gradient)."""

    forward: NllLossBackward0

    def backward(self, gg: Tensor) -> tuple[Tensor | None, Tensor | None]:
        f = self.forward
        grad_grad = _nll(gg, f.target, f.weights, f.ignored, f.reduction, f.shape, type(f))
        grad_input = None
        if self.next_functions[1][0] is not None:
            grad_input = _zeros_like(gg)
        return grad_grad, grad_input


# ---------------------------------------------------------------------- cross_entropy
# --8<-- [start:cross_entropy]
def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """The cross entropy between the softmax of ``input`` (raw scores, "logits", one per class)
    and ``target``: ``nll_loss(log_softmax(input, 1), target)`` for class indices.

    ``target`` is either class indices (int64; shape of ``input`` without the class dim) or
    class probabilities (float; the shape of ``input``). ``label_smoothing`` mixes the target
    with the uniform distribution over the classes.
    """
    # (the reduction first, as torch's Python function reads it before its C++ op's arguments)
    reduction = _reduction(reduction, size_average, reduce)
    return _cross_entropy(input, target, weight, reduction, ignore_index, label_smoothing)


@tensor_arguments("cross_entropy_loss", "input", "target", "weight", optional="weight")
def _cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None,
    reduction: str,
    ignore_index: int,
    label_smoothing: float,
) -> Tensor:
    label_smoothing = float_arg(label_smoothing, "cross_entropy_loss", "label_smoothing")
    ignore_index = int_arg(ignore_index, "cross_entropy_loss", "ignore_index", 5)
    class_dim = 0 if input._data.ndim == 1 else 1
    if input._data.shape == target._data.shape:  # same shape: class probabilities
        return _cross_entropy_probabilities(
            input, target, weight, reduction, ignore_index, label_smoothing
        )
    if label_smoothing > 0.0:
        return _cross_entropy_smoothed(
            input, target, weight, reduction, ignore_index, label_smoothing
        )
    log_probs = log_softmax(input, class_dim)
    return _nll_loss_nd(log_probs, target, weight, reduction, ignore_index)


# --8<-- [end:cross_entropy]


def _class_view(weight: Tensor, class_dim: int, ndim: int) -> Tensor:
    """The class weights shaped to broadcast along the class dim: (1, C, 1, ...)."""
    shape = [1] * ndim
    shape[class_dim] = weight._data.shape[0]
    return weight.view(shape)


def _check_smoothing(label_smoothing: float) -> None:
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


def _cross_entropy_smoothed(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None,
    reduction: str,
    ignore_index: int,
    label_smoothing: float,
) -> Tensor:
    """Class indices with label smoothing: ``(1 - s) * nll + s * (the loss against a uniform
    target) / C``, built from ops as torch builds it."""
    _check_smoothing(label_smoothing)
    class_dim = 0 if input._data.ndim == 1 else 1
    n_classes = input._data.shape[class_dim]
    log_probs = log_softmax(input, class_dim)
    nll = _nll_loss_nd(log_probs, target, weight, reduction, ignore_index)
    ignored = target == ignore_index
    if weight is not None:
        smooth = -(log_probs * _class_view(weight, class_dim, log_probs.ndim)).sum(class_dim)
    else:
        smooth = -log_probs.sum(class_dim)
    smooth = smooth.masked_fill_(ignored, 0.0)
    if reduction == "mean":
        kept = ~ignored._data
        if weight is not None:  # (torch gathers the targets' weights: gather's checks)
            if weight._data.ndim != 1:
                raise RuntimeError(
                    "Index tensor must have the same number of dimensions as input tensor"
                )
            if target._dtype is _dtype.uint8:
                raise RuntimeError("gather(): Expected dtype int32/int64 for index")
            denominator = weight._data[target._data[kept].astype(np.int64)].sum()
        else:
            denominator = np.int64(kept.sum())
        uniform = smooth.sum() / Tensor._make(denominator)
    else:
        uniform = smooth.sum() if reduction == "sum" else smooth
    return mul_scalar(nll, 1.0 - label_smoothing) + mul_scalar(
        uniform, _per_class(label_smoothing, n_classes)
    )


def _per_class(label_smoothing: float, n_classes: int) -> float:
    """The smoothing's share of each class, divided as C++ divides doubles (by no class: inf)."""
    return label_smoothing / n_classes if n_classes else math.inf


def _cross_entropy_probabilities(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None,
    reduction: str,
    ignore_index: int,
    label_smoothing: float,
) -> Tensor:
    """Class probabilities: ``-sum(target * log_softmax(input))`` over the class dim."""
    if not target._dtype.is_floating_point:
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, got "
            f"{type_name(target._dtype)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input._data.ndim == 0:  # torch asks for the size of dim 1 here
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    class_dim = 0 if input._data.ndim == 1 else 1
    n_classes = input._data.shape[class_dim]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {n_classes} classes "
            f"or no classes but got weight tensor of shape: {list(weight._data.shape)}"
        )
    log_probs = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        target = mul_scalar(target, 1.0 - label_smoothing) + _per_class(label_smoothing, n_classes)
    products = log_probs * target
    if weight is not None:
        products = products * _class_view(weight, class_dim, log_probs.ndim)
    if reduction == "none":
        return -products.sum(class_dim)
    if reduction == "sum":
        return -products.sum()
    if input._data.size == 0:
        return (-products.sum()).fill_(float("nan"))
    return div_scalar(-products.sum(), input._data.size // n_classes)


# ---------------------------------------------------------------------- binary
def _check_same_dtype(input: Tensor, other: Tensor) -> None:
    if other._dtype is not input._dtype:
        raise RuntimeError(
            f"Found dtype {type_name(other._dtype)} but expected {type_name(input._dtype)}"
        )


def _output_shape_check(shape: tuple[int, ...], *others: Tensor | None) -> None:
    """Weights broadcast into the loss's shape, never beyond it (torch computes in place)."""
    for other in others:
        if other is None:
            continue
        full = broadcast_shapes(shape, other._data.shape)
        if full != shape:
            raise RuntimeError(
                f"output with shape {list(shape)} doesn't match the broadcast shape {list(full)}"
            )


def _expand_weight(weight: Tensor, shape: tuple[int, ...]) -> Tensor:
    """binary_cross_entropy's ``weight``, expanded to broadcast with the target."""
    if not isinstance(weight, Tensor):  # (torch's Python code asks it for ``weight.size()``:
        weight.size()  # an AttributeError, or a TypeError for NumPy's ``size``, an int)
        raise TypeError(f"expected a Tensor as weight, got {type(weight).__name__}")
    try:
        full = tuple(np.broadcast_shapes(shape, weight._data.shape))
    except ValueError:
        size = len(weight._data.shape)
        for i in range(1, size + 1):
            w = weight._data.shape[-i]
            s = shape[-i] if i <= len(shape) else 1
            if w != s and w != 1 and s != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {w} at {-i}! Mismatching "
                    f"argument at index 1 had {Size(weight._data.shape)}; but expected shape "
                    f"should be broadcastable to {list(shape)}"
                ) from None
        raise
    return weight.expand(full) if weight._data.shape != full else weight


def _not_differentiable(op: str, name: str, t: Tensor | None) -> None:
    if t is not None and t._requires_grad and grad_mode._enabled:
        raise RuntimeError(
            f"The function '{op}' is not differentiable with respect to argument '{name}'. "
            "This input cannot have requires_grad True."
        )


# --8<-- [start:binary_cross_entropy]
def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """``-(t * log(x) + (1 - t) * log(1 - x))`` for probabilities ``x`` in [0, 1] and targets
    ``t`` in [0, 1]. Each log is clamped at -100, so x = 0 or 1 gives a large finite loss."""
    reduction = _reduction(reduction, size_average, reduce)
    if not _same_size(input, target):
        raise ValueError(
            f"Using a target size ({Size(target._data.shape)}) that is different to the input "
            f"size ({Size(input._data.shape)}) is deprecated. Please ensure they have the same "
            "size."
        )
    if weight is not None:
        weight = _expand_weight(weight, target._data.shape)
    _check_same_dtype(input, target)  # (before the kernel's dtype, as torch)
    if not input._dtype.is_floating_point:
        raise NotImplementedError(
            f"\"binary_cross_entropy\" not implemented for '{type_name(input._dtype)}'"
        )
    _output_shape_check(input._data.shape, weight)
    _not_differentiable("binary_cross_entropy", "weight", weight)
    x, t = input._data, target._data
    if not ((x >= 0) & (x <= 1)).all():  # (NaN fails too)
        raise RuntimeError("all elements of input should be between 0 and 1")
    if not ((t >= 0) & (t <= 1)).all():
        raise RuntimeError("all elements of target should be between 0 and 1")
    # torch's kernel calls the C library's log and log1p, one element at a time: its float32 log
    # is (all but always) the correctly rounded one, which NumPy's own vectorised float32 log
    # misses for a fifth of inputs; NumPy's float32 log1p is the C library's
    log_x = np.maximum(_log(x), -100)
    log_1mx = np.maximum(np.log1p(-x), -100)
    loss = (t - 1) * log_1mx - t * log_x
    if weight is not None:
        loss *= weight._data.astype(x.dtype, copy=False)
    result = Tensor._make(_reduce(loss, reduction))
    if needs_grad(input, target):
        record(
            result,
            BinaryCrossEntropyBackward0,
            (input, target),
            saved=(input, target, weight),
            reduction=reduction,
        )
    return result


class BinaryCrossEntropyBackward0(Node):
    """d/dx = (x - t) / (x (1 - x)) (the denominator kept >= 1e-12, as in torch);
    d/dt = -log(x / (1 - x)); each times the incoming gradient and the weight."""

    # torch's bound is the C float 1e-12f in every dtype: as a double, 9.99999996e-13
    EPSILON = float(np.float32(1e-12))

    reduction: str

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, t, weight = self.saved_tensors
        n = x._data.size
        grad_x = grad_t = None
        if self.next_functions[0][0] is not None:
            with grad_mode.no_grad():  # (torch's kernel: its own second derivative, below)
                grad_x = grad * (x - t) / ((1 - x) * x).clamp(min=self.EPSILON)
                grad_x = _finish_grad(grad_x, weight, self.reduction, n)
            if needs_grad(grad, x, t):
                inputs, saved = (grad, x, t), (grad, x, t, weight)
                kind = BinaryCrossEntropyBackwardBackward0
                record(grad_x, kind, inputs, saved=saved, reduction=self.reduction)
        if self.next_functions[1][0] is not None:
            grad_t = -(x / (1 - x)).log() * grad  # minus the logit of x
            grad_t = _finish_grad(grad_t, weight, self.reduction, n)
        return grad_x, grad_t


# --8<-- [end:binary_cross_entropy]


class BinaryCrossEntropyBackwardBackward0(Node):
    """The derivatives of ``g * (x - t) / (x (1 - x))`` by torch's formulas, with its 1e-12
    added to x and to 1 - x (so finite at 0 and 1): for ``g`` ``(x - t) / (x (1 - x))``, for
    x ``(x² - 2xt + t) / (x (1 - x))²`` times ``g``, for t ``-g / (x (1 - x))``."""

    reduction: str

    def backward(self, gg: Tensor) -> tuple[Tensor | None, Tensor | None, Tensor | None]:
        grad, x, t, weight = self.saved_tensors
        eps, n = 1e-12, x._data.size
        grad_grad = grad_x = grad_t = None
        if self.next_functions[0][0] is not None:
            grad_grad = (x - t) / ((x + eps) * (1 - x + eps)) * gg
            grad_grad = _finish_grad(grad_grad, weight, self.reduction, n)
        if self.next_functions[1][0] is not None:
            slope = (x * x - 2 * x * t + t) / ((x + eps).pow(2) * (1 - x + eps).pow(2))
            grad_x = _finish_grad(slope * (gg * grad), weight, self.reduction, n)
        if self.next_functions[2][0] is not None:  # (here torch's bound is the double 1e-12)
            grad_t = -gg * grad if weight is None else -gg * grad * weight
            denominator = (1 - x) * x
            with grad_mode.no_grad():  # (bounded in place: the derivative ignores the bound)
                denominator.clamp_(min=eps)
            grad_t = _finish_grad(grad_t / denominator, None, self.reduction, n)
        return grad_grad, grad_x, grad_t


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    """log(sigmoid(x)) without overflow: min(x, 0) - log(1 + exp(-|x|)). (torch's vectorised
    kernel takes SLEEF's exp and log1p, which are the correctly rounded ones for most inputs:
    so are ``_exp`` and ``_log1p``; NumPy's float32 exp is a bit off for two inputs in five.
    float16 is computed in float32 and rounded once, as torch does.)"""
    wide = _as_float32(x)
    return (np.minimum(wide, 0) - _log1p(_exp(-np.abs(wide)))).astype(x.dtype, copy=False)


def _log_sigmoid_tensor(x: Tensor) -> Tensor:
    """``_log_sigmoid`` with Tensor ops (differentiable, for a target's gradient)."""
    return x.clamp(max=0.0) - (-x.abs()).exp().log1p()


# --8<-- [start:binary_cross_entropy_with_logits]
def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """``binary_cross_entropy(sigmoid(input), target)`` in one stable step, for logits:
    ``(1 - t) * x - log(sigmoid(x))``, with ``log(sigmoid(x))`` computed without overflow.

    ``pos_weight``: a weight for the positive term (per class, broadcast along the last dim).
    """
    reduction = _reduction(reduction, size_average, reduce)
    if not _same_size(input, target):
        raise ValueError(
            f"Target size ({Size(target._data.shape)}) must be the same as input size "
            f"({Size(input._data.shape)})"
        )
    if not isinstance(weight, Tensor | None) or not isinstance(pos_weight, Tensor | None):
        weights = {"weight": weight, "pos_weight": pos_weight}
        require_tensors("binary_cross_entropy_with_logits", weights, ("weight", "pos_weight"), 3)
    if not input._dtype.is_floating_point:
        raise NotImplementedError(
            f"\"log_sigmoid_cpu\" not implemented for '{type_name(input._dtype)}'"
        )
    if not target._dtype.is_floating_point:  # torch computes (1 - target) in the target's dtype
        raise RuntimeError(
            f"result type {type_name(input._dtype)} can't be cast to the desired output type "
            f"{type_name(target._dtype)}"
        )
    if pos_weight is not None:
        broadcast_shapes(pos_weight._data.shape, target._data.shape)  # torch's message if not
    _output_shape_check(input._data.shape, pos_weight)
    if weight is not None:
        broadcast_shapes(input._data.shape, weight._data.shape)
    _output_shape_check(input._data.shape, weight)
    _not_differentiable("binary_cross_entropy_with_logits", "weight", weight)
    _not_differentiable("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    x, t = input._data, target._data
    log_sig = _log_sigmoid(x)
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight._data - 1) * t + 1)
    loss = ((1 - t) * x - log_sig).astype(t.dtype, copy=False)  # in the target's dtype
    if weight is not None:
        loss *= weight._data.astype(loss.dtype, copy=False)
    result = Tensor._make(_reduce(loss, reduction))
    if needs_grad(input, target):
        saved = (input, target, weight, pos_weight)
        record(
            result,
            BinaryCrossEntropyWithLogitsBackward0,
            (input, target),
            saved=saved,
            reduction=reduction,
        )
    return result


class BinaryCrossEntropyWithLogitsBackward0(Node):
    """d/dx = sigmoid(x) - t (with ``pos_weight`` p: (1 + (p - 1) t) sigmoid(x) - p t);
    d/dt = -x (with p: log(sigmoid(-x)) - p log(sigmoid(x))); each times the incoming
    gradient and the weight."""

    reduction: str
    _check_order = (3, 0, 1, 2)  # torch's names: self, target, weight, pos_weight

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, t, weight, pos_weight = self.saved_tensors
        n = x._data.size
        grad_x = grad_t = None
        if self.next_functions[0][0] is not None:
            if pos_weight is None:
                grad_x = x.sigmoid() - t
            else:
                pt = pos_weight * t
                grad_x = (pt + 1 - t) * x.sigmoid() - pt
            grad_x = _finish_grad(grad_x * grad, weight, self.reduction, n)
        if self.next_functions[1][0] is not None:
            if pos_weight is None:
                grad_t = -x
            else:
                grad_t = _log_sigmoid_tensor(-x) - _log_sigmoid_tensor(x) * pos_weight
            grad_t = _finish_grad(grad_t * grad, weight, self.reduction, n)
        return grad_x, grad_t


# --8<-- [end:binary_cross_entropy_with_logits]


# ---------------------------------------------------------------------- one_hot
def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) to one-hot rows: a new last dim of size ``num_classes`` (by
    default one more than the largest index) with a 1 at each index and 0 elsewhere."""
    require_tensors("one_hot", {"input": tensor})
    # (torch's parser reads a 0-d integer tensor as an int, no other tensor)
    if (
        isinstance(num_classes, Tensor)
        and not num_classes._data.ndim
        and num_classes._dtype._kind == 1
    ):
        num_classes = int(num_classes._data)
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool):
        raise TypeError(
            "one_hot(): argument 'num_classes' (position 2) must be int, not "
            f"{type_name_of(num_classes)}"
        )
    check_int64(num_classes)
    if tensor._dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._data
    if idx.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return Tensor._make(np.zeros((*idx.shape, num_classes), np.int64))
    if idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1
    elif idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    one_hot = idx[..., np.newaxis] == np.arange(num_classes)
    return Tensor._make(one_hot.astype(np.int64, order="C"))  # (row-major, as torch's)
