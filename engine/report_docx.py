"""The Word annex (phụ lục) of a report: the numeric tables Sở Nội vụ attaches to its periodic
report to the steering committee and to Bộ Nội vụ. Returns the bytes of a ``.docx`` file and
writes nothing.

    annex = render_docx(report)            # Vietnamese
    annex_en = render_docx(report, "en")

The document follows the layout of administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục
I): A4 portrait, margins 20 mm top and bottom, 30 mm left, 15 mm right, Times New Roman 13 pt,
page numbers centred in the top margin from the second page on. It holds, in order:

* the title block: "PHỤ LỤC", the plan, the decision that issued it, the period with its
  window and the as-of date (and the agency, for a report narrowed to one);
* Biểu 1, the count of each status;
* Biểu 2, one row per indicator, area by area (each area a group row): number, full name,
  target in words, value, status in words;
* Biểu 3, for each indicator with a breakdown by unit, one row per unit, with its name (and its
  district, for a commune), value and status (none in a report narrowed to one agency, whose
  rows are the agency's own);
* the last Biểu, the agencies that have not reported facts the indicators need, by name, with
  those facts and the numbers of the indicators they hold back.

Tables print: every cell has a border, header rows are shaded grey and repeated at the top of
each page, a row never breaks across pages, and a status is always a word (never a colour
alone). Every text from the plan or the facts goes through :func:`engine.escape.visible`
(control and bidirectional characters are written out, ``\\x1b``), and characters XML cannot
hold are written out too, so no name can break the document. The words are in :data:`WORDS`,
and numbers are written by :func:`number` (``99,72%``, ``1.234`` in Vietnamese). The same
report gives the same bytes: the file's dates are the as-of date.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .escape import visible
from .i18n import Words, check
from .nodes import Expr, In, Name, Number, Text
from .numbers import format_number_local
from .render import STATUS_WORDS, agency_name
from .report import STATUSES, IndicatorResult, Report, Status
from .values import Unknown, Value

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table

__all__ = ["WORDS", "number", "render_docx", "target_words"]

#: Every word of the annex, by language (statuses: :data:`engine.render.STATUS_WORDS`).
WORDS = Words("Word annex", {
    "annex": "ANNEX",
    "annex_title": "RESULTS OF THE PLAN'S INDICATORS",
    "decision": "(Plan issued with Decision No. {number})",
    "decision_dated": "(Plan issued with Decision No. {number} of {date})",
    "decision_signed": "(Plan issued with Decision No. {number}, signed by {signer})",
    "decision_dated_signed": "(Plan issued with Decision No. {number} of {date}, signed by "
                             "{signer})",
    "period": "Period: {name} ({start} to {end}); facts as of {as_of}",
    "agency": "Agency: {name}",
    "table": "Table {n}. {title}",
    "summary": "Summary",
    "indicators": "Indicators by area",
    "breakdowns": "Results by agency",
    "breakdowns_note": "The indicators measured agency by agency; each is numbered as in Table "
                       "{n}.",
    "not_reported": "Agencies that have not reported",
    "coverage": "Reported every fact due: {reported} of {due} agencies.",
    "all_reported": "Every agency reported every fact due in this period.",
    "no_indicators": "The report has no indicators.",
    "stt": "No.",
    "indicator": "Indicator",
    "target": "Target",
    "value": "Value",
    "status": "Status",
    "count": "Indicators",
    "total": "Total",
    "unit": "Agency",
    "facts": "Facts not reported",
    "needed_by": "Indicators (No.)",
    "overall": "Target: {target}. Overall: {value} ({status}).",
    "units": "Units: {n} ({counts}).",
    "below": "with {n} agencies below it",
    "below_1": "with 1 agency below it",
    "deadline": "(deadline: {date})",
    "yes": "yes",
    "no": "no",
    "unknown": "—",
    "true": "achieved",
    "in": "one of: {options}",
    ">": "more than {n}",
    ">=": "at least {n}",
    "<": "less than {n}",
    "<=": "at most {n}",
    "==": "exactly {n}",
    "full": "{n}",
    "range": "{low} to {high}",
})

_FONT = "Times New Roman"
_SIZE = 13  # points: the body text of administrative documents (NĐ 30/2020, 13 to 14)
_HEADER_FILL = "D9D9D9"  # grey that prints in black and white
_GROUP_FILL = "F2F2F2"
#: column widths in millimetres; each table spans the 165 mm between the margins
_INDICATOR_COLUMNS = (11, 76, 30, 22, 26)
_UNIT_COLUMNS = (11, 90, 30, 34)
_MISSING_COLUMNS = (11, 55, 67, 32)
_SUMMARY_COLUMNS = (90, 40)
_ROMAN = (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90),
          ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))
#: what :func:`engine.escape.visible` leaves but XML 1.0 cannot hold (U+FFFE, U+FFFF)
_NOT_XML = re.compile("[\ufffe\uffff]")


def _t(text: str) -> str:
    """Text from a plan, facts or these words as the document holds it: on one line, control
    and bidirectional characters written out (:func:`engine.escape.visible`), and characters
    that XML cannot hold written out the same way."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(text))


def _words(lang: str) -> Mapping[str, str]:
    return WORDS[check(lang, "render_docx(lang=)")]


# -- numbers, dates and values -------------------------------------------------------------------

def number(value: int | Fraction, lang: str = "vi", places: int = 2) -> str:
    """A number as people read it in ``lang`` (:func:`engine.numbers.format_number_local`),
    rounded half away from zero to at most ``places`` decimals: ``1.234,5`` in Vietnamese
    (thousands with a dot, decimals with a comma), ``1,234.5`` in English.

        >>> number(Fraction(12345, 10)), number(Fraction(12345, 10), "en"), number(-1000000)
        ('1.234,5', '1,234.5', '-1.000.000')
    """
    return format_number_local(value, lang, places=places)


def _percent(value: int | Fraction, lang: str) -> str:
    return number(Fraction(value) * 100, lang) + "%"


def _status(lang: str, status: Status) -> str:
    """A status in words, capitalised as a table cell is: ``Đạt``, ``Not met``."""
    word = STATUS_WORDS[lang][status]
    return word[:1].upper() + word[1:]


def _date(day: dt.date, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def _value(value: Value, unit: str, lang: str) -> str:
    """A value as the annex shows it: shares and rates as percentages, numbers the way of
    ``lang``, yes or no, dates day first in Vietnamese."""
    w = _words(lang)
    if isinstance(value, Unknown):
        return w["unknown"]
    if isinstance(value, bool):
        return w["yes"] if value else w["no"]
    if isinstance(value, dt.date):
        return _date(value, lang)
    if isinstance(value, str):
        return _t(value)
    if unit in ("percent", "rate"):
        return _percent(value, lang)
    return number(value, lang)


def _target_number(node: Number, lang: str) -> str:
    return _percent(node.value, lang) if node.percent else number(node.value, lang)


def _option(node: Expr, lang: str) -> str | None:
    if isinstance(node, Text):
        return _t(node.value)
    if isinstance(node, Number):
        return _target_number(node, lang)
    return None


def target_words(result: IndicatorResult, lang: str = "vi") -> str:
    """The target of ``result``'s indicator in words: ``trên 99%``, ``từ 85% trở lên``,
    ``100%``, ``từ 8% đến 10%``, ``Hoàn thành`` (a yes-or-no target), ``một trong: A, B``;
    the formula itself for any other target. The deadline follows, when there is one."""
    from .wording import bounds

    w = _words(lang)
    expr = result.indicator.target.expr
    found = bounds(expr)
    said: str | None = None
    if found:
        def n(i: int) -> str:
            b = found[i]
            return _percent(b.value, lang) if b.percent else number(b.value, lang)

        ops = [b.op for b in found]
        if ops == [">=", "<="] or ops == ["<=", ">="]:
            low, high = (0, 1) if ops[0] == ">=" else (1, 0)
            said = w["range"].format(low=n(low), high=n(high))
        elif len(found) == 1:
            b = found[0]
            key = "full" if b.op == "==" and b.percent and b.value == 1 else b.op
            said = w[key].format(n=n(0))
    elif isinstance(expr, Name) and expr.name == "value":
        said = w["true"]
    elif isinstance(expr, In) and isinstance(expr.item, Name) and expr.item.name == "value":
        options = [_option(o, lang) for o in expr.options]
        if all(o is not None for o in options):
            said = w["in"].format(options=", ".join(o for o in options if o is not None))
    if said is None:
        said = _t(" ".join(result.indicator.target.text.split()))
    if result.deadline is not None:
        said += " " + w["deadline"].format(date=_date(result.deadline, lang))
    return said


# -- what the annex says -------------------------------------------------------------------------

def _roman(n: int) -> str:
    out = ""
    for letters, size in _ROMAN:
        while n >= size:
            out, n = out + letters, n - size
    return out


def _agency_name(report: Report, agency: str, lang: str) -> str:
    """An agency's name, with its district for a commune (:func:`engine.render.agency_name`)."""
    return agency_name(report.plan, agency, lang)


def _shown(report: Report, r: IndicatorResult) -> tuple[Value, Status]:
    """The value and status of a row: the agency's own when the report is narrowed to one."""
    if report.agency is not None and r.agencies:
        return r.agencies[0].value, r.agencies[0].status
    return r.value, r.status


def _not_reported(report: Report, numbers: dict[str, int]
                  ) -> tuple[int, dict[str, tuple[list[str], list[int]]]]:
    """How many agencies owed facts to the report's indicators, and for each that did not
    report them all: the facts missing and the numbers of the indicators that needed them
    (the rule of :attr:`IndicatorResult.coverage`)."""
    plan = report.plan
    within: set[str] | None = None
    if report.agency is not None:
        within = {report.agency, *plan.descendants(report.agency)}
    due: set[str] = set()
    missing: dict[str, tuple[list[str], list[int]]] = {}
    for r in report.results:
        facts = [f for f in r.indicator.facts if report.period in plan.facts[f].periods]
        for row in r.context.population:
            if within is not None and row.agency not in within:
                continue
            owed = [f for f in facts if row.agency in plan.facts[f].reporters]
            if not owed:
                continue
            due.add(row.agency)
            absent = [f for f in owed if f not in row.facts]
            if absent:
                facts_of, indicators = missing.setdefault(row.agency, ([], []))
                facts_of += [f for f in absent if f not in facts_of]
                if numbers[r.id] not in indicators:
                    indicators.append(numbers[r.id])
    order = {a: i for i, a in enumerate(plan.agencies)}
    return len(due), dict(sorted(missing.items(), key=lambda kv: order[kv[0]]))


# -- the document --------------------------------------------------------------------------------

def render_docx(report: Report, lang: str = "vi") -> bytes:
    """The annex of ``report`` as the bytes of a Word (``.docx``) file, in ``lang`` (``"vi"``
    or ``"en"``; names fall back to Vietnamese where the plan has no English); another ``lang``
    raises :class:`~engine.diagnostics.ArgumentError` (``E805``)."""
    import docx

    lang = check(lang, "render_docx(lang=)")

    w = _words(lang)
    doc = docx.Document()
    _setup(doc, report, lang)
    _title(doc, report, lang)
    numbers = {r.id: i for i, r in enumerate(report.results, 1)}
    tables = 0

    def heading(title: str) -> None:  # Biểu 1, Biểu 2, ...
        nonlocal tables
        tables += 1
        doc.add_paragraph(_t(w["table"].format(n=tables, title=title)), style="Annex Heading")

    heading(w["summary"])
    _summary(doc, report, lang)
    heading(w["indicators"])
    indicators_table = tables
    _indicators(doc, report, numbers, lang)
    broken_down = [r for r in report.results if r.agencies] if report.agency is None else []
    if broken_down:
        heading(w["breakdowns"])
        doc.add_paragraph(_t(w["breakdowns_note"].format(n=indicators_table)))
        for r in broken_down:
            _breakdown(doc, report, r, numbers[r.id], lang)
    heading(w["not_reported"])
    _missing(doc, report, numbers, lang)
    return _stable_zip(doc, report.as_of)


def _setup(doc: Document, report: Report, lang: str) -> None:
    """A4 portrait with the margins, font and page numbers of NĐ 30/2020; the styles."""
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)

    # the defaults every style inherits: the font (not the theme's), its size, the language
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None \
        else None
    if r_pr is not None:
        for child in list(r_pr):
            r_pr.remove(child)
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), _FONT)
        size, size_cs, language = OxmlElement("w:sz"), OxmlElement("w:szCs"), \
            OxmlElement("w:lang")
        size.set(qn("w:val"), str(_SIZE * 2))
        size_cs.set(qn("w:val"), str(_SIZE * 2))
        language.set(qn("w:val"), "vi-VN" if lang == "vi" else "en-GB")
        r_pr.extend([fonts, size, size_cs, language])

    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(_SIZE)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.0
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def style(name: str, *, bold: bool = False, italic: bool = False,
              centre: bool = False, before: int = 0, after: int = 6,
              outline: int | None = None, keep: bool = False) -> None:
        s = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.font.bold, s.font.italic = bold, italic
        f = s.paragraph_format
        f.space_before, f.space_after = Pt(before), Pt(after)
        f.keep_with_next = keep
        if centre:
            f.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if outline is not None:  # shown in Word's navigation pane and table of contents
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(outline))
            s.element.get_or_add_pPr().insert_element_before(
                level, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")

    style("Annex Title", bold=True, centre=True, after=0, keep=True)
    style("Annex Subtitle", bold=True, centre=True, after=0, keep=True)
    style("Annex Note", italic=True, centre=True, after=0, keep=True)
    style("Annex Heading", bold=True, before=12, outline=0, keep=True)
    style("Annex Subheading", bold=True, before=6, outline=1, keep=True)
    style("Table Text", after=0)
    style("Table Header", bold=True, centre=True, after=0)

    # page numbers: centred in the top margin, none on the first page
    section.different_first_page_header_footer = True
    number_line = section.header.paragraphs[0]
    number_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    number_line._p.append(field)

    props = doc.core_properties
    props.title = _t(f"{WORDS[lang]['annex']}: {report.plan.title.text(lang)}")
    props.subject = _t(report.plan.id)
    props.author = props.last_modified_by = "cchc"
    props.language = "vi-VN" if lang == "vi" else "en-GB"
    props.comments = props.keywords = props.category = ""
    props.revision = 1
    stamp = dt.datetime(report.as_of.year, report.as_of.month, report.as_of.day,
                        tzinfo=dt.UTC)
    props.created = props.modified = stamp
    package = doc.part.package  # without the template's thumbnail, a page of another document
    for key, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package.rels[key]


def _title(doc: Document, report: Report, lang: str) -> None:
    w = _words(lang)
    plan = report.plan
    period = plan.periods[report.period]
    doc.add_paragraph(_t(w["annex"]), style="Annex Title")
    doc.add_paragraph(_t(w["annex_title"]), style="Annex Title")
    doc.add_paragraph(_t(plan.title.text(lang)), style="Annex Subtitle")
    if plan.decision is not None:
        d = plan.decision
        key = "decision" + ("_dated" if d.date else "") + ("_signed" if d.signer else "")
        doc.add_paragraph(_t(w[key].format(number=d.number, signer=d.signer,
                                           date=_date(d.date, lang) if d.date else "")),
                          style="Annex Note")
    doc.add_paragraph(_t(w["period"].format(
        name=period.name.text(lang), start=_date(period.start, lang),
        end=_date(period.end, lang), as_of=_date(report.as_of, lang))), style="Annex Note")
    if report.agency is not None:
        doc.add_paragraph(_t(w["agency"].format(name=_agency_name(report, report.agency, lang))),
                          style="Annex Note")


def _summary(doc: Document, report: Report, lang: str) -> None:
    w = _words(lang)
    counts: dict[Status, int] = {s: 0 for s in STATUSES}
    for r in report.results:
        counts[_shown(report, r)[1]] += 1
    table = _Grid(doc, _SUMMARY_COLUMNS, [w["status"], w["count"]])
    for status, n in counts.items():
        table.row([_status(lang, status), number(n, lang)], aligns=("left", "center"))
    table.row([w["total"], number(len(report.results), lang)], aligns=("left", "center"),
              bold=True)


def _indicators(doc: Document, report: Report, numbers: dict[str, int], lang: str) -> None:
    w = _words(lang)
    if not report.results:
        doc.add_paragraph(_t(w["no_indicators"]))
        return
    table = _Grid(doc, _INDICATOR_COLUMNS, [w["stt"], w["indicator"], w["target"], w["value"],
                                             w["status"]])
    group = 0
    for area in report.plan.areas.values():
        rows = [r for r in report.results if r.indicator.area == area.id]
        if not rows:
            continue
        group += 1
        table.group(_roman(group), area.name.text(lang))
        for r in rows:
            value, status = _shown(report, r)
            table.row([number(numbers[r.id], lang), r.indicator.name.text(lang),
                       target_words(r, lang), _value(value, r.indicator.unit, lang),
                       _status(lang, status)],
                      aligns=("center", "left", "left", "center", "center"),
                      strong=status == "not_met")


def _breakdown(doc: Document, report: Report, r: IndicatorResult, n: int, lang: str) -> None:
    w = _words(lang)
    unit = r.indicator.unit
    doc.add_paragraph(_t(f"{number(n, lang)}. {r.indicator.name.text(lang)}"),
                      style="Annex Subheading")
    counts: dict[str, int] = {}
    for a in r.agencies:
        counts[a.status] = counts.get(a.status, 0) + 1
    said = "; ".join(f"{_status(lang, s)} {number(counts[s], lang)}" for s in STATUSES
                     if s in counts)
    doc.add_paragraph(_t(w["overall"].format(target=target_words(r, lang),
                                             value=_value(r.value, unit, lang),
                                             status=_status(lang, r.status)))
                      ).paragraph_format.keep_with_next = True
    note = doc.add_paragraph(_t(w["units"].format(n=number(len(r.agencies), lang),
                                                  counts=said)))
    note.paragraph_format.keep_with_next = True
    table = _Grid(doc, _UNIT_COLUMNS, [w["stt"], w["unit"], w["value"], w["status"]])
    for i, a in enumerate(r.agencies, 1):
        name = _agency_name(report, a.agency, lang)
        if a.members:
            below = w["below_1"] if len(a.members) == 1 else w["below"]
            name += f" ({below.format(n=number(len(a.members), lang))})"
        table.row([number(i, lang), name, _value(a.value, unit, lang), _status(lang, a.status)],
                  aligns=("center", "left", "center", "center"), strong=a.status == "not_met")


def _missing(doc: Document, report: Report, numbers: dict[str, int], lang: str) -> None:
    w = _words(lang)
    due, missing = _not_reported(report, numbers)
    if not missing:
        doc.add_paragraph(_t(w["all_reported"]))
        return
    doc.add_paragraph(_t(w["coverage"].format(reported=number(due - len(missing), lang),
                                              due=number(due, lang))))
    table = _Grid(doc, _MISSING_COLUMNS, [w["stt"], w["unit"], w["facts"], w["needed_by"]])
    facts = report.plan.facts
    for i, (agency, (absent, indicators)) in enumerate(missing.items(), 1):
        table.row([number(i, lang), _agency_name(report, agency, lang),
                   "; ".join(facts[f].label.text(lang) for f in absent),
                   ", ".join(number(k, lang) for k in sorted(indicators))],
                  aligns=("center", "left", "left", "center"))


# -- tables --------------------------------------------------------------------------------------

class _Grid:
    """A bordered table of fixed column widths whose header row, shaded, repeats at the top of
    every page; :meth:`row` appends a row that never breaks across pages.

    Rows are built element by element in the order the schema gives them (python-docx's cell
    API looks every property up anew: seconds for the 204 communes of a breakdown)."""

    def __init__(self, doc: Document, widths_mm: Sequence[int], header: Sequence[str]) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm

        self.table: Table = doc.add_table(rows=0, cols=len(widths_mm), style="Table Grid")
        self.table.autofit = False
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = [Mm(width) for width in widths_mm]
        for column, width in zip(self.table.columns, widths, strict=True):
            column.width = width
        self.twips = [int(width.twips) for width in widths]
        self.styles = {name: doc.styles[name].style_id for name in ("Table Text", "Table Header")}
        self.row(header, aligns=["center"] * len(header), style="Table Header",
                 fill=_HEADER_FILL, header=True)

    def row(self, texts: Sequence[str], *, aligns: Sequence[str], style: str = "Table Text",
            fill: str | None = None, bold: bool = False, strong: bool = False,
            header: bool = False, spans: Sequence[int] | None = None) -> None:
        """Append a row of ``texts`` (each through :func:`_t`), cell ``i`` spanning
        ``spans[i]`` columns. ``header`` marks the row to repeat on every page
        (``w:tblHeader``). ``strong`` makes the last cell (a status that is not met) bold: a
        second sign besides the word itself, which prints in black and white."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def sub(parent: Any, tag: str, **attrs: str) -> Any:
            child = parent.makeelement(qn(tag), {qn(f"w:{k}"): v for k, v in attrs.items()})
            parent.append(child)
            return child

        tr = OxmlElement("w:tr")
        tr_pr = sub(tr, "w:trPr")
        sub(tr_pr, "w:cantSplit")
        if header:
            sub(tr_pr, "w:tblHeader", val="true")
        column = 0
        last = len(texts) - 1
        for i, (text, align) in enumerate(zip(texts, aligns, strict=True)):
            span = spans[i] if spans is not None else 1
            width = sum(self.twips[column:column + span])
            column += span
            tc = sub(tr, "w:tc")
            tc_pr = sub(tc, "w:tcPr")
            sub(tc_pr, "w:tcW", w=str(width), type="dxa")
            if span > 1:
                sub(tc_pr, "w:gridSpan", val=str(span))
            if fill is not None:
                sub(tc_pr, "w:shd", val="clear", color="auto", fill=fill)
            sub(tc_pr, "w:vAlign", val="center")
            p = sub(tc, "w:p")
            p_pr = sub(p, "w:pPr")
            sub(p_pr, "w:pStyle", val=self.styles[style])
            sub(p_pr, "w:jc", val="center" if align == "center" else "left")
            r = sub(p, "w:r")
            if bold or (strong and i == last):
                sub(sub(r, "w:rPr"), "w:b")
            t = sub(r, "w:t")
            t.text = _t(text)
            t.set(qn("xml:space"), "preserve")
        self.table._tbl.append(tr)

    def group(self, key: str, title: str) -> None:
        """An area's row: its Roman numeral, then its name across the other columns, shaded."""
        self.row([key, title], aligns=["center", "left"], bold=True, fill=_GROUP_FILL,
                 spans=[1, len(self.twips) - 1])


# -- the file ------------------------------------------------------------------------------------

def _stable_zip(doc: Document, day: dt.date) -> bytes:
    """The document's bytes, the same for the same report: the zip entries are stamped with
    ``day`` (python-docx stamps them with the time of writing)."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
