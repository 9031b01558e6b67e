"""Cell styles: find (or, only if needed, add) the style that is a cell's own plus a RAG fill.

A RAG colour is the cell's existing style (number format, font, borders) with a different fill.
If the template already has such a style (our templates carry a RAG legend that defines them),
its index is reused and styles.xml is not touched; otherwise one fill and one cell format are
appended to styles.xml, and that part changes.
"""

from __future__ import annotations

import re

from .package import Package

RAG_COLOURS = {"Green": "FFC6EFCE", "Amber": "FFFFEB9C", "Red": "FFFFC7CE", "Blue": "FFBDD7EE"}
XF = re.compile(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
FILL = re.compile(r"<fill\b[^>]*?(?:/>|>.*?</fill>)", re.S)


class Styles:
    def __init__(self, package: Package):
        self.package = package
        self.text = package.read("xl/styles.xml").decode("utf-8")
        self._found: dict[tuple[int, str], int] = {}  # (base style, RAG) -> style: one search each

    def _block(self, tag: str) -> re.Match:
        return re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", self.text, re.S)

    def _xfs(self) -> list[str]:
        return XF.findall(self._block("cellXfs").group(1))

    def _fills(self) -> list[str]:
        return FILL.findall(self._block("fills").group(1))

    def fill_index(self, rgb: str) -> int | None:
        for index, fill in enumerate(self._fills()):
            if 'patternType="solid"' in fill and re.search(rf'<fgColor\b[^>]*rgb="{rgb}"', fill, re.I):
                return index
        return None

    def with_fill(self, base: int, rag: str) -> int:
        """The style index of style `base` with the RAG colour's fill."""
        if (base, rag) not in self._found:
            self._found[base, rag] = self._with_fill(base, rag)
        return self._found[base, rag]

    def _with_fill(self, base: int, rag: str) -> int:
        rgb = RAG_COLOURS[rag]
        xfs = self._xfs()
        base_xf = xfs[base] if base < len(xfs) else xfs[0]
        fill = self.fill_index(rgb)
        if fill is None:
            fill = self._append("fills", f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/>'
                                         f'<bgColor indexed="64"/></patternFill></fill>')
        wanted = _set_attrs(base_xf, fillId=str(fill), applyFill="1")
        for index, xf in enumerate(xfs):
            if _same_xf(xf, wanted):
                return index
        return self._append("cellXfs", wanted)

    def _append(self, tag: str, element: str) -> int:
        block = self._block(tag)
        count = len(XF.findall(block.group(1)) if tag == "cellXfs" else FILL.findall(block.group(1)))
        start, end = block.span(1)
        self.text = self.text[:start] + block.group(1) + element + self.text[end:]
        self.text = re.sub(rf'(<{tag}\b[^>]*\bcount=")\d+(")', rf"\g<1>{count + 1}\g<2>", self.text, count=1)
        self.package.write_part("xl/styles.xml", self.text.encode("utf-8"))
        return count


def _attrs(xf: str) -> dict[str, str]:
    return dict(re.findall(r'(\w+)="([^"]*)"', xf[: xf.index(">")]))


def _same_xf(a: str, b: str) -> bool:
    ignore = {"applyFill", "xfId"}
    strip = lambda attrs: {k: v for k, v in attrs.items() if k not in ignore}  # noqa: E731
    body = lambda xf: xf[xf.index(">") + 1:] if not xf.rstrip().endswith("/>") else ""  # noqa: E731
    return strip(_attrs(a)) == strip(_attrs(b)) and body(a) == body(b)


def _set_attrs(xf: str, **values: str) -> str:
    head_end = xf.index(">") + (0 if not xf[: xf.index(">") + 1].endswith("/>") else -1)
    head, tail = xf[:head_end], xf[head_end:]
    for key, value in values.items():
        if re.search(rf'\b{key}="', head):
            head = re.sub(rf'\b{key}="[^"]*"', f'{key}="{value}"', head)
        else:
            head += f' {key}="{value}"'
    return head + tail
