"""`cchc validate`, `indicators`, `periods`, `agencies` and `schema`, through click's CliRunner.

Outputs are pinned by golden files under tests/golden/plan/; the library behind them is tested
in tests/plan/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "data" / "invalid"
PLAN = "plans/2023.yaml"
MINI = "tests/data/plans/minimal.yaml"


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # file names in the output are relative to the working directory


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_valid_plan(golden: object) -> None:
    result = run("validate", PLAN)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == ("plans/2023.yaml: valid plan 'son-la-cchc-2023' (2023): 9 areas, "
                             "60 indicators, 243 agencies, 4 periods, 117 facts\n")


def test_validate_valid_plan_json() -> None:
    result = run("validate", PLAN, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["valid"] is True and data["diagnostics"] == []
    assert data["plan"]["id"] == "son-la-cchc-2023"
    assert data["summary"] == {"areas": 9, "indicators": 60, "agencies": 243, "periods": 4,
                               "facts": 117}
    assert data["files"] == ["plans/2023.yaml", "plans/agencies-2023-communes.yaml"]


@pytest.mark.parametrize("name", ["e503_indicator_cycle", "e1xx_formula_syntax",
                                  "e410_unknown_key"])
def test_validate_invalid_plan_text(name: str, golden: object) -> None:
    result = run("validate", "--lang", "en", f"tests/data/invalid/{name}.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"tests/data/invalid/{name}.yaml:") and ": error[E" in first
    golden(f"plan/cli_validate_{name}.txt", result.stderr)  # type: ignore[operator]


def test_validate_invalid_plan_json(golden: object) -> None:
    result = run("validate", "--lang", "en", "tests/data/invalid/e412_wrong_type.yaml", "--format",
        "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [d["code"] for d in data["diagnostics"]] == ["E412"] * 6
    for d in data["diagnostics"]:
        assert set(d) >= {"code", "severity", "message", "file", "line", "col", "end_line",
                          "end_col"}
        assert d["file"] == "tests/data/invalid/e412_wrong_type.yaml" and d["line"] > 0
    golden("plan/cli_validate_json_e412.json", result.stdout)  # type: ignore[operator]


def test_validate_missing_file() -> None:
    result = run("validate", "--lang", "en", "no/such/plan.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("no/such/plan.yaml: error[E407]: cannot read")


def test_validate_usage_error_exits_2() -> None:
    result = run("validate", PLAN, "--format", "xml")
    assert result.exit_code == 2 and "xml" in result.stderr


def test_indicators_table(golden: object) -> None:
    result = run("indicators", PLAN)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert sum(1 for line in lines if line.startswith("  ") and not line.startswith("    ")) \
        == 60 + 1  # one first line per indicator, and the header
    golden("plan/cli_indicators_2023.txt", result.stdout)  # type: ignore[operator]


def test_indicators_table_in_english(golden: object) -> None:
    result = run("indicators", MINI, "--lang", "en")
    assert result.exit_code == 0
    assert "More than 99% on time" in result.stdout
    assert "Các sở ban hành kế hoạch" in result.stdout  # no English name: Vietnamese
    golden("plan/cli_indicators_minimal_en.txt", result.stdout)  # type: ignore[operator]


def test_indicators_json() -> None:
    result = run("indicators", PLAN, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["indicators"]) == 60
    on_time = next(i for i in data["indicators"] if i["id"] == "procedures.on_time")
    assert on_time == {
        "id": "procedures.on_time", "area": "procedures",
        "name": on_time["name"], "unit": "percent", "owner": "vp_ubnd", "scope": "receiving",
        "agencies": 236, "value": "(sum(dossiers_settled_early) + sum(dossiers_on_time) + "
                                  "sum(dossiers_in_process_within_limit)) / sum(dossiers_received)",
        "target": "value > 99%", "deadline": None, "applicable": "sum(dossiers_received) > 0",
        "baseline": None, "source": "II.3.a", "notes": on_time["notes"],
        "facts": ["dossiers_in_process_within_limit", "dossiers_on_time", "dossiers_received",
                  "dossiers_settled_early"], "depends_on": []}
    assert on_time["name"]["vi"].startswith("Trên 99% hồ sơ TTHC")


def test_periods_table_and_json(golden: object) -> None:
    result = run("periods", PLAN)
    assert result.exit_code == 0
    golden("plan/cli_periods_2023.txt", result.stdout)  # type: ignore[operator]
    data = json.loads(run("periods", PLAN, "--format", "json").stdout)
    assert [(p["id"], p["from"], p["until"], p["due"]) for p in data["periods"]] == [
        ("q1", "2022-12-15", "2023-03-13", "2023-03-14"),
        ("h1", "2022-12-15", "2023-06-13", "2023-06-14"),
        ("q3", "2023-06-14", "2023-09-13", "2023-09-14"),
        ("year", "2022-12-15", "2023-12-13", "2023-12-14")]


def test_agencies_tree(golden: object) -> None:
    result = run("agencies", PLAN)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    # a column of official codes before the tree: blank for agencies without one
    assert lines[0] == "       ubnd_tinh  UBND tỉnh Sơn La  [province]"
    assert "       │   └── tt_phvhc  Trung tâm Phục vụ Hành chính công tỉnh  [centre]" in lines
    assert "116    ├── tp_son_la  Thành phố Sơn La  [district]" in lines
    assert "03646  │   ├── tp_son_la_chieng_le  Phường Chiềng Lề  [commune]" in lines
    assert sum(1 for line in lines if line.endswith("[commune]")) == 204
    assert "  Thành phố Sơn La (code 116) — 12 (7 phường, 5 xã)" in lines
    assert "  total — 204 (7 phường, 9 thị trấn, 188 xã)" in lines
    assert max(len(line) for line in lines) <= 100
    golden("plan/cli_agencies_2023.txt", result.stdout)  # type: ignore[operator]


def test_agencies_tree_minimal_in_english(golden: object) -> None:
    result = run("agencies", MINI, "--lang", "en")
    assert result.exit_code == 0
    golden("plan/cli_agencies_minimal.txt", result.stdout)  # type: ignore[operator]


def test_agencies_json() -> None:
    data = json.loads(run("agencies", MINI, "--format", "json").stdout)
    assert [(a["id"], a["kind"], a["parent"]) for a in data["agencies"]] == [
        ("tinh", "province", None), ("snv", "department", "tinh"),
        ("stp", "department", "tinh"), ("huyen_a", "district", "tinh"),
        ("xa_a1", "commune", "huyen_a")]
    receiving = next(g for g in data["groups"] if g["id"] == "receiving")
    assert receiving["members"] == ["snv", "stp", "huyen_a", "xa_a1"]
    assert receiving["union"] == ["departments"]


@pytest.mark.parametrize("command", ["indicators", "periods", "agencies"])
def test_listings_of_an_invalid_plan_fail_like_validate(command: str) -> None:
    result = run(command, "tests/data/invalid/e402_duplicate_key.yaml")
    assert result.exit_code == 2
    assert "error[E402]" in result.stderr
    as_json = run(command, "tests/data/invalid/e402_duplicate_key.yaml", "--format", "json")
    assert as_json.exit_code == 2
    assert json.loads(as_json.stdout)["diagnostics"][0]["code"] == "E402"


def test_schema_prints_the_shipped_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    shipped = json.loads((ROOT / "engine" / "plan.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == shipped


def test_schema_validates_the_2023_plan_with_a_generic_validator() -> None:
    """What an editor does with the schema: the real plan passes, a typo does not."""
    import jsonschema

    from engine.yamlsrc import read_yaml, to_data

    schema = json.loads(run("schema").stdout)
    tree, _ = read_yaml((ROOT / PLAN).read_text(encoding="utf-8"), PLAN)
    assert tree is not None
    data = to_data(tree)
    jsonschema.Draft202012Validator(schema).validate(data)
    data["areas"]["overall"]["indicators"]["sipas"]["tagret"] = "value > 1"
    assert not jsonschema.Draft202012Validator(schema).is_valid(data)
