"""A fast path for evaluation: an expression compiled to one Python function.

The closure evaluator (:mod:`engine.evaluator`) is the reference semantics. This module
generates straight-line Python for the common case where every value is known: plain
arithmetic on ``int``/``Fraction``, native comparisons, ``and``/``or`` as Python's. Arithmetic
is the reference's own (the primitives of :mod:`engine.values`); ``*`` and unary ``-`` are
written inline, and the caller turns an integral ``Fraction`` result into an ``int`` once, at
the end (:meth:`engine.evaluator.Program.evaluate`).

The bound on exact numbers (:data:`engine.values.MAX_EXACT_DIGITS`) holds here as in the
reference: an inline product of whole numbers is compared with the bound on the spot (two
integer comparisons), anything else goes through :func:`engine.values.checked`, and sums
follow :func:`engine.values.total`. A number beyond the bound raises
:class:`~engine.values.TooLarge`, a planned hand-over: the reference says which operator made
it and where. Inputs are within the bound (the readers, the parser and
:class:`~engine.evaluator.Row` see to it), so a quotient of two whole numbers is too, which
keeps the cross-multiplied comparisons below exact.

The contract. The generated function either returns the reference's known value (same value,
same type after that normalisation), or raises one of the *planned* signals, and the caller
evaluates with the reference closures instead:

* :class:`Bail`: a scalar is missing or unknown, an aggregate folds over nobody, a sum over
  many rows meets a value that is not a number, or ``known()`` or ``coalesce()`` needs the
  reference to decide (their argument handed over). The operands of ``==``/``in`` that are
  not literals or facts are also checked to be known (``==`` would not raise on an unknown);
* :class:`~engine.values.Undefined`: an operation has no value (a division by zero, a date
  moved by part of a day or off the calendar, a number beyond the bound) — the reference gives
  an ``Unknown`` there;
* ``KeyError`` of a per-agency fact that an agency did not report (a dictionary read, the
  cheapest test there is) — only for a name in ``per_agency``.

Anything else the generated code raises is a bug, not a hand-over (:func:`planned` tells them
apart). The caller still answers with the reference, but never silently: it warns with
:class:`FastPathWarning`, and in *strict mode* it raises :class:`UnplannedFallback` instead.
Strict mode is on when the environment variable ``CCHC_STRICT_FAST_PATH`` is ``1`` when this
module is imported, or when :data:`STRICT` is set to true; the test suite runs in it
(``tests/conftest.py``). The fast path relies on rows holding reported (known) facts only,
which :class:`~engine.evaluator.Row` enforces.

Exactness stays: ``x / y >= 99%`` is generated as ``x * 100 >= 99 * y`` guarded by ``y > 0``
and by both being whole numbers (cross-multiplication, no division; a quotient of fractions
might be beyond the bound, where the reference has no value), other divisions make a
``Fraction``; floats never appear.

For many mappings of raw values (:func:`generate_each`, behind ``Formula.evaluate_each``), a
rule made of comparisons with literals, ``and``, ``or`` and ``not`` also gets a *typed branch*
for the types the caller expects (ints and floats as JSON gives them, :class:`_Typed`): the
types tested once, each comparison decided by chains of comparisons that also bound what they
read; a mapping it cannot decide takes the general branch above.

No user text becomes code: names are read with string constants (``repr``), literals are bound
as constants of the generated function, and the source is built only from the AST's node kinds.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from operator import attrgetter
from typing import Any

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
    free_names,
)
from .values import (
    EXACT_LIMIT,
    TooLarge,
    Undefined,
    Unknown,
    add,
    checked,
    common_denominator,
    divide,
    from_python,
    round_half_away,
    subtract,
    sum_with_fractions,
)

#: Strict mode: an unplanned error of generated code raises instead of falling back (see the
#: module docstring). Read once from the environment; tests set it directly as well.
STRICT: bool = os.environ.get("CCHC_STRICT_FAST_PATH", "") == "1"


class Bail(Exception):
    """Raised by generated code to hand a case over to the reference evaluator."""


class FastPathWarning(RuntimeWarning):
    """Generated code raised an error it does not plan; the reference answered instead."""


class UnplannedFallback(AssertionError):
    """Strict mode: generated code raised an error it does not plan (a bug in this module)."""


def planned(error: BaseException, per_agency: frozenset[str]) -> bool:
    """Whether ``error``, raised by code generated with ``per_agency``, is one of the planned
    hand-overs to the reference (the module docstring lists them)."""
    if isinstance(error, Bail | Undefined):
        return True
    return (type(error) is KeyError and len(error.args) == 1
            and error.args[0] in per_agency)


def unplanned(error: Exception) -> None:
    """Report an unplanned error of generated code: raise in strict mode, warn otherwise."""
    message = (f"the generated code of a formula raised {type(error).__name__}: {error}; "
               "this is a bug of engine.codegen")
    if STRICT:
        raise UnplannedFallback(message) from error
    warnings.warn(f"{message} (the reference evaluator answered instead)", FastPathWarning,
                  stacklevel=3)


# Fraction keeps its parts in slots; reading them directly skips the property call.
_DEN = attrgetter("_denominator")
# The bound of exact numbers, as module globals (engine.values.EXACT_LIMIT).
_LIMIT = EXACT_LIMIT
_NEG_LIMIT = -EXACT_LIMIT


def _known(v: Any) -> Any:
    if type(v) is Unknown:
        raise Bail
    return v


def _scalar(scalars: Mapping[str, Any], name: str) -> Any:
    v = scalars.get(name)
    if v is None or type(v) is Unknown:
        raise Bail
    return v


def _xsum(values: list[Any]) -> Any:
    """Exact sum of the values of a formula over the agencies (:func:`engine.values.total`),
    fast: whole numbers are summed in C; fractions over their common denominator, which is
    found first, so that a sum of fractions with large denominators stops at the bound before
    it costs anything."""
    if len(values) < 64:  # a district with its communes
        try:
            # gcd() takes whole numbers only: the cheapest test in C that every value is one.
            # (Summing first would be cheaper still, but a sum of fractions must look at their
            # denominators before it adds them, see engine.values.total.)
            math.gcd(*values)
        except TypeError:
            pass
        else:
            s = sum(values)
            if _NEG_LIMIT < s < _LIMIT:
                return s
            raise TooLarge
    kinds = set(map(type, values))
    if kinds <= {int}:
        s = sum(values)
        if _NEG_LIMIT < s < _LIMIT:
            return s
        raise TooLarge
    if kinds != {Fraction, int} and kinds != {Fraction}:
        raise Bail  # not a number the fast path knows
    return sum_with_fractions(values, int in kinds)


def _fsum(values: list[Any]) -> Any:
    """Exact sum of a fact over a few agencies (fewer than 64: a district and its communes):
    plain ``sum()`` is fastest. Facts are small (their readers bound them far below the bound
    of exact numbers), so summing them first costs little (and at worst, for a row made with
    fractions near the bound, the sum of 63 of them); then the result, and for fractions the
    common denominator of the terms, are checked as :func:`engine.values.total` checks them."""
    s = sum(values)
    if type(s) is int:
        if _NEG_LIMIT < s < _LIMIT:
            return s
        raise TooLarge
    common_denominator({_DEN(v) for v in values if type(v) is Fraction})
    return checked(s)


def _csum(rows: Sequence[Any], name: str) -> Any:
    """``sum(name)`` over ``rows``, exactly (a missing fact raises KeyError): over many rows by
    :func:`_xsum` (whole numbers in C, fractions over their common denominator), over a few
    by :func:`_fsum`."""
    kind = type(rows)
    # (a list or a tuple of rows, the commonest, asked first: getattr of a missing attribute
    # raises and catches an AttributeError, which took most of a sum at national scale)
    if kind is not list and kind is not tuple:
        column_total = getattr(rows, "column_total", None)
        if column_total is not None:  # a population of raw values (evaluator.RawPopulation)
            return column_total(name)
    values = [r.facts[name] for r in rows]
    if len(values) >= 64:
        return _xsum(values)
    return _fsum(values)


def _mul(product: Any) -> Any:
    """A product that is not a whole number within the bound (written inline): a fraction,
    checked; or a whole number beyond the bound."""
    return checked(product)


def _nonempty(rows: Sequence[Any]) -> Sequence[Any]:
    if not rows:
        raise Bail
    return rows


def _coalesce(first: Callable[[], Any]) -> Any:
    # Only the all-known case is fast: then the first argument is the answer. Anything the
    # first argument cannot give (a missing fact, an unknown) is decided by the reference.
    return first()


def _is_known(thunk: Callable[[], Any]) -> bool:
    # A raise means "not decided here", not "unknown": known(missing and false) is true.
    thunk()
    return True


def _skip(d: Mapping[str, Any], names: tuple[str, ...], value: Any,
          numbers: frozenset[str]) -> Any:
    """``value``, once the raw values of ``names`` (a side of ``and``/``or``/``if`` that was
    not read) are known to convert: a value is refused whether the formula needs it or not,
    as the reference refuses it (:func:`generate_each`)."""
    for name in names:
        v = d.get(name)
        if v is not None:
            _cv(v, name in numbers)
    return value


def _bail() -> Any:
    raise Bail


def _cv(value: Any, number: bool) -> Any:
    """A raw value (:func:`generate_each`) as the exact value it stands for; anything the
    conversion refuses, or nothing (None), is handed over (the reference's conversion says
    why)."""
    if value is None or (number and value.__class__ is bool):
        raise Bail
    try:
        return from_python(value, number)
    except (TypeError, ValueError):
        raise Bail from None


_HELPERS: dict[str, Any] = {
    "_known": _known, "_scalar": _scalar, "_div": divide, "_add": add, "_sub": subtract,
    "_nonempty": _nonempty, "_xsum": _xsum, "_csum": _csum, "_round": round_half_away,
    "_mul": _mul, "_L": _LIMIT, "_NL": _NEG_LIMIT,
    "_cv": _cv, "_bail": _bail, "_INF": math.inf, "_NINF": -math.inf,
    "_coalesce": _coalesce,
    "_is_known": _is_known, "_len": len, "_sum": sum, "_min": min, "_max": max,
    "_abs": abs, "_all": all, "_any": any, "type": type, "int": int, "float": float,
    "_Fraction": Fraction,
}


class _NoEach(Exception):
    """The expression has a form the loop over raw values does not generate (an aggregate)."""


class _Gen:
    def __init__(self, per_agency: frozenset[str], raw: bool = False,
                 numbers: frozenset[str] = frozenset()) -> None:
        self.per_agency = per_agency
        self.consts: dict[str, Any] = {}
        self.temps = 0
        #: names are read from ``d``, a mapping of raw values (ints, floats, decimal texts...),
        #: converted on the spot (:func:`generate_each`); ``numbers`` are the names of numbers
        self.raw = raw
        self.numbers = numbers

    def temp(self) -> str:
        self.temps += 1
        return f"_t{self.temps}"

    def never_unknown(self, node: Expr) -> bool:
        """Literals and facts: the fast path never sees them unknown (missing raises)."""
        if isinstance(node, Number | Bool | Date | Text):
            return True
        if self.raw and isinstance(node, Name):
            return True  # a raw read converts or hands over, never an Unknown
        return isinstance(node, Name) and (node.name in self.per_agency
                                           or node.name in AGENCY_NAMES)

    def const(self, value: Any) -> str:
        if type(value) is int or type(value) is bool:
            return repr(value)
        name = f"_c{len(self.consts)}"
        self.consts[name] = value
        return name

    def named(self, value: Any) -> str:
        """A constant bound to a name (a large whole number is not written out in the code)."""
        name = f"_c{len(self.consts)}"
        self.consts[name] = value
        return name

    def raw_read(self, name: str) -> str:
        """A raw value of ``d`` as an exact value: a whole number within the bound as it is,
        anything else converted (:func:`_cv`)."""
        t = self.temp()
        return (f"({t} if ({t} := d[{name!r}]).__class__ is int and _NL < {t} < _L "
                f"else _cv({t}, {name in self.numbers}))")

    def skip(self, skipped: Expr, read: Expr, value: str) -> str:
        """``value``, once the raw values of the names of ``skipped`` that ``read`` does not
        read are checked (:func:`_skip`)."""
        return self.skip_names(free_names(skipped) - free_names(read), value)

    def skip_names(self, names: set[str], value: str) -> str:
        if not names:
            return value
        return f"_skip(d, {tuple(sorted(names))!r}, {value}, _NUMS)"

    def gen(self, node: Expr, row: str | None) -> str:
        match node:
            case Number(value=v) | Bool(value=v) | Date(value=v) | Text(value=v):
                return self.const(v)
            case Name(name=name) if self.raw:
                return self.raw_read(name)
            case Name(name=name):
                if row is not None and name in self.per_agency:
                    return f"{row}.facts[{name!r}]"
                if row is not None and name in AGENCY_NAMES:
                    return f"{row}.{name if name == 'kind' else 'agency'}"
                return f"_scalar(S, {name!r})"
            case Unary(op="-", operand=o):
                return f"(-{self.gen(o, row)})"
            case Unary(operand=o):
                return f"(not {self.gen(o, row)})"
            case Binary(op="and" | "or", left=a, right=b):
                # Every value generated code sees is known (_scalar hands over on an unknown
                # scalar; a Row holds known facts only): then Python's and/or are Kleene's.
                if self.raw:  # the values of the side that is not read are checked still
                    t = self.temp()
                    skipped = self.skip(b, a, t)
                    if node.op == "and":
                        return f"({self.gen(b, row)} if ({t} := {self.gen(a, row)}) else {skipped})"
                    return f"({skipped} if ({t} := {self.gen(a, row)}) else {self.gen(b, row)})"
                return f"({self.gen(a, row)} {node.op} {self.gen(b, row)})"
            case Binary(op="*", left=a, right=b):
                # A whole number within the bound passes on two integer comparisons; anything
                # else is checked by a call.
                t = self.temp()
                return (f"({t} if type({t} := {self.gen(a, row)} * {self.gen(b, row)}) is int "
                        f"and _NL < {t} < _L else _mul({t}))")
            case Binary(op="/", left=a, right=b):
                return f"_div({self.gen(a, row)}, {self.gen(b, row)})"
            case Binary(op="+", left=a, right=b):
                return f"_add({self.gen(a, row)}, {self.gen(b, row)})"
            case Binary(op="-", left=a, right=b):
                return f"_sub({self.gen(a, row)}, {self.gen(b, row)})"
            case Compare(ops=ops, operands=operands):
                if len(ops) == 1:
                    fast = self.ratio_compare(ops[0], operands[0], operands[1], row)
                    if fast is None:
                        fast = self.constant_compare(ops[0], operands[0], operands[1], row)
                    if fast is not None:
                        return fast
                eq = {i for i, op in enumerate(ops) if op in ("==", "!=")}
                eq |= {i + 1 for i in eq}
                parts = [f"_known({self.gen(o, row)})" if i in eq and not self.never_unknown(o)
                         else self.gen(o, row) for i, o in enumerate(operands)]
                text = parts[0]
                for op, part in zip(ops, parts[1:], strict=True):
                    text += f" {op} {part}"
                if self.raw and len(ops) > 1:  # a chain stops at its first false link
                    rest = set().union(*map(free_names, operands[2:])) - set().union(
                        *map(free_names, operands[:2]))
                    return self.skip_names(rest, f"({text})")
                return f"({text})"
            case In(item=item, options=options):
                opts = "".join(f"_known({self.gen(o, row)}), " for o in options)
                return f"(_known({self.gen(item, row)}) in ({opts}))"
            case If(cond=c, then=t, otherwise=o):
                if self.raw:
                    then = self.skip_names(free_names(o) - free_names(c) - free_names(t),
                                           self.gen(t, row))
                    other = self.skip_names(free_names(t) - free_names(c) - free_names(o),
                                            self.gen(o, row))
                    return f"({then} if {self.gen(c, row)} else {other})"
                return f"({self.gen(t, row)} if {self.gen(c, row)} else {self.gen(o, row)})"
            case Call(func="known", args=(a,)):
                return f"_is_known(lambda: {self.gen(a, row)})"
            case Call(func="coalesce", args=args):
                if self.raw:
                    rest = set().union(*map(free_names, args[1:])) - free_names(args[0])
                    return self.skip_names(rest, f"_coalesce(lambda: {self.gen(args[0], row)})")
                return f"_coalesce(lambda: {self.gen(args[0], row)})"
            case Call(func="round", args=(a, d)):
                return f"_round({self.gen(a, row)}, {self.gen(d, row)})"
            case Call(func=f, args=args):
                return f"_{f}(" + ", ".join(self.gen(a, row) for a in args) + ")"
            case Aggregate():
                if self.raw:
                    raise _NoEach
                return self.aggregate(node, row)
        raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover

    def ratio_compare(self, op: str, left: Expr, right: Expr, row: str | None) -> str | None:
        """``x / y OP k`` (or ``k OP x / y``) as ``x * k.den OP k.num * y`` when ``y > 0`` and
        both are whole numbers (then ``x / y`` is within the bound, as the reference needs it
        to be); otherwise as the division and the comparison.

        ``x / y * c OP k`` (or ``c * (x / y)``) for a number ``c > 0``, as authors write a
        percentage (``x / y * 100 >= 99``), is first folded into ``x / y OP k / c``: the same
        truth for every ``x / y``, since multiplying by a positive number keeps the order. The
        reference would have no value when ``x / y * c`` is beyond the bound: the fast branch
        is guarded so that it is not (``|x| * c.num`` and ``y * c.den`` within it), and the
        other branch multiplies and checks as the reference does."""
        if op not in ("<", "<=", ">", ">=", "==", "!="):
            return None
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
        if isinstance(left, Number) and not isinstance(right, Number):
            left, right, op = right, left, flipped[op]
        if not isinstance(right, Number):
            return None
        scale: Fraction | None = None
        if isinstance(left, Binary) and left.op == "*":
            for ratio, c in ((left.left, left.right), (left.right, left.left)):
                if (isinstance(c, Number) and isinstance(ratio, Binary) and ratio.op == "/"
                        and c.value > 0):
                    left, scale = ratio, Fraction(c.value)
                    break
        if not (isinstance(left, Binary) and left.op == "/"):
            return None
        k = Fraction(right.value) if scale is None else Fraction(right.value) / scale
        num, den = left.left, left.right
        if isinstance(num, Number) and type(num.value) is not int:
            return None  # a fraction over a whole number may be beyond the bound
        if isinstance(den, Number) and (type(den.value) is not int or den.value <= 0):
            return None
        # Each side is computed once, into a temporary, and both are computed before the
        # condition may stop (a chain of `is` evaluates its first two operands first), so the
        # general path after `else` has both. A literal is a whole number > 0 (above) and is
        # written as is. The divisor is computed first. (`.__class__` is a little cheaper than
        # `type()`: this test runs once per agency in the commonest rule there is.) A raw
        # value (generate_each) is read as it is, and bounded before it is used.
        parts, tests, raws, bounds = [], [], [], []
        for node in (den, num):
            if self.cheap(node):
                parts.append(self.gen(node, row))
                raws.append(parts[-1])
                continue
            raw = self.raw and isinstance(node, Name)
            text = f"d[{node.name!r}]" if raw else self.gen(node, row)  # type: ignore[union-attr]
            t = self.temp()
            parts.append(t)
            tests.append(f"({t} := {text}).__class__")
            raws.append(f"_cv({t}, True)" if raw else t)
            if raw or scale is not None:
                limit = _LIMIT if scale is None else (
                    (_LIMIT - 1) // (scale.denominator if node is den else scale.numerator) + 1)
                bound = self.named(limit) if limit != _LIMIT else "_L"
                low = "_NL" if bound == "_L" else f"-{bound}"
                bounds.append(f"0 < {t} < {bound}" if node is den else f"{low} < {t} < {bound}")
        ty, tx = parts
        if not tests:
            return None  # two literals: nothing to gain
        cond = " is ".join([*tests, "int"])
        if not self.cheap(den) and not any(b.startswith(f"0 < {ty} ") for b in bounds):
            cond += f" and {ty} > 0"
        for bound in bounds:
            cond += f" and {bound}"
        ry, rx = raws
        if scale is None:
            other = f"(_div({rx}, {ry}) {op} {self.const(k)})"
        else:
            other = f"(_mul(_div({rx}, {ry}) * {self.const(scale)}) {op} {self.const(right.value)})"
        return (f"(({tx} * {k.denominator} {op} {k.numerator} * {ty}) "
                f"if {cond} else {other})")

    def float_compare(self, op: str, t: str, k: Fraction) -> str | None:
        """``t OP k`` for a float ``t`` (a raw value) as the shortest decimal it stands for,
        exactly, with one comparison of floats: ``fk``, the float nearest ``k``, splits the
        floats; every float above it stands for a decimal above ``k``, every float below it for
        one below (rounding to the nearest float keeps the order), and ``fk`` itself for its
        own shortest decimal, compared with ``k`` here, once. A float that is not finite is
        handed over (its conversion refuses it)."""
        if not abs(k) < 10**300:
            return None
        fk = float(k)
        dk = Fraction(repr(fk))
        c = self.named(fk)
        if op in (">=", ">"):
            ge = dk > k or (op == ">=" and dk == k)  # whether fk itself is on the true side
            true, false = (f"{c} <= {t} < _INF" if ge else f"{c} < {t} < _INF",
                           f"_NINF < {t} < {c}" if ge else f"_NINF < {t} <= {c}")
        elif op in ("<=", "<"):
            le = dk < k or (op == "<=" and dk == k)
            true, false = (f"_NINF < {t} <= {c}" if le else f"_NINF < {t} < {c}",
                           f"{c} < {t} < _INF" if le else f"{c} <= {t} < _INF")
        else:
            finite = f"_NINF < {t} < _INF"
            yes, no = ("True", "False") if op == "==" else ("False", "True")
            if dk != k:  # no float stands for k: never equal
                return f"({no} if {finite} else _bail())"
            return f"({yes} if {t} == {c} else {no} if {finite} else _bail())"
        return f"(True if {true} else False if {false} else _bail())"

    def constant_compare(self, op: str, left: Expr, right: Expr, row: str | None) -> str | None:
        """``x OP k`` for a number literal ``k`` as integer arithmetic, without building a
        Fraction: ``x * k.den OP k.num`` (``x`` an int, or a Fraction's numerator and
        denominator). The checker guarantees ``x`` is a number here.

        ``x * c OP k`` (or ``c * x``) for a number ``c > 0`` is folded into ``x OP k / c``,
        as :meth:`ratio_compare` folds a ratio: the fast branches are guarded so that the
        product ``x * c`` is within the bound, the other branch multiplies and checks as the
        reference does."""
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
        if isinstance(left, Number) and not isinstance(right, Number):
            left, right, op = right, left, flipped[op]
        if not isinstance(right, Number) or isinstance(left, Number):
            return None
        scale: Fraction | None = None
        if isinstance(left, Binary) and left.op == "*":
            for x_node, c in ((left.left, left.right), (left.right, left.left)):
                if isinstance(c, Number) and c.value > 0 and not isinstance(x_node, Number):
                    left, scale = x_node, Fraction(c.value)
                    break
        k = Fraction(right.value) if scale is None else Fraction(right.value) / scale
        if scale is None:
            int_bound = ""
        else:  # |x| * c.num within the bound (a whole x times c has a denominator <= c.den)
            limit = (_LIMIT - 1) // scale.numerator + 1
            bound = self.named(limit) if limit != _LIMIT else "_L"
            int_bound = f" and -{bound} < {{t}} < {bound}"
        if self.raw and isinstance(left, Name):
            # a raw value: a float by one float comparison, a whole number by integers, any
            # other value converted and compared exactly
            t = self.temp()
            # a float times c is within the bound when c is not huge (a float's shortest
            # decimal has fewer than 1,100 bits above and below)
            small = scale is None or max(scale.numerator, scale.denominator).bit_length() < 2000
            floats = self.float_compare(op, t, k) if small else None
            if scale is None:
                general = f"(_cv({t}, True) {op} {self.const(k)})"
            else:
                general = (f"(_mul(_cv({t}, True) * {self.const(scale)}) {op} "
                           f"{self.const(right.value)})")
            if floats is not None:
                general = f"({floats} if {t}.__class__ is float else {general})"
            bounds = int_bound.format(t=t) if scale is not None else f" and _NL < {t} < _L"
            return (f"(({t} * {k.denominator} {op} {k.numerator}) if "
                    f"({t} := d[{left.name!r}]).__class__ is int{bounds} "
                    f"else {general})")
        x = self.gen(left, row)
        if not self.never_unknown(left):
            x = f"_known({x})"
        if self.cheap(left) and self.never_unknown(left):
            t, first = x, x
        else:
            t = self.temp()
            first = f"({t} := {x})"
        if scale is not None:
            # a fraction n/d: n * c.num and d * c.den within the bound
            den_limit = (_LIMIT - 1) // scale.denominator + 1
            dbound = self.named(den_limit) if den_limit != _LIMIT else "_L"
            fraction = (f"({t}._numerator * {k.denominator} {op} {k.numerator} * "
                        f"{t}._denominator) if type({t}) is _Fraction"
                        f"{int_bound.format(t=t + '._numerator')} and {t}._denominator < {dbound}"
                        f" else (_mul({t} * {self.const(scale)}) {op} {self.const(right.value)})")
            return (f"(({t} * {k.denominator} {op} {k.numerator}) if type({first}) is int"
                    f"{int_bound.format(t=t)} else ({fraction}))")
        return (f"(({t} * {k.denominator} {op} {k.numerator}) if type({first}) is int "
                f"else ({t}._numerator * {k.denominator} {op} {k.numerator} * "
                f"{t}._denominator))")

    def cheap(self, node: Expr) -> bool:
        """Whether generated code may write ``node`` twice instead of naming it once: a
        literal. (A temporary is faster than reading a fact twice.)"""
        return isinstance(node, Number | Bool | Date | Text)

    def aggregate(self, node: Aggregate, row: str | None) -> str:
        # Temporaries (:=) may not appear in a comprehension's iterable, so filtered rows are
        # either filtered in the same comprehension or passed to a lambda as an argument.
        r = "_r"
        body = self.gen(node.body, r)
        flt = None if node.filter is None else self.gen(node.filter, r)
        cond = "" if flt is None else f" if {flt}"
        f = node.func
        # A plain fact of each agency is summed as a column (_csum).
        fact = node.body.name if isinstance(node.body, Name) else None
        column = fact is not None and fact in self.per_agency
        rows = "P" if flt is None else f"[{r} for {r} in P{cond}]"
        if f == "sum":
            if column:
                return f"_csum({rows}, {fact!r})"
            return f"_xsum([{body} for {r} in P{cond}])"
        if f == "count":
            both = f" if ({flt}) and ({body})" if flt is not None else f" if {body}"
            return f"_sum([1 for {r} in P{both}])"
        if f == "avg" and column:
            folded = f"_div(_csum(_rs, {fact!r}), _len(_rs))"
        elif f == "avg":
            folded = f"_div(_xsum([{body} for {r} in _rs]), _len(_rs))"
        elif f == "share":
            folded = f"_div(_sum([1 for {r} in _rs if {body}]), _len(_rs))"
        else:
            folded = f"_{f}([{body} for {r} in _rs])"
        return f"(lambda _rs: {folded})(_nonempty({rows}))"


FastFn = Callable[[Mapping[str, Any], Sequence[Any]], Any]


def generate(expr: Expr, per_agency: frozenset[str] | set[str] = frozenset()) -> tuple[str,
                                                                                      FastFn]:
    """Python source for ``expr`` and the compiled function ``f(S, P)`` (scalars, population).

    The function raises a planned signal (:func:`planned`) whenever it cannot give the
    reference's answer; it never returns an :class:`Unknown`."""
    g = _Gen(frozenset(per_agency))
    body = g.gen(expr, None)
    # A lambda compiled as an expression: cheaper to compile than a `def` (issue 17, B4)
    source = f"lambda S, P: {body}"
    namespace: dict[str, Any] = {**_HELPERS, **g.consts, "__builtins__": {}}
    code = compile(source, "<cchc formula>", "eval", dont_inherit=True)
    fn: FastFn = eval(code, namespace)  # source built from the AST only
    return source, fn


EachFn = Callable[[Iterable[Mapping[str, Any]], Callable[[Mapping[str, Any]], Any]], list[Any]]

#: The typed branch of :func:`generate_each` takes a whole number strictly between -2**30 and
#: 2**30 (a "compact" int: CPython compares two of them without a call). Any larger one takes
#: the general branch, which is exact at any size.
_SMALL = (1 << 30) - 1


class _NoTyped(Exception):
    """The expression has a form the typed branch of :func:`generate_each` does not take."""


class _Undecided(Exception):
    """The typed branch of :func:`generate_each` leaves this mapping to the general one."""


def _und() -> Any:
    raise _Undecided


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


class _Typed:
    """The typed branch of :func:`generate_each`, for mappings whose values have the types
    ``types`` (``int`` or ``float`` for each name the expression reads). A guard reads every
    name once and tests its type; behind it, each comparison is decided by two tests, one that
    holds when it is true and one when it is false, each of which also checks the size of the
    values it reads (a whole number within +-2**30, and above 0 for a divisor; a float
    finite), mostly in the same chain of comparisons (``0 < 99 * y <= x * 100 <= 2**30 - 1``).
    When neither holds (a value out of range, a divisor not above 0, a float not finite) the
    mapping takes the general branch (:class:`_Undecided`). The comparisons it decides:

    * ``x / y OP k`` (and ``x / y * c``, ``c * x / y``, ``c * (x / y)`` for a literal ``c > 0``,
      folded into the threshold ``k / c``) for whole numbers, as ``x * k.den OP k.num * y``;
    * ``x OP k`` (and ``x * c OP k``) for a whole number as ``x * k.den OP k.num``, for a float
      as one comparison with the float nearest ``k`` (:meth:`_Gen.float_compare`: the shortest
      decimal a float stands for is above ``k`` exactly when the float is above that one);

    and ``and``, ``or``, ``not``, ``true``/``false`` as Python's (every value is known). The
    side of an ``and``/``or`` that is not needed has its values checked all the same, so that a
    value the reference would refuse never gets an answer here. The sizes keep every product
    far below the bound of exact numbers: whole numbers below 2**30 times literals whose parts
    have fewer than 2,000 bits, or a float's shortest decimal (under 1,100 bits above and
    below) times such a literal, as the reference's own ``x / y * c`` would be."""

    def __init__(self, types: Mapping[str, type], numbers: frozenset[str]) -> None:
        self.types = types
        self.numbers = numbers
        self.consts: dict[str, Any] = {}
        self.temps: dict[str, str] = {}

    def read(self, node: Expr, kind: type) -> str:
        if not isinstance(node, Name) or node.name in AGENCY_NAMES \
                or node.name not in self.numbers or self.types.get(node.name) is not kind:
            raise _NoTyped
        return self.temps.setdefault(node.name, f"_v{len(self.temps) + 1}")

    def const(self, value: Any) -> str:
        # A small whole number, and a finite float (its repr reads back as it), are written
        # as literals: a constant of the code is cheaper to load than a global.
        if (type(value) is int and -(1 << 62) <= value <= 1 << 62) or (
                type(value) is float and math.isfinite(value)):
            return repr(value)
        name = f"_k{len(self.consts)}"
        self.consts[name] = value
        return name

    def guard(self) -> str:
        """The types of the values, read once each (a chain of ``is`` per type)."""
        tests = []
        for kind in (int, float):
            reads = [f"type({t} := d[{name!r}])" for name, t in self.temps.items()
                     if self.types[name] is kind]
            if reads:
                tests.append(" is ".join([*reads, kind.__name__]))
        return " and ".join(tests)

    def valid(self, names: set[str]) -> str:
        """The test that the values of ``names`` (their types checked) are within range."""
        tests = []
        for name in sorted(names):
            t = self.temps[name]
            tests.append(f"-1e999 < {t} < 1e999" if self.types[name] is float
                         else f"{-_SMALL} <= {t} <= {_SMALL}")
        return " and ".join(tests)

    def decide(self, node: Expr) -> tuple[str, set[str]]:
        """The expression deciding ``node`` (True or False, or ``_und()``), and its names."""
        match node:
            case Bool(value=v):
                return repr(v), set()
            case Unary(op="not", operand=o):
                text, names = self.decide(o)
                return f"(not {text})", names
            case Binary(op="and" | "or", left=a, right=b):
                db, nb = self.decide(b)
                atom = self.atom(a)
                da, na = ("", atom[2]) if atom is not None else self.decide(a)
                rest = nb - na
                short = "False" if node.op == "and" else "True"
                skipped = short if not rest else f"({short} if {self.valid(rest)} else _und())"
                yes, no = (db, skipped) if node.op == "and" else (skipped, db)
                if atom is not None:
                    true, false, _ = atom
                    return f"({yes} if {true} else {no} if {false} else _und())", na | nb
                return f"({yes} if {da} else {no})", na | nb
        atom = self.atom(node)
        if atom is None:
            raise _NoTyped
        true, false, names = atom
        return f"(True if {true} else False if {false} else _und())", names

    @staticmethod
    def factor(node: Expr) -> tuple[Expr, Fraction] | None:
        """``x * c`` or ``c * x`` for a literal ``c > 0`` of modest size: (x, c)."""
        if isinstance(node, Binary) and node.op == "*":
            for x, c in ((node.left, node.right), (node.right, node.left)):
                if isinstance(c, Number) and not isinstance(x, Number) and c.value > 0:
                    q = Fraction(c.value)
                    if max(q.numerator, q.denominator).bit_length() < 2000:
                        return x, q
        return None

    def atom(self, node: Expr) -> tuple[str, str, set[str]] | None:
        """A comparison the typed branch decides: (the test that it is true, the test that
        it is false, its names); None for another node."""
        if not (isinstance(node, Compare) and len(node.ops) == 1):
            return None
        op, (left, right) = node.ops[0], node.operands
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
        if op not in flipped:
            raise _NoTyped
        if isinstance(left, Number) and not isinstance(right, Number):
            left, right, op = right, left, flipped[op]
        if not isinstance(right, Number) or isinstance(left, Number):
            raise _NoTyped
        k = Fraction(right.value)
        folded = self.factor(left)
        if folded is not None:
            left, c = folded
            k /= c
        if isinstance(left, Binary) and left.op == "/":
            num, den = left.left, left.right
            folded = self.factor(num)
            if folded is not None:
                num, c = folded
                k /= c
            x, y = self.read(num, int), self.read(den, int)
            true, false = self.ratio(op, x, y, k)
            return true, false, {num.name, den.name}  # type: ignore[union-attr]  # Names
        if isinstance(left, Name) and self.types.get(left.name) is float:
            true, false = self.float_compare(op, self.read(left, float), k)
        else:
            true, false = self.int_compare(op, self.read(left, int), k)
        return true, false, {left.name}  # type: ignore[union-attr]  # read() checked a Name

    def ratio(self, op: str, x: str, y: str, k: Fraction) -> tuple[str, str]:
        """``x / y OP k`` for whole numbers ``x`` and ``y``: (true, false) tests."""
        p, q = k.numerator, k.denominator
        xq = x if q == 1 else f"{x} * {q}"
        py = y if p == 1 else f"{self.const(p)} * {y}"
        if 0 < p <= _SMALL and q <= _SMALL and op not in ("==", "!="):
            # One chain: ``0 < p*y`` puts y above 0, an upper bound on both products puts y
            # and x*q below 2**30, a lower bound of x*q puts x above -2**30. The bounds are
            # multiples of p and of q below 2**30: every operand of the chain is then a compact
            # int, which CPython compares without a call. (A value the chain leaves out takes
            # the general branch.)
            ps, low = self.const(_SMALL // p * p), self.const(-(_SMALL // q) * q)
            if op in (">=", ">"):  # x*q >= p*y
                mid = "<=" if op == ">=" else "<"
                other = "<" if op == ">=" else "<="
                return (f"0 < {py} {mid} {xq} <= {ps}",
                        f"0 < {y} and {low} <= {xq} {other} {py} <= {ps}")
            other = "<" if op == "<=" else "<="  # p*y < x*q when x*q <= p*y is false
            return (f"0 < {y} and {low} <= {xq} {op} {py} <= {ps}",
                    f"0 < {py} {other} {xq} <= {ps}")
        in_range = f"0 < {y} <= {_SMALL} and {-_SMALL} <= {x} <= {_SMALL}"
        return (f"{in_range} and {xq} {op} {py}",
                f"{in_range} and {xq} {_NEGATED[op]} {py}")

    def int_compare(self, op: str, x: str, k: Fraction) -> tuple[str, str]:
        """``x OP k`` for a whole number ``x``: (true, false) tests."""
        p, q = k.numerator, k.denominator
        xq = x if q == 1 else f"{x} * {self.const(q)}"
        sq = _SMALL // q * q  # (the chain's operands compact ints, as in ratio())
        if op not in ("==", "!=") and q <= _SMALL and -sq <= p <= sq:
            # x*q against p and the range in one chain: the threshold is within the range,
            # so the side of it the chain puts x on bounds x on that side.
            hi, lo, pk = self.const(sq), self.const(-sq), self.const(p)
            above = {">=": "<=", ">": "<", "<=": "<", "<": "<="}[op]  # p ~ x*q, x*q above
            below = {">=": "<", ">": "<=", "<=": "<=", "<": "<"}[op]  # x*q below p
            up, down = f"{pk} {above} {xq} <= {hi}", f"{lo} <= {xq} {below} {pk}"
            return (up, down) if op in (">=", ">") else (down, up)
        in_range = f"{-_SMALL} <= {x} <= {_SMALL}"
        pk = self.const(p)
        return (f"{in_range} and {xq} {op} {pk}", f"{in_range} and {xq} {_NEGATED[op]} {pk}")

    def float_compare(self, op: str, t: str, k: Fraction) -> tuple[str, str]:
        """``t OP k`` for a float ``t`` as the shortest decimal it stands for: (true, false)
        tests, each of which holds for finite floats only."""
        if not abs(k) < 10**300:
            raise _NoTyped
        fk = float(k)
        dk = Fraction(repr(fk))
        c = self.const(fk)
        finite = f"-1e999 < {t} < 1e999"
        if op in (">=", ">"):  # fk itself is on the true side when its decimal is
            on = dk >= k if op == ">=" else dk > k
            return (f"{c} {'<=' if on else '<'} {t} < 1e999",
                    f"-1e999 < {t} {'<' if on else '<='} {c}")
        if op in ("<=", "<"):
            on = dk <= k if op == "<=" else dk < k
            return (f"-1e999 < {t} {'<=' if on else '<'} {c}",
                    f"{c} {'<' if on else '<='} {t} < 1e999")
        if dk != k:  # no float stands for k: never equal
            equal, unequal = "False", finite
        else:
            equal, unequal = f"{t} == {c}", f"{t} != {c} and {finite}"
        return (equal, unequal) if op == "==" else (unequal, equal)


def typed_branch(expr: Expr, types: Mapping[str, type], numbers: frozenset[str]
                 ) -> tuple[str, str, dict[str, Any]] | None:
    """The typed branch of :func:`generate_each` for mappings whose values have ``types``:
    (guard, expression, constants), or None when the expression has another form."""
    g = _Typed(types, numbers)
    try:
        body, _ = g.decide(expr)
    except _NoTyped:
        return None
    if not g.temps:
        return None
    return g.guard(), body, g.consts


def generate_each(expr: Expr, numbers: frozenset[str] | set[str] = frozenset(),
                  types: Mapping[str, type] | None = None) -> tuple[str, EachFn] | None:
    """Python source for ``expr`` evaluated for each of many mappings of raw values (an
    agency's facts as a JSON document gives them: ints, floats, decimal texts, None), and the
    compiled function ``f(D, slow)``: the list of the values for the mappings of ``D``.

    A value is read from its mapping and converted where it is used: a whole number as it is,
    a float compared with a literal by one comparison of floats (:meth:`_Gen.float_compare`),
    anything else by :func:`engine.values.from_python`. For a mapping where that is not the
    whole story (a name missing or None, a value the conversion refuses, an operation with no
    value), the function answers ``slow(mapping)`` instead: the reference's answer. The names
    in ``numbers`` are numbers (a text there is a decimal). None for an expression with an
    aggregate (then every mapping takes the reference path).

    With ``types`` (the type, ``int`` or ``float``, of each name's value in the mappings
    expected), a mapping whose values have those types and modest sizes takes a typed branch
    first, with every check in one guard (:class:`_Typed`); any other takes the general one."""
    g = _Gen(frozenset(), raw=True, numbers=frozenset(numbers))
    try:
        body = g.gen(expr, None)
    except _NoEach:
        return None
    consts: dict[str, Any] = {}
    line = f"add({body})"
    if types is not None:
        branch = typed_branch(expr, types, frozenset(numbers))
        if branch is not None:
            guard, fast, consts = branch
            # (a try costs nothing in CPython 3.11+ until something raises)
            line = (f"try:\n                add({fast} if {guard} else {body})\n"
                    f"            except _Undecided:\n                add({body})")
    source = ("def _each(D, slow):\n"
              "    out = []\n"
              "    add = out.append\n"
              "    for d in D:\n"
              "        try:\n"
              f"            {line}\n"
              "        except _Planned:\n"
              "            add(slow(d))\n"
              "        except Exception as error:\n"
              "            _unplanned(error)\n"
              "            add(slow(d))\n"
              "    return out\n")
    namespace: dict[str, Any] = {**_HELPERS, **g.consts, **consts,
                                 "_Planned": (Bail, Undefined, KeyError),
                                 "_Undecided": _Undecided, "_und": _und,
                                 "_unplanned": unplanned, "Exception": Exception,
                                 "_skip": _skip, "_NUMS": frozenset(numbers),
                                 "__builtins__": {}}
    code = compile(source, "<cchc formula>", "exec")
    exec(code, namespace)  # source built from the AST only
    fn: EachFn = namespace["_each"]
    return source, fn
