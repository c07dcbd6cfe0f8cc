"""torch.utils: only ``utils.data`` is part of picotorch."""

from . import data as data
