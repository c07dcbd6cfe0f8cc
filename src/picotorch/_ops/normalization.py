"""Batch normalization: ``batch_norm``.

Each channel is normalised to mean 0 and variance 1 over everything but the channel dim
(the batch, and the positions of an image or sequence), then scaled by ``weight`` and shifted
by ``bias``. In training the statistics are the batch's own, and the running estimates that
evaluation will use move a step (``momentum``) towards them; in evaluation the running
estimates are used as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._dtype import type_name
from .._fma import fma
from .._memory_format import in_suggested_format
from .._size import float_arg
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Node, needs_grad, record

_PARAMETERS = ("weight", "bias", "running_mean", "running_var")
_POSITIONS = {"input": 1, "weight": 2, "bias": 3, "running_mean": 4, "running_var": 5}


def _check_arguments(
    input: Any, params: dict[str, Any], training: Any, momentum: Any, eps: Any
) -> tuple[float, float]:
    """torch's checks of batch_norm's arguments before its kernel's (see ``_check_kernel``),
    in its order, with its messages: its Python function's (the batch size when training,
    ``eps``), its parser's (the kinds). Returns ``momentum`` and ``eps`` as the Python floats
    torch reads."""
    if training:
        size = input.size()  # (a 0-d input is Python's IndexError here, as in torch)
        if size[0] * int(np.prod(size[2:])) == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {size}"
            )
    if training and eps <= 0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    for name, value in (("input", input), *params.items()):
        if not isinstance(value, Tensor) and not (name != "input" and value is None):
            kind = "Tensor" if isinstance(value, Tensor) else type(value).__name__
            raise TypeError(
                f"batch_norm(): argument '{name}' (position {_POSITIONS[name]}) must be Tensor, "
                f"not {kind}"
            )
    if not isinstance(training, bool):
        raise TypeError(
            "batch_norm(): argument 'training' (position 6) must be bool, not "
            f"{type(training).__name__}"
        )
    return float_arg(momentum, "batch_norm", "momentum", 7), float_arg(eps, "batch_norm", "eps", 8)


def _check_kernel(input: Tensor, params: dict[str, Any], training: bool) -> None:
    """torch's kernel's checks: the running statistics, the sizes, the dtypes."""
    if (params["running_mean"] is None) != (params["running_var"] is None):
        if not training:  # (torch's kernel needs both, and says which is missing)
            missing = "running_mean" if params["running_mean"] is None else "running_var"
            raise RuntimeError(f"{missing} must be defined in evaluation mode")
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    shape = input._data.shape
    if not training and params["running_mean"] is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    channels = shape[1] if len(shape) > 1 else 0
    for name in ("running_mean", "running_var", "weight", "bias"):  # torch's order here
        value = params[name]
        if value is not None and value._data.size != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {value._data.size}")
    if input._dtype is _dtype.bool or not input._dtype.is_floating_point:  # (after the sizes)
        raise NotImplementedError(f"\"batch_norm\" not implemented for '{type_name(input._dtype)}'")
    _check_dtypes(input, params)
    for name in ("running_mean", "running_var"):
        value = params[name]
        if value is not None and value.requires_grad and grad_mode.is_grad_enabled():
            raise RuntimeError(
                f"The function 'native_batch_norm' is not differentiable with respect to "
                f"argument '{name}'. This input cannot have requires_grad True."
            )


def _check_dtypes(input: Tensor, params: dict[str, Any]) -> None:
    """All of one dtype; or, mixed, float32 parameters for a half-precision input."""
    given = [p for p in params.values() if p is not None]
    if not given:
        return
    if given[0]._dtype is not input._dtype:  # "mixed": decided by the first parameter given
        if any(p._dtype is not _dtype.float32 for p in given):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input._dtype is not _dtype.float16:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return
    for p in given:
        if p._dtype is not input._dtype:
            raise RuntimeError(
                f"expected scalar type {type_name(input._dtype)} but found {type_name(p._dtype)}"
            )


# --8<-- [start:batch_norm]
def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) of ``input`` (N, C), (N, C, L) or (N, C, H, W):
    ``(x - mean) / sqrt(var + eps) * weight + bias``.

    ``training``: use the batch's mean and (biased) variance, and update ``running_mean`` /
    ``running_var`` in place: ``running = (1 - momentum) * running + momentum * batch_stat``
    (with the unbiased variance). Otherwise use the running statistics.

    >>> batch_norm(torch.tensor([[1.], [3.]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    params = {
        "weight": weight,
        "bias": bias,
        "running_mean": running_mean,
        "running_var": running_var,
    }
    momentum, eps = _check_arguments(input, params, training, momentum, eps)
    if not input._data.size:
        return _batch_norm_of_nothing(input, weight, bias)
    _check_kernel(input, params, training)
    x = input._data
    if x.dtype == np.float16:  # half precision is computed in float32, as torch does on CPU
        x = x.astype(np.float32)
    axes = (0, *range(2, x.ndim))  # every dim but the channels
    per_channel = (1, -1) + (1,) * (x.ndim - 2)  # shape that broadcasts a (C,) vector
    if training:
        count = x.size // x.shape[1]  # values per channel
        # torch sums in double, float32 too (data far from 0 would lose digits otherwise), and
        # keeps the mean and the sum of squares in the input's dtype. (The ufuncs' own
        # reductions, as x.mean would add: warnings about inf and NaN stay silenced by
        # picotorch's filter, which NumPy's mean, in a module of its own, escapes.)
        mean = (np.add.reduce(x, axis=axes, dtype=np.float64) / count).astype(x.dtype)
        squares = np.square(x - mean.reshape(per_channel))
        var_sum = np.add.reduce(squares, axis=axes, dtype=np.float64).astype(x.dtype)
        invstd = (1 / np.sqrt(var_sum / np.float64(count) + eps)).astype(x.dtype)  # (in double)
        if running_mean is not None and running_var is not None:  # (count > 1: checked)
            unbiased = var_sum / (count - 1)
            # in place, under no_grad, and (as torch) without bumping the version counters;
            # half statistics updated in float32 (NumPy's half arithmetic would round each step)
            for running, batch in ((running_mean, mean), (running_var, unbiased)):
                kept = running._data.astype(x.dtype, copy=False)
                running._data[...] = (1 - momentum) * kept + momentum * batch
        if input._data.dtype == np.float16:  # torch keeps them in its parameters' dtype:
            float_params = any(
                t is not None and t._dtype is _dtype.float32 for t in params.values()
            )
            if not float_params:  # half, unless some parameter is float32
                mean, invstd = (v.astype(np.float16).astype(np.float32) for v in (mean, invstd))
    else:
        mean = running_mean._data  # type: ignore[union-attr]
        var = running_var._data.astype(x.dtype, copy=False)  # type: ignore[union-attr]
        invstd = 1 / np.sqrt(var + eps)  # (half statistics: in float32, as torch's kernel)
    # y = x * scale + shift, each multiply-add rounded once as in torch's kernel (which data far
    # from 0 shows: there x * scale and shift nearly cancel)
    scale = (invstd if weight is None else invstd * weight._data.reshape(-1)).astype(x.dtype)
    shift = (
        -mean * scale if bias is None else fma(-mean.astype(x.dtype), scale, bias._data.reshape(-1))
    )
    y = fma(x, scale.reshape(per_channel), shift.astype(x.dtype).reshape(per_channel))
    # laid out as torch's suggest_memory_format: channels-last images keep their layout,
    # anything else comes out row-major
    y = np.asarray(y, input._data.dtype)
    out = Tensor._make(in_suggested_format(x, y))
    if needs_grad(input, weight, bias):
        record(
            out,
            NativeBatchNormBackward0,
            (input, weight, bias),
            saved=(input, weight),
            training=training,
            eps=eps,
            mean=np.asarray(mean, x.dtype).reshape(per_channel),
            invstd=np.asarray(invstd, x.dtype).reshape(per_channel),
        )
    return out


# --8<-- [end:batch_norm]


def _batch_norm_of_nothing(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    """torch's shortcut for an input of no element: nothing to normalise or learn from, and
    nothing of its kernel's checked (sizes, dtypes, running statistics). A copy of the input
    times ``weight[0]`` plus ``bias[0]``, so that the parameters are in the graph (their
    gradients: zeros) and the dtype is that product's."""
    out = input.clone()
    if weight is not None:
        out = out * weight.select(0, 0)  # (torch's C++ weight[0]: select's IndexError)
    if bias is not None:
        out = out + bias.select(0, 0)
    return out


# --8<-- [start:batch_norm_backward]
class NativeBatchNormBackward0(Node):
    """y = x̂ * weight + bias with x̂ = (x - mean) * invstd. In training, mean and invstd
    depend on every x of the channel too, which adds two terms to x's gradient:

        grad_x = invstd * (g - mean(g) - x̂ * mean(g * x̂)),   g = grad * weight

    (means over the channel's elements). In evaluation they are constants: grad_x = g * invstd.
    """

    training: bool
    eps: float
    mean: np.ndarray
    invstd: np.ndarray

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = self.saved_tensors
        half = x._dtype is _dtype.float16  # (computed in float32, as torch's kernel does)
        if half:
            x, grad = x.float(), grad.float()
            weight = None if weight is None else weight.float()
        axes = (0, *range(2, grad._data.ndim))
        per_channel = self.mean.shape
        if self.training and grad_mode.is_grad_enabled() and x.requires_grad:
            # create_graph: the statistics must be recomputed as functions of x
            mean = x.mean(axes, keepdim=True)
            invstd = ((x - mean) ** 2).mean(axes, keepdim=True).add(self.eps) ** -0.5
        else:
            mean, invstd = Tensor._make(self.mean), Tensor._make(self.invstd)
        x_hat = (x - mean) * invstd
        g = grad if weight is None else grad * weight.reshape(per_channel)
        grad_input = grad_weight = grad_bias = None
        if self.next_functions[0][0] is not None:
            if self.training:
                g_mean = g.mean(axes, keepdim=True)
                projection = (g * x_hat).mean(axes, keepdim=True)
                grad_input = (g - g_mean - x_hat * projection) * invstd
            else:
                grad_input = g * invstd
        if self.next_functions[1][0] is not None:
            grad_weight = (grad * x_hat).sum(axes).reshape(weight.shape)
        if self.next_functions[2][0] is not None:
            grad_bias = grad.sum(axes).reshape(self._input_meta[2][0])  # type: ignore[index]
        if half:  # (each gradient back in its input's dtype)
            metas = self._input_meta
            grad_input, grad_weight, grad_bias = (
                None if g is None else g.to(meta[1])  # type: ignore[index]
                for g, meta in zip((grad_input, grad_weight, grad_bias), metas, strict=True)
            )
        return grad_input, grad_weight, grad_bias


# --8<-- [end:batch_norm_backward]
