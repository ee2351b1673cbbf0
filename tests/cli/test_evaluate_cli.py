"""`cchc evaluate`, `explain` and `graph` on the shipped 2023 examples, pinned by golden files;
the JSON report, too long to review as a golden, by its schema and a few pinned values."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
PLAN = "plans/2023.yaml"
CASES = {
    "q1": ["examples/2023/q1", "--period", "q1", "--as-of", "2023-03-14"],
    "year": ["examples/2023/year", "--period", "year", "--as-of", "2023-12-14"],
}


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str, columns: int | None = None) -> tuple[int, str, str]:
    """``cchc ARGS`` with ``COLUMNS`` set to ``columns`` (unset when None: the table is then
    100 columns wide, its width when the output is not a terminal)."""
    env = {"COLUMNS": None if columns is None else str(columns)}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("period", sorted(CASES))
@pytest.mark.parametrize("fmt,lang", [("table", "vi"), ("table", "en"), ("markdown", "vi"),
                                      ("markdown", "en"),
                                      ("csv", "vi")])
def test_evaluate_examples_every_format(golden: object, period: str, fmt: str,
                                        lang: str) -> None:
    code, out, err = run("evaluate", PLAN, *CASES[period], "--format", fmt, "--lang", lang)
    assert code == 0, err
    ext = {"table": "txt", "markdown": "md", "csv": "csv", "json": "json"}[fmt]
    golden(f"evaluate/{period}-{fmt}-{lang}.{ext}", out)  # type: ignore[operator]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("columns", [80, 120])
def test_evaluate_table_fits_the_width_of_columns(golden: object, lang: str,
                                                  columns: int) -> None:
    """The table takes its width from ``COLUMNS`` when its output is not a terminal: names
    wrap, and no line is wider."""
    code, out, err = run("evaluate", PLAN, *CASES["q1"], "--lang", lang, columns=columns)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= columns  # no wide or combining text
    assert "…" not in out
    golden(f"evaluate/q1-table-{lang}-{columns}.txt", out)  # type: ignore[operator]


@functools.cache
def report_json(period: str) -> Any:
    """``cchc evaluate --format json`` on the 2023 example of ``period``, parsed (run once)."""
    code, out, err = run("evaluate", PLAN, *CASES[period], "--format", "json")
    assert code == 0, err
    return json.loads(out)


# The JSON of the 2023 examples is thousands of lines: rather than pin it whole, it is checked
# against the published schema and against these values, each chosen to catch a real regression
# (a status rule, the arithmetic of a ratio, the breakdown, the missing-fact bookkeeping). The
# table goldens above pin every indicator's status and shown value; the small report of
# tests/data/report is pinned whole in tests/golden/evaluate/small-q1-json-vi.json.
SUMMARY = {
    "q1": {"met": 25, "not_met": 6, "pending": 5, "unknown": 1, "not_applicable": 23,
           "total": 60},
    "year": {"met": 47, "not_met": 8, "pending": 1, "unknown": 3, "not_applicable": 1,
             "total": 60},
}
#: statuses of the units of every breakdown, counted over all indicators
UNIT_STATUSES = {
    "q1": {"met": 684, "not_met": 18, "unknown": 1, "not_applicable": 18},
    "year": {"met": 1090, "not_met": 56, "unknown": 2, "not_applicable": 23},
}
#: every (indicator, agency, fact) that a result needed and was not reported
MISSING = {
    "q1": [("digital_government.e_documents_signed", "quynh_nhai_muong_gion", "outgoing_docs"),
           ("digital_government.e_documents_signed", "quynh_nhai_muong_gion",
            "outgoing_docs_e_signed")],
    "year": [("overall.pci_improved", "skhdt", "pci_score"),
             ("civil_service.officials_good", "moc_chau", "officials_rated"),
             ("civil_service.officials_good", "moc_chau", "officials_rated_good"),
             ("civil_service.officials_excellent", "moc_chau", "officials_rated"),
             ("civil_service.officials_excellent", "moc_chau", "officials_rated_excellent")],
}
#: every (indicator, agency, fact) that a rule of the plan for missing facts was applied to: a
#: report that has not arrived by the due date counts as late
TREATED = {
    "q1": [("implementation.reports_on_time", "sgddt", "report_submitted_on")],
    "year": [],
}
#: (period, indicator) -> status and value of a few named indicators
PINNED = {
    ("q1", "procedures.on_time"): ("met", 0.9972057376),
    ("q1", "direction.inspection_coverage"): ("pending", 0.1086956522),
    ("q1", "implementation.agency_plans_issued"): ("not_met", False),
    ("q1", "digital_government.e_documents_signed"): ("unknown", None),
    ("q1", "overall.sipas"): ("not_applicable", None),
    ("q1", "implementation.reports_on_time"): ("not_met", False),
    ("q1", "digital_government.services_redesigned"): ("pending", 0.776290631),
    ("year", "public_finance.investment_disbursement"): ("pending", 0.86),
    ("year", "procedures.on_time"): ("met", 0.9974462883),
    ("year", "overall.par_index_group"): ("met", "B"),
    ("year", "apparatus.units_reduced"): ("met", 612),
    ("year", "apparatus.deputies_within_quota"): ("not_met", False),
    ("year", "overall.pci_improved"): ("unknown", None),
}


def indicator(period: str, iid: str) -> Any:
    found = [i for i in report_json(period)["indicators"] if i["id"] == iid]
    assert len(found) == 1, iid
    return found[0]


@pytest.mark.parametrize("period", sorted(CASES))
def test_json_output_follows_the_report_schema(period: str) -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))
    jsonschema.validate(report_json(period), schema)


@pytest.mark.parametrize("period", sorted(CASES))
def test_json_counts_statuses_units_and_missing_facts(period: str) -> None:
    data = report_json(period)
    assert data["period"] == period and data["agency"] is None
    assert data["summary"] == SUMMARY[period]
    assert len(data["indicators"]) == 60
    units = Counter(u["status"] for i in data["indicators"] for u in i["agencies"])
    assert dict(units) == UNIT_STATUSES[period]
    missing = [(i["id"], m["agency"], m["fact"]) for i in data["indicators"] for m in i["missing"]]
    assert missing == MISSING[period]
    treated = [(i["id"], t["agency"], t["fact"]) for i in data["indicators"] for t in i["treated"]]
    assert treated == TREATED[period]


@pytest.mark.parametrize("period,iid", sorted(PINNED))
def test_json_pins_named_indicators(period: str, iid: str) -> None:
    ind = indicator(period, iid)
    assert (ind["status"], ind["value"]) == PINNED[period, iid]


def test_json_ratio_shows_its_terms_and_its_breakdown() -> None:
    ind = indicator("q1", "procedures.on_time")
    assert ind["explanation"]["terms"] == [
        {"formula": "sum(dossiers_settled_early)", "value": 43136},
        {"formula": "sum(dossiers_on_time)", "value": 28912},
        {"formula": "sum(dossiers_in_process_within_limit)", "value": 2896},
        {"formula": "sum(dossiers_received)", "value": 75154}]
    assert ind["coverage"] == {"expected": 236, "reported": 236, "missing_agencies": []}
    units = {u["agency"]: u for u in ind["agencies"]}
    assert len(units) == 32  # 20 provincial agencies and 12 districts (with their communes)
    below = {a: u["value"] for a, u in units.items() if u["status"] != "met"}
    assert below == {"muong_la": 0.9897665494, "song_ma": 0.9893801474}
    assert units["muong_la"] == {"agency": "muong_la", "status": "not_met",
                                 "value": 0.9897665494, "missing": [], "treated": []}


def test_json_unknown_unit_lists_what_its_communes_did_not_report() -> None:
    ind = indicator("q1", "digital_government.e_documents_signed")
    gap = [{"agency": "quynh_nhai_muong_gion", "fact": "outgoing_docs"},
           {"agency": "quynh_nhai_muong_gion", "fact": "outgoing_docs_e_signed"}]
    assert ind["missing"] == gap
    assert ind["coverage"] == {"expected": 236, "reported": 235,
                               "missing_agencies": ["quynh_nhai_muong_gion"]}
    unknown = [u for u in ind["agencies"] if u["status"] == "unknown"]
    assert unknown == [{"agency": "quynh_nhai", "status": "unknown", "value": None,
                        "missing": gap, "treated": []}]


def test_json_not_measured_indicator_says_why() -> None:
    ind = indicator("q1", "overall.sipas")
    assert ind["reasons"] == ["sipas_index is not reported in this period",
                              "sipas_top_group is not reported in this period"]
    assert ind["agencies"] == [] and ind["missing"] == []


def test_cli_json_equals_library_to_dict() -> None:
    import datetime as dt

    import engine

    plan = engine.load_plan(PLAN)
    facts = engine.load_facts(plan, ["examples/2023/q1"])
    report = engine.evaluate(plan, facts, period="q1", as_of=dt.date(2023, 3, 14))
    _, out, _ = run("evaluate", PLAN, *CASES["q1"], "--format", "json")
    assert json.loads(out) == report.to_dict()


def test_fail_on_exits_1_only_when_a_listed_status_occurs() -> None:
    code, _, _ = run("evaluate", PLAN, *CASES["q1"], "--fail-on", "not_met,unknown")
    assert code == 1
    code, _, _ = run("evaluate", PLAN, *CASES["q1"], "--area", "overall", "--fail-on",
                     "not_met,unknown")
    assert code == 0
    code, _, err = run("evaluate", PLAN, *CASES["q1"], "--fail-on", "late")
    assert code == 2 and "không có trạng thái late" in err  # Vietnamese by default
    code, _, err = run("evaluate", PLAN, *CASES["q1"], "--fail-on", "late", "--lang", "en")
    assert code == 2 and "unknown status late" in err


def test_fail_on_says_which_indicators_tripped_it() -> None:
    code, out, err = run("evaluate", "--lang", "en", PLAN, *CASES["q1"], "--format", "json",
        "--fail-on",
                         "unknown,not_met")
    assert code == 1
    report = json.loads(out)  # stdout stays the report alone
    tripped = [(i["id"], i["status"]) for i in report["indicators"]
               if i["status"] in ("not_met", "unknown")]
    assert len(tripped) > 1
    lines = err.splitlines()
    assert lines[0] == (f"--fail-on not_met,unknown: {len(tripped)} of "
                        f"{len(report['indicators'])} indicators have a listed status:")
    assert [tuple(line.split()) for line in lines[1:]] == tripped
    code, _, err = run("evaluate", "--lang", "en", PLAN, *CASES["q1"], "--fail-on",
        "not_met,unknown",
                       "--area", "overall")
    assert (code, err) == (0, "")


def test_invalid_input_exits_2_with_nothing_on_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: son-la-cchc-2023\nperiod: q1\nagencies:\n  snv:\n"
                   "    dossiers_received: 1.200\n", encoding="utf-8")
    code, out, err = run("evaluate", "--lang", "en", PLAN, str(bad), "--period", "q1")
    assert code == 2 and out == ""
    assert f"{bad}:5:24: error[" in err
    code, out, err = run("evaluate", "--lang", "en", PLAN, *CASES["q1"][:1], "--period", "q5")
    assert code == 2 and out == "" and "unknown period 'q5'" in err


def test_agency_filter_keeps_only_its_indicators() -> None:
    code, out, _ = run("evaluate", PLAN, *CASES["q1"], "--agency", "muong_la_hua_trai",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["indicators"]
    for ind in data["indicators"]:
        assert [a["agency"] for a in ind["agencies"]] in (["muong_la"], ["muong_la_hua_trai"], [])


@pytest.mark.parametrize("indicator,agency,lang", [("procedures.on_time", None, "vi"),
                                                   ("procedures.on_time", "muong_la", "vi"),
                                                   ("procedures.on_time", "muong_la", "en"),
                                                   ("implementation.reports_on_time", None, "vi"),
                                                   ("implementation.reports_on_time", None, "en")])
def test_explain(golden: object, indicator: str, agency: str | None, lang: str) -> None:
    """Every line in one language: Vietnamese words, numbers and dates by default (agencies by
    name), English with --lang en."""
    extra = ["--agency", agency] if agency else []
    code, out, err = run("explain", PLAN, "examples/2023/q1", indicator, "--period", "q1",
                         "--lang", lang, *extra)
    assert code == 0, err
    suffix = ("-" + agency if agency else "") + ("-en" if lang == "en" else "")
    golden(f"explain/{indicator}{suffix}.txt", out)  # type: ignore[operator]


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "json"])
def test_graph(golden: object, fmt: str) -> None:
    code, out, _ = run("graph", PLAN, "--format", fmt, "--indicator", "procedures.late_apologies")
    assert code == 0
    golden(f"graph/late_apologies.{fmt}", out)  # type: ignore[operator]


def test_evaluate_narrowed_to_an_agency_shows_its_own_results(golden: object) -> None:
    code, out, err = run("evaluate", PLAN, *CASES["q1"], "--agency", "muong_la")
    assert code == 0, err
    assert "Cơ quan: Huyện Mường La" in out
    golden("evaluate/q1-table-vi-muong_la.txt", out)  # type: ignore[operator]
