"""Nothing in a facts folder is skipped in silence: every entry is read or named with why it is
not (W680-W684), by the library and on stderr; ``--strict`` makes them errors; the JSON report
lists the files read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import main
from engine.diagnostics import FactsError
from engine.facts import load_facts
from engine.files import FACT_FILES
from engine.model import Plan

SNV = "plan: status-2023\nperiod: q1\nagencies:\n  snv:\n    received: 10\n    on_time: 9\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A facts folder as officers' folders are: one fact file among everything else."""
    monkeypatch.chdir(tmp_path)
    q1 = Path("q1")
    q1.mkdir()
    (q1 / "snv.yaml").write_text(SNV, encoding="utf-8")
    for name in ("README.md", "~$stp.xlsx", ".~lock.stp.ods#", ".notes.yaml", "ghi chú.docx",
                 "stp.numbers", ".DS_Store", "Thumbs.db", "desktop.ini", "._snv.yaml",
                 ".gitkeep"):
        (q1 / name).write_bytes(b"x")
    (q1 / "huyen").mkdir()
    (q1 / "huyen" / "huyen_a.yaml").write_text(SNV.replace("snv", "huyen_a"), encoding="utf-8")
    (q1 / "__MACOSX").mkdir()
    os.symlink("gone.yaml", q1 / "link.yaml")
    return q1


EXPECTED = [
    ("W682", "q1/.notes.yaml"),
    ("W681", "q1/.~lock.stp.ods#"),
    ("W680", "q1/README.md"),
    ("W680", "q1/ghi chú.docx"),
    ("W683", "q1/huyen"),
    ("W680", "q1/link.yaml"),
    ("W684", "q1/stp.numbers"),
    ("W681", "q1/~$stp.xlsx"),
]


def test_every_entry_is_read_or_named(plan: Plan, folder: Path) -> None:
    facts = load_facts(plan, folder, period="q1")
    assert facts.files == ("q1/snv.yaml",)
    assert [(d.code, d.file, d.severity) for d in facts.warnings] == [
        (code, file, "warning") for code, file in EXPECTED]
    # operating-system files (.DS_Store, Thumbs.db, desktop.ini, ._*, __MACOSX, .gitkeep) are
    # the documented exceptions: never data, never named
    assert not {d.file for d in facts.warnings} & {"q1/.DS_Store", "q1/Thumbs.db",
                                                   "q1/desktop.ini", "q1/._snv.yaml",
                                                   "q1/__MACOSX", "q1/.gitkeep"}


def test_the_words_of_each_reason(plan: Plan, folder: Path) -> None:
    warnings = {d.file: d for d in load_facts(plan, folder, period="q1").warnings}
    lock = warnings["q1/~$stp.xlsx"]
    assert lock.message == ("not read: the lock file an office program keeps while 'stp.xlsx' "
                            "is open")
    assert lock.help == ("save and close 'stp.xlsx' (the lock file goes with it); if it stays "
                         "after the program is closed, delete it")
    assert warnings["q1/.~lock.stp.ods#"].message.endswith("while 'stp.ods' is open")
    assert warnings["q1/README.md"].message == (
        "not read: a '.md' file is not a fact file (fact files end in "
        f"{FACT_FILES.endings})")
    assert warnings["q1/huyen"].help == ("to read the files in it too, name it as well: "
                                         "cchc evaluate PLAN FOLDER q1/huyen")
    assert warnings["q1/stp.numbers"].help == ("open it and save it as 'Excel Workbook (.xlsx)', "
                                               "in this folder")
    assert warnings["q1/.notes.yaml"].help == ("if it is a fact file, rename it without the "
                                               "dot; otherwise move it out of the folder")


@pytest.mark.parametrize("suffix", [".et", ".xlsm"])
def test_spreadsheets_not_read_say_how_to_save_them(plan: Plan, tmp_path: Path,
                                                    suffix: str) -> None:
    (tmp_path / "snv.yaml").write_text(SNV, encoding="utf-8")
    (tmp_path / ("stp" + suffix)).write_bytes(b"x")
    [d] = load_facts(plan, tmp_path, period="q1").warnings
    assert (d.code, d.message) == (
        "W684", f"not read: a {suffix} spreadsheet, a format cchc does not read")


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_old_spreadsheets_in_a_folder_are_refused_not_passed_over(plan: Plan, tmp_path: Path,
                                                                  suffix: str) -> None:
    """.xls and .ods are fact files the reader refuses (E660, with how to save as .xlsx): an
    error that stops the load, never a warning a scheduled run could miss."""
    (tmp_path / "snv.yaml").write_text(SNV, encoding="utf-8")
    (tmp_path / ("stp" + suffix)).write_bytes(b"x")
    with pytest.raises(FactsError) as caught:
        load_facts(plan, tmp_path, period="q1")
    assert [d.code for d in caught.value.diagnostics if d.severity == "error"] == ["E660"]


def test_a_folder_with_no_fact_file_names_what_it_holds(plan: Plan, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("q1").mkdir()
    Path("q1/snv.numbers").write_bytes(b"x")
    with pytest.raises(FactsError) as err:
        load_facts(plan, "q1", period="q1")
    assert [(d.code, d.severity, d.file) for d in err.value.diagnostics] == [
        ("E600", "error", "q1"), ("W684", "warning", "q1/snv.numbers")]


def test_a_fifo_is_named_not_waited_on(plan: Plan, folder: Path) -> None:
    os.mkfifo(folder / "pipe.csv")
    found = [d for d in load_facts(plan, folder, period="q1").warnings
             if d.file == "q1/pipe.csv"]
    assert [(d.code, d.message) for d in found] == [
        ("W680", "not read: not a regular file (a link to nothing, a device or a pipe)")]


def test_files_named_on_the_command_line_are_not_warned_about(plan: Plan, folder: Path) -> None:
    facts = load_facts(plan, [folder / "snv.yaml", folder / "huyen"], period="q1")
    assert facts.warnings == ()
    assert facts.files == ("q1/snv.yaml", "q1/huyen/huyen_a.yaml")


def test_a_case_folder_still_leaves_other_files_out_silently(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    from engine.diagnostics import Collector
    from engine.files import CASE_FILES, expand

    collector = Collector()
    assert expand(tmp_path, CASE_FILES, collector) == [tmp_path / "a.yaml"]
    assert collector.diagnostics == []


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------

PLAN = str(Path(__file__).resolve().parents[2] / "tests" / "data" / "status" / "plan.yaml")


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _headers(err: str) -> list[tuple[str, str]]:
    out = []
    for line in err.splitlines():
        if "[W68" in line:
            file, rest = line.split(": ", 1)
            out.append((rest.split("[", 1)[1][:4], file))
    return out


def test_evaluate_names_them_on_stderr(folder: Path) -> None:
    code, out, err = cli("evaluate", PLAN, "q1", "--period", "q1")
    assert code == 0
    assert _headers(err) == EXPECTED
    assert all(": warning[W68" in line for line in err.splitlines()
               if "[W68" in line)
    assert "W68" not in out


def test_evaluate_strict_refuses_them(folder: Path) -> None:
    code, out, err = cli("evaluate", PLAN, "q1", "--period", "q1", "--strict")
    assert (code, out) == (2, "")
    assert _headers(err) == EXPECTED
    assert err.count("error[W68") == len(EXPECTED)


def test_evaluate_strict_json(folder: Path) -> None:
    code, out, err = cli("evaluate", PLAN, "q1", "--period", "q1", "--strict", "--format",
                         "json")
    assert (code, err) == (2, "")
    assert [(d["code"], d["file"], d["severity"]) for d in json.loads(out)["diagnostics"]] == [
        (code, file, "error") for code, file in EXPECTED]


def test_explain_strict_refuses_them(folder: Path) -> None:
    code, _, err = cli("explain", PLAN, "q1", "procedures.on_time", "--period", "q1",
                       "--strict")
    assert code == 2
    assert _headers(err) == EXPECTED
    assert cli("explain", PLAN, "q1", "procedures.on_time", "--period", "q1")[0] == 0


def test_the_json_report_lists_the_files_read(folder: Path) -> None:
    Path("stp.csv").write_text("agency,fact,value\nstp,received,3\n", encoding="utf-8")
    code, out, _ = cli("evaluate", PLAN, "q1", "stp.csv", "--period", "q1", "--format", "json")
    assert code == 0
    assert json.loads(out)["files"] == ["q1/snv.yaml", "stp.csv"]


def test_the_report_of_facts_in_memory_lists_no_file(plan: Plan) -> None:
    report = engine.evaluate(plan, {"snv": {"received": 1}}, period="q1")
    assert report.files == ()
    assert report.to_dict()["files"] == []


def test_every_code_is_explained_in_the_docs() -> None:
    import re

    from engine import messages

    page = (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text("utf-8")
    section = page.split("## Files of a facts folder that are not read (W68x)", 1)[1]
    explained = set(re.findall(r"^### (W68\d):", section.split("\n## ", 1)[0], re.M))
    raised = set(re.findall(r"``(W68\d)``", messages.skipped_file.__doc__ or ""))
    assert explained == raised == {"W680", "W681", "W682", "W683", "W684"}
