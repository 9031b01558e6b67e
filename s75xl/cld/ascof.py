"""ASCOF measures from CLD, by DHSC's 2024-25 method (shared/reference/cld.md section 3).

Each function takes the events table from `read_cld` and a Period and returns rows of
(measure, breakdown, numerator, denominator). DHSC's method is the default; where NHS England's
2023-24 code differs in a way a council may want to reproduce, ``method="nhse"`` gives it, and
the difference is written beside the code. Choices of ours, where the reference is silent or
unverified, are marked [ours].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import BANDS, alive_on, band, open_on, overlapping
from .periods import Period
from .prepared import ST_RES_NURSING, Prepared
from .vocab import (CARER_DIRECT, CARER_INVOLVING, COMMISSIONED, DP, LD_PSR, LT_COMMUNITY,
                    LT_NURSING, LT_PRISON, LT_RESIDENTIAL, PAID, PB, SETTLED, ST_LOW, ST_OTHER)


def _rows(measure: str, groups: dict[str, tuple[int, int]]) -> list[dict]:
    return [{"measure": measure, "breakdown": b, "numerator": n, "denominator": d} for b, (n, d) in groups.items()]


def _by_band(frame: pd.DataFrame, numerator: pd.Series, bands=BANDS, total: bool = True) -> dict[str, tuple[int, int]]:
    out = {b: (int(numerator[frame["band"] == b].sum()), int((frame["band"] == b).sum())) for b in bands}
    if total:
        out["Total"] = (int(numerator.sum()), len(frame))
    return out


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
    The episodes and their sequels are worked out once (prepared.py); here they are filtered.
    """
    e = prep.episodes
    e = e[(e["end"] >= period.start) & (e["end"] <= period.end) & (e["death"].isna() | (e["death"] >= e["start"])) &
          (e["age"].isna() | (e["age"] >= 18)) & e["new"]]
    kept = e[e["sequel"].isin(DENOMINATOR_2A)].assign(band=lambda f: band(f["age"]))
    return _rows("2A", _by_band(kept, kept["sequel"].isin(NUMERATOR_2A)))


# ------------------------------------------------------------------------------------- 2B / 2C

def ascof_2b_2c(prep: Prepared, period: Period) -> list[dict]:
    """2B (18-64) and 2C (65+): people newly admitted to residential or nursing care.

    DHSC: long-term residential/nursing services starting in the period, not self-funded, with no
    such service open or ended within 365 days before; age at the event start; a person counts
    once, in the lower age band of their admissions. NHSE ("nhse"): age at the period end, and
    "new" means no residential or nursing service started before the period at all.
    """
    a = prep.admissions
    a = a[(a["event_start_date"] >= period.start) & (a["event_start_date"] <= period.end) &
          (a["date_of_death"].isna() | (a["date_of_death"] >= period.start))]
    if prep.method == "nhse":
        a = a[a["first_start"] >= period.start]
        bands = band(prep.age(a["date_of_birth"], pd.Series(period.end, index=a.index)))
    else:
        a = a[a["new"]]
        bands = a["band_at_start"]
    a = a.assign(band=bands)
    a = a[a["band"].isin(BANDS)]
    people = a.sort_values("band").groupby("person_id")["band"].first()  # "18-64" sorts before "65+"
    return [{"measure": "2B", "breakdown": "18-64", "numerator": int((people == "18-64").sum()), "denominator": None},
            {"measure": "2C", "breakdown": "65+", "numerator": int((people == "65+").sum()), "denominator": None}]


# ------------------------------------------------------------------------------------------- 2E

def ascof_2e(prep: Prepared, period: Period) -> list[dict]:
    """2E: people in long-term support living in their own home or with family.

    DHSC: long-term nursing, residential, community or prison services overlapping the period,
    alive at its start; accommodation = the person's latest known status; an unknown status is
    inferred from the component of their latest long-term service (Shared Lives, extra care,
    supported living, home support: settled; community with no component: not settled); age at
    the end of that service, capped at the period end. Part 1 is primary support reason learning
    disability aged 18-64; part 2 all reasons. NHSE ("nhse"): no prison; status from the latest
    event start; no inference from the component.
    """
    lts = prep.long_term
    if prep.method == "nhse":
        lts = lts[lts["service_type"] != LT_PRISON]
    lts = alive_on(overlapping(lts, period.start, period.end), period.start)
    latest = lts.drop_duplicates("person_id", keep="last").set_index("person_id")  # long_term is sorted by end
    people = prep.people.reindex(latest.index)
    status = people["accommodation_by_start" if prep.method == "nhse" else "accommodation"].astype(object).fillna("Unknown")
    settled = status.isin(SETTLED)
    if prep.method != "nhse":
        component = latest["service_component"].astype(object)
        inferred = component.isin(["Shared Lives", "Extra care housing", "Community supported living"]) | \
            ((latest["service_type"] == LT_COMMUNITY) & (component == "Home support or domiciliary care"))
        settled = settled | ((status == "Unknown") & inferred)
    latest = latest.assign(band=band(prep.age(latest["date_of_birth"], latest["end"].clip(upper=period.end))))
    keep = latest["band"] != "Under 18"
    latest, settled, people = latest[keep], settled[keep], people[keep]
    ld = (people["psr"] == LD_PSR) & (latest["band"] == "18-64")
    return _rows("2E(2)", _by_band(latest, settled)) + \
        _rows("2E(1)", {"18-64": (int(settled[ld].sum()), int(ld.sum()))})


# ------------------------------------------------------------------------------------------- 3D

SETTING_RANK = [
    (LT_NURSING, None, 1), (LT_RESIDENTIAL, None, 2), (LT_COMMUNITY, DP, 3), (LT_COMMUNITY, PB, 4),
    (LT_COMMUNITY, COMMISSIONED, 5), (LT_COMMUNITY, "", 6), (LT_PRISON, PB, 7), (LT_PRISON, COMMISSIONED, 8),
    (LT_PRISON, "", 9),
]


def setting_rank(rows: pd.DataFrame) -> pd.Series:
    """The SALT LTS001 hierarchy of a long-term service row (cld.md 2.5)."""
    mechanism = rows["delivery_mechanism"].astype(object).where(rows["service_component"] != DP, DP).fillna("")
    community = rows["service_type"] == LT_COMMUNITY
    prison = rows["service_type"] == LT_PRISON
    mechanism = mechanism.where(community | prison, "")
    mechanism = mechanism.where(~(prison & (mechanism == DP)), "")  # no direct payments in prison
    mechanism = mechanism.where(mechanism.isin([DP, PB, COMMISSIONED]), "")
    rank = pd.Series(np.nan, index=rows.index)
    for service_type, mech, value in SETTING_RANK:
        hit = (rows["service_type"] == service_type) & (True if mech is None else mechanism == mech)
        rank[hit & rank.isna()] = value
    return rank


def ascof_3d(prep: Prepared, period: Period) -> list[dict]:
    """3D: self-directed support and direct payments (old 1C).

    Clients (parts 1A, 2A): a snapshot of long-term services open at the period end, each person
    at their highest setting; the denominator is people whose highest setting is community;
    1A counts direct payments and council-managed personal budgets, 2A direct payments only.
    Carers (parts 1B, 2B): unpaid carers with an event in the period, each at their best support
    category; the denominator is direct payment, personal budget and commissioned support only.
    """
    day = period.end
    lts = alive_on(open_on(prep.settings, day), day)
    top = lts.drop_duplicates("person_id", keep="first").set_index("person_id")  # settings are sorted by rank
    top["band"] = band(prep.age(top["date_of_birth"], pd.Series(day, index=top.index)))
    top = top[top["band"] != "Under 18"]
    community = top[top["rank"].between(3, 6)]
    rows = _rows("3D(1A)", _by_band(community, community["rank"].isin([3, 4]))) + \
        _rows("3D(2A)", _by_band(community, community["rank"] == 3))
    return rows + _carers_3d(prep.carers, period)


def _carers_3d(carers: pd.DataFrame, period: Period) -> list[dict]:
    carers = alive_on(overlapping(carers, period.start, period.end), period.start)
    info = carers["event_outcome"] == "NFA: Information and advice or signposting"
    no_type = carers["service_type"].isna()
    assessment_or_review = carers["event_type"].isin(["Assessment", "Review"])
    carers = carers[(no_type & info) | carers["service_type"].isin([CARER_DIRECT, CARER_INVOLVING]) |
                    (assessment_or_review & no_type)]
    direct = carers["service_type"] == CARER_DIRECT
    mechanism = carers["delivery_mechanism"].astype(object).where(carers["service_component"] != DP, DP)
    category = pd.Series(6, index=carers.index)
    category[assessment_or_review[carers.index] & ~info[carers.index]] = 5
    category[carers["service_type"] == CARER_INVOLVING] = 5
    category[direct] = 4
    category[direct & (mechanism == COMMISSIONED)] = 3
    category[direct & (mechanism == PB)] = 2
    category[direct & (mechanism == DP)] = 1
    best = category.groupby(carers["person_id"]).min()
    supported = best[best <= 3]
    return [{"measure": "3D(1B)", "breakdown": "Total", "numerator": int((supported <= 2).sum()), "denominator": len(supported)},
            {"measure": "3D(2B)", "breakdown": "Total", "numerator": int((supported == 1).sum()), "denominator": len(supported)}]


# ------------------------------------------------------------------------------------------- 1E

def ascof_1e(prep: Prepared, period: Period) -> list[dict]:
    """1E: adults with a learning disability in paid employment, by the SALT LTS004 rule.

    People aged 18-64 at the period end, with primary support reason learning disability (their
    latest known), in long-term nursing, residential or community support during the period and
    alive at its start; employment status from their latest event, known beating unknown. SALT
    also excluded people detained under the Mental Health Act; CLD has no such field.
    """
    lts = prep.long_term
    lts = alive_on(overlapping(lts[lts["service_type"] != LT_PRISON], period.start, period.end), period.start)
    people = prep.people.loc[lts["person_id"].unique()]
    age = prep.age(people["date_of_birth"], pd.Series(period.end, index=people.index))
    cohort = people[(people["psr"] == LD_PSR) & age.between(18, 64)]
    return [{"measure": "1E", "breakdown": "18-64", "numerator": int(cohort["employment"].isin(PAID).sum()),
             "denominator": len(cohort)}]


DERIVATIONS = (ascof_2a, ascof_2b_2c, ascof_2e, ascof_3d, ascof_1e)
