"""Indexing: ``t[...]`` reads and writes, ``gather``/``scatter``, ``masked_fill``, ``index_select``.

Basic indexing (ints, slices, ``None``, ``...``) gives a view that shares memory; indexing with
tensors, lists or masks ("advanced" indexing) gathers a copy, exactly as NumPy and torch do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._size import normalize_dim
from .._tensor import Tensor
from .pointwise import type_name


def _index_item(item: Any) -> tuple[Any, bool]:
    """One component of an index in NumPy's terms, and whether it is an advanced index."""
    if isinstance(item, Tensor):
        if item._dtype.is_floating_point:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return item._data, True
    if isinstance(item, slice):
        if item.step is not None and int(item.step) <= 0:
            raise ValueError("step must be greater than zero")
        return item, False
    if isinstance(item, (list, np.ndarray)):
        arr = np.asarray(item)
        if arr.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr, True
    if isinstance(item, bool):
        return item, True
    return item, False


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


def _index_error(err: IndexError, ndim: int) -> IndexError:
    """NumPy's messages, reworded as torch's (``dimension`` instead of ``axis``)."""
    msg = str(err)
    if msg.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {ndim}")
    return IndexError(msg.replace("axis", "dimension"))


# --8<-- [start:getitem]
def getitem(a: Tensor, index: Any) -> Tensor:
    """``a[index]``: a view for ints/slices/None/..., a copy for tensor, list or mask indices."""
    np_index, advanced = _numpy_index(index)
    try:
        data = a._data[np_index]
    except IndexError as err:
        raise _index_error(err, a._data.ndim) from None
    if advanced:
        return Tensor._make(data)  # NumPy gathered the elements into new memory
    return a._view_of(data)  # same memory, new shape/strides: shares the version counter


# --8<-- [end:getitem]


def setitem(a: Tensor, index: Any, value: Any) -> None:
    """``a[index] = value``: writes into ``a``'s memory (seen by every view), like ``copy_``."""
    np_index, _ = _numpy_index(index)
    a._check_inplace()
    src = value._data if isinstance(value, Tensor) else value
    try:
        a._data[np_index] = src
    except IndexError as err:
        raise _index_error(err, a._data.ndim) from None
    except ValueError:
        target = np.shape(a._data[np_index])
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(np.shape(src))} cannot be broadcast "
            f"to indexing result of shape {list(target)}"
        ) from None
    a._bump_version()


def _check_index_tensor(name: str, a: Tensor, dim: int, index: Tensor) -> int:
    """Shared checks of gather/scatter: int64 index, same rank, index no larger than input."""
    if not isinstance(index, Tensor):
        raise TypeError(
            f"{name}(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}"
        )
    if index._dtype is not _dtype.int64:
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    d = normalize_dim(dim, a._data.ndim)
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
def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Pick values along ``dim`` by position: for a 3-d input and ``dim=1``,

    ``out[i][j][k] = input[i][index[i][j][k]][k]``. The output has ``index``'s shape.
    """
    d = _check_index_tensor("gather", input, dim, index)
    data, idx = (
        input._data.reshape(input._data.shape or (1,)),
        index._data.reshape(index._data.shape or (1,)),
    )
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
    grids = np.indices(idx.shape, sparse=True)
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
    if reduce is None:
        out._data[target] = values
    elif reduce == "add":
        np.add.at(out._data, target, np.broadcast_to(values, idx.shape))
    elif reduce == "multiply":
        np.multiply.at(out._data, target, np.broadcast_to(values, idx.shape))
    else:
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    out._bump_version()
    return out


def scatter_add(
    a: Tensor, dim: int, index: Tensor, src: Tensor, *, inplace: bool = False
) -> Tensor:
    """Like scatter, but values landing on the same place are summed."""
    d = _check_index_tensor("scatter_add", a, dim, index)
    idx = index._data
    _check_index_range(idx, d, a._data.shape[d])
    values = _scatter_source(src, idx, d, a, "scatter_add")
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
            f"{mask._dtype.name.replace('int64', 'long').replace('float32', 'float')}"
        )
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        value = value.item()
    try:
        np.broadcast_shapes(mask._data.shape, a._data.shape)
    except ValueError:
        from .shape import broadcast_error

        raise broadcast_error(a._data.shape, mask._data.shape) from None
    if inplace:
        a._check_inplace()
        np.copyto(a._data, np.asarray(value).astype(a._data.dtype), where=mask._data)
        a._bump_version()
        return a
    return Tensor._make(np.where(mask._data, np.asarray(value).astype(a._data.dtype), a._data))


def index_select(a: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices at positions ``index`` (a vector of ints) along ``dim``, as a copy."""
    if index._dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(
            "index_select(): Expected dtype int32 or int64 for index, got "
            f"{type_name(index._dtype)}"
        )
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
