"""Ingestion at national scale (workload B7), each measurement in a process of its own.

    python benchmarks/ingestion.py write DIR [--rows N,M] [--districts D] [--communes C]
    python benchmarks/ingestion.py load PLAN FILE [--reference csv|yaml|json]
    python benchmarks/ingestion.py registry PLAN

``write`` puts into DIR a plan with a national-scale registry (``data.national_plan``) and,
for each size N of ``--rows``, the ``year`` fact files of its agencies cut to N values:
``facts-N.csv`` (long form), ``facts-N.yaml``, ``facts-N.json`` (the same values) and
``errors-N.csv`` (N values, every one refused); the tests write their files with the same
writers (:func:`fact_rows`, :func:`write_csv`, :func:`write_yaml`, :func:`write_json`). ``load``
loads the plan (not timed), then times ``engine.load_facts`` of FILE, and, with
``--reference``, the same file read by hand (``csv.reader`` into dicts, or PyYAML's C loader,
or ``json.loads``). ``registry`` times ``engine.load_plan`` of PLAN, then PyYAML's C loader
(``yaml.load`` with ``CSafeLoader``) parsing each file the plan is built from, alone. Plans
are loaded through the compiled-plan cache (``workloads.ours_load_plan_cached``), as the
command line loads them: ``registry`` run twice with one ``CCHC_CACHE_DIR`` times a first load
and a load from the cache. Each
prints one JSON object: times in seconds, and memory (``resource.getrusage`` ``ru_maxrss``,
the process's peak, and its resident memory just before the timed step, in MB).

Run by ``benchmarks/run.py``; the plan cache is whatever ``CCHC_CACHE_DIR`` says (run.py gives
each measurement its own folder).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data

PERIOD = "year"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return _peak_mb()


def fact_rows(plan: Any, rows: int) -> list[tuple[str, str, str]]:
    """Up to ``rows`` ``(agency, fact, value text)`` of the year, agency by agency."""
    from engine.fact_values import format_fact_value

    out: list[tuple[str, str, str]] = []
    for agency, facts in data.plan_facts(plan, PERIOD).items():
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


def write_csv(path: Path, rows: list[tuple[str, str, str]], value: str | None = None) -> None:
    """The rows as a CSV fact file in long form (every value ``value`` when given)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["agency", "fact", "value", "period"])
    w.writerows((a, f, v if value is None else value, PERIOD) for a, f, v in rows)
    path.write_text(buf.getvalue(), "utf-8")


def write_yaml(path: Path, plan_id: str, rows: list[tuple[str, str, str]]) -> None:
    """The rows as a YAML fact file, each value a quoted text."""
    lines = [f"plan: {plan_id}", f"period: {PERIOD}", "agencies:"]
    last = None
    for a, f, v in rows:
        if a != last:
            lines.append(f"  {a}:")
            last = a
        lines.append(f"    {f}: {json.dumps(v, ensure_ascii=False)}")
    path.write_text("\n".join(lines) + "\n", "utf-8")


def write_json(path: Path, plan_id: str, rows: list[tuple[str, str, str]]) -> None:
    """The rows as a JSON fact file."""
    agencies: dict[str, dict[str, str]] = {}
    for a, f, v in rows:
        agencies.setdefault(a, {})[f] = v
    path.write_text(json.dumps({"plan": plan_id, "period": PERIOD, "agencies": agencies},
                               ensure_ascii=False, indent=1), "utf-8")


def write(directory: Path, sizes: list[int], districts: int, communes: int) -> dict[str, Any]:
    """The plan, and for each size N the files ``facts-N.csv``, ``facts-N.yaml``,
    ``facts-N.json`` and ``errors-N.csv``."""

    import workloads  # (imported where needed: the tests import this module for its writers)

    plan_path = data.national_plan(directory, districts, communes)
    plan = workloads.ours_load_plan_cached(plan_path)
    every = fact_rows(plan, max(sizes))
    for n in sizes:
        _write_files(directory, plan.id, every[:n], n)
    return {"plan": str(plan_path), "values": {n: len(every[:n]) for n in sizes},
            "agencies": len(plan.agencies)}


def _write_files(directory: Path, plan_id: str, got: list[tuple[str, str, str]],
                 n: int) -> None:
    write_csv(directory / f"facts-{n}.csv", got)
    write_yaml(directory / f"facts-{n}.yaml", plan_id, got)
    write_json(directory / f"facts-{n}.json", plan_id, got)
    write_csv(directory / f"errors-{n}.csv", got, "1.200,5")  # ambiguous: refused (E6xx)


def _reference(kind: str, path: Path) -> int:
    """The file read by hand, nothing checked; the number of values."""
    text = path.read_text("utf-8")
    if kind == "csv":
        out: dict[str, dict[str, str]] = {}
        reader = csv.reader(io.StringIO(text))
        next(reader)
        for agency, fact, value, _period in reader:
            out.setdefault(agency, {})[fact] = value
        return sum(len(v) for v in out.values())
    if kind == "yaml":
        import yaml

        doc = yaml.load(text, Loader=yaml.CSafeLoader)
    else:
        doc = json.loads(text)
    return sum(len(v) for v in doc["agencies"].values())


def load(plan_path: Path, path: Path, reference: str | None) -> dict[str, Any]:
    import workloads

    plan = workloads.ours_load_plan_cached(plan_path)  # not timed
    before = _rss_mb()
    t = time.perf_counter()
    facts = workloads.ours_load_facts(plan, path, PERIOD)
    seconds = time.perf_counter() - t
    out: dict[str, Any] = {"seconds": seconds, "values": facts.count,
                           "rss_before_mb": round(before, 1), "maxrss_mb": round(_peak_mb(), 1)}
    if reference:
        t = time.perf_counter()
        out["reference_values"] = _reference(reference, path)
        out["reference_seconds"] = time.perf_counter() - t
    return out


def registry(plan_path: Path) -> dict[str, Any]:
    import workloads
    import yaml

    t = time.perf_counter()
    plan = workloads.ours_load_plan_cached(plan_path)
    seconds = time.perf_counter() - t
    files = sorted(f for f in plan_path.parent.glob("*.yaml") if not f.name.startswith("facts"))
    t = time.perf_counter()
    for f in files:
        yaml.load(f.read_text("utf-8"), Loader=yaml.CSafeLoader)
    return {"seconds": seconds, "agencies": len(plan.agencies),
            "yaml_seconds": time.perf_counter() - t, "files": len(files),
            "maxrss_mb": round(_peak_mb(), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("dir", type=Path)
    w.add_argument("--rows", default="20000,200000", help="sizes, comma-separated")
    w.add_argument("--districts", type=int, default=690)
    w.add_argument("--communes", type=int, default=16)
    ld = sub.add_parser("load")
    ld.add_argument("plan", type=Path)
    ld.add_argument("file", type=Path)
    ld.add_argument("--reference", choices=["csv", "yaml", "json"])
    rg = sub.add_parser("registry")
    rg.add_argument("plan", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "write":
        args.dir.mkdir(parents=True, exist_ok=True)
        out = write(args.dir, [int(n) for n in args.rows.split(",")], args.districts,
                    args.communes)
    elif args.cmd == "load":
        out = load(args.plan, args.file, args.reference)
    else:
        out = registry(args.plan)
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
