"""Fact templates: the skeleton an agency fills in for one period.

A template lists every fact the agency reports in that period (every reporting agency when no
agency is named), values left empty, each with its Vietnamese label, type, unit and allowed values:
as a comment after the key in YAML, in the ``label`` and ``note`` columns in CSV. A filled template
loads with :func:`engine.facts.load_facts`; a value left empty means "not reported".
"""

from __future__ import annotations

import csv
import io
from typing import Literal

from . import messages
from .diagnostics import Collector, FactsError
from .escape import csv_row, visible
from .files import nfc
from .model import FactDef, Plan
from .yamlout import key as _key

TemplateFormat = Literal["yaml", "csv"]
#: Columns of a CSV template (``label`` and ``note`` are ignored when the file is loaded).
CSV_TEMPLATE_COLUMNS = ("period", "agency", "fact", "label", "value", "note")



def fact_hint(fdef: FactDef) -> str:
    """What to write for a fact, in a few words: ``count (dossier)``, ``one of: A | B``."""
    unit = f" ({fdef.unit})" if fdef.unit and fdef.unit != "percent" else ""
    match fdef.type:
        case "number":
            return f"number{unit}"
        case "count":
            return f"count{unit}"
        case "share":
            return "share: 95% or 0.95"
        case "bool":
            return "true/false (có/không)"
        case "date":
            return "date: 2023-01-09 or 09/01/2023"
        case _:
            return "one of: " + " | ".join(fdef.values)


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

    ``fmt`` is ``"yaml"`` or ``"csv"``; ``bom`` starts a CSV template with a byte order mark,
    so that Excel opens it as UTF-8 (:data:`engine.render.BOM`). Raises :class:`FactsError`
    (``E620``, ``E630``) for an unknown period or agency.
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
    p = plan.periods[period]
    out = [
        f"# Mẫu báo cáo số liệu / fact template: {_one_line(p.name.vi)}",
        f"# {_one_line(plan.title.vi)}",
        f"# Kỳ báo cáo / period '{period}': số liệu từ {p.start.isoformat()} đến "
        f"{p.end.isoformat()}, hạn gửi {p.due.isoformat()}",
        "# Điền giá trị sau dấu hai chấm; để trống nếu không báo cáo.",
        "# Fill in each value after the colon; leave it empty when not reported.",
        "# Numbers: 1200 or 1200.5 (no thousands separators); shares: 95% or 0.95;",
        "# dates: 2023-01-09 or 09/01/2023; true/false (có/không).",
        f"plan: {_key(plan.id)}",
        f"period: {_key(period)}",
    ]
    if not rows:
        out.append("agencies: {}  # no agency reports a fact in this period")
        return "\n".join(out) + "\n"
    out.append("agencies:")
    for agency, facts in rows:
        name = _one_line(plan.agencies[agency].name.vi)
        if not facts:
            out.append(f"  {_key(agency)}: {{}}  # {name}: no facts to report in this period")
            continue
        out.append(f"  {_key(agency)}:  # {name}")
        keys = [_key(f.id) + ":" for f in facts]
        width = min(max(len(k) for k in keys), 40)
        for key, fdef in zip(keys, facts, strict=True):
            label = _one_line(fdef.label.vi)
            out.append(f"    {key.ljust(width)}  # {label} [{fact_hint(fdef)}]")
    return "\n".join(out) + "\n"


def _csv(plan: Plan, period: str, rows: list[tuple[str, list[FactDef]]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_TEMPLATE_COLUMNS)
    if not any(facts for _, facts in rows):
        # a row with only a label still says which period the (empty) file is for
        who = (_one_line(plan.agencies[rows[0][0]].name.vi) + ": " if rows else "")
        writer.writerow(csv_row([period, "", "",
                                 f"{who}không có số liệu phải báo cáo trong kỳ này", "",
                                 "no facts to report in this period"]))
    for agency, facts in rows:
        for fdef in facts:
            writer.writerow(csv_row([period, agency, fdef.id, _one_line(fdef.label.vi), "",
                                     fact_hint(fdef)]))
    return buffer.getvalue()
