"""Matrix products: ``matmul`` (``@``) and its special cases ``mm``, ``bmm``, ``mv``, ``dot``.

NumPy's ``matmul`` computes what torch computes (its BLAS, OpenBLAS, may sum a long product's
terms in another order than torch's, MKL, and so differ in the last bits; a product of one term
keeps torch's sign of zero: ``matrix_product``); what this module adds is torch's strictness
(both operands of one dtype, no bool) and torch's error messages, which name the shapes.
``matmul`` dispatches to the special cases the way torch does, so a bad shape gets the message
of the kernel torch would have run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._dtype import c_type_name, check_fits, dtype, fitted, type_name
from .._out import check_out, write_out
from .._size import (
    NOT_GIVEN,
    broadcast_shapes,
    check_python_int,
    invalid_combination,
    number_arg,
    type_name_of,
)
from .._tensor import Tensor
from ..autograd.function import Node, needs_grad, record
from .pointwise import _is_number, require_tensors, tensor_arguments, warn_deprecated_overload
from .reduction import _np_sum
from .shape import SqueezeBackward0, UnsafeViewBackward0

# the CPU kernel behind each product, as torch names it when it refuses bool tensors
_KERNELS = {"mm": "addmm_impl_cpu_", "mv": "addmv_impl_cpu", "dot": "dot", "bmm": "bmm"}


def _shape_str(shape: tuple[int, ...]) -> str:
    return "x".join(str(s) for s in shape)


def _require_tensors(name: str, a: Any, b: Any, second: str = "mat2") -> None:
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):  # (the usual case: both are)
        require_tensors(name, {"input": a, second: b})


def _check_dtypes(kernel: str, a: Tensor, b: Tensor) -> None:
    """Both operands of one dtype, and not bool; each torch kernel words this its own way."""
    if a._dtype is b._dtype and a._dtype._kind:  # the usual case (kind 0 is bool)
        return
    # torch first checks that the product can be formed (dot: only before the bool check)
    sa, sb = a._data.shape, b._data.shape
    if kernel == "mm" and len(sa) == len(sb) == 2:
        _check_mm_shapes(sa, sb)
    elif kernel == "mv" and len(sa) == 2 and len(sb) == 1:
        _check_mv_shapes(sa, sb)
    elif kernel == "dot" and a._dtype is b._dtype and len(sa) == len(sb) == 1:
        _check_dot_shapes(sa, sb)
    if a._dtype is not b._dtype:
        ta, tb = type_name(a._dtype), type_name(b._dtype)
        messages = {
            "mm": "expected m1 and m2 to have the same dtype, but got: "
            f"{c_type_name(a._dtype)} != {c_type_name(b._dtype)}",
            "mv": f"addmv input tensors must have the same dtype, but got {tb}, {ta}, and {tb}",
            "dot": f"dot : expected both vectors to have same dtype, but found {ta} and {tb}",
            "bmm": f"expected scalar type {ta} but found {tb}",
        }
        raise RuntimeError(messages[kernel])
    if a._dtype.name == "bool":
        raise NotImplementedError(f"\"{_KERNELS[kernel]}\" not implemented for 'Bool'")


def _check_optional_out(name: str, out: Tensor | None, *inputs: Tensor) -> None:
    """``check_out`` when an ``out`` was given (a tensor; no argument requiring grad)."""
    if out is not None:
        check_out(name, out, *inputs)


def _finish(result: np.ndarray, out: Tensor | None) -> Tensor:
    return Tensor._make(result) if out is None else write_out(out, result, dtype="same")


# --8<-- [start:matmul]
def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The matrix product ``input @ other``, by the operands' dims:

    1-d @ 1-d is a dot product, 2-d @ 2-d a matrix product, a 1-d operand is treated as a
    row (left) or column (right) vector, and more dims are batches that broadcast.
    """
    _require_tensors("matmul", input, other, second="other")
    a, b = input._data, other._data
    if a.ndim == 2 and b.ndim == 2 and out is None:
        return _matrix_product(input, other)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    _check_optional_out("matmul", out, input, other)
    if needs_grad(input, other):
        return _recorded_matmul(input, other)
    if b.ndim <= 2 and a.ndim != 1:
        # a matrix, or a batch of them folded into the rows of one: (2, 3, 4) -> (6, 4)
        rows = a if a.ndim == 2 else a.reshape(int(np.prod(a.shape[:-1])), a.shape[-1])
        if b.ndim == 2:
            _check_dtypes("mm", input, other)
            result = _mm(rows, b)
        else:
            _check_dtypes("mv", input, other)
            result = _mv(rows, b)
        return _finish(result.reshape(*a.shape[:-1], *b.shape[1:]), out)
    if a.ndim == 1 and b.ndim == 1:
        _check_dtypes("dot", input, other)
        return _finish(_dot(a, b), out)
    if a.ndim == 1 and b.ndim == 2:
        _check_dtypes("mm", input, other)
        product = _finish(_mm(a[np.newaxis], b)[0], out)
        if out is None:  # (torch squeezes the one-row product in place: version 1, as above)
            product._bump_version()
        return product
    # batched: the last two dims multiply, the leading ones broadcast
    _check_dtypes("bmm", input, other)
    lhs = a[np.newaxis] if a.ndim == 1 else a  # a vector is a one-row matrix
    batch = broadcast_shapes(lhs.shape[:-2], b.shape[:-2])
    if lhs.shape[-1] != b.shape[-2]:
        n = int(np.prod(batch))
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{n}, {lhs.shape[-1]}] but got: [{n}, {b.shape[-2]}]."
        )
    result = np.matmul(lhs, b)
    return _finish(result[..., 0, :] if a.ndim == 1 else result, out)


# --8<-- [end:matmul]


# --8<-- [start:recorded_matmul]
def _recorded_matmul(t1: Tensor, t2: Tensor) -> Tensor:
    """``matmul`` when autograd records it: built, as torch builds it, from ``dot``/``mv``/
    ``mm``/``bmm`` and views, so the graph has torch's nodes and needs no backward of its own.

    A batch of matrices times one matrix is "folded" into a single ``mm`` (the batch becomes
    rows); otherwise both sides are broadcast to a common batch and multiplied with ``bmm``.
    """
    d1, d2 = t1._data.ndim, t2._data.ndim
    if d1 == 1 and d2 == 1:
        return dot(t1, t2)
    if d1 == 2 and d2 == 1:
        return mv(t1, t2)
    if d1 == 1 and d2 == 2:  # a row vector: one-row matrix, then back to a vector
        return _squeeze_row(mm(t1.unsqueeze(0), t2))
    if _should_fold(t1, t2):
        transpose = d2 > d1  # (A @ B) = (Bᵀ @ Aᵀ)ᵀ: fold the batch of the right operand
        big = t2.mT if transpose else t1
        small = (t1.t() if d1 == 2 else t1) if transpose else t2
        rows = tuple(big.shape[:-1])
        folded = big.reshape(int(np.prod(rows)), big.shape[-1])
        if small._data.ndim == 1:
            return _unsafe_view(folded.mv(small), rows)
        output = _unsafe_view(folded.mm(small), (*rows, small.shape[1]))
        return output.mT.contiguous() if transpose else output
    if d1 == 3 and d2 == 3 and t1.shape[0] != t2.shape[0]:
        # a batch of one that requires grad is squeezed (and then folded) rather than expanded
        if t1.shape[0] == 1 and t1.requires_grad:
            return _recorded_matmul(t1.squeeze(0), t2)
        if t2.shape[0] == 1 and t2.requires_grad:
            return _recorded_matmul(t1, t2.squeeze(0))
    n = t1.shape[-2] if d1 > 1 else 1
    m1 = t1.shape[-1]
    m2 = t2.shape[-2] if d2 > 1 else t2.shape[0]
    p = t2.shape[-1] if d2 > 1 else 1
    batch = broadcast_shapes(tuple(t1.shape[:-2]), tuple(t2.shape[:-2]))
    size = int(np.prod(batch))
    left = t1.expand(*batch, n, m1).reshape(size, n, m1)
    if d2 == 1:
        right = t2.expand(*batch, m2).reshape(size, m2).unsqueeze(2)
    else:
        right = t2.expand(*batch, m2, p).reshape(size, m2, p)
    product = left.bmm(right)
    if d2 == 1:
        product = product.squeeze(-1)
    return _unsafe_view(product, batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ()))


def _should_fold(t1: Tensor, t2: Tensor) -> bool:
    """Whether torch folds the batch of the operand with more dims into one ``mm``/``mv``.

    It does when the other operand is a matrix or vector that requires grad (its gradient is
    then one ``mm``, not a sum over a broadcast batch), or when folding needs no copy."""
    larger_first = t1._data.ndim >= t2._data.ndim
    big = t1 if larger_first else t2.mT
    other = t2 if larger_first else t1
    if not (big._data.ndim >= 3 and other._data.ndim <= 2):
        return False
    if other.requires_grad:
        return True
    if t1._data.ndim == 2:
        return False
    if big._data.size == 0:
        return True
    shape, strides = big.shape, big.stride()
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


def _unsafe_view(t: Tensor, shape: tuple[int, ...]) -> Tensor:
    """A reshape of a product matmul just made (so no one else sees its memory)."""
    result = Tensor._make(t._data.reshape(shape))
    if needs_grad(t):
        record(result, UnsafeViewBackward0, (t,), shape=t._data.shape)
    return result


def _squeeze_row(t: Tensor) -> Tensor:
    """``t.squeeze_(0)`` on the one-row product of a vector @ matrix: in place, so the result
    is at version 1, as torch's (an in-place op of the result later shows it in its errors)."""
    result = Tensor._make(t._data[0])
    result._bump_version()
    if needs_grad(t):
        record(result, SqueezeBackward4, (t,), axes=(0,))
    return result


class SqueezeBackward4(SqueezeBackward0):
    """``squeeze_(dim)``, the in-place squeeze: the gradient gets the dim back."""


# --8<-- [end:recorded_matmul]


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    _check_mm_shapes(a.shape, b.shape)
    return matrix_product(a, b)


def matrix_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` of two matrices whose sizes fit, as torch's CPU product computes it."""
    if a.shape[1] == 1:
        # One term per element: torch's BLAS (MKL) stores each product as it is when both outer
        # sizes exceed 1, and adds it to 0. otherwise (a row or a column), as its own half
        # kernel always does; NumPy's BLAS always adds, but for a (1, 1) product. They differ
        # only for -0. (0. after the addition)
        product = np.multiply(a, b)
        if a.shape[0] == 1 or b.shape[1] == 1 or a.dtype == np.float16:
            product += 0
        return product
    return np.dot(a, b)  # for matrices the same BLAS product as matmul, with less dispatch


def _check_mm_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    if a[1] != b[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(a)} and {_shape_str(b)})"
        )


def _mv(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    _check_mv_shapes(a.shape, v.shape)
    return np.matmul(a, v)


def _check_mv_shapes(a: tuple[int, ...], v: tuple[int, ...]) -> None:
    if a[1] != v[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a[0]}), mat ({_shape_str(a)}), vec ({v[0]})"
        )


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    _check_dot_shapes(a.shape, b.shape)
    if a.shape[0] == 1:  # (torch adds the one product to 0.: -0. becomes 0.; NumPy's is -0.)
        return np.asarray(a[0] * b[0] + 0)
    return np.asarray(np.dot(a, b))


def _check_dot_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    if a[0] != b[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] to have the "
            f"same number of elements, but got {a[0]} and {b[0]} elements respectively"
        )


def mm(
    input: Tensor, mat2: Tensor, out_dtype: Any = NOT_GIVEN, *, out: Tensor | None = None
) -> Tensor:
    """The product of two matrices (2-d tensors only, no broadcasting)."""
    _require_tensors("mm", input, mat2)
    _no_out_dtype("mm", out_dtype, out)
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError(f"{'self' if input._data.ndim != 2 else 'mat2'} must be a matrix")
    if out is None:
        return _matrix_product(input, mat2)
    _check_optional_out("mm", out, input, mat2)
    _check_dtypes("mm", input, mat2)
    return _finish(_mm(input._data, mat2._data), out)


def _no_out_dtype(name: str, out_dtype: Any, out: Tensor | None) -> None:
    """torch's ``mm``/``bmm`` take an ``out_dtype`` (a third argument) only in an overload that
    has no CPU kernel: its dispatcher's error, or the parser's for anything but a dtype."""
    if out_dtype is NOT_GIVEN:
        return
    if not isinstance(out_dtype, dtype):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got (Tensor, Tensor, "
            f"{type(out_dtype).__name__}), but expected one of:\n"
            " * (Tensor input, Tensor mat2, *, Tensor out = None)\n"
            " * (Tensor input, Tensor mat2, torch.dtype out_dtype, *, Tensor out = None)\n"
        )
    overload = "dtype" if out is None else "dtype_out"
    raise NotImplementedError(
        f"Could not run 'aten::{name}.{overload}' with arguments from the 'CPU' backend. This "
        "could be because the operator doesn't exist for this backend, or was omitted during "
        "the selective/custom build process (if using custom build)."
    )


def _matrix_product(input: Tensor, mat2: Tensor) -> Tensor:
    """``mm`` of two 2-d tensors into a new tensor, recorded (also ``matmul``'s 2-d case, which
    has checked its arguments already: this runs for every ``@`` of a training step)."""
    _check_dtypes("mm", input, mat2)
    result = Tensor._make(_mm(input._data, mat2._data))
    if needs_grad(input, mat2):
        record(result, MmBackward0, (input, mat2), saved=(input, mat2))
    return result


# --8<-- [start:mm_backward]
class MmBackward0(Node):
    """For C = A @ B: dA = dC @ Bᵀ and dB = Aᵀ @ dC (each has its input's shape)."""

    _check_order = (1, 0)  # torch's names: self, mat2

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved_tensors
        grad_a = grad.mm(b.t()) if self.next_functions[0][0] is not None else None
        grad_b = a.t().mm(grad) if self.next_functions[1][0] is not None else None
        return grad_a, grad_b

    def backward_arrays(self, grad: np.ndarray) -> tuple[Any, Any]:
        a, b = self.saved_tensors
        grad_a = matrix_product(grad, b._data.T) if self.next_functions[0][0] is not None else None
        grad_b = matrix_product(a._data.T, grad) if self.next_functions[1][0] is not None else None
        return grad_a, grad_b


# --8<-- [end:mm_backward]


def bmm(
    input: Tensor, mat2: Tensor, out_dtype: Any = NOT_GIVEN, *, out: Tensor | None = None
) -> Tensor:
    """A batch of matrix products: (b, n, m) @ (b, m, p) -> (b, n, p), no broadcasting."""
    _require_tensors("bmm", input, mat2)
    _no_out_dtype("bmm", out_dtype, out)
    _check_optional_out("bmm", out, input, mat2)
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_dtypes("bmm", input, mat2)
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    result = _finish(np.matmul(a, b), out)
    if needs_grad(input, mat2):
        record(result, BmmBackward0, (input, mat2), saved=(input, mat2))
    return result


class BmmBackward0(Node):
    """``mm``'s rule for each matrix of the batch: dA = dC @ Bᵀ, dB = Aᵀ @ dC."""

    _check_order = (1, 0)  # torch's names: self, mat2

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved_tensors
        grad_a = grad.bmm(b.transpose(1, 2)) if self.next_functions[0][0] is not None else None
        grad_b = a.transpose(1, 2).bmm(grad) if self.next_functions[1][0] is not None else None
        return grad_a, grad_b


def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Matrix times vector: (n, m) @ (m,) -> (n,)."""
    _require_tensors("mv", input, vec, second="vec")
    _check_optional_out("mv", out, input, vec)
    a, v = input._data, vec._data
    if a.ndim == 0:  # (torch reads the matrix's size(0) first)
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    _check_dtypes("mv", input, vec)
    result = _finish(_mv(a, v), out)
    if needs_grad(input, vec):
        record(result, MvBackward0, (input, vec), saved=(input, vec))
    return result


class MvBackward0(Node):
    """For y = A @ v: dA = dy ⊗ v (an outer product) and dv = Aᵀ @ dy."""

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, v = self.saved_tensors
        grad_a = grad.unsqueeze(1) * v if self.next_functions[0][0] is not None else None
        grad_v = a.t().mv(grad) if self.next_functions[1][0] is not None else None
        return grad_a, grad_v


def dot(input: Tensor, tensor: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The inner product of two 1-d tensors of the same length (a 0-d tensor)."""
    _require_tensors("dot", input, tensor, second="tensor")
    _check_optional_out("dot", out, input, tensor)
    a, b = input._data, tensor._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    _check_dtypes("dot", input, tensor)
    if out is not None and out._dtype is not input._dtype:
        raise RuntimeError(
            f"result dtype {type_name(out._dtype)} does not match input dtype "
            f"{type_name(input._dtype)}"
        )
    result = _finish(_dot(a, b), out)
    if needs_grad(input, tensor):
        record(result, DotBackward0, (input, tensor), saved=(input, tensor))
    return result


class DotBackward0(Node):
    """For s = a · b: da = ds * b and db = ds * a."""

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved_tensors
        grad_a = grad * b if self.next_functions[0][0] is not None else None
        grad_b = grad * a if self.next_functions[1][0] is not None else None
        return grad_a, grad_b


# ---------------------------------------------------------------------- addmm, linear
# (nn.Linear's op. A block of its own: the products above are the lead's.)


def _tensors(*values: Any) -> bool:
    return all(isinstance(v, Tensor) for v in values)


# torch's addmm overloads, tried in order: the usual one; one with an ``out_dtype`` (no CPU
# kernel has it); and the deprecated ones, which old code still calls with the factors first
# (``torch.addmm(beta, input, alpha, mat1, mat2)``, ``x.addmm(beta, mat1, mat2)``) and which
# torch's messages leave out. The method's overloads are the same without ``input``.
_ADDMM = (
    "Tensor input, Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1, "
    "Tensor out = None"
)
_ADDMM_OUT_DTYPE = (
    "Tensor input, Tensor mat1, Tensor mat2, torch.dtype out_dtype, *, Number beta = 1, "
    "Number alpha = 1, Tensor out = None"
)
_ADDMM_METHOD = "Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1"


def addmm_arguments(
    given: tuple[Any, ...], beta: Any, alpha: Any, out: Any, method: bool
) -> tuple[Any, Any, Any, Any, Any]:
    """``(input, mat1, mat2, beta, alpha)`` of ``addmm(*given, beta=, alpha=, out=)`` (the
    method's ``self`` first in ``given``) read by the first of torch's overloads it fits; its
    TypeError if none does (from the one signature the number of arguments allows, else
    naming them all). The factors are Numbers, a 0-d tensor's value taken."""
    args = given[1:] if method else given  # (what torch counts and numbers)
    named = {k: v for k, v in (("beta", beta), ("alpha", alpha)) if type(v) is not int or v != 1}
    if out is not None:
        named["out"] = out
    kinds_fit = all(map(_is_number, (beta, alpha))) and (out is None or isinstance(out, Tensor))
    if len(args) == 3 - method and _tensors(*args) and kinds_fit:
        return (*given, _number(beta, "beta"), _number(alpha, "alpha"))
    if not method and len(args) == 4 and _tensors(*args[:3]) and isinstance(args[3], dtype):
        raise NotImplementedError(
            "Could not run 'aten::addmm.dtype' with arguments from the 'CPU' backend."
        )
    if not named.keys() - {"out"} and len(args) in ((3, 4) if method else (4, 5)):
        # deprecated: the method's (beta, [alpha,] mat1, mat2), the function's (beta, input,
        # [alpha,] mat1, mat2)
        tensor, rest = (given[0], args) if method else (args[1], (args[0], *args[2:]))
        factors, mats = rest[:-2], rest[-2:]
        if _tensors(tensor, *mats) and all(map(_is_number, factors)) and kinds_fit:
            _warn_deprecated_addmm(method, with_alpha=len(factors) == 2)
            alpha = _number(factors[1], "alpha") if len(factors) == 2 else 1
            return tensor, *mats, _number(factors[0], "beta"), alpha
    raise _addmm_type_error(args, named, method)


def _number(value: Any, name: str) -> Any:
    return number_arg(value, "addmm", name, None)


def _warn_deprecated_addmm(method: bool, *, with_alpha: bool) -> None:
    alpha = "Number alpha, " if with_alpha else ""
    instead: tuple[str, ...]
    if method:
        used, instead = f"(Number beta, {alpha}Tensor mat1, Tensor mat2)", (f"({_ADDMM_METHOD})",)
    else:
        used = f"(Number beta, Tensor input, {alpha}Tensor mat1, Tensor mat2, *, Tensor out = None)"
        instead = (f"({_ADDMM})", f"({_ADDMM_OUT_DTYPE})")
    warn_deprecated_overload("addmm", used, instead, stacklevel=5 if method else 4)


def _addmm_type_error(args: tuple[Any, ...], named: dict[str, Any], method: bool) -> TypeError:
    """torch's TypeError for addmm arguments that fit no overload. Only the visible overloads
    count; where the number of arguments fits one alone, torch says what is wrong with them
    against that one."""
    count = len(args) + len(named)
    # each visible signature: how many arguments it takes, at least and at most
    signatures = {_ADDMM_METHOD: (2, 4)} if method else {_ADDMM: (3, 6), _ADDMM_OUT_DTYPE: (4, 7)}
    fitting = [s for s, (low, high) in signatures.items() if low <= count <= high]
    if fitting == [_ADDMM_METHOD] or fitting == [_ADDMM]:
        names = ("mat1", "mat2") if method else ("input", "mat1", "mat2")
        if len(args) > len(names):
            return TypeError(
                f"addmm() takes {len(names)} positional arguments but {len(args)} were given"
            )
        for i, (name, value) in enumerate(zip(names, args, strict=False)):
            if not isinstance(value, Tensor):
                return TypeError(
                    f"addmm(): argument '{name}' (position {i + 1}) must be Tensor, not "
                    f"{type_name_of(value)}"
                )
        for name, value in named.items():
            if not (isinstance(value, Tensor) if name == "out" else _is_number(value)):
                kind = "Tensor" if name == "out" else "Number"
                return TypeError(
                    f"addmm(): argument '{name}' must be {kind}, not {type_name_of(value)}"
                )
    got = ", ".join(
        [*map(type_name_of, args), *(f"{k}={type_name_of(v)}" for k, v in named.items())]
    )
    return invalid_combination("addmm", got, *signatures)


def _factor(value: Any, d: dtype) -> Any:
    """addmm's ``beta`` or ``alpha`` as its kernel takes it for matrices of dtype ``d``: in the
    float dtype it computes in (float32 for float16), an error if it doesn't fit; for integer
    matrices, as an integer (a float truncated, as C++ converts it)."""
    check_python_int(value)
    if d.is_floating_point:
        check_fits(value, _dtype.float32 if d is _dtype.float16 else d)
        return value.real if isinstance(value, complex) else value
    return fitted(value, d)


def _check_addmm_dtypes(input: Tensor, mat1: Tensor, mat2: Tensor) -> None:
    """All three of one dtype, as torch's addmm wants (each pair words it its own way)."""
    if input._dtype is not mat2._dtype:
        raise RuntimeError(
            "self and mat2 must have the same dtype, but got "
            f"{type_name(input._dtype)} and {type_name(mat2._dtype)}"
        )
    if mat1._dtype is not mat2._dtype:
        raise RuntimeError(
            "mat1 and mat2 must have the same dtype, but got "
            f"{type_name(mat1._dtype)} and {type_name(mat2._dtype)}"
        )
    if not mat2._dtype._kind:  # bool
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


# --8<-- [start:addmm]
def addmm(
    input: Tensor,
    mat1: Tensor,
    mat2: Tensor,
    *more: Any,
    beta: Any = 1,
    alpha: Any = 1,
    out: Tensor | None = None,
) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``, with ``input`` broadcast to the product's shape.

    ``nn.Linear`` is this op: ``addmm(bias, x, weight.t())`` (one product, one addition).
    (``*more``: for torch's other overloads, see ``addmm_arguments``.)
    """
    plain = isinstance(input, Tensor) and isinstance(mat1, Tensor) and isinstance(mat2, Tensor)
    if more or not plain or type(beta) is not int or type(alpha) is not int:
        input, mat1, mat2, beta, alpha = addmm_arguments(  # noqa: A001
            (input, mat1, mat2, *more), beta, alpha, out, method=False
        )
    a, b, c = mat1._data, mat2._data, input._data
    if a.ndim != 2 or b.ndim != 2:
        name, m = ("mat1", a) if a.ndim != 2 else ("mat2", b)
        raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(a.shape)} and "
            f"{_shape_str(b.shape)})"
        )
    shape = (a.shape[0], b.shape[1])
    if c.shape != shape and c.shape != shape[1:]:  # (the usual bias (p,) needs no check)
        input.expand(shape)  # raises torch's error if input does not broadcast to the product
    if not (input._dtype is mat1._dtype is mat2._dtype and mat2._dtype._kind):
        _check_addmm_dtypes(input, mat1, mat2)
    _check_optional_out("addmm", out, input, mat1, mat2)
    if not (beta == alpha == 1 and type(beta) is type(alpha) is int):  # (nn.Linear's 1 and 1 pass)
        beta, alpha = _factor(beta, mat2._dtype), _factor(alpha, mat2._dtype)
    half = a.dtype == np.float16  # (torch sums, scales and biases in float32, then rounds once)
    if half:
        a, b, c = a.astype(np.float32), b.astype(np.float32), c.astype(np.float32)
    result = matrix_product(a, b)  # a fresh array: the scaling and the bias go in place
    if alpha != 1:
        result *= alpha
    if beta != 0:  # beta = 0 ignores input altogether (even its NaNs), as in torch
        result += c if beta == 1 else beta * c
    if half:
        result = result.astype(np.float16)
    output = Tensor._make(result) if out is None else _finish(result, out)
    if needs_grad(input, mat1, mat2):
        # each matrix's gradient needs the other matrix only
        saved = (mat1 if mat2._requires_grad else None, mat2 if mat1._requires_grad else None)
        transposed = b.strides[0] < b.strides[1]  # (nn.Linear's weight.t())
        record(
            output,
            AddmmBackward0,
            (input, mat1, mat2),
            saved=saved,
            beta=beta,
            alpha=alpha,
            mat2_transposed=transposed,
        )
    return output


class AddmmBackward0(Node):
    """For out = beta*input + alpha*(A @ B): d input = beta*d out (summed over the rows that
    broadcasting repeated it along), dA = alpha * d out @ Bᵀ and dB = alpha * Aᵀ @ d out."""

    beta: Any
    alpha: Any
    mat2_transposed: bool  # mat2 is laid out as a transpose (its rows are adjacent in memory)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None, Tensor | None]:
        a, b = self.saved_tensors
        grad_input = grad_a = grad_b = None
        if self.next_functions[0][0] is not None:
            grad_input = grad if self.beta == 1 else grad * self.beta
            if len(self._input_meta[0][0]) == 1:  # type: ignore[index]
                grad_input = grad_input.sum(0)  # a bias (p,): sum the rows here, in one op
        if self.next_functions[1][0] is not None:
            grad_a = grad.mm(b.t())
            grad_a = grad_a if self.alpha == 1 else grad_a * self.alpha
        if self.next_functions[2][0] is not None:
            grad_b = a.t().mm(grad)
            grad_b = grad_b if self.alpha == 1 else grad_b * self.alpha
        return grad_input, grad_a, grad_b

    def backward_arrays(self, g: np.ndarray) -> tuple[Any, Any, Any]:
        """``backward`` on the arrays (see ``Node.backward_arrays``): nn.Linear's backward on
        every training step."""
        a, b = self.saved_tensors
        grad_input = grad_a = grad_b = None
        if self.next_functions[0][0] is not None:
            grad_input = g if self.beta == 1 else g * self.beta
            if len(self._input_meta[0][0]) == 1:  # type: ignore[index]
                grad_input = _np_sum(grad_input, (0,), False, self._input_meta[0][1])  # type: ignore[index]
        if b is not None and self.next_functions[1][0] is not None:
            grad_a = _scaled(matrix_product(g, b._data.T), self.alpha)
        if a is not None and self.next_functions[2][0] is not None:
            if self.mat2_transposed:
                # B is a transpose (nn.Linear's weight.t()): compute dB transposed too, so
                # that the weight's own gradient comes out row-major, like the weight
                grad_b = _scaled(matrix_product(g.T, a._data), self.alpha).T
            else:
                grad_b = _scaled(matrix_product(a._data.T, g), self.alpha)
        return grad_input, grad_a, grad_b


def _scaled(x: np.ndarray, alpha: Any) -> np.ndarray:
    """``alpha * x``, in place on a fresh product (nothing to do for the usual alpha = 1)."""
    if alpha != 1:
        x *= alpha
    return x


# --8<-- [end:addmm]


# --8<-- [start:linear]
@tensor_arguments("linear", "input", "weight", "bias", optional="bias")
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: ``nn.Linear``'s forward. ``input`` is ``(*, in_features)``,
    ``weight`` is ``(out_features, in_features)`` and ``bias`` is ``(out_features,)``.

    Recorded as torch records it: a batch of rows with a bias is one ``addmm``; more leading
    dims are flattened into rows first and restored after; without a bias it is ``matmul``.
    """
    dims = input._data.ndim
    if dims == 0 or weight._data.ndim == 0:
        raise RuntimeError(
            "both arguments to linear need to be at least 1D, but they are "
            f"{dims}D and {weight._data.ndim}D"
        )
    if bias is None:
        return matmul(input, weight.t())
    if dims == 2:  # a batch of rows: the usual case
        return addmm(bias, input, weight.t())
    b = bias._data
    if input._data.flags.c_contiguous and b.ndim and b.size == b.shape[-1]:
        # a bias (out,) (or (1, out) ...) and a contiguous input: (*, in) -> (rows, in) is a
        # view, so one addmm does it all; then the rows are viewed back as (*, out)
        rows = 1
        for n in input._data.shape[:-1]:
            rows *= n
        flat = addmm(bias, input.view(rows, input._data.shape[-1]), weight.t())
        return flat.view(*input._data.shape[:-1], flat._data.shape[1])
    return matmul(input, weight.t()).add_(bias)


# --8<-- [end:linear]
