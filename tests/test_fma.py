"""picotorch._fma: the fused multiply-add (``a * b + c`` rounded once) that torch's compiled
kernels use and NumPy lacks, checked against exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from picotorch._fma import fma, fma32, fma64


def exact_fma(a: float, b: float, c: float, dtype: type) -> float:
    """Correctly rounded a*b + c via exact rational arithmetic (reference)."""
    v = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    f = float(v)  # correctly rounded to float64
    if dtype is np.float64:
        return f
    # round to float32: find the two float32 neighbours of v and pick by exact distance
    lo = np.float32(f)
    if Fraction(float(lo)) > v:
        lo = np.nextafter(lo, np.float32(-np.inf))
    hi = np.nextafter(lo, np.float32(np.inf))
    if Fraction(float(lo)) == v:
        return float(lo)
    d_lo, d_hi = v - Fraction(float(lo)), Fraction(float(hi)) - v
    if d_lo != d_hi:
        return float(lo if d_lo < d_hi else hi)
    return float(lo if (int(lo.view(np.int32)) & 1) == 0 else hi)


def test_fma32_is_exactly_rounded() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal(3000).astype(np.float32)
    b = rng.standard_normal(3000).astype(np.float32)
    c = (rng.standard_normal(3000) * 10.0 ** rng.integers(-12, 3, 3000)).astype(np.float32)
    # a tie for plain double rounding: a*b = 1 + 2**-11 + 2**-24 exactly, c a tiny nudge up
    a[0] = b[0] = np.float32(1 + 2**-12)
    c[0] = np.float32(2**-80)
    c[1] = -np.float32(2**-80)
    a[1] = b[1] = a[0]
    got = fma32(a, b, c)
    want = np.array([exact_fma(x, y, z, np.float32) for x, y, z in zip(a, b, c)], np.float32)
    np.testing.assert_array_equal(got, want)
    assert got[0] == np.float32(1 + 2**-11 + 2**-23)  # plain double rounding gives 1 + 2**-11


def test_fma32_broadcast_operands_with_many_ties() -> None:
    """Operands of different shapes (a column, a 0-d scalar), as log_softmax's backward and
    the optimizers pass them, on many sums that plain double rounding gets wrong: products
    ``(1 + 2**-12)**2 * 2**k`` (exactly halfway between two float32s once rounded to float64)
    plus a nudge too small for float64 to keep, up, down or none."""
    rng = np.random.default_rng(3)
    m = np.float32(1 + 2**-12)
    a = m * np.float32(2.0) ** rng.integers(-4, 4, (40, 10)).astype(np.float32)
    nudge = rng.integers(-1, 2, (40, 10)).astype(np.float32) * np.float32(2.0**-90)
    for b in (m * np.float32(2.0) ** rng.integers(-3, 3, (40, 1)).astype(np.float32), m):
        b = np.asarray(b)
        c = nudge * np.abs(a * b)  # (scaled to each product, still far below float64's reach)
        c[::7] = rng.standard_normal(len(c[::7]) * 10).reshape(-1, 10)  # and ordinary sums
        got = fma32(a, b, c)
        assert got.shape == (40, 10)
        full_b = np.broadcast_to(b, a.shape)
        want = [exact_fma(x, y, z, np.float32) for x, y, z in zip(a.flat, full_b.flat, c.flat)]
        np.testing.assert_array_equal(got, np.array(want, np.float32).reshape(a.shape))
        # (the repair ran: plain double rounding gets the nudged-up ones wrong)
        plain = (a.astype(np.float64) * b + c).astype(np.float32)
        assert (plain != got).sum() > 50


def test_fma64_is_exactly_rounded() -> None:
    rng = np.random.default_rng(1)
    a = rng.standard_normal(3000)
    b, c = 3.7, -1.25
    got = fma64(a, b, c)
    want = np.array([exact_fma(x, b, c, np.float64) for x in a])
    np.testing.assert_array_equal(got, want)
    assert fma64(np.array([1 + 2**-30]), 1 + 2**-30, -1.0)[0] == 2**-29 + 2**-60


def test_fma64_with_arrays_everywhere_and_cancellation() -> None:
    """All three operands arrays of many magnitudes, and ``c = -a * b`` rounded, where the
    result is the product's rounding error (a long double sum, 64 bits, gets none of it right)."""
    rng = np.random.default_rng(2)
    a = rng.standard_normal(3000) * 10.0 ** rng.integers(-5, 5, 3000)
    b = rng.standard_normal(3000)
    c = rng.standard_normal(3000) * 10.0 ** rng.integers(-5, 5, 3000)
    c[::2] = -(a[::2] * b[::2])
    got = fma(a, b, c)
    want = np.array([exact_fma(x, y, z, np.float64) for x, y, z in zip(a, b, c)])
    np.testing.assert_array_equal(got, want)


def test_fma_edge_values() -> None:
    """Infinities, NaNs and operands near the largest float64 (where the exact steps overflow)
    give the one rounding's result; so does a signed zero."""
    a = np.array([np.inf, 1.0, np.nan, 1e300, 3.0, 1e308, -0.0])
    b = np.array([2.0, np.inf, 1.0, 1e10, 0.0, 0.5, 5.0])
    c = np.array([1.0, 1.0, 1.0, 1.0, -0.0, 1.0, -0.0])
    got = fma64(a, b, c)
    np.testing.assert_array_equal(got, [np.inf, np.inf, np.nan, np.inf, 0.0, 5e307, -0.0])
    assert not np.signbit(got[4]) and np.signbit(got[6])
    big = np.float32(3e38)  # (its product alone overflows float32: one rounding does not)
    np.testing.assert_array_equal(fma32(big, np.float32(2), -big), big)
    # a product that overflows on its own, added to an infinity or brought back in range
    np.testing.assert_array_equal(
        fma64(np.array([1e308, 1e308]), -2.0, [np.inf, 1e308]), [np.inf, -1e308]
    )
    np.testing.assert_array_equal(
        fma32(np.ones((3, 1), np.float32), 2, np.ones((3, 4))), 3
    )  # broadcast
