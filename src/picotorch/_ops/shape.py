"""Shape ops: views that re-describe the same memory, and cat/stack/split that join and cut.

A view op never copies: it builds a NumPy view (new shape and strides over the same buffer)
and wraps it with ``_view_of`` so it shares the version counter of the tensor it came from.

Their gradients only move numbers around: a view's gradient is the output's gradient seen
back in the input's shape (reshaped, transposed back, ...); a piece cut out of a tensor sends
its gradient back to where it was cut from, and zeros everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _memory_format as _mf
from .._dtype import dtype, promote_types, type_name
from .._memory import check_reads, empty_laid_out_like
from .._out import check_out, resize_out, write_out
from .._size import (
    NOT_GIVEN,
    check_int64,
    int_arg,
    int_args,
    int_tuple,
    invalid_combination,
    normalize_dim,
    normalize_dims,
    numpy_names,
    one_int_tuple,
    parsed_int,
    type_name_of,
)
from .._tensor import _LEGACY_TYPE_NAMES, Tensor
from ..autograd import grad_mode
from ..autograd.function import Node, attach, needs_grad, record


def _infer_size(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """Replace the one ``-1`` in ``shape`` by whatever makes the sizes multiply to ``numel``."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for i, s in enumerate(shape):
        if s != -1:
            if s < 0:
                raise RuntimeError(
                    f"invalid shape dimension {s} at index {i} of shape {list(shape)}"
                )
            known *= s
    if -1 in shape and known == 0 and numel == 0:
        raise RuntimeError(
            f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
            "unspecified dimension size -1 can be any value and is ambiguous"
        )
    if -1 in shape and known != 0 and numel % known == 0:
        return tuple(numel // known if s == -1 else s for s in shape)
    if -1 not in shape and known == numel:
        return shape
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")


def _reshaped_view(data: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``data`` seen with ``shape`` without copying (ValueError if no strides can do it), with
    the strides torch gives: NumPy and torch agree on every dim but those of size 1, which are
    never stepped along, and for which each picks its own stride."""
    view = np.reshape(data, shape, copy=False)
    if 1 not in shape or data.size == 0 or data.ndim == 0:
        return view  # (NumPy's strides are torch's already)
    itemsize = data.itemsize
    chosen = _torch_view_strides(data.shape, [s // itemsize for s in data.strides], shape)
    strides = [
        chosen[d] * itemsize if n == 1 else stride
        for d, (n, stride) in enumerate(zip(shape, view.strides, strict=True))
    ]
    return as_strided(view, shape, strides)  # (only size-1 dims changed: no other memory)


def _torch_view_strides(
    old_shape: tuple[int, ...], old_strides: list[int], shape: tuple[int, ...]
) -> list[int]:
    """The strides (in elements) torch computes for viewing a tensor of ``old_shape`` and
    ``old_strides`` with ``shape``, which must be possible. The old dims fall into chunks laid
    out contiguously; each chunk's new dims get row-major strides from the chunk's last stride,
    a size-1 new dim taking the stride of the dims after it in its chunk."""
    strides = [0] * len(shape)
    d_new = len(shape) - 1
    base, chunk_numel, new_numel = old_strides[-1], 1, 1
    for d in range(len(old_shape) - 1, -1, -1):
        chunk_numel *= old_shape[d]
        ends_chunk = d == 0 or (old_shape[d - 1] != 1 and old_strides[d - 1] != chunk_numel * base)
        if not ends_chunk:
            continue
        while d_new >= 0 and (new_numel < chunk_numel or shape[d_new] == 1):
            strides[d_new] = new_numel * base
            new_numel *= shape[d_new]
            d_new -= 1
        if d > 0:
            base, chunk_numel, new_numel = old_strides[d - 1], 1, 1
    return strides


def view(a: Tensor, *shape: Any) -> Tensor:
    """The same memory seen with another shape; an error if the strides can't allow it.
    ``view(dtype)`` reads the same bytes as another dtype instead (``view_as_dtype``)."""
    if len(shape) == 1 and isinstance(shape[0], dtype):
        return view_as_dtype(a, shape[0])
    new_shape = _infer_size(int_tuple(shape, "view"), a._data.size)
    try:
        data = _reshaped_view(a._data, new_shape)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    result = a._view_of(data)
    if needs_grad(a):
        record(result, ViewBackward0, (a,), shape=a._data.shape)
    return result


def view_as_dtype(a: Tensor, to: dtype) -> Tensor:
    """The same bytes read as dtype ``to`` (``x.view(torch.int32)``). torch treats it as
    outside autograd: the result shares the memory and the version counter, but has no
    gradient and no ``_base``. Between dtypes of different sizes the last dim's size scales
    (4 float32 are 16 uint8 or 2 float64), so that dim must be adjacent in memory, and, when
    elements grow, everything else must fall on whole new elements: torch's checks, in its
    order."""
    if to.itemsize != a._data.itemsize:
        _check_dtype_view(a, to)
    return Tensor._make(a._data.view(to.numpy), a._version_counter)


def _check_dtype_view(a: Tensor, to: dtype) -> None:

    def refuse(condition: str, got: int | None = None) -> None:
        view = f"to view {type_name(a._dtype)} as {type_name(to)} (different element sizes)"
        raise RuntimeError(f"{condition} {view}" + ("" if got is None else f", but got {got}"))

    data, strides = a._data, a.stride()
    if data.ndim == 0:
        refuse("self.dim() cannot be 0")
    if to.itemsize < data.itemsize:  # smaller elements: only the last dim must be adjacent
        if strides[-1] != 1:
            refuse("self.stride(-1) must be 1", strides[-1])
        return
    ratio = to.itemsize // data.itemsize
    if data.shape[-1] % ratio:
        refuse(f"self.size(-1) must be divisible by {ratio}", data.shape[-1])
    if a.storage_offset() % ratio:
        refuse(f"self.storage_offset() must be divisible by {ratio}", a.storage_offset())
    if strides[-1] != 1:
        refuse("self.stride(-1) must be 1", strides[-1])
    for d, step in enumerate(strides[:-1]):
        if step % ratio:
            refuse(f"self.stride({d}) must be divisible by {ratio}", step)


class ViewBackward0(Node):
    """The same elements in another shape: the gradient is reshaped back to the input's shape."""

    shape: tuple[int, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.reshape(self.shape),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad.reshape(self.shape),)


def reshape(input: Tensor, shape: Any) -> Tensor:
    """Like ``view`` when the memory layout allows it, otherwise a reshaped row-major copy.
    ``shape``: one tuple (the method also takes the sizes one by one)."""
    new_shape = _infer_size(one_int_tuple(shape, "reshape", "shape", 2), input._data.size)
    try:
        data = _reshaped_view(input._data, new_shape)
    except ValueError:  # no strides can describe it: copy to row-major first (as torch does)
        copy = clone(input, memory_format=_mf.contiguous_format)
        result = Tensor._make(copy._data.reshape(new_shape))
        if needs_grad(copy):
            record(result, UnsafeViewBackward0, (copy,), shape=copy._data.shape)
        return result
    result = input._view_of(data)
    if needs_grad(input):  # torch records a view of a non-contiguous tensor under another name
        node = ViewBackward0 if input._data.flags.c_contiguous else ReshapeAliasBackward0
        record(result, node, (input,), shape=input._data.shape)
    return result


class ReshapeAliasBackward0(ViewBackward0):
    """``reshape`` as a view of a non-contiguous tensor: the same rule as ``view``."""


class UnsafeViewBackward0(ViewBackward0):
    """``reshape``'s view of its own fresh copy: the same rule as ``view``."""


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (vectors and scalars come back unchanged)."""
    if input._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D"
        )
    result = input._view_of(input._data.T)
    if needs_grad(input):
        record(result, TBackward0, (input,))
    return result


class TBackward0(Node):
    """The gradient of a transpose is the transposed gradient."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.t(),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad.T,)


def t_(a: Tensor) -> Tensor:
    """Transpose in place: the tensor object itself now views its memory transposed."""
    if a._data.ndim > 2:
        raise RuntimeError(
            f"t_() expects a tensor with <= 2 dimensions, but self is {a._data.ndim}D"
        )
    recorded = needs_grad(a)
    a._check_inplace(overlap_ok=True, recorded=recorded)  # (only the view of the memory changes)
    if recorded:  # (a view's base keeps its history: its memory is unchanged)
        record(a, TBackward1, (a,))  # before the change: the node notes the shape a had
    a._data = a._data.T
    a._bump_version()
    return a


class TBackward1(TBackward0):
    """``t_()``: the rule of ``t()``."""


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (a view: only the strides change)."""
    dim0, dim1 = int_args("transpose", (dim0, "dim0", 1), (dim1, "dim1", 2))
    n = input._data.ndim
    d0, d1 = normalize_dim(dim0, n), normalize_dim(dim1, n)
    result = input._view_of(np.swapaxes(input._data, d0, d1) if n else input._data[...])
    if needs_grad(input):
        record(result, TransposeBackward0, (input,), dims=(d0, d1))
    return result


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """``transpose`` under NumPy's names."""
    axis0, axis1 = int_args("swapaxes", (axis0, "axis0", 1), (axis1, "axis1", 2))
    return transpose(input, axis0, axis1)


class TransposeBackward0(Node):
    """Swapping the same two dims again puts the gradient back in the input's order."""

    dims: tuple[int, int]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.transpose(*self.dims),)


def permute(input: Tensor, dims: Any) -> Tensor:
    """Reorder all dims (a view). ``dims``: one tuple (the method takes them one by one too)."""
    order = one_int_tuple(dims, "permute", "dims", 2)
    n = input._data.ndim
    if len(order) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{n} is not equal to len(dims) = {len(order)}"
        )
    axes = tuple(normalize_dim(d, n) for d in order)
    if len(set(axes)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    result = input._view_of(np.transpose(input._data, axes))
    if needs_grad(input):
        record(result, PermuteBackward0, (input,), dims=axes)
    return result


class PermuteBackward0(Node):
    """The gradient is permuted back by the inverse order (output dim i came from dims[i])."""

    dims: tuple[int, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return (grad.permute(inverse),)


@numpy_names
def squeeze(input: Tensor, dim: Any = NOT_GIVEN) -> Tensor:
    """Drop dims of size 1 (all of them, or only those named by ``dim`` that are size 1)."""
    shape = input._data.shape
    one_dim = isinstance(dim, (int, np.integer)) or (isinstance(dim, Tensor) and not dim._data.ndim)
    # (torch has no squeeze(None), "all dims" is squeeze(); nor a dim that is a vector)
    if dim is None or (isinstance(dim, Tensor) and not one_dim):
        got = type_name_of(dim)
        raise invalid_combination("squeeze", got, "", "int dim", "tuple of ints dim")
    if dim is NOT_GIVEN:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        dims = normalize_dims(dim if one_dim else tuple(dim), len(shape), in_turn=True)
        axes = tuple(d for d in dims if shape and shape[d] == 1)
    result = input._view_of(np.squeeze(input._data, axis=axes))
    if needs_grad(input):
        if dim is NOT_GIVEN:
            node: type[SqueezeBackward0] = SqueezeBackward0
        elif one_dim:
            node = SqueezeBackward1
        else:
            node = SqueezeBackward2
        record(result, node, (input,), axes=tuple(sorted(axes)))
    return result


class SqueezeBackward0(Node):
    """Squeezing removed size-1 dims: the gradient gets them back."""

    axes: tuple[int, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        for axis in self.axes:  # in increasing order, so each lands where it was
            grad = grad.unsqueeze(axis)
        return (grad,)


class SqueezeBackward1(SqueezeBackward0):
    """``squeeze(dim)``: the same rule."""


class SqueezeBackward2(SqueezeBackward0):
    """``squeeze(dims)``: the same rule."""


@numpy_names
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at ``dim`` (which may be ``ndim``, i.e. at the end)."""
    d = normalize_dim(int_arg(dim, "unsqueeze", "dim"), input._data.ndim + 1)
    result = input._view_of(unsqueeze_array(input._data, d))
    if needs_grad(input):
        record(result, UnsqueezeBackward0, (input,), dim=d)
    return result


class UnsqueezeBackward0(Node):
    """The gradient loses the size-1 dim that unsqueeze added."""

    dim: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.squeeze(self.dim),)


def strided_view(data: np.ndarray, shape: Sequence[int], strides: Sequence[int]) -> np.ndarray:
    """A view of ``data``'s memory with the given shape and strides (in bytes).

    For contiguous data this builds the array straight on its buffer, about 10x faster than
    NumPy's ``as_strided``, which matters on the hot path of backward (``expand`` of a
    gradient). The view keeps ``data`` alive as its base, so memory is shared as usual.
    """
    if data.flags.c_contiguous:
        return np.ndarray(shape, data.dtype, data, 0, strides)
    return as_strided(data, shape, strides)


def unsqueeze_array(data: np.ndarray, d: int) -> np.ndarray:
    """``data`` with a size-1 dim inserted at ``d``, strided as torch strides it.

    A size-1 dim's stride is never used to step, but ``stride()`` shows it: torch gives it
    ``size * stride`` of the dim it lands before (1 at the end), where NumPy may differ.
    """
    shape, strides = list(data.shape), list(data.strides)
    stride = shape[d] * strides[d] if d < data.ndim else data.itemsize
    shape.insert(d, 1)
    strides.insert(d, stride)
    return strided_view(data, shape, strides)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one (a view when the layout allows)."""
    shape = input._data.shape
    start_dim, end_dim = int_args("flatten", (start_dim, "start_dim", 1), (end_dim, "end_dim", 2))
    start, end = normalize_dim(start_dim, len(shape)), normalize_dim(end_dim, len(shape))
    if not shape:  # (0-d: dims 0 and -1 only, checked above)
        return reshape(input, (1,))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input  # nothing to merge: torch returns the very same tensor
    merged = 1
    for s in shape[start : end + 1]:
        merged *= s
    return reshape(input, (*shape[:start], merged, *shape[end + 1 :]))


# --8<-- [start:expand]
def expand(a: Tensor, *sizes: Any) -> Tensor:
    """Repeat size-1 dims (and add leading dims) without copying: their stride becomes 0.

    ``-1`` keeps a dim's size. Every element of an expanded dim is the same memory.
    """
    target = int_tuple(sizes, "expand")
    shape, strides = a._data.shape, a._data.strides
    n, lead = len(target), len(target) - len(shape)
    if lead < 0:
        raise RuntimeError(
            f"expand({_LEGACY_TYPE_NAMES[a._dtype]}{{{list(shape)}}}, size={list(target)}): "
            "the number of sizes provided "
            f"({n}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(shape)})"
        )
    new_shape, new_strides = list(target), [0] * n  # (a 0-d tensor: torch checks no size)
    # from the last dim, as torch: of several bad sizes, the last is named
    for i in range(n - 1, -1, -1) if shape else ():
        if i >= lead:
            old, stride = shape[i - lead], strides[i - lead]
        else:  # a new leading dim, stepping (if of size 1) as if it had been there all along
            old, stride = 1, new_shape[i + 1] * new_strides[i + 1]
        size = target[i]
        if size == -1:
            if i < lead:
                raise RuntimeError(
                    f"The expanded size of the tensor ({size}) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            size = old
        if size != old:
            if old != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({size}) must match the existing size "
                    f"({old}) at non-singleton dimension {i}.  Target sizes: {list(target)}.  "
                    f"Tensor sizes: {list(shape)}"
                )
            stride = 0  # the one element is repeated: step 0 through memory
        new_shape[i], new_strides[i] = size, stride
    if any(size < 0 for size in new_shape):  # (torch counts the elements in uint64)
        raise RuntimeError("numel: integer multiplication overflow")
    result = a._view_of(strided_view(a._data, new_shape, new_strides))
    if needs_grad(a):
        record(result, ExpandBackward0, (a,))
    return result


# --8<-- [end:expand]


class ExpandBackward0(Node):
    """Each input element was used once per repeat: its gradient is the sum over the repeats.

    That is the rule for any broadcast input, so the engine applies it (``_conform``)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad,)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad,)


def broadcast_to(a: Tensor, size: Any) -> Tensor:
    """``a`` expanded to ``size`` (the torch function form of ``expand``)."""
    return expand(a, one_int_tuple(size, "broadcast_to", "size", 2))


@numpy_names
def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Elements ``start .. start+length-1`` along ``dim`` (a view). ``start`` may be a 0-d
    integer tensor (torch's other overload)."""
    # (as torch, the arguments' kinds are checked before anything else)
    dim = parsed_int(dim, "narrow", "dim", 1)
    if not isinstance(start, Tensor):
        start = parsed_int(start, "narrow", "start", 2)
    length = parsed_int(length, "narrow", "length", 3)
    for number in (dim, length) if isinstance(start, Tensor) else (dim, start, length):
        check_int64(number)
    if isinstance(start, Tensor):
        if start._data.ndim or start._dtype.is_floating_point:
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start._data)
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:  # (before dim's range, as torch)
        raise RuntimeError("narrow(): length must be non-negative.")
    d = normalize_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return slice_dim(input, d, slice(start, start + length))


# --- taking part of a tensor, and the backward of that: putting a part into zeros
def _zeros(shape: Sequence[int], like: Tensor) -> Tensor:
    return Tensor._make(np.zeros(shape, like._data.dtype))


def _part(a: Tensor, index: tuple[Any, ...], node: type[Node]) -> Tensor:
    """The view ``a[index]`` (a basic NumPy index), recorded as ``node``."""
    result = a._view_of(a._data[index])
    if needs_grad(a):
        record(result, node, (a,), shape=a._data.shape, index=index)
    return result


def _embed(
    grad: Tensor, shape: tuple[int, ...], index: tuple[Any, ...], node: type[Node]
) -> Tensor:
    """Zeros of ``shape`` with ``grad`` written at ``index``, recorded as ``node``."""
    out = np.zeros(shape, grad._data.dtype)
    out[index] = grad._data
    result = Tensor._make(out)
    if needs_grad(grad):
        record(result, node, (grad,), index=index)
    return result


@numpy_names
def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at position ``index`` along ``dim``, without that dim (``a[:, i]``)."""
    dim, index = int_args("select", (dim, "dim", 1), (index, "index", 2))
    if input._data.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input._data.shape)} at "
            f"dimension {d}"
        )
    return _part(input, (slice(None),) * d + (index, Ellipsis), SelectBackward0)


def slice_dim(a: Tensor, dim: int, part: slice) -> Tensor:
    """``a`` sliced by ``part`` along ``dim`` (``a[:, 1:3]``)."""
    return _part(a, (slice(None),) * dim + (part,), SliceBackward0)


class SelectBackward0(Node):
    """The selected slice gets the gradient; every other element of the input gets 0."""

    shape: tuple[int, ...]
    index: tuple[Any, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (_embed(grad, self.shape, self.index, SelectBackwardBackward0),)


class SliceBackward0(SelectBackward0):
    """The slice's elements get the gradient; every other element of the input gets 0."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (_embed(grad, self.shape, self.index, SliceBackwardBackward0),)


class SelectBackwardBackward0(Node):
    """Putting a gradient into zeros is linear: its own gradient is the part put in."""

    index: tuple[Any, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (_part(grad, self.index, SelectBackward0),)


class SliceBackwardBackward0(SelectBackwardBackward0):
    """Putting a gradient into zeros is linear: its own gradient is the part put in."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (_part(grad, self.index, SliceBackward0),)


class AliasBackward0(Node):
    """``a[...]`` is a new tensor of the same elements: the gradient passes unchanged."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad,)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut along ``dim`` into pieces of one size (the last may be smaller) or of given sizes."""
    given, dim = split_size_or_sections, parsed_int(dim, "split", "dim", 2)
    if isinstance(given, Tensor) and given._data.size == 1:
        given = int(given.item())  # (torch's split reads a one-element tensor with int())
    # one size is a Python int (torch's split refuses a NumPy one), sizes a tuple or list
    if not isinstance(given, tuple | list | int):
        raise TypeError(
            "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
            f"{type_name_of(given)}"
        )
    by_size = isinstance(given, int)
    step = parsed_int(given, "split", "split_size", 1) if by_size else 0  # (not a bool)
    check_int64(dim)  # (the ranges once every kind is known, as torch)
    check_int64(step)
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if step < 0:  # (before dim's range, as torch)
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    d = normalize_dim(dim, tensor._data.ndim)
    size = tensor._data.shape[d]
    if by_size:
        if step == 0 and size > 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        sizes = [min(step, size - i) for i in range(0, size, step)] if size else [0]
    else:
        sizes = list(int_tuple((given,), "split_with_sizes", "split_sizes", 2))
        if min(sizes, default=0) < 0:
            raise RuntimeError(
                "split_with_sizes expects split_sizes have only non-negative entries, but got "
                f"split_sizes={sizes}"
            )
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    pieces, offset = [], 0
    for s in sizes:
        index = (slice(None),) * d + (slice(offset, offset + s),)
        pieces.append(_piece(tensor, tensor._data[index]))
        offset += s
    if needs_grad(tensor) and pieces:  # one node for all the pieces: piece i is its output i
        kind = SplitBackward0 if by_size else SplitWithSizesBackward0
        node = record(
            pieces[0],
            kind,
            (tensor,),
            shape=tensor._data.shape,
            dim=d,
            sizes=sizes,
            num_outputs=len(pieces),
        )
        for i, piece in enumerate(pieces[1:], start=1):
            attach(piece, node, output_nr=i)
    return tuple(pieces)


class SplitBackward0(Node):
    """The pieces' gradients joined back along the split dim (zeros for a piece not used)."""

    shape: tuple[int, ...]
    dim: int
    sizes: list[int]

    def backward(self, *grads: Tensor | None) -> tuple[Tensor]:
        like = next(g for g in grads if g is not None)
        parts = []
        for g, size in zip(grads, self.sizes, strict=True):
            if g is None:
                g = _zeros((*self.shape[: self.dim], size, *self.shape[self.dim + 1 :]), like)
            parts.append(g)
        return (cat(parts, self.dim),)


class SplitWithSizesBackward0(SplitBackward0):
    """``split([sizes])``: the same rule."""


def _piece(a: Tensor, data: np.ndarray) -> Tensor:
    """One of the several views that split and unbind return. torch refuses to record an
    in-place write into one (``Tensor._check_inplace``): one node made all the pieces, and it
    cannot be rewritten for one of them."""
    piece = a._view_of(data)
    if grad_mode._enabled:  # (under no_grad, _view_of has marked it already)
        piece._creation_meta = "multi_output"
    return piece


@numpy_names
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into ``chunks`` nearly equal pieces (fewer if the dim is too short)."""
    chunks, dim = int_args("chunk", (chunks, "chunks", 1), (dim, "dim", 2))
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    size = input._data.shape[normalize_dim(dim, input._data.ndim)]
    if size == 0:  # split would give one empty piece; torch gives ``chunks`` of them
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


@numpy_names
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """All slices along ``dim``, each without that dim."""
    dim = int_arg(dim, "unbind", "dim")
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = normalize_dim(dim, input._data.ndim)
    # (each piece a view, the ``...`` keeping a 1-d tensor's 0-d: NumPy's numbers are copies)
    before: tuple[Any, ...] = (slice(None),) * d
    pieces = tuple(
        _piece(input, input._data[(*before, i, ...)]) for i in range(input._data.shape[d])
    )
    if needs_grad(input) and pieces:  # one node for all the pieces: piece i is its output i
        node = record(
            pieces[0],
            UnbindBackward0,
            (input,),
            shape=input._data.shape,
            dim=d,
            num_outputs=len(pieces),
        )
        for i, piece in enumerate(pieces[1:], start=1):
            attach(piece, node, output_nr=i)
    return pieces


class UnbindBackward0(Node):
    """The slices' gradients stacked back along ``dim`` (zeros for a slice not used)."""

    shape: tuple[int, ...]
    dim: int

    def backward(self, *grads: Tensor | None) -> tuple[Tensor]:
        like = next(g for g in grads if g is not None)
        rest = (*self.shape[: self.dim], *self.shape[self.dim + 1 :])
        return (stack([_zeros(rest, like) if g is None else g for g in grads], self.dim),)


def _tensor_list(name: str, tensors: Sequence[Any]) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
    return list(tensors)


# --8<-- [start:cat]
@numpy_names
def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Join tensors end to end along an existing dim; all other sizes must match."""
    parts = _tensor_list("cat", tensors)
    dim = int_arg(dim, "cat", "dim", 2)
    if out is not None:
        return _joined_into("cat", out, parts, lambda: cat(parts, dim))
    if not parts:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    # torch still skips 1-d empty tensors here, a legacy rule kept for old code
    shaped = [t for t in parts if t._data.shape != (0,)] or parts[:1]
    first = shaped[0]._data
    for i, t in enumerate(parts):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # (only legacy empty tensors: torch joins them, whatever ``dim`` says)
    d = normalize_dim(dim, first.ndim) if any(t._data.shape != (0,) for t in parts) else 0
    for i, t in enumerate(parts):
        x = t._data
        if x.shape == (0,) and len(shaped) < len(parts):
            continue
        if x.ndim != first.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {first.ndim} and {x.ndim}"
            )
        for k in range(first.ndim):
            if k != d and x.shape[k] != first.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{first.shape[k]} but got size {x.shape[k]} for tensor number {i} in the "
                    "list."
                )
    result = Tensor._make(_concatenate(parts, shaped, d))
    if needs_grad(*parts):
        # an input skipped above gets no part of the gradient: None marks it
        skipped = len(shaped) < len(parts)
        sizes = [None if skipped and t._data.shape == (0,) else t._data.shape[d] for t in parts]
        record(result, CatBackward0, tuple(parts), dim=d, sizes=sizes)
    return result


def _concatenate(parts: list[Tensor], shaped: list[Tensor], d: int) -> np.ndarray:
    out_dtype = parts[0]._dtype
    for t in parts[1:]:
        out_dtype = promote_types(out_dtype, t._dtype)
    # written into fresh row-major memory (NumPy would follow the inputs' layout, torch doesn't)
    shape = list(shaped[0]._data.shape)
    shape[d] = sum(t._data.shape[d] for t in shaped)
    out = np.empty(shape, out_dtype.numpy)
    np.concatenate([t._data for t in shaped], axis=d, out=out, casting="unsafe")
    return out


# --8<-- [end:cat]


class CatBackward0(Node):
    """Each input gets the stretch of the gradient where its elements landed."""

    dim: int
    sizes: list[int | None]

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        grads: list[Tensor | None] = []
        offset = 0
        for (node, _), size in zip(self.next_functions, self.sizes, strict=True):
            if size is None:  # a skipped empty input
                grads.append(_zeros((0,), grad) if node is not None else None)
                continue
            if node is not None:
                grads.append(slice_dim(grad, self.dim, slice(offset, offset + size)))
            else:
                grads.append(None)
            offset += size
        return tuple(grads)


# --8<-- [start:stack]
@numpy_names
def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Join same-shaped tensors along a NEW dim (so n tensors of shape s give (n, *s))."""
    parts = _tensor_list("stack", tensors)
    dim = int_arg(dim, "stack", "dim", 2)
    if out is not None:
        return _joined_into("stack", out, parts, lambda: stack(parts, dim))
    if not parts:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = parts[0]._data.shape
    for i, t in enumerate(parts[1:], start=1):
        if t._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(t._data.shape)} at entry {i}"
            )
    d = normalize_dim(dim, len(shape) + 1)
    with_dim = [Tensor._make(unsqueeze_array(t._data, d)) for t in parts]
    result = Tensor._make(_concatenate(with_dim, with_dim, d))
    if needs_grad(*parts):
        record(result, StackBackward0, tuple(parts), dim=d)
    return result


# --8<-- [end:stack]


class StackBackward0(Node):
    """Input i gets the gradient's slice i along the new dim."""

    dim: int

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tuple(
            select(grad, self.dim, i) if node is not None else None
            for i, (node, _) in enumerate(self.next_functions)
        )


def _joined_into(name: str, out: Tensor, parts: list[Tensor], join: Callable[[], Tensor]) -> Tensor:
    """``cat``/``stack`` with ``out=``: the result may go into a dtype of its category or a
    higher one; ``out`` may share no memory with the inputs (it would overwrite what is still
    to be read)."""
    check_out(name, out, *parts)
    result = join()
    check_reads(out._data, [t._data for t in parts], full_ok=False)
    if name == "stack" and out._data.shape != result._data.shape:
        resize_out(out, result._data.shape)  # (torch's stack sizes out, then cats into it)
    if result._dtype._kind > out._dtype._kind:
        raise TypeError(
            "torch.cat(): input types can't be cast to the desired output type "
            f"{type_name(out._dtype)}"
        )
    return write_out(out, result)


# --- copies
def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """The elements in reverse order along ``dims`` (a tuple or list, also for one dim; the
    method takes them one by one too): a copy (torch has no negative strides), laid out as
    ``input`` is."""
    axes: tuple[int, ...] = ()
    for d in one_int_tuple(dims, "flip", "dims", 2):  # (one by one: [1, 1, 9] is a repeat)
        axes += normalize_dims(d, input._data.ndim)
        if axes[-1] in axes[:-1]:
            raise RuntimeError(f"dim {axes[-1]} appears multiple times in the list of dims")
    axes = axes if input._data.ndim else ()  # (a 0-d tensor takes dim 0 and -1: nothing to flip)
    out = empty_laid_out_like(input._data)
    np.copyto(out, np.flip(input._data, axes))
    result = Tensor._make(out)
    if needs_grad(input):
        record(result, FlipBackward0, (input,), dims=axes)
    return result


class FlipBackward0(Node):
    """Flipping moves each element somewhere else: the gradient moves back the same way."""

    dims: tuple[int, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (flip(grad, self.dims),)  # (dims: a tuple)


def clone(a: Tensor, *, memory_format: Any = _mf.preserve_format) -> Tensor:
    """A copy with its own memory, laid out like ``a`` (or as ``memory_format`` says)."""
    fmt = _mf.memory_format_arg(memory_format, "clone", a._data.ndim)
    data = _copy_laid_out(a._data) if fmt is _mf.preserve_format else _mf.laid_out(a._data, fmt)
    result = Tensor._make(data)
    if needs_grad(a):
        record(result, CloneBackward0, (a,))
    return result


def _copy_laid_out(x: np.ndarray, dtype: Any = None) -> np.ndarray:
    """A copy of ``x`` (converted to ``dtype``) laid out as torch lays out copies."""
    out = empty_laid_out_like(x, dtype)
    np.copyto(out, x, casting="unsafe")
    return out


class CloneBackward0(Node):
    """A copy has the very same values: the gradient passes unchanged."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad,)


def to_copy(a: Tensor, target: dtype, memory_format: Any = None) -> Tensor:
    """A copy converted to dtype ``target`` (``a.to(target)``), laid out like ``a`` or as
    ``memory_format`` says."""
    if memory_format in (None, _mf.preserve_format):
        data = _copy_laid_out(a._data, target.numpy)
    else:
        data = _mf.laid_out(a._data.astype(target.numpy, copy=False), memory_format)
    result = Tensor._make(data)
    if needs_grad(a):
        record(result, ToCopyBackward0, (a,), dtype=a._dtype)
    return result


class ToCopyBackward0(Node):
    """A conversion keeps each value: the gradient passes, converted back to the input's dtype."""

    dtype: dtype

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.to(self.dtype),)


def copy(a: Tensor, src: Any) -> Tensor:
    """What ``a.copy_(src)`` leaves in ``a``, as a new tensor: ``src`` broadcast to ``a``'s
    shape and converted to its dtype (``copy_`` uses it when autograd records the copy)."""
    from .._size import broadcast_error

    out = np.empty(a._data.shape, a._data.dtype)
    value = src._data if isinstance(src, Tensor) else np.asarray(src)
    try:
        np.copyto(out, value, casting="unsafe")
    except ValueError:
        raise broadcast_error(a._data.shape, value.shape) from None
    result = Tensor._make(out)
    if needs_grad(a, src):
        record(result, CopyBackwards, (a, src))
    return result


class CopyBackwards(Node):
    """The old values were overwritten (their gradient is 0); ``src``'s pass through, converted
    to ``src``'s dtype (and then summed over any broadcast dims by the engine)."""

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        old = _zeros(grad._data.shape, grad) if self.next_functions[0][0] is not None else None
        src_meta = self._input_meta[1]
        return old, None if src_meta is None else grad.to(src_meta[1])
