"""The expression AST: immutable, typed, with spans that do not take part in equality.

Tests and tools can build trees by hand and compare them with parsed ones::

    >>> from engine.parser import parse
    >>> parse("a + 1") == Binary("+", Name("a"), Number(1))
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeAlias

from .source import Span

Num: TypeAlias = int | Fraction

ARITHMETIC = ("+", "-", "*", "/")
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


@dataclass(frozen=True, slots=True)
class Number:
    """A decimal or percent literal; ``value`` is exact (``99%`` is ``Fraction(99, 100)``)."""

    value: Num
    percent: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Date:
    """A date literal (``2023-06-30``)."""

    value: dt.date
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Text:
    """A text literal (``"A"``)."""

    value: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Bool:
    """``true`` or ``false``."""

    value: bool
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Name:
    """A fact, a built-in name (``value``, ``baseline``, ...) or a dotted indicator id."""

    name: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x`` or ``not x``."""

    op: str  # "-" or "not"
    operand: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Binary:
    """``a + b``, ``a and b``...: arithmetic, or Kleene logic."""

    op: str  # + - * / and or
    left: Expr
    right: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison chain: ``a <= b < c`` is ``Compare(("<=", "<"), (a, b, c))``."""

    ops: tuple[str, ...]
    operands: tuple[Expr, ...]
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class In:
    """``x in [a, b]``: whether ``item`` is one of ``options``."""

    item: Expr
    options: tuple[Expr, ...]
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class If:
    """``if cond then a else b``."""

    cond: Expr
    then: Expr
    otherwise: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A scalar function call: ``min(a, b)``, ``round(x, 2)``, ``known(x)``..."""

    func: str
    args: tuple[Expr, ...]
    span: Span | None = field(default=None, compare=False, repr=False)
    name_span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """``func(body where filter)`` over the agencies in scope."""

    func: str
    body: Expr
    filter: Expr | None = None
    span: Span | None = field(default=None, compare=False, repr=False)
    name_span: Span | None = field(default=None, compare=False, repr=False)


Expr: TypeAlias = (
    Number | Date | Text | Bool | Name | Unary | Binary | Compare | In | If | Call | Aggregate
)


def _matched(node: Expr) -> tuple[Expr, ...]:
    """:func:`children` by the node's shape: for a node of a subclass of the classes above."""
    match node:
        case Unary(operand=o):
            return (o,)
        case Binary(left=a, right=b):
            return (a, b)
        case Compare(operands=ops):
            return ops
        case In(item=i, options=opts):
            return (i, *opts)
        case If(cond=c, then=t, otherwise=o):
            return (c, t, o)
        case Call(args=args):
            return args
        case Aggregate(body=b, filter=f):
            return (b,) if f is None else (b, f)
        case _:
            return ()


def _no_children(node: Expr) -> tuple[Expr, ...]:
    return ()


#: The sub-expressions of a node, by the node's class: one dict look-up where a ``match`` tried
#: the classes in turn (free_names, the checker, the printer and the wording checks walk every
#: formula of a plan on every first run; issue 17, B6.first).
_CHILDREN: dict[type, Callable[[Any], tuple[Expr, ...]]] = {
    Number: _no_children, Date: _no_children, Text: _no_children, Bool: _no_children,
    Name: _no_children,
    Unary: lambda n: (n.operand,),
    Binary: lambda n: (n.left, n.right),
    Compare: lambda n: n.operands,
    In: lambda n: (n.item, *n.options),
    If: lambda n: (n.cond, n.then, n.otherwise),
    Call: lambda n: n.args,
    Aggregate: lambda n: (n.body,) if n.filter is None else (n.body, n.filter),
}


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``node``, in source order."""
    return _CHILDREN.get(type(node), _matched)(node)


def walk(node: Expr) -> list[Expr]:
    """Every node of the tree, pre-order, without recursion."""
    out: list[Expr] = []
    stack = [node]
    get = _CHILDREN.get
    while stack:
        n = stack.pop()
        out.append(n)
        kids = get(type(n), _matched)(n)
        if kids:
            stack.extend(reversed(kids))
    return out


def free_names(node: Expr) -> set[str]:
    """The names an expression reads (facts, built-ins and indicator ids)."""
    return {n.name for n in walk(node) if isinstance(n, Name)}
