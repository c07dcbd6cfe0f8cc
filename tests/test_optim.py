"""torch.optim parity: SGD, Adam, AdamW and the lr schedulers, each run on picotorch and torch.

The optimizers get plain leaf tensors and fixed gradients (no model), so what is compared is the
update rule alone: parameters after a dozen steps, version counters, state_dict()s, reprs,
errors and warnings.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch
from parity import assert_same, check

import picotorch

SHAPES = ((5, 7), (7,), (33,))  # 33: not a multiple of torch's vector width
STEPS = 12


def _params(lib: Any, seed: int = 0, dtype: str = "float32") -> list[Any]:
    rng = np.random.default_rng(seed)
    return [lib.from_numpy(rng.standard_normal(s).astype(dtype)).requires_grad_() for s in SHAPES]


def _grads(seed: int, dtype: str = "float32") -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed + 100)
    return [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(STEPS)]


def train(
    lib: Any, name: str, options: dict[str, Any], *, groups: bool = False, dtype: str = "float32"
) -> Any:
    """``STEPS`` steps of optimizer ``name`` on fixed gradients; the parameters and versions."""
    params = _params(lib, dtype=dtype)
    grads = _grads(0, dtype)
    arg: Any = params
    if groups:  # two groups, the second with its own lr
        arg = [{"params": params[:1]}, {"params": params[1:], "lr": 0.05}]
    opt = getattr(lib.optim, name)(arg, **options)
    for step in range(STEPS):
        for p, g in zip(params, grads[step]):
            p.grad = lib.from_numpy(g.copy())
        opt.step()
    return [p.detach() for p in params], [p._version for p in params]


SGD_OPTIONS = [
    {"lr": 0.1},
    {"lr": 0.1, "momentum": 0.9},
    {"lr": 0.1, "momentum": 0.9, "dampening": 0.3},
    {"lr": 0.05, "weight_decay": 0.01},
    {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1, "dampening": 0.5},
    {"lr": 0.1, "momentum": 0.9, "nesterov": True},
    {"lr": 0.1, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1, "maximize": True},
    {"lr": 0.2, "maximize": True},
]
ADAM_OPTIONS = [
    {},
    {"lr": 0.01, "weight_decay": 0.1},
    {"lr": 0.01, "amsgrad": True},
    {"lr": 0.01, "maximize": True, "amsgrad": True, "weight_decay": 0.05},
    {"betas": (0.3, 0.9), "eps": 1e-3},  # beta1 < 0.5: lerp's other rounding branch
    {"lr": 0.1, "betas": (0.0, 0.5)},
]


# ---------------------------------------------------------------------- update rules
@pytest.mark.parametrize("groups", [False, True], ids=["one_group", "two_groups"])
@pytest.mark.parametrize("options", SGD_OPTIONS, ids=str)
def test_sgd_matches_torch(options: dict[str, Any], groups: bool) -> None:
    # same formulas in the same order; torch fuses multiply-adds (one rounding), NumPy rounds
    # twice, so the last bit may differ: float32 tolerance
    check(lambda lib: train(lib, "SGD", options, groups=groups))


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=str)
@pytest.mark.parametrize("groups", [False, True], ids=["one_group", "two_groups"])
def test_adam_matches_torch(name: str, options: dict[str, Any], groups: bool) -> None:
    # torch fuses multiply-adds and takes MKL's float32 sqrt (one ulp off for ~20% of inputs);
    # NumPy rounds each operation correctly: the last bits may differ, float32 tolerance
    check(lambda lib: train(lib, name, options, groups=groups))


RMSPROP_OPTIONS = [
    {},
    {"lr": 0.01, "alpha": 0.9, "eps": 1e-3},
    {"lr": 0.01, "momentum": 0.9},
    {"lr": 0.01, "centered": True, "weight_decay": 0.1},
    {"lr": 0.02, "centered": True, "momentum": 0.5, "maximize": True, "alpha": 0.3},
]


@pytest.mark.parametrize("options", RMSPROP_OPTIONS, ids=str)
@pytest.mark.parametrize("groups", [False, True], ids=["one_group", "two_groups"])
def test_rmsprop_matches_torch(options: dict[str, Any], groups: bool) -> None:
    # (PyTorch's "Learning PyTorch with Examples" trains with it) float32 tolerance, as Adam
    check(lambda lib: train(lib, "RMSprop", options, groups=groups))

    def state(lib: Any) -> Any:
        params = _params(lib)
        opt = lib.optim.RMSprop(params, **options)
        for p, g in zip(params, _grads(1)[0]):
            p.grad = lib.from_numpy(g)
        opt.step()
        return repr(opt), list(opt.state_dict()["state"][0].items())

    check(state)


@pytest.mark.parametrize("bad", ["lr", "eps", "momentum", "weight_decay", "alpha"])
def test_rmsprop_refuses_negative_values(bad: str) -> None:
    check(
        lambda lib: lib.optim.RMSprop(_params(lib), **{bad: -1.0}),
        raises=ValueError,
        same_message=True,
    )


@pytest.mark.parametrize(
    ("name", "options"),
    [("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1}), ("Adam", {"amsgrad": True})],
)
def test_float64_parameters(name: str, options: dict[str, Any]) -> None:
    check(lambda lib: train(lib, name, options, dtype="float64"))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lr_shape", [(), (1,)], ids=["0-d", "1-element"])
@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("SGD", {}),
        ("SGD", {"momentum": 0.9, "weight_decay": 0.1, "nesterov": True}),
        ("Adam", {"amsgrad": True, "weight_decay": 0.05}),
        ("AdamW", {"betas": (0.3, 0.9)}),
    ],
)
def test_tensor_learning_rate(
    name: str, options: dict[str, Any], lr_shape: tuple[int, ...], dtype: str
) -> None:
    """torch takes a 1-element tensor lr, and computes with it as a tensor: in its dtype
    (float32), so ``lr / (1 - beta1 ** t)`` rounds to float32 even for float64 parameters."""

    def fn(lib: Any) -> Any:
        lr = lib.full(lr_shape, 0.01)
        params, versions = train(lib, name, {**options, "lr": lr}, dtype=dtype)
        return params, versions, lr, repr(getattr(lib.optim, name)(_params(lib), lr=lr))

    check(fn)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("SGD", {"momentum": 0.9, "dampening": 0.1, "weight_decay": 0.05}),
        ("SGD", {"momentum": 0.5, "nesterov": True}),
        ("Adam", {"eps": 1e-3, "weight_decay": 0.05, "betas": (0.8, 0.95)}),
        ("AdamW", {"weight_decay": 0.1}),
        ("RMSprop", {"alpha": 0.9, "eps": 1e-3, "weight_decay": 0.05, "momentum": 0.5}),
    ],
    ids=str,
)
def test_other_hyperparameters_as_0d_tensors(name: str, options: dict[str, Any]) -> None:
    """torch takes a 0-d tensor for any hyper-parameter and steps with the number it holds
    (picotorch computed with the tensor and failed in NumPy); betas must be both floats or both
    tensors."""

    def fn(lib: Any) -> Any:
        as_tensors = {
            k: tuple(map(lib.tensor, v)) if isinstance(v, tuple) else lib.tensor(v)
            for k, v in options.items()
            if k != "nesterov"
        }
        params, _ = train(lib, name, {"lr": 0.01, **options, **as_tensors})
        return params

    check(fn)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize(
    "betas",
    ["(t.tensor([0.9]), t.tensor(0.999))", "(t.tensor([0.9, 0.8]), t.tensor(0.999))"],
)
@pytest.mark.parametrize("foreach", [None, True])
def test_tensor_betas(name: str, betas: str, foreach: Any) -> None:
    # one element each (squeezed to 0-d, as torch keeps them), and not with foreach
    def fn(t: Any) -> Any:
        p = t.tensor([1.0, -2.0], requires_grad=True)
        opt = getattr(t.optim, name)([p], lr=0.1, betas=eval(betas, {"t": t}), foreach=foreach)
        p.grad = t.tensor([0.3, -0.3])
        opt.step()
        return opt.param_groups[0]["betas"], opt.defaults["betas"], p

    check(fn)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.05}),
        ("SGD", {"lr": 1, "momentum": 0.5, "nesterov": True}),
        ("Adam", {"lr": 0.01, "eps": 1e-3, "weight_decay": 0.05, "betas": (0.8, 0.95)}),
        ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
        ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-3, "weight_decay": 1, "momentum": 0.5}),
    ],
    ids=str,
)
def test_numpy_float64_and_int_hyperparameters_step_as_python_numbers(
    name: str, options: dict[str, Any]
) -> None:
    """A NumPy float64 or int hyper-parameter (``lr=np.logspace(-3, -1, 5)[i]``) steps as the
    Python number, in torch: its ops read it as one. picotorch's NumPy arithmetic with it made
    the arrays' float64 (``v *= beta2``) and rounded differently: Adam's weights were one ulp
    off torch's for 29 of 50 elements, against 12 with Python floats."""

    def as_numpy(v: Any) -> Any:
        if isinstance(v, tuple):
            return tuple(map(as_numpy, v))
        return v if isinstance(v, bool) else np.float64(v) if isinstance(v, float) else np.int64(v)

    for lib in (torch, picotorch):
        plain, _ = train(lib, name, options)
        numpy, _ = train(lib, name, {k: as_numpy(v) for k, v in options.items()})
        for a, b in zip(plain, numpy, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=lib.__name__)


def test_a_step_differs_from_torch_only_in_rounding() -> None:
    # torch rounds ``p - lr * g`` once (a fused multiply-add), NumPy rounds the product too:
    # that is half an ulp of the larger term, on top of each library's final rounding (at most
    # an ulp of the result, itself at most twice the larger term): 2.5 ulps of it in all
    rng = np.random.default_rng(1)
    start, grad = rng.standard_normal((2, 1000)).astype(np.float32)

    def one_step(lib: Any) -> np.ndarray:
        p = lib.from_numpy(start.copy()).requires_grad_()
        p.grad = lib.from_numpy(grad.copy())
        lib.optim.SGD([p], lr=0.7).step()
        return p.detach().numpy()

    mine, ref = one_step(picotorch), one_step(torch)
    larger = np.maximum(np.abs(start), np.abs(np.float32(0.7) * grad))
    assert (np.abs(mine - ref) <= 2.5 * np.spacing(larger)).all()
    assert (mine == ref).mean() > 0.5  # and mostly the very same value


def test_parameters_without_grad_are_skipped() -> None:
    def fn(lib: Any) -> Any:
        a, b = _params(lib)[:2]
        a.grad = lib.ones_like(a)
        opt = lib.optim.Adam([a, b], lr=0.1)
        opt.step()
        return a.detach(), b.detach(), sorted(len(v) for v in opt.state.values())

    check(fn)


def test_step_with_closure_returns_the_loss() -> None:
    def fn(lib: Any) -> Any:
        w = lib.tensor([1.0, -2.0], requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.5)
        losses = []
        for _ in range(3):

            def closure() -> Any:
                opt.zero_grad()
                loss = (w * w).sum()
                loss.backward()
                return loss

            losses.append(opt.step(closure).detach())
        return losses, w.detach()

    check(fn)


def test_step_runs_without_recording_and_bumps_versions() -> None:
    def fn(lib: Any) -> Any:
        params = _params(lib)
        for p in params:
            p.grad = lib.ones_like(p)
        opt = lib.optim.AdamW(params, amsgrad=True)
        opt.step()
        opt.step()
        state = opt.state[params[0]]
        versions = {k: v._version for k, v in state.items()}
        return params[0].grad_fn is None, params[0]._version, versions

    check(fn)


# ---------------------------------------------------------------------- zero_grad
@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none: bool) -> None:
    def fn(lib: Any) -> Any:
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        (w * 3).sum().backward()
        opt = lib.optim.SGD([w], lr=0.1)
        opt.zero_grad(set_to_none=set_to_none)
        return w.grad

    check(fn)


# ---------------------------------------------------------------------- param groups, repr
def _plain(obj: Any) -> Any:
    """A structure ``assert_same`` can compare: dicts as (key, value) pairs, in their order."""
    if isinstance(obj, dict):
        return tuple((k, _plain(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def test_param_groups_get_the_defaults() -> None:
    def fn(lib: Any) -> Any:
        a, b, c = _params(lib)
        opt = lib.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
        opt.add_param_group({"params": [c], "weight_decay": 0.01})
        groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
        return _plain(groups), [len(g["params"]) for g in opt.param_groups]

    check(fn)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_repr(name: str) -> None:
    def fn(lib: Any) -> Any:
        a, b, _ = _params(lib)
        return repr(getattr(lib.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.5}]))

    check(fn)


def test_named_parameters_keep_their_names() -> None:
    def fn(lib: Any) -> Any:
        a, b, _ = _params(lib)
        a.grad, b.grad = lib.ones_like(a), lib.ones_like(b)
        opt = lib.optim.SGD([("weight", a), ("bias", b)], lr=0.1, momentum=0.9)
        opt.step()
        return _plain(opt.state_dict())

    check(fn)


# ---------------------------------------------------------------------- state_dict
@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("SGD", {"lr": 0.1}),
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("Adam", {"lr": 0.01}),
        ("Adam", {"amsgrad": True}),
        ("AdamW", {}),
    ],
    ids=str,
)
def test_state_dict(name: str, options: dict[str, Any]) -> None:
    def fn(lib: Any) -> Any:
        params = _params(lib)
        opt = getattr(lib.optim, name)(
            [{"params": params[:2]}, {"params": params[2:], "lr": 0.5}], **options
        )
        for step in range(3):
            for p, g in zip(params[:2], _grads(0)[step]):  # the last parameter has no grad
                p.grad = lib.from_numpy(g.copy())
            opt.step()
        return _plain(opt.state_dict())

    check(fn)


def test_state_dict_of_a_fresh_optimizer() -> None:
    check(lambda lib: _plain(lib.optim.Adam(_params(lib), lr=0.1).state_dict()))


@pytest.mark.parametrize(
    ("name", "options"),
    [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.01, "amsgrad": True})],
)
def test_load_state_dict_resumes_training(name: str, options: dict[str, Any]) -> None:
    def fn(lib: Any) -> Any:
        grads = _grads(0)
        params = _params(lib)
        opt = getattr(lib.optim, name)(params, **options)
        for step in range(3):
            for p, g in zip(params, grads[step]):
                p.grad = lib.from_numpy(g.copy())
            opt.step()
        saved = opt.state_dict()
        # a new optimizer (other settings) on copies of the parameters takes over
        copies = [p.detach().clone().requires_grad_() for p in params]
        resumed = getattr(lib.optim, name)(copies, lr=1.0)
        resumed.load_state_dict(saved)
        for step in range(3, 6):
            for p, g in zip(copies, grads[step]):
                p.grad = lib.from_numpy(g.copy())
            resumed.step()
        return [p.detach() for p in copies], _plain(resumed.state_dict())

    check(fn, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize(
    ("saved_groups", "message"),
    [
        ([], "different number of parameter groups"),
        ([{"params": [0, 1]}], "doesn't match the size of optimizer's group"),
    ],
)
def test_load_state_dict_errors(saved_groups: list[Any], message: str) -> None:
    def fn(lib: Any) -> Any:
        opt = lib.optim.SGD(_params(lib)[:1], lr=0.1)
        opt.load_state_dict({"state": {}, "param_groups": saved_groups})

    check(fn, raises=ValueError, match=message)


@pytest.mark.parametrize(
    ("name", "missing", "step"),
    [
        # a state saved by an older torch: options it did not have yet, a step as a number
        ("SGD", ("nesterov", "maximize", "foreach", "differentiable", "fused"), None),
        ("Adam", ("amsgrad", "maximize", "capturable", "fused", "decoupled_weight_decay"), 1.0),
        ("AdamW", ("decoupled_weight_decay",), 2),
        ("RMSprop", ("momentum", "centered", "foreach", "maximize", "capturable"), 1),
    ],
)
def test_load_state_dict_of_an_older_state(name: str, missing: tuple[str, ...], step: Any) -> None:
    def fn(lib: Any) -> Any:
        params = _params(lib)
        opt = (
            getattr(lib.optim, name)(params, lr=0.1, momentum=0.9)
            if name == "SGD"
            else (getattr(lib.optim, name)(params, lr=0.1))
        )
        for p in params:
            p.grad = lib.ones_like(p)
        opt.step()
        saved = opt.state_dict()
        for key in missing:
            del saved["param_groups"][0][key]
        if step is not None:
            saved["state"][0]["step"] = step
        opt.load_state_dict(saved)
        opt.step()
        return [p.detach() for p in params], _plain(opt.state_dict())

    check(fn, rtol=2e-6, atol=1e-7)


def test_load_state_dict_of_no_dict() -> None:
    check(lambda lib: lib.optim.SGD(_params(lib), lr=0.1).load_state_dict(5), raises=AttributeError)


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("SGD", {"lr": -1}, "Invalid learning rate: -1"),
        ("SGD", {"lr": 0.1, "momentum": -0.5}, "Invalid momentum value: -0.5"),
        ("SGD", {"lr": 0.1, "weight_decay": -1e-4}, "Invalid weight_decay value: -0.0001"),
        ("SGD", {"lr": 0.1, "nesterov": True}, "Nesterov momentum requires a momentum"),
        ("SGD", {"momentum": 0.9, "dampening": 0.1, "nesterov": True}, "zero dampening"),
        ("Adam", {"lr": -0.01}, "Invalid learning rate: -0.01"),
        ("Adam", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
        ("Adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
        ("Adam", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
        ("AdamW", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
        ("SGD", {"lr": [0.1, 0.2]}, "Tensor lr must be 1-element"),
        ("Adam", {"lr": [0.1, 0.2]}, "Tensor lr must be 1-element"),
        ("AdamW", {"lr": [0.1], "foreach": True}, "not supported for capturable=False and"),
        ("SGD", {"lr": [-0.1]}, "Invalid learning rate: tensor([-0.1000])"),
    ],
)
def test_invalid_hyperparameters(name: str, options: dict[str, Any], message: str) -> None:
    def tensor_lr(lib: Any) -> dict[str, Any]:  # a list lr stands for a tensor of it
        lr = options.get("lr")
        return {**options, "lr": lib.tensor(lr)} if isinstance(lr, list) else options

    check(
        lambda lib: getattr(lib.optim, name)(_params(lib), **tensor_lr(lib)),
        raises=ValueError,
        match=message,
        same_message=True,
    )


def test_empty_parameter_list() -> None:
    check(
        lambda lib: lib.optim.SGD([], lr=0.1),
        raises=ValueError,
        match="optimizer got an empty parameter list",
        same_message=True,
    )


def test_parameter_in_two_groups() -> None:
    def fn(lib: Any) -> Any:
        a, b, _ = _params(lib)
        lib.optim.SGD([{"params": [a, b]}, {"params": [b]}], lr=0.1)

    check(fn, raises=ValueError, match="some parameters appear in more than one parameter group")


def test_duplicate_parameter_in_one_group_warns() -> None:
    def fn(lib: Any) -> Any:
        a, b = _params(lib)[:2]
        opt = lib.optim.Adam([{"params": [a, b, a]}, {"params": [lib.nn.Parameter(lib.ones(2))]}])
        (a.sum() + b.sum()).backward()
        opt.step()
        saved = opt.state_dict()  # (a is numbered by its later position, as in torch)
        again = lib.optim.Adam([{"params": [a, b, a]}, {"params": [lib.nn.Parameter(lib.ones(2))]}])
        again.load_state_dict(saved)
        return len(opt.param_groups[0]["params"]), [
            (
                [g["params"] for g in s["param_groups"]],
                [(i, sorted(v)) for i, v in s["state"].items()],
            )
            for s in (saved, again.state_dict())
        ]

    check(fn)


def test_non_leaf_parameter() -> None:
    check(
        lambda lib: lib.optim.SGD([_params(lib)[0] * 2], lr=0.1),
        raises=ValueError,
        match="can't optimize a non-leaf Tensor",
        same_message=True,
    )


def test_a_tensor_instead_of_an_iterable() -> None:
    check(
        lambda lib: lib.optim.SGD(_params(lib)[0], lr=0.1),
        raises=TypeError,
        same_message=True,
    )


def test_a_non_tensor_parameter() -> None:
    check(
        lambda lib: lib.optim.Adam([_params(lib)[0], 3]),
        raises=TypeError,
        match="optimizer can only optimize Tensors, but one of the params is int",
    )


def test_a_set_of_parameters_in_a_group() -> None:
    check(
        lambda lib: lib.optim.SGD([{"params": set(_params(lib))}], lr=0.1),
        raises=TypeError,
        match="ordered collections",
    )


# ---------------------------------------------------------------------- lr schedulers
def _sgd(lib: Any, lr: Any = 1.0, groups: int = 1) -> Any:
    params = _params(lib)
    return lib.optim.SGD([{"params": [p]} for p in params[:groups]], lr=lr)


def _scheduler_run(lib: Any, make: Any, epochs: int = 7, groups: int = 1) -> Any:
    opt = _sgd(lib, groups=groups)
    sched = make(lib, opt)
    lrs = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    groups_lr = [g["lr"] for g in opt.param_groups]
    state = {k: v for k, v in sched.state_dict().items() if k != "lr_lambdas"}
    return lrs, groups_lr, sched.last_epoch, _plain(state)


def test_step_lr() -> None:
    check(lambda lib: _scheduler_run(lib, lambda L, o: L.optim.lr_scheduler.StepLR(o, 3)))


def test_step_lr_gamma_and_groups() -> None:
    def make(lib: Any, opt: Any) -> Any:
        return lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    check(lambda lib: _scheduler_run(lib, make, epochs=9, groups=2))


def test_lambda_lr() -> None:
    def make(lib: Any, opt: Any) -> Any:
        return lib.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda epoch: 0.95**epoch)

    check(lambda lib: _scheduler_run(lib, make))


def test_lambda_lr_one_function_per_group() -> None:
    def make(lib: Any, opt: Any) -> Any:
        return lib.optim.lr_scheduler.LambdaLR(opt, [lambda e: e // 2, lambda e: 1 / (e + 1)])

    check(lambda lib: _scheduler_run(lib, make, groups=2))


def test_lambda_lr_wrong_number_of_functions() -> None:
    def fn(lib: Any) -> Any:
        lib.optim.lr_scheduler.LambdaLR(_sgd(lib, groups=2), [lambda e: 1.0])

    check(fn, raises=ValueError, match="Expected 2 lr_lambdas, but got 1", same_message=True)


def test_lambda_lr_state_dict() -> None:
    def fn(lib: Any) -> Any:
        sched = lib.optim.lr_scheduler.LambdaLR(_sgd(lib), lambda e: 0.5)
        return _plain(sched.state_dict())

    check(fn)


def test_scheduler_before_optimizer_warns() -> None:
    def fn(lib: Any) -> Any:
        opt = _sgd(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=1)
        sched.step()  # before any opt.step(): torch warns
        return sched.get_last_lr()

    mine = check(fn)  # same lrs, same warning categories
    assert mine == [0.1]  # check() has found torch's lrs equal to these
    pattern = r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"
    messages = []
    for lib in (picotorch, torch):
        with pytest.warns(UserWarning, match=pattern) as caught:
            fn(lib)
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1]  # the whole text, not only the pattern


def test_scheduler_after_optimizer_does_not_warn() -> None:
    def fn(lib: Any) -> Any:
        opt = _sgd(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=1)
        opt.step()
        sched.step()
        return sched.get_last_lr()

    check(fn)


def _own_optimizer(lib: Any) -> Any:
    class Plain(lib.optim.Optimizer):  # a user's own: its step knows nothing of schedulers
        def __init__(self, params: Any) -> None:
            super().__init__(params, {"lr": 0.1})

        def step(self, closure: Any = None) -> None:
            for group in self.param_groups:
                for p in group["params"]:
                    p.data.add_(p.grad, alpha=-group["lr"])

    p = lib.ones(2, requires_grad=True)
    p.grad = lib.ones(2)
    return Plain([p])


@pytest.mark.parametrize(
    "steps",
    [
        # the scheduler notes any optimizer's step (it wraps the optimizer's method, as torch)
        lambda lib, opt, sched: (opt.step(), sched.step()),
        # (the one before the scheduler was made does not count: a warning)
        lambda lib, opt, sched: sched.step(),
        # a step replaced after the scheduler was made: torch's other warning
        lambda lib, opt, sched: (setattr(opt, "step", lambda closure=None: None), sched.step()),
    ],
)
@pytest.mark.parametrize("make", [_sgd, _own_optimizer])
def test_scheduler_notes_the_optimizers_steps(steps: Any, make: Any) -> None:
    def fn(lib: Any) -> Any:
        opt = make(lib)
        opt.step()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched = lib.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
            steps(lib, opt, sched)
        return sched.get_last_lr(), [str(w.message) for w in caught]

    check(fn)


def test_scheduler_step_with_epoch_is_deprecated() -> None:
    def fn(lib: Any) -> Any:
        opt = _sgd(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        opt.step()
        sched.step(5)
        return sched.get_last_lr(), sched.last_epoch

    check(fn)


def test_get_lr_outside_step_warns() -> None:
    def fn(lib: Any) -> Any:
        sched = lib.optim.lr_scheduler.StepLR(_sgd(lib), step_size=2)
        return sched.get_lr()

    check(fn)


def test_scheduler_needs_an_optimizer() -> None:
    check(
        lambda lib: lib.optim.lr_scheduler.StepLR(object(), 3),
        raises=TypeError,
        match="object is not an Optimizer",
        same_message=True,
    )


def test_scheduler_resets_lrs_from_initial_lr() -> None:
    def fn(lib: Any) -> Any:
        opt = _sgd(lib, lr=0.3)
        lib.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        return _plain(opt.param_groups[0] | {"params": None})

    check(fn)


def test_assert_same_sees_dict_differences() -> None:
    # guard for the helper above: differing values in a state_dict are caught
    with pytest.raises(AssertionError):
        assert_same(_plain({"a": [1]}), _plain({"a": [2]}))


def test_a_scheduler_updates_a_tensor_lr_in_place() -> None:
    def case(lib: Any) -> Any:
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD(_params(lib), lr=lr)
        scheduler = lib.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
        initial = opt.param_groups[0]["initial_lr"]
        seen = []
        for _ in range(2):
            opt.step()
            scheduler.step()
            seen.append((lr.item(), opt.param_groups[0]["lr"] is lr, scheduler.get_last_lr()))
        return initial, initial is lr, seen

    check(case)


def test_a_scheduler_keeps_its_base_lr_apart_from_a_tensor_lr() -> None:
    # initial_lr set to the group's own lr tensor: each step writes the lr in place, and the
    # base lr must not follow it (the lr would compound)
    def case(lib: Any) -> Any:
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD(_params(lib), lr=lr)
        opt.param_groups[0]["initial_lr"] = lr
        scheduler = lib.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5**e, last_epoch=0)
        for _ in range(3):
            opt.step()
            scheduler.step()
        return scheduler.get_last_lr(), scheduler.base_lrs, lr

    check(case)


# --------------------------------------------------------------- torch's other step variants
# fused=True (one kernel per tensor: the same update) is taken with torch's checks of it;
# capturable=True too, refused at the step for a CPU tensor as torch refuses it (the fused
# step excepted). differentiable=True is left out: picotorch has no step autograd can see
# through, and refuses it when the optimizer is made (torch fails at a leaf's step instead)
VARIANTS = [
    {"fused": fused, "foreach": foreach, "differentiable": differentiable, "capturable": capt}
    for fused in (None, False, True, 1)
    for foreach in (None, False, True)
    for differentiable in (False, True)
    for capt in (False, True)
    if not (differentiable and not fused)
]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_fused_and_capturable_steps(name: str) -> None:
    for variant in VARIANTS:
        options = dict(variant)
        if name == "SGD":
            options.pop("capturable")
        if name == "RMSprop":
            if options.pop("fused") is not None:
                continue  # (torch's RMSprop has no such argument)

        def step_twice(lib: Any, options: dict[str, Any] = options) -> Any:
            p = lib.ones(3, requires_grad=True)
            optimizer = getattr(lib.optim, name)([p], lr=0.1, **options)
            p.grad = lib.full((3,), 0.5)
            optimizer.step()
            optimizer.step()
            return p.detach(), sorted(optimizer.defaults.items())

        check(step_twice)


# flags and hyper-parameters at their edges, as torch reads them: ``differentiable``'s truth at
# construction and its kind at the step, ``foreach``'s truth at the step, a bool weight decay
# as the alpha of torch's ``grad.add(param, alpha=weight_decay)``
OPTIMIZER_EDGES = {
    "differentiable 0": ("SGD", {"differentiable": 0}),
    "differentiable None": ("Adam", {"differentiable": None}),
    "differentiable 2": ("RMSprop", {"differentiable": 2}),
    "differentiable tuple": ("AdamW", {"differentiable": ()}),
    "differentiable 0-d tensor": ("SGD", {"differentiable": lambda L: L.tensor(True)}),
    "differentiable 2 tensor": ("Adam", {"differentiable": lambda L: L.tensor([True, False])}),
    "differentiable ndarray": ("SGD", {"differentiable": lambda L: np.array([1, 2])}),
    "foreach ndarray": ("AdamW", {"foreach": lambda L: np.array([1, 2])}),
    "foreach tensor": ("SGD", {"foreach": lambda L: L.tensor([1, 2])}),
    "foreach 0-d tensor": ("RMSprop", {"foreach": lambda L: L.tensor(1)}),
    "SGD weight_decay True": ("SGD", {"weight_decay": True}),
    "Adam weight_decay True": ("Adam", {"weight_decay": True}),
    "RMSprop weight_decay True": ("RMSprop", {"weight_decay": True}),
    "AdamW weight_decay True": ("AdamW", {"weight_decay": True}),
}


@pytest.mark.parametrize("name", OPTIMIZER_EDGES)
def test_flags_and_hyperparameters_at_their_edges(name: str) -> None:
    optimizer, options = OPTIMIZER_EDGES[name]

    def fn(L: Any) -> Any:
        w = L.ones(2, requires_grad=True)
        given = {k: v(L) if callable(v) else v for k, v in options.items()}
        step = getattr(L.optim, optimizer)([w], lr=0.1, **given)
        (w * w).sum().backward()
        step.step()
        return w.detach()

    check(fn)
