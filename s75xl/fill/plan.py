"""From an assessed results table and a template's layout to a list of cell writes, and back.

The plan is a plain list of `CellWrite`s (sheet, cell, value, RAG colour), so the same plan can be
applied to a file (s75xl.fill.apply, the OOXML writer) or to a workbook open in Excel through
xlwings, and both give the same cells. A `FillReport` says what was written, which measures the
template has but the data lacks, and which measures the data has but the template lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from .layout import Found, Layout, month_heading_like

WRITABLE = ("value", "target", "rag", "exception", "exception_reasons", "direction", "numerator", "denominator",
            "spc_variation", "spc_assurance", "variance_pct")
HEADLINE_BREAKDOWNS = ("", "Total", "All")
TEXT_COLUMNS = ("rag", "exception", "exception_reasons", "direction", "spc_variation", "spc_assurance")


@dataclass(frozen=True)
class CellWrite:
    sheet: str
    ref: str
    value: object
    rag: str | None = None


@dataclass
class FillReport:
    written: int = 0
    measures_filled: list[str] = field(default_factory=list)
    in_template_without_data: list[str] = field(default_factory=list)
    only_other_periods: list[str] = field(default_factory=list)  # in the data, but not for a period shown
    in_data_without_place: list[str] = field(default_factory=list)
    unmatched_labels: list[str] = field(default_factory=list)
    window: list[str] = field(default_factory=list)
    template_periods: list[str] = field(default_factory=list)
    data_periods: list[str] = field(default_factory=list)
    percent_cells_as_fractions: int = 0
    notes: list[str] = field(default_factory=list)  # how the results were read (date order, say)

    @property
    def warning(self) -> str | None:
        """Why nothing (of the measures the data has) was written, or None when all is well."""
        if self.written and not self.only_other_periods:
            return None
        shown = _span(self.template_periods) or "no period columns"
        held = _span(self.data_periods) or "no periods"
        if not self.written:
            return (f"nothing was written: the template shows {shown}, and the data holds {held}"
                    + ("" if self.measures_filled or self.only_other_periods else
                       ", and none of the template's measures") + ".")
        return (f"{len(self.only_other_periods)} of the template's measures have data only for periods the template "
                f"does not show ({', '.join(self.only_other_periods[:8])}): it shows {shown}; the data holds {held}.")

    def lines(self) -> list[str]:
        out = [f"Wrote {self.written} cells for {len(self.measures_filled)} measures."]
        if self.percent_cells_as_fractions:
            out.append(f"{self.percent_cells_as_fractions} percentages went into cells formatted as percentages, "
                       "as fractions (88.6% as 0.886).")
        if self.window:
            out.append(f"Periods now shown: {self.window[0]} to {self.window[-1]}.")
        if self.only_other_periods:
            out.append("In the data, but not for the periods the template shows: "
                       + ", ".join(self.only_other_periods) + ".")
        if self.in_template_without_data:
            out.append("In the template but not in the data: " + ", ".join(self.in_template_without_data) + ".")
        if self.in_data_without_place:
            out.append("In the data but not in the template: " + ", ".join(self.in_data_without_place) + ".")
        if self.unmatched_labels:
            out.append("Labels in the measure column that match no measure: " +
                       ", ".join(repr(label) for label in self.unmatched_labels[:10]) + ".")
        return out


def _headline(results: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and period: the total where the data has breakdowns (age bands)."""
    if "breakdown" not in results:
        return results
    parts = results["breakdown"].fillna("").astype(str)
    single = results.groupby("measure")["breakdown"].transform("nunique") <= 1
    return results[parts.isin(HEADLINE_BREAKDOWNS) | single]


def _span(labels: list[str]) -> str:
    if len(labels) <= 4:
        return "; ".join(labels)
    return f"{len(labels)} periods, {labels[0]}; ...; {labels[-1]}"


def _period_labels(frame: pd.DataFrame) -> list[str]:
    """"month Mar 2017", "quarter Jan 2017 to Mar 2017", ...: each period in the data once, by end."""
    kinds = as_list(frame["period_kind"]) if "period_kind" in frame else [""] * len(frame)
    starts, ends = frame["period_start"], frame["period_end"]
    plain = all(isinstance(c.dtype, np.dtype) and c.dtype.kind == "M" and not c.isna().any() for c in (starts, ends))
    if not plain or None in kinds:  # missing or zoned dates, missing kinds: as pandas writes them
        return _period_labels_pandas(frame)
    seen = list(dict.fromkeys(zip(starts.to_numpy("datetime64[ns]").view("i8").tolist(),
                                  ends.to_numpy("datetime64[ns]").view("i8").tolist(), kinds)))
    # the same sort as sort_values("period_end"): quicksort of the datetime64 values (ties as it leaves them)
    order = np.array([end for _, end, _ in seen], dtype="i8").view("M8[ns]").argsort(kind="quicksort")
    labels = []
    for start, end, kind in (seen[i] for i in order):
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        labels.append(f"{kind} {start:%b %Y}" if kind == "month" else f"{kind} {start:%b %Y} to {end:%b %Y}".strip())
    return labels


def _period_labels_pandas(frame: pd.DataFrame) -> list[str]:
    kinds = frame["period_kind"] if "period_kind" in frame else pd.Series("", index=frame.index)
    seen = frame.assign(kind=kinds).drop_duplicates(["period_start", "period_end", "kind"]).sort_values("period_end")
    return [f"{kind} {start:%b %Y}" if kind == "month" else f"{kind} {start:%b %Y} to {end:%b %Y}".strip()
            for start, end, kind in zip(seen["period_start"], seen["period_end"], seen["kind"])]


def _template_period_labels(layout: Layout, found: Found) -> list[str]:
    if layout.periods == "none":
        return ["one value per measure (no period columns)"]
    ends = [pd.Timestamp(y, m, 1) for (y, m) in sorted(found.period_columns)]
    if layout.periods == "month":
        return [f"month {end:%b %Y}" for end in ends]
    return [f"{layout.periods} to {end:%b %Y}" for end in ends]


def _percent_measures(assessed: pd.DataFrame) -> set[str]:
    """The measures whose values are percentages (88.6 meaning 88.6%)."""
    from ..catalogue import default_catalogue
    from .lookup import find_measure

    catalogue, out = default_catalogue(), set()
    measures = as_list(assessed["measure"])
    units = dict(zip(measures, as_list(assessed["unit"]))) if "unit" in assessed else {}
    for measure in dict.fromkeys(measures):
        known = find_measure(catalogue, measure)
        unit = known.unit if known is not None else str(units.get(measure, "")).strip().lower()
        if unit == "percent":
            out.add(measure)
    return out


PERCENT_COLUMNS = ("value", "target", "ci_lower", "ci_upper")  # of a percent measure; variance_pct always
USED = ("value", "rag", "target", "numerator", "denominator")


def as_list(column: pd.Series) -> list:
    """A column's values as Python objects (missing ones as None where the column is not numpy's:
    iterating an Arrow-backed column one value at a time costs microseconds each)."""
    if isinstance(column.dtype, np.dtype):
        return column.tolist()
    return column.to_numpy(dtype=object, na_value=None).tolist()


def plan(assessed: pd.DataFrame, layout: Layout, found: Found, grid: list[list],
         percent_cells: set[str] | None = None) -> tuple[list[CellWrite], FillReport]:
    """The cell writes that put the assessed results into the template, and the report.

    `percent_cells` are the cells (refs on the layout's sheet) formatted as percentages: a
    percentage written there goes in as a fraction (88.6% as 0.886), as the cell means. The
    layout's ``percent_cells`` setting can say "fraction" (always) or "number" (never) instead.
    """
    report = FillReport(unmatched_labels=found.unmatched_labels, notes=list(assessed.attrs.get("notes", [])))
    # only the columns the plan reads: filtering and sorting every column assess gives costs more
    keep = ["measure", "breakdown", "period_start", "period_end", "period_kind", "unit", *USED, *found.columns]
    data = _headline(assessed[[c for c in dict.fromkeys(keep) if c in assessed]])
    report.data_periods = _period_labels(data)
    report.template_periods = _template_period_labels(layout, found)
    with_data = set(as_list(data["measure"]))
    if layout.periods != "none":
        data = data[data["period_kind"] == layout.periods]  # the kind tables.period_kinds gave each row
    percent_measures = _percent_measures(data)
    # plain lists, one per column, sorted by period end: pandas per measure or per cell would cost
    # more than all the rest of fill
    data = data.sort_values("period_end")
    ends = data["period_end"]
    months = list(zip(ends.dt.year.tolist(), ends.dt.month.tolist()))
    fields = [c for c in dict.fromkeys(["measure", *USED, *found.columns]) if c in data]
    by_measure: dict[str, list[dict]] = {}
    for month, values in zip(months, zip(*(as_list(data[c]) for c in fields))):
        record = dict(zip(fields, values))
        record["month"] = month
        by_measure.setdefault(record["measure"], []).append(record)

    def as_fraction(ref: str, measure: str, column: str) -> bool:
        if not (column == "variance_pct" or (measure in percent_measures and column in PERCENT_COLUMNS)):
            return False
        if layout.percent_cells == "fraction":
            return True
        return layout.percent_cells == "auto" and ref in (percent_cells or ())

    def number(ref: str, measure: str, column: str, value):
        value = _number(value)
        if value is not None and as_fraction(ref, measure, column):
            report.percent_cells_as_fractions += 1
            return value / 100
        return value

    writes: list[CellWrite] = []
    sheet = found.sheet
    columns = dict(found.period_columns)
    if layout.rolling and layout.periods == "month" and months:
        columns, heading_writes = _rolling(layout, found, by_measure, months)
        writes += heading_writes
        report.window = [f"{pd.Timestamp(y, m, 1):%b %Y}" for (y, m) in sorted(columns)]
    letters = {c: get_column_letter(c) for c in {*columns.values(), *found.columns.values()}}
    old_months = {c: month for month, c in found.period_columns.items()}
    shown = set(columns)
    has_target = "target" in fields
    writable = [(name, col) for name, col in found.columns.items() if name in WRITABLE and name in fields]
    for measure, row in found.measure_rows.items():
        counts_row = _counts_row(layout, found, grid, row)
        mine = by_measure.get(measure, [])
        by_month = {r["month"]: r for r in mine}  # sorted by period end: the last wins
        if not mine or (columns and not shown.intersection(by_month)):
            (report.only_other_periods if measure in with_data else report.in_template_without_data).append(measure)
            continue
        report.measures_filled.append(measure)
        maybe_fraction = measure in percent_measures
        for month, col in columns.items():
            r = by_month.get(month)
            if r is not None:
                ref = f"{letters[col]}{row}"
                value = r["value"]
                if type(value) is float and not maybe_fraction:  # the usual cell, without the calls below
                    value = None if value != value else value
                else:
                    value = number(ref, measure, "value", value)
                rag = r.get("rag")
                writes.append(CellWrite(sheet, ref, value, rag if rag in RAGS else None))
                if counts_row:
                    writes.append(CellWrite(sheet, f"{letters[col]}{counts_row}", _counts(r)))
            elif layout.rolling and old_months.get(col) != month:
                kept = _old_value(grid, found, row, month)
                writes.append(CellWrite(sheet, f"{letters[col]}{row}", kept))
                if counts_row:
                    writes.append(CellWrite(sheet, f"{letters[col]}{counts_row}", _old_value(grid, found, counts_row, month)))
        latest = mine[-1]
        with_target = [r for r in mine if _present(r["target"])] if has_target else []
        for name, col in writable:
            source = with_target[-1] if name in ("target", "rag") and with_target else latest
            value = source[name]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue  # nothing to say: what the council typed there stays
            rag = _rag(source) if name == "rag" else None
            ref = f"{letters[col]}{row}"
            writes.append(CellWrite(sheet, ref, number(ref, measure, name, value) if name not in TEXT_COLUMNS else _text(value), rag))
    report.in_data_without_place = sorted(set(by_measure) - set(found.measure_rows))
    report.written = len(writes)
    return writes, report


def _counts_row(layout: Layout, found: Found, grid: list[list], row: int) -> int | None:
    """The measure's "numerator / denominator" row, if the layout has one and the row below is one
    (its label cell is empty)."""
    if not layout.counts_offset:
        return None
    below = row + layout.counts_offset
    line = grid[below - 1] if below - 1 < len(grid) else []
    label = line[found.label_column - 1] if found.label_column - 1 < len(line) else None
    return below if below <= len(grid) and (label is None or str(label).strip() == "") else None


def _rolling(layout: Layout, found: Found, by_measure: dict[str, list[dict]], months: list):
    """Move the window so it ends at the latest month in the data (of the template's measures, if
    it has any of them); rewrite the headings."""
    cols = sorted(found.period_columns.values())[-layout.rolling:]
    theirs = [r["month"] for m in found.measure_rows for r in by_measure.get(m, [])]
    last_year, last_month = max(theirs) if theirs else max(months)
    end = pd.Timestamp(last_year, last_month, 1)
    months = [((end - pd.DateOffset(months=i)).year, (end - pd.DateOffset(months=i)).month) for i in range(len(cols) - 1, -1, -1)]
    example = found.period_headings[cols[0]]
    writes = [CellWrite(found.sheet, f"{get_column_letter(c)}{found.header_row}", month_heading_like(example, y, m))
              for c, (y, m) in zip(cols, months)]
    return dict(zip(months, cols)), writes


def _old_value(grid: list[list], found: Found, row: int, month) -> object:
    col = found.period_columns.get(month)
    if col is None:
        return None
    line = grid[row - 1] if row - 1 < len(grid) else []
    return line[col - 1] if col - 1 < len(line) else None


def _number(value):
    if type(value) is float:
        return None if value != value else value
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return None
    return float(value)


def _present(value) -> bool:
    if type(value) is float:
        return value == value
    return value is not None and not pd.isna(value)


def _text(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value) else str(value)


RAGS = frozenset(("Green", "Amber", "Red", "Blue"))


def _rag(row) -> str | None:
    value = row.get("rag") if hasattr(row, "get") else None
    return value if isinstance(value, str) and value in RAGS else None


def _counts(row) -> str | None:
    num, den = row.get("numerator"), row.get("denominator")
    if num is None or pd.isna(num):
        return None
    return f"{num:,.0f} / {den:,.0f}" if den is not None and not pd.isna(den) else f"{num:,.0f}"
