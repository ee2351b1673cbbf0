"""The ``cchc`` command line (``cchc``, ``python -m engine``): a thin shell over the library.

Each command parses its options, makes one library call, renders the result and returns an exit
code: 0 success, 1 when a ``--fail-on`` condition holds, 2 invalid input or output that cannot
be written (:func:`_out`: a full disk, a closed pipe). Every command goes through
:func:`_speaks_json`: a diagnostic the library raises is printed as
``{"diagnostics": [...]}`` on stdout when the command was asked for JSON (``--format json``,
``expr --json``), as text on stderr otherwise. Arguments that name something in the plan
(``--period``, ``--area``, ``--agency``, ``--indicator``, ``--as-of``) are checked by the
library's own :func:`engine.report.check_arguments`, so they fail with the same codes as a
library call.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NoReturn, ParamSpec

import click

import engine
from engine.escape import json_safe, visible
from engine.i18n import N_, _, ngettext
from engine.launcher import NO_CACHE_HELP, keep_no_cache

if TYPE_CHECKING:
    from engine.facts import Facts
    from engine.model import Plan
    from engine.report import IndicatorResult, Report

# Only the engine's root module is imported here; each command imports what it uses, so
# `cchc --help` starts without loading the parser, YAML, jsonschema or networkx.

EXIT_INVALID = 2

#: Where a diagnostic about an option points: the option, as the user wrote it.
_OPTION_LABELS = {"period": "--period", "as_of": "--as-of", "area": "--area",
                  "agency": "--agency", "indicator": "--indicator"}

P = ParamSpec("P")


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
    import os

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
    _say(visible(_("error: cannot write {where}: {reason}").format(where=where, reason=reason)))
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


def _keep_lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Keep ``--lang`` in the command's context, for :func:`_speaks_json`."""
    ctx.meta["cchc.lang"] = value
    return value


def _lang(help: str = "", expose: bool = True) -> Callable[[Callable[P, None]],
                                                              Callable[P, None]]:
    """``--lang vi|en`` (or ``$CCHC_LANG``), which every command takes: the language of its
    messages and diagnostics (:mod:`engine.i18n`), and of what it writes when ``help`` says
    so; Vietnamese by default, for officers. Without ``expose``, the command does not see it."""
    return click.option(
        "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
        envvar="CCHC_LANG", expose_value=expose, callback=_keep_lang, is_eager=True,
        help=(help + " " if help else "") + "Language of messages and diagnostics: vi "
        "(Vietnamese) or en (English); $CCHC_LANG sets it too.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(engine.__version__, prog_name="cchc")
@click.option("--no-cache", is_flag=True, expose_value=False, callback=keep_no_cache,
              is_eager=True, help=NO_CACHE_HELP)
def main() -> None:
    """cchc: rules-as-code for administrative reform plans (kế hoạch cải cách hành chính)."""


_TYPE_NAMES = ("number", "bool", "date", "text")


def _is_name(text: str) -> bool:
    """Whether ``text`` is a name of the language (``received``, ``procedures.on_time``)."""
    from engine.nodes import Name
    from engine.parser import parse

    try:
        node = parse(text)
    except engine.EngineError:
        return False
    return isinstance(node, Name) and node.name == text


@main.command("expr")
@click.argument("expression")
@click.option("--set", "sets", multiple=True, metavar="NAME=LITERAL",
              help='Bind a name to a literal: --set received=1200 --set group=\'"B"\'.')
@click.option("--missing", "missing", multiple=True, metavar="NAME:TYPE",
              help="Declare a fact of type number, bool, date or text that was not reported.")
@click.option("--json", "as_json", is_flag=True,
              help="Print value, type and unknown reasons (or the diagnostics) as JSON.")
@_lang(expose=False)
@_speaks_json
def expr_cmd(expression: str, sets: tuple[str, ...], missing: tuple[str, ...],
             as_json: bool) -> None:
    """Evaluate EXPRESSION: the playground for trying a formula."""
    from engine.builtins import Type
    from engine.language import parse_literal
    from engine.source import Source

    scalars: dict[str, Any] = {}
    types: dict[str, Type] = {}
    for item in sets:
        name, sep, literal = item.partition("=")
        if not sep or not _is_name(name.strip()):
            raise click.BadParameter(f"'{visible(item)}' is not NAME=LITERAL",
                                     param_hint="--set")
        src = Source(f"--set {name.strip()}", literal)
        value, typ = parse_literal(literal, src)
        scalars[name.strip()] = value
        types[name.strip()] = typ
    for item in missing:
        name, sep, tname = item.partition(":")
        if not sep or tname.strip() not in _TYPE_NAMES or not _is_name(name.strip()):
            raise click.BadParameter(
                f"'{visible(item)}' is not NAME:TYPE with TYPE one of number, bool, date, text",
                param_hint="--missing")
        if name.strip() in scalars:
            raise click.BadParameter(f"'{name.strip()}' is given by --set too",
                                     param_hint="--missing")
        types[name.strip()] = Type(tname.strip())
    formula = engine.compile_formula(expression, engine.Symbols(types, types))
    from engine.evaluator import Context, Row
    from engine.messages import describe_reason

    ctx = Context(scalars, (Row("", "", scalars),))
    value = formula.evaluate(ctx)
    if as_json:
        reasons = value.sorted_reasons() if isinstance(value, engine.Unknown) else []
        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)  # an exact whole number may have any number of digits
        try:
            text = json.dumps({
                "value": engine.json_value(value),
                "type": formula.type.value,
                "unknown": [describe_reason(r) for r in reasons],
            }, ensure_ascii=False)
        finally:
            sys.set_int_max_str_digits(limit)
        _out(json_safe(text))
    else:
        _out(visible(engine.format_value(value)))


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


def _reads_files(command: Callable[P, None]) -> Callable[P, None]:
    """The options of a command that reads plans, facts or cases (kept by :func:`_keep`)."""
    command = click.option("--no-cache", is_flag=True, expose_value=False, callback=keep_no_cache,
                           help=NO_CACHE_HELP)(command)
    command = click.option(
        "--max-diagnostics", metavar="N", type=click.IntRange(min=0), expose_value=False,
        callback=_keep_cap,
        help="Show at most N diagnostics of one code, then how many more there are (0: all). "
             "Default: 20.")(command)
    command = click.option(
        "--max-file-size", metavar="SIZE", expose_value=False, callback=_keep,
        help="Refuse any file larger than SIZE: bytes, or with K, M, G (KiB, MiB, GiB). "
             "Default: 64M.")(command)
    return click.option(
        "--root", metavar="DIR", expose_value=False, callback=_keep,
        type=click.Path(exists=True, file_okay=False),
        help="Read files that a plan or case names (include, extends, plan) only inside DIR. "
             "Default: the folder of PLAN (test: the folder holding PLAN and CASES).")(command)


def _limits() -> dict[str, Any]:
    """``root=`` and ``max_file_bytes=`` for the library, as the options gave them."""
    from engine.files import MAX_FILE_BYTES

    meta = click.get_current_context().meta
    return {"root": meta.get("cchc.root"),
            "max_file_bytes": meta.get("cchc.max_file_bytes", MAX_FILE_BYTES)}


def _reads_facts(command: Callable[P, None]) -> Callable[P, None]:
    """``--strict`` of a command that reads fact files (kept in the context, as ``--root``):
    the warnings about entries of a facts folder that are not read become errors."""
    def keep(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
        ctx.meta["cchc.strict"] = value
        return value

    return click.option(
        "--strict", is_flag=True, expose_value=False, callback=keep,
        help="Treat files of a facts folder that are not read (W680-W684: a README, the lock "
             "file ~$x.xlsx of a sheet open in Excel, a subfolder) as errors: exit 2.")(command)


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


def _echo_json(data: Any) -> None:
    _out(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))


_BOM = click.option(
    "--bom/--no-bom", default=None,
    help="CSV: start with a UTF-8 byte order mark, which Excel needs to read Vietnamese "
         "letters. Default: with -o FILE, yes; on standard output, no.")


def _check_bom(bom: bool | None, is_csv: bool) -> None:
    """``--bom`` and ``--no-bom`` are about CSV: a usage error with any other format."""
    if bom is not None and not is_csv:
        raise click.UsageError(f"--{'' if bom else 'no-'}bom applies to --format csv only")


_LANG = _lang("Language of names (English falls back to Vietnamese).")


@main.command("validate")
@click.argument("plan_path", metavar="PLAN")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: the diagnostics (or the summary) on stdout.")
@_reads_files
@click.option("--strict", is_flag=True,
              help="Treat warnings (W9xx: words of a name that disagree with its target or "
                   "the plan's year) as errors: exit 2.")
@_lang(expose=False)
@_speaks_json
def validate_cmd(plan_path: str, fmt: str, strict: bool) -> None:
    """Check PLAN and its included files; print every problem (exit 2) or a summary (exit 0).

    Warnings are printed like errors (on stderr, or in the JSON's diagnostics) and do not
    change the exit status unless --strict."""
    from engine.diagnostics import render_all
    from engine.messages import warning_as_error
    from engine.render_plan import render_summary, summary_data

    plan = _load_plan(plan_path)
    if strict and plan.warnings:
        raise engine.PlanError([warning_as_error(d) for d in plan.warnings])
    if fmt == "json":
        data = summary_data(plan)
        data["diagnostics"] = [d.to_dict() for d in plan.warnings]
        _echo_json(data)
        return
    count = len(plan.warnings)
    if count:
        _say(render_all(plan.warnings, _max_diagnostics()))
    _out(render_summary(plan, count))


@dataclass(frozen=True)
class _Listing:
    """A command that lists one part of a plan, as text (``text_format``) or JSON. ``data`` and
    ``render`` name functions of ``engine.render_plan`` (by name, so that ``cchc --help`` does
    not import it): the JSON data of a plan, and its text in a language."""

    name: str
    text_format: str
    help: str
    data: str
    render: str


_LISTINGS = (
    _Listing("indicators", "table", "List the indicators of PLAN: id, names, unit, owner, "
             "scope, target, deadline, source.", "indicators_data", "render_indicators"),
    _Listing("periods", "table", "List the reporting periods of PLAN: data window and report "
             "due date.", "periods_data", "render_periods"),
    _Listing("agencies", "tree", "Show the agency hierarchy of PLAN as a tree, then its groups.",
             "agencies_data", "render_agencies"),
)


def _add_listing(listing: _Listing) -> None:
    @main.command(listing.name, help=listing.help)
    @click.argument("plan_path", metavar="PLAN")
    @click.option("--format", "fmt", type=click.Choice([listing.text_format, "json"]),
                  default=listing.text_format, show_default=True)
    @_LANG
    @_reads_files
    @_speaks_json
    def command(plan_path: str, fmt: str, lang: str) -> None:
        from engine import render_plan

        plan = _load_plan(plan_path)
        if fmt == "json":
            _echo_json(getattr(render_plan, listing.data)(plan))
        else:
            _out(getattr(render_plan, listing.render)(plan, lang))


for _listing in _LISTINGS:
    _add_listing(_listing)


@main.command("schema")
@_lang(expose=False)
def schema_cmd() -> None:
    """Print the JSON Schema of plan files (for editors: see docs/plan-format.md)."""
    from engine.loader import plan_schema

    _echo_json(plan_schema())


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
    from engine.report import check_arguments, evaluate

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
    return facts, evaluate(plan, facts, period=period,
                           as_of=when if isinstance(when, dt.date) else None, area=area,
                           agency=agency if narrow else None)


@main.command("evaluate")
@_reads_facts
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("facts_paths", metavar="FACTS...", nargs=-1, required=True,
                type=click.Path())
@click.option("--period", required=True, help="Period id, e.g. q1, h1, q3, year.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Date the report is made on (default: the period's due date).")
@click.option("--format", "fmt",
              type=click.Choice(["table", "json", "markdown", "csv", "html", "xlsx", "docx"]),
              default="table", show_default=True,
              help="html: one self-contained page to open, print on A4 or send; xlsx: an Excel "
                   "workbook (summary, indicators, agency x indicator); docx: the Word annex "
                   "(phụ lục); xlsx and docx to a file given with -o.")
@_lang("Language of the report.")
@click.option("--area", help="Only the indicators of this area.")
@click.option("--agency", help="Only the indicators measured over this agency.")
@click.option("--fail-on", "fail_on", metavar="STATUSES",
              help="Exit 1 when any indicator has one of these statuses, e.g. not_met,unknown.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE instead of standard output (needed for xlsx and "
                   "docx).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@_BOM
@_reads_files
@_speaks_json
def evaluate_cmd(plan_path: str, facts_paths: tuple[str, ...], period: str, as_of: str | None,
                 fmt: str, lang: str, area: str | None, agency: str | None,
                 fail_on: str | None, output: str | None, force: bool,
                 bom: bool | None) -> None:
    """Evaluate PLAN against FACTS (files or folders) for one period."""
    from engine.report import STATUSES

    wanted: set[str] = set()
    if fail_on:
        wanted = {s.strip() for s in fail_on.split(",") if s.strip()}
        bad = sorted(wanted - set(STATUSES))
        if bad:
            raise click.BadParameter(_("unknown status {bad} (one of: {known})").format(
                bad=visible(", ".join(bad)), known=", ".join(STATUSES)), param_hint="--fail-on")
    _needs_file(fmt, output)
    _check_bom(bom, fmt == "csv")
    if output is not None and not force:
        _refuse_existing(output)
    _facts, report = _evaluate(plan_path, facts_paths, period, as_of, area, agency)
    out = _render_report(report, fmt, lang, output, bom)
    if output is None:
        assert isinstance(out, str)
        _out(out, nl=False)
    else:
        _write_file(output, out)
    tripped = [r for r in report.results if r.status in wanted]
    if tripped:
        _say_tripped(tripped, len(report.results), [s for s in STATUSES if s in wanted])
        sys.exit(1)


#: Report formats that are files, not text: what they are and the suffix of their files.
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


def _render_report(report: Report, fmt: str, lang: str, output: str | None,
                   bom: bool | None) -> str | bytes:
    """The report in ``fmt``: text, or the bytes of a workbook (``xlsx``) or a Word annex
    (``docx``)."""
    from engine.render import render_csv, render_json, render_markdown, render_table

    if fmt == "xlsx":
        from engine.render_xlsx import render_xlsx

        return render_xlsx(report, lang)
    if fmt == "docx":
        from engine.report_docx import render_docx

        return render_docx(report, lang)
    if fmt == "html":
        from engine.report_html import render_html

        return render_html(report, lang)
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report, lang)
    if fmt == "csv":
        return render_csv(report, bom=output is not None if bom is None else bom)
    colour = output is None and sys.stdout.isatty() and "NO_COLOR" not in __import__(
        "os").environ
    return render_table(report, lang, colour, _columns(output))


def _columns(output: str | None) -> int:
    """The width of the table: the terminal's (which ``COLUMNS`` overrides) when it is printed
    to one, else ``COLUMNS``, else :data:`engine.render.DEFAULT_WIDTH`."""
    import os

    from engine.render import DEFAULT_WIDTH

    if output is None and sys.stdout.isatty():
        import shutil  # (here: it imports the archive modules)

        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    columns = os.environ.get("COLUMNS", "").strip()
    return int(columns) if columns.isdigit() and int(columns) > 0 else DEFAULT_WIDTH


def _say_tripped(tripped: list[IndicatorResult], total: int, statuses: list[str]) -> None:
    """Say on stderr which indicators made ``--fail-on`` exit 1, each with its status."""
    width = max(len(r.id) for r in tripped)
    _say(ngettext("--fail-on {statuses}: {n} of {total} indicators has a listed status:",
                  "--fail-on {statuses}: {n} of {total} indicators have a listed status:",
                  len(tripped)).format(statuses=",".join(statuses), n=len(tripped),
                                       total=total))
    for r in tripped:
        _say(visible(f"  {r.id.ljust(width)}  {r.status}"))


@main.command("explain")
@_reads_facts
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("facts_path", metavar="FACTS", type=click.Path())
@click.argument("indicator")
@click.option("--period", required=True, help="Period id, e.g. q1.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Default: the period's due date.")
@click.option("--agency", help="Explain the result of one agency (with the agencies below it).")
@_lang("Language of the explanation.")
@_reads_files
@_speaks_json
def explain_cmd(plan_path: str, facts_path: str, indicator: str, period: str,
                as_of: str | None, agency: str | None, lang: str) -> None:
    """Show how INDICATOR's result was derived: formula, values, agencies."""
    from engine.render import render_explain

    facts, report = _evaluate(plan_path, (facts_path,), period, as_of, agency=agency,
                              indicator=indicator, narrow=False)
    result = report.result(indicator)
    if agency is not None and agency not in result.indicator.population:
        raise click.BadParameter(_("'{agency}' is not in the scope of {indicator}").format(
            agency=agency, indicator=indicator), param_hint="--agency")
    _out(render_explain(result, lang, agency, facts.where), nl=False)


@main.command("status")
@_reads_facts
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("facts_paths", metavar="FACTS...", nargs=-1, required=True,
                type=click.Path())
@click.option("--period", required=True, help="Period id, e.g. q1, h1, q3, year.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="The day the list is drawn up (default: today); after the period's due date, "
                   "an agency that is not complete is late.")
@click.option("--format", "fmt",
              type=click.Choice(["table", "markdown", "csv", "json", "xlsx"]), default="table",
              show_default=True, help="xlsx writes a workbook: give -o FILE.xlsx.")
@_lang("Language of the list.")
@click.option("--fail-on", "fail_on", metavar="STATES",
              help="Exit 1 when any agency is in one of these: missing, partial, invalid, late "
                   "(e.g. missing,invalid).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@_reads_files
@_speaks_json
def status_cmd(plan_path: str, facts_paths: tuple[str, ...], period: str, as_of: str | None,
               fmt: str, lang: str, fail_on: str | None, output: str | None,
               force: bool) -> None:
    """Who has reported the facts of a period: the chase list of every agency that reports in
    it, with what it has filled, what is missing, refused values, and who is late."""
    import datetime as dt
    import shutil

    from engine import render_status
    from engine.report import check_arguments
    from engine.status import CONDITIONS, reporting_status

    wanted: list[str] = []
    if fail_on:
        given = {c.strip() for c in fail_on.split(",") if c.strip()}
        bad = sorted(given - set(CONDITIONS))
        if bad:
            raise click.BadParameter(_("unknown state {bad} (one of: {known})").format(
                bad=visible(", ".join(bad)), known=", ".join(CONDITIONS)), param_hint="--fail-on")
        wanted = [c for c in CONDITIONS if c in given]
    _needs_file(fmt, output)
    if output is not None and not force:
        _refuse_existing(output)
    plan = _load_plan(plan_path)
    when = _as_of(as_of)
    check_arguments(plan, period=period, as_of=when, labels=_OPTION_LABELS)
    status = reporting_status(plan, list(facts_paths), period=period,
                              as_of=when if isinstance(when, dt.date) else None,
                              max_file_bytes=_limits()["max_file_bytes"])
    _facts_warnings(status.warnings)
    if fmt == "xlsx":
        assert output is not None
        _write_file(output, render_status.render_status_xlsx(status, lang))
    else:
        text = (render_status.render_status_json(status) if fmt == "json" else
                render_status.render_status_markdown(status, lang) if fmt == "markdown" else
                render_status.render_status_csv(status, lang, bom=output is not None)
                if fmt == "csv" else
                render_status.render_status_table(
                    status, lang, shutil.get_terminal_size((100, 24)).columns))
        if output is None:
            _out(text, nl=False)
        else:
            _write_file(output, text)
    tripped = [a for a in status.agencies if any(a.has(c) for c in wanted)]
    if tripped:
        width = max(len(a.agency) for a in tripped)
        total = len(status.agencies)
        _say(ngettext("--fail-on {states}: {n} of {total} agencies is in a listed state:",
                      "--fail-on {states}: {n} of {total} agencies are in a listed state:",
                      len(tripped)).format(states=",".join(wanted), n=len(tripped),
                                           total=total))
        for a in tripped:
            states = [a.state] + [c for c in ("invalid", "late") if a.has(c)]
            _say(visible(f"  {a.agency.ljust(width)}  {', '.join(states)}"))
        sys.exit(1)


@main.command("graph")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["dot", "mermaid", "json"]), default="dot",
              show_default=True)
@click.option("--indicator", help="Only this indicator and what it depends on.")
@_reads_files
@_lang(expose=False)
@_speaks_json
def graph_cmd(plan_path: str, fmt: str, indicator: str | None) -> None:
    """Print the dependency graph: indicators, the facts they read, the indicators they use."""
    from engine import graph
    from engine.report import check_arguments

    plan = _load_plan(plan_path)
    check_arguments(plan, indicator=indicator, labels=_OPTION_LABELS)
    render = {"dot": graph.to_dot, "mermaid": graph.to_mermaid, "json": graph.to_json}[fmt]
    text = render(plan, indicator)
    _out(text, nl=False)


@main.command("template")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--period", required=True, help="The period id (q1, h1, q3, year).")
@click.option("--agency", default=None, help="One agency id (default: every reporting agency).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv", "xlsx"]), default="yaml",
              show_default=True, help="YAML with labels as comments, CSV with a label column, "
              "or an Excel workbook per agency (needs -o).")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write to FILE instead of standard output; for xlsx without --agency, the "
                   "FOLDER that receives one workbook per agency (AGENCY.xlsx).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@_lang("Language of the xlsx workbook's labels, names and sheet titles.")
@_BOM
@_reads_files
@_speaks_json
def template_cmd(plan_path: str, period: str, agency: str | None, fmt: str,
                 output: str | None, force: bool, lang: str, bom: bool | None) -> None:
    """Write the fact template an agency fills in for a period.

    With --format xlsx: -o FILE.xlsx and --agency A for one agency's workbook, or -o FOLDER
    without --agency for a workbook per reporting agency (FOLDER/snv.xlsx, ...): the quarter's
    mailing in one command."""
    from engine.template import template

    _check_bom(bom, fmt == "csv")
    if fmt == "xlsx":
        _template_xlsx(plan_path, period, agency, output, force, "en" if lang == "en" else "vi")
        return
    if output is not None and not force:
        _refuse_existing(output)
    plan = _load_plan(plan_path)
    text = template(plan, period, agency, "csv" if fmt == "csv" else "yaml",
                    bom=fmt == "csv" and (output is not None if bom is None else bom))
    if output is None:
        _out(text, nl=False)
        return
    _write_file(output, text)


def _template_xlsx(plan_path: str, period: str, agency: str | None, output: str | None,
                   force: bool, lang: Literal["vi", "en"]) -> None:
    """``template --format xlsx``: one workbook (``--agency``) or a folder of them."""
    import os
    from pathlib import Path

    from engine.xlsx_template import template_workbook, template_workbooks

    if output is None:
        _usage(_("an Excel workbook is written to a file: give -o FILE.xlsx with --agency, or "
                 "-o FOLDER for every agency's workbook"))
    target = Path(output)
    try:
        is_dir, exists = target.is_dir(), target.exists()
    except OSError:  # a name too long to look at: writing it says why
        is_dir = exists = False
    if agency is not None:
        if is_dir:
            _usage(_("'{output}' is a folder: with --agency, give the workbook's file name "
                     "(-o snv.xlsx)").format(output=output))
        if not force:
            _refuse_existing(output)
        plan = _load_plan(plan_path)
        _write_files([(output, template_workbook(plan, period, agency, lang=lang))])
        return
    if target.suffix.lower() == ".xlsx" and not is_dir:
        _usage(_("'{output}' names a workbook: give --agency for one agency's workbook, or a "
                 "folder for every agency's").format(output=output))
    if exists and not is_dir:
        _usage(_("'{output}' is a file, not a folder").format(output=output))
    plan = _load_plan(plan_path)
    books = template_workbooks(plan, period, lang=lang)
    files = [(os.path.join(output, f"{a}.xlsx"), data) for a, data in books.items()]
    if not force:
        there = [f for f, _ in files if os.path.lexists(f)]
        if there:
            more = _(" and {n} more").format(n=len(there) - 3) if len(there) > 3 else ""
            _usage(_("{files}{more} already exist; use --force to overwrite them").format(
                files=", ".join(there[:3]), more=more))
    try:
        target.mkdir(exist_ok=True)
    except OSError as e:
        _cannot_write(f"'{output}'", e.strerror or str(e))
    _write_files(files)
    _say(visible(ngettext("wrote {n} workbook to {output}", "wrote {n} workbooks to {output}",
                          len(files)).format(n=len(files), output=output)))


def _usage(message: str) -> NoReturn:
    """``error: MESSAGE`` on stderr, exit 2: options that do not go together."""
    _say(visible(_("error: {message}").format(message=message)))
    sys.exit(EXIT_INVALID)


def _write_files(files: list[tuple[str, bytes]]) -> None:
    """Write each ``(path, data)`` atomically and all of them or none: every file goes to a
    temporary file created securely in its folder, and only once all are written are they
    renamed over their targets. On a failure (a full disk, no permission) the temporary files
    are removed, the reason is said, exit 2."""
    import os
    import tempfile
    from pathlib import Path

    done: list[tuple[str, str]] = []
    try:
        for output, data in files:
            target = Path(output)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:64]}.", suffix=".tmp",
                                       dir=target.parent)
            done.append((tmp, output))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        for tmp, output in done:
            os.replace(tmp, output)
    except OSError as e:
        for tmp, _target in done:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _cannot_write(f"'{output}'", e.strerror or str(e))
    except BaseException:
        for tmp, _target in done:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise


def _refuse_existing(output: str) -> None:
    """Exit 2 when ``output`` exists (the user did not say --force) or cannot even be looked
    at (a name too long for the file system)."""
    import os

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
    import os
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


@main.command("diff")
@click.argument("old_path", metavar="OLD", type=click.Path(dir_okay=False))
@click.argument("new_path", metavar="NEW", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True,
              help="Markdown is the table an officer attaches to the draft decision.")
@_reads_files
@_lang(expose=False)
@_speaks_json
def diff_cmd(old_path: str, new_path: str, fmt: str) -> None:
    """Show what changed in meaning from plan OLD to plan NEW (exit 0 even when they differ)."""
    from engine.diff import diff_plans
    from engine.render_diff import render_diff_json, render_diff_markdown, render_diff_text

    plans = []
    problems: list[engine.Diagnostic] = []
    for path in (old_path, new_path):
        try:
            plans.append(_load_plan(path))
        except engine.EngineError as err:
            problems.extend(err.diagnostics)
    if problems:
        raise engine.PlanError(problems)
    diff = diff_plans(plans[0], plans[1])
    render = {"text": render_diff_text, "markdown": render_diff_markdown,
              "json": render_diff_json}[fmt]
    _out(render(diff), nl=False)


@main.command("test")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("case_paths", metavar="CASES...", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_lang("Language of the explanations of failures.")
@_reads_files
@_speaks_json
def test_cmd(plan_path: str, case_paths: tuple[str, ...], fmt: str, lang: str) -> None:
    """Run the test cases in CASES (files or folders) against PLAN; exit 1 if any fails."""
    from engine.cases import load_cases, run_cases
    from engine.render_cases import render_results, render_results_json

    plan = _load_plan(plan_path)
    cases = load_cases(list(case_paths), plan, **_limits())
    results = run_cases(cases)
    out = render_results_json(results) if fmt == "json" else render_results(results, lang)
    _out(out, nl=False)
    if not all(r.passed for r in results):
        sys.exit(1)


@main.command("new-year")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--year", required=True, type=click.IntRange(1990, 2200),
              help="The year of the new plan.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the new plan here (default: print it).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@_reads_files
@_lang(expose=False)
@_speaks_json
def new_year_cmd(plan_path: str, year: int, output: str | None, force: bool) -> None:
    """Scaffold next year's plan: a plan that extends PLAN, with dates moved to YEAR."""
    import os
    from pathlib import Path

    from engine.newyear import new_year

    plan = _load_plan(plan_path)
    if year <= plan.year:
        raise click.BadParameter(_("{year} is not after the plan's year {plan_year}").format(
            year=year, plan_year=plan.year), param_hint="--year")
    target = Path(output) if output else None
    base = target.parent if target is not None else Path.cwd()
    parent_ref = os.path.relpath(Path(plan_path).resolve(), base.resolve()).replace(os.sep, "/")
    text = new_year(plan, parent_ref, year)
    if target is None:
        _out(text, nl=False)
        return
    if not force:
        _refuse_existing(str(target))
    if not target.parent.is_dir():
        raise click.BadParameter(visible(_("folder {folder} does not exist").format(
            folder=target.parent)), param_hint="-o")
    _write_file(str(target), text)
    _say(visible(_("wrote {target}: the {year} plan, extending {parent}").format(
        target=target, year=year, parent=plan_path)))


# -- cchc score (issue 16): scorecards, kept in one hunk ------------------------------------------


@main.command("score")
@_reads_facts
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("scorecard_path", metavar="SCORECARD", type=click.Path(dir_okay=False))
@click.argument("facts_paths", metavar="FACTS...", nargs=-1, required=True, type=click.Path())
@click.option("--period", required=True, help="Period id, e.g. year.")
@click.option("--format", "fmt",
              type=click.Choice(["table", "markdown", "csv", "json", "html", "xlsx"]),
              default="table", show_default=True,
              help="xlsx: an Excel workbook (one sheet per block, and the criteria), to a file "
                   "given with -o.")
@click.option("--unit", help="Explain one unit: every criterion, its input, rule and points.")
@click.option("--stages", is_flag=True,
              help="List the criteria where appraisal changed the self-assessment.")
@_lang("Language of the scorecard's labels, names and explanations.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE instead of standard output (needed for xlsx).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@_reads_files
@_speaks_json
def score_cmd(plan_path: str, scorecard_path: str, facts_paths: tuple[str, ...], period: str,
              fmt: str, unit: str | None, stages: bool, lang: str, output: str | None,
              force: bool) -> None:
    """Score and rank the units of PLAN by SCORECARD from FACTS (files or folders)."""
    from dataclasses import replace

    from engine import render_score as rs
    from engine.diagnostics import ArgumentError
    from engine.report import check_arguments
    from engine.scorecard import load_scorecard
    from engine.scoring import score

    if (unit is not None or stages) and fmt in ("csv", "html", "xlsx"):
        raise click.BadParameter(_("--unit and --stages write text or JSON, not {fmt}: use "
                                   "--format table (or markdown) or json").format(fmt=fmt),
                                 param_hint="--format")
    _needs_file(fmt, output)
    if output is not None and not force:
        _refuse_existing(output)
    plan = _load_plan(plan_path)
    check_arguments(plan, period=period, labels=_OPTION_LABELS)
    limits = _limits()
    card = load_scorecard(scorecard_path, plan=plan, root=limits["root"],
                          max_file_bytes=limits["max_file_bytes"])
    from engine.facts import load_facts

    facts = load_facts(card.fact_plan, list(facts_paths), period=period,
                       max_file_bytes=limits["max_file_bytes"])
    _facts_warnings(facts.warnings)
    report = score(plan, card, facts, period=period)
    out: str | bytes
    if unit is not None:
        try:
            found = report.unit(unit)
        except engine.EngineError as err:
            raise ArgumentError([replace(d, file="--unit")
                                        for d in err.diagnostics]) from None
        out = rs.render_unit_json(found) if fmt == "json" else rs.render_unit(report, unit,
                                                                              lang)
    elif stages:
        out = _echo_text_json({"stage_changes": [c.to_dict() for c in report.stage_changes()]}) \
            if fmt == "json" else rs.render_stage_changes(report, lang)
    elif fmt == "xlsx":
        out = rs.render_score_xlsx(report, lang)
    elif fmt == "html":
        out = rs.render_score_html(report, lang)
    elif fmt == "json":
        out = rs.render_score_json(report)
    elif fmt == "markdown":
        out = rs.render_score_markdown(report, lang)
    elif fmt == "csv":
        out = rs.render_score_csv(report, bom=output is not None)
    else:
        out = rs.render_score_table(report, lang)
    if output is None:
        assert isinstance(out, str)
        _out(out, nl=False)
    else:
        _write_file(output, out)


def _echo_text_json(data: Any) -> str:
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
