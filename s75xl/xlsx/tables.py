"""Excel tables (ListObjects, ``xl/tables/tableN.xml``): reading one, and resizing it.

A table part names the table, gives its range (``ref``: header row, data rows, totals row),
its autoFilter range, and its columns with any calculated-column formula and totals-row
function. Resizing changes only the ``ref`` and autoFilter (and a sortState, if any) so that
everything else Excel wrote there (styles, ids, extension lists) stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

from .refs import Box, box

TABLE_TAG = re.compile(r"<table\b[^>]*>", re.S)
COLUMN = re.compile(r"<tableColumn\b[^>]*?(?:/>|>.*?</tableColumn>)", re.S)
ATTR = re.compile(r'([\w:]+)="([^"]*)"')


@dataclass
class TableColumn:
    name: str
    formula: str | None = None          # the calculated-column formula, without "="
    totals_function: str | None = None  # sum, count, average, min, max, countNums, custom, ...
    totals_label: str | None = None


@dataclass
class Table:
    part: str
    xml: str
    name: str
    display_name: str
    where: Box
    header_rows: int
    totals_rows: int
    columns: list[TableColumn] = field(default_factory=list)

    @property
    def first_data_row(self) -> int:
        return self.where.min_row + self.header_rows

    @property
    def last_data_row(self) -> int:
        return self.where.max_row - self.totals_rows

    @property
    def data_rows(self) -> int:
        return self.last_data_row - self.first_data_row + 1

    def column_box(self, index: int) -> Box:
        """The data cells of one column (0-based index)."""
        col = self.where.min_col + index
        return Box(col, self.first_data_row, col, self.last_data_row)

    def data_box(self) -> Box:
        return Box(self.where.min_col, self.first_data_row, self.where.max_col, self.last_data_row)


def read_table(part: str, xml: bytes) -> Table:
    text = xml.decode("utf-8")
    head = TABLE_TAG.search(text)
    attrs = dict(ATTR.findall(head.group(0)))
    columns = []
    for column_xml in COLUMN.findall(text):
        column_attrs = dict(ATTR.findall(column_xml[: column_xml.index(">")]))
        formula = re.search(r"<calculatedColumnFormula\b[^>]*>(.*?)</calculatedColumnFormula>", column_xml, re.S)
        columns.append(TableColumn(
            name=unescape(column_attrs.get("name", ""), {"&quot;": '"', "&apos;": "'"}).replace("_x000a_", "\n"),
            formula=unescape(formula.group(1), {"&quot;": '"', "&apos;": "'"}) if formula else None,
            totals_function=column_attrs.get("totalsRowFunction"),
            totals_label=column_attrs.get("totalsRowLabel")))
    header_rows = int(attrs.get("headerRowCount", "1"))
    totals_rows = int(attrs.get("totalsRowCount", "0"))
    return Table(part, text, attrs.get("name", ""), attrs.get("displayName", attrs.get("name", "")), box(attrs["ref"]),
                 header_rows, totals_rows, columns)


def resized_xml(table: Table, data_rows: int) -> bytes:
    """The table part with room for `data_rows` rows (at least one, as Excel requires)."""
    rows = max(1, data_rows)
    last = table.first_data_row + rows - 1 + table.totals_rows
    new = Box(table.where.min_col, table.where.min_row, table.where.max_col, last)
    filtered = Box(new.min_col, new.min_row, new.max_col, last - table.totals_rows)
    text = table.xml
    head = TABLE_TAG.search(text)
    new_head = re.sub(r'\bref="[^"]*"', f'ref="{new.a1()}"', head.group(0), count=1)
    text = text[: head.start()] + new_head + text[head.end():]
    text = re.sub(r'(<autoFilter\b[^>]*?\bref=")[^"]*(")', rf"\g<1>{filtered.a1()}\g<2>", text, count=1)
    text = re.sub(r'(<sortState\b[^>]*?\bref=")[^"]*(")',
                  rf"\g<1>{Box(new.min_col, table.first_data_row, new.max_col, filtered.max_row).a1()}\g<2>", text, count=1)
    return text.encode("utf-8")
