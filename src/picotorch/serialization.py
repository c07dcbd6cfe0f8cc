"""``torch.save`` and ``torch.load``, for what tutorials save: a model's or an optimizer's
``state_dict``, tensors, and plain containers of them (or, with ``weights_only=False``, a whole
model).

The file is a pickle of the object (torch wraps its pickle in a zip archive: the two libraries
cannot read each other's files). As in torch, ``load`` unpickles only tensors, numbers, strings
and containers by default (``weights_only=True``): unpickling anything else can run code that
came with the file. Each tensor is saved with its own copy of its elements, so tensors that
shared memory when saved (``x`` and ``x[1:]``) no longer do once loaded (torch saves the
memory they share once, and keeps them sharing it).
"""

from __future__ import annotations

import os
import pickle
from typing import IO, Any

from . import _dtype
from ._device import device

# How a tensor and a Parameter rebuild (a file that names them holds tensors)
_TENSOR_REBUILDS = {
    ("picotorch._tensor", "_rebuild"),
    ("picotorch.nn.parameter", "_rebuild_parameter"),
}
# What a weights-only file may name: containers, dtypes, sizes and devices, and how a tensor
# and its NumPy array rebuild
_BUILTINS = ("bytes", "bytearray", "set", "complex")
_WEIGHTS_ONLY = {
    ("collections", "OrderedDict"),
    # (named by the module picotorch shows them in; files of older versions, by their own)
    *((module, "Size") for module in ("picotorch", "picotorch._size")),
    *((module, "device") for module in ("picotorch", "picotorch._device")),
    *(
        (module, name)
        for name, value in vars(_dtype).items()
        if isinstance(value, _dtype.dtype)
        for module in ("picotorch", "picotorch._dtype")
    ),
    *_TENSOR_REBUILDS,
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),  # (how pickle protocol 2 writes an array's bytes)
    # builtins that protocol 2 names (as __builtin__): bytes (an empty array's), and those
    # torch's weights-only unpickler also takes
    *((module, name) for module in ("__builtin__", "builtins") for name in _BUILTINS),
}


def save(obj: Any, f: str | os.PathLike[str] | IO[bytes], pickle_protocol: int = 2) -> None:
    """Write ``obj`` to the file ``f`` (a path, or a file opened for writing bytes)."""
    if not isinstance(f, (str, os.PathLike)):
        pickle.dump(obj, f, protocol=pickle_protocol)
        return
    parent = os.path.dirname(os.fspath(f))
    if parent and not os.path.isdir(parent):  # (torch's file writer's words and type)
        raise RuntimeError(f"Parent directory {parent} does not exist.")
    try:
        file = open(f, "wb")  # noqa: SIM115 (closed below; only opening is translated)
    except OSError as error:
        raise RuntimeError(f"open file failed with strerror: {error.strerror}") from None
    with file:
        pickle.dump(obj, file, protocol=pickle_protocol)


def load(
    f: str | os.PathLike[str] | IO[bytes],
    map_location: Any = None,
    *,
    weights_only: bool | None = None,
    **pickle_load_args: Any,
) -> Any:
    """Read back what ``save`` wrote. Its tensors go where ``map_location`` says (a device, its
    name, a dict from the saved location, ``'cpu'``, to another, or a function), which can only
    be the CPU here."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _load(file, map_location, weights_only is not False, pickle_load_args)
    return _load(f, map_location, weights_only is not False, pickle_load_args)


def _load(
    file: IO[bytes], map_location: Any, weights_only: bool, pickle_load_args: dict[str, Any]
) -> Any:
    unpickler = (_WeightsUnpickler if weights_only else _Unpickler)(file, **pickle_load_args)
    loaded = unpickler.load()
    if unpickler.has_tensors:  # (torch restores each tensor's memory: a file without any
        _restore_location(map_location)  # loads wherever map_location points)
    return loaded


def _restore_location(map_location: Any) -> None:
    """torch's check of where a file's tensors go: every tensor picotorch saves was on the CPU,
    and can only go back there."""
    if map_location is None or callable(map_location):  # (a function returns each tensor's
        return  # memory: it can only be the CPU's)
    if isinstance(map_location, dict):
        location = map_location.get("cpu", "cpu")
    elif isinstance(map_location, (str, device)):
        location = str(map_location)
    else:  # (torch calls it)
        raise TypeError(f"'{type(map_location).__name__}' object is not callable")
    if location.startswith("cuda"):
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
            "is False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU."
        )
    if location != "cpu":  # ('cpu:0' too, as in torch)
        raise RuntimeError(
            "don't know how to restore data location of torch.storage.UntypedStorage (tagged "
            f"with {location})"
        )


class _Unpickler(pickle.Unpickler):
    """Python's unpickler, noting whether the file holds tensors (see ``_restore_location``)."""

    has_tensors = False

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _TENSOR_REBUILDS:
            self.has_tensors = True
        return super().find_class(module, name)


class _WeightsUnpickler(_Unpickler):
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
