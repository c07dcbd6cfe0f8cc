"""Switching autograd's recording on and off: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

picotorch runs on one thread, so the switch is a module-level flag (torch keeps one per thread).
Every op reads it before recording a graph node, which is why it is a plain global: the cheapest
thing to read on the hot path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# --8<-- [start:flag]
_enabled = True


def is_grad_enabled() -> bool:
    """Whether ops on tensors that require grad are being recorded."""
    return _enabled


def _set_enabled(mode: bool) -> None:
    global _enabled
    _enabled = bool(mode)


class _GradMode:
    """A context manager (and decorator) that sets the flag and restores it on exit."""

    mode = True

    def __enter__(self) -> None:
        self._previous = _enabled
        _set_enabled(self.mode)

    def __exit__(self, *exc: object) -> None:
        _set_enabled(self._previous)

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):  # noqa: N801 - torch's name
    """Inside ``with torch.no_grad():`` ops record nothing: results don't require grad."""

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Turn recording back on inside a ``no_grad`` block."""

    mode = True


# --8<-- [end:flag]


class set_grad_enabled(_GradMode):  # noqa: N801
    """``set_grad_enabled(False)`` switches recording off now; as a context manager, until exit."""

    def __init__(self, mode: bool) -> None:
        self._previous = _enabled
        self.mode = bool(mode)
        _set_enabled(mode)

    def __enter__(self) -> None:
        _set_enabled(self.mode)

    def __call__(self, func: F) -> F:
        _set_enabled(self._previous)  # as a decorator, it only applies inside the function
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
