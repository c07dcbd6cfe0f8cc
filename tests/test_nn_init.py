"""nn.init: every initialiser, seeded, must fill exactly torch's numbers; gains, fans and errors
as torch's; and the default initialisation of whole models matches torch after manual_seed."""

from __future__ import annotations

from typing import Any

import pytest
from parity import check

SHAPES = [(3, 4), (5, 2), (6, 1, 5, 5), (4, 3, 2, 3), (2, 3, 4)]

INITS = {
    "uniform_": lambda lib, t: lib.nn.init.uniform_(t),
    "uniform_ab": lambda lib, t: lib.nn.init.uniform_(t, -2.0, 0.5),
    "normal_": lambda lib, t: lib.nn.init.normal_(t),
    "normal_mean_std": lambda lib, t: lib.nn.init.normal_(t, 1.0, 0.1),
    "constant_": lambda lib, t: lib.nn.init.constant_(t, 0.3),
    "ones_": lambda lib, t: lib.nn.init.ones_(t),
    "zeros_": lambda lib, t: lib.nn.init.zeros_(t),
    "xavier_uniform_": lambda lib, t: lib.nn.init.xavier_uniform_(t),
    "xavier_uniform_gain": lambda lib, t: lib.nn.init.xavier_uniform_(
        t, gain=lib.nn.init.calculate_gain("relu")
    ),
    "xavier_normal_": lambda lib, t: lib.nn.init.xavier_normal_(t),
    "xavier_normal_gain": lambda lib, t: lib.nn.init.xavier_normal_(t, gain=2.0),
    "kaiming_uniform_": lambda lib, t: lib.nn.init.kaiming_uniform_(t),
    "kaiming_uniform_relu_fan_out": lambda lib, t: lib.nn.init.kaiming_uniform_(
        t, mode="fan_out", nonlinearity="relu"
    ),
    "kaiming_uniform_sqrt5": lambda lib, t: lib.nn.init.kaiming_uniform_(t, a=5**0.5),
    "kaiming_normal_": lambda lib, t: lib.nn.init.kaiming_normal_(t),
    "kaiming_normal_fan_out": lambda lib, t: lib.nn.init.kaiming_normal_(
        t, mode="FAN_OUT", nonlinearity="leaky_relu", a=0.2
    ),
    "kaiming_normal_tanh": lambda lib, t: lib.nn.init.kaiming_normal_(t, nonlinearity="tanh"),
}


def _filled(lib: Any, name: str, shape: tuple[int, ...], dtype: str) -> Any:
    lib.manual_seed(0)
    t = lib.empty(shape, dtype=getattr(lib, dtype))
    out = INITS[name](lib, t)
    return out is t, t, lib.rand(2)  # the generator advanced exactly as far as torch's


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", INITS)
def test_initialiser_values(name: str, shape: tuple[int, ...]) -> None:
    check(_filled, name, shape, "float32")


@pytest.mark.parametrize("name", ["uniform_", "normal_", "xavier_normal_", "kaiming_uniform_"])
def test_initialiser_float64(name: str) -> None:
    check(_filled, name, (17, 3), "float64")


@pytest.mark.parametrize("name", ["uniform_", "normal_", "xavier_uniform_", "kaiming_normal_"])
def test_initialiser_on_a_parameter(name: str) -> None:
    """Parameters require grad: the fill must happen under no_grad, and keep them leaves."""

    def fn(lib: Any) -> Any:
        lib.manual_seed(3)
        p = lib.nn.Parameter(lib.empty(4, 5))
        INITS[name](lib, p)
        return p, p.is_leaf, p.grad_fn is None

    check(fn)


@pytest.mark.parametrize("name", ["uniform_", "normal_", "xavier_uniform_", "kaiming_uniform_"])
def test_initialiser_with_a_generator(name: str) -> None:
    def fn(lib: Any) -> Any:
        g = lib.Generator().manual_seed(7)
        t = lib.empty(3, 3)
        init = getattr(lib.nn.init, name)
        init(t, generator=g)
        return t, lib.rand(1, generator=g)

    check(fn)


@pytest.mark.parametrize(
    "args",
    [
        ("linear",),
        ("conv1d",),
        ("conv2d",),
        ("conv3d",),
        ("conv_transpose1d",),
        ("conv_transpose2d",),
        ("conv_transpose3d",),
        ("sigmoid",),
        ("tanh",),
        ("relu",),
        ("leaky_relu",),
        ("leaky_relu", 0.2),
        ("leaky_relu", 3),
        ("selu",),
    ],
    ids=str,
)
def test_calculate_gain(args: tuple[Any, ...]) -> None:
    check(lambda lib: lib.nn.init.calculate_gain(*args))


ERRORS = {
    "gain_unknown": lambda lib: lib.nn.init.calculate_gain("swish"),
    "gain_bad_slope": lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
    "gain_string_slope": lambda lib: lib.nn.init.calculate_gain("leaky_relu", "0.1"),
    "fan_1d": lambda lib: lib.nn.init.xavier_uniform_(lib.empty(3)),
    "fan_0d": lambda lib: lib.nn.init.kaiming_normal_(lib.tensor(1.0)),
    "bad_mode": lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(2, 2), mode="fan_avg"),
    "bad_nonlinearity": lambda lib: lib.nn.init.kaiming_uniform_(
        lib.empty(2, 2), nonlinearity="gelu"
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name: str) -> None:
    check(ERRORS[name], raises=ValueError, same_message=True)


# the bounds and moments are torch's float arguments (a 0-d tensor only without grad); a NaN
# standard deviation is refused, as a negative one
FLOAT_ARGUMENT_CALLS = [
    "init.normal_(t.empty(5), 0, float('nan'))",
    "init.xavier_normal_(t.empty(3, 2), gain=float('nan'))",
    "init.normal_(t.empty(3), '1')",
    "init.normal_(t.empty(3), None)",
    "init.normal_(t.empty(3), [0.5])",
    "init.normal_(t.empty(3), 0.0, t.tensor([0.5]))",
    "init.uniform_(t.empty(3), t.tensor([0.5]))",
    "init.uniform_(t.empty(3), 0.0, t.tensor(2.0, requires_grad=True))",
    "init.xavier_uniform_(t.empty(3, 2), gain=t.tensor([0.5]))",
    "init.normal_(t.empty(3), t.tensor(0.5))",
]


@pytest.mark.parametrize("call", FLOAT_ARGUMENT_CALLS)
def test_float_arguments(call: str) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        return eval(call, {"t": lib, "init": lib.nn.init})

    check(fn, same_message=True)


def test_conv2d_reset_parameters_of_a_channels_last_weight() -> None:
    # torch draws a non-contiguous weight's values in row-major order, then copies them in
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        conv = lib.nn.Conv2d(3, 4, 2).to(memory_format=lib.channels_last)
        conv.reset_parameters()
        return conv.weight, conv.weight._version, conv.bias

    check(fn, strides=True)


def test_zero_element_tensor_warns() -> None:
    check(lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(0, 3)))
    check(lambda lib: lib.nn.init.kaiming_normal_(lib.empty(3, 0)))


def test_fans() -> None:
    def fn(lib: Any) -> Any:
        init = lib.nn.init
        return [
            init._calculate_fan_in_and_fan_out(lib.empty(*shape))
            for shape in [(3, 4), (6, 1, 5, 5), (2, 3, 4), (8, 4, 3, 3, 3)]
        ]

    check(fn)


# ---------------------------------------------------------------------- default initialisation
def test_linear_default_init_after_seed() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        layer = lib.nn.Linear(4, 3)
        return layer.weight, layer.bias, str(layer.weight)

    check(fn)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.nn.Linear(7, 5, bias=False),
        lambda lib: lib.nn.Linear(1, 1),
        lambda lib: lib.nn.Linear(3, 2, dtype=lib.float64),
        lambda lib: lib.nn.Conv2d(1, 6, 5),
        lambda lib: lib.nn.Conv2d(4, 6, (3, 2), groups=2),
        lambda lib: lib.nn.Conv2d(3, 2, 3, bias=False),
        lambda lib: lib.nn.BatchNorm2d(3),
        lambda lib: lib.nn.BatchNorm1d(3, affine=False),
    ],
    ids=[
        "linear_nobias",
        "linear_1x1",
        "linear_f64",
        "conv",
        "conv_groups",
        "conv_nobias",
        "bn2d",
        "bn1d",
    ],
)
def test_layer_default_init(make: Any) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(42)
        m = make(lib)
        return list(m.state_dict().values()), [
            (n, p.requires_grad) for n, p in m.named_parameters()
        ]

    check(fn)


@pytest.mark.parametrize("args", [(0, 4, 3), (2, 4, 0)])
def test_conv2d_without_fan_in_still_draws_its_bias(args: tuple[int, ...]) -> None:
    def fn(lib: Any) -> Any:  # (bound 0: zeros, but the random stream moves on, as torch's)
        lib.manual_seed(0)
        return lib.nn.Conv2d(*args).bias.detach(), lib.rand(2)

    check(fn)


def test_whole_models_after_seed() -> None:
    """LeNet and an MLP built after manual_seed have torch's parameters, in torch's order."""

    def fn(lib: Any) -> Any:
        nn = lib.nn
        lib.manual_seed(0)
        lenet = nn.Sequential(
            nn.Conv2d(1, 6, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, 10),
        )
        mlp = nn.Sequential(
            nn.Flatten(),
            nn.Linear(28 * 28, 64),
            nn.BatchNorm1d(64),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(64, 10),
        )
        return list(lenet.parameters()), list(mlp.state_dict().values()), lib.rand(3)

    check(fn)
