"""Large inputs for the ingestion workloads (issue 17, "Ingestion at national scale").

    python benchmarks/ingest_data.py DIR [--rows 200000] [--districts 690] [--communes 16]

writes into ``DIR`` a plan with a national-scale registry (:func:`benchmarks.data.national_plan`)
and the fact files of its ``year`` period cut to ``--rows`` values: ``facts.csv`` (long form),
``facts.yaml`` and ``facts.json`` (the same values), and ``errors.csv`` (every value refused, to
check that the diagnostics shown are capped). The values are those of
:func:`benchmarks.data.plan_facts`, written the way the fact files of ``docs/facts.md`` write
them, so every file loads without an error (but ``errors.csv``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `engine` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import data

PERIOD = "year"


def fact_rows(plan: Any, rows: int, period: str = PERIOD) -> list[tuple[str, str, str]]:
    """Up to ``rows`` ``(agency, fact, value text)`` of ``period``, agency by agency."""
    from engine.fact_values import format_fact_value

    out: list[tuple[str, str, str]] = []
    for agency, facts in data.plan_facts(plan, period).items():
        _clamp(plan, facts)
        for fact, value in facts.items():
            out.append((agency, fact, format_fact_value(plan.facts[fact], value)))
            if len(out) >= rows:
                return out
    return out


def _clamp(plan: Any, facts: dict[str, Any]) -> None:
    """Lower every part to its wholes (``at_most``), so that no value is refused (E650)."""
    for _ in range(len(facts)):
        changed = False
        for fact, value in facts.items():
            for whole in plan.facts[fact].at_most:
                w = facts.get(whole)
                if w is not None and not isinstance(value, bool) and value > w:
                    facts[fact] = value = w
                    changed = True
        if not changed:
            return


def write_csv(path: Path, rows: list[tuple[str, str, str]], period: str = PERIOD) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["agency", "fact", "value", "period"])
    w.writerows((a, f, v, period) for a, f, v in rows)
    path.write_text(buf.getvalue(), "utf-8")


def write_yaml(path: Path, plan_id: str, rows: list[tuple[str, str, str]],
               period: str = PERIOD) -> None:
    lines = [f"plan: {plan_id}", f"period: {period}", "agencies:"]
    last = None
    for a, f, v in rows:
        if a != last:
            lines.append(f"  {a}:")
            last = a
        lines.append(f"    {f}: {json.dumps(v, ensure_ascii=False)}")
    path.write_text("\n".join(lines) + "\n", "utf-8")


def write_json(path: Path, plan_id: str, rows: list[tuple[str, str, str]],
               period: str = PERIOD) -> None:
    agencies: dict[str, dict[str, str]] = {}
    for a, f, v in rows:
        agencies.setdefault(a, {})[f] = v
    path.write_text(json.dumps({"plan": plan_id, "period": period, "agencies": agencies},
                               ensure_ascii=False, indent=1), "utf-8")


def write_all(directory: Path, rows: int, districts: int = 690,
              communes: int = 16) -> dict[str, Path]:
    """Write the plan and the fact files into ``directory``; their paths by name."""
    from engine import load_plan

    plan_path = data.national_plan(directory, districts, communes)
    plan = load_plan(plan_path)
    got = fact_rows(plan, rows)
    paths = {"plan": plan_path, "csv": directory / "facts.csv",
             "yaml": directory / "facts.yaml", "json": directory / "facts.json",
             "errors": directory / "errors.csv"}
    write_csv(paths["csv"], got)
    write_yaml(paths["yaml"], plan.id, got)
    write_json(paths["json"], plan.id, got)
    write_csv(paths["errors"], [(a, f, "1.200,5") for a, f, _ in got])
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--districts", type=int, default=690)
    parser.add_argument("--communes", type=int, default=16)
    args = parser.parse_args(argv)
    for name, path in write_all(args.dir, args.rows, args.districts, args.communes).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
