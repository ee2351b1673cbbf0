"""Hostile workbooks (issue 14): a file named .xlsx may hold anything. Whatever its bytes or its
XML, reading it ends in facts or in located diagnostics, never a traceback, within the limits of
docs/security.md (no part unpacked past its declared size, no entity expanded, no row past
10,000 read)."""

from __future__ import annotations

import io
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.diagnostics import FactsError
from engine.xlsx_template import template_workbook
from tests.facts.conftest import make_plan

PLAN = make_plan()
BLANK = template_workbook(PLAN, "q1", "snv",
                          values={"received": 12, "satisfaction": Fraction(1, 2)})
SHEET = "xl/worksheets/sheet1.xml"


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


def _load(path: Path) -> None:
    """Facts, or a FactsError whose every diagnostic names the file; nothing else."""
    try:
        engine.load_facts(PLAN, path, "q1")
    except FactsError as e:
        assert e.diagnostics
        for d in e.diagnostics:
            assert d.location[0] == str(path)
            d.render()
            d.to_dict()


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_bytes(tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(BLANK)
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    path = tmp_path / "snv.xlsx"
    path.write_bytes(bytes(raw[:cut] if data.draw(st.booleans()) else raw))
    _load(path)


#: Pieces of a sheet's XML that a hostile or careless writer could put anywhere.
PIECES = [b'r="ZZZ0"', b'r="A99999999999"', b's="-4"', b's="999"', b't="zz"', b't="s"',
          b't="d"', b't="b"', b't="e"', b"<v>nan</v>", b"<v>1e400</v>", b"<v>-1e-400</v>",
          b"<v>99999999999999999999</v>", b"<v>2958466</v>", b"<v></v>", b"<f>1/0</f>",
          b"<is><t>x</t></is>", b"</c>", b"<c>", b"&amp;", b"\xff", b"<row>", b'<row r="0">']


@settings(max_examples=80, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_hostile_sheet_xml(tmp_path: Path, data: st.DataObject) -> None:
    parts = _parts(BLANK)
    xml = parts[SHEET]
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(xml)))
        xml = xml[:at] + data.draw(st.sampled_from(PIECES)) + xml[at:]
    parts[SHEET] = xml
    path = tmp_path / "snv.xlsx"
    path.write_bytes(_zip(parts))
    _load(path)


@pytest.mark.parametrize(("part", "body"), [
    ("xl/_rels/workbook.xml.rels", b"<Relationships><Relationship Id='rId1' Type='x/worksheet'"
                                   b" Target='../../../../etc/passwd'/></Relationships>"),
    ("xl/_rels/workbook.xml.rels", b"<Relationships><Relationship Id='rId1' Type='x/worksheet'"
                                   b" Target='http://example.com/a' TargetMode='External'/>"
                                   b"</Relationships>"),
    ("xl/workbook.xml", b"<workbook><sheets><sheet name='x'/></sheets></workbook>"),
    ("xl/workbook.xml", b"not xml"),
    ("xl/styles.xml", b"<styleSheet><cellXfs><xf numFmtId='x'/></cellXfs></styleSheet>"),
    ("_rels/.rels", b"<Relationships><Relationship Id='a' Type='b/officeDocument' Target='/'/>"
                    b"</Relationships>"),
])
def test_hostile_package_parts(tmp_path: Path, part: str, body: bytes) -> None:
    parts = _parts(BLANK)
    parts[part] = body
    path = tmp_path / "snv.xlsx"
    path.write_bytes(_zip(parts))
    _load(path)


def test_a_part_that_lies_about_its_size_is_not_unpacked_past_it(tmp_path: Path) -> None:
    parts = _parts(BLANK)
    payload = parts[SHEET] + b" " * 10_000_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, payload if name == SHEET else body)
    data = bytearray(out.getvalue())
    # the central directory says the sheet unpacks to 1,000 bytes: zipfile stops there
    index = data.rfind(b"PK\x01\x02", 0, data.find(SHEET.encode(), data.find(b"PK\x01\x02")))
    header = data.find(SHEET.encode(), data.find(b"PK\x01\x02")) - 46
    assert index <= header
    data[header + 24:header + 28] = (1000).to_bytes(4, "little")
    path = tmp_path / "snv.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(FactsError) as info:
        engine.load_facts(PLAN, path, "q1")
    assert [d.code for d in info.value.diagnostics] == ["E661"]
