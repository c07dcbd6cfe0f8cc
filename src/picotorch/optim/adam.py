"""Adam and AdamW: steps scaled by running averages of the gradient and of its square."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from .._tensor import Tensor
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


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): each parameter gets its own step size.

    It keeps ``exp_avg`` m, a running average of the gradient g, and ``exp_avg_sq`` v, one of
    g², and steps ``p ← p - lr * m̂ / (sqrt(v̂) + eps)``, where m̂ and v̂ correct the averages'
    bias towards their zero start. Weight decay adds ``weight_decay * p`` to the gradient
    (``AdamW`` shrinks p directly instead); ``amsgrad`` divides by the largest v seen so far.
    """

    _later_options: ClassVar[dict[str, Any]] = {
        "amsgrad": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "fused": None,
    }
    _tensor_steps = True

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError(
                "lr as a Tensor is not supported for capturable=False and foreach=True"
            )
        _check_tensor_lr(lr)
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not all(isinstance(b, float) for b in betas[:2]) and not all(
            isinstance(b, Tensor) for b in betas[:2]
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, beta in enumerate(betas[:2]):
            if isinstance(beta, Tensor):
                if foreach and not capturable:
                    raise ValueError(
                        f"betas[{i}] as a Tensor is not supported for capturable=False and "
                        "foreach=True"
                    )
                if beta.numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        # (torch keeps tensor betas 0-d)
        beta1, beta2 = (b.squeeze() if isinstance(b, Tensor) and b.dim() else b for b in betas)
        defaults = {
            "lr": lr,
            "betas": (beta1, beta2),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,  # accepted for compatibility: there is one implementation
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        _check_variants(type(self).__name__, defaults)

    def _init_state(self, p: Any, amsgrad: bool) -> dict[str, Any]:
        """The state of a parameter's first step: zero averages, a step counter at 0."""
        state = self.state[p]
        if not state:
            state["step"] = _step_counter()
            state["exp_avg"] = _state_tensor(np.zeros_like(p._data))
            state["exp_avg_sq"] = _state_tensor(np.zeros_like(p._data))
            if amsgrad:
                state["max_exp_avg_sq"] = _state_tensor(np.zeros_like(p._data))
        return state

    # --8<-- [start:step]
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once."""
        loss = self._begin_step(closure)
        for group in self.param_groups:
            # (betas given as tensors: their arithmetic in the tensors' dtype, as torch's)
            lr, (beta1, beta2) = _scalar(group["lr"]), map(_scalar, group["betas"])
            eps, weight_decay = _number(group["eps"]), _number(group["weight_decay"])
            amsgrad = group["amsgrad"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p, amsgrad)
                param, g = p._data, p.grad._data
                m, v = state["exp_avg"], state["exp_avg_sq"]
                if group["maximize"]:
                    g = -g
                state["step"]._data += 1
                _bump(state["step"])
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:  # AdamW: shrink the weights directly
                        param *= 1 - lr * weight_decay
                        _bump(p)
                    else:  # Adam: weight decay as part of the gradient
                        g = _decayed(g, weight_decay, param)

                # m ← m + (1 - β1)(g - m), v ← β2 v + (1 - β2) g²
                _lerp(m._data, g, 1 - beta1)
                v._data *= beta2
                v._data += (1 - beta2) * g * g
                _bump(m, v, v)

                step = float(state["step"]._data)
                bias_correction1 = 1 - beta1**step
                bias_correction2_sqrt = (1 - beta2**step) ** 0.5
                if amsgrad:  # divide by the largest second moment seen so far
                    v_max = state["max_exp_avg_sq"]
                    np.maximum(v_max._data, v._data, out=v_max._data)
                    _bump(v_max)
                    v = v_max
                denom = np.sqrt(v._data)
                denom /= bias_correction2_sqrt
                denom += eps
                # param ← param - lr / (1 - β1^t) * m / denom
                step_size = lr / bias_correction1
                param += (-step_size * m._data) / denom
                _bump(p)
        return loss

    # --8<-- [end:step]


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): each step first shrinks
    the weights, ``p ← p (1 - lr * weight_decay)``, instead of adding ``weight_decay * p`` to
    the gradient, so the decay is not rescaled by Adam's averages."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:  # (whatever the state said)
            group["decoupled_weight_decay"] = True


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start ← start + weight * (end - start)`` in place, in the order of torch's ``lerp_``.

    torch picks the form that loses least precision: from ``start`` for small weights, from
    ``end`` (``end - (1 - weight)(end - start)``) for weights of 0.5 and more.
    """
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (1 - weight) * (end - start), out=start)
