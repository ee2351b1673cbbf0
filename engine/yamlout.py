"""Writing YAML scalars that read back as the same text: the one writer of plan dumps
(:mod:`engine.dump`), fact templates (:mod:`engine.template`) and next year's draft plan
(:mod:`engine.newyear`).

A scalar is written plain when YAML reads it back as the same string (and the engine's readers
would not type it as a number, boolean or null, nor YAML 1.1 as yes/no), as a ``|`` block when it
spans lines and a block can hold it, and double-quoted otherwise, with escapes for line breaks
and invisible characters, so a name with ``:``, ``#``, quotes or line breaks survives.

    >>> scalar("Sở Nội vụ")
    'Sở Nội vụ'
    >>> scalar("a: b"), scalar("true"), scalar("2023")
    ('"a: b"', '"true"', '"2023"')
    >>> scalar("a\\nb", inline=True)
    '"a\\\\nb"'
    >>> scalar("Quý I, 2024", flow=True), key("q1"), key("no")
    ('"Quý I, 2024"', 'q1', '"no"')
"""

from __future__ import annotations

import re
import unicodedata

import yaml

from .escape import INVISIBLE_CATEGORIES

__all__ = ["key", "quoted", "scalar"]

_FLOW_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
#: What the plan reader types itself (everything else plain is text to it).
_TYPED = re.compile(r"-?[0-9]+|true|false|null|~|")
#: YAML 1.1 booleans: text to the engine's readers, which do not guess types, but quoted for
#: other readers (and people).
_WORDS = {"yes", "no", "on", "off", "y", "n"}


def key(text: str) -> str:
    """``text`` as a mapping key or an item of a flow list: plain when it is a simple id that
    every YAML reader takes as text, else double-quoted."""
    if _FLOW_SAFE.fullmatch(text) and not _TYPED.fullmatch(text) and \
            text.lower() not in _WORDS:
        return text
    return quoted(text)


def scalar(text: str, indent: str = "  ", *, inline: bool = False, flow: bool = False) -> str:
    """``text`` as a YAML value that reads back unchanged, as a string.

    Plain when that reads back as the same text, a ``|`` block for multi-line text that a
    block can hold (its lines indented by ``indent``), double-quoted otherwise. ``inline``:
    on the key's line (a comment may follow), so never a block. ``flow``: inside ``{...}`` or
    ``[...]``, where ``,``, brackets and braces end a plain scalar.
    """
    if "\n" not in text and not _TYPED.fullmatch(text) and text.lower() not in _WORDS and \
            all(_printable(ch) for ch in text) and _reads_back(text, text, None, flow):
        return text
    if "\n" in text and not (inline or flow):
        block = _block(text, indent)
        if block is not None:
            return block
    return quoted(text)


def _reads_back(candidate: str, text: str, style: str | None, flow: bool = False) -> bool:
    document = f"k: {{v: {candidate}}}\n" if flow else f"k: {candidate}\n"
    try:
        node = yaml.compose(document, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    value = node.value[0][1]
    if flow:
        if not isinstance(value, yaml.MappingNode) or len(value.value) != 1:
            return False
        value = value.value[0][1]
    # The engine's readers type only what _TYPED matches (checked by the caller): a plain date
    # or 1.10 stays text, whatever tag YAML 1.1 would give it.
    return isinstance(value, yaml.ScalarNode) and value.value == text and value.style == style


def _block(text: str, indent: str) -> str | None:
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = body.split("\n")
    if not body or lines[0][:1] in (" ", "\t") or any(
            not _printable(ch) or ch in "\t\r" for ch in body):
        return None
    if any(line != line.rstrip(" ") or (line and not line.strip()) for line in lines):
        return None
    candidate = f"|{chomp}\n" + "\n".join(("  " + line) if line else "" for line in lines)
    candidate += "\n" * max(trailing - 1, 0)
    if not _reads_back(candidate + "\n" if chomp == "+" else candidate, text, "|"):
        return None
    return f"|{chomp}\n" + "\n".join((indent + line) if line else "" for line in lines) + \
        "\n" * max(trailing - 1, 0)


#: Escapes in a double-quoted scalar; YAML folds the line breaks NEL, LS and PS otherwise.
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _printable(ch: str) -> bool:
    """Whether ``ch`` is written as it is: YAML can print it, and it is not a control or
    invisible formatting character (a bidirectional override would reorder the file as shown,
    see :mod:`engine.escape`), which is escaped instead (``\u202e``), exactly as YAML reads it."""
    o = ord(ch)
    return ch in "\t\n" or ((0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD
                               or 0x10000 <= o <= 0x10FFFF)
                              and unicodedata.category(ch) not in INVISIBLE_CATEGORIES)


def quoted(text: str) -> str:
    """``text`` double-quoted, with escapes for quotes, backslashes, line breaks and
    characters YAML does not print."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
