"""Write the workbooks of the E66x examples of docs/diagnostics.md (from the repository root).

    python -m tests.xlsx.diagnostics

Each is the q1 sheet of Sở Nội vụ (`cchc template plans/2023.yaml --period q1 --agency snv
--format xlsx`) with one mistake, or a file that is no workbook; written the same, byte for byte,
on every run (a test checks the committed files are what this writes).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.xlsx_template import _reproducible, template_workbook  # noqa: E402
from tests.xlsx.books import fill, row_of  # noqa: E402

OUT = ROOT / "tests" / "data" / "facts" / "diagnostics"


def files() -> dict[str, bytes]:
    """Each example's path under :data:`OUT`, and its bytes."""
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    snv = template_workbook(plan, "q1", "snv", values={"dossiers_received": 540,
                                                       "dossiers_on_time": 538})
    # late dossiers are those settled late and those in process past their limit
    late = f"=D{row_of(snv, 'dossiers_settled_late')}+D{row_of(snv, 'dossiers_in_process_overdue')}"
    # a value typed below the table, a few rows under its last fact
    below = f"D{openpyxl.load_workbook(io.BytesIO(snv)).worksheets[0].max_row + 7}"
    plain = openpyxl.Workbook()
    ws = plain.active
    assert ws is not None
    for row in (["STT", "Chỉ tiêu", "Số liệu"], [1, "Số hồ sơ tiếp nhận", 540],
                [2, "Số hồ sơ đúng hạn", 538]):
        ws.append(row)
    buffer = io.BytesIO()
    plain.save(buffer)
    return {
        "e660.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "e661.xlsx": b"agency,fact,value\nsnv,dossiers_received,540\n",
        "e662.xlsx": _reproducible(buffer.getvalue()),
        "e663/stp.xlsx": snv,
        "e664.xlsx": _reproducible(fill(snv, {"late_dossiers": late})),
        "e665.xlsx": _reproducible(fill(snv, cells={below: 12})),
    }


def write() -> list[Path]:
    written = []
    for name, data in files().items():
        path = OUT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write():
        print(p.relative_to(ROOT))
