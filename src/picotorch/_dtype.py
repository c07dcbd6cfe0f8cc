"""dtypes, the default dtype, and torch's type-promotion rules.

Every picotorch dtype maps one-to-one to a NumPy dtype: a tensor's values live in an
``ndarray`` of exactly that NumPy dtype, so ``tensor.dtype`` can always be read off the array.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from ._size import INT64_MAX, check_python_int, invalid_combination, type_name_of


class dtype:  # noqa: N801 - torch spells it lower-case
    """A tensor element type, printed as ``torch.float32``."""

    __module__ = "picotorch"  # (as torch.dtype: see Tensor)

    __slots__ = ("_kind", "_zero", "is_floating_point", "is_signed", "itemsize", "name", "numpy")

    _kind: builtins.int
    is_floating_point: builtins.bool
    is_signed: builtins.bool

    def __init__(self, name: str, numpy_dtype: type, kind: builtins.int) -> None:
        self.name = name
        self.numpy = np.dtype(numpy_dtype)
        self._kind = kind  # 0 bool, 1 integer, 2 floating: the promotion categories
        self.is_floating_point = kind == 2
        self.is_signed = kind == 2 or (kind == 1 and self.numpy.kind == "i")
        self.itemsize = self.numpy.itemsize
        # 0 as a 0-d array of this dtype, for ops that compare or clamp against 0 (relu): NumPy
        # takes it as it is, where a Python 0 costs a promotion step that, on small tensors,
        # takes as long as the op itself
        self._zero = np.zeros((), self.numpy)
        self._zero.flags.writeable = False

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:  # pickle / deepcopy keep the singleton
        return self.name


bool = dtype("bool", np.bool_, 0)  # noqa: A001 - same name as torch.bool
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)

# torch's aliases are the same objects under a second name
half = float16
float = float32  # noqa: A001
double = float64
short = int16
int = int32  # noqa: A001
long = int64

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
_FROM_NUMPY = {d.numpy: d for d in ALL_DTYPES}


_NAMES = {
    bool: "Bool",
    uint8: "Byte",
    int8: "Char",
    int16: "Short",
    int32: "Int",
    int64: "Long",
    float16: "Half",
    float32: "Float",
    float64: "Double",
}


def type_name(d: dtype) -> str:
    """torch's C++ name of a dtype, as its error messages spell it (``Float``, ``Long``)."""
    return _NAMES[d]


_C_NAMES = {
    bool: "bool",
    uint8: "unsigned char",
    int8: "signed char",
    int16: "short int",
    int32: "int",
    int64: "long int",
    float16: "c10::Half",
    float32: "float",
    float64: "double",
}


def c_type_name(d: dtype) -> str:
    """The C type behind a dtype, as some of torch's messages spell it (``float``, ``long int``)."""
    return _C_NAMES[d]


def wrapped(
    number: builtins.int, integer_dtype: np.dtype[Any] | type[np.integer[Any]]
) -> builtins.int:
    """``number`` wrapped around into an integer dtype's range, as C converts it."""
    info = np.iinfo(integer_dtype)
    return (number - info.min) % (info.max - info.min + 1) + info.min


def fitted(value: Any, d: dtype, *, half: builtins.bool = True) -> Any:
    """A number as an element of dtype ``d`` (a NumPy scalar), as torch converts a fill value:
    ``check_fits``, then C's conversion (-1 is 255 in uint8; a complex number's real part)."""
    check_fits(value, d, half=half)
    if isinstance(value, _COMPLEX):
        value = builtins.bool(value) if d is bool else value.real
    with np.errstate(over="ignore"):  # (float16 unchecked: inf, as torch's conversion gives)
        return np.array(value).astype(d.numpy)[()]


def check_fits(value: Any, d: dtype, *, half: builtins.bool = True) -> None:
    """torch's check when a number becomes an element of dtype ``d`` (a fill value, a clamp
    bound, a number in ``where``): a value that does not fit is torch's RuntimeError, never
    wrapped around nor made inf. But an int may wrap into an unsigned dtype down to ``-max``
    (-1 is 255 in uint8, as in C); NaN fits no integer dtype; inf fits every float dtype.
    ``half=False``: no check for float16 (torch's paths through a 0-d tensor, and its fill of a
    single element, convert to half unchecked). A complex number fits if it is real and its
    real part fits (any fits into bool)."""
    if isinstance(value, _COMPLEX) and d is not bool:
        if value.imag != 0:
            raise RuntimeError(
                f"value cannot be converted to type {_checked_name(d)} without overflow"
            )
        value = value.real
    if d._kind == 1 and not isinstance(value, _BOOLS):
        info = np.iinfo(d.name)
        if isinstance(value, _FLOATS):  # compared in double, as torch: 2.0**63 fits int64
            fits = builtins.float(info.min) <= value <= builtins.float(info.max)  # (not NaN)
        else:
            fits = (-info.max if info.min == 0 else info.min) <= value <= info.max
    elif d in _LARGEST and (half or d is not float16):
        # (no abs(): NumPy's int64 -2**63 is its own absolute value)
        fits = not math.isfinite(value) or -_LARGEST[d] <= value <= _LARGEST[d]
    else:
        fits = True
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {_checked_name(d)} without overflow")


def _checked_name(d: dtype) -> str:
    return _CHECKED_NAMES.get(d, f"{d.name}_t")


_BOOLS = (builtins.bool, np.bool_)
_COMPLEX = (complex, np.complexfloating)
_FLOATS = (builtins.float, np.floating)
_LARGEST = {d: builtins.float(np.finfo(d.numpy).max) for d in (float16, float32)}
_CHECKED_NAMES = {int32: "int", float16: "c10::Half", float32: "float", float64: "double"}


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """The picotorch dtype holding values of ``np_dtype``; TypeError if torch has none. (Of
    either byte order: where an array's must be the machine's, its caller checks it.)"""
    try:
        return _FROM_NUMPY[np_dtype]
    except KeyError:
        if not np_dtype.isnative:
            return from_numpy_dtype(np_dtype.newbyteorder("="))
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}. The only supported "
            "types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


# torch reads these Python types as dtypes: float is double precision, as in Python
_PYTHON_TYPES = {builtins.float: float64, builtins.int: int64, builtins.bool: bool}


def resolve(d: object, fn: str) -> dtype | None:
    """A ``dtype=`` argument of function ``fn`` as a dtype (None stays None): a picotorch
    dtype, or ``float``, ``int`` or ``bool``; anything else is torch's TypeError."""
    if d is None or isinstance(d, dtype):
        return d
    if isinstance(d, type) and d in _PYTHON_TYPES:
        return _PYTHON_TYPES[d]
    kind = type(d)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {name}")


# --8<-- [start:default_dtype]
_default_dtype = float32


def get_default_dtype() -> dtype:
    """The dtype of floating-point tensors made from Python floats (``float32`` unless changed)."""
    return _default_dtype


def set_default_dtype(d: dtype) -> None:
    """Make ``d`` (``float32`` or ``float64`` or ``float16``) the default floating dtype."""
    global _default_dtype
    if not isinstance(d, dtype):
        raise TypeError(
            "invalid dtype object: only floating-point types are supported as the default type"
        )
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype = d


# --8<-- [end:default_dtype]


# --8<-- [start:promotion]
def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to without losing their category.

    Within a category (bool < integer < floating) NumPy's table is torch's; across categories
    the higher category wins outright: ``int64`` with ``float16`` gives ``float16``.
    """
    if a is b and isinstance(a, dtype):
        return a
    for position, d in enumerate((a, b), start=1):
        if not isinstance(d, dtype):
            if isinstance(d, type) and d in _PYTHON_TYPES:  # (float is float64, as torch reads it)
                a, b = (_PYTHON_TYPES.get(x, x) if isinstance(x, type) else x for x in (a, b))
                return promote_types(a, b)
            kind = type(d)
            raise TypeError(
                f"promote_types(): argument 'type{position}' (position {position}) must be "
                f"torch.dtype, not {kind.__name__}"
            )
    if a._kind != b._kind and (a._kind == 2 or b._kind == 2):
        return a if a._kind == 2 else b
    return _FROM_NUMPY[np.promote_types(a.numpy, b.numpy)]


def scalar_dtype(value: object) -> dtype:
    """The dtype torch gives a bare Python number: bool, int64, or the default float."""
    if isinstance(value, builtins.bool):
        return bool
    if isinstance(value, np.bool_):  # not a Python bool: torch takes it for a float number
        return _default_dtype
    if isinstance(value, (builtins.int, np.integer)):
        return int64
    if isinstance(value, (builtins.float, np.floating)):
        return _default_dtype
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


def result_type_of(*args: Any, **kwargs: Any) -> dtype:
    """``torch.result_type(tensor, other)``: the dtype of an op on two operands, each a tensor
    or a number (the arguments torch's parser takes; ``result_type`` below does the work)."""
    operands = [*args, *kwargs.values()]
    if (
        len(operands) != 2
        or not set(kwargs) <= {"tensor", "other", "scalar", "scalar1", "scalar2"}
        or not all(isinstance(getattr(x, "dtype", None), dtype) or _is_number(x) for x in operands)
    ):
        got = [type_name_of(x) for x in args] + [
            f"{k}={type_name_of(v)}" for k, v in kwargs.items()
        ]
        raise invalid_combination("result_type", ", ".join(got), *_RESULT_TYPE_FORMS)
    return result_type(*operands)


def _is_number(x: Any) -> builtins.bool:
    return isinstance(x, (builtins.bool, builtins.int, builtins.float, np.number, np.bool_))


_RESULT_TYPE_FORMS = (
    "Tensor tensor, Tensor other",
    "Number scalar, Tensor tensor",
    "Tensor tensor, Number other",
    "Number scalar1, Number scalar2",
)


def result_type(*operands: object) -> dtype:
    """torch.result_type: tensors with dims outrank 0-d tensors, which outrank Python numbers.

    A lower-priority operand only matters when it belongs to a higher category
    (``int32 tensor + 2.5`` is float, ``int32 tensor + 2`` stays int32).
    """
    dim_result = zero_dim_result = scalar_result = None
    uint64 = False  # a Python int too big for int64 (torch's parser made it a uint64)
    for op in operands:
        d = getattr(op, "dtype", None)
        if not isinstance(d, dtype):  # a Python number, or a NumPy one (np.float64(2.5))
            s = scalar_dtype(op)
            scalar_result = s if scalar_result is None else promote_types(scalar_result, s)
            check_python_int(op)  # (torch's errors for ints beyond the C integers it reads)
            uint64 = uint64 or (type(op) is builtins.int and op > INT64_MAX)
        elif op.ndim == 0:  # type: ignore[attr-defined]
            zero_dim_result = d if zero_dim_result is None else promote_types(zero_dim_result, d)
        else:
            dim_result = d if dim_result is None else promote_types(dim_result, d)
    # (a bool tensor meets the uint64 where the numbers' category is an int's)
    if uint64 and scalar_result is int64 and _combine(dim_result, zero_dim_result) is bool:
        raise RuntimeError(
            "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
            "Bool and UInt64"
        )
    return _combine(dim_result, _combine(zero_dim_result, scalar_result))  # type: ignore[return-value]


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    if higher is None:
        return lower
    if lower is None or lower._kind <= higher._kind:
        return higher
    # the lower-priority operand is of a higher category: bool -> int, or anything -> float
    if lower._kind == 2 and higher._kind < 2:
        return lower
    return promote_types(higher, lower)


# --8<-- [end:promotion]
