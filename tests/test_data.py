"""torch.utils.data parity: datasets, samplers, default_collate, random_split and the DataLoader,
each run on picotorch and on torch (orders, batches, dtypes, errors, and the random stream)."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
import pytest
from parity import Raw, check

import picotorch
from picotorch.utils.data import TensorDataset

Point = namedtuple("Point", ["x", "y"])


def _xy(lib: Any, n: int = 10) -> Any:
    """A TensorDataset of n float32 rows (3 features) and int64 labels."""
    x = lib.arange(n * 3, dtype=lib.float32).reshape(n, 3)
    y = lib.arange(n) % 3
    return lib.utils.data.TensorDataset(x, y)


def _epochs(lib: Any, loader: Any, epochs: int) -> Any:
    """Every batch of a few epochs, and a draw from the global stream after each epoch."""
    out = []
    for _ in range(epochs):
        out.append(list(loader))
        out.append(lib.rand(2))  # the loader must leave the random stream where torch does
    return out


# ---------------------------------------------------------------------- DataLoader order
@pytest.mark.parametrize("n", [1, 5, 64, 100, 1437])
@pytest.mark.parametrize("batch_size", [1, 7, 64])
@pytest.mark.parametrize("seed", [0, 1, 42])
def test_shuffle_order_matches_torch(n: int, batch_size: int, seed: int) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(seed)
        data = lib.utils.data.TensorDataset(lib.arange(n))
        loader = lib.utils.data.DataLoader(data, batch_size=batch_size, shuffle=True)
        return _epochs(lib, loader, 3)

    check(fn)


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("drop_last", [False, True])
def test_shuffle_with_a_generator(seed: int, drop_last: bool) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(123)
        g = lib.Generator().manual_seed(seed)
        loader = lib.utils.data.DataLoader(
            _xy(lib, 23), batch_size=5, shuffle=True, generator=g, drop_last=drop_last
        )
        return _epochs(lib, loader, 3), len(loader)

    check(fn)


def test_iterator_draws_its_seed_when_created() -> None:
    # torch draws the workers' base seed in iter(loader), the sampler's seed at the first batch
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        loader = lib.utils.data.DataLoader(_xy(lib, 9), batch_size=4, shuffle=True)
        it = iter(loader)
        between = lib.rand(1)
        return between, list(it), len(it)

    check(fn)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"batch_size": 4},
        {"batch_size": 4, "drop_last": True},
        {"batch_size": 3, "shuffle": False},
        {"batch_size": 20},
    ],
    ids=str,
)
def test_batches_without_shuffle(options: dict[str, Any]) -> None:
    def fn(lib: Any) -> Any:
        loader = lib.utils.data.DataLoader(_xy(lib), **options)
        return list(loader), len(loader)

    check(fn)


def test_tensor_dataset_batches_are_fetched_in_one_go(monkeypatch: pytest.MonkeyPatch) -> None:
    # no per-sample indexing: __getitem__ is never called while batching a TensorDataset
    def refuse(self: Any, index: Any) -> Any:
        raise AssertionError("TensorDataset.__getitem__ called during batching")

    expected = check(lambda lib: list(lib.utils.data.DataLoader(_xy(lib), batch_size=4)))
    monkeypatch.setattr(TensorDataset, "__getitem__", refuse)
    loader = picotorch.utils.data.DataLoader(_xy(picotorch), batch_size=4)
    for got, want in zip(loader, expected, strict=True):
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g.numpy(), w.numpy(), strict=True)


def test_batch_of_rows_is_a_new_contiguous_tensor() -> None:
    def fn(lib: Any) -> Any:
        x = lib.arange(12.0).reshape(4, 3).t()  # a transposed (non-contiguous) dataset tensor
        xb, yb = next(iter(lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, x), 2)))
        xb[0, 0] = 100.0
        return xb.is_contiguous(), xb.stride(), x, yb

    check(fn)


def test_tensor_dataset_that_requires_grad_is_stacked() -> None:
    def fn(lib: Any) -> Any:
        x = lib.arange(6.0).reshape(3, 2).requires_grad_()
        (xb,) = next(iter(lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x), 2)))
        return xb, type(xb.grad_fn).__name__

    check(fn)


def test_index_out_of_range_in_a_batch_sampler() -> None:
    def fn(lib: Any) -> Any:
        loader = lib.utils.data.DataLoader(_xy(lib, 4), batch_sampler=[[0, 9]])
        return list(loader)

    check(fn, raises=IndexError)


def test_subset_from_random_split_through_a_loader() -> None:
    def fn(lib: Any) -> Any:
        g = lib.Generator().manual_seed(3)
        train, test = lib.utils.data.random_split(_xy(lib, 20), [0.75, 0.25], generator=g)
        loader = lib.utils.data.DataLoader(train, batch_size=6, shuffle=True, generator=g)
        return list(loader), list(lib.utils.data.DataLoader(test, batch_size=10)), train[2]

    check(fn)


class Squares:
    """A plain Python dataset (not a Dataset subclass) of (ndarray, int, float, str) samples."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> Any:
        return np.array([i, i * i], dtype=np.float32), i % 2, i / 2, f"s{i}"


@pytest.mark.parametrize("shuffle", [False, True])
def test_custom_dataset_samples_are_collated(shuffle: bool) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(5)
        return list(lib.utils.data.DataLoader(Squares(7), batch_size=3, shuffle=shuffle))

    check(fn)


def test_custom_dataset_subclass_with_getitems() -> None:
    def fn(lib: Any) -> Any:
        class Batched(lib.utils.data.Dataset):
            def __len__(self) -> int:
                return 5

            def __getitem__(self, i: int) -> Any:
                raise AssertionError("__getitems__ should be used")

            def __getitems__(self, indices: list[int]) -> Any:
                return [{"i": i, "sq": lib.tensor([i * i])} for i in indices]

        return list(lib.utils.data.DataLoader(Batched(), batch_size=2))

    # dicts of batches: compare as (key, value) pairs
    check(lambda lib: [sorted(b.items()) for b in fn(lib)])


def test_no_batching_converts_samples() -> None:
    def fn(lib: Any) -> Any:
        return list(lib.utils.data.DataLoader(Squares(3), batch_size=None))

    check(fn)


def test_custom_collate_fn() -> None:
    def fn(lib: Any) -> Any:
        loader = lib.utils.data.DataLoader(_xy(lib, 5), batch_size=2, collate_fn=lambda b: len(b))
        return list(loader)

    check(fn)


def test_num_workers_gives_the_same_batches() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        loader = lib.utils.data.DataLoader(_xy(lib, 11), batch_size=4, shuffle=True, num_workers=2)
        return list(loader)

    check(fn)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"shuffle": True, "sampler": [0, 1]}, "sampler option is mutually exclusive with shuffle"),
        ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually exclusive"),
        ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler option is mutually exclusive"),
        ({"batch_size": None, "drop_last": True}, "batch_size=None option disables auto-batching"),
        ({"num_workers": -1}, "num_workers option should be non-negative"),
        ({"batch_size": 0}, "batch_size should be a positive integer value, but got batch_size=0"),
        ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
        ({"prefetch_factor": 2}, "prefetch_factor option could only be specified in multi"),
        ({"num_workers": 1, "prefetch_factor": -1}, "prefetch_factor option should be non-neg"),
    ],
)
def test_loader_option_errors(options: dict[str, Any], message: str) -> None:
    check(
        lambda lib: lib.utils.data.DataLoader(_xy(lib), **options),
        raises=ValueError,
        match=message,
        same_message=True,
    )


def test_sampler_and_batch_sampler_options() -> None:
    def fn(lib: Any) -> Any:
        data = _xy(lib, 6)
        by_sampler = lib.utils.data.DataLoader(data, batch_size=2, sampler=[5, 0, 3, 1])
        by_batches = lib.utils.data.DataLoader(data, batch_sampler=[[4, 2], [1]])
        return list(by_sampler), len(by_sampler), list(by_batches), len(by_batches)

    check(fn)


# ---------------------------------------------------------------------- default_collate
COLLATE_CASES = {
    "tensors": lambda lib: [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
    "int_tensors": lambda lib: [lib.tensor(1), lib.tensor(2)],
    "floats": lambda lib: [1.5, 2.0, -3.25],
    "float_then_int": lambda lib: [1.5, 2],
    "ints": lambda lib: [1, 2, 3],
    "bools": lambda lib: [True, False],
    "numpy_arrays": lambda lib: [np.array([1, 2]), np.array([3, 4])],
    "numpy_float32_arrays": lambda lib: [np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)],
    "numpy_scalars": lambda lib: [np.float32(1.5), np.float32(2.5)],
    "numpy_float64_scalars": lambda lib: [np.float64(1.5), np.float64(2.5)],
    "numpy_int_scalars": lambda lib: [np.int32(1), np.int32(7)],
    "numpy_bools": lambda lib: [np.bool_(True), np.bool_(False)],
    "strings": lambda lib: ["a", "bc"],
    "tuples": lambda lib: [(lib.tensor([1.0]), 0, "a"), (lib.tensor([2.0]), 1, "b")],
    "lists": lambda lib: [[1, 2.5], [3, 4.5]],
    "nested": lambda lib: [([1, 2], (3.0, "x")), ([4, 5], (6.0, "y"))],
    "namedtuples": lambda lib: [Point(1, 2.0), Point(3, 4.0)],
}


@pytest.mark.parametrize("case", list(COLLATE_CASES))
def test_default_collate(case: str) -> None:
    check(lambda lib: lib.utils.data.default_collate(COLLATE_CASES[case](lib)))


def test_default_collate_dicts() -> None:
    def fn(lib: Any) -> Any:
        batch = [{"a": 1, "b": "x", "c": lib.tensor([1.0])}, {"a": 2, "b": "y", "c": lib.ones(1)}]
        out = lib.utils.data.default_collate(batch)
        return type(out).__name__, list(out.items())

    check(fn)


@pytest.mark.parametrize(
    ("batch", "error", "message"),
    [
        ([None, None], TypeError, "found <class 'NoneType'>"),
        ([[1], [2, 3]], RuntimeError, "each element in list of batch should be of equal size"),
        ([np.array(["a"]), np.array(["b"])], TypeError, "found <U1"),
        ([object()], TypeError, "default_collate: batch must contain tensors"),
    ],
)
def test_default_collate_errors(batch: list[Any], error: type, message: str) -> None:
    check(lambda lib, b: lib.utils.data.default_collate(b), Raw(batch), raises=error, match=message)


def test_default_collate_stack_shape_error() -> None:
    check(
        lambda lib: lib.utils.data.default_collate([lib.zeros(3), lib.zeros(2)]),
        raises=RuntimeError,
        match="stack expects each tensor to be equal size",
    )


@pytest.mark.parametrize(
    "data",
    [np.float32(2.0), (np.array([1]), 2), [np.array([1.0])], np.array(["a"]), "text", 3],
    ids=["np_scalar", "tuple", "list", "str_array", "str", "int"],
)
def test_default_convert(data: Any) -> None:
    def fn(lib: Any, d: Any) -> Any:
        out = lib.utils.data.default_convert(d)
        return out.tolist() if isinstance(out, np.ndarray) else out

    check(fn, Raw(data))


# ---------------------------------------------------------------------- datasets
def test_tensor_dataset_indexing() -> None:
    def fn(lib: Any) -> Any:
        data = _xy(lib, 4)
        return len(data), data[1], data[-1], data[1:3], data[lib.tensor([0, 2])]

    check(fn)


def test_tensor_dataset_size_mismatch() -> None:
    check(
        lambda lib: lib.utils.data.TensorDataset(lib.zeros(3, 2), lib.zeros(4)),
        raises=AssertionError,
        match="Size mismatch between tensors",
        same_message=True,
    )


def test_subset_and_concat() -> None:
    def fn(lib: Any) -> Any:
        a, b = _xy(lib, 4), _xy(lib, 3)
        both = a + b
        sub = lib.utils.data.Subset(both, [6, 0, 4])
        return len(both), both[5], both[-1], len(sub), sub[0], sub[2], list(sub)

    check(fn)


def test_concat_index_too_negative() -> None:
    check(
        lambda lib: (_xy(lib, 2) + _xy(lib, 2))[-5],
        raises=ValueError,
        match="absolute value of index should not exceed dataset length",
    )


def test_dataset_base_class_getitem() -> None:
    check(
        lambda lib: lib.utils.data.Dataset()[0],
        raises=NotImplementedError,
        match="Subclasses of Dataset should implement __getitem__.",
    )


# ---------------------------------------------------------------------- random_split
@pytest.mark.parametrize(
    "fractions",
    [[0.3, 0.7], [0.5, 0.5], [0.3, 0.3, 0.4], [1 / 3, 1 / 3, 1 / 3], [0.25] * 4, [1.0]],
    ids=str,
)
@pytest.mark.parametrize("n", [10, 17])
@pytest.mark.parametrize("seed", [0, 42])
def test_random_split_fractions(fractions: list[float], n: int, seed: int) -> None:
    # floor(fraction * n) each, the remainder handed out round-robin, then one randperm
    def fn(lib: Any) -> Any:
        g = lib.Generator().manual_seed(seed)
        parts = lib.utils.data.random_split(range(n), fractions, generator=g)
        return [list(p.indices) for p in parts], [len(p) for p in parts]

    check(fn)


@pytest.mark.parametrize("lengths", [[3, 7], [10], [0, 10], [5, 2, 3]], ids=str)
@pytest.mark.parametrize("seed", [0, 42])
def test_random_split_lengths(lengths: list[int], seed: int) -> None:
    def fn(lib: Any) -> Any:
        g = lib.Generator().manual_seed(seed)
        parts = lib.utils.data.random_split(_xy(lib, 10), lengths, generator=g)
        return [list(p.indices) for p in parts], [p[0] for p in parts if len(p)]

    check(fn)


def test_random_split_uses_the_default_generator() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(9)
        parts = lib.utils.data.random_split(range(8), [2, 6])
        return [p.indices for p in parts], lib.rand(1)

    check(fn)


def test_random_split_of_a_tiny_dataset_warns() -> None:
    def fn(lib: Any) -> Any:
        g = lib.Generator().manual_seed(0)
        return [p.indices for p in lib.utils.data.random_split(range(1), [0.5, 0.5], g)]

    check(fn)


@pytest.mark.parametrize(
    ("lengths", "message"),
    [
        ([3, 3], "Sum of input lengths does not equal the length of the input dataset!"),
        ([1.5, -0.5], "Fraction at index 0 is not between 0 and 1"),
    ],
)
def test_random_split_errors(lengths: list[Any], message: str) -> None:
    check(
        lambda lib: lib.utils.data.random_split(range(10), lengths),
        raises=ValueError,
        match=message,
        same_message=True,
    )


def test_random_split_lengths_summing_to_a_float() -> None:
    # torch hands sum(lengths) to randperm, which takes no float (picotorch cut it to an int)
    check(
        lambda lib: lib.utils.data.random_split(range(10), [3.0, 7.0]),
        raises=TypeError,
        match="randperm()",
    )


# ---------------------------------------------------------------------- samplers
def test_sequential_and_batch_samplers() -> None:
    def fn(lib: Any) -> Any:
        seq = lib.utils.data.SequentialSampler(range(7))
        keep = lib.utils.data.BatchSampler(seq, batch_size=3, drop_last=False)
        drop = lib.utils.data.BatchSampler(seq, batch_size=3, drop_last=True)
        return list(seq), len(seq), list(keep), len(keep), list(drop), len(drop)

    check(fn)


@pytest.mark.parametrize(
    "options",
    [{}, {"num_samples": 25}, {"num_samples": 4}, {"replacement": True, "num_samples": 70}],
    ids=str,
)
def test_random_sampler(options: dict[str, Any]) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(3)
        sampler = lib.utils.data.RandomSampler(range(10), **options)
        return list(sampler), list(sampler), len(sampler), lib.rand(1)

    check(fn)


def test_subset_random_sampler() -> None:
    def fn(lib: Any) -> Any:
        g = lib.Generator().manual_seed(1)
        sampler = lib.utils.data.SubsetRandomSampler([10, 20, 30, 40], generator=g)
        return list(sampler), list(sampler), len(sampler)

    check(fn)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda L: L.utils.data.RandomSampler(range(3), num_samples=0), ValueError, "num_samples"),
        (lambda L: L.utils.data.RandomSampler(range(3), replacement=1), TypeError, "replacement"),
        (lambda L: L.utils.data.BatchSampler(range(3), 2, drop_last=None), ValueError, "drop_last"),
        (lambda L: L.utils.data.BatchSampler(range(3), True, False), ValueError, "batch_size"),
    ],
)
def test_sampler_errors(make: Any, error: type, message: str) -> None:
    check(make, raises=error, match=message, same_message=True)


def test_tensor_dataset_subclass_with_its_own_getitem_is_respected() -> None:
    def fn(lib: Any) -> Any:
        class Doubled(lib.utils.data.TensorDataset):
            def __getitem__(self, index: Any) -> Any:
                x, y = super().__getitem__(index)
                return x * 2, y

        data = Doubled(lib.arange(6.0), lib.arange(6))
        train, _ = lib.utils.data.random_split(data, [4, 2], lib.Generator().manual_seed(0))
        return list(lib.utils.data.DataLoader(data, 4)), list(lib.utils.data.DataLoader(train, 3))

    check(fn)


def test_subset_subclass_must_override_getitems_too() -> None:
    def fn(lib: Any) -> Any:
        class Shifted(lib.utils.data.Subset):
            def __getitem__(self, idx: Any) -> Any:
                return self.dataset[self.indices[idx] + 1]

        Shifted(_xy(lib), [0, 1])

    check(fn, raises=NotImplementedError, same_message=True)
