"""picotorch._random against real torch: same seed + same calls => same numbers, same state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from parity import check

import picotorch
from picotorch import _random as R

SEEDS = [0, 1, 42, 2**32 + 5, 0xDEADBEEFCAFEF00D]
FLOATS = [
    (torch.float32, np.float32),
    (torch.float64, np.float64),
    (torch.float16, np.float16),
]
INTS = {
    torch.int64: np.int64,
    torch.int32: np.int32,
    torch.int16: np.int16,
    torch.uint8: np.uint8,
    torch.int8: np.int8,
}


def pair(seed: int) -> tuple[R.Generator, torch.Generator]:
    return R.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


def assert_same(ours: np.ndarray, theirs: torch.Tensor | np.ndarray, maxulp: int = 0) -> None:
    """Same dtype, shape and values (floats: within ``maxulp`` units in the last place)."""
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.numpy()
    assert isinstance(ours, np.ndarray)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    assert ours.flags.c_contiguous
    if maxulp and ours.dtype.kind == "f":
        np.testing.assert_array_max_ulp(ours, theirs, maxulp)
    else:
        np.testing.assert_array_equal(ours, theirs, strict=True)


def raises_like_torch(
    ours: Callable[[], Any], theirs: Callable[[], Any], match: str | None = None
) -> None:
    """``ours()`` raises what ``theirs()`` (torch) raises: the same type and the same message,
    or, with ``match``, messages that both contain that fragment. For calls into picotorch's
    internals, which ``check`` (one function for both libraries) cannot make."""
    with pytest.raises(Exception) as expected:
        theirs()
    with pytest.raises(Exception) as got:
        ours()
    assert type(got.value) is type(expected.value), (got.value, expected.value)
    if match is None:
        assert str(got.value) == str(expected.value), (str(got.value), str(expected.value))
    else:
        assert match in str(expected.value), (match, str(expected.value))
        assert match in str(got.value), (match, str(got.value))


def check_errors(calls: list[Callable[[Any], Any]], error: type[Exception], start: str) -> None:
    """Each call raises ``error`` with the same message in both libraries, containing ``start``."""
    for call in calls:
        check(call, raises=error, match=start, same_message=True)


UNIFORM_BAD_BOUNDS = [(2.5, 1.5), (2.0, 1.0), (123456789.0, 1e-7)]

# normal() goes through log/sin/cos: exact here, but a libm that rounds differently could move
# the last bit, so the parity tests for normals allow 1 ulp.
NORMAL_ULP = 1


# --------------------------------------------------------------------------------------------
# the raw stream and seeding
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_draws_are_numpys_mt19937_stream(seed: int) -> None:
    g = R.Generator().manual_seed(seed)
    ref = np.random.MT19937()
    ref.state = g._bits.state
    # both the small-n (random_raw) and the large-n (integers) route give the raw stream
    for n in (1, 5, 4095, 4096, 10_000, 3):
        np.testing.assert_array_equal(g._random(n), ref.random_raw(n).astype(np.uint32))
    # the start state is Matsumoto & Nishimura's init_genrand of the seed's low 32 bits
    key = [seed & 0xFFFFFFFF]
    for i in range(1, 624):
        key.append((1812433253 * (key[-1] ^ (key[-1] >> 30)) + i) & 0xFFFFFFFF)
    state = R.Generator().manual_seed(seed)._bits.state["state"]
    np.testing.assert_array_equal(state["key"], np.array(key, np.uint32))
    assert state["pos"] == 624


def test_seed_uses_low_32_bits_but_initial_seed_keeps_all() -> None:
    a = R.uniform(5, np.float32, generator=R.Generator().manual_seed(5))
    g = R.Generator().manual_seed(2**32 + 5)
    np.testing.assert_array_equal(a, R.uniform(5, np.float32, generator=g))
    assert g.initial_seed() == 2**32 + 5 == torch.Generator().manual_seed(2**32 + 5).initial_seed()


@pytest.mark.parametrize("seed", [0, 7, -1, -(2**63), 2**64 - 1, 2**63 + 3])
def test_initial_seed_matches_torch(seed: int) -> None:
    g, tg = pair(seed)
    assert g.initial_seed() == tg.initial_seed()
    assert_same(R.uniform(4, np.float32, generator=g), torch.rand(4, generator=tg))


def test_fresh_generator_matches_torch_default_seed() -> None:
    g, tg = R.Generator(), torch.Generator()
    assert g.initial_seed() == tg.initial_seed() == 67280421310721
    assert str(g.device) == str(tg.device) == "cpu"
    assert_same(R.uniform((3, 2), np.float32, generator=g), torch.rand(3, 2, generator=tg))


def test_manual_seed_returns_self_and_validates() -> None:
    g = R.Generator()
    assert g.manual_seed(3) is g
    for bad in (1.5, "3", True, None):
        with pytest.raises(RuntimeError, match="manual_seed expected a long"):
            g.manual_seed(bad)  # type: ignore[arg-type]
        with pytest.raises(RuntimeError, match="manual_seed expected a long"):
            torch.Generator().manual_seed(bad)
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match="Overflow"):
            g.manual_seed(bad)
        with pytest.raises(ValueError, match="Overflow"):
            torch.Generator().manual_seed(bad)


def test_generator_device() -> None:
    check(lambda lib: lib.Generator("cpu").device)
    # The type only: torch's message (this is a CPU build) is about its missing CUDA library.
    check(lambda lib: lib.Generator("cuda"), raises=RuntimeError)


def test_default_generator_and_module_functions() -> None:
    # Like torch's, the default generator starts from OS entropy.
    a, b = R.seed(), R.seed()
    assert a != b and R.initial_seed() == b and 0 <= b < 2**64
    assert R.manual_seed(123) is R.default_generator
    torch.manual_seed(123)
    assert R.initial_seed() == torch.initial_seed() == 123
    assert_same(R.uniform((2, 3), np.float32), torch.rand(2, 3))
    assert_same(R.normal(20, np.float32), torch.randn(20), NORMAL_ULP)
    assert_same(R.get_rng_state().numpy(), torch.get_rng_state())
    state = R.get_rng_state()
    x = R.uniform(10, np.float64)
    R.set_rng_state(state)
    np.testing.assert_array_equal(R.uniform(10, np.float64), x)
    R.manual_seed(1.9)  # torch.manual_seed takes int(seed)
    torch.manual_seed(1.9)
    assert R.initial_seed() == torch.initial_seed() == 1


# --------------------------------------------------------------------------------------------
# uniform
# --------------------------------------------------------------------------------------------

SHAPES = [(), (0,), (1,), (2,), (7,), (16,), (17,), (3, 7), (2, 0, 3), (4, 5, 6), (1000,)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("tdt", "ndt"), FLOATS)
def test_rand(seed: int, tdt: torch.dtype, ndt: type) -> None:
    g, tg = pair(seed)
    for shape in [*SHAPES, (1000, 100)]:
        assert_same(R.uniform(shape, ndt, generator=g), torch.rand(shape, dtype=tdt, generator=tg))


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize(("tdt", "ndt"), FLOATS)
@pytest.mark.parametrize(
    ("low", "high"), [(-2.5, 7.25), (-1.0, 1.0), (3.0, 3.0), (1e-3, 2e-3), (-1e4, 1e4), (0.1, 0.7)]
)
def test_uniform_low_high(seed: int, tdt: torch.dtype, ndt: type, low: float, high: float) -> None:
    g, tg = pair(seed)
    for shape in [(5,), (3, 7), (20_000,)]:
        ours = R.uniform(shape, ndt, low, high, generator=g)
        theirs = torch.empty(shape, dtype=tdt).uniform_(low, high, generator=tg)
        assert_same(ours, theirs)


def test_uniform_float16_folds_high_back_to_low() -> None:
    # float32 values close to 1 round to 1.0 in float16; torch maps them to `low` (0 here).
    g, tg = pair(0)
    ours = R.uniform(100_000, np.float16, generator=g)
    assert_same(ours, torch.rand(100_000, dtype=torch.float16, generator=tg))
    assert ours.max() < 1 and (ours == 0).sum() > 0


def test_uniform_errors() -> None:
    # the numbers as C++ prints a double: from=2.5 > to=1.5, from=2 > to=1, from=1.23457e+08
    uniforms = [lambda lib, a=a, b=b: lib.empty(3).uniform_(a, b) for a, b in UNIFORM_BAD_BOUNDS]
    ints = [
        lambda lib: lib.rand(3, dtype=lib.int64),
        lambda lib: lib.empty(3, dtype=lib.int64).uniform_(),  # _random.uniform's own check
    ]
    check_errors(uniforms, RuntimeError, "uniform_ expects to return a [from, to) range")
    check_errors(ints, NotImplementedError, "\"check_uniform_bounds\" not implemented for 'Long'")


# --------------------------------------------------------------------------------------------
# normal
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("tdt", "ndt"), FLOATS)
def test_randn_sizes(seed: int, tdt: torch.dtype, ndt: type) -> None:
    g, tg = pair(seed)
    for n in [*range(41), 100, 1000, 1001]:
        ours = R.normal((n,), ndt, generator=g)
        assert_same(ours, torch.randn(n, dtype=tdt, generator=tg), NORMAL_ULP)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize(("tdt", "ndt"), FLOATS)
def test_randn_shapes(seed: int, tdt: torch.dtype, ndt: type) -> None:
    g, tg = pair(seed)
    for shape in [*SHAPES, (3, 5), (2, 2, 2, 2), (1000, 100), (333, 3)]:
        ours = R.normal(shape, ndt, generator=g)
        assert_same(ours, torch.randn(shape, dtype=tdt, generator=tg), NORMAL_ULP)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize(("tdt", "ndt"), FLOATS)
@pytest.mark.parametrize(("mean", "std"), [(1.5, 2.5), (-3.0, 0.1), (0.0, 0.0), (10.0, 1.0)])
def test_normal_mean_std(seed: int, tdt: torch.dtype, ndt: type, mean: float, std: float) -> None:
    g, tg = pair(seed)
    for shape in [(1,), (5,), (16,), (3, 7), (100_003,)]:
        ours = R.normal(shape, ndt, mean, std, generator=g)
        theirs = torch.empty(shape, dtype=tdt).normal_(mean, std, generator=tg)
        assert_same(ours, theirs, NORMAL_ULP)


@pytest.mark.parametrize(("tdt", "ndt"), FLOATS)
def test_normal_noncontiguous_uses_scalar_path(tdt: torch.dtype, ndt: type) -> None:
    g, tg = pair(11)
    for n in (1, 3, 16, 40, 1001):
        ours = R.normal(n, ndt, 0.5, 2.0, generator=g, contiguous=False)
        theirs = torch.empty(2 * n, dtype=tdt)[::2].normal_(0.5, 2.0, generator=tg)
        assert_same(ours, theirs.contiguous(), NORMAL_ULP)


def test_normal_cached_sample_carries_across_calls() -> None:
    # The scalar path makes pairs and keeps the spare one in the generator, across dtypes,
    # across other calls (which do not touch it) and into get_state; seeding drops it.
    g, tg = pair(3)
    calls = [("n", 3, 0), ("u", 2, 0), ("n", 1, 1), ("n", 1, 0), ("n", 5, 2), ("n", 20, 0)]
    calls += [("n", 2, 0), ("n", 3, 0)]
    for kind, n, which in calls:
        tdt, ndt = FLOATS[which]
        if kind == "u":
            assert_same(R.uniform(n, ndt, generator=g), torch.rand(n, dtype=tdt, generator=tg))
        else:
            theirs = torch.randn(n, dtype=tdt, generator=tg)
            assert_same(R.normal(n, ndt, generator=g), theirs, NORMAL_ULP)
        assert_same(g.get_state().numpy(), tg.get_state())
    assert g._next_normal is not None
    g.manual_seed(3)
    tg.manual_seed(3)
    assert g._next_normal is None
    assert_same(R.normal(1, np.float32, generator=g), torch.randn(1, generator=tg))


def test_normal_errors() -> None:
    # the numbers as C++ prints a double: std -1.5, std -1, std -1e-07
    normals = [lambda lib, s=s: lib.empty(3).normal_(0.0, s) for s in (-1.5, -1.0, -1e-7)]
    ints = [
        lambda lib: lib.randn(3, dtype=lib.int32),
        lambda lib: lib.empty(3, dtype=lib.int32).normal_(),  # _random.normal's own check
    ]
    check_errors(normals, RuntimeError, "normal expects std >= 0.0")
    check_errors(ints, NotImplementedError, "\"normal_kernel_cpu\" not implemented for 'Int'")


# --------------------------------------------------------------------------------------------
# randint, randperm, bernoulli
# --------------------------------------------------------------------------------------------

RANDINT_CASES = [
    (0, 10, torch.int64),
    (-5, 5, torch.int64),
    (-100, 100, torch.int32),
    (0, 256, torch.uint8),
    (-128, 128, torch.int8),
    (0, 2**28 - 1, torch.int64),  # last span drawn with 32 bits
    (0, 2**28, torch.int64),  # first span drawn with 64 bits
    (-(2**39), 2**40, torch.int64),
    (-(2**63), 2**63 - 1, torch.int64),
    (0, 2**31 - 1, torch.int32),
    (0, 7, torch.float32),
    (-3, 1000, torch.float64),
    (0, 2, torch.bool),
    (0, 2**40, torch.float64),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("low", "high", "tdt"), RANDINT_CASES)
def test_randint(seed: int, low: int, high: int, tdt: torch.dtype) -> None:
    g, tg = pair(seed)
    ndt = torch.empty(0, dtype=tdt).numpy().dtype
    for shape in [(1,), (7,), (3, 4), (0,), (5000,)]:
        ours = R.randint(low, high, shape, ndt, generator=g)
        assert_same(ours, torch.randint(low, high, shape, dtype=tdt, generator=tg))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda lib: lib.randint(5, 5, (3,)), "random_ expects 'from' to be less than 'to'"),
        # picotorch.randint checks from < to before it calls _random.randint; RandomSampler
        # calls _random.randint directly, so it reaches that function's own check
        (
            lambda lib: list(lib.utils.data.RandomSampler([], replacement=True, num_samples=5)),
            "random_ expects 'from' to be less than 'to'",
        ),
        (
            lambda lib: lib.randint(0, 300, (3,), dtype=lib.uint8),
            "to - 1 is out of bounds for unsigned char",
        ),
        (
            lambda lib: lib.randint(-200, 5, (3,), dtype=lib.int8),
            "from is out of bounds for signed char",
        ),
    ],
)
def test_randint_errors(make: Callable[[Any], Any], message: str) -> None:
    check(make, raises=RuntimeError, match=message, same_message=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 1000, 1797, 5000])
def test_randperm(seed: int, n: int) -> None:
    g, tg = pair(seed)
    assert_same(R.randperm(n, np.int64, g), torch.randperm(n, generator=tg))
    assert_same(R.randperm(n, np.float32, g), torch.randperm(n, dtype=torch.float32, generator=tg))
    assert_same(R.randperm(n, np.int32, g), torch.randperm(n, dtype=torch.int32, generator=tg))
    if n <= 256:
        assert_same(R.randperm(n, np.uint8, g), torch.randperm(n, dtype=torch.uint8, generator=tg))
    assert_same(R.uniform(3, np.float32, generator=g), torch.rand(3, generator=tg))


def test_randperm_errors() -> None:
    check(
        lambda lib: lib.randperm(-1),
        raises=RuntimeError,
        match="Trying to create tensor with negative dimension -1",
        same_message=True,
    )
    for n, dtype, message in [
        (3000, "float16", "n cannot be greater than 2049 for Half type."),
        (129, "int8", "value cannot be converted to type int8_t without overflow"),
        (257, "uint8", "value cannot be converted to type uint8_t without overflow"),
    ]:
        check(
            lambda lib, n=n, dtype=dtype: lib.randperm(n, dtype=getattr(lib, dtype)),
            raises=RuntimeError,
            match=message,
            same_message=True,
        )
    # the largest n each small integer dtype can hold: the same permutation as torch's
    for n, dtype in [(128, "int8"), (256, "uint8"), (2049, "float16")]:
        check(
            lambda lib, n=n, dtype=dtype: lib.randperm(
                n, dtype=getattr(lib, dtype), generator=lib.Generator().manual_seed(3)
            )
        )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 0.9, 1.0])
def test_bernoulli(seed: int, p: float) -> None:
    g, tg = pair(seed)
    for shape in [(1,), (7,), (3, 4), (0,), (2000,)]:
        # Tensor.bernoulli_(p) with a float p: 53-bit uniforms
        ours = R.bernoulli(shape, p, np.float32, generator=g)
        assert_same(ours, torch.empty(shape).bernoulli_(p, generator=tg))
        # torch.bernoulli(p_tensor): float32 p -> 24-bit uniforms, float64 p -> 53-bit
        for tdt, ndt in FLOATS:
            p_arr = np.full(shape, p, ndt)
            ours = R.bernoulli(shape, p_arr, ndt, generator=g)
            assert_same(ours, torch.bernoulli(torch.from_numpy(p_arr), generator=tg))
        ours = R.bernoulli(shape, p, np.int64, generator=g)
        assert_same(ours, torch.empty(shape, dtype=torch.int64).bernoulli_(p, generator=tg))


def test_bernoulli_tensor_p_broadcasts() -> None:
    g, tg = pair(5)
    p = np.array([0.1, 0.5, 0.9], np.float32)
    ours = R.bernoulli((4, 3), p, np.float32, generator=g)
    theirs = torch.bernoulli(torch.from_numpy(p).expand(4, 3).contiguous(), generator=tg)
    assert_same(ours, theirs)


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_bernoulli_is_what_dropout_draws(p: float) -> None:
    g = R.Generator().manual_seed(9)
    torch.manual_seed(9)
    keep = torch.nn.functional.dropout(torch.ones(500), p) != 0
    assert_same(R.bernoulli(500, 1 - p, np.bool_, generator=g), keep)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("tdt", [*INTS, torch.float32, torch.float64, torch.float16, torch.bool])
def test_random_full(seed: int, tdt: torch.dtype) -> None:
    g, tg = pair(seed)
    theirs = torch.empty(3000, dtype=tdt).random_(generator=tg)
    assert_same(R.random_full(3000, theirs.numpy().dtype, g), theirs)
    assert_same(R.uniform(3, np.float32, generator=g), torch.rand(3, generator=tg))


def test_random_full_draws_dataloader_seeds() -> None:
    # RandomSampler seeds its own Generator with int64 random_() from the default one
    R.manual_seed(0)
    torch.manual_seed(0)
    ours = int(R.random_full((), np.int64)[()])
    assert ours == int(torch.empty((), dtype=torch.int64).random_().item())
    perm = R.randperm(1797, np.int64, R.Generator().manual_seed(ours))
    assert_same(perm, torch.randperm(1797, generator=torch.Generator().manual_seed(ours)))


def test_bernoulli_errors() -> None:
    # _random.bernoulli directly: picotorch has no public bernoulli, and dropout (its one
    # caller) checks p itself
    for value in (1.5, -0.5, 2.0, 1e-7 + 1):  # (numbers as C++ prints a double: p=2)
        raises_like_torch(
            lambda value=value: R.bernoulli(3, value),
            lambda value=value: torch.empty(3).bernoulli_(value),
        )
    p = np.array([0.5, 2.0, 0.1], np.float32)
    # torch's message goes on with its "(Could this error message be improved? ...)" request
    raises_like_torch(
        lambda: R.bernoulli(3, p),
        lambda: torch.bernoulli(torch.from_numpy(p)),
        match="Expected p_in >= 0 && p_in <= 1 to be true, but got false.",
    )


# --------------------------------------------------------------------------------------------
# mixed sequences, separate generators, state
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_interleaved_sequence(seed: int) -> None:
    R.manual_seed(seed)
    torch.manual_seed(seed)
    assert_same(R.uniform(3, np.float32), torch.rand(3))
    assert_same(R.normal(20, np.float32), torch.randn(20), NORMAL_ULP)
    assert_same(R.randint(0, 10, (5,)), torch.randint(0, 10, (5,)))
    assert_same(R.randperm(7), torch.randperm(7))
    assert_same(R.uniform((2, 2), np.float32), torch.rand(2, 2))
    assert_same(R.normal(3, np.float32), torch.randn(3), NORMAL_ULP)
    assert_same(R.normal((4, 5), np.float64), torch.randn(4, 5, dtype=torch.float64), NORMAL_ULP)
    assert_same(R.bernoulli(6, 0.5, np.float32), torch.empty(6).bernoulli_(0.5))
    assert_same(R.normal(1, np.float32), torch.randn(1), NORMAL_ULP)  # the cached sine
    assert_same(R.randint(-(2**40), 2**40, (3,)), torch.randint(-(2**40), 2**40, (3,)))
    assert_same(R.get_rng_state().numpy(), torch.get_rng_state())


def test_separate_generators_do_not_interfere() -> None:
    g1, t1 = pair(1)
    g2, t2 = pair(2)
    R.manual_seed(3)
    torch.manual_seed(3)
    for _ in range(3):
        assert_same(R.uniform(4, np.float32, generator=g1), torch.rand(4, generator=t1))
        theirs = torch.randn(17, generator=t2)
        assert_same(R.normal(17, np.float32, generator=g2), theirs, NORMAL_ULP)
        assert_same(R.uniform(2, np.float32), torch.rand(2))
        assert_same(R.randperm(9, np.int64, g2), torch.randperm(9, generator=t2))
        theirs = torch.randn(3, dtype=torch.float64, generator=t1)
        assert_same(R.normal(3, np.float64, generator=g1), theirs, NORMAL_ULP)


def test_state_is_byte_for_byte_torchs() -> None:
    g, tg = pair(5)
    assert_same(g.get_state().numpy(), tg.get_state())  # fresh: left=1, next=0
    for n in (1, 622, 1, 1, 624, 700):  # around the 624-draw twist boundaries
        assert_same(R.uniform(n, np.float32, generator=g), torch.rand(n, generator=tg))
        assert_same(g.get_state().numpy(), tg.get_state())
    R.normal(3, np.float64, generator=g)
    torch.randn(3, dtype=torch.float64, generator=tg)
    assert g.get_state().dtype == picotorch.uint8 and g.get_state().shape == (5056,)
    assert_same(g.get_state().numpy(), tg.get_state())  # with a cached normal


def test_state_round_trip_and_exchange_with_torch() -> None:
    g, tg = pair(8)
    R.normal(5, np.float32, generator=g)  # leaves a cached sample behind
    torch.randn(5, generator=tg)
    saved = g.get_state()
    first = [R.normal(3, np.float32, generator=g), R.uniform(700, np.float64, generator=g)]
    g.set_state(saved)
    again = [R.normal(3, np.float32, generator=g), R.uniform(700, np.float64, generator=g)]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    # torch's state bytes load into picotorch and vice versa (as uint8 tensors)
    g.set_state(picotorch.from_numpy(tg.get_state().numpy()))
    twin = torch.Generator().set_state(tg.get_state())
    assert_same(R.normal(3, np.float32, generator=g), torch.randn(3, generator=twin))
    ours = R.Generator().manual_seed(4)
    theirs = torch.Generator().set_state(torch.from_numpy(ours.get_state().numpy()))
    assert theirs.initial_seed() == 4
    assert_same(R.uniform(3, np.float32, generator=ours), torch.rand(3, generator=theirs))


@pytest.mark.parametrize(
    ("size", "message"),
    [(10, "Expected a CPUGeneratorImplState of size 5056"), (5056, "Invalid mt19937 state")],
)
def test_set_state_errors(size: int, message: str) -> None:
    check(
        lambda lib: lib.Generator().set_state(lib.zeros(size, dtype=lib.uint8)),
        raises=RuntimeError,
        match=message,
        same_message=True,
    )


@pytest.mark.parametrize(
    "state",
    [
        lambda lib: lib.zeros(5056, dtype=lib.int64),  # (a uint8 tensor only, as torch)
        lambda lib: b"abc",
        lambda lib: np.zeros(5056, np.uint8),
    ],
)
def test_set_state_of_no_byte_tensor(state: Any) -> None:
    check(lambda lib: lib.Generator().set_state(state(lib)), raises=TypeError, same_message=True)


def test_get_and_set_rng_state() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(3)
        saved = lib.get_rng_state()
        first = lib.rand(3)
        lib.set_rng_state(saved)
        return saved.dtype, saved.shape, type(saved).__name__, first, lib.rand(3)

    check(fn)


def test_generator_of_another_kind_is_a_type_error() -> None:
    for make in (lambda lib: lib.rand(2, generator=5), lambda lib: lib.randn(2, generator="a")):
        check(make, raises=TypeError)


@pytest.mark.parametrize(
    ("low", "high", "dtype"),
    [
        # bounds beyond the integers a float dtype holds exactly: torch moves them inward
        # (and warns), so the draws differ from the plain ones
        (0, 32768, "float16"),
        (-5000, 3000, "float16"),
        (0, 2**28 - 1, "float32"),
        (-(2**40), 2**40, "float32"),
        (0, 2**62, "float64"),
        (2049, 2050, "float16"),  # (moved past each other: torch's error)
        (0, 70000, "float16"),
        (0, 2048, "float16"),  # (within: as ever)
    ],
)
def test_randint_into_a_float_dtype(low: int, high: int, dtype: str) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        return lib.randint(low, high, (5,), dtype=getattr(lib, dtype))

    check(fn, rtol=0, atol=0, same_message=True)


@pytest.mark.parametrize(
    ("low", "high", "dtype"),
    [
        (0, 70000, "float16"),  # torch's checks of the bounds against the dtype
        (1e6, 1e6 + 1, "float16"),
        (-65504, 65504, "float16"),
        (-3e38, 3e38, "float32"),
        (-1e308, 1e308, "float32"),
        (-1e308, 1e308, "float64"),
        (float("nan"), 1, "float32"),
        (0, float("inf"), "float32"),
        (2, 1, "float32"),
    ],
)
def test_uniform_bounds_out_of_the_dtypes_range(low: float, high: float, dtype: str) -> None:
    check(
        lambda lib: lib.empty(3, dtype=getattr(lib, dtype)).uniform_(low, high),
        raises=RuntimeError,
        same_message=True,
    )


# --------------------------------------------------------------------------------------------
# random call sequences (hypothesis)
# --------------------------------------------------------------------------------------------

small_shapes = st.lists(st.integers(0, 12), min_size=0, max_size=3).map(tuple)
float_pairs = st.sampled_from(FLOATS)
ops = st.one_of(
    st.tuples(st.just("rand"), small_shapes, float_pairs),
    st.tuples(
        st.just("uniform"),
        small_shapes,
        float_pairs,
        st.floats(-100, 100, allow_subnormal=False),
        st.floats(0, 100, allow_subnormal=False),
    ),
    st.tuples(st.just("randn"), small_shapes, float_pairs),
    st.tuples(
        st.just("normal"),
        st.sampled_from([(1,), (3,), (15,), (16,), (17,), (5, 7), (40,)]),
        float_pairs,
        st.floats(-10, 10, allow_subnormal=False),
        st.floats(0, 10, allow_subnormal=False),
    ),
    st.tuples(
        st.just("randint"),
        small_shapes,
        st.integers(-(2**50), 2**50),
        st.one_of(st.integers(1, 1000), st.integers(1, 2**45)),
    ),
    st.tuples(st.just("randperm"), st.integers(0, 60)),
    st.tuples(st.just("bernoulli"), small_shapes, st.floats(0, 1)),
)


def run_op(op: tuple, g: R.Generator, tg: torch.Generator) -> None:
    kind = op[0]
    if kind == "rand":
        _, shape, (tdt, ndt) = op
        assert_same(R.uniform(shape, ndt, generator=g), torch.rand(shape, dtype=tdt, generator=tg))
    elif kind == "uniform":
        _, shape, (tdt, ndt), low, span = op
        high = low + span
        if tdt == torch.float16:
            low, high = low / 100, high / 100
        ours = R.uniform(shape, ndt, low, high, generator=g)
        assert_same(ours, torch.empty(shape, dtype=tdt).uniform_(low, high, generator=tg))
    elif kind == "randn":
        _, shape, (tdt, ndt) = op
        theirs = torch.randn(shape, dtype=tdt, generator=tg)
        assert_same(R.normal(shape, ndt, generator=g), theirs, NORMAL_ULP)
    elif kind == "normal":
        _, shape, (tdt, ndt), mean, std = op
        theirs = torch.empty(shape, dtype=tdt).normal_(mean, std, generator=tg)
        assert_same(R.normal(shape, ndt, mean, std, generator=g), theirs, NORMAL_ULP)
    elif kind == "randint":
        _, shape, low, span = op
        ours = R.randint(low, low + span, shape, np.int64, generator=g)
        assert_same(ours, torch.randint(low, low + span, shape, generator=tg))
    elif kind == "randperm":
        _, n = op
        assert_same(R.randperm(n, np.int64, g), torch.randperm(n, generator=tg))
    else:
        _, shape, p = op
        assert_same(
            R.bernoulli(shape, p, np.float32, g), torch.empty(shape).bernoulli_(p, generator=tg)
        )


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**64 - 1), sequence=st.lists(ops, min_size=1, max_size=12))
def test_random_call_sequences_match_torch(seed: int, sequence: list) -> None:
    g, tg = pair(seed)
    for op in sequence:
        run_op(op, g, tg)
    assert_same(g.get_state().numpy(), tg.get_state())


# --------------------------------------------------------------------------------------------
# docs hooks
# --------------------------------------------------------------------------------------------


def test_rand_snippet_markers_present() -> None:
    src = Path(R.__file__).read_text(encoding="utf-8").splitlines()
    assert src.count("# --8<-- [start:rand]") == 1
    assert src.count("# --8<-- [end:rand]") == 1
    start, end = src.index("# --8<-- [start:rand]"), src.index("# --8<-- [end:rand]")
    assert start < end and any("0xFFFFFF" in line for line in src[start:end])


def test_samplers_return_new_arrays() -> None:
    g, tg = pair(0)
    ours = [
        R.uniform((2, 3), np.float32, generator=g),
        R.uniform((2, 3), np.float32, generator=g),
        R.normal((2, 3), np.float32, generator=g),
        R.normal((20, 3), np.float32, generator=g),
        R.randint(0, 5, (2, 3), np.int64, generator=g),
        R.randperm(6, np.int64, g),
        R.bernoulli((2, 3), 0.5, np.float32, g),
    ]
    theirs = [
        torch.rand(2, 3, generator=tg),
        torch.rand(2, 3, generator=tg),
        torch.randn(2, 3, generator=tg),
        torch.randn(20, 3, generator=tg),
        torch.randint(0, 5, (2, 3), generator=tg),
        torch.randperm(6, generator=tg),
        torch.empty(2, 3).bernoulli_(0.5, generator=tg),
    ]
    for arr, ref in zip(ours, theirs, strict=True):
        assert_same(arr, ref, NORMAL_ULP)  # shape, dtype, values (floats: 1 ulp), C-contiguous
        assert arr.flags.writeable
    for i, a in enumerate(ours):
        for b in ours[i + 1 :]:
            assert not np.shares_memory(a, b)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.randint(60000, size=(1,)),  # the Datasets & DataLoaders tutorial
        lambda lib: lib.randint(low=0, high=10, size=(3,)),
        lambda lib: lib.randint(high=10, size=(3,)),
        lambda lib: lib.randint(size=(3,), high=5),
        lambda lib: lib.randint(2, high=5, size=(3,)),
        lambda lib: lib.randint(3, 10, size=(2, 2), dtype=lib.int32),
        lambda lib: lib.randint(0, 10, [3]),
        lambda lib: lib.randint(0, 10, lib.Size([2, 2])),
        lambda lib: lib.randint(0, 10, ()),
        lambda lib: lib.rand(size=(2, 3)),
        lambda lib: lib.rand(size=[2], generator=lib.Generator().manual_seed(3)),
        lambda lib: lib.randn(size=(2, 3)),
        lambda lib: lib.randn(size=[17], dtype=lib.float64),
    ],
)
def test_size_keyword_draws_the_same_numbers(make: Callable[[Any], Any]) -> None:
    check(lambda lib: (lib.manual_seed(0), make(lib))[1])


@pytest.mark.parametrize("name", ["rand_like", "randn_like"])
@pytest.mark.parametrize(
    "like",
    [
        lambda lib: lib.ones(2, 3),
        lambda lib: lib.ones(5, dtype=lib.float64),
        lambda lib: lib.ones(17, dtype=lib.float16),
        lambda lib: lib.ones(2, 3, 2, 2).to(memory_format=lib.channels_last),
    ],
)
def test_like_draws_from_the_generator_given(name: str, like: Callable[[Any], Any]) -> None:
    # twice from one generator (its state moves on as torch's), with the default one in between
    def fn(lib: Any) -> Any:
        lib.manual_seed(1)
        draw = getattr(lib, name)
        g = lib.Generator().manual_seed(7)
        return [draw(like(lib), generator=g), draw(like(lib)), draw(like(lib), generator=g)]

    check(fn, strides=True)


@pytest.mark.parametrize("name", ["rand_like", "randn_like"])
@pytest.mark.parametrize("generator", [5, "g", 1.5])
def test_like_refuses_what_is_not_a_generator(name: str, generator: Any) -> None:
    check(lambda lib: getattr(lib, name)(lib.ones(2), generator=generator), raises=TypeError)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.rand(2, 3),
        lambda lib: lib.rand(2, requires_grad=True),
        lambda lib: lib.randn(4, dtype=lib.float64),
        lambda lib: lib.randint(5, (3,)),
        lambda lib: lib.randperm(4),
        lambda lib: lib.rand_like(lib.ones(2)),
        lambda lib: lib.nn.Parameter(lib.rand(2)),
        lambda lib: lib.rand(3, out=lib.zeros(3)),  # (out= is changed once)
        lambda lib: lib.randn(3, out=lib.zeros(3).t()),
    ],
)
def test_new_random_tensors_start_at_version_0(make: Callable[[Any], Any]) -> None:
    # (picotorch draws into a tensor in place, which counted as a change of the new tensor)
    check(lambda lib: make(lib)._version)


@pytest.mark.parametrize(
    "seed",
    [np.uint64(2**63), np.int64(-1), np.uint64(5), np.float32(1), np.bool_(True), 1.5, "3", None],
    ids=repr,
)
def test_generator_manual_seed_takes_what_torch_takes(seed: Any) -> None:
    # torch.manual_seed reads a NumPy int as an int; Generator.manual_seed refuses it
    def fn(lib: Any) -> Any:
        outcomes = []
        for seeding in (lib.manual_seed, lambda s: lib.Generator().manual_seed(s)):
            try:
                outcomes.append(seeding(seed).initial_seed())
            except (TypeError, RuntimeError, ValueError) as error:
                outcomes.append(f"{type(error).__name__}: {error}")
        return outcomes

    check(fn)
