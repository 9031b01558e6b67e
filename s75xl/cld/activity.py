"""Section 75 activity counts from CLD: placements, home-support packages, telecare, reviews.

These are the care-package and review measures of the Havering framework (seed 000, measures
8-17) and Cambridgeshire's RV1/RV3 (seed 001), for any period, filterable by primary support
reason (mental health for Havering) and age band. Definitions [ours, where the seeds are silent]:

- a placement is a council-funded long-term residential care, nursing care, or community
  supported living service (CLD has no "supported accommodation" service type; supported living
  is its component); "Fully client funded" rows are left out;
- a home-support (domiciliary) package is long-term community support with the component "Home
  support or domiciliary care";
- counts are of service lines, so they reconcile exactly as Cambridgeshire's table does (seed
  001 7.4): open at the start + new - ended = open at the end. Open at the start means started
  before the period and not ended before it; ended means an end date inside the period;
- telecare/equipment: people with an "Equipment" service active in the period, as a count and as
  a percentage of people with any service active in it;
- planned reviews on time: a planned review completed in the period is on time if it is no more
  than 12 months after the person's previous review, or after the start of their earliest
  long-term service when there was no review before;
- no review recorded: people in long-term support at the period end with no review on record.
"""

from __future__ import annotations

import pandas as pd

from .common import age_at, band, end_filled, latest_known, open_on, overlapping, service_users
from .periods import Period
from .vocab import LONG_TERM, LT_COMMUNITY, LT_NURSING, LT_RESIDENTIAL

PLACEMENTS = {"Residential": "S75-RES", "Nursing": "S75-NUR", "Supported accommodation": "S75-SUP"}
HOME_SUPPORT = "Home support or domiciliary care"


def _placement_kind(services: pd.DataFrame) -> pd.Series:
    kind = pd.Series(None, index=services.index, dtype=object)
    kind[services["service_type"] == LT_RESIDENTIAL] = "Residential"
    kind[services["service_type"] == LT_NURSING] = "Nursing"
    kind[(services["service_type"] == LT_COMMUNITY) & (services["service_component"] == "Community supported living")] = "Supported accommodation"
    return kind


def _flows(services: pd.DataFrame, period: Period) -> dict[str, pd.Series]:
    end = end_filled(services)
    start = services["event_start_date"]
    return {
        "OPEN-START": (start < period.start) & (end >= period.start),
        "NEW": (start >= period.start) & (start <= period.end),
        "ENDED": services["event_end_date"].between(period.start, period.end) & (start <= period.end),
        "OPEN-END": (start <= period.end) & (end > period.end),
    }


def filter_people(events: pd.DataFrame, period: Period, psr: str | None, age_band: str | None) -> pd.DataFrame:
    """Events of people whose latest known primary support reason and age band at the period end match."""
    keep = pd.Series(True, index=events.index)
    if psr:
        reason = latest_known(events, "primary_support_reason")
        keep &= events["person_id"].map(reason) == psr
    if age_band:
        dob = events.groupby("person_id")["date_of_birth"].first()
        bands = band(age_at(dob, pd.Series(period.end, index=dob.index)))
        keep &= events["person_id"].map(bands) == age_band
    return events[keep]


def activity_counts(events: pd.DataFrame, period: Period, *, psr: str | None = None,
                    age_band: str | None = None) -> list[dict]:
    """All the activity measures for a period, as rows of the results table."""
    label = " ".join(p for p in (psr, age_band) if p) or "All"
    chosen = filter_people(events, period, psr, age_band)
    users = service_users(chosen)
    funded = users[users["client_funding_status"] != "Fully client funded"]
    rows = []
    kinds = _placement_kind(funded)
    placements = funded[kinds.notna()]
    for name, counts in _flows(placements, period).items():
        for kind, prefix in PLACEMENTS.items():
            rows.append({"measure": f"{prefix}-{name}", "breakdown": label,
                         "numerator": int((counts & (kinds[placements.index] == kind)).sum())})
        rows.append({"measure": f"S75-PLACE-{name}", "breakdown": label, "numerator": int(counts.sum())})
    home = funded[(funded["service_type"] == LT_COMMUNITY) & (funded["service_component"] == HOME_SUPPORT)]
    for name, counts in _flows(home, period).items():
        rows.append({"measure": f"S75-DOM-{name}", "breakdown": label, "numerator": int(counts.sum())})
    active = overlapping(users, period.start, period.end)
    equipment = active[active["service_component"] == "Equipment"]
    rows.append({"measure": "S75-TELECARE", "breakdown": label, "numerator": equipment["person_id"].nunique(),
                 "denominator": active["person_id"].nunique()})
    rows += _reviews(chosen, users, period, label)
    return rows


def _reviews(chosen: pd.DataFrame, users: pd.DataFrame, period: Period, label: str) -> list[dict]:
    reviews = chosen[chosen["event_type"] == "Review"].sort_values(["person_id", "event_end_date"])
    previous = reviews.groupby("person_id")["event_end_date"].shift(1)
    first_lts = users[users["service_type"].isin(LONG_TERM)].groupby("person_id")["event_start_date"].min()
    previous = previous.fillna(reviews["person_id"].map(first_lts))
    planned = reviews[(reviews["review_reason"] == "Planned") & reviews["event_end_date"].between(period.start, period.end)]
    due = previous[planned.index] + pd.DateOffset(months=12)
    on_time = planned["event_end_date"] <= due
    lts_now = open_on(users[users["service_type"].isin(LONG_TERM)], period.end)
    people = lts_now["person_id"].unique()
    reviewed = set(reviews.loc[reviews["event_end_date"] <= period.end, "person_id"])
    return [
        {"measure": "S75-REVIEW-ON-TIME", "breakdown": label, "numerator": int(on_time.sum()), "denominator": len(planned)},
        {"measure": "S75-NO-REVIEW", "breakdown": label, "numerator": int(sum(p not in reviewed for p in people)),
         "denominator": len(people)},
    ]
