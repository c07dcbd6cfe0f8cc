"""Indexing: ``t[...]`` reads and writes, ``gather``/``scatter``, ``masked_fill``, ``index_select``.

Basic indexing (ints, slices, ``None``, ``...``) gives a view that shares memory; indexing with
tensors, lists or masks ("advanced" indexing) gathers a copy, exactly as NumPy and torch do.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _dtype
from .._size import broadcast_shapes, contiguous_strides, normalize_dim
from .._tensor import Tensor
from .pointwise import c_type_name, type_name


def _index_item(item: Any) -> tuple[Any, bool]:
    """One component of an index in NumPy's terms, and whether it is an advanced index."""
    if isinstance(item, Tensor):
        if item._dtype.is_floating_point:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if item._dtype is _dtype.uint8:  # the old spelling of a mask
            warnings.warn(
                "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                "torch.bool instead.",
                UserWarning,
                stacklevel=5,  # the user's line: _index_item < _numpy_index < getitem < []
            )
            return item._data.astype(np.bool_), True
        return item._data, True
    if isinstance(item, slice):
        if item.step is not None and int(item.step) <= 0:
            raise ValueError("step must be greater than zero")
        return item, False
    if isinstance(item, (list, tuple, np.ndarray)):  # a tuple inside the index is a list
        arr = np.asarray(item)
        if arr.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr, True
    if isinstance(item, bool):
        return item, True
    if item is None or item is Ellipsis or hasattr(item, "__index__"):
        return item, False
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
        f"valid indices (got {type(item).__name__})"
    )


def _numpy_index(index: Any) -> tuple[tuple[Any, ...], bool]:
    items = index if isinstance(index, tuple) else (index,)
    converted, advanced = [], False
    for item in items:
        np_item, is_adv = _index_item(item)
        converted.append(np_item)
        advanced = advanced or is_adv
    if not advanced and not any(i is Ellipsis for i in converted):
        # a trailing ``...`` makes NumPy return a 0-d *view* instead of a scalar for t[0, 1]
        converted.append(Ellipsis)
    return tuple(converted), advanced


def _index_error(err: IndexError, index: tuple[Any, ...], shape: tuple[int, ...]) -> IndexError:
    """NumPy's complaint about ``index`` into ``shape``, said as torch says it."""
    msg = str(err)
    if msg.startswith("too many indices"):
        if not shape:
            return IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        return IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if msg.startswith("boolean index did not match"):
        return _mask_error(index, shape) or IndexError(msg)
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
    np_index, advanced = _numpy_index(index)
    try:
        data = a._data[np_index]
    except IndexError as err:
        raise _index_error(err, np_index, a._data.shape) from None
    if advanced:  # NumPy gathered the elements into new memory
        return Tensor._make(_row_major(data))
    if None in np_index:
        data = _torch_none_strides(a._data, np_index, data)
    return a._view_of(data)  # same memory, new shape/strides: shares the version counter


# --8<-- [end:getitem]


def setitem(a: Tensor, index: Any, value: Any) -> None:
    """``a[index] = value``: writes into ``a``'s memory (seen by every view), like ``copy_``."""
    np_index, advanced = _numpy_index(index)
    a._check_inplace()
    if advanced and isinstance(value, Tensor) and value._dtype is not a._dtype:
        is_mask = isinstance(index, Tensor) and index._dtype is _dtype.bool
        if not (is_mask and value._data.ndim == 0):  # that case is a masked_fill: it converts
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{type_name(a._dtype)} for the destination and {type_name(value._dtype)} for "
                "the source."
            )
    src = value._data if isinstance(value, Tensor) else value
    try:
        a._data[np_index] = src
    except IndexError as err:
        raise _index_error(err, np_index, a._data.shape) from None
    except ValueError:
        raise _setitem_shape_error(np.shape(src), np.shape(a._data[np_index]), advanced) from None
    a._bump_version()


def _setitem_shape_error(
    value: tuple[int, ...], target: tuple[int, ...], advanced: bool
) -> RuntimeError:
    """A value that does not broadcast to ``a[index]``: torch's message for each kind of index."""
    if not advanced:  # torch expands the value to the view, so the error is expand's own
        from .shape import expand

        shape = list(value)
        while shape and shape[0] == 1:  # leading 1s are dropped first
            shape.pop(0)
        try:
            expand(Tensor._make(np.empty(shape)), target)
        except RuntimeError as err:
            return err
    return RuntimeError(
        f"shape mismatch: value tensor of shape {list(value)} cannot be broadcast to indexing "
        f"result of shape {list(target)}"
    )


def _check_index_tensor(name: str, a: Tensor, dim: int, index: Tensor) -> int:
    """Shared checks of gather and the scatters (``name`` is ``"gather"`` or ``"scatter"``):
    an int32/int64 index of the same rank as the input."""
    if not isinstance(index, Tensor):
        raise TypeError(
            f"{name}(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}"
        )
    if index._dtype is not _dtype.int64 and index._dtype is not _dtype.int32:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    d = normalize_dim(dim, a._data.ndim)
    if index._data.ndim != a._data.ndim and not (index._data.ndim <= 1 and a._data.ndim <= 1):
        role = "input" if name == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {role} tensor")
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
def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Pick values along ``dim`` by position: for a 3-d input and ``dim=1``,

    ``out[i][j][k] = input[i][index[i][j][k]][k]``. The output has ``index``'s shape.
    """
    d = _check_index_tensor("gather", input, dim, index)
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
    out = np.take_along_axis(_corner(data, idx.shape, d), idx, axis=d)
    return Tensor._make(out.reshape(index._data.shape))


# --8<-- [end:gather]


def _full_index(idx: np.ndarray, d: int) -> tuple[np.ndarray, ...]:
    """Coordinates of every target element: ``idx`` along ``d``, the position elsewhere."""
    grids: tuple[np.ndarray, ...] = np.indices(idx.shape, sparse=True)
    return tuple(idx if k == d else g for k, g in enumerate(grids))


def _scatter_source(src: Any, idx: np.ndarray, d: int, a: Tensor, name: str) -> Any:
    if not isinstance(src, Tensor):
        return np.asarray(src, dtype=a._data.dtype)
    if src._dtype is not a._dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    for k, (n_idx, n_src, n_self) in enumerate(
        zip(idx.shape, src._data.shape, a._data.shape, strict=True)
    ):
        if n_idx > n_src or (k != d and n_idx > n_self):
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self "
                f"{list(a._data.shape)} apart from dimension {d} and to be no larger size than "
                f"src {list(src._data.shape)}"
            )
    return src._data[tuple(slice(0, n) for n in idx.shape)]


def scatter(
    a: Tensor,
    dim: int,
    index: Tensor,
    src: Any,
    *,
    reduce: str | None = None,
    inplace: bool = False,
) -> Tensor:
    """The inverse of gather: ``out[i][index[i][j]] = src[i][j]`` for ``dim=1``."""
    d = _check_index_tensor("scatter", a, dim, index)
    idx = index._data
    _check_index_range(idx, d, a._data.shape[d])
    values = _scatter_source(src, idx, d, a, "scatter")
    out = a if inplace else a.clone()
    if inplace:
        out._check_inplace()
    target = _full_index(idx, d)
    if reduce is not None and isinstance(src, Tensor):
        _warn_scatter_reduce()
    if reduce is None:
        out._data[target] = values
    elif reduce == "add":
        np.add.at(out._data, target, np.broadcast_to(values, idx.shape))
    elif reduce == "multiply":
        np.multiply.at(out._data, target, np.broadcast_to(values, idx.shape))
    else:
        raise RuntimeError("reduce argument must be either add or multiply.")
    out._bump_version()
    return out


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


def scatter_add(
    a: Tensor, dim: int, index: Tensor, src: Tensor, *, inplace: bool = False
) -> Tensor:
    """Like scatter, but values landing on the same place are summed."""
    d = _check_index_tensor("scatter", a, dim, index)  # torch's messages say scatter() too
    idx = index._data
    _check_index_range(idx, d, a._data.shape[d])
    values = _scatter_source(src, idx, d, a, "scatter")
    out = a if inplace else a.clone()
    if inplace:
        out._check_inplace()
    np.add.at(out._data, _full_index(idx, d), values)
    out._bump_version()
    return out


def masked_fill(a: Tensor, mask: Tensor, value: Any, *, inplace: bool = False) -> Tensor:
    """``value`` where ``mask`` (broadcast to ``a``) is True, ``a`` elsewhere."""
    if mask._dtype is not _dtype.bool:
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{c_type_name(mask._dtype)}"
        )
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        value = value.item()
    shape = broadcast_shapes(mask._data.shape, a._data.shape)  # torch's error if they don't
    fill = np.asarray(value).astype(a._data.dtype)
    if inplace:
        if shape != a._data.shape:
            raise RuntimeError(
                f"output with shape {list(a._data.shape)} doesn't match the broadcast shape "
                f"{list(shape)}"
            )
        if a._overlaps_itself():  # torch allows it, with a warning
            warnings.warn(
                "Use of masked_fill_ on expanded tensors is deprecated. Please clone() the "
                "tensor before performing this operation. This also applies to advanced "
                "indexing e.g. tensor[mask] = scalar",
                UserWarning,
                stacklevel=4,
            )
        np.copyto(a._data, fill, where=mask._data)
        a._bump_version()
        return a
    out = np.empty(shape, a._data.dtype)  # row-major, as torch's out-of-place form gives
    np.copyto(out, a._data)
    np.copyto(out, fill, where=mask._data)
    return Tensor._make(out)


def index_select(a: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices at positions ``index`` (a vector of ints) along ``dim``, as a copy."""
    if index._dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = normalize_dim(dim, a._data.ndim)
    idx = index._data.reshape(-1)
    size = a._data.shape[d] if a._data.ndim else 1
    if ((idx < 0) | (idx >= size)).any():
        raise IndexError("index out of range in self")
    return Tensor._make(
        np.take(a._data, idx, axis=d) if a._data.ndim else a._data[idx[:1] * 0].reshape(())
    )
