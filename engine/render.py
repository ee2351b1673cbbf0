"""Reports as text for people and tools: table, Markdown, CSV and JSON. Returns strings only.

Text from the plan and the fact files (names, values, formulas, notes) is shown through
:mod:`engine.escape`: a control or bidirectional character is written out (``\\x1b``) in the
table, Markdown, CSV and ``explain``, escaped the JSON way in JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Collection, Sequence
from fractions import Fraction

from .escape import csv_row, json_safe, markdown_inline, visible, visible_lines
from .messages import describe_reason
from .report import IndicatorResult, Report, Status
from .values import Unknown, Value, format_number, format_value

STATUS_WORDS: dict[str, dict[str, str]] = {
    "vi": {"met": "Đạt", "not_met": "Không đạt", "pending": "Chưa đến hạn",
           "unknown": "Thiếu số liệu", "not_applicable": "Không áp dụng"},
    "en": {"met": "met", "not_met": "not met", "pending": "pending",
           "unknown": "unknown", "not_applicable": "not applicable"},
}
_COLOURS = {"met": "32", "not_met": "31", "pending": "33", "unknown": "35",
            "not_applicable": "90"}
_WORDS = {
    "vi": {"indicator": "Chỉ tiêu", "value": "Giá trị", "target": "Mục tiêu",
           "status": "Kết quả", "period": "Kỳ báo cáo", "as_of": "tính đến ngày",
           "missing": "thiếu", "facts_from": "số liệu của", "agencies": "cơ quan",
           "below": "chưa đạt", "total": "Tổng", "coverage": "đã báo cáo",
           "summary": "Tổng hợp", "details": "Chi tiết", "area": "Lĩnh vực", "id": "Mã",
           "agency": "Cơ quan", "with": "gồm cả", "below_it": "đơn vị trực thuộc",
           "treated": "áp dụng quy tắc khi thiếu số liệu cho"},
    "en": {"indicator": "Indicator", "value": "Value", "target": "Target",
           "status": "Status", "period": "Period", "as_of": "as of",
           "missing": "missing", "facts_from": "facts from", "agencies": "agencies",
           "below": "below target", "total": "Total", "coverage": "reported",
           "summary": "Summary", "details": "Details", "area": "Area", "id": "Id",
           "agency": "Agency", "with": "with", "below_it": "agencies below it",
           "treated": "the rule for missing facts applied to"},
}


def display_value(value: Value, unit: str) -> str:
    """A value as people read it: shares and rates as percentages (``99.2%``), rounded for
    display."""
    if isinstance(value, Unknown):
        return "?"
    if unit in ("percent", "rate") and isinstance(value, int | Fraction) \
            and not isinstance(value, bool):
        return format_number(Fraction(value) * 100, places=2) + "%"
    if isinstance(value, Fraction):
        return format_number(value, places=4)
    if isinstance(value, str):
        return value
    return format_value(value)


def width(text: str) -> int:
    """Display width in a terminal (combining marks take no column) of a text as shown, after
    :func:`engine.escape.visible`."""
    return sum(0 if unicodedata.combining(c) else 1 for c in unicodedata.normalize("NFC", text))


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
    """``missing 2 facts from 1 agencies`` (``word`` is ``missing`` or ``treated``) for
    ``(agency, fact)`` pairs."""
    w = _WORDS[lang]
    agencies = len({a for a, _ in facts})
    return f"{w[word]} {len(facts)} {w['facts_from']} {agencies} {w['agencies']}"


def _notes(r: IndicatorResult, lang: str) -> str:
    w = _WORDS[lang]
    if r.status == "unknown" and r.missing:
        return _facts_note("missing", r.missing, lang)
    if r.treated:  # the value rests on the plan's rule for missing facts: say so first
        return _facts_note("treated", [(t.agency, t.fact) for t in r.treated], lang)
    below = [a.agency for a in r.agencies if a.status in ("not_met", "pending")]
    if r.status in ("not_met", "pending", "met") and below:
        shown = ", ".join(below[:4]) + (" …" if len(below) > 4 else "")
        return f"{len(below)} {w['below']}: {shown}"
    if r.status in ("not_applicable", "unknown") and r.reasons:  # e.g. an invalid share
        return describe_reason(r.reasons[0], lang)
    if r.status == "not_applicable" and r.indicator.applicable is not None:
        return f"{r.indicator.applicable.text.strip()}: false"
    return ""


def _shown(report: Report, r: IndicatorResult, lang: str) -> tuple[Value, Status, str]:
    """Value, status and note of a row: the agency's own when the report is narrowed to one."""
    if report.agency is None or not r.agencies:
        return r.value, r.status, _notes(r, lang)
    own = r.agencies[0]
    w = _WORDS[lang]
    note = ""
    treated = r.treated_in(own)
    if own.missing:
        note = _facts_note("missing", own.missing, lang)
    elif treated:
        note = _facts_note("treated", [(t.agency, t.fact) for t in treated], lang)
    elif own.members:
        note = f"{w['with']} {len(own.members)} {w['below_it']}"
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
    a = report.plan.agencies[report.agency]
    return [visible(f"{_WORDS[lang]['agency']}: {a.name.text(lang)} ({a.id})")]


def render_table(report: Report, lang: str = "vi", colour: bool = False) -> str:
    """The report for people: grouped by area, aligned columns, status words and counts.

    Narrowed to an agency, every row shows that agency's own value and status."""
    w = _WORDS[lang]
    plan = report.plan
    period = plan.periods[report.period]
    lines = [
        visible(plan.title.text(lang)),
        visible(f"{w['period']}: {period.name.text(lang)} ({period.start} – {period.end}), "
                f"{w['as_of']} {report.as_of}"),
        *_agency_line(report, lang),
        "",
    ]
    name_w, value_w, target_w, status_w = 44, 10, 16, 14
    for area in plan.areas.values():
        rows = [r for r in report.results if r.indicator.area == area.id]
        if not rows:
            continue
        lines.append(visible(f"{area.name.text(lang)} ({area.id})"))
        for r in rows:
            name = r.indicator.name.text(lang)
            key = r.id.split(".", 1)[1]
            value, status, note = _shown(report, r, lang)
            cells = [
                "  " + fit(f"{key}: {name}", name_w),
                fit(display_value(value, r.indicator.unit), value_w),
                fit(r.indicator.target.text.strip().replace("\n", " "), target_w),
                fit(STATUS_WORDS[lang][status], status_w),
            ]
            if colour:
                cells[3] = _status(status, lang, True) + " " * (
                    status_w - width(STATUS_WORDS[lang][status]))
            lines.append(" ".join(cells) + (f" {visible(note)}" if note else "").rstrip())
        lines.append("")
    counts = _counts(report)
    total = sum(counts.values())
    lines.append(f"{w['summary']}: " + ", ".join(
        f"{STATUS_WORDS[lang][s]} {n}" for s, n in counts.items()) + f" ({w['total']} {total})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


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
                f"{_md(display_value(value, r.indicator.unit))} | "
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
    return json_safe(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)) + "\n"


def render_explain(result: IndicatorResult, lang: str = "vi", agency: str | None = None,
                   where: Callable[[str, str], str | None] | None = None, *,
                   hidden_agencies: Collection[str] = (), hidden_why: str = "") -> str:
    """The derivation of one result, readable: formula, terms, inputs by agency, breakdown.

    ``where(agency, fact)`` names the file place a fact came from, when known. The inputs of
    ``hidden_agencies`` are not listed, only counted (with ``hidden_why`` after the count, such
    as " (all with the case's defaults)"): a case over hundreds of agencies lists the few it
    names. With ``agency``, all of it (status, terms, coverage, inputs, breakdown) is worked
    out over the unit of the breakdown that holds the agency, as the header's value is
    (:meth:`~engine.report.IndicatorResult.over_unit`)."""
    if agency is not None:
        result = result.over_unit(agency)
    ind = result.indicator
    unit = ind.unit
    lines = [f"{ind.id}: {ind.name.text(lang)}",
             f"  status: {result.status} ({STATUS_WORDS[lang][result.status]})"]
    if agency is not None:
        for u in result.agencies:  # the one unit the result is now over
            below = f" with {len(u.members)} agencies below it" if u.members else ""
            lines.append(f"  agency {u.agency}{below}: {display_value(u.value, unit)} -> "
                         f"{u.status} ({STATUS_WORDS[lang][u.status]})")
    lines.append(f"  value = {ind.value.text.strip()}")
    for term, v in result.terms:
        lines.append(f"    {term} = {format_value(v)}")
    lines.append(f"        = {format_value(result.value)}"
                 + (f" ({display_value(result.value, unit)})" if unit in ("percent", "rate")
                    else ""))
    for ref, v in result.references.items():
        lines.append(f"    {ref} = {format_value(v)}")
    if ind.applicable is not None:
        lines.append(f"  applicable: {ind.applicable.text.strip()} -> "
                     f"{format_value(result.applicable) if result.applicable is not None else '-'}")
    lines.append(f"  target: {ind.target.text.strip()} -> {format_value(result.target_value)}")
    if result.deadline is not None:
        lines.append(f"  deadline: {result.deadline}")
    for reason in result.reasons:
        lines.append(f"  because: {describe_reason(reason)}")
    for t in result.treated[:10]:
        lines.append(f"  not reported, decided by the plan's rule: {t.fact} of {t.agency} "
                     f"-> {t.rule}")
    if len(result.treated) > 10:
        lines.append(f"  … and {len(result.treated) - 10} more (see the JSON report)")
    cov = result.coverage
    if cov.expected:
        lines.append(f"  coverage: {cov.reported} of {cov.expected} agencies reported"
                     + (f"; missing: {', '.join(cov.missing_agencies[:10])}"
                        + (" …" if len(cov.missing_agencies) > 10 else "")
                        if cov.missing_agencies else ""))
    units = result.agencies
    shown: list[str] = []
    for a in result.inputs:
        facts = result.inputs.get(a)
        if not facts or a in hidden_agencies:
            continue
        shown.append(f"    {a}:")
        for f, v in facts.items():
            place = where(a, f) if where is not None else None
            shown.append(f"      {f} = {format_value(v)}" + (f"   ({place})" if place else ""))
    if shown:
        lines += ["  inputs:", *shown]
    if hidden_agencies:
        n = len(hidden_agencies)
        lines.append(f"    … and {n} more agencies{hidden_why}" if shown else
                     f"  inputs: {n} agencies{hidden_why}, not listed")
    if units:
        lines.append("  breakdown:")
        for u in units:
            extra = f" (+{len(u.members)} below)" if u.members else ""
            lines.append(f"    {u.agency}{extra}: {display_value(u.value, unit)} -> {u.status}")
    return visible_lines("\n".join(lines) + "\n")
