"""Datasets: ``dataset[i]`` is the i-th sample and ``len(dataset)`` how many there are."""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, Generic, TypeVar

import numpy as np

from ... import _random
from ..._creation import randperm
from ..._tensor import Tensor

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: subclass it and define ``__getitem__`` (and ``__len__``).

    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 5
    ...     def __getitem__(self, i):
    ...         return i * i
    >>> Squares()[3]
    9
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[Any]) -> ConcatDataset[Any]:
        return ConcatDataset([self, other])


# --8<-- [start:tensor_dataset]
class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are rows: ``dataset[i]`` is ``(t[i] for t in tensors)``.

    >>> x, y = torch.arange(6.0).reshape(3, 2), torch.tensor([0, 1, 0])
    >>> TensorDataset(x, y)[1]
    (tensor([2., 3.]), tensor(1))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)

    def _collated_batch(self, indices: list[int]) -> list[Tensor] | None:
        """A whole batch at once, as ``default_collate`` would build it from the samples.

        Stacking the rows ``t[i]`` of a batch gives ``t[indices]``: one ``take`` per tensor
        instead of a Python loop over the samples. None means "use the general path": for a
        subclass with its own ``__getitem__``, for tensors that require grad (stacking records
        autograd's node) and for indices that are not all valid.
        """
        rows = np.asarray(indices)
        if (
            type(self).__getitem__ is not TensorDataset.__getitem__
            or rows.dtype.kind != "i"
            or any(t.requires_grad for t in self.tensors)
        ):
            return None
        try:
            return [Tensor._make(t._data.take(rows, axis=0)) for t in self.tensors]
        except IndexError:  # an index out of range: t[i] raises torch's error
            return None


# --8<-- [end:tensor_dataset]


class ConcatDataset(Dataset[T_co]):
    """Several datasets one after the other (``dataset1 + dataset2`` makes one)."""

    def __init__(self, datasets: Sequence[Dataset[Any]]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        self.cumulative_sizes = list(accumulate(len(d) for d in self.datasets))  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i]`` is
    ``dataset[indices[i]]``."""

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__:
            # the DataLoader fetches batches through __getitems__, which would bypass it
            raise NotImplementedError(
                f"{cls.__name__} overrides __getitem__ but not __getitems__. When subclassing "
                "Subset and overriding __getitem__, you must also override __getitems__ to "
                "ensure DataLoader works correctly with your custom logic. A simple "
                "implementation:\n\ndef __getitems__(self, indices):\n    return "
                "[self.__getitem__(idx) for idx in indices]"
            )

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """A batch of samples (the DataLoader asks for batches this way when it can)."""
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def _collated_batch(self, indices: list[int]) -> Any:
        """The underlying dataset's fast batch (see ``TensorDataset``), if it has one."""
        collated = getattr(self.dataset, "_collated_batch", None)
        if collated is None or type(self).__getitems__ is not Subset.__getitems__:
            return None
        return collated([self.indices[i] for i in indices])

    def __len__(self) -> int:
        return len(self.indices)


def random_split(
    dataset: Dataset[Any],
    lengths: Sequence[int | float],
    generator: _random.Generator | None = _random.default_generator,
) -> list[Subset[Any]]:
    """Split ``dataset`` at random into non-overlapping subsets of the given ``lengths``.

    ``lengths`` are sizes, or fractions summing to 1: each split then gets
    ``floor(fraction * len(dataset))`` samples and the few left over go one each to the first
    splits in turn. The split is one ``randperm`` of the whole dataset, the same as torch's for
    the same seed:

    >>> g = torch.Generator().manual_seed(0)
    >>> train, test = random_split(range(10), [0.8, 0.2], generator=g)
    >>> len(train), len(test)
    (8, 2)
    """
    n = len(dataset)  # type: ignore[arg-type]
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):  # the remainder, round-robin
            sizes[i % len(sizes)] += 1
        lengths = sizes
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    UserWarning,
                    stacklevel=2,
                )
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    # (torch's randperm: lengths summing to a float, [3.0, 7.0], are its TypeError)
    indices = randperm(sum(lengths), generator=generator).tolist()  # type: ignore[arg-type]
    ends = list(accumulate(int(length) for length in lengths))
    return [
        Subset(dataset, indices[end - int(length) : end])
        for end, length in zip(ends, lengths, strict=True)
    ]
