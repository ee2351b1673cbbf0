"""Hostile paths: a plan or a case cannot make the engine read, or print, a file outside its root.

Paths named inside a plan (``include:``, ``extends:``) and a case's ``plan:`` resolve under a root
folder (by default the plan's folder; for cases, the folder holding the plan and the cases
given); anything outside it, ``..``, absolute or through a link, is refused (``E409``, ``E717``)
before it is opened. A file reached through another that is not a plan file is named, never
quoted (``E415``). Every file read is bounded by a size limit that an option changes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine import files
from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "data" / "plans" / "minimal.yaml"

SECRET = """\
# settings of another program
database:
  host: db.internal
  password: hunter2
api_token: tok-5f3e9a
"""
#: Words of SECRET that must never reach any output.
LEAKS = ("hunter2", "tok-5f3e9a", "db.internal", "database", "api_token", "password")

HEAD = "cchc: 1\nid: child\nyear: 2024\ntitle: {vi: Kế hoạch}\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/plans/parent.yaml (a valid plan), tmp/secret/config.yaml (not a plan, outside
    plans/); the working directory is tmp, so files are named tmp-relative."""
    (tmp_path / "plans").mkdir()
    (tmp_path / "secret").mkdir()
    shutil.copy(MINIMAL, tmp_path / "plans" / "parent.yaml")
    (tmp_path / "secret" / "config.yaml").write_text(SECRET, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every path the engine's file reader opens, resolved."""
    seen: list[Path] = []
    real = os.open

    def spy(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        seen.append(Path(path).resolve())
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    yield seen


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def plan_error(path: Path, **kwargs: object) -> list[tuple[str, str, int, int]]:
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(path, **kwargs)  # type: ignore[arg-type]
    return [(d.code, *d.location[:3]) for d in info.value.diagnostics]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def assert_no_leak(*texts: str) -> None:
    for text in texts:
        for word in LEAKS:
            assert word not in text, f"{word!r} leaked: {text}"


# -- containment ---------------------------------------------------------------------------------


def test_extends_up_and_out_is_refused_before_the_file_is_opened(
        tree: Path, opened: list[Path]) -> None:
    child = write(tree / "plans" / "child.yaml", "cchc: 1\nextends: ../secret/config.yaml\n")
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(child)
    [d] = info.value.diagnostics
    assert (d.code, *d.location) == ("E409", "plans/child.yaml", 2, 10, 2, 31)
    assert d.message == "'../secret/config.yaml' is outside the root folder 'plans'"
    assert d.help is not None and "--root DIR" in d.help and "root=" in d.help
    assert tree / "secret" / "config.yaml" not in opened
    assert opened == [child.resolve()]
    assert_no_leak(info.value.render())


def test_the_cli_refuses_it_in_text_and_json_without_a_line_of_the_file(tree: Path) -> None:
    write(tree / "plans" / "child.yaml", "cchc: 1\nextends: ../secret/config.yaml\n")
    code, out, err = cli("validate", "--lang", "en", "plans/child.yaml")
    assert (code, out) == (2, "")
    assert err.startswith("plans/child.yaml:2:10: error[E409]: '../secret/config.yaml' is "
                          "outside the root folder 'plans'\n")
    code, out, err = cli("validate", "--lang", "en", "plans/child.yaml", "--format", "json")
    assert (code, err) == (2, "")
    [d] = json.loads(out)["diagnostics"]
    assert (d["code"], d["file"], d["line"], d["col"]) == ("E409", "plans/child.yaml", 2, 10)
    assert_no_leak(out)


def test_an_absolute_path_is_refused_as_written(tree: Path, opened: list[Path]) -> None:
    child = write(tree / "plans" / "child.yaml", HEAD + "include:\n  - /etc/passwd\n")
    assert plan_error(child) == [("E409", "plans/child.yaml", 6, 5)]
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(child)
    assert "'/etc/passwd' is outside the root folder 'plans'" in info.value.render()
    assert Path("/etc/passwd") not in opened
    code, out, _ = cli("validate", "plans/child.yaml", "--format", "json")
    assert code == 2 and "root:" not in out and "/bin/" not in out


def test_a_link_inside_the_root_that_points_out_is_refused(tree: Path,
                                                            opened: list[Path]) -> None:
    (tree / "plans" / "shared.yaml").symlink_to(tree / "secret" / "config.yaml")
    child = write(tree / "plans" / "child.yaml", HEAD + "include: [shared.yaml]\n")
    assert plan_error(child) == [("E409", "plans/child.yaml", 5, 11)]
    assert (tree / "secret" / "config.yaml") not in opened
    # The same link as the parent plan.
    write(child, "cchc: 1\nextends: shared.yaml\n")
    assert plan_error(child) == [("E409", "plans/child.yaml", 2, 10)]
    code, out, err = cli("validate", "--lang", "en", "plans/child.yaml")
    assert code == 2 and "'shared.yaml' is outside the root folder 'plans'" in err
    assert_no_leak(out, err)


def test_a_path_with_a_nul_character_names_no_file_in_the_root(tree: Path) -> None:
    child = write(tree / "plans" / "child.yaml", HEAD + 'include: ["a\\0b"]\n')
    assert plan_error(child) == [("E409", "plans/child.yaml", 5, 11)]
    write(child, 'cchc: 1\nextends: "../a\\0b"\n')
    assert plan_error(child) == [("E409", "plans/child.yaml", 2, 10)]
    (tree / "cases").mkdir()
    case = write(tree / "cases" / "c.yaml", CASE.format(plan='"a\\0b"'))
    with pytest.raises(engine.CaseError) as info:
        engine.load_cases(case)
    assert [(d.code, *d.location[:3]) for d in info.value.diagnostics] == [
        ("E717", "cases/c.yaml", 2, 9)]
    with pytest.raises(engine.PlanError) as pinfo:
        engine.load_plan("plans/a\0b.yaml")
    assert [d.code for d in pinfo.value.diagnostics] == ["E407"]


def test_a_link_that_stays_inside_the_root_is_read(tree: Path) -> None:
    (tree / "plans" / "alias.yaml").symlink_to(tree / "plans" / "parent.yaml")
    child = write(tree / "plans" / "child.yaml", "cchc: 1\nextends: alias.yaml\nyear: 2023\n")
    assert engine.load_plan(child).id == "mini-2023"


def test_a_root_given_allows_what_lies_inside_it(tree: Path) -> None:
    (tree / "base").mkdir()
    shutil.copy(MINIMAL, tree / "base" / "2023.yaml")
    child = write(tree / "plans" / "child.yaml", "cchc: 1\nextends: ../base/2023.yaml\n"
                  "id: mini-2023b\n")
    assert plan_error(child) == [("E409", "plans/child.yaml", 2, 10)]
    assert engine.load_plan(child, root=tree).id == "mini-2023b"
    assert engine.load_plan(child, root=".").id == "mini-2023b"  # relative to the working dir
    code, out, err = cli("validate", "--lang", "en", "--root", ".", "plans/child.yaml")
    assert (code, err) == (0, "") and out.startswith("plans/child.yaml: valid plan 'mini-2023b'")
    # A root that does not hold the parent still refuses it, and names itself.
    code, out, err = cli("validate", "--lang", "en", "--root", "plans", "plans/child.yaml")
    assert code == 2 and "outside the root folder 'plans'" in err
    # --root must be a folder that exists (a usage error, exit 2).
    code, out, err = cli("validate", "--lang", "en", "--root", "nowhere", "plans/child.yaml")
    assert code == 2 and "nowhere" in err and "error[" not in err


def test_every_command_that_loads_a_plan_takes_root_and_max_file_size() -> None:
    for name in ("validate", "indicators", "periods", "agencies", "evaluate", "explain",
                 "graph", "template", "diff", "test", "new-year"):
        help_text = CliRunner().invoke(main, [name, "--help"]).stdout
        assert "--root DIR" in help_text and "--max-file-size SIZE" in help_text, name


def test_a_plan_given_as_text_reads_under_its_base_dir(tree: Path) -> None:
    text = "cchc: 1\nextends: ../secret/config.yaml\n"
    with pytest.raises(engine.PlanError) as info:
        engine.loads_plan(text, "child.yaml", base_dir=tree / "plans")
    [d] = info.value.diagnostics
    assert (d.code, *d.location[:3]) == ("E409", "child.yaml", 2, 10)
    text = "cchc: 1\nextends: ../plans/parent.yaml\nyear: 2023\n"
    with pytest.raises(engine.PlanError) as info:
        engine.loads_plan(text, "child.yaml", base_dir=tree / "secret")
    assert [d.code for d in info.value.diagnostics] == ["E409"]
    plan = engine.loads_plan(text, "child.yaml", base_dir=tree / "secret", root=tree)
    assert plan.id == "mini-2023"


def test_a_parent_plans_own_includes_are_held_to_the_same_root(tree: Path) -> None:
    write(tree / "plans" / "parent.yaml", MINIMAL.read_text("utf-8")
          + "include: [../secret/config.yaml]\n")
    child = write(tree / "plans" / "child.yaml", "cchc: 1\nextends: parent.yaml\n")
    assert plan_error(child) == [("E409", "plans/parent.yaml", 52, 11)]


# -- files that are not plans --------------------------------------------------------------------


def test_an_included_file_that_is_not_a_plan_is_named_not_quoted(tree: Path) -> None:
    shutil.copy(tree / "secret" / "config.yaml", tree / "plans" / "config.yaml")
    child = write(tree / "plans" / "child.yaml", HEAD + "include:\n  - config.yaml\n")
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(child)
    [d] = info.value.diagnostics
    assert (d.code, *d.location) == ("E415", "plans/child.yaml", 6, 5, 6, 16)
    assert d.message == ("'plans/config.yaml' is not a plan file: none of its top-level keys is "
                         "agencies, groups or facts")
    assert_no_leak(info.value.render())
    code, out, err = cli("validate", "plans/child.yaml", "--format", "json")
    assert (code, err) == (2, "")
    assert [x["code"] for x in json.loads(out)["diagnostics"]] == ["E415"]
    assert_no_leak(out)
    code, out, err = cli("validate", "plans/child.yaml")
    assert code == 2 and err.count("error[") == 1
    assert_no_leak(err)


def test_a_parent_that_is_not_a_plan_is_named_not_quoted(tree: Path) -> None:
    shutil.copy(tree / "secret" / "config.yaml", tree / "plans" / "config.yaml")
    child = write(tree / "plans" / "child.yaml", "cchc: 1\nextends: config.yaml\n")
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(child)
    [d] = info.value.diagnostics
    assert (d.code, *d.location[:3]) == ("E415", "plans/child.yaml", 2, 10)
    assert d.message.endswith("is not a plan file: it has neither 'cchc:' nor 'extends:' at "
                              "its top")
    assert_no_leak(info.value.render())


@pytest.mark.parametrize("content,reason", [
    ("PATH=/usr/bin\0HOME=/root\0password=hunter2\0", "it is not YAML of a plan"),
    ("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:hunter2:/usr/sbin\n",
     "it is not a mapping of keys"),
    ("- hunter2\n- tok-5f3e9a\n", "it is not a mapping of keys"),
    ("database: [unclosed\n  password: hunter2\n", "it is not YAML of a plan"),
    ("password: \xff hunter2\n", "it is not UTF-8 text"),
])
def test_text_of_any_other_kind_is_one_diagnostic_without_its_lines(
        tree: Path, content: str, reason: str) -> None:
    data = content.encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    (tree / "plans" / "env.yaml").write_bytes(data)
    for directive in ("include: [env.yaml]", "extends: env.yaml"):
        child = write(tree / "plans" / "child.yaml", HEAD + directive + "\n")
        with pytest.raises(engine.PlanError) as info:
            engine.load_plan(child)
        [d] = info.value.diagnostics
        assert (d.code, d.location[0], d.location[1]) == ("E415", "plans/child.yaml", 5)
        assert d.message == f"'plans/env.yaml' is not a plan file: {reason}"
        assert_no_leak(info.value.render(), json.dumps(d.to_dict()))


def test_a_plan_file_with_one_mistake_still_shows_its_line(tree: Path) -> None:
    write(tree / "plans" / "communes.yaml",
          "agencies:\n  xa_b: {name: {vi: Xã B}, kind: commune, parent: tinh\n")
    child = write(tree / "plans" / "child.yaml", MINIMAL.read_text("utf-8")
                  + "include: [communes.yaml]\n")
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(child)
    [d] = info.value.diagnostics
    assert (d.code, *d.location[:3]) == ("E401", "plans/communes.yaml", 3, 1)
    write(tree / "plans" / "communes.yaml",
          "agencies:\n  xa_b: {name: {vi: Xã B}, kind: commune, parent: tinh}\nperiods: {}\n")
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(child)
    [d] = info.value.diagnostics
    assert (d.code, *d.location[:3]) == ("E410", "plans/communes.yaml", 3, 1)
    assert "3 | periods: {}" in d.render()


# -- cases ---------------------------------------------------------------------------------------


CASE = """\
- name: every dossier on time
  plan: {plan}
  period: q1
  defaults: {{received: 10, on_time: 10}}
  expect: {{procedures.on_time: met}}
"""


def test_a_case_plan_outside_the_root_is_refused(tree: Path, opened: list[Path]) -> None:
    (tree / "cases").mkdir()
    case = write(tree / "cases" / "c.yaml", CASE.format(plan="../secret/config.yaml"))
    with pytest.raises(engine.CaseError) as info:
        engine.load_cases(case)
    [d] = info.value.diagnostics
    assert (d.code, *d.location) == ("E717", "cases/c.yaml", 2, 9, 2, 30)
    assert d.message == "'../secret/config.yaml' is outside the root folder 'cases'"
    assert d.help is not None and "root= in load_cases" in d.help
    assert tree / "secret" / "config.yaml" not in opened
    # The command line: the root holds the plan and the cases given (here tmp, where the
    # secret is only named as not a plan), or is the folder of --root.
    code, out, err = cli("test", "--lang", "en", "plans/parent.yaml", "cases/c.yaml")
    assert code == 2 and err.startswith("cases/c.yaml:2:9: error[E415]: 'secret/config.yaml' is "
                                        "not a plan file")
    code, out, err = cli("test", "--lang", "en", "--root", "cases", "plans/parent.yaml",
        "cases/c.yaml")
    assert code == 2 and err.startswith("cases/c.yaml:2:9: error[E717]: '../secret/config.yaml' "
                                        "is outside the root folder 'cases'\n")
    assert_no_leak(out, err)
    write(case, CASE.format(plan="/etc/passwd"))
    code, out, err = cli("test", "--lang", "en", "plans/parent.yaml", "cases/c.yaml", "--format",
        "json")
    [d2] = json.loads(out)["diagnostics"]
    assert (code, d2["code"], d2["line"], d2["col"]) == (2, "E717", 2, 9)
    assert "root:x" not in out


def test_a_case_plan_inside_the_root_but_not_a_plan_is_named_not_quoted(tree: Path) -> None:
    (tree / "cases").mkdir()
    shutil.copy(tree / "secret" / "config.yaml", tree / "cases" / "config.yaml")
    case = write(tree / "cases" / "c.yaml", CASE.format(plan="config.yaml"))
    with pytest.raises(engine.CaseError) as info:
        engine.load_cases(case)
    [d] = info.value.diagnostics
    assert (d.code, *d.location[:3]) == ("E415", "cases/c.yaml", 2, 9)
    assert_no_leak(info.value.render())


def test_the_default_root_of_cases_holds_the_plan_and_the_cases(tree: Path) -> None:
    folder = tree / "plans" / "tests" / "2023"
    folder.mkdir(parents=True)
    write(folder / "c.yaml", CASE.format(plan="../../parent.yaml"))
    # The cases alone: their folder is the root, and the plan is above it.
    with pytest.raises(engine.CaseError) as info:
        engine.load_cases(folder)
    assert [(d.code, *d.location[:3]) for d in info.value.diagnostics] == [
        ("E717", "plans/tests/2023/c.yaml", 2, 9)]
    # With root=, or with the plan given (the root holds both), it runs.
    [case] = engine.load_cases(folder, root=tree / "plans")
    assert engine.run_cases([case])[0].passed
    plan = engine.load_plan("plans/parent.yaml")
    assert len(engine.load_cases("plans/tests/2023", plan)) == 1
    code, out, err = cli("test", "plans/parent.yaml", "plans/tests/2023")
    assert (code, err) == (0, "") and out.endswith("1 passed, 0 failed\n")
    code, out, err = cli("test", "--root", "plans/tests", "plans/parent.yaml", "plans/tests/2023")
    assert code == 2 and "error[E717]" in err and "'plans/tests'" in err


# -- the size limit ------------------------------------------------------------------------------


def test_parse_size() -> None:
    assert [files.parse_size(t) for t in ("0", "1024", "1K", "1k", "64M", "64MiB", "2G", "10B")] \
        == [0, 1024, 1024, 1024, 64 << 20, 64 << 20, 2 << 30, 10]
    for bad in ("", "-1", "1.5M", "1T", "M", "64 megabytes"):
        with pytest.raises(ValueError):
            files.parse_size(bad)


def test_the_size_limit_of_the_library(tree: Path) -> None:
    size = (tree / "plans" / "parent.yaml").stat().st_size
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(tree / "plans" / "parent.yaml", max_file_bytes=size - 1)
    [d] = info.value.diagnostics
    assert (d.code, *d.location[:2]) == ("E407", "plans/parent.yaml", 0)
    limit = f"{size - 1:,}".replace(",", " ")
    assert d.message == f"cannot read the file: it is larger than the limit of {limit} bytes"
    assert d.help == ("if the file is right, raise the limit: --max-file-size SIZE on the "
                      "command line, max_file_bytes= in the library")
    assert engine.load_plan(tree / "plans" / "parent.yaml", max_file_bytes=size).id == "mini-2023"
    # An included file: located at the line that names it.
    write(tree / "plans" / "big.yaml", "agencies: {}\n" + "#" * 2000 + "\n")
    child = write(tree / "plans" / "child.yaml", MINIMAL.read_text("utf-8")
                  + "include: [big.yaml]\n")
    assert plan_error(child, max_file_bytes=1900) == [("E407", "plans/child.yaml", 52, 11)]
    assert engine.load_plan(child).id == "mini-2023"
    # Fact files and case files.
    plan = engine.load_plan(MINIMAL)
    facts = write(tree / "facts.yaml", "plan: mini-2023\nperiod: q1\nagencies:\n"
                  "  snv: {received: 10, on_time: 10}\n")
    with pytest.raises(engine.FactsError) as finfo:
        engine.load_facts(plan, facts, max_file_bytes=10)
    assert [(x.code, x.location[0]) for x in finfo.value.diagnostics] == [("E600", "facts.yaml")]
    assert engine.load_facts(plan, facts).get("snv", "received") == 10
    (tree / "cases").mkdir()
    case = write(tree / "cases" / "c.yaml", CASE.format(plan="../plans/parent.yaml"))
    with pytest.raises(engine.CaseError) as cinfo:
        engine.load_cases(case, plan, max_file_bytes=10)
    assert [(x.code, x.location[0]) for x in cinfo.value.diagnostics] == [("E700",
                                                                           "cases/c.yaml")]


def test_the_size_limit_option(tree: Path) -> None:
    size = (tree / "plans" / "parent.yaml").stat().st_size
    assert size > 1024
    code, out, err = cli("validate", "--lang", "en", "plans/parent.yaml", "--max-file-size", "1K")
    assert (code, out) == (2, "")
    assert err.startswith("plans/parent.yaml: error[E407]: cannot read the file: it is larger "
                          "than the limit of 1 024 bytes\n")
    code, out, err = cli("validate", "--lang", "en", "plans/parent.yaml", "--max-file-size",
        str(size))
    assert (code, err) == (0, "")
    code, out, err = cli("validate", "--lang", "en", "plans/parent.yaml", "--max-file-size", "lots")
    assert code == 2 and "'lots' is not a size" in err and "error[" not in err
    write(tree / "facts.yaml", "plan: mini-2023\nperiod: q1\nagencies:\n"
          "  snv: {received: 10, on_time: 10}\n" + "#" * size + "\n")
    code, out, err = cli("evaluate", "--lang", "en", "plans/parent.yaml", "facts.yaml", "--period",
        "q1",
                         "--max-file-size", "50", "--format", "json")
    assert code == 2
    assert [(d["code"], d["file"]) for d in json.loads(out)["diagnostics"]] == [
        ("E407", "plans/parent.yaml")]
    code, out, err = cli("evaluate", "--lang", "en", "plans/parent.yaml", "facts.yaml", "--period",
        "q1",
                         "--max-file-size", str(size), "--format", "json")
    assert code == 2
    assert [(d["code"], d["file"]) for d in json.loads(out)["diagnostics"]] == [
        ("E600", "facts.yaml")]
    code, out, err = cli("evaluate", "--lang", "en", "plans/parent.yaml", "facts.yaml", "--period",
        "q1",
                         "--max-file-size", "64M", "--format", "json")
    assert (code, err) == (0, "") and json.loads(out)["period"] == "q1"
