"""The sheet editor splits only the rows it writes; these are the checks that must not depend on that."""

from __future__ import annotations

import pytest

from s75xl.xlsx.cells import SheetEditor
from s75xl.xlsx.package import TemplateError

HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def test_a_cell_without_a_reference_is_refused_even_in_a_row_no_write_touches():
    xml = (HEAD + '<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c s="2"><v>2</v></c></row></sheetData></worksheet>')
    with pytest.raises(TemplateError, match="cells without references"):
        SheetEditor(xml.encode())


def test_a_row_without_a_number_is_refused():
    with pytest.raises(TemplateError, match="rows without numbers"):
        SheetEditor((HEAD + '<row><c r="A1"/></row></sheetData></worksheet>').encode())


@pytest.mark.parametrize("merge", ["B2:C3", "B1:C5000"])  # a short range, and a tall one checked on every row
def test_writes_inside_a_merged_range_are_refused_and_its_anchor_is_written(merge):
    xml = (HEAD + '<row r="2"><c r="B2" s="4"/></row></sheetData>'
           f'<mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells></worksheet>')
    editor = SheetEditor(xml.encode())
    with pytest.raises(TemplateError, match="inside a merged range"):
        editor.set("C3", 1.0)
    anchor = merge.split(":")[0]
    editor.set(anchor, 2.5)
    assert f'<c r="{anchor}"' in editor.to_bytes().decode() and editor.style("C3") == 0


def test_untouched_rows_keep_their_bytes_and_touched_cells_keep_their_styles():
    rows = ('<row r="1" spans="1:3" ht="20" customHeight="1"><c r="A1" s="3" t="s"><v>0</v></c></row>'
            '<row r="2" spans="1:3"><c r="A2" s="5"><v>1</v></c><c r="C2" s="6"><f>A2*2</f><v>2</v></c></row>')
    editor = SheetEditor((HEAD + rows + "</sheetData></worksheet>").encode())
    editor.set("C2", 7.25)
    editor.set("B2", "text")
    out = editor.to_bytes().decode()
    assert rows.split("</row>")[0] + "</row>" in out  # row 1 as it was
    assert '<row r="2"><c r="A2" s="5"><v>1</v></c><c r="B2" t="inlineStr">' in out
    assert '<c r="C2" s="6"><v>7.25</v></c>' in out and editor.formulas_overwritten
    assert editor.style("C2") == 6 and editor.style("A1") == 3


@pytest.mark.parametrize("value, text", [(3.0, "3"), (0.1, "0.1"), (-2.5e-07, "-2.5e-07"), (1e16, "1e+16"), (5, "5")])
def test_numbers_are_written_as_python_writes_them(value, text):
    editor = SheetEditor((HEAD + "</sheetData></worksheet>").encode())
    editor.set("A1", value)
    assert f'<c r="A1"><v>{text}</v></c>' in editor.to_bytes().decode()


def test_a_missing_number_empties_the_cell_and_keeps_its_style():
    editor = SheetEditor((HEAD + '<row r="1"><c r="A1" s="7"><v>4</v></c></row></sheetData></worksheet>').encode())
    editor.set("A1", float("nan"))
    assert '<row r="1"><c r="A1" s="7"/></row>' in editor.to_bytes().decode()


@pytest.mark.parametrize("value", [float("inf"), float("-inf")])
def test_infinite_numbers_are_refused(value):
    editor = SheetEditor((HEAD + "</sheetData></worksheet>").encode())
    with pytest.raises(TemplateError, match="Cannot write"):
        editor.set("A1", value)
