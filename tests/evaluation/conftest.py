"""Fixtures for evaluation tests (the plan text and helpers are in evalplan.py)."""

from __future__ import annotations

import pytest

import engine
from tests.evaluation.evalplan import write_plan


@pytest.fixture(scope="session")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> engine.Plan:
    return engine.load_plan(write_plan(tmp_path_factory.mktemp("plan")))
