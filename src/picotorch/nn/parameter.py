"""``nn.Parameter``: a tensor that a Module registers as something to train.

A Parameter is an ordinary Tensor in every respect but one: assigning it as an attribute of a
Module (``self.weight = nn.Parameter(...)``) makes the module list it in ``parameters()``,
which is how an optimizer finds what to update. A plain tensor assigned the same way is just an
attribute (a cache, a constant).
"""

from __future__ import annotations

from typing import Any, cast

from .._creation import empty
from .._tensor import Tensor, _rebuild


# --8<-- [start:parameter]
class Parameter(Tensor):
    """A leaf tensor that requires grad (by default) and that Modules register.

    >>> p = nn.Parameter(torch.tensor([1., 2.]))
    >>> p
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = empty(0)
        _check_tensor(data)
        if requires_grad and not data._dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        # the same memory and version counter as ``data`` (like ``detach()``), but a new leaf
        p = cast(Parameter, cls._make(data._data, data._version_counter))
        p._requires_grad = bool(requires_grad)
        return p

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    # --8<-- [end:parameter]

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        if id(self) in memo:
            return cast(Parameter, memo[id(self)])
        copy = type(self)(self.data.clone(), self._requires_grad)
        memo[id(self)] = copy
        return copy

    def __reduce__(self) -> Any:
        return (_rebuild_parameter, (self._data.copy(order="K"), self._requires_grad))


def _check_tensor(data: Any) -> None:
    """torch detaches what it is given (``data.detach()``): anything but a tensor fails there,
    with Python's own AttributeError."""
    if not isinstance(data, Tensor):
        _ = data.detach
        raise TypeError(f"expected a Tensor, not {type(data).__name__}")


def _rebuild_parameter(data: Any, requires_grad: bool) -> Parameter:
    """Unpickle a Parameter (see ``Parameter.__reduce__``): a tensor as ``_rebuild`` makes it
    (at version 1), which the Parameter shares."""
    return Parameter(_rebuild(data, False), requires_grad)


class Buffer(Tensor):
    """A tensor that a Module registers as (persistent, by default) state, not as a parameter:
    ``self.running_mean = nn.Buffer(torch.zeros(3))`` is ``register_buffer`` by assignment.

    (torch returns a plain Tensor marked as a buffer; picotorch returns this subclass.)
    """

    persistent: bool

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Buffer:
        if data is None:
            data = empty(0)
        _check_tensor(data)
        b = cast(Buffer, cls._make(data._data, data._version_counter))
        b._requires_grad = data._requires_grad
        b.persistent = persistent
        return b
