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

import numpy as np

from .common import BAND_NAMES, band_codes, day, people_of
from .periods import Period
from .prepared import PLACEMENT_KINDS, Prepared, Rows

PLACEMENTS = {"Residential": "S75-RES", "Nursing": "S75-NUR", "Supported accommodation": "S75-SUP"}


def _flows(services: Rows, first: int, last: int) -> dict[str, np.ndarray]:
    start, end = services.start, services.end
    return {
        "OPEN-START": (start < first) & (end >= first),
        "NEW": (start >= first) & (start <= last),
        "ENDED": (end >= first) & (end <= last) & (start <= last),  # an open service's end (OPEN) is never inside
        "OPEN-END": (start <= last) & (end > last),
    }


def chosen_people(prep: Prepared, period: Period, psr: str | None, age_band: str | None) -> np.ndarray | None:
    """A mask over people: latest known primary support reason and age band at the period end
    match; None when nothing is filtered."""
    if psr is None and age_band is None:
        return None
    keep = np.ones(prep.n_people, bool)
    if psr:
        keep &= prep.latest["psr"] == prep.code("primary_support_reason", psr)
    if age_band:
        keep &= band_codes(prep.people_ages(day(period.end))) == BAND_NAMES.index(age_band)
    return keep


def activity_counts(prep: Prepared, period: Period, *, psr: str | None = None,
                    age_band: str | None = None) -> list[dict]:
    """All the activity measures for a period, as rows of the results table."""
    label = " ".join(p for p in (psr, age_band) if p) or "All"
    people = chosen_people(prep, period, psr, age_band)

    def chosen(mask: np.ndarray, rows: Rows) -> np.ndarray:
        return mask if people is None else mask & people[rows.person]

    first, last = day(period.start), day(period.end)
    rows = []
    placements = prep.placements
    for name, counts in _flows(placements, first, last).items():
        per_kind = np.bincount(placements.kind[chosen(counts, placements)], minlength=len(PLACEMENT_KINDS))
        for kind, prefix in PLACEMENTS.items():
            rows.append({"measure": f"{prefix}-{name}", "breakdown": label, "numerator": int(per_kind[PLACEMENT_KINDS.index(kind)])})
        rows.append({"measure": f"S75-PLACE-{name}", "breakdown": label, "numerator": int(per_kind.sum())})
    home = prep.home_support
    for name, counts in _flows(home, first, last).items():
        rows.append({"measure": f"S75-DOM-{name}", "breakdown": label, "numerator": int(chosen(counts, home).sum())})
    users, equipment = prep.users, prep.equipment
    rows.append({"measure": "S75-TELECARE", "breakdown": label,
                 "numerator": len(people_of(equipment.person, chosen(equipment.overlapping(first, last), equipment))),
                 "denominator": len(people_of(users.person, chosen(users.overlapping(first, last), users)))})
    return rows + _reviews(prep, people, first, last, label)


def _reviews(prep: Prepared, people: np.ndarray | None, first: int, last: int, label: str) -> list[dict]:
    reviews = prep.reviews
    planned = (reviews.review_reason == prep.code("review_reason", "Planned")) & (reviews.end >= first) & (reviews.end <= last)
    if people is not None:
        planned &= people[reviews.person]
    on_time = planned & (reviews.end <= reviews.due)
    lts = prep.long_term
    current = people_of(lts.person, lts.open_on(last))  # long_term is sorted by person
    if people is not None:
        current = current[people[current]]
    never_reviewed = prep.first_review[current] > last
    return [
        {"measure": "S75-REVIEW-ON-TIME", "breakdown": label, "numerator": int(on_time.sum()), "denominator": int(planned.sum())},
        {"measure": "S75-NO-REVIEW", "breakdown": label, "numerator": int(never_reviewed.sum()), "denominator": len(current)},
    ]
