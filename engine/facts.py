"""Facts: what agencies report for one period, checked against the plan's facts catalogue.

Fact files come in four formats that carry the same content (YAML, JSON, CSV and Excel
workbooks, see ``docs/facts.md``); :mod:`engine.fact_files` reads them into entries. Values are
read from their text according to the fact's type in the catalogue (:mod:`engine.fact_values`).
An empty value means "not reported": such a fact is simply absent from :class:`Facts`, which is
different from a value such as ``false`` ("reported as not done").

This module owns what a fact set is (:class:`Facts`) and how one is checked against the plan:
:func:`check_entries` checks ``agency / fact / value`` entries, wherever they were written (a
fact file, a plan test case in :mod:`engine.cases`, a mapping in memory), so every way in reads
and words the same. :func:`load_facts` finds and reads files, resolves the period they are
for, and checks them; :func:`facts_from_data` checks a mapping or rows given in memory, such as
a portal form.

Every problem is a :class:`~engine.diagnostics.Diagnostic` with an ``E6xx`` code at the file, line
and column of the offending text (for data in memory, at ``facts["snv"]["received"]``); both
functions raise one :class:`~engine.diagnostics.FactsError` carrying all of them.

Codes:

``E600``  a fact file cannot be read (missing, not a file, not a fact file type, none given)
``E601``-``E605``  YAML/JSON: syntax, duplicate key, alias bomb, tag, non-text key
``E606``  a file is not UTF-8 text
``E610``  a part of a YAML/JSON file has the wrong shape (e.g. a list where a value is expected)
``E611``  unknown top-level key in a YAML/JSON file
``E612``  missing top-level key (``plan`` or ``agencies``)
``E613``  the file is for another plan
``E614``  CSV header: missing, unknown or repeated column
``E615``  CSV row: more cells than the header, no agency or fact, or unreadable
``E620``  unknown period
``E621``  no period: neither in the file nor given as an argument
``E622``  periods disagree (file and argument, or files, or rows)
``E630``  unknown agency
``E631``  unknown fact
``E632``  the agency does not report this fact
``E633``  the fact is not reported in this period
``E634``  the same fact of the same agency is reported twice
``E640``  not a number
``E641``  a number written with thousands separators (``1.200``, ``1 200``, ``1,234,567``)
``E642``  a number written with a decimal comma (``1,5``)
``E643``  a count that is negative or not whole
``E644``  a share below 0% or above 100%
``E645``  a share written as a bare number above 1 (``95``: write ``95%`` or ``0.95``)
``E646``  not true or false
``E647``  not a date in an accepted format
``E648``  a date that is not in the calendar (``31/02/2023``, ``01/13/2023``)
``E649``  a category outside the allowed values
``E650``  a part greater than its whole: a value above a fact the plan says it is ``at_most``
``E660``-``E665``  Excel workbooks (:mod:`engine.xlsxsrc`, :func:`engine.fact_files.read_xlsx`):
          ``E660`` another spreadsheet format (``.xls``, ``.ods``, ``.xlsb``, a password);
          ``E661`` not a readable workbook (damaged, too large once unpacked, too many rows);
          ``E662`` not laid out as a fact sheet (no table of facts, no value column, no plan or
          agency row, an empty id); ``E663`` a workbook named for one agency holding another's
          sheet; ``E664`` a formula without a saved value, or an Excel error value; ``E665`` a
          value without a fact id
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import cast

from . import messages
from .diagnostics import Collector, Diagnostic, FactsError, did_you_mean, unique
from .fact_files import (
    CSV_OPTIONAL,
    CSV_REQUIRED,
    XLSX_WORDS,
    Entry,
    FactFile,
    LazyPlace,
    Place,
    Stated,
    Table,
    is_blank,
    read_csv,
    read_tree,
    read_xlsx,
)
from .files import (
    FACT_FILES,
    MAX_FILE_BYTES,
    PathArg,
    Unreadable,
    display_name,
    expand,
    nfc,
    read,
    read_bytes,
)
from .gcpause import gc_paused
from .i18n import N_, _
from .messages import show
from .model import FactDef, Plan
from .source import Source, Span
from .values import Known, format_value

# The reader of values (engine.fact_values) is imported where values are read: the warm main job
# gets its checked facts from the cache and uses this module for the class Facts.

__all__ = [
    "Arrivals",
    "Checked",
    "Facts",
    "check_agencies",
    "check_entries",
    "check_relations",
    "facts_from_data",
    "load_arrivals",
    "load_facts",
]


_EMPTY: Mapping[str, Known] = MappingProxyType({})


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Facts reported for one period of one plan, checked against its catalogue. Immutable.

    ``values[agency][fact]`` holds only what was reported: a fact left empty is absent (not
    reported), never 0 or false. Agencies follow the order of the plan's registry and facts the
    order of its catalogue, whatever the order of files, rows or keys. Two ``Facts`` are equal
    when they are for the same plan and period and hold the same values; where each value came
    from (``origins``, ``files``) does not take part in equality.
    """

    plan: str
    period: str
    values: Mapping[str, Mapping[str, Known]]
    origins: Mapping[tuple[str, str], Span] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False)
    files: tuple[str, ...] = field(default=(), compare=False)
    #: what reading found but did not stop at: the entries of a folder that are not read
    #: (``W680``-``W684``), each naming the entry and why
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False, repr=False)

    def for_agency(self, agency: str) -> Mapping[str, Known]:
        """The facts ``agency`` reported (empty when it reported nothing)."""
        return self.values.get(agency, _EMPTY)

    def get(self, agency: str, fact: str) -> Known | None:
        """The value ``agency`` reported for ``fact``, or None when it was not reported."""
        return self.for_agency(agency).get(fact)

    def is_reported(self, agency: str, fact: str) -> bool:
        return fact in self.for_agency(agency)

    @property
    def reported_agencies(self) -> tuple[str, ...]:
        """Agencies that reported at least one fact, in registry order."""
        return tuple(a for a, facts in self.values.items() if facts)

    @property
    def count(self) -> int:
        """How many (agency, fact) values were reported."""
        return sum(len(facts) for facts in self.values.values())

    def items(self) -> Iterator[tuple[str, str, Known]]:
        """Every reported ``(agency, fact, value)``, in registry then catalogue order."""
        for agency, facts in self.values.items():
            for fact, value in facts.items():
                yield agency, fact, value

    def origin(self, agency: str, fact: str) -> Span | None:
        """Where the value was written (file, line, column), for explanations."""
        return self.origins.get((agency, fact))

    def where(self, agency: str, fact: str) -> str | None:
        """``FILE:LINE:COL`` of the value (``FILE:SHEET!CELL`` in a workbook), or None when it
        was not reported."""
        span = self.origin(agency, fact)
        return None if span is None else _where(span)

    def missing(self, plan: Plan) -> tuple[tuple[str, str], ...]:
        """Every ``(agency, fact)`` the plan expects in this period that was not reported."""
        return tuple((agency, fid) for fid, fdef in plan.facts.items()
                     if self.period in fdef.periods
                     for agency in fdef.reporters if not self.is_reported(agency, fid))


# ---------------------------------------------------------------------------------------------
# Checking entries against the plan
# ---------------------------------------------------------------------------------------------


class Checked:
    """An entry that passed every check: its ids, its value (None: not reported), and where
    the value was written (``at``; given as the entry itself, the place is made when first
    asked for)."""

    __slots__ = ("_at", "agency", "fact", "value")

    def __init__(self, agency: str | None, fact: str, value: Known | None,
                 at: Place | Entry) -> None:
        self.agency = agency
        self.fact = fact
        self.value = value
        self._at = at

    @property
    def at(self) -> Place:
        at = self._at
        if isinstance(at, Entry):
            at = self._at = at.value_at
        return at

    def __repr__(self) -> str:
        return (f"Checked(agency={self.agency!r}, fact={self.fact!r}, value={self.value!r}, "
                f"at={self.at!r})")


def check_entries(plan: Plan, entries: Iterable[Entry], period: str | None,
                  collector: Collector, *, other_periods: bool = False) -> list[Checked]:
    """Check ``entries`` against ``plan``'s catalogue for ``period`` (None: not known, so not
    checked) and read their values; every problem goes to ``collector``.

    Checked: the agency (``E630``) and the fact (``E631``) exist, the agency reports the fact
    (``E632``) in this period (``E633``), the value is one of the fact's type
    (``E640``-``E649``), no agency reports a fact twice (``E634``), and no value of an agency
    exceeds a value of the same agency that the plan says it is at most (``E650``, see
    :func:`check_relations`). Returns the entries that passed, in their order. With
    ``other_periods``, a fact that is not reported in ``period`` is no error: its value is
    checked, then left out.
    """
    from .fact_values import Problem, read_python, read_value

    checked: list[Checked] = []
    found: dict[str, dict[str, Checked]] = {}  # (no tuple a value: there can be 300,000)
    twice: dict[tuple[str, str], list[Checked]] = {}
    reporters: dict[str, frozenset[str]] = {}  # a set per fact: reporters can be hundreds
    ids: dict[str, str] = {}  # an id as written -> as compared (NFC, no surrounding spaces)
    said: dict[tuple[str, ...], Diagnostic] = {}  # one message per id: suggestions are slow
    agencies, facts = plan.agencies, plan.facts
    for e in entries:
        agency = e.agency
        if agency is not None:
            agency = ids.get(agency) or ids.setdefault(agency, nfc(agency.strip()))
        fact = ids.get(e.fact) or ids.setdefault(e.fact, nfc(e.fact.strip()))
        ok = True
        if agency is not None and agency not in agencies:
            key: tuple[str, ...] = ("E630", agency)
            if key not in said:
                said[key] = messages.unknown_agency(plan, agency)
            collector.add(e.agency_at.locate(said[key]))
            ok = False
        fdef = facts.get(fact)
        if fdef is None:
            key = ("E631", fact)
            if key not in said:
                said[key] = messages.unknown_fact(plan, fact)
            collector.add(e.fact_at.locate(said[key]))
            continue
        if fact not in reporters:
            reporters[fact] = frozenset(fdef.reporters)
        if ok and agency is not None and agency not in reporters[fact]:
            key = ("E632", agency, fact)
            if key not in said:
                said[key] = messages.not_reporter(plan, agency, fdef)
            collector.add(e.fact_at.locate(said[key]))
            ok = False
        elif period is not None and period not in fdef.periods:
            if not other_periods:
                collector.add(e.fact_at.locate(messages.not_in_period(fdef, period)))
            ok = False
        value: Known | None = None
        raw = e.value
        if raw is not None and (not isinstance(raw, str) or raw.strip()):  # (is_blank)
            got = read_value(fdef, raw) if isinstance(raw, str) else read_python(fdef, raw)
            if isinstance(got, Problem):
                e.value_at.error(collector, got.code, got.message, got.help)
                continue
            value = got
        entry = Checked(agency, fact, value, e)
        if agency is not None and value is not None:
            mine = found.get(agency)
            if mine is None:
                mine = found[agency] = {}
            first = mine.setdefault(fact, entry)
            if first is not entry:
                twice.setdefault((agency, fact), [first]).append(entry)
        if ok:
            checked.append(entry)
    for (agency, fact), places in twice.items():
        places.sort(key=lambda c: _order(c.at))
        first_at = places[0].at
        shown = first_at.span.text.strip() if first_at.span is not None else \
            show(str(places[0].value))
        for c in places[1:]:
            c.at.error(collector, "E634", _("'{fact}' of '{agency}' is reported twice: here and "
                                            "at {where}").format(fact=fact, agency=agency,
                                                                 where=first_at.where),
                       _("keep one of the two values"), (_("first reported at {where}: "
                                                           "{shown}").format(where=first_at.where,
                                                                             shown=shown),))
    check_relations(plan, checked, collector)
    return checked


def check_relations(plan: Plan, checked: Sequence[Checked], collector: Collector) -> None:
    """``E650`` for every value greater than the value of a fact it is ``at_most`` (a part
    greater than its whole), located at the part's value, naming both values and both places.

    A relation is between the facts of one agency in one period: the two values may come from
    different files (or rows) of one fact set, and a value written once for every agency (a
    plan test case's ``defaults``) stands for each agency that has no value of its own. A
    fact reported twice (``E634``) or not at all is not compared.
    """
    relations = [(f, w) for f, fdef in plan.facts.items() for w in fdef.at_most]
    if not relations:
        return
    wanted = {f for pair in relations for f in pair}
    own: dict[tuple[str, str], Checked | None] = {}  # None: written twice, so not compared
    shared: dict[str, Checked | None] = {}
    for c in checked:
        if c.fact not in wanted:
            continue
        if c.agency is None:
            shared[c.fact] = None if c.fact in shared else c
        else:
            key = (c.agency, c.fact)
            own[key] = None if key in own else c

    def entry(agency: str, fact: str) -> Checked | None:
        if (agency, fact) in own:  # its own value, or its own blank ("not reported")
            return own[(agency, fact)]
        return shared.get(fact)

    agencies = list(dict.fromkeys(a for a, _ in own))
    if shared:
        listed = set(agencies)
        for f in shared:
            for a in plan.facts[f].reporters:
                if a not in listed:
                    listed.add(a)
                    agencies.append(a)
    reported: set[tuple[int, int]] = set()
    if shared:
        pairs: Iterable[tuple[str, str, str]] = (
            (agency, fact, whole) for agency in agencies for fact, whole in relations)
    else:  # only the facts each agency reported can be parts
        wholes: dict[str, list[str]] = {}
        for fact, whole in relations:
            wholes.setdefault(fact, []).append(whole)
        pairs = _exceeding(own, wholes)
    for agency, fact, whole in pairs:
        part_at, whole_at = entry(agency, fact), entry(agency, whole)
        if part_at is None or whole_at is None or (id(part_at), id(whole_at)) in reported:
            continue
        if not _exceeds(part_at.value, whole_at.value):
            continue
        reported.add((id(part_at), id(whole_at)))
        of = _(" of '{agency}'").format(agency=agency) if part_at.agency is not None or \
            whole_at.agency is not None else ""
        part_shown, whole_shown = _written(part_at), _written(whole_at)
        part_at.at.error(
            collector, "E650", _("'{fact}'{of} is {part_shown}, more than '{whole}' "
                                 "({whole_shown}), which it is a part of").format(
                fact=fact, of=of, part_shown=part_shown, whole=whole,
                whole_shown=whole_shown),
            _("the plan says '{fact}' is at most '{whole}': correct whichever of the two "
              "values is wrong").format(fact=fact, whole=whole),
            (_("'{whole}'{of} is reported at {where}: {whole_shown}").format(
                whole=whole, of=of, where=whole_at.at.where, whole_shown=whole_shown),))


def _exceeding(own: dict[tuple[str, str], Checked | None], wholes: dict[str, list[str]]
               ) -> Iterator[tuple[str, str, str]]:
    """The ``(agency, part, whole)`` of the agencies' own values that may exceed their whole:
    every pair but those of two whole numbers where the part is not above the whole (the
    common case, decided here without a call for each of 200,000 values)."""
    get = own.get
    for (agency, fact), part in own.items():
        ws = wholes.get(fact)
        if ws is None or part is None:
            continue
        p = part.value
        for whole in ws:
            w = get((agency, whole))
            if w is None:
                continue
            if type(p) is int and type(w.value) is int and p <= w.value:
                continue
            yield agency, fact, whole


def _exceeds(part: Known | None, whole: Known | None) -> bool:
    if part is None or whole is None or isinstance(part, bool | str) or \
            isinstance(whole, bool | str):
        return False
    if isinstance(part, dt.date) != isinstance(whole, dt.date):
        return False  # the plan compares facts of one type (E435)
    return part > whole  # type: ignore[operator]  # two numbers or two dates


def _written(c: Checked) -> str:
    """A value as its file wrote it (as read, for data in memory). It has been read as a
    number or a date, so it holds nothing to escape."""
    if c.at.span is not None:
        text = c.at.span.text.strip()
        return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" \
            else text
    return format_value(c.value) if c.value is not None else "nothing"


def check_agencies(plan: Plan, agencies: Iterable[tuple[str, Place]], collector: Collector
                   ) -> None:
    """Check agencies named with nothing under them (``E630`` for an unknown one)."""
    said: dict[str, Diagnostic] = {}  # one message per id: suggestions are slow
    for text, at in agencies:
        agency = nfc(text.strip())
        if agency not in plan.agencies:
            if agency not in said:
                said[agency] = messages.unknown_agency(plan, agency)
            collector.add(at.locate(said[agency]))


def _where(span: Span) -> str:
    return span.begin.where


def _order(at: Place) -> tuple[str, int]:
    if at.span is None:
        return (at.label or "", 0)
    return (at.span.begin.file, at.span.start)


#: The rows of one file read as columns, as a cache entry keeps them (:data:`_Kept`): the
#: number of its source; its agencies and, for each row, the number of its agency among them;
#: its facts and the number of each row's; and for each row its value's offsets (start and
#: end) in the source; each list of numbers packed in bytes (``_packed``).
_Rows = tuple[int, list[str], bytes, list[str], bytes, bytes, bytes]
#: What a cache entry keeps of the places of a fact set (:meth:`_Origins.kept`): the sources;
#: the keys, as a list or as a mapping of each agency to its facts (the keys are then its
#: ``(agency, fact)`` pairs, in order); and for each key, its source's number and the offsets,
#: either given (the fourth item empty) or to be found, when first asked for, in the rows of
#: the files read as columns (the fourth item; the keys are then a mapping, and each key is
#: the agency and fact of exactly one row).
_Kept = tuple[tuple[Source, ...], list[tuple[str, str]] | Mapping[str, Mapping[str, object]],
              list[int], tuple[_Rows, ...]]


class _Origins(Mapping[tuple[str, str], Span]):
    """Where each value was written, by ``(agency, fact)``: worked out when first asked for,
    and the span of a value only when it is asked for (a large file holds hundreds of
    thousands of values, and an explanation looks at a few)."""

    __slots__ = ("_by_agency", "_kept", "_places")

    def __init__(self, by_agency: dict[str, dict[str, Checked]] | Callable[
            [], dict[tuple[str, str], Place]], kept: Callable[[], _Kept | None] | None = None,
                 ) -> None:
        self._by_agency = by_agency
        self._places: dict[tuple[str, str], Place] | None = None
        self._kept = kept  # what kept() returns, made from offsets without a place per value

    def _all(self) -> dict[tuple[str, str], Place]:
        if self._places is None:
            by_agency = self._by_agency
            self._places = by_agency() if callable(by_agency) else {
                (agency, fact): c.at for agency, got in by_agency.items()
                for fact, c in got.items() if c.at.in_file}
        return self._places

    def __getitem__(self, key: tuple[str, str]) -> Span:
        span = self._all()[key].span
        assert span is not None  # only places in a file are kept
        return span

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, key: object) -> bool:
        return key in self._all()

    def __repr__(self) -> str:
        return f"<origins of {len(self)} values>"

    def kept(self) -> _Kept:
        """What a cache entry keeps of this mapping (``engine.cache._Places``): its sources,
        its keys and, per key, the number of its span's source and the span's offsets, the
        same as from its items, without making a span for each value (nor, when the values
        were read as offsets in their files, a place for each)."""
        if self._places is None and self._kept is not None:
            got = self._kept()
            if got is not None:
                return got
        sources: dict[int, tuple[int, Source]] = {}
        keys: list[tuple[str, str]] = []
        offsets: list[int] = []
        for key, at in self._all().items():
            if isinstance(at, LazyPlace):
                source, start, end = at._source, at._start, at._end
            else:
                span = at.span
                assert span is not None  # only places in a file are kept
                source, start, end = span.source, span.start, span.end
            keys.append(key)
            offsets.extend((sources.setdefault(id(source), (len(sources), source))[0],
                            start, end))
        return tuple(s for _n, s in sources.values()), keys, offsets, ()


def _build(plan: Plan, period: str, checked: Iterable[Checked], files: Sequence[str] = (),
           warnings: Sequence[Diagnostic] = (), *, located: bool = True) -> Facts:
    """The :class:`Facts` of the entries that passed. ``located`` False: no entry is in a
    file (data given in memory), so there are no origins, and nothing is kept to find them."""
    by_agency: dict[str | None, dict[str, Checked]] = {}
    for c in checked:
        if c.value is not None:
            got = by_agency.get(c.agency)
            if got is None:
                got = by_agency[c.agency] = {}
            got[c.fact] = c
    catalogue = {fact: i for i, fact in enumerate(plan.facts)}
    order = catalogue.__getitem__
    values: dict[str, Mapping[str, Known]] = {}
    kept: dict[str, dict[str, Checked]] = {}
    for agency in plan.agencies:
        got = by_agency.get(agency)
        if not got:
            continue
        ordered = {fact: got[fact] for fact in sorted(got, key=order)}
        values[agency] = MappingProxyType({fact: c.value for fact, c in ordered.items()
                                           if c.value is not None})
        if located:
            kept[agency] = ordered
    return Facts(plan.id, period, MappingProxyType(values), _Origins(kept),
                 tuple(files), tuple(warnings))


class _Tables:
    """The values of fact files read as columns that passed every check (:func:`_check_tables`):
    by agency, each fact's value; and for each file, the ids its agency and fact texts stand
    for (to find, when first asked for, the row each value was written on)."""

    __slots__ = ("ids", "values")

    def __init__(self) -> None:
        self.values: dict[str, dict[str, Known]] = {}
        self.ids: list[tuple[dict[str, str], dict[str, str]]] = []

    def build(self, plan: Plan, period: str, files: Sequence[FactFile],
              warnings: Sequence[Diagnostic]) -> Facts:
        """The :class:`Facts`, as :func:`_build` makes them from the same values."""
        catalogue = {fact: i for i, fact in enumerate(plan.facts)}
        order = catalogue.__getitem__
        values: dict[str, Mapping[str, Known]] = {}
        got = self.values
        for agency in plan.agencies:
            mine = got.get(agency)
            if mine:
                values[agency] = MappingProxyType(
                    mine if _in_order(mine, order) else
                    {fact: mine[fact] for fact in sorted(mine, key=order)})
        tables: list[Table] = []
        for f in files:
            assert f.table is not None  # every file read as columns (load_facts asks)
            tables.append(f.table)
        ids = self.ids

        def rows() -> dict[tuple[str, str], tuple[int, int]]:
            """Where each reported value is: its file's number and its row there."""
            found: dict[tuple[str, str], tuple[int, int]] = {}
            for n, ((agency_ids, fact_ids), table) in enumerate(zip(ids, tables, strict=True)):
                for i, (a, f, raw) in enumerate(zip(table.agencies, table.facts, table.values,
                                                    strict=True)):
                    if raw is not None:
                        found[(agency_ids[a], fact_ids[f])] = (n, i)
            return found

        def places() -> dict[tuple[str, str], Place]:
            at = rows()
            out: dict[tuple[str, str], Place] = {}
            for agency, facts in values.items():
                for fact in facts:
                    n, i = at[(agency, fact)]
                    out[(agency, fact)] = tables[n].place(i)
            return out

        def kept() -> _Kept | None:
            """The sources and keys of the places, and each file's rows as columns (its
            agencies, its facts, its values' offsets), from which the offsets of each key are
            found when first asked for (``engine.cache._Places``), the same as
            :meth:`_Origins.kept` makes them from the places; the keys as ``values`` itself
            (its agencies with each of their facts, in order, are the keys of the places),
            which the entry holds anyway. Made by slicing and mapping lists, without a step
            of Python per value: on a first run, finding each value's row here took 5 ms for a
            quarter's 4,940 values (issue 17, B6.first), and most runs never ask where a value
            was written."""
            located = [table.located for table in tables]
            if None in located:
                return None
            numbers: dict[int, int] = {}  # a table's source's number, in order of first use
            sources: list[Source] = []
            rows: list[_Rows] = []
            for (agency_ids, fact_ids), table, got in zip(ids, tables, located, strict=True):
                source, offsets_of = got  # type: ignore[misc]  # checked above
                bound = len(source.text) + 1  # (an offset is at most the text's length)
                number = numbers.get(id(source))
                if number is None:
                    number = numbers[id(source)] = len(sources)
                    sources.append(source)
                rows.append((number, *_numbered(table.agencies, agency_ids),
                             *_numbered(table.facts, fact_ids), _packed(offsets_of[2::4], bound),
                             _packed(offsets_of[3::4], bound)))
            return tuple(sources), held, [], tuple(rows)

        held = MappingProxyType(values)  # (the same object in both: pickled once)
        return Facts(plan.id, period, held, _Origins(places, kept),
                     tuple(f.name for f in files), tuple(warnings))


def _numbered(column: list[str], ids: dict[str, str]) -> tuple[list[str], bytes]:
    """The ids ``column``'s texts stand for, each once, and for each row the number of its id
    there (:func:`_packed`)."""
    texts = list(dict.fromkeys(column))
    numbers = dict(zip(texts, itertools.count()))
    return (list(map(ids.__getitem__, texts)),
            _packed(list(map(numbers.__getitem__, column)), len(texts)))


def _packed(numbers: list[int], bound: int) -> bytes:
    """Whole numbers from 0 and below ``bound`` as bytes (:func:`unpacked` reads them back):
    one object for a cache entry to hold and a warm run to read, not one per number. A letter
    says their width (``B``: one byte each, ``I``: four, ``Q``: eight), then the numbers,
    little-endian."""
    if bound <= 1 << 8:
        return b"B" + bytes(numbers)
    import struct

    code = "I" if bound <= 1 << 32 else "Q"
    return code.encode() + struct.pack(f"<{len(numbers)}{code}", *numbers)


def unpacked(data: bytes) -> tuple[int, ...]:
    """The numbers of :func:`_packed`."""
    import struct

    code = chr(data[0])
    return struct.unpack(f"<{(len(data) - 1) // struct.calcsize(code)}{code}",
                         memoryview(data)[1:])


def _in_order(facts: Mapping[str, object], order: Callable[[str], int]) -> bool:
    last = -1
    for fact in facts:
        i = order(fact)
        if i < last:
            return False
        last = i
    return True


#: The fact types whose values are numbers: a text of a few ASCII digits is read by ``int``
#: (what :func:`engine.fact_values.read_value` does first).
_NUMBERS = frozenset({"number", "count"})


def _check_tables(plan: Plan, files: Sequence[FactFile], period: str) -> _Tables | None:
    """The values of fact files read as columns, checked as :func:`check_entries` checks them,
    column by column: ids read once per distinct text, each value by its fact's type, a run
    of whole numbers without a call for each. None at the first problem, or anything
    :func:`check_entries` would treat differently (a fact written twice for an agency, even
    blank): the entries are then checked by :func:`check_entries`, which reports every problem
    in its words and order (tests/facts/test_facts_scale.py checks the two agree)."""
    from .fact_values import MAX_DECIMALS, Problem, read_value

    agencies, catalogue = plan.agencies, plan.facts
    out = _Tables()
    values_of: dict[str, dict[str, Known | None]] = {}  # (None: blank, until every row counts)
    reporters: dict[str, frozenset[str]] = {}
    read: dict[str, dict[str, Known]] = {}  # fact -> text -> its value, each text read once
    blanks = 0
    for f in files:
        table = f.table
        assert table is not None
        ids: dict[str, str] = {}
        for text in set(table.agencies):
            agency = nfc(text.strip())
            if agency not in agencies:
                return None
            ids[text] = agency
        kinds: dict[str, tuple[str, FactDef, bool, frozenset[str], dict[str, Known]]] = {}
        for text in set(table.facts):
            fact = nfc(text.strip())
            fdef = catalogue.get(fact)
            if fdef is None or period not in fdef.periods:
                return None
            if fact not in reporters:
                reporters[fact] = frozenset(fdef.reporters)
            kinds[text] = (fact, fdef, fdef.type in _NUMBERS, reporters[fact],
                           read.setdefault(fact, {}))
        out.ids.append((ids, {text: kind[0] for text, kind in kinds.items()}))
        last: str | None = None
        values: dict[str, Known | None] = {}
        for a, ftext, raw in zip(table.agencies, table.facts, table.values,
                                  strict=True):
            agency = ids[a]
            fact, fdef, number, reporting, memo = kinds[ftext]
            if agency not in reporting:
                return None
            if agency != last:
                last = agency
                values = values_of.get(agency) or values_of.setdefault(agency, {})
            if raw is None:  # kept until every row is counted: a fact twice, even blank,
                values[fact] = None  # is for check_entries (E634)
                blanks += 1
                continue
            if number and raw.isdigit() and raw.isascii() and len(raw) <= MAX_DECIMALS + 2:
                values[fact] = int(raw)
                continue
            known = memo.get(raw)
            if known is None:
                got = read_value(fdef, raw)
                if isinstance(got, Problem):
                    return None
                known = memo[raw] = got  # (a value is a function of its text: true, 95%...)
            values[fact] = known
    if sum(map(len, values_of.values())) != sum(len(f.table) for f in files
                                                 if f.table is not None):
        return None  # an agency's fact written twice
    if blanks:
        for agency, mine in values_of.items():
            if None in mine.values():
                values_of[agency] = {f: v for f, v in mine.items() if v is not None}
    out.values = cast(dict[str, dict[str, Known]], values_of)
    wholes = {f: fdef.at_most for f, fdef in catalogue.items() if fdef.at_most}
    parts = wholes.keys()
    for values in values_of.values():
        for part in parts & values.keys():  # (a set operation, not a look-up per relation)
            p = values[part]
            for whole in wholes[part]:
                w = values.get(whole)
                if w is None or (type(p) is int and type(w) is int and p <= w):
                    continue
                if _exceeds(p, w):
                    return None
    return out


# ---------------------------------------------------------------------------------------------
# Facts given in memory
# ---------------------------------------------------------------------------------------------


def facts_from_data(plan: Plan, data: object, *, period: str, name: str = "facts",
                    other_periods: bool = False) -> Facts:
    """Check facts given in memory (a portal form, a test) exactly as fact files are checked.

    ``data`` is a mapping ``{agency: {fact: value}}`` or a sequence of rows
    ``{"agency": ..., "fact": ..., "value": ...}``. A value is an ``int``, a
    :class:`~fractions.Fraction`, a :class:`~decimal.Decimal`, a ``str`` (read as in a fact
    file: ``"1200"``, ``"95%"``, ``"09/01/2023"``, ``"có"``), a ``bool`` for a yes/no fact, a
    :class:`datetime.date` for a date, or None for "not reported". A ``float`` is refused (it is
    not exact): pass a Fraction, a Decimal or a string.

    Raises :class:`FactsError` with the same codes and messages as :func:`load_facts`, each
    located by ``name``: ``facts["snv"]["received"]`` (``facts[3]["value"]`` for a row).
    With ``other_periods``, facts that are not reported in ``period`` are checked, then left
    out, instead of being refused (``E633``): one mapping can hold the facts of several
    periods (this is what :func:`engine.report.evaluate` does with a mapping).

        >>> from engine.loader import load_plan
        >>> plan = load_plan("tests/data/plans/minimal.yaml")
        >>> facts_from_data(plan, {"snv": {"received": "1200", "on_time": 1150}},
        ...                 period="q1").values["snv"]
        mappingproxy({'received': 1200, 'on_time': 1150})
        >>> facts_from_data(plan, {"snv": {"received": 0.91}}, period="q1")
        Traceback (most recent call last):
        ...
        engine.diagnostics.FactsError: facts["snv"]["received"]: error[E640]: '0.91' for \
'received' is a float, which is not exact
    """
    collector = Collector()
    resolved = _given_period(plan, period, collector, "period")
    entries = list(_data_entries(data, name, plan, collector))
    checked = check_entries(plan, entries, resolved, collector, other_periods=other_periods)
    del entries
    collector.raise_if_any(FactsError)
    assert resolved is not None
    return _build(plan, resolved, checked, located=False)


def _given_period(plan: Plan, period: object, collector: Collector, label: str) -> str | None:
    if not isinstance(period, str):
        collector.error("E620", _("the period is an id, not {period}").format(
                                    period=show(repr(period))), file=label,
                        help=_("the periods of plan '{plan}' are {periods}").format(
                                 plan=plan.id, periods=', '.join(plan.periods)))
        return None
    text = nfc(period.strip())
    if text not in plan.periods:
        collector.add(messages.unknown_period(plan, text, file=label))
        return None
    return text


def _data_entries(data: object, name: str, plan: Plan, collector: Collector
                  ) -> Iterator[Entry]:
    if isinstance(data, Mapping):
        for agency, facts in data.items():
            at = Place(label=f"{name}[{_quoted(agency)}]")
            if not isinstance(agency, str):
                at.error(collector, "E610", _("an agency id is a str, not {agency}").format(
                                                agency=show(repr(agency))))
                continue
            if facts is None or (isinstance(facts, Mapping) and not facts):
                check_agencies(plan, [(agency, at)], collector)
                continue
            if not isinstance(facts, Mapping):
                at.error(collector, "E610", _("the facts of '{agency}' must map fact ids to "
                                               "values, not a {name}").format(
                                                agency=agency, name=type(facts).__name__),
                         _("pass {fact id: value, ...}"))
                continue
            for fact, value in facts.items():
                if not isinstance(fact, str):
                    Place(label=f"{at.label}[{_quoted(fact)}]").error(
                        collector, "E610", _("a fact id is a str, not {fact}").format(
                            fact=show(repr(fact))))
                    continue
                yield _DataEntry(agency, at, fact, value)
        return
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        for i, row in enumerate(data):
            at = Place(label=f"{name}[{i}]")
            if not isinstance(row, Mapping):
                at.error(collector, "E610", _("a row must be a mapping with the keys agency, "
                                               "fact and value, not a {name}").format(
                                                name=type(row).__name__))
                continue
            unknown = [k for k in row if k not in (*CSV_REQUIRED, *CSV_OPTIONAL)]
            for k in unknown:
                at.error(collector, "E611", _("unknown key {k} in a row").format(k=show(str(k))),
                         did_you_mean(str(k), CSV_REQUIRED + CSV_OPTIONAL)
                         or _("a row has the keys agency, fact and value"))
            agency, fact = row.get("agency"), row.get("fact")
            if not isinstance(agency, str) or not isinstance(fact, str) or unknown:
                if not unknown:
                    no_agency = not isinstance(agency, str)
                    at.error(collector, "E615", _("this row has no agency id (a str)") if no_agency
                             else _("this row has no fact id (a str)"),
                             _("give the agency id") if no_agency else _("give the fact id"))
                continue

            def place(key: str, i: int = i) -> Place:
                return Place(label=f'{name}[{i}]["{key}"]')

            yield Entry(agency, place("agency"), fact, place("fact"), row.get("value"),
                        place("value"))
        return
    collector.error("E610", _("facts must be a mapping {{agency: {{fact: value}}}} or a list of "
                               "rows, not a {name}").format(name=type(data).__name__), file=name)


class _DataEntry(Entry):
    """An entry of a mapping given in memory: the place of its fact and value
    (``facts["snv"]["received"]``) is made when asked for (a national fact set holds
    hundreds of thousands)."""

    __slots__ = ()

    def __init__(self, agency: str, agency_at: Place, fact: str, value: object) -> None:
        self.agency = agency
        self.fact = fact
        self.value = value
        self._agency_at = agency_at

    @property
    def fact_at(self) -> Place:
        return Place(label=f"{self._agency_at.label}[{_quoted(self.fact)}]")

    @property
    def value_at(self) -> Place:
        return self.fact_at


def _quoted(key: object) -> str:
    import json  # (here: a run whose facts come from the cache writes no key)

    return json.dumps(key, ensure_ascii=False) if isinstance(key, str) else repr(key)


# ---------------------------------------------------------------------------------------------
# Fact files
# ---------------------------------------------------------------------------------------------


def load_facts(plan: Plan, paths: PathArg | Iterable[PathArg],
               period: str | None = None, *, max_file_bytes: int = MAX_FILE_BYTES) -> Facts:
    """Load fact files for ``plan`` and check them against its facts catalogue.

    ``paths`` is one path or a list; a directory means every ``*.yaml``, ``*.yml``, ``*.json``,
    ``*.csv`` and ``*.xlsx`` file in it (not recursively), in name order (and ``*.xls``,
    ``*.ods``, refused with ``E660``: save them as ``.xlsx``). ``period`` is the period id when
    the files do not say it (CSV without a ``period`` column), and must agree with the files
    when both say it. Each file is read up to ``max_file_bytes`` bytes. Raises
    :class:`FactsError` carrying every problem found.

    An entry of a folder that is not read (a README, the lock file ``~$snv.xlsx`` of a sheet
    open in Excel, a subfolder) is named in a warning (``W680``-``W684``) in
    :attr:`Facts.warnings`, or with the errors when there are any.
    """
    collector = Collector()
    with gc_paused():
        files, resolved = _read_files(plan, paths, period, collector, max_file_bytes)
        if resolved is not None and not collector.has_errors and files and \
                all(f.table is not None for f in files):
            fast = _check_tables(plan, files, resolved)
            if fast is not None:
                return fast.build(plan, resolved, files, collector.warnings())
        checked = check_entries(plan, (e for f in files for e in f.entries), resolved,
                                collector)
        if collector.has_errors:  # the warnings too, after them: every problem at once
            raise FactsError([*collector.errors(), *collector.warnings()])
        if resolved is None:  # pragma: no cover - a missing period is always reported
            raise FactsError([Diagnostic("E621", _("no period"), file=FACT_FILES.label)])
        return _build(plan, resolved, checked, [f.name for f in files], collector.warnings())


def _read_files(plan: Plan, paths: PathArg | Iterable[PathArg], period: str | None,
                collector: Collector, max_file_bytes: int) -> tuple[list[FactFile], str | None]:
    """Read the fact files of ``paths`` into entries, resolve their period and check the plan
    and the agencies they name; problems go to ``collector``. Returns the files read and the
    period (None when it is not known)."""
    files: list[FactFile] = []
    for path in expand(paths, FACT_FILES, collector):
        f = _read_fact_file(path, collector, max_file_bytes)
        if f is not None:
            files.append(f)
    resolved = _resolve_period(plan, files, period, collector)
    for f in files:
        if f.plan is not None and f.plan.text != nfc(plan.id):
            f.plan.at.error(collector, "E613", _("this file is for plan {plan}, not "
                                                 "'{id}'").format(plan=show(f.plan.text),
                                                                  id=plan.id),
                            _("check that the facts are for this plan, then write its id in the "
                              "header") if _is_workbook(f.name) else
                            _("check that the facts are for this plan, then write 'plan: "
                              "{id}'").format(id=plan.id))
        if f.agency is not None:
            _check_sheet_agency(plan, f, f.agency, collector)
        check_agencies(plan, f.bare_agencies, collector)
    return files, resolved


#: Spreadsheets that are fact files only once saved as ``.xlsx`` (refused with ``E660``).
_OTHER_SHEETS = {".xls": N_("an Excel 97-2003 workbook (.xls)"),
                 ".ods": N_("an OpenDocument spreadsheet (.ods)")}


def _is_workbook(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def _read_fact_file(path: Path, collector: Collector, limit: int) -> FactFile | None:
    """What the fact file at ``path`` says, read by its format; None when it cannot be read."""
    name = display_name(path)
    lower = path.name.lower()
    suffix = lower[lower.rfind("."):]
    if suffix in _OTHER_SHEETS or suffix == ".xlsx":  # the workbook reader, only for them
        from .xlsxsrc import SAVE_AS_XLSX, read_sheet
    if suffix in _OTHER_SHEETS:
        collector.error("E660", _("this is {what}, which is not read").format(
                            what=_(_OTHER_SHEETS[suffix])), file=name, help=_(SAVE_AS_XLSX))
        return None
    if suffix == ".xlsx":
        data = read_bytes(path, limit)
        if isinstance(data, Unreadable):
            collector.add(messages.unreadable(data, name, FACT_FILES))
            return None
        sheet = read_sheet(name, data, collector, [w for w in XLSX_WORDS["sheet"].values()])
        if sheet is None:
            return None
        f = FactFile(name, sheet.source)
        read_xlsx(f, sheet, collector)
        return f
    text = read(path, FACT_FILES, collector, name, limit=limit)
    if text is None:
        return None
    f = FactFile(name, Source(name, text))
    if suffix == ".csv":
        read_csv(f, text, collector)
    else:
        read_tree(f, text, suffix == ".json", collector)
    return f


def _check_sheet_agency(plan: Plan, f: FactFile, agency: Stated, collector: Collector) -> None:
    """``E663`` when a workbook named after an agency (``stp.xlsx``) holds the sheet of
    another: the sheet was filled in by, or sent to, the wrong agency."""
    stem = nfc(Path(f.name).name.rsplit(".", 1)[0]).strip().casefold()
    if stem not in plan.agencies or stem == agency.text or agency.text not in plan.agencies:
        return
    agency.at.error(collector, "E663", _("this sheet is for agency '{agency}' ({name}), but the "
                                         "file is named for '{stem}' ({stem_name})").format(
        agency=agency.text, name=plan.agencies[agency.text].name.vi, stem=stem,
        stem_name=plan.agencies[stem].name.vi),
                    _("check that the sheet is the one of '{stem}': each agency fills in its "
                      "own (cchc template --agency {stem} --format xlsx); if the sheet is "
                      "right, rename the file {agency}.xlsx").format(stem=stem,
                                                                      agency=agency.text))


def _resolve_period(plan: Plan, files: list[FactFile], period: str | None,
                    collector: Collector) -> str | None:
    """The period of the facts, reporting unknown, missing and disagreeing periods."""
    resolved: str | None = None
    if period is not None:
        resolved = _given_period(plan, period, collector, "--period")
        period = nfc(period.strip())
    stated: list[tuple[str, int, Stated]] = []
    for f in files:
        seen: set[str] = set()
        for i, s in enumerate(f.periods):  # (in the order of the file: no place is made)
            if s.text in seen:
                continue
            seen.add(s.text)
            if s.text not in plan.periods:
                collector.add(s.at.locate(messages.unknown_period(plan, s.text)))
            else:
                stated.append((f.name, i, s))
        if period is None and f.readable and not f.periods:
            csv_file = f.name.lower().endswith(".csv")
            collector.error(
                "E621", _("this file does not say which period its facts are for"),
                Span(f.source, 0, 0),
                help=_("add a 'period' column or give the period (--period)") if csv_file else
                _("add a 'Kỳ báo cáo' row with the period id in column B, or give the period "
                   "(--period)") if _is_workbook(f.name) else
                _("add 'period: <id>' at the top level, or give the period (--period)"))
    stated.sort(key=lambda x: (x[0], x[1]))
    if period is not None:
        for _unused, _unused2, s in stated:
            if resolved is not None and s.text != resolved:
                s.at.error(collector, "E622", _("this file is for period '{s}', but the period "
                                                 "given is '{resolved}'").format(
                                                  s=s.text, resolved=resolved),
                           _("give the period of the files, or the files of that period"))
        return resolved
    if not stated:
        return None
    reference = stated[0][2]
    disagree = False
    for _unused, _unused2, s in stated[1:]:
        if s.text != reference.text:
            disagree = True
            same = s.at.span is not None and reference.at.span is not None and \
                s.at.span.source is reference.at.span.source
            s.at.error(collector, "E622", (_("the rows disagree on the period: '{here}' here, "
                                             "'{there}' at {where}") if same else
                                           _("the files disagree on the period: '{here}' here, "
                                             "'{there}' at {where}")).format(
                here=s.text, there=reference.text, where=reference.at.where),
                       _("the rows of a file must be for one period") if same else
                       _("fact files loaded together must be for the same period"))
    return None if disagree else reference.text




# ---------------------------------------------------------------------------------------------
# Fact files as they arrive: read leniently, for the chase list (engine.status)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrivals:
    """What a folder of fact files holds so far, read as :func:`load_facts` reads it but
    without stopping at an error: every value that passes its checks is kept, and every error is
    kept too, with the agency it belongs to. Built by :func:`load_arrivals`.

    A file for another plan or another period counts for nobody: its values are not read, and
    its error (``E613``, ``E620``, ``E622``) belongs to each agency it names.
    """

    #: the values that passed every check (files and warnings as in :func:`load_facts`)
    facts: Facts
    #: agency -> the files that name it, in name order (counted or not)
    named: Mapping[str, tuple[str, ...]]
    #: every ``(agency, fact)`` given a value (accepted or refused) in a file that counts
    written: frozenset[tuple[str, str]]
    #: every ``(agency, fact)`` whose value (or fact id) has an error
    refused: frozenset[tuple[str, str]]
    #: agency -> the errors that belong to it: at its values, or of a file that names it
    errors: Mapping[str, tuple[Diagnostic, ...]]
    #: the errors that belong to no agency of the plan (an unknown agency, a file that cannot be
    #: read, a file-wide problem), each once, sorted by place
    problems: tuple[Diagnostic, ...]


def _key(span: Span) -> tuple[int, int, int]:
    return (id(span.source), span.start, span.end)


def load_arrivals(plan: Plan, paths: PathArg | Iterable[PathArg], period: str, *,
                  max_file_bytes: int = MAX_FILE_BYTES) -> Arrivals:
    """Read the fact files of ``paths`` for ``period`` as :func:`load_facts` does, keeping
    what is valid and recording every error with the agency it belongs to (:class:`Arrivals`).

    :func:`load_facts` is unchanged: it refuses any error. This is for telling who has reported
    what while files still arrive (``cchc status``): a folder with no fact file yet is no
    error, and a file that cannot be read is one of :attr:`Arrivals.problems`. Raises
    :class:`FactsError` only when a path given does not exist or no path is given (``E600``),
    or when ``period`` names no period of the plan (``E620``).
    """
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    collector = Collector()
    files, resolved = _read_files(plan, given, period, collector, max_file_bytes)
    names = {display_name(Path(p)) for p in given} | {FACT_FILES.label, "--period"}
    empty = [messages.empty_folder(FACT_FILES, display_name(Path(p))) for p in given]
    hard = [d for d in collector.errors() if d.span is None and d.file in names
            and d.code in (FACT_FILES.cannot_read, "E620") and d not in empty]
    if hard or resolved is None:
        raise FactsError(hard or collector.errors())
    diagnostics = [d for d in collector.diagnostics if d not in empty]
    this_plan = nfc(plan.id)
    counted = [f for f in files if (f.plan is None or f.plan.text == this_plan)
               and all(s.text == resolved for s in f.periods)]
    entries = [e for f in counted for e in f.entries]
    checks = Collector()
    checked = check_entries(plan, entries, resolved, checks)
    # the place of every id and value written -> the agency and fact it is of (only needed, and
    # only worked out, when an error is at a place)
    located = any(d.severity == "error" and d.span is not None
                  for d in [*diagnostics, *checks.diagnostics])
    at: dict[tuple[int, int, int], tuple[str, str]] = {}
    named: dict[str, dict[str, None]] = {}  # (dicts as ordered sets: files can name 100,000)
    in_file: dict[str, dict[str, None]] = {}
    for f in files:
        for agency, fact, places in [
                *((e.agency, e.fact, (e.agency_at, e.fact_at, e.value_at) if located else ())
                  for e in f.entries),
                *((a, "", (place,)) for a, place in f.bare_agencies)]:
            if agency is None:  # pragma: no cover - only a case's defaults have no agency
                continue
            ids = (nfc(agency.strip()), nfc(fact.strip()))
            for place in places:
                if place.span is not None:
                    at[_key(place.span)] = ids
            if ids[0] in plan.agencies:
                named.setdefault(ids[0], {})[f.name] = None
                in_file.setdefault(f.name, {})[ids[0]] = None
    written = {(nfc(e.agency.strip()), nfc(e.fact.strip())) for e in entries
               if e.agency is not None and not is_blank(e.value)}
    errors: dict[str, list[Diagnostic]] = {}
    refused: set[tuple[str, str]] = set()
    problems: list[Diagnostic] = []
    for d in [*diagnostics, *checks.diagnostics]:
        if d.severity != "error":
            continue
        of = at.get(_key(d.span)) if d.span is not None else None
        if of is not None:  # at an id or a value: a problem of that agency and fact
            if of[0] in plan.agencies:
                errors.setdefault(of[0], []).append(d)
                refused.add(of)
            else:
                problems.append(d)
            continue
        problems.append(d)  # a problem of a whole file: of every agency it names
        for agency in in_file.get(d.location[0], ()):
            errors.setdefault(agency, []).append(d)
    warnings = unique(d for d in diagnostics if d.severity == "warning")
    facts = _build(plan, resolved, checked, [f.name for f in files], warnings)
    return Arrivals(facts, MappingProxyType({a: tuple(sorted(n)) for a, n in named.items()}),
                    frozenset(written), frozenset(refused),
                    MappingProxyType({a: tuple(unique(ds)) for a, ds in errors.items()}),
                    tuple(unique(problems)))
