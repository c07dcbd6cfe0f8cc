"""Whether arrays share memory, judged as torch judges it (ATen's MemoryOverlap.cpp).

An op that writes while it reads goes wrong when an input shares memory with the output: in
``x[1:].add_(x[:-1])`` each element written is read again a step later. NumPy copies such
inputs first; torch refuses the op with a RuntimeError. picotorch refuses what torch refuses,
with torch's message, and lets through what torch lets through:

- the same elements in the same layout (``x.add_(x)``) are fine: each element is read before
  it is written;
- an input that shares only part of the output's memory is refused (``PARTIAL``);
- if either array has gaps or repeats (``x[::2]``, an expanded tensor), torch does not try to
  work it out (``TOO_HARD``) and runs the op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

FULL, PARTIAL, NO, TOO_HARD = "full", "partial", "no", "too hard"

# an op reading memory it writes, in another layout (see check_reads)
PARTIAL_OVERLAP = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer "
    "to a single memory location. Please clone() the tensor before performing the operation."
)

# an op writing into elements that share memory (an expanded tensor)
INTERNAL_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)


def overlaps_itself(x: np.ndarray) -> bool:
    """Whether several elements of ``x`` share one memory location (a dim made by
    ``expand``: torch's ``has_internal_overlap``)."""
    if x.size <= 1 or 0 not in x.strides:  # (NumPy strides empty arrays with 0s)
        return False
    return any(s == 0 and n > 1 for n, s in zip(x.shape, x.strides, strict=True))


def non_overlapping_and_dense(x: np.ndarray) -> bool:
    """Whether ``x``'s elements fill its memory without gaps or overlaps, in some dim order
    (torch's ``is_non_overlapping_and_dense``; size-1 dims do not count)."""
    expected = x.itemsize
    for stride, n in sorted((s, n) for n, s in zip(x.shape, x.strides, strict=True) if n != 1):
        if stride != expected:
            return False
        expected *= n
    return True


def empty_laid_out_like(
    x: np.ndarray, dtype: Any = None, *, dense_only: bool = False
) -> np.ndarray:
    """New memory for ``x``'s shape (in ``dtype``, by default ``x``'s) laid out as torch lays
    out a copy of ``x`` (its ``preserve_format``: ``clone``, ``to``, ``*_like``): with ``x``'s
    own strides if its elements fill their memory without gaps or repeats (a transposed
    tensor's copy is transposed), else dense in ``x``'s dim order (torch's
    ``infer_dense_strides``). ``dense_only``: row-major unless ``x`` is dense (the rule for a
    leaf's ``.grad``)."""
    dtype = x.dtype if dtype is None else np.dtype(dtype)
    out = np.empty(x.shape, dtype)
    if x.ndim < 2:
        return out
    steps = [s // x.itemsize for s in x.strides]
    strides = tuple(n * dtype.itemsize for n in steps)
    if strides == out.strides:  # (the usual case: x is row-major, and so is out)
        return out
    if not non_overlapping_and_dense(x):
        if dense_only:
            return out
        strides = tuple(n * dtype.itemsize for n in _dense_in_order(x.shape, steps))
        if strides == out.strides:
            return out
    flat = np.empty(x.size, dtype)  # the new layout fills exactly this much memory
    return np.lib.stride_tricks.as_strided(flat, x.shape, strides)


def in_dim_order(data: np.ndarray, order: list[int]) -> np.ndarray:
    """``data`` laid out dense with its dims in ``order`` (innermost first), as torch lays out
    a new tensor whose dims its TensorIterator sorted so: ``data`` itself if it already is,
    else a copy."""
    strides, step = [0] * data.ndim, data.itemsize
    for d in order:
        strides[d] = step
        step *= data.shape[d]
    return with_strides(data, tuple(strides))


def with_strides(data: np.ndarray, strides: tuple[int, ...]) -> np.ndarray:
    """``data`` laid out with these (byte) strides, dense ones: ``data`` itself if it already
    is, else a copy."""
    if strides == data.strides:
        return data
    out = np.lib.stride_tricks.as_strided(np.empty(data.size, data.dtype), data.shape, strides)
    np.copyto(out, data)
    return out


def _dense_in_order(shape: tuple[int, ...], steps: list[int]) -> list[int]:
    """Dense strides that keep the order of ``steps`` (torch's ``infer_dense_strides``): the
    dims sorted by step, innermost first, by insertion from the row-major order; a dim whose
    step is 0 compares as neither smaller nor larger (it keeps its row-major place), and of two
    equal steps the dim of fewer elements goes inside."""
    ndim = len(shape)

    def outer(a: int, b: int) -> int:  # 1: dim a lies outside dim b; -1: inside; 0: can't tell
        if steps[a] == 0 or steps[b] == 0:
            return 0
        if steps[a] != steps[b]:
            return 1 if steps[a] > steps[b] else -1
        return 1 if shape[a] > shape[b] else 0

    strides, step = [0] * ndim, 1
    for d in sort_dims(ndim, outer):
        strides[d] = step
        if shape[d] > 1:
            step *= shape[d]
    return strides


def sort_dims(ndim: int, outer: Callable[[int, int], int]) -> list[int]:
    """The dims, innermost first, as torch's TensorIterator sorts them: by insertion, starting
    from the row-major order; ``outer(a, b)`` is 1 if dim ``a`` goes outside dim ``b``, -1 if
    inside, 0 if it can't tell (then the insertion looks further back, and a dim stays where it
    is when nothing decides)."""
    order = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        moving = i
        for j in range(i - 1, -1, -1):
            comparison = outer(order[j], order[moving])
            if comparison > 0:
                order[j], order[moving] = order[moving], order[j]
                moving = j
            elif comparison < 0:
                break
    return order


def overlap_status(a: np.ndarray, b: np.ndarray) -> str:
    """How the memory of ``a`` and ``b`` overlaps (torch's ``get_overlap_status``): FULL, the
    same bytes with the same strides; PARTIAL, any other shared byte; NO; or TOO_HARD, when
    either has gaps or repeats."""
    if a.size == 0 or b.size == 0 or not np.may_share_memory(a, b):  # (compares the bounds)
        return NO
    if not (non_overlapping_and_dense(a) and non_overlapping_and_dense(b)):
        return TOO_HARD
    # both dense: each spans exactly [its first byte, + nbytes), and the bounds overlap
    if first_byte(a) != first_byte(b) or a.nbytes != b.nbytes:
        return PARTIAL
    same_strides = [s // a.itemsize for s in a.strides] == [s // b.itemsize for s in b.strides]
    return FULL if same_strides else PARTIAL


def check_reads(written: np.ndarray, reads: Any, *, full_ok: bool = True) -> None:
    """Refuse an op that writes ``written`` while reading any array among ``reads`` (other
    values are skipped) that shares part of its memory; with ``full_ok=False`` also one that
    shares all of it (as torch's index_put_ and scatter_ refuse)."""
    for x in reads:
        if x is written and full_ok:  # (an in-place op reads what it writes: x.add_(y))
            continue
        if type(x) is np.ndarray:
            status = overlap_status(written, x)
            if status == PARTIAL or (status == FULL and not full_ok):
                raise RuntimeError(PARTIAL_OVERLAP)


def storage_offset(x: np.ndarray, start: int | None = None) -> int:
    """How many of ``x``'s elements lie before its first one in the memory it views (torch's
    ``storage_offset()``), from address ``start``; by default from the start of the array that
    owns that memory, which NumPy's ``base`` leads to."""
    if start is None:
        owner: Any = x
        while hasattr(getattr(owner, "base", None), "__array_interface__"):
            owner = owner.base  # (an array, or the wrapper through which as_strided makes views)
        start = owner.__array_interface__["data"][0]
    return (first_byte(x) - start) // x.itemsize


def first_byte(x: np.ndarray) -> int:
    address: int = x.__array_interface__["data"][0]
    return address
