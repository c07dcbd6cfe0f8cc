"""The backward engine: walk the graph from the outputs to the leaves, once per node.

1. Collect every node reachable from the outputs through ``next_functions`` (a loop with an
   explicit stack, not recursion, so a 100 000-op chain is fine).
2. Run them newest first. A node is always created after the nodes of its inputs, so by the
   time a node runs, every node that feeds it a gradient has already run: it runs exactly
   once, with all its incoming gradients already summed.
3. Each node turns the gradient of its output into gradients for its inputs; the engine
   reshapes them to each input's shape (undoing broadcasting, the one place that does) and
   adds them into the buffer of the node they flow to. ``AccumulateGrad`` nodes add theirs
   into the leaf's ``.grad``.
4. Unless ``retain_graph``, each node drops its saved tensors once it has run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import grad_mode
from .function import AccumulateGrad, Node

if TYPE_CHECKING:
    from .._tensor import Tensor


# --8<-- [start:engine]
def run_backward(
    roots: Sequence[tuple[Node, int, Tensor]],
    *,
    retain_graph: bool,
    create_graph: bool,
    targets: Sequence[tuple[Node, int]] | None = None,
) -> list[Tensor | None]:
    """Backpropagate ``(node, output_nr, gradient)`` roots through the graph.

    Without ``targets``, every leaf reached gets the gradient added into its ``.grad``. With
    ``targets`` (edges, as in ``next_functions``), nothing is accumulated: only the gradients
    flowing into those edges are computed, and returned in order (``autograd.grad``).
    """
    order = _reachable_newest_first([node for node, _, _ in roots])
    wanted = {} if targets is None else {edge: i for i, edge in enumerate(targets)}
    needed = None if targets is None else _needed(order, {node for node, _ in wanted})
    captured: list[Tensor | None] = [None] * len(wanted)

    buffers: dict[Node, list[Tensor | None]] = {}
    for node, nr, grad in roots:
        _add_to_buffer(buffers, node, nr, grad)

    previous_mode = grad_mode._enabled
    grad_mode._set_enabled(create_graph)  # record the backward pass only for higher order
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None or (needed is not None and node not in needed):
                continue
            if node._pre_hooks:
                grads = _run_pre_hooks(node, grads)
            if needed is not None:
                for nr, g in enumerate(grads):
                    slot = wanted.get((node, nr))
                    if slot is not None:
                        captured[slot] = g
                if not any(n in needed for n, _ in node.next_functions):
                    continue  # nothing beyond this node leads to a target
            elif isinstance(node, AccumulateGrad):
                if grads[0] is not None:
                    _accumulate(node.variable, grads[0], create_graph)
                continue
            input_grads = node.backward(*grads)
            if not retain_graph:
                node._release()
            for (next_node, nr), meta, g in zip(
                node.next_functions, node._input_meta, input_grads, strict=True
            ):
                if next_node is not None and g is not None:
                    _add_to_buffer(buffers, next_node, nr, _conform(g, meta))
    finally:
        grad_mode._set_enabled(previous_mode)
    return captured


# --8<-- [end:engine]


def _reachable_newest_first(roots: list[Node]) -> list[Node]:
    seen: set[Node] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(n for n, _ in node.next_functions if n is not None and n not in seen)
    return sorted(seen, key=lambda n: n._seq, reverse=True)


def _needed(order: list[Node], target_nodes: set[Node]) -> set[Node]:
    """The nodes from which some target can be reached (oldest first, so inputs come first)."""
    needed: set[Node] = set()
    for node in reversed(order):
        if node in target_nodes or any(n in needed for n, _ in node.next_functions):
            needed.add(node)
    return needed


def _add_to_buffer(buffers: dict[Node, list[Any]], node: Node, nr: int, grad: Tensor) -> None:
    buffer = buffers.get(node)
    if buffer is None:
        buffer = buffers[node] = [None] * node.num_outputs
    buffer[nr] = grad if buffer[nr] is None else buffer[nr] + grad


# --8<-- [start:conform]
def _conform(grad: Tensor, meta: tuple[tuple[int, ...], Any] | None) -> Tensor:
    """Give an input's gradient that input's shape and dtype.

    An input that was broadcast (``(3,)`` added to ``(2, 3)``) gets a gradient of the broadcast
    shape; its true gradient sums over the dims that broadcasting repeated it along.
    """
    assert meta is not None
    shape, dtype = meta
    if grad._data.shape != shape:
        lead = grad._data.ndim - len(shape)
        dims = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and grad._data.shape[lead + i] != 1
        )
        grad = grad.sum(dims, keepdim=True) if dims else grad
        if lead:
            grad = grad.reshape(shape)
    if grad._dtype is not dtype:
        grad = grad.to(dtype)
    return grad


# --8<-- [end:conform]


def _run_pre_hooks(node: Node, grads: list[Tensor | None]) -> list[Tensor | None]:
    assert node._pre_hooks is not None
    grads = list(grads)
    for nr, hooks in node._pre_hooks.items():
        for hook in list(hooks):
            if grads[nr] is not None:
                result = hook(grads[nr])  # type: ignore[arg-type]
                if result is not None:
                    grads[nr] = result
    return grads


def _accumulate(variable: Tensor, grad: Tensor, create_graph: bool) -> None:
    """``variable.grad += grad``; the first time, ``.grad`` becomes (a copy of) ``grad``."""
    if not create_graph:
        grad = grad.detach()
    if variable._grad is None:
        # a fresh tensor, so later in-place accumulation never writes into someone else's
        variable._grad = grad.clone() if not create_graph else grad
    elif create_graph or variable._grad._requires_grad:
        variable._grad = variable._grad + grad
    else:
        variable._grad._data += grad._data
        variable._grad._version_counter[0] += 1
