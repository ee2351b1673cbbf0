"""`cchc evaluate`, `explain` and `graph` on the shipped 2023 examples, pinned by golden files."""

from __future__ import annotations

import json
from pathlib import Path

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


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("period", sorted(CASES))
@pytest.mark.parametrize("fmt,lang", [("table", "vi"), ("table", "en"), ("markdown", "vi"),
                                      ("csv", "vi"), ("json", "vi")])
def test_evaluate_examples_every_format(golden: object, period: str, fmt: str,
                                        lang: str) -> None:
    code, out, err = run("evaluate", PLAN, *CASES[period], "--format", fmt, "--lang", lang)
    assert code == 0, err
    ext = {"table": "txt", "markdown": "md", "csv": "csv", "json": "json"}[fmt]
    golden(f"evaluate/{period}-{fmt}-{lang}.{ext}", out)  # type: ignore[operator]


def test_json_output_follows_the_report_schema() -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))
    for args in CASES.values():
        code, out, _ = run("evaluate", PLAN, *args, "--format", "json")
        assert code == 0
        jsonschema.validate(json.loads(out), schema)


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
    assert code == 2 and "unknown status late" in err


def test_fail_on_says_which_indicators_tripped_it() -> None:
    code, out, err = run("evaluate", PLAN, *CASES["q1"], "--format", "json", "--fail-on",
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
    code, _, err = run("evaluate", PLAN, *CASES["q1"], "--fail-on", "not_met,unknown",
                       "--area", "overall")
    assert (code, err) == (0, "")


def test_invalid_input_exits_2_with_nothing_on_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: son-la-cchc-2023\nperiod: q1\nagencies:\n  snv:\n"
                   "    dossiers_received: 1.200\n", encoding="utf-8")
    code, out, err = run("evaluate", PLAN, str(bad), "--period", "q1")
    assert code == 2 and out == ""
    assert f"{bad}:5:24: error[" in err
    code, out, err = run("evaluate", PLAN, *CASES["q1"][:1], "--period", "q5")
    assert code == 2 and out == "" and "unknown period 'q5'" in err


def test_agency_filter_keeps_only_its_indicators() -> None:
    code, out, _ = run("evaluate", PLAN, *CASES["q1"], "--agency", "muong_la_xa_03",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["indicators"]
    for ind in data["indicators"]:
        assert [a["agency"] for a in ind["agencies"]] in (["muong_la"], ["muong_la_xa_03"], [])


@pytest.mark.parametrize("indicator,agency", [("procedures.on_time", None),
                                              ("procedures.on_time", "muong_la"),
                                              ("implementation.reports_on_time", None)])
def test_explain(golden: object, indicator: str, agency: str | None) -> None:
    extra = ["--agency", agency] if agency else []
    code, out, err = run("explain", PLAN, "examples/2023/q1", indicator, "--period", "q1",
                         *extra)
    assert code == 0, err
    golden(f"explain/{indicator}{'-' + agency if agency else ''}.txt", out)  # type: ignore[operator]


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "json"])
def test_graph(golden: object, fmt: str) -> None:
    code, out, _ = run("graph", PLAN, "--format", fmt, "--indicator", "procedures.late_apologies")
    assert code == 0
    golden(f"graph/late_apologies.{fmt}", out)  # type: ignore[operator]


def test_evaluate_narrowed_to_an_agency_shows_its_own_results(golden: object) -> None:
    code, out, err = run("evaluate", PLAN, *CASES["q1"], "--agency", "muong_la")
    assert code == 0, err
    assert "Cơ quan: Huyện Mường La (muong_la)" in out
    golden("evaluate/q1-table-vi-muong_la.txt", out)  # type: ignore[operator]
