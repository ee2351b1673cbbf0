"""Hostile names in the Word annex: control characters (NUL, ESC, BEL), bidirectional overrides,
lone surrogates and the non-characters U+FFFE and U+FFFF that XML cannot hold. python-docx (lxml)
raises on such text; the annex writes it out (``\\x1b``) as every other output for people does,
and the document always opens."""

from __future__ import annotations

import dataclasses
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.escape import INVISIBLE_CATEGORIES
from engine.model import Label, Plan, frozen
from engine.report import Report
from engine.report_docx import render_docx

from .outline import open_docx

DATA = Path(__file__).resolve().parent / "data"
HOSTILE = "Sở\x00 Nội\x1b[2J vụ\x07\u202e\ud800\ufffe\uffff\u2028\t\n\r\x7f\x9b"
#: what the annex shows of HOSTILE: every character written out, the name still readable
SHOWN = "Sở\\x00 Nội\\x1b[2J vụ\\x07\\u202e\\ud800\\ufffe\\uffff\\u2028\\t\\n\\r\\x7f\\x9b"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return engine.load_plan(DATA / "plan.yaml")


@pytest.fixture(scope="module")
def facts(plan: Plan) -> engine.Facts:
    return engine.load_facts(plan, [DATA / "q1.yaml"])


def renamed(plan: Plan, name: str) -> Plan:
    """``plan`` with ``name`` in every name and label the annex shows: the title, the decision,
    the periods, areas, indicators, agencies and facts (each keeps its own place in the text)."""
    def label(old: Label) -> Label:
        return Label(name + old.vi, None if old.en is None else name + old.en)

    decision = plan.decision and dataclasses.replace(
        plan.decision, number=name + plan.decision.number, signer=name)
    return dataclasses.replace(
        plan, title=label(plan.title), decision=decision,
        periods=frozen({k: dataclasses.replace(p, name=label(p.name))
                        for k, p in plan.periods.items()}),
        areas=frozen({k: dataclasses.replace(a, name=label(a.name))
                      for k, a in plan.areas.items()}),
        indicators=frozen({k: dataclasses.replace(i, name=label(i.name))
                           for k, i in plan.indicators.items()}),
        agencies=frozen({k: dataclasses.replace(a, name=label(a.name))
                         for k, a in plan.agencies.items()}),
        facts=frozen({k: dataclasses.replace(f, label=label(f.label))
                      for k, f in plan.facts.items()}))


def report_with(plan: Plan, facts: engine.Facts, name: str, agency: str | None = None
                ) -> Report:
    return engine.evaluate(renamed(plan, name), facts, period="q1", agency=agency)


def texts(data: bytes) -> list[str]:
    """Every text the document holds: the runs of the body and the header, and the document's
    properties (title, subject, ...), read from the XML itself."""
    out: list[str] = []
    with zipfile.ZipFile(BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                root = ElementTree.fromstring(z.read(name))  # raises on text XML cannot hold
                out += [e.text for e in root.iter() if len(e) == 0 and e.text]
                out += [v for e in root.iter() for v in e.attrib.values()]
    return out


def raw(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) in INVISIBLE_CATEGORIES
            or ch in "\ufffe\uffff"]


def test_a_hostile_name_is_written_out_everywhere(plan: Plan, facts: engine.Facts) -> None:
    data = render_docx(report_with(plan, facts, HOSTILE))
    doc = open_docx(data)
    assert not [t for t in texts(data) if raw(t)]
    assert doc.paragraphs[2].text == SHOWN + "Kế hoạch cải cách hành chính tỉnh Mẫu năm 2023"
    assert doc.core_properties.title.startswith("PHỤ LỤC: " + SHOWN)
    every = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert SHOWN + "Sở Nội vụ" in every  # an agency of a breakdown
    assert SHOWN + "Xã Bình Minh (" + SHOWN + "Huyện Bình Sơn)" in every  # with its district
    assert SHOWN + "Đã công khai ngân sách" in every  # a fact not reported
    assert SHOWN + "Cải cách tài chính công" in every  # an area's group row


def test_a_hostile_name_in_english_and_narrowed(plan: Plan, facts: engine.Facts) -> None:
    data = render_docx(report_with(plan, facts, HOSTILE, agency="huyen_b"), "en")
    assert not [t for t in texts(data) if raw(t)]
    assert any(t.startswith(f"Agency: {SHOWN}Bình Sơn District") for t in texts(data))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(st.characters(exclude_categories=()), max_size=12))
def test_any_name_gives_a_document_that_opens(plan: Plan, facts: engine.Facts,
                                              name: str) -> None:
    data = render_docx(report_with(plan, facts, name))
    assert not [t for t in texts(data) if raw(t)]
    open_docx(data)
