"""Benchmarks for the pack: a table of ``benchmark_<name>`` columns, joined onto the results by
area, measure and period (or financial year). The national ASCOF files are read by
`s75xl.pack.national` into such a table."""

from __future__ import annotations

import pandas as pd

from ..catalogue import Catalogue
from ..tables import TableError
from ..targets import financial_year_of
from .national import latest_id


def attach_benchmarks(results: pd.DataFrame, benchmarks: pd.DataFrame, catalogue: Catalogue) -> tuple[pd.DataFrame, list[str]]:
    """The results with the benchmark columns added (existing ones are kept where the table has
    none), and notes (how a group figure was made, rows that matched nothing)."""
    source = benchmarks.attrs.get("source", "the benchmarks table")
    table = benchmarks.rename(columns=lambda c: str(c).strip().lower().replace(" ", "_"))
    columns = [c for c in table.columns if c.startswith("benchmark_")]
    if "measure" not in table or not columns:
        raise TableError(f"{source}: a benchmarks table needs a 'measure' column and benchmark_<name> columns "
                         "(or use a national ASCOF data file).")
    if "area" not in table:
        table["area"] = ""
    table["area"] = table["area"].fillna("").astype(str).str.strip()
    table["measure"] = [latest_id(catalogue, label) for label in table["measure"].astype(str)]
    for column in columns:
        table[column] = pd.to_numeric(table[column], errors="coerce")
    if "year" in table:
        from ..catalogue.codes import financial_year_start

        table["year_start"] = [financial_year_start(y) for y in table["year"]]
        key = "year_start"
    elif "period" in table or "period_start" in table:
        column = "period_start" if "period_start" in table else "period"
        table["month"] = pd.to_datetime(table[column], dayfirst=True, format="mixed").dt.to_period("M")
        key = "month"
    else:
        table["year_start"] = None
        key = None
    out = results.copy()
    measure_ids = [latest_id(catalogue, label) for label in out["measure"]]
    lookup = {}
    for row in table.itertuples():
        lookup[(row.area, row.measure, getattr(row, key) if key else None)] = row
    used = set()
    for column in columns:
        if column not in out:
            out[column] = float("nan")
    for i, (area, measure, start) in enumerate(zip(out["area"], measure_ids, out["period_end"])):
        when = (financial_year_of(start) if key == "year_start" else pd.Timestamp(start).to_period("M")) if key else None
        row = lookup.get((area, measure, when)) or lookup.get(("", measure, when))
        if row is None:
            continue
        used.add(row.Index)
        for column in columns:
            value = getattr(row, column)
            if not pd.isna(value):
                out.iloc[i, out.columns.get_loc(column)] = value
    notes = list(benchmarks.attrs.get("notes", []))
    years = {financial_year_of(e) for e in out["period_end"]} if key == "year_start" else None
    unused = sum(1 for row in table.itertuples() if row.Index not in used
                 and (years is None or getattr(row, "year_start", None) in years))
    if unused:
        notes.append(f"{source}: {unused} benchmark row(s) matched no measure and period in the results.")
    return out, notes


def add_intervals(results: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """95% confidence limits from the numerators and denominators where the table has none, so a
    benchmark can be called significantly better or worse (Wilson for percentages, exact Poisson
    or Byar's for rates, none for surveys: `s75xl.confidence_interval`)."""
    from ..errors import S75Error
    from ..intervals import confidence_interval

    if "numerator" not in results:
        return results
    out = results.copy()
    for column in ("ci_lower", "ci_upper"):
        if column not in out:
            out[column] = float("nan")
    need = out["ci_lower"].isna() & out["ci_upper"].isna() & out["numerator"].notna()
    for label, part in out[need].groupby("measure"):
        try:
            measure = catalogue.find(label)
        except S75Error:
            continue
        if measure.unit_info.needs_denominator and "denominator" not in out:
            continue
        den = part["denominator"] if "denominator" in out else None
        try:
            ci = confidence_interval(part["numerator"], den, measure)
        except S75Error:
            continue
        out.loc[part.index, "ci_lower"] = ci.lower
        out.loc[part.index, "ci_upper"] = ci.upper
    return out
