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

from .common import band, open_on, overlapping
from .periods import Period
from .prepared import Prepared
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
    end = services["end"]
    start = services["event_start_date"]
    return {
        "OPEN-START": (start < period.start) & (end >= period.start),
        "NEW": (start >= period.start) & (start <= period.end),
        "ENDED": services["event_end_date"].between(period.start, period.end) & (start <= period.end),
        "OPEN-END": (start <= period.end) & (end > period.end),
    }


def chosen_people(prep: Prepared, period: Period, psr: str | None, age_band: str | None) -> pd.Index:
    """People whose latest known primary support reason and age band at the period end match."""
    people = prep.people
    keep = pd.Series(True, index=people.index)
    if psr:
        keep &= people["psr"] == psr
    if age_band:
        keep &= band(prep.age(people["date_of_birth"], pd.Series(period.end, index=people.index))) == age_band
    return people.index[keep]


def activity_counts(prep: Prepared, period: Period, *, psr: str | None = None,
                    age_band: str | None = None) -> list[dict]:
    """All the activity measures for a period, as rows of the results table."""
    label = " ".join(p for p in (psr, age_band) if p) or "All"
    filtered = psr is not None or age_band is not None
    people = chosen_people(prep, period, psr, age_band) if filtered else None
    placements, home = prep.placements, prep.home_support
    users = prep.users
    if people is not None:
        placements = placements[placements["person_id"].isin(people)]
        home = home[home["person_id"].isin(people)]
        users = users[users["person_id"].isin(people)]
    rows = []
    for name, counts in _flows(placements, period).items():
        for kind, prefix in PLACEMENTS.items():
            rows.append({"measure": f"{prefix}-{name}", "breakdown": label,
                         "numerator": int((counts & (placements["kind"] == kind)).sum())})
        rows.append({"measure": f"S75-PLACE-{name}", "breakdown": label, "numerator": int(counts.sum())})
    for name, counts in _flows(home, period).items():
        rows.append({"measure": f"S75-DOM-{name}", "breakdown": label, "numerator": int(counts.sum())})
    active = overlapping(users, period.start, period.end)
    equipment = active[active["service_component"] == "Equipment"]
    rows.append({"measure": "S75-TELECARE", "breakdown": label, "numerator": equipment["person_id"].nunique(),
                 "denominator": active["person_id"].nunique()})
    rows += _reviews(prep, people, users, period, label)
    return rows


def _reviews(prep: Prepared, people: pd.Index | None, users: pd.DataFrame, period: Period, label: str) -> list[dict]:
    reviews = prep.reviews if people is None else prep.reviews[prep.reviews["person_id"].isin(people)]
    planned = reviews[(reviews["review_reason"] == "Planned") & reviews["event_end_date"].between(period.start, period.end)]
    on_time = planned["event_end_date"] <= planned["due"]
    lts_now = open_on(users[users["service_type"].isin(LONG_TERM)], period.end)
    current = pd.Series(lts_now["person_id"].unique())
    reviewed = reviews.loc[reviews["event_end_date"] <= period.end, "person_id"].unique()
    return [
        {"measure": "S75-REVIEW-ON-TIME", "breakdown": label, "numerator": int(on_time.sum()), "denominator": len(planned)},
        {"measure": "S75-NO-REVIEW", "breakdown": label, "numerator": int((~current.isin(reviewed)).sum()),
         "denominator": len(current)},
    ]
