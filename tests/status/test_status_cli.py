"""`cchc status`: formats, exit codes, `--fail-on`, `--strict`, `-o`, and errors of the call."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from engine.cli import main

from .conftest import Q1

PLAN = "tests/data/status/plan.yaml"
ARGS = [PLAN, Q1, "--period", "q1", "--as-of", "2023-03-20"]
WARNINGS = [
    "tests/data/status/q1/~$huyen-b.xlsx: warning[W681]: not read: the lock file an office "
    "program keeps while 'huyen-b.xlsx' is open",
    "  = note: while 'huyen-b.xlsx' is open, what is read from it is what was last saved, not "
    "what is on the screen",
    "  = help: save and close 'huyen-b.xlsx' (the lock file goes with it); if it stays after "
    "the program is closed, delete it",
]
#: The same warning as the command prints it by default, in Vietnamese.
WARNINGS_VI = [
    "tests/data/status/q1/~$huyen-b.xlsx: warning[W681]: không đọc: tệp khóa mà chương trình "
    "văn phòng tạo ra khi 'huyen-b.xlsx' đang mở",
    "  = note: khi 'huyen-b.xlsx' đang mở, nội dung được đọc là bản lưu gần nhất, không phải "
    "những gì trên màn hình",
    "  = help: hãy lưu và đóng 'huyen-b.xlsx' (tệp khóa sẽ mất theo); nếu tệp khóa vẫn còn sau "
    "khi đóng chương trình, hãy xóa nó",
]


def run(*args: str, columns: str = "80") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["status", *args], env={"COLUMNS": columns},
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_table_fits_the_terminal(golden) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(*ARGS)
    assert code == 0
    golden("status/small-table-vi-80.txt", out)
    assert err.splitlines() == WARNINGS_VI
    code, out, _ = run(*ARGS, "--lang", "en", columns="120")
    golden("status/small-table-en-120.txt", out)


@pytest.mark.parametrize(("fmt", "name"), [("markdown", "small-markdown-vi.md"),
                                           ("json", "small.json"), ("csv", "small-vi.csv")])
def test_formats(golden, fmt: str, name: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(*ARGS, "--format", fmt)
    assert code == 0
    golden(f"status/{name}", out)
    assert err.splitlines() == WARNINGS_VI  # stdout stays the document; warnings go to stderr


def test_fail_on_lists_the_agencies_on_stderr() -> None:
    code, out, err = run(*ARGS, "--fail-on", "invalid,missing")
    assert code == 1
    assert out.startswith("Kế hoạch CCHC thử nghiệm năm 2023\n")
    assert err.splitlines()[len(WARNINGS_VI):] == [
        "--fail-on missing,invalid: 4 trên 9 cơ quan ở trạng thái đã nêu:",
        "  cong_an  missing, late",
        "  huyen_b  missing, late",
        "  xa_a2    partial, invalid, late",
        "  xa_b2    missing, late",
    ]


def test_fail_on_late_is_not_tripped_before_the_due_date() -> None:
    code, _, err = run(PLAN, Q1, "--period", "q1", "--as-of", "2023-03-14", "--fail-on", "late")
    assert (code, err.splitlines()) == (0, WARNINGS_VI)


def test_fail_on_an_unknown_state_is_a_usage_error() -> None:
    code, out, err = run(*ARGS, "--fail-on", "missing,absent")
    assert (code, out) == (2, "")
    assert "--fail-on: không có tình trạng absent (chọn một trong: missing, partial, " \
           "invalid, late)" in err


def test_strict_makes_the_files_not_read_errors() -> None:
    code, out, err = run("--lang", "en", *ARGS, "--strict")
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (
        "tests/data/status/q1/~$huyen-b.xlsx: error[W681]: not read: the lock file an office "
        "program keeps while 'huyen-b.xlsx' is open")
    assert "  = note: a warning, made an error by --strict" in err.splitlines()


def test_strict_with_json_prints_the_diagnostics_as_json() -> None:
    code, out, err = run(*ARGS, "--strict", "--format", "json")
    assert (code, err) == (2, "")
    assert [(d["code"], d["severity"]) for d in json.loads(out)["diagnostics"]] == [
        ("W681", "error")]


def test_a_folder_without_entries_to_skip_prints_nothing_on_stderr(tmp_path: Path) -> None:
    code, out, err = run(PLAN, str(tmp_path), "--period", "q1", "--as-of", "2023-01-02",
                         "--strict", "--lang", "en")
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "Read 0 files",
        "Summary: complete 0, partial 0, missing 9 (9 agencies report in this period)"]


@pytest.mark.parametrize(("args", "first"), [
    (["--period", "q5"], "--period: error[E620]: unknown period 'q5'"),
    (["--period", "q1", "--as-of", "20/03/2023"], "--as-of: error[E803]: '20/03/2023' is not "
                                                  "a date"),
])
def test_bad_options_are_diagnostics(args: list[str], first: str) -> None:
    code, out, err = run("--lang", "en", PLAN, Q1, *args)
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == first


def test_a_missing_path_is_an_error_in_json_too() -> None:
    code, out, err = run(PLAN, "tests/data/status/q9", "--period", "q1", "--format", "json")
    assert (code, err) == (2, "")
    [d] = json.loads(out)["diagnostics"]
    assert (d["code"], d["file"]) == ("E600", "tests/data/status/q9")


def test_xlsx_needs_an_output_file() -> None:
    code, out, err = run("--lang", "en", *ARGS, "--format", "xlsx")
    assert (code, out) == (2, "")
    assert err == ("error: --format xlsx writes an Excel workbook, which is not text for a "
                   "terminal or a pipe: name the file with -o FILE.xlsx\n")


def test_xlsx_is_written_to_the_output_file(tmp_path: Path) -> None:
    target = tmp_path / "status.xlsx"
    code, out, _ = run(*ARGS, "--format", "xlsx", "-o", str(target))
    assert (code, out) == (0, "")
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames == ["Tình hình báo cáo", "Lỗi và cảnh báo"]
    code, _, err = run("--lang", "en", *ARGS, "--format", "xlsx", "-o", str(target))
    assert code == 2
    assert err.splitlines()[-1] == f"error: '{target}' already exists; use --force to " \
                                   "overwrite it"
    assert run(*ARGS, "--format", "xlsx", "-o", str(target), "--force")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status.xlsx"]


def test_text_formats_can_be_written_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "status.md"
    code, out, _ = run(*ARGS, "--format", "markdown", "-o", str(target))
    assert (code, out) == (0, "")
    assert target.read_text("utf-8").startswith("# Kế hoạch CCHC thử nghiệm năm 2023\n")


def test_csv_written_to_a_file_starts_with_a_byte_order_mark(tmp_path: Path) -> None:
    target = tmp_path / "status.csv"
    assert run(*ARGS, "--format", "csv", "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfagency,name,kind,")
    assert not run(*ARGS, "--format", "csv")[1].startswith("\ufeff")


def test_an_output_folder_that_does_not_exist_is_said(tmp_path: Path) -> None:
    target = tmp_path / "no" / "status.xlsx"
    code, _, err = run("--lang", "en", *ARGS, "--format", "xlsx", "-o", str(target))
    assert code == 2
    assert err.splitlines()[-1] == f"error: cannot write '{target}': No such file or directory"
