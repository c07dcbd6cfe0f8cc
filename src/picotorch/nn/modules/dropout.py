"""``nn.Dropout``: zeroes random elements while training, does nothing in eval mode."""

from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F  # noqa: N812 - the name every torch user knows
from .module import Module


class Dropout(Module):
    """In training mode, zero each element with probability ``p`` and scale the rest by
    ``1/(1-p)`` (so the expected value is unchanged); in eval mode, the identity."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
