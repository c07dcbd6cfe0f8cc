"""Switching autograd's recording on and off: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

picotorch runs on one thread, so the switch is a module-level flag (torch keeps one per thread).
Every op reads it before recording a graph node, which is why it is a plain global: the cheapest
thing to read on the hot path.
"""

from __future__ import annotations

import functools
import inspect
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

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        """``@torch.no_grad`` decorates without the parentheses too, as in torch."""
        manager = super().__new__(cls)
        return manager if func is None else manager(func)

    def __enter__(self) -> None:
        self._previous = _enabled
        _set_enabled(self.mode)

    def __exit__(self, *exc: object) -> None:
        _set_enabled(self._previous)

    def __call__(self, func: F) -> F:
        return _decorate(func, self.__class__)


class no_grad(_GradMode):  # noqa: N801 - torch's name
    """Inside ``with torch.no_grad():`` ops record nothing: results don't require grad."""

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Turn recording back on inside a ``no_grad`` block."""

    mode = True


# --8<-- [end:flag]


class set_grad_enabled(_GradMode):  # noqa: N801
    """``set_grad_enabled(False)`` switches recording off now; as a context manager, until exit."""

    def __new__(cls, mode: bool) -> set_grad_enabled:
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        if type(mode) is not bool:
            raise TypeError(
                "set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                f"{type(mode).__name__}"
            )
        self._previous = _enabled
        self.mode = mode
        _set_enabled(mode)

    def __enter__(self) -> None:
        _set_enabled(self.mode)

    def __call__(self, func: F) -> F:
        _set_enabled(self._previous)  # as a decorator, it only applies inside the function
        mode = self.mode
        return _decorate(func, lambda: set_grad_enabled(mode))


def _decorate(func: F, manager: Callable[[], Any]) -> F:
    """``func`` run inside ``with manager():``. A generator function's code runs inside it each
    time the generator resumes, not in between: the caller's mode holds at each ``yield``, as in
    torch."""
    if inspect.isgeneratorfunction(func):

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Any:
            steps = func(*args, **kwargs)
            resume = functools.partial(steps.send, None)
            while True:
                with manager():
                    try:
                        value = resume()
                    except StopIteration as stop:
                        return stop.value
                # what the caller does to this generator, done to ``steps`` inside the mode
                try:
                    resume = functools.partial(steps.send, (yield value))
                except GeneratorExit:
                    with manager():
                        steps.close()
                    raise
                except BaseException as error:
                    resume = functools.partial(steps.throw, error)

        return generator  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with manager():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
