"""Defined names (``<definedName>`` in xl/workbook.xml): reading them, and resizing those that
cover a table column when the table grows or shrinks (rule in resize.py)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, unescape

from .refs import split_sheet_ref, sheet_ref
from .resize import Resize, follow

NAME = re.compile(r"(<definedName\b[^>]*>)(.*?)(</definedName>)", re.S)


def defined_names(workbook_xml: str) -> dict[str, str]:
    """name -> formula text (workbook-scoped and sheet-scoped alike; sheet-scoped ones last)."""
    out = {}
    for open_tag, body, _ in NAME.findall(workbook_xml):
        name = re.search(r'\bname="([^"]*)"', open_tag).group(1)
        if "localSheetId" in open_tag and name in out:
            continue
        out[name] = unescape(body, {"&quot;": '"', "&apos;": "'"})
    return out


def resize_names(workbook_xml: str, resizes: list[Resize]) -> tuple[str, list[str]]:
    """The workbook XML with every name that follows a table resized, and the names changed."""
    changed: list[str] = []

    def one(match: re.Match) -> str:
        body = unescape(match.group(2), {"&quot;": '"', "&apos;": "'"})
        found = split_sheet_ref(body)
        if found is None:
            return match.group(0)
        moved = follow(found[0], found[1], resizes)
        if moved is None or moved == found[1]:
            return match.group(0)
        changed.append(re.search(r'\bname="([^"]*)"', match.group(1)).group(1))
        return match.group(1) + escape(sheet_ref(found[0], moved), {"'": "&apos;"} if "&apos;" in match.group(2) else {}) + match.group(3)

    return NAME.sub(one, workbook_xml), changed
