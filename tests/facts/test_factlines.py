"""The line reader of plain fact files (engine.factlines) against the YAML parser's events
(engine.fact_files._plain_events): whenever it reads a file, it reads the same plan, period,
entries and bare agencies at the same places; anything else it leaves to the parser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.fact_files import Place, _plain_events
from engine.factlines import read_lines
from engine.source import Source
from engine.yamlsrc import FAST_LOADER

ROOT = Path(__file__).resolve().parents[2]


def _events(text: str) -> Any:
    loader = FAST_LOADER(text)
    try:
        return _plain_events(loader.get_event, Source("f.yaml", text))
    except Exception:  # any parser error: not a file the line reader may read
        return "error"
    finally:
        loader.dispose()


def _shape(got: Any) -> Any:
    if got is None or got == "error":
        return got
    plan, period, columns, bare = got
    entries = columns.table(plan.at.span.source).entries()

    def at(place: Place) -> tuple[int, int]:
        span = place.span
        assert span is not None
        return span.start, span.end

    return ((plan.text, at(plan.at)), period and (period.text, at(period.at)),
            [(e.agency, at(e.agency_at), e.fact, at(e.fact_at), e.value, at(e.value_at))
             for e in entries],
            [(a, at(p)) for a, p in bare])


def test_the_examples_are_read_by_lines_as_the_parser_reads_them() -> None:
    read = 0
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        text = path.read_text("utf-8")
        if "agencies:" not in text:
            continue
        mine = read_lines(text, Source("f.yaml", text))
        if path.parent.name == "q1":
            assert mine is not None, path  # the README's main job takes the fast way
        if mine is not None:
            assert _shape(mine) == _shape(_events(text)), path
            read += 1
    assert read >= 13


KEYS = st.sampled_from(["plan", "period", "agencies", "snv", "stp", "a.b", "x-y", "dossiers",
                        "null", "true", "1", "<<", "a b", "ở", "k#", "-a"])
VALUES = st.sampled_from(["", " 12", " -3.5", " ~", " null", " NULL", " true", " q1", " a:b",
                          " 'q1'", ' "x"', " 1 # note", " #c", " x#y", " [1]", " {a: 1}",
                          " &a 1", " *a", " !!str 1", " |", " -", " 2023-03-14", " 1e3",
                          " +5", " Sở", " a/b", "\t1", " 1 ", " ...", " 93.5%", " 1,5",
                          " %5", " ,5", " 1.234,5%", " 5%%", ' ""', ' " "', ' "1 # c"',
                          ' "a:b"', ' "Sở"', ' "null"', ' "~"', ' "93.5%"', ' "\\u00e9"',
                          ' "a"b"', ' "x" # c', ' "x"#c', ' "\u2028"', ' "\x85"', ' "\ufeff"',
                          ' "😀"', " \"'x'\"", ' "\t"'])
INDENTS = st.sampled_from(["", " ", "  ", "   ", "    ", "      ", "\t"])
LINES = st.one_of(
    st.tuples(INDENTS, KEYS, VALUES).map(lambda t: f"{t[0]}{t[1]}:{t[2]}"),
    st.sampled_from(["", "# c", "  # ở", "---", "...", "  - 1", "  x", "%YAML 1.1", "\r"]))
#: Lines of the plainest shape, mostly: the texts the line reader reads.
PLAIN = st.tuples(st.sampled_from(["  ", "    ", "      "]),
                  st.from_regex(r"[a-z][a-z0-9_.-]{0,6}", fullmatch=True),
                  st.sampled_from(["", " 1", " ~", " Null", " 93.5%", " 1 # c", " q1", " -2",
                                   " 1,5", "  # c", ' "93.5%"', ' ""', ' "Tốt"', ' " 1 "',
                                   ' "null"'])).map(lambda t: f"{t[0]}{t[1]}:{t[2]}")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(*[PLAIN] * 8, LINES), max_size=10), st.booleans())
def test_any_text_read_by_lines_is_read_the_same_by_the_parser(lines: list[str],
                                                             usual: bool) -> None:
    head = ["plan: p", "period: q1", "agencies:", "  snv:", "    a: 1"] if usual else []
    text = "\n".join([*head, *lines]) + "\n"
    mine = read_lines(text, Source("f.yaml", text))
    if mine is not None:
        assert _shape(mine) == _shape(_events(text)), text


IDS = st.from_regex(r"[a-z0-9_][a-z0-9_.-]{0,5}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(IDS, st.lists(st.tuples(IDS, VALUES), max_size=4)), min_size=1,
                max_size=4),
       st.sampled_from([("  ", "    "), (" ", "   "), ("    ", "        ")]),
       VALUES, VALUES)
def test_files_of_the_usual_shape_are_read_the_same(
        agencies: list[tuple[str, list[tuple[str, str]]]], indents: tuple[str, str],
        plan: str, period: str) -> None:
    lines = [f"plan:{plan}", f"period:{period}", "agencies:  # ở"]
    for agency, facts in agencies:
        lines.append(f"{indents[0]}{agency}:")
        lines.extend(f"{indents[1]}{fact}:{value}" for fact, value in facts)
    text = "\n".join(lines) + "\n"
    mine = read_lines(text, Source("f.yaml", text))
    if mine is not None:
        assert _shape(mine) == _shape(_events(text)), text


def test_a_quoted_value_lets_in_exactly_the_characters_it_says() -> None:
    """The class of a quoted value is written as what it leaves out; it lets in exactly the
    characters its comment names (every code point tried)."""
    from engine import factlines

    def allowed(c: int) -> bool:
        return (c >= 0x20 and c not in (0x22, 0x5C) and not 0x7F <= c <= 0x9F
                and c not in (0x2028, 0x2029, 0xFEFF) and not 0xD800 <= c <= 0xDFFF
                and c <= 0xFFFD)

    quoted = re.compile(factlines._QUOTED)
    wrong = [hex(c) for c in range(0x110000)
             if bool(quoted.fullmatch(f'"{chr(c)}"')) != allowed(c)]
    assert wrong == []
