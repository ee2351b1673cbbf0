"""A part greater than its whole is never accepted silently (issue 12, "bad data").

* The plan states relations between facts (``at_most``), checked when it loads (``E426``,
  ``E435``, the schema's ``E412``); ``remove:`` of a whole still named is ``E442``.
* A fact file that breaks one is refused at the part's value (``E650``), in YAML, JSON and CSV,
  across files of one fact set, in facts given in memory and in plan test cases.
* Independently of declarations, an indicator of unit ``percent`` outside 0% to 100% is
  ``unknown`` with an ``invalid`` reason naming the values; the unit ``rate`` may leave it.
* ``plans/2023.yaml`` declares a relation for every ratio its indicators compute.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from cli import main
from engine.dump import dump_plan
from engine.loader import plan_schema
from engine.messages import describe_reason
from engine.nodes import Aggregate, Binary, Expr, Name, walk

ROOT = Path(__file__).resolve().parents[2]

PLAN = """\
cchc: 1
id: pw
year: 2023
title: {vi: Kế hoạch thử}
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  snv: {name: {vi: Sở Nội vụ}, kind: department, parent: tinh}
  stp: {name: {vi: Sở Tư pháp}, kind: department, parent: tinh}
groups:
  departments: {kinds: [department]}
periods:
  q1: {name: {vi: Quý I}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-14}
facts:
  received: {type: count, unit: dossier, label: {vi: Hồ sơ tiếp nhận}, reported_by: departments}
  on_time:
    type: count
    unit: dossier
    label: {vi: Hồ sơ đúng hạn}
    reported_by: departments
    at_most: received
  revenue: {type: number, label: {vi: Thu nội địa 2023}, reported_by: snv}
  revenue_2022: {type: number, label: {vi: Thu nội địa 2022}, reported_by: snv}
areas:
  procedures:
    name: {vi: Thủ tục}
    indicators:
      on_time:
        name: {vi: Trên 99% hồ sơ đúng hạn}
        unit: percent
        owner: snv
        scope: departments
        value: sum(on_time) / sum(received)
        target: value > 99%
        applicable: sum(received) > 0
      late:
        name: {vi: Tỷ lệ hồ sơ trễ hạn}
        unit: percent
        owner: snv
        scope: departments
        value: 1 - sum(on_time) / sum(received)
        target: value < 1%
        applicable: sum(received) > 0
      on_time_again:
        name: {vi: Tham chiếu}
        unit: percent
        owner: snv
        scope: snv
        value: procedures.on_time
        target: value >= 95%
  finance:
    name: {vi: Tài chính}
    indicators:
      revenue_growth:
        name: {vi: Thu nội địa tăng ít nhất 8%}
        unit: rate
        owner: snv
        scope: snv
        value: revenue / revenue_2022 - 1
        target: value >= 8%
        applicable: revenue_2022 > 0
"""
#: The same plan without the relation: only the share's own range protects it.
UNDECLARED = PLAN.replace("    at_most: received\n", "")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the plan, made the working directory (diagnostics name files relative
    to it)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "plan.yaml", PLAN)
    write(tmp_path, "undeclared.yaml", UNDECLARED)
    return tmp_path


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.loads_plan(PLAN, "plan.yaml")


@pytest.fixture(scope="module")
def undeclared() -> engine.Plan:
    return engine.loads_plan(UNDECLARED, "undeclared.yaml")


def facts_error(plan: engine.Plan, *paths: Path | str) -> list[engine.Diagnostic]:
    with pytest.raises(engine.FactsError) as info:
        engine.load_facts(plan, list(paths))
    return list(info.value.diagnostics)


def plan_error(path: Path | str) -> list[engine.Diagnostic]:
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(path)
    return list(info.value.diagnostics)


# ---------------------------------------------------------------------------------------------
# A violation in a fact file: E650 at the part's value
# ---------------------------------------------------------------------------------------------

MESSAGE = "'on_time' of 'snv' is 10, more than 'received' (5), which it is a part of"
HELP = "the plan says 'on_time' is at most 'received': correct whichever of the two values " \
       "is wrong"


def test_yaml(here: Path, plan: engine.Plan) -> None:
    write(here, "f.yaml", "plan: pw\nperiod: q1\nagencies:\n  snv:\n    received: 5\n"
                          "    on_time: 10\n")
    [d] = facts_error(plan, "f.yaml")
    assert (d.code, d.location[:3]) == ("E650", ("f.yaml", 6, 14))
    assert d.message == MESSAGE and d.help == HELP
    assert d.notes == ("'received' of 'snv' is reported at f.yaml:5:15: 5",)


def test_json(here: Path, plan: engine.Plan) -> None:
    write(here, "f.json", '{\n  "plan": "pw",\n  "period": "q1",\n  "agencies": {\n'
                          '    "snv": {"received": 5, "on_time": 10}\n  }\n}\n')
    [d] = facts_error(plan, "f.json")
    assert (d.code, d.location[:3]) == ("E650", ("f.json", 5, 39))
    assert d.message == MESSAGE
    assert d.notes == ("'received' of 'snv' is reported at f.json:5:25: 5",)


def test_csv(here: Path, plan: engine.Plan) -> None:
    write(here, "f.csv", "agency,fact,value,period\nsnv,received,5,q1\nsnv,on_time,10,q1\n")
    [d] = facts_error(plan, "f.csv")
    assert (d.code, d.location[:3]) == ("E650", ("f.csv", 3, 13))
    assert d.message == MESSAGE
    assert d.notes == ("'received' of 'snv' is reported at f.csv:2:14: 5",
                       "CSV row 3, column 3 (value)")


def test_quoted_values_are_named_without_their_quotes(here: Path, plan: engine.Plan) -> None:
    write(here, "f.yaml", "plan: pw\nperiod: q1\nagencies:\n  snv:\n    received: '5'\n"
                          '    on_time: "10"\n')
    [d] = facts_error(plan, "f.yaml")
    assert (d.code, d.location[:3], d.message) == ("E650", ("f.yaml", 6, 14), MESSAGE)


def test_the_part_and_the_whole_may_come_from_two_files(here: Path, plan: engine.Plan) -> None:
    # one fact set: a relation is between the facts of one agency in one period, wherever
    # each was written
    write(here, "whole.yaml", "plan: pw\nperiod: q1\nagencies:\n  snv:\n    received: 5\n")
    write(here, "part.csv", "agency,fact,value,period\nsnv,on_time,10,q1\n")
    [d] = facts_error(plan, "whole.yaml", "part.csv")
    assert (d.code, d.location[:3], d.message) == ("E650", ("part.csv", 2, 13), MESSAGE)
    assert d.notes[0] == "'received' of 'snv' is reported at whole.yaml:5:15: 5"


def test_every_violation_is_reported_once(here: Path, plan: engine.Plan) -> None:
    write(here, "f.yaml", "plan: pw\nperiod: q1\nagencies:\n"
                          "  snv: {received: 5, on_time: 10}\n"
                          "  stp: {received: 7, on_time: 8}\n")
    found = [(d.code, d.location[1:3]) for d in facts_error(plan, "f.yaml")]
    assert found == [("E650", (4, 31)), ("E650", (5, 31))]


def test_agencies_are_not_compared_with_each_other(here: Path, plan: engine.Plan) -> None:
    write(here, "f.yaml", "plan: pw\nperiod: q1\nagencies:\n"
                          "  snv: {received: 100, on_time: 10}\n"
                          "  stp: {received: 5, on_time: 50}\n")
    [d] = facts_error(plan, "f.yaml")
    assert d.message == "'on_time' of 'stp' is 50, more than 'received' (5), which it is a " \
                        "part of"


@pytest.mark.parametrize("facts", [
    "{received: 5, on_time: 5}",     # equal: all on time
    "{received: 5, on_time: 0}",
    "{received: ~, on_time: 10}",    # the whole not reported: nothing to compare
    "{on_time: 10}",
    "{received: 5}",
])
def test_what_is_accepted(here: Path, plan: engine.Plan, facts: str) -> None:
    write(here, "f.yaml", f"plan: pw\nperiod: q1\nagencies:\n  snv: {facts}\n")
    assert engine.load_facts(plan, "f.yaml").period == "q1"


def test_facts_given_in_memory(plan: engine.Plan) -> None:
    with pytest.raises(engine.FactsError) as info:
        engine.facts_from_data(plan, {"snv": {"received": 5, "on_time": 10}}, period="q1")
    [d] = info.value.diagnostics
    assert (d.code, d.location[0], d.message) == ("E650", 'facts["snv"]["on_time"]', MESSAGE)
    assert d.notes == ("'received' of 'snv' is reported at facts[\"snv\"][\"received\"]: 5",)
    with pytest.raises(engine.FactsError):  # evaluate checks a mapping the same way
        engine.evaluate(plan, {"snv": {"received": 5, "on_time": 10}}, period="q1")


def test_plan_test_cases_are_held_to_the_relations(here: Path, plan: engine.Plan) -> None:
    write(here, "cases.yaml", """\
- name: defaults that break the relation, once for every agency
  period: q1
  defaults: {received: 5, on_time: 10}
  expect: {procedures.on_time: met}
- name: an agency's own value against the default whole
  period: q1
  defaults: {received: 5, on_time: 5}
  facts:
    stp: {on_time: 6}
  expect: {procedures.on_time: met}
""")
    with pytest.raises(engine.CaseError) as info:
        engine.load_cases("cases.yaml", plan)
    got = [(d.code, d.location[1:3], d.message) for d in info.value.diagnostics]
    assert got == [
        ("E650", (3, 36), "'on_time' is 10, more than 'received' (5), which it is a part of"),
        ("E650", (9, 20),
         "'on_time' of 'stp' is 6, more than 'received' (5), which it is a part of"),
    ]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=st.integers(0, 10**6), whole=st.integers(0, 10**6),
       fmt=st.sampled_from(["yaml", "json", "csv"]), split=st.booleans())
def test_facts_load_if_and_only_if_the_part_is_at_most_the_whole(
        plan: engine.Plan, part: int, whole: int, fmt: str, split: bool) -> None:
    def text(values: dict[str, int], fmt: str) -> str:
        if fmt == "csv":
            return "agency,fact,value,period\n" + "".join(
                f"snv,{f},{v},q1\n" for f, v in values.items())
        if fmt == "json":
            return json.dumps({"plan": "pw", "period": "q1", "agencies": {"snv": values}})
        return "plan: pw\nperiod: q1\nagencies:\n  snv:\n" + "".join(
            f"    {f}: {v}\n" for f, v in values.items())

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if split:  # the part and the whole in two files of two formats
            paths = [write(folder, f"a.{fmt}", text({"on_time": part}, fmt)),
                     write(folder, "b.yaml", text({"received": whole}, "yaml"))]
        else:
            paths = [write(folder, f"a.{fmt}", text({"received": whole, "on_time": part}, fmt))]
        if part <= whole:
            facts = engine.load_facts(plan, paths)
            assert facts.values["snv"] == {"received": whole, "on_time": part}
        else:
            with pytest.raises(engine.FactsError) as info:
                engine.load_facts(plan, paths)
            [d] = info.value.diagnostics
            assert d.code == "E650" and d.location[0].endswith(f"a.{fmt}")
            assert f"is {part}, more than 'received' ({whole})" in d.message


# ---------------------------------------------------------------------------------------------
# Declaring relations in the plan
# ---------------------------------------------------------------------------------------------


def test_at_most_takes_a_fact_or_a_list_and_survives_a_dump(plan: engine.Plan) -> None:
    assert plan.facts["on_time"].at_most == ("received",)
    listed = engine.loads_plan(PLAN.replace("at_most: received", "at_most: [received]"), "p")
    assert listed.facts == plan.facts
    dumped = dump_plan(plan)
    assert "    at_most: [received]\n" in dumped
    assert engine.loads_plan(dumped, "dump.yaml") == plan


def test_an_unknown_fact_is_a_located_plan_error(here: Path) -> None:
    write(here, "bad.yaml", PLAN.replace("at_most: received", "at_most: [recieved]"))
    [d] = plan_error("bad.yaml")
    assert (d.code, d.location[:3]) == ("E426", ("bad.yaml", 20, 15))
    assert d.message == "unknown fact 'recieved' in 'at_most' of 'on_time'"
    assert d.help == "did you mean 'received'?"


@pytest.mark.parametrize(("facts", "col", "message"), [
    ("on_time", 14, "'on_time' cannot be at most itself"),
    ("revenue", 14, "'on_time' cannot be at most 'revenue': 'on_time' is a count and 'revenue' a "
                    "number"),
    ("flag", 14, "'on_time' cannot be at most 'flag': 'on_time' is a count and 'flag' a bool"),
    ("docs", 14, "'on_time' cannot be at most 'docs': their units differ (dossier, document)"),
    ("stp_only", 14, "'on_time' cannot be at most 'stp_only': no agency reports both in the "
                     "same period"),
])
def test_a_relation_that_cannot_be_checked_is_a_plan_error(here: Path, facts: str, col: int,
                                                           message: str) -> None:
    extra = (
        "  flag: {type: bool, label: {vi: Cờ}, reported_by: departments}\n"
        "  docs: {type: count, unit: document, label: {vi: Văn bản}, reported_by: departments}\n"
        "  stp_only: {type: count, unit: dossier, label: {vi: Sở Tư pháp}, reported_by: stp}\n"
        "  snv_only: {type: count, unit: dossier, label: {vi: Sở Nội vụ}, reported_by: snv}\n")
    text = PLAN.replace("at_most: received", f"at_most: {facts}").replace("areas:\n",
                                                                          extra + "areas:\n")
    text = text.replace("reported_by: departments\n    at_most: stp_only",
                        "reported_by: snv\n    at_most: stp_only")
    write(here, "bad.yaml", text)
    [d] = plan_error("bad.yaml")
    assert (d.code, d.location[:3], d.message) == ("E435", ("bad.yaml", 20, col), message)
    assert d.help


def test_two_bool_facts_have_no_order(here: Path) -> None:
    text = PLAN.replace("areas:\n", "  a: {type: bool, label: {vi: A}, reported_by: snv}\n"
                                    "  b: {type: bool, label: {vi: B}, reported_by: snv, "
                                    "at_most: a}\n" "areas:\n")
    write(here, "bad.yaml", text)
    [d] = plan_error("bad.yaml")
    assert (d.code, d.message) == ("E435", "'b' cannot be at most 'a': bool facts have no order")


@pytest.mark.parametrize(("value", "message"), [
    ("5", "expected a text or a list in facts.on_time.at_most, found the number 5"),
    ("[]", "the list is empty in facts.on_time.at_most"),
    ("Received", "'Received' is not a valid id in facts.on_time.at_most"),
])
def test_the_schema_checks_the_shape(here: Path, value: str, message: str) -> None:
    write(here, "bad.yaml", PLAN.replace("at_most: received", f"at_most: {value}"))
    [d] = plan_error("bad.yaml")
    assert (d.code, d.location[:3], d.message) == ("E412", ("bad.yaml", 20, 14), message)


def test_removing_a_whole_still_named_by_a_relation_is_refused(here: Path) -> None:
    write(here, "child.yaml", "cchc: 1\nextends: plan.yaml\nid: pw-2024\nremove:\n"
                              "  facts: [received]\n")
    errors = plan_error("child.yaml")
    [d] = [e for e in errors if e.code == "E442"]
    assert d.location[:3] == ("child.yaml", 5, 11)
    assert any(n.startswith("used by fact on_time (at_most), at plan.yaml:20")
               for n in d.notes), d.notes


# ---------------------------------------------------------------------------------------------
# A share of a population above 100% (or below 0%) is invalid, whatever the plan declares
# ---------------------------------------------------------------------------------------------

OVER = {"snv": {"received": 5, "on_time": 10}, "stp": {"received": 5, "on_time": 5}}
OVER_DETAIL = "the share is 150%, above 100%: 15 of 10 (sum(on_time) / sum(received))"


def test_a_share_above_100_percent_is_unknown_not_met(undeclared: engine.Plan) -> None:
    report = engine.evaluate(undeclared, OVER, period="q1")
    r = report.result("procedures.on_time")
    assert r.status == "unknown"
    assert isinstance(r.value, engine.Unknown)
    assert r.reasons == (engine.Reason("invalid", detail=OVER_DETAIL),)
    assert r.to_dict()["reasons"] == [OVER_DETAIL]
    assert [(a.agency, a.status) for a in r.agencies] == [("snv", "unknown"), ("stp", "met")]
    assert describe_reason(r.reasons[0], "en") == OVER_DETAIL  # the JSON's words
    assert describe_reason(r.reasons[0], "vi") == (  # numbers and words of the language
        "giá trị không hợp lệ (tỉ lệ là 150%, trên 100%: 15 trên 10 (sum(on_time) / "
        "sum(received)))")
    # an indicator that reads it is not decided on invalid data either
    assert report.result("procedures.on_time_again").status == "unknown"


def test_a_share_below_0_percent_is_unknown(undeclared: engine.Plan) -> None:
    r = engine.evaluate(undeclared, OVER, period="q1").result("procedures.late")
    assert r.status == "unknown"  # 1 - 150% would meet "below 1%"
    assert r.to_dict()["reasons"] == ["the share is -50%, below 0%"]


def test_a_share_just_above_100_percent_says_how_far(undeclared: engine.Plan) -> None:
    facts = {"snv": {"received": 100000, "on_time": 100001},
             "stp": {"received": 0, "on_time": 0}}
    r = engine.evaluate(undeclared, facts, period="q1").result("procedures.on_time")
    assert r.to_dict()["reasons"] == [
        "the share is 100.001%, above 100%: 100001 of 100000 (sum(on_time) / sum(received))"]


def test_exactly_100_percent_is_a_share(undeclared: engine.Plan) -> None:
    facts = {"snv": {"received": 5, "on_time": 5}, "stp": {"received": 5, "on_time": 5}}
    r = engine.evaluate(undeclared, facts, period="q1").result("procedures.on_time")
    assert (r.status, r.value, r.reasons) == ("met", 1, ())


def test_the_reason_is_in_the_json_of_evaluate(here: Path) -> None:
    write(here, "f.yaml", "plan: pw\nperiod: q1\nagencies:\n"
                          "  snv: {received: 5, on_time: 10}\n"
                          "  stp: {received: 5, on_time: 5}\n")
    result = CliRunner().invoke(main, ["evaluate", "undeclared.yaml", "f.yaml", "--period",
                                       "q1", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [on_time] = [i for i in data["indicators"] if i["id"] == "procedures.on_time"]
    assert (on_time["status"], on_time["value"], on_time["reasons"]) == \
        ("unknown", None, [OVER_DETAIL])
    assert on_time["explanation"]["terms"] == [
        {"formula": "sum(on_time)", "value": 15}, {"formula": "sum(received)", "value": 10}]
    table = CliRunner().invoke(main, ["evaluate", "undeclared.yaml", "f.yaml", "--period", "q1",
                                      "--lang", "en"], env={"COLUMNS": "200"})  # one line
    assert OVER_DETAIL in table.stdout
    # with the relation declared, the same file is refused where it was written
    refused = CliRunner().invoke(main, ["evaluate", "plan.yaml", "f.yaml", "--period", "q1"])
    assert refused.exit_code == 2
    assert "f.yaml:4:31: error[E650]" in refused.stderr


@pytest.mark.parametrize(("revenue", "status", "shown"), [
    (25000, "met", "150%"),    # growth above 100% is a rate, not invalid data
    (10800, "met", "8%"),
    (9000, "not_met", "-10%"),  # and so is a fall
])
def test_a_rate_may_leave_0_to_100_percent(plan: engine.Plan, revenue: int, status: str,
                                           shown: str) -> None:
    from engine.render import display_value

    facts = {"snv": {"revenue": revenue, "revenue_2022": 10000}}
    r = engine.evaluate(plan, facts, period="q1").result("finance.revenue_growth")
    assert r.status == status and r.reasons == ()
    assert display_value(r.value, r.indicator.unit) == shown


def test_the_unit_rate_is_in_the_schema_and_needs_a_number(here: Path) -> None:
    assert "rate" in plan_schema()["$defs"]["indicator"]["properties"]["unit"]["enum"]
    write(here, "bad.yaml", PLAN.replace("value: revenue / revenue_2022 - 1",
                                         "value: revenue > revenue_2022")
                                .replace("target: value >= 8%", "target: value"))
    [d] = plan_error("bad.yaml")
    assert d.code == "E432"
    assert d.message.startswith("unit 'rate' needs a number as value")


# ---------------------------------------------------------------------------------------------
# The 2023 plan
# ---------------------------------------------------------------------------------------------


def _facts(node: Expr) -> list[str] | None:
    """The facts a side of a ratio adds up: ``x``, ``sum(x)``, or ``sum(x) + sum(y) + ...``."""
    if isinstance(node, Binary) and node.op == "+":
        left, right = _facts(node.left), _facts(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, Aggregate) and node.func == "sum" and node.filter is None:
        node = node.body
    return [node.name] if isinstance(node, Name) else None


def test_the_2023_plan_declares_a_relation_for_every_ratio() -> None:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    ratios: list[tuple[str, str, tuple[str, ...]]] = []
    for ind in plan.indicators.values():
        for node in walk(ind.value.expr):
            if isinstance(node, Binary) and node.op == "/":
                parts, wholes = _facts(node.left), _facts(node.right)
                assert parts is not None and wholes is not None, (ind.id, node)
                # each part of the numerator is a part of one of the wholes it is divided by
                ratios.extend((ind.id, part, tuple(wholes)) for part in parts)
    assert len({iid for iid, _, _ in ratios}) == 36
    undeclared = [(iid, part, wholes) for iid, part, wholes in ratios
                  if not set(wholes) & set(plan.facts[part].at_most)]
    # every ratio of counts is a part of its whole
    assert [r for r in undeclared if plan.facts[r[1]].type == "count"
            and all(plan.facts[w].type == "count" for w in r[2])] == []
    # the others compare money between years or with a plan: rates, which may exceed 100%
    assert [(iid, plan.indicators[iid].unit) for iid, _, _ in undeclared] == [
        ("public_finance.investment_disbursement", "rate"),
        ("public_finance.domestic_revenue_growth", "rate"),
    ]
    # and no relation is declared that no ratio needs, but the chains of ratings and the
    # parts of the dossier table that no ratio reads
    pairs = {(part, whole) for _, part, wholes in ratios for whole in wholes}
    declared = {(f.id, w) for f in plan.facts.values() for w in f.at_most}
    assert declared - pairs == {("officials_rated_excellent", "officials_rated_good"),
                                ("employees_rated_excellent", "employees_rated_good"),
                                ("dossiers_carried_over", "dossiers_received"),
                                ("dossiers_received_new", "dossiers_received"),
                                ("dossiers_settled_late", "late_dossiers"),
                                ("dossiers_settled_late", "dossiers_received"),
                                ("dossiers_in_process_overdue", "late_dossiers"),
                                ("dossiers_in_process_overdue", "dossiers_received"),
                                ("late_dossiers", "dossiers_received"),
                                ("dossiers_transferred", "dossiers_received"),
                                ("dossiers_synced_national", "dossiers_tracked_online")}


@pytest.mark.parametrize("period", ["q1", "year"])
def test_the_2023_examples_still_load(period: str) -> None:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    facts = engine.load_facts(plan, ROOT / "examples" / "2023" / period)
    report = engine.evaluate(plan, facts, period=period)
    assert not [r.id for r in report.results if any(x.kind == "invalid" for x in r.reasons)]
