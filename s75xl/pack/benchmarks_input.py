"""Reading the --benchmarks files: national ASCOF data files as published, or a simple table of
benchmark_<name> columns; either way one table for `attach_benchmarks`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalogue import default_catalogue
from ..tables import read_table
from .national import is_national, national_benchmarks, read_national
from .options import PackOptions


def read_benchmark_files(paths, options: PackOptions) -> pd.DataFrame:
    """One benchmarks table from the files (national files are combined, so a previous year's
    file gives the previous-year column)."""
    national, simple = [], []
    for path in paths:
        head = _header(path) if str(path).lower().endswith(".csv") else None
        if head is not None and is_national(head):
            national.append(read_national(path))
        else:
            simple.append(read_table(path, "benchmarks"))
    tables = []
    if national:
        tables.append(national_benchmarks(national, default_catalogue(), council=options.council,
                                          region=options.region, comparators=options.comparators,
                                          comparator_name=options.comparator_name))
    tables.extend(simple)
    out = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    out.attrs["source"] = ", ".join(Path(p).name for p in paths)
    out.attrs["notes"] = [n for t in tables for n in t.attrs.get("notes", [])]
    return out


def _header(path) -> pd.DataFrame | None:
    """A CSV's header row, to tell a national file from a simple table; None when it cannot be
    read (the table reader then says why, naming the file)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return pd.read_csv(path, nrows=0, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except (OSError, ValueError, pd.errors.ParserError):
            return None
    return None
