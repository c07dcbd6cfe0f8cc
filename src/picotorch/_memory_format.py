"""``torch.memory_format``: the order in which a tensor's elements lie in memory.

``contiguous_format`` is row-major; ``channels_last`` keeps a 4-d (N, C, H, W) tensor's
channels innermost, as (N, H, W, C) in memory, and ``channels_last_3d`` does the same for 5-d
tensors; ``preserve_format`` (the default of ``clone`` and the ``*_like`` factories) keeps the
source's layout. A picotorch tensor's memory is a NumPy array, which may be laid out any way,
so a channels-last tensor is a row-major (N, H, W, C) array viewed as (N, C, H, W).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._size import type_name_of


class memory_format:  # noqa: N801 - torch spells it lower-case
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __reduce__(self) -> str:
        return self._name  # (pickled by name: there is one object of each)


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")

# the channels-last formats: the dims in the order they lie in memory, outermost first
_MEMORY_ORDER = {channels_last: (0, 2, 3, 1), channels_last_3d: (0, 2, 3, 4, 1)}


def memory_format_arg(value: Any, name: str, ndim: int) -> memory_format:
    """``value`` as a memory format for a tensor of ``ndim`` dims, or torch's error."""
    check_memory_format_kind(value, name)
    order = _MEMORY_ORDER.get(value)
    if order is not None and len(order) != ndim:
        raise RuntimeError(f"required rank {len(order)} tensor to use {value._name} format")
    return value


def check_memory_format_kind(value: Any, name: str) -> None:
    """torch's TypeError for a ``memory_format`` that is none (its parser's check, made before
    the dtype's: a factory reads the format's rank after its device)."""
    if not isinstance(value, memory_format):
        raise TypeError(
            f"{name}(): argument 'memory_format' must be torch.memory_format, not "
            f"{type_name_of(value)}"
        )


def laid_out(data: np.ndarray, fmt: memory_format) -> np.ndarray:
    """A copy of ``data`` in layout ``fmt`` (contiguous or channels-last)."""
    order = _MEMORY_ORDER.get(fmt)
    if order is None:
        return data.copy(order="C")
    inverse = tuple(int(i) for i in np.argsort(order))
    # (a copy always: ascontiguousarray would hand back data already laid out so, and new
    # memory gets row-major strides for size-1 dims too, as torch's)
    return data.transpose(order).copy(order="C").transpose(inverse)


# the dims whose strides must grow one after another, smallest first, for torch to read a
# tensor as channels-last (is_channels_last_strides_2d_s4 and _3d_s5 in c10's MemoryFormat.h)
_STRIDES_ORDER = {channels_last: (1, 3, 2, 0), channels_last_3d: (1, 4, 3, 2, 0)}


def suggested_format(data: np.ndarray) -> memory_format:
    """The layout torch reads off a tensor's strides (``suggest_memory_format``): channels-last
    if a 4-d (5-d) tensor's strides grow from the channels outwards, else contiguous. Where
    size-1 dims leave it ambiguous (an (N, 1, 1, 1) tensor) torch says contiguous."""
    strides = [s // data.itemsize for s in data.strides]
    for fmt, dims in _STRIDES_ORDER.items():
        if data.ndim == len(dims) and strides[1] != 0 and _strides_grow(data.shape, strides, dims):
            return fmt
    return contiguous_format


def _strides_grow(shape: tuple[int, ...], strides: list[int], dims: tuple[int, ...]) -> bool:
    least = 0
    for d in dims:
        if shape[d] == 0 or strides[d] < least:
            return False
        if d == 0 and least == strides[1]:  # (the ambiguous N111 case)
            return False
        least = strides[d] * max(shape[d], 1)
    return True


def is_laid_out(data: np.ndarray, fmt: memory_format, strides: Any = None) -> bool:
    """Whether ``data`` lies in memory as ``fmt`` says, without gaps (preserve: row-major).
    ``strides``: its steps in elements, as its tensor reports them (by default NumPy's)."""
    order = _MEMORY_ORDER.get(fmt)
    if order is None:
        return bool(data.flags.c_contiguous)
    if len(order) != data.ndim:
        return False
    # torch's test, read off the strides (so for a tensor of no element too): from the innermost
    # dim out, each steps over all the dims inside it (size-1 dims are skipped)
    if strides is None:
        strides = [s // data.itemsize for s in data.strides]
    step = 1
    for d in reversed(order):
        if data.shape[d] != 1:
            if strides[d] != step:
                return False
            step *= data.shape[d]
    return True


def in_suggested_format(x: np.ndarray, result: np.ndarray) -> np.ndarray:
    """``result``, computed from ``x`` (by a pooling, a padding, a normalisation), laid out as
    torch's kernels lay theirs out: in the memory format torch suggests for ``x`` (channels-last
    for a channels-last input), else row-major (NumPy's may follow a transposed input's)."""
    # (the channels' step is one element in any channels-last layout: a cheap test first)
    if x.ndim in (4, 5) and x.strides[1] == x.itemsize:
        fmt = suggested_format(x)
        if fmt is not contiguous_format:
            return laid_out(result, fmt)
    return np.ascontiguousarray(result)
