"""``cchc template``: the fact template an agency fills in for a period (YAML, CSV, or an Excel
workbook per agency)."""

from __future__ import annotations

from typing import Literal

import click

from engine.i18n import _, ngettext

from . import (
    _BOM,
    PATH,
    PLAN,
    _cannot_write,
    _check_bom,
    _lang,
    _load_plan,
    _out,
    _reads_files,
    _refuse_existing,
    _say,
    _speaks_json,
    _usage,
    _write_file,
    fmt,
    force,
    output,
    period,
)


@click.command("template")
@PLAN
@period("The period id (q1, h1, q3, year).")
@click.option("--agency", default=None, help="One agency id (default: every reporting agency).")
@fmt(click.Choice(["yaml", "csv", "xlsx"]), "yaml",
     "YAML with labels as comments, CSV with a label column, or an Excel workbook per agency "
     "(needs -o).")
@output("Write to FILE instead of standard output; for xlsx without --agency, the FOLDER that "
        "receives one workbook per agency (AGENCY.xlsx).", PATH)
@force("Overwrite existing output files.")
@_lang("Language of the xlsx workbook's labels, names and sheet titles.")
@_BOM
@_reads_files
@_speaks_json
def template(plan_path: str, period: str, agency: str | None, fmt: str,
             output: str | None, force: bool, lang: str, bom: bool | None) -> None:
    """Write the fact template an agency fills in for a period.

    With --format xlsx: -o FILE.xlsx and --agency A for one agency's workbook, or -o FOLDER
    without --agency for a workbook per reporting agency (FOLDER/snv.xlsx, ...): the quarter's
    mailing in one command."""
    from engine.template import template as fact_template

    _check_bom(bom, fmt == "csv")
    if fmt == "xlsx":
        _template_xlsx(plan_path, period, agency, output, force, "en" if lang == "en" else "vi")
        return
    if output is not None and not force:
        _refuse_existing(output)
    plan = _load_plan(plan_path)
    text = fact_template(plan, period, agency, "csv" if fmt == "csv" else "yaml",
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

    from engine.escape import visible
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
