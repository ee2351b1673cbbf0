"""Hypothesis strategies for the expression language: syntax trees, typed trees, environments."""

from __future__ import annotations

import datetime as dt
import functools
import string
import unicodedata
from dataclasses import astuple
from fractions import Fraction

from hypothesis import strategies as st

from engine.builtins import AGGREGATES, BOOL, DATE, FUNCTIONS, KEYWORDS, NUMBER, TEXT, Type
from engine.checker import Symbols
from engine.evaluator import Context, Row
from engine.nodes import (
    ARITHMETIC,
    COMPARISONS,
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
)
from engine.values import Num, Reason, Unknown, Value


def _norm(x: Fraction) -> Num:
    return x.numerator if x.denominator == 1 else x


def same(a: object, b: object) -> bool:
    """The same value of the same type: ``1`` and ``Fraction(1, 1)``, or ``1`` and ``True``,
    are equal but not the same. Two unknowns are the same when their reasons are, field by
    field and type by type."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Unknown) and isinstance(b, Unknown):
        return {_typed(r) for r in a.reasons} == {_typed(r) for r in b.reasons}
    return a == b


def _typed(reason: Reason) -> tuple[tuple[type, object], ...]:
    return tuple((type(v), v) for v in astuple(reason))


# -- literals ----------------------------------------------------------------------------------

#: Non-negative numbers with a finite decimal form: n / 10**k.
decimals = st.builds(
    lambda n, k: _norm(Fraction(n, 10**k)),
    st.one_of(st.integers(0, 1000), st.integers(0, 10**30)), st.integers(0, 8))

numbers = st.one_of(
    decimals.map(lambda v: Number(v)),
    decimals.map(lambda v: Number(_norm(Fraction(v) / 100), True)),
)
dates = st.dates().map(Date)
#: Any text, with quotes, backslashes, line breaks, tabs and Vietnamese more likely than chance.
texts = st.text(st.one_of(st.characters(), st.sampled_from('"\\\n\t ơưđạệỳ'))).map(
    lambda t: Text(unicodedata.normalize("NFC", t)))  # the parser reads text as NFC
bools = st.booleans().map(Bool)

identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: s not in KEYWORDS)
names = st.lists(identifiers, min_size=1, max_size=3).map(lambda parts: Name(".".join(parts)))

leaves = st.one_of(numbers, dates, texts, bools, names)


# -- any syntax tree (not necessarily well typed) ------------------------------------------------

def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    args = st.lists(children, max_size=3).map(tuple)
    scalar_call = st.one_of(
        st.builds(Call, st.sampled_from(sorted(set(FUNCTIONS) - set(AGGREGATES))), args),
        # A call of an aggregate's name with one argument is that aggregate: not a Call.
        st.builds(Call, st.sampled_from(AGGREGATES),
                  st.just(()) | st.lists(children, min_size=2, max_size=3).map(tuple)),
        st.builds(Call, identifiers.filter(lambda s: s not in AGGREGATES), args),
    )
    aggregate = st.one_of(
        st.builds(Aggregate, st.sampled_from(AGGREGATES), children, st.none() | children),
        st.builds(Aggregate, identifiers, children, children),
    )
    chain = st.integers(1, 3).flatmap(lambda n: st.builds(
        Compare,
        st.lists(st.sampled_from(COMPARISONS), min_size=n, max_size=n).map(tuple),
        st.lists(children, min_size=n + 1, max_size=n + 1).map(tuple)))
    return st.one_of(
        st.builds(Unary, st.sampled_from(["-", "not"]), children),
        st.builds(Binary, st.sampled_from([*ARITHMETIC, "and", "or"]), children, children),
        chain,
        st.builds(In, children, args),
        st.builds(If, children, children, children),
        scalar_call,
        aggregate,
    )


#: Syntax trees as the parser builds them (spans aside).
trees: st.SearchStrategy[Expr] = st.recursive(leaves, _extend, max_leaves=12)


# -- well-typed trees --------------------------------------------------------------------------

#: The names a typed tree may use: scalars everywhere, per-agency facts inside aggregates.
SCALARS: dict[str, Type] = {
    "n1": NUMBER, "n2": NUMBER, "b1": BOOL, "b2": BOOL, "d1": DATE, "d2": DATE, "t1": TEXT,
}
PER_AGENCY: dict[str, Type] = {"pn": NUMBER, "pm": NUMBER, "pb": BOOL, "pd": DATE, "pt": TEXT}
SYMBOLS = Symbols(SCALARS, PER_AGENCY)
TYPES = (NUMBER, BOOL, DATE, TEXT)


def _names_of(t: Type, in_agg: bool) -> list[str]:
    found = [n for n, nt in SCALARS.items() if nt == t]
    if in_agg:
        found += [n for n, nt in PER_AGENCY.items() if nt == t]
        if t == TEXT:
            found += ["kind", "agency"]
    return found


_LITERALS = {
    NUMBER: st.one_of(numbers, st.integers(-3, 3).map(
        lambda i: Number(i) if i >= 0 else Unary("-", Number(-i)))),
    BOOL: bools,
    DATE: st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)).map(Date) | dates,
    TEXT: st.sampled_from(["commune", "district", "A", "B", ""]).map(Text) | texts,
}


@functools.cache
def typed(t: Type, depth: int = 3, in_agg: bool = False) -> st.SearchStrategy[Expr]:
    """Well-typed trees of type ``t`` (inside an aggregate when ``in_agg``)."""
    leaf = st.one_of(_LITERALS[t], st.sampled_from(_names_of(t, in_agg)).map(Name))
    if depth == 0:
        return leaf
    sub = functools.partial(typed, depth=depth - 1, in_agg=in_agg)
    same = sub(t)
    options: list[st.SearchStrategy[Expr]] = [
        leaf,
        st.builds(If, sub(BOOL), same, same),
        st.builds(lambda xs: Call("coalesce", tuple(xs)), st.lists(same, min_size=2, max_size=3)),
    ]
    if t == NUMBER:
        options += [
            st.builds(Unary, st.just("-"), same),
            st.builds(Binary, st.sampled_from(ARITHMETIC), same, same),
            st.builds(Binary, st.just("-"), sub(DATE), sub(DATE)),
            st.builds(lambda x: Call("abs", (x,)), same),
            st.builds(lambda x, d: Call("round", (x, Number(d))), same, st.integers(0, 12)),
        ]
    if t in (NUMBER, DATE):
        options.append(st.builds(
            lambda f, xs: Call(f, tuple(xs)), st.sampled_from(["min", "max"]),
            st.lists(same, min_size=2, max_size=3)))
    if t == DATE:
        options += [
            st.builds(Binary, st.sampled_from(["+", "-"]), same, sub(NUMBER)),
            st.builds(Binary, st.just("+"), sub(NUMBER), same),
        ]
    if t == BOOL:
        options += [
            st.builds(Unary, st.just("not"), same),
            st.builds(Binary, st.sampled_from(["and", "or"]), same, same),
            st.builds(lambda f, x: Call(f, (x,)), st.just("known"),
                      st.sampled_from(TYPES).flatmap(sub)),
            _comparisons(sub),
            st.sampled_from(TYPES).flatmap(lambda u: st.builds(
                In, sub(u), st.lists(sub(u), max_size=3).map(tuple))),
        ]
    if not in_agg:
        inner = functools.partial(typed, depth=depth - 1, in_agg=True)
        where = st.none() | inner(BOOL)
        if t == NUMBER:
            options += [
                st.builds(Aggregate, st.sampled_from(["sum", "avg", "min", "max"]),
                          inner(NUMBER), where),
                st.builds(Aggregate, st.sampled_from(["count", "share"]), inner(BOOL), where),
            ]
        if t == DATE:
            options.append(st.builds(Aggregate, st.sampled_from(["min", "max"]), inner(DATE),
                                     where))
        if t == BOOL:
            options.append(st.builds(Aggregate, st.sampled_from(["all", "any"]), inner(BOOL),
                                     where))
    return st.one_of(options)


def _comparisons(sub: functools.partial[st.SearchStrategy[Expr]]) -> st.SearchStrategy[Expr]:
    def chain(u: Type) -> st.SearchStrategy[Expr]:
        ops = COMPARISONS if u in (NUMBER, DATE) else ("==", "!=")
        return st.integers(1, 2).flatmap(lambda n: st.builds(
            Compare,
            st.lists(st.sampled_from(ops), min_size=n, max_size=n).map(tuple),
            st.lists(sub(u), min_size=n + 1, max_size=n + 1).map(tuple)))
    return st.sampled_from(TYPES).flatmap(chain)


@st.composite
def typed_trees(draw: st.DrawFn) -> tuple[Expr, Type]:
    t = draw(st.sampled_from(TYPES))
    return draw(typed(t)), t


# -- run-time values ---------------------------------------------------------------------------

values_of: dict[Type, st.SearchStrategy[Value]] = {
    NUMBER: st.one_of(
        st.integers(-10**6, 10**6),
        st.fractions(max_denominator=1000).map(_norm),
        st.just(0),
    ),
    BOOL: st.booleans(),
    DATE: st.dates(),
    TEXT: st.sampled_from(["commune", "district", "A", "B", "", "Sơn La"]),
}


def _maybe(t: Type) -> st.SearchStrategy[Value | None]:
    """A value of type ``t``, or None for a fact that was not reported."""
    return st.one_of(st.none(), values_of[t], values_of[t])


@st.composite
def contexts(draw: st.DrawFn) -> Context:
    """Scalars and a population for :data:`SYMBOLS`, with some facts missing."""
    scalars = {n: v for n, t in SCALARS.items() if (v := draw(_maybe(t))) is not None}
    rows = []
    for i in range(draw(st.integers(0, 4))):
        facts = {n: v for n, t in PER_AGENCY.items() if (v := draw(_maybe(t))) is not None}
        kind = draw(st.sampled_from(["commune", "district"]))
        rows.append(Row(f"a{i}", kind, facts))
    return Context(scalars, tuple(rows), "subject")


#: Values every agency of a large population reports: numbers are whole or decimals of up to
#: six places, so sums over the population take the fixed-point path of the generated code.
_reported: dict[Type, st.SearchStrategy[Value]] = {
    **values_of,
    NUMBER: st.one_of(st.integers(-10**6, 10**6),
                      st.builds(lambda n, k: _norm(Fraction(n, 10**k)),
                                st.integers(-10**6, 10**6), st.integers(1, 6))),
}


@st.composite
def large_contexts(draw: st.DrawFn) -> Context:
    """Scalars as in :func:`contexts`, and a population of 64 to 80 agencies that reported
    every fact."""
    scalars = {n: v for n, t in SCALARS.items() if (v := draw(_maybe(t))) is not None}
    rows = tuple(Row(f"a{i}", draw(st.sampled_from(["commune", "district"])),
                     {n: draw(_reported[t]) for n, t in PER_AGENCY.items()})
                 for i in range(draw(st.integers(64, 80))))
    return Context(scalars, rows, "subject")


#: Characters that make up formulas, for texts that get deep into the grammar.
TOKENS = [
    "1", "2.5", "99%", "2023-01-10", '"B"', "true", "false", "x", "a.b", "value", "kind",
    "+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "≤", "≥", "≠", "and", "or", "not",
    "in", "if", "then", "else", "where", "(", ")", "[", "]", ",", ".", "sum", "min", "round",
    "#", "\n", '"', "\\", "=", "%", "@", "ệ", " ",
]
formula_like = st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join) | st.lists(
    st.sampled_from(TOKENS), max_size=30).map("".join)
printable = st.text(string.printable + "≤≥≠ơệ", max_size=60)
