"""Ledgers for the finance tests, built from the shipped demo ledger with deliberate changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from s75xl.finance.demo import demo_tables, write_csv_folder, write_sqlite

TEMPLATE = Path(__file__).parent.parent / "templates" / "budget_monitor.xlsx"
MONTHS = [f"{y}-{m:02d}" for y, m in [(2016, m) for m in range(4, 13)] + [(2017, m) for m in range(1, 4)]]


def tables(**changes) -> dict[str, pd.DataFrame]:
    """The demo tables, with some replaced (a table given as None is left out)."""
    out = demo_tables()
    for name, frame in changes.items():
        if frame is None:
            out.pop(name)
        else:
            out[name] = frame
    return out


def grown(extra_lines: int = 40, movement_rows: int = 1) -> dict[str, pd.DataFrame]:
    """The budget grown by `extra_lines` cost centres (each 5% over budget), movements cut to `movement_rows`."""
    t = demo_tables()
    extra = pd.DataFrame([(f"GR{i:03d}", f"Grown service {i}", "Supplies", 10_000.0 + i) for i in range(extra_lines)],
                         columns=t["budget"].columns)
    rows = [(month, cc, subjective, round(budget / 12, 2), budget * 1.05)
            for cc, _, subjective, budget in extra.itertuples(index=False) for month in MONTHS]
    t["budget"] = pd.concat([t["budget"], extra], ignore_index=True)
    t["ledger"] = pd.concat([t["ledger"], pd.DataFrame(rows, columns=t["ledger"].columns)], ignore_index=True)
    t["movements"] = t["movements"].iloc[:movement_rows]
    return t


def as_csv(t: dict[str, pd.DataFrame], folder: Path) -> Path:
    return write_csv_folder(t, folder)


def as_sqlite(t: dict[str, pd.DataFrame], path: Path) -> Path:
    return write_sqlite(t, path)
