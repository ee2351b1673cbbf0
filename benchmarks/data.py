"""Deterministic (seeded) data for the benchmark workloads.

Nothing here is timed. Every generator takes a seed, so two runs (or two machines) measure the
same inputs.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLAN_2023 = ROOT / "plans" / "2023.yaml"

#: The three facts of the B1/B2 rules.
ON_TIME, RECEIVED, SATISFACTION = "dossiers_on_time", "dossiers_received", "satisfaction"


@dataclass(frozen=True)
class Agency:
    """One generated agency: exact values (ints and a Fraction share)."""

    id: str
    kind: str
    received: int
    on_time: int
    satisfaction: Fraction

    def exact_facts(self) -> dict[str, Any]:
        return {RECEIVED: self.received, ON_TIME: self.on_time, SATISFACTION: self.satisfaction}

    def float_facts(self) -> dict[str, Any]:
        return {RECEIVED: self.received, ON_TIME: self.on_time,
                SATISFACTION: float(self.satisfaction)}


def agencies(n: int, seed: int = 2023) -> list[Agency]:
    """``n`` agencies with dossiers_received > 0, dossiers_on_time <= received, and a
    satisfaction share given to the thousandth (as survey results are published).

    About one agency in eight sits exactly on a B1 boundary (exactly 99% on time, or exactly
    90% satisfied), so that exactness is exercised, not only the easy cases. Over all agencies
    both parts of the B2 rule hold (about 99.3% on time, 91% satisfied), so that neither side
    of its 'and' is skipped.
    """
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = "commune" if i % 16 else "district"
        received = rng.randint(1, 4000)
        r = rng.random()
        if r < 0.06:  # exactly 99% on time (received a multiple of 100)
            received = 100 * rng.randint(1, 40)
            on_time = received * 99 // 100
        elif r < 0.91:  # 99.5% to 100%
            on_time = received - rng.randint(0, received // 200)
        else:  # late: up to 10%
            on_time = received - rng.randint(0, max(1, received // 10))
        on_time = max(0, min(received, on_time))
        s = rng.random()
        satisfaction = Fraction(9, 10) if s < 0.06 else Fraction(rng.randint(820, 1000), 1000)
        out.append(Agency(f"a{i:05d}", kind, received, on_time, satisfaction))
    return out


def boundary_agencies(n: int) -> list[Agency]:
    """``n`` agencies on the boundaries: every one exactly 90% satisfied, and exactly 99% or
    100% on time (alternately).

    Exactly: B1 holds for each agency (``>= 99%`` and ``>= 90%``), and B2 holds (the ratio of
    sums is above 99%, and the average satisfaction is exactly 9/10).
    """
    out = []
    for i in range(n):
        received = 100 * (1 + i % 7)
        on_time = received if i % 2 else received * 99 // 100
        out.append(Agency(f"b{i:05d}", "commune", received, on_time, Fraction(9, 10)))
    return out


# --- B3: realistic expressions ------------------------------------------------------------------

_RATIO = re.compile(r"^\s*(?:sum\()?(\w+)\)?\s*/\s*(?:sum\()?(\w+)\)?\s*$")


def ratio_pairs(plan: Any) -> list[tuple[str, str]]:
    """(part, whole) fact pairs of the plan's ratio indicators: ``sum(a) / sum(b)`` or ``a / b``."""
    pairs = []
    for ind in plan.indicators.values():
        m = _RATIO.match(ind.value.text)
        if m and m.group(1) in plan.facts and m.group(2) in plan.facts:
            pairs.append((m.group(1), m.group(2)))
    return pairs


def expressions(plan: Any, count: int = 100, seed: int = 7) -> list[str]:
    """``count`` distinct expressions in the shapes plan authors write, over the plan's facts."""
    rng = random.Random(seed)
    pairs = ratio_pairs(plan)
    by_type: dict[str, list[str]] = {}
    for f, d in plan.facts.items():
        by_type.setdefault(d.type, []).append(f)
    nums = by_type.get("count", []) + by_type.get("number", [])
    shares = by_type.get("share", [])
    bools = by_type.get("bool", [])
    dates = by_type.get("date", [])
    cats = [(f, d.values) for f, d in plan.facts.items() if d.type == "category"]
    kinds = ["commune", "district", "department", "sector_agency"]

    def pct() -> str:
        return rng.choice(["80%", "85%", "90%", "95%", "99%", "100%", "30%", "15%", "25%",
                           "99.5%", "97.5%"])

    def cmp() -> str:
        return rng.choice([">", ">=", "==", ">="])

    def day() -> str:
        return (dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 364))).isoformat()

    templates = [
        lambda a, b: f"sum({a}) / sum({b}) {cmp()} {pct()}",
        lambda a, b: f"{a} / {b} {cmp()} {pct()}",
        lambda a, b: f"{b} > 0 and {a} / {b} {cmp()} {pct()}",
        lambda a, b: f"if {b} > 0 then {a} / {b} {cmp()} {pct()} else true",
        lambda a, b: f"all({a} <= {b})",
        lambda a, b: (f"sum({a} where kind == \"{rng.choice(kinds)}\") / "
                      f"sum({b} where kind == \"{rng.choice(kinds)}\") {cmp()} {pct()}"),
        lambda a, b: (f"round(sum({a}) / sum({b}) * 100, {rng.randint(0, 2)}) >= "
                      f"{rng.randint(80, 99)}"),
        lambda a, b: f"share({a} / {b} {cmp()} {pct()} where {b} > 0) >= {pct()}",
        lambda a, b: f"count({a} < {b}) <= {rng.randint(0, 20)}",
        lambda a, b: f"coalesce({a}, 0) + coalesce({b}, 0) > {rng.randint(10, 5000)}",
        lambda a, b: f"max({a}) - min({a}) <= {rng.randint(10, 500)}",
        lambda a, b: (f"1 - sum({a}) / sum({b}) >= {pct()} and "
                      f"sum({b} where kind in [\"district\", \"commune\"]) > {rng.randint(0, 99)}"),
        lambda a, b: f"sum({a}) / sum({b}) {cmp()} {pct()} or not any({a} > {b})",
        lambda a, b: f"avg({a} / {b} where {b} > 0) >= {pct()}",
    ]
    extra = [
        lambda: f"share({rng.choice(bools)}) {cmp()} {pct()}",
        lambda: (f"count({rng.choice(bools)} where kind == \"{rng.choice(kinds)}\") >= "
                 f"{rng.randint(1, 40)}"),
        lambda: f"all({rng.choice(bools)} or {rng.choice(bools)})",
        lambda: f"min({rng.choice(shares)}) >= {pct()}",
        lambda: f"{rng.choice(shares)} >= {pct()}",
        lambda: f"all({rng.choice(dates)} <= {day()} where {rng.choice(bools)})",
        lambda: f"{rng.choice(dates)} <= period_due + {rng.randint(0, 30)}",
        lambda: f"max({rng.choice(dates)}) <= {day()}",
        lambda: (lambda f, vs: f"{f} in [{', '.join(chr(34) + v + chr(34) for v in vs[:2])}]")(
            *rng.choice(cats)),
        lambda: f"{rng.choice(nums)} > {rng.choice(nums)} * (1 + {rng.randint(1, 10)}%)",
        lambda: f"abs({rng.choice(nums)} - {rng.choice(nums)}) <= {rng.randint(0, 9)}",
    ]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        if rng.random() < 0.65 and pairs:
            a, b = rng.choice(pairs)
            text = rng.choice(templates)(a, b)
        else:
            text = rng.choice(extra)()
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


# --- B4: facts for a whole plan, and a national-scale registry -----------------------------------

def plan_facts(plan: Any, period: str, seed: int = 11) -> dict[str, dict[str, Any]]:
    """A value for every fact of every reporting agency of ``plan`` that is reported in
    ``period``: ``{agency: {fact: value}}``, exact values, parts never above their wholes."""
    rng = random.Random(seed)
    wholes: dict[str, str] = {}
    for part, whole in ratio_pairs(plan):
        wholes.setdefault(part, whole)
    p = plan.periods[period]
    span = (p.end - p.start).days
    # wholes first, so that a part can be drawn below its whole
    order = sorted(plan.facts, key=lambda f: f in wholes)
    out: dict[str, dict[str, Any]] = {}
    for f in order:
        d = plan.facts[f]
        if period not in d.periods:
            continue
        for a in d.reporters:
            facts = out.setdefault(a, {})
            facts[f] = _value(rng, d, facts.get(wholes.get(f, ""), None), p.start, span)
    return out


def _value(rng: random.Random, d: Any, whole: Any, start: dt.date, span: int) -> Any:
    t = d.type
    if t == "count":
        if isinstance(whole, int):
            return whole if rng.random() < 0.7 else max(0, whole - rng.randint(0, 1 + whole // 20))
        return rng.randint(0, 3000)
    if t == "number":
        if isinstance(whole, int | Fraction):
            return whole * Fraction(rng.randint(60, 100), 100)
        return Fraction(rng.randint(0, 900000), 10)
    if t == "share":
        return Fraction(rng.randint(700, 1000), 1000)
    if t == "bool":
        return rng.random() < 0.9
    if t == "date":
        return start + dt.timedelta(days=rng.randint(0, span))
    if t == "category":
        return rng.choice(list(d.values))
    raise ValueError(f"fact type {t!r}")  # pragma: no cover


# --- B6: the quarter's Excel fact sheets ---------------------------------------------------------

def excel_sheets(plan: Any, period: str, directory: Path, seed: int = 11) -> dict[str, Any]:
    """Write into ``directory`` the fact sheet (``AGENCY.xlsx``, as `cchc template --format
    xlsx` writes it) of every agency that reports in ``period``, filled in with
    :func:`plan_facts` the way Excel stores typed values; return those values."""
    from engine.xlsx_template import template_workbook

    facts = plan_facts(plan, period, seed)
    for agency, values in facts.items():
        (directory / f"{agency}.xlsx").write_bytes(
            template_workbook(plan, period, agency, values=values))
    return facts


def national_plan(directory: Path, districts: int = 690, communes_per_district: int = 16) -> Path:
    """Write a plan into ``directory`` that is ``plans/2023.yaml`` (facts, areas, indicators and
    groups unchanged) with a national-scale registry: ``districts`` more districts, each with
    ``communes_per_district`` communes, in an extra include file. The groups are defined by
    kind, so the new agencies join 'districts', 'communes', 'receiving' and the rest.

    With the defaults: 243 + 690 * 17 = 11,973 agencies (Viet Nam has 63 provinces, about 700
    district-level and 10,600 commune-level units).
    """
    directory.mkdir(parents=True, exist_ok=True)
    src = PLAN_2023.parent
    text = PLAN_2023.read_text("utf-8")
    line = "  - agencies-2023-communes.yaml"
    if line not in text:
        raise RuntimeError(f"{PLAN_2023} no longer includes its communes as '{line.strip()}'")
    text = text.replace(line, line + "\n  - agencies-national.yaml", 1)
    (directory / "2023.yaml").write_text(text, "utf-8")
    shutil.copy(src / "agencies-2023-communes.yaml", directory / "agencies-2023-communes.yaml")
    lines = ["# Generated by benchmarks/data.py: a national-scale registry.", "agencies:"]
    for d in range(districts):
        did = f"nd{d:04d}"
        lines += [f"  {did}:", f"    name: {{vi: \"Huyện {d}\", en: \"District {d}\"}}",
                  "    kind: district", "    parent: ubnd_tinh"]
        for c in range(communes_per_district):
            lines += [f"  {did}_x{c:02d}:",
                      f"    name: {{vi: \"Xã {c} (huyện {d})\", "
                      f"en: \"Commune {c} of district {d}\"}}",
                      "    kind: commune", f"    parent: {did}"]
    (directory / "agencies-national.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return directory / "2023.yaml"

