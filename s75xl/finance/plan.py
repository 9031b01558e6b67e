"""From the ledger and a description of the workbook's tables to the planned changes.

The plan is plain data: for each Excel table, its new rows (one value per column, in the
workbook's own column order, with the formula of each calculated column), and a few cell
writes on the Summary (the period, the lines to report). The file adapter (apply.py) applies it
to an .xlsx; an adapter for a workbook open in Excel (xlwings) could resize each ListObject and
write the same values, which is why the plan never holds file offsets or XML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ..fill.plan import CellWrite
from .config import MonitorLayout, TableLayout, normal
from .engine import build_monitor, summary_lines
from .errors import BudgetError
from .monitor import Monitor
from .periods import label
from .sources import Source, open_source


@dataclass
class TableInfo:
    """What the planner needs to know of one Excel table in the workbook."""

    name: str
    sheet: str
    headings: list[str]
    calculated: dict[str, str] = field(default_factory=dict)   # heading -> the formula of each row's cell
    read_rows: Callable[[], list[list]] | None = None           # the current data rows, if asked for


@dataclass(frozen=True)
class TableWrite:
    kind: str
    sheet: str
    table: str
    headings: tuple[str, ...]
    rows: tuple[tuple, ...]
    formulas: dict[str, str]


@dataclass
class RefreshPlan:
    period: pd.Period
    monitor: Monitor
    tables: list[TableWrite] = field(default_factory=list)
    cells: list[CellWrite] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = summary_lines(self.monitor)
        for write in self.tables:
            out.append(f"  table {write.table} on sheet {write.sheet}: {len(write.rows)} rows")
        out += [f"  {note}" for note in self.notes]
        for kind, title in (("report", "To report"), ("problem", "Check"), ("note", "Note")):
            found = [f.text for f in self.monitor.findings if f.kind == kind]
            if found:
                out.append(f"{title}:")
                out += [f"  - {text}" for text in found]
        return out

    @property
    def problems(self) -> int:
        return sum(f.kind == "problem" for f in self.monitor.findings)


def match_tables(tables: list[TableInfo], layout: MonitorLayout) -> dict[str, TableInfo]:
    """Which workbook table holds which kind: by name (any alias), else by its key headings."""
    chosen: dict[str, TableInfo] = {}
    for kind, spec in layout.tables.items():
        by_name = [t for t in tables if normal(t.name) in {normal(n) for n in spec.names}]
        found = by_name or [t for t in tables if set(spec.key) <= {spec.field_for(h) for h in t.headings}]
        # a table found by name needs only the first key column (a budget without subjectives is fine)
        found = [t for t in found if t not in chosen.values()]
        if len(found) > 1 and not by_name:
            raise BudgetError(f"Tables {found[0].name} and {found[1].name} both look like the {kind} table; "
                              f"name one of them {spec.names[0]!r}.")
        if found:
            table = found[0]
            missing = [k for k in spec.key[:1] if k not in {spec.field_for(h) for h in table.headings}]
            if missing:
                raise BudgetError(f"Table {table.name} on sheet {table.sheet} has no column for {missing[0]} "
                                  f"(headed {', '.join(repr(a) for a in spec.columns[missing[0]])}).")
            chosen[kind] = table
    return chosen


def plan_refresh(tables: list[TableInfo], ledger: Source | str, *, period=None, layout: MonitorLayout | None = None,
                 mapping=None, threshold_pct: float | None = None, names: dict[str, tuple[str, str, object]] | None = None,
                 catalogue=None) -> RefreshPlan:
    """The planned changes to a workbook with these tables, from this ledger source.

    `names` maps the workbook's defined names to (sheet, cell or range, current value) for the
    Threshold, ReportPeriod and ReportLines cells. The threshold is, in order: `threshold_pct`,
    the workbook's Threshold cell, the layout's setting.
    """
    layout = layout or MonitorLayout.load()
    names = names or {}
    source = ledger if isinstance(ledger, Source) else open_source(ledger, mapping)
    chosen = match_tables(tables, layout)
    if "budget" not in chosen:
        spec = layout.tables["budget"]
        raise BudgetError(f"The workbook has no budget table (a table named {' or '.join(spec.names)}, or with "
                          f"columns headed {spec.columns[spec.key[0]][0]!r} and {spec.columns[spec.key[-1]][0]!r}).")
    threshold_cell = names.get(layout.threshold_name or "")
    written_threshold = threshold_pct is not None
    if threshold_pct is None and threshold_cell and isinstance(threshold_cell[2], (int, float)) \
            and 0 < threshold_cell[2] < 1:
        threshold_pct = round(threshold_cell[2] * 100, 10)
    threshold_pct = layout.threshold_pct if threshold_pct is None else float(threshold_pct)
    if not 0 < threshold_pct < 100:
        raise BudgetError(f"The threshold must be above 0% and below 100% of budget, not {threshold_pct:g}%.")
    try:
        monitor = build_monitor(source, period=period, threshold_pct=threshold_pct, catalogue=catalogue)
    finally:
        source.close()
    plan = RefreshPlan(monitor.period, monitor)
    for kind, table in chosen.items():
        frame = monitor.tables.get(kind)
        if frame is None:
            plan.notes.append(f"table {table.name} left as it was (the source has no {kind} table)")
            continue
        plan.tables.append(_table_write(kind, table, frame, layout.tables[kind]))
    for kind in layout.tables:
        if kind not in chosen and kind in monitor.tables:
            plan.notes.append(f"the workbook has no {kind} table, so its figures are only in this report")
    if threshold_cell and written_threshold:
        plan.cells.append(CellWrite(threshold_cell[0], threshold_cell[1].split(":")[0], threshold_pct / 100))
    period_cell = names.get(layout.period_name or "")
    if period_cell:
        plan.cells.append(CellWrite(period_cell[0], period_cell[1].split(":")[0], label(monitor.period)))
    if "ReportLines" in names:
        plan.cells += _report_lines(names["ReportLines"], monitor)
    return plan


def _python(value):
    if value is None:
        return None
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _table_write(kind: str, table: TableInfo, frame: pd.DataFrame, spec: TableLayout) -> TableWrite:
    fields = [spec.field_for(h) for h in table.headings]
    keep = [i for i, (h, f) in enumerate(zip(table.headings, fields))
            if (f is None or f not in frame) and h not in table.calculated]
    carried: dict[tuple, list] = {}
    if keep and table.read_rows is not None:
        key_columns = [fields.index(k) for k in spec.key if k in fields]
        for old in table.read_rows():
            carried.setdefault(tuple(normal(old[i]) for i in key_columns), old)
    columns = [frame[f].tolist() if f in frame else [None] * len(frame) for f in fields]
    rows = []
    for values in zip(*columns) if len(frame) else []:
        row = [_python(v) for v in values]
        if keep:
            old = carried.get(tuple(normal(row[fields.index(k)]) for k in spec.key if k in fields))
            for i in keep:
                row[i] = old[i] if old is not None else None
        rows.append(tuple(row))
    return TableWrite(kind, table.sheet, table.name, tuple(table.headings), tuple(rows), dict(table.calculated))


def _report_lines(where: tuple[str, str, object], monitor: Monitor) -> list[CellWrite]:
    """The budget lines to report, written into the Summary's block (label, variance, %, cost centre)."""
    from ..xlsx.refs import box
    from openpyxl.utils import get_column_letter

    sheet, ref, _ = where
    block = box(ref.replace("$", ""))
    budget = monitor.tables["budget"]
    flagged = budget[budget["flag"] != ""]
    capacity = block.max_row - block.min_row + 1
    writes = []
    for index in range(capacity):
        row = block.min_row + index
        values: list = [None, None, None, None]
        if index < len(flagged) and not (index == capacity - 1 and len(flagged) > capacity):
            line = flagged.iloc[index]
            values = [", ".join(str(v) for v in (line["service"], line["subjective"]) if v), float(line["variance"]),
                      _python(line["variance_pct"]), line["cost_centre"]]
        elif index == capacity - 1 and len(flagged) > capacity:
            values = [f"and {len(flagged) - capacity + 1} more: see the Budget sheet", None, None, None]
        for offset, value in enumerate(values[: block.max_col - block.min_col + 1]):
            writes.append(CellWrite(sheet, f"{get_column_letter(block.min_col + offset)}{row}", value))
    return writes
