"""Compile a checked expression once into closures; evaluate it many times, exactly.

Semantics (each pinned by a property test, see docs/language.md):

* numbers are exact (``int``/``Fraction``); ``/`` by zero gives ``Unknown(division by zero)``;
* a missing fact is ``Unknown`` naming the fact and the agency, never 0 or false;
* ``and``/``or``/``not``/``all``/``any`` follow Kleene logic, so a deciding side wins in either
  order (``false and unknown`` is false, ``unknown or true`` is true);
* aggregates fold over the population (the agencies of the scope); any unknown element makes
  ``sum``/``avg``/``min``/``max``/``count``/``share`` unknown and lists every missing agency;
  ``avg``, ``min``, ``max``, ``share``, ``all``, ``any`` over nobody give "nothing to measure".

    >>> from engine.parser import parse
    >>> compile_expr(parse("29 / 100 * 100 == 29")).evaluate()
    True
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, cast

from .builtins import AGENCY_NAMES
from .codegen import FALLBACK_ERRORS, Bail, generate, generate_each, has_aggregates
from .nodes import (
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
from .values import (
    Num,
    Reason,
    Unknown,
    Value,
    fixed_point,
    format_number,
    merge,
    norm,
    round_half_away,
)


@dataclass(frozen=True, slots=True)
class Row:
    """One agency of a population: its id, kind and reported facts for the period.

    The row keeps its own copy of ``facts``, and with it ``fixed``: the numbers among them in
    fixed point (:func:`engine.values.fixed_point`), which the generated code sums in C over
    a large population (:func:`engine.codegen._csum`)."""

    agency: str
    kind: str
    facts: Mapping[str, Value]
    fixed: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        facts = dict(self.facts)  # a snapshot: the caller's mapping may change later
        object.__setattr__(self, "facts", facts)
        object.__setattr__(self, "fixed", fixed_point(facts))


@dataclass(frozen=True, slots=True)
class Context:
    """What an evaluation sees: scalar names, and the population aggregates fold over.

    ``subject`` is the agency whose facts ``scalars`` hold, named in 'missing' reasons.
    """

    scalars: Mapping[str, Value] = field(default_factory=dict)
    population: Sequence[Row] = ()
    subject: str = ""


Fn = Callable[[Context, Row | None], Value]

_EMPTY_ROW = Row("", "", {})


@dataclass(frozen=True)
class Program:
    """A compiled expression. Immutable and free of state: safe to share across threads."""

    expr: Expr
    fn: Fn = field(repr=False, compare=False)
    #: the names read from each agency's facts inside aggregates
    per_agency: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    #: whether to try generated code for the all-known case first (engine.codegen)
    use_fast: bool = field(default=True, repr=False, compare=False)

    @functools.cached_property
    def fast(self) -> Callable[[Mapping[str, Value], Sequence[Row]], Value] | None:
        """The generated code, made on first use: loading and checking a plan does not pay
        for it, only evaluation does."""
        return generate(self.expr, self.per_agency)[1] if self.use_fast else None

    def evaluate(self, context: Context | None = None, **scalars: Value) -> Value:
        """Evaluate against ``context`` (or against ``scalars`` given as keywords)."""
        ctx = context if context is not None else Context(scalars)
        fast = self.fast
        if fast is not None:
            try:
                value = fast(ctx.scalars, ctx.population)
            except FALLBACK_ERRORS:
                return self.fn(ctx, None)
            if isinstance(value, Fraction) and value.denominator == 1:
                return value.numerator
            return value
        return self.fn(ctx, None)


    @functools.cached_property
    def _each(self) -> tuple[Callable[[Sequence[Any]], tuple[list[Any], bool]], bool]:
        return generate_each(self.expr)[1], has_aggregates(self.expr)

    def evaluate_each(self, rows: Sequence[Row] | Sequence[Mapping[str, Value]]
                      ) -> list[Value]:
        """The expression for each agency on its own: a one-agency scope, whose facts are the
        scalars (a rule checked agency by agency, in one call). ``rows`` are :class:`Row` s,
        or simply each agency's facts.

        Rows the generated batch code cannot answer (a missing fact, a division by zero...) are
        evaluated with the reference closures, so results equal one ``evaluate`` per row."""
        each, folds = self._each
        given_rows = bool(rows) and isinstance(rows[0], Row)

        def row(i: int) -> Row:
            r = rows[i]
            return r if isinstance(r, Row) else Row("", "", r)

        if folds:  # aggregates fold over the agency itself: they need whole rows
            batch: Sequence[Any] = [row(i) for i in range(len(rows))]
        else:
            batch = [cast(Row, r).facts for r in rows] if given_rows else rows
        out, bailed = each(batch)
        if bailed:
            for i in range(len(rows)):
                if out[i] is Bail:
                    r = row(i)
                    out[i] = self.fn(Context(r.facts, (r,), r.agency), None)
        elif out and type(out[0]) is not bool:
            out = [v.numerator if type(v) is Fraction and v.denominator == 1 else v
                   for v in out]
        return out


def compile_expr(expr: Expr, per_agency: frozenset[str] | set[str] = frozenset(),
                 fast: bool = True) -> Program:
    """Compile a checked expression. ``per_agency`` names are read from each agency's facts
    inside aggregates (outside them, every name is read from the scalars).

    With ``fast`` (the default) the program first tries code generated for the case where
    every value is known, and falls back to the reference closures otherwise."""
    names = frozenset(per_agency)
    return Program(expr, _Compiler(names).compile(expr, False), names, fast)


def _bool_kleene_and(values: Sequence[Value]) -> Value:
    unknowns = []
    for v in values:
        if v is False:
            return False
        if isinstance(v, Unknown):
            unknowns.append(v)
    return merge(unknowns) if unknowns else True


def _bool_kleene_or(values: Sequence[Value]) -> Value:
    unknowns = []
    for v in values:
        if v is True:
            return True
        if isinstance(v, Unknown):
            unknowns.append(v)
    return merge(unknowns) if unknowns else False


def _div(a: Num, b: Num) -> Value:
    if b == 0:
        return Unknown.of(Reason("division_by_zero"))
    return norm(Fraction(a) / b)


def _num(x: Num) -> Num:
    """``x`` with an integral Fraction turned into an int: one representation per number."""
    return x.numerator if isinstance(x, Fraction) and x.denominator == 1 else x


def _shift(date: dt.date, days: Num) -> Value:
    """``date`` moved by a whole number of ``days``; Unknown (invalid) otherwise."""
    if isinstance(days, Fraction) and days.denominator != 1:
        return Unknown.of(Reason(
            "invalid", detail=f"{format_number(days)} is not a whole number of days"))
    try:
        return date + dt.timedelta(days=int(days))
    except OverflowError:
        return Unknown.of(Reason(
            "invalid", detail="the date falls outside the calendar (years 1 to 9999)"))


def _arith(op: str, a: Any, b: Any) -> Value:
    if op == "+":
        if isinstance(a, dt.date):
            return _shift(a, b)
        if isinstance(b, dt.date):
            return _shift(b, a)
        return _num(a + b)
    if op == "-":
        if isinstance(a, dt.date):
            if isinstance(b, dt.date):
                return (a - b).days
            return _shift(a, -b)
        return _num(a - b)
    if op == "*":
        return _num(a * b)
    return _div(a, b)


def _compare(op: str, a: Any, b: Any) -> bool:
    match op:
        case "<":
            return bool(a < b)
        case "<=":
            return bool(a <= b)
        case ">":
            return bool(a > b)
        case ">=":
            return bool(a >= b)
        case "==":
            return bool(a == b)
        case _:
            return bool(a != b)


class _Compiler:
    def __init__(self, per_agency: frozenset[str]) -> None:
        self.per_agency = per_agency

    def compile(self, node: Expr, agg: bool) -> Fn:
        match node:
            case Number(value=v) | Bool(value=v) | Date(value=v) | Text(value=v):
                const: Value = v
                return lambda ctx, row: const
            case Name(name=name):
                return self.name(name, agg)
            case Unary(op="-", operand=o):
                f = self.compile(o, agg)

                def neg(ctx: Context, row: Row | None) -> Value:
                    v = f(ctx, row)
                    return v if isinstance(v, Unknown) else -cast(Num, v)
                return neg
            case Unary(operand=o):
                f = self.compile(o, agg)

                def not_(ctx: Context, row: Row | None) -> Value:
                    v = f(ctx, row)
                    return v if isinstance(v, Unknown) else not v
                return not_
            case Binary(op="and", left=a, right=b):
                fa, fb = self.compile(a, agg), self.compile(b, agg)

                def and_(ctx: Context, row: Row | None) -> Value:
                    x = fa(ctx, row)
                    if x is False:
                        return False
                    return _bool_kleene_and((x, fb(ctx, row)))
                return and_
            case Binary(op="or", left=a, right=b):
                fa, fb = self.compile(a, agg), self.compile(b, agg)

                def or_(ctx: Context, row: Row | None) -> Value:
                    x = fa(ctx, row)
                    if x is True:
                        return True
                    return _bool_kleene_or((x, fb(ctx, row)))
                return or_
            case Binary(op=op, left=a, right=b):
                fa, fb = self.compile(a, agg), self.compile(b, agg)

                def arith(ctx: Context, row: Row | None) -> Value:
                    x, y = fa(ctx, row), fb(ctx, row)
                    if isinstance(x, Unknown) or isinstance(y, Unknown):
                        return merge((x, y))
                    return _arith(op, x, y)
                return arith
            case Compare(ops=ops, operands=operands):
                fs = [self.compile(o, agg) for o in operands]

                def compare(ctx: Context, row: Row | None) -> Value:
                    vals = [f(ctx, row) for f in fs]
                    results: list[Value] = []
                    for i, op in enumerate(ops):
                        a, b = vals[i], vals[i + 1]
                        if isinstance(a, Unknown) or isinstance(b, Unknown):
                            results.append(merge((a, b)))
                        else:
                            results.append(_compare(op, a, b))
                    return _bool_kleene_and(results)
                return compare
            case In(item=item, options=options):
                fi = self.compile(item, agg)
                fo = [self.compile(o, agg) for o in options]

                def in_(ctx: Context, row: Row | None) -> Value:
                    x = fi(ctx, row)
                    if isinstance(x, Unknown):
                        return x
                    return _bool_kleene_or([
                        o if isinstance(o, Unknown) else o == x
                        for o in (f(ctx, row) for f in fo)
                    ])
                return in_
            case If(cond=c, then=t, otherwise=o):
                fc, ft, fo2 = self.compile(c, agg), self.compile(t, agg), self.compile(o, agg)

                def if_(ctx: Context, row: Row | None) -> Value:
                    cond = fc(ctx, row)
                    if isinstance(cond, Unknown):
                        return cond
                    return ft(ctx, row) if cond else fo2(ctx, row)
                return if_
            case Call():
                return self.call(node, agg)
            case Aggregate():
                return self.aggregate(node)
        raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover

    def name(self, name: str, agg: bool) -> Fn:
        if agg and name in self.per_agency:
            def fact(ctx: Context, row: Row | None) -> Value:
                r = row or _EMPTY_ROW
                v = r.facts.get(name)
                return Unknown.missing(name, r.agency) if v is None else v
            return fact
        if agg and name in AGENCY_NAMES:
            if name == "kind":
                return lambda ctx, row: (row or _EMPTY_ROW).kind
            return lambda ctx, row: (row or _EMPTY_ROW).agency

        def scalar(ctx: Context, row: Row | None) -> Value:
            v = ctx.scalars.get(name)
            return Unknown.missing(name, ctx.subject) if v is None else v
        return scalar

    def call(self, node: Call, agg: bool) -> Fn:
        fs = [self.compile(a, agg) for a in node.args]
        func = node.func
        if func == "known":
            f0 = fs[0]
            return lambda ctx, row: not isinstance(f0(ctx, row), Unknown)
        if func == "coalesce":
            def coalesce(ctx: Context, row: Row | None) -> Value:
                unknowns: list[Value] = []
                for f in fs:
                    v = f(ctx, row)
                    if not isinstance(v, Unknown):
                        return v
                    unknowns.append(v)
                return merge(unknowns)
            return coalesce

        def call(ctx: Context, row: Row | None) -> Value:
            vals = [f(ctx, row) for f in fs]
            if any(isinstance(v, Unknown) for v in vals):
                return merge(vals)
            if func in ("min", "max"):
                return _extreme(func, vals)
            if func == "abs":
                x = cast(Num, vals[0])
                return -x if x < 0 else x
            return round_half_away(cast(Num, vals[0]), int(cast(int, vals[1])))
        return call

    def aggregate(self, node: Aggregate) -> Fn:
        body = self.compile(node.body, True)
        flt = self.compile(node.filter, True) if node.filter is not None else None
        func = node.func
        label = f"{func}() over no agencies"

        def fold(ctx: Context, row: Row | None) -> Value:
            vals: list[Value] = []
            unsure: list[Value] = []  # filters that are unknown: the agency may or may not count
            for r in ctx.population:
                if flt is None:
                    vals.append(body(ctx, r))
                    continue
                keep = flt(ctx, r)
                if keep is True:
                    vals.append(body(ctx, r))
                elif isinstance(keep, Unknown):
                    if func == "all":  # the agency counts as "not keep or body": Kleene
                        vals.append(_bool_kleene_or((keep, body(ctx, r))))
                    elif func == "any":  # "keep and body"
                        vals.append(_bool_kleene_and((keep, body(ctx, r))))
                    unsure.append(keep)
            if func in ("all", "any"):
                if len(vals) == len(unsure):
                    # No agency surely counts: there may be nothing to measure at all.
                    return merge(unsure) if unsure else _empty(label)
                decide = _bool_kleene_and if func == "all" else _bool_kleene_or
                return decide(vals)
            unknown = [*unsure, *(v for v in vals if isinstance(v, Unknown))]
            if unknown:
                return merge(unknown)
            if func == "sum":
                return norm(Fraction(sum(cast(list[Num], vals))))
            if func == "count":
                return sum(1 for v in vals if v is True)
            if not vals:
                return _empty(label)
            if func == "avg":
                return norm(Fraction(sum(cast(list[Num], vals))) / len(vals))
            if func == "share":
                return norm(Fraction(sum(1 for v in vals if v is True), len(vals)))
            return _extreme(func, vals)
        return fold


def _extreme(func: str, vals: list[Value]) -> Value:
    """min or max of known numbers, or of known dates (the checker keeps them apart)."""
    items = cast(list[Any], vals)
    return cast(Value, min(items) if func == "min" else max(items))


def _empty(detail: str) -> Unknown:
    return Unknown.of(Reason("empty", detail=detail))
