"""The checker: names, types, every error at its exact span, and soundness of evaluation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from engine.builtins import BOOL, DATE, NUMBER, TEXT, Type
from engine.checker import Symbols, check
from engine.diagnostics import ExpressionError
from engine.evaluator import Context, compile_expr
from engine.nodes import Expr
from engine.parser import parse
from engine.values import Unknown, type_of
from tests.language.lang_strategies import PER_AGENCY, SYMBOLS, contexts, trees, typed_trees

FACTS = Symbols(
    {"received": NUMBER, "on_time": NUMBER, "issued": BOOL, "issued_on": DATE, "group": TEXT,
     "value": NUMBER},
    {"dossiers": NUMBER, "late": NUMBER, "plan_issued": BOOL, "issued_at": DATE},
)


def type_of_text(text: str, symbols: Symbols = FACTS) -> Type:
    return check(parse(text), symbols)


def errors(text: str, symbols: Symbols = FACTS) -> list[tuple[str, str, str]]:
    """``(code, message, text under the span)`` of every problem, in order."""
    with pytest.raises(ExpressionError) as info:
        check(parse(text), symbols)
    return [(d.code, d.message, d.span.text if d.span else "") for d in info.value.diagnostics]


@pytest.mark.parametrize(("text", "expected"), [
    ("1200", NUMBER), ("99%", NUMBER), ("2023-01-10", DATE), ('"B"', TEXT), ("true", BOOL),
    ("received", NUMBER), ("-received", NUMBER), ("on_time / received", NUMBER),
    ("issued_on - 2023-01-01", NUMBER), ("issued_on + 30", DATE), ("30 + issued_on", DATE),
    ("issued_on - 1", DATE), ("not issued", BOOL), ("issued and received > 0", BOOL),
    ("8% <= value <= 10%", BOOL), ("issued_on <= 2023-01-09", BOOL), ('group == "B"', BOOL),
    ("issued != false", BOOL), ('group in ["A", "B"]', BOOL), ("value in []", BOOL),
    ("if issued then received else 0", NUMBER), ("if issued then issued_on else 2023-12-31", DATE),
    ("min(received, on_time, 5)", NUMBER), ("max(issued_on, 2023-01-01)", DATE),
    ("abs(value)", NUMBER), ("round(value, 2)", NUMBER), ("coalesce(received, 0)", NUMBER),
    ('coalesce(group, "none")', TEXT), ("known(issued_on)", BOOL),
    ("sum(dossiers)", NUMBER), ("avg(late / dossiers)", NUMBER), ("min(issued_at)", DATE),
    ("max(dossiers)", NUMBER), ("count(plan_issued)", NUMBER), ("share(late == 0)", NUMBER),
    ("all(plan_issued)", BOOL), ("any(late > 0)", BOOL),
    ('sum(dossiers where kind == "commune")', NUMBER),
    ('count(plan_issued where agency in ["snv", "stp"])', NUMBER),
    ("sum(late where dossiers > received)", NUMBER),
])
def test_types(text: str, expected: Type) -> None:
    assert type_of_text(text) == expected


@pytest.mark.parametrize(("text", "found"), [
    ("recieved > 0", [("E201", "unknown name 'recieved'", "recieved")]),
    ("foo(1)", [("E202", "unknown function 'foo'", "foo")]),
    ("rnd(value, 2)", [("E202", "unknown function 'rnd'", "rnd")]),
    ("median(dossiers where true)", [("E202", "unknown aggregate 'median'", "median")]),
    ("dossiers > 0", [("E203", "'dossiers' has one value per agency here", "dossiers")]),
    ('kind == "commune"', [("E203", "'kind' is only known inside an aggregate", "kind")]),
    ("received and issued",
     [("E301", "'and' joins true/false values, not a number", "received")]),
    ("not value", [("E301", "'not' applies to true/false values, not a number", "value")]),
    ('-group', [("E301", "'-' applies to numbers, not a text", "group")]),
    ("issued_on * 2", [("E301", "cannot apply '*' to a date and a number", "issued_on * 2")]),
    ("1 - issued_on", [("E301", "cannot apply '-' to a number and a date", "1 - issued_on")]),
    ("if value then 1 else 2",
     [("E301", "the condition of 'if' must be true/false, not a number", "value")]),
    ("if issued then 1 else group",
     [("E301", "'then' gives a number but 'else' gives a text", "if issued then 1 else group")]),
    ("min(value, issued_on)", [("E301", "min() mixes a number and a date", "issued_on")]),
    ('max("a", "b")', [("E301", "max() applies to numbers or dates, not a text",
                        'max("a", "b")')]),
    ("abs(issued)", [("E301", "abs() applies to numbers, not a bool", "issued")]),
    ("abs(1, 2)", [("E302", "'abs' takes 1 argument, not 2", "abs(1, 2)")]),
    ("min(1)", []),
    ("coalesce(value)", [("E302", "'coalesce' takes at least 2 arguments, not 1",
                          "coalesce(value)")]),
    ("sum(dossiers, late)", [("E302", "'sum' takes one expression over the agencies, not 2",
                              "sum(dossiers, late)")]),
    ("round(value where true)", [("E302", "'round' is not an aggregate: 'where' cannot filter it",
                                  "round(value where true)")]),
    ("issued_on < 5", [("E303", "cannot compare a date with a number", "issued_on < 5")]),
    ("1 < 2 < issued_on", [("E303", "cannot compare a number with a date", "2 < issued_on")]),
    ('group < "B"', [("E303", "'<' does not order text values", 'group < "B"')]),
    ('value in [1, "B"]', [("E303", "cannot look for a number among text values", '"B"')]),
    ("sum(plan_issued)", [("E304", "sum() adds up numbers, not a bool", "plan_issued")]),
    ("avg(issued_at)", [("E304", "avg() adds up numbers, not a date", "issued_at")]),
    ("count(dossiers)", [("E304", "count() counts agencies where a condition holds, not a number",
                          "dossiers")]),
    ("all(dossiers)", [("E304", "all() needs a condition, not a number", "dossiers")]),
    ("max(plan_issued)", [("E304", "max() applies to numbers or dates, not a bool",
                           "plan_issued")]),
    ("sum(dossiers where late)",
     [("E304", "the condition after 'where' must be true/false, not a number", "late")]),
    ("sum(dossiers) / sum(sum(late))",
     [("E305", "'sum' is inside another aggregate", "sum(late)")]),
    ("round(value, 13)", [("E306", "the number of digits of round() must be a whole number from "
                                   "0 to 12, written as is", "13")]),
    ("round(value, received)", [("E306", "the number of digits of round() must be a whole number "
                                         "from 0 to 12, written as is", "received")]),
])
def test_errors(text: str, found: list[tuple[str, str, str]]) -> None:
    if not found:
        type_of_text(text)
        return
    assert errors(text) == found


def test_every_error_is_reported_once() -> None:
    assert errors("recieved + ontime > 0 and sum(plan_issued) and 1 < issued_on") == [
        ("E201", "unknown name 'recieved'", "recieved"),
        ("E201", "unknown name 'ontime'", "ontime"),
        ("E304", "sum() adds up numbers, not a bool", "plan_issued"),
        ("E303", "cannot compare a number with a date", "1 < issued_on"),
    ]
    assert errors("value and issued") == [
        ("E301", "'and' joins true/false values, not a number", "value")]
    # An operator above an error does not report it again.
    assert [e[0] for e in errors("(missing + 1) * 2 > 3 and true")] == ["E201"]


def test_did_you_mean() -> None:
    with pytest.raises(ExpressionError) as info:
        check(parse("sum(dosiers)"), FACTS)
    assert info.value.diagnostics[0].help == "did you mean 'dossiers'?"
    with pytest.raises(ExpressionError) as info:
        check(parse("rond(value, 1)"), FACTS)
    assert info.value.diagnostics[0].help == "did you mean 'round'?"


def test_agency_names_are_visible_inside_aggregates_only() -> None:
    assert type_of_text('count(kind == "commune" and agency != "snv")') == NUMBER
    assert [e[0] for e in errors("agency")] == ["E203"]


def test_per_agency_hint_comes_from_the_symbols() -> None:
    symbols = Symbols({}, {"late": NUMBER}, outside_hint="this indicator is per agency")
    with pytest.raises(ExpressionError) as info:
        check(parse("late"), symbols)
    assert info.value.diagnostics[0].help == "this indicator is per agency"


# -- properties --------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(trees)
def test_checker_is_total(tree: Expr) -> None:
    """Any tree the parser can build gets a type or diagnostics, never another exception."""
    try:
        assert check(tree, SYMBOLS) in (NUMBER, BOOL, DATE, TEXT)
    except ExpressionError as err:
        assert all(d.code[:2] in ("E2", "E3") for d in err.diagnostics)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_trees(), contexts())
def test_checker_soundness(typed_tree: tuple[Expr, Type], context: Context) -> None:
    """A well-typed expression evaluates, without raising, to a value of its checked type."""
    tree, expected = typed_tree
    assert check(tree, SYMBOLS) == expected
    value = compile_expr(tree, set(PER_AGENCY)).evaluate(context)
    assert isinstance(value, Unknown) or type_of(value) == expected.value


@settings(max_examples=100, deadline=None)
@given(typed_trees(), contexts())
def test_evaluation_is_deterministic(typed_tree: tuple[Expr, Type], context: Context) -> None:
    """Same inputs, same result; the order of the agencies does not matter either."""
    tree, _ = typed_tree
    program = compile_expr(tree, set(PER_AGENCY))
    first = program.evaluate(context)
    assert program.evaluate(context) == first
    assert compile_expr(tree, set(PER_AGENCY)).evaluate(context) == first
    rows = list(context.population)
    rows.reverse()
    assert program.evaluate(Context(context.scalars, tuple(rows), context.subject)) == first
