"""The site's MkDocs hooks (docs/hooks/*.py) as modules the tests can call. MkDocs loads them by
path, not as a package, so the tests do the same."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

HOOKS = Path(__file__).resolve().parents[1] / "docs" / "hooks"


def load_hook(name: str) -> ModuleType:
    """``docs/hooks/<name>.py``, loaded as a module named ``name``."""
    spec = importlib.util.spec_from_file_location(name, HOOKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
