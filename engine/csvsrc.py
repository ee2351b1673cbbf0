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
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: its cells, and where each cell's content is in the file."""

    cells: list[str]
    places: list[tuple[int, int]]
    source: Source

    def span(self, i: int) -> Span:
        """The content of cell ``i`` (inside quotes, without surrounding spaces); past the last
        cell, the end of the record."""
        if i < len(self.places):
            b, e = self.places[i]
        else:
            b = e = self.places[-1][1]
        return Span(self.source, b, e)

    def cell(self, i: int) -> str:
        """Cell ``i`` without surrounding spaces ("" past the last cell)."""
        return self.cells[i].strip() if 0 <= i < len(self.cells) else ""


def read_records(source: Source, delim: str, collector: Collector, code: str) -> list[Record]:
    """Every non-blank record of a CSV text, with the offsets of its cells. A record that
    cannot be read is reported as ``code`` and ends the reading."""
    text = source.text
    lines = text.split("\n")
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
        begin = starts[first]
        raw = "\n".join(lines[first:consumed])
        cells = _record_cells(raw, delim)
        if len(cells) != len(row):  # pragma: no cover - the scanner follows the csv dialect
            cells = [(0, len(raw))] * len(row)
        places = [(begin + b, begin + e) for b, e in (_content(raw, *c) for c in cells)]
        if any(cell.strip() for cell in row):
            records.append(Record(row, places, source))
    return records


def _record_cells(raw: str, delim: str) -> list[tuple[int, int]]:
    """Start and end offsets of each cell of one CSV record (the Excel dialect of ``csv``)."""
    spans: list[tuple[int, int]] = []
    start, i, quoted = 0, 0, False
    n = len(raw)
    while i < n:
        c = raw[i]
        if quoted:
            if c == '"':
                if i + 1 < n and raw[i + 1] == '"':
                    i += 2
                    continue
                quoted = False
        elif c == '"' and i == start:
            quoted = True
        elif c == delim:
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, n))
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
