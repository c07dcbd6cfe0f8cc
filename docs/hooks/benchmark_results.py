"""Put the benchmark results on the 性能 page, at build time, from the committed result files.

Nothing on the page is a typed-in number: ``benchmarks/results.json`` (written by
``nox -s bench``) and ``benchmarks/profile_w2.json`` (``python -m benchmarks.profile_w2``) are
read at every build, so the page is true for whatever results are committed; so is
``benchmarks/lower_bound.json`` (``python -m benchmarks.lower_bound``: W1 and W2 steps, and W1's
forward pass alone, of a minimal autograd tape next to picotorch, torch and NumPy), for
``<!-- benchmark:lower-bound -->``.

- ``on_page_markdown`` replaces markers in a page: a marker alone on its line, such as
  ``<!-- benchmark:table -->``, becomes a block (a table, a list); an inline one, such as
  ``<!-- benchmark:ratio W2 time torch -->``, becomes one formatted number. ``BLOCKS`` and
  ``INLINE`` list them; an unknown marker fails the build.
- ``on_files`` adds two SVG charts drawn here with the standard library (no JS, no CDN), as
  generated files: ``images/benchmark-ratios.svg`` (picotorch's ratios against the targets) and
  ``images/benchmark-scaling.svg`` (W5's time against N and width, log-log).

A missing or malformed results file fails the build with a message naming the file and the
field (``PluginError``), never a page with holes or a KeyError.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

RESULTS = "benchmarks/results.json"
PROFILE = "benchmarks/profile_w2.json"
LOWER_BOUND = "benchmarks/lower_bound.json"
RATIOS_SVG = "images/benchmark-ratios.svg"
SCALING_SVG = "images/benchmark-scaling.svg"

IMPL_NAMES = {"picotorch": "picotorch", "torch": "torch", "numpy": "NumPy"}
X_NAMES = {"N": "N（链长）", "width": "宽度 w"}
# what each W5 table measures, in the page's language (the results file's titles are English)
SCALING_TITLES = {
    "W5-chain": "N 次乘法 y = y * c 串成的一条链（8×8），只计反向传播",
    "W5-mlp": "宽度为 w 的多层感知机（w-w-w-10，交叉熵，batch 64），只计反向传播",
}
PER = {"iteration": "每次迭代", "epoch": "每个 epoch", "backward": "每次反向"}
METRIC_NAMES = {"time": "时间", "peak_rss": "峰值内存"}


# --- reading and checking the files -----------------------------------------------------------


Json = dict[str, Any]
NUMBER = (int, float)


class MalformedError(Exception):
    """A results file lacks a field the page uses, or has one of the wrong type."""


def _get(obj: Any, key: str | int, kind: type | tuple[type, ...], where: str) -> Any:
    """``obj[key]``, which must be of ``kind``; MalformedError naming the field otherwise."""
    path = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}".lstrip(".")
    if isinstance(obj, dict) and isinstance(key, str):
        if key not in obj:
            raise MalformedError(f"'{path}' is missing")
        value = obj[key]
    elif isinstance(obj, list) and isinstance(key, int) and key < len(obj):
        value = obj[key]
    else:
        raise MalformedError(f"'{where}' is not what the page expects")
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # bool is an int in Python, but true is not a time
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise MalformedError(f"'{path}' should be {names}, not {json.dumps(value)[:60]}")
    return value


def _read(path: Path, what: str, fix: str) -> Json:
    if not path.is_file():
        raise PluginError(f"{what} {path} does not exist; {fix}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PluginError(f"{what} {path} is not valid JSON ({exc}); {fix}") from None
    if not isinstance(data, dict):
        raise PluginError(f"{what} {path} should hold a JSON object; {fix}")
    return data


def _timing(obj: Any, where: str) -> None:
    for key in ("median", "min", "max"):
        _get(obj, key, NUMBER, where)
    _get(obj, "repeats", int, where)


def check_results(data: Json) -> None:
    """Raise MalformedError unless ``data`` has every field the page uses, of the right type."""
    machine = _get(data, "machine", dict, "")
    for key in ("cpu", "platform"):
        _get(machine, key, str, "machine")
    _get(machine, "cores", int, "machine")
    kernels = _get(machine, "kernels", dict, "machine")
    for impl in ("torch", "picotorch", "numpy"):
        _get(kernels, impl, str, "machine.kernels")
    versions = _get(data, "versions", dict, "")
    for key in ("python", "numpy", "torch", "picotorch"):
        _get(versions, key, str, "versions")
    _parse_date(_get(data, "date", str, ""), "date")
    _get(data, "mode", str, "")
    _get(data, "threads", int, "")
    allocator = _get(data, "allocator", dict, "")
    for key in allocator:
        _get(allocator, key, str, "allocator")
    if "default_allocator" in data:  # W4 on picotorch with glibc's defaults (when W4 ran)
        default = _get(data, "default_allocator", dict, "")
        if "error" not in default:
            for key in ("median", "minor_faults"):
                _get(default, key, NUMBER, "default_allocator")
    config = _get(data, "config", dict, "")
    repeats = _get(config, "repeats_used", dict, "config")
    for workload in repeats:
        _get(repeats, workload, int, "config.repeats_used")
    checks = _get(data, "checks", list, "")
    for i in range(len(checks)):
        entry = _get(checks, i, dict, "checks")
        for key in ("workload", "impl"):
            _get(entry, key, str, f"checks[{i}]")
        _get(entry, "ok", bool, f"checks[{i}]")
    workloads = _get(data, "workloads", dict, "")
    if not workloads:
        raise MalformedError("'workloads' is empty")
    for name, summary in workloads.items():
        where = f"workloads.{name}"
        _get(workloads, name, dict, "workloads")
        _get(summary, "title", str, where)
        _get(summary, "unit", str, where)
        if "impls" in summary:
            impls = _get(summary, "impls", dict, where)
            for impl in IMPL_NAMES:
                s = _get(impls, impl, dict, f"{where}.impls")
                if "error" in s:
                    _get(s, "error", str, f"{where}.impls.{impl}")
                else:
                    _timing(s, f"{where}.impls.{impl}")
                    _get(s, "peak_rss_mb", NUMBER, f"{where}.impls.{impl}")
                    if "accuracy" in s:
                        _get(s, "accuracy", NUMBER, f"{where}.impls.{impl}")
        else:
            _get(summary, "x", str, where)
            points = _get(summary, "points", list, where)
            if not points:
                raise MalformedError(f"'{where}.points' is empty")
            for i in range(len(points)):
                point = _get(points, i, dict, f"{where}.points")
                _get(point, "x", NUMBER, f"{where}.points[{i}]")
                for impl in IMPL_NAMES:
                    if impl in point:
                        _timing(point[impl], f"{where}.points[{i}].{impl}")
            slopes = _get(summary, "slope", dict, where)
            for impl in slopes:
                _get(slopes, impl, (*NUMBER, type(None)), f"{where}.slope")
    for i in range(len(_get(data, "ratios", list, ""))):
        r = _get(data["ratios"], i, dict, "ratios")
        where = f"ratios[{i}]"
        for key in ("workload", "metric"):
            _get(r, key, str, where)
        _get(r, "vs", (str, type(None)), where)
        _get(r, "value", (*NUMBER, type(None)), where)
        _get(r, "target", (*NUMBER, type(None)), where)
        _get(r, "pass", (bool, type(None)), where)
        if r["workload"] not in workloads:
            raise MalformedError(f"'{where}.workload' {r['workload']!r} is not in 'workloads'")


def check_profile(data: Json) -> None:
    """Raise MalformedError unless the profile summary has every field the page uses."""
    _parse_date(_get(data, "date", str, ""), "date")
    versions = _get(data, "versions", dict, "")
    for key in ("python", "numpy", "picotorch"):
        _get(versions, key, str, "versions")
    for key in ("epochs", "steps", "batch", "function_calls", "threads"):
        if _get(data, key, int, "") <= 0:
            raise MalformedError(f"'{key}' should be positive")
    for key in ("plain_epoch_s", "profiled_time_s"):
        if _get(data, key, NUMBER, "") <= 0:
            raise MalformedError(f"'{key}' should be positive")
    for table, time_key in (("phases", "cumtime"), ("groups", "tottime"), ("top", "tottime")):
        rows = _get(data, table, list, "")
        if not rows:
            raise MalformedError(f"'{table}' is empty")
        for i in range(len(rows)):
            row = _get(rows, i, dict, table)
            _get(row, "function" if table == "top" else "name", str, f"{table}[{i}]")
            _get(row, time_key, NUMBER, f"{table}[{i}]")
            _get(row, "calls", int, f"{table}[{i}]")
            if table == "top":
                _get(row, "group", str, f"{table}[{i}]")


LOWER_BOUND_IMPLS = ("numpy", "tape", "floor", "picotorch", "torch")
# what benchmarks/lower_bound.py times, as the page's table names it
LOWER_BOUND_WORKLOADS = {
    "W1": "W1 一步",
    "W1-forward": "W1 只做前向（记录计算图后丢弃）",
    "W2": "W2 一步（一个 batch）",
}


def check_lower_bound(data: Json) -> None:
    """Raise MalformedError unless the lower-bound file has every field the page uses."""
    _parse_date(_get(data, "date", str, ""), "date")
    machine = _get(data, "machine", dict, "")
    _get(machine, "cpu", str, "machine")
    _get(machine, "cores", int, "machine")
    versions = _get(data, "versions", dict, "")
    for key in ("python", "numpy", "torch"):
        _get(versions, key, str, "versions")
    for key in ("rounds", "steps_per_round"):
        if _get(data, key, int, "") <= 0:
            raise MalformedError(f"'{key}' should be positive")
    workloads = _get(data, "workloads", dict, "")
    for workload in LOWER_BOUND_WORKLOADS:
        impls = _get(workloads, workload, dict, "workloads")
        for impl in LOWER_BOUND_IMPLS:
            where = f"workloads.{workload}"
            timing = _get(impls, impl, dict, where)
            for key in ("median_us", "min_us", "max_us"):
                if _get(timing, key, NUMBER, f"{where}.{impl}") <= 0:
                    raise MalformedError(f"'{where}.{impl}.{key}' should be positive")


def _parse_date(text: str, where: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise MalformedError(f"'{where}' should be an ISO date, not {text!r}") from None


def _load(path: Path, what: str, fix: str, check: Callable[[Json], None]) -> Json:
    """Read a results file and ``check`` it; PluginError if it is missing or malformed."""
    data = _read(path, what, fix)
    try:
        check(data)
    except MalformedError as exc:
        raise PluginError(f"{what} {path} is malformed: {exc}; {fix}") from None
    return data


def load_results(path: Path) -> Json:
    """benchmarks/results.json, checked."""
    fix = "run `nox -s bench` (a full run writes it) and commit it"
    return _load(path, "The benchmark results file", fix, check_results)


def load_profile(path: Path) -> Json:
    """benchmarks/profile_w2.json, checked."""
    fix = "run `python -m benchmarks.profile_w2` and commit it"
    return _load(path, "The W2 profile file", fix, check_profile)


def load_lower_bound(path: Path) -> Json:
    """benchmarks/lower_bound.json, checked."""
    fix = "run `python -m benchmarks.lower_bound` and commit it"
    return _load(path, "The lower-bound file", fix, check_lower_bound)


# --- formatting ---------------------------------------------------------------------------------


def fmt_number(value: float) -> str:
    """Three significant digits at most, never an exponent: 187, 17.2, 6.30, 0.0980."""
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def fmt_duration(seconds: float) -> str:
    """A time in the unit that reads best: ``187 µs``, ``17.2 ms``, ``1.12 s``."""
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            return f"{fmt_number(seconds / scale)} {unit}"
    return f"{fmt_number(seconds / 1e-9)} ns"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def fmt_ratio_against(value: float | None, target: float) -> str:
    """``fmt_ratio``, with more decimals where two would round onto the target: 0.503× read
    as 0.50× against a target of 0.5× would hide which side of it the ratio fell."""
    if value is None:
        return fmt_ratio(value)
    for decimals in (2, 3, 4):
        if round(value, decimals) != target:
            break
    return f"{value:.{decimals}f}×"


def fmt_share(part: float, total: float) -> str:
    return f"{100 * part / total:.0f}%"


def fmt_mb(value: float) -> str:
    return f"{value:.0f} MB"


def fmt_count(value: float) -> str:
    """A count such as page faults, grouped by thousands: ``12,572``."""
    return f"{value:,.0f}"


def fmt_date(text: str) -> str:
    """``2026-11-27T07:04:36+00:00`` → ``2026-11-27 07:04 UTC`` (a date without a zone as is)."""
    when = datetime.datetime.fromisoformat(text)
    if when.tzinfo is None:
        return when.strftime("%Y-%m-%d %H:%M")
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def fmt_x(x: float) -> str:
    """A W5 point's N or width: ``64``, ``3k``, ``100k``."""
    if x >= 1000 and x % 1000 == 0:
        return f"{x / 1000:g}k"
    return f"{x:g}"


def verdict(passed: bool | None) -> str:
    return "" if passed is None else ("**PASS**" if passed else "**FAIL**")


# --- tables ------------------------------------------------------------------------------------


def _ratio(a: Json, b: Json, key: str) -> float | None:
    if key in a and key in b and b[key]:
        return float(a[key]) / float(b[key])
    return None


def _targets(results: Json, workload: str, metric: str) -> list[Json]:
    return [
        r
        for r in results["ratios"]
        if (r["workload"], r["metric"]) == (workload, metric) and r["target"] is not None
    ]


def fmt_spread(low: float, high: float) -> str:
    """``112–196 µs``, or ``980 µs – 1.02 ms`` when the two need different units."""
    a, b = fmt_duration(low).split(), fmt_duration(high).split()
    return f"{a[0]}–{b[0]} {b[1]}" if a[1] == b[1] else f"{' '.join(a)} – {' '.join(b)}"


def _md_table(header: list[str], rows: list[list[str]], align: str) -> str:
    """A Markdown pipe table; ``align`` has one letter per column: l, r or c."""
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(marks[a] for a in align) + " |",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def results_table(results: Json) -> str:
    """Every W1-W4 workload x implementation: the time (median, min-max), the peak memory, and
    the time ratios to torch and to NumPy."""
    header = ["任务", "实现", "时间：中位数<br>（最小–最大）", "÷ torch", "÷ NumPy", "峰值内存"]
    rows = []
    for workload, summary in results["workloads"].items():
        if "impls" not in summary:
            continue
        impls = summary["impls"]
        for n, (impl, s) in enumerate(impls.items()):
            # the task's name (and what one time covers) once, on its first row
            first = f"{workload}<br>{per_what(summary['unit'])}" if n == 0 else ""
            name = IMPL_NAMES.get(impl, impl)
            if impl == "picotorch":
                name = f"**{name}**"
            if "error" in s:
                rows.append([first, name, f"出错：{escape(s['error'][:80])}", "", "", ""])
                continue
            vs = [
                "—" if impl == other else fmt_ratio(_ratio(s, impls.get(other, {}), "median"))
                for other in ("torch", "numpy")
            ]
            time = f"{fmt_duration(s['median'])}<br>（{fmt_spread(s['min'], s['max'])}）"
            rows.append([first, name, time, *vs, fmt_mb(s["peak_rss_mb"])])
    return _md_table(header, rows, "llrrrr")


def per_what(unit: str) -> str:
    """``s per epoch`` (the file's unit of a timing) → ``每个 epoch``."""
    what = unit.removeprefix("s per ").strip()
    return PER.get(what, f"每个 {escape(what)}")


def targets_table(results: Json) -> str:
    """Every target the results file sets for picotorch, what was measured, PASS or FAIL; for
    a time, also the ratio of the fastest processes (the least disturbed by the host), which
    shows how far the verdict of the medians can be trusted."""
    rows = []
    for r in results["ratios"]:
        if r["target"] is None:
            continue
        fastest = "—"
        if r["metric"] == "slope":
            x = results["workloads"][r["workload"]].get("x", "x")
            what, goal = f"log(时间) 对 log({x}) 的斜率", f"≤ {r['target']:g}"
            value = "—" if r["value"] is None else f"{r['value']:.2f}"
        else:
            metric = METRIC_NAMES.get(r["metric"], r["metric"])
            what = f"{metric} ÷ {IMPL_NAMES.get(r['vs'], r['vs'])}"
            goal, value = f"≤ {r['target']:g}×", fmt_ratio_against(r["value"], r["target"])
            if r["metric"] == "time":
                fastest = fastest_ratio(results, r["workload"], r["vs"])
                fastest = fmt_ratio_against(fastest, r["target"])
        rows.append([r["workload"], what, goal, value, fastest, verdict(r["pass"])])
    header = ["任务", "picotorch 的哪个比值", "目标", "实测<br>（中位数之比）"]
    header += ["最快一次之比", "结果"]
    return _md_table(header, rows, "llrrrc")


def fastest_ratio(results: Json, workload: str, vs: str) -> float | None:
    """picotorch's fastest process over ``vs``'s fastest, for one workload."""
    impls = results["workloads"][workload]["impls"]
    return _ratio(impls["picotorch"], impls.get(vs, {}), "min")


def scaling_tables(results: Json) -> str:
    """One table per W5 workload: the median per point and implementation, the ratios, and the
    log-log slope of each implementation (with its target where the file sets one)."""
    out = []
    for workload, summary in results["workloads"].items():
        if "points" not in summary:
            continue
        header = [X_NAMES.get(summary["x"], summary["x"])]
        header += [IMPL_NAMES.get(i, i) for i in IMPL_NAMES]
        header += ["picotorch ÷ torch", "picotorch ÷ NumPy"]
        rows = []
        for point in summary["points"]:
            cells = [fmt_x(point["x"])]
            cells += [
                fmt_duration(point[i]["median"]) if i in point else "出错" for i in IMPL_NAMES
            ]
            pico = point.get("picotorch", {})
            cells += [
                fmt_ratio(_ratio(pico, point.get(o, {}), "median")) for o in ("torch", "numpy")
            ]
            rows.append(cells)
        slopes = "，".join(
            f"{IMPL_NAMES.get(impl, impl)} {'—' if v is None else f'{v:.2f}'}"
            for impl, v in summary["slope"].items()
        )
        title = SCALING_TITLES.get(workload, summary["title"])
        line = f"**{workload}**（{escape(title)}）。log-log 斜率：{slopes}。"
        for r in _targets(results, workload, "slope"):
            line += f"目标：picotorch 的斜率 ≤ {r['target']:g}，{verdict(r['pass'])}。"
        out += [line, _md_table(header, rows, "lrrrrr")]
    return "\n\n".join(out)


def vector_family(build: str) -> str:
    """The instruction set of a build of torch's kernels or NumPy's loops, by its name
    (torch: AVX2, AVX512; NumPy: X86_V3, X86_V4, AVX512_ICL and such)."""
    if "512" in build or build == "X86_V4":
        return "AVX-512"
    if build in ("AVX2", "X86_V3"):
        return "AVX2"
    return build


def kernels_text(kernels: dict[str, str]) -> str:
    """Which builds each implementation's kernels ran (the ratios move with them)."""
    labels = {
        "torch": "torch 的内核",
        "picotorch": "picotorch 所用 NumPy 的循环",
        "numpy": "NumPy 参考实现的循环",
    }
    parts = []
    for impl, label in labels.items():
        build = kernels[impl]
        family = vector_family(build)
        named = family.replace("-", "") == build  # (torch's AVX512 says it already)
        parts.append(f"{label} {escape(build)}" + ("" if named else f"（{family}）"))
    return "；".join(parts)


def setup_list(results: Json) -> str:
    """Where and how the numbers were measured: machine, versions, date, repeats, threads."""
    m, v, cfg = results["machine"], results["versions"], results["config"]
    threads = results["threads"]
    repeats = cfg["repeats_used"]
    by_count: dict[int, list[str]] = {}
    for workload, n in repeats.items():
        by_count.setdefault(n, []).append(workload)
    repeat_text = "；".join(f"{'、'.join(ws)} 各 {n} 次" for n, ws in by_count.items())
    checks = results["checks"]
    failed = [f"{c['workload']} {c['impl']}" for c in checks if not c["ok"]]
    check_text = (
        f"{len(checks)} 项全部一致"
        if not failed
        else f"{len(failed)} / {len(checks)} 项**不一致**：{'，'.join(failed)}"
    )
    lines = [
        f"- **日期**：{fmt_date(results['date'])}",
        f"- **机器**：{escape(m['cpu'])}，{m['cores']} 个 CPU 核；`{escape(m['platform'])}`",
        f"- **向量指令**：{kernels_text(m['kernels'])}",
        f"- **版本**：Python {v['python']}，NumPy {v['numpy']}，torch {v['torch']}，"
        f"picotorch {v['picotorch']}",
        f"- **线程**：{threads}（BLAS、OpenMP 和 torch 都限制为 {threads} 个线程）",
        "- **内存分配器**：每个进程都用同样的 glibc malloc 阈值（"
        + "，".join(f"`{k}={v}`" for k, v in results["allocator"].items())
        + "），原因见下面的“测量方式”",
        f"- **重复**：每个实现都在新进程里重复运行，{repeat_text}，表中是这些进程的中位数",
        f"- **梯度检查**：NumPy 参考实现和 picotorch 算出的梯度与 torch 比对，{check_text}",
    ]
    load = m.get("load_average_start"), m.get("load_average_end")
    if all(isinstance(x, list) and x for x in load):
        lines.append(
            f"- **系统负载**（1 分钟平均）：开始时 {load[0][0]:.2f}，结束时 {load[1][0]:.2f}"
        )
    accuracy = []
    for workload, summary in results["workloads"].items():
        impls = summary.get("impls", {})
        found = [
            f"{IMPL_NAMES.get(i, i)} {s['accuracy']:.4f}"
            for i, s in impls.items()
            if "accuracy" in s
        ]
        if found:
            accuracy.append(f"{workload}：{'，'.join(found)}")
    if accuracy:
        lines.append(f"- **训练后的测试准确率**：{'；'.join(accuracy)}")
    text = "\n".join(lines)
    if results["mode"] != "full":
        text = (
            f'!!! warning "这是一次 {results["mode"]} 运行"\n'
            "    重复次数和数据点都比完整运行少，这些数只能说明程序能跑，不能当作性能结论。\n\n"
            + text
        )
    return text


PHASE_NAMES = {
    "data": "取数据（打乱、切出一个 batch）",
    "zero_grad": "清零梯度 `opt.zero_grad()`",
    "forward": "前向 `loss_fn(model(x), y)`",
    "backward": "反向 `loss.backward()`",
    "step": "更新参数 `opt.step()`",
}
GROUP_NAMES = {
    "forward": "前向运算（`_ops/`、`nn/functional.py`）",
    "backward": "反向公式（`…Backward0` 节点和 `…_backward` 函数）",
    "engine": "求导引擎与记录节点（`autograd/`）",
    "tensor": "Tensor 类本身（`_tensor.py` 等）",
    "modules": "模块（`nn/modules/`）",
    "optimizer": "优化器（`optim/`）",
    "numpy_c": "NumPy 的 C 函数（单独调用的）",
    "numpy_py": "NumPy 的 Python 包装函数",
    "builtins": "Python 内置函数（`isinstance`、`len` …）",
    "loop": "训练循环本身（`benchmarks/profile_w2.py`）",
    "other": "其他",
}


def profile_setup(profile: Json) -> str:
    v = profile["versions"]
    epochs = profile["epochs"]
    return "\n".join(
        [
            f"- **测量**：{fmt_date(profile['date'])}，Python {v['python']}，NumPy {v['numpy']}，"
            f"picotorch {v['picotorch']}，{profile['threads']} 个 BLAS 线程",
            f"- **范围**：{epochs} 个 epoch，共 {profile['steps']} 步（每步一个 "
            f"{profile['batch']} 个样本的 batch），每个 epoch 约 "
            f"{profile['function_calls'] / epochs:.0f} 次函数调用，即每步约 "
            f"{profile['function_calls'] / profile['steps']:.0f} 次",
            f"- **开销**：不开 profiler 时一个 epoch {fmt_duration(profile['plain_epoch_s'])}，"
            f"开着 profiler 时 {fmt_duration(profile['profiled_time_s'] / epochs)}",
        ]
    )


def profile_phases(profile: Json) -> str:
    total = profile["profiled_time_s"]
    rows = [
        [
            PHASE_NAMES.get(p["name"], p["name"]),
            fmt_duration(p["cumtime"] / profile["steps"]),
            fmt_share(p["cumtime"], total),
        ]
        for p in profile["phases"]
    ]
    rest = total - sum(p["cumtime"] for p in profile["phases"])
    rows.append(
        [
            "其余（循环本身）",
            fmt_duration(max(rest, 0) / profile["steps"]),
            fmt_share(max(rest, 0), total),
        ]
    )
    return _md_table(["阶段", "每步（含 profiler 开销）", "占比"], rows, "lrr")


def profile_groups(profile: Json) -> str:
    """Own time by kind of code; kinds under half a percent are left out."""
    total = profile["profiled_time_s"]
    rows = [
        [
            GROUP_NAMES.get(g["name"], g["name"]),
            f"{g['calls'] / profile['steps']:.0f}",
            fmt_share(g["tottime"], total),
        ]
        for g in profile["groups"]
        if g["tottime"] >= 0.005 * total
    ]
    return _md_table(["代码", "每步调用次数", "自身时间占比"], rows, "lrr")


def profile_top(profile: Json) -> str:
    total = profile["profiled_time_s"]
    rows = [
        [
            f"`{escape(r['function'])}`",
            GROUP_NAMES.get(r["group"], r["group"]).split("（")[0],
            f"{r['calls'] / profile['steps']:.0f}",
            fmt_share(r["tottime"], total),
        ]
        for r in profile["top"]
    ]
    return _md_table(["函数", "类别", "每步调用次数", "自身时间占比"], rows, "llrr")


# --- inline values ------------------------------------------------------------------------------


LOWER_BOUND_NAMES = {
    "numpy": "手写 NumPy",
    "tape": "最简自动求导（tape）",
    "floor": "torch 语义的下限（floor）",
    "picotorch": "picotorch",
    "torch": "torch",
}


def lower_bound_table(bound: Json) -> str:
    """W1 and W2 steps (and W1's forward alone) of the five implementations: median (min–max),
    ratios to torch and NumPy; then when and where it was measured."""
    rows = []
    for workload, what in LOWER_BOUND_WORKLOADS.items():
        timings = bound["workloads"][workload]
        torch_t, numpy_t = timings["torch"]["median_us"], timings["numpy"]["median_us"]
        for impl in LOWER_BOUND_IMPLS:
            t = timings[impl]
            rows.append(
                [
                    what if impl == "numpy" else "",
                    f"**{LOWER_BOUND_NAMES[impl]}**"
                    if impl in ("tape", "floor")
                    else LOWER_BOUND_NAMES[impl],
                    f"{fmt_duration(t['median_us'] * 1e-6)}"
                    f"<br>（{fmt_spread(t['min_us'] * 1e-6, t['max_us'] * 1e-6)}）",
                    fmt_ratio(t["median_us"] / torch_t),
                    fmt_ratio(t["median_us"] / numpy_t),
                ]
            )
    table = _md_table(["任务", "实现", "中位数（最小–最大）", "÷ torch", "÷ NumPy"], rows, "llrrr")
    versions = bound["versions"]
    note = (
        f"测于 {fmt_date(bound['date'])}，{bound['machine']['cpu']}，"
        f"{bound['machine']['cores']} 个 CPU 核；Python {versions['python']}，"
        f"NumPy {versions['numpy']}，torch {versions['torch']}；同一进程里五种实现轮流计时，"
        f"每种 {bound['rounds']} 轮、每轮 {bound['steps_per_round']} 步，取中位数。"
    )
    return table + "\n\n" + note


def inline_bound_ratio(bound: Json, workload: str, impl: str, vs: str) -> str:
    """``bound W2 floor numpy`` → the floor's median over NumPy's in the lower-bound file."""
    timings = bound["workloads"][workload]
    return fmt_ratio(timings[impl]["median_us"] / timings[vs]["median_us"])


def _find_ratio(results: Json, workload: str, metric: str, vs: str) -> Json:
    for r in results["ratios"]:
        if (r["workload"], r["metric"], r["vs"] or "") == (workload, metric, vs):
            return r
    raise KeyError(f"no ratio {workload} {metric} {vs} in {RESULTS}")


def inline_ratio(results: Json, profile: Json, workload: str, metric: str, vs: str = "") -> str:
    """``ratio W2 time torch`` → ``0.94×``; ``ratio W5-chain slope`` → ``1.02``."""
    value = _find_ratio(results, workload, metric, vs)["value"]
    if metric == "slope":
        return "—" if value is None else f"{value:.2f}"
    return fmt_ratio(value)


def inline_median(results: Json, profile: Json, workload: str, impl: str) -> str:
    """``median W2 numpy`` → ``6.30 ms``."""
    s = results["workloads"][workload]["impls"][impl]
    return "出错" if "error" in s else fmt_duration(s["median"])


def inline_memory(results: Json, profile: Json, workload: str, impl: str) -> str:
    """``memory W2 torch`` → ``303 MB``."""
    s = results["workloads"][workload]["impls"][impl]
    return "出错" if "error" in s else fmt_mb(s["peak_rss_mb"])


def inline_faults(results: Json, profile: Json, workload: str, impl: str) -> str:
    """``faults W4 picotorch`` → the median process's minor page faults, ``6,830``."""
    s = results["workloads"][workload]["impls"][impl]
    return "出错" if "error" in s else fmt_count(s["minor_faults"])


def inline_default_allocator(results: Json, profile: Json, what: str) -> str:
    """``default-allocator faults`` / ``default-allocator median``: the W4 picotorch run with
    glibc's default malloc thresholds (``default_allocator`` in the results file)."""
    d = results["default_allocator"]
    if "error" in d:
        return "出错"
    if what == "faults":
        return fmt_count(d["minor_faults"])
    if what == "median":
        return fmt_duration(d["median"])
    raise ValueError(f"default-allocator takes faults or median, not {what!r}")


def inline_phase(results: Json, profile: Json, name: str) -> str:
    """``phase backward`` → its share of the profiled time, ``42%``."""
    (phase,) = [p for p in profile["phases"] if p["name"] == name]
    return fmt_share(phase["cumtime"], profile["profiled_time_s"])


def inline_group(results: Json, profile: Json, *names: str) -> str:
    """``group engine tensor`` → the summed own-time share of those groups, ``33%``."""
    found = [g for g in profile["groups"] if g["name"] in names]
    return fmt_share(sum(g["tottime"] for g in found), profile["profiled_time_s"])


def inline_calls_per_step(results: Json, profile: Json) -> str:
    return f"{profile['function_calls'] / profile['steps']:.0f}"


BLOCKS: dict[str, Callable[[Json, Json], str]] = {
    "setup": lambda results, profile: setup_list(results),
    "table": lambda results, profile: results_table(results),
    "targets": lambda results, profile: targets_table(results),
    "scaling-table": lambda results, profile: scaling_tables(results),
    "profile-setup": lambda results, profile: profile_setup(profile),
    "profile-phases": lambda results, profile: profile_phases(profile),
    "profile-groups": lambda results, profile: profile_groups(profile),
    "profile-top": lambda results, profile: profile_top(profile),
}
INLINE: dict[str, Callable[..., str]] = {
    "ratio": inline_ratio,
    "median": inline_median,
    "memory": inline_memory,
    "faults": inline_faults,
    "default-allocator": inline_default_allocator,
    "phase": inline_phase,
    "group": inline_group,
    "calls-per-step": inline_calls_per_step,
}

MARKER_RE = re.compile(r"<!--\s*benchmark:(?P<name>[a-z-]+)(?P<args>[^>]*?)\s*-->")


def render_markers(
    markdown: str, results: Json, profile: Json, where: str = "page", bound: Json | None = None
) -> str:
    """Replace every ``<!-- benchmark:… -->`` marker; PluginError for an unknown or bad one.
    ``bound``: the lower-bound file, for ``<!-- benchmark:lower-bound -->``."""

    def replace(m: re.Match[str]) -> str:
        name, args = m["name"], m["args"].split()
        line_start = markdown.rfind("\n", 0, m.start()) + 1
        line_end = markdown.find("\n", m.end())
        alone = (
            not markdown[line_start : m.start()].strip()
            and not markdown[m.end() : len(markdown) if line_end < 0 else line_end].strip()
        )
        try:
            if name == "lower-bound" and not args:
                if not alone:
                    raise ValueError("a block marker must be alone on its line")
                if bound is None:
                    raise ValueError("no lower-bound results were given")
                return "\n" + lower_bound_table(bound) + "\n"
            if name == "bound":  # ``bound W2 floor numpy``: a ratio of lower-bound medians
                if bound is None:
                    raise ValueError("no lower-bound results were given")
                return inline_bound_ratio(bound, *args)
            if name in BLOCKS and not args:
                if not alone:
                    raise ValueError("a block marker must be alone on its line")
                return "\n" + BLOCKS[name](results, profile) + "\n"
            if name in INLINE:
                return INLINE[name](results, profile, *args)
            raise ValueError(
                f"unknown marker; blocks: {', '.join(BLOCKS)}, lower-bound; inline: "
                f"{', '.join(INLINE)}, bound"
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise PluginError(f"{where}: {m[0]}: {exc}") from None

    return MARKER_RE.sub(replace, markdown)


# --- charts -------------------------------------------------------------------------------------

FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
# Drawn on a white card, so the chart reads the same on Material's light and dark schemes.
CHART_STYLE = f"""
text {{ font-family: {FONT}; font-size: 13px; fill: #1a1c1e; }}
.title {{ font-size: 15px; font-weight: 600; }}
.axis {{ stroke: #5f6368; stroke-width: 1; }}
.grid {{ stroke: #e3e5e8; stroke-width: 1; }}
.one {{ stroke: #5f6368; stroke-width: 1.5; }}
.target {{ stroke: #1a1c1e; stroke-width: 2; stroke-dasharray: 5 3; }}
.guide {{ stroke: #9aa0a6; stroke-width: 1.5; stroke-dasharray: 4 4; fill: none; }}
.pass {{ fill: #1e7d32; font-weight: 600; }}
.fail {{ fill: #c62828; font-weight: 600; }}
.small {{ font-size: 12px; fill: #5f6368; }}
"""
SERIES = {  # (metric, vs) of a ratio -> bar colour, legend text
    ("time", "torch"): ("#3b6fd4", "时间 ÷ torch"),
    ("time", "numpy"): ("#e08a1e", "时间 ÷ NumPy"),
    ("peak_rss", "torch"): ("#2e8b57", "峰值内存 ÷ torch"),
    ("peak_rss", "numpy"): ("#8e5bc4", "峰值内存 ÷ NumPy"),
}
LINES = {  # implementation -> colour, marker shape
    "picotorch": ("#3b6fd4", "circle"),
    "torch": ("#c62828", "square"),
    "numpy": ("#e08a1e", "triangle"),
}


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        "\n".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
                f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img">',
                f"<title>{escape(title)}</title>",
                f"<style>{CHART_STYLE}</style>",
                f'<rect width="{width:.0f}" height="{height:.0f}" rx="8" fill="#ffffff"/>',
                *body,
                "</svg>",
            ]
        )
        + "\n"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{attr}>{escape(text)}</text>'


def _log_range(values: list[float]) -> tuple[int, int]:
    """The whole decades (powers of ten, as exponents) that hold every value."""
    lo = math.floor(math.log10(min(values)) + 1e-9)
    hi = math.ceil(math.log10(max(values)) - 1e-9)
    return lo, max(hi, lo + 1)


def text_width(text: str, size: float = 13) -> float:
    """About how wide ``text`` is drawn: a CJK character is a square, others about 0.58 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.58 * size for ch in text)


def ratios_svg(results: Json) -> str:
    """Grouped bars, one group per workload, one bar per ratio with a target (or a time ratio):
    picotorch ÷ torch and ÷ NumPy on a log axis around 1, each target a dashed line."""
    entries = [r for r in results["ratios"] if r["metric"] in ("time", "peak_rss")]
    groups: dict[str, list[Json]] = {}
    for r in entries:
        groups.setdefault(r["workload"], []).append(r)
    values = [r["value"] for r in entries if r["value"]] + [
        r["target"] for r in entries if r["target"]
    ]
    lo, hi = _log_range([*values, 1.0])
    bar, gap, group_gap = 34, 6, 36
    left, top, plot_h = 64, 64, 300
    group_w = {w: len(rs) * (bar + gap) - gap for w, rs in groups.items()}
    width = left + sum(group_w.values()) + group_gap * (len(groups) + 1) + 24
    height = top + plot_h + 80

    def y(v: float) -> float:
        return top + plot_h * (hi - math.log10(v)) / (hi - lo)

    body = [
        _text(left, 26, "picotorch 与 torch、NumPy 的比值（越低越快 / 越省）", "start", "title")
    ]
    body.append(
        _text(left, 46, "对数坐标；虚线：目标；数值绿色为达标，红色为未达标", "start", "small")
    )
    for e in range(lo, hi + 1):
        for m in (1, 2, 5) if e < hi else (1,):
            v = m * 10.0**e
            cls = "one" if v == 1 else "grid"
            body.append(
                f'<line class="{cls}" x1="{left}" y1="{y(v):.1f}" x2="{width - 16}" '
                f'y2="{y(v):.1f}"/>'
            )
            body.append(_text(left - 8, y(v) + 4, f"{v:g}×", "end", "small"))
    x = left + group_gap
    legend: dict[tuple[str, str], str] = {}
    for workload, rs in groups.items():
        for i, r in enumerate(rs):
            bx = x + i * (bar + gap)
            colour, label = SERIES.get(
                (r["metric"], r["vs"]), ("#9aa0a6", f"{r['metric']} ÷ {r['vs']}")
            )
            legend[(r["metric"], r["vs"])] = label
            if r["value"]:
                y0, y1 = sorted((y(1.0), y(r["value"])))
                body.append(
                    f'<rect x="{bx:.1f}" y="{y0:.1f}" width="{bar}" height="{max(y1 - y0, 1):.1f}" '
                    f'fill="{colour}"/>'
                )
                above = r["value"] >= 1
                cls = "" if r["pass"] is None else ("pass" if r["pass"] else "fail")
                ty = y(r["value"]) - 6 if above else y(r["value"]) + 15
                body.append(_text(bx + bar / 2, ty, f"{r['value']:.2f}", cls=cls))
            if r["target"]:
                body.append(
                    f'<line class="target" x1="{bx - 3:.1f}" y1="{y(r["target"]):.1f}" '
                    f'x2="{bx + bar + 3:.1f}" y2="{y(r["target"]):.1f}"/>'
                )
        body.append(_text(x + group_w[workload] / 2, top + plot_h + 22, workload))
        x += group_w[workload] + group_gap
    body.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>')
    lx: float = left
    for key, label in legend.items():
        colour = SERIES.get(key, ("#9aa0a6", ""))[0]
        body.append(f'<rect x="{lx}" y="{height - 30}" width="14" height="14" fill="{colour}"/>')
        body.append(_text(lx + 20, height - 18, label, "start"))
        lx += 20 + text_width(label) + 24
    body.append(
        f'<line class="target" x1="{lx}" y1="{height - 23}" x2="{lx + 28}" y2="{height - 23}"/>'
    )
    body.append(_text(lx + 34, height - 18, "目标", "start"))
    return _svg(width, height, "picotorch 的时间和内存比值与目标", body)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} z" '
            f'fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def fmt_decade(seconds: float) -> str:
    """A power of ten as an axis label: ``100 µs``, ``1 ms``, ``10 s``."""
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale * 0.999:
            return f"{seconds / scale:.0f} {unit}"
    return f"{seconds / 1e-9:.0f} ns"


def scaling_svg(results: Json) -> str:
    """W5: one log-log panel per scaling workload, time against N or width, a line per
    implementation (its fitted slope in the legend); the chain panel has a slope-1 guide."""
    panels = [(w, s) for w, s in results["workloads"].items() if "points" in s]
    pw, ph, left, top, gap = 270, 250, 62, 76, 24  # panel size, margins
    width = len(panels) * (left + pw + gap) + 8
    height = top + ph + 62 + 18 * len(IMPL_NAMES) + 12
    body = [_text(16, 26, "W5：反向传播时间随规模的增长（对数-对数坐标）", "start", "title")]
    for k, (workload, summary) in enumerate(panels):
        ox = left + k * (left + pw + gap)  # the panel's left edge
        xs = [p["x"] for p in summary["points"]]
        times = [p[i]["median"] for p in summary["points"] for i in IMPL_NAMES if i in p]
        x_lo, x_span = math.log10(min(xs)), max(math.log10(max(xs) / min(xs)), 1e-9)
        y_lo, y_hi = _log_range(times)

        def px(v: float, ox: float = ox, x_lo: float = x_lo, x_span: float = x_span) -> float:
            return ox + 14 + (pw - 28) * (math.log10(v) - x_lo) / x_span

        def py(v: float, y_lo: float = y_lo, y_hi: float = y_hi) -> float:
            return top + ph * (y_hi - math.log10(v)) / (y_hi - y_lo)

        x_name = X_NAMES.get(summary["x"], summary["x"])
        body.append(_text(ox, top - 16, f"{workload}：时间随{x_name}", "start"))
        for e in range(int(y_lo), int(y_hi) + 1):
            yv = py(10.0**e)
            body.append(
                f'<line class="grid" x1="{ox}" y1="{yv:.1f}" x2="{ox + pw}" y2="{yv:.1f}"/>'
            )
            body.append(_text(ox - 6, yv + 4, fmt_decade(10.0**e), "end", "small"))
        for v in xs:
            xv = px(v)
            body.append(
                f'<line class="grid" x1="{xv:.1f}" y1="{top}" x2="{xv:.1f}" y2="{top + ph}"/>'
            )
            body.append(_text(xv, top + ph + 18, fmt_x(v), cls="small"))
        body.append(f'<path class="axis" fill="none" d="M{ox},{top} V{top + ph} H{ox + pw}"/>')
        body.append(_text(ox + pw / 2, top + ph + 38, x_name, cls="small"))
        legend = []
        for impl in IMPL_NAMES:
            colour, shape = LINES[impl]
            pts = [(p["x"], p[impl]["median"]) for p in summary["points"] if impl in p]
            if pts:
                d = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in pts)
                body.append(
                    f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
                body += [_marker(shape, px(a), py(b), colour) for a, b in pts]
            slope = summary["slope"].get(impl)
            slope_text = "—" if slope is None else f"{slope:.2f}"
            legend.append((impl, f"{IMPL_NAMES[impl]}，斜率 {slope_text}"))
        first = next((p for p in summary["points"] if "picotorch" in p), None)
        if workload == "W5-chain" and first is not None:  # time ∝ N through picotorch's first point
            t0, x_end = first["picotorch"]["median"], max(xs)
            body.append(
                f'<line class="guide" x1="{px(first["x"]):.1f}" y1="{py(t0):.1f}" '
                f'x2="{px(x_end):.1f}" y2="{py(t0 * x_end / first["x"]):.1f}"/>'
            )
            legend.append(("guide", "斜率 1（时间与 N 成正比）"))
        for j, (key, label) in enumerate(legend):
            ly = top + ph + 62 + 18 * j
            if key == "guide":
                body.append(
                    f'<line class="guide" x1="{ox}" y1="{ly - 4}" x2="{ox + 18}" y2="{ly - 4}"/>'
                )
            else:
                colour, shape = LINES[key]
                body.append(
                    f'<line x1="{ox}" y1="{ly - 4}" x2="{ox + 18}" y2="{ly - 4}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
                body.append(_marker(shape, ox + 9, ly - 4, colour))
            body.append(_text(ox + 24, ly, label, "start", "small"))
    return _svg(width, height, "W5 的反向传播时间随 N 和宽度的增长", body)


# --- MkDocs events -----------------------------------------------------------------------------


def _paths(config: MkDocsConfig) -> tuple[Path, Path]:
    root = Path(config.config_file_path).parent
    return root / RESULTS, root / PROFILE


def on_files(files: Files, config: MkDocsConfig) -> Files:
    results_path, _ = _paths(config)
    results = load_results(results_path)
    files.append(File.generated(config, RATIOS_SVG, content=ratios_svg(results)))
    files.append(File.generated(config, SCALING_SVG, content=scaling_svg(results)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "<!-- benchmark:" not in markdown and not MARKER_RE.search(markdown):
        return markdown
    results_path, profile_path = _paths(config)
    root = Path(config.config_file_path).parent
    wants_bound = "benchmark:lower-bound" in markdown or "benchmark:bound " in markdown
    bound = load_lower_bound(root / LOWER_BOUND) if wants_bound else None
    return render_markers(
        markdown, load_results(results_path), load_profile(profile_path), page.file.src_uri, bound
    )


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """``mkdocs serve`` rebuilds when a results file changes."""
    for path in (*_paths(config), Path(config.config_file_path).parent / LOWER_BOUND):
        server.watch(str(path))
    return server
