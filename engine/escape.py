"""Escaping what the engine writes, so that text from a plan or a fact file (names, labels,
ids, file names) cannot be turned against the person or program that reads the output.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell("-12.5"), csv_cell("Sở Nội vụ")
    ('-12.5', 'Sở Nội vụ')
"""

from __future__ import annotations

import re

#: What a spreadsheet takes for the start of a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def csv_cell(value: object) -> str:
    """``value`` as a CSV cell that Excel, LibreOffice and Google Sheets will not run: a text
    that starts like a formula is prefixed with a single quote, as OWASP recommends. Numbers
    (``-12.5``) are left as they are, so that they stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(values: list[object]) -> list[str]:
    """Every cell of a row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")


def markdown_inline(text: str) -> str:
    """``text`` as one line of Markdown (a heading, a table cell, a sentence): line breaks become
    spaces, so a name cannot start a heading or a table row of its own, and ``|`` is escaped,
    so it cannot end a table cell.

        >>> markdown_inline("Kế hoạch\\n# Đã đạt | 100%")
        'Kế hoạch # Đã đạt \\\\| 100%'
    """
    return _LINE_BREAKS.sub(" ", text).replace("|", "\\|")
