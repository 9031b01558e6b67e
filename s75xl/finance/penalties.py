"""Contract penalties at risk: the SLA targets (catalogue entries carrying penalties for County
and City) against the assessed results' RAG.

Source: Leicestershire Partnership NHS Trust, briefing on SLA targets with financial penalties
for non-delivery, July 2008: five targets, penalties split Counties and City, "a maximum of
£360,000". A target is at risk in an area when its latest result there is Red, or the results
mark it forecast to miss (a ``forecast_miss`` column of yes/true/1). A contract target has no
Amber band: the demo's targets set ``tolerance_pct = 0`` so any shortfall is Red. The printed
County total (£216,000) is not the sum of its parts (£215,920); the check reports it and the
exposure is always the sum of the parts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..assess import assess
from ..catalogue import Catalogue, default_catalogue
from ..errors import S75Error
from ..safety.messages import cell_text
from .config import normal
from .errors import SourceError
from .monitor import Monitor, _components_check, money
from .periods import month

AREAS = {"county": "County", "counties": "County", "leicestershire": "County", "city": "City", "leicester": "City"}
TRUE_WORDS = {"yes", "y", "true", "1", "x"}


def contract_targets(catalogue: Catalogue) -> list:
    """Catalogue entries that carry penalties, in catalogue order."""
    return [m for m in catalogue if "penalty_county_gbp" in m.extra or "penalty_city_gbp" in m.extra]


def _area(value, where: str, row: int) -> str:
    found = AREAS.get(normal(value))
    if found is None:
        raise SourceError(f"{where}, row {row}, column 'area': {cell_text(value)} is neither County nor City.")
    return found


def penalties(results: pd.DataFrame | None, targets: pd.DataFrame | None, schedule: pd.DataFrame | None,
              period: pd.Period, monitor: Monitor, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The penalties table: one row per contract target, with what is at risk, County and City."""
    catalogue = catalogue or default_catalogue()
    measures = contract_targets(catalogue)
    latest = _latest_ratings(results, targets, period, catalogue) if results is not None else {}
    rows = []
    for m in measures:
        county, city = float(m.extra.get("penalty_county_gbp", 0)), float(m.extra.get("penalty_city_gbp", 0))
        at_risk, positions = {}, []
        for area in ("County", "City"):
            found = latest.get((area, m.id))
            if found is None:
                continue
            value, target, rating, forecast_miss, when = found
            positions.append(f"{area} {value:g}" + (f" against {target:g}" if target == target else ""))
            at_risk[area] = rating == "Red" or forecast_miss
            if at_risk[area]:
                why = "Red" if rating == "Red" else "forecast to miss"
                monitor.add("report", "penalties", f"SLA target {m.group} is at risk in the {area} ({why}: {value:g} "
                                                   f"against a target of {target:g}, {when}): penalty "
                                                   f"{money(county if area == 'County' else city)}.")
        status = ("At risk: " + " and ".join(a for a in ("County", "City") if at_risk.get(a))) if any(at_risk.values()) \
            else "On target" if at_risk else "No results"
        rows.append({"measure": m.id, "service": m.group, "target": m.extra.get("target_text", ""),
                     "position": "; ".join(positions) or m.extra.get("position_at_year_end", ""),
                     "county_penalty": county, "city_penalty": city, "status": status,
                     "county_at_risk": county if at_risk.get("County") else 0.0,
                     "city_at_risk": city if at_risk.get("City") else 0.0})
    out = pd.DataFrame(rows, columns=["measure", "service", "target", "position", "county_penalty", "city_penalty",
                                      "status", "county_at_risk", "city_at_risk"])
    if results is not None and not out.empty:
        county, city = out["county_at_risk"].sum(), out["city_at_risk"].sum()
        monitor.add("note", "penalties", f"Penalties at risk: County {money(county)}, City {money(city)}, "
                                         f"total {money(county + city)}.")
    if schedule is not None:
        _check_schedule(schedule, measures, monitor)
    return out


def _latest_ratings(results: pd.DataFrame, targets: pd.DataFrame | None, period: pd.Period,
                    catalogue: Catalogue) -> dict:
    where = results.attrs.get("where", "the SLA results")
    table = pd.DataFrame({
        "area": [_area(a, where, i + 2) for i, a in enumerate(results["area"])],
        "measure": results["measure"].to_numpy(),
        "period_start": [_month_start(p, where, i + 2) for i, p in enumerate(results["period"])],
        "value": results["value"].to_numpy()})
    forecast = results.get("forecast_miss", pd.Series([None] * len(results)))
    table["forecast_miss"] = [str(v).strip().lower() in TRUE_WORDS for v in forecast]
    table = table[table["period_start"] <= period.to_timestamp()].reset_index(drop=True)
    if table.empty:
        return {}
    prepared = None
    if targets is not None:
        prepared = targets.rename(columns={}).copy()
        if "area" in prepared:
            prepared["area"] = [None if not a else _area(a, targets.attrs.get("where", "the SLA targets"), i + 2)
                                for i, a in enumerate(prepared["area"])]
    try:
        assessed = assess(table.drop(columns="forecast_miss"), prepared, catalogue=catalogue, spc=False)
    except S75Error as exc:
        raise SourceError(f"{where}: {exc}") from None
    assessed["forecast_miss"] = table["forecast_miss"].to_numpy()
    out = {}
    for (area, measure), part in assessed.sort_values("period_start").groupby(["area", "measure"], sort=False):
        last = part.iloc[-1]
        out[(area, measure)] = (float(last["value"]), float(last["target"]) if pd.notna(last["target"]) else np.nan,
                                last["rag"] if pd.notna(last["rag"]) else None, bool(last["forecast_miss"]),
                                f"{last['period_start']:%B %Y}")
    return out


def _month_start(value, where: str, row: int) -> pd.Timestamp:
    found = month(value)
    if found is None:
        raise SourceError(f"{where}, row {row}, column 'period': {cell_text(value)} is not a month.")
    return found.to_timestamp()


def _check_schedule(schedule: pd.DataFrame, measures: list, monitor: Monitor) -> None:
    where = schedule.attrs.get("where", "the SLA schedule")
    parts = _components_check(schedule, None, "service", ["county_penalty", "city_penalty"], "penalties", money, monitor)
    by_group = {normal(m.group): m for m in measures}
    by_id = {normal(m.id): m for m in measures}
    for index, row in parts.iterrows():
        m = by_id.get(normal(row.get("measure", ""))) or by_group.get(normal(row["service"]))
        if m is None:
            monitor.add("problem", "penalties", f"{where}, row {index + 2}: {row['service']!r} is not an SLA target in "
                                                "the catalogue.")
            continue
        for column, key in (("county_penalty", "penalty_county_gbp"), ("city_penalty", "penalty_city_gbp")):
            if round(row[column] * 100) != round(float(m.extra.get(key, 0)) * 100):
                monitor.add("problem", "penalties", f"{where}, row {index + 2}: {m.group} {column.replace('_', ' ')} is "
                                                    f"{money(row[column])}, the catalogue says "
                                                    f"{money(float(m.extra.get(key, 0)))}.")
