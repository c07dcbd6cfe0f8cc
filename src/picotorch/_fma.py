"""Fused multiply-add: ``a * b + c`` rounded once, as the CPU's FMA instruction computes it.

torch's CPU kernels are compiled with FMA enabled, and the compiler fuses many of their
``a * b + c``: ``add(alpha=)``, ``lerp``, ``addcmul``, the samplers' ``x * (high - low) + low``,
a few backward formulas. Rounding the product first, as NumPy does, changes the last bit of a
fifth of such results. NumPy has no FMA, so it is emulated exactly: float32 in float64 (where
the product is exact), float64 with error-free transformations; both finish with "round to odd"
where a second rounding could go wrong (Boldo & Melquiond, 2008).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fma", "fma32", "fma64"]


def fma(a: np.ndarray, b: Any, c: Any) -> np.ndarray:
    """``a * b + c`` rounded once, in ``a``'s dtype (float32 or float64)."""
    return fma32(a, b, c) if a.dtype == np.float32 else fma64(a, b, c)


def fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """float32 ``a * b + c`` rounded once (arrays or scalars, broadcast)."""
    a, b, c = np.asarray(a, np.float32), np.asarray(b, np.float32), np.asarray(c, np.float32)
    # The float32 product is exact in float64 (24 + 24 bits), so the float64 sum is rounded once.
    s = np.multiply(a, b, dtype=np.float64)
    if s.shape == c.shape or not c.ndim:
        s += c  # (in place: the commonest case, an optimizer's step, is big arrays)
    else:
        s = s + c
    out = s.astype(np.float32)
    # Rounding again to float32 can only go wrong if the float64 sum fell exactly halfway
    # between two float32s (low 29 of its 52 fraction bits = 1000...0). That is rare: redo
    # just those elements with round-to-odd, which makes the double rounding exact.
    low = s.view(np.int64)
    low &= 0x1FFFFFFF
    tie = low == 0x10000000
    if tie.any():
        a64, b64, c64 = (_picked(v, tie).astype(np.float64) for v in (a, b, c))
        out[tie] = _round_to_odd_sum(a64 * b64, c64).astype(np.float32)
    return out


def _picked(v: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The elements of ``v`` broadcast to ``mask``'s shape where ``mask`` is set. (Each operand
    on its own: ``np.broadcast_arrays`` of all three costs more than the rest of the repair,
    which log_softmax's backward needs on every training step.)"""
    if v.shape == mask.shape:
        return v[mask]
    return v if not v.ndim else np.broadcast_to(v, mask.shape)[mask]


def fma64(a: Any, b: Any, c: Any) -> np.ndarray:
    """float64 ``a * b + c`` rounded once (arrays or scalars, broadcast)."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, c)))
    a_hi, a_lo = _halves(a)
    b_hi, b_lo = _halves(b)
    ph = a * b
    pl = ((a_hi * b_hi - ph) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo  # a*b == ph + pl (Dekker)
    # c + ph == th + tl exactly, then the tail is rounded to odd before the final rounding.
    th = c + ph
    bv = th - c
    tl = (c - (th - bv)) + (ph - bv)
    out = np.asarray(th + _round_to_odd_sum(tl, pl))  # (0-d inputs: a 0-d array, not a scalar)
    # Where the splits overflow (operands near the largest float64) or an operand is inf or nan,
    # the steps above give nan; and a zero may come out with the wrong sign (-0.0 * 5 + -0.0 is
    # -0.0). There x86's long double, with its wider exponent, gives the right inf, nan or zero
    # (inf - 2 * 1e308 is inf, not inf - inf).
    odd = ~np.isfinite(out) | (out == 0)
    if odd.any():
        wide = a[odd].astype(np.longdouble) * b[odd] + c[odd]
        out[odd] = wide.astype(np.float64)
    return out


def _halves(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a`` as ``hi + lo`` exactly, each with at most 26 significant bits (Veltkamp)."""
    t = a * 134217729.0  # 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


def _round_to_odd_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b in float64, rounded to odd: if inexact, the neighbour whose last bit is 1."""
    s = a + b
    bv = s - a
    err = (a - (s - bv)) + (b - bv)  # exact a + b - s (Knuth's TwoSum)
    bits = s.view(np.int64)
    nudge = (err != 0) & ((bits & 1) == 0)
    # One ulp toward err: +1 on the bit pattern grows |s|, so the step's sign is sign(s*err).
    step = np.where(np.signbit(s) == np.signbit(err), 1, -1)
    return (bits + nudge * step).view(np.float64)
