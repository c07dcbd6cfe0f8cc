"""Elementwise ops: arithmetic, comparisons, unary maths, clamp, where.

Binary ops follow one recipe: find torch's result dtype for the two operands, bring both
to it, let NumPy broadcast and compute, and wrap the result. Ops that make no sense in a
dtype's category (true division of ints, ``exp`` of ints) compute in the default float dtype.
"""

from __future__ import annotations

import functools
import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .. import _dtype
from .._dtype import (
    _FROM_NUMPY,
    c_type_name,
    check_fits,
    dtype,
    result_type,
    type_name,
    wrapped,
)
from .._fma import fma
from .._memory import (
    check_reads,
    in_dim_order,
    non_overlapping_and_dense,
    sort_dims,
    with_strides,
)
from .._out import check_cast, check_out, resize_out, write_out
from .._size import (
    INT64_MAX,
    INT64_MIN,
    NOT_GIVEN,
    NUMBERS,
    UINT64_END,
    bool_arg,
    broadcast_shapes,
    check_python_int,
    float_arg,
    invalid_combination,
    number_arg,
    type_name_of,
)
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Node, NotImplementedBackward, needs_grad, record
from .summation import _VECTOR_BYTES

Operand = Tensor | int | float | bool
_make = Tensor._make  # every op's result is made here: looked up once, not per call
F = TypeVar("F", bound=Callable[..., Any])


def c_type_text(value: Any) -> str:
    """The type of ``value`` as torch's argument errors name it (as C names it): ``Tensor``,
    ``numpy.ndarray``, but ``list``, and a class defined in Python (a "heap type", flag 512) by
    its bare name."""
    t = type(value)
    if isinstance(value, Tensor) or t.__module__ == "builtins" or t.__flags__ & 512:
        return "Tensor" if isinstance(value, Tensor) else t.__name__
    return f"{t.__module__}.{t.__name__}"


def require_tensors(
    fn: str,
    arguments: dict[str, Any],
    optional: str | tuple[str, ...] = (),
    first_position: int = 1,
) -> None:
    """torch's TypeError for the first of ``arguments`` (name: value, from ``first_position``)
    that is no Tensor; ``optional`` names those that may be None."""
    optional = (optional,) if isinstance(optional, str) else optional
    for pos, (name, value) in enumerate(arguments.items(), start=first_position):
        if not isinstance(value, Tensor) and not (value is None and name in optional):
            raise TypeError(
                f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                f"{c_type_text(value)}"
            ) from None  # (raised instead of the error that it explains)


def tensor_arguments(
    fn: str, *names: str, optional: str | tuple[str, ...] = ()
) -> Callable[[F], F]:
    """An op's errors as torch's when an argument is no Tensor: torch parses its arguments
    before anything else, so its error names the argument (``require_tensors``), where the op
    would fail on some attribute. Checked only once the op has failed: a correct call pays for
    the wrapper's call, and for nothing else."""

    def decorate(op: F) -> F:
        signature = inspect.signature(op)

        @functools.wraps(op)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                return op(*args, **kwargs)
            except Exception:
                given = signature.bind(*args, **kwargs).arguments
                require_tensors(fn, {name: given.get(name) for name in names}, optional)
                raise

        return checked  # type: ignore[return-value]

    return decorate


def _array(x: Operand, d: dtype) -> Any:
    """``x`` as an ndarray (or NumPy scalar) of dtype ``d``: no copy if it already is one."""
    if isinstance(x, Tensor):
        return x._data if x._dtype is d else x._data.astype(d.numpy)
    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x).astype(d.numpy)
    try:
        return d.numpy.type(x)
    except OverflowError:  # e.g. uint8 + 300: torch wraps around, as the C cast does
        return np.array(x).astype(d.numpy)


def _require_a_tensor(name: str, a: Any, b: Any, out: Any, forms: tuple[str, ...]) -> None:
    """torch's TypeError for an op of two numbers (``torch.remainder(2, 3)``): each of its
    forms takes a tensor."""
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        got = f"{c_type_text(a)}, {c_type_text(b)}" + ("" if out is None else ", out=Tensor")
        raise invalid_combination(name, got, *forms)


_NUMBER_FORMS = (
    "Tensor input, Tensor other, *, Tensor out = None",
    "Number self, Tensor other",
    "Tensor input, Number other, *, Tensor out = None",
)
_POW_FORMS = (
    "Tensor input, Tensor exponent, *, Tensor out = None",
    "Number self, Tensor exponent, *, Tensor out = None",
    "Tensor input, Number exponent, *, Tensor out = None",
)


def _check_operand(x: Any) -> None:
    if not isinstance(x, (Tensor, int, float, bool, np.number, np.bool_)):
        raise TypeError(f"unsupported operand type: '{type(x).__name__}'")
    check_python_int(x)


def _keeps_float_dtype(x: Any) -> bool:
    """A Python float, or an int that torch reads (see ``check_python_int``): with a float
    tensor it keeps the tensor's dtype (torch.result_type), and NumPy (NEP 50) computes
    ``float32_array * 0.5`` in float32 too, so no conversion is needed."""
    return type(x) is float or (type(x) is int and INT64_MIN <= x < UINT64_END)


_WIDE_FLOATS = (_dtype.float32, _dtype.float64)  # (float16 with a number: see _half_by_one)
_TENSOR_OR_NUMBER = (Tensor, float, int)
_ndarray = np.ndarray


# --8<-- [start:binary]
def _binary(
    ufunc: Callable[..., Any],
    a: Operand,
    b: Operand,
    *,
    to_float: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """Run a NumPy ufunc on two operands with torch's type promotion and broadcasting.

    ``to_float`` makes integer operands compute in the default float dtype (``1 / 2`` is 0.5).
    """
    x: Any
    y: Any
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._dtype is b._dtype:
        common, x, y = a._dtype, a._data, b._data  # the hot path: nothing to convert
    elif isinstance(a, Tensor) and a._dtype in _WIDE_FLOATS and _keeps_float_dtype(b):
        common, x, y = a._dtype, a._data, b  # float tensor with a number, e.g. ``x * 0.5``
    elif isinstance(b, Tensor) and b._dtype._kind == 2 and _keeps_float_dtype(a):
        common, x, y = b._dtype, a, b._data  # e.g. ``1 - x``
    else:
        _check_operand(a)
        _check_operand(b)
        common = result_type(a, b)
        x, y = _array(a, common), _array(b, common)
        if common is _dtype.float16 and ufunc in _HALF_BY_ONE and _one_element(b):
            ufunc, y = _HALF_BY_ONE[ufunc], _array(b, _dtype.float32)
    if to_float and not common.is_floating_point:
        common = _dtype.get_default_dtype()
        x, y = _array(a, common), _array(b, common)
    if out is not None:
        if not isinstance(out, Tensor) or needs_grad(a, b, out):
            check_out(_op_name(ufunc), out, a, b)  # (raises torch's error)
        return _write_out(ufunc, (x, y), common, out, in_place=out is a or out is b)
    try:
        result = ufunc(x, y)
    except ValueError:
        broadcast_shapes(np.shape(x), np.shape(y))  # raises torch's error naming the bad dim
        raise
    # (_laid_out_as_torchs, written out: this runs for every + and *)
    if (type(x) is _ndarray and not x.flags.c_contiguous) or (
        type(y) is _ndarray and not y.flags.c_contiguous
    ):
        result = _in_torchs_layout(result, (x, y))
    return _make(result)


# --8<-- [end:binary]


def _laid_out_as_torchs(result: Any, operands: tuple[Any, ...]) -> Any:
    """``result``, a new elementwise result of ``operands`` (arrays or numbers, in the order
    torch's kernel takes them), laid out as torch's (see ``_in_torchs_layout``)."""
    for a in operands:
        if type(a) is _ndarray and not a.flags.c_contiguous:
            return _in_torchs_layout(result, operands)
    return result  # (row-major operands: row-major for both)


def _in_torchs_layout(result: np.ndarray, operands: tuple[Any, ...]) -> np.ndarray:
    """``result``, a new elementwise result as NumPy laid it out, in the layout torch's
    TensorIterator gives a new result: the strides of the operands if they all share one dense
    layout, else dense with the dims in ``_iteration_order`` (``in_dim_order``).

    Where the operands disagree, torch follows the first that tells two dims apart, NumPy lets
    a later one keep row-major order: ``x.t() + y`` is laid out as ``x.t()`` in torch, row-major
    in NumPy. With row-major operands both lay the result out row-major, so the ops call this
    only when an operand is not. (Still apart, rarely: operands NumPy counts as row-major whose
    dims of size 1 carry strides that reorder torch's sort.)"""
    shape = result.shape
    arrays = [a for a in operands if isinstance(a, np.ndarray) and a.ndim]
    if len(shape) < 2 or not arrays:
        return result
    first = arrays[0].strides
    if not all(
        a.shape == shape and a.strides == first and non_overlapping_and_dense(a) for a in arrays
    ):
        strides = [_broadcast_strides(a, shape) for a in arrays]
        return in_dim_order(result, _iteration_order(shape, strides))
    return with_strides(result, tuple(s // arrays[0].itemsize * result.itemsize for s in first))


def _broadcast_strides(a: np.ndarray, shape: tuple[int, ...]) -> tuple[int, ...]:
    """``a``'s strides as TensorIterator reads them for a result of ``shape``: 0 along the dims
    ``a`` is broadcast along; a dim of size 1 in both keeps ``a``'s own stride (which
    ``np.broadcast_to`` would make 0)."""
    lead = len(shape) - a.ndim
    return (0,) * lead + tuple(
        0 if n == 1 and shape[lead + i] != 1 else s
        for i, (n, s) in enumerate(zip(a.shape, a.strides, strict=True))
    )


def _half_by_one(ufunc: Callable[..., Any]) -> Callable[[Any, Any], np.ndarray]:
    """The kernel of a float16 product or quotient whose second operand has one element (a
    number, a 0-d tensor: given to it in float32), as torch computes it: in float32, with that
    operand's own value, rounded to half once at the end (``x * 0.1`` is not ``x * half(0.1)``,
    and ``x * 2**40`` is no inf), in place too."""

    def kernel(x: Any, y: Any) -> np.ndarray:
        return np.asarray(ufunc(np.asarray(x, np.float32), y)).astype(np.float16)

    kernel.__name__ = ufunc.__name__
    return kernel


def _one_element(x: Operand) -> bool:
    return not isinstance(x, Tensor) or x._data.size == 1


def _write_out(
    func: Callable[..., Any], args: tuple[Any, ...], common: dtype, out: Tensor, in_place: bool
) -> Tensor:
    """Compute into ``out``'s memory: the ``out=`` form, and the in-place ``add_`` form
    (``Tensor._inplace`` runs it as ``add(x, y, out=x)`` when autograd does not record it).

    The result dtype must convert to ``out``'s dtype without leaving its category (torch
    refuses ``int_tensor.add_(0.5)``). ``in_place``: ``out`` is one of the op's inputs, so
    the result must keep its shape (torch resizes other ``out=`` tensors, with a warning).
    The checks go in torch's order: ``out`` itself, the memory it shares, the shapes, then
    the dtypes.
    """
    out._check_inplace()
    check_reads(out._data, args)
    shape = broadcast_shapes(*(np.shape(x) for x in args))
    if in_place and shape != out._data.shape:
        raise _in_place_shape_error(out, shape)
    check_cast(common, out)
    if shape != out._data.shape:
        resize_out(out, shape)
    if isinstance(func, np.ufunc):
        func(*args, out=out._data, casting="unsafe")
    else:  # picotorch's own kernels (_remainder, _sign, ...) compute first, then copy
        np.copyto(out._data, func(*args), casting="unsafe")
    out._bump_version()
    return out


def check_in_place_shape(out: Tensor | None, *operands: Any) -> None:
    """An in-place op (``out`` one of its ``operands``) must keep its target's shape: torch
    says so before it looks at dtypes and values (``bool_x //= bool_y`` of another shape is
    this error, not a missing bool kernel)."""
    if out is None or not any(out is x for x in operands):
        return
    shape = broadcast_shapes(*(x._data.shape for x in operands if isinstance(x, Tensor)))
    if shape != out._data.shape:
        raise _in_place_shape_error(out, shape)


def _in_place_shape_error(out: Tensor, shape: tuple[int, ...]) -> RuntimeError:
    return RuntimeError(
        f"output with shape {list(out._data.shape)} doesn't match the broadcast shape {list(shape)}"
    )


def _float_dtype(a: Tensor) -> dtype:
    """The dtype a float-valued op computes in: the tensor's own if float, else the default."""
    return a._dtype if a._dtype.is_floating_point else _dtype.get_default_dtype()


def _unary(
    ufunc: Callable[..., Any],
    a: Tensor,
    *,
    to_float: bool,
    out: Tensor | None = None,
) -> Tensor:
    if not isinstance(a, Tensor):
        raise TypeError(f"expected Tensor as element 0 in argument 0, but got {type(a).__name__}")
    common = _float_dtype(a) if to_float else a._dtype
    x = _array(a, common)
    if out is None:
        return Tensor._make(ufunc(x))
    if not isinstance(out, Tensor) or needs_grad(a, out):
        check_out(_op_name(ufunc), out, a)  # (raises torch's error)
    if not to_float and out._dtype is not common:  # (neg, abs, sign: no conversion)
        raise RuntimeError(f"Found dtype {type_name(out._dtype)} but expected {type_name(common)}")
    return _write_out(ufunc, (x,), common, out, in_place=out is a)


def _op_name(func: Callable[..., Any]) -> str:
    """torch's name of the op that ``func`` (a ufunc, or picotorch's own kernel) computes."""
    name = getattr(func, "__name__", "op").lstrip("_")
    torch_names = {
        "multiply": "mul",
        "true_divide": "div",
        "subtract": "sub",
        "power": "pow",
        "negative": "neg",
        "absolute": "abs",
    }
    return torch_names.get(name, name)


def check_inplace_result(result: Tensor, target: Tensor) -> None:
    """An in-place op must keep its target's shape, and its dtype's category or a lower one
    (checked in torch's order)."""
    if result._data.shape != target._data.shape:
        raise _in_place_shape_error(target, result._data.shape)
    if result._dtype._kind > target._dtype._kind:
        raise RuntimeError(
            f"result type {type_name(result._dtype)} can't be cast to the desired output type "
            f"{type_name(target._dtype)}"
        )


# ---------------------------------------------------------------------- arithmetic
def add(
    input: Operand,
    other: Operand,
    *alpha_first: Any,
    alpha: Any = 1,
    out: Tensor | None = None,
) -> Tensor:
    """``input + alpha * other``, broadcast, with torch's type promotion. (``*alpha_first``:
    ``torch.add(x, 2, y)``, torch's deprecated overload: see ``two_positional``.)"""
    if alpha_first:
        other, alpha = two_positional("add", other, alpha_first, alpha, function=True)
    if type(alpha) is not int or alpha != 1:  # (the default, 1, needs no reading)
        alpha = _alpha_arg("add", other, alpha)
    if alpha == 1 and type(alpha) is int:
        result = _binary(np.add, input, other, out=out)
    else:
        result = _with_alpha(np.add, input, other, alpha, out)
    if needs_grad(input, other):
        if alpha == 1:  # (the usual a + b: AddBackward0's default alpha, no facts to keep)
            record(result, AddBackward0, (input, other))
        else:
            record(result, AddBackward0, (input, other), alpha=alpha)
    return result


_warned_deprecated = False  # torch warns once per process, for all its deprecated overloads


def warn_deprecated_overload(
    name: str, used: str, instead: tuple[str, ...], stacklevel: int
) -> None:
    """torch's warning for a call that only a deprecated overload of ``name`` fits, ``used``
    (the first such call in the process: later ones, of any op, pass silently)."""
    global _warned_deprecated
    if _warned_deprecated:
        return
    _warned_deprecated = True
    signatures = "".join(f"\n\t{name}{signature}" for signature in instead)
    warnings.warn(
        f"This overload of {name} is deprecated:\n\t{name}{used}\n"
        f"Consider using one of the following signatures instead:{signatures} "
        "(Triggered internally at "
        "/__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:1841.)",
        UserWarning,
        stacklevel=stacklevel + 1,
    )


def method_operands(
    name: str, other: Any, alpha_first: tuple[Any, ...], alpha: Any, deprecated: bool = True
) -> tuple[Any, Any]:
    """``(other, alpha)`` of ``x.add(...)`` and its kin, whose ``alpha`` defaults to NOT_GIVEN
    (1): with a second positional argument, torch's other overloads (``two_positional``),
    where an ``alpha`` given by name too is its TypeError, ``alpha=1`` included."""
    if alpha_first:
        return two_positional(name, other, alpha_first, alpha, deprecated)
    return other, 1 if alpha is NOT_GIVEN else alpha


def two_positional(
    name: str,
    first: Any,
    rest: tuple[Any, ...],
    keyword: Any,
    deprecated: bool = True,
    function: bool = False,
) -> tuple[Any, Any]:
    """``(other, alpha)`` of a method given two positional arguments. torch reads ``x.add(a, b)``
    and ``x.sub(a, b)`` (and their in-place forms) by its deprecated overload ``(Number alpha,
    Tensor other)``, where a number counts as a tensor, with its warning, once per process;
    older code still steps that way (``p.data.add_(-lr, p.grad.data)``). ``subtract``'s is
    ``(Number other, Number alpha)`` instead (``deprecated=False``). A 0-d tensor is a Number.
    The functions ``torch.add`` and ``torch.sub`` have the deprecated overload too
    (``function``): ``(Tensor input, Number alpha, Tensor other, *, Tensor out)``."""
    takes = "2 positional arguments" if function else "1 positional argument"
    given = len(rest) + (2 if function else 1)
    if function and (type(keyword) is not int or keyword != 1):
        # alpha given by name too (the functions' default, 1, can't be told from alpha=1)
        raise TypeError(f"{name}() takes {takes} but {given} were given")
    if not function and keyword is not NOT_GIVEN:  # alpha given by name too
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got unrecognized keyword "
            "arguments: alpha"
        )
    alpha, other = (first, rest[0]) if deprecated else (rest[0], first)
    fits = len(rest) == 1 and _is_number(alpha)
    fits = fits and (isinstance(other, (Tensor, *NUMBERS)) if deprecated else _is_number(other))
    if not fits:
        raise TypeError(f"{name}() takes {takes} but {given} were given")
    if deprecated:
        if function:
            used = "(Tensor input, Number alpha, Tensor other, *, Tensor out = None)"
            instead = "(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)"
        else:
            used, instead = "(Number alpha, Tensor other)", "(Tensor other, *, Number alpha = 1)"
        warn_deprecated_overload(name, used, (instead,), stacklevel=3)
    return other, alpha


def _is_number(value: Any) -> bool:
    """torch's Number: a Python or NumPy number or bool, or a 0-d tensor."""
    return isinstance(value, NUMBERS) or (isinstance(value, Tensor) and not value._data.ndim)


def _alpha_arg(name: str, other: Any, alpha: Any) -> Any:
    """add/sub's ``alpha`` other than an int: torch's Number (a 0-d tensor as its value), read
    after ``other``'s kind, as torch parses them."""
    if not isinstance(other, Tensor):
        _check_operand(other)
    return number_arg(alpha, name, "alpha", None)


def _with_alpha(
    ufunc: np.ufunc, input: Operand, other: Operand, alpha: Any, out: Tensor | None
) -> Tensor:
    """``input ± alpha * other`` (``ufunc``: np.add or np.subtract), not recorded: floats as
    ``add_scaled`` computes them, other dtypes the product, then the sum. torch's sub adds
    ``-alpha * other``: the dtype must hold ``-alpha`` (``_negated``)."""
    scale = alpha if ufunc is np.add else _negated(alpha)
    common = _check_alpha(input, other, alpha, scale, out)
    if not common.is_floating_point:
        return _binary(ufunc, input, _scaled(common, other, alpha), out=out)

    def kernel(x: Any, y: Any) -> np.ndarray:
        return add_scaled(np.asarray(x, common.numpy), np.asarray(y, common.numpy), scale)

    kernel.__name__ = "add" if ufunc is np.add else "sub"  # (the op's name in out='s errors)
    return _binary(kernel, input, other, out=out)


def add_scaled(x: np.ndarray, y: np.ndarray, alpha: Any) -> np.ndarray:
    """``x + alpha * y`` for float arrays of one dtype, as torch's add and sub kernels compute it
    (an SGD step written by hand, ``p.add_(g, alpha=-lr)``, is one), alpha first converted to
    the dtype. float32 and float64: one fused multiply-add, rounded once (rounding the product
    first changed the last bit of a fifth of the results), but for a few elements when
    ``other`` is one number (``_unfused_positions``). float16: ``_half_with_alpha``."""
    alpha = x.dtype.type(alpha)
    if x.dtype == np.float16:
        return _half_with_alpha(x, y, alpha)
    result = fma(y, alpha, x)
    if y.size == 1 and x.ndim:  # (one number for every element of x)
        unfused = _unfused_positions(x.size, x.itemsize)
        result.reshape(-1)[unfused] = x.reshape(-1)[unfused] + alpha * y.reshape(())
    return result


def _half_with_alpha(x: np.ndarray, y: np.ndarray, alpha: np.float16) -> Any:
    """A float16 ``x + alpha * y`` as torch computes it (measured on AVX2): its vectorised
    loop, two vectors at a time, converts to float32 and rounds once at the end; the elements
    left over in each row in half arithmetic, the product rounded to half, then the sum. (An
    operand that is not contiguous sends every element the second way.)"""
    result = x + alpha * y
    if not result.ndim or not (x.flags.c_contiguous and y.flags.c_contiguous):
        return result
    row = result.size if x.shape == y.shape or not (x.ndim and y.ndim) else result.shape[-1]
    full = row - row % (2 * _VECTOR_BYTES // x.itemsize)
    if full:
        fused = (x.astype(np.float32) + np.float32(alpha) * y.astype(np.float32)).astype(np.float16)
        rows, fused = result.reshape(-1, row), fused.reshape(-1, row)
        rows[:, :full] = fused[:, :full]
    return result


def _unfused_positions(n: int, itemsize: int) -> slice:
    """Where torch's add/sub with ``alpha`` and one number as ``other`` (a number, or a tensor
    of one element) rounds the product before the sum, of ``n`` elements (measured on AVX2, for
    contiguous tensors): its vectorised loop fuses, two vectors at a time; of the elements left
    over, the compiled scalar loop fuses the first and the last few, and does the others four
    float32 (two float64) at a time without fusing."""
    left = n % (2 * _VECTOR_BYTES // itemsize)
    in_fours = (left - 1) // (16 // itemsize) * (16 // itemsize) if left else 0
    return slice(n - left + 1, n - left + 1 + in_fours)


def _check_alpha(input: Operand, x: Operand, alpha: Any, scale: Any, out: Tensor | None) -> dtype:
    """torch's checks of add/sub's ``alpha`` against the result's dtype, which it returns, and
    of the ``scale`` its kernel multiplies ``x`` by (``-alpha`` for sub). An ``out`` (or
    ``add_``'s target) must not share part of ``x``'s memory (on the integer path _write_out
    only sees a scaled copy of ``x``)."""
    if out is not None:
        out._check_reads((x,))
        if out is x and isinstance(input, Tensor):  # out= the scaled operand: written in place
            shape = broadcast_shapes(input._data.shape, x._data.shape)
            if shape != x._data.shape:
                raise _in_place_shape_error(out, shape)
    common = result_type(input, x)
    if out is not None:  # (torch's iterator, built before alpha is looked at, checks this)
        check_cast(common, out)
    if isinstance(alpha, bool) and common is not _dtype.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    # (torch's parser reads a NumPy float, and a NumPy bool too, as a floating-point number)
    if isinstance(alpha, float | complex | np.floating | np.bool_) and not common.is_floating_point:
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )
    if isinstance(alpha, complex):  # (picotorch has no complex tensors to take one)
        raise RuntimeError(
            "For non-complex input tensors, argument alpha must not be a complex number."
        )
    check_fits(scale, common)  # (``int8_x.add(y, alpha=300)`` is an error, and sub's -128)
    return common


def _negated(alpha: Any) -> Any:
    """``-alpha`` as torch's sub negates it (``alpha``: the Python number its parser reads, see
    ``number_arg``): an int as a C int64 (``-(-2**63)`` wraps around to -2**63, and an int from
    2**63, held as a uint64, is negated as the int64 of its bits)."""
    if type(alpha) is not int:
        return -alpha
    return wrapped(-wrapped(alpha, np.int64), np.int64)


def _scaled(common: dtype, x: Operand, alpha: Any) -> Operand:
    """``alpha * x`` for add/sub's ``alpha`` (not recorded: their own node accounts for it),
    computed as torch does, in the result's dtype ``common``: a uint8 ``x`` times 200 must not
    wrap around when the result is float."""
    if common is _dtype.bool:  # alpha counts as a bool: x itself, or no x at all
        alpha = bool(alpha)
        if not isinstance(x, Tensor):  # (``bool_tensor.add(True, alpha=2)`` stays bool)
            return bool(x) and alpha
    if not isinstance(x, Tensor):  # (an integer dtype: bool and floats are not scaled here)
        # of the numbers torch's parser reads (NumPy's would wrap in their own dtype: uint8
        # 200 * 3 is 88), in the result's dtype
        return wrapped(_python_number(x) * alpha, common.numpy)
    elif x._dtype is not common:
        x = _make(x._data.astype(common.numpy))
    with grad_mode.no_grad():
        return mul(x, alpha)


def _python_number(number: Any) -> Any:
    """A NumPy number as the Python number torch's parser reads it as."""
    return number.item() if isinstance(number, np.generic) else number


# --8<-- [start:add_mul_backward]
class AddBackward0(Node):
    """d(a + alpha*b) = da + alpha*db: the gradient passes through unchanged."""

    alpha: Any = 1

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        return grad, grad if self.alpha == 1 else grad * self.alpha

    def backward_arrays(self, grad: np.ndarray) -> tuple[Any, Any]:
        return grad, grad if self.alpha == 1 else grad * self.alpha


class MulBackward0(Node):
    """d(a*b) = b*da + a*db: each input's gradient is the other input times the gradient
    (``mul`` saved each input only if the other one needs a gradient)."""

    _check_order = (1, 0)  # torch's names: self, other

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved_tensors
        return (
            grad * b if self.next_functions[0][0] is not None else None,
            grad * a if self.next_functions[1][0] is not None else None,
        )

    def backward_arrays(self, grad: np.ndarray) -> tuple[Any, Any]:
        a, b = self.saved_tensors
        return (
            _grad_times(grad, b) if self.next_functions[0][0] is not None else None,
            _grad_times(grad, a) if self.next_functions[1][0] is not None else None,
        )


def _grad_times(grad: np.ndarray, x: Operand) -> np.ndarray:
    """``grad * x`` for an array formula, in the result's dtype, which the gradient has, as
    torch computes it: a saved tensor's array in that dtype; a number as torch multiplies by
    one (the Python number; a float16 gradient in float32: see ``_by_number``)."""
    if isinstance(x, Tensor):
        return grad * (x._data if x._data.dtype is grad.dtype else x._data.astype(grad.dtype))
    return _by_number(np.multiply, grad, _python_number(x))


# --8<-- [end:add_mul_backward]


class SubBackward0(Node):
    """d(a - alpha*b) = da - alpha*db."""

    alpha: Any

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        return grad, -grad if self.alpha == 1 else -grad * self.alpha

    def backward_arrays(self, grad: np.ndarray) -> tuple[Any, Any]:
        return grad, -grad if self.alpha == 1 else -grad * self.alpha


class RsubBackward1(Node):
    """``number - x``: only x has a gradient, and it is negated."""

    alpha: Any

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (-grad if self.alpha == 1 else -grad * self.alpha,)


def sub(
    input: Operand,
    other: Operand,
    *alpha_first: Any,
    alpha: Any = 1,
    out: Tensor | None = None,
) -> Tensor:
    """``input - alpha * other``; refused if an operand is bool (even ``x - True``), like torch.
    (``*alpha_first``: as ``add``'s.)"""
    if alpha_first:
        other, alpha = two_positional("sub", other, alpha_first, alpha, function=True)
    if not isinstance(other, _TENSOR_OR_NUMBER):  # (a tuple: ``x - 1`` is a hot path)
        _check_operand(other)  # (its kind first, as torch parses it)
    elif type(other) is int:
        check_python_int(other)
    if not isinstance(input, Tensor):  # (``2 - x``: the number's kind before the dtypes)
        _check_operand(input)
    if type(alpha) is not int or alpha != 1:
        alpha = _alpha_arg("sub", other, alpha)  # (its kind next)
    if _is_bool(input) or _is_bool(other):
        if _is_bool(input) and _is_bool(other):
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. "
                "Use the `^` or `logical_xor()` operator instead."
            )
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    if alpha == 1 and type(alpha) is int:
        result = _binary(np.subtract, input, other, out=out)
    else:
        result = _with_alpha(np.subtract, input, other, alpha, out)
    if needs_grad(input, other):
        if isinstance(input, Tensor):
            record(result, SubBackward0, (input, other), alpha=alpha)
        else:  # 2 - x: torch records it as "reverse subtract" with x as the only input
            record(result, RsubBackward1, (other,), alpha=alpha)
    return result


def subtract(
    input: Operand, other: Operand, *, alpha: Any = 1, out: Tensor | None = None
) -> Tensor:
    """``sub`` by its other name, which has no deprecated overload."""
    return sub(input, other, alpha=alpha, out=out)


def mul(
    input: Operand,
    other: Operand,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """Elementwise product (``*``), broadcast, with torch's type promotion."""
    result = _binary(np.multiply, input, other, out=out)
    if needs_grad(input, other):
        # each factor is needed only for the other's gradient: keep only those (as torch does)
        keep_input = input if getattr(other, "_requires_grad", False) else None
        keep_other = other if getattr(input, "_requires_grad", False) else None
        record(result, MulBackward0, (input, other), saved=(keep_input, keep_other))
    return result


def _with_number(ufunc: Callable[..., Any], node: type[Node], t: Tensor, s: float) -> Tensor:
    """``ufunc(t, s)`` for a Python number ``s``, recorded as torch's C++ code (its losses, its
    backward formulas) records such an op: ``MulBackward1``, ``DivBackward1``, ``AddBackward1``.
    (From Python, ``t * s`` is a ``MulBackward0``.) Computed in t's dtype, whatever the
    number's type (a NumPy float64 exponent of ``x ** e``, say)."""
    result = Tensor._make(_by_number(ufunc, t._data, s))
    if needs_grad(t):
        record(result, node, (t,), other=s)
    return result


def _by_number(ufunc: Callable[..., Any], data: np.ndarray, s: float) -> np.ndarray:
    """``ufunc(data, s)`` in data's dtype; a float16 product or quotient in float32 with the
    number's float32 value, rounded once, as torch's kernels compute it (see ``_half_by_one``:
    the gradient of ``half_x ** 0.1`` is ``0.1 * x ** -0.9`` so)."""
    if data.dtype == np.float16 and ufunc in _HALF_BY_ONE:
        return _HALF_BY_ONE[ufunc](data, np.float32(s))
    return ufunc(data, s, dtype=data.dtype)


def mul_scalar(t: Tensor, s: float) -> Tensor:
    """``t * s`` for a Python number (see ``_with_number``)."""
    return _with_number(np.multiply, MulBackward1, t, s)


class MulBackward1(Node):
    """d(t * s) = s dt."""

    other: float

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (mul_scalar(grad, self.other),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (_by_number(np.multiply, grad, self.other),)


def true_divide(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    """``div`` by its other name, which takes no ``rounding_mode``."""
    return div(input, other, out=out)


def div_scalar(t: Tensor, s: float) -> Tensor:
    """``t / s`` for a Python number (see ``_with_number``)."""
    return _with_number(np.true_divide, DivBackward1, t, s)


class DivBackward1(Node):
    """d(t / s) = dt / s."""

    other: float

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (div_scalar(grad, self.other),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (_by_number(np.true_divide, grad, self.other),)


def add_scalar(t: Tensor, s: float) -> Tensor:
    """``t + s`` for a Python number (see ``_with_number``)."""
    return _with_number(np.add, AddBackward1, t, s)


class AddBackward1(Node):
    """d(t + s) = dt."""

    other: float  # (not needed for the gradient)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad,)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad,)


def div(
    input: Operand,
    other: Operand,
    *,
    rounding_mode: str | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """True division (``/``; ints give floats), or ``'floor'``/``'trunc'`` rounded division."""
    if not isinstance(other, _TENSOR_OR_NUMBER):  # (a tuple: ``x / 2`` is a hot path)
        _check_operand(other)  # (its kind first, as torch parses it)
    if rounding_mode is None:
        result = _binary(np.true_divide, input, other, to_float=True, out=out)
        if needs_grad(input, other):
            # the dividend is needed only for the divisor's gradient: kept only then (as torch)
            keep_input = input if getattr(other, "_requires_grad", False) else None
            record(result, DivBackward0, (input, other), saved=(keep_input, other))
        return result
    if not isinstance(rounding_mode, str):
        raise TypeError(
            f"div(): argument 'rounding_mode' must be str, not {type_name_of(rounding_mode)}"
        )
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    result = _rounded_division(input, other, rounding_mode, out)
    if needs_grad(input, other):
        record(result, DivBackward2, (input, other))
    return result


def floor_divide(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    """``input // other``: ``div(..., rounding_mode='floor')``, except that torch gives it no
    derivative: backward through it is an error, not the zero gradient of ``div``."""
    result = _rounded_division(input, other, "floor", out)
    if needs_grad(input, other):
        tensors = tuple(x for x in (input, other) if isinstance(x, Tensor))
        record(result, NotImplementedBackward, tensors, op="floor_divide")
    return result


def _rounded_division(
    input: Operand,
    other: Operand,
    rounding_mode: str,
    out: Tensor | None = None,
) -> Tensor:
    check_in_place_shape(out, input, other)
    _refuse_bool(f"div_{rounding_mode}_cpu", input, other)
    _check_integer_divisor(input, other)
    func = np.floor_divide if rounding_mode == "floor" else _trunc_divide
    return _binary(func, input, other, out=out)


class DivBackward2(Node):
    """Rounded division: a step function, whose gradient is zero almost everywhere (and taken
    as zero everywhere, as torch does)."""

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tuple(None if n is None else _zeros_like(grad) for n, _ in self.next_functions)


class DivBackward0(Node):
    """d(a/b) = da/b - (a/b)/b db (divided twice, not by b², which would underflow sooner)."""

    _check_order = (1, 0)  # torch's names: self, other

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved_tensors
        grad_a = grad / b if self.next_functions[0][0] is not None else None
        grad_b = -grad * ((a / b) / b) if self.next_functions[1][0] is not None else None
        return grad_a, grad_b


def reciprocal(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``1 / x``, elementwise (ints give floats)."""
    result = _unary(np.reciprocal, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, ReciprocalBackward0, (input,), saved=(result,))
    return result


class ReciprocalBackward0(Node):
    """d(1/x) = -dx/x² = -(1/x)² dx, written with the saved result."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (r,) = self.saved_tensors
        return (-grad * (r * r),)


def _trunc_divide(x: Any, y: Any) -> Any:
    if np.result_type(x, y).kind == "f":
        return np.trunc(np.true_divide(x, y))
    q = np.floor_divide(x, y)
    return q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0)))


# the float16 ops torch computes in float32 when the second operand has one element, each with
# its kernel (see _half_by_one), built once
_HALF_BY_ONE = {
    f: _half_by_one(f) for f in (np.multiply, np.true_divide, np.floor_divide, _trunc_divide)
}


def _refuse_bool(kernel: str, input: Operand, other: Operand) -> None:
    """torch has no bool kernel for rounded division and remainder (``True // True``)."""
    if result_type(input, other) is _dtype.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_integer_divisor(input: Operand, other: Operand) -> None:
    """Integer division by zero is an error in torch (NumPy would quietly give 0), also by a
    number that becomes 0 in the dtype (``int8_x // 256``)."""
    common = result_type(input, other)
    if common.is_floating_point:
        return
    if np.any(np.asarray(_array(other, common)) == 0):
        raise RuntimeError("ZeroDivisionError")


def remainder(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    """Python-style modulo (``%``): the result has the sign of the divisor."""
    _require_a_tensor("remainder", input, other, out, _NUMBER_FORMS)
    check_in_place_shape(out, input, other)
    _refuse_bool("remainder_cpu", input, other)
    _check_integer_divisor(input, other)
    result = _binary(_remainder, input, other, out=out)
    if needs_grad(input, other):
        if not isinstance(other, Tensor):  # x % 2
            record(result, RemainderBackward0, (input,))
        elif isinstance(input, Tensor):
            record(result, RemainderBackward1, (input, other), saved=(input, other))
        else:  # 2 % x: torch has no derivative for it, and says so at backward time
            record(result, NotImplementedBackward, (other,), op="remainder")
    return result


def _remainder(x: Any, y: Any) -> Any:
    """``np.remainder``, except that a zero takes the dividend's sign, as in torch (which
    corrects ``fmod``'s result only where it is not zero): ``-3. % 3`` is -0., ``4. % -2`` is 0.
    NumPy gives a zero the divisor's sign."""
    r = np.remainder(x, y)
    return np.where(r == 0, np.copysign(r, x), r) if r.dtype.kind == "f" else r


class RemainderBackward0(Node):
    """``x % number`` = x - floor(x/number)*number: the gradient passes through unchanged."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad,)


class RemainderBackward1(Node):
    """a % b = a - floor(a/b)*b: da passes through; db gets -floor(a/b) (a step function)."""

    _check_order = (1, 0)  # torch's names: self, other

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        a, b = self.saved_tensors
        if self.next_functions[1][0] is None:
            return grad, None
        return grad, -grad * div(a, b, rounding_mode="floor")


def pow(  # noqa: A001 - torch's name
    input: Operand,
    exponent: Operand,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """``input ** exponent``, elementwise.

    For integers, a negative *number* as exponent is an error, while negative values in an
    exponent *tensor* follow torch's integer kernel (see ``_int_power``).
    """
    _require_a_tensor("pow", input, exponent, out, _POW_FORMS)
    check_python_int(input)
    check_python_int(exponent)
    if isinstance(input, Tensor) and not input._dtype.is_floating_point:
        _check_integer_exponent(exponent)
    check_in_place_shape(out, input, exponent)
    common = result_type(input, exponent)
    if not isinstance(exponent, Tensor) and common not in _WIDE_FLOATS:
        check_fits(exponent, common)  # (``int8_x ** 300`` is an error; float32 takes a double)
    func: Callable[..., Any] = np.power
    if common is _dtype.bool:
        # torch has no bool pow kernel; ``x ** True`` copies x and ``x ** False`` fills ones
        # before the kernel is chosen, so those two work.
        if isinstance(exponent, Tensor) or exponent not in (0, 1):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        func = np.greater_equal  # for bools, x ** y is x >= y: true unless x = 0 and y = 1
    elif common.is_floating_point:
        # (float16: torch's half kernel is pow for every number, computed in float32, as
        # NumPy's: ``-0.0 ** -0.5`` is inf there, not 1 / sqrt(-0.0))
        if isinstance(input, Tensor) and not isinstance(exponent, (Tensor, bool)):
            if common is not _dtype.float16:
                func = _POWER_BY_PRODUCTS.get(exponent, func)
            if common is _dtype.float32 and func is np.power:
                func = functools.partial(_float32_power, exponent=float(exponent))
    elif isinstance(exponent, Tensor) and np.any(_array(exponent, common) < 0):
        # (read in the result's dtype: 255 may be -1; a negative number was refused above)
        func = _int_power
    if out is not None:
        check_out("pow", out, input, exponent)  # (named here: func may be no ufunc)
    result = _binary(func, input, exponent, out=out)
    if needs_grad(input, exponent):
        if not isinstance(exponent, Tensor):
            record(result, PowBackward0, (input,), saved=(input, exponent))
        elif not isinstance(input, Tensor):
            record(result, PowBackward2, (exponent,), saved=(input, exponent, result))

        else:
            record(result, PowBackward1, (input, exponent), saved=(input, exponent, result))
    return result


def _check_integer_exponent(exponent: Any) -> None:
    """torch's first check of an integer or bool tensor to the power of a number: an integer
    exponent, read as an int64, must not be negative (before the dtypes are promoted, so
    ``int8_x ** 2**63`` is the int64 overflow and ``bool_x ** -1`` this error)."""
    if isinstance(exponent, (int, np.integer)):  # (bools too)
        if exponent > INT64_MAX:
            raise RuntimeError("value cannot be converted to type int64_t without overflow")
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")


class PowBackward0(Node):
    """d(x**e) = e * x**(e-1) dx, for a number e (exactly 0 for e = 0, even where x = 0)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, e = self.saved_tensors
        if e == 0:
            return (_zeros_like(x),)
        return (grad * mul_scalar(x ** (e - 1), e),)  # torch: exponent * x.pow(exponent - 1)


class PowBackward1(Node):
    """d(x**y) = y * x**(y-1) dx + x**y * log(x) dy, for tensors x and y.

    As in torch, the x term is 0 where y == 0, and the y term is 0 where x == 0 and y >= 0
    (the limits, instead of the 0 * inf = nan the formulas would give there)."""

    _check_order = (1, 0, 2)  # torch's names: self, exponent, result (an output: last)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, y, result = self.saved_tensors
        grad_x = grad_y = None
        if self.next_functions[0][0] is not None:
            grad_x = where(y == 0, 0.0, grad * (y * x ** (y - 1)))
        if self.next_functions[1][0] is not None:
            x = x if x._dtype is result._dtype else x.to(result._dtype)
            grad_y = grad * where((x == 0) & (y >= 0), 0.0, result * log(x))
        return grad_x, grad_y


class PowBackward2(Node):
    """d(n**y) = n**y * log(n) dy, for a number n (0 where n == 0 and y >= 0, as in torch)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        n, y, result = self.saved_tensors
        # in double, as torch: -inf for 0, nan for a negative base (NumPy's log of its uint8
        # 200 would be a float16)
        log_n = float(np.log(float(n)))
        if n == 0:
            return (grad * where(y >= 0, 0.0, result * log_n),)
        return (grad * (result * log_n),)


def _zeros_like(x: Tensor) -> Tensor:
    """A zero gradient of ``x``'s shape and dtype (a constant: it needs no graph)."""
    return Tensor._make(np.zeros(x._data.shape, x._data.dtype))


# ---------------------------------------------------------------------- overwrites
def overwritten(input: Tensor, values: np.ndarray, node: type[Node], fill_value: Any) -> Tensor:
    """``values`` as the new value of ``input``, recorded as ``node``: the out-of-place form
    that ``Tensor._inplace`` runs for ``zero_``, ``fill_``, ``uniform_`` and ``normal_`` on a
    tensor with history. The old value gets a zero gradient (none of it is left); a tensor
    ``fill_value`` gets the sum of the gradient (it was copied into every element), a number
    or None is no input."""
    result = _make(values)
    inputs = (input, fill_value) if isinstance(fill_value, Tensor) else (input,)
    if needs_grad(*inputs):
        record(result, node, inputs)
    return result


class ZeroBackward0(Node):
    """``zero_``: the old value is gone, so its gradient is zero."""

    def backward(self, grad: Tensor) -> tuple[Tensor, ...]:
        return (_zeros_like(grad),)


class FillBackward2(ZeroBackward0):
    """``fill_(number)``."""


class UniformBackward0(ZeroBackward0):
    """``uniform_()``."""


class NormalBackward0(ZeroBackward0):
    """``normal_()``."""


class FillBackward3(Node):
    """``fill_(tensor)``: every element is the 0-d value, whose gradient is their sum."""

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        grad_value = grad.sum() if self.next_functions[1][0] is not None else None
        return _zeros_like(grad), grad_value


# the exponents torch's float32 and float64 kernels compute with products and quotients instead
# of pow (the results differ in the last bit: enough to change the losses a tutorial's ``x ** 3``
# model prints)
_POWER_BY_PRODUCTS: dict[float, Callable[[Any, Any], Any]] = {
    2: lambda x, _: x * x,
    3: lambda x, _: x * x * x,
    -0.5: lambda x, _: 1 / np.sqrt(x),
    -1: lambda x, _: 1 / x,
    -2: lambda x, _: 1 / (x * x),
}


def _float32_power(x: Any, y: Any, *, exponent: float) -> np.ndarray:
    """A float32 ``x ** number`` as torch computes it (measured on AVX2): the elements of its
    vectorised loop (``_vectorised``) to the power of the number rounded to float32, the others
    in double, to the power of the number as given, rounded once. The two differ in the last
    bit for most numbers float32 can't hold (``x ** 2.2`` of a few elements), and in the sign
    where an odd exponent rounds to an even one (``(-3.5) ** (2**31 - 1)``)."""
    x = np.asarray(x)
    result = np.asarray(np.power(x, y))
    if not result.ndim:
        return (x.astype(np.float64) ** exponent).astype(np.float32)
    scalar = np.broadcast_to(np.logical_not(_vectorised(result.shape, (x,))), result.shape)
    result[scalar] = (x[scalar].astype(np.float64) ** exponent).astype(np.float32)
    return result


def _int_power(x: Any, y: Any) -> Any:
    """``x ** y`` for integer arrays where ``y`` has negative values, as torch computes it:
    1 stays 1, -1 alternates sign, and any other base (a true fraction) gives 0."""
    negative = y < 0
    powers = np.power(x, np.where(negative, 0, y))
    odd = (y % 2) != 0
    fractions = np.where(x == 1, 1, np.where(x == -1, np.where(odd, -1, 1), 0))
    return np.where(negative, fractions, powers).astype(powers.dtype)


# torch's maximum, minimum and clamp choose between 0.0 and -0.0 where they tie by where an
# element falls in the kernel's loop (measured on AVX2): the vectorised part takes the second
# operand of each max/min, the scalar part the first (NumPy: the second in float32 and float64,
# the first in float16). The sign shows when printed: ``tensor([-0.])``.
def _vectorised(shape: tuple[int, ...], operands: tuple[np.ndarray, ...]) -> Any:
    """Which elements of a new result of ``shape`` torch's vectorised loop computes, for a
    kernel reading ``operands`` (broadcast to ``shape``): a bool array, or False for none.
    TensorIterator walks the dims in the operands' memory order (``_iteration_order``) and
    merges the innermost ones that every operand steps through evenly into one loop, run once
    for each element of the other dims; the loop is vectorised when each operand steps one
    element at a time, or one of them not at all (a broadcast one), and goes two vectors at a
    time, leaving the last ``len % (2 * lanes)`` to the scalar loop."""
    strides = [np.broadcast_to(a, shape).strides for a in operands]
    order = _iteration_order(shape, strides)
    loop, steps = 1, [0 for _ in operands]
    for d in order:
        if loop == 1:  # (a dim of size 1 steps as the one outside it)
            steps = [s[d] for s in strides]
        elif shape[d] != 1 and any(st * loop != s[d] for st, s in zip(steps, strides, strict=True)):
            break
        loop *= shape[d]
    contiguous = [st == a.itemsize for st, a in zip(steps, operands, strict=True)]
    if loop <= 1 or not (all(contiguous) or contiguous.count(False) == steps.count(0) == 1):
        return False
    full = loop - loop % (2 * _VECTOR_BYTES // operands[0].itemsize)
    outer_first = order[::-1]
    walked = np.arange(math.prod(shape)).reshape([shape[d] for d in outer_first])
    return walked.transpose(np.argsort(outer_first)) % loop < full


def _iteration_order(shape: tuple[int, ...], strides: list[tuple[int, ...]]) -> list[int]:
    """The dims, innermost first, in the order TensorIterator walks them for a new result
    (``reorder_dimensions``): sorted by the operands' strides, the first operand that tells two
    dims apart deciding (a broadcast dim, stride 0, tells nothing), row-major where none does."""

    def outer(d0: int, d1: int) -> int:  # (TensorIterator's should_swap)
        for s in strides:
            if s[d0] == 0 or s[d1] == 0:
                continue
            if s[d0] != s[d1]:
                return 1 if s[d0] > s[d1] else -1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    return sort_dims(len(shape), outer)


def _ties_as_torch(result: Any, first: Any, second: Any, loop: tuple[Any, ...] | None) -> Any:
    """``result``, a new max or min of ``first`` and ``second``, with ties taken from ``second``
    where torch's vectorised loop over the operands ``loop`` computes them (``_vectorised``;
    None: a scalar loop alone) and from ``first`` elsewhere."""
    result = np.asarray(result)
    if result.dtype.kind != "f":
        return result
    tied = first == second
    if not tied.any():  # (the usual case: nothing to choose)
        return result
    vectorised = False if loop is None else _vectorised(result.shape, loop)
    np.copyto(result, second, where=tied & vectorised)
    np.copyto(result, first, where=tied & np.logical_not(vectorised))
    return result


def _zero_ties_as_torch(ufunc: np.ufunc) -> Callable[[Any, Any], np.ndarray]:
    """``np.maximum``/``np.minimum`` with torch's choice between 0.0 and -0.0 (above)."""

    def kernel(x: Any, y: Any) -> np.ndarray:
        result = np.asarray(ufunc(x, y))
        return _ties_as_torch(result, x, y, (x, y))

    kernel.__name__ = ufunc.__name__  # (the op's name in out='s errors)
    return kernel


_maximum = _zero_ties_as_torch(np.maximum)
_minimum = _zero_ties_as_torch(np.minimum)


def maximum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The elementwise larger of two tensors (NaN wins, as in torch)."""
    _require_tensors("maximum", input, other)
    result = _binary(_maximum, input, other, out=out)
    if needs_grad(input, other):
        record(result, MaximumBackward0, (input, other), saved=(input, other))
    return result


def minimum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The elementwise smaller of two tensors (NaN wins, as in torch)."""
    _require_tensors("minimum", input, other)
    result = _binary(_minimum, input, other, out=out)
    if needs_grad(input, other):
        record(result, MinimumBackward0, (input, other), saved=(input, other))
    return result


class MaximumBackward0(Node):
    """The gradient goes to the larger input; on a tie, half to each (as torch does)."""

    _check_order = (1, 0)  # torch's names: self, other

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = self.saved_tensors
        shared = where(a == b, grad / 2, grad)
        return where(a < b, 0.0, shared), where(a > b, 0.0, shared)


class MinimumBackward0(Node):
    """The gradient goes to the smaller input; on a tie, half to each (as torch does)."""

    _check_order = (1, 0)  # torch's names: self, other

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = self.saved_tensors
        shared = where(a == b, grad / 2, grad)
        return where(a > b, 0.0, shared), where(a < b, 0.0, shared)


def _require_tensors(name: str, *args: Any) -> None:
    require_tensors(name, dict(zip(("input", "other"), args, strict=False)))


def _is_bool(x: Operand) -> bool:
    return (x._dtype is _dtype.bool) if isinstance(x, Tensor) else isinstance(x, bool)


# ---------------------------------------------------------------------- comparisons & logic
_COMPARABLE = (Tensor, int, float, np.number, np.bool_)
_COMPARE_FORMS = (
    "Tensor input, Tensor other, *, Tensor out = None",
    "Tensor input, Number other, *, Tensor out = None",
)


def _compare(
    ufunc: Callable[..., Any], a: Operand, b: Operand, out: Tensor | None = None, name: str = ""
) -> Tensor:
    """Compare in the promoted dtype (so ``int_tensor < 2.5`` compares as floats); bool, or
    written into ``out`` (of the torch function ``name``)."""
    if not isinstance(a, Tensor):  # (torch.lt(2, x); a Tensor method's or operator's is one)
        got = f"{type_name_of(a)}, {type_name_of(b)}" + ("" if out is None else ", out=Tensor")
        raise invalid_combination(name, got, *_COMPARE_FORMS)
    if out is not None:
        return _into_any_dtype(name, out, _compare(ufunc, a, b), (a, b))
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._dtype is b._dtype:
        return _compared(ufunc, a._data, b._data)
    if not isinstance(a, _COMPARABLE) or not isinstance(b, _COMPARABLE):
        raise TypeError(
            f"unsupported operand types for comparison: '{type(a).__name__}' and "
            f"'{type(b).__name__}'"
        )
    common = result_type(a, b)  # (it refuses an int no C integer holds, as torch's parser)
    return _compared(ufunc, _array(a, common), _array(b, common))


def _compared(ufunc: Callable[..., Any], x: Any, y: Any) -> Tensor:
    try:
        result = ufunc(x, y)
    except ValueError:
        broadcast_shapes(np.shape(x), np.shape(y))  # torch's error naming the bad dim
        raise
    return Tensor._make(_laid_out_as_torchs(result, (x, y)))


def eq(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.equal, input, other, out, "eq")


def ne(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.not_equal, input, other, out, "ne")


def lt(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.less, input, other, out, "lt")


def le(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.less_equal, input, other, out, "le")


def gt(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.greater, input, other, out, "gt")


def ge(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    return _compare(np.greater_equal, input, other, out, "ge")


def _into_any_dtype(name: str, out: Tensor, result: Tensor, reads: tuple[Any, ...]) -> Tensor:
    """``out=`` of a comparison or ``logical_not``: the result written in ``out``'s dtype,
    whatever it is (and no autograd check: they have no gradient)."""
    check_out(name, out, differentiable=False)
    return write_out(out, result, reads=reads, elementwise=True, differentiable=False)


def equal(input: Tensor, other: Tensor, *, first: str | None = "input") -> bool:
    """True if both tensors have the same shape and the same values (of any dtypes).
    ``first``: the first argument's name, None for the method (``x.equal(y)``), for errors."""
    _require_two_tensors("equal", input, other, first)
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def allclose(
    input: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
    *,
    first: str | None = "input",
) -> bool:
    """Whether ``|input - other| <= atol + rtol * |other|`` everywhere (broadcast); both of one
    dtype. ``first`` as for ``equal``."""
    _require_two_tensors("allclose", input, other, first)
    rtol, atol = float_arg(rtol, "allclose", "rtol"), float_arg(atol, "allclose", "atol")
    bool_arg(equal_nan, "allclose", "equal_nan")
    if input._dtype is not other._dtype:
        raise RuntimeError(f"{type_name(input._dtype)} did not match {type_name(other._dtype)}")
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if not tolerance >= 0:  # (NaN too)
            raise RuntimeError(
                f"{name} must be greater than or equal to zero, but got {tolerance:g}"
            )
    broadcast_shapes(input._data.shape, other._data.shape)  # (torch's error if they don't)
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _require_two_tensors(name: str, input: Any, other: Any, first: str | None) -> None:
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        require_tensors(name, {"other": other} if first is None else {first: input, "other": other})


def _bitwise(
    ufunc: Callable[..., Any], name: str, a: Operand, b: Operand, out: Tensor | None
) -> Tensor:
    _require_a_tensor(name, a, b, out, _NUMBER_FORMS)
    common = result_type(a, b)  # (first: it refuses an int no C integer holds)
    if common.is_floating_point:  # (torch's checks come first: the shapes, then the dtypes)
        broadcast_shapes(np.shape(a), np.shape(b))
        check_in_place_shape(out, a, b)
        if out is not None:
            check_cast(common, out)  # (``int_x &= 0.5``)
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{type_name(common)}'")
    return _binary(ufunc, a, b, out=out)


def bitwise_and(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    """``&``: logical and for bool tensors, bitwise and for ints."""
    return _bitwise(np.bitwise_and, "bitwise_and", input, other, out)


def bitwise_or(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    """``|``: logical or for bool tensors, bitwise or for ints."""
    return _bitwise(np.bitwise_or, "bitwise_or", input, other, out)


def bitwise_xor(input: Operand, other: Operand, *, out: Tensor | None = None) -> Tensor:
    """``^``: logical xor for bool tensors, bitwise xor for ints."""
    return _bitwise(np.bitwise_xor, "bitwise_xor", input, other, out)


def bitwise_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``~``: logical not for bool tensors, bitwise not for ints."""
    if out is not None:
        check_out("aten::bitwise_not", out, input)
        if out._dtype is not input._dtype:
            raise RuntimeError(
                f"Found dtype {type_name(out._dtype)} but expected {type_name(input._dtype)}"
            )
        return write_out(out, bitwise_not(input), reads=(input,), elementwise=True)
    if input._dtype.is_floating_point:
        kernel = '"bitwise_not_cpu"'
        raise NotImplementedError(f"{kernel} not implemented for '{type_name(input._dtype)}'")
    return Tensor._make(np.invert(input._data))


def logical_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise not: bool, or ``out``'s dtype (no autograd check: it has no gradient)."""
    result = Tensor._make(np.logical_not(input._data))
    return result if out is None else _into_any_dtype("logical_not", out, result, (input,))


# ---------------------------------------------------------------------- unary maths
def neg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``-input``; refused for bool tensors, as in torch."""
    if input._dtype is _dtype.bool:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    result = _unary(np.negative, input, to_float=False, out=out)
    if needs_grad(input):
        record(result, NegBackward0, (input,))
    return result


class NegBackward0(Node):
    """d(-x) = -dx."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (-grad,)


def abs(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A001
    """``|x|``, elementwise; torch has no kernel for bool tensors."""
    if isinstance(input, Tensor) and input._dtype is _dtype.bool:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    result = _unary(np.abs, input, to_float=False, out=out)
    if needs_grad(input):
        record(result, AbsBackward0, (input,), saved=(input,))
    return result


class AbsBackward0(Node):
    """d|x| = sign(x) dx (0 at x = 0)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (grad * sign(x),)


def _sign(x: Any) -> Any:
    # torch's (0 < x) - (x < 0): NaN gives 0 (NumPy's sign gives NaN); bool stays bool
    if x.dtype.kind == "b":
        return x.copy()
    if x.dtype.kind == "f":
        return np.subtract(x > 0, x < 0, dtype=x.dtype)
    return np.sign(x)


def sign(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """-1, 0 or 1 by the sign of each element (its gradient is 0 everywhere)."""
    result = _unary(_sign, input, to_float=False, out=out)
    if needs_grad(input):
        record(result, SignBackward0, (input,))
    return result


class SignBackward0(Node):
    """sign is flat wherever it is differentiable: a zero gradient (not grad * 0, which is NaN
    for an infinite grad)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (_zeros_like(grad),)


# --8<-- [start:rounded_from_wider]
# float32 in double, double in x86's 80-bit long double (elsewhere that is double itself)
_FLOAT32 = np.dtype(np.float32)
_WIDER = {_FLOAT32: np.float64, np.dtype(np.float64): np.longdouble}


def _rounded_from_wider(ufunc: np.ufunc, *, float64_too: bool = False) -> Callable[[Any], Any]:
    """``ufunc`` computed in a wider float and rounded once, which gives the correctly rounded
    result. torch's exp, log, sin, cos and tanh (Intel MKL's, on x86) give it for 92 % (float32
    log) to 99.9 % of inputs; NumPy's own float32 loops for 60 % (exp) to 89 % (sin). The rest
    are a last bit off, which ``.item()`` and ``tolist()`` show. float64 only ``float64_too``:
    long double is six times slower, and NumPy's float64 loops agree with torch for 99.4 % of
    inputs or more, but for tanh (79 %) and log1p (96 %). (float16 NumPy computes in float32
    and rounds once, as torch does.)"""
    widened = set(_WIDER) if float64_too else {_FLOAT32}

    def kernel(x: Any) -> Any:
        return ufunc(x, dtype=_WIDER[x.dtype]).astype(x.dtype) if x.dtype in widened else ufunc(x)

    kernel.__name__ = ufunc.__name__  # (the op's name in out='s errors)
    return kernel


# --8<-- [end:rounded_from_wider]


_exp = _rounded_from_wider(np.exp)
_log = _rounded_from_wider(np.log)
_log1p = _rounded_from_wider(np.log1p, float64_too=True)
_sin = _rounded_from_wider(np.sin)
_cos = _rounded_from_wider(np.cos)
_tanh = _rounded_from_wider(np.tanh, float64_too=True)


def exp(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``e ** x``, elementwise."""
    result = _unary(_exp, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, ExpBackward0, (input,), saved=(result,))
    return result


class ExpBackward0(Node):
    """d(e**x) = e**x dx: the saved result is the derivative."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (result,) = self.saved_tensors
        return (grad * result,)


def log(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The natural logarithm, elementwise."""
    result = _unary(_log, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, LogBackward0, (input,), saved=(input,))
    return result


class LogBackward0(Node):
    """d(log x) = dx / x."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (grad / x,)


def log1p(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``log(1 + x)``, elementwise, accurate where x is tiny (``1 + x`` alone would round it
    away)."""
    result = _unary(_log1p, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, Log1PBackward0, (input,), saved=(input,))
    return result


class Log1PBackward0(Node):
    """d log(1 + x) = dx / (1 + x)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (grad / (x + 1),)


def sqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The square root, elementwise."""
    result = _unary(np.sqrt, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, SqrtBackward0, (input,), saved=(result,))
    return result


class SqrtBackward0(Node):
    """d(sqrt x) = dx / (2 sqrt x)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (result,) = self.saved_tensors
        return (grad / (result * 2),)


def sin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The sine, elementwise (radians)."""
    result = _unary(_sin, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, SinBackward0, (input,), saved=(input,))
    return result


class SinBackward0(Node):
    """d(sin x) = cos(x) dx."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved_tensors
        return (grad * cos(x),)


def cos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The cosine, elementwise (radians)."""
    result = _unary(_cos, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, CosBackward0, (input,), saved=(input,))
    return result


class CosBackward0(Node):
    """d(cos x) = -sin(x) dx."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:

        (x,) = self.saved_tensors
        return (grad * -sin(x),)


def tanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The hyperbolic tangent, elementwise."""
    result = _unary(_tanh, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, TanhBackward0, (input,), saved=(result,))
    return result


class TanhBackward0(Node):
    """d(tanh x) = (1 - tanh²x) dx, written with the saved result."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (result,) = self.saved_tensors
        return (tanh_backward(grad, result),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        (result,) = self.saved_tensors
        return (_tanh_grad(grad, result._data),)


def tanh_backward(grad: Tensor, result: Tensor) -> Tensor:
    """tanh's backward as an op of its own (torch's ``tanh_backward``): ``grad * (1 - y²)``.
    Recorded as one node, as torch records it, so that a second derivative has torch's graph."""
    out = Tensor._make(_tanh_grad(grad._data, result._data))
    if needs_grad(grad, result):
        record(out, TanhBackwardBackward0, (grad, result), saved=(grad, result))
    return out


def _tanh_grad(g: np.ndarray, y: np.ndarray) -> np.ndarray:
    # (torch's kernel computes 1 - y² as one fused multiply-add, and half in float32)
    if y.dtype == np.float16:
        return _tanh_grad(g.astype(np.float32), y.astype(np.float32)).astype(np.float16)
    return g * fma(-y, y, 1)


class TanhBackwardBackward0(Node):
    """r = g (1 - y²): in ``g``, the same factor again; in ``y``, ``-2 y g``."""

    def backward(self, gg: Tensor) -> tuple[Tensor | None, Tensor | None]:
        g, y = self.saved_tensors
        return tanh_backward(gg, y), gg * (mul_scalar(y, -2) * g)


def _sigmoid(x: Any) -> Any:
    # 1 / (1 + e^-x): e^-x overflows to inf for very negative x, and 1/inf = 0 is right.
    if x.dtype == np.float16:  # torch computes half in float32 and rounds once
        return _sigmoid(x.astype(np.float32)).astype(np.float16)
    # (torch's exp here is SLEEF's, not MKL's: a last bit off the rounded one for 9 % of inputs,
    # which shows in 4 % of the sigmoids; NumPy's float32 exp in 17 %)
    return np.reciprocal(_exp(np.negative(x)) + x.dtype.type(1))


def sigmoid(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``1 / (1 + exp(-x))``, elementwise."""
    result = _unary(_sigmoid, input, to_float=True, out=out)
    if needs_grad(input):
        record(result, SigmoidBackward0, (input,), saved=(result,))
    return result


class SigmoidBackward0(Node):
    """d(sigmoid x) = sigmoid(x) (1 - sigmoid(x)) dx, written with the saved result."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (result,) = self.saved_tensors
        return (sigmoid_backward(grad, result),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        (result,) = self.saved_tensors
        return (_sigmoid_grad(grad, result._data),)


def sigmoid_backward(grad: Tensor, result: Tensor) -> Tensor:
    """sigmoid's backward as an op of its own (torch's ``sigmoid_backward``):
    ``grad * (1 - y) * y``, recorded as one node (see ``tanh_backward``)."""
    out = Tensor._make(_sigmoid_grad(grad._data, result._data))
    if needs_grad(grad, result):
        record(out, SigmoidBackwardBackward0, (grad, result), saved=(grad, result))
    return out


def _sigmoid_grad(g: np.ndarray, y: np.ndarray) -> np.ndarray:
    return g * (1 - y) * y


class SigmoidBackwardBackward0(Node):
    """r = g (1 - y) y: in ``g``, the same factor again; in ``y``, ``g (1 - 2y)``."""

    def backward(self, gg: Tensor) -> tuple[Tensor | None, Tensor | None]:
        g, y = self.saved_tensors
        return sigmoid_backward(gg, y), gg * g * add_scalar(mul_scalar(y, -2), 1)


# Of two equal values (0. and -0.), NumPy's float32/float64 maximum and minimum return the
# second, and torch's relu and clamp keep x: relu(-0.) is -0. So the bound goes first below,
# but second for float16, where NumPy keeps the first. (torch.maximum's vectorised loop keeps
# `other`, as np.maximum(x, other) does, so maximum() needs no such care.)
def _relu(x: Any) -> Any:
    if x.dtype == np.float16:
        return np.maximum(x, 0)
    return np.maximum(0, x)  # (a Python 0 keeps x's dtype: NumPy's NEP 50 rules)


def relu(input: Tensor) -> Tensor:
    """``max(x, 0)``, elementwise (NaN stays NaN)."""
    if isinstance(input, Tensor):
        if input._dtype is _dtype.bool:
            raise RuntimeError(_BOOL_RELU)
        # nothing to convert: 0 in the tensor's own dtype (dtype._zero); float16: see _relu
        if input._dtype is _dtype.float16:
            result = _make(np.maximum(input._data, input._dtype._zero))
        else:
            result = _make(np.maximum(input._dtype._zero, input._data))
    else:
        result = _unary(_relu, input, to_float=False)  # (torch's TypeError)
    if needs_grad(input):
        record(result, ReluBackward0, (input,), saved=(result,))
    return result


_BOOL_RELU = "Boolean inputs not supported for relu"


def relu_into(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``relu`` with ``out=``, for ``Tensor.relu_`` (``Tensor._inplace`` writes with ``out=``
    when autograd does not record): ``torch.relu`` itself has no ``out=``."""
    if out is None:
        return relu(input)
    if input._dtype is _dtype.bool:
        raise RuntimeError(_BOOL_RELU)
    return _unary(_relu, input, to_float=False, out=out)


# --8<-- [start:relu_backward]
class ReluBackward0(Node):
    """relu blocks the gradient where its output is 0 and passes it elsewhere (a NaN output
    passes it too, as in torch)."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        (result,) = self.saved_tensors
        return (threshold_backward(grad, result),)

    def backward_arrays(self, grad: np.ndarray) -> tuple[np.ndarray]:
        (result,) = self.saved_tensors
        return (_threshold_backward(grad, result._data),)


# --8<-- [end:relu_backward]


def threshold_backward(grad: Tensor, result: Tensor) -> Tensor:
    """relu's backward as an op of its own (torch's ``threshold_backward``): ``grad`` where
    ``result > 0``, else 0. Recorded, so that a second derivative through relu is a zero
    gradient (as in torch), not a graph that ends at the mask."""
    out = Tensor._make(_threshold_backward(grad._data, result._data))
    if needs_grad(grad, result):
        record(out, ThresholdBackwardBackward0, (grad, result), saved=(result,))
    return out


def _threshold_backward(g: np.ndarray, result: np.ndarray) -> np.ndarray:
    """``g`` where ``result > 0``, else 0, on the arrays (a NaN result passes ``g``, as in
    torch). Exact either way: elements are picked, never multiplied by a mask (inf * 0 is NaN,
    -1 * 0 is -0.)."""
    zero = _FROM_NUMPY[g.dtype]._zero
    blocked = np.less_equal(result, zero)
    if g.size <= 256 and g.shape == result.shape and g.strides == result.strides:
        # a copy with the blocked elements set to 0: quicker than np.where up to a few hundred
        # elements (twice as quick when few are blocked), and laid out as np.where would
        passed = np.array(g, order="K")  # (a 0-d gradient may come as a NumPy scalar)
        passed[blocked] = 0
        return passed
    if g.size < 2048 or g.dtype.kind != "f" or g.shape != result.shape:
        return np.where(blocked, zero, g)
    # On large float arrays, keep or clear each element's bits instead: branch-free, so several
    # times quicker than np.where on a random mask (but slower on small ones: the three extra
    # NumPy calls cost more than they save). ``bits`` is all ones where the gradient passes.
    bits = blocked.astype(_SAME_SIZE_UINT[g.dtype])
    bits -= 1
    bits &= g.view(bits.dtype)
    return bits.view(g.dtype)


_SAME_SIZE_UINT = {np.dtype(f"f{n}"): np.dtype(f"u{n}") for n in (2, 4, 8)}


class ThresholdBackwardBackward0(Node):
    """``threshold_backward`` is linear in ``grad`` (the same mask again) and flat in ``result``."""

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        (result,) = self.saved_tensors
        return threshold_backward(grad, result), _zeros_like(result)


def clamp(
    input: Tensor,
    min: Any = None,
    max: Any = None,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """Limit every element to ``[min, max]`` (``min`` is applied first, then ``max``)."""
    numbers = _clamp_overload(min, max) == "Number"
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    min, max = _real_bound(min, input), _real_bound(max, input)  # noqa: A001
    bounds = [b for b in (min, max) if b is not None]
    common = result_type(input, *bounds)
    if common is _dtype.bool:
        _refuse_bool_clamp(min, max)
    # two number bounds, one NaN: torch fills NaN, without converting the other
    nan_fill = numbers and len(bounds) == 2 and any(math.isnan(float(b)) for b in bounds)
    for bound in bounds:
        if not isinstance(bound, Tensor) and not nan_fill:
            check_fits(bound, common)  # (``int8_x.clamp(max=128)`` is an error, not -128)
    # torch's error for tensor bounds that don't broadcast (NumPy's would be a ValueError)
    broadcast_shapes(
        input._data.shape, *(np.shape(b._data) for b in bounds if isinstance(b, Tensor))
    )
    # where x ties with a bound (0.0 and -0.0, see _vectorised), torch's kernels keep x for
    # number bounds; for one tensor bound, the kernel is maximum's (minimum's); for two, the
    # bound where vectorised, x in the scalar loop
    x = _array(input, common)
    low, high = (None if b is None or nan_fill else _array(b, common) for b in (min, max))
    if nan_fill:
        result = np.full(x.shape, np.nan, x.dtype)
    elif numbers:
        result = x
        if low is not None:
            result = _ties_as_torch(np.maximum(result, low), result, low, None)
        if high is not None:
            result = _ties_as_torch(np.minimum(result, high), result, high, None)
    elif high is None:
        result = _maximum(x, low)
    elif low is None:
        result = _minimum(x, high)
    else:
        shape = broadcast_shapes(x.shape, low.shape, high.shape)
        lower = _ties_as_torch(np.maximum(np.broadcast_to(x, shape), low), x, low, (x, low, high))
        result = _ties_as_torch(np.minimum(lower, high), lower, high, (x, low, high))
    result = _laid_out_as_torchs(result, (x, low, high))
    if out is not None:
        check_out("clamp", out, input, min, max)
        out._check_reads((input, min, max))  # (``result`` is new memory: _write_out can't tell)
        in_place = out is input or out is min or out is max
        if numbers and not in_place and out._dtype is not common:  # (its kernel's check)
            raise RuntimeError(
                f"Found dtype {type_name(out._dtype)} but expected {type_name(common)}"
            )
        if numbers and common._kind > out._dtype._kind:  # (its own words: the C type)
            raise RuntimeError(
                f"result type {type_name(common)} can't be cast to the desired output type "
                f"{c_type_name(out._dtype)}"
            )
        return _write_out(np.asarray, (result,), common, out, in_place=in_place)  # (a copy)
    out = Tensor._make(result)
    if needs_grad(input, min, max):
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            record(out, ClampBackward0, (input, min, max), saved=(input, min, max))
        else:
            record(out, ClampBackward1, (input,), saved=(input, min, max))
    return out


def _real_bound(bound: Any, input: Tensor) -> Any:
    """A clamp bound that is a complex number as torch takes it: no bound of an integer tensor;
    a float tensor's if it is real (torch converts it to a double). NumPy's complex64 is read
    as a float, its real part (with NumPy's warning)."""
    if not isinstance(bound, complex):
        return float(bound) if isinstance(bound, np.complexfloating) else bound
    if not input._dtype.is_floating_point:
        raise NotImplementedError("clamp is not supported for complex types")
    if bound.imag:
        raise RuntimeError("value cannot be converted to type double without overflow")
    return bound.real


def _clamp_overload(min: Any, max: Any) -> str:
    """Which of torch's clamps takes these bounds: ``(Tensor min, Tensor max)``, or
    ``(Number min, Number max)``, where a 0-d tensor counts as a number too; a tensor with
    dims beside a number fits neither (torch's TypeError)."""
    given = [b for b in (min, max) if b is not None]
    if all(isinstance(b, Tensor) for b in given):
        return "Tensor"
    if all(_is_number(b) for b in given):
        for bound in given:
            check_python_int(bound)
        return "Number"
    got = ", ".join(c_type_text(b) for b in (min, max))
    overloads = ("Tensor min = None, Tensor max = None", "Number min = None, Number max = None")
    raise invalid_combination("clamp", got, *overloads)


def _refuse_bool_clamp(min: Any, max: Any) -> None:
    """torch has no clamp kernel for bools (though a single tensor bound takes its other
    form, maximum or minimum, which has one); its error names the kernel."""
    if _clamp_overload(min, max) == "Tensor":
        if min is None or max is None:
            return
        kernel = "clamp_cpu"
    else:
        kernel = {(True, True): "clamp", (True, False): "clamp_min", (False, True): "clamp_max"}[
            (min is not None, max is not None)
        ] + "_scalar_cpu"
    raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


class ClampBackward1(Node):
    """With number bounds: the gradient passes where ``min <= x <= max``."""

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, lo, hi = self.saved_tensors
        return (where(_inside(x, lo, hi), grad, 0.0),)


class ClampBackward0(Node):
    """With tensor bounds: x gets the gradient where it is inside; a bound, where it binds.

    With both bounds, ``max`` wins where ``min > max`` (the result is ``max`` there), and,
    as in torch, where ``min == max`` only an x inside gets a gradient."""

    _check_order = (2, 1, 0)  # torch's names: self, min, max

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None, Tensor | None]:
        x, lo, hi = self.saved_tensors
        grad_x = grad_lo = grad_hi = None
        if self.next_functions[0][0] is not None:
            grad_x = where(_inside(x, lo, hi), grad, 0.0)
        if self.next_functions[1][0] is not None:
            binds = x < lo if hi is None else (x < lo) & (lo < hi)
            grad_lo = where(binds, grad, 0.0)
        if self.next_functions[2][0] is not None:
            binds = x > hi if lo is None else (x > hi) | (hi < lo)
            grad_hi = where(binds, grad, 0.0)
        return grad_x, grad_lo, grad_hi


def _inside(x: Tensor, lo: Any, hi: Any) -> Tensor:
    above = x >= lo if lo is not None else None
    below = x <= hi if hi is not None else None
    if above is None:
        return below  # type: ignore[return-value]
    return above if below is None else above & below


def where(
    condition: Tensor,
    input: Operand = NOT_GIVEN,
    other: Operand = NOT_GIVEN,
    *,
    out: Any = NOT_GIVEN,
) -> Any:
    """``input`` where ``condition`` is True, else ``other``; all three broadcast. With the
    condition alone, the indices where it holds: ``nonzero(condition, as_tuple=True)``.
    ``out=`` (None too) takes tensors only, of the result's dtype."""
    if out is not NOT_GIVEN:
        require_tensors("where", {"condition": condition, "input": input, "other": other})
        if out is None:
            return where(condition, input, other)
        check_out("where", out, input, other)
        result = where(condition, input, other)
        if out._dtype is not result._dtype:
            raise RuntimeError(
                f"Expected out type to be {type_name(result._dtype)} but got "
                f"{type_name(out._dtype)}"
            )
        return write_out(out, result, reads=(condition, input, other), elementwise=True)
    if input is NOT_GIVEN and other is NOT_GIVEN:
        from .indexing import nonzero  # (indexing.py imports this module)

        return nonzero(condition, as_tuple=True)
    given = (condition, input, other)
    if (
        input is NOT_GIVEN
        or other is NOT_GIVEN
        or not isinstance(condition, Tensor)
        or not all(isinstance(v, (Tensor, *NUMBERS)) for v in (input, other))
    ):
        got = ", ".join(c_type_text(a) for a in given if a is not NOT_GIVEN)
        overloads = ("Tensor condition", "Tensor condition, Tensor input, Tensor other")
        raise invalid_combination("where", got, *overloads)
    check_python_int(input)
    check_python_int(other)
    if condition._dtype is _dtype.uint8:  # the old spelling of a mask: taken, with a warning
        _warn_uint8_where()
        condition = Tensor._make(condition._data.astype(np.bool_))
    elif condition._dtype is not _dtype.bool:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{type_name(condition._dtype)}"
        )
    common = result_type(input, other)
    for number in (v for v in (input, other) if not isinstance(v, Tensor)):
        check_fits(number, common, half=False)  # (torch makes it a 0-d tensor: unchecked half)
    x, y = _array(input, common), _array(other, common)
    broadcast_shapes(condition._data.shape, np.shape(x), np.shape(y))  # torch's error, if any
    chosen = np.where(condition._data, x, y)
    result = Tensor._make(_laid_out_as_torchs(chosen, (condition._data, x, y)))
    if needs_grad(input, other):
        record(result, WhereBackward0, (input, other), saved=(condition,))
    return result


def _warn_uint8_where() -> None:
    global _warned_uint8_where
    if not _warned_uint8_where:  # (torch warns once per process)
        _warned_uint8_where = True
        warnings.warn(
            "where received a uint8 condition tensor. This behavior is deprecated and will be "
            "removed in a future version of PyTorch. Use a boolean condition instead. (Triggered "
            "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorCompare.cpp:621.)",
            UserWarning,
            stacklevel=3,
        )


_warned_uint8_where = False


class WhereBackward0(Node):
    """Each element's gradient goes to the input it was taken from."""

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        (condition,) = self.saved_tensors
        return where(condition, grad, 0.0), where(condition, 0.0, grad)
