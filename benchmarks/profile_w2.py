"""Where the time of a W2 epoch goes in picotorch: cProfile over W2's training, summarized.

    python -m benchmarks.profile_w2               # writes benchmarks/profile_w2.json
    python -m benchmarks.profile_w2 --out p.json  # somewhere else

W2 is the suite's MLP 64-128-10 on the digits (batch 64, SGD with momentum): the same model,
initial weights, data split and batch order as ``benchmarks/workloads.py``, with BLAS on one
thread. The epoch loop below is ``workloads.train_lib``'s, with each phase of a step (taking the
batch, zeroing the gradients, forward, backward, the optimizer's step) moved into a function of
its own, so that the profile can tell how long each phase took, callees included.

It trains for one warm-up epoch, times ``EPOCHS`` epochs without the profiler, then profiles
``EPOCHS`` more. The summary (``profile_w2.json``, rendered on the docs page 性能) keeps, summed
over the profiled epochs:

- ``phases``: each phase's inclusive time (cProfile's cumulative time);
- ``groups``: own time (cProfile's tottime) summed by kind of code: NumPy's C functions,
  NumPy's Python wrappers, picotorch's forward ops, its backward formulas (grad_fn nodes and
  backward kernels), the autograd engine (with the recording of nodes), the Tensor class,
  modules, the optimizer, Python built-ins, and this loop;
- ``top``: the functions with the most own time.

cProfile charges a small cost to every call it records, so a profiled epoch is slower than a
plain one (both are in the file) and call-heavy Python code looks a little bigger than it is.
"""

from __future__ import annotations

import os

# One thread for BLAS and OpenMP, set before NumPy loads its libraries (as in benchmarks/child.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import ast
import cProfile
import datetime
import functools
import importlib.metadata
import json
import platform
import pstats
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from .data import BATCH, LR, MOMENTUM, batch_order, load_digits_npz, mlp_params, save_digits
from .workloads import MLP_SIZES, make_mlp

OUT = Path(__file__).with_name("profile_w2.json")
# Epoch 0 warms up, the next EPOCHS are timed without the profiler, and as many more are
# profiled: one epoch is some 20 steps, too short for stable shares on a busy machine.
EPOCHS = 10
TOP = 15  # functions listed by own time
# helpers that forward ops and backward formulas both call: profiled apart, in their callers'
# groups (the matrix product: a Linear's forward and both products of its backward)
SHARED_HELPERS = ("_ops/linalg.py:matrix_product",)


@dataclass
class W2:
    """What one W2 training run holds: the library, model, optimizer, loss and training data."""

    lib: Any
    model: Any
    opt: Any
    loss_fn: Any
    x: Any
    y: Any


# Each phase of a step is a function of its own, so that the profile tells its inclusive time.
def shuffle(w2: W2, epoch: int) -> tuple[Any, Any]:
    order = w2.lib.from_numpy(batch_order(epoch, len(w2.y)))
    return w2.x[order], w2.y[order]


def take_batch(xs: Any, ys: Any, i: int) -> tuple[Any, Any]:
    return xs[i : i + BATCH], ys[i : i + BATCH]


def zero_grad(w2: W2) -> None:
    w2.opt.zero_grad()


def forward(w2: W2, xb: Any, yb: Any) -> Any:
    return w2.loss_fn(w2.model(xb), yb)


def backward(loss: Any) -> None:
    loss.backward()


def step(w2: W2) -> None:
    w2.opt.step()


# --8<-- [start:epoch]
def run_epoch(w2: W2, epoch: int) -> int:
    """One epoch of workloads.train_lib's loop; returns its number of steps."""
    xs, ys = shuffle(w2, epoch)
    steps = 0
    for i in range(0, len(ys), BATCH):
        xb, yb = take_batch(xs, ys, i)
        zero_grad(w2)
        loss = forward(w2, xb, yb)
        backward(loss)
        step(w2)
        steps += 1
    return steps


# --8<-- [end:epoch]

# phase name -> the functions whose inclusive time it is
PHASES = {
    "data": ("shuffle", "take_batch"),
    "zero_grad": ("zero_grad",),
    "forward": ("forward",),
    "backward": ("backward",),
    "step": ("step",),
}


def setup(lib: Any, data: dict[str, Any]) -> W2:
    """W2's model, optimizer, loss and training data, as ``workloads.w2_lib`` makes them."""
    model = make_mlp(lib, mlp_params(MLP_SIZES))
    opt = lib.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = lib.nn.CrossEntropyLoss()
    x, y = lib.from_numpy(data["x_train"]), lib.from_numpy(data["y_train"])
    return W2(lib, model, opt, loss_fn, x, y)


# --- reading the profile -----------------------------------------------------------------------


@functools.cache
def qualnames(filename: str) -> dict[int, str]:
    """``{first line of a def: Class.method or function}`` for a Python source file."""
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    # cProfile gives the line of the def, which with decorators is not lineno
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    names[child.lineno] = names[first] = name
                visit(child, f"{name}.")

    visit(tree, "")
    return names


def where(filename: str) -> tuple[str, str]:
    """(package, path inside it): ("picotorch", "_ops/linalg.py"), ("numpy", ...), ("", ...)."""
    parts = Path(filename).parts
    # the innermost of the packages in the path (a checkout may itself be named picotorch)
    found = [i for i, part in enumerate(parts) if part in ("picotorch", "benchmarks", "numpy")]
    if not found:
        return "", filename
    return parts[found[-1]], "/".join(parts[found[-1] + 1 :])


def describe(func: tuple[str, int, str]) -> tuple[str, str]:
    """(readable name, group) of a pstats function key ``(file, line, name)``."""
    filename, line, name = func
    if filename == "~":  # a function written in C: a NumPy one or a Python built-in
        is_numpy = "numpy" in name or "ufunc" in name
        return name.strip("<>"), "numpy_c" if is_numpy else "builtins"
    package, path = where(filename)
    qualname = qualnames(filename).get(line, name)
    readable = f"{package}/{path}:{qualname}" if package else f"{Path(filename).name}:{qualname}"
    if package == "numpy":
        return readable, "numpy_py"
    if package == "benchmarks":
        return readable, "loop"
    if package != "picotorch":
        return readable, "other"
    if path.startswith("autograd/"):
        return readable, "engine"
    # a method of a Node subclass (MmBackward0.backward), or a backward kernel named like
    # torch's (threshold_backward, _log_softmax_backward_data)
    if path.startswith(("_ops/", "nn/")) and "backward" in qualname.lower():
        return readable, "backward"
    if path.startswith(("_ops/", "nn/functional")):
        return readable, "forward"
    if path.startswith("nn/"):
        return readable, "modules"
    if path.startswith("optim/"):
        return readable, "optimizer"
    return readable, "tensor"  # _tensor.py, _dtype.py, _size.py: the Tensor class and helpers


def summarize(profile: cProfile.Profile, steps: int) -> dict[str, Any]:
    """Phases, groups and top functions of a finished profile (times in seconds)."""
    st = pstats.Stats(profile)
    # {(file, line, name): (primitive calls, calls, own time, cumulative time, callers)}
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
    table = st.stats  # type: ignore[attr-defined]
    groups: dict[str, dict[str, float]] = {}
    rows: list[dict[str, Any]] = []
    for func, (_, ncalls, tottime, _, callers) in table.items():
        name, group = describe(func)
        # a helper that forward ops and backward formulas share: each caller its own share
        # (pstats keeps the time per caller), under the caller's group
        parts = (
            [
                (f"{name} ← {describe(c)[0].rsplit(':', 1)[-1]}", describe(c)[1], n, t)
                for c, (n, _, t, _) in callers.items()
            ]
            if name.endswith(SHARED_HELPERS)
            else [(name, group, ncalls, tottime)]
        )
        for part_name, part_group, part_calls, part_time in parts:
            g = groups.setdefault(part_group, {"tottime": 0.0, "calls": 0})
            g["tottime"] += part_time
            g["calls"] += part_calls
            rows.append(
                {
                    "function": part_name,
                    "group": part_group,
                    "calls": part_calls,
                    "tottime": part_time,
                }
            )
    rows.sort(key=lambda r: -r["tottime"])

    def inclusive(function_name: str) -> tuple[float, int]:
        found = [
            (cumtime, ncalls)
            for (filename, _, name), (_, ncalls, _, cumtime, _) in table.items()
            if name == function_name and where(filename) == ("benchmarks", "profile_w2.py")
        ]
        if len(found) != 1:
            raise RuntimeError(f"the profile has {len(found)} entries for {function_name}")
        return found[0]

    phases = []
    for phase, functions in PHASES.items():
        parts = [inclusive(f) for f in functions]
        phases.append(
            {
                "name": phase,
                "functions": list(functions),
                "cumtime": sum(t for t, _ in parts),
                "calls": sum(n for _, n in parts),
            }
        )
    return {
        "profiled_time_s": st.total_tt,  # type: ignore[attr-defined]
        "function_calls": st.total_calls,  # type: ignore[attr-defined]
        "steps": steps,
        "phases": phases,
        "groups": [
            {"name": name, "tottime": g["tottime"], "calls": int(g["calls"])}
            for name, g in sorted(groups.items(), key=lambda kv: -kv[1]["tottime"])
        ],
        "top": rows[:TOP],
    }


# --- main --------------------------------------------------------------------------------------


def profile_w2(data: dict[str, Any]) -> dict[str, Any]:
    """Warm up for an epoch, time ``EPOCHS`` plain epochs, then profile as many more; the
    summary as a dict (the profile's times cover all profiled epochs)."""
    import numpy as np

    import picotorch as lib

    w2 = setup(lib, data)
    run_epoch(w2, 0)
    plain = []
    for epoch in range(1, 1 + EPOCHS):
        t0 = perf_counter()
        run_epoch(w2, epoch)
        plain.append(perf_counter() - t0)
    profile = cProfile.Profile()
    steps = 0
    for epoch in range(1 + EPOCHS, 1 + 2 * EPOCHS):
        profile.enable()
        steps += run_epoch(w2, epoch)
        profile.disable()
    return {
        "workload": "W2",
        "what": "W2's training (MLP 64-128-10 on digits, batch 64, SGD momentum 0.9) in "
        "picotorch under cProfile, one BLAS thread",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "picotorch": importlib.metadata.version("picotorch"),
        },
        "machine": {"platform": platform.platform(), "cores": os.cpu_count()},
        "threads": 1,
        "epochs": EPOCHS,
        "batch": BATCH,
        "plain_epoch_s": statistics.median(plain),
        **summarize(profile, steps),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.name}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "digits.npz"
        save_digits(path)
        data = load_digits_npz(path)
    summary = profile_w2(data)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    total = summary["profiled_time_s"]
    epochs = summary["epochs"]
    print(
        f"W2, per epoch: {summary['steps'] / epochs:.0f} steps, "
        f"{summary['plain_epoch_s'] * 1e3:.1f} ms plain, {total / epochs * 1e3:.1f} ms profiled, "
        f"{summary['function_calls'] / epochs:.0f} function calls"
    )
    for kind in ("phases", "groups"):
        key = "cumtime" if kind == "phases" else "tottime"
        print(f"{kind}: " + ", ".join(f"{r['name']} {r[key] / total:.0%}" for r in summary[kind]))
    for r in summary["top"]:
        print(f"  {r['tottime'] / total:6.1%}  {r['calls']:6d}  {r['function']}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
