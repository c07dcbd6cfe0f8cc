"""torch.Size, and the small helpers that read shapes and dimension arguments like torch."""

from __future__ import annotations

import builtins
import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    __module__ = "picotorch"  # (as torch.Size: see Tensor)

    __slots__ = ()

    def __new__(cls, sizes: Any = ()) -> Size:
        """``torch.Size(sizes)``: each item read as an int, as torch reads it (a bool, a NumPy
        int, an integer tensor of one element; any other kind is torch's TypeError)."""
        items = tuple(sizes)
        if not all(type(s) is int for s in items):
            items = tuple(map(_size_item, items, range(len(items))))
        return super().__new__(cls, items)

    @classmethod
    def _of(cls, shape: tuple[int, ...]) -> Size:
        """An array's shape (ints already) as a Size, unchecked: ``Tensor.shape``'s path."""
        return tuple.__new__(cls, shape)

    def __repr__(self) -> str:
        for s in self:  # (torch keeps an int beyond int64 as given, and fails to print it)
            check_int64(s)
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key: Any) -> Any:
        item = super().__getitem__(key)
        return Size(item) if isinstance(key, slice) else item

    def __add__(self, other: Any) -> Size:
        if not isinstance(other, tuple):  # (a list too, as torch)
            raise TypeError(
                f"can only concatenate tuple (not {type(other).__name__}) to torch.Size"
            )
        return Size(tuple(self) + other)

    def __radd__(self, other: Any) -> Any:  # (``(4,) + size``; a list's own + refuses a Size)
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(other + tuple(self))

    def __mul__(self, n: Any) -> Size:
        return Size(tuple(self) * n)

    __rmul__ = __mul__


def _size_item(value: Any, position: int) -> int:
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(
            f"torch.Size() takes an iterable of 'int' (item {position} is '{type(value).__name__}')"
        ) from None
    return number


def non_negative(shape: tuple[int, ...], name: str) -> tuple[int, ...]:
    """A new tensor's ``shape`` (read by ``int_tuple``), if no size in it is negative; else
    torch's RuntimeError (``name``: the function)."""
    for s in shape:
        if s < 0:
            if name == "zeros":  # (torch's zeros has a check and words of its own)
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(shape)}"
            )
    return shape


# The default of an argument that may also be given as None (which is then an error)
NOT_GIVEN: Any = object()

# torch's parser reads a Number given as a Python int as a C int64, or as a uint64 where it is
# too big for int64 (``x + 2**63`` is 9.2234e+18); beyond both it raises Python's OverflowError,
# where NumPy would compute with the int as a float. An int argument (a dim, a size, an index)
# must be an int64 (``check_int64``).
INT64_MIN, INT64_MAX, UINT64_END = -(2**63), 2**63 - 1, 2**64
_INT64_OVERFLOW = "Overflow when unpacking long long"


def storage_bytes(shape: tuple[int, ...], itemsize: int, *, resized: bool = False) -> int:
    """The bytes of new contiguous memory for ``shape``, checked as torch checks them before it
    allocates (NumPy's own limits are other ones, with its ValueError). Its count of elements
    and bytes, in uint64, must not overflow at any step (so ``(2**32, 2**32, 0)`` is refused
    though it has no element) nor pass int64; each stride (the product of the later sizes, a 0
    counted as 1) must fit int64. ``resized``: torch reaches the memory through ``resize_`` (an
    ``out=``, ``eye``), which first counts the elements in int64."""
    numel, overflowed = 1, False
    for s in shape:
        numel *= s
        overflowed |= numel >= (INT64_MAX + 1 if resized else UINT64_END)
    if resized and overflowed:
        raise RuntimeError("numel: integer multiplication overflow")
    if overflowed or numel * itemsize > INT64_MAX:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(shape)}")
    stride = 1
    for s in shape[:0:-1]:
        stride *= builtins.max(s, 1)
    if stride > INT64_MAX:
        raise RuntimeError("Stride calculation overflowed")
    return numel * itemsize


def check_int64(number: int) -> None:
    """torch's ValueError for an int argument (a dim, a size, an index) beyond int64."""
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(_INT64_OVERFLOW)


def int_tuple(
    args: Sequence[Any], name: str, arg: str = "size", position: int | None = 1
) -> tuple[int, ...]:
    """torch's "tuple of ints" argument, given as ``f(2, 3)`` or as one tuple, list or
    ``torch.Size``. Each is an int: a Python or NumPy one, or an integer tensor of one element.
    torch tells a list of ints by its first item, which must not be a bool; bools after it
    count as 0 and 1 (``zeros(2, True)`` is ``zeros(2, 1)``, ``zeros(True)`` an error).
    ``name``, ``arg`` and ``position`` (the function and argument; None: given by name) are
    for the TypeError."""
    unpacked = len(args) == 1 and isinstance(args[0], tuple | list)
    values = args[0] if unpacked else args
    try:
        ints = tuple(map(operator.index, values))
    except TypeError:
        raise _int_tuple_error(values, name, arg, position, unpacked) from None
    if values and type(values[0]) is builtins.bool:
        raise _int_tuple_error(values, name, arg, position, unpacked)
    check_int64_items(ints, name, arg)
    return ints


def check_int_tuple_kind(
    args: Sequence[Any],
    name: str,
    arg: str = "size",
    position: int | None = 1,
    *,
    one_argument: bool = False,
) -> None:
    """What torch's parser checks of a "tuple of ints" (given as ``int_tuple`` takes it; as
    ``one_int_tuple`` takes it if ``one_argument``) while it matches the call to a signature:
    that it is one, by its first item. The other items are unpacked when the op reads the
    argument (``int_tuple``): a factory reads its dtype, device and ``out`` first, so
    ``torch.zeros((2, 'a'), device='cuda')`` is the device's error."""
    if one_argument:
        one_int_tuple_kind(args[0], name, arg, position)
    unpacked = len(args) == 1 and isinstance(args[0], tuple | list)
    values = args[0] if unpacked else args
    if not values:
        return
    try:
        operator.index(values[0])
    except TypeError:
        raise _int_tuple_error(values, name, arg, position, unpacked) from None
    if type(values[0]) is builtins.bool:
        raise _int_tuple_error(values, name, arg, position, unpacked)


def check_int64_items(ints: Sequence[int], name: str, arg: str) -> None:
    """torch's TypeError for a list of ints with one beyond int64 (``zeros(2, 2**70)``)."""
    if ints and (max(ints) > INT64_MAX or min(ints) < INT64_MIN):
        bad = next(i for i, n in enumerate(ints) if not INT64_MIN <= n <= INT64_MAX)
        raise TypeError(
            f"{name}(): argument '{arg}' failed to unpack the object at pos {bad + 1} with error "
            f'"{_INT64_OVERFLOW}"'
        )


def check_int64_arg(name: str, arg: str, value: Any, ints: Sequence[int]) -> None:
    """The ints read from an argument that is one int or a list of them (``value``, as given)
    within int64, as torch unpacks them after every argument's kind: a list's TypeError naming
    the position (``check_int64_items``), a bare int's ValueError."""
    if isinstance(value, tuple | list):
        check_int64_items(ints, name, arg)
    elif ints:
        check_int64(ints[0])


def _int_tuple_error(
    values: Sequence[Any], name: str, arg: str, position: int | None, unpacked: bool
) -> TypeError:
    """torch's words for a "tuple of ints" that is not: they depend on whether the first item
    is the bad one, and on how the sizes were passed."""
    bad = next((i for i, v in enumerate(values) if not hasattr(v, "__index__")), 0)
    kind = type_name_of(values[bad])
    if bad > 0:  # f(2, None), f((2, 3.0))
        return TypeError(
            f"{name}(): argument '{arg}' failed to unpack the object at pos {bad + 1} with error "
            f'"type must be tuple of ints,but got {kind}"'
        )
    if len(values) > 1 and not unpacked:  # f(2.0, 3)
        return TypeError(f"{name}() takes 1 positional argument but {len(values)} were given")
    start = f"{name}(): argument '{arg}'{_at(position)} must be tuple of ints"
    if unpacked:  # f((2.0, 3)), f([True])
        return TypeError(f"{start}, but found element of type {kind} at pos 0")
    return TypeError(f"{start}, not {kind}")  # f(2.5), f(torch.ones(2)), f(None)


def one_int_tuple(value: Any, name: str, arg: str, position: int | None) -> tuple[int, ...]:
    """A "tuple of ints" given as one argument: a tuple, list or ``torch.Size``, never a bare
    int (``torch.reshape(x, (2, 3))``, ``torch.flip(x, [0])``, ``x.reshape(shape=(2, 3))``)."""
    one_int_tuple_kind(value, name, arg, position)
    return int_tuple((value,), name, arg, position)


def one_int_tuple_kind(value: Any, name: str, arg: str, position: int | None) -> None:
    """A "tuple of ints" given as one argument must be a sequence."""
    if not isinstance(value, tuple | list):
        kind = type_name_of(value)
        raise TypeError(
            f"{name}(): argument '{arg}'{_at(position)} must be tuple of ints, not {kind}"
        )


def method_sizes(args: tuple[Any, ...], keyword: Any, name: str, arg: str) -> tuple[int, ...]:
    """A Tensor method's sizes or dims, which torch takes one by one (``x.reshape(2, 3)``), as
    one tuple (``x.reshape((2, 3))``) or by the argument's name (``x.reshape(shape=(2, 3))``);
    ``keyword`` is the last, NOT_GIVEN if absent."""
    if keyword is NOT_GIVEN:
        if not args:
            raise TypeError(f'{name}() missing 1 required positional arguments: "{arg}"')
        return int_tuple(args, name, arg)
    if args:
        raise TypeError(f"{name}() got multiple values for argument '{arg}'")
    return one_int_tuple(keyword, name, arg, None)


_F = TypeVar("_F", bound=Callable[..., Any])


def dim_by_name(function: _F) -> _F:
    """``max``/``min`` as torch reads a tensor given by name as ``dim`` (or ``axis``): an int if
    it is a 0-d integer tensor, else its TypeError. Only a tensor in ``dim``'s position is the
    elementwise ``other`` (``x.max(t)``; ``x.max(dim=t)`` is no maximum)."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        dim = kwargs.get("dim")
        if dim is not None and type(dim) is not builtins.int:
            from ._tensor import Tensor  # (here, not above: _tensor imports this module)

            if isinstance(dim, Tensor):
                if dim._data.ndim or dim._dtype._kind != 1:
                    overloads = ("", "Tensor other", "int dim, bool keepdim = False")
                    raise invalid_combination(function.__name__, "dim=Tensor, ", *overloads)
                kwargs["dim"] = int(dim._data)
        return function(*args, **kwargs)

    return call  # type: ignore[return-value]


def numpy_names(function: _F) -> _F:
    """Let ``function`` also take NumPy's names ``axis=`` for ``dim=`` and ``keepdims=`` for
    ``keepdim=`` (``x.sum(axis=0)``, ``torch.cat(ts, axis=1)``), as torch's argument parser does
    for every function written in C. (Those torch writes in Python, such as ``F.softmax`` or
    ``x.split``, take no such names, so picotorch's don't either.)"""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs or "keepdims" in kwargs:
            for numpy_name, name in (("axis", "dim"), ("keepdims", "keepdim")):
                if numpy_name in kwargs:
                    if name in kwargs:  # both names: torch knows only one of them
                        raise TypeError(
                            f"{function.__name__}() got an unexpected keyword argument "
                            f"'{numpy_name}'"
                        )
                    kwargs[name] = kwargs.pop(numpy_name)
        return function(*args, **kwargs)

    return call  # type: ignore[return-value]


# torch's Number, a Scalar argument (fill values, alpha, clamp's bounds): a Python or NumPy
# number or bool (torch also takes a 0-d tensor there, as its value)
NUMBERS = (builtins.int, builtins.float, complex, np.number, np.bool_)


def number_arg(value: Any, name: str, arg: str, position: int | None) -> Any:
    """``value`` if it is torch's Number, as the Python number its parser reads (a NumPy int
    as an int, a NumPy float or bool as a float: no NumPy arithmetic rounds or wraps what is
    done with it), a 0-d tensor's value; else torch's TypeError."""
    if isinstance(value, NUMBERS):
        check_python_int(value)
        if isinstance(value, np.generic):
            return builtins.float(value) if isinstance(value, np.bool_) else value.item()
        return value
    check_number_kind(value, name, arg, position)
    return value.item()  # (a 0-d tensor)


def float_arg(value: Any, name: str, arg: str, position: int | None = None) -> float:
    """torch's float argument (a C double): a real Python or NumPy number, a bool among them,
    or the value of a 0-d tensor that does not require grad, as a Python float (so that no
    NumPy float16 or float64 rounds the arithmetic done with it); else torch's TypeError.
    ``position`` None: keyword-only."""
    if type(value) is builtins.float:  # (the usual case, first)
        return value
    from ._tensor import Tensor  # (here, not above: _tensor imports this module)

    if isinstance(value, Tensor) and not value._data.ndim and not value._requires_grad:
        value = value.item()
    if not isinstance(value, NUMBERS) or isinstance(value, complex | np.complexfloating):
        kind = type_name_of(value)
        raise TypeError(f"{name}(): argument '{arg}'{_at(position)} must be float, not {kind}")
    return builtins.float(value)


def check_number_kind(value: Any, name: str, arg: str, position: int | None) -> None:
    """torch's TypeError if ``value`` is not a Number: its parser's check. The value is read
    later, by ``number_arg``: a factory reads its device first (``torch.full((2,), 2**70,
    device='cuda')`` is the device's error)."""
    from ._tensor import Tensor  # (here, not above: _tensor imports this module)

    if not isinstance(value, NUMBERS) and not (isinstance(value, Tensor) and not value._data.ndim):
        kind = type_name_of(value)
        raise TypeError(f"{name}(): argument '{arg}'{_at(position)} must be Number, not {kind}")


def check_python_int(value: Any) -> None:
    """torch's error for a Number that is an int no C integer it reads holds: a Python int
    beyond uint64 (OverflowError), a NumPy uint64 beyond int64 (TypeError: torch reads NumPy's
    ints as int64). Other values pass."""
    if type(value) is builtins.int and not INT64_MIN <= value < UINT64_END:
        raise OverflowError(
            "int too big to convert" if value > 0 else "can't convert negative int to unsigned"
        )
    if type(value) is np.uint64 and value > INT64_MAX:
        raise TypeError("an integer is required")


def invalid_combination(name: str, got: str, *overloads: str) -> TypeError:
    """torch's TypeError when the arguments fit none of a function's overloads."""
    listed = "".join(f" * ({o})\n" for o in overloads)
    return TypeError(
        f"{name}() received an invalid combination of arguments - got ({got}), but expected one "
        f"of:\n{listed}"
    )


def int_arg(value: Any, name: str, arg: str, position: int | None = 1) -> int:
    """torch's int argument: a Python or NumPy int, or a one-element integer tensor; not a bool
    (nor a float: ``randperm(2.5)`` is torch's TypeError). ``position`` None: given by name."""
    number = parsed_int(value, name, arg, position)
    check_int64(number)
    return number


def int_args(name: str, *arguments: tuple[Any, str, int | None]) -> list[int]:
    """Several int arguments ``(value, arg, position)`` of ``name``, read as torch's parser
    reads them: every one's kind first, then each one's range (``x.transpose(2**63, 'a')`` is
    the TypeError of 'a', not the overflow of 2**63)."""
    ints = [parsed_int(value, name, arg, position) for value, arg, position in arguments]
    for number in ints:
        check_int64(number)
    return ints


def parsed_int(value: Any, name: str, arg: str, position: int | None = 1) -> int:
    """An int argument as torch's parser takes it (see ``int_arg``), not yet unpacked into an
    int64 (``check_int64``): a factory reads its device first (``torch.eye(2**70,
    device='cuda')`` is the device's error)."""
    if type(value) is builtins.int:
        return value
    if type(value) is not builtins.bool and ((name, arg) in _SYMINT_ARGS or plain_int_kind(value)):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(
        f"{name}(): argument '{arg}'{_at(position)} must be int, not {type_name_of(value)}"
    )


# the int arguments torch reads as sizes or indices ("SymInt"), which take a tensor of one
# element or a 0-d ndarray too; a plain int (a dim, a count) takes neither (see plain_int_kind)
_SYMINT_ARGS = frozenset(
    {
        ("eye", "n"),
        ("eye", "m"),
        ("randperm", "n"),
        ("randint", "high"),
        ("narrow", "start"),
        ("narrow", "length"),
        ("select", "index"),
        ("split", "split_size"),
        ("nll_loss_nd", "ignore_index"),
        ("cross_entropy_loss", "ignore_index"),
    }
)


def plain_int_kind(value: Any) -> builtins.bool:
    """Whether torch's parser takes ``value`` for a plain int: no ndarray, and a tensor only if
    0-d and of an integer dtype (not bool); anything else with ``__index__`` (NumPy's ints)."""
    if isinstance(value, np.ndarray):
        return False
    data = getattr(value, "_data", None)
    if isinstance(data, np.ndarray):  # (a tensor)
        return data.ndim == 0 and data.dtype.kind in "iu"
    return True


def bool_arg(value: Any, name: str | None, arg: str, position: int | None = None) -> bool:
    """torch's bool argument (``keepdim``, ``requires_grad``): True or False, nothing else
    (``x.sum(0, 1)`` is an error, not ``keepdim=True``; nor is a NumPy bool taken). ``name``:
    the function, for the message (None where the caller can't tell)."""
    if value is True or value is False:
        return value
    function = "" if name is None else f"{name}(): "
    raise TypeError(
        f"{function}argument '{arg}'{_at(position)} must be bool, not {type_name_of(value)}"
    )


def _at(position: int | None) -> str:
    """Where a bad argument was in torch's messages: `` (position 2)``, or nothing if given by
    name."""
    return "" if position is None else f" (position {position})"


def type_name_of(value: Any) -> str:
    """A Python value's type as torch's messages name it: a C type by its full name
    (``numpy.ndarray``), any other by its own (``list``, ``Tensor``)."""
    kind = type(value)
    return f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major strides in elements, as torch computes them (a size-0 dim counts as 1)."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def normalize_dim(dim: int, ndim: int) -> int:
    """A dim in ``[-ndim, ndim)`` as a non-negative index; IndexError naming the range."""
    bound = max(ndim, 1)  # a 0-d tensor accepts dim 0 and -1, like torch
    try:
        if type(dim) is not builtins.int:  # (a bool is an int to Python, not to torch)
            if type(dim) is builtins.bool or not plain_int_kind(dim):
                raise TypeError
            dim = operator.index(dim)
    except TypeError:
        raise TypeError(f"dim must be an int, got {type(dim).__name__}") from None
    if not -bound <= dim < bound:
        check_int64(dim)
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], "
            f"but got {dim})"
        )
    return dim % bound


# (0, 1, ..., n - 1) for every n NumPy allows: "all dims" is every full reduction's axes
# (``loss.sum()``), and building the tuple anew costs more than the rest of this function
_ALL_DIMS = tuple(tuple(range(n)) for n in range(65))


def normalize_dims(
    dim: int | Sequence[int] | None, ndim: int, *, in_turn: bool = False
) -> tuple[int, ...]:
    """One dim or a list of dims, normalised; None means all dims. Duplicates are an error.

    Most ops wrap every dim before they look for a repeat (``x.sum((-1, 1, 3))`` of a matrix
    is the range error of 3); ``squeeze``, ``var`` and ``std`` check each dim ``in_turn``
    against those before it (there it is the repeat of 1)."""
    if dim is None:
        return _ALL_DIMS[ndim]
    data = getattr(dim, "_data", None)
    if isinstance(data, np.ndarray) and data.size == 1 and data.dtype.kind in "iu":
        dim = int(data.reshape(-1)[0])  # (a list of dims takes an integer tensor of one element)
    dims = tuple(dim) if isinstance(dim, tuple | list) else (dim,)  # (one: an int, a 0-d tensor)
    if builtins.bool in map(type, dims[1:]):  # torch reads bools after the first as 0 and 1
        dims = (dims[0], *map(int, dims[1:]))
    if isinstance(dim, tuple | list):  # (torch unpacks a list of dims first: a TypeError)
        for pos, d in enumerate(dims):
            if type(d) is builtins.int and not INT64_MIN <= d <= INT64_MAX:
                raise TypeError(
                    f"argument 'dim' failed to unpack the object at pos {pos + 1} with error "
                    f'"{_INT64_OVERFLOW}"'
                )
    if in_turn:
        out: tuple[int, ...] = ()
        for d in dims:
            out += (normalize_dim(d, ndim),)
            _check_repeat(out)
        return out
    out = tuple(normalize_dim(d, ndim) for d in dims)
    for i in range(2, len(out) + 1):
        _check_repeat(out[:i])
    return out


def _check_repeat(dims: tuple[int, ...]) -> None:
    """The last of ``dims`` must not be one of those before it."""
    if dims[-1] in dims[:-1]:
        raise RuntimeError(f"dim {dims[-1]} appears multiple times in the list of dims")


def broadcast_error(a: tuple[int, ...], b: tuple[int, ...]) -> RuntimeError:
    """torch's message for two shapes that do not broadcast, naming the first bad dim."""
    ndim = max(len(a), len(b))
    for i in range(1, ndim + 1):
        sa = a[-i] if i <= len(a) else 1
        sb = b[-i] if i <= len(b) else 1
        if sa != sb and sa != 1 and sb != 1:
            return RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                f"non-singleton dimension {ndim - i}"
            )
    return RuntimeError(f"shapes {list(a)} and {list(b)} cannot be broadcast together")


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape all ``shapes`` broadcast to; torch's RuntimeError if they don't.

    Like torch, the shapes are combined left to right, so the message compares the shape
    so far (tensor a) with the next one (tensor b).
    """
    result: tuple[int, ...] = ()
    for shape in shapes:
        try:
            result = np.broadcast_shapes(result, shape)
        except ValueError:
            raise broadcast_error(result, shape) from None
    return result
