"""Text from input never becomes a live formula: every writer, every trigger character (OWASP's
CSV injection guidance: = + - @ tab carriage return), and plain numbers left alone."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from s75xl.cli import main
from s75xl.safety.formulas import is_live, neutralise
from s75xl.tables import write_table
from s75xl.xlsx.cells import SheetEditor

from .bad_input_kit import council, edit_csv

HOSTILE = ['=HYPERLINK("http://x.example","click")', "+1+2", "-1+2", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
           "=cmd|' /C calc'!A0"]
SAFE = ["-5", "+3.2", "-1e3", "12%", "Norfolk", "", "a=b"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gets_an_apostrophe_and_stays_readable(text):
    assert neutralise(text) == "'" + text and not is_live(neutralise(text))


@pytest.mark.parametrize("text", SAFE)
def test_plain_numbers_and_ordinary_text_are_left_alone(text):
    assert neutralise(text) == text


def frame() -> pd.DataFrame:
    return pd.DataFrame({"area": HOSTILE + SAFE, "value": range(len(HOSTILE) + len(SAFE))})


def test_csv_writer(tmp_path):
    write_table(frame(), tmp_path / "out.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_bytes().decode(), newline="")))
    areas = [r[0] for r in rows[1:]]
    assert not any(is_live(a) for a in areas)
    assert areas[: len(HOSTILE)] == ["'" + h for h in HOSTILE]


def test_xlsx_writer_writes_text_not_formulas(tmp_path):
    write_table(frame(), tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    cells = [sheet.cell(row=r, column=1) for r in range(2, len(HOSTILE) + 2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value.replace("_x000D_", "\r") for c in cells] == ["'" + h for h in HOSTILE]  # OOXML escapes CR
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_template_writer_writes_inert_inline_text():
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    editor = SheetEditor(sheet)
    for row, text in enumerate(HOSTILE, start=1):
        editor.set(f"A{row}", text)
    xml = editor.to_bytes().decode()
    assert "<f>" not in xml and xml.count("<t xml:space=\"preserve\">'") == len(HOSTILE)


def test_xlwings_book_adapter_writes_inert_text():
    from s75xl.fill.book import apply_to_book
    from s75xl.fill.plan import CellWrite

    written = {}

    class Range:
        def __init__(self, ref):
            self.ref = ref

        @property
        def value(self):
            return written[self.ref]

        @value.setter
        def value(self, v):
            written[self.ref] = v

    class Sheet:
        def range(self, ref):
            return Range(ref)

    class Book:
        sheets = {"S": Sheet()}

    fields = CellWrite.__dataclass_fields__
    writes = [CellWrite(**{"sheet": "S", "ref": f"A{i}", "value": text, **({"rag": None} if "rag" in fields else {})})
              for i, text in enumerate(HOSTILE, start=1)]
    apply_to_book(Book(), writes)
    assert not any(is_live(v) for v in written.values())


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return council(tmp_path_factory.mktemp("council"))


def in_folder(folder: Path, argv: list[str]) -> int:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with redirect_stdout(io.StringIO()) as out:
            code = main(argv)
        return code, out.getvalue()
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_compute_writes_a_hostile_la_code_inert(base, tmp_path, suffix):
    folder = tmp_path / "c"
    import shutil

    shutil.copytree(base, folder)
    edit_csv(folder / "cld.csv", lambda f: f.assign(**{"LA Code": '=HYPERLINK("http://x.example")'}))
    code, _ = in_folder(folder, ["compute", "cld.csv", "--out", "r" + suffix])
    assert code == 0
    if suffix == ".csv":
        back = pd.read_csv(folder / "r.csv", dtype=str)
    else:  # the formatted workbook's headings are words; read_table gives the column names back
        from s75xl.tables import read_table

        back = read_table(folder / "r.xlsx", "results")
    assert set(back["area"].astype(str)) == {"'" + '=HYPERLINK("http://x.example")'}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_assess_writes_hostile_areas_inert(base, tmp_path, suffix):
    folder = tmp_path / "c"
    import shutil

    shutil.copytree(base, folder)
    edit_csv(folder / "results.csv", lambda f: f.assign(area="@SUM(1+1)*cmd|' /C calc'!A0"))
    code, _ = in_folder(folder, ["assess", "results.csv", "--out", "a" + suffix])
    assert code == 0
    back = pd.read_csv(folder / "a.csv", dtype=str) if suffix == ".csv" else pd.read_excel(folder / "a.xlsx", dtype=str)
    assert not any(is_live(v) for v in back.astype(str).stack())


def test_check_report_writes_a_hostile_file_name_inert(base, tmp_path):
    folder = tmp_path / "c"
    import shutil

    shutil.copytree(base, folder)
    edit_csv(folder / "cld.csv", lambda f: f.assign(**{"Event Start Date": "31/02/2024"}))
    (folder / "cld.csv").rename(folder / "=1+1.csv")
    code, _ = in_folder(folder, ["check", "=1+1.csv", "--out", "report.csv"])
    assert code == 0
    back = pd.read_csv(folder / "report.csv", dtype=str)
    assert back["example_rows"].str.startswith("'=1+1.csv row").any()
    assert not any(is_live(v) for v in back.astype(str).stack())


def test_measures_csv_listing_writes_a_hostile_catalogue_name_inert(tmp_path):
    (tmp_path / "mine.csv").write_text(
        "id,name,framework,group,unit,polarity,decimals,frequency,source,numerator,denominator\n"
        'LOCAL-9,"=HYPERLINK(""http://x.example"")",Local,Local,percent,higher,1,monthly,here,people,people\n')
    code, out = in_folder(tmp_path, ["--catalogue", str(tmp_path / "mine.csv"), "measures", "--framework", "Local", "--format", "csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows if r["id"] == "LOCAL-9"] == ["'=HYPERLINK(\"http://x.example\")"]


def all_strings(path: Path) -> list[str]:
    """Every text cell of a workbook, as openpyxl reads it (a live formula reads as '=...')."""
    book = load_workbook(path)
    return [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_budget_refresh_writes_hostile_ledger_text_inert(tmp_path):
    import shutil

    from s75xl.finance.demo import CSV_FOLDER
    from s75xl.resources import shipped_path

    shutil.copytree(CSV_FOLDER, tmp_path / "ledger")
    shutil.copy(shipped_path("templates", "budget_monitor.xlsx"), tmp_path / "monitor.xlsx")
    budget = pd.read_csv(tmp_path / "ledger" / "budget.csv", dtype=str, keep_default_na=False)
    budget.loc[0, "service"] = HOSTILE[0]
    budget.loc[1, "service"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    budget.to_csv(tmp_path / "ledger" / "budget.csv", index=False)
    code, _ = in_folder(tmp_path, ["budget", "refresh", "monitor.xlsx", "--ledger", "ledger", "--period", "2017-03",
                                   "--out", "march.xlsx"])
    assert code == 0
    text = all_strings(tmp_path / "march.xlsx")
    assert "'" + HOSTILE[0] in text and "'@SUM(1+1)*cmd|' /C calc'!A0" in text
    with zipfile.ZipFile(tmp_path / "march.xlsx") as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>HYPERLINK" in s or "<f>SUM(1+1)" in s for s in sheets)


def test_the_pack_writes_hostile_areas_and_commentary_inert(base, tmp_path):
    import shutil

    folder = tmp_path / "c"
    shutil.copytree(base, folder)
    edit_csv(folder / "results.csv", lambda f: f.assign(area="-2+3+cmd|' /C calc'!A0"))
    (folder / "com.csv").write_text('measure,why\nNFK-VS-01,"=HYPERLINK(""http://x.example"")"\n')
    code, _ = in_folder(folder, ["pack", "--results", "results.csv", "--commentary", "com.csv", "--cards", "all",
                                 "--no-pdf", "-q", "--out", "pk"])
    assert code == 0
    (made,) = (folder / "pk").glob("pack_*.xlsx")
    text = all_strings(made)
    assert any(t.startswith("'-2+3+cmd") for t in text)
    assert not any(is_live(t) for t in text)
