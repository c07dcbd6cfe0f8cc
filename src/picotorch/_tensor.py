"""The Tensor class: an ndarray plus what torch adds to it (dtype, device, version, autograd).

A Tensor owns no memory of its own. ``_data`` is a NumPy array, often a *view* of another
tensor's array, so slicing, ``view``, ``t()`` and ``expand`` share memory exactly like torch,
and an in-place op is visible through every alias. All aliases of one piece of memory also
share one version counter, which autograd will use to detect in-place modifications.

The maths lives in ``_ops/``: methods here only forward to the op that implements them, so a
reader finds each op's code in exactly one place.
"""

from __future__ import annotations

import builtins
import copy
import functools
import numbers
import operator
import typing
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import _dtype
from . import _memory_format as _mf
from . import autograd as _autograd
from ._device import CPU, check_device, check_placement, device, device_arg
from ._dtype import c_type_name, dtype, type_name
from ._memory import INTERNAL_OVERLAP, check_reads, overlaps_itself, storage_offset
from ._size import (
    INT64_MAX,
    INT64_MIN,
    NOT_GIVEN,
    NUMBERS,
    Size,
    bool_arg,
    broadcast_error,
    check_int_tuple_kind,
    check_number_kind,
    check_python_int,
    contiguous_strides,
    dim_by_name,
    float_arg,
    int_arg,
    int_tuple,
    invalid_combination,
    method_sizes,
    non_negative,
    normalize_dim,
    number_arg,
    numpy_names,
    one_int_tuple,
    type_name_of,
)
from .autograd import grad_mode
from .autograd.function import (
    NotImplementedBackward,
    alive_views,
    move_retain_grad_hook,
    needs_grad,
    rebase_views,
    register_view,
    restricted_view_error,
    saved_output,
    stale_view_error,
    write_through_view,
)

_FROM_NUMPY = _dtype._FROM_NUMPY  # read on every op: one global lookup, not two
# _make's other names, bound once: every op's result is made there, and Python 3.11 looks up
# ``np.ndarray`` the slow way every time (NumPy's module has a __getattr__, which keeps the
# interpreter from specialising the lookup), and ``object.__new__`` as a method of a type
_ndarray = np.ndarray
_new_object = object.__new__
DType = dtype  # for annotations inside Tensor, whose own ``dtype`` property shadows the name


# A version counter is a one-element list, ``[n]``: a mutable int that every tensor viewing the
# same memory holds a reference to, so an in-place write through any alias bumps it for all.
# (A list is the cheapest mutable box to create, and one is created with every op's result.)
# from_numpy adds the address where torch's storage starts (the array's first element), for
# storage_offset(): ``[n, address]``.
VersionCounter = list[int]


# torch's overloads of ``to``, in the order its parser tries them: each gives (device, dtype,
# non_blocking, copy, memory_format), Python's binding of the arguments saying whether they fit
def _to_device(
    device: Any = None,
    dtype: Any = None,
    non_blocking: Any = False,
    copy: Any = NOT_GIVEN,
    *,
    memory_format: Any = None,
) -> tuple[Any, ...]:
    return device, dtype, non_blocking, copy, memory_format


def _to_dtype(
    dtype: Any, non_blocking: Any = False, copy: Any = NOT_GIVEN, *, memory_format: Any = None
) -> tuple[Any, ...]:
    if dtype is None:
        raise TypeError  # (a dtype is required here)
    return None, dtype, non_blocking, copy, memory_format


def _to_other(
    tensor: Any, non_blocking: Any = False, copy: Any = NOT_GIVEN, *, memory_format: Any = None
) -> tuple[Any, ...]:
    if isinstance(tensor, np.floating | np.bool_ | np.complex64):  # (NumPy warns for complex64)
        tensor = builtins.float(tensor)  # (torch's parser reads these as Python floats)
    if type(tensor) is builtins.int and not INT64_MIN <= tensor <= INT64_MAX:
        if _fits_to(None, None, non_blocking, copy, memory_format):  # (the others' kinds first)
            check_python_int(tensor)  # (beyond uint64: torch's OverflowError)
        raise TypeError  # (a uint64 tensor in torch, which picotorch lacks)
    if isinstance(tensor, builtins.bool | builtins.int | builtins.float):
        # torch's parser takes a number for this tensor, as a 0-d tensor of the number's own
        # dtype: ``x.to(2.5)`` is float64 (an int is a device's index first: the overload above)
        tensor = Tensor._make(np.asarray(tensor))
    if not isinstance(tensor, Tensor):
        raise TypeError  # (fits no better than a missing argument)
    return tensor.device, tensor._dtype, non_blocking, copy, memory_format


_TO_SIGNATURES = tuple(
    f"{first}, bool non_blocking = False, bool copy = False, *, torch.memory_format "
    "memory_format = None"
    for first in (
        "torch.device device = None, torch.dtype dtype = None",
        "torch.dtype dtype",
        "Tensor tensor",
    )
)


def _fits_to(device_: Any, dtype_: Any, non_blocking: Any, copy: Any, fmt: Any) -> bool:
    """Whether the values have the kinds of ``to``'s parameters: a device is a name, a
    ``torch.device`` or an accelerator's index (not a bool); a dtype may be one of Python's
    types (``to(float)``); the flags are bools."""
    if device_ is not None and not (
        isinstance(device_, str | device | np.integer) or type(device_) is builtins.int
    ):
        return False
    if dtype_ is not None and not (
        isinstance(dtype_, dtype) or dtype_ in (builtins.float, builtins.int, builtins.bool)
    ):
        return False
    flags_ok = all(v is True or v is False or v is NOT_GIVEN for v in (non_blocking, copy))
    return flags_ok and (fmt is None or isinstance(fmt, _mf.memory_format))


def to_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], module: bool = False
) -> tuple[DType | None, device | None, builtins.bool, Any]:
    """What ``to(...)`` was asked for, read as torch reads it (``Tensor.to`` and ``Module.to``
    take the same forms): by the first of its overloads that fits, ``(device=None,
    dtype=None, non_blocking=False, copy=False, *, memory_format=None)``, ``(dtype, ...)`` or
    ``(tensor, ...)``, else its TypeError. Returns the target dtype (None: keep it), device
    (its name checked, not yet that it is the CPU), ``copy`` and ``memory_format``;
    ``non_blocking`` means nothing here. A module takes no ``copy`` (torch's RuntimeError)."""
    if len(args) == 1 and not kwargs and isinstance(args[0], dtype):
        return args[0], None, False, None  # (``x.float()``, ``x.to(torch.float64)``: the commonest)
    for overload in (_to_device, _to_dtype, _to_other):
        try:
            target_device, target_dtype, non_blocking, copy, fmt = overload(*args, **kwargs)
        except TypeError:
            continue
        if _fits_to(target_device, target_dtype, non_blocking, copy, fmt):
            break
    else:
        given = [type_name_of(a) for a in args]
        given += [f"{k}={type_name_of(v)}" for k, v in kwargs.items()]
        raise invalid_combination("to", ", ".join(given), *_TO_SIGNATURES)
    if module and copy is not NOT_GIVEN:
        raise RuntimeError(".to() does not accept copy argument")
    return _dtype.resolve(target_dtype, "to"), device_arg(target_device), copy is True, fmt


_Method = typing.TypeVar("_Method", bound=Callable[..., Any])


def _operator(method: _Method) -> _Method:
    """torch's rule for Python's operators (``+``, ``<``, ``+=``, ...): an operand the op can't
    take (its TypeError) gives NotImplemented, so Python tries the other operand's method or
    raises its own TypeError ("unsupported operand type(s) for +"). NumPy then computes
    ``x + array`` itself and hands the result back as a tensor through ``__array_wrap__``."""

    @functools.wraps(method)
    def operator(self: Tensor, other: Any) -> Any:
        try:
            return method(self, other)
        except TypeError:
            return NotImplemented

    return typing.cast(_Method, operator)


class Tensor:
    """A multi-dimensional array of one dtype, on the CPU, ready for autograd."""

    __module__ = "picotorch"  # (``type(x)`` is ``picotorch.Tensor``, as torch's ``torch.Tensor``)

    # Every op makes a Tensor, so making one must be cheap: only what every tensor has its own
    # value of is set per tensor (slots); the rest are class-level defaults, overridden per
    # tensor (in its __dict__) only for the few that are views or part of an autograd graph.
    __slots__ = (
        "__dict__",
        "__weakref__",
        "_base",
        "_data",
        "_dtype",
        "_output_nr",
        "_requires_grad",
        "_version_counter",
        "grad_fn",
    )

    # NumPy defers to Tensor's reflected operators: np.float64(2.5) + t is a Tensor, as in torch
    __array_priority__ = 1000

    _data: np.ndarray
    _dtype: DType
    _version_counter: VersionCounter
    _base: Tensor | None  # the tensor this one is a view of (None: it owns its memory)
    _base_grad_fn: Any = None  # the base's grad_fn when this view was taken (spots stale views)
    # autograd (see autograd/): grad_fn is the Node that made this tensor (None for leaves);
    # _output_nr says which of that node's outputs it is; a leaf that requires grad keeps its
    # AccumulateGrad node in _grad_accumulator so every op that uses it shares one.
    # (_base, grad_fn, _requires_grad and _output_nr are read for every input of every op that
    # records: slots, set in _make, are the quickest to read; the rest are rarer.)
    grad_fn: Any
    _requires_grad: builtins.bool
    _grad: Tensor | None = None
    _output_nr: builtins.int
    _grad_accumulator: Any = None
    _retains_grad: builtins.bool = False
    # how a view was made, where that forbids recording an in-place write into it (torch's
    # "creation meta"): "no_grad" (taken in no_grad mode), "custom_function" (returned by an
    # autograd.Function's forward) or "multi_output" (a piece of split or unbind, or a view of
    # one); None for every other tensor
    _creation_meta: str | None = None
    # a view taken in no_grad mode of a tensor that requires grad requires grad too, through its
    # base (torch's rule for views), but autograd gives it no AccumulateGrad: a gradient that
    # reaches it goes nowhere, until requires_grad_() makes the flag its own
    _grad_via_base: builtins.bool = False
    _views: list[Any] | None = None  # weak references to this tensor's views (register_view)

    # --- construction
    @classmethod
    def _make(cls, data: Any, version: VersionCounter | None = None) -> Tensor:
        """Wrap an ndarray (ops' results, views). Pass ``version`` when ``data`` is a view."""
        if type(data) is not _ndarray:
            data = np.asarray(data)  # NumPy returns scalars for 0-d results
        t = _new_object(cls)
        t._data = data
        t._dtype = _FROM_NUMPY[data.dtype]
        t._version_counter = [0] if version is None else version
        t._base = t.grad_fn = None
        t._requires_grad = False
        t._output_nr = 0
        return t

    def _view_of(self, data: np.ndarray) -> Tensor:
        """A new tensor that views (part of) this tensor's memory: it shares the version."""
        t = Tensor._make(data, self._version_counter)
        base = t._base = self if self._base is None else self._base
        t._base_grad_fn = base.grad_fn
        creation = self._creation_meta if grad_mode._enabled else "no_grad"
        if creation is not None:  # (a view of a restricted view is restricted as well)
            t._creation_meta = creation
        if not grad_mode._enabled and base._requires_grad:
            t._requires_grad = t._grad_via_base = True
        if base.grad_fn is not None or not base._requires_grad:
            # an in-place op may give the base a new history (not a leaf that requires grad):
            # the view's must follow it then (rebase_views)
            register_view(base, t)
        return t

    # --- new_*: a new tensor of this one's dtype (unless told otherwise)
    def new_tensor(self, data: Any, **options: Any) -> Tensor:
        from ._creation import tensor

        return tensor(data, **_of_dtype(self, options, "new_tensor"))

    def new_zeros(self, *size: Any, **options: Any) -> Tensor:
        from ._creation import zeros

        options = _of_dtype(self, options, "new_zeros")
        return zeros(*_new_size(size, "new_zeros", options), **options)

    def new_ones(self, *size: Any, **options: Any) -> Tensor:
        from ._creation import ones

        options = _of_dtype(self, options, "new_ones")
        return ones(*_new_size(size, "new_ones", options), **options)

    def new_empty(self, *size: Any, **options: Any) -> Tensor:
        from ._creation import empty

        options = _of_dtype(self, options, "new_empty")
        return empty(*_new_size(size, "new_empty", options), **options)

    def new_full(self, size: Any, fill_value: Any, **options: Any) -> Tensor:
        from ._creation import full

        options = _of_dtype(self, options, "new_full")
        check_int_tuple_kind((size,), "new_full", "size", 1, one_argument=True)
        check_number_kind(fill_value, "new_full", "fill_value", 2)
        check_device(options.get("device"))  # (then the values: see full)
        fill_value = number_arg(fill_value, "new_full", "fill_value", 2)
        return full(one_int_tuple(size, "new_full", "size", 1), fill_value, **options)

    def __new__(cls, *args: Any) -> Tensor:
        """The legacy constructor ``torch.Tensor(data)`` / ``torch.Tensor(2, 3)``: default dtype.
        One int (a NumPy one, a 0-d integer array) is a size; a tensor is given back as a view
        of itself, in its own dtype; anything else must be a sequence."""
        from ._creation import empty, tensor

        if len(args) != 1:
            return empty(*args) if args else empty(0)  # torch.Tensor() is empty, not 0-d
        data = args[0]
        if isinstance(data, Tensor):
            return data[...]  # (torch's alias: AliasBackward0)
        integer = isinstance(data, (builtins.int, np.integer)) and type(data) is not builtins.bool
        if integer or (isinstance(data, np.ndarray) and data.dtype.kind in "iu" and not data.ndim):
            return empty(operator.index(data))
        if not isinstance(data, (list, tuple, range, np.ndarray, str, bytes, bytearray)):
            raise TypeError(f"new(): data must be a sequence (got {type_name_of(data)})")
        return tensor(data, dtype=_dtype.get_default_dtype())

    # --8<-- [start:attributes]
    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``torch.Size``."""
        return Size._of(self._data.shape)

    @property
    def dtype(self) -> DType:
        """The element type, e.g. ``torch.float32``."""
        return self._dtype

    @property
    def device(self) -> device:
        """Where the memory lives: always the CPU in picotorch."""
        return CPU

    # --8<-- [end:attributes]

    @numpy_names
    def size(self, dim: builtins.int | None = None) -> Any:
        """``size()`` is ``shape``; ``size(d)`` is one dimension's length."""
        if dim is None:
            return Size._of(self._data.shape)
        dim = int_arg(dim, "size", "dim")
        if self._data.ndim == 0:  # unlike most ops, size(0) of a 0-d tensor is an error
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._data.shape[normalize_dim(dim, self._data.ndim)]

    @property
    def ndim(self) -> builtins.int:
        return self._data.ndim

    def dim(self) -> builtins.int:
        """The number of dimensions."""
        return self._data.ndim

    ndimension = dim

    def numel(self) -> builtins.int:
        """The number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self) -> builtins.int:
        """Bytes per element."""
        return self._data.itemsize

    @property
    def itemsize(self) -> builtins.int:
        return self._data.itemsize

    @property
    def nbytes(self) -> builtins.int:
        """Bytes of all elements (an expanded tensor's repeats counted, as in torch)."""
        return self._data.size * self._data.itemsize

    @numpy_names
    def stride(self, dim: builtins.int | None = None) -> Any:
        """Steps, in elements, between neighbours along each dim (0 for an expanded dim)."""
        data = self._data
        strides = tuple(s // data.itemsize for s in data.strides)
        if not data.size and not any(strides) and len(self._version_counter) == 1:
            # NumPy gives a new array without elements zero strides; torch gives a new tensor
            # row-major ones (and keeps NumPy's for from_numpy: its counter holds an address)
            strides = contiguous_strides(data.shape)
        if dim is None:
            return strides
        dim = int_arg(dim, "stride", "dim")
        if self._data.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return strides[normalize_dim(dim, self._data.ndim)]

    def storage_offset(self) -> builtins.int:
        """Where, in elements, this tensor starts in the memory it shares (0 unless a view)."""
        counter = self._version_counter
        return storage_offset(self._data, counter[1] if len(counter) > 1 else None)

    def is_contiguous(self, memory_format: Any = _mf.contiguous_format) -> builtins.bool:
        """Whether the elements lie in memory in row-major order without gaps (or in the order
        ``memory_format`` says: ``torch.channels_last``)."""
        if memory_format is _mf.contiguous_format:
            return bool(self._data.flags.c_contiguous)
        # (a format of the wrong kind is torch's TypeError; channels-last formats are just
        # False for a tensor of another rank, not the error contiguous() gives)
        if not isinstance(memory_format, _mf.memory_format):
            _mf.memory_format_arg(memory_format, "is_contiguous", self._data.ndim)
        return _mf.is_laid_out(self._data, memory_format, self.stride())

    def is_floating_point(self) -> builtins.bool:
        return self._dtype.is_floating_point

    @property
    def is_leaf(self) -> builtins.bool:
        """A tensor made by the user rather than by an op that autograd recorded."""
        return self.grad_fn is None

    # --8<-- [start:requires_grad]
    @property
    def requires_grad(self) -> builtins.bool:
        """Whether autograd records the ops on this tensor (set it on leaves you train)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: builtins.bool) -> None:
        if not isinstance(value, builtins.bool):
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None:
            raise RuntimeError(_requires_grad_leaf_error(value))
        if value and not self._dtype.is_floating_point:
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
            )
        if self._grad_via_base:  # (False: it still requires grad through its base, as in torch)
            self._grad_via_base = not value
            return
        self._requires_grad = value

    # --8<-- [end:requires_grad]

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward()`` (leaves, and tensors that ``retain_grad``)."""
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_assigned_grad(self, value)
        self._grad = value

    def _zero_grad(self, set_to_none: builtins.bool) -> None:
        """Drop ``.grad`` (``set_to_none``), or cut it from any graph and fill it with zeros in
        place: what ``Module.zero_grad`` and ``Optimizer.zero_grad`` do to each parameter."""
        grad = self._grad
        if grad is None:
            return
        if set_to_none:
            self._grad = None
            return
        if grad.grad_fn is not None:
            grad.detach_()
        else:
            grad.requires_grad_(False)
        grad.zero_()

    @property
    def retains_grad(self) -> builtins.bool:
        return self._retains_grad

    @property
    def data(self) -> Tensor:
        """The same memory, outside autograd, with its own version counter (unlike ``detach``)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if self._requires_grad and not value._dtype.is_floating_point:
            raise RuntimeError(
                "data set to a tensor that requires gradients must be floating point or complex "
                "dtype"
            )
        self._data = value._data
        self._dtype = value._dtype

    @property
    def _version(self) -> builtins.int:
        """How many in-place writes the memory behind this tensor has seen."""
        return self._version_counter[0]

    @property
    def is_cuda(self) -> builtins.bool:
        return False

    # --- conversions
    def item(self) -> Any:
        """The single value as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        """Nested Python lists (a Python number for a 0-d tensor)."""
        return self._data.tolist()

    # --8<-- [start:numpy]
    def numpy(self, *, force: builtins.bool = False) -> np.ndarray:
        """The same memory as a NumPy array: writes through either side show in the other."""
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        return self._data

    # --8<-- [end:numpy]

    def __array__(self, dtype: Any = None, copy: builtins.bool | None = None) -> np.ndarray:
        """``np.asarray(t)`` (also what matplotlib calls): ``numpy()``, so a tensor that
        requires grad is refused, as in torch."""
        data = self.numpy()
        if dtype is not None:
            return data.astype(dtype)
        return data.copy() if copy else data  # (np.array(t) asks for a copy: not our memory)

    def __array_wrap__(
        self, array: np.ndarray, context: Any = None, return_scalar: Any = None
    ) -> Any:
        """What NumPy returns for a tensor it computed with (``np.exp(t)``, ``t + array``): as in
        torch, the result array as a tensor, a bool one as uint8."""
        from ._creation import from_numpy

        return from_numpy(array.astype(np.uint8) if array.dtype == np.bool_ else array)

    # --8<-- [start:to]
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Convert dtype and/or device: ``to(torch.float64)``, ``to('cuda')``, ``to(other)``.

        Returns ``self`` when nothing changes, like torch, so ``.to()`` is cheap to sprinkle.
        """
        target_dtype, target_device, copy, fmt = to_arguments(args, kwargs)
        check_placement(target_device)  # AssertionError for 'cuda', as on CPU-only torch
        if fmt is not None:  # (a layout for the copy, if one is made)
            fmt = _mf.memory_format_arg(fmt, "to", self._data.ndim)
        if target_dtype is None or target_dtype is self._dtype:
            # (a layout asked for is kept if torch reads it off the strides already)
            kept = fmt in (None, _mf.preserve_format) or fmt is _mf.suggested_format(self._data)
            if not copy and kept:
                return self
            target_dtype = self._dtype
        return _shape.to_copy(self, target_dtype, fmt)

    # --8<-- [end:to]

    # --8<-- [start:type_as]
    def type_as(self, other: Tensor) -> Tensor:
        """This tensor converted to ``other``'s dtype (no copy if it already matches)."""
        return self.to(_other_tensor("type_as", other)._dtype)

    # --8<-- [end:type_as]

    def type(self, dtype: DType | str | None = None) -> Any:
        """With no argument, the legacy type name (``'torch.FloatTensor'``); else ``to(dtype)``,
        where ``dtype`` may also be such a name (``x.type('torch.IntTensor')``)."""
        if dtype is None:
            return _LEGACY_TYPE_NAMES[self._dtype]
        if isinstance(dtype, type):  # (Python's float is no tensor type: to(float) takes it)
            raise ValueError(f"invalid type: '{dtype.__name__}'")
        if isinstance(dtype, str):
            if dtype.startswith("torch.cuda."):  # what CPU-only torch says
                raise RuntimeError("Cannot initialize CUDA without ATen_cuda library.")
            by_name = {name: d for d, name in _LEGACY_TYPE_NAMES.items()}
            if dtype not in by_name:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = by_name[dtype]
        return self.to(dtype)

    def float(self) -> Tensor:
        return self.to(_dtype.float32)

    def double(self) -> Tensor:
        return self.to(_dtype.float64)

    def half(self) -> Tensor:
        return self.to(_dtype.float16)

    def long(self) -> Tensor:
        return self.to(_dtype.int64)

    def int(self) -> Tensor:
        return self.to(_dtype.int32)

    def short(self) -> Tensor:
        return self.to(_dtype.int16)

    def char(self) -> Tensor:
        return self.to(_dtype.int8)

    def byte(self) -> Tensor:
        return self.to(_dtype.uint8)

    def bool(self) -> Tensor:
        return self.to(_dtype.bool)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, device: Any = None) -> Tensor:
        check_device("cuda")
        return self

    def clone(self, *, memory_format: Any = _mf.preserve_format) -> Tensor:
        """A copy with its own memory (and its own version counter), in the same layout:
        a transposed tensor's clone is transposed too (torch's ``preserve_format``)."""
        return _shape.clone(self, memory_format=memory_format)

    def detach(self) -> Tensor:
        """The same memory (and version counter), cut off from autograd: no grad_fn, no grad.
        Not a view as far as autograd is concerned, so in-place writes to it are allowed (and
        caught at backward if a node saved the memory)."""
        return Tensor._make(self._data, self._version_counter)

    def detach_(self) -> Tensor:
        """Cut this tensor itself off from autograd."""
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self.grad_fn = None
        self._requires_grad = False
        for view in alive_views(self):  # views taken before keep their history, as in torch
            view._base_grad_fn = None  # (not stale: its base has no history of its own now)
        return self

    def contiguous(self, memory_format: Any = _mf.contiguous_format) -> Tensor:
        """``self`` if already row-major without gaps, else a row-major copy (or laid out as
        ``memory_format`` says: ``torch.channels_last``)."""
        if memory_format is _mf.contiguous_format and self._data.flags.c_contiguous:
            return self  # (the common case first)
        fmt = _mf.memory_format_arg(memory_format, "contiguous", self._data.ndim)
        if _mf.is_laid_out(self._data, fmt, self.stride()):
            return self
        if fmt is _mf.preserve_format:
            raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
        return _shape.clone(self, memory_format=fmt)

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Ask autograd to record the ops on this (leaf) tensor."""
        bool_arg(requires_grad, "requires_grad_", "requires_grad", 1)
        if requires_grad and not self._dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if self.grad_fn is not None:  # a non-leaf already requires grad: only False is an error
            if not requires_grad:
                raise RuntimeError(_requires_grad_leaf_error(requires_grad))
            return self
        self.requires_grad = requires_grad
        return self

    # --- autograd (the engine is in autograd/)
    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: builtins.bool | None = None,
        create_graph: builtins.bool = False,
        inputs: Any = None,
    ) -> None:
        """Compute the gradient of this tensor with respect to the leaves of its graph,
        adding it into their ``.grad``. A non-scalar needs ``gradient`` (the vector of the
        vector-Jacobian product)."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook: Any) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        from .autograd.function import _edge

        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node, nr = _edge(self)
        if node is None:  # (see _grad_via_base: no gradient ever reaches it, nor the hook)
            return _RemovableHandle(lambda: None)
        return _RemovableHandle(node.register_prehook(nr, hook))

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` during backward (leaves always do)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        me = weakref.ref(self)

        def keep(grad: Tensor) -> None:
            t = me()
            if t is not None:
                g = grad.detach()
                t._grad = g.clone() if t._grad is None else t._grad + g

        self.grad_fn.set_retain_grad_hook(self._output_nr, keep)

    # --- in-place writes
    # --8<-- [start:inplace]
    def _overlaps_itself(self) -> builtins.bool:
        """Whether several elements share one memory location (a dim made by ``expand``)."""
        return overlaps_itself(self._data)

    def _check_inplace(
        self, *, overlap_ok: builtins.bool = False, recorded: builtins.bool = False
    ) -> None:
        """Refuse writes that torch refuses: into a leaf that requires grad (its gradient would
        be of a value that no longer exists), into a view whose write autograd cannot record,
        or into memory several elements share. ``recorded``: autograd records this write."""
        if grad_mode._enabled and (self._requires_grad or self._base is not None):
            self._check_inplace_autograd(recorded)
        if not overlap_ok and self._overlaps_itself():
            raise RuntimeError(INTERNAL_OVERLAP)

    def _check_reads(self, reads: Any, *, full_ok: builtins.bool = True) -> None:
        """Refuse to write into this tensor while reading a tensor among ``reads`` that shares
        part of its memory (all of it too, unless ``full_ok``), as torch refuses."""
        check_reads(self._data, [x._data for x in reads if isinstance(x, Tensor)], full_ok=full_ok)

    def _bump_version(self) -> None:
        """Every in-place op ends here: all aliases of this memory see the new version."""
        self._version_counter[0] += 1

    # --8<-- [end:inplace]

    def _check_inplace_autograd(self, recorded: builtins.bool) -> None:
        base = self._base
        if base is not None:  # (a view's checks first, as torch's)
            self._check_view_written(base, recorded)
        if self._requires_grad and self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )

    def _check_view_written(self, base: Tensor, recorded: builtins.bool) -> None:
        if self._creation_meta is not None and (recorded or base._requires_grad):
            raise restricted_view_error(self, stale=False)
        if base._requires_grad and base.grad_fn is None:
            raise RuntimeError(VIEW_OF_A_LEAF_WRITTEN)
        if self._requires_grad and not base._requires_grad:
            # a view of a view that requires_grad_() made a leaf (reshape(...).requires_grad_()):
            # torch counts that leaf as this view's base
            raise RuntimeError(VIEW_OF_A_LEAF_WRITTEN)
        if base.grad_fn is not self._base_grad_fn:
            # the base took a history in place after this view was taken, and the view was not
            # rebuilt from it (see rebase_views): write_through_view could not record the write
            raise stale_view_error(self)

    # --8<-- [start:rebase]
    def _inplace(
        self, op: Any, *args: Any, reads: tuple[Any, ...] | None = None, **kwargs: Any
    ) -> Tensor:
        """Run ``op`` in place: ``op(self, *args, out=self)``.

        Without autograd, the op writes with ``out=self`` and checks itself that nothing it
        reads shares only part of this tensor's memory (see _memory.py).

        ``reads``: for the recorded form, which runs out of place, the tensors to check that way;
        by default the tensors among ``args``. (Ops with rules of their own check for
        themselves and pass ``()``.)

        When autograd records it, the op instead runs out of place on a copy that stands for the
        old value in the graph, and this tensor takes over the result: its values, written into
        its own memory, and its ``grad_fn`` (torch calls this rebasing the history). Nodes that
        saved the old value notice the version bump and refuse to use it. A view's base takes
        the write into its own history instead (``write_through_view``).
        """
        if not needs_grad(self, *args):  # (the op checks what it reads as it writes out=)
            return op(self, *args, out=self, **kwargs)
        self._check_inplace(recorded=True)
        self._check_reads(args if reads is None else reads)
        if reads is None:  # (an elementwise op, run out of place below: torch's check of the
            _pw.check_in_place_shape(self, self, *args, *kwargs.values())  # shape comes first)
        old = Tensor._make(self._data.copy())  # the value before, as the graph will see it
        old._requires_grad, old.grad_fn = self._requires_grad, self.grad_fn
        old._output_nr, old._grad_accumulator = self._output_nr, self._grad_accumulator
        result = op(old, *args, **kwargs)
        _pw.check_inplace_result(result, self)
        np.copyto(self._data, result._data, casting="unsafe")
        self._bump_version()
        node = result.grad_fn
        if node is None:  # nothing recorded: an integer result (only floats carry grads)
            return self
        if type(node) is NotImplementedBackward:  # torch's message names the in-place op
            node.op += "_"
        if node._saved_output >= 0:  # the op saved its result: now this memory, this version
            i = node._saved_output
            node._saved = (*node._saved[:i], saved_output(self), *node._saved[i + 1 :])
            node._saved_versions[i] = self._version_counter[0]
        if self._base is not None:  # the base's history takes the write (CopySlices)
            write_through_view(self, node)
            return self
        move_retain_grad_hook(self, node)
        self._requires_grad, self.grad_fn, self._output_nr = True, node, 0
        rebase_views(self)
        return self

    # --8<-- [end:rebase]

    def copy_(self, other: Tensor | Any, non_blocking: builtins.bool = False) -> Tensor:
        """Copy ``other`` (a tensor or a number, broadcast to this shape, converted to this
        dtype) into this memory. ``non_blocking`` only matters between devices."""
        if non_blocking is not False:
            bool_arg(non_blocking, "copy_", "non_blocking")
        if not isinstance(other, Tensor):
            other = _copied_number(other)
        if self._dtype.is_floating_point and needs_grad(self, other):
            return self._inplace(_shape.copy, other)  # recorded: the gradient flows to other
        self._check_inplace()
        self._check_reads((other,))
        value = other._data if isinstance(other, Tensor) else np.asarray(other)
        try:
            np.copyto(self._data, value, casting="unsafe")
        except ValueError:
            raise broadcast_error(self._data.shape, value.shape) from None
        self._bump_version()
        return self

    def zero_(self) -> Tensor:
        if needs_grad(self):
            return self._overwrite(np.zeros_like(self._data), _pw.ZeroBackward0)
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        """Set every element to ``value`` (allowed on expanded tensors: all writes agree)."""
        if isinstance(value, Tensor) and value._data.ndim:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value._data.ndim} dimensions."
            )
        if not isinstance(value, (Tensor, *NUMBERS)):
            got = type_name_of(value)
            raise invalid_combination("fill_", got, "Tensor value", "Number value")
        check_python_int(value)
        if isinstance(value, Tensor):
            number = value.item()
        else:
            # (torch fills a single element on a path that converts to half unchecked)
            number = _dtype.fitted(value, self._dtype, half=self._data.size != 1)
        if needs_grad(self, value):
            node = _pw.FillBackward3 if isinstance(value, Tensor) else _pw.FillBackward2
            return self._overwrite(np.full_like(self._data, number), node, value)
        self._check_inplace(overlap_ok=True)
        self._data[...] = number
        self._bump_version()
        return self

    def _overwrite(self, values: np.ndarray, node: Any, fill_value: Any = None) -> Tensor:
        """Overwrite with ``values`` as an op that autograd records as ``node`` (the old value's
        gradient is zero), for the fills of a tensor with history (or with a fill value that
        requires grad): otherwise the tensor would keep the ``grad_fn`` of its old value."""
        return self._inplace(_pw.overwritten, values, node, fill_value, reads=())

    def uniform_(
        self, a: builtins.float = 0.0, b: builtins.float = 1.0, *, generator: Any = None
    ) -> Tensor:
        """Fill with U(a, b) samples, drawing from the generator exactly like torch."""
        from . import _random

        a, b = float_arg(a, "uniform_", "from", 1), float_arg(b, "uniform_", "to", 2)
        target = self._in_memory_order()
        samples = _random.uniform(target.shape, target.dtype, a, b, generator)
        return self._fill_from(samples, _pw.UniformBackward0)

    def normal_(
        self, mean: builtins.float = 0.0, std: builtins.float = 1.0, *, generator: Any = None
    ) -> Tensor:
        """Fill with N(mean, std²) samples, drawing from the generator exactly like torch."""
        from . import _random

        mean, std = float_arg(mean, "normal_", "mean", 1), float_arg(std, "normal_", "std", 2)
        target = self._in_memory_order()
        contiguous = bool(self._data.flags.c_contiguous)  # torch's fast 16-wide path needs it
        samples = _random.normal(target.shape, target.dtype, mean, std, generator, contiguous)
        return self._fill_from(samples, _pw.NormalBackward0)

    def _fill_from(self, samples: np.ndarray, node: Any) -> Tensor:
        """Write random ``samples`` (drawn in memory order) into this tensor; ``node`` records
        the fill when the tensor has history."""
        if needs_grad(self):
            values = Tensor._make(np.empty_like(self._data))  # (same memory order as this one)
            np.copyto(values._in_memory_order(), samples)
            return self._overwrite(values._data, node)
        self._check_inplace()
        np.copyto(self._in_memory_order(), samples)
        self._bump_version()
        return self

    def _in_memory_order(self) -> np.ndarray:
        """This tensor's array with its dims reordered to lie in memory order (a view).

        torch fills a tensor's memory front to back, so ``x.T.uniform_()`` gets the same
        numbers, in the same places in memory, as ``x.uniform_()``. Sorting the dims by stride
        gives that order for any transposed or permuted tensor.
        """
        order = sorted(range(self._data.ndim), key=lambda d: -self._data.strides[d])
        return self._data.transpose(order)

    def t_(self) -> Tensor:
        """Transpose in place: this tensor object now views its memory transposed."""
        return _shape.t_(self)

    # --- Python protocols
    def __repr__(self) -> str:
        from ._printing import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        """As torch: a 0-d tensor formats as its number (``f"loss: {loss}"`` prints ``loss: 2.5``,
        ``f"{loss:.3f}"`` prints ``2.500``); any other tensor, as its text with an empty format
        spec (a non-empty one is a TypeError). A subclass (Parameter) always formats as text."""
        if self._data.ndim == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __len__(self) -> builtins.int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        yield from _shape.unbind(self, 0)

    def __contains__(self, element: Any) -> builtins.bool:
        """``2.0 in t``: whether any element equals it (torch takes a tensor or a number only)."""
        if not isinstance(element, Tensor | numbers.Number):
            raise RuntimeError(
                "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                f"{type(element)}."
            )
        return builtins.bool(_pw.eq(self, element).any())  # type: ignore[arg-type]

    def __bool__(self) -> builtins.bool:
        if self._data.size != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
                if self._data.size > 1
                else "Boolean value of Tensor with no values is ambiguous"
            )
        return bool(self._data.reshape(()))

    def __float__(self) -> builtins.float:
        self._check_one_element()
        self._warn_if_read_as_number()
        return float(self.item())

    def _warn_if_read_as_number(self) -> None:
        """torch's warning when a tensor that requires grad is read as a Python number (by
        ``float()``, or by ``torch.tensor([x])``): its history is lost. Once per process."""
        global _warned_float_of_grad
        if self._requires_grad and not _warned_float_of_grad:
            _warned_float_of_grad = True
            warnings.warn(
                "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                "behavior.\nConsider using tensor.detach() first. (Triggered internally at "
                "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:"
                "822.)",
                UserWarning,
                stacklevel=3,
            )

    def __int__(self) -> builtins.int:
        self._check_one_element()
        return int(self.item())

    def _check_one_element(self) -> None:
        """``float(t)`` and ``int(t)`` (unlike ``item()``) raise ValueError, as torch does."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")

    def __index__(self) -> builtins.int:
        if self._dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self) -> builtins.int:
        return id(self)

    def __deepcopy__(self, memo: dict[builtins.int, Any]) -> Tensor:
        """A new leaf with a copy of the values and of ``.grad`` (torch copies leaves only)."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                "be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        out = Tensor._make(self._data.copy(order="K"))
        out._requires_grad = self._requires_grad
        memo[id(self)] = out
        if self._grad is not None:
            out._grad = copy.deepcopy(self._grad, memo)
        return out

    def __reduce__(self) -> Any:
        return (_rebuild, (self._data.copy(order="K"), self.requires_grad))

    def __getitem__(self, index: Any) -> Tensor:
        return _indexing.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        _indexing.setitem(self, index, value)

    def __delitem__(self, index: Any) -> None:
        raise TypeError("Tensor does not support deleting items")

    # --- shape (in _ops/shape.py)
    @property
    def T(self) -> Tensor:
        """All dims reversed; for a matrix, its transpose."""
        if self._data.ndim != 2:
            _warn_transpose_once("0-d" if self._data.ndim == 0 else "n-d")
        return _shape.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The last two dims swapped (a batch of transposed matrices)."""
        if self._data.ndim == 1:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."
            )
        if self._data.ndim == 0:  # (torch's deprecated identity: the tensor itself)
            _warn_transpose_once("mT 0-d")
            return self
        return _shape.transpose(self, -2, -1)

    def view(self, *shape: Any, size: Any = NOT_GIVEN, dtype: Any = NOT_GIVEN) -> Tensor:
        """``view(2, 3)``, ``view((2, 3))``, ``view(size=(2, 3))``; or ``view(torch.int32)``,
        ``view(dtype=torch.int32)``: the same bytes as another dtype. Exactly one of them."""
        if shape and size is NOT_GIVEN and dtype is NOT_GIVEN:
            return _shape.view(self, *shape)
        if not shape and size is not NOT_GIVEN and dtype is NOT_GIVEN:
            return _shape.view(self, one_int_tuple(size, "view", "size", None))
        if not shape and size is NOT_GIVEN and isinstance(dtype, DType):
            return _shape.view(self, dtype)
        raise TypeError(
            "view() received an invalid combination of arguments - expected one of: "
            "(tuple of ints size), (torch.dtype dtype)"
        )

    def view_as(self, other: Tensor) -> Tensor:
        return _shape.view(self, _other_tensor("view_as", other).shape)

    def reshape(self, *sizes: Any, shape: Any = NOT_GIVEN) -> Tensor:
        return _shape.reshape(self, method_sizes(sizes, shape, "reshape", "shape"))

    def reshape_as(self, other: Tensor) -> Tensor:
        return _shape.reshape(self, _other_tensor("reshape_as", other).shape)

    def t(self) -> Tensor:
        return _shape.t(self)

    def transpose(self, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        return _shape.transpose(self, dim0, dim1)

    def swapaxes(self, axis0: builtins.int, axis1: builtins.int) -> Tensor:
        return _shape.swapaxes(self, axis0, axis1)

    def permute(self, *order: Any, dims: Any = NOT_GIVEN) -> Tensor:
        return _shape.permute(self, method_sizes(order, dims, "permute", "dims"))

    def flip(self, *order: Any, dims: Any = NOT_GIVEN) -> Tensor:
        return _shape.flip(self, method_sizes(order, dims, "flip", "dims"))

    def __reversed__(self) -> Tensor:
        """``reversed(t)``: ``t.flip(0)``, as in torch (a 0-d tensor is itself)."""
        return self if self._data.ndim == 0 else _shape.flip(self, (0,))

    @numpy_names
    def squeeze(self, *dims: Any, dim: Any = NOT_GIVEN) -> Tensor:
        """``squeeze()``, ``squeeze(d)``, ``squeeze(d1, d2)`` or ``squeeze((d1, d2))``."""
        if len(dims) == 1 and dim is NOT_GIVEN:
            dim = dims[0]
        elif dims:  # several dims one by one: ints only, and not beside dim=
            if dim is not NOT_GIVEN or any(isinstance(d, tuple | list) for d in dims):
                got = ", ".join(type_name_of(d) for d in dims)
                raise invalid_combination("squeeze", got, "", "int dim", "tuple of ints dim")
            dim = int_tuple(dims, "squeeze", "dim")  # (their kinds before their range)
        return _shape.squeeze(self, dim)

    @numpy_names
    def unsqueeze(self, dim: builtins.int) -> Tensor:
        return _shape.unsqueeze(self, dim)

    def flatten(self, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Tensor:
        return _shape.flatten(self, start_dim, end_dim)

    def expand(self, *sizes: Any, size: Any = NOT_GIVEN) -> Tensor:
        return _shape.expand(self, method_sizes(sizes, size, "expand", "size"))

    def broadcast_to(self, *sizes: Any, size: Any = NOT_GIVEN) -> Tensor:
        return _shape.expand(self, method_sizes(sizes, size, "broadcast_to", "size"))

    def expand_as(self, other: Tensor) -> Tensor:
        return _shape.expand(self, _other_tensor("expand_as", other).shape)

    @numpy_names
    def select(self, dim: builtins.int, index: builtins.int) -> Tensor:
        return _shape.select(self, dim, index)

    @numpy_names
    def narrow(self, dim: builtins.int, start: builtins.int, length: builtins.int) -> Tensor:
        return _shape.narrow(self, dim, start, length)

    def split(self, split_size: Any, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        return _shape.split(self, split_size, dim)

    @numpy_names
    def chunk(self, chunks: builtins.int, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        return _shape.chunk(self, chunks, dim)

    @numpy_names
    def unbind(self, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        return _shape.unbind(self, dim)

    # --- indexing (in _ops/indexing.py)
    @numpy_names
    def gather(
        self, dim: builtins.int, index: Tensor, *, sparse_grad: builtins.bool = False
    ) -> Tensor:
        return _indexing.gather(self, dim, index, sparse_grad=sparse_grad)

    @numpy_names
    def scatter(
        self,
        dim: builtins.int,
        index: Tensor,
        src: Any = None,
        *,
        value: Any = None,
        reduce: Any = NOT_GIVEN,
    ) -> Tensor:
        return _indexing.scatter(self, dim, index, src, value=value, reduce=reduce)

    @numpy_names
    def scatter_(
        self,
        dim: builtins.int,
        index: Tensor,
        src: Any = None,
        *,
        value: Any = None,
        reduce: Any = NOT_GIVEN,
    ) -> Tensor:
        return _indexing.scatter_(self, dim, index, src, value=value, reduce=reduce)

    @numpy_names
    def scatter_add(self, dim: builtins.int, index: Tensor, src: Tensor) -> Tensor:
        return _indexing.scatter_add(self, dim, index, src)

    @numpy_names
    def scatter_add_(self, dim: builtins.int, index: Tensor, src: Tensor) -> Tensor:
        return _indexing.scatter_add_(self, dim, index, src)

    def masked_fill(self, mask: Tensor, value: Any) -> Tensor:
        return _indexing.masked_fill(self, mask, value)

    def masked_fill_(self, mask: Tensor, value: Any) -> Tensor:
        return _indexing.masked_fill_(self, mask, value)

    @numpy_names
    def index_select(self, dim: builtins.int, index: Tensor) -> Tensor:
        return _indexing.index_select(self, dim, index)

    def nonzero(self, *, as_tuple: builtins.bool = False) -> Any:
        return _indexing.nonzero(self, as_tuple=as_tuple)

    # --- maths (in _ops/pointwise.py; only the torch.* functions take out=, as in torch)
    # (``*alpha_first``: ``x.add(a, b)``, two more overloads of torch: see _pw.method_operands)
    def add(self, other: Any, *alpha_first: Any, alpha: Any = NOT_GIVEN) -> Tensor:
        other, alpha = _pw.method_operands("add", other, alpha_first, alpha)
        return _pw.add(self, other, alpha=alpha)

    def sub(self, other: Any, *alpha_first: Any, alpha: Any = NOT_GIVEN) -> Tensor:
        other, alpha = _pw.method_operands("sub", other, alpha_first, alpha)
        return _pw.sub(self, other, alpha=alpha)

    def mul(self, other: Any) -> Tensor:
        return _pw.mul(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return _pw.div(self, other, rounding_mode=rounding_mode)

    def pow(self, exponent: Any) -> Tensor:
        return _pw.pow(self, exponent)

    def add_(self, other: Any, *alpha_first: Any, alpha: Any = NOT_GIVEN) -> Tensor:
        other, alpha = _pw.method_operands("add_", other, alpha_first, alpha)
        return self._inplace(_pw.add, other, alpha=alpha)

    def sub_(self, other: Any, *alpha_first: Any, alpha: Any = NOT_GIVEN) -> Tensor:
        other, alpha = _pw.method_operands("sub_", other, alpha_first, alpha)
        return self._inplace(_pw.sub, other, alpha=alpha)

    def mul_(self, other: Any) -> Tensor:
        return self._inplace(_pw.mul, other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return self._inplace(_pw.div, other, rounding_mode=rounding_mode)

    def pow_(self, exponent: Any) -> Tensor:
        return self._inplace(_pw.pow, exponent)

    # torch's other names for the same ops
    multiply, multiply_ = mul, mul_

    def subtract(self, other: Any, *alpha_first: Any, alpha: Any = NOT_GIVEN) -> Tensor:
        other, alpha = _pw.method_operands("subtract", other, alpha_first, alpha, False)
        return _pw.sub(self, other, alpha=alpha)

    def subtract_(self, other: Any, *alpha_first: Any, alpha: Any = NOT_GIVEN) -> Tensor:
        other, alpha = _pw.method_operands("subtract_", other, alpha_first, alpha, False)
        return self._inplace(_pw.sub, other, alpha=alpha)

    divide, divide_ = div, div_

    def true_divide(self, other: Any) -> Tensor:  # (div's other name, without rounding_mode)
        return _pw.div(self, other)

    def true_divide_(self, other: Any) -> Tensor:
        return self._inplace(_pw.div, other)

    def floor_divide(self, other: Any) -> Tensor:
        return _pw.floor_divide(self, other)

    def floor_divide_(self, other: Any) -> Tensor:
        return self._inplace(_pw.floor_divide, other)

    def remainder(self, other: Any) -> Tensor:
        return _pw.remainder(self, other)

    def remainder_(self, other: Any) -> Tensor:
        return self._inplace(_pw.remainder, other)

    def bitwise_and(self, other: Any) -> Tensor:
        return _pw.bitwise_and(self, other)

    def bitwise_and_(self, other: Any) -> Tensor:
        return self._inplace(_pw.bitwise_and, other)

    def bitwise_or(self, other: Any) -> Tensor:
        return _pw.bitwise_or(self, other)

    def bitwise_or_(self, other: Any) -> Tensor:
        return self._inplace(_pw.bitwise_or, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        return _pw.bitwise_xor(self, other)

    def bitwise_xor_(self, other: Any) -> Tensor:
        return self._inplace(_pw.bitwise_xor, other)

    def bitwise_not(self) -> Tensor:
        return _pw.bitwise_not(self)

    def logical_not(self) -> Tensor:
        return _pw.logical_not(self)

    def reciprocal(self) -> Tensor:
        return _pw.reciprocal(self)

    def sign(self) -> Tensor:
        return _pw.sign(self)

    def neg(self) -> Tensor:
        return _pw.neg(self)

    def abs(self) -> Tensor:
        return _pw.abs(self)

    def exp(self) -> Tensor:
        return _pw.exp(self)

    def log(self) -> Tensor:
        return _pw.log(self)

    def log1p(self) -> Tensor:
        return _pw.log1p(self)

    def sqrt(self) -> Tensor:
        return _pw.sqrt(self)

    def sin(self) -> Tensor:
        return _pw.sin(self)

    def cos(self) -> Tensor:
        return _pw.cos(self)

    def tanh(self) -> Tensor:
        return _pw.tanh(self)

    def sigmoid(self) -> Tensor:
        return _pw.sigmoid(self)

    def relu(self) -> Tensor:
        return _pw.relu(self)

    def neg_(self) -> Tensor:
        return self._inplace(_pw.neg)

    def exp_(self) -> Tensor:
        return self._inplace(_pw.exp)

    def log_(self) -> Tensor:
        return self._inplace(_pw.log)

    def log1p_(self) -> Tensor:
        return self._inplace(_pw.log1p)

    def sqrt_(self) -> Tensor:
        return self._inplace(_pw.sqrt)

    def sin_(self) -> Tensor:
        return self._inplace(_pw.sin)

    def cos_(self) -> Tensor:
        return self._inplace(_pw.cos)

    def tanh_(self) -> Tensor:
        return self._inplace(_pw.tanh)

    def sigmoid_(self) -> Tensor:
        return self._inplace(_pw.sigmoid)

    def abs_(self) -> Tensor:
        return self._inplace(_pw.abs)

    def sign_(self) -> Tensor:
        return self._inplace(_pw.sign)

    def reciprocal_(self) -> Tensor:
        return self._inplace(_pw.reciprocal)

    def relu_(self) -> Tensor:
        return self._inplace(_pw.relu_into)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        return _pw.clamp(self, min, max)

    clip = clamp

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._inplace(_pw.clamp, min, max)

    clip_ = clamp_

    def maximum(self, other: Tensor) -> Tensor:
        return _pw.maximum(self, other)

    def minimum(self, other: Tensor) -> Tensor:
        return _pw.minimum(self, other)

    def equal(self, other: Tensor) -> builtins.bool:
        return _pw.equal(self, other, first=None)

    def allclose(
        self,
        other: Tensor,
        rtol: builtins.float = 1e-05,
        atol: builtins.float = 1e-08,
        equal_nan: builtins.bool = False,
    ) -> builtins.bool:
        return _pw.allclose(self, other, rtol, atol, equal_nan, first=None)

    def eq(self, other: Any) -> Tensor:
        return _pw.eq(self, other)

    def ne(self, other: Any) -> Tensor:
        return _pw.ne(self, other)

    def lt(self, other: Any) -> Tensor:
        return _pw.lt(self, other)

    def le(self, other: Any) -> Tensor:
        return _pw.le(self, other)

    def gt(self, other: Any) -> Tensor:
        return _pw.gt(self, other)

    def ge(self, other: Any) -> Tensor:
        return _pw.ge(self, other)

    def where(self, condition: Tensor, other: Any) -> Tensor:
        return _pw.where(condition, self, other)

    def __neg__(self) -> Tensor:
        return _pw.neg(self)

    def __pos__(self) -> Tensor:
        if self._dtype is _dtype.bool:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __abs__(self) -> Tensor:
        return _pw.abs(self)

    def __invert__(self) -> Tensor:
        if self._dtype.is_floating_point:  # (the operator's own check, before the kernel's)
            raise TypeError(
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
            )
        return _pw.bitwise_not(self)

    @_operator
    def __add__(self, other: Any) -> Tensor:
        return _pw.add(self, other)

    @_operator
    def __radd__(self, other: Any) -> Tensor:
        return _pw.add(self, other)  # as torch: the tensor stays the first input of the graph

    @_operator
    def __sub__(self, other: Any) -> Tensor:
        return _pw.sub(self, other)

    @_operator
    def __rsub__(self, other: Any) -> Tensor:
        return _pw.sub(other, self)

    @_operator
    def __mul__(self, other: Any) -> Tensor:
        return _pw.mul(self, other)

    @_operator
    def __rmul__(self, other: Any) -> Tensor:
        return _pw.mul(self, other)  # as torch: the tensor stays the first input of the graph

    @_operator
    def __truediv__(self, other: Any) -> Tensor:
        return _pw.div(self, other)

    @_operator
    def __rtruediv__(self, other: Any) -> Tensor:
        return _pw.reciprocal(self) * other  # number / x is (1/x) * number in torch

    @_operator
    def __floordiv__(self, other: Any) -> Tensor:
        return _pw.floor_divide(self, other)

    @_operator
    def __rfloordiv__(self, other: Any) -> Tensor:
        return _pw.floor_divide(other, self)

    @_operator
    def __mod__(self, other: Any) -> Tensor:
        return _pw.remainder(self, other)

    @_operator
    def __rmod__(self, other: Any) -> Tensor:
        return _pw.remainder(other, self)

    @_operator
    def __pow__(self, other: Any) -> Tensor:
        return _pw.pow(self, other)

    @_operator
    def __rpow__(self, other: Any) -> Tensor:
        return _pw.pow(other, self)

    @_operator
    def __matmul__(self, other: Any) -> Tensor:
        return _linalg.matmul(self, other)

    @_operator
    def __rmatmul__(self, other: Any) -> Tensor:
        return _linalg.matmul(other, self)

    @_operator
    def __and__(self, other: Any) -> Tensor:
        return _pw.bitwise_and(self, other)

    __rand__ = __and__  # (``2 & x``: the same op, so the same wrapper)

    @_operator
    def __or__(self, other: Any) -> Tensor:
        return _pw.bitwise_or(self, other)

    __ror__ = __or__

    @_operator
    def __xor__(self, other: Any) -> Tensor:
        return _pw.bitwise_xor(self, other)

    __rxor__ = __xor__

    @_operator
    def __iadd__(self, other: Any) -> Tensor:
        return self.add_(other)

    @_operator
    def __isub__(self, other: Any) -> Tensor:
        return self.sub_(other)

    @_operator
    def __imul__(self, other: Any) -> Tensor:
        return self.mul_(other)

    @_operator
    def __itruediv__(self, other: Any) -> Tensor:
        return self.div_(other)

    # (without these, Python would run ``x **= 2`` as ``x = x ** 2``: a new tensor, where torch
    # writes into x's memory, and into the base of a view)
    @_operator
    def __ifloordiv__(self, other: Any) -> Tensor:
        return self.floor_divide_(other)

    @_operator
    def __imod__(self, other: Any) -> Tensor:
        return self.remainder_(other)

    @_operator
    def __ipow__(self, other: Any) -> Tensor:
        return self.pow_(other)

    @_operator
    def __iand__(self, other: Any) -> Tensor:
        return self.bitwise_and_(other)

    @_operator
    def __ior__(self, other: Any) -> Tensor:
        return self.bitwise_or_(other)

    @_operator
    def __ixor__(self, other: Any) -> Tensor:
        return self.bitwise_xor_(other)

    # (an operand that a tensor can't be compared with, such as None or a string, gives
    # NotImplemented: Python then compares identities, so ``t == None`` is False)
    @_operator
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        if isinstance(other, np.ndarray) and other.dtype in _FROM_NUMPY:
            other = Tensor._make(other)  # torch's == alone takes an ndarray, as a tensor
        return _pw.eq(self, other)

    @_operator
    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _pw.ne(self, other)

    @_operator
    def __lt__(self, other: Any) -> Tensor:
        return _pw.lt(self, other)

    @_operator
    def __le__(self, other: Any) -> Tensor:
        return _pw.le(self, other)

    @_operator
    def __gt__(self, other: Any) -> Tensor:
        return _pw.gt(self, other)

    @_operator
    def __ge__(self, other: Any) -> Tensor:
        return _pw.ge(self, other)

    # --- reductions (in _ops/reduction.py)
    @numpy_names
    def sum(
        self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, dtype: DType | None = None
    ) -> Tensor:
        # (the function itself, past its numpy_names wrapper: this method's has read NumPy's
        # names already, and ``loss.sum()`` runs on every step)
        return _red.sum.__wrapped__(self, dim, keepdim, dtype=dtype)  # type: ignore[attr-defined]

    @numpy_names
    def mean(
        self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, dtype: DType | None = None
    ) -> Tensor:
        return _red.mean(self, dim, keepdim, dtype=dtype)

    @numpy_names
    def prod(
        self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, dtype: DType | None = None
    ) -> Tensor:
        return _red.prod(self, dim, keepdim, dtype=dtype)

    @numpy_names
    @dim_by_name
    def max(self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, other: Any = None) -> Any:
        return _red.max(self, dim, keepdim, other=other)

    @numpy_names
    @dim_by_name
    def min(self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, other: Any = None) -> Any:
        return _red.min(self, dim, keepdim, other=other)

    def norm(
        self,
        p: Any = "fro",
        dim: Any = None,
        keepdim: builtins.bool = False,
        dtype: DType | None = None,
    ) -> Tensor:
        return _red.norm(self, p, dim, keepdim, dtype=dtype)

    @numpy_names
    def all(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        return _red.all(self, dim, keepdim)

    @numpy_names
    def any(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        return _red.any(self, dim, keepdim)

    @numpy_names
    def argmax(self, dim: builtins.int | None = None, keepdim: builtins.bool = False) -> Tensor:
        return _red.argmax(self, dim, keepdim)

    @numpy_names
    def argmin(self, dim: builtins.int | None = None, keepdim: builtins.bool = False) -> Tensor:
        return _red.argmin(self, dim, keepdim)

    @numpy_names
    def std(self, *args: Any, **kwargs: Any) -> Tensor:
        return _red.deviation_of(self, args, kwargs)

    @numpy_names
    def var(self, *args: Any, **kwargs: Any) -> Tensor:
        return _red.variance_of(self, args, kwargs)

    # --- linear algebra (in _ops/linalg.py)
    def matmul(self, other: Tensor) -> Tensor:
        return _linalg.matmul(self, other)

    def mm(self, mat2: Tensor) -> Tensor:
        return _linalg.mm(self, mat2)

    def bmm(self, mat2: Tensor) -> Tensor:
        return _linalg.bmm(self, mat2)

    def mv(self, vec: Tensor) -> Tensor:
        return _linalg.mv(self, vec)

    def dot(self, tensor: Tensor) -> Tensor:
        return _linalg.dot(self, tensor)

    # --- softmax (in _ops/activation.py) and addmm (in _ops/linalg.py)
    @numpy_names
    def softmax(self, dim: builtins.int, dtype: DType | None = None) -> Tensor:
        from ._ops.activation import softmax

        if type(dim) is not builtins.int:  # (the method's dim is its argument 1)
            dim = int_arg(dim, "softmax", "dim", 1)
        return softmax(self, dim, dtype)

    @numpy_names
    def log_softmax(self, dim: builtins.int, dtype: DType | None = None) -> Tensor:
        from ._ops.activation import log_softmax

        if type(dim) is not builtins.int:  # (the method's dim is its argument 1)
            dim = int_arg(dim, "log_softmax", "dim", 1)
        return log_softmax(self, dim, dtype)

    def addmm(
        self, mat1: Tensor, mat2: Tensor, *more: Any, beta: Any = 1, alpha: Any = 1
    ) -> Tensor:
        plain = isinstance(mat1, Tensor) and isinstance(mat2, Tensor)
        if more or not plain or type(beta) is not builtins.int or type(alpha) is not builtins.int:
            args = (self, mat1, mat2, *more)
            _, mat1, mat2, beta, alpha = _linalg.addmm_arguments(
                args, beta, alpha, None, method=True
            )
        return _linalg.addmm(self, mat1, mat2, beta=beta, alpha=alpha)


VIEW_OF_A_LEAF_WRITTEN = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)


def _requires_grad_leaf_error(value: builtins.bool) -> str:
    message = "you can only change requires_grad flags of leaf variables."
    if not value:
        message += (
            " If you want to use a computed variable in a subgraph that doesn't require "
            "differentiation use var_no_grad = var.detach()."
        )
    return message


def _check_assigned_grad(t: Tensor, grad: Any) -> None:
    """What torch checks when ``t.grad = grad`` is assigned: a tensor of t's dtype and shape."""
    if not isinstance(grad, Tensor):
        raise TypeError(
            "assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(grad).__name__}"
        )
    if grad._dtype is not t._dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{c_type_name(grad._dtype)}' to a "
            f"tensor with grad_dtype '{type_name(t._dtype)}'. The gradient must match the "
            "tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's "
            "grad_dtype attribute with a specific dtype, or None to allow any dtype. Set "
            "grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may "
            "break downstream systems that assume they match."
        )
    if grad._data.shape != t._data.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '{list(grad._data.shape)}' to a tensor of "
            f"size '{list(t._data.shape)}'. Please ensure that the gradient and the tensor are "
            "the same size"
        )


_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at "
    "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)"
)


def _other_tensor(name: str, other: Any) -> Tensor:
    """The tensor argument of ``x.view_as(other)`` and the like, else torch's TypeError."""
    if not isinstance(other, Tensor):
        _pw.require_tensors(name, {"other": other})
    return other


def _copied_number(value: Any) -> Any:
    """What ``copy_`` takes besides a tensor: a Python or NumPy number (a complex one loses its
    imaginary part, with torch's warning); not a list, an ndarray or None."""
    if not isinstance(value, NUMBERS):
        raise TypeError(
            f"copy_(): argument 'other' (position 1) must be Tensor, not {type_name_of(value)}"
        )
    check_python_int(value)
    if isinstance(value, np.complexfloating):  # torch reads it as float() does: NumPy warns
        return builtins.float(value)
    if isinstance(value, complex):
        warnings.warn(
            "Casting complex values to real discards the imaginary part", UserWarning, stacklevel=3
        )
        return value.real
    return value


def _new_size(size: tuple[Any, ...], name: str, options: dict[str, Any]) -> tuple[Any, ...]:
    """``new_zeros``' sizes read under its own name (for the errors), in torch's order: their
    kinds, the device, the sizes unpacked, their values; none if given as size=."""
    if not size:
        return ()
    check_int_tuple_kind(size, name)
    if "size" in options:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    check_device(options.get("device"))
    return (non_negative(int_tuple(size, name), name),)


_LEGACY_TYPE_NAMES = {
    _dtype.bool: "torch.BoolTensor",
    _dtype.uint8: "torch.ByteTensor",
    _dtype.int8: "torch.CharTensor",
    _dtype.int16: "torch.ShortTensor",
    _dtype.int32: "torch.IntTensor",
    _dtype.int64: "torch.LongTensor",
    _dtype.float16: "torch.HalfTensor",
    _dtype.float32: "torch.FloatTensor",
    _dtype.float64: "torch.DoubleTensor",
}


_warned_float_of_grad = False  # float(t) of a tensor that requires grad warned already
_warned_transpose: set[str] = set()  # which of T's and mT's warnings were given already
_TRANSPOSE_WARNINGS = {
    "0-d": "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases. "
    "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4321.)",
    "n-d": "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
    "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
    "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
    "dimensions of a tensor. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)",
    "mT 0-d": "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these "
    "cases. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4373.)",
}


def _warn_transpose_once(key: str) -> None:
    """A deprecation warning of ``T``/``mT``, once per process, as torch's TORCH_WARN_ONCE."""
    if key not in _warned_transpose:
        _warned_transpose.add(key)
        warnings.warn(_TRANSPOSE_WARNINGS[key], UserWarning, stacklevel=3)


class _RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook."""

    def __init__(self, remove: Any) -> None:
        self._remove = remove

    def remove(self) -> None:
        self._remove()


def _of_dtype(t: Tensor, options: dict[str, Any], name: str) -> dict[str, Any]:
    """``new_*``'s options: ``t``'s dtype unless another one is given (``dtype=None`` is none).
    An unknown keyword is torch's TypeError before anything else is looked at."""
    for key in options:
        if key not in ("size", "dtype", "device", "requires_grad"):
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
    dtype = _dtype.resolve(options.get("dtype"), name)
    return {**options, "dtype": t._dtype if dtype is None else dtype}


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    """Unpickle a tensor. NumPy unpickles an empty array with zero strides: give it fresh ones.
    Its version is 1, as a tensor torch loads: torch sets its memory in place."""
    t = Tensor._make(data if data.size else np.empty(data.shape, data.dtype))
    t._requires_grad = requires_grad
    t._version_counter[0] = 1
    return t


# The op modules import Tensor from here, so they are imported after the class exists.
from ._ops import indexing as _indexing  # noqa: E402
from ._ops import linalg as _linalg  # noqa: E402
from ._ops import pointwise as _pw  # noqa: E402
from ._ops import reduction as _red  # noqa: E402
from ._ops import shape as _shape  # noqa: E402
