"""The cache tells a file unchanged by its stat (size, times, inode) only when the stat can
tell (engine.cache, the "racy" rule): a file, of the engine or read by a load, edited to the
same size with its times put back, or rewritten within the same second as it was read, is
still told apart; a file unchanged since long before is not read again. No timing here: what
is read is counted."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import engine
from engine import cache, files, grammar
from engine.facts import Facts, load_facts
from engine.loader import load_plan

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600 * 10**9


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_NO_CACHE", raising=False)


def age(path: Path, ns: int = HOUR) -> None:
    """Set back the modification time of ``path`` (its change time moves to now)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - ns))


def rewrite_same_size(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long) in the file, in place, and put its modification
    time back as it was: only its change time tells."""
    st = path.stat()
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns)


# --- the engine's version ---------------------------------------------------------------------

@pytest.fixture
def engine_copy(tmp_path: Path) -> tuple[str, tuple[str, ...]]:
    folder = tmp_path / "engine"
    folder.mkdir()
    (folder / "a.py").write_text("X = 1\n", encoding="utf-8")
    (folder / "b.py").write_text("Y = 2\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a module\n", encoding="utf-8")
    age(folder / "a.py")
    age(folder / "b.py")
    return str(folder), (".py",)


def version(folder: tuple[str, tuple[str, ...]], now: int | None = None) -> str:
    return cache._files_version("cchc test", [folder], time.time_ns() if now is None else now)


def test_an_unchanged_engine_has_one_version_without_reading_its_files(
        engine_copy: tuple[str, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch) -> None:
    later = time.time_ns() + HOUR  # (each file's change time is that of age(): settled)
    first = version(engine_copy, later)
    opened: list[str] = []
    real_open = open

    def counting_open(path: str, *args: object, **kwargs: object) -> object:
        opened.append(path)
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", counting_open)
    assert version(engine_copy, later) == first
    assert opened == []
    (Path(engine_copy[0]) / "notes.txt").write_text("another note\n", encoding="utf-8")
    assert version(engine_copy, later) == first  # not a file of the engine
    assert version(engine_copy) != first  # just changed (by age()): their bytes count too


def test_a_module_edited_to_the_same_size_with_its_time_put_back_is_another_engine(
        engine_copy: tuple[str, tuple[str, ...]]) -> None:
    later = time.time_ns() + HOUR  # the change time of age() is long settled: stats alone
    before = version(engine_copy, later)
    rewrite_same_size(Path(engine_copy[0]) / "a.py", b"X = 1", b"X = 3")
    assert version(engine_copy, later) != before  # its change time moved
    assert version(engine_copy) != before


def test_a_module_added_removed_or_renamed_is_another_engine(
        engine_copy: tuple[str, tuple[str, ...]]) -> None:
    folder = Path(engine_copy[0])
    seen = {version(engine_copy)}
    (folder / "c.py").write_text("", encoding="utf-8")
    seen.add(version(engine_copy))
    (folder / "c.py").rename(folder / "d.py")
    seen.add(version(engine_copy))
    (folder / "d.py").unlink()
    (folder / "b.py").unlink()
    seen.add(version(engine_copy))
    assert len(seen) == 4


def test_a_module_changed_just_now_is_known_by_its_bytes(
        engine_copy: tuple[str, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the racy margin a stat could be that of another text written in the same tick
    of the file system's clock: with every stat made the same, the bytes still tell."""
    path = Path(engine_copy[0]) / "a.py"
    now = path.stat().st_ctime_ns + 1  # the file changed this very moment
    monkeypatch.setattr(cache, "_stamp", lambda st: (0, 0, 0, 0, 0))
    before = version(engine_copy, now)
    path.write_text("X = 3\n", encoding="utf-8")
    assert version(engine_copy, now) != before
    # settled, the stat alone tells (here the same made-up stat: the same version)
    settled = time.time_ns() + HOUR
    assert version(engine_copy, settled) == version(engine_copy, settled + HOUR)


def test_the_engine_version_is_that_of_the_engines_modules_grammar_and_schema(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, tuple[str, ...]]] = []

    def files_version(what: str, folders: Iterable[tuple[str, tuple[str, ...]]],
                      now: int) -> str:
        seen.extend(folders)
        return what

    monkeypatch.setattr(cache, "_files_version", files_version)
    got = cache.engine_version.__wrapped__()
    assert engine.__version__ in got and cache.MAGIC.decode().strip() in got
    assert [(Path(folder).resolve(), suffixes) for folder, suffixes in seen] == [
        (Path(cache.__file__).resolve().parent, (".py", ".json")),
        (Path(grammar.__file__ or "").resolve().parent, (".lark",))]
    assert any(name.endswith(".json") for name in os.listdir(seen[0][0]))


# --- the files a load read --------------------------------------------------------------------

@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The README's plan and its first quarter's fact files, last changed an hour ago (their
    change time is now: settled once RACY_NS has passed, made so by moving the clock)."""
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    shutil.copytree(ROOT / "examples" / "2023" / "q1", tmp_path / "q1")
    for path in [*(tmp_path / "plans").rglob("*"), *(tmp_path / "q1").iterdir()]:
        if path.is_file():
            age(path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock of engine.cache moved on by ``RACY_NS`` and a second: the files the test
    changed are settled."""
    monkeypatch.setattr(cache, "_now", lambda: time.time_ns() + cache.RACY_NS + 10**9)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files engine.files reads (a dependency checked by its stat is not read)."""
    done: list[Path] = []
    real = files._read_bytes

    def counting(path: Path, limit: int) -> bytes | files.Unreadable:
        done.append(path)
        return real(path, limit)

    monkeypatch.setattr(files, "_read_bytes", counting)
    return done


def cached(plan_cache: Path, reads: list[Path]) -> tuple[Facts, int]:
    """The plan and the facts of q1 through the cache; how many files were read."""
    reads.clear()
    plan = load_plan("plans/2023.yaml", cache=plan_cache)
    got = cache.cached_facts(plan, ["q1"], "q1", 8_000_000,
                             lambda: load_facts(plan, ["q1"], period="q1"))
    return got, len(reads)


def test_settled_files_are_checked_by_their_stat_without_reading(
        work: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    later(monkeypatch)
    first, read_first = cached(work / "cache", reads)
    assert read_first == 2 + 13  # the plan and its registry, the quarter's fact files
    again, read_again = cached(work / "cache", reads)
    assert read_again == 0 and again == first


def test_a_fact_file_edited_to_the_same_size_with_its_time_put_back_is_a_miss(
        work: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    later(monkeypatch)
    first, _read = cached(work / "cache", reads)
    target = work / "q1" / "huyen-bac_yen.yaml"
    rewrite_same_size(target, b"dossiers_received: 4", b"dossiers_received: 5")
    got, read = cached(work / "cache", reads)
    assert read == 1 + 13  # its stat changed (its change time): read, then every file again
    assert got != first and got == load_facts(load_plan("plans/2023.yaml"), ["q1"], period="q1")


def test_a_file_rewritten_within_the_same_second_it_was_read_is_read_again(
        work: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the clock moved on, every file was changed less than RACY_NS before it was
    read: no stat is trusted, each file is read and compared by its bytes, and a rewrite
    that leaves size and times as they were (were the change time too in the same tick) is
    still seen."""
    first, _read = cached(work / "cache", reads)
    entry = next((work / "cache").glob("*.facts"))
    assert all(dep[3] is None for dep in _dependencies(entry))
    target = work / "q1" / "huyen-bac_yen.yaml"
    monkeypatch.setattr(cache, "_stamp", lambda st: (0, 0, 0, 0, 0))  # every stat the same
    again, read = cached(work / "cache", reads)
    assert read == 2 + 13 and again == first  # read, and the same bytes: a hit
    rewrite_same_size(target, b"dossiers_received: 4", b"dossiers_received: 5")
    got, _read = cached(work / "cache", reads)
    assert got != first
    assert got == load_facts(load_plan("plans/2023.yaml"), ["q1"], period="q1")


def test_a_file_changed_while_the_plan_was_built_keeps_no_stat(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stat is taken after the bytes were read: a write between the two leaves a change
    time after the build began, and the stat is not kept (the bytes decide)."""
    path = work / "q1" / "huyen-bac_yen.yaml"
    data = path.read_bytes()
    began = time.time_ns()
    kept = cache._dependency(path, data, began + cache.RACY_NS + 10**9)
    assert kept[3] is not None  # settled long before that build began
    path.write_bytes(data)  # written again after the read
    assert cache._dependency(path, data, began + cache.RACY_NS - 10**9)[3] is None
    assert cache._dependency(path, data[:-1], began + 2 * cache.RACY_NS)[3] is None  # (not read)


def _dependencies(entry: Path) -> list[cache.Dependency]:
    opened = cache._open_entry(entry.read_bytes(), cache.FACTS_MAGIC)
    assert opened is not None
    _digest, header, _body = opened
    return list(header[1])


def test_where_a_dependency_leads_is_where_files_resolved_says(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    """The resolver of an entry's files (each folder resolved once) says what
    engine.files.resolved says: through a linked folder, a linked file, a missing file, ..."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.yaml").write_text("a", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("b", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "b.yaml").symlink_to(tmp_path / "other.yaml")
    (tmp_path / "real" / "loop.yaml").symlink_to(tmp_path / "real" / "loop.yaml")
    resolve = cache._resolver()
    for name in ["real/a.yaml", "linked/a.yaml", "linked/b.yaml", "real/b.yaml", "linked/none",
                 "a.yaml", "./real/../other.yaml", "linked/..", "real/loop.yaml",
                 str(tmp_path / "linked" / "a.yaml"), "real/", "."]:
        assert resolve(Path(name)) == str(files.resolved(Path(name))), name
    # the link of a folder changed: a new pass over the files sees it
    (tmp_path / "linked").unlink()
    (tmp_path / "linked").symlink_to(tmp_path)
    assert cache._resolver()(Path("linked/a.yaml")) == str(tmp_path / "a.yaml")
