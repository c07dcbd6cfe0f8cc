"""The benchmark suite (benchmarks/): its NumPy reference computes torch's gradients, every
workload runs for all three implementations, and the driver runs end to end. No timings are
asserted: this machine's speed is not the code's correctness."""

import json
import platform
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import picotorch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks/ is a package at the repo root, not installed

from benchmarks import check, config, run, workloads  # noqa: E402
from benchmarks.data import load_digits_npz, save_digits  # noqa: E402

# Every loop of the suite, but each only a step or two long.
TINY = replace(
    config.QUICK,
    w1_warmup=2,
    w1_rounds=2,
    w1_number=2,
    w3_size=32,
    w3_iters=1,
    w5_chain=(10, 30),
    w5_widths=(8, 16),
    w5_samples=1,
)


@pytest.fixture(scope="module")
def digits(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A slice of the suite's digits split: 4 training batches, 100 test images."""
    path = tmp_path_factory.mktemp("bench") / "digits.npz"
    save_digits(path)
    data = load_digits_npz(path)
    n_train = 4 * workloads.BATCH
    return {
        "x_train": data["x_train"][:n_train],
        "y_train": data["y_train"][:n_train],
        "x_test": data["x_test"][:100],
        "y_test": data["y_test"][:100],
    }


@pytest.mark.parametrize("workload", config.WORKLOADS)
def test_numpy_reference_and_picotorch_compute_torchs_gradients(workload, digits):
    results = check.run_checks([workload], digits, size="small")
    assert [r.impl for r in results] == ["numpy", "picotorch"]
    for r in results:
        assert r.ok, f"{r.impl} differs from torch on {workload}: {r.error or r.max_abs_diff}"


def test_check_notices_a_wrong_gradient():
    expected = check.w1_numpy("small", {})
    wrong = [g.copy() for g in expected]
    wrong[1][0, 0] += 1e-2
    assert check.compare(expected, expected)[0]
    assert not check.compare(expected, wrong)[0]


def test_max_pool_argmax_takes_the_first_maximum_like_torch():
    # ties inside a window: torch routes the gradient to the first maximum (row-major)
    x = np.array([[1, 3, 3, 0], [3, 2, 0, 0], [5, 5, 1, 1], [5, 5, 1, 1]], np.float32)
    nchw = torch.tensor(x[None, None], requires_grad=True)
    torch.nn.functional.max_pool2d(nchw, 2).sum().backward()
    out, arg = workloads.ref.max_pool2(x[None, :, :, None])
    grad = workloads.ref.max_pool2_backward(np.ones_like(out), arg)
    np.testing.assert_array_equal(
        out[0, :, :, 0], torch.nn.functional.max_pool2d(nchw, 2)[0, 0].detach()
    )
    np.testing.assert_array_equal(grad[0, :, :, 0], nchw.grad[0, 0].numpy())


@pytest.mark.parametrize("impl", config.IMPLS)
@pytest.mark.parametrize("workload", config.WORKLOADS)
def test_each_workload_runs(workload, impl, digits):
    run_lib, run_numpy = workloads.RUNNERS[workload]
    if impl == "numpy":
        result = run_numpy(TINY, digits)
    else:
        result = run_lib({"torch": torch, "picotorch": picotorch}[impl], TINY, digits)
    if workload.startswith("W5"):
        xs = TINY.w5_chain if workload == "W5-chain" else TINY.w5_widths
        assert [p["x"] for p in result["points"]] == list(xs)
        assert all(len(p["samples"]) == TINY.w5_samples for p in result["points"])
        assert all(t > 0 for p in result["points"] for t in p["samples"])
    else:
        assert result["samples"] and all(t > 0 for t in result["samples"])
    if workload in ("W2", "W4"):
        assert len(result["samples"]) == getattr(TINY, f"{workload.lower()}_epochs") - 1
        assert 0.0 <= result["accuracy"] <= 1.0


@pytest.mark.parametrize("workload", ["W2", "W4"])
def test_the_three_implementations_train_alike(workload, digits):
    # the same weights, batches and update rule: the same accuracy
    run_lib, run_numpy = workloads.RUNNERS[workload]
    accuracies = [
        run_lib(torch, TINY, digits)["accuracy"],
        run_lib(picotorch, TINY, digits)["accuracy"],
        run_numpy(TINY, digits)["accuracy"],
    ]
    assert max(accuracies) - min(accuracies) < 0.02, accuracies


def fake_run(seconds: list[float], rss: float, faults: int = 5000) -> dict:
    return {"samples": seconds, "accuracy": 0.9, "peak_rss_mb": rss, "minor_faults": faults}


def test_summary_ratios_and_targets():
    # medians over repeats of each repeat's median sample; ratios of those medians
    w2 = {
        "picotorch": [fake_run([0.010, 0.011, 0.030], 40, 900), fake_run([0.012], 42, 1100)],
        "torch": [fake_run([0.020], 300), fake_run([0.024], 310)],
        "numpy": [fake_run([0.008], 35), fake_run([0.008], 36)],
    }
    impls = {impl: run.summarize_impl(results) for impl, results in w2.items()}
    assert impls["picotorch"]["median"] == pytest.approx(0.0115)
    assert (impls["picotorch"]["min"], impls["picotorch"]["max"]) == (0.011, 0.012)
    assert impls["picotorch"]["repeats"] == 2 and impls["torch"]["peak_rss_mb"] == 305
    assert impls["picotorch"]["minor_faults"] == 1000
    rows = run.ratios({"W2": {"impls": impls}})
    got = {(r["metric"], r["vs"]): (round(r["value"], 4), r["target"], r["pass"]) for r in rows}
    assert got == {
        ("time", "torch"): (0.5227, 0.5, False),
        ("time", "numpy"): (1.4375, 1.5, True),
        ("peak_rss", "torch"): (0.1344, 1.0, True),
    }


def test_a_failed_process_fails_its_targets():
    failed = [{"error": "AttributeError: no Conv2d"}]
    impls = {
        "picotorch": run.summarize_impl(failed),
        "torch": run.summarize_impl([fake_run([0.02], 300)]),
        "numpy": run.summarize_impl([fake_run([0.01], 30)]),
    }
    assert impls["picotorch"] == {"error": "AttributeError: no Conv2d"}
    rows = run.ratios({"W4": {"impls": impls}})
    assert rows and all(r["value"] is None and r["pass"] is not True for r in rows)


def test_scaling_slope():
    # time proportional to N: slope 1; to N^2: slope 2
    def point_runs(power: float) -> list[dict]:
        return [{"points": [{"x": n, "samples": [1e-6 * n**power]} for n in (10, 100, 1000)]}]

    summary = run.summarize_scaling(
        {"picotorch": point_runs(1), "torch": point_runs(2), "numpy": [{"error": "x"}]}
    )
    assert summary["slope"]["picotorch"] == pytest.approx(1)
    assert summary["slope"]["torch"] == pytest.approx(2)
    assert summary["slope"]["numpy"] is None and summary["errors"] == {"numpy": "x"}
    assert [p["x"] for p in summary["points"]] == [10, 100, 1000]
    rows = run.ratios({"W5-chain": summary})
    assert [(r["metric"], r["pass"]) for r in rows] == [("slope", True)]


def test_quick_suite_runs_end_to_end(tmp_path):
    # the smallest run of the real driver: checks, one fresh process per implementation, the
    # table and the results file (the other workloads' processes run the functions tested above)
    out = tmp_path / "results.json"
    command = [sys.executable, "-m", "benchmarks.run", "--quick", "--repeats", "1"]
    proc = subprocess.run(
        [*command, "--only", "W1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    assert set(report) >= {"machine", "versions", "date", "workloads", "ratios", "checks"}
    assert report["versions"]["torch"].startswith(torch.__version__.split("+")[0])
    assert all(c["ok"] for c in report["checks"])

    w1 = report["workloads"]["W1"]["impls"]
    assert set(w1) == set(config.IMPLS)
    assert report["allocator"] == run.SAME_ALLOCATOR
    for s in w1.values():
        assert s["repeats"] == 1 and s["min"] <= s["median"] <= s["max"]
        assert s["peak_rss_mb"] > 0 and s["minor_faults"] > 0
    # the NumPy process never loaded torch (the child checks it) and the driver is small, so
    # each process's peak memory is its own
    assert w1["numpy"]["peak_rss_mb"] < w1["torch"]["peak_rss_mb"]
    # the builds of their kernels each process ran; picotorch's NumPy never runs AVX-512 ones
    kernels = report["machine"]["kernels"]
    assert list(kernels) == list(config.IMPLS)
    assert kernels["torch"] == torch.backends.cpu.get_cpu_capability()
    assert "512" not in kernels["picotorch"] and kernels["picotorch"] != "X86_V4"
    plain = subprocess.run(
        [sys.executable, "-c", "import numpy, benchmarks.child as c; print(c.kernels('numpy'))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert kernels["numpy"] == plain.stdout.strip()

    targets = {(r["workload"], r["metric"], r["vs"]): r for r in report["ratios"]}
    assert targets["W1", "time", "torch"]["target"] == 0.5
    assert targets["W1", "time", "numpy"]["target"] == 4.0
    assert isinstance(targets["W1", "time", "torch"]["pass"], bool)
    assert "W1" in proc.stdout and ("PASS" in proc.stdout or "FAIL" in proc.stdout)


@pytest.mark.parametrize("first", ["", "import numpy"])
def test_a_measured_process_imports_the_implementation_before_numpy(first: str) -> None:
    # as a reader's script does (import torch first): picotorch then chooses NumPy's loops
    code = (
        f"{first}\nimport runpy, sys\n"
        "sys.argv = ['child', 'W1', 'picotorch', '--quick']\n"
        "runpy.run_module('benchmarks.child', run_name='__main__')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if first:
        assert proc.returncode != 0
        assert "NumPy was imported before picotorch" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["samples"]


def test_every_measured_process_gets_one_thread_and_the_same_allocator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the environment is what makes the three implementations comparable: one BLAS thread each,
    # and glibc's malloc thresholds fixed (torch's import raises them; see run.SAME_ALLOCATOR)
    seen: list[dict[str, str]] = []

    def fake_subprocess_run(command: list[str], **kwargs: Any) -> Any:
        seen.append(kwargs["env"])
        return subprocess.CompletedProcess(command, 0, stdout='{"ok": true}\n', stderr="")

    monkeypatch.setattr(run.subprocess, "run", fake_subprocess_run)
    for impl in config.IMPLS:
        assert run.run_child("W4", impl, [], quick=True) == {"ok": True}
    assert len(seen) == len(config.IMPLS)
    for env in seen:
        assert env["OPENBLAS_NUM_THREADS"] == "1" and env["OMP_NUM_THREADS"] == "1"
        assert env["MALLOC_MMAP_THRESHOLD_"] == str(32 * 2**20)
        assert env["MALLOC_TRIM_THRESHOLD_"] == str(64 * 2**20)


def test_w4_on_picotorch_also_runs_with_glibcs_default_allocator_each_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, str, bool]] = []

    def fake_run_child(
        workload: str, impl: str, data_args: list[str], quick: bool, same_allocator: bool = True
    ) -> dict[str, Any]:
        calls.append((workload, impl, same_allocator))
        return fake_run([0.01], 40)

    monkeypatch.setattr(run, "run_child", fake_run_child)
    runs, default_allocator = run.collect(["W1", "W4"], {"W1": 2, "W4": 2}, [], quick=True)
    assert [c for c in calls if not c[2]] == [("W4", "picotorch", False)] * 2
    assert len(default_allocator) == 2 and all(len(r) == 2 for r in runs["W4"].values())
    assert len(calls) == 2 * 3 * 2 + 2  # 2 workloads x 3 implementations x 2 repeats, and W4's


def test_lower_bound_tape_computes_torchs_gradients() -> None:
    # the minimal tape of benchmarks/lower_bound.py must do the real work, or its times mean
    # nothing: its W1 leaf gradients equal torch's
    from benchmarks import lower_bound as lb

    rng = np.random.default_rng(1)
    arrays = [rng.random((8, 8), dtype=np.float32) for _ in range(3)]
    a, b, c = (lb.Var(x.copy()) for x in arrays)
    lb.backprop(lb.total(lb.mm(lb.relu(lb.add(lb.mul(a, b), c)), a)))
    ta, tb, tc = (torch.from_numpy(x.copy()).requires_grad_() for x in arrays)
    ((ta * tb + tc).relu() @ ta).sum().backward()
    for mine, ref in ((a, ta), (b, tb), (c, tc)):
        np.testing.assert_allclose(mine.grad, ref.grad.numpy(), rtol=1e-5)


def test_semantic_floor_computes_torchs_gradients_and_graph() -> None:
    # the floor of benchmarks/floor.py must do the real work and keep torch's visible behaviour,
    # or its times mean nothing: W1's leaf gradients and the recorded graph are torch's
    from benchmarks import floor

    rng = np.random.default_rng(2)
    arrays = [rng.random((8, 8), dtype=np.float32) for _ in range(3)]
    a, b, c = (floor.Tensor(x.copy(), requires_grad=True) for x in arrays)
    ta, tb, tc = (torch.from_numpy(x.copy()).requires_grad_() for x in arrays)
    out, t_out = ((a * b + c).relu() @ a).sum(), ((ta * tb + tc).relu() @ ta).sum()

    def graph(node: Any) -> Any:  # names and edges, down to the leaves
        if node is None:
            return None
        return (type(node).__name__, [graph(n) for n, _ in node.next_functions])

    assert graph(out.grad_fn) == graph(t_out.grad_fn)
    mm = out.grad_fn.next_functions[0][0]
    relu, a_from_mm = (n for n, _ in mm.next_functions)
    mul = relu.next_functions[0][0].next_functions[0][0]
    assert mul.next_functions[0][0] is a_from_mm  # one AccumulateGrad per leaf, as in torch
    out.backward()
    t_out.backward()
    for mine, ref in ((a, ta), (b, tb), (c, tc)):
        np.testing.assert_allclose(mine.grad.data, ref.grad.numpy(), rtol=1e-5)
    with pytest.raises(RuntimeError, match="second time"):  # saved tensors were freed
        out.backward()
    # the first gradients were taken over, not copied, where nothing else held them: no two
    # leaves may share one, and the next backward adds into each in place, as torch's does
    grads = [t.grad.data for t in (a, b, c)]
    assert not any(np.shares_memory(g, h) for i, g in enumerate(grads) for h in grads[i + 1 :])
    ((a * b + c).relu() @ a).sum().backward()
    ((ta * tb + tc).relu() @ ta).sum().backward()
    for mine, ref in ((a, ta), (b, tb), (c, tc)):
        np.testing.assert_allclose(mine.grad.data, ref.grad.numpy(), rtol=1e-5)
    # a + b sends one array to both leaves: at most one of them may take it over
    a.grad = b.grad = c.grad = ta.grad = tb.grad = tc.grad = None
    for _ in range(2):
        ((a + b) * c).sum().backward()
        ((ta + tb) * tc).sum().backward()
    for mine, ref in ((a, ta), (b, tb), (c, tc)):
        np.testing.assert_allclose(mine.grad.data, ref.grad.numpy(), rtol=1e-5)


def test_semantic_floor_refuses_a_saved_tensor_changed_in_place() -> None:
    from benchmarks import floor

    a = floor.Tensor(np.ones((2, 2), np.float32), requires_grad=True)
    b = floor.Tensor(np.ones((2, 2), np.float32))
    out = (a * b).sum()
    b.data += 1
    b.version[0] += 1  # what an in-place op does
    ta, tb = torch.ones(2, 2, requires_grad=True), torch.ones(2, 2)
    t_out = (ta * tb).sum()
    tb += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        t_out.backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


def test_semantic_floor_sees_a_saved_view_of_a_weight_changed_in_place() -> None:
    # a Linear's weight.t() is saved when the Linear's input requires grad (W2's second layer);
    # the view shares the weight's version, so a step of the optimizer before backward is an
    # error in torch, not a gradient computed with the new weight
    from benchmarks import floor

    x, w, b = np.ones((5, 4), np.float32), np.ones((2, 4), np.float32), np.zeros(2, np.float32)
    h = floor.Tensor(x.copy(), requires_grad=True)
    linear = floor.Linear(w.copy(), b.copy())
    out = floor.cross_entropy(linear(h), np.zeros(5, np.int64))
    linear.weight.data += 1
    linear.weight.version[0] += 1  # what an in-place op does
    th = torch.ones(5, 4, requires_grad=True)
    t_linear = torch.nn.Linear(4, 2)
    t_out = torch.nn.functional.cross_entropy(t_linear(th), torch.zeros(5, dtype=torch.int64))
    with torch.no_grad():
        t_linear.weight.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        t_out.backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


@pytest.mark.parametrize("target", [10, -1])
def test_semantic_floor_refuses_a_class_out_of_range(target: int) -> None:
    # NumPy would pick the last class for -1: a wrong loss, where torch raises IndexError
    from benchmarks import floor

    logits = np.zeros((2, 10), np.float32)
    with pytest.raises(IndexError, match="out of bounds"):
        torch.nn.functional.cross_entropy(torch.from_numpy(logits), torch.tensor([0, target]))
    with pytest.raises(IndexError, match="out of bounds"):
        floor.cross_entropy(floor.Tensor(logits, requires_grad=True), np.array([0, target]))


def test_semantic_floor_refuses_targets_of_another_batch_size() -> None:
    # NumPy would take the loss of the first rows only, where torch raises ValueError
    from benchmarks import floor

    logits, target = np.zeros((3, 10), np.float32), np.array([0, 1])
    with pytest.raises(ValueError, match="batch_size"):
        torch.nn.functional.cross_entropy(torch.from_numpy(logits), torch.from_numpy(target))
    with pytest.raises(ValueError, match="batch_size"):
        floor.cross_entropy(floor.Tensor(logits, requires_grad=True), target)


def test_lower_bound_w1_forward_passes_compute_torchs_loss() -> None:
    # the W1-forward timings compare like with like: each implementation computes the same loss
    # (and the autograd ones record a graph that reaches the leaves)
    from benchmarks import lower_bound as lb

    forwards = lb.w1_steps(backward=False)
    expected = forwards["torch"]().item()
    for impl, forward in forwards.items():
        out = forward()
        if impl in ("tape", "floor"):
            value = float(out.data)
        else:  # (float() of a tensor that requires grad warns)
            value = out.item() if impl in ("torch", "picotorch") else float(out)
        np.testing.assert_allclose(value, expected, rtol=1e-6, err_msg=impl)
        if impl != "numpy":
            assert out.inputs if impl == "tape" else out.grad_fn, impl


def test_lower_bound_w2_steps_train_alike() -> None:
    # three W2 steps of each of the five implementations leave the same first-layer weights
    from benchmarks import lower_bound as lb

    steps, weights = lb.w2_steps()
    for step in steps.values():
        for _ in range(3):
            step()
    for impl in ("numpy", "tape", "floor", "picotorch"):
        np.testing.assert_allclose(weights[impl](), weights["torch"](), rtol=1e-4, atol=1e-6)


def test_the_kernels_are_each_implementations_first_report() -> None:
    runs = {
        "W1": {"torch": [{"error": "x"}], "picotorch": [{"kernels": "X86_V3"}], "numpy": []},
        "W2": {"torch": [{"kernels": "AVX512"}], "picotorch": [], "numpy": [{"kernels": "X"}]},
    }
    assert run.kernels(runs) == {"torch": "AVX512", "picotorch": "X86_V3", "numpy": "X"}


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("fpu avx avx2 fma avx512f avx512bw", "Some CPU (AVX-512)"),
        ("avx avx2", "Some CPU (AVX2)"),
        ("sse2", "Some CPU"),
    ],
)
def test_the_machine_line_names_the_cpus_widest_vectors(
    tmp_path: Path, flags: str, expected: str
) -> None:
    # (torch's kernels and NumPy's loops pick their builds by it, and the ratios move with it)
    info = tmp_path / "cpuinfo"
    info.write_text(
        f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n\nprocessor\t: 1\n"
    )
    assert run.cpu(str(info)) == expected
    assert run.cpu(str(tmp_path / "missing")) in (platform.processor(), platform.machine())
