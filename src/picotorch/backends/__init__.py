"""torch.backends, as far as tutorials ask it which backends there are: on a CPU-only build,
neither CUDA nor Apple's MPS is built or available (``torch.backends.mps.is_available()``)."""

from . import cuda, mps

__all__ = ["cuda", "mps"]
