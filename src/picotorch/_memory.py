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

from typing import Any

import numpy as np

FULL, PARTIAL, NO, TOO_HARD = "full", "partial", "no", "too hard"

_MESSAGE = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer "
    "to a single memory location. Please clone() the tensor before performing the operation."
)


def non_overlapping_and_dense(x: np.ndarray) -> bool:
    """Whether ``x``'s elements fill its memory without gaps or overlaps, in some dim order
    (torch's ``is_non_overlapping_and_dense``; size-1 dims do not count)."""
    expected = x.itemsize
    for stride, n in sorted((s, n) for n, s in zip(x.shape, x.strides, strict=True) if n != 1):
        if stride != expected:
            return False
        expected *= n
    return True


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
        if type(x) is np.ndarray:
            status = overlap_status(written, x)
            if status == PARTIAL or (status == FULL and not full_ok):
                raise RuntimeError(_MESSAGE)


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
