"""Matrix products: ``matmul`` (``@``) and its special cases ``mm``, ``bmm``, ``mv``, ``dot``.

NumPy's ``matmul`` already has torch's broadcasting rules; what this module adds is torch's
strictness (both operands of one dtype) and torch's error messages, which name the shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .pointwise import type_name


def _shape_str(shape: tuple[int, ...]) -> str:
    return "x".join(str(s) for s in shape)


def _check_pair(name: str, a: Any, b: Any) -> None:
    for pos, x in enumerate((a, b), start=1):
        if not isinstance(x, Tensor):
            arg = ("input", "other")[pos - 1] if name == "matmul" else ("input", "mat2")[pos - 1]
            raise TypeError(
                f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                f"{type(x).__name__}"
            )
    if a._dtype is not b._dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(a)} != {_c_name(b)}"
        )
    if a._dtype.name == "bool":
        raise RuntimeError(f"\"{name}\" not implemented for 'Bool'")


def _c_name(t: Tensor) -> str:
    """The C type names torch uses in dtype-mismatch messages (``float != double``)."""
    return {"Float": "float", "Double": "double", "Long": "long int", "Int": "int"}.get(
        type_name(t._dtype), type_name(t._dtype)
    )


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
    _check_pair("matmul", input, other)
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.ndim == 1 and b.ndim == 1:
        return dot(input, other) if out is None else _finish(dot(input, other)._data, out)
    if a.ndim <= 2 and b.ndim <= 2:
        if b.ndim == 1:
            return mv(input, other) if out is None else _finish(mv(input, other)._data, out)
        if a.ndim == 1 and a.shape[0] != b.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({b.shape[0]}), mat ({_shape_str(b.T.shape)}), "
                f"vec ({a.shape[0]})"
            )
        return _finish(_mm(a, b), out)
    # batched: the last two dims multiply, the leading ones broadcast
    k_a = a.shape[-1]
    k_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if k_a != k_b:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{_batch(a, b)}, {k_a}] but got: [{_batch(a, b)}, {k_b}]."
        )
    try:
        result = np.matmul(a, b)
    except ValueError:
        from .shape import broadcast_error

        raise broadcast_error(a.shape[:-2], b.shape[:-2]) from None
    return _finish(result, out)


# --8<-- [end:matmul]


def _batch(a: np.ndarray, b: np.ndarray) -> int:
    lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2] if b.ndim > 2 else ())
    return int(np.prod(lead)) if lead else 1


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[-1] != b.shape[0]:
        rows = (1, a.shape[0]) if a.ndim == 1 else a.shape
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(rows)} and "
            f"{_shape_str(b.shape)})"
        )
    return np.matmul(a, b)


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The product of two matrices (2-d tensors only, no broadcasting)."""
    _check_pair("mm", input, mat2)
    for name, x in (("self", input), ("mat2", mat2)):
        if x._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix")
    return _finish(_mm(input._data, mat2._data), out)


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A batch of matrix products: (b, n, m) @ (b, m, p) -> (b, n, p), no broadcasting."""
    _check_pair("bmm", input, mat2)
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    return _finish(np.matmul(a, b), out)


def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Matrix times vector: (n, m) @ (m,) -> (n,)."""
    _check_pair("mv", input, vec)
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({_shape_str(a.shape)}), "
            f"vec ({v.shape[0]})"
        )
    return _finish(np.matmul(a, v), out)


def dot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The inner product of two 1-d tensors of the same length (a 0-d tensor)."""
    _check_pair("dot", input, other)
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
            f"to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} "
            "elements respectively"
        )
    return _finish(np.asarray(np.dot(a, b)), out)
