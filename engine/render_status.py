"""The chase list (:class:`engine.status.ReportingStatus`) as a table for the terminal, Markdown,
CSV, JSON and an Excel workbook. Returns strings (bytes for the workbook) only.

Text from the plan and the fact files (names, labels, file names, messages) goes through
:mod:`engine.escape` as in every output: written out in the table and Markdown, escaped the JSON
way in JSON, kept from starting a formula in CSV and in the workbook's cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import posixpath
from collections.abc import Mapping, Sequence

from .diagnostics import Diagnostic
from .escape import csv_row, json_safe, markdown_inline, visible
from .i18n import Words
from .numbers import format_date_local
from .render import KIND_HEADINGS, width, wrap
from .status import STATES, AgencyStatus, Group, ReportingStatus

#: The words of the chase list, by language.
WORDS = Words("reporting status", {
    "complete": "complete",
    "partial": "partial",
    "missing": "missing",
    "invalid": "invalid",
    "late": "late",
    "total": "Total",
    "agency": "Agency",
    "id": "Id",
    "state": "State",
    "facts": "Facts",
    "file": "File",
    "notes": "Notes",
    "missing_facts": "Missing",
    "errors": "Errors",
    "filled": "Filled",
    "due": "Due",
    "group": "Group",
    "period": "Period",
    "due_on": "due",
    "as_of": "as of",
    "days_late": "{n} days late",
    "days_left": "{n} days left",
    "today": "due today",
    "summary": "Summary",
    "of_total": "{n} agencies report in this period",
    "lacking": "still missing",
    "no_file": "no file",
    "blank": "file left blank",
    "error_count": "{n} errors",
    "problems": "Problems that belong to no agency listed",
    "read": "Read {n} files",
    "not_read": "{n} not read (see the warnings)",
    "sheet": "Reporting status",
    "problem_sheet": "Problems",
    "message": "Message",
    "place": "Place",
    "code": "Code",
    "help": "What to do",
    "yes": "yes",
    "no": "no",
    "of": "of",
    "warning": "warning",
    "error": "error",
    "kind": "Kind",
})

def _w(lang: str) -> Mapping[str, str]:
    return WORDS["en" if lang == "en" else "vi"]


def _period_line(status: ReportingStatus, lang: str) -> str:
    w = _w(lang)
    p = status.plan.periods[status.period]
    days = (status.due - status.as_of).days
    when = (w["days_late"].format(n=-days) if days < 0 else w["today"] if days == 0
            else w["days_left"].format(n=days))
    def day(d: dt.date) -> str:
        return format_date_local(d, lang)

    return (f"{w['period']}: {p.name.text(lang)} ({day(p.start)} – {day(p.end)}), "
            f"{w['due_on']} {day(p.due)}, {w['as_of']} {day(status.as_of)} ({when})")


def summary_line(status: ReportingStatus, lang: str = "vi") -> str:
    """``Tổng hợp: Đủ số liệu 3, Thiếu một phần 3, Chưa báo cáo 3 (9 cơ quan phải báo cáo)``,
    then the invalid and late counts when there are any."""
    w = _w(lang)
    s = status.summary
    line = (f"{w['summary']}: " + ", ".join(f"{w[state]} {s[state]}" for state in STATES)
            + f" ({w['of_total'].format(n=s['total'])})")
    flags = [f"{w[flag]} {s[flag]}" for flag in ("invalid", "late") if s[flag]]
    return line + ("; " + "; ".join(flags) if flags else "")


def group_heading(status: ReportingStatus, group: Group, lang: str = "vi") -> str:
    """The heading of a group: its kind, and for communes the district they are under."""
    kind = KIND_HEADINGS["en" if lang == "en" else "vi"].get(group.kind, group.kind)
    if group.district is None:
        return kind
    d = status.plan.agencies[group.district]
    return f"{kind} {_w(lang)['of']} {d.name.text(lang)}"


def _name(status: ReportingStatus, a: AgencyStatus, lang: str) -> str:
    """An agency by its name (its group's heading names the district of a commune)."""
    return status.plan.agencies[a.agency].name.text(lang)


def _label(status: ReportingStatus, fact: str, lang: str) -> str:
    return status.plan.facts[fact].label.text(lang)


def _where(d: Diagnostic) -> str:
    file, line, col, _, _ = d.location
    return f"{file}:{line}:{col}" if line else file


def _notes(status: ReportingStatus, a: AgencyStatus, lang: str) -> str:
    """What an officer chases the agency for: late, its errors, what it has not filled."""
    w = _w(lang)
    notes: list[str] = []
    if a.late:
        notes.append(w["late"].lower())
    if a.errors:
        first = a.errors[0]
        count = w["error_count"].format(n=len(a.errors)) if len(a.errors) > 1 else \
            w["error_count"].format(n=1).rstrip("s")
        notes.append(f"{count} ({posixpath.basename(_where(first))} {first.code}"
                     + (", …" if len(a.errors) > 1 else "") + ")")
    if a.state == "missing":
        notes.append(w["blank"] if a.arrived else w["no_file"])
    elif a.missing:
        notes.append(f"{w['lacking']}: " + "; ".join(_label(status, f, lang)
                                                     for f in a.missing))
    return "; ".join(notes)


def _files(a: AgencyStatus) -> str:
    return ", ".join(posixpath.basename(f.replace("\\", "/")) for f in a.files) or "-"


def _pad(text: str, size: int, right: bool = False) -> str:
    room = " " * max(0, size - width(text))
    return room + text if right else text + room


def render_status_table(status: ReportingStatus, lang: str = "vi", columns: int = 100) -> str:
    """The chase list for the terminal, every line at most ``columns`` wide: one row per agency,
    by name, grouped by kind, communes by district. Nothing is cut: names and file names wrap
    within their column (:func:`engine.render.wrap`), and the notes (what is missing, the
    errors) wrap in theirs or, when there is no room for one, on the lines under the row."""
    w = _w(lang)
    columns = max(columns, 60)
    head = [w["agency"], w["state"], w["facts"], w["file"], w["notes"]]
    rows = [(_name(status, a, lang), w[a.state], f"{len(a.filled)}/{len(a.due)}", _files(a),
             _notes(status, a, lang)) for a in status.agencies]
    widths = [max([width(visible(h))] + [width(visible(r[i])) for r in rows])
              for i, h in enumerate(head)]
    indent, gap = 2, 2
    names, files = widths[0], widths[3]
    fixed = indent + widths[1] + widths[2] + 3 * gap

    def share(space: int) -> None:
        """Give the names and the file names ``space`` cells: names no wider than 40 and file
        names than 24 (they wrap), then narrower down to 20 and 12, then names down to 8."""
        widths[0], widths[3] = min(names, 40), min(files, 24)
        while widths[0] + widths[3] > space and widths[0] > 20:
            widths[0] -= 1
        while widths[0] + widths[3] > space and widths[3] > 12:
            widths[3] -= 1
        while widths[0] + widths[3] > space and widths[0] > 8:
            widths[0] -= 1

    share(columns - fixed - gap - 30)
    room = columns - fixed - widths[0] - widths[3] - gap
    in_column = room >= 40 or room >= widths[4]  # otherwise the notes go under their row
    if not in_column:
        share(columns - fixed)
    widths[4] = max(width(visible(head[4])), min(widths[4], room)) if in_column else 0

    def line(cells: Sequence[str]) -> list[str]:
        name = wrap(cells[0], widths[0], "  ")
        file = wrap(cells[3], widths[3], "  ")
        notes = wrap(cells[4], widths[4]) if in_column and cells[4] else []
        out = []
        for i in range(max(len(name), len(file), len(notes))):
            shown = [name[i] if i < len(name) else "", visible(cells[1]) if i == 0 else "",
                     visible(cells[2]) if i == 0 else "", file[i] if i < len(file) else ""]
            text = " " * indent + (" " * gap).join(
                _pad(c, n, right=k == 2) for k, (c, n) in enumerate(zip(shown, widths,
                                                                        strict=False)))
            if i < len(notes):
                text += " " * gap + notes[i]
            out.append(text.rstrip())
        if cells[4] and not in_column:
            under = " " * (indent + 2)
            out += [under + more for more in wrap(cells[4], columns - len(under))]
        return out

    lines = [*wrap(status.plan.title.text(lang), columns),
             *wrap(_period_line(status, lang), columns), "",
             *line([*head[:4], head[4] if in_column else ""])]
    by_agency = dict(zip((a.agency for a in status.agencies), rows, strict=True))
    for group in status.groups():
        lines += ["", *wrap(group_heading(status, group, lang), columns)]
        for a in group.agencies:
            lines += line(by_agency[a.agency])
    if status.problems:
        lines += ["", *wrap(w["problems"] + ":", columns)]
        for d in status.problems:
            lines += ["  " + text for text in wrap(d.header(), columns - 2, "  ")]
    read = w["read"].format(n=len(status.files))
    if status.warnings:
        read += "; " + w["not_read"].format(n=len(status.warnings))
    lines += ["", *wrap(read, columns), *wrap(summary_line(status, lang), columns)]
    return "\n".join(text.rstrip() for text in lines) + "\n"


def _md(text: str) -> str:
    return markdown_inline(text)


def render_status_markdown(status: ReportingStatus, lang: str = "vi") -> str:
    """The chase list as Markdown, to send round or paste into the periodic report: a summary,
    then a table per group (agencies by name; their ids are in the CSV and JSON) with every
    missing fact and every error in full."""
    w = _w(lang)
    s = status.summary
    out = [f"# {_md(status.plan.title.text(lang))}", "", _md(_period_line(status, lang)) + ".",
           "", f"## {w['summary']}", "", f"| {w['state']} | n |", "|---|---:|"]
    out += [f"| {w[state]} | {s[state]} |" for state in STATES]
    out += [f"| {w[flag]} | {s[flag]} |" for flag in ("invalid", "late")]
    out.append(f"| **{w['total']}** | **{s['total']}** |")
    for group in status.groups():
        out += ["", f"## {_md(group_heading(status, group, lang))}", "",
                f"| {w['agency']} | {w['state']} | {w['facts']} | {w['file']} | "
                f"{w['missing_facts']} | {w['errors']} |", "|---|---|---:|---|---|---|"]
        for a in group.agencies:
            state = w[a.state] + (f", {w['late'].lower()}" if a.late else "")
            missing = "; ".join(_label(status, f, lang) for f in a.missing)
            errors = "; ".join(d.header() for d in a.errors)
            out.append(
                f"| {_md(_name(status, a, lang))} | {state} | {len(a.filled)}/{len(a.due)} | "
                f"{_md(', '.join(a.files)) or '-'} | {_md(missing)} | {_md(errors)} |")
    if status.problems:
        out += ["", f"## {w['problems']}", ""]
        out += [f"- {_md(d.header())}" for d in status.problems]
    return "\n".join(out) + "\n"


#: The columns of the CSV chase list.
CSV_COLUMNS = ("agency", "name", "kind", "district", "state", "late", "invalid", "filled", "due",
               "missing", "missing_labels", "errors", "files")


def render_status_csv(status: ReportingStatus, lang: str = "vi", bom: bool = False) -> str:
    """One row per agency (:data:`CSV_COLUMNS`), for spreadsheets; names and labels in
    ``lang``, several values in a cell separated by ``; ``. With ``bom``, the text starts with a
    byte order mark, which Excel needs to read the Vietnamese letters of a CSV file (``cchc
    status --format csv -o FILE`` writes one)."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in status.agencies:
        writer.writerow(csv_row([
            a.agency, status.plan.agencies[a.agency].name.text(lang), a.kind, a.district or "",
            a.state, str(a.late).lower(), str(a.is_invalid).lower(), len(a.filled), len(a.due),
            "; ".join(a.missing), "; ".join(_label(status, f, lang) for f in a.missing),
            "; ".join(d.header() for d in a.errors), "; ".join(a.files)]))
    return buf.getvalue()


def render_status_json(status: ReportingStatus) -> str:
    """Exactly ``status.to_dict()`` (``docs/status.schema.json``)."""
    return json_safe(json.dumps(status.to_dict(), ensure_ascii=False, indent=2)) + "\n"


def render_status_xlsx(status: ReportingStatus, lang: str = "vi") -> bytes:
    """The chase list as an Excel workbook: a sheet with one row per agency under a filter
    (group, id, name, state, late, invalid, filled, due, missing facts, files), and a sheet of
    every error and warning with its place."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    w = _w(lang)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = w["sheet"]

    def put(ws: Worksheet, row: int, col: int, value: object, bold: bool = False) -> Cell:
        cell = ws.cell(row=row, column=col)
        assert isinstance(cell, Cell)  # no cell of these sheets is merged
        if isinstance(value, str):
            cell.value = visible(value) if "\n" not in value else \
                "\n".join(visible(part) for part in value.split("\n"))
            cell.data_type = "s"  # a text, never a formula, whatever it starts with
        else:
            cell.value = value  # type: ignore[assignment]  # an int
        if bold:
            cell.font = Font(bold=True)
        return cell

    put(sheet, 1, 1, status.plan.title.text(lang), bold=True)
    put(sheet, 2, 1, _period_line(status, lang))
    put(sheet, 3, 1, summary_line(status, lang))
    head = [w["group"], w["id"], w["agency"], w["state"], w["late"].capitalize(),
            w["invalid"].capitalize(), w["filled"], w["due"], w["missing_facts"], w["file"]]
    top = 5
    for col, text in enumerate(head, start=1):
        put(sheet, top, col, text, bold=True)
    row = top
    wrap = Alignment(wrap_text=True, vertical="top")
    for group in status.groups():
        heading = group_heading(status, group, lang)
        for a in group.agencies:
            row += 1
            cells = [heading, a.agency, status.plan.agencies[a.agency].name.text(lang),
                     w[a.state], w["yes"] if a.late else w["no"],
                     w["yes"] if a.is_invalid else w["no"],
                     len(a.filled), len(a.due),
                     "\n".join(_label(status, f, lang) for f in a.missing), "\n".join(a.files)]
            for col, value in enumerate(cells, start=1):
                put(sheet, row, col, value).alignment = wrap
    sizes = [28, 14, 34, 16, 9, 12, 9, 12, 50, 30]
    for col, size in enumerate(sizes, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = size
    sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(head))}{max(row, top + 1)}"
    sheet.freeze_panes = f"A{top + 1}"

    problems = book.create_sheet(w["problem_sheet"])
    for col, text in enumerate([w["agency"], w["place"], w["code"], w["kind"], w["message"],
                                w["help"]], start=1):
        put(problems, 1, col, text, bold=True)
    found = [(a.agency, d) for a in status.agencies for d in a.errors]
    found += [("", d) for d in (*status.problems, *status.warnings)]
    for i, (agency, d) in enumerate(found, start=2):
        for col, value in enumerate([agency, _where(d), d.code, w[d.severity], d.message,
                                     d.help or ""], start=1):
            put(problems, i, col, value).alignment = wrap
    for col, size in enumerate([14, 40, 9, 10, 60, 60], start=1):
        problems.column_dimensions[get_column_letter(col)].width = size
    problems.auto_filter.ref = f"A1:F{max(len(found) + 1, 2)}"
    problems.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
