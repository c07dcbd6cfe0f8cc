"""torch.backends.mps: Apple's GPU backend, never there in picotorch."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
