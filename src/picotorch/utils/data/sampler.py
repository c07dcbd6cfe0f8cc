"""Samplers: iterables of dataset indices, which decide the order a DataLoader visits samples in."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sized
from typing import Any, Generic, TypeVar

import numpy as np

from ... import _random

T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class: a sampler is iterated for indices (and usually has a ``len``)."""

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """0, 1, 2, … ``len(data_source) - 1``: the order of the dataset."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _seeded_generator(generator: _random.Generator | None) -> _random.Generator:
    """``generator``, or else a fresh one seeded from the default generator, as torch does.

    torch draws the seed as ``torch.empty((), dtype=torch.int64).random_()``: one 64-bit
    number, which moves the global random stream exactly as much as in torch.
    """
    if generator is not None:
        return generator
    seed = int(_random.random_full((), np.int64))
    return _random.Generator().manual_seed(seed)


class RandomSampler(Sampler[int]):
    """The indices in a random order: a new ``randperm`` each time it is iterated (each epoch).

    With ``replacement=True``, ``num_samples`` independent draws instead (``randint``, in
    chunks of 32 as torch takes them).
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: _random.Generator | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        # The permutations come as whole lists, chained: the indices then flow out at C speed,
        # and nothing is drawn before the first index is asked for (as in torch).
        return itertools.chain.from_iterable(self._index_lists())

    def _index_lists(self) -> Iterator[list[int]]:
        n = len(self.data_source)
        generator = _seeded_generator(self.generator)
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield _random.randint(0, n, (32,), np.int64, generator).tolist()
            tail = self.num_samples % 32
            yield _random.randint(0, n, (tail,), np.int64, generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield _random.randperm(n, np.int64, generator).tolist()
            tail = self.num_samples % n
            # torch draws one more permutation even when it keeps none of it (tail 0). That
            # only shows in a generator the user gave; a private one is thrown away unseen.
            if tail or self.generator is not None:
                yield _random.randperm(n, np.int64, generator).tolist()[:tail]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given ``indices``, in a random order (a new one each epoch)."""

    def __init__(self, indices: Any, generator: _random.Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in _random.randperm(len(self.indices), np.int64, self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler[list[int]]):
    """Groups another sampler's indices into lists of ``batch_size`` (the last one shorter,
    or dropped with ``drop_last=True``).

    >>> list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6]]
    """

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        indices = iter(self.sampler)
        batch = list(itertools.islice(indices, self.batch_size))
        while batch and (len(batch) == self.batch_size or not self.drop_last):
            yield batch
            batch = list(itertools.islice(indices, self.batch_size))

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        if self.drop_last:
            return n // self.batch_size
        return (n + self.batch_size - 1) // self.batch_size
