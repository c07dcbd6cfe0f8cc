"""``repr(tensor)``, laid out character for character as torch 2.13 prints it.

torch prints a tensor in four steps, and so does this module:

1. **Summarise.** Above ``threshold`` elements only the first and last ``edgeitems`` entries
   of each long dimension are kept; the cut is shown as ``...``.
2. **Choose one format** from the kept values: integers as they are; floats as whole numbers
   with a dot (``1.``), as fixed point with ``precision`` decimals, or in scientific notation.
   Every entry is right-aligned to one common width.
3. **Lay out** the entries: a vector wraps to fit ``linewidth``; each inner dimension is
   indented one more space; the matrices of a 3-d tensor are separated by one blank line,
   those of a 4-d tensor by two, and so on.
4. **Append suffixes**: ``size=``, ``dtype=``, then ``grad_fn=`` or ``requires_grad=True``.

>>> import picotorch as torch
>>> torch.tensor([[1.0, 2.5], [-3.0, 100.0]])
tensor([[  1.0000,   2.5000],
        [ -3.0000, 100.0000]])
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

from picotorch import _dtype

# --8<-- [start:options]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4  # digits after the decimal point
    threshold: float = 1000  # more elements than this are summarised
    edgeitems: int = 3  # entries kept at each end of a summarised dimension
    linewidth: int = 80  # characters per line before a vector wraps
    sci_mode: bool | None = None  # None: chosen from the values


_OPTIONS = _PrintOptions()

_PROFILES: dict[str, dict[str, float]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change how tensors print, like ``torch.set_printoptions``.

    ``profile`` ("default", "short" or "full") resets the four numeric options first; the
    other arguments then override it. As in torch, ``sci_mode`` is always set, so leaving it
    out switches back to automatic choice.

    >>> torch.set_printoptions(precision=2)
    >>> torch.tensor([1.12345])
    tensor([1.12])
    """
    if profile is not None:
        for name, value in _PROFILES.get(profile, {}).items():
            setattr(_OPTIONS, name, value)
    if precision is not None:
        _OPTIONS.precision = precision
    if threshold is not None:
        _OPTIONS.threshold = threshold
    if edgeitems is not None:
        _OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTIONS.linewidth = linewidth
    _OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options, as keyword arguments for ``set_printoptions``.

    torch keeps this one private: ``torch._tensor_str.get_printoptions()``.
    """
    return dataclasses.asdict(_OPTIONS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the print options inside a ``with`` block only.

    torch keeps this one private too: ``torch._tensor_str.printoptions``.

    >>> with printoptions(precision=1):
    ...     print(torch.tensor([1.25]))
    tensor([1.2])
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# --8<-- [end:options]


class _Printable(Protocol):
    """What printing reads from a tensor."""

    @property
    def _data(self) -> np.ndarray: ...
    @property
    def dtype(self) -> _dtype.dtype: ...
    @property
    def requires_grad(self) -> bool: ...
    @property
    def grad_fn(self) -> Any: ...


# --8<-- [start:tensor_repr]
def tensor_repr(t: _Printable) -> str:
    """The text of ``repr(t)`` and ``str(t)``: ``tensor([1., 2.], requires_grad=True)``."""
    prefix = "tensor("
    indent = len(prefix)
    data = t._data
    suffixes = []
    if data.size == 0:
        body = "[]"
        if data.ndim != 1:
            suffixes.append(f"size={data.shape}")
        # An empty tensor has no values to hint at its dtype, so even int64 and bool say it.
        if t.dtype is not _dtype.get_default_dtype():
            suffixes.append(f"dtype={t.dtype!r}")
    else:
        body = _tensor_str(data, indent)
        if not _OPTIONS.edgeitems:
            suffixes.append(f"size={data.shape}")
        if t.dtype not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool):
            suffixes.append(f"dtype={t.dtype!r}")
    if t.grad_fn is not None:
        # torch prints the node's short name: CopySlices, not torch::autograd::CopySlices
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, suffix`` to the last line, or start a new line where it would not fit."""
    # torch counts the current line two characters longer than it is; copied so that
    # suffixes break onto a new line exactly where torch's do.
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > _OPTIONS.linewidth:
            text += ",\n" + " " * indent + suffix
            line_length = indent + len(suffix)
        else:
            text += ", " + suffix
            line_length += len(suffix) + 2
    return text + ")"


# --8<-- [end:tensor_repr]


# --8<-- [start:tensor_str]
def _tensor_str(data: np.ndarray, indent: int) -> str:
    """The bracketed values of a non-empty array, as torch lays them out after ``indent``."""
    if data.ndim == 0:
        return _Formatter(data).format(data.item())

    edgeitems = _OPTIONS.edgeitems
    summarize = data.size > _OPTIONS.threshold
    if summarize and edgeitems <= 0:
        return "[...]"
    if summarize:
        # Slice before formatting: a 10**7-element tensor formats only its printed corners.
        cut = tuple(n > 2 * edgeitems for n in data.shape)
        keep = [
            np.r_[:edgeitems, n - edgeitems : n] if is_cut else np.arange(n)
            for n, is_cut in zip(data.shape, cut, strict=True)
        ]
        data = data[np.ix_(*keep)]
    else:
        cut = (False,) * data.ndim

    # The common format is chosen from the printed values only, not the whole tensor.
    formatter = _Formatter(data)
    cells = np.array([formatter.format(v) for v in data.ravel().tolist()], dtype=object)
    return _layout(cells.reshape(data.shape), cut, formatter.width, indent)


def _layout(cells: np.ndarray, cut: tuple[bool, ...], width: int, indent: int) -> str:
    """Nest the formatted ``cells`` in brackets; a dimension marked in ``cut`` gets ``...``."""
    edgeitems = _OPTIONS.edgeitems
    if cells.ndim == 1:
        entries = list(cells)
        if cut[0]:
            entries.insert(edgeitems, " ...")
        # Each entry takes its width plus ", "; the line after the indent holds this many.
        per_line = max(1, math.floor((_OPTIONS.linewidth - indent) / (width + 2)))
        lines = [", ".join(entries[i : i + per_line]) for i in range(0, len(entries), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"

    rows = [_layout(row, cut[1:], width, indent + 1) for row in cells]
    if cut[0]:
        rows.insert(edgeitems, "...")
    separator = "," + "\n" * (cells.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(rows) + "]"


# --8<-- [end:tensor_str]


# --8<-- [start:formatter]
class _Formatter:
    """One format for every printed value of a tensor, and the width they all align to.

    Floats print in one of three modes, decided by the nonzero finite values only:

    - whole numbers (``int_mode``): ``1.``, ``-20.``;
    - scientific (``sci_mode``): when largest/smallest > 1000, largest > 1e8 or
      smallest < 1e-4 (in absolute value), or when forced by ``set_printoptions(sci_mode=…)``;
    - otherwise fixed point with ``precision`` decimals: ``1.5000``.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.is_float = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        values = values.ravel()

        if not self.is_float:
            if values.size:
                # The longest decimal text of an integer is that of the smallest or the largest.
                extremes = (values.min().item(), values.max().item())
                self.width = max(len(str(v)) for v in extremes)
            return

        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size == 0:  # only zeros, nan and inf: whole-number mode, even if sci is forced
            return
        magnitudes = np.abs(finite).astype(np.float64)  # float16 would overflow at 1e8
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if _OPTIONS.sci_mode is None:
            self.sci_mode = bool(
                largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
            )
        else:
            self.sci_mode = _OPTIONS.sci_mode

        # nan, inf and zeros do not count towards the width (so "-inf" or "-0." may stick out).
        precision = _OPTIONS.precision
        if self.sci_mode:
            texts = [f"{v:.{precision}e}" for v in finite.tolist()]
        elif self.int_mode:
            texts = [f"{v:.0f}." for v in finite.tolist()]
        else:
            texts = [f"{v:.{precision}f}" for v in finite.tolist()]
        self.width = max(len(text) for text in texts)

    def format(self, value: float) -> str:
        """``value`` as text, right-aligned to the common width."""
        precision = _OPTIONS.precision
        if not self.is_float:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:.{precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{precision}f}"
        return text.rjust(self.width)


# --8<-- [end:formatter]
