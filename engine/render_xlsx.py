"""The report as an Excel workbook (``.xlsx``), for the officers who sort, filter and print it.

:func:`render_xlsx` returns the bytes of a workbook with three sheets:

* **Tổng hợp** (Summary): the plan, its decision, the period and its data window, the due and
  as-of dates, how many agencies reported every fact they owe, and the count of indicators per
  status (with the same Vietnamese words as the table), overall and by area;
* **Chỉ tiêu** (Indicators): one row per indicator, with its area, its full name (wrapped, never
  cut), its value as a number cell (a share or a rate formatted as a percentage, so Excel sorts and
  sums it), the target, the deadline as a date cell, the status in words, what holds it back, the
  count of missing facts and the coverage;
* **Theo cơ quan** (By agency): one row per agency that is a unit of some indicator's breakdown
  (with its name, kind and district), and for each such indicator two columns, the unit's own
  value and status: with the filter buttons and frozen headers an officer ranks the districts.

A status cell is filled with a colour and holds the status in words, so a sheet printed in black
and white reads the same. Text from the plan (names, titles, ids) goes through
:func:`engine.escape.visible`, so a control character is written out (``\\x1b``) as in every other
output (a worksheet cannot even hold one); and it is always stored as text: a name that starts
with ``=``, ``+``, ``-`` or ``@`` is a string cell marked as such (Excel's leading apostrophe),
never a formula, also after an officer edits it.

The workbook is the same for the same report, byte for byte: its dates are the report's as-of
date, not the time it was written. The function writes no file; the command line does
(``cchc evaluate --format xlsx -o FILE``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from . import __version__
from .escape import visible, visible_lines
from .i18n import Words, check
from .model import Plan
from .render import _WORDS, STATUS_WORDS, _shown
from .report import STATUSES, IndicatorResult, Report, Status
from .values import Unknown, Value, format_value

#: The most characters an Excel cell holds; a longer text is cut there, with ``…``.
MAX_CELL_CHARS = 32_767
#: How a spreadsheet tells a formula (OWASP "CSV injection"): such a text is marked as text.
_FORMULA_START = ("=", "+", "-", "@")

SHEET_NAMES = Words("Excel report: sheet", {
    "summary": "Summary",
    "indicators": "Indicators",
    "agencies": "By agency",
})

#: The kinds of agency (``kind:`` in the plan), in words.
KIND_WORDS = Words("Excel report: kind of agency", {
    "province": "province",
    "department": "department",
    "sector_agency": "sector agency",
    "centre": "centre",
    "district": "district",
    "commune": "commune",
    "unit": "unit",
})

_XWORDS = Words("Excel report", {
    "plan": "Plan",
    "decision": "Decision",
    "window": "Data window",
    "due": "Report due",
    "as_of": "As of",
    "dated": "of",
    "owed": "Agencies that owe facts",
    "complete": "Agencies that reported every fact",
    "incomplete": "Agencies with facts missing",
    "missing_facts": "Facts missing",
    "count": "Indicators",
    "by_area": "Statuses by area",
    "unit": "Unit",
    "deadline": "Deadline",
    "holds_back": "Note (what holds it back)",
    "units_below": "Units below target",
    "facts_missing": "Facts missing",
    "reported": "Agencies reported",
    "expected": "Agencies that owe facts",
    "source": "Source",
    "kind": "Kind",
    "district": "District",
    "yes": "yes",
    "no": "no",
    "made_by": "Made with cchc",
    "by_agency_title": "Each agency's own results",
    "note_indicators": "Sheet '{sheet}': one row per indicator; values are numbers (shares "
                       "formatted as %), to sort and filter.",
    "note_agencies": "Sheet '{sheet}': each unit's own value and status for the indicators with a "
                     "breakdown by unit; an empty cell: the agency is not a unit of that "
                     "indicator (it is counted in the unit above it, or is outside the scope).",
    "note_exact": "Cells hold floating-point numbers, enough for display; the exact values "
                  "(fractions) are in the JSON report (--format json).",
    "unit_percent": "share (%)",
    "unit_rate": "rate (%)",
    "unit_score": "score",
    "unit_count": "count",
    "unit_bool": "yes/no",
    "unit_category": "category",
    "unit_date": "date",
})

_DATE_FORMAT = {"vi": "dd/mm/yyyy", "en": "yyyy-mm-dd"}
_PERCENT_FORMAT = "0.00%"
_WHOLE_FORMAT = "#,##0"
_DECIMAL_FORMAT = "#,##0.00"

# Fills as Excel's own "good, bad, neutral" cell styles, so the colours look familiar.
_STATUS_FILL = {
    "met": ("C6EFCE", "006100"),
    "not_met": ("FFC7CE", "9C0006"),
    "pending": ("FFEB9C", "9C5700"),
    "unknown": ("E4DFEC", "5B2C6F"),
    "not_applicable": ("EDEDED", "404040"),
}
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
#: The date every part of the zip archive is stamped with (the earliest a zip can say).
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def render_xlsx(report: Report, lang: str = "vi") -> bytes:
    """The bytes of an ``.xlsx`` workbook of ``report``: the summary, the indicators and the
    agency × indicator sheets (see the module's documentation), names in ``lang`` (``"vi"`` or
    ``"en"``; English falls back to Vietnamese where the plan has no gloss).

        >>> import engine
        >>> plan = engine.load_plan("tests/data/plans/minimal.yaml")
        >>> data = render_xlsx(engine.evaluate(plan, {}, period="q1"))
        >>> data[:2]
        b'PK'
    """
    lang = check(lang, "render_xlsx(lang=)")
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    names = SHEET_NAMES[lang]
    summary.title = names["summary"]
    _summary_sheet(summary, report, lang)
    _indicators_sheet(wb.create_sheet(names["indicators"]), report, lang)
    _agencies_sheet(wb.create_sheet(names["agencies"]), report, lang)
    return _save(wb, report)


# --- cells ----------------------------------------------------------------------------------


def text_value(text: str, *, lines: bool = False) -> str:
    r"""``text`` as a worksheet holds it: control and invisible characters written out
    (:func:`engine.escape.visible`: a worksheet cannot hold most of them, and they would reach
    whoever reads the sheet), line breaks too unless ``lines``, and cut at
    :data:`MAX_CELL_CHARS`.

        >>> text_value("Sở\x1b[2J Nội vụ")
        'Sở\\x1b[2J Nội vụ'
    """
    shown = visible_lines(text) if lines else visible(text)
    if len(shown) > MAX_CELL_CHARS:
        shown = shown[: MAX_CELL_CHARS - 1] + "…"
    return shown


def _cell(ws: Worksheet, row: int, col: int) -> Cell:
    cell = ws.cell(row=row, column=col)
    assert isinstance(cell, Cell), "a cell written to is never inside a merged range"
    return cell


def put_text(ws: Worksheet, row: int, col: int, text: str, *, lines: bool = False) -> Cell:
    """Write ``text`` into a cell as text (:func:`text_value`), never as a formula: a text that
    starts with ``=``, ``+``, ``-`` or ``@`` keeps the string type and Excel's quote prefix, so
    it stays text when an officer edits the cell."""
    cell = _cell(ws, row, col)
    shown = text_value(text, lines=lines)
    cell.value = shown
    cell.data_type = "s"  # openpyxl takes a value starting with '=' for a formula
    if shown.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


def _put(ws: Worksheet, row: int, col: int, value: object, number_format: str | None = None
         ) -> Cell:
    """A number, date or empty cell (text goes through :func:`put_text`)."""
    if isinstance(value, str):
        return put_text(ws, row, col, value)
    cell = _cell(ws, row, col)
    cell.value = value  # type: ignore[assignment]
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _put_value(ws: Worksheet, row: int, col: int, value: Value, unit: str, lang: str) -> Cell:
    """An indicator's value as a cell Excel computes with: a number (a share or a rate as a
    percentage), a date, yes/no in words, a category as text; empty when unknown."""
    words = _XWORDS[lang]
    if isinstance(value, Unknown):
        return _cell(ws, row, col)
    if isinstance(value, bool):
        return put_text(ws, row, col, words["yes"] if value else words["no"])
    if isinstance(value, dt.date):
        return _put(ws, row, col, value, _DATE_FORMAT[lang])
    if isinstance(value, str):
        return put_text(ws, row, col, value)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or abs(number) >= 1e308:  # beyond what a cell holds
        return put_text(ws, row, col, format_value(value))
    if unit in ("percent", "rate"):
        fmt = _PERCENT_FORMAT
    elif isinstance(value, Fraction) and value.denominator != 1:
        fmt = _DECIMAL_FORMAT
    else:
        fmt = _WHOLE_FORMAT
    return _put(ws, row, col, int(value) if isinstance(value, int) else number, fmt)


def _put_status(ws: Worksheet, row: int, col: int, status: Status, lang: str) -> Cell:
    """The status in words, on its colour."""
    cell = put_text(ws, row, col, STATUS_WORDS[lang][status])
    background, colour = _STATUS_FILL[status]
    cell.fill = PatternFill("solid", fgColor=background)
    cell.font = Font(color=colour, bold=status == "not_met")
    return cell


def _header(ws: Worksheet, row: int, titles: Sequence[str], first_col: int = 1) -> None:
    for i, title in enumerate(titles):
        cell = put_text(ws, row, first_col + i, title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BOX


def _widths(ws: Worksheet, widths: Sequence[float], first_col: int = 1) -> None:
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(first_col + i)].width = w


def _printable(ws: Worksheet, title_rows: str | None = None) -> None:
    """Landscape A4, as wide as one page, header rows on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    if title_rows is not None:
        ws.print_title_rows = title_rows


# --- the sheets -----------------------------------------------------------------------------


def _summary_sheet(ws: Worksheet, report: Report, lang: str) -> None:
    w, x = _WORDS[lang], _XWORDS[lang]
    plan = report.plan
    period = plan.periods[report.period]
    date_format = _DATE_FORMAT[lang]
    put_text(ws, 1, 1, plan.title.text(lang)).font = _TITLE_FONT
    rows: list[tuple[str, object, str | None]] = [
        (x["plan"], f"{plan.id} ({plan.year})", None),
    ]
    if plan.decision is not None:
        d = plan.decision
        text = d.number
        if d.date is not None:
            text += f" {x['dated']} " + (d.date.strftime("%d/%m/%Y") if lang == "vi"
                                          else d.date.isoformat())
        if d.signer:
            text += f" ({d.signer})"
        rows.append((x["decision"], text, None))
    rows += [
        (w["period"], f"{period.name.text(lang)} ({report.period})", None),
        (x["window"], _date_range(period.start, period.end, lang), None),
        (x["due"], period.due, date_format),
        (x["as_of"], report.as_of, date_format),
    ]
    if report.agency is not None:
        a = plan.agencies[report.agency]
        rows.append((w["agency"], f"{a.name.text(lang)} ({a.id})", None))
    owed, incomplete, missing = _reporting(report)
    rows += [
        (x["owed"], len(owed), _WHOLE_FORMAT),
        (x["complete"], len(owed - incomplete), _WHOLE_FORMAT),
        (x["incomplete"], len(incomplete), _WHOLE_FORMAT),
        (x["missing_facts"], missing, _WHOLE_FORMAT),
    ]
    row = 3
    for label, value, fmt in rows:
        put_text(ws, row, 1, label).font = _BOLD
        cell = _put(ws, row, 2, value, fmt)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        row += 1

    row += 1
    _header(ws, row, [w["status"], x["count"]])
    counts = _status_counts(report, report.results)
    for status in STATUSES:
        row += 1
        _put_status(ws, row, 1, status, lang).border = _BOX
        _put(ws, row, 2, counts[status], _WHOLE_FORMAT).border = _BOX
    row += 1
    put_text(ws, row, 1, w["total"]).font = _BOLD
    total = _put(ws, row, 2, len(report.results), _WHOLE_FORMAT)
    total.font = _BOLD

    row += 2
    put_text(ws, row, 1, x["by_area"]).font = _BOLD
    row += 1
    _header(ws, row, [w["area"], *(STATUS_WORDS[lang][s] for s in STATUSES), w["total"]])
    for area in plan.areas.values():
        results = [r for r in report.results if r.indicator.area == area.id]
        if not results:
            continue
        row += 1
        put_text(ws, row, 1, area.name.text(lang)).alignment = _WRAP
        counts = _status_counts(report, results)
        for i, status in enumerate(STATUSES):
            _put(ws, row, 2 + i, counts[status], _WHOLE_FORMAT)
        _put(ws, row, 2 + len(STATUSES), len(results), _WHOLE_FORMAT).font = _BOLD

    row += 2
    names = SHEET_NAMES[lang]
    for note in (x["note_indicators"].format(sheet=names["indicators"]),
                 x["note_agencies"].format(sheet=names["agencies"]), x["note_exact"],
                 f"{x['made_by']} {__version__}."):
        put_text(ws, row, 1, note).alignment = Alignment(wrap_text=False, vertical="top")
        row += 1
    _widths(ws, [42, 44, 14, 14, 14, 14, 10])
    _printable(ws)


def _indicators_sheet(ws: Worksheet, report: Report, lang: str) -> None:
    w, x = _WORDS[lang], _XWORDS[lang]
    plan = report.plan
    titles = [w["id"], w["area"], w["indicator"], x["unit"], w["value"], w["target"],
              x["deadline"], w["status"], x["holds_back"], x["units_below"], x["facts_missing"],
              x["reported"], x["expected"], x["source"]]
    _header(ws, 1, titles)
    date_format = _DATE_FORMAT[lang]
    for row, r in enumerate(report.results, start=2):
        ind = r.indicator
        value, status, note = _shown(report, r, lang)
        units = [u for u in r.agencies if u.status in ("not_met", "pending")]
        missing = (r.agencies[0].missing if report.agency is not None and r.agencies
                   else r.missing)
        put_text(ws, row, 1, ind.id)
        put_text(ws, row, 2, plan.areas[ind.area].name.text(lang))
        put_text(ws, row, 3, ind.name.text(lang))
        put_text(ws, row, 4, x.get(f"unit_{ind.unit}", ind.unit))
        _put_value(ws, row, 5, value, ind.unit, lang)
        put_text(ws, row, 6, target_words(r, lang))
        _put(ws, row, 7, r.deadline, date_format)
        _put_status(ws, row, 8, status, lang)
        put_text(ws, row, 9, note)
        _put(ws, row, 10, len(units) if r.agencies and report.agency is None else None,
             _WHOLE_FORMAT)
        _put(ws, row, 11, len(missing), _WHOLE_FORMAT)
        _put(ws, row, 12, r.coverage.reported, _WHOLE_FORMAT)
        _put(ws, row, 13, r.coverage.expected, _WHOLE_FORMAT)
        put_text(ws, row, 14, ind.source or "")
        for col in range(1, len(titles) + 1):
            cell = ws.cell(row=row, column=col)
            cell.border = _BOX
            cell.alignment = _WRAP if col in (2, 3, 6, 9, 14) else _TOP
    _widths(ws, [30, 24, 60, 11, 11, 16, 12, 15, 40, 10, 10, 11, 11, 10])
    ws.row_dimensions[1].height = 45
    last = max(len(report.results) + 1, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{last}"
    ws.freeze_panes = "D2"
    _printable(ws, "1:1")


def _agencies_sheet(ws: Worksheet, report: Report, lang: str) -> None:
    """Rows: the agencies that are a unit of some indicator's breakdown, in the plan's order.
    Columns: the agency (id, name, kind, district), then, for each indicator with a breakdown,
    the unit's own value and status."""
    w, x = _WORDS[lang], _XWORDS[lang]
    plan = report.plan
    results = breakdown_results(report)
    agencies = breakdown_agencies(report)
    fixed = [w["id"], w["agency"], x["kind"], x["district"]]
    first = len(fixed) + 1
    put_text(ws, 1, 1, x["by_agency_title"]).font = _TITLE_FONT
    ws.cell(row=1, column=1).alignment = Alignment(vertical="top")
    _header(ws, 2, fixed)
    tallest = 1
    for i, r in enumerate(results):
        col = first + 2 * i
        parts = [r.id, r.indicator.name.text(lang)]
        if any(u.members for u in r.agencies):
            parts.append(f"({w['with']} {w['below_it']})")
        # each part on its own line; a line break inside a name is written out, as elsewhere
        cell = put_text(ws, 1, col, "\n".join(visible(p) for p in parts), lines=True)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 1)
        tallest = max(tallest, _lines(r.indicator.name.text(lang), 30) + 2)
        _header(ws, 2, [w["value"], w["status"]], col)
    index = {a: row for row, a in enumerate(agencies, start=3)}
    for a, row in index.items():
        agency = plan.agencies[a]
        put_text(ws, row, 1, a)
        put_text(ws, row, 2, agency.name.text(lang))
        put_text(ws, row, 3, KIND_WORDS[lang].get(agency.kind, agency.kind))
        put_text(ws, row, 4, _district(plan, a, lang))
    for i, r in enumerate(results):
        col = first + 2 * i
        for unit in r.agencies:
            row = index[unit.agency]
            _put_value(ws, row, col, unit.value, r.indicator.unit, lang)
            _put_status(ws, row, col + 1, unit.status, lang)
    _widths(ws, [24, 34, 16, 22])
    _widths(ws, [12, 15] * len(results), first)
    ws.row_dimensions[1].height = min(409, 15 * tallest)
    ws.row_dimensions[2].height = 30
    last_col = get_column_letter(max(first - 1 + 2 * len(results), len(fixed)))
    ws.auto_filter.ref = f"A2:{last_col}{max(len(agencies) + 2, 3)}"
    ws.freeze_panes = ws.cell(row=3, column=first).coordinate
    _printable(ws, "1:2")


# --- what the sheets show -------------------------------------------------------------------


def breakdown_results(report: Report) -> list[IndicatorResult]:
    """The results of ``report`` that have a breakdown by unit: the columns of the agency
    sheet."""
    return [r for r in report.results if r.agencies]


def breakdown_agencies(report: Report) -> list[str]:
    """Every agency that is a unit of some result's breakdown, in the plan's order: the rows of
    the agency sheet."""
    units = {u.agency for r in report.results for u in r.agencies}
    return [a for a in report.plan.agencies if a in units]


_SIMPLE_TARGET = re.compile(
    r"value\s*(>=|<=|==|!=|>|<)\s*([-+]?[0-9][0-9_]*(?:\.[0-9]+)?%?|[A-Za-z_][A-Za-z0-9_.]*)")
_OPERATORS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠", ">": ">", "<": "<"}


def target_words(result: IndicatorResult, lang: str = "vi") -> str:
    """The target as an officer reads it: ``≥ 80%`` for ``value >= 80%``, ``Có`` (``yes``) for
    ``value`` alone; any other target as written, on one line."""
    text = " ".join(result.indicator.target.text.split())
    if text == "value":
        return _XWORDS[lang]["yes"]
    m = _SIMPLE_TARGET.fullmatch(text)
    if m:
        return f"{_OPERATORS[m.group(1)]} {m.group(2)}"
    return text


def _reporting(report: Report) -> tuple[set[str], set[str], int]:
    """The agencies that owe a fact the report's indicators read in its period, those of them
    that did not report every such fact, and the count of ``(agency, fact)`` pairs missing."""
    plan = report.plan
    owed: set[str] = set()
    incomplete: set[str] = set()
    missing: set[tuple[str, str]] = set()
    for r in report.results:
        facts = [plan.facts[f] for f in r.indicator.facts if report.period in plan.facts[f].periods]
        reporters = {a for f in facts for a in f.reporters}
        owed |= reporters & set(r.indicator.population)
        incomplete |= set(r.coverage.missing_agencies)
        missing |= set(r.missing)
    if report.agency is not None:
        mine = {report.agency, *plan.descendants(report.agency)}
        owed &= mine
        incomplete &= mine
        missing = {(a, f) for a, f in missing if a in mine}
    return owed, incomplete & owed, len(missing)


def _status_counts(report: Report, results: Sequence[IndicatorResult]) -> dict[Status, int]:
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for r in results:
        counts[_shown(report, r, "en")[1]] += 1
    return counts


def _district(plan: Plan, agency: str, lang: str) -> str:
    """The district an agency is in (itself, for a district), else empty."""
    current: str | None = agency
    while current is not None:
        a = plan.agencies[current]
        if a.kind == "district":
            return a.name.text(lang)
        current = a.parent
    return ""


def _date_range(start: dt.date, end: dt.date, lang: str) -> str:
    if lang == "vi":
        return f"{start.strftime('%d/%m/%Y')} – {end.strftime('%d/%m/%Y')}"
    return f"{start.isoformat()} – {end.isoformat()}"


def _lines(text: str, width: int) -> int:
    """About how many lines ``text`` takes wrapped in a cell ``width`` characters wide."""
    return max(1, math.ceil(len(text) / width))


def _save(wb: Workbook, report: Report) -> bytes:
    """The workbook's bytes, the same for the same report: the document's dates are the as-of
    date, and every part of the archive carries one fixed time."""
    when = dt.datetime.combine(report.as_of, dt.time())
    wb.properties.creator = f"cchc {__version__}"
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.title = text_value(report.plan.title.vi)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
