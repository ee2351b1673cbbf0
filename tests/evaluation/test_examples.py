"""The shipped example facts are exactly what examples/2023/generate.py writes, and they load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[2]


def test_examples_are_what_the_generator_writes(tmp_path: Path) -> None:
    committed = {p.relative_to(ROOT): p.read_bytes()
                 for p in sorted((ROOT / "examples" / "2023").glob("*/*.yaml"))}
    copy = tmp_path / "repo"
    (copy / "examples" / "2023").mkdir(parents=True)
    for script in ("generate.py", "make_xlsx.py", "scoring/generate.py"):
        (copy / "examples" / "2023" / script).parent.mkdir(parents=True, exist_ok=True)
        (copy / "examples" / "2023" / script).write_bytes(
            (ROOT / "examples" / "2023" / script).read_bytes())
    (copy / "plans").symlink_to(ROOT / "plans")
    (copy / "engine").symlink_to(ROOT / "engine")
    (copy / "grammar").symlink_to(ROOT / "grammar")
    subprocess.run([sys.executable, "examples/2023/generate.py"], cwd=copy, check=True,
                   capture_output=True)
    written = {p.relative_to(copy): p.read_bytes()
               for p in sorted((copy / "examples" / "2023").glob("*/*.yaml"))}
    assert written == committed


def test_examples_cover_every_fact_each_agency_owes_except_the_planned_gaps() -> None:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    for period, gaps in (("q1", {("sgddt", "report_submitted_on"),
                                 ("quynh_nhai_muong_gion", "outgoing_docs"),
                                 ("quynh_nhai_muong_gion", "outgoing_docs_e_signed")}),
                         ("year", {("moc_chau", "officials_rated"),
                                   ("moc_chau", "officials_rated_good"),
                                   ("moc_chau", "officials_rated_excellent"),
                                   ("skhdt", "pci_score")})):
        facts = engine.load_facts(plan, [ROOT / "examples" / "2023" / period])
        assert set(facts.missing(plan)) == gaps
