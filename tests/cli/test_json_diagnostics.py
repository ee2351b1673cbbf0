"""With ``--format json`` (``expr --json``), every command prints its diagnostics on stdout as
``{"diagnostics": [...]}`` and nothing on stderr, exit 2 (docs/cli.md); without it, as text on
stderr. Options that name something in the plan fail with the library's codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import engine
from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
PLAN = "plans/2023.yaml"
INVALID = "tests/data/invalid/e402_duplicate_key.yaml"
Q1 = "examples/2023/q1"


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


#: every command that takes --format json (or --json), with arguments that make it fail, and the
#: codes it must report
FAILING: dict[str, tuple[list[str], list[str]]] = {
    "validate": (["validate", INVALID], ["E402"]),
    "indicators": (["indicators", INVALID], ["E402"]),
    "periods": (["periods", INVALID], ["E402"]),
    "agencies": (["agencies", INVALID], ["E402"]),
    "evaluate-plan": (["evaluate", INVALID, Q1, "--period", "q1"], ["E402"]),
    "evaluate-period": (["evaluate", PLAN, Q1, "--period", "q5"], ["E620"]),
    "evaluate-options": (["evaluate", PLAN, Q1, "--period", "q1", "--area", "procedure",
                          "--agency", "snv2", "--as-of", "2023-02-30"],
                         ["E630", "E801", "E803"]),
    "evaluate-facts": (["evaluate", PLAN, "tests/data/facts/diagnostics/e631.yaml", "--period",
                        "q1"], ["E631"]),
    "test": (["test", PLAN, "tests/data/cases/errors.yaml"], []),
    "test-plan": (["test", INVALID, "tests/data/cases/thirty.yaml"], ["E402"]),
    "diff": (["diff", INVALID, PLAN], ["E402"]),
    "graph-plan": (["graph", INVALID], ["E402"]),
    "graph-indicator": (["graph", PLAN, "--indicator", "procedures.on_tme"], ["E802"]),
    "expr": (["expr", "recieved > 0", "--set", "received=1"], ["E201"]),
}


def _as_json(args: list[str]) -> list[str]:
    return [*args, "--json"] if args[0] == "expr" else [*args, "--format", "json"]


@pytest.mark.parametrize("name", sorted(FAILING))
def test_diagnostics_as_json_on_stdout(name: str) -> None:
    args, codes = FAILING[name]
    result = run(*_as_json(args))
    assert (result.exit_code, result.stderr) == (2, "")
    data = json.loads(result.stdout)
    assert list(data) == ["diagnostics"] and data["diagnostics"]
    found = [d["code"] for d in data["diagnostics"]]
    if codes:
        assert found == codes
    for d in data["diagnostics"]:
        assert set(d) == {"code", "severity", "message", "file", "line", "col", "end_line",
                          "end_col", "help", "notes"}


@pytest.mark.parametrize("name", sorted(FAILING))
def test_diagnostics_as_text_on_stderr(name: str) -> None:
    args, codes = FAILING[name]
    result = run(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    headers = [line for line in result.stderr.splitlines() if ": error[E" in line]
    assert headers
    if codes:
        assert [h.split("error[")[1][:4] for h in headers] == codes


def test_json_and_text_carry_the_same_diagnostics() -> None:
    args, _ = FAILING["evaluate-options"]
    text = run(*args).stderr
    data = json.loads(run(*_as_json(args)).stdout)
    assert [f"{d['file']}: error[{d['code']}]: {d['message']}" for d in data["diagnostics"]] == [
        line for line in text.splitlines() if ": error[" in line]


def _library_headers(**kwargs: Any) -> list[str]:
    plan = engine.load_plan(PLAN)
    facts = engine.load_facts(plan, [Q1])
    with pytest.raises(engine.ArgumentError) as caught:
        engine.evaluate(plan, facts, **kwargs)
    return [d.render() for d in caught.value.diagnostics]


@pytest.mark.parametrize(("option", "value", "keyword"), [
    ("--period", "q5", "period"), ("--area", "procedure", "area"), ("--agency", "snv2", "agency"),
    ("--agency", "Sở Nội vụ", "agency"), ("--as-of", "2023-02-30", "as_of"),
])
def test_an_option_fails_as_the_library_argument_does(option: str, value: str,
                                                      keyword: str) -> None:
    """Same code, message and help; only the location differs (the option, not the keyword)."""
    extra = [] if option == "--period" else ["--period", "q1"]
    result = run("evaluate", "--lang", "en", PLAN, Q1, option, value, *extra)
    assert result.exit_code == 2
    library_value: object = value
    kwargs: dict[str, Any] = {"period": "q1", keyword: library_value}
    library = _library_headers(**kwargs)
    assert result.stderr.rstrip("\n").split("\n") == "\n".join(library).replace(
        f"evaluate({keyword}=)", option).split("\n")


def test_as_of_that_is_a_date_passes() -> None:
    result = run("evaluate", PLAN, Q1, "--period", "q1", "--as-of", "2023-03-14",
                 "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["as_of"] == dt.date(2023, 3, 14).isoformat()


def test_explain_checks_its_indicator_and_agency() -> None:
    result = run("explain", "--lang", "en", PLAN, Q1, "procedures.on_tme", "--period", "q1")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("INDICATOR: error[E802]: unknown indicator 'procedures.on_tme'")
    assert "help: did you mean 'procedures.on_time'?" in result.stderr
    result = run("explain", "--lang", "en", PLAN, Q1, "procedures.on_time", "--period", "q1",
        "--agency", "snv2")
    assert result.exit_code == 2
    assert result.stderr.startswith("--agency: error[E630]: unknown agency 'snv2'")


def test_a_usage_error_stays_a_usage_error_in_json() -> None:
    """Click's own errors (an unknown option, a malformed value) are not diagnostics: stderr."""
    result = run("evaluate", PLAN, Q1, "--period", "q1", "--fail-on", "late", "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "không có trạng thái late" in result.stderr
