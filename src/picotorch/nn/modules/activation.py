"""Activation modules: ``nn.ReLU``, ``nn.Sigmoid``, ``nn.Tanh``, ``nn.Softmax``,
``nn.LogSoftmax``. Each just calls the function of the same name."""

from __future__ import annotations

from ..._ops import pointwise as _pw
from ..._tensor import Tensor
from .. import functional as F  # noqa: N812 - the name every torch user knows
from .module import Module


class ReLU(Module):
    """``max(0, x)`` element-wise; ``inplace=True`` overwrites the input."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` element-wise."""

    def forward(self, input: Tensor) -> Tensor:
        return _pw.sigmoid(input)


class Tanh(Module):
    """``tanh(x)`` element-wise."""

    def forward(self, input: Tensor) -> Tensor:
        return _pw.tanh(input)


class Softmax(Module):
    """Rescales ``dim`` so that its entries are positive and sum to 1."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, computed stably."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
