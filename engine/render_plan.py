"""Listings of a loaded plan: its summary, indicators, periods and agencies, as text or data.

Every function returns a string or plain data (for ``json.dumps``); nothing here prints. Text
tables fit in ``width`` columns (100 by default): long names are cut with ``…``, never ids. Every
cell is shown through :func:`engine.escape.visible`, so a control or bidirectional character of a
name is written out (``\\x1b``), and counted as the cells it then takes.

    >>> from engine.loader import load_plan
    >>> plan = load_plan("plans/2023.yaml")
    >>> print(render_periods(plan))
    MÃ    TÊN                           TỪ NGÀY     ĐẾN NGÀY    HẠN BÁO CÁO  SỐ NGÀY
    q1    Báo cáo Quý I/2023            15/12/2022  13/03/2023  14/03/2023        89
    h1    Báo cáo 6 tháng đầu năm 2023  15/12/2022  13/06/2023  14/06/2023       181
    q3    Báo cáo Quý III/2023          14/06/2023  13/09/2023  14/09/2023        92
    year  Báo cáo năm 2023              15/12/2022  13/12/2023  14/12/2023       364
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .escape import visible
from .i18n import N_, _, current, ngettext, use
from .language import Formula
from .model import Indicator, Label, Plan
from .numbers import format_date_local, format_number_local
from .values import json_value

#: The kinds of agency in the count of ``cchc agencies`` (English; translated where shown).
_KIND_WORDS = {"province": N_("province"), "department": N_("department"),
               "sector_agency": N_("sector agency"), "centre": N_("centre"),
               "district": N_("district"), "commune": N_("commune"), "unit": N_("other unit")}

#: Width of text listings, in characters.
WIDTH = 100
ELLIPSIS = "…"
#: Widest target shown in the indicator table (longer ones are cut with ``…``).
TARGET_WIDTH = 28


def fit(text: str, width: int) -> str:
    """``text`` on one line, shown (:func:`engine.escape.visible`), cut to ``width`` characters
    with ``…`` when longer."""
    flat = visible(" ".join(text.split()))
    if width <= 0:
        return ""
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + ELLIPSIS


def _row(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool] = ()) -> str:
    out = []
    cells = [visible(c) for c in cells]
    for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
        last = i == len(cells) - 1
        if i < len(right) and right[i]:
            out.append(cell.rjust(w))
        else:
            out.append(cell if last else cell.ljust(w))
    return "  ".join(out).rstrip()


def _name(label: Label, lang: str) -> str:
    return visible(label.text(lang))


def formula_text(formula: Formula | None) -> str:
    """A formula as written, on one line (a ``|`` block's line breaks become spaces)."""
    return "" if formula is None else " ".join(formula.text.split())


# -- summary ------------------------------------------------------------------------------------

def _counted(what: str, n: int) -> str:
    """``1 agency``, ``243 agencies``: a count of :meth:`Plan.summary` in the current
    language, the number written its way."""
    if what == "areas":
        text = ngettext("{n} area", "{n} areas", n)
    elif what == "indicators":
        text = ngettext("{n} indicator", "{n} indicators", n)
    elif what == "agencies":
        text = ngettext("{n} agency", "{n} agencies", n)
    elif what == "periods":
        text = ngettext("{n} period", "{n} periods", n)
    elif what == "facts":
        text = ngettext("{n} fact", "{n} facts", n)
    else:
        text = ngettext("{n} warning", "{n} warnings", n)
    return text.format(n=format_number_local(n, current()))


def render_summary(plan: Plan, warnings: int = 0) -> str:
    """The one-line summary ``cchc validate`` prints for a valid plan, in the current language
    (:func:`engine.i18n.current`), with the count of its ``warnings`` when there are any."""
    parts = ", ".join(_counted(what, n) for what, n in plan.summary().items())
    line = _("{file}: valid plan '{plan}' ({year}): {counts}").format(
        file=plan.path or plan.id, plan=plan.id, year=plan.year, counts=parts)
    return visible(line + (f" ({_counted('warnings', warnings)})" if warnings else ""))


def summary_data(plan: Plan) -> dict[str, Any]:
    """The JSON ``cchc validate --format json`` prints for a valid plan."""
    return {"valid": True, "plan": _plan_ref(plan), "summary": plan.summary(),
            "files": list(plan.files), "diagnostics": []}


def _plan_ref(plan: Plan) -> dict[str, Any]:
    return {"id": plan.id, "year": plan.year, "title": plan.title.to_dict()}


# -- indicators ---------------------------------------------------------------------------------

def indicator_data(ind: Indicator) -> dict[str, Any]:
    """One indicator as JSON-ready data (formulas as written)."""
    return {
        "id": ind.id,
        "area": ind.area,
        "name": ind.name.to_dict(),
        "unit": ind.unit,
        "owner": ind.owner,
        "scope": ind.scope,
        "agencies": len(ind.population),
        "value": ind.value.text.strip(),
        "target": ind.target.text.strip(),
        "deadline": ind.deadline.text.strip() if ind.deadline else None,
        "applicable": ind.applicable.text.strip() if ind.applicable else None,
        "baseline": json_value(ind.baseline) if ind.baseline is not None else None,
        "source": ind.source,
        "notes": ind.notes,
        "facts": list(ind.facts),
        "depends_on": list(ind.depends_on),
    }


def indicators_data(plan: Plan) -> dict[str, Any]:
    """Every indicator, area by area in the order of the plan file."""
    return {
        "plan": _plan_ref(plan),
        "areas": [{"id": a.id, "name": a.name.to_dict(), "lead": a.lead,
                   "indicators": list(a.indicators)} for a in plan.areas.values()],
        "indicators": [indicator_data(plan.indicators[i])
                       for a in plan.areas.values() for i in a.indicators],
    }


def render_indicators(plan: Plan, lang: str = "vi", width: int = WIDTH) -> str:
    """The indicators as an aligned table, area by area, two lines per indicator.

    The first line holds the key (the full id is ``AREA.KEY``), unit, owner, scope, deadline
    and the section of the plan text; the second the target and the name, cut to ``width``.
    """
    with use(lang):
        return _indicators(plan, lang, width)


def _indicators(plan: Plan, lang: str, width: int) -> str:
    head1 = [_("KEY"), _("UNIT"), _("OWNER"), _("SCOPE"), _("DEADLINE"), _("REF")]
    head2 = [_("TARGET"), _("NAME")]
    rows: list[tuple[str, list[str], list[str]]] = []
    for area in plan.areas.values():
        for iid in area.indicators:
            ind = plan.indicators[iid]
            key = iid.split(".", 1)[1]
            rows.append((area.id, [visible(c) for c in (key, ind.unit, ind.owner, ind.scope,
                                   formula_text(ind.deadline), ind.source or "")],
                         [formula_text(ind.target), _name(ind.name, lang)]))
    indent = 2
    widths = [max([len(h)] + [len(r[1][i]) for r in rows]) for i, h in enumerate(head1)]
    # Most targets are short ("value > 99%"); a long one is cut so that names stay readable.
    target_w = min(max([len(head2[0])] + [len(visible(r[2][0])) for r in rows]), TARGET_WIDTH)
    name_w = width - 2 * indent - target_w - 2
    lines = [" " * indent + _row(head1, widths),
             " " * (2 * indent) + _row(head2, [target_w, name_w])]
    current = None
    for area_id, first, second in rows:
        if area_id != current:
            current = area_id
            area = plan.areas[area_id]
            lead_agency = plan.agencies.get(area.lead) if area.lead is not None else None
            lead = "" if lead_agency is None else \
                " (" + _("lead: {agency}").format(agency=_name(lead_agency.name, lang)) + ")"
            lines.append("")
            lines.append(fit(f"{area_id} · {_name(area.name, lang)}{lead}", width))
        lines.append(" " * indent + _row(first, widths))
        lines.append(" " * (2 * indent) + _row([fit(second[0], target_w), fit(second[1], name_w)],
                                                [target_w, name_w]))
    count = sum(len(a.indicators) for a in plan.areas.values())
    lines.append("")
    lines.append(_("{indicators} in {areas}").format(
        indicators=_counted("indicators", count), areas=_counted("areas", len(plan.areas))))
    return "\n".join(lines)


# -- periods ------------------------------------------------------------------------------------

def periods_data(plan: Plan) -> dict[str, Any]:
    """The reporting periods as JSON-ready data (dates as ISO text, ``days`` in the window)."""
    return {
        "plan": _plan_ref(plan),
        "periods": [{"id": p.id, "name": p.name.to_dict(), "from": p.start.isoformat(),
                     "until": p.end.isoformat(), "due": p.due.isoformat(),
                     "days": (p.end - p.start).days + 1, "notes": p.notes}
                    for p in plan.periods.values()],
    }


def render_periods(plan: Plan, lang: str = "vi", width: int = WIDTH) -> str:
    """The reporting periods as an aligned table in ``lang`` (dates day first in Vietnamese);
    DAYS counts the data window, both ends in."""
    with use(lang):
        head = [_("ID"), _("NAME"), _("FROM"), _("UNTIL"), _("DUE"), _("DAYS")]
    rows = [[visible(p.id), _name(p.name, lang), format_date_local(p.start, lang),
             format_date_local(p.end, lang), format_date_local(p.due, lang),
             str((p.end - p.start).days + 1)] for p in plan.periods.values()]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]
    fixed = sum(w for i, w in enumerate(widths) if i != 1) + 2 * (len(head) - 1)
    widths[1] = max(4, min(widths[1], width - fixed))
    right = [False, False, False, False, False, True]
    lines = [_row(head, widths, right)]
    lines += [_row([r[0], fit(r[1], widths[1]), *r[2:]], widths, right) for r in rows]
    return "\n".join(lines)


# -- agencies -----------------------------------------------------------------------------------

def agencies_data(plan: Plan) -> dict[str, Any]:
    """The agency registry (in file order, with parents) and the resolved groups."""
    return {
        "plan": _plan_ref(plan),
        "agencies": [{"id": a.id, "name": a.name.to_dict(), "kind": a.kind, "parent": a.parent,
                      "code": a.code, "notes": a.notes} for a in plan.agencies.values()],
        "groups": [{"id": g.id, "members": list(g.members), "kinds": list(g.kinds),
                    "agencies": list(g.agencies), "union": list(g.union), "minus": list(g.minus),
                    "notes": g.notes} for g in plan.groups.values()],
    }


def render_agencies(plan: Plan, lang: str = "vi", width: int = WIDTH) -> str:
    """The agency hierarchy drawn as a tree (``├──``), each agency with its kind, after a
    column of official codes when the plan gives any; then the count of agencies by kind, the
    commune-level units under each district (:func:`commune_counts`) and the groups with their
    size and definition."""
    with use(lang):
        return _agencies(plan, lang, width)


def _agencies(plan: Plan, lang: str, width: int) -> str:
    lines: list[str] = []
    code_w = max((len(a.code) for a in plan.agencies.values() if a.code), default=0)

    def draw(agency: str, prefix: str, branch: str) -> None:
        a = plan.agencies[agency]
        code = (a.code or "").ljust(code_w) + "  " if code_w else ""
        head = f"{code}{prefix}{branch}{visible(a.id)}  "
        tail = f"  [{visible(a.kind)}]"
        lines.append(head + fit(_name(a.name, lang), width - len(head) - len(tail)) + tail)
        kids = plan.children(agency)
        below = prefix + ("" if not branch else "    " if branch == "└── " else "│   ")
        for i, kid in enumerate(kids):
            draw(kid, below, "└── " if i == len(kids) - 1 else "├── ")

    for root in plan.roots():
        draw(root, "", "")
    kinds: dict[str, int] = {}
    for a in plan.agencies.values():
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
    lines.append("")
    lines.append(fit(_counted("agencies", len(plan.agencies)) + ": "
                     + ", ".join(f"{_(_KIND_WORDS.get(kind, kind))} {n}"
                                 for kind, n in kinds.items()), width))
    lines += _commune_lines(plan, lang, width)
    if plan.groups:
        lines.append("")
        lines.append(_("groups:"))
        id_w = max(len(visible(g)) for g in plan.groups)
        for g in plan.groups.values():
            head = f"  {visible(g.id).ljust(id_w)}  {len(g.members):>4}  "
            lines.append(head + fit(_definition(g.kinds, g.agencies, g.union, g.minus),
                                    width - len(head)))
    return "\n".join(lines)


#: The types of commune-level unit, told by the first words of the unit's Vietnamese name
#: ("Phường Chiềng Lề"), in the order they are counted, with their English words.
COMMUNE_TYPES = {"Phường": ("ward", "wards"), "Thị trấn": ("township", "townships"),
                 "Xã": ("commune", "communes")}


def commune_type(name: Label) -> str | None:
    """The type of a commune-level unit by its Vietnamese name, or None when the name does not
    say it.

        >>> commune_type(Label("Thị trấn Hát Lót")), commune_type(Label("Xã A1"))
        ('Thị trấn', 'Xã')
    """
    return next((t for t in COMMUNE_TYPES if name.vi.startswith(t + " ")), None)


def commune_counts(plan: Plan) -> dict[str, dict[str | None, int]]:
    """For each agency with communes under it (the districts), in registry order: how many of
    its communes are of each type (:data:`COMMUNE_TYPES`; ``None``: a name that does not say)."""
    counts: dict[str, dict[str | None, int]] = {}
    for a in plan.agencies.values():
        if a.kind == "commune" and a.parent is not None:
            by_type = counts.setdefault(a.parent, {})
            t = commune_type(a.name)
            by_type[t] = by_type.get(t, 0) + 1
    return {p: counts[p] for p in plan.agencies if p in counts}


def _count_text(by_type: dict[str | None, int], lang: str) -> str:
    """ "12 (7 phường, 5 xã)", as the official lists count; in English "12 (7 wards, 5
    communes)"."""
    parts = []
    for t, (one, many) in COMMUNE_TYPES.items():
        n = by_type.get(t, 0)
        if n:
            parts.append(f"{n} {t.lower() if lang != 'en' else one if n == 1 else many}")
    if by_type.get(None):
        parts.append(f"{by_type[None]} {'other' if lang == 'en' else 'khác'}")
    total = sum(by_type.values())
    return str(total) if by_type.get(None) == total else f"{total} ({', '.join(parts)})"


def _commune_lines(plan: Plan, lang: str, width: int) -> list[str]:
    counts = commune_counts(plan)
    if not counts:
        return []
    districts = all(plan.agencies[p].kind == "district" for p in counts)
    lines = ["", _("communes by district:") if districts else _("communes by parent agency:")]
    for parent, by_type in counts.items():
        a = plan.agencies[parent]
        code = " (" + _("code {code}").format(code=a.code) + ")" if a.code else ""
        lines.append("  " + fit(f"{_name(a.name, lang)}{code} — {_count_text(by_type, lang)}",
                                width - 2))
    if len(counts) > 1:
        total: dict[str | None, int] = {}
        for by_type in counts.values():
            for t, n in by_type.items():
                total[t] = total.get(t, 0) + n
        lines.append("  " + fit(_("total") + f" — {_count_text(total, lang)}", width - 2))
    return lines


def _definition(kinds: Sequence[str], agencies: Sequence[str], union: Sequence[str],
                minus: Sequence[str]) -> str:
    parts = []
    if kinds:
        parts.append(_("kinds {kinds}").format(kinds=", ".join(kinds)))
    if agencies:
        parts.append(", ".join(agencies))
    if union:
        parts.append(" + ".join(union))
    text = " + ".join(parts) or _("(empty)")
    if minus:
        text += " - " + " - ".join(minus)
    return text
