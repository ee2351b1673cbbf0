"""Workbooks with each kind of mistake: every problem is reported with its code at the exact
cell, ``FILE:SHEET!CELL``, the same codes as for YAML, JSON and CSV fact files.

The small test plan's sheet of ``snv`` for q1 has its facts on rows 9 to 14 (received,
on_time, satisfaction, plan_issued, issued_on, rating), values in column D; the header names
the plan in B2, the period in B3 and the agency in B6.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import engine
from cli import main
from engine.diagnostics import Diagnostic, FactsError
from engine.model import Plan
from engine.xlsx_template import template_workbook
from tests.xlsx.books import SHEET, fill, patch, save_formula_value

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files are named relative to the working directory


@pytest.fixture(scope="module")
def blank(plan: Plan) -> bytes:
    return template_workbook(plan, "q1", "snv")


def book(blank: bytes, values: Mapping[str, object] = {},
         cells: Mapping[str, object] = {}, name: str = "snv.xlsx") -> Path:
    path = Path(name)
    path.write_bytes(fill(blank, values, cells))
    return path


def errors(plan: Plan, *paths: Path | str, period: str | None = None) -> list[Diagnostic]:
    with pytest.raises(FactsError) as info:
        engine.load_facts(plan, list(paths), period)
    return list(info.value.diagnostics)


def headers(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.header() for d in diagnostics]


# --- values, by type ------------------------------------------------------------------------


def test_a_bad_value_is_located_at_its_cell_with_the_row_shown(plan: Plan, blank: bytes
                                                               ) -> None:
    [d] = errors(plan, book(blank, {"received": -2}))
    assert d.render() == (
        "snv.xlsx:Số liệu!D9: error[E643]: a count cannot be negative: '-2' for 'received'\n"
        "  |\n"
        "9 | received | Số hồ sơ tiếp nhận | dossier | -2 | Nhập số nguyên lớn hơn hoặc bằng 0.\n"
        "  |                                           ^^\n"
        "  = help: write 0 or a positive whole number")
    assert d.location == ("snv.xlsx", 9, 4, 9, 5)
    assert d.to_dict() | {"message": "", "help": ""} == {
        "code": "E643", "severity": "error", "message": "", "file": "snv.xlsx", "line": 9,
        "col": 4, "end_line": 9, "end_col": 5, "help": "", "notes": [], "sheet": "Số liệu",
        "cell": "D9"}


def test_every_kind_of_bad_value(plan: Plan, blank: bytes) -> None:
    path = book(blank, {"received": "1.200", "on_time": 12.5, "satisfaction": 1.05,
                        "plan_issued": "yes", "issued_on": "31/02/2023", "rating": "tốt"})
    diagnostics = errors(plan, path)
    assert headers(diagnostics) == [
        "snv.xlsx:Số liệu!D9: error[E641]: '1.200' is ambiguous: the dot looks like a "
        "thousands separator",
        "snv.xlsx:Số liệu!D10: error[E643]: a count is a whole number: '12.5' for 'on_time'",
        "snv.xlsx:Số liệu!D11: error[E644]: a share cannot be above 100%: '105%' for "
        "'satisfaction'",
        "snv.xlsx:Số liệu!D12: error[E646]: expected true or false for 'plan_issued', found "
        "'yes'",
        "snv.xlsx:Số liệu!D13: error[E648]: '31/02/2023' is not a date: February 2023 has 28 "
        "days",
        "snv.xlsx:Số liệu!D14: error[E649]: 'tốt' is not an allowed value of 'rating' (Tốt, "
        "Khá, Trung bình, Yếu)",
    ]
    # text typed into a number cell gets the help of a CSV file, and says it is text
    assert diagnostics[0].notes == (
        "Excel keeps this cell as text, not as a number (it was typed after an apostrophe, "
        "pasted, or typed into a cell formatted as text), so it is read as written",)
    assert diagnostics[0].help == ("write 1200 if the dot separates thousands, or 1.2 if it is "
                                   "a decimal point (no thousands separators; the decimal "
                                   "separator is a dot)")
    assert diagnostics[5].help == "did you mean 'Tốt'? (categories are case-sensitive)"


def test_decimal_commas_and_time_of_day(plan: Plan, blank: bytes) -> None:
    path = book(blank, {"satisfaction": "95,5%", "issued_on": dt.datetime(2023, 1, 9, 14, 30)})
    assert headers(errors(plan, path)) == [
        "snv.xlsx:Số liệu!D11: error[E642]: '95,5%' is written with a decimal comma",
        "snv.xlsx:Số liệu!D13: error[E647]: '2023-01-09 14:30:00' has a time of day; "
        "'issued_on' is a date",
    ]


def test_a_share_in_a_cell_not_formatted_as_a_percentage(plan: Plan, blank: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    cell = wb.worksheets[0]["D11"]
    cell.value, cell.number_format = 95, "General"
    wb.save("snv.xlsx")
    [d] = errors(plan, "snv.xlsx")
    assert d.header() == ("snv.xlsx:Số liệu!D11: error[E645]: '95' is not a share: a bare "
                          "number must be between 0 and 1")
    assert d.help == "write 95% or 0.95"


def test_a_number_with_three_decimals_is_no_thousands_separator(plan: Plan, blank: bytes
                                                                ) -> None:
    facts = engine.load_facts(plan, book(blank, {"satisfaction": 0.12345}))
    assert str(facts.get("snv", "satisfaction")) == "2469/20000"  # 12.345%


def test_a_part_above_its_whole_names_both_cells(plan2023: Plan) -> None:
    values = {"dossiers_received": 10, "dossiers_on_time": 12}
    Path("snv.xlsx").write_bytes(template_workbook(plan2023, "q1", "snv", values=values))
    [d] = errors(plan2023, "snv.xlsx")
    assert d.header() == ("snv.xlsx:Số liệu!D15: error[E650]: 'dossiers_on_time' of 'snv' is "
                          "12, more than 'dossiers_received' (10), which it is a part of")
    assert d.notes == ("'dossiers_received' of 'snv' is reported at snv.xlsx:Số liệu!D11: 10",)


# --- ids: the catalogue, the header -----------------------------------------------------------


def test_unknown_fact_id_at_its_cell(plan: Plan, blank: bytes) -> None:
    [d] = errors(plan, book(blank, {"received": 5}, {"A9": "recieved"}))
    assert d.header() == "snv.xlsx:Số liệu!A9: error[E631]: unknown fact 'recieved'"
    assert d.help == "did you mean 'received'?"


def test_the_header_names_another_plan_period_or_agency(plan: Plan, blank: bytes) -> None:
    assert headers(errors(plan, book(blank, cells={"B2": "test-plan-2022"}))) == [
        "snv.xlsx:Số liệu!B2: error[E613]: this file is for plan 'test-plan-2022', not "
        "'test-plan'"]
    assert headers(errors(plan, book(blank, cells={"B3": "year"}), period="q1")) == [
        "snv.xlsx:Số liệu!B3: error[E622]: this file is for period 'year', but the period "
        "given is 'q1'"]
    assert headers(errors(plan, book(blank, cells={"B3": "quy1"}))) == [
        "snv.xlsx:Số liệu!B3: error[E620]: unknown period 'quy1'"]
    [d] = errors(plan, book(blank, cells={"B3": None}))
    assert (d.code, d.location[:3]) == ("E621", ("snv.xlsx", 1, 1))
    assert d.help == ("add a 'Kỳ báo cáo' row with the period id in column B, or give the "
                      "period (--period)")
    [d] = errors(plan, book(blank, cells={"B6": "Sở Nội vụ"}, name="report.xlsx"))
    assert d.header() == "report.xlsx:Số liệu!B6: error[E630]: unknown agency 'Sở Nội vụ'"
    assert d.help == "write the agency id 'snv' (Sở Nội vụ)"


def test_two_workbooks_disagree_on_the_period(plan: Plan, blank: bytes) -> None:
    book(blank, {"received": 1}, {"B3": "year"}, name="a.xlsx")
    book(blank, name="snv.xlsx")
    [d] = errors(plan, "a.xlsx", "snv.xlsx")
    assert d.header() == ("snv.xlsx:Số liệu!B3: error[E622]: the files disagree on the period: "
                          "'q1' here, 'year' at a.xlsx:Số liệu!B3")


def test_another_agencys_sheet_under_this_agencys_name(plan: Plan, blank: bytes) -> None:
    [d] = errors(plan, book(blank, {"received": 3}, name="stp.xlsx"))
    assert d.header() == ("stp.xlsx:Số liệu!B6: error[E663]: this sheet is for agency 'snv' "
                          "(Sở Nội vụ), but the file is named for 'stp' (Sở Tư pháp)")
    assert d.help == ("check that the sheet is the one of 'stp': each agency fills in its own "
                      "(cchc template --agency stp --format xlsx); if the sheet is right, rename "
                      "the file snv.xlsx")
    # a file named otherwise is not compared
    assert engine.load_facts(plan, book(blank, {"received": 3}, name="Báo cáo quý 1.xlsx")
                             ).get("snv", "received") == 3


def test_a_sheet_changed_to_another_agency_is_checked_as_that_agency(plan: Plan, blank: bytes
                                                                     ) -> None:
    path = book(blank, {"satisfaction": 0.9, "rating": "Tốt"}, {"B6": "x_a1"}, name="x.xlsx")
    assert headers(errors(plan, path)) == [
        "x.xlsx:Số liệu!A11: error[E632]: 'x_a1' does not report 'satisfaction'",
        "x.xlsx:Số liệu!A14: error[E632]: 'x_a1' does not report 'rating'",
    ]


def test_a_fact_reported_in_two_workbooks(plan: Plan, blank: bytes) -> None:
    book(blank, {"received": 5}, name="snv.xlsx")
    book(blank, {"received": 6}, name="snv (2).xlsx")
    [d] = errors(plan, "snv.xlsx", "snv (2).xlsx")
    assert d.header() == ("snv.xlsx:Số liệu!D9: error[E634]: 'received' of 'snv' is reported "
                          "twice: here and at snv (2).xlsx:Số liệu!D9")


# --- the layout -------------------------------------------------------------------------------


def test_a_workbook_that_is_no_fact_sheet(plan: Plan) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["B1"] = "Tên", "Số hồ sơ"
    wb.save("bang.xlsx")
    [d] = errors(plan, "bang.xlsx")
    assert d.header() == ("bang.xlsx: error[E662]: the sheet 'Sheet' is not a fact sheet: no row "
                          "starts with 'Mã số liệu' ('Fact id') above the facts")
    assert d.help == ("start from the fact sheet `cchc template PLAN --period P --agency A "
                      "--format xlsx` writes")


def test_a_broken_layout(plan: Plan, blank: bytes) -> None:
    assert headers(errors(plan, book(blank, cells={"D8": "Số"}))) == [
        "snv.xlsx:Số liệu!A8: error[E662]: the table of facts has no 'Giá trị' ('Value') column"]
    assert headers(errors(plan, book(blank, cells={"A2": "Tên"}))) == [
        "snv.xlsx:Số liệu!A8: error[E662]: the sheet has no 'Kế hoạch' ('Plan') row above the "
        "facts"]
    assert headers(errors(plan, book(blank, cells={"B6": None}))) == [
        "snv.xlsx:Số liệu!B6: error[E662]: the agency id is empty"]
    [d] = errors(plan, book(blank, {"received": 4}, {"D30": 7}))
    assert d.header() == "snv.xlsx:Số liệu!D30: error[E665]: this row has a value but no fact id"


def test_english_sheets_are_read_too(plan: Plan) -> None:
    path = Path("snv.xlsx")
    path.write_bytes(fill(template_workbook(plan, "q1", "snv", lang="en"), {"received": 4}))
    assert engine.load_facts(plan, path).get("snv", "received") == 4
    path.write_bytes(fill(template_workbook(plan, "q1", "snv", lang="en"), {"received": -1}))
    [d] = errors(plan, path)
    assert d.header().startswith("snv.xlsx:Facts!D9: error[E643]")


# --- formulas -----------------------------------------------------------------------------------


def test_a_formula_is_read_by_its_saved_value(plan: Plan, blank: bytes) -> None:
    data = fill(blank, {"received": "=40+2"})
    Path("snv.xlsx").write_bytes(save_formula_value(data, "40+2", "42"))
    assert engine.load_facts(plan, "snv.xlsx").get("snv", "received") == 42


def test_a_formula_without_a_saved_value_or_with_an_error(plan: Plan, blank: bytes) -> None:
    diagnostics = errors(plan, book(blank, {"received": "=SUM(E1:E3)", "on_time": "#DIV/0!"},
                                    {"B6": "=LOWER(\"SNV\")"}))
    assert headers(diagnostics) == [
        "snv.xlsx:Số liệu!B6: error[E664]: the formula '=LOWER(\"SNV\")' has no value saved in "
        "the workbook: the file was written by a program and never opened in Excel",
        "snv.xlsx:Số liệu!D9: error[E664]: the formula '=SUM(E1:E3)' has no value saved in the "
        "workbook: the file was written by a program and never opened in Excel",
        "snv.xlsx:Số liệu!D10: error[E664]: the cell holds the Excel error #DIV/0!",
    ]
    assert diagnostics[0].help == (
        "open the workbook in Excel (or LibreOffice Calc) and save it, so that the formula's "
        "value is saved with it; or type the value instead of the formula")


# --- files that are not workbooks ---------------------------------------------------------------


def _zip(parts: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "code", "message", "help"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "E660",
     "this is an Excel 97-2003 workbook (.xls), which is not read",
     "open it in Excel (or LibreOffice Calc) and save it as 'Excel Workbook (*.xlsx)' (File > "
     "Save As)"),
    ("calc.ods", b"PK...", "E660", "this is an OpenDocument spreadsheet (.ods), which is not read",
     "open it in Excel (or LibreOffice Calc) and save it as 'Excel Workbook (*.xlsx)' (File > "
     "Save As)"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "E660",
     "this is an Excel 97-2003 workbook (.xls), or a workbook protected by a password, which "
     "is not read", "open it in Excel (or LibreOffice Calc) and save it as 'Excel Workbook "
     "(*.xlsx)' (File > Save As), without a password"),
    ("renamed.xlsx", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
     "E660", "this is an OpenDocument spreadsheet (.ods), which is not read",
     "open it in Excel (or LibreOffice Calc) and save it as 'Excel Workbook (*.xlsx)' (File > "
     "Save As)"),
    ("binary.xlsx", _zip({"xl/workbook.bin": b"\0"}), "E660",
     "this is an Excel binary workbook (.xlsb), which is not read",
     "open it in Excel (or LibreOffice Calc) and save it as 'Excel Workbook (*.xlsx)' (File > "
     "Save As)"),
    ("empty.xlsx", b"", "E661", "cannot read the workbook: the file is empty",
     "check that the file is an Excel workbook (.xlsx) and that it opens in Excel"),
    ("~$snv.xlsx", b"\x05Lan   " + b"\0" * 150, "E661",
     "cannot read the workbook: it is not an Excel workbook (.xlsx)",
     "'~$snv.xlsx' is the lock file Excel keeps while 'snv.xlsx' is open: close the workbook "
     "in Excel, or leave this file out"),
    ("cut.xlsx", b"PK\x03\x04" + b"\0" * 40, "E661",
     "cannot read the workbook: the file is damaged (File is not a zip file)",
     "open it in Excel: if Excel can repair it, save it again as .xlsx"),
    ("nobook.xlsx", _zip({"_rels/.rels": b"<Relationships/>"}), "E661",
     "cannot read the workbook: the part 'xl/workbook.xml' is missing",
     "open it in Excel: if Excel can repair it, save it again as .xlsx"),
])
def test_files_that_are_not_xlsx_workbooks(plan: Plan, name: str, data: bytes, code: str,
                                           message: str, help: str) -> None:
    Path(name).write_bytes(data)
    [d] = errors(plan, name)
    assert (d.code, d.location, d.message, d.help) == (code, (name, 0, 0, 0, 0), message, help)


def test_old_spreadsheets_in_a_folder_are_refused_never_passed_over(plan: Plan, blank: bytes
                                                                    ) -> None:
    Path("facts").mkdir()
    Path("facts/snv.xlsx").write_bytes(fill(blank, {"received": 1}))
    Path("facts/stp.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    Path("facts/h_a.ods").write_bytes(b"PK")
    assert [(d.code, d.location[0]) for d in errors(plan, "facts")] == [
        ("E660", "facts/h_a.ods"), ("E660", "facts/stp.xls")]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(plan: Plan, blank: bytes) -> None:
    from engine.xlsxsrc import MAX_UNPACKED_BYTES

    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/sharedStrings.xml"] = b" " * (MAX_UNPACKED_BYTES + 1)
    Path("bomb.xlsx").write_bytes(_zip(parts))
    assert Path("bomb.xlsx").stat().st_size < 100_000
    [d] = errors(plan, "bomb.xlsx")
    assert d.code == "E661" and d.message.startswith("the workbook unpacks to ")
    assert d.message.endswith("bytes, more than the limit of 16 777 216")


def test_entities_are_refused(plan: Plan, blank: bytes) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    data = patch(blank, SHEET, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 if b"standalone" in _part(blank, SHEET) else b"<worksheet", laughs +
                 b"<worksheet" if b"standalone" not in _part(blank, SHEET) else laughs)
    Path("lol.xlsx").write_bytes(data)
    [d] = errors(plan, "lol.xlsx")
    assert (d.code, d.message) == (
        "E661", "cannot read the workbook: the part 'xl/worksheets/sheet1.xml' declares XML "
        "entities")


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def test_too_many_rows(plan: Plan, blank: bytes) -> None:
    data = patch(blank, SHEET, b"</sheetData>",
                 b'<row r="10001"><c r="A10001" t="inlineStr"><is><t>x</t></is></c></row>'
                 b"</sheetData>")
    Path("long.xlsx").write_bytes(data)
    [d] = errors(plan, "long.xlsx")
    assert (d.code, d.message) == ("E661", "the sheet 'Số liệu' has more than 10 000 rows")


# --- the command line ---------------------------------------------------------------------------


def test_json_diagnostics_name_the_sheet_and_the_cell(plan2023: Plan) -> None:
    data = template_workbook(plan2023, "q1", "snv", values={"dossiers_received": 5})
    Path("snv.xlsx").write_bytes(fill(data, {"late_dossiers": -3}))
    result = CliRunner().invoke(main, ["evaluate", str(ROOT / "plans" / "2023.yaml"),
                                       "snv.xlsx", "--period", "q1", "--format", "json"])
    assert result.exit_code == 2
    [d] = json.loads(result.stdout)["diagnostics"]
    assert {k: d[k] for k in ("code", "file", "sheet", "cell", "line", "col")} == {
        "code": "E643", "file": "snv.xlsx", "sheet": "Số liệu", "cell": "D23", "line": 23,
        "col": 4}


def test_explain_names_the_cell_of_each_input(plan2023: Plan) -> None:
    # procedures.on_time counts as QĐ 766 does: settled early + on time + in process within
    # the limit, of the dossiers handled; (100 + 19 + 0) / 120 = 99.17%
    values = {"dossiers_received": 120, "dossiers_settled_early": 100, "dossiers_on_time": 19,
              "dossiers_in_process_within_limit": 0}
    Path("snv.xlsx").write_bytes(template_workbook(plan2023, "q1", "snv", values=values))
    result = CliRunner().invoke(main, ["explain", str(ROOT / "plans" / "2023.yaml"), "snv.xlsx",
                                       "procedures.on_time", "--period", "q1", "--agency", "snv"])
    assert result.exit_code == 0, result.output
    assert ("    Sở Nội vụ:\n"
            "      dossiers_in_process_within_limit = 0   (snv.xlsx:Số liệu!D17)\n"
            "      dossiers_on_time = 19   (snv.xlsx:Số liệu!D15)\n"
            "      dossiers_received = 120   (snv.xlsx:Số liệu!D11)\n"
            "      dossiers_settled_early = 100   (snv.xlsx:Số liệu!D14)\n"
            "  theo đơn vị:\n"
            "    Sở Nội vụ: 99,17% -> Đạt\n") in result.stdout  # Vietnamese, names
