"""Output cannot be turned against its reader: CSV that a spreadsheet cannot take for formulas
(OWASP CSV injection), Markdown a name cannot add a heading to, and text for people in which a
control or bidirectional character is written out (``\\x1b``, ``\\u202e``) instead of being
sent to the terminal, while JSON stays exact."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import escape
from engine.escape import INVISIBLE_CATEGORIES, csv_cell, json_safe, visible, visible_lines
from engine.render import render_csv
from engine.template import template

DATA = Path(__file__).resolve().parent / "data" / "report"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in INVISIBLE_CATEGORIES


# -- visible: text for people --------------------------------------------------------------------

@given(st.text())
def test_visible_output_holds_no_control_or_invisible_character(text: str) -> None:
    shown = visible(text)
    assert not any(_invisible(ch) for ch in shown)
    assert shown.isascii() or not text.isascii()
    assert visible(shown) == shown  # once is enough


@given(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_visible_leaves_other_text_as_it_is(text: str) -> None:
    assert visible(text) == text and visible_lines(text) == text


@given(st.text())
def test_visible_writes_each_character_out_the_way_python_does(text: str) -> None:
    """Each invisible character becomes the escape Python writes for it (so it reads back)."""
    expected = "".join(repr(ch)[1:-1] if _invisible(ch) else ch
                       for ch in text)
    assert visible(text) == expected


@pytest.mark.parametrize("text,shown", [
    ("\x1b[2J", "\\x1b[2J"),                      # clear the screen
    ("\x1b]0;pwn\x07", "\\x1b]0;pwn\\x07"),          # retitle the terminal
    ("a\tb\r\nc", "a\\tb\\r\\nc"),
    ("\x7f\x85\x9b", "\\x7f\\x85\\x9b"),             # DEL and C1 controls (CSI)
    ("abc\u202edcba", "abc\\u202edcba"),           # right-to-left override: Trojan Source
    ("\u2066x\u2069\u200b\ufeff", "\\u2066x\\u2069\\u200b\\ufeff"),
    ("\U000e0041", "\\U000e0041"),                 # a tag character
    ("\udcff", "\\udcff"),                         # a byte of a file name that is not UTF-8
    ("Sở Nội vụ\u00a0100%", "Sở Nội vụ\u00a0100%"),  # a no-break space is shown as it is
    ("tổ\u0302", "tổ\u0302"),                        # so is a combining mark
])
def test_visible_examples(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_visible_lines_keeps_the_line_breaks_only() -> None:
    assert visible_lines("a\x1b[1m\n\tb\r\n") == "a\\x1b[1m\n\\tb\\r\n"


# -- JSON stays exact ----------------------------------------------------------------------------

@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.text(max_size=5), kids, max_size=3), max_leaves=8))
def test_json_safe_parses_to_the_same_data_and_shows_no_control(data: object) -> None:
    for indent in (None, 2):
        document = json_safe(json.dumps(data, ensure_ascii=False, indent=indent))
        assert json.loads(document) == data
        assert not any(_invisible(ch) for ch in document if ch != "\n")


# -- CSV -----------------------------------------------------------------------------------------

@given(st.text())
def test_a_cell_never_starts_a_formula_unless_it_is_a_number(text: str) -> None:
    cell = csv_cell(text)
    if cell.startswith(DANGEROUS):
        float(cell)  # only a plain number may start with + or -
    assert cell in (visible_lines(text), "'" + visible_lines(text))
    assert not any(_invisible(ch) for ch in cell if ch != "\n")


def test_numbers_stay_numbers() -> None:
    assert [csv_cell(x) for x in ("-12", "+3.5", "-1e3", "0.99")] == ["-12", "+3.5", "-1e3",
                                                                          "0.99"]
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@SUM(A1)") == "'@SUM(A1)"


def _hostile_plan() -> engine.Plan:
    text = (DATA / "plan.yaml").read_text("utf-8")
    text = text.replace("name: {vi: Trên 99% hồ sơ đúng hạn",
                        "name: {vi: '=HYPERLINK(\"http://evil\";\"x\")'")
    text = text.replace("label: {vi: Số hồ sơ tiếp nhận}", "label: {vi: '@SUM(1+1)'}")
    return engine.loads_plan(text, "hostile.yaml")


def test_report_and_template_csv_neutralise_formula_cells() -> None:
    plan = _hostile_plan()
    facts = engine.load_facts(plan, [DATA / "q1.yaml"])
    report = engine.evaluate(plan, facts, period="q1")
    for text in (render_csv(report), template(plan, "q1", "snv", "csv")):
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert not any(c.startswith(("=", "@")) for c in cells), cells
        assert any(c.startswith("'=HYPERLINK") or c == "'@SUM(1+1)" for c in cells)


def test_a_line_break_in_the_title_or_a_period_name_adds_no_heading() -> None:
    from engine.render import render_markdown

    text = (DATA / "plan.yaml").read_text("utf-8")
    text = text.replace("title: {vi: Kế hoạch CCHC nhỏ năm 2023,",
                        'title: {vi: "Kế hoạch\\n# Đã đạt hết",')
    text = text.replace("q1: {name: {vi: Quý I,", 'q1: {name: {vi: "Quý I\\n## Giả",')
    plan = engine.loads_plan(text, "hostile.yaml")
    report = engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1")
    lines = render_markdown(report, "vi").splitlines()
    assert lines[0] == "# Kế hoạch # Đã đạt hết"
    assert not any(line.startswith(("# Đã", "## Giả")) for line in lines)


@given(st.text(alphabet=st.sampled_from(
    [*"aăâđêôơư AĂÂĐÊÔƠƯ09%–—…“”‘’·×", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323",
     "\u031b", "\u4e2d", "\uff21", "\x1b", "\u00ad", "\u200b", "\u212b", "\u2000", "\u0374",
     "\ue000", "\U0001f600", chr(0x0378)]), max_size=30) | st.text(max_size=30))
def test_cells_counts_as_character_by_character(text: str) -> None:
    """The fast count of :func:`cells` (a text of one-cell characters NFC leaves alone) is
    the count character by character, whatever the text."""
    slow = sum(map(escape._cell, unicodedata.normalize("NFC", escape.visible(text))))
    assert escape.cells(text) == slow
    for word in ("Sở Nội vụ", "Cải cách thủ tục hành chính", "2022-12-15 – 2023-03-13",
                 "Hồ sơ giải quyết đúng hạn ≥ 99,5%"):
        assert escape.cells(word) == sum(map(escape._cell, word))


@given(st.text(alphabet=st.sampled_from(
    [*"aăâđêôơư AĂÂĐÊÔƠƯ09%–—…·×", "\u0301", "\u0309", "\u4e2d", "\x1b", "\u00ad",
     "\u200b", "\u212b", "\U0001f600"]), max_size=30) | st.text(max_size=30),
       st.integers(0, 30), st.integers(0, 30))
def test_a_text_of_one_cell_characters_is_one_cell_each_in_every_part(text: str, i: int,
                                                                      j: int) -> None:
    """:func:`engine.escape.one_cell_each` says a text's cells are its length, and then those
    of every part of it are too (``engine.render.wrap`` counts its words by their length)."""
    if escape.one_cell_each(text):
        assert escape.cells(text) == len(text)
        assert escape.cells(text[i:j]) == len(text[i:j])


def test_one_cell_each_examples() -> None:
    assert escape.one_cell_each("Cải cách thủ tục hành chính – 99,5%")
    assert not escape.one_cell_each("So\u031b\u0309")  # tone marks typed apart: NFC joins them
    assert not escape.one_cell_each("\u4e2d") and not escape.one_cell_each("a\x1b")
