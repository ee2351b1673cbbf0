"""Hostile scorecards: refused at their place, in bounded time and memory, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import main
from engine.scorecard import ScorecardError, loads_scorecard

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "scoring" / "data"
BASE = (DATA / "demo.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(DATA / "plan.yaml")


def codes(plan: engine.Plan, text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(ScorecardError) as info:
        loads_scorecard(text, "hostile.yaml", plan=plan)
    return [(d.code, d.location[1], d.location[2]) for d in info.value.diagnostics]


def test_an_alias_bomb_is_refused(plan: engine.Plan) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    assert [c for c, _, _ in codes(plan, "\n".join(lines) + "\n")] == ["E403"]


def test_a_python_tag_is_refused(plan: engine.Plan) -> None:
    text = BASE.replace("scale: 10 ", "scale: !!python/object:os.system 10 ")
    assert codes(plan, text) == [("E404", 6, 8)]


def test_a_number_of_thousands_of_digits_is_refused(plan: engine.Plan) -> None:
    text = BASE.replace("scale: 10 ", "scale: " + "9" * 5000 + " ")
    assert codes(plan, text) == [("E450", 6, 8)]


def test_a_deduction_below_any_floor_is_kept_at_the_floor(plan: engine.Plan) -> None:
    text = BASE.replace("points: 0.25\n", "points: 999999999999999\n")
    card = loads_scorecard(text, "hostile.yaml", plan=plan)
    report = engine.score(plan, card, [DATA / "facts"], period="year")
    assert report.unit("stp").criterion("1.2").points == 0
    assert all(0 <= u.index <= 1 for b in report.blocks for u in b.units  # type: ignore[operator]
               if u.rank is not None)


def test_control_characters_in_names_are_written_out(plan: engine.Plan, tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    text = BASE.replace("name: {vi: Khối UBND cấp huyện, en: Districts}",
                        'name: {vi: "Khối\\e[2J huyện", en: Districts}')
    card.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(DATA / "plan.yaml"), str(card),
                                       str(DATA / "facts"), "--period", "year"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "Khối\\x1b[2J huyện" in result.output


def test_a_scorecard_that_is_not_a_mapping(plan: engine.Plan) -> None:
    assert [c for c, _, _ in codes(plan, "- just\n- a list\n")] == ["E412"]
