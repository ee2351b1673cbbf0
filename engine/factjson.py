"""JSON fact files of the usual shape read by the standard library's ``json`` module.

A JSON fact file is YAML, and :func:`engine.fact_files.read_tree` reads it as YAML: from
libyaml's events, which locate every value, at about a third of the speed of ``json``'s C
scanner. Almost every JSON fact file is written by a program and holds no problem; its places
are shown only when something needs one (an explanation, ``cchc explain``, or a diagnostic of
a check). :func:`read_json` reads such a file with ``json`` into columns
(:class:`engine.fact_files.Table`), and leaves every place to be worked out when first asked
for, by the reader of events over the same text (:func:`engine.fact_files._plain_read`): the
places it gives are exactly the ones that reader gives, since it is that reader.

It answers None (the file is then read as before, by the YAML readers, which say what is
wrong) for anything but the usual shape: ``plan`` (a text), ``period`` (a text or null),
``agencies`` (a mapping), each agency once with a mapping (or nothing) of facts, each fact
once with a text, a number, true, false or null; and for the few texts that are valid JSON
but that YAML reads differently or refuses (a key far from its colon or on another line, a
character YAML does not allow, an escaped surrogate). On the texts it reads it gives the same
values as the reader of events (``tests/facts/test_factjson.py`` checks the two against each
other).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import repeat

from .fact_files import (
    DeferredPlace,
    Entry,
    FactFile,
    Place,
    Stated,
    Table,
    _Columns,
    _plain_read,
)
from .files import nfc
from .source import Source

__all__ = ["read_json"]


class _NotPlain(Exception):
    """The file is not of the usual shape (or ``json`` and YAML might read it differently)."""


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    got = dict(pairs)
    if len(got) != len(pairs):  # a key twice: the YAML readers say where (E602)
        raise _NotPlain
    return got


def _constant(text: str) -> object:  # NaN, Infinity: not JSON, and YAML reads them as texts
    raise _NotPlain


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_float=str, parse_int=str,
                            parse_constant=_constant)

#: Characters ``json`` takes inside a text but YAML refuses, or reads as a line break
#: (``\x85``, ``\u2028``, ``\u2029``); and lone surrogates.
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
#: An escaped surrogate (``\ud83d``), which YAML refuses; an escaped backslash before ``u``
#: matches too, which only sends the file to the YAML readers.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
#: A key whose colon is on another line, or far after it (the text has no tab: a tab between
#: tokens is read as a space): YAML does not take it as a key.
_KEY_ON_NEXT_LINE = re.compile(r"\n *:")
_FAR_KEY = " " * 32 + ":"
#: The longest key taken: YAML takes a key only when its colon is within 1,024 characters of
#: its start, and an escape writes one character with up to six.
_MAX_KEY = 150
_WORDS = {True: "true", False: "false"}


def _text(value: object) -> str | None:
    """A scalar's text as the reader of events gives it: None for null or a blank text."""
    if type(value) is str:
        return value if value and not value.isspace() else None
    if value is None:
        return None
    if type(value) is bool:
        return _WORDS[value]
    raise _NotPlain


def read_json(f: FactFile, text: str) -> bool:
    """Read the JSON fact file ``text`` of the usual shape (see the module) into ``f``, its
    places worked out when first asked for; False (``f`` untouched) when it is not of it."""
    if "\r" in text or "\x7f" in text or _FAR_KEY in text or _KEY_ON_NEXT_LINE.search(text) or \
            ("\\" in text and _SURROGATE.search(text)):
        return False
    try:
        doc = _DECODER.decode(text)
        got = _columns(doc)
    except (_NotPlain, ValueError, RecursionError):
        return False
    if got is None:
        return False
    plan, period, columns, bare = got
    if not text.isascii() and _NOT_YAML.search("".join(
            (plan, period or "", *set(columns.agencies), *set(columns.facts), *bare,
             *filter(None, columns.values)))):
        return False  # (outside its texts, a JSON file holds only ASCII)
    source = f.source if f.source.text == text else Source(f.name, text)
    located = _Located(text, source, columns)
    f.source = source
    f.readable = True
    f.plan = Stated(nfc(plan.strip()), DeferredPlace(located.plan))
    if period is not None:
        f.periods.append(Stated(nfc(period.strip()), DeferredPlace(located.period)))
    f.bare_agencies.extend((agency, DeferredPlace(located.bare(j)))
                           for j, agency in enumerate(bare))
    f.table = Table(columns.agencies, columns.facts, columns.values, located.place,
                    located.entries)
    return True


def _columns(doc: object) -> tuple[str, str | None, _Columns, list[str]] | None:
    """The plan, period, entries (without places) and bare agencies of a decoded file."""
    if type(doc) is not dict or "plan" not in doc or "agencies" not in doc or \
            not doc.keys() <= {"plan", "period", "agencies"}:
        return None
    plan, period, agencies = doc["plan"], doc.get("period"), doc["agencies"]
    if type(plan) is not str or plan.isspace() or not plan or type(agencies) is not dict:
        return None
    if period is not None and type(period) is not str:
        return None
    if period is not None and (not period or period.isspace()):
        period = None
    columns = _Columns()
    names, facts, values = columns.agencies, columns.facts, columns.values
    bare: list[str] = []
    for agency, got in agencies.items():
        if got is None or got == {}:
            bare.append(agency)
            continue
        if type(got) is not dict:
            return None
        vals = list(got.values())
        if set(map(type, vals)) <= {str}:
            if not all(vals) or any(map(str.isspace, vals)):
                vals = [v if v and not v.isspace() else None for v in vals]
        else:
            vals = [_text(v) for v in vals]
        names.extend(repeat(agency, len(vals)))
        facts.extend(got)
        values.extend(vals)
    if max(map(len, agencies), default=0) > _MAX_KEY or \
            max(map(len, set(facts)), default=0) > _MAX_KEY:
        return None
    return plan, period, columns, bare


class _Located:
    """The places of a file read by :func:`read_json`, worked out by the reader of events the
    first time one is asked for (once for the file)."""

    __slots__ = ("_columns", "_got", "_source", "_text")

    def __init__(self, text: str, source: Source, columns: _Columns) -> None:
        self._text, self._source, self._columns = text, source, columns
        self._got: tuple[Stated, Stated | None, Table, list[tuple[str, Place]]] | None = None

    def _read(self) -> tuple[Stated, Stated | None, Table, list[tuple[str, Place]]]:
        if self._got is None:
            got = _plain_read(self._text, self._source)
            mine = self._columns
            if got is None or (got[2].agencies, got[2].facts, got[2].values) != \
                    (mine.agencies, mine.facts, mine.values):  # pragma: no cover - by the guards
                raise AssertionError("the JSON reader and the YAML reader disagree")
            plan, period, columns, bare = got
            self._got = (plan, period, columns.table(self._source), bare)
            self._text = ""
        return self._got

    def plan(self) -> Place:
        return self._read()[0].at

    def period(self) -> Place:
        period = self._read()[1]
        assert period is not None
        return period.at

    def bare(self, j: int) -> Callable[[], Place]:
        return lambda: self._read()[3][j][1]

    def place(self, i: int) -> Place:
        return self._read()[2].place(i)

    def entries(self) -> list[Entry]:
        return self._read()[2].entries()
