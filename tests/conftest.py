"""Shared pytest setup. The docs pages are collected by tests/docs_blocks.py (see pyproject)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

import picotorch  # noqa: F401 - before NumPy: it loads NumPy as on any CPU (picotorch/_numpy_loops.py)

ROOT = Path(__file__).resolve().parents[1]

pytest_plugins = ["pytester"]  # test_docs.py runs small pytest sessions over fixture pages

# CI runs a fixed set of examples (no flaky failures between runs); locally each run explores anew.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The site, built once per test session with ``mkdocs build --strict``, and what the build
    printed."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed; `nox -s tests` installs the docs stack")
    out = tmp_path_factory.mktemp("site")
    # Without -q: -q drops the warnings that --strict turns into a failure.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)]
    proc = subprocess.run(
        [*command, "--config-file", str(ROOT / "mkdocs.yml")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{proc.stdout}{proc.stderr}", pytrace=False)
    return out, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def site(site_build: tuple[Path, str]) -> Path:
    """The built site's directory (see ``site_build``)."""
    return site_build[0]
