"""torch.accelerator, as a CPU-only build of torch has it: no accelerator (GPU) is ever there.

PyTorch's tutorials pick their device with it::

    accelerator = torch.accelerator.current_accelerator()
    device = accelerator.type if torch.accelerator.is_available() else "cpu"  # "cpu" here
"""

from __future__ import annotations

from typing import Any


def is_available() -> bool:
    """False: picotorch runs on the CPU only."""
    return False


def current_accelerator(check_available: bool = False) -> Any:
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    """0: no accelerator."""
    return 0
