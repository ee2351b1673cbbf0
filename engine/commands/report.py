"""``cchc evaluate``: the report of a period, in a format to read, print, send or process."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from engine.i18n import _, ngettext

from . import (
    _BOM,
    FACTS,
    PLAN,
    _check_bom,
    _evaluate,
    _lang,
    _needs_file,
    _out,
    _reads_facts,
    _reads_files,
    _refuse_existing,
    _say,
    _speaks_json,
    _write_file,
    as_of,
    fmt,
    force,
    output,
    period,
)

if TYPE_CHECKING:
    from engine.report import IndicatorResult, Report


@click.command("evaluate")
@_reads_facts
@PLAN
@FACTS
@period()
@as_of("Date the report is made on (default: the period's due date).")
@fmt(click.Choice(["table", "json", "markdown", "csv", "html", "xlsx", "docx"]), "table",
     "html: one self-contained page to open, print on A4 or send; xlsx: an Excel workbook "
     "(summary, indicators, agency x indicator); docx: the Word annex (phụ lục); xlsx and docx "
     "to a file given with -o.")
@_lang("Language of the report.")
@click.option("--area", help="Only the indicators of this area.")
@click.option("--agency", help="Only the indicators measured over this agency.")
@click.option("--fail-on", "fail_on", metavar="STATUSES",
              help="Exit 1 when any indicator has one of these statuses, e.g. not_met,unknown.")
@output("Write the report to FILE instead of standard output (needed for xlsx and docx).")
@force()
@_BOM
@_reads_files
@_speaks_json
def evaluate(plan_path: str, facts_paths: tuple[str, ...], period: str, as_of: str | None,
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
            from engine.escape import visible

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
    from engine.escape import visible

    width = max(len(r.id) for r in tripped)
    _say(ngettext("--fail-on {statuses}: {n} of {total} indicators has a listed status:",
                  "--fail-on {statuses}: {n} of {total} indicators have a listed status:",
                  len(tripped)).format(statuses=",".join(statuses), n=len(tripped),
                                       total=total))
    for r in tripped:
        _say(visible(f"  {r.id.ljust(width)}  {r.status}"))
