"""``out=``: torch's functions can write their result into a tensor the caller gives
(``torch.sum(x, 1, out=s)``), and return that tensor. Only the functions: methods have no
``out=``.

The steps, in torch's order. ``check_out`` before the op runs: ``out`` must be a tensor, and
no argument may require grad (autograd can't record a result written into memory that already
has a history). Then the op computes as usual, and ``write_out`` checks ``out``'s dtype by the
op's rule, gives ``out`` new memory of the result's shape if its own has another (with torch's
deprecation warning when it held elements) and copies the result in. Elementwise arithmetic
computes straight into ``out``'s memory instead (``_write_out`` in _ops/pointwise.py).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ._dtype import c_type_name, dtype, from_numpy_dtype, type_name
from ._memory import check_reads
from ._size import type_name_of
from .autograd.function import needs_grad

if TYPE_CHECKING:
    from ._tensor import Tensor

# how an op's result dtype and out's must relate:
# "any": out's dtype, whatever it is (the result is converted, as sum's and comparisons' are)
# "same": the result's dtype exactly (gather, softmax, norm, mm, ...)
# "category": no lower category than the result's (a float result can't go into int memory)
DtypeRule = Literal["any", "same", "category"]


def check_out(name: str, out: Any, *inputs: Any, differentiable: bool = True) -> None:
    """Refuse an ``out`` that is no tensor, and ``out=`` with autograd involved (unless the
    op is not ``differentiable``: comparisons, argmax, ... torch lets those write anywhere)."""
    from ._tensor import Tensor  # (here: _tensor imports the ops, which import this module)

    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type_name_of(out)}")
    if differentiable and needs_grad(out, *inputs):  # (out counts: its history would be stale)
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )


def write_out(
    out: Tensor,
    result: Tensor | np.ndarray,
    *,
    dtype: DtypeRule = "any",
    reads: tuple[Any, ...] = (),
    elementwise: bool = False,
    factory: bool = False,
    differentiable: bool = True,
) -> Tensor:
    """Copy ``result`` into ``out`` (``check_out`` has passed) and return ``out``.

    ``dtype``: the op's rule (above). ``reads``: the inputs (numbers are skipped) an op refuses
    to share memory with ``out`` (cat, gather, index_select: they write an element before
    reading all they need); ``elementwise``: an op that reads each element where it writes it
    (torch's TensorIterator), which only refuses to share part of an input's memory.
    ``factory``: True for the factories (``torch.zeros(2, out=t)``), which resize silently, and
    fill an ``out`` whose elements share memory (an expanded one) without a complaint.
    ``differentiable``: False for ops without a gradient, which write even into a leaf that
    requires grad.
    """
    data = result if isinstance(result, np.ndarray) else result._data
    if dtype == "same":
        check_same_dtype(out, from_numpy_dtype(data.dtype))
    check_reads(out._data, [getattr(t, "_data", t) for t in reads], full_ok=elementwise)
    if differentiable or not out._requires_grad:
        out._check_inplace(overlap_ok=factory)
    if out._data.shape != data.shape:
        resize_out(out, data.shape, warn=not factory)
    if dtype == "category":  # (after the resize, as torch's reductions check it)
        check_cast(from_numpy_dtype(data.dtype), out)
    np.copyto(out._data, data, casting="unsafe")
    out._bump_version()
    return out


def check_same_dtype(out: Tensor, expected: dtype) -> None:
    if out._dtype is not expected:
        raise RuntimeError(
            f"Expected out tensor to have dtype {c_type_name(expected)}, but got "
            f"{c_type_name(out._dtype)} instead"
        )


def check_cast(result: dtype, out: Tensor) -> None:
    """A result may go into ``out``'s dtype if that is of its category or a higher one."""
    if result._kind > out._dtype._kind:
        raise RuntimeError(
            f"result type {type_name(result)} can't be cast to the desired output type "
            f"{type_name(out._dtype)}"
        )


def resize_out(out: Tensor, shape: tuple[int, ...], *, warn: bool = True) -> None:
    """Give an ``out=`` tensor of the wrong shape new memory of the right one, as torch does."""
    if out._data.size != 0 and warn:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape "
            f"{list(out._data.shape)}, which does not match the required output shape "
            f"{list(shape)}. This behavior is deprecated, and in a future PyTorch release "
            "outputs will not be resized unless they have zero elements. You can explicitly "
            "reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0). "
            "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/Resize.cpp:30.)",
            UserWarning,
            stacklevel=4,
        )
    out._data = np.empty(shape, out._data.dtype)
