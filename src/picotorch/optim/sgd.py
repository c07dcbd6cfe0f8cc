"""Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

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
)


class SGD(Optimizer):
    """``p ← p - lr * g``, where g is the gradient, or with ``momentum`` a running sum of them.

    With weight decay λ the gradient is first ``g + λ p``; with momentum μ and dampening τ the
    buffer is ``b ← μ b + (1 - τ) g`` (the first step sets ``b = g``), and the step uses ``b``
    (Nesterov: ``g + μ b``). ``maximize=True`` climbs instead of descending.

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> (w * w).sum().backward()
    >>> torch.optim.SGD([w], lr=0.1).step()
    >>> w
    tensor([0.8000, 1.6000], requires_grad=True)
    """

    _later_options: ClassVar[dict[str, Any]] = {
        "nesterov": False,
        "maximize": False,
        "foreach": None,
        "differentiable": False,
        "fused": False,
    }

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_tensor_lr(lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,  # accepted for compatibility: there is one implementation
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_variants("SGD", defaults)

    # --8<-- [start:step]
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once."""
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, momentum = _scalar(group["lr"]), _number(group["momentum"])
            dampening, weight_decay = _number(group["dampening"]), _number(group["weight_decay"])
            nesterov = group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue  # not used by the last backward: left as it is
                # The maths runs on the NumPy arrays, in torch's order (see optimizer.py).
                param, g = p._data, p.grad._data
                if group["maximize"]:
                    g = -g
                if weight_decay != 0:
                    g = _decayed(g, weight_decay, param)
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:  # the first step: the buffer starts as the gradient
                        buf = state["momentum_buffer"] = _state_tensor(g.copy(order="K"))
                    else:  # buf = momentum * buf + (1 - dampening) * g
                        buf._data *= momentum
                        buf._data += g if dampening == 0 else (1 - dampening) * g
                        _bump(buf, buf)  # two in-place ops, as torch's mul_ then add_
                    g = g + momentum * buf._data if nesterov else buf._data
                param -= lr * g
                _bump(p)
        return loss

    # --8<-- [end:step]
