"""Relationship parts (``_rels/*.rels``): which parts a part points to, by type.

The table refresh needs a sheet's table parts; a relationship target is relative to the folder
of the part that owns the relationships (or absolute, from the package root).
"""

from __future__ import annotations

import posixpath

from defusedxml import ElementTree

from .package import Package, TemplateError

REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"


def rels_part(part: str) -> str:
    """xl/worksheets/sheet2.xml -> xl/worksheets/_rels/sheet2.xml.rels"""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def targets(package: Package, part: str, rel_type: str) -> list[str]:
    """The parts that `part` points to with relationships of `rel_type`, in the order listed."""
    name = rels_part(part)
    if name not in package:
        return []
    try:
        root = ElementTree.fromstring(package.read(name))
    except ElementTree.ParseError as exc:
        raise TemplateError(f"The workbook {package.path} has an unreadable part {name} ({exc}).") from None
    out = []
    for rel in root.findall(f"{REL_NS}Relationship"):
        if rel.get("Type") != rel_type or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        out.append(target.lstrip("/") if target.startswith("/") else
                   posixpath.normpath(posixpath.join(posixpath.dirname(part), target)))
    return out
