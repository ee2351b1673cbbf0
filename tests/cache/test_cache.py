"""The compiled-plan cache (engine.cache): a hit gives the very plan a load from files gives,
warnings included; anything stale, corrupt or not ours is a silent miss; nothing is written
where caching is off. No timing here: a hit is told by the loader not being called."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine import cache, files, loader
from engine.cli import main
from engine.model import Plan

ROOT = Path(__file__).resolve().parents[2]
WARNINGS = ROOT / "tests" / "data" / "warnings"

INCLUDED = """\
agencies:
  sct: {name: {vi: Sở Công Thương}, kind: department}
"""


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_NO_CACHE", raising=False)


@pytest.fixture
def plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with parent.yaml (a W901 warning, an included file) and child.yaml that
    extends it; the working directory."""
    folder = tmp_path / "plans"
    folder.mkdir()
    parent = (WARNINGS / "w901_number.yaml").read_text("utf-8")
    parent = parent.replace("agencies:\n", "include: [more.yaml]\nagencies:\n", 1).replace(
        "facts:\n", "periods:\n  year: {name: {vi: Cả năm 2023}, from: 2023-01-01, "
        "until: 2023-12-31, due: 2023-12-31}\nfacts:\n", 1)
    (folder / "parent.yaml").write_text(parent, encoding="utf-8")
    (folder / "more.yaml").write_text(INCLUDED, encoding="utf-8")
    (folder / "child.yaml").write_text("cchc: 1\nextends: parent.yaml\nid: child\nyear: 2023\n",
                                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The plans compiled from their files (a miss); a hit adds nothing."""
    done: list[Path] = []
    real = loader._load_file

    def counting(path: Path, root: str | os.PathLike[str] | None, limit: int) -> Plan:
        done.append(path)
        return real(path, root, limit)

    monkeypatch.setattr(loader, "_load_file", counting)
    yield done


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.plan")) if folder.is_dir() else []


def same(a: Plan, b: Plan) -> None:
    """Equal plans, down to what compares nothing: names, files, warnings and their text."""
    assert a == b
    assert (a.path, a.files) == (b.path, b.files)
    assert [d.to_dict() for d in a.warnings] == [d.to_dict() for d in b.warnings]
    assert [d.render() for d in a.warnings] == [d.render() for d in b.warnings]


def test_a_second_load_is_a_hit_with_the_same_plan_and_warnings(
        plans: Path, tmp_path: Path, builds: list[Path]) -> None:
    store = tmp_path / "cache"
    first = engine.load_plan("plans/child.yaml", cache=store)
    second = engine.load_plan("plans/child.yaml", cache=store)
    assert builds == [Path("plans/child.yaml")]
    uncached = engine.load_plan("plans/child.yaml")
    same(second, uncached)
    same(first, uncached)
    [warning] = second.warnings
    assert warning.code == "W901"
    assert warning.location[:3] == ("plans/parent.yaml", 18, 50)
    assert second.files == ("plans/child.yaml", "plans/parent.yaml", "plans/more.yaml")
    assert "sct" in second.agencies


def test_warnings_from_the_cache_are_in_the_language_of_the_load(
        plans: Path, tmp_path: Path, builds: list[Path]) -> None:
    """A plan loaded in Vietnamese, then in English, has its warnings in each language: an
    entry is kept per language, never a Vietnamese warning for an English load."""
    from engine import i18n

    store = tmp_path / "cache"
    with i18n.use("vi"):
        vi = engine.load_plan("plans/child.yaml", cache=store)
    en = engine.load_plan("plans/child.yaml", cache=store)
    again = engine.load_plan("plans/child.yaml", cache=store)
    assert len(builds) == 2  # one per language; the third load is a hit
    same(en, engine.load_plan("plans/child.yaml"))
    same(again, en)
    with i18n.use("vi"):
        same(vi, engine.load_plan("plans/child.yaml"))
    assert vi.warnings[0].message != en.warnings[0].message
    assert en.warnings[0].message.startswith("the ")


def test_formulas_from_the_cache_evaluate_as_compiled_ones(plans: Path, tmp_path: Path,
                                                           builds: list[Path]) -> None:
    store = tmp_path / "cache"
    engine.load_plan("plans/parent.yaml", cache=store)
    hit = engine.load_plan("plans/parent.yaml", cache=store)
    assert len(builds) == 1
    fresh = engine.load_plan("plans/parent.yaml")
    for values in ({}, {"snv": {"sipas_index": "88%"}}, {"snv": {"sipas_index": "86%"}}):
        a = engine.evaluate(hit, values, period="year").to_dict()
        b = engine.evaluate(fresh, values, period="year").to_dict()
        assert a == b


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_a_corrupt_entry_is_rebuilt_silently(plans: Path, tmp_path: Path, builds: list[Path],
                                             damage: str,
                                             capfd: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "cache"
    engine.load_plan("plans/child.yaml", cache=store)
    [entry] = entries(store)
    data = entry.read_bytes()
    entry.write_bytes({"garbage": b"\x80\x04not a pickle at all",
                       "truncated": data[:len(data) // 2],
                       "flipped": data[:-100] + bytes([data[-100] ^ 1]) + data[-99:],
                       "empty": b""}[damage])
    plan = engine.load_plan("plans/child.yaml", cache=store)
    same(plan, engine.load_plan("plans/child.yaml"))
    assert len(builds) == 3  # the first load, the rebuild, the uncached load
    engine.load_plan("plans/child.yaml", cache=store)
    assert len(builds) == 3  # rewritten: a hit again
    assert capfd.readouterr() == ("", "")


def test_another_engine_version_is_a_miss(plans: Path, tmp_path: Path, builds: list[Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    engine.load_plan("plans/child.yaml", cache=store)
    monkeypatch.setattr(cache, "engine_version", lambda: "another engine")
    engine.load_plan("plans/child.yaml", cache=store)
    assert len(builds) == 2
    assert len(entries(store)) == 1  # replaced, not added


@pytest.mark.parametrize("edited", ["child.yaml", "parent.yaml", "more.yaml"])
def test_an_edited_file_of_the_plan_is_a_miss(plans: Path, tmp_path: Path, builds: list[Path],
                                              edited: str) -> None:
    store = tmp_path / "cache"
    before = engine.load_plan("plans/child.yaml", cache=store)
    path = plans / edited
    text = path.read_text("utf-8")
    path.write_text(text.replace("Sở Công Thương", "Sở Công thương mới")
                    .replace("year: 2023\ntitle", "year: 2023\nnotes: sửa\ntitle")
                    .replace("id: child", "id: child2"), encoding="utf-8")
    after = engine.load_plan("plans/child.yaml", cache=store)
    assert len(builds) == 2
    assert after != before or after.agencies["sct"] != before.agencies["sct"]
    same(after, engine.load_plan("plans/child.yaml"))


def test_an_edit_that_breaks_a_file_is_reported_not_hidden_by_the_cache(
        plans: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    engine.load_plan("plans/child.yaml", cache=store)
    (plans / "more.yaml").write_text("agencies:\n  sct: {kind: department}\n", encoding="utf-8")
    with pytest.raises(engine.PlanError) as err:
        engine.load_plan("plans/child.yaml", cache=store)
    assert [(d.code, d.location[:2]) for d in err.value.diagnostics] == [
        ("E411", ("plans/more.yaml", 2))]
    (plans / "more.yaml").unlink()
    with pytest.raises(engine.PlanError) as err:
        engine.load_plan("plans/child.yaml", cache=store)
    assert [d.code for d in err.value.diagnostics] == ["E407"]


def test_every_file_a_load_reads_is_a_dependency(plans: Path, tmp_path: Path) -> None:
    """A data file read while the plan is built (through engine.files, as every input is)
    invalidates the entry when it changes, as the plan's own files do."""
    store = tmp_path / "cache"
    data = plans / "communes.csv"
    data.write_text("id,name\nx1,Xã Một\n", encoding="utf-8")
    seen: list[bytes] = []

    def build() -> Plan:
        plan = loader._load_file(Path("plans/parent.yaml"), None, files.MAX_FILE_BYTES)
        content = files.read_bytes(data)
        assert isinstance(content, bytes)
        seen.append(content)
        return plan

    load = ("test", "parent")
    cache.cached_plan(store, load, files.MAX_FILE_BYTES, build)
    cache.cached_plan(store, load, files.MAX_FILE_BYTES, build)
    assert len(seen) == 1
    data.write_text("id,name\nx1,Xã Hai\n", encoding="utf-8")
    cache.cached_plan(store, load, files.MAX_FILE_BYTES, build)
    assert len(seen) == 2
    data.unlink()
    with pytest.raises(AssertionError):  # the build reads it again, and finds it gone
        cache.cached_plan(store, load, files.MAX_FILE_BYTES, build)


def test_a_file_that_grew_past_the_limit_is_refused_not_served(plans: Path,
                                                                tmp_path: Path) -> None:
    store = tmp_path / "cache"
    engine.load_plan("plans/child.yaml", cache=store, max_file_bytes=4096)
    with pytest.raises(engine.PlanError) as err:
        engine.load_plan("plans/child.yaml", cache=store, max_file_bytes=200)
    assert {d.code for d in err.value.diagnostics} == {"E407"}
    path = plans / "more.yaml"
    path.write_text(INCLUDED + "#" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(engine.PlanError):
        engine.load_plan("plans/child.yaml", cache=store, max_file_bytes=4096)


def test_names_follow_the_working_directory(plans: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    engine.load_plan("plans/child.yaml", cache=store)
    monkeypatch.chdir(plans)
    plan = engine.load_plan("child.yaml", cache=store)
    assert plan.path == "child.yaml"
    assert plan.warnings[0].location[0] == "parent.yaml"
    same(plan, engine.load_plan("child.yaml"))


def test_a_plan_with_errors_is_never_cached(plans: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    (plans / "bad.yaml").write_text("cchc: 1\nid: bad\nyear: 2023\nnope: 1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(engine.PlanError):
            engine.load_plan("plans/bad.yaml", cache=store)
    assert entries(store) == []


def test_an_unwritable_cache_is_no_cache(plans: Path, tmp_path: Path, builds: list[Path],
                                         capfd: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for _ in range(2):
        plan = engine.load_plan("plans/child.yaml", cache=blocker / "cache")
        same(plan, engine.load_plan("plans/child.yaml"))
    assert len(builds) == 4
    assert capfd.readouterr() == ("", "")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_the_folder_is_private_and_entries_not_ours_are_ignored(
        plans: Path, tmp_path: Path, builds: list[Path]) -> None:
    store = tmp_path / "cache" / "cchc"
    engine.load_plan("plans/child.yaml", cache=store)
    assert store.stat().st_mode & 0o777 == 0o700
    [entry] = entries(store)
    assert entry.stat().st_mode & 0o777 == 0o600
    entry.chmod(0o666)  # writable by others: anyone could have put code in it
    engine.load_plan("plans/child.yaml", cache=store)
    assert len(builds) == 2
    [entry] = entries(store)
    assert entry.stat().st_mode & 0o777 == 0o600  # written again, private
    engine.load_plan("plans/child.yaml", cache=store)
    assert len(builds) == 2
    if os.getuid() == 0:  # root can give the file away: owned by someone else, it is ignored
        os.chown(entry, 4242, -1)
        engine.load_plan("plans/child.yaml", cache=store)
        assert len(builds) == 3


def test_a_link_in_place_of_an_entry_is_not_followed(plans: Path, tmp_path: Path,
                                                     builds: list[Path]) -> None:
    store = tmp_path / "cache"
    engine.load_plan("plans/child.yaml", cache=store)
    [entry] = entries(store)
    elsewhere = tmp_path / "elsewhere.plan"
    shutil.move(entry, elsewhere)
    entry.symlink_to(elsewhere)
    engine.load_plan("plans/child.yaml", cache=store)
    assert len(builds) == 2


def test_where_the_cache_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.directory(True) == tmp_path / "mine"
    assert cache.directory(tmp_path / "given") == tmp_path / "given"
    assert cache.directory(False) is None and cache.directory(None) is None
    assert cache.directory("") is None  # not the working directory
    monkeypatch.delenv("CCHC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory(True) == tmp_path / "xdg" / "cchc"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory(True) == tmp_path / "home" / ".cache" / "cchc"
    monkeypatch.setenv("CCHC_NO_CACHE", "1")
    assert cache.directory(True) is None and cache.directory(tmp_path) is None
    monkeypatch.setenv("CCHC_NO_CACHE", "0")
    assert cache.directory(True) is not None


def test_the_library_writes_no_cache_unless_asked(plans: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    monkeypatch.setenv("CCHC_CACHE_DIR", str(store))
    engine.load_plan("plans/child.yaml")
    assert entries(store) == []
    engine.load_plan("plans/child.yaml", cache=True)
    assert len(entries(store)) == 1
    monkeypatch.setenv("CCHC_NO_CACHE", "1")
    other = tmp_path / "other"
    engine.load_plan("plans/child.yaml", cache=other)
    assert entries(other) == []


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


CLI_RUNS: list[Callable[[list[str]], list[str]]] = [
    lambda a: a,
    lambda a: ["--no-cache", *a],
    lambda a: [*a, "--no-cache"],
]


def test_the_command_line_caches_unless_told_not_to(plans: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     builds: list[Path]) -> None:
    store = tmp_path / "cli-cache"
    monkeypatch.setenv("CCHC_CACHE_DIR", str(store))
    args = ["validate", "plans/child.yaml", "--format", "json"]
    outputs = {_run(f(args)) for f in CLI_RUNS[1:]}
    assert entries(store) == [] and len(builds) == 2
    outputs |= {_run(args), _run(args)}
    assert len(entries(store)) == 1 and len(builds) == 3  # the second run was a hit
    [(code, out, err)] = outputs  # the same answer, warnings included, every way
    assert code == 0 and '"W901"' in out and err == ""
    monkeypatch.setenv("CCHC_NO_CACHE", "1")
    _run(args)
    assert len(builds) == 4


def test_the_readme_job_reads_the_same_with_and_without_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "cache"))
    args = ["evaluate", "plans/2023.yaml", "examples/2023/q1", "--period", "q1",
            "--as-of", "2023-03-14", "--format", "json"]
    runs = [_run(["--no-cache", *args]), _run(args), _run(args)]
    assert runs[0] == runs[1] == runs[2] and runs[0][0] == 0
    assert len(entries(tmp_path / "cache")) == 1
    assert sys.modules.get("engine.cache") is not None


def test_the_closures_of_a_formula_from_the_cache_are_compiled_when_first_called(
        plans: Path, tmp_path: Path) -> None:
    from engine.evaluator import Context, compile_expr

    loader.load_plan("plans/child.yaml", cache=tmp_path / "cache")
    plan = loader.load_plan("plans/child.yaml", cache=tmp_path / "cache")
    program = next(iter(plan.indicators.values())).value.program
    stub = program.fn
    assert program == compile_expr(program.expr, program.per_agency, program.use_fast)
    copy = dataclasses.replace(program)  # (a copy made before the first call shares it)
    context = Context({}, ())
    fresh = compile_expr(program.expr, program.per_agency, program.use_fast)
    assert repr(program.fn(context, None)) == repr(fresh.fn(context, None))
    assert program.fn is not stub  # compiled once, then in its place
    assert copy.fn is stub and repr(copy.fn(context, None)) == repr(fresh.fn(context, None))
    assert repr(program.fn(context, None)) == repr(fresh.fn(context, None))
