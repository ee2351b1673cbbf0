"""`cchc evaluate --format html`: the page the library renders, to a file (-o) or to standard
output, never over an existing file without --force, and nothing written on invalid input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
PLAN = str(ROOT / "tests" / "data" / "report" / "plan.yaml")
FACTS = str(ROOT / "tests" / "data" / "report" / "q1.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _library(lang: str) -> str:
    plan = engine.load_plan(PLAN)
    report = engine.evaluate(plan, engine.load_facts(plan, [FACTS]), period="q1",
                             as_of=dt.date(2023, 3, 14))
    return engine.render_html(report, lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_to_a_file_is_the_library_page(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "report.html"
    code, stdout, stderr = run("evaluate", PLAN, FACTS, "--period", "q1", "--as-of",
                               "2023-03-14", "--format", "html", "--lang", lang, "-o", str(out))
    assert (code, stdout, stderr) == (0, "", "")
    assert out.read_bytes().decode("utf-8") == _library(lang)


def test_html_to_standard_output() -> None:
    code, stdout, _ = run("evaluate", PLAN, FACTS, "--period", "q1", "--format", "html")
    assert code == 0
    assert stdout == _library("vi")


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("mine", encoding="utf-8")
    args = ["evaluate", PLAN, FACTS, "--period", "q1", "--format", "html", "-o", str(out)]
    code, stdout, stderr = run(*args, "--lang", "en")
    assert (code, stdout) == (2, "")
    assert stderr == f"error: '{out}' already exists; use --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "mine"
    assert run(*args, "--force")[0] == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_invalid_input_writes_no_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, stdout, stderr = run("evaluate", "--lang", "en", PLAN, FACTS, "--period", "q5",
        "--format", "html",
                               "-o", str(out))
    assert (code, stdout) == (2, "")
    assert stderr.startswith("--period: error[E620]: unknown period 'q5'")
    assert not out.exists()


def test_fail_on_still_exits_1_after_writing_the_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _, stderr = run("evaluate", "--lang", "en", PLAN, FACTS, "--period", "q1", "--format",
        "html",
                          "-o", str(out), "--fail-on", "unknown")
    assert code == 1 and out.exists()
    assert stderr.startswith("--fail-on unknown: 1 of 4 indicators has a listed status:")
