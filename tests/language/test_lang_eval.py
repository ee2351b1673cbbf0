"""The evaluator, construct by construct: exact values, dates, functions, aggregates, unknowns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from fractions import Fraction

import pytest

from engine.builtins import BOOL, DATE, NUMBER, TEXT, Type
from engine.checker import Symbols
from engine.evaluator import Context, Row
from engine.language import compile_formula, parse_literal
from engine.values import Reason, Unknown, Value, format_value, json_value, round_half_away, type_of

SCALARS: dict[str, Type] = {
    "received": NUMBER, "on_time": NUMBER, "zero": NUMBER, "issued": BOOL, "late": BOOL,
    "issued_on": DATE, "deadline": DATE, "group": TEXT, "gone": NUMBER, "gone_flag": BOOL,
    "gone_day": DATE,
}
PER_AGENCY: dict[str, Type] = {"dossiers": NUMBER, "done": NUMBER, "ok": BOOL, "day": DATE}
SYMBOLS = Symbols(SCALARS, PER_AGENCY)
ENV: dict[str, Value] = {
    "received": 1200, "on_time": 1188, "zero": 0, "issued": True, "late": False,
    "issued_on": dt.date(2023, 1, 9), "deadline": dt.date(2023, 1, 10), "group": "B",
}
POPULATION = (
    Row("snv", "department", {"dossiers": 100, "done": 99, "ok": True, "day": dt.date(2023, 1, 5)}),
    Row("stp", "department", {"dossiers": 50, "done": 50, "ok": True, "day": dt.date(2023, 1, 9)}),
    Row("xa_a", "commune", {"dossiers": 10, "done": 7, "ok": False, "day": dt.date(2023, 2, 1)}),
)


def ev(text: str, scalars: Mapping[str, Value] = ENV, population: Sequence[Row] = POPULATION,
       ) -> Value:
    formula = compile_formula(text, SYMBOLS)
    value = formula.evaluate(Context(scalars, population, "ubnd"))
    assert isinstance(value, Unknown) or type_of(value) == formula.type.value
    return value


def reasons(value: Value) -> list[Reason]:
    assert isinstance(value, Unknown), f"{value!r} is known"
    return value.sorted_reasons()


MISSING = Reason("missing", "gone", "ubnd")
DIV0 = Reason("division_by_zero")


@pytest.mark.parametrize(("text", "expected"), [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("7 - 2 - 1", 4),
    ("1 / 3", Fraction(1, 3)),
    ("1 / 3 * 3", 1),
    ("29 / 100 * 100", 29),
    ("on_time / received", Fraction(99, 100)),
    ("-received", -1200),
    ("- -2", 2),
    ("12.5% * 8", 1),
    ("99%", Fraction(99, 100)),
    ("0.1 + 0.2", Fraction(3, 10)),
    ("10000000000000000000000 * 10000000000", 10**32),
    ("abs(-2.5)", Fraction(5, 2)),
    ("abs(3)", 3),
    ("min(3, 1, 2)", 1),
    ("max(3, 1, 2)", 3),
    ("min(1 / 3, 0.33)", Fraction(33, 100)),
    ("round(2.5, 0)", 3),
    ("round(-2.5, 0)", -3),
    ("round(1.005, 2)", Fraction(101, 100)),
    ("round(2 / 3, 3)", Fraction(667, 1000)),
    ("round(1234.5678, 12)", Fraction(12345678, 10000)),
    ("coalesce(gone, received, 0)", 1200),
    ("if issued then 1 else 2", 1),
    ("if late then 1 else 2", 2),
    ("deadline - issued_on", 1),
    ("issued_on - deadline", -1),
    ("issued_on + 30", dt.date(2023, 2, 8)),
    ("30 + issued_on", dt.date(2023, 2, 8)),
    ("issued_on - 9", dt.date(2022, 12, 31)),
    ("issued_on + 1.0", dt.date(2023, 1, 10)),
    ("2024-02-28 + 1", dt.date(2024, 2, 29)),
    ("max(issued_on, deadline)", dt.date(2023, 1, 10)),
    ("group", "B"),
    ('coalesce(group, "none")', "B"),
])
def test_values(text: str, expected: Value) -> None:
    value = ev(text)
    assert value == expected
    assert type(value) is type(expected), "integral results are ints, others Fractions"


@pytest.mark.parametrize(("text", "expected"), [
    ("29 / 100 * 100 == 29", True),
    ("0.1 + 0.2 == 0.3", True),
    ("1 / 3 + 1 / 3 + 1 / 3 == 1", True),
    ("on_time / received > 99%", False),
    ("on_time / received >= 99%", True),
    ("8% <= 9% <= 10%", True),
    ("8% <= 11% <= 10%", False),
    ("1 < 2 < 3 < 4", True),
    ("1 < 3 > 2", True),
    ("issued_on <= deadline", True),
    ("issued_on < 2023-01-09", False),
    ('group == "B"', True),
    ('group != "B"', False),
    ('group in ["A", "B"]', True),
    ('group in ["A"]', False),
    ("received in []", False),
    ("issued == true", True),
    ("issued and not late", True),
    ("late or issued", True),
    ("late or late", False),
    ("known(received)", True),
    ("known(gone)", False),
    ("known(1 / zero)", False),
    ("1 ≤ 1 ≠ 2", True),
])
def test_conditions(text: str, expected: bool) -> None:
    assert ev(text) is expected


def test_unknown_propagates_with_its_reasons() -> None:
    for text in ("gone + 1", "-gone", "gone * 0", "abs(gone)", "round(gone, 1)", "gone > 1",
                 "1 < 2 < gone", "gone in [1, 2]", "min(gone, 1)", "max(1, gone)"):
        assert reasons(ev(text)) == [MISSING], text
    for text in ("not gone_flag", "if gone_flag then 1 else 2", "gone_flag == true"):
        assert reasons(ev(text)) == [Reason("missing", "gone_flag", "ubnd")], text
    assert reasons(ev("gone_day + 1")) == [Reason("missing", "gone_day", "ubnd")]
    assert reasons(ev("gone / zero")) == [MISSING]
    assert reasons(ev("received / zero")) == [DIV0]
    assert reasons(ev("(received / zero) + gone")) == [DIV0, MISSING]
    assert reasons(ev("coalesce(gone, 1 / zero)")) == [DIV0, MISSING]


def test_membership_with_unknown_options() -> None:
    assert ev("received in [gone, 1200]") is True
    assert reasons(ev("received in [gone, 1]")) == [MISSING]


def test_conditionals_evaluate_only_the_branch_taken() -> None:
    assert ev("if issued then 1 else 1 / zero") == 1
    assert ev("if received > 0 then on_time / received else 0") == Fraction(99, 100)
    assert reasons(ev("if gone > 0 then 1 else 1")) == [MISSING]


def test_dates_that_cannot_be() -> None:
    assert reasons(ev("issued_on + 1.5")) == [
        Reason("invalid", detail="1.5 is not a whole number of days")]
    outside = [Reason("invalid", detail="the date falls outside the calendar (years 1 to 9999)")]
    assert reasons(ev("9999-12-31 + 1")) == outside
    assert reasons(ev("0001-01-01 - 1")) == outside
    assert reasons(ev("issued_on + 10000000000000000000000")) == outside
    assert ev("known(issued_on + 1.5)") is False


def test_rounding_is_half_away_from_zero() -> None:
    assert [round_half_away(Fraction(x), 0) for x in ("0.5", "1.5", "2.5", "-0.5", "-1.5")] == [
        1, 2, 3, -1, -2]
    assert round_half_away(Fraction("0.125"), 2) == Fraction(13, 100)
    assert round_half_away(Fraction("-0.125"), 2) == Fraction(-13, 100)
    assert round_half_away(Fraction(1, 3), 2) == Fraction(33, 100)


# -- aggregates --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("sum(dossiers)", 160),
    ("sum(done) / sum(dossiers)", Fraction(156, 160)),
    ("avg(done / dossiers)", Fraction(99 + 100 + 70, 300)),
    ("min(dossiers)", 10),
    ("max(dossiers)", 100),
    ("min(day)", dt.date(2023, 1, 5)),
    ("max(day)", dt.date(2023, 2, 1)),
    ("count(ok)", 2),
    ("share(ok)", Fraction(2, 3)),
    ("all(ok)", False),
    ("any(ok)", True),
    ("all(dossiers > 5)", True),
    ("any(dossiers > 500)", False),
    ('sum(dossiers where kind == "department")', 150),
    ('count(ok where kind == "commune")', 0),
    ('all(ok where kind == "department")', True),
    ('share(ok where agency != "snv")', Fraction(1, 2)),
    ("sum(received)", 3600),
    ("count(day <= deadline)", 2),
    ("sum(dossiers) - received", -1040),
])
def test_aggregates(text: str, expected: Value) -> None:
    assert ev(text) == expected


def test_aggregates_over_nobody() -> None:
    for func, body in [("avg", "dossiers"), ("share", "ok"), ("min", "dossiers"),
                       ("max", "day"), ("all", "ok"), ("any", "ok")]:
        value = ev(f"{func}({body})", population=())
        assert isinstance(value, Unknown) and value.only_empty
        assert reasons(value) == [Reason("empty", detail=f"{func}() over no agencies")]
        filtered = ev(f'{func}({body} where kind == "province")')
        assert reasons(filtered) == [Reason("empty", detail=f"{func}() over no agencies")]
    assert ev("sum(dossiers)", population=()) == 0
    assert ev("count(ok)", population=()) == 0


def test_aggregates_list_every_missing_agency() -> None:
    population = (
        Row("a", "commune", {"dossiers": 1}),
        Row("b", "commune", {}),
        Row("c", "district", {"ok": True}),
    )
    value = ev("sum(dossiers)", population=population)
    assert isinstance(value, Unknown)
    assert value.missing_facts == [("b", "dossiers"), ("c", "dossiers")]
    assert reasons(ev("sum(dossiers / done)", population=population)) == [
        Reason("missing", "done", "a"), Reason("missing", "done", "b"),
        Reason("missing", "done", "c"), Reason("missing", "dossiers", "b"),
        Reason("missing", "dossiers", "c")]
    # Facts of agencies the filter leaves out do not matter.
    assert ev('sum(dossiers where agency == "a")', population=population) == 1
    # A decided all() or any() does not wait for the missing agencies (Kleene logic).
    assert ev("any(ok)", population=population) is True
    assert reasons(ev("all(ok)", population=population)) == [
        Reason("missing", "ok", "a"), Reason("missing", "ok", "b")]


def test_unknown_filters() -> None:
    population = (
        Row("a", "commune", {"dossiers": 1, "ok": True}),
        Row("b", "commune", {"ok": True}),
    )
    where = "where dossiers > 0"
    assert reasons(ev(f"count(ok {where})", population=population)) == [
        Reason("missing", "dossiers", "b")]
    # b may or may not count, but its condition holds either way.
    assert ev(f"all(ok {where})", population=population) is True
    assert ev(f"any(ok {where})", population=population) is True
    assert ev(f"any(not ok {where})", population=population) is False
    assert reasons(ev(f"any(dossiers > 5 {where})", population=population)) == [
        Reason("missing", "dossiers", "b")]
    # With no agency surely in scope there may be nothing to measure at all.
    assert reasons(ev(f"all(ok {where})", population=population[1:])) == [
        Reason("missing", "dossiers", "b")]


# -- literals and rendering --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value", "typ"), [
    ("1200", 1200, NUMBER), ("-3", -3, NUMBER), ("95%", Fraction(19, 20), NUMBER),
    ("-2.5%", Fraction(-1, 40), NUMBER), ("2023-01-09", dt.date(2023, 1, 9), DATE),
    ('"B"', "B", TEXT), ("true", True, BOOL), ("false", False, BOOL), (" 7 # seven", 7, NUMBER),
])
def test_parse_literal(text: str, value: Value, typ: Type) -> None:
    assert parse_literal(text) == (value, typ)


@pytest.mark.parametrize("text", ["a", "1 + 1", "-true", "[1]", "abs(1)"])
def test_not_literals(text: str) -> None:
    from engine.diagnostics import ExpressionError

    with pytest.raises(ExpressionError) as info:
        parse_literal(text)
    assert {d.code for d in info.value.diagnostics} <= {"E101", "E107"}


@pytest.mark.parametrize(("value", "text", "as_json"), [
    (True, "true", True), (False, "false", False), (29, "29", 29),
    (Fraction(99, 100), "0.99", 0.99),
    (Fraction(-3, 2), "-1.5", -1.5), (Fraction(1, 3), "0.3333333333", 0.3333333333),
    (Fraction(2, 3), "0.6666666667", 0.6666666667), (10**25, "10000000000000000000000000", 10**25),
    (Fraction(1, 10**20), "0.00000000000000000001", 1e-20),
    (Fraction(10**20 + 1, 2), "50000000000000000000.5", 50000000000000000001),
    (dt.date(2023, 1, 10), "2023-01-10", "2023-01-10"), ("B", '"B"', "B"),
    ('say "hi"\n', '"say \\"hi\\"\\n"', 'say "hi"\n'),
    (Unknown.of(DIV0), "unknown", None),
])
def test_rendering(value: Value, text: str, as_json: object) -> None:
    assert format_value(value) == text
    assert json_value(value) == as_json
    assert type(json_value(value)) is type(as_json)


def test_text_literals_are_read_as_nfc() -> None:
    import unicodedata

    from engine.nodes import Text
    from engine.parser import parse

    decomposed = unicodedata.normalize("NFD", "Nhóm Đạt")
    assert parse(f'"{decomposed}"') == Text("Nhóm Đạt")
