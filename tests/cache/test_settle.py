"""In the cchc program, a plan and facts loaded through the cache are put out of the cycle
collector's reach (engine.gcpause.settle, issue 17, B6); a library caller's collector is left
as it was."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import cache, dccache
from engine.facts import load_facts
from engine.loader import load_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("CCHC_NO_CACHE", raising=False)
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    shutil.copytree(ROOT / "examples" / "2023" / "q1", tmp_path / "q1")
    monkeypatch.chdir(tmp_path)
    gc.unfreeze()
    yield tmp_path
    gc.unfreeze()  # (what a test froze goes back to the collector)


def load(work: Path) -> None:
    plan = load_plan("plans/2023.yaml", cache=work / "cache")
    cache.cached_facts(plan, ["q1"], "q1", 8_000_000,
                       lambda: load_facts(plan, ["q1"], period="q1"))


def test_a_library_load_leaves_the_collector_as_it_was(work: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dccache, "_installed", False)
    for _run in ("miss", "hit"):
        load(work)
        assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("run", ["miss", "hit"])
def test_the_program_puts_what_it_loaded_out_of_the_collectors_reach(
        work: Path, monkeypatch: pytest.MonkeyPatch, run: str) -> None:
    if run == "hit":
        load(work)
        gc.unfreeze()
    monkeypatch.setattr(dccache, "_installed", True)
    load(work)
    assert gc.get_freeze_count() > 10_000
    assert gc.isenabled()
