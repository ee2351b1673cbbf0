"""Source texts and spans: where a piece of text came from, and how to point at it.

A :class:`Span` is a pair of offsets into a :class:`Source`. Line and column (1-based, counted in
Unicode code points) are derived on demand, so spans stay cheap to create and compare.

A formula embedded in a YAML file is its own small source whose ``origin`` maps its offsets back
into the file, so that an error at column 18 of a formula is reported at the right place in YAML.

A sheet of a workbook is a source too: its text holds one line per row of the sheet (line 7 is
row 7), each the row's cells side by side, and its :class:`Grid` says where each cell starts.
Positions in it are cells (``snv.xlsx:Số liệu!D7``: line 7, column 4), and an excerpt shows the
row with carets under the cell.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .escape import cells, visible


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a named file; in a sheet of a workbook, the row and the
    column number of a cell, with the sheet's name and the cell's name (``D7``)."""

    file: str
    line: int
    col: int
    sheet: str | None = None
    cell: str | None = None

    @property
    def where(self) -> str:
        """``FILE:LINE:COL``, or ``FILE:SHEET!CELL`` for a cell of a workbook."""
        if self.cell is not None:
            return f"{self.file}:{self.sheet}!{self.cell}"
        return f"{self.file}:{self.line}:{self.col}"


def column_letters(column: int) -> str:
    """The name of a 1-based column of a sheet: ``1`` is ``A``, ``27`` is ``AA``.

        >>> column_letters(4), column_letters(28), column_letters(16384)
        ('D', 'AB', 'XFD')
    """
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True, eq=False)
class Grid:
    """The cells of a sheet in the text of its :class:`Source`: line N of the text is row N of
    the sheet, and ``cells[N]`` lists, for each cell shown on that line, the index in the line
    where it starts and its column number (1 for A), in order."""

    sheet: str
    cells: Mapping[int, tuple[tuple[int, int], ...]]

    def column(self, line: int, index: int) -> int:
        """The column number of the cell at ``index`` of ``line`` (1 when the line has none)."""
        starts = self.cells.get(line, ())
        i = bisect.bisect_right([s for s, _ in starts], index) - 1
        return starts[max(i, 0)][1] if starts else 1


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """A named text, optionally cut out of a ``parent`` text.

    ``origin`` then holds, for each character of ``text`` plus one for the end, its offset in
    ``parent``: formulas cut out of YAML scalars (quoted with escapes, or ``|`` blocks) map back
    into the file this way, where a simple shift would not do.
    """

    name: str
    text: str
    parent: Source | None = None
    origin: tuple[int, ...] = ()
    #: for a sheet of a workbook: where its cells are (positions are then cells)
    grid: Grid | None = None
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def _starts(self) -> list[int]:
        """Where each line starts, worked out when first needed (a fact file of 200,000 lines
        is read, and most often never located in)."""
        if not self._line_starts:
            self._line_starts.append(0)
            self._line_starts.extend(m.end() for m in re.finditer("\n", self.text))
        return self._line_starts

    def position(self, offset: int) -> Position:
        """The file, line and column of ``offset`` (clamped into the text)."""
        offset = max(0, min(offset, len(self.text)))
        if self.parent is not None and self.origin:
            return self.parent.position(self.origin[min(offset, len(self.origin) - 1)])
        line, index = self.place(offset)
        if self.grid is not None:
            col = self.grid.column(line, index)
            return Position(self.name, line, col, self.grid.sheet, f"{column_letters(col)}{line}")
        return Position(self.name, line, index + 1)

    def place(self, offset: int) -> tuple[int, int]:
        """The 1-based line of ``offset`` in this text and its 0-based index in that line
        (``offset`` clamped into the text; no parent is followed)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts(), offset) - 1
        return line + 1, offset - self._starts()[line]

    @property
    def root(self) -> Source:
        """The outermost source: the file a formula was cut out of, or this source itself."""
        return self if self.parent is None else self.parent.root

    def line_start(self, line: int) -> int:
        """The offset where 1-based ``line`` starts (the end of the text past the last line)."""
        if not 1 <= line <= len(self._starts()):
            return len(self.text)
        return self._starts()[line - 1]

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its newline."""
        if not 1 <= line <= len(self._starts()):
            return ""
        start = self._starts()[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]


@dataclass(frozen=True, slots=True)
class Span:
    """The text between two offsets of a source."""

    source: Source
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    @property
    def begin(self) -> Position:
        return self.source.position(self.start)

    @property
    def finish(self) -> Position:
        return self.source.position(self.end)


#: Most terminal cells of a source line shown in an excerpt; longer lines are cut around the
#: span.
EXCERPT_WIDTH = 100


def _cells(text: str) -> int:
    """How many terminal cells ``text`` takes once shown: :func:`engine.escape.cells`."""
    return cells(text)


def excerpt(span: Span) -> list[str]:
    r"""The offending source line with a caret line under the span, rustc style.

    The line is shown with :func:`engine.escape.visible`, so a control character in a plan or a
    fact file (an escape sequence, a bidirectional override, a tab) is written out, never sent
    to the terminal. Columns in messages count code points; the caret line counts the cells
    shown, so it stays under the text when the line holds such a character or a decomposed
    letter.

        >>> src = Source("f.yaml", "value:\tsum(x) / tổng\n")
        >>> print("\n".join(excerpt(Span(src, 16, 20))))
          |
        1 | value:\tsum(x) / tổng
          |                  ^^^^
    """
    begin, finish = span.begin, span.finish
    line = span.source.root.line_text(begin.line)
    start = begin.col - 1  # the span, as indexes of the line's code points
    end = finish.col - 1 if finish.line == begin.line else len(line)
    if span.source.grid is not None:  # a cell: its columns are cells, not characters
        (_, start), (end_line, end) = span.source.place(span.start), span.source.place(span.end)
        end = end if end_line == begin.line else len(line)
    end = max(start + 1, end)
    cells = [_cells(ch) for ch in line]
    first, last, prefix, suffix = 0, len(line), "", ""
    if sum(cells) > EXCERPT_WIDTH:  # cut around the span: a third of the width before it
        first = start
        room = EXCERPT_WIDTH // 3
        while first > 0 and cells[first - 1] <= room:
            room -= cells[first - 1]
            first -= 1
        last, room = first, EXCERPT_WIDTH
        while last < len(line) and cells[last] <= room:
            room -= cells[last]
            last += 1
        prefix = "…" if first > 0 else ""
        suffix = "…" if last < len(line) else ""
    lead = len(prefix) + sum(cells[first:start])
    carets = max(1, sum(cells[start : min(end, last)]))
    gutter = str(begin.line)
    pad = " " * len(gutter)
    return [
        f"{pad} |",
        f"{gutter} | {prefix}{visible(line[first:last])}{suffix}",
        f"{pad} | {' ' * lead}{'^' * carets}",
    ]
