"""Float sums add up in torch's order: the same bits as torch, not only close values.

``tests/parity.py`` compares floats with a tolerance; here every result must have torch's exact
bit pattern (see picotorch/_ops/summation.py for the order). The layouts cover each of the
kernel's paths: contiguous rows (by vectors), columns side by side, strided, several reduced
dims that do not merge, and sums big enough for torch to split between threads.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch

import picotorch
from picotorch._ops import summation
from tests.parity import check

LIBS = (picotorch, torch)

Layout = Callable[[Any], Any]
LAYOUTS: dict[str, Layout] = {
    "contiguous": lambda t: t,
    "transposed": lambda t: t.t() if t.dim() == 2 else t.permute(*reversed(range(t.dim()))),
    "every other column": lambda t: t[..., ::2],
    "every other row": lambda t: t[::2],
}
SHAPES = [(1,), (3,), (5,), (8,), (10,), (16,), (32,), (37,), (64,), (100,), (513,), (5000,),
          (3, 4), (4, 8), (8, 8), (64, 10), (64, 128), (33, 70), (5, 9), (4, 1, 7), (2, 3, 4),
          (7, 64, 3), (16, 16, 16), (3, 5, 7, 9)]  # fmt: skip


def same_bits(a: Any, b: Any) -> bool:
    """Same shape, dtype name and bytes (so also the same sign of zero and the same NaNs)."""
    a, b = a.detach(), b.detach()
    return (
        tuple(a.shape) == tuple(b.shape)
        and str(a.dtype) == str(b.dtype)
        and a.numpy().tobytes() == b.numpy().tobytes()
    )


def both(fn: Callable[[Any, Any], Any], array: np.ndarray) -> tuple[Any, Any]:
    """``fn(lib, tensor)`` for picotorch and for torch, each on its own copy of ``array``."""
    p, t = (fn(lib, lib.from_numpy(array.copy())) for lib in LIBS)
    return p, t


def dim_choices(ndim: int) -> list[Any]:
    """None (everything), each single dim, and every pair of dims."""
    pairs = [(a, b) for a in range(ndim) for b in range(a + 1, ndim)]
    return [None, *range(ndim), *pairs]


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Both libraries on ``n`` threads (torch splits big sums between its threads)."""
    before = [lib.get_num_threads() for lib in LIBS]
    for lib in LIBS:
        lib.set_num_threads(n)
    try:
        yield
    finally:
        for lib, count in zip(LIBS, before, strict=True):
            lib.set_num_threads(count)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sum_has_torchs_bits(dtype: str, layout: str) -> None:
    rng = np.random.default_rng(0)
    arrange = LAYOUTS[layout]
    for shape in SHAPES:
        if layout != "contiguous" and len(shape) < 2:
            continue
        array = (rng.standard_normal(shape) * 100).astype(dtype)
        for dim in dim_choices(len(shape)):
            for keepdim in (False, True):
                if dim is None and keepdim:
                    continue

                def total(lib: Any, x: Any, dim: Any = dim, keepdim: bool = keepdim) -> Any:
                    x = arrange(x)
                    return x.sum() if dim is None else x.sum(dim, keepdim=keepdim)

                p, t = both(total, array)
                assert same_bits(p, t), (shape, layout, dim, keepdim, p, t)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_short_sums_of_negative_zeros_are_zero_as_torchs(dtype: str) -> None:
    """A small tensor's total (one to several vectors per accumulator, with and without numbers
    left over) of -0.s only: torch adds it into an output that starts at 0, so it is 0."""
    for n in (4, 8, 16, 24, 32, 40, 64, 96, 100, 128, 200):
        array = np.full(n, -0.0, dtype)
        p, t = both(lambda lib, x: x.sum(), array)
        assert same_bits(p, t), (n, p, t)


def test_sums_over_dims_that_do_not_merge() -> None:
    """Three or more reduced dims that are not contiguous with each other: the kernel runs once
    per row and each run adds into the same output (float16 then adds in float32)."""
    rng = np.random.default_rng(1)
    for dtype in ("float32", "float16"):
        array = rng.standard_normal((6, 10, 12, 4)).astype(dtype)
        for dims in [(0, 1, 2), (1, 2, 3), (0, 1, 2, 3), (0, 2)]:
            p, t = both(lambda lib, x, dims=dims: x[::2, ::3, ::2].sum(dims), array)
            assert same_bits(p, t), (dtype, dims)


def test_sum_with_a_dtype_converts_first() -> None:
    rng = np.random.default_rng(2)
    array = rng.standard_normal((37, 50)).astype("float32")
    for dim in (None, 0, 1):
        p, t = both(lambda lib, x, dim=dim: x.t().sum(dim, dtype=lib.float64), array)
        assert same_bits(p, t), dim
        p, t = both(lambda lib, x, dim=dim: x[:, ::3].sum(dim, dtype=lib.float64), array)
        assert same_bits(p, t), dim


@pytest.mark.parametrize("n", [1, 2, 3])
def test_big_sums_split_between_threads_as_torchs(n: int) -> None:
    rng = np.random.default_rng(3)
    cases: list[tuple[tuple[int, ...], Layout, Any]] = [
        ((70001,), lambda t: t, None),
        ((300, 300), lambda t: t[:, ::2], None),  # a share of a thread ends mid-row
        ((40000, 8), lambda t: t[:, ::2], 0),  # shares of four strided columns
        ((33000, 40), lambda t: t, 0),  # shares of columns rounded to 128 bytes
        ((9, 40000), lambda t: t, 1),
        ((200, 300), lambda t: t.t(), 1),
    ]
    with threads(n):
        for shape, arrange, dim in cases:
            array = (rng.standard_normal(shape) * 1000).astype("float32")
            p, t = both(lambda lib, x, a=arrange, d=dim: a(x).sum(d), array)
            assert same_bits(p, t), (n, shape, dim)


def test_mean_and_the_mean_losses_have_torchs_bits() -> None:
    rng = np.random.default_rng(4)
    x, y = (rng.standard_normal((50, 30)).astype("float32") for _ in range(2))
    for dim in (None, 0, 1):
        p, t = both(lambda lib, a, dim=dim: a.mean() if dim is None else a.mean(dim), x)
        assert same_bits(p, t), dim
    for dtype in ("float32", "float16"):  # (float16's mean adds and divides in float32)
        a, b = x.astype(dtype), y.astype(dtype)
        for loss in ("mse_loss", "l1_loss"):
            p, t = (
                getattr(lib.nn.functional, loss)(lib.from_numpy(a.copy()), lib.from_numpy(b.copy()))
                for lib in LIBS
            )
            assert same_bits(p, t), (loss, dtype)


def test_gradients_of_broadcast_inputs_are_summed_as_torch_sums_them() -> None:
    """The engine sums a broadcast input's gradient over the repeated dims (torch's sum_to),
    and nn.Linear's bias gradient is a sum over the batch."""
    rng = np.random.default_rng(5)
    x, g = (rng.standard_normal((64, 10)).astype("float32") for _ in range(2))
    b = rng.standard_normal(10).astype("float32")
    grads = []
    for lib in LIBS:
        bias = lib.from_numpy(b.copy()).requires_grad_()
        (lib.from_numpy(x.copy()) + bias).backward(lib.from_numpy(g.copy()))
        linear = lib.nn.Linear(10, 10)
        linear(lib.from_numpy(x.copy())).backward(lib.from_numpy(g.copy()))
        grads.append((bias.grad, linear.bias.grad))
    assert same_bits(grads[0][0], grads[1][0])
    assert same_bits(grads[0][1], grads[1][1])


def test_what_prints_is_torchs() -> None:
    """The classic: a tenth added ten times in float32 is not 1, and torch shows it."""
    for fn in (
        lambda lib: lib.tensor([0.1] * 10).sum(),
        lambda lib: lib.tensor([0.1, 0.2, 0.3]).sum().item(),
        lambda lib: lib.tensor([-0.0, -0.0]).sum(),  # the output starts at 0: this is 0.
        lambda lib: lib.arange(1000, dtype=lib.float32).div(7).mean().item(),
    ):
        p, t = (repr(fn(lib)) for lib in LIBS)
        assert p == t


def test_set_num_threads_checks_its_argument() -> None:
    check(lambda lib: lib.set_num_threads(0), raises=RuntimeError, same_message=True)
    check(lambda lib: lib.set_num_threads(2.0), raises=RuntimeError, same_message=True)
    with threads(3):
        check(lambda lib: lib.get_num_threads())


ENVIRONMENTS = [
    {},
    {"OMP_NUM_THREADS": "1"},
    {"OMP_NUM_THREADS": "64"},
    {"MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "2"},
]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_default_thread_count_is_torchs(env: dict[str, str]) -> None:
    """What a fresh process starts with: the physical cores, or fewer if the environment asks
    for fewer (MKL's variable first)."""
    environment = {**os.environ, **env}
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if name not in env:
            environment.pop(name, None)
    counts = [
        subprocess.run(
            [sys.executable, "-c", f"import {lib.__name__} as t; print(t.get_num_threads())"],
            capture_output=True, text=True, check=True, env=environment,
        ).stdout
        for lib in LIBS
    ]  # fmt: skip
    assert counts[0] == counts[1]


def test_in_order_adds_left_to_right() -> None:
    """The building block: NumPy's reduce along a non-innermost axis, accumulate otherwise."""
    rng = np.random.default_rng(6)
    for shape in [(7,), (40,), (40, 1), (40, 3), (5, 40, 2)]:
        values = rng.standard_normal(shape).astype("float32") * 1e4
        expected = np.float32(0) + values[0]
        for v in values[1:]:
            expected = expected + v
        assert summation._in_order(values).tobytes() == np.asarray(expected).tobytes(), shape


@pytest.mark.parametrize("n", [1, 3, 16, 17, 64, 100, 257, 5000])
def test_nll_loss_adds_in_torchs_order(n: int) -> None:
    """nll_loss (cross_entropy's last step) has its own order: eight levels of chunks, the
    first sample alone at the top, ignored samples skipped. (cross_entropy's log_softmax can
    differ from torch's in the last bit: NumPy's exp and log are not torch's vectorised ones.
    So both libraries take the same log-probabilities here.)"""
    rng = np.random.default_rng(n)
    x = rng.standard_normal((n, 10)).astype("float32")
    y = rng.integers(0, 10, n)
    some_ignored = np.where(rng.random(n) < 0.2, -100, y)
    w = rng.random(10).astype("float32")
    for target in (y, some_ignored):
        for weight in (None, w):
            for reduction in ("mean", "sum"):

                def loss(lib: Any, t: Any = target, w: Any = weight, r: str = reduction) -> Any:
                    weights = None if w is None else lib.from_numpy(w.copy())
                    return lib.nn.functional.nll_loss(
                        lib.from_numpy(x.copy()), lib.from_numpy(t.copy()), weight=weights,
                        reduction=r,
                    )  # fmt: skip

                p, t = (loss(lib) for lib in LIBS)
                both_nan = np.isnan(p.item()) and np.isnan(t.item())  # (all ignored)
                assert same_bits(p, t) or both_nan, (weight, reduction)


def test_spatial_nll_loss_adds_in_torchs_order() -> None:
    rng = np.random.default_rng(7)
    for shape in [(4, 5, 6, 7), (40, 5, 60)]:
        x = rng.standard_normal(shape).astype("float32")
        y = rng.integers(0, 5, (shape[0], *shape[2:]))
        p, t = (
            lib.nn.functional.nll_loss(lib.from_numpy(x.copy()), lib.from_numpy(y.copy()))
            for lib in LIBS
        )
        assert same_bits(p, t), shape


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_vectors_are_as_wide_as_torchs_on_any_cpu(dtype: str) -> None:
    """torch's sums read 32-byte vectors (AVX2's) whatever the CPU: on one with AVX-512 too,
    where torch runs its AVX2 sum kernel. Every length from one vector to past four 64-byte
    vectors, where a 64-byte order would give other last bits."""
    assert summation._VECTOR_BYTES == 32
    softmax_bytes = 64 if torch.backends.cpu.get_cpu_capability() == "AVX512" else 32
    assert summation._SOFTMAX_VECTOR_BYTES == softmax_bytes  # (its kernels have AVX-512 builds)
    assert summation._torch_vector_bytes("avx2", {"avx512vl", "avx512bw", "avx512dq", "fma"}) == 32
    assert summation._torch_vector_bytes("", {"avx512vl", "avx512bw", "avx512dq", "fma"}) == 64
    assert summation._torch_vector_bytes("", {"avx2", "fma"}) == 32
    rng = np.random.default_rng(5)
    for n in range(4, 80):
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(dtype)
        p, t = picotorch.from_numpy(x).sum(), torch.from_numpy(x).sum()
        assert same_bits(p, t), (n, torch.backends.cpu.get_cpu_capability())


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")  # (over size-1 dims: inf or nan)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_variance_has_torchs_bits(dtype: str, layout: str) -> None:
    """torch has two variance kernels: the whole tensor's (its squared deviations added one by
    one in double) and Welford's (more than one result, float64 shows its last bits). Before
    picotorch followed them, most float64 variances differed from torch's in the last bit."""
    rng = np.random.default_rng(6)
    arrange = LAYOUTS[layout]
    for shape in [(1,), (5,), (100,), (3, 4), (64, 10), (33, 70), (1, 9), (4, 1, 7), (7, 6, 5)]:
        if layout != "contiguous" and len(shape) < 2:
            continue
        array = (rng.standard_normal(shape) * 3 + 2).astype(dtype)
        for dim in dim_choices(len(shape)):
            for op, kwargs in [("var", {}), ("std", {"keepdim": True}), ("var", {"correction": 0})]:
                if dim is None and kwargs.get("keepdim"):
                    continue

                def spread(lib: Any, x: Any, dim: Any = dim, op: str = op, k: Any = kwargs) -> Any:
                    return getattr(arrange(x), op)(dim, **k)

                p, t = both(spread, array)
                assert same_bits(p, t), (shape, layout, dim, op, kwargs)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_big_variances_split_between_threads_as_torchs(n: int) -> None:
    """A whole tensor's variance over 32 768 elements: each thread adds its share's squares."""
    rng = np.random.default_rng(7)
    with threads(n):
        for dtype in ("float32", "float64"):
            for shape, arrange in [
                ((70001,), lambda t: t),
                ((300, 301), lambda t: t[:, 1:]),  # blocks: the rest of a row, then rows
                ((4, 100, 301), lambda t: t[..., ::2]),
            ]:
                array = (rng.standard_normal(shape) + 1).astype(dtype)
                p, t = both(lambda lib, x, a=arrange: a(x).std(), array)
                assert same_bits(p, t), (n, dtype, shape)


def test_long_float64_variances_are_close_to_torchs() -> None:
    """Welford's steps go one by one, so past ``_WELFORD_MAX`` elements per result float64
    takes the two-pass sums: as accurate, not always the same last bit."""
    from picotorch._ops.reduction import _WELFORD_MAX

    array = np.random.default_rng(8).standard_normal((_WELFORD_MAX + 1, 2))
    p, t = both(lambda lib, x: x.var(0), array)
    np.testing.assert_allclose(p.numpy(), t.numpy(), rtol=1e-13)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_norms_have_torchs_bits(dtype: str, layout: str) -> None:
    """The 1- and 2-norms add in the orders of torch's norm kernels: along one contiguous dim
    its vectorised 2-norm (lanes, then leftovers with fused products), otherwise one element
    after another. Before, most whole-tensor norms differed from torch's in the last bit."""
    rng = np.random.default_rng(9)
    arrange = LAYOUTS[layout]
    for shape in SHAPES:
        if layout != "contiguous" and len(shape) < 2:
            continue
        array = rng.standard_normal(shape).astype(dtype)
        for dim in dim_choices(len(shape)):
            for p in (2, 1, "fro"):
                for keepdim in (False, True) if dim is not None else (False,):

                    def length(
                        lib: Any, x: Any, p: Any = p, dim: Any = dim, k: bool = keepdim
                    ) -> Any:
                        return arrange(x).norm(p, dim, k)

                    p_, t = both(length, array)
                    assert same_bits(p_, t), (shape, layout, dim, p, keepdim)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_big_norms_split_between_threads_as_torchs(n: int) -> None:
    """A single norm over 32 768 elements, one element after another: each thread adds its
    share (torch's vectorised 2-norm, along a contiguous dim, runs on one thread)."""
    rng = np.random.default_rng(10)
    with threads(n):
        for shape, arrange in [((70001,), lambda t: t), ((300, 301), lambda t: t[:, 1:])]:
            array = rng.standard_normal(shape).astype("float32")
            for p in (1, 2):
                got, expected = both(lambda lib, x, a=arrange, p=p: a(x).norm(p), array)
                assert same_bits(got, expected), (n, shape, p)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_max_and_min_of_all_elements_keep_torchs_zero_sign(dtype: str, n_threads: int) -> None:
    """Where the largest (smallest) element is 0 and both 0.0 and -0.0 are there, torch's
    ``reduce_all`` decides the sign by its lanes: each keeps the last of its best elements,
    float32's are folded in halves, float64's one by one, the thread shares in order. The sign
    prints (``tensor(-0.)``). Sizes 1 to 69 and a few big ones (100 to 116 of these 288 results
    differed before, per dtype and thread count)."""
    rng = np.random.default_rng(11)
    differences = []
    with threads(n_threads):
        for n in [*range(1, 70), 1000, 40000, 70001]:
            x = rng.choice([0.0, -0.0, -1.0], n).astype(dtype)
            x[rng.integers(n)] = rng.choice([0.0, -0.0])  # (a zero at least)
            for op, data in (("max", x), ("min", -x)):
                for shape in [(n,), (1, n)]:
                    signs = [
                        np.signbit(getattr(lib.from_numpy(data.reshape(shape).copy()), op)().item())
                        for lib in LIBS
                    ]
                    if signs[0] != signs[1]:
                        differences.append(f"{op} n={n} {shape}")
    assert not differences, f"{len(differences)} differ: " + ", ".join(differences[:20])
