"""CSV with exact positions: the records of a CSV text, each cell with its place in the file.

The ``csv`` module reads cells but forgets where they were; a diagnostic must point at the cell.
:func:`read_records` reads the text with ``csv`` (the Excel dialect, so quoting follows what
spreadsheets write) and scans each record again to find the offsets of its cells, the way
:mod:`engine.yamlsrc` keeps the positions of YAML scalars. A record that ``csv`` cannot read
(a quote never closed, a stray quote) is reported with the code the caller gives.

    >>> from engine.diagnostics import Collector
    >>> from engine.source import Source
    >>> head, row = read_records(Source("f.csv", "agency,fact\\nsnv, \\"x\\"\\n"), ",",
    ...                          Collector(), "E615")
    >>> row.cells, row.span(1).text
    (['snv', ' "x"'], '"x"')
"""

from __future__ import annotations

import csv
import io
import re

from .diagnostics import Collector, Diagnostic
from .i18n import _
from .source import Source, Span

__all__ = ["Record", "delimiter", "read_records"]


def delimiter(text: str) -> str:
    """``,`` unless the header row uses ``;`` or a tab instead (spreadsheets in some locales)."""
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        if ";" in first_line:
            return ";"
        if "\t" in first_line:
            return "\t"
    return ","


class Record:
    """One CSV record: its cells, and where each cell's content is in the file.

    The places of the cells are worked out from the record's text when first asked for: a
    file of 200,000 rows has a million cells, and only those a diagnostic or an explanation
    points at are ever looked at. Once its cells have been taken, a record can
    :meth:`release` them: they are read again from the file's text if asked for."""

    __slots__ = ("_cells", "_places", "delim", "end", "source", "start")

    def __init__(self, cells: list[str], source: Source, start: int, end: int,
                 delim: str = ",") -> None:
        self._cells: list[str] | None = cells
        self.source = source
        #: where the record is in the file (its text is ``source.text[start:end]``)
        self.start = start
        self.end = end
        self.delim = delim
        self._places: list[tuple[int, int]] | None = None

    @property
    def raw(self) -> str:
        """The record's text, as in the file."""
        return self.source.text[self.start:self.end]

    @property
    def cells(self) -> list[str]:
        """The cells, as ``csv`` reads them."""
        if self._cells is None:
            raw = self.raw
            self._cells = raw.split(self.delim) if '"' not in raw else next(
                csv.reader(io.StringIO(raw + "\n"), delimiter=self.delim, strict=True))
        return self._cells

    def release(self) -> None:
        """Let the cells go (a file of many rows keeps its records for their places only)."""
        self._cells = None

    @property
    def places(self) -> list[tuple[int, int]]:
        """Start and end offsets (in the file) of each cell's content."""
        if self._places is None:
            raw, begin = self.raw, self.start
            cells = self.cells
            spans = _record_cells(raw, self.delim) if '"' in raw else _plain_cells(cells)
            if len(spans) != len(cells):  # pragma: no cover - the scanner follows csv
                spans = [(0, len(raw))] * len(cells)
            self._places = [(begin + b, begin + e) for b, e in (_content(raw, *c)
                                                                for c in spans)]
        return self._places

    def span(self, i: int) -> Span:
        """The content of cell ``i`` (inside quotes, without surrounding spaces); past the last
        cell, the end of the record."""
        places = self.places
        if i < len(places):
            b, e = places[i]
        else:
            b = e = places[-1][1]
        return Span(self.source, b, e)

    def cell(self, i: int) -> str:
        """Cell ``i`` without surrounding spaces ("" past the last cell)."""
        return self.cells[i].strip() if 0 <= i < len(self.cells) else ""


def read_records(source: Source, delim: str, collector: Collector, code: str) -> list[Record]:
    """Every non-blank record of a CSV text, with the offsets of its cells. A record that
    cannot be read is reported as ``code`` and ends the reading."""
    text = source.text
    if '"' not in text and "\0" not in text and "\r" not in text:
        plain = _plain_records(source, delim)
        if plain is not None:
            return plain
    return _reader_records(source, delim, collector, code)


def _reader_records(source: Source, delim: str, collector: Collector, code: str
                    ) -> list[Record]:
    """:func:`read_records` by the ``csv`` module, for any text."""
    lines = source.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    reader = csv.reader((line + "\n" for line in lines), delimiter=delim, strict=True)
    records: list[Record] = []
    consumed = 0
    while True:
        first = consumed
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            begin = starts[min(first, len(starts) - 1)]
            if "end of data" in str(e):
                message, hint = (_("a quoted cell of this row is never closed"),
                                 _("close the cell with a double quote (\")"))
            elif "expected after" in str(e):
                message, hint = (_("a quote inside a cell is not doubled ({e})").format(e=e),
                                 _("inside a quoted cell write a double quote as \"\""))
            else:  # pragma: no cover - other csv errors (field too large)
                message, hint = _("unreadable CSV row: {e}").format(e=e), _("check this row")
            collector.add(Diagnostic(code, message, Span(source, begin, begin + len(lines[first])),
                                     help=hint))
            return records
        consumed = reader.line_num
        if any(cell.strip() for cell in row):
            end = starts[consumed - 1] + len(lines[consumed - 1])
            records.append(Record(row, source, starts[first], end, delim))
    return records


def _plain_records(source: Source, delim: str) -> list[Record] | None:
    """The records of a text without quotes (nor NUL or carriage return): each line is one
    record, its cells split at the delimiter, exactly as ``csv`` reads them. None when a line
    is longer than ``csv`` reads (it says why)."""
    records: list[Record] = []
    pos = 0
    limit = csv.field_size_limit()
    for line in source.text.split("\n"):
        if line.replace(delim, "").strip():  # a record with something in a cell
            if len(line) > limit:
                return None
            records.append(Record(line.split(delim), source, pos, pos + len(line), delim))
        pos += len(line) + 1
    return records


#: One cell of a record, by delimiter: a quoted part (``""`` inside it is a quote; it runs to
#: the end of the record when it is never closed), then anything up to the delimiter.
_CELLS: dict[str, re.Pattern[str]] = {}


def _record_cells(raw: str, delim: str) -> list[tuple[int, int]]:
    """Start and end offsets of each cell of one CSV record (the Excel dialect of ``csv``): a
    cell is quoted when it starts with a double quote."""
    cell = _CELLS.get(delim)
    if cell is None:
        cell = _CELLS[delim] = re.compile(f'(?:"(?:[^"]|"")*"?)?[^{re.escape(delim)}]*')
    spans: list[tuple[int, int]] = []
    n = len(raw)
    start = 0
    while True:
        m = cell.match(raw, start)
        end = m.end() if m is not None else start  # (the pattern matches at any place)
        spans.append((start, end))
        if end >= n:
            return spans
        start = end + 1


def _plain_cells(cells: list[str]) -> list[tuple[int, int]]:
    """Start and end offsets of each cell of a record without quotes, split at a delimiter of
    one character."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for cell in cells:
        spans.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    return spans


def _content(raw: str, begin: int, end: int) -> tuple[int, int]:
    """The part of a raw cell to point at: inside quotes, without surrounding spaces."""
    if end - begin >= 2 and raw[begin] == '"' and raw[end - 1] == '"':
        begin, end = begin + 1, end - 1
    while begin < end and raw[begin] == " ":
        begin += 1
    while end > begin and raw[end - 1] == " ":
        end -= 1
    return begin, end
