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
from decimal import Decimal
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

    def json(self) -> dict[str, Any]:
        """As ``json.loads`` gives it: ints and a float share, with the agency's id (``agency``)
        and ``kind``."""
        return {"agency": self.id, "kind": self.kind, **self.float_facts()}

    def text(self) -> dict[str, Any]:
        """Every value an exact decimal string (``"1200"``, ``"0.913"``), as a form gives it."""
        s = self.satisfaction
        share = str(Decimal(s.numerator) / Decimal(s.denominator))
        return {"agency": self.id, "kind": self.kind, RECEIVED: str(self.received),
                ON_TIME: str(self.on_time), SATISFACTION: share}


def inputs(agencies: list[Agency], kind: str, gaps: float = 0.0,
           seed: int = 5) -> list[dict[str, Any]]:
    """The input dicts of the rule workloads: ``kind`` "json" or "text"; with ``gaps``, that
    share of the agencies leave out dossiers_on_time (not reported), for ``coalesce``."""
    rng = random.Random(seed)
    out = []
    for a in agencies:
        d = a.json() if kind == "json" else a.text()
        if gaps and rng.random() < gaps:
            del d[ON_TIME]
        out.append(d)
    return out


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
    return [c for c, _ in expression_pairs(plan, count, seed)]


_PY_CMP = {">": ">", ">=": ">=", "==": "==", "<": "<", "<=": "<="}


def expression_pairs(plan: Any, count: int = 100, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` distinct expressions in the shapes plan authors write, over the plan's facts,
    each with the equivalent Python expression (floats; a scalar fact is a variable, an
    aggregate walks ``rows``, a list of dicts), for Python's ``compile()`` in workload B4."""
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

    def pct() -> tuple[str, str]:
        p = rng.choice(["80", "85", "90", "95", "99", "100", "30", "15", "25", "99.5", "97.5"])
        return f"{p}%", repr(float(p) / 100)

    def cmp() -> str:
        return rng.choice([">", ">=", "==", ">="])

    def day() -> tuple[str, str]:
        d = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        return d.isoformat(), f"date({d.year}, {d.month}, {d.day})"

    def col(a: str, cond: str = "") -> str:
        return f"(r[{a!r}] for r in rows{' if ' + cond if cond else ''})"

    def kind_is(k: str) -> str:
        return f"r[{KIND!r}] == {k!r}"

    def ratio(a: str, b: str) -> tuple[str, str]:
        return f"sum({a}) / sum({b})", f"sum{col(a)} / sum{col(b)}"

    def t_sum_ratio(a: str, b: str) -> tuple[str, str]:
        c, (p, q), (x, y) = cmp(), pct(), ratio(a, b)
        return f"{x} {c} {p}", f"{y} {c} {q}"

    def t_ratio(a: str, b: str) -> tuple[str, str]:
        c, (p, q) = cmp(), pct()
        return f"{a} / {b} {c} {p}", f"{a} / {b} {c} {q}"

    def t_guarded(a: str, b: str) -> tuple[str, str]:
        c, (p, q) = cmp(), pct()
        return f"{b} > 0 and {a} / {b} {c} {p}", f"{b} > 0 and {a} / {b} {c} {q}"

    def t_if(a: str, b: str) -> tuple[str, str]:
        c, (p, q) = cmp(), pct()
        return (f"if {b} > 0 then {a} / {b} {c} {p} else true",
                f"({a} / {b} {c} {q}) if {b} > 0 else True")

    def t_all(a: str, b: str) -> tuple[str, str]:
        return f"all({a} <= {b})", f"all(r[{a!r}] <= r[{b!r}] for r in rows)"

    def t_where(a: str, b: str) -> tuple[str, str]:
        k1, k2, c, (p, q) = rng.choice(kinds), rng.choice(kinds), cmp(), pct()
        return (f'sum({a} where kind == "{k1}") / sum({b} where kind == "{k2}") {c} {p}',
                f"sum{col(a, kind_is(k1))} / sum{col(b, kind_is(k2))} {c} {q}")

    def t_round(a: str, b: str) -> tuple[str, str]:
        k, n, (x, y) = rng.randint(0, 2), rng.randint(80, 99), ratio(a, b)
        return f"round({x} * 100, {k}) >= {n}", f"round({y} * 100, {k}) >= {n}"

    def t_share(a: str, b: str) -> tuple[str, str]:
        c, (p, q), (p2, q2) = cmp(), pct(), pct()
        return (f"share({a} / {b} {c} {p} where {b} > 0) >= {p2}",
                f"sum(1 for r in rows if r[{b!r}] > 0 and r[{a!r}] / r[{b!r}] {c} {q}) / "
                f"sum(1 for r in rows if r[{b!r}] > 0) >= {q2}")

    def t_count(a: str, b: str) -> tuple[str, str]:
        n = rng.randint(0, 20)
        return (f"count({a} < {b}) <= {n}",
                f"sum(1 for r in rows if r[{a!r}] < r[{b!r}]) <= {n}")

    def t_coalesce(a: str, b: str) -> tuple[str, str]:
        n = rng.randint(10, 5000)
        return (f"coalesce({a}, 0) + coalesce({b}, 0) > {n}",
                f"({a} if {a} is not None else 0) + ({b} if {b} is not None else 0) > {n}")

    def t_range(a: str, b: str) -> tuple[str, str]:
        n = rng.randint(10, 500)
        return f"max({a}) - min({a}) <= {n}", f"max{col(a)} - min{col(a)} <= {n}"

    def t_rest(a: str, b: str) -> tuple[str, str]:
        (p, q), n, (x, y) = pct(), rng.randint(0, 99), ratio(a, b)
        cond = f"r[{KIND!r}] in ('district', 'commune')"
        return (f'1 - {x} >= {p} and sum({b} where kind in ["district", "commune"]) > {n}',
                f"1 - {y} >= {q} and sum{col(b, cond)} > {n}")

    def t_or(a: str, b: str) -> tuple[str, str]:
        c, (p, q), (x, y) = cmp(), pct(), ratio(a, b)
        return (f"{x} {c} {p} or not any({a} > {b})",
                f"{y} {c} {q} or not any(r[{a!r}] > r[{b!r}] for r in rows)")

    def t_avg(a: str, b: str) -> tuple[str, str]:
        p, q = pct()
        return (f"avg({a} / {b} where {b} > 0) >= {p}",
                f"(lambda v: sum(v) / len(v))([r[{a!r}] / r[{b!r}] for r in rows "
                f"if r[{b!r}] > 0]) >= {q}")

    templates = [t_sum_ratio, t_ratio, t_guarded, t_if, t_all, t_where, t_round, t_share,
                 t_count, t_coalesce, t_range, t_rest, t_or, t_avg]

    def e_share() -> tuple[str, str]:
        b, c, (p, q) = rng.choice(bools), cmp(), pct()
        return f"share({b}) {c} {p}", f"sum(1 for r in rows if r[{b!r}]) / len(rows) {c} {q}"

    def e_count() -> tuple[str, str]:
        b, k, n = rng.choice(bools), rng.choice(kinds), rng.randint(1, 40)
        return (f'count({b} where kind == "{k}") >= {n}',
                f"sum(1 for r in rows if r[{b!r}] and r[{KIND!r}] == {k!r}) >= {n}")

    def e_all_or() -> tuple[str, str]:
        b1, b2 = rng.choice(bools), rng.choice(bools)
        return f"all({b1} or {b2})", f"all(r[{b1!r}] or r[{b2!r}] for r in rows)"

    def e_min() -> tuple[str, str]:
        s, (p, q) = rng.choice(shares), pct()
        return f"min({s}) >= {p}", f"min{col(s)} >= {q}"

    def e_scalar_share() -> tuple[str, str]:
        s, (p, q) = rng.choice(shares), pct()
        return f"{s} >= {p}", f"{s} >= {q}"

    def e_all_dates() -> tuple[str, str]:
        d, (x, y), b = rng.choice(dates), day(), rng.choice(bools)
        return (f"all({d} <= {x} where {b})",
                f"all(r[{d!r}] <= {y} for r in rows if r[{b!r}])")

    def e_due() -> tuple[str, str]:
        d, n = rng.choice(dates), rng.randint(0, 30)
        return f"{d} <= period_due + {n}", f"{d} <= period_due + timedelta(days={n})"

    def e_max_date() -> tuple[str, str]:
        d, (x, y) = rng.choice(dates), day()
        return f"max({d}) <= {x}", f"max{col(d)} <= {y}"

    def e_category() -> tuple[str, str]:
        f, vs = rng.choice(cats)
        two = list(vs[:2])
        return (f"{f} in [{', '.join(chr(34) + v + chr(34) for v in two)}]",
                f"{f} in ({', '.join(repr(v) for v in two)},)")

    def e_growth() -> tuple[str, str]:
        a, b, k = rng.choice(nums), rng.choice(nums), rng.randint(1, 10)
        return f"{a} > {b} * (1 + {k}%)", f"{a} > {b} * (1 + {k / 100!r})"

    def e_abs() -> tuple[str, str]:
        a, b, k = rng.choice(nums), rng.choice(nums), rng.randint(0, 9)
        return f"abs({a} - {b}) <= {k}", f"abs({a} - {b}) <= {k}"

    extra = [e_share, e_count, e_all_or, e_min, e_scalar_share, e_all_dates, e_due, e_max_date,
             e_category, e_growth, e_abs]
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    while len(out) < count:
        if rng.random() < 0.65 and pairs:
            a, b = rng.choice(pairs)
            text, py = rng.choice(templates)(a, b)
        else:
            text, py = rng.choice(extra)()
        if text not in seen:
            seen.add(text)
            out.append((text, py))
    return out


KIND = "kind"


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
    # The plan's own relations (a fact ``at_most`` another): a part above its whole is cut
    # down to it, parts of parts too (repeated until nothing changes).
    relations = [(f, w) for f, d in plan.facts.items() for w in getattr(d, "at_most", ())]
    changed = bool(relations)
    while changed:
        changed = False
        for facts in out.values():
            for f, w in relations:
                pv, wv = facts.get(f), facts.get(w)
                if pv is None or wv is None or isinstance(pv, bool | str) or \
                        isinstance(wv, bool | str) or \
                        isinstance(pv, dt.date) != isinstance(wv, dt.date):
                    continue
                if pv > wv:
                    facts[f] = wv
                    changed = True
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

