"""The workbooks s75xl creates (results, assessed, data-quality report): formatted tables that
read back unchanged, and that LibreOffice opens and prints with no ### and with the words."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from s75xl.cli import main
from s75xl.tables import read_table

from .libreoffice import convert, soffice

DATA = Path(__file__).resolve().parent.parent / "s75xl" / "data"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """results.xlsx (compute), assessed.xlsx (assess, Norfolk's dashboard) and check.xlsx (check)."""
    folder = tmp_path_factory.mktemp("workbooks")
    assert main(["demo-data", "--people", "400", "--seed", "5", "--out", str(folder / "d"), "-q"]) == 0
    d = folder / "d"
    assert main(["compute", str(d / "cld.csv"), "--period", "2024-25", "--population", str(d / "population.csv"),
                 "--mha", str(d / "mha_log.csv"), "--cpa", str(d / "cpa_extract.csv"),
                 "--out", str(folder / "results.xlsx"), "-q"]) == 0
    assert main(["assess", str(DATA / "norfolk_results_2016_17.csv"), "--targets", str(DATA / "norfolk_targets_2016_17.csv"),
                 "--out", str(folder / "assessed.xlsx"), "-q"]) == 0
    assert main(["check", str(d / "cld.csv"), "--out", str(folder / "check.xlsx"), "-q"]) == 0
    return {name: folder / f"{name}.xlsx" for name in ("results", "assessed", "check")}


def test_sheets_are_named_with_a_notes_sheet_and_frozen_header(workbooks):
    for name, sheet in (("results", "Results"), ("assessed", "Assessed"), ("check", "Data quality")):
        book = load_workbook(workbooks[name])
        assert book.sheetnames == [sheet, "Notes"]
        ws = book[sheet]
        assert ws.freeze_panes is not None and ws.freeze_panes.startswith(("B2", "C2", "D2"))
        assert ws["A1"].font.b and ws.auto_filter.ref
        assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDE")
        notes = [c.value for c in book["Notes"]["A"] if c.value]
        assert "What was run on what" in notes and "produced by" in notes


def test_assessed_formats_follow_each_measure_and_show_words_beside_codes(workbooks):
    ws = load_workbook(workbooks["assessed"])["Assessed"]
    heads = {c.value: c.column_letter for c in ws[1]}
    rows = {(ws[f"{heads['Measure']}{r}"].value, ws[f"{heads['Period start']}{r}"].value.strftime("%Y-%m")): r
            for r in range(2, ws.max_row + 1)}
    r = rows[("NFK-VS-01", "2017-03")]  # a percentage, 1 place, as published (88.6)
    value = ws[f"{heads['Value']}{r}"]
    assert value.number_format == '0.0"%"' and value.value == 88.6
    assert ws[f"{heads['Period start']}{r}"].number_format == "dd mmm yyyy"
    r = rows[("NFK-VS-03", "2017-03")]  # per 100,000, 0 places, Red
    assert ws[f"{heads['Value']}{r}"].number_format == "#,##0"
    rag = ws[f"{heads['RAG']}{r}"]
    assert rag.value == "Red" and rag.fill.fgColor.rgb.endswith("FFC7CE")
    assert ws[f"{heads['Exception']}{r}"].value == "negative"
    assert ws[f"{heads['Exception in words']}{r}"].value == "Negative exception"
    words = {ws[f"{heads['SPC variation in words']}{i}"].value for i in range(2, ws.max_row + 1)}
    assert "Common cause variation" in words
    assurance = {ws[f"{heads['SPC assurance in words']}{i}"].value for i in range(2, ws.max_row + 1)}
    assert "Consistently passing" in assurance and "Consistently failing" in assurance
    assert "decimals" not in heads  # the engine's working column is left out


def test_results_workbook_reads_back_to_the_same_figures(workbooks, tmp_path):
    back = read_table(workbooks["results"], "results")
    assert {"area", "measure", "measure_name", "period_start", "numerator", "denominator", "value",
            "ci_lower", "ci_upper"} <= set(back.columns)
    assert main(["compute", str(workbooks["results"].parent / "d" / "cld.csv"), "--period", "2024-25", "--population",
                 str(workbooks["results"].parent / "d" / "population.csv"), "--mha",
                 str(workbooks["results"].parent / "d" / "mha_log.csv"), "--cpa",
                 str(workbooks["results"].parent / "d" / "cpa_extract.csv"), "--out", str(tmp_path / "r.csv"), "-q"]) == 0
    plain = pd.read_csv(tmp_path / "r.csv")
    assert len(plain) == len(back)
    pd.testing.assert_series_equal(back["value"].reset_index(drop=True), plain["value"].reset_index(drop=True),
                                   check_names=False)  # unrounded: only the display is rounded


def test_csv_stays_machine_friendly(tmp_path, capsys):
    out = tmp_path / "assessed.csv"
    assert main(["assess", str(DATA / "norfolk_results_2016_17.csv"), "--targets", str(DATA / "norfolk_targets_2016_17.csv"),
                 "--out", str(out), "-q"]) == 0
    header = out.read_text().splitlines()[0]
    assert header.startswith("area,measure,") and "in words" not in header and "spc_variation" in header


def test_libreoffice_prints_every_workbook_without_hashes_and_with_the_words(workbooks, tmp_path):
    soffice()
    pdfs = convert(list(workbooks.values()), "pdf", tmp_path)
    text = {pdf.stem: subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                     check=True).stdout for pdf in pdfs}
    for name, content in text.items():
        assert "###" not in content, f"{name}.xlsx prints ### (a column too narrow)"
        assert "What was run on what" in content
    assert "Common cause variation" in text["assessed"] and "Consistently passing" in text["assessed"]
    assert "Negative exception" in text["assessed"] and "31 Mar 2017" in text["assessed"]
    from s75xl.report.labels import label

    kinds = read_table(workbooks["check"], "check")["kind"]
    assert len(kinds) and all(label("kind", k) in text["check"] for k in kinds)
    assert "Measure name" in text["results"] and "Adults receiving direct payments" in text["results"]


def test_a_column_with_no_values_and_an_unknown_measure_still_make_a_workbook(tmp_path):
    from s75xl.report import write_output

    frame = pd.DataFrame({"measure": ["OUR-1", "2A(1)"], "period_start": pd.to_datetime(["2024-04-01", "2024-04-01"]),
                          "value": [1.25, 15.77], "target_profile": [None, None], "rag": [None, "Red"]})
    write_output(frame, tmp_path / "r.xlsx", "assessed", {"produced by": "a test"})
    ws = load_workbook(tmp_path / "r.xlsx")["Assessed"]
    heads = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{heads['Value']}2"].number_format == "#,##0.0"  # a local measure: one place, its own unit
    assert ws[f"{heads['Value']}3"].number_format == "#,##0.0" and ws[f"{heads['Target profile']}2"].value is None
