"""Properties of the chase list over random fact folders: every due fact of every agency is
left out, left blank, given a valid value or given a refused one, in one of several files."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model import Plan
from engine.status import due_facts, reporting_status

from .conftest import DATA

_PLAN: list[Plan] = []


def _plan() -> Plan:
    if not _PLAN:
        from engine.loader import load_plan

        _PLAN.append(load_plan(DATA / "plan.yaml"))
    return _PLAN[0]


#: Valid and refused texts by the type of the fact.
VALID = {"count": ["0", "7", "120"], "bool": ["có", "false", "TRUE"],
         "date": ["2023-03-01", "09/01/2023"]}
REFUSED = {"count": ["1.200", "-3", "12.5"], "bool": ["yes", "1"], "date": ["31/02/2023", "x"]}

Choice = tuple[str, str]  # ("absent" | "blank" | "valid" | "refused", text)


@st.composite
def folders(draw: st.DrawFn) -> tuple[dict[tuple[str, str], Choice], dict[str, int]]:
    plan = _plan()
    choices: dict[tuple[str, str], Choice] = {}
    for agency, due in due_facts(plan, "q1").items():
        for fact in due:
            kind = draw(st.sampled_from(["absent", "blank", "valid", "refused"]))
            t = plan.facts[fact].type
            text = "" if kind in ("absent", "blank") else draw(st.sampled_from(
                VALID[t] if kind == "valid" else REFUSED[t]))
            choices[(agency, fact)] = (kind, text)
    files = {a: draw(st.integers(0, 2)) for a in due_facts(plan, "q1")}
    return choices, files


def _write(folder: Path, choices: dict[tuple[str, str], Choice], files: dict[str, int]) -> None:
    texts: dict[int, list[str]] = {}
    for agency, n in files.items():
        lines = [f"    {fact}: {text!r}" if kind != "blank" else f"    {fact}:"
                 for (a, fact), (kind, text) in choices.items()
                 if a == agency and kind != "absent"]
        if lines:
            texts.setdefault(n, []).append(f"  {agency}:\n" + "\n".join(lines))
    for n, blocks in texts.items():
        (folder / f"f{n}.yaml").write_text(
            "plan: status-2023\nperiod: q1\nagencies:\n" + "\n".join(blocks) + "\n",
            encoding="utf-8")


def _value(text: str) -> int:
    return int(text)


@settings(max_examples=60, deadline=None)
@given(folders(), st.dates(dt.date(2023, 1, 1), dt.date(2023, 6, 30)))
def test_states_follow_what_was_written(drawn: tuple[dict[tuple[str, str], Choice],
                                                     dict[str, int]], as_of: dt.date) -> None:
    choices, files = drawn
    plan = _plan()
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), choices, files)
        status = reporting_status(plan, tmp, period="q1", as_of=as_of)
    due = due_facts(plan, "q1")
    summary = status.summary
    assert summary["complete"] + summary["partial"] + summary["missing"] == summary["total"] \
        == len(due) == len(status.agencies)
    assert status.problems == ()
    for a in status.agencies:
        mine = {f: choices[(a.agency, f)] for f in a.due}
        refused = {f for f, (kind, _) in mine.items() if kind == "refused"}
        received, on_time = mine.get("received"), mine.get("on_time")
        if received and on_time and received[0] == on_time[0] == "valid" and \
                _value(on_time[1]) > _value(received[1]):
            refused.add("on_time")  # a part above its whole (E650)
        filled = {f for f, (kind, _) in mine.items() if kind == "valid"} - refused
        assert a.due == due[a.agency]
        assert set(a.filled) == filled
        assert set(a.invalid) == refused
        assert set(a.missing) == set(a.due) - filled - refused
        assert len(a.filled) + len(a.missing) + len(a.invalid) == len(a.due)
        assert a.is_invalid == bool(refused)
        assert (a.state == "complete") == (filled == set(a.due))
        written = any(kind in ("valid", "refused") for kind, _ in mine.values())
        assert (a.state == "missing") == (not written)
        assert a.late == (as_of > plan.periods["q1"].due and a.state != "complete")
        assert a.arrived == any(kind != "absent" for kind, _ in mine.values())
