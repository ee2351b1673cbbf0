"""The ``cchc`` program's entry point: ``cchc --help`` and ``cchc --version`` without loading
the commands.

The commands live in the modules of :mod:`engine.commands`. :func:`group` (which is
``engine.cli.main``, the whole command line the tests drive) lists them from :data:`COMMANDS`
and imports a command's module (:data:`MODULES`) only to run it (click's "lazy group"
pattern), so a run builds the options of its own command alone, and the program's help loads
click and nothing else. :func:`main`, the ``cchc`` program, answers ``cchc --help`` and ``cchc
--version`` before even importing click, with :data:`HELP`: the help as click writes it at the
usual width (a terminal of 80 columns or more, or a pipe). ``tests/cache/test_imports.py``
checks that :data:`COMMANDS`, :data:`MODULES` and :data:`HELP` say what the commands of
:mod:`engine.commands` would, and that ``--help`` imports no more than this module.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    import click

#: Each command with the first paragraph of its help, as :mod:`engine.commands` defines them (a
#: test compares the two: a command added there is listed here too, in :data:`MODULES` and in
#: :data:`HELP`).
COMMANDS = {
    "agencies": "Show the agency hierarchy of PLAN as a tree, then its groups.",
    "diff": "Show what changed in meaning from plan OLD to plan NEW (exit 0 even when they "
            "differ).",
    "evaluate": "Evaluate PLAN against FACTS (files or folders) for one period.",
    "explain": "Show how INDICATOR's result was derived: formula, values, agencies.",
    "expr": "Evaluate EXPRESSION: the playground for trying a formula.",
    "graph": "Print the dependency graph: indicators, the facts they read, the indicators "
             "they use.",
    "indicators": "List the indicators of PLAN: id, names, unit, owner, scope, target, "
                  "deadline, source.",
    "new-year": "Scaffold next year's plan: a plan that extends PLAN, with dates moved to YEAR.",
    "periods": "List the reporting periods of PLAN: data window and report due date.",
    "schema": "Print the JSON Schema of plan files (for editors: see docs/plan-format.md).",
    "score": "Score and rank the units of PLAN by SCORECARD from FACTS (files or folders).",
    "status": "Who has reported the facts of a period: the chase list of every agency that "
              "reports in it, with what it has filled, what is missing, refused values, and "
              "who is late.",
    "template": "Write the fact template an agency fills in for a period.",
    "test": "Run the test cases in CASES (files or folders) against PLAN; exit 1 if any fails.",
    "validate": "Check PLAN and its included files; print every problem (exit 2) or a summary "
                "(exit 0).",
}

#: The module of :mod:`engine.commands` that defines each command, as its attribute named like
#: the command (``new-year``: ``new_year``); only that module is imported to run it.
MODULES = {"agencies": "plans", "diff": "changes", "evaluate": "report", "explain": "explain",
           "expr": "expr", "graph": "plans", "indicators": "plans", "new-year": "changes",
           "periods": "plans", "schema": "plans", "score": "score", "status": "status",
           "template": "template", "test": "cases", "validate": "plans"}

#: What ``cchc --version`` prints (as click's ``version_option`` words it).
VERSION = f"cchc, version {__version__}"

#: What the program is, the first words of its help.
ABOUT = "cchc: rules-as-code for administrative reform plans (kế hoạch cải cách hành chính)."

#: ``--no-cache``: an option of the program (``cchc --no-cache evaluate ...``) and of every
#: command that loads a plan (:mod:`engine.commands`).
NO_CACHE_HELP = ("Do not use the compiled-plan cache (CCHC_CACHE_DIR, by default "
                 "~/.cache/cchc); CCHC_NO_CACHE=1 does the same.")

#: ``cchc --help`` as click writes it 78 columns wide (``tests/cache/test_imports.py`` prints
#: the text to put here when a command or an option changes).
HELP = """\
Usage: cchc [OPTIONS] COMMAND [ARGS]...

  cchc: rules-as-code for administrative reform plans (kế hoạch cải cách hành
  chính).

Options:
  --version   Show the version and exit.
  --no-cache  Do not use the compiled-plan cache (CCHC_CACHE_DIR, by default
              ~/.cache/cchc); CCHC_NO_CACHE=1 does the same.
  -h, --help  Show this message and exit.

Commands:
  agencies    Show the agency hierarchy of PLAN as a tree, then its groups.
  diff        Show what changed in meaning from plan OLD to plan NEW...
  evaluate    Evaluate PLAN against FACTS (files or folders) for one period.
  explain     Show how INDICATOR's result was derived: formula, values,...
  expr        Evaluate EXPRESSION: the playground for trying a formula.
  graph       Print the dependency graph: indicators, the facts they...
  indicators  List the indicators of PLAN: id, names, unit, owner, scope,...
  new-year    Scaffold next year's plan: a plan that extends PLAN, with...
  periods     List the reporting periods of PLAN: data window and report...
  schema      Print the JSON Schema of plan files (for editors: see...
  score       Score and rank the units of PLAN by SCORECARD from FACTS...
  status      Who has reported the facts of a period: the chase list of...
  template    Write the fact template an agency fills in for a period.
  test        Run the test cases in CASES (files or folders) against...
  validate    Check PLAN and its included files; print every problem...
"""


def main() -> None:
    """The ``cchc`` program: ``--help`` and ``--version`` answered here when the help is the
    usual one (:data:`HELP`), anything else by click (:func:`group`), with the collector run
    less often (:func:`_collect_less`), the engine's generated code kept
    (:func:`engine.dccache.install`), and the process ended at once when the command is done
    (:func:`_exit`): call it as a program, not from code that goes on afterwards."""
    args = sys.argv[1:]
    named = os.path.basename(sys.argv[0]) == "cchc"
    if (named and args in (["--help"], ["-h"], ["--version"]) and _width() == 78
            and (sys.stdout.encoding or "").lower().replace("-", "") == "utf8"):
        try:
            sys.stdout.write(f"{VERSION}\n" if args == ["--version"]
                             else HELP)
            sys.stdout.flush()
            return
        except (OSError, UnicodeEncodeError):  # said by click, as the commands' _out says it
            pass
    _collect_less()
    if args and args[0] not in ("--help", "-h", "--version"):
        from .dccache import install

        install()  # the engine's generated code (its dataclasses', formulas'), kept
    try:
        group().main(prog_name="cchc" if named else None)
    except SystemExit as done:  # how click ends, in every case
        _exit(done)
        raise


#: The cyclic garbage collector's first threshold in the program: a collection after this many
#: more container objects made than freed, rather than Python's 700.
GC_THRESHOLD = 50_000


def _collect_less() -> None:
    """Run the cyclic garbage collector less often: a program that imports its modules and
    loads a plan makes tens of thousands of objects that live until it ends, and collecting
    every 700 of them (and again, older, every 7,000) took a warm run's time as long as
    evaluating. Cycles are still collected, in batches of :data:`GC_THRESHOLD`."""
    import gc

    first, *older = gc.get_threshold()
    if 0 < first < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *older)


def _exit(done: SystemExit) -> None:
    """End the program at once with ``done``'s status, once what it wrote is flushed and the
    ``atexit`` functions have run: what is left is freeing the objects of the plan, the facts
    and the report one by one, which took a warm run's time as long as evaluating. Returns
    (for Python to exit as usual) when the status is not a number or a stream cannot be
    flushed, so that Python says what it always says then."""
    code = done.code
    if code is None:
        code = 0
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 255:
        return
    if not _flushed():
        return
    import atexit

    atexit._run_exitfuncs()  # (which also unregisters them)
    if not _flushed():  # what an atexit function wrote
        return
    os._exit(code)


def _flushed() -> bool:
    """Whether standard output and error were flushed (without error)."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BaseException:
        return False
    return True


def _width() -> int:
    """The width of click's help (``HelpFormatter``): the terminal's columns (``COLUMNS``
    first; 80 when not a terminal) up to 80, less 2."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns or 80, 80) - 2, 50)


def keep_no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Keep ``--no-cache`` in the context, where :mod:`engine.commands` reads it for each load:
    plans are then loaded from their files only, the cache neither read nor written."""
    if value:
        ctx.meta["cchc.no_cache"] = True
    return value


def show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``: what click's ``version_option`` does, without looking its English up in
    the system's message catalogues (a search of the disk for each of its two texts, on every
    run)."""
    if not value or ctx.resilient_parsing:
        return
    import click

    click.echo(VERSION, color=ctx.color)
    ctx.exit()


@functools.cache
def group() -> click.Group:
    """The command line (``engine.cli.main``) as a click group whose commands, those of
    :mod:`engine.commands`, are imported when one runs."""
    import click

    class Commands(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted(COMMANDS)

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            """The command ``cmd_name``, from its module (:data:`MODULES`), imported now."""
            where = MODULES.get(cmd_name)
            if where is None:
                return None
            from importlib import import_module

            command: click.Command = getattr(import_module(f"engine.commands.{where}"),
                                             cmd_name.replace("-", "_"))
            return command

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            """The list of commands, as click writes it, from :data:`COMMANDS`."""
            names = sorted(COMMANDS)
            limit = formatter.width - 6 - max(len(n) for n in names)
            rows = [(n, click.Command(n, help=COMMANDS[n]).get_short_help_str(limit))
                    for n in names]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    @click.group(cls=Commands, help=ABOUT,
                 context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--version", is_flag=True, expose_value=False, is_eager=True,
                  callback=show_version, help="Show the version and exit.")
    @click.option("--no-cache", is_flag=True, expose_value=False, callback=keep_no_cache,
                  is_eager=True, help=NO_CACHE_HELP)
    def cchc() -> None:
        pass

    return cchc
