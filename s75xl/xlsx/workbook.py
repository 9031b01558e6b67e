"""Workbook-level parts: which XML part holds each sheet, and full recalculation on load.

When a formula cell is overwritten, Excel's calculation chain (xl/calcChain.xml) no longer
matches the sheets, so it is removed with its relationship and content-type entries, and
``<calcPr fullCalcOnLoad="1"/>`` makes Excel recalculate everything on opening
(shared/reference/xlwings.md 5.3).
"""

from __future__ import annotations

import posixpath
import re

from defusedxml import ElementTree

from .package import Package, TemplateError

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def sheet_parts(package: Package) -> dict[str, str]:
    """Sheet name -> part name (e.g. "Dashboard" -> "xl/worksheets/sheet1.xml"), in workbook order."""
    try:
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except (ElementTree.ParseError, KeyError) as exc:
        raise TemplateError(f"The template {package.path} has an unreadable workbook part ({exc}).") from None
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    out = {}
    for sheet in workbook.findall("m:sheets/m:sheet", NS):
        target = targets.get(sheet.get(f"{{{NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out[sheet.get("name")] = part
    return out


def set_full_calc_on_load(package: Package) -> None:
    """Ask Excel to recalculate everything when the file opens, and drop the stale calc chain."""
    xml = package.read("xl/workbook.xml").decode("utf-8")
    if re.search(r"<calcPr\b[^>]*\bfullCalcOnLoad=", xml):
        xml = re.sub(r'(<calcPr\b[^>]*\bfullCalcOnLoad=)"[^"]*"', r'\1"1"', xml)
    elif "<calcPr" in xml:
        xml = re.sub(r"<calcPr\b", '<calcPr fullCalcOnLoad="1"', xml, count=1)
    else:
        xml = re.sub(r"(</sheets>(?:\s*<definedNames>.*?</definedNames>)?)", r'\1<calcPr fullCalcOnLoad="1"/>', xml,
                     count=1, flags=re.S)
    package.write_part("xl/workbook.xml", xml.encode("utf-8"))
    if "xl/calcChain.xml" in package:
        package.remove_part("xl/calcChain.xml")
        rels = package.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        rels = re.sub(r"<Relationship\b[^>]*Target=\"/?(?:xl/)?calcChain\.xml\"[^>]*/>", "", rels)
        package.write_part("xl/_rels/workbook.xml.rels", rels.encode("utf-8"))
        types = package.read("[Content_Types].xml").decode("utf-8")
        types = re.sub(r"<Override\b[^>]*PartName=\"/xl/calcChain\.xml\"[^>]*/>", "", types)
        package.write_part("[Content_Types].xml", types.encode("utf-8"))
