"""Fixtures for the Excel tests: the small plan of the fact-file tests and the 2023 plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.loader import load_plan
from engine.model import Plan
from tests.facts.conftest import make_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def plan() -> Plan:
    return make_plan()


@pytest.fixture(scope="session")
def plan2023() -> Plan:
    return load_plan(ROOT / "plans" / "2023.yaml")
