"""The Excel fact sheet an agency fills in: header, rows, validation, protection, the rules sheet,
English labels, and `cchc template --format xlsx` for one agency or the whole mailing."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

import engine
from cli import main
from engine.diagnostics import FactsError
from engine.model import FactDef, Label, Plan
from engine.xlsx_template import FIRST_FACT_ROW, template_workbook, template_workbooks

ROOT = Path(__file__).resolve().parents[2]
PLAN = str(ROOT / "plans" / "2023.yaml")


def sheets(data: bytes) -> list[Worksheet]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [ws for ws in wb.worksheets if isinstance(ws, Worksheet)]


def test_the_header_names_plan_period_window_due_date_and_agency(plan2023: Plan) -> None:
    ws, rules = sheets(template_workbook(plan2023, "q1", "snv"))
    assert (ws.title, rules.title) == ("Số liệu", "Hướng dẫn")
    top = [[ws.cell(r, c).value for c in range(1, 4)] for r in range(1, 7)]
    assert [str(v) if v is not None else None for row in top for v in row] == [
        "MẪU BÁO CÁO SỐ LIỆU: BÁO CÁO QUÝ I/2023", None, None,
        "Kế hoạch", "son-la-cchc-2023",
        "Kế hoạch cải cách hành chính nhà nước tỉnh Sơn La năm 2023",
        "Kỳ báo cáo", "q1", "Báo cáo Quý I/2023",
        "Số liệu từ ngày, đến ngày", "2022-12-15 00:00:00", "2023-03-13 00:00:00",
        "Hạn gửi báo cáo", "2023-03-14 00:00:00", None,
        "Cơ quan báo cáo", "snv", "Sở Nội vụ",
    ]
    assert ws["B4"].number_format == ws["B5"].number_format == "dd/mm/yyyy"
    assert [ws.cell(8, c).value for c in range(1, 6)] == [
        "Mã số liệu", "Nội dung", "Đơn vị tính", "Giá trị", "Cách nhập"]
    assert ws.freeze_panes == f"A{FIRST_FACT_ROW}"


def test_one_row_per_fact_the_agency_reports_in_the_period(plan2023: Plan) -> None:
    ws, _ = sheets(template_workbook(plan2023, "q1", "cong_an"))
    rows = [[ws.cell(r, c).value for c in range(1, 6)]
            for r in range(FIRST_FACT_ROW, ws.max_row + 1)]
    assert rows == [
        ["cchc_plan_issued", "Đã ban hành Kế hoạch CCHC năm 2023 của cơ quan", None, None,
         "Chọn Có hoặc Không trong danh sách."],
        ["cchc_plan_issued_on", "Ngày ban hành Kế hoạch CCHC năm 2023 của cơ quan", None, None,
         "Nhập ngày/tháng/năm, ví dụ 09/01/2023."],
        ["cchc_plan_covers_six_areas", "Nhiệm vụ trong Kế hoạch CCHC bao gồm đầy đủ 06 lĩnh "
         "vực cải cách", None, None, "Chọn Có hoặc Không trong danh sách."],
        ["cchc_plan_objectives_quantified", "Các mục tiêu CCHC trong Kế hoạch cụ thể, khả thi, "
         "có tính định lượng cao", None, None, "Chọn Có hoặc Không trong danh sách."],
        ["cchc_plan_tasks_specified", "Các nhiệm vụ CCHC trong Kế hoạch cụ thể, xác định rõ kết "
         "quả sản phẩm đầu ra, chi tiết thời gian hoàn thành và gắn với trách nhiệm cụ thể của "
         "từng cơ quan, đơn vị", None, None, "Chọn Có hoặc Không trong danh sách."],
        ["portal_cchc_column", "Cổng/Trang thông tin điện tử của cơ quan có chuyên mục, chuyên "
         "trang về CCHC", None, None, "Chọn Có hoặc Không trong danh sách."],
        ["report_submitted_on", "Ngày báo cáo kết quả CCHC của kỳ gửi đến UBND tỉnh (qua Sở Nội "
         "vụ)", None, None, "Nhập ngày/tháng/năm, ví dụ 09/01/2023."],
    ]
    expected = [f.id for f in plan2023.facts.values()
                if "q1" in f.periods and "mai_son" in f.reporters]
    ws, _ = sheets(template_workbook(plan2023, "q1", "mai_son"))
    assert [ws.cell(r, 1).value for r in range(FIRST_FACT_ROW, ws.max_row + 1)] == expected


def test_only_value_cells_can_be_edited(plan: Plan) -> None:
    ws, rules = sheets(template_workbook(plan, "q1", "snv"))
    assert ws.protection.sheet and not ws.protection.password
    assert not ws.protection.formatColumns and not ws.protection.formatRows  # widths can change
    for row in range(1, ws.max_row + 1):
        for col in range(1, 6):
            editable = row >= FIRST_FACT_ROW and col == 4
            assert ws.cell(row, col).protection.locked is not editable, (row, col)
    assert rules.protection.sheet


def test_validation_and_format_by_type(plan: Plan) -> None:
    ws, _ = sheets(template_workbook(plan, "q1", "snv"))
    by_cell = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    facts = {ws.cell(r, 1).value: r for r in range(FIRST_FACT_ROW, ws.max_row + 1)}
    found = {}
    for fact, row in facts.items():
        dv = by_cell[f"D{row}"]
        assert dv.allow_blank and dv.showInputMessage and dv.showErrorMessage
        assert dv.errorStyle == "stop" and dv.prompt and len(dv.prompt) <= 255
        found[fact] = (dv.type, dv.operator, dv.formula1, dv.formula2,
                       ws.cell(row, 4).number_format)
    assert found == {
        "received": ("whole", "greaterThanOrEqual", "0", None, "#,##0"),
        "on_time": ("whole", "greaterThanOrEqual", "0", None, "#,##0"),
        "satisfaction": ("decimal", "between", "0", "1", "0.0#%"),
        "plan_issued": ("list", None, '"Có,Không"', None, "@"),
        "issued_on": ("date", "between", "32874", "109939", "dd/mm/yyyy"),
        "rating": ("list", None, '"Tốt,Khá,Trung bình,Yếu"', None, "@"),
    }
    received = by_cell[f"D{facts['received']}"]
    assert (received.promptTitle, received.prompt) == (
        "Số nguyên ≥ 0", "Nhập số nguyên lớn hơn hoặc bằng 0. Để trống nếu không báo cáo (không "
        "ghi 0). (dossier)")


def test_labels_wrap_in_wide_columns(plan2023: Plan) -> None:
    ws, rules = sheets(template_workbook(plan2023, "q1", "mai_son"))
    assert [ws.column_dimensions[c].width for c in "ABCDE"] == [30, 60, 14, 18, 42]
    labels = {r: str(ws.cell(r, 2).value) for r in range(FIRST_FACT_ROW, ws.max_row + 1)}
    longest = max(labels, key=lambda r: len(labels[r]))
    assert ws.cell(longest, 2).alignment.wrap_text
    lines = -(-len(labels[longest]) // 55)
    assert ws.row_dimensions[longest].height >= 15 * lines
    assert rules["A2"].alignment.wrap_text and rules.column_dimensions["A"].width == 110


def test_the_rules_sheet_says_blank_is_not_zero(plan: Plan) -> None:
    _, rules = sheets(template_workbook(plan, "q1", "snv"))
    text = "\n".join(str(rules.cell(r, 1).value) for r in range(1, rules.max_row + 1))
    assert "Không ghi 0 thay cho ô trống" in text and "09/01/2023" in text and ".xlsx" in text
    _, rules = sheets(template_workbook(plan, "q1", "snv", lang="en"))
    text = "\n".join(str(rules.cell(r, 1).value) for r in range(1, rules.max_row + 1))
    assert "Never write 0 for a fact not reported" in text


def test_english_labels(plan: Plan) -> None:
    ws, rules = sheets(template_workbook(plan, "q1", "snv", lang="en"))
    assert (ws.title, rules.title) == ("Facts", "Rules")
    assert [ws.cell(r, 1).value for r in (2, 3, 5, 6, 8)] == [
        "Plan", "Period", "Due date", "Agency", "Fact id"]
    assert ws["C6"].value == "Department of Home Affairs"
    assert ws["E12"].value == "Choose true or false from the list."


def test_a_list_with_commas_goes_to_a_hidden_sheet(plan: Plan) -> None:
    odd = FactDef("kind", "category", Label("Loại"), "snv", ("snv",), ("q1",),
                  values=("Tốt, vượt", "Đạt"))
    facts = {**plan.facts, "kind": odd}
    other = Plan(**{**{f: getattr(plan, f) for f in plan.__dataclass_fields__},
                    "facts": facts})
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(other, "q1", "snv")))
    lists = wb["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(r, 1).value for r in (1, 2)] == ["Tốt, vượt", "Đạt"]
    ws = wb.worksheets[0]
    [dv] = [d for d in ws.data_validations.dataValidation if d.formula1.startswith("'")]
    assert dv.formula1 == "'Danh mục'!$A$1:$A$2"


def test_the_same_template_is_the_same_bytes(plan: Plan) -> None:
    assert template_workbook(plan, "q1", "snv") == template_workbook(plan, "q1", "snv")


def test_unknown_period_or_agency(plan: Plan) -> None:
    with pytest.raises(FactsError) as info:
        template_workbook(plan, "q5", "snvv")
    assert [d.header() for d in info.value.diagnostics] == [
        "--period: error[E620]: unknown period 'q5'",
        "--agency: error[E630]: unknown agency 'snvv'"]
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        template_workbook(plan, "q1", "snv", lang="fr")  # type: ignore[arg-type]


def test_every_reporting_agency(plan: Plan) -> None:
    books = template_workbooks(plan, "year")
    assert list(books) == ["snv", "stp", "h_a", "x_a1"]
    assert template_workbooks(plan, "q1").keys() == books.keys()


# --- the command line ---------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_one_agencys_workbook(tmp_path: Path, plan2023: Plan) -> None:
    out = tmp_path / "snv.xlsx"
    assert run("template", PLAN, "--period", "q1", "--agency", "snv", "--format", "xlsx",
               "-o", str(out)) == (0, "", "")
    assert out.read_bytes() == template_workbook(plan2023, "q1", "snv")
    code, _, err = run("template", PLAN, "--period", "q1", "--agency", "snv", "--format",
                       "xlsx", "-o", str(out))
    assert code == 2 and "đã tồn tại; dùng --force" in err  # said in the default language
    assert run("template", PLAN, "--period", "q1", "--agency", "snv", "--format", "xlsx",
               "-o", str(out), "--force", "--lang", "en")[0] == 0
    assert out.read_bytes() == template_workbook(plan2023, "q1", "snv", lang="en")


def test_every_agencys_workbook_into_a_folder(tmp_path: Path, plan2023: Plan) -> None:
    folder = tmp_path / "q1"
    code, out, err = run("template", PLAN, "--period", "q1", "--format", "xlsx", "-o",
                         str(folder))
    assert (code, out, err) == (0, "", f"đã ghi 242 sổ làm việc vào {folder}\n")
    assert len(os.listdir(folder)) == 242
    assert (folder / "bac_yen_chieng_sai.xlsx").read_bytes() == \
        template_workbook(plan2023, "q1", "bac_yen_chieng_sai")
    # the blank templates load: nothing is reported yet
    assert engine.load_facts(plan2023, folder, "q1").count == 0
    (folder / "snv.xlsx").write_bytes(b"filled in already")
    code, _, err = run("template", PLAN, "--period", "q1", "--format", "xlsx", "-o",
                       str(folder))
    assert code == 2 and err.endswith("và 239 tệp khác đã tồn tại; dùng --force để ghi đè\n")
    assert (folder / "snv.xlsx").read_bytes() == b"filled in already"


@pytest.mark.parametrize(("args", "message"), [
    (["--agency", "snv"], "an Excel workbook is written to a file: give -o FILE.xlsx with "
                          "--agency, or -o FOLDER for every agency's workbook"),
    (["-o", "all.xlsx"], "'all.xlsx' names a workbook: give --agency for one agency's workbook, "
                         "or a folder for every agency's"),
])
def test_xlsx_needs_a_file_or_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("template", PLAN, "--period", "q1", "--format", "xlsx", "--lang", "en",
                         *args)
    assert code == 2 and out == "" and message in " ".join(err.split())
    assert os.listdir(tmp_path) == []


def test_nothing_is_written_on_an_error(tmp_path: Path) -> None:
    code, _, err = run("template", PLAN, "--period", "q5", "--format", "xlsx", "-o",
                       str(tmp_path / "out"))
    assert code == 2 and "error[E620]" in err
    assert not (tmp_path / "out").exists()


def test_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        code, _, err = run("template", PLAN, "--period", "q1", "--format", "xlsx", "-o",
                           str(folder))
        assert code == 2 and err.startswith("error: cannot write")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)
