"""Rendered fact-file diagnostics and `cchc template` output, pinned by golden files.

The bad fact files are under ``tests/data/facts/invalid/`` and are checked against the real 2023
plan, from the repository root so that file names in the output are stable.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.diagnostics import FactsError
from engine.facts import load_facts
from engine.model import Plan

ROOT = Path(__file__).resolve().parents[2]
INVALID = "tests/data/facts/invalid"

#: golden name -> (files, --period); every E6xx code appears in at least one case
CASES: dict[str, tuple[list[str], str | None]] = {
    "numbers": (["numbers.yaml"], None),
    "shares": (["shares.yaml"], None),
    "dates-and-booleans": (["dates-and-booleans.yaml"], None),
    "catalogue": (["catalogue.yaml"], None),
    "structure": (["structure.yaml"], None),
    "shape": (["shape.json"], None),
    "syntax": (["syntax.yaml"], None),
    "duplicate-key": (["duplicate.yaml"], None),
    "rows": (["rows.csv"], "q1"),
    "header": (["header.csv"], None),
    "periods": (["periods.csv"], None),
    "no-period": (["no-period.csv"], None),
    "period-argument": (["numbers.yaml", "periods.csv"], "year"),
    "not-utf8": (["not-utf8.csv"], None),
    "paths": (["missing.yaml", "sheet.xlsx", "old.xls"], "q1"),
    "part-whole": (["part-whole.yaml"], None),
}


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendered_diagnostics(plan2023: Plan, golden: object, name: str) -> None:
    files, period = CASES[name]
    with pytest.raises(FactsError) as info:
        load_facts(plan2023, [f"{INVALID}/{f}" for f in files], period)
    golden(f"facts/{name}.txt", info.value.render() + "\n")  # type: ignore[operator]


def test_every_e6xx_code_has_a_golden_case(plan2023: Plan) -> None:
    seen: set[str] = set()
    for files, period in CASES.values():
        with pytest.raises(FactsError) as info:
            load_facts(plan2023, [f"{INVALID}/{f}" for f in files], period)
        seen |= {d.code for d in info.value.diagnostics}
    documented = set()
    import engine.facts

    for line in (engine.facts.__doc__ or "").splitlines():
        if line.startswith("``E6"):
            code = line[2:6]
            documented.add(code)
    documented |= {"E602", "E603", "E604", "E605"}  # from the YAML reader, one stands for all
    expected = documented - {"E603", "E604", "E605"}  # alias bombs, tags and keys: unit tests
    assert expected <= seen, sorted(expected - seen)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("name", "args"), [
    ("template-q1-stp.yaml", ["--period", "q1", "--agency", "stp"]),
    ("template-year-snv.csv", ["--period", "year", "--agency", "snv", "--format", "csv"]),
    ("template-q1-ubnd_tinh.yaml", ["--period", "q1", "--agency", "ubnd_tinh"]),
])
def test_template_output(golden: object, name: str, args: list[str]) -> None:
    code, out, err = run("template", "plans/2023.yaml", *args)
    assert (code, err) == (0, "")
    golden(f"facts/{name}", out)  # type: ignore[operator]


def test_template_errors(golden: object) -> None:
    code, out, err = run("template", "--lang", "en", "plans/2023.yaml", "--period", "q2",
        "--agency", "snvv")
    assert (code, out) == (2, "")
    golden("facts/template-errors.txt", err)  # type: ignore[operator]


def test_template_to_a_file_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "snv.yaml"
    code, out, err = run("template", "--lang", "en", "plans/2023.yaml", "--period", "q1",
        "--agency", "snv",
                         "-o", str(target))
    assert (code, out, err) == (0, "", "")
    first = target.read_text("utf-8")
    assert first == run("template", "--lang", "en", "plans/2023.yaml", "--period", "q1", "--agency",
        "snv")[1]
    target.write_text("filled in by hand", encoding="utf-8")
    code, out, err = run("template", "--lang", "en", "plans/2023.yaml", "--period", "h1",
        "--agency", "snv",
                         "-o", str(target))
    assert code == 2
    assert err == f"error: '{target}' already exists; use --force to overwrite it\n"
    assert target.read_text("utf-8") == "filled in by hand"
    code, _, _ = run("template", "--lang", "en", "plans/2023.yaml", "--period", "h1", "--agency",
        "snv",
                     "-o", str(target), "--force")
    assert code == 0
    assert "period: h1" in target.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snv.yaml"]  # no temporary left


def test_template_writes_nothing_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    code, _, err = run("template", "plans/2023.yaml", "--period", "q9", "-o", str(target))
    assert code == 2 and "error[E620]" in err
    assert list(tmp_path.iterdir()) == []
    code, _, err = run("template", "tests/data/facts/invalid/numbers.yaml", "--period", "q1",
                       "-o", str(target))
    assert code == 2 and "error[E4" in err
    assert list(tmp_path.iterdir()) == []


def test_template_of_the_whole_province_loads_back(plan2023: Plan, tmp_path: Path) -> None:
    for fmt in ("yaml", "csv"):
        target = tmp_path / f"all.{fmt}"
        code, _, err = run("template", "plans/2023.yaml", "--period", "q1", "--format", fmt,
                           "-o", str(target))
        assert code == 0, err
        facts = load_facts(plan2023, target)
        assert facts.values == {}
        assert len(facts.missing(plan2023)) == sum(
            len(f.reporters) for f in plan2023.facts.values() if "q1" in f.periods)


def test_the_fact_file_examples_of_the_docs_load(plan2023: Plan, tmp_path: Path) -> None:
    import re

    page = (ROOT / "docs" / "facts.md").read_text("utf-8")
    found = re.findall(r"^```(yaml|csv)\n(.*?)^```$", page, flags=re.S | re.M)
    assert [lang for lang, _ in found] == ["yaml", "csv"]
    for i, (lang, body) in enumerate(found):
        path = tmp_path / f"example{i}.{lang}"
        path.write_text(body, encoding="utf-8")
        facts = load_facts(plan2023, path, period="q1")
        assert facts.count == (3, 2)[i]  # blanks are not reported


def test_template_to_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder.yaml"
    code, out, err = run("template", "--lang", "en", "plans/2023.yaml", "--period", "q1", "-o",
        str(target))
    assert (code, out) == (2, "")
    assert err == f"error: cannot write '{target}': No such file or directory\n"
    assert list(tmp_path.iterdir()) == []
