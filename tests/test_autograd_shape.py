"""Autograd parity with torch for the shape and indexing ops, and for copies and conversions.

Each case runs the same code on picotorch and torch (``parity.check_grad``): float inputs
require grad, the same random upstream gradient flows back, and the outputs, the ``grad_fn``
names (two levels of ``next_functions``) and every input's ``.grad`` must agree. These ops
only move numbers, so what can go wrong is where a gradient lands: repeated indices (which must
add up), broadcast and expanded inputs, non-contiguous inputs, negative dims, multi-output
ops with some outputs unused, and the chains of nodes torch records for ``x[0, 1:, None]``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from parity import NoGrad, check, check_grad, printed_by_each

import picotorch

F32, F64 = np.float32, np.float64
rng = np.random.default_rng(2024)

Fn = Callable[..., Any]


def randn(*shape: int, dtype: Any = F64) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def idx(values: Any) -> np.ndarray:
    """An int64 index array (a ``LongTensor`` in both libraries)."""
    return np.array(values, dtype=np.int64)


# ---------------------------------------------------------------------- views
VIEWS: dict[str, Fn] = {
    "view": lambda t, x: x.view(12, 5),
    "view_infer": lambda t, x: x.view(-1),
    "view_same_shape": lambda t, x: x.view(3, 4, 5),
    "view_as": lambda t, x: x.view_as(t.zeros(6, 10)),
    "reshape_view": lambda t, x: x.reshape(3, 20),
    "reshape_copy": lambda t, x: x.transpose(0, 1).reshape(12, 5),
    "reshape_alias": lambda t, x: x.transpose(0, 1).reshape(4, 3, 5),
    "reshape_alias_expanded": lambda t, x: x[:, :, :1].expand(3, 4, 2).reshape(12, 2),
    "flatten_alias": lambda t, x: x[:, ::2].flatten(0, 1),
    "reshape_as": lambda t, x: x.reshape_as(t.zeros(60)),
    "t": lambda t, x: x[0].t(),
    "t_vector": lambda t, x: x[0, 0].t(),
    "T": lambda t, x: x[0].T,
    "mT": lambda t, x: x.mT,
    "transpose": lambda t, x: x.transpose(0, 2),
    "transpose_neg": lambda t, x: x.transpose(-1, -3),
    "swapaxes": lambda t, x: x.swapaxes(1, 2),
    "permute": lambda t, x: x.permute(2, 0, 1),
    "permute_neg": lambda t, x: x.permute(-1, 0, -2),
    "flip": lambda t, x: x.flip(0, 2),  # (a copy, not a view: its gradient is checked here too)
    "reversed": lambda t, x: reversed(x.mT),
    "unsqueeze": lambda t, x: x.unsqueeze(1),
    "unsqueeze_end": lambda t, x: x.unsqueeze(-1),
    "flatten": lambda t, x: x.flatten(),
    "flatten_dims": lambda t, x: x.flatten(1),
    "flatten_noop": lambda t, x: x.flatten(1, 1),
    "flatten_transposed": lambda t, x: x.transpose(0, 2).flatten(),
    "narrow": lambda t, x: x.narrow(1, 1, 2),
    "narrow_neg": lambda t, x: x.narrow(-1, 2, 3),
    "contiguous_copy": lambda t, x: x.transpose(0, 1).contiguous(),
    "contiguous_noop": lambda t, x: x.contiguous(),
    "clone": lambda t, x: x.clone(),
    "clone_transposed": lambda t, x: x.transpose(0, 1).clone(),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", VIEWS)
def test_view_ops(name: str, dtype: Any) -> None:
    check_grad(VIEWS[name], randn(3, 4, 5, dtype=dtype), depth=2)


@pytest.mark.parametrize("name", VIEWS)
def test_view_ops_of_non_contiguous_input(name: str) -> None:
    """The input itself a strided view (every other column of a transposed matrix)."""
    check_grad(lambda t, x: VIEWS[name](t, x.transpose(0, 2)[:, :, ::2]), randn(5, 4, 6), depth=2)


SQUEEZES: dict[str, Fn] = {
    "squeeze": lambda t, x: x.squeeze(),
    "squeeze_dim": lambda t, x: x.squeeze(1),
    "squeeze_neg": lambda t, x: x.squeeze(-1),
    "squeeze_not_one": lambda t, x: x.squeeze(0),
    "squeeze_dims": lambda t, x: x.squeeze((3, 1)),
    "flatten_0d": lambda t, x: x[0, 0, 0, 0].flatten(),
}


@pytest.mark.parametrize("name", SQUEEZES)
def test_squeeze(name: str) -> None:
    check_grad(SQUEEZES[name], randn(3, 1, 4, 1), depth=2)


EXPANDS: dict[str, Fn] = {
    "expand": lambda t, x: x.expand(3, 4),
    "expand_keep": lambda t, x: x.expand(-1, 4),
    "expand_new_dims": lambda t, x: x.expand(2, 3, 4),
    "expand_as": lambda t, x: x.expand_as(t.zeros(5, 3, 4)),
    "broadcast_to": lambda t, x: t.broadcast_to(x, (2, 3, 4)),
    "expand_of_slice": lambda t, x: x[:2].expand(2, 6),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", EXPANDS)
def test_expand(name: str, dtype: Any) -> None:
    """Every repeat of an element adds into that element's gradient."""
    check_grad(EXPANDS[name], randn(3, 1, dtype=dtype), depth=2)


SCALAR_AND_EMPTY: dict[str, Fn] = {
    "view": lambda t, s, e: (s.view(1), e.view(-1, 2)),
    "reshape": lambda t, s, e: (s.reshape(()), e.t().reshape(6, 0)),
    "none": lambda t, s, e: (s[None], e[:, None]),
    "ellipsis": lambda t, s, e: (s[...], e[...]),
    "expand": lambda t, s, e: (s.expand(3), e[:, :1].expand(0, 5)),
    "squeeze": lambda t, s, e: (s.squeeze(), s.unsqueeze(0).squeeze(0), e.squeeze()),
    "flatten": lambda t, s, e: (s.flatten(), e.flatten()),
    # (not s.T: it warns once per process in both libraries, so whether a warning shows here
    # depends on which test ran first)
    "t": lambda t, s, e: (s.t(), e.t()),
    "stack": lambda t, s, e: (t.stack([s, s * 2]), t.stack([e, e], 1)),
    "cat": lambda t, s, e: t.cat([e, e], 1),
    "split": lambda t, s, e: (e.split(1, 1)[2], e.unbind(1)[0]),
    "index": lambda t, s, e: (s[None][[0, 0]], e[[], 1:]),
    "gather": lambda t, s, e: s.gather(0, t.tensor(0)),
    "index_select": lambda t, s, e: s.index_select(0, t.tensor([0])),
    "clone": lambda t, s, e: (s.clone(), e.clone(), s.double()),
}


@pytest.mark.parametrize("name", SCALAR_AND_EMPTY)
def test_scalar_and_empty(name: str) -> None:
    """A 0-d tensor and a tensor with no elements (shape (0, 3))."""
    check_grad(SCALAR_AND_EMPTY[name], randn(), randn(0, 3), depth=2)


def test_views_still_share_memory_when_recorded() -> None:
    def views(t: Any, x: Any) -> Any:
        y = x.requires_grad_() * 1
        vs = (y.view(12), y.t(), y[1:], y[0], y[:, None], y.expand(2, 3, 4), y.split(2)[1])
        with t.no_grad():
            y.add_(1)  # seen through every view, which shares y's version counter
        return [(v, v._version) for v in vs], y._version

    check(views, randn(3, 4))
    # and in picotorch the views are views of y's very array
    x = picotorch.randn(3, 4, requires_grad=True)
    y = x * 1
    for v in (y.view(12), y.t(), y[1:], y[0], y[:, None], y.expand(2, 3, 4), y.split(2)[1]):
        assert np.shares_memory(v._data, y._data)


def test_view_strides_when_recorded() -> None:
    """The step-by-step path that autograd takes gives views torch's strides."""

    def strides(t: Any, x: Any) -> Any:
        x.requires_grad_()
        views = (x[:, None], x[0, None], x[..., None, 0], x[None, 1:, ::2], x.unsqueeze(2), x.mT)
        return [v.stride() for v in views]

    check(strides, randn(3, 4, 5))


# ---------------------------------------------------------------------- split, chunk, unbind
MULTI: dict[str, Fn] = {
    "split": lambda t, x: x.split(2, 1),
    "split_uneven": lambda t, x: x.split(3, -1),
    "split_sizes": lambda t, x: x.split([1, 3], 1),
    "chunk": lambda t, x: x.chunk(2, 1),
    "chunk_uneven": lambda t, x: x.chunk(3, 2),
    "unbind": lambda t, x: x.unbind(1),
    "unbind_neg": lambda t, x: x.unbind(-1),
    "split_first_only": lambda t, x: x.split(2, 1)[0],
    "split_last_only": lambda t, x: x.split(1, 0)[-1],
    "split_sizes_middle": lambda t, x: x.split([1, 2, 1], 1)[1],
    "chunk_some": lambda t, x: x.chunk(3, 2)[::2],
    "unbind_one": lambda t, x: x.unbind(2)[3],
    "unbind_two": lambda t, x: (x.unbind(0)[2], x.unbind(0)[0]),
    "split_reused": lambda t, x: x.split(2, 1)[0] * x.split(2, 1)[0],
    "split_pieces_combined": lambda t, x: (lambda p: p[0] + 2 * p[1])(x.split(2, 1)),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", MULTI)
def test_multi_output(name: str, dtype: Any) -> None:
    """One node with one output per piece; pieces not used get zero gradient."""
    check_grad(MULTI[name], randn(3, 4, 5, dtype=dtype), depth=2)


def test_chunk_of_empty_dim() -> None:
    check_grad(lambda t, x: x.chunk(2)[1], randn(0, 3), depth=2)


# ---------------------------------------------------------------------- cat, stack
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat(dim: int) -> None:
    check_grad(lambda t, a, b: t.cat([a, b, a], dim), randn(2, 3), randn(2, 3), depth=2)


def test_cat_different_lengths_and_non_contiguous() -> None:
    check_grad(lambda t, a, b: t.cat([a.t(), b], 1), randn(4, 2), randn(2, 3), depth=2)


def test_cat_some_inputs_without_grad() -> None:
    check_grad(lambda t, a, b: t.cat([a, b], 0), NoGrad(randn(2, 3)), randn(1, 3), depth=2)


def test_cat_mixed_dtypes() -> None:
    """Each input's gradient comes back in its own dtype."""
    check_grad(lambda t, a, b: t.cat([a, b], 0), randn(2, 3, dtype=F32), randn(1, 3), depth=2)


def test_cat_skips_legacy_empty_inputs() -> None:
    check_grad(lambda t, a, e: t.cat([a, e, a], 1), randn(2, 3), randn(0), depth=2)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_stack(dim: int) -> None:
    check_grad(lambda t, a, b: t.stack([a, b, a], dim), randn(2, 3), randn(2, 3), depth=2)


def test_stack_mixed() -> None:
    check_grad(
        lambda t, a, b, c: t.stack([a, b, c]),
        randn(2, 3, dtype=F32),
        NoGrad(randn(2, 3)),
        randn(3, 2).T,
        depth=2,
    )


# ---------------------------------------------------------------------- indexing
MASK = rng.random((3, 4)) > 0.5
MASK[0, 0] = True  # never empty

GETITEM: dict[str, Fn] = {
    "int": lambda t, x: x[0],
    "int_neg": lambda t, x: x[-1],
    "slice": lambda t, x: x[:, 1:],
    "slice_full": lambda t, x: x[:],
    "slice_step": lambda t, x: x[::2],
    "slices": lambda t, x: x[1:3, ::2],
    "slice_clamped": lambda t, x: x[:, 0:100],
    "slice_empty": lambda t, x: x[:, 2:2],
    "ellipsis": lambda t, x: x[...],
    "full_slices": lambda t, x: x[:, :],
    # torch skips a slice as the whole dim only as written: start 0 or none, step 1 or none,
    # stop none or past the end; a negative start that reaches the first row still slices
    "full_slices_long_stop": lambda t, x: x[0:3, :99],
    "full_slices_negative_start": lambda t, x: x[:, -4:],
    # (two ellipses: torch takes them, and the slice lands past the last dim)
    "two_ellipses": lambda t, x: x[..., ..., :],
    "ellipsis_int": lambda t, x: x[..., 0],
    "two_ints": lambda t, x: x[0, 1],
    "three_ints": lambda t, x: x[0, 1, 2],
    "int_slice_int": lambda t, x: x[1, :, 2],
    "chained": lambda t, x: x[0][1],
    "none": lambda t, x: x[None],
    "none_second": lambda t, x: x[:, None],
    "int_none": lambda t, x: x[0, None],
    "ellipsis_none_int": lambda t, x: x[..., None, 0],
    "none_none": lambda t, x: x[None, 1:, None],
    "tensor_int": lambda t, x: x[t.tensor(1)],
    "true": lambda t, x: x[True],
    "false": lambda t, x: x[False],
    "list": lambda t, x: x[[0, 1]],
    "list_repeated": lambda t, x: x[[0, 2, 0, 0]],
    "tensor_index": lambda t, x: x[t.tensor([[2, 0], [2, 2]])],
    "list_second_dim": lambda t, x: x[:, [0, 3, 3]],
    "slice_then_list": lambda t, x: x[1:, [0, 0]],
    "int_then_list": lambda t, x: x[0, [1, 1, 2]],
    "int_slice_list": lambda t, x: x[0, :, [0, 1]],
    "list_slice_int": lambda t, x: x[[0, 1], :, 0],
    "lists_paired": lambda t, x: x[[0, 1, 0], [1, 1, 1]],
    "list_none": lambda t, x: x[[0, 1], None],
    "none_list": lambda t, x: x[:, None, [0, 1]],
    "mask": lambda t, x: x[t.from_numpy(MASK.copy())],
    "mask_then_int": lambda t, x: x[t.from_numpy(MASK.copy()), 0],
    "mask_then_none": lambda t, x: x[t.from_numpy(MASK.copy()), None],
    "mask_1d": lambda t, x: x[:, t.tensor([True, False, True, True])],
    "list_of_lists": lambda t, x: x[[[1], [2]]],  # read as x[[1], [2]] (deprecated, warns)
    "list_with_none": lambda t, x: x[[0, None]],
    "list_with_slice": lambda t, x: x[[slice(None)]],
    "empty_list": lambda t, x: x[[]],
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", GETITEM)
def test_getitem(name: str, dtype: Any) -> None:
    """Names and edges as torch chains them (``x[0, 1]`` is two SelectBackward0 nodes)."""
    check_grad(GETITEM[name], randn(3, 4, 5, dtype=dtype), depth=3)


@pytest.mark.parametrize("name", GETITEM)
def test_getitem_without_grad_same_result(name: str) -> None:
    """The fast path (no autograd) gives what torch gives too, shapes included."""
    check(GETITEM[name], randn(3, 4, 5))


@pytest.mark.parametrize("name", ["int", "slice", "list_repeated", "mask", "int_slice_list"])
def test_getitem_of_non_contiguous(name: str) -> None:
    check_grad(lambda t, x: GETITEM[name](t, x.permute(2, 1, 0).mT), randn(5, 4, 3), depth=3)


@pytest.mark.parametrize(
    "index",
    [(3,), (0, 4), (slice(None), -5), (0, 0, 0, 0), ([0, 3],), (slice(None), [0, 4])],
    ids=repr,
)
def test_getitem_errors_with_grad(index: tuple[Any, ...]) -> None:
    check_grad(lambda t, x: x[index], randn(3, 4, 5), raises=IndexError)


# index tensors checked as torch's index kernels check them: the first index out of range in
# output order (tensor by tensor within an element), numbered among the index tensors (a mask
# counts its dims); an index into a dim of no elements; nothing checked for an empty result
GATHER_CHECKS = {
    "second_tensor_first": ((2, 4), ([0, 9], [9, 0])),
    "first_tensor": ((2, 4), ([5, 1], [9, 0])),
    "broadcast_order": ((2, 4), ([[0], [1]], [0, 9])),
    "after_a_slice": ((2, 3, 4), (slice(None), [0, 7], [1, 1])),
    "after_a_mask": ((2, 3, 4), ("mask", [9])),
    "after_ellipsis": ((3, 4, 3), (Ellipsis, [3])),
    "negative": ((3,), ([-4],)),
    "into_no_elements": ((0, 3), ([1],)),
    "into_no_elements_empty_result": ((0, 3), ([1], slice(0, 0))),
    "into_a_dim_of_no_elements": ((3, 0), (slice(None), [5])),
    "empty_result_unchecked": ((4, 3), ([-5, 9], slice(3, None))),
    "other_dim_empty_unchecked": ((2, 0, 3), ([5], slice(None), [1])),
    "empty_index": ((3,), ([],)),
}


def _gather_index(t: Any, items: tuple[Any, ...]) -> tuple[Any, ...]:
    mask = t.tensor([[True, False, True], [True, True, True]])
    return tuple(
        mask if i == "mask" else t.tensor(i, dtype=t.long) if type(i) is list else i for i in items
    )


@pytest.mark.parametrize("name", GATHER_CHECKS)
def test_index_tensors_checked_as_torch(name: str) -> None:
    shape, items = GATHER_CHECKS[name]
    check(lambda t: t.zeros(shape)[_gather_index(t, items)], same_message=True)
    check(lambda t: _set(t.zeros(shape), _gather_index(t, items), 1.0), same_message=True)
    check_grad(lambda t, x: (x * 1)[_gather_index(t, items)], randn(*shape))


def test_getitem_error_message_names_the_dim() -> None:
    check_grad(
        lambda t, x: x[0, 9], randn(3, 4, 5), raises=IndexError, match="for dimension 1 with size 4"
    )


# ---------------------------------------------------------------------- setitem
def _set(target: Any, index: Any, value: Any) -> Any:
    target[index] = value
    return target


# (index, value shape): the value's path (ViewBackward0 / ExpandBackward0 or none) and the
# node (CopySlices, IndexPutBackward0, CopyBackwards, FillBackward3) follow torch's choices
SETITEM_CASES = [
    (0, (4, 5)),
    (0, (5,)),
    (0, (1, 4, 5)),
    (0, (1, 1, 5)),
    (0, ()),
    ((slice(None), 1), (3, 5)),
    ((1, slice(None, None, 2)), (3, 1)),
    (None, (3, 4, 5)),
    ([0, 1], (2, 4, 5)),
    ([0, 0], (5,)),
    ([0, 1], (1, 2, 4, 5)),
    ([2, 1], ()),
    ((0, [0, 1]), (2, 5)),
    ((2, slice(None, None, 2), [0, 2, 1]), (2, 3)),
    ((slice(None), None, [0, 1]), (1, 3, 5)),
    (Ellipsis, (3, 4, 5)),
    (Ellipsis, (5,)),
    (Ellipsis, ()),
    (slice(None), (3, 4, 5)),
    ((slice(None), slice(None)), (4, 5)),
    ((slice(0, 99), slice(None, None, 1)), (4, 5)),
    ((slice(None), slice(-4, None)), (4, 5)),
    (slice(-3, None), ()),
    ((Ellipsis, Ellipsis, slice(None)), (5,)),
]


@pytest.mark.parametrize(("index", "shape"), SETITEM_CASES, ids=repr)
def test_setitem(index: Any, shape: tuple[int, ...]) -> None:
    check_grad(lambda t, x, v: _set(x * 1, index, v), randn(3, 4, 5), randn(*shape), depth=3)


@pytest.mark.parametrize(("index", "shape"), SETITEM_CASES, ids=repr)
def test_setitem_into_tensor_without_grad(index: Any, shape: tuple[int, ...]) -> None:
    fn = lambda t, x, v: _set(t.zeros(3, 4, 5, dtype=t.float64), index, v)  # noqa: E731
    check_grad(fn, NoGrad(randn(3, 4, 5)), randn(*shape), depth=3)
    check(fn, randn(3, 4, 5), randn(*shape))  # and with no autograd at all


SETITEM: dict[str, Fn] = {
    "number": lambda t, x, v: _set(x * v, (0, 0), 5.0),
    "number_everywhere": lambda t, x, v: _set(x * v, Ellipsis, 5.0),
    "number_advanced": lambda t, x, v: _set(x * v, [0], 5.0),
    "mask": lambda t, x, v: _set(x * 1, x > 0, v[0, 0]),
    "other_dtype": lambda t, x, v: _set(x.float() * 1, 1, v[0]),
    "value_from_target": lambda t, x, v: _set(x * v, 0, x[1] * 2),
    "repeated": lambda t, x, v: _set(_set(x * 1, 0, v[1]), (slice(None), 0), v[:, 1]),
}


@pytest.mark.parametrize("name", SETITEM)
def test_setitem_more(name: str) -> None:
    check_grad(SETITEM[name], randn(3, 4), randn(3, 4), depth=3)


# ---------------------------------------------------------------------- gather, scatter ...
GATHER_INDEX = idx([[0, 0, 3], [1, 2, 1], [3, 3, 3]])  # repeats: gradients must add up

INDEXING: dict[str, Fn] = {
    "gather": lambda t, x, i: x.gather(1, i),
    "gather_dim0": lambda t, x, i: x.gather(0, i[:, :2].clamp(max=2)),
    "gather_neg_dim": lambda t, x, i: t.gather(x, -1, i[:2]),
    "gather_small_index": lambda t, x, i: x.gather(1, i[:2, :1]),
    "index_select": lambda t, x, i: x.index_select(1, i[0]),
    "index_select_repeats": lambda t, x, i: x.index_select(0, i[:, 0].clamp(max=2)),
    "index_select_neg": lambda t, x, i: t.index_select(x, -1, i[2]),
    "scatter_value": lambda t, x, i: x.scatter(1, i[:, :1], 2.5),
    "scatter_value_repeats": lambda t, x, i: x.scatter(1, i, -1.0),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", INDEXING)
def test_indexing_ops(name: str, dtype: Any) -> None:
    check_grad(INDEXING[name], randn(3, 4, dtype=dtype), GATHER_INDEX, depth=2)


def test_gather_of_non_contiguous() -> None:
    check_grad(lambda t, x, i: x.t().gather(1, i), randn(4, 3), GATHER_INDEX, depth=2)


SCATTER_INDEX = idx([[2, 0, 3], [1, 3, 0], [0, 1, 2]])  # no repeats within a row

SCATTERS: dict[str, Fn] = {
    "scatter": lambda t, x, s, i: x.scatter(1, i, s),
    "scatter_dim0": lambda t, x, s, i: x.scatter(0, i[:, :1] % 3, s),
    "scatter_add": lambda t, x, s, i: x.scatter_add(1, i, s),
    "scatter_add_repeats": lambda t, x, s, i: x.scatter_add(1, i * 0 + 1, s),
    "scatter_add_neg_dim": lambda t, x, s, i: t.scatter_add(x, -1, i, s),
}


@pytest.mark.parametrize("name", SCATTERS)
def test_scatter_ops(name: str) -> None:
    check_grad(SCATTERS[name], randn(3, 4), randn(3, 3), SCATTER_INDEX, depth=2)


@pytest.mark.parametrize("name", ["scatter", "scatter_add"])
def test_scatter_src_without_grad(name: str) -> None:
    check_grad(SCATTERS[name], randn(3, 4), NoGrad(randn(3, 3)), SCATTER_INDEX, depth=2)
    check_grad(SCATTERS[name], NoGrad(randn(3, 4)), randn(3, 3), SCATTER_INDEX, depth=2)


@pytest.mark.parametrize("name", ["scatter", "scatter_add"])
def test_scatter_index_smaller_than_src_fails_in_backward(name: str) -> None:
    """torch refuses to give ``src`` a gradient of the index's (smaller) shape."""
    check_grad(
        lambda t, x, s, i: SCATTERS[name](t, x, s, i[:2, :1]),
        randn(3, 4),
        randn(3, 3),
        SCATTER_INDEX,
        raises=RuntimeError,
        match="returned an invalid gradient at index 1",
    )


def test_scatter_reduce_has_no_derivative() -> None:
    check_grad(
        lambda t, x, s, i: x.scatter(1, i, s, reduce="add"),
        randn(3, 4),
        randn(3, 3),
        SCATTER_INDEX,
        raises=RuntimeError,
        match="derivative for aten::scatter is not implemented",
    )


@pytest.mark.parametrize(
    "fn",
    [
        # an empty index: torch checks neither its dtype nor any shape (but scatter still
        # checks src's dtype), and writes nothing
        lambda t, x: x.gather(0, t.zeros(0, 2, dtype=t.int64)),
        lambda t, x: x.gather(0, t.zeros(0, 2)),
        lambda t, x: x[:1, :1].gather(0, t.zeros(0, 4, dtype=t.int64)),
        lambda t, x: x.scatter(0, t.zeros(0, 4, dtype=t.int64), t.ones(0, 4)),
        lambda t, x: x.scatter(0, t.zeros(0), x * 2),
    ],
)
def test_gather_and_scatter_of_an_empty_index(fn: Fn) -> None:
    check_grad(fn, randn(3, 4))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t.zeros(3, dtype=t.int64).scatter_(0, t.zeros(0, dtype=t.int64), t.ones(3)),
        # a number is converted as torch's fill converts it (its range checked)
        lambda t: t.zeros(2).scatter(0, t.tensor([0]), 1e40),
        lambda t: t.zeros(2, dtype=t.uint8).scatter(0, t.tensor([0]), -1),
        lambda t: t.zeros(2, dtype=t.uint8).scatter(0, t.tensor([0]), 300),
        lambda t: t.zeros(2, dtype=t.int32).scatter(0, t.tensor([0]), float("nan")),
        lambda t: t.zeros(2).scatter(0, t.tensor([0]), 2**64),
        lambda t: t.zeros(2, dtype=t.int64).scatter(0, t.tensor([0]), value=2**63),
        lambda t: t.zeros(2, dtype=t.float16).scatter(0, t.tensor([0]), 1e5),
        lambda t: t.zeros(2, dtype=t.uint8).masked_fill(t.tensor([True, False]), t.tensor(300)),
        lambda t: t.zeros(2, dtype=t.float16).masked_fill(t.tensor([True, False]), t.tensor(1e5)),
        lambda t: t.zeros(2, dtype=t.int32).masked_fill(t.tensor([True, False]), t.tensor(2.7)),
        lambda t: t.nonzero([1, 0]),
    ],
)
def test_scatter_and_masked_fill_values_as_torch(fn: Callable[[Any], Any]) -> None:
    check(fn, same_message=True)


def test_where_takes_a_uint8_condition() -> None:
    def fn(t: Any, x: Any) -> Any:
        condition = t.tensor([[1, 0, 1, 0]] * 3, dtype=t.uint8)
        with warnings.catch_warnings():  # (warned once per process: see the next test)
            warnings.simplefilter("ignore")
            return t.where(condition, x, 0.0), x.where(condition, -x)

    check_grad(fn, randn(3, 4))


_UINT8_WHERE = """
import warnings
import {lib} as L
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(2):
        L.where(L.tensor([1, 0], dtype=L.uint8), 1.0, 2.0)
print([str(w.message) for w in caught])
"""


def test_where_of_a_uint8_condition_warns_once_per_process() -> None:
    said = printed_by_each(_UINT8_WHERE)
    assert said["picotorch"] == said["torch"]
    assert said["torch"].count("deprecated") == 1


MASKED: dict[str, Fn] = {
    "masked_fill": lambda t, x, v, m: x.masked_fill(m, 0.5),
    "masked_fill_broadcast_mask": lambda t, x, v, m: x[0].masked_fill(m, 0.5),
    "masked_fill_tensor": lambda t, x, v, m: x.masked_fill(m, v),
    "masked_fill_tensor_f32": lambda t, x, v, m: x.masked_fill(m, v.float()),
    "masked_fill_function": lambda t, x, v, m: t.masked_fill(x.t(), m.t(), v),
}


@pytest.mark.parametrize("name", MASKED)
def test_masked_fill(name: str) -> None:
    check_grad(MASKED[name], randn(3, 4), randn(), MASK, depth=2)


# ---------------------------------------------------------------------- in place
INPLACE: dict[str, Fn] = {
    "scatter_": lambda t, x, s, i: (x * 1).scatter_(1, i, s),
    "scatter_value_": lambda t, x, s, i: (x * 1).scatter_(1, i, 3.0),
    "scatter_add_": lambda t, x, s, i: (x * 1).scatter_add_(1, i, s),
    "scatter_add_into_plain": lambda t, x, s, i: t.zeros(3, 4).scatter_add_(1, i, s * x[:, :3]),
    "masked_fill_": lambda t, x, s, i: (x * 1).masked_fill_(x > 0, 0.0),
    "masked_fill_tensor_": lambda t, x, s, i: (x * 1).masked_fill_(x > 0, s[0, 0]),
    "t_": lambda t, x, s, i: (x * 1).t_(),
    "copy_": lambda t, x, s, i: t.zeros(3, 3).copy_(s),
    "copy_broadcast_dtype": lambda t, x, s, i: t.zeros(2, 3, 4, dtype=t.float32).copy_(x),
    "copy_onto_non_leaf": lambda t, x, s, i: (x[:, :3] * 2).copy_(s),
    "copy_number_src": lambda t, x, s, i: (x * 2).copy_(t.tensor(1.0)),
}


@pytest.mark.parametrize("name", INPLACE)
def test_inplace(name: str) -> None:
    """The rebased node is named as torch's (``TBackward1``, ``CopyBackwards`` ...)."""
    check_grad(INPLACE[name], randn(3, 4), randn(3, 3), SCATTER_INDEX, depth=2)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: x.t_(),
        lambda t, x: x.copy_(t.zeros(3, 4)),
        lambda t, x: x.scatter_(1, t.tensor([[0]]), 1.0),
        lambda t, x: x.masked_fill_(x > 0, 0.0),
        lambda t, x: x.__setitem__(0, 1.0),
    ],
)
def test_inplace_on_leaf_refused(fn: Fn) -> None:
    check_grad(fn, randn(3, 4), raises=RuntimeError, match="leaf Variable that requires grad")


def test_copy_into_int_tensor_is_not_recorded() -> None:
    check_grad(lambda t, x: t.zeros(3, 4, dtype=t.int64).copy_(x), randn(3, 4))


def test_saved_index_modified_in_place() -> None:
    def fn(t: Any, x: Any, i: Any) -> Any:
        y = x.gather(1, i)
        i.add_(0)
        return y

    check_grad(fn, randn(3, 4), GATHER_INDEX, raises=RuntimeError, match="modified by an inplace")


# ---------------------------------------------------------------------- conversions
CONVERSIONS: dict[str, Fn] = {
    "to_float64": lambda t, x: x.to(t.float64),
    "to_float32": lambda t, x: x.to(t.float32),
    "to_float16": lambda t, x: x.to(t.float16),
    "double": lambda t, x: x.double(),
    "float": lambda t, x: x.float(),
    "to_copy_same_dtype": lambda t, x: x.to(x.dtype, copy=True),
    "type_as": lambda t, x: x.type_as(t.zeros(1, dtype=t.float64)),
    "to_int": lambda t, x: x.long(),
    "round_trip": lambda t, x: x.double().float() * x,
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", CONVERSIONS)
def test_conversions(name: str, dtype: Any) -> None:
    """The gradient comes back converted to the input's own dtype."""
    tolerance = 1e-3 if name == "to_float16" else None
    check_grad(CONVERSIONS[name], randn(3, 4, dtype=dtype), depth=2, rtol=tolerance, atol=tolerance)


# ---------------------------------------------------------------------- second order
def _squared(op: Fn) -> Fn:
    """``op(x)**2``: the gradient flowing into ``op``'s node depends on x, so differentiating
    the first gradient runs ``op``'s backward formula's own backward."""

    def fn(t: Any, *args: Any) -> Any:
        y = op(t, *args)
        return y * y

    return fn


SECOND_ORDER: dict[str, Fn] = {
    **{name: VIEWS[name] for name in ("view", "reshape_copy", "t", "permute", "clone")},
    **{name: GETITEM[name] for name in ("int", "slices", "ellipsis", "int_none", "list_repeated")},
    "mask": GETITEM["mask"],
    "squeeze": lambda t, x: x[:, :1].squeeze(1),
    "expand": lambda t, x: x[:, :1].expand(3, 4, 5),
    "split": lambda t, x: x.split(2, 1)[1],
    "unbind": lambda t, x: x.unbind(2)[1],
    "cat": lambda t, x: t.cat([x, x[:1]], 0),
    "stack": lambda t, x: t.stack([x, x * 2], 1),
    "gather": lambda t, x: x[0].gather(1, t.from_numpy(GATHER_INDEX.copy())),
    "index_select": lambda t, x: x.index_select(1, t.tensor([0, 3, 0])),
    "masked_fill": lambda t, x: x.masked_fill(x > 0, 1.0),
    "scatter_add": lambda t, x: x[0].scatter_add(
        1, t.from_numpy(SCATTER_INDEX.copy()), x[1, :, :3]
    ),
    "scatter": lambda t, x: x[0].scatter(1, t.from_numpy(SCATTER_INDEX.copy()), x[1, :, :3]),
    "to": lambda t, x: x.to(t.float32),
    "setitem": lambda t, x: _set(x[0] * 1, 1, x[1, 2] * 3),
    "setitem_advanced": lambda t, x: _set(x[0] * 1, [1, 1], x[1, 2]),
    "copy_": lambda t, x: (x[0] * 1).copy_(x[1, 2].double()),
    "masked_fill_tensor": lambda t, x: x[0].masked_fill(x[0] > 0, x[1, 1, 1]),
}


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_order(name: str) -> None:
    check_grad(_squared(SECOND_ORDER[name]), randn(3, 4, 5), second_order=True)


@pytest.mark.parametrize("index", [[], [0, 0], [1]], ids=repr)
def test_index_select_of_scalar_errors(index: list[int]) -> None:
    check_grad(
        lambda t, s: s.index_select(0, t.tensor(index, dtype=t.int64)), randn(), raises=Exception
    )


SCALAR_ERRORS: dict[str, tuple[Fn, str]] = {
    "expand_no_size": (lambda t, s: s.expand(), "missing 1 required positional arguments"),
    "narrow": (lambda t, s: s.narrow(0, 0, 1), "narrow() cannot be applied to a 0-dim tensor."),
    "split": (lambda t, s: s.split(1), "split expects at least a 1-dimensional tensor"),
    "chunk": (lambda t, s: s.chunk(2), "chunk expects at least a 1-dimensional tensor"),
    "unbind": (lambda t, s: s.unbind(0), "Dimension specified as 0 but tensor has no dimensions"),
    "transpose": (lambda t, s: s.transpose(0, 1), "expected to be in range of [-1, 0]"),
}


@pytest.mark.parametrize("name", SCALAR_ERRORS)
def test_scalar_errors(name: str) -> None:
    fn, message = SCALAR_ERRORS[name]
    check_grad(fn, randn(), raises=Exception, match=message)


def test_transpose_of_scalar() -> None:
    check_grad(lambda t, s: (s.transpose(0, -1), s.T, s.mT), randn(), depth=2)


_SCALAR_TRANSPOSES = """
import warnings
import {lib} as L
x = L.tensor(2.0)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    seen = [x.mT is x, x.T is x, x.mT is x, x.T is x]
print(seen, [str(w.message) for w in caught])
"""


def test_transposes_of_a_scalar_warn_once_per_process() -> None:
    # mT of a 0-d tensor is the tensor itself, T a view of it; each warns once per process
    said = printed_by_each(_SCALAR_TRANSPOSES)
    assert said["picotorch"] == said["torch"]
    assert said["torch"].count("deprecated") == 2
