"""torch.autograd: compute gradients of tensors with respect to the leaves of their graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import grad_mode
from .engine import run_backward
from .function import Node, _edge
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = [
    "Node",
    "backward",
    "enable_grad",
    "grad",
    "grad_mode",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]


def _as_tuple(x: Any) -> tuple[Any, ...]:
    if x is None:
        return ()
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


# --8<-- [start:roots]
def _roots(
    outputs: Sequence[Tensor], grad_outputs: Sequence[Tensor | None], create_graph: bool
) -> list[tuple[Node, int, Tensor]]:
    """Where backward starts: each output's node, and the gradient it is seeded with."""
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs, strict=True)):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = type(out)._make(np.ones(out._data.shape, out._data.dtype))  # d out / d out = 1
        elif g._data.shape != out._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}."
            )
        elif not create_graph:
            g = g.detach()
        node, nr = _edge(out)
        assert node is not None
        roots.append((node, nr, g))
    return roots


# --8<-- [end:roots]


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into each leaf's ``.grad`` (or only into ``inputs``')."""
    outputs = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) or (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(outputs, grads, create_graph)
    if inputs is None:
        run_backward(roots, retain_graph=retain_graph, create_graph=create_graph)
        return
    # only the given inputs: compute their gradients, then accumulate them as a leaf would
    targets = _as_tuple(inputs)
    if not targets:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    results = run_backward(
        roots,
        retain_graph=retain_graph,
        create_graph=create_graph,
        targets=[_target_edge(t) for t in targets],
    )
    for t, g in zip(targets, results, strict=True):
        if g is not None:
            g = g if create_graph else g.detach()
            t._grad = g.clone() if t._grad is None else t._grad + g


def _target_edge(t: Tensor) -> tuple[Node, int]:
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
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated)."""
    from .._creation import zeros_like

    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) or (None,) * len(outs)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(outs, grads, create_graph)
    results = run_backward(
        roots,
        retain_graph=retain_graph,
        create_graph=create_graph,
        targets=[_target_edge(t) for t in ins],
    )
    final: list[Tensor | None] = []
    for i, (t, g) in enumerate(zip(ins, results, strict=True)):
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            final.append(zeros_like(t) if materialize_grads else None)
        else:
            final.append(g if create_graph else g.detach())
    return tuple(final)
