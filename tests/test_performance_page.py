"""The 性能 page: every number comes from the committed result files, the charts exist, a bad
results file fails the build clearly; and benchmarks/profile_w2.py trains exactly W2.

The page is built once per session (the ``site`` fixture). The expected texts are formatted here
from ``benchmarks/results.json`` and ``benchmarks/profile_w2.json``, so the test holds whatever
results are committed.
"""

from __future__ import annotations

import copy
import cProfile
import importlib.util
import json
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from site_hooks import load_hook

pytest.importorskip("mkdocs", reason="the hook imports mkdocs; `nox -s tests` installs it")

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"
PROFILE = ROOT / "benchmarks" / "profile_w2.json"
SVG = "{http://www.w3.org/2000/svg}"

sys.path.insert(0, str(ROOT))  # benchmarks/ is a package at the repo root, not installed

from benchmarks import profile_w2, workloads  # noqa: E402
from benchmarks.data import load_digits_npz, save_digits  # noqa: E402

hook = load_hook("benchmark_results")


def results() -> dict[str, Any]:
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def profile() -> dict[str, Any]:
    return json.loads(PROFILE.read_text(encoding="utf-8"))


# --- the built page -----------------------------------------------------------------------------


class _Tables(HTMLParser):
    """The text of every table row of a page: a list of cells, each cell's text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def page(site: Path) -> str:
    return (site / "performance" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(page: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(page)
    return parser.rows


def ms_or_us(seconds: float) -> str:
    """The page's time format, written out independently: three significant digits."""
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            value = seconds / scale
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    raise AssertionError(f"{seconds} s is shorter than the suite measures")


def test_every_workload_and_implementation_has_its_row(rows: list[list[str]]) -> None:
    data = results()
    checked = 0
    for workload, summary in data["workloads"].items():
        if "impls" not in summary:
            continue
        impls = summary["impls"]
        table = [r for r in rows if len(r) == 6]
        for impl, s in impls.items():
            name = {"numpy": "NumPy"}.get(impl, impl)
            median = ms_or_us(s["median"])
            wanted = [name, f"{s['peak_rss_mb']:.0f} MB"]
            wanted += [
                "—" if impl == other else f"{s['median'] / impls[other]['median']:.2f}×"
                for other in ("torch", "numpy")
            ]
            matches = [r for r in table if r[1] == name and r[2].startswith(median + " ")]
            assert matches, f"no row for {workload} {impl} with median {median}"
            row = matches[0]
            assert [row[1], row[5], row[3], row[4]] == wanted
            assert ms_or_us(s["min"]).split()[0] in row[2]
            assert ms_or_us(s["max"]).split()[0] in row[2]
            checked += 1
    assert checked >= 12  # W1-W4, three implementations each


def shown_against(value: float, target: float) -> str:
    """A ratio as the targets table shows it: two decimals, or as many more (up to four) as
    it takes not to read as the target itself."""
    decimals = next((d for d in (2, 3) if round(value, d) != target), 4)
    return f"{value:.{decimals}f}×"


@pytest.mark.parametrize(
    ("value", "target", "text"),
    [(0.5033, 0.5, "0.503×"), (0.4967, 0.5, "0.497×"), (0.83, 0.5, "0.83×"), (1.0, 1, "1.0000×")],
)
def test_a_ratio_next_to_its_target_shows_which_side_it_is_on(
    value: float, target: float, text: str
) -> None:
    assert hook.fmt_ratio_against(value, target) == text


def test_every_target_is_shown_with_its_verdict(rows: list[list[str]]) -> None:
    targets = [r for r in results()["ratios"] if r["target"] is not None]
    assert targets
    table = [r for r in rows if len(r) == 6 and r[-1] in ("PASS", "FAIL")]
    for t in targets:
        if t["metric"] == "slope":
            value = f"{t['value']:.2f}"
        else:
            value = shown_against(t["value"], t["target"])
        found = [
            r
            for r in table
            if r[0] == t["workload"] and r[3] == value and f"{t['target']:g}" in r[2]
        ]
        assert found, f"no target row for {t}"
        assert found[0][5] == ("PASS" if t["pass"] else "FAIL")
        if t["metric"] == "time":  # the ratio of the fastest processes, from the same file
            impls = results()["workloads"][t["workload"]]["impls"]
            fastest = impls["picotorch"]["min"] / impls[t["vs"]]["min"]
            assert found[0][4] == shown_against(fastest, t["target"])
        else:
            assert found[0][4] == "—"
    assert len(table) == len(targets)


def test_scaling_points_are_in_tables(rows: list[list[str]]) -> None:
    for workload, summary in results()["workloads"].items():
        if "points" not in summary:
            continue
        for point in summary["points"]:
            medians = [ms_or_us(point[i]["median"]) for i in ("picotorch", "torch", "numpy")]
            assert any(r[1:4] == medians for r in rows), f"{workload} x={point['x']}: {medians}"


def test_machine_versions_date_and_repeats_are_shown(page: str) -> None:
    data = results()
    text = re.sub(r"<[^>]+>", "", page)
    for value in data["versions"].values():
        assert value in text
    assert data["machine"]["cpu"] in text
    # which builds of their kernels the three ran: the ratios move with them
    kernels = data["machine"]["kernels"]
    line = re.search(r"向量指令：(.*)", text)
    assert line is not None
    for impl in ("torch", "picotorch", "numpy"):
        assert kernels[impl] in line.group(1)
    assert data["date"][:10] in text and data["date"][11:16] in text
    for workload, n in data["config"]["repeats_used"].items():
        assert re.search(rf"{re.escape(workload)}[^；]*各 {n} 次", text)


def test_profile_tables_take_their_shares_from_the_file(rows: list[list[str]]) -> None:
    p = profile()
    total = p["profiled_time_s"]
    three = {r[0]: r for r in rows if len(r) == 3}  # the phases and the groups tables
    for phase in p["phases"]:
        row = three[hook.PHASE_NAMES[phase["name"]].replace("`", "")]
        assert row[1] == ms_or_us(phase["cumtime"] / p["steps"])
        assert row[2] == f"{100 * phase['cumtime'] / total:.0f}%"
    for group in p["groups"]:
        if group["tottime"] < 0.005 * total:
            assert hook.GROUP_NAMES[group["name"]].replace("`", "") not in three
            continue
        row = three[hook.GROUP_NAMES[group["name"]].replace("`", "")]
        assert row[1] == f"{group['calls'] / p['steps']:.0f}"
        assert row[2] == f"{100 * group['tottime'] / total:.0f}%"
    top_rows = {r[0]: r for r in rows if len(r) == 4}
    for entry in p["top"]:
        row = top_rows[entry["function"]]
        assert row[3] == f"{100 * entry['tottime'] / total:.0f}%"
        assert row[2] == f"{entry['calls'] / p['steps']:.0f}"


def test_no_marker_is_left_and_the_charts_are_there(site: Path, page: str) -> None:
    assert "benchmark:" not in page
    for name in ("benchmark-ratios.svg", "benchmark-scaling.svg"):
        assert f'src="../images/{name}"' in page
        root = ET.parse(site / "images" / name).getroot()
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title") is not None
    # a bar (with its value written on it) for every time and memory ratio in the file
    bars = ET.parse(site / "images" / "benchmark-ratios.svg").getroot()
    labels = [t.text for t in bars.iter(f"{SVG}text")]
    for r in results()["ratios"]:
        if r["metric"] in ("time", "peak_rss") and r["value"] is not None:
            assert f"{r['value']:.2f}" in labels
    # a line per implementation in each W5 panel, through every measured point
    lines = ET.parse(site / "images" / "benchmark-scaling.svg").getroot()
    scaling = [w for w, s in results()["workloads"].items() if "points" in s]
    assert len(list(lines.iter(f"{SVG}polyline"))) == 3 * len(scaling)


def test_the_page_is_in_the_navigation_after_the_notebook(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    nav = re.findall(
        r'class="md-nav__link[^"]*"[^>]*>\s*<span class="md-ellipsis">\s*([^<]+?)\s*<', index
    )
    assert "性能" in nav and nav.index("性能") == nav.index("训练一个分类器") + 1


# --- the hook, unit by unit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "family"),
    [
        ("AVX512", "AVX-512"),  # torch's names
        ("AVX2", "AVX2"),
        ("X86_V4", "AVX-512"),  # NumPy's
        ("AVX512_ICL", "AVX-512"),
        ("X86_V3", "AVX2"),
        ("ASIMDHP", "ASIMDHP"),  # (another CPU's, as it is)
    ],
)
def test_builds_are_named_by_their_instruction_set(build: str, family: str) -> None:
    assert hook.vector_family(build) == family


def test_formats() -> None:
    assert hook.fmt_duration(187.44e-6) == "187 µs"
    assert hook.fmt_duration(0.017244) == "17.2 ms"
    assert hook.fmt_duration(0.0063) == "6.30 ms"
    assert hook.fmt_duration(1.1169) == "1.12 s"
    assert hook.fmt_spread(112.3e-6, 195.9e-6) == "112–196 µs"
    assert hook.fmt_spread(0.00098, 0.00102) == "980 µs – 1.02 ms"
    assert hook.fmt_ratio(0.94209) == "0.94×"
    assert hook.fmt_ratio(None) == "—"
    assert hook.fmt_x(3000) == "3k" and hook.fmt_x(64) == "64"
    assert hook.fmt_date("2026-11-27T07:04:36+00:00") == "2026-11-27 07:04 UTC"
    assert hook.fmt_decade(1e-4) == "100 µs" and hook.fmt_decade(1.0) == "1 s"


def test_a_missing_results_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match=r"does not exist; run `nox -s bench`"):
        hook.load_results(tmp_path / "results.json")
    with pytest.raises(PluginError, match=r"does not exist; run `python -m benchmarks.profile_w2`"):
        hook.load_profile(tmp_path / "profile_w2.json")


def test_a_file_that_is_not_json_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text('{"machine": ', encoding="utf-8")
    with pytest.raises(PluginError, match="is not valid JSON"):
        hook.load_results(path)
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(PluginError, match="should hold a JSON object"):
        hook.load_results(path)


def _broken(tmp_path: Path, data: dict[str, Any], change: Any) -> Path:
    data = copy.deepcopy(data)
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["workloads"]["W2"]["impls"]["torch"].pop("median"),
            "'workloads.W2.impls.torch.median' is missing",
        ),
        (
            lambda d: d["workloads"]["W1"]["impls"]["numpy"].update(min="fast"),
            "'workloads.W1.impls.numpy.min' should be int or float",
        ),
        (
            lambda d: d["workloads"]["W3"]["impls"]["picotorch"].update(max=True),
            "'workloads.W3.impls.picotorch.max' should be int or float",
        ),
        (
            lambda d: d["workloads"]["W5-chain"]["points"].clear(),
            "'workloads.W5-chain.points' is empty",
        ),
        (lambda d: d["ratios"][0].pop("pass"), "'ratios[0].pass' is missing"),
        (lambda d: d["ratios"][0].update(workload="W9"), "'W9' is not in 'workloads'"),
        (lambda d: d.update(date="yesterday"), "'date' should be an ISO date"),
        (lambda d: d.pop("machine"), "'machine' is missing"),
        (lambda d: d["machine"]["kernels"].pop("numpy"), "'machine.kernels.numpy' is missing"),
        (lambda d: d["workloads"].clear(), "'workloads' is empty"),
        (lambda d: d.pop("allocator"), "'allocator' is missing"),
        (
            lambda d: d["default_allocator"].update(minor_faults="many"),
            "'default_allocator.minor_faults' should be int or float",
        ),
    ],
)
def test_a_malformed_results_file_names_the_field(
    tmp_path: Path, change: Any, message: str
) -> None:
    path = _broken(tmp_path, results(), change)
    with pytest.raises(PluginError, match=re.escape(message)) as info:
        hook.load_results(path)
    assert str(path) in str(info.value) and "nox -s bench" in str(info.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["phases"][0].pop("cumtime"), "'phases[0].cumtime' is missing"),
        (lambda d: d.update(steps=0), "'steps' should be positive"),
        (lambda d: d.update(top=[]), "'top' is empty"),
        (lambda d: d["groups"][1].update(calls=1.5), "'groups[1].calls' should be int"),
    ],
)
def test_a_malformed_profile_names_the_field(tmp_path: Path, change: Any, message: str) -> None:
    path = _broken(tmp_path, profile(), change)
    with pytest.raises(PluginError, match=re.escape(message)):
        hook.load_profile(path)


def test_the_committed_files_are_well_formed() -> None:
    # the loaders raise on a malformed file (tested above); the committed ones load whole
    data = hook.load_results(RESULTS)
    assert {"W1", "W2", "W3", "W4"} <= set(data["workloads"]) and data["ratios"]
    assert hook.load_profile(PROFILE)["steps"] > 0


def test_inline_markers_take_their_numbers_from_the_file() -> None:
    data, prof = results(), profile()
    w2 = data["workloads"]["W2"]["impls"]
    text = hook.render_markers(
        "a <!-- benchmark:ratio W2 time numpy --> b <!-- benchmark:median W2 numpy --> "
        "c <!-- benchmark:phase backward --> d <!-- benchmark:calls-per-step -->",
        data,
        prof,
    )
    (backward,) = [p for p in prof["phases"] if p["name"] == "backward"]
    assert text == (
        f"a {w2['picotorch']['median'] / w2['numpy']['median']:.2f}× "
        f"b {ms_or_us(w2['numpy']['median'])} "
        f"c {100 * backward['cumtime'] / prof['profiled_time_s']:.0f}% "
        f"d {prof['function_calls'] / prof['steps']:.0f}"
    )


def test_the_allocator_markers_take_their_numbers_from_the_file() -> None:
    data = copy.deepcopy(results())
    data["workloads"]["W4"]["impls"]["picotorch"]["minor_faults"] = 6830.0
    data["default_allocator"] = {"workload": "W4", "impl": "picotorch", "median": 0.0612}
    data["default_allocator"]["minor_faults"] = 103340.0
    text = hook.render_markers(
        "<!-- benchmark:default-allocator faults --> <!-- benchmark:default-allocator median -->"
        " <!-- benchmark:faults W4 picotorch -->",
        data,
        profile(),
    )
    assert text == "103,340 61.2 ms 6,830"
    with pytest.raises(PluginError, match="takes faults or median"):
        hook.render_markers("<!-- benchmark:default-allocator rss -->", data, profile())


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("<!-- benchmark:tabel -->", "unknown marker"),
        ("see <!-- benchmark:table --> here", "alone on its line"),
        ("<!-- benchmark:ratio W7 time torch -->", "no ratio W7 time torch"),
        ("<!-- benchmark:median W2 jax -->", "jax"),
        ("<!-- benchmark:phase -->", "phase"),
    ],
)
def test_a_bad_marker_fails_the_build(markdown: str, message: str) -> None:
    with pytest.raises(PluginError, match=re.escape(message)):
        hook.render_markers(markdown, results(), profile(), "performance.md")


def test_failures_quick_runs_and_errors_are_shown_honestly() -> None:
    data = copy.deepcopy(results())
    data["mode"] = "quick"
    data["workloads"]["W2"]["impls"]["torch"] = {"error": "RuntimeError: out of memory"}
    data["checks"][0]["ok"] = False
    hook.check_results(data)  # an implementation that failed is a result, not a malformed file
    assert "出错：RuntimeError: out of memory" in hook.results_table(data)
    assert hook.setup_list(data).startswith('!!! warning "这是一次 quick 运行"')
    assert "**不一致**" in hook.setup_list(data)
    ET.fromstring(hook.ratios_svg(data))
    ET.fromstring(hook.scaling_svg(data))


# --- benchmarks/profile_w2.py -------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Four training batches of the suite's digits split."""
    path = tmp_path_factory.mktemp("profile") / "digits.npz"
    save_digits(path)
    data = load_digits_npz(path)
    n = 4 * workloads.BATCH
    return {**data, "x_train": data["x_train"][:n], "y_train": data["y_train"][:n]}


def weights(model: Any) -> list[np.ndarray]:
    return [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("backend", ["picotorch", "torch"])
def test_the_profiled_epoch_is_w2s_training(digits: dict, backend: str) -> None:
    lib = importlib.import_module(backend)
    w2 = profile_w2.setup(lib, digits)
    assert profile_w2.run_epoch(w2, 0) == 4
    # the suite's own loop, from the same start
    model = workloads.make_mlp(lib, workloads.mlp_params(workloads.MLP_SIZES))
    workloads.train_lib(lib, model, digits, epochs=1)
    for a, b in zip(weights(w2.model), weights(model), strict=True):
        np.testing.assert_array_equal(a, b)


def test_picotorch_and_torch_train_the_profiled_epoch_alike(digits: dict) -> None:
    import torch

    import picotorch

    trained = []
    for lib in (picotorch, torch):
        w2 = profile_w2.setup(lib, digits)
        profile_w2.run_epoch(w2, 0)
        trained.append(weights(w2.model))
    for a, b in zip(*trained, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_the_summary_groups_a_real_profile(digits: dict) -> None:
    import picotorch

    w2 = profile_w2.setup(picotorch, digits)
    profiler = cProfile.Profile()
    profiler.enable()
    steps = profile_w2.run_epoch(w2, 0)
    profiler.disable()
    summary = profile_w2.summarize(profiler, steps)
    assert summary["steps"] == 4
    assert [p["name"] for p in summary["phases"]] == list(profile_w2.PHASES)
    assert {p["name"]: p["calls"] for p in summary["phases"]} == {
        "data": 1 + 4,  # one shuffle, four batches
        "zero_grad": 4,
        "forward": 4,
        "backward": 4,
        "step": 4,
    }
    groups = {g["name"] for g in summary["groups"]}
    assert {"forward", "backward", "engine", "optimizer", "numpy_c", "loop"} <= groups
    total = sum(g["tottime"] for g in summary["groups"])
    assert total == pytest.approx(summary["profiled_time_s"], rel=1e-6)
    # a grad_fn's backward is named by its class, as it reads in the source
    backward = [r["function"] for r in summary["top"] if r["group"] == "backward"]
    assert backward and all("backward" in name.lower() for name in backward)
    # the summary is what the page's hook accepts
    hook.check_profile({**profile(), **summary})


def test_describe_sorts_functions_into_groups() -> None:
    import picotorch
    import picotorch.autograd.engine as engine

    assert profile_w2.describe(("~", 0, "<method 'reduce' of 'numpy.ufunc' objects>")) == (
        "method 'reduce' of 'numpy.ufunc' objects",
        "numpy_c",
    )
    assert profile_w2.describe(("~", 0, "<built-in method builtins.isinstance>"))[1] == "builtins"
    node = picotorch.nn.functional.relu(picotorch.ones(2, requires_grad=True)).grad_fn
    code = type(node).backward.__code__  # ReluBackward0.backward, a method of a grad_fn node
    name, group = profile_w2.describe((code.co_filename, code.co_firstlineno, code.co_name))
    assert group == "backward" and name.endswith(f"{type(node).__name__}.backward")
    code = engine.run_backward.__code__
    assert profile_w2.describe((code.co_filename, code.co_firstlineno, code.co_name)) == (
        "picotorch/autograd/engine.py:run_backward",
        "engine",
    )
    # a checkout that is itself named picotorch still finds the innermost package
    assert profile_w2.where("/home/me/picotorch/benchmarks/profile_w2.py") == (
        "benchmarks",
        "profile_w2.py",
    )


# --- the lower bound (benchmarks/lower_bound.py) -------------------------------------------------

LOWER_BOUND = ROOT / "benchmarks" / "lower_bound.json"


def lower_bound() -> dict[str, Any]:
    return json.loads(LOWER_BOUND.read_text(encoding="utf-8"))


def test_the_lower_bound_table_takes_its_numbers_from_the_file(rows: list[list[str]]) -> None:
    data = lower_bound()
    names = {
        "numpy": "手写 NumPy",
        "tape": "最简自动求导（tape）",
        "floor": "torch 语义的下限（floor）",
    }
    table = [r for r in rows if len(r) == 5]
    assert set(data["workloads"]) == {"W1", "W1-forward", "W2"}
    for workload in ("W1", "W1-forward", "W2"):
        timings = data["workloads"][workload]
        for impl, t in timings.items():
            median = ms_or_us(t["median_us"] * 1e-6)
            name = names.get(impl, impl)
            matches = [r for r in table if r[1] == name and r[2].startswith(median + " ")]
            assert matches, f"no lower-bound row for {workload} {impl} with median {median}"
            row = matches[0]
            vs_torch = t["median_us"] / timings["torch"]["median_us"]
            vs_numpy = t["median_us"] / timings["numpy"]["median_us"]
            assert row[3:] == [f"{vs_torch:.2f}×", f"{vs_numpy:.2f}×"]


def test_what_the_page_says_about_the_lower_bound_holds_for_the_committed_file() -> None:
    # the page's reading of the lower-bound table says things no marker can: re-running
    # benchmarks.lower_bound must not silently make them false (update the page if this fails)
    data = lower_bound()["workloads"]
    w = {k: {i: t["median_us"] for i, t in v.items()} for k, v in data.items()}
    step, forward, w2 = w["W1"], w["W1-forward"], w["W2"]
    # "W2 的 floor 已经离 1.5× 不远", "每多做一样只会更慢：picotorch 在这张表里是 …"
    assert abs(w2["floor"] / w2["numpy"] - 1.5) <= 0.3
    assert w2["picotorch"] > w2["floor"]
    # "W1 的 4× 比 floor 宽一些"
    assert step["floor"] / step["numpy"] < 4
    # W2: picotorch's time over the floor, "多出来的部分是这点余地的两倍还多" (the margin: from
    # the floor to 0.5x torch)
    margin = 0.5 / (w2["floor"] / w2["torch"]) - 1
    assert w2["picotorch"] / w2["floor"] - 1 > 2 * margin
    # picotorch's extra time over the floor is mostly in the forward pass ("大半花在前向")
    assert forward["picotorch"] - forward["floor"] > (step["picotorch"] - step["floor"]) / 2
    # torch's forward is not slower than picotorch's ("并不比 picotorch 高")
    assert forward["torch"] <= forward["picotorch"]
    # most of torch's step is its backward() ("大部分时间花在 backward() 上")
    assert forward["torch"] < step["torch"] / 2


def test_the_bound_marker_divides_lower_bound_medians() -> None:
    data = lower_bound()
    w1 = data["workloads"]["W1"]
    text = hook.render_markers(
        "<!-- benchmark:bound W1 floor numpy -->", results(), profile(), bound=data
    )
    assert text == f"{w1['floor']['median_us'] / w1['numpy']['median_us']:.2f}×"
    with pytest.raises(PluginError, match="no lower-bound results were given"):
        hook.render_markers("<!-- benchmark:bound W1 floor numpy -->", results(), profile())
    with pytest.raises(PluginError, match="W1 jax torch"):
        hook.render_markers(
            "<!-- benchmark:bound W1 jax torch -->", results(), profile(), bound=data
        )


def test_a_missing_or_malformed_lower_bound_file_fails_clearly(tmp_path: Path) -> None:
    missing = r"does not exist; run `python -m benchmarks.lower_bound`"
    with pytest.raises(PluginError, match=missing):
        hook.load_lower_bound(tmp_path / "lower_bound.json")
    path = _broken(tmp_path, lower_bound(), lambda d: d["workloads"]["W2"].pop("tape"))
    with pytest.raises(PluginError, match=re.escape("'workloads.W2.tape' is missing")):
        hook.load_lower_bound(path)
    path = _broken(tmp_path, lower_bound(), lambda d: d["workloads"]["W1"].pop("floor"))
    with pytest.raises(PluginError, match=re.escape("'workloads.W1.floor' is missing")):
        hook.load_lower_bound(path)
    path = _broken(tmp_path, lower_bound(), lambda d: d["workloads"].pop("W1-forward"))
    with pytest.raises(PluginError, match=re.escape("'workloads.W1-forward' is missing")):
        hook.load_lower_bound(path)
    path = _broken(
        tmp_path, lower_bound(), lambda d: d["workloads"]["W1"]["torch"].update(min_us=0)
    )
    with pytest.raises(PluginError, match=re.escape("'workloads.W1.torch.min_us' should be")):
        hook.load_lower_bound(path)
    hook.load_lower_bound(LOWER_BOUND)  # the committed file is well formed
