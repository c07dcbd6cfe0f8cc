"""nn.Parameter and nn.Module (registration, traversal, state_dict, modes, conversion, repr),
and the containers Sequential and ModuleList, each compared with torch by ``parity.check``.

Most cases build the same module with ``lib.nn`` for lib = picotorch and lib = torch and
return what a user would look at (a repr, a list of names, a tensor); ``check`` compares them.
"""

from __future__ import annotations

import copy
import io
import pickle
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from networks import lenet
from parity import Raw, check

import picotorch

LIBS = (picotorch, torch)


# ---------------------------------------------------------------------- helpers
def tiny(lib: Any) -> Any:
    """A module with a parameter, a buffer, a non-persistent buffer and a child, needing no F."""

    class Scale(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = lib.nn.Parameter(lib.tensor([1.0, 2.0, 3.0]))
            self.register_buffer("count", lib.tensor(0))
            self.register_buffer("cache", lib.zeros(3), persistent=False)

        def forward(self, x: Any) -> Any:
            return (self.w * x).sum()

    class Outer(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = Scale()
            self.b = lib.nn.Parameter(lib.tensor([0.5]))
            self.ident = lib.nn.Identity()

        def forward(self, x: Any) -> Any:
            return self.scale(self.ident(x)) + self.b

    return Outer()


def mlp(lib: Any) -> Any:
    nn = lib.nn
    return nn.Sequential(
        nn.Flatten(), nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3)
    )


def names_and_shapes(pairs: Any) -> list[Any]:
    return [(name, tuple(t.shape)) for name, t in pairs]


# ---------------------------------------------------------------------- Parameter
def test_parameter_repr_and_str() -> None:
    check(lambda lib: repr(lib.nn.Parameter(lib.tensor([1.0, 2.0]))))
    check(lambda lib: str(lib.nn.Parameter(lib.tensor([[1.5, -2.0], [3.0, 4.0]]))))
    check(lambda lib: repr(lib.nn.Parameter(lib.ones(2, dtype=lib.float64))))
    check(lambda lib: repr(lib.nn.Parameter(lib.tensor([1, 2]), requires_grad=False)))
    check(lambda lib: repr(lib.nn.Parameter()))
    check(lambda lib: f"{lib.nn.Parameter(lib.tensor([1.0]))}")


def test_parameter_is_a_leaf_tensor() -> None:
    def fn(lib: Any) -> Any:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        q = lib.nn.Parameter(lib.tensor([1.0]), requires_grad=False)
        return (
            isinstance(p, lib.Tensor),
            isinstance(p, lib.nn.Parameter),
            type(p).__name__,
            p.is_leaf,
            p.grad_fn is None,
            p.requires_grad,
            q.requires_grad,
            p,
        )

    check(fn)


def test_parameter_from_a_non_leaf_is_a_new_leaf() -> None:
    def fn(lib: Any, x: Any) -> Any:
        x.requires_grad_(True)
        y = x * 2
        p = lib.nn.Parameter(y)
        return p.is_leaf, p.grad_fn is None, p.requires_grad, p

    check(fn, np.array([1.0, 2.0], np.float32))


def test_parameter_shares_memory_and_version_with_its_data() -> None:
    def fn(lib: Any, t: Any) -> Any:
        p = lib.nn.Parameter(t)
        t.add_(1)
        return p._version, t._version, p.detach()

    check(fn, np.array([1.0, 2.0], np.float32))


def test_ops_on_a_parameter_give_plain_tensors() -> None:
    def fn(lib: Any) -> Any:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        return [type(t).__name__ for t in (p * 2, p + 1, p.detach(), p[0], p.data, p.sum())]

    check(fn)


def test_parameter_integer_requires_grad_error() -> None:
    check(
        lambda lib: lib.nn.Parameter(lib.tensor([1, 2])),
        raises=RuntimeError,
        same_message=True,
    )


@pytest.mark.parametrize("data", [[1.0, 2.0], np.ones(2), 1.5])
@pytest.mark.parametrize("kind", ["Parameter", "Buffer"])
def test_parameter_and_buffer_of_a_non_tensor_fail_as_torchs(kind: str, data: Any) -> None:
    check(lambda lib: getattr(lib.nn, kind)(data), raises=AttributeError, same_message=True)


def test_parameter_deepcopy_and_pickle_keep_the_class() -> None:
    def fn(lib: Any) -> Any:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        q = copy.deepcopy(p)
        r = pickle.loads(pickle.dumps(p))
        s = copy.deepcopy(lib.nn.Parameter(lib.tensor([3.0]), requires_grad=False))
        q.data.add_(1)  # a copy owns its memory
        return type(q).__name__, type(r).__name__, q, r, s, p

    check(fn)


def test_parameter_in_an_optimisation_step() -> None:
    def fn(lib: Any) -> Any:
        p = lib.nn.Parameter(lib.tensor([1.0, -2.0]))
        (p * p).sum().backward()
        with lib.no_grad():
            p -= 0.1 * p.grad
        return p, p.grad, type(p).__name__

    check(fn)


def test_buffer_by_assignment() -> None:
    def fn(lib: Any) -> Any:
        m = lib.nn.Module()
        m.a = lib.nn.Buffer(lib.ones(2))
        m.b = lib.nn.Buffer(lib.zeros(1), persistent=False)
        return list(m.state_dict().keys()), [name for name, _ in m.named_buffers()]

    check(fn)


# ---------------------------------------------------------------------- registration
def test_attribute_assignment_registers() -> None:
    def fn(lib: Any) -> Any:
        m = tiny(lib)
        m.plain = lib.ones(2)  # a plain tensor is just an attribute
        m.number = 3
        return (
            names_and_shapes(m.named_parameters()),
            names_and_shapes(m.named_buffers()),
            [name for name, _ in m.named_children()],
            [name for name, _ in m.named_modules()],
            m.scale.w,
            m.scale.count,
            m.plain,
            m.number,
        )

    check(fn)


def test_reassigning_moves_between_kinds() -> None:
    def fn(lib: Any) -> Any:
        m = lib.nn.Module()
        m.x = lib.nn.Linear(1, 1)
        m.x = lib.nn.Parameter(lib.ones(1))  # a child replaced by a parameter
        m.y = 5
        m.y = lib.nn.Identity()  # an attribute replaced by a module
        m.z = lib.nn.Parameter(lib.ones(1))
        m.z = None  # allowed: a parameter slot can be emptied
        return (
            [n for n, _ in m.named_parameters()],
            [n for n, _ in m.named_children()],
            "y" in m.__dict__,
            m.z,
        )

    check(fn)


def test_register_methods() -> None:
    def fn(lib: Any) -> Any:
        m = lib.nn.Module()
        m.register_parameter("p", lib.nn.Parameter(lib.ones(2)))
        m.register_parameter("q", None)
        m.register_buffer("b", lib.zeros(2))
        m.register_buffer("nb", None)
        m.add_module("child", lib.nn.Identity())
        m.register_module("other", lib.nn.Identity())
        m.b = lib.ones(2)  # a buffer's name takes a plain tensor: it stays a buffer
        return (
            [n for n, _ in m.named_parameters()],
            [n for n, _ in m.named_buffers()],
            [n for n, _ in m.named_children()],
            m.b,
            m.q,
            list(m.state_dict()),
        )

    check(fn)


def test_delattr() -> None:
    def fn(lib: Any) -> Any:
        m = tiny(lib)
        del m.b
        del m.scale.count
        del m.ident
        m.extra = 1
        del m.extra
        return list(m.state_dict()), [n for n, _ in m.named_modules()], hasattr(m, "extra")

    check(fn)


def test_dir_lists_registered_names() -> None:
    def fn(lib: Any) -> Any:
        names = dir(tiny(lib))
        return [n for n in ("scale", "b", "ident", "forward", "training") if n in names]

    check(fn)


@pytest.mark.parametrize("getter", ["get_parameter", "get_buffer"])
@pytest.mark.parametrize(
    "target", ["0.weight", "0.bias", "b", "0", "0.nope", "1.weight", "0.weight.x", ""]
)
def test_get_parameter_and_buffer(getter: str, target: str) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 2))
        model.register_buffer("b", lib.ones(1))
        return getattr(model, getter)(target)

    found = target in (("0.weight", "0.bias") if getter == "get_parameter" else ("b",))
    check(fn, raises=None if found else AttributeError, same_message=True)


def test_get_submodule() -> None:
    check(lambda lib: repr(tiny(lib).get_submodule("scale")))
    check(lambda lib: tiny(lib).get_submodule("") is not None)
    check(
        lambda lib: tiny(lib).get_submodule("scale.nope"), raises=AttributeError, same_message=True
    )
    check(lambda lib: tiny(lib).get_submodule("b"), raises=AttributeError, same_message=True)


def _before_init(lib: Any, what: str) -> Any:
    class Bad(lib.nn.Module):
        def __init__(self) -> None:
            if what == "module":
                self.fc = lib.nn.Identity()
            elif what == "parameter":
                self.w = lib.nn.Parameter(lib.ones(1))
            elif what == "buffer":
                self.register_buffer("b", lib.ones(1))
            else:
                self.register_parameter("w", None)

    return Bad()


@pytest.mark.parametrize("what", ["module", "parameter", "buffer", "register_parameter"])
def test_assigning_before_init(what: str) -> None:
    check(_before_init, what, raises=AttributeError, same_message=True)


ERRORS = {
    "tensor_as_parameter": lambda lib: setattr(lib.nn.Linear(2, 2), "weight", lib.ones(2, 2)),
    "number_as_parameter": lambda lib: setattr(lib.nn.Linear(2, 2), "weight", 3),
    "tensor_as_module": lambda lib: setattr(lib.nn.Sequential(lib.nn.ReLU()), "0", lib.ones(1)),
    "number_as_buffer": lambda lib: setattr(lib.nn.BatchNorm1d(2), "running_mean", 1.0),
    "missing_attribute": lambda lib: lib.nn.Linear(2, 2).foo,
    "missing_attribute_subclass": lambda lib: tiny(lib).scale.nothing,
    "register_tensor_as_parameter": lambda lib: lib.nn.Module().register_parameter(
        "w", lib.ones(1)
    ),
    "register_non_leaf": lambda lib: lib.nn.Module().register_parameter(
        "w", lib.nn.Parameter(lib.ones(1)) * 2
    ),
    "register_dotted_parameter": lambda lib: lib.nn.Module().register_parameter("a.b", None),
    "register_empty_parameter": lambda lib: lib.nn.Module().register_parameter("", None),
    "register_int_name": lambda lib: lib.nn.Module().register_parameter(1, None),
    "register_existing": lambda lib: lib.nn.Module().register_parameter("training", None),
    "buffer_not_tensor": lambda lib: lib.nn.Module().register_buffer("b", [1.0]),
    "buffer_dotted": lambda lib: lib.nn.Module().register_buffer("b.c", None),
    "buffer_empty": lambda lib: lib.nn.Module().register_buffer("", None),
    "buffer_existing": lambda lib: lib.nn.Module().register_buffer("forward", None),
    "add_module_not_module": lambda lib: lib.nn.Module().add_module("m", lib.ones(1)),
    "add_module_int_name": lambda lib: lib.nn.Module().add_module(3, None),
    "add_module_dotted": lambda lib: lib.nn.Module().add_module("a.b", None),
    "add_module_empty": lambda lib: lib.nn.Module().add_module("", None),
    "add_module_existing": lambda lib: lib.nn.Module().add_module("training", None),
    "module_init_args": lambda lib: lib.nn.Module(3),
    "module_init_kwargs": lambda lib: lib.nn.Module(x=3),
    "forward_missing": lambda lib: lib.nn.Module()(lib.ones(1)),
    "train_not_bool": lambda lib: lib.nn.Module().train(1),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name: str) -> None:
    raises = AttributeError if name.startswith("missing_attribute") else None
    check(ERRORS[name], raises=raises, same_message=True)


def test_error_naming_a_class() -> None:
    """torch names a class by its module path (torch.nn... vs picotorch.nn...): the rest agrees."""
    check(
        lambda lib: lib.nn.Module().add_module("m", lib.nn.Linear),
        raises=TypeError,
        match=".Linear is not a Module subclass",
    )


# ---------------------------------------------------------------------- traversal
def test_parameters_and_named_parameters() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        net = lenet(lib)
        params = list(net.parameters())
        return (
            len(params),
            params[0].size(),
            names_and_shapes(net.named_parameters()),
            names_and_shapes(net.named_parameters(prefix="net")),
            names_and_shapes(net.named_parameters(recurse=False)),
            [tuple(p.shape) for p in net.fc1.parameters()],
            type(net.parameters()).__name__,
            params,
        )

    check(fn)


def test_shared_modules_and_tied_weights() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        shared = lib.nn.Linear(2, 2)
        seq = lib.nn.Sequential(shared, lib.nn.ReLU(), shared)
        other = lib.nn.Linear(2, 2)
        other.weight = shared.weight  # tied weight
        seq.append(other)
        return (
            [n for n, _ in seq.named_modules()],
            [n for n, _ in seq.named_modules(remove_duplicate=False)],
            [n for n, _ in seq.named_modules(prefix="top")],
            [n for n, _ in seq.named_parameters()],
            [n for n, _ in seq.named_parameters(remove_duplicate=False)],
            len(list(seq.parameters())),
            [n for n, _ in seq.named_children()],
            len(list(seq.children())),
            len(list(seq.modules())),
            len(list(seq.modules(remove_duplicate=False))),
            list(seq.state_dict()),
        )

    check(fn)


def test_buffers() -> None:
    def fn(lib: Any) -> Any:
        model = lib.nn.Sequential(lib.nn.BatchNorm1d(3), lib.nn.Linear(3, 2), tiny(lib))
        return (
            names_and_shapes(model.named_buffers()),
            names_and_shapes(model.named_buffers(prefix="m")),
            names_and_shapes(model.named_buffers(recurse=False)),
            [b.dtype for b in model.buffers()],
        )

    check(fn)


# ---------------------------------------------------------------------- state_dict
def test_state_dict_keys_values_and_metadata() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        model = lib.nn.Sequential(
            lib.nn.Conv2d(1, 2, 3), lib.nn.BatchNorm2d(2), lib.nn.ReLU(), tiny(lib)
        )
        sd = model.state_dict()
        return (
            type(sd).__name__,
            list(sd.keys()),
            dict(sd._metadata),
            list(sd.values()),
            sd["0.weight"].requires_grad,
            sd["0.weight"].is_leaf,
            type(sd["0.weight"]).__name__,
        )

    check(fn)


def test_state_dict_shares_memory() -> None:
    def fn(lib: Any) -> Any:
        m = tiny(lib)
        sd = m.state_dict()
        sd["scale.w"].mul_(10)  # writes through to the parameter
        kept = m.state_dict(keep_vars=True)
        return m.scale.w, type(kept["scale.w"]).__name__, kept["scale.w"].requires_grad

    check(fn)


def test_state_dict_prefix_and_destination() -> None:
    def fn(lib: Any) -> Any:
        dest: dict[str, Any] = {}
        out = tiny(lib).state_dict(destination=dest, prefix="model.")
        return out is dest, list(dest)

    check(fn)


def test_state_dict_positional_args_warn() -> None:
    check(lambda lib: list(tiny(lib).state_dict(None, "p.")))


def _load(lib: Any, make: Any, state: dict[str, np.ndarray], **kwargs: Any) -> Any:
    model = make(lib)
    result = model.load_state_dict(
        {k: lib.from_numpy(v.copy()) for k, v in state.items()}, **kwargs
    )
    state_after = model.state_dict()
    return result, list(state_after), list(state_after.values())


def test_load_state_dict_copies_in_place() -> None:
    torch.manual_seed(1)
    state = {k: v.numpy().copy() for k, v in lenet(torch).state_dict().items()}

    def fn(lib: Any, state: Any) -> Any:
        lib.manual_seed(0)
        net = lenet(lib)
        weight = net.conv1.weight
        result = net.load_state_dict({k: lib.from_numpy(v) for k, v in state.items()})
        return (
            repr(result),
            str(result),
            result,
            net.conv1.weight is weight,  # the same Parameter object, new values
            net.conv1.weight,
            list(net.state_dict().values()),
        )

    check(fn, Raw(state))


def test_load_state_dict_converts_dtype_and_accepts_plain_dicts() -> None:
    def fn(lib: Any) -> Any:
        m = lib.nn.Linear(2, 1)
        m.load_state_dict(
            {"weight": lib.tensor([[1.0, 2.0]], dtype=lib.float64), "bias": lib.tensor([3.0])}
        )
        return m.weight, m.bias

    check(fn)


def test_load_state_dict_into_a_frozen_model() -> None:
    def fn(lib: Any) -> Any:
        m = lib.nn.Linear(2, 1)
        m.requires_grad_(False)
        m.load_state_dict({"weight": lib.tensor([[1.0, 2.0]]), "bias": lib.tensor([3.0])})
        return m.weight, m.bias

    check(fn)


STATE_ERRORS = {
    "missing": {"scale.w": np.ones(3, np.float32)},
    "unexpected": {
        "b": np.ones(1, np.float32),
        "scale.w": np.ones(3, np.float32),
        "scale.count": np.array(0),
        "extra": np.ones(1, np.float32),
        "scale.extra": np.ones(1, np.float32),
        "nochild.w": np.ones(1, np.float32),
    },
    "size_mismatch": {
        "b": np.ones(2, np.float32),
        "scale.w": np.ones((3, 1), np.float32),
        "scale.count": np.array(0),
    },
    "all_three": {"b": np.ones(2, np.float32), "bogus": np.ones(1, np.float32)},
}


@pytest.mark.parametrize("name", STATE_ERRORS)
def test_load_state_dict_errors(name: str) -> None:
    check(_load, tiny, Raw(STATE_ERRORS[name]), raises=RuntimeError, same_message=True)


@pytest.mark.parametrize("name", ["missing", "unexpected"])
def test_load_state_dict_not_strict(name: str) -> None:
    check(lambda lib, state: _load(lib, tiny, state, strict=False), Raw(STATE_ERRORS[name]))
    check(lambda lib: repr(_load(lib, tiny, STATE_ERRORS[name], strict=False)[0]))


def test_load_state_dict_error_message_names_the_class() -> None:
    def fn(lib: Any) -> Any:
        lenet(lib).load_state_dict({"fc1.weight": lib.zeros(3, 3)})

    check(fn, raises=RuntimeError, same_message=True)


def test_load_state_dict_bad_values() -> None:
    check(lambda lib: tiny(lib).load_state_dict([1, 2]), raises=TypeError, same_message=True)

    def not_a_tensor(lib: Any) -> Any:
        m = lib.nn.Linear(1, 1)
        m.load_state_dict({"weight": [[1.0]], "bias": lib.zeros(1)})

    check(not_a_tensor, raises=RuntimeError, same_message=True)


def test_load_state_dict_assign() -> None:
    def fn(lib: Any) -> Any:
        m = lib.nn.Linear(2, 1)
        w = lib.tensor([[1.0, 2.0]])
        m.load_state_dict({"weight": w, "bias": lib.tensor([3.0])}, assign=True)
        w.add_(1)  # assign=True takes the tensor itself
        return type(m.weight).__name__, m.weight.requires_grad, m.weight

    check(fn)


def test_batchnorm_state_dict_without_counter_loads() -> None:
    """A plain dict has no version metadata: BatchNorm fills in num_batches_tracked."""

    def fn(lib: Any) -> Any:
        bn = lib.nn.BatchNorm1d(2)
        result = bn.load_state_dict(
            {
                "weight": lib.ones(2),
                "bias": lib.zeros(2),
                "running_mean": lib.tensor([1.0, 2.0]),
                "running_var": lib.tensor([3.0, 4.0]),
            }
        )
        missing = bn.load_state_dict(
            OrderedDict(weight=lib.ones(2)), strict=False
        )  # no metadata here either
        return repr(result), bn.running_mean, bn.num_batches_tracked, missing

    check(fn)


def test_state_dict_round_trip_between_models() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        a = mlp(lib)
        b = mlp(lib)
        result = b.load_state_dict(a.state_dict())
        return repr(result), list(b.state_dict().values()), list(a.state_dict().values())

    check(fn)


# ---------------------------------------------------------------------- modes
def test_train_eval() -> None:
    def fn(lib: Any) -> Any:
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Sequential(lib.nn.Dropout()))
        before = [m.training for m in model.modules()]
        out = model.eval()
        after = [m.training for m in model.modules()]
        model[1].train()
        mixed = [m.training for m in model.modules()]
        model.train(False)
        return before, out is model, after, mixed, [m.training for m in model.modules()]

    check(fn)


def test_zero_grad_and_requires_grad() -> None:
    def fn(lib: Any, x: Any) -> Any:
        m = tiny(lib)
        m(x).backward()
        grads = [p.grad.clone() for p in m.parameters()]
        m.zero_grad(set_to_none=False)
        zeros = [p.grad for p in m.parameters()]
        m(x).backward()
        again = [p.grad.clone() for p in m.parameters()]
        m.zero_grad()
        nones = [p.grad for p in m.parameters()]
        frozen = m.requires_grad_(False)
        flags = [p.requires_grad for p in m.parameters()]
        m.scale.requires_grad_()
        return (
            grads,
            zeros,
            again,
            nones,
            frozen is m,
            flags,
            [p.requires_grad for p in m.parameters()],
        )

    check(fn, np.array([1.0, -1.0, 2.0], np.float32))


def test_apply_visits_children_first() -> None:
    def fn(lib: Any) -> Any:
        seen: list[str] = []
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Sequential(lib.nn.ReLU()))
        out = model.apply(lambda m: seen.append(type(m).__name__))
        return seen, out is model

    check(fn)


def test_apply_to_initialise() -> None:
    def fn(lib: Any) -> Any:
        def init_weights(m: Any) -> None:
            if isinstance(m, lib.nn.Linear):
                lib.nn.init.xavier_uniform_(m.weight)
                m.bias.data.fill_(0.01)

        lib.manual_seed(0)
        model = mlp(lib)
        model.apply(init_weights)
        return list(model.parameters())

    check(fn)


# ---------------------------------------------------------------------- conversion
def test_to_double_float_keeps_parameter_objects() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
        weight = model[0].weight
        out = model.double()
        doubled = [(n, t.dtype) for n, t in model.state_dict().items()]
        same = model[0].weight is weight
        model.to(lib.float32)
        back = [(n, t.dtype) for n, t in model.state_dict().items()]
        model.to(dtype=lib.float64)
        model.to(lib.zeros(1))
        model.float()
        return out is model, doubled, same, back, type(model[0].weight).__name__, model[0].weight

    check(fn)


def test_to_converts_grads() -> None:
    def fn(lib: Any) -> Any:
        m = lib.nn.Linear(2, 1)
        m(lib.ones(1, 2)).sum().backward()
        m.double()
        return m.weight.grad.dtype, m.bias.grad, m.weight.dtype

    check(fn)


@pytest.mark.parametrize("fmt", ["channels_last", "contiguous_format"])
def test_to_a_memory_format_lays_out_4d_parameters_and_grads(fmt: str) -> None:
    """Only the 4-d tensors (a convolution's weight and its gradient) take the layout; the
    parameters stay the same objects."""

    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Conv2d(1, 2, 3), lib.nn.Conv2d(2, 3, 2).double())
        weight = model[0].weight
        weight.grad = lib.ones(2, 1, 3, 3)
        model.to(lib.float32, memory_format=getattr(lib, fmt))
        tensors = [weight, weight.grad, model[0].bias, model[1].weight]
        return model[0].weight is weight, [(t.dtype, t.stride()) for t in tensors], tensors

    check(fn)


def test_to_device_and_errors() -> None:
    check(lambda lib: repr(lib.nn.Linear(2, 2).to("cpu")))
    check(lambda lib: repr(lib.nn.Linear(2, 2).to(lib.device("cpu")).cpu()))
    check(lambda lib: lib.nn.Linear(2, 2).to(lib.int64), raises=TypeError, same_message=True)
    check(lambda lib: lib.nn.Linear(2, 2).to("cuda"), raises=AssertionError)
    check(lambda lib: lib.nn.Linear(2, 2).cuda(), raises=AssertionError)


def test_pickle_module() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        model = pickle.loads(pickle.dumps(mlp(lib)))
        return repr(model), type(model[1].weight).__name__, list(model.state_dict().values())

    check(fn)


def test_deepcopy_module() -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        model = mlp(lib)
        clone = copy.deepcopy(model)
        with lib.no_grad():
            clone[1].weight.add_(1)
        return (
            repr(clone),
            type(clone[1].weight).__name__,
            list(clone.state_dict().values()),
            list(model.state_dict().values()),
        )

    check(fn)


# ---------------------------------------------------------------------- repr
def test_lenet_repr() -> None:
    check(lambda lib: repr(lenet(lib)))
    check(lambda lib: str(lenet(lib)))


def test_nested_repr() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn

        class Block(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.body = nn.Sequential(
                    nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU()
                )
                self.heads = nn.ModuleList([nn.Linear(8, 2) for _ in range(3)])

            def extra_repr(self) -> str:
                return "custom=1\nsecond line"

        class Empty(nn.Module):
            pass

        class OneLine(nn.Module):
            def extra_repr(self) -> str:
                return "k=3"

        outer = nn.Sequential(
            OrderedDict(block=Block(), empty=Empty(), one=OneLine(), none=nn.Identity())
        )
        outer.add_module("missing", None)
        return repr(outer), repr(Empty()), repr(OneLine())

    check(fn)


def test_module_call_and_forward_arguments() -> None:
    def fn(lib: Any, x: Any) -> Any:
        class Two(lib.nn.Module):
            def forward(self, a: Any, b: Any, *, scale: float = 1.0) -> Any:
                return (a + b) * scale

        return Two()(x, x, scale=2.0)

    check(fn, np.array([1.0, 2.0], np.float32))


# ---------------------------------------------------------------------- Sequential
def test_sequential_indexing() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        seq = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3), nn.Tanh())
        return (
            len(seq),
            repr(seq[0]),
            repr(seq[-1]),
            repr(seq[1:3]),
            type(seq[1:3]).__name__,
            repr(seq[::-1]),
            [type(m).__name__ for m in seq],
            seq[2] is list(seq)[2],
        )

    check(fn)


def test_sequential_ordered_dict_names() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
        return repr(seq), repr(seq.fc), repr(seq[1:]), list(seq.state_dict())

    check(fn)


def test_sequential_mutation() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        seq = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
        steps = [repr(seq.append(nn.Tanh()))]
        seq.insert(1, nn.Sigmoid())
        steps.append(repr(seq))
        seq.insert(-1, nn.Identity())
        steps.append(repr(seq))
        seq[0] = nn.Linear(1, 5)
        steps.append(repr(seq))
        del seq[1]
        steps.append(repr(seq))
        del seq[1:3]
        steps.append(repr(seq))
        steps.append(repr(seq.pop(0)))
        seq.extend([nn.ReLU(), nn.ReLU()])
        steps.append(repr(seq))
        steps.append(repr(seq + nn.Sequential(nn.Tanh())))
        seq += nn.Sequential(nn.Sigmoid())
        steps.append(repr(seq))
        return steps

    check(fn)


def test_sequential_times_n() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        seq = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
        twice, thrice, once = seq * 2, 3 * seq, seq * 1
        shared = twice[0] is twice[2] is seq[0]
        seq *= 2
        return repr(twice), len(thrice), once is seq, shared, repr(seq), seq[1] is seq[3]

    check(fn)


@pytest.mark.parametrize("factor", [0, -1, 1.5])
def test_sequential_times_what_torch_refuses(factor: Any) -> None:
    check(
        lambda lib: lib.nn.Sequential(lib.nn.ReLU()) * factor,
        raises=(ValueError if isinstance(factor, int) else TypeError),
    )


SEQ_ERRORS = {
    "index": lambda lib: lib.nn.Sequential(lib.nn.ReLU())[1],
    "negative_index": lambda lib: lib.nn.Sequential(lib.nn.ReLU())[-2],
    "float_index": lambda lib: lib.nn.Sequential(lib.nn.ReLU())[0.5],
    "add_list": lambda lib: lib.nn.Sequential().__add__([lib.nn.ReLU()]),
    "insert_bad_index": lambda lib: lib.nn.Sequential(lib.nn.ReLU()).insert(3, lib.nn.ReLU()),
    "not_a_module": lambda lib: lib.nn.Sequential(lib.nn.ReLU(), 3),
}


@pytest.mark.parametrize("name", SEQ_ERRORS)
def test_sequential_errors(name: str) -> None:
    check(SEQ_ERRORS[name], same_message=True)


# ---------------------------------------------------------------------- ModuleList
def test_module_list() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn
        layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
        steps = [len(layers), repr(layers)]
        layers.append(nn.ReLU())
        layers.extend([nn.Tanh(), nn.Tanh()])
        steps.append(repr(layers))
        layers.insert(0, nn.Sigmoid())
        steps.append(repr(layers))
        steps.append(repr(layers[-1]))
        steps.append(repr(layers[1:3]))
        steps.append(type(layers[1:3]).__name__)
        layers[0] = nn.Identity()
        del layers[1]
        steps.append(repr(layers))
        steps.append(repr(layers.pop(-1)))
        del layers[0:2]
        steps.append(repr(layers))
        layers += [nn.ReLU()]
        steps.append(repr(layers + nn.ModuleList([nn.Tanh()])))
        steps.append([type(m).__name__ for m in layers])
        steps.append(repr(nn.ModuleList()))
        return steps

    check(fn)


def test_module_list_registers_parameters() -> None:
    def fn(lib: Any) -> Any:
        nn = lib.nn

        class Net(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.layers = nn.ModuleList([nn.Linear(3, 3) for _ in range(3)])
                self.plain = [nn.Linear(3, 3)]  # a Python list: not registered

        net = Net()
        return names_and_shapes(net.named_parameters()), repr(net)

    check(fn)


MODULE_LIST_ERRORS = {
    "index": lambda lib: lib.nn.ModuleList([lib.nn.ReLU()])[2],
    "negative_index": lambda lib: lib.nn.ModuleList()[-1],
    "extend_not_iterable": lambda lib: lib.nn.ModuleList().extend(lib.nn.ReLU()),
    "not_a_module": lambda lib: lib.nn.ModuleList([1]),
    "forward": lambda lib: lib.nn.ModuleList()(lib.ones(1)),
}


@pytest.mark.parametrize("name", MODULE_LIST_ERRORS)
def test_module_list_errors(name: str) -> None:
    check(MODULE_LIST_ERRORS[name], same_message=True)


def test_module_list_error_messages() -> None:
    check(MODULE_LIST_ERRORS["index"], same_message=True)
    check(MODULE_LIST_ERRORS["extend_not_iterable"], same_message=True)
    check(MODULE_LIST_ERRORS["forward"], same_message=True)


# ---------------------------------------------------------------------------- save and load
def test_save_and_load_as_the_tutorials_do(tmp_path: Path) -> None:
    # PyTorch's Quickstart and Save-and-Load tutorials: state_dicts to a path, weights_only
    # loading (the default, which refuses a whole model), and a whole model with
    # weights_only=False. (The two libraries' files are not interchangeable.)
    def case(L: Any) -> Any:
        nn = L.nn
        L.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
        opt = L.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        model(L.ones(4, 3)).sum().backward()
        opt.step()
        path = tmp_path / f"{L.__name__}.pth"
        L.save(model.state_dict(), path)
        again = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
        matched = repr(again.load_state_dict(L.load(path, weights_only=True)))
        buffer = io.BytesIO()
        saved = {"opt": opt.state_dict(), "p": nn.Parameter(L.ones(2)), "x": [1.5, "a"]}
        saved["meta"] = (L.float16, L.Size([2, 3]), L.device("cpu"))  # (allowed by default)
        L.save(saved, buffer)
        buffer.seek(0)
        loaded = L.load(buffer, map_location="cpu")
        L.save(model, str(path))
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
            L.load(path)
        whole = L.load(path, weights_only=False)
        x = L.ones(1, 3)
        state = again.state_dict()
        return matched, list(state), list(state.values()), repr(loaded), repr(whole), whole(x)

    check(case)


def _round_trip(L: Any, obj: Any, **options: Any) -> Any:
    buffer = io.BytesIO()
    L.save(obj, buffer)
    buffer.seek(0)
    return L.load(buffer, **options)


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.zeros(0, 3),  # (an empty array's bytes: the builtin bytes, refused before)
        lambda L: [L.tensor(3), L.ones(2, dtype=L.float16), L.nn.Parameter(L.ones(2))],
        lambda L: {1, 2},  # (builtins torch's weights-only unpickler takes)
        lambda L: [complex(1, 2), bytearray(b"ab"), b"cd"],
        lambda L: L.ones(2, requires_grad=True) * 2,
    ],
)
def test_weights_only_round_trips(make: Any) -> None:
    # a loaded tensor is at version 1: torch sets its memory in place
    def case(L: Any) -> Any:
        loaded = _round_trip(L, make(L))
        tensors = loaded if isinstance(loaded, list) else [loaded]
        versions = [(t._version, t.requires_grad, t.is_leaf) for t in tensors if L.is_tensor(t)]
        return loaded, versions

    check(case)


@pytest.mark.parametrize("obj", [frozenset([1]), range(3), slice(1, 2)])
@pytest.mark.parametrize("L", LIBS, ids=lambda L: L.__name__)
def test_weights_only_refuses_other_builtins(obj: Any, L: Any) -> None:
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        _round_trip(L, obj)


@pytest.mark.parametrize(
    "where",
    ["cpu", "cuda", "cuda:0", "cpu:0", "foo", {"cpu": "cuda"}, {"cuda:0": "cpu"}, 3],
    ids=repr,
)
@pytest.mark.parametrize("holds_tensors", [True, False])
def test_map_location(where: Any, holds_tensors: bool) -> None:
    # torch restores each tensor's memory where map_location says: only the CPU here (a file
    # without tensors loads wherever it points)
    def case(L: Any) -> Any:
        obj = {"w": L.ones(2)} if holds_tensors else {"n": 1}
        device = where if not isinstance(where, str) else L.device(where.split(":")[0])
        return [list(_round_trip(L, obj, map_location=place).items()) for place in (where, device)]

    check(case, same_message=True)


@pytest.mark.parametrize("name", ["missing/x.pt", "missing/deeper/x.pt", "."])
def test_save_to_a_path_that_cannot_be_written(tmp_path: Path, name: str) -> None:
    # torch's file writer raises RuntimeError (Python's open would raise an OSError)
    check(
        lambda L: L.save(L.ones(1), str(tmp_path / name)),
        raises=RuntimeError,
        match=("Parent directory" if "/" in name else "open file failed with strerror: Is a"),
    )
