"""``nn.Linear`` (``y = x Wᵀ + b``) and ``nn.Identity``."""

from __future__ import annotations

import math
from typing import Any

from ..._creation import empty
from ..._tensor import Tensor
from .. import functional as F  # noqa: N812 - the name every torch user knows
from .. import init
from ..parameter import Parameter
from .module import Module


class Identity(Module):
    """Returns its input unchanged (a placeholder: ``model.fc = nn.Identity()``). Any
    constructor arguments are accepted and ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


# --8<-- [start:linear]
class Linear(Module):
    """A fully connected layer: ``y = x @ weight.T + bias``.

    ``weight`` has shape ``(out_features, in_features)``; both it and ``bias`` start uniform
    in ``±1/sqrt(in_features)``, drawn like torch's so the same seed gives the same layer.

    >>> fc = nn.Linear(4, 3)
    >>> fc(torch.ones(2, 4)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's default initialisation: first the weight, then the bias (the order of the
        random draws matters for reproducing torch's numbers)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = uniform(±1/sqrt(fan_in))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


# --8<-- [end:linear]
