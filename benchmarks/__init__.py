"""The benchmark suite: picotorch vs torch 2.13 vs a hand-written NumPy reference.

    python -m benchmarks.run            # the full suite, writes benchmarks/results.json
    python -m benchmarks.run --quick --only W1,W3

Modules: ``run`` (the driver: fresh processes, interleaving, table, results file), ``child``
(one measurement in one fresh process), ``workloads`` (what is timed, for torch and picotorch),
``numpy_ref`` (the same workloads written by hand on NumPy), ``data`` (digits split, initial
weights, batch order shared by all three), ``check`` (the three compute the same gradients).
"""
