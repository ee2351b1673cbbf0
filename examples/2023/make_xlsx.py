"""Write the filled Excel fact sheets of examples/2023/q1-xlsx/ (run from the repository root).

    python examples/2023/make_xlsx.py

A few agencies' q1 sheets, as `cchc template --format xlsx` writes them, filled in with the
figures of examples/2023/q1/*.yaml the way Excel stores what an officer types (numbers as
numbers, shares in percentage cells, dates as dates, Có/Không). The figures are INVENTED, like
those of the YAML examples. examples/2023/generate.py runs this script after writing the YAML,
and a test checks that the committed workbooks are exactly what it writes: edit the script (or
generate.py), not the files.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.xlsx_template import template_workbook  # noqa: E402

OUT = ROOT / "examples" / "2023" / "q1-xlsx"
#: A department, the one-stop centre (a share), the department that left its report date
#: blank, a district, and a commune with a late dossier.
AGENCIES = ("snv", "tt_phvhc", "sgddt", "mai_son", "mai_son_chieng_ban")


def write() -> list[Path]:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    facts = engine.load_facts(plan, ROOT / "examples" / "2023" / "q1")
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for agency in AGENCIES:
        path = OUT / f"{agency}.xlsx"
        path.write_bytes(template_workbook(plan, "q1", agency, values=facts.for_agency(agency)))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write():
        print(p.relative_to(ROOT))
