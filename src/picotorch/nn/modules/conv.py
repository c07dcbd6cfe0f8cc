"""``nn.Conv2d``: a 2-D convolution layer (the maths is ``F.conv2d``)."""

from __future__ import annotations

import math
from typing import Any

from ..._creation import empty, empty_like
from ..._memory_format import contiguous_format
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .. import functional as F  # noqa: N812 - the name every torch user knows
from .. import init
from ..parameter import Parameter
from .module import Module
from .utils import _pair

_PADDING_STRINGS = {"same", "valid"}
_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class Conv2d(Module):
    """Slides ``out_channels`` learned filters of shape ``(in_channels // groups, kH, kW)``
    over an ``(N, C, H, W)`` input.

    >>> conv = nn.Conv2d(1, 6, 5)
    >>> conv(torch.zeros(1, 1, 32, 32)).shape
    torch.Size([1, 6, 28, 28])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        kernel_size, stride, dilation = _pair(kernel_size), _pair(stride), _pair(dilation)
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in _PADDING_STRINGS:
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}"
                )
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _pair(padding)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {_PADDING_MODES}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = False
        self.output_padding = (0, 0)
        self.groups = groups
        self.padding_mode = padding_mode
        # for padding modes other than zeros, F.pad pads first: (left, right, top, bottom)
        self._reversed_padding_repeated_twice = _pad_amounts(padding, kernel_size, dilation)
        self.weight = Parameter(
            empty((out_channels, in_channels // groups, *kernel_size), device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's default initialisation (the same as Linear's, with fan_in = C·kH·kW)."""
        if self.weight.is_contiguous():
            init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        else:  # (a channels-last weight: torch draws the values in row-major order, then copies)
            row_major = empty_like(self.weight, memory_format=contiguous_format)
            init.kaiming_uniform_(row_major, a=math.sqrt(5))
            with no_grad():
                self.weight.copy_(row_major)
        if self.bias is not None:  # (drawn even with no fan-in: the stream moves on, as torch's)
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return F.conv2d(
                padded, self.weight, self.bias, self.stride, (0, 0), self.dilation, self.groups
            )
        return F.conv2d(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        s += f", stride={self.stride}"
        if self.padding != (0, 0):  # (a string such as 'same' prints as it is)
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


def _pad_amounts(
    padding: Any, kernel_size: tuple[int, ...], dilation: tuple[int, ...]
) -> list[int]:
    """The padding as F.pad wants it: last dim first, each as (before, after)."""
    if padding == "valid":
        return [0, 0, 0, 0]
    if padding == "same":  # total d·(k-1) per dim, the odd one out going after
        amounts = []
        for d, k in zip(reversed(dilation), reversed(kernel_size), strict=True):
            total = d * (k - 1)
            amounts += [total // 2, total - total // 2]
        return amounts
    return [p for p in reversed(padding) for _ in range(2)]
