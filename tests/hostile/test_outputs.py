"""Outputs cannot be turned against their reader, and never end in a traceback (issue 12).

* Terminal escape injection: a control or bidirectional character from a CSV cell, a file name,
  a plan's names or a case name is written out (``\\x1b``, ``\\u202e``) in every output for
  people, with the carets of an excerpt still under the offending text; JSON stays exact.
* Errors for control characters and deep nesting point at their real line and column.
* A date that cannot move a year on, an output name too long, a full disk and a closed pipe each
  end with one clear line and exit status 2.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.cli import main
from engine.diagnostics import ArgumentError, EngineError
from engine.escape import INVISIBLE_CATEGORIES, visible
from engine.yamlout import quoted
from engine.yamlsrc import MAX_DEPTH

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "outputs"
REPORT = ROOT / "tests" / "data" / "report"
HOSTILE = "tests/data/outputs/hostile_names.yaml"
HOSTILE_ABS = str(ROOT / HOSTILE)


def run(*args: str) -> Result:
    """``cchc ARGS`` in English (these tests are about outputs, not language), a table laid out
    at the command line's default width (100 columns) whatever the terminal running the tests."""
    return CliRunner().invoke(main, [*args[:1], "--lang", "en", *args[1:]],
                              env={"COLUMNS": "100"}, catch_exceptions=False)


def raw_controls(text: str) -> list[str]:
    """The control and invisible characters of ``text`` other than its line breaks."""
    return [ch for ch in text
            if ch != "\n" and unicodedata.category(ch) in INVISIBLE_CATEGORIES]


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # file names in the output are relative to the working directory


# -- names of a plan in the outputs for people ---------------------------------------------------

def test_names_of_a_plan_are_written_out_in_the_table() -> None:
    result = run("evaluate", HOSTILE, "tests/data/outputs/q1.yaml", "--period", "q1",
                 "--lang", "vi")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == (
        "Kế hoạch\\x1b[2J CCHC 2023\n"
        "Kỳ báo cáo: Quý I (2022-12-15 – 2023-03-13), tính đến ngày 2023-03-14\n"
        "\n"
        "Cải cách thủ tục hành chính (procedures)\n"
        "  on_time: Hồ sơ đúng hạn \\u202e%99 nạh gnúđ  100%  value > 99%  Đạt\n"
        "\n"
        "Tổng hợp: Đạt 1, Không đạt 0, Chưa đến hạn 0, Thiếu số liệu 0, Không áp dụng 0 "
        "(Tổng 1)\n")


def test_names_of_a_plan_are_written_out_in_the_listings() -> None:
    result = run("agencies", HOSTILE)
    assert result.exit_code == 0
    assert result.stdout == ("tinh  UBND tỉnh  [province]\n"
                             "└── snv  Sở\\x1b]0;pwned\\x07 Nội vụ  [department]\n"
                             "\n"
                             "2 agencies: province 1, department 1\n")
    indicators = run("indicators", HOSTILE).stdout.splitlines()
    assert indicators[-3] == "    value > 99%  Hồ sơ đúng hạn \\u202e%99 nạh gnúđ"


def test_every_text_output_writes_them_out_and_json_keeps_them_exact() -> None:
    from engine.render import render_csv, render_explain, render_json, render_markdown

    plan = engine.load_plan(HOSTILE)
    report = engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1")
    markdown = render_markdown(report)
    assert markdown.startswith("# Kế hoạch\\x1b[2J CCHC 2023\n")
    assert "| `procedures.on_time` | Hồ sơ đúng hạn \\u202e%99 nạh gnúđ | 100% |" in markdown
    assert render_csv(report).splitlines()[1] == (
        "procedures.on_time,procedures,met,1,value > 99%,,0,0,1,1,"
        "Hồ sơ đúng hạn \\u202e%99 nạh gnúđ")
    explain = render_explain(report.result("procedures.on_time"))
    assert explain.startswith("procedures.on_time: Hồ sơ đúng hạn \\u202e%99 nạh gnúđ\n")
    document = render_json(report)
    assert '"vi": "Kế hoạch\\u001b[2J CCHC 2023"' in document
    assert '"vi": "Hồ sơ đúng hạn \\u202e%99 nạh gnúđ"' in document  # JSON's own escape
    assert json.loads(document)["plan"]["title"]["vi"] == "Kế hoạch\x1b[2J CCHC 2023"
    for text in (markdown, render_csv(report), explain, document):
        assert raw_controls(text) == []


def test_a_diff_and_a_template_write_them_out() -> None:
    diff = run("diff", "tests/data/plans/minimal.yaml", HOSTILE)
    assert diff.exit_code == 0 and raw_controls(diff.stdout) == []
    assert ('  ~ snv\n      name (Vietnamese): Sở Nội vụ -> Sở\\x1b]0;pwned\\x07 Nội vụ\n'
            in diff.stdout)
    template = run("template", HOSTILE, "--period", "q1", "--agency", "snv")
    assert template.exit_code == 0 and raw_controls(template.stdout) == []
    assert "  snv:  # Sở\\x1b]0;pwned\\x07 Nội vụ\n" in template.stdout
    dumped = run("new-year", HOSTILE, "--year", "2024")
    assert dumped.exit_code == 0 and raw_controls(dumped.stdout) == []
    assert '  vi: "Kế hoạch\\u001b[2J CCHC 2024"\n' in dumped.stdout  # exact YAML escapes


def test_a_case_name_is_written_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plan.yaml").write_bytes((ROOT / HOSTILE).read_bytes())
    (tmp_path / "cases.yaml").write_text(
        '- name: "đạt\\x1b[1A\\x1b[2K"\n  period: q1\n'
        "  facts: {snv: {received: 100, on_time: 100}}\n"
        "  expect: {procedures.on_time: met}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("test", "plan.yaml", "cases.yaml")
    assert result.exit_code == 0
    assert result.stdout == "PASS cases.yaml:1: đạt\\x1b[1A\\x1b[2K\n1 passed, 0 failed\n"


_NAMES = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_NAMES, agency=_NAMES, indicator=_NAMES)
def test_no_name_gets_a_raw_control_character_into_any_output(title: str, agency: str,
                                                                indicator: str) -> None:
    """Whatever characters the names hold, no text output carries one raw, and JSON gives the
    names back exactly."""
    from engine.render import render_csv, render_explain, render_json, render_markdown
    from engine.render_diff import render_diff_markdown, render_diff_text
    from engine.render_plan import render_agencies, render_indicators, render_summary

    text = (ROOT / HOSTILE).read_text("utf-8")
    text = text.replace('"Kế hoạch\\x1b[2J CCHC 2023"', quoted(title))
    text = text.replace('"Sở\\x1b]0;pwned\\x07 Nội vụ"', quoted(agency))
    text = text.replace('"Hồ sơ đúng hạn \\u202e%99 nạh gnúđ"', quoted(indicator))
    try:
        plan = engine.loads_plan(text, "hostile\x1b[2J.yaml")
    except EngineError as err:  # a blank name: refused, and the refusal is shown safely too
        assert raw_controls(err.render()) == []
        return
    report = engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1")
    diff = engine.diff_plans(engine.load_plan(HOSTILE), plan)
    from engine.render import render_table

    for out in (render_table(report), render_markdown(report), render_csv(report),
                render_explain(report.result("procedures.on_time")), render_agencies(plan),
                render_indicators(plan), render_summary(plan), render_diff_text(diff),
                render_diff_markdown(diff)):
        assert raw_controls(out) == [], out
    data = json.loads(render_json(report))
    assert data["plan"]["title"]["vi"] == plan.title.vi
    assert raw_controls(render_json(report)) == []


# -- control characters in the files read, and in their names ------------------------------------

def test_an_escape_and_an_override_in_a_csv_cell_are_shown_with_the_caret_under_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "q1.csv").write_text(
        "agency,fact,value\nsnv\x1b[31m,received,\u202e1\x1b[8m00\nsnv,on_time,100\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    plan = engine.load_plan(ROOT / HOSTILE)
    with pytest.raises(engine.FactsError) as caught:
        engine.load_facts(plan, ["q1.csv"], period="q1")
    assert caught.value.render() == (
        "q1.csv:2:1: error[E630]: unknown agency 'snv\\x1b[31m'\n"
        "  |\n"
        "2 | snv\\x1b[31m,received,\\u202e1\\x1b[8m00\n"
        "  | ^^^^^^^^^^^\n"
        "  = note: CSV row 2, column 1 (agency)\n"
        "  = help: agency ids are listed in the plan's agencies\n"
        "q1.csv:2:19: error[E640]: expected a whole number >= 0 for 'received', "
        "found '\\u202e1\\x1b[8m00'\n"
        "  |\n"
        "2 | snv\\x1b[31m,received,\\u202e1\\x1b[8m00\n"
        "  | " + " " * len("snv\\x1b[31m,received,") + "^" * len("\\u202e1\\x1b[8m00") + "\n"
        "  = note: CSV row 2, column 3 (value)\n"
        "  = help: write a whole number, e.g. 1200")
    [first, second] = caught.value.diagnostics
    assert (first.location, second.location) == (("q1.csv", 2, 1, 2, 9),
                                                  ("q1.csv", 2, 19, 2, 27))
    result = run("evaluate", "--lang", "en", str(ROOT / HOSTILE), "q1.csv", "--period", "q1")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == caught.value.render() + "\n"


def test_a_file_name_with_an_escape_is_written_out_in_the_header(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "q1\x1b[31m\u202e.yaml"
    (tmp_path / name).write_text(
        "plan: hostile-2023\nperiod: q1\nagencies:\n  snvv: {received: 1}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("evaluate", "--lang", "en", str(ROOT / HOSTILE), name, "--period", "q1")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:4] == [
        "q1\\x1b[31m\\u202e.yaml:4:3: error[E630]: unknown agency 'snvv'",
        "  |",
        "4 |   snvv: {received: 1}",
        "  |   ^^^^",
    ]
    as_json = run("evaluate", "--lang", "en", str(ROOT / HOSTILE), name, "--period", "q1",
        "--format", "json")
    assert json.loads(as_json.stdout)["diagnostics"][0]["file"] == name  # exact in JSON
    assert raw_controls(as_json.stdout) == []


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x7f", "\x9b", "\ufffe"])
def test_a_control_character_in_a_plan_is_located(char: str) -> None:
    text = "cchc: 1\nid: x\nyear: 2023\ntitle: {vi: Kế" + char + " hoạch}\n"
    with pytest.raises(engine.PlanError) as caught:
        engine.loads_plan(text, "plan.yaml")
    [d] = caught.value.diagnostics
    shown = visible(char)  # a non-character (U+FFFE) is no control: shown as it is
    assert (d.code, d.location) == ("E401", ("plan.yaml", 4, 15, 4, 16))
    assert d.render() == (
        f"plan.yaml:4:15: error[E401]: the character '{shown}' (U+{ord(char):04X}) is not "
        "allowed in YAML\n"
        "  |\n"
        f"4 | title: {{vi: Kế{shown} hoạch}}\n"
        f"  |               {'^' * len(shown)}\n"  # one cell per character of the escape
        "  = help: delete it: control characters are invisible in most editors, and usually "
        "come from text pasted from another program")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_control_character_in_a_fact_file_is_located(
        suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = ('{"plan": "hostile-2023",\n "period": "q1",\n'
            ' "agencies": {"snv": {"received": "1\x1b[8m00"}}}\n')
    (tmp_path / f"q1{suffix}").write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(engine.FactsError) as caught:
        engine.load_facts(engine.load_plan(ROOT / HOSTILE), [f"q1{suffix}"])
    [d] = caught.value.diagnostics
    assert (d.code, d.location) == ("E601", (f"q1{suffix}", 3, 37, 3, 38))
    assert d.render().splitlines()[2:4] == [
        '3 |  "agencies": {"snv": {"received": "1\\x1b[8m00"}}}',
        "  | " + " " * len(' "agencies": {"snv": {"received": "1') + "^^^^"]


# -- deep nesting, located however deep --------------------------------------------------------

@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 3000, 100_000])
def test_deep_nesting_in_a_plan_is_located_at_the_first_level_too_deep(depth: int) -> None:
    text = "cchc: 1\nid: x\nagencies:\n  a: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(engine.PlanError) as caught:
        engine.loads_plan(text, "plan.yaml")
    [d] = caught.value.diagnostics
    # The root mapping and agencies' are two levels, the first list (column 6) the third: the
    # 65th level is the list opened at column 6 + 62.
    assert (d.code, d.location[:3]) == ("E403", ("plan.yaml", 4, 6 + MAX_DEPTH - 2))
    assert d.message == f"the document is nested more than {MAX_DEPTH} levels deep"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 3000])
def test_deep_block_mappings_are_located_at_the_first_level_too_deep(depth: int) -> None:
    text = "cchc: 1\nid: x\nagencies:\n" + "".join("  " * i + "k:\n" for i in range(1, depth))
    with pytest.raises(engine.PlanError) as caught:
        engine.loads_plan(text, "plan.yaml")
    [d] = caught.value.diagnostics
    # The mapping that starts on line L is level L - 2 (the root is 1, agencies' value on line 4
    # is 2): level 65 is the key indented by 64 spaces on line 67.
    line = MAX_DEPTH + 3
    assert (d.code, d.location[:3]) == ("E403", ("plan.yaml", line, 2 * (line - 3) + 1))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 100_000])
def test_deep_nesting_in_a_json_fact_file_is_located(
        depth: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "q1.json").write_text(
        '{"plan": "hostile-2023", "period": "q1",\n "agencies": ' + "[" * depth + "]" * depth
        + "}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(engine.FactsError) as caught:
        engine.load_facts(engine.load_plan(ROOT / HOSTILE), ["q1.json"])
    [d] = caught.value.diagnostics
    # The root is level 1, the first list (column 14) level 2: level 65 opens at 14 + 63.
    assert (d.code, d.location[:3]) == ("E603", ("q1.json", 2, 14 + MAX_DEPTH - 1))


# -- no traceback: dates, names, disks and pipes -----------------------------------------------

def test_new_year_refuses_a_date_that_would_leave_the_calendar() -> None:
    result = CliRunner().invoke(main, ["new-year", "--lang", "en",
        "tests/data/outputs/period_9999.yaml",
                                       "--year", "2024"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == (
        "tests/data/outputs/period_9999.yaml:14:3: error[E804]: period 'year' cannot move to "
        "2024: its 'until' date 9999-12-13 would fall in the year 10000, past the last date "
        "there is (9999-12-31)\n"
        "   |\n"
        "14 |   year: {name: {vi: Năm 2023}, from: 2022-12-15, until: 9999-12-13, due: "
        "9999-12-14}\n"
        "   |   ^^^^\n"
        "   = help: a date in 9999 in a plan for 2023 is probably mistyped: fix it in the plan "
        "(new-year moves every date by 1 year)\n")


def test_new_year_refuses_a_date_of_a_formula_at_the_date() -> None:
    from engine.newyear import new_year

    text = (DATA / "period_9999.yaml").read_text("utf-8")
    text = text.replace("9999-12-13", "2023-12-13").replace("9999-12-14", "2023-12-14")
    text = text.replace("target: value > 99%",
                        "target: value > 99%\n        applicable: 9950-01-01 > 2023-01-01")
    plan = engine.loads_plan(text, "plan.yaml")
    assert new_year(plan, "plan.yaml", 2024).startswith("# Draft plan for 2024")
    with pytest.raises(ArgumentError) as caught:
        new_year(plan, "plan.yaml", 2100)
    [d] = caught.value.diagnostics
    assert (d.code, d.location) == ("E804", ("plan.yaml", 31, 21, 31, 31))
    assert d.message == ("the date 9950-01-01 in the applicable of 'procedures.on_time' cannot "
                         "move to the year 10027, past the last date there is (9999-12-31)")


@pytest.mark.skipif(sys.platform != "linux", reason="the wording of ENAMETOOLONG is Linux's")
@pytest.mark.parametrize("command", [
    ["template", "{plan}", "--period", "q1", "-o", "{out}", "--force"],
    ["template", "{plan}", "--period", "q1", "-o", "{out}"],
    ["new-year", "{plan}", "--year", "2024", "-o", "{out}", "--force"],
])
def test_an_output_name_too_long_gives_one_line_and_exit_2(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plan.yaml").write_bytes((ROOT / HOSTILE).read_bytes())
    monkeypatch.chdir(tmp_path)
    out = "x" * 300 + ".yaml"
    result = CliRunner().invoke(main, [a.format(plan="plan.yaml", out=out) for a in command],
                                env={"CCHC_LANG": "en"})
    assert result.exit_code == 2 and result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == f"error: cannot write '{out}': File name too long\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


@pytest.mark.skipif(sys.platform != "linux", reason="the wording of ENAMETOOLONG is Linux's")
def test_an_input_name_too_long_is_a_diagnostic(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "x" * 300
    for args, code in ((["validate", f"{name}.yaml"], "E407"),
                       (["evaluate", HOSTILE_ABS, f"{name}.csv", "--period", "q1"], "E600")):
        result = CliRunner().invoke(main, args, env={"CCHC_LANG": "en"})
        assert result.exit_code == 2
        assert result.exception is None or isinstance(result.exception, SystemExit)
        file = next(a for a in args if a.startswith("xxx"))
        assert result.stderr.startswith(f"{file}: error[{code}]: cannot read the file: "
                                        "file name too long\n"), result.stderr


def test_a_full_disk_under_o_leaves_nothing_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plan.yaml").write_bytes((ROOT / HOSTILE).read_bytes())
    monkeypatch.chdir(tmp_path)
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd: int) -> None:
            self.file = real_fdopen(fd, "w")

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return Full(fd) if "w" in mode else real_fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)
    for command in (["template", "plan.yaml", "--period", "q1", "-o", "out.yaml"],
                    ["new-year", "plan.yaml", "--year", "2024", "-o", "out.yaml"]):
        result = CliRunner().invoke(main, command, env={"CCHC_LANG": "en"})
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == "error: cannot write 'out.yaml': No space left on device\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


def test_a_pipe_given_to_o_is_written_into_not_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "out.yaml"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = CliRunner().invoke(main, ["template", HOSTILE_ABS, "--period", "q1", "-o",
                                       str(fifo), "--force"])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received[0].decode("utf-8").startswith("# Mẫu báo cáo số liệu")
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def _cchc(args: list[str], stdout: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine", *args[:1], "--lang", "en", *args[1:]],
                          cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120, check=False)


FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists() or not stat.S_ISCHR(FULL.stat().st_mode),
                    reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["schema"],
    ["evaluate", HOSTILE, "tests/data/outputs/q1.yaml", "--period", "q1"],
    ["evaluate", HOSTILE, "tests/data/outputs/q1_escape.csv", "--period", "q1", "--format",
     "json"],
    ["template", HOSTILE, "--period", "q1"],
])
def test_standard_output_on_a_full_disk_gives_one_line_and_exit_2(args: list[str]) -> None:
    with FULL.open("w") as full:
        done = _cchc(args, full)
    assert (done.returncode, done.stderr) == (
        2, "error: cannot write to standard output: No space left on device\n")


@pytest.mark.parametrize("args", [
    ["schema"],
    ["evaluate", HOSTILE, "tests/data/outputs/q1.yaml", "--period", "q1", "--format", "json"],
])
def test_a_closed_pipe_gives_one_line_and_exit_2(args: list[str]) -> None:
    """``cchc ... | head -1``: the reader has gone before cchc writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _cchc(args, write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (
        2, "error: cannot write to standard output: Broken pipe\n")
