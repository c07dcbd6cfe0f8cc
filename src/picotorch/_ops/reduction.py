"""Reductions: sum, mean, prod, max/min (with indices), argmax/argmin, std/var.

``dim`` may be one dim, a list of dims, or None (all); ``keepdim`` keeps reduced dims as size 1.
Integer and bool inputs sum and multiply in int64, as in torch.
"""

from __future__ import annotations

import builtins
import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from .. import _dtype
from .._dtype import dtype
from .._size import normalize_dim, normalize_dims
from .._tensor import Tensor
from ..autograd.function import Node, attach, needs_grad
from .pointwise import maximum, minimum, type_name


def _return_type(name: str) -> type:
    """torch.return_types.<name>: a (values, indices) named tuple with torch's repr."""
    base = namedtuple(name, ["values", "indices"])  # type: ignore[misc]

    def structseq_repr(self: Any) -> str:
        return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    return type(name, (base,), {"__repr__": structseq_repr, "__slots__": ()})


max_return = _return_type("max")
min_return = _return_type("min")


def _accumulate_dtype(a: Tensor, requested: dtype | None) -> dtype:
    """The result dtype of sum/prod: the one asked for, the input's if float, else int64."""
    if requested is not None:
        return requested
    return a._dtype if a._dtype.is_floating_point else _dtype.int64


def _reduce_axes(dim: Any, ndim: int) -> tuple[int, ...]:
    """The axes to reduce over. None, and (a legacy of torch's) an empty list, mean all dims;
    a 0-d tensor accepts dim 0 or -1, and reduces nothing."""
    if isinstance(dim, (tuple, list)) and not dim:
        dim = None
    axes = normalize_dims(dim, ndim)
    return axes if ndim else ()


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """How many elements each output element of a reduction over ``axes`` combines."""
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _np_sum(x: np.ndarray, axes: tuple[int, ...], keepdim: bool, target: dtype) -> np.ndarray:
    """``x`` summed over ``axes`` into ``target``; float16 accumulates in float32, as in torch."""
    if target is _dtype.float16:
        out = np.add.reduce(x, axes, np.float32, keepdims=keepdim)  # type: ignore[call-overload]
        return np.asarray(out).astype(np.float16)
    # the ufunc's own reduce: np.sum would add a layer of Python dispatch on every call
    # (NumPy's stubs only type reduce() with a literal keepdims, hence the ignores)
    return np.add.reduce(x, axes, target.numpy, keepdims=keepdim)  # type: ignore[call-overload]


def sum(  # noqa: A001 - torch's name
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: dtype | None = None,
) -> Tensor:
    """The sum over ``dim`` (all dims by default)."""
    axes = _reduce_axes(dim, input._data.ndim)
    result = Tensor._make(_np_sum(input._data, axes, keepdim, _accumulate_dtype(input, dtype)))
    if needs_grad(input):
        node = SumBackward0 if dim is None else SumBackward1
        attach(result, node(input, axes=axes, keepdim=keepdim))
    return result


# --8<-- [start:sum_backward]
class SumBackward0(Node):
    """Every element contributed once to the sum: each gets the sum's gradient (expanded)."""

    axes: tuple[int, ...]
    keepdim: bool

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        shape = self._input_meta[0][0]  # type: ignore[index]
        if not self.keepdim:
            for axis in self.axes:  # put the reduced dims back, as size 1
                grad = grad.unsqueeze(axis)
        return (grad.expand(shape),)


class SumBackward1(SumBackward0):
    """``sum(dim)``: the same rule as the full sum, along the reduced dims only."""


# --8<-- [end:sum_backward]


def mean(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: dtype | None = None,
) -> Tensor:
    """The average over ``dim``; only for floating tensors (``long`` has no mean in torch)."""
    target = dtype or input._dtype
    if not target.is_floating_point:
        raise RuntimeError(
            f"mean(): could not infer output dtype. {'Input' if dtype is None else 'Optional'} "
            f"dtype must be either a floating point or complex dtype. Got: {type_name(target)}"
        )
    axes = _reduce_axes(dim, input._data.ndim)
    total = _np_sum(input._data, axes, keepdim, target)
    count = _count(input._data.shape, axes)
    result = Tensor._make(np.true_divide(total, count, dtype=target.numpy))  # 0/0: nan
    if needs_grad(input):
        node = MeanBackward0 if dim is None else MeanBackward1
        attach(result, node(input, axes=axes, keepdim=keepdim, count=count))
    return result


class MeanBackward0(SumBackward0):
    """Each element contributed 1/n of itself to the mean: the sum's rule, divided by n."""

    count: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (expanded,) = super().backward(grad)
        return (expanded / self.count,)


class MeanBackward1(MeanBackward0):
    """``mean(dim)``: the same rule along the reduced dims only."""


def prod(
    input: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    dtype: dtype | None = None,
) -> Tensor:
    """The product over one ``dim`` (or of all elements)."""
    axes = None if dim is None else _reduce_axes(dim, input._data.ndim)
    out = np.prod(
        input._data,
        axis=axes,
        keepdims=keepdim and dim is not None,
        dtype=_accumulate_dtype(input, dtype).numpy,
    )
    return Tensor._make(out)


def _extreme(
    name: str,
    pick: Any,
    arg_pick: Any,
    result: type,
    input: Tensor,
    dim: Any,
    keepdim: bool,
) -> Any:
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return Tensor._make(pick(input._data))
    d = normalize_dim(dim, input._data.ndim)
    data = input._data.reshape(input._data.shape or (1,))
    if data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    indices = arg_pick(data, axis=d, keepdims=True)
    values = np.take_along_axis(data, indices, axis=d)
    if not keepdim or input._data.ndim == 0:
        shape = (
            input._data.shape if input._data.ndim == 0 else values.shape[:d] + values.shape[d + 1 :]
        )
        values, indices = values.reshape(shape), indices.reshape(shape)
    return result(Tensor._make(values), Tensor._make(indices.astype(np.int64)))


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The largest value; with ``dim``, a ``(values, indices)`` pair along that dim.

    ``torch.max(a, b)`` with a second tensor is the elementwise ``maximum``.
    """
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    return _extreme("max", np.max, np.argmax, max_return, input, dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The smallest value; with ``dim``, a ``(values, indices)`` pair along that dim."""
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    return _extreme("min", np.min, np.argmin, min_return, input, dim, keepdim)


def _arg(name: str, func: Any, input: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    if input._dtype is _dtype.bool:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None and input._data.size == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
        )
    if dim is None:
        out = func(input._data)
        if keepdim:
            return Tensor._make(np.asarray(out, dtype=np.int64).reshape((1,) * input._data.ndim))
        return Tensor._make(np.asarray(out, dtype=np.int64))
    d = normalize_dim(dim, input._data.ndim)
    data = input._data.reshape(input._data.shape or (1,))
    if data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    out = func(data, axis=d, keepdims=keepdim)
    return Tensor._make(
        np.asarray(out, dtype=np.int64).reshape(input._data.shape)
        if input._data.ndim == 0
        else out.astype(np.int64)
    )


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The position of the largest value (in the flattened tensor if ``dim`` is None)."""
    return _arg("argmax", np.argmax, input, dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The position of the smallest value (in the flattened tensor if ``dim`` is None)."""
    return _arg("argmin", np.argmin, input, dim, keepdim)


def _var_args(dim: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, int, bool]:
    """torch accepts ``var(dim, unbiased, keepdim)``, ``var(unbiased)`` and ``correction=``."""
    unbiased = kwargs.pop("unbiased", None)
    keepdim = kwargs.pop("keepdim", False)
    correction = kwargs.pop("correction", None)
    if kwargs:
        raise TypeError(f"got an unexpected keyword argument '{next(iter(kwargs))}'")
    if isinstance(dim, bool):  # std(False): the positional bool is `unbiased`
        dim, unbiased = None, dim
    if args:
        unbiased = args[0]
        if len(args) > 1:
            keepdim = args[1]
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction, keepdim


def _variance(name: str, input: Tensor, dim: Any, args: Any, kwargs: Any) -> np.ndarray:
    """The variance as an ndarray: the mean squared deviation, divided by ``N - correction``."""
    dim, correction, keepdim = _var_args(dim, args, kwargs)
    if not input._dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    x = input._data
    axes = _reduce_axes(dim, x.ndim)
    n = _count(x.shape, axes)
    if n - correction <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=4,
        )
    acc = np.float32 if input._dtype is _dtype.float16 else x.dtype  # as torch computes half
    mean = np.sum(x, axis=axes, keepdims=True, dtype=acc) / np.asarray(n, acc)
    deviation = x - mean
    squares = np.sum(deviation * deviation, axis=axes, keepdims=keepdim, dtype=acc)
    return np.asarray(squares / np.asarray(builtins.max(n - correction, 0), acc))  # nan/inf


def var(input: Tensor, dim: Any = None, *args: Any, **kwargs: Any) -> Tensor:
    """The variance over ``dim``, dividing by ``N - correction`` (Bessel's ``N - 1`` by default)."""
    return Tensor._make(_variance("var", input, dim, args, kwargs).astype(input._data.dtype))


def std(input: Tensor, dim: Any = None, *args: Any, **kwargs: Any) -> Tensor:
    """The standard deviation: the square root of ``var`` with the same arguments."""
    v = _variance("std", input, dim, args, kwargs)
    return Tensor._make(np.sqrt(v).astype(input._data.dtype))
