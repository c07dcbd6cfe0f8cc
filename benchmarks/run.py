"""The benchmark suite: picotorch vs torch 2.13 vs a hand-written NumPy reference.

    python -m benchmarks.run                      # everything; writes benchmarks/results.json
    python -m benchmarks.run --quick --only W1,W3  # a smoke run; writes nothing unless --out

Workloads (``benchmarks/workloads.py`` shows exactly what is timed):

- W1 tiny ops: ``((a*b + c).relu() @ a).sum()`` forward + backward + zeroing grads, (8, 8) leaves.
- W2 MLP 64-128-10 on scikit-learn's digits, batch 64, SGD momentum 0.9: time per epoch, accuracy.
- W3 ``(A @ B).sum()`` forward + backward, A and B 1024x1024 float32.
- W4 a small CNN on the digits (2 x conv 3x3 - ReLU - max pool 2, Linear 128->10): per epoch.
- W5 scaling: backward time of a chain of N ops (N = 1e3 ... 1e5) and of an MLP (width 64 ... 2048).
- Peak memory (max RSS) of each process, compared for W2 and W4.

How it measures: first it checks that the NumPy reference and picotorch compute torch's
gradients (``benchmarks/check.py``). Then every (workload, implementation, repeat) runs in a
fresh process (``benchmarks/child.py``) with BLAS, OpenMP and torch limited to one thread; within
each repeat the three implementations run one after another, in a rotating order, so that a
noisy neighbour slows all of them alike. The table shows, per implementation, the median over
repeats and the min-max range, and the ratios of medians that the targets are about.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .config import FULL, IMPLS, QUICK, WORKLOADS, Config

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results.json")
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# The same glibc malloc thresholds in every measured process. By default glibc serves a block
# over 128 KiB with a fresh mmap and gives the top of its heap back to the OS once 128 KiB of it
# is free; both thresholds then follow the largest block freed so far, up to 32 MiB (mmap) and
# 64 MiB (trim) (see mallopt(3)). W3 and W4 allocate and free arrays of hundreds of KiB to a few
# MiB every step, and picotorch's and NumPy's processes kept paying page faults for memory that
# the OS handed back zeroed. Measured, medians of 5 fresh W4 processes each, defaults against
# these settings: picotorch 26 000 minor faults and 71 ms per epoch against 7 800 and 49 ms;
# NumPy 50 000 and 81 ms against 7 300 and 59 ms; torch 62 000 faults (mostly its import) and the
# same time either way. Fixing both thresholds at that 32/64 MiB ceiling for all three measures
# the code, not glibc's heuristic. glibc reads them at start-up: they go in the environment.
SAME_ALLOCATOR = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(64 << 20)}
# ... and, to show what the setting changes, W4 on picotorch also runs once per repeat with
# glibc's defaults (interleaved with the others, so under the same conditions)
DEFAULT_ALLOCATOR_RUN = ("W4", "picotorch")
# This process imports neither NumPy nor torch, and leaves scikit-learn (the data) and torch (the
# checks) to processes of their own: on Linux a child's ru_maxrss starts at its parent's peak
# RSS (it survives fork and exec), so a big driver would inflate every measured peak.

TITLES = {
    "W1": "tiny ops ((a*b + c).relu() @ a).sum(): forward + backward + zero grads, (8, 8)",
    "W2": "MLP 64-128-10 on digits, batch 64, SGD momentum 0.9: one epoch",
    "W3": "(A @ B).sum(): forward + backward, 1024x1024 float32",
    "W4": "CNN on digits (conv-relu-pool x 2, linear), batch 64, SGD momentum 0.9: one epoch",
    "W5-chain": "backward of a chain of N multiplications y = y * c on (8, 8)",
    "W5-mlp": "backward of a width-w MLP (w-w-w-10) with cross-entropy, batch 64",
}
UNITS = {"W1": "us", "W2": "ms", "W3": "ms", "W4": "ms", "W5-chain": "ms", "W5-mlp": "ms"}
TIMED = {  # what one timing in results.json (in seconds) covers
    "W1": "iteration",
    "W2": "epoch",
    "W3": "iteration",
    "W4": "epoch",
    "W5-chain": "backward",
    "W5-mlp": "backward",
}
SCALE = {"us": 1e6, "ms": 1e3}
X_LABELS = {"W5-chain": "N", "W5-mlp": "width"}


@dataclass(frozen=True)
class Target:
    """picotorch's ``metric`` divided by ``vs``'s must be at most ``limit`` (ratio of medians)."""

    workload: str
    metric: str  # "time" or "peak_rss"
    vs: str
    limit: float


TARGETS = [
    Target("W1", "time", "torch", 0.5),
    Target("W1", "time", "numpy", 4.0),
    Target("W2", "time", "torch", 0.5),
    Target("W2", "time", "numpy", 1.5),
    Target("W3", "time", "numpy", 1.1),
    Target("W4", "time", "torch", 1.0),
    Target("W4", "time", "numpy", 1.5),
    Target("W2", "peak_rss", "torch", 1.0),
    Target("W4", "peak_rss", "torch", 1.0),
]
# W5-chain: "time linear in N". The slope of log(time) against log(N) is 1 for linear growth
# and 2 for quadratic; the margin absorbs noise and cache effects at 10^5 nodes.
SLOPE_LIMIT = 1.15


# --- running the processes ---------------------------------------------------------------------


def run_module(module: str, *args: str, same_allocator: bool = True) -> Any:
    """``python -m benchmarks.<module> args`` in a fresh process; its last stdout line as JSON,
    or ``{"error": <its last stderr line>}``. ``same_allocator=False``: glibc's default malloc
    thresholds instead of ``SAME_ALLOCATOR``."""
    command = [sys.executable, "-m", f"benchmarks.{module}", *args]
    env = {**os.environ, **ONE_THREAD}
    if same_allocator:
        env.update(SAME_ALLOCATOR)
    else:
        for key in SAME_ALLOCATOR:
            env.pop(key, None)
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else None


def run_child(
    workload: str, impl: str, data_args: list[str], quick: bool, same_allocator: bool = True
) -> dict[str, Any]:
    """One measurement: one workload, one implementation, in a fresh process."""
    quick_flag = ["--quick"] if quick else []
    result: dict[str, Any] = run_module(
        "child", workload, impl, *data_args, *quick_flag, same_allocator=same_allocator
    )
    return result


def run_checks(workloads: list[str], data_args: list[str], quick: bool) -> list[dict[str, Any]]:
    """benchmarks/check.py in a process of its own (it imports torch and picotorch)."""
    size = ["--small"] if quick else []
    checks = run_module("check", "--json", *data_args, "--only", ",".join(workloads), *size)
    if isinstance(checks, dict):  # the check process itself failed
        checks = [{"workload": "all", "impl": "-", "ok": False, "max_abs_diff": None, **checks}]
    for c in checks:
        detail = c["error"] or f"max |diff| {c['max_abs_diff']:.1e}"
        print(f"  {c['workload']:<8} {c['impl']:<9} {'ok' if c['ok'] else 'DIFFERS'} ({detail})")
    return list(checks)


def collect(
    workloads: list[str], repeats: dict[str, int], data_args: list[str], quick: bool
) -> tuple[dict[str, dict[str, list[dict[str, Any]]]], list[dict[str, Any]]]:
    """runs[workload][impl] = one result per repeat; implementations interleaved per repeat.
    Also the repeats of ``DEFAULT_ALLOCATOR_RUN`` with glibc's default malloc thresholds."""
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        w: {impl: [] for impl in IMPLS} for w in workloads
    }
    default_allocator: list[dict[str, Any]] = []
    for r in range(max(repeats[w] for w in workloads)):
        order = IMPLS[r % 3 :] + IMPLS[: r % 3]  # a different implementation goes first
        for workload in workloads:
            if r >= repeats[workload]:
                continue
            line = []
            for impl in order:
                result = run_child(workload, impl, data_args, quick)
                runs[workload][impl].append(result)
                line.append(f"{impl} {'ERROR' if 'error' in result else 'ok'}")
            if workload == DEFAULT_ALLOCATOR_RUN[0]:
                impl = DEFAULT_ALLOCATOR_RUN[1]
                result = run_child(workload, impl, data_args, quick, same_allocator=False)
                default_allocator.append(result)
                line.append(f"{impl} (glibc defaults) {'ERROR' if 'error' in result else 'ok'}")
            print(
                f"  repeat {r + 1}/{repeats[workload]} {workload:<8} " + ", ".join(line), flush=True
            )
    return runs, default_allocator


# --- summarizing -------------------------------------------------------------------------------


def stats(values: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "repeats": len(values),
        "per_repeat": values,
    }


def summarize_impl(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One implementation of a W1-W4 workload: each repeat contributes its median sample."""
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        return {"error": errors[0]}
    out = stats([statistics.median(r["samples"]) for r in results])
    out["peak_rss_mb"] = statistics.median(r["peak_rss_mb"] for r in results)
    out["minor_faults"] = statistics.median(r["minor_faults"] for r in results)
    if "accuracy" in results[0]:
        out["accuracy"] = statistics.median(r["accuracy"] for r in results)
    return out


def log_slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum(
        (a - mx) ** 2 for a in lx
    )


def summarize_scaling(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A W5 workload: per point, per implementation, stats over repeats; and the log-log slope."""
    points: dict[float, dict[str, Any]] = {}
    slopes: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for impl, results in runs.items():
        failed = [r["error"] for r in results if "error" in r]
        if failed:
            slopes[impl], errors[impl] = None, failed[0]
            continue
        by_x: dict[float, list[float]] = {}
        for r in results:
            for p in r["points"]:
                by_x.setdefault(p["x"], []).append(statistics.median(p["samples"]))
        for x, values in by_x.items():
            points.setdefault(x, {})[impl] = stats(values)
        xs = sorted(by_x)
        medians = [statistics.median(by_x[x]) for x in xs]
        slopes[impl] = log_slope(xs, medians) if len(xs) > 1 else None
    return {
        "points": [{"x": x, **points[x]} for x in sorted(points)],
        "slope": slopes,
        "errors": errors,
    }


def summarize(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    summaries: dict[str, Any] = {}
    for workload, by_impl in runs.items():
        base = {"title": TITLES[workload], "unit": f"s per {TIMED[workload]}"}
        if workload in X_LABELS:
            summaries[workload] = {**base, "x": X_LABELS[workload], **summarize_scaling(by_impl)}
        else:
            impls = {impl: summarize_impl(results) for impl, results in by_impl.items()}
            summaries[workload] = {**base, "impls": impls}
    return summaries


def ratio(summary: dict[str, Any], metric: str, impl: str, vs: str) -> float | None:
    key = "median" if metric == "time" else "peak_rss_mb"
    a, b = summary.get(impl, {}), summary.get(vs, {})
    if key not in a or key not in b:
        return None
    return a[key] / b[key]


def ratio_entry(workload: str, metric: str, vs: str, impls: dict[str, Any]) -> dict[str, Any]:
    """picotorch's ratio to ``vs`` and, where the issue sets one, its target and verdict."""
    value = ratio(impls, metric, "picotorch", vs)
    limits = [t.limit for t in TARGETS if (t.workload, t.metric, t.vs) == (workload, metric, vs)]
    limit = limits[0] if limits else None
    verdict = None if limit is None else value is not None and value <= limit
    return {
        "workload": workload,
        "metric": metric,
        "impl": "picotorch",
        "vs": vs,
        "value": value,
        "target": limit,
        "pass": verdict,
    }


def ratios(summaries: dict[str, Any]) -> list[dict[str, Any]]:
    """picotorch's time ratios to torch and NumPy, the memory ratios that have targets, and
    W5-chain's slope."""
    out = []
    for workload, summary in summaries.items():
        if "impls" in summary:
            out += [
                ratio_entry(workload, "time", vs, summary["impls"]) for vs in ("torch", "numpy")
            ]
            out += [
                ratio_entry(workload, t.metric, t.vs, summary["impls"])
                for t in TARGETS
                if t.workload == workload and t.metric == "peak_rss"
            ]
        if workload == "W5-chain":
            slope = summary["slope"].get("picotorch")
            out.append(
                {
                    "workload": workload,
                    "metric": "slope",
                    "impl": "picotorch",
                    "vs": None,
                    "value": slope,
                    "target": SLOPE_LIMIT,
                    "pass": slope is not None and slope <= SLOPE_LIMIT,
                }
            )
    return out


def machine() -> dict[str, Any]:
    return {"cpu": cpu(), "cores": os.cpu_count(), "platform": platform.platform()}


def cpu(cpuinfo: str = "/proc/cpuinfo") -> str:
    """The CPU's model name and its widest vector extension, AVX-512 or AVX2: the ratios depend
    on it (torch's convolutions and softmax, and NumPy's loops, have AVX-512 builds; on the
    project's machines W4 ÷ torch was 0.86 with AVX2 and about 1.0 with AVX-512)."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        with open(cpuinfo) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    name = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break  # (the first CPU's lines are enough)
    except OSError:
        pass
    vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else ""
    return f"{name} ({vector})" if vector else name


def kernels(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, str]:
    """Each implementation's vector instructions, as its measured processes report them (see
    ``child.kernels``): the first that reported."""
    out: dict[str, str] = {}
    for by_impl in runs.values():
        for impl, results in by_impl.items():
            for result in results:
                if "kernels" in result:
                    out.setdefault(impl, result["kernels"])
    return {impl: out[impl] for impl in IMPLS if impl in out}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("numpy", "torch", "picotorch"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


# --- printing ----------------------------------------------------------------------------------


def fmt_time(seconds: float, unit: str) -> str:
    value = seconds * SCALE[unit]
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_table(report: dict[str, Any]) -> None:
    rows = [("workload", "impl", "median", "min-max", "x torch", "x numpy", "target", "result")]
    for workload, summary in report["workloads"].items():
        if workload in X_LABELS:
            continue
        unit, impls = UNITS[workload], summary["impls"]
        for metric in ("time", "peak_rss"):
            targets = [
                r
                for r in report["ratios"]
                if (r["workload"], r["metric"]) == (workload, metric) and r["target"] is not None
            ]
            if metric == "peak_rss" and not targets:
                continue
            label = workload if metric == "time" else f"{workload} RSS"
            for impl, s in impls.items():
                mine = targets if impl == "picotorch" else []
                verdict = ("PASS" if all(r["pass"] for r in mine) else "FAIL") if mine else ""
                if "error" in s:
                    rows.append((label, impl, "ERROR", s["error"][:60], "", "", "", verdict))
                    continue
                if metric == "time":
                    median = f"{fmt_time(s['median'], unit)} {unit}"
                    spread = f"{fmt_time(s['min'], unit)}-{fmt_time(s['max'], unit)}"
                else:
                    median, spread = f"{s['peak_rss_mb']:.0f} MB", ""
                rows.append(
                    (
                        label,
                        impl,
                        median,
                        spread,
                        fmt_ratio(ratio(impls, metric, impl, "torch")),
                        fmt_ratio(ratio(impls, metric, impl, "numpy")),
                        " ".join(f"<={r['target']:g}x {r['vs']}" for r in mine),
                        verdict,
                    )
                )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))

    for workload in ("W2", "W4"):
        impls = report["workloads"].get(workload, {}).get("impls", {})
        accs = [f"{impl} {s['accuracy']:.4f}" for impl, s in impls.items() if "accuracy" in s]
        if accs:
            print(f"{workload} test accuracy after training: " + ", ".join(accs))
    default = report.get("default_allocator")
    if default and "median" in default:
        workload, impl = default["workload"], default["impl"]
        same = report["workloads"][workload]["impls"][impl]
        print(
            f"{workload} {impl} with glibc's default malloc thresholds: "
            f"{fmt_time(default['median'], 'ms')} ms, {default['minor_faults']:,.0f} page faults "
            f"(with the suite's: {fmt_time(same['median'], 'ms')} ms, "
            f"{same['minor_faults']:,.0f})"
        )

    for workload, label in X_LABELS.items():
        if workload not in report["workloads"]:
            continue
        summary = report["workloads"][workload]
        print(f"\n{workload}: {TITLES[workload]} ({UNITS[workload]}, median [min-max])")
        print(f"{label:>7}  " + "  ".join(f"{impl:>22}" for impl in IMPLS) + "  x torch  x numpy")
        for point in summary["points"]:
            cells = []
            for impl in IMPLS:
                s = point.get(impl, {})
                cells.append(
                    f"{fmt_time(s['median'], 'ms')} [{fmt_time(s['min'], 'ms')}-"
                    f"{fmt_time(s['max'], 'ms')}]"
                    if "median" in s
                    else "ERROR"
                )
            pico_torch = ratio(point, "time", "picotorch", "torch")
            pico_numpy = ratio(point, "time", "picotorch", "numpy")
            print(
                f"{point['x']:>7}  "
                + "  ".join(f"{c:>22}" for c in cells)
                + f"  {fmt_ratio(pico_torch):>7}  {fmt_ratio(pico_numpy):>7}"
            )
        slopes = ", ".join(f"{impl} {fmt_ratio(v)}" for impl, v in summary["slope"].items())
        print(f"slope of log(time) vs log({label}): {slopes}")
        if workload == "W5-chain":
            slope = summary["slope"].get("picotorch")
            verdict = "PASS" if slope is not None and slope <= SLOPE_LIMIT else "FAIL"
            print(f"target: picotorch's time linear in N (slope <= {SLOPE_LIMIT}): {verdict}")


# --- main --------------------------------------------------------------------------------------


def select(only: str | None) -> list[str]:
    """``--only W1,W5`` -> ["W1", "W5-chain", "W5-mlp"]; W5-chain / W5-mlp also work alone."""
    if not only:
        return list(WORKLOADS)
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    chosen = [w for w in WORKLOADS if any(w == x or w.split("-")[0] == x for x in wanted)]
    unknown = [x for x in wanted if not any(w == x or w.split("-")[0] == x for w in WORKLOADS)]
    if unknown or not chosen:
        raise SystemExit(f"unknown workload(s) {unknown}; choose from W1, W2, W3, W4, W5")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="picotorch vs torch vs NumPy benchmark suite")
    parser.add_argument("--quick", action="store_true", help="few repeats, fewer W5 points")
    parser.add_argument("--only", help="comma-separated workloads, e.g. W1,W3")
    parser.add_argument("--repeats", type=int, help="fresh processes per workload and impl")
    parser.add_argument("--out", type=Path, help="results file (default: results.json, full runs)")
    args = parser.parse_args(argv)

    cfg: Config = QUICK if args.quick else FULL
    workloads = select(args.only)
    repeats = {
        w: args.repeats or (cfg.w5_repeats if w in X_LABELS else cfg.repeats) for w in workloads
    }
    out = args.out
    if out is None and not args.quick and not args.only:
        out = RESULTS
    load_start = os.getloadavg()

    with tempfile.TemporaryDirectory() as tmp:
        data_args: list[str] = []
        if {"W2", "W4"} & set(workloads):  # the digits, loaded once into a file
            data_path = Path(tmp) / "digits.npz"
            saved = run_module("data", str(data_path))
            if saved is not None:
                raise SystemExit(f"could not save the digits: {saved['error']}")
            data_args = ["--data", str(data_path)]
        print("checking that NumPy and picotorch compute torch's gradients ...", flush=True)
        checks = run_checks(workloads, data_args, args.quick)
        print("measuring (one fresh process per workload, implementation and repeat) ...")
        runs, default_allocator = collect(workloads, repeats, data_args, args.quick)

    summaries = summarize(runs)
    report = {
        "machine": {
            **machine(),
            "kernels": kernels(runs),
            "load_average_start": load_start,
            "load_average_end": os.getloadavg(),
        },
        "versions": versions(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "threads": 1,
        "allocator": SAME_ALLOCATOR,
        "config": {**asdict(cfg), "repeats_used": repeats},
        "checks": checks,
        "workloads": summaries,
        "ratios": ratios(summaries),
    }
    if default_allocator:  # (W4 ran) the same W4 runs on picotorch with glibc's defaults
        workload, impl = DEFAULT_ALLOCATOR_RUN
        report["default_allocator"] = {
            "workload": workload,
            "impl": impl,
            **summarize_impl(default_allocator),
        }
    print()
    print_table(report)
    used = report["machine"]["kernels"]
    print("\nvector instructions: " + ", ".join(f"{impl} {used[impl]}" for impl in used))
    if out is not None:
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {out}")
    failed_checks = [c for c in checks if not c["ok"]]
    errors = [(w, impl) for w in workloads for impl in IMPLS for r in runs[w][impl] if "error" in r]
    errors += [DEFAULT_ALLOCATOR_RUN for r in default_allocator if "error" in r]
    if failed_checks or errors:
        print(f"\n{len(failed_checks)} failed check(s), {len(errors)} failed process(es)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
