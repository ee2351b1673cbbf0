"""``cchc evaluate --format xlsx -o FILE``, ``-o`` for the other formats, and the byte order
mark of CSV files (``--bom/--no-bom``; by default in a file, not on standard output)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import engine
from engine.cli import main
from engine.facts import load_facts
from engine.render import render_csv, render_json, render_markdown, render_table
from engine.render_xlsx import render_xlsx
from engine.report import Report

from .conftest import ROOT, open_workbook

PLAN = str(ROOT / "plans" / "2023.yaml")
FACTS = str(ROOT / "examples" / "2023" / "q1")
BOM = b"\xef\xbb\xbf"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def evaluate(*args: str) -> Result:
    return run("evaluate", PLAN, FACTS, "--period", "q1", *args)


def test_xlsx_is_written_to_the_file_given(tmp_path: Path, report: Report) -> None:
    out = tmp_path / "báo cáo q1.xlsx"
    result = evaluate("--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b""
    assert out.read_bytes() == render_xlsx(report)  # the library's bytes, nothing else
    assert open_workbook(out.read_bytes()).sheetnames == ["Tổng hợp", "Chỉ tiêu", "Theo cơ quan"]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_xlsx_in_english(tmp_path: Path, report: Report) -> None:
    out = tmp_path / "q1.xlsx"
    assert evaluate("--format", "xlsx", "--lang", "en", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == render_xlsx(report, "en")


def test_xlsx_without_a_file_is_refused(tmp_path: Path) -> None:
    result = evaluate("--lang", "en", "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    assert result.stderr == ("error: --format xlsx writes an Excel workbook, which is not text "
                             "for a terminal or a pipe: name the file with -o FILE.xlsx\n")
    assert "Traceback" not in result.output


def test_an_existing_file_is_kept_unless_force(tmp_path: Path, report: Report) -> None:
    out = tmp_path / "q1.xlsx"
    out.write_bytes(b"old")
    result = evaluate("--lang", "en", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 2
    assert f"error: '{out}' already exists; use --force to overwrite it" in result.stderr
    assert out.read_bytes() == b"old"
    assert evaluate("--format", "xlsx", "-o", str(out), "--force").exit_code == 0
    assert out.read_bytes() == render_xlsx(report)


def test_invalid_input_writes_no_file(tmp_path: Path) -> None:
    out = tmp_path / "q1.xlsx"
    result = run("evaluate", "--lang", "en", PLAN, FACTS, "--period", "q5", "--format", "xlsx",
        "-o", str(out))
    assert result.exit_code == 2
    assert "--period: error[E620]: unknown period 'q5'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_fail_on_still_exits_1_after_writing_the_workbook(tmp_path: Path) -> None:
    out = tmp_path / "q1.xlsx"
    result = evaluate("--format", "xlsx", "-o", str(out), "--fail-on", "unknown")
    assert result.exit_code == 1
    assert "--fail-on unknown:" in result.stderr
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_text_formats_go_to_the_file_as_they_print(tmp_path: Path, fmt: str,
                                                   report: Report) -> None:
    out = tmp_path / f"q1.{fmt}"
    result = evaluate("--format", fmt, "-o", str(out))
    assert result.exit_code == 0 and result.output == ""
    expected = {"table": render_table(report, "vi"), "json": render_json(report),
                "markdown": render_markdown(report, "vi")}[fmt]
    assert out.read_bytes() == expected.encode("utf-8")  # no colour, no byte order mark
    assert evaluate("--format", fmt).stdout_bytes == expected.encode("utf-8")


def test_csv_in_a_file_starts_with_a_byte_order_mark(tmp_path: Path, report: Report) -> None:
    out = tmp_path / "q1.csv"
    assert evaluate("--format", "csv", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data[:3] == BOM and data[3:] == render_csv(report).encode("utf-8")
    assert data.decode("utf-8-sig").startswith("id,area,status,")
    assert render_csv(report, bom=True) == "\ufeff" + render_csv(report)


def test_csv_on_standard_output_has_no_byte_order_mark_unless_asked(report: Report) -> None:
    plain = evaluate("--format", "csv")
    assert plain.exit_code == 0 and plain.stdout_bytes == render_csv(report).encode("utf-8")
    asked = evaluate("--format", "csv", "--bom")
    assert asked.stdout_bytes == BOM + plain.stdout_bytes


def test_no_bom_in_a_file_when_told(tmp_path: Path, report: Report) -> None:
    out = tmp_path / "q1.csv"
    assert evaluate("--format", "csv", "-o", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes() == render_csv(report).encode("utf-8")


@pytest.mark.parametrize("flag", ["--bom", "--no-bom"])
@pytest.mark.parametrize("fmt", ["table", "json", "xlsx"])
def test_bom_is_for_csv_only(tmp_path: Path, flag: str, fmt: str) -> None:
    result = evaluate("--format", fmt, flag, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"Error: {flag} applies to --format csv only" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_csv_template_in_a_file_has_a_bom_and_loads_back_filled(tmp_path: Path) -> None:
    plan = engine.load_plan(PLAN)
    out = tmp_path / "snv.csv"
    result = run("template", PLAN, "--period", "q1", "--agency", "snv", "--format", "csv",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data[:3] == BOM
    stdout = run("template", PLAN, "--period", "q1", "--agency", "snv", "--format", "csv")
    assert stdout.stdout_bytes == data[3:]
    assert run("template", PLAN, "--period", "q1", "--agency", "snv", "--format", "csv",
               "--bom").stdout_bytes == data
    # filled in (a value for the first fact), it is read like any fact file: the mark skipped
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    counted = next(row for row in rows[1:] if plan.facts[row[2]].type == "count")
    counted[4] = "12"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    out.write_bytes(BOM + text.getvalue().encode("utf-8"))
    facts = load_facts(plan, [str(out)], period="q1")
    assert facts.values["snv"] == {counted[2]: 12}
    assert run("template", PLAN, "--period", "q1", "--bom").exit_code == 2  # YAML has none


def test_template_refuses_bom_for_yaml() -> None:
    from engine.template import template

    plan = engine.load_plan(PLAN)
    with pytest.raises(ValueError, match="bom=True is for a CSV template"):
        template(plan, "q1", "snv", "yaml", bom=True)
    assert template(plan, "q1", "snv", "csv", bom=True) == "\ufeff" + template(
        plan, "q1", "snv", "csv")
