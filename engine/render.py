"""Reports as text for people and tools: table, Markdown, CSV and JSON. Returns strings only.

Text from the plan and the fact files (names, values, formulas, notes) is shown through
:mod:`engine.escape`: a control or bidirectional character is written out (``\\x1b``) in the
table, Markdown, CSV and ``explain``, escaped the JSON way in JSON."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Sequence
from fractions import Fraction

from .escape import (
    cells,
    csv_row,
    json_safe,
    markdown_inline,
    one_cell_each,
    visible,
    visible_lines,
)
from .files import nfc
from .i18n import Words, _, ngettext, use
from .messages import describe_reason
from .model import Plan
from .numbers import format_date_local, format_number_local
from .report import IndicatorResult, Report, Status
from .values import Unknown, Value, format_number, format_value

STATUS_WORDS = Words("status of an indicator", {
    "met": "met",
    "not_met": "not met",
    "pending": "pending",
    "unknown": "unknown",
    "not_applicable": "not applicable",
})
#: The kinds of agency as the headings of groups of agencies (the chase list, the HTML report's
#: matrix and its list of agencies that have not reported), in the order of the schema's kinds;
#: a kind the schema adds later is shown by its id.
KIND_HEADINGS = Words("kind of agency, as a heading", {
    "province": "Province",
    "department": "Departments",
    "sector_agency": "Sector agencies",
    "centre": "Centres",
    "district": "Districts",
    "commune": "Communes",
    "unit": "Other units",
})
_COLOURS = {"met": "32", "not_met": "31", "pending": "33", "unknown": "35",
            "not_applicable": "90"}
_WORDS = Words("table of results", {
    "indicator": "Indicator",
    "value": "Value",
    "target": "Target",
    "status": "Status",
    "period": "Period",
    "as_of": "as of",
    "missing": "missing",
    "facts_from": "facts from",
    "agencies": "agencies",
    "below": "below target",
    "total": "Total",
    "coverage": "reported",
    "summary": "Summary",
    "details": "Details",
    "area": "Area",
    "id": "Id",
    "agency": "Agency",
    "with": "with",
    "below_it": "agencies below it",
    "treated": "the rule for missing facts applied to",
})


def display_value(value: Value, unit: str, lang: str | None = None) -> str:
    """A value as people read it: shares and rates as percentages (``99.2%``), rounded for
    display; numbers written the way of ``lang`` (:mod:`engine.numbers`: ``99,72%`` and
    ``1.234`` in Vietnamese, ``99.72%`` and ``1,234`` in English), or plainly (``1234``) when
    it is None."""
    if isinstance(value, Unknown):
        return "?"
    if unit in ("percent", "rate") and isinstance(value, int | Fraction) \
            and not isinstance(value, bool):
        return _number(Fraction(value) * 100, lang, 2) + "%"
    if isinstance(value, Fraction):
        return _number(value, lang, 4)
    if isinstance(value, int) and not isinstance(value, bool) and lang is not None:
        return _number(value, lang, None)
    if isinstance(value, str):
        return value
    return format_value(value)


def _number(value: int | Fraction, lang: str | None, places: int | None) -> str:
    if lang is None:
        return format_number(value, places=places)
    return format_number_local(value, lang, places=places)


def explained_value(value: Value, lang: str) -> str:
    """A value in ``explain``: a number exact and a date in the way of ``lang``
    (``1.234,5``, ``14/03/2023`` in Vietnamese), true and false and an unknown value in words
    of the current language; a text as the plan writes it (:func:`engine.values.format_value`).
    """
    if isinstance(value, bool):
        return _("true") if value else _("false")
    if isinstance(value, int | Fraction):
        return format_number_local(value, lang, places=None)
    if isinstance(value, dt.date):
        return format_date_local(value, lang)
    if isinstance(value, Unknown):
        return _("unknown")
    return format_value(value)


def width(text: str) -> int:
    """Display width in a terminal of a text as shown: :func:`engine.escape.cells` (a combining
    mark takes no cell, a wide East Asian character two)."""
    return cells(text)


def wrap(text: str, size: int, indent: str = "") -> list[str]:
    """``text`` shown (:func:`engine.escape.visible`) in lines of at most ``size`` cells:
    broken between words, and a word longer than a line broken where it must be, so nothing
    is ever cut away; lines after the first start with ``indent`` (which must leave at least
    two cells). Always at least one line.

        >>> wrap("Cải cách thủ tục hành chính", 12)
        ['Cải cách thủ', 'tục hành', 'chính']
        >>> wrap("Cải cách thủ tục hành chính", 12, "  ")
        ['Cải cách thủ', '  tục hành', '  chính']
        >>> wrap("procedures.on_time", 8)
        ['procedur', 'es.on_ti', 'me']
    """
    size = max(size, 2 + width(indent))
    lines: list[str] = []
    line, used = "", 0
    # Whether ``line`` holds a character that is not white space (``line.strip()``).
    filled = False
    indent_used, indent_filled = width(indent), bool(indent.strip())
    shown = visible(text)
    # A text whose every character takes one cell (most names, Vietnamese ones included) is
    # counted by its words' lengths: the same count, without a look at each word.
    measure, per_char = (len, _one_each) if one_cell_each(shown) else (width, _char_counts)

    for word in shown.split(" "):
        if not word:
            continue
        need = measure(word)
        if filled and used + 1 + need <= size:
            line, used = f"{line} {word}", used + 1 + need
            continue
        if filled:
            lines.append(line)
            line, used, filled = indent, indent_used, indent_filled
        # A word too long for a line is broken across lines, character by character; one that
        # fits, however its characters are counted, is put on the line whole.
        counts = per_char(word)
        if used + sum(counts) <= size:
            line, used, filled = line + word, used + sum(counts), filled or not word.isspace()
            continue
        for ch, n in zip(word, counts, strict=True):
            if used + n > size and filled:
                lines.append(line)
                line, used, filled = indent, indent_used, indent_filled
            line, used, filled = line + ch, used + n, filled or not ch.isspace()
    if filled or not lines:
        lines.append(line)
    return lines


#: :func:`width` of one character (a wrapped line is counted character by character).
_char_cells = functools.lru_cache(maxsize=4096)(width)


def _char_counts(word: str) -> list[int]:
    return list(map(_char_cells, word))


def _one_each(word: str) -> list[int]:
    return [1] * len(word)


def _pad(text: str, size: int, right: bool = False) -> str:
    room = " " * max(0, size - width(text))
    return room + text if right else text + room


def fit(text: str, size: int) -> str:
    """``text`` shown (:func:`engine.escape.visible`) in exactly ``size`` cells: padded, or cut
    with ``…``."""
    text = visible(text)
    if width(text) <= size:
        return text + " " * (size - width(text))
    out = ""
    for ch in text:
        if width(out + ch) > size - 1:
            break
        out += ch
    return out + "…" + " " * (size - 1 - width(out))


def _status(status: Status, lang: str, colour: bool) -> str:
    word = STATUS_WORDS[lang][status]
    return f"\x1b[{_COLOURS[status]}m{word}\x1b[0m" if colour else word


def _facts_note(word: str, facts: Sequence[tuple[str, str]], lang: str) -> str:
    """``missing 2 facts from 1 agency`` (``word`` is ``missing`` or ``treated``) for
    ``(agency, fact)`` pairs, singular or plural as the counts say, numbers in ``lang``'s way."""
    n, m = len(facts), len({a for a, _f in facts})
    with use(lang):
        what = ngettext("missing {n} fact", "missing {n} facts", n) if word == "missing" else \
            ngettext("the rule for missing facts applied to {n} fact",
                     "the rule for missing facts applied to {n} facts", n)
        who = ngettext("from {m} agency", "from {m} agencies", m)
    return what.format(n=format_number_local(n, lang)) + " " + \
        who.format(m=format_number_local(m, lang))


def agency_name(plan: Plan, agency: str, lang: str) -> str:
    """An agency's name as people know it; a commune's with its district's, unless the name
    already says it: ``Xã Mường Giôn (Huyện Quỳnh Nhai)``. An id the plan does not know is
    shown as it is. Ids are for JSON and CSV; every output for people names agencies this way.
    """
    a = plan.agencies.get(agency)
    if a is None:
        return agency
    name = a.name.text(lang)
    parent = plan.agencies.get(a.parent) if a.parent is not None else None
    if a.kind != "commune" or parent is None:
        return name
    district = parent.name.text(lang)
    if nfc(district).casefold() in nfc(name).casefold():  # "Phường Chiềng Lề (Thành phố Sơn
        return name                                        # La)" would say it twice
    return f"{name} ({district})"


def _notes(report: Report, r: IndicatorResult, lang: str) -> str:
    w = _WORDS[lang]
    if r.status == "unknown" and r.missing:
        return _facts_note("missing", r.missing, lang)
    if r.treated:  # the value rests on the plan's rule for missing facts: say so first
        return _facts_note("treated", [(t.agency, t.fact) for t in r.treated], lang)
    below = [agency_name(report.plan, a.agency, lang) for a in r.agencies
             if a.status in ("not_met", "pending")]
    if r.status in ("not_met", "pending", "met") and below:
        shown = ", ".join(below[:4]) + (" …" if len(below) > 4 else "")
        return f"{len(below)} {w['below']}: {shown}"
    if r.status in ("not_applicable", "unknown") and r.reasons:  # e.g. an invalid share
        return describe_reason(r.reasons[0], lang,
                               name=lambda a: agency_name(report.plan, a, lang))
    if r.status == "not_applicable" and r.indicator.applicable is not None:
        return f"{r.indicator.applicable.text.strip()}: false"
    return ""


def _shown(report: Report, r: IndicatorResult, lang: str) -> tuple[Value, Status, str]:
    """Value, status and note of a row: the agency's own when the report is narrowed to one."""
    if report.agency is None or not r.agencies:
        return r.value, r.status, _notes(report, r, lang)
    own = r.agencies[0]
    note = ""
    treated = r.treated_in(own)
    if own.missing:
        note = _facts_note("missing", own.missing, lang)
    elif treated:
        note = _facts_note("treated", [(t.agency, t.fact) for t in treated], lang)
    elif own.members:
        with use(lang):
            note = ngettext("with {n} agency below it", "with {n} agencies below it",
                            len(own.members)).format(n=format_number_local(len(own.members),
                                                                          lang))
    return own.value, own.status, note


def _counts(report: Report) -> dict[str, int]:
    """Statuses as the rows show them (the agency's own when narrowed to one)."""
    counts: dict[str, int] = {s: 0 for s in STATUS_WORDS["en"]}
    for r in report.results:
        counts[_shown(report, r, "en")[1]] += 1
    return counts


def _agency_line(report: Report, lang: str) -> list[str]:
    if report.agency is None:
        return []
    name = agency_name(report.plan, report.agency, lang)
    return [visible(f"{_WORDS[lang]['agency']}: {name}")]


#: The narrowest table :func:`render_table` lays out: a narrower width is taken as this one.
MIN_WIDTH = 60
#: The width of the table when none is given (and of the command line's when its output is not
#: a terminal and ``COLUMNS`` is not set).
DEFAULT_WIDTH = 100


def render_table(report: Report, lang: str = "vi", colour: bool = False,
                 width: int = DEFAULT_WIDTH) -> str:
    """The report for people: grouped by area, aligned columns, status words and counts.

    No line is wider than ``width`` terminal cells (:data:`MIN_WIDTH` at least): names,
    targets and notes wrap within their column, never cut; when the notes have too little room
    beside the row they go under it, after an arrow. Narrowed to an agency, every row shows
    that agency's own value and status."""
    size = max(width, MIN_WIDTH)
    w = _WORDS[lang]
    plan = report.plan
    period = plan.periods[report.period]
    lines = [
        *wrap(plan.title.text(lang), size),
        *wrap(f"{w['period']}: {period.name.text(lang)} ({period.start} – {period.end}), "
              f"{w['as_of']} {report.as_of}", size),
        *(line for text in _agency_line(report, lang) for line in wrap(text, size)),
        "",
    ]
    rows: list[tuple[IndicatorResult, list[str], Status]] = []
    for r in report.results:
        value, status, note = _shown(report, r, lang)
        rows.append((r, [visible(f"{r.id.split('.', 1)[1]}: {r.indicator.name.text(lang)}"),
                         visible(display_value(value, r.indicator.unit, lang)),
                         visible(r.indicator.target.text.strip().replace("\n", " ")),
                         STATUS_WORDS[lang][status], visible(note)], status))
    sizes = _columns([cells_ for _, cells_, _ in rows], size)
    below = sizes[4] == 0  # the notes go under their row
    for area in plan.areas.values():
        shown = [(r, c, st) for r, c, st in rows if r.indicator.area == area.id]
        if not shown:
            continue
        lines += wrap(f"{area.name.text(lang)} ({area.id})", size)
        for _r, row, status in shown:
            parts = [wrap(text, n, "  " if i == 0 else "")
                     for i, (text, n) in enumerate(zip(row, sizes, strict=True)) if n]
            for i in range(max(len(p) for p in parts)):
                line = [p[i] if i < len(p) else "" for p in parts]
                out = ["  " + _pad(line[0], sizes[0]), _pad(line[1], sizes[1], right=True),
                       _pad(line[2], sizes[2]), _pad(line[3], sizes[3])]
                if colour and i == 0:
                    out[3] = _status(status, lang, True) + " " * (sizes[3] - cells(line[3]))
                if not below:
                    out.append(line[4])
                lines.append(_GAP.join(out).rstrip())
            if below and row[4]:
                lines += ["    " + text for text in wrap("→ " + row[4], size - 4, "  ")]
        lines.append("")
    counts = _counts(report)
    total = sum(counts.values())
    lines += wrap(f"{w['summary']}: " + ", ".join(
        f"{STATUS_WORDS[lang][s]} {n}" for s, n in counts.items()) + f" ({w['total']} {total})",
        size)
    return "\n".join(line.rstrip() for line in lines) + "\n"


#: Between two columns of the table.
_GAP = "  "


def _columns(rows: Sequence[Sequence[str]], size: int) -> list[int]:
    """The widths of the table's columns (name, value, target, status, notes) for a table of
    ``size`` cells: value and status as wide as their widest cell, the target at most a fifth
    of the width, and the rest shared by names and notes; notes 0 when the names would have
    under 32 cells or the notes under 20 beside them (the notes then go under their row). The
    columns, a two-cell indent and :data:`_GAP` between columns never add up to more than
    ``size``."""
    widest = [max([1] + [width(row[i]) for row in rows]) for i in range(5)]
    value, status = min(widest[1], 12), min(widest[3], 14)
    target = min(widest[2], max(12, size // 5))
    rest = size - 2 - value - target - status - 4 * len(_GAP)  # the indent, the gaps
    alone = [min(widest[0], rest + len(_GAP)), value, target, status, 0]
    if not any(row[4] for row in rows):
        return alone
    name = min(widest[0], max(rest - widest[4], rest * 3 // 5, min(32, rest - 20)))
    if name < min(widest[0], 32) or rest - name < 20:
        return alone
    return [name, value, target, status, rest - name]


def _md(text: str) -> str:
    return markdown_inline(text)


def render_markdown(report: Report, lang: str = "vi") -> str:
    """The report as Markdown, to paste into the periodic report."""
    w = _WORDS[lang]
    plan = report.plan
    period = plan.periods[report.period]
    out = [f"# {_md(plan.title.text(lang))}", "",
           f"{w['period']}: **{_md(period.name.text(lang))}** ({period.start} – {period.end}), "
           f"{w['as_of']} {report.as_of}.", *(["", *_agency_line(report, lang)]
                                                 if report.agency else []),
           "", f"## {w['summary']}", "",
           f"| {w['status']} | n |", "|---|---:|"]
    for s, n in _counts(report).items():
        out.append(f"| {STATUS_WORDS[lang][s]} | {n} |")
    out.append(f"| **{w['total']}** | **{len(report.results)}** |")
    for area in plan.areas.values():
        rows = [r for r in report.results if r.indicator.area == area.id]
        if not rows:
            continue
        out += ["", f"## {_md(area.name.text(lang))}", "",
                f"| {w['id']} | {w['indicator']} | {w['value']} | {w['target']} | {w['status']} "
                "| |", "|---|---|---:|---|---|---|"]
        for r in rows:
            value, status, note = _shown(report, r, lang)
            out.append(
                f"| `{r.id}` | {_md(r.indicator.name.text(lang))} | "
                f"{_md(display_value(value, r.indicator.unit, lang))} | "
                f"`{_md(r.indicator.target.text.strip())}` | "
                f"{STATUS_WORDS[lang][status]} | {_md(note)} |")
    return "\n".join(out) + "\n"


#: The byte order mark: at the start of a CSV file, it tells Excel the file is UTF-8 (without
#: it, Excel on Windows reads the file in the system's code page and garbles every Vietnamese
#: letter). Readers that know UTF-8 skip it, as cchc does when it reads a fact file.
BOM = "\ufeff"


def render_csv(report: Report, *, bom: bool = False) -> str:
    """One row per indicator, for spreadsheets. ``bom``: start with :data:`BOM`, for a file
    that Excel opens (the command line's default with ``-o FILE``)."""
    import csv  # (here, as json below: the table, the commonest output, needs neither)
    import io

    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "area", "status", "value", "target", "deadline", "missing",
                     "treated", "coverage_expected", "coverage_reported", "name_vi"])
    for r in report.results:
        d = r.to_dict()
        value = d["value"]
        writer.writerow(csv_row([
            r.id, r.indicator.area, r.status,
            "" if value is None else (format_value(r.value) if not isinstance(r.value, str)
                                      else r.value),
            d["target"], d["deadline"] or "", len(r.missing), len(r.treated),
            r.coverage.expected,
            r.coverage.reported, r.indicator.name.vi]))
    return buf.getvalue()


def render_json(report: Report) -> str:
    import json

    return json_safe(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)) + "\n"


def render_explain(result: IndicatorResult, lang: str = "vi", agency: str | None = None,
                   where: Callable[[str, str], str | None] | None = None, *,
                   hidden_agencies: Collection[str] = (), hidden_why: str = "") -> str:
    """The derivation of one result, readable: formula, terms, inputs by agency, breakdown,
    every line in ``lang`` (numbers and dates written its way, agencies by name).

    ``where(agency, fact)`` names the file place a fact came from, when known. The inputs of
    ``hidden_agencies`` are not listed, only counted (with ``hidden_why`` after the count, such
    as " (all with the case's defaults)", translated): a case over hundreds of agencies lists the
    few it names. With ``agency``, all of it (status, terms, coverage, inputs, breakdown) is
    worked out over the unit of the breakdown that holds the agency, as the header's value is
    (:meth:`~engine.report.IndicatorResult.over_unit`)."""
    with use(lang):
        return _explain(result, lang, agency, where, hidden_agencies, hidden_why)


def _explain(result: IndicatorResult, lang: str, agency: str | None,
             where: Callable[[str, str], str | None] | None,
             hidden_agencies: Collection[str], hidden_why: str) -> str:
    if agency is not None:
        result = result.over_unit(agency)
    ind = result.indicator
    unit = ind.unit
    plan = result.plan
    status_words = STATUS_WORDS[lang]

    def name(a: str) -> str:
        return agency_name(plan, a, lang)

    def shown(value: Value) -> str:
        if isinstance(value, bool | dt.date):
            return explained_value(value, lang)
        return display_value(value, unit, lang)

    lines = [f"{ind.id}: {ind.name.text(lang)}",
             "  " + _("status: {status}").format(status=status_words[result.status])]
    if agency is not None:
        for u in result.agencies:  # the one unit the result is now over
            fields = {"agency": name(u.agency), "n": len(u.members), "value": shown(u.value),
                      "status": status_words[u.status]}
            lines.append("  " + (ngettext(
                "agency {agency}, with {n} agency below it: {value} -> {status}",
                "agency {agency}, with {n} agencies below it: {value} -> {status}",
                len(u.members)) if u.members else _("agency {agency}: {value} -> {status}")
            ).format(**fields))
    lines.append("  " + _("value = {formula}").format(formula=ind.value.text.strip()))
    for term, v in result.terms:
        lines.append(f"    {term} = {explained_value(v, lang)}")
    lines.append(f"        = {explained_value(result.value, lang)}"
                 + (f" ({shown(result.value)})" if unit in ("percent", "rate")
                    and not isinstance(result.value, Unknown) else ""))
    for ref, v in result.references.items():
        lines.append(f"    {ref} = {explained_value(v, lang)}")
    if ind.applicable is not None:
        lines.append("  " + _("applicable: {formula} -> {value}").format(
            formula=ind.applicable.text.strip(),
            value="-" if result.applicable is None else explained_value(result.applicable, lang)))
    lines.append("  " + _("target: {formula} -> {value}").format(
        formula=ind.target.text.strip(), value=explained_value(result.target_value, lang)))
    if result.deadline is not None:
        lines.append("  " + _("deadline: {date}").format(
            date=format_date_local(result.deadline, lang)))
    for reason in result.reasons:
        lines.append("  " + _("because: {reason}").format(
            reason=describe_reason(reason, lang, name=name)))
    for t in result.treated[:10]:
        lines.append("  " + _("not reported, decided by the plan's rule: {fact} of {agency} -> "
                              "{rule}").format(fact=t.fact, agency=name(t.agency), rule=t.rule))
    if len(result.treated) > 10:
        lines.append("  " + _("… and {n} more (see the JSON report)").format(
            n=format_number_local(len(result.treated) - 10, lang)))
    cov = result.coverage
    if cov.expected:
        missing = ""
        if cov.missing_agencies:
            missing = _("; not reported: {agencies}").format(
                agencies=", ".join(name(a) for a in cov.missing_agencies[:10])
                + (" …" if len(cov.missing_agencies) > 10 else ""))
        lines.append("  " + ngettext("coverage: {reported} of {n} agency reported",
                                     "coverage: {reported} of {n} agencies reported",
                                     cov.expected).format(
            reported=format_number_local(cov.reported, lang),
            n=format_number_local(cov.expected, lang)) + missing)
    units = result.agencies
    listed: list[str] = []
    for a in result.inputs:
        facts = result.inputs.get(a)
        if not facts or a in hidden_agencies:
            continue
        listed.append(f"    {name(a)}:")
        for f, v in facts.items():
            place = where(a, f) if where is not None else None
            listed.append(f"      {f} = {explained_value(v, lang)}"
                          + (f"   ({place})" if place else ""))
    if listed:
        lines += ["  " + _("inputs:"), *listed]
    if hidden_agencies:
        n = len(hidden_agencies)
        why = _(hidden_why) if hidden_why else ""
        count = format_number_local(n, lang)
        lines.append("    " + ngettext("… and {n} more agency{why}", "… and {n} more agencies{why}",
                                         n).format(n=count, why=why) if listed else
                     "  " + ngettext("inputs: {n} agency{why}, not listed",
                                     "inputs: {n} agencies{why}, not listed", n).format(
                                         n=count, why=why))
    if units:
        lines.append("  " + _("breakdown:"))
        for u in units:
            fields = {"agency": name(u.agency), "n": format_number_local(len(u.members), lang),
                      "value": shown(u.value), "status": status_words[u.status]}
            lines.append("    " + (_("{agency} (+{n} below): {value} -> {status}") if u.members
                                   else "{agency}: {value} -> {status}").format(**fields))
    return visible_lines("\n".join(lines) + "\n")
