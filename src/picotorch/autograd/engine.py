"""The backward engine: walk the graph from the outputs to the leaves, once per node.

1. Start from the outputs' nodes, seeded with the outputs' gradients.
2. Run the nodes newest first, taking them from a priority queue. A node is always created
   after the nodes of its inputs, so by the time a node runs, every node that feeds it a
   gradient has already run: it runs exactly once, with all its incoming gradients summed.
   (A loop and a queue, not recursion, so a 100 000-op chain is fine.)
3. Each node turns the gradient of its output into gradients for its inputs; the engine
   reshapes them to each input's shape (undoing broadcasting, the one place that does) and
   adds them into the buffer of the node they flow to, queueing that node the first time.
   ``AccumulateGrad`` nodes add theirs into the leaf's ``.grad``.
4. Unless ``retain_graph``, each node drops its saved tensors once it has run.

What flows between the nodes depends on ``create_graph``. With it, the gradients are Tensors
and each node runs its differentiable formula (``Node.backward``), so the backward pass is
itself recorded. Without it, which is nearly always, nothing needs recording: the gradients
are plain NumPy arrays and each node runs ``Node.backward_arrays``. That saves a Tensor wrapper
for every gradient and every intermediate, which on small tensors costs as much as the maths.
A hook sees a Tensor either way (the array is wrapped for it).
"""

from __future__ import annotations

import heapq
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._memory import empty_laid_out_like
from .._size import type_name_of
from . import grad_mode
from .function import Node, _as_tensor, record

if TYPE_CHECKING:
    from .._tensor import Tensor


# --8<-- [start:engine]
def run_backward(
    roots: Sequence[tuple[Node, int, Tensor]],
    *,
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[tuple[Node, int]] | None = None,
    accumulate: bool = True,
) -> list[Tensor | None]:
    """Backpropagate ``(node, output_nr, gradient)`` roots through the graph.

    ``inputs`` (edges, as in ``next_functions``) limits the run to the nodes that lead to them.
    With ``accumulate`` (``backward``), every leaf reached gets its gradient added into its
    ``.grad``. Without (``autograd.grad``), nothing is accumulated: the gradients flowing into
    ``inputs`` are returned, in order.
    """
    on_arrays = not create_graph  # what flows: arrays, or Tensors for a recorded backward
    buffers: dict[Node, list[Any]] = {}  # node -> the gradients of its outputs, summed so far
    queue: list[tuple[int, Node]] = []  # nodes that got a gradient, newest (largest _seq) first
    for node, nr, grad in roots:
        g = grad._data if on_arrays else grad
        if node not in buffers:
            buffers[node] = [None] * node.num_outputs
            heapq.heappush(queue, (-node._seq, node))
        seeds = buffers[node]
        seeds[nr] = g if seeds[nr] is None else seeds[nr] + g
    limits = _Limits(roots, inputs, accumulate, on_arrays) if inputs is not None else None

    previous_mode = grad_mode._enabled
    grad_mode._set_enabled(create_graph)  # record the backward pass only for higher order
    try:
        while queue:
            node = heapq.heappop(queue)[1]
            grads = buffers.pop(node)
            if limits is not None:
                limited = limits.before(node, grads)
                if limited is None:  # leads to none of the inputs: nothing more to do here
                    continue
                grads = limited
            elif node._pre_hooks is not None:  # (a dict once any hook was registered)
                grads = _run_pre_hooks(node, grads, on_arrays)
            if node.is_accumulator:
                # (a leaf whose requires_grad was switched off after the graph was built gets
                # nothing, as in torch)
                variable = node.variable  # type: ignore[attr-defined]
                if accumulate and grads[0] is not None and variable._requires_grad:
                    _accumulate(variable, grads, on_arrays)
                continue
            formula = node.backward_arrays if on_arrays else node.backward
            _pass_on(node, formula(*grads), buffers, queue, on_arrays)
            if not retain_graph and (node._saved or node.releases_nothing_saved):
                node._saved = None  # drop what backward needed: a second backward is an error
    finally:
        grad_mode._set_enabled(previous_mode)
    return limits.captured if limits is not None else []


def _pass_on(
    node: Node,
    input_grads: tuple[Any, ...],
    buffers: dict[Node, list[Any]],
    queue: list[tuple[int, Node]],
    on_arrays: bool,
) -> None:
    """Add the gradients ``node`` computed for its inputs into the buffers of the nodes they
    flow to (shaped like each input), queueing each of those nodes the first time."""
    edges, metas = node.next_functions, node._input_meta
    if len(input_grads) != len(edges):  # a bug in a backward formula
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients (expected "
            f"{len(edges)}, got {len(input_grads)})"
        )
    # (indexing, not zip(): this loop runs for every input of every node, and unpacking three
    # zipped tuples costs more than the indexing)
    for i, g in enumerate(input_grads):
        next_node, nr = edges[i]
        if next_node is None or g is None:
            continue
        shape, dtype = metas[i]  # type: ignore[misc]
        array = g if on_arrays else g._data
        if array.shape != shape or array.dtype is not dtype.numpy:
            g = _conform(g, shape, dtype, on_arrays, (node, i))
        buffer = buffers.get(next_node)
        if buffer is None:  # the first gradient to reach next_node: queue it
            buffer = buffers[next_node] = [None] * next_node.num_outputs
            heapq.heappush(queue, (-next_node._seq, next_node))
        buffer[nr] = g if buffer[nr] is None else buffer[nr] + g  # several paths: sum


# --8<-- [end:engine]


class _Limits:
    """What ``inputs=`` changes in a run (``backward(inputs=...)`` and ``autograd.grad``):
    only nodes from which an input can be reached run, and ``autograd.grad`` captures the
    gradients flowing into the inputs instead of accumulating them."""

    def __init__(
        self,
        roots: Sequence[tuple[Node, int, Any]],
        inputs: Sequence[tuple[Node, int]],
        accumulate: bool,
        on_arrays: bool,
    ) -> None:
        self.on_arrays = on_arrays
        self.needed = _needed([node for node, _, _ in roots], {node for node, _ in inputs})
        self.wanted: dict[tuple[Node, int], list[int]] = {}  # edge -> where it is returned
        if not accumulate:
            for i, edge in enumerate(inputs):
                self.wanted.setdefault(edge, []).append(i)
        self.captured: list[Tensor | None] = [None] * len(inputs)

    def before(self, node: Node, grads: list[Any]) -> list[Any] | None:
        """Run ``node``'s hooks and capture its gradients; None if it must not run."""
        if node not in self.needed:
            return None
        # does anything beyond this node lead to an input? (else only its hooks run)
        runs = any(n in self.needed for n, _ in node.next_functions)
        if runs:  # torch's order: captured before the hooks of a node that runs,
            self._capture(node, grads)
        if node._pre_hooks is not None:
            grads = _run_pre_hooks(node, grads, self.on_arrays)
        if not runs:  # after them otherwise
            self._capture(node, grads)
            if not node.is_accumulator:
                return None
        return grads

    def _capture(self, node: Node, grads: list[Any]) -> None:
        for nr, g in enumerate(grads):
            for slot in self.wanted.get((node, nr), ()):
                self.captured[slot] = _as_tensor(g) if self.on_arrays else g


def _needed(roots: list[Node], target_nodes: set[Node]) -> set[Node]:
    """The nodes from which some target can be reached."""
    seen: set[Node] = set(roots)
    stack = list(seen)
    while stack:  # every node reachable from the roots
        for n, _ in stack.pop().next_functions:
            if n is not None and n not in seen:
                seen.add(n)
                stack.append(n)
    needed: set[Node] = set()
    for node in sorted(seen, key=lambda n: n._seq):  # oldest first: inputs before users
        if node in target_nodes or any(n in needed for n, _ in node.next_functions):
            needed.add(node)
    return needed


# --8<-- [start:conform]
def _conform(
    grad: Any, shape: tuple[int, ...], dtype: Any, on_arrays: bool, source: tuple[Node, int]
) -> Any:
    """Give an input's gradient that input's shape and dtype (``source``: the node that
    computed it, and which of its results it is).

    An input that was broadcast (``(3,)`` added to ``(2, 3)``) gets a gradient of the broadcast
    shape; its true gradient sums over the dims that broadcasting repeated it along.
    """
    if on_arrays:  # the same steps on a Tensor wrapper (not recorded: grad mode is off)
        return _conform(_as_tensor(grad), shape, dtype, False, source)._data
    if grad._data.shape != shape:
        lead = grad._data.ndim - len(shape)
        if lead < 0 or any(
            g != n and n != 1 for g, n in zip(grad._data.shape[lead:], shape, strict=True)
        ):  # not a broadcast of the input's shape: a bug in a backward formula
            raise RuntimeError(
                f"Function {source[0].name()} returned an invalid gradient at index {source[1]} "
                f"- got {list(grad._data.shape)} but expected shape compatible with {list(shape)}"
            )
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


def _run_pre_hooks(node: Node, grads: list[Any], on_arrays: bool) -> list[Any]:
    """The tensor hooks on ``node``'s outputs, in the order they were registered (a hook that
    returns a tensor replaces the gradient); then the ``retain_grad`` hooks, which store the
    gradient the other hooks let through. Hooks get Tensors, also when arrays flow."""
    grads = [_as_tensor(g) for g in grads] if on_arrays else list(grads)
    for nr, hooks in (node._pre_hooks or {}).items():
        for hook in list(hooks):
            if grads[nr] is not None:
                result = hook(grads[nr])
                if result is not None:
                    _check_hook_result(hook, grads[nr], result)
                    grads[nr] = result
    for nr, retain in (node._retain_grad_hooks or {}).items():
        if grads[nr] is not None:
            retain(grads[nr])
    return [None if g is None else g._data for g in grads] if on_arrays else grads


def _check_hook_result(hook: Any, grad: Tensor, result: Any) -> None:
    """A hook may replace a gradient only by one of the same shape and dtype, as in torch (the
    engine would otherwise pass on, or store in ``.grad``, a gradient that fits nothing)."""
    from .._tensor import Tensor  # (imported here: _tensor imports this module)

    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(result, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type_name_of(result)}'")
    if result._data.shape != grad._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    if result._dtype is not grad._dtype:
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was {grad.type()} got {result.type()})"
        )


# --8<-- [start:accumulate]
def _accumulate(variable: Tensor, grads: list[Any], on_arrays: bool) -> None:
    """``variable.grad += grads[0]``. The first time, ``.grad`` takes the gradient over if no
    one else can see it, else gets a copy (its own memory: the same gradient may also flow into
    other leaves, or be the user's)."""
    grad = grads[0]
    if not on_arrays:  # create_graph: keep the gradient's graph, it will be differentiated
        if variable._grad is None:
            variable._grad = _copy_for_leaf(grad, variable)
        else:
            variable._grad = variable._grad + grad
    elif variable._grad is None:
        grads[0] = None  # (the buffer's reference: now only this function holds the array)
        if not _only_the_engine_holds(grad, variable):
            grad = _copy_laid_out_like(grad, variable._data)
        variable._grad = _as_tensor(grad)  # torch takes a fresh gradient over too
    else:
        variable._grad._data += grad  # in place, as torch does
        variable._grad._version_counter[0] += 1


# CPython counts references exactly up to 3.13 (3.14 may skip counting references held on the
# interpreter's stack), so there the engine can tell when a gradient is its own.
_EXACT_REFCOUNTS = sys.implementation.name == "cpython" and sys.version_info < (3, 14)


def _only_the_engine_holds(grad: np.ndarray, variable: Tensor) -> bool:
    """Whether the array ``grad`` can become ``variable.grad`` as it is: writable fresh memory
    laid out like the leaf, referenced by nothing but the engine. (A hook that kept the
    gradient, a second leaf it also flows to, the caller's ``gradient=`` tensor, a saved tensor
    or another view of it would all be a reference more, and get a copy.)"""
    # (the cheap tests first: this runs for every leaf on every backward)
    if not _EXACT_REFCOUNTS or sys.getrefcount(grad) > 3:  # _accumulate's, ours, getrefcount's
        return False
    base = grad.base
    # a view of a fresh product (nn.Linear's weight gradient comes out transposed) is fine if
    # the view covers all of it and holds the only reference to it
    if base is not None and not (
        type(base) is np.ndarray
        and base.base is None
        and base.size == grad.size
        and sys.getrefcount(base) <= 3  # the view's, our local name's, getrefcount's argument
    ):
        return False
    return grad.flags.writeable and grad.strides == variable._data.strides


def _copy_laid_out_like(grad: np.ndarray, like: np.ndarray) -> np.ndarray:
    """A copy of ``grad`` in the memory order of ``like`` (a transposed leaf gets a transposed
    ``.grad``, as in torch)."""
    if like.flags.c_contiguous:
        return np.array(grad, order="C")
    data = empty_laid_out_like(like, dense_only=True)  # the variable's own memory order
    np.copyto(data, grad)
    return data


def _copy_for_leaf(grad: Tensor, variable: Tensor) -> Tensor:
    """A copy of ``grad`` laid out like ``variable``, which stays differentiable: torch records
    it as a ``CopyBackwards`` node."""
    copy = type(grad)._make(_copy_laid_out_like(grad._data, variable._data))
    if grad._requires_grad:
        from .._ops.shape import CopyBackwards  # fresh memory .copy_(grad), as torch records it

        record(copy, CopyBackwards, (copy, grad))
    return copy


# --8<-- [end:accumulate]
