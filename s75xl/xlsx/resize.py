"""The rule by which references follow a table that grows or shrinks.

A reference follows a table when it lies on the table's sheet, within the table's columns, and
covers exactly the table's data rows (or the header row and the data rows): the Budget column
``Budget!$G$5:$G$10`` of a table whose data is rows 5 to 10 becomes ``Budget!$G$5:$G$50`` when
the table grows to 46 rows. Any other reference is left alone. Defined names, chart series and
conditional-format ranges all use this one rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from .refs import Box


@dataclass(frozen=True)
class Resize:
    sheet: str
    table: Box        # the old data rows of the table (all its columns)
    header_row: int   # the table's header row
    new_last_row: int

    def apply(self, sheet: str, where: Box) -> Box | None:
        """The new rectangle for a reference on `sheet`, or None if it does not follow this table."""
        if sheet != self.sheet or where.min_col < self.table.min_col or where.max_col > self.table.max_col:
            return None
        if where.max_row != self.table.max_row or where.min_row not in (self.table.min_row, self.header_row):
            return None
        return Box(where.min_col, where.min_row, where.max_col, self.new_last_row)


def follow(sheet: str, where: Box, resizes: list[Resize]) -> Box | None:
    for resize in resizes:
        moved = resize.apply(sheet, where)
        if moved is not None:
            return moved
    return None
