"""benchmarks/scoring.py runs, scores every unit it builds, and says whether targets are met."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_scoring_benchmark_runs_at_a_small_scale() -> None:
    spec = importlib.util.spec_from_file_location("bench_scoring",
                                                  ROOT / "benchmarks" / "scoring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.measure(1, [("tiny", 3, 2, 4, 60.0)])
    assert [(r["scale"], r["units"], r["target"], r["met"]) for r in rows] == [
        ("tiny", 9, "< 60 s", True)]
    assert [s[0] for s in module.SCALES] == ["son_la", "national"]
    assert module.SCALES[0][1] + module.SCALES[0][2] + module.SCALES[0][3] == 243
    assert module.SCALES[1][1] + module.SCALES[1][2] + module.SCALES[1][3] == 12_000


def test_the_benchmark_times_the_shipped_qd766_scorecard_at_son_la_scale() -> None:
    spec = importlib.util.spec_from_file_location("bench_scoring",
                                                  ROOT / "benchmarks" / "scoring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    row = module.measure_shipped(1, limit=60.0)
    assert (row["scale"], row["units"], row["criteria"], row["target"], row["met"]) == (
        "son_la_qd766_shipped", 237, 19, "< 60000 ms", True)
    assert "plans/scorecards/qd766.yaml" in row["label"]
    assert row["end_to_end_cpu_s"] >= row["cpu_best_s"] > 0
