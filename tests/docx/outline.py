"""A Word document as text a reviewer can read: its page set-up, each paragraph with its style,
and each table with its widths, its repeated header rows and its cells (a cell spanning several
columns says so). The goldens of tests/golden/docx/ are such outlines."""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def is_header_row(tr: object) -> bool:
    """Whether a row (``w:tr``) repeats at the top of each page (``w:tblHeader``)."""
    tr_pr = tr.find(qn("w:trPr"))  # type: ignore[attr-defined]
    if tr_pr is None:
        return False
    flag = tr_pr.find(qn("w:tblHeader"))
    return flag is not None and flag.get(qn("w:val"), "true") in ("true", "1", "on")


def cells(table: Table) -> list[tuple[bool, list[tuple[str, int]]]]:
    """Each row of ``table``: whether it is a repeated header row, and its cells (text, the
    number of columns it spans), each once however many columns it spans."""
    out = []
    for tr in table._tbl.tr_lst:
        row = [("\n".join(p.text for p in _Cell(tc, table).paragraphs), tc.grid_span)
               for tc in tr.tc_lst]
        out.append((is_header_row(tr), row))
    return out


def _mm(length: int | None) -> str:
    return "?" if length is None else f"{round(length / 36000)}"


def outline(data: bytes) -> str:
    doc = open_docx(data)
    lines = []
    for s in doc.sections:
        orient = "landscape" if s.orientation else "portrait"
        lines.append(f"section: {_mm(s.page_width)} x {_mm(s.page_height)} mm, {orient}; "
                     f"margins top {_mm(s.top_margin)}, bottom {_mm(s.bottom_margin)}, "
                     f"left {_mm(s.left_margin)}, right {_mm(s.right_margin)} mm")
        fields = [f.get(qn("w:instr")) for f in s.header._element.iter(qn("w:fldSimple"))]
        lines.append(f"header: fields {fields}; first page different: "
                     f"{s.different_first_page_header_footer}")
    normal = doc.styles["Normal"].font
    lines.append(f"font: {normal.name} {normal.size.pt if normal.size else '?'} pt")
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(f"[{block.style.name if block.style else '?'}] {block.text}")
            continue
        widths = [_mm(c.width) for c in block.columns]
        lines.append(f"table ({block.style.name if block.style else '?'}; "
                     f"columns {', '.join(widths)} mm):")
        for header, row in cells(block):
            texts = [text.replace("\n", " / ") + (f" <spans {span}>" if span > 1 else "")
                     for text, span in row]
            lines.append(("  header | " if header else "         | ") + " | ".join(texts))
    return "\n".join(lines) + "\n"
