"""loads_plan: a plan given as text, checked exactly as the same text in a file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import engine
from engine.diagnostics import PlanError
from engine.loader import load_plan, loads_plan

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "data" / "invalid"
MINIMAL = ROOT / "tests" / "data" / "plans" / "minimal.yaml"


def errors(text: str, name: str = "<plan>", base_dir: Path | None = None) -> list[str]:
    with pytest.raises(PlanError) as info:
        loads_plan(text, name, base_dir=base_dir)
    return [d.render() for d in info.value.diagnostics]


def diagnostics_of(text: str, base_dir: Path | None = None) -> list[engine.Diagnostic]:
    with pytest.raises(PlanError) as info:
        loads_plan(text, "p.yaml", base_dir=base_dir)
    return list(info.value.diagnostics)


def file_errors(path: Path) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return [d.render() for d in info.value.diagnostics]


def test_a_plan_given_as_text_is_the_plan_of_its_file() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    plan = loads_plan(text, "minimal.yaml")
    assert plan == load_plan(MINIMAL)
    assert plan.path == "minimal.yaml" and plan.files == ("minimal.yaml",)


def test_the_library_exports_it() -> None:
    assert engine.loads_plan is loads_plan
    assert "loads_plan" in engine.__all__


@pytest.mark.parametrize("name", ["e1xx_formula_syntax", "e410_unknown_key", "e412_wrong_type",
                                  "e434_baseline", "e501_hierarchy_cycle", "e503_indicator_cycle"])
def test_diagnostics_are_those_of_the_file_named_as_given(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    text = (INVALID / f"{name}.yaml").read_text(encoding="utf-8")
    assert errors(text, f"{name}.yaml") == file_errors(Path(f"{name}.yaml"))


def test_diagnostics_name_the_text_by_its_name_not_by_a_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    got = errors("cchc: 1\nid: Bad Id\nyear: 2023\ntitle: {vi: Thử}\n", "portal/plan-form")
    assert got[0].startswith("portal/plan-form:2:5: error[E412]: 'Bad Id' is not a valid plan id")
    assert errors("cchc: 1\nid: [\n")[0].startswith("<plan>:")


def test_windows_line_endings_and_a_byte_order_mark_are_read_as_in_a_file() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    assert loads_plan("\ufeff" + text.replace("\n", "\r\n"), "m.yaml") == load_plan(MINIMAL)


def test_includes_are_refused_without_a_folder() -> None:
    text = (INVALID / "e406_defined_twice.yaml").read_text(encoding="utf-8")
    with pytest.raises(PlanError) as info:
        loads_plan(text, "form")
    [d] = info.value.diagnostics
    assert (d.code, d.location[:3], d.span and d.span.text) == (
        "E407", ("form", 6, 5), "e406_defined_twice.include.yaml")
    assert "a plan given as text can only include or extend files when a folder is given " \
           "(base_dir=)" in d.message
    assert d.help and "base_dir=" in d.help


def test_extends_is_refused_without_a_folder() -> None:
    [d] = diagnostics_of("cchc: 1\nextends: 2023.yaml\n")
    assert (d.code, d.location[1:3]) == ("E407", (2, 10))
    assert "(base_dir=)" in d.message


def test_with_a_folder_includes_are_read_from_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    text = (INVALID / "e406_defined_twice.yaml").read_text(encoding="utf-8")
    # The same diagnostics as the file: the included file is found and named as there.
    assert errors(text, "e406_defined_twice.yaml", base_dir=INVALID) == \
        file_errors(Path("e406_defined_twice.yaml"))


def test_with_a_folder_a_plan_extends_its_parent(tmp_path: Path) -> None:
    for name in ("2023.yaml", "agencies-2023-communes.yaml"):
        shutil.copy(ROOT / "plans" / name, tmp_path / name)
    child = loads_plan("cchc: 1\nextends: 2023.yaml\nid: child\n", "child", base_dir=tmp_path)
    parent = load_plan(tmp_path / "2023.yaml")
    assert child.id == "child" and child.indicators == parent.indicators
    assert child.files[0] == "child" and len(child.files) == 3  # with the parent's include


def test_a_missing_include_is_located_at_its_line(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8") + "include: [nowhere.yaml]\n"
    [d] = diagnostics_of(text, tmp_path)
    assert d.code == "E407" and d.span is not None and d.span.text == "nowhere.yaml"
    assert d.message.endswith("no such file or directory")
