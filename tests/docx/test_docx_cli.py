"""`cchc evaluate --format docx -o FILE`: the annex written to a file, atomically, the same
bytes as the library's; never to standard output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import engine
from engine.cli import main
from engine.report_docx import render_docx

from .outline import open_docx

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
ARGS = [str(DATA / "plan.yaml"), str(DATA / "q1.yaml"), "--period", "q1"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_writes_the_annex_to_the_file(tmp_path: Path) -> None:
    out = tmp_path / "annex.docx"
    result = run("evaluate", *ARGS, "--format", "docx", "-o", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    plan = engine.load_plan(DATA / "plan.yaml")
    report = engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1")
    assert out.read_bytes() == render_docx(report)
    assert os.listdir(tmp_path) == ["annex.docx"]  # no temporary file left behind
    doc = open_docx(out.read_bytes())
    assert doc.paragraphs[0].text == "PHỤ LỤC"


def test_english_annex_of_the_2023_examples(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "annex-en.docx"
    result = run("evaluate", "plans/2023.yaml", "examples/2023/q1", "--period", "q1",
                 "--format", "docx", "--lang", "en", "-o", str(out), "--fail-on", "not_met")
    assert result.exit_code == 1  # --fail-on still decides the exit status, after writing
    assert "--fail-on not_met:" in result.stderr
    doc = open_docx(out.read_bytes())
    assert doc.paragraphs[0].text == "ANNEX"
    assert len(doc.tables[1].rows) == 1 + len(engine.load_plan("plans/2023.yaml").indicators) \
        + sum(1 for a in engine.load_plan("plans/2023.yaml").areas.values() if a.indicators)


def test_refuses_to_write_a_word_document_to_standard_output(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("evaluate", "--lang", "en", *ARGS, "--format", "docx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--format docx writes a Word document, which is not text for a terminal or a " \
           "pipe: name the file with -o FILE.docx" in result.stderr
    assert os.listdir(tmp_path) == []


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "annex.docx"
    out.write_bytes(b"the officer's own annex")
    result = run("evaluate", "--lang", "en", *ARGS, "--format", "docx", "-o", str(out))
    assert result.exit_code == 2
    assert f"error: '{out}' already exists; use --force to overwrite it" in result.stderr
    assert out.read_bytes() == b"the officer's own annex"
    result = run("evaluate", "--lang", "en", *ARGS, "--format", "docx", "-o", str(out), "--force")
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"PK")


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "annex.docx"
    result = run("evaluate", "--lang", "en", *ARGS[:2], "--period", "q5", "--format", "docx", "-o",
        str(out))
    assert result.exit_code == 2
    assert "--period: error[E620]: unknown period 'q5'" in result.stderr
    assert not out.exists()


def test_a_folder_that_does_not_exist_is_said(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "annex.docx"
    result = run("evaluate", "--lang", "en", *ARGS, "--format", "docx", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write '{out}': ")


def test_text_formats_go_to_the_file_too(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = run("evaluate", *ARGS, "--format", "markdown", "-o", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_text("utf-8").startswith("# Kế hoạch cải cách hành chính tỉnh Mẫu năm 2023")
