"""torch.backends.cuda: never built into picotorch (see torch.cuda)."""


def is_built() -> bool:
    return False
