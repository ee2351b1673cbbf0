"""Excel fact sheets: the workbook an agency fills in for one period, written with openpyxl.

:func:`template_workbook` writes the workbook of one agency, :func:`template_workbooks` those of
every agency that reports in the period (what Sở Nội vụ mails out each quarter). The first
sheet (``Số liệu``, ``Facts`` in English) holds a header naming the plan, the period, its data
window and due date, and the agency, each by its id in column B (what
:func:`engine.fact_files.read_xlsx` checks when the sheet comes back), then one row per fact the
agency reports in the period: the fact id, its label, its unit, the value cell and how to fill
it in. Only the value cells can be edited: the sheet is protected, without a password, so that
ids and header are not changed by mistake. Each value cell has Excel data validation by the
fact's type (a whole number >= 0 for a count, a percentage between 0% and 100% for a share,
which Excel stores as a fraction, 99.5% as 0.995; a date; a list for yes/no and categories) and
an input message saying what to enter. A second sheet (``Hướng dẫn``, ``Rules``) states the
rules: a fact not reported is left blank, never 0; numbers, shares and dates as Excel takes
them.

The bytes written are the same for the same plan, period, agency and language (the workbook's
dates and the zip's timestamps are fixed), so a template can be committed and compared.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Mapping
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .fact_files import XLSX_WORDS
from .fact_values import format_decimal
from .files import nfc
from .i18n import Words, check
from .messages import Lang
from .model import FactDef, Plan
from .template import template_rows
from .values import Known
from .xlsxsrc import excel_decimal

__all__ = ["FIRST_FACT_ROW", "VALUE_COLUMN", "template_workbook", "template_workbooks"]

#: Where the table of facts starts, and the column of values (D).
TABLE_ROW = 8
FIRST_FACT_ROW = TABLE_ROW + 1
VALUE_COLUMN = 4

#: The dates of every workbook written (its properties, the zip's entries): fixed, so that the
#: same template is the same bytes.
STAMP = dt.datetime(2000, 1, 1)

_WORDS = Words("fact sheet", {
    "title": "FACT SHEET",
    "window": "Data from, to",
    "due": "Due date",
    "fill": "Fill in the Value column (the yellow cells). Leave a cell empty when the fact is not "
            "reported, never write 0 for it. See the Rules sheet.",
    "label": "Label",
    "unit": "Unit",
    "how": "How to fill in",
    "nothing": "No facts to report in this period.",
    "blank": "Leave empty when not reported (never 0).",
    "invalid": "Invalid value",
    "lists": "Lists",
})

#: What to enter, by type: the title of the input message (at most 32 characters) and the text.
_HOW_TITLE = Words("fact sheet: what to enter, title", {
    "count": "Whole number ≥ 0",
    "number": "Number",
    "share": "Percentage",
    "bool": "true / false",
    "date": "Date",
    "category": "Category",
})
_HOW_TEXT = Words("fact sheet: what to enter", {
    "count": "Enter a whole number, 0 or more.",
    "number": "Enter a number (decimals allowed).",
    "share": "Enter a percentage from 0% to 100%, e.g. 95%.",
    "bool": "Choose true or false from the list.",
    "date": "Enter day/month/year, e.g. 09/01/2023.",
    "category": "Choose one value from the list: {values}.",
})

#: The words of a yes/no list: read back by :func:`engine.fact_values.read_value`.
_YES_NO: Mapping[Lang, tuple[str, str]] = {"vi": ("Có", "Không"), "en": ("true", "false")}

_RULES: Mapping[Lang, tuple[str, ...]] = {
    "vi": (
        "HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO SỐ LIỆU",
        "1. Mỗi cơ quan điền trang «Số liệu» của mình. Chỉ các ô nền vàng ở cột «Giá trị» "
        "được sửa; mã số liệu và các ô đầu trang (kế hoạch, kỳ báo cáo, cơ quan) được chương "
        "trình đọc để kiểm tra, không sửa. Trang được khóa (không có mật khẩu) chỉ để tránh "
        "sửa nhầm; không thêm, xóa dòng hay đổi tên trang.",
        "2. Để trống ô nếu chưa có hoặc không báo cáo số liệu đó. Không ghi 0 thay cho ô trống: "
        "0 là một số liệu (ví dụ 0 hồ sơ trễ hạn), ô trống là chưa báo cáo.",
        "3. Số: nhập như mọi số trong Excel, số thập phân theo cài đặt của máy (1200,5 hoặc "
        "1200.5). Không nhập chữ, đơn vị hay dấu cách vào ô số. Số được đọc đúng như Excel "
        "hiển thị, tối đa 15 chữ số có nghĩa.",
        "4. Tỷ lệ: ô đã định dạng phần trăm; nhập 95 hoặc 95% đều là 95%. Tỷ lệ từ 0% đến 100%.",
        "5. Ngày: nhập ngày/tháng/năm, ví dụ 09/01/2023; ô đã định dạng ngày.",
        "6. Có/Không và danh mục: chọn trong danh sách của ô.",
        "7. Ô có công thức được đọc theo giá trị Excel đã tính: mở và lưu tệp bằng Excel trước "
        "khi gửi.",
        "8. Lưu tệp dạng Excel Workbook (.xlsx); không lưu dạng .xls hay .ods. Gửi lại tệp với "
        "tên như khi nhận (ví dụ snv.xlsx).",
    ),
    "en": (
        "HOW TO FILL IN THE FACT SHEET",
        "1. Each agency fills in its own 'Facts' sheet. Only the yellow cells of the 'Value' "
        "column can be edited; the fact ids and the header (plan, period, agency) are read "
        "back to check the sheet and must not be changed. The sheet is protected without a "
        "password only to prevent mistakes; do not add or delete rows or rename sheets.",
        "2. Leave a cell empty when the fact is not reported. Never write 0 for a fact not "
        "reported: 0 is a value (0 late dossiers), an empty cell is not reported.",
        "3. Numbers: type them as any number in Excel, decimals as your computer's settings "
        "write them. No words, units or spaces in a number cell. A number is read exactly as "
        "Excel shows it, up to 15 significant digits.",
        "4. Shares: the cells are formatted as percentages; typing 95 or 95% both give 95%. A "
        "share is between 0% and 100%.",
        "5. Dates: type day/month/year, e.g. 09/01/2023; the cells are formatted as dates.",
        "6. Yes/no and categories: choose from the cell's list.",
        "7. A cell with a formula is read as the value Excel computed: open and save the file "
        "in Excel before sending it.",
        "8. Save the file as an Excel Workbook (.xlsx), not .xls or .ods, and send it back "
        "under the name it came with (e.g. snv.xlsx).",
    ),
}

_FORMATS = {"count": "#,##0", "number": "General", "share": "0.0#%", "date": "dd/mm/yyyy",
            "bool": "@", "category": "@"}
_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_YELLOW = PatternFill("solid", fgColor="FFF2CC")
_GREY = PatternFill("solid", fgColor="D9D9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
#: Column widths in characters: fact id, label, unit, value, how to fill in.
_WIDTHS = (30, 60, 14, 18, 42)


def template_workbook(plan: Plan, period: str, agency: str, *, lang: Lang = "vi",
                      values: Mapping[str, Known] | None = None) -> bytes:
    """The ``.xlsx`` fact sheet of ``agency`` for ``period``, in ``lang`` (``"vi"`` or
    ``"en"``: labels, names and the sheets' titles).

    ``values`` (such as ``facts.for_agency(agency)``) fills the sheet in as Excel stores what
    an officer types: a number as a number (a share as its fraction, ``0.995`` in a cell shown
    as ``99.5%``; a number a float cannot hold to 15 significant digits, as its exact text), a
    date as a date, yes/no as the words of the cell's list; facts not in ``values`` are left
    blank. Raises :class:`~engine.diagnostics.FactsError` (``E620``, ``E630``) for an unknown
    period or agency, located by ``--period`` and ``--agency``, and
    :class:`~engine.diagnostics.ArgumentError` (``E805``) for an unknown ``lang``."""
    lang = _lang(lang, "template_workbook")
    ((agency_id, facts),) = template_rows(plan, period, agency)
    return _workbook(plan, nfc(period.strip()), agency_id, facts, lang, values or {})


def template_workbooks(plan: Plan, period: str, *, lang: Lang = "vi") -> dict[str, bytes]:
    """The fact sheets of every agency that reports a fact in ``period``, by agency id, in the
    order of the plan's registry (file names: ``{agency}.xlsx``)."""
    lang = _lang(lang, "template_workbooks")
    rows = template_rows(plan, period)
    period = nfc(period.strip())
    return {a: _workbook(plan, period, a, facts, lang, {}) for a, facts in rows if facts}


def _lang(lang: str, call: str) -> Lang:
    """``lang`` checked (an unknown one is ``E805``, located at ``call(lang=)``)."""
    return "en" if check(lang, f"{call}(lang=)") == "en" else "vi"


def _workbook(plan: Plan, period: str, agency: str, facts: list[FactDef], lang: Lang,
              values: Mapping[str, Known]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = XLSX_WORDS["sheet"][lang]
    _header(ws, plan, period, agency, lang)
    lists = _ListSheet(wb, _WORDS[lang]["lists"])
    for i, fdef in enumerate(facts):
        _fact_row(ws, FIRST_FACT_ROW + i, fdef, lang, lists)
        if values.get(fdef.id) is not None:
            ws.cell(FIRST_FACT_ROW + i, VALUE_COLUMN, _cell_value(values[fdef.id], lang))
    if not facts:
        ws.cell(FIRST_FACT_ROW, 2, _WORDS[lang]["nothing"]).font = Font(italic=True)
    for col, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[chr(ord("A") + col - 1)].width = width
    ws.freeze_panes = f"A{FIRST_FACT_ROW}"
    ws.print_title_rows = f"{TABLE_ROW}:{TABLE_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)
    _rules(wb, lang)
    lists.finish()
    wb.properties.creator = "cchc"
    wb.properties.title = f"{_WORDS[lang]['title']}: {plan.periods[period].name.text(lang)}"
    wb.properties.created = STAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible(buffer.getvalue())


def _header(ws: Worksheet, plan: Plan, period: str, agency: str, lang: Lang) -> None:
    p = plan.periods[period]
    title = ws.cell(1, 1, f"{_WORDS[lang]['title']}: {p.name.text(lang).upper()}")
    title.font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.row_dimensions[1].height = 24
    rows: list[tuple[str, str | dt.date, str | dt.date | None]] = [
        (XLSX_WORDS["plan"][lang], plan.id, plan.title.text(lang)),
        (XLSX_WORDS["period"][lang], period, p.name.text(lang)),
        (_WORDS[lang]["window"], p.start, p.end),
        (_WORDS[lang]["due"], p.due, None),
        (XLSX_WORDS["agency"][lang], agency, plan.agencies[agency].name.text(lang)),
    ]
    for row, (label, key, text) in enumerate(rows, start=2):
        ws.cell(row, 1, label).font = _BOLD
        for col, value in ((2, key), (3, text)):
            if value is None:
                continue
            cell = ws.cell(row, col, value)
            cell.alignment = Alignment(horizontal="left", vertical="top")
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
        ws.cell(row, 2).font = Font(bold=True, color="1F4E79")
        if isinstance(text, str):
            ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
            ws.cell(row, 3).alignment = _WRAP
            ws.row_dimensions[row].height = _height(text, sum(_WIDTHS[2:]))
    note = ws.cell(TABLE_ROW - 1, 1, _WORDS[lang]["fill"])
    note.font = Font(italic=True, color="C00000")
    note.alignment = _WRAP
    ws.merge_cells(start_row=TABLE_ROW - 1, start_column=1, end_row=TABLE_ROW - 1, end_column=5)
    ws.row_dimensions[TABLE_ROW - 1].height = _height(_WORDS[lang]["fill"], sum(_WIDTHS))
    heads = (XLSX_WORDS["fact"][lang], _WORDS[lang]["label"], _WORDS[lang]["unit"],
             XLSX_WORDS["value"][lang], _WORDS[lang]["how"])
    for col, head in enumerate(heads, start=1):
        cell = ws.cell(TABLE_ROW, col, head)
        cell.font, cell.fill, cell.border = _BOLD, _GREY, _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _height(text: str, width: int) -> float:
    """Points of a row whose cell of ``width`` characters wraps ``text`` (15 points a line)."""
    lines = max(1, math.ceil(len(text) * 1.1 / max(width - 2, 1)))
    return 15.0 * lines + 2


def _fact_row(ws: Worksheet, row: int, fdef: FactDef, lang: Lang, lists: _ListSheet) -> None:
    title, how = _HOW_TITLE[lang][fdef.type], _HOW_TEXT[lang][fdef.type]
    how = how.format(values=", ".join(fdef.values))
    unit = "%" if fdef.unit == "percent" else (fdef.unit or "")
    cells = (fdef.id, fdef.label.text(lang), unit, None, how)
    for col, value in enumerate(cells, start=1):
        cell = ws.cell(row, col, value)
        cell.alignment, cell.border = _WRAP, _BOX
    value_cell = ws.cell(row, VALUE_COLUMN)
    value_cell.fill, value_cell.protection = _YELLOW, _UNLOCKED
    value_cell.number_format = _FORMATS[fdef.type]
    value_cell.alignment = Alignment(vertical="top")
    ws.row_dimensions[row].height = max(_height(fdef.label.text(lang), _WIDTHS[1]),
                                        _height(how, _WIDTHS[4]), _height(unit, _WIDTHS[2]))
    prompt = f"{how} {_WORDS[lang]['blank']}" + (f" ({unit})" if unit and unit != "%" else "")
    dv = _validation(fdef, lang, lists)
    dv.showInputMessage, dv.showErrorMessage = True, True
    dv.promptTitle, dv.prompt = title[:32], prompt[:255]
    dv.errorTitle, dv.error = _WORDS[lang]["invalid"][:32], how[:255]
    dv.errorStyle = "stop"
    ws.add_data_validation(dv)
    dv.add(value_cell.coordinate)


def _cell_value(value: Known, lang: Lang) -> int | float | str | dt.date:
    """``value`` as Excel stores it when an officer types it in."""
    if isinstance(value, bool):
        return _YES_NO[lang][0 if value else 1]
    if isinstance(value, int | str | dt.date):
        return value
    as_float = float(value)
    exact = excel_decimal(as_float)
    if exact is not None and Fraction(exact) == value:
        return as_float
    return format_decimal(value)  # more digits than Excel keeps: the exact text


#: Dates a date cell accepts, as Excel's serial numbers: 1990-01-01 to 2200-12-31.
_DATE_RANGE = (32874, 109939)
_NUMBER_RANGE = ("-999999999999999", "999999999999999")


def _validation(fdef: FactDef, lang: Lang, lists: _ListSheet) -> DataValidation:
    match fdef.type:
        case "count":
            return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                  allow_blank=True)
        case "number":
            return DataValidation(type="decimal", operator="between", formula1=_NUMBER_RANGE[0],
                                  formula2=_NUMBER_RANGE[1], allow_blank=True)
        case "share":
            return DataValidation(type="decimal", operator="between", formula1="0",
                                  formula2="1", allow_blank=True)
        case "date":
            return DataValidation(type="date", operator="between",
                                  formula1=str(_DATE_RANGE[0]), formula2=str(_DATE_RANGE[1]),
                                  allow_blank=True)
        case "bool":
            return DataValidation(type="list", formula1=lists.formula(_YES_NO[lang]),
                                  allow_blank=True)
        case _:
            return DataValidation(type="list", formula1=lists.formula(fdef.values),
                                  allow_blank=True)


class _ListSheet:
    """The allowed values of a list validation: written in the formula (``"A,B,C,D"``) when
    they can be, else in a column of a hidden sheet (a value with a comma or a quote, or lists
    longer than Excel's 255 characters)."""

    def __init__(self, wb: Workbook, title: str) -> None:
        self.wb, self.title = wb, title
        self.columns: list[tuple[str, ...]] = []

    def formula(self, values: tuple[str, ...]) -> str:
        inline = ",".join(values)
        if not any("," in v or '"' in v for v in values) and len(inline) <= 250:
            return f'"{inline}"'
        if values not in self.columns:
            self.columns.append(values)
        col = chr(ord("A") + self.columns.index(values))
        return f"'{self.title}'!${col}$1:${col}${len(values)}"

    def finish(self) -> None:
        if not self.columns:
            return
        ws = self.wb.create_sheet(self.title)
        for col, values in enumerate(self.columns, start=1):
            for row, value in enumerate(values, start=1):
                ws.cell(row, col, value).number_format = "@"
        ws.sheet_state = "hidden"
        ws.protection.sheet = True


def _protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: only unlocked cells (the values) can be edited;
    columns and rows can still be resized."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _rules(wb: Workbook, lang: Lang) -> None:
    ws = wb.create_sheet(XLSX_WORDS["rules"][lang])
    ws.column_dimensions["A"].width = 110
    for row, text in enumerate(_RULES[lang], start=1):
        cell = ws.cell(row, 1, text)
        cell.alignment = _WRAP
        if row == 1:
            cell.font = Font(bold=True, size=13)
        ws.row_dimensions[row].height = _height(text, 110)
    ws.protection.sheet = True


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _reproducible(data: bytes) -> bytes:
    """The workbook ``data`` with its dates fixed (the document's created and modified dates,
    each zip entry's time) and its parts in name order: the same template, the same bytes."""
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()
