"""Population tables: the denominators of the per-100,000 measures.

Format (CSV or XLSX): ``area_code`` (the council's code as its CLD file writes LA Code, or an
ONS code), ``age_band`` (18-64, 65+, 18+), ``year`` (the mid-year estimate's year: ONS mid-2024
for 2024-25, as DHSC uses [S]), ``population``. The shipped example,
s75xl/data/populations_example.csv, holds the seed councils' figures: Norfolk's 507,180 aged
18-64 and 213,765 aged 65+ from its 2016/17 ASCOF table (seed 002; mid-2015 estimates, probably,
ascof.md 1 [U]).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import S75Error
from .safety.messages import clip
from .tables import TableError, read_table


def read_populations(path: str | Path) -> pd.DataFrame:
    table = read_table(path, "population")
    missing = [c for c in ("area_code", "age_band", "year", "population") if c not in table]
    if missing:
        raise TableError(f"The population file {path} has no column {', '.join(repr(c) for c in missing)}.")
    table["area_code"] = table["area_code"].astype(str).str.strip()
    table["age_band"] = table["age_band"].astype(str).str.strip().str.replace(" to ", "-").str.replace(" and over", "+")
    table["year"] = pd.to_numeric(table["year"], errors="coerce")
    table["population"] = pd.to_numeric(table["population"].astype(str).str.replace(",", ""), errors="coerce")
    bad = table["year"].isna() | table["population"].isna() | (table["population"] <= 0) | ~np.isfinite(table["population"])
    if bad.any():
        raise TableError(f"The population file {path}, row {int(bad.idxmax()) + 2}: the year and population must be positive numbers.")
    keys = ["area_code", "age_band", "year"]
    clash = table.duplicated(keys, keep=False) & ~table.duplicated([*keys, "population"], keep=False)
    if clash.any():
        rows = [int(i) + 2 for i in table.index[clash][:2]]
        raise TableError(f"The population file {path}, rows {rows[0]} and {rows[1]}: two different populations for the "
                         "same area, age band and year; keep one.")
    return table.drop_duplicates(keys)


def population_for(table: pd.DataFrame, area: str, age_band: str, year: int, measure: str) -> float:
    """The population for an area, age band and year (the latest earlier year if that one is absent)."""
    rows = table[(table["age_band"] == age_band) & (table["year"] <= year)]
    if area and (rows["area_code"] == area).any():
        rows = rows[rows["area_code"] == area]
    elif area and not rows.empty:  # another council's figures would give a plausible, wrong rate
        raise S75Error(f"{measure} needs a population for area {clip(area)}, but the population table has only "
                       f"{', '.join(clip(a) for a in sorted(rows['area_code'].unique())[:5])}.")
    elif rows["area_code"].nunique() > 1:
        rows = rows.iloc[0:0]
    if rows.empty:
        raise S75Error(f"{measure} needs a population for age {age_band} in {year} (area {area or 'any'}), "
                       "and the population table has none.")
    return float(rows.sort_values("year").iloc[-1]["population"])
