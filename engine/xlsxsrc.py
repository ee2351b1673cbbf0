"""Workbooks with positions: the cells of one sheet of an ``.xlsx`` file, each with its place.

A fact sheet comes back from an agency as an Excel workbook. :func:`read_sheet` reads its fact
sheet and returns a :class:`Sheet`: every cell that holds something, as the text a fact file
would hold, and a :class:`~engine.source.Source` whose lines are the sheet's rows (line 7 is row
7, its cells side by side), so that a diagnostic names the cell (``snv.xlsx:Số liệu!D7``) and
shows the row with carets under it, the way :mod:`engine.csvsrc` locates a CSV cell.

What a cell holds is read as Excel keeps it, never guessed:

* a number is a binary float; it is read back as the decimal Excel shows, rounded to Excel's
  15 significant digits (:func:`excel_decimal`), so ``0.995`` is exactly 995/1000 and a float's
  noise never decides a boundary. A cell formatted as a percentage is a share: ``0.995`` shown
  as ``99.5%`` is written ``99.5%``;
* a number formatted as a date is a date (``09/01/2023``, day first); with a time of day,
  ``2023-01-09 14:30:00``;
* ``TRUE``/``FALSE``, a text as typed, an error value (``#DIV/0!``) as Excel shows it;
* a formula is its cached value, the value Excel computed when the file was last saved; a
  formula with no cached value (a file written by a program and never opened in Excel) is kept
  as its formula, kind ``formula``, for the caller to refuse.

How: a workbook is a zip of XML parts. openpyxl writes the templates
(:mod:`engine.xlsx_template`), and its rules decide here which number formats are dates and how
a serial number becomes a date (``openpyxl.styles.numbers``, ``openpyxl.utils.datetime``); but
its workbook reader builds a whole model (styles, theme, names) before the first cell, about
20 ms a workbook, and shows a formula or its value, never both. So the few parts a fact sheet
needs (the workbook's list of sheets, the shared strings, the number format of each style, the
sheet's rows) are parsed here with the standard library's ``xml.etree`` (expat), once, in a
few milliseconds, formulas and their cached values together.

The workbook is untrusted: before anything is unpacked, the sizes its parts unpack to are added
up from the zip directory and refused past :data:`MAX_UNPACKED_BYTES` (a "zip bomb"; zipfile
never unpacks more than a part declares); a part that declares XML entities (a "billion laughs")
is refused; only the first :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns are kept. An
old or other format (``.xls``, ``.ods``, ``.xlsb``, a workbook encrypted with a password) is
refused with ``E660``, a file that is not a readable workbook with ``E661``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from xml.etree import ElementTree as ET

from .diagnostics import Collector, Diagnostic
from .files import nfc
from .i18n import N_, _
from .source import Grid, Source, Span, column_letters

__all__ = [
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "Cell",
    "Sheet",
    "excel_decimal",
    "read_sheet",
]

#: The most bytes the parts of a workbook that are read may unpack to, added up from the zip
#: directory before anything is unpacked (zipfile never unpacks more than a part declares). A
#: filled fact sheet unpacks to about 30 KB; pictures (``xl/media``) are not read and not
#: counted.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
#: The most rows of a sheet read; a fact sheet has one row per fact, a few dozen.
MAX_ROWS = 10_000
#: The columns of a sheet read: A to J (a fact sheet uses A to E).
MAX_COLUMNS = 10

#: What separates two cells of a row in the text of a sheet's source.
SEPARATOR = " | "

CellKind = Literal["text", "number", "percent", "date", "bool", "error", "formula"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_READ = ("xl/media/", "xl/embeddings/", "xl/printerSettings/", "docProps/thumbnail")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')

SAVE_AS_XLSX = N_("open it in Excel (or LibreOffice Calc) and save it as 'Excel Workbook "
                 "(*.xlsx)' (File > Save As)")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell that holds something: its row and column (1-based), what kind of value it
    holds, the value as text (what a fact file would hold), and its place."""

    row: int
    column: int
    kind: CellKind
    text: str
    span: Span

    @property
    def name(self) -> str:
        """``D7``."""
        return f"{column_letters(self.column)}{self.row}"


@dataclass
class Sheet:
    """The cells of one sheet that hold something, by ``(row, column)``, and the source that
    locates them."""

    title: str
    source: Source
    cells: dict[tuple[int, int], Cell]

    def cell(self, row: int, column: int) -> Cell | None:
        return self.cells.get((row, column))

    def text(self, row: int, column: int) -> str:
        """The text of a cell, without surrounding spaces ("" when it is empty)."""
        c = self.cells.get((row, column))
        return c.text.strip() if c is not None else ""

    def span(self, row: int, column: int) -> Span:
        """The place of a cell, empty or not: an empty cell where it stands in its row (the start
        of the row when the row shows no such column)."""
        c = self.cells.get((row, column))
        if c is not None:
            return c.span
        begin = self.source.line_start(row)
        grid = self.source.grid
        for index, col in grid.cells.get(row, ()) if grid is not None else ():
            if col == column:
                begin += index
                break
        return Span(self.source, begin, begin)

    def rows(self) -> list[int]:
        """The rows that hold something, in order."""
        return sorted({r for r, _ in self.cells})


def excel_decimal(value: float) -> Decimal | None:
    """The decimal Excel shows for a float it stored: at most 15 significant digits, as Excel
    keeps them (None for an infinity or a NaN, which no cell holds).

        >>> excel_decimal(0.995), excel_decimal(0.1 + 0.2), excel_decimal(1e-7)
        (Decimal('0.995'), Decimal('0.3'), Decimal('1E-7'))
        >>> excel_decimal(1234567.0), excel_decimal(-0.0)
        (Decimal('1234567'), Decimal('0'))
    """
    if not math.isfinite(value):
        return None
    d = Decimal(repr(value))
    if d.is_zero():
        return Decimal(0)
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        ctx.Emin, ctx.Emax = -decimal.MAX_EMAX, decimal.MAX_EMAX
        d = d.quantize(Decimal(1).scaleb(d.adjusted() - 14), rounding=decimal.ROUND_HALF_EVEN)
        return d.normalize()


def decimal_text(d: Decimal) -> str:
    """``d`` written out in full, without an exponent: ``1E-7`` is ``0.0000001``."""
    return format(d, "f")


def _is_percent(number_format: str) -> bool:
    """Whether a number format shows a percentage (a ``%`` outside quotes and escapes)."""
    return "%" in _QUOTED.sub("", number_format or "")


def _date_text(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            value = value.date()
        else:
            return value.isoformat(sep=" ")
    return value.strftime("%d/%m/%Y")


def _one_line(text: str) -> str:
    """A cell's text on one line of the source (a label typed with Alt+Enter has breaks)."""
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def _spaced(n: int) -> str:
    """``16 777 216``: digits grouped by spaces, which no language reads as a decimal mark."""
    return f"{n:,}".replace(",", " ")


def _refuse(collector: Collector, code: str, name: str, message: str, help: str) -> None:
    collector.add(Diagnostic(code, message, file=name, help=help))


def _lock_file_help(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base.startswith("~$"):
        return _("'{base}' is the lock file Excel keeps while '{name}' is open: close the "
                 "workbook in Excel, or leave this file out").format(base=base, name=base[2:])
    return _("check that the file is an Excel workbook (.xlsx) and that it opens in Excel")


def _check_package(name: str, data: bytes, collector: Collector) -> bool:
    """Whether ``data`` is a zip package that may be read as a workbook; refuse it otherwise."""
    if data.startswith(_OLE2):
        _refuse(collector, "E660", name, _("this is an Excel 97-2003 workbook (.xls), or a "
                                            "workbook protected by a password, which is not read"),
                _("{save_as}, without a password").format(save_as=_(SAVE_AS_XLSX)))
        return False
    if not data.startswith(b"PK"):
        _refuse(collector, "E661", name, _("cannot read the workbook: ") + (
            _("the file is empty") if not data else _("it is not an Excel workbook (.xlsx)")),
            _lock_file_help(name))
        return False
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
        names = {i.filename for i in infos}
        mimetype = package.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError, EOFError) as e:
        _refuse(collector, "E661", name,
            _("cannot read the workbook: the file is damaged ({e})").format(
                                             e=e),
                _("open it in Excel: if Excel can repair it, save it again as .xlsx"))
        return False
    if b"opendocument" in mimetype:
        _refuse(collector, "E660", name, _("this is an OpenDocument spreadsheet (.ods), which "
                                            "is not read"), _(SAVE_AS_XLSX))
        return False
    if "xl/workbook.bin" in names:
        _refuse(collector, "E660", name, _("this is an Excel binary workbook (.xlsb), which is "
                                            "not read"), _(SAVE_AS_XLSX))
        return False
    unpacked = sum(i.file_size for i in infos if not i.filename.startswith(_NOT_READ))
    if unpacked > MAX_UNPACKED_BYTES:
        _refuse(collector, "E661", name, _("the workbook unpacks to {spaced} bytes, more than "
                                            "the limit of {spaced2}").format(
                                             spaced=_spaced(unpacked),
                                                 spaced2=_spaced(MAX_UNPACKED_BYTES)),
                _("a fact sheet unpacks to a few dozen kilobytes: copy the fact sheet alone "
                   "into a new workbook"))
        return False
    return True


class _Damaged(Exception):
    """The package is not a workbook that can be read, for the reason given."""


#: The namespaces of a sheet's elements: transitional and strict OOXML.
_SHEET_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                     "http://purl.oclc.org/ooxml/spreadsheetml/main")
#: The names of a sheet's elements, by their full name in either namespace (or none).
_NAMES = {f"{{{ns}}}{name}" if ns else name: name for ns in (*_SHEET_NAMESPACES, "")
          for name in ("row", "c", "v", "f", "is", "t", "r")}


def _local(tag: str) -> str:
    """An XML name without its namespace: the same in transitional and strict OOXML."""
    name = _NAMES.get(tag)
    if name is not None:
        return name
    return tag[tag.index("}") + 1:] if tag[:1] == "{" else tag


def _attribute(el: ET.Element, name: str) -> str | None:
    """The attribute ``name`` of ``el`` in any namespace (``r:id``)."""
    for key, value in el.attrib.items():
        if _local(key) == name:
            return value
    return None


class _Package:
    """The parts of a workbook package that a fact sheet needs: the sheets by title, the
    shared strings, the number formats of the cell styles, the date system."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())

    def xml(self, part: str) -> ET.Element:
        return ET.fromstring(self.read(part))

    def read(self, part: str) -> bytes:
        if part not in self.names:
            raise _Damaged(_("the part '{part}' is missing").format(part=part))
        data = self.zip.read(part)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # never in a workbook; a bomb's fuse
            raise _Damaged(_("the part '{part}' declares XML entities").format(part=part))
        return data

    def relations(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of ``part``: id -> (type, the part it points at)."""
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        if name not in self.names:
            return {}
        found: dict[str, tuple[str, str]] = {}
        for el in self.xml(name):
            target = el.get("Target") or ""
            if _local(el.tag) != "Relationship" or el.get("TargetMode") == "External":
                continue
            path = target[1:] if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            found[el.get("Id") or ""] = (el.get("Type") or "", path)
        return found

    def sheet(self, titles: Sequence[str]) -> tuple[str, str, bool, list[str], list[str]]:
        """The fact sheet (the first worksheet titled one of ``titles``, else the first
        worksheet): its title, its part, whether dates count from 1904, the shared strings and
        the number format of each cell style."""
        office = [p for t, p in self.relations("").values() if t.endswith("/officeDocument")]
        book_part = office[0] if office else "xl/workbook.xml"
        book = self.xml(book_part)
        relations = self.relations(book_part)
        sheets: list[tuple[str, str]] = []
        date1904 = False
        for el in book.iter():
            tag = _local(el.tag)
            if tag == "workbookPr":
                date1904 = (el.get("date1904") or "").lower() in ("1", "true")
            elif tag == "sheet":
                kind, path = relations.get(_attribute(el, "id") or "", ("", ""))
                if kind.endswith("/worksheet"):
                    sheets.append((el.get("name") or "", path))
        if not sheets:
            raise _Damaged(_("the workbook has no sheet"))
        wanted = {nfc(t).casefold() for t in titles}
        title, part = next((s for s in sheets if nfc(s[0]).casefold() in wanted), sheets[0])
        strings: list[str] = []
        formats: list[str] = []
        for kind, path in relations.values():
            if kind.endswith("/sharedStrings"):
                strings = self._strings(path)
            elif kind.endswith("/styles"):
                formats = self._formats(path)
        return title, part, date1904, strings, formats

    def _strings(self, part: str) -> list[str]:
        strings: list[str] = []
        for _unused, el in ET.iterparse(io.BytesIO(self.read(part))):
            if _local(el.tag) == "si":
                strings.append(_text(el))
                el.clear()
        return strings

    def _formats(self, part: str) -> list[str]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS

        root = self.xml(part)
        codes: dict[int, str] = {}
        formats: list[str] = []
        for el in root:
            if _local(el.tag) == "numFmts":
                for fmt in el:
                    codes[_int(fmt.get("numFmtId"))] = fmt.get("formatCode") or ""
            elif _local(el.tag) == "cellXfs":
                for xf in el:
                    number = _int(xf.get("numFmtId"))
                    formats.append(codes.get(number) or BUILTIN_FORMATS.get(number, "General"))
        return formats


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _text(el: ET.Element) -> str:
    """The text of a string item (``<si>``, ``<is>``): its runs, without phonetic guides."""
    parts: list[str] = []
    for child in el:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_Raw = tuple[int, int, "CellKind", str]  # row, column, kind, text


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


def _raw_cells(data: bytes, titles: Sequence[str]) -> tuple[str, list[_Raw]]:
    """The title of the fact sheet, and its non-empty cells in the first :data:`MAX_ROWS` + 1
    rows and :data:`MAX_COLUMNS` columns, as ``(row, column, kind, text)`` in order."""
    from openpyxl.styles.numbers import is_date_format
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    package = _Package(data)
    title, part, date1904, strings, formats = package.sheet(titles)
    epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
    styles: dict[int, tuple[bool, bool]] = {}  # style -> (a date, a percentage)
    cells: list[_Raw] = []
    row = 0
    rows = {tag for tag, name in _NAMES.items() if name == "row"}
    for _unused, el in ET.iterparse(io.BytesIO(package.read(part))):  # each element once it ends
        if el.tag not in rows:
            continue
        row = _int(el.get("r")) or row + 1
        column = 0
        for c in el:
            if _local(c.tag) != "c":
                continue
            ref = _REF.fullmatch(c.get("r") or "")
            column = _column_number(ref.group(1)) if ref else column + 1
            if column > MAX_COLUMNS:
                continue
            style = _int(c.get("s"))
            if style not in styles:
                fmt = formats[style] if 0 <= style < len(formats) else "General"
                styles[style] = (is_date_format(fmt), _is_percent(fmt))
            got = _cell(c, c.get("t") or "n", strings, styles[style], epoch)
            if got is not None:
                cells.append((row, column, *got))
        el.clear()
        if cells and cells[-1][0] > MAX_ROWS:  # the caller refuses the sheet: read no more
            break
    return title, cells


def _cell(el: ET.Element, t: str, strings: list[str], style: tuple[bool, bool],
          epoch: dt.datetime) -> tuple[CellKind, str] | None:
    """The kind and text of a cell element, or None when it is empty."""
    value: str | None = None
    formula: str | None = None
    inline = ""
    for child in el:
        tag = _local(child.tag)
        if tag == "v":
            value = child.text or ""
        elif tag == "f":
            formula = child.text or ""
        elif tag == "is":
            inline = _text(child)
    if t == "inlineStr":
        return ("text", inline) if inline else None
    if formula is not None and (value is None or (not value and t in ("n", "b", "e", "d"))):
        # no value saved with the formula (openpyxl and other programs write an empty one)
        return "formula", "=" + formula if formula else "a formula"
    if value is None:
        return None
    if t == "s":
        index = _int(value)
        if not 0 <= index < len(strings):
            raise _Damaged(_("a cell refers to shared string {index}, which does not "
                             "exist").format(index=index))
        text = strings[index]
    elif t in ("str", "e"):
        text = value
    elif t == "b":
        return "bool", "TRUE" if value.strip() in ("1", "true") else "FALSE"
    elif t == "d":
        try:
            return "date", _date_text(dt.datetime.fromisoformat(value.strip()))
        except ValueError:
            text = value
    else:
        return _number_cell(value.strip(), style, epoch) if value.strip() else None
    if t == "e":
        return "error", text
    return ("text", text) if text else None


_WHOLE = re.compile(r"-?[0-9]{1,15}")


def _number_cell(text: str, style: tuple[bool, bool], epoch: dt.datetime
                 ) -> tuple[CellKind, str]:
    """A number cell: a date when its format is a date's, else the number as Excel shows it
    (a percentage when its format is one)."""
    from openpyxl.utils.datetime import from_excel

    if _WHOLE.fullmatch(text):
        d: Decimal | None = Decimal(int(text))
        number = float(int(text))
    else:
        try:
            number = float(text)
        except ValueError:
            return "text", text
        d = excel_decimal(number)
    if d is None:
        return "error", "#NUM!"
    if style[0]:
        try:
            when = from_excel(number, epoch)
        except (OverflowError, ValueError):
            return "error", "#VALUE!"
        if isinstance(when, dt.datetime):
            return "date", _date_text(when)
        return "text", str(when)
    if style[1]:
        return "percent", decimal_text((d * 100).normalize()) + "%"
    return "number", decimal_text(d)


def read_sheet(name: str, data: bytes, collector: Collector,
               titles: Sequence[str] = ()) -> Sheet | None:
    """The fact sheet of the workbook ``data`` (the first sheet titled one of ``titles``, else
    the first sheet), named ``name`` in diagnostics; None, with the reason in ``collector``
    (``E660``, ``E661``), when it cannot be read."""
    if not _check_package(name, data, collector):
        return None
    try:
        title, raw = _raw_cells(data, titles)
    except (_Damaged, ET.ParseError, zipfile.BadZipFile, KeyError, ValueError, OSError,
            EOFError, NotImplementedError, RuntimeError, zlib.error) as e:
        reason = " ".join(str(e).split()) or type(e).__name__
        if len(reason) > 160:
            reason = reason[:159] + "…"
        _refuse(collector, "E661", name, _("cannot read the workbook: {reason}").format(
                                             reason=reason),
                _("open it in Excel: if Excel can repair it, save it again as .xlsx"))
        return None
    if raw and raw[-1][0] > MAX_ROWS:
        _refuse(collector, "E661", name,
            _("the sheet '{title}' has more than {spaced} rows").format(
                                             title=title, spaced=_spaced(MAX_ROWS)),
                                                 _("a fact sheet has one row per fact: delete the "
                                                "rows below the facts, or copy the fact sheet "
                                                "alone into a new workbook"))
        return None
    return _sheet(name, nfc(title), raw)


def _sheet(name: str, title: str, raw: list[_Raw]) -> Sheet:
    """The cells of ``raw`` with their texts, in a source whose line N shows row N."""
    by_row: dict[int, dict[int, tuple[CellKind, str]]] = {}
    for r, c, kind, text in raw:
        by_row.setdefault(r, {})[c] = (kind, _one_line(text))
    last = max(by_row, default=0)
    lines: list[str] = []
    grid: dict[int, tuple[tuple[int, int], ...]] = {}
    places: dict[tuple[int, int], tuple[int, int, CellKind, str]] = {}
    offset = 0
    for r in range(1, last + 1):
        row = by_row.get(r)
        if not row:
            lines.append("")
            offset += 1
            continue
        parts: list[str] = []
        starts: list[tuple[int, int]] = []
        index = 0
        for c in range(1, max(max(row), 5) + 1):
            if parts:
                index += len(SEPARATOR)
            kind, text = row.get(c, ("text", ""))
            starts.append((index, c))
            if c in row:
                places[(r, c)] = (offset + index, offset + index + len(text), kind, text)
            parts.append(text)
            index += len(text)
        line = SEPARATOR.join(parts)
        lines.append(line)
        grid[r] = tuple(starts)
        offset += len(line) + 1
    source = Source(name, "\n".join(lines), grid=Grid(title, grid))
    cells = {(r, c): Cell(r, c, kind, text, Span(source, b, e))
             for (r, c), (b, e, kind, text) in places.items()}
    return Sheet(title, source, cells)
