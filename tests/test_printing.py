"""repr(tensor) parity: picotorch's _printing must print exactly what torch 2.13 prints.

Each case builds a NumPy array, gives torch a copy (``torch.from_numpy``) and picotorch a
stand-in object holding the array itself (so non-contiguous, negative-stride and stride-0
views reach the printer as they are), and compares the two texts.
"""

from __future__ import annotations

import dataclasses
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from picotorch import _dtype, _printing


class _GradFn:
    """A stand-in autograd node: printing only asks for its name."""

    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name


def picotorch_repr(arr: np.ndarray, requires_grad: bool = False, grad_fn: str | None = None) -> str:
    stub = types.SimpleNamespace(
        _data=arr,
        dtype=_dtype.from_numpy_dtype(arr.dtype),
        requires_grad=requires_grad or grad_fn is not None,
        grad_fn=_GradFn(grad_fn) if grad_fn else None,
    )
    return _printing.tensor_repr(stub)


def torch_repr(arr: np.ndarray, requires_grad: bool = False, grad_fn: str | None = None) -> str:
    t = torch.from_numpy(arr.copy())  # copy: torch refuses negative strides
    if requires_grad or grad_fn:
        t.requires_grad_()
    if grad_fn:
        t = t.clone()
        assert type(t.grad_fn).__name__ == grad_fn
    return repr(t)


def set_both_printoptions(**options: Any) -> None:
    torch.set_printoptions(**options)
    _printing.set_printoptions(**options)


def set_both_default_dtypes(name: str) -> None:
    torch.set_default_dtype(getattr(torch, name))
    _dtype.set_default_dtype(getattr(_dtype, name))


@pytest.fixture(autouse=True)
def restore_print_state() -> Iterator[None]:
    """Whatever a test changes, both libraries print with the defaults afterwards."""
    try:
        yield
    finally:
        set_both_printoptions(profile="default")
        set_both_default_dtypes("float32")


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def randn(*shape: int, seed: int = 0, dtype: type = np.float32) -> np.ndarray:
    return rng(seed).standard_normal(shape).astype(dtype)


@dataclasses.dataclass
class Case:
    id: str
    make: Callable[[], np.ndarray]
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    default_dtype: str | None = None
    requires_grad: bool = False
    grad_fn: str | None = None


nan, inf = np.nan, np.inf
f32, f64, f16 = np.float32, np.float64, np.float16

CASES = [
    # every dtype
    Case("bool-1d", lambda: np.array([True, False, True])),
    Case("bool-2d-all-true", lambda: np.ones((2, 3), dtype=bool)),
    Case("bool-0d-true", lambda: np.array(True)),
    Case("bool-0d-false", lambda: np.array(False)),
    Case("uint8", lambda: np.arange(0, 250, 17, dtype=np.uint8)),
    Case("uint8-0d", lambda: np.array(7, dtype=np.uint8)),
    Case("int8", lambda: np.array([-128, 0, 5, 127], dtype=np.int8)),
    Case("int16-2d", lambda: np.array([[-300, 2], [40, 5]], dtype=np.int16)),
    Case("int32-2d", lambda: np.arange(12, dtype=np.int32).reshape(3, 4) - 6),
    Case("int64", lambda: np.array([1, -2, 3])),
    Case("int64-huge", lambda: np.array([2**62, -(2**63), 0, 1], dtype=np.int64)),
    Case("int64-0d", lambda: np.array(-42)),
    Case("float16", lambda: np.array([0.1, 1.5, -2.0], dtype=f16)),
    Case("float16-sci", lambda: np.array([60000.0, 1e-3, 3.0], dtype=f16)),
    Case("float16-0d", lambda: np.array(0.3333, dtype=f16)),
    Case("float32", lambda: np.array([1.5, -2.25, 3.0], dtype=f32)),
    Case("float64", lambda: np.array([1.5, -2.25, 3.0])),
    Case("float64-0d", lambda: np.array(2.5)),
    # 0-d floats
    Case("0d-int-valued", lambda: np.array(3.0, dtype=f32)),
    Case("0d-fraction", lambda: np.array(3.14159, dtype=f32)),
    Case("0d-nan", lambda: np.array(nan, dtype=f32)),
    Case("0d-neg-inf", lambda: np.array(-inf, dtype=f32)),
    Case("0d-neg-zero", lambda: np.array(-0.0, dtype=f32)),
    Case("0d-tiny", lambda: np.array(1e-7, dtype=f32)),
    # empty tensors
    Case("empty-float32", lambda: np.zeros(0, dtype=f32)),
    Case("empty-float64", lambda: np.zeros(0, dtype=f64)),
    Case("empty-int64", lambda: np.zeros(0, dtype=np.int64)),
    Case("empty-bool", lambda: np.zeros(0, dtype=bool)),
    Case("empty-0x3", lambda: np.zeros((0, 3), dtype=f32)),
    Case("empty-2x0x4-int32", lambda: np.zeros((2, 0, 4), dtype=np.int32)),
    Case("empty-requires-grad", lambda: np.zeros((3, 0), dtype=f32), requires_grad=True),
    # 1-d to 4-d
    Case("randn-1d", lambda: randn(5)),
    Case("randn-2d", lambda: randn(3, 4)),
    Case("randn-3d", lambda: randn(2, 3, 4)),
    Case("randn-4d", lambda: randn(2, 2, 2, 3)),
    Case("int-4d", lambda: np.arange(24).reshape(1, 2, 3, 4)),
    Case("size-1-dims", lambda: randn(1, 1, 1)),
    # the choice of format
    Case("int-valued", lambda: np.array([1.0, 2.0, 300.0], dtype=f32)),
    Case("int-valued-negative", lambda: np.array([[-1.0, 20.0], [3.0, -400.0]], dtype=f32)),
    Case("ratio-above-1000", lambda: np.array([1.0, 1001.5], dtype=f32)),
    Case("ratio-exactly-1000", lambda: np.array([1.5, 1500.0], dtype=f32)),
    Case("large-int-valued", lambda: np.array([1e8, 1.0], dtype=f32)),
    Case("above-1e8", lambda: np.array([2e8, 3e8], dtype=f32)),
    Case("tiny", lambda: np.array([1e-5, 2e-5], dtype=f32)),
    Case("tiny-and-one", lambda: np.array([1e-5, 1.0], dtype=f32)),
    Case("subnormal", lambda: np.array([1e-40, 1.0], dtype=f32)),
    Case("nan-inf-fraction", lambda: np.array([nan, inf, -inf, 1.5], dtype=f32)),
    Case("nan-inf-int-valued", lambda: np.array([nan, -inf, 1.0, 2.0], dtype=f32)),
    Case("nan-inf-sci", lambda: np.array([nan, -inf, 1e-6, 2.0], dtype=f32)),
    Case("all-zero", lambda: np.zeros((2, 2), dtype=f32)),
    Case("all-nan", lambda: np.full(3, nan, dtype=f32)),
    Case("neg-zero-int-valued", lambda: np.array([-0.0, 1.0, 2.0], dtype=f32)),
    Case("neg-zero-fraction", lambda: np.array([-0.0, 1.5], dtype=f32)),
    Case("neg-zero-sci", lambda: np.array([-0.0, 1e-5], dtype=f32)),
    Case("rounds-up-a-digit", lambda: np.array([9.99996, 0.5], dtype=f64)),
    Case("float32-not-exact", lambda: np.array([0.1, 0.2, 0.3], dtype=f32)),
    Case("large-fixed", lambda: np.array([123456.789, 200.5], dtype=f32)),
    # wrapping at linewidth
    Case("wrap-arange-30", lambda: np.arange(30, dtype=f32)),
    Case("wrap-randn-5x30", lambda: randn(5, 30)),
    Case("wrap-int-100", lambda: np.arange(100)),
    Case("wrap-3d", lambda: randn(2, 3, 20, seed=1)),
    Case("wrap-sci", lambda: randn(40, seed=2) * 1e6),
    # summarisation
    Case("summarise-2000", lambda: np.arange(2000, dtype=f32)),
    Case("summarise-1001", lambda: randn(1001)),
    Case("summarise-100x100", lambda: randn(100, 100, dtype=f64)),
    Case("summarise-3x500", lambda: randn(3, 500)),
    Case("summarise-10x10x11", lambda: np.arange(1100).reshape(10, 10, 11)),
    Case("summarise-hides-big-middle", lambda: np.r_[np.ones(600), 1e9, np.ones(600)].astype(f32)),
    Case("summarise-bool", lambda: np.arange(1500) % 3 == 0),
    # non-contiguous views
    Case("transposed", lambda: randn(3, 4).T),
    Case("strided", lambda: np.arange(20, dtype=f32)[::3]),
    Case("reversed", lambda: np.arange(10)[::-1]),
    Case("broadcast-stride-0", lambda: np.broadcast_to(np.array([1.5, 2.0], dtype=f32), (3, 2))),
    Case("column-slice", lambda: randn(4, 6)[:, 1::2]),
    Case("summarise-broadcast", lambda: np.broadcast_to(randn(1, 2000), (50, 2000))),
    # autograd suffixes
    Case("requires-grad", lambda: randn(3), requires_grad=True),
    Case("requires-grad-0d", lambda: np.array(2.0, dtype=f32), requires_grad=True),
    Case("requires-grad-float64", lambda: randn(2, 2, dtype=f64), requires_grad=True),
    Case("grad-fn", lambda: randn(2, 3), grad_fn="CloneBackward0"),
    Case("grad-fn-multiline", lambda: randn(5, 30, dtype=f64), grad_fn="CloneBackward0"),
    Case("suffix-wraps", lambda: np.arange(17, dtype=f64) + 0.5, requires_grad=True),
    # print options
    Case("precision-2", lambda: randn(4), {"precision": 2}),
    Case("precision-0", lambda: np.array([0.5, 1.5, 2.25]), {"precision": 0}),
    Case("precision-8", lambda: randn(3, dtype=f64), {"precision": 8}),
    Case("sci-on", lambda: randn(3), {"sci_mode": True}),
    Case("sci-on-int-valued", lambda: np.array([1.0, 2.0], dtype=f32), {"sci_mode": True}),
    Case("sci-on-all-zero", lambda: np.zeros(2, dtype=f32), {"sci_mode": True}),
    Case("sci-off", lambda: np.array([1e-6, 1e6], dtype=f32), {"sci_mode": False}),
    Case("linewidth-40", lambda: np.arange(30, dtype=f32), {"linewidth": 40}),
    Case("linewidth-5", lambda: randn(2, 3), {"linewidth": 5}),
    Case("threshold-5", lambda: np.arange(10), {"threshold": 5}),
    Case("threshold-0-0d", lambda: np.array(1.5, dtype=f32), {"threshold": 0}),
    Case("edgeitems-1", lambda: randn(10, 10), {"threshold": 5, "edgeitems": 1}),
    Case("edgeitems-0", lambda: np.arange(5), {"edgeitems": 0}),
    Case("edgeitems-0-summarised", lambda: randn(3, 3), {"edgeitems": 0, "threshold": 2}),
    Case("profile-full", lambda: np.arange(1200), {"profile": "full"}),
    Case("profile-short", lambda: randn(2000), {"profile": "short"}),
    Case("profile-then-override", lambda: randn(2000), {"profile": "full", "precision": 6}),
    # a changed default dtype
    Case("default-f64-float64", lambda: randn(3, dtype=f64), default_dtype="float64"),
    Case("default-f64-float32", lambda: randn(3), default_dtype="float64"),
    Case("default-f64-empty-f32", lambda: np.zeros(0, dtype=f32), default_dtype="float64"),
    Case("default-f64-empty-f64", lambda: np.zeros((0, 2)), default_dtype="float64"),
    Case("default-f16-float16", lambda: np.array([1.5], dtype=f16), default_dtype="float16"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_repr_matches_torch(case: Case) -> None:
    if case.default_dtype:
        set_both_default_dtypes(case.default_dtype)
    set_both_printoptions(**case.options)
    arr = case.make()
    expected = torch_repr(arr, case.requires_grad, case.grad_fn)
    assert picotorch_repr(arr, case.requires_grad, case.grad_fn) == expected


@pytest.mark.parametrize("value", [3.0, -0.0, 2.5, True, 7, -(2**63)])
def test_python_scalar_matches_torch(value: object) -> None:
    expected = repr(torch.tensor(value))
    dtype = _dtype.scalar_dtype(value)
    arr = np.array(value, dtype=dtype.numpy)
    assert picotorch_repr(arr) == expected


@pytest.mark.parametrize("linewidth", range(30, 90, 3))
def test_suffixes_break_lines_where_torch_does(linewidth: int) -> None:
    """Every line width around the point where the suffixes stop fitting on the last line."""
    set_both_printoptions(linewidth=linewidth)
    for arr in (randn(3), randn(3, dtype=f64), np.arange(7, dtype=f64).reshape(1, 7) + 0.5):
        assert picotorch_repr(arr, requires_grad=True) == torch_repr(arr, requires_grad=True)
        assert picotorch_repr(arr, grad_fn="CloneBackward0") == torch_repr(
            arr, grad_fn="CloneBackward0"
        )


def test_printoptions_defaults_and_profiles() -> None:
    assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()
    for profile in ("short", "full", "default"):
        set_both_printoptions(profile=profile)
        assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()


def test_set_printoptions_always_resets_sci_mode() -> None:
    arr = np.array([1.25, 300.5], dtype=f32)
    set_both_printoptions(sci_mode=True)
    assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()
    assert torch._tensor_str.PRINT_OPTS.sci_mode is True
    assert picotorch_repr(arr) == torch_repr(arr)
    set_both_printoptions(precision=3)  # no sci_mode: back to automatic, in both
    assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()
    assert torch._tensor_str.PRINT_OPTS.sci_mode is None
    assert picotorch_repr(arr) == torch_repr(arr)


def test_printoptions_context_restores() -> None:
    arr = np.array([1.25], dtype=f32)
    set_both_printoptions(linewidth=60, sci_mode=False)  # not the defaults, to be restored
    before = torch._tensor_str.get_printoptions()
    assert _printing.get_printoptions() == before
    with (
        torch._tensor_str.printoptions(precision=1, sci_mode=True),
        _printing.printoptions(precision=1, sci_mode=True),
    ):
        assert _printing.get_printoptions() == torch._tensor_str.get_printoptions() != before
        assert picotorch_repr(arr) == torch_repr(arr)
    assert torch._tensor_str.get_printoptions() == before
    assert _printing.get_printoptions() == before
    assert picotorch_repr(arr) == torch_repr(arr)


def test_huge_tensor_prints_fast() -> None:
    arr = np.broadcast_to(np.arange(10_000, dtype=f32), (1000, 10_000))  # 10**7 elements
    start = time.perf_counter()
    text = picotorch_repr(arr)
    assert time.perf_counter() - start < 0.5
    assert text == torch_repr(arr)


# A float32 array of any shape up to 3-d with any values hypothesis finds, nan and inf included.
small_float_arrays = hnp.arrays(
    dtype=f32,
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6),
    elements=st.floats(width=32),
)


@settings(max_examples=120, deadline=None)
@given(arr=small_float_arrays)
def test_any_small_float32_array_matches_torch(arr: np.ndarray) -> None:
    assert picotorch_repr(arr) == torch_repr(arr)


@settings(max_examples=80, deadline=None)
@given(
    shape=st.lists(st.integers(1, 14), min_size=1, max_size=3),
    exponent=st.integers(-12, 12),
    whole=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
    precision=st.integers(0, 8),
    linewidth=st.integers(20, 140),
    sci_mode=st.sampled_from([None, True, False]),
)
def test_random_magnitudes_and_options_match_torch(
    shape: list[int],
    exponent: int,
    whole: bool,
    seed: int,
    precision: int,
    linewidth: int,
    sci_mode: bool | None,
) -> None:
    values = rng(seed).standard_normal(shape) * 10.0**exponent
    if whole:
        values = np.round(values)
    arr = values.astype(f32)
    options = {"precision": precision, "linewidth": linewidth, "sci_mode": sci_mode}
    with torch._tensor_str.printoptions(**options), _printing.printoptions(**options):
        assert picotorch_repr(arr) == torch_repr(arr)


def test_format_matches_torch() -> None:
    # f-strings: a 0-d tensor formats as its number, with or without a format spec
    import picotorch

    texts = []
    for lib in (torch, picotorch):
        loss = lib.tensor(2.5, requires_grad=True) * 1
        vector = lib.tensor([1.0, 2.0])
        count = lib.tensor(3)
        param = lib.nn.Parameter(lib.tensor(1.5))
        text = [f"{loss}", f"{loss:.3f}", f"{loss:>8}", f"{count}", f"{count:04d}", f"{vector}"]
        text += [f"{param}", format(lib.tensor(True))]
        with pytest.raises(TypeError) as error:
            f"{vector:.2f}"
        texts.append((text, str(error.value)))
    assert texts[1] == texts[0]
    assert texts[0][0][:2] == ["2.5", "2.500"]  # (what this test is about)
