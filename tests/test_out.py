"""``out=``: torch's functions write their result into a tensor the caller gives.

Every function of picotorch that has torch's ``out=`` is called with eight kinds of ``out``
(the result's dtype or another, empty, of another shape, requiring grad, transposed) and
compared with torch: what it returns (``out`` itself), what ``out`` holds afterwards (values,
shape, dtype, strides), the warnings (torch's deprecation warning when it resizes an ``out``
that held elements) and the errors, message included.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from parity import check

import picotorch

X = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], dtype=np.float32)
I = np.array([[0, 1, 1], [1, 0, 0]], dtype=np.int64)  # noqa: E741 - an index tensor


def _outs(L):
    """The kinds of ``out``, made fresh for each call."""
    return {
        "float32": lambda: L.zeros(2, 3),
        "float64": lambda: L.zeros(2, 3, dtype=L.float64),
        "int64": lambda: L.zeros(2, 3, dtype=L.int64),
        "bool": lambda: L.zeros(2, 3, dtype=L.bool),
        "empty": lambda: L.zeros(0),
        "other shape": lambda: L.zeros(4),
        "requires grad": lambda: L.zeros(2, 3, requires_grad=True),
        "transposed": lambda: L.zeros(3, 2).t(),
    }


OUT_KINDS = list(_outs(torch))

# name: fn(L, x, i, out) -> the call's result; x is X, i is I
CALLS = {
    # joins, picks
    "cat": lambda L, x, i, o: L.cat([x[:1], x[1:]], out=o),
    "concat": lambda L, x, i, o: L.concat([x, x], 1, out=o),
    "stack": lambda L, x, i, o: L.stack([x[0], x[1]], out=o),
    "stack ints": lambda L, x, i, o: L.stack([i, i], 1, out=o),
    "gather": lambda L, x, i, o: L.gather(x, 1, i, out=o),
    "gather ints": lambda L, x, i, o: L.gather(i, 1, i, out=o),
    "index_select": lambda L, x, i, o: L.index_select(x, 1, i[0], out=o),
    "scatter": lambda L, x, i, o: L.scatter(x, 1, i, x, out=o),
    "scatter value": lambda L, x, i, o: L.scatter(x, 1, i, 7.0, out=o),
    "scatter_add": lambda L, x, i, o: L.scatter_add(x, 1, i, x, out=o),
    "where": lambda L, x, i, o: L.where(x > 2, x, x.flip(0), out=o),
    "where ints": lambda L, x, i, o: L.where(x > 2, i, i, out=o),
    "nonzero": lambda L, x, i, o: L.nonzero(x > 2, out=o),
    # comparisons, elementwise
    "eq": lambda L, x, i, o: L.eq(x, 2.0, out=o),
    "lt": lambda L, x, i, o: L.lt(x, x.flip(0), out=o),
    "ge int": lambda L, x, i, o: L.ge(i, 1, out=o),
    "logical_not": lambda L, x, i, o: L.logical_not(x > 2, out=o),
    "bitwise_not": lambda L, x, i, o: L.bitwise_not(x > 2, out=o),
    "bitwise_not ints": lambda L, x, i, o: L.bitwise_not(i, out=o),
    "maximum": lambda L, x, i, o: L.maximum(x, x.flip(0), out=o),
    "minimum ints": lambda L, x, i, o: L.minimum(i, i.flip(1), out=o),
    "max of two": lambda L, x, i, o: L.max(x, x.flip(0), out=o),
    "softmax": lambda L, x, i, o: L.softmax(x, 1, out=o),
    "softmax dtype": lambda L, x, i, o: L.softmax(x, 0, L.float64, out=o),
    "log_softmax": lambda L, x, i, o: L.log_softmax(x, 1, out=o),
    # reductions
    "sum": lambda L, x, i, o: L.sum(x, 1, out=o),
    "sum keepdim": lambda L, x, i, o: L.sum(x, (0, 1), True, out=o),
    "sum dtype": lambda L, x, i, o: L.sum(x, 0, dtype=L.float64, out=o),
    "sum ints": lambda L, x, i, o: L.sum(i, 0, out=o),
    "sum all": lambda L, x, i, o: L.sum(x, out=o),
    "mean": lambda L, x, i, o: L.mean(x, 1, out=o),
    "mean all": lambda L, x, i, o: L.mean(x, out=o),
    "mean ints": lambda L, x, i, o: L.mean(i, 1, out=o),
    "prod": lambda L, x, i, o: L.prod(x, 1, out=o),
    "prod all": lambda L, x, i, o: L.prod(x, out=o),
    "std": lambda L, x, i, o: L.std(x, 1, out=o),
    "var": lambda L, x, i, o: L.var(x, 0, correction=0, out=o),
    "norm": lambda L, x, i, o: L.norm(x, dim=1, out=o),
    "norm all": lambda L, x, i, o: L.norm(x, 1, out=o),
    "max all": lambda L, x, i, o: L.max(x, out=o),
    "min all ints": lambda L, x, i, o: L.min(i, out=o),
    "argmax": lambda L, x, i, o: L.argmax(x, 1, out=o),
    "argmin all": lambda L, x, i, o: L.argmin(x, out=o),
    "all": lambda L, x, i, o: L.all(x > 2, 1, out=o),
    "any": lambda L, x, i, o: L.any(x, out=o),
    # factories (the dtype is out's)
    "zeros": lambda L, x, i, o: L.zeros(2, 3, out=o),
    "ones": lambda L, x, i, o: L.ones((3, 2), out=o),
    "full": lambda L, x, i, o: L.full((2, 3), 1.5, out=o),
    "empty": lambda L, x, i, o: L.empty(2, 3, out=o).fill_(0),  # (its values: whatever)
    "eye": lambda L, x, i, o: L.eye(2, 3, out=o),
    "arange": lambda L, x, i, o: L.arange(6, out=o),
    "arange floats": lambda L, x, i, o: L.arange(0, 3, 0.5, out=o),
    "linspace": lambda L, x, i, o: L.linspace(0, 1, 6, out=o),
    "linspace other count": lambda L, x, i, o: L.linspace(-1, 1, 5, out=o),
    "rand": lambda L, x, i, o: L.rand(2, 3, generator=L.Generator().manual_seed(3), out=o),
    "randn": lambda L, x, i, o: L.randn(2, 3, generator=L.Generator().manual_seed(3), out=o),
    "randint": lambda L, x, i, o: L.randint(
        3, 9, (2, 3), generator=L.Generator().manual_seed(3), out=o
    ),
    "randperm": lambda L, x, i, o: L.randperm(6, generator=L.Generator().manual_seed(3), out=o),
    # the arithmetic and the matrix products had out= already: their messages and warnings
    "add": lambda L, x, i, o: L.add(x, 1, out=o),
    "neg": lambda L, x, i, o: L.neg(x, out=o),
    "mm": lambda L, x, i, o: L.mm(x, x.t(), out=o),
    "matmul": lambda L, x, i, o: L.matmul(x.t(), x, out=o),
}

# message differences, each for a reason: (call, out kind) -> why
MESSAGE_DIFFERS = {
    # torch's: "cannot resize variables that require grad" (it resizes before it checks)
    ("empty", "requires grad"): "resize first",
    ("randn", "requires grad"): "resize first",
    ("rand", "requires grad"): "resize first",  # (with a generator; without, torch's is ours)
    # torch lists its overloads with argument names (picotorch's list is the methods')
    **{(name, kind): "overload list" for name in ("sum all", "prod all") for kind in OUT_KINDS},
}


def _written(name, kind):
    def call(L, x, i):
        out = _outs(L)[kind]()
        result = CALLS[name](L, x, i, out)
        return result is out, result, out

    return call


@pytest.mark.parametrize("kind", OUT_KINDS)
@pytest.mark.parametrize("name", CALLS)
def test_out(name, kind):
    same = (name, kind) not in MESSAGE_DIFFERS
    check(_written(name, kind), X, I, same_message=same, strides=True)


def test_out_resize_warning_is_torchs():
    """The deprecation warning when an ``out`` with elements gets another shape: torch's text."""
    texts = []
    for L in (picotorch, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            L.sum(L.ones(2, 3), 1, out=L.zeros(4))
            L.arange(6, out=L.zeros(4))
        texts.append([str(w.message) for w in caught])
    assert texts[0] == texts[1]
    assert len(texts[0]) == 2


MAX_DIM_OUTS = {
    "values and indices": lambda L: (L.zeros(2), L.zeros(2, dtype=L.int64)),
    "as a list": lambda L: [L.zeros(0), L.zeros(5, dtype=L.int64)],
    "float64 values": lambda L: (L.zeros(2, dtype=L.float64), L.zeros(2, dtype=L.int64)),
    "float indices": lambda L: (L.zeros(2), L.zeros(2)),
    "three tensors": lambda L: (L.zeros(2), L.zeros(2, dtype=L.int64), L.zeros(2)),
    "one tensor": lambda L: L.zeros(2),
    "a number in it": lambda L: (L.zeros(2), 1),
    "requires grad": lambda L: (L.zeros(2, requires_grad=True), L.zeros(2, dtype=L.int64)),
}


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("kind", MAX_DIM_OUTS)
def test_max_min_along_a_dim_into_a_pair(op, keepdim, kind):
    """``torch.max(x, 1, out=(values, indices))`` fills both and returns them as a
    ``torch.return_types.max_out``."""

    def call(L, x):
        out = MAX_DIM_OUTS[kind](L)
        result = getattr(L, op)(x, 1, keepdim, out=out)
        return type(result).__name__, repr(result), result[0] is out[0], result[1] is out[1]

    check(call, X, same_message=kind not in ("one tensor",))


@pytest.mark.parametrize(
    "call",
    [
        lambda L, x: L.cat([x], out=1),
        lambda L, x: L.sum(x, 1, out=[x]),
        lambda L, x: L.gather(x, 1, L.zeros(2, 1, dtype=L.int64), out="out"),
        lambda L, x: L.mm(x, x.t(), out=np.zeros((2, 2))),
        lambda L, x: L.exp(x, out=[1]),
        lambda L, x: L.zeros(2, out=2.0),
    ],
)
def test_out_of_the_wrong_kind_is_a_type_error(call):
    check(call, X, raises=TypeError)


@pytest.mark.parametrize(
    "call",
    [
        # out shares memory with what the op still has to read: torch refuses
        lambda L, x: L.cat([x[:1], x[1:]], out=x),
        lambda L, x: L.stack([x[0], x[1]], out=x),
        lambda L, x: L.gather(x, 1, L.zeros(2, 3, dtype=L.int64), out=x),
        lambda L, x: L.index_select(x, 0, L.tensor([1, 0]), out=x),
        # elementwise ops read each element before writing it: allowed
        lambda L, x: L.eq(x, 2.0, out=x),
        lambda L, x: L.where(x > 2, x, x * 0, out=x),
        lambda L, x: (L.maximum(x, x.flip(0), out=x), x),
        lambda L, x: (L.bitwise_not(x.long(), out=x.long()), x),
        # but part of an input's memory they may not share (it would be written before read)
        lambda L, x: L.lt(x[0, :2], 2, out=x[0, 1:]),
        lambda L, x: L.eq(x[0, :2], x[1, :2], out=x[0, 1:]),
        lambda L, x: L.logical_not(x[0, :2] > 0, out=x[0, 1:]),
        lambda L, x: L.where(x[0, :2] > 2, x[0, :2], 0.0, out=x[0, 1:]),
        lambda L, x: (lambda y: L.bitwise_not(y[:2], out=y[1:]))(L.arange(3)),
        lambda L, x: L.gt(2, x, out=x),  # (a number first: an overload torch has not)
    ],
)
def test_out_sharing_memory_with_an_input(call):
    check(call, X, same_message=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda L: L.zeros(2, dtype=L.float64, out=L.zeros(2)),
        lambda L: L.randn(2, dtype=L.float64, out=L.zeros(2)),
        lambda L: L.arange(3, dtype=L.float32, out=L.zeros(3, dtype=L.float64)),
        lambda L: L.full((2,), 1, dtype=L.int64, out=L.zeros(2, dtype=L.int64)),
        lambda L: L.zeros(2, requires_grad=True, out=L.zeros(2)),
        lambda L: L.ones(2, requires_grad=True, out=L.zeros(2, dtype=L.int64)),
        lambda L: L.rand(2, out=L.zeros(2, dtype=L.int64)),
        lambda L: L.arange(3, out=L.zeros(3, dtype=L.bool)),
        lambda L: L.nonzero(L.ones(2), as_tuple=True, out=L.zeros(2, dtype=L.int64)),
        lambda L: L.where(L.ones(2) > 0, L.ones(2), 0.0, out=L.zeros(2)),
        lambda L: L.dot(L.ones(2), L.ones(2), out=L.zeros((), dtype=L.int64)),
    ],
)
def test_factories_and_others_with_out(call):
    """A factory's dtype is ``out``'s (or must be, if one is asked for too)."""
    check(call, same_message=True)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "uint8"])
@pytest.mark.parametrize(
    "bounds",
    [
        (0, 1, 0.25),
        (0, 3, 1.5),
        (0, 2.5, 1),
        (-1, 1, 0.3),
        (5, 0, -1.5),
        (0.2, 3.9, 0.7),
        (0.5, -0.2, -1),
        (-2.5, 3, 1.5),
        (0, -0.5, 1),
    ],
)
def test_arange_with_float_bounds_in_an_integer_dtype(bounds, dtype):
    """torch cuts the start and step to integers first (int64 counts the values from the cut
    numbers too, and refuses a step cut to 0); NumPy's arange gave other values."""
    check(lambda L: L.arange(*bounds, dtype=getattr(L, dtype)), same_message=True)
