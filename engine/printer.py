"""AST to canonical text: the form used in messages, docs and diffs.

``parse(to_text(tree)) == tree`` for every tree the parser can produce::

    >>> from engine.parser import parse
    >>> to_text(parse("(a+b) *c>=99%"))
    '(a + b) * c >= 99%'
"""

from __future__ import annotations

from fractions import Fraction

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
from .values import format_number, quote_text

_PREC = {"or": 2, "and": 3, "+": 6, "-": 6, "*": 7, "/": 7}
_ATOM = 9


def _prec(node: Expr) -> int:
    match node:
        case If():
            return 1
        case Binary(op=op):
            return _PREC[op]
        case Unary(op="not"):
            return 4
        case Compare() | In():
            return 5
        case Unary():
            return 8
        case _:
            return _ATOM


def to_text(node: Expr) -> str:
    """The canonical text of an expression."""
    match node:
        case Number(value=v, percent=True):
            return format_number(Fraction(v) * 100) + "%"
        case Number(value=v):
            return format_number(v)
        case Date(value=v):
            return v.isoformat()
        case Text(value=v):
            return quote_text(v)
        case Bool(value=v):
            return "true" if v else "false"
        case Name(name=n):
            return n
        case Unary(op="-", operand=o):
            return "-" + _wrap(o, 8)
        case Unary(op=_, operand=o):
            return "not " + _wrap(o, 4)
        case Binary(op=op, left=a, right=b):
            p = _PREC[op]
            return f"{_wrap(a, p)} {op} {_wrap(b, p + 1)}"
        case Compare(ops=ops, operands=operands):
            parts = [_wrap(operands[0], 6)]
            for op, operand in zip(ops, operands[1:], strict=True):
                parts.append(f"{op} {_wrap(operand, 6)}")
            return " ".join(parts)
        case In(item=item, options=options):
            return f"{_wrap(item, 6)} in [{', '.join(to_text(o) for o in options)}]"
        case If(cond=c, then=t, otherwise=o):
            return f"if {_wrap(c, 2)} then {_wrap(t, 2)} else {to_text(o)}"
        case Call(func=f, args=args):
            return f"{f}({', '.join(to_text(a) for a in args)})"
        case Aggregate(func=f, body=b, filter=None):
            return f"{f}({to_text(b)})"
        case Aggregate(func=f, body=b, filter=flt):
            assert flt is not None
            return f"{f}({to_text(b)} where {to_text(flt)})"
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


def _wrap(node: Expr, min_prec: int) -> str:
    text = to_text(node)
    return text if _prec(node) >= min_prec else f"({text})"
