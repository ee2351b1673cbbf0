"""engine.source: positions of offsets, spans, and the excerpt with carets under a span.

Columns in positions count code points; carets count terminal cells (a tab or a control
character is shown written out, ``\t``, ``\x1b``, one cell per character; a combining mark takes
none), so that they stay under the text they point at.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engine.escape import visible
from engine.source import EXCERPT_WIDTH, Position, Source, Span, excerpt

# -- positions ----------------------------------------------------------------------------------

TEXT = "ab\ncd\n\nxyz"


@pytest.mark.parametrize("offset,line,col", [
    (0, 1, 1), (1, 1, 2),
    (2, 1, 3),            # the newline belongs to the line it ends
    (3, 2, 1), (5, 2, 3),
    (6, 3, 1),            # an empty line
    (7, 4, 1), (10, 4, 4),  # the end of a text without a final newline
])
def test_position_of_an_offset(offset: int, line: int, col: int) -> None:
    assert Source("f.yaml", TEXT).position(offset) == Position("f.yaml", line, col)


def test_position_is_clamped_into_the_text() -> None:
    src = Source("f.yaml", TEXT)
    assert src.position(-5) == src.position(0)
    assert src.position(100) == src.position(len(TEXT)) == Position("f.yaml", 4, 4)


def test_position_after_a_final_newline_is_on_the_next_line() -> None:
    assert Source("f", "a\n").position(2) == Position("f", 2, 1)
    assert Source("f", "").position(0) == Position("f", 1, 1)


def test_columns_count_code_points() -> None:
    nfc = "x: tổng"
    nfd = unicodedata.normalize("NFD", nfc)
    assert len(nfd) == len(nfc) + 2
    assert Source("f", nfc).position(len(nfc)).col == 8
    assert Source("f", nfd).position(len(nfd)).col == 10


def test_line_text() -> None:
    src = Source("f.yaml", TEXT)
    assert [src.line_text(n) for n in range(0, 6)] == ["", "ab", "cd", "", "xyz", ""]
    assert Source("f", "a\r\nb").line_text(1) == "a\r"  # lines end at "\n" only


# Text with several lines, tabs, precomposed and decomposed Vietnamese letters.
LINES = st.text(alphabet="ab \t\nđơư" "ổ" "\u0302\u0309\u0301", max_size=80)


@given(LINES, st.data())
def test_position_maps_back_to_its_offset(text: str, data: st.DataObject) -> None:
    """The law of positions: the lines before ``line`` plus ``col - 1`` give the offset back."""
    src = Source("f", text)
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    pos = src.position(offset)
    before = sum(len(src.line_text(n)) + 1 for n in range(1, pos.line))
    assert before + pos.col - 1 == offset
    assert 1 <= pos.col <= len(src.line_text(pos.line)) + 1


@given(LINES)
def test_line_texts_join_back_into_the_text(text: str) -> None:
    src = Source("f", text)
    lines = src.position(len(text)).line
    assert "\n".join(src.line_text(n) for n in range(1, lines + 1)) == text


# -- formulas cut out of a parent ---------------------------------------------------------------

# A YAML file with a double-quoted formula whose "\t" escape is two characters in the file but
# one in the formula, and a folded "|" block whose lines are indented in the file.
FILE = 'x:\n  value: "sum(a)\\t/ b"\n  target: |\n    value >\n      99%\n'


def _quoted() -> Source:
    parent = Source("plan.yaml", FILE)
    start = FILE.index('"') + 1
    text = "sum(a)\t/ b"
    origin = [*range(start, start + 6), start + 6, *range(start + 8, start + 11)]
    origin.append(origin[-1] + 1)  # one more for the end of the formula
    return Source("value", text, parent, tuple(origin))


def _block() -> Source:
    parent = Source("plan.yaml", FILE)
    first = FILE.index("value >")
    second = FILE.index("99%")
    text = "value >\n99%\n"
    origin = (*range(first, first + 8), *range(second, second + 4), second + 4)
    return Source("target", text, parent, origin)


def test_a_cut_out_formula_reports_positions_in_its_file() -> None:
    quoted = _quoted()
    assert len(quoted.origin) == len(quoted.text) + 1
    assert quoted.position(0) == Position("plan.yaml", 2, 11)   # "s" of sum
    assert quoted.position(6) == Position("plan.yaml", 2, 17)   # the tab, written "\t"
    assert quoted.position(7) == Position("plan.yaml", 2, 19)   # "/" after the escape
    assert quoted.position(len(quoted.text)) == Position("plan.yaml", 2, 22)  # closing quote
    assert quoted.position(999) == quoted.position(len(quoted.text))
    block = _block()
    assert block.position(8) == Position("plan.yaml", 5, 7)     # "99%" on its own file line
    assert block.root is block.parent and block.parent.root is block.parent


def test_a_formula_cut_out_of_a_cut_out_formula_reaches_the_file() -> None:
    quoted = _quoted()
    inner = Source("inner", "/ b", quoted, (7, 8, 9, 10))
    assert inner.root is quoted.root
    assert inner.position(2) == quoted.position(9) == Position("plan.yaml", 2, 21)


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=30), st.data())
def test_a_cut_out_position_is_the_parent_position_of_its_origin(
        gaps: list[int], data: st.DataObject) -> None:
    parent_text = "k: " + "a\n" * 100
    origin = [3]
    for gap in gaps:
        origin.append(origin[-1] + gap)
    child = Source("formula", "x" * (len(origin) - 1), Source("f", parent_text), tuple(origin))
    offset = data.draw(st.integers(min_value=0, max_value=len(child.text)))
    assert child.position(offset) == Source("f", parent_text).position(origin[offset])


# -- spans --------------------------------------------------------------------------------------

def test_span_text_begin_and_finish() -> None:
    src = Source("f.yaml", TEXT)
    span = Span(src, 4, 9)
    assert span.text == "d\n\nxy"
    assert span.begin == Position("f.yaml", 2, 2)
    assert span.finish == Position("f.yaml", 4, 3)
    empty = Span(src, 3, 3)
    assert empty.text == "" and empty.begin == empty.finish


def test_span_in_a_cut_out_formula_is_placed_in_the_file() -> None:
    span = Span(_quoted(), 7, 10)
    assert span.text == "/ b"
    assert (span.begin.line, span.begin.col, span.finish.col) == (2, 19, 22)


# -- excerpts -----------------------------------------------------------------------------------

def test_excerpt_points_at_the_span() -> None:
    src = Source("f.yaml", "a: 1\nvalue: sum(x) / y\n")
    assert excerpt(Span(src, 12, 18)) == [
        "  |",
        "2 | value: sum(x) / y",
        "  |        ^^^^^^",
    ]


def test_excerpt_gutter_widens_with_the_line_number() -> None:
    src = Source("f", "\n" * 11 + "bad\n")
    assert excerpt(Span(src, 11, 14)) == ["   |", "12 | bad", "   | ^^^"]


def test_excerpt_writes_a_tab_out_and_counts_its_cells() -> None:
    src = Source("f.yaml", "value:\tsum(x) / tổng\n")
    assert excerpt(Span(src, 16, 20)) == [
        "  |",
        "1 | value:\\tsum(x) / tổng",
        "  |                  ^^^^",
    ]


def test_excerpt_writes_control_characters_out_and_carets_stay_under_the_span() -> None:
    # An escape sequence and a right-to-left override before the span, one inside it.
    src = Source("h.csv", "snv\x1b[31m,received,\u202e4\x1b]0;x\x0700\n")
    start = src.text.index("\u202e")
    assert excerpt(Span(src, start, src.text.index("\n"))) == [
        "  |",
        "1 | snv\\x1b[31m,received,\\u202e4\\x1b]0;x\\x0700",
        "  | " + " " * len("snv\\x1b[31m,received,") + "^" * len("\\u202e4\\x1b]0;x\\x0700"),
    ]


def test_excerpt_carets_skip_combining_marks() -> None:
    line = unicodedata.normalize("NFD", "tổng = tổng(x)")
    src = Source("f", line)
    start = line.index("(") - len(unicodedata.normalize("NFD", "tổng"))
    lines = excerpt(Span(src, start, line.index("(")))
    assert lines[1] == f"1 | {line}"
    # "tổng = " is seven cells, whatever the code points; "tổng" four.
    assert lines[2] == "  | " + " " * 7 + "^^^^"


def test_excerpt_of_an_empty_span_shows_one_caret() -> None:
    src = Source("f", "abc")
    assert excerpt(Span(src, 1, 1))[2] == "  |  ^"
    assert excerpt(Span(src, 3, 3))[2] == "  |    ^"  # at the end of the line


def test_excerpt_of_a_span_over_lines_marks_to_the_end_of_the_first() -> None:
    src = Source("f", "ab cd\nef\n")
    assert excerpt(Span(src, 3, 8)) == ["  |", "1 | ab cd", "  |    ^^"]


def test_excerpt_of_a_cut_out_formula_shows_the_file_line() -> None:
    lines = excerpt(Span(_quoted(), 7, 10))  # "/ b", after the two-character escape "\t"
    assert lines[1] == '2 |   value: "sum(a)\\t/ b"'
    assert lines[2] == "  |" + " " * 19 + "^^^"


def test_excerpt_cuts_a_long_line_around_the_span() -> None:
    line = "x" * 150 + "HERE" + "y" * 150
    lines = excerpt(Span(Source("f", line), 150, 154))
    shown = lines[1].removeprefix("1 | ")
    assert shown.startswith("…") and shown.endswith("…")
    assert len(shown) == EXCERPT_WIDTH + 2
    col = lines[2].index("^") - len("  | ")
    assert shown[col : col + 4] == "HERE" and lines[2].endswith("^^^^")
    # A span that runs past the cut stops its carets at the last character shown.
    long = excerpt(Span(Source("f", line), 150, 300))
    assert long[1] == lines[1]
    assert long[2] == "  | " + " " * col + "^" * (len(shown) - 1 - col)


def _cells(shown: str) -> list[str]:
    """``shown`` cut into terminal cells: a combining mark joins the cell before it."""
    cells: list[str] = []
    for ch in shown:
        if unicodedata.combining(ch) and cells:
            cells[-1] += ch
        else:
            cells.append(ch)
    return cells


SAFE = "abc xyz:()/đơưổ\u0302\u0309\u0301\t\x1b\x9b\u202e\u2066"


@given(st.text(alphabet=SAFE, max_size=2 * EXCERPT_WIDTH), st.data())
def test_carets_sit_under_the_span(text: str, data: st.DataObject) -> None:
    """The law of excerpts: the cells above the carets hold the span's text (as shown), cut
    short only where a long line is cut."""
    line = "k" + text  # a line that starts with a letter, not with a stray combining mark
    boundaries = [i for i in range(len(line) + 1)
                  if i == len(line) or not unicodedata.combining(line[i])]
    start = data.draw(st.sampled_from(boundaries))
    end = data.draw(st.sampled_from([b for b in boundaries if b >= start]))
    assume(end > start)
    gutter, text_line, caret_line = excerpt(Span(Source("f", line + "\nnext"), start, end))
    assert gutter == "  |"
    shown = text_line.removeprefix("1 | ")
    marks = caret_line.removeprefix("  | ")
    lead = len(marks) - len(marks.lstrip(" "))
    carets = marks[lead:]
    assert carets and set(carets) == {"^"}
    under = "".join(_cells(shown)[lead : lead + len(carets)])
    span_text = visible(line[start:end])
    assert "\x1b" not in text_line and "\u202e" not in text_line
    if len(_cells(visible(line))) > EXCERPT_WIDTH:
        assert span_text.startswith(under)
    else:
        assert under == span_text
