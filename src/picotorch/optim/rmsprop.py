"""RMSprop: steps divided by a running average of the gradient's square."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from .._tensor import Tensor
from .adam import _lerp
from .optimizer import (
    Optimizer,
    ParamsT,
    _bump,
    _check_tensor_lr,
    _check_variants,
    _decayed,
    _number,
    _scalar,
    _state_tensor,
    _step_counter,
)


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture notes, 2012): ``square_avg`` v is a running average of g²
    (``v ← α v + (1 - α) g²``), and each step is ``p ← p - lr * g / (sqrt(v) + eps)``: a
    parameter whose gradients are large takes smaller steps. ``centered`` divides by the
    variance (v minus the squared running average of g) instead; ``momentum`` keeps a buffer
    ``b ← momentum * b + g / (sqrt(v) + eps)`` and steps by it."""

    _later_options: ClassVar[dict[str, Any]] = {
        "momentum": 0,
        "centered": False,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }
    _tensor_steps = True

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_tensor_lr(lr)
        for name, value in (
            ("learning rate", lr),
            ("epsilon value", eps),
            ("momentum value", momentum),
            ("weight_decay value", weight_decay),
            ("alpha value", alpha),
        ):
            if not value >= 0.0:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,  # accepted for compatibility: there is one implementation
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
        _check_variants("RMSprop", defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The state of a parameter's first step: zero averages (and buffer), step 0."""
        state = self.state[p]
        if not state:
            state["step"] = _step_counter()
            state["square_avg"] = _state_tensor(np.zeros_like(p._data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = _state_tensor(np.zeros_like(p._data))
            if group["centered"]:
                state["grad_avg"] = _state_tensor(np.zeros_like(p._data))
        return state

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once."""
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, alpha, eps = _scalar(group["lr"]), _number(group["alpha"]), _number(group["eps"])
            weight_decay, momentum = _number(group["weight_decay"]), _number(group["momentum"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p, group)
                g = -p.grad._data if group["maximize"] else p.grad._data
                state["step"]._data += 1
                _bump(state["step"])
                if weight_decay != 0:
                    g = _decayed(g, weight_decay, p._data)
                v = state["square_avg"]
                v._data *= alpha  # v ← α v + (1 - α) g²
                v._data += (1 - alpha) * g * g
                _bump(v, v)
                if group["centered"]:  # the variance: v minus the squared average of g
                    g_avg = state["grad_avg"]
                    _lerp(g_avg._data, g, 1 - alpha)
                    _bump(g_avg)
                    avg = np.sqrt(v._data - g_avg._data * g_avg._data)
                else:
                    avg = np.sqrt(v._data)
                avg += eps
                if momentum > 0:
                    b = state["momentum_buffer"]
                    b._data *= momentum
                    b._data += g / avg
                    _bump(b, b)
                    p._data += -lr * b._data
                else:
                    p._data += (-lr * g) / avg
                _bump(p)
        return loss
