"""Torch parity, as a table: ops × sample inputs, each run on picotorch and on torch by ``check``.

Every row is ``case(id, fn, *inputs, **check_options)``; ``fn(lib, *tensors)`` is written once
and run with ``lib = picotorch`` and ``lib = torch``. NumPy inputs become tensors (a fresh copy
per library); see ``tests/parity.py`` for what is compared.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parity import Raw, check

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")
INT_DTYPES = ("uint8", "int8", "int16", "int32", "int64")
FLOAT_DTYPES = ("float16", "float32", "float64")
NUMERIC = INT_DTYPES + FLOAT_DTYPES

CASES: list[Any] = []


def case(name: str, fn: Callable[..., Any], *inputs: Any, **options: Any) -> None:
    """Add one row to the table."""
    CASES.append(pytest.param(fn, inputs, options, id=name))


def sample(
    shape: tuple[int, ...], dtype: str = "float32", seed: int = 0, nonzero: bool = False
) -> np.ndarray:
    """Deterministic sample values of ``dtype``: small ints (>= 0 for uint8), floats with sign."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype == "uint8":
        values = rng.integers(1 if nonzero else 0, 10, shape)
    elif dtype in INT_DTYPES:
        values = rng.integers(-5, 6, shape)
        if nonzero:
            values[values == 0] = 3
    else:
        values = np.asarray(np.round(rng.normal(0, 2, shape), 3))
        if nonzero:
            values[values == 0] = 0.5
    return values.astype(dtype)


def dt(lib: Any, name: str) -> Any:
    """The dtype object called ``name`` in ``lib``."""
    return getattr(lib, name)


M = sample((3, 4))  # the everyday float32 matrix
M3 = sample((2, 3, 4), seed=1)
V = sample((4,), seed=2)
IM = sample((3, 4), "int64", seed=3)

# ---------------------------------------------------------------------------- creation
for name, data in {
    "int": 3,
    "float": 3.5,
    "bool": True,
    "ints": [1, 2, 3],
    "floats": [1.0, 2.5],
    "bools": [True, False],
    "int_float": [1, 2.5],
    "bool_int": [True, 2],
    "bool_float": [True, 2.5],
    "nested": [[1, 2], [3, 4]],
    "nested_tuple": ((1.0, 2.0), (3.0, 4.0)),
    "empty": [],
    "empty_nested": [[], []],
    "deep": [[[1]], [[2]]],
    "np_float64_scalar": np.float64(1.5),
    "np_int32_scalar": np.int32(7),
    "np_float32_list": [np.float32(1.5), np.float32(2.0)],
    # mixed with NumPy numbers or 0-d tensors: every value's own dtype, promoted together
    "np_float32_int": [np.float32(3.5), 4],
    "int_np_float32": [1, np.float32(2)],
    "np_int64_float": [np.int64(2), 2.5],
    "nested_np_float32_float": [[np.float32(2)], [1.5]],
    "np_float64_int": [np.float64(1.5), 2],
    "np_float16_float": [np.float16(1), 2.5],
    "int_np_float16": [2, np.float16(1)],
    "np_int32_int": [np.int32(1), 2],
    "np_int32_np_int8": [np.int32(1), np.int8(2)],
    "np_uint8_np_int8": [np.uint8(1), np.int8(2)],
    "bool_np_int8": [True, np.int8(3)],
    "np_bool_float": [np.bool_(True), 2.5],  # (among ints, torch's TypeError: test_errors)
    "np_bool_bool": [np.bool_(True), False],
    "np_float64_np_float32": (np.float64(1.5), np.float32(2)),
    "np_float32_max_int": [np.finfo(np.float32).max, 2**40],
    "int_deep_np_int16": [[1, 2], [np.int16(3), 4]],
    "int_too_big_np_int8": [2**63, np.int8(1)],
    "big_int": [2**40],
    "negative_zero": [-0.0, 0.0],
    "inf_nan": [float("inf"), float("nan"), -float("inf")],
}.items():
    case(f"tensor-{name}", lambda L, d: L.tensor(d), Raw(data))
case("tensor-ndarray-float64", lambda L, a: L.tensor(a), Raw(sample((2, 2), "float64")))
for name, data in {  # (torch warns once per process that a list of ndarrays is slow)
    "ndarray_float32_list": [np.array([1.0, 2.0], np.float32), [3, 4]],
    "ndarray_int8_floats": [np.array([1, 2], np.int8), [3.5, 4]],
}.items():
    case(f"tensor-{name}", lambda L, d: L.tensor(d), Raw(data), warnings_match=False)
case("tensor-ndarray-bool", lambda L, a: L.tensor(a), Raw(sample((3,), "bool")))
for name in DTYPES:
    case(f"tensor-dtype-{name}", lambda L, n: L.tensor([0, 1.7, -1.7, 2], dtype=dt(L, n)), name)
case("tensor-uint8-wraps", lambda L: L.tensor([-1, 256], dtype=L.uint8))
ZERO_D = {  # 0-d tensors in a list count by their own dtype (Raw cannot copy a tensor)
    "0d_int64_float": lambda L: [L.tensor(1), 2.5],
    "0d_int8_int": lambda L: [L.tensor(1, dtype=L.int8), 2],
    "0d_int8_0d_uint8": lambda L: [L.tensor(1, dtype=L.int8), L.tensor(2, dtype=L.uint8)],
    "0d_float16_int": lambda L: [L.tensor(1.0, dtype=L.float16), 2],
    "0d_float64_float": lambda L: [L.tensor(1.0, dtype=L.float64), 2.5],
}
for name, data in ZERO_D.items():
    case(f"tensor-{name}", lambda L, d: L.tensor(d(L)), Raw(data))
# ints beyond int64: a float (or bool) dtype takes them as numbers, given or inferred from a
# float beside them (NumPy made [0, 2**63] a float64 array silently); an integer dtype is
# torch's ValueError
for name, (data, dtype_name) in {
    "2**63-float32": (2**63, "float32"),
    "2**63-bool": (2**63, "bool"),
    "2**70-float16": (2**70, "float16"),
    "list-2**63-float64": ([2**63, 1], "float64"),
    "2**64-float32": (2**64, "float32"),
    "below-int64-float32": (-(2**63) - 1, "float32"),
    "0-and-2**63": ([0, 2**63], None),
    "0-and-2**63-int64": ([0, 2**63], "int64"),
    "0-and-2**63-bool": ([0, 2**63], "bool"),
    "nested-2**63": ([[1, 2], [3, 2**63]], None),
    "float-and-2**63": ([0.5, 2**63], None),
    "2**70-and-float": ([[2**70, 1.5]], None),
    "2**70-and-np-float32": ([2**70, np.float32(1)], None),
    "2**70-and-np-int64": ([2**70, np.int64(1)], None),
    "2**70-and-bool": ([2**70, True], None),
    "10**400-and-float": ([1.5, 10**400], None),
    "2**70-and-none-float32": ([2**70, None], "float32"),
    "none-and-2**70-int64": ([None, 2**70], "int64"),
    "2**70-and-none": ([2**70, None], None),
    "2**63-uint8": ([2**63, 1], "uint8"),
    "2**63-and-np-int8-int64": ([2**63, np.int8(1)], "int64"),
    "2**63-and-np-int8-float32": ([2**63, np.int8(1)], "float32"),
    "2**63-and-np-float32": ([2**63, np.float32(1)], None),
    "2**63-and-np-bool": ([2**63, np.bool_(True)], None),
}.items():
    case(
        f"tensor-wide-int-{name}",
        lambda L, d, n: L.tensor(d, dtype=None if n is None else getattr(L, n)),
        Raw(data),
        dtype_name,
    )
case("new_tensor-2**63-float32", lambda L: L.ones(2).new_tensor([2**63]))
case("as_tensor-2**63-float32", lambda L: L.as_tensor(2**63, dtype=L.float32))
case("tensor-np-int64-dtype-overflow", lambda L: L.tensor([np.int64(300), 4], dtype=L.int8))
# a Python type as a dtype: float is float64, int int64, bool bool (as torch reads them)
for name, py in {"float": float, "int": int, "bool": bool}.items():
    case(
        f"dtype-python-{name}",
        lambda L, t: (
            L.tensor([1, 2], dtype=t),
            L.as_tensor([0, 3], dtype=t),
            L.tensor(L.tensor([1.5]), dtype=t),
            L.zeros(2, dtype=t),
            L.ones(2, 1, dtype=t),
            L.empty(2, dtype=t).dtype,
            L.full((2,), 1, dtype=t),
            L.eye(2, dtype=t),
            L.zeros_like(L.ones(2), dtype=t),
            L.ones_like(L.ones(2), dtype=t),
            L.full_like(L.ones(2), 3, dtype=t),
            L.empty_like(L.ones(2), dtype=t).dtype,
        ),
        Raw(py),
        warnings_match=False,  # tensor(tensor) warns, in torch only once
    )
case(
    "dtype-python-numbers-only",
    lambda L: (
        L.arange(3, dtype=float),
        L.arange(3, dtype=int),
        L.linspace(0, 1, 3, dtype=float),
        L.rand(2, dtype=float).dtype,
        L.randn(2, dtype=float).dtype,
        L.rand_like(L.ones(2), dtype=float).dtype,
        L.randn_like(L.ones(2), dtype=float).dtype,
        L.randint(3, (2,), dtype=float).dtype,
        L.randperm(1, dtype=float),
        L.randperm(1, dtype=int),
    ),
)
case("tensor-from-tensor", lambda L, x: L.tensor(x), M)
case("tensor-requires-grad", lambda L: L.tensor([1.0, 2.0], requires_grad=True))
case("Tensor-legacy-data", lambda L: (L.Tensor([1, 2]), L.Tensor([[True]]), L.Tensor(2, 3).shape))
case("Tensor-legacy-empty", lambda L: L.Tensor().shape)
case("tensor-0d-shape", lambda L: (L.tensor(5).shape, L.tensor(5).dim()))

case("as_tensor-list", lambda L: L.as_tensor([1, 2, 3]))
case("as_tensor-float-dtype", lambda L: L.as_tensor([1, 2], dtype=L.float64))


def _as_tensor_shares(L: Any, a: np.ndarray) -> Any:
    t = L.as_tensor(a)
    a[0] = 100.0
    return t


def _as_tensor_copies(L: Any, a: np.ndarray) -> Any:
    t = L.as_tensor(a, dtype=L.float64)
    a[0] = 100.0
    return t


def _from_numpy_shares(L: Any, a: np.ndarray) -> Any:
    t = L.from_numpy(a)
    a[0, 0] = -7
    t[1, 1] = 42
    return t, L.tensor(a)


case("as_tensor-ndarray-shares", _as_tensor_shares, Raw(sample((3,), "float32")))
case("as_tensor-ndarray-converted-copies", _as_tensor_copies, Raw(sample((3,), "float32")))
case("as_tensor-tensor-same", lambda L, x: L.as_tensor(x) is x, M)
for name in DTYPES:
    case(f"from_numpy-{name}", lambda L, a: L.from_numpy(a), Raw(sample((2, 3), name)))
case("from_numpy-shares", _from_numpy_shares, Raw(sample((2, 3), "int64")))
case("from_numpy-0d", lambda L, a: L.from_numpy(a), Raw(np.array(2.5)))
case(
    "from_numpy-transposed-strides",
    lambda L, a: L.from_numpy(a.T).stride(),
    Raw(sample((2, 3), "float64")),
)

case("zeros-args", lambda L: L.zeros(2, 3))
case("zeros-tuple", lambda L: L.zeros((2, 3)))
case("zeros-list", lambda L: L.zeros([2, 3]))
case("zeros-size", lambda L: L.zeros(L.Size([2, 1])))
case("zeros-0d", lambda L: L.zeros(()))
case("zeros-empty", lambda L: L.zeros(0, 3))
for name in ("zeros", "ones"):  # the shape as the keyword ``size=``
    case(f"{name}-size-kw", lambda L, n: getattr(L, n)(size=(2, 3)), name)
    case(f"{name}-size-kw-list", lambda L, n: getattr(L, n)(size=[2]), name)
    case(f"{name}-size-kw-Size", lambda L, n: getattr(L, n)(size=L.Size([1, 2])), name)
    case(f"{name}-size-kw-0d", lambda L, n: getattr(L, n)(size=()), name)
case("empty-size-kw", lambda L: (L.empty(size=(2, 3)).shape, L.empty(size=[0]).shape))
case("full-size-kw", lambda L: (L.full(size=(2,), fill_value=3), L.full(fill_value=1.5, size=[1])))
case("full-Size", lambda L: L.full(L.Size([2]), 3))
case("ones-int32", lambda L: L.ones(2, dtype=L.int32))
case("ones-bool", lambda L: L.ones(2, 2, dtype=L.bool))
case("empty-shape", lambda L: (L.empty(2, 3).shape, L.empty(2, 3).dtype, L.empty(0).shape))
case("full-int", lambda L: L.full((2, 2), 7))
case("full-float", lambda L: L.full((2,), 1.5))
case("full-bool", lambda L: L.full((2,), True))
case("full-dtype", lambda L: L.full([3], 2, dtype=L.float64))
case("full-int-size", lambda L: L.full((3,), -1.0))
case("eye-square", lambda L: L.eye(3))
case("eye-rect", lambda L: L.eye(2, 3))
case("eye-int", lambda L: L.eye(3, dtype=L.int64))
case("eye-0", lambda L: L.eye(0))
for args in [
    (5,),
    (1, 4),
    (0, 1, 0.25),
    (5, 0, -1),
    (0.0, 5),
    (1, 2.5, 0.5),
    (10, 0, -3),
    (0, 1, 0.1),
    (-1, 1, 0.3),
    (1, 0, -0.1),
    (0,),
    (3, 3),
    (-5, 5, 2),
]:
    case(f"arange-{args}", lambda L, a: L.arange(*a), Raw(args))
case("arange-dtype-float", lambda L: L.arange(4, dtype=L.float64))
case(
    "arange-keywords",
    lambda L: (
        L.arange(end=3),
        L.arange(end=3.5),
        L.arange(start=0, end=5),
        L.arange(start=1, end=5, step=2),
        L.arange(0, end=5),
        L.arange(1, 5, step=2),
        L.arange(1, end=2, step=0.25),
    ),
)
case("arange-dtype-int", lambda L: L.arange(0.5, 4, dtype=L.int32))
case(  # NumPy's floats (float32 and float16 too) and bools are read as floats
    "arange-numpy-scalars",
    lambda L: [
        L.arange(np.float32(1.5)),
        L.arange(0, 5, np.float32(1.5)),
        L.arange(np.float16(3.0)),
        L.arange(np.bool_(True)),
        L.arange(np.int32(3)),
    ],
)
case(  # a factory fills an expanded out (its elements sharing memory) without a complaint
    "factories-into-expanded-out",
    lambda L: [
        f(L.empty(1).expand(2, 3))
        for f in (
            lambda o: L.zeros(2, 3, out=o),
            lambda o: L.full((2, 3), 2.0, out=o),
            lambda o: L.ones(2, 3, out=o),
        )
    ],
    strides=True,
)
case(  # requires_grad=None is False to the factories (not to tensor())
    "factories-requires-grad-none",
    lambda L: [
        L.zeros(2, requires_grad=None),
        L.ones(2, requires_grad=None),
        L.zeros_like(L.ones(2), requires_grad=None),
        L.ones(2).new_zeros(3, requires_grad=None),
        L.arange(3.0, requires_grad=None),
    ],
)
case("tensor-requires-grad-none", lambda L: L.tensor([1.0], requires_grad=None), raises=TypeError)
for args in [(0, 1, 5), (-1, 1, 4), (0, 10, 0), (0, 10, 1), (3, -3, 7), (0, 1, 11), (2.5, 2.5, 3)]:
    case(f"linspace-{args}", lambda L, a: L.linspace(*a), Raw(args))
case("linspace-int", lambda L: L.linspace(0, 10, 5, dtype=L.int64))
case("linspace-int-negative", lambda L: L.linspace(3, -3, 4, dtype=L.int64))
case("linspace-float64", lambda L: L.linspace(0, 1, 7, dtype=L.float64))
for src in ("int64", "float32", "bool"):
    x = sample((2, 3), src)
    case(f"zeros_like-{src}", lambda L, x: L.zeros_like(x), x)
    case(f"ones_like-{src}-float64", lambda L, x: L.ones_like(x, dtype=L.float64), x)
    case(f"full_like-{src}", lambda L, x: L.full_like(x, 7), x)
    case(f"full_like-{src}-2.5", lambda L, x: L.full_like(x, 2.5), x)
    case(f"empty_like-{src}", lambda L, x: (L.empty_like(x).shape, L.empty_like(x).dtype), x)
case("zeros_like-int-dtype", lambda L, x: L.zeros_like(x, dtype=L.int16), M)


def _default_dtype_round_trip(L: Any) -> Any:
    before = L.get_default_dtype()
    L.set_default_dtype(L.float64)
    try:
        made = (
            L.get_default_dtype(),
            L.tensor([1.5]),
            L.tensor([1, 2]),
            L.zeros(2),
            L.arange(0.0, 1.0, 0.5),
            L.linspace(0, 1, 3),
            (L.tensor([1, 2]) + 2.5).dtype,
            (L.tensor([1, 2]) / 2).dtype,
            L.tensor([1.0], dtype=L.float32) * 2.5,
        )
    finally:
        L.set_default_dtype(before)
    return before, made, L.get_default_dtype(), L.tensor([1.5]).dtype


case("default_dtype-round-trip", _default_dtype_round_trip)

# ---------------------------------------------------------------------------- attributes
for name, x in {
    "matrix": M,
    "3d": M3,
    "0d": np.array(1.5, np.float32),
    "empty": sample((0, 3)),
}.items():
    case(
        f"attributes-{name}",
        lambda L, x: (
            x.shape,
            x.size(),
            x.dim(),
            x.ndim,
            x.numel(),
            x.stride(),
            x.is_contiguous(),
            x.dtype,
            x.device,
            x.is_floating_point(),
            x.element_size(),
            len(x.shape),
        ),
        x,
    )
case("size-dim", lambda L, x: (x.size(0), x.size(1), x.size(-1), x.stride(1), x.stride(-2)), M3)
case("size-0d", lambda L, x: (x.size(), x.stride(), x.numel()), np.array(2.0))
case("stride-views", lambda L, x: (x.t().stride(), x[:, ::2].stride(), x[1].stride()), M)
case("contiguous-views", lambda L, x: (x.t().is_contiguous(), x[:, 1:].is_contiguous()), M)
case("T-2d", lambda L, x: x.T, M, strides=True)
case("T-1d", lambda L, x: x.T, V, strides=True, warnings_match=False)  # torch warns once
case("T-3d", lambda L, x: x.T, M3, strides=True, warnings_match=False)
case("mT", lambda L, x: x.mT, M3, strides=True)
for name in DTYPES:
    x = sample((1,), name, seed=5)
    case(f"item-{name}", lambda L, x: x.item(), x)
    case(f"item-0d-{name}", lambda L, x: x[0].item(), x)
    case(f"tolist-{name}", lambda L, x: x.tolist(), sample((2, 2), name))
    case(f"float-{name}", lambda L, x: float(x), x)
    case(f"int-{name}", lambda L, x: int(x), x)
case("tolist-0d", lambda L: L.tensor(2.5).tolist())
case("tolist-empty", lambda L: L.zeros(0, 2).tolist())
case("type_as", lambda L, x, y: x.type_as(y), IM, M)
case("type_as-same", lambda L, x, y: x.type_as(y) is x, M, M)
for name in DTYPES:
    case(f"to-{name}", lambda L, x, n: x.to(dt(L, n)), sample((2, 3), "float32", seed=9) * 3, name)
    case(f"to-from-{name}", lambda L, x: x.to(L.float64), sample((2, 3), name))
case("to-same-is-self", lambda L, x: x.to(L.float32) is x, M)
case("to-cpu", lambda L, x: (x.to("cpu") is x, x.to(L.device("cpu")) is x, x.cpu() is x), M)
case("to-kw", lambda L, x: x.to(device="cpu", dtype=L.float64), M)
case("to-tensor", lambda L, x, y: x.to(y), IM, M)
case("to-copy", lambda L, x: x.to(L.float32, copy=True) is x, M)
for method in ("float", "double", "long", "int", "bool", "half", "short", "char", "byte"):
    case(f"method-{method}", lambda L, x, m: getattr(x, m)(), sample((2, 3), "float32") * 3, method)
for name in DTYPES:
    case(f"type-{name}", lambda L, x: x.type(), sample((2,), name))
case("type-dtype", lambda L, x: x.type(L.int32), M)
case("type-string", lambda L, x: x.type("torch.IntTensor"), M)

# ---------------------------------------------------------------------------- views
INDEXES = {
    "int": 0,
    "neg-int": -1,
    "slice": slice(1, 3),
    "col": (slice(None), 1),
    "ellipsis": (Ellipsis, 0),
    "none": None,
    "none-mid": (slice(None), None, slice(None)),
    "step": slice(None, None, 2),
    "mixed": (slice(1, -1), slice(None, None, 2)),
    "scalar": (0, 0),
    "ellipsis-none": (Ellipsis, None),
    "neg-slice": slice(-2, None),
    "empty-slice": slice(2, 1),
    "past-end": slice(1, 100),
    "3d-mixed": (1, Ellipsis, slice(None, None, 3)),
    "neg-neg": (-1, -2),
}
for name, index in INDEXES.items():
    x = M3 if name.startswith("3d") else M
    case(f"getitem-{name}", lambda L, x, i: x[i], x, Raw(index), strides=True)
case("getitem-0d-ellipsis", lambda L, x: x[...], np.array(3.0), strides=True)
# sequences and ndarrays become index tensors as torch makes them: a bool or uint8 one is a mask
# (uint8 with torch's warning), anything else int64, floats cut toward zero; int8 and int16
# tensors of one element index as ints, a 0-d uint8 one is a mask without a word
for name, fn in {
    "floats": lambda L, x: x[[1.7, 0]],
    "float-rows": lambda L, x: x[[[0.5, 1.5]]],
    "ndarray-floats": lambda L, x: x[:, np.array([2.5])],
    "ndarray-uint8": lambda L, x: x[np.array([1, 0], np.uint8)],
    "list-numpy-uint8": lambda L, x: x[[np.uint8(1), np.uint8(0)]],
    "ndarray-int8": lambda L, x: x[np.array([1, -1], np.int8)],
    "bool-and-int": lambda L, x: x[[True, 1]],
    "0-d-int8": lambda L, x: x[L.tensor(1, dtype=L.int8)],
    "0-d-uint8": lambda L, x: x[L.tensor(1, dtype=L.uint8)],
    "setitem-uint8-mask-values": lambda L, x: (
        x.__setitem__(L.tensor([1, 0], dtype=L.uint8), L.tensor([5.0, 6.0, 7.0])),
        x,
    )[1],
}.items():
    case(f"getitem-sequence-{name}", fn, M)
case("getitem-0d-none", lambda L, x: x[None], np.array(3.0), strides=True)
case("getitem-view-shares", lambda L, x: (x[0].fill_(9), x)[1], M)
case("view-flat", lambda L, x: x.view(12), M, strides=True)
case("view-infer", lambda L, x: x.view(3, -1), M3, strides=True)
case("view-tuple", lambda L, x: x.view((-1,)), M3, strides=True)
case("view-size", lambda L, x: x.view(L.Size([4, 3])), M, strides=True)
case("view-0d", lambda L, x: x.view(()), np.array([2.0]), strides=True)
case("view-to-0d-and-back", lambda L, x: x.view([]).view(1, 1), np.array([2.0]), strides=True)
case("view-as", lambda L, x, y: x.view_as(y), M, M.reshape(6, 2), strides=True)
case("view-transposed-compatible", lambda L, x: x.t().view(4, 3, 1), M, strides=True)
case("view-empty", lambda L, x: x.view(0, 5, -1), sample((0, 3)), strides=True)
case("reshape-view", lambda L, x: x.reshape(2, 6), M, strides=True)
case("reshape-copy", lambda L, x: x.t().reshape(-1), M, strides=True)
case("reshape-shares", lambda L, x: (x.reshape(4, 3).fill_(1.0), x)[1], M)
case("reshape_as", lambda L, x, y: x.reshape_as(y), M, M.reshape(2, 6), strides=True)
case("t-2d", lambda L, x: x.t(), M, strides=True)
case("t-1d", lambda L, x: x.t(), V, strides=True)
case("t-0d", lambda L, x: x.t(), np.array(1.0), strides=True)
case("transpose", lambda L, x: x.transpose(0, 2), M3, strides=True)
case("transpose-neg", lambda L, x: x.transpose(-1, 0), M3, strides=True)
case("transpose-fn", lambda L, x: L.transpose(x, 1, 1), M3, strides=True)
case("permute", lambda L, x: x.permute(2, 0, 1), M3, strides=True)
case("permute-tuple", lambda L, x: x.permute((1, 2, 0)), M3, strides=True)
case("permute-neg", lambda L, x: x.permute(-1, 0, -2), M3, strides=True)
case("permute-fn", lambda L, x: L.permute(x, (1, 0, 2)), M3, strides=True)
for name, fn in {
    "one-dim": lambda L, x: x.flip(0),
    "dims": lambda L, x: x.flip(0, 2),
    "list": lambda L, x: x.flip([1, -1]),
    "none": lambda L, x: x.flip(()),
    "fn": lambda L, x: L.flip(x, (2,)),
    "transposed": lambda L, x: x.transpose(0, 2).flip(1),  # (laid out as its input)
    "expanded": lambda L, x: x[:1].expand(3, 3, 4).flip(0),
    "reversed": lambda L, x: reversed(x),
    "reversed-0d": lambda L, x: reversed(x[0, 0, 0]),
    "bool": lambda L, x: (x > 0).flip(1),
}.items():
    case(f"flip-{name}", fn, M3, strides=True)
for name, fn in {
    "fn-int": lambda L, x: L.flip(x, 0),
    "repeated": lambda L, x: x.flip(0, 0),
    "out-of-range": lambda L, x: x.flip(3),
}.items():
    case(f"flip-{name}", fn, M3, raises=(TypeError if name == "fn-int" else None))
S = sample((1, 3, 1, 2))
case("squeeze-all", lambda L, x: x.squeeze(), S, strides=True)
case("squeeze-dim", lambda L, x: x.squeeze(2), S, strides=True)
case("squeeze-neg", lambda L, x: x.squeeze(-2), S, strides=True)
case("squeeze-not-1", lambda L, x: x.squeeze(1), S, strides=True)
case("squeeze-tuple", lambda L, x: x.squeeze((0, 2)), S, strides=True)
case("squeeze-tuple-mixed", lambda L, x: x.squeeze((0, 1)), S, strides=True)
case("squeeze-0d", lambda L, x: x.squeeze(0), np.array(1.0), strides=True)
case("squeeze-fn", lambda L, x: L.squeeze(x, 0), S, strides=True)
for d in (0, 1, 2, -1, -3):
    case(f"unsqueeze-{d}", lambda L, x, d: x.unsqueeze(d), M, d, strides=True)
case("unsqueeze-0d", lambda L, x: x.unsqueeze(-1), np.array(1.0), strides=True)
case("flatten", lambda L, x: x.flatten(), M3, strides=True)
case("flatten-start", lambda L, x: x.flatten(1), M3, strides=True)
case("flatten-range", lambda L, x: x.flatten(0, 1), M3, strides=True)
case("flatten-neg", lambda L, x: x.flatten(-2, -1), M3, strides=True)
case("flatten-0d", lambda L, x: x.flatten(), np.array(1.0), strides=True)
case("flatten-transposed", lambda L, x: x.transpose(0, 1).flatten(), M3, strides=True)
case("flatten-same", lambda L, x: L.flatten(x, 1, 1) is x, M3)
C = sample((3, 1))
case("expand", lambda L, x: x.expand(3, 4), C, strides=True)
case("expand-minus1", lambda L, x: x.expand(-1, 5), C, strides=True)
case("expand-leading", lambda L, x: x.expand(2, -1, -1), C, strides=True)
case("expand-leading-0", lambda L, x: x.expand(0, 3, 2), C, strides=True)
case("expand-tuple", lambda L, x: x.expand((2, 3, 2)), C, strides=True)
case("expand-0d", lambda L, x: x.expand(2, 2), np.array(1.0), strides=True)
case("expand-as", lambda L, x, y: x.expand_as(y), C, M, strides=True)
case("expand-size", lambda L, x: x.expand(L.Size([3, 2])), C, strides=True)
case("expand-fn", lambda L, x: L.broadcast_to(x, (2, 3, 3)), C, strides=True)
case("narrow", lambda L, x: x.narrow(1, 1, 2), M, strides=True)
case("narrow-neg-start", lambda L, x: x.narrow(0, -2, 2), M, strides=True)
case("narrow-neg-dim", lambda L, x: x.narrow(-1, 0, 0), M, strides=True)
case("narrow-fn", lambda L, x: L.narrow(x, 0, 1, 1), M, strides=True)
case("contiguous-copy", lambda L, x: x.t().contiguous(), M, strides=True)
case("contiguous-self", lambda L, x: x.contiguous() is x, M)
case("split-int", lambda L, x: x.split(2), M3.reshape(6, 4), strides=True)
case("split-int-uneven", lambda L, x: x.split(4), M3.reshape(6, 4), strides=True)
case("split-list", lambda L, x: x.split([1, 3], dim=1), M, strides=True)
case("split-dim", lambda L, x: L.split(x, 3, dim=-1), M, strides=True)
case("split-zero-sizes", lambda L, x: x.split([0, 3, 0]), M, strides=True)
case("split-big", lambda L, x: x.split(10), M, strides=True)
case("chunk", lambda L, x: x.chunk(2), M, strides=True)
case("chunk-uneven", lambda L, x: x.chunk(3, dim=1), M, strides=True)
case("chunk-more-than-size", lambda L, x: x.chunk(5), M, strides=True)
case("chunk-neg", lambda L, x: L.chunk(x, 4, -1), M3, strides=True)
case("chunk-6-into-4", lambda L, x: x.chunk(4), sample((6,)), strides=True)
case("unbind", lambda L, x: x.unbind(), M, strides=True)
case("unbind-dim", lambda L, x: L.unbind(x, 1), M3, strides=True)
case("unbind-neg", lambda L, x: x.unbind(-1), M3, strides=True)
case("len-iter", lambda L, x: (len(x), list(x)), M)

# results' memory layout (strides) where torch's rule is simple: preserve the input's
# layout (clone, to, elementwise ops, tensor(t)), or row-major (cat, advanced indexing)
LAYOUT = {
    "add-t": lambda L, x: x.t() + 1,
    "add-t-t": lambda L, x: x.t() + x.t(),
    "exp-t": lambda L, x: x.t().exp(),
    "exp-slice": lambda L, x: x[:, ::2].exp(),
    "adv-col": lambda L, x: x[:, [0, 3]],
    "adv-t": lambda L, x: x.t()[[0, 1]],
    "adv-t-col": lambda L, x: x.t()[:, [0, 1]],
    "adv-mask": lambda L, x: x[x > 3],
    "adv-split": lambda L, x: x.reshape(3, 2, 2)[[0, 1], :, [0, 1]],
    "clone-t": lambda L, x: x.t().clone(),
    "clone-t-strided": lambda L, x: x.t()[:, ::2].clone(),
    "clone-strided": lambda L, x: x[:, ::2].clone(),
    "to-t": lambda L, x: x.t().to(L.float64),
    "expand-add": lambda L, x: x[:, :1].expand(3, 4) + 0,
    "where-t": lambda L, x: L.where(x.t() > 0, x.t(), 0.0),
    "gather-t": lambda L, x: x.t().gather(0, L.tensor([[0, 1, 2]])),
    "masked_fill-t": lambda L, x: x.t().masked_fill(x.t() > 2, 0),
    "clamp-t": lambda L, x: x.t().clamp(0, 3),
    "matmul-t": lambda L, x: x.t() @ x,
    "reshape-t": lambda L, x: x.t().reshape(12),
    "stack-t": lambda L, x: L.stack([x.t(), x.t()]),
    "detach-t": lambda L, x: x.t().detach(),
    "neg-t": lambda L, x: -x.t(),
    "mean-t": lambda L, x: x.t().mean(1),
    "index_select-t": lambda L, x: x.t().index_select(0, L.tensor([0, 1])),
    "tensor-t": lambda L, x: L.tensor(x.t()),
    "unsqueeze-t": lambda L, x: [x.t().unsqueeze(d) for d in range(3)],
    "unsqueeze-strided": lambda L, x: [x[:, ::2].unsqueeze(d) for d in range(3)],
    "none-index-t": lambda L, x: (x.t()[:, None], x[None, 1:2], x[1:2, None], x[None, 0]),
}
for name, fn in LAYOUT.items():
    case(f"layout-{name}", fn, M, strides=True, rtol=1e-5, atol=1e-5, warnings_match=False)
case("layout-tensor-from-ndarray-t", lambda L, a: L.tensor(a.T), Raw(M), strides=True)

# ---------------------------------------------------------------------------- advanced indexing
ADV = {
    "long-tensor": lambda L, x: x[L.tensor([0, 2])],
    "int32-tensor": lambda L, x: x[L.tensor([0, 2], dtype=L.int32)],
    "list": lambda L, x: x[[0, 2, 2]],
    "neg-list": lambda L, x: x[[-1, 0]],
    "mask": lambda L, x: x[x > 0],
    "row-mask": lambda L, x: x[L.tensor([True, False, True])],
    "uint8-mask": lambda L, x: x[L.tensor([1, 0, 1], dtype=L.uint8)],
    "col-list": lambda L, x: x[:, [0, 3]],
    "pair": lambda L, x: x[[0, 1], [1, 2]],
    "broadcast-pair": lambda L, x: x[L.tensor([[0], [2]]), L.tensor([1, 3])],
    "slice-then-tensor": lambda L, x: x[1:, L.tensor([0, 1])],
    "ellipsis-list": lambda L, x: x[..., [0]],
    "2d-index": lambda L, x: x[L.tensor([[0, 1], [2, 0]])],
    "empty-index": lambda L, x: x[L.tensor([], dtype=L.int64)],
    "0d-tensor-index": lambda L, x: x[L.tensor(1)],
    "bool-scalar": lambda L, x: x[True],
    "none-and-list": lambda L, x: x[None, [0, 1]],
    "split-adv": lambda L, x: x[[0, 1], :, [0, 1]] if x.dim() == 3 else x[[0], :],
}
for name, fn in ADV.items():
    case(f"adv-index-{name}", fn, M)
case("adv-index-3d-split", ADV["split-adv"], M3)
case("adv-index-3d-mask2d", lambda L, x: x[x.sum(-1) > 0], M3)
case("adv-index-copies", lambda L, x: (x[[0]].fill_(5.0), x)[1], M)
# a ``range`` indexes like the list it holds ("What is torch.nn really?" picks x[range(n), y])
RANGES = {
    "range": lambda L, x: x[range(2)],
    "range-list": lambda L, x: x[range(3), [0, 1, 2]],
    "range-range": lambda L, x: x[range(3), range(3)],
    "range-empty": lambda L, x: x[range(0)],
    "range-step-int": lambda L, x: x[range(0, 3, 2), 1],
    "range-col": lambda L, x: x[:, range(2)],
    "range-negative": lambda L, x: x[range(-1, 1)],
    "range-in-tuple": lambda L, x: x[(range(2),)],
    "range-in-list": lambda L, x: x[[range(2), range(2)]],  # read as a tuple, with a warning
}
for name, fn in RANGES.items():
    case(f"adv-index-{name}", fn, M)


def setter(index: Callable[[Any, Any], Any], value: Callable[[Any, Any], Any]) -> Any:
    """A case body: ``x[index] = value`` then return ``x``."""

    def body(L: Any, x: Any) -> Any:
        x[index(L, x)] = value(L, x)
        return x

    return body


SETS = {
    "col-zero": (lambda L, x: (slice(None), 1), lambda L, x: 0),
    "mask": (lambda L, x: x > 0, lambda L, x: -1.5),
    "row-broadcast": (lambda L, x: 0, lambda L, x: L.tensor([1.0, 2.0, 3.0, 4.0])),
    "col-broadcast": (lambda L, x: (Ellipsis, slice(0, 2)), lambda L, x: L.ones(3, 1)),
    "list": (lambda L, x: [0, 2], lambda L, x: 5),
    "tensor-index": (lambda L, x: L.tensor([2, 0]), lambda L, x: L.zeros(2, 4)),
    "pair": (lambda L, x: ([0, 1], [1, 2]), lambda L, x: L.tensor([7.0, 8.0])),
    "all": (lambda L, x: Ellipsis, lambda L, x: 3),
    "scalar-pos": (lambda L, x: (1, 1), lambda L, x: L.tensor(9.0)),
    "int-value-in-float": (lambda L, x: slice(0, 1), lambda L, x: L.tensor([1, 2, 3, 4])),
    "float64-value": (lambda L, x: 0, lambda L, x: L.tensor(0.1, dtype=L.float64)),
    "step": (lambda L, x: (slice(None), slice(None, None, 2)), lambda L, x: -2),
    "range": (lambda L, x: range(2), lambda L, x: 5),
    "range-pair": (lambda L, x: (range(3), [0, 1, 2]), lambda L, x: -1),
}
for name, (index, value) in SETS.items():
    case(f"setitem-{name}", setter(index, value), M)
case("setitem-int-tensor-float-value", setter(lambda L, x: x > 0, lambda L, x: 2.7), IM)
case("setitem-bool-tensor", setter(lambda L, x: 0, lambda L, x: 1), sample((2, 2), "bool"))
case("setitem-through-view", lambda L, x: (x.t().__setitem__(0, 1.0), x)[1], M)
# what torch assigns: a tensor or a number (np.float64 is a float; np.float32, np.bool_, lists,
# ndarrays and None are TypeErrors that name the value's and the tensor's types)
SET_INDICES = {
    "int": lambda L: 0,
    "slice": lambda L: slice(0, 2),
    "list": lambda L: [0, 2],
    "bool-list": lambda L: [True, False, True],
    "mask": lambda L: L.tensor([True, False, True]),
    "ndarray-mask": lambda L: np.array([True, False, True]),
    "index-tensor": lambda L: L.tensor([2, 0]),
    "pair": lambda L: ([0, 1], [1, 2]),
    "True": lambda L: True,
    "False": lambda L: False,
    "np-bool": lambda L: np.bool_(True),
}
SET_VALUES = {
    "np-float64": lambda L: np.float64(1.5),
    "np-int32": lambda L: np.int32(2),
    "np-float32": lambda L: np.float32(1.5),
    "np-bool": lambda L: np.bool_(True),
    "list": lambda L: [1.0, 2.0, 3.0],
    "ndarray": lambda L: np.array([4.0, 5.0, 6.0]),
    "None": lambda L: None,
    "str": lambda L: "a",
    "0d-float": lambda L: L.tensor(9.5),
    "row-float": lambda L: L.tensor([1.0, 2.0, 3.0]),
    "row-int": lambda L: L.tensor([1, 2, 3]),
    "row-float64": lambda L: L.tensor([1.5, 2.5, 3.5], dtype=L.float64),
    "complex": lambda L: 1 + 2j,  # (RuntimeError: it does not fit a real dtype)
    "real-complex": lambda L: 2 + 0j,
}
for (iname, index), (vname, value) in itertools.product(SET_INDICES.items(), SET_VALUES.items()):
    for dtype in ("float32", "int64"):
        case(
            f"setitem-value-{vname}-at-{iname}-{dtype}",
            setter(lambda L, x, i=index: i(L), lambda L, x, v=value: v(L)),
            np.arange(9, dtype=dtype).reshape(3, 3),
        )
# sizes and dims that torch takes as ints: NumPy ints, one-element integer tensors, and bools
# after the first item of a list (a quirk: torch tells a list of ints by its first item)
case(
    "sizes-of-other-int-types",
    lambda L, a: (
        L.zeros(np.int64(2), L.tensor(3)),
        L.zeros([L.tensor(2), np.int32(1)]),
        L.zeros(2, True),
        L.ones(size=(2, False)),
        a.view(L.tensor(12)),
        a.reshape([np.int64(4), 3]),
        a.view(-1, True),
        L.ones(1, 4).expand(L.tensor(2), 4),
        a.permute(np.int64(1), 0),
    ),
    M,
)
case(
    "int-arguments-of-other-int-types",
    lambda L: (
        L.randperm(np.int64(3)).shape,
        L.randperm(L.tensor(3)).shape,
        L.eye(np.int64(2), L.tensor(3)),
        L.randint(np.int64(3), (2,)).shape,
        L.randint(L.tensor(3), (2,)).shape,
    ),
)
case(
    "split-select-narrow-chunk-take-int-like",
    lambda L, x: (
        x.split(L.tensor(2)),
        x.split([1, True, 1]),
        x.chunk(L.tensor(2)),
        x.select(0, L.tensor(1)),
        x.narrow(0, L.tensor(1), np.int64(1)),
    ),
    M,
)
case(
    "dims-of-other-int-types",
    lambda L, a: (
        a.sum(L.tensor(1)),
        a.sum((0, True)),
        a.mean(np.int64(0)),
        a.softmax(L.tensor(0)),
        a.log_softmax(np.int32(1)),
        a.unsqueeze(L.tensor(0)),
        a.std(dim=[np.int64(1)]),
    ),
    M,
)
# ``...`` more than once: each takes up the dims that the other items leave
for name, index in {
    "twice": (Ellipsis, Ellipsis),
    "around-int": (Ellipsis, 0, Ellipsis),
    "int-first": (0, Ellipsis, Ellipsis),
    "around-none": (Ellipsis, None, Ellipsis),
    "around-list": (Ellipsis, [0, 1], Ellipsis),
    "three-ints": (0, Ellipsis, 1, Ellipsis, 2),
}.items():
    case(f"getitem-ellipses-{name}", lambda L, x, i: x[i], M3, Raw(index), strides=True)
    case(f"setitem-ellipses-{name}", setter(lambda L, x, i=index: i, lambda L, x: -1.0), M3)
case("getitem-ellipses-grad", lambda L, x: x.requires_grad_()[..., 0, ...], M3)

# ---------------------------------------------------------------------------- cat / stack
case("cat", lambda L, x, y: L.cat([x, y]), M, sample((2, 4)))
case("cat-dim1", lambda L, x, y: L.cat((x, y), dim=1), M, sample((3, 2)))
case("cat-neg", lambda L, x, y: L.cat([x, y, x], -1), M, sample((3, 1)))
case("cat-one", lambda L, x: L.cat([x]), M)
case(  # only legacy empty 1-d tensors: torch joins them whatever the dim
    "cat-only-legacy-empty",
    lambda L: [L.cat([L.zeros(0), L.zeros(0, dtype=L.int64)], d) for d in (0, 1, 5, -3)],
)
case(  # NumPy's name, and its argument names
    "swapaxes-axis-names",
    lambda L, x: (L.swapaxes(x, axis0=0, axis1=1), x.swapaxes(axis1=0, axis0=1)),
    M,
    strides=True,
)
case("cat-views", lambda L, x: L.cat([x.t(), x.t()[:, ::2]], 1), M, strides=True)
case("cat-int-float", lambda L, x, y: L.cat([x, y]), IM, M)
case("cat-mixed-ints", lambda L, x, y: L.cat([x, y]), sample((2,), "int8"), sample((2,), "uint8"))
case("cat-bool-int", lambda L, x, y: L.cat([x, y]), sample((2,), "bool"), sample((2,), "int32"))
case("cat-int64-f16", lambda L, x, y: L.cat([x, y]), sample((2,), "int64"), sample((2,), "float16"))
case("cat-legacy-empty", lambda L, x: L.cat([x, L.tensor([])]), M)
case("cat-legacy-empty-first", lambda L, x: L.cat([L.tensor([]), x], 1), M)
case("cat-all-empty", lambda L: L.cat([L.tensor([]), L.tensor([])]))
case("cat-empty-rows", lambda L, x: L.cat([x[:0], x]), M)
case("concat-alias", lambda L, x: L.concat([x, x]), M)
case("stack", lambda L, x: L.stack([x, x]), M)
case("stack-dim1", lambda L, x, y: L.stack((x, y), 1), M, sample((3, 4), seed=4))
case("stack-neg", lambda L, x: L.stack([x, x, x], -1), M)
case("stack-1d", lambda L, x: L.stack([x, x], dim=0), V)
case("stack-0d", lambda L: L.stack([L.tensor(1), L.tensor(2)]))
case("stack-mixed", lambda L, x, y: L.stack([x, y]), IM, M)

# ---------------------------------------------------------------------------- arithmetic
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "pow": lambda a, b: a**b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def _needs_nonzero(op: str) -> bool:
    return op in ("floordiv", "mod")


for op, f in BINARY.items():
    for name in DTYPES:
        if name == "bool" and op in ("sub", "floordiv", "mod", "pow", "div"):
            continue  # bool arithmetic: see the error catalogue / cases below
        a = sample((3, 4), name, seed=11)
        b = sample((3, 4), name, seed=12, nonzero=_needs_nonzero(op))
        if op == "pow":
            a = np.clip(a, -3, 3).astype(name)
            b = np.abs(np.clip(b, -3, 3)).astype(name)
        case(f"{op}-{name}", lambda L, x, y, f=f: f(x, y), a, b)
    case(
        f"{op}-broadcast-col-row",
        lambda L, x, y, f=f: f(x, y),
        sample((3, 1)),
        sample((1, 4), nonzero=True),
    )
    case(
        f"{op}-broadcast-vector",
        lambda L, x, y, f=f: f(x, y),
        sample((2, 3)),
        sample((3,), nonzero=True),
    )
    case(
        f"{op}-broadcast-0d",
        lambda L, x, y, f=f: f(x, y),
        sample((2, 3)),
        np.array(1.5, np.float32),
    )
    case(f"{op}-empty", lambda L, x, y, f=f: f(x, y), sample((0, 3)), sample((1, 3)))
    case(
        f"{op}-0d-0d",
        lambda L, x, y, f=f: f(x, y),
        np.array(2.0, np.float32),
        np.array(3.0, np.float32),
    )
    case(f"{op}-transposed", lambda L, x, y, f=f: f(x.t(), y), M, sample((4, 3), nonzero=True))
    case(
        f"{op}-expanded",
        lambda L, x, y, f=f: f(x.expand(3, 4), y[:, ::2]),
        C,
        sample((3, 8), nonzero=True),
    )
    for scalar in (2, 2.5, True, -3):
        if op == "pow" and scalar == -3:
            continue
        case(f"{op}-float-scalar-{scalar}", lambda L, x, s, f=f: f(x, s), M, scalar)
        case(
            f"{op}-scalar-{scalar}-float",
            lambda L, x, s, f=f: f(s, x),
            sample((3,), nonzero=True),
            scalar,
        )
        xi = sample((3, 4), "int64", seed=13, nonzero=_needs_nonzero(op) or op == "pow")
        if op == "pow":
            xi = np.abs(xi)
        case(f"{op}-int-scalar-{scalar}", lambda L, x, s, f=f: f(x, s), xi, scalar)
        if not (op == "pow" and isinstance(scalar, int)):
            case(f"{op}-scalar-{scalar}-int", lambda L, x, s, f=f: f(s, x), np.abs(xi) + 1, scalar)
        case(
            f"{op}-uint8-scalar-{scalar}",
            lambda L, x, s, f=f: f(x, s),
            sample((4,), "uint8"),
            scalar,
        )

# negatives: floor division and modulo follow Python's signs, in ints and floats
NEG = np.array([-7, -3, -1, 0, 1, 3, 7])
for name in ("int8", "int32", "int64", "float32", "float64"):
    for op in ("floordiv", "mod"):
        case(
            f"{op}-negatives-{name}",
            lambda L, x, f=BINARY[op]: (f(x, 2), f(x, -2), f(-9, x[x != 0])),
            NEG.astype(name),
        )
case("div-trunc", lambda L, x: x.div(-2, rounding_mode="trunc"), NEG.astype("int64"))
case("div-trunc-float", lambda L, x: L.div(x, 2.0, rounding_mode="trunc"), NEG.astype("float32"))
case(
    "div-floor",
    lambda L, x, y: L.div(x, y, rounding_mode="floor"),
    NEG,
    np.array([2, -2, 3, 5, -4, 1, 7]),
)
case("div-by-zero-float", lambda L, x: x / 0, NEG.astype("float32"))
case("div-int-by-zero", lambda L, x: x / 0, NEG)
case("mod-float-by-zero", lambda L, x: x % 0.0, NEG.astype("float32"))
case("reflected-sub", lambda L, x: 2 - x, M)
case("reflected-div", lambda L, x: 2 / x, sample((4,), nonzero=True))
case("reflected-div-int", lambda L, x: 2 / x, sample((4,), "int64", nonzero=True))
case("reflected-pow", lambda L, x: 2**x, sample((4,), "int64").clip(0, 5))
case("reflected-pow-float", lambda L, x: 2.0**x, M)
case("pow-int-float-exp", lambda L, x: x**2.0, IM)
case("pow-float-half", lambda L, x: x**0.5, np.abs(M))
case("pow-neg-base-frac", lambda L, x: x**0.5, M)
case("pow-tensor-tensor-mixed", lambda L, x, y: L.pow(x, y), IM, M)
case(
    "pow-int-negative-tensor-exp",
    lambda L, x, e: (L.pow(x, e), x ** e[0], 2**e),
    np.array([0, 1, 2, -1, -2, 3, -1, 1]),
    np.array([-1, -1, -1, -1, -2, -2, -3, -7]),
)
case(
    "pow-int-negative-tensor-exp-int8",
    lambda L, x, e: x**e,
    np.array([1, -1, 2, -1], np.int8),
    np.array([-2, -2, -1, -4], np.int8),
)
case(
    "pow_-int-negative-tensor-exp",
    lambda L, x, e: x.pow_(e),
    np.array([2, 3, -1]),
    np.array([-1, 1, -1]),
)
case("pow-int-zero-exp", lambda L, x: x**0, IM)
case("pow-int-neg-tensor-exp-float", lambda L, x: x ** (-1.0), sample((3,), "int64", nonzero=True))
case("pow-0d-int-exponent", lambda L, x, e: x**e, M, np.array(2))
case("int-overflow-wraps", lambda L, x: (x * 100, x + 250), np.array([3, 200], np.uint8))
case("int8-overflow-wraps", lambda L, x: x * 64, np.array([3, -5], np.int8))
case("uint8-minus-wraps", lambda L, x: x - 5, np.array([3, 200], np.uint8))
case(
    "bool-add",
    lambda L, x, y: (x + y, x + True, x * y, x + 1, x * 1.5),
    sample((4,), "bool"),
    sample((4,), "bool", seed=1),
)
case("true-div-ints", lambda L, x, y: x / y, IM, sample((3, 4), "int64", seed=4, nonzero=True))
case("true-div-int32-scalar", lambda L, x: x / 2, sample((4,), "int32"))
case(
    "true-div-uint8-int8",
    lambda L, x, y: x / y,
    sample((4,), "uint8"),
    sample((4,), "int8", nonzero=True),
)
case("alpha-add", lambda L, x, y: L.add(x, y, alpha=2), M, M)
case("alpha-sub-int", lambda L, x, y: L.sub(x, y, alpha=3), IM, IM)
case("alpha-add-float-on-int", lambda L, x, y: x.add(y, alpha=0.5), M, IM)
case(
    "functional-forms",
    lambda L, x, y: (L.add(x, 1), L.sub(1, y), L.mul(x, y), L.div(x, 2), L.remainder(x, 3)),
    M,
    M,
)
case("maximum", lambda L, x, y: (L.maximum(x, y), L.minimum(x, y)), M, sample((3, 1)))
case("maximum-mixed", lambda L, x, y: L.maximum(x, y), IM, M)
case(
    "maximum-nan",
    lambda L, x: (L.maximum(x, L.tensor(float("nan"))), L.minimum(x, L.zeros(3))),
    np.array([1.0, -1.0, np.nan], np.float32),
)
case("max-binary", lambda L, x, y: (L.max(x, y), L.min(x, y)), M, sample((3, 4), seed=8))
case(
    "equal-allclose",
    lambda L, x, y: (L.equal(x, x), L.equal(x, y), L.allclose(x, x + 1e-9), L.allclose(x, y)),
    M,
    sample((3, 4), seed=8),
)
case("compare-int-float", lambda L, x: (x < 2.5, x == 2.0, x >= True), IM)
case("compare-mixed", lambda L, x, y: (x < y, x == y), IM, M)
case("compare-uint8-neg", lambda L, x: (x > -1, x == -1), sample((4,), "uint8"))
case("compare-nan", lambda L, x: (x == x, x != x, x < 1), np.array([np.nan, 1.0]))
case("compare-reflected", lambda L, x: (1 < x, 2 == x, 0.5 >= x), M)

# ---------------------------------------------------------------------------- promotion
for d1, d2 in itertools.product(DTYPES, DTYPES):
    case(f"promote_types-{d1}-{d2}", lambda L, a, b: L.promote_types(dt(L, a), dt(L, b)), d1, d2)
    x, y = sample((2, 3), d1, seed=1), sample((3,), d2, seed=2)
    case(f"promote-add-{d1}-{d2}", lambda L, x, y: L.add(x, y), x, y)
    case(f"promote-mul-{d1}-{d2}-0d", lambda L, x, y: (x * y[0], x[0, 0] * y), x, y)
    case(f"promote-div-{d1}-{d2}", lambda L, x, y: x / y, x, sample((3,), d2, seed=2, nonzero=True))
    case(f"promote-lt-{d1}-{d2}", lambda L, x, y: x < y, x, y)
    case(
        f"result_type-{d1}-{d2}",
        lambda L, x, y: (
            L.result_type(x, y),
            L.result_type(x, y[0]),
            L.result_type(x[0, 0], y),
            L.result_type(x[0, 0], y[0]),
        ),
        x,
        y,
    )
for name in DTYPES:
    x = sample((2,), name)
    for scalar in (True, 2, 2.5, -1):
        case(
            f"result_type-{name}-{scalar}",
            lambda L, x, s: (L.result_type(x, s), L.result_type(x[0], s), L.result_type(s, x)),
            x,
            scalar,
        )
        case(f"promote-scalar-{name}-{scalar}", lambda L, x, s: (x + s, s * x), x, scalar)
case(
    "result_type-scalars",
    lambda L: (L.result_type(1, 2.0), L.result_type(True, 2), L.result_type(True, False)),
)
case(
    "result_type-keywords",
    lambda L, x: (L.result_type(x, other=2.5), L.result_type(tensor=x, other=True)),
    sample((2,), "int32"),
)
for args in [(), (1,), (1, 2, 3), ("a", 1)]:  # torch's parser: two tensors or numbers
    case(f"result_type-args-{args}", lambda L, a=args: L.result_type(*a), raises=TypeError)
case(
    "promote_types-python-types",  # (float is float64, as torch reads Python's types)
    lambda L: [
        L.promote_types(a, b)
        for a, b in [(L.float32, float), (L.int32, int), (float, float), (bool, int)]
    ],
)
case(
    "promote-int32-0d-int64",
    lambda L, x, y: (x + y).dtype,
    sample((3,), "int32"),
    np.array(5, np.int64),
)
case("promote-f16-f32", lambda L, x, y: x + y, sample((3,), "float16"), sample((3,), "float32"))
case("promote-int64-f16", lambda L, x, y: x + y, sample((3,), "int64"), sample((3,), "float16"))
case("promote-f16-0d-f64", lambda L, x, y: x + y, sample((3,), "float16"), np.array(0.1))
case(
    "promote-int-0d-float", lambda L, x, y: x * y, sample((3,), "int32"), np.array(0.5, np.float64)
)

# ---------------------------------------------------------------------------- unary maths
UNARY = {
    "neg": lambda L, x: -x,
    "abs": lambda L, x: L.abs(x),
    "exp": lambda L, x: x.exp(),
    "log": lambda L, x: L.log(x),
    "log1p": lambda L, x: L.log1p(x),
    "sqrt": lambda L, x: x.sqrt(),
    "sin": lambda L, x: L.sin(x),
    "cos": lambda L, x: x.cos(),
    "tanh": lambda L, x: L.tanh(x),
    "sigmoid": lambda L, x: x.sigmoid(),
    "relu": lambda L, x: L.relu(x),
}
for op, fn in UNARY.items():
    for name in DTYPES:
        case(f"{op}-{name}", fn, sample((3, 4), name, seed=21))
    case(f"{op}-0d", fn, np.array(0.5, np.float32))
    case(f"{op}-empty", fn, sample((0, 2)))
    case(f"{op}-transposed", lambda L, x, fn=fn: fn(L, x.t()), M)
    case(f"{op}-special", fn, np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, 80.0, -80.0]))
case("abs-method", lambda L, x: (x.abs(), abs(x)), IM)
for dtype in ("float16", "float32", "float64"):  # relu(-0.) is -0. (NumPy's float16 ties differ)
    case(
        f"relu-negative-zero-{dtype}",
        lambda L, x: [repr(y) for y in (L.relu(x), L.nn.functional.relu(x), x.clone().relu_())],
        np.array([-0.0, -1e-30, 0.0, 2.0], dtype),
    )
case(
    "sigmoid-extremes-f32",
    lambda L, x: x.sigmoid(),
    np.array([-100.0, -20.0, 0.0, 20.0, 100.0], np.float32),
)

for name in NUMERIC:
    x = sample((3, 4), name, seed=31)
    case(f"clamp-min-{name}", lambda L, x: x.clamp(min=1), x)
    case(f"clamp-max-{name}", lambda L, x: x.clamp(max=2), x)
    case(f"clamp-both-{name}", lambda L, x: L.clamp(x, 0, 3), x)
    case(f"clamp-float-bound-{name}", lambda L, x: x.clamp(0.5, 2.5), x)
case("clamp-min-gt-max", lambda L, x: x.clamp(2, 1), M)
case("clamp-nan", lambda L, x: x.clamp(0, 1), np.array([np.nan, 2.0, -1.0]))
case("clamp-tensor-bounds", lambda L, x, lo: x.clamp(min=lo), M, sample((4,)))
case("clip-alias", lambda L, x: (L.clip(x, -1, 1), x.clip(max=0)), M)

COND = sample((3, 4), "bool", seed=41)
case("where", lambda L, c, x, y: L.where(c, x, y), COND, M, sample((3, 4), seed=42))
case("where-broadcast", lambda L, c, x, y: L.where(c, x, y), COND, sample((3, 1)), sample((4,)))
case("where-scalar-other", lambda L, c, x: L.where(c, x, 0.0), COND, M)
case("where-scalar-input", lambda L, c, x: L.where(c, 1, x), COND, IM)
case("where-scalars-int", lambda L, c: L.where(c, 1, 0), COND)
case("where-scalars-float", lambda L, c: L.where(c, 1.0, 0), COND)
case("where-int-float-scalar", lambda L, c, x: L.where(c, x, 0.5), COND, IM)
case("where-mixed", lambda L, c, x, y: L.where(c, x, y), COND, IM, sample((3, 4), "float64"))
case("where-method", lambda L, c, x: x.where(c, -x), COND, M)
case("where-condition-from-compare", lambda L, x: L.where(x > 0, x, L.zeros(1)), M)

for name in ("bool", *INT_DTYPES):
    a, b = sample((3, 4), name, seed=51), sample((3, 4), name, seed=52)
    case(f"bitwise-{name}", lambda L, x, y: (x & y, x | y, x ^ y, ~x), a, b)
    case(
        f"bitwise-fn-{name}",
        lambda L, x, y: (
            L.bitwise_and(x, y),
            L.bitwise_or(x, y),
            L.bitwise_xor(x, y),
            L.bitwise_not(x),
        ),
        a,
        b,
    )
case(
    "bitwise-bool-scalar",
    lambda L, x: (x & True, x | False, x ^ True, True & x),
    sample((4,), "bool"),
)
case("bitwise-int-scalar", lambda L, x: (x & 3, x | 8, 5 ^ x), IM)
case("bitwise-mixed", lambda L, x, y: (x & y, x | y), sample((4,), "bool"), sample((4,), "int16"))
case("logical_not", lambda L, x, y: (L.logical_not(x), L.logical_not(y)), sample((4,), "bool"), M)

# ---------------------------------------------------------------------------- reductions
R = sample((2, 3, 4), seed=61)
RED_ARGS = [(), (0,), (1,), (-1,), (2, True), ((0, 2),), ((-1, 0), True), ([1],)]
for args in RED_ARGS:
    case(f"sum-{args}", lambda L, x, a: x.sum(*a), R, Raw(args))
    case(f"mean-{args}", lambda L, x, a: x.mean(*a), R, Raw(args))
    case(f"std-{args}", lambda L, x, a: x.std(*a), R, Raw(args))
    case(f"var-{args}", lambda L, x, a: L.var(x, *a), R, Raw(args))
for name in DTYPES:
    x = sample((3, 4), name, seed=62)
    case(f"sum-{name}", lambda L, x: (x.sum(), x.sum(0), L.sum(x, 1, keepdim=True)), x)
    case(f"prod-{name}", lambda L, x: (x.prod(), x.prod(1), L.prod(x, 0, keepdim=True)), x)
    case(f"max-{name}", lambda L, x: (x.max(), x.max(0), L.max(x, -1, keepdim=True)), x)
    case(f"min-{name}", lambda L, x: (x.min(), x.min(1), L.min(x, 0, True)), x)
    if name != "bool":
        case(
            f"argmax-{name}",
            lambda L, x: (x.argmax(), x.argmax(0), L.argmax(x, 1, keepdim=True)),
            x,
        )
        case(f"argmin-{name}", lambda L, x: (x.argmin(), L.argmin(x, -1), x.argmin(0, True)), x)
    if name in FLOAT_DTYPES:
        case(f"mean-{name}", lambda L, x: (x.mean(), x.mean(0), x.mean((0, 1), keepdim=True)), x)
        case(
            f"std-{name}",
            lambda L, x: (x.std(), x.std(0), x.var(1, keepdim=True)),
            x,
            rtol=2e-3 if name == "float16" else None,
        )
    else:
        case(f"mean-dtype-{name}", lambda L, x: x.mean(dtype=L.float64), x)
        case(f"sum-dtype-{name}", lambda L, x: (x.sum(dtype=L.float32), x.sum(0, dtype=L.int8)), x)
case("sum-empty", lambda L, x: (x.sum(), x.sum(0), x.sum(1), x.prod(), x.mean()), sample((0, 3)))
case(
    "sum-0d",
    lambda L, x: (x.sum(), x.sum(0), x.sum(-1, keepdim=True), x.mean(0)),
    np.array(2.5, np.float32),
)
case("sum-transposed", lambda L, x: (x.t().sum(0), x.mT.mean(-1)), R)
case(  # results row-major whatever the input's layout (a kept dim's stride too)
    "reductions-permuted-layout",
    lambda L: [
        f(L.arange(24).reshape(2, 3, 4).permute(2, 0, 1))
        for f in (
            lambda x: x.sum(1),
            lambda x: x.sum(0, True),
            lambda x: x.prod(1),
            lambda x: x.float().prod(1, True),
            lambda x: x.all(1),
            lambda x: x.bool().any(0, True),
        )
    ],
    strides=True,
)
for name in ("sum", "mean", "prod", "var", "std"):  # torch computes in out's dtype
    for out_dtype in ("float64", "float16", "int64"):
        case(
            f"{name}-out-{out_dtype}",
            lambda L, x, name=name, out_dtype=out_dtype: getattr(L, name)(
                x, 0, out=L.empty(3, dtype=getattr(L, out_dtype))
            ),
            np.array([[0.1, 0.2, 0.7], [0.3, 0.4, 0.11]], np.float32),
            rtol=0,
            atol=0,
        )
for correction in (-1, 0, 1):  # no input element: NaN whatever the correction (and a warning)
    case(
        f"var-empty-correction{correction}",
        lambda L, x, c=correction: (L.var(x, correction=c), L.std(x, 0, correction=c), L.var(x, 1)),
        np.zeros((0, 3), np.float32),
    )
case(  # a dim of a kind torch's parser refuses for a single dim
    "reductions-dim-tensor",
    lambda L, x: [
        L.sum(x, L.tensor([1])),  # (a list of dims takes one)
        x.argmax(L.tensor(1)),
    ],
    R,
)
case("sum-fn-kw", lambda L, x: L.sum(x, dim=(0, 1), keepdim=True), R)
case(
    "std-unbiased",
    lambda L, x: (x.std(unbiased=False), x.std(0, unbiased=False), x.var(1, True, True)),
    R,
)
case("std-positional-bool", lambda L, x: (x.std(False), x.var(True)), R)
case(
    "std-correction",
    lambda L, x: (
        x.std(correction=0),
        x.var(dim=1, correction=2),
        x.std(dim=(0, 1), correction=0, keepdim=True),
    ),
    R,
)
case("std-single", lambda L, x: (x.std(), x.var(0), x.std(0, unbiased=False)), sample((1, 3)))
case("max-dim-namedtuple", lambda L, x: (x.max(dim=1).values, x.max(dim=1).indices, x.min(1)[0]), M)
case(
    "max-ties",
    lambda L, x: (x.max(0), x.argmax(), x.argmin(1), x.min(1)),
    np.array([[1, 3, 3], [3, 1, 1]], np.int64),
)
case(
    "max-nan",
    lambda L, x: (x.max(), x.max(0), x.argmax(), x.min(0), x.argmin()),
    np.array([[1.0, np.nan], [2.0, 0.0]]),
)
case(
    "max-0d",
    lambda L, x: (x.max(), x.max(0), x.argmax(), x.argmax(0), x.argmin(keepdim=True)),
    np.array(3.0),
)
case("argmax-keepdim-nodim", lambda L, x: (x.argmax(keepdim=True), x.argmin(keepdim=True)), R)
case("max-empty-dim", lambda L, x: x.max(0), sample((3, 0)))
case("prod-empty", lambda L, x: (x.prod(), x.prod(0)), sample((0, 2), "int64"))
case("sum-int-overflow-accumulates", lambda L, x: x.sum(), np.full((100,), 100, np.int8))
case(
    "mean-float16-many",
    lambda L, x: (x.sum(), x.mean()),
    np.full((1000,), 0.1, np.float16),
)

# ---------------------------------------------------------------------------- linear algebra
MATMUL_SHAPES = {
    "1d@1d": ((4,), (4,)),
    "2d@1d": ((3, 4), (4,)),
    "1d@2d": ((4,), (4, 5)),
    "2d@2d": ((3, 4), (4, 5)),
    "3d@2d": ((2, 3, 4), (4, 5)),
    "2d@3d": ((3, 4), (2, 4, 5)),
    "3d@1d": ((2, 3, 4), (4,)),
    "1d@3d": ((4,), (2, 4, 5)),
    "4d@3d": ((2, 1, 3, 4), (5, 4, 2)),
    "3d@3d-broadcast": ((1, 3, 4), (6, 4, 2)),
    "empty-inner": ((3, 0), (0, 2)),
    "empty-batch": ((0, 3, 4), (4, 2)),
}
for name, (sa, sb) in MATMUL_SHAPES.items():
    case(
        f"matmul-{name}",
        lambda L, a, b: (a @ b, L.matmul(a, b)),
        sample(sa, seed=71),
        sample(sb, seed=72),
        rtol=1e-5,
        atol=1e-5,
    )
for name in ("int32", "int64", "float16", "float64", "uint8"):
    case(
        f"matmul-{name}",
        lambda L, a, b: a @ b,
        sample((2, 3), name),
        sample((3, 2), name, seed=1),
    )
    case(
        f"matmul-1d-{name}",
        lambda L, a, b: a @ b,
        sample((3,), name),
        sample((3,), name, seed=1),
    )
case("matmul-transposed", lambda L, a: a.t() @ a, M, rtol=1e-5, atol=1e-5)
case("matmul-expanded", lambda L, a, b: a.expand(3, 4) @ b, C, M.T.copy(), rtol=1e-5, atol=1e-5)
case("mm", lambda L, a, b: (L.mm(a, b), a.mm(b)), M, sample((4, 2)), rtol=1e-5, atol=1e-5)
case("bmm", lambda L, a, b: (L.bmm(a, b), a.bmm(b)), M3, sample((2, 4, 5)), rtol=1e-5, atol=1e-5)
case("mv", lambda L, a, b: (L.mv(a, b), a.mv(b)), M, V, rtol=1e-5, atol=1e-5)
case("dot", lambda L, a, b: (L.dot(a, b), a.dot(b)), V, sample((4,), seed=9), rtol=1e-5, atol=1e-5)
case("dot-int", lambda L, a, b: L.dot(a, b), sample((4,), "int64"), sample((4,), "int64", seed=1))
case(
    "matmul-3d@3d-batch-size1",
    lambda L, a, b: L.matmul(a, b),
    sample((1, 2, 3)),
    sample((3, 2)),
    rtol=1e-5,
    atol=1e-5,
)


def _out_form(op: str) -> Callable[..., Any]:
    def body(L: Any, x: Any, y: Any, out: Any) -> Any:
        result = getattr(L, op)(x, y, out=out)
        return result is out, out

    return body


for op in ("add", "mul", "matmul", "sub", "div", "mm"):
    y = M.T.copy() if op in ("matmul", "mm") else M
    out_shape = (3, 3) if op in ("matmul", "mm") else (3, 4)
    case(f"out-{op}", _out_form(op), M, y, np.zeros(out_shape, np.float32), rtol=1e-5, atol=1e-5)
    case(
        f"out-{op}-empty",
        lambda L, x, y, op=op: _out_form(op)(L, x, y, L.zeros(0)),
        M,
        y,
        rtol=1e-5,
        atol=1e-5,
    )
case("out-add-int-into-float", _out_form("add"), IM, IM, np.zeros((3, 4), np.float32))
case("out-matmul-1d", _out_form("matmul"), V, V, np.zeros((), np.float32), rtol=1e-5, atol=1e-5)

# ---------------------------------------------------------------------------- in-place ops
INPLACE = {
    "add_": lambda L, x: x.add_(L.tensor([1.0, 2.0, 3.0, 4.0])),
    "add_-alpha": lambda L, x: x.add_(L.ones(3, 1), alpha=-2),
    "sub_": lambda L, x: x.sub_(0.5),
    "mul_": lambda L, x: x.mul_(L.tensor([[2.0], [3.0], [4.0]])),
    "div_": lambda L, x: x.div_(2),
    "div_-floor": lambda L, x: x.div_(2, rounding_mode="floor"),
    "pow_": lambda L, x: x.pow_(2),
    "copy_": lambda L, x: x.copy_(L.arange(4)),
    "copy_-scalar-tensor": lambda L, x: x.copy_(L.tensor(5.0, dtype=L.float64)),
    "t_": lambda L, x: (x.t_(), x.shape, x.stride())[1:],
    "zero_": lambda L, x: x.zero_(),
    "fill_": lambda L, x: x.fill_(2.5),
    "fill_-tensor": lambda L, x: x.fill_(L.tensor(-1.0)),
    "clamp_": lambda L, x: x.clamp_(-1, 1),
    "clamp_-min": lambda L, x: x.clamp_(min=0),
    "neg_": lambda L, x: x.neg_(),
    "exp_": lambda L, x: x.exp_(),
    "relu_": lambda L, x: x.relu_(),
    "iadd": lambda L, x: x.__iadd__(1),
    "isub": lambda L, x: x.__isub__(L.ones(4)),
    "imul": lambda L, x: x.__imul__(2),
    "itruediv": lambda L, x: x.__itruediv__(4),
    "ifloordiv": lambda L, x: x.__ifloordiv__(0.75),
    "imod": lambda L, x: x.__imod__(L.tensor([1.5, -2.0, 0.5, 3.0])),
    "ipow": lambda L, x: x.__ipow__(2),
    "floor_divide_": lambda L, x: x.floor_divide_(-2),
    "remainder_": lambda L, x: x.remainder_(-1.25),
    "divide_": lambda L, x: x.divide_(2, rounding_mode="trunc"),
    "multiply_": lambda L, x: x.multiply_(3),
    "subtract_": lambda L, x: x.subtract_(1, alpha=2),
    "true_divide_": lambda L, x: x.true_divide_(L.tensor(8.0)),
    "log_": lambda L, x: x.abs_().log_(),
    "sqrt_": lambda L, x: x.abs_().sqrt_(),
    "sin_": lambda L, x: x.sin_(),
    "cos_": lambda L, x: x.cos_(),
    "tanh_": lambda L, x: x.tanh_(),
    "sigmoid_": lambda L, x: x.sigmoid_(),
    "abs_": lambda L, x: x.abs_(),
    "sign_": lambda L, x: x.sign_(),
    "reciprocal_": lambda L, x: x.reciprocal_(),
    "clip_": lambda L, x: x.clip_(max=0.5),
    "masked_fill_": lambda L, x: x.masked_fill_(x > 0, 0.0),
    "scatter_": lambda L, x: x.scatter_(0, L.tensor([[2, 0, 1, 0]]), L.ones(1, 4)),
    "scatter_add_": lambda L, x: x.scatter_add_(
        1, L.tensor([[0, 0], [1, 1], [3, 3]]), L.ones(3, 2)
    ),
}


def _inplace_body(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an in-place op; return its result, whether it returned self, a view, and numpy()."""

    def body(L: Any, x: Any) -> Any:
        row = x[0]
        array = x.numpy()
        result = fn(L, x)
        same = result is x
        return result, same, row, L.from_numpy(array.copy()), x

    return body


for name, fn in INPLACE.items():
    case(f"inplace-{name}", _inplace_body(fn), M)
for name in ("add_", "mul_", "sub_", "fill_", "zero_", "clamp_-min", "neg_", "pow_"):
    case(
        f"inplace-int-{name}",
        _inplace_body(INPLACE[name])
        if name not in ("fill_",)
        else _inplace_body(lambda L, x: x.fill_(7)),
        IM,
    )
case("inplace-int-div_-floor", _inplace_body(lambda L, x: x.div_(2, rounding_mode="floor")), IM)
for name in ("ifloordiv", "imod", "ipow", "floor_divide_", "abs_", "sign_"):
    case(f"inplace-int-{name}", _inplace_body(INPLACE[name]), IM)
INPLACE_BITWISE = {
    "iand": lambda L, x, y: x.__iand__(y),
    "ior": lambda L, x, y: x.__ior__(y),
    "ixor": lambda L, x, y: x.__ixor__(y),
    "bitwise_and_": lambda L, x, y: x.bitwise_and_(y),
    "bitwise_or_": lambda L, x, y: x.bitwise_or_(y[0]),
    "bitwise_xor_": lambda L, x, y: x.bitwise_xor_(True),
}
for name, fn in INPLACE_BITWISE.items():
    for dt in ("bool", "uint8", "int64"):
        case(
            f"inplace-{dt}-{name}",
            _inplace_body(lambda L, x, fn=fn, dt=dt: fn(L, x, L.tensor([True, False, True, True]))),
            sample((3, 4), dt),
        )


def _augmented(op: str) -> Callable[..., Any]:
    """``row op= y`` as a statement, on a view: Python calls __iop__, and falls back to
    ``row = row op y`` (leaving x untouched) where the method is missing."""

    def body(L: Any, x: Any, y: Any) -> Any:
        row = x[1]
        scope = {"row": row, "y": y}
        exec(f"row {op}= y", scope)
        return scope["row"] is row, scope["row"], x

    return body


for op in ("+", "-", "*", "/", "//", "%", "**", "&", "|", "^"):
    for dt in ("float32", "int64", "bool"):
        x = sample((3, 4), dt, seed=5)
        for y in (2, sample((4,), dt, seed=6, nonzero=True)):
            case(f"augmented-{dt}{op}={type(y).__name__}", _augmented(op), x, y)
case("augmented-matmul-number", lambda L, x: x.__matmul__(2), M)  # NotImplemented, as torch

# Python operators with operands torch can't take: NotImplemented, so Python (or NumPy, for an
# ndarray: it computes, and __array_wrap__ hands a tensor back) decides. ``==`` alone takes an
# ndarray as a tensor; ``!=`` falls back to identity. (torch's own __array_wrap__ draws a NumPy
# DeprecationWarning about its signature: warnings are not compared.)
OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "&": operator.and_,
    "|": operator.or_,
    "@": operator.matmul,
    "+=": operator.iadd,
    "*=": operator.imul,
    "**=": operator.ipow,
}
FOREIGN = {
    "ndarray": np.array([1.0, 2.0, 4.0]),
    "ndarray-int32": np.array([1, 2, 3], np.int32),
    "ndarray-bool": np.array([True, False, True]),
    "ndarray-0d": np.array(2.0),
    "np-bool": np.bool_(True),  # torch reads it as a float number
    "np-float32": np.float32(0.5),
    "list": [1.0, 2.0, 3.0],
    "None": None,
    "str": "s",
}
for (symbol, op), (kind, other) in itertools.product(OPERATORS.items(), FOREIGN.items()):
    for dtype in ("float32", "int64"):
        x = sample((3,), dtype, seed=7, nonzero=True)
        case(
            f"operator-tensor{symbol}{kind}-{dtype}",
            lambda L, x, o, op=op: (op(x, o), x),
            x,
            Raw(other),
            warnings_match=False,
        )
        case(
            f"operator-{kind}{symbol}tensor-{dtype}",
            lambda L, x, o, op=op: op(o, x),
            x,
            Raw(other),
            warnings_match=False,
        )
case(
    "numpy-functions-of-tensors",  # __array__ in, __array_wrap__ out: tensors, bool as uint8
    lambda L, x: (np.exp(x), np.sqrt(np.abs(x)), np.greater(x, 0), np.add(x, x), np.exp(x[0])),
    M,
    warnings_match=False,
)
case("numpy-function-of-tensor-requiring-grad", lambda L: np.exp(L.ones(2, requires_grad=True)))
for element in (2.0, Raw(np.float32(-1.0)), True, 3, Raw(np.bool_(True)), [1.0], "a", None):
    name = element.value if isinstance(element, Raw) else element
    case(f"contains-{name!r}", lambda L, x, e: e in x, M, element)
case("contains-tensor", lambda L, x: (x[0] in x, L.tensor([7.0, 8.0]) in x), M)
case(
    "np-bool-is-a-float-number",
    lambda L, i: (
        L.full((2,), np.bool_(True)),
        L.tensor(np.bool_(True)),
        L.add(i, np.bool_(True)),
        L.where(i > 0, i, np.bool_(False)),
        L.result_type(i, np.bool_(True)),
        L.scatter(i, 0, L.tensor([0]), np.bool_(True)),
    ),
    IM,
)
case("np-bool-add_-int", lambda L, i: i.add_(np.bool_(True)), IM)
case(
    "where-condition-alone",  # the indices where it holds, as nonzero(as_tuple=True)
    lambda L, x: (
        L.where(x > 0),
        L.where(x),
        L.where(x[0, 0] > 0),
        L.where(L.zeros(0, 3)),
        L.where(x.requires_grad_() > 0),
    ),
    M,
)
case("where-condition-and-one-value", lambda L, x: L.where(x > 0, 1.0), M, raises=TypeError)
case(
    "sizes-in-bytes-and-dims",
    lambda L, x: [
        (t.nbytes, t.itemsize, t.element_size(), t.ndimension(), L.is_floating_point(t))
        for t in (x, x.double()[:, :2], x[:1].expand(5, 4), x.long(), x > 0, x[0, 0])
    ],
    M,
)
case("matmul-number", lambda L, x: x @ 2, M, raises=TypeError)
case("rmatmul-list", lambda L, x: [1.0, 2.0, 3.0, 4.0] @ x.t(), M, raises=TypeError)
case(
    "tensor-method-aliases",
    lambda L, x, i: (
        x.floor_divide(0.5),
        x.remainder(0.75),
        x.multiply(2),
        x.subtract(x, alpha=3),
        x.divide(3, rounding_mode="floor"),
        x.true_divide(i),
        i.bitwise_and(6),
        i.bitwise_or(i),
        i.bitwise_xor(3),
        i.bitwise_not(),
        (i > 2).logical_not(),
        L.floor_divide(i, 4),
        L.floor_divide(-7.5, x[0]),
    ),
    M,
    IM + 1,
)
for fn_name in ("floor_divide", "remainder", "bitwise_and", "bitwise_or", "bitwise_xor"):
    case(
        f"out-{fn_name}",
        lambda L, i, fn_name=fn_name: getattr(L, fn_name)(i, 3, out=L.zeros(4, 3).long().t()),
        IM + 1,
    )
for fn_name in ("abs", "sign", "sqrt", "log", "sin", "cos", "tanh", "sigmoid", "reciprocal"):
    case(
        f"out-{fn_name}",
        lambda L, x, fn_name=fn_name: (getattr(L, fn_name)(x.abs() + 1, out=x.t().t()), x),
        M,
    )
    case(
        f"out-{fn_name}-int-into-int",
        lambda L, i, fn_name=fn_name: getattr(L, fn_name)(i, out=i),
        IM,
        raises=None if fn_name in ("abs", "sign") else RuntimeError,
    )
case("inplace-float-add_-int-tensor", _inplace_body(lambda L, x: x.add_(L.arange(4))), M)
case(
    "inplace-float-add_-float64",
    _inplace_body(lambda L, x: x.add_(L.ones(4, dtype=L.float64) / 3)),
    M,
)
case(
    "inplace-int32-add_-int64",
    _inplace_body(lambda L, x: x.add_(L.arange(4))),
    sample((3, 4), "int32"),
)
case("inplace-uint8-add_-int", _inplace_body(lambda L, x: x.add_(300)), sample((3, 4), "uint8"))
case("inplace-bool-mul_", _inplace_body(lambda L, x: x.mul_(False)), sample((3, 4), "bool"))
case(
    "inplace-fill_-expanded", lambda L, x: (x.expand(3, 4).fill_(2.0), x.expand(3, 4).zero_(), x), C
)
case(
    "inplace-masked_fill_-expanded",
    lambda L, x: x.expand(3, 4).masked_fill_(L.tensor([True, False, True, False]), 5.0),
    C,
)
case(
    "masked_fill-broadcasts-self",
    lambda L, x, m: x.masked_fill(m, 0.0),
    sample((1, 4)),
    sample((3, 4), "bool"),
)
# in-place ops keep the dtype of the tensor written to: the result is cast into it, unless the
# result's category (bool < int < float) is higher, which torch refuses
for d1, d2 in itertools.product(DTYPES, DTYPES):
    x, y = sample((2, 3), d1, seed=3), sample((3,), d2, seed=4, nonzero=True)
    case(f"inplace-add_-{d1}-{d2}", lambda L, x, y: x.add_(y), x, y)
    case(f"inplace-mul_-{d1}-{d2}-0d", lambda L, x, y: x.mul_(y[0]), x, y)
    case(f"inplace-div_-{d1}-{d2}", lambda L, x, y: x.div_(y), x, y)
    case(f"out-add-{d1}-{d2}", lambda L, x, y: L.add(y, y, out=x), x, y)
    case(f"copy_-{d1}-{d2}", lambda L, x, y: x.copy_(y), x, y)
for name in DTYPES:
    for scalar in (True, 3, 2.5):
        case(f"inplace-mul_-{name}-{scalar}", lambda L, x, s: x.mul_(s), sample((3,), name), scalar)
case("inplace-empty", lambda L: (L.zeros(0, 3).add_(1), L.zeros(2, 0).fill_(1), L.zeros(0, 4).t_()))
case("inplace-through-view", lambda L, x: (x[:, 1].add_(10), x)[1], M)
case("inplace-on-transposed", lambda L, x: (x.t().mul_(L.tensor([1.0, 2.0, 3.0])), x)[1], M)
case("inplace-on-strided", lambda L, x: (x[::2, ::2].zero_(), x)[1], M)
case("inplace-t_-1d", lambda L, x: (x.t_().shape, x), V)

# ---------------------------------------------------------------------------- gather / scatter
case(  # an out-of-place scatter is row-major, whatever its input's layout
    "scatter-layout",
    lambda L: [
        L.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1).scatter(0, L.zeros(1, 2, 3).long(), 1.0),
        L.arange(24.0).reshape(2, 3, 4).mT.scatter_add(0, L.zeros(1, 2, 3).long(), L.ones(1, 2, 3)),
    ],
    strides=True,
)
for shape in ((3, 4), (2, 3, 4)):
    src = sample(shape, seed=81)
    for d in range(-len(shape), len(shape)):
        rng = np.random.default_rng(d + 10)
        idx_shape = tuple(max(n - 1, 1) for n in shape)
        idx = rng.integers(0, shape[d], idx_shape).astype(np.int64)
        case(
            f"gather-{len(shape)}d-dim{d}",
            lambda L, x, i, d=d: (x.gather(d, i), L.gather(x, d, i)),
            src,
            idx,
        )
        case(
            f"scatter_add-{len(shape)}d-dim{d}",
            lambda L, x, i, s, d=d: (x.scatter_add(d, i, s), L.scatter_add(x, d, i, s)),
            src,
            idx,
            sample(shape, seed=82),
            rtol=1e-5,
            atol=1e-5,
        )
        # scatter with repeated targets is order-dependent in torch: use distinct targets
        perm = np.argsort(rng.random(shape), axis=d)
        perm = (
            perm[tuple(slice(0, n) for n in idx_shape)]
            if d % len(shape) == len(shape) - 1
            else perm
        )
        scatter_idx = np.ascontiguousarray(perm[tuple(slice(0, n) for n in idx_shape)]).astype(
            np.int64
        )
        case(
            f"scatter-{len(shape)}d-dim{d}",
            lambda L, x, i, s, d=d: (x.scatter(d, i, s), L.scatter(x, d, i, s)),
            src,
            scatter_idx,
            sample(shape, seed=83),
        )
        case(
            f"scatter-value-{len(shape)}d-dim{d}",
            lambda L, x, i, d=d: x.scatter(d, i, 1.5),
            src,
            scatter_idx,
        )
case(
    "gather-int32-index",
    lambda L, x, i: x.gather(1, i),
    M,
    np.array([[0, 1], [3, 3], [2, 0]], np.int32),
)
case(
    "scatter-int32-index",
    lambda L, x, i: x.scatter(1, i, -1.0),
    M,
    np.array([[0, 1], [3, 2], [2, 0]], np.int32),
)
case(
    "scatter_add-int32-index",
    lambda L, x, i: x.scatter_add(1, i, x),
    M,
    np.array([[0, 0], [3, 3], [2, 0]], np.int32),
)
case("gather-int", lambda L, x, i: x.gather(1, i), IM, np.array([[0, 0], [1, 0], [3, 2]]))
case(
    "gather-bigger-index-along-dim",
    lambda L, x, i: x.gather(1, i),
    M,
    np.array([[0, 1, 2, 3, 3, 3]]),
)
case("gather-1d", lambda L, x, i: x.gather(0, i), V, np.array([3, 0, 0]))
case("gather-empty-index", lambda L, x, i: x.gather(0, i), M, np.zeros((0, 4), np.int64))
case("gather-0d", lambda L, x, i: x.gather(0, i), np.array(2.0), np.array(0))
case("gather-transposed", lambda L, x, i: x.t().gather(0, i), M, np.array([[2, 1, 0]]))
case(
    "scatter-reduce-add",
    lambda L, x, i, s: x.scatter(0, i, s, reduce="add"),
    M,
    np.array([[0, 1, 0, 1]]),
    sample((1, 4)),
)
case(
    "scatter-reduce-multiply",
    lambda L, x, i: x.scatter(1, i, 2.0, reduce="multiply"),
    M,
    np.array([[0, 1], [1, 1], [3, 0]]),
    warnings_match=False,
)
case(
    "scatter_add-dupes-int",
    lambda L, x, i, s: x.scatter_add(1, i, s),
    IM,
    np.array([[0, 0, 0], [1, 1, 2], [3, 3, 3]]),
    sample((3, 3), "int64"),
)
# a 0-d index (or self, or src) counts as 1-d of size 1; an empty index writes nothing
SCATTER_0D = {
    "0d-index-value": lambda L: L.zeros(10).scatter_(0, L.tensor(3), 1.0),
    "0d-index-src": lambda L: L.zeros(5).scatter(0, L.tensor(2), L.tensor([7.0, 8.0])),
    "0d-index-0d-src": lambda L: L.zeros(5).scatter(0, L.tensor(2), L.tensor(7.0)),
    "0d-src": lambda L: L.zeros(5).scatter(-1, L.tensor([1]), L.tensor(3.0)),
    "0d-self": lambda L: L.zeros(()).scatter(0, L.tensor([0, 0]), 3.0),
    "0d-all": lambda L: L.zeros(()).scatter(0, L.tensor(0), L.tensor(5.0)),
    "0d-index-add": lambda L: L.zeros(5).scatter_add(0, L.tensor(2), L.tensor([7.0, 8.0])),
    "0d-index-reduce": lambda L: L.zeros(5).scatter(0, L.tensor(2), 1.0, reduce="add"),
    "empty-index": lambda L: L.zeros(2, 3).scatter(0, L.zeros(0, dtype=L.int64), 1.0),
    "empty-index-add": lambda L: L.zeros(2, 3).scatter_add(0, L.zeros(0, dtype=L.int64), L.ones(3)),
    # ``value=`` (PyTorch's Transforms tutorial one-hot encodes with it), a 0-d tensor too
    "value-kw": lambda L: L.scatter(L.zeros(10), 0, L.tensor(3), value=1),
    "value-kw-tensor": lambda L: L.scatter(L.zeros(4), 0, L.tensor([1]), value=L.tensor(2.5)),
    "value-kw-reduce": lambda L: L.scatter(L.zeros(4), 0, L.tensor([1, 1]), value=2, reduce="add"),
    "value-kw-int": lambda L: L.scatter(L.zeros(4, dtype=L.int64), 0, L.tensor([1]), value=3.5),
    "src-kw": lambda L: L.scatter(L.zeros(4), dim=0, index=L.tensor([1]), src=L.ones(1)),
}
for name, fn in SCATTER_0D.items():
    case(f"scatter-{name}", fn)


def _scatter_grads(L: Any, index: Any, src: Any = None) -> Any:
    """Gradients through scatter into a 1-d input, of the number 1.0 or of ``tensor(src)``."""
    x = L.arange(5.0).requires_grad_()
    s = 1.0 if src is None else L.tensor(src, requires_grad=True)
    y = x.scatter(0, L.tensor(index), s)
    (y * L.arange(5.0)).sum().backward()
    return y, x.grad, None if src is None else s.grad


case("scatter-grad-0d-index-value", lambda L: _scatter_grads(L, 2))
case("scatter-grad-0d-index-0d-src", lambda L: _scatter_grads(L, 2, 7.0))
case("scatter-grad-0d-src", lambda L: _scatter_grads(L, [2], 7.0))


def _scatter_grads_0d_self(L: Any) -> Any:
    x, s = L.tensor(3.0, requires_grad=True), L.tensor([7.0], requires_grad=True)
    y = x.scatter(0, L.tensor([0]), s)
    (y * 2).backward()
    return y, x.grad, s.grad


case("scatter-grad-0d-self", _scatter_grads_0d_self)


MASK = sample((1, 4), "bool", seed=91)
case("masked_fill", lambda L, x, m: x.masked_fill(m, -1.0), M, MASK)
case("masked_fill-fn", lambda L, x, m: L.masked_fill(x, m, 0), M, MASK)
case("masked_fill-int-float-value", lambda L, x, m: x.masked_fill(m, 2.7), IM, MASK)
case("masked_fill-0d-value", lambda L, x, m: x.masked_fill(m, L.tensor(9.0)), M, MASK)
case("masked_fill-same-shape", lambda L, x: x.masked_fill(x > 0, float("-inf")), M)
case("masked_fill-bool", lambda L, x, m: x.masked_fill(m, True), sample((3, 4), "bool"), MASK)
case(
    "masked_fill-int-value-in-int8",
    lambda L, x, m: x.masked_fill(m, 3),
    sample((3, 4), "int8"),
    MASK,
)
for d in (0, 1, -1):
    case(
        f"index_select-dim{d}",
        lambda L, x, i, d=d: (x.index_select(d, i), L.index_select(x, d, i)),
        M,
        np.array([2, 0, 2]),
    )
case("index_select-int32", lambda L, x, i: x.index_select(0, i), M, np.array([1], np.int32))
case("index_select-empty", lambda L, x, i: x.index_select(1, i), M, np.zeros((0,), np.int64))
case("index_select-0d-index", lambda L, x, i: x.index_select(0, i), M, np.array(1))
case("index_select-3d", lambda L, x, i: x.index_select(1, i), M3, np.array([1, 1]))
for name, array in {
    "bool": np.array([True, False, True]),
    "2d-int": np.array([[0, 1], [2, 0]]),
    "3d-float": np.array([[[0.0, -1.5], [0.0, 0.0]], [[2.0, 0.0], [0.0, np.nan]]]),
    "0d-nonzero": np.array(3),
    "0d-zero": np.array(0.0),
    "empty": np.zeros((0, 3), np.float32),
    "one-dim": np.array([1.0, 2.0, 0.0]),  # (a column of 2: strides (1, 2), as torch's)
    "one-found": np.array([[0.0, 1.0]]),
}.items():
    case(
        f"nonzero-{name}",
        lambda L, x: (x.nonzero(), L.nonzero(x), L.nonzero(x, as_tuple=True)),
        array,
        # (an empty result has no layout NumPy keeps: picotorch gives row-major strides, (3, 1)
        # where torch's are (1, 0))
        strides=name not in ("empty", "0d-zero"),
    )


# ---------------------------------------------------------------------------- odds and ends
ODDS = {
    "floordiv-zero-float": lambda L, x: (x // 0.0, x % 0.0, x.div(0.0, rounding_mode="trunc")),
    "bool-list-index": lambda L, x: x[[True, False, True]],
    "int-list-index": lambda L, x: (x[1, [0, 2]], x[[0, 2], 1], x[[1], [2]]),
    "tuple-in-index": lambda L, x: x[(0, 2),],
    "chunk-empty": lambda L, x: (x[:0].chunk(3), x[:, :0].chunk(2, 1)),
    "split-empty": lambda L, x: x[:0].split(2),
    "arange-tensor-bounds": lambda L, x: (L.arange(L.tensor(3)), L.arange(L.tensor(1.5), 4)),
    "full-bool-dtype": lambda L, x: L.full((2,), 3, dtype=L.bool),
    "reduce-empty-dims": lambda L, x: (x.sum(()), x.sum([]), x.mean(()), x.var(()), x.std([])),
    "prod-dtype": lambda L, x: (x.prod(dtype=L.float64), x.long().prod(1, dtype=L.int8)),
    "tensor-empty-nested": lambda L, x: L.tensor([[]]),
    "abs-int8-min": lambda L, x: L.tensor([-128, 5], dtype=L.int8).abs(),
    "pow-f16": lambda L, x: x.abs().half() ** 2.5,
    "sum-keepdim-no-dim": lambda L, x: L.sum(x, dim=None, keepdim=True),
    "clamp-bool": lambda L, x: L.tensor([True, False]).clamp(0, 1),
    "clamp-int-tensor-float-bound": lambda L, x: x.long().clamp(min=L.tensor(0.5)),
    "where-0d": lambda L, x: L.where(L.tensor(True), L.tensor(1.0), L.tensor([2.0, 3.0])),
    "tolist-float16": lambda L, x: L.tensor([0.1, 1 / 3], dtype=L.float16).tolist(),
    "item-float32": lambda L, x: L.tensor(0.1).item(),
    "eq-bool-scalar": lambda L, x: (x.long() == True, x.long() == 1.0),  # noqa: E712
    "numpy-scalar-operands": lambda L, x: (x + np.float64(2.5), x * np.int32(2), np.float64(2) * x),
    "matmul-int-empty": lambda L, x: L.zeros(2, 0, dtype=L.int64) @ L.zeros(0, 3, dtype=L.int64),
    "same-object": lambda L, x: (x.expand(3, 4) is x, x.view(3, 4) is x, x[0].flatten() is x),
    "to-device-dtype": lambda L, x: x.to("cpu", L.float64),
    "reshape-0d": lambda L, x: L.tensor(5).reshape(1, 1, -1),
    "std-keywords": lambda L, x: x.std(dim=0, unbiased=True, keepdim=True),
    "var-float-correction": lambda L, x: x.var(correction=0.5),
    "maximum-bool": lambda L, x: L.maximum(L.tensor([True, False]), L.tensor([False, False])),
    "bool-times-float": lambda L, x: L.tensor([True, False]) * 2.5,
    "bool-div": lambda L, x: L.tensor([True, False]) / L.tensor([True, True]),
    "bool-pow": lambda L, x: L.tensor([True, False]) ** 2,
    "uint8-mod": lambda L, x: L.tensor([7, 200], dtype=L.uint8) % 3,
    "uint8-floordiv-negative": lambda L, x: L.tensor([7, 200], dtype=L.uint8) // -3,
    "getitem-numpy-int": lambda L, x: x[np.int64(1)],
    "getitem-0d-tensors": lambda L, x: x[L.tensor(1), L.tensor(2)],
    "setitem-0d-tensor-index": lambda L, x: (x.__setitem__(L.tensor(1), 0.0), x)[1],
    "slice-with-tensors": lambda L, x: x[L.tensor(1) : L.tensor(3)],
    "setitem-mask-0d-other-dtype": lambda L, x: (x.__setitem__(x > 0, L.tensor(1)), x)[1],
    "empty-strides": lambda L, x: x[:0].stride(),
    "empty-contiguous": lambda L, x: (L.zeros(0, 3).t().is_contiguous(), x[:0].is_contiguous()),
}
for name, fn in ODDS.items():
    case(f"odds-{name}", fn, M)

case("linspace-bool", lambda L: L.linspace(0, 1, 5, dtype=L.bool), raises=NotImplementedError)
case("arange-none-step", lambda L: L.arange(1, 5, None), raises=TypeError)
# the method forms of scatter take value= too (PyTorch's Transforms tutorial one-hot encodes so)
case("scatter-method-value-kw", lambda L: L.zeros(10).scatter_(0, L.tensor(3), value=1))
case("scatter-method-value-kw-out", lambda L: L.zeros(4).scatter(0, L.tensor([1]), value=2.5))
# to() takes Python's types as dtypes, and refuses a dtype name as a string
for name, to in {
    "float": lambda L, x: x.to(float),
    "int": lambda L, x: x.to(int),
    "bool": lambda L, x: x.to(bool),
    "dtype-kw-float": lambda L, x: x.to(dtype=float),
}.items():
    case(f"to-python-{name}", to, np.array([1.5, -2.0], np.float32))
case("to-dtype-str", lambda L, x: x.to(dtype="float32"), M, raises=TypeError)
# tensors inside the data of torch.tensor are read as numbers of their own dtype, also when they
# require grad (with float()'s warning); only one-element tensors can be
TENSORS_IN_DATA = {
    "0d-float": lambda L: [L.tensor(1.5), 2],
    "1-element": lambda L: [L.tensor([1.5]), 2],
    "nested": lambda L: [[L.tensor([[1.5]])], [2]],
    "int8": lambda L: [L.tensor(1, dtype=L.int8), L.tensor(2, dtype=L.int8)],
    "int8-int": lambda L: [L.tensor(1, dtype=L.int8), 2],
    "tuple": lambda L: (L.tensor(2.0), L.tensor(3.0)),
    "requires-grad": lambda L: [L.tensor([1.5], requires_grad=True)[0], 2.0],
}
for name, data in TENSORS_IN_DATA.items():
    # (the warning comes once per process in both libraries: which test sees it depends on
    # the order the tests run in, so warnings are not compared here)
    case(f"tensor-of-tensors-{name}", lambda L, d=data: L.tensor(d(L)), warnings_match=False)
case(
    "tensor-of-tensors-int-vectors",
    lambda L: L.tensor([L.tensor([1, 2]), L.tensor([3, 4])]),
    raises=TypeError,
    same_message=True,
)
case(
    "tensor-of-tensors-empty",
    lambda L: L.tensor([L.tensor([])]),
    raises=ValueError,
    same_message=True,
)

# all/any (PyTorch's 60-minute blitz checks x.eq(y).all()) and the new_* factories
LOGICAL = {
    "all": lambda L, x: (x.all(), L.all(x > 0), x.all(dim=0), x.all(1, keepdim=True)),
    "any": lambda L, x: (x.any(), L.any(x < 0), x.any(dim=(0, 1)), x.any(-1)),
    "uint8": lambda L, x: (x.to(L.uint8).all(), x.to(L.uint8).any(0)),
    "nan-empty": lambda L, x: (L.tensor([float("nan")]).all(), x[:0].all(), x[:0].any()),
    "keepdim-all-dims": lambda L, x: (x.all(keepdim=True), x.any(keepdim=True)),
}
for name, fn in LOGICAL.items():
    case(f"logical-{name}", fn, np.array([[1.0, 0.0], [2.0, -3.0]], np.float32))
NEW = {
    "ones": lambda L, x: x.new_ones(2, 3),
    "zeros-tuple": lambda L, x: x.new_zeros((2, 1)),
    "full": lambda L, x: x.new_full((2,), 7),
    "empty": lambda L, x: x.new_empty(2).shape,
    "tensor": lambda L, x: x.new_tensor([1, 2]),
    "dtype": lambda L, x: x.new_ones(2, dtype=L.int32),
    "requires-grad": lambda L, x: x.new_ones(2, requires_grad=True),
    "dtype-none": lambda L, x: (x.new_zeros(3, dtype=None), x.new_tensor([1, 2], dtype=None)),
}
for name, fn in NEW.items():
    case(f"new-{name}", fn, np.array([1.5], np.float64))

# ---------------------------------------------------------------------------- keyword names
# every argument can be given by its name in torch, under torch's name for it (picotorch's
# reshape(shape=...), permute(dims=...), copy_(other=...) ... were TypeErrors)
KEYWORDS = {
    "reshape-shape": lambda L, x: x.reshape(shape=(4, 3)),
    "reshape-shape-size": lambda L, x: x.reshape(shape=L.Size([2, 6])),
    "torch-reshape-shape": lambda L, x: L.reshape(input=x, shape=[12]),
    "view-size-list": lambda L, x: x.view(size=[6, 2]),
    "expand-size": lambda L, x: x[:1].expand(size=(2, 3, 4)),
    "permute-dims": lambda L, x: x.permute(dims=(1, 0)),
    "torch-permute-dims": lambda L, x: L.permute(input=x, dims=[1, 0]),
    "flip-dims": lambda L, x: x.flip(dims=(0, 1)),
    "torch-flip-dims": lambda L, x: L.flip(input=x, dims=[1]),
    "zeros-like-input": lambda L, x: L.zeros_like(input=x),
    "ones-like-input": lambda L, x: L.ones_like(input=x, dtype=L.int64),
    "full-like-input": lambda L, x: L.full_like(input=x, fill_value=2.5),
    "empty-like-input": lambda L, x: L.empty_like(input=x).shape,
    "rand-like-input": lambda L, x: (L.manual_seed(0), L.rand_like(input=x))[1],
    "randn-like-input": lambda L, x: (L.manual_seed(0), L.randn_like(input=x))[1],
    "copy-other": lambda L, x: x.copy_(other=x.flip(0)),
    "copy-non-blocking": lambda L, x: x.copy_(x.flip(1), non_blocking=True),
    "copy-non-blocking-positional": lambda L, x: x.copy_(x.flip(1), False),
    "dot-tensor": lambda L, x: x[0].dot(tensor=x[1]),
    "torch-dot-tensor": lambda L, x: L.dot(input=x[0], tensor=x[1]),
    "max-other": lambda L, x: x.max(other=x.flip(0)),
    "torch-max-other": lambda L, x: L.max(x, other=x.flip(0)),
    "torch-min-input-other": lambda L, x: L.min(input=x, other=x[0]),
    "gather-sparse-grad-false": lambda L, x: x.gather(
        1, L.tensor([[0], [2], [1]]), sparse_grad=False
    ),
    "torch-gather-sparse-grad-false": lambda L, x: L.gather(
        x, 1, L.tensor([[0], [2], [1]]), sparse_grad=False
    ),
    "equal-method": lambda L, x: (x.equal(x), x.equal(other=x + 1), x.equal(x.double())),
    "equal-shapes": lambda L, x: (L.equal(x, x[:1]), L.equal(input=x, other=x)),
    "allclose-method": lambda L, x: (
        x.allclose(x + 1e-9),
        x.allclose(other=x + 1),
        x.allclose(x[:1]),
    ),
    "allclose-arguments": lambda L, x: x.allclose(x + 0.5, 0.0, 0.6, True),
}
for name, fn in KEYWORDS.items():
    case(f"keyword-{name}", fn, M)
case(
    "keyword-allclose-nan",
    lambda L: L.tensor([float("nan")]).allclose(L.tensor([float("nan")]), equal_nan=True),
)
# the first argument of torch's functions is named too (picotorch named it ``a`` in some)
INPUT_BY_NAME = {
    "squeeze": lambda L, x: L.squeeze(input=x[None], dim=0),
    "unsqueeze": lambda L, x: L.unsqueeze(input=x, dim=1),
    "narrow": lambda L, x: L.narrow(input=x, dim=1, start=1, length=2),
    "select": lambda L, x: L.select(input=x, dim=0, index=2),
    "chunk": lambda L, x: L.chunk(input=x, chunks=2, dim=1),
    "unbind": lambda L, x: L.unbind(input=x, dim=1),
    "flatten": lambda L, x: L.flatten(input=x, start_dim=0),
    "transpose": lambda L, x: L.transpose(input=x, dim0=0, dim1=1),
    "t": lambda L, x: L.t(input=x),
    "split": lambda L, x: L.split(tensor=x, split_size_or_sections=[1, 2], dim=0),
    "index-select": lambda L, x: L.index_select(input=x, dim=1, index=L.tensor([3, 0])),
    "masked-fill": lambda L, x: L.masked_fill(input=x, mask=x > 0, value=0.0),
    "scatter": lambda L, x: L.scatter(input=x, dim=0, index=L.tensor([[1, 0]]), value=7.0),
    "scatter-add": lambda L, x: L.scatter_add(
        input=x, dim=1, index=L.tensor([[1], [0]]), src=x[:2, :1]
    ),
}
INPUT_BY_NAME["set-default-device"] = lambda L, x: L.set_default_device(device="cpu")
for name, fn in INPUT_BY_NAME.items():
    case(f"keyword-input-{name}", fn, M)
# NumPy's names axis= and keepdims=, which torch's argument parser takes for dim= and keepdim=
# in every function written in C (not in those written in Python: F.softmax, x.split, x.norm)
BOOLS = M > 0
INDEX = np.zeros((1, 4), np.int64)
NUMPY_NAMES = {
    "sum": lambda L, x: (x.sum(axis=0), L.sum(x, axis=1, keepdims=True), x.sum(axis=(0, 1))),
    "mean": lambda L, x: (x.mean(axis=0), L.mean(x, axis=1, keepdims=True)),
    "prod": lambda L, x: (x.prod(axis=0, keepdims=True), L.prod(x, axis=1)),
    "max": lambda L, x: (x.max(axis=0), L.max(x, axis=1, keepdims=True)),
    "min": lambda L, x: (x.min(axis=0, keepdims=True), L.min(x, axis=1)),
    "argmax": lambda L, x: (x.argmax(axis=0), L.argmax(x, axis=1, keepdims=True)),
    "argmin": lambda L, x: (x.argmin(axis=0, keepdims=True), L.argmin(x, axis=1)),
    "std": lambda L, x: (x.std(axis=0), L.std(x, axis=1, keepdims=True, unbiased=False)),
    "var": lambda L, x: (x.var(axis=0, keepdims=True), L.var(x, axis=1, correction=0)),
    "softmax": lambda L, x: (x.softmax(axis=1), L.softmax(x, axis=0)),
    "log-softmax": lambda L, x: (x.log_softmax(axis=1), L.log_softmax(x, axis=0)),
    "squeeze": lambda L, x: (x[None].squeeze(axis=0), L.squeeze(x[:, None], axis=1)),
    "unsqueeze": lambda L, x: (x.unsqueeze(axis=0), L.unsqueeze(x, axis=2)),
    "size": lambda L, x: x.size(axis=1),
    "gather": lambda L, x, i: (x.gather(axis=0, index=i), L.gather(x, axis=0, index=i)),
    "chunk": lambda L, x: (x.chunk(2, axis=1), L.chunk(x, 2, axis=1)),
    "select": lambda L, x: (x.select(axis=0, index=1), L.select(x, axis=1, index=0)),
    "narrow": lambda L, x: (x.narrow(axis=1, start=1, length=2), L.narrow(x, 0, 1, 1)),
    "index-select": lambda L, x: x.index_select(axis=1, index=L.tensor([0, 2])),
    "torch-index-select": lambda L, x: L.index_select(x, axis=0, index=L.tensor([1])),
    "scatter": lambda L, x, i: (
        x.scatter(axis=0, index=i, value=1.0),
        L.scatter(x, axis=0, index=i, src=x),
    ),
    "scatter-in-place": lambda L, x, i: x.clone().scatter_(axis=0, index=i, src=x),
    "scatter-add": lambda L, x, i: (
        x.scatter_add(axis=0, index=i, src=x),
        L.scatter_add(x, axis=0, index=i, src=x),
        x.clone().scatter_add_(axis=0, index=i, src=x),
    ),
    "unbind": lambda L, x: (x.unbind(axis=1), L.unbind(x, axis=1)),
    "cat": lambda L, x: (
        L.cat([x, x], axis=1),
        L.concat([x, x], axis=1),
        L.concatenate([x], axis=0),
    ),
    "stack": lambda L, x: L.stack([x, x], axis=1),
}
for name, fn in NUMPY_NAMES.items():
    with_index = fn.__code__.co_argcount == 3  # (L, x, i)
    case(f"numpy-names-{name}", fn, *((M, INDEX) if with_index else (M,)))
case("numpy-names-all-any", lambda L, b: (b.all(axis=0), L.any(b, axis=1, keepdims=True)), BOOLS)
case("numpy-names-grad", lambda L, x: x.requires_grad_().sum(axis=0, keepdims=True), M)
# arguments of kinds torch takes (found with the wrong kinds above, in test_errors)
BM = np.array([[True, False, True, False], [False, True, True, True], [True, True, False, False]])
KINDS = {
    "any-no-dims": lambda L, x, b: (b.any(()), x.all([]), L.any(b, (), keepdim=True)),
    "squeeze-0d-tensor-dim": lambda L, x, b: (x.squeeze(L.tensor(0)), x[None].squeeze(L.tensor(0))),
    "squeeze-0d-tensor-dim-grad": lambda L, x, b: x[None].requires_grad_().squeeze(L.tensor(0)),
    "clamp-0d-tensor-and-number": lambda L, x, b: (
        x.clamp(L.tensor(0.0), 1.0),
        x.clamp(0, L.tensor(1.0)),
    ),
    "clamp-bool-one-tensor": lambda L, x, b: (
        b.clamp(min=b),
        b.clamp(max=b[0]),
        b.clamp(L.tensor(True)),
    ),
    "clamp-bool-int-bounds": lambda L, x, b: (b.clamp(0, 1), L.clamp(b, 0)),
    "fill-number-kinds": lambda L, x, b: (
        x.clone().fill_(np.bool_(True)),
        x.clone().fill_(L.tensor(2)),
    ),
    "masked-fill-numpy-number": lambda L, x, b: x.masked_fill(b, np.float32(2.5)),
    "full-0d-tensor": lambda L, x, b: (L.full((2,), L.tensor(2.5)), x.new_full([2], L.tensor(3))),
    "full-numpy-numbers": lambda L, x, b: (
        L.full((2,), np.float32(1.5)),
        L.full_like(x, np.bool_(True)),
    ),
    "allclose-number-kinds": lambda L, x, b: (
        x.allclose(x, L.tensor(0.1)),
        x.allclose(x + 1, 0, 2),
        x.allclose(x, np.float32(0.1)),
    ),
    "nonzero-as-tuple-bool": lambda L, x, b: (
        x.nonzero(as_tuple=False),
        L.nonzero(b, as_tuple=True),
    ),
    "squeeze-dims-one-by-one": lambda L, x, b: (
        x[None, :, None].squeeze(0, 2),
        x[None].squeeze(dim=(0,)),
    ),
    "squeeze-no-dims": lambda L, x, b: (x[None].squeeze(()), x[None].squeeze([])),
    "adaptive-pool-matrix-to-1": lambda L, x, b: L.nn.functional.adaptive_avg_pool2d(
        x.requires_grad_(), 1
    ),
    "dtype-as-python-type": lambda L, x, b: (
        x.sum(dtype=float),
        x.new_zeros(2, dtype=int),
        x.mean(dtype=L.float64),
    ),
}
for name, fn in KINDS.items():
    case(f"argument-kind-{name}", fn, M, BM)
# two positional arguments to add/sub: torch's deprecated ``(alpha, other)``, which older
# tutorials' SGD steps use; subtract's ``(other, alpha)`` (picotorch: TypeErrors)
POSITIONAL_ALPHA = {
    "add-alpha-tensor": lambda L, x: x.add(2, x.flip(0)),
    "sub-alpha-number": lambda L, x: x.sub(-1, 0.5),
    "add-in-place": lambda L, x: x.clone().add_(0.5, x),
    "sub-in-place-0d-alpha": lambda L, x: x.clone().sub_(L.tensor(2.0), x),
    "subtract-two-numbers": lambda L, x: (x.subtract(2, 3), x.clone().subtract_(L.tensor(2.0), 3)),
    "old-sgd-step": lambda L, x: _old_sgd_step(L, x),
}


def _old_sgd_step(L: Any, x: Any) -> Any:
    w = x.clone().requires_grad_()
    (w * w).sum().backward()
    w.data.add_(-0.1, w.grad.data)
    return w


POSITIONAL_ALPHA["bool-with-bool-number-and-alpha"] = lambda L, x: (  # (picotorch gave int64)
    (x > 0).add(True, alpha=2),
    (x > 0).add(False, alpha=3),
    (x > 0).clone().add_(True, alpha=2),
    (x > 0).long().add(True, alpha=2),
)
for name, fn in POSITIONAL_ALPHA.items():
    case(f"positional-alpha-{name}", fn, M)
# copy_ takes a number too, NumPy's included; a complex one with torch's warning
for name, number in {
    "int": 2,
    "float": 2.5,
    "bool": True,
    "complex": 1 + 2j,
    "np-float32": np.float32(1.5),
    "np-int64": np.int64(3),
    "np-bool": np.bool_(True),
    "np-complex": np.complex64(2 + 1j),
}.items():
    case(f"copy-number-{name}", lambda L, x, v: x.copy_(v), M, Raw(number))


@pytest.mark.parametrize(("fn", "inputs", "options"), CASES)
def test_parity(fn: Callable[..., Any], inputs: tuple[Any, ...], options: dict[str, Any]) -> None:
    check(fn, *inputs, **options)


# ---------------------------------------------------------------------------- property test
@st.composite
def broadcastable_shapes(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes (up to 3-d, sizes 0-4) that broadcast: per dim equal, or one of them 1."""
    ndim = draw(st.integers(0, 3))
    full = [draw(st.integers(0, 4)) for _ in range(ndim)]
    a, b = [], []
    for n in full:
        choice = draw(st.sampled_from(("both", "a1", "b1")))
        a.append(1 if choice == "a1" else n)
        b.append(1 if choice == "b1" else n)
    # drop some leading dims of one side: broadcasting adds them back
    a = a[draw(st.integers(0, len(a))) :]
    b = b[draw(st.integers(0, len(b))) :]
    return tuple(a), tuple(b)


HYPO_OPS = ("add", "sub", "mul", "div", "lt", "eq", "maximum", "where")


@settings(max_examples=200, deadline=None)
@given(
    shapes=broadcastable_shapes(),
    dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
    op=st.sampled_from(HYPO_OPS),
    seed=st.integers(0, 2**16),
)
def test_broadcasting_binary_ops(
    shapes: tuple[tuple[int, ...], tuple[int, ...]], dtypes: tuple[str, str], op: str, seed: int
) -> None:
    x = sample(shapes[0], dtypes[0], seed=seed)
    y = sample(shapes[1], dtypes[1], seed=seed + 1, nonzero=True)
    if op == "sub" and dtypes == ("bool", "bool"):
        op = "add"  # bool - bool is an error, covered by the error catalogue

    def fn(L: Any, x: Any, y: Any) -> Any:
        if op == "where":
            return L.where(x > 0, x, y)
        if op == "maximum":
            return L.maximum(x, y)
        return getattr(L, op)(x, y)

    check(fn, x, y)


# operands laid out differently: torch lays the result out as the first operand that tells two
# dims apart (NumPy, row-major unless every operand says otherwise)
MIXED_LAYOUTS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "transposed + row-major": lambda L, a, b: a.t() + b,
    "row-major + transposed": lambda L, a, b: b + a.t(),
    "transposed * number": lambda L, a, b: a.t() * 2,
    "number - transposed": lambda L, a, b: 2 - a.t(),
    "transposed / a broadcast row": lambda L, a, b: a.t() / (b[0] + 10),
    "a broadcast row * transposed": lambda L, a, b: b[0] * a.t(),
    "transposed < row-major": lambda L, a, b: a.t() < b,
    "maximum(transposed, row-major)": lambda L, a, b: L.maximum(a.t(), b),
    "both transposed": lambda L, a, b: a.t() + b.t(),
    "every other column + transposed": lambda L, a, b: a[:, ::2].t() + b[:2].t(),
    "permuted 3-d + row-major": lambda L, a, b: (
        a.reshape(3, 1, 3).permute(2, 0, 1) + b.reshape(3, 3, 1)
    ),
    "int transposed + float": lambda L, a, b: a.t().long() + b,
    "a column + permuted 3-d": lambda L, a, b: (
        a[0].reshape(3, 1) + b.reshape(1, 3, 3).permute(2, 0, 1)
    ),
    "where(transposed condition)": lambda L, a, b: L.where(a.t() > 2, a.t(), b),
    "where(row-major condition)": lambda L, a, b: L.where(b > 2, a.t(), b),
    "clamp(transposed, min=row-major)": lambda L, a, b: L.clamp(a.t(), min=b),
    "clamp(transposed, row-major, row-major)": lambda L, a, b: L.clamp(a.t(), b - 10, b),
}


@pytest.mark.parametrize("name", MIXED_LAYOUTS)
def test_binary_ops_lay_out_their_result_as_torch(name: str) -> None:
    def fn(L: Any, a: Any, b: Any) -> Any:
        result = MIXED_LAYOUTS[name](L, a, b)
        return result, result.stride(), result.is_contiguous()

    check(fn, np.arange(9.0).reshape(3, 3), np.arange(9.0).reshape(3, 3) * 2, strides=True)


@pytest.mark.parametrize("p", [2, 1, 3, 0, math.inf, -math.inf])
@pytest.mark.parametrize("keepdim", [False, True])
def test_norms_of_a_permuted_tensor_are_row_major_as_torchs(p: float, keepdim: bool) -> None:
    # (torch's reductions write row-major results; the ±inf, 0 and other-p norms followed the
    # input's layout, as NumPy's reductions do)
    def fn(L: Any, x: Any) -> Any:
        y = x.permute(2, 1, 0).norm(p=p, dim=2, keepdim=keepdim)
        return y, y.stride()

    check(fn, np.arange(-8.0, 16.0).reshape(2, 3, 4), strides=True)


# advanced indexing of a tensor not laid out row-major: torch keeps the kept dims in the
# source's memory order (and reads the strides of its size-1 dims); picotorch's was row-major
PERMUTED_INDEXING: dict[str, Callable[[Any, Any], Any]] = {
    "x[i]": lambda L, x: x[L.tensor([2, 0])],
    "x[:, i]": lambda L, x: x[:, L.tensor([1, 0])],
    "x[..., i]": lambda L, x: x[..., L.tensor([0, 0])],
    "x[i, :, i] (apart)": lambda L, x: x[L.tensor([0, 1]), :, L.tensor([1, 0])],
    "x[None, i, None]": lambda L, x: x[None, L.tensor([1, 0]), None],
    "x[2-d i]": lambda L, x: x[L.tensor([[0], [2]])],
    "x[mask]": lambda L, x: x[x[:, :, 0] > 3],
    "x[0, i]": lambda L, x: x[0, L.tensor([1, 1])],
}


@pytest.mark.parametrize("name", PERMUTED_INDEXING)
@pytest.mark.parametrize("layout", ["permuted", "size-1 dim last"])
def test_advanced_indexing_lays_out_its_result_as_torch(name: str, layout: str) -> None:
    def fn(L: Any, x: Any) -> Any:
        if layout == "permuted":
            x = x.permute(2, 0, 1)  # (4, 2, 3): strides (1, 12, 4)
        else:
            x = x[:1].permute(1, 2, 0)  # (3, 4, 1): strides (4, 1, 12), row-major but for it
        y = PERMUTED_INDEXING[name](L, x)
        return y, y.stride()

    check(fn, np.arange(24.0).reshape(2, 3, 4), strides=True)


def test_a_reshape_of_a_transposed_sum_is_a_copy_as_in_torch() -> None:
    # (torch's sum is laid out transposed, so the reshape copies: writing into it leaves the
    # sum as it was. picotorch's sum was row-major, and the reshape a view of it.)
    def fn(L: Any, a: Any, b: Any) -> Any:
        total = a.t() + b
        flat = total.reshape(-1)
        flat[0] = 100.0
        return total, flat

    check(fn, np.arange(4.0).reshape(2, 2), np.ones((2, 2)))


# a number becoming an element of a dtype (a fill value, a clamp bound, where's number): torch
# refuses one that does not fit ("value cannot be converted to type uint8_t without overflow"),
# except an int wrapping into an unsigned dtype down to -max; NumPy wrapped, made inf or raised
# OverflowError. float16 is checked on some paths only (see _dtype.check_fits).
FIT_DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32"]
FIT_VALUES = [1.5, -1.5, 300, -1, -129, 128, -256, 2**40, math.nan, math.inf, 255.9, 1e10, 1e300]


def _set(x: Any, index: Any, value: Any) -> Any:
    x[index] = value
    return x


FIT_CALLS = {
    "full": lambda L, d, v: L.full((2,), v, dtype=d),
    "full one element": lambda L, d, v: L.full((1,), v, dtype=d),
    "full_like": lambda L, d, v: L.full_like(L.zeros(2, dtype=d), v),
    "new_full": lambda L, d, v: L.zeros(2, dtype=d).new_full((3,), v),
    "fill_": lambda L, d, v: L.zeros(2, dtype=d).fill_(v),
    "fill_ one element": lambda L, d, v: L.zeros(1, dtype=d).fill_(v),
    "masked_fill": lambda L, d, v: L.zeros(2, dtype=d).masked_fill(L.tensor([True, False]), v),
    "setitem": lambda L, d, v: _set(L.zeros(2, dtype=d), 0, v),
    "setitem slice": lambda L, d, v: _set(L.zeros(2, dtype=d), slice(None), v),
    "clamp": lambda L, d, v: L.zeros(2, dtype=d).clamp(max=v) if d is not L.bool else None,
    "where": lambda L, d, v: L.where(L.tensor([True, False]), L.zeros(2, dtype=d), v),
}


@pytest.mark.parametrize("value", FIT_VALUES, ids=str)
@pytest.mark.parametrize("dtype", FIT_DTYPES)
@pytest.mark.parametrize("call", FIT_CALLS)
def test_a_number_that_does_not_fit_the_dtype(call: str, dtype: str, value: Any) -> None:
    check(lambda L: FIT_CALLS[call](L, getattr(L, dtype), value), same_message=True)


# numbers (and one-element tensors) in arithmetic, value for value, compared exactly
HALF = np.linspace(-100, 100, 801).astype(np.float16)
SCALAR_ARITHMETIC = {
    # torch computes a float16 product or quotient by a one-element operand in float32, from
    # that operand's own value (x * 0.1 is not x * half(0.1); x * 2**40 is no inf)
    "half * 0.1": lambda L, h: h * 0.1,
    "half * 2.7": lambda L, h: h * 2.7,
    "half / 0.3": lambda L, h: h / 0.3,
    "half // 0.1": lambda L, h: h // 0.1,
    "half trunc / 7.77": lambda L, h: L.div(h, 7.77, rounding_mode="trunc"),
    "0.1 / half": lambda L, h: 0.1 / h,
    "half * 2**40": lambda L, h: h * 2**40,
    "half / 2**40": lambda L, h: h / 2**40,
    "half * 0-d float32": lambda L, h: h * L.tensor(0.1),
    "half * 0-d int64": lambda L, h: h * L.tensor(2**40),
    "int16 / 0-d half": lambda L, h: (h * 300).to(L.int16) / L.tensor(0.3, dtype=L.float16),
    "half + 0.1": lambda L, h: h + 0.1,
    "half - 0.7": lambda L, h: h - 0.7,
    # the exponents torch computes with products (x ** 3 is x * x * x, not pow)
    "float32 ** 3": lambda L, h: h.float() ** 3,
    "float32 ** 2": lambda L, h: h.float() ** 2,
    "float32 ** -0.5": lambda L, h: h.float().abs() ** -0.5,
    "float32 ** -1": lambda L, h: h.float() ** -1,
    "float32 ** -2": lambda L, h: h.float() ** -2,
    "float64 ** 3.0": lambda L, h: h.double() ** 3.0,
    "half ** 3": lambda L, h: h**3,  # (in float32, rounded once)
    "half ** -0.5": lambda L, h: h.abs() ** -0.5,
    "int64 ** 3.0": lambda L, h: h.long() ** 3.0,
    "pow(float32, 3)": lambda L, h: L.pow(h.float() + 0.1, 3),
    # numbers that do not fit the dtype: torch's error, not a wrapped value
    "int8 // 256": lambda L, h: L.tensor([5, -7], dtype=L.int8) // 256,
    "int8 % 2**40": lambda L, h: L.tensor([5, -7], dtype=L.int8) % 2**40,
    "uint8 trunc / 512": lambda L, h: L.div(
        L.tensor([5, 7], dtype=L.uint8), 512, rounding_mode="trunc"
    ),
    "int8 // 0-d int64 256": lambda L, h: L.tensor([5, -7], dtype=L.int8) // L.tensor(256),
    "int8 ** 300": lambda L, h: L.tensor([1, 2], dtype=L.int8) ** 300,
    "half ** 2**40": lambda L, h: h**2**40,
    "float32 ** 1e300": lambda L, h: h.float() ** 1e300,
    "int8 ** 0-d uint8 255": lambda L, h: (
        L.tensor([1, 2, -1], dtype=L.int8) ** L.tensor(255, dtype=L.uint8)
    ),
    "int8 add alpha 300": lambda L, h: L.tensor([1], dtype=L.int8).add(1, alpha=300),
    "float32 sub alpha 1e300": lambda L, h: h.float().sub(h.float(), alpha=1e300),
    "half add alpha 1e5": lambda L, h: h.add(h, alpha=1e5),
    "uint8 sub alpha -1": lambda L, h: L.tensor([1, 9], dtype=L.uint8).sub(3, alpha=-1),
}


@pytest.mark.parametrize("name", SCALAR_ARITHMETIC)
def test_numbers_in_arithmetic(name: str) -> None:
    check(lambda L, h: SCALAR_ARITHMETIC[name](L, h), HALF, same_message=True, rtol=0, atol=0)


VARIANCE_DATA = (np.random.default_rng(7).standard_normal((3, 64, 50)) * 10 + 3).astype(np.float32)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("dim", [None, 0, 2, (0, 2)], ids=str)
def test_variance_to_the_last_bit(op: str, dim: Any, dtype: str) -> None:
    """torch computes float32 and float16 variances in double: picotorch's float32 ones
    differed in the last bit for about half of the values."""
    data = VARIANCE_DATA.astype(dtype)
    check(
        lambda L, x: getattr(x, op)() if dim is None else getattr(x, op)(dim), data, rtol=0, atol=0
    )


@pytest.mark.parametrize("value", [1 + 0j, 1.5 - 0j, 300 + 0j, 2j], ids=str)
@pytest.mark.parametrize("dtype", ["bool", "int8", "float32"])
@pytest.mark.parametrize("call", ["full", "fill_", "masked_fill", "new_full", "setitem"])
def test_a_complex_fill_value(call: str, dtype: str, value: complex) -> None:
    """A complex number fills a real tensor with its real part, if it is real (and fits)."""
    check(lambda L: FIT_CALLS[call](L, getattr(L, dtype), value), same_message=True)


def _set_0d(L: Any, index: Any) -> Any:
    x = L.tensor(5.0)
    x[index] = 2.0
    return x


ZERO_D_INDICES = [0, -1, 1, slice(1, None), slice(None), (None, 0), (0, 0), Ellipsis, True, [0]]


@pytest.mark.parametrize("index", ZERO_D_INDICES, ids=repr)
@pytest.mark.parametrize("write", [False, True])
def test_indexing_a_0d_tensor(index: Any, write: bool) -> None:
    """torch's messages: "invalid index of a 0-dim tensor" for 0 only, "index -1 is out of
    bounds for dimension 0 with size 0", "slice() cannot be applied to a 0-dim tensor."."""
    check(lambda L: _set_0d(L, index) if write else L.tensor(5.0)[index], same_message=True)


MEMORY_FORMATS = ["contiguous_format", "preserve_format", "channels_last", "channels_last_3d"]
LAYOUT_SOURCES = {
    "matrix": lambda L: L.arange(6.0).reshape(2, 3),
    "transposed": lambda L: L.arange(6.0).reshape(2, 3).t(),
    "4-d": lambda L: L.arange(24.0).reshape(1, 2, 3, 4),
    "4-d channels innermost": lambda L: L.arange(24.0).reshape(1, 2, 3, 4).transpose(1, 3),
    "5-d": lambda L: L.arange(24.0).reshape(1, 2, 3, 2, 2),
    "4-d channels last": lambda L: (
        L.arange(24.0).reshape(1, 2, 3, 4).contiguous(memory_format=L.channels_last)
    ),
    "4-d one channel": lambda L: L.arange(12.0).reshape(2, 1, 2, 3),
}
LAYOUT_CALLS = {
    "contiguous": lambda L, x, f: x.contiguous(memory_format=f),
    "is_contiguous": lambda L, x, f: x.is_contiguous(memory_format=f),
    "clone": lambda L, x, f: x.clone(memory_format=f),
    "torch.clone": lambda L, x, f: L.clone(x, memory_format=f),
    "zeros_like": lambda L, x, f: L.zeros_like(x, memory_format=f),
    "full_like": lambda L, x, f: L.full_like(x, 3, memory_format=f),
    "rand_like": lambda L, x, f: (L.manual_seed(0), L.rand_like(x, memory_format=f))[1],
    "empty": lambda L, x, f: L.empty(*x.shape, memory_format=f).zero_(),
    "to float64": lambda L, x, f: x.to(L.float64, memory_format=f),
    "to a copy": lambda L, x, f: x.to(copy=True, memory_format=f),
    # a copy is new memory: writing it leaves the source as it was
    "clone written": lambda L, x, f: (x.clone(memory_format=f).fill_(7), x)[1],
    "copy written": lambda L, x, f: (x.to(copy=True, memory_format=f).fill_(7), x)[1],
}


@pytest.mark.parametrize("fmt", MEMORY_FORMATS)
@pytest.mark.parametrize("source", LAYOUT_SOURCES)
@pytest.mark.parametrize("call", LAYOUT_CALLS)
def test_memory_formats(call: str, source: str, fmt: str) -> None:
    """``torch.channels_last`` and the other memory formats: the layout (strides) of what each
    call returns, its values, and torch's errors for the wrong rank."""
    check(
        lambda L: LAYOUT_CALLS[call](L, LAYOUT_SOURCES[source](L), getattr(L, fmt)),
        same_message=True,
        strides=True,
    )


def test_memory_format_objects() -> None:
    import copy
    import pickle

    import torch

    import picotorch

    for L in (torch, picotorch):
        assert [repr(getattr(L, f)) for f in MEMORY_FORMATS] == [
            f"torch.{f}" for f in MEMORY_FORMATS
        ]
        assert copy.deepcopy(L.channels_last) is L.channels_last
        assert pickle.loads(pickle.dumps(L.contiguous_format)) is L.contiguous_format
        assert isinstance(L.preserve_format, L.memory_format)
    check(lambda L: L.ones(2).contiguous(memory_format=1), raises=TypeError, same_message=True)
