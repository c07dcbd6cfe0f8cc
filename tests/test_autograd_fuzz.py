"""Differential fuzzing of autograd: random small programs, run on picotorch and torch in lockstep.

A program starts from 1-3 float64 leaves of mutually broadcastable shapes (sizes 1-4, up to
3-d) and applies 2-8 ops, each drawn from the op pool below with operands taken from anything
computed so far. Each op is drawn knowing the values so far (torch's), so it is always valid:
a divisor is bounded away from 0, ``log`` gets positive inputs, shapes are compatible. After
every op the two libraries must agree on the result (values, shape, dtype, ``requires_grad``,
``grad_fn`` name and its ``next_functions``); at the end, the same random gradient flows back
from the last result, and every leaf's ``.grad`` must agree, or both must raise the same error
(a program may modify in place a tensor that an earlier op saved). A second test takes the first
gradients with ``create_graph=True`` and backpropagates through them: second derivatives.

Leaves sometimes hold values on a coarse grid (multiples of 0.5), so ties and exact zeros occur:
``relu`` at 0, ``maximum`` of equal values, ``clamp`` at its bounds, where torch's gradient
conventions must be followed exactly.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import picotorch

Fn = Callable[..., Any]  # fn(lib, *operands) -> Tensor
Step = tuple[Fn, tuple[int, ...], str]  # the op, which pool entries it takes, a description

RTOL = 1e-10
MAX_NUMEL = 48  # ops that grow a tensor (expand, cat, stack) keep programs small


# --------------------------------------------------------------------------- shapes
def _broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...] | None:
    """The broadcast shape, or None if the shapes don't broadcast."""
    ndim = max(len(s) for s in shapes)
    out = []
    for i in range(ndim):
        sizes = {s[i - ndim + len(s)] for s in shapes if i - ndim + len(s) >= 0} - {1}
        if len(sizes) > 1:
            return None
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    if not a or not b:
        return None
    if len(a) == 1 and len(b) == 1:
        return () if a == b else None
    if len(b) == 1:
        return a[:-1] if a[-1] == b[0] else None
    if len(a) == 1:
        return b[:-2] + b[-1:] if a[0] == b[-2] else None
    if a[-1] != b[-2]:
        return None
    batch = _broadcast(a[:-2], b[:-2])
    return None if batch is None else (*batch, a[-2], b[-1])


def _numel(shape: tuple[int, ...]) -> int:
    return int(np.prod(shape, dtype=np.int64))


# --------------------------------------------------------------------------- the op pool
# Each ``draw_*`` gets the hypothesis ``data``, torch's values so far (``pool``) and the index of
# the main operand, and returns a Step, or None when the op does not apply to that operand.
def _other(
    data: st.DataObject, pool: list[torch.Tensor], fits: Callable[[torch.Tensor], bool]
) -> int | None:
    """An entry of the pool that ``fits``, or None."""
    candidates = [i for i, v in enumerate(pool) if fits(v)]
    return data.draw(st.sampled_from(candidates)) if candidates else None


def _scalar(data: st.DataObject) -> float:
    return data.draw(st.sampled_from([-1.5, -0.5, 0.0, 0.5, 2.0, 3.0]))


def _broadcastable_with(a: torch.Tensor) -> Callable[[torch.Tensor], bool]:
    def fits(v: torch.Tensor) -> bool:
        shape = _broadcast(tuple(a.shape), tuple(v.shape))
        return shape is not None and _numel(shape) <= MAX_NUMEL

    return fits


def draw_binary(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    name = data.draw(st.sampled_from(["add", "sub", "mul", "div", "add_alpha", "rsub", "rdiv"]))
    a = pool[i]
    if name in ("rsub", "rdiv"):  # number op tensor
        c = _scalar(data) or 1.0
        if name == "rsub":
            return (lambda t, x: c - x), (i,), f"{c} - x"
        if a.abs().min() > 0.3:
            return (lambda t, x: c / x), (i,), f"{c} / x"
        return (lambda t, x: c / (x.abs() + 0.5)), (i,), f"{c} / (|x| + 0.5)"
    if data.draw(st.booleans()):  # with a number
        c = _scalar(data)
        if name == "div":
            c = c or 4.0
        ops: dict[str, Fn] = {
            "add": lambda t, x: x + c,
            "sub": lambda t, x: x - c,
            "mul": lambda t, x: x * c,
            "div": lambda t, x: x / c,
            "add_alpha": lambda t, x: t.add(x, c, alpha=2),
        }
        return ops[name], (i,), f"x {name} {c}"
    j = _other(data, pool, _broadcastable_with(a))
    if j is None:
        return None
    if name == "div":
        if pool[j].abs().min() > 0.3:
            return (lambda t, x, y: x / y), (i, j), "x / y"
        return (lambda t, x, y: x / (y.abs() + 0.5)), (i, j), "x / (|y| + 0.5)"
    ops = {
        "add": lambda t, x, y: x + y,
        "sub": lambda t, x, y: x - y,
        "mul": lambda t, x, y: x * y,
        "add_alpha": lambda t, x, y: x.add(y, alpha=-0.5),
    }
    return ops[name], (i, j), f"x {name} y"


UNARY: dict[str, Fn] = {
    "neg": lambda t, x: -x,
    "sin": lambda t, x: x.sin(),
    "cos": lambda t, x: t.cos(x),
    "tanh": lambda t, x: x.tanh(),
    "sigmoid": lambda t, x: t.sigmoid(x),
    "relu": lambda t, x: x.relu(),
    "abs": lambda t, x: x.abs(),
}


def draw_unary(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    name = data.draw(st.sampled_from([*UNARY, "exp", "log", "sqrt"]))
    if name in UNARY:
        return UNARY[name], (i,), name
    if name == "exp":
        if a.numel() and a.abs().max() > 5:
            return (lambda t, x: x.clamp(-5, 5).exp()), (i,), "exp(clamp(x))"
        return (lambda t, x: x.exp()), (i,), "exp"
    if a.numel() and a.min() > 0.1:
        return (lambda t, x: getattr(x, name)()), (i,), name
    return (lambda t, x: getattr(x.abs() + 0.5, name)()), (i,), f"{name}(|x| + 0.5)"


def draw_pow(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    kind = data.draw(st.sampled_from(["int", "float", "tensor", "base"]))
    if kind == "int":
        k = data.draw(st.sampled_from([0, 1, 2, 3, -1]))
        if k == -1 and not (a.numel() and a.abs().min() > 0.3):
            return None
        return (lambda t, x: x**k), (i,), f"x ** {k}"
    if kind == "float":
        k = data.draw(st.sampled_from([0.5, 1.5, -0.5, 2.0]))
        return (lambda t, x: (x.abs() + 0.5) ** k), (i,), f"(|x| + 0.5) ** {k}"
    if kind == "base":
        if a.numel() and a.abs().max() > 5:
            return None
        return (lambda t, x: 2.0**x), (i,), "2 ** x"
    j = _other(data, pool, lambda v: _broadcastable_with(a)(v) and v.abs().max() <= 3)
    if j is None:
        return None
    return (lambda t, x, y: (x.abs() + 0.5).pow(y)), (i, j), "(|x| + 0.5) ** y"


def _dim(data: st.DataObject, ndim: int) -> int:
    return data.draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


def draw_reduce(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    name = data.draw(st.sampled_from(["sum", "mean"]))
    how = data.draw(st.sampled_from(["all", "dim", "dims"]))
    keepdim = data.draw(st.booleans())
    if how == "all":
        return (lambda t, x: getattr(x, name)()), (i,), f"{name}()"
    if how == "dim" or a.dim() < 2:
        d = _dim(data, a.dim())
        return (lambda t, x: getattr(t, name)(x, d, keepdim)), (i,), f"{name}({d}, {keepdim})"
    dims = tuple(
        data.draw(st.lists(st.integers(0, a.dim() - 1), min_size=1, max_size=a.dim(), unique=True))
    )
    dims = tuple(d - a.dim() if data.draw(st.booleans()) else d for d in dims)  # some negative
    return (
        (lambda t, x: getattr(x, name)(dims, keepdim=keepdim)),
        (i,),
        f"{name}({dims}, keepdim={keepdim})",
    )


def draw_matmul(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    if a.dim() == 0:
        return None
    j = _other(data, pool, lambda v: _matmul_shape(tuple(a.shape), tuple(v.shape)) is not None)
    if j is not None and data.draw(st.booleans()):
        return (lambda t, x, y: x @ y), (i, j), "x @ y"
    if a.dim() == 1:
        return (lambda t, x: t.matmul(x, x)), (i,), "x @ x"
    return (lambda t, x: x.matmul(x.mT)), (i,), "x @ x.mT"


def draw_layout(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    """transpose, permute, t, reshape, view, flatten, unsqueeze, squeeze, expand."""
    a = pool[i]
    n = a.dim()
    shape = tuple(a.shape)
    name = data.draw(
        st.sampled_from(
            [
                *("transpose", "permute", "t", "reshape", "view"),
                *("flatten", "unsqueeze", "squeeze", "expand"),
            ]
        )
    )
    if name == "transpose":
        d0, d1 = _dim(data, n), _dim(data, n)
        return (lambda t, x: x.transpose(d0, d1)), (i,), f"transpose({d0}, {d1})"
    if name == "permute":
        if n == 0:
            return None
        dims = data.draw(st.permutations(range(n)))
        return (lambda t, x: x.permute(*dims)), (i,), f"permute{tuple(dims)}"
    if name == "t":
        if n > 2:
            return None
        return (lambda t, x: x.t()), (i,), "t()"
    if name in ("reshape", "view"):
        if name == "view" and not a.is_contiguous():
            return None
        numel = a.numel()
        factors = [(f, numel // f) for f in range(1, numel + 1) if numel % f == 0]
        f, g = data.draw(st.sampled_from(factors))
        new = data.draw(st.sampled_from([(numel,), (-1,), (f, g), (f, -1), (1, f, g), (g, 1, f)]))
        return (lambda t, x: getattr(x, name)(new)), (i,), f"{name}{new}"
    if name == "flatten":
        if n == 0:
            return (lambda t, x: x.flatten()), (i,), "flatten()"
        s, e = sorted((data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))))
        return (lambda t, x: x.flatten(s, e)), (i,), f"flatten({s}, {e})"
    if name == "unsqueeze":
        d = data.draw(st.integers(-n - 1, n))
        return (lambda t, x: x.unsqueeze(d)), (i,), f"unsqueeze({d})"
    if name == "squeeze":
        how = data.draw(st.sampled_from(["all", "dim", "dims"]))
        if how == "all" or n == 0:
            return (lambda t, x: x.squeeze()), (i,), "squeeze()"
        if how == "dim":
            d = _dim(data, n)
            return (lambda t, x: x.squeeze(d)), (i,), f"squeeze({d})"
        dims = tuple(data.draw(st.lists(st.integers(0, n - 1), min_size=1, unique=True)))
        return (lambda t, x: x.squeeze(dims)), (i,), f"squeeze({dims})"
    # expand: size-1 dims to 1-3, maybe a new leading dim; -1 keeps a size
    new = [
        data.draw(st.integers(1, 3)) if s == 1 else data.draw(st.sampled_from([s, -1]))
        for s in shape
    ]
    if data.draw(st.booleans()):
        new.insert(0, data.draw(st.integers(1, 2)))
    if not new or _numel(tuple(abs(s) for s in new)) > MAX_NUMEL:
        return None
    return (lambda t, x: x.expand(*new)), (i,), f"expand{tuple(new)}"


def draw_index(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    n = a.dim()
    shape = tuple(a.shape)
    kind = data.draw(st.sampled_from(["int", "slice", "mixed", "none", "tensor", "mask", "select"]))
    if n == 0:
        return (lambda t, x: x[None]), (i,), "x[None]"
    if kind == "int":
        k = data.draw(st.integers(-shape[0], shape[0] - 1))
        return (lambda t, x: x[k]), (i,), f"x[{k}]"
    if kind == "select":
        d = _dim(data, n)
        k = data.draw(st.integers(-shape[d], shape[d] - 1))
        if data.draw(st.booleans()):
            return (lambda t, x: x.select(d, k)), (i,), f"x.select({d}, {k})"
        index = (slice(None),) * (d % n) + (k,)
        return (lambda t, x: x[index]), (i,), f"x[{index}]"
    if kind == "slice":
        start = data.draw(st.one_of(st.none(), st.integers(-4, 3)))
        stop = data.draw(st.one_of(st.none(), st.integers(-4, 4)))
        step = data.draw(st.sampled_from([None, 1, 2, 3]))
        sl = slice(start, stop, step)
        if len(range(*sl.indices(shape[0]))) == 0:
            return None  # an empty result: nothing to compare gradients on
        return (lambda t, x: x[sl]), (i,), f"x[{sl}]"
    if kind == "mixed":
        if n < 2 or shape[-2] < 2:  # (1: of a size-1 dim would be empty)
            return None
        k = data.draw(st.integers(-shape[-1], shape[-1] - 1))
        return (lambda t, x: x[..., None, 1:, k]), (i,), f"x[..., None, 1:, {k}]"
    if kind == "none":
        return (lambda t, x: x[:, None]), (i,), "x[:, None]"
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if kind == "tensor":  # an integer index with repeats: their gradients must add up
        idx = rng.integers(-shape[0], shape[0], size=data.draw(st.integers(1, 5)))
        return (lambda t, x: x[t.tensor(idx)]), (i,), f"x[{idx.tolist()}]"
    mask = rng.random(shape) < 0.6
    if not mask.any():
        return None
    return (lambda t, x: x[t.tensor(mask)]), (i,), "x[mask]"


def draw_join(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    shape = tuple(a.shape)
    stack = data.draw(st.booleans())
    if stack:
        if 2 * a.numel() > MAX_NUMEL:
            return None
        d = data.draw(st.integers(-a.dim() - 1, a.dim()))
        j = _other(data, pool, lambda v: tuple(v.shape) == shape)
        j = i if j is None else j
        return (lambda t, x, y: t.stack([x, y, x], d)), (i, j), f"stack([x, y, x], {d})"
    if a.dim() == 0:
        return None
    d = _dim(data, a.dim())
    nd = d % a.dim()

    def fits(v: torch.Tensor) -> bool:
        s = tuple(v.shape)
        return len(s) == len(shape) and all(
            p == q for k, (p, q) in enumerate(zip(s, shape)) if k != nd
        )

    j = _other(data, pool, fits)
    if j is None or a.numel() + pool[j].numel() > MAX_NUMEL:
        return None
    return (lambda t, x, y: t.cat((x, y), dim=d)), (i, j), f"cat((x, y), {d})"


def draw_gather(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    if a.dim() == 0:
        return None
    d = _dim(data, a.dim())
    nd = d % a.dim()
    size = [data.draw(st.integers(1, s)) for s in a.shape]
    size[nd] = data.draw(st.integers(1, 4))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    index = rng.integers(0, a.shape[nd], size=size)
    return (lambda t, x: t.gather(x, d, t.tensor(index))), (i,), f"gather({d}, {index.tolist()})"


def draw_where(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    kind = data.draw(st.sampled_from(["tensor", "scalar", "compare"]))
    if kind == "compare":
        return (lambda t, x: t.where(x > 0, x, x * x)), (i,), "where(x > 0, x, x * x)"
    j = _other(data, pool, _broadcastable_with(a))
    if j is None:
        return None
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    cond = rng.random(_broadcast(tuple(a.shape), tuple(pool[j].shape))) < 0.5
    if kind == "scalar":
        c = _scalar(data)
        return (lambda t, x, y: t.where(t.tensor(cond), c, y)), (i, j), f"where(c, {c}, y)"
    return (lambda t, x, y: x.where(t.tensor(cond), y)), (i, j), "x.where(c, y)"


def draw_clamp(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    kind = data.draw(st.sampled_from(["min", "max", "both", "tensor"]))
    lo = data.draw(st.sampled_from([-1.0, -0.5, 0.0, 0.5]))
    hi = lo + data.draw(st.sampled_from([0.0, 0.5, 1.5]))
    if kind == "min":
        return (lambda t, x: x.clamp(min=lo)), (i,), f"clamp(min={lo})"
    if kind == "max":
        return (lambda t, x: t.clamp(x, max=hi)), (i,), f"clamp(max={hi})"
    if kind == "both":
        return (lambda t, x: x.clamp(lo, hi)), (i,), f"clamp({lo}, {hi})"
    j = _other(data, pool, lambda v: _broadcast(tuple(a.shape), tuple(v.shape)) == tuple(a.shape))
    if j is None:
        return None
    return (lambda t, x, y: x.clamp(min=y)), (i, j), "clamp(min=y)"


def draw_maximum(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    a = pool[i]
    j = _other(data, pool, _broadcastable_with(a))
    if j is None:
        return None
    return (lambda t, x, y: t.maximum(x, y)), (i, j), "maximum(x, y)"


INPLACE_OPS = (
    "mul_",
    "add_",
    "relu_",
    "neg_",
    "exp_",
    "clamp_",
    "sigmoid_",
    "tanh_",
    "sin_",
    "abs_",
)
INPLACE_OPS += ("**=",)  # (Python's augmented assignment: Tensor.__ipow__)


def draw_inplace(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    """An in-place op on a non-leaf (rebasing its history) or on a tensor without history (which
    may get one, and its views with it): may invalidate what an earlier op saved, and then
    backward must fail the same way in both libraries."""
    a = pool[i]
    if a.is_leaf and a.requires_grad:
        return None
    base = a._base
    if base is not None and ((base.is_leaf and base.requires_grad) or 0 in a.stride()):
        # a view of a leaf, or an expanded one (elements sharing memory): torch refuses those
        # (tests/test_autograd_engine.py compares the refusals); any other view is written
        # through its base's history (CopySlices)
        return None
    name = data.draw(st.sampled_from(INPLACE_OPS))
    if name in ("mul_", "add_") and data.draw(st.booleans()):
        # by a tensor of the pool that broadcasts to x's shape and lies in other memory
        # (an overlapping one is an error in torch: tests/test_memory_overlap.py)
        def fits(v: torch.Tensor) -> bool:
            return (
                _broadcast(tuple(a.shape), tuple(v.shape)) == tuple(a.shape)
                and v.untyped_storage().data_ptr() != a.untyped_storage().data_ptr()
            )

        j = _other(data, pool, fits)
        if j is not None:
            return (lambda t, x, y: getattr(x, name)(y)), (i, j), f"x.{name}(y)"
    if name in ("mul_", "add_"):
        c = _scalar(data)
        return (lambda t, x: getattr(x, name)(c)), (i,), f"x.{name}({c})"
    if name == "exp_" and a.numel() and a.abs().max() > 5:
        return None
    if name == "clamp_":
        return (lambda t, x: x.clamp_(-1.0, 0.5)), (i,), "x.clamp_(-1, 0.5)"
    if name == "**=":  # (Python's augmented assignment: Tensor.__ipow__, in place)
        return (lambda t, x: operator.ipow(x, 2)), (i,), "x **= 2"
    return (lambda t, x: getattr(x, name)()), (i,), f"x.{name}()"


def draw_view_of_plain(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    """A view (a layout op or basic indexing) of a copy of x without history, then an in-place
    op on the copy by a tensor of the pool that requires grad: the copy takes a history, and
    the view, taken before, follows it (AsStridedBackward0)."""
    a = pool[i]
    view = data.draw(st.sampled_from([draw_layout, draw_index]))(data, pool, i)
    if view is None or view[1] != (i,):
        return None
    take, _, text = view
    name = data.draw(st.sampled_from(["mul_", "add_"]))

    def fits(v: torch.Tensor) -> bool:
        return v.requires_grad and _broadcast(tuple(a.shape), tuple(v.shape)) == tuple(a.shape)

    j = _other(data, pool, fits)
    if j is None:
        return None

    def fn(t: Any, x: Any, y: Any) -> Any:
        c = x.detach().clone()
        v = take(t, c)
        getattr(c, name)(y)
        return v

    return fn, (i, j), f"c = x.detach().clone(); v = {text} of c; c.{name}(y); v"


def draw_write_through_view(data: st.DataObject, pool: list[torch.Tensor], i: int) -> Step | None:
    """A view of a tensor with history (a layout op or basic indexing), written in place at
    once: the base takes the write in its history (CopySlices)."""
    a = pool[i]
    if a.is_leaf or (a._base is not None and a._base.is_leaf):
        return None
    view = data.draw(st.sampled_from([draw_layout, draw_index]))(data, pool, i)
    if view is None or view[1] != (i,):
        return None
    take, _, text = view
    v = take(torch, a)  # (drawing runs under no_grad: nothing recorded)
    if v._base is None or 0 in v.stride() or v.numel() == 0:
        return None  # a copy, an expanded view (torch refuses the write) or nothing to write
    name = data.draw(st.sampled_from(["mul_", "add_", "relu_", "neg_", "clamp_", "tanh_", "*="]))
    c = _scalar(data)

    def write(t: Any, x: Any) -> Any:
        w = take(t, x)
        if name in ("mul_", "add_"):
            return getattr(w, name)(c)
        if name == "*=":
            return operator.imul(w, c)
        return w.clamp_(-1.0, 0.5) if name == "clamp_" else getattr(w, name)()

    return write, (i,), f"{text}, then {name}"


OPS = [
    draw_binary,
    draw_unary,
    draw_pow,
    draw_reduce,
    draw_matmul,
    draw_layout,
    draw_index,
    draw_join,
    draw_gather,
    draw_where,
    draw_clamp,
    draw_maximum,
    draw_inplace,
    draw_write_through_view,
]


# --------------------------------------------------------------------------- running programs
def _leaf_shapes(data: st.DataObject) -> list[tuple[int, ...]]:
    """1-3 mutually broadcastable shapes: suffixes of one shape, some sizes set to 1."""
    full = data.draw(st.lists(st.integers(1, 4), max_size=3))
    shapes = []
    for _ in range(data.draw(st.integers(1, 3))):
        ndim = data.draw(st.integers(0, len(full)))
        suffix = full[len(full) - ndim :]
        shapes.append(tuple(1 if data.draw(st.integers(0, 3)) == 0 else s for s in suffix))
    return shapes


def _values(shape: tuple[int, ...], rng: np.random.Generator, coarse: bool) -> np.ndarray:
    if coarse:  # multiples of 0.5: ties and exact zeros
        return np.asarray(rng.integers(-4, 5, size=shape) / 2, dtype=np.float64)
    return np.asarray(rng.uniform(-2, 2, size=shape), dtype=np.float64)


def _assert_close(mine: Any, ref: Any, what: str) -> None:
    a = mine.detach().numpy(force=True)
    b = ref.detach()
    if b._is_zerotensor():
        # a second-order gradient may be torch's lazy ZeroTensor, which has no memory: numpy()
        # of a view into one (an element of it: an offset into nothing) reads a wild address
        # and crashes the process; compared as the zeros it stands for
        b = torch.zeros(b.shape, dtype=b.dtype)
    b = b.numpy(force=True)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    scale = max(1.0, float(np.abs(b).max())) if b.size else 1.0
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=RTOL * scale, equal_nan=True, err_msg=what)


def _node(fn: Any) -> Any:
    if fn is None:
        return None
    return fn.name(), tuple((n.name() if n else None, nr) for n, nr in fn.next_functions)


def _same_result(mine: Any, ref: Any, what: str) -> None:
    assert str(mine.dtype) == str(ref.dtype), f"{what}: dtype {mine.dtype} != {ref.dtype}"
    assert mine.requires_grad == ref.requires_grad, f"{what}: requires_grad differs"
    assert _node(mine.grad_fn) == _node(ref.grad_fn), (
        f"{what}: graph {_node(mine.grad_fn)} != torch {_node(ref.grad_fn)}"
    )
    _assert_close(mine, ref, what)


def _same_error(mine: BaseException | None, ref: BaseException | None) -> bool:
    """Both raised the same error. Where either names a view regenerated after an in-place
    write (``AsStrided``), the saved tensor's description is left out of the comparison: torch
    regenerates some views that picotorch does not, and where a node saved a view and its base
    and both were written (they share a version counter), each library names the one it checks
    first (torch's generated code unpacks saved values in the alphabetical order of their
    argument names, picotorch in the order it saved them)."""
    if mine is None or ref is None:
        return mine is ref
    mine_text, ref_text = str(mine), str(ref)
    if "of AsStrided," in ref_text or "of AsStrided," in mine_text:
        detail = re.compile(r"operation: \[.*?\](, which is output \d+ of [^,]+,)? is at")
        mine_text = detail.sub("operation: … is at", mine_text)
        ref_text = detail.sub("operation: … is at", ref_text)
    return type(mine) is type(ref) and mine_text == ref_text


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_programs_match_torch(data: st.DataObject) -> None:
    run_program(data)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_random_programs_second_order(data: st.DataObject) -> None:
    run_program(data, second_order=True)


# views taken and written in place often: writes through views (CopySlices), views of views,
# and ops that saved a view's old value
VIEWS_AND_WRITES = [
    draw_binary,  # (first: what hypothesis shrinks towards, and it always applies)
    draw_unary,
    draw_write_through_view,
    draw_write_through_view,
    draw_layout,
    draw_index,
    draw_inplace,
    draw_view_of_plain,
]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_random_writes_through_views(data: st.DataObject) -> None:
    run_program(data, second_order=data.draw(st.booleans()), ops=VIEWS_AND_WRITES)


def run_program(
    data: st.DataObject, second_order: bool = False, ops: list[Callable[..., Any]] = OPS
) -> None:
    """Draw one program and run it on both libraries (see the module docstring).

    ``second_order``: instead of ``backward``, take the first gradients with
    ``autograd.grad(create_graph=True)``, then backpropagate a random weighting of them: the
    leaves' ``.grad`` are then second derivatives (Hessian-vector products). ``ops``: the
    pool each op is drawn from.
    """
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    coarse = data.draw(st.booleans(), label="coarse values")
    leaves = [_values(s, rng, coarse) for s in _leaf_shapes(data)]
    mine = [picotorch.from_numpy(v.copy()).requires_grad_() for v in leaves]
    ref = [torch.from_numpy(v.copy()).requires_grad_() for v in leaves]
    program: list[str] = []

    for _ in range(data.draw(st.integers(2, 8), label="length")):
        while True:  # draw until an op applies (most do)
            draw = data.draw(st.sampled_from(ops))
            i = data.draw(st.integers(0, len(ref) - 1))
            with torch.no_grad():  # (drawing looks at the values: record nothing)
                step = draw(data, ref, i)
            if step is not None:
                break
        fn, args, text = step
        program.append(f"v{len(ref)} = {text} on {[f'v{k}' for k in args]}")
        what = "\n".join(program)
        r = fn(torch, *(ref[k] for k in args))
        m = fn(picotorch, *(mine[k] for k in args))
        _same_result(m, r, what)
        ref.append(r)
        mine.append(m)

    if not ref[-1].requires_grad:
        return
    upstream = rng.standard_normal(tuple(ref[-1].shape))
    weights = [rng.standard_normal(v.shape) for v in leaves]
    n = len(leaves)
    error_ref, grads_ref = _gradients(torch, ref[-1], ref[:n], upstream, weights, second_order)
    error_mine, grads_mine = _gradients(
        picotorch, mine[-1], mine[:n], upstream, weights, second_order
    )
    what = "\n".join(program) + ("\n(second order)" if second_order else "")
    if error_ref is not None or error_mine is not None:
        assert _same_error(error_mine, error_ref), (
            f"{what}\nbackward: {error_mine!r} != {error_ref!r}"
        )
        return
    for k, (g_mine, g_ref) in enumerate(zip(grads_mine, grads_ref, strict=True)):
        assert (g_mine is None) == (g_ref is None), f"{what}\ngradient {k}: {g_mine} vs {g_ref}"
        if g_ref is not None:
            assert str(g_mine.dtype) == str(g_ref.dtype)
            _assert_close(g_mine, g_ref, f"{what}\ngradient {k}")


def _gradients(
    lib: Any,
    out: Any,
    leaves: list[Any],
    upstream: np.ndarray,
    weights: list[np.ndarray],
    second_order: bool,
) -> tuple[BaseException | None, list[Any]]:
    """The leaves' ``.grad`` after backpropagating ``upstream`` from ``out`` (second order:
    the first gradients, then the leaves' ``.grad``); or the error that backward raised."""
    try:
        if not second_order:
            out.backward(lib.from_numpy(upstream.copy()))
            return None, [leaf.grad for leaf in leaves]
        firsts = lib.autograd.grad(
            out, leaves, lib.from_numpy(upstream.copy()), create_graph=True, allow_unused=True
        )
        total = None
        for g, w in zip(firsts, weights, strict=True):
            if g is not None and g.requires_grad:
                term = (g * lib.from_numpy(w.copy())).sum()
                total = term if total is None else total + term
        if total is not None:
            total.backward()
        return None, [*(g if g is None else g.detach() for g in firsts), *(x.grad for x in leaves)]
    except Exception as e:  # compared with torch's
        return e, []
