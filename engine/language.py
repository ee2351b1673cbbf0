"""The language's front door: parse, check and compile a formula in one call.

    >>> f = compile_formula("received > 0 and on_time / received > 99%",
    ...                     Symbols({"received": NUMBER, "on_time": NUMBER}))
    >>> f.evaluate(received=200, on_time=198)
    False
    >>> f.evaluate(received=200).missing_facts
    [('', 'on_time')]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import codegen
from .builtins import BOOL, DATE, NUMBER, TEXT, Type
from .checker import Symbols, check
from .diagnostics import Diagnostic, ExpressionError
from .evaluator import Context, Program, RawPopulation, Row, compile_expr, exact_facts
from .i18n import _
from .nodes import Bool, Date, Expr, Number, Text, Unary, free_names
from .source import Source, Span
from .values import Value

#: The types of an agency's values, name by name (Formula._typed_names)
_Signature = tuple[type, ...]

__all__ = [
    "BOOL",
    "DATE",
    "NUMBER",
    "TEXT",
    "Formula",
    "Symbols",
    "Type",
    "compile_formula",
    "parse_literal",
]


@dataclass(frozen=True)
class Formula:
    """A parsed, checked and compiled formula with its result type."""

    text: str
    expr: Expr
    type: Type
    program: Program
    #: the names that are numbers: a text given for one of them is a decimal
    #: (:meth:`evaluate_each`)
    numbers: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def evaluate(self, context: Context | None = None, **scalars: Value) -> Value:
        """The formula's value in ``context`` (scalar names and the population aggregates
        fold over), or, without one, for the ``scalars`` given as keywords."""
        return self.program.evaluate(context, **scalars)

    def evaluate_each(self, agencies: Iterable[Mapping[str, object]]) -> list[Value]:
        """The formula's value for each agency of ``agencies``, each given as its facts: a
        mapping of names to values as a JSON document or a form holds them. An agency's facts
        are the formula's names, and the agency alone is the population its aggregates fold
        over (how a unit of a report's breakdown is evaluated). A name that is absent or None
        is not reported (the value is ``Unknown``, naming it).

        Values are converted exactly, as the fact readers read them: a ``float`` is the
        shortest decimal that reads back as it (``0.93`` is exactly 93/100, never
        0.9300000000000000488...), a ``Decimal`` its value, a text for a number the decimal it
        writes (``"0.93"``). The keys ``agency`` and ``kind``, when given, are the agency's id
        and kind. A value that cannot be converted (a float that is not finite, a number beyond
        the bound of exact numbers, an object of another kind) is a ``ValueError`` or a
        ``TypeError`` naming it.

        Every value the formula names is converted (and refused if it cannot be), whether
        its result needs it or not; the others are not looked at.

        The result is the same as evaluating the formula agency by agency, only faster: the
        common case, known values compared with literals, runs as one loop of generated code
        without making any exact number. Agencies whose values have the types of the first
        one's (ints and floats, as JSON gives them) take a branch of that code made for those
        types, with every check of a value in the comparison that reads it."""
        each = self._each
        if each is None:
            return [self._one(d) for d in agencies]
        given = agencies if type(agencies) is list else list(agencies)
        typed = self._typed_for(given)
        return (each if typed is None else typed)(given, self._one)

    def _typed_for(self, agencies: list[Mapping[str, object]]) -> codegen.EachFn | None:
        """The generated code with a typed branch for the types of the values of the first
        agency (given as a dict, as JSON gives it) that has them all as ints or floats, among
        the first few (a first agency may leave a value out); an agency whose values have other
        types takes the general branch of the same code (codegen.generate_each)."""
        names = self._typed_names
        for first in agencies[:8]:
            if type(first) is not dict:
                return None
            signature = tuple(type(first.get(n)) for n in names)
            made = self._typed
            typed = made[signature] if signature in made else self._typed_each(signature)
            if typed is not None:
                return typed
        return None

    def evaluate_over(self, agencies: Iterable[Mapping[str, object]],
                      scalars: Mapping[str, object] | None = None) -> Value:
        """The formula's value with ``agencies`` as the population its aggregates fold over
        (``sum(received)``), each given as its facts, converted as :meth:`evaluate_each`
        converts them; ``scalars`` are the values of the other names. A sum of a fact over
        them is taken column by column, without making a row or an exact number per agency."""
        numbers = self.numbers
        population = RawPopulation(list(agencies), self._reads, numbers)
        reads = self._reads
        context = Context(exact_facts({k: v for k, v in (scalars or {}).items() if k in reads},
                                      numbers), population)
        program = self.program
        fast = program.fast
        if fast is not None:
            try:
                value = fast(context.scalars, population)
                population.check()
            except Exception as error:
                if not codegen.planned(error, program.per_agency):
                    codegen.unplanned(error)
            else:
                return program.normal(value)
        population.handing_over = False
        return program.fn(context, None)

    @functools.cached_property
    def _each(self) -> codegen.EachFn | None:
        made = codegen.generate_each(self.expr, self.numbers) if self.program.use_fast else None
        return None if made is None else made[1]

    @functools.cached_property
    def _typed_names(self) -> tuple[str, ...]:
        """The names the typed branches of :meth:`evaluate_each` expect a type for."""
        return tuple(sorted(free_names(self.expr))) if self._each is not None else ()

    @functools.cached_property
    def _typed(self) -> dict[_Signature, codegen.EachFn | None]:
        """The code of :meth:`evaluate_each` made for each signature (the types of the values
        of :attr:`_typed_names`), or None where it has no typed branch."""
        return {}

    def _typed_each(self, signature: _Signature) -> codegen.EachFn | None:
        made = None
        if all(t is int or t is float for t in signature) and len(self._typed) < 64:
            types = dict(zip(self._typed_names, signature, strict=True))
            if codegen.typed_branch(self.expr, types, self.numbers) is not None:
                made = codegen.generate_each(self.expr, self.numbers, types)
        typed = None if made is None else made[1]
        self._typed[signature] = typed
        return typed

    @functools.cached_property
    def _reads(self) -> frozenset[str]:
        return frozenset(free_names(self.expr))

    def _one(self, values: Mapping[str, object]) -> Value:
        """The reference path of :meth:`evaluate_each`, for one agency: the values the formula
        reads, converted."""
        reads = self._reads
        facts = exact_facts({k: v for k, v in values.items() if k in reads}, self.numbers)
        row = Row.from_values(_text(values.get("agency")), _text(values.get("kind")), facts)
        return self.program.evaluate(Context(facts, (row,), row.agency))


def _text(value: Any) -> str:
    return value if type(value) is str else ""


def compile_formula(text: str, symbols: Symbols, source: Source | None = None) -> Formula:
    """Parse, check and compile ``text``. Raises :class:`ExpressionError` with every problem."""
    from .parser import parse  # here: a formula from the cache needs no parser (engine.cache)

    expr = parse(text, source)
    result = check(expr, symbols)
    # Only the names it reads (all that is ever asked of ``numbers``): a plan declares
    # hundreds of names, and going through them all was a sizeable part of compiling.
    scalars, per_agency = symbols.scalars, symbols.per_agency
    numbers = frozenset(name for name in free_names(expr)
                        if scalars.get(name) == NUMBER or per_agency.get(name) == NUMBER)
    return Formula(text, expr, result, compile_expr(expr, set(symbols.per_agency)), numbers)


def parse_literal(text: str, source: Source | None = None) -> tuple[Value, Type]:
    """A literal of the language (``1200``, ``-3``, ``95%``, ``2023-01-09``, ``"B"``, ``true``)."""
    from .parser import parse

    expr = parse(text, source)
    negate = False
    if isinstance(expr, Unary) and expr.op == "-" and isinstance(expr.operand, Number):
        expr, negate = expr.operand, True
    match expr:
        case Number(value=v):
            return (-v if negate else v), NUMBER
        case Bool(value=v):
            return v, BOOL
        case Date(value=v):
            return v, DATE
        case Text(value=v):
            return v, TEXT
    src = source or Source("<input>", text)
    raise ExpressionError([Diagnostic(
        "E107", _("'{text}' is not a literal").format(text=text), Span(src, 0, len(text)),
        help=_("give a number (1200, 95%), a date (2023-01-09), a text (\"B\"), true or false"),
    )])
