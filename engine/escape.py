r"""Escaping what the engine writes, so that text from a plan or a fact file (names, labels,
ids, file names) cannot be turned against the person or program that reads the output.

Text shown to people goes through :func:`visible`: a control character (an escape sequence
that moves the cursor, clears the screen or retitles the terminal) or an invisible formatting
character (a bidirectional override that reorders what is shown, "Trojan Source"; a
zero-width space that makes ``snv`` and ``snv\u200b`` look alike) is written out as ``\x1b``
or ``\u202e`` instead of being sent to the terminal. JSON escapes the same characters
(:func:`json_safe`); CSV cells are made visible but for their line breaks, and kept from
starting a formula (:func:`csv_cell`); Markdown cells stay on one line
(:func:`markdown_inline`).

    >>> visible("Sở Nội vụ\x1b[2J\u202e")
    'Sở Nội vụ\\x1b[2J\\u202e'
    >>> csv_cell('=HYPERLINK("http://x")')
    '\'=HYPERLINK("http://x")'
    >>> csv_cell("-12.5"), csv_cell("Sở Nội vụ")
    ('-12.5', 'Sở Nội vụ')
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: The characters :func:`visible` writes out: controls (C0 with tab and line feed, DEL, C1:
#: category ``Cc``), invisible formatting characters, bidirectional overrides and isolates
#: among them (``Cf``), lone surrogates left by file names that are not UTF-8 (``Cs``, which
#: cannot even be encoded for a terminal), and the line and paragraph separators (``Zl``,
#: ``Zp``). Spaces of every width (``Zs``) are shown as they are.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) in INVISIBLE_CATEGORIES


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    n = ord(ch)
    if n < 0x100:
        return f"\\x{n:02x}"
    return f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def visible(text: str) -> str:
    r"""``text`` safe to show in a terminal, on one line: every control or invisible
    formatting character (:data:`INVISIBLE_CATEGORIES`, tab and line break included) written
    as Python writes it in a string, ``\x1b``, ``\u202e`` or ``\U000e0001``; every other
    character (spaces, Vietnamese letters and tone marks, ``\`` itself) left as it is.

    An escape is plain ASCII, one terminal cell per character, so a width counted on the result
    is the width shown; applying it twice changes nothing more. A name that holds the four
    characters ``\x1b`` reads the same as one that held the escape character: the text is for
    people, and JSON output is the exact form.

        >>> visible("a\tb\nc\x7f\x9b"), visible("tổng 100%")
        ('a\\tb\\nc\\x7f\\x9b', 'tổng 100%')
    """
    if text.isprintable():  # the common case, decided in C
        return text
    return "".join(_escape(ch) if _is_invisible(ch) else ch for ch in text)


def cells(text: str) -> int:
    r"""How many terminal cells ``text`` takes once shown (:func:`visible`): a combining mark (a
    Vietnamese tone mark typed as a separate code point) takes none, a wide East Asian
    character two, an escape such as ``\x1b`` one per character, every other character one.

        >>> cells("Sở Nội vụ"), cells("So\u031b\u0309"), cells("\u4e2d"), cells("\x1b")
        (9, 2, 2, 4)
    """
    if one_cell_each(text):  # the common case, in C
        return len(text)
    return sum(map(_cell, unicodedata.normalize("NFC", visible(text))))


def one_cell_each(text: str) -> bool:
    """Whether every character of ``text`` takes one cell as it is (:func:`cells` is then its
    length), which then holds of every part of it too: printable, and only characters of
    :data:`_ONE_CELL_EACH`."""
    return text.isprintable() and _ONE_CELL_EACH.fullmatch(text) is not None


#: Texts whose every character takes one cell, as :func:`_cell` counts it, and which NFC
#: leaves as they are: printable ASCII, Latin-1 to the spacing modifier letters, the Latin
#: letters with Vietnamese tone marks (U+1E00–U+1EFF) and general punctuation from the
#: hyphen on (the en dash of a date range). None of these is a combining mark, a wide
#: character or one that NFC changes, so the count is the length; anything else is counted
#: character by character (``tests/test_escape.py`` holds the two to the same widths).
_ONE_CELL_EACH = re.compile("[\x20-\x7e\xa0-\u02ff\u1e00-\u1eff\u2010-\u205f]*")


@functools.lru_cache(maxsize=4096)  # a table shows the same few letters over and over
def _cell(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    wide = unicodedata.east_asian_width(ch) in ("W", "F") and unicodedata.category(ch) != "Cn"
    return 2 if wide else 1  # an unassigned code point is shown as one replacement glyph


def visible_lines(text: str) -> str:
    r""":func:`visible` for a text of several lines: each ``\n`` between lines is kept.

        >>> visible_lines("a\x1b[1m\nb\r\n")
        'a\\x1b[1m\nb\\r\n'
    """
    if text.isprintable():
        return text
    return "\n".join(visible(line) for line in text.split("\n"))


def json_safe(document: str) -> str:
    r"""A JSON document with the characters :func:`visible` writes out escaped the JSON way,
    ``\u202e`` (a surrogate pair above U+FFFF): it parses to exactly the same data, and sends no
    control or bidirectional character to a terminal. (``json.dumps`` with
    ``ensure_ascii=False`` escapes C0 controls but leaves DEL, C1 controls and bidirectional
    overrides raw.) The line breaks of an indented document, never inside a string, are kept.

        >>> json_safe('{"name": "a\u202eb\x9b\U000e0001"}')
        '{"name": "a\\u202eb\\u009b\\udb40\\udc01"}'
    """
    if document.isprintable():
        return document
    out = []
    for ch in document:
        if ch == "\n" or not _is_invisible(ch):
            out.append(ch)
            continue
        n = ord(ch)
        if n >= 0x10000:
            n -= 0x10000
            out.append(f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}")
        else:
            out.append(f"\\u{n:04x}")
    return "".join(out)


#: What a spreadsheet takes for the start of a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def csv_cell(value: object) -> str:
    """``value`` as a CSV cell that Excel, LibreOffice and Google Sheets will not run: a text
    that starts like a formula is prefixed with a single quote, as OWASP recommends. Numbers
    (``-12.5``) are left as they are, so that they stay numbers.

    Control and invisible characters other than the line break are written out as
    :func:`visible_lines` does: a report is opened in spreadsheets and looked at with ``cat``
    and ``less`` alike, and no name needs an escape sequence, a carriage return or a
    bidirectional override. A line break (in a formula written on several lines) stays: CSV
    quotes it, and it moves no cursor. JSON keeps every text exact."""
    text = visible_lines("" if value is None else str(value))
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(values: list[object]) -> list[str]:
    """Every cell of a row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")


def markdown_inline(text: str) -> str:
    """``text`` as one line of Markdown (a heading, a table cell, a sentence): line breaks become
    spaces, so a name cannot start a heading or a table row of its own, ``|`` is escaped, so it
    cannot end a table cell, and other control characters are written out (:func:`visible`).

        >>> markdown_inline("Kế hoạch\\n# Đã đạt | 100%")
        'Kế hoạch # Đã đạt \\\\| 100%'
    """
    return visible(_LINE_BREAKS.sub(" ", text).replace("|", "\\|"))
