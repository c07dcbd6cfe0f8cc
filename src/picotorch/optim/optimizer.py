"""The Optimizer base class: parameter groups, per-parameter state, saving and loading.

An optimizer holds ``param_groups``, a list of dicts: each has ``"params"`` (the tensors it
updates) and the hyper-parameters for them (``"lr"``, ``"momentum"`` …), so one model can train
its layers with different settings. ``state`` maps each parameter to what the algorithm keeps
between steps (a momentum buffer, Adam's running averages).

The update itself (``step``) is in each subclass. It runs on the tensors' NumPy arrays in place,
outside autograd, exactly as torch runs its steps under ``no_grad``; each in-place write bumps the
tensor's version counter as torch's in-place ops do.

The formulas are torch's, in torch's order, in the parameter's dtype. torch's CPU kernels fuse
``a + alpha * b`` (``add_(alpha=)``, ``lerp_``, ``addcmul_``) into one multiply-add that rounds
once; NumPy rounds the product and the sum separately, so an update can differ from torch's in
the last bit (within float tolerance, and training follows the same trajectory). Rounding once
here, as picotorch's own ``add_(alpha=)`` does (``picotorch._fma``), was measured: an SGD step
took four times as long, a training step of the benchmarks' MLP a quarter longer; and a training
run could not keep torch's last bits anyway, since its matrix products (Intel MKL's) round
differently from NumPy's (OpenBLAS's).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any, ClassVar

import numpy as np

from .. import _dtype
from .._size import bool_arg
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]


class _RequiredParameter:
    """The default of a hyper-parameter that every param group must give (``optim.required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj: Any) -> str:
    """What torch.typename calls an object: a tensor's legacy type, else its class name."""
    if isinstance(obj, Tensor):
        return str(obj.type())
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ("builtins", "__builtin__", None) else f"{module}.{name}"


class Optimizer:
    """Base class of all optimizers: keeps the param groups and the state; ``step`` is the
    subclass's update rule.

    >>> w = torch.zeros(3, requires_grad=True)
    >>> opt = torch.optim.SGD([w], lr=0.1)
    >>> opt.param_groups[0]["lr"]
    0.1
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                "dicts, but got " + _typename(params)
            )
        self.state: defaultdict[Tensor, Any] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []

        param_groups: list[Any] = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    # options torch's optimizer gained over its versions: a group from an older state dict
    # lacks them, and gets these values when loaded (torch's ``__setstate__``); and whether a
    # parameter's ``step`` count is a tensor, as an older state's may not be (made one then)
    _later_options: ClassVar[dict[str, Any]] = {}
    _tensor_steps = False

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, value in self._later_options.items():
                group.setdefault(key, value)
            for p in group["params"] if self._tensor_steps else ():
                p_state = self.state.get(p)
                if p_state and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _step_counter(float(p_state["step"]))

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # --8<-- [start:zero_grad]
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of the last backward, so the next one starts from zero.

        ``set_to_none=True`` (the default) drops them (``p.grad`` becomes None: no memory, no
        work); ``False`` fills them with zeros instead.
        """
        for group in self.param_groups:
            for p in group["params"]:
                p._zero_grad(set_to_none)

    # --8<-- [end:zero_grad]

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once from their ``.grad`` (each optimizer defines how).

        ``closure``, if given, re-evaluates the model and returns the loss; it runs with
        gradients enabled and its loss is returned.
        """
        raise NotImplementedError

    def _begin_step(self, closure: Callable[[], Any] | None) -> Any:
        """What every ``step`` does first: run ``closure`` with gradients enabled; its loss."""
        # (torch's step runs under set_grad_enabled(differentiable): a bool, nothing else)
        bool_arg(self.defaults.get("differentiable", False), "set_grad_enabled", "enabled", 1)
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            if group.get("foreach") is not None:
                bool(group["foreach"])  # (torch's step asks ``if foreach``: an array can't say)
            capturable = group.get("capturable") and not group.get("fused")
            if capturable and any(p.grad is not None for p in group["params"]):
                raise AssertionError(
                    "If capturable=True, params and state_steps must be on supported devices: "
                    "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']."
                )
        return loss

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own settings (missing ones come from the defaults),
        e.g. to start training layers that were frozen so far."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)

        # ``model.named_parameters()`` gives (name, tensor) pairs: keep the names alongside
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            param_group["param_names"] = names

        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(param)
                )
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group.setdefault(name, default)

        if len(params) != len(set(params)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more "
                "information",
                UserWarning,
                stacklevel=3,
            )
        seen: set[Tensor] = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # --8<-- [start:state_dict]
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as plain data, for saving: ``{"state": ..., "param_groups": ...}``.

        Parameters are not saved: each is replaced by its position (0, 1, 2 … across all groups),
        and ``state`` is keyed by those positions. The state tensors themselves are not copied.
        """
        ids: dict[int, int] = {}  # id(param) -> its position
        param_groups, start = [], 0
        for group in self.param_groups:
            # (numbered as torch numbers them: a parameter given twice in one group, which
            # torch warns about, has the later position)
            ids.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in ids})
            start += len(group["params"])
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [ids[id(p)] for p in group["params"]]
            param_groups.append(packed)
        state = {(ids[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": param_groups}

    # --8<-- [end:state_dict]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``: settings and state go back onto this optimizer's own
        parameters, matched by position."""
        state_dict = state_dict.copy()  # (as torch: not a dict is an AttributeError here)
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(
            len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups, strict=True)
        ):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
                strict=True,
            )
        )
        state: defaultdict[Any, Any] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast_state(param, v)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups, strict=True):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})


def _cast_state(param: Tensor, value: Any, key: Any = None) -> Any:
    """A loaded state value, with float tensors converted to the parameter's dtype (not the
    ``step`` counter), containers rebuilt."""
    if isinstance(value, Tensor):
        if key != "step" and param.is_floating_point():
            return value.to(param.dtype)
        return value
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return value


def _step_counter(count: float = 0.0) -> Tensor:
    """A parameter's step count, 0 at first, as torch keeps it (and ``state_dict()`` shows it):
    a 0-d float tensor, float32 or float64 as the default dtype is."""
    return _state_tensor(np.array(count, _dtype.get_default_dtype().numpy))


def _check_variants(name: str, defaults: dict[str, Any]) -> None:
    """torch's other implementations of a step, as asked for by its flags. ``fused=True`` (one
    kernel per tensor) computes the same update as its loop, which picotorch's NumPy step is:
    taken, with torch's checks of the flag. ``capturable=True`` (a step for CUDA graphs) is
    taken too, and refused at the step as torch refuses it for a CPU tensor (unless fused: the
    fused kernel is the one step there is). There is no ``differentiable`` step (one autograd
    can see through) in picotorch."""
    if defaults.get("fused"):
        if defaults["differentiable"]:
            raise RuntimeError("`fused` does not support `differentiable`")
        if defaults["foreach"]:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    differentiable = defaults["differentiable"]
    # (torch asks its truth here, and refuses anything but a bool at the step)
    if differentiable and differentiable is True:
        raise NotImplementedError(f"picotorch's {name} has no differentiable variant")


def _check_tensor_lr(lr: Any) -> None:
    """torch takes a tensor ``lr``, of one element only."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")


def _scalar(value: Any) -> Any:
    """A number as ``_number`` reads it; a hyper-parameter given as a 1-element tensor (torch
    takes one for ``lr``) as a NumPy scalar of its dtype: a step's arithmetic on it then rounds
    in that dtype, as torch's on the tensor does (``lr / bias_correction`` in float32)."""
    return value._data.reshape(())[()] if isinstance(value, Tensor) else _number(value)


def _number(value: Any) -> Any:
    """A hyper-parameter as torch's steps use it: a 0-d tensor (``eps=torch.tensor(1e-8)``) as
    the number it holds; a NumPy float64 or int (``lr=np.logspace(-3, -1, 5)[i]``) as the
    Python number torch's ops read it as, which computes the same in the step's own arithmetic
    but, unlike NumPy's, does not make the arrays' arithmetic float64 (``v *= beta2``). NumPy's
    float32 and float16 stay: the step's arithmetic on them rounds as torch's does."""
    return value.item() if isinstance(value, _READ_AS_PYTHON) else value


_READ_AS_PYTHON = (Tensor, np.float64, np.integer)


def _decayed(g: np.ndarray, weight_decay: Any, param: np.ndarray) -> np.ndarray:
    """``g + weight_decay * param``, torch's ``grad.add(param, alpha=weight_decay)``: a bool
    ``weight_decay`` (True) is its error there."""
    if weight_decay is True:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    return g + weight_decay * param


def _bump(*tensors: Tensor) -> None:
    """Record an in-place write on each tensor (as every in-place op of torch does)."""
    for t in tensors:
        t._version_counter[0] += 1


def _state_tensor(data: np.ndarray) -> Tensor:
    """Wrap a NumPy array that the optimizer created (a buffer in its state) as a tensor."""
    return Tensor._make(data)
