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
