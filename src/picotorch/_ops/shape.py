"""Shape ops: views that re-describe the same memory, and cat/stack/split that join and cut.

A view op never copies: it builds a NumPy view (new shape and strides over the same buffer)
and wraps it with ``_view_of`` so it shares the version counter of the tensor it came from.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._dtype import promote_types
from .._size import normalize_dim
from .._tensor import _LEGACY_TYPE_NAMES, Tensor


def _sizes(args: Sequence[Any]) -> tuple[int, ...]:
    """Sizes given as ``f(2, -1)`` or ``f((2, -1))``; -1 is allowed (views infer it)."""
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        args = tuple(args[0])
    return tuple(operator.index(a) for a in args)


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


def view(a: Tensor, *shape: Any) -> Tensor:
    """The same memory seen with another shape; an error if the strides can't allow it."""
    new_shape = _infer_size(_sizes(shape), a._data.size)
    try:
        data = np.reshape(a._data, new_shape, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    return a._view_of(data)


def reshape(a: Tensor, *shape: Any) -> Tensor:
    """Like ``view`` when the memory layout allows it, otherwise a reshaped copy."""
    new_shape = _infer_size(_sizes(shape), a._data.size)
    data = np.reshape(a._data, new_shape)
    if np.may_share_memory(data, a._data):
        return a._view_of(data)
    return Tensor._make(data)


def t(a: Tensor) -> Tensor:
    """The transpose of a matrix (vectors and scalars come back unchanged)."""
    if a._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {a._data.ndim}D"
        )
    return a._view_of(a._data.T)


def transpose(a: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (a view: only the strides change)."""
    n = a._data.ndim
    return a._view_of(np.swapaxes(a._data, normalize_dim(dim0, n), normalize_dim(dim1, n)))


def permute(a: Tensor, *dims: Any) -> Tensor:
    """Reorder all dims (a view)."""
    order = _sizes(dims)
    n = a._data.ndim
    if len(order) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{n} is not equal to len(dims) = {len(order)}"
        )
    axes = tuple(normalize_dim(d, n) for d in order)
    if len(set(axes)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return a._view_of(np.transpose(a._data, axes))


def squeeze(a: Tensor, dim: Any = None) -> Tensor:
    """Drop dims of size 1 (all of them, or only those named by ``dim`` that are size 1)."""
    shape = a._data.shape
    if dim is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        axes = tuple(
            d for d in (normalize_dim(d, len(shape)) for d in dims) if shape and shape[d] == 1
        )
    return a._view_of(np.squeeze(a._data, axis=axes))


def unsqueeze(a: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at ``dim`` (which may be ``ndim``, i.e. at the end)."""
    return a._view_of(unsqueeze_array(a._data, normalize_dim(dim, a._data.ndim + 1)))


def unsqueeze_array(data: np.ndarray, d: int) -> np.ndarray:
    """``data`` with a size-1 dim inserted at ``d``, strided as torch strides it.

    A size-1 dim's stride is never used to step, but ``stride()`` shows it: torch gives it
    ``size * stride`` of the dim it lands before (1 at the end), where NumPy may differ.
    """
    shape, strides = list(data.shape), list(data.strides)
    stride = shape[d] * strides[d] if d < data.ndim else data.itemsize
    shape.insert(d, 1)
    strides.insert(d, stride)
    return as_strided(data, shape, strides)


def flatten(a: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one (a view when the layout allows)."""
    shape = a._data.shape
    if not shape:
        return reshape(a, 1)
    start, end = normalize_dim(start_dim, len(shape)), normalize_dim(end_dim, len(shape))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return a  # nothing to merge: torch returns the very same tensor
    merged = 1
    for s in shape[start : end + 1]:
        merged *= s
    return reshape(a, (*shape[:start], merged, *shape[end + 1 :]))


# --8<-- [start:expand]
def expand(a: Tensor, *sizes: Any) -> Tensor:
    """Repeat size-1 dims (and add leading dims) without copying: their stride becomes 0.

    ``-1`` keeps a dim's size. Every element of an expanded dim is the same memory.
    """
    target = _sizes(sizes)
    shape, strides = a._data.shape, a._data.strides
    if len(target) < len(shape):
        raise RuntimeError(
            f"expand({_LEGACY_TYPE_NAMES[a._dtype]}{{{list(shape)}}}, size={list(target)}): "
            "the number of sizes provided "
            f"({len(target)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(shape)})"
        )
    lead = len(target) - len(shape)
    new_shape, new_strides = [], []
    for i, size in enumerate(target):
        if i < lead:  # a new leading dim: every index reads the same memory
            if size < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({size}) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            new_shape.append(size)
            new_strides.append(0)
            continue
        old, stride = shape[i - lead], strides[i - lead]
        if size == -1:
            size = old
        if size == old:
            new_shape.append(size)
            new_strides.append(stride)
        elif old == 1:  # the one element is repeated: step 0 through memory
            new_shape.append(size)
            new_strides.append(0)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size "
                f"({old}) at non-singleton dimension {i}.  Target sizes: {list(target)}.  "
                f"Tensor sizes: {list(shape)}"
            )
    return a._view_of(as_strided(a._data, new_shape, new_strides))


# --8<-- [end:expand]


def broadcast_to(a: Tensor, size: Sequence[int]) -> Tensor:
    """``a`` expanded to ``size`` (the torch function form of ``expand``)."""
    return expand(a, tuple(size))


def narrow(a: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Elements ``start .. start+length-1`` along ``dim`` (a view)."""
    d = normalize_dim(dim, a._data.ndim)
    size = a._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    start %= size if size else 1
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    index = [slice(None)] * a._data.ndim
    index[d] = slice(start, start + length)
    return a._view_of(a._data[tuple(index)])


def split(a: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut along ``dim`` into pieces of one size (the last may be smaller) or of given sizes."""
    d = normalize_dim(dim, a._data.ndim)
    size = a._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = int(split_size_or_sections)
        if step <= 0 and size > 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        sizes = [min(step, size - i) for i in range(0, size, step)] if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    pieces, offset = [], 0
    for s in sizes:
        pieces.append(narrow(a, d, offset, s))
        offset += s
    return tuple(pieces)


def chunk(a: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into ``chunks`` nearly equal pieces (fewer if the dim is too short)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    size = a._data.shape[normalize_dim(dim, a._data.ndim)]
    if size == 0:  # split would give one empty piece; torch gives ``chunks`` of them
        return split(a, [0] * chunks, dim)
    return split(a, -(-size // chunks), dim)


def unbind(a: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """All slices along ``dim``, each without that dim."""
    d = normalize_dim(dim, a._data.ndim)
    return tuple(a._view_of(x) for x in np.moveaxis(a._data, d, 0))


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
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors end to end along an existing dim; all other sizes must match."""
    parts = _tensor_list("cat", tensors)
    if not parts:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    # torch still skips 1-d empty tensors here, a legacy rule kept for old code
    shaped = [t for t in parts if t._data.shape != (0,)] or parts[:1]
    first = shaped[0]._data
    for i, t in enumerate(parts):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = normalize_dim(dim, first.ndim)
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
    out_dtype = parts[0]._dtype
    for t in parts[1:]:
        out_dtype = promote_types(out_dtype, t._dtype)
    # written into fresh row-major memory (NumPy would follow the inputs' layout, torch doesn't)
    shape = list(first.shape)
    shape[d] = sum(t._data.shape[d] for t in shaped)
    out = np.empty(shape, out_dtype.numpy)
    np.concatenate([t._data for t in shaped], axis=d, out=out, casting="unsafe")
    return Tensor._make(out)


# --8<-- [end:cat]


# --8<-- [start:stack]
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a NEW dim (so n tensors of shape s give (n, *s))."""
    parts = _tensor_list("stack", tensors)
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
    return cat([unsqueeze(t, d) for t in parts], d)


# --8<-- [end:stack]
