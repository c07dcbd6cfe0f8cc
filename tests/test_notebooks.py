"""The notebooks of docs/notebooks/ run under picotorch and under torch and print the same text.

The site executes each notebook at build time with picotorch (mkdocs-jupyter). Here the
notebook runs as a plain script, once per backend (``import picotorch…`` becomes
``import torch…``, as for the docs pages), with matplotlib drawing off screen: a percent-format
notebook is a Python file whose markdown cells are comments. A notebook also shows the value of
a cell's last expression, which a script drops, so the notebook's cells end with statements or
with ``print(…)``/``plt.show()`` only (checked below): then the script prints what the page shows.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docs_blocks import BACKENDS, reset_globals, to_torch

_DOCS_EXTRA = "the notebooks need the docs extra; `nox -s tests` installs it"
jupytext = pytest.importorskip("jupytext", reason=_DOCS_EXTRA)
matplotlib = pytest.importorskip("matplotlib", reason=_DOCS_EXTRA)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebooks" / "train_classifier.py"
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))

# Calls that may end a cell: they return None, so the notebook shows nothing more than the script.
SILENT_CALLS = {"print", "plt.show"}


def run_notebook(path: Path, backend: str) -> tuple[str, dict[str, Any]]:
    """Run the notebook under ``backend``: what it printed, and its namespace at the end."""
    source = path.read_text(encoding="utf-8")
    if backend == "torch":
        source = to_torch(source)
    reset_globals(backend)
    matplotlib.use("Agg")  # no display: figures are drawn and dropped
    import matplotlib.pyplot as plt

    namespace: dict[str, Any] = {"__name__": "__main__"}
    stdout = io.StringIO()
    try:
        with (
            _one_thread(backend),
            warnings.catch_warnings(),
            contextlib.redirect_stdout(stdout),
        ):
            # plt.show() on the Agg backend says it cannot show anything; that is the point.
            warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
            exec(compile(source, str(path), "exec"), namespace)
    finally:
        plt.close("all")
    return stdout.getvalue(), namespace


@contextlib.contextmanager
def _one_thread(backend: str) -> Iterator[None]:
    """The backend on one thread while the notebook runs under it.

    The notebook's ops are small (batches of 32 images of 8×8); on a machine with two cores that
    other work keeps busy, torch's thread pool made the run ten times slower than one thread.
    picotorch runs on one thread anyway, but takes the same setting: torch splits a sum of
    32 768 numbers or more between its threads, which decides how it rounds.
    """
    lib = importlib.import_module(backend)
    threads = lib.get_num_threads()
    lib.set_num_threads(1)
    try:
        yield
    finally:
        lib.set_num_threads(threads)


@functools.cache
def classifier_run(backend: str) -> tuple[str, dict[str, Any]]:
    """The 训练一个分类器 notebook's printout and namespace under ``backend``, run once."""
    return run_notebook(NOTEBOOK, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_cnn_reaches_97_percent(backend: str) -> None:
    stdout, namespace = classifier_run(backend)
    accuracies = namespace["cnn_history"]["acc"]
    assert len(accuracies) == 12
    assert accuracies[-1] >= 0.97, f"{backend}: {accuracies}"
    assert "CNN 最终测试准确率" in stdout  # the notebook's own assert cell ran


def test_picotorch_prints_what_torch_prints() -> None:
    # The notebook prints each epoch's mean loss to 4 decimals and the test accuracy. Measured
    # over the 12 epochs of both models: picotorch's losses stay within 3e-6 (relative) of
    # torch's, a few 1e-8 in absolute terms, far below the printed 1e-4, and every prediction
    # (so every accuracy) is the same. Float32 rounding does not grow into a visible difference.
    torch_lines = classifier_run("torch")[0].splitlines()
    assert len(torch_lines) > 30
    assert classifier_run("picotorch")[0].splitlines() == torch_lines


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return ast.unparse(node.func)
    return ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_end_without_a_shown_value(path: Path) -> None:
    notebook = jupytext.read(path)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# ")  # the title: the page's name
    shown = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        last = ast.parse(cell.source).body[-1]
        if isinstance(last, ast.Expr) and _call_name(last.value) not in SILENT_CALLS:
            shown.append(f"cell {number}: {ast.unparse(last)}")
    assert not shown, "cells whose last expression the page would show:\n" + "\n".join(shown)
