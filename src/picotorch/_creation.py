"""Making tensors: from Python data, from NumPy, from another tensor (``*_like``), from a shape."""

from __future__ import annotations

import builtins
import functools
import itertools
import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import _dtype, _random
from ._device import check_device, check_placement, device_arg
from ._dtype import check_fits, dtype, fitted, type_name, wrapped
from ._memory import empty_laid_out_like, first_byte
from ._memory_format import (
    check_memory_format_kind,
    contiguous_format,
    laid_out,
    memory_format_arg,
    preserve_format,
)
from ._out import check_out, resize_out, write_out
from ._size import (
    INT64_MAX,
    INT64_MIN,
    NUMBERS,
    bool_arg,
    check_int64,
    check_int_tuple_kind,
    check_number_kind,
    check_python_int,
    int_tuple,
    invalid_combination,
    non_negative,
    number_arg,
    one_int_tuple,
    parsed_int,
    storage_bytes,
    type_name_of,
)
from ._tensor import Tensor


def _finish(data: np.ndarray, requires_grad: bool, out: Tensor | None = None) -> Tensor:
    """Wrap a new array, or write it into ``out`` (resized without a warning, as torch's
    factories resize); ``requires_grad=True`` needs a float dtype (torch's message here
    differs from the one ``requires_grad_()`` gives)."""
    return _requiring_grad(
        Tensor._make(data) if out is None else write_out(out, data, factory=True), requires_grad
    )


@contextmanager
def _allocating(
    shape: tuple[int, ...], dt: dtype, out: Tensor | None, *, resized: bool = False
) -> Iterator[None]:
    """Around a factory's allocation of a tensor of ``shape`` and ``dt``: torch's checks of its
    size first (``storage_bytes``; ``out`` is resized); memory that is not there is torch's
    RuntimeError, where NumPy raises its MemoryError (``torch.zeros(2**40)``), or its ValueError
    for an array too big to exist (``linspace``'s int64 index of 2**60 values, where the float32
    result would fit torch's checks)."""
    nbytes = storage_bytes(shape, dt.itemsize, resized=resized or out is not None)
    try:
        yield
    except (MemoryError, ValueError) as error:
        # (an empty tensor too big for NumPy to describe, ``zeros(0, 2**31, 2**31)``, which torch
        # makes, stays NumPy's ValueError: picotorch cannot hold it)
        if isinstance(error, ValueError) and not (nbytes and _TOO_BIG in str(error)):
            raise
        raise RuntimeError(
            "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate "
            f"memory: you tried to allocate {nbytes} bytes. Error code 12 (Cannot allocate "
            "memory)"
        ) from None


_TOO_BIG = "array is too big"  # (NumPy's ValueError)


def _requiring_grad(t: Tensor, requires_grad: bool | None) -> Tensor:
    """``requires_grad=`` of a factory (None: False, as torch's parser reads it)."""
    if requires_grad is None:
        return t
    if bool_arg(requires_grad, None, "requires_grad"):  # (torch names the function too)
        if not t._dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad_(True)
    return t


def _is_seq(x: Any) -> bool:
    return isinstance(x, (list, tuple))


def _is_row(x: Any) -> bool:
    """A list, a tuple, or an ndarray of one or more dims: what torch reads as a row."""
    return isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim > 0)


def _grid_shape(data: Any) -> list[int]:
    """The shape torch reads off nested rows (any sequence, a string too; not a tensor): each
    depth's length is its first row's, down to a row of no element. (A string's first
    character is a string again: such a shape goes on until torch's limit of 128 dims.)"""
    shape, first = [], data
    while isinstance(first, _ROWS) or (isinstance(first, np.ndarray) and first.ndim):
        shape.append(len(first))
        if not shape[-1] or len(shape) > _MAX_DIMS:
            break
        first = first[0]
    return shape


_ROWS = (list, tuple, range, bytearray, bytes, str)
_MAX_DIMS = 128


def _ragged_error(data: Any) -> Exception:
    """torch's error for nested lists that are not a grid: the shape is read off the first
    element at each depth; a row of another length is a ValueError naming its dim, a number
    where a row should be (or a row where a number should be) a TypeError."""
    shape, first = [], data
    while _is_row(first):
        shape.append(len(first))
        if not len(first):
            break
        first = first[0]

    def walk(seq: Any, dim: int) -> Exception | None:
        if not _is_row(seq):
            return TypeError("not a sequence")
        if len(seq) != shape[dim]:
            return ValueError(
                f"expected sequence of length {shape[dim]} at dim {dim} (got {len(seq)})"
            )
        for x in seq:
            if dim + 1 < len(shape):
                err = walk(x, dim + 1)
                if err:
                    return err
            elif isinstance(x, np.ndarray) and x.ndim:
                return TypeError("only 0-dimensional arrays can be converted to Python scalars")
            elif _is_seq(x):
                if isinstance(first, builtins.float):
                    return TypeError(f"must be real number, not {type(x).__name__}")
                return TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
        return None

    return walk(data, 0) or ValueError("could not convert the nested sequence into a tensor")


def _wide_numbers(arr: np.ndarray, target: dtype | None) -> np.ndarray:
    """An ``object`` array of numbers, some of them ints beyond int64 (NumPy's reason for
    ``object``), read as torch reads each number: as a double for a floating dtype (``target``,
    or the default one where a float is among the numbers), as a bool for bool. An integer
    dtype holds no such int: torch's ValueError (see ``_object_error``)."""
    items = arr.ravel().tolist()
    numbers = all(isinstance(x, builtins.int | builtins.float | np.number) for x in items)
    floaty = any(isinstance(x, builtins.float | np.floating) for x in items)
    wide_ok = floaty if target is None else target._kind != 1  # (a float or bool dtype)
    if not numbers or not wide_ok:
        raise _object_error(arr, target, wide_ok)
    if target is _dtype.bool:
        return np.array([builtins.bool(x) for x in items]).reshape(arr.shape)
    return np.array([builtins.float(x) for x in items]).reshape(arr.shape)


def _object_error(arr: np.ndarray, target: dtype | None = None, wide_ok: bool = False) -> Exception:
    """Why NumPy could only make an ``object`` array: a non-number (which torch cannot infer a
    dtype from; given the dtype, cannot convert to it), or an int too big for int64 where the
    dtype is an integer one (``wide_ok``: it is not). Given the dtype, torch converts the values
    in order, the first bad one its error; without, it infers the dtype from them all first."""
    values = list(arr.flat)
    if target is None:  # (the non-numbers first)
        values.sort(key=lambda x: isinstance(x, (builtins.int, builtins.float, np.generic)))
    for x in values:
        if isinstance(x, builtins.int) and not INT64_MIN <= x <= INT64_MAX and not wide_ok:
            return ValueError("Overflow when unpacking long long")
        if not isinstance(x, (builtins.int, builtins.float, np.generic)):
            name = "torch.dtype" if isinstance(x, dtype) else type(x).__name__  # (C's names)
            if target is None:
                return RuntimeError(f"Could not infer dtype of {name}")
            if target.is_floating_point:
                return TypeError(f"must be real number, not {name}")
            return TypeError(f"'{name}' object cannot be interpreted as an integer")
    return TypeError("could not convert the data into a tensor")


def _refuse_numpy_non_integers(types: set[type], target: dtype) -> None:
    """torch reads each number for an integer or bool dtype as Python's int: a NumPy float
    that is no Python float (float32, float16, unlike float64) is its TypeError, and so is a
    NumPy bool for an integer dtype."""
    for t in types:
        if (issubclass(t, np.floating) and not issubclass(t, builtins.float)) or (
            t is np.bool_ and target is not _dtype.bool
        ):
            raise TypeError(
                f"'numpy.{np.dtype(t).name}' object cannot be interpreted as an integer"
            )


def _checked_cast(arr: np.ndarray, target: dtype, c_name: str | None = None) -> np.ndarray:
    """Python numbers converted to ``target`` as torch converts them: a value that does not fit
    an integer dtype is an error rather than wrapped around (but an int down to ``-max`` is
    allowed for uint8, where ``-1`` wraps to 255, as in C). ``c_name``: the type as the error
    names it (``uint8_t`` for some ops), if not the dtype's name."""
    if target._kind == 1:  # an integer dtype (bool and float take any number)
        info = np.iinfo(target.name)
        if arr.dtype.kind == "f":  # a float must fit as it is (NaN fits nowhere)
            fits = (arr >= info.min) & (arr <= info.max)
        else:
            low = -info.max if info.min == 0 else info.min
            fits = (arr >= low) & (arr <= info.max)
        if not np.all(fits):
            raise RuntimeError(
                f"value cannot be converted to type {c_name or target.name} without overflow"
            )
    return arr.astype(target.numpy)  # too large for float16: inf, as in torch


# --8<-- [start:tensor]
def _infer_array(data: Any, dtype: dtype | None = None) -> np.ndarray:
    """Python data as a new ndarray of ``dtype``, or else of the dtype torch infers.

    Python floats become the default dtype (float32), ints int64 and bools bool; an
    ndarray keeps its own dtype (a float64 array stays float64), and so do NumPy numbers
    and 0-d tensors, promoted with the rest (``[np.float64(1), 2.5]`` is float64).
    """
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)  # TypeError for dtypes torch has no equivalent of
        _check_strides(data)
        _check_byte_order(data)
        return data.copy(order="K") if dtype is None else data.astype(dtype.numpy)
    shape = _grid_shape(data)
    if 0 in shape:  # nothing to store: torch reads no row's length and no value (but infers
        return np.zeros(shape, (dtype or _promoted_dtype(data)).numpy)  # a dtype from them all)
    types = _value_types(data)
    if np.ndarray in types:
        _check_arrays_in_a_list(data)
    if dtype is not None and not dtype.is_floating_point:
        _refuse_numpy_non_integers(types, dtype)
    if any(issubclass(t, Tensor) for t in types):
        data = _tensors_as_numbers(data, dtype)
    try:
        arr = np.array(data)
    except ValueError:
        raise _ragged_error(data) from None
    if arr.dtype == object:
        arr = _wide_numbers(arr, dtype)
    kind = arr.dtype.kind
    if kind in "US":
        first = data
        while _is_seq(first) and first:
            first = first[0]
        if isinstance(first, str) and arr.ndim:  # torch reads a string as a sequence, too deep
            raise ValueError("too many dimensions 'str'")
        raise TypeError("new(): invalid data type 'str'")
    if kind not in "biuf":
        raise TypeError(f"new(): invalid data type '{arr.dtype.name}'")
    typed = not types <= _PYTHON_NUMBERS  # NumPy values, tensors: own dtypes
    if builtins.int in types and kind in "uf":
        # NumPy's way out for an int beyond int64 (uint64 for 2**63, float64 for [0, 2**63]):
        # torch takes it as a number for a float or bool dtype, given or inferred, no other
        if dtype is not None:
            taken = dtype._kind != 1
        else:
            taken = _promoted_dtype(data).is_floating_point if typed else builtins.float in types
        if not taken and _has_wide_int(data):
            raise ValueError("Overflow when unpacking long long")
    if dtype is not None:
        return _checked_cast(arr, dtype)
    if typed:
        inferred = _promoted_dtype(data)
        if not inferred.is_floating_point:  # (a NumPy bool in ints: as for an integer dtype)
            _refuse_numpy_non_integers(types, inferred)
        return arr.astype(inferred.numpy)
    if kind == "f":
        return arr.astype(_dtype.get_default_dtype().numpy)
    if kind in "iu":
        return arr.astype(np.int64)
    return arr


def tensor(
    data: Any,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, nested lists, an ndarray, a tensor).

    >>> torch.tensor([[1, 2], [3, 4]]).dtype
    torch.int64
    """
    dtype = _dtype.resolve(dtype, "tensor")
    place = device_arg(device)  # (its kind and name now, the CPU check once data is read)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        arr = data._data.copy(order="K") if dtype is None else data._data.astype(dtype.numpy)
    elif isinstance(data, (bytes, bytearray)):  # (torch reads a bytearray as its ints)
        if isinstance(data, bytes):
            raise TypeError("new(): invalid data type 'bytes'")
        arr = _infer_array(list(data), dtype)
    else:
        arr = _infer_array(data, dtype)
    check_placement(place)
    bool_arg(requires_grad, "tensor", "requires_grad")  # (None too: tensor() has none for it)
    return _finish(arr, requires_grad)


# --8<-- [end:tensor]


_PYTHON_NUMBERS = frozenset({builtins.bool, builtins.int, builtins.float})
_SEQUENCES = frozenset({list, tuple, range})


def _value_types(data: Any) -> set[type]:
    """The types of the values in nested lists (and of any value found beside a list), level
    by level: ``map`` and ``chain`` loop in C, so this costs little next to ``np.array``."""
    level = [data]
    while level:
        types = set(map(type, level))
        if not types <= _SEQUENCES:  # (a subclass, as a namedtuple, counts as a value here)
            return types
        level = list(itertools.chain.from_iterable(level))
    return set()


def _has_wide_int(data: Any) -> bool:
    """Whether nested lists hold a Python int beyond int64."""
    if isinstance(data, (list, tuple)):
        return any(map(_has_wide_int, data))
    return type(data) is builtins.int and not INT64_MIN <= data <= INT64_MAX


def _check_arrays_in_a_list(data: Any) -> None:
    """ndarrays inside a list: torch warns (once per process) that this is slow; it reads the
    shape off the first element at each depth, taking a 0-d array's length there (an error)."""
    global _warned_arrays_in_a_list
    if not _warned_arrays_in_a_list:
        _warned_arrays_in_a_list = True
        warnings.warn(
            "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider "
            "converting the list to a single numpy.ndarray with numpy.array() before converting "
            "to a tensor. (Triggered internally at "
            "/__w/pytorch/pytorch/torch/csrc/utils/tensor_new.cpp:252.)",
            UserWarning,
            stacklevel=4,
        )
    first = data
    while _is_row(first) and len(first):
        first = first[0]
        if isinstance(first, np.ndarray) and first.ndim == 0:
            raise TypeError("len() of unsized object")


_warned_arrays_in_a_list = False


def _tensors_as_numbers(data: Any, target: dtype | None) -> Any:
    """Nested lists with each tensor in them read as a number of its own dtype, as torch reads
    them: a tensor of one element (of any shape), warning as ``float()`` does if it requires
    grad. For an integer or bool ``target`` dtype, torch reads it as an index: it must be an
    integer tensor. (``np.array`` would call each tensor's ``__array__``, which refuses such a
    tensor.)"""
    if isinstance(data, (list, tuple)):
        return [_tensors_as_numbers(x, target) for x in data]
    if not isinstance(data, Tensor):
        return data
    floaty = data._dtype.is_floating_point if target is None else target.is_floating_point
    if floaty:
        data._warn_if_read_as_number()
    if floaty and data._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    if not floaty and (data._data.size != 1 or data._dtype.is_floating_point):
        raise TypeError("only integer tensors of a single element can be converted to an index")
    return data._data.reshape(())[()]  # a NumPy number: it keeps the tensor's dtype


def _promoted_dtype(data: Any) -> dtype:
    """torch's dtype for data (its ``infer_scalar_type``): each value's own dtype (a Python
    number's as in ``scalar_dtype``: ``2.5`` is float32; a row of nothing the default dtype),
    all promoted together, so ``[np.float32(1), 2]`` is float32 and ``[2, np.float16(1)]``
    float16. A string is torch's TypeError, any other object its RuntimeError."""
    if isinstance(data, Tensor):
        return data._dtype
    if isinstance(data, (np.ndarray, np.generic)):
        return _dtype.from_numpy_dtype(data.dtype)
    if isinstance(data, (str, bytes, complex)):  # (picotorch has no complex dtypes)
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, (list, tuple, range, bytearray)):
        if not data:
            return _dtype.get_default_dtype()
        return functools.reduce(_dtype.promote_types, map(_promoted_dtype, data))
    if isinstance(data, (builtins.bool, builtins.int, builtins.float)):
        return _dtype.scalar_dtype(data)  # (an int beyond int64 too: see _wide_numbers)
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def as_tensor(data: Any, dtype: dtype | None = None, device: Any = None) -> Tensor:
    """Like ``tensor``, but shares memory with an ndarray or tensor when no conversion is needed."""
    dtype = _dtype.resolve(dtype, "as_tensor")
    if isinstance(data, Tensor):
        check_device(device)
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype.numpy == data.dtype):
        check_device(device)
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


# --8<-- [start:from_numpy]
def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor that *is* the array's memory: same dtype, and a write on one side shows in both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)  # TypeError for dtypes torch has no equivalent of
    _check_strides(ndarray)
    _check_byte_order(ndarray)
    # no copy: the tensor wraps the very same buffer, which for torch starts at its first
    # element (storage_offset() is 0, even for a slice of a bigger array)
    return Tensor._make(ndarray, [0, first_byte(ndarray)])


# --8<-- [end:from_numpy]


def _check_strides(ndarray: np.ndarray) -> None:
    """torch's refusal of an array with a negative stride (``a[::-1]``), in ``from_numpy`` and
    in ``tensor`` too."""
    if builtins.any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a "
            "copy of your array  with array.copy().) "
        )


def _check_byte_order(ndarray: np.ndarray) -> None:
    """torch's refusal of an array whose numbers are stored in the other byte order (``'>f4'``
    on a little-endian machine), in ``from_numpy`` and ``tensor``. (A list holding such an
    array is read number by number, as any list: that works.)"""
    if not ndarray.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. Conversion "
            "between byte orders is currently not supported."
        )


# --8<-- [start:factories]
def _factory(
    name: str,
    sizes: tuple[Any, ...],
    size: Any,
    dtype: Any,
    device: Any,
    out: Tensor | None,
    memory_format: Any = contiguous_format,
) -> tuple[tuple[int, ...], dtype]:
    """The shape and dtype every factory (zeros, ones, rand, ...) starts from. The shape comes
    as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` (``sizes`` or ``size``), never both.
    The checks go in torch's order: the arguments' kinds (its parser's TypeErrors), the
    device's name, ``out``, the device, then the sizes (unpacked only now) and their values."""
    position: int | None = 1
    if size is not None:
        if sizes:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        sizes, position = (size,), None
    elif not sizes:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    check_int_tuple_kind(sizes, name, "size", position, one_argument=position is None)
    check_memory_format_kind(memory_format, name)  # (empty's)
    dt = _out_dtype(name, dtype, out, device) or _dtype.get_default_dtype()
    return non_negative(int_tuple(sizes, name, "size", position), name), dt


def zeros(
    *sizes: Any,
    size: Any = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """A tensor of the given shape filled with 0."""
    shape, dt = _factory("zeros", sizes, size, dtype, device, out)
    with _allocating(shape, dt, out):
        return _finish(np.zeros(shape, dt.numpy), requires_grad, out)


def ones(
    *sizes: Any,
    size: Any = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """A tensor of the given shape filled with 1."""
    shape, dt = _factory("ones", sizes, size, dtype, device, out)
    with _allocating(shape, dt, out):
        return _finish(np.ones(shape, dt.numpy), requires_grad, out)


def rand(
    *sizes: Any,
    size: Any = None,
    generator: _random.Generator | None = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """Uniform samples from [0, 1), the same numbers torch draws for the same seed."""
    shape, dt = _factory("rand", sizes, size, dtype, device, out)
    _require_float("check_uniform_bounds", dt)
    # drawn by uniform_ into new memory (or out's), front to back, as torch fills it: _drawn
    return _drawn(shape, dt, lambda t: t.uniform_(generator=generator), requires_grad, out)


# --8<-- [end:factories]


def _out_dtype(name: str, dtype: Any, out: Tensor | None, device: Any = None) -> dtype | None:
    """The dtype asked for; with ``out=``, ``out``'s (it must be the one asked for, if any).
    ``device``'s kind and name are checked after the dtype's kind; it must be the CPU, which
    is ``out``'s device (torch says so before it would try another device)."""
    asked = _dtype.resolve(dtype, name)
    place = device_arg(device)
    if out is None:
        check_placement(place)
        return asked
    check_out(f"aten::{name}", out)
    if asked is not None and asked is not out._dtype:
        raise RuntimeError(
            f"dtype {type_name(asked)} does not match dtype of out parameter "
            f"({type_name(out._dtype)})"
        )
    if place is not None and place.type != "cpu":
        raise RuntimeError(
            f"device type {place.type} does not match device type of out parameter (cpu)"
        )
    return out._dtype


def _drawn(
    shape: tuple[int, ...],
    dt: dtype,
    fill: Callable[[Tensor], Any],
    requires_grad: bool,
    out: Tensor | None,
) -> Tensor:
    """Random values of ``shape``: ``fill(t)`` draws them into tensor ``t`` front to back in
    memory, as torch writes them. ``t`` is new memory, or ``out`` (resized silently if its shape
    differs; a transposed ``out`` gets its values transposed, as in torch)."""
    with _allocating(shape, dt, out):
        if out is None:  # (filled through a scratch tensor: the new one is at version 0)
            data = np.empty(shape, dt.numpy)
            fill(Tensor._make(data))
            return _finish(data, requires_grad)
        if out._data.shape != shape:
            resize_out(out, shape, warn=False)
        fill(out)  # (which counts as out's one change, as in torch)
    return _requiring_grad(out, requires_grad)


def _require_float(name: str, dt: dtype) -> None:
    if not dt.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{type_name(dt)}'")


def empty(
    *sizes: Any,
    size: Any = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
    memory_format: Any = contiguous_format,
) -> Tensor:
    """A tensor of the given shape whose values are whatever (here: zeros, to be reproducible)."""
    shape, dt = _factory("empty", sizes, size, dtype, device, out, memory_format)
    fmt = memory_format_arg(memory_format, "empty", len(shape))
    if fmt is preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    with _allocating(shape, dt, out):
        return _finish(laid_out(np.zeros(shape, dt.numpy), fmt), requires_grad, out)


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """A tensor of the given shape filled with ``fill_value`` (its dtype inferred from it).
    The arguments are read in torch's order: their kinds, the dtype, device and ``out``, the
    fill value, the sizes."""
    check_int_tuple_kind((size,), "full", "size", 1, one_argument=True)
    check_number_kind(fill_value, "full", "fill_value", 2)
    asked = _out_dtype("full", dtype, out, device)
    fill_value = number_arg(fill_value, "full", "fill_value", 2)
    dt = asked or _dtype.scalar_dtype(fill_value)
    shape = non_negative(one_int_tuple(size, "full", "size", 1), "full")
    value = fitted(fill_value, dt, half=math.prod(shape) != 1)  # (see fill_)
    with _allocating(shape, dt, out):
        return _finish(np.full(shape, value, dt.numpy), requires_grad, out)


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """An ``n x m`` matrix with ones on the diagonal."""
    n = parsed_int(n, "eye", "n")
    if m is not None:
        try:
            m = parsed_int(m, "eye", "m", 2)
        except TypeError:  # (torch has two forms, eye(n) and eye(n, m): neither fits)
            raise TypeError(
                f"eye() received an invalid combination of arguments - got (int, "
                f"{type_name_of(m)}), but expected one of: (n), (n, m)"
            ) from None
    dt = _out_dtype("eye", dtype, out, device) or _dtype.get_default_dtype()
    sizes = (("n", n),) if m is None else (("n", n), ("m", m))
    for _, v in sizes:  # (both read, then checked)
        check_int64(v)
    for name, v in sizes:
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    shape = (n, n if m is None else m)
    with _allocating(shape, dt, out, resized=True):  # (torch's eye resizes an empty tensor)
        return _finish(np.eye(*shape, dtype=dt.numpy), requires_grad, out)


def _arguments(
    fn: str, forms: tuple[tuple[str, ...], ...], args: tuple[Any, ...], keywords: dict[str, Any]
) -> dict[str, Any]:
    """The arguments of a function with several forms (as torch's overloads, e.g. ``arange(end)``
    and ``arange(start, end)``): the first form that ``args`` and the ``keywords`` that are not
    None fill exactly, by name; TypeError if none does."""
    given = {k: v for k, v in keywords.items() if v is not None}
    for form in forms:
        named = dict(zip(form, args, strict=False))  # the first names, for the args there are
        fits = len(args) <= len(form) and named.keys() | given.keys() == set(form)
        if fits and not named.keys() & given.keys():
            return {**named, **given}
    raise _combination_error(fn, forms)


def _combination_error(fn: str, forms: tuple[tuple[str, ...], ...]) -> TypeError:
    signatures = ", ".join(f"({', '.join(form)})" for form in forms)
    return TypeError(
        f"{fn}() received an invalid combination of arguments - expected one of: {signatures}"
    )


def arange(
    *args: Any,
    start: Any = None,
    end: Any = None,
    step: Any = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """``start, start+step, ...`` up to (not including) ``end``; int64 unless a bound is a float.

    torch's forms: ``arange(end)``, ``arange(start, end)`` and ``arange(start, end, step)``.
    """
    forms = (("end",), ("start", "end"), ("start", "end", "step"))
    bounds = _arguments("arange", forms, args, {"start": start, "end": end, "step": step})
    start, end, step = bounds.get("start", 0), bounds["end"], bounds.get("step", 1)
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if not builtins.all(isinstance(v, (int, float, np.number, np.bool_)) for v in values):
        raise _combination_error("arange", forms)  # (None, ...)
    dtype = _out_dtype("arange", dtype, out, device)
    for v in values:  # (read after the device and out, as torch reads them)
        check_python_int(v)
    start_d, end_d, step_d = (float(v) for v in values)  # (torch checks the bounds in double)
    if not (step_d > 0 or step_d < 0):  # (NaN too)
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start_d) and math.isfinite(end_d)):
        raise RuntimeError(f"unsupported range: {start_d:g} -> {end_d:g}")
    if not ((step_d > 0 and end_d >= start_d) or (step_d < 0 and end_d <= start_d)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        # (NumPy's floats, and its bools, torch reads as floats)
        floaty = builtins.any(isinstance(v, float | np.floating | np.bool_) for v in values)
        dtype = _dtype.get_default_dtype() if floaty else _dtype.int64
    if dtype is _dtype.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if dtype is _dtype.int64:  # counted in int64: the numbers must be int64s (2**63 is not)
        for v in values:
            check_fits(v, _dtype.int64)
        n = _int64_count(values)
    else:  # counted in double, the other integer dtypes too
        n = math.ceil((end_d - start_d) / step_d)
    if n > INT64_MAX:
        raise RuntimeError("invalid size, possible overflow?")
    if dtype is not _dtype.int64 and not dtype.is_floating_point:  # (their kernel's start and
        for v in (values[0], values[2]):  # step are int64s too: checked after the count)
            check_fits(v, _dtype.int64)
    with _allocating((n,), dtype, out):
        if dtype is _dtype.float32:
            data = _arange_float32(values[0], values[2], n)
        elif dtype.is_floating_point:  # start + i * step in double, then rounded to the dtype
            # (torch's float64 and float16 values differ from these in the last bit now and then)
            data = values[0] + np.arange(n, dtype=np.float64) * values[2]
        else:  # start and step cut to integers (toward zero, as C converts them)
            data = int(values[0]) + np.arange(n, dtype=np.int64) * int(values[2])
        return _finish(_ranged(data.astype(dtype.numpy), out, warn=True), requires_grad, out)


def _int64_count(values: list[Any]) -> int:
    """How many values torch's int64 ``arange`` has: counted in int64 with the bounds and step
    cut to integers, ``(end - start + step - sign(step)) / step``, wrapping around and dividing
    (toward zero) as C's int64 does. So ``arange(0, 3, 1.5)`` has 3 values in int64 (2 in
    int32, counted in double); a step cut to 0 is torch's ValueError; a range wider than int64
    wraps: too few values (``arange(-2**63, 2**63 - 1, 2**62)`` is empty), or a negative count,
    torch's RuntimeError."""
    start, end, step = (int(v) for v in values)
    if step == 0:
        raise ValueError("step must be nonzero")
    span = wrapped(end - start + step - (1 if step > 0 else -1), np.int64)
    n = abs(span) // abs(step)
    if n and (span < 0) != (step < 0):
        raise RuntimeError("invalid size, possible overflow?")
    return n


def _arange_float32(start: float, step: float, n: int) -> np.ndarray:
    """torch's float32 values, bit for bit (they decide how ``arange(-1, 1, 0.1)`` prints: its
    value 10 is -2.98e-09, not 0). torch's CPU kernel computes in double but writes 16 values
    at a time, as two vectors of 8: each vector is its first value (``start + step * j``,
    rounded to float32) plus ``k * step``; the last ``n % 16`` values are ``start + step * i``
    one by one. (So on a CPU with AVX-512 too: torch runs its AVX2 kernel there.)"""
    i = np.arange(n)
    k = i % 8
    first = (start + step * (i - k)).astype(np.float32).astype(np.float64)
    return np.where(i < n - n % 16, first + k * step, start + step * i).astype(np.float32)


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included."""
    steps = _linspace_kinds(start, end, steps)
    dt = _out_dtype("linspace", dtype, out, device) or _dtype.get_default_dtype()
    start, end = _linspace_bounds(start, end, steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps:
        for bound in (start, end):
            check_fits(bound, dt)  # (``linspace(0, 1e39, 3)`` is no row of infs and NaNs)
    if steps <= 1:  # the one value is start
        data = np.full(steps, start).astype(dt.numpy)
    elif dt is _dtype.bool:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    else:
        with _allocating((steps,), dt, out):
            data = _linspace(start, end, steps, dt)
    return _finish(_ranged(data, out, warn=False), requires_grad, out)


_LINSPACE_OVERLOADS = tuple(
    f"{start} start, {end} end, int steps, *, Tensor out = None, torch.dtype dtype = None, "
    "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False"
    for start, end in (
        ("Tensor", "Tensor"),
        ("Number", "Tensor"),
        ("Tensor", "Number"),
        ("Number", "Number"),
    )
)


def _linspace_kinds(start: Any, end: Any, steps: Any) -> int:
    """linspace's arguments' kinds, as torch's four overloads take them; ``steps`` as an int
    not yet checked against int64 (its parser's part: see ``_linspace_bounds``)."""
    try:
        if not builtins.all(isinstance(b, (Tensor, *NUMBERS)) for b in (start, end)):
            raise TypeError
        return parsed_int(steps, "linspace", "steps", 3)
    except TypeError:
        got = ", ".join(type_name_of(a) for a in (start, end, steps))
        raise invalid_combination("linspace", got, *_LINSPACE_OVERLOADS) from None


def _linspace_bounds(start: Any, end: Any, steps: int) -> tuple[Any, Any]:
    """linspace's bounds as numbers (a bound may be a 0-d tensor), read as torch reads them
    once it has the device and ``out``: the steps, the numbers, then the tensors' dims."""
    check_int64(steps)
    bounds = (start, end)
    for b in bounds:
        check_python_int(b)
    with_dims = [
        f"{name} with {b._data.ndim} dimension(s)"
        for name, b in zip(("start", "end"), bounds, strict=True)
        if isinstance(b, Tensor) and b._data.ndim
    ]
    if with_dims:
        raise RuntimeError(
            "linspace only supports 0-dimensional start and end tensors, but got "
            f"{' and '.join(with_dims)}."
        )
    start, end = (b.item() if isinstance(b, Tensor) else b for b in bounds)
    return start, end


def _ranged(values: np.ndarray, out: Tensor | None, *, warn: bool) -> np.ndarray:
    """``arange``/``linspace``'s values for ``out=``: in ``out``'s shape if it has as many
    elements (filled in row-major order), else 1-d (``out`` resized; ``arange`` warns)."""
    if out is None or out._data.size == values.size:
        return values if out is None else values.reshape(out._data.shape)
    if warn and out._data.size:
        warnings.warn(
            f"The number of elements in the out tensor of shape {list(out._data.shape)} is "
            f"{out._data.size} which does not match the computed number of elements "
            f"{values.size}. Note that this may occur as a result of rounding error. The out "
            f"tensor will be resized to a tensor of shape ({values.size},). (Triggered "
            "internally at /__w/pytorch/pytorch/aten/src/ATen/native/RangeFactories.cpp:199.)",
            UserWarning,
            stacklevel=3,
        )
    return values


def _linspace(start: float, end: float, steps: int, dt: dtype) -> np.ndarray:
    """torch's values, bit for bit: the first half is ``start + step * i``, the second half
    ``end - step * (steps - 1 - i)``, each computed as one fused multiply-add (a single
    rounding) in the dtype, with ``step`` itself computed in the dtype. A fused multiply-add
    is done here in a wider type (float64 holds a product of two float32s exactly; long double,
    80-bit on x86, nearly does for float64). float16 rounds after every operation, as
    c10::Half does; integer dtypes take whole bounds and a float64 step, and truncate."""
    work: Any
    wide: Any
    if dt is _dtype.float16:
        work, wide = np.float16, np.float16
    elif dt.is_floating_point:
        work = dt.numpy.type
        wide = np.float64 if work is np.float32 else np.longdouble
    else:  # the bounds become the dtype first, as C++ converts them (-3 is 253 in uint8)
        start, end = (int(_checked_cast(np.array(v), dt, f"{dt.name}_t")) for v in (start, end))
        work, wide = np.float64, np.longdouble
    first, last = work(start), work(end)
    step = work(last - first) / work(steps - 1)
    i = np.arange(steps)
    half = steps // 2
    count = i.astype(work) if work is np.float16 else i  # (c10::Half rounds the index too)
    head = wide(step) * count[:half] + wide(first)
    tail = wide(last) - wide(step) * count[::-1][half:]
    data = np.concatenate([head.astype(work), tail.astype(work)])
    return data.astype(dt.numpy)  # (to an integer dtype: truncated toward zero, as C casts)


# --8<-- [start:like]
def _like(
    name: str, t: Tensor, dtype: Any, device: Any, memory_format: Any
) -> tuple[np.ndarray, dtype]:
    """New memory for ``*_like``: the shape and, unless told otherwise, the dtype of ``t``,
    laid out like ``t`` (a transposed tensor's is transposed: see ``empty_laid_out_like``), or
    as ``memory_format`` says."""
    dt = _like_dtype(name, t, dtype, device, memory_format)
    return _like_memory(name, t, dt, memory_format), dt


def _like_dtype(name: str, t: Tensor, dtype: Any, device: Any, memory_format: Any) -> dtype:
    """``*_like``'s dtype, its options read in torch's order: the memory format's kind, the
    dtype's, the device."""
    check_memory_format_kind(memory_format, name)
    dt = _dtype.resolve(dtype, name) or t._dtype
    check_device(device)
    return dt


def _like_memory(name: str, t: Tensor, dt: dtype, memory_format: Any) -> np.ndarray:
    """``*_like``'s new memory (see ``_like``)."""
    fmt = memory_format_arg(memory_format, name, t._data.ndim)
    with _allocating(t._data.shape, dt, None):
        if fmt is preserve_format:
            return empty_laid_out_like(t._data, dt.numpy)
        return laid_out(np.empty(t._data.shape, dt.numpy), fmt)


def zeros_like(
    input: Tensor,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    memory_format: Any = preserve_format,
) -> Tensor:
    data, _ = _like("zeros_like", input, dtype, device, memory_format)
    data.fill(0)
    return _finish(data, requires_grad)


def ones_like(
    input: Tensor,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    memory_format: Any = preserve_format,
) -> Tensor:
    data, _ = _like("ones_like", input, dtype, device, memory_format)
    data.fill(1)
    return _finish(data, requires_grad)


def rand_like(
    input: Tensor,
    *,
    generator: _random.Generator | None = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    memory_format: Any = preserve_format,
) -> Tensor:
    data, dt = _like("rand_like", input, dtype, device, memory_format)
    _require_float("check_uniform_bounds", dt)
    Tensor._make(data).uniform_(generator=generator)  # memory front to back, as torch fills it
    return _finish(data, requires_grad)


# --8<-- [end:like]


def empty_like(
    input: Tensor,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    memory_format: Any = preserve_format,
) -> Tensor:
    data, _ = _like("empty_like", input, dtype, device, memory_format)
    data.fill(0)  # (torch leaves whatever the memory held)
    return _finish(data, requires_grad)


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    memory_format: Any = preserve_format,
) -> Tensor:
    check_number_kind(fill_value, "full_like", "fill_value", 2)
    dt = _like_dtype("full_like", input, dtype, device, memory_format)
    fill_value = number_arg(fill_value, "full_like", "fill_value", 2)  # (read after the device)
    data = _like_memory("full_like", input, dt, memory_format)
    data[...] = fitted(fill_value, dt, half=data.size != 1)  # (see fill_)
    return _finish(data, requires_grad)


def randn_like(
    input: Tensor,
    *,
    generator: _random.Generator | None = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    memory_format: Any = preserve_format,
) -> Tensor:
    data, dt = _like("randn_like", input, dtype, device, memory_format)
    _require_float("normal_kernel_cpu", dt)
    Tensor._make(data).normal_(generator=generator)  # (as rand_like)
    return _finish(data, requires_grad)


def randn(
    *sizes: Any,
    size: Any = None,
    generator: _random.Generator | None = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """Standard normal samples, the same numbers torch draws for the same seed."""
    shape, dt = _factory("randn", sizes, size, dtype, device, out)
    _require_float("normal_kernel_cpu", dt)
    return _drawn(shape, dt, lambda t: t.normal_(generator=generator), requires_grad, out)


def randint(
    *args: Any,
    low: Any = None,
    high: Any = None,
    size: Any = None,
    generator: _random.Generator | None = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """Random integers in ``[low, high)``: ``randint(high, size)``, ``randint(low, high, size)``."""
    forms = (("high", "size"), ("low", "high", "size"))
    given = _arguments("randint", forms, args, {"low": low, "high": high, "size": size})
    low, high = given.get("low", 0), given["high"]
    if "low" not in given:  # randint(high, size): torch names the argument (2.5 is no int)
        high = parsed_int(high, "randint", "high", 1 if args else None)
    elif not builtins.all(type(v) is not bool and hasattr(v, "__index__") for v in (low, high)):
        raise _combination_error("randint", forms)
    # the size as torch's message numbers it: the last positional argument, if it was one
    position = len(args) if size is None else None
    check_int_tuple_kind((given["size"],), "randint", "size", position, one_argument=True)
    dt = _out_dtype("randint", dtype, out, device) or _dtype.int64
    ints = one_int_tuple(given["size"], "randint", "size", position)  # (then the bounds)
    check_int64(low)
    check_int64(high)
    shape = non_negative(ints, "randint")
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )

    def fill(t: Tensor) -> None:
        memory = t._in_memory_order()
        t._fill_from(_random.randint(low, high, memory.shape, dt.numpy, generator), None)

    return _drawn(shape, dt, fill, requires_grad, out)


def randperm(
    n: int,
    *,
    generator: _random.Generator | None = None,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    n = parsed_int(n, "randperm", "n")
    dt = _out_dtype("randperm", dtype, out, device) or _dtype.int64
    check_int64(n)
    with _allocating((n,), dt, out):
        return _finish(_random.randperm(n, dt.numpy, generator), requires_grad, out)
