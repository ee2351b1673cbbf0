"""The commands of the ``cchc`` command line, and what they share.

Each command lives in a module of this package, one module for each command or each group of
related commands, imported only when one of its commands runs (:func:`engine.launcher.group`
looks a command up in :data:`engine.launcher.MODULES`): a run of ``cchc evaluate`` builds the
options of ``evaluate`` and no other command's.

- :mod:`.report`: ``evaluate``, the report of a period.
- :mod:`.explain`: ``explain``, how one result of it was derived.
- :mod:`.status`: ``status``, who has reported.
- :mod:`.plans`: ``validate``, ``indicators``, ``periods``, ``agencies``, ``graph``,
  ``schema``: what a plan says.
- :mod:`.changes`: ``diff`` and ``new-year``: from one plan to the next.
- :mod:`.template`: ``template``, what an agency fills in.
- :mod:`.cases`: ``test``, the plan's test cases.
- :mod:`.score`: ``score``, scorecards.
- :mod:`.expr`: ``expr``, the formula playground.

Each command is the module's attribute named like it (``new-year``: ``new_year``). This module
holds what they all share (every command imports it, so it costs no import of its own): how they
write their output and their errors, the options several of them take, and how they load a plan.

Each command parses its options, makes one library call, renders the result and returns an exit
code: 0 success, 1 when a ``--fail-on`` condition holds, 2 invalid input or output that cannot
be written (:func:`_out`: a full disk, a closed pipe). Every command goes through
:func:`_speaks_json`: a diagnostic the library raises is printed as
``{"diagnostics": [...]}`` on stdout when the command was asked for JSON (``--format json``,
``expr --json``), as text on stderr otherwise. Arguments that name something in the plan
(``--period``, ``--area``, ``--agency``, ``--indicator``, ``--as-of``) are checked by the
library's own :func:`engine.report.check_arguments`, so they fail with the same codes as a
library call.

An option that several commands take is defined here once (:data:`PLAN`, :data:`FACTS`,
:func:`period`, :func:`fmt`, :func:`output`, :func:`force`, :func:`_lang`...), with the click
types they share (:data:`FILE`, :data:`PATH`). Only click and the engine's root modules are
imported here; each command imports what it uses, so that a command's run loads what it needs.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

import engine
from engine.i18n import N_, _
from engine.launcher import NO_CACHE_HELP, keep_no_cache

if TYPE_CHECKING:
    from engine.facts import Facts
    from engine.model import Plan
    from engine.report import Report

EXIT_INVALID = 2

#: Where a diagnostic about an option points: the option, as the user wrote it.
_OPTION_LABELS = {"period": "--period", "as_of": "--as-of", "area": "--area",
                  "agency": "--agency", "indicator": "--indicator"}

P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])
#: What ``click.option(...)`` and ``click.argument(...)`` return: a decorator that adds the
#: parameter to the command it is applied to (a new parameter for each command).
Decorator = Callable[[F], F]


# -- writing: the output, the errors ------------------------------------------------------------


def _out(text: str, nl: bool = True) -> None:
    """Write ``text`` to standard output. When that fails (a full disk, ``/dev/full``, a pipe
    whose reader has gone: ``| head -1``), say so on stderr and exit 2, never a traceback."""
    try:
        click.echo(text, nl=nl)
    except (OSError, UnicodeEncodeError) as e:
        _drop_stdout()
        reason = (_("its encoding ({encoding}) cannot hold the text; set "
                    "PYTHONIOENCODING=utf-8").format(encoding=e.encoding)
                  if isinstance(e, UnicodeEncodeError) else e.strerror or str(e))
        _cannot_write(_("to standard output"), reason)


def _drop_stdout() -> None:
    """Point standard output at the null device, so that what is left in its buffer cannot
    fail again (with a traceback) when Python flushes it on exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


def _say(text: str) -> None:
    """Write a line for the user to stderr; if even that fails, there is no one to tell."""
    import contextlib

    with contextlib.suppress(OSError, UnicodeEncodeError):
        click.echo(text, err=True)


def _cannot_write(where: str, reason: str) -> NoReturn:
    """``error: cannot write WHERE: REASON`` on stderr, exit 2."""
    from engine.escape import visible

    _say(visible(_("error: cannot write {where}: {reason}").format(where=where, reason=reason)))
    sys.exit(EXIT_INVALID)


def _usage(message: str) -> NoReturn:
    """``error: MESSAGE`` on stderr, exit 2: options that do not go together."""
    from engine.escape import visible

    _say(visible(_("error: {message}").format(message=message)))
    sys.exit(EXIT_INVALID)


def _fail(err: engine.EngineError, as_json: bool = False) -> NoReturn:
    """Print ``err``'s diagnostics (JSON on stdout, or text on stderr) and exit 2: at most
    ``--max-diagnostics`` of one code, and how many of each code were left out."""
    from engine.diagnostics import capped

    limit = _max_diagnostics()
    if as_json:
        shown, omitted = capped(err.diagnostics, limit)
        data: dict[str, Any] = {"diagnostics": [d.to_dict() for d in shown]}
        if omitted:
            data["omitted"] = omitted
        _echo_json(data)
    else:
        _say(err.render(limit))
    sys.exit(EXIT_INVALID)


def _max_diagnostics() -> int:
    """``--max-diagnostics`` of the command running (the default when it has none)."""
    from engine.diagnostics import MAX_SHOWN_PER_CODE

    ctx = click.get_current_context(silent=True)
    return MAX_SHOWN_PER_CODE if ctx is None else \
        int(ctx.meta.get("cchc.max_diagnostics", MAX_SHOWN_PER_CODE))


def _speaks_json(command: Callable[P, None]) -> Callable[P, None]:
    """Run ``command``; a diagnostic it raises is printed the way the command was asked to
    print (``--format json`` or ``--json``: JSON on stdout, nothing on stderr), exit 2."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        from engine import i18n

        with i18n.use(click.get_current_context().meta.get("cchc.lang", "vi")):
            try:
                command(*args, **kwargs)
            except engine.EngineError as err:
                _fail(err, kwargs.get("fmt") == "json" or kwargs.get("as_json") is True)

    return run


def _json_text(data: Any) -> str:
    """``data`` as indented JSON, with what a terminal would act on escaped (no line break at
    the end)."""
    import json

    from engine.escape import json_safe

    return json_safe(json.dumps(data, ensure_ascii=False, indent=2))


def _echo_json(data: Any) -> None:
    _out(_json_text(data))


def _refuse_existing(output: str) -> None:
    """Exit 2 when ``output`` exists (the user did not say --force) or cannot even be looked
    at (a name too long for the file system)."""
    from engine.escape import visible

    try:
        os.stat(output)
    except FileNotFoundError:
        return
    except OSError as e:
        _cannot_write(f"'{output}'", e.strerror or str(e))
    _say(visible(_("error: '{output}' already exists; use --force to overwrite it").format(
        output=output)))
    sys.exit(EXIT_INVALID)


def _write_file(output: str, text: str | bytes) -> None:
    """Write ``text`` (UTF-8, line breaks as they are) or ``bytes`` (a workbook) to ``output``
    atomically: through a temporary file created securely in the same folder (never a fixed
    name a link could stand in for), then renamed over the target.
    On any failure (a full disk, a name too long, no permission) nothing is left behind and the
    reason is said, exit 2. A device or a pipe (``-o /dev/stdout``) is written into, never
    replaced by a file."""
    import stat
    import tempfile
    from pathlib import Path

    data = text.encode("utf-8") if isinstance(text, str) else text
    target = Path(output)
    try:
        special = not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        special = False
    if special:
        try:
            with open(target, "wb") as out:
                out.write(data)
        except OSError as e:
            _cannot_write(f"'{output}'", e.strerror or str(e))
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:64]}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as e:
        _cannot_write(f"'{output}'", e.strerror or str(e))
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as e:
        os.unlink(tmp)
        _cannot_write(f"'{output}'", e.strerror or str(e))
    except BaseException:
        os.unlink(tmp)
        raise


#: Formats that are files, not text: what they are and the suffix of their files.
_DOCUMENTS = {"xlsx": (N_("an Excel workbook"), ".xlsx"),
              "docx": (N_("a Word document"), ".docx")}


def _needs_file(fmt: str, output: str | None) -> None:
    """Exit 2 when ``fmt`` writes a document (:data:`_DOCUMENTS`) and no ``-o`` names its file:
    a workbook is not text for a terminal or a pipe."""
    if fmt in _DOCUMENTS and output is None:
        what, suffix = _DOCUMENTS[fmt]
        _say(_("error: --format {fmt} writes {what}, which is not text for a terminal or a "
               "pipe: name the file with -o FILE{suffix}").format(fmt=fmt, what=_(what),
                                                                 suffix=suffix))
        sys.exit(EXIT_INVALID)


def _check_bom(bom: bool | None, is_csv: bool) -> None:
    """``--bom`` and ``--no-bom`` are about CSV: a usage error with any other format."""
    if bom is not None and not is_csv:
        raise click.UsageError(f"--{'' if bom else 'no-'}bom applies to --format csv only")


# -- the options several commands take -----------------------------------------------------------

#: A file (``PLAN``, ``-o FILE``): click refuses a folder.
FILE = click.Path(dir_okay=False)
#: A file or a folder (``FACTS...``, ``CASES...``).
PATH = click.Path()

#: ``PLAN``, a plan file, for a command that reads a plan and more.
PLAN: Decorator[Any] = click.argument("plan_path", metavar="PLAN", type=FILE)
#: ``PLAN`` of the commands that only show a plan (validate, the listings): any path, which the
#: loader refuses with its own diagnostic when it is not a plan file.
PLAN_ANY: Decorator[Any] = click.argument("plan_path", metavar="PLAN")
#: ``FACTS...``, fact files and folders, at least one.
FACTS: Decorator[Any] = click.argument("facts_paths", metavar="FACTS...", nargs=-1,
                                       required=True, type=PATH)


def period(help: str = "Period id, e.g. q1, h1, q3, year.") -> Decorator[Any]:
    """``--period`` (required), with its help for the command."""
    return click.option("--period", required=True, help=help)


def as_of(help: str) -> Decorator[Any]:
    """``--as-of YYYY-MM-DD``, with its help for the command (read by :func:`_as_of`)."""
    return click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help=help)


def fmt(choices: click.Choice[str], default: str, help: str | None = None) -> Decorator[Any]:
    """``--format`` among ``choices``, the default shown in the help."""
    return click.option("--format", "fmt", type=choices, default=default, show_default=True,
                        help=help)


def output(help: str, type: click.Path = FILE) -> Decorator[Any]:
    """``-o, --output`` (standard output by default), with its help for the command."""
    return click.option("-o", "--output", type=type, default=None, help=help)


def force(help: str = "Overwrite an existing output file.") -> Decorator[Any]:
    """``--force``: overwrite what ``-o`` names."""
    return click.option("--force", is_flag=True, help=help)


#: ``--format text|json``.
TEXT_OR_JSON = click.Choice(["text", "json"])

#: ``--bom/--no-bom`` of the commands that write CSV (checked by :func:`_check_bom`).
_BOM: Decorator[Any] = click.option(
    "--bom/--no-bom", default=None,
    help="CSV: start with a UTF-8 byte order mark, which Excel needs to read Vietnamese "
         "letters. Default: with -o FILE, yes; on standard output, no.")


def _keep_lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Keep ``--lang`` in the command's context, for :func:`_speaks_json`."""
    ctx.meta["cchc.lang"] = value
    return value


_LANGS = click.Choice(["vi", "en"])


def _lang(help: str = "", expose: bool = True) -> Decorator[Any]:
    """``--lang vi|en`` (or ``$CCHC_LANG``), which every command takes: the language of its
    messages and diagnostics (:mod:`engine.i18n`), and of what it writes when ``help`` says
    so; Vietnamese by default, for officers. Without ``expose``, the command does not see it."""
    return click.option(
        "--lang", type=_LANGS, default="vi", show_default=True,
        envvar="CCHC_LANG", expose_value=expose, callback=_keep_lang, is_eager=True,
        help=(help + " " if help else "") + "Language of messages and diagnostics: vi "
        "(Vietnamese) or en (English); $CCHC_LANG sets it too.")


def _keep(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
    """Keep ``--root`` and ``--max-file-size`` in the command's context, for its loads."""
    if param.name == "max_file_size" and value is not None:
        from engine.files import parse_size

        try:
            ctx.meta["cchc.max_file_bytes"] = parse_size(value)
        except ValueError as e:
            raise click.BadParameter(str(e)) from None
    elif param.name == "root":
        ctx.meta["cchc.root"] = value
    return value


def _keep_cap(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """Keep ``--max-diagnostics`` in the command's context, for :func:`_fail`."""
    if value is not None:
        ctx.meta["cchc.max_diagnostics"] = value
    return value


_NO_CACHE: Decorator[Any] = click.option("--no-cache", is_flag=True, expose_value=False,
                                         callback=keep_no_cache, help=NO_CACHE_HELP)
_MAX_DIAGNOSTICS: Decorator[Any] = click.option(
    "--max-diagnostics", metavar="N", type=click.IntRange(min=0), expose_value=False,
    callback=_keep_cap,
    help="Show at most N diagnostics of one code, then how many more there are (0: all). "
         "Default: 20.")
_MAX_FILE_SIZE: Decorator[Any] = click.option(
    "--max-file-size", metavar="SIZE", expose_value=False, callback=_keep,
    help="Refuse any file larger than SIZE: bytes, or with K, M, G (KiB, MiB, GiB). "
         "Default: 64M.")
_ROOT: Decorator[Any] = click.option(
    "--root", metavar="DIR", expose_value=False, callback=_keep,
    type=click.Path(exists=True, file_okay=False),
    help="Read files that a plan or case names (include, extends, plan) only inside DIR. "
         "Default: the folder of PLAN (test: the folder holding PLAN and CASES).")


def _reads_files(command: Callable[P, None]) -> Callable[P, None]:
    """The options of a command that reads plans, facts or cases (kept by :func:`_keep`)."""
    with_options: Callable[P, None] = _ROOT(_MAX_FILE_SIZE(_MAX_DIAGNOSTICS(_NO_CACHE(command))))
    return with_options


def _keep_strict(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta["cchc.strict"] = value
    return value


#: ``--strict`` of a command that reads fact files (kept in the context, as ``--root``): the
#: warnings about entries of a facts folder that are not read become errors.
_reads_facts: Decorator[Any] = click.option(
    "--strict", is_flag=True, expose_value=False, callback=_keep_strict,
    help="Treat files of a facts folder that are not read (W680-W684: a README, the lock "
         "file ~$x.xlsx of a sheet open in Excel, a subfolder) as errors: exit 2.")


# -- loading ------------------------------------------------------------------------------------


def _limits() -> dict[str, Any]:
    """``root=`` and ``max_file_bytes=`` for the library, as the options gave them."""
    from engine.files import MAX_FILE_BYTES

    meta = click.get_current_context().meta
    return {"root": meta.get("cchc.root"),
            "max_file_bytes": meta.get("cchc.max_file_bytes", MAX_FILE_BYTES)}


def _load_plan(path: str) -> Plan:
    """The plan at ``path``, from the compiled-plan cache unless ``--no-cache``."""
    from engine.loader import load_plan

    no_cache = click.get_current_context().meta.get("cchc.no_cache", False)
    plan = load_plan(path, **_limits(), cache=not no_cache)
    if not no_cache:  # the code generated for its formulas, kept beside it by the program
        from engine.cache import directory
        from engine.dccache import keep_formulas

        folder = directory(True)
        if folder is not None:
            keep_formulas(folder)
    return plan


def _facts_warnings(warnings: tuple[engine.Diagnostic, ...]) -> None:
    """Name the entries of a facts folder that were not read on stderr, or, with ``--strict``,
    raise them as errors."""
    from engine.diagnostics import render_all
    from engine.messages import warning_as_error

    if not warnings:
        return
    if click.get_current_context().meta.get("cchc.strict"):
        raise engine.FactsError([warning_as_error(d) for d in warnings])
    _say(render_all(warnings, _max_diagnostics()))


def _as_of(text: str | None) -> object:
    """``--as-of`` as a date; as written when it is not one, for the library to refuse (E803)."""
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _evaluate(plan_path: str, facts_paths: tuple[str, ...], period: str, as_of: str | None,
              area: str | None = None, agency: str | None = None, *,
              indicator: str | None = None, narrow: bool = True) -> tuple[Facts, Report]:
    """Load the plan, check the options against it, load the facts and evaluate them. The
    report is narrowed to ``agency`` when ``narrow`` (else the agency is only checked)."""
    import datetime as dt

    from engine.cache import cached_facts
    from engine.report import check_arguments
    from engine.report import evaluate as report

    plan = _load_plan(plan_path)
    when = _as_of(as_of)
    check_arguments(plan, period=period, as_of=when, area=area, agency=agency,
                    indicator=indicator, labels={**_OPTION_LABELS, "indicator": "INDICATOR"})
    paths, limit = list(facts_paths), _limits()["max_file_bytes"]

    def load() -> Facts:
        from engine.facts import load_facts

        return load_facts(plan, paths, period=period, max_file_bytes=limit)

    # From the cache the plan came from (none with --no-cache): unchanged files are not
    # checked again.
    facts = cached_facts(plan, paths, period, limit, load)
    _facts_warnings(facts.warnings)
    return facts, report(plan, facts, period=period,
                         as_of=when if isinstance(when, dt.date) else None, area=area,
                         agency=agency if narrow else None)
