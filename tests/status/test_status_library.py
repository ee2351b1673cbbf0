"""The chase list from the library: ``engine.reporting_status`` and the lenient load under it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

import engine
from engine.diagnostics import ArgumentError, FactsError
from engine.facts import load_arrivals, load_facts
from engine.model import Plan
from engine.status import ReportingStatus, reporting_status

from .conftest import AFTER_DUE, Q1, ROOT

Write = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """``write(name, text)``: a file of the folder ``tmp_path/q1``."""
    folder = tmp_path / "q1"
    folder.mkdir()

    def put(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return put


def _yaml(agencies: str, period: str = "q1", plan: str = "status-2023") -> str:
    return f"plan: {plan}\nperiod: {period}\nagencies:\n{agencies}"


def _row(status: ReportingStatus, agency: str) -> tuple[object, ...]:
    a = status.agency(agency)
    return (a.state, a.filled, a.missing, a.invalid, [d.code for d in a.errors], a.files,
            a.late)


SO = "tests/data/status/q1/so-ban-nganh.yaml"
HA = "tests/data/status/q1/huyen-a.csv"
HB = "tests/data/status/q1/huyen-b.yaml"


def test_every_agency_of_the_folder(status: ReportingStatus) -> None:
    rows = {a.agency: _row(status, a.agency) for a in status.agencies}
    assert rows == {
        "snv": ("complete", ("received", "on_time", "plan_issued", "report_on"), (), (), [],
                (SO,), False),
        "stp": ("partial", ("received", "plan_issued", "report_on"), ("on_time",), (), [],
                (SO,), True),
        "cong_an": ("missing", (), ("plan_issued", "report_on"), (), [], (), True),
        "huyen_a": ("complete", ("received", "on_time", "plan_issued", "report_on"), (), (),
                    [], (HA,), False),
        # its sheet came back blank: arrived, but nothing reported
        "huyen_b": ("missing", (), ("received", "on_time", "plan_issued", "report_on"), (), [],
                    (HB,), True),
        "xa_a1": ("complete", ("received", "on_time", "budget_disclosed"), (), (), [], (HA,),
                  False),
        "xa_a2": ("partial", ("budget_disclosed",), ("on_time",), ("received",), ["E641"],
                  (HA,), True),
        "xa_b1": ("partial", ("received",), ("on_time", "budget_disclosed"), (), [], (HB,), True),
        "xa_b2": ("missing", (), ("received", "on_time", "budget_disclosed"), (), [], (), True),
    }
    assert status.summary == {"complete": 3, "partial": 3, "missing": 3, "invalid": 1,
                              "late": 6, "total": 9}
    assert [a.agency for a in status.having("invalid")] == ["xa_a2"]
    assert status.files == (HA, HB, SO)
    assert status.days_late == 6


def test_the_agency_not_reporting_in_the_period_is_not_listed(status: ReportingStatus) -> None:
    assert "tinh" not in [a.agency for a in status.agencies]
    with pytest.raises(KeyError):
        status.agency("tinh")


def test_a_refused_value_is_its_agencys_error_at_its_cell(status: ReportingStatus) -> None:
    [d] = status.agency("xa_a2").errors
    assert (d.code, *d.location[:3]) == ("E641", HA, 9, 16)
    assert d.notes == ("CSV row 9, column 3 (value)",)


def test_an_unknown_agency_is_a_problem_of_no_agency(status: ReportingStatus) -> None:
    [d] = status.problems
    assert (d.code, *d.location[:3]) == ("E630", HB, 13, 3)
    assert d.help == "did you mean 'xa_b2'?"


def test_folder_entries_not_read_are_warnings(status: ReportingStatus) -> None:
    assert [(d.code, d.severity, d.file) for d in status.warnings] == [
        ("W681", "warning", "tests/data/status/q1/~$huyen-b.xlsx"),
    ]


@pytest.mark.parametrize(("as_of", "late", "days"), [
    (dt.date(2023, 3, 1), False, 0),
    (dt.date(2023, 3, 14), False, 0),   # the due date itself: not late yet
    (dt.date(2023, 3, 15), True, 1),
])
def test_late_only_after_the_due_date(plan: Plan, as_of: dt.date, late: bool,
                                      days: int) -> None:
    status = reporting_status(plan, Q1, period="q1", as_of=as_of)
    assert status.days_late == days
    assert {a.agency for a in status.agencies if a.late} == (
        {a.agency for a in status.agencies if a.state != "complete"} if late else set())
    assert status.summary["late"] == (6 if late else 0)


def test_as_of_defaults_to_today(plan: Plan) -> None:
    assert reporting_status(plan, Q1, period="q1").as_of == dt.date.today()


def test_an_empty_folder_lists_every_agency_missing(plan: Plan, tmp_path: Path) -> None:
    status = reporting_status(plan, tmp_path, period="q1", as_of=dt.date(2023, 1, 2))
    assert status.summary == {"complete": 0, "partial": 0, "missing": 9, "invalid": 0,
                              "late": 0, "total": 9}
    assert all(not a.arrived for a in status.agencies)
    assert (status.files, status.problems, status.warnings) == ((), (), ())


def test_a_path_that_does_not_exist_is_an_error(plan: Plan) -> None:
    with pytest.raises(FactsError) as err:
        reporting_status(plan, ["tests/data/status/q9", Q1], period="q1")
    [d] = err.value.diagnostics
    assert (d.code, d.file) == ("E600", "tests/data/status/q9")


def test_arguments_are_checked(plan: Plan) -> None:
    with pytest.raises(ArgumentError) as err:
        reporting_status(plan, Q1, period="q5", as_of="2023-03-20")  # type: ignore[arg-type]
    assert [d.header() for d in err.value.diagnostics] == [
        "reporting_status(as_of=): error[E803]: expected a datetime.date, found the text "
        "'2023-03-20'",
        "reporting_status(period=): error[E620]: unknown period 'q5'",
    ]


def test_a_file_of_another_period_counts_for_nobody(plan: Plan, write: Write) -> None:
    path = write("snv.yaml", _yaml("  snv:\n    received: 1\n    on_time: 1\n"
                                   "    plan_issued: true\n    report_on: 2023-03-01\n",
                                   period="year"))
    status = reporting_status(plan, path.parent, period="q1", as_of=AFTER_DUE)
    snv = status.agency("snv")
    assert (snv.state, snv.filled, snv.files) == ("missing", (), (str(path),))
    [d] = snv.errors
    assert (d.code, d.location[1:3]) == ("E622", (2, 9))
    assert status.problems == (d,)


def test_a_file_of_another_plan_counts_for_nobody(plan: Plan, write: Write) -> None:
    path = write("snv.yaml", _yaml("  snv:\n    received: 1\n", plan="son-la-cchc-2023"))
    status = reporting_status(plan, path, period="q1", as_of=AFTER_DUE)
    snv = status.agency("snv")
    assert (snv.state, snv.filled, [d.code for d in snv.errors]) == ("missing", (), ["E613"])


def test_a_file_that_cannot_be_read_is_a_problem(plan: Plan, write: Write) -> None:
    bad = write("stp.csv", "")
    bad.write_bytes("agency,fact,value\nstp,received,1\nstp,plan_issued,c\xf3\n"
                    .encode("cp1258"))
    write("snv.yaml", _yaml("  snv:\n    received: 1\n"))
    status = reporting_status(plan, bad.parent, period="q1", as_of=AFTER_DUE)
    [d] = status.problems
    assert (d.code, *d.location[:3]) == ("E606", str(bad), 3, 18)
    assert status.agency("stp").state == "missing"
    assert status.agency("snv").state == "partial"


def test_a_part_above_its_whole_refuses_the_part(plan: Plan, write: Write) -> None:
    path = write("snv.yaml", _yaml("  snv:\n    received: 5\n    on_time: 10\n"
                                   "    plan_issued: true\n    report_on: 2023-03-01\n"))
    snv = reporting_status(plan, path, period="q1", as_of=AFTER_DUE).agency("snv")
    assert (snv.state, snv.invalid, snv.missing) == ("partial", ("on_time",), ())
    assert [(d.code, d.location[1:3]) for d in snv.errors] == [("E650", (6, 14))]


def test_a_value_given_twice_is_refused_at_the_second(plan: Plan, write: Write) -> None:
    write("a.yaml", _yaml("  snv:\n    received: 5\n"))
    b = write("b.csv", "agency,fact,value\nsnv,received,6\n")
    snv = reporting_status(plan, b.parent, period="q1", as_of=AFTER_DUE).agency("snv")
    assert snv.invalid == ("received",)
    assert [(d.code, *d.location[:3]) for d in snv.errors] == [("E634", str(b), 2, 14)]
    assert snv.files == (str(b.parent / "a.yaml"), str(b))


def test_facts_of_an_agency_that_reports_none_are_a_problem(plan: Plan, write: Write) -> None:
    path = write("tinh.yaml", _yaml("  tinh:\n    received: 5\n"))
    status = reporting_status(plan, path, period="q1", as_of=AFTER_DUE)
    assert [(d.code, d.location[1:3]) for d in status.problems] == [("E632", (5, 5))]


def test_a_fact_not_due_makes_the_agency_partial(plan: Plan, write: Write) -> None:
    path = write("snv.yaml", _yaml("  snv:\n    received: 1\n    on_time: 1\n"
                                   "    plan_issued: true\n    report_on: 2023-03-01\n"
                                   "    budget_disclosed: true\n"))
    snv = reporting_status(plan, path, period="q1", as_of=AFTER_DUE).agency("snv")
    assert (snv.state, len(snv.filled), [d.code for d in snv.errors]) == (
        "partial", 4, ["E632"])


def test_facts_already_loaded_are_taken_as_they_are(plan: Plan, write: Write) -> None:
    path = write("snv.yaml", _yaml("  snv:\n    received: 1\n    on_time: 1\n"
                                   "    plan_issued: true\n    report_on: 2023-03-01\n"))
    facts = load_facts(plan, path)
    status = reporting_status(plan, facts, period="q1", as_of=AFTER_DUE)
    assert _row(status, "snv") == ("complete", ("received", "on_time", "plan_issued",
                                                "report_on"), (), (), [], (str(path),), False)
    assert status.files == (str(path),)
    from_memory = reporting_status(plan, {"stp": {"received": 3}}, period="q1",
                                   as_of=AFTER_DUE)
    assert _row(from_memory, "stp")[:2] == ("partial", ("received",))
    assert from_memory.agency("stp").files == ()


def test_facts_of_another_period_are_refused(plan: Plan) -> None:
    facts = engine.facts_from_data(plan, {"snv": {"received": 1}}, period="year")
    with pytest.raises(FactsError) as err:
        reporting_status(plan, facts, period="q1")
    assert [d.header() for d in err.value.diagnostics] == [
        "reporting_status(facts=): error[E622]: these facts are for period 'year', but the "
        "period given is 'q1'"]


def test_a_mapping_is_checked_as_a_fact_file(plan: Plan) -> None:
    with pytest.raises(FactsError) as err:
        reporting_status(plan, {"snv": {"received": "1.200"}}, period="q1")
    assert [d.code for d in err.value.diagnostics] == ["E641"]


def test_load_facts_still_refuses_the_folder(plan: Plan) -> None:
    """The lenient load does not weaken ``load_facts``: the same folder is refused, with every
    error and the folder's warnings."""
    with pytest.raises(FactsError) as err:
        load_facts(plan, Q1, period="q1")
    assert [(d.code, d.severity) for d in err.value.diagnostics] == [
        ("E641", "error"), ("E630", "error"), ("W681", "warning")]


def test_load_arrivals_keeps_what_is_valid(plan: Plan) -> None:
    arrivals = load_arrivals(plan, Q1, "q1")
    assert arrivals.facts.get("xa_a2", "budget_disclosed") is False
    assert arrivals.facts.get("xa_a2", "received") is None
    assert ("xa_a2", "received") in arrivals.refused
    assert ("xa_a2", "received") in arrivals.written
    assert ("xa_b1", "on_time") not in arrivals.written   # left blank
    assert arrivals.named["huyen_b"] == (HB,)


def test_groups_follow_kinds_then_districts(status: ReportingStatus) -> None:
    assert [(g.kind, g.district, [a.agency for a in g.agencies]) for g in status.groups()] == [
        ("department", None, ["snv", "stp"]),
        ("sector_agency", None, ["cong_an"]),
        ("district", None, ["huyen_a", "huyen_b"]),
        ("commune", "huyen_a", ["xa_a1", "xa_a2"]),
        ("commune", "huyen_b", ["xa_b1", "xa_b2"]),
    ]


def test_to_dict_follows_the_schema(status: ReportingStatus) -> None:
    schema = json.loads((ROOT / "docs" / "status.schema.json").read_text("utf-8"))
    data = status.to_dict()
    jsonschema.validate(data, schema)
    assert data["summary"] == status.summary
    assert data["agencies"][6] == {
        "agency": "xa_a2", "name": {"vi": "Thị trấn Hát Lót"}, "kind": "commune",
        "district": "huyen_a", "state": "partial", "files": [HA], "due": 3, "filled": 1,
        "missing": ["on_time"], "invalid": ["received"], "late": True,
        "errors": [status.agency("xa_a2").errors[0].to_dict()]}
    assert list(data["facts"]) == ["received", "on_time", "plan_issued", "report_on",
                                   "budget_disclosed"]


def test_the_names_are_public() -> None:
    assert engine.reporting_status is reporting_status
    assert engine.ReportingStatus is ReportingStatus
    assert {"reporting_status", "ReportingStatus", "AgencyStatus"} <= set(engine.__all__)
