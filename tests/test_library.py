"""The library surface (docs/library.md): what ``engine`` exports, and what every misuse of
``evaluate`` and ``Report.result`` raises: the documented ``EngineError`` subclass with
located diagnostics, never a bare ``KeyError``, ``ValueError`` or ``AttributeError``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.facts import Facts
from engine.model import Plan
from engine.report import Report

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return engine.load_plan(ROOT / "plans" / "2023.yaml")


@pytest.fixture(scope="module")
def q1(plan: Plan) -> Facts:
    return engine.load_facts(plan, [ROOT / "examples" / "2023" / "q1"])


def refused(error: type[engine.EngineError], plan: Plan, facts: Any, **kwargs: Any
            ) -> list[tuple[str, str, str, str | None]]:
    """``(location, code, message, help)`` of each diagnostic ``evaluate`` raises as ``error``."""
    with pytest.raises(engine.EngineError) as caught:
        engine.evaluate(plan, facts, **kwargs)
    assert type(caught.value) is error
    return [(d.location[0], d.code, d.message, d.help) for d in caught.value.diagnostics]


# -- arguments that name nothing in the plan -------------------------------------------------


def test_unknown_period(plan: Plan, q1: Facts) -> None:
    assert refused(engine.ArgumentError, plan, q1, period="q5") == [
        ("evaluate(period=)", "E620", "unknown period 'q5'",
         "the periods of plan 'son-la-cchc-2023' are q1, h1, q3, year")]
    assert refused(engine.ArgumentError, plan, q1, period="q11")[0][3] == "did you mean 'q1'?"


def test_unknown_area(plan: Plan, q1: Facts) -> None:
    assert refused(engine.ArgumentError, plan, q1, period="q1", area="zz") == [
        ("evaluate(area=)", "E801", "unknown area 'zz'", "check the spelling of the area id")]
    assert refused(engine.ArgumentError, plan, q1, period="q1", area="procedure")[0][3] == (
        "did you mean 'procedures'?")


def test_unknown_agency(plan: Plan, q1: Facts) -> None:
    assert refused(engine.ArgumentError, plan, q1, period="q1", agency="zz") == [
        ("evaluate(agency=)", "E630", "unknown agency 'zz'",
         "agency ids are listed in the plan's agencies")]
    assert refused(engine.ArgumentError, plan, q1, period="q1", agency="snv2")[0][3] == (
        "did you mean 'snv'?")
    # the agency's name written out is recognised, as in fact files
    assert refused(engine.ArgumentError, plan, q1, period="q1", agency="Sở Nội vụ")[0][3] == (
        "write the agency id 'snv' (Sở Nội vụ)")


@pytest.mark.parametrize(("as_of", "message", "help"), [
    ("2023-01-01", "expected a datetime.date, found the text '2023-01-01'",
     "pass datetime.date(2023, 1, 1)"),
    ("01/01/2023", "'01/01/2023' is not a date", "write the date as YYYY-MM-DD, e.g. 2023-03-14"),
    (dt.datetime(2023, 1, 1, 9, 30), "expected a datetime.date, found a datetime.datetime",
     "pass the date alone: datetime.date(2023, 1, 1)"),
    (20230101, "expected a datetime.date, found int '20230101'",
     "pass a datetime.date, e.g. datetime.date(2023, 3, 14)"),
])
def test_as_of_not_a_date(plan: Plan, q1: Facts, as_of: object, message: str,
                          help: str) -> None:
    assert refused(engine.ArgumentError, plan, q1, period="q1", as_of=as_of) == [
        ("evaluate(as_of=)", "E803", message, help)]


def test_every_wrong_argument_is_reported_at_once(plan: Plan, q1: Facts) -> None:
    found = refused(engine.ArgumentError, plan, q1, period="q5", area="zz", agency="zz",
                    as_of="2023-01-01")
    assert [(where, code) for where, code, _, _ in found] == [
        ("evaluate(agency=)", "E630"), ("evaluate(area=)", "E801"), ("evaluate(as_of=)", "E803"),
        ("evaluate(period=)", "E620")]


def test_arguments_of_the_wrong_type_are_refused_not_crashed_on(plan: Plan, q1: Facts) -> None:
    assert refused(engine.ArgumentError, plan, q1, period=["q1"])[0][:2] == (
        "evaluate(period=)", "E620")
    assert refused(engine.ArgumentError, plan, q1, period="q1", area={"a": 1})[0][:2] == (
        "evaluate(area=)", "E801")
    assert refused(engine.ArgumentError, plan, q1, period=None)[0][:3] == (
        "evaluate(period=)", "E620", "unknown period 'None'")


def test_argument_errors_are_engine_errors_only(plan: Plan, q1: Facts) -> None:
    with pytest.raises(engine.ArgumentError) as caught:
        engine.evaluate(plan, q1, period="q5")
    assert isinstance(caught.value, engine.EngineError)
    assert not isinstance(caught.value, KeyError | ValueError | AttributeError | TypeError)
    assert str(caught.value) == "evaluate(period=): error[E620]: unknown period 'q5'"


# -- facts of another plan or period ----------------------------------------------------------


def test_facts_of_another_plan(plan: Plan, q1: Facts) -> None:
    other = dataclasses.replace(q1, plan="son-la-cchc-2022")
    assert refused(engine.FactsError, plan, other, period="q1") == [
        ("evaluate(facts=)", "E613", "these facts are for plan 'son-la-cchc-2022', not "
         "'son-la-cchc-2023'", "load the facts with this plan: engine.load_facts(plan, paths)")]


def test_facts_of_another_period(plan: Plan, q1: Facts) -> None:
    assert refused(engine.FactsError, plan, q1, period="h1") == [
        ("evaluate(facts=)", "E622", "these facts are for period 'q1', but the period given is "
         "'h1'", "give the period of the facts, or load the facts of that period")]


def test_a_simple_fact_set_of_another_period_is_refused_too(plan: Plan) -> None:
    from engine.report import SimpleFacts

    assert refused(engine.FactsError, plan, SimpleFacts("year", {}), period="h1") == [
        ("evaluate(facts=)", "E622", "these facts are for period 'year', but the period given "
         "is 'h1'", "give the period of the facts, or load the facts of that period")]


def test_facts_of_the_plan_and_period_are_evaluated(plan: Plan, q1: Facts) -> None:
    report = engine.evaluate(plan, q1, period="q1", as_of=dt.date(2023, 3, 14), area="procedures",
                             agency="snv")
    assert report.results and {r.indicator.area for r in report.results} == {"procedures"}


# -- Report.result ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(plan: Plan, q1: Facts) -> Report:
    return engine.evaluate(plan, q1, period="q1")


def result_refused(report: Report, indicator: str) -> tuple[str, str, str, str | None]:
    with pytest.raises(engine.ArgumentError) as caught:
        report.result(indicator)
    [d] = caught.value.diagnostics
    return (d.location[0], d.code, d.message, d.help)


def test_result_of_an_unknown_indicator(report: Report) -> None:
    assert result_refused(report, "procedures.on_tme") == (
        "Report.result()", "E802", "unknown indicator 'procedures.on_tme'",
        "did you mean 'procedures.on_time'?")
    assert result_refused(report, "x")[3] == "the indicator ids are listed by 'cchc indicators'"
    assert report.result("procedures.on_time").id == "procedures.on_time"


def test_result_of_an_indicator_the_report_was_narrowed_without(plan: Plan, q1: Facts) -> None:
    narrowed = engine.evaluate(plan, q1, period="q1", area="procedures")
    assert result_refused(narrowed, "overall.sipas") == (
        "Report.result()", "E802", "indicator 'overall.sipas' is not in this report",
        "the report is narrowed to one area; evaluate without it")


# -- the surface ------------------------------------------------------------------------------


def _documented_names() -> list[str]:
    """The first column of the table under '## The public surface' in docs/library.md."""
    page = (DOCS / "library.md").read_text(encoding="utf-8")
    section = page.split("## The public surface", 1)[1].split("\n## ", 1)[0]
    table = section.split("| name | what it is |", 1)[1].split("\n\n", 1)[0]
    names: list[str] = []
    for row in table.strip().splitlines()[1:]:
        first = row.split("|")[1]
        names += [re.match(r"\w+", cell).group(0)  # type: ignore[union-attr]
                  for cell in re.findall(r"`([^`]+)`", first)]
    return names


def test_all_is_the_documented_surface() -> None:
    documented = _documented_names()
    assert len(documented) == len(set(documented))
    assert sorted(engine.__all__) == sorted(documented)
    assert sorted(engine.__all__) == sorted(engine.__dir__())


#: Names that other branches of issue 11 add to their modules (loads_plan: engine.loader;
#: facts_from_data: engine.facts). Empty this once they are merged.
ARRIVING: set[str] = set()


@pytest.mark.parametrize("name", sorted(set(engine.__all__) - {"__version__"}))
def test_every_exported_name_resolves(name: str) -> None:
    from engine import _EXPORTS

    module = importlib.import_module(f"engine.{_EXPORTS[name]}")
    if name in ARRIVING and not hasattr(module, name):
        pytest.xfail(f"{name} arrives with another branch of issue 11")
    assert getattr(engine, name) is getattr(module, name)


@pytest.mark.parametrize(("name", "module"), [
    ("MAX_DEPTH", "engine.parser"), ("MAX_LENGTH", "engine.parser"), ("parse", "engine.parser"),
    ("to_text", "engine.printer"), ("parse_literal", "engine.language"),
    ("SimpleFacts", "engine.report"),
])
def test_internals_are_not_exported(name: str, module: str) -> None:
    assert name not in engine.__all__
    with pytest.raises(AttributeError):
        getattr(engine, name)
    assert hasattr(importlib.import_module(module), name)  # still there for the engine's use


def test_every_argument_code_is_explained_in_the_docs() -> None:
    from engine import i18n, newyear, report

    page = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    section = page.split("## Arguments (E8xx)", 1)[1].split("\n## ", 1)[0]
    explained = set(re.findall(r"^### (E8\d\d):", section, re.M))
    raised = {code for module in (report, newyear, i18n)
              for code in re.findall(r"``(E8\d\d)``", module.__doc__ or "")}
    assert explained == raised == {"E801", "E802", "E803", "E804", "E805"}


def test_the_typed_examples_run(plan: Plan) -> None:
    """tests/typing_api.py, which mypy checks, does what its types say."""
    from tests import typing_api

    data = typing_api.evaluate_a_period(ROOT / "plans" / "2023.yaml",
                                        ROOT / "examples" / "2023" / "q1")
    assert data["period"] == "q1"
    assert typing_api.facts_from_code(plan).result("apparatus.satisfaction_admin").status == "met"
    assert typing_api.a_formula() is True
    assert typing_api.compare_and_test(plan, plan, ROOT / "tests" / "data" / "cases" /
                                       "thirty.yaml") is True
    assert engine.EngineError in typing_api.errors_are_one_family()[0].__mro__
