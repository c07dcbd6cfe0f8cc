"""Small helpers the layers share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def _pair(x: Any) -> tuple[Any, ...]:
    """``3`` becomes ``(3, 3)``; a tuple or list is kept (as a tuple): kernel sizes, strides."""
    if isinstance(x, Iterable):
        return tuple(x)
    return (x, x)
