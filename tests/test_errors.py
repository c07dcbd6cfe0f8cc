"""The bad-input catalogue: each case runs on picotorch and on torch through ``check``.

Both libraries must raise the same exception type. By default the messages must be identical;
where picotorch words a message differently, the case names the fragments (shapes, dtypes,
dims) that both messages must contain instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from parity import Raw, check

import picotorch

CASES: list[Any] = []


def err(
    name: str,
    fn: Callable[..., Any],
    *inputs: Any,
    raises: type[BaseException],
    match: str | tuple[str, ...] | None = None,
) -> None:
    """One bad input: the exception type torch raises, and either ``match`` fragments or
    (when ``match`` is None) the requirement that the messages be equal."""
    CASES.append(pytest.param(fn, inputs, raises, match, id=name))


F = np.arange(6, dtype=np.float32).reshape(2, 3)  # a 2x3 float32 matrix
F3 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
IM = np.arange(6).reshape(2, 3)  # int64
B = np.array([True, False, True])

# ---------------------------------------------------------------------------- linear algebra
err("matmul-2d-2d", lambda L, a: a @ L.ones(4, 5), F, raises=RuntimeError)
err("mm-shapes", lambda L, a: L.mm(a, L.ones(4, 5)), F, raises=RuntimeError)
err("mm-not-matrix", lambda L, a: L.mm(a, L.ones(3)), F, raises=RuntimeError)
err("matmul-1d-2d", lambda L: L.ones(2) @ L.ones(3, 4), raises=RuntimeError)
err("matmul-2d-1d", lambda L, a: a @ L.ones(4), F, raises=RuntimeError)
err("matmul-batched", lambda L: L.ones(2, 3, 4) @ L.ones(5, 6), raises=RuntimeError)
err("matmul-batch-broadcast", lambda L: L.ones(2, 3, 4) @ L.ones(3, 4, 5), raises=RuntimeError)
err("matmul-0d", lambda L, a: a @ L.tensor(2.0), F, raises=RuntimeError)
err("matmul-dtypes", lambda L, a, b: a @ b, F, np.ones((3, 2)), raises=RuntimeError)
err("matmul-int-float", lambda L, a: L.matmul(a, L.ones(3, 2)), IM, raises=RuntimeError)
err("mv-size", lambda L, a: L.mv(a, L.ones(4)), F, raises=RuntimeError)
err("mv-not-vector", lambda L, a: a.mv(a), F, raises=RuntimeError)
err("dot-size", lambda L: L.dot(L.ones(3), L.ones(4)), raises=RuntimeError)
err("dot-2d", lambda L, a: L.dot(a, a), F, raises=RuntimeError)
err("dot-dtypes", lambda L: L.dot(L.ones(3), L.ones(3, dtype=L.float64)), raises=RuntimeError)
err("bmm-batch", lambda L: L.bmm(L.ones(2, 3, 4), L.ones(3, 4, 5)), raises=RuntimeError)
err("bmm-inner", lambda L: L.bmm(L.ones(2, 3, 4), L.ones(2, 5, 5)), raises=RuntimeError)
err("bmm-2d", lambda L, a: L.bmm(a, a), F, raises=RuntimeError)

# ---------------------------------------------------------------------------- cat / stack
err("cat-sizes", lambda L, a: L.cat([a, L.ones(2, 4)]), F, raises=RuntimeError)
err("cat-sizes-dim1", lambda L, a: L.cat([a, L.ones(3, 3)], dim=1), F, raises=RuntimeError)
err("cat-ndim", lambda L, a: L.cat([a, L.ones(3)]), F, raises=RuntimeError)
err("cat-empty-list", lambda L: L.cat([]), raises=ValueError)
err("cat-0d", lambda L: L.cat([L.tensor(1.0), L.tensor(2.0)]), raises=RuntimeError)
err("cat-dim-range", lambda L, a: L.cat([a, a], dim=2), F, raises=IndexError)
err("cat-not-tensors", lambda L, a: L.cat([a, 1]), F, raises=TypeError)
err("cat-a-tensor", lambda L, a: L.cat(a), F, raises=TypeError)
err("stack-shapes", lambda L, a: L.stack([a, L.ones(3, 2)]), F, raises=RuntimeError)
err("stack-empty", lambda L: L.stack([]), raises=RuntimeError)
err("stack-dim-range", lambda L, a: L.stack([a, a], dim=4), F, raises=IndexError)

# ---------------------------------------------------------------------------- views
err("expand-non-singleton", lambda L, a: a.expand(4, 3), F, raises=RuntimeError)
err("expand-minus1-new-dim", lambda L, a: a.expand(-1, 2, 3), F, raises=RuntimeError)
err("expand-too-few", lambda L, a: a.expand(3), F, raises=RuntimeError)
err("expand-negative", lambda L, a: a.expand(2, -2), F, raises=RuntimeError)
# a negative size for a dim of size 1: torch finds it only as an overflowing element count
err(
    "expand-negative-singleton",
    lambda L: L.zeros(2, 1).expand(2, -3),
    raises=RuntimeError,
    match=(),
)
err("expand-negative-1d", lambda L: L.zeros(1).expand(-2), raises=RuntimeError, match=())
err("view-dtype-and-size", lambda L, a: a.view(6, dtype=L.int32), F, raises=TypeError, match=())
err("view-non-contiguous", lambda L, a: a.t().view(6), F, raises=RuntimeError)
err("view-impossible", lambda L, a: a.view(4, 2), F, raises=RuntimeError)
err("view-two-minus1", lambda L, a: a.view(-1, -1), F, raises=RuntimeError)
err("view-minus1-indivisible", lambda L, a: a.view(-1, 4), F, raises=RuntimeError)
err("view-negative", lambda L, a: a.view(-2, 3), F, raises=RuntimeError)
err("reshape-impossible", lambda L, a: a.reshape(5), F, raises=RuntimeError)
err("t-3d", lambda L, a: a.t(), F3, raises=RuntimeError)
err("permute-count", lambda L, a: a.permute(0, 1), F3, raises=RuntimeError)
err("permute-duplicate", lambda L, a: a.permute(0, 1, 1), F3, raises=RuntimeError)
err("permute-range", lambda L, a: a.permute(0, 1, 3), F3, raises=IndexError)
err("transpose-range", lambda L, a: a.transpose(0, 2), F, raises=IndexError)
err("squeeze-range", lambda L, a: a.squeeze(2), F, raises=IndexError)
err("unsqueeze-range", lambda L, a: a.unsqueeze(3), F, raises=IndexError)
err("flatten-order", lambda L, a: a.flatten(2, 1), F3, raises=RuntimeError)
err("narrow-past-end", lambda L, a: a.narrow(1, 2, 2), F, raises=RuntimeError)
err("narrow-start-range", lambda L, a: a.narrow(1, 4, 0), F, raises=IndexError)
# a start equal to the size is in range, and then past the end (it was read as 0: a silent
# wrong result), and the message names it as given
err("narrow-start-at-end", lambda L, a: a.narrow(1, 3, 1), F, raises=RuntimeError)
err("narrow-start-at-end-long", lambda L, a: a.narrow(0, 2, 2), F, raises=RuntimeError)
err("split-sizes-sum", lambda L, a: a.split([1, 1], dim=1), F, raises=RuntimeError)
err("split-zero", lambda L, a: a.split(0), F, raises=RuntimeError)
# negative sizes: split's checked before dim's range, split_with_sizes' before their sum (both
# were taken: a negative size gave pieces of no sense); narrow's length before dim's range
for name, fn in {
    "split": lambda L, a: L.split(a, -1, 2),
    "split-empty": lambda L, a: a[:, :0].split(-1, 1),
    "split-method": lambda L, a: a.split(-2, 5),
    "split_with_sizes": lambda L, a: a.split([-1, 4], 1),
    "split_with_sizes-sum": lambda L, a: L.split(a, [-1, 2], 1),
    "narrow": lambda L, a: a.narrow(5, 0, -1),
    "narrow-in-range": lambda L, a: L.narrow(a, 1, 0, -1),
}.items():
    err(f"negative-size-{name}", fn, F, raises=RuntimeError)
# an int beyond int64 beside an argument of the wrong kind: the kind's TypeError, as torch reads
# every argument's kind before it unpacks an int; then the int's range before the op's checks
for name, fn in {
    "transpose": lambda L, a: a.transpose(2**63, "a"),
    "swapaxes": lambda L, a: a.swapaxes(2**63, 1.5),
    "select": lambda L, a: a.select(2**63, "a"),
    "flatten": lambda L, a: a.flatten(-(2**70), 1j),
    "chunk": lambda L, a: a.chunk(2**63, "a"),
    "narrow": lambda L, a: a.narrow(2**63, 0, 1.5),
    "argmax": lambda L, a: a.argmax(2**63, "a"),
    "argmin": lambda L, a: L.argmin(a, 2**63, 1.5),
    "index_select": lambda L, a: a.index_select(2**63, "a"),
    "split": lambda L, a: L.split(a, a > 1, -(2**70)),
}.items():
    # (torch numbers the positions of some arguments differently: the fragment both share)
    fragment = {"narrow": "narrow()"}.get(name, "argument '")
    err(f"big-int-beside-a-bad-kind-{name}", fn, F, raises=TypeError, match=fragment)
for name, fn in {
    "mean": lambda L, a: a.long().mean(2**63),
    "mean-list": lambda L, a: a.long().mean([2**63, 0]),
    "std": lambda L, a: a.long().std(2**63),
    "var-list": lambda L, a: L.var(a.bool(), [0, -(2**70)]),
    "chunk": lambda L, a: a[0, 0].chunk(2, 2**63),
    "narrow-tensor-start": lambda L, a: a.narrow(2**63, L.tensor([0.5]), 1),
}.items():
    err(
        f"big-int-before-the-op-{name}",
        fn,
        F,
        raises=TypeError if name.endswith("list") else ValueError,
        match="Overflow when unpacking long long",  # (torch's list message adds C++ frames)
    )
err("chunk-zero", lambda L, a: a.chunk(0), F, raises=RuntimeError)
err("unbind-range", lambda L, a: a.unbind(2), F, raises=IndexError)
err("size-range", lambda L, a: a.size(2), F, raises=IndexError)
err("size-range-0d", lambda L: L.tensor(1.0).size(1), raises=IndexError)
err("sum-dim-range", lambda L, a: a.sum(2), F, raises=IndexError)
err("sum-dim-range-neg", lambda L, a: a.sum(-3), F, raises=IndexError)
err("sum-dim-repeated", lambda L, a: a.sum((0, 0)), F, raises=RuntimeError)
# a repeat before a dim out of range: the reductions wrap every dim first, squeeze, var and std
# check each dim against those before it
for name, fn in {
    "sum": lambda L, a: a.sum((-1, 1, 3)),
    "mean": lambda L, a: L.mean(a, dim=[1, -1, 5]),
    "squeeze": lambda L, a: a.squeeze((-1, 1, 3)),
    "var": lambda L, a: a.var([1, -1, 5]),
    "std": lambda L, a: L.std(a, dim=(0, -2, 7), keepdim=True),
}.items():
    raises = IndexError if name in ("sum", "mean") else RuntimeError
    err(f"dims-repeat-before-range-{name}", fn, F, raises=raises)
err("max-dim-range", lambda L, a: a.max(5), F, raises=IndexError)
err("argmax-dim-range", lambda L, a: a.argmax(2), F, raises=IndexError)
err("std-dim-range", lambda L, a: a.std(2), F, raises=IndexError)

# ---------------------------------------------------------------------------- gather / scatter
IDX = np.array([[0, 1, 2], [2, 1, 0]])
err("gather-out-of-range", lambda L, a, i: a.gather(1, i + 1), F, IDX, raises=RuntimeError)
err("gather-negative-index", lambda L, a, i: a.gather(1, i - 1), F, IDX, raises=RuntimeError)
err(
    "gather-float-index",
    lambda L, a, i: a.gather(1, i),
    F,
    IDX.astype(np.float32),
    raises=RuntimeError,
)
err("gather-rank", lambda L, a: a.gather(1, L.tensor([0, 1])), F, raises=RuntimeError)
err(
    "gather-index-larger",
    lambda L, a: a.gather(1, L.zeros(3, 3, dtype=L.int64)),
    F,
    raises=RuntimeError,
)
err("gather-dim-range", lambda L, a, i: a.gather(2, i), F, IDX, raises=IndexError)
err("scatter-out-of-range", lambda L, a, i: a.scatter(0, i, a), F, IDX, raises=RuntimeError)
err("scatter-src-dtype", lambda L, a, i: a.scatter(1, i, a.double()), F, IDX, raises=RuntimeError)
err("scatter-rank", lambda L, a: a.scatter(1, L.tensor([0, 1]), a), F, raises=RuntimeError)
err(
    "scatter-index-larger",
    lambda L, a: a.scatter(1, L.zeros(3, 3, dtype=L.int64), a),
    F,
    raises=RuntimeError,
)
err(
    "scatter-reduce-name",
    lambda L, a, i: a.scatter(1, i, 1.0, reduce="max"),
    F,
    IDX,
    raises=RuntimeError,
)
err(
    "scatter_add-out-of-range",
    lambda L, a, i: a.scatter_add(1, i * 2, a),
    F,
    IDX,
    raises=RuntimeError,
)
err(
    "scatter_add-float-index",
    lambda L, a, i: a.scatter_add(1, i, a),
    F,
    IDX.astype(np.float64),
    raises=RuntimeError,
)
SCATTER_BAD = {  # torch's shape checks, where a 0-d tensor counts as 1-d of size 1
    "src-fewer-dims": (lambda L, a: a.scatter(0, L.tensor([[0, 1]]), L.zeros(3)), IndexError),
    "src-more-dims": (
        lambda L, a: a.scatter(0, L.tensor([[0, 1]]), L.zeros(1, 2, 3)),
        RuntimeError,
    ),
    "src-smaller": (lambda L, a: a.scatter(0, L.tensor([[0, 1]]), L.zeros(1, 1)), RuntimeError),
    "value-index-larger": (lambda L, a: a.scatter(0, L.tensor([[0, 1, 1, 0]]), 1.0), RuntimeError),
    "0d-index-2d-self": (lambda L, a: a.scatter(0, L.tensor(1), 5.0), RuntimeError),
    "0d-index-dim-range": (lambda L, a: L.zeros(5).scatter(1, L.tensor(1), 3.0), IndexError),
    "0d-src-2-indices": (
        lambda L, a: L.zeros(5).scatter(0, L.tensor([1, 2]), L.tensor(0.0)),
        RuntimeError,
    ),
    "0d-self-out-of-range": (lambda L, a: L.zeros(()).scatter(0, L.tensor([1]), 3.0), RuntimeError),
    "0d-self-2d-index": (lambda L, a: L.zeros(()).scatter(0, L.tensor([[0]]), 3.0), RuntimeError),
}
for name, (fn, error) in SCATTER_BAD.items():
    err(f"scatter-{name}", fn, F, raises=error)
# the value is a number (or a 0-d tensor), given once, as ``src`` or as ``value=``
for name, fn in {
    "src-and-value": lambda L, a: L.scatter(a, 0, L.tensor([[1]]), L.ones(1, 1), value=2),
    "no-src": lambda L, a: L.scatter(a, 0, L.tensor([[1]])),
    "src-none": lambda L, a: L.scatter(a, 0, L.tensor([[1]]), None),
    "value-1d-tensor": lambda L, a: L.scatter(a, 0, L.tensor([[1]]), value=L.tensor([3.0])),
    "value-str": lambda L, a: L.scatter(a, 0, L.tensor([[1]]), value="a"),
}.items():
    err(
        f"scatter-{name}",
        fn,
        F,
        raises=TypeError,
        match="scatter() received an invalid combination of arguments",
    )


def _scatter_grad(op: str, index: Any, src: list[float]) -> Callable[[Any], Any]:
    """Backward through ``op`` into zeros(5): the gradient gathered for ``src`` has
    ``index``'s shape, which torch refuses unless ``src`` broadcasts to it."""

    def fn(L: Any) -> Any:
        s = L.tensor(src, requires_grad=True)
        getattr(L.zeros(5), op)(0, L.tensor(index), s).sum().backward()

    return fn


err("scatter-grad-0d-index-2-src", _scatter_grad("scatter", 2, [7.0, 8.0]), raises=RuntimeError)
err("scatter-grad-0d-index-1-src", _scatter_grad("scatter", 2, [7.0]), raises=RuntimeError)
err("scatter_add-grad-0d-index", _scatter_grad("scatter_add", 2, [7.0, 8.0]), raises=RuntimeError)
err("index_select-float", lambda L, a: a.index_select(0, L.tensor([0.0])), F, raises=RuntimeError)
err("index_select-range", lambda L: L.ones(3).index_select(0, L.tensor([3])), raises=IndexError)
err("index_select-range-dim0", lambda L, a: a.index_select(0, L.tensor([-1])), F, raises=IndexError)
# torch's kernel for dim 1 (and for an input of no element) words a bad index otherwise
err(
    "index_select-range-dim1",
    lambda L, a: a.index_select(1, L.tensor([1, 7, -1])),
    F,
    raises=RuntimeError,
)
err(
    "index_select-range-dim-1",
    lambda L, a: a.index_select(-1, L.tensor([-1])),
    F,
    raises=RuntimeError,
)
err("index_select-range-3d", lambda L, a: a.index_select(2, L.tensor([4])), F3, raises=IndexError)
err(
    "index_select-range-empty",
    lambda L: L.zeros(2, 3, 0).index_select(0, L.tensor([0, 2])),
    raises=RuntimeError,
)
err(
    "index_select-from-nothing",
    lambda L: L.zeros(4, 0).index_select(1, L.tensor([0])),
    raises=RuntimeError,
)
# reduce=None given is no string: torch's parser refuses it (not given, it is a plain scatter)
for _name in ("scatter", "scatter_"):
    err(
        f"{_name}-reduce-none",
        lambda L, a, _name=_name: getattr(a, _name)(0, L.tensor([[0, 1, 0]]), 1.0, reduce=None),
        F,
        raises=TypeError,
        match="received an invalid combination of arguments - got (int, Tensor, float, reduce=",
    )
# an op of two numbers: each of torch's forms takes a tensor
for _name in ("remainder", "pow", "bitwise_and", "bitwise_or", "bitwise_xor"):
    err(
        f"{_name}-two-numbers",
        lambda L, _name=_name: getattr(L, _name)(2, 3),
        raises=TypeError,
        match="received an invalid combination of arguments - got (int, int)",
    )
# ``number - bool_tensor``: the number is read before the dtypes are checked
err("rsub-huge-int-bool", lambda L: 2**64 - L.tensor([True]), raises=OverflowError)
err("rsub-array-bool", lambda L: np.array([1, 2]) - L.tensor([True, False]), raises=TypeError)
# clamp's number bounds: its kernel wants out of the result's very dtype
err(
    "clamp-numbers-out-dtype",
    lambda L: L.clamp(L.ones(2), 2, 3, out=L.zeros(2, dtype=L.float64)),
    raises=RuntimeError,
)
err(
    "clamp-numbers-out-dtype-int",
    lambda L: L.clamp(L.tensor([1, 5]), 2, 3, out=L.zeros(2)),
    raises=RuntimeError,
)
err(
    "index_select-scalar-first",  # (before the index's dtype)
    lambda L: L.tensor(5.0).index_select(0, L.tensor([0, 2], dtype=L.int16)),
    raises=RuntimeError,
)
err(
    "index_select-2d-index",
    lambda L, a: a.index_select(0, L.zeros(1, 1, dtype=L.int64)),
    F,
    raises=IndexError,
)
err(
    "masked_fill-int-mask",
    lambda L, a: a.masked_fill(L.ones(2, 3, dtype=L.int64), 0),
    F,
    raises=RuntimeError,
)
err(
    "masked_fill-shape",
    lambda L, a: a.masked_fill(L.ones(3, 3, dtype=L.bool), 0),
    F,
    raises=RuntimeError,
)
err("masked_fill-1d-value", lambda L, a, m: a.masked_fill(m, L.ones(1)), F, B, raises=RuntimeError)

# ---------------------------------------------------------------------------- creation
err("tensor-ragged", lambda L: L.tensor([[1, 2], [3]]), raises=ValueError)
err("tensor-ragged-deep", lambda L: L.tensor([[[1, 2]], [[3]]]), raises=ValueError)
err("tensor-number-then-list", lambda L: L.tensor([1, [2]]), raises=TypeError)
err("tensor-float-then-list", lambda L: L.tensor([1.5, [2]]), raises=TypeError)
err("tensor-list-then-number", lambda L: L.tensor([[1, 2], 3]), raises=TypeError)
err("tensor-string", lambda L: L.tensor("abc"), raises=TypeError)
err("tensor-strings", lambda L: L.tensor(["a", "b"]), raises=ValueError)
err("tensor-none", lambda L: L.tensor([1, None]), raises=RuntimeError)
err("tensor-int-overflow", lambda L: L.tensor([2**63]), raises=ValueError)
err("tensor-huge-int", lambda L: L.tensor([2**64]), raises=ValueError)
# pad's value is a double, converted to the tensor's dtype with torch's check (-1.0 and 255.5 are
# no uint8: picotorch wrapped them into 255, NumPy's cast), or refused by NumPy for ints
for name, value in {
    "-1": -1,
    "255.5": 255.5,
    "nan": float("nan"),
    "numpy-int8": np.int8(-128),
}.items():
    err(
        f"pad-value-into-uint8-{name}",
        lambda L, value=value: L.nn.functional.pad(L.ones(2, dtype=L.uint8), (1, 1), value=value),
        raises=RuntimeError,
    )
# a NumPy bool among ints: torch infers int64 (or the NumPy int's dtype), then can't read it
# as an int (beside a float, or among bools, it is taken)
for name, fn in {
    "int": lambda L: L.tensor([np.bool_(True), 2]),
    "nested": lambda L: L.tensor([[np.bool_(True)], [3]]),
    "numpy-int": lambda L: L.tensor([np.bool_(False), np.int8(3)]),
    "as_tensor": lambda L: L.as_tensor([np.bool_(True), 2]),
}.items():
    err(f"tensor-numpy-bool-among-ints-{name}", fn, raises=TypeError)
err("tensor-uint8-overflow", lambda L: L.tensor([256], dtype=L.uint8), raises=RuntimeError)
err("tensor-uint8-negative-float", lambda L: L.tensor([-0.5], dtype=L.uint8), raises=RuntimeError)
err("tensor-int8-overflow", lambda L: L.tensor([300.0], dtype=L.int8), raises=RuntimeError)
err("tensor-int32-nan", lambda L: L.tensor([float("nan")], dtype=L.int32), raises=RuntimeError)
err(
    "from_numpy-object",
    lambda L, a: L.from_numpy(a),
    Raw(np.array([1, "a"], dtype=object)),
    raises=TypeError,
    match="can't convert np.ndarray of type numpy.object_",
)
err(
    "from_numpy-str",
    lambda L, a: L.from_numpy(a),
    Raw(np.array(["a"])),
    raises=TypeError,
    match="can't convert np.ndarray of type numpy.str_",
)
err(
    "from_numpy-negative-stride",
    lambda L, a: L.from_numpy(a[::-1]),
    Raw(np.arange(3.0)),
    raises=ValueError,
)
err("from_numpy-list", lambda L: L.from_numpy([1, 2]), raises=TypeError)
# torch's zeros has a message of its own (new_zeros has the others')
err("zeros-negative", lambda L: L.zeros(2, -1), raises=RuntimeError)
err("ones-negative", lambda L: L.ones((-3,)), raises=RuntimeError)
err("new_zeros-negative", lambda L, a: a.new_zeros((2, -1)), F, raises=RuntimeError)
err("zeros-float-size", lambda L: L.zeros(2.5), raises=TypeError)
# a "tuple of ints": one tuple, list or Size, or ints one by one; torch tells it by the first
# item, which must not be a bool
for name, size in {
    "floats-one-by-one": (2.0, 3.0),
    "float-in-tuple": ((2, 3.0),),
    "bool": (True,),
    "bool-first-in-tuple": ((True, 3),),
    "tensor": (np.array([2, 3]),),  # (a tensor, as every ndarray input is made)
    "ndarray": (Raw(np.array([2, 3])),),
    "none": (None,),
    "string": ("ab",),
}.items():
    err(f"ones-size-{name}", lambda L, *s: L.ones(*s), *size, raises=TypeError)
    err(f"reshape-shape-{name}", lambda L, *s: L.ones(6).reshape(*s), *size, raises=TypeError)
err("expand-floats", lambda L: L.ones(1, 3).expand(2.0, 3), raises=TypeError)
err("permute-bool-first", lambda L, a: a.permute(True, 0), F, raises=TypeError)
err("view-none-after-int", lambda L, a: a.view(2, None), F, raises=TypeError, match="pos 2")
for name, fn in {
    "sum": lambda a: a.sum(True),
    "sum-bool-first": lambda a: a.sum((True, 0)),
    "unsqueeze": lambda a: a.unsqueeze(True),
    "transpose": lambda a: a.transpose(True, 0),
    "flatten": lambda a: a.flatten(True),
    "squeeze": lambda a: a.squeeze(True),
    "softmax": lambda a: a.softmax(True),
}.items():
    err(f"dim-bool-{name}", lambda L, a, fn=fn: fn(a), F, raises=TypeError, match="bool")
# an int argument: not a bool, nor a float (picotorch took randperm(2.5) for randperm(2))
for name, fn in {
    "randperm-bool": lambda L: L.randperm(True),
    "randperm-float": lambda L: L.randperm(2.5),
    "eye-bool": lambda L: L.eye(True),
    "eye-float": lambda L: L.eye(2.5),
    "randint-high-bool": lambda L: L.randint(True, (2,)),
    "randint-high-float": lambda L: L.randint(2.5, (2,)),
    "randint-high-keyword-bool": lambda L: L.randint(high=True, size=(2,)),
}.items():
    err(f"int-argument-{name}", fn, raises=TypeError)
for name, fn in {
    "eye-m-bool": lambda L: L.eye(2, True),
    "randint-low-high-bool": lambda L: L.randint(0, True, (2,)),
    "randint-low-bool": lambda L: L.randint(True, 5, (2,)),
}.items():
    err(f"int-argument-{name}", fn, raises=TypeError, match="invalid combination of arguments")
for name, fn in {
    "select-float": lambda a: a.select(0, 1.5),
    "select-bool": lambda a: a.select(0, True),
    "narrow-float": lambda a: a.narrow(0, 0.5, 1),
    "narrow-bool": lambda a: a.narrow(0, True, 1),
    "split-float": lambda a: a.split(1.5),
    "split-bool": lambda a: a.split(True),
    "split-numpy-int": lambda a: a.split(np.int64(1)),
    "split-float-sizes": lambda a: a.split([1.5, 0.5]),
    "chunk-float": lambda a: a.chunk(2.5),
    "chunk-bool": lambda a: a.chunk(True),
}.items():
    # (torch words narrow's and split's as "invalid combination of arguments")
    kind = name.split("-")[-1]
    match = (
        (name.split("-")[0] + "()", kind)
        if name in ("narrow-float", "narrow-bool", "split-bool")
        else None
    )
    err(f"int-argument-{name}", lambda L, a, fn=fn: fn(a), F, raises=TypeError, match=match)
# a bool argument is True or False (x.sum(0, 1) is no keepdim=True)
for name, fn in {
    "sum-keepdim-int": lambda a: a.sum(0, 1),
    "sum-keepdim-str": lambda a: a.sum(0, keepdim="yes"),
    "mean-keepdim-none": lambda a: a.mean(0, keepdim=None),
    "max-keepdim-int": lambda a: a.max(0, 1),
    "argmax-keepdim-int": lambda a: a.argmax(0, 1),
    "prod-keepdim-int": lambda a: a.prod(0, 1),
    "norm-keepdim-int": lambda a: a.norm(2, 0, 1),
    "any-keepdim-int": lambda a: a.any(0, keepdim=1),
    "std-unbiased-int": lambda a: a.std(0, 0),
    "var-unbiased-keyword-int": lambda a: a.var(0, unbiased=2),
    "requires_grad_-numpy-bool": lambda a: a.requires_grad_(np.bool_(True)),
}.items():
    # (torch adds the position when it was given by position; its std, var, any word it otherwise)
    function = name.split("-")[0]
    match = (f"{function}()",) if function in ("std", "var", "any") else ("must be bool, not",)
    err(f"bool-argument-{name}", lambda L, a, fn=fn: fn(a), F, raises=TypeError, match=match)
for name, fn in {
    "ones-requires_grad-int": lambda L: L.ones(2, requires_grad=1),
    "tensor-requires_grad-int": lambda L: L.tensor([1.0], requires_grad=1),
}.items():
    err(
        f"bool-argument-{name}", fn, raises=TypeError, match="argument 'requires_grad' must be bool"
    )
err("type-python-type", lambda L, a: a.type(float), F, raises=ValueError)
err("prod-dims", lambda L, a: a.prod((0, 1)), F, raises=TypeError)
err("eye-negative", lambda L: L.eye(-1), raises=RuntimeError)
err("arange-zero-step", lambda L: L.arange(0, 5, 0), raises=RuntimeError)
err("arange-wrong-sign", lambda L: L.arange(0, 5, -1), raises=RuntimeError)
err("linspace-negative-steps", lambda L: L.linspace(0, 1, -1), raises=RuntimeError)
err("randint-low-high", lambda L: L.randint(5, 5, (2,)), raises=RuntimeError)
err("randint-low-above-high", lambda L: L.randint(5, 2, (2,)), raises=RuntimeError)
err("rand-int-dtype", lambda L: L.rand(2, dtype=L.int64), raises=RuntimeError)
err("randn-int-dtype", lambda L: L.randn(2, dtype=L.int32), raises=RuntimeError)
err("set_default_dtype-int", lambda L: L.set_default_dtype(L.int64), raises=TypeError)
err("requires_grad-int", lambda L: L.tensor([1, 2], requires_grad=True), raises=RuntimeError)
err("requires_grad_-int", lambda L, a: a.requires_grad_(), IM, raises=RuntimeError)
# the shape: positional sizes or ``size=``, not both, not neither; a bare int only positional
SIZE_BAD = {
    "zeros-size-twice": lambda L: L.zeros(2, size=(2, 3)),
    "zeros-tuple-and-size": lambda L: L.zeros((2,), size=(2, 3)),
    "ones-sizes-and-size": lambda L: L.ones(2, 3, size=(2, 3)),
    "zeros-no-size": lambda L: L.zeros(),
    "empty-no-size": lambda L: L.empty(),
    "zeros-size-kw-int": lambda L: L.zeros(size=5),
    "empty-size-kw-int": lambda L: L.empty(size=3),
    "full-int-size": lambda L: L.full(2, 3),
    "full-int-size-float": lambda L: L.full(2, 3.0),
    "randint-int-size": lambda L: L.randint(10, 3),
    "randint-no-size": lambda L: L.randint(0, 10),
}
for name, fn in SIZE_BAD.items():
    err(name, fn, raises=TypeError)
# several forms fit these; torch's messages list them all (each names the function)
for name, fn in {
    "rand-no-size": lambda L: L.rand(),
    "randn-no-size": lambda L: L.randn(),
    "rand-size-twice": lambda L: L.rand(2, size=(3,)),
    "randint-size-twice": lambda L: L.randint(3, 10, (2,), size=(3,)),
    "randint-int-size-3": lambda L: L.randint(0, 10, 3),
    "randint-high-only": lambda L: L.randint(10),
    "randint-float-bounds": lambda L: L.randint(0.5, 10.5, (3,)),
    "arange-no-end": lambda L: L.arange(),
    "arange-step-no-start": lambda L: L.arange(5, step=2),
    "arange-keyword-step-end": lambda L: L.arange(step=2, end=6),
    "arange-start-only": lambda L: L.arange(start=3),
    "arange-four": lambda L: L.arange(1, 2, 3, 4),
}.items():
    err(name, fn, raises=TypeError, match=name.split("-")[0] + "()")
# a dtype is a torch dtype or one of the Python types float, int and bool
for name, fn in {
    "zeros-dtype-str": lambda L: L.zeros(2, dtype="float32"),
    "tensor-dtype-str": lambda L: L.tensor([1, 2], dtype="float32"),
    "ones-dtype-numpy-type": lambda L: L.ones(2, dtype=np.float32),
    "full-dtype-int": lambda L: L.full((2,), 1, dtype=1),
    "zeros_like-dtype-str": lambda L: L.zeros_like(L.ones(2), dtype="int64"),
}.items():
    err(name, fn, raises=TypeError)
# (torch words it as a combination of arguments that fits none of their forms)
err("arange-dtype-str", lambda L: L.arange(3, dtype="int64"), raises=TypeError, match="dtype")
err("randn-dtype-str", lambda L: L.randn(2, dtype="float64"), raises=TypeError, match="dtype")
err(
    "zeros-dtype-numpy-dtype",
    lambda L: L.zeros(2, dtype=np.dtype("float32")),
    raises=TypeError,
    match="argument 'dtype' must be torch.dtype, not numpy.dtypes.Float32DType",
)

# ---------------------------------------------------------------------------- devices
err("to-cuda", lambda L, a: a.to("cuda"), F, raises=AssertionError)
err("to-cuda-device", lambda L, a: a.to(L.device("cuda", 0)), F, raises=AssertionError)
err("cuda-method", lambda L, a: a.cuda(), F, raises=AssertionError)
err("zeros-cuda", lambda L: L.zeros(2, device="cuda"), raises=AssertionError)
err("tensor-cuda", lambda L: L.tensor([1.0], device="cuda:0"), raises=AssertionError)
err("device-invalid", lambda L: L.device("gpu"), raises=RuntimeError)
# a device of the wrong kind is a TypeError (picotorch read str(value) as a device name)
for name, fn in {
    "zeros-device-dtype": lambda L: L.zeros(2, device=L.bool),
    "zeros-device-tensor": lambda L: L.zeros(2, device=L.ones(2)),
    "zeros-device-float": lambda L: L.zeros(2, device=1.5),
    "zeros-device-bool": lambda L: L.zeros(2, device=True),
    "linear-device-dtype": lambda L: L.nn.Linear(2, 3, device=L.bool),
    "to-device-tensor": lambda L: L.ones(2).to(device=L.ones(2)),
    "device-of-float": lambda L: L.device(1.5),
    "device-of-none": lambda L: L.device(None),
}.items():
    err(f"device-kind-{name}", fn, raises=TypeError, match="device")
err("to-invalid-device", lambda L, a: a.to("tpu"), F, raises=RuntimeError)
err(
    "type-cuda",
    lambda L, a: a.type("torch.cuda.FloatTensor"),
    F,
    raises=RuntimeError,
    match="Cannot initialize CUDA",
)
err("type-invalid", lambda L, a: a.type("foo"), F, raises=ValueError)

# ---------------------------------------------------------------------------- arithmetic
err("broadcast", lambda L, a: a + L.ones(2, 4), F, raises=RuntimeError)
err("broadcast-3d", lambda L, a: a * L.ones(3, 1, 2), F3, raises=RuntimeError)
err("broadcast-compare", lambda L, a: a < L.ones(3), np.ones(4, np.float32), raises=RuntimeError)
err("broadcast-where", lambda L, a, b: L.where(b, a, 0.0), F, np.ones(4, bool), raises=RuntimeError)
err("inplace-result-type", lambda L, a: a.add_(0.5), IM, raises=RuntimeError)
err("inplace-result-type-tensor", lambda L, a: a.mul_(L.ones(3)), IM, raises=RuntimeError)
err("inplace-bool-result-type", lambda L, b: b.add_(1), B, raises=RuntimeError)
err("inplace-shape", lambda L, a: a.add_(L.ones(2, 2, 3)), F, raises=RuntimeError)
err("inplace-shape-row", lambda L: L.ones(1, 3).add_(L.ones(2, 3)), raises=RuntimeError)
err("iadd-int-float", lambda L, a: a.__iadd__(1.5), IM, raises=RuntimeError)
err("inplace-expanded", lambda L: L.ones(3, 1).expand(3, 4).add_(1), raises=RuntimeError)
err("out-dtype", lambda L, a: L.add(a, a, out=L.zeros(2, 3, dtype=L.int64)), F, raises=RuntimeError)
# an ``out=`` tensor that is also an input is written in place: never resized
err("out-is-input-shape", lambda L, a: L.add(a, L.ones(2, 2, 3), out=a), F, raises=RuntimeError)
err("out-is-other-shape", lambda L, a: L.mul(L.ones(2, 2, 3), a, out=a), F, raises=RuntimeError)
for fn in ("add", "sub"):  # (the scaled operand is an input too)
    err(
        f"out-is-scaled-other-shape-{fn}",
        lambda L, a, fn=fn: getattr(L, fn)(L.ones(2, 2, 3), a, alpha=2, out=a),
        F,
        raises=RuntimeError,
    )
err("out-is-input-clamp", lambda L, a: L.clamp(a, L.zeros(2, 2, 3), out=a), F, raises=RuntimeError)
# keywords torch's functions do not take (picotorch's in-place machinery must not leak out)
for _name, _call in [
    ("relu-inplace", lambda L, a: L.relu(a, inplace=True)),
    ("relu-out", lambda L, a: L.relu(a, out=L.empty(2, 3))),
    ("exp-inplace", lambda L, a: L.exp(a, inplace=True)),
    ("neg-inplace", lambda L, a: L.neg(a, inplace=True)),
    ("add-inplace", lambda L, a: L.add(a, 1, inplace=True)),
    ("sub-inplace", lambda L, a: L.sub(a, 1, inplace=True)),
    ("mul-inplace", lambda L, a: L.mul(a, 2, inplace=True)),
    ("div-inplace", lambda L, a: L.div(a, 2, inplace=True)),
    ("pow-inplace", lambda L, a: L.pow(a, 2, inplace=True)),
    ("clamp-inplace", lambda L, a: L.clamp(a, 0, inplace=True)),
    ("masked_fill-inplace", lambda L, a: L.masked_fill(a, a > 1, 0.0, inplace=True)),
    (
        "scatter-inplace",
        lambda L, a: L.scatter(a, 0, L.zeros(1, 3, dtype=L.long), 0.0, inplace=True),
    ),
    (
        "scatter_add-inplace",
        lambda L, a: L.scatter_add(a, 0, L.zeros(1, 3, dtype=L.long), a, inplace=True),
    ),
]:
    _keyword = _name.rsplit("-", 1)[1]  # (torch words it per function: both name the keyword)
    err(f"{_name}-keyword", _call, F, raises=TypeError, match=(_keyword,))
err("bool-sub", lambda L, b: b - b, B, raises=RuntimeError)
err("bool-sub-scalar", lambda L, a: a - True, F, raises=RuntimeError)
err("bool-neg", lambda L, b: -b, B, raises=RuntimeError)
err("bool-abs", lambda L, b: b.abs(), B, raises=NotImplementedError)
err("bool-relu", lambda L, b: b.relu(), B, raises=RuntimeError)
err("float-invert", lambda L, a: ~a, F, raises=TypeError)
err("float-bitwise-and", lambda L, a: a & a, F, raises=RuntimeError)
err("int-bitwise-and-float", lambda L, a: a & 1.5, IM, raises=RuntimeError)
err("int-pow-negative", lambda L, a: a**-1, IM, raises=RuntimeError)
err("int-div-zero-floor", lambda L, a: a // 0, IM, raises=RuntimeError)
err("int-mod-zero", lambda L, a: a % 0, IM, raises=RuntimeError)
err("div-rounding-mode", lambda L, a: a.div(2, rounding_mode="round"), F, raises=RuntimeError)
err(
    "add-string",
    lambda L, a: a + "x",
    F,
    raises=TypeError,
    match=("unsupported operand type", "'str'"),
)
err("where-condition-int", lambda L, a: L.where(a, a, 0), IM, raises=RuntimeError)
err("where-condition-float", lambda L, a: L.where(a, a, a), F, raises=RuntimeError)
err("clamp-none", lambda L, a: a.clamp(), F, raises=RuntimeError)
err("maximum-scalar", lambda L, a: L.maximum(a, 1), F, raises=TypeError)

# ---------------------------------------------------------------------------- reductions
err("mean-int", lambda L, a: a.mean(), IM, raises=RuntimeError)
err("mean-bool", lambda L, b: b.mean(), B, raises=RuntimeError)
err("mean-int-dtype", lambda L, a: a.mean(dtype=L.int32), F, raises=RuntimeError)
err("std-int", lambda L, a: a.std(), IM, raises=RuntimeError)
err("var-int", lambda L, a: a.var(0), IM, raises=RuntimeError)
err("max-empty", lambda L: L.zeros(0).max(), raises=RuntimeError)
err("min-empty", lambda L: L.zeros(2, 0).min(), raises=RuntimeError)
err("max-empty-dim", lambda L: L.zeros(0, 3).max(0), raises=IndexError)
err("argmax-bool", lambda L, b: b.argmax(), B, raises=RuntimeError)
err("argmin-bool-dim", lambda L, b: b.argmin(0), B, raises=RuntimeError)
err("bool-floordiv", lambda L, b: b // b, B, raises=NotImplementedError)
err("bool-div-trunc", lambda L, b: b.div(b, rounding_mode="trunc"), B, raises=NotImplementedError)
err("bool-mod", lambda L, b: b % True, B, raises=NotImplementedError)
err("argmax-empty", lambda L: L.zeros(0).argmax(), raises=IndexError)
err("argmax-empty-dim", lambda L: L.zeros(3, 0).argmax(1), raises=IndexError)

# ---------------------------------------------------------------------------- indexing
err("setitem-list-value", lambda L, a: a.__setitem__(0, [1.0, 2.0, 3.0]), F, raises=TypeError)
err("setitem-none-value", lambda L, a: a.__setitem__(0, None), IM, raises=TypeError)
err("setitem-np-float32-value", lambda L, b: b.__setitem__(0, np.float32(1)), B, raises=TypeError)
err("setitem-ndarray-value", lambda L, a: a.__setitem__(..., np.ones(3)), F, raises=TypeError)
for dtype in ("float32", "float16", "int32", "uint8"):
    err(
        f"setitem-complex-value-{dtype}",
        lambda L, dtype=dtype: L.zeros(2, dtype=getattr(L, dtype)).__setitem__(0, 1 + 2j),
        raises=RuntimeError,
    )
for name, fn in {
    "to-int": lambda L: L.ones(2).to(0),
    "to-device-int": lambda L: L.ones(2).to(device=0),
    "zeros-device-int": lambda L: L.zeros(2, device=0),
    "device-int": lambda L: L.device(1),
    "module-to-int": lambda L: L.nn.Linear(1, 1).to(0),
}.items():
    err(f"accelerator-index-{name}", fn, raises=RuntimeError)
# a factory's sizes after its first are unpacked once the dtype, device and out are read (the
# parser tells a list of ints by its first item): the device's error, or out's, comes first
for name, fn in {
    "zeros": lambda L: L.zeros((1, "sum"), device=0),
    "ones-varargs": lambda L: L.ones(1, 2.5, device=0),
    "empty-size": lambda L: L.empty(size=(1, 2**63), device=0),
    "rand-out-dtype": lambda L: L.rand((2, None), out=L.ones(2), dtype=L.float64),
    "randn-big-first": lambda L: L.randn(2**63, 1, device=0),
    "full": lambda L: L.full((1, "a"), 2.0, device=0),
    "randint": lambda L: L.randint(3, (1, "a"), dtype=L.float64, device=0),
    "new_zeros": lambda L: L.ones(1).new_zeros((1, "sum"), device=0),
    "new_empty-varargs": lambda L: L.ones(1).new_empty(1, 2**70, device=0),
    "new_ones-size": lambda L: L.ones(1).new_ones(size=(1, "sum"), device=0),
    "new_full": lambda L: L.ones(1).new_full((1, 1.5), 2, device=0),
    "linear": lambda L: L.nn.Linear("sum", 1, device=0),
    # and so are its ints and numbers: their ranges are checked when it reads them
    "randint-high": lambda L: L.randint(2**70, (2,), device=0),
    "randint-low-out": lambda L: L.randint(2**63, 3, (2,), out=L.ones(2), dtype=L.int64),
    "randperm": lambda L: L.randperm(2**70, device=0),
    "eye": lambda L: L.eye(2, -(2**70), device=0),
    "arange": lambda L: L.arange(0, 2**70, device=0),
    "linspace-steps": lambda L: L.linspace(0, 1, 2**70, device=0),
    "linspace-out": lambda L: L.linspace(2**70, 1, 3, dtype=L.int64, out=L.ones(2)),
    "linspace-dims": lambda L: L.linspace(L.ones(2), 1, 3, device=0),
    "full-fill": lambda L: L.full((1, 2), 2**70, device=0),
    "full-fill-out": lambda L: L.full((2,), -(2**70), dtype=L.float32, out=L.ones(2).long()),
    "full_like": lambda L: L.full_like(L.ones(2), 2**70, device=0),
    "new_full-fill": lambda L: L.ones(1).new_full((1, 2), 2**70, device=0),
    "ones_like-format": lambda L: L.ones_like(L.ones(2), memory_format=L.channels_last, device=0),
}.items():
    err(f"factory-sizes-after-device-{name}", fn, raises=RuntimeError)
err("factory-sizes-after-cuda", lambda L: L.zeros((1, "a"), device="cuda"), raises=AssertionError)
# the first item is the parser's: a TypeError before the device; the values read later come in
# torch's order (a fill value before the sizes, randint's sizes before its bounds)
for name, fn in {
    "zeros": lambda L: L.zeros((1.5, "a"), device=0),
    "zeros-bool-first": lambda L: L.zeros(True, 2, device=0),
    "full": lambda L: L.full((None, 1), 2.0, device=0),
    "new_zeros": lambda L: L.ones(1).new_zeros("a", size=(1,), device=0),
    "randint": lambda L: L.randint(2**70, (2, "a")),
}.items():
    err(f"factory-values-in-order-{name}", fn, raises=TypeError)
err("factory-values-in-order-eye", lambda L: L.eye(-1, 2**70), raises=ValueError)
for name, fn in {
    "new_full": lambda L: L.ones(1).new_full((1, "a"), 2**70),
    "linspace": lambda L: L.linspace(L.ones(2), 2**70, 3),
}.items():
    err(f"factory-values-in-order-{name}", fn, raises=OverflowError)
# a memory format's kind is the parser's, after the sizes' and before the dtype's
for name, fn in {
    "empty": lambda L: L.empty((1, "a"), dtype=3, memory_format=3),
    "empty-size-first": lambda L: L.empty(2.5, memory_format=3),
    "zeros_like": lambda L: L.zeros_like(L.ones(2), dtype=3, memory_format=3),
    "full_like": lambda L: L.full_like(L.ones(2), "a", memory_format=3),
}.items():
    err(f"memory-format-kind-{name}", fn, raises=TypeError)
for name in ("new_zeros", "new_ones", "new_empty"):
    err(
        f"{name}-size-twice",
        lambda L, name=name: getattr(L.ones(1), name)((0, 1), size=None),
        raises=TypeError,
    )
err("delitem", lambda L, a: a.__delitem__(0), F, raises=TypeError)
err("index-np-bool", lambda L, a: a[np.bool_(True)], F, raises=IndexError)
# index tensors torch has no kernel for (picotorch took int8 and int16 ones), masks of the wrong
# shape even when empty (NumPy takes an empty mask as an empty index), and a uint8 mask with one
# value to write (torch's masked_fill_, which takes bool masks only)
for name, fn in {
    "int8-tensor": lambda L, a: a[0, L.tensor([1], dtype=L.int8)],
    "int16-tensor": lambda L, a: a[L.tensor([[0, 1]], dtype=L.int16)],
    "float-0d-tensor": lambda L, a: a[L.tensor(1.0)],
    "empty-mask": lambda L, a: a[np.array([], bool)],
    "empty-bool-tensor-mask": lambda L, a: a[:, L.zeros(0, dtype=L.bool)],
    "empty-2d-mask": lambda L, a: a[np.zeros((2, 0), bool)],
    "setitem-empty-mask": lambda L, a: a.__setitem__(L.zeros(0, dtype=L.bool), 1.0),
}.items():
    err(f"index-{name}", fn, F, raises=IndexError)
for name, fn in {
    "tensor": lambda L, a: a.__setitem__(L.tensor([1, 0], dtype=L.uint8), 5.0),
    "tuple": lambda L, a: a.__setitem__((L.tensor([1, 0], dtype=L.uint8), 0), 5.0),
    "ellipsis-0-d-value": lambda L, a: a.__setitem__(
        (..., L.ones(3, dtype=L.uint8)), L.tensor(5.0)
    ),
    "numpy": lambda L, a: a.__setitem__(np.array([1, 0], np.uint8), L.tensor([5.0])),
    "numpy-list": lambda L, a: a.__setitem__([np.uint8(1), np.uint8(0)], 5),
}.items():
    err(f"setitem-uint8-mask-one-value-{name}", fn, F, raises=RuntimeError)
err("index-list-numpy-float32", lambda L, a: a[[np.float32(1.5)]], F, raises=TypeError)
err(
    "setitem-index-put-shape-before-dtype",
    lambda L, a: a.__setitem__(([0, 1], [1, 2]), L.ones(3, dtype=L.float64)),
    F,
    raises=RuntimeError,
)
err(
    "setitem-index-put-dtype",
    lambda L, a: a.__setitem__(([0, 1], [1, 2]), L.ones(2, dtype=L.float64)),
    F,
    raises=RuntimeError,
)
err(
    "setitem-expand-names-value-dtype",
    lambda L, a: a.__setitem__((0, 1), L.tensor([1, 2, 3])),
    F,
    raises=RuntimeError,
)
err("index-out-of-range", lambda L, a: a[2], F, raises=IndexError)
err("index-out-of-range-neg", lambda L, a: a[:, -4], F, raises=IndexError)
err("index-too-many", lambda L, a: a[0, 0, 0], F, raises=IndexError)
# a dim of the wrong kind: torch's parser names the function and the argument
err("unsqueeze-tuple-dim", lambda L, a: a.unsqueeze((0,)), F, raises=TypeError)
# F.softmax calls the method: its dim is argument 1 there, 2 in torch.softmax
# a dim of one element that is no plain int: torch's parser refuses it for a single dim
err(
    "argmax-1d-tensor-dim",
    lambda L, a: a.argmax(L.tensor([1])),
    F,
    raises=TypeError,
    match="must be int",
)
err(
    "prod-bool-tensor-dim",
    lambda L, a: a.prod(L.tensor(1, dtype=L.bool)),
    F,
    raises=TypeError,
    match="invalid combination",
)
err(
    "all-1d-tensor-dim",
    lambda L, a: a.all(L.tensor([1])),
    F,
    raises=TypeError,
    match="invalid combination",
)
err("unsqueeze-ndarray-dim", lambda L, a: a.unsqueeze(np.array(0)), F, raises=TypeError)
err("F-softmax-float-dim", lambda L, a: L.nn.functional.softmax(a, 1.0), F, raises=TypeError)
err("F-log_softmax-str-dim", lambda L, a: L.nn.functional.log_softmax(a, "a"), F, raises=TypeError)
err("softmax-method-float-dim", lambda L, a: a.softmax(1.0), F, raises=TypeError)
err("softmax-float-dim", lambda L, a: L.softmax(a, 1.0), F, raises=TypeError)
err("unsqueeze-bool-dim", lambda L, a: a.unsqueeze(True), F, raises=TypeError)
err("cat-float-dim", lambda L, a: L.cat([a, a], 1.0), F, raises=TypeError)
err("stack-float-dim", lambda L, a: L.stack([a, a], 1.0), F, raises=TypeError)
# torch counts the dims an index specifies before it reads its items
err("index-too-many-before-step", lambda L, a: a[0, 0, ::-1], F, raises=IndexError)
err("index-too-many-before-str", lambda L, a: a[0, 0, "a"], F, raises=IndexError)
err("index-too-many-mask-dims", lambda L, a: a[L.ones(2, 3, dtype=L.bool), 0], F, raises=IndexError)
err("index-0d-str", lambda L: L.tensor(5.0)["a"], raises=IndexError)
err("index-0d-negative-step", lambda L: L.tensor(5.0)[::-1], raises=ValueError)  # (a bare slice)
err("index-broadcast", lambda L, a: a[[0, 1], [0, 1, 0]], F, raises=IndexError)
err("index-broadcast-mask", lambda L, a: a[L.tensor([True, True]), [0, 1, 2]], F, raises=IndexError)
err(
    "index-broadcast-write",
    lambda L, a: a.__setitem__(([0, 1], [0, 1, 0]), 1.0),
    F,
    raises=IndexError,
)
err("index-float-tensor", lambda L, a: a[L.tensor([0.0])], F, raises=IndexError)
err("index-float", lambda L, a: a[0.5], F, raises=IndexError)
err("index-negative-step", lambda L, a: a[::-1], F, raises=ValueError)
err("index-zero-step", lambda L, a: a[:, ::0], F, raises=ValueError)
err("index-range-out-of-range", lambda L, a: a[range(5)], F, raises=IndexError)
err("index-list-out-of-range", lambda L, a: a[[0, 5]], F, raises=IndexError)
err("index-tensor-out-of-range", lambda L, a: a[L.tensor([3])], F, raises=IndexError)
err("index-mask-shape", lambda L, a: a[L.tensor([True, False, True])], F, raises=IndexError)
err("index-str", lambda L, a: a["a"], F, raises=TypeError)  # torch reads it as tensor data
err("index-str-after-none", lambda L, a: a[None, "a"], F, raises=TypeError)
err("index-bytes", lambda L, a: a[b"a"], F, raises=TypeError)
err("index-set", lambda L, a: a[{1}], F, raises=IndexError)
err("index-0d", lambda L: L.tensor(1.0)[0], raises=IndexError)
# torch's own message for a 0-d tensor is for a bare int only
for name, fn in {
    "index-0d-tuple": lambda L: L.tensor(1.0)[0,],
    "index-0d-none-int": lambda L: L.tensor(1.0)[None, 0],
    "index-0d-tensor": lambda L: L.tensor(1.0)[L.tensor(0)],
    "index-0d-list": lambda L: L.tensor(1.0)[[0]],
    "index-0d-numpy-int": lambda L: L.tensor(1.0)[np.int64(0)],
    "setitem-0d-int": lambda L: L.tensor(1.0).__setitem__(0, 2.0),
    "setitem-0d-tuple": lambda L: L.tensor(1.0).__setitem__((0,), 2.0),
}.items():
    err(name, fn, raises=IndexError)
# torch's messages number an index item by its place in the index, not by the dim it indexes
for name, fn in {
    "index-after-none": lambda L, a: a[None, 5],
    "index-after-nones": lambda L, a: a[None, None, 0, 7],
    "index-after-none-ellipsis": lambda L, a: a[None, ..., 5],
    "index-after-true": lambda L, a: a[True, 4],
    "index-after-slice-none": lambda L, a: a[0:1, None, 9],
    "index-ellipses-past-end": lambda L, a: a[..., ..., 5],
    "index-ellipses-past-end-grad": lambda L, a: a.requires_grad_()[..., ..., 1],
    "setitem-after-none": lambda L, a: a.__setitem__((None, 5), 1.0),
    "setitem-ellipses-past-end": lambda L, a: a.__setitem__((..., ..., 5), 1.0),
}.items():
    err(name, fn, F, raises=IndexError)
err(
    "setitem-adv-dtype",
    lambda L, a: a.__setitem__([0, 1], L.ones(3, dtype=L.int64)),
    F,
    raises=RuntimeError,
)
err(
    "setitem-adv-dtype-0d",
    lambda L, a: a.__setitem__([0], L.tensor(1.0, dtype=L.float64)),
    F,
    raises=RuntimeError,
)
err("setitem-mask-dtype", lambda L, a: a.__setitem__(a > 2, L.arange(3)), F, raises=RuntimeError)
err("setitem-shape", lambda L, a: a.__setitem__(0, L.ones(2)), F, raises=RuntimeError)
err("setitem-out-of-range", lambda L, a: a.__setitem__(5, 0), F, raises=IndexError)
err(
    "setitem-expanded", lambda L: L.ones(3, 1).expand(3, 2).__setitem__(0, 1.0), raises=RuntimeError
)

# ---------------------------------------------------------------------------- Python protocols
err("item-many", lambda L, a: a.item(), F, raises=RuntimeError)
err("item-empty", lambda L: L.zeros(0).item(), raises=RuntimeError)
err("bool-many", lambda L, a: bool(a), F, raises=RuntimeError)
err("bool-empty", lambda L: bool(L.zeros(0)), raises=RuntimeError)
err("if-many", lambda L, a: 1 if a > 0 else 0, F, raises=RuntimeError)
err("len-0d", lambda L: len(L.tensor(1.0)), raises=TypeError)
err("iter-0d", lambda L: list(L.tensor(1.0)), raises=TypeError)
err("float-many", lambda L, a: float(a), F, raises=ValueError)
err("int-many", lambda L, a: int(a), F, raises=ValueError)
err("index-float-scalar-tensor", lambda L: [1, 2, 3][L.tensor(1.0)], raises=TypeError)
err("numpy-requires-grad", lambda L: L.ones(2, requires_grad=True).numpy(), raises=RuntimeError)

# ---------------------------------------------------------------------------- argument forms
# torch's functions take one tuple where its methods also take the sizes one by one, and a
# size missing or given twice is a TypeError (picotorch reshaped to [], flipped nothing, ...)
for name, fn in {
    "torch-reshape-int": lambda L, a: L.reshape(a, 6),
    "torch-reshape-sizes": lambda L, a: L.reshape(a, 3, 2),
    "torch-permute-dims": lambda L, a: L.permute(a, 1, 0),
    "torch-flip-int": lambda L, a: L.flip(a, 0),
    "reshape-nothing": lambda L, a: a.reshape(),
    "permute-nothing": lambda L, a: a.permute(),
    "flip-nothing": lambda L, a: a.flip(),
    "expand-nothing": lambda L, a: a.expand(),
    "reshape-twice": lambda L, a: a.reshape(-1, shape=(6,)),
    "flip-twice": lambda L, a: a.flip(0, dims=(1,)),
    "reshape-keyword-int": lambda L, a: a.reshape(shape=6),
    "expand-keyword-none": lambda L, a: a.expand(size=None),
    "permute-keyword-none": lambda L, a: a.permute(dims=None),
}.items():
    err(f"sizes-{name}", fn, F, raises=TypeError)
err(
    "sizes-reshape-keyword-float",
    lambda L, a: a.reshape(shape=(6.0,)),
    F,
    raises=TypeError,
    match="tuple of ints",
)
for name, fn in {
    "view-nothing": lambda L, a: a.view(),
    "view-size-and-sizes": lambda L, a: a.view(6, size=None),
    "view-size-and-dtype": lambda L, a: a.view(size=(6,), dtype=L.int32),
    "torch-max-tensor-keepdim": lambda L, a: L.max(a, a, True),
    "max-dim-other": lambda L, a: L.max(a, 0, other=a),
    "max-other-keepdim": lambda L, a: L.max(a, other=a, keepdim=False),
    # prod, max and min take keepdim only with an int dim (picotorch ignored keepdim=True)
    "max-keepdim-alone": lambda L, a: a.max(keepdim=True),
    "min-keepdim-alone": lambda L, a: a.min(keepdim=False),
    "prod-keepdim-alone": lambda L, a: a.prod(keepdim=True),
    "torch-max-keepdim-alone": lambda L, a: L.max(a, keepdim=False),
    "max-dim-none": lambda L, a: a.max(None),
    "max-dim-keyword-none": lambda L, a: a.max(dim=None),
    "prod-dim-none": lambda L, a: a.prod(dim=None),
    # sum and mean too: keepdim without dim (dim=None is allowed there)
    "sum-keepdim-alone": lambda L, a: a.sum(keepdim=True),
    "mean-keepdim-alone": lambda L, a: a.mean(keepdim=False),
    "torch-sum-keepdim-alone": lambda L, a: L.sum(a, keepdim=True),
}.items():
    err(f"arguments-{name}", fn, F, raises=TypeError, match="invalid combination of arguments")
# copy_ takes a tensor or a number: picotorch wrote NaN for None and took lists and ndarrays
for name, value in {
    "none": None,
    "list": [1.0, 2.0, 3.0],
    "ndarray": np.ones(3),
    "str": "1",
}.items():
    err(f"copy-from-{name}", lambda L, a, v: a.copy_(v), F, Raw(value), raises=TypeError)
err(
    "copy-non-blocking-int",
    lambda L, a: a.copy_(a, non_blocking=1),
    F,
    raises=TypeError,
    match="bool",
)
for name, fn in {
    "equal-number": lambda L, a: a.equal(1.0),
    "torch-equal-number": lambda L, a: L.equal(a, 1.0),
    "allclose-number": lambda L, a: a.allclose(1.0),
    "torch-allclose-list": lambda L, a: L.allclose(a, [1.0]),
}.items():
    err(name, fn, F, raises=TypeError)
# arguments of the wrong kind that picotorch took (found by fuzzing both libraries' methods
# with arguments of every kind): fill_(None) wrote NaN, new_tensor(dtype=0) kept the dtype,
# allclose took a tensor for rtol, nonzero(as_tuple=1) gave a tuple ...
BT = np.array([[True, False, True], [False, True, True]])
for name, fn in {
    "fill-none": lambda L, a, b: a.fill_(None),
    "fill-list": lambda L, a, b: a.fill_([1.0]),
    "fill-str": lambda L, a, b: a.fill_("a"),
    "masked-fill-none": lambda L, a, b: a.masked_fill(b, None),
    "masked-fill-list": lambda L, a, b: a.masked_fill(b, [1.0]),
    "masked-fill-in-place-none": lambda L, a, b: a.masked_fill_(b, None),
    "full-none": lambda L, a, b: L.full((2,), None),
    "full-list": lambda L, a, b: L.full((2,), [1.0]),
    "full-1d-tensor": lambda L, a, b: L.full((2,), L.tensor([2.0])),
    "full-like-none": lambda L, a, b: L.full_like(a, None),
    "new-full-none": lambda L, a, b: a.new_full((2,), None),
    "new-full-int-size": lambda L, a, b: a.new_full(2, 1.0),
    "new-full-tensor-size": lambda L, a, b: a.new_full(L.tensor(2), 1.0),
    "full-tensor-size": lambda L, a, b: L.full(L.tensor([2]), 1.0),
    "new-tensor-dtype-int": lambda L, a, b: a.new_tensor(2, dtype=0),
    "new-zeros-dtype-int": lambda L, a, b: a.new_zeros(2, dtype=0),
    "new-full-dtype-int": lambda L, a, b: a.new_full((2,), 1.0, dtype=0),
    "sum-dtype-int": lambda L, a, b: a.sum(dtype=0),
    "torch-sum-dtype-int": lambda L, a, b: L.sum(a, 0, dtype=1),
    "mean-dtype-int": lambda L, a, b: a.mean(dtype=0),
    "prod-dtype-int": lambda L, a, b: a.prod(dtype=0),
    "softmax-dtype-int": lambda L, a, b: a.softmax(0, dtype=0),
    "log-softmax-dtype-str": lambda L, a, b: a.log_softmax(0, dtype="a"),
    "nonzero-as-tuple-int": lambda L, a, b: a.nonzero(as_tuple=1),
    "nonzero-as-tuple-none": lambda L, a, b: L.nonzero(a, as_tuple=None),
    "std-unbiased-none": lambda L, a, b: a.std(0, unbiased=None),
    "var-unbiased-none": lambda L, a, b: a.var(unbiased=None),
    "var-positional-none": lambda L, a, b: a.var(0, None),
    "allclose-tensor-rtol": lambda L, a, b: a.allclose(a[0], a[0], 0),
    "allclose-tensor-atol": lambda L, a, b: L.allclose(a, a, 1e-5, a),
    "allclose-equal-nan-int": lambda L, a, b: a.allclose(a, 1e-5, 1e-8, 1),
    "clamp-tensor-and-number": lambda L, a, b: a.clamp(a, 1.0),
    "clamp-number-and-tensor": lambda L, a, b: a.clamp(min=1, max=a),
    "clamp-in-place-mixed": lambda L, a, b: a.clamp_(b, 0.5),
    "clip-mixed": lambda L, a, b: a.clip(0, a),
    "clamp-str": lambda L, a, b: a.clamp("a"),
    # the methods take no out= (only the torch.* functions do)
    "method-add-out": lambda L, a, b: a.add(a, out=a),
    "method-mul-out": lambda L, a, b: a.mul(2, out=L.empty(2, 3)),
    "method-div-out": lambda L, a, b: a.div(a, out=a),
    "method-matmul-out": lambda L, a, b: a.matmul(a.T, out=L.empty(2, 2)),
    "method-multiply-out": lambda L, a, b: a.multiply(b, out=a),
    # *_as and type_as take a tensor (picotorch took anything with a shape, or leaked an
    # AttributeError)
    "view-as-ndarray": lambda L, a, b: a.view_as(np.ones((3, 2))),
    "reshape-as-number": lambda L, a, b: a.reshape_as(np.float32(1)),
    "expand-as-list": lambda L, a, b: a.expand_as([[1.0, 2.0, 3.0]]),
    "type-as-dtype": lambda L, a, b: a.type_as(L.float64),
    # squeeze: no None (squeeze() is all dims), several dims one by one but not beside a tuple
    "squeeze-none": lambda L, a, b: a.squeeze(None),
    "torch-squeeze-none": lambda L, a, b: L.squeeze(a, dim=None),
    "torch-squeeze-dims-one-by-one": lambda L, a, b: L.squeeze(a, 0, 1),
    "squeeze-tuple-and-int": lambda L, a, b: a.squeeze((0,), 1),
    "squeeze-int-and-keyword": lambda L, a, b: a.squeeze(0, dim=1),
}.items():
    err(f"argument-kind-{name}", fn, F, BT, raises=TypeError, match="()")
# torch parses every argument before it checks anything else, so an argument of the wrong kind
# is its TypeError even where another check would fail too (picotorch checked the dtype, the
# dim's range or the 0-d case first, or leaked NumPy's ValueError or an AttributeError)
Z = np.array(3.0, np.float32)
for name, (fn, inputs) in {
    "size-dtype-of-0d": (lambda L, z: z.size(L.float64), (Z,)),
    "stride-float-of-0d": (lambda L, z: z.stride(1.5), (Z,)),
    "unbind-bool-of-0d": (lambda L, z: z.unbind(True), (Z,)),
    "argmax-dtype-of-bool": (lambda L, b: b.argmax(L.float64), (BT,)),
    "mean-float-dim-of-bool": (lambda L, b: b.mean(L.tensor(0.0)), (BT,)),
    "std-dtype-dim-of-int": (lambda L, a: a.long().std(L.float64), (F,)),
    "var-list-dim-of-bool": (lambda L, b: b.var([None]), (BT,)),
    "split-str-of-0d": (lambda L, z: z.split("a"), (Z,)),
    "split-dim-dtype-of-0d": (lambda L, z: z.split(2, L.bool), (Z,)),
    "sub-dtype-of-bool": (lambda L, b: b.sub(L.float64), (BT,)),
    "div-list-with-bad-mode": (lambda L, a: a.div([1.0], rounding_mode="x"), (F,)),
    "div-tensor-mode": (lambda L, a: a.div(2.0, rounding_mode=a), (F,)),
    "index-select-tuple": (lambda L, a: a.index_select(0, (0,)), (F,)),
    "index-select-dim-float": (lambda L, a: a.index_select(0.5, L.tensor([0])), (F,)),
    "masked-fill-bool-mask": (lambda L, a: a.masked_fill(False, 1.0), (F,)),
    "masked-fill-int-mask-list-value": (lambda L, a: a.masked_fill(L.tensor(1), [1, 0]), (F,)),
    "where-numbers": (lambda L, a: a.where(1.0, 0.5), (F,)),
    "torch-where-list": (lambda L, b: L.where(b, [1.0], 0.0), (BT,)),
    "scatter-add-number-src": (lambda L, a: a.scatter_add(1, L.tensor([[0, 1]]), 0), (F,)),
    "select-tensor-dim-of-0d": (lambda L, z: z.select(L.ones(2), 0), (Z,)),
    "softmax-float-dtype": (lambda L, a: a.softmax(2, 0.5), (F,)),
    "narrow-dtype-length": (lambda L, a: a.narrow(2, 0, L.float32), (F,)),
    "flatten-dtype-end-dim": (lambda L, a: a.flatten(2, L.int64), (F,)),
    "chunk-list-of-0d": (lambda L, z: z.chunk([1]), (Z,)),
    "transpose-float-dim": (lambda L, a: a.transpose(3, 0.5), (F,)),
    "squeeze-1d-tensor-dim": (lambda L, a: a.squeeze(L.tensor([0, 1])), (F,)),
    "squeeze-dims-dtype": (lambda L, a: a.squeeze(3, L.int64), (F,)),
    "prod-dtype-str-bad-dim": (lambda L, b: b.prod(5, dtype="a"), (BT,)),
}.items():
    # (the exception type is what these compare: the two libraries word these TypeErrors apart)
    err(f"kind-first-{name}", fn, *inputs, raises=TypeError, match="")
for name, (fn, inputs, raises) in {
    "gather-dim-before-index-dtype": (lambda L, z: z.gather(3, z), (Z,), IndexError),
    "index-select-dim-before-dtype": (lambda L, a: a.index_select(2, a), (F,), IndexError),
    "mean-dtype-before-dim-range": (lambda L, b: b.mean(5), (BT,), RuntimeError),
    "std-dtype-before-dim-range": (lambda L, b: b.std((0, 5)), (BT,), RuntimeError),
    "clamp-bound-shape": (lambda L, a: a.clamp(L.tensor([0.0, 2.0])), (F,), RuntimeError),
    "bitwise-not-float": (lambda L, a: a.bitwise_not(), (F,), NotImplementedError),
    "torch-bitwise-not-float": (lambda L, a: L.bitwise_not(a), (F,), NotImplementedError),
    "invert-float": (lambda L, a: ~a, (F,), TypeError),
}.items():
    err(name, fn, *inputs, raises=raises)
# nn.functional: argument kinds first there too, and torch's errors (found by fuzzing F)
X4 = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
for name, (fn, raises) in {
    "max-pool-stride-kind-before-kernel-length": (
        lambda L, x: L.nn.functional.max_pool2d(x, [], "a"),
        TypeError,
    ),
    "max-pool-ceil-mode-int": (
        lambda L, x: L.nn.functional.max_pool2d(x, 2, ceil_mode=1),
        TypeError,
    ),
    "avg-pool-ceil-mode-tuple": (
        lambda L, x: L.nn.functional.avg_pool2d(x, 2, ceil_mode=()),
        TypeError,
    ),
    "pad-mode-int": (lambda L, x: L.nn.functional.pad(x, (1, 1), 3), TypeError),
    "batch-norm-eval-without-running-var": (
        lambda L, x: L.nn.functional.batch_norm(x, L.zeros(1), None),
        RuntimeError,
    ),
    "batch-norm-training-without-running-mean": (
        lambda L, x: L.nn.functional.batch_norm(x, None, L.ones(1), training=True),
        ValueError,
    ),
    "bce-weight-int": (  # (torch's Python code asks the weight for its size())
        lambda L, x: L.nn.functional.binary_cross_entropy(x.sigmoid(), x.sigmoid(), weight=0),
        AttributeError,
    ),
    "bce-with-logits-pos-weight-str": (
        lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(x, x, pos_weight="a"),
        TypeError,
    ),
    "adaptive-pool-vector": (
        lambda L, x: L.nn.functional.adaptive_avg_pool2d(x[0, 0, 0], 1),
        IndexError,
    ),
}.items():
    err(f"functional-{name}", fn, X4, raises=raises, match="")
# torch has no clamp kernel for bools (one tensor bound goes through maximum/minimum instead)
for name, fn in {
    "min-number": lambda L, b: b.clamp(min=True),
    "max-number": lambda L, b: b.clone().clip_(max=True),
    "both-numbers": lambda L, b: b.clamp(True, False),
    "both-tensors": lambda L, b: b.clamp(b, b),
    "tensor-0d-and-number": lambda L, b: b.clamp(L.tensor(True), True),
}.items():
    err(f"clamp-bool-{name}", fn, BT, raises=NotImplementedError)
# NumPy's names only where torch's parser takes them, and not beside torch's own (the
# messages differ: each library words its own Python-level TypeError; both name the function)
for name, fn in {
    "both-dims": lambda L, a: a.sum(dim=0, axis=0),
    "both-keepdims": lambda L, a: a.sum(0, keepdim=True, keepdims=True),
    "torch-both-dims": lambda L, a: L.cat([a], dim=0, axis=0),
    "F-softmax-axis": lambda L, a: L.nn.functional.softmax(a, axis=1),
    "split-axis": lambda L, a: a.split(1, axis=1),
    "torch-split-axis": lambda L, a: L.split(a, 1, axis=1),
    "norm-axis": lambda L, a: a.norm(axis=0),
    "flatten-axis": lambda L, a: a.flatten(axis=0),
    "transpose-axes": lambda L, a: a.transpose(axis0=0, axis1=1),
    "flip-axis": lambda L, a: a.flip(axis=0),
    "softmax-keepdims": lambda L, a: a.softmax(1, keepdims=True),
    "positional-and-axis": lambda L, a: a.sum(0, axis=0),
    "nn-softmax-axis": lambda L, a: L.nn.Softmax(axis=1),
}.items():
    same_words = name.startswith(("torch", "F", "nn"))  # (where both raise from Python itself)
    err(f"numpy-names-{name}", fn, F, raises=TypeError, match=None if same_words else "()")
# torch writes F.sigmoid and F.tanh in Python: input.sigmoid(), no out=
err("F-sigmoid-out", lambda L, a: L.nn.functional.sigmoid(a, out=a), F, raises=TypeError)
err("F-tanh-number", lambda L: L.nn.functional.tanh(1.0), raises=AttributeError)
err("squeeze-repeated-dim", lambda L, a: a[None].squeeze(0, 0), F, raises=RuntimeError)
for name, fn in {
    "add-tensor-then-number": lambda L, a: a.add(a, 2),
    "subtract-number-then-tensor": lambda L, a: a.subtract(2, a),
    "add-alpha-twice": lambda L, a: a.add(2, a, alpha=3),
    "sub-three": lambda L, a: a.sub(1, 2, 3),
}.items():
    err(f"positional-alpha-{name}", fn, F, raises=TypeError, match="()")
err("max-dim-none-keepdim", lambda L, a: a.max(None, True), F, raises=TypeError, match="max()")
err(
    "sum-dtype-keepdim",
    lambda L, a: a.sum(dtype=L.float64, keepdim=True),
    F,
    raises=TypeError,
    match="sum()",
)
err("prod-dim-none-keepdim", lambda L, a: a.prod(None, True), F, raises=TypeError, match="prod()")
err("max-tensor-keepdim", lambda L, a: a.max(a, keepdim=True), F, raises=TypeError, match="max()")
err("allclose-dtypes", lambda L, a: a.allclose(a.long()), F, raises=RuntimeError)
err("allclose-float64", lambda L, a: L.allclose(a, a.double()), F, raises=RuntimeError)
err("allclose-shapes", lambda L, a: L.allclose(a, a[:, :2]), F, raises=RuntimeError, match="size")
err(
    "gather-sparse-grad-int",
    lambda L, a: a.gather(1, L.zeros(2, 1, dtype=L.long), sparse_grad=1),
    F,
    raises=TypeError,
    match="bool",
)

# ---------------------------------------------------------------------------- ints beyond C's
# A Number given as a Python int is a C int64, or a uint64 where it is too big for int64; beyond
# both, Python's OverflowError (NumPy would have computed with the int as a float). An int
# argument (a dim, a size, an index) must be an int64.
BIG, NEGATIVE_BIG = 2**70, -(2**70)
for name, fn in {
    "add": lambda L, a: a + BIG,
    "radd": lambda L, a: BIG + a,
    "mul-float64": lambda L, a: a.double() * BIG,
    "mul-half": lambda L, a: a.half() * BIG,
    "rtruediv": lambda L, a: BIG / a,
    "sub-negative": lambda L, a: a - NEGATIVE_BIG,
    "add-2**64": lambda L, a: a.add(2**64),
    "add-below-int64": lambda L, a: a.add(-(2**63) - 1),
    "add-alpha": lambda L, a: a.add(a, alpha=BIG),
    "sub-alpha-negative": lambda L, a: a.sub(a, alpha=NEGATIVE_BIG),
    "eq": lambda L, a: a == BIG,
    "lt": lambda L, a: a < BIG,
    "pow": lambda L, a: a.pow(BIG),
    "rpow": lambda L, a: BIG**a,
    "long-ipow": lambda L, a: a.long().__ipow__(BIG),
    "fill_": lambda L, a: a.fill_(BIG),
    "full": lambda L, a: L.full((2,), BIG),
    "full_like": lambda L, a: L.full_like(a, BIG),
    "new_full": lambda L, a: a.new_full((2,), BIG),
    "clamp": lambda L, a: a.clamp(BIG),
    "clamp-max-negative": lambda L, a: a.clamp(max=NEGATIVE_BIG),
    "clamp_": lambda L, a: a.clamp_(0, BIG),
    "masked_fill": lambda L, a: a.masked_fill(a > 1, BIG),
    "where": lambda L, a: L.where(a > 1, a, BIG),
    "copy_": lambda L, a: a.copy_(BIG),
    "std-correction": lambda L, a: a.std(correction=BIG),
    "arange": lambda L, a: L.arange(BIG),
    "arange-negative": lambda L, a: L.arange(NEGATIVE_BIG, 0),
    "arange-step": lambda L, a: L.arange(0, 5, BIG),
    "linspace": lambda L, a: L.linspace(0, BIG, 3),
    "bitwise_and-float": lambda L, a: a.bitwise_and(NEGATIVE_BIG),
    "bitwise_or_-int": lambda L, a: a.long().bitwise_or_(BIG),
    "norm-p": lambda L, a: a.norm(BIG),
    "bool-sub": lambda L, a: a.bool().sub(BIG),
    "bool-floor_divide": lambda L, a: a.bool().floor_divide(BIG),
}.items():
    err(f"big-int-{name}", fn, F, raises=OverflowError)
for name, fn in {
    "sum-dim": lambda L, a: a.sum(BIG),
    "max-dim": lambda L, a: a.max(2**63),
    "transpose": lambda L, a: a.transpose(0, BIG),
    "unsqueeze": lambda L, a: a.unsqueeze(BIG),
    "flatten": lambda L, a: a.flatten(BIG),
    "narrow": lambda L, a: a.narrow(0, BIG, 1),
    "index": lambda L, a: a[BIG],
    "index-2**63": lambda L, a: a[0, 2**63],
    "index-list": lambda L, a: a[[2**63]],
    "setitem": lambda L, a: a.__setitem__(0, BIG),
    "setitem-2**63": lambda L, a: a.long().__setitem__(0, 2**63),
    "randint": lambda L, a: L.randint(0, 2**63, (2,)),
    "randperm": lambda L, a: L.randperm(BIG),
    "eye": lambda L, a: L.eye(BIG),
    "one_hot": lambda L, a: L.nn.functional.one_hot(L.tensor([1]), BIG),
    "max_pool2d": lambda L, a: L.nn.functional.max_pool2d(a[None], BIG),
    "avg_pool2d-stride": lambda L, a: L.nn.functional.avg_pool2d(a[None], 1, stride=2**63),
    "conv2d-stride": lambda L, a: L.nn.functional.conv2d(
        a[None, None], L.ones(1, 1, 1, 1), stride=BIG
    ),
    "adaptive_avg_pool2d": lambda L, a: L.nn.functional.adaptive_avg_pool2d(a[None], BIG),
    "softmax": lambda L, a: L.nn.functional.softmax(a, BIG),
    "cat": lambda L, a: L.cat([a], BIG),
    "Flatten": lambda L, a: L.nn.Flatten(BIG)(a),
    "nll_loss-ignore_index": lambda L, a: L.nn.functional.nll_loss(
        a, L.tensor([0, 1]), ignore_index=BIG
    ),
}.items():
    err(f"big-int-{name}", fn, F, raises=ValueError)
for name, fn in {  # sizes: torch's message goes on with its C++ stack
    "zeros": lambda L: L.zeros(2**63),
    "empty": lambda L: L.empty(2, BIG),
    "view": lambda L: L.ones(2).view(BIG),
    "reshape": lambda L: L.ones(2).reshape(BIG),
    "new_zeros": lambda L: L.ones(2).new_zeros(BIG),
    "Linear": lambda L: L.nn.Linear(BIG, 2),
    "max_pool2d-list": lambda L: L.nn.functional.max_pool2d(L.ones(1, 4, 4), [2, BIG]),
    "conv2d-padding": lambda L: L.nn.functional.conv2d(
        L.ones(1, 1, 2, 2), L.ones(1, 1, 1, 1), padding=[BIG, 1]
    ),
    "adaptive_avg_pool2d-list": lambda L: L.nn.functional.adaptive_avg_pool2d(
        L.ones(1, 4, 4), (None, BIG)
    ),
    "pad": lambda L: L.nn.functional.pad(L.ones(2, 2), (BIG, 0)),
    "sum-dims": lambda L: L.ones(2, 2).sum((0, BIG)),
    "std-dims": lambda L: L.ones(2, 2).std(dim=[2**63]),
    "norm-dim": lambda L: L.ones(2, 2).norm(dim=BIG),
}.items():
    err(f"big-int-{name}", fn, raises=TypeError, match="Overflow when unpacking long long")
# a NumPy uint64 beyond int64 as a Number: torch reads NumPy's ints as int64 (the operators
# hand such an operand back to NumPy, as torch's do: ``x + np.uint64(2**63)`` is an ndarray)
for name, fn in {
    "add": lambda L, a: a.add(np.uint64(2**63)),
    "fill_": lambda L, a: a.fill_(np.uint64(2**64 - 1)),
    "full": lambda L, a: L.full((2,), np.uint64(2**63)),
    "alpha": lambda L, a: a.add(a, alpha=np.uint64(2**63)),
    "clamp": lambda L, a: a.clamp(np.uint64(2**63)),
    "eq": lambda L, a: a.long().eq(np.uint64(2**63)),
    "where": lambda L, a: L.where(a > 1, a, np.uint64(2**63)),
    "arange": lambda L, a: L.arange(np.uint64(2**63)),
}.items():
    err(f"numpy-uint64-{name}", fn, F, raises=TypeError)
# every argument's kind before any int's range, as torch parses them all first
for name, fn in {
    "avg_pool2d": lambda L, a: L.nn.functional.avg_pool2d(a[None], -BIG, 0.5),
    "max_pool2d": lambda L, a: L.nn.functional.max_pool2d(a[None], 2**63, 2, 0, "a"),
    "ceil_mode": lambda L, a: L.nn.functional.avg_pool2d(a[None], BIG, ceil_mode=(0,)),
}.items():
    err(f"big-int-after-kinds-{name}", fn, F, raises=TypeError)
err(
    "big-int-after-kinds-conv2d",
    lambda L, a: L.nn.functional.conv2d(a[None, None], a[None, None], None, (BIG, 1), 0, "a"),
    F,
    raises=TypeError,
    match="conv2d()",
)
# (the uint64 range is taken: ``a + 2**63`` is a number, and too big for an int64 result, and
# one that torch can't promote with a bool tensor)
for name, fn in {
    "add": lambda L, a: a.bool() + 2**63,
    "mul-0-d": lambda L, a: L.tensor(True) * (2**64 - 1),
    "eq": lambda L, a: a.bool() == 2**63,
    "where": lambda L, a: L.where(a > 1, a > 2, 2**63),
    "clamp": lambda L, a: (a > 1).clamp(2**63),
    "bitwise_and": lambda L, a: (a > 1) & 2**63,
}.items():
    err(f"uint64-int-bool-{name}", fn, F, raises=RuntimeError)
# an integer or bool tensor to the power of an int: torch reads the exponent as an int64 before it
# promotes (the overflow is int64's, not the tensor dtype's; a negative one is its own error)
for name, fn in {
    "bool": lambda L, a: a.bool() ** 2**63,
    "bool-pow_": lambda L, a: a.bool().pow_(2**64 - 1),
    "int8": lambda L, a: a.char() ** 2**63,
    "int32-pow_": lambda L, a: a.int().pow_(2**63),
    "int8-negative": lambda L, a: a.char() ** -(2**63),
    "uint8-negative": lambda L, a: a.byte().pow(-(2**63)),
    "bool-negative": lambda L, a: a.bool() ** -1,
    "uint8-numpy-negative": lambda L, a: a.byte() ** np.int8(-1),
}.items():
    err(f"pow-integer-exponent-{name}", fn, F, raises=RuntimeError)
err("uint64-int-arange", lambda L: L.arange(2**63), raises=RuntimeError)
err("uint64-int-arange-step", lambda L: L.arange(0, 2**63, 2**62), raises=RuntimeError)
err("arange-too-many", lambda L: L.arange(1e20), raises=RuntimeError)
err("mT-1d", lambda L, a: a[0].mT, F, raises=RuntimeError)
# an integer result of a differentiable op on a tensor that requires grad
for name, fn in {
    "sum-int64": lambda L: L.ones(2, requires_grad=True).sum(dtype=L.int64),
    "sum-dim-int32": lambda L: L.ones(2, 3, requires_grad=True).sum(0, dtype=L.int32),
    "sum-bool": lambda L: L.sum(L.ones(2, requires_grad=True), dtype=L.bool),
    "prod-uint8": lambda L: L.ones(2, requires_grad=True).prod(dtype=L.uint8),
    "prod-dim-int8": lambda L: L.ones(2, 3, requires_grad=True).prod(1, dtype=L.int8),
}.items():
    err(f"autograd-dtype-{name}", fn, raises=RuntimeError)
err("positive-bool", lambda L: +L.tensor([True, False]), raises=RuntimeError)
# bounds checked in double (2**62 + 1 is 2**62 there), counts in int64 wrapping around
for name, fn in {
    "inf": lambda L: L.arange(0, float("inf")),
    "nan": lambda L: L.arange(float("nan")),
    "minus-inf": lambda L: L.arange(-float("inf"), 1, 0.5),
    "nan-step": lambda L: L.arange(0, 1, float("nan")),
    "nan-tensor": lambda L: L.arange(L.tensor(float("nan"))),
    "int64-wraps": lambda L: L.arange(-(2**62), 2**62, 2**60),
    "int64-wraps-down": lambda L: L.arange(2**62, -(2**62), -(2**60)),
    "int64-from-min": lambda L: L.arange(-(2**63), 0, 2**62),
    "bounds-equal-in-double": lambda L: L.arange(2**62 + 1, 2**62, 1),
    "int32-count-first": lambda L: L.arange(0, 1e300, 1e200, dtype=L.int32),
    "int32-step-too-big": lambda L: L.arange(0, 1e20, 1e19, dtype=L.int32),
    "int64-end-too-big": lambda L: L.arange(0, 1e300, 1e200, dtype=L.int64),
}.items():
    err(f"arange-{name}", fn, raises=RuntimeError)
# sizes too big: torch's checks of a new tensor's bytes and strides, then its allocator's error
# (2**58 float32s are 2**60 bytes, beyond any machine's address space: never allocated)
for name, fn in {
    "zeros": lambda L: L.zeros(2**58),
    "zeros-bytes-overflow": lambda L: L.zeros(2**61),
    "zeros-numel-overflow": lambda L: L.zeros(2**32, 2**32, dtype=L.uint8),
    "zeros-overflow-then-0": lambda L: L.zeros(2**32, 2**32, 0),
    "zeros-stride-overflow": lambda L: L.zeros(0, 2**62, 2**62),
    "zeros-out-numel": lambda L: L.zeros(2**63 - 1, 2, out=L.ones(1)),
    "zeros-out-overflow-then-0": lambda L: L.zeros(2**32, 2**32, 0, out=L.ones(1)),
    "zeros-out": lambda L: L.zeros(2**58, out=L.ones(1)),
    "ones": lambda L: L.ones(2**59, dtype=L.int8),
    "ones-int8-overflow": lambda L: L.ones(2**63 - 1, 2, dtype=L.int8),
    "empty": lambda L: L.empty(2**58),
    "empty-channels-last": lambda L: L.empty(1, 1, 2**29, 2**29, memory_format=L.channels_last),
    "full": lambda L: L.full((2**58,), 1.0),
    "full-overflow": lambda L: L.full((2**63 - 1, 2), 1),
    "rand": lambda L: L.rand(2**58),
    "randn-overflow": lambda L: L.randn(2**61),
    "randn-out": lambda L: L.randn(2**58, out=L.ones(1)),
    "randint": lambda L: L.randint(3, (2**58,)),
    "randint-stride-overflow": lambda L: L.randint(2, (0, 2**62, 2**62)),
    "randperm": lambda L: L.randperm(2**58),
    "randperm-overflow": lambda L: L.randperm(2**62),
    "arange": lambda L: L.arange(2**58),
    "arange-overflow": lambda L: L.arange(2**61),
    "arange-float": lambda L: L.arange(0, 2**58, 0.5),
    "linspace": lambda L: L.linspace(0, 1, 2**60),
    "linspace-overflow": lambda L: L.linspace(0, 1, 2**62),
    "eye-numel": lambda L: L.eye(2**32, 2**31, dtype=L.int8),
    "eye-bytes": lambda L: L.eye(2**31, 2**31),
    "eye": lambda L: L.eye(2**29),
    "new_zeros": lambda L: L.ones(3).new_zeros(2**58),
    "new_full-overflow": lambda L: L.ones(3).new_full((2**63 - 1, 2), 2),
    "Tensor": lambda L: L.Tensor(2**58),
    "zeros_like": lambda L: L.zeros_like(L.ones(3).expand(2**58, 3)),
    "full_like": lambda L: L.full_like(L.ones(3).expand(2**58, 3), 2),
    "randn_like": lambda L: L.randn_like(L.ones(1, 3).expand(2**58, 3)),
}.items():
    err(f"too-big-{name}", fn, raises=RuntimeError)
err("double-fill", lambda L, a: a.double().fill_(1j), F, raises=RuntimeError)
err("double-masked_fill", lambda L, a: a.double().masked_fill(a > 1, 1j), F, raises=RuntimeError)
# complex numbers where picotorch has no complex tensors: as torch refuses them for real ones
for name, fn in {
    "clamp": lambda L, a: a.clamp(1j),
    "clamp-half": lambda L, a: a.half().clamp(max=1j),
    "add-alpha": lambda L, a: a.add(a, alpha=1 + 0j),
    "sub-alpha": lambda L, a: a.sub(2, alpha=1j),
    "add-alpha-long": lambda L, a: a.long().add(a.long(), alpha=1 + 0j),
    "add-alpha-bool": lambda L, a: a.bool().add(a.bool(), alpha=1j),
}.items():
    err(f"complex-{name}", fn, F, raises=RuntimeError)
err("complex-clamp-long", lambda L, a: a.long().clamp(1 + 0j), F, raises=NotImplementedError)
# linspace's four overloads: its bounds are numbers or 0-d tensors, checked before its values
for name, fn in {
    "str": lambda L: L.linspace("a", 1, 3),
    "none": lambda L: L.linspace(0, None, 3),
    "float-steps": lambda L: L.linspace(0, 1, 3.5),
    "ndarray": lambda L: L.linspace(np.zeros(()), 1, 3),
}.items():
    err(f"linspace-kind-{name}", fn, raises=TypeError)
for name, fn in {
    "end-1d": lambda L: L.linspace(0, L.ones(1), 3),
    "both-1d": lambda L: L.linspace(L.ones(2), L.ones(2), 3),
    "float32-overflow": lambda L: L.linspace(0, 1e39, 3),
    "half-overflow": lambda L: L.linspace(0, 70000, 3, dtype=L.float16),
    "one-step-overflow": lambda L: L.linspace(1e39, 1e39, 1),
}.items():
    err(f"linspace-{name}", fn, raises=RuntimeError)


@pytest.mark.parametrize(("fn", "inputs", "raises", "match"), CASES)
def test_bad_input(
    fn: Callable[..., Any],
    inputs: tuple[Any, ...],
    raises: type[BaseException],
    match: str | tuple[str, ...] | None,
) -> None:
    check(fn, *inputs, raises=raises, match=match, same_message=match is None)


def test_catalogue_is_large() -> None:
    assert len(CASES) >= 40


# ---------------------------------------------------------------------------- not like torch
@pytest.mark.parametrize("np_dtype", [np.uint16, np.uint32, np.uint64, np.complex64])
def test_from_numpy_dtypes_picotorch_lacks(np_dtype: type) -> None:
    """torch 2.13 has uint16/uint32/uint64 and complex dtypes; picotorch has none of them, so it
    refuses such arrays with torch's TypeError rather than converting them silently."""
    array = np.zeros(2, dtype=np_dtype)
    with pytest.raises(TypeError, match=f"can't convert np.ndarray of type numpy.{array.dtype}"):
        picotorch.from_numpy(array)
    with pytest.raises(TypeError, match=f"can't convert np.ndarray of type numpy.{array.dtype}"):
        picotorch.tensor(array)


def test_gather_with_a_sparse_gradient_is_refused() -> None:
    """torch's ``gather(..., sparse_grad=True)`` gives the input a sparse gradient; picotorch has
    no sparse tensors, so it refuses rather than hand back a dense gradient that prints and
    behaves otherwise."""
    import torch

    index = [[0], [1]]
    x = torch.ones(2, 3, requires_grad=True)
    x.gather(1, torch.tensor(index), sparse_grad=True).sum().backward()
    assert x.grad is not None and x.grad.is_sparse  # what picotorch can't give
    with pytest.raises(NotImplementedError, match="sparse_grad=True"):
        picotorch.ones(2, 3).gather(1, picotorch.tensor(index), sparse_grad=True)
    with pytest.raises(NotImplementedError, match="sparse_grad=True"):
        picotorch.gather(picotorch.ones(2, 3), 1, picotorch.tensor(index), sparse_grad=True)
