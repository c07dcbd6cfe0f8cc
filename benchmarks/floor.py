"""The semantic floor: the least an autograd must do per op to behave as torch visibly does.

``benchmarks/lower_bound.py`` times this next to the minimal tape, picotorch and torch. The tape
records one closure per op and nothing else; that is a floor for *any* Python autograd. This
module adds exactly the per-op work that torch's observable behaviour requires of picotorch
(the tutorial pages and the parity tests show all of it), each in its cheapest form:

- every op returns a new Tensor object, with its own ``requires_grad``, ``grad_fn`` and version
  counter (``a * b`` is a Tensor one can inspect, not a tape entry);
- every recorded op creates a node object of a class named as torch's (``MulBackward0``) with
  ``next_functions``: one ``(node, input_nr)`` edge per input, a leaf's edge going to its own
  ``AccumulateGrad`` node, the same one every time the leaf is used;
- inputs are checked to be Tensors of one dtype, and grad mode is consulted;
- saved tensors keep their version at save time and are checked when backward reads them (an
  in-place change in between is an error, not a wrong gradient), then freed; the one view here,
  ``t()``, shares its base's version counter, so that this holds for a saved view too;
- cross-entropy refuses targets that NumPy would take for a wrong loss instead of an error: a
  batch of another size, or a class index out of range (a negative one is taken from the end);
- the engine runs each node once, newest first, sums the gradients reaching a node, and sums a
  broadcast input's gradient back to the input's shape;
- ``.grad`` is a Tensor: the first gradient becomes it (copied only if something else holds the
  array, as torch and picotorch do), later ones are added in place;
- modules are called through ``Module.__call__``, the optimizer reads ``.grad`` and updates each
  parameter in place (bumping its version), and ``zero_grad`` sets ``.grad`` to None.

Everything else picotorch does is left out: type promotion, views other than ``t()`` (and
their bookkeeping, such as the check for a stale view), hooks, ``create_graph``,
``retain_graph``, ``ignore_index``, error messages worded as torch's, argument parsing,
printing, and sums added in torch's order (NumPy's own order rounds the last bit differently
now and then; picotorch follows torch's, see picotorch/_ops/summation.py). Only the ops of W1
and W2 exist. So an implementation of
the same behaviour should not expect to beat the floor: a target the floor misses is out of reach
of a per-op autograd with torch's semantics on NumPy, short of a trick nobody has found here (the
floor is the cheapest form known, not a proof). ``tests/test_benchmarks.py`` checks that it
computes torch's gradients.
"""

from __future__ import annotations

import heapq
import itertools
import sys
from typing import Any

import numpy as np

_sequence = itertools.count()  # creation order: newest nodes run first
grad_enabled = True  # what torch.no_grad() switches off
# relu's 0 in the tensors' dtype, made once: a Python 0 costs NumPy a dtype decision per call
# (every tensor here is float32)
_ZERO = np.zeros((), np.float32)


class Tensor:
    __slots__ = ("_accumulator", "data", "grad", "grad_fn", "requires_grad", "version")

    def __init__(self, data: np.ndarray, requires_grad: bool = False) -> None:
        self.data, self.requires_grad = data, requires_grad
        self.grad_fn: Node | None = None
        self.grad: Tensor | None = None
        self.version = [0]  # a list: a view shares its base's (t() below)
        self._accumulator: AccumulateGrad | None = None

    def __mul__(self, other: Tensor) -> Tensor:
        return _record(self.data * _checked(self, other).data, MulBackward0, (self, other))

    def __add__(self, other: Tensor) -> Tensor:
        return _record(self.data + _checked(self, other).data, AddBackward0, (self, other), ())

    def __matmul__(self, other: Tensor) -> Tensor:
        return _record(self.data @ _checked(self, other).data, MmBackward0, (self, other))

    def relu(self) -> Tensor:
        return _saving_output(_record(np.maximum(_ZERO, self.data), ReluBackward0, (self,), ()))

    def sum(self) -> Tensor:
        return _record(np.add.reduce(self.data, None), SumBackward0, (self,), ())

    def t(self) -> Tensor:
        out = _record(self.data.T, TBackward0, (self,), ())
        # a view shares its base's version counter: where the view is saved (a Linear's weight.t()
        # in W2), an in-place change of the base (the optimizer's step) is then seen at backward
        out.version = self.version
        return out

    def backward(self) -> None:
        if self.data.ndim != 0:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        if self.grad_fn is None:
            raise RuntimeError("element 0 of tensors does not require grad")
        run_backward(self.grad_fn, np.ones_like(self.data))


def _checked(a: Tensor, b: Any) -> Tensor:
    if type(b) is not Tensor or a.data.dtype is not b.data.dtype:
        raise TypeError("both operands must be Tensors of one dtype")
    return b


def _saving_output(out: Tensor) -> Tensor:
    """Let ``out``'s node save ``out`` itself, through an alias without the grad_fn (saving
    ``out`` would make a cycle out -> node -> out: the graph would outlive its last use until
    the cyclic garbage collector ran; torch frees it at once)."""
    if out.grad_fn is not None:
        alias = Tensor.__new__(Tensor)
        alias.data, alias.version = out.data, out.version
        out.grad_fn.saved, out.grad_fn.versions = (alias,), [out.version[0]]
    return out


def _record(
    data: np.ndarray, node: type[Node], inputs: tuple[Tensor, ...], saved: Any = None
) -> Tensor:
    """The op's result, with a node recorded if grad mode is on and an input requires grad;
    ``saved`` defaults to the inputs themselves."""
    out = Tensor(data)
    if grad_enabled:
        for x in inputs:
            if x.requires_grad:
                out.requires_grad = True
                out.grad_fn = node(inputs, inputs if saved is None else saved)
                break
    return out


class Node:
    __slots__ = ("next_functions", "saved", "seq", "shapes", "versions")

    def __init__(self, inputs: tuple[Tensor, ...], saved: tuple[Tensor, ...]) -> None:
        # (plain loops: in Python 3.11 a comprehension is a function call of its own)
        edges, shapes = [], []
        for x in inputs:
            if not x.requires_grad:
                edges.append((None, 0))
            elif x.grad_fn is not None:
                edges.append((x.grad_fn, 0))
            else:
                if x._accumulator is None:
                    x._accumulator = AccumulateGrad(x)
                edges.append((x._accumulator, 0))
            shapes.append(x.data.shape)
        self.next_functions = tuple(edges)
        self.shapes = shapes
        self.seq = next(_sequence)
        self.saved = saved
        versions = []
        for t in saved:
            versions.append(t.version[0])
        self.versions = versions

    def saved_arrays(self) -> list[np.ndarray]:
        if self.saved is None:
            raise RuntimeError("Trying to backward through the graph a second time")
        arrays = []
        for t, version in zip(self.saved, self.versions, strict=True):
            if t.version[0] != version:
                raise RuntimeError("a saved tensor was modified by an inplace operation")
            arrays.append(t.data)
        return arrays

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        raise NotImplementedError


class AccumulateGrad(Node):
    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable, self.next_functions, self.seq = variable, (), next(_sequence)
        self.saved, self.versions, self.shapes = (), [], []


class MulBackward0(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        a, b = self.saved_arrays()
        return g * b, g * a


class AddBackward0(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        return g, g


class MmBackward0(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        a, b = self.saved_arrays()
        return g @ b.T, a.T @ g


class ReluBackward0(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        (out,) = self.saved_arrays()
        return (g * (out > 0),)


class SumBackward0(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        return (np.broadcast_to(g, self.shapes[0]),)


class TBackward0(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        return (g.T,)


class AddmmBackward0(Node):
    """``bias + x @ w_t``: inputs (bias, x, w_t), saved (x, w_t)."""

    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        x, w_t = self.saved_arrays()
        grad_x = g @ w_t.T if self.next_functions[1][0] is not None else None
        # bias: summed here (as picotorch does); w_t's gradient computed transposed, so that the
        # weight's own (TBackward0 transposes it back) is row-major like the weight: taken over
        return g.sum(0), grad_x, (g.T @ x).T


class LogSoftmaxBackward0(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        (out,) = self.saved_arrays()
        return (g - np.exp(out) * g.sum(1, keepdims=True),)


class NllLossBackward0(Node):
    __slots__ = ("target",)

    def backward(self, g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        (log_p,) = self.saved_arrays()
        grad = np.zeros_like(log_p)
        grad[np.arange(len(self.target)), self.target] = -g / len(self.target)
        return (grad,)


def linear(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """torch's ``F.linear``: ``addmm(b, x, w.t())``, a TBackward0 and an AddmmBackward0."""
    w_t = w.t()
    _checked(x, w_t)
    _checked(x, b)
    out = np.dot(x.data, w_t.data)
    out += b.data
    return _record(out, AddmmBackward0, (b, x, w_t), (x, w_t))


def cross_entropy(logits: Tensor, target: np.ndarray) -> Tensor:
    """``nll_loss(log_softmax(logits, 1), target)``: two nodes, as torch records."""
    # torch refuses a batch of targets of another size (the loss would take the first rows) and
    # a class index out of range (and ignores -100, ignore_index's default): one max over the
    # targets seen as unsigned (a negative one is huge) tells that all are classes
    rows, classes = logits.data.shape
    if len(target) != rows:
        raise ValueError(f"Expected input batch_size ({rows}) to match target batch_size")
    if np.maximum.reduce(target.view(np.uint64), None) >= classes:
        raise IndexError("a target is out of bounds (or is to be ignored: not done here)")
    z = logits.data - logits.data.max(1, keepdims=True)
    z -= np.log(np.exp(z).sum(1, keepdims=True))
    log_p = _saving_output(_record(z, LogSoftmaxBackward0, (logits,), ()))
    n = len(target)
    loss = _record(-log_p.data[np.arange(n), target].sum() / n, NllLossBackward0, (log_p,))
    if loss.grad_fn is not None:
        loss.grad_fn.target = target  # type: ignore[attr-defined]
    return loss


def run_backward(root: Node, seed: np.ndarray) -> None:
    """Each node once, newest first, with the sum of the gradients that reached it."""
    buffers: dict[Node, np.ndarray] = {root: seed}
    queue = [(-root.seq, root)]
    while queue:
        node = heapq.heappop(queue)[1]
        g = buffers.pop(node)
        if type(node) is AccumulateGrad:
            leaf = node.variable
            if leaf.grad is None:
                # take the array over if nothing else holds it (refs: g, getrefcount's argument)
                # and it is laid out like the leaf: fresh memory, or a view of all of a fresh
                # array that only the view holds (as picotorch does); else copy it
                owned = (
                    sys.getrefcount(g) == 2
                    and g.flags.c_contiguous
                    and (g.base is None or (g.base.base is None and sys.getrefcount(g.base) == 2))
                )
                leaf.grad = Tensor(g if owned else g.copy())
            else:
                leaf.grad.data += g
                leaf.grad.version[0] += 1
            continue
        # (a function of its own: its locals, which hold the gradients, are gone when it returns,
        # so a leaf's gradient is held by nothing but the buffer when its turn comes)
        _pass_on(node, node.backward(g), buffers, queue)
        node.saved = None  # freed: a second backward is an error


def _pass_on(
    node: Node,
    grads: tuple[np.ndarray | None, ...],
    buffers: dict[Node, np.ndarray],
    queue: list[tuple[int, Node]],
) -> None:
    """Add each input's gradient into the buffer of the node it flows to, queueing that node the
    first time."""
    edges, shapes = node.next_functions, node.shapes
    for i, grad in enumerate(grads):
        next_node = edges[i][0]
        if next_node is None or grad is None:
            continue
        if grad.shape != shapes[i]:  # a broadcast input: sum over the repeated dims
            grad = _unbroadcast(grad, shapes[i])
        if next_node in buffers:
            buffers[next_node] = buffers[next_node] + grad
        else:
            buffers[next_node] = grad
            heapq.heappush(queue, (-next_node.seq, next_node))


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    lead = grad.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return grad.sum(dims).reshape(shape)


# ------------------------------------------------------------------------------ nn and optim
class Module:
    def __call__(self, *args: Any) -> Tensor:
        return self.forward(*args)  # type: ignore[attr-defined, no-any-return]


class Linear(Module):
    def __init__(self, weight: np.ndarray, bias: np.ndarray) -> None:
        self.weight, self.bias = Tensor(weight, True), Tensor(bias, True)

    def forward(self, x: Tensor) -> Tensor:
        return linear(x, self.weight, self.bias)


class ReLU(Module):
    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class Sequential(Module):
    def __init__(self, *layers: Module) -> None:
        self.layers = layers

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Tensor]:
        return [p for m in self.layers if isinstance(m, Linear) for p in (m.weight, m.bias)]


class SGD:
    """torch.optim.SGD with momentum: buf = g (first step), then m*buf + g; p -= lr*buf."""

    def __init__(self, params: list[Tensor], lr: float, momentum: float) -> None:
        self.params, self.lr, self.momentum = params, lr, momentum
        self.bufs: dict[Tensor, np.ndarray] = {}

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        for p in self.params:
            if p.grad is None:
                continue
            buf = self.bufs.get(p)
            if buf is None:
                buf = self.bufs[p] = p.grad.data.copy()
            else:
                buf *= self.momentum
                buf += p.grad.data
            p.data -= self.lr * buf
            p.version[0] += 1
