"""torch.device, and the check every factory and ``.to()`` makes before leaving the CPU."""

from __future__ import annotations

import operator
import re

import numpy as np

from ._size import check_int64, int_arg

# an accelerator's index: a Python or NumPy int (not a bool)
_INDEX = (int, np.integer)

# every device type torch knows by name (picotorch can name them all, but only use the CPU)
_KNOWN_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip


# torch's grammar of a device string (c10's Device): a name of ASCII letters and underscores,
# then perhaps ':' and an index without leading zeros
_DEVICE_STRING = re.compile(r"([A-Za-z_]+)(?::([1-9][0-9]*|0))?")


class device:  # noqa: N801 - torch spells it lower-case
    """Where a tensor's memory lives: ``device('cpu')`` or ``device('cuda', 0)``."""

    __module__ = "picotorch"  # (as torch.device: see Tensor)

    __slots__ = ("index", "type")
    type: str
    index: int | None

    def __init__(self, type: str | device, index: int | None = None) -> None:
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, _INDEX) and not isinstance(type, bool):  # an accelerator's index
            _check_index(operator.index(type))
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got "
                f"({_kind_of(type)}), but expected one of: (torch.device device), (str type, "
                "int index = -1)"
            )
        name, idx = _parse(type)
        if index is not None:
            index = int_arg(index, "device", "index", 2)
            _check_index(index)
        self.type = name
        self.index = idx if idx is not None else index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        # like torch, a device never equals a string: device('cpu') == 'cpu' is False
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def _parse(text: str) -> tuple[str, int | None]:
    """A device string's type and index, checked in torch's order: its grammar, its index (a
    C int), then its type's name."""
    if not text:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{text}'")
    name, digits = match.groups()
    if digits is not None and int(digits) > 2**31 - 1:
        raise RuntimeError(f"Could not parse device index '{digits}' in device string '{text}'")
    if name not in _KNOWN_TYPES:
        raise RuntimeError(
            f"Expected one of {', '.join(_KNOWN_TYPES)} device type at start of device "
            f"string: {name}"
        )
    return name, None if digits is None else int(digits)


CPU = device("cpu")


def _kind_of(value: object) -> str:
    """A value's type as torch's messages name it (its dtypes are ``torch.dtype``)."""
    kind = type(value)
    return "torch.dtype" if kind.__name__ == "dtype" else kind.__name__


def _check_index(index: int) -> None:
    check_int64(index)
    if index < 0:
        raise RuntimeError("Device index must not be negative")


def check_device(d: str | device | None) -> None:
    """picotorch, like a CPU-only build of torch, can only place tensors on the CPU."""
    check_placement(device_arg(d))


def device_arg(d: str | device | None) -> device | None:
    """A ``device=`` argument read as torch's parser reads it: its kind, then its words (an
    unknown type, a bad index); None if not given."""
    if d is None:
        return None
    if isinstance(d, bool) or not isinstance(d, (str, device, *_INDEX)):
        raise TypeError(f"argument 'device' must be torch.device, not {_kind_of(d)}")
    return device(d)


def check_placement(d: device | None) -> None:
    """Refuse any device but the CPU (``None``: the default, the CPU)."""
    if d is None:
        return
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if d.type != "cpu":
        raise RuntimeError(f"picotorch only supports the CPU; cannot use device '{d}'")


def set_default_device(device: str | device | None) -> None:
    """Where new tensors go by default: only the CPU here. (torch accepts ``'cuda'`` on a
    CPU-only build and fails at the next tensor it makes; picotorch fails at once.)"""
    check_device(device)


def get_default_device() -> device:
    return CPU
