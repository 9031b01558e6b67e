"""Build the S75 add-in (`workbooks/s75xl.xlam`) from its text sources, the same bytes every time.

The sources are in `workbooks/addin/`: `addin.json` (project names, the config sheet, the VBA
modules in order), `customUI/customUI14.xml` (the S75 tab) and `vba/` (the modules as Excel stores
them: `Attribute` lines first). `vba/xlwings.bas` and `vba/Dictionary.cls` are generated from the
installed xlwings by `sync_xlwings` and never edited by hand: the xlwings module names its DLL by
version, so it must match the xlwings in the users' Python.

The package holds a workbook with one hidden-by-nature config sheet (an add-in shows no sheets),
the customUI part under the Office 2007 ribbon relationship (as Excel 2010 and later read a
customUI14 part), and `xl/vbaProject.bin` written by `ovba` and `cfb`. Members are stored
uncompressed with fixed dates, so rebuilding gives identical bytes whatever zlib is installed.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import S75Error
from . import cfb, ovba

REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
ADDIN_MAIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"  # VB_Base of a class module, as Excel stores it


class AddinError(S75Error):
    """The add-in's sources are incomplete or inconsistent."""


@dataclass(frozen=True)
class Sources:
    folder: Path
    project: str
    xlwings_project: str
    config_sheet: str
    config: tuple[tuple[str, str], ...]
    modules: tuple[ovba.Module, ...]
    custom_ui: bytes

    @classmethod
    def load(cls, folder: str | Path) -> "Sources":
        folder = Path(folder)
        try:
            spec = json.loads((folder / "addin.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AddinError(f"The add-in sources {folder} have no addin.json.") from None
        except json.JSONDecodeError as exc:
            raise AddinError(f"{folder / 'addin.json'} is not valid JSON: line {exc.lineno}.") from None
        modules = []
        for name, kind, path in spec["modules"]:
            file = folder / path
            if not file.is_file():
                raise AddinError(f"{folder / 'addin.json'}: the module {name} has no source file {path}.")
            raw = file.read_bytes()
            try:
                text = raw.decode("ascii")
            except UnicodeDecodeError as exc:
                line = raw[:exc.start].count(b"\n") + 1
                raise AddinError(f"{file}, line {line}: VBA sources must be ASCII (the project's code page is 1252, "
                                 "and other characters change on PCs with another code page).") from None
            modules.append(ovba.Module(name, kind, text))
        ui = folder / "customUI" / "customUI14.xml"
        if not ui.is_file():
            raise AddinError(f"The add-in sources {folder} have no customUI/customUI14.xml.")
        return cls(folder, spec["vba_project_name"], spec["xlwings_project_name"], spec["config_sheet"],
                   tuple((str(k), str(v)) for k, v in spec["config"]), tuple(modules), ui.read_bytes())


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body).encode("utf-8")


def _rels(rels: list[tuple[str, str, str]]) -> bytes:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return _xml(f'<Relationships xmlns="{REL_PKG}">{items}</Relationships>')


def _sheet(rows: tuple[tuple[str, str], ...]) -> bytes:
    cells = []
    for r, (key, value) in enumerate(rows, start=1):
        line = f'<c r="A{r}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
        if value:
            line += f'<c r="B{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        cells.append(f'<row r="{r}">{line}</row>')
    return _xml(f'<worksheet xmlns="{MAIN}" xmlns:r="{REL_DOC}"><sheetPr codeName="Sheet1"/><cols><col min="1" max="1" width="20" customWidth="1"/>'
                f'<col min="2" max="2" width="40" customWidth="1"/></cols><sheetData>{"".join(cells)}</sheetData></worksheet>')


def parts(sources: Sources) -> dict[str, bytes]:
    """Every part of the package, in the order they are written."""
    documents = [m.name for m in sources.modules if m.kind == "document"]
    if documents != ["ThisWorkbook", "Sheet1"]:
        raise AddinError("The add-in's document modules must be ThisWorkbook and Sheet1, the codeNames of its "
                         "workbook and its one sheet.")
    types = (f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{ADDIN_MAIN}"/>'
             f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/>'
             f'<Override PartName="/xl/styles.xml" ContentType="{SML}.styles+xml"/>'
             '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
             '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
             '</Types>')
    return {
        "[Content_Types].xml": _xml(types),
        "_rels/.rels": _rels([
            ("rId1", f"{REL_DOC}/officeDocument", "xl/workbook.xml"),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{REL_DOC}/extended-properties", "docProps/app.xml"),
            ("rId4", REL_UI, "customUI/customUI14.xml")]),
        "docProps/core.xml": _xml('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                                  'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>S75 ribbon (s75xl)</dc:title>'
                                  '<dc:creator>s75xl</dc:creator></cp:coreProperties>'),
        "docProps/app.xml": _xml('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                                 '<Application>Microsoft Excel</Application></Properties>'),
        "xl/workbook.xml": _xml(f'<workbook xmlns="{MAIN}" xmlns:r="{REL_DOC}"><workbookPr codeName="ThisWorkbook"/>'
                                f'<bookViews><workbookView/></bookViews><sheets><sheet name="{escape(sources.config_sheet)}" '
                                'sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": _rels([
            ("rId1", f"{REL_DOC}/worksheet", "worksheets/sheet1.xml"),
            ("rId2", f"{REL_DOC}/styles", "styles.xml"),
            ("rId3", REL_VBA, "vbaProject.bin")]),
        "xl/worksheets/sheet1.xml": _sheet(sources.config),
        "xl/styles.xml": _xml(f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
                              '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
                              '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                              '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                              '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
                              '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
        "customUI/customUI14.xml": sources.custom_ui,
        "xl/vbaProject.bin": cfb.write(ovba.streams(sources.project, list(sources.modules))),
    }


def build_bytes(sources: Sources) -> bytes:
    """The .xlam as bytes: stored members, fixed dates and attributes, fixed order."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts(sources).items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system, info.external_attr = 0, 0
            archive.writestr(info, data)
    return buffer.getvalue()


def build(folder: str | Path, out: str | Path) -> Path:
    """Build the add-in from the sources in `folder` into `out`: atomically, and never over one
    of the source files (s75xl.safety.outputs)."""
    from ..safety.outputs import check_output, write_atomically

    sources = [p for p in Path(folder).rglob("*") if p.is_file()] if Path(folder).is_dir() else []
    check_output(out, sources, what="add-in")
    data = build_bytes(Sources.load(folder))
    return write_atomically(out, lambda temporary: temporary.write_bytes(data), inputs=sources, what="add-in")


# --- the generated modules ---------------------------------------------------------------------

def xlwings_module(project: str) -> str:
    """xlwings' custom add-in module from the installed wheel, with this add-in's PROJECT_NAME."""
    import xlwings

    text = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    text, count = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{project}"', text)
    if count != 1:
        raise AddinError("The installed xlwings' custom add-in module has no PROJECT_NAME constant to set.")
    return text.replace("\r\n", "\n")


def dictionary_class() -> str:
    """xlwings' Dictionary class (used by RunPython on macOS) in the form Excel stores a class:
    the exported file's VERSION/BEGIN header dropped, VB_Base and the two default attributes added."""
    import xlwings

    text = (Path(xlwings.__file__).parent / "addin" / "Dictionary.cls").read_text(encoding="ascii").replace("\r\n", "\n")
    text = re.sub(r"\AVERSION 1\.0 CLASS\nBEGIN\n.*?\nEND\n", "", text, flags=re.S)
    text = text.replace('Attribute VB_Name = "Dictionary"\n',
                        f'Attribute VB_Name = "Dictionary"\nAttribute VB_Base = "{CLASS_BASE}"\n', 1)
    return text.replace("Attribute VB_Exposed = True\n",
                        "Attribute VB_Exposed = True\nAttribute VB_TemplateDerived = False\n"
                        "Attribute VB_Customizable = False\n", 1)


def sync_xlwings(folder: str | Path) -> list[Path]:
    """Write the generated modules from the installed xlwings (after changing the xlwings pin)."""
    folder = Path(folder)
    spec = json.loads((folder / "addin.json").read_text(encoding="utf-8"))
    written = []
    for name, text in (("xlwings.bas", xlwings_module(spec["xlwings_project_name"])), ("Dictionary.cls", dictionary_class())):
        path = folder / "vba" / name
        path.write_bytes(text.encode("ascii"))
        written.append(path)
    return written
