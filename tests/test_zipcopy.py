"""The raw zip copier: unchanged entries keep their compressed bytes, changed ones are new and readable."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path

import pytest

from s75xl.fill.apply import default_layout, read_layout_sheet
from s75xl.fill.layout import Layout, read_template
from s75xl.xlsx.package import Package, TemplateError
from s75xl.xlsx.zipcopy import write_zip

TEMPLATES = Path(__file__).parent.parent / "templates"


def local_records(path):
    """name -> the raw bytes of its local record (header, name, extra, compressed data)."""
    out = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        for info in z.infolist():
            f.seek(info.header_offset)
            head = f.read(30)
            n, e = struct.unpack("<2H", head[26:30])
            out[info.filename] = head + f.read(n + e + info.compress_size)
    return out


def make(path, *, descriptor=False):
    """A zip with deflated, stored, utf-8-named and commented entries; with data descriptors if asked
    (written through a non-seekable stream, as some tools do)."""
    if descriptor:
        class Stream:
            def __init__(self, handle):
                self.handle = handle

            def write(self, data):
                return self.handle.write(data)

            def flush(self):
                self.handle.flush()

        handle = open(path, "wb")
        target = Stream(handle)
    else:
        target = path
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>" * 50)
        info = zipfile.ZipInfo("xl/media/image.png", date_time=(2001, 2, 3, 4, 5, 7))
        info.comment = b"a picture"
        z.writestr(info, bytes(range(256)) * 8, compress_type=zipfile.ZIP_STORED)
        z.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b"<row/>" * 500 + b"</worksheet>")
        z.writestr("xl/worksheets/données.xml", b"<worksheet/>" * 1000)
        z.comment = b"archive comment"
    if descriptor:
        handle.close()
    return path


@pytest.mark.parametrize("descriptor", [False, True])
def test_unchanged_entries_are_copied_as_their_compressed_bytes(tmp_path, descriptor):
    source = make(tmp_path / "in.zip", descriptor=descriptor)
    with zipfile.ZipFile(source) as z:
        infos = z.infolist()
        assert all(bool(i.flag_bits & 0x08) == descriptor for i in infos)
    new_sheet = b"<worksheet><row r='1'/></worksheet>" * 40
    entries = [(i, new_sheet if i.filename == "xl/worksheets/sheet1.xml" else None) for i in infos]
    write_zip(source, tmp_path / "out.zip", entries, b"archive comment")
    before, after = local_records(source), local_records(tmp_path / "out.zip")
    assert list(before) == list(after)
    assert [n for n in before if before[n] != after[n]] == ["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(tmp_path / "out.zip") as z:
        assert z.testzip() is None  # every CRC checks out
        assert z.read("xl/worksheets/sheet1.xml") == new_sheet
        assert z.comment == b"archive comment"
        image = z.getinfo("xl/media/image.png")
        assert image.comment == b"a picture" and image.date_time == (2001, 2, 3, 4, 5, 6)  # DOS keeps even seconds
        assert image.compress_type == zipfile.ZIP_STORED
        assert z.getinfo("xl/worksheets/sheet1.xml").compress_type == zipfile.ZIP_DEFLATED
        assert "xl/worksheets/données.xml" in z.namelist()


def test_a_changed_stored_entry_stays_stored_and_a_removed_one_is_gone(tmp_path):
    source = make(tmp_path / "in.zip")
    with zipfile.ZipFile(source) as z:
        infos = z.infolist()
    entries = [(i, b"new image" if i.filename == "xl/media/image.png" else None) for i in infos
               if i.filename != "xl/workbook.xml"]
    write_zip(source, tmp_path / "out.zip", entries)
    with zipfile.ZipFile(tmp_path / "out.zip") as z:
        assert z.namelist() == [i.filename for i, _ in entries]
        assert z.getinfo("xl/media/image.png").compress_type == zipfile.ZIP_STORED
        assert z.read("xl/media/image.png") == b"new image" and z.testzip() is None


def test_package_reads_parts_only_when_asked_and_saves_the_rest_raw(tmp_path):
    source = make(tmp_path / "in.xlsx")
    package = Package.open(source)
    assert package.changed == {} and "xl/workbook.xml" in package and "xl/missing.xml" not in package
    package.write_part("xl/worksheets/sheet1.xml", b"<worksheet/>")
    package.write_part("xl/workbook.xml", package.read("xl/workbook.xml"))  # the same bytes: no change
    assert list(package.changed) == ["xl/worksheets/sheet1.xml"]
    package.remove_part("xl/media/image.png")
    package.save(tmp_path / "out.xlsx")
    before, after = local_records(source), local_records(tmp_path / "out.xlsx")
    assert list(after) == ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/données.xml"]
    assert after["xl/workbook.xml"] == before["xl/workbook.xml"]


def test_a_part_whose_data_is_corrupt_is_refused_in_one_sentence(tmp_path):
    source = make(tmp_path / "in.xlsx")
    data = source.read_bytes()
    with zipfile.ZipFile(source) as z:
        info = z.getinfo("xl/worksheets/données.xml")
    # zero the entry's compressed bytes: the directory is intact, the part is not
    broken = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + 10
    broken[start:start + 40] = bytes(40)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(broken))
    package = Package.open(damaged)
    with pytest.raises(TemplateError, match=r"damaged"):
        package.read("xl/worksheets/données.xml")


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.xlsx")))
def test_the_layout_sheet_reads_as_openpyxl_read_only_reads_it(name, tmp_path):
    """Every shipped template, and the dashboard with the fidelity tests' extra parts: the same
    values (dates, formulas, inline and shared strings) and the same percent-formatted cells."""
    template = TEMPLATES / name
    layout = Layout.load(default_layout(template))
    assert read_layout_sheet(Package.open(template), layout) == read_template(template, layout)


def trimmed(row: list) -> list:
    while row and row[-1] is None:
        row = row[:-1]
    return row


def test_a_sheet_with_dates_formulas_booleans_and_no_dimension_reads_as_openpyxl_reads_it(tmp_path):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # write-only mode writes no <dimension>
    ws = wb.create_sheet("Dashboard")
    ws.append(["Monthly", dt.datetime(2016, 3, 1), "Apr 16", "Target"])
    ws.append(["2A(1)", 0.25, "=B2*2", True])
    ws.append([])
    ws.append([None, None, None, None, "#N/A"])
    ws.append(["1C(1A)", 3, 4.5, False])
    wb.save(tmp_path / "t.xlsx")
    layout_file = tmp_path / "t.layout.toml"
    layout_file.write_text('sheet = "Dashboard"\nheader = "Monthly"\nperiods = "month"\n')
    layout = Layout.load(layout_file)
    ours = read_layout_sheet(Package.open(tmp_path / "t.xlsx"), layout)
    theirs = read_template(tmp_path / "t.xlsx", layout)
    # openpyxl leaves rows ragged when the sheet has no dimension; ours are padded with None
    assert ours[1] == theirs[1] and [trimmed(r) for r in ours[0]["Dashboard"]] == [trimmed(r) for r in theirs[0]["Dashboard"]]
    assert ours[0]["Dashboard"][0][1] == dt.datetime(2016, 3, 1) and ours[0]["Dashboard"][1][2] == "=B2*2"


def test_the_output_gets_the_template_s_permissions_not_owner_only(tmp_path):
    source = make(tmp_path / "in.xlsx")
    source.chmod(0o644)
    Package.open(source).save(tmp_path / "out.xlsx")
    assert (tmp_path / "out.xlsx").stat().st_mode & 0o777 == 0o644
