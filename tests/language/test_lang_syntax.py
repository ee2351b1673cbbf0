"""The parser and the printer: what each construct parses to, round trips, totality, limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.diagnostics import ExpressionError
from engine.nodes import (
    Aggregate,
    Binary,
    Bool,
    Call,
    Compare,
    Date,
    Expr,
    If,
    In,
    Name,
    Number,
    Text,
    Unary,
    walk,
)
from engine.parser import MAX_DEPTH, MAX_LENGTH, depth, parse
from engine.printer import to_text
from tests.language.lang_strategies import formula_like, printable, trees

a, b, c = Name("a"), Name("b"), Name("c")


def n(value: int | str) -> Number:
    frac = Fraction(value)
    return Number(frac.numerator if frac.denominator == 1 else frac)


def codes(text: str) -> list[str]:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    return [d.code for d in info.value.diagnostics]


# -- each construct ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tree"), [
    ("1200", n(1200)),
    ("99.5", n("99.5")),
    ("0.10", n("0.1")),
    ("007", n(7)),
    ("99%", Number(Fraction(99, 100), True)),
    ("8.5%", Number(Fraction(85, 1000), True)),
    ("100%", Number(1, True)),
    ("2023-01-10", Date(dt.date(2023, 1, 10))),
    ('"B"', Text("B")),
    ('"Sở Nội vụ"', Text("Sở Nội vụ")),
    (r'"say \"hi\" \\ now\n\tend"', Text('say "hi" \\ now\n\tend')),
    ("true", Bool(True)),
    ("false", Bool(False)),
    ("dossiers_on_time", Name("dossiers_on_time")),
    ("procedures.on_time", Name("procedures.on_time")),
    ("procedures . on_time", Name("procedures.on_time")),
    ("iffy + notable", Binary("+", Name("iffy"), Name("notable"))),
])
def test_atoms(text: str, tree: Expr) -> None:
    assert parse(text) == tree


@pytest.mark.parametrize(("text", "tree"), [
    ("a + b * c", Binary("+", a, Binary("*", b, c))),
    ("(a + b) * c", Binary("*", Binary("+", a, b), c)),
    ("a - b - c", Binary("-", Binary("-", a, b), c)),
    ("a / b / c", Binary("/", Binary("/", a, b), c)),
    ("a - (b - c)", Binary("-", a, Binary("-", b, c))),
    ("-a * b", Binary("*", Unary("-", a), b)),
    ("- -a", Unary("-", Unary("-", a))),
    ("a - -b", Binary("-", a, Unary("-", b))),
    ("a or b and c", Binary("or", a, Binary("and", b, c))),
    ("not a and b", Binary("and", Unary("not", a), b)),
    ("not a == b", Unary("not", Compare(("==",), (a, b)))),
    ("a + 1 > b * 2", Compare((">",), (Binary("+", a, n(1)), Binary("*", b, n(2))))),
    ("a < b and b < c", Binary("and", Compare(("<",), (a, b)), Compare(("<",), (b, c)))),
])
def test_precedence(text: str, tree: Expr) -> None:
    assert parse(text) == tree


def test_comparison_chains_and_unicode_operators() -> None:
    pct = Number(Fraction(8, 100), True), Number(Fraction(10, 100), True)
    assert parse("8% <= growth <= 10%") == Compare(("<=", "<="), (pct[0], Name("growth"), pct[1]))
    assert parse("a ≤ b ≥ c ≠ 1") == Compare(("<=", ">=", "!="), (a, b, c, n(1)))
    assert parse("a < b == c > 1") == parse("a<b==c>1")


def test_membership() -> None:
    assert parse('value in ["A", "B"]') == In(Name("value"), (Text("A"), Text("B")))
    assert parse("x in []") == In(Name("x"), ())
    assert parse("not x in [1]") == Unary("not", In(Name("x"), (n(1),)))


def test_conditionals_nest_to_the_right() -> None:
    assert parse("if a then 1 else if b then 2 else 3") == If(a, n(1), If(b, n(2), n(3)))
    assert parse("if a or b then c else 0") == If(Binary("or", a, b), c, n(0))


def test_calls_and_aggregates() -> None:
    assert parse("round(x, 2)") == Call("round", (Name("x"), n(2)))
    assert parse("min(a, b)") == Call("min", (a, b))
    assert parse("min(a)") == Aggregate("min", a)
    assert parse("sum(x)") == Aggregate("sum", Name("x"))
    assert parse("f()") == Call("f", ())
    assert parse('sum(received where kind == "commune")') == Aggregate(
        "sum", Name("received"), Compare(("==",), (Name("kind"), Text("commune"))))
    assert parse("count(ok where a and b)") == Aggregate("count", Name("ok"), Binary("and", a, b))


def test_comments_and_layout_are_ignored() -> None:
    assert parse("a +  # the numerator\n  b # done") == Binary("+", a, b)
    assert parse("\n\ta\r\n>\n1 ") == Compare((">",), (a, n(1)))


def test_spans_locate_each_node() -> None:
    text = 'sum(x where kind == "a") / (count(ok) + 1)'
    tree = parse(text)
    spans = [(type(node).__name__, node.span.text) for node in walk(tree) if node.span]
    assert spans == [
        ("Binary", text), ("Aggregate", 'sum(x where kind == "a")'), ("Name", "x"),
        ("Compare", 'kind == "a"'), ("Name", "kind"), ("Text", '"a"'),
        ("Binary", "count(ok) + 1"), ("Aggregate", "count(ok)"), ("Name", "ok"),
        ("Number", "1"),
    ]
    call = parse("  round(x, 2)")
    assert isinstance(call, Call) and call.name_span is not None
    assert (call.name_span.begin.col, call.name_span.text) == (3, "round")


# -- syntax errors -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code", "message", "col"), [
    ("1 +", "E101", "the formula ends too early", 4),
    ("1 2", "E101", "unexpected '2'", 3),
    ("a = 1", "E101", "unexpected character '='", 3),
    ('"open', "E101", "this text is not closed", 1),
    ("số > 1", "E101", "unexpected character 'ố'", 2),
    ("x in 1", "E101", "unexpected '1'", 6),
    ("then + 1", "E101", "unexpected 'then'", 1),
    ("sum(x) where ok", "E101", "unexpected 'where'", 8),
    ("1e5", "E101", "unexpected 'e5'", 2),
    ("2023-02-30", "E104", "2023-02-30 is not a date of the calendar", 1),
    ("2023-1-10", "E104", "2023-1-10 is not a date: dates are written YYYY-MM-DD", 1),
    (r'"a\q"', "E105", "unknown escape '\\q' in text", 3),
    ("", "E106", "the formula is empty", 1),
    ("  # only a comment\n", "E106", "the formula is empty", 1),
])
def test_syntax_errors(text: str, code: str, message: str, col: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    (d,) = info.value.diagnostics
    assert (d.code, d.message, d.location[2]) == (code, message, col)


def test_expected_tokens_are_said_in_words() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("(a + 1")
    assert info.value.diagnostics[0].help == "expected ')'"
    with pytest.raises(ExpressionError) as info:
        parse("a b")
    assert info.value.diagnostics[0].help == "expected an operator or the end of the formula"
    with pytest.raises(ExpressionError) as info:
        parse("min(a, ")
    assert info.value.diagnostics[0].help == (
        "expected a value (a number, a name, a date, a text, true or false)")


def test_every_literal_error_is_reported() -> None:
    assert codes(r'2023-02-30 < 2023-13-01 and "\q" == ""') == ["E104", "E104", "E105"]


# -- limits ------------------------------------------------------------------------------------

def test_length_limit() -> None:
    at_limit = '"' + "x" * (MAX_LENGTH - 2) + '"'
    assert parse(at_limit) == Text("x" * (MAX_LENGTH - 2))
    assert codes(at_limit + " ") == ["E102"]
    assert codes("(" * 100_000) == ["E102"]


@pytest.mark.parametrize("make", [
    lambda k: "(" * k + "1" + ")" * k,             # parentheses: one level each
    lambda k: "-" * k + "1",                       # unary minus
    lambda k: "not " * k + "true",
    lambda k: "abs(" * k + "1" + ")" * k,
    lambda k: "1" + " + 1" * k,                    # a sum of k + 1 terms
])
def test_depth_limit(make: Callable[[int], str]) -> None:
    parse(make(MAX_DEPTH - 1))                     # MAX_DEPTH levels with the innermost literal
    assert codes(make(MAX_DEPTH)) == ["E103"]
    assert codes(make(1999)) in (["E103"], ["E102"])


def test_depth_counts_nodes() -> None:
    assert depth(parse("1")) == 1
    assert depth(parse("a + b * c")) == 3
    assert depth(parse("x in [1, 2 + 3]")) == 3


# -- properties --------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_round_trip(tree: Expr) -> None:
    text = to_text(tree)
    parsed = parse(text)
    assert parsed == tree
    assert to_text(parsed) == text


@settings(max_examples=150, deadline=None)
@given(trees)
def test_every_span_reparses_to_its_node(tree: Expr) -> None:
    parsed = parse(to_text(tree))
    for node in walk(parsed):
        assert node.span is not None
        assert parse(node.span.text) == node


def _parses_or_diagnoses(text: str) -> None:
    try:
        parse(text)
    except ExpressionError as err:
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.code in {"E101", "E102", "E103", "E104", "E105", "E106"}
            assert d.span is not None and 0 <= d.span.start <= d.span.end <= len(text)
            assert d.render().startswith(f"<input>:{d.location[1]}:{d.location[2]}: error[")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), printable, formula_like))
def test_parser_is_total(text: str) -> None:
    _parses_or_diagnoses(text)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 60_000), st.sampled_from(["(", "-", "not ", "abs(", "[", "((1+", "a."]),
       st.sampled_from(["", "1", ")", "1" + ")" * 10]))
def test_parser_is_total_on_deep_and_long_inputs(count: int, opener: str, tail: str) -> None:
    _parses_or_diagnoses(opener * count + tail)
