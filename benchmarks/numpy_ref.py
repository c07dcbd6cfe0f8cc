"""The NumPy reference: every workload's forward and backward written out by hand.

This is the floor an autograd library on NumPy is measured against: the same array operations,
with no graph, no Tensor objects and no bookkeeping. It computes the same gradients as torch
(``benchmarks/check.py`` verifies it) and updates weights with the same SGD-with-momentum rule.
All arrays are float32, as in torch.
"""

from __future__ import annotations

import numpy as np

from .data import Params

# --- W1, W3, W5: single expressions ----------------------------------------------------------


def tiny_step(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> list[np.ndarray]:
    """W1: ``((a*b + c).relu() @ a).sum()`` and its gradients with respect to a, b and c."""
    r = np.maximum(a * b + c, 0)
    out = r @ a
    out.sum()  # the loss: computed, as the forward pass computes it, though backward needs none
    g = np.ones_like(out)  # d sum / d (r @ a)
    grad_r = g @ a.T
    grad_s = grad_r * (r > 0)  # through relu
    grad_a = r.T @ g + grad_s * b  # a is used twice: in the product and in the matmul
    return [grad_a, grad_s * a, grad_s]


def matmul_sum_step(a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    """W3: ``(a @ b).sum()`` and its gradients with respect to a and b."""
    out = a @ b
    out.sum()  # the loss
    g = np.ones_like(out)  # d sum / d (a @ b)
    return [g @ b.T, a.T @ g]


CHAIN_FACTOR = 1.0001  # 1.0001 ** 100_000 is about 2.2e4: no overflow, no denormals


def chain_backward(n: int, shape: tuple[int, ...]) -> np.ndarray:
    """W5: the backward of ``y = x * c * c * ... (n times); y.sum()``: n multiplications."""
    g = np.ones(shape, np.float32)
    for _ in range(n):
        g = g * CHAIN_FACTOR
    return g


# --- W2, W4: networks, losses, the optimizer -------------------------------------------------


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy via log-softmax, and its gradient with respect to the logits."""
    n = len(y)
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    grad = np.exp(log_p)  # softmax - one_hot(y), over n
    grad[np.arange(n), y] -= 1
    return float(loss), grad / n


class MLP:
    """Linear -> ReLU -> ... -> Linear, with the activations kept for the backward pass."""

    def __init__(self, params: Params) -> None:
        self.params = [(w.copy(), b.copy()) for w, b in params]

    def parameters(self) -> list[np.ndarray]:
        return [p for layer in self.params for p in layer]

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.inputs = []  # the input of each Linear (after the previous ReLU)
        for i, (w, b) in enumerate(self.params):
            if i > 0:
                x = np.maximum(x, 0)
            self.inputs.append(x)
            x = x @ w.T + b
        return x

    def backward(self, grad: np.ndarray) -> list[np.ndarray]:
        """Gradients in the order of :meth:`parameters`, given d loss / d output."""
        grads: list[np.ndarray] = []
        for i in reversed(range(len(self.params))):
            x, w = self.inputs[i], self.params[i][0]
            grads[:0] = [grad.T @ x, grad.sum(axis=0)]
            if i > 0:  # the network's input needs no gradient
                grad = (grad @ w) * (x > 0)  # through the Linear, then the ReLU
        return grads


# The CNN keeps activations channels-last, (B, H, W, C): then im2col, the matmul's output and
# pooling all work on contiguous channel rows, and no 6-D transposed copy is needed. Weights stay
# in torch's layout (out, in, kH, kW) so that the optimizer and the checks see torch's arrays.


def im2col(x: np.ndarray) -> np.ndarray:
    """(B, H, W, C) -> (B*H*W, 9*C): each pixel's zero-padded 3x3 neighbourhood as one row."""
    B, H, W, C = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    cols = np.empty((B, H, W, 3, 3, C), np.float32)
    for i in range(3):  # nine shifted copies, one per kernel offset
        for j in range(3):
            cols[:, :, :, i, j, :] = padded[:, i : i + H, j : j + W, :]
    return cols.reshape(B * H * W, 9 * C)


def col2im(cols: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The adjoint of :func:`im2col`: adds each row's 3x3 entries back onto their pixels."""
    B, H, W, C = shape
    cols = cols.reshape(B, H, W, 3, 3, C)
    padded = np.zeros((B, H + 2, W + 2, C), np.float32)
    for i in range(3):
        for j in range(3):
            padded[:, i : i + H, j : j + W, :] += cols[:, :, :, i, j, :]
    return padded[:, 1 : H + 1, 1 : W + 1, :]


def conv_matrix(w: np.ndarray) -> np.ndarray:
    """A conv weight (O, C, 3, 3) as the (O, 9*C) matrix that multiplies im2col's rows."""
    return w.transpose(0, 2, 3, 1).reshape(len(w), -1)


def max_pool2(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pooling, stride 2, on (B, H, W, C); also the argmax (0..3) of each window."""
    a, b, c, d = (x[:, i::2, j::2, :] for i in (0, 1) for j in (0, 1))  # row-major window order
    out = np.maximum(np.maximum(a, b), np.maximum(c, d))
    arg = np.select([a == out, b == out, c == out], [0, 1, 2], 3)  # the first maximum wins
    return out, arg


def max_pool2_backward(grad: np.ndarray, arg: np.ndarray) -> np.ndarray:
    """Routes each window's gradient to the position of its maximum."""
    B, Ho, Wo, C = grad.shape
    out = np.empty((B, 2 * Ho, 2 * Wo, C), np.float32)
    for k, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        out[:, i::2, j::2, :] = np.where(arg == k, grad, 0)
    return out


class CNN:
    """W4: (conv 3x3 pad 1 -> ReLU -> max pool 2) x 2 -> flatten -> Linear."""

    def __init__(self, params: Params) -> None:
        self.params = [(w.copy(), b.copy()) for w, b in params]

    def parameters(self) -> list[np.ndarray]:
        return [p for layer in self.params for p in layer]

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, 1, 8, 8) images, as torch takes them."""
        x = x.transpose(0, 2, 3, 1)  # to channels-last
        self.saved = []  # per conv block: its input's shape, im2col rows, ReLU output, argmax
        for w, b in self.params[:-1]:
            B, H, W, _ = x.shape
            cols = im2col(x)
            relu = np.maximum(cols @ conv_matrix(w).T + b, 0).reshape(B, H, W, len(w))
            pooled, arg = max_pool2(relu)
            self.saved.append((x.shape, cols, relu, arg))
            x = pooled
        self.pooled_shape = x.shape
        self.flat = x.transpose(0, 3, 1, 2).reshape(len(x), -1)  # flattened as torch: C, H, W
        w, b = self.params[-1]
        return self.flat @ w.T + b

    def backward(self, grad: np.ndarray) -> list[np.ndarray]:
        """Gradients in the order of :meth:`parameters`, given d loss / d output."""
        w, _ = self.params[-1]
        grads = [grad.T @ self.flat, grad.sum(axis=0)]
        B, H, W, C = self.pooled_shape
        grad = (grad @ w).reshape(B, C, H, W).transpose(0, 2, 3, 1)  # un-flatten
        for i in reversed(range(len(self.saved))):
            x_shape, cols, relu, arg = self.saved[i]
            w, _ = self.params[i]
            grad = max_pool2_backward(grad, arg) * (relu > 0)  # through pool, then ReLU
            rows = grad.reshape(-1, len(w))  # (B*H*W, out channels)
            grad_w = (rows.T @ cols).reshape(len(w), 3, 3, -1).transpose(0, 3, 1, 2)
            grads[:0] = [grad_w, rows.sum(axis=0)]
            if i > 0:  # the images need no gradient
                grad = col2im(rows @ conv_matrix(w), x_shape)
        return grads


class SGD:
    """torch.optim.SGD(momentum=m): buf = g on the first step, then buf = m*buf + g; p -= lr*buf."""

    def __init__(self, params: list[np.ndarray], lr: float, momentum: float) -> None:
        self.params, self.lr, self.momentum = params, lr, momentum
        self.bufs: list[np.ndarray] | None = None

    def step(self, grads: list[np.ndarray]) -> None:
        if self.bufs is None:
            self.bufs = [g.copy() for g in grads]
        else:
            for buf, g in zip(self.bufs, grads, strict=True):
                buf *= self.momentum
                buf += g
        for p, buf in zip(self.params, self.bufs, strict=True):
            p -= self.lr * buf  # in place: the model's arrays are these arrays


def train_step(model: MLP | CNN, opt: SGD, x: np.ndarray, y: np.ndarray) -> float:
    """One SGD step on one batch; returns the loss."""
    loss, grad = cross_entropy(model.forward(x), y)
    opt.step(model.backward(grad))
    return loss


def accuracy(model: MLP | CNN, x: np.ndarray, y: np.ndarray) -> float:
    return float((model.forward(x).argmax(axis=1) == y).mean())
