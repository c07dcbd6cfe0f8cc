"""Matrix products: ``matmul`` (``@``) and its special cases ``mm``, ``bmm``, ``mv``, ``dot``.

NumPy's ``matmul`` already computes what torch computes; what this module adds is torch's
strictness (both operands of one dtype, no bool) and torch's error messages, which name the
shapes. ``matmul`` dispatches to the special cases the way torch does, so a bad shape gets the
message of the kernel torch would have run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._size import broadcast_shapes
from .._tensor import Tensor
from ..autograd.function import Node, attach, needs_grad
from .pointwise import c_type_name, type_name

# the CPU kernel behind each product, as torch names it when it refuses bool tensors
_KERNELS = {"mm": "addmm_impl_cpu_", "mv": "addmv_impl_cpu", "dot": "dot", "bmm": "bmm"}


def _shape_str(shape: tuple[int, ...]) -> str:
    return "x".join(str(s) for s in shape)


def _require_tensors(name: str, a: Any, b: Any, second: str = "mat2") -> None:
    for pos, (arg, x) in enumerate((("input", a), (second, b)), start=1):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                f"{type(x).__name__}"
            )


def _check_dtypes(kernel: str, a: Tensor, b: Tensor) -> None:
    """Both operands of one dtype, and not bool; each torch kernel words this its own way."""
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


def _finish(result: np.ndarray, out: Tensor | None) -> Tensor:
    if out is None:
        return Tensor._make(result)
    if out._dtype.numpy != result.dtype:
        raise RuntimeError(
            f"Expected out tensor to have dtype {result.dtype}, but got {out._dtype.numpy} instead"
        )
    if out._data.shape != result.shape:
        out._data = np.empty(result.shape, result.dtype)
    out._data[...] = result
    out._bump_version()
    return out


# --8<-- [start:matmul]
def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The matrix product ``input @ other``, by the operands' dims:

    1-d @ 1-d is a dot product, 2-d @ 2-d a matrix product, a 1-d operand is treated as a
    row (left) or column (right) vector, and more dims are batches that broadcast.
    """
    _require_tensors("matmul", input, other, second="other")
    a, b = input._data, other._data
    if a.ndim == 2 and b.ndim == 2 and out is None:
        return mm(input, other)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
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
    if a.ndim == 1 and b.ndim <= 2:
        _check_dtypes("dot" if b.ndim == 1 else "mm", input, other)
        return _finish(_dot(a, b) if b.ndim == 1 else _mm(a[np.newaxis], b)[0], out)
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


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(a.shape)} and "
            f"{_shape_str(b.shape)})"
        )
    return np.matmul(a, b)


def _mv(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({_shape_str(a.shape)}), "
            f"vec ({v.shape[0]})"
        )
    return np.matmul(a, v)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
            f"to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} "
            "elements respectively"
        )
    return np.asarray(np.dot(a, b))


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The product of two matrices (2-d tensors only, no broadcasting)."""
    _require_tensors("mm", input, mat2)
    for name, x in (("self", input), ("mat2", mat2)):
        if x._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix")
    _check_dtypes("mm", input, mat2)
    result = _finish(_mm(input._data, mat2._data), out)
    if needs_grad(input, mat2):
        attach(result, MmBackward0(input, mat2, saved=(input, mat2)))
    return result


# --8<-- [start:mm_backward]
class MmBackward0(Node):
    """For C = A @ B: dA = dC @ Bᵀ and dB = Aᵀ @ dC (each has its input's shape)."""

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved_tensors
        grad_a = grad.mm(b.t()) if self.next_functions[0][0] is not None else None
        grad_b = a.t().mm(grad) if self.next_functions[1][0] is not None else None
        return grad_a, grad_b


# --8<-- [end:mm_backward]


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A batch of matrix products: (b, n, m) @ (b, m, p) -> (b, n, p), no broadcasting."""
    _require_tensors("bmm", input, mat2)
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
    return _finish(np.matmul(a, b), out)


def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Matrix times vector: (n, m) @ (m,) -> (n,)."""
    _require_tensors("mv", input, vec, second="vec")
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    _check_dtypes("mv", input, vec)
    return _finish(_mv(a, v), out)


def dot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The inner product of two 1-d tensors of the same length (a 0-d tensor)."""
    _require_tensors("dot", input, other, second="tensor")
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    _check_dtypes("dot", input, other)
    return _finish(_dot(a, b), out)
