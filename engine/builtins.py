"""Every name the language predefines, in one place: types, keywords, functions, aggregates, and
the names a formula has without declaring them (about the period, and about the agency an
aggregate folds over).

The parser, the checker, the evaluator, the code generator and the plan loader all read these
tables; none of them keeps a list of its own.

    >>> sorted(PERIOD_NAMES)
    ['as_of', 'period_due', 'period_end', 'period_start']
    >>> "sum" in RESERVED_NAMES and "value" in RESERVED_NAMES
    True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Type(enum.Enum):
    """The type of a formula or of a name."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"
    #: The type of an expression that already has an error: compatible with everything, so
    #: one mistake is reported once, not again by every operator above it.
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


NUMBER, BOOL, DATE, TEXT, ERROR = Type.NUMBER, Type.BOOL, Type.DATE, Type.TEXT, Type.ERROR

#: Words of the grammar that cannot name a fact or an indicator.
KEYWORDS = frozenset({"if", "then", "else", "and", "or", "not", "in", "where", "true", "false"})

#: Aggregates fold an expression over the agencies of the indicator's scope.
AGGREGATES = ("sum", "avg", "min", "max", "count", "share", "all", "any")

#: Scalar functions, with their (min, max) number of arguments (None: no upper bound).
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "round": (2, 2),
    "coalesce": (2, None),
    "known": (1, 1),
}

#: How each scalar function is called, for messages.
SIGNATURES: Mapping[str, str] = {
    "min": "min(a, b, ...): the smallest of two or more values",
    "max": "max(a, b, ...): the largest of two or more values",
    "abs": "abs(x)",
    "round": "round(x, digits), for example round(x, 2)",
    "coalesce": "coalesce(x, fallback, ...): the first of its arguments that is known",
    "known": "known(x)",
}

#: Names available inside an aggregate, about the agency being folded over.
AGENCY_NAMES: Mapping[str, Type] = {"agency": TEXT, "kind": TEXT}

#: Names every formula may use, about the period being evaluated.
PERIOD_NAMES: Mapping[str, Type] = {
    "period_start": DATE, "period_end": DATE, "period_due": DATE, "as_of": DATE,
}

#: Names an indicator's target and ``applicable`` may use besides facts and indicators.
INDICATOR_NAMES = ("value", "baseline")

#: Words a fact id cannot be: keywords of the language and names every formula already has.
RESERVED_NAMES = frozenset({
    *KEYWORDS, *INDICATOR_NAMES, *PERIOD_NAMES, *AGENCY_NAMES, *AGGREGATES, *FUNCTIONS,
})
