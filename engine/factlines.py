"""Fact files of the plainest shape read line by line, without a YAML parser.

Almost every fact file is written by a script or copied from the template: ``plan:``,
``period:``, ``agencies:``, then each agency on a line of its own and each of its facts as
``fact: value`` on a line of its own, with comments. :func:`read_lines` reads exactly that
shape, where one regular expression a line says all that YAML would: keys and values made of
letters of ASCII, digits and ``_ . - + ~ /`` (and ``%`` and ``,`` after the first; no quote,
no colon, no ``#``, no space, no tab), indented with spaces. It answers None for anything
else (a quoted value, a value on two lines, a flow mapping, a tab, an empty value, a key twice,
a document marker...), and the file is then read by the YAML parser as before
(:func:`engine.fact_files._read_plain_tree`). On the shape it reads, it gives the same entries
at the same places as the parser's events do (``tests/facts/test_factlines.py`` checks the two
against each other): the common case costs neither the import of PyYAML nor an event per
scalar.
"""

from __future__ import annotations

import re

from .fact_files import LazyPlace, Place, Stated, _Columns
from .files import nfc
from .source import Source

__all__ = ["read_lines"]

_KEY = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
_VALUE = r"[-+]?[A-Za-z0-9_.~/][A-Za-z0-9_.~/+%,-]*"
#: A fact's value in double quotes (as programs write it, ``"93.5%"``): no quote, backslash,
#: control character, line or paragraph separator, byte order mark or character outside the
#: Basic Multilingual Plane inside, so its text is exactly what is between the quotes. The class
#: is written as what it leaves out: the same set, but Python's regular expression compiler
#: walks a range character by character, and the ranges of what it lets in took 4 ms to compile
#: on every run that reads a fact file.
_QUOTED = '"[^\\x00-\\x1f"\\\\\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe-\\U0010ffff]*"'
#: A line with a key: indent, key, optional value, optional comment (after a space).
_ENTRY = re.compile(rf"( *)({_KEY}):(?: +({_VALUE}|{_QUOTED}))?(?: +#.*| *)")
#: A line YAML skips: blank, or a comment.
_BLANK = re.compile(r" *(?:#.*)?")
_TOP = ("plan", "period", "agencies")


def _null(text: str) -> bool:
    return text.lower() in ("~", "null")


def read_lines(text: str, source: Source) -> tuple[
        Stated, Stated | None, _Columns, list[tuple[str, Place]]] | None:
    """The plan, period, entries and bare agencies of a fact file of the plainest shape (see
    the module), as :func:`engine.fact_files._plain_events` reads them; None when the file is
    not of that shape."""
    if "\r" in text or "\t" in text:
        return None
    top: dict[str, tuple[str, int] | None] = {}
    entries = _Columns()
    bare: list[tuple[str, Place]] = []
    seen: set[str] = set()
    in_agencies = False
    agency_indent = fact_indent = -1
    agency: str | None = None
    agency_at: LazyPlace | None = None
    facts: set[str] = set()
    pos = 0
    entry_match, blank_match = _ENTRY.fullmatch, _BLANK.fullmatch

    def close() -> None:
        if agency is not None and not facts:
            assert agency_at is not None
            bare.append((agency, agency_at))

    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        m = entry_match(line)
        if m is None:
            if blank_match(line) is None:
                return None
            continue
        indent, key, value = len(m[1]), m[2], m[3]
        quoted = value is not None and value[0] == '"'
        if quoted and (indent == 0 or not in_agencies or agency_indent < 0 or
                       indent <= agency_indent):
            return None  # (only a fact's value may be quoted here)
        if indent == 0:
            close()
            agency, in_agencies = None, False
            if key in top or key not in _TOP:
                return None
            if key == "agencies":
                if value is not None:
                    return None
                top[key], in_agencies, agency_indent = None, True, -1
            elif value is None or (key == "plan" and _null(value)):
                return None
            else:
                top[key] = (value, start + m.start(3))
        elif not in_agencies:
            return None
        elif agency_indent < 0 or indent == agency_indent:
            close()
            if value is not None or key in seen:
                return None
            agency_indent = indent
            seen.add(key)
            agency, agency_at, facts, fact_indent = key, LazyPlace(
                source, start + indent, start + indent + len(key)), set(), -1
        elif indent > agency_indent and (fact_indent < 0 or indent == fact_indent):
            if value is None or key in facts:
                return None
            assert agency is not None and agency_at is not None
            fact_indent = indent
            facts.add(key)
            at = start + m.start(3)
            entries.agencies.append(agency)
            entries.at.append(agency_at)
            entries.facts.append(key)
            if quoted:
                text = value[1:-1]
                entries.values.append(text if text and not text.isspace() else None)
            else:
                entries.values.append(None if _null(value) else value)
            entries.offsets.extend((start + indent, start + indent + len(key), at,
                                    at + len(value)))
        else:
            return None
    close()
    plan, period = top.get("plan"), top.get("period")
    if plan is None or "agencies" not in top or not seen:
        return None

    def stated(scalar: tuple[str, int]) -> Stated:
        text, at = scalar
        return Stated(nfc(text), LazyPlace(source, at, at + len(text)))

    return (stated(plan), None if period is None or _null(period[0]) else stated(period),
            entries, bare)
