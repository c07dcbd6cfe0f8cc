"""Indexing: ``t[...]`` reads and writes, ``gather``/``scatter``, ``masked_fill``, ``index_select``.

Basic indexing (ints, slices, ``None``, ``...``) gives a view that shares memory; indexing with
tensors, lists or masks ("advanced" indexing) gathers a copy, exactly as NumPy and torch do.

The gradient of taking elements is putting them back: each element taken sends its gradient to
the place it was taken from (added up, where one element was taken several times), and the
elements not taken get 0.
"""

from __future__ import annotations

import math
import numbers
import operator
import re
import warnings
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from .._dtype import c_type_name, fitted, type_name
from .._memory import INTERNAL_OVERLAP, check_reads, in_dim_order, overlaps_itself
from .._out import check_out, write_out
from .._size import (
    NOT_GIVEN,
    NUMBERS,
    bool_arg,
    broadcast_shapes,
    check_int64,
    check_python_int,
    contiguous_strides,
    invalid_combination,
    normalize_dim,
    numpy_names,
    parsed_int,
    type_name_of,
)
from .._tensor import VIEW_OF_A_LEAF_WRITTEN, Tensor
from ..autograd import grad_mode
from ..autograd.function import Node, NotImplementedBackward, needs_grad, record
from .pointwise import _iteration_order, c_type_text, require_tensors, where
from .shape import AliasBackward0, CopyBackwards, _part, select, slice_dim, unsqueeze


def _index_item(item: Any) -> tuple[Any, bool]:
    """One component of an index in NumPy's terms, and whether it is an advanced index."""
    if isinstance(item, Tensor):
        if item._dtype is _dtype.uint8:  # the old spelling of a mask (0-d: without a word)
            if not item._data.ndim:
                return item._data.astype(np.bool_), True
            return _byte_mask(item._data, stacklevel=6), True
        if item._data.ndim == 0 and item._dtype is not _dtype.bool:
            if item._dtype.is_floating_point:
                raise IndexError(_INDEX_DTYPES)
            return int(item._data), False  # a 0-d integer tensor indexes like an int
        if item._dtype not in (_dtype.bool, _dtype.int64, _dtype.int32):
            raise IndexError(_INDEX_DTYPES)  # (int8, int16 and floats: torch has no kernel)
        return item._data, True
    if isinstance(item, slice):
        if item.step is not None and int(item.step) <= 0:
            # (Python's own words for 0, as torch lets Python's slice parsing say it)
            raise ValueError(
                "slice step cannot be zero"
                if int(item.step) == 0
                else "step must be greater than zero"
            )
        return item, False
    if isinstance(item, np.ndarray) and item.ndim == 0 and item.dtype.kind in "iu":
        if item.dtype == np.uint8:  # (as a 0-d uint8 tensor: a mask, without a word)
            return item.astype(np.bool_), True
        return int(item), False  # (torch reads it through ``__index__``: an int)
    # a tuple inside the index is a list, and so is a range (torch takes any sequence)
    if isinstance(item, (list, tuple, range, np.ndarray)):
        return _sequence_index(item), True
    if isinstance(item, bool):
        return item, True
    if item is None or item is Ellipsis or hasattr(item, "__index__"):
        return item, False
    if isinstance(item, (str, bytes)):  # torch reads it as the data of an index tensor
        raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
        f"valid indices (got {type_name_of(item)})"
    )


_INDEX_DTYPES = "tensors used as indices must be long, int, byte or bool tensors"


def _sequence_index(item: Any) -> np.ndarray:
    """A sequence (or an ndarray) as torch makes an index tensor of it: bool or uint8 (its
    dtype, or the one inferred from its values) is a mask, anything else becomes int64, floats
    cut toward zero (``x[[1.7]]`` is ``x[1]``, ``x[np.array([1, 0, 1], np.uint8)]`` a mask)."""
    from .._creation import tensor

    if isinstance(item, np.ndarray):
        arr = item
    elif len(item) == 0:
        return np.zeros(0, np.int64)  # ``x[[]]``: an empty integer index
    else:  # (inferred as torch.tensor infers it, and with its errors)
        arr = tensor(item)._data
    if arr.dtype == np.bool_:
        return arr
    if arr.dtype == np.uint8:
        return _byte_mask(arr, stacklevel=7)
    if isinstance(item, np.ndarray) or arr.dtype == np.int64:
        return arr.astype(np.int64, copy=False)
    return tensor(item, dtype=_dtype.int64)._data  # (a NumPy float32 in it: torch's TypeError)


def _byte_mask(data: np.ndarray, stacklevel: int) -> np.ndarray:
    """A uint8 index, the old spelling of a mask, with torch's warning (``stacklevel``: the
    user's line, behind _index_item < _numpy_index < getitem < [] and this function)."""
    warnings.warn(
        "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return data.astype(np.bool_)


def _is_tuple_like(index: Any) -> bool:
    """Whether a list index means a tuple: torch (like old NumPy) reads ``x[[0, None]]`` as
    ``x[0, None]`` when the list holds a sequence, tensor, slice, None or ``...``
    (deprecated). A string is such a list too: a sequence of strings."""
    if not isinstance(index, (list, str)) or len(index) >= 32:
        return False
    return any(
        isinstance(i, (list, tuple, range, str, Tensor, slice, np.ndarray))
        or i is None
        or i is Ellipsis
        for i in index
    )


def _numpy_index(a: Tensor, index: Any) -> tuple[tuple[Any, ...], bool]:
    if not a._data.ndim:
        _check_0d_index(index)
    if _is_tuple_like(index):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
            "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this "
            "will be interpreted as tensor index, x[torch.tensor(seq)], which will result either "
            "in an error or a different result",
            UserWarning,
            stacklevel=4,  # the user's line: _numpy_index < getitem < []
        )
        index = tuple(index)
    _check_count(index, a._data.ndim)
    items = index if isinstance(index, tuple) else (index,)
    converted, advanced = [], False
    for item in items:
        np_item, is_adv = _index_item(item)
        converted.append(np_item)
        advanced = advanced or is_adv
    if advanced and any(
        isinstance(i, np.ndarray) and i.dtype == bool and not i.size for i in converted
    ):
        # (NumPy takes an empty mask of any shape as an empty index; torch checks its shape)
        error = _mask_error(tuple(converted), a._data.shape)
        if error is not None:
            raise error
    return tuple(converted), advanced


def _check_0d_index(index: Any) -> None:
    """torch's own messages for a bare int or slice into a 0-d tensor (more than one index is
    "too many indices", as NumPy finds)."""
    if isinstance(index, (int, np.integer)) and not isinstance(index, bool):
        if index == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        raise IndexError(f"index {index} is out of bounds for dimension 0 with size 0")
    if isinstance(index, slice):
        _index_item(index)  # (its step is checked first)
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")


def _check_count(index: Any, ndim: int) -> None:
    """torch counts the dims an index specifies before it reads any item (so a bad item past
    too many is "too many indices"): a bool or uint8 tensor counts its dims; None, ``...``
    and Python bools count none; anything else one. (A bare int, slice, None, ``...`` or bool
    takes torch's shortcut, which does not count.)"""
    if not isinstance(index, tuple):
        if index is None or index is Ellipsis or isinstance(index, (bool, int, np.integer, slice)):
            return
        index = (index,)
    count = 0
    for item in index:
        if isinstance(item, Tensor):
            count += item._data.ndim if item._dtype in (_dtype.bool, _dtype.uint8) else 1
        elif item is not None and item is not Ellipsis and not isinstance(item, bool):
            count += 1
    if count > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")


def _index_error(err: Exception, index: tuple[Any, ...], shape: tuple[int, ...]) -> IndexError:
    """NumPy's complaint about ``index`` into ``shape``, said as torch says it."""
    msg = str(err)
    if msg.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if msg.startswith("boolean index did not match"):
        return _mask_error(index, shape) or IndexError(msg)
    if msg.startswith("shape mismatch: indexing arrays"):  # (NumPy's shapes are torch's too)
        shapes = [
            [int(n) for n in group.split(",") if n] for group in re.findall(r"\(([\d,]*)\)", msg)
        ]
        return IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(str(s) for s in shapes)
        )
    return IndexError(msg.replace("axis", "dimension"))


def _mask_error(index: tuple[Any, ...], shape: tuple[int, ...]) -> IndexError | None:
    """torch's message for a boolean mask whose shape does not match the dims it covers."""

    def is_mask(item: Any) -> bool:
        return isinstance(item, np.ndarray) and item.dtype == np.bool_

    def width(item: Any) -> int:  # how many input dims an index item consumes
        return item.ndim if is_mask(item) else int(item is not None and item is not Ellipsis)

    dim = 0
    for item in index:
        if item is Ellipsis:
            dim += len(shape) - sum(width(i) for i in index)
        elif is_mask(item):
            for k, n in enumerate(item.shape):
                if dim + k < len(shape) and n != shape[dim + k]:
                    return IndexError(
                        f"The shape of the mask {list(item.shape)} at index {k} does not match "
                        f"the shape of the indexed tensor {list(shape)} at index {dim + k}"
                    )
        dim += width(item)
    return None


def _torch_none_strides(data: np.ndarray, index: tuple[Any, ...], out: np.ndarray) -> np.ndarray:
    """``out`` with the strides torch gives the size-1 dims that ``None`` inserted.

    torch applies an index left to right and unsqueezes for each ``None``, so the new dim
    gets ``size * stride`` of the input dim it lands before (see ``unsqueeze_array``).
    """
    consumed = sum(1 for item in index if item is not None and item is not Ellipsis)
    strides = list(out.strides)
    in_dim = out_dim = 0
    for item in index:
        if item is None:
            strides[out_dim] = (
                data.shape[in_dim] * data.strides[in_dim] if in_dim < data.ndim else data.itemsize
            )
            out_dim += 1
        elif item is Ellipsis:
            in_dim += data.ndim - consumed
            out_dim += data.ndim - consumed
        else:
            in_dim += 1
            out_dim += isinstance(item, slice)  # an int index removes its dim
    return as_strided(out, out.shape, strides)


def _row_major(data: np.ndarray) -> np.ndarray:
    """``data`` laid out row-major with exactly a new torch tensor's strides.

    NumPy's advanced indexing may return a column-major result, or give a size-1 dim a
    stride of 0; only ``stride()`` would show it, but it should show what torch shows.
    """
    if not data.flags.c_contiguous:
        data = np.ascontiguousarray(data)
    strides = tuple(s * data.itemsize for s in contiguous_strides(data.shape))
    return data if data.strides == strides else as_strided(data, data.shape, strides)


# --8<-- [start:getitem]
def getitem(a: Tensor, index: Any) -> Tensor:
    """``a[index]``: a view for ints/slices/None/..., a copy for tensor, list or mask indices."""
    items, advanced = _numpy_index(a, index)
    # as torch does it, step by step (see _steps), unless NumPy would do the same: it does not
    # gather in torch's order, record autograd, or take ``...`` more than once as torch does
    # (``in`` only once no array is among the items: it compares with ==)
    if advanced or needs_grad(a) or (Ellipsis in items and _ellipses(items) > 1):
        part, gathered = _steps(a, items, _single(index))
        if gathered:
            return _take(part, gathered)
        if part is a:  # a[...] or a[:, :]: still a new tensor (an alias of the same memory)
            return _part(a, (Ellipsis,), AliasBackward0)
        return part
    if Ellipsis not in items:
        # a trailing ``...`` makes NumPy return a 0-d *view* instead of a scalar for t[0, 1]
        items = (*items, Ellipsis)
    try:
        data = a._data[items]
    except (IndexError, OverflowError) as err:  # (an int beyond int64: NumPy's OverflowError)
        _steps(a, items, _single(index))  # raises torch's error (NumPy counts dims otherwise)
        raise _index_error(err, items, a._data.shape) from None
    if None in items:
        data = _torch_none_strides(a._data, items, data)
    return a._view_of(data)  # same memory, new shape/strides: shares the version counter


# --8<-- [end:getitem]


def _steps(a: Tensor, items: tuple[Any, ...], single: bool) -> tuple[Tensor, tuple[Any, ...]]:
    """Index ``a`` as torch does: one step per item, left to right, each a view op that
    autograd records: an int selects, a slice slices, None unsqueezes. The tensor, list and
    mask items are returned as one NumPy index into that view, for a last step that gathers
    them all (empty if there are none). ``single``: the index was one slice, not a tuple."""
    ndim = a._data.ndim
    specified = sum(_width(item) for item in items)  # the dims of ``a`` the items index
    if specified > ndim:
        raise _index_error(IndexError("too many indices"), items, a._data.shape)
    result, dim = a, 0  # dim: the dim of ``result`` the next item applies to
    gathered: list[Any] = []  # a NumPy index into ``result`` for the last step
    for position, item in enumerate(items):
        if item is Ellipsis:  # (each one takes up the dims no other item uses)
            dim += ndim - specified
        elif item is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif isinstance(item, bool):  # a new size-1 dim, kept (True) or emptied (False)
            result = unsqueeze(result, dim)
            _gather_at(gathered, dim, np.zeros(int(item), np.int64))
            dim += 1
        elif isinstance(item, slice):
            size = result._data.shape[dim] if dim < result._data.ndim else 0  # (``...`` twice)
            if single or not _whole_dim(item, size):
                normalize_dim(dim, result._data.ndim)  # (past the last dim: torch's IndexError)
                result = slice_dim(result, dim, item)
            dim += 1
        elif isinstance(item, np.ndarray):
            _gather_at(gathered, dim, item)
            dim += _width(item)
        else:
            i = operator.index(item)
            size = result._data.shape[dim] if dim < result._data.ndim else 0  # (``...`` twice)
            if not -size <= i < size:  # torch's message numbers the item, not the dim
                check_int64(i)
                raise IndexError(
                    f"index {i} is out of bounds for dimension {position} with size {size}"
                )
            result = select(result, dim, i)
    return result, _checked_gather(tuple(gathered), result._data.shape) if gathered else ()


def _checked_gather(index: tuple[Any, ...], shape: tuple[int, ...]) -> tuple[Any, ...]:
    """The last step of an index (``:`` and index arrays) into ``shape``, checked as torch's
    index kernels check it, in their order. A mask of the wrong shape and index tensors that
    do not broadcast together are left to NumPy's errors (``_index_error`` words them as
    torch); then an index tensor with elements, into a dim of none, is refused. If the result
    has no elements, nothing else is checked: the integer arrays come back as zeros (NumPy
    would check their range). Otherwise the index out of range reported is the first the
    kernel meets: output element by element, the index tensors in turn; the message numbers
    the tensor among them (a k-d mask counts as k), not the dim."""
    arrays: list[tuple[int, int, np.ndarray]] = []  # (number, dim, array): the integer ones
    kept, dim, number = 1, 0, 0  # kept: the number of elements along the dims ``:`` keeps
    if sum(_width(item) for item in index) > len(shape):  # (``...`` twice: NumPy's error)
        return index
    for item in index:
        if not isinstance(item, np.ndarray):
            kept *= shape[dim]
            dim += 1
            continue
        if item.dtype == np.bool_:
            if item.shape != shape[dim : dim + item.ndim]:  # (torch's message: _index_error)
                return index
        else:
            arrays.append((number, dim, item))
        dim += _width(item)
        number += _width(item)
    try:
        broadcast = _picked_shape(index)
    except ValueError:
        return index
    if any(array.size and not shape[d] for _, d, array in arrays):
        raise IndexError("index is out of bounds for dimension with size 0")
    if not kept * math.prod(broadcast) * math.prod(shape[dim:]):
        return tuple(np.zeros_like(i) if any(i is a for _, _, a in arrays) else i for i in index)
    first: tuple[int, int, int, int] | None = None  # (element, tensor number, size, index)
    for tensor, d, array in arrays:
        outside = np.broadcast_to((array < -shape[d]) | (array >= shape[d]), broadcast)
        at = int(np.argmax(outside))  # (the first element, row-major)
        if outside.flat[at] and (first is None or at < first[0]):
            first = (at, tensor, shape[d], int(np.broadcast_to(array, broadcast).flat[at]))
    if first is not None:
        _, tensor, size, bad = first
        raise IndexError(f"index {bad} is out of bounds for dimension {tensor} with size {size}")
    return index


def _picked_shape(index: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape the index arrays of a gather broadcast to (a mask counts as its number of
    Trues): the gathered dims of the result. ValueError if they do not broadcast."""
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    return np.broadcast_shapes(
        *((int(np.count_nonzero(i)),) if i.dtype == np.bool_ else i.shape for i in arrays)
    )


def _whole_dim(item: slice, size: int) -> bool:
    """Whether torch skips this slice of a dim of ``size``, as all of it (``a[:, :]`` is ``a``).
    It reads the slice as written: a start of 0 or none, a step of 1 or none, a stop of none or
    at least the size; ``a[-3:]`` of 3 rows is still sliced (a view, written through as one)."""
    start = 0 if item.start is None else operator.index(item.start)
    step = 1 if item.step is None else operator.index(item.step)
    return start == 0 and step == 1 and (item.stop is None or operator.index(item.stop) >= size)


def _single(index: Any) -> bool:
    """Whether ``index`` is one item (not a tuple of them, nor a list that means one)."""
    return not isinstance(index, tuple) and not _is_tuple_like(index)


def _ellipses(items: tuple[Any, ...]) -> int:
    return sum(item is Ellipsis for item in items)


def _width(item: Any) -> int:
    """How many dims of the indexed tensor an index item uses up."""
    if isinstance(item, np.ndarray):
        return item.ndim if item.dtype == np.bool_ else 1
    return 0 if item is None or item is Ellipsis or isinstance(item, bool) else 1


def _gather_at(gathered: list[Any], dim: int, item: np.ndarray) -> None:
    """Add ``item`` to a NumPy index so that it applies at ``dim`` (``:`` for the dims before)."""
    covered = sum(_width(i) for i in gathered)
    gathered.extend([slice(None)] * (dim - covered))
    gathered.append(item)


def _take(a: Tensor, index: tuple[Any, ...]) -> Tensor:
    """``a[index]`` for a NumPy index with arrays: the elements gathered into new memory."""
    try:
        data = a._data[index]
    except IndexError as err:
        raise _index_error(err, index, a._data.shape) from None
    result = Tensor._make(_gathered_layout(a._data, index, data))
    if needs_grad(a):
        record(result, IndexBackward0, (a,), shape=a._data.shape, index=index)
    return result


def _gathered_layout(source: np.ndarray, index: tuple[Any, ...], data: np.ndarray) -> np.ndarray:
    """``data``, gathered from ``source`` by ``index`` (arrays and ``:``), laid out as torch's
    index kernel lays it out: its TensorIterator reads the source with stride 0 along the
    gathered dims and the indices (row-major) with stride 0 along the others, so the dims
    ``source`` kept stay in its memory order. A row-major source gives a row-major result
    (unless it has dims of size 1, whose strides NumPy ignores there and torch's sort reads)."""
    if source.flags.c_contiguous and 1 not in source.shape:
        return _row_major(data)
    picked = _picked_shape(index)
    kept: list[int] = []  # the source's strides along the dims ``:`` keeps, in order
    dim = 0
    for item in index:
        if isinstance(item, np.ndarray):
            dim += _width(item)
        else:
            kept.append(source.strides[dim])
            dim += 1
    kept += list(source.strides[dim:])
    positions = [p for p, i in enumerate(index) if isinstance(i, np.ndarray)]
    adjacent = positions == list(range(positions[0], positions[-1] + 1))
    at = positions[0] if adjacent else 0  # (else the gathered dims go first, as in NumPy)
    source_strides = (*kept[:at], *(0 for _ in picked), *kept[at:])
    # torch reshapes each index to (1, ..., its shape, ..., 1): along a dim of size 1 in the
    # result, too, it keeps that reshape's stride (which its sort of the dims reads)
    shape = data.shape
    index_shape = (*(1 for _ in kept[:at]), *picked, *(1 for _ in kept[at:]))
    index_strides = tuple(
        0 if n == 1 and size != 1 else s
        for n, s, size in zip(index_shape, contiguous_strides(index_shape), shape, strict=True)
    )
    return in_dim_order(data, _iteration_order(shape, [source_strides, index_strides]))


class IndexBackward0(Node):
    """Each gathered element's gradient goes back to where it came from (added up where an
    element was gathered more than once); the other elements get 0."""

    shape: tuple[int, ...]
    index: tuple[Any, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (_add_into_zeros(grad, self.shape, self.index, IndexPutImplBackward0),)


def _add_into_zeros(
    grad: Tensor, shape: tuple[int, ...], index: tuple[Any, ...], node: type[Node]
) -> Tensor:
    """Zeros of ``shape`` with ``grad`` added in at ``index`` (twice where it repeats)."""
    out = np.zeros(shape, grad._data.dtype)
    np.add.at(out, index, grad._data)
    result = Tensor._make(out)
    if needs_grad(grad):  # None: torch also lists the zeros it adds into as an input
        record(result, node, (None, grad), index=index)
    return result


class IndexPutImplBackward0(Node):
    """Adding values into zeros at ``index``: the values' gradient is the gradient there."""

    index: tuple[Any, ...]

    def backward(self, grad: Tensor) -> tuple[None, Tensor]:
        return None, _take(grad, self.index)


class IndexAddBackward0(IndexPutImplBackward0):
    """``index_select``'s backward, differentiated: the same rule."""


def setitem(a: Tensor, index: Any, value: Any) -> None:
    """``a[index] = value``: writes into ``a``'s memory (seen by every view), like ``copy_``."""
    value = _assignable(a, value)
    if index is False:  # torch's shortcuts for a bare bool: a write to no element, unchecked;
        return
    if index is True:  # or a copy into ``a.unsqueeze(0)``, as ``a[None] = value`` (not in a
        index = None  # tuple: ``a[True, 0]`` and ``a[(False,)]`` are index_put_'s)
    if _one_value(value) and _has_byte_mask(index):  # (torch's masked_fill_ takes these)
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype unsigned char"
        )
    items, advanced = _numpy_index(a, index)
    if a._dtype.is_floating_point and needs_grad(a, value):
        _check_put_dtype(a, index, items, value, advanced)
        with grad_mode.no_grad():
            part, gathered = _steps(a, items, single=False)
            target = _write_target(part, gathered)
        if part is not a and a._requires_grad and a.grad_fn is None:
            raise RuntimeError(VIEW_OF_A_LEAF_WRITTEN)  # torch writes through the view it took
        _check_value_overlap(a, items, advanced, value)
        value = _value_for(value, target, bool(gathered))
        a._inplace(_put, items, value, reads=())  # recorded, as the op ``_put``
        return
    a._check_inplace(overlap_ok=True)  # (only the part written must not overlap: see below)
    _check_put_dtype(a, index, items, value, advanced)
    _check_value_overlap(a, items, advanced, value)
    src = value._data if isinstance(value, Tensor) else value
    if advanced and isinstance(value, Tensor):
        if _fills_by_mask(items, value):  # (its masked_fill_ reads the value as a number)
            src = fitted(value.item(), a._dtype)
        else:  # (leading size-1 dims viewed away first, as torch)
            src = src.reshape(_without_leading_ones(src.shape))
    # torch's steps where NumPy differs (it orders the dims of x[0, :, [1, 2]] otherwise)
    if advanced or (Ellipsis in items and _ellipses(items) > 1):
        part, gathered = _steps(a, items, single=False)
        if overlaps_itself(part._data):
            _written_with_overlap(gathered, value)
        _write(part._data, gathered or (Ellipsis,), src, advanced)
    else:  # (a trailing ``...``: NumPy then writes x[0, 1] as a 0-d view, broadcasting)
        index = items if Ellipsis in items else (*items, Ellipsis)
        try:
            if overlaps_itself(a._data) and overlaps_itself(a._data[index]):
                raise RuntimeError(INTERNAL_OVERLAP)
            _write(a._data, index, src, advanced)
        except (IndexError, OverflowError):  # (NumPy's for an int beyond C's)
            _steps(a, items, single=False)  # raises torch's error (NumPy counts dims otherwise)
            raise
    a._bump_version()


def _written_with_overlap(gathered: tuple[Any, ...], value: Any) -> None:
    """``a[index] = value`` where the part of ``a`` that the basic steps of the index reach has
    elements that share memory (it was expanded; torch checks only that part: ``x[0] = 1`` of
    ``zeros(4).expand(3, 4)`` is fine). Copying into it (no advanced index left) is refused;
    index_put_ (an advanced index) warns, and so does the masked_fill_ it takes for one value
    and a mask."""
    if not gathered:
        raise RuntimeError(INTERNAL_OVERLAP)
    warnings.warn(_INDEX_PUT_ON_EXPANDED, UserWarning, stacklevel=4)
    if _fills_by_mask(gathered, value):
        warnings.warn(_MASKED_FILL_ON_EXPANDED, UserWarning, stacklevel=4)


_INDEX_PUT_ON_EXPANDED = (
    "Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor before "
    "performing this operation. This also applies to advanced indexing e.g. tensor[indices] = "
    "tensor (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:976.)"
)
_MASKED_FILL_ON_EXPANDED = (
    "Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor before "
    "performing this operation. This also applies to advanced indexing e.g. tensor[mask] = "
    "scalar (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:2450.)"
)


def _one_value(value: Any) -> bool:
    """Whether ``a[index] = value`` writes one value (a number, a tensor of one element)."""
    return not isinstance(value, Tensor) or value._data.size == 1


def _fills_by_mask(items: tuple[Any, ...], value: Any) -> bool:
    """Whether torch's index_put_ does ``a[index] = value`` as a masked_fill_ (which converts
    the value to a's dtype, as a number): one value, and one bool mask as the only tensor
    among the (converted) index items."""
    if not _one_value(value):
        return False
    indices = [item for item in items if isinstance(item, np.ndarray)]
    return len(indices) == 1 and indices[0].dtype == np.bool_


def _has_byte_mask(index: Any) -> bool:
    """Whether an index holds a uint8 mask (a tensor or an ndarray of that dtype, or a list of
    NumPy uint8 numbers), which torch's ``a[index] = value`` refuses for one value."""
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, Tensor | np.ndarray) and item.ndim and item.dtype in _UINT8:
            return True
        if isinstance(item, list) and item and all(type(v) is np.uint8 for v in item):
            return True
    return False


_UINT8 = (_dtype.uint8, np.uint8)


def _assignable(a: Tensor, value: Any) -> Any:
    """The value of ``a[index] = value`` as torch takes it: a tensor or a number, an int
    (NumPy's too) or bool, a float (np.float64 is one, np.float32 is not), or a complex that
    is real (or goes into a bool tensor). Anything else, a list or an ndarray too, is torch's
    TypeError (NumPy would take them, and None as NaN)."""
    if isinstance(value, Tensor):
        return value
    if type(value) is int:
        check_int64(value)  # (read as a C int64 here, not as a Number)
    if isinstance(value, int | float | np.integer):
        return fitted(value, a._dtype, half=False)  # (torch writes through a 0-d tensor)
    if isinstance(value, complex):
        if value.imag == 0 or a._dtype is _dtype.bool:
            return fitted(value, a._dtype, half=False)
        raise RuntimeError(
            f"value cannot be converted to type {_COMPLEX_TARGETS[a._dtype]} without overflow"
        )
    raise TypeError(f"can't assign a {type_name_of(value)} to a {a.type()}")


# the C type torch names when a complex number can't be written into a tensor of each dtype
_COMPLEX_TARGETS = {
    _dtype.uint8: "uint8_t",
    _dtype.int8: "int8_t",
    _dtype.int16: "int16_t",
    _dtype.int32: "int",
    _dtype.int64: "int64_t",
    _dtype.float16: "double",
    _dtype.float32: "float",
    _dtype.float64: "double",
}


def _check_value_overlap(a: Tensor, items: tuple[Any, ...], advanced: bool, value: Any) -> None:
    """Refuse ``a[index] = value`` where torch refuses it for sharing memory (see
    _memory.py). An advanced index is torch's index_put_, which refuses any shared byte (but
    writes a one-element value for a single mask as a number: no check). A basic index is
    copy_ into the view, with the value first expanded to the view's shape: so a broadcast
    value is never refused, nor a 0-d one (torch fills with it)."""
    if not isinstance(value, Tensor) or not np.may_share_memory(a._data, value._data):
        return  # (the usual case)
    with grad_mode.no_grad():
        part, _ = _steps(a, items, single=False)
    if advanced:
        if not _fills_by_mask(items, value):
            part._check_reads((value,), full_ok=False)
        return
    if value._data.ndim == 0:
        return
    try:  # (viewed and expanded as torch does: a new leading dim's stride matters here)
        with grad_mode.no_grad():
            expanded = _value_for(value, part._data.shape, advanced=False)
    except RuntimeError:
        return  # (the write raises torch's error for the shapes)
    check_reads(part._data, (expanded._data,))


def _without_leading_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` without its leading size-1 dims: what torch views a written value as first."""
    lead = next((i for i, n in enumerate(shape) if n != 1), len(shape))
    return shape[lead:]


def _write(data: np.ndarray, index: tuple[Any, ...], src: Any, advanced: bool) -> None:
    """``data[index] = src``, with torch's errors."""
    try:
        data[index] = src
    except IndexError as err:
        raise _index_error(err, index, data.shape) from None
    except (ValueError, TypeError):  # (NumPy's TypeError: a mask's value of too many dims)
        shape, dtype = np.shape(src), np.asarray(src).dtype
        raise _setitem_shape_error(shape, dtype, np.shape(data[index]), advanced) from None


def _write_target(part: Tensor, gathered: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape of the elements that ``part[gathered] = value`` writes to."""
    if not gathered:
        return part._data.shape
    try:
        return np.shape(part._data[gathered])
    except IndexError as err:
        raise _index_error(err, gathered, part._data.shape) from None


def _value_for(value: Any, target: tuple[int, ...], advanced: bool) -> Any:
    """The value as torch records it before writing: leading size-1 dims viewed away, and
    (for a basic index) expanded to the target's shape."""
    if not isinstance(value, Tensor) or value._data.ndim == 0:
        return value
    shape = value._data.shape
    if shape == target and not advanced:
        return value
    stripped = _without_leading_ones(shape)
    if len(stripped) < len(shape) or not advanced:
        value = value.view(stripped)
    if not advanced and value._data.shape != target:
        try:
            value = value.expand(target)
        except RuntimeError:
            raise _setitem_shape_error(shape, value._data.dtype, target, advanced) from None
    return value


def _put(a: Tensor, items: tuple[Any, ...], value: Any) -> Tensor:
    """A copy of ``a`` with ``value`` written at ``items``: ``a[index] = value`` as an op that
    autograd records (``Tensor._inplace`` then makes it in place)."""
    out = Tensor._make(a._data.copy())
    part, gathered = _steps(out, items, single=False)
    src = value._data if isinstance(value, Tensor) else value
    _write(part._data, gathered or (Ellipsis,), src, bool(gathered))
    if part is not out:
        node: type[Node] = CopySlices
    elif gathered:
        node = IndexPutBackward0
    elif isinstance(value, Tensor) and value._data.shape == part._data.shape:
        node = CopyBackwards
    else:  # a number or a 0-d tensor written everywhere
        node = FillBackward3
    record(out, node, (a, value), items=items)
    return out


class IndexPutBackward0(Node):
    """The overwritten elements' old values get 0, the others pass their gradient; the value
    gets the gradient of the places it was written to."""

    items: tuple[Any, ...]

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        grad_a = grad_value = None
        if self.next_functions[0][0] is not None:
            written = Tensor._make(np.zeros(grad._data.shape, np.bool_))
            part, gathered = _steps(written, self.items, single=False)
            part._data[gathered or (Ellipsis,)] = True
            grad_a = grad.masked_fill(written, 0.0)
        if self.next_functions[1][0] is not None:
            part, gathered = _steps(grad, self.items, single=False)
            grad_value = _take(part, gathered) if gathered else part
        return grad_a, grad_value


class CopySlices(IndexPutBackward0):
    """A write into part of ``a`` through a view (``a[0] = v``): the same rule."""

    def name(self) -> str:
        return "torch::autograd::CopySlices"


class FillBackward3(IndexPutBackward0):
    """A number (or 0-d tensor) written over all of ``a`` (``a[...] = 1.0``): the same rule."""


def _check_put_dtype(
    a: Tensor, index: Any, items: tuple[Any, ...], value: Any, advanced: bool
) -> None:
    """torch's index_put_ takes only a value of the tensor's dtype. Two exceptions, which
    convert: a single mask with one value (a masked_fill), and Python bools as the only
    indices that are not basic ones (torch takes ``x[True]`` as ``x[None]``, and copies)."""
    if not advanced or not isinstance(value, Tensor) or value._dtype is a._dtype:
        return
    if all(_is_basic(i) or type(i) is bool for i in (index if type(index) is tuple else (index,))):
        return
    if _fills_by_mask(items, value):
        return
    with grad_mode.no_grad():  # (torch checks the shapes first)
        target = _write_target(*_steps(a, items, single=False))
    try:
        fits = np.broadcast_shapes(value._data.shape, target) == target
    except ValueError:
        fits = False
    if not fits:
        raise _setitem_shape_error(value._data.shape, value._data.dtype, target, True)
    raise RuntimeError(
        "Index put requires the source and destination dtypes match, got "
        f"{type_name(a._dtype)} for the destination and {type_name(value._dtype)} for "
        "the source."
    )


def _is_basic(item: Any) -> bool:
    return item is None or item is Ellipsis or isinstance(item, slice | int | np.integer)


def _setitem_shape_error(
    value: tuple[int, ...], dtype: np.dtype, target: tuple[int, ...], advanced: bool
) -> RuntimeError:
    """A value that does not broadcast to ``a[index]``: torch's message for each kind of index."""
    if not advanced:  # torch expands the value to the view, so the error is expand's own
        from .shape import expand

        try:  # (leading 1s are dropped first)
            expand(Tensor._make(np.empty(_without_leading_ones(value), dtype)), target)
        except RuntimeError as err:
            return err
    return RuntimeError(
        f"shape mismatch: value tensor of shape {list(value)} cannot be broadcast to indexing "
        f"result of shape {list(target)}"
    )


def _refuse_sparse_grad(sparse_grad: Any) -> None:
    """torch's ``gather(..., sparse_grad=True)`` gives ``input`` a sparse gradient: picotorch
    has no sparse tensors, so it says so rather than hand back a dense one."""
    if bool_arg(sparse_grad, "gather", "sparse_grad"):
        raise NotImplementedError(
            "gather(sparse_grad=True): picotorch has no sparse tensors (use sparse_grad=False)"
        )


def _check_index_tensor(a: Tensor, dim: int, index: Tensor) -> int:
    """gather's checks: an int32/int64 index of the same rank as the input."""
    if not isinstance(index, Tensor):
        raise TypeError(
            f"gather(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}"
        )
    d = normalize_dim(dim, a._data.ndim)
    if not index._data.size:  # (torch checks nothing else of an empty index)
        return d
    if index._dtype is not _dtype.int64 and index._dtype is not _dtype.int32:
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if index._data.ndim != a._data.ndim and not (index._data.ndim <= 1 and a._data.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    return d


def _check_index_range(index: np.ndarray, d: int, size: int) -> None:
    bad = (index < 0) | (index >= size)
    if bad.any():
        raise RuntimeError(
            f"index {int(index[bad].flat[0])} is out of bounds for dimension {d} with size {size}"
        )


def _corner(data: np.ndarray, shape: tuple[int, ...], skip: int) -> np.ndarray:
    """The leading ``shape`` corner of ``data`` in every dim except ``skip`` (a view)."""
    return data[tuple(slice(None) if k == skip else slice(0, n) for k, n in enumerate(shape))]


# --8<-- [start:gather]
@numpy_names
def gather(
    input: Tensor,
    dim: int,
    index: Tensor,
    *,
    sparse_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """Pick values along ``dim`` by position: for a 3-d input and ``dim=1``,

    ``out[i][j][k] = input[i][index[i][j][k]][k]``. The output has ``index``'s shape.
    """
    if out is not None:
        check_out("gather", out, input)
        result = gather(input, dim, index, sparse_grad=sparse_grad)
        return write_out(out, result, dtype="same", reads=(input, index))
    if sparse_grad is not False:
        _refuse_sparse_grad(sparse_grad)
    d = _check_index_tensor(input, dim, index)
    if index._data.size:
        result = Tensor._make(_picked(input, d, index))
    else:  # (torch checks nothing more of an empty index)
        result = Tensor._make(np.empty(index._data.shape, input._data.dtype))
    if needs_grad(input):
        # torch saves the input too (its backward doesn't read it, but modifying it in place
        # before backward is then the same error as in torch)
        record(
            result, GatherBackward0, (input,), saved=(index, input), shape=input._data.shape, dim=d
        )
    return result


def _picked(input: Tensor, d: int, index: Tensor) -> np.ndarray:
    """gather's values, row-major as torch's result, after its checks of the index."""
    data, idx = (
        input._data.reshape(input._data.shape or (1,)),
        index._data.reshape(index._data.shape or (1,)),
    )
    n_idx: int
    n_in: int
    for k, (n_idx, n_in) in enumerate(zip(idx.shape, data.shape, strict=True)):
        if k != d and n_idx > n_in:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(index._data.shape)} "
                f"to be no larger than self {list(input._data.shape)} apart from dimension {d}"
            )
    _check_index_range(idx, d, data.shape[d])
    # take_along_axis needs the other dims to agree: read only the corner the index covers
    picked = np.take_along_axis(_corner(data, idx.shape, d), idx, axis=d)
    return np.asarray(picked.reshape(index._data.shape), order="C")


class GatherBackward0(Node):
    """Each picked value's gradient is added back at the position it was picked from:
    a ``scatter_add`` into zeros (a position picked twice gets both gradients)."""

    shape: tuple[int, ...]
    dim: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        index, _ = self.saved_tensors
        if not self.shape:  # a 0-d input: its one value was picked
            return (grad,)
        zeros = Tensor._make(np.zeros(self.shape, grad._data.dtype))
        return (scatter_add(zeros, self.dim, index, grad),)


# --8<-- [end:gather]


def _full_index(idx: np.ndarray, d: int) -> tuple[np.ndarray, ...]:
    """Coordinates of every target element: ``idx`` along ``d``, the position elsewhere."""
    grids: tuple[np.ndarray, ...] = np.indices(idx.shape, sparse=True)
    return tuple(idx if k == d else g for k, g in enumerate(grids))


def _at_least_1d(data: np.ndarray) -> np.ndarray:
    """A 0-d array as a 1-d view of size 1: scatter treats 0-d tensors so."""
    return data.reshape(1) if data.ndim == 0 else data


def _size(t: Tensor, k: int) -> int:
    """torch's ``ensure_nonempty_size``: 1 for a 0-d tensor, else ``t.size(k)`` (IndexError
    past its dims)."""
    return t._data.shape[normalize_dim(k, t._data.ndim)] if t._data.ndim else 1


def _check_scatter(a: Tensor, d: int, index: Tensor, src: Any) -> None:
    """torch's checks of scatter and scatter_add, in torch's order (its messages print
    the true shapes, ``[]`` for 0-d, though a 0-d tensor counts as 1-d of size 1). Of an
    empty index, which writes nothing, only ``src``'s dtype is checked."""
    empty = not index._data.size
    if not empty and index._dtype is not _dtype.int64 and index._dtype is not _dtype.int32:
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if isinstance(src, Tensor) and src._dtype is not a._dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if empty:
        return
    idx_shape = _at_least_1d(index._data).shape
    if len(idx_shape) != max(a._data.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    too_big = any(n > _size(a, k) for k, n in enumerate(idx_shape) if k != d)
    message = (
        f"Expected index {list(index._data.shape)} to be no larger than self "
        f"{list(a._data.shape)} apart from dimension {d}"
    )
    if isinstance(src, Tensor):
        too_big = too_big or any(n > _size(src, k) for k, n in enumerate(idx_shape))
        if len(idx_shape) != max(src._data.ndim, 1):
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        message += f" and to be no larger size than src {list(src._data.shape)}"
    if too_big:
        raise RuntimeError(message)


def _scatter_setup(
    a: Tensor, dim: int, index: Tensor, src: Any, in_place: bool
) -> tuple[int, Tensor, np.ndarray, tuple[np.ndarray, ...], Any]:
    """What scatter and scatter_add share: the checks; the tensor to write into (``a`` itself
    in place, else a copy of it); its data (at least 1-d); where in that data to write; and
    the values to write there."""
    if not isinstance(index, Tensor):
        raise TypeError(
            f"scatter(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}"
        )
    d = normalize_dim(dim, a._data.ndim)
    _check_scatter(a, d, index, src)
    out = a if in_place else Tensor._make(a._data.copy())  # (row-major, as torch's result)
    if in_place:
        out._check_inplace()
    data, idx = _at_least_1d(out._data), _at_least_1d(index._data)
    if not idx.size:
        return d, out, data, (np.zeros(0, np.intp),) * data.ndim, np.zeros((), data.dtype)
    _check_index_range(idx, d, data.shape[d])
    if isinstance(src, Tensor):
        values = _at_least_1d(src._data)[tuple(slice(0, n) for n in idx.shape)]
    else:  # (a number, as torch's fill converts it: out of the dtype's range is an error)
        values = np.asarray(fitted(src, out._dtype))
    return d, out, data, _full_index(idx, d), values


def _scatter_src(
    dim: Any, index: Any, src: Any, value: Any, name: str, reduce: Any
) -> tuple[Any, str | None]:
    """What to scatter, and how: ``src``, a tensor or a number, or else ``value=``, a number
    (a 0-d tensor counts as one), and ``reduce`` (a string, or not given: None). Both values,
    neither, anything else, or a ``reduce`` that is no string (None too, if given) is torch's
    TypeError (its parser's, before any other check)."""
    if isinstance(value, Tensor) and value._data.ndim == 0:
        value = value.item()
    check_python_int(src)
    check_python_int(value)
    if reduce is NOT_GIVEN or isinstance(reduce, str):
        how = None if reduce is NOT_GIVEN else reduce
        if src is None and isinstance(value, numbers.Number | np.bool_):
            return value, how
        if value is None and isinstance(src, Tensor | numbers.Number | np.bool_):
            return src, how
    given = [c_type_text(dim), c_type_text(index)]
    given += [] if src is None else [c_type_text(src)]
    given += [] if value is None else [f"value={c_type_text(value)}"]
    given += [] if reduce is NOT_GIVEN else [f"reduce={c_type_text(reduce)}"]
    raise invalid_combination(name, ", ".join(given), *_SCATTER_FORMS)


_SCATTER_FORMS = (
    "int dim, Tensor index, Tensor src",
    "int dim, Tensor index, Tensor src, *, str reduce",
    "int dim, Tensor index, Number value",
    "int dim, Tensor index, Number value, *, str reduce",
)


@numpy_names
def scatter(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Any = None,
    *,
    value: Any = None,
    reduce: Any = NOT_GIVEN,
    out: Tensor | None = None,
) -> Tensor:
    """The inverse of gather: ``out[i][index[i][j]] = src[i][j]`` for ``dim=1``. ``src`` may be
    a number, also given as ``value=``; ``reduce``: 'add' or 'multiply' into what is there."""
    if out is not None:
        check_out("scatter", out, input, src)
        result = scatter(input, dim, index, src, value=value, reduce=reduce)
        return write_out(out, result, dtype="same")
    src, how = _scatter_src(dim, index, src, value, "scatter", reduce)
    return _scatter(input, dim, index, src, how, in_place=False)


def scatter_(
    a: Tensor,
    dim: int,
    index: Tensor,
    src: Any = None,
    *,
    value: Any = None,
    reduce: Any = NOT_GIVEN,
) -> Tensor:
    """``a.scatter_(...)``: scatter into ``a`` itself."""
    src, how = _scatter_src(dim, index, src, value, "scatter_", reduce)
    a._check_reads((src,), full_ok=False)  # (torch's scatter_ refuses any shared memory)
    if needs_grad(a, src):
        return a._inplace(scatter, dim, index, src, reduce=reduce, reads=())
    return _scatter(a, dim, index, src, how, in_place=True)


def _scatter(
    a: Tensor, dim: int, index: Tensor, src: Any, reduce: str | None, in_place: bool
) -> Tensor:
    d, out, data, target, values = _scatter_setup(a, dim, index, src, in_place)
    if reduce is not None and isinstance(src, Tensor):
        _warn_scatter_reduce()
    if reduce is None:
        data[target] = values
    elif reduce == "add":
        np.add.at(data, target, values)
    elif reduce == "multiply":
        np.multiply.at(data, target, values)
    else:
        raise RuntimeError("reduce argument must be either add or multiply.")
    out._bump_version()
    if needs_grad(a, src):  # (in place, scatter_ has handed it to _inplace)
        if reduce is not None:
            record(out, NotImplementedBackward, (a, src), op="scatter")
        elif isinstance(src, Tensor):
            record(out, ScatterBackward0, (a, src), saved=(index,), dim=d)
        else:
            record(out, ScatterBackward1, (a,), saved=(index,), dim=d)
    return out


class ScatterBackward0(Node):
    """The overwritten positions of ``a`` get 0; ``src``'s gradient is gathered from the
    positions it was written to."""

    dim: int

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        (index,) = self.saved_tensors
        grad_a = grad.scatter(self.dim, index, 0.0)
        grad_src = None
        if self.next_functions[1][0] is not None:
            _check_src_grad(self, index, 1)
            grad_src = grad.gather(self.dim, index)
        return grad_a, grad_src


class ScatterBackward1(Node):
    """``scatter`` of a number: the overwritten positions get 0, the others pass."""

    dim: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (index,) = self.saved_tensors
        return (grad.scatter(self.dim, index, 0.0),)


def _check_src_grad(node: Node, index: Tensor, nr: int) -> None:
    """The gradient gathered for ``src`` has ``index``'s shape: torch refuses it unless
    ``src``'s shape broadcasts to it (as a 0-d ``src`` does to ``[1]``; the engine then sums)."""
    shape = node._input_meta[nr][0]  # type: ignore[index]
    got = index._data.shape
    lead = len(got) - len(shape)
    if lead < 0 or any(n not in (1, g) for n, g in zip(shape, got[lead:], strict=True)):
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index {nr} - got "
            f"{list(index._data.shape)} but expected shape compatible with {list(shape)}"
        )


_warned_scatter_reduce = False


def _warn_scatter_reduce() -> None:
    """torch deprecates ``scatter(..., src_tensor, reduce=...)``, warning once per process."""
    global _warned_scatter_reduce
    if not _warned_scatter_reduce:
        _warned_scatter_reduce = True
        warnings.warn(
            "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
            "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
            "reduction options.",
            UserWarning,
            stacklevel=4,
        )


@numpy_names
def scatter_add(
    input: Tensor, dim: int, index: Tensor, src: Tensor, *, out: Tensor | None = None
) -> Tensor:
    """Like scatter, but values landing on the same place are summed."""
    if out is not None:
        check_out("scatter_add", out, input, src)
        return write_out(out, scatter_add(input, dim, index, src), dtype="same")
    return _scatter_add(input, dim, index, src, in_place=False)


def scatter_add_(a: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``a.scatter_add_(...)``: add into ``a`` itself."""
    a._check_reads((src,), full_ok=False)  # (as scatter_)
    if needs_grad(a, src):
        return a._inplace(scatter_add, dim, index, src, reads=())
    return _scatter_add(a, dim, index, src, in_place=True)


def _scatter_add(a: Tensor, dim: int, index: Tensor, src: Tensor, in_place: bool) -> Tensor:
    # (torch's checks and messages for scatter_add are scatter's, "scatter()" included)
    if not (isinstance(index, Tensor) and isinstance(src, Tensor)):
        name = "scatter_add_" if in_place else "scatter_add"
        require_tensors(name, {"index": index, "src": src}, first_position=2)
    d, out, data, target, values = _scatter_setup(a, dim, index, src, in_place)
    np.add.at(data, target, values)
    out._bump_version()
    if needs_grad(a, src):
        record(out, ScatterAddBackward0, (a, src), saved=(index,), dim=d)
    return out


class ScatterAddBackward0(Node):
    """``a`` passes its gradient unchanged; ``src``'s is gathered from where it was added."""

    dim: int

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        (index,) = self.saved_tensors
        grad_src = None
        if self.next_functions[1][0] is not None:
            _check_src_grad(self, index, 1)
            grad_src = grad.gather(self.dim, index)
        return grad, grad_src


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``value`` where ``mask`` (broadcast to ``a``) is True, ``a`` elsewhere."""
    fill = _masked_fill_value(input, mask, value)
    shape = broadcast_shapes(mask._data.shape, input._data.shape)  # torch's error if they don't
    out = np.empty(shape, input._data.dtype)  # row-major, as torch's out-of-place form gives
    np.copyto(out, input._data)
    np.copyto(out, fill, where=mask._data)
    result = Tensor._make(out)
    if needs_grad(input, value):
        if isinstance(value, Tensor):
            record(result, MaskedFillBackward1, (input, value), saved=(mask,))
        else:
            record(result, MaskedFillBackward0, (input,), saved=(mask,))
    return result


def masked_fill_(a: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``a.masked_fill_(mask, value)``: fill ``a`` itself where ``mask`` is True."""
    fill = _masked_fill_value(a, mask, value)
    if a._dtype.is_floating_point and needs_grad(a, value):
        return a._inplace(masked_fill, mask, value, reads=(mask,))  # (value: read as a number)
    shape = broadcast_shapes(mask._data.shape, a._data.shape)  # torch's error if they don't
    if shape != a._data.shape:
        raise RuntimeError(
            f"output with shape {list(a._data.shape)} doesn't match the broadcast shape "
            f"{list(shape)}"
        )
    a._check_reads((mask,))
    if a._overlaps_itself():  # torch allows it, with a warning
        warnings.warn(_MASKED_FILL_ON_EXPANDED, UserWarning, stacklevel=4)
    np.copyto(a._data, fill, where=mask._data)
    a._bump_version()
    return a


def _masked_fill_value(a: Tensor, mask: Tensor, value: Any) -> np.ndarray:
    """Check masked_fill's mask and value as torch does; the value as a 0-d array of a's
    dtype."""
    if not isinstance(mask, Tensor) or not isinstance(value, (Tensor, *NUMBERS)):
        got = f"{type_name_of(mask)}, {type_name_of(value)}"
        overloads = ("Tensor mask, Tensor value", "Tensor mask, Number value")
        raise invalid_combination("masked_fill", got, *overloads)  # (kinds first, as torch)
    check_python_int(value)
    if mask._dtype is not _dtype.bool:
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{c_type_name(mask._dtype)}"
        )
    if isinstance(value, Tensor) and value._data.ndim != 0:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value._data.ndim} dimension(s)."
        )
    return np.asarray(fitted(value.item() if isinstance(value, Tensor) else value, a._dtype))


class MaskedFillBackward0(Node):
    """Where the mask is True the value was replaced: gradient 0 there, unchanged elsewhere."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (mask,) = self.saved_tensors
        return (grad.masked_fill(mask, 0.0),)


class MaskedFillBackward1(Node):
    """``a`` as in ``MaskedFillBackward0``; the value tensor was copied into every masked place,
    so its gradient is the sum of the gradient there."""

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        (mask,) = self.saved_tensors
        grad_a = grad.masked_fill(mask, 0.0) if self.next_functions[0][0] is not None else None
        grad_value = where(mask, grad, 0.0).sum() if self.next_functions[1][0] is not None else None
        return grad_a, grad_value


def nonzero(input: Tensor, *, out: Tensor | None = None, as_tuple: bool = False) -> Any:
    """The indices of the non-zero elements: an int64 (count, ndim) tensor, one row per element
    in row-major order; ``as_tuple=True`` gives one 1-d tensor per dim instead (a 0-d input
    counts as 1-d there, as in torch). Not differentiable: indices have no gradient."""
    require_tensors("nonzero", {"input": input})
    if out is not None:
        if bool_arg(as_tuple, "nonzero", "as_tuple"):
            raise RuntimeError("nonzero does not support the out kwarg when as_tuple is True")
        if isinstance(out, Tensor) and out._dtype is not _dtype.int64:
            raise RuntimeError(
                "nonzero: Expected out tensor to have scalar type Long but got scalar type"
                f"{type_name(out._dtype)}"
            )
        check_out("nonzero", out, differentiable=False)
        found = nonzero(input)
        resized = out._data.shape != found._data.shape
        write_out(out, found, reads=(input,), differentiable=False)
        if resized:  # (torch's new memory for out is column-major too, as its result's)
            out._data = found._data.copy(order="F")
        return out
    if bool_arg(as_tuple, "nonzero", "as_tuple"):
        data = input._data.reshape(1) if input._data.ndim == 0 else input._data
        return tuple(Tensor._make(i.astype(np.int64)) for i in np.nonzero(data))
    # column-major, as torch's: strides (1, count)
    return Tensor._make(np.argwhere(input._data).astype(np.int64, order="F"))


@numpy_names
def index_select(input: Tensor, dim: int, index: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The slices at positions ``index`` (a vector of ints) along ``dim``, as a copy."""
    if out is not None:
        check_out("index_select", out, input)
        result = index_select(input, dim, index)
        if out._dtype is not input._dtype:
            raise RuntimeError("index_select(): self and result must have the same scalar type")
        return write_out(out, result, reads=(input, index))
    dim = parsed_int(dim, "index_select", "dim")
    if not isinstance(index, Tensor):
        require_tensors("index_select", {"index": index}, first_position=2)
    check_int64(dim)  # (once every kind is known, as torch)
    d = normalize_dim(dim, input._data.ndim)
    if index._data.ndim > 1:  # (before its dtype, as torch)
        raise IndexError("index_select(): Index is supposed to be a vector")
    if input._data.ndim == 0 and index._data.size != 1:
        raise RuntimeError(
            f"index_select(): Index to scalar can have only 1 value, got {index._data.size} "
            "value(s)"
        )
    if index._dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    idx = index._data.reshape(-1)
    size = input._data.shape[d] if input._data.ndim else 1
    if input._data.ndim > 1 and size == 0 and idx.size:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        # (torch's kernel for dim 1, and for an input of no element, words it so)
        if input._data.ndim > 1 and (d == 1 or not input._data.size):
            raise RuntimeError(
                f"INDICES element is out of DATA bounds, id={int(idx[bad][0])} axis_dim={size}"
            )
        raise IndexError("index out of range in self")
    result = Tensor._make(
        np.take(input._data, idx, axis=d) if input._data.ndim else input._data.copy()
    )
    if needs_grad(input):
        record(
            result, IndexSelectBackward0, (input,), saved=(index,), shape=input._data.shape, dim=d
        )
    return result


class IndexSelectBackward0(Node):
    """Each selected slice's gradient is added back where it was selected from (twice, if
    selected twice); slices not selected get 0."""

    shape: tuple[int, ...]
    dim: int

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (index,) = self.saved_tensors
        if not self.shape:  # a 0-d input: its one value was selected
            return (grad,)
        where_ = (slice(None),) * self.dim + (index._data.reshape(-1),)
        return (_add_into_zeros(grad, self.shape, where_, IndexAddBackward0),)
