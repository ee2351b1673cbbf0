"""The filled workbooks of examples/2023/q1-xlsx are what examples/2023/make_xlsx.py writes,
and they read back as the figures of examples/2023/q1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import engine
from engine.model import Plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "2023"


def test_the_workbooks_are_what_the_script_writes(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    (copy / "examples" / "2023").mkdir(parents=True)
    (copy / "examples" / "2023" / "make_xlsx.py").write_bytes(
        (EXAMPLES / "make_xlsx.py").read_bytes())
    (copy / "examples" / "2023" / "q1").symlink_to(EXAMPLES / "q1")
    for folder in ("plans", "engine", "grammar"):
        (copy / folder).symlink_to(ROOT / folder)
    subprocess.run([sys.executable, "examples/2023/make_xlsx.py"], cwd=copy, check=True,
                   capture_output=True)
    written = {p.name: p.read_bytes() for p in (copy / "examples/2023/q1-xlsx").iterdir()}
    committed = {p.name: p.read_bytes() for p in (EXAMPLES / "q1-xlsx").iterdir()}
    assert written == committed, "run python examples/2023/make_xlsx.py"


def test_the_workbooks_hold_the_figures_of_the_yaml_examples(plan2023: Plan) -> None:
    from_yaml = engine.load_facts(plan2023, EXAMPLES / "q1")
    from_xlsx = engine.load_facts(plan2023, EXAMPLES / "q1-xlsx")
    assert from_xlsx.reported_agencies == ("snv", "sgddt", "tt_phvhc", "mai_son",
                                           "mai_son_chieng_ban")
    for agency in from_xlsx.reported_agencies:
        assert from_xlsx.for_agency(agency) == from_yaml.for_agency(agency)


def test_the_diagnostics_examples_are_what_their_script_writes() -> None:
    from tests.xlsx.diagnostics import OUT, files

    for name, data in files().items():
        assert (OUT / name).read_bytes() == data, f"run python -m tests.xlsx.diagnostics ({name})"
