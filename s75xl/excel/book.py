"""The xlwings Book adapter for the ribbon: read settings and sheets, apply cell writes, tell the user.

Everything the macros do to a workbook goes through here, so they run the same way in desktop
Excel (RunPython), xlwings Server and xlwings Lite (the remote engine, where every write becomes
an action sent back to Excel). The cell writes themselves are the file writer's: `apply_to_book`
from s75xl.fill.book applies the same `CellWrite` list that s75xl.fill.apply patches into a file.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from ..fill.book import apply_to_book, book_grid, plan_book
from ..fill.layout import Layout, LayoutError, find
from ..resources import report_templates, shipped_dir
from .settings import (DESCRIPTIONS, NAME_PREFIX, SETTINGS_SHEET, Settings, SettingsError, SheetSource, demo_settings,
                       from_values)

__all__ = ["apply_to_book", "book_folder", "choose_layout", "plan_book", "read_settings", "show", "write_sheet"]


def book_folder(book) -> Path:
    """The folder relative settings are taken from: the workbook's own, or the current one when the
    workbook has no path yet (a new book, or the remote engine, which only knows its name)."""
    try:
        full = Path(book.fullname)
    except Exception:  # engines that cannot say (the remote engine raises for unsaved books)
        return Path.cwd()
    return full.parent if full.is_absolute() else Path.cwd()


def _sheet_names(book) -> list[str]:
    return [sheet.name for sheet in book.sheets]


def read_settings(book) -> Settings:
    """The workbook's settings: the S75 Settings sheet, else S75_ defined names, else the demo;
    a table said to be on a sheet must be on a sheet of this workbook."""
    settings = _read_settings(book)
    for name in ("results", "targets"):
        source = getattr(settings, name)
        if isinstance(source, SheetSource) and source.sheet not in _sheet_names(book):
            raise SettingsError(f"{settings._where(name)}: this workbook has no sheet {source.sheet!r}.")
    return settings


def sheet_table(book, source: SheetSource) -> pd.DataFrame:
    """A table from a sheet of the workbook (header in row 1), with column names as read_table makes them."""
    used = book.sheets[source.sheet].used_range
    rows = used.options(ndim=2).value if used is not None else []
    if len(rows) < 2:
        raise SettingsError(f"The sheet {source.sheet!r} has no table (a header row and at least one row under it).")
    header = [str(c).strip().lower().replace(" ", "_") if c is not None else f"column_{i + 1}" for i, c in enumerate(rows[0])]
    frame = pd.DataFrame([r for r in rows[1:] if any(v not in (None, "") for v in r)], columns=header)
    frame.attrs["source"] = f"sheet {source.sheet!r}"
    return frame


def _read_settings(book) -> Settings:
    folder = book_folder(book)
    if SETTINGS_SHEET in _sheet_names(book):
        sheet = book.sheets[SETTINGS_SHEET]
        rows = sheet.used_range.options(ndim=2).value if sheet.used_range is not None else []
        first = sheet.used_range.row if sheet.used_range is not None else 1
        values, places = {}, {}
        for offset, row in enumerate(rows):
            name = str(row[0]).strip().lower() if row and row[0] is not None else ""
            if not name or name == "setting":
                continue
            values[name] = row[1] if len(row) > 1 else None
            places[name] = f"row {first + offset}"
        return from_values(values, origin=f"{SETTINGS_SHEET} sheet", places=places, folder=folder)
    values, places = {}, {}
    for name in book.names:
        bare = name.name.split("!")[-1]
        if bare.upper().startswith(NAME_PREFIX):
            setting = bare[len(NAME_PREFIX):].lower().replace("_", " ")
            values[setting] = name.refers_to_range.value
            places[setting] = f"name {bare}"
    if values:
        return from_values(values, origin="defined names", places=places, folder=folder)
    return demo_settings()


def choose_layout(book, settings: Settings) -> tuple[Layout, dict[str, list[list]]]:
    """The layout to fill (the setting, or the shipped layout whose sheet this workbook has) and the
    workbook's values as a grid; a layout that does not match the open workbook is an error."""
    names = _sheet_names(book)
    if settings.layout is not None:
        layout = Layout.load(settings.layout)
        try:
            grid = book_grid(book, layout)
            find(layout, grid)
        except LayoutError as exc:
            raise LayoutError(f"The layout {settings.layout.name} does not match this workbook: {exc}") from None
        return layout, grid
    for template in report_templates():  # the budget monitor's layout is not a fill layout
        path = template.with_name(template.stem + ".layout.toml")
        if not path.exists():
            continue
        layout = Layout.load(path)
        try:
            grid = book_grid(book, layout)
            find(layout, grid)
        except LayoutError:
            continue
        return layout, grid
    raise LayoutError(f"None of s75xl's layouts matches this workbook's sheets ({', '.join(repr(n) for n in names)}); "
                      f"set the layout on the {SETTINGS_SHEET} sheet ({DESCRIPTIONS['layout']}).")


def _cell(value):
    """A value as a cell takes it: no NaN, no pandas types."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return value


def table_rows(frame: pd.DataFrame, title: list[str] | None = None) -> list[list]:
    """A DataFrame as sheet rows: optional title lines, a blank line, the header, the rows."""
    rows: list[list] = [[line] + [None] * (len(frame.columns) - 1) for line in (title or [])]
    if title:
        rows.append([None] * len(frame.columns))
    rows.append(list(frame.columns))
    rows += [[_cell(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    return rows


def write_sheet(book, name: str, rows: list[list]) -> None:
    """Put rows on a sheet from A1, adding the sheet at the end if it is missing, clearing it if not."""
    if name in _sheet_names(book):
        sheet = book.sheets[name]
        sheet.clear_contents()
    else:
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    width = max((len(r) for r in rows), default=0)
    if width:
        sheet.range("A1").value = [list(r) + [None] * (width - len(r)) for r in rows]
        try:
            sheet.autofit(axis="columns")
        except (NotImplementedError, AttributeError):  # engines without autofit
            pass


def show(book, message: str, *, title: str = "S75", error: bool = False) -> None:
    """A message box (desktop Excel) or an alert (xlwings Server and Lite)."""
    book.app.alert(message, title=title, buttons="ok", mode="critical" if error else "info")


class Progress:
    """Progress in Excel's status bar on the desktop; the remote engine has no status bar, so there
    the messages are kept and nothing is sent."""

    def __init__(self, book, button: str):
        self.book, self.button, self.seen = book, button, []

    def __call__(self, text: str) -> None:
        self.seen.append(text)
        self._set(f"S75 {self.button}: {text}")

    def _set(self, value) -> None:
        try:
            self.book.app.status_bar = value
        except (NotImplementedError, AttributeError):
            pass

    def clear(self) -> None:
        self._set(False)
