"""``cchc status``: who has reported the facts of a period, the chase list."""

from __future__ import annotations

import sys

import click

from engine.i18n import _, ngettext

from . import (
    _OPTION_LABELS,
    FACTS,
    PLAN,
    _as_of,
    _facts_warnings,
    _lang,
    _limits,
    _load_plan,
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


@click.command("status")
@_reads_facts
@PLAN
@FACTS
@period()
@as_of("The day the list is drawn up (default: today); after the period's due date, an agency "
       "that is not complete is late.")
@fmt(click.Choice(["table", "markdown", "csv", "json", "xlsx"]), "table",
     "xlsx writes a workbook: give -o FILE.xlsx.")
@_lang("Language of the list.")
@click.option("--fail-on", "fail_on", metavar="STATES",
              help="Exit 1 when any agency is in one of these: missing, partial, invalid, late "
                   "(e.g. missing,invalid).")
@output("Write to FILE instead of standard output.")
@force()
@_reads_files
@_speaks_json
def status(plan_path: str, facts_paths: tuple[str, ...], period: str, as_of: str | None,
           fmt: str, lang: str, fail_on: str | None, output: str | None,
           force: bool) -> None:
    """Who has reported the facts of a period: the chase list of every agency that reports in
    it, with what it has filled, what is missing, refused values, and who is late."""
    import datetime as dt
    import shutil

    from engine import render_status
    from engine.escape import visible
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
    found = reporting_status(plan, list(facts_paths), period=period,
                             as_of=when if isinstance(when, dt.date) else None,
                             max_file_bytes=_limits()["max_file_bytes"])
    _facts_warnings(found.warnings)
    if fmt == "xlsx":
        assert output is not None
        _write_file(output, render_status.render_status_xlsx(found, lang))
    else:
        text = (render_status.render_status_json(found) if fmt == "json" else
                render_status.render_status_markdown(found, lang) if fmt == "markdown" else
                render_status.render_status_csv(found, lang, bom=output is not None)
                if fmt == "csv" else
                render_status.render_status_table(
                    found, lang, shutil.get_terminal_size((100, 24)).columns))
        if output is None:
            _out(text, nl=False)
        else:
            _write_file(output, text)
    tripped = [a for a in found.agencies if any(a.has(c) for c in wanted)]
    if tripped:
        width = max(len(a.agency) for a in tripped)
        total = len(found.agencies)
        _say(ngettext("--fail-on {states}: {n} of {total} agencies is in a listed state:",
                      "--fail-on {states}: {n} of {total} agencies are in a listed state:",
                      len(tripped)).format(states=",".join(wanted), n=len(tripped),
                                           total=total))
        for a in tripped:
            states = [a.state] + [c for c in ("invalid", "late") if a.has(c)]
            _say(visible(f"  {a.agency.ljust(width)}  {', '.join(states)}"))
        sys.exit(1)
