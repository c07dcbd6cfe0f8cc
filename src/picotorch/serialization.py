"""``torch.save`` and ``torch.load``, for what tutorials save: a model's or an optimizer's
``state_dict``, tensors, and plain containers of them (or, with ``weights_only=False``, a whole
model).

The file is a pickle of the object (torch wraps its pickle in a zip archive: the two libraries
cannot read each other's files). As in torch, ``load`` unpickles only tensors, numbers, strings
and containers by default (``weights_only=True``): unpickling anything else can run code that
came with the file.
"""

from __future__ import annotations

import os
import pickle
from typing import IO, Any

from . import _dtype
from ._device import check_device

# What a weights-only file may name: containers, dtypes, sizes and devices, and how a tensor
# and its NumPy array rebuild
_WEIGHTS_ONLY = {
    ("collections", "OrderedDict"),
    ("picotorch._size", "Size"),
    ("picotorch._device", "device"),
    *(
        ("picotorch._dtype", name)
        for name, value in vars(_dtype).items()
        if isinstance(value, _dtype.dtype)
    ),
    ("picotorch._tensor", "_rebuild"),
    ("picotorch.nn.parameter", "_rebuild_parameter"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),  # (how pickle protocol 2 writes an array's bytes)
}


def save(obj: Any, f: str | os.PathLike[str] | IO[bytes], pickle_protocol: int = 2) -> None:
    """Write ``obj`` to the file ``f`` (a path, or a file opened for writing bytes)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            pickle.dump(obj, file, protocol=pickle_protocol)
    else:
        pickle.dump(obj, f, protocol=pickle_protocol)


def load(
    f: str | os.PathLike[str] | IO[bytes],
    map_location: Any = None,
    *,
    weights_only: bool | None = None,
    **pickle_load_args: Any,
) -> Any:
    """Read back what ``save`` wrote. ``map_location`` may only name the CPU here."""
    if map_location is not None and not callable(map_location):
        check_device(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _load(file, weights_only is not False, pickle_load_args)
    return _load(f, weights_only is not False, pickle_load_args)


def _load(file: IO[bytes], weights_only: bool, pickle_load_args: dict[str, Any]) -> Any:
    if not weights_only:
        return pickle.load(file, **pickle_load_args)
    return _WeightsUnpickler(file, **pickle_load_args).load()


class _WeightsUnpickler(pickle.Unpickler):
    """An unpickler that builds only what a weights-only file may hold (``_WEIGHTS_ONLY``)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _WEIGHTS_ONLY:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            "Weights only load failed. This file can still be loaded: re-running `torch.load` "
            "with `weights_only` set to `False` will likely succeed, but it can result in "
            "arbitrary code execution. Do it only if you got the file from a trusted source.\n"
            f"\tWeightsUnpickler error: Unsupported global: GLOBAL {module}.{name} was not an "
            "allowed global by default."
        )
