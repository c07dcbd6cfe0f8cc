"""torch.cuda, as a CPU-only build of torch has it: no GPU is ever available."""


def is_available() -> bool:
    """False: picotorch runs on the CPU only (as does a CPU-only build of torch)."""
    return False


def device_count() -> int:
    """0: no GPU."""
    return 0
