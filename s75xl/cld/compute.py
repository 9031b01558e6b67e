"""From CLD files (and local extracts) to the results table, for one or more periods."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalogue import default_catalogue
from ..errors import S75Error
from ..safety.messages import clip
from ..intervals import confidence_interval
from ..populations import population_for, read_populations
from ..rates import compute_rates
from ..tables import NO_EVENTS_NOTE, read_table
from ..targets import financial_year_of
from .activity import activity_counts
from .ascof import DERIVATIONS
from .common import BAND_NAMES
from .memory import with_tuned_memory
from .parallel import run_all
from .periods import Period, parse_period
from .prepared import Prepared
from .read import DataQuality, read_cld
from .vocab import LOOKUPS, PRIMARY_SUPPORT_REASON, value_key

POPULATION_BANDS = {"2B": "18-64", "2C": "65+"}
COLUMNS = ["area", "measure", "breakdown", "period", "period_start", "period_end", "numerator", "denominator",
           "value", "ci_lower", "ci_upper", "note"]



def derive(prep: Prepared, period: Period, *, psr: str | None = None, age_band: str | None = None) -> list[dict]:
    """Every measure CLD can give for one period, as rows without values yet."""
    rows = []
    for derivation in DERIVATIONS:
        rows += derivation(prep, period)
    rows += activity_counts(prep, period, psr=psr, age_band=age_band)
    return rows


def _add_populations(frame: pd.DataFrame, population: pd.DataFrame | None, warnings: list[str]) -> pd.DataFrame:
    for measure, age_band in POPULATION_BANDS.items():
        hit = frame["measure"] == measure
        if not hit.any():
            continue
        if population is None:
            warnings.append(f"{measure} needs a population table (--population): its rate is left blank.")
            continue
        found: dict[tuple[str, int], float] = {}  # many periods share an area and year
        for index in frame.index[hit]:
            area, year = frame.at[index, "area"], financial_year_of(frame.at[index, "period_start"])
            if (area, year) not in found:
                found[area, year] = population_for(population, area, age_band, year, measure)
            frame.at[index, "denominator"] = found[area, year]
    return frame


def _add_values(frame: pd.DataFrame) -> pd.DataFrame:
    catalogue = default_catalogue()
    value, lower, upper = (np.full(len(frame), np.nan) for _ in range(3))
    numerators = frame["numerator"].astype(float).to_numpy()
    denominators = frame["denominator"].astype(float).to_numpy()
    for measure_id, rows in frame.groupby("measure", sort=False).indices.items():
        measure = catalogue.find(measure_id)
        num = numerators[rows]
        den = denominators[rows] if measure.unit_info.needs_denominator else None
        values, codes = compute_rates(num, den, measure)
        value[rows] = values
        usable = (codes == 0) & ~np.isnan(values)
        if usable.any():
            ci = confidence_interval(num[usable], None if den is None else den[usable], measure)
            lower[rows[usable]], upper[rows[usable]] = ci.lower, ci.upper
    note = np.where((numerators == 0) & (denominators == 0), NO_EVENTS_NOTE, "")
    return frame.assign(value=value, ci_lower=lower, ci_upper=upper, note=note)


def _refuse_periods_outside(events: pd.DataFrame, periods: list[Period]) -> None:
    """One clear error for a period wholly before or after the extract's dates, which would
    otherwise give a page of zeros: from the first event's start to the latest reporting period
    end (or the latest date of any event where the extract has none)."""
    starts = events["event_start_date"].dropna()
    if starts.empty:
        return
    latest = [starts.max(), events["event_end_date"].max()]
    if "reporting_period_end_date" in events and events["reporting_period_end_date"].notna().any():
        latest = [pd.to_datetime(events["reporting_period_end_date"], errors="coerce").max()]
    first, last = starts.min(), max(d for d in latest if pd.notna(d))
    for period in periods:
        if period.end < first or period.start > last:
            raise S75Error(f"The period {period.label} ({period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}) lies outside "
                           f"the extract's dates ({first:%d/%m/%Y} to {last:%d/%m/%Y}), so every count would be 0.")


def _support_reason(psr: str | None) -> str | None:
    """The Release 2 wording of a primary support reason, matched forgivingly; one clear error
    for a reason CLD does not have (rather than silently counting nobody)."""
    if psr is None:
        return None
    found = LOOKUPS["primary_support_reason"].get(value_key(psr))
    if found is None:
        raise S75Error(f"{clip(psr)} is not a CLD primary support reason; use one of: {', '.join(PRIMARY_SUPPORT_REASON)}.")
    return found


@with_tuned_memory
def compute(cld_paths: Iterable[str | Path], periods: str | Period | Sequence[str | Period], *,
            population: str | Path | pd.DataFrame | None = None, mha: str | Path | None = None,
            cpa: str | Path | None = None, mapping: str | Path | None = None, method: str = "dhsc",
            proxy_dob: bool = False, psr: str | None = None, age_band: str | None = None,
            person_id_rule: str = "dhsc") -> tuple[pd.DataFrame, DataQuality, list[str]]:
    """The results table for each period, the data-quality log, and any warnings.

    `method` chooses DHSC's 2024-25 derivations ("dhsc", the default) or NHS England's 2023-24
    variants ("nhse"); `proxy_dob` reproduces the national first-of-month date of birth;
    `psr` and `age_band` filter the Section 75 activity counts (for example "Mental Health
    Support" for Havering's care-package measures).
    """
    if method not in ("dhsc", "nhse"):
        raise S75Error("The method must be 'dhsc' (DHSC 2024-25) or 'nhse' (NHS England 2023-24).")
    psr = _support_reason(psr)
    if age_band is not None and age_band not in BAND_NAMES:
        raise S75Error(f"The age band {age_band!r} is not one of {', '.join(BAND_NAMES)}.")
    chosen = [periods] if isinstance(periods, (str, Period)) else list(periods)
    chosen = [p if isinstance(p, Period) else parse_period(p) for p in chosen]
    events, quality = read_cld(cld_paths, person_id_rule=person_id_rule)
    _refuse_periods_outside(events, chosen)
    area = events["la_code"].mode().iloc[0] if events["la_code"].notna().any() else ""
    table = population if isinstance(population, pd.DataFrame) or population is None else read_populations(population)
    # imported here, not at the top: local_extracts uses this package's date and age helpers, so a
    # top-level import made the two modules import each other and fail when local_extracts came first
    from ..local_extracts import cpa_measures, mha_measures, read_mapping

    extracts = read_mapping(mapping) if (mha or cpa) else None
    mha_log = read_table(mha, "MHA log") if mha else None  # read once for every period
    cpa_caseload = read_table(cpa, "CPA extract") if cpa else None
    prep = Prepared(events, method=method, proxy_dob=proxy_dob)

    def rows_of(period: Period) -> list[dict]:
        found = derive(prep, period, psr=psr, age_band=age_band)
        if mha:
            found += mha_measures(mha, period, extracts, mha_log)
        if cpa:
            found += cpa_measures(cpa, period, extracts, cpa_caseload)
        return [{**row, "period": period.label, "period_start": period.start, "period_end": period.end} for row in found]

    warming = prep.warming()  # the facts are worked out alongside the first periods
    done = run_all([*warming, *(lambda period=period: rows_of(period) for period in chosen)])
    rows = [row for found in done[len(warming):] for row in found]
    frame = pd.DataFrame(rows)
    frame["area"] = area
    frame["denominator"] = frame.get("denominator", np.nan)
    warnings: list[str] = []
    if quality.rows_kept == 0:
        warnings.append("No event was kept from the CLD file(s), so every count is 0: the data-quality report says why.")
    frame = _add_values(_add_populations(frame, table, warnings))
    return frame[COLUMNS], quality, list(dict.fromkeys(warnings))
