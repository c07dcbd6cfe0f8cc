"""Floating-point sums, added up in the order torch's CPU kernel adds them.

Float addition rounds, so the order of the additions decides the last bits of a sum, and those
bits show: ``torch.tensor([0.1] * 10).sum()`` is 1.0000001 and prints ``tensor(1.0000)``,
where NumPy's order gives exactly 1 (``tensor(1.)``). So picotorch adds in torch's order
(ATen's ``cascade_sum`` in SumKernel.cpp, with x86's AVX2 vectors):

1. The reduction is laid out as torch's TensorIterator lays it out (``_plan``): the reduced
   dims innermost, ordered by their strides, and dims that follow each other in memory merged
   into one. The kernel sees the innermost dim (always a reduced one) and the dim after it.
2. If the innermost dim is contiguous, each row is read in vectors (8 float32, 4 float64,
   16 float16 folded into 8 float32), four vectors at a time into four accumulators; the
   vectors' lanes and the few elements left over are added last, one by one
   (``_row_sums_by_vector``).
3. Otherwise it sums one number at a time: either four interleaved accumulators per sum
   (``_interleaved``), or, where the next dim is contiguous, one accumulator per column
   (``_cascade``).
4. Each accumulator adds its values in chunks of 16 (more for very long sums), the chunks'
   sums in chunks of their own, and so on (``_cascade``): only numbers of a similar size meet.
5. A sum of 32 768 numbers or more is split between torch's threads: into one value, each
   thread sums a share and the shares' sums are added last (``_two_pass``); into several,
   each thread takes a share of the outputs (``_split_outputs``). See ``set_num_threads``.

torch's variances add in orders of their own: a whole tensor's squares one by one in double
(``squared_deviations_sum``), several results by Welford's steps (``welford_squares``).

float16 adds in float32 and rounds to float16 when the result is stored, as torch does (over
reduced dims that do not merge, torch sums a float32 copy and rounds once at the end).
Integer sums are exact in any order and stay with ``np.add.reduce``.

The result is the same on every call, so a plan per shape and layout is worked out once
(``_plan``, cached), and the sum of a small contiguous tensor, the commonest of all, has its
steps written out (``_short_row_sum``): the general path's Python would cost more than the
arithmetic.

A CPU with AVX-512 changes none of this: torch registers its sums (and most kernels) for AVX2
only, and runs those there too (see ``_VECTOR_BYTES``). Its softmax kernels are among the few
with an AVX-512 build, and their sums (``softmax_sums``) read 64-byte vectors there.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from .._fma import fma
from .._memory import non_overlapping_and_dense, sort_dims

_GRAIN_SIZE = 32768  # at::internal::GRAIN_SIZE: a reduction this big is split between threads


# A vector register of torch's sum kernels: 8 float32 or 4 float64, AVX2's 32 bytes, on every
# x86 CPU. Its plain C++ kernels (ATEN_CPU_CAPABILITY=default) use 32-byte vectors too, and so
# do its sums on a CPU with AVX-512: torch builds each kernel for AVX-512 as well, but
# registers that build only for a few ops (softmax along the last dim, some poolings; its
# ALSO_REGISTER_AVX512_DISPATCH), and elsewhere falls back to the AVX2 one (measured with
# torch 2.13 on an AVX-512 CPU: a 64-byte order gives other last bits in most sums).
_VECTOR_BYTES = 32


def _torch_vector_bytes(capability: str, cpu_flags: set[str]) -> int:
    """The width of the vectors of torch's kernels that have an AVX-512 build (its softmax): 64
    bytes where torch runs those, else 32. torch decides as here: the ATEN_CPU_CAPABILITY
    variable if it names one, else the CPU's flags."""
    if capability in ("avx512", "avx2", "default"):
        return 64 if capability == "avx512" else 32
    return 64 if {"avx512vl", "avx512bw", "avx512dq", "fma"} <= cpu_flags else 32


def _cpu_flags() -> set[str]:
    """The CPU's feature flags (Linux's /proc/cpuinfo; elsewhere none are known)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


# a vector register of torch's softmax kernels (measured on CPUs with and without AVX-512)
_SOFTMAX_VECTOR_BYTES = _torch_vector_bytes(os.environ.get("ATEN_CPU_CAPABILITY", ""), _cpu_flags())
_INTERLEAVE = 4  # accumulators per sum (torch's ilp_factor), also vectors per step
_MIN_STEP = 16  # the chunk of _cascade's first level, at least
_FLOAT16 = np.dtype(np.float16)
_FLOAT32 = np.dtype(np.float32)


# --- how many threads torch splits big sums between -------------------------------------------


def _default_threads() -> int:
    """torch's default: the physical cores, or fewer if MKL_NUM_THREADS (or else
    OMP_NUM_THREADS) asks for fewer."""
    cores = _physical_cores()
    for name in ("MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return min(int(value), cores)
    return cores


def _physical_cores() -> int:
    """The CPU's cores, counting a core's hyper-threads once (Linux's /proc/cpuinfo; elsewhere
    the logical CPUs)."""
    cores = set()
    try:
        with open("/proc/cpuinfo") as f:
            physical = ""
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    physical = value.strip()
                elif key == "core id":
                    cores.add((physical, value.strip()))
    except OSError:
        pass
    return len(cores) or os.cpu_count() or 1


_threads = _default_threads()


def get_num_threads() -> int:
    """The number of threads torch would use (picotorch runs on one; the number decides only
    how a big sum is split, so that it rounds as torch's does)."""
    return _threads


def set_num_threads(n: int) -> None:
    """Set the number of threads (see ``get_num_threads``)."""
    global _threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _threads = n


# --- the entry point ---------------------------------------------------------------------------


def float_sum(x: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    """``x`` summed over ``axes`` (sorted; the reduced axes dropped) in torch's order, as
    ``dtype`` (float16, float32 or float64): an array, or a NumPy scalar for a 0-d result.
    ``x`` is first converted to ``dtype``, as torch's ``sum(dtype=...)`` converts its input."""
    if x.dtype is not dtype:
        x = _as_summand(x, dtype)
    if (
        len(axes) == x.ndim
        and _VECTOR_BYTES <= x.nbytes < _SHORT_ROW_BYTES
        and x.flags.c_contiguous
        and dtype is not _FLOAT16
    ):
        return _short_row_sum(x)  # the most common sum of all: a small tensor's
    plan, view = _laid_out(x, axes)
    if x.size == 0:
        return np.zeros(plan.kept, dtype)
    if dtype is _FLOAT16 and plan.reduced > 1:
        # torch sums float16 over two or more reduced dims in float32, rounding once at the
        # end (storing each row's sum as float16 would round it again and again)
        return float_sum(x, axes, _FLOAT32).astype(_FLOAT16)
    if plan.reduced == 0:  # no reduced dim left (all had size 1): a copy, as 0 + x
        sums = _stored(view, dtype)
    elif x.size >= _GRAIN_SIZE and _threads > 1:  # torch splits the work between threads
        if plan.reduced == len(plan.dims):
            sums = _two_pass(view, plan.dims, dtype)
        else:
            sums = _split_outputs(view, plan.dims, dtype)
    else:
        sums = _serial(view, plan.dims, dtype, plan.choice)
    if sums.ndim > 1:  # the view's kept dims are innermost first; torch's result is row-major
        sums = np.ascontiguousarray(sums.T)
    return sums if sums.shape == plan.kept else sums.reshape(plan.kept)


def _laid_out(x: np.ndarray, axes: tuple[int, ...]) -> tuple[_Plan, np.ndarray]:
    """TensorIterator's layout of a reduction of ``x`` over ``axes`` (``_plan``), and ``x``
    viewed as its dims, innermost first."""
    if x.strides and min(x.strides) < 0:  # (NumPy's views can have them; torch's cannot)
        x = np.ascontiguousarray(x)
    plan = _plan(x.shape, x.strides, x.itemsize, axes)
    return plan, x if plan.order is None else x.transpose(plan.order).reshape(plan.view_shape).T


def _as_summand(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``x`` in ``dtype``: torch converts a dense tensor keeping its strides, others into a
    contiguous copy. (Either way a new array, with positive strides.)"""
    if x.dtype == dtype:
        return x
    return (
        x.astype(dtype, order="K")
        if non_overlapping_and_dense(x)
        else np.ascontiguousarray(x, dtype)
    )


# --- 1. the layout ------------------------------------------------------------------------------

Dims = tuple[tuple[int, int, bool], ...]  # (size, stride in elements, reduced?), innermost first


class _Plan(NamedTuple):
    order: tuple[int, ...] | None  # x's axes, outermost dim first (None: x's own order)
    view_shape: tuple[int, ...]  # the dims' sizes, outermost first
    dims: Dims
    reduced: int  # how many of the dims (the first ones) are reduced
    kept: tuple[int, ...]  # the result's shape
    choice: tuple[bool, int]  # the kernel's way of summing these dims (see _choose)


@functools.lru_cache(maxsize=256)
def _plan(
    shape: tuple[int, ...], byte_strides: tuple[int, ...], itemsize: int, axes: tuple[int, ...]
) -> _Plan:
    """TensorIterator's dims for this reduction, after its reordering and its merging of
    adjacent dims; and how to view ``x`` as them: ``x.transpose(order).reshape(view_shape)``
    (outermost first; the merged dims follow each other in memory, so the reshape makes no
    copy)."""
    ndim = len(shape)
    strides = [s // itemsize for s in byte_strides]
    # the output is contiguous over the kept dims and has stride 0 along the reduced ones
    out = [0] * ndim
    step = 1
    for d in reversed(range(ndim)):
        if d not in axes:
            out[d] = step
            step *= shape[d]
    operands = (out, strides)

    def order(d0: int, d1: int) -> int:
        """1: d0 goes after d1; -1: before; 0: no preference (TensorIterator's should_swap)."""
        for i, stride in enumerate(operands):
            s0, s1 = stride[d0], stride[d1]
            if i == 0 and (s0 == 0) != (s1 == 0):
                return 1 if s1 == 0 else -1  # reduced dims go innermost
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return -1 if s0 < s1 else 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = sort_dims(ndim, order)
    merged = [[shape[perm[0]], strides[perm[0]], out[perm[0]]]] if ndim else [[1, 0, 0]]
    for d in perm[1:]:
        n, stride, out_stride = shape[d], strides[d], out[d]
        last = merged[-1]
        follows = last[1] * last[0] == stride and last[2] * last[0] == out_stride
        if n == 1 or last[0] == 1 or follows:
            if last[0] == 1:  # a size-1 dim takes the strides of the dim it merges with
                last[1], last[2] = stride, out_stride
            last[0] *= n
        else:
            merged.append([n, stride, out_stride])
    dims = tuple((n, stride, out_stride == 0 and n > 1) for n, stride, out_stride in merged)
    in_place = perm == list(range(ndim)) and len(dims) == ndim  # the dims are x's own axes
    return _Plan(
        order=None if in_place else tuple(reversed(perm)),
        view_shape=tuple(n for n, _, _ in reversed(dims)),
        dims=dims,
        reduced=sum(reduced for _, _, reduced in dims),
        kept=tuple(n for d, n in enumerate(shape) if d not in axes),
        choice=_choose(dims, itemsize),
    )


# --- 2.-4. the kernel ---------------------------------------------------------------------------


def _serial(view: np.ndarray, dims: Dims, dtype: np.dtype, choice: Any = None) -> Any:
    """One thread's sum of the whole ``view`` (axes: ``dims``, innermost first). The result's
    axes are the kept dims, innermost first."""
    sums = _kernel(view, choice or _choose(dims, view.itemsize))
    if len(dims) == 1 or not dims[1][2]:  # one dim reduced: each sum is one output
        return _stored(sums, dtype)
    # several reduced dims: each output gets several sums, added into it in turn, in the
    # order torch's loops visit them (the innermost of the other reduced dims fastest)
    reduced = sum(r for _, _, r in dims)
    turns = sums.transpose(*range(reduced - 2, -1, -1), *range(reduced - 1, sums.ndim))
    return _add_in_turn(turns.reshape(-1, *sums.shape[reduced - 1 :]), dtype)


def _choose(dims: Dims, itemsize: int) -> tuple[bool, int]:
    """How torch's kernel sums along the innermost dim, given it and the next one: by vectors
    along contiguous rows (True, 0); or one number at a time (False, ``cascaded``), the first
    ``cascaded`` positions along the next dim with one accumulator each (``_cascade``), the
    others with four interleaved ones (``_interleaved``)."""
    size0, stride0, _ = dims[0]
    size1, stride1, _ = dims[1] if len(dims) > 1 else (1, 0, True)
    width = _VECTOR_BYTES // itemsize  # numbers per vector load
    if stride0 == 1 and size0 >= width:  # rows contiguous: read in vectors
        return True, 0
    if stride1 == 1 and size1 >= width:  # columns side by side: vectors across the columns
        lanes = _VECTOR_BYTES // max(itemsize, 4)  # (float16 is added as float32)
        return False, size1 // (_INTERLEAVE * lanes) * (_INTERLEAVE * lanes)
    if stride0 < stride1:
        return False, 0
    return False, size1 // _INTERLEAVE * _INTERLEAVE  # four columns at a time


def _kernel(block: np.ndarray, choice: tuple[bool, int]) -> np.ndarray:
    """The sums of ``block`` along its first axis (the innermost dim), one per position along
    the others, in torch's order (``choice``: see ``_choose``), in the accumulation dtype."""
    by_rows, cascaded = choice
    if by_rows:
        rows = block.T.reshape(-1, block.shape[0])
        return _row_sums_by_vector(rows).reshape(block.shape[:0:-1]).T
    columns = block if block.dtype is not _FLOAT16 else block.astype(_FLOAT32)
    if cascaded == 0:
        return _interleaved(columns)
    if cascaded == block.shape[1]:
        return _cascade(columns)
    return np.concatenate((_cascade(columns[:, :cascaded]), _interleaved(columns[:, cascaded:])))


# a row shorter than this has fewer than _MIN_STEP vectors per accumulator: no chunks
_SHORT_ROW_BYTES = _VECTOR_BYTES * _INTERLEAVE * _MIN_STEP


# --8<-- [start:short_row]
def _short_row_sum(x: np.ndarray) -> Any:
    """``_row_sums_by_vector`` for a contiguous float32/float64 tensor read as one row, of at
    least one vector and too short for ``_cascade``'s chunks, written out: the sum of a small
    tensor (a loss, ``x.sum()``) would otherwise spend several times the arithmetic in the
    general path's Python.

    (NumPy's reduce along the first axis adds its lines in order, one after another;
    ``accumulate`` adds strictly left to right. NumPy's own ``sum`` of a row adds pairwise.)"""
    width = _VECTOR_BYTES // x.itemsize  # numbers per vector: 8 float32, 4 float64
    turn = _INTERLEAVE * width  # the numbers of one vector for each accumulator
    if x.size % turn == 0:  # (an 8x8 float32, say) whole turns, nothing left over
        turns = x.reshape(-1, _INTERLEAVE, width)
        if len(turns) <= 2:  # (up to 64 float32: indexing and one addition cost half a reduce)
            accumulators = turns[0] if len(turns) == 1 else turns[0] + turns[1]
        else:
            accumulators = np.add.reduce(turns, 0)
        lanes = np.add.reduce(accumulators, 0)
    else:
        row = x.reshape(-1)
        count = len(row) // width  # whole vectors
        full = count - count % _INTERLEAVE  # those the four accumulators take in turn
        if full:
            accumulators = np.add.reduce(row[: full * width].reshape(-1, _INTERLEAVE, width), 0)
            for i in range(full, count):  # the leftover vectors go to the first accumulator
                accumulators[0] += row[i * width : (i + 1) * width]
            lanes = np.add.reduce(accumulators, 0)
        else:
            lanes = np.add.reduce(row[: count * width].reshape(count, width), 0)
        if count * width < len(row):  # the leftover numbers first, then each lane in turn
            lanes = np.concatenate((row[count * width :], lanes))
    # (+ 0.0: torch adds the sum into an output that starts at 0, so a sum of -0. is 0.)
    return np.add.accumulate(lanes)[-1] + 0.0


# --8<-- [end:short_row]


def _row_sums_by_vector(rows: np.ndarray) -> np.ndarray:
    """The sums of contiguous rows (``rows``: one per line), read in vectors: four accumulator
    vectors take every fourth vector, and their lanes are added up after the leftover
    numbers."""
    n_rows, n = rows.shape
    width = _VECTOR_BYTES // rows.itemsize
    count = n // width
    vectors = rows[:, : count * width].reshape(n_rows, count, width)
    if rows.dtype is _FLOAT16:  # 16 halves fold into 8 float32 lanes: neighbours added
        pairs = vectors.reshape(n_rows, count, width // 2, 2).astype(_FLOAT32)
        vectors = pairs[..., 0] + pairs[..., 1]
    lanes = _interleaved(vectors.transpose(1, 0, 2))  # (rows, lanes)
    if count * width < n:  # the leftovers first, then each lane in turn
        lanes = np.concatenate([rows[:, count * width :].astype(lanes.dtype), lanes], axis=1)
    return _in_order(lanes.T)


def _interleaved(values: np.ndarray) -> np.ndarray:
    """Sums over axis 0 with four accumulators: values 0, 4, 8, ... into the first, 1, 5, ...
    into the second, and so on; the leftover values into the first; then the four added."""
    n = len(values)
    full = n // _INTERLEAVE * _INTERLEAVE
    if full == 0:
        return _in_order(values)
    groups = (values if full == n else values[:full]).reshape(-1, _INTERLEAVE, *values.shape[1:])
    accumulators = _cascade(groups)
    if full == n:
        return _in_order(accumulators)
    first = _in_order(np.concatenate([accumulators[:1], values[full:]]))
    return first + accumulators[1] + accumulators[2] + accumulators[3]


def _cascade(values: np.ndarray, levels: int = 4, step: int = 0) -> np.ndarray:
    """Sums over axis 0 in chunks (torch's multi_row_sum): the values are added in order,
    ``step`` at a time, into an accumulator; each time it is full it is added into the next
    level's accumulator, which is added into the next when that has taken ``step``, and so on,
    ``levels`` levels; the values left over at each level are added up last, lowest first."""
    n = len(values)
    step = step or max(_MIN_STEP, 1 << (_ceil_log2(n) // levels))
    if n <= step:  # (most sums: a single chunk)
        return _in_order(values)
    total = None
    level = values
    for depth in range(levels):
        count = len(level)
        full = count // step * step if depth < levels - 1 else 0  # (the top level takes all)
        if full < count:  # values left over at this level
            part = _in_order(level[full:] if full else level)
            total = part if total is None else total + part
        if not full:
            break
        chunks = (level[:full] if full < count else level).reshape(-1, step, *level.shape[1:])
        level = _in_order(chunks, axis=1)  # each chunk's sum: the next level's values
    assert total is not None
    return total


def _ceil_log2(n: int) -> int:
    return (n - 1).bit_length() if n > 1 else 0


def _in_order(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """``values[0] + values[1] + ...`` along ``axis`` (0 or 1), strictly left to right. (NumPy
    adds in order along an axis that is not the innermost in memory; along the innermost one it
    adds pairwise, so a lone column goes through ``accumulate``, which is in order by
    definition.)"""
    n = values.shape[axis]
    if n <= 1:
        return values.take(0, axis) if n else np.add.reduce(values, axis)  # (of nothing: 0)
    if values.ndim == 1:
        return np.add.accumulate(values)[-1]
    if values.size == (n * values.shape[0] if axis else n):  # a single column
        return np.add.accumulate(values, axis).take(-1, axis)
    if not values.flags.c_contiguous:
        values = np.ascontiguousarray(values)
    return np.add.reduce(values, axis)


def _add_in_turn(sums: np.ndarray, dtype: np.dtype) -> Any:
    """``0 + sums[0] + sums[1] + ...``, each partial result stored in ``dtype``: several calls
    of the kernel adding into the same outputs."""
    if dtype is _FLOAT16:  # each store rounds to float16
        out = np.zeros(sums.shape[1:], _FLOAT16)
        for part in sums:
            out = (out.astype(_FLOAT32) + part).astype(_FLOAT16)
        return out
    return _stored(_in_order(sums), dtype)


def _stored(sums: Any, dtype: np.dtype) -> Any:
    """``sums`` as torch stores them: added into an output that starts at 0 (so a sum of -0.
    is 0.), in the output's dtype."""
    out = sums + 0.0  # (a Python float keeps the array's dtype)
    return out if out.dtype is dtype else out.astype(dtype)


# --- 5. threads ---------------------------------------------------------------------------------


def _two_pass(view: np.ndarray, dims: Dims, dtype: np.dtype) -> Any:
    """torch's two-pass reduction: the elements (in iteration order) are cut into one share per
    thread, each thread sums its share into its own slot, and the slots are summed last."""
    slots = np.zeros(_threads, dtype)
    numel = view.size
    used = min(_threads, -(-numel // _GRAIN_SIZE))
    share = -(-numel // used)
    for t in range(used):
        slots[t] = _share(view, dims, t * share, min(numel, (t + 1) * share), dtype)
    return float_sum(slots, (0,), dtype)


def _share(view: np.ndarray, dims: Dims, begin: int, end: int, dtype: np.dtype) -> Any:
    """One thread's sum of elements ``begin:end`` (in iteration order, innermost dim fastest)."""
    if len(dims) == 1:
        return _serial(view[begin:end], ((end - begin, dims[0][1], True),), dtype)
    out = np.zeros((), dtype)
    for block in _blocks(view, begin, end):
        step0, step1 = block.shape
        block_dims = ((step0, dims[0][1], True), (step1, dims[1][1], True))
        sums = _kernel(block, _choose(block_dims, view.itemsize))
        out = _add_in_turn(np.concatenate([[out], sums.reshape(-1)]), dtype)
    return out


def _blocks(view: np.ndarray, begin: int, end: int) -> Iterator[np.ndarray]:
    """Elements ``begin:end`` of ``view`` (in iteration order, innermost dim first), in the
    blocks torch's DimCounter hands its loop one after another: the rest of a row, then whole
    rows up to the end of the next dim, and so on. Each block is 2-d (rows, row count)."""
    sizes = view.shape if view.ndim > 1 else (view.size, 1)
    view = view.reshape(sizes)
    offset = begin
    while offset < end:
        index, rest = [], offset  # where element ``offset`` is, innermost dim first
        for n in sizes:
            rest, i = divmod(rest, n)
            index.append(i)
        step0 = min(sizes[0] - index[0], end - offset)
        step1 = 1
        if step0 == sizes[0]:
            step1 = min(sizes[1] - index[1], (end - offset) // sizes[0])
        rows = slice(index[0], index[0] + step0)
        yield view[(rows, slice(index[1], index[1] + step1), *index[2:])]
        offset += step0 * step1


def squared_deviations_sum(x: np.ndarray, mean: float) -> np.float64:
    """``((x - mean) ** 2).sum()`` over all of ``x`` (float32 or float64) as torch's variance of
    a whole tensor adds it (``std_var_all_cpu``): in double, one square after another in
    iteration order, each block the DimCounter hands over summed on its own first; over 32 768
    elements, each thread takes a share, and the shares' sums are added last."""
    _, view = _laid_out(x, tuple(range(x.ndim)))
    numel = x.size
    used = 1 if numel <= _GRAIN_SIZE else min(_threads, -(-numel // _GRAIN_SIZE))
    share = -(-numel // used)
    total = np.float64(0)
    for t in range(used):
        thread_sum = np.float64(0)
        for block in _blocks(view, t * share, min(numel, (t + 1) * share)):
            deviations = block.T.reshape(-1).astype(np.float64) - mean  # (in iteration order)
            thread_sum += np.add.accumulate(deviations * deviations)[-1]  # one after another
        total += thread_sum
    return total


def norm_sums(x: np.ndarray, axes: tuple[int, ...], squares: bool) -> np.ndarray:
    """The sums inside torch's 2-norm (``squares``: of ``x * x``, each product rounded) or
    1-norm (of ``|x|``) over ``axes`` (sorted; dropped from the result), in the order torch's
    norm kernels add them, which depends on ``x``'s layout (float16 in float32, as torch):

    - a 2-norm of float32 or float64 along one contiguous dim (after TensorIterator merges
      dims), torch's vectorised kernel: a row into one accumulator vector, a vector at a time;
      its lanes one after another; then the leftover numbers, their products fused with the
      additions (but for float32's first four when there are four or more, which the compiled
      loop multiplies four at a time: measured);
    - otherwise one element after another in iteration order; a single sum over 32 768
      elements is cut into one share per thread, and the shares' sums are added last."""
    plan, view = _laid_out(x, axes)
    count = view.size // math.prod(plan.kept) if view.size else 0
    steps = view.reshape(count, -1, order="F")  # a row per element, a column per output
    _, stride, reduced = plan.dims[0]  # the innermost dim
    if squares and plan.reduced == 1 and reduced and stride == 1 and x.dtype != _FLOAT16:
        return _norm_rows(steps.T).reshape(plan.kept)
    steps = steps.astype(_FLOAT32) if x.dtype == _FLOAT16 else steps
    steps = steps * steps if squares else np.abs(steps)
    if steps.shape[1] > 1 or count <= _GRAIN_SIZE or _threads == 1:
        return _in_order(steps).reshape(plan.kept)
    used = min(_threads, -(-count // _GRAIN_SIZE))
    share = -(-count // used)
    shares = [_in_order(steps[t * share : (t + 1) * share]) for t in range(used)]
    return _in_order(np.concatenate([np.zeros(1, steps.dtype), *shares])).reshape(plan.kept)


def _norm_rows(rows: np.ndarray) -> np.ndarray:
    """The sums of squares of ``rows`` (2-d) as torch's vectorised 2-norm adds a row."""
    width = _VECTOR_BYTES // rows.itemsize
    n = rows.shape[1]
    full = n - n % width
    vectors = rows[:, :full].reshape(len(rows), full // width, width)
    lanes = _in_order((vectors * vectors).transpose(1, 2, 0))  # (lanes, rows)
    total = _in_order(lanes) if full else np.zeros(len(rows), rows.dtype)
    unfused = 4 if rows.dtype == _FLOAT32 and n - full >= 4 else 0
    for k in range(full, n):
        column = rows[:, k]
        fused = k >= full + unfused
        total = fma(column, column, total) if fused else total + column * column
    return total


def welford_squares(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The sums of squared deviations from the mean over ``axes`` (sorted; dropped from the
    result), for float64 ``x`` with more than one output, as torch's variance kernel computes
    them (``WelfordOps``): one element after another in iteration order, each step updating the
    running mean and the running sum of squares. (The steps go one by one, so this costs a few
    NumPy calls per element of a reduction; it works on all the outputs at once.)"""
    plan, view = _laid_out(x, axes)
    count = view.size // math.prod(plan.kept)
    steps = view.reshape(count, -1, order="F")  # a row per step, a column per output
    mean = np.zeros(steps.shape[1])
    squares = np.zeros(steps.shape[1])
    for k, row in enumerate(steps):
        delta = row - mean
        mean += delta / (k + 1)
        squares += delta * (row - mean)
    return squares.reshape(plan.kept)


def _split_outputs(view: np.ndarray, dims: Dims, dtype: np.dtype) -> np.ndarray:
    """torch's parallel_dim_reduction: the outputs are shared out between the threads along one
    kept dim (the outermost with at least one index per thread), and each thread sums its
    share on its own. A share starts on a 128-byte boundary if that dim is contiguous. (It
    matters: the kernel picks its accumulators by position within a thread's share.)"""
    reduced = sum(r for _, _, r in dims)
    split = len(dims) - 1
    for d in range(len(dims) - 1, reduced - 1, -1):
        if dims[d][0] >= _threads:
            split = d
            break
        if dims[d][0] > dims[split][0]:
            split = d
    size, stride, _ = dims[split]
    threads = min(_threads, size)
    share = -(-size // threads)
    multiple = 128 // view.itemsize if stride == 1 else 1
    out = np.empty(view.shape[reduced:], dtype)
    for t in range(threads):
        begin, end = t * share, min(size, (t + 1) * share)
        begin -= begin % multiple
        if end != size:
            end -= end % multiple
        if begin >= end:
            continue
        part = view[(slice(None),) * split + (slice(begin, end),)]
        part_dims = (*dims[:split], (end - begin, stride, False), *dims[split + 1 :])
        out[(slice(None),) * (split - reduced) + (slice(begin, end),)] = _serial(
            part, part_dims, dtype
        )
    return out


# --- nll_loss's own order -----------------------------------------------------------------------

_NLL_LEVELS = 8


def nll_total(values: np.ndarray, skipped: np.ndarray | None = None) -> Any:
    """The sum of ``values`` (the samples' losses, or their weights, in sample order) as torch's
    nll_loss adds them (LossNLL.cpp): into eight accumulators, one per level; after each sample
    whose index is a multiple of ``step``, the levels that are full are carried up, so the
    first sample (index 0) goes straight to the top; at the end the levels are added, lowest
    first. A ``skipped`` sample (its target is ``ignore_index``) neither adds nor carries."""
    n = len(values)
    step = 1 << max(4, _ceil_log2(n) // _NLL_LEVELS)
    zero = values.dtype.type(0)
    if skipped is not None:
        return _nll_total_one_by_one(values, skipped, step)
    if n == 0:
        return zero
    # the first sample at the top; the others in chunks of ``step`` (carried up as _cascade's
    # are, its top level taking what the top two levels here take: equal below step ** 7)
    rest = _cascade(values[1:], _NLL_LEVELS - 1, step) if n > 1 else zero
    return zero + rest + values[0]


def _nll_total_one_by_one(values: np.ndarray, skipped: np.ndarray, step: int) -> Any:
    """``nll_total`` with samples skipped: torch's loop, written out (ignore_index is rare)."""
    levels = [values.dtype.type(0)] * _NLL_LEVELS
    power = step.bit_length() - 1
    for b, (value, skip) in enumerate(zip(values, skipped, strict=True)):
        if skip:
            continue
        levels[0] = levels[0] + value
        for j in range(_NLL_LEVELS - 1):
            if b & ((step - 1) << (j * power)):
                break
            levels[j + 1] = levels[j + 1] + levels[j]
            levels[j] = values.dtype.type(0)
    total = values.dtype.type(0)
    for level in levels:
        total = total + level
    return total


# --- softmax's orders ---------------------------------------------------------------------------


def softmax_sums(
    x: np.ndarray, axis: int, factors: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """The sums along ``axis`` (kept as a dim of 1) that torch's softmax and log_softmax kernels
    (SoftMaxKernel.cpp), forward and backward, add: along the last dim in vectors
    (``_vector_sums``), along another dim strictly in order from the first.

    ``factors``: ``x`` is their product (softmax's backward). On one thread (``set_num_threads``)
    torch's compiled kernel adds the leftover float32 products as fused multiply-adds (measured:
    on more threads it does not, nor for float64)."""
    if x.ndim == 0:
        return x
    if axis != x.ndim - 1:
        return np.expand_dims(_in_order(np.moveaxis(x, axis, 0)), axis)
    fused = factors if factors is not None and _threads == 1 else ()
    if x.ndim == 2:  # (the commonest: a batch of rows)
        return _vector_sums(x, *fused)[:, None]
    rows, n = math.prod(x.shape[:-1]), x.shape[-1]  # (rows, not -1: a row may be empty)
    return _vector_sums(*(a.reshape(rows, n) for a in (x, *fused))).reshape(*x.shape[:-1], 1)


def _vector_sums(rows: np.ndarray, *factors: np.ndarray) -> np.ndarray:
    """The sums of ``rows`` (2-d) as ATen's ``vec::reduce_all`` adds a row: a row shorter than a
    vector left to right; a longer one into one accumulator vector, a vector at a time, the
    leftover numbers into its first lanes; then its lanes: float32's by halves (AVX's shuffles:
    lane i and lane i + 4, then i + 2, then i + 1; with AVX-512, i + 8 first), float64's one
    after another. (torch's softmax kernels: their vectors are as wide as the CPU's.)

    (The lanes are held one per line, the rows' sums side by side: for the small batches of
    a training step each NumPy call costs more than its arithmetic, and whole lines are the
    cheapest to add.)"""
    width = _SOFTMAX_VECTOR_BYTES // rows.itemsize
    n = rows.shape[1]
    if n < width:
        return _in_order(rows.T)
    full = n - n % width
    if full == width:
        lanes = rows[:, :width].T.copy()
    else:  # (vectors, lanes, rows): the vectors added in turn
        vectors = rows[:, :full].reshape(len(rows), full // width, width)
        lanes = _in_order(vectors.transpose(1, 2, 0))
    if full < n and factors and rows.dtype == np.float32:  # x * y + lane, rounded once
        a, b = (f[:, full:].T for f in factors)
        lanes[: n - full] = fma(a, b, lanes[: n - full])
    elif full < n:
        lanes[: n - full] += rows[:, full:].T
    if rows.dtype == np.float64:
        return _in_order(lanes)
    while width > 1:
        width //= 2
        lanes = lanes[:width] + lanes[width:]
    return lanes[0]
