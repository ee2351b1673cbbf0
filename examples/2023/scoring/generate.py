"""Write the example scoring facts of examples/2023/scoring/ (run from the repository root).

    python examples/2023/scoring/generate.py

The figures are INVENTED for demonstration and testing, like those of examples/2023/year/: they
are not Sơn La's results. They add, to the plan's facts of examples/2023/year/, the facts of the
two shipped scorecards:

* ``qd766/``: the dossier and procedure figures of plans/scorecards/qd766.yaml, for every
  department, district and commune and for the province (UBND tỉnh);
* ``chi-so-cchc/``: the facts of plans/scorecards/sonla-cchc-2023-illustration.yaml for the
  departments and districts, one file per stage as they reach Sở Nội vụ: the units'
  self-assessment (``tu-danh-gia.yaml``, with the figures the units report), the appraisal
  council's findings, re-appraisals and bonus or penalty (``tham-dinh.yaml``) and the survey
  (``dieu-tra-xa-hoi-hoc.yaml``).

Every unit's figures come from a random generator seeded with the unit's id, so they do not
depend on the order of the plan; a few units are then changed by hand so that the example shows
what it is meant to (see ``STORY``). examples/2023/generate.py runs this script after writing
the year's facts it builds on. A test checks that the committed files are exactly what this
script writes: edit the script, not the files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402

OUT = ROOT / "examples" / "2023" / "scoring"
HEADER = (
    "# Ví dụ minh họa: số liệu GIẢ ĐỊNH, không phải số liệu báo cáo thật.\n"
    "# Illustrative example: INVENTED figures, not reported data.\n"
    "# Written by examples/2023/scoring/generate.py; edit the script, not this file.\n"
)
SCORED_KINDS = ("department", "district", "commune")

#: What the example is meant to show, unit by unit (applied after the random figures).
STORY = """\
- sldtbxh, song_ma and bac_yen claim more in their self-assessment than
  the council accepts (tasks done, reports, the one-stop desk);
- sldtbxh explains itself and the council re-appraises its tasks done (a third stage);
- bac_yen's one-stop desk is found wanting: 0 points and 0,25 taken off;
- thanh_tra, ban_dan_toc and sngv settle no procedure with a fee: QĐ 766's payment indicators do
  not apply to them;
- a few units have a recognised initiative (bonus) or a reprimand (penalty).
"""


def pct(rng: random.Random, whole: int, low: int, high: int) -> int:
    """``whole`` times a random whole percentage between ``low`` and ``high`` (rounded down)."""
    return whole * rng.randint(low, high) // 100


def share(rng: random.Random, low: int, high: int) -> str:
    """A random percentage with one decimal, between ``low`` and ``high`` tenths, as text."""
    tenths = rng.randint(low, high)
    return f"{tenths // 10}.{tenths % 10}%" if tenths % 10 else f"{tenths // 10}%"


def qd766_facts(plan: Any, year: Any) -> dict[str, dict[str, Any]]:
    """The facts of plans/scorecards/qd766.yaml, per agency."""
    facts: dict[str, dict[str, Any]] = {}
    for agency in plan.agencies.values():
        if agency.kind not in SCORED_KINDS:
            continue
        rng = random.Random(f"qd766-2023-{agency.id}")
        new = int(year.get(agency.id, "dossiers_received_new"))
        kind = agency.kind
        f: dict[str, Any] = {}
        if kind == "department":
            published = rng.randint(0, 40)
            f.update(procedures_published=published,
                     procedures_published_on_time=max(0, published - rng.choice([0, 0, 0, 1, 2])))
        eligible = pct(rng, new, 25, 60)
        f.update(dossiers_full_online_eligible=eligible,
                 dossiers_full_online=pct(rng, eligible, 15, 90))
        fees = {"department": (5, 60), "district": (10, 40), "commune": (3, 12)}[kind]
        fee_procedures = 0 if agency.id in ("thanh_tra", "ban_dan_toc", "sngv") else \
            rng.randint(*fees)
        integrated = pct(rng, fee_procedures, 50, 100)
        fee_dossiers = pct(rng, new, 20, 50) if fee_procedures else 0
        f.update(fee_procedures=fee_procedures, fee_procedures_integrated=integrated,
                 fee_procedures_paid_online=min(integrated, pct(rng, fee_procedures, 20, 90)),
                 fee_dossiers=fee_dossiers, dossiers_paid_online=pct(rng, fee_dossiers, 5, 60))
        paper = pct(rng, new, 60, 90)
        citizen = {"department": (10, 120), "district": (50, 90), "commune": (20, 40)}[kind]
        cp = rng.randint(*citizen)
        f.update(dossiers_paper_result=paper, dossiers_e_result=pct(rng, paper, 40, 100),
                 dossiers_digitised=pct(rng, new, 40, 95),
                 dossiers_data_reused=pct(rng, new, 10, 60),
                 dossiers_personal_store=pct(rng, new, 10, 70),
                 citizen_procedures=cp,
                 citizen_procedures_population_data=pct(rng, cp, 30, 100),
                 dossiers_population_data=pct(rng, new, 10, 80))
        if kind != "department":
            f.update(e_certified_copies=rng.random() < 0.8)
        pakn = rng.randint(0, 20) if kind != "commune" else rng.choice([0, 0, 0, 1, 2, 3])
        on_time = max(0, pakn - rng.choice([0, 0, 1]))
        f.update(pakn_total=pakn, pakn_on_time=on_time,
                 pakn_unsatisfied=min(pakn, rng.choice([0, 0, 0, 1])),
                 dossiers_pakn_dislike=min(new, rng.choice([0, 0, 1, 2, 3])))
        facts[agency.id] = f
    facts["ubnd_tinh"] = dict(procedures_to_make_public=191, procedures_made_public_on_time=188,
                              procedures_public=1712, procedures_public_complete=1703)
    return facts


def illustration_facts(plan: Any, year: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """The facts of the illustration scorecard, per stage file, per agency."""
    stages: dict[str, dict[str, dict[str, Any]]] = {
        "tu-danh-gia": {}, "tham-dinh": {}, "dieu-tra-xa-hoi-hoc": {}}
    for agency in plan.agencies.values():
        if agency.kind not in ("department", "district"):
            continue
        rng = random.Random(f"cchc-2023-{agency.id}")
        district = agency.kind == "district"
        new = int(year.get(agency.id, "dossiers_received_new"))
        tasks = rng.randint(20, 60)
        done = pct(rng, tasks, 78, 100)
        subordinate = rng.randint(15, 40) if district else rng.randint(3, 15)
        issues = rng.randint(0, 6)
        legal = rng.randint(0, 4) if district else rng.randint(0, 8)
        to_handle = rng.randint(0, 5)
        feedback = rng.randint(0, 6)
        audits = rng.randint(0, 10)
        stages["tu-danh-gia"][agency.id] = dict(
            plan_tasks_total=tasks, plan_tasks_done_self=done, report_complete_self=True,
            subordinate_units=subordinate,
            subordinate_units_inspected=pct(rng, subordinate, 10, 60),
            inspection_issues=issues,
            inspection_issues_handled=max(0, issues - rng.choice([0, 0, 0, 1])),
            propaganda_done_self=True, legal_docs_scheduled=legal,
            legal_docs_on_schedule=max(0, legal - rng.choice([0, 0, 1])),
            legal_review_done_self=True, legal_docs_to_handle=to_handle,
            legal_docs_handled=max(0, to_handle - rng.choice([0, 0, 0, 1])),
            procedures_public_ok_self=True, procedures_review_done_self=True,
            tthc_feedback=feedback,
            tthc_feedback_handled=max(0, feedback - rng.choice([0, 0, 0, 1])),
            one_stop_ok_self=True, staffing_plan_done_self=True,
            audit_recommendations=audits,
            audit_recommendations_done=pct(rng, audits, 50, 100),
            online_dossiers=pct(rng, new, 5, 45), digitised_dossiers=pct(rng, new, 40, 95))
        stages["tham-dinh"][agency.id] = dict(
            plan_tasks_done=done, report_complete=rng.random() < 0.9,
            propaganda_done=rng.random() < 0.9, legal_review_done=rng.random() < 0.95,
            procedures_public_ok=rng.random() < 0.9,
            procedures_review_done=rng.random() < 0.9, one_stop_ok=True,
            staffing_plan_done=rng.random() < 0.9,
            initiatives_recognised=rng.choice([0, 0, 0, 0, 1, 2]),
            reprimands=rng.choice([0] * 9 + [1]))
        stages["dieu-tra-xa-hoi-hoc"][agency.id] = dict(
            officials_survey_score=share(rng, 780, 990), sipas_unit=share(rng, 880, 999))
    self_, council, survey = (stages["tu-danh-gia"], stages["tham-dinh"],
                              stages["dieu-tra-xa-hoi-hoc"])
    # The story (see STORY).
    self_["sldtbxh"]["plan_tasks_done_self"] = self_["sldtbxh"]["plan_tasks_total"]
    council["sldtbxh"]["plan_tasks_done"] = self_["sldtbxh"]["plan_tasks_total"] * 70 // 100
    council["sldtbxh"]["plan_tasks_done_reappraised"] = \
        self_["sldtbxh"]["plan_tasks_total"] * 85 // 100
    self_["song_ma"]["plan_tasks_done_self"] = self_["song_ma"]["plan_tasks_total"]
    council["song_ma"]["plan_tasks_done"] = self_["song_ma"]["plan_tasks_total"] * 88 // 100
    council["song_ma"]["report_complete"] = False
    council["bac_yen"]["one_stop_ok"] = False
    council["bac_yen"]["procedures_public_ok"] = False
    # Sơn La publishes each unit's satisfaction; in 2023 the Ethnic Minorities Committee, the
    # Industrial Zones Authority and Sông Mã reached 100% (en.baosonla.org.vn). The rest is
    # invented.
    for unit in ("ban_dan_toc", "bql_kcn", "song_ma"):
        survey[unit]["sipas_unit"] = "100%"
    return stages


def yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_file(path: Path, plan: Any, facts: dict[str, dict[str, Any]], note: str) -> Path:
    lines = [HEADER + note + f"plan: {plan.id}\nperiod: year\nagencies:"]
    for agency in plan.agencies.values():  # registry order
        if facts.get(agency.id):
            lines.append(f"  {agency.id}:   # {agency.name.vi}")
            lines.extend(f"    {fact}: {yaml_value(value)}"
                         for fact, value in facts[agency.id].items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write() -> list[Path]:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    year = engine.load_facts(plan, ROOT / "examples" / "2023" / "year", period="year")
    written = []
    qd766 = qd766_facts(plan, year)
    files: dict[str, dict[str, dict[str, Any]]] = {}
    for agency in plan.agencies.values():
        if agency.id not in qd766:
            continue
        district = agency.id if agency.kind == "district" else (
            agency.parent if agency.kind == "commune" else None)
        name = f"huyen-{district}.yaml" if district else (
            "so-ban-nganh.yaml" if agency.kind == "department" else "tinh.yaml")
        files.setdefault(name, {})[agency.id] = qd766[agency.id]
    note = "# Số liệu của plans/scorecards/qd766.yaml (Quyết định 766/QĐ-TTg).\n"
    for name, facts in sorted(files.items()):
        written.append(write_file(OUT / "qd766" / name, plan, facts, note))
    notes = {
        "tu-danh-gia": "# Tự đánh giá của các sở, ban, ngành và UBND cấp huyện "
                       "(plans/scorecards/sonla-cchc-2023-illustration.yaml).\n",
        "tham-dinh": "# Kết quả thẩm định, thẩm định lại và điểm thưởng, phạt của Hội đồng "
                     "(plans/scorecards/sonla-cchc-2023-illustration.yaml).\n",
        "dieu-tra-xa-hoi-hoc": "# Kết quả điều tra xã hội học "
                               "(plans/scorecards/sonla-cchc-2023-illustration.yaml).\n",
    }
    for stage, facts in illustration_facts(plan, year).items():
        written.append(write_file(OUT / "chi-so-cchc" / f"{stage}.yaml", plan, facts,
                                  notes[stage]))
    return written


if __name__ == "__main__":
    for path in write():
        print(path.relative_to(ROOT))
