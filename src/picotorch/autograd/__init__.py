"""torch.autograd: compute gradients of tensors with respect to the leaves of their graph."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import grad_mode
from .engine import run_backward
from .function import Function, Node, _edge
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = [
    "Function",
    "Node",
    "backward",
    "enable_grad",
    "grad",
    "grad_mode",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]


_Tensor: Any = None  # picotorch.Tensor; _tensor.py imports this package, so it is looked up late


def _tensor_class() -> type[Tensor]:
    global _Tensor
    if _Tensor is None:
        from .._tensor import Tensor

        _Tensor = Tensor
    return _Tensor


def _as_tuple(x: Any) -> tuple[Any, ...]:
    """The inputs: one tensor, or a sequence of them (a dict: its values), as a tuple."""
    if type(x) is dict:
        return tuple(x.values())
    return _outputs_tuple(x)


def _outputs_tuple(x: Any) -> tuple[Any, ...]:
    """The outputs (or their gradients): one tensor, or a sequence of them (as torch reads it,
    a dict of outputs is refused, a dict of gradients read as its keys)."""
    if isinstance(x, _tensor_class()):
        return (x,)
    return tuple(x)  # anything else that is not a sequence: TypeError, "... is not iterable"


def _grads_tuple(grads: Any, n: int) -> tuple[Any, ...]:
    return (None,) * n if grads is None else _outputs_tuple(grads)


def _refuse_dict(outputs: Any) -> None:
    if type(outputs) is dict:
        raise AssertionError("Expected output to be a torch.Tensor")


# --8<-- [start:roots]
def _roots(
    outputs: Sequence[Tensor], grad_outputs: Sequence[Any], create_graph: bool
) -> list[tuple[Node, int, Tensor]]:
    """Where backward starts: each output's node, and the gradient it is seeded with."""
    tensor_class = _tensor_class()
    seeds = []
    # as torch: pairs first (a length mismatch is reported after them)
    for i, (out, g) in enumerate(zip(outputs, grad_outputs, strict=False)):
        if isinstance(g, tensor_class):
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {out.shape}."
                )
            if g._dtype is not out._dtype:  # as torch's engine: the seed takes the output's
                g = g.to(out._dtype)
            seeds.append(g if create_graph else g.detach())
        elif g is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            # d out / d out = 1
            seeds.append(tensor_class._make(_ones(out._data.shape, out._data.dtype)))
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    if len(outputs) > len(grad_outputs):  # (more gradients than outputs: the rest unread)
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    roots = []
    for i, (out, g) in enumerate(zip(outputs, seeds, strict=True)):
        node, nr = _edge(out)
        if node is None:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        roots.append((node, nr, g))
    return roots


# --8<-- [end:roots]


def _ones(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``np.ones``; a loss is 0-d, and ``np.array(1)`` makes that in one C call (np.ones is
    Python code that makes an empty array and then fills it: every backward() starts here)."""
    return np.array(1, dtype) if not shape else np.ones(shape, dtype)


_warned_create_graph = False  # torch warns once per process (TORCH_WARN_ONCE)


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Tensor | Sequence[Tensor | None] | None = None,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into each leaf's ``.grad`` (or only into ``inputs``').

    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> torch.autograd.backward((x * x).sum())
    >>> x.grad
    tensor([2., 4.])
    """
    global _warned_create_graph

    if grad_variables is not None:  # (torch's old name for grad_tensors)
        warnings.warn(
            "`grad_variables` is deprecated. Use `grad_tensors` instead.",
            FutureWarning,
            stacklevel=2,
        )
        if grad_tensors is not None:
            raise RuntimeError(
                "`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                "`backward()`. Please only use `grad_tensors`."
            )
        grad_tensors = grad_variables
    if (
        grad_tensors is None
        and inputs is None
        and not create_graph
        and type(tensors) is _tensor_class()
        and tensors.grad_fn is not None
        and tensors._base is None
        and tensors._data.size == 1
    ):
        # ``loss.backward()``, the call on every training step: what _roots would find, without
        # the general argument handling (a non-leaf scalar, seeded with 1)
        seed = _ones(tensors._data.shape, tensors._data.dtype)
        root = (tensors.grad_fn, tensors._output_nr, _Tensor._make(seed))
        run_backward([root], retain_graph=bool(retain_graph), create_graph=False)
        return
    targets = None if inputs is None else _as_tuple(inputs)
    if targets is not None and not targets:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    _refuse_dict(tensors)
    outputs = _outputs_tuple(tensors)
    roots = _roots(outputs, _grads_tuple(grad_tensors, len(outputs)), create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph and not _warned_create_graph:
        _warned_create_graph = True
        warnings.warn(_CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    edges = None
    if targets is not None:
        for t in targets:
            _require_tensor_input(t)
            t.retain_grad()  # as torch does: a non-leaf input keeps its .grad from now on
        edges = [_input_edge(t) for t in targets]
    run_backward(roots, retain_graph=retain_graph, create_graph=create_graph, inputs=edges)


def _require_tensor_input(t: Any) -> None:
    if not isinstance(t, _tensor_class()):
        raise RuntimeError(
            f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}"
        )


def _input_edge(t: Tensor) -> tuple[Node, int]:
    _require_tensor_input(t)
    if not t._requires_grad:
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    node, nr = _edge(t)
    assert node is not None
    return node, nr


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> Any:
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated): a
    tuple, or for a dict of inputs a dict of their gradients.

    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> torch.autograd.grad((x * x).sum(), x)
    (tensor([2., 4.]),)
    """
    from .._creation import zeros_like

    if not only_inputs:  # (ignored by torch too)
        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use "
            "torch.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    if is_grads_batched:
        raise NotImplementedError(
            "grad(is_grads_batched=True) needs torch's vmap, which picotorch does not have: "
            "call grad once for each grad_outputs instead"
        )
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    _refuse_dict(outputs)
    outs = _outputs_tuple(outputs)
    ins = _as_tuple(inputs)
    if not ins:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    roots = _roots(outs, _grads_tuple(grad_outputs, len(outs)), create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(
        roots,
        retain_graph=retain_graph,
        create_graph=create_graph,
        inputs=[_input_edge(t) for t in ins],
        accumulate=False,
    )
    final: list[Tensor | None] = []
    for i, (t, g) in enumerate(zip(ins, results, strict=True)):
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            final.append(zeros_like(t, requires_grad=create_graph) if materialize_grads else None)
        else:
            final.append(g if create_graph else g.detach())
    return dict(zip(inputs, final, strict=True)) if type(inputs) is dict else tuple(final)


_CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using autograd.grad "
    "when creating the graph to avoid this. If you have to use this function, make sure to reset "
    "the .grad fields of your parameters to None after use to break the cycle and avoid the "
    "leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)"
)
