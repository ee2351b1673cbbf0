"""The wording stage (W9xx) on names built to be slow or to break it: thousands of thresholds,
years or dates in one name, digits without end, tone marks typed apart. Each load ends fast, with
warnings that point inside the name, or with the documented error.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.loader import loads_plan
from engine.wording import dates_said, move_years, thresholds, years_said

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "tests" / "data" / "warnings" / "w901_number.yaml").read_text(encoding="utf-8")
NAME = "Chỉ số SIPAS đạt tối thiểu từ 85% trở lên"


def load(name: str) -> engine.Plan:
    return loads_plan(BASE.replace(NAME, name), "h.yaml")


@pytest.mark.parametrize(("name", "warnings"), [
    ("năm 2022 " * 5000, 5000),        # one warning per year, each located without re-reading
    ("10/01/2023 " * 5000, 5000),
    ("trên 1% " * 5000, 1),            # one wrong number, one warning
    ("1 " * 20000 + "%", 1),
    ("9" * 5000 + "%", 0),             # no number has that many digits
    ("trên " * 10000 + "5%", 1),
    ("ngày 1 tháng 1 năm " * 5000, 0),
    ("1-" * 10000 + "%", 0),
    ("so với " * 10000 + "năm 2020", 0),
])
def test_a_hostile_name_loads_with_located_warnings(name: str, warnings: int) -> None:
    """A name built to make the wording checks backtrack or rescan loads, with its warnings
    located. No clock here: a quadratic or backtracking blow-up runs into the per-test cap of
    tests/hostile/conftest.py (pytest-timeout), which fails the test."""
    plan = load(name.strip())
    assert len(plan.warnings) == warnings
    for d in plan.warnings[:50]:
        assert d.location[:2] == ("h.yaml", 15) and d.render()


pieces = st.sampled_from([
    "trên", "từ", "trở lên", "tối thiểu", "không quá", "khoảng", "năm", "so với", "đến", "ngày",
    "tháng", "Quý I", "%", " %", "/", "-", ".", ",", "2023", "2024", "10", "01", "99,5", "1.000",
    " ", "  ", "\u0301", "\u0323", "e\u0302\u0301", "Đ", "ư", "\t", "8-10%", "31/02/2023",
])
texts = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_reading_any_text_stays_inside_it(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    for said in thresholds(text):
        assert 0 <= said.start <= said.num_start < said.num_end <= said.end <= len(text)
    for year in years_said(text):
        assert text[year.digits[0]:year.digits[1]] == str(year.year)
    for day in dates_said(text):
        assert 0 <= day.start < day.end <= len(text)
    moved = move_years(text, 2023, 2024, dates={})
    assert "2023" not in "".join(text[y.digits[0]:y.digits[1]] for y in years_said(moved.text))


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_any_name_loads_with_located_warnings(text: str) -> None:
    name = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
    try:
        plan = loads_plan(BASE.replace(NAME, name.replace("{", "(")), "h.yaml")
    except engine.PlanError as err:  # a name YAML cannot hold as written
        assert all(d.code.startswith("E4") for d in err.diagnostics)
        return
    for d in plan.warnings:
        assert d.code in ("W901", "W902", "W903", "W904") and d.location[1] == 15
