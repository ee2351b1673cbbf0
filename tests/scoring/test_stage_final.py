"""--stages shows a criterion's final points when deductions, the floor or rounding made them
other than what the appraisal's rule gave: Bắc Yên's one-stop desk (3.3.2 of the illustration)
is appraised 0 but deducted 0.25 below it, so its final points are -0.25, which the list must
not hide behind the appraisal's 0."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import engine
from engine.render_score import render_stage_changes
from engine.scorecard import load_scorecard
from engine.scoring import ScoreReport, StageChange

ROOT = Path(__file__).resolve().parents[2]
CARD = ROOT / "plans" / "scorecards" / "sonla-cchc-2023-illustration.yaml"
EXAMPLE = ROOT / "examples" / "2023"
FACTS = [EXAMPLE / "year", EXAMPLE / "scoring" / "chi-so-cchc"]


@pytest.fixture(scope="module")
def report() -> ScoreReport:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    return engine.score(plan, load_scorecard(CARD, plan=plan), FACTS, period="year")


def _bac_yen(report: ScoreReport) -> StageChange:
    [change] = [c for c in report.stage_changes()
                if (c.unit, c.criterion) == ("bac_yen", "3.3.2")]
    return change


def test_the_change_carries_the_final_points_after_the_deduction(report: ScoreReport) -> None:
    change = _bac_yen(report)
    assert (change.before, change.after, change.final) == (2, 0, Fraction(-1, 4))
    crit = next(c for c in report.unit("bac_yen").criteria if c.id == "3.3.2")
    assert crit.points == Fraction(-1, 4)
    assert change.to_dict()["final"] == -0.25 and change.to_dict()["to"] == 0


def test_every_change_s_final_points_are_the_criterion_s(report: ScoreReport) -> None:
    changes = report.stage_changes()
    assert len(changes) > 10
    for ch in changes:
        crit = next(c for c in report.unit(ch.unit).criteria if c.id == ch.criterion)
        assert ch.final == crit.points, (ch.unit, ch.criterion)


def test_the_text_shows_the_final_points_only_where_they_differ(report: ScoreReport) -> None:
    text = render_stage_changes(report, "en")
    lines = {line.split(":")[0]: line for line in text.splitlines() if line.startswith("- ")}
    assert lines["- Bắc Yên District, 3.3.2 One-stop desk staffed as required"].endswith(
        ": Self-assessment 2 -> Appraisal 0 (-2); final points after deductions -0.25")
    assert lines["- Bắc Yên District, 3.1.1 Procedures made public fully and in time"].endswith(
        ": Self-assessment 2 -> Appraisal 0 (-2)")
    vi = render_stage_changes(report, "vi")
    assert ("- Huyện Bắc Yên, 3.3.2 Bố trí công chức làm việc tại Bộ phận Một cửa đảm bảo yêu "
            "cầu: Tự đánh giá 2 -> Thẩm định 0 (-2); điểm cuối cùng sau khi trừ -0,25") in vi


def test_the_json_of_stages_says_final(report: ScoreReport) -> None:
    data = json.loads(json.dumps(report.to_dict()))
    [change] = [c for c in data["stage_changes"]
                if (c["unit"], c["criterion"]) == ("bac_yen", "3.3.2")]
    assert change == {"unit": "bac_yen", "criterion": "3.3.2", "from_stage": "self",
                      "from": 2, "to_stage": "appraisal", "to": 0, "difference": -2,
                      "final": -0.25}
