"""Filling templates: only the changed cells change, labels find everything, bad input is refused."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook

from s75xl.cli import main
from s75xl.demo import read_shipped_csv
from s75xl.fill import fill
from s75xl.fill.layout import LayoutError
from s75xl.xlsx import zipcopy
from s75xl.xlsx.cells import SheetEditor
from s75xl.xlsx.package import TemplateError

from .template_parts import enrich

TEMPLATES = Path(__file__).parent.parent / "templates"
DASHBOARD = TEMPLATES / "vital_signs_dashboard.xlsx"
RESULTS = read_shipped_csv("norfolk_results_2016_17.csv")
TARGETS = read_shipped_csv("norfolk_targets_2016_17.csv")


def parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def values(path, sheet="Dashboard"):
    ws = load_workbook(path, read_only=True)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_fidelity_every_untouched_part_is_byte_identical(tmp_path):
    template = enrich(DASHBOARD, tmp_path / "dashboard.xlsm")
    out = tmp_path / "filled.xlsm"
    fill(template, RESULTS, targets=TARGETS, out=out, layout=TEMPLATES / "vital_signs_dashboard.layout.toml")
    before, after = parts(template), parts(out)
    assert list(before) == list(after)  # the same parts, in the same order
    changed = [n for n in before if before[n] != after[n]]
    assert changed == ["xl/worksheets/sheet1.xml"]
    sheet = after["xl/worksheets/sheet1.xml"].decode()
    ElementTree.fromstring(sheet)  # still well-formed
    for kept in ("x14:dataBar", "x14:dataValidation", "x14:sparklineGroup", "<conditionalFormatting",
                 "<drawing ", "<legacyDrawing", "<pageSetup", "<mergeCell "):
        assert kept in sheet, kept
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"] and "xl/media/logo.png" in after
    grid = values(out)
    march = {row[0]: row[14] for row in grid if row and isinstance(row[0], str)}
    assert march["Decreasing the rate of admissions of people to residential and nursing care per 100,000 population (65+ years)"] == 633
    assert march["% People receiving Mental Health services in paid employment"] == 2.0


def test_written_cells_hold_the_engine_values_with_their_styles(tmp_path):
    out = tmp_path / "filled.xlsx"
    fill(DASHBOARD, RESULTS, targets=TARGETS, out=out)
    ws = load_workbook(out)["Dashboard"]
    assert ws["O7"].value == 19.3 and ws["O7"].number_format == "0.0" and ws["O7"].fill.fgColor.rgb == "FFFFC7CE"  # Red
    assert ws["O9"].value == 94.2 and ws["O9"].fill.fgColor.rgb == "FFC6EFCE"  # Green: 94.2% against 90%
    assert ws["O10"].value == "861 / 914"
    assert ws["O6"].value == "413 / 466" and ws["P7"].value == 16.5  # counts row and target column
    assert ws["C5"].value == 86.3  # an earlier month, rewritten with the same figure


def test_text_is_written_inline_so_shared_strings_never_change(tmp_path):
    out = tmp_path / "filled.xlsx"
    fill(DASHBOARD, RESULTS, out=out)
    before, after = parts(DASHBOARD), parts(out)
    assert before.get("xl/sharedStrings.xml") == after.get("xl/sharedStrings.xml")
    assert 't="inlineStr"><is><t xml:space="preserve">413 / 466</t>' in after["xl/worksheets/sheet1.xml"].decode()


def test_overwriting_a_formula_sets_full_recalculation_and_drops_the_calc_chain(tmp_path):
    wb = load_workbook(DASHBOARD)
    wb["Dashboard"]["O7"] = "=N7+0"  # a formula where a figure will be written
    plain = tmp_path / "formula.xlsx"
    wb.save(plain)
    template = enrich(plain, tmp_path / "formula-chain.xlsx", vba=False, calc_chain_cell="O7")
    out = tmp_path / "filled.xlsx"
    fill(template, RESULTS, out=out, layout=TEMPLATES / "vital_signs_dashboard.layout.toml")
    after = parts(out)
    assert "xl/calcChain.xml" not in after
    assert "calcChain" not in after["[Content_Types].xml"].decode() and "calcChain" not in after["xl/_rels/workbook.xml.rels"].decode()
    assert 'fullCalcOnLoad="1"' in after["xl/workbook.xml"].decode()
    assert load_workbook(out)["Dashboard"]["O7"].value == 19.3


def test_rolling_window_moves_on_a_month(tmp_path):
    april = pd.DataFrame({"area": "Norfolk", "measure": ["NFK-VS-02"], "period": ["2017-04"], "value": [18.0]})
    out = tmp_path / "april.xlsx"
    report = fill(DASHBOARD, pd.concat([RESULTS, april]), targets=TARGETS, out=out)
    grid = values(out)
    assert grid[3][2] == "Apr 16" and grid[3][14] == "Apr 17"  # headings moved: Mar 16 out, Apr 17 in
    admissions = next(r for r in grid if r[0] and r[0].endswith("(18-64 years)"))
    assert admissions[2] == 21.1 and admissions[13] == 19.3 and admissions[14] == 18.0
    assert report.window == ["Apr 2016", "Apr 2016"][:1] + report.window[1:] and report.window[-1] == "Apr 2017"
    ws = load_workbook(out)["Dashboard"]
    assert ws["O7"].number_format == "0.0"  # the moved window keeps its formats


def variant(tmp_path) -> Path:
    """The dashboard as a council might change it: rows reordered, an extra row and column, a renamed heading."""
    wb = load_workbook(DASHBOARD)
    ws = wb["Dashboard"]
    ws["A4"] = "Vital sign"  # renamed within the aliases
    ws["Q4"] = "Year-end target"
    ws["P4"] = "Notes"  # the old target column becomes a notes column
    ws.insert_rows(5)  # an extra row at the top of the table
    ws["A5"] = "Local notes for members"
    # swap the two admissions rows (18-64 is now below 65+)
    for col in range(1, 17):
        top, bottom = ws.cell(row=8, column=col), ws.cell(row=9, column=col)
        top.value, bottom.value = bottom.value, top.value
    path = tmp_path / "variant.xlsx"
    wb.save(path)
    return path


def test_a_councils_variant_fills_to_the_same_values(tmp_path):
    original, changed = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    fill(DASHBOARD, RESULTS, targets=TARGETS, out=original)
    report = fill(variant(tmp_path), RESULTS, targets=TARGETS, out=changed, layout=TEMPLATES / "vital_signs_dashboard.layout.toml")
    by_label = lambda grid: {r[0]: r[2:15] for r in grid if r and r[0]}  # noqa: E731
    a, b = by_label(values(original)), by_label(values(changed))
    for label, row in a.items():
        if label not in ("Monthly",):
            assert b[label] == row, label
    assert report.unmatched_labels == ["Local notes for members"]
    assert load_workbook(changed)["Dashboard"]["Q9"].value == 16.5  # the target, in its new column


def test_a_layout_whose_labels_are_missing_names_the_nearest(tmp_path):
    wb = load_workbook(DASHBOARD)
    wb["Dashboard"]["A4"] = "Monthy"  # a typo in the council's heading
    path = tmp_path / "typo.xlsx"
    wb.save(path)
    with pytest.raises(LayoutError, match="no heading 'Monthly'.*Nearest labels present: 'Monthy'"):
        fill(path, RESULTS, out=tmp_path / "o.xlsx", layout=TEMPLATES / "vital_signs_dashboard.layout.toml")


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing.xlsx", "does not exist"),
    (lambda d: (d / "notes.xlsx").write_text("not a workbook") and d / "notes.xlsx", "not an Excel .xlsx or .xlsm file"),
    (lambda d: (d / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) and d / "locked.xlsx",
     "password-protected or an old .xls"),
    (lambda d: (d / "cut.xlsx").write_bytes(DASHBOARD.read_bytes()[:3000]) and d / "cut.xlsx", "not an Excel|damaged"),
    (lambda d: _zip_without_workbook(d), "not an Excel workbook"),
])
def test_bad_templates_are_refused_with_one_sentence(tmp_path, make, words):
    with pytest.raises(TemplateError, match=words):
        fill(make(tmp_path), RESULTS, out=tmp_path / "o.xlsx", layout=TEMPLATES / "vital_signs_dashboard.layout.toml")


def _zip_without_workbook(folder: Path) -> Path:
    path = folder / "other.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    return path


def test_a_template_open_in_excel_is_refused(tmp_path):
    template = tmp_path / "dash.xlsx"
    shutil.copy(DASHBOARD, template)
    (tmp_path / "~$dash.xlsx").write_bytes(b"owner")
    with pytest.raises(TemplateError, match="open in Excel"):
        fill(template, RESULTS, out=tmp_path / "o.xlsx", layout=TEMPLATES / "vital_signs_dashboard.layout.toml")


def test_in_place_needs_the_option_and_keeps_a_backup(tmp_path):
    template = tmp_path / "dash.xlsx"
    shutil.copy(DASHBOARD, template)
    shutil.copy(TEMPLATES / "vital_signs_dashboard.layout.toml", tmp_path / "dash.layout.toml")
    original = template.read_bytes()
    with pytest.raises(TemplateError, match="is the template itself"):
        fill(template, RESULTS, out=template)
    assert template.read_bytes() == original
    fill(template, RESULTS, targets=TARGETS, out=template, in_place=True)
    backups = list(tmp_path.glob("dash.backup-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == original and template.read_bytes() != original


def test_a_run_killed_half_way_leaves_the_template_and_no_litter(tmp_path, monkeypatch):
    template = tmp_path / "dash.xlsx"
    shutil.copy(DASHBOARD, template)
    shutil.copy(TEMPLATES / "vital_signs_dashboard.layout.toml", tmp_path / "dash.layout.toml")
    original = template.read_bytes()
    real = zipcopy._copy

    def dies_half_way(src, out, run):
        if out.tell() > 0:  # some of the new file is written
            raise KeyboardInterrupt("killed")
        return real(src, out, run)

    monkeypatch.setattr(zipcopy, "_copy", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        fill(template, RESULTS, out=template, in_place=True)
    assert template.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_merged_cells_are_written_through_their_anchor_only():
    xml = ('<worksheet><sheetData><row r="1"><c r="A1" s="2"/></row></sheetData>'
           '<mergeCells count="1"><mergeCell ref="A1:D1"/></mergeCells></worksheet>').encode()
    editor = SheetEditor(xml)
    with pytest.raises(TemplateError, match="inside a merged range; write to A1"):
        editor.set("B1", 5)
    editor.set("A1", "Title")
    assert b'<c r="A1" s="2" t="inlineStr"><is><t xml:space="preserve">Title</t></is></c>' in editor.to_bytes()


def test_cells_and_rows_are_inserted_in_order():
    xml = b'<worksheet><dimension ref="A1"/><sheetData><row r="2" spans="1:2"><c r="B2"><v>1</v></c></row></sheetData></worksheet>'
    editor = SheetEditor(xml)
    editor.set("A2", 3.5)
    editor.set("C1", True)
    out = editor.to_bytes().decode()
    assert out.index('<row r="1">') < out.index('<row r="2">')
    assert '<row r="2"><c r="A2"><v>3.5</v></c><c r="B2"><v>1</v></c></row>' in out
    assert '<c r="C1" t="b"><v>1</v></c>' in out


def test_fill_command(tmp_path, capsys):
    out = tmp_path / "march.xlsx"
    code = main(["fill", str(DASHBOARD), "--results", str(tmp_path / "r.csv"), "--out", str(out)])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    RESULTS.to_csv(tmp_path / "r.csv", index=False)
    TARGETS.to_csv(tmp_path / "t.csv", index=False)
    assert main(["fill", str(DASHBOARD), "--results", str(tmp_path / "r.csv"), "--targets", str(tmp_path / "t.csv"),
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Wrote 162 cells for 7 measures." in text and "In the data but not in the template: NFK-VS-04" in text
    assert main(["fill", str(DASHBOARD), "--results", str(tmp_path / "r.csv"), "--out", str(DASHBOARD)]) == 2
    assert "is the template itself" in capsys.readouterr().err


def test_filling_without_targets_keeps_the_templates_own_targets(tmp_path):
    """A column the data has nothing for (no targets given) keeps what the council typed there."""
    results = pd.DataFrame({"measure": "CAM-4", "period_start": ["2016-04-01", "2016-07-01"],
                            "period_end": ["2016-06-30", "2016-09-30"], "value": [73.0, 72.0]})
    out = tmp_path / "top.xlsx"
    fill(TEMPLATES / "s75_top_level_figures.xlsx", results, out=out)
    ws = load_workbook(out)["Top Level Figures"]
    targets = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=7).value for r in range(5, 12)}
    assert targets["4"] == 93 and targets["2"] == 65.7  # untouched
    assert ws["H6"].value == 73.0 and ws["I6"].value == 72.0 and ws["J6"].value == 72  # Dec-16 kept as printed
