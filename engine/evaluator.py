"""Compile a checked expression once into closures; evaluate it many times, exactly.

Semantics (each pinned by a property test, see docs/language.md):

* numbers are exact (``int``/``Fraction``); ``/`` by zero gives ``Unknown(division by zero)``;
* an operation that makes a number beyond the bound of exact numbers
  (:data:`engine.values.MAX_EXACT_DIGITS`) gives ``Unknown(invalid)`` naming the operator and
  where it is written;
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
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast, overload

from . import codegen
from .builtins import AGENCY_NAMES
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
    BEYOND_LIMIT,
    EXACT_LIMIT,
    FIXED_SCALE,
    Num,
    Reason,
    TooLarge,
    Undefined,
    Unknown,
    Value,
    add,
    checked,
    column_millionths,
    divide,
    fits,
    fixed_point,
    float_millionths,
    from_millionths,
    from_python,
    is_number,
    merge,
    multiply,
    round_half_away,
    subtract,
    texts_millionths,
    total,
)

try:  # the C accessor of namedtuple's fields: as fast as a slot
    from collections import _tuplegetter as _field  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python
    def _field(index: int, doc: str) -> Any:
        return property(lambda self: self[index], doc=doc)

_new_row = tuple.__new__
_LIMIT = EXACT_LIMIT
_NEG_LIMIT = -EXACT_LIMIT


class Row(tuple):  # type: ignore[type-arg]  # (agency, kind, facts): see the docstring
    """One agency of a population: its id, kind and reported facts for the period.

    A fact the agency did not report is left out (never an :class:`Unknown`: a ``TypeError``
    says so), and a number is within the bound of exact numbers (a ``ValueError`` says so; the
    readers of facts refuse one long before). The row keeps its own copy of ``facts``.

    A row is an immutable triple, so that making one costs little: :func:`engine.report.evaluate`
    makes one for every agency on every call. :meth:`from_values` makes one from the values of a
    JSON document or a form (floats, decimals), converting them exactly.

        >>> Row("snv", "department", {"received": 12}).facts
        {'received': 12}
    """

    __slots__ = ()

    if TYPE_CHECKING:
        agency: str
        kind: str
        facts: Mapping[str, Value]
    else:
        agency = _field(0, "the agency's id")
        kind = _field(1, "the agency's kind (commune, district, ...)")
        facts = _field(2, "the facts the agency reported: name -> known value")

    def __new__(cls, agency: str, kind: str, facts: Mapping[str, Value]) -> Row:
        # a snapshot: the caller's mapping may change later. A read-only view of a dict (how
        # engine.facts holds each agency's facts) is copied by the dict's own copy: dict() of
        # the view reads it key by key, ten times slower, and most of making a row
        copy = facts.copy() if type(facts) is MappingProxyType else None
        facts = copy if type(copy) is dict else dict(facts)
        for name, v in facts.items():
            t = v.__class__
            if t is int:
                if _NEG_LIMIT < v < _LIMIT:  # type: ignore[operator]
                    continue
            elif t is Fraction:
                if fits(v):  # type: ignore[arg-type]
                    continue
            elif t is bool or t is str or isinstance(v, dt.date):
                continue
            elif t is Unknown:
                unknown = sorted(n for n, u in facts.items() if isinstance(u, Unknown))
                raise TypeError(f"the facts of a row are the reported ones; leave out "
                                f"{', '.join(unknown)} of {agency!r} instead of an Unknown")
            else:
                raise TypeError(f"{name} of {agency!r} is a {t.__name__}, not a value of the "
                                "language (Row.from_values converts floats and decimals)")
            raise ValueError(f"{name} is a number {BEYOND_LIMIT}")
        return _new_row(cls, (agency, kind, facts))

    @classmethod
    def from_values(cls, agency: str, kind: str, values: Mapping[str, object],
                    numbers: Container[str] = ()) -> Row:
        """A row from the values of a JSON document, a form or a data frame: a float becomes
        the shortest decimal that reads back as it (``0.93`` is exactly 93/100), a ``Decimal``
        its exact value, a text for a name in ``numbers`` the decimal it writes; ``None`` is
        not reported (left out). :func:`engine.values.from_python` says what is refused.

            >>> Row.from_values("snv", "department", {"share": 0.93, "gone": None}).facts
            {'share': Fraction(93, 100)}
        """
        return _new_row(cls, (agency, kind, exact_facts(values, numbers)))

    @property
    def fixed(self) -> Mapping[str, int]:
        """The numbers among the facts in fixed point (:func:`engine.values.fixed_point`)."""
        return fixed_point(self[2])

    def __repr__(self) -> str:
        return f"Row(agency={self[0]!r}, kind={self[1]!r}, facts={self[2]!r})"

    def __getnewargs__(self) -> tuple[str, str, Mapping[str, Value]]:
        return self[0], self[1], self[2]  # (pickle and copy make a row as it was made)


class RawPopulation(Sequence[Row]):
    """A population given as raw values (mappings as a JSON document gives them, see
    :meth:`Row.from_values`), for :meth:`engine.language.Formula.evaluate_over`.

    Its rows are made when something iterates over them (the reference closures, a filter).
    The generated code sums a fact over it column by column instead (:meth:`column_total`), in
    C: whole numbers as they are, floats as their shortest decimals counted in millionths,
    without making a row or an exact number per agency. Only the names in ``reads`` are
    taken from each mapping (and so converted, and refused if they cannot be)."""

    __slots__ = ("_converted", "_numbers", "_reads", "_rows", "_values", "handing_over")

    def __init__(self, values: Sequence[Mapping[str, object]], reads: frozenset[str],
                 numbers: frozenset[str]) -> None:
        self._values = values
        self._reads = reads
        self._numbers = numbers
        self._rows: list[Row] | None = None
        #: the columns summed, each checked
        self._converted: set[str] = set()
        #: a value that cannot be converted hands over (Bail) instead of raising: the
        #: generated code is running
        self.handing_over = True

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        return self.rows[index]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    @property
    def rows(self) -> list[Row]:
        """The rows, made once: the values the formula reads, converted."""
        if self._rows is None:
            reads, numbers = self._reads, self._numbers
            try:
                self._rows = [
                    Row.from_values(_text(d.get("agency")), _text(d.get("kind")),
                                    {k: v for k, v in d.items() if k in reads}, numbers)
                    for d in self._values]
            except (TypeError, ValueError):
                if self.handing_over:  # the generated code: the reference will say why
                    raise codegen.Bail from None
                raise
        return self._rows

    def column_total(self, name: str) -> Num:
        """The exact sum of ``name`` over the population, from the raw values; a mapping
        without it raises ``KeyError`` (the generated code's planned signal); anything the
        columns cannot decide (a None, a value to refuse) hands over (:class:`codegen.Bail`),
        so that the reference makes the rows and says why."""
        column = list(map(itemgetter(name), self._values))
        if not column:
            return 0
        kinds = set(map(type, column))
        if kinds == _INTS:
            # Every value must be within the bound, as the reference converts each. When the
            # least is not negative, every value lies between 0 and the sum (a sum of numbers
            # that are not negative is at least each of them), so the sum below the bound
            # puts each below it: one pass (min) instead of two (min and max).
            least = min(column)
            if least > _NEG_LIMIT:
                s = sum(column)
                if (least >= 0 and s < _LIMIT) or max(column) < _LIMIT:
                    self._converted.add(name)
                    return checked(s)
            raise codegen.Bail
        if kinds <= _INT_FLOAT:
            # each value as its count of millionths (a float by its shortest decimal, when that
            # has at most six places: the count reads back as the very float), looked up per
            # distinct value (engine.values.column_millionths)
            n = column_millionths(column)
            if n is not None:
                self._converted.add(name)
                q = Fraction(n, FIXED_SCALE)
                return q.numerator if q.denominator == 1 else q
        if kinds == _STRS and name in self._numbers:
            # decimal texts, each read once per distinct text (engine.values.texts_millionths);
            # the sum is bounded here as the reference's total bounds it
            n = texts_millionths(column)
            if n is not None:
                self._converted.add(name)
                q = Fraction(n, FIXED_SCALE)
                return checked(q.numerator if q.denominator == 1 else q)
        try:
            exact = [from_python(v, name in self._numbers) for v in column]
        except (TypeError, ValueError):
            raise codegen.Bail from None
        if any(v.__class__ is bool or not is_number(v) for v in exact):
            raise codegen.Bail
        self._converted.add(name)
        return total(cast(list[Num], exact))

    def check(self) -> None:
        """Every name read is known to convert (the generated code may not have read one):
        :class:`codegen.Bail` otherwise."""
        if self._rows is not None:
            return
        for name in self._reads - self._converted:
            number = name in self._numbers
            for d in self._values:
                v = d.get(name)
                if v is not None:
                    try:
                        from_python(v, number)
                    except (TypeError, ValueError):
                        raise codegen.Bail from None


def _text(value: object) -> str:
    return value if type(value) is str else ""


_INTS = frozenset({int})
_INT_FLOAT = frozenset({int, float})
_STRS = frozenset({str})


def exact_facts(values: Mapping[str, object], numbers: Container[str] = ()) -> dict[str, Value]:
    """The reported values among ``values`` as run-time values (:meth:`Row.from_values`):
    ``None`` is left out, ints pass as they are, anything else is converted by
    :func:`engine.values.from_python` (a float to its shortest decimal). The error of a value
    that cannot be converted names it."""
    out: dict[str, Value] = {}
    for name, v in values.items():
        t = v.__class__
        if t is int and _NEG_LIMIT < v < _LIMIT:  # type: ignore[operator]
            out[name] = v  # type: ignore[assignment]
        elif t is float and (n := float_millionths(v)) is not None:  # type: ignore[arg-type]
            out[name] = from_millionths(n)
        elif v is not None:
            try:
                out[name] = from_python(v, name in numbers)
            except (TypeError, ValueError) as error:
                raise type(error)(f"{name}: {error}") from None
    return out


class Context(tuple):  # type: ignore[type-arg]  # (scalars, population, subject)
    """What an evaluation sees: scalar names, and the population aggregates fold over.

    ``subject`` is the agency whose facts ``scalars`` hold, named in 'missing' reasons. Its
    numbers are within the bound of exact numbers (:data:`engine.values.MAX_EXACT_DIGITS`), as
    facts, literals and the values of formulas are: evaluation relies on it and does not check
    them again (:meth:`Program.evaluate` checks scalars given as keywords).

    An immutable triple, as :class:`Row` is: a report makes several for every unit of every
    indicator's breakdown.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        scalars: Mapping[str, Value]
        population: Sequence[Row]
        subject: str
    else:
        scalars = _field(0, "the values of the scalar names")
        population = _field(1, "the agencies aggregates fold over")
        subject = _field(2, "the agency whose facts the scalars hold")

    def __new__(cls, scalars: Mapping[str, Value] | None = None,
                population: Sequence[Row] = (), subject: str = "") -> Context:
        return _new_row(cls, ({} if scalars is None else scalars, population, subject))

    def __repr__(self) -> str:
        return (f"Context(scalars={self[0]!r}, population={self[1]!r}, "
                f"subject={self[2]!r})")

    def __getnewargs__(self) -> tuple[Mapping[str, Value], Sequence[Row], str]:
        return self[0], self[1], self[2]


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
        return codegen.generate(self.expr, self.per_agency)[1] if self.use_fast else None

    def evaluate(self, context: Context | None = None, **scalars: Value) -> Value:
        """Evaluate against ``context`` (or against ``scalars`` given as keywords).

        The generated code answers when it can; on a planned hand-over (see
        :mod:`engine.codegen`) the reference closures do. Any other error of the generated
        code is a bug: reported by :func:`engine.codegen.unplanned` (a warning, or in strict
        mode an exception), and the reference answers.

        A number among ``scalars`` beyond the bound of exact numbers is a ``ValueError``."""
        if context is None:
            too_large = sorted(k for k, v in scalars.items() if is_number(v)
                               and not fits(cast(Num, v)))
            if too_large:
                raise ValueError(f"{', '.join(too_large)}: a number {BEYOND_LIMIT}")
        ctx = context if context is not None else Context(scalars)
        fast = self.fast
        if fast is None:
            return self.fn(ctx, None)
        try:
            value = fast(ctx.scalars, ctx.population)
        except Exception as error:
            if not codegen.planned(error, self.per_agency):
                codegen.unplanned(error)
            return self.fn(ctx, None)
        return self.normal(value)

    def run(self, scalars: Mapping[str, Value], population: Sequence[Row],
            subject: str = "") -> Value:
        """``evaluate(Context(scalars, population, subject))``, with the same hand-over, for a
        caller that evaluates many times over (a report's breakdown): the context is made only
        when the reference answers."""
        fast = self.fast
        if fast is None:
            return self.fn(_new_row(Context, (scalars, population, subject)), None)
        try:
            value = fast(scalars, population)
        except Exception as error:
            if not codegen.planned(error, self.per_agency):
                codegen.unplanned(error)
            return self.fn(_new_row(Context, (scalars, population, subject)), None)
        if type(value) is Fraction and value.denominator == 1:  # (normal)
            return value.numerator
        return value

    @staticmethod
    def normal(value: Value) -> Value:
        """A value of the generated code as the reference gives it (an integral Fraction as
        an int)."""
        if type(value) is Fraction and value.denominator == 1:
            return value.numerator
        return value


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


#: The arithmetic operators: the shared primitives of :mod:`engine.values`.
_ARITH: dict[str, Callable[[Any, Any], Value]] = {
    "+": add, "-": subtract, "*": multiply, "/": divide,
}


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
                operate = _ARITH[op]
                binary = node

                def arith(ctx: Context, row: Row | None) -> Value:
                    x, y = fa(ctx, row), fb(ctx, row)
                    if isinstance(x, Unknown) or isinstance(y, Unknown):
                        return merge((x, y))
                    try:
                        return operate(x, y)
                    except TooLarge:
                        return _too_large(f"'{binary.op}'", _operator_at(binary))
                    except Undefined as undefined:
                        return Unknown.of(undefined.reason)
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
            try:
                return round_half_away(cast(Num, vals[0]), int(cast(int, vals[1])))
            except TooLarge:
                return _too_large("round()", _start_of(node.name_span or node.span))
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
            if func == "count":
                return sum(1 for v in vals if v is True)
            if func == "sum" or (func == "avg" and vals):
                try:
                    summed = total(cast(list[Num], vals))
                    return summed if func == "sum" else divide(summed, len(vals))
                except TooLarge:
                    return _too_large(f"{func}()", _start_of(node.name_span or node.span))
            if not vals:
                return _empty(label)
            if func == "share":
                return divide(sum(1 for v in vals if v is True), len(vals))
            return _extreme(func, vals)
        return fold


def _extreme(func: str, vals: list[Value]) -> Value:
    """min or max of known numbers, or of known dates (the checker keeps them apart)."""
    items = cast(list[Any], vals)
    return cast(Value, min(items) if func == "min" else max(items))


def _empty(detail: str) -> Unknown:
    return Unknown.of(Reason("empty", detail=detail))


def _too_large(what: str, where: str) -> Unknown:
    """``what`` (an operator, a function) at ``where`` made a number beyond the bound."""
    return Unknown.of(TooLarge.located(what, where))


def _operator_at(node: Binary) -> str:
    """``FILE:LINE:COL`` of the operator of ``node``: the first character between its operands
    that is the operator (only parentheses, spaces and comments may be there too); the start
    of ``node`` when its operands have no spans; empty without a span."""
    if node.span is None:
        return ""
    text, start = node.span.source.text, node.span.start
    if node.left.span is not None and node.right.span is not None:
        i, end = node.left.span.end, node.right.span.start
        while i < end:
            if text[i] == node.op:
                start = i
                break
            if text[i] == "#":  # a comment runs to the end of its line
                i = text.find("\n", i, end)
                if i < 0:
                    break
            i += 1
    position = node.span.source.position(start)
    return f"{position.file}:{position.line}:{position.col}"


def _start_of(span: Any) -> str:
    """``FILE:LINE:COL`` where ``span`` (a :class:`~engine.source.Span`) begins; empty for
    none."""
    if span is None:
        return ""
    position = span.begin
    return f"{position.file}:{position.line}:{position.col}"
