"""The layers and loss modules of picotorch.nn against torch.nn: repr, parameters and buffers,
forward values and gradients on the same parameters (torch's state_dict copied in, so that the
forward pass is tested apart from the initialisation), and train/eval behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from networks import lenet
from parity import Raw, check

rng = np.random.default_rng(2024)

Make = Callable[[Any], Any]


def randn(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def torch_state(make: Make, perturb: bool = True) -> dict[str, np.ndarray]:
    """The state of the torch module ``make(torch)`` as arrays; ``perturb`` moves every float
    entry by a positive amount (so BatchNorm's running statistics are not the trivial 0 and 1,
    and stay valid: a variance stays positive)."""
    torch.manual_seed(1)
    state = {k: v.detach().numpy().copy() for k, v in make(torch).state_dict().items()}
    if perturb:
        for k, v in state.items():
            if v.dtype.kind == "f":
                state[k] = (v + rng.uniform(0.1, 0.5, v.shape)).astype(v.dtype)
    return state


def run(
    lib: Any,
    make: Make,
    state: dict[str, np.ndarray] | None,
    x: Any,
    *more: Any,
    train: bool = True,
    calls: int = 1,
    seed: int | None = None,
) -> Any:
    """Build ``make(lib)``, load ``state``, run it ``calls`` times on ``x`` (and ``more``
    inputs), backpropagate a fixed upstream gradient from the last output, and return what can
    differ: outputs, their grad_fn name, the input's and every parameter's gradient, and the
    module's state afterwards (running statistics)."""
    module = make(lib)
    if state is not None:
        module.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
    module.train(train)
    if x.is_floating_point():
        x.requires_grad_(True)
    if seed is not None:
        lib.manual_seed(seed)
    outs = [module(x, *more) for _ in range(calls)]
    out = outs[-1]
    if isinstance(out, tuple):  # MaxPool2d(return_indices=True)
        out, extra = out
    else:
        extra = None
    name = None if out.grad_fn is None else out.grad_fn.name()
    if out.requires_grad:
        upstream = np.random.default_rng(0).standard_normal(tuple(out.shape))
        out.backward(lib.from_numpy(upstream.astype(str(out.dtype).removeprefix("torch."))))
    return (
        outs,
        extra,
        name,
        x.grad,
        [(n, p.grad) for n, p in module.named_parameters()],
        list(module.state_dict()),
        list(module.state_dict().values()),
    )


def check_layer(
    make: Make, *inputs: Any, state: bool = True, perturb: bool = True, **kwargs: Any
) -> Any:
    """``run`` on both libraries with torch's state (``perturb``: moved, see torch_state)
    copied into both."""
    loaded = torch_state(make, perturb) if state else None
    return check(
        lambda lib, state, *xs: run(lib, make, state, *xs, **kwargs),
        Raw(loaded),
        *inputs,
    )


# ---------------------------------------------------------------------- reprs and parameters
LAYERS: dict[str, Make] = {
    "linear": lambda lib: lib.nn.Linear(3, 2),
    "linear_nobias": lambda lib: lib.nn.Linear(3, 2, bias=False),
    "conv": lambda lib: lib.nn.Conv2d(1, 16, 3, padding=1),
    "conv_lenet": lambda lib: lib.nn.Conv2d(1, 6, 5),
    "conv_all": lambda lib: lib.nn.Conv2d(
        2, 4, (3, 5), stride=2, dilation=2, groups=2, bias=False, padding_mode="reflect"
    ),
    "conv_same": lambda lib: lib.nn.Conv2d(1, 2, 3, padding="same"),
    "conv_valid": lambda lib: lib.nn.Conv2d(1, 2, 3, padding="valid"),
    "conv_tuple_padding": lambda lib: lib.nn.Conv2d(3, 3, 3, padding=(1, 0), stride=(1, 2)),
    "maxpool": lambda lib: lib.nn.MaxPool2d(2),
    "maxpool_tuple": lambda lib: lib.nn.MaxPool2d((2, 2), stride=1, padding=1, ceil_mode=True),
    "avgpool": lambda lib: lib.nn.AvgPool2d(2),
    "avgpool_all": lambda lib: lib.nn.AvgPool2d(3, 2, 1, count_include_pad=False),
    "relu": lambda lib: lib.nn.ReLU(),
    "relu_inplace": lambda lib: lib.nn.ReLU(True),
    "sigmoid": lambda lib: lib.nn.Sigmoid(),
    "tanh": lambda lib: lib.nn.Tanh(),
    "softmax": lambda lib: lib.nn.Softmax(),
    "softmax_dim": lambda lib: lib.nn.Softmax(dim=1),
    "log_softmax": lambda lib: lib.nn.LogSoftmax(1),
    "flatten": lambda lib: lib.nn.Flatten(),
    "flatten_dims": lambda lib: lib.nn.Flatten(0, 2),
    "dropout": lambda lib: lib.nn.Dropout(),
    "dropout_inplace": lambda lib: lib.nn.Dropout(0.2, True),
    "bn1d": lambda lib: lib.nn.BatchNorm1d(3),
    "bn2d": lambda lib: lib.nn.BatchNorm2d(4, momentum=None, affine=False),
    "bn2d_nobias": lambda lib: lib.nn.BatchNorm2d(2, eps=1e-3, bias=False),
    "bn1d_untracked": lambda lib: lib.nn.BatchNorm1d(2, track_running_stats=False),
    "identity": lambda lib: lib.nn.Identity(54, unused="ignored"),
    "mse": lambda lib: lib.nn.MSELoss(),
    "l1": lambda lib: lib.nn.L1Loss(reduction="sum"),
    "cross_entropy": lambda lib: lib.nn.CrossEntropyLoss(),
    "cross_entropy_weight": lambda lib: lib.nn.CrossEntropyLoss(
        weight=lib.ones(3), label_smoothing=0.1
    ),
    "nll": lambda lib: lib.nn.NLLLoss(ignore_index=1),
    "bce": lambda lib: lib.nn.BCELoss(weight=lib.ones(2)),
    "bce_logits": lambda lib: lib.nn.BCEWithLogitsLoss(pos_weight=lib.ones(2)),
    "bce_logits_both": lambda lib: lib.nn.BCEWithLogitsLoss(lib.ones(2), pos_weight=lib.ones(2)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_repr_parameters_buffers(name: str) -> None:
    def fn(lib: Any) -> Any:
        m = LAYERS[name](lib)
        sd = m.state_dict()
        return (
            repr(m),
            [(n, tuple(p.shape), p.dtype, p.requires_grad) for n, p in m.named_parameters()],
            [(n, tuple(b.shape), b.dtype) for n, b in m.named_buffers()],
            [(k, tuple(v.shape)) for k, v in sd.items()],
            m.training,
        )

    check(fn)


def test_layer_attributes() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        conv = nn.Conv2d(2, 4, 3, stride=(2, 1), padding=1)
        pool = nn.MaxPool2d(3)
        bn = nn.BatchNorm2d(5, momentum=None)
        return (
            conv.in_channels,
            conv.out_channels,
            conv.kernel_size,
            conv.stride,
            conv.padding,
            conv.dilation,
            conv.groups,
            conv.padding_mode,
            pool.kernel_size,
            pool.stride,
            bn.num_features,
            bn.eps,
            bn.momentum,
            bn.affine,
            bn.track_running_stats,
            nn.Linear(3, 4).in_features,
            nn.Linear(3, 4).out_features,
            nn.CrossEntropyLoss().ignore_index,
            nn.CrossEntropyLoss().reduction,
            nn.CrossEntropyLoss().label_smoothing,
            nn.Dropout(0.3).p,
            nn.Softmax(0).dim,
        )

    check(fn)


CONSTRUCTION_ERRORS = {
    "conv_groups_zero": lambda lib: lib.nn.Conv2d(2, 2, 3, groups=0),
    "conv_in_groups": lambda lib: lib.nn.Conv2d(3, 2, 3, groups=2),
    "conv_out_groups": lambda lib: lib.nn.Conv2d(2, 3, 3, groups=2),
    "conv_padding_string": lambda lib: lib.nn.Conv2d(1, 1, 3, padding="full"),
    "conv_same_strided": lambda lib: lib.nn.Conv2d(1, 1, 3, stride=2, padding="same"),
    "conv_padding_mode": lambda lib: lib.nn.Conv2d(1, 1, 3, padding_mode="mirror"),
    "dropout_p_high": lambda lib: lib.nn.Dropout(1.5),
    "dropout_p_negative": lambda lib: lib.nn.Dropout(-0.1),
}


# Messages that print a Python set: its order depends on string hashing, which differs between
# processes, so only the parts around the set are compared.
SET_MESSAGES = {
    "conv_padding_mode": ("padding_mode must be one of {", "but got padding_mode='mirror'"),
    "conv_padding_string": ("Invalid padding string 'full', should be one of {",),
}


@pytest.mark.parametrize("name", CONSTRUCTION_ERRORS)
def test_construction_errors(name: str) -> None:
    if name in SET_MESSAGES:
        check(CONSTRUCTION_ERRORS[name], raises=ValueError, match=SET_MESSAGES[name])
    else:
        check(CONSTRUCTION_ERRORS[name], raises=ValueError, same_message=True)


def test_loss_legacy_arguments() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        return [
            nn.MSELoss(size_average=False).reduction,
            nn.L1Loss(reduce=False).reduction,
            nn.CrossEntropyLoss(None, True, -100, True).reduction,
        ]

    check(fn)


# ---------------------------------------------------------------------- forward and backward
FORWARD: dict[str, tuple[Make, tuple[Any, ...]]] = {
    "linear": (lambda lib: lib.nn.Linear(4, 3), (randn(5, 4),)),
    "linear_3d": (lambda lib: lib.nn.Linear(4, 3), (randn(2, 5, 4),)),
    "linear_1d": (lambda lib: lib.nn.Linear(4, 3), (randn(4),)),
    "linear_nobias": (lambda lib: lib.nn.Linear(4, 3, bias=False), (randn(5, 4),)),
    "linear_f64": (
        lambda lib: lib.nn.Linear(4, 3, dtype=lib.float64),
        (randn(5, 4, dtype=np.float64),),
    ),
    "conv": (lambda lib: lib.nn.Conv2d(2, 3, 3), (randn(2, 2, 6, 5),)),
    "conv_padding": (lambda lib: lib.nn.Conv2d(2, 4, 3, padding=1, stride=2), (randn(1, 2, 7, 7),)),
    "conv_dilation_groups": (
        lambda lib: lib.nn.Conv2d(4, 6, (3, 2), dilation=(2, 1), groups=2, bias=False),
        (randn(2, 4, 8, 6),),
    ),
    "conv_same": (lambda lib: lib.nn.Conv2d(1, 2, (3, 4), padding="same"), (randn(1, 1, 5, 6),)),
    "conv_valid": (lambda lib: lib.nn.Conv2d(1, 2, 3, padding="valid"), (randn(1, 1, 5, 6),)),
    "conv_reflect": (
        lambda lib: lib.nn.Conv2d(1, 2, 3, padding=1, padding_mode="reflect"),
        (randn(1, 1, 5, 5),),
    ),
    "conv_circular": (
        lambda lib: lib.nn.Conv2d(1, 2, 3, padding=(1, 2), padding_mode="circular"),
        (randn(1, 1, 5, 5),),
    ),
    "conv_replicate_same": (
        lambda lib: lib.nn.Conv2d(1, 1, 4, padding="same", padding_mode="replicate"),
        (randn(1, 1, 6, 6),),
    ),
    "maxpool": (lambda lib: lib.nn.MaxPool2d(2), (randn(2, 3, 6, 6),)),
    "maxpool_odd": (lambda lib: lib.nn.MaxPool2d(3, 2, 1), (randn(1, 2, 7, 5),)),
    "maxpool_ceil": (lambda lib: lib.nn.MaxPool2d(2, ceil_mode=True), (randn(1, 1, 5, 5),)),
    "maxpool_indices": (
        lambda lib: lib.nn.MaxPool2d(2, return_indices=True),
        (randn(1, 2, 4, 4),),
    ),
    "avgpool": (lambda lib: lib.nn.AvgPool2d(2), (randn(2, 3, 6, 6),)),
    "avgpool_pad": (
        lambda lib: lib.nn.AvgPool2d(3, 2, 1, count_include_pad=False),
        (randn(1, 2, 7, 5),),
    ),
    "avgpool_divisor": (
        lambda lib: lib.nn.AvgPool2d(2, divisor_override=3),
        (randn(1, 1, 4, 4),),
    ),
    "relu": (lambda lib: lib.nn.ReLU(), (randn(3, 4),)),
    "sigmoid": (lambda lib: lib.nn.Sigmoid(), (randn(3, 4),)),
    "tanh": (lambda lib: lib.nn.Tanh(), (randn(3, 4),)),
    "softmax": (lambda lib: lib.nn.Softmax(dim=1), (randn(3, 4),)),
    "softmax_implicit": (lambda lib: lib.nn.Softmax(), (randn(3, 4),)),
    "log_softmax": (lambda lib: lib.nn.LogSoftmax(dim=-1), (randn(2, 3, 4),)),
    "flatten": (lambda lib: lib.nn.Flatten(), (randn(2, 3, 2, 2),)),
    "flatten_dims": (lambda lib: lib.nn.Flatten(1, 2), (randn(2, 3, 2, 2),)),
    "identity": (lambda lib: lib.nn.Identity(), (randn(2, 3),)),
    "sequential": (
        lambda lib: lib.nn.Sequential(
            lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 2), lib.nn.Sigmoid()
        ),
        (randn(5, 4),),
    ),
}


@pytest.mark.parametrize("name", FORWARD)
def test_forward_and_gradients(name: str) -> None:
    make, inputs = FORWARD[name]
    check_layer(make, *inputs)


def test_relu_inplace() -> None:
    def fn(lib: Any, x: Any) -> Any:
        x.requires_grad_(True)
        y = x * 1
        out = lib.nn.ReLU(inplace=True)(y)
        out.sum().backward()
        return out is y, out, out.grad_fn.name(), x.grad

    check(fn, randn(3, 4))


@pytest.mark.parametrize(
    "flatten",
    [
        lambda lib, x: lib.nn.Flatten()(x),  # start_dim=1: out of range for a 0-d tensor
        lambda lib, x: lib.nn.Flatten(0)(x),
        lambda lib, x: lib.nn.Flatten(-1, -1)(x),
        lambda lib, x: lib.flatten(x, 1),
        lambda lib, x: lib.flatten(x, -2),
        lambda lib, x: lib.flatten(x, 0, 2),
        lambda lib, x: x.flatten(0, -2),
        lambda lib, x: x.flatten(),
    ],
)
def test_flatten_of_a_0d_tensor(flatten: Any) -> None:
    """A 0-d tensor flattens to one element, but only dims 0 and -1 exist to name."""
    check(lambda lib, x: flatten(lib, x.requires_grad_()), randn(), same_message=True)


# ---------------------------------------------------------------------- Dropout
def test_dropout_eval_is_identity() -> None:
    check_layer(lambda lib: lib.nn.Dropout(0.5), randn(4, 5), state=False, train=False)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
def test_dropout_train_seeded(p: float) -> None:
    check_layer(lambda lib: lib.nn.Dropout(p), randn(6, 7), state=False, seed=0)


def test_dropout_in_a_model_train_then_eval() -> None:
    def fn(lib: Any, x: Any) -> Any:
        model = lib.nn.Sequential(lib.nn.Linear(5, 5), lib.nn.Dropout(0.4))
        lib.manual_seed(0)
        model.load_state_dict({"0.weight": lib.eye(5), "0.bias": lib.zeros(5)})
        trained = model(x)
        model.eval()
        evaluated = model(x)
        return trained, evaluated

    check(fn, randn(3, 5))


# ---------------------------------------------------------------------- BatchNorm
BATCHNORM: dict[str, tuple[Make, np.ndarray]] = {
    "bn1d_2d": (lambda lib: lib.nn.BatchNorm1d(3), randn(6, 3)),
    "bn1d_3d": (lambda lib: lib.nn.BatchNorm1d(3), randn(4, 3, 5)),
    "bn2d": (lambda lib: lib.nn.BatchNorm2d(2), randn(3, 2, 4, 4)),
    "bn2d_momentum": (lambda lib: lib.nn.BatchNorm2d(2, momentum=0.5), randn(3, 2, 3, 3)),
    "bn2d_cumulative": (lambda lib: lib.nn.BatchNorm2d(2, momentum=None), randn(3, 2, 3, 3)),
    "bn2d_no_affine": (lambda lib: lib.nn.BatchNorm2d(2, affine=False), randn(2, 2, 3, 3)),
    "bn1d_untracked": (
        lambda lib: lib.nn.BatchNorm1d(3, track_running_stats=False),
        randn(5, 3),
    ),
    "bn1d_eps": (lambda lib: lib.nn.BatchNorm1d(3, eps=0.1, bias=False), randn(5, 3)),
}


@pytest.mark.parametrize("name", BATCHNORM)
@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_batchnorm(name: str, train: bool) -> None:
    """Three forward calls: in training mode the running statistics move each time (and
    num_batches_tracked counts them); in eval mode they are used and left alone."""
    make, x = BATCHNORM[name]
    check_layer(make, x, train=train, calls=3)


def test_batchnorm_train_then_eval() -> None:
    def fn(lib: Any, x: Any, y: Any) -> Any:
        bn = lib.nn.BatchNorm1d(3)
        for _ in range(4):
            bn(x)
        bn.eval()
        return bn(y), bn.running_mean, bn.running_var, bn.num_batches_tracked

    check(fn, randn(8, 3), randn(2, 3))


BN_ERRORS = {
    "bn1d_4d": (lambda lib: lib.nn.BatchNorm1d(3), (1, 3, 2, 2)),
    "bn1d_1d": (lambda lib: lib.nn.BatchNorm1d(3), (3,)),
    "bn2d_3d": (lambda lib: lib.nn.BatchNorm2d(3), (2, 3, 4)),
}


@pytest.mark.parametrize("name", BN_ERRORS)
def test_batchnorm_input_dim_errors(name: str) -> None:
    make, shape = BN_ERRORS[name]
    check(lambda lib: make(lib)(lib.zeros(shape)), raises=ValueError, same_message=True)


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda lib: lib.nn.BatchNorm1d(3), (2, 4)),  # running_mean is the first named
        (lambda lib: lib.nn.BatchNorm1d(3, affine=False), (2, 4, 5)),
        (lambda lib: lib.nn.BatchNorm1d(3, track_running_stats=False), (2, 2)),  # weight
        (lambda lib: lib.nn.BatchNorm2d(2), (2, 3, 2, 2)),
    ],
)
def test_batchnorm_channel_mismatch(make: Make, shape: tuple[int, ...], train: bool) -> None:
    check(
        lambda lib: make(lib).train(train)(lib.zeros(shape)),
        raises=RuntimeError,
        same_message=True,
    )


# ---------------------------------------------------------------------- losses
def _labels(n: int, classes: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, classes, n).astype(np.int64)


def _probabilities(*shape: int) -> np.ndarray:
    return rng.uniform(0.05, 0.95, shape).astype(np.float32)


def _targets(*shape: int) -> np.ndarray:
    return (rng.random(shape) < 0.5).astype(np.float32)


LOSSES: dict[str, tuple[Make, tuple[Any, ...]]] = {
    "mse": (lambda lib: lib.nn.MSELoss(), (randn(3, 4), randn(3, 4))),
    "mse_sum": (lambda lib: lib.nn.MSELoss(reduction="sum"), (randn(3, 4), randn(3, 4))),
    "mse_none": (lambda lib: lib.nn.MSELoss(reduction="none"), (randn(3, 4), randn(3, 4))),
    "l1": (lambda lib: lib.nn.L1Loss(), (randn(5), randn(5))),
    "l1_none": (lambda lib: lib.nn.L1Loss(reduction="none"), (randn(2, 3), randn(2, 3))),
    "cross_entropy": (lambda lib: lib.nn.CrossEntropyLoss(), (randn(6, 4), _labels(6, 4))),
    "cross_entropy_sum": (
        lambda lib: lib.nn.CrossEntropyLoss(reduction="sum"),
        (randn(6, 4), _labels(6, 4)),
    ),
    "cross_entropy_none": (
        lambda lib: lib.nn.CrossEntropyLoss(reduction="none"),
        (randn(6, 4), _labels(6, 4)),
    ),
    "cross_entropy_weight": (
        lambda lib: lib.nn.CrossEntropyLoss(weight=lib.tensor([1.0, 2.0, 0.5, 1.5])),
        (randn(6, 4), _labels(6, 4)),
    ),
    "cross_entropy_ignore": (
        lambda lib: lib.nn.CrossEntropyLoss(ignore_index=2),
        (randn(6, 4), _labels(6, 4, seed=1)),
    ),
    "cross_entropy_smoothing": (
        lambda lib: lib.nn.CrossEntropyLoss(label_smoothing=0.2),
        (randn(6, 4), _labels(6, 4)),
    ),
    "cross_entropy_probs": (
        lambda lib: lib.nn.CrossEntropyLoss(),
        (randn(3, 4), np.full((3, 4), 0.25, np.float32)),
    ),
    "cross_entropy_spatial": (
        lambda lib: lib.nn.CrossEntropyLoss(),
        (randn(2, 3, 2, 2), _labels(8, 3).reshape(2, 2, 2)),
    ),
    "nll": (lambda lib: lib.nn.NLLLoss(), (randn(5, 3), _labels(5, 3))),
    "nll_weight_ignore": (
        lambda lib: lib.nn.NLLLoss(weight=lib.tensor([1.0, 2.0, 3.0]), ignore_index=0),
        (randn(5, 3), _labels(5, 3, seed=2)),
    ),
    "bce": (lambda lib: lib.nn.BCELoss(), (_probabilities(4, 2), _targets(4, 2))),
    "bce_weight_none": (
        lambda lib: lib.nn.BCELoss(weight=lib.tensor([1.0, 3.0]), reduction="none"),
        (_probabilities(4, 2), _targets(4, 2)),
    ),
    "bce_logits": (lambda lib: lib.nn.BCEWithLogitsLoss(), (randn(4, 2), _targets(4, 2))),
    "bce_logits_pos_weight": (
        lambda lib: lib.nn.BCEWithLogitsLoss(pos_weight=lib.tensor([2.0, 0.5])),
        (randn(4, 2), _targets(4, 2)),
    ),
    "bce_logits_weight_sum": (
        lambda lib: lib.nn.BCEWithLogitsLoss(weight=lib.tensor([1.0, 2.0]), reduction="sum"),
        (randn(4, 2), _targets(4, 2)),
    ),
}


@pytest.mark.parametrize("name", LOSSES)
def test_losses(name: str) -> None:
    make, inputs = LOSSES[name]
    check_layer(make, *inputs, state=False)


def test_loss_errors() -> None:
    check(
        lambda lib: lib.nn.CrossEntropyLoss()(lib.zeros(2, 3), lib.tensor([0, 1, 2])),
        raises=ValueError,
    )
    check(
        lambda lib: lib.nn.MSELoss(reduction="avg")(lib.zeros(2), lib.zeros(2)), raises=ValueError
    )


def test_weighted_loss_state_dict() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        return [
            list(nn.CrossEntropyLoss(weight=lib.ones(3)).state_dict()),
            list(nn.CrossEntropyLoss().state_dict()),
            list(nn.BCEWithLogitsLoss(pos_weight=lib.ones(2)).state_dict()),
            list(nn.NLLLoss(lib.ones(2)).double().state_dict().values()),
        ]

    check(fn)


# ---------------------------------------------------------------------- whole networks


def test_lenet_forward_backward_on_torch_parameters() -> None:
    # torch's own initial weights, unperturbed: perturbed ones are all positive, and the
    # activations and gradients then grow to ~1e4, where float32 sums of hundreds of terms,
    # added in another order than torch's kernels, differ by more than the tolerance
    check_layer(lenet, randn(2, 1, 32, 32), state=True, perturb=False)


def test_blitz_walkthrough() -> None:
    """The 60-minute blitz's neural-network page, step by step, all after one manual_seed."""

    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        net = lenet(lib)
        params = list(net.parameters())
        x = lib.randn(1, 1, 32, 32)
        out = net(x)
        net.zero_grad()
        out.backward(lib.randn(1, 10))
        grads = [p.grad for p in params]
        output = net(x)
        target = lib.randn(10).view(1, -1)
        loss = lib.nn.MSELoss()(output, target)
        chain = [
            loss.grad_fn.name(),
            loss.grad_fn.next_functions[0][0].name(),
            loss.grad_fn.next_functions[0][0].next_functions[0][0].name(),
        ]
        net.zero_grad()
        before = net.conv1.bias.grad
        loss.backward()
        return len(params), params[0].size(), out, grads, loss, chain, before, net.conv1.bias.grad

    check(fn, rtol=1e-5, atol=1e-6)


def test_training_steps_match_torch() -> None:
    """A few SGD steps written by hand: the parameters stay equal to torch's."""

    def fn(lib: Any, x: Any, y: Any) -> Any:
        nn = lib.nn
        lib.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 3)
        )
        loss_fn = nn.CrossEntropyLoss()
        losses = []
        for _ in range(3):
            loss = loss_fn(model(x), y)
            model.zero_grad()
            loss.backward()
            with lib.no_grad():
                for p in model.parameters():
                    p -= 0.1 * p.grad
            losses.append(loss.item())
        model.eval()
        # the losses as a tensor: compared at the tolerance below, not bit for bit (the
        # updates round differently from torch's fused kernels in the last bit)
        return lib.tensor(losses), model(x), list(model.state_dict().values())

    check(fn, randn(8, 6), _labels(8, 3), rtol=1e-4, atol=1e-5)
