"""Loss functions' parity with torch: mse_loss, l1_loss, nll_loss, cross_entropy,
binary_cross_entropy (with and without logits).

Each case runs on picotorch and torch with the same inputs (``parity.check_grad``): the loss
(value, dtype, shape), its grad_fn and the nodes below it, and the gradients of every input
that requires grad, in float32 and float64, for each ``reduction``. Then second derivatives,
numerical gradient checks, and a table of bad inputs (same exception type, same message).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from parity import NoGrad, Raw, check, check_grad, gradcheck_both, graph_names

import picotorch

F32, F64 = np.float32, np.float64
LIBS = (picotorch, torch)
REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(99)


def randn(*shape: int, dtype: Any = F32) -> np.ndarray:
    return np.asarray(rng.standard_normal(shape), dtype=dtype)


def probs(*shape: int, dtype: Any = F32) -> np.ndarray:
    """Values inside (0, 1), away from the ends."""
    return np.asarray(rng.uniform(0.05, 0.95, shape), dtype=dtype)


def classes(n_classes: int, *shape: int) -> np.ndarray:
    return rng.integers(0, n_classes, shape).astype(np.int64)


def soft_targets(*shape: int, dtype: Any = F32) -> np.ndarray:
    """Class probabilities along dim 1 (dim 0 for a single sample)."""
    x = rng.random(shape)
    axis = 0 if len(shape) == 1 else 1
    return np.asarray(x / x.sum(axis, keepdims=True), dtype=dtype)


# ---------------------------------------------------------------------- mse, l1
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_regression_losses(name: str, reduction: str, dtype: Any) -> None:
    def fn(lib: Any, x: Any, y: Any) -> Any:
        return getattr(lib.nn.functional, name)(x, y, reduction=reduction)

    x, y = randn(3, 4, dtype=dtype), randn(3, 4, dtype=dtype)
    check_grad(fn, x, NoGrad(y), depth=3)
    check_grad(fn, x, y, depth=3)  # a target that requires grad gets one too
    check_grad(fn, x, y, second_order=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_target_gradient_zero_is_positive(reduction: str) -> None:
    # where input == target, the target's gradient is 0., not -0. (1 / it tells them apart)
    def fn(lib: Any, x: Any, y: Any) -> Any:
        y.requires_grad_()
        lib.nn.functional.mse_loss(x, y, reduction=reduction).sum().backward()
        return 1 / y.grad

    check(fn, np.array([1.0, 2.0], F32), np.array([1.0, 0.0], F32))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("shapes", [((3, 4), (4,)), ((3, 1), (3,)), ((4,), (2, 4))])
def test_regression_losses_broadcast_and_warn(name: str, shapes: Any) -> None:
    """A target of another shape broadcasts, with torch's UserWarning (and ExpandBackward0)."""

    def fn(lib: Any, x: Any, y: Any) -> Any:
        return getattr(lib.nn.functional, name)(x, y)

    check_grad(fn, randn(*shapes[0]), NoGrad(randn(*shapes[1])), depth=3)
    check_grad(fn, randn(*shapes[0]), randn(*shapes[1]), depth=3)
    messages = []
    for lib in LIBS:
        with pytest.warns(UserWarning) as caught:
            fn(lib, lib.zeros(shapes[0]), lib.zeros(shapes[1]))
        messages.append((str(caught[0].message), caught[0].filename))
    assert messages[0] == messages[1]  # same text, pointing at this file


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_weight(name: str, reduction: str) -> None:
    def fn(lib: Any, x: Any, y: Any, w: Any) -> Any:
        return getattr(lib.nn.functional, name)(x, y, reduction=reduction, weight=w)

    check_grad(fn, randn(3, 4), NoGrad(randn(3, 4)), probs(3, 4), depth=3)
    # the weight has the input's shape as given, not as broadcast to the target's
    check_grad(fn, randn(4), NoGrad(randn(3, 4)), probs(4), depth=3)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize(
    "weight", [Raw(1), Raw(np.int64(1)), Raw([1.0, 2.0]), np.ones((2, 3), F32)], ids=repr
)
def test_regression_losses_check_the_weight_before_the_errors(name: str, weight: Any) -> None:
    # (a bool target cannot be subtracted: torch says so only after the weight's check)
    check(
        lambda lib, x, t, w: getattr(lib.nn.functional, name)(x, t, weight=w),
        np.ones((2, 3), np.int64),
        np.ones((2, 3), bool),
        weight,
        raises=Exception,
        same_message=True,
    )


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_regression_losses_dtypes_and_legacy(name: str) -> None:
    f = name

    def fn(lib: Any, x: Any, y: Any, **kw: Any) -> Any:
        return getattr(lib.nn.functional, f)(x, y, **kw)

    check_grad(fn, randn(3), NoGrad(randn(3, dtype=F64)))  # float32 with float64: float64
    check(fn, randn(3), np.arange(3))  # float with int: float
    check(lambda t, x, y: fn(t, x, y, size_average=False), randn(3), randn(3))
    check(lambda t, x, y: fn(t, x, y, reduce=False), randn(3), randn(3))
    check(lambda t, x, y: fn(t, x, y, reduction="sum"), np.zeros(0, F32), np.zeros(0, F32))
    check(fn, np.zeros(0, F32), np.zeros(0, F32))  # the mean of nothing: nan


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("lib", [torch, picotorch], ids=["torch", "picotorch"])
def test_regression_losses_read_the_deprecated_arguments_before_the_shapes(
    name: str, lib: Any
) -> None:
    # the deprecation warning comes, then the shapes' error (which the mismatch warns of first)
    with (
        pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"),
        pytest.warns(UserWarning, match="Using a target size"),
        pytest.raises(RuntimeError, match="must match the size of tensor b"),
    ):
        getattr(lib.nn.functional, name)(lib.ones(2, 3), lib.ones(2), False)


REGRESSION_ERRORS = {
    "mse int": (
        "mse_loss",
        (np.arange(3), np.arange(3)),
        {},
        NotImplementedError,
        "\"mse_cpu\" not implemented for 'Long'",
    ),
    "mse bool": (
        "mse_loss",
        (np.ones(3, bool), np.ones(3, bool)),
        {},
        NotImplementedError,
        "for 'Bool'",
    ),
    "l1 int": (
        "l1_loss",
        (np.arange(3), np.arange(3)),
        {},
        RuntimeError,
        "mean(): could not infer output dtype",
    ),
    "mse shapes": (
        "mse_loss",
        (randn(3, 4), randn(3)),
        {},
        RuntimeError,
        "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1",
    ),
    "l1 shapes": (
        "l1_loss",
        (randn(3, 4), randn(3)),
        {},
        RuntimeError,
        "The size of tensor a (4) must match",
    ),
    "mse reduction": (
        "mse_loss",
        (randn(3), randn(3)),
        {"reduction": "avg"},
        ValueError,
        "avg is not a valid value for reduction",
    ),
    "l1 reduction": (
        "l1_loss",
        (randn(3), randn(3)),
        {"reduction": "elementwise"},
        ValueError,
        "elementwise is not a valid value for reduction",
    ),
    "mse weight": (
        "mse_loss",
        (randn(3, 4), randn(3, 4)),
        {"weight": 3},
        ValueError,
        "Weights and input must have the same size.",
    ),
    "mse target number": ("mse_loss", (randn(3), Raw(1.0)), {}, AttributeError, None),
}


@pytest.mark.parametrize("case", REGRESSION_ERRORS)
def test_regression_errors(case: str) -> None:
    name, args, kwargs, error, message = REGRESSION_ERRORS[case]

    def fn(lib: Any, *a: Any) -> Any:
        kw = dict(kwargs)
        if "weight" in kw:
            kw["weight"] = lib.ones(kw["weight"])
        return getattr(lib.nn.functional, name)(*a, **kw)

    check(fn, *args, raises=error, match=message, warnings_match=False)


# ---------------------------------------------------------------------- nll_loss
NLL_SHAPES = [  # (input shape, target shape)
    ((4, 5), (4,)),
    ((5,), ()),
    ((2, 5, 3), (2, 3)),
    ((2, 5, 3, 2), (2, 3, 2)),
    ((2, 5, 3, 2, 2), (2, 3, 2, 2)),
]


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", NLL_SHAPES)
def test_nll_loss(shapes: Any, reduction: str, dtype: Any) -> None:
    (in_shape, t_shape) = shapes

    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        return lib.nn.functional.nll_loss(x, t, reduction=reduction, **kw)

    x, t = randn(*in_shape, dtype=dtype), classes(5, *t_shape)
    check_grad(fn, x, t, depth=3)
    w = probs(5, dtype=dtype)
    check_grad(lambda lib, x, t, w: fn(lib, x, t, weight=w), x, t, NoGrad(w), depth=3)
    ignored = np.where(rng.random(t.shape) < 0.4, -100, t)
    check_grad(fn, x, ignored, depth=3)
    check_grad(lambda lib, x, t, w: fn(lib, x, t, weight=w), x, ignored, NoGrad(w), depth=3)
    check_grad(lambda lib, x, t: fn(lib, x, t, ignore_index=2), x, t, depth=3)
    check_grad(fn, x, t, second_order=True)


def test_nll_loss_targets() -> None:
    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        return lib.nn.functional.nll_loss(x, t, **kw)

    x = randn(4, 5)
    check_grad(fn, x, np.array([1, 0, 4, 2], np.uint8))  # Byte targets are accepted
    check_grad(fn, x, np.full(4, -100))  # all ignored: 0/0 = nan for the mean
    check_grad(lambda lib, x, t: fn(lib, x, t, reduction="sum"), x, np.full(4, -100))
    check(fn, randn(5), np.array([3]))  # one sample, target (1,): a 0-d loss, but torch's
    check_grad(
        fn, randn(5), np.array([3]), raises=RuntimeError, match="size mismatch"
    )  # backward refuses it
    check(fn, np.zeros((0, 5), F32), np.zeros(0, np.int64))
    check(lambda lib, x, t: fn(lib, x, t, reduction="none"), randn(0, 5, 2), classes(5, 0, 2))
    check(fn, randn(4, 5).astype(np.float16), classes(5, 4))
    check(lambda lib, x, t: fn(lib, x, t, size_average=False), x, classes(5, 4))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("x_shape", "t_shape"), [((1, 3, 2), (1, 2)), ((2, 4, 2, 2), (2, 2, 2)), ((1, 3, 0), (1, 0))]
)
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_spatial_losses_want_long_targets(
    name: str, x_shape: Any, t_shape: Any, reduction: str
) -> None:
    # Byte targets pass the first check of K-dim inputs, not the kernel's (unless it has
    # nothing to total); 2-d inputs take them (test_nll_loss_targets)
    def fn(lib: Any, x: Any, t: Any) -> Any:
        return getattr(lib.nn.functional, name)(x, t, reduction=reduction)

    check(fn, randn(*x_shape), np.zeros(t_shape, np.uint8))
    if 0 in x_shape:  # (a total over no element passes, its backward refuses them)
        check_grad(fn, randn(*x_shape), NoGrad(np.zeros(t_shape, np.uint8)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_nothing_taken_prints_as_torch(name: str, reduction: str) -> None:
    """Every sample ignored, or no sample at all: the sum is ``tensor(0.)``, not ``-0.``
    (the values are compared as printed: 0 and -0 are equal numbers)."""

    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        loss = getattr(lib.nn.functional, name)(x.requires_grad_(), t, reduction=reduction, **kw)
        return repr(loss)

    for x, t in (
        (randn(2, 3), np.full(2, -100)),
        (np.zeros((0, 3), F32), np.zeros(0, np.int64)),
        (randn(2, 3, 2, 2), np.full((2, 2, 2), -100)),
        (randn(2, 3, 4), np.array([[0, -100, -100, 2], [-100, -100, -100, -100]])),
        (randn(3, dtype=F64), np.array(-100)),
        (np.array([[0.0, -1e3], [-1e3, 0.0]], F32), np.array([0, 1])),  # log-probabilities of 0
    ):
        check(fn, x, t)
        check(lambda lib, x, t: fn(lib, x, t, weight=lib.ones(3, dtype=x.dtype)), x, t)
    check(lambda lib, x, t: fn(lib, x, t, ignore_index=1), randn(2, 3), np.array([1, 1]))


def test_nll_loss_noncontiguous() -> None:
    def fn(lib: Any, x: Any, t: Any) -> Any:
        return lib.nn.functional.nll_loss(x.transpose(1, 2), t)

    check_grad(fn, randn(2, 3, 5), classes(5, 2, 3), depth=4)


NLL_ERRORS = {
    "float target": (
        (randn(4, 5), randn(4)),
        {},
        RuntimeError,
        "expected target dtype to be Long or Byte, but got Float",
    ),
    "no class, K-dim": (  # (the input viewed empty, the target by its own count)
        (np.zeros((2, 0, 3), F32), np.zeros((2, 3), np.int64)),
        {},
        RuntimeError,
        "size mismatch (got input: [2, 0, 0, 0] , target: [2, 1, 3]",
    ),
    "int32 target": (
        (randn(4, 5), classes(5, 4).astype(np.int32)),
        {},
        RuntimeError,
        "but got Int",
    ),
    "int input": (
        (classes(5, 4, 5), classes(5, 4)),
        {},
        NotImplementedError,
        "\"nll_loss_out_frame\" not implemented for 'Long'",
    ),
    "out of bounds": (
        (randn(4, 5), np.array([1, 0, 5, 2])),
        {},
        IndexError,
        "Target 5 is out of bounds.",
    ),
    "negative": (
        (randn(4, 5), np.array([1, -1, 0, 2])),
        {},
        IndexError,
        "Target -1 is out of bounds.",
    ),
    "negative, ignore_index a class": (
        (randn(4, 5), np.array([1, -1, 0, 2])),
        {"ignore_index": 2},
        IndexError,
        "Target -1 is out of bounds.",
    ),
    "out of bounds, ignore_index a class": (
        (randn(4, 5), np.array([1, 2, 5, 2])),
        {"ignore_index": 2},
        IndexError,
        "Target 5 is out of bounds.",
    ),
    "out of bounds 4d": (
        (randn(2, 5, 3, 1), np.array([[[1], [0], [7]], [[1], [1], [1]]])),
        {},
        IndexError,
        "Target 7 is out of bounds.",
    ),
    "batch": (
        (randn(4, 5), np.array([1, 0, 2])),
        {},
        ValueError,
        "Expected input batch_size (4) to match target batch_size (3).",
    ),
    "2-d target": (
        (randn(4, 5), classes(5, 4, 1)),
        {},
        RuntimeError,
        "0D or 1D target tensor expected, multi-target not supported",
    ),
    "0-d input": ((randn(), np.array(0)), {}, ValueError, "Expected 1 or more dimensions (got 0)"),
    "1-d input, 2 targets": (
        (randn(5), np.array([1, 2])),
        {},
        ValueError,
        "For 1D input, 1D target must have size 1, but got target size: 2",
    ),
    "3-d target size": (
        (randn(2, 5, 3), classes(5, 2, 4)),
        {},
        RuntimeError,
        "Expected target size [2, 3], got [2, 4]",
    ),
    "4-d target size": (
        (randn(2, 5, 3, 3), classes(5, 2, 3, 2)),
        {},
        RuntimeError,
        "size mismatch (got input: [2, 5, 3, 3] , target: [2, 3, 2]",
    ),
    "4-d target dims": (
        (randn(2, 5, 3, 3), classes(5, 2, 3)),
        {},
        RuntimeError,
        "only batches of spatial targets supported (3D tensors) but got targets of dimension: 2",
    ),
    "3-d 0-d target": (
        (randn(2, 5, 3), np.array(1)),
        {},
        ValueError,
        "to match target batch_size (0)",
    ),
    "weight size": (
        (randn(4, 5), classes(5, 4)),
        {"weight": (3,)},
        RuntimeError,
        "weight tensor should be defined either for all 5 classes or no classes but got weight "
        "tensor of shape: [3]",
    ),
    "weight 2-d": (
        (randn(4, 5), classes(5, 4)),
        {"weight": (1, 5)},
        RuntimeError,
        "but got weight tensor of shape: [1, 5]",
    ),
    "weight size 4d": (
        (randn(2, 5, 3, 1), classes(5, 2, 3, 1)),
        {"weight": (3,)},
        RuntimeError,
        "weight tensor should be defined either for all or no classes",
    ),
    "weight dtype": (
        (randn(4, 5), classes(5, 4)),
        {"weight": (5,), "wdtype": "float64"},
        RuntimeError,
        "expected scalar type Float but found Double",
    ),
    "weight requires grad": (
        (randn(4, 5), classes(5, 4)),
        {"weight": (5,), "wgrad": True},
        RuntimeError,
        "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'",
    ),
    "reduction": (
        (randn(4, 5), classes(5, 4)),
        {"reduction": "avg"},
        ValueError,
        "avg is not a valid value for reduction",
    ),
}


def _with_weight(lib: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    kw = dict(kwargs)
    if "weight" in kw:
        dtype = getattr(lib, kw.pop("wdtype", "float32"))
        kw["weight"] = lib.ones(kw["weight"], dtype=dtype, requires_grad=kw.pop("wgrad", False))
    return kw


@pytest.mark.parametrize("case", NLL_ERRORS)
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_nll_and_cross_entropy_errors(case: str, name: str) -> None:
    args, kwargs, error, message = NLL_ERRORS[case]
    if name == "cross_entropy" and case == "int input":
        error, message = NotImplementedError, "log_softmax_lastdim_kernel_impl"
    if name == "cross_entropy" and case == "0-d input":
        error, message = RuntimeError, "Expected floating point type for target with class"

    def fn(lib: Any, *a: Any) -> Any:
        return getattr(lib.nn.functional, name)(*a, **_with_weight(lib, kwargs))

    check(fn, *args, raises=error, match=message)


# One fault each; two together show which check torch makes first. Its order has three layers
# (autograd's wrapper, the op's shape function, the kernel), and cross_entropy's log_softmax
# comes before them all.
NLL_FAULTS = {
    "target dtype": lambda a: a.update(target=a["target"].astype(F32)),
    "weight size": lambda a: a.update(weight=np.ones(4, F32)),
    "input dtype": lambda a: a.update(input=a["input"].astype(np.int64)),
    "weight dtype": lambda a: a.update(weight=a["weight"].astype(F64)),
    "weight requires grad": lambda a: a.update(weight_grad=True),
    "batch": lambda a: a.update(target=np.zeros((3, *a["target"].shape[1:]), a["target"].dtype)),
    "target dims": lambda a: a.update(target=a["target"][..., np.newaxis]),
    "target size": lambda a: a.update(target=np.zeros((*a["target"].shape[:-1], 5), np.int64)),
}
NLL_FAULT_PAIRS = [
    (rank, first, second)
    for rank in (1, 2, 3, 4)
    for i, first in enumerate(NLL_FAULTS)
    for second in list(NLL_FAULTS)[i + 1 :]
    if rank >= 3 or "target size" not in (first, second)  # (the last dim of a spatial target)
]


@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy", "cross_entropy smoothed"])
@pytest.mark.parametrize(("rank", "first", "second"), NLL_FAULT_PAIRS)
def test_nll_and_cross_entropy_check_order(rank: int, first: str, second: str, name: str) -> None:
    shape = (3,) if rank == 1 else (2, 3, 2, 2)[:rank]
    args = {
        "input": np.ones(shape, F32),
        "target": np.zeros(shape[:0] if rank == 1 else shape[:1] + shape[2:], np.int64),
        "weight": np.ones(3, F32),
    }
    for fault in (first, second):
        NLL_FAULTS[fault](args)
    weight_grad = args.pop("weight_grad", False)
    function, _, smoothed = name.partition(" ")

    def fn(lib: Any, input: Any, target: Any, weight: Any) -> Any:
        smoothing = {"label_smoothing": 0.1} if smoothed else {}
        weight.requires_grad_(weight_grad)
        return getattr(lib.nn.functional, function)(input, target, weight, **smoothing)

    check(fn, args["input"], args["target"], args["weight"], same_message=True)


def test_nll_loss_gradcheck() -> None:
    def fn(lib: Any, x: Any, t: Any, w: Any) -> Any:
        return lib.nn.functional.nll_loss(x, t, weight=w, reduction="mean")

    t = np.array([1, 0, -100, 2])
    gradcheck_both(fn, randn(4, 3), t, NoGrad(probs(3)))
    gradcheck_both(
        lambda lib, x, t: lib.nn.functional.nll_loss(x, t, reduction="none"),
        randn(2, 3, 2),
        classes(3, 2, 2),
    )


def test_nll_loss_double_backward_graph() -> None:
    names = []
    for lib in LIBS:
        x = lib.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
        loss = lib.nn.functional.nll_loss(x, lib.tensor([2]))
        go = lib.tensor(1.0, requires_grad=True)
        (g,) = lib.autograd.grad(loss, x, go, create_graph=True)
        names.append(graph_names(g.grad_fn, 2))
    assert names[0] == names[1]


# ---------------------------------------------------------------------- cross_entropy
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", NLL_SHAPES)
def test_cross_entropy_class_indices(shapes: Any, reduction: str, dtype: Any) -> None:
    (in_shape, t_shape) = shapes

    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, t, reduction=reduction, **kw)

    x, t = randn(*in_shape, dtype=dtype) * 2, classes(5, *t_shape)
    check_grad(fn, x, t, depth=4)
    w = probs(5, dtype=dtype)
    ignored = np.where(rng.random(t.shape) < 0.4, -100, t)
    check_grad(lambda lib, x, t, w: fn(lib, x, t, weight=w), x, ignored, NoGrad(w), depth=3)
    check_grad(fn, x, t, second_order=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", NLL_SHAPES[:4])
def test_cross_entropy_label_smoothing(shapes: Any, reduction: str) -> None:
    (in_shape, t_shape) = shapes

    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, t, reduction=reduction, label_smoothing=0.2, **kw)

    x, t = randn(*in_shape) * 2, classes(5, *t_shape)
    check_grad(fn, x, t, depth=7)
    ignored = np.where(rng.random(t.shape) < 0.4, -100, t)
    check_grad(fn, x, ignored, depth=7)
    check_grad(lambda lib, x, t, w: fn(lib, x, t, weight=w), x, ignored, NoGrad(probs(5)), depth=7)
    check_grad(fn, x.astype(F64), t, second_order=True)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 5, 3), (2, 5, 3, 2)])
def test_cross_entropy_class_probabilities(shape: Any, reduction: str, dtype: Any) -> None:
    def fn(lib: Any, x: Any, p: Any, **kw: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, p, reduction=reduction, **kw)

    x, p = randn(*shape, dtype=dtype) * 2, soft_targets(*shape, dtype=dtype)
    check_grad(fn, x, NoGrad(p), depth=6)
    check_grad(fn, x, p, depth=6)  # the target's gradient too
    check_grad(lambda lib, x, p: fn(lib, x, p, label_smoothing=0.1), x, NoGrad(p), depth=6)
    check_grad(
        lambda lib, x, p, w: fn(lib, x, p, weight=w),
        x,
        NoGrad(p),
        NoGrad(probs(5, dtype=dtype)),
        depth=6,
    )
    check_grad(fn, x, NoGrad(p), second_order=True)


def test_cross_entropy_probabilities_mixed_dtypes_and_empty() -> None:
    def fn(lib: Any, x: Any, p: Any, **kw: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, p, **kw)

    # float32 log-probabilities times float64 targets: float64, with float32's precision
    check_grad(fn, randn(4, 5), NoGrad(soft_targets(4, 5, dtype=F64)), rtol=1e-6, atol=1e-7)
    check(fn, np.zeros((0, 5), F32), np.zeros((0, 5), F32))
    check(fn, np.zeros((0, 5), F32), np.zeros(0, np.int64))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_smoothing_edges(reduction: str) -> None:
    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, t, label_smoothing=0.1, reduction=reduction, **kw)

    # no class: the smoothing's share of each is 0.1 / 0, inf (nan once multiplied by 0)
    check(fn, np.zeros((0, 0), F32), np.zeros(0, np.int64))
    check(fn, np.zeros((0, 0, 2), F32), np.zeros((0, 2), np.int64))
    check(fn, np.zeros((0, 0), F32), np.zeros((0, 0), F32))
    # Byte targets and class weights: torch gathers the weights with them (for the mean)
    w = lambda lib: {"weight": lib.ones(5)}  # noqa: E731
    check(lambda lib, x, t: fn(lib, x, t, **w(lib)), randn(3, 5), np.array([1, 2, 3], np.uint8))


def test_cross_entropy_graph_as_torch_prints_it() -> None:
    """``loss.grad_fn`` and its ``next_functions`` chain, as the training pages print them."""
    chains = []
    for lib in LIBS:
        x = lib.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], requires_grad=True)
        loss = lib.nn.functional.cross_entropy(x, lib.tensor([0, 2]))
        chains.append((str(loss), graph_names(loss.grad_fn)))
        assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"
    assert chains[0] == chains[1]


@pytest.mark.parametrize("dtype", [F32, F64])
def test_cross_entropy_is_stable(dtype: Any) -> None:
    """Logits of ±1e4 give a finite loss and finite gradients (as in torch)."""
    big = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]], dtype)

    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, t, **kw)

    out = check_grad(fn, big, np.array([1, 1]))
    assert np.isfinite(out[0].detach().numpy()).all()
    assert np.isfinite(out[2][0].numpy()).all()
    check_grad(lambda lib, x, t: fn(lib, x, t, label_smoothing=0.1), big, np.array([1, 1]))
    check_grad(fn, big, NoGrad(soft_targets(2, 3, dtype=dtype)))


CE_ERRORS = {
    "float target": (
        (randn(4, 5), randn(4)),
        {},
        RuntimeError,
        "expected target dtype to be Long or Byte, but got Float",
    ),
    "int probabilities": (
        (randn(4, 5), np.ones((4, 5), np.int64)),
        {},
        RuntimeError,
        "Expected floating point type for target with class probabilities, got Long",
    ),
    "probabilities ignore_index": (
        (randn(4, 5), probs(4, 5)),
        {"ignore_index": 1},
        RuntimeError,
        "ignore_index is not supported for floating point target",
    ),
    "probabilities weight": (
        (randn(4, 5), probs(4, 5)),
        {"weight": (3,)},
        RuntimeError,
        "cross_entropy: weight tensor should be defined either for all 5 classes or no classes "
        "but got weight tensor of shape: [3]",
    ),
    "smoothing too big": (
        (randn(4, 5), classes(5, 4)),
        {"label_smoothing": 1.5},
        RuntimeError,
        "label_smoothing must be between 0.0 and 1.0. Got: 1.5",
    ),
    "smoothing too big probabilities": (
        (randn(4, 5), probs(4, 5)),
        {"label_smoothing": 1.5},
        RuntimeError,
        "label_smoothing must be between 0.0 and 1.0. Got: 1.5",
    ),
    "smoothing out of bounds": (
        (randn(4, 5), np.array([1, 0, 5, 2])),
        {"label_smoothing": 0.1},
        IndexError,
        "Target 5 is out of bounds.",
    ),
    "smoothing 1-d input, target (1,)": (
        (randn(5), np.array([2])),
        {"label_smoothing": 0.1, "reduction": "none"},
        RuntimeError,
        "output with shape [] doesn't match the broadcast shape [1]",
    ),
    "0-d float input": (
        (randn(), randn()),
        {},
        IndexError,
        "Dimension specified as 1 but tensor has no dimensions",
    ),
    "batch 2-d target": (
        (randn(4, 5), classes(5, 1, 4)),
        {},
        ValueError,
        "Expected input batch_size (4) to match target batch_size (1).",
    ),
}


@pytest.mark.parametrize("case", CE_ERRORS)
def test_cross_entropy_errors(case: str) -> None:
    args, kwargs, error, message = CE_ERRORS[case]

    def fn(lib: Any, *a: Any) -> Any:
        return lib.nn.functional.cross_entropy(*a, **_with_weight(lib, kwargs))

    check(fn, *args, raises=error, match=message)


def test_cross_entropy_negative_smoothing_is_none() -> None:
    check_grad(
        lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, label_smoothing=-0.5),
        randn(4, 5),
        classes(5, 4),
        depth=2,
    )


def test_cross_entropy_gradcheck() -> None:
    def fn(lib: Any, x: Any, t: Any, **kw: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, t, **kw)

    gradcheck_both(fn, randn(3, 4), np.array([1, 0, 3]))
    gradcheck_both(
        lambda lib, x, t: fn(lib, x, t, label_smoothing=0.3), randn(3, 4), np.array([1, -100, 3])
    )
    gradcheck_both(fn, randn(3, 4), soft_targets(3, 4))
    gradcheck_both(
        lambda lib, x, t: fn(lib, x, t, reduction="none"), randn(2, 3, 2), classes(3, 2, 2)
    )


# ---------------------------------------------------------------------- binary cross entropy
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction: str, dtype: Any) -> None:
    def fn(lib: Any, x: Any, y: Any, **kw: Any) -> Any:
        return lib.nn.functional.binary_cross_entropy(x, y, reduction=reduction, **kw)

    x, y = probs(3, 4, dtype=dtype), probs(3, 4, dtype=dtype)
    check_grad(fn, x, NoGrad(y), depth=2)
    check_grad(fn, x, y, depth=2)
    for w_shape in [(4,), (3, 1), (3, 4)]:
        w = probs(*w_shape, dtype=dtype)
        check_grad(lambda lib, x, y, w: fn(lib, x, y, weight=w), x, NoGrad(y), NoGrad(w))
    # torch's second derivative has formulas of its own (see ..._second_derivatives)
    check_grad(fn, x, NoGrad(y), second_order=True, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_second_derivatives(
    reduction: str, weighted: bool, dtype: Any
) -> None:
    # torch's own formulas (1e-12 added to x and 1 - x: finite at 0 and 1), to the bit
    def fn(lib: Any, x: Any, t: Any, w: Any) -> Any:
        x.requires_grad_(), t.requires_grad_()
        kw = {"weight": w} if weighted else {}
        loss = lib.nn.functional.binary_cross_entropy(x, t, reduction=reduction, **kw)
        (g,) = lib.autograd.grad(loss, x, lib.ones_like(loss), create_graph=True)
        weights = lib.arange(1, len(x) + 1, dtype=x.dtype)
        return type(g.grad_fn).__name__, lib.autograd.grad((g * weights).sum(), (x, t))

    x = np.array([0.0, 1.0, 0.2, 0.7, -0.0], dtype)
    t = np.array([0.5, 0.5, 0.1, 1.0, 0.0], dtype)
    check(fn, x, t, np.linspace(0.5, 2, 5).astype(dtype), rtol=0, atol=0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_third_derivatives(reduction: str) -> None:
    # the second derivatives are differentiable again, the target's too (torch bounds its
    # denominator in place, outside the graph), under torch's node names
    def fn(lib: Any, x: Any, t: Any) -> Any:
        x.requires_grad_(), t.requires_grad_()
        loss = lib.nn.functional.binary_cross_entropy(x, t, reduction=reduction)
        (g,) = lib.autograd.grad(loss, x, lib.ones_like(loss), create_graph=True)
        second = lib.autograd.grad(g.sum(), (x, t), create_graph=True)
        names = [type(s.grad_fn).__name__ for s in second]
        return names, lib.autograd.grad(second[0].sum() + second[1].sum(), (x, t))

    x, t = np.array([0.2, 0.7, 0.45]), np.array([0.1, 1.0, 0.5])
    check(fn, x, t, rtol=1e-12, atol=0)


def test_binary_cross_entropy_edges() -> None:
    """Probabilities 0 and 1: each log is clamped at -100, so the loss stays finite."""

    def fn(lib: Any, x: Any, y: Any) -> Any:
        return lib.nn.functional.binary_cross_entropy(x, y, reduction="none")

    x = np.array([0.0, 1.0, 0.5, 0.0, 1.0], F32)
    check_grad(fn, x, NoGrad(np.array([1.0, 0.0, 0.5, 0.0, 1.0], F32)))
    # the gradient's bound on x (1 - x) is torch's float 1e-12 in float64 too: exactly
    t = NoGrad(np.array([1.0, 0.0, 0.5, 0.0, 1.0], F64))
    check_grad(fn, x.astype(F64), t, rtol=0, atol=0)
    check(fn, x, np.array([0.3, 0.7, 0.5, 1.0, 0.0], F32))
    check(
        lambda t, x, y: t.nn.functional.binary_cross_entropy(
            x, y, weight=t.ones(5, dtype=t.float64)
        ),
        x,
        x,
    )


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction: str, dtype: Any) -> None:
    def fn(lib: Any, x: Any, y: Any, **kw: Any) -> Any:
        return lib.nn.functional.binary_cross_entropy_with_logits(x, y, reduction=reduction, **kw)

    x, y = randn(3, 4, dtype=dtype) * 3, probs(3, 4, dtype=dtype)
    check_grad(fn, x, NoGrad(y), depth=2)
    check_grad(fn, x, y, depth=2)
    pw, w = probs(4, dtype=dtype) * 3, probs(3, 1, dtype=dtype)
    check_grad(lambda lib, x, y, pw: fn(lib, x, y, pos_weight=pw), x, y, NoGrad(pw))
    check_grad(lambda lib, x, y, w: fn(lib, x, y, weight=w), x, y, NoGrad(w))
    check_grad(
        lambda lib, x, y, w, pw: fn(lib, x, y, weight=w, pos_weight=pw),
        x,
        y,
        NoGrad(w),
        NoGrad(pw),
        second_order=True,
    )
    check_grad(fn, x, NoGrad(y), second_order=True)


def test_binary_cross_entropy_with_logits_is_stable_and_dtypes() -> None:
    def fn(lib: Any, x: Any, y: Any, **kw: Any) -> Any:
        return lib.nn.functional.binary_cross_entropy_with_logits(x, y, **kw)

    big = np.array([1e4, -1e4, 0.0, 50.0, -50.0], F32)
    out = check_grad(fn, big, NoGrad(np.array([0.0, 1.0, 0.5, 1.0, 0.0], F32)))
    assert np.isfinite(out[0].detach().numpy()).all()
    # the result takes the target's dtype (log(sigmoid(x)) is computed in the input's: float32)
    check_grad(fn, randn(3), NoGrad(probs(3, dtype=F64)), rtol=1e-6, atol=1e-7)
    check_grad(fn, randn(3, dtype=F64), NoGrad(probs(3)))
    check(lambda t, x, y: fn(t, x, y, weight=t.ones(3, dtype=t.float64)), randn(3), probs(3))
    check(lambda t, x, y: fn(t, x, y, pos_weight=t.ones(3, dtype=t.float64)), randn(3), probs(3))


BCE_ERRORS = {
    "size": (
        "binary_cross_entropy",
        (probs(4, 1), probs(4)),
        {},
        ValueError,
        "Using a target size (torch.Size([4])) that is different to the input size "
        "(torch.Size([4, 1])) is deprecated. Please ensure they have the same size.",
    ),
    "input range": (
        "binary_cross_entropy",
        (np.array([0.5, 1.5], F32), probs(2)),
        {},
        RuntimeError,
        "all elements of input should be between 0 and 1",
    ),
    "input nan": (
        "binary_cross_entropy",
        (np.array([np.nan, 0.5], F32), probs(2)),
        {},
        RuntimeError,
        "all elements of input should be between 0 and 1",
    ),
    "target range": (
        "binary_cross_entropy",
        (probs(2), np.array([2.0, -1.0], F32)),
        {},
        RuntimeError,
        "all elements of target should be between 0 and 1",
    ),
    "target dtype": (
        "binary_cross_entropy",
        (probs(2), probs(2, dtype=F64)),
        {},
        RuntimeError,
        "Found dtype Double but expected Float",
    ),
    "int target": (
        "binary_cross_entropy",
        (probs(2), np.array([1, 0])),
        {},
        RuntimeError,
        "Found dtype Long but expected Float",
    ),
    "int input": (
        "binary_cross_entropy",
        (np.array([1, 0]), np.array([1, 0])),
        {},
        NotImplementedError,
        "\"binary_cross_entropy\" not implemented for 'Long'",
    ),
    "weight shape": (
        "binary_cross_entropy",
        (probs(2), probs(2)),
        {"weight": (3,)},
        RuntimeError,
        "Attempting to broadcast a dimension of length 3 at -1! Mismatching argument at index 1 "
        "had torch.Size([3]); but expected shape should be broadcastable to [2]",
    ),
    "weight bigger": (
        "binary_cross_entropy",
        (probs(3, 2), probs(3, 2)),
        {"weight": (4, 3, 2)},
        RuntimeError,
        "output with shape [3, 2] doesn't match the broadcast shape [4, 3, 2]",
    ),
    "weight requires grad": (
        "binary_cross_entropy",
        (probs(2), probs(2)),
        {"weight": (2,), "wgrad": True},
        RuntimeError,
        "is not differentiable with respect to argument 'weight'",
    ),
    "reduction": (
        "binary_cross_entropy",
        (probs(2), probs(2)),
        {"reduction": "avg"},
        ValueError,
        "avg is not a valid value for reduction",
    ),
    "logits size": (
        "binary_cross_entropy_with_logits",
        (randn(4, 1), probs(4)),
        {},
        ValueError,
        "Target size (torch.Size([4])) must be the same as input size (torch.Size([4, 1]))",
    ),
    "logits int target": (
        "binary_cross_entropy_with_logits",
        (randn(2), np.array([1, 0])),
        {},
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
    ),
    "logits int input": (
        "binary_cross_entropy_with_logits",
        (np.array([1, 0]), probs(2)),
        {},
        NotImplementedError,
        "\"log_sigmoid_cpu\" not implemented for 'Long'",
    ),
    "logits pos_weight shape": (
        "binary_cross_entropy_with_logits",
        (randn(3, 2), probs(3, 2)),
        {"pos_weight": (3,)},
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
    ),
    "logits weight shape": (
        "binary_cross_entropy_with_logits",
        (randn(3, 2), probs(3, 2)),
        {"weight": (3,)},
        RuntimeError,
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1",
    ),
    "logits weight bigger": (
        "binary_cross_entropy_with_logits",
        (randn(3, 2), probs(3, 2)),
        {"weight": (4, 3, 2)},
        RuntimeError,
        "output with shape [3, 2] doesn't match the broadcast shape [4, 3, 2]",
    ),
    "logits pos_weight bigger": (
        "binary_cross_entropy_with_logits",
        (randn(3, 1), probs(3, 1)),
        {"pos_weight": (4, 3, 1)},
        RuntimeError,
        "output with shape [3, 1] doesn't match the broadcast shape [4, 3, 1]",
    ),
    "logits pos_weight requires grad": (
        "binary_cross_entropy_with_logits",
        (randn(2), probs(2)),
        {"pos_weight": (2,), "pgrad": True},
        RuntimeError,
        "is not differentiable with respect to argument 'pos_weight'",
    ),
}


@pytest.mark.parametrize("case", BCE_ERRORS)
def test_binary_cross_entropy_errors(case: str) -> None:
    name, args, kwargs, error, message = BCE_ERRORS[case]

    def fn(lib: Any, *a: Any) -> Any:
        kw = _with_weight(lib, kwargs)
        if "pos_weight" in kw:
            kw["pos_weight"] = lib.ones(kw["pos_weight"], requires_grad=kw.pop("pgrad", False))
        return getattr(lib.nn.functional, name)(*a, **kw)

    check(fn, *args, raises=error, match=message)


def test_binary_cross_entropy_gradcheck() -> None:
    def bce(lib: Any, x: Any, y: Any, w: Any) -> Any:
        return lib.nn.functional.binary_cross_entropy(x, y, weight=w)

    gradcheck_both(bce, probs(3, 2), probs(3, 2), NoGrad(probs(2)))

    def logits(lib: Any, x: Any, y: Any, pw: Any) -> Any:
        return lib.nn.functional.binary_cross_entropy_with_logits(x, y, pos_weight=pw)

    gradcheck_both(logits, randn(3, 2), probs(3, 2), NoGrad(probs(2) * 2))


# ---------------------------------------------------------------------- not tensors
NOT_TENSORS = {
    "list": [[0.25, 0.75]],
    "ndarray": np.array([[0.25, 0.75]], F32),
    "float": 0.5,
    "int": 1,
}


@pytest.mark.parametrize("value", NOT_TENSORS)
@pytest.mark.parametrize("position", [0, 1], ids=["input", "target"])
@pytest.mark.parametrize(
    "name",
    [
        "mse_loss",
        "l1_loss",
        "nll_loss",
        "cross_entropy",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
    ],
)
def test_losses_refuse_what_is_no_tensor(name: str, position: int, value: str) -> None:
    """torch's own error: nll_loss and cross_entropy (C++ ops) name the argument that is no
    Tensor, in a TypeError; the others fail on ``target.size()``: a TypeError for an array
    (its ``size`` is an int), an AttributeError for what has none."""
    args: list[Any] = [probs(1, 2), probs(1, 2)]
    if name in ("nll_loss", "cross_entropy"):
        args[1] = np.array([1])
    args[position] = Raw(NOT_TENSORS[value])
    c_op = name in ("nll_loss", "cross_entropy")
    raises = TypeError if c_op or value == "ndarray" else AttributeError
    check(lambda t, *a: getattr(t.nn.functional, name)(*a), *args, raises=raises, same_message=True)


@pytest.mark.parametrize("value", NOT_TENSORS)
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_class_weight_that_is_no_tensor(name: str, value: str) -> None:
    """torch checks the arguments' types first: before a target that is wrong too."""
    for target in (np.array([1]), probs(1, 2), np.array([[1]]), np.array([5])):
        check(
            lambda t, *a: getattr(t.nn.functional, name)(*a),
            probs(1, 2),
            target,
            Raw(NOT_TENSORS[value]),
            same_message=True,
        )


# ---------------------------------------------------------------------- legacy arguments
@pytest.mark.parametrize(
    "name", ["mse_loss", "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy"]
)
@pytest.mark.parametrize(
    "legacy", [{"size_average": False}, {"reduce": False}, {"reduction": "elementwise_mean"}]
)
def test_legacy_reduction_arguments_warn(name: str, legacy: dict[str, bool]) -> None:
    if name in ("nll_loss", "cross_entropy"):
        args: tuple[Any, ...] = (randn(4, 5), classes(5, 4))
    else:
        args = (probs(4), probs(4))
    check(lambda t, *a: getattr(t.nn.functional, name)(*a, **legacy), *args)


@pytest.mark.parametrize(
    "make",
    [
        # torch checks the shapes (broadcasting) before the reduction's name
        lambda L: L.nn.MSELoss(reduction="bogus")(L.zeros(3, 4), L.zeros(2, 4)),
        lambda L: L.nn.L1Loss(reduction="bogus")(L.zeros(3, 4), L.zeros(2, 4)),
        lambda L: L.nn.MSELoss(reduction="elementwise_mean")(L.zeros(3, 4), L.zeros(2, 4)),
        lambda L: L.nn.functional.l1_loss(L.zeros(3, 4), L.zeros(1, 4), reduction="bogus"),
    ],
)
def test_loss_shapes_are_checked_before_the_reduction(make: Any) -> None:
    check(make, same_message=True)


def _k_dim_case(L: Any) -> tuple[Any, Any]:
    x = L.tensor(np.random.default_rng(3).standard_normal((2, 3, 4)).astype(np.float32))
    return x.requires_grad_(), L.tensor([[0, 1, 2, 1], [2, 2, 1, 0]])


@pytest.mark.parametrize(
    "loss",
    [
        # a K-dim input: torch's kernel checks only the weight's element count
        lambda L, x, t, w: L.nn.functional.nll_loss(x, t, weight=w),
        lambda L, x, t, w: L.nn.functional.cross_entropy(x, t, weight=w.view(1, 1, 3)),
        lambda L, x, t, w: L.nn.functional.cross_entropy(x, t, weight=w, reduction="none"),
        # with label smoothing the mean gathers the targets' weights: a rank of its own
        lambda L, x, t, w: L.nn.functional.cross_entropy(x, t, weight=w, label_smoothing=0.1),
        lambda L, x, t, w: L.nn.functional.cross_entropy(
            x, t, weight=w, label_smoothing=0.1, reduction="sum"
        ),
    ],
)
def test_k_dim_class_weights_of_another_shape(loss: Any) -> None:
    def fn(L: Any) -> Any:
        x, t = _k_dim_case(L)
        out = loss(L, x, t, L.tensor([[1.0, 2.0, 3.0]]))
        out.sum().backward()
        return out, x.grad

    check(fn, same_message=True)
