"""Refreshing a budget monitor file: read its tables, plan, patch the parts that change, save.

Only these parts change: each refreshed table's part and its sheet (the rows of the table's
columns), chart parts with a series over a table column, xl/workbook.xml when a defined name
covers a table column (and for full recalculation on load), the sheet holding the period and
report-lines cells. Every other part is copied byte for byte, and the output is written
atomically (s75xl.safety.outputs: a hidden temporary file renamed into place under a lock, with
the workbook's file mode), never over the ledger, mapping or layout, and never over the input
workbook unless asked, with a backup.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import unescape

from openpyxl.utils.cell import get_column_letter

from ..fill.apply import apply_writes
from ..safety.formulas import neutralise
from ..safety.outputs import check_output, write_atomically
from ..xlsx.charts import resize_series
from ..xlsx.defined_names import defined_names, resize_names
from ..xlsx.formulas import drop_cached_results, mentions
from ..xlsx.package import Package
from ..xlsx.refs import Box, split_sheet_ref
from ..xlsx.relationships import TABLE, targets
from ..xlsx.resize import Resize
from ..xlsx.sheet_rows import SheetRows, cell_xml
from ..xlsx.tables import Table, read_table, resized_xml
from ..xlsx.workbook import set_full_calc_on_load, sheet_parts
from .config import MonitorLayout
from .errors import BudgetError
from .plan import RefreshPlan, TableInfo, TableWrite, plan_refresh



@dataclass
class RefreshReport:
    plan: RefreshPlan
    out: Path
    changed_parts: list[str] = field(default_factory=list)
    resized_names: list[str] = field(default_factory=list)
    resized_series: int = 0

    def lines(self) -> list[str]:
        out = self.plan.lines()
        out.insert(1, f"  wrote {self.out}")
        if self.resized_names or self.resized_series:
            out.insert(2, f"  resized with the tables: {len(self.resized_names)} defined names "
                          f"({', '.join(self.resized_names) or 'none'}), {self.resized_series} chart series")
        return out


@dataclass
class _Found:
    sheet: str
    sheet_part: str
    table: Table


def workbook_tables(package: Package) -> list[_Found]:
    out = []
    for sheet, part in sheet_parts(package).items():
        for table_part in targets(package, part, TABLE):
            if table_part in package:
                out.append(_Found(sheet, part, read_table(table_part, package.read(table_part))))
    return out


class _Strings:
    """The shared strings, read only when an old cell's value is needed."""

    def __init__(self, package: Package):
        self.package = package
        self._items: list[str] | None = None

    def __getitem__(self, index: int) -> str:
        if self._items is None:
            text = (self.package.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in self.package else b"").decode("utf-8")
            self._items = [unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", si, re.S)), {"&quot;": '"', "&apos;": "'"})
                           for si in re.findall(r"<si>(.*?)</si>", text, re.S)]
        return self._items[index]


def cell_value(cell: str, strings: _Strings):
    kind = re.search(r'\bt="(\w+)"', cell[: cell.index(">")])
    kind = kind.group(1) if kind else "n"
    if kind == "inlineStr":
        return unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", cell, re.S)))
    value = re.search(r"<v>(.*?)</v>", cell, re.S)
    if value is None:
        return None
    if kind == "s":
        return strings[int(value.group(1))]
    if kind in ("str", "e"):
        return unescape(value.group(1))
    if kind == "b":
        return value.group(1) == "1"
    number = float(value.group(1))
    return int(number) if number.is_integer() else number


def _info(found: _Found, rows: SheetRows, strings: _Strings) -> TableInfo:
    table = found.table
    calculated = {}
    first = rows.cells(table.first_data_row, table.where.min_col, table.where.max_col)
    for index, column in enumerate(table.columns):
        if column.formula is None:
            continue
        cell = first.get(table.where.min_col + index, "")
        formula = re.search(r"<f>(.*?)</f>", cell, re.S)  # a plain (not shared) formula, as Excel wrote it
        calculated[column.name] = _with_table(table.name, unescape(formula.group(1)) if formula else column.formula)

    def read_rows() -> list[list]:
        out = []
        for row in range(table.first_data_row, table.last_data_row + 1):
            cells = rows.cells(row, table.where.min_col, table.where.max_col)
            out.append([cell_value(cells[c], strings) if c in cells else None
                        for c in range(table.where.min_col, table.where.max_col + 1)])
        return out

    return TableInfo(table.name, found.sheet, [c.name for c in table.columns], calculated, read_rows)


def _with_table(table: str, formula: str) -> str:
    """A calculated-column formula as a cell holds it: "[[#This Row],[X]]" gains the table name
    (Excel reads both; LibreOffice only the second)."""
    return re.sub(r"(?<![\w\]])\[\[#This Row\]", f"{table}[[#This Row]", formula)


def _names(package: Package, sheets: dict[str, str], strings: _Strings) -> dict[str, tuple[str, str, object]]:
    out = {}
    for name, text in defined_names(package.read("xl/workbook.xml").decode("utf-8")).items():
        found = split_sheet_ref(text)
        if found is None or found[0] not in sheets:
            continue
        sheet, where = found
        rows = SheetRows(package.read(sheets[sheet]))
        cell = rows.cells(where.min_row, where.min_col, where.min_col).get(where.min_col)
        out[name] = (sheet, where.a1(), cell_value(cell, strings) if cell else None)
    return out


def refresh_budget(workbook: str | Path, ledger, *, period=None, out: str | Path, mapping=None, layout=None,
                   threshold_pct: float | None = None, in_place: bool = False, catalogue=None) -> RefreshReport:
    """Refresh every linked table of the budget monitor `workbook` from `ledger` into `out`.

    `ledger` is a path (CSV folder or file, Excel workbook, SQLite database) or a database URL;
    `mapping` the column-mapping file; `layout` the tables' layout file (default: the shipped
    one). Returns a report whose ``lines()`` say what was written and found.
    """
    workbook, out = Path(workbook), Path(out)
    same = out.resolve() == workbook.resolve()
    if same and not in_place:
        raise BudgetError(f"The output {out} is the workbook itself; choose another name, or use the in-place "
                          "option, which keeps a backup.")
    if not out.parent.exists():
        raise BudgetError(f"The folder {out.parent} for the output does not exist.")
    protect = [p for p in (ledger, mapping, layout) if isinstance(p, (str, Path)) and "://" not in str(p)]
    if isinstance(ledger, (str, Path)) and Path(ledger).is_dir():  # a folder of CSV files: each is an input
        protect += sorted(Path(ledger).glob("*.csv"))
    if not same:
        protect.append(workbook)
    check_output(out, protect, what="refreshed workbook")  # before any work: never over an input
    package = Package.open(workbook)
    chosen_layout = layout if isinstance(layout, MonitorLayout) else MonitorLayout.load(layout)
    sheets = sheet_parts(package)
    strings = _Strings(package)
    found = workbook_tables(package)
    editors: dict[str, SheetRows] = {}
    for f in found:
        editors.setdefault(f.sheet_part, SheetRows(package.read(f.sheet_part)))
    infos = [_info(f, editors[f.sheet_part], strings) for f in found]
    plan = plan_refresh(infos, ledger, period=period, layout=chosen_layout, mapping=mapping,
                        threshold_pct=threshold_pct, names=_names(package, sheets, strings), catalogue=catalogue)
    report = RefreshReport(plan, out)
    resizes: list[Resize] = []
    columns: dict[tuple[str, int], list] = {}
    by_name = {f.table.name: f for f in found}
    for write in plan.tables:
        f = by_name[write.table]
        resizes.append(_apply_table(package, editors[f.sheet_part], f, write, columns))
    for part, rows in editors.items():
        sheet = next(s for s, p in sheets.items() if p == part)
        package.write_part(part, rows.to_bytes(sheet, [r for r in resizes if r.sheet == sheet]))
    stale = {w.table for w in plan.tables}
    xml, report.resized_names = resize_names(package.read("xl/workbook.xml").decode("utf-8"), resizes)
    package.write_part("xl/workbook.xml", xml.encode("utf-8"))
    for part in [p for p in package.names() if re.fullmatch(r"xl/charts/chart\d+\.xml", p)]:
        xml, count = resize_series(package.read(part).decode("utf-8"), resizes, _values(columns))
        report.resized_series += count
        package.write_part(part, xml.encode("utf-8"))
    apply_writes(package, plan.cells, rag_fill=False)
    stale |= set(report.resized_names)
    for part in sheets.values():
        xml = package.read(part).decode("utf-8")
        if mentions(xml, stale):
            package.write_part(part, drop_cached_results(xml).encode("utf-8"))
    set_full_calc_on_load(package)
    if same:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(workbook, workbook.with_name(f"{workbook.stem}.backup-{stamp}{workbook.suffix}"))
    write_atomically(out, package.save, inputs=protect, mode_from=workbook, what="refreshed workbook")
    report.changed_parts = sorted(set(package.changed) | package.removed)
    return report


def _values(columns: dict[tuple[str, int], list]):
    def values(sheet: str, where: Box):
        data = columns.get((sheet, where.min_col))
        if data is None or where.min_col != where.max_col:
            return None
        first_row, items = data
        start = where.min_row - first_row
        if start < 0:  # the range starts at the header: its first point is the heading
            return None
        return items[start: start + where.max_row - where.min_row + 1]
    return values


def _apply_table(package: Package, rows: SheetRows, found: _Found, write: TableWrite,
                 columns: dict[tuple[str, int], list]) -> Resize:
    table = found.table
    first, min_col, max_col = table.first_data_row, table.where.min_col, table.where.max_col
    count = max(1, len(write.rows))
    new_last = first + count - 1
    old_end = table.where.max_row
    new_end = new_last + table.totals_rows
    if new_end > old_end:
        taken = rows.occupied(old_end + 1, new_end, min_col, max_col)
        if taken:
            raise BudgetError(f"Table {table.name} on sheet {found.sheet} would grow over cell {taken[0]}, which is not "
                              f"empty; move what is below the table (it needs rows {first} to {new_end}).")
    first_cells = rows.cells(first, min_col, max_col)
    styles = {c: int(m.group(1)) if (m := re.search(r'\bs="(\d+)"', x[: x.index(">")])) else 0
              for c, x in first_cells.items()}
    tag = next((x[: x.index(">") + 1] for n, x in rows.rows if n == first), None)
    formulas = [write.formulas.get(h) for h in write.headings]
    data = write.rows or ((None,) * len(write.headings),)
    new_rows: dict[int, str] = {}
    for offset, values in enumerate(data):
        r = first + offset
        new_rows[r] = "".join(cell_xml(f"{get_column_letter(min_col + i)}{r}", None if formulas[i] else neutralise(v),
                                       styles.get(min_col + i, 0), formulas[i]) for i, v in enumerate(values))
    for i in range(len(write.headings)):
        columns[(found.sheet, min_col + i)] = (first, [row[i] for row in data])
    row_tags = {}
    if table.totals_rows:
        old_totals = table.last_data_row + 1
        totals_tag = next((x[: x.index(">") + 1] for n, x in rows.rows if n == old_totals), None)
        cells = rows.cells(old_totals, min_col, max_col)
        new_rows[new_end] = "".join(_moved_total(cells[c], c, new_end) for c in sorted(cells))
        if totals_tag:
            row_tags[new_end] = totals_tag
    rows.replace(first, old_end, min_col, max_col, new_rows, row_tags, _tag(tag))
    package.write_part(table.part, resized_xml(table, count))
    return Resize(found.sheet, table.data_box(), table.where.min_row, new_last)


def _tag(tag: str | None) -> str:
    return tag[:-2].rstrip() + ">" if tag and tag.endswith("/>") else (tag or '<row r="0">')


def _moved_total(cell: str, col: int, row: int) -> str:
    """A totals-row cell moved to its new row (its cached result is dropped with the sheet's)."""
    return re.sub(r'\br="[A-Z]+\d+"', f'r="{get_column_letter(col)}{row}"', cell, count=1)

