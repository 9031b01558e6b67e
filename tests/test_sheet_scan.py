"""The fast sheet scan gives what openpyxl's cell parser gives, cell for cell, or steps aside.

Each sheet is read twice from the same file: by `sheet_cells` (the scan where it is exact) and by
the openpyxl route it falls back to; values, value types and styles must be the same. Where the
scan would have to guess (comments, CDATA, prefixes, extension lists) it must not be used at all.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s75xl.errors import S75Error
from s75xl.xlsx import values
from s75xl.xlsx.package import Package, TemplateError
from s75xl.xlsx.sheet_scan import SharedStrings, scan_cells

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
STYLES = (f'<styleSheet {MAIN}><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
          '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="46"/>'
          '<xf numFmtId="2"/></cellXfs></styleSheet>')
STRINGS = (f'<sst {MAIN} count="5" uniqueCount="5"><si><t>Monthly</t></si><si><t xml:space="preserve"> Delayed '
           'transfers &amp; more </t></si><si><r><rPr><b/></rPr><t>Rich</t></r><r><t xml:space="preserve"> text</t></r>'
           '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si><si><t>a_x005F_x000D_b</t></si><si><t/></si></sst>')


def workbook(path, sheet_data: str, *, head: str = f"<worksheet {MAIN}>", date1904: bool = False, strings: str = STRINGS):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", f'<workbook {MAIN}><workbookPr date1904="{int(date1904)}"/><sheets>'
                                      '<sheet name="Dashboard" sheetId="1" r:id="rId1" xmlns:r="http://schemas.'
                                      'openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                                 'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
                                                 '</Relationships>')
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/sharedStrings.xml", strings)
        z.writestr("xl/worksheets/sheet1.xml", f"{head}<dimension ref=\"A1:C3\"/>{sheet_data}</worksheet>")
    return path


def both(path):
    """(scan's rows and styles, openpyxl's rows and styles, whether the scan was used)."""
    package = Package.open(path)
    formats = values.number_formats(package)
    data = package.read("xl/worksheets/sheet1.xml")
    dates = {i for i, code in enumerate(formats) if values.is_date_format(code)}
    epoch = values._epoch(package)
    fast = values._fast(package, data, dates, formats, epoch)
    slow = values._openpyxl(package, data, "xl/worksheets/sheet1.xml", dates, formats, epoch)
    return fast, slow


def same(fast, slow):
    assert fast.cells == slow.cells
    assert {k: type(v) for k, v in fast.cells.items()} == {k: type(v) for k, v in slow.cells.items()}
    assert fast.styles == slow.styles and (fast.max_row, fast.max_col) == (slow.max_row, slow.max_col)


CASES = {
    "numbers": '<row r="1"><c r="A1"><v>1</v></c><c r="B1" s="4"><v>2.50</v></c><c r="C1"><v>1E3</v></c>'
               '<c r="D1" t="n"><v>-0</v></c><c r="E1"><v></v></c><c r="F1" s="2"/></row>',
    "dates and spans": '<row r="2"><c r="A2" s="1"><v>42430</v></c><c r="B2" s="1"><v>42430.5</v></c>'
                       '<c r="C2" s="3"><v>1.25</v></c><c r="D2" s="1"><v>99999999</v></c></row>',
    "typed values": '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#N/A</v></c>'
                    '<c r="D1" t="str"><v>12</v></c><c r="E1" t="d"><v>2016-03-01T00:00:00</v></c></row>',
    "shared strings": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
                      '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s" s="2"><v>1</v></c></row>',
    "inline strings": '<row r="1"><c r="A1" t="inlineStr"><is><t>Mar 16</t></is></c><c r="B1" t="inlineStr"><is><r><t>a'
                      '</t></r><r><rPr><i/></rPr><t xml:space="preserve"> &lt;b&gt; &#38; &#x41;</t></r></is></c>'
                      '<c r="C1" t="inlineStr"><is/></c><c r="D1" t="inlineStr"/><c r="E1" t="inlineStr"><v>5</v></c></row>',
    "line ends": '<row r="1"><c r="A1" t="inlineStr"><is><t>one\r\ntwo\rthree&#13;</t></is></c></row>',
    "formulas": '<row r="1"><c r="A1"><f>SUM(B1:C1)</f><v>3</v></c><c r="B1"><f/><v>1</v></c>'
                '<c r="C1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
                '<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">B2*2</f><v>2</v></c></row>'
                '<row r="3"><c r="A3"><f t="shared" si="0"/><v>4</v></c></row><row r="4"><c r="A4"><f t="shared" si="0"/></c></row>',
    "rows and cells without numbers": '<row><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row><row/>'
                                      '<row spans="1:3"><c s="2"><v>0.5</v></c><c r="C3"><v>3</v></c><c><v>4</v></c></row>',
    "attributes in other orders and quotes": "<row r='1' spans='1:2'><c t=\"s\" r=\"A1\"><v>0</v></c>"
                                             "<c r = 'B1' s = '2' ><v>0.25</v></c><c r=\"C1\" s=\"2\" t=\"n\" cm=\"1\">"
                                             "<v>7</v></c></row><row r=\"9\" ht=\"20\" customHeight=\"1\"/>",
    "empty sheet data": "",
    "far cells": '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
}


@pytest.mark.filterwarnings("ignore:Cell D2 is marked as a date")  # openpyxl's note on the serial beyond its calendar
@pytest.mark.parametrize("name", list(CASES))
def test_the_scan_reads_as_openpyxl_reads(name, tmp_path):
    fast, slow = both(workbook(tmp_path / "t.xlsx", f"<sheetData>{CASES[name]}</sheetData>"
                               if CASES[name] else "<sheetData/>"))
    assert fast is not None, "the scan should be exact for this sheet"
    same(fast, slow)


def test_dates_in_the_1904_calendar(tmp_path):
    fast, slow = both(workbook(tmp_path / "t.xlsx", '<sheetData><row r="1"><c r="A1" s="1"><v>1</v></c></row></sheetData>',
                               date1904=True))
    same(fast, slow)
    assert fast.cells[1, 1] == dt.datetime(1904, 1, 2)


@pytest.mark.parametrize("body", [
    '<row r="1"><!-- a note --><c r="A1"><v>1</v></c></row>',
    '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<b>]]></t></is></c></row>',
    '<row r="1"><c r="A1"><v>1</v><extLst><ext uri="x"/></extLst></c></row>',
    '<row r="1"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="A1"><x:v>1</x:v></x:c></row>',
    '<row r="1"><c r="a1"><v>1</v></c></row>',
    '<row r="1"><c r="A1" t="b"><v>yes</v></c></row>',
    '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',
])
def test_the_scan_steps_aside_where_it_would_guess(body, tmp_path):
    path = workbook(tmp_path / "t.xlsx", f"<sheetData>{body}</sheetData>")
    package = Package.open(path)
    formats = values.number_formats(package)
    assert values._fast(package, package.read("xl/worksheets/sheet1.xml"), set(), formats, values._epoch(package)) is None
    try:  # and the whole read gives openpyxl's answer, or its one-sentence error
        values.sheet_cells(package, "xl/worksheets/sheet1.xml", formats)
    except S75Error:
        pass
    except Exception as exc:  # noqa: BLE001 - openpyxl's own errors are what the fill command turns into a sentence
        assert isinstance(exc, (ValueError, IndexError, KeyError))


def test_a_sheet_in_another_namespace_is_left_to_openpyxl(tmp_path):
    path = workbook(tmp_path / "t.xlsx", '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>',
                    head='<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main">')
    fast, slow = both(path)
    assert fast is None and slow.cells == {}


def test_a_damaged_sheet_is_one_sentence(tmp_path):
    path = workbook(tmp_path / "t.xlsx", '<sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData>')
    with pytest.raises(TemplateError, match="unreadable sheet xl/worksheets/sheet1.xml"):
        values.sheet_cells(Package.open(path), "xl/worksheets/sheet1.xml", ["General"])


def test_a_damaged_shared_string_table_is_left_to_openpyxl(tmp_path):
    path = workbook(tmp_path / "t.xlsx", '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>',
                    strings=f"<sst {MAIN}><si><t>Monthly &nbsp;</t></si></sst>")
    package = Package.open(path)
    assert values._fast(package, package.read("xl/worksheets/sheet1.xml"), set(), ["General"], None) is None


def test_a_comment_in_the_part_of_the_table_read_makes_the_scan_step_aside():
    table = SharedStrings(b"<sst><si><t>a</t></si><!-- <si><t>b</t></si> --><si><t>c</t></si></sst>")
    assert table[0] == "a"
    with pytest.raises(Exception, match="shared strings"):
        table[1]


def test_shared_strings_are_read_only_as_far_as_needed():
    table = SharedStrings(("<sst>" + "".join(f"<si><t>s{i}</t></si>" for i in range(1000)) + "</sst>").encode())
    assert table[3] == "s3" and len(table.bodies) == 4 and table[2] == "s2" and len(table.bodies) == 4
    with pytest.raises(IndexError):
        table[1000]


TEXT = st.lists(st.sampled_from(list("ab <>&\"' \r\n\t") + ["é", "€", "_x000D_"]), max_size=8).map("".join)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def cells(draw):
    rows = []
    for r in sorted(draw(st.sets(st.integers(1, 30), max_size=6))):
        row = []
        for c in sorted(draw(st.sets(st.integers(1, 40), max_size=6))):
            ref = f"{chr(64 + c) if c <= 26 else 'A' + chr(64 + c - 26)}{r}"
            style = draw(st.sampled_from(["", ' s="0"', ' s="1"', ' s="2"', ' s="3"', ' s="4"']))
            kind = draw(st.sampled_from(["n", "s", "b", "e", "str", "inlineStr", "formula", "empty", "plain"]))
            if kind == "n":
                number = draw(st.one_of(st.integers(-10**6, 10**6).map(str),
                                        st.floats(-1e6, 1e6, allow_nan=False).map(repr)))
                row.append(f'<c r="{ref}"{style} t="n"><v>{number}</v></c>')
            elif kind == "plain":
                row.append(f'<c r="{ref}"{style}><v>{draw(st.integers(0, 60000))}</v></c>')
            elif kind == "s":
                row.append(f'<c r="{ref}"{style} t="s"><v>{draw(st.integers(0, 4))}</v></c>')
            elif kind == "b":
                row.append(f'<c r="{ref}" t="b"{style}><v>{draw(st.integers(0, 1))}</v></c>')
            elif kind in ("e", "str"):
                row.append(f'<c r="{ref}"{style} t="{kind}"><v>{_escape(draw(TEXT))}</v></c>')
            elif kind == "inlineStr":
                row.append(f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_escape(draw(TEXT))}</t></is></c>')
            elif kind == "formula":
                row.append(f'<c r="{ref}"{style}><f>{_escape(draw(TEXT))}</f><v>1</v></c>')
            else:
                row.append(f'<c r="{ref}"{style}/>')
        rows.append(f'<row r="{r}">' + "".join(row) + "</row>")
    return "<sheetData>" + "".join(rows) + "</sheetData>"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=cells())
def test_random_sheets_read_as_openpyxl_reads_them(sheet, tmp_path):
    fast, slow = both(workbook(tmp_path / "t.xlsx", sheet))
    assert fast is not None
    same(fast, slow)


def test_scan_needs_the_spreadsheet_namespace_before_the_sheet_data():
    assert scan_cells("<worksheet><sheetData/></worksheet>", [], None, set()) is None
    assert scan_cells(f"<worksheet {MAIN}><sheetData/></worksheet>", [], None, set()).cells == {}
