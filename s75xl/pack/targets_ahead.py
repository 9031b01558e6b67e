"""Profiled targets for the months after the reporting period, which the forecasts are held to.

`assess` gives each result row its month's target; a forecast also needs the targets of the
months still to come, read from the same targets table with the same profiles.
"""

from __future__ import annotations

import pandas as pd

from ..catalogue import Catalogue
from ..errors import InputError, MeasureNotFoundError
from ..tables import normalise_targets
from ..targets import MONTH_COLUMNS, financial_year_of, month_of_year, profiled_target


class TargetsAhead:
    """target(area, measure_id, month) for any month, or NaN where the table has none."""

    def __init__(self, targets: pd.DataFrame | None, catalogue: Catalogue, year_start_month: int = 4):
        self.year_start_month = year_start_month
        self.rows: dict[tuple[str, str, int], object] = {}
        if targets is None:
            return
        table = normalise_targets(targets)
        for row in table.itertuples():
            try:
                measure = catalogue.find(row.measure).id
            except MeasureNotFoundError:
                measure = row.measure
            self.rows[(row.area, measure, row.year_start)] = row

    def __bool__(self) -> bool:
        return bool(self.rows)

    def row(self, area: str, measure: str, year: int):
        return self.rows.get((area, measure, year)) or self.rows.get(("", measure, year))

    def target(self, area: str, measure: str, month: pd.Timestamp) -> float:
        """The profiled target for the month, or NaN."""
        row = self.row(area, measure, financial_year_of(month, self.year_start_month))
        if row is None:
            return float("nan")
        shape = [getattr(row, c) for c in MONTH_COLUMNS]
        has_shape = not all(pd.isna(v) for v in shape)
        try:
            return profiled_target(row.profile, row.annual_target, month_of_year(month, self.year_start_month),
                                   baseline=row.baseline, shape=shape if has_shape else None)
        except InputError:
            return float("nan")

    def path(self, area: str, measure: str, months) -> tuple[dict, str]:
        """{month: target} for the months, and a note when a later year's target was not given and
        the last known year-end target is carried forward."""
        out, carried = {}, None
        for month in months:
            value = self.target(area, measure, month)
            if pd.isna(value):
                year = financial_year_of(month, self.year_start_month)
                earlier = self.row(area, measure, year - 1)
                if earlier is not None and not pd.isna(earlier.annual_target):
                    value = float(earlier.annual_target)
                    carried = f"{year}-{(year + 1) % 100:02d}"
            out[month] = value
        note = (f"No target for {carried} was given: the forecast is held to the previous year-end target."
                if carried else "")
        return out, note
