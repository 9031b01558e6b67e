"""The S75 add-in: the committed .xlam is what its text sources build, and every read-back check
passes on it, and each check fails when what it checks is broken (shared/reference/ribbon.md 3-4)."""

from __future__ import annotations

import io
import random
import re
import shutil
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from s75xl.cli import main
from s75xl.excel import addin, cfb, install, ovba, verify
from tests.libreoffice import soffice

ROOT = Path(__file__).parent.parent
SOURCES = ROOT / "workbooks" / "addin"
XLAM = ROOT / "workbooks" / "s75xl.xlam"
BUTTONS = ["S75Ribbon.S75_Refresh", "S75Ribbon.S75_FlagExceptions", "S75Ribbon.S75_BuildPack",
           "S75Ribbon.S75_RefreshBudget", "S75Ribbon.S75_CheckData", "S75Ribbon.S75_Settings"]


def checks_by_name(xlam, sources, **kwargs) -> dict[str, verify.Check]:
    return {c.name.split(":")[0]: c for c in verify.verify(xlam, sources, **kwargs)}


def failing(xlam, sources, **kwargs) -> dict[str, tuple[str, ...]]:
    return {name: c.problems for name, c in checks_by_name(xlam, sources, **kwargs).items() if not c.ok}


EMBEDDED = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', (SOURCES / "vba" / "xlwings.bas").read_text()).group(1)


@pytest.fixture
def sources(tmp_path) -> Path:
    """A private copy of the add-in's sources to break, its xlwings module from the installed
    xlwings (CI also runs on the lowest xlwings pyproject allows, older than the committed one)."""
    folder = Path(shutil.copytree(SOURCES, tmp_path / "addin"))
    addin.sync_xlwings(folder)
    return folder


@pytest.fixture
def built(sources, tmp_path) -> Path:
    """The add-in those sources build."""
    return addin.build(sources, tmp_path / "built.xlam")


def patched(xlam: Path, out: Path, member: str, change) -> Path:
    """A copy of the add-in with one member's bytes changed (None removes it)."""
    with zipfile.ZipFile(xlam) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                data = change(data)
                if data is None:
                    continue
            dst.writestr(info, data)
    return out


# --- the committed add-in ------------------------------------------------------------------------

def test_the_committed_addin_is_exactly_what_its_sources_build():
    assert addin.build_bytes(addin.Sources.load(SOURCES)) == XLAM.read_bytes(), \
        "workbooks/s75xl.xlam differs from its sources: run s75xl addin build and commit both"


def test_two_builds_are_byte_identical(tmp_path):
    first = addin.build(SOURCES, tmp_path / "a.xlam").read_bytes()
    second = addin.build(SOURCES, tmp_path / "b.xlam").read_bytes()
    assert first == second


def test_every_check_passes_on_the_committed_addin_including_libreoffice():
    checks = verify.verify(XLAM, SOURCES, libreoffice=True, soffice=soffice())
    assert len(checks) == 8
    failed = {c.name.split(":")[0]: c.problems for c in checks if not c.ok}
    if xlwings.__version__ == EMBEDDED:
        assert failed == {}
    else:  # an older xlwings installed (CI's lowest-versions run): the add-in must be rebuilt for it
        assert failed == {"xlwings": (f"the embedded xlwings module is version {EMBEDDED}, the installed xlwings "
                                      f"{xlwings.__version__} (run s75xl addin build --sync-xlwings)",)}


def test_every_check_passes_on_the_addin_built_for_the_installed_xlwings(sources, built):
    assert [c.line() for c in verify.verify(built, sources, libreoffice=True, soffice=soffice()) if not c.ok] == []


def test_the_tab_has_the_six_buttons_in_order():
    assert verify.callbacks((SOURCES / "customUI" / "customUI14.xml").read_bytes()) == BUTTONS


def test_the_embedded_xlwings_module_is_xlwings_own_with_this_projects_name(sources):
    text = (SOURCES / "vba" / "xlwings.bas").read_text()
    assert 'Public Const PROJECT_NAME As String = "s75xl"' in text
    assert f'Lib "xlwings64-{EMBEDDED}.dll"' in text  # the DLL the users' xlwings must provide
    synced = (sources / "vba" / "xlwings.bas").read_text()
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in synced
    if xlwings.__version__ == EMBEDDED:
        assert synced == text  # the committed module is exactly what the sync writes


def test_the_config_sheet_is_inactive_so_the_users_config_file_wins():
    with zipfile.ZipFile(XLAM) as z:
        assert 'name="_s75xl.conf"' in z.read("xl/workbook.xml").decode()


def test_the_dictionary_class_is_stored_as_xlwings_own_addin_stores_it():
    theirs = {n: c for _, _, n, c in VBA_Parser(str(Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"))
              .extract_macros()}["Dictionary.cls"]
    mine = addin.dictionary_class()
    assert mine.lower() == theirs.replace("\r\n", "\n").lower()  # Excel recased err/Err; nothing else differs


# --- the VBA project's format ----------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"a", b"abc", b"x" * 4096, b"x" * 4097, bytes(range(256)) * 16,
                                  random.Random(1).randbytes(4096), random.Random(2).randbytes(4096 * 2 + 5),
                                  b"ab c\r\n" * 3000],
                         ids=["empty", "one", "three", "one-full-chunk", "chunk-plus-one", "periodic-chunk",
                              "random-chunk", "random-two-chunks", "text"])
def test_compression_round_trips_through_oletools_decompressor(data):
    from oletools.olevba import decompress_stream

    assert bytes(decompress_stream(bytearray(ovba.compress(data)))) == data


def test_an_incompressible_full_chunk_is_stored_raw():
    packed = ovba.compress(random.Random(0).randbytes(4096))
    assert packed[1:3] == b"\xff\x3f" and len(packed) == 1 + 2 + 4096  # flag bit clear, size 4095


def test_the_project_is_unprotected_and_visible_as_excel_writes_it():
    pid = ovba.project_id("S75XL")
    text = ovba.project_stream("S75XL", [ovba.Module("ThisWorkbook", "document", "")]).decode("cp1252")
    values = dict(re.findall(r'(CMG|DPB|GC)="([0-9A-F]+)"', text))
    assert [ovba.decrypt(values[k], pid) for k in ("CMG", "DPB", "GC")] == [bytes(4), b"\x00", b"\xff"]


def test_our_decryption_reads_excels_own_values_in_xlwings_addin():
    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam") as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    pid = re.search(r'ID="(\{[^}]+\})"', text).group(1)
    values = dict(re.findall(r'(CMG|DPB|GC)="([0-9A-F]+)"', text))
    assert [ovba.decrypt(values[k], pid) for k in ("CMG", "DPB", "GC")] == [bytes(4), b"\x00", b"\xff"]


@pytest.mark.parametrize("seed", range(256))
def test_encryption_round_trips_for_every_seed(seed):
    assert ovba.decrypt(ovba.encrypt(b"\x00\x01\xfe\xff", "{X}", seed), "{X}") == b"\x00\x01\xfe\xff"


def test_the_compound_file_is_strictly_valid_and_source_only():
    with zipfile.ZipFile(XLAM) as z:
        data = z.read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(p) for p in ole.listdir()) == [
        "PROJECT", "PROJECTwm", "VBA/Dictionary", "VBA/S75Ribbon", "VBA/Sheet1", "VBA/ThisWorkbook", "VBA/_VBA_PROJECT",
        "VBA/dir", "VBA/xlwings"]
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x01\x00"  # version 0xFFFF: no p-code
    assert VBA_Parser(str(XLAM)).detect_vba_stomping() is False


def test_sibling_trees_keep_the_red_black_rules():
    data = cfb.write({f"S/{'n' * (i % 7 + 1)}{i}": b"x" * (i * 300) for i in range(13)})
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    entries = {e.sid: e for e in ole.direntries if e is not None}

    def black_height(sid, parent_red=False) -> int:
        if sid == olefile.NOSTREAM:
            return 1
        node = entries[sid]
        red = node.color == 0  # MS-CFB: 0 red, 1 black
        assert not (red and parent_red), "a red node with a red child"
        left, right = black_height(node.sid_left, red), black_height(node.sid_right, red)
        assert left == right, "unequal black heights"
        return left + (0 if red else 1)

    storage = next(e for e in entries.values() if e.name == "S")
    black_height(storage.sid_child)
    assert len(ole.listdir()) == 13 and ole.openstream("S/nnnnnnn6").read() == b"x" * 1800


# --- each check can fail ---------------------------------------------------------------------------

def test_a_module_edited_after_the_build_fails_olevba_and_rebuild(sources, built):
    ribbon = sources / "vba" / "S75Ribbon.bas"
    ribbon.write_text(ribbon.read_text().replace("m.refresh()", "m.refresh() "))
    assert set(failing(built, sources)) == {"olevba", "rebuild"}
    assert failing(built, sources)["olevba"] == ("the module S75Ribbon differs from its text source",)


def test_a_module_missing_from_the_sources_fails_olevba(sources, built):
    spec = (sources / "addin.json").read_text().replace('    ["Dictionary", "class", "vba/Dictionary.cls"]\n', "")
    (sources / "addin.json").write_text(spec.replace('"vba/xlwings.bas"],', '"vba/xlwings.bas"]'))
    assert "the file has a module Dictionary with no text source" in failing(built, sources)["olevba"]


def test_a_misspelt_callback_fails_the_callback_check(sources, tmp_path):
    ui = sources / "customUI" / "customUI14.xml"
    ui.write_text(ui.read_text().replace('onAction="S75Ribbon.S75_CheckData"', 'onAction="S75Ribbon.S75_CheckDat"'))
    built = addin.build(sources, tmp_path / "x.xlam")
    assert failing(built, sources) == {"callbacks": (
        "onAction 'S75Ribbon.S75_CheckDat': S75Ribbon has no Public Sub S75_CheckDat(control As IRibbonControl)",)}


def test_a_callback_without_the_control_argument_fails(sources, tmp_path):
    bas = sources / "vba" / "S75Ribbon.bas"
    bas.write_text(bas.read_text().replace("Public Sub S75_Settings(control As IRibbonControl)", "Public Sub S75_Settings()"))
    built = addin.build(sources, tmp_path / "x.xlam")
    assert list(failing(built, sources)) == ["callbacks"]


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('size="large" imageMso="Refresh"', 'size="huge" imageMso="Refresh"'), "huge"),
    (lambda t: t.replace('id="s75BuildPack"', 'id="s75Refresh"'), "the id 's75Refresh' is used twice"),
    (lambda t: t.replace('screentip="Settings"', 'screentip="Settings" colour="red"'), "colour"),
    (lambda t: t.replace('onAction="S75Ribbon.S75_Refresh"', 'onAction=""'), "onAction"),
    (lambda t: t.replace("2009/07/customui", "2006/01/customui"), "is not a customUI14"),
], ids=["bad-size", "duplicate-id", "unknown-attribute", "empty-onAction", "wrong-namespace"])
def test_a_ribbon_the_schema_refuses_fails_the_customui_check(sources, tmp_path, change, message):
    ui = sources / "customUI" / "customUI14.xml"
    ui.write_text(change(ui.read_text()))
    built = addin.build(sources, tmp_path / "x.xlam")
    problems = failing(built, sources).get("customUI", ())
    assert any(message in p for p in problems), problems


def test_the_schema_still_accepts_every_attribute_its_types_allowed():
    from lxml import etree

    schema = verify.ribbon_schema(SOURCES / "schemas")
    ns = "http://schemas.microsoft.com/office/2009/07/customui"
    ok = (f'<customUI xmlns="{ns}"><ribbon><tabs><tab id="t" label="T"><group id="g" label="G">'
          '<comboBox id="c" label="C" sizeString="WWWW" invalidateContentOnDrop="true" getItemCount="n"/>'
          '<gallery id="y" label="Y" showItemLabel="false" description="d"/>'
          '<menu id="m" label="M" itemSize="large" size="large"/>'
          '<button id="b" label="B" enabled="false" image="i" description="d"/>'
          '</group></tab></tabs></ribbon></customUI>')
    assert schema.validate(etree.fromstring(ok)), schema.error_log


def test_a_missing_content_type_and_a_dangling_relationship_fail_the_package_check(tmp_path, sources, built):
    no_bin = patched(built, tmp_path / "a.xlam", "[Content_Types].xml",
                     lambda d: d.replace(b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>', b""))
    assert failing(no_bin, sources)["package"] == ("the part xl/vbaProject.bin has no content type",)
    no_ui = patched(built, tmp_path / "b.xlam", "customUI/customUI14.xml", lambda d: None)
    assert "_rels/.rels: the relationship rId4 points to a missing part customUI/customUI14.xml" in \
        verify.check_package(zipfile.ZipFile(no_ui), addin.Sources.load(sources)).problems


def test_a_workbook_codename_that_is_no_module_fails_the_package_check(tmp_path, sources, built):
    renamed = patched(built, tmp_path / "a.xlam", "xl/workbook.xml", lambda d: d.replace(b"ThisWorkbook", b"DieseArbeitsmappe"))
    assert "codeNames" in failing(renamed, sources)["package"][0]


def test_a_hand_edited_or_old_xlwings_module_fails_the_xlwings_check(sources, tmp_path):
    module = sources / "vba" / "xlwings.bas"
    module.write_text(module.read_text().replace(f'"{xlwings.__version__}"', '"0.30.0"', 1))
    built = addin.build(sources, tmp_path / "x.xlam")
    assert "version 0.30.0" in failing(built, sources)["xlwings"][0]
    module.write_text(addin.xlwings_module("s75xl").replace("'Version:", "' edited\n'Version:", 1))
    built = addin.build(sources, tmp_path / "y.xlam")
    assert failing(built, sources)["xlwings"] == ("the embedded xlwings module is not the installed xlwings' own "
                                                   "(it was edited by hand)",)


def test_non_ascii_vba_is_refused_at_build_and_by_the_ascii_check(sources):
    bas = sources / "vba" / "S75Ribbon.bas"
    bas.write_bytes(bas.read_bytes().replace(b"Kept thin", "Kept thin \u2013".encode("utf-8")))
    assert verify.check_ascii(sources).problems == ("S75Ribbon.bas line 3 is not ASCII",)
    with pytest.raises(addin.AddinError, match=r"S75Ribbon.bas, line 3: VBA sources must be ASCII"):
        addin.Sources.load(sources)


def test_libreoffice_sees_a_module_that_has_no_text_source(sources, tmp_path):
    expected = addin.Sources.load(sources)
    (sources / "vba" / "Extra.bas").write_text('Attribute VB_Name = "Extra"\nSub Hidden()\nEnd Sub\n')
    spec = (sources / "addin.json").read_text().replace('["Dictionary", "class", "vba/Dictionary.cls"]',
                                                       '["Dictionary", "class", "vba/Dictionary.cls"],\n'
                                                       '    ["Extra", "standard", "vba/Extra.bas"]')
    (sources / "addin.json").write_text(spec)
    built = addin.build(sources, tmp_path / "x.xlam")
    check = verify.check_libreoffice(built, expected, soffice())
    assert check.problems == ("LibreOffice sees a module Extra with no text source",)


# --- the command line and install ---------------------------------------------------------------------

def test_addin_check_on_the_command_line_passes_and_fails_in_one_line(tmp_path, capsys, sources, built):
    assert main(["addin", "check", "--no-libreoffice", "--xlam", str(built), "--sources", str(sources)]) == 0
    assert capsys.readouterr().out.count("OK  ") == 7
    broken = patched(built, tmp_path / "b.xlam", "xl/workbook.xml", lambda d: d.replace(b"ThisWorkbook", b"Other"))
    assert main(["addin", "check", "--no-libreoffice", "--xlam", str(broken), "--sources", str(sources)]) == 2
    out = capsys.readouterr()
    assert "FAIL package" in out.out and "FAIL rebuild" in out.out
    assert out.err == "s75xl: 2 of 7 add-in checks failed.\n"


def test_addin_build_writes_where_asked(tmp_path, capsys):
    assert main(["addin", "build", "--out", str(tmp_path / "s.xlam")]) == 0
    assert (tmp_path / "s.xlam").read_bytes() == XLAM.read_bytes()


def test_addin_build_can_sync_xlwings_first(sources, built, capsys):
    (sources / "vba" / "xlwings.bas").write_text("stale")
    assert main(["addin", "build", "--sources", str(sources), "--out", str(sources / "x.xlam"), "--sync-xlwings"]) == 0
    assert (sources / "x.xlam").read_bytes() == built.read_bytes()
    assert "Regenerated" in capsys.readouterr().out


def test_install_on_windows_copies_to_xlstart_and_names_this_python(tmp_path):
    plan = install.plan("win32", home=tmp_path / "home", appdata=str(tmp_path / "AppData"), python=r"C:\Py\python.exe")
    lines = install.install(XLAM, plan)
    assert (tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART" / "s75xl.xlam").read_bytes() == XLAM.read_bytes()
    assert (tmp_path / "home" / ".s75xl" / "s75xl.conf").read_text() == '"Interpreter_Win","C:\\Py\\python.exe"\n'
    assert lines[-1] == "Restart Excel: the S75 tab appears."


def test_install_on_macos_uses_the_office_startup_folder_and_interpreter_mac(tmp_path):
    plan = install.plan("darwin", home=tmp_path, python="/usr/local/bin/python3")
    install.install(XLAM, plan)
    assert (tmp_path / install.MAC_STARTUP / "s75xl.xlam").is_file()
    assert (tmp_path / ".s75xl" / "s75xl.conf").read_text() == '"Interpreter_Mac","/usr/local/bin/python3"\n'


def test_install_on_linux_only_prints_the_steps(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert install.plan("linux") is None
    assert main(["addin", "install"]) == 0
    assert "nothing was installed here" in capsys.readouterr().out and not (tmp_path / ".s75xl").exists()


def test_install_on_the_command_line_builds_for_the_installed_xlwings(tmp_path, monkeypatch, capsys, built):
    target = install.Plan(tmp_path / "XLSTART", tmp_path / ".s75xl" / "s75xl.conf", ('"Interpreter_Win","py"',))
    monkeypatch.setattr(install, "plan", lambda platform: target)
    assert main(["addin", "install"]) == 0
    assert (tmp_path / "XLSTART" / "s75xl.xlam").read_bytes() == built.read_bytes()
    assert f"Built the add-in for xlwings {xlwings.__version__}." in capsys.readouterr().out
