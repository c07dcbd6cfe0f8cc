"""Shared pytest setup. The docs pages are collected by tests/docs_blocks.py (see pyproject)."""

import os

from hypothesis import settings

pytest_plugins = ["pytester"]  # test_docs.py runs small pytest sessions over fixture pages

# CI runs a fixed set of examples (no flaky failures between runs); locally each run explores anew.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
