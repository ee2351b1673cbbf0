"""Shared fixtures of the Excel report tests: the 2023 plan evaluated on the q1 examples, and a
plan whose names try to become formulas or carry control characters."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

import engine
from engine.model import Plan
from engine.report import Report

ROOT = Path(__file__).resolve().parents[2]

#: A valid plan whose names start like spreadsheet formulas or hold control characters.
HOSTILE_PLAN = r"""
cchc: 1
id: hostile-xlsx
year: 2023
title: {vi: "Kế hoạch\x1b[2J CCHC 2023"}
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  snv: {name: {vi: "=cmd|' /C calc'!A0"}, kind: department, parent: tinh}
  huyen: {name: {vi: "Huyện\x1b]0;pwned\x07 A"}, kind: district, parent: tinh}
  xa: {name: {vi: "+SUM(1)"}, kind: commune, parent: huyen}
  xa2: {name: {vi: "@xa hai"}, kind: commune, parent: huyen}
groups:
  receiving: {agencies: [snv, huyen, xa, xa2]}
  communes: {kinds: [commune]}
periods:
  q1: {name: {vi: "-Quý I"}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-14}
facts:
  received: {type: count, unit: dossier, label: {vi: Số hồ sơ tiếp nhận}, reported_by: receiving}
  on_time: {type: count, unit: dossier, label: {vi: Số hồ sơ đúng hạn}, reported_by: receiving}
areas:
  procedures:
    name: {vi: "=HYPERLINK(\"http://x\")"}
    indicators:
      on_time:
        name: {vi: "Hồ sơ đúng hạn\u202e\nhai dòng"}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(on_time) / sum(received)
        target: value > 99%
      communes_on_time:
        name: {vi: "-Xã đúng hạn"}
        unit: percent
        owner: snv
        scope: communes
        value: sum(on_time) / sum(received)
        target: value >= 90%
"""

HOSTILE_FACTS = {"snv": {"received": 100, "on_time": 100},
                 "huyen": {"received": 10, "on_time": 9},
                 "xa": {"received": 10, "on_time": 10}}


@pytest.fixture(scope="session")
def plan() -> Plan:
    return engine.load_plan(ROOT / "plans" / "2023.yaml")


@pytest.fixture(scope="session")
def report(plan: Plan) -> Report:
    facts = engine.load_facts(plan, [ROOT / "examples" / "2023" / "q1"], period="q1")
    return engine.evaluate(plan, facts, period="q1")


@pytest.fixture(scope="session")
def hostile() -> Report:
    plan = engine.loads_plan(HOSTILE_PLAN, "hostile.yaml")
    return engine.evaluate(plan, HOSTILE_FACTS, period="q1")


def open_workbook(data: bytes) -> Workbook:
    """The workbook of ``data``, as Excel would see it (cached values, not formulas)."""
    return openpyxl.load_workbook(io.BytesIO(data))
