"""Plan inheritance (extends, remove, merge_agencies), new-year and the 2025 illustration."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from cli import main
from engine.diff import diff_plans
from engine.newyear import shift_date
from engine.render_diff import render_diff_markdown

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "plans" / "2023.yaml"


@pytest.fixture(scope="module")
def parent() -> engine.Plan:
    return engine.load_plan(PLAN)


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    for name in ("2023.yaml", "agencies-2023-communes.yaml"):
        shutil.copy(ROOT / "plans" / name, tmp_path / name)
    return tmp_path


def child(folder: Path, body: str, name: str = "child.yaml") -> Path:
    path = folder / name
    path.write_text("cchc: 1\nextends: 2023.yaml\n" + body, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[engine.Diagnostic]:
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(path)
    return list(info.value.diagnostics)


def test_a_child_without_overrides_is_its_parent(workdir: Path, parent: engine.Plan) -> None:
    plan = engine.load_plan(child(workdir, ""))
    assert plan.indicators == parent.indicators
    assert plan.agencies == parent.agencies and plan.groups == parent.groups
    assert diff_plans(parent, plan).is_empty


def random_facts(plan: engine.Plan, seed: int) -> dict[str, dict[str, object]]:
    rng = random.Random(seed)
    values: dict[str, dict[str, object]] = {}
    for fact in plan.facts.values():
        for agency in fact.reporters:
            if rng.random() < 0.05:
                continue  # not reported
            value: object = {
                "count": rng.randint(0, 300), "number": rng.randint(0, 300),
                "share": Fraction(rng.randint(70, 100), 100), "bool": rng.random() < 0.9,
                "date": dt.date(2023, 1, rng.randint(1, 20)),
                "category": rng.choice(fact.values or ("A",)),
            }[fact.type]
            values.setdefault(agency, {})[fact.id] = value
    for facts in values.values():  # a part is at most its wholes (at_most), or E650
        for _ in plan.facts:
            lowered = {f: min([v,
                *(facts[w] for w in plan.facts[f].at_most  # type: ignore[type-var]
                                    if w in facts)])
                       for f, v in facts.items() if plan.facts[f].at_most}
            if all(facts[f] == v for f, v in lowered.items()):
                break
            facts.update(lowered)
    return values


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), period=st.sampled_from(["q1", "year"]))
def test_child_without_overrides_evaluates_like_its_parent(
        tmp_path_factory: pytest.TempPathFactory, parent: engine.Plan, seed: int,
        period: str) -> None:
    folder = tmp_path_factory.mktemp("child")
    for name in ("2023.yaml", "agencies-2023-communes.yaml"):
        shutil.copy(ROOT / "plans" / name, folder / name)
    plan = engine.load_plan(child(folder, ""))
    facts = random_facts(parent, seed)
    assert engine.evaluate(plan, facts, period=period).to_dict() == \
        engine.evaluate(parent, facts, period=period).to_dict()


def test_overrides_change_only_what_they_name(workdir: Path, parent: engine.Plan) -> None:
    plan = engine.load_plan(child(workdir, """\
id: son-la-cchc-2024
year: 2024
areas:
  procedures:
    indicators:
      on_time: {target: value >= 99.5%}
"""))
    on_time = plan.indicators["procedures.on_time"]
    assert on_time.target.text == "value >= 99.5%"
    assert on_time.value == parent.indicators["procedures.on_time"].value
    assert on_time.owner == parent.indicators["procedures.on_time"].owner
    diff = diff_plans(parent, plan)
    assert [c.id for c in diff.indicators.changed] == ["procedures.on_time"]
    assert [f.field for f in diff.indicators.changed[0].changes] == ["target"]


def test_overriding_an_unknown_id_is_an_error_with_did_you_mean(workdir: Path) -> None:
    [err] = errors_of(child(workdir, """\
areas:
  procedures:
    indicators:
      on_tme: {target: value >= 99.5%}
"""))
    assert err.code == "E440" and err.help is not None and "on_time" in err.help
    assert err.span is not None and err.span.begin.file.endswith("child.yaml")
    assert err.span.text == "on_tme"


def test_removing_what_is_still_used_names_the_users(workdir: Path) -> None:
    errs = errors_of(child(workdir, "remove:\n  agencies: [snv]\n"))
    assert [e.code for e in errs] == ["E442"]
    assert "48 part(s) of the plan still use it" in errs[0].message
    assert errs[0].notes[0].startswith("used by fact sipas_index (reported_by), at ")
    assert errs[0].notes[-1] == "and 38 more"
    assert errs[0].span is not None and errs[0].span.text == "snv"


def test_removing_an_indicator_and_an_unknown_id(workdir: Path) -> None:
    plan = engine.load_plan(child(workdir, "remove:\n  indicators: [procedures.time_cut]\n"))
    assert "procedures.time_cut" not in plan.indicators
    [err] = errors_of(child(workdir, "remove:\n  indicators: [procedures.time_cutt]\n"))
    assert err.code == "E441" and "procedures.time_cut" in (err.help or "")


def test_extends_cycle_is_reported_as_a_path(workdir: Path) -> None:
    (workdir / "a.yaml").write_text("cchc: 1\nextends: b.yaml\n", encoding="utf-8")
    (workdir / "b.yaml").write_text("cchc: 1\nextends: a.yaml\n", encoding="utf-8")
    errs = errors_of(workdir / "a.yaml")
    assert [e.code for e in errs] == ["E408"]
    assert "a.yaml -> b.yaml -> a.yaml" in errs[0].message


def test_diagnostics_point_into_the_file_that_holds_the_text(workdir: Path) -> None:
    errs = errors_of(child(workdir, "year: 2026\n"))
    assert {e.code for e in errs} == {"E431"}
    assert all(e.span is not None and e.span.begin.file.endswith("2023.yaml") for e in errs)


def test_merge_agencies_moves_every_reference(workdir: Path) -> None:
    plan = engine.load_plan(child(workdir, "merge_agencies:\n  stc: [skhdt]\n"))
    assert "skhdt" not in plan.agencies
    assert plan.indicators["overall.pci_improved"].owner == "stc"
    assert plan.facts["pci_score"].reporters == ("stc",)


def test_the_2025_illustration(parent: engine.Plan) -> None:
    plan = engine.load_plan(ROOT / "plans" / "2025-two-level.yaml")
    kinds = [a.kind for a in plan.agencies.values()]
    assert kinds.count("commune") == 75 and kinds.count("district") == 0
    assert all(a.parent == "ubnd_tinh" for a in plan.agencies.values() if a.kind == "commune")
    assert {"sldtbxh", "skhdt", "stttt"}.isdisjoint(plan.agencies)
    assert plan.indicators["digital_government.services_redesigned"].owner == "skhcn"
    assert "public_finance.budget_disclosure_districts" not in plan.indicators
    assert len(plan.indicators) == len(parent.indicators) - 1


@pytest.mark.parametrize("day,years,expected", [
    (dt.date(2023, 2, 28), 1, dt.date(2024, 2, 29)),   # month end stays month end
    (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),
    (dt.date(2023, 1, 10), 1, dt.date(2024, 1, 10)),
    (dt.date(2023, 12, 14), 2, dt.date(2025, 12, 14)),
    (dt.date(2023, 4, 30), 1, dt.date(2024, 4, 30)),
])
def test_shift_date(day: dt.date, years: int, expected: dt.date) -> None:
    assert shift_date(day, years) == expected


@given(day=st.dates(dt.date(1990, 1, 1), dt.date(2190, 12, 31)), years=st.integers(1, 5))
def test_shift_date_keeps_month_and_month_ends(day: dt.date, years: int) -> None:
    import calendar

    moved = shift_date(day, years)
    assert (moved.year, moved.month) == (day.year + years, day.month)
    month_end = calendar.monthrange(moved.year, moved.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        assert moved.day == month_end          # the last day stays the last day
    else:
        assert moved.day == min(day.day, month_end)


def test_new_year_writes_a_valid_plan_and_refuses_to_overwrite(
        workdir: Path, golden: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    parent = engine.load_plan("2023.yaml")
    runner = CliRunner()
    out = Path("2024.yaml")
    result = runner.invoke(main, ["new-year", "--lang", "en", "2023.yaml", "--year", "2024", "-o",
        str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    golden("inherit/new-year-2024.yaml", text)  # type: ignore[operator]
    plan = engine.load_plan(out)
    assert plan.year == 2024 and plan.periods["q1"].due == dt.date(2024, 3, 14)
    assert plan.indicators["implementation.agency_plans_issued"].deadline is not None
    diff = diff_plans(parent, plan)
    golden("inherit/diff-2023-2024.md", render_diff_markdown(diff))  # type: ignore[operator]
    again = runner.invoke(main, ["new-year", "--lang", "en", "2023.yaml", "--year", "2024", "-o",
        str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert out.read_text("utf-8") == text
    forced = runner.invoke(main, ["new-year", "--lang", "en", "2023.yaml", "--year", "2024", "-o",
        str(out),
                                  "--force"])
    assert forced.exit_code == 0


def test_new_year_moves_date_literals_but_not_texts_that_look_like_dates() -> None:
    from engine.newyear import _shift_expr
    from engine.parser import parse
    from engine.printer import to_text

    moved = _shift_expr(parse('if x == "2023-01-10" then 2023-02-28 else d <= 2023-01-10'), 1)
    assert to_text(moved) == 'if x == "2023-01-10" then 2024-02-29 else d <= 2024-01-10'
