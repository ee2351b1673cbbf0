"""B5 (the whole plan) at national scale, in a process of its own (run.py starts it; it also
runs by hand).

    python benchmarks/national.py [--rounds K] [--districts D] [--communes C]

Writes a plan with a national-scale registry into a temporary folder, loads it, generates a
value for every fact of every reporting agency and makes of them a fact set as ``load_facts``
returns it (``engine.facts_from_data``, not timed), evaluates the plan K times, alone and with
``Report.to_dict()`` in turn (paired rounds), and prints one JSON object per line as it goes
(so that a parent that stops it early still has what was measured):

    {"step": "load", "seconds": ..., "agencies": ..., "maxrss_mb": ...}
    {"step": "facts", "seconds": ..., "values": ..., "maxrss_mb": ...}
    {"step": "first", "seconds": ..., "summary": {...}, "maxrss_mb": ...}      (a warm-up)
    {"step": "evaluate", "seconds": ..., "summary": {...}, "maxrss_mb": ...}   (K lines)
    {"step": "to_dict", "seconds": ..., "summary": {...}, "maxrss_mb": ...}    (K lines)

``maxrss_mb`` is the peak resident memory of this process so far (getrusage).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data
import workloads

PERIOD = "year"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _say(**fields: object) -> None:
    print(json.dumps({**fields, "maxrss_mb": round(_rss_mb(), 1)}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--districts", type=int, default=690)
    ap.add_argument("--communes", type=int, default=16, help="communes per generated district")
    ap.add_argument("--dir", help="write the plan here (default: a temporary folder)")
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        tmp = args.dir or stack.enter_context(tempfile.TemporaryDirectory(prefix="cchc-bench-"))
        path = data.national_plan(Path(tmp), args.districts, args.communes)
        _say(step="start")
        t = time.perf_counter()
        plan = workloads.ours_load_plan_cached(path)
        _say(step="load", seconds=time.perf_counter() - t, agencies=len(plan.agencies))
    t = time.perf_counter()
    facts = workloads.ours_facts(plan, data.plan_facts(plan, PERIOD), PERIOD)
    _say(step="facts", seconds=time.perf_counter() - t, values=facts.count)
    as_of = plan.periods[PERIOD].due
    out: dict[str, object] = {}
    report = None
    for step in ["first"] + ["evaluate", "to_dict"] * args.rounds:
        # the result of the round before is dropped first: a process holds one report, and a
        # round must not measure two (each to_dict() is some 50 MB at this scale)
        out, report = {}, None
        t = time.perf_counter()
        if step == "to_dict":
            out = workloads.ours_evaluate_to_dict(plan, facts, PERIOD, as_of)
            seconds = time.perf_counter() - t
            summary = out.get("summary")
        else:
            report = workloads.ours_evaluate_plan(plan, facts, PERIOD, as_of)
            seconds = time.perf_counter() - t
            summary = report.summary
        _say(step=step, seconds=seconds, summary=summary)


if __name__ == "__main__":
    main()
