"""Consistency of a compiled plan: what each part allows on its own but not together.

The last stage of loading, run on the compiled indicators: a unit that does not fit the type of
the value (``E432``), a deadline far from the plan year (``E431``), and a scope without agencies
(``E424``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .builtins import BOOL, DATE, NUMBER, TEXT, Type
from .diagnostics import Collector
from .formulas import TYPE_SAID
from .i18n import _
from .model import Indicator
from .nodes import Date
from .registry import Registry

#: The type of value each indicator unit needs (the units are those of the schema).
UNIT_TYPES: dict[str, Type] = {
    "percent": NUMBER, "rate": NUMBER, "number": NUMBER, "count": NUMBER, "score": NUMBER,
    "days": NUMBER, "date": DATE, "bool": BOOL, "category": TEXT,
}
#: Indicator units that fit a value of each type, for the E432 hint.
UNITS_FOR = {t: [u for u, ut in UNIT_TYPES.items() if ut == t] for t in (NUMBER, BOOL, DATE,
                                                                        TEXT)}
#: Deadlines further than this from the plan year are reported as likely mistakes.
DEADLINE_SLACK_YEARS = 1


def check_consistency(year: int, indicators: Mapping[str, Indicator], registry: Registry,
                      collector: Collector) -> None:
    """Report into ``collector`` what does not fit together in ``indicators``."""
    for ind in indicators.values():
        want = UNIT_TYPES.get(ind.unit)
        if want is not None and ind.value.type not in (want, Type.ERROR):
            fits = ", ".join(UNITS_FOR.get(ind.value.type, []))
            collector.error(
                "E432", _("unit '{unit}' needs {want} as value, but the value of '{ind}' is "
                          "{type}").format(unit=ind.unit, want=_(TYPE_SAID[want]), ind=ind.id,
                                           type=_(TYPE_SAID[ind.value.type])),
                ind.value.expr.span,
                help=_("fix the value formula, or choose a unit for this value: {fits}").format(
                    fits=fits))
        if ind.deadline is not None:
            expr = ind.deadline.expr
            if isinstance(expr, Date) and abs(expr.value.year - year) > DEADLINE_SLACK_YEARS:
                collector.error(
                    "E431", _("the deadline {date} of '{ind}' is far from the plan year "
                              "{year}").format(date=expr.value, ind=ind.id, year=year), expr.span,
                    help=_("check the year: a deadline is expected between {first} and "
                           "{last}").format(first=year - DEADLINE_SLACK_YEARS,
                                            last=year + DEADLINE_SLACK_YEARS))
        if not ind.population:
            scope_node = registry.indicators[ind.id][2].get("scope")
            collector.error("E424", _("the scope '{scope}' of '{ind}' has no agencies").format(
                                        scope=ind.scope, ind=ind.id),
                            scope_node.span if scope_node else ind.span,
                            help=_("add members to the group (check its kinds), or choose "
                                    "another scope"))
