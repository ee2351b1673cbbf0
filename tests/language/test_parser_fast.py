"""The fast parser (``engine.parser._fast_parse``, the AST built during the LALR parse) against
the reference (``parse_reference``: Lark's parse tree, rebuilt): for any text, the same AST,
spans included, or the same diagnostics, byte for byte."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.diagnostics import ExpressionError
from engine.parser import MAX_DEPTH, _fast_parse, parse, parse_reference
from engine.source import Source

# Pieces of formulas, right and wrong: every terminal of the grammar, the keywords, names that
# start like a keyword, literals that are malformed (dates, escapes, numbers beyond the bound).
PIECES = [
    "a", "b1", "so_ho_so", "x.y", "value", "iffy", "orx", "note", "in_", "_z", "Đ", "é",
    "0", "1", "12.5", "007", "3.", ".5", "99%", "12.5%", "1" * 40, "9" * 200, "9" * 1100,
    "2023-01-09", "2023-1-10", "2023-02-30", "2023-13-01", "1999-12-31",
    '"B"', '"Nhóm B"', '"a\\nb"', '"a\\qb"', '"\\"', '"unterminated', "'x'",
    "+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "=", "≤", "≥", "≠",
    "(", ")", "[", "]", ",", ".", "if", "then", "else", "and", "or", "not", "in", "where",
    "true", "false", "sum", "count", "avg", "min", "share", "all", "any", "coalesce", "round",
    "# note\n", "\n", "\t", "@", "$",
]

SEPARATORS = st.sampled_from(["", " ", " ", "  ", "\n", "\t"])


@st.composite
def jumbles(draw: st.DrawFn) -> str:
    """Any sequence of pieces: mostly broken, some well-formed."""
    pieces = draw(st.lists(st.sampled_from(PIECES), min_size=0, max_size=14))
    out = []
    for p in pieces:
        out.append(draw(SEPARATORS))
        out.append(p)
    return "".join(out)


ATOMS = st.sampled_from(["a", "b", "x.y", "1", "2.5", "99%", "2023-01-09", '"B"', "true",
                         "false", "value", "2023-1-1", '"q\\x"', "9" * 120])


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "and", "or", "<", ">=", "==",
                                          "≠", "< 2 <="]), inner)
        .map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda s: f"({s})"),
        inner.map(lambda s: f"-{s}"),
        inner.map(lambda s: f"not {s}"),
        st.tuples(inner, inner, inner).map(lambda t: f"if {t[0]} then {t[1]} else {t[2]}"),
        st.tuples(st.sampled_from(["sum", "count", "avg", "f", "round", "coalesce"]),
                  st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(st.sampled_from(["sum", "share", "all"]), inner, inner)
        .map(lambda t: f"{t[0]}({t[1]} where {t[2]})"),
        st.tuples(inner, st.lists(inner, max_size=3))
        .map(lambda t: f"{t[0]} in [{', '.join(t[1])}]"),
    )


FORMULAS = st.recursive(ATOMS, _wrap, max_leaves=25)


def _shape(node: Any) -> list[Any]:
    """Every node of an AST in order, with its fields and span (which equality leaves out)."""
    out: list[Any] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple):
            out.append(("tuple", len(n)))
            stack.extend(reversed(n))
            continue
        if not dataclasses.is_dataclass(n):
            out.append((type(n).__name__, n))
            continue
        span = getattr(n, "span", None)
        out.append((type(n).__name__, None if span is None else (span.start, span.end)))
        for f in dataclasses.fields(n):
            if f.name == "span":
                continue
            value = getattr(n, f.name)
            if f.name == "name_span":
                out.append(("name_span", (value.start, value.end)))
            else:
                stack.append(value)
    return out


def _outcome(fn: Any, text: str) -> Any:
    src = Source("f.yaml", text)
    try:
        return ("ok", _shape(fn(text, src)))
    except ExpressionError as e:
        return ("error", [(d.code, d.message, d.help, d.severity, d.notes,
                           d.span and (d.span.start, d.span.end), d.location)
                          for d in e.diagnostics])


def _same(text: str) -> None:
    assert _outcome(parse, text) == _outcome(parse_reference, text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jumbles())
def test_any_text_parses_or_fails_the_same(text: str) -> None:
    _same(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS, SEPARATORS)
def test_formulas_parse_the_same(text: str, pad: str) -> None:
    _same(pad + text + pad)


@pytest.mark.parametrize("text", [
    "value > 99%", "sum(x where kind == \"a\") / 3 >= 1", "a.b.c in [1, 2, 3]", "x in []",
    "if a then -b else not c", "f()", "(1)", "((a))", "x <= 2 ≤ 3 ≠ 4", '"a\\n" == s',
    "-(a + b) * c", "count(a)", "sum(a, b)", "a # comment\n + 1", "2023-01-09 - 2023-01-01",
])
def test_the_fast_path_takes_well_formed_formulas(text: str) -> None:
    assert _fast_parse(text, Source("<input>", text)) is not None
    _same(text)


@pytest.mark.parametrize("text", [
    "", "  ", "a +", "2023-1-10", '"a\\q"', "9" * 1200, "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH,
    "-" * (MAX_DEPTH + 1) + "1", "a = 1", "sum(a where)", "x in [1,]", "'B'", "a" * 5000,
])
def test_problems_leave_the_fast_path_and_are_worded_as_before(text: str) -> None:
    if len(text) <= 4000:
        assert _fast_parse(text, Source("<input>", text)) is None
    _same(text)


def test_nesting_at_the_limit_is_fast_and_the_same() -> None:
    text = "(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1)
    assert _fast_parse(text, Source("<input>", text)) is not None
    _same(text)
    deep = "-" * 50_000 + "1"  # no recursion limit on the way to the diagnostic
    _same(deep[:3999])
