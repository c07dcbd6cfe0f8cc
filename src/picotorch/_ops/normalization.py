"""Batch normalization (being built; see issue 4)."""

from __future__ import annotations

from typing import Any


def batch_norm(
    input: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Any:
    raise NotImplementedError
