"""Source texts and spans: where a piece of text came from, and how to point at it.

A :class:`Span` is a pair of offsets into a :class:`Source`. Line and column (1-based, counted in
Unicode code points) are derived on demand, so spans stay cheap to create and compare.

A formula embedded in a YAML file is its own small source whose ``origin`` maps its offsets back
into the file, so that an error at column 18 of a formula is reported at the right place in YAML.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a named file."""

    file: str
    line: int
    col: int


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
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._line_starts.append(0)
        self._line_starts.extend(m.end() for m in re.finditer("\n", self.text))

    def position(self, offset: int) -> Position:
        """The file, line and column of ``offset`` (clamped into the text)."""
        offset = max(0, min(offset, len(self.text)))
        if self.parent is not None and self.origin:
            return self.parent.position(self.origin[min(offset, len(self.origin) - 1)])
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(self.name, line + 1, offset - self._line_starts[line] + 1)

    @property
    def root(self) -> Source:
        """The outermost source: the file a formula was cut out of, or this source itself."""
        return self if self.parent is None else self.parent.root

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its newline."""
        if not 1 <= line <= len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
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


#: Longest source line shown in an excerpt; longer lines are cut around the span.
EXCERPT_WIDTH = 100


def _shown(text: str) -> str:
    """``text`` as the excerpt shows it: a tab as four spaces, so that the caret line below it
    lines up in any terminal."""
    return text.replace("\t", "    ")


def _cells(text: str) -> int:
    """How many terminal cells ``text`` takes once shown: a combining mark (a Vietnamese tone
    mark typed as a separate code point) takes none."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in _shown(text))


def excerpt(span: Span) -> list[str]:
    r"""The offending source line with a caret line under the span, rustc style.

    Columns in messages count code points; the caret line counts cells, so it stays under the
    text when the line holds a tab or a decomposed letter.

        >>> src = Source("f.yaml", "value:\tsum(x) / tổng\n")
        >>> print("\n".join(excerpt(Span(src, 16, 20))))
          |
        1 | value:    sum(x) / tổng
          |                    ^^^^
    """
    begin, finish = span.begin, span.finish
    line = span.source.root.line_text(begin.line)
    col = begin.col
    width = finish.col - begin.col if finish.line == begin.line else len(line) - begin.col + 1
    width = max(1, width)
    if len(line) > EXCERPT_WIDTH:
        start = max(0, col - 1 - EXCERPT_WIDTH // 3)
        shown = line[start : start + EXCERPT_WIDTH]
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + EXCERPT_WIDTH < len(line) else ""
        line = prefix + shown + suffix
        col = col - start + len(prefix)
        width = min(width, EXCERPT_WIDTH - (col - 1 - len(prefix)))
    lead = _cells(line[: col - 1])
    carets = max(1, _cells(line[col - 1 : col - 1 + max(1, width)]))
    gutter = str(begin.line)
    pad = " " * len(gutter)
    return [
        f"{pad} |",
        f"{gutter} | {_shown(line)}",
        f"{pad} | {' ' * lead}{'^' * carets}",
    ]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why the text of a file could not be read: ``reason`` when the file itself cannot be
    read; otherwise the file is not UTF-8, and ``byte`` (its value) at ``offset`` (its index)
    is the first that is not, located by ``span`` in the text decoded with replacements."""

    reason: str = ""
    byte: int = 0
    offset: int = 0
    span: Span | None = None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, name: str) -> str | Unreadable:
    """The UTF-8 text of a file (an optional byte order mark, any line endings), or why not.

    Every file the engine is given (plans, fact files, test cases) is read this way; each
    caller turns an :class:`Unreadable` into a diagnostic of its own stage."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return Unreadable("it is a folder" if path.is_dir() else str(e.strerror or e).lower())
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return normalize_newlines(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        good = normalize_newlines(data[:e.start].decode("utf-8"))
        shown = normalize_newlines(data.decode("utf-8", errors="replace"))
        return Unreadable(byte=data[e.start], offset=e.start,
                          span=Span(Source(name, shown), len(good), len(good) + 1))
