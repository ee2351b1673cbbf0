"""What fact files say: the YAML/JSON and CSV formats read into entries, before any check.

An :class:`Entry` is one ``agency / fact / value`` as written, each part with its
:class:`Place` (a span of the file, or a label for data in memory); a :class:`FactFile` also
holds the plan and the periods the file states. Nothing here knows the plan: checking entries
against it is :func:`engine.facts.check_entries`, used for fact files, plan test cases
(:mod:`engine.cases`, which builds entries the same way) and data in memory alike.

The formats (see ``docs/facts.md``):

* YAML and JSON: ``{plan: ID, period: ID, agencies: {AGENCY: {FACT: VALUE, ...}, ...}}``;
* CSV in long form: a header with ``agency,fact,value`` (and optionally ``period``, ``label``,
  ``note``), one row per fact (cells located by :mod:`engine.csvsrc`);
* an Excel workbook (``.xlsx``) laid out as :mod:`engine.xlsx_template` writes it: header rows
  naming the plan, the period and the agency by id, then a table with one row per fact, its id
  in the first column and its value in the column headed ``Giá trị`` (cells read and located
  by :mod:`engine.xlsxsrc`; the words of the layout are :data:`XLSX_WORDS`).

An empty value (plain ``~``, ``null`` or nothing, or a blank text in any style, ``""`` too) is
"not reported": :func:`is_null`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING

from .diagnostics import Collector, Diagnostic, did_you_mean
from .files import nfc
from .i18n import N_, _
from .lazyre import lazy
from .messages import show
from .source import Source, Span

# The readers of CSV and of values (engine.csvsrc, engine.fact_values) are imported where a file
# is read: the warm main job gets its facts from the cache and uses this module for its classes.
if TYPE_CHECKING:  # PyYAML only where a file is read through it: not for a plain fact file
    import yaml

    from .csvsrc import Record
    from .xlsxsrc import Cell, Sheet
    from .yamlsrc import YNode

__all__ = [
    "CSV_OPTIONAL",
    "CSV_REQUIRED",
    "XLSX_WORDS",
    "CsvPlace",
    "DeferredPlace",
    "Entry",
    "FactFile",
    "LazyPlace",
    "Place",
    "Stated",
    "Table",
    "is_blank",
    "is_null",
    "read_csv",
    "read_tree",
    "read_xlsx",
]

#: CSV columns: required, then optional (``label`` and ``note`` are ignored when loading).
CSV_REQUIRED = ("agency", "fact", "value")
CSV_OPTIONAL = ("period", "label", "note")


class Place:
    """Where something was written: a span of a file (with notes, such as the CSV row and
    column), or for data given in memory a ``label`` such as ``facts["snv"]["received"]``.

    A place of a large file is made for every value it holds, and most are never shown: the
    span and the notes of a :class:`LazyPlace` are only worked out when asked for."""

    __slots__ = ("_notes", "_span", "label")

    def __init__(self, span: Span | None = None, notes: tuple[str, ...] = (),
                 label: str | None = None) -> None:
        self._span = span
        self._notes = notes
        self.label = label

    @property
    def span(self) -> Span | None:
        return self._span

    @property
    def notes(self) -> tuple[str, ...]:
        return self._notes

    @property
    def in_file(self) -> bool:
        """Whether the place is in a file (it has a span), without making the span."""
        return self._span is not None

    def __repr__(self) -> str:
        return f"Place(span={self.span!r}, notes={self.notes!r}, label={self.label!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Place):
            return NotImplemented
        return (self.span, self.notes, self.label) == (other.span, other.notes, other.label)

    def __hash__(self) -> int:
        return hash((self.span, self.notes, self.label))

    def locate(self, d: Diagnostic) -> Diagnostic:
        """``d`` placed here."""
        return dataclasses.replace(d, span=self.span, file=self.label,
                                   notes=(*d.notes, *self.notes))

    def error(self, collector: Collector, code: str, message: str, help: str | None = None,
              notes: Iterable[str] = ()) -> None:
        collector.add(Diagnostic(code, message, self.span, help, notes=(*notes, *self.notes),
                                 file=self.label))

    @property
    def where(self) -> str:
        """``FILE:LINE:COL`` (``FILE:SHEET!CELL`` in a workbook), or the label."""
        span = self.span
        if span is None:
            return self.label or "<facts>"
        return span.begin.where


class LazyPlace(Place):
    """A place given by offsets into a source (a YAML scalar): its :class:`Span` is made when
    asked for."""

    __slots__ = ("_end", "_source", "_start")

    def __init__(self, source: Source, start: int, end: int) -> None:
        self._span = None
        self._notes = ()
        self.label = None
        self._source, self._start, self._end = source, start, end

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = Span(self._source, self._start, self._end)
        return self._span

    @property
    def start(self) -> int:
        """Where the place starts in its source (without making its span)."""
        return self._start

    @property
    def in_file(self) -> bool:
        return True


class DeferredPlace(Place):
    """A place worked out when first asked for, by ``find`` (once): the place of a value of a
    file read without its places (:mod:`engine.factjson`), or of a CSV row not yet cut."""

    __slots__ = ("_find", "_place")

    def __init__(self, find: Callable[[], Place]) -> None:
        self._span = None
        self._notes = ()
        self.label = None
        self._find: Callable[[], Place] | None = find
        self._place: Place | None = None

    def _get(self) -> Place:
        if self._place is None:
            assert self._find is not None
            self._place, self._find = self._find(), None
        return self._place

    @property
    def span(self) -> Span | None:
        return self._get().span

    @property
    def notes(self) -> tuple[str, ...]:
        return self._get().notes

    @property
    def in_file(self) -> bool:
        return True


class CsvPlace(Place):
    """A cell of a CSV record: its span (the content of the cell) and its note (``CSV row 12,
    column 3 (value)``) are worked out when asked for."""

    __slots__ = ("_column", "_name", "_record")

    def __init__(self, record: Record, column: int, name: str) -> None:
        self._span = None
        self._notes = ()
        self.label = None
        self._record, self._column, self._name = record, column, name

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = self._record.span(self._column)
        return self._span

    @property
    def notes(self) -> tuple[str, ...]:
        if not self._notes:
            span = self.span
            line = span.source.place(span.start)[0]  # (a CSV source is a file of its own)
            self._notes = (_("CSV row {row}, column {column} ({name})").format(
                row=line, column=self._column + 1, name=self._name),)
        return self._notes

    @property
    def in_file(self) -> bool:
        return True


class Entry:
    """One ``agency / fact / value`` as written. ``agency`` None stands for every agency that
    reports the fact (a case's ``defaults``). ``value`` is the text written (blank: not
    reported), None (not reported), or a Python value given in memory (see
    :func:`engine.fact_values.read_python`)."""

    __slots__ = ("_agency_at", "_fact_at", "_value_at", "agency", "fact", "value")

    def __init__(self, agency: str | None, agency_at: Place, fact: str, fact_at: Place,
                 value: object, value_at: Place) -> None:
        self.agency = agency
        self.fact = fact
        self.value = value
        self._agency_at, self._fact_at, self._value_at = agency_at, fact_at, value_at

    @property
    def agency_at(self) -> Place:
        return self._agency_at

    @property
    def fact_at(self) -> Place:
        return self._fact_at

    @property
    def value_at(self) -> Place:
        return self._value_at

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(agency={self.agency!r}, fact={self.fact!r}, "
                f"value={self.value!r}, value_at={self.value_at!r})")


class _CsvEntry(Entry):
    """An entry of a CSV row: its places are made when asked for."""

    __slots__ = ("_columns", "_record")

    def __init__(self, agency: str, fact: str, value: str | None, record: Record,
                 columns: tuple[int, int, int]) -> None:
        self.agency = agency
        self.fact = fact
        self.value = value
        self._record, self._columns = record, columns

    @property
    def agency_at(self) -> Place:
        return CsvPlace(self._record, self._columns[0], "agency")

    @property
    def fact_at(self) -> Place:
        return CsvPlace(self._record, self._columns[1], "fact")

    @property
    def value_at(self) -> Place:
        return CsvPlace(self._record, self._columns[2], "value")


def is_blank(value: object) -> bool:
    """Whether a value as written means "not reported": None, or a text with nothing in it."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_null(node: YNode) -> bool:
    """Whether a YAML node is empty: plain ``~``, ``null`` or nothing, or a blank text in any
    style (``""`` too). An empty value is "not reported", in a fact file as in a case file."""
    from .yamlsrc import YScalar

    if not isinstance(node, YScalar):
        return False
    if node.style is None and node.text.lower() in ("", "~", "null"):
        return True
    return not node.text.strip()


@dataclass(frozen=True, slots=True)
class Stated:
    """A plan or period id as stated in a file."""

    text: str
    at: Place


class Table:
    """The entries of a fact file of the usual shape as columns: for row ``i``, the agency,
    fact and value texts as written (``values[i]`` None: not reported, else a text with
    something in it), with no object per row. :meth:`place` makes the place of a row's value
    when asked for; :meth:`entries` makes the :class:`Entry` of every row, exactly as the
    reference readers make them (for the checks that report problems)."""

    __slots__ = ("_entries", "_place", "agencies", "facts", "located", "values")

    def __init__(self, agencies: list[str], facts: list[str], values: list[str | None],
                 place: Callable[[int], Place], entries: Callable[[], list[Entry]],
                 located: tuple[Source, list[int]] | None = None) -> None:
        self.agencies, self.facts, self.values = agencies, facts, values
        self._place, self._entries = place, entries
        #: When the places are offsets in one source: the source and, for row ``i``, the
        #: offsets of its value at ``[4 * i + 2]`` and ``[4 * i + 3]`` (what :meth:`place`
        #: makes a :class:`LazyPlace` of), for a cache entry to keep without a place per row.
        self.located = located

    def __len__(self) -> int:
        return len(self.values)

    def place(self, i: int) -> Place:
        """Where the value of row ``i`` is written."""
        return self._place(i)

    def entries(self) -> list[Entry]:
        return self._entries()


@dataclass
class FactFile:
    """What one fact file says: its entries, the plan and periods it states. A file of the
    usual shape also holds its entries as columns (``table``): its :attr:`entries` are then
    made from them when first asked for."""

    name: str
    source: Source
    plan: Stated | None = None
    periods: list[Stated] = field(default_factory=list)
    #: agencies named with nothing under them (checked even though they report nothing)
    bare_agencies: list[tuple[str, Place]] = field(default_factory=list)
    #: the file was read far enough to know whether it states a period
    readable: bool = False
    #: the agency a workbook's header names (its facts are that agency's)
    agency: Stated | None = None
    table: Table | None = None
    _entries: list[Entry] | None = field(default=None, repr=False)

    @property
    def entries(self) -> list[Entry]:
        if self._entries is None:
            self._entries = self.table.entries() if self.table is not None else []
        return self._entries


def read_tree(f: FactFile, text: str, json: bool, collector: Collector) -> None:
    # In JSON a raw tab can only be whitespace, which YAML refuses as indentation: a space in
    # its place keeps every offset and column.
    if json:
        text = text.replace("\t", " ")
        from .factjson import read_json

        if read_json(f, text):
            return
    if _read_plain_tree(f, text):
        return
    from .yamlsrc import YMap, YScalar, read_yaml

    tree, diags = read_yaml(text, f.name, "E60")
    collector.extend(diags)
    if tree is None:
        return
    f.source = tree.span.source
    if not isinstance(tree, YMap):
        collector.error("E610", _("a fact file must be a mapping with the keys plan, period and "
                                   "agencies"), tree.span,
                        help=_("see docs/facts.md, or start from `cchc template`"))
        return
    known = ("plan", "period", "agencies")
    for key, (kscalar, _unused) in tree.items.items():
        if key not in known:
            collector.error("E611", _("unknown key '{key}'").format(key=key), kscalar.span,
                            help=did_you_mean(key, known) or
                            _("a fact file has the keys plan, period and agencies"))
    for key in ("plan", "agencies"):
        if key not in tree.items:
            collector.error("E612", _("missing key '{key}'").format(key=key),
                            Span(f.source, 0, 0), help=_("add 'plan:' at the top level with the "
                                                         "plan's id") if key == "plan" else
                            _("add '{key}:' at the top level").format(key=key))
    f.readable = True
    plan = tree.get("plan")
    if plan is not None:
        f.plan = _scalar_id(plan, "plan", collector)
        if f.plan is None and isinstance(plan, YScalar):
            collector.error("E612", _("'plan' has no value"), plan.span,
                            help=_("write the plan's id after 'plan:'"))
    period = tree.get("period")
    if period is not None:
        stated = _scalar_id(period, "period", collector)
        if stated is not None:
            f.periods.append(stated)
    agencies = tree.get("agencies")
    if agencies is None or is_null(agencies):
        return
    if not isinstance(agencies, YMap):
        collector.error("E610", _("'agencies' must map agency ids to their facts"), agencies.span,
                        help=_("write `agencies:` then `  snv:` then `    fact_id: value` on "
                                "indented lines"))
        return
    for agency, (akey, facts) in agencies.items.items():
        if is_null(facts) or (isinstance(facts, YMap) and not facts.items):
            f.bare_agencies.append((agency, Place(akey.span)))
            continue
        if not isinstance(facts, YMap):
            collector.error("E610", _("the facts of '{agency}' must map fact ids to values").format(
                                        agency=agency),
                            facts.span, help=_("write `fact_id: value` on indented lines"))
            continue
        for fact, (fkey, value) in facts.items.items():
            if not isinstance(value, YScalar):
                collector.error("E610", _("the value of '{fact}' must be a single value, not a "
                                           "list or mapping").format(fact=fact), value.span,
                                help=_("write one value after the colon"))
                continue
            f.entries.append(Entry(agency, Place(akey.span), fact, Place(fkey.span),
                                   None if is_null(value) else value.text, Place(value.span)))


def _read_plain_tree(f: FactFile, text: str) -> bool:
    """Read a YAML or JSON fact file of the usual shape straight from the parser's events,
    without building a node for each of its values; False (``f`` untouched) when the file is
    anything else, to be read by :func:`engine.yamlsrc.read_yaml` and :func:`read_tree`, which
    say what is wrong with it.

    The usual shape: ``plan`` and ``agencies`` (and ``period``) once each, ``plan`` and
    ``period`` single values, each agency once with nothing or with its facts, each fact once
    with a single value; no anchor, alias or tag. Such a file holds nothing :func:`read_tree`
    would report, and it is read to the same entries, at the same places, as :func:`read_tree`
    reads it (tests/facts/test_facts_scale.py checks the two against each other)."""
    source = f.source if f.source.text == text else Source(f.name, text)
    got = _plain_read(text, source)
    if got is None:
        return False
    plan, period, columns, bare = got
    f.source = source
    f.readable = True
    f.plan = plan
    if period is not None:
        f.periods.append(period)
    f.table = columns.table(source)
    f.bare_agencies.extend(bare)
    return True


def _plain_read(text: str, source: Source) -> tuple[
        Stated, Stated | None, _Columns, list[tuple[str, Place]]] | None:
    """The plan, period, entries and bare agencies of a fact file of the usual shape (see
    :func:`_read_plain_tree`), each located in ``source``; None when it is not of it."""
    from .factlines import read_lines

    got = read_lines(text, source)  # the plainest shape, without the parser
    if got is None:
        import yaml

        from .yamlsrc import FAST_LOADER

        loader = FAST_LOADER(text)
        try:
            got = _plain_events(loader.get_event, source)
        except yaml.YAMLError:  # read_yaml says where and why
            return None
        finally:
            loader.dispose()
    return got


class _Columns:
    """The entries of a YAML or JSON fact file as they are read: the texts of each row, the
    place of its agency (one per agency), and the offsets of its fact and value (four numbers
    a row: fact start and end, value start and end)."""

    __slots__ = ("agencies", "at", "facts", "offsets", "values")

    def __init__(self) -> None:
        self.agencies: list[str] = []
        self.at: list[Place] = []
        self.facts: list[str] = []
        self.values: list[str | None] = []
        self.offsets: list[int] = []

    def table(self, source: Source) -> Table:
        offsets = self.offsets

        def place(i: int) -> Place:
            return LazyPlace(source, offsets[4 * i + 2], offsets[4 * i + 3])

        def entries() -> list[Entry]:
            return [Entry(a, at, fact, LazyPlace(source, offsets[4 * i], offsets[4 * i + 1]),
                          value, place(i))
                    for i, (a, at, fact, value) in enumerate(zip(
                        self.agencies, self.at, self.facts, self.values, strict=True))]

        return Table(self.agencies, self.facts, self.values, place, entries,
                     (source, offsets))


def _event_place(source: Source, e: yaml.ScalarEvent) -> LazyPlace:
    """Where the scalar of an event is (its node's span, as :func:`read_yaml` makes it)."""
    start, end = e.start_mark, e.end_mark
    assert start is not None and end is not None  # the parser marks every event
    return LazyPlace(source, start.index, end.index)


def _plain_null(e: yaml.ScalarEvent) -> bool:
    """:func:`is_null` of the scalar an event stands for."""
    text = e.value
    return (not e.style and text.lower() in ("", "~", "null")) or not text.strip()


def _plain_events(get: Callable[[], object], source: Source) -> tuple[
        Stated, Stated | None, _Columns, list[tuple[str, Place]]] | None:
    """The plan, period, entries and bare agencies of a fact file of the usual shape (see
    :func:`_read_plain_tree`), read from its events (``get``); None when it is not of it."""
    import yaml

    _SCALAR, _MAP, _MAP_END = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.MappingEndEvent

    if type(get()) is not yaml.StreamStartEvent or type(get()) is not yaml.DocumentStartEvent:
        return None  # pragma: no cover - a stream always starts so; an empty one has no document
    root = get()
    if type(root) is not _MAP or root.anchor is not None or root.tag is not None:
        return None
    top: dict[str, yaml.ScalarEvent | None] = {}
    entries = _Columns()
    bare: list[tuple[str, Place]] = []
    while True:
        k = get()
        if type(k) is _MAP_END:
            break
        if type(k) is not _SCALAR or k.anchor is not None or k.tag is not None or \
                k.value in top or k.value not in ("plan", "period", "agencies"):
            return None
        v = get()
        if k.value == "agencies":
            if type(v) is not _MAP or v.anchor is not None or v.tag is not None or \
                    not _plain_agencies(get, source, entries, bare):
                return None
            top["agencies"] = None
        elif type(v) is not _SCALAR or v.anchor is not None or v.tag is not None:
            return None
        else:
            top[k.value] = v
    if type(get()) is not yaml.DocumentEndEvent or type(get()) is not yaml.StreamEndEvent:
        return None
    plan, period = top.get("plan"), top.get("period")
    if plan is None or "agencies" not in top or _plain_null(plan):
        return None

    def stated(e: yaml.ScalarEvent) -> Stated:
        return Stated(nfc(e.value.strip()), _event_place(source, e))

    return (stated(plan), None if period is None or _plain_null(period) else stated(period),
            entries, bare)


def _plain_agencies(get: Callable[[], object], source: Source, columns: _Columns,
                    bare: list[tuple[str, Place]]) -> bool:
    """The agencies of a fact file of the usual shape, after the start of their mapping, read
    into ``columns``; False when they are not of it."""
    import yaml

    _SCALAR, _MAP, _MAP_END = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.MappingEndEvent

    seen: set[str] = set()
    agencies, ats, facts_of, values = columns.agencies, columns.at, columns.facts, \
        columns.values
    offsets = columns.offsets.extend
    while True:
        k = get()
        if type(k) is _MAP_END:
            return True
        if type(k) is not _SCALAR or k.anchor is not None or k.tag is not None or \
                k.value in seen:
            return False
        agency = k.value
        seen.add(agency)
        at = _event_place(source, k)
        v = get()
        if type(v) is _SCALAR:
            if v.anchor is not None or v.tag is not None or not _plain_null(v):
                return False
            bare.append((agency, at))
            continue
        if type(v) is not _MAP or v.anchor is not None or v.tag is not None:
            return False
        facts: set[str] = set()
        while True:
            fk = get()
            if type(fk) is _MAP_END:
                break
            if type(fk) is not _SCALAR or fk.anchor is not None or fk.tag is not None or \
                    fk.value in facts:
                return False
            fact = fk.value
            facts.add(fact)
            fv = get()
            if type(fv) is not _SCALAR or fv.anchor is not None or fv.tag is not None:
                return False
            text = fv.value
            agencies.append(agency)
            ats.append(at)
            facts_of.append(fact)
            # (:func:`_plain_null`, inline: a file holds hundreds of thousands of values)
            values.append(None if not text or text.isspace() or (
                not fv.style and text.lower() in ("~", "null")) else text)
            # (the parser marks every event)
            offsets((fk.start_mark.index, fk.end_mark.index,  # type: ignore[union-attr]
                     fv.start_mark.index, fv.end_mark.index))  # type: ignore[union-attr]
        if not facts:
            bare.append((agency, at))


def _scalar_id(node: YNode, key: str, collector: Collector) -> Stated | None:
    from .yamlsrc import YScalar

    if not isinstance(node, YScalar):
        collector.error("E610", _("'{key}' must be an id").format(key=key), node.span)
        return None
    if is_null(node):
        return None
    return Stated(nfc(node.text.strip()), Place(node.span))


def _cell(record: Record, i: int, name: str) -> Place:
    return CsvPlace(record, i, name)


def read_csv(f: FactFile, text: str, collector: Collector) -> None:
    if _read_plain_csv(f, text):
        return
    _read_csv(f, text, collector)


def _read_plain_csv(f: FactFile, text: str) -> bool:
    """Read a CSV fact file of the usual shape into columns (:class:`Table`), without an
    object per row; False (``f`` untouched) when the file is anything else, to be read by
    :func:`_read_csv`, which says what is wrong with it.

    The usual shape: no quote, NUL or carriage return; a header of known columns, each once,
    the required ones among them; then rows of exactly as many cells as the header, each with
    an agency and a fact. Such a file holds nothing :func:`_read_csv` would report, and it is
    read to the same entries, periods and places (tests/facts/test_facts_scale.py checks the
    two against each other)."""
    import csv as _csv

    from .csvsrc import Record, delimiter

    if '"' in text or "\0" in text or "\r" in text:
        return False
    delim = delimiter(text)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or max(map(len, lines)) > _csv.field_size_limit():
        return False
    header = [nfc(c.strip()).lower() for c in lines[0].split(delim)]
    width = len(header)
    known = CSV_REQUIRED + CSV_OPTIONAL
    if len(set(header)) != width or not all(h in known for h in header) or \
            not all(h in header for h in CSV_REQUIRED):
        return False
    body = lines[1:]
    del lines
    # rows of exactly ``width`` cells: cut all at once, then each column is every width-th cell
    if body and set(map(str.count, body, repeat(delim))) != {width - 1}:
        return False
    cells = delim.join(body).split(delim) if body else []
    del body
    strip = str.strip
    cols = [cells[i::width] for i in range(width)]
    del cells
    ia, ifact, iv = header.index("agency"), header.index("fact"), header.index("value")
    agencies = list(map(strip, cols[ia]))
    facts = list(map(strip, cols[ifact]))
    if not all(agencies) or not all(facts):
        return False
    values = [v or None for v in map(strip, cols[iv])]
    periods = list(map(strip, cols[header.index("period")])) if "period" in header else []
    del cols
    source = f.source
    starts: list[int] = []

    def record(i: int) -> Record:
        """The record of row ``i`` (line ``i + 2`` of the file: the rows have no blank line)."""
        if not starts:
            pos = 0
            for line in source.text.split("\n"):
                starts.append(pos)
                pos += len(line) + 1
            starts.append(pos)  # (the end of the last line, as if a newline followed it)
        start = starts[i + 1]
        end = starts[i + 2] - 1
        return Record(source.text[start:end].split(delim), source, start, end, delim)

    def place(i: int) -> Place:
        return CsvPlace(record(i), iv, "value")

    def entries() -> list[Entry]:
        g = FactFile(f.name, source)
        _read_csv(g, source.text, Collector())
        return g.entries

    f.readable = True
    ip = header.index("period") if periods else -1

    def period_at(i: int) -> Callable[[], Place]:
        return lambda: CsvPlace(record(i), ip, "period")

    for p in dict.fromkeys(periods):
        if p:
            f.periods.append(Stated(nfc(p), DeferredPlace(period_at(periods.index(p)))))
    f.table = Table(agencies, facts, values, place, entries)
    return True


def _read_csv(f: FactFile, text: str, collector: Collector) -> None:
    from .csvsrc import delimiter, read_records

    records = read_records(f.source, delimiter(text), collector, "E615")
    if not records:
        collector.error("E614", _("the CSV file has no header row"), Span(f.source, 0, 0),
                        help=_("the first row must name the columns: agency,fact,value"))
        return
    head, rows = records[0], records[1:]
    header = [nfc(c.strip()).lower() for c in head.cells]
    known = CSV_REQUIRED + CSV_OPTIONAL
    columns: dict[str, int] = {}
    bad = False
    for i, name in enumerate(header):
        if name in columns:
            _cell(head, i, name).error(collector, "E614", _("column '{name}' appears "
                                                            "twice").format(name=name),
                                       _("keep one of the two"))
            bad = True
        elif name not in known:
            _cell(head, i, name).error(
                collector, "E614", _("unknown column {cell}").format(cell=show(head.cell(i))),
                did_you_mean(name, known) or
                _("the columns are agency, fact, value and optionally period, label, note"))
            bad = True
        else:
            columns[name] = i
    for name in CSV_REQUIRED:
        if name not in columns:
            collector.error("E614", _("the header has no '{name}' column").format(name=name),
                            Span(f.source, head.places[0][0], head.places[-1][1]),
                            help=_("the first row must name the columns: agency,fact,value (and "
                                    "optionally period, label, note)"))
            bad = True
    if bad:
        return
    f.readable = True
    width = len(header)
    at = (columns["agency"], columns["fact"], columns["value"])
    ia, ifact, iv = at
    ip = columns.get("period")
    periods: set[str] = set()  # only the first row of each period matters (E620, E622)
    entries = f.entries
    for row in rows:
        cells = row.cells
        n = len(cells)
        if n > width and any(c.strip() for c in cells[width:]):
            _cell(row, width, "extra").error(
                collector, "E615", _("this row has {cells} cells but the header has "
                                     "{header}").format(cells=n, header=width),
                _("a value containing the delimiter must be in double quotes"))
            continue
        agency = cells[ia].strip() if ia < n else ""
        fact = cells[ifact].strip() if ifact < n else ""
        value = cells[iv].strip() if iv < n else ""
        if ip is not None and ip < n:
            period = cells[ip].strip()
            if period and period not in periods:
                periods.add(period)
                f.periods.append(Stated(nfc(period), _cell(row, ip, "period")))
        if not (agency or fact or value):
            continue  # a row with only a label or a note
        if not agency or not fact:
            missing = "agency" if not agency else "fact"
            _cell(row, columns[missing], missing).error(
                collector, "E615", _("this row has no agency") if not agency
                else _("this row has no fact"), _("fill in the agency id") if not agency
                else _("fill in the fact id"))
            continue
        entries.append(_CsvEntry(agency, fact, value or None, row, at))
        row.release()


# ---------------------------------------------------------------------------------------------
# Excel workbooks
# ---------------------------------------------------------------------------------------------

#: The words of a fact sheet's layout, in Vietnamese and English: the writer
#: (:mod:`engine.xlsx_template`) writes them in the language asked for, the reader accepts
#: either (compared after NFC, case folded, without a final colon). ``sheet`` and ``rules``
#: are the titles of the two sheets; ``plan``, ``period`` and ``agency`` head the header rows
#: whose second cell (column B) holds the id; ``fact`` heads the first column of the table of
#: facts and ``value`` the column of values.
XLSX_WORDS: Mapping[str, Mapping[str, str]] = {
    "sheet": {"vi": "Số liệu", "en": "Facts"},
    "rules": {"vi": "Hướng dẫn", "en": "Rules"},
    "plan": {"vi": "Kế hoạch", "en": "Plan"},
    "period": {"vi": "Kỳ báo cáo", "en": "Period"},
    "agency": {"vi": "Cơ quan báo cáo", "en": "Agency"},
    "fact": {"vi": "Mã số liệu", "en": "Fact id"},
    "value": {"vi": "Giá trị", "en": "Value"},
}
_XLSX_KEYS = {nfc(w).casefold(): key for key, words in XLSX_WORDS.items()
              for w in (*words.values(), key)}
#: The keys of a fact sheet's header, as a message names them.
_KEY_NAMES = {"plan": N_("plan"), "period": N_("period"), "agency": N_("agency")}
_START = N_("start from the fact sheet `cchc template PLAN --period P --agency A --format xlsx` "
            "writes")


_NUMBER_LIKE = lazy(__name__, "_NUMBER_LIKE", r"[-+]?[0-9][0-9.,\s\u00a0\u202f]*%?")  # (workbooks)
_TEXT_NUMBER = N_("Excel keeps this cell as text, not as a number (it was typed after an "
                  "apostrophe, pasted, or typed into a cell formatted as text), so it is read as "
                  "written")


def _word(text: str) -> str | None:
    """The layout word a cell's text is (``plan``, ``fact``...), if any."""
    return _XLSX_KEYS.get(nfc(text).strip().rstrip(":").strip().casefold())


def _usable(cell: Cell | None, collector: Collector) -> bool:
    """Whether a cell's text can be read: a formula with no saved value or an Excel error
    value is refused (``E664``)."""
    if cell is None or cell.kind not in ("formula", "error"):
        return True
    if cell.kind == "formula":
        collector.error("E664", _("the formula {cell} has no value saved in the workbook: the "
                                  "file was written by a program and never opened in "
                                  "Excel").format(cell=show(cell.text)), cell.span,
                        help=_("open the workbook in Excel (or LibreOffice Calc) and save it, so "
                               "that the formula's value is saved with it; or type the value "
                               "instead of the formula"))
    else:
        collector.error("E664", _("the cell holds the Excel error {cell}").format(
            cell=cell.text), cell.span,
                        help=_("correct the formula, or type the value; leave the cell empty if "
                               "the fact is not reported"))
    return False


def read_xlsx(f: FactFile, sheet: Sheet, collector: Collector) -> None:
    """The plan, period, agency and facts a fact sheet states (``sheet`` is read by
    :func:`engine.xlsxsrc.read_sheet`): ``E662`` when it is not laid out as a fact sheet,
    ``E664`` for a formula without a value, ``E665`` for a value without a fact id."""
    from .fact_values import unambiguous

    f.source = sheet.source
    header: dict[str, tuple[int, str | None]] = {}  # None: a cell that cannot be read
    table: int | None = None
    value_col: int | None = None
    for row in sheet.rows():
        key = _word(sheet.text(row, 1))
        if key == "fact":
            table = row
            value_col = min((c for (r, c) in sheet.cells if r == row and c > 1
                             and _word(sheet.text(r, c)) == "value"), default=None)
            break
        if key in ("plan", "period", "agency") and key not in header:
            usable = _usable(sheet.cell(row, 2), collector)
            header[key] = (row, sheet.text(row, 2) if usable else None)
    words = XLSX_WORDS
    if table is None:
        collector.error("E662", _("the sheet '{title}' is not a fact sheet: no row starts with "
                                  "'{vi}' ('{en}') above the facts").format(
                            title=sheet.title, vi=words["fact"]["vi"], en=words["fact"]["en"]),
                        file=f.name, help=_(_START))
        return
    if value_col is None:
        collector.error("E662", _("the table of facts has no '{vi}' ('{en}') column").format(
                            vi=words["value"]["vi"], en=words["value"]["en"]),
                        sheet.span(table, 1), help=_("head the column of values '{vi}'; "
                                                     "{start}").format(
                            vi=words["value"]["vi"], start=_(_START)))
        return
    for key in ("plan", "agency"):
        if key not in header:
            collector.error("E662", _("the sheet has no '{vi}' ('{en}') row above the "
                                      "facts").format(vi=words[key]["vi"], en=words[key]["en"]),
                            sheet.span(table, 1), help=(
                                _("the header names the plan by its id in column B; {start}")
                                if key == "plan" else _("the header names the agency by its id "
                                                        "in column B; {start}")).format(
                                start=_(_START)))
    f.readable = True
    for key, (row, text) in header.items():
        at = Place(sheet.span(row, 2))
        if text is None or (not text and key == "period"):  # no period: E621 if none given
            continue
        if not text:
            collector.error("E662", _("the {key} id is empty").format(key=_(_KEY_NAMES[key])),
                            at.span, help=_("write the {key}'s id in this cell; {start}").format(
                                key=_(_KEY_NAMES[key]), start=_(_START)))
            continue
        stated = Stated(nfc(text), at)
        if key == "plan":
            f.plan = stated
        elif key == "period":
            f.periods.append(stated)
        else:
            f.agency = stated
    entries = 0
    for row in sheet.rows():
        if row <= table:
            continue
        fact_cell, value_cell = sheet.cell(row, 1), sheet.cell(row, value_col)
        if not (_usable(fact_cell, collector) and _usable(value_cell, collector)):
            continue
        fact = sheet.text(row, 1)
        value = sheet.text(row, value_col)
        if not fact:
            if value:
                collector.error("E665", _("this row has a value but no fact id"),
                                sheet.span(row, value_col),
                                help=_("a value goes on the row of its fact: move it there, or "
                                        "delete it"))
            continue
        if f.agency is None:  # no agency to give them to: the header says why
            continue
        entries += 1
        notes = (_(_TEXT_NUMBER),) if value_cell is not None and value_cell.kind == "text" and \
            _NUMBER_LIKE.fullmatch(value) else ()
        if value_cell is not None and value_cell.kind in ("number", "percent"):
            # a number Excel holds is no thousands-separated text: 1.001 is one and a thousandth
            percent = value.endswith("%")
            value = unambiguous(value.removesuffix("%")) + ("%" if percent else "")
        f.entries.append(Entry(f.agency.text, f.agency.at, fact, Place(sheet.span(row, 1)),
                               value or None, Place(sheet.span(row, value_col), notes)))
    if f.agency is not None and not entries:
        f.bare_agencies.append((f.agency.text, f.agency.at))
