"""The S75 ribbon's buttons, one function each: settings, one engine call, one apply.

Each ``X(book=None)`` works on the Book it is given (xlwings Server and Lite pass it) or on
``xw.Book.caller()``, the workbook that was active when the button was pressed (the add-in's VBA
calls ``RunPython "import s75xl.excel.macros as m; m.X()"``). Each gives the same cells as the
command line from the same files:

- ``refresh``: ``s75xl compute`` (from an extract) then ``s75xl fill`` without targets;
- ``flag_exceptions``: ``s75xl fill`` with targets, and the period's exceptions from
  ``s75xl assess`` on an Exceptions sheet;
- ``check_data``: ``s75xl check`` on a Data quality sheet;
- ``settings``: the settings in force, shown (and edited) on the S75 Settings sheet;
- ``build_pack`` and ``refresh_budget``: the pack and finance commands (see pack_budget.py).

A wrong setting ends in a message box naming the problem, before anything is written, so the
workbook is left as it was.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..assess import assess
from ..cld import compute, parse_period, read_cld
from ..errors import S75Error
from ..tables import read_table
from .book import Progress, choose_layout, plan_book, read_settings, sheet_table, show, table_rows, write_sheet
from .book import apply_to_book
from .settings import SETTINGS_SHEET, Settings, SettingsError, SheetSource

EXCEPTIONS_SHEET = "Exceptions"
QUALITY_SHEET = "Data quality"
EXCEPTION_COLUMNS = ["area", "measure", "measure_name", "period_end", "value", "target", "rag", "exception",
                     "exception_reasons"]


def _caller(book):
    if book is not None:
        return book
    import xlwings as xw  # only the adapter imports xlwings

    return xw.Book.caller()


@contextmanager
def _button(book, name: str):
    """Run a button: its progress in the status bar, a user error (or anything unforeseen, by its
    kind only: s75xl/safety/messages.py) as one message box."""
    progress = Progress(book, name)
    try:
        yield progress
    except S75Error as exc:
        show(book, str(exc), title=f"S75 {name}", error=True)
    except Exception as exc:  # noqa: BLE001 - never a Python traceback in Excel: one sentence, no data quoted
        from ..safety.messages import unforeseen

        show(book, unforeseen(exc)[:1].upper() + unforeseen(exc)[1:], title=f"S75 {name}", error=True)
    finally:
        progress.clear()


def _table(book, source, role: str) -> pd.DataFrame:
    return sheet_table(book, source) if isinstance(source, SheetSource) else read_table(source, role)


def results_for(settings: Settings, progress=lambda text: None, book=None) -> pd.DataFrame:
    """The results table the settings point to: computed from the extract, or read from a file,
    cut to the reporting period."""
    if settings.extract:
        if settings.latest:
            raise SettingsError("With an extract, the period setting must name the period to compute "
                                "(for example 2024-25 or 2025-03), not 'latest'.")
        progress(f"computing {settings.period} from {len(settings.extract)} extract file(s)")
        results, _, _ = compute([str(p) for p in settings.extract], settings.period, population=settings.population)
        return results
    if settings.results is None:
        raise SettingsError(f"Set an extract or a results table on the {SETTINGS_SHEET} sheet.")
    progress(f"reading {settings.results.name}")
    return in_period(_table(book, settings.results, "results"), settings)


def in_period(results: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Results up to the end of the chosen period; the period must be one the table has."""
    if settings.latest:
        return results
    from ..tables import normalise_results

    period = parse_period(settings.period)
    table = normalise_results(results)
    ends = table["period_end"].dt.normalize()
    if not (ends == period.end).any():
        latest = ends.max()
        raise SettingsError(f"The results table {settings.results.name} has no figures for the period {settings.period} "
                            f"(its latest period ends {latest:%d %b %Y}).")
    kept = table[ends <= period.end]
    kept.attrs = dict(table.attrs)
    return kept


def _targets(settings: Settings, book=None) -> pd.DataFrame:
    return _table(book, settings.targets, "targets")


def refresh(book=None) -> None:
    """Compute the period's measures and write them into the open workbook's report."""
    book = _caller(book)
    with _button(book, "Refresh") as progress:
        settings = read_settings(book)
        layout, grid = choose_layout(book, settings)
        results = results_for(settings, progress, book)
        progress("planning the cells")
        writes, report = plan_book(book, results, layout, grid=grid)
        progress(f"writing {len(writes)} cells")
        apply_to_book(book, writes)
        progress(report.lines()[0])


def exceptions_table(results: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The latest period's exceptions, as ``s75xl assess`` flags them."""
    assessed = assess(results, targets)
    latest = assessed[assessed["period_end"] == assessed["period_end"].max()]
    flagged = latest[latest["exception"].notna() & (latest["exception"].astype(str) != "")]
    return flagged[EXCEPTION_COLUMNS].reset_index(drop=True)


def flag_exceptions(book=None) -> None:
    """Write targets, RAG colours and exception reasons; list the exceptions on a sheet."""
    book = _caller(book)
    with _button(book, "Flag exceptions") as progress:
        settings = read_settings(book)
        settings.require("targets", "Flag exceptions")
        layout, grid = choose_layout(book, settings)
        results, targets = results_for(settings, progress, book), _targets(settings, book)
        progress("assessing against the targets")
        writes, report = plan_book(book, results, layout, targets=targets, grid=grid)
        flagged = exceptions_table(results, targets)
        when = f"{flagged['period_end'].max():%b %Y}" if not flagged.empty else "the latest period"
        title = [f"Exceptions for {when}: {len(flagged)} (from {settings.targets.name})"]
        progress(f"writing {len(writes)} cells and {len(flagged)} exceptions")
        apply_to_book(book, writes)
        write_sheet(book, EXCEPTIONS_SHEET, table_rows(flagged, title))


def check_data(book=None) -> None:
    """The extract's data-quality report on the Data quality sheet (as ``s75xl check``)."""
    book = _caller(book)
    with _button(book, "Check data") as progress:
        settings = read_settings(book)
        settings.require("extract", "Check data")
        progress(f"checking {len(settings.extract)} extract file(s)")
        _, quality = read_cld([str(p) for p in settings.extract])
        report = quality.table()
        title = [f"{quality.rows_read:,} rows read; {quality.rows_kept:,} events kept."]
        if report.empty:
            title.append("No problems found.")
        write_sheet(book, QUALITY_SHEET, table_rows(report, title))


def settings(book=None) -> None:
    """Show the settings in force on the S75 Settings sheet, where they are edited."""
    book = _caller(book)
    with _button(book, "Settings"):
        current = read_settings(book)
        rows = current.rows()
        rows[0].append(f"Read from {current.origin}")
        write_sheet(book, SETTINGS_SHEET, rows)


def _engine(module: str, function: str, button: str, what: str):
    """A function from a part of s75xl that may be missing from an older installation."""
    import importlib

    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        raise S75Error(f"{button} needs {what} ({module}.{function}), which this installation of s75xl does not "
                       "have; install a newer s75xl into the Python that Excel uses.") from None


def build_pack(book=None) -> None:
    """Build the quarterly board pack from the workbook's settings, as ``s75xl pack`` does with
    ``--results``, ``--targets`` and ``--period``; the files go to the pack folder."""
    book = _caller(book)
    with _button(book, "Build pack") as progress:
        pack = _engine("s75xl.pack", "build_pack", "Build pack", "the quarterly board pack")
        settings = read_settings(book)
        settings.require("pack folder", "Build pack")
        results = results_for(settings, progress, book)
        targets = _targets(settings, book) if settings.targets else None
        extra = {}
        if "progress" in inspect.signature(pack).parameters:
            extra["progress"] = lambda area, stage: progress(f"{area} {stage}".strip())
        progress("building the pack")
        made = pack(results, targets=targets, period=None if settings.latest else settings.period,
                    out_dir=settings.pack_folder, **extra)
        files = [Path(f).name for f in getattr(made, "files", [])]
        show(book, f"The quarterly pack is in {settings.pack_folder}" + (f": {', '.join(files)}." if files else "."),
             title="S75 Build pack")


def refresh_budget(book=None) -> None:
    """Refresh the open budget monitor's linked tables from the ledger, as ``s75xl budget
    refresh`` does for a file (s75xl.finance plans, s75xl.excel.budget applies)."""
    book = _caller(book)
    with _button(book, "Refresh budget") as progress:
        plan_refresh = _engine("s75xl.finance", "plan_refresh", "Refresh budget", "the budget tables")
        from .budget import apply_plan, book_names, book_tables

        settings = read_settings(book)
        settings.require("ledger", "Refresh budget")
        progress("reading the ledger")
        plan = plan_refresh(book_tables(book), str(settings.ledger), period=None if settings.latest else settings.period,
                            names=book_names(book))
        progress(f"writing {len(plan.tables)} tables")
        apply_plan(book, plan)
        progress(plan.lines()[0] if plan.lines() else "done")
