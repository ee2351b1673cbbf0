"""Fact templates: the skeleton an agency fills in for one period.

A template lists every fact the agency reports in that period (every reporting agency when no
agency is named), values left empty, each with its label, type, unit and allowed values in the
current language (Vietnamese unless ``--lang en``): as a comment after the key in YAML, in the
``label`` and ``note`` columns in CSV. A filled template
loads with :func:`engine.facts.load_facts`; a value left empty means "not reported".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Literal

from . import messages
from .diagnostics import Collector, FactsError
from .escape import csv_row, visible
from .files import nfc
from .i18n import _, current
from .model import FactDef, Plan
from .numbers import format_date_local
from .yamlout import key as _key

TemplateFormat = Literal["yaml", "csv"]
#: Columns of a CSV template (``label`` and ``note`` are ignored when the file is loaded).
CSV_TEMPLATE_COLUMNS = ("period", "agency", "fact", "label", "value", "note")



def fact_hint(fdef: FactDef) -> str:
    """What to write for a fact, in a few words of the current language
    (:func:`engine.i18n.current`): ``count (dossier)``, ``one of: A | B``."""
    unit = f" ({fdef.unit})" if fdef.unit and fdef.unit != "percent" else ""
    match fdef.type:
        case "number":
            return _("number{unit}").format(unit=unit)
        case "count":
            return _("count{unit}").format(unit=unit)
        case "share":
            return _("share: 95% or 0.95")
        case "bool":
            return _("true/false (có/không)")
        case "date":
            return _("date: 2023-01-09 or 09/01/2023")
        case _:
            return _("one of: {values}").format(values=" | ".join(fdef.values))


def _one_line(text: str) -> str:
    """``text`` on one line, control characters written out: it goes into a YAML comment, where
    a line break would start a line of YAML and a control character make the file unreadable."""
    return visible(" ".join(text.split()))


def template_rows(plan: Plan, period: str, agency: str | None = None
                  ) -> list[tuple[str, list[FactDef]]]:
    """The agencies of the template, in registry order, each with its facts in catalogue order.

    Raises :class:`FactsError` for an unknown period or agency.
    """
    collector = Collector()
    period = nfc(period.strip())
    if period not in plan.periods:
        collector.add(messages.unknown_period(plan, period, file="--period"))
    if agency is not None:
        agency = nfc(agency.strip())
        if agency not in plan.agencies:
            collector.add(messages.unknown_agency(plan, agency, file="--agency"))
    if collector.has_errors:  # in the order of the options, not sorted by their names
        raise FactsError(collector.diagnostics)
    wanted = [agency] if agency is not None else list(plan.agencies)
    rows: list[tuple[str, list[FactDef]]] = []
    for a in wanted:
        facts = [f for f in plan.facts.values() if period in f.periods and a in f.reporters]
        if facts or agency is not None:
            rows.append((a, facts))
    return rows


def template(plan: Plan, period: str, agency: str | None = None,
             fmt: TemplateFormat = "yaml", *, bom: bool = False) -> str:
    """The fact template of ``period`` for ``agency`` (every reporting agency when None).

    Its comments (and a CSV template's labels and notes) are in the current language
    (:func:`engine.i18n.current`, which ``cchc template --lang`` sets), agencies and facts by
    their names in it. ``fmt`` is ``"yaml"`` or ``"csv"``; ``bom`` starts a CSV template with a
    byte order mark, so that Excel opens it as UTF-8 (:data:`engine.render.BOM`). Raises
    :class:`FactsError` (``E620``, ``E630``) for an unknown period or agency.
    """
    if fmt not in ("yaml", "csv"):
        raise ValueError(f"unknown template format {fmt!r}: use 'yaml' or 'csv'")
    if bom and fmt != "csv":
        raise ValueError("bom=True is for a CSV template: Excel needs it, YAML does not")
    rows = template_rows(plan, period, agency)
    period = nfc(period.strip())
    if fmt == "csv":
        return ("\ufeff" if bom else "") + _csv(plan, period, rows)
    return _yaml(plan, period, rows)


def _yaml(plan: Plan, period: str, rows: list[tuple[str, list[FactDef]]]) -> str:
    from .render import agency_name

    p = plan.periods[period]
    lang = current()

    def day(d: dt.date) -> str:
        return format_date_local(d, lang)

    out = [
        "# " + _("Fact template: {period}").format(period=_one_line(p.name.text(lang))),
        f"# {_one_line(plan.title.text(lang))}",
        "# " + _("Period '{period}': data from {start} to {end}, due {due}").format(
            period=visible(period), start=day(p.start), end=day(p.end), due=day(p.due)),
        "# " + _("Fill in each value after the colon; leave it empty when not reported."),
        "# " + _("Numbers: 1200 or 1200.5 (no thousands separators); shares: 95% or 0.95;"),
        "# " + _("dates: 2023-01-09 or 09/01/2023; true/false (có/không)."),
        f"plan: {_key(plan.id)}",
        f"period: {_key(period)}",
    ]
    if not rows:
        out.append("agencies: {}  # " + _("no agency reports a fact in this period"))
        return "\n".join(out) + "\n"
    out.append("agencies:")
    for agency, facts in rows:
        name = _one_line(agency_name(plan, agency, lang))
        if not facts:
            out.append(f"  {_key(agency)}: {{}}  # "
                       + _("{agency}: no facts to report in this period").format(agency=name))
            continue
        out.append(f"  {_key(agency)}:  # {name}")
        keys = [_key(f.id) + ":" for f in facts]
        width = min(max(len(k) for k in keys), 40)
        for key, fdef in zip(keys, facts, strict=True):
            label = _one_line(fdef.label.text(lang))
            out.append(f"    {key.ljust(width)}  # {label} [{fact_hint(fdef)}]")
    return "\n".join(out) + "\n"


def _csv(plan: Plan, period: str, rows: list[tuple[str, list[FactDef]]]) -> str:
    from .render import agency_name

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_TEMPLATE_COLUMNS)
    if not any(facts for _, facts in rows):
        # a row with only a label still says which period the (empty) file is for
        lang = current()
        who = _one_line(agency_name(plan, rows[0][0], lang)) if rows else ""
        text = _("{agency}: no facts to report in this period").format(agency=who) if who \
            else _("no agency reports a fact in this period")
        writer.writerow(csv_row([period, "", "", text, "", ""]))
    for agency, facts in rows:
        for fdef in facts:
            writer.writerow(csv_row([period, agency, fdef.id,
                                     _one_line(fdef.label.text(current())), "",
                                     fact_hint(fdef)]))
    return buffer.getvalue()
