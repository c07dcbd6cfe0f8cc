"""Graph nodes: what an op records so that backward can later compute its gradients.

When an op runs on tensors that require grad (and grad mode is on), it creates a ``Node`` —
``MulBackward0`` for ``*``, say — and sets it as the result's ``grad_fn``. The node remembers:

- ``next_functions``: one ``(node, input_nr)`` pair per input, pointing at the node that made
  that input (its ``grad_fn``), at the ``AccumulateGrad`` node of a leaf, or ``(None, 0)`` for
  an input that needs no gradient. These pairs are the edges of the graph, walked backwards.
- what its backward formula needs (``save_for_backward``), each saved tensor with its version
  at that moment, so an in-place change before backward is an error, never a wrong gradient.
- the shape and dtype of each input, so the engine can undo broadcasting in one place.

Each op's ``backward`` is written with Tensor ops, so with ``create_graph=True`` the backward
pass is itself recorded and can be differentiated again. Otherwise the engine runs
``backward_arrays``: the same maths on the bare NumPy arrays (see ``engine.py``).
"""

from __future__ import annotations

import functools
import itertools
import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .._size import type_name_of
from . import grad_mode

if TYPE_CHECKING:
    from .._tensor import Tensor

Edge = tuple["Node | None", int]
Hook = Callable[["Tensor"], "Tensor | None"]
NodeT = TypeVar("NodeT", bound="Node")

_sequence = itertools.count()  # creation order: a node is always newer than its inputs' nodes

_STALE_VIEW = (
    "picotorch does not support using a view after an in-place operation changed the autograd "
    "history of the tensor it views (torch regenerates the view's grad_fn); take the view again "
    "after the in-place operation."
)


def stale_view_error(view: Any) -> RuntimeError:
    """The refusal to use ``view`` after its base took a new history in place without it (see
    rebase_views): torch's, for the views torch refuses too, else picotorch's own."""
    if view._creation_meta is None:
        return RuntimeError(_STALE_VIEW)
    return restricted_view_error(view, stale=True)


def restricted_view_error(view: Any, *, stale: bool) -> RuntimeError:
    """torch's refusals for the views it gives no history of their own: those taken under
    no_grad, and the pieces of split/unbind/chunk. ``stale``: the view is used after its base
    took a new history in place; else the view itself is being written in place."""
    if stale:
        happened = "its base or another view of its base has been modified inplace"
    else:
        happened = "is being modified inplace"
    no_grad = f"A view was created in no_grad mode and {happened} with grad mode enabled."
    if view._creation_meta == "no_grad":
        return RuntimeError(
            f"{no_grad} Given that this use case is ambiguous and error-prone, it is forbidden. "
            "You can clarify your code by moving both the view and the inplace either both "
            "inside the no_grad block (if you don't want the inplace to be tracked) or both "
            "outside (if you want the inplace to be tracked)."
        )
    what = no_grad  # (torch's words for a piece of a tensor without history)
    if view.grad_fn is not None and type(view.grad_fn) is not Invalid:
        op = view.grad_fn.name().removesuffix("Backward0")  # (as torch names the op here)
        what = (
            f"Output {view._output_nr} of {op.removesuffix('Backward')} is a view and {happened}."
        )
    if view._creation_meta == "custom_function":
        return RuntimeError(
            f"{what} This view was created inside a custom Function (or because an input was "
            "returned as-is) and the autograd logic to handle view+inplace would override the "
            "custom backward associated with the custom Function, leading to incorrect "
            "gradients. This behavior is forbidden. You can fix this by cloning the output of "
            "the custom Function."
        )
    return RuntimeError(
        f"{what} This view is the output of a function that returns multiple views. Such "
        "functions do not allow the output views to be modified inplace. You should replace the "
        "inplace operation by an out-of-place one."
    )


_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed when "
    "you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


# --8<-- [start:node]
class Node:
    """One recorded op. Subclasses are named like torch's (``MulBackward0``) and define
    ``backward(self, *grad_outputs)``, returning one gradient (or None) per input."""

    # what every node has its own value of lives in slots, which are quicker to create than
    # __dict__ entries (a node is made for every recorded op); a subclass's own facts about
    # its op (``alpha``, ``axes``, ...) go in the __dict__
    __slots__ = (
        "__dict__",
        "_input_meta",
        "_saved",
        "_saved_output",
        "_saved_versions",
        "_seq",
        "next_functions",
    )
    next_functions: tuple[Edge, ...]  # one (node, input_nr) per input: the graph's edges
    _input_meta: tuple[tuple[tuple[int, ...], Any] | None, ...]  # each input's shape, dtype
    _seq: int  # creation order (see _sequence)

    num_outputs = 1
    is_accumulator = False  # True only for AccumulateGrad (a class attribute: cheap to test)
    # a Function's node is released by backward even with nothing saved (its saved_tensors is
    # then the freed-graph error, as in torch); others with nothing saved may run again
    releases_nothing_saved = False
    # hooks on the gradients of this node's outputs, by output number (see Tensor.register_hook
    # and Tensor.retain_grad); class-level None until a node gets one, so recording costs nothing.
    # Registering either kind makes _pre_hooks a dict: the engine tests only that one.
    _pre_hooks: dict[int, list[Hook]] | None = None
    _retain_grad_hooks: dict[int, Hook] | None = None
    # what backward needs (see save_for_backward): the tensors, () if none and None once
    # released; the version each was at when saved; which of them is this node's own output
    # (-1: none)
    _saved: tuple[Any, ...] | None
    _saved_versions: list[int]
    _saved_output: int
    # When several saved tensors were modified in place, torch's error names the first it
    # checks: its generated code checks them sorted by argument name, inputs before outputs
    # (mul saves "self" and "other": other first). The saved indices in that order, where it
    # is not the order they were saved in.
    _check_order: tuple[int, ...] | None = None

    def __init__(self, inputs: tuple[Any, ...], saved: tuple[Any, ...] = ()) -> None:
        """``inputs``: the op's operands in order (a Python number gets no edge); ``saved``:
        the tensors backward will need (see ``save_for_backward``). Ops make their nodes with
        ``record``, which also sets the other facts backward needs as attributes."""
        edges: list[Edge] = []
        # the shape and dtype each input's gradient must have (None: no gradient flows there)
        meta: list[tuple[tuple[int, ...], Any] | None] = []
        for x in inputs:
            if getattr(x, "_requires_grad", False):
                # _edge(x), written out: this loop runs for every input of every recorded op
                base = x._base
                if base is not None and base.grad_fn is not x._base_grad_fn:
                    raise stale_view_error(x)
                if x.grad_fn is not None:
                    edges.append((x.grad_fn, x._output_nr))
                else:
                    edges.append((x._grad_accumulator or _accumulator(x), 0))
                meta.append((x._data.shape, x._dtype))
            else:
                edges.append(_edge(x))  # (None, 0), after the stale-view check
                meta.append(None)
        self.next_functions = tuple(edges)
        # numbered after the edges: an input's AccumulateGrad may have just been created
        self._seq = next(_sequence)
        self._input_meta = tuple(meta)
        self._saved = saved
        self._saved_output = -1
        if saved:  # save_for_backward(*saved), written out (as above)
            versions = []
            for v in saved:  # (a plain loop: quicker than a comprehension on one or two values)
                versions.append(getattr(v, "_version_counter", _UNVERSIONED)[0])
            self._saved_versions = versions

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def backward(self, *grad_outputs: Any) -> tuple[Tensor | None, ...]:
        raise NotImplementedError(f"{self.name()} has no backward")

    def backward_arrays(self, *grad_outputs: np.ndarray | None) -> tuple[np.ndarray | None, ...]:
        """``backward`` with NumPy arrays in and out. The engine calls it whenever the backward
        pass is not itself recorded (no ``create_graph``), which is nearly always.

        By default it runs ``backward`` on Tensor wrappers of the arrays. The nodes met on
        every training step (``mul``, ``mm``, nn.Linear's ``addmm``, ``relu``, the loss, ...)
        override it with the same maths on the arrays directly: on small tensors a Tensor per
        intermediate costs as much as the arithmetic. ``backward`` stays the differentiable
        formula, used for higher-order gradients.
        """
        results = self.backward(*[_as_tensor(g) for g in grad_outputs])
        return tuple([None if r is None else r._data for r in results])

    # --- saved tensors
    def save_for_backward(self, *values: Any) -> None:
        """Keep values for backward, noting the version each tensor is at now (a number,
        such as the 2 of ``x * 2``, has none and counts as version -1)."""
        self._saved = values
        self._saved_versions = _versions(values)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved values, after checking none was freed or modified in place since."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        if not saved:  # (nothing saved: no versions noted either)
            return ()
        now = []
        for v in saved:  # _versions(saved), written out: every node runs this once
            now.append(getattr(v, "_version_counter", _UNVERSIONED)[0])
        if now != self._saved_versions:
            order = self._check_order or range(len(now))
            i = next(i for i in order if now[i] != self._saved_versions[i])
            t = saved[i]
            producer = self if i == self._saved_output else t.grad_fn
            raise RuntimeError(_modified_message(t, self._saved_versions[i], producer))
        if grad_mode._enabled and self._saved_output >= 0:  # a recorded backward (create_graph)
            i = self._saved_output
            saved = (*saved[:i], self._output_with_history(saved[i]), *saved[i + 1 :])
        return saved

    def _output_with_history(self, kept: Tensor) -> Tensor:
        """This node's saved output (see ``saved_output``) as the output itself: made by this
        node, so that differentiating the backward formula goes through this node again."""
        out = type(kept)._make(kept._data, kept._version_counter)
        out._requires_grad, out.grad_fn, out._output_nr = True, self, kept._output_nr
        return out

    # --8<-- [end:node]

    def register_prehook(self, output_nr: int, hook: Hook) -> Callable[[], None]:
        """Run ``hook`` on the gradient of output ``output_nr`` before this node uses it."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(output_nr, [])
        hooks.append(hook)
        return lambda: hooks.remove(hook) if hook in hooks else None

    def set_retain_grad_hook(self, output_nr: int, hook: Hook) -> None:
        """The hook that ``retain_grad`` stores the gradient with. Like torch, it runs after
        every other hook on that output, so ``.grad`` is the gradient the hooks let through."""
        if self._retain_grad_hooks is None:
            self._retain_grad_hooks = {}
            if self._pre_hooks is None:
                self._pre_hooks = {}
        self._retain_grad_hooks[output_nr] = hook


_UNVERSIONED = [-1]  # the "version counter" of a saved value that is not a tensor


def _versions(values: tuple[Any, ...]) -> list[int]:
    versions = []
    for v in values:  # (a plain loop: quicker than a list comprehension on two or three values)
        versions.append(getattr(v, "_version_counter", _UNVERSIONED)[0])
    return versions


class AccumulateGrad(Node):
    """The node behind a leaf that requires grad: adds the incoming gradient into ``.grad``."""

    is_accumulator = True

    def __init__(self, variable: Tensor) -> None:
        self._seq = next(_sequence)
        self.variable = variable
        self.next_functions = ()
        self._input_meta = ()
        self._saved = ()
        self._saved_output = -1

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


class NotImplementedBackward(Node):
    """Recorded where torch has no derivative (``2 % x``, ``scatter(reduce=...)``): backward
    through it is an error, as in torch, rather than a missing or wrong gradient."""

    op: str

    def name(self) -> str:
        return "torch::autograd::NotImplemented"

    def backward(self, *grads: Any) -> tuple[Tensor | None, ...]:
        raise RuntimeError(f"derivative for aten::{self.op} is not implemented")


_Tensor: Any = None  # picotorch.Tensor, looked up on first use (_tensor.py imports autograd)


def _as_tensor(array: np.ndarray | None) -> Tensor | None:
    """A gradient array wrapped as a Tensor (for a hook, ``.grad``, a Tensor formula)."""
    global _Tensor
    if _Tensor is None:
        from .._tensor import Tensor as _Tensor
    return None if array is None else _Tensor._make(array)


def _edge(x: Any) -> Edge:
    """The graph edge to input ``x``: who will receive ``x``'s gradient."""
    base = getattr(x, "_base", None)
    if base is not None and base.grad_fn is not x._base_grad_fn:
        # the base got a new history in place and this view was not rebuilt with it (see
        # rebase_views): refused rather than send the gradient astray
        raise stale_view_error(x)
    if not getattr(x, "_requires_grad", False):
        return (None, 0)
    if x.grad_fn is not None:
        return (x.grad_fn, x._output_nr)
    return (x._grad_accumulator or _accumulator(x), 0)


def _accumulator(leaf: Any) -> AccumulateGrad | None:
    """The leaf's AccumulateGrad node, made on first use: one per leaf, shared by every op
    (none for a leaf that requires grad only through its base: see Tensor._grad_via_base)."""
    if leaf._grad_via_base:
        return None
    leaf._grad_accumulator = AccumulateGrad(leaf)
    return leaf._grad_accumulator


def needs_grad(a: Any, b: Any = None, *more: Any) -> bool:
    """Whether an op on these inputs must be recorded: grad mode on and some input requires grad.

    (Every op calls this, mostly with one or two inputs, hence the unrolled first two.)
    """
    if not grad_mode._enabled:
        return False
    if getattr(a, "_requires_grad", False) or getattr(b, "_requires_grad", False):
        return True
    for x in more:  # noqa: SIM110 - a plain loop: any() would build a generator on every op
        if getattr(x, "_requires_grad", False):
            return True
    return False


# --8<-- [start:record]
def record(
    out: Tensor,
    node_class: type[NodeT],
    inputs: tuple[Any, ...],
    saved: tuple[Any, ...] = (),
    **facts: Any,
) -> NodeT:
    """Record the op that produced ``out``: a new ``node_class`` node with an edge to each of
    ``inputs``, keeping ``saved`` for backward and the other ``facts`` backward needs (the dims
    reduced over, ...) as attributes, becomes ``out.grad_fn``. Returns the node.

    (Every recorded op comes through here. The node class is called with positional arguments
    only: a keyword argument in a class call costs as much again as the call itself.)
    """
    node = node_class(inputs, saved)
    if facts:
        node.__dict__.update(facts)
    if out._dtype.is_floating_point:  # (only floating results carry grads)
        out._requires_grad = True
        out.grad_fn = node
        out._output_nr = 0  # (in place, out is the op's input: now output 0 of this node)
        for v in saved:  # did the op save its own result (exp, tanh, ...)?
            if v is out:
                _keep_output(node, out)
                break
    return node


# --8<-- [end:record]


def attach(out: Tensor, node: Node, output_nr: int) -> Tensor:
    """Make ``node`` the ``grad_fn`` of output ``output_nr`` of its op, an op with several
    outputs (split, unbind): ``record`` made the node with output 0, and these ops save none of
    their outputs. Only floating results carry grads."""
    if out._dtype.is_floating_point:
        out._requires_grad = True
        out.grad_fn = node
        out._output_nr = output_nr
    return out


def _keep_output(node: Node, out: Tensor) -> None:
    """Keep the node's own output among its saved values without history (``saved_output``)."""
    saved = node._saved or ()
    for i, v in enumerate(saved):
        if v is out:
            node._saved_output = i
            saved = (*saved[:i], saved_output(out), *saved[i + 1 :])
    node._saved = saved


def saved_output(out: Tensor) -> Tensor:
    """What a node keeps of its own output: the same memory and version counter, without the
    ``grad_fn``. Keeping ``out`` itself would be a reference cycle (``out.grad_fn`` saves
    ``out``): the graph and its arrays would outlive ``out`` until Python's garbage collector
    ran, where torch frees them as soon as the output goes. ``saved_tensors`` gives the output
    its history back when a recorded backward (``create_graph``) differentiates through it."""
    alias = type(out)._make(out._data, out._version_counter)
    alias._output_nr = out._output_nr  # (named in the error if it is modified in place)
    return alias


# --8<-- [start:views]
# Each tensor keeps weak references to the views taken of it (``Tensor._views``; Tensor._view_of
# registers them). When an in-place op rewrites the tensor's history, each view's grad_fn must
# follow: the view's elements now come from the new value (a view of a tensor without history
# gets one). torch regenerates the view's node as an AsStridedBackward0 of its base; so does
# ``rebase_views``.
def register_view(base: Tensor, view: Tensor) -> None:
    views = base._views
    if views is None:
        views = base._views = []
    views.append(weakref.ref(view))
    n = len(views)
    if n >= 16 and not n & (n - 1):  # at each power of two: drop the views that are gone (a
        alive_views(base)  # tensor indexed sample by sample makes thousands, each gone at once)


def alive_views(base: Tensor) -> list[Tensor]:
    """The views of ``base`` still alive (its list keeps only theirs)."""
    views = base._views
    if views is None:
        return []
    alive = [view for view in (ref() for ref in views) if view is not None]
    views[:] = [weakref.ref(view) for view in alive]
    return alive


def rebase_views(base: Tensor) -> None:
    """After ``base`` took a new grad_fn in place, point its views' grad_fns at it."""
    for view in alive_views(base):
        if view._creation_meta is not None:
            # taken under no_grad, or a piece of split/unbind/chunk: torch rebuilds no history
            # for these (one without any gets an Invalid node), and refuses to use them: their
            # _base_grad_fn is out of date now (stale_view_error)
            if view.grad_fn is None:
                view._requires_grad, view.grad_fn = True, Invalid(())
            continue
        rebuilt = AsStridedBackward0(base, view)
        move_retain_grad_hook(view, rebuilt)
        view._requires_grad, view.grad_fn, view._output_nr = True, rebuilt, 0
        view._base_grad_fn = base.grad_fn  # up to date again: not a stale view for _edge


# --8<-- [start:copy_slices]
def write_through_view(view: Tensor, fn: Node) -> None:
    """Record an in-place op on ``view`` (its node ``fn``, whose input 0 is the view's old
    value) as torch does: the write changed the base, so the base's history takes it. The base
    gets a ``CopySlices`` node, and every view of the base (``view`` among them) is rebuilt from
    it (``rebase_views``)."""
    base = view._base
    assert base is not None
    node = CopySlices(base, view, fn)
    move_retain_grad_hook(base, node)
    base._requires_grad, base.grad_fn, base._output_nr = True, node, 0
    rebase_views(base)  # (the written view among them)


def move_retain_grad_hook(t: Tensor, node: Node) -> None:
    """``t`` takes ``node`` as its grad_fn in place: the hook of ``retain_grad`` moves there
    (``.grad`` is the gradient of the tensor's new value, as in torch)."""
    if t._retains_grad:
        node.set_retain_grad_hook(0, t.grad_fn._retain_grad_hooks.pop(t._output_nr))


class CopySlices(Node):
    """An in-place op on a view, as its base's history records it. The base's gradient passes
    unchanged outside the view's elements; inside, it is the gradient the op (``fn``) gives the
    view's old value. The op's other inputs get what ``fn`` gives them.

    (``a[index] = value`` records a node of this name too, ``indexing.CopySlices``: the same
    rule, written for that one op.)"""

    def __init__(self, base: Tensor, view: Tensor, fn: Node) -> None:
        super().__init__((base,))
        # the base's old history takes the place of fn's edge to the view's old value
        self.next_functions = (self.next_functions[0], *fn.next_functions[1:])
        self._input_meta = (self._input_meta[0], *fn._input_meta[1:])
        self.positions = _positions_in(base._data, view._data)
        self.view_shape = view._data.shape
        # fn is kept as a saved value: freed after backward like one, so a second backward
        # without retain_graph is an error, as in torch (not a tensor: no version to check)
        self._saved, self._saved_versions = (fn,), [-1]

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        from .._tensor import Tensor

        (fn,) = self.saved_tensors
        positions = Tensor._make(self.positions)
        flat = grad.reshape(-1)
        grads = fn.backward(flat[positions].reshape(self.view_shape))
        inside = grads[0]
        if inside is None:  # the old value got no gradient (it was overwritten): 0
            inside = flat.new_zeros(self.view_shape)
        inside = inside.expand(self.view_shape).reshape(-1)
        grad_base = flat.scatter(0, positions, inside).reshape(grad.shape)
        return (grad_base, *grads[1:])


# --8<-- [end:copy_slices]


class Invalid(Node):
    """The grad_fn of a view that autograd can't follow its base's new history with (see
    rebase_views). The view is refused before anything reaches this node."""


class AsStridedBackward0(Node):
    """A view, as the base elements it picks: its gradient goes back to those elements (summed
    where one element appears several times, as in an expanded view)."""

    def __init__(self, base: Tensor, view: Tensor) -> None:
        super().__init__((base,))
        self.base_shape = base._data.shape
        self.positions = _positions_in(base._data, view._data)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        from .._tensor import Tensor

        numel = int(np.prod(self.base_shape))
        flat = Tensor._make(np.zeros(numel, grad._data.dtype))
        flat = flat.scatter_add(0, Tensor._make(self.positions), grad.reshape(-1))
        return (flat.view(self.base_shape),)


def _positions_in(base: np.ndarray, view: np.ndarray) -> np.ndarray:
    """For each element of ``view`` (flattened), the flat index of the ``base`` element at the
    same memory address."""
    origin = base.__array_interface__["data"][0]
    in_base = _addresses(base, origin).ravel()
    order = np.argsort(in_base, kind="stable")
    found = np.searchsorted(in_base[order], _addresses(view, origin).ravel())
    return order[found].astype(np.int64)


def _addresses(a: np.ndarray, origin: int) -> np.ndarray:
    """Each element's memory address, in elements from ``origin``."""
    offsets = np.full(a.shape, (a.__array_interface__["data"][0] - origin) // a.itemsize)
    for d, (n, stride) in enumerate(zip(a.shape, a.strides, strict=True)):
        steps = np.arange(n) * (stride // a.itemsize)
        offsets += steps.reshape([n if k == d else 1 for k in range(a.ndim)])
    return offsets


# --8<-- [end:views]


def _modified_message(t: Tensor, expected: int, producer: Node | None) -> str:
    from .._tensor import _LEGACY_TYPE_NAMES

    what = f"[{_LEGACY_TYPE_NAMES[t._dtype]} {list(t._data.shape)}]"
    if producer is not None:
        # torch names the op without "Backward0" ("Mul"), but keeps another number ("Pow2")
        base, backward, number = producer.name().rpartition("Backward")
        op = base + (number if number != "0" else "") if backward else number
        what += f", which is output {t._output_nr} of {op},"
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: {what} is at version {t._version_counter[0]}; expected version {expected} "
        "instead. Hint: enable anomaly detection to find the operation that failed to compute "
        "its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


# --8<-- [start:function]
class Function:
    """An op of your own, with the backward you write (``torch.autograd.Function``)::

        class MyReLU(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x.clamp(min=0)

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * (x > 0)

        y = MyReLU.apply(x)  # y.grad_fn is a MyReLUBackward node

    ``ctx`` is that node: what ``forward`` keeps on it (``save_for_backward``, attributes) is
    there for ``backward``, which returns one gradient per input of ``forward`` (None for an
    input that is not a tensor, or needs none).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` without recording what it does inside, and record it as one node.
        Its inputs are ``args`` then the values of ``kwargs`` (backward returns one gradient
        each)."""
        from .._tensor import Tensor

        inputs = (*args, *kwargs.values())
        tensors = tuple(a for a in inputs if isinstance(a, Tensor))
        # the node has edges to the tensor inputs only, as in torch
        ctx = _backward_class(cls)(tensors)  # type: ignore[arg-type]
        ctx.is_tensor = tuple(isinstance(a, Tensor) for a in inputs)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in inputs)
        with grad_mode.no_grad():
            outputs = cls.forward(ctx, *args, **kwargs)
        results = outputs if isinstance(outputs, tuple) else (outputs,)
        results = tuple(_custom_output(r, tensors) for r in results)
        if not needs_grad(*tensors):
            return results if isinstance(outputs, tuple) else results[0]
        for i, v in enumerate(ctx._saved or ()):  # (checked once the op is recorded, as torch)
            if v is not None and not isinstance(v, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{i} is of type {type(v).__name__}"
                )
        ctx.num_outputs = len(results)
        # (an output that is not a tensor passes through, and gets None as its gradient)
        ctx.output_meta = [
            (r._data.shape, r._data.dtype) if isinstance(r, Tensor) else None for r in results
        ]
        for i, r in enumerate(results):
            if isinstance(r, Tensor):
                attach(r, ctx, i)
        return results if isinstance(outputs, tuple) else results[0]


def _custom_output(r: Any, inputs: tuple[Any, ...]) -> Any:
    """An output of a Function's forward, as torch records it: an input returned as it is
    becomes a view of it (the input's own history stays as it was); such a view, like any
    other view forward returns, may not be written in place (its node is the Function's own
    backward, which autograd cannot rewrite for the write)."""
    if any(r is t for t in inputs):
        with grad_mode.no_grad():
            r = r._view_of(r._data)
    if getattr(r, "_base", None) is not None:
        r._creation_meta = "custom_function"
        r._requires_grad = r._grad_via_base = False  # (its history, if any: the Function's)
    return r


class FunctionBackward(Node):
    """The node of a ``Function``'s op: its backward is the one the Function defines."""

    function: type[Function]
    releases_nothing_saved = True
    is_tensor: tuple[bool, ...]  # which inputs of forward are tensors
    needs_input_grad: tuple[bool, ...]
    output_meta: list[tuple[tuple[int, ...], Any] | None]  # None: an output that is no tensor

    def __repr__(self) -> str:
        return f"<picotorch.autograd.function.{self.name()} object at {id(self):#x}>"

    def backward(self, *grads: Any) -> tuple[Any, ...]:
        from .._tensor import Tensor

        # an output that got no gradient counts as one of zeros, as in torch
        grads = tuple(
            Tensor._make(np.zeros(*meta)) if g is None and meta is not None else g
            for g, meta in zip(grads, self.output_meta, strict=True)
        )
        results = self.function.backward(self, *grads)
        results = results if isinstance(results, tuple) else (results,)
        n = len(self.needs_input_grad)
        if len(results) > n and all(r is None for r in results[n:]):  # (extra Nones: dropped)
            results = results[:n]
        if len(results) != n:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients (expected "
                f"{n}, got {len(results)})"
            )
        grads_in = []  # the gradients of the tensor inputs, which are the node's edges
        for i, (r, tensor) in enumerate(zip(results, self.is_tensor, strict=True)):
            if not tensor and r is not None:
                raise RuntimeError(
                    f"function {self.name()} returned a gradient different than None at position "
                    f"{i + 1}, but the corresponding forward input was not a Variable"
                )
            if r is not None and not isinstance(r, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type_name_of(r)})")
            if tensor:
                grads_in.append(r)
        return tuple(grads_in)


@functools.cache
def _backward_class(function: type[Function]) -> type[FunctionBackward]:
    """``MyReLU``'s node class, ``MyReLUBackward`` (made once, as torch names it)."""
    attributes = {"function": function, "_forward_cls": function}  # (torch's name for it too)
    return type(f"{function.__name__}Backward", (FunctionBackward,), attributes)


# --8<-- [end:function]
