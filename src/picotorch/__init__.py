"""picotorch: PyTorch's basics, re-implemented in readable Python on NumPy.

``import picotorch as torch`` and the tutorial code of the site runs unchanged.
"""

import builtins as _builtins  # the names bool and int below are torch's dtypes
import warnings

from . import _numpy_loops

_numpy_loops.load_numpy()  # first: NumPy's loops as on any CPU (see _numpy_loops)

# NumPy warns about floating-point edge cases (1/0, log(-1), overflow); torch returns inf/nan
# without a word, and so does picotorch. This filter silences exactly those NumPy warnings and
# only when they come from picotorch's own code: one entry, set once, instead of wrapping
# every op in np.errstate (which would cost ~2 µs per call, more than a small op itself). So
# picotorch reduces with the ufuncs' own methods (np.add.reduce), not np.sum, np.prod or
# ndarray.mean: theirs warn from NumPy's modules, which the filter does not cover.
warnings.filterwarnings(
    "ignore", message=r".* encountered in ", category=RuntimeWarning, module=r"picotorch(\.|$)"
)

from . import accelerator, autograd, backends, cuda, nn, optim, serialization, utils
from ._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from ._device import device, get_default_device, set_default_device
from ._dtype import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
)
from ._dtype import result_type_of as result_type
from ._memory_format import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    memory_format,
    preserve_format,
)
from ._ops.activation import log_softmax, softmax
from ._ops.indexing import gather, index_select, masked_fill, nonzero, scatter, scatter_add
from ._ops.linalg import addmm, bmm, dot, matmul, mm, mv
from ._ops.pointwise import (
    abs,
    add,
    allclose,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    clamp,
    cos,
    div,
    eq,
    equal,
    exp,
    floor_divide,
    ge,
    gt,
    le,
    log,
    log1p,
    logical_not,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    pow,
    reciprocal,
    relu,
    remainder,
    sigmoid,
    sign,
    sin,
    sqrt,
    sub,
    subtract,
    tanh,
    true_divide,
    where,
)
from ._ops.reduction import (
    all,
    any,
    argmax,
    argmin,
    max,
    mean,
    min,
    norm,
    prod,
    std,
    sum,
    var,
)
from ._ops.shape import (
    broadcast_to,
    cat,
    chunk,
    flatten,
    flip,
    narrow,
    permute,
    reshape,
    select,
    split,
    squeeze,
    stack,
    swapaxes,
    t,
    transpose,
    unbind,
    unsqueeze,
)
from ._ops.summation import get_num_threads, set_num_threads
from ._printing import set_printoptions
from ._random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from ._size import Size
from ._tensor import Tensor
from .autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .serialization import load, save

clip = clamp
concat = cat
concatenate = cat
multiply = mul
divide = div

__version__ = "0.1.0"


def is_tensor(obj: object) -> _builtins.bool:
    """Whether ``obj`` is a picotorch Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> _builtins.bool:
    return input.is_floating_point()


def numel(input: Tensor) -> _builtins.int:
    """The number of elements of ``input``."""
    return input.numel()


def clone(input: Tensor, *, memory_format: object = preserve_format) -> Tensor:  # noqa: F811
    """A copy of ``input`` with its own memory."""
    return input.clone(memory_format=memory_format)
