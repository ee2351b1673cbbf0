"""Import only what a command needs: ``import engine`` and ``cchc --help`` load no parser, no
schema validator, no graph library; evaluating a plan from the cache loads none of them either.
Each check runs in a fresh interpreter and reads ``sys.modules`` (no timing here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from engine import cli, launcher

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("networkx", "jsonschema", "lark")


def modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    probe = ("import atexit\n"
             "atexit.register(lambda: __import__('sys').__stdout__.write('\\n@@' + __import__("
             "'json').dumps(sorted(__import__('sys').modules))))\n" + code)
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={**os.environ, **(env or {})}).stdout
    return set(json.loads(out.rsplit("@@", 1)[1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_import_engine_loads_no_compiler() -> None:
    modules = modules_after("import engine")
    assert heavy(modules) == []
    assert sorted(m for m in modules if m.startswith("engine")) == ["engine"]


def test_help_loads_no_command_and_not_even_click(tmp_path: Path) -> None:
    for args in (["--help"], ["-h"], ["--version"]):
        modules = modules_after("import sys\nfrom engine.launcher import main\n"
                                f"sys.argv = ['/bin/cchc', *{args!r}]\nmain()",
                                {"COLUMNS": "100"})
        assert heavy(modules) == []
        assert sorted(m for m in modules if m.startswith("engine")) == ["engine",
                                                                        "engine.launcher"]
        assert "click" not in modules and "yaml" not in modules


def test_help_at_another_width_loads_click_and_no_command() -> None:
    modules = modules_after("import sys\nfrom engine.launcher import main\n"
                            "sys.argv = ['/bin/cchc', '--help']\nmain()", {"COLUMNS": "60"})
    assert heavy(modules) == []
    assert sorted(m for m in modules if m.startswith("engine")) == ["engine", "engine.launcher"]
    assert "click" in modules


def test_evaluate_from_the_cache_loads_no_parser_schema_or_graph(tmp_path: Path) -> None:
    env = {"CCHC_CACHE_DIR": str(tmp_path / "cache")}
    run = ("from engine.launcher import group\n"
           "group().main(['evaluate', 'plans/2023.yaml', 'examples/2023/q1', '--period', 'q1',"
           " '--as-of', '2023-03-14'], standalone_mode=False)")
    first = modules_after(run, env)
    # compiled from the files, yet a valid plan is shown valid without jsonschema and its
    # formulas are parsed with the generated tables, without Lark
    assert "engine.parser" in first and "engine.schema" in first
    assert heavy(first) == []
    assert heavy(modules_after(run, env)) == []
    assert "engine.parser" in modules_after(run, {**env, "CCHC_NO_CACHE": "1"})


#: What the README's main job never needs, even on its first run: the report writers
#: (templates, workbooks, documents) and the workbook reader.
NEVER = ("jinja2", "openpyxl", "docx", "engine.xlsxsrc", "engine.render_xlsx",
         "engine.report_html", "engine.report_docx", "xml")
#: ... nor, from the cache, the machinery of package data (the grammar's, on a first run).
NOT_WARM = ("zipfile", "importlib.resources")
#: ... nor PyYAML and the modules of a plan's compilation: YAML with positions, the schema;
#: nor the readers of fact files' values and CSV cells (the checked facts come from the cache).
WARM_NEVER = ("yaml", "engine.yamlsrc", "engine.schema", "engine.registry", "engine.formulas",
              "engine.parser", "engine.graph", "engine.fact_values", "engine.csvsrc")


def test_the_main_job_from_the_cache_imports_only_what_it_needs(tmp_path: Path) -> None:
    env = {"CCHC_CACHE_DIR": str(tmp_path / "cache")}
    run = ("import sys\nfrom engine.launcher import main\n"
           "sys.argv = ['cchc', 'evaluate', 'plans/2023.yaml', 'examples/2023/q1', '--period',"
           " 'q1', '--as-of', '2023-03-14']\nmain()")
    first = modules_after(run, env)
    warm = modules_after(run, env)
    for modules in (first, warm):
        assert sorted(m for m in modules if m in NEVER or m.split(".")[0] in NEVER) == []
    assert sorted(m for m in warm if m.split(".")[0] in HEAVY or m in NOT_WARM) == []
    # nor the YAML reader: the plan comes from the cache, plain fact files are read by lines
    assert sorted(m for m in warm if m.split(".")[0] in WARM_NEVER or m in WARM_NEVER) == []
    assert "engine.factlines" in first  # the fact files of the example, read line by line
    assert "engine.factlines" not in warm  # ... then kept checked, beside the plan


#: The command line as a plain click group holding every command of ``engine.commands`` (found
#: in their modules, not through the launcher's lists): what the lazy group must be equal to.
EVERY_COMMAND = """
import importlib, pkgutil, click, engine.commands
from engine import cli, launcher
found = {}
for info in pkgutil.iter_modules(engine.commands.__path__):
    module = importlib.import_module(f"engine.commands.{info.name}")
    for attr, value in vars(module).items():
        if isinstance(value, click.Command):
            found[value.name] = (info.name, attr, value)
plain = click.Group(cli.main.name, commands={n: c for n, (_m, _a, c) in found.items()},
                    params=cli.main.params, help=cli.main.help,
                    context_settings=cli.main.context_settings)
"""


def every_command() -> tuple[dict[str, tuple[str, str, click.Command]], click.Group]:
    """Each command found in the modules of ``engine.commands`` (its module, the attribute
    holding it, the command), and the plain group of them all (:data:`EVERY_COMMAND`)."""
    space: dict[str, Any] = {}
    exec(EVERY_COMMAND, space)
    return space["found"], space["plain"]


def test_the_launcher_lists_exactly_the_commands_of_engine_commands() -> None:
    """A command added to a module of engine/commands/ must be listed in engine/launcher.py's
    COMMANDS, with the first paragraph of its help, and in its MODULES; the command line
    finds each command there and nowhere else."""
    found, _plain = every_command()
    commands = {name: " ".join((cmd.help or "").split("\n\n")[0].split())
                for name, (_m, _a, cmd) in found.items()}
    assert commands == launcher.COMMANDS
    assert {name: module for name, (module, _a, _c) in found.items()} == launcher.MODULES
    assert all(attr == name.replace("-", "_") for name, (_m, attr, _c) in found.items())
    ctx = click.Context(cli.main, info_name="cchc")
    assert cli.main.list_commands(ctx) == sorted(found)
    for name, (_module, _attr, cmd) in found.items():
        assert cli.main.get_command(ctx, name) is cmd
    assert cli.main.get_command(ctx, "nope") is None
    assert cli.main is launcher.group()
    assert cli.main.help == launcher.ABOUT


def test_a_command_imports_its_own_module_and_no_other_command() -> None:
    """Running one command builds the options of that command only: ``evaluate`` imports
    engine.commands.report and no other module of engine.commands (but the package, which
    holds what the commands share)."""
    modules = modules_after("import click, sys\nfrom engine import cli\n"
                            "cli.main.get_command(click.Context(cli.main), 'evaluate')\n"
                            # (the probe imports json itself, at exit)
                            "assert 'json' not in sys.modules, 'json imported'")
    assert sorted(m for m in modules if m.startswith("engine.commands")) == [
        "engine.commands", "engine.commands.report"]


def test_the_help_written_without_click_is_clicks() -> None:
    """If this fails after a change of a command or an option, put the text it prints in
    engine/launcher.py's HELP."""
    _found, plain = every_command()
    theirs = CliRunner().invoke(plain, ["--help"], prog_name="cchc", terminal_width=78)
    print(theirs.output)
    assert theirs.output == launcher.HELP


@pytest.mark.parametrize("columns", ["100", "80", "60", ""])
def test_the_program_prints_the_help_click_prints(columns: str) -> None:
    env = {**os.environ, "COLUMNS": columns}
    ours = subprocess.run([sys.executable, "-c", "import sys\nfrom engine.launcher import main\n"
                           "sys.argv = ['cchc', '--help']\nmain()"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    theirs = subprocess.run([sys.executable, "-c", EVERY_COMMAND +
                             "plain.main(['--help'], prog_name='cchc')"],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode, theirs.stdout, theirs.stderr)


def test_the_launcher_prints_the_same_help_and_runs_the_same_commands(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    _found, plain = every_command()
    for args in (["--help"], ["--version"], ["nope"], ["periods", "--help"],
                 ["evaluate", "--help"], ["evaluate", "plans/2023.yaml"]):
        ours = runner.invoke(launcher.group(), args, prog_name="cchc")
        theirs = runner.invoke(plain, args, prog_name="cchc")
        assert (ours.exit_code, ours.output) == (theirs.exit_code, theirs.output)
    ran = runner.invoke(launcher.group(), ["--no-cache", "periods", "plans/2023.yaml"])
    assert ran.exit_code == 0 and "q1" in ran.output


@pytest.mark.parametrize("args", [
    ["evaluate", "plans/2023.yaml", "examples/2023/q1", "--period", "q1", "--as-of",
     "2023-03-14"],
    ["evaluate", "plans/2023.yaml", "examples/2023/q1", "--period", "q9"],  # E620: exit 2
    ["evaluate", "plans/2023.yaml", "examples/2023/q1", "--period", "q1", "--as-of",
     "2023-03-14", "--fail-on", "not_met", "--format", "json"],  # exit 1
    ["periods", "plans/2023.yaml", "--nope"],  # a usage error
])
def test_the_program_ends_as_click_ends_it(args: list[str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The program leaves without freeing its objects one by one (os._exit), after flushing
    what it wrote and running the atexit functions: the same status, output and errors as
    the command line run in this process."""
    env = {**os.environ, "CCHC_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "100"}
    probe = ("import atexit, sys\natexit.register(lambda: print('atexit ran'))\n"
             "from engine.launcher import main\n"
             f"sys.argv = ['cchc', *{args!r}]\nmain()")
    ours = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "100")
    theirs = CliRunner().invoke(cli.main, args, prog_name="cchc")
    assert ours.returncode == theirs.exit_code and ours.returncode in (0, 1, 2)
    assert ours.stdout == theirs.stdout + "atexit ran\n"
    assert ours.stderr == theirs.stderr
