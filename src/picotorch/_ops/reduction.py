"""Reductions: sum, mean, prod, max/min (with indices), argmax/argmin, std/var.

``dim`` may be one dim, a list of dims, or None (all); ``keepdim`` keeps reduced dims as size 1.
Integer and bool inputs sum and multiply in int64, as in torch.
"""

from __future__ import annotations

import builtins
import math
import operator
import warnings
from collections import namedtuple
from typing import Any, NoReturn, cast

import numpy as np

from .. import _dtype
from .._dtype import c_type_name, dtype, type_name
from .._out import DtypeRule, check_out, write_out
from .._size import (
    NOT_GIVEN,
    NUMBERS,
    bool_arg,
    check_int64,
    check_int64_arg,
    check_int64_items,
    check_python_int,
    dim_by_name,
    int_tuple,
    invalid_combination,
    normalize_dim,
    normalize_dims,
    number_arg,
    numpy_names,
    parsed_int,
    plain_int_kind,
    type_name_of,
)
from .._tensor import Tensor
from ..autograd.function import Node, needs_grad, record
from .pointwise import _by_number, maximum, minimum, where
from .shape import strided_view
from .summation import (
    _GRAIN_SIZE,
    float_sum,
    get_num_threads,
    norm_sums,
    squared_deviations_sum,
    welford_squares,
)


def _return_type(name: str) -> type:
    """torch.return_types.<name>: a (values, indices) named tuple with torch's repr."""
    base = namedtuple(name, ["values", "indices"])  # type: ignore[misc]

    def structseq_repr(self: Any) -> str:
        return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    return type(name, (base,), {"__repr__": structseq_repr, "__slots__": ()})


max_return = _return_type("max")
min_return = _return_type("min")
max_out_return = _return_type("max_out")  # (what ``torch.max(x, 1, out=(v, i))`` returns)
min_out_return = _return_type("min_out")


def _accumulate_dtype(name: str, a: Tensor, requested: Any) -> dtype:
    """The result dtype of sum/prod: the one asked for, the input's if float, else int64."""
    if requested is not None:
        return _dtype.resolve(requested, name)  # type: ignore[return-value]
    return a._dtype if a._dtype.is_floating_point else _dtype.int64


def _reduce_axes(dim: Any, ndim: int, *, in_turn: bool = False) -> tuple[int, ...]:
    """The axes to reduce over. None, and (a legacy of torch's) an empty list, mean all dims;
    a 0-d tensor accepts dim 0 or -1, and reduces nothing. (``in_turn``: see normalize_dims.)"""
    if isinstance(dim, (tuple, list)) and not dim:
        dim = None
    axes = normalize_dims(dim, ndim, in_turn=in_turn)
    return axes if ndim else ()


def _check_dims_kind(name: str, dim: Any) -> None:
    """torch parses ``dim`` (None, an int, or a tuple or list of ints) before any other check:
    a dim of the wrong kind is its TypeError even where the dtype is wrong too."""
    for i, d in enumerate(dim if isinstance(dim, tuple | list) else (dim,)):
        try:  # (bools after the first item count as 0 and 1: see normalize_dims)
            if (type(d) is builtins.bool and i == 0) or (d is None and dim is not None):
                raise TypeError
            if d is not None:
                operator.index(d)
        except TypeError:
            raise TypeError(
                f"{name}(): argument 'dim' must be tuple of ints, not {type(d).__name__}"
            ) from None


def _check_dims_range(name: str, dim: Any) -> None:
    """``dim``'s ints (of kinds checked) within int64, as torch unpacks them once it has every
    argument's kind, before the op looks at the input (``int_x.mean(2**63)`` is the overflow,
    not mean's dtype error)."""
    if dim is not None:
        ints = [operator.index(d) for d in (dim if isinstance(dim, tuple | list) else (dim,))]
        check_int64_arg(name, "dim", dim, ints)


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """How many elements each output element of a reduction over ``axes`` combines."""
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _np_sum(x: np.ndarray, axes: tuple[int, ...], keepdim: bool, target: dtype) -> np.ndarray:
    """``x`` summed over ``axes`` into ``target``. Floats add in torch's order (see
    summation.py), so that the last bits, and what prints, are torch's; integers are exact in
    any order."""
    if target.is_floating_point:
        out = float_sum(x, axes, target.numpy)
        return out.reshape(_kept_shape(x.shape, axes)) if keepdim else out
    # the ufunc's own reduce: np.sum would add a layer of Python dispatch on every call
    # (NumPy's stubs only type reduce() with a literal keepdims, hence the ignore)
    total = np.add.reduce(x, axes, target.numpy, keepdims=keepdim)  # type: ignore[call-overload]
    return _row_major(total)


def _row_major(result: np.ndarray) -> np.ndarray:
    """A reduction's result laid out as torch's, row-major (NumPy's follows the input's
    layout, and a kept dim of size 1 keeps whatever stride it had): a fresh array."""
    out = np.empty(result.shape, result.dtype)
    out[...] = result
    return out


def _np_mean(
    x: np.ndarray, axes: tuple[int, ...], keepdim: bool, target: dtype, count: int
) -> np.ndarray:
    """``x`` averaged over ``axes`` (``count`` elements each) into ``target``: torch's sum,
    divided. float16 sums and divides in float32 and rounds once, as torch: the mean of halves
    near 65504 is no inf."""
    acc = _dtype.float32 if target is _dtype.float16 else target
    mean = np.true_divide(_np_sum(x, axes, keepdim, acc), count, dtype=acc.numpy)  # 0/0: nan
    return mean if acc is target else np.asarray(mean).astype(target.numpy)


@numpy_names
def sum(  # noqa: A001 - torch's name
    input: Tensor,
    dim: Any = NOT_GIVEN,
    keepdim: Any = NOT_GIVEN,
    *,
    dtype: dtype | None = None,
    out: Any = NOT_GIVEN,
) -> Tensor:
    """The sum over ``dim`` (all dims by default)."""
    if out is not NOT_GIVEN:  # (out=None too: the overload for all elements takes none)
        return _reduce_into(out, sum, input, dim, keepdim, dtype, all_ok=False, rule="any")
    if (
        dim is NOT_GIVEN
        and keepdim is NOT_GIVEN
        and dtype is None
        and input._dtype.is_floating_point
    ):
        # the total of a float tensor (a loss, ``x.sum()``), the commonest call: what the
        # general path below does for it, without the argument handling
        data = input._data
        result = Tensor._make(float_sum(data, normalize_dims(None, data.ndim), data.dtype))
        if needs_grad(input):
            record(result, SumBackward0, (input,))
        return result
    dim, keepdim = _dims_or_all("sum", dim, keepdim)
    axes = _reduce_axes(dim, input._data.ndim)
    result = Tensor._make(
        _np_sum(input._data, axes, keepdim, _accumulate_dtype("sum", input, dtype))
    )
    if needs_grad(input):
        _check_differentiable(result)
        if dim is None and not keepdim:  # the total, 0-d (torch's other overload: SumBackward0)
            record(result, SumBackward0, (input,))
        else:
            record(result, SumBackward1, (input,), axes=axes, keepdim=keepdim)
    return result


# --8<-- [start:sum_backward]
class SumBackward0(Node):
    """``sum()``: every element contributed once to the total, so each gets the total's
    gradient: it is expanded to the input's shape."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.expand(self._input_meta[0][0]),)  # type: ignore[index]

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (_spread(grad, self._input_meta[0][0], ()),)  # type: ignore[index]


class SumBackward1(Node):
    """``sum(dim)``: the same rule along the reduced dims only (the others pass through)."""

    axes: tuple[int, ...]
    keepdim: bool

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        shape = self._input_meta[0][0]  # type: ignore[index]
        if not self.keepdim and len(self.axes) < len(shape):
            # put the reduced dims back as size 1 (when all were reduced, expand adds them)
            grad = grad.reshape(_kept_shape(shape, self.axes))
        return (grad.expand(shape),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        shape = self._input_meta[0][0]  # type: ignore[index]
        if not self.keepdim and grad.ndim:
            grad = grad.reshape(_kept_shape(shape, self.axes))
        return (_spread(grad, shape, self.axes),)


def _spread(grad: np.ndarray, shape: tuple[int, ...], axes: tuple[int, ...]) -> np.ndarray:
    """``grad.expand(shape)`` on the array: ``grad`` (0-d, or with size 1 along ``axes``) read
    along those axes with stride 0, so every element of the input sees the same value."""
    if grad.ndim == 0:
        strides = (0,) * len(shape)
    else:
        strides = tuple(0 if i in axes else s for i, s in enumerate(grad.strides))
    spread = strided_view(grad, shape, strides)
    spread.setflags(write=False)  # (its elements share memory, like an expanded tensor)
    return spread


# --8<-- [end:sum_backward]


@numpy_names
def mean(
    input: Tensor,
    dim: Any = NOT_GIVEN,
    keepdim: Any = NOT_GIVEN,
    *,
    dtype: dtype | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """The average over ``dim``; only for floating tensors (``long`` has no mean in torch)."""
    if out is not None:
        return _reduce_into(out, mean, input, dim, keepdim, dtype, all_ok=True, rule="category")
    dim, keepdim = _dims_or_all("mean", dim, keepdim)
    _check_dims_kind("mean", dim)
    target = _dtype.resolve(dtype, "mean") or input._dtype
    _check_dims_range("mean", dim)
    if not target.is_floating_point:
        raise RuntimeError(
            f"mean(): could not infer output dtype. {'Input' if dtype is None else 'Optional'} "
            f"dtype must be either a floating point or complex dtype. Got: {type_name(target)}"
        )
    axes = _reduce_axes(dim, input._data.ndim)
    count = _count(input._data.shape, axes)
    result = Tensor._make(_np_mean(input._data, axes, keepdim, target, count))
    if needs_grad(input):
        if dim is None and not keepdim:  # as sum: the 0-d mean of everything is node 0
            record(result, MeanBackward0, (input,), count=count)
        else:
            record(result, MeanBackward1, (input,), axes=axes, keepdim=keepdim, count=count)
    return result


def _reduce_into(
    out: Tensor | None,
    op: Any,
    input: Tensor,
    dim: Any,
    keepdim: Any,
    dtype: dtype | None,
    *,
    all_ok: bool,
    rule: DtypeRule,
) -> Tensor:
    """``sum``/``mean``/``prod`` with ``out=``: torch's overload for all elements has no
    ``out=`` for sum and prod (``all_ok``: mean's has); a ``dtype=`` asked for is the one
    ``out`` must have."""
    name = op.__name__
    if dim is NOT_GIVEN and not all_ok:
        raise _invalid_combination(name, f"Tensor, out={type_name_of(out)}")
    if out is None:
        return op(input, dim, keepdim, dtype=dtype)
    check_out(name, out, input)
    # torch computes in out's dtype (sum and prod in any; mean a float input in a float one)
    floats = input._dtype.is_floating_point and out._dtype.is_floating_point
    compute = dtype or (out._dtype if rule == "any" or floats else None)
    result = op(input, dim, keepdim, dtype=compute)
    if dim is NOT_GIVEN and result._dtype._kind > out._dtype._kind:  # (mean's own message)
        raise RuntimeError(
            f"{name}.dtype_out(): input types can't be cast to the desired output type "
            f"{type_name(out._dtype)}"
        )
    return write_out(out, result, dtype="same" if dtype else rule)


class _Averaged(Node):
    """Each element contributed 1/n of itself to the mean: the sum's rule, divided by n."""

    count: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        # the sum's rule: SumBackward0's or SumBackward1's, next in a mean node's MRO
        (expanded,) = cast(tuple[Tensor], super().backward(grad))
        return (expanded / self.count,)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        (expanded,) = cast(tuple[np.ndarray], super().backward_arrays(grad))
        return (_by_number(np.true_divide, expanded, self.count),)


class MeanBackward0(_Averaged, SumBackward0):
    """``mean()``: the total's rule, divided by the number of elements."""


class MeanBackward1(_Averaged, SumBackward1):
    """``mean(dim)``: the same along the reduced dims only."""


def _check_differentiable(result: Tensor) -> None:
    """torch's error for an integer or bool result asked for (``x.sum(dtype=torch.int64)``) of
    a tensor that requires grad: the op would have to record a gradient it cannot have."""
    if not result._dtype.is_floating_point:
        raise RuntimeError(f"Autograd not support dtype: {type_name(result._dtype)}")


@numpy_names
def prod(
    input: Tensor,
    dim: Any = NOT_GIVEN,
    keepdim: Any = NOT_GIVEN,
    *,
    dtype: dtype | None = None,
    out: Any = NOT_GIVEN,
) -> Tensor:
    """The product over one ``dim`` (or of all elements)."""
    if out is not NOT_GIVEN:  # (out=None too: the overload for all elements takes none)
        return _reduce_into(out, prod, input, dim, keepdim, dtype, all_ok=False, rule="any")
    dtype = _dtype.resolve(dtype, "prod")  # (checked first, as torch parses it)
    dim, keepdim = _one_dim_or_all("prod", dim, keepdim)
    axes = None if dim is None else _reduce_axes(dim, input._data.ndim)
    x, target = input._data, _accumulate_dtype("prod", input, dtype)
    if target is _dtype.float16 and x.ndim and x.size:
        # torch multiplies halves one after the other, rounding each product to half (NumPy
        # would round once, at the end): a product can overflow on the way, as in torch. (From
        # about 64 elements a row, torch's vectorised loop groups the products otherwise, and
        # the last bit can differ.)
        axis = 0 if axes is None else axes[0]
        products = np.multiply.accumulate(x.ravel("K") if axes is None else x, axis, np.float16)
        product = products.take([-1] if keepdim else -1, axis)
    else:
        # (the ufunc's reduce, not np.prod: NumPy's warnings about inf and NaN then come from
        # picotorch's code, where its filter silences them; see picotorch/__init__.py)
        product = np.multiply.reduce(x, axis=axes, keepdims=keepdim, dtype=target.numpy)
    result = Tensor._make(_row_major(product))
    if needs_grad(input):
        _check_differentiable(result)
        if dim is None:
            record(result, ProdBackward0, (input,), saved=(input, result))
        else:
            record(
                result, ProdBackward1, (input,), saved=(input, result), axes=axes, keepdim=keepdim
            )
    return result


class ProdBackward0(Node):
    """d(x1*x2*...*xn)/dxi = the product of all the others: result / xi when no x is 0."""

    axes: tuple[int, ...] | None = None  # None: all elements
    keepdim = True

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, result = self.saved_tensors
        if x._data.ndim == 0:
            return (grad,)
        if x._dtype is not grad._dtype:  # prod(dtype=...) computed in another dtype
            x = x.to(grad._dtype)
        if not self.keepdim:  # put the reduced dim back, as size 1
            assert self.axes is not None
            grad, result = grad.unsqueeze(self.axes[0]), result.unsqueeze(self.axes[0])
        zeros = x == 0
        if not zeros._data.any():
            return (grad * (result / x),)
        return (grad * _product_of_others(x, zeros, self.axes),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        """The same values, rounded as torch's: with a 0 anywhere in the tensor, each
        element's product of the others is the product of those before it times that of those
        after it, each one running product (``cumprod``, kept in double, as torch's CPU kernel
        keeps a float32 one); of all elements with two zeros or more, 0."""
        x, result = (t._data for t in self.saved_tensors)
        if x.ndim == 0:
            return (grad,)
        x = x.astype(grad.dtype, copy=False)  # (prod(dtype=...) computed in another dtype)
        axis = None if self.axes is None else self.axes[0]
        if not self.keepdim:  # put the reduced dim back, as size 1
            assert axis is not None
            grad, result = np.expand_dims(grad, axis), np.expand_dims(result, axis)
        zeros = np.count_nonzero(x == 0)
        if not zeros:
            return (grad * (result / x),)
        if axis is None:
            if zeros > 1:
                return (np.zeros(x.shape, x.dtype),)
            return (grad * _others_in_order(x.reshape(-1), 0).reshape(x.shape),)
        return (grad * _others_in_order(x, axis),)


def _others_in_order(x: np.ndarray, axis: int) -> np.ndarray:
    """For each element along ``axis``, the product of those before it times the product of
    those after it (torch's ``prod_safe_zeros_backward``)."""
    wide = np.float32 if x.dtype == np.float16 else np.float64  # (torch's accumulator type)
    n = x.shape[axis]
    ones = np.ones_like(x.take([0], axis))
    before = np.concatenate([ones, x.take(range(n - 1), axis)], axis)
    after = np.concatenate([ones, np.flip(x, axis).take(range(n - 1), axis)], axis)
    before, after = (
        np.multiply.accumulate(a.astype(wide), axis).astype(x.dtype) for a in (before, after)
    )
    return before * np.flip(after, axis)


class ProdBackward1(ProdBackward0):
    """``prod(dim)``: the same rule, within each slice along ``dim``."""


def _product_of_others(x: Tensor, zeros: Tensor, axes: tuple[int, ...] | None) -> Tensor:
    """For each element, the product of the other elements of its slice, when some are 0 (so
    ``result / x`` would be 0/0), by how many zeros the slice has. With ``p`` the product of
    the slice's non-zeros and ``z`` the sum of its zeros (a 0 that still has a graph):

    - none: ``p / x``;
    - one: ``p`` for the zero, 0 for the others (written ``(p / x) * z``);
    - two: 0 everywhere (each zero's is ``p * (z - x)``, the other zero times ``p``);
    - more: 0 everywhere.

    The values are the plain products; the forms keep the second derivative right.
    """
    ones = where(zeros, 1.0, x)  # the zeros replaced by 1
    zeros_only = where(zeros, x, 0.0)
    if axes is None:
        count, p, z = zeros.sum(), ones.prod(), zeros_only.sum()
    else:
        count = zeros.sum(axes, keepdim=True)
        p = ones.prod(axes[0], keepdim=True)
        z = zeros_only.sum(axes, keepdim=True)
    p_over_x = p / ones  # p itself at the zeros
    one_zero = p_over_x * where(zeros, 1.0, z)
    two_zeros = where(zeros, p * (z - x), 0.0)
    return where(
        count == 0, p_over_x, where(count == 1, one_zero, where(count == 2, two_zeros, 0.0))
    )


def _extreme(
    name: str,
    pick: Any,
    arg_pick: Any,
    result: type,
    input: Tensor,
    dim: Any,
    keepdim: Any,
) -> Any:
    dim, keepdim = _one_dim_or_all(name, dim, keepdim)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        value = Tensor._make(_all_extreme(pick, name == "max", input._data))
        if needs_grad(input):
            node = MaxBackward1 if name == "max" else MinBackward1
            record(value, node, (input,), saved=(input, value))
        return value
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
    out = result(Tensor._make(values), Tensor._make(indices.astype(np.int64)))
    if needs_grad(input):  # only the values are differentiable
        by_dim = MaxBackward0 if name == "max" else MinBackward0
        record(out.values, by_dim, (input,), saved=(out.indices,), dim=d, keepdim=keepdim)

    return out


def _all_extreme(pick: Any, largest: bool, x: np.ndarray) -> Any:
    """The largest (smallest) element. Where it is 0 and both 0.0 and -0.0 are there, torch's
    choice of sign (``_reduce_all_zero``); NumPy's otherwise (a layout not modelled)."""
    value = pick(x)
    if value == 0 and x.dtype in _LANES and x.flags.c_contiguous:
        value = _reduce_all_zero(x.reshape(-1), largest)
    return value


# the lanes of torch's 32-byte vectors
_LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}


def _reduce_all_zero(flat: np.ndarray, largest: bool) -> Any:
    """The element torch's ``max()``/``min()`` of all elements returns (``reduce_all_kernel``):
    one share per thread (over 32 768 elements), each share reduced lane by lane in vectors,
    the lanes then folded into one, the shares kept in order where they tie. Each vector max
    (min) keeps its second operand on a tie, so a lane keeps the last of its best elements."""
    n = flat.size
    used = builtins.min(get_num_threads(), -(-n // _GRAIN_SIZE)) if n > _GRAIN_SIZE else 1
    share = -(-n // used)
    result = None
    for t in range(used):
        part = _lanes_reduce(flat[t * share : builtins.min(n, (t + 1) * share)], largest)
        if result is None or (part > result if largest else part < result):
            result = part  # (a tie keeps the earlier share: std::max(a, b) is a)
    return result


def _lanes_reduce(chunk: np.ndarray, largest: bool) -> Any:
    """One share of ``_reduce_all_zero``: vectors of ``lanes`` elements, lane by lane."""
    lanes = _LANES[chunk.dtype]

    def vector_pick(a: Any, b: Any) -> Any:  # (vmaxps/vminps: b unless a is strictly better)
        return a if (a > b if largest else a < b) else b

    if chunk.size < lanes:  # (one short vector: its lanes folded into the first, one by one)
        result = chunk[0]
        for v in chunk[1:]:
            result = vector_pick(result, v)
        return result
    full = chunk.size - chunk.size % lanes
    rows = chunk[:full].reshape(-1, lanes)
    best = rows.max(0) if largest else rows.min(0)
    last = len(rows) - 1 - np.argmax((rows == best)[::-1], axis=0)  # each lane's last best
    acc = list(rows[last, np.arange(lanes)])
    for j, v in enumerate(chunk[full:]):  # (the leftovers, into the first lanes)
        acc[j] = vector_pick(acc[j], v)
    if lanes == 8:  # float32's lanes are folded in halves: lane i with lane i ^ half
        half = lanes // 2
        while half:
            acc = [vector_pick(acc[i], acc[i ^ half]) for i in range(lanes)]
            half //= 2
        return acc[0]
    result = acc[0]  # float64's, into the first lane one by one (measured, both)
    for v in acc[1:]:
        result = vector_pick(result, v)
    return result


class MaxBackward1(Node):
    """``max()`` of all elements: the gradient is shared evenly by the elements equal to the
    result (all of them on a tie; the NaNs, if the result is NaN), as torch does."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, result = self.saved_tensors
        hits = x != x if result._data != result._data else x == result  # NaN != NaN
        return (where(hits, grad / hits.sum(), 0.0),)


class MinBackward1(MaxBackward1):
    """``min()`` of all elements: the same rule as ``max()``."""


class MaxBackward0(Node):
    """``max(dim)``: each slice's gradient goes to the one element its index points at."""

    dim: int
    keepdim: bool

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (indices,) = self.saved_tensors
        shape = self._input_meta[0][0]  # type: ignore[index]
        if len(shape) == 0:
            return (grad,)
        if not self.keepdim:
            grad, indices = grad.unsqueeze(self.dim), indices.unsqueeze(self.dim)
        # positions along dim, shaped to broadcast against the indices: (1, n, 1) for dim 1
        positions = np.arange(shape[self.dim]).reshape([-1] + [1] * (len(shape) - self.dim - 1))
        picked = Tensor._make(positions == indices._data)
        return (where(picked, grad, 0.0),)


class MinBackward0(MaxBackward0):
    """``min(dim)``: the same rule as ``max(dim)``."""


@numpy_names
@dim_by_name
def max(  # noqa: A001
    input: Tensor,
    dim: Any = NOT_GIVEN,
    keepdim: Any = NOT_GIVEN,
    *,
    other: Any = None,
    out: Any = None,
) -> Any:
    """The largest value; with ``dim``, a ``(values, indices)`` pair along that dim.

    ``torch.max(a, b)`` (or ``other=b``) with a second tensor is the elementwise ``maximum``.
    """
    if _is_other(dim, keepdim, other):
        return maximum(input, _second_tensor("max", dim, keepdim, other), out=out)
    if out is not None:
        return _extreme_into(out, max, max_out_return, input, dim, keepdim)
    return _extreme("max", np.max, np.argmax, max_return, input, dim, keepdim)


@numpy_names
@dim_by_name
def min(  # noqa: A001
    input: Tensor,
    dim: Any = NOT_GIVEN,
    keepdim: Any = NOT_GIVEN,
    *,
    other: Any = None,
    out: Any = None,
) -> Any:
    """The smallest value; with ``dim``, a ``(values, indices)`` pair along that dim; with a
    second tensor, the elementwise ``minimum``."""
    if _is_other(dim, keepdim, other):
        return minimum(input, _second_tensor("min", dim, keepdim, other), out=out)
    if out is not None:
        return _extreme_into(out, min, min_out_return, input, dim, keepdim)
    return _extreme("min", np.min, np.argmin, min_return, input, dim, keepdim)


def _extreme_into(out: Any, op: Any, result: type, input: Tensor, dim: Any, keepdim: Any) -> Any:
    """``max``/``min`` with ``out=``: one tensor for the value of all elements (any dtype the
    input's converts to without leaving its category), a pair for the values and indices along
    a dim (of exactly the dtypes they have)."""
    name = op.__name__
    if dim is NOT_GIVEN:
        check_out(name, out, input)
        value = op(input, dim, keepdim)
        if input._dtype._kind > out._dtype._kind:
            raise RuntimeError(
                "Expected canCast( typeMetaToScalarType(self.dtype()), typeMetaToScalarType("
                "out.dtype())) to be true, but got false.  (Could this error message be "
                "improved?  If so, please report an enhancement request to PyTorch.)"
            )
        return write_out(out, value)
    if not isinstance(out, tuple | list):
        raise invalid_combination(
            name,
            f"Tensor, {type_name_of(dim)}, out={type_name_of(out)}",
            "Tensor input, *, Tensor out = None",
            "Tensor input, Tensor other, *, Tensor out = None",
            "Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None",
        )
    if len(out) != 2:
        raise TypeError(f"expected tuple of 2 elements but got {len(out)}")
    for i, t in enumerate(out):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 3, but got {type_name_of(t)}"
            )
        check_out(name, t, input)
    values, indices = op(input, dim, keepdim)
    return result(write_out(out[0], values, dtype="same"), write_out(out[1], indices, dtype="same"))


# torch's sum, mean, prod, max and min have an overload for all elements, with neither ``dim``
# nor ``keepdim`` (``x.sum(keepdim=True)`` is an error), and one with a ``dim``: any dims for sum
# and mean (None too), a single int for the others; max and min have a third for a second
# tensor, with nothing else
def _dims_or_all(name: str, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    """``dim`` (None: all) and ``keepdim`` (a bool) of a call to sum or mean."""
    if dim is NOT_GIVEN:
        if keepdim is not NOT_GIVEN:
            raise _invalid_combination(name, "keepdim=bool, ")
        return None, False
    return dim, False if keepdim is NOT_GIVEN else bool_arg(keepdim, name, "keepdim")


def _one_dim_or_all(name: str, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    """``dim`` (None: all elements) and ``keepdim`` (a bool) of a call to ``name``."""
    if dim is NOT_GIVEN and keepdim is NOT_GIVEN:
        return None, False
    if (
        dim is NOT_GIVEN
        or dim is None
        or isinstance(dim, tuple | list | bool)
        or not plain_int_kind(dim)
    ):
        given = "keepdim=bool, " if dim is NOT_GIVEN else type_name_of(dim)
        raise _invalid_combination(name, given)
    return dim, False if keepdim is NOT_GIVEN else bool_arg(keepdim, name, "keepdim")


def _is_other(dim: Any, keepdim: Any, other: Any) -> bool:
    """Whether ``max``/``min`` is called with a second tensor: ``other=``, or a tensor for
    ``dim`` (unless ``keepdim`` says it is a dim, a 0-d integer tensor: ``x.max(t, True)``)."""
    if other is not None:
        return True
    if not isinstance(dim, Tensor):
        return False
    return keepdim is NOT_GIVEN or bool(dim._data.ndim) or dim._dtype.is_floating_point


def _second_tensor(name: str, dim: Any, keepdim: Any, other: Any) -> Any:
    """The tensor of ``max(a, b)``/``max(a, other=b)``."""
    if keepdim is not NOT_GIVEN or (other is not None and dim is not NOT_GIVEN):
        raise _invalid_combination(name, "Tensor, ...")
    return dim if other is None else other


def _invalid_combination(name: str, given: str) -> TypeError:
    """torch's TypeError when no overload fits, listing the method's overloads."""
    overloads = _OVERLOADS[{"mean": "sum", "min": "max", "any": "all"}.get(name, name)]
    return invalid_combination(name, given, *overloads)


_OVERLOADS = {
    "sum": (
        "*, torch.dtype dtype = None",
        "tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None",
    ),
    "prod": (
        "*, torch.dtype dtype = None",
        "int dim, bool keepdim = False, *, torch.dtype dtype = None",
    ),
    "max": ("", "Tensor other", "int dim, bool keepdim = False"),
    "all": ("", "tuple of ints dim = None, bool keepdim = False", "int dim, bool keepdim = False"),
}


def _arg(name: str, func: Any, input: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    if dim is not None:
        dim = parsed_int(dim, name, "dim")
    bool_arg(keepdim, name, "keepdim")
    if dim is not None:  # (its range once every kind is known, as torch)
        check_int64(dim)
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


@numpy_names
def argmax(
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, out: Tensor | None = None
) -> Tensor:
    """The position of the largest value (in the flattened tensor if ``dim`` is None)."""
    if out is not None:
        return _indices_into("argmax", out, argmax(input, dim, keepdim))
    return _arg("argmax", np.argmax, input, dim, keepdim)


@numpy_names
def argmin(
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, out: Tensor | None = None
) -> Tensor:
    """The position of the smallest value (in the flattened tensor if ``dim`` is None)."""
    if out is not None:
        return _indices_into("argmin", out, argmin(input, dim, keepdim))
    return _arg("argmin", np.argmin, input, dim, keepdim)


def _indices_into(name: str, out: Tensor, indices: Tensor) -> Tensor:
    """``argmax``/``argmin`` with ``out=``: an int64 ``out`` (no autograd check: indices have
    no gradient)."""
    check_out(name, out, differentiable=False)
    return write_out(out, indices, dtype="same", differentiable=False)


def norm(
    input: Tensor,
    p: Any = "fro",
    dim: Any = None,
    keepdim: bool = False,
    out: Tensor | None = None,
    dtype: Any = None,
) -> Tensor:
    """The length of the elements (along ``dim``) as a vector: ``(sum |x|^p)^(1/p)``; ``p=2``
    (also called ``'fro'``) by default, ``inf``/``-inf`` the largest/smallest ``|x|``, 0 counts
    the nonzero elements. Recorded as torch records it, as ``linalg.vector_norm``. ``dtype``:
    computed in that dtype (no narrower than the input's), the gradient in the input's."""
    wanted = _dtype.resolve(dtype, "linalg_vector_norm")
    if out is not None:
        check_out("linalg_vector_norm", out, input)
        if wanted is not None and input._dtype.is_floating_point and out._dtype is not wanted:
            raise RuntimeError(
                f"Expected out tensor to have dtype {c_type_name(wanted)}, but got "
                f"{c_type_name(out._dtype)} instead"
            )
        return write_out(out, norm(input, p, dim, keepdim, dtype=dtype), dtype="same")
    bool_arg(keepdim, "norm", "keepdim")
    if isinstance(p, str) and not (
        p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2)
    ):
        _matrix_norm(input, p, list(range(input._data.ndim)) if dim is None else dim, wanted)
    _check_dims_kind("norm", dim)
    if type(dim) is int:  # (torch's norm hands its dim on as a list)
        check_int64_items((dim,), "linalg_vector_norm", "dim")
    if not (p is None or isinstance(p, (str, *NUMBERS)) or (isinstance(p, Tensor) and not p.ndim)):
        raise TypeError(  # (torch's norm passes ``p`` on as linalg_vector_norm's ``ord``)
            f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
            f"{type_name_of(p)}"
        )
    check_python_int(p)
    if not input._dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {type_name(input._dtype)}"
        )
    data = input._data if wanted is None else _norm_input(input, wanted)
    p = 2.0 if p is None or p == "fro" else float(p)  # type: ignore[arg-type]
    x = np.abs(data)
    axes = _reduce_axes(dim, x.ndim)
    if x.size == 0 and (p < 0 or p == math.inf):
        _check_identity(p, dim, x.shape)
    if x.size and builtins.all(x.shape[a] == 1 for a in axes):
        length = x if keepdim else x.squeeze(axes)  # |x|
        if p == 0:
            length = length != 0
    elif p == math.inf:
        length = np.maximum.reduce(  # type: ignore[call-overload]
            x, axis=axes, keepdims=keepdim, initial=0
        )
    elif p == -math.inf:
        length = np.minimum.reduce(  # type: ignore[call-overload]
            x, axis=axes, keepdims=keepdim, initial=math.inf
        )
    elif p == 0:
        length = np.count_nonzero(x, axis=axes, keepdims=keepdim)
    elif x.size == 0:  # sums of nothing: 0, as their roots
        length = np.add.reduce(  # type: ignore[call-overload]
            x, axis=axes, keepdims=keepdim
        )
    elif p in (1, 2):  # (added in torch's order: their last bits show)
        length = norm_sums(data, axes, squares=p == 2)
        length = np.sqrt(length) if p == 2 else length
        if keepdim:
            length = length.reshape(_kept_shape(x.shape, axes))
    else:
        if x.dtype == np.float16:  # (torch accumulates half in float32)
            x = x.astype(np.float32)
        total = np.add.reduce(  # type: ignore[call-overload]
            x**p, axis=axes, keepdims=keepdim
        )
        length = total ** (1 / p)
    # (row-major, as torch's reductions lay out their results: NumPy's follow the input's)
    result = Tensor._make(np.asarray(length).astype(data.dtype, order="C"))
    if needs_grad(input):
        record(
            result,
            LinalgVectorNormBackward0,
            (input,),
            saved=(input, result),
            p=p,
            axes=axes,
            keepdim=keepdim,
        )
    return result


def _check_identity(p: float, dim: Any, shape: tuple[int, ...]) -> None:
    """torch's error for a norm that is a minimum, a maximum (``p`` inf) or a sum of inverses
    (``p`` < 0), of no element: none has an identity. Over given dims, only an empty one is
    refused (a (0, 3) tensor has a norm along dim 1: 0 of them)."""
    dims = () if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {p:g} norm on an empty tensor because the "
            "operation does not have an identity"
        )
    for d in dims:
        if shape[d] == 0:  # (torch's message has no space before "because")
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {p:g} norm on the dimension {d}because "
                "this dimension is empty and the operation does not have an identity"
            )


def _matrix_norm(input: Tensor, p: str, dim: Any, wanted: dtype | None) -> NoReturn:
    """torch's norm hands a string ``p`` other than 'fro' over 2 or fewer dims to
    ``linalg.matrix_norm``: its checks, in its order; the one such norm it computes for these
    arguments, the nuclear norm (the sum of singular values), picotorch has not."""
    # (its parser takes a single dim only as a Python int: no bool, NumPy int or tensor)
    if not isinstance(dim, tuple | list) and type(dim) is not int:
        raise TypeError(
            f"linalg_matrix_norm(): argument 'dim' must be tuple of ints, not {type_name_of(dim)}"
        )
    dims = int_tuple((dim,), "linalg_matrix_norm", "dim", 3)
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    if not input._dtype.is_floating_point:
        raise RuntimeError(
            "linalg.matrix_norm: Expected a floating point or complex tensor as input. "
            f"Got {type_name(input._dtype)}"
        )
    if len(dims) != 2:
        raise RuntimeError(
            f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}"
        )
    first, second = (normalize_dim(d, x.ndim) for d in dims)
    if first == second:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({first}, {second})")
    if wanted is not None:
        _norm_input(input, wanted)
    if p != "nuc":
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    raise NotImplementedError(f"picotorch's norm has vector norms only, not p='{p}'")


def _norm_input(input: Tensor, wanted: dtype) -> np.ndarray:
    """The input's values in the dtype ``norm`` was asked to compute in: a float dtype the
    input's converts to without narrowing (float32 to float64, not back), as torch requires."""
    if not wanted.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: dtype should be floating point or complex, but got "
            f"{type_name(wanted)}"
        )
    if _dtype.promote_types(input._dtype, wanted) is not wanted:
        raise RuntimeError(
            f"linalg.vector_norm: the dtype of the input ({type_name(input._dtype)}) should be "
            f"convertible without narrowing to the specified dtype ({type_name(wanted)})"
        )
    return input._data.astype(wanted.numpy)


class LinalgVectorNormBackward0(Node):
    """torch's formulas: for p = 2, x / |x|; for p = 1, sign(x); for ±inf, sign(x) shared among
    the elements where |x| is the norm or NaN; otherwise sign(x) |x|^(p-1) / |x|_p^(p-1). Where the
    norm is 0 (or, for p < 2, where x is 0) the gradient is 0. For p = 0 there is none: torch's
    backward gives no gradient (a leaf's ``.grad`` stays None), rather than zeros."""

    p: float
    axes: tuple[int, ...]
    keepdim: bool

    def backward(self, grad: Tensor) -> tuple[Tensor | None]:
        if self.p == 0:
            return (None,)
        x, norm = self.saved_tensors
        g = grad
        if not self.keepdim and self.axes:  # give them back the reduced dims, to broadcast
            kept = _kept_shape(x._data.shape, self.axes)
            norm, g = norm.view(kept), g.view(kept)
        p = self.p
        if p == 1:
            return (x.sign() * g,)
        if math.isinf(p):  # (a NaN counts as an extreme, as in torch: its sign, 0, is the grad)
            size = x.abs()
            extreme = ((size == norm) | (size != size)).to(x.dtype)
            return (x.sign() * (g / extreme.sum(self.axes, keepdim=True)) * extreme,)
        safe = where(norm == 0, 1.0, norm)
        if p == 2:
            return (g * where(norm == 0, 0.0, x / safe),)
        if p < 2:  # |x|^(p-1) is infinite at 0 for p < 1: torch takes 0 there
            scaled = x.sign() * where(x == 0, 0.0, x.abs() ** (p - 1))
        else:
            scaled = x * x.abs() ** (p - 2)
        return (scaled * where(norm == 0, 0.0, g / safe ** (p - 1)),)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> list[int]:
    """``shape`` reduced over ``axes`` with the reduced dims kept, as size 1."""
    return [1 if d in axes else n for d, n in enumerate(shape)]


@numpy_names
def all(  # noqa: A001
    input: Tensor, dim: Any = None, keepdim: bool = False, *, out: Tensor | None = None
) -> Tensor:
    """Whether every element (along ``dim``) is nonzero (NaN counts as nonzero)."""
    return _logical("all", np.logical_and, input, dim, keepdim, out)


@numpy_names
def any(  # noqa: A001
    input: Tensor, dim: Any = None, keepdim: bool = False, *, out: Tensor | None = None
) -> Tensor:
    """Whether some element (along ``dim``) is nonzero (NaN counts as nonzero)."""
    return _logical("any", np.logical_or, input, dim, keepdim, out)


def _logical(
    name: str, ufunc: np.ufunc, input: Tensor, dim: Any, keepdim: bool, out: Tensor | None
) -> Tensor:
    """``all``/``any``: a bool result, but uint8 for a uint8 input, as in torch (``out``
    may be either)."""
    if out is not None:
        if isinstance(out, Tensor) and out._dtype not in (_dtype.bool, _dtype.uint8):
            raise RuntimeError(
                f"{name} only supports bool tensor for result, got: {type_name(out._dtype)}"
            )
        check_out(name, out, differentiable=False)
        result = _logical(name, ufunc, input, dim, keepdim, None)
        return write_out(out, result, differentiable=False)
    if not (dim is None or isinstance(dim, tuple | list)) and (
        isinstance(dim, bool) or not plain_int_kind(dim)
    ):
        raise _invalid_combination(name, type_name_of(dim))
    bool_arg(keepdim, name, "keepdim")
    x = input._data
    # (no dims is no reduction here: the legacy "empty means all" of sum and mean is not theirs)
    axes = () if isinstance(dim, tuple | list) and not dim else _reduce_axes(dim, x.ndim)
    out = ufunc.reduce(x != 0, axis=axes, keepdims=keepdim)
    dt = input._dtype if input._dtype is _dtype.uint8 else _dtype.bool
    return Tensor._make(_row_major(np.asarray(out, dt.numpy)))


# torch's overloads of var and std, in the order its parser tries them; Python's own binding of
# the arguments to each says whether they fit it (a TypeError when they don't)
def _dim_unbiased(dim: Any, unbiased: Any = True, keepdim: Any = False) -> tuple[Any, ...]:
    return dim, unbiased, None, keepdim


def _dim_correction(
    dim: Any = None, *, correction: Any = None, keepdim: Any = False
) -> tuple[Any, ...]:
    return dim, True, correction, keepdim


def _unbiased_only(unbiased: Any = True) -> tuple[Any, ...]:
    return None, unbiased, None, False


_VAR_OVERLOADS = (_dim_unbiased, _dim_correction, _unbiased_only)
_VAR_SIGNATURES = (
    "tuple of ints dim, bool unbiased = True, bool keepdim = False",
    "tuple of ints dim = None, *, Number correction = None, bool keepdim = False",
    "bool unbiased = True",
)


def _var_args(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], out: bool = False
) -> tuple[Any, Any, bool]:
    """``(dim, correction, keepdim)`` of a call to var/std, read by the first of torch's
    overloads that fits: ``(dim, unbiased=True, keepdim=False)`` (a dim is required there),
    ``(dim=None, *, correction=None, keepdim=False)``, ``(unbiased=True)``. A bool is no dim
    (``x.var(False)`` is the third), and the third takes no ``out=``; arguments that fit none
    (``x.var(True, True)``, ``x.std(unbiased=True, keepdim=True)``) are torch's TypeError."""
    for overload in _VAR_OVERLOADS[: 2 if out else 3]:
        try:
            dim, unbiased, correction, keepdim = overload(*args, **kwargs)
        except TypeError:
            continue
        if isinstance(dim, bool):
            continue
        bool_arg(unbiased, name, "unbiased")
        bool_arg(keepdim, name, "keepdim")
        _check_dims_kind(name, dim)  # (every kind before a value: the correction's range)
        _check_dims_range(name, dim)
        if correction is None:
            return dim, 1 if unbiased else 0, keepdim
        return dim, number_arg(correction, name, "correction", None), keepdim
    given = [type_name_of(a) for a in args] + [f"{k}={type_name_of(v)}" for k, v in kwargs.items()]
    raise invalid_combination(name, ", ".join(given), *_VAR_SIGNATURES)


def _variance(
    name: str, input: Tensor, args: Any, kwargs: Any
) -> tuple[np.ndarray, dict[str, Any]]:
    """The variance as an ndarray: the mean squared deviation, divided by ``N - correction``;
    and how it was reduced (what the backward needs to know)."""
    dim, correction, keepdim = _var_args(name, args, kwargs)
    if not input._dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    x = input._data
    axes = _reduce_axes(dim, x.ndim, in_turn=True)
    n = _count(x.shape, axes)
    if (n if x.size else 0) - correction <= 0:  # (torch: input numel / output numel, or 0)
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel). (Triggered internally at "
            "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)",
            UserWarning,
            stacklevel=4,
        )
    acc = _VARIANCE_IN.get(x.dtype, x.dtype)
    shape = [1 if a in axes else size for a, size in enumerate(x.shape) if keepdim or a not in axes]
    squares: np.ndarray
    if x.size == n and n and x.dtype != np.float16:
        # one result: torch's whole-tensor kernel (the deviations from torch's mean, in x's
        # dtype, squared and added one by one in double)
        whole_mean = _np_mean(x, tuple(range(x.ndim)), False, input._dtype, n)
        squares = np.full(shape, squared_deviations_sum(x, float(whole_mean)))
    elif x.dtype == np.float64 and 0 < n <= _WELFORD_MAX and x.size:
        # several results: torch's Welford kernel (float32 and float16 round its results in
        # double to the same values as the two-pass sums below; float64 shows its last bits)
        squares = welford_squares(x, axes).reshape(shape)
    else:
        mean = np.add.reduce(x, axis=axes, keepdims=True, dtype=acc) / np.asarray(n, acc)
        deviation = x - mean
        squares = np.add.reduce(  # type: ignore[call-overload]
            deviation * deviation, axis=axes, keepdims=keepdim, dtype=acc
        )
    variance = np.asarray(squares / np.asarray(builtins.max(n - correction, 0), acc))  # nan/inf
    if not x.size:  # (torch fills the result of no input element with NaN, whatever correction)
        variance = np.full(variance.shape, np.nan, variance.dtype)
    # torch's backward takes the whole-tensor path for dim=None and for 0-d inputs
    how = {"axes": None if dim is None or x.ndim == 0 else axes, "n": n}
    return variance, how | {"correction": correction, "keepdim": keepdim}


# Welford's steps go one by one (``welford_squares``): over longer reductions, whose last bits
# it would take seconds to match, float64 takes the two-pass sums (as accurate; a few results a
# last bit off torch's)
_WELFORD_MAX = 10_000

# the dtype torch's CPU kernel computes a variance in: float32's in double (computed in float32,
# the result differed in the last bit for nearly half of the values, and overflowed sooner)
_VARIANCE_IN = {np.dtype(np.float16): np.float32, np.dtype(np.float32): np.float64}


@numpy_names
def var(input: Tensor, *args: Any, out: Any = NOT_GIVEN, **kwargs: Any) -> Tensor:
    """The variance over ``dim``, dividing by ``N - correction`` (Bessel's ``N - 1`` by default).
    (``out=None`` is given all the same: the overload ``(unbiased)`` takes no ``out``.)"""
    if out is not NOT_GIVEN:
        return _variance_into(out, var, input, args, kwargs)
    return variance_of(input, args, kwargs)


def variance_of(input: Tensor, args: Any, kwargs: Any) -> Tensor:
    """``var`` without ``out=`` (``Tensor.var``'s: there ``out`` is an unknown keyword)."""
    variance, how = _variance("var", input, args, kwargs)
    result = Tensor._make(variance.astype(input._data.dtype, order="C"))  # (torch's: row-major)
    if needs_grad(input):
        record(result, VarBackward0, (input,), saved=(input,), **how)
    return result


@numpy_names
def std(input: Tensor, *args: Any, out: Any = NOT_GIVEN, **kwargs: Any) -> Tensor:
    """The standard deviation: the square root of ``var`` with the same arguments."""
    if out is not NOT_GIVEN:
        return _variance_into(out, std, input, args, kwargs)
    return deviation_of(input, args, kwargs)


def deviation_of(input: Tensor, args: Any, kwargs: Any) -> Tensor:
    """``std`` without ``out=`` (``Tensor.std``'s)."""
    variance, how = _variance("std", input, args, kwargs)
    result = Tensor._make(np.sqrt(variance).astype(input._data.dtype, order="C"))
    if needs_grad(input):
        record(result, StdBackward0, (input,), saved=(input, result), **how)
    return result


def _variance_into(out: Any, op: Any, input: Tensor, args: Any, kwargs: Any) -> Tensor:
    """``var``/``std`` with ``out=`` (None too)."""
    _var_args(op.__name__, args, kwargs, out=True)  # (torch's parser refuses first)
    if out is None:
        return op(input, *args, **kwargs)
    check_out(op.__name__, out, input)
    floats = input._dtype.is_floating_point and out._dtype.is_floating_point
    source = input.to(out._dtype) if floats else input  # (torch computes in out's dtype)
    return write_out(out, op(source, *args, **kwargs), dtype="category")


class VarBackward0(Node):
    """d var = 2 (x - mean) / (N - correction) dx, along the reduced dims."""

    axes: tuple[int, ...] | None  # None: over all elements
    n: int
    correction: float
    keepdim: bool

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (self._var_backward(grad, x),)

    def _var_backward(self, grad: Tensor, x: Tensor) -> Tensor:
        dof = self.n - self.correction
        if self.axes is None:
            if dof <= 0:  # the variance is inf or nan: so is its gradient, as in torch
                return grad * where(x == x.mean(), math.nan, math.inf)
            return (2.0 / dof) * grad * (x - x.mean())
        if not self.keepdim and x._data.ndim > 1:
            for axis in sorted(self.axes):  # put the reduced dims back, as size 1
                grad = grad.unsqueeze(axis)
        scale = 2.0 / dof if dof != 0 else math.inf
        return scale * grad * (x - x.mean(self.axes, keepdim=True))


class StdBackward0(VarBackward0):
    """std = sqrt(var), so d std = d var / (2 std); 0 where std is 0, as in torch."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, result = self.saved_tensors
        grad_var = where(result == 0, 0.0, grad / (result * 2))
        return (self._var_backward(grad_var, x),)
