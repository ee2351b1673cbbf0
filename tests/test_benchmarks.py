"""The benchmark suite's own logic (no timing is asserted): how rows are paired with the
baseline and in which order they run, so that the targets of issue 7 are judged as documented
in docs/performance.md."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import run
import workloads


def test_the_paired_ratio_is_the_median_of_per_round_ratios() -> None:
    base = run.Row(workloads.BASELINE, times=[1.0, 2.0, 1.0, 4.0])
    ours = run.Row(workloads.OURS, times=[1.2, 2.6, 1.1, 4.4])
    slow = run.Row("peer", times=[9.0, 30.0])  # fewer rounds (time budget): paired with the first
    run.set_ratios([base, ours, slow], base)
    assert ours.ratio_paired == pytest.approx(1.15)  # median of 1.2, 1.3, 1.1, 1.1
    assert ours.ratio_min == pytest.approx(1.1) and ours.ratio_median == pytest.approx(1.9 / 1.5)
    assert slow.ratio_paired == pytest.approx(12.0)  # median of 9 and 15
    assert base.ratio_paired == 1.0


def test_ours_runs_right_after_the_baseline_in_every_round(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    calls: list[str] = []

    def impl(name: str, answer: Any) -> workloads.Impl:
        def factory(agencies: Sequence[Any]) -> Any:
            def thunk() -> Any:
                calls.append(name)
                return answer(agencies)
            return thunk
        return workloads.Impl(name, factory)

    ours_b2 = workloads.B2_ROWS[[i.name for i in workloads.B2_ROWS].index(workloads.OURS)]
    rows = [impl("peer", lambda a: True), impl("hand-written, Decimal", lambda a: True),
            impl(workloads.BASELINE, lambda a: True),
            workloads.Impl(workloads.OURS, ours_b2.factory)]
    settings = run.Settings(True, 3, 5.0, 5.0, 1, 1, 5.0)
    monkeypatch.setattr(run, "measure", _recording_measure(calls))
    result = run.rule_workload("B2", rows, 20, settings, {}, 1.5)
    order = [c for c in calls if c != "timed"]
    assert order[:2] == [workloads.BASELINE, workloads.OURS]
    assert [r["name"] for r in result["rows"]] == [r.name for r in rows]  # shown as listed
    assert result["targets"][0]["value"] == \
        next(r for r in result["rows"] if r["name"] == workloads.OURS)["ratio_paired"]


def _recording_measure(calls: list[str]) -> Any:
    """``run.measure`` that records the order of the rows it is given, then measures."""
    real = run.measure

    def measure(rows: Sequence[tuple[run.Row, Any]], settings: run.Settings,
                min_sample: float = 0.01) -> None:
        calls.extend(row.name for row, _ in rows)
        calls.append("timed")
        real(rows, settings, min_sample=0.0)
    return measure
