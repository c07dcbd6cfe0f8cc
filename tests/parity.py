"""The one helper every parity test uses: run the same code on picotorch and on torch, compare.

``check(fn, *inputs)`` calls ``fn(lib, *converted_inputs)`` once with ``lib = picotorch`` and
once with ``lib = torch``. Each input is converted for each library separately:

- a NumPy array becomes ``lib.from_numpy(array.copy())`` (every run gets fresh memory, so
  in-place ops in one run cannot leak into the other);
- ``Raw(x)`` is handed over as a deep copy of ``x``, unconverted (lists, arrays for
  ``from_numpy`` tests ...);
- anything else (Python numbers, dtypes' names, None) is passed as it is.

Then the two outcomes are compared:

- both raised: the same exception type (a torch-specific subclass such as
  ``torch.AcceleratorError`` only needs picotorch to raise its builtin base), and, if asked,
  a message fragment found in *both* messages (so the fragment is proved to be torch's text)
  or the exact same message;
- both returned: recursively equal. Tensors: same shape, same dtype (by name), same
  ``requires_grad``, same values (exact for bool/int dtypes; for floats a tolerance scaled by
  the dtype, with NaNs in the same places). Tuples and lists element by element (a namedtuple
  such as ``torch.return_types.max`` also by its field names), ``Size`` as a tuple named Size,
  dtypes and devices by their text, Python scalars by type and value;
- warnings: the categories of the warnings each run emitted must match (opt out with
  ``warnings_match=False``).

The picotorch result is returned, for tests that want to look further.
"""

from __future__ import annotations

import copy
import math
import subprocess
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

import picotorch

LIBS = (picotorch, torch)

# (rtol, atol) for comparing floating-point results, by dtype name
TOLERANCE = {
    "float16": (1e-3, 1e-3),
    "float32": (1e-6, 1e-6),
    "float64": (1e-12, 1e-12),
}


@dataclass(frozen=True)
class Raw:
    """An input handed to ``fn`` as (a deep copy of) itself, not converted to a tensor."""

    value: Any


@dataclass(frozen=True)
class Outcome:
    """What running ``fn`` with one library gave: a value, or an exception; and its warnings."""

    value: Any
    error: BaseException | None
    warning_types: frozenset[type]


def convert(lib: Any, x: Any) -> Any:
    """One input as ``lib`` sees it (see the module docstring)."""
    if isinstance(x, np.ndarray):
        return lib.from_numpy(x.copy())
    if isinstance(x, Raw):
        return copy.deepcopy(x.value)
    return x


def run(lib: Any, fn: Callable[..., Any], inputs: tuple[Any, ...]) -> Outcome:
    """Run ``fn(lib, *inputs)``, catching its exception and recording its warnings."""
    args = [convert(lib, x) for x in inputs]
    with warnings.catch_warnings(record=True) as caught:
        # appended: filters already in place (picotorch's own, for NumPy's floating-point
        # warnings) still decide first; every other warning is recorded, repeats included
        warnings.filterwarnings("always", append=True)
        try:
            value, error = fn(lib, *args), None
        except Exception as e:  # any exception is a result to compare
            value, error = None, e
    return Outcome(value, error, frozenset(w.category for w in caught))


def check(
    fn: Callable[..., Any],
    *inputs: Any,
    raises: type[BaseException] | None = None,
    match: str | tuple[str, ...] | None = None,
    same_message: bool = False,
    rtol: float | None = None,
    atol: float | None = None,
    strides: bool = False,
    warnings_match: bool = True,
) -> Any:
    """Run ``fn`` on both libraries and assert they agree (see the module docstring).

    ``raises``: both must raise this type. ``match``: fragment(s) that must appear in both
    messages. ``same_message``: the messages must be identical. ``strides``: also compare
    tensors' strides (for view ops, where the layout is part of the behaviour).
    """
    mine, ref = run(picotorch, fn, inputs), run(torch, fn, inputs)
    if ref.error is not None or mine.error is not None:
        _compare_errors(mine.error, ref.error, raises, match, same_message)
    else:
        assert raises is None, f"expected {raises.__name__}, but neither library raised"
        assert_same(mine.value, ref.value, rtol=rtol, atol=atol, strides=strides)
    if warnings_match:
        assert mine.warning_types == ref.warning_types, (
            f"warnings differ: picotorch {sorted(w.__name__ for w in mine.warning_types)}, "
            f"torch {sorted(w.__name__ for w in ref.warning_types)}"
        )
    return mine.value


def printed_by_each(script: str) -> dict[str, str]:
    """What ``script`` (Python code naming the library ``{lib}``) prints, run in a new process
    with each library: for what torch does once per process (its warnings ``TORCH_WARN_ONCE``)."""
    return {
        lib: subprocess.run(
            [sys.executable, "-c", script.format(lib=lib)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for lib in ("torch", "picotorch")
    }


def builtin_base(t: type) -> type:
    """The first builtin exception class in ``t``'s ancestry (``t`` itself if builtin)."""
    return next(c for c in t.__mro__ if c.__module__ == "builtins")


def _compare_errors(
    mine: BaseException | None,
    ref: BaseException | None,
    raises: type[BaseException] | None,
    match: str | tuple[str, ...] | None,
    same_message: bool,
) -> None:
    if ref is None:
        raise AssertionError(f"torch returned, picotorch raised {type(mine).__name__}: {mine}")
    if mine is None:
        raise AssertionError(f"picotorch returned, torch raised {type(ref).__name__}: {ref}")
    if isinstance(ref, AttributeError | NameError) and raises is None:
        # both failing to find a name is most likely a mistake in the test itself
        raise AssertionError(f"both libraries raised {type(ref).__name__}: {ref}")
    expected = builtin_base(type(ref))
    assert type(mine) is expected, (
        f"exception types differ: picotorch {type(mine).__name__}: {mine}\n"
        f"torch {type(ref).__name__}: {ref}"
    )
    if raises is not None:
        assert isinstance(ref, raises), f"torch raised {type(ref).__name__}, not {raises.__name__}"
    mine_text, ref_text = str(mine), str(ref)
    fragments = (match,) if isinstance(match, str) else (match or ())
    for fragment in fragments:
        assert fragment in ref_text, f"{fragment!r} is not in torch's message: {ref_text!r}"
        assert fragment in mine_text, (
            f"{fragment!r} is not in picotorch's message: {mine_text!r} (torch: {ref_text!r})"
        )
    if same_message:
        assert mine_text == ref_text, (
            f"messages differ:\npicotorch {mine_text!r}\ntorch {ref_text!r}"
        )


def assert_same(
    mine: Any,
    ref: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    strides: bool = False,
    path: str = "result",
) -> None:
    """Recursively compare a picotorch result with a torch result (see the module docstring)."""
    if isinstance(ref, torch.Tensor):
        assert isinstance(mine, picotorch.Tensor), f"{path}: expected a Tensor, got {type(mine)}"
        _compare_tensors(mine, ref, rtol, atol, strides, path)
    elif isinstance(ref, torch.Size):
        assert isinstance(mine, picotorch.Size), f"{path}: expected a Size, got {type(mine)}"
        assert tuple(mine) == tuple(ref), f"{path}: {mine} != {ref}"
    elif isinstance(ref, tuple | list):
        assert type(mine).__name__ == type(ref).__name__, (
            f"{path}: {type(mine).__name__} != {type(ref).__name__}"
        )
        if hasattr(ref, "_fields") or hasattr(ref, "n_fields"):  # named tuple / structseq
            assert _field_names(mine) == _field_names(ref), f"{path}: fields differ"
        assert len(mine) == len(ref), f"{path}: length {len(mine)} != {len(ref)}"
        for i, (m, r) in enumerate(zip(mine, ref, strict=True)):
            assert_same(m, r, rtol=rtol, atol=atol, strides=strides, path=f"{path}[{i}]")
    elif isinstance(ref, torch.dtype | torch.device):
        assert repr(mine) == repr(ref), f"{path}: {mine!r} != {ref!r}"
        assert str(mine) == str(ref), f"{path}: {mine} != {ref}"
    elif isinstance(ref, float) and math.isnan(ref):
        assert type(mine) is float and math.isnan(mine), f"{path}: {mine!r} is not nan"
    else:
        assert type(mine) is type(ref), f"{path}: type {type(mine)} != {type(ref)}"
        assert mine == ref, f"{path}: {mine!r} != {ref!r}"


def _field_names(t: Any) -> tuple[str, ...]:
    """Field names of a namedtuple, or of a torch structseq (``torch.return_types.max``)."""
    if hasattr(t, "_fields"):
        return tuple(t._fields)
    return tuple(name for name in ("values", "indices") if hasattr(t, name))


def _compare_tensors(
    mine: Any, ref: torch.Tensor, rtol: float | None, atol: float | None, strides: bool, path: str
) -> None:
    assert tuple(mine.shape) == tuple(ref.shape), f"{path}: shape {mine.shape} != {ref.shape}"
    assert repr(mine.dtype) == repr(ref.dtype), f"{path}: dtype {mine.dtype} != {ref.dtype}"
    assert mine.requires_grad == ref.requires_grad, f"{path}: requires_grad differs"
    if strides:
        assert mine.stride() == ref.stride(), f"{path}: stride {mine.stride()} != {ref.stride()}"
    a = mine.detach().numpy()
    b = ref.detach().numpy()
    assert isinstance(a, np.ndarray), f"{path}: numpy() gave {type(a)}"
    if ref.dtype.is_floating_point:
        default_rtol, default_atol = TOLERANCE[str(ref.dtype).removeprefix("torch.")]
        np.testing.assert_allclose(
            a.astype(np.float64),
            b.astype(np.float64),
            rtol=default_rtol if rtol is None else rtol,
            atol=default_atol if atol is None else atol,
            equal_nan=True,
            err_msg=f"{path}: values differ",
        )
    else:
        np.testing.assert_array_equal(a, b, err_msg=f"{path}: values differ", strict=True)


# ---------------------------------------------------------------------- autograd parity
@dataclass(frozen=True)
class NoGrad:
    """A NumPy array input that ``check_grad`` converts to a tensor that does not require grad."""

    value: np.ndarray


def graph_names(node: Any, depth: int = 6) -> Any:
    """``node``'s name and, ``depth`` levels down, the names along its ``next_functions``."""
    if node is None:
        return None
    if depth == 0:
        return node.name()
    return (node.name(), tuple(graph_names(n, depth - 1) for n, _ in node.next_functions))


def _grad_run(
    lib: Any, fn: Callable[..., Any], inputs: tuple[Any, ...], seed: int, depth: int, second: bool
) -> Any:
    """Forward with grad-requiring float inputs, backward with a seeded upstream gradient."""
    args = []
    for x in inputs:
        if isinstance(x, NoGrad):
            args.append(lib.from_numpy(x.value.copy()))
        else:
            t = convert(lib, x)
            if isinstance(x, np.ndarray) and t.is_floating_point():
                t.requires_grad_(True)
            args.append(t)
    leaves = [a for a in args if isinstance(a, lib.Tensor) and a.requires_grad]
    out = fn(lib, *args)
    outs = [
        o
        for o in (out if isinstance(out, tuple | list) else (out,))
        if isinstance(o, lib.Tensor) and o.requires_grad
    ]
    rng = np.random.default_rng(seed)
    upstream = [_random_like(lib, rng, o) for o in outs]
    names = tuple(graph_names(o.grad_fn, depth) for o in outs)
    if not outs:
        return out, names, ()
    if not second:
        lib.autograd.backward(outs, upstream)
        return out, names, tuple(_plain(lib, a.grad) for a in leaves)
    firsts = lib.autograd.grad(outs, leaves, upstream, create_graph=True, allow_unused=True)
    total = None
    for g in firsts:
        if g is not None and g.requires_grad:
            term = (g * _random_like(lib, rng, g)).sum()
            total = term if total is None else total + term
    if total is not None:
        total.backward()
    detached = tuple(_plain(lib, g) for g in firsts)
    return out, names, detached, tuple(_plain(lib, a.grad) for a in leaves)


def _random_like(lib: Any, rng: np.random.Generator, t: Any) -> Any:
    dtype = str(t.dtype).removeprefix("torch.")
    return lib.from_numpy(rng.standard_normal(tuple(t.shape)).astype(dtype))


def _plain(lib: Any, g: Any) -> Any:
    """A gradient as a plain detached tensor (torch may return a lazy all-zeros ZeroTensor)."""
    if g is None:
        return None
    return lib.from_numpy(np.array(g.detach().numpy(force=True)))


def check_grad(
    fn: Callable[..., Any],
    *inputs: Any,
    seed: int = 0,
    depth: int = 1,
    second_order: bool = False,
    rtol: float | None = None,
    atol: float | None = None,
    raises: type[BaseException] | None = None,
    match: str | tuple[str, ...] | None = None,
) -> Any:
    """Run ``fn(lib, *inputs)`` on both libraries with every float array input requiring grad
    (``NoGrad(array)``: an input that does not), then backpropagate the same seeded random
    gradient from every output that requires grad, and compare: the outputs, the graph's node
    names (``grad_fn.name()`` and ``depth`` levels of ``next_functions``), and each leaf's
    ``.grad`` (values, shape, dtype; None where torch has None). ``second_order``: instead,
    take the first gradients with ``create_graph=True``, backpropagate a random weighting of
    them, and compare both the first and the second gradients. Errors compare as in ``check``.
    """

    def both(lib: Any, *args: Any) -> Any:
        return _grad_run(lib, fn, args, seed, depth, second_order)

    # arrays travel as Raw, so that ``both`` (not ``run``) makes them tensors requiring grad
    raw = tuple(Raw(x) if isinstance(x, np.ndarray) else x for x in inputs)
    return check(both, *raw, raises=raises, match=match, rtol=rtol, atol=atol)


def gradcheck_both(fn: Callable[..., Any], *arrays: Any, second: bool = True) -> None:
    """gradcheck (and gradgradcheck) of ``fn(lib, *inputs)`` in both libraries: float arrays
    become float64 leaves requiring grad (``NoGrad``: not), integer arrays index tensors, the
    rest is passed as it is."""
    for lib in LIBS:
        inputs = []
        for a in arrays:
            if isinstance(a, NoGrad):
                inputs.append(lib.from_numpy(a.value.astype(np.float64)))
            elif isinstance(a, np.ndarray) and a.dtype.kind in "iub":
                inputs.append(lib.from_numpy(a.copy()))
            elif isinstance(a, np.ndarray):
                inputs.append(lib.from_numpy(a.astype(np.float64)).requires_grad_())
            else:
                inputs.append(a)

        def func(*xs: Any, lib: Any = lib) -> Any:
            return fn(lib, *xs)

        assert lib.autograd.gradcheck(func, tuple(inputs)), lib.__name__
        if second:
            assert lib.autograd.gradgradcheck(func, tuple(inputs)), lib.__name__
