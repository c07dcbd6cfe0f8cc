"""torch.nn.functional: the stateless ops that nn's modules call (``F.relu``, ``F.linear`` ...).

The ops themselves live in ``picotorch/_ops/`` with their backward passes; this module gathers
them under torch's names, and adds what torch.nn.functional adds in Python: ``relu``'s
``inplace=`` and the deprecated implicit ``dim`` of ``softmax``/``log_softmax``.
"""

from __future__ import annotations

import warnings

from .._dtype import dtype as _dtype
from .._ops import activation as _activation
from .._ops import pointwise as _pointwise
from .._ops.activation import dropout
from .._ops.conv import adaptive_avg_pool2d, avg_pool2d, conv2d, max_pool2d, pad
from .._ops.linalg import linear
from .._ops.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
    one_hot,
)
from .._ops.normalization import batch_norm
from .._size import int_arg
from .._tensor import Tensor

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "l1_loss",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "pad",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))`` elementwise: ``input.sigmoid()`` (as torch's, no ``out=``)."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """``tanh(x)`` elementwise: ``input.tanh()``."""
    return input.tanh()


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)`` elementwise; ``inplace=True`` overwrites ``input`` (``input.relu_()``)."""
    return input.relu_() if inplace else _pointwise.relu(input)


def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """The dim torch picks when none is given (0 for 0-, 1- and 3-d inputs, else 1), with its
    deprecation warning: say ``dim=`` explicitly."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype | None = None
) -> Tensor:
    """``exp(x) / exp(x).sum(dim)`` along ``dim`` (see ``torch.softmax``)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    elif type(dim) is not int:  # (torch calls the method: its dim is argument 1)
        dim = int_arg(dim, "softmax", "dim", 1)
    return _activation.softmax(input, dim, dtype)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype | None = None
) -> Tensor:
    """``log(softmax(x))`` along ``dim``, computed stably (see ``torch.log_softmax``)."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    elif type(dim) is not int:  # (torch calls the method: its dim is argument 1)
        dim = int_arg(dim, "log_softmax", "dim", 1)
    return _activation.log_softmax(input, dim, dtype)
