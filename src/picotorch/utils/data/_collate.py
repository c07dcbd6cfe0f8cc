"""Collation: turning a list of samples into one batch (``default_collate``).

A batch of tensors becomes one tensor with a new first dimension (``stack``); Python floats
become a float64 tensor, ints an int64 tensor (bools a bool tensor), NumPy arrays tensors;
strings stay a list. Containers are collated field by field: a list of ``(x, y)`` samples gives
``[xs, ys]``, a list of dicts a dict of batches.
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import _creation, _dtype
from ..._ops.shape import stack
from ..._tensor import Tensor

# NumPy dtypes that hold text or Python objects (dtype.str like '<U5', '|S3', '|O'): no tensor
_TEXT_OR_OBJECT = re.compile(r"[SaUO]")

_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)

CollateMap = dict[type | tuple[type, ...], Callable[..., Any]]


def default_convert(data: Any) -> Any:
    """What the DataLoader does to each sample without batching: NumPy arrays and NumPy
    scalars become tensors (inside containers too); anything else is left as it is."""
    if isinstance(data, Tensor):
        return data
    kind = type(data)
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "bytes_"):
        if isinstance(data, np.ndarray) and _TEXT_OR_OBJECT.search(data.dtype.str):
            return data
        return _creation.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a namedtuple
        return kind(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


def collate_tensor_fn(batch: list[Tensor], *, collate_fn_map: CollateMap | None = None) -> Tensor:
    return stack(batch, 0)


def collate_numpy_array_fn(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Any:
    if _TEXT_OR_OBJECT.search(batch[0].dtype.str):
        raise TypeError(_ERROR.format(batch[0].dtype))
    return collate([_creation.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Any:
    return _creation.as_tensor(np.array(batch))


def collate_float_fn(batch: list[float], *, collate_fn_map: CollateMap | None = None) -> Tensor:
    return _creation.tensor(batch, dtype=_dtype.float64)


def collate_int_fn(batch: list[int], *, collate_fn_map: CollateMap | None = None) -> Tensor:
    return _creation.tensor(batch)


def collate_str_fn(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Any:
    return batch


default_collate_fn_map: CollateMap = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,  # bool is an int: a batch of bools gives a bool tensor
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def collate(batch: Any, *, collate_fn_map: CollateMap | None = None) -> Any:
    """Collate ``batch`` (a list of samples): by the type of its first sample, with the
    function ``collate_fn_map`` gives for that type (exact type first, then base classes in
    the map's order), or field by field for dicts, namedtuples and sequences."""
    elem = batch[0]
    kind = type(elem)
    if collate_fn_map is not None:
        if kind in collate_fn_map:
            return collate_fn_map[kind](batch, collate_fn_map=collate_fn_map)
        for key, fn in collate_fn_map.items():
            if isinstance(elem, key):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        fields = {
            key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem
        }
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(fields)
            return clone
        return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return kind(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch, strict=True)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # each column is a tuple of values (so a column of strings stays a tuple, as in torch)
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch, strict=True)]
        if isinstance(elem, collections.abc.MutableSequence):
            same_kind = copy.copy(elem)
            same_kind[:] = columns
            return same_kind
        return columns  # tuples (and other sequences) give a list
    raise TypeError(_ERROR.format(kind))


def default_collate(batch: Any) -> Any:
    """The DataLoader's default way of making one batch from a list of samples.

    >>> default_collate([(torch.tensor([1.0, 2.0]), 0), (torch.tensor([3.0, 4.0]), 1)])
    [tensor([[1., 2.],
            [3., 4.]]), tensor([0, 1])]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
