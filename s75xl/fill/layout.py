"""Layout files: how to find measures, periods, targets and RAG cells in a template by their labels.

A layout is a small TOML file beside the template. Nothing in it is a fixed cell address, so a
council's variant of a template (rows reordered, extra rows or columns, headings renamed within
the aliases) fills with the same layout::

    name = "Monthly vital signs dashboard"
    sheet = "Dashboard"                      # or sheet_contains = "Dashboard"
    header = ["Monthly", "Measure"]          # the heading above the measure labels (any alias)
    periods = "month"                        # month, quarter, year or none: how period headings read
    rolling = 13                             # optional: a rolling window of this many periods
    id_prefix = "CAM-"                       # optional: labels are ids like "2a" meaning CAM-2a
    [columns]                                # other columns, found by heading in the header row
    target = ["Target"]
    rag = ["RAG", "Rating"]
    [rows]
    counts = 1                               # optional: a "numerator / denominator" row this far below
    [measures]                               # optional: labels the catalogue does not know
    "Admissions 18-64 (rolling)" = "NFK-VS-02"

``percent_cells`` (optional, top level): "auto" (the default) writes a percentage into a cell
formatted as a percentage (``0.0%``) as a fraction, 88.6% as 0.886, and as 88.6 elsewhere;
"fraction" or "number" says so for every cell whatever its format.

Period headings may be real dates or text such as "Mar 16", "Mar-16", "March 2017",
"Q2 2016/17" or "2016/17"; quarter columns headed by their last month ("Jun-16") work too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..catalogue import code_key, default_catalogue, tomllib
from ..errors import S75Error
from .lookup import find_measure

PERCENT_CELL_MODES = ("auto", "fraction", "number")
MONTHS = {m.lower(): i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                               "Oct", "Nov", "Dec"], start=1)}


class LayoutError(S75Error):
    """A layout file that is invalid, or whose labels are not in the template."""


@dataclass
class Layout:
    path: Path
    name: str
    sheet: str | None
    sheet_contains: str | None
    header: list[str]
    periods: str
    rolling: int | None = None
    id_prefix: str = ""
    columns: dict[str, list[str]] = field(default_factory=dict)
    counts_offset: int | None = None
    measures: dict[str, str] = field(default_factory=dict)
    percent_cells: str = "auto"  # auto: as each cell's number format says; fraction; number

    @classmethod
    def load(cls, path: str | Path) -> "Layout":
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LayoutError(f"The layout file {path} does not exist.") from None
        except tomllib.TOMLDecodeError as exc:
            raise LayoutError(f"The layout file {path} is not valid TOML: {exc}.") from None
        except UnicodeDecodeError:
            raise LayoutError(f"The layout file {path} is not UTF-8 text (is it a layout file?).") from None
        except IsADirectoryError:
            raise LayoutError(f"The layout file {path} is a folder, not a file.") from None
        _check_types(data, path)
        known = {"name", "sheet", "sheet_contains", "header", "periods", "rolling", "id_prefix", "columns", "rows",
                 "measures", "percent_cells"}
        for key in data:
            if key not in known:
                raise LayoutError(f"The layout file {path} has an unknown setting {key!r}.")
        header = data.get("header")
        if isinstance(header, str):
            header = [header]
        if not header:
            raise LayoutError(f"The layout file {path} must say which heading sits above the measure labels ('header').")
        periods = data.get("periods", "none")
        if periods not in ("month", "quarter", "year", "none"):
            raise LayoutError(f"The layout file {path}: 'periods' must be month, quarter, year or none.")
        percent_cells = data.get("percent_cells", "auto")
        if percent_cells not in PERCENT_CELL_MODES:
            raise LayoutError(f"The layout file {path}: 'percent_cells' must be {', '.join(PERCENT_CELL_MODES)}.")
        columns = {k: [v] if isinstance(v, str) else list(v) for k, v in data.get("columns", {}).items()}
        return cls(path, data.get("name", path.stem), data.get("sheet"), data.get("sheet_contains"), list(header),
                   periods, data.get("rolling"), data.get("id_prefix", ""), columns,
                   data.get("rows", {}).get("counts"), dict(data.get("measures", {})), percent_cells)


def _check_types(data: dict, path: Path) -> None:
    """Each setting of the type the layout format documents, in one sentence naming it."""
    def fail(key: str, wanted: str) -> LayoutError:
        return LayoutError(f"The layout file {path}: {key!r} must be {wanted}.")

    def texts(value) -> bool:
        return isinstance(value, str) or (isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value))

    for key in ("name", "sheet", "sheet_contains", "periods", "id_prefix"):
        if key in data and not isinstance(data[key], str):
            raise fail(key, "text")
    if "header" in data and not texts(data["header"]):
        raise fail("header", "a heading or a list of headings")
    rolling = data.get("rolling")
    if rolling is not None and (isinstance(rolling, bool) or not isinstance(rolling, int) or not 1 <= rolling <= 120):
        raise fail("rolling", "a whole number of periods from 1 to 120")
    for key in ("columns", "rows", "measures"):
        if key in data and not isinstance(data[key], dict):
            raise fail(key, "a table")
    for name, aliases in data.get("columns", {}).items():
        if not texts(aliases):
            raise fail(f"columns.{name}", "a heading or a list of headings")
    counts = data.get("rows", {}).get("counts")
    if counts is not None and (isinstance(counts, bool) or not isinstance(counts, int) or not 1 <= counts <= 100):
        raise fail("rows.counts", "a whole number of rows from 1 to 100")
    for label, measure in data.get("measures", {}).items():
        if not isinstance(measure, str):
            raise fail(f"measures.{label[:60]}", "a measure code")


def _text(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def period_of_heading(value, kind: str) -> tuple[int, int] | None:
    """(year, month) of the period's last month, from a heading; None if it is not one."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.year, value.month
    text = _text(value)
    if not text:
        return None
    if kind == "year":
        m = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text)
        return (int(m.group(1)) + 1, 3) if m else None
    m = re.fullmatch(r"(?i)Q([1-4])\s*(\d{4})\s*[/-]\s*\d{2,4}", text)
    if m:
        start = int(m.group(2))
        month = 3 * int(m.group(1)) + 3
        return (start, month) if month <= 12 else (start + 1, month - 12)
    m = re.fullmatch(r"(?i)([A-Za-z]{3})[A-Za-z]*[\s-]*(\d{2}|\d{4})", text)
    if m and m.group(1).lower() in MONTHS:
        year = int(m.group(2))
        return (year + 2000 if year < 100 else year), MONTHS[m.group(1).lower()]
    return None


@dataclass
class Found:
    """Where things are on the template's sheet."""

    sheet: str
    header_row: int
    label_column: int
    measure_rows: dict[str, int]  # measure id -> row
    unmatched_labels: list[str]
    period_columns: dict[tuple[int, int], int]  # (year, month) -> column
    period_headings: dict[int, object]  # column -> the heading as written
    columns: dict[str, int]  # "target", "rag", ... -> column


def find(layout: Layout, grid: dict[str, list[list]]) -> Found:
    """Locate everything the layout names in the template's cell values (sheet -> rows of values;
    only the layout's sheet needs its rows, see `read_grid`)."""
    sheet = _sheet(layout, list(grid))
    rows = grid[sheet]
    wanted = {_text(h).casefold() for h in layout.header}
    header_row = label_column = None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if _text(value).casefold() in wanted:
                header_row, label_column = r, c
                break
        if header_row:
            break
    if header_row is None:
        present = [_text(v) for row in rows for v in row if isinstance(v, str) and _text(v)]
        near = difflib.get_close_matches(layout.header[0], present, n=3, cutoff=0.4)
        hint = f" Nearest labels present: {', '.join(repr(n) for n in near)}." if near else ""
        raise LayoutError(f"Template sheet {sheet!r}: no heading {' / '.join(repr(h) for h in layout.header)} was found "
                          f"(layout {layout.path.name}).{hint}")
    heading_row = rows[header_row - 1]
    columns = {}
    for name, aliases in layout.columns.items():
        names = {_text(a).casefold() for a in aliases}
        hit = [c for c, v in enumerate(heading_row, start=1) if _text(v).casefold() in names]
        if not hit:
            present = [_text(v) for v in heading_row if _text(v)]
            near = difflib.get_close_matches(aliases[0], present, n=3, cutoff=0.4)
            hint = f"; nearest headings present: {', '.join(repr(n) for n in near)}" if near else ""
            raise LayoutError(f"Template sheet {sheet!r}, row {header_row}: no {name} column headed "
                              f"{' / '.join(repr(a) for a in aliases)}{hint} (layout {layout.path.name}).")
        columns[name] = hit[0]
    period_columns, headings = {}, {}
    if layout.periods != "none":
        for c, value in enumerate(heading_row, start=1):
            period = period_of_heading(value, layout.periods)
            if period and c not in columns.values() and c != label_column:
                period_columns[period] = c
                headings[c] = value
    measure_rows, unmatched = _measures(layout, rows, header_row, label_column)
    return Found(sheet, header_row, label_column, measure_rows, unmatched, period_columns, headings, columns)


def _sheet(layout: Layout, names: list[str]) -> str:
    if layout.sheet:
        for name in names:
            if name.casefold() == layout.sheet.casefold():
                return name
        raise LayoutError(f"The template has no sheet {layout.sheet!r} (it has {', '.join(repr(n) for n in names)}).")
    if layout.sheet_contains:
        for name in names:
            if layout.sheet_contains.casefold() in name.casefold():
                return name
        raise LayoutError(f"The template has no sheet whose name contains {layout.sheet_contains!r}.")
    return names[0]


def _measures(layout: Layout, rows: list[list], header_row: int, label_column: int) -> tuple[dict[str, int], list[str]]:
    catalogue = default_catalogue()
    extra = {code_key(k): v for k, v in layout.measures.items()}
    found, unmatched = {}, []
    for r in range(header_row + 1, len(rows) + 1):
        value = rows[r - 1][label_column - 1] if label_column - 1 < len(rows[r - 1]) else None
        label = _text(value)
        if not label:
            continue
        key = code_key(label)
        measure = extra.get(key)
        if measure is None:
            hit = find_measure(catalogue, layout.id_prefix + label if layout.id_prefix else label)
            measure = hit.id if hit is not None else None
        if measure is None:
            unmatched.append(label)
            continue
        if measure not in found:
            found[measure] = r
    return found, unmatched


def read_grid(path: str | Path, layout: Layout | None = None) -> dict[str, list[list]]:
    """Cell values (formulas as their text), read safely with openpyxl read-only: of the layout's
    sheet only when a layout is given (the other sheets map to empty lists), else of every sheet."""
    return read_template(path, layout)[0]


def is_percent_format(number_format: str | None) -> bool:
    """True for a number format that shows a percentage ("0.0%", "0%;[Red]-0%"), not a literal "%"."""
    text = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in text


def read_template(path: str | Path, layout: Layout | None = None) -> tuple[dict[str, list[list]], set[str]]:
    """`read_grid`'s values, and the cells of the layout's sheet formatted as percentages, in one
    read-only pass."""
    import warnings

    from openpyxl import load_workbook
    from openpyxl.cell.read_only import EmptyCell

    with warnings.catch_warnings():  # openpyxl only reads here: the parts it cannot model are not lost
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            wanted = _sheet(layout, book.sheetnames) if layout else None
            grid, percent = {}, set()
            for ws in book.worksheets:
                if wanted not in (None, ws.title):
                    grid[ws.title] = []
                    continue
                if layout is None:
                    grid[ws.title] = [list(row) for row in ws.iter_rows(values_only=True)]
                    continue
                rows = []
                for row in ws.iter_rows():
                    rows.append([cell.value for cell in row])
                    percent.update(cell.coordinate for cell in row
                                   if not isinstance(cell, EmptyCell) and is_percent_format(cell.number_format))
                grid[ws.title] = rows
            return grid, percent
    finally:
        book.close()


def month_heading_like(example, year: int, month: int):
    """A heading for (year, month) written the way `example` is: a date, "Mar 16", "Mar-16", "March 2017"."""
    if isinstance(example, (dt.datetime, dt.date)):
        return dt.datetime(year, month, 1)
    text = _text(example)
    name = pd.Timestamp(year, month, 1)
    if re.fullmatch(r"[A-Za-z]{3}-\d{2}", text):
        return name.strftime("%b-%y")
    if re.fullmatch(r"[A-Za-z]{3} \d{4}", text):
        return name.strftime("%b %Y")
    if re.fullmatch(r"[A-Za-z]{4,} \d{4}", text):
        return name.strftime("%B %Y")
    return name.strftime("%b %y")
