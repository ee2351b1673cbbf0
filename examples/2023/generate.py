"""Write the illustrative fact files of examples/2023/ (run from the repository root).

    python examples/2023/generate.py

The numbers are INVENTED for demonstration and testing: believable magnitudes for Sơn La, not
reported data. The mix is chosen on purpose: most targets met, several not met, a few unknown
because an agency did not report a fact, and some not applicable (nothing to measure, or facts
that are only reported in the annual report). A test checks that the committed files are
exactly what this script writes, so edit the script, not the files.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402

OUT = ROOT / "examples" / "2023"
HEADER = (
    "# Ví dụ minh họa: số liệu GIẢ ĐỊNH, không phải số liệu báo cáo thật.\n"
    "# Illustrative example: INVENTED figures, not reported data.\n"
    "# Written by examples/2023/generate.py; edit the script, not this file.\n"
)


def scenario(period: str) -> dict[str, dict[str, Any]]:
    """Facts per agency for one period."""
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    rng = random.Random(f"son-la-2023-{period}")
    year = period == "year"
    scale = 4 if year else 1
    facts: dict[str, dict[str, Any]] = {a: {} for a in plan.agencies}

    def put(agency: str, **values: Any) -> None:
        facts[agency].update(values)

    # Province-level figures held by the lead agencies.
    put("stp", central_docs_to_implement=12 * scale, central_docs_implemented=12 * scale,
        provincial_docs_to_review=30 * scale,
        provincial_docs_reviewed=28 * scale if not year else 30 * scale,
        violating_docs_found=0, violating_docs_handled=0,
        reviewed_docs_to_handle=5 * scale, reviewed_docs_handled=5 * scale,
        anticorruption_docs=8 * scale, anticorruption_docs_disseminated=8 * scale)
    put("vp_ubnd", procedures_changed=46 * scale, procedures_changed_published=46 * scale,
        interconnected_procedures_required=2 if not year else 7,
        interconnected_procedures_published=2 if not year else 7,
        procedures_in_force=1712, procedures_publicized=1712,
        procedures_selected_for_cut=14 if not year else 31,
        procedures_cut_at_least_25=14 if not year else 30,
        feedback_received=14 * scale, feedback_handled=14 * scale,
        service_quality_results_published=True)
    put("stttt", press_cchc_columns=True)
    put("snv", training_plan_courses=40, training_plan_courses_done=9 if not year else 40,
        units_under_province=46, units_inspected=5 if not year else 15)
    put("tt_phvhc", admin_satisfaction_rate="93.5%" if not year else "94.1%")
    put("stc", finance_recommendations=25 * scale,
        finance_recommendations_handled=21 * scale if not year else 87,
        properties_to_rearrange=120, properties_plan_approved=31 if not year else 97,
        oversight_responses=6 * scale, oversight_responses_published=6 * scale)
    put("skhdt", investment_plan_capital=5215300,
        investment_disbursed=730142 if not year else 4485158)
    put("stttt", procedures_eligible_full_online=1046, procedures_full_online=1046,
        online_services=1046, online_services_redesigned=812 if not year else 1046,
        online_services_integrated=1046)
    if year:
        put("snv", sipas_index="87.2%", sipas_top_group=True, par_index_group="B",
            papi_score="43.1",
            papi_score_2022="42.6", public_units_count=612, public_units_count_2022=634,
            public_paid_staff=23114, public_paid_staff_2022=23870)
        # PCI 2023 is published in 2024: Sở Kế hoạch và Đầu tư cannot report it yet.
        put("skhdt", pci_score_2022="65.8", new_enterprises=436, new_enterprises_2022=401,
            enterprises_closed_rate="17.8%", enterprises_closed_rate_2022="19.2%")
        put("stc", bopi_score="51", bopi_score_2022="46", domestic_revenue=5316000,
            domestic_revenue_2022_estimate=4870000, partly_self_financed_units=163,
            partly_self_financed_units_cut=163, partly_self_financed_units_staff_cut=161,
            state_funded_units=418, state_funded_units_cut=418)
        put("stttt", dti_score="0.43", dti_score_2022="0.41",
            digital_transformation_page_built=True, digital_transformation_articles=187,
            digital_transformation_articles_2022=142)
        put("syt", service_satisfaction_rate="86.4%")
        put("sgddt", service_satisfaction_rate="88.9%")

    for a in plan.agencies.values():
        kind = a.kind
        f = facts[a.id]
        if kind in ("department", "district", "commune"):
            base = {"department": (200, 3000), "district": (500, 2000), "commune": (20, 300)}
            received = rng.randint(*base[kind]) * scale
            late = rng.choice([0, 0, 0, 1, 1, 2]) * scale
            if a.id in ("song_ma", "muong_la"):      # two districts drag the rate down
                late = received // 40
            transferred = received // 3
            # The dossier table: carried over + new = early + on time + late + in process
            # (within the limit or overdue); a few dossiers are still in process at the cut-off.
            carried = received // 20
            within = received // 25
            overdue = late // 2
            early = (received - late - within) * 3 // 5
            f.update(dossiers_received=received, dossiers_carried_over=carried,
                     dossiers_received_new=received - carried, dossiers_settled_early=early,
                     dossiers_on_time=received - late - within - early,
                     dossiers_settled_late=late - overdue,
                     dossiers_in_process_within_limit=within,
                     dossiers_in_process_overdue=overdue,
                     dossiers_tracked_online=received - carried,
                     dossiers_synced_national=received - carried, late_dossiers=late,
                     late_dossiers_apologised=late, dossiers_transferred=transferred,
                     dossiers_transferred_electronically=transferred * 9 // 10)
            docs = rng.randint(60, 400) * scale
            f.update(budget_disclosed=True, outgoing_docs=docs,
                     outgoing_docs_e_signed=docs - (rng.randint(0, 3) if kind == "commune"
                                                    else 0),
                     four_level_connected=True)
            if year:
                staff = rng.randint(15, 25) if kind == "commune" else rng.randint(30, 150)
                f.update(officials_rated=staff, officials_rated_good=staff - staff // 12,
                         officials_rated_excellent=staff // 5)
        if kind == "commune":
            f.update(commune_budget_disclosed=True)
            if year:
                n = rng.randint(15, 25)
                f.update(commune_officials=n, commune_officials_qualified=n - rng.choice(
                    [0, 0, 0, 1]))
        if kind in ("department", "district"):
            recruiting = rng.choice([0, 1, 2]) * (2 if year else 1)
            appointed = rng.randint(1, 6) * scale
            units = rng.randint(1, 12)
            f.update(units_recruiting=recruiting, units_recruiting_compliant=recruiting,
                     staff_appointed=appointed, staff_appointed_compliant=appointed,
                     budget_units=units, budget_units_disclosed=units)
            if year:
                orgs = rng.randint(3, 12)
                quota = rng.randint(2, 3)
                employees = rng.randint(40, 900)
                f.update(structured_orgs=orgs, structured_orgs_compliant=orgs,
                         deputy_count=quota, deputy_quota=quota,
                         job_position_structure_in_place=True, employees_rated=employees,
                         employees_rated_good=employees - employees // 15,
                         employees_rated_excellent=employees // 6)
        if kind == "department" and year:
            d = rng.randint(4, 9)
            f.update(divisions=d, divisions_leadership_within_norm=d)
        if kind in ("department", "sector_agency", "district"):
            f.update(cchc_plan_issued=True,
                     cchc_plan_issued_on=dt.date(2023, 1, rng.randint(3, 10)),
                     cchc_plan_covers_six_areas=True, cchc_plan_objectives_quantified=True,
                     cchc_plan_tasks_specified=True, portal_cchc_column=True,
                     report_submitted_on=(dt.date(2023, 3, rng.randint(6, 13)) if not year
                                          else dt.date(2023, 12, rng.randint(5, 13))))

    # What makes the picture believable: a few things go wrong.
    facts["sldtbxh"]["cchc_plan_issued_on"] = dt.date(2023, 1, 16)     # issued late
    facts["sop_cop_sop_cop"]["four_level_connected"] = False            # not yet connected
    facts["van_ho_chieng_yen"]["commune_budget_disclosed"] = False
    if not year:
        del facts["sgddt"]["report_submitted_on"]                       # report not arrived: late
        for off in ("outgoing_docs", "outgoing_docs_e_signed"):
            del facts["quynh_nhai_muong_gion"][off]                     # e-office figures missing
        facts["mai_son_chieng_ban"]["late_dossiers_apologised"] = max(
            0, facts["mai_son_chieng_ban"]["late_dossiers"] - 1)
        facts["mai_son_chieng_ban"]["late_dossiers"] += 1
        facts["mai_son_chieng_ban"]["dossiers_settled_late"] += 1
        facts["mai_son_chieng_ban"]["dossiers_on_time"] -= 1
    else:
        for off in ("officials_rated", "officials_rated_good", "officials_rated_excellent"):
            del facts["moc_chau"][off]                                  # ratings not sent
        facts["bac_yen"]["deputy_count"] = facts["bac_yen"]["deputy_quota"] + 1
    # Only facts the plan asks of each agency in this period.
    for agency, values in facts.items():
        for fact in list(values):
            fdef = plan.facts[fact]
            if agency not in fdef.reporters or period not in fdef.periods:
                del values[fact]
    return facts


def yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and not value.endswith("%"):
        return f'"{value}"' if not value.replace(".", "").isdigit() else value
    return str(value)


def write(period: str) -> list[Path]:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    facts = scenario(period)
    folder = OUT / period
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = {}
    for agency in plan.agencies.values():
        if not facts[agency.id]:
            continue
        district = agency.id if agency.kind == "district" else (
            agency.parent if agency.kind == "commune" else None)
        name = f"huyen-{district}.yaml" if district else "so-ban-nganh.yaml"
        lines = files.setdefault(name, [])
        lines.append(f"  {agency.id}:   # {agency.name.vi}")
        for fact, value in facts[agency.id].items():
            lines.append(f"    {fact}: {yaml_value(value)}")
    written = []
    for name, lines in sorted(files.items()):
        path = folder / name
        text = HEADER + f"plan: {plan.id}\nperiod: {period}\nagencies:\n" + "\n".join(lines) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in ("q1", "year"):
        for path in write(p):
            print(path.relative_to(ROOT))
    import make_xlsx  # the filled Excel sheets of q1-xlsx/, from the q1 files just written

    for path in make_xlsx.write():
        print(path.relative_to(ROOT))
    import runpy  # the scoring facts of scoring/, which build on the year's facts just written

    runpy.run_path(str(OUT / "scoring" / "generate.py"), run_name="__main__")
