"""torch.nn: modules, parameters, losses, initialisation (being built; see issue 4)."""

from . import functional
