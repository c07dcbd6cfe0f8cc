"""Tensor behaviour beyond values: shared memory, version counters, views vs copies, devices,
``torch.Size``, and the Python protocols (len, iter, bool, hash, copy, pickle).

Where torch's behaviour is observable the same way, the case runs on both through ``check``.
"""

from __future__ import annotations

import copy
import itertools
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from parity import Raw, check, printed_by_each

import picotorch

LIBS = pytest.mark.parametrize("L", [picotorch, torch], ids=["picotorch", "torch"])


# ---------------------------------------------------------------------------- shared memory
@LIBS
def test_view_writes_show_in_base(L: Any) -> None:
    x = L.zeros(3, 4)
    for view in (x[1], x[:, 2], x.t(), x.view(12), x.reshape(2, 6), x.narrow(0, 1, 1), x[::2]):
        view.fill_(1.0)
    assert x.sum().item() == 12.0
    x.unsqueeze(0)[0, 0, 0] = 7.0
    assert x[0, 0].item() == 7.0


def test_unbind_and_split_pieces_are_views() -> None:
    def fn(L: Any) -> Any:
        x = L.arange(3.0)
        a, b, c = x.unbind()  # (of a 1-d tensor: 0-d views, not copies)
        b.add_(1)
        x.mul_(2)
        pieces = L.arange(6.0).reshape(2, 3).t().unbind(1)
        none = L.zeros(0, 3, requires_grad=True).split([])
        return x, a, b, c, b._version, [p.stride() for p in pieces], none

    check(fn)


@LIBS
def test_numpy_shares_memory_both_ways(L: Any) -> None:
    x = L.arange(6).reshape(2, 3)
    n = x.numpy()
    np.add(n, 1, out=n)  # a write through NumPy shows in the tensor
    assert x.tolist() == [[1, 2, 3], [4, 5, 6]]
    x.mul_(2)  # and a write through the tensor shows in the array
    assert n.tolist() == [[2, 4, 6], [8, 10, 12]]
    x.t()[0, 1] = -1  # also through a view
    assert n[1, 0] == -1


@LIBS
def test_from_numpy_shares_memory(L: Any) -> None:
    a = np.zeros((2, 3), dtype=np.float32)
    t = L.from_numpy(a)
    np.add(a, 1, out=a)
    a[0, 0] = 5
    assert t.tolist() == [[5.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    t[1] = 3
    assert a[1].tolist() == [3.0, 3.0, 3.0]
    assert np.shares_memory(t.numpy(), a)


@LIBS
def test_as_tensor_shares_only_without_conversion(L: Any) -> None:
    a = np.zeros(3)
    shared, copied = L.as_tensor(a), L.as_tensor(a, dtype=L.float32)
    a[0] = 1
    assert shared[0].item() == 1 and copied[0].item() == 0
    assert L.tensor(a)[0].item() == 1 and not np.shares_memory(L.tensor(a).numpy(), a)


@LIBS
def test_inplace_visible_through_views_and_numpy(L: Any) -> None:
    x = L.ones(2, 3)
    row, n, d = x[0], x.numpy(), x.detach()
    x.add_(L.tensor([1.0, 2.0, 3.0]))
    assert row.tolist() == [2.0, 3.0, 4.0]
    assert n.tolist() == [[2.0, 3.0, 4.0]] * 2
    assert d.tolist() == x.tolist()
    d.zero_()
    assert x.sum().item() == 0


# ---------------------------------------------------------------------------- versions
def _version_story(L: Any, x: Any) -> list[tuple[int, ...]]:
    """In-place ops on a tensor, a view and a detached alias: all versions after each step."""
    view, detached, clone = x[0], x.detach(), x.clone()
    versions = []

    def record() -> None:
        versions.append((x._version, view._version, detached._version, clone._version))

    record()
    for step in (
        lambda: x.add_(1),
        lambda: view.mul_(2),
        lambda: detached.zero_(),
        lambda: x.sub_(x),
        lambda: x.div_(2),
        lambda: x.copy_(L.ones(3, 4)),
        lambda: x.fill_(2.0),
        lambda: x.clamp_(0, 1),
        lambda: x.neg_(),
        lambda: x.exp_(),
        lambda: x.relu_(),
        lambda: x.pow_(2),
        lambda: x.__setitem__((0, 0), 5.0),
        lambda: x.__setitem__(x > 1, 0.0),
        lambda: x.masked_fill_(x > 0, 1.0),
        lambda: x.scatter_(1, L.tensor([[0, 1]]), 9.0),
        lambda: x.scatter_add_(0, L.tensor([[0, 1, 2, 0]]), L.ones(1, 4)),
        lambda: L.add(x, 1, out=x),
        lambda: L.mul(x, x, out=x),
        lambda: x.__iadd__(1),
        lambda: x.t_(),
        lambda: x.t_(),
        lambda: x.uniform_(),
        lambda: x + 1,  # not in-place: no new version
        lambda: x.view(12),
        lambda: x.numpy().fill(0),  # NumPy writes are invisible to the counter
        lambda: clone.add_(1),
    ):
        step()
        record()
    later_view = x[1:]  # a view made later shares the same counter
    later_view.add_(1)
    record()
    versions.append((later_view._version, x.reshape(12)._version, x.contiguous()._version, 0))
    return versions


def test_version_counter_like_torch() -> None:
    check(_version_story, np.zeros((3, 4), np.float32), warnings_match=False)


def test_version_counter_fresh_tensors() -> None:
    check(
        lambda L, x: [
            x._version,
            x.clone()._version,
            (x + 1)._version,
            x.to(L.float64)._version,
            L.zeros(2)._version,
            x.t()._version,
        ],
        np.zeros((2, 2), np.float32),
    )


# ---------------------------------------------------------------------------- views or copies
@LIBS
def test_reshape_is_a_view_when_possible(L: Any) -> None:
    x = L.zeros(2, 6)
    view = x.reshape(3, 4)
    view[0, 0] = 1.0
    assert x[0, 0].item() == 1.0  # a view: the write shows
    copied = x.t().reshape(12)  # a transposed tensor cannot be flattened by a view
    copied[0] = 5.0
    assert x[0, 0].item() == 1.0  # a copy: the write does not show
    assert x.flatten()._version == x._version and x.t().flatten()._version == 0


@LIBS
def test_contiguous_returns_self_when_contiguous(L: Any) -> None:
    x = L.zeros(2, 3)
    assert x.contiguous() is x
    t = x.t()
    c = t.contiguous()
    assert c is not t and c.is_contiguous() and not t.is_contiguous()
    c[0, 0] = 1.0
    assert x[0, 0].item() == 0.0


@pytest.mark.parametrize("method", ["view", "reshape"])
def test_view_strides_match_torch(method: str) -> None:
    # a dim of size 1 is never stepped along, so NumPy and torch each choose its stride;
    # stride() must show torch's (tensors permuted, sliced, and viewed with size-1 dims)
    base = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    shapes = [(1, 12), (12, 1), (2, 6, 1), (1, 4, 3), (3, 1, 4, 1), (1, 1, 12), (6, 1, 2)]
    for perm in itertools.permutations(range(3)):
        for cut in (slice(None), slice(None, None, 2), slice(1, None)):
            t = torch.from_numpy(base.copy()).permute(*perm)[..., cut]
            p = picotorch.from_numpy(base.copy()).permute(*perm)[..., cut]
            for shape in shapes:
                shape = (*shape[:-1], -1)  # (fits whatever the cut left)
                try:
                    ref = getattr(t, method)(*shape)
                except RuntimeError:
                    with pytest.raises(RuntimeError):
                        getattr(p, method)(*shape)
                    continue
                mine = getattr(p, method)(*shape)
                assert mine.stride() == ref.stride(), (perm, cut, shape)
                np.testing.assert_array_equal(mine.numpy(), ref.numpy())


def test_storage_offset_matches_torch() -> None:
    def offsets(L: Any, x: Any) -> Any:
        views = (
            x,
            x[1],
            x[:, 2],
            x[1:, 1:],
            x.t()[2],
            x[::2, 1],
            x.view(-1)[5:],
            x[1].expand(2, 4),
        )
        return [v.storage_offset() for v in views]

    check(offsets, np.zeros((3, 4), np.float32))

    def of_a_slice_of_an_array(L: Any, a: Any) -> Any:
        t = L.from_numpy(a[2:])  # torch's storage starts where the array does: offset 0
        shared = L.from_numpy(t[1:].numpy())
        return [v.storage_offset() for v in (t, t[1:], t[1:].detach(), shared, shared[2:])]

    check(of_a_slice_of_an_array, Raw(np.arange(10.0)))


_DTYPE_NAMES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


@pytest.mark.parametrize("to", _DTYPE_NAMES)
@pytest.mark.parametrize("start", ["float32", "int16", "float64", "uint8"])
def test_view_as_dtype(start: str, to: str) -> None:
    # the same bytes read as another dtype: sizes, strides and offsets as torch scales them, or
    # torch's error (0-d, a last dim that is not adjacent or not divisible, a misaligned view)
    raw = np.arange(1, 97, dtype=np.uint8).reshape(4, 24)  # bytes that are no NaNs in any dtype

    def layouts(L: Any, x: Any) -> list[Any]:
        return [x, x[1:], x[:, 2:], x[:, 1:5], x.t(), x[::2], x[1, 1], x[:, :0], x[:0]]

    for i in range(9):

        def viewed(L: Any, b: Any, i: int = i) -> Any:
            x = layouts(L, b.view(getattr(L, start)))[i]
            v = x.view(getattr(L, to))
            return v, v.stride(), v.storage_offset(), v._base is None, v.grad_fn

        check(viewed, raw, same_message=True)


@pytest.mark.parametrize(("start", "to"), [("float32", "float64"), ("uint8", "int16")])
def test_view_as_dtype_needs_whole_elements_along_every_dim(start: str, to: str) -> None:
    rows_of_five = np.arange(1, 121, dtype=np.uint8).reshape(6, 20)  # an odd row, as float32
    for cut in (slice(0, 2), slice(0, 4)):
        check(
            lambda L, b, cut=cut: b.view(getattr(L, start))[:, cut].view(getattr(L, to)),
            rows_of_five,
            same_message=True,
        )


def test_view_as_dtype_shares_memory_and_version_but_not_autograd() -> None:
    def fn(L: Any) -> Any:
        x = L.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        v = y.view(L.int32)
        w = y.view(L.float32)  # the same dtype: still no gradient, as in torch
        before = y._version
        v.add_(1)  # bumps y's version: y's bytes changed
        return (
            v,
            w,
            w.requires_grad,
            y._version - before,
            x.view(dtype=L.int32),
            y.view(size=(2, 1)),
        )

    check(fn)


_LAYOUTS = {  # views whose copies torch lays out by its preserve_format rule
    "transposed": lambda x: x[0].t(),
    "permuted": lambda x: x.permute(2, 0, 1),
    "permuted-2": lambda x: x.permute(1, 2, 0),
    "sliced": lambda x: x[:, :, 1:3],
    "stepped": lambda x: x.permute(2, 0, 1)[::2],
    "expanded": lambda x: x[:, :1].expand(2, 3, 4),
    "expanded-outer": lambda x: x[:1].expand(3, 3, 4),
    "size-1-dims": lambda x: x[:, :1].permute(2, 1, 0),
    "row-of-a-transpose": lambda x: x[0].t()[1:2],
}
_COPIES = {
    "clone": lambda L, v: v.clone(),
    "double": lambda L, v: v.double(),
    "to-int": lambda L, v: v.to(L.int32),
    "type_as": lambda L, v: v.type_as(L.ones(1, dtype=L.float16)),
    "zeros_like": lambda L, v: L.zeros_like(v),
    "ones_like-long": lambda L, v: L.ones_like(v, dtype=L.long),
    "empty_like": lambda L, v: L.empty_like(v).zero_(),
    "full_like": lambda L, v: L.full_like(v, 2.5),
    "rand_like": lambda L, v: (L.manual_seed(3), L.rand_like(v))[1],
    "randn_like": lambda L, v: (L.manual_seed(3), L.randn_like(v))[1],
    "grad": lambda L, v: (lambda leaf: ((leaf * 2).sum().backward(), leaf.grad)[1])(
        v.detach().requires_grad_()
    ),
}


@pytest.mark.parametrize("layout", _LAYOUTS)
@pytest.mark.parametrize("copy", _COPIES)
def test_copies_are_laid_out_as_torch_lays_them_out(layout: str, copy: str) -> None:
    # a copy of a dense view keeps its strides, of a view with gaps its dim order, of an
    # expanded one (and a .grad of a non-dense leaf) becomes row-major; random values land in
    # memory order, so a transposed tensor's rand_like holds torch's numbers in torch's places
    base = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7

    check(lambda L, x: _COPIES[copy](L, _LAYOUTS[layout](x)), base, strides=True)


def test_results_torch_makes_row_major() -> None:
    # reductions, softmax and gather give row-major results whatever the input's layout
    # (picotorch's sum walked the kept dims innermost first: its result was transposed, and
    # .view() of it failed where torch's works)
    def fn(L: Any, x: Any) -> Any:
        p, t = x.permute(2, 0, 1), x[0].t()
        index = L.zeros_like(t, dtype=L.long)  # (laid out like t: transposed)
        return (
            x.sum(1),
            x.mean(1, keepdim=True),
            p.sum(1),
            x.sum(1).view(-1),
            p.std(-1),
            p.var(0),
            t.softmax(0),
            p.log_softmax(-1),
            t.gather(0, index),
            L.nn.functional.one_hot(index.t()[:2].t() + 1, 3),
            L.nn.BatchNorm1d(3)(t.t().contiguous().t()),
        )

    check(fn, np.arange(24, dtype=np.float32).reshape(2, 3, 4), strides=True)


@pytest.mark.parametrize("layout", ["row-major", "h-w-swapped", "channels-last", "n-c-swapped"])
def test_batch_norm_output_layout(layout: str) -> None:
    # torch's batch norm keeps a channels-last image's layout and makes anything else row-major
    def fn(L: Any, x: Any) -> Any:
        views = {
            "row-major": x,
            "h-w-swapped": x.transpose(2, 3),
            "channels-last": x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
            "n-c-swapped": x.transpose(0, 1).contiguous().transpose(0, 1),
        }
        norm = L.nn.BatchNorm2d(3)
        return norm(views[layout]), norm.eval()(views[layout])

    check(fn, np.arange(96, dtype=np.float32).reshape(2, 3, 4, 4), strides=True)


def test_new_tensors_without_elements_have_row_major_strides() -> None:
    # (NumPy gives a new array without elements zero strides; torch keeps them only for
    # from_numpy)
    def fn(L: Any, a: Any) -> Any:
        x = L.zeros(2, 4)
        made = (L.zeros(0, 3), L.zeros(3, 0), L.tensor([]), L.arange(0), x[:0] + 1)
        return [t.stride() for t in (*made, L.cat([x[:0], x[:0]]), L.from_numpy(a))]

    check(fn, Raw(np.zeros((0, 3), np.float32)))


def test_expand_has_stride_zero_and_refuses_writes() -> None:
    check(lambda L, x: (x.expand(3, 4).stride(), x.expand(2, 3, 4).stride()), np.zeros((3, 1)))
    check(
        lambda L, x: x.expand(3, 4).add_(1),
        np.zeros((3, 1)),
        raises=RuntimeError,
        match="more than one element of the written-to tensor refers to a single memory location",
    )
    check(lambda L, x: x.expand(3, 4).copy_(L.ones(3, 4)), np.zeros((3, 1)), raises=RuntimeError)
    check(lambda L, x: x.expand(3, 4)[0].mul_(2), np.zeros((3, 1)), raises=RuntimeError)
    check(lambda L, x: x.expand(3, 1).add_(1), np.zeros((3, 1)))  # nothing repeated: fine


@pytest.mark.parametrize(
    "make",
    [
        # a new leading dim of size 1 steps as if it had been there all along (not 0)
        lambda L: L.arange(5.0).expand(1, 5).stride(),
        lambda L: L.arange(5.0).expand(2, 1, 5).stride(),
        lambda L: L.zeros(2, 3, 4).expand(1, 2, 3, 4).stride(),
        lambda L: L.zeros(6)[::2].expand(1, 3).stride(),
        lambda L: L.zeros(2, 3).t().expand(1, 3, 2).stride(),
        lambda L: L.tensor(1.0).expand(1, 1).stride(),  # (a 0-d tensor's: all 0)
        # sizes checked from the last dim, as torch: the last bad one is named
        lambda L: L.zeros(2, 3, 4).expand(3, 4, 5),
        lambda L: L.zeros(2, 3, 4).expand(-1, -1, 5, -1),
        lambda L: L.ones(1, 3).expand(-2, 3),
        lambda L: L.tensor(1.0).expand(2, -1),
    ],
)
def test_expand_as_torch(make: Any) -> None:
    check(make)


def _expanded(L: Any) -> Any:
    return L.zeros(4).expand(3, 4)


def _matrix(L: Any) -> Any:
    return L.arange(12.0).reshape(3, 4)


@pytest.mark.parametrize(
    ("make", "write"),
    [
        # torch checks only the part of an expanded tensor that the index's basic steps reach
        (_expanded, lambda L, x: x.__setitem__(0, 1.0)),
        (_expanded, lambda L, x: x.__setitem__((0, 0), 1.0)),
        (_expanded, lambda L, x: x.__setitem__(0, L.arange(4.0))),
        (_expanded, lambda L, x: x.__setitem__((0, [1, 2]), 5.0)),
        (_expanded, lambda L, x: x.__setitem__(L.tensor(1), 1.0)),
        (_expanded, lambda L, x: x.__setitem__((slice(None), 0), 1.0)),  # (still expanded)
        (_expanded, lambda L, x: x.__setitem__(True, 1.0)),  # (x.unsqueeze(0): refused)
        # an advanced index into that part: torch's index_put_ warns, and writes
        (_expanded, lambda L, x: x.__setitem__([0, 1], 1.0)),
        (_expanded, lambda L, x: x.__setitem__((slice(None), [1, 2]), 5.0)),
        (_expanded, lambda L, x: x.__setitem__(L.tensor([True, False, True]), 1.0)),
        (_expanded, lambda L, x: x.__setitem__(L.tensor([True, False, True]), L.ones(2, 4))),
        # a bare bool: torch writes no element (unchecked) for False, copies for True
        (_matrix, lambda L, x: x.__setitem__(False, L.ones(5))),
        (_matrix, lambda L, x: x.__setitem__((False,), 1.0)),  # (in a tuple: index_put_)
        (_matrix, lambda L, x: x.__setitem__(False, 1e40)),  # (the value is still read)
        (_matrix, lambda L, x: x.__setitem__(None, x[None])),  # (the same memory and layout)
        (_matrix, lambda L, x: x.__setitem__(True, x)),
        (_matrix, lambda L, x: x.__setitem__((slice(None), None), x[:, None])),
        (_matrix, lambda L, x: x.__setitem__(True, L.tensor([]))),  # (expand's error: a copy)
        # one value by a mask: masked_fill_ (the value converted as a number)
        (_matrix, lambda L, x: x.__setitem__(x > 5, L.tensor([2.5], dtype=L.float64))),
        (_matrix, lambda L, x: x.__setitem__((x[:, 0] > 1, 0), L.tensor([[9.5]]))),
        (_matrix, lambda L, x: x.__setitem__(x > 5, L.ones(1, 6))),  # (leading 1s dropped)
        (_matrix, lambda L, x: x.__setitem__(x > 5, L.ones(2, 3))),
        (_matrix, lambda L, x: x.__setitem__(x > 5, L.ones(4))),
        (_matrix, lambda L, x: x.__setitem__(np.array(1), 7.0)),  # (through __index__: an int)
        (_matrix, lambda L, x: x.__setitem__(2**63, -1.0)),
    ],
)
def test_setitem_as_torch(make: Any, write: Any) -> None:
    def fn(L: Any) -> Any:
        x = make(L)
        write(L, x)
        return x, x._version

    check(fn)


def test_setitem_of_one_value_by_mask_converts_it_as_a_number() -> None:
    def fn(L: Any, value: Any) -> Any:
        x = L.zeros(3, dtype=L.uint8)
        x[x == 0] = L.tensor(value)
        return x

    check(lambda L: fn(L, 255))
    check(lambda L: fn(L, 300), raises=RuntimeError)  # (masked_fill_'s overflow check)


def test_a_0d_ndarray_of_ints_indexes_as_an_int() -> None:
    def fn(L: Any) -> Any:
        x = L.arange(12.0).reshape(3, 4)
        y = x[np.array(1)]
        y[0] = 100.0
        with_grad = x.clone().requires_grad_()[np.array(1, dtype=np.int32)]
        return x, y.stride(), with_grad.grad_fn.name(), x[[np.array(1)]], x[np.array(1, np.uint8)]

    check(fn, warnings_match=False)  # (the list index: torch's once-per-process warning)


@LIBS
def test_expand_shares_memory(L: Any) -> None:
    x = L.zeros(3, 1)
    e = x.expand(3, 4)
    x[1, 0] = 2.0
    assert e[1].tolist() == [2.0] * 4


def test_numpy_of_grad_tensor_raises() -> None:
    check(
        lambda L: L.ones(2, requires_grad=True).numpy(),
        raises=RuntimeError,
        match="Can't call numpy() on Tensor that requires grad",
    )
    check(lambda L: L.ones(2, requires_grad=True).detach().numpy().tolist())
    check(lambda L: L.ones(2, requires_grad=True).numpy(force=True).tolist())


# ---------------------------------------------------------------------------- devices
def test_cuda_is_not_available() -> None:
    # as torch's CPU build answers
    check(lambda L: (L.cuda.is_available(), L.cuda.device_count()))
    check(lambda L: (L.zeros(2).is_cuda, L.zeros(2).device, L.zeros(2).cpu().device))


def test_the_default_device_is_the_cpu() -> None:
    def case(L: Any) -> Any:
        L.set_default_device("cpu")  # (PyTorch's Learning PyTorch with Examples sets it)
        first = L.get_default_device()
        L.set_default_device(None)
        return first, L.get_default_device(), L.zeros(1).device

    check(case)


def test_no_accelerator_and_no_gpu_backend() -> None:
    # the device lines of PyTorch's Quickstart, old and new, pick "cpu"
    def device(L: Any) -> Any:
        accelerator = L.accelerator.current_accelerator()
        new = accelerator.type if L.accelerator.is_available() else "cpu"
        old = "cuda" if L.cuda.is_available() else "mps" if L.backends.mps.is_available() else "cpu"
        found = (accelerator, L.accelerator.device_count(), L.backends.mps.is_built())
        return new, old, found, L.backends.cuda.is_built()

    check(device)


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.zeros(2).to("cuda"),
        lambda L: L.zeros(2).to("cuda:0"),
        lambda L: L.zeros(2).to(L.device("cuda")),
        lambda L: L.zeros(2).to(device="cuda", dtype=L.float64),
        lambda L: L.zeros(2).cuda(),
        lambda L: L.zeros(2, device="cuda"),
        lambda L: L.ones(2, device=L.device("cuda", 0)),
        lambda L: L.tensor([1.0], device="cuda"),
        lambda L: L.arange(3, device="cuda"),
        lambda L: L.zeros_like(L.ones(2), device="cuda"),
    ],
)
def test_cuda_raises_assertion_error(make: Any) -> None:
    check(make, raises=AssertionError, same_message=True)


def test_device_objects() -> None:
    check(
        lambda L: (
            repr(L.device("cpu")),
            str(L.device("cpu")),
            repr(L.device("cuda", 1)),
            str(L.device("cuda:1")),
            L.device("cuda:1").type,
            L.device("cuda:1").index,
            L.device("cpu").index,
            L.device("cpu") == L.device("cpu"),
            L.device("cpu") == L.device("cpu", 0),
            L.device("cpu") == "cpu",  # a device never equals a string
            L.device("cuda:1") == L.device("cuda", 1),
            L.device(L.device("mps")) == L.device("mps"),
            len({L.device("cpu"), L.device("cpu")}),
            L.zeros(1).device == L.device("cpu"),
            str(L.zeros(1).device),
        )
    )
    check(lambda L: L.device("cuda:x"), raises=RuntimeError, same_message=True)
    check(lambda L: L.device("cuda", -1), raises=RuntimeError, same_message=True)


@pytest.mark.parametrize(
    "text",
    ["", " cpu", "cpu ", "float64", "CPU", "cpux", "foo:0", ":0", "cpu:", "cpu:01", "cuda:0:1",
     "cpü", "cpu:99999999999", "foo:99999999999", "cuda:x"],
)  # fmt: skip
def test_device_strings_are_read_by_torchs_grammar(text: str) -> None:
    # the grammar first (a misplaced dtype name, "float64", is no device string at all), then
    # the index, then the type's name
    check(lambda L: L.device(text), raises=RuntimeError, same_message=True)
    check(lambda L: L.zeros(2).to(text), raises=RuntimeError, same_message=True)


# a device's index as torch's parser reads it: a Python or NumPy int (no bool, no float), an
# int64, not negative; and ``to`` reads a NumPy float, bool or complex64 as a Python float
DEVICE_INDEXES = {
    "zeros(device=np.int64)": lambda L: L.zeros(2, device=np.int64(0)),
    "zeros(device=np.uint64 max)": lambda L: L.zeros(2, device=np.uint64(2**64 - 1)),
    "zeros(device=2**70)": lambda L: L.zeros(2, device=2**70),
    "zeros(device=-1)": lambda L: L.zeros(2, device=-1),
    "device(np.int32)": lambda L: L.device(np.int32(1)),
    "device(-1)": lambda L: L.device(-1),
    "device(2**70)": lambda L: L.device(2**70),
    "device('cpu', 2**70)": lambda L: L.device("cpu", 2**70),
    "device('cpu', True)": lambda L: L.device("cpu", True),
    "device('cpu', 1.5)": lambda L: L.device("cpu", 1.5),
    "device('cpu', np.int64)": lambda L: repr(L.device("cpu", np.int64(2))),
    "to(np.int64)": lambda L: L.zeros(2).to(np.int64(0)),
    "to(-1)": lambda L: L.zeros(2).to(-1),
    "Linear.to(np.int64)": lambda L: L.nn.Linear(2, 2).to(np.int64(0)),
    "to(np.float32)": lambda L: L.zeros(2).to(np.float32(1.5)),
    "to(np.bool_)": lambda L: L.zeros(2).to(np.bool_(True)),
    "to(np.float16, copy=True)": lambda L: L.zeros(2).to(np.float16(1), copy=True),
}


def test_a_vector_times_a_matrix_is_squeezed_in_place_as_torch_squeezes_it() -> None:
    """torch's ``vector @ matrix`` squeezes the one-row product in place: the result is at
    version 1, which an error about a later in-place op shows (found by the autograd fuzz)."""
    check(
        lambda L: [
            (L.ones(2) @ L.ones(2, 3))._version,
            L.matmul(L.ones(2, requires_grad=True), L.ones(2, 3))._version,
            (L.ones(2) @ L.ones(2))._version,
            (L.ones(3, 2) @ L.ones(2))._version,
        ]
    )

    def relu_twice(L: Any) -> Any:
        leaf = L.ones(1, 1, dtype=L.float64, requires_grad=True)
        product = leaf.reshape(1) @ leaf
        product.relu_()
        product.relu_()
        product.sum().backward()

    check(relu_twice, raises=RuntimeError, same_message=True)


@pytest.mark.parametrize("name", DEVICE_INDEXES)
def test_device_indexes_and_numbers_as_torch_reads_them(name: str) -> None:
    check(DEVICE_INDEXES[name])


# ---------------------------------------------------------------------------- torch.Size
def test_size() -> None:
    check(
        lambda L, x: (
            repr(x.shape),
            str(x.size()),
            repr(L.Size([])),
            repr(L.Size((2,))),
            x.shape[1:],
            x.shape[::-1],
            x.shape[-1],
            x.shape + (5,),  # noqa: RUF005 - concatenation is what is tested
            (5,) + x.shape,  # noqa: RUF005
            x.shape * 2,
            x.shape == (2, 3, 4),
            x.shape == [2, 3, 4],
            hash(x.shape) == hash((2, 3, 4)),
            x.shape.numel(),
            L.Size([]).numel(),
            len(x.shape),
            list(x.shape),
            tuple(x.shape),
            x.shape.count(3),
            x.shape.index(4),
            isinstance(x.shape, tuple),
        ),
        np.zeros((2, 3, 4)),
    )


@pytest.mark.parametrize(
    "make",
    [
        # each item is read as an int, as torch reads it
        lambda L: L.Size([L.tensor(2), L.tensor([3]), True, np.int64(4)]),
        lambda L: L.Size(x for x in (1, 2)),
        lambda L: L.Size([2.0, 3]),
        lambda L: L.Size([None]),
        lambda L: L.Size([L.tensor(2.0)]),
        lambda L: L.Size([2**63]),
        lambda L: L.Size(3),
        lambda L: L.Size((2, 3)) + [3],  # noqa: RUF005 - (a tuple only)
        lambda L: [3] + L.Size((2, 3)),  # noqa: RUF005
    ],
)
def test_size_from_items(make: Any) -> None:
    check(make)


# ---------------------------------------------------------------------------- Python protocols
def test_len_iter_bool() -> None:
    check(
        lambda L, x: (
            len(x),
            len(x[0]),
            list(x),
            [row.tolist() for row in x],
            list(x[0]),
            bool(x[0, 0]),
            bool(x[1, :1]),
            bool(L.tensor([[0.0]])),
            bool(L.tensor(True)),
            not L.tensor(0),
            list(L.zeros(0)),
            len(L.zeros(0, 3)),
        ),
        np.array([[0.0, 1.0], [2.0, 3.0]], np.float32),
    )


def test_python_numbers() -> None:
    check(
        lambda L, x: (
            float(x[1]),
            int(x[2]),
            int(L.tensor([[7]])),
            [1, 2, 3][L.tensor(1)],
            round(float(x[0]), 2),
            f"{x[0]:.2f}",
            x[1].item(),
            L.tensor(2).item(),
            L.tensor(True).item(),
            L.tensor(2.5, dtype=L.float64).item(),
            L.tensor(2, dtype=L.uint8).item(),
            L.tensor(0.1, dtype=L.float16).item(),
        ),
        np.array([1.234, -2.0, 3.9], np.float32),
    )


@LIBS
def test_hash_is_identity(L: Any) -> None:
    x, y = L.zeros(2), L.zeros(2)
    assert hash(x) == hash(x) and hash(x) != hash(y)
    assert len({x, y, x}) == 2
    assert {x: 1}[x] == 1


@LIBS
@pytest.mark.parametrize("copier", ["deepcopy", "pickle"])
def test_copy_round_trip(L: Any, copier: str) -> None:
    x = L.arange(12, dtype=L.float64).reshape(3, 4).t()
    g = L.ones(2, requires_grad=True)
    for t in (x, g, L.tensor(True), L.zeros(0, 2, dtype=L.int8)):
        c = copy.deepcopy(t) if copier == "deepcopy" else pickle.loads(pickle.dumps(t))
        assert type(c) is type(t) and c is not t
        assert c.dtype == t.dtype and c.shape == t.shape and c.requires_grad == t.requires_grad
        assert c.stride() == t.stride()
        assert c.detach().numpy().tolist() == t.detach().numpy().tolist()
        if t.numel():
            assert not np.shares_memory(c.detach().numpy(), t.detach().numpy())
    pair = copy.deepcopy([x, x])  # the memo keeps shared objects shared
    assert pair[0] is pair[1]


def test_copies_like_torch() -> None:
    check(
        lambda L, x: (copy.deepcopy(x), pickle.loads(pickle.dumps(x.t())), copy.copy(x)),
        np.arange(6.0).reshape(2, 3),
        strides=True,
    )


def test_dtype_objects() -> None:
    check(
        lambda L: (
            L.float32 is L.float,
            L.float64 is L.double,
            L.int64 is L.long,
            L.int32 is L.int,
            L.float16 is L.half,
            L.int16 is L.short,
            repr(L.float),
            str(L.int64),
            L.float32.is_floating_point,
            L.int8.is_signed,
            L.uint8.is_signed,
            L.float16.itemsize,
            copy.deepcopy(L.float64) is L.float64,
            pickle.loads(pickle.dumps(L.bool)) is L.bool,
            {L.int32: 1}[L.int],
            L.zeros(1).dtype == L.float32,
        )
    )


def test_set_default_dtype_rejects_non_float() -> None:
    check(lambda L: L.set_default_dtype(L.int64), raises=TypeError, same_message=True)
    assert picotorch.get_default_dtype() is picotorch.float32


def test_raw_input_helper_copies() -> None:
    """The parity helper hands each library its own copy of a Raw input."""
    seen = []

    def body(L: Any, a: np.ndarray) -> None:
        a[0] += 1
        seen.append(a[0])

    check(body, Raw(np.zeros(2)))
    assert seen == [1.0, 1.0]


def test_floating_point_edge_cases_are_silent_like_torch():
    # torch gives inf/nan without a warning; NumPy would warn (divide by zero, invalid value)
    x = picotorch.tensor([1.0, 0.0, -1.0])
    t = torch.tensor([1.0, 0.0, -1.0])
    with warnings.catch_warnings(record=True) as caught:
        # appended, so picotorch's own filter (earlier in the list) still decides first
        warnings.filterwarnings("always", category=RuntimeWarning, append=True)
        results = [x / 0, x.log(), x.sqrt(), picotorch.tensor([1e30]).exp(), x.float().pow(-1)]
        expected = [t / 0, t.log(), t.sqrt(), torch.tensor([1e30]).exp(), t.pow(-1)]
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_float_of_a_tensor_that_requires_grad_warns_once_like_torch() -> None:
    # torch warns once per process, so each library runs in a fresh interpreter
    import subprocess
    import sys

    code = (
        "import warnings, {lib} as torch\n"
        "x = torch.tensor(1.5, requires_grad=True)\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    values = [int(x), float(x), float(x * 2), x.item()]\n"
        "print(values, [(w.category.__name__, str(w.message).split(chr(10))[0]) for w in caught])\n"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code.format(lib=lib)], capture_output=True, text=True, check=True
        ).stdout
        for lib in ("picotorch", "torch")
    ]
    assert outputs[0] == outputs[1]
    assert "Converting a tensor with requires_grad=True to a scalar" in outputs[0]


# ---------------------------------------------------------------------------- found by probing
def test_comparing_with_what_is_not_a_tensor_or_number_is_false() -> None:
    # torch returns NotImplemented there, and Python compares identities: `t == None` is False
    def case(L: Any, x: Any) -> Any:
        found = [None, x].index(x)
        return x == None, x != None, x == "a", x != "a", x == [1, 2], found  # noqa: E711

    check(case, np.array([1.0, 2.0], np.float32))


@pytest.mark.parametrize(
    ("other", "alpha"),
    [
        (np.array([1, 2], np.uint8), 200),  # scaled as float: 402, not a wrapped uint8
        (np.array([100, 2], np.int8), -2),
        (np.array([True, False]), 2),
        (np.array([1.5, 2.5], np.float64), 3),
        (2, 3),
    ],
)
@pytest.mark.parametrize("op", ["add", "sub"])
def test_add_and_sub_scale_other_in_the_results_dtype(other: Any, alpha: int, op: str) -> None:
    # (sub refuses a bool tensor: then both raise the same error)
    check(
        lambda L, x, y: getattr(L, op)(x, y, alpha=alpha), np.array([1.0, 2.0], np.float32), other
    )
    check(
        lambda L, x, y: getattr(x, op + "_")(y, alpha=alpha),
        np.array([1.0, 2.0], np.float32),
        other,
    )


@pytest.mark.parametrize(
    ("x", "y", "alpha"),
    [
        (np.array([1, 2]), np.array([1, 2]), 2.5),  # integral inputs: no float alpha
        (np.array([1, 2]), np.array([1, 2]), True),  # a bool alpha only for bool results
        (np.array([1.0, 2.0], np.float32), np.array([1.0, 2.0], np.float32), True),
    ],
)
def test_add_refuses_an_alpha_of_the_wrong_kind(x: Any, y: Any, alpha: Any) -> None:
    check(lambda L, a, b: L.add(a, b, alpha=alpha), x, y, raises=RuntimeError, same_message=True)


def test_add_of_integers_refuses_even_a_float_alpha_of_one() -> None:
    x = np.array([1, 2])
    check(lambda L, a: L.add(a, a, alpha=1.0), x, raises=RuntimeError, same_message=True)


def test_np_array_of_a_tensor_is_a_copy() -> None:
    # np.array asks for a copy, np.asarray does not (both libraries share memory with the latter)
    def case(L: Any) -> Any:
        t = L.zeros(3)
        np.array(t)[0] = 5
        np.asarray(t)[1] = 7
        return t

    check(case, warnings_match=False)  # (torch's __array__ warns about NumPy 2's copy keyword)


def test_add_of_bools_with_alpha_stays_bool() -> None:
    check(lambda L, a, b: L.add(a, b, alpha=2), np.array([True, False]), np.array([True, False]))


def test_signed_zeros_print_as_torchs() -> None:
    # NumPy's maximum/minimum keep the second of two equal values and its remainder gives a zero
    # the divisor's sign; torch keeps the first (x itself) and gives a zero the dividend's sign
    def case(L: Any, x: Any, z: Any) -> Any:
        results = [L.relu(x), L.nn.functional.relu(x), x.clamp(min=0), x.clamp(max=0)]
        results += [x.clamp(min=-0.0), x.clamp(-0.0, 0.0), x.clone().relu_()]
        results += [x % 3, x % -2, 5 % (x + 5)]
        return [repr(r) for r in results]

    x = np.array([-0.0, -1.0, 0.0, 2.0, -3.0, 4.0, np.nan], np.float32)
    z = np.array([0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0], np.float32)
    check(case, x, z)
    # torch.maximum/minimum keep `other` of two equal values in their vectorised loop (16 and
    # more float32 elements), as np.maximum(x, other) does
    x, z = np.tile(x[:4], 8), np.tile(z[:4], 8)
    check(lambda L, a, b: [repr(L.maximum(a, b)), repr(L.minimum(a, b))], x, z)


def test_half_sigmoid_rounds_once_as_torch() -> None:
    # torch computes float16 ops in float32 and rounds the result once (exact comparison: the
    # usual float16 tolerance would hide a last-bit difference)
    x = np.random.default_rng(0).standard_normal(10_000).astype(np.float16) * 4
    ours = picotorch.sigmoid(picotorch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(ours, torch.sigmoid(torch.from_numpy(x)).numpy())


def test_equality_with_an_ndarray_is_elementwise() -> None:
    # torch converts the array (its != and < do not: picotorch compares elementwise there too)
    check(
        lambda L, x, a: (x == a.numpy(), x == a.numpy()[:1], x == np.array(["a"])),
        np.array([1.0, 2.0], np.float32),
        np.array([1.0, 3.0]),
        warnings_match=False,  # (torch's NumPy bridge warns about NumPy 2's copy keyword)
    )


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int16", "uint8"])
def test_linspace_is_torchs_bit_for_bit(dtype: str) -> None:
    # its last bits decide how it prints (linspace(-1, 1, 21)'s middle value is -1.49e-08 in
    # torch), and PyTorch's "Learning PyTorch with Examples" fits sin on linspace(-pi, pi, 2000)
    rng = np.random.default_rng(0)
    cases = [(-np.pi, np.pi, 2000), (-1, 1, 21), (-10, 10, 7), (0, 1, 1), (0, 1, 0), (3, 97, 33)]
    cases += [(-3, 3, 5)]  # (uint8: -3 wraps around to 253 first)
    cases += [(*rng.uniform(0, 100, 2).tolist(), int(rng.integers(2, 300))) for _ in range(30)]
    for start, end, steps in cases:
        if dtype == "uint8" and isinstance(start, float) and start < 0:
            check(lambda L: L.linspace(start, end, steps, dtype=L.uint8), raises=RuntimeError)
            continue
        ours = picotorch.linspace(start, end, steps, dtype=getattr(picotorch, dtype)).numpy()
        theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
        assert ours.dtype == theirs.dtype
        if dtype == "float64":  # (a long double is not quite wide enough for an exact fused
            np.testing.assert_array_max_ulp(ours, theirs, 1)  # multiply-add in float64)
        else:
            np.testing.assert_array_equal(ours, theirs)
    check(lambda L: repr(L.linspace(-1, 1, 21)))


@pytest.mark.parametrize(
    "bounds",
    [
        (-(2**63), 2**63 - 1, 2**62),  # the int64 count wraps around: torch's range is empty
        (2**63 - 1, -(2**63), -(2**62)),
        (-5, 2**63 - 1, 2**62),
        (0, 2**60 + 1, 2**60),  # counted exactly in int64: 2 values
        (2**62 + 1, 2**62 + 3, 1, "int32"),  # counted in double: none
        (0, 2**63, 2**62, "int32"),  # end only counts: it need not be an int64
        (0, 3, 1.5, "int32"),
        (0, 3, 1.5, "int64"),
        (-0.5, 3, 1, "int64"),
    ],
)
def test_arange_counts_as_torch(bounds: tuple[Any, ...]) -> None:
    *numbers, dtype = bounds if isinstance(bounds[-1], str) else (*bounds, "int64")
    check(lambda L: L.arange(*numbers, dtype=getattr(L, dtype)))


def test_float32_arange_is_torchs_bit_for_bit() -> None:
    # arange(-1, 1, 0.1)'s value 10 is -2.98e-09 in torch, so the tensor prints in scientific
    # notation; a value computed otherwise would be 0
    rng = np.random.default_rng(0)
    cases = [(-1, 1, 0.1), (0, 5, 0.3), (10, 0, -0.7), (0, 3.5, 0.5), (5,), (2, 9)]
    cases += [(a, a + s * int(n) + s / 3, s) for a, s, n in rng.uniform(0.01, 9, (40, 3))]
    for bounds in cases:
        ours, theirs = picotorch.arange(*bounds), torch.arange(*bounds)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert str(ours.dtype) == str(theirs.dtype)
    check(lambda L: repr(L.arange(-1, 1, 0.1)))


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.tensor(np.arange(3)[::-1]),  # torch refuses negative strides, as from_numpy
        lambda L: L.as_tensor(np.arange(3.0)[::-2]),
        lambda L: L.Tensor(np.arange(3)[::-1]),
        # the other byte order: refused (after a dtype torch lacks, and a negative stride)
        lambda L: L.from_numpy(np.arange(3, dtype=">f4")),
        lambda L: L.tensor(np.arange(3, dtype=">i8")),
        lambda L: L.as_tensor(np.arange(3, dtype=">f8"), dtype=L.float32),
        lambda L: L.Tensor(np.arange(3, dtype=">f4")),
        lambda L: L.from_numpy(np.arange(3, dtype=">f4")[::-1]),
        lambda L: L.from_numpy(np.array(["a"], dtype=">U1")),
        lambda L: L.tensor([np.arange(3, dtype=">f4")]),  # (a list is read number by number)
        lambda L: L.tensor([np.float32(1.5), *np.arange(2, dtype=">f4")]),
        lambda L: L.tensor([1e39, 70000.0], dtype=L.float16),  # inf
        lambda L: L.tensor(1e39),
        lambda L: L.tensor(b"ab"),
        lambda L: L.tensor(bytearray(b"ab")),  # (its ints)
        lambda L: L.Tensor(bytearray(b"ab")),
        lambda L: L.tensor([L.tensor(1.5), 2], dtype=L.int64),  # (read as an index: refused)
        lambda L: L.tensor([L.tensor(1.5)], dtype=L.bool),
        lambda L: L.tensor([L.tensor(3), 2.5], dtype=L.int64),
        lambda L: L.tensor([L.tensor([1, 2]), L.tensor([3, 4])], dtype=L.float32),
        lambda L: L.tensor([L.tensor([1.0, 2.0])], dtype=L.int64),
        lambda L: L.tensor([L.ones(2, requires_grad=True)]),  # (warns, then refuses)
        lambda L: L.Tensor(L.tensor([1, 2])),  # a view of the tensor itself, in its own dtype
        lambda L: L.Tensor(L.ones(2, requires_grad=True) * 2).grad_fn.name(),
        lambda L: L.Tensor(np.int64(3)).shape,  # (an int: a size)
        lambda L: L.Tensor(np.array(4)).shape,
        lambda L: L.Tensor(np.array(4.5)),
        lambda L: L.Tensor(np.array(True)),
        lambda L: L.Tensor(1.5),  # (not a sequence)
        lambda L: L.Tensor(True),
        lambda L: L.Tensor(np.float32(1)),
        lambda L: L.Tensor(None),
        lambda L: L.Tensor(iter([1, 2])),
        lambda L: L.Tensor(range(3)),
    ],
)
def test_tensor_from_data_as_torch(make: Any) -> None:
    check(make)


@pytest.mark.parametrize(
    "make",
    [
        # torch reads each depth's length off its first row; where one is 0 there is nothing
        # to store, so no other row is read: only (without a dtype) every value's dtype
        lambda L: L.tensor([[], [1]]),
        lambda L: L.tensor([[], [1.5]], dtype=L.float64),
        lambda L: L.tensor([[], [True]]),  # (the empty row's default dtype wins)
        lambda L: L.tensor([[], 3], dtype=L.int64),
        lambda L: L.tensor([[[]], [1, 2]]),
        lambda L: L.tensor([[[], []], [1]]),
        lambda L: L.tensor([[], [[], [1]]]),
        lambda L: L.tensor([(), range(3)], dtype=L.uint8),
        lambda L: L.tensor([range(0), bytearray(b"ab")]),
        lambda L: L.tensor([[], [np.float64(1)]]),
        lambda L: L.tensor([[], [np.float16(1)]]),
        lambda L: L.tensor([[], [L.tensor([1.0, 2.0], dtype=L.float64)]]),  # (never read)
        lambda L: L.tensor([[], [L.tensor(1.0, requires_grad=True)]]),  # (so no warning)
        lambda L: L.tensor([[], np.array([1, 2], dtype=np.int16)]),  # (nor the ndarrays')
        lambda L: L.tensor([np.zeros((2, 0)), [1]]),
        lambda L: L.tensor([[], [1]], requires_grad=True),
        lambda L: L.tensor([[], "a"], dtype=L.float32),
        lambda L: L.tensor([""], dtype=L.float32),
        lambda L: L.tensor([[], "a"]),  # (the dtype is inferred from every value: refused)
        lambda L: L.tensor([[], [[1]], b"a"]),
        lambda L: L.tensor([[], None]),
        lambda L: L.tensor([[], {}]),
        lambda L: L.as_tensor([[], [1]]),
        lambda L: L.Tensor([[], [1]]),
        lambda L: L.zeros(2, dtype=L.int32).new_tensor([[], [2, 3]]),
    ],
)
def test_tensor_of_rows_with_no_element_as_torch(make: Any) -> None:
    check(make, strides=True)


def test_tensor_view_of_a_tensor_shares_its_memory_and_version() -> None:
    def fn(L: Any) -> Any:
        t = L.tensor([1, 2])
        alias = L.Tensor(t)
        alias.add_(1)
        return t, t._version, alias._version, alias._base is t

    check(fn)


@pytest.mark.parametrize(
    "data",
    [
        [np.array(1), np.array(2)],  # torch reads a shape off the first element: a 0-d array
        [[np.array(1)], [np.array(2)]],  # there is its TypeError
        [1.5, np.array(2.0)],  # (elsewhere, a number)
        [np.float32(1), np.array(2.0)],
        [[1], [np.array(2)]],
        [1.5, np.array([2.0])],  # (a row where a number should be)
        [[1, 2], np.array([3])],  # (a row of another length)
        [np.array([1, 2]), [1]],
        [np.ones((2, 2)), np.ones((2, 2))],
    ],
)
def test_tensor_of_arrays_in_a_list(data: list[Any]) -> None:
    check(lambda L: L.tensor(data), warnings_match=False)  # (torch warns once per process)


_ARRAYS_IN_A_LIST = """
import warnings
import numpy as np
import {lib} as L
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rows = L.tensor([np.array([1, 2]), np.array([3, 4])])
    again = L.tensor((np.array([1.5]), [2.5]))
print(rows.tolist(), again.tolist(), [str(w.message) for w in caught])
"""


def test_tensor_of_a_list_of_arrays_warns_once_per_process() -> None:
    said = printed_by_each(_ARRAYS_IN_A_LIST)
    assert said["picotorch"] == said["torch"]
    assert said["torch"].count("extremely slow") == 1


_UNHOLDABLE = [float("nan"), float("inf"), -float("inf"), 1e10, -1e10, 1e20, 3.7, -3.7, 255.9]


@pytest.mark.parametrize("source", ["float16", "float32", "float64"])
@pytest.mark.parametrize("target", ["int64", "int32", "int16", "int8", "uint8", "bool", "float16"])
def test_conversions_of_values_the_dtype_cannot_hold(source: str, target: str) -> None:
    # the values C's conversions give, as torch's (NumPy's warnings about them are silenced by
    # picotorch's filter, see picotorch/__init__.py)
    def fn(L: Any) -> Any:
        x = L.tensor(_UNHOLDABLE, dtype=getattr(L, source))
        kept = L.zeros(len(_UNHOLDABLE), dtype=getattr(L, target))
        kept.copy_(x)
        return x.to(getattr(L, target)), kept

    check(fn)


def test_types_print_under_the_librarys_own_name() -> None:
    # print(type(x)) is <class 'torch.Tensor'>: picotorch's is <class 'picotorch.Tensor'>
    def fn(L: Any) -> Any:
        x = L.ones(2)
        shown = [str(type(v)) for v in (x, x.shape, x.dtype, x.device)]
        return [s.replace(L.__name__, "torch") for s in shown]

    check(fn)


@pytest.mark.parametrize("shape", [(0, 3, 4, 5), (2, 0, 4, 5), (0, 1, 1, 1), (2, 3, 1, 1)])
def test_channels_last_contiguity_of_empty_tensors(shape: tuple[int, ...]) -> None:
    # torch reads it off the strides: a new empty tensor is row-major, not channels-last
    # (unless every dim but one has size 1)
    check(lambda t: t.zeros(*shape).is_contiguous(memory_format=t.channels_last))
