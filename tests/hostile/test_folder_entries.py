"""Hostile entries of a facts folder: names that carry terminal escapes, bidirectional overrides,
line breaks or bytes that are not UTF-8, and folders of thousands of entries. Each is named (W68x)
without sending a control character to the terminal, in text and in JSON, and a big folder is
listed in a time that does not grow with what it holds."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
PLAN = str(ROOT / "tests" / "data" / "status" / "plan.yaml")
SNV = "plan: status-2023\nperiod: q1\nagencies:\n  snv:\n    received: 10\n"
NAMES = ["\x1b[2Jclear.txt", "\u202elmay.txt", "line\nbreak.md", "~$\x07bell.xlsx"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    q1 = Path("q1")
    q1.mkdir()
    (q1 / "snv.yaml").write_text(SNV, encoding="utf-8")
    for name in NAMES:
        (q1 / name).write_bytes(b"x")
    (q1 / os.fsdecode(b"\xff\xfe.csv.bak")).write_bytes(b"x")
    return q1


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args[:1], "--lang", "en", *args[1:]],
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _raw(text: str) -> list[str]:
    """The control and formatting characters of ``text`` other than line breaks."""
    return [c for c in text if c != "\n" and (ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0
                                              or c in "\u202e\u2066" or 0xdc80 <= ord(c) < 0xdd00)]


@pytest.mark.parametrize("command", ["evaluate", "status"])
def test_names_are_shown_written_out(folder: Path, command: str) -> None:
    code, out, err = run(command, PLAN, "q1", "--period", "q1", "--as-of", "2023-03-20")
    assert code == 0
    assert _raw(err) == [] and _raw(out) == []
    headers = [line for line in err.splitlines() if "warning[W68" in line]
    assert len(headers) == len(NAMES) + 1
    assert "q1/\\x1b[2Jclear.txt: warning[W680]" in err
    assert "q1/\\u202elmay.txt: warning[W680]" in err
    assert "q1/line\\nbreak.md: warning[W680]" in err
    assert "q1/~$\\x07bell.xlsx: warning[W681]: not read: the lock file an office program " \
           "keeps while '\\x07bell.xlsx' is open" in err
    assert "q1/\\udcff\\udcfe.csv.bak: warning[W680]" in err


def test_json_diagnostics_are_escaped(folder: Path) -> None:
    code, out, err = run("status", PLAN, "q1", "--period", "q1", "--format", "json", "--strict")
    assert (code, err) == (2, "")
    assert _raw(out) == []
    files = [d["file"] for d in json.loads(out)["diagnostics"]]
    assert "q1/\x1b[2Jclear.txt" in files and "q1/line\nbreak.md" in files


def test_a_folder_of_thousands_of_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    q1 = Path("q1")
    q1.mkdir()
    (q1 / "snv.yaml").write_text(SNV, encoding="utf-8")
    for i in range(5000):
        (q1 / f"scan-{i:05d}.pdf").write_bytes(b"")
    start = time.perf_counter()
    code, out, err = run("status", PLAN, "q1", "--period", "q1", "--as-of", "2023-03-20",
                         "--format", "json")
    assert code == 0
    assert time.perf_counter() - start < 20
    assert len(json.loads(out)["warnings"]) == 5000
    assert err.count("warning[W680]") == 5000
