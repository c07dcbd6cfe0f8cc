"""torch's CPU random number generator and its samplers, re-implemented on NumPy.

torch's CPU ``Generator`` is a 32-bit Mersenne Twister (MT19937) seeded with the standard
``init_genrand`` recipe on the low 32 bits of the seed. NumPy's ``np.random.MT19937`` bit
generator runs the very same recurrence, so once we load it with the same 624-word state,
``random_raw()`` hands us torch's raw 32-bit draws in bulk, in C, without a Python loop.

What remains is to turn those draws into numbers exactly the way torch's CPU kernels do, consuming
the same number of draws in the same order, so that any mix of calls (rand, randn, randint,
randperm, ...) stays in step with torch::

    >>> g = Generator().manual_seed(0)
    >>> uniform((3,), np.float32, generator=g)
    array([0.4962566 , 0.7682218 , 0.08847743], dtype=float32)

Every sampler takes ``generator=None`` for the module's ``default_generator`` and returns a new
C-contiguous ndarray; the Tensor API wraps them.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._device import device as _device_cls
from ._fma import fma32, fma64
from ._size import type_name_of

__all__ = [
    "Generator",
    "bernoulli",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "normal",
    "randint",
    "random_full",
    "randperm",
    "seed",
    "set_rng_state",
    "uniform",
]

_N = 624  # words of Mersenne Twister state
_DEFAULT_SEED = 67280421310721  # what a fresh torch.Generator() is seeded with
# torch's get_state() is a memcpy of its C++ CPUGeneratorImplState (5056 bytes, little-endian).
# We use the same layout, so states move freely between torch and picotorch.
_STATE_LAYOUT = np.dtype(
    {
        "names": [
            "seed", "left", "seeded", "next", "key", "normal_x", "normal_y", "normal_rho",
            "normal_is_valid", "float_normal", "float_normal_is_valid",
        ],
        "formats": [
            "<u8", "<i4", "<i4", "<u8", ("<u8", _N), "<f8", "<f8", "<f8", "<i4", "<f4", "u1",
        ],
        "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
        "itemsize": 5056,
    }
)  # fmt: skip

ShapeLike = int | Sequence[int]


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


def _nondeterministic_seed() -> int:
    """A fresh 64-bit seed from the OS, as torch's ``seed()`` takes one from /dev/urandom."""
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """torch.Generator for the CPU: an MT19937 stream plus torch's cached normal sample.

    >>> g = Generator()
    >>> g.initial_seed()
    67280421310721
    >>> g.manual_seed(42) is g
    True
    """

    def __init__(self, device: Any = "cpu") -> None:
        self.device = _device_cls(device)
        if self.device.type != "cpu":
            raise RuntimeError(
                f"picotorch only has a CPU generator; cannot create one on '{device}'"
            )
        # Seeded below; MT19937(0) only avoids asking the OS for entropy we would throw away.
        self._bits = np.random.MT19937(0)
        self._ints = np.random.Generator(self._bits)  # a view on the same stream, for _random
        self._initial_seed = 0
        # Box-Muller makes normal samples in pairs; torch's scalar path keeps the spare one here
        # and hands it out on the next call (it survives between calls, not between seeds).
        self._next_normal: float | None = None
        # torch's state also has a float32 slot, unused by any CPU kernel; we only carry it along
        # so that get_state() -> set_state() round-trips torch's bytes unchanged.
        self._next_float_normal: float | None = None
        # True between seeding and the first draw: torch's state records that moment as
        # next=0 rather than next=624, and get_state() reproduces its bytes exactly.
        self._fresh = True
        self.manual_seed(_DEFAULT_SEED)

    # -- seeding ---------------------------------------------------------------------------------

    def manual_seed(self, seed: int) -> Generator:
        """Reset the stream to the one torch makes for ``seed``; returns ``self``.

        Like torch, any int in [-2**63, 2**64) is accepted; negatives wrap to uint64.
        """
        if isinstance(seed, np.integer):  # (torch's check takes it, then its unpacking fails)
            raise TypeError("an integer is required")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise RuntimeError(f"manual_seed expected a long, but got {type_name_of(seed)}")
        if not -(2**63) <= seed < 2**64:
            raise ValueError("Overflow when unpacking long long")
        seed %= 2**64
        # MT19937's standard init_genrand of the seed's low 32 bits (torch ignores the others,
        # so seeds 5 and 2**32 + 5 give the same stream), with the state's position at 624: the
        # first draw twists first. NumPy's legacy seeding is exactly that, done in C (a Python
        # loop over the 624 words cost ~0.3 ms, paid by every shuffled DataLoader epoch).
        np.random.RandomState(self._bits).seed(seed & 0xFFFFFFFF)
        self._initial_seed = seed
        self._next_normal = None
        self._next_float_normal = None
        self._fresh = True
        return self

    def seed(self) -> int:
        """Seed from OS entropy (not reproducible) and return the seed used."""
        s = _nondeterministic_seed()
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed this stream was last seeded with."""
        return self._initial_seed

    # -- state -----------------------------------------------------------------------------------

    def get_state(self) -> Any:
        """The whole state as a uint8 tensor of 5056 bytes, byte for byte what torch returns."""
        from ._tensor import Tensor

        return Tensor._make(self._state_bytes())

    def _state_bytes(self) -> np.ndarray:
        st = self._bits.state["state"]
        pos = int(st["pos"])
        rec = np.zeros((), _STATE_LAYOUT)
        rec["seed"] = self._initial_seed
        # torch counts ``left`` down and ``next`` up; left == 1 means "twist before next draw".
        rec["left"] = 1 if pos == _N else _N + 1 - pos
        rec["seeded"] = 1
        rec["next"] = 0 if (pos == _N and self._fresh) else pos
        rec["key"] = st["key"]
        if self._next_normal is not None:
            rec["normal_y"], rec["normal_is_valid"] = self._next_normal, 1
        if self._next_float_normal is not None:
            rec["float_normal"], rec["float_normal_is_valid"] = self._next_float_normal, 1
        return rec.reshape(1).view(np.uint8).copy()

    def set_state(self, new_state: Any) -> Generator:
        """Restore a ``get_state()``: a uint8 tensor (torch's bytes are the same)."""
        from ._tensor import Tensor

        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type_name_of(new_state)}")
        if new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = np.ascontiguousarray(new_state._data).reshape(-1)
        if raw.size != _STATE_LAYOUT.itemsize:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_LAYOUT.itemsize} but found "
                f"the input RNG state size to be {raw.size}"
            )
        rec = raw.view(_STATE_LAYOUT)[0]
        left, nxt = int(rec["left"]), int(rec["next"])
        if rec["seeded"] != 1 or not 0 < left <= _N or nxt > _N:
            raise RuntimeError("Invalid mt19937 state")
        self._bits.state = {
            "bit_generator": "MT19937",
            "state": {"key": rec["key"].astype(np.uint32), "pos": _N if left == 1 else nxt},
        }
        self._initial_seed = int(rec["seed"])
        self._fresh = left == 1 and nxt == 0
        self._next_normal = float(rec["normal_y"]) if rec["normal_is_valid"] else None
        self._next_float_normal = (
            float(rec["float_normal"]) if rec["float_normal_is_valid"] else None
        )
        return self

    # -- raw draws -------------------------------------------------------------------------------

    def _random(self, n: int) -> np.ndarray:
        """``n`` raw 32-bit draws (torch's ``random()``) as a uint32 array.

        ``random_raw()`` is NumPy's documented raw stream (as uint64). For large n a full-range
        uint32 ``integers()`` call is ~3x faster and takes exactly one 32-bit output per value,
        the same numbers (the tests check that); for small n its call overhead is larger.
        """
        if n:
            self._fresh = False
        if n < 4096:
            return self._bits.random_raw(n).astype(np.uint32)
        return self._ints.integers(0, 1 << 32, n, dtype=np.uint32)

    def _random64(self, n: int) -> np.ndarray:
        """``n`` 64-bit draws (torch's ``random64()``) as uint64: two 32-bit draws, first high."""
        pairs = self._random(2 * n).reshape(n, 2)
        out = pairs[:, 0].astype(np.uint64)
        out <<= np.uint64(32)
        out |= pairs[:, 1]
        return out


default_generator = Generator()
# Like torch's default CPU generator, ours starts from OS entropy: seed it for repeatable numbers.
default_generator.seed()


def manual_seed(seed: Any) -> Generator:
    """Seed the default generator (``torch.manual_seed``); returns it."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator from OS entropy and return the seed (``torch.seed``)."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed (``torch.initial_seed``)."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state as a uint8 tensor (``torch.get_rng_state``)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the default generator's state (``torch.set_rng_state``)."""
    default_generator.set_state(new_state)


def _gen(generator: Generator | None) -> Generator:
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):  # (torch's parser: a TypeError)
        raise TypeError(f"generator must be a torch.Generator, not {type_name_of(generator)}")
    return generator


_TORCH_NAMES = {
    "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
    "bool": "Bool", "float16": "Half", "float32": "Float", "float64": "Double",
    "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}  # fmt: skip


def _name(dt: np.dtype) -> str:
    """The dtype as torch's error messages quote it, e.g. 'Long'."""
    return repr(_TORCH_NAMES.get(dt.name, dt.name))


def _shape(shape: ShapeLike) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


# ---------------------------------------------------------------------------------------------
# uniform: torch.rand, Tensor.uniform_
# ---------------------------------------------------------------------------------------------


# --8<-- [start:rand]
def _unit_float32(draws: np.ndarray) -> np.ndarray:
    """32-bit draws -> float32 in [0, 1): keep the low 24 bits, scale by 2**-24.

    A float32 has a 24-bit significand, so k * 2**-24 for k < 2**24 is exact: every value is
    equally likely, and 1.0 can never come out. (torch does the same for float16, then rounds.)
    """
    low24 = draws.view(np.int32)  # the draws are ours to overwrite; int32 -> float is fastest
    low24 &= 0xFFFFFF
    out = low24.astype(np.float32)
    out *= np.float32(2.0**-24)
    return out


def _unit_float64(draws64: np.ndarray) -> np.ndarray:
    """64-bit draws -> float64 in [0, 1): the low 53 bits (a double's significand) times 2**-53."""
    draws64 &= np.uint64((1 << 53) - 1)
    out = draws64.view(np.int64).astype(np.float64)
    out *= 2.0**-53
    return out


# --8<-- [end:rand]


def uniform(
    shape: ShapeLike,
    np_dtype: Any,
    low: float = 0.0,
    high: float = 1.0,
    generator: Generator | None = None,
) -> np.ndarray:
    """Uniform samples in [low, high): ``torch.rand`` and ``Tensor.uniform_(low, high)``.

    One 32-bit draw per float16/float32 element, two (one ``random64``) per float64 element.

    >>> uniform((2,), np.float32, generator=Generator().manual_seed(0))
    array([0.4962566, 0.7682218], dtype=float32)
    """
    dt = np.dtype(np_dtype)
    shape = _shape(shape)
    n = math.prod(shape)
    _check_uniform_bounds(low, high, dt)
    g = _gen(generator)
    default = low == 0.0 and high == 1.0  # x * 1 + 0 is exact: skip the fma
    if dt == np.float64:
        x = _unit_float64(g._random64(n))
        out = x if default else fma64(x, high - low, low)
    elif dt in (np.float32, np.float16):
        # float16 is computed in float32 (torch's "opmath" type) and rounded at the end.
        x = _unit_float32(g._random(n))
        span = np.float32(high) - np.float32(low)  # to - from, in float32 like torch
        out = x if default else fma32(x, span, low)
        out = out.astype(dt, copy=False)
    if dt == np.float16 or not default:
        # Rounding can land exactly on ``high``; torch folds that back to ``low`` so the range
        # stays half-open. Its bound is high/low cast to the dtype (for float16 via float32).
        hi = dt.type(np.float32(high)) if dt == np.float16 else dt.type(high)
        lo = dt.type(np.float32(low)) if dt == np.float16 else dt.type(low)
        out[out == hi] = lo
    return out.reshape(shape)


# ---------------------------------------------------------------------------------------------
# normal: torch.randn, Tensor.normal_
# ---------------------------------------------------------------------------------------------
# torch has two CPU paths.
#   * size >= 16 and contiguous: uniforms are filled in blocks of 16 and each block goes through
#     Box-Muller at once: u1 = 1 - x[j], u2 = x[j + 8], r = sqrt(-2 log u1), t = 2 pi u2,
#     out[j] = r cos t, out[j + 8] = r sin t (j < 8). If size % 16 != 0, the LAST 16 slots are
#     redone from 16 fresh uniforms (overwriting the tail of the previous block).
#     On x86 (torch's AVX2 kernels, also used on AVX-512 CPUs) float32 uses the vector
#     log/sin/cos approximations of avx_mathfun.h (Cephes polynomials), reproduced below.
#   * otherwise: one sample at a time from 53-bit uniforms, Box-Muller in double, the sine kept
#     as the generator's cached next sample.

# Cephes single-precision coefficients, as in avx_mathfun.h (public domain Cephes library).
_LOG_P = (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
)  # fmt: skip
_LOG_Q1, _LOG_Q2 = -2.12194440e-4, 0.693359375  # log(2) split into a tiny and an exact part
_SQRTHF = 0.707106781186547524
_DP = (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8)  # -pi/4 in 3 parts
_SIN_P = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)
_COS_P = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
_FOPI = 1.27323954473516  # 4 / pi


def _log_f32(x: np.ndarray) -> np.ndarray:
    """log(x) for float32 x in (0, 1], bit-for-bit like torch's AVX2 ``log256_ps``.

    x = m * 2**e with m in [sqrt(1/2), sqrt(2)); log x = log m + e log 2, log m by a polynomial.
    The multiply-adds that GCC fuses in torch's build are fused here too (``fma32``).
    """
    f32 = np.float32
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(np.float32) + f32(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(np.float32)  # mantissa in [0.5, 1)
    small = m < f32(_SQRTHF)
    e = e - small.astype(np.float32)
    m = (m - f32(1)) + np.where(small, m, f32(0))
    z = m * m
    y = np.full_like(m, f32(_LOG_P[0]))
    for p in _LOG_P[1:]:  # Horner's rule, one fma per coefficient
        y = fma32(y, m, p)
    y = y * m
    y = fma32(y, z, e * f32(_LOG_Q1))
    y = y - z * f32(0.5)
    return (m + y) + e * f32(_LOG_Q2)


def _sincos_f32(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sin x, cos x) for float32 x >= 0, bit-for-bit like torch's AVX2 ``sincos256_ps``."""
    f32 = np.float32
    j = (x * f32(_FOPI)).astype(np.int32)  # octant, truncated
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    for dp in _DP:  # x - y * pi/4 in extended precision
        x = fma32(y, dp, x)
    flip_sin = (j & 4) != 0
    flip_cos = ((j - 2) & 4) == 0
    use_sin_poly = (j & 2) == 0  # in this octant sin comes from the sine polynomial
    z = x * x
    c = fma32(fma32(_COS_P[0], z, _COS_P[1]), z, _COS_P[2])
    c = fma32(c * z, z, -(z * f32(0.5))) + f32(1)  # 1 - z/2 + z**2 * poly(z)
    s = fma32(fma32(_SIN_P[0], z, _SIN_P[1]), z, _SIN_P[2])
    s = fma32(s * z, x, x)  # x + x * z * poly(z)
    sin = np.where(use_sin_poly, s, c)
    cos = np.where(use_sin_poly, c, s)
    return np.where(flip_sin, -sin, sin), np.where(flip_cos, -cos, cos)


def _box_muller_16(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Blocks of 16 uniforms (rows of ``u``) -> 16 normals each, as torch's ``normal_fill_16``."""
    if u.dtype == np.float32:
        f32 = np.float32
        radius = np.sqrt(f32(-2) * _log_f32(f32(1) - u[:, :8]))  # 1 - u: [0, 1) -> (0, 1]
        sin, cos = _sincos_f32(f32(2 * np.pi) * u[:, 8:])
        z = np.concatenate([radius * cos, radius * sin], axis=1)
        if mean == 0.0 and std == 1.0:
            return z
        return fma32(z, std, mean)
    radius = np.sqrt(-2.0 * np.log(1.0 - u[:, :8]))
    theta = 2.0 * np.pi * u[:, 8:]
    z = np.concatenate([radius * np.cos(theta), radius * np.sin(theta)], axis=1)
    return z if (mean == 0.0 and std == 1.0) else fma64(z, std, mean)


def _normal_blocks(g: Generator, n: int, dt: np.dtype, mean: float, std: float) -> np.ndarray:
    """torch's vectorized path (n >= 16, contiguous)."""
    wide = dt == np.float64
    rem = n % 16
    full = n - rem
    # float32/float64 fill all n slots with uniforms first; float16 works through a float32
    # buffer one block at a time, so it draws only for whole blocks. Either way a ragged end
    # costs 16 more draws.
    first = full if dt == np.float16 else n
    count = first + (16 if rem else 0)
    u = _unit_float64(g._random64(count)) if wide else _unit_float32(g._random(count))
    blocks = u[:full].reshape(-1, 16)
    if rem:
        blocks = np.concatenate([blocks, u[first:].reshape(1, 16)])
    # Chunks of 8192 blocks keep the many temporaries of the float32 math in cache (2x faster).
    rows = 8192
    flat = np.concatenate(
        [_box_muller_16(blocks[i : i + rows], mean, std) for i in range(0, len(blocks), rows)]
    ).reshape(-1)
    if rem:
        flat = np.concatenate([flat[: n - 16], flat[-16:]])  # the redone last 16 slots
    return flat.astype(dt, copy=False)


def _normal_scalar(g: Generator, n: int, dt: np.dtype, mean: float, std: float) -> np.ndarray:
    """torch's one-at-a-time path: double Box-Muller with a cached second sample."""
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and g._next_normal is not None:
        out[0] = g._next_normal
        g._next_normal = None
        start = 1
    pairs = (n - start + 1) // 2
    if pairs:
        u = _unit_float64(g._random64(2 * pairs)).reshape(pairs, 2)
        r = np.sqrt(-2.0 * np.log1p(-u[:, 1]))  # note: u1 -> angle, u2 -> radius here
        theta = 2.0 * np.pi * u[:, 0]
        z = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1).reshape(-1)
        out[start:] = z[: n - start]
        if (n - start) % 2:
            g._next_normal = float(z[-1])  # the unused sine waits for the next call
    if not (mean == 0.0 and std == 1.0):
        out = fma64(out, std, mean)
    if dt == np.float16:
        return out.astype(np.float32).astype(np.float16)  # c10::Half is built from a float
    return out.astype(dt)


def normal(
    shape: ShapeLike,
    np_dtype: Any,
    mean: float = 0.0,
    std: float = 1.0,
    generator: Generator | None = None,
    contiguous: bool = True,
) -> np.ndarray:
    """Normal samples: ``torch.randn`` and ``Tensor.normal_(mean, std)``.

    ``contiguous=False`` selects torch's path for non-contiguous targets (the scalar one) when
    filling a strided view in place; the values then go in the view's logical order.

    >>> normal((3,), np.float32, generator=Generator().manual_seed(0))
    array([ 1.5409961, -0.2934289, -2.1787894], dtype=float32)
    """
    dt = np.dtype(np_dtype)
    if dt not in (np.float16, np.float32, np.float64):
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for {_name(dt)}')
    if not std >= 0.0:  # (NaN too)
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    shape = _shape(shape)
    n = math.prod(shape)
    g = _gen(generator)
    if n >= 16 and contiguous:
        flat = _normal_blocks(g, n, dt, mean, std)
    else:
        flat = _normal_scalar(g, n, dt, mean, std)
    return flat.reshape(shape)


# ---------------------------------------------------------------------------------------------
# randint, randperm, bernoulli
# ---------------------------------------------------------------------------------------------

# torch's range checks for randint, with the C++ type names its messages use.
_INT_BOUNDS = {
    "uint8": ("unsigned char", 0, 255),
    "int8": ("signed char", -128, 127),
    "int16": ("short int", -(2**15), 2**15 - 1),
    "int32": ("int", -(2**31), 2**31 - 1),
    "int64": ("long int", -(2**63), 2**63 - 1),
    "bool": ("bool", 0, 1),
    "float16": ("c10::Half", -65504, 65504),
    "float32": ("float", -float(np.finfo(np.float32).max), float(np.finfo(np.float32).max)),
    "float64": ("double", -float(np.finfo(np.float64).max), float(np.finfo(np.float64).max)),
}


def _float_bound(value: int, step: int, dt: np.dtype) -> int:
    """torch's ``update_from`` (``step`` +1) and ``update_to`` (-1) for a float dtype: where
    ``value + step`` rounds in the dtype past ``value``, the bound moves inward to the next
    value the dtype holds below (above) it, so that no drawn integer rounds out of the range."""
    near = value + step
    with np.errstate(over="ignore"):
        in_dtype = np.array(float(near)).astype(dt)[()]
    if not np.isfinite(in_dtype):  # (beyond the dtype: the bounds check refuses it)
        return value
    rounded = int(in_dtype)
    if (rounded < value) if step > 0 else (rounded >= value):
        shift = 1 << (abs(near).bit_length() - 1 - np.finfo(dt).nmant)
        return rounded + step * shift
    return value


def _warn_inexact(value: int, name: str, dt: np.dtype) -> None:
    """torch's warning for a bound beyond the integers a float dtype holds exactly."""
    digits = np.finfo(dt).nmant + 1
    if not -(1 << digits) <= value <= 1 << digits:
        warnings.warn(
            f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
            f"{_INT_BOUNDS[dt.name][0]} can support discrete uniform distribution only within "
            "this range. This warning will become an error in version 1.7 release, please fix "
            "the code in advance",
            UserWarning,
            stacklevel=4,
        )


def _check_uniform_bounds(low: float, high: float, dt: np.dtype) -> None:
    """torch's checks of ``uniform_``'s bounds, in its order: each within the dtype's range
    (not NaN), ``low <= high``, and a span the dtype holds. (Numbers as C++ prints a double:
    2, 2.5, 1e-07, as torch words it.)"""
    if dt.kind != "f":  # (torch's dispatch on the dtype comes first)
        raise NotImplementedError(f'"check_uniform_bounds" not implemented for {_name(dt)}')
    top = float(np.finfo(dt).max)
    name = _INT_BOUNDS[dt.name][0]
    if not -top <= low <= top:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not -top <= high <= top:
        raise RuntimeError(f"to is out of bounds for {name}")
    if not low <= high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}"
        )
    if high - low > top:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{_SCALAR_NAMES[dt.name]}>::max(), "
            f"but found to={high:g} and from={low:g} which result in to-from to exceed the limit"
        )


_SCALAR_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double"}


def randint(
    low: int,
    high: int,
    shape: ShapeLike,
    np_dtype: Any = np.int64,
    generator: Generator | None = None,
) -> np.ndarray:
    """Integers in [low, high): ``torch.randint`` / ``Tensor.random_(low, high)``.

    ``draw % (high - low) + low``, with one 32-bit draw per element when the span is below
    2**28 and one 64-bit draw (two 32-bit draws) otherwise, to keep the modulo bias small.
    """
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dt = np.dtype(np_dtype)
    if dt.kind == "f":
        low, high = _float_bound(low, 1, dt), _float_bound(high, -1, dt)
        if low >= high:
            raise RuntimeError(
                "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
                f"but got from={low} >= to={high}"
            )
    if dt.name in _INT_BOUNDS:
        name, lo_ok, hi_ok = _INT_BOUNDS[dt.name]
        if not lo_ok <= low <= hi_ok:
            raise RuntimeError(f"from is out of bounds for {name}")
        if not lo_ok <= high - 1 <= hi_ok:
            raise RuntimeError(f"to - 1 is out of bounds for {name}")
    if dt.kind == "f":
        _warn_inexact(low, "from", dt)
        _warn_inexact(high - 1, "to - 1", dt)
    shape = _shape(shape)
    n = math.prod(shape)
    g = _gen(generator)
    span = high - low
    if span >= 1 << 28:
        vals = g._random64(n) % np.uint64(span)
    else:
        vals = (g._random(n) % np.uint32(span)).astype(np.uint64)
    vals += np.uint64(low % 2**64)  # uint64 wraps like C++, then the bits are read as int64
    return vals.view(np.int64).astype(dt).reshape(shape)


def random_full(
    shape: ShapeLike, np_dtype: Any = np.int64, generator: Generator | None = None
) -> np.ndarray:
    """What ``Tensor.random_()`` with no bounds gives: integers in [0, top] for the dtype.

    top + 1 is 2**63 for int64 (one 64-bit draw), 2**53 + 1 for float64 (one 64-bit draw),
    and for the others one 32-bit draw modulo dtype max + 1 (2**24 + 1 for float32, 2**11 + 1
    for float16; bool takes the lowest bit). DataLoader and RandomSampler draw their seeds
    with ``torch.empty((), dtype=torch.int64).random_()``, i.e. ``random_full((), np.int64)``.
    """
    dt = np.dtype(np_dtype)
    shape = _shape(shape)
    n = math.prod(shape)
    g = _gen(generator)
    if dt == np.bool_:
        return (g._random(n) & 1).astype(np.bool_).reshape(shape)
    if dt.kind in "iu":
        top = int(np.iinfo(dt).max)
    elif dt.kind == "f" and dt.itemsize <= 8:
        top = 2 ** (np.finfo(dt).nmant + 1)  # 2**digits: every integer up to it is exact
    else:
        raise NotImplementedError(f'"random_kernel_cpu" not implemented for {_name(dt)}')
    wide = dt in (np.int64, np.float64)
    draws = g._random64(n) if wide else g._random(n).astype(np.uint64)
    return (draws % np.uint64(top + 1)).astype(dt).reshape(shape)


_PERM_SMALL = 0xFFFFFFFF // 20  # from this n on torch switches to 64-bit draws (modulo bias)
# Largest n a float dtype can count to exactly, and how torch's error message spells it.
_PERM_MAX = {
    "float16": (2049, "2049", "Half"),
    "float32": (2**24 + 1, "2^24+1", "Float"),
    "float64": (2**53 + 1, "2^53+1", "Double"),
}


def randperm(n: int, np_dtype: Any = np.int64, generator: Generator | None = None) -> np.ndarray:
    """A random permutation of 0..n-1: ``torch.randperm``.

    torch's Fisher-Yates: for i = 0 .. n-2, swap slot i with slot i + random() % (n - i).
    The n-1 draws are taken in one go; the swaps depend on each other and run in a tight loop.

    >>> randperm(5, np.int64, Generator().manual_seed(0))
    array([4, 0, 1, 3, 2])
    """
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = np.dtype(np_dtype)
    if dt == np.bool_:
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    if dt.name in _PERM_MAX and n > _PERM_MAX[dt.name][0]:
        _, txt, name = _PERM_MAX[dt.name]
        raise RuntimeError(f"n cannot be greater than {txt} for {name} type.")
    if dt.kind in "iu" and n > 0 and n - 1 > np.iinfo(dt).max:
        raise RuntimeError(f"value cannot be converted to type {dt.name}_t without overflow")
    g = _gen(generator)
    perm = list(range(n))
    if n < _PERM_SMALL:
        if n > 1:
            k = np.arange(n, 1, -1, dtype=np.uint32)  # n - i for i = 0 .. n-2
            targets = (g._random(n - 1) % k).astype(np.int64) + np.arange(n - 1)
            for i, t in enumerate(targets.tolist()):
                perm[i], perm[t] = perm[t], perm[i]
    else:
        # Huge n: the "inside-out" shuffle with 64-bit draws (slow here, and untested: torch
        # only takes it for n >= 214748364).
        z = (g._random64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
        for i, t in enumerate(z):
            perm[i] = perm[t]
            perm[t] = i
    return np.array(perm, dtype=np.int64).astype(dt)


def bernoulli(
    shape: ShapeLike,
    p: float | np.ndarray,
    np_dtype: Any = np.float32,
    generator: Generator | None = None,
) -> np.ndarray:
    """0/1 samples, 1 with probability ``p``: ``u < p`` for a fresh uniform ``u`` per element.

    * ``p`` a Python float: ``Tensor.bernoulli_(p)`` / ``torch.bernoulli(t, p)`` (and so
      dropout): 53-bit double uniforms, two 32-bit draws per element.
    * ``p`` an ndarray (broadcast to ``shape``): ``torch.bernoulli(p_tensor)``; float64 ``p``
      uses 53-bit uniforms, other float dtypes 24-bit float32 uniforms (one draw each).
    """
    dt = np.dtype(np_dtype)
    shape = _shape(shape)
    n = math.prod(shape)
    g = _gen(generator)
    if isinstance(p, np.ndarray):
        if p.dtype == np.float64:
            u: np.ndarray = _unit_float64(g._random64(n))
            pv = np.broadcast_to(p, shape).reshape(-1)
        else:
            u = _unit_float32(g._random(n))
            pv = np.broadcast_to(p, shape).reshape(-1).astype(np.float32)
        if np.any((pv < 0) | (pv > 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        return (u < pv).astype(dt).reshape(shape)
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return (_unit_float64(g._random64(n)) < p).astype(dt).reshape(shape)
