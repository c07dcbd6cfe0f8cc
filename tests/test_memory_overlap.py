"""Writes into a tensor that an input shares memory with: refused where torch refuses them,
with torch's message; run where torch runs them, with torch's result (see picotorch/_memory.py).

Each case runs on both libraries through ``check``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from parity import check


def _set(x: Any, index: Any, value: Any) -> Any:
    x[index] = value
    return x


def _x(L: Any) -> Any:
    return L.arange(6.0)


def _grid(L: Any) -> Any:
    return L.arange(12.0).reshape(3, 4)


def _nonleaf(L: Any) -> Any:
    """A tensor with history (so in-place ops on it are recorded), not a view."""
    return L.arange(6.0).requires_grad_() * 1


def _scatter_into_slice(L: Any, op: str) -> Any:
    x = _x(L)
    return getattr(x[1:], op)(0, L.tensor([0, 1]), x[:-1])


# fn(L) for each case: it builds its tensors and returns the one it wrote into
REFUSED: dict[str, Callable[[Any], Any]] = {
    "add_-shifted": lambda L: (x := _x(L))[1:].add_(x[:-1]),
    "add_-alpha-shifted": lambda L: (x := _x(L))[1:].add_(x[:-1], alpha=2),
    "sub_-0d-inside": lambda L: (x := _x(L))[:3].sub_(x[2]),
    "add_-same-bytes-transposed": lambda L: (x := L.arange(4.0).reshape(2, 2)).add_(x.t()),
    "pow_-shifted": lambda L: (x := _x(L))[1:].pow_(x[:-1]),
    "clamp_-tensor-min": lambda L: (x := _x(L))[1:].clamp_(min=x[:-1]),
    "int-add_-shifted": lambda L: (x := L.arange(6))[1:].add_(x[:-1]),
    "out-binary": lambda L: L.add((x := _x(L))[:-1], 1, out=x[1:]),
    "out-alpha-scaled-operand": lambda L: L.add((x := _x(L))[1:], x[:-1], alpha=2, out=x[1:]),
    "sub_-alpha-shifted": lambda L: (x := _x(L))[1:].sub_(x[:-1], alpha=3),
    "out-both-inputs": lambda L: L.mul((x := _x(L))[:-1], x[:-1], out=x[1:]),
    "out-unary": lambda L: L.exp((x := _x(L))[:-1], out=x[1:]),
    "out-0d-input": lambda L: L.sub(x := _x(L), x[0], out=x),
    "out-clamp": lambda L: L.clamp((x := _x(L))[:-1], min=0.5, out=x[1:]),
    "copy_-shifted": lambda L: (x := _x(L))[1:].copy_(x[:-1]),
    "copy_-0d-inside": lambda L: (x := _x(L)).copy_(x[1]),
    "copy_-broadcast": lambda L: (x := _x(L)).reshape(2, 3).copy_(x[:3]),
    "setitem-slice-shifted": lambda L: _set(x := _x(L), slice(1, None), x[:-1]),
    "setitem-unsqueezed-value": lambda L: _set((x := _x(L))[:3], slice(None), x[2:5][None]),
    "setitem-list": lambda L: _set(x := _x(L), [0, 1], x[1:3]),
    "setitem-list-0d-value": lambda L: _set(x := _x(L), [0, 1], x[0]),
    "setitem-list-disjoint-part": lambda L: _set(x := _x(L), [3, 4], x[0:2]),
    "setitem-list-same-bytes": lambda L: _set(x := _x(L), list(range(6)), x),
    "setitem-mask": lambda L: _set(x := _x(L), x > 2, x[:3]),
    "setitem-index-tensor-one": lambda L: _set(x := _x(L), L.tensor([5]), x[0:1]),
    "setitem-rows": lambda L: _set(x := _grid(L), L.tensor([0, 2]), x[1]),
    "scatter_-src": lambda L: _scatter_into_slice(L, "scatter_"),
    "scatter_add_-src": lambda L: _scatter_into_slice(L, "scatter_add_"),
    "scatter_-src-same-bytes": lambda L: (x := _x(L)).scatter_(0, L.tensor([0, 1]), x),
    "scatter_-src-0d": lambda L: (x := _x(L)).scatter_(0, L.tensor([0]), x[5]),
    "masked_fill_-mask": lambda L: (b := L.tensor([True, False, True]))[1:].masked_fill_(
        b[:-1], False
    ),
    # recorded by autograd: the same checks
    "recorded-add_": lambda L: (y := L.arange(4.0).requires_grad_() * 1).add_(y.view(2, 2).t()),
    "recorded-copy_": lambda L: (y := _nonleaf(L)).copy_(y[2]),
    "recorded-setitem": lambda L: _set(y := _nonleaf(L), [0, 1], y[2:4]),
    "recorded-scatter_": lambda L: (y := _nonleaf(L)).scatter_(0, L.tensor([0, 1]), y[:2]),
    "recorded-through-a-view": lambda L: (y := _nonleaf(L))[1:].add_(y[:-1]),
}

ALLOWED: dict[str, Callable[[Any], Any]] = {
    "add_-itself": lambda L: (x := _x(L)).add_(x),
    "add_-same-view": lambda L: (x := _x(L))[1:].add_(x[1:]),
    "mul_-0d-outside": lambda L: (x := _x(L))[:3].mul_(x[4]),
    "add_-row-before": lambda L: (x := _grid(L))[1:].add_(x[0]),
    "add_-row-after": lambda L: (x := _grid(L))[:2].add_(x[2]),
    "add_-column": lambda L: (x := _grid(L))[:, 1:].add_(x[:, :1]),
    "add_-transposed-twice": lambda L: (x := L.arange(6.0).reshape(2, 3)).t().add_(x.t()),
    "div_-gaps": lambda L: (x := _x(L))[::2].div_(x[1::2] + 1),  # torch: too hard to tell
    "add_-expanded-input": lambda L: (x := _x(L))[:3].add_(x[3:4].expand(3)),
    "clamp_-itself": lambda L: (x := _x(L)).clamp_(max=x),
    "out-itself": lambda L: L.mul(x := _x(L), 2, out=x),
    "copy_-itself": lambda L: (x := _x(L)).copy_(x),
    "copy_-disjoint": lambda L: (x := _x(L))[3:].copy_(x[:3]),
    "setitem-slice-itself": lambda L: _set(x := _x(L), slice(None, 3), x[:3]),
    "setitem-int": lambda L: _set(x := _x(L), 0, x[1]),
    "setitem-int-itself": lambda L: _set(x := _x(L), 0, x[0]),
    "setitem-slice-0d-inside": lambda L: _set(x := _x(L), slice(0, 3), x[1]),
    "setitem-broadcast": lambda L: _set(x := _x(L), slice(None), x[:3].reshape(1, 3)),
    "setitem-grid-broadcast": lambda L: _set((x := _x(L)).reshape(2, 3), slice(None), x[:3]),
    "setitem-row": lambda L: _set(x := _grid(L), 0, x[1]),
    "setitem-mask-one-value": lambda L: _set(x := _x(L), x > 4, x[0:1]),
    "setitem-mask-0d": lambda L: _set(x := _x(L), x > 2, x[0]),
    "setitem-row-mask": lambda L: _set(x := _grid(L), (0, x[0] > 1), x[1, :2]),
    "masked_fill_-0d-value": lambda L: (x := _x(L))[:3].masked_fill_(x[:3] > 0, x[1]),
    "masked_fill_-mask-itself": lambda L: (b := L.tensor([True, False])).masked_fill_(b, False),
    "scatter_-index-view": lambda L: (x := L.arange(6))[2:].scatter_(0, x[:2], 5),
    "fill_-0d-inside": lambda L: (x := _x(L)).fill_(x[1]),
    "empty": lambda L: (x := _x(L))[:0].add_(x[:0]),
    "recorded-masked_fill_": lambda L: (y := _nonleaf(L)).masked_fill_(y > 2, y[0]),
    "recorded-add_-itself": lambda L: (y := _nonleaf(L)).add_(y),
    "recorded-view-add_-itself": lambda L: (v := _nonleaf(L)[1:]).add_(v),
}


@pytest.mark.parametrize("fn", REFUSED.values(), ids=REFUSED.keys())
def test_refused(fn: Callable[[Any], Any]) -> None:
    check(fn, raises=RuntimeError, same_message=True)


@pytest.mark.parametrize("fn", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(fn: Callable[[Any], Any]) -> None:
    check(lambda L: fn(L).detach())
