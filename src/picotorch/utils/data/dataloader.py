"""DataLoader: iterate over a dataset in (shuffled) batches.

Each epoch (each ``for batch in loader``) asks the sampler for indices, groups them into
batches (``BatchSampler``), fetches the samples and collates them into tensors. With
``shuffle=True`` the order comes from the same random draws as torch's, so a seeded loader
gives torch's batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from ... import _random
from ._collate import default_collate, default_convert
from .dataset import Dataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


class DataLoader:
    """Batches of samples from ``dataset``: ``for x, y in DataLoader(data, batch_size=64,
    shuffle=True): ...``.

    picotorch loads in the main process: ``num_workers`` is accepted and gives the same batches,
    in the same order, as torch's worker processes would.

    >>> data = TensorDataset(torch.arange(10.0), torch.arange(10))
    >>> loader = DataLoader(data, batch_size=4)
    >>> len(loader)
    3
    >>> next(iter(loader))
    [tensor([0., 1., 2., 3.]), tensor([0, 1, 2, 3])]
    """

    def __init__(
        self,
        dataset: Dataset[Any],
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler[Any] | Iterable[Any] | None = None,
        batch_sampler: Sampler[Any] | Iterable[list[Any]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: _random.Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let "
                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None:
            if shuffle:
                sampler = RandomSampler(dataset, generator=generator)  # type: ignore[arg-type]
            else:
                sampler = SequentialSampler(dataset)  # type: ignore[arg-type]
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    @property
    def _auto_collation(self) -> bool:
        """Whether samples are batched (there is a batch sampler) or handed out one by one."""
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self) -> _SingleProcessDataLoaderIter:
        return _SingleProcessDataLoaderIter(self)

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        return len(self._index_sampler)


class _SingleProcessDataLoaderIter:
    """One pass over a DataLoader (one epoch)."""

    def __init__(self, loader: DataLoader) -> None:
        self._loader = loader
        self._sampler_iter = iter(loader._index_sampler)
        # torch draws a base seed for its worker processes when an epoch starts, workers or
        # not; drawing it too keeps the random stream (and so the shuffles) in step with torch.
        self._base_seed = int(_random.random_full((), np.int64, loader.generator))

    def __iter__(self) -> Iterator[Any]:
        return self

    def __len__(self) -> int:
        return len(self._loader._index_sampler)

    # --8<-- [start:iter]
    def __next__(self) -> Any:
        index = next(self._sampler_iter)  # the next batch of indices (StopIteration at the end)
        return self._fetch(index)  # the samples, collated into tensors

    def _fetch(self, index: Any) -> Any:
        """The batch for a list of indices (or, without batching, the sample at one index)."""
        dataset, collate_fn = self._loader.dataset, self._loader.collate_fn
        if not self._loader._auto_collation:
            return collate_fn(dataset[index])
        if collate_fn is default_collate:  # a TensorDataset builds the batch in one go
            fast = getattr(dataset, "_collated_batch", None)
            batch = fast(index) if fast is not None else None
            if batch is not None:
                return batch
        getitems = getattr(dataset, "__getitems__", None)
        samples = getitems(index) if getitems else [dataset[i] for i in index]
        return collate_fn(samples)

    # --8<-- [end:iter]
