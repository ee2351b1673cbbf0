"""A sheet as a source: positions are cells, excerpts show the row, JSON names sheet and cell."""

from __future__ import annotations

import pytest

from engine.diagnostics import Diagnostic
from engine.source import Grid, Position, Source, Span, column_letters, excerpt
from engine.xlsxsrc import SEPARATOR, _sheet


@pytest.mark.parametrize(("n", "letters"), [(1, "A"), (4, "D"), (26, "Z"), (27, "AA"),
                                            (52, "AZ"), (703, "AAA"), (16384, "XFD")])
def test_column_letters(n: int, letters: str) -> None:
    assert column_letters(n) == letters


def sheet() -> Source:
    return _sheet("snv.xlsx", "Số liệu", [
        (1, 1, "text", "Kế hoạch"), (1, 2, "text", "son-la"),
        (3, 1, "text", "received"), (3, 2, "text", "Số hồ sơ\ntiếp nhận"), (3, 4, "number", "-2"),
    ]).source


def test_lines_are_rows_and_cells_are_columns() -> None:
    src = sheet()
    assert src.text.split("\n") == [
        SEPARATOR.join(["Kế hoạch", "son-la", "", "", ""]), "",
        SEPARATOR.join(["received", "Số hồ sơ tiếp nhận", "", "-2", ""])]
    start = src.text.index("-2")
    assert src.position(start) == Position("snv.xlsx", 3, 4, "Số liệu", "D3")
    assert src.position(start).where == "snv.xlsx:Số liệu!D3"
    assert src.position(src.text.index("son-la")).cell == "B1"
    assert src.position(0).cell == "A1"


def test_a_diagnostic_at_a_cell() -> None:
    src = sheet()
    start = src.text.index("-2")
    d = Diagnostic("E643", "a count cannot be negative", Span(src, start, start + 2),
                   help="write 0")
    assert d.location == ("snv.xlsx", 3, 4, 3, 5)
    assert d.render().splitlines() == [
        "snv.xlsx:Số liệu!D3: error[E643]: a count cannot be negative",
        "  |",
        "3 | received | Số hồ sơ tiếp nhận |  | -2 | ",
        "  |" + " " * 36 + "^^",
        "  = help: write 0",
    ]
    data = d.to_dict()
    assert (data["sheet"], data["cell"], data["line"], data["col"], data["end_col"]) == (
        "Số liệu", "D3", 3, 4, 5)


def test_text_sources_keep_their_keys() -> None:
    d = Diagnostic("E640", "x", Span(Source("f.yaml", "a: b\n"), 3, 4))
    assert "sheet" not in d.to_dict() and d.header() == "f.yaml:1:4: error[E640]: x"
    assert excerpt(Span(Source("f.yaml", "a: b\n"), 3, 4))[2] == "  |    ^"


def test_a_grid_without_cells_on_a_line_names_column_a() -> None:
    src = Source("s.xlsx", "x\n\ny", grid=Grid("S", {1: ((0, 2),)}))
    assert src.position(0).cell == "B1" and src.position(2).cell == "A2"
