"""engine.files, the one reader of input files: regular files only, never blocking, bounded."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import engine
from engine.files import Unreadable, read_bytes, read_text

ROOT = Path(__file__).resolve().parents[1]


def _within(seconds: float, call: Callable[[], object]) -> object:
    """The result of ``call()`` (or what it raised), failing the test if it has not returned
    in ``seconds``: reading must never block."""
    out: list[object] = []
    raised: list[BaseException] = []

    def run() -> None:
        try:
            out.append(call())
        except BaseException as e:  # handed to the test's thread
            raised.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "reading blocked"
    if raised:
        raise raised[0]
    return out[0]


@pytest.fixture()
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    got = _within(5, lambda: read_text(fifo, "plan.yaml"))
    assert isinstance(got, Unreadable) and "not a regular file" in got.reason


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_or_a_link_to_one_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "facts.yaml"
    link.symlink_to("/dev/zero")
    for path in (Path("/dev/zero"), link):
        got = _within(5, lambda p=path: read_bytes(p))  # type: ignore[misc]
        assert isinstance(got, Unreadable) and "not a regular file" in got.reason


def test_a_file_over_the_limit_is_refused_and_one_at_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a" * 101)
    over = read_bytes(path, limit=100)
    assert isinstance(over, Unreadable) and "larger than the limit of 100 bytes" in over.reason
    assert read_bytes(path, limit=101) == b"a" * 101


def test_a_folder_is_refused(tmp_path: Path) -> None:
    got = read_text(tmp_path, "x")
    assert isinstance(got, Unreadable) and got.reason == "it is a folder"


def test_a_fifo_as_a_plan_is_a_located_plan_error(fifo: Path) -> None:
    with pytest.raises(engine.PlanError) as info:
        _within(5, lambda: engine.load_plan(fifo))
    (d,) = info.value.diagnostics
    assert d.code == "E407" and "not a regular file" in d.message


def test_a_fifo_as_a_fact_file_is_a_facts_error(fifo: Path) -> None:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    with pytest.raises(engine.FactsError) as info:
        _within(5, lambda: engine.load_facts(plan, [fifo], period="q1"))
    assert [d.code for d in info.value.diagnostics] == ["E600"]
    assert "not a regular file" in info.value.diagnostics[0].message
