"""ASCOF measures from CLD, by DHSC's 2024-25 method (shared/reference/cld.md section 3).

Each function takes the prepared events (prepared.py) and a Period and returns rows of
(measure, breakdown, numerator, denominator). DHSC's method is the default; where NHS England's
2023-24 code differs in a way a council may want to reproduce, ``method="nhse"`` gives it, and
the difference is written beside the code. Choices of ours, where the reference is silent or
unverified, are marked [ours].
"""

from __future__ import annotations

import numpy as np

from .accommodation import settled_by_service
from .common import (OLDER, UNDER_18, UNKNOWN_AGE, WORKING_AGE, band_codes, by_band, day, first_of_group, last_of_group, people_in,
                     people_of)
from .episodes import ST_RES_NURSING
from .periods import Period
from .prepared import Prepared
from .vocab import LD_PSR, LT_COMMUNITY, LT_NURSING, LT_PRISON, LT_RESIDENTIAL, PAID, SETTLED, ST_LOW, ST_OTHER


def _rows(measure: str, groups: dict[str, tuple[int, int]]) -> list[dict]:
    return [{"measure": measure, "breakdown": b, "numerator": n, "denominator": d} for b, (n, d) in groups.items()]


def _days(period: Period) -> tuple[int, int]:
    return day(period.start), day(period.end)


# ------------------------------------------------------------------------------------------- 2A

NUMERATOR_2A = {ST_LOW, ST_OTHER, "NFA: Information and advice or signposting", "NFA: Support ended as planned",
                "NFA: Responsibility moved to another local authority", "NFA: Other",
                "NFA: No services offered for other reason", "NFA: Support ended for other reason",
                "NFA: Referral to other service within the local authority"}
DENOMINATOR_2A = NUMERATOR_2A | {LT_COMMUNITY, LT_NURSING, LT_RESIDENTIAL, LT_PRISON, ST_RES_NURSING}


def ascof_2a(prep: Prepared, period: Period) -> list[dict]:
    """2A: new short-term (ST-Max) clients with no further request for ongoing support.

    DHSC: episodes joined within 7 days; sequel window 7 days; new client = no long-term service
    open or ended within 91 days before the episode (the code uses 91 though its comment says 365);
    episodes ending in the period, aged 18+ at the end (or unknown), not dead before the start.
    NHSE ("nhse"): episodes joined within 1 day and a 3-day sequel window; its further condition,
    that the episode follows a request from a new client (SALT STS001), is not reproduced [ours].
    The episodes and their sequels are worked out once (episodes.py); here they are filtered.
    """
    e = prep.once("episodes_2a", lambda: _episodes_2a(prep))
    first, last = _days(period)
    kept = e["counted"] & (e["end"] >= first) & (e["end"] <= last)
    return _rows("2A", by_band(e["band"][kept], e["successful"][kept]))


def _episodes_2a(prep: Prepared) -> dict[str, np.ndarray]:
    """The episodes with whether each can count (new client, alive at its start, adult or of
    unknown age, a sequel in the denominator), whether it succeeded, and its age band."""
    e = prep.episodes
    return {"end": e["end"], "band": band_codes(e["age"]),
            "counted": e["new"] & (e["death"] >= e["start"]) & ((e["age"] == UNKNOWN_AGE) | (e["age"] >= 18)) &
            np.asarray(e["sequel"].isin(list(DENOMINATOR_2A))),
            "successful": np.asarray(e["sequel"].isin(list(NUMERATOR_2A)))}


# ------------------------------------------------------------------------------------- 2B / 2C

def ascof_2b_2c(prep: Prepared, period: Period) -> list[dict]:
    """2B (18-64) and 2C (65+): people newly admitted to residential or nursing care.

    DHSC: long-term residential/nursing services starting in the period, not self-funded, with no
    such service open or ended within 365 days before; age at the event start; a person counts
    once, in the lower age band of their admissions. NHSE ("nhse"): age at the period end, and
    "new" means no residential or nursing service started before the period at all.
    """
    a = prep.admissions
    first, last = _days(period)
    kept = (a.start >= first) & (a.start <= last) & a.alive_on(first)
    if prep.method == "nhse":
        kept &= a.first_start >= first
        bands = band_codes(a.age(last))
    else:
        kept &= a.new
        bands = a.band_at_start
    working_age = people_in(a.person, kept & (bands == WORKING_AGE), prep.n_people)
    older = people_in(a.person, kept & (bands == OLDER), prep.n_people) & ~working_age  # the lower band wins
    return [{"measure": "2B", "breakdown": "18-64", "numerator": int(working_age.sum()), "denominator": None},
            {"measure": "2C", "breakdown": "65+", "numerator": int(older.sum()), "denominator": None}]


# ------------------------------------------------------------------------------------------- 2E

def ascof_2e(prep: Prepared, period: Period) -> list[dict]:
    """2E: people in long-term support living in their own home or with family.

    DHSC: long-term nursing, residential, community or prison services overlapping the period,
    alive at its start; accommodation = the person's latest known status; an unknown status is
    inferred from their latest service of any type in the period, short-term included
    (accommodation.py: Shared Lives, extra care, supported living, or long-term community home
    support count as settled; a short-term latest service leaves the status unknown, not
    settled); age at the end of their latest long-term service, capped at the period end. Part 1
    is primary support reason learning disability aged 18-64; part 2 all reasons. NHSE ("nhse"):
    no prison; status from the latest event start; no inference from services.
    """
    lts = prep.long_term
    first, last = _days(period)
    kept = lts.overlapping(first, last) & lts.alive_on(first)
    if prep.method == "nhse":
        kept &= lts.service_type != prep.code("service_type", LT_PRISON)
    latest = last_of_group(lts.person, kept)  # long_term is sorted by person, then end
    person = lts.person[latest]
    status = (prep.accommodation_by_start if prep.method == "nhse" else prep.latest["accommodation"])[person]
    settled = prep.isin(status, "accommodation_status", SETTLED)
    if prep.method != "nhse":
        inferred = settled_by_service(prep.accommodation_inference, first, last, prep.n_people)[person]
        settled |= (status == prep.code("accommodation_status", "Unknown")) & inferred
    bands = band_codes(lts.age(np.minimum(lts.end[latest], last), latest))
    adult = bands != UNDER_18
    bands, settled, person = bands[adult], settled[adult], person[adult]
    ld = (prep.latest["psr"][person] == prep.code("primary_support_reason", LD_PSR)) & (bands == WORKING_AGE)
    return _rows("2E(2)", by_band(bands, settled)) + \
        _rows("2E(1)", {"18-64": (int(settled[ld].sum()), int(ld.sum()))})


# ------------------------------------------------------------------------------------------- 3D

def ascof_3d(prep: Prepared, period: Period) -> list[dict]:
    """3D: self-directed support and direct payments (old 1C).

    Clients (parts 1A, 2A): a snapshot of long-term services open at the period end, each person
    at their highest setting (cld.md 2.5, prepared.py); the denominator is people whose highest
    setting is community; 1A counts direct payments and council-managed personal budgets, 2A
    direct payments only. Carers (parts 1B, 2B): unpaid carers with an event in the period, each
    at their best support category; the denominator is direct payment, personal budget and
    commissioned support only; by age at the period end, 18-64 and 65+, under-18s left out and
    unknown ages in the total only (Create_ASCOF_3D_2425_Onwards.sql, the carers' ROLLUP by age
    band; NHS England's 2023-24 code bands them the same way, so "nhse" does not differ here).
    """
    first, last = _days(period)
    s = prep.settings
    top = first_of_group(s.person, s.open_on(last) & s.alive_on(last))  # settings are sorted by person, then rank
    bands = band_codes(s.age(last, top))
    rank = s.rank[top][bands != UNDER_18]
    bands = bands[bands != UNDER_18]
    community = (rank >= 3) & (rank <= 6)
    bands, rank = bands[community], rank[community]
    rows = _rows("3D(1A)", by_band(bands, rank <= 4)) + _rows("3D(2A)", by_band(bands, rank == 3))  # 3 DP, 4 PB
    carers = prep.carer_support
    chosen = first_of_group(carers.person, carers.overlapping(first, last) & carers.alive_on(first))
    best, bands = carers.category[chosen], band_codes(prep.person_births.age(last, carers.person[chosen]))
    best, bands = best[bands != UNDER_18], bands[bands != UNDER_18]
    return rows + _rows("3D(1B)", by_band(bands, best <= 2)) + _rows("3D(2B)", by_band(bands, best == 1))


# ------------------------------------------------------------------------------------------- 1E

def ascof_1e(prep: Prepared, period: Period) -> list[dict]:
    """1E: adults with a learning disability in paid employment, by the SALT LTS004 rule.

    People aged 18-64 at the period end, with primary support reason learning disability (their
    latest known), in long-term nursing, residential or community support during the period and
    alive at its start; employment status from their latest event, known beating unknown. SALT
    also excluded people detained under the Mental Health Act; CLD has no such field.
    """
    lts = prep.long_term
    first, last = _days(period)
    kept = lts.overlapping(first, last) & lts.alive_on(first) & (lts.service_type != prep.code("service_type", LT_PRISON))
    person = people_of(lts.person, kept)  # long_term is sorted by person
    age = prep.person_births.age(last, person)
    cohort = person[(prep.latest["psr"][person] == prep.code("primary_support_reason", LD_PSR)) & (age >= 18) & (age <= 64)]
    paid = prep.isin(prep.employment[cohort], "employment_status", PAID)
    return [{"measure": "1E", "breakdown": "18-64", "numerator": int(paid.sum()), "denominator": len(cohort)}]


DERIVATIONS = (ascof_2a, ascof_2b_2c, ascof_2e, ascof_3d, ascof_1e)
