"""Filling and editing workbooks in tests, through openpyxl (as a program or Excel would)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import openpyxl

from engine.xlsx_template import FIRST_FACT_ROW, VALUE_COLUMN


def fill(data: bytes, values: Mapping[str, Any] = {},
         cells: Mapping[str, Any] = {}) -> bytes:
    """The workbook ``data`` with the value cell of each fact in ``values`` set (in the row
    whose column A holds the fact id), and each cell named in ``cells`` (``"B2"``) set, in its
    first sheet; saved by openpyxl."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    rows = {ws.cell(r, 1).value: r for r in range(FIRST_FACT_ROW, ws.max_row + 1)}
    for fact, value in values.items():
        ws.cell(rows[fact], VALUE_COLUMN).value = value
    for ref, value in cells.items():
        ws[ref].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of(data: bytes, fact: str) -> int:
    """The row of ``fact`` in the first sheet of ``data``."""
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == fact)


def patch(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The workbook ``data`` with ``old`` replaced by ``new`` in its part ``part`` (which must
    hold it): how a test writes what openpyxl cannot, such as a formula's cached value."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                assert old in body, (old, body[:2000])
                body = body.replace(old, new)
            dst.writestr(info, body)
    return out.getvalue()


def save_formula_value(data: bytes, formula: str, value: str) -> bytes:
    """The workbook ``data`` with ``value`` saved as the cached value of the formula
    ``formula`` (without its ``=``) in its first sheet, as Excel saves it on opening the file.
    openpyxl writes a formula's empty value as ``<v />`` with the standard library's XML writer
    and as ``<v></v>`` with lxml's, which it uses whenever lxml is installed (python-docx
    needs it), so either form is accepted; exactly one cell must hold the formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        body = src.read(SHEET)
    f = f"<f>{formula}</f>".encode()
    forms = [old for old in (f + b"<v />", f + b"<v/>", f + b"<v></v>") if old in body]
    assert len(forms) == 1 and body.count(forms[0]) == 1, (formula, forms)
    return patch(data, SHEET, forms[0], f + f"<v>{value}</v>".encode())


SHEET = "xl/worksheets/sheet1.xml"
