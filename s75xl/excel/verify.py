"""Check a built add-in by reading it back: what Excel will find in it, and that it is our sources.

Each check reads the .xlam with a different reader from the one that wrote it:

- ``package``: every part has a content type, every relationship its target, the main part the
  add-in content type, and the workbook's codeNames are the document modules (zipfile, lxml);
- ``customui``: the tab validates against Microsoft's ribbon schema (lxml + the XSDs in
  `workbooks/addin/schemas/`), its ids are unique, and it sits under the relationship its namespace
  needs;
- ``callbacks``: every ``onAction="Module.Sub"`` names a ``Public Sub Sub(control As
  IRibbonControl)`` in that module;
- ``olevba``: oletools' olevba reads every module back equal to its text source, and no other;
- ``rebuild``: building the sources again gives the same bytes;
- ``xlwings``: the embedded xlwings module is the installed xlwings' own, with its version;
- ``ascii``: the VBA sources are ASCII;
- ``libreoffice`` (optional): LibreOffice's own VBA importer, forced to read the .xlam, sees the
  same modules with the same code.

oletools and lxml are test dependencies (`pip install "s75xl[test]"`); `check` says so if missing.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import S75Error
from .addin import ADDIN_MAIN, REL_UI, Sources, build_bytes, dictionary_class, xlwings_module

CUSTOMUI_14 = "http://schemas.microsoft.com/office/2009/07/customui"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
XSD = "{http://www.w3.org/2001/XMLSchema}"
LO_FILTER = "Calc MS Excel 2007 VBA XML"  # LibreOffice cannot detect an .xlam; the filter must be forced


@dataclass(frozen=True)
class Check:
    name: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'} {self.name}" + ("" if self.ok else ": " + "; ".join(self.problems))


def _lxml():
    try:
        from lxml import etree
    except ImportError:
        raise S75Error("Checking the add-in needs lxml and oletools: pip install \"s75xl[test]\".") from None
    return etree


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n")


# --- package -----------------------------------------------------------------------------------

def _content_type(name: str, defaults: dict, overrides: dict) -> str | None:
    return overrides.get("/" + name) or defaults.get(name.rsplit(".", 1)[-1].lower())


def check_package(archive: zipfile.ZipFile, sources: Sources) -> Check:
    etree = _lxml()
    problems = []
    names = set(archive.namelist())
    types = etree.fromstring(archive.read("[Content_Types].xml"))
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(f"{CT}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    for name in sorted(names - {"[Content_Types].xml"}):
        if not _content_type(name, defaults, overrides):
            problems.append(f"the part {name} has no content type")
    for part in overrides:
        if part.lstrip("/") not in names:
            problems.append(f"the content type override names a missing part {part}")
    for rels in sorted(n for n in names if n.endswith(".rels")):
        folder = posixpath.dirname(posixpath.dirname(rels))
        for rel in etree.fromstring(archive.read(rels)).iter(f"{RELS}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target"))).lstrip("/")
            if target not in names:
                problems.append(f"{rels}: the relationship {rel.get('Id')} points to a missing part {target}")
    if _content_type("xl/workbook.xml", defaults, overrides) != ADDIN_MAIN:
        problems.append("the workbook part does not have the add-in content type")
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    code_names = {re.search(r'workbookPr codeName="([^"]+)"', workbook).group(1) if 'codeName' in workbook else None,
                  re.search(r'sheetPr codeName="([^"]+)"', sheet).group(1) if 'codeName' in sheet else None}
    documents = {m.name for m in sources.modules if m.kind == "document"}
    if code_names != documents:
        problems.append(f"the workbook's codeNames {sorted(map(str, code_names))} are not the document modules "
                        f"{sorted(documents)}")
    return Check("package: content types, relationships, codeNames", tuple(problems))


# --- customUI ----------------------------------------------------------------------------------

def ribbon_schema(folder: Path):
    """Microsoft's customUI14 schema as libxml2 accepts it.

    As published, extending types re-declare attributes their base type already has (directly or
    through attribute groups), which libxml2 refuses ("Duplicate attribute use"). Each attribute
    libxml2 names is dropped from the extending type, a group holding it being replaced by its
    other attributes, so every element allows exactly the attributes it did.
    """
    import copy

    etree = _lxml()
    doc = etree.parse(str(folder / "customui14.xsd"))
    groups = {g.get("name"): g for g in doc.getroot().iter(f"{XSD}attributeGroup") if g.get("name")}

    def flat(group) -> list:
        out = []
        for child in group:
            if child.tag == f"{XSD}attribute":
                out.append(child)
            elif child.tag == f"{XSD}attributeGroup":
                out += flat(groups[child.get("ref")])
        return out

    for _ in range(20):
        try:
            return etree.XMLSchema(doc)
        except etree.XMLSchemaParseError as exc:
            duplicates: dict[str, set[str]] = {}
            for entry in exc.error_log:
                m = re.search(r"complex type '(\w+)': Duplicate attribute use '(\w+)'", entry.message)
                if not m:
                    raise
                duplicates.setdefault(m.group(1), set()).add(m.group(2))
            for type_name, names in duplicates.items():
                extension = doc.getroot().find(f"{XSD}complexType[@name='{type_name}']//{XSD}extension")
                for child in list(extension):
                    if child.tag == f"{XSD}attribute" and child.get("name") in names:
                        extension.remove(child)
                    elif child.tag == f"{XSD}attributeGroup":
                        inner = flat(groups[child.get("ref")])
                        if any(a.get("name") in names for a in inner):
                            at = extension.index(child)
                            extension.remove(child)
                            for offset, kept in enumerate(a for a in inner if a.get("name") not in names):
                                extension.insert(at + offset, copy.deepcopy(kept))
    raise S75Error(f"The ribbon schema in {folder} could not be made acceptable to libxml2.")


def check_customui(archive: zipfile.ZipFile, schemas: Path) -> Check:
    etree = _lxml()
    problems = []
    rels = etree.fromstring(archive.read("_rels/.rels"))
    ui = [r for r in rels.iter(f"{RELS}Relationship") if "ui/extensibility" in r.get("Type")]
    if len(ui) != 1:
        return Check("customUI: schema, ids, relationship", (f"{len(ui)} customUI relationships, not 1",))
    target = ui[0].get("Target").lstrip("/")
    root = etree.fromstring(archive.read(target))
    if root.tag != f"{{{CUSTOMUI_14}}}customUI":
        problems.append(f"{target} is not a customUI14 (2009/07) document")
    elif ui[0].get("Type") != REL_UI:
        problems.append(f"a 2009/07 customUI needs the relationship type {REL_UI}")
    schema = ribbon_schema(schemas)
    if not schema.validate(etree.ElementTree(root)):
        problems += [f"{target} line {e.line}: {e.message}" for e in schema.error_log]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    problems += [f"the id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return Check("customUI: schema, ids, relationship", tuple(problems))


def callbacks(custom_ui: bytes) -> list[str]:
    """The onAction callbacks of the tab, in order."""
    etree = _lxml()
    return [e.get("onAction") for e in etree.fromstring(custom_ui).iter() if e.get("onAction") is not None]


def check_callbacks(custom_ui: bytes, modules: dict[str, str]) -> Check:
    problems = []
    for callback in callbacks(custom_ui):
        module, _, sub = callback.rpartition(".")
        code = modules.get(module)
        if not module or code is None:
            problems.append(f"onAction {callback!r} does not name a module of the add-in")
            continue
        pattern = rf"^Public Sub {re.escape(sub)}\(\s*control As IRibbonControl\s*\)"
        if not re.search(pattern, code, flags=re.M | re.I):
            problems.append(f"onAction {callback!r}: {module} has no Public Sub {sub}(control As IRibbonControl)")
    return Check("callbacks: every onAction has its Public Sub", tuple(problems))


# --- the VBA project read back -----------------------------------------------------------------

def olevba_modules(path: Path) -> dict[str, str]:
    """Module name -> source, as oletools' olevba reads them from the file."""
    try:
        from oletools.olevba import VBA_Parser
    except ImportError:
        raise S75Error("Checking the add-in needs lxml and oletools: pip install \"s75xl[test]\".") from None
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def check_olevba(read: dict[str, str], sources: Sources) -> Check:
    problems = []
    expected = {m.name: m.source for m in sources.modules}
    for name in sorted(set(expected) | set(read)):
        if name not in read:
            problems.append(f"the module {name} is not in the file")
        elif name not in expected:
            problems.append(f"the file has a module {name} with no text source")
        elif _norm(read[name]) != _norm(expected[name]):
            problems.append(f"the module {name} differs from its text source")
    return Check("olevba: every module equals its text source", tuple(problems))


def check_rebuild(data: bytes, sources: Sources) -> Check:
    same = build_bytes(sources) == data
    return Check("rebuild: a fresh build is byte-identical", () if same else
                 ("the file is not what the sources build (rebuild it with s75xl addin build; never save it from Excel)",))


def check_xlwings(sources: Sources, read: dict[str, str]) -> Check:
    import xlwings

    problems = []
    embedded = read.get("xlwings", "")
    version = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', embedded)
    if not version or version.group(1) != xlwings.__version__:
        problems.append(f"the embedded xlwings module is version {version.group(1) if version else 'unknown'}, "
                        f"the installed xlwings {xlwings.__version__} (run s75xl addin build --sync-xlwings)")
    elif _norm(embedded) != xlwings_module(sources.xlwings_project):
        problems.append("the embedded xlwings module is not the installed xlwings' own (it was edited by hand)")
    if "Dictionary" in read and _norm(read["Dictionary"]) != dictionary_class():
        problems.append("the embedded Dictionary class is not the installed xlwings' own")
    return Check("xlwings: the embedded module is the installed xlwings'", tuple(problems))


def check_ascii(folder: Path) -> Check:
    problems = []
    for path in sorted((folder / "vba").iterdir()):
        raw = path.read_bytes()
        bad = [i for i, b in enumerate(raw) if b > 127]
        if bad:
            line = raw[:bad[0]].count(b"\n") + 1
            problems.append(f"{path.name} line {line} is not ASCII")
    return Check("ascii: the VBA sources are ASCII", tuple(problems))


# --- LibreOffice -------------------------------------------------------------------------------

def libreoffice_modules(path: Path, soffice: str = "soffice") -> dict[str, tuple[str, str]]:
    """Module name -> (type, code) as LibreOffice's VBA importer loads the add-in: it is opened with
    the Excel 2007 VBA filter forced and saved as .ods, whose Basic library holds what it imported."""
    etree = _lxml()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        shutil.copy(path, work / "addin.xlam")
        subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                        f"--infilter={LO_FILTER}", "--convert-to", "ods", "--outdir", str(work), str(work / "addin.xlam")],
                       check=True, capture_output=True, timeout=180)
        out = {}
        with zipfile.ZipFile(work / "addin.ods") as ods:
            for name in ods.namelist():
                if name.startswith("Basic/") and name.endswith(".xml") and "script-l" not in name \
                        and not name.startswith("Basic/Standard/"):
                    module = etree.fromstring(ods.read(name), parser=etree.XMLParser(load_dtd=False, no_network=True))
                    script = "{http://openoffice.org/2000/script}"
                    out[module.get(f"{script}name")] = (module.get(f"{script}moduleType"), module.text or "")
        return out


def check_libreoffice(path: Path, sources: Sources, soffice: str = "soffice") -> Check:
    kinds = {"standard": "normal", "class": "class", "document": "document"}
    problems = []
    seen = libreoffice_modules(path, soffice)
    for module in sources.modules:
        if module.name not in seen:
            problems.append(f"LibreOffice does not see the module {module.name}")
            continue
        kind, code = seen[module.name]
        if kind != kinds[module.kind]:
            problems.append(f"LibreOffice sees {module.name} as a {kind} module, not {kinds[module.kind]}")
        lines = _norm(code).split("\n")
        while lines and (lines[0].startswith("Rem Attribute VBA_ModuleType") or lines[0] == "Option VBASupport 1"
                         or lines[0] == "Option ClassModule"):
            lines.pop(0)
        body = [line for line in _norm(module.source).split("\n") if not line.startswith("Attribute ")]
        if "\n".join(lines).strip("\n") != "\n".join(body).strip("\n"):
            problems.append(f"LibreOffice reads the code of {module.name} differently")
    problems += [f"LibreOffice sees a module {name} with no text source" for name in
                 sorted(set(seen) - {m.name for m in sources.modules})]
    return Check("libreoffice: its VBA importer sees the same modules", tuple(problems))


# --- all together ------------------------------------------------------------------------------

def verify(xlam: str | Path, sources_folder: str | Path, *, libreoffice: bool = False,
           soffice: str = "soffice") -> list[Check]:
    """Every check of the built add-in against its sources."""
    xlam, folder = Path(xlam), Path(sources_folder)
    if not xlam.is_file():
        raise S75Error(f"The add-in {xlam} does not exist; build it with s75xl addin build.")
    sources = Sources.load(folder)
    data = xlam.read_bytes()
    try:
        archive = zipfile.ZipFile(xlam)
    except zipfile.BadZipFile:
        raise S75Error(f"The add-in {xlam} is not a zip package.") from None
    with archive:
        read = olevba_modules(xlam)
        checks = [check_package(archive, sources),
                  check_customui(archive, folder / "schemas"),
                  check_callbacks(archive.read("customUI/customUI14.xml"), read),
                  check_olevba(read, sources),
                  check_rebuild(data, sources),
                  check_xlwings(sources, read),
                  check_ascii(folder)]
    if libreoffice:
        checks.append(check_libreoffice(xlam, sources, soffice))
    return checks
