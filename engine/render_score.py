"""A :class:`~engine.scoring.ScoreReport` for people and tools: the ranking of each block as a
table, Markdown, CSV, JSON, one HTML page or an Excel workbook; the explanation of one unit;
the criteria where appraisal changed the self-assessment. Pure functions returning strings
(bytes for Excel).

Numbers for people go through :func:`engine.numbers.format_number_local` (``92,6%`` in
Vietnamese); JSON and CSV keep the machine form. Text from the scorecard, the plan and the fact
files is shown through :mod:`engine.escape`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from .escape import csv_row, json_safe, markdown_inline, visible
from .i18n import Words
from .messages import describe_reason
from .numbers import format_number_local
from .render import fit, width
from .scorecard import Stage
from .scoring import BlockResult, CriterionScore, ScoreReport, StageChange, UnitScore
from .values import Unknown, Value, format_number

__all__ = [
    "render_score_csv",
    "render_score_html",
    "render_score_json",
    "render_score_markdown",
    "render_score_table",
    "render_score_xlsx",
    "render_stage_changes",
    "render_unit",
    "render_unit_json",
]

WORDS = Words("scorecard", {
    "rank": "Rank",
    "unit": "Unit",
    "points": "Points",
    "max": "Maximum",
    "index": "Index",
    "group": "Group",
    "average": "Average",
    "criterion": "Criterion",
    "input": "Input",
    "rule": "Rule",
    "lost": "Points lost",
    "not_applicable": "not applicable",
    "unknown": "unknown",
    "missing": "missing",
    "bonus": "Bonus",
    "penalty": "Penalty",
    "total": "Total",
    "stage": "Stage",
    "from": "from",
    "to": "to",
    "no_changes": "Appraisal changed no criterion's self-assessed points.",
    "changes": "Criteria where appraisal changed the self-assessment",
    "block": "Block",
    "period": "Period",
    "rounded": "rounded",
    "deduction": "deducted",
    "at": "at",
    "unranked": "not ranked",
    "scorecard": "Scorecard",
    "absent": "not given",
    "final": "final points after deductions",
})


def _num(value: Value, lang: str) -> str:
    if isinstance(value, Unknown):
        return "?"
    if isinstance(value, bool):
        return {"vi": {True: "có", False: "không"}, "en": {True: "yes", False: "no"}}[lang][value]
    if isinstance(value, int | Fraction):
        return format_number_local(value, lang, places=2)
    return str(value)


def _pct(value: Value, lang: str) -> str:
    if isinstance(value, Unknown | bool) or not isinstance(value, int | Fraction):
        return "?"
    return format_number_local(Fraction(value) * 100, lang, places=2) + "%"


def _heading(report: ScoreReport, lang: str) -> str:
    card = report.scorecard
    period = report.plan.periods[report.period].name.text(lang)
    return f"{card.title.text(lang)} · {period}"


def _rows(block: BlockResult, lang: str) -> list[list[str]]:
    w = WORDS[lang]
    rows = []
    for u in block.units:
        rows.append([str(u.rank) if u.rank is not None else "-", u.name.text(lang),
                     _num(u.total, lang), _num(u.applicable_max, lang), _pct(u.index, lang),
                     u.group or "-"])
    rows.append(["", w["average"], _num(block.average_points, lang), "",
                 _pct(block.average_index, lang), ""])
    return rows


def _missing_note(u: UnitScore, lang: str) -> str:
    w = WORDS[lang]
    parts = [f"{f} ({a})" for a, f in u.missing[:6]]
    if len(u.missing) > 6:
        parts.append("…")
    reasons = u.reasons
    return f"{u.name.text(lang)}: " + "; ".join(
        ([f"{w['missing']} " + ", ".join(parts)] if parts else []) + reasons)


def render_score_table(report: ScoreReport, lang: str = "vi") -> str:
    """The ranking of each block as a table for a terminal."""
    w = WORDS[lang]
    out = [visible(_heading(report, lang))]
    head = [w["rank"], w["unit"], w["points"], w["max"], w["index"], w["group"]]
    for block in report.blocks:
        rows = _rows(block, lang)
        sizes = [max(width(r[i]) for r in [head, *rows]) for i in range(len(head))]
        sizes[1] = min(sizes[1], 40)
        out.append("")
        out.append(visible(f"{w['block']}: {block.block.name.text(lang)}"))
        for r in [head, *rows]:
            cells = [fit(r[0], sizes[0]), fit(r[1], sizes[1])]
            cells += [" " * (sizes[i] - width(r[i])) + r[i] for i in (2, 3, 4)]
            cells.append(fit(r[5], sizes[5]))
            out.append("  ".join(cells).rstrip())
        for u in block.units:
            if u.rank is None:
                out.append(visible(f"  {w['unranked']}: {_missing_note(u, lang)}"))
    return "\n".join(out) + "\n"


def render_score_markdown(report: ScoreReport, lang: str = "vi") -> str:
    """The ranking of each block as Markdown tables."""
    w = WORDS[lang]
    out = [f"# {markdown_inline(_heading(report, lang))}"]
    for block in report.blocks:
        out += ["", f"## {markdown_inline(block.block.name.text(lang))}", "",
                f"| {w['rank']} | {w['unit']} | {w['points']} | {w['max']} | {w['index']} | "
                f"{w['group']} |", "|---:|---|---:|---:|---:|---|"]
        for r in _rows(block, lang):
            out.append("| " + " | ".join(markdown_inline(c) for c in r) + " |")
        for u in block.units:
            if u.rank is None:
                out.append("")
                out.append(f"- {w['unranked']}: {markdown_inline(_missing_note(u, lang))}")
    return "\n".join(out) + "\n"


def render_score_csv(report: ScoreReport, *, bom: bool = False) -> str:
    """One row per unit: block, rank, unit, name, points, applicable maximum, index, group."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["block", "rank", "unit", "name", "points", "applicable_max", "index",
                     "group", "missing"])
    for block in report.blocks:
        for u in block.units:
            writer.writerow(csv_row([
                block.id, "" if u.rank is None else str(u.rank), u.unit, u.name.vi,
                _machine(u.total), _machine(u.applicable_max), _machine(u.index),
                u.group or "", " ".join(f"{a}.{f}" for a, f in u.missing)]))
    return ("\ufeff" if bom else "") + buf.getvalue()


def _machine(value: Value) -> str:
    if isinstance(value, Unknown):
        return ""
    if isinstance(value, Fraction):
        return format_number(value, places=10 if value.denominator > 10**10 else None) \
            if _finite(value) else format_number(value, places=10)
    return str(value)


def _finite(x: Fraction) -> bool:
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def render_score_json(report: ScoreReport) -> str:
    """``report.to_dict()`` as JSON (text from files escaped by :func:`json_safe`)."""
    return json_safe(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)) + "\n"


def render_unit_json(unit: UnitScore) -> str:
    return json_safe(json.dumps(unit.to_dict(), ensure_ascii=False, indent=2)) + "\n"


def _criterion_lines(c: CriterionScore, lang: str, stages: Sequence[Stage]) -> list[str]:
    w = WORDS[lang]
    crit = c.criterion
    indent = "  " * crit.level
    title = f"{indent}{crit.id} {crit.name.text(lang)}"
    if c.status == "not_applicable":
        return [f"{title}: {w['not_applicable']} ({c.why})"]
    head = f"{title}: {_num(c.points, lang)}/{_num(c.max, lang)}"
    lost = c.lost
    if c.status == "scored" and not isinstance(lost, Unknown) and lost:
        head += f" ({w['lost']}: {_num(lost, lang)})"
    lines = [head]
    if not crit.scored:
        return lines
    pad = indent + "    "
    if c.why:
        lines.append(f"{pad}{c.why}")
    for s in c.stages:
        stage = next((st.name.text(lang) for st in stages if st.id == s.stage), "")
        label = f"{stage}: " if stage else ""
        if stage and isinstance(s.input, Unknown):
            lines.append(f"{pad}{label}{w['absent']}")
            continue
        lines.append(f"{pad}{label}{w['input']} {_shown(s.input, lang)} -> "
                     f"{w['points']} {_num(s.points, lang)}")
    for i in c.inputs:
        where = f" ({w['at']} {i.where})" if i.where else ""
        lines.append(f"{pad}{i.name} = {_shown(i.value, lang)}{where}")
    if crit.rule is not None:
        lines.append(f"{pad}{w['rule']}: {crit.rule.describe()}")
    for d, applied in c.deductions:
        if applied:
            lines.append(f"{pad}{w['deduction']} {_num(d.points, lang)}: "
                         f"{d.text or d.when.text.strip()}")
    if c.rounded is not None:
        r = c.rounded
        lines.append(f"{pad}{w['rounded']}: {_exact(r.before, lang)} -> {_num(r.after, lang)} "
                     f"({r.rounding.places}, {r.rounding.mode})")
    if isinstance(c.points, Unknown):
        lines.append(f"{pad}" + "; ".join(describe_reason(r) for r in c.points.sorted_reasons()))
    return lines


def _exact(value: int | Fraction, lang: str) -> str:
    return format_number_local(value, lang, places=None)


def _shown(value: Value, lang: str) -> str:
    if isinstance(value, Unknown):
        return "?"
    if isinstance(value, str):
        return f'"{value}"'
    return _num(value, lang)


def render_unit(report: ScoreReport, unit: str, lang: str = "vi") -> str:
    """Every criterion of one unit: input and where it was written, the rule, points and
    maximum, points lost; then bonus, penalty, total, index, group and rank."""
    w = WORDS[lang]
    u = report.unit(unit)
    stages = report.scorecard.stages
    out = [visible(_heading(report, lang)),
           visible(f"{u.name.text(lang)} ({u.unit}) · {w['block']}: "
                   f"{report.scorecard.blocks[u.block].name.text(lang)}"), ""]
    for c in u.criteria:
        out += [visible(line) for line in _criterion_lines(c, lang, stages)]
    out.append("")
    for kind, iid, v in u.adjustments:
        out.append(visible(f"{w[kind]} ({iid}): {_num(v, lang)}"))
    out.append(f"{w['bonus']}: {_num(u.bonus, lang)} · {w['penalty']}: {_num(u.penalty, lang)}")
    out.append(f"{w['total']}: {_num(u.total, lang)}/{_num(u.applicable_max, lang)} · "
               f"{w['index']}: {_pct(u.index, lang)} · {w['group']}: {u.group or '-'} · "
               f"{w['rank']}: {u.rank if u.rank is not None else '-'}")
    for r in u.rounded:
        if r.what in ("total", "index"):
            out.append(f"{w['rounded']} {r.what}: {_machine(r.before)} -> {_machine(r.after)} "
                       f"({r.rounding.places}, {r.rounding.mode})")
    if u.rank is None:
        out.append(visible(_missing_note(u, lang)))
    return "\n".join(out) + "\n"


def render_stage_changes(report: ScoreReport, lang: str = "vi") -> str:
    """Every criterion of every unit where appraisal changed the self-assessment."""
    w = WORDS[lang]
    changes: Sequence[StageChange] = report.stage_changes()
    out = [visible(_heading(report, lang)), ""]
    if not changes:
        return "\n".join([*out, w["no_changes"]]) + "\n"
    out.append(w["changes"] + ":")
    names = {s.id: s.name.text(lang) for s in report.scorecard.stages}
    for ch in changes:
        unit = report.plan.agencies[ch.unit].name.text(lang)
        crit = report.scorecard.criteria[ch.criterion]
        diff = ""
        if not isinstance(ch.before, Unknown | str | bool) and \
                not isinstance(ch.after, Unknown | str | bool):
            d = Fraction(ch.after) - Fraction(ch.before)  # type: ignore[arg-type]
            diff = f" ({'+' if d > 0 else ''}{_num(d, lang)})"
        out.append(visible(
            f"- {unit}, {crit.id} {crit.name.text(lang)}: {names.get(ch.before_stage, '')} "
            f"{_num(ch.before, lang)} -> {names.get(ch.after_stage, '')} "
            f"{_num(ch.after, lang)}{diff}{_final(ch, lang)}"))
    return "\n".join(out) + "\n"


def _final(ch: StageChange, lang: str) -> str:
    """``; final points after deductions -0.25`` when deductions, the floor or rounding made
    the criterion's points other than what the last stage's rule gave; else nothing."""
    if ch.final_points == ch.after:
        return ""
    return f"; {WORDS[lang]['final']} {_num(ch.final_points, lang)}"


def render_score_html(report: ScoreReport, lang: str = "vi") -> str:
    """The ranking of each block and the stage changes as one self-contained HTML page."""
    from .report_html import environment

    w = WORDS[lang]
    blocks = [{"name": b.block.name.text(lang), "rows": _rows(b, lang),
               "unranked": [_missing_note(u, lang) for u in b.units if u.rank is None]}
              for b in report.blocks]
    names = {s.id: s.name.text(lang) for s in report.scorecard.stages}
    changes = [[report.plan.agencies[c.unit].name.text(lang), c.criterion,
                f"{names.get(c.before_stage, '')} {_num(c.before, lang)}",
                f"{names.get(c.after_stage, '')} {_num(c.after, lang)}{_final(c, lang)}"]
               for c in report.stage_changes()]
    page = {"lang": lang, "title": _heading(report, lang), "w": w, "blocks": blocks,
            "source": report.scorecard.source or "", "changes": changes,
            "head": [w["rank"], w["unit"], w["points"], w["max"], w["index"], w["group"]]}
    return str(environment().get_template("score.html.j2").render(page=page))


def render_score_xlsx(report: ScoreReport, lang: str = "vi") -> bytes:
    """An Excel workbook: one sheet per block (the ranking) and a sheet of every unit's
    criteria (points and maximum)."""
    import datetime as dt
    import zipfile

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    from .render_xlsx import put_text

    w = WORDS[lang]
    wb = Workbook()
    first = wb.active
    assert first is not None
    for i, block in enumerate(report.blocks):
        ws = first if i == 0 else wb.create_sheet()
        ws.title = _sheet_title(block.block.name.text(lang), i)
        put_text(ws, 1, 1, _heading(report, lang)).font = Font(bold=True)
        put_text(ws, 2, 1, block.block.name.text(lang))
        head = [w["rank"], w["unit"], w["points"], w["max"], w["index"], w["group"]]
        for col, h in enumerate(head, start=1):
            put_text(ws, 4, col, h).font = Font(bold=True)
        row = 5
        for u in block.units:
            _cell(ws, row, 1, u.rank)
            put_text(ws, row, 2, u.name.text(lang))
            _cell(ws, row, 3, _float(u.total), "0.00")
            _cell(ws, row, 4, _float(u.applicable_max), "0.00")
            _cell(ws, row, 5, _float(u.index), "0.00%")
            put_text(ws, row, 6, u.group or "")
            row += 1
        put_text(ws, row, 2, w["average"]).font = Font(bold=True)
        _cell(ws, row, 3, _float(block.average_points), "0.00")
        _cell(ws, row, 5, _float(block.average_index), "0.00%")
        ws.column_dimensions["B"].width = 40
    ws = wb.create_sheet(w["criterion"])
    units = [u for b in report.blocks for u in b.units]
    put_text(ws, 1, 1, w["criterion"]).font = Font(bold=True)
    put_text(ws, 1, 2, w["max"]).font = Font(bold=True)
    for col, u in enumerate(units, start=3):
        put_text(ws, 1, col, u.name.text(lang)).font = Font(bold=True)
    for row, c in enumerate(report.scorecard.criteria.values(), start=2):
        put_text(ws, row, 1, f"{c.id} {c.name.text(lang)}")
        _cell(ws, row, 2, float(c.max), "0.00")
        for col, u in enumerate(units, start=3):
            s = u.criterion(c.id)
            if s.status == "not_applicable":
                put_text(ws, row, col, "-")
            else:
                _cell(ws, row, col, _float(s.points), "0.00")
    ws.column_dimensions["A"].width = 50
    when = dt.datetime.combine(report.plan.periods[report.period].due, dt.time())
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = "cchc"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _sheet_title(name: str, i: int) -> str:
    bad = set("[]:*?/\\")
    clean = "".join(ch for ch in name if ch not in bad).strip() or f"Block {i + 1}"
    return clean[:31]


def _float(value: Value) -> float | None:
    if isinstance(value, Unknown | bool) or not isinstance(value, int | Fraction):
        return None
    return float(value)


def _cell(ws: Any, row: int, col: int, value: object, fmt: str | None = None) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if fmt is not None:
        cell.number_format = fmt
