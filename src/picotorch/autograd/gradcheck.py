"""gradcheck and gradgradcheck: check autograd's gradients against finite differences.

For a function ``f`` of tensors, the Jacobian of each output with respect to each input that
requires grad is computed twice:

- numerically: nudge one input element ``x`` by ``±eps`` and take the central difference
  ``(f(x + eps) - f(x - eps)) / (2 eps)``, element after element;
- analytically: backpropagate a one-hot gradient from each output element in turn with
  ``autograd.grad``, which gives one row of the Jacobian (the gradient of that element).

They must agree within ``atol + rtol * |numerical|``. Both are laid out as torch lays them
out: one row per input element, one column per output element (row-major order).
Use float64 inputs: with float32, rounding swamps a difference quotient with ``eps = 1e-6``.

``gradgradcheck`` runs ``gradcheck`` on the function that returns the first gradients
(computed with ``create_graph=True``), which checks the second derivatives.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` and ``gradgradcheck`` when a check fails."""


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def _is_tensor(x: Any) -> bool:
    from .._tensor import Tensor

    return isinstance(x, Tensor)


def _differentiable(outputs: Any) -> tuple[Tensor, ...]:
    return tuple(o for o in _as_tuple(outputs) if _is_tensor(o) and o.requires_grad)


# --8<-- [start:gradcheck]
def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Whether ``func``'s analytical gradients match finite differences at ``inputs``.

    >>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(torch.sin, (x,))
    True

    On a mismatch it raises ``GradcheckError`` (a RuntimeError) showing both Jacobians, or
    returns False if ``raise_exception=False``. It also checks that backward is deterministic
    (within ``nondet_tol``) and that a zero output gradient gives zero input gradients.
    ``fast_mode`` is accepted but the full check runs; ``check_undefined_grad`` is accepted
    (picotorch's engine has no undefined gradients, only zeros: the zero check covers it);
    forward-mode AD and batched (vmap) checks are not part of picotorch.
    """

    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError(
            "picotorch's gradcheck checks reverse mode only (no forward AD, no vmap)"
        )
    if not check_backward_ad:
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True"
        )
    try:
        return _gradcheck(func, _as_tuple(inputs), eps, atol, rtol, nondet_tol, check_grad_dtypes)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(
    func: Callable[..., Any],
    inputs: tuple[Any, ...],
    eps: float,
    atol: float,
    rtol: float,
    nondet_tol: float,
    check_grad_dtypes: bool,
) -> bool:
    diff_inputs = _check_inputs(inputs)
    tensor_outputs = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o)]
    numerical = _numerical_jacobians(func, inputs, diff_inputs, eps)  # [input][tensor output]
    # the checks number the outputs that require grad, and the inputs that do, from 0
    outputs = [(i, o) for i, o in enumerate(tensor_outputs) if o.requires_grad]
    if not outputs:  # nothing is differentiable: then f must not change at all
        if any(np.any(j != 0) for per_input in numerical for j in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    for out_nr, (position, output) in enumerate(outputs):
        analytical = _analytical_jacobians(output, diff_inputs, nondet_tol, check_grad_dtypes)
        for in_nr, a in enumerate(analytical):
            n = numerical[in_nr][position]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(
                    f"Jacobian mismatch for output {out_nr:d} with respect to input {in_nr:d},\n"
                    f"numerical:{_as_tensor(n)}\nanalytical:{_as_tensor(a)}\n"
                )
    _check_zero_grad_output(tuple(o for _, o in outputs), diff_inputs)
    return True


# --8<-- [end:gradcheck]


def _is_diff(o: Any) -> bool:
    return _is_tensor(o) and o.requires_grad


def _check_inputs(inputs: tuple[Any, ...]) -> list[Tensor]:
    """The inputs that require grad; warns about non-float64 ones, refuses overlapping ones."""
    from .. import _dtype

    diff_inputs = []
    for i, x in enumerate(inputs):
        if not (_is_tensor(x) and x.requires_grad):
            continue
        if x.dtype is not _dtype.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                stacklevel=4,
            )
        if any(stride == 0 and size > 1 for stride, size in zip(x.stride(), x.shape, strict=True)):
            raise RuntimeError(
                f"The {i}th input has a dimension with stride 0. gradcheck only supports inputs "
                "that are non-overlapping to be able to compute the numerical gradients "
                "correctly. You should call .contiguous on the input before passing it to "
                "gradcheck."
            )
        diff_inputs.append(x)
    if not diff_inputs:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )
    return diff_inputs


# --8<-- [start:numerical]
def _numerical_jacobians(
    func: Callable[..., Any], inputs: tuple[Any, ...], diff_inputs: list[Tensor], eps: float
) -> list[list[np.ndarray]]:
    """Central differences: for each input, for each output (all of them), a Jacobian of shape
    ``(input.numel(), output.numel())`` whose row k is d(output)/d(input element k)."""

    def outputs_now() -> list[np.ndarray]:
        return [o._data.reshape(-1).copy() for o in _as_tuple(func(*inputs)) if _is_tensor(o)]

    unchanged = outputs_now()
    jacobians = []
    for x in diff_inputs:
        # (in each output's dtype, as torch allocates them: a float32 output's differences
        # are float32 numbers)
        per_output = [np.zeros((x._data.size, *out.shape), out.dtype) for out in unchanged]
        memory = x._data  # nudged in place: every alias of x sees the change, as f should
        for row, index in enumerate(np.ndindex(memory.shape)):  # row-major order
            original = memory[index].copy()
            memory[index] = original + eps
            plus = outputs_now()
            memory[index] = original - eps
            minus = outputs_now()
            memory[index] = original
            for jacobian, p, m in zip(per_output, plus, minus, strict=True):
                jacobian[row] = (p - m) / (2 * eps)
        jacobians.append(per_output)
    return jacobians


# --8<-- [end:numerical]


# --8<-- [start:analytical]
def _analytical_jacobians(
    output: Tensor, diff_inputs: list[Tensor], nondet_tol: float, check_grad_dtypes: bool
) -> list[np.ndarray]:
    """Backward from each element of ``output`` with a one-hot gradient: the gradients that
    reach the inputs are the Jacobian's columns for that element. Done twice, to check that
    backward gives the same result every time (is "reentrant")."""
    first, dtypes_ok = _jacobian_columns(output, diff_inputs)
    second, _ = _jacobian_columns(output, diff_inputs)
    if not dtypes_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    for a, b in zip(first, second, strict=True):
        if a.size and np.max(np.abs(a - b)) > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and "
                "grad_output multiple times gives different values, although analytical "
                f"gradient matches numerical gradient.The tolerance for nondeterminism was "
                f"{nondet_tol}."
            )
    return first


def _jacobian_columns(output: Tensor, diff_inputs: list[Tensor]) -> tuple[list[np.ndarray], bool]:
    from .._tensor import Tensor
    from . import grad

    jacobians = [np.zeros((x._data.size, output._data.size), x._data.dtype) for x in diff_inputs]
    dtypes_ok = True
    for k in range(output._data.size):
        one_hot = np.zeros(output._data.size, output._data.dtype)
        one_hot[k] = 1
        grads = grad(
            output,
            diff_inputs,
            Tensor._make(one_hot.reshape(output._data.shape)),
            retain_graph=True,
            allow_unused=True,
        )
        for jacobian, x, g in zip(jacobians, diff_inputs, grads, strict=True):
            if g is None:
                continue  # this input does not affect the output: its column stays 0
            if g.shape != x.shape:
                raise GradcheckError("Analytical gradient has incorrect size")
            dtypes_ok = dtypes_ok and g.dtype is x.dtype
            jacobian[:, k] = g._data.reshape(-1)
    return jacobians, dtypes_ok


# --8<-- [end:analytical]


def _check_zero_grad_output(outputs: tuple[Tensor, ...], diff_inputs: list[Tensor]) -> None:
    """A zero gradient from the outputs must give zero gradients of the inputs' own dtype and
    size: backward has to multiply by the gradient it is given."""
    from .._creation import zeros_like
    from . import grad

    grads = grad(
        outputs,
        diff_inputs,
        [zeros_like(o) for o in outputs],
        retain_graph=True,
        allow_unused=True,
    )
    for g, x in zip(grads, diff_inputs, strict=True):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype is not x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.shape != x.shape:
            raise GradcheckError("grad is incorrect size")


def _as_tensor(jacobian: np.ndarray) -> Tensor:
    """A Jacobian as a tensor, so the error message prints it the way torch does."""
    from .._tensor import Tensor

    return Tensor._make(jacobian)


# --8<-- [start:gradgradcheck]
def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Whether ``func``'s second derivatives are right: ``gradcheck`` of the function that maps
    (inputs, grad_outputs) to the gradients of ``func``'s outputs with respect to its inputs,
    computed with ``create_graph=True``. Random ``grad_outputs`` in [-1, 1) if not given.

    >>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradgradcheck(torch.tanh, (x,))
    True
    """
    from .._creation import rand
    from . import grad, grad_mode

    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = []
        for o in _differentiable(func(*inputs)):
            shape = tuple(o.shape)
            wide = gen_non_contig_grad_outputs and len(shape) > 0
            with grad_mode.no_grad():
                if wide:  # every other element of a tensor twice as wide: not contiguous
                    g = (rand((*shape[:-1], 2 * shape[-1]), dtype=o.dtype) * 2 - 1)[..., ::2]
                else:
                    g = rand(shape, dtype=o.dtype) * 2 - 1  # uniform in [-1, 1)
            grad_outputs.append(g.requires_grad_())

    grad_outputs = _as_tuple(grad_outputs)
    n = len(grad_outputs)

    def first_gradients(*args: Any) -> tuple[Tensor, ...]:
        args_in, gs = args[:-n], args[-n:]
        wrt = [x for x in args_in if _is_diff(x)]
        outputs = _differentiable(func(*args_in))
        grads = grad(outputs, wrt, list(gs), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_gradients,
        inputs + grad_outputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad,
        check_grad_dtypes=check_grad_dtypes,
        check_batched_grad=check_batched_grad,
        check_forward_ad=check_fwd_over_rev,
        check_backward_ad=check_rev_over_rev,
        fast_mode=fast_mode,
        masked=masked,
    )


# --8<-- [end:gradgradcheck]
