"""Checked facts kept beside the compiled plan (engine.cache.cached_facts): a hit gives the
facts a fresh read gives, warnings and the place of every value included; an edited, added or
removed file, another period, language or plan, a corrupt entry or one that is not ours is a
silent miss; facts with errors are never kept; nothing is kept where caching is off. No timing
here: a hit is told by the reader not being called."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine.facts
from engine import cache, i18n
from engine.cli import main
from engine.diagnostics import FactsError
from engine.facts import Facts, load_facts
from engine.loader import load_plan
from engine.model import Plan

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["evaluate", "plans/2023.yaml", "q1", "--period", "q1", "--as-of", "2023-03-14"]


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_NO_CACHE", raising=False)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory: the README's plan (plans/) and a copy of its first quarter's
    fact files (q1/); the cache in tmp_path/cache."""
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    shutil.copytree(ROOT / "examples" / "2023" / "q1", tmp_path / "q1")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def facts_entries(work: Path) -> list[Path]:
    folder = work / "cache"
    return sorted(folder.glob("*.facts")) if folder.is_dir() else []


class Reader:
    """``load_facts`` of the plan and files, counting the reads (a hit reads nothing)."""

    def __init__(self, plan: Plan, paths: list[str], period: str | None = "q1") -> None:
        self.plan, self.paths, self.period, self.reads = plan, paths, period, 0

    def __call__(self) -> Facts:
        self.reads += 1
        return load_facts(self.plan, self.paths, period=self.period)

    def cached(self) -> Facts:
        return cache.cached_facts(self.plan, self.paths, self.period, 8_000_000, self)


def same(a: Facts, b: Facts) -> None:
    """The same facts, down to what equality leaves out: files, warnings and their words, and
    where every value was written."""
    assert a == b
    assert a.files == b.files
    assert [d.to_dict() for d in a.warnings] == [d.to_dict() for d in b.warnings]
    assert [d.render() for d in a.warnings] == [d.render() for d in b.warnings]
    assert list(a.origins) == list(b.origins) and len(a.origins) == len(b.origins)
    assert repr(a.origins) == repr(b.origins)
    for key in b.origins:
        span, fresh = a.origins[key], b.origins[key]
        assert (span.begin, span.finish, span.text) == (fresh.begin, fresh.finish, fresh.text)
        assert a.where(*key) == b.where(*key)
    assert ("nobody", "nothing") not in a.origins and a.origin("nobody", "nothing") is None


def test_a_second_read_is_a_hit_with_the_same_facts_and_places(work: Path) -> None:
    plan = load_plan("plans/2023.yaml", cache=True)
    read = Reader(plan, ["q1"])
    first = read.cached()
    second = read.cached()
    assert read.reads == 1 and len(facts_entries(work)) == 1
    fresh = load_facts(plan, ["q1"], period="q1")
    same(first, fresh)
    same(second, fresh)
    assert type(second.origins).__name__ == "_Places"  # read from the entry
    assert second.where("vp_ubnd", "procedures_changed") == "q1/so-ban-nganh.yaml:8:25"


def test_the_warnings_of_a_folder_are_those_of_a_fresh_read_in_each_language(
        work: Path) -> None:
    (work / "q1" / "README.md").write_text("Số liệu quý I\n", encoding="utf-8")
    (work / "q1" / "old").mkdir()
    plans = {lang: load_plan("plans/2023.yaml", cache=True) for lang in ("en",)}
    with i18n.use("vi"):
        plans["vi"] = load_plan("plans/2023.yaml", cache=True)
    for lang, plan in plans.items():
        with i18n.use(lang):
            read = Reader(plan, ["q1"])
            kept, hit = read.cached(), read.cached()
            assert read.reads == 1
            fresh = load_facts(plan, ["q1"], period="q1")
            assert sorted(d.code for d in fresh.warnings) == ["W680", "W683"]
            same(kept, fresh)
            same(hit, fresh)
    assert len(facts_entries(work)) == 2  # one per language
    (work / "q1" / "README.md").unlink()  # a warning less: a miss
    with i18n.use("vi"):
        read = Reader(plans["vi"], ["q1"])
        assert [d.code for d in read.cached().warnings] == ["W683"] and read.reads == 1


@pytest.mark.parametrize("change", ["edit", "add", "remove", "rename"])
def test_a_changed_fact_file_is_a_miss(work: Path, change: str) -> None:
    plan = load_plan("plans/2023.yaml", cache=True)
    read = Reader(plan, ["q1"])
    read.cached()
    target = work / "q1" / "huyen-bac_yen.yaml"
    if change == "edit":  # the same size, another value
        text = target.read_text("utf-8")
        target.write_text(text.replace("plan: son-la-cchc-2023\n", "plan: son-la-cchc-2023 \n")
                          .replace("dossiers_received: 4", "dossiers_received: 5", 1),
                          encoding="utf-8")
    elif change == "add":
        shutil.copy(target, work / "q1" / "zz-again.yaml")  # now each value twice: E634
    elif change == "remove":
        target.unlink()
    else:
        target.rename(work / "q1" / "huyen-bac-yen.yaml")
    if change == "add":
        with pytest.raises(FactsError) as caught:
            read.cached()
        assert "E634" in {d.code for d in caught.value.diagnostics}
    else:
        same(read.cached(), load_facts(plan, ["q1"], period="q1"))
    assert read.reads == 2


def test_another_period_plan_or_path_is_a_miss(work: Path) -> None:
    plan = load_plan("plans/2023.yaml", cache=True)
    Reader(plan, ["q1"]).cached()
    by_file = Reader(plan, sorted(str(p) for p in (work / "q1").glob("*.yaml")))
    same(by_file.cached(), load_facts(plan, by_file.paths, period="q1"))
    without_period = Reader(plan, ["q1"], period=None)
    same(without_period.cached(), load_facts(plan, ["q1"]))
    assert (by_file.reads, without_period.reads) == (1, 1)
    # The plan edited (a new entry for it): its facts are checked again.
    text = (work / "plans" / "2023.yaml").read_text("utf-8")
    (work / "plans" / "2023.yaml").write_text(text + "\n# edited\n", encoding="utf-8")
    edited = Reader(load_plan("plans/2023.yaml", cache=True), ["q1"])
    edited.cached()
    assert edited.reads == 1


def test_facts_with_errors_are_never_kept(work: Path) -> None:
    plan = load_plan("plans/2023.yaml", cache=True)
    target = work / "q1" / "huyen-bac_yen.yaml"
    target.write_text(target.read_text("utf-8").replace("dossiers_received: ",
                                                        "dossiers_received: x", 1),
                      encoding="utf-8")
    read = Reader(plan, ["q1"])
    said = []
    for _ in range(2):
        with pytest.raises(FactsError) as caught:
            read.cached()
        said.append([d.to_dict() for d in caught.value.diagnostics])
    assert said[0] == said[1] and said[0][0]["code"] == "E640"
    assert read.reads == 2 and facts_entries(work) == []


def test_a_plan_loaded_without_the_cache_keeps_no_facts(work: Path) -> None:
    read = Reader(load_plan("plans/2023.yaml"), ["q1"])
    read.cached()
    read.cached()
    assert read.reads == 2 and facts_entries(work) == []


def test_no_cache_turns_the_facts_cache_off(work: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    read = Reader(load_plan("plans/2023.yaml", cache=True), ["q1"])
    monkeypatch.setenv("CCHC_NO_CACHE", "1")
    read.cached()
    read.cached()
    assert read.reads == 2 and facts_entries(work) == []


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],  # truncated
    lambda data: data[:-5] + b"xxxxx",  # changed
    lambda data: b"junk",  # not an entry
    lambda data: cache.MAGIC + data[len(cache.FACTS_MAGIC):],  # a plan's magic
])
def test_a_corrupt_entry_is_read_again_silently(work: Path,
                                                damage: Callable[[bytes], bytes]) -> None:
    plan = load_plan("plans/2023.yaml", cache=True)
    read = Reader(plan, ["q1"])
    read.cached()
    [entry] = facts_entries(work)
    entry.write_bytes(damage(entry.read_bytes()))
    same(read.cached(), load_facts(plan, ["q1"], period="q1"))
    assert read.reads == 2
    read.cached()
    assert read.reads == 2  # written again


def test_an_entry_others_can_write_is_ignored(work: Path) -> None:
    plan = load_plan("plans/2023.yaml", cache=True)
    read = Reader(plan, ["q1"])
    read.cached()
    [entry] = facts_entries(work)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert (work / "cache").stat().st_mode & 0o777 == 0o700
    os.chmod(entry, 0o666)
    read.cached()
    assert read.reads == 2


def test_the_command_line_reads_the_same_facts_from_the_cache(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's main job, as JSON and as the table, with a warning about the folder: the
    same output and the same warnings on stderr, whether the facts are read or kept."""
    (work / "q1" / "notes.txt").write_text("ghi chú\n", encoding="utf-8")
    reads: list[int] = []
    real = engine.facts.load_facts

    def counting(*args: object, **kwargs: object) -> Facts:
        reads.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.facts, "load_facts", counting)
    runner = CliRunner()
    for fmt in ("json", "table"):
        args = [*ARGS, "--format", fmt]
        runs = [runner.invoke(main, a) for a in (["--no-cache", *args], args, args)]
        results = {(r.exit_code, r.stdout, r.stderr) for r in runs}
        assert len(results) == 1
        [(code, _out, err)] = results
        assert code == 0 and "W680" in err
    assert len(reads) == 3  # once per format without the cache, once to keep them
    assert len(facts_entries(work)) == 1
    strict = runner.invoke(main, ["evaluate", "--strict", *ARGS[1:]])
    assert strict.exit_code == 2 and "error[W680]" in strict.stderr  # the warning, an error
    assert len(reads) == 3


def test_a_fact_set_from_the_cache_pickles_again(work: Path) -> None:
    plan = load_plan("plans/2023.yaml", cache=True)
    read = Reader(plan, ["q1"])
    read.cached()
    kept = read.cached()
    again = cache._loads(cache.dumps(kept))
    same(again, load_facts(plan, ["q1"], period="q1"))


def test_explain_names_the_same_places_from_the_cache(work: Path) -> None:
    """``cchc explain`` shows where each value was written (FILE:LINE:COL): from kept facts as
    from a fresh read."""
    args = ["explain", "plans/2023.yaml", "q1", "procedures.on_time", "--period", "q1",
            "--agency", "vp_ubnd"]
    runner = CliRunner()
    runs = [runner.invoke(main, a) for a in (["--no-cache", *args], args, args)]
    assert len({(r.exit_code, r.stdout, r.stderr) for r in runs}) == 1
    assert runs[0].exit_code == 0
    assert "(q1/so-ban-nganh.yaml:19:24)" in runs[2].stdout  # dossiers_received of vp_ubnd
    assert len(facts_entries(work)) == 1
