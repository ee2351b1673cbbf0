"""Shared fixtures of the chase-list tests: the small plan of ``tests/data/status`` and its q1
folder (a complete, a partial and a missing agency of every kind, a refused value, an unknown
agency, a README and the lock file of an open workbook)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import engine
from engine.model import Plan
from engine.status import ReportingStatus, reporting_status

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "status"
PLAN = "tests/data/status/plan.yaml"
Q1 = "tests/data/status/q1"
AFTER_DUE = dt.date(2023, 3, 20)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """File names are shown relative to the working directory: the repository's root."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def plan() -> Plan:
    return engine.load_plan(DATA / "plan.yaml")


@pytest.fixture
def status(plan: Plan) -> ReportingStatus:
    return reporting_status(plan, Q1, period="q1", as_of=AFTER_DUE)
