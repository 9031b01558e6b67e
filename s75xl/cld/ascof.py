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

from .common import BANDS, age_at, alive_on, band, end_filled, latest_known, open_on, overlapping, service_users
from .periods import Period
from .vocab import (CARER, CARER_BY_ASSOCIATION, CARER_DIRECT, CARER_INVOLVING, COMMISSIONED, DP, LD_PSR, LONG_TERM,
                    LT_COMMUNITY, LT_NURSING, LT_PRISON, LT_RESIDENTIAL, OUTCOME_RANK, PAID, PB, SETTLED, ST_LOW, ST_MAX,
                    ST_OTHER)

ST_RES_NURSING = "Short term support: Residential or Nursing care"
DAY = pd.Timedelta(days=1)


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
# The service hierarchy used for a sequel (cld.md 3.1 step 3): LTS001 order. Where the relabelled
# short-term residential/nursing care sits is not stated; we put it after prison [ours].
SEQUEL_SERVICE_RANK = {LT_NURSING: 1, LT_RESIDENTIAL: 2, LT_COMMUNITY: 3, LT_PRISON: 4, ST_RES_NURSING: 5,
                       ST_MAX: 6, ST_LOW: 7, ST_OTHER: 8}
PROGRESS_PENALTY = 100  # NFA outcomes beat "progress / continuation" ones (cld.md 3.1 step 4)


def _clusters(st: pd.DataFrame, gap_days: int) -> pd.DataFrame:
    """ST-Max episodes: a new cluster starts when start - (latest end so far) > gap_days."""
    st = st.assign(_end=end_filled(st)).sort_values(["person_id", "event_start_date", "_end"], kind="stable")
    previous_end = st.groupby("person_id")["_end"].cummax().groupby(st["person_id"]).shift(1)
    new = previous_end.isna() | ((st["event_start_date"] - previous_end).dt.days > gap_days)
    st = st.assign(cluster=new.cumsum(), _rank=st["event_outcome"].map(OUTCOME_RANK).fillna(999))
    last = st.sort_values(["cluster", "_end", "_rank"], ascending=[True, True, False], kind="stable").groupby("cluster").tail(1)
    clusters = st.groupby("cluster").agg(person_id=("person_id", "first"), start=("event_start_date", "min"),
                                          end=("_end", "max"), dob=("date_of_birth", "first"),
                                          death=("date_of_death", "first"))
    clusters["outcome"] = last.set_index("cluster")["event_outcome"]
    return clusters


def ascof_2a(events: pd.DataFrame, period: Period, *, method: str = "dhsc", proxy_dob: bool = False) -> list[dict]:
    """2A: new short-term (ST-Max) clients with no further request for ongoing support.

    DHSC: clusters joined within 7 days; sequel window 7 days; new client = no long-term service
    open or ended within 91 days before the episode (the code uses 91 though its comment says 365).
    NHSE ("nhse"): clusters joined within 1 day and a 3-day sequel window; its further condition,
    that the episode follows a request from a new client (SALT STS001), is not reproduced [ours].
    """
    gap, window = (1, 3) if method == "nhse" else (7, 7)
    users = service_users(events)
    st = users[users["service_type"] == ST_MAX]
    if st.empty:
        return _rows("2A", {b: (0, 0) for b in (*BANDS, "Total")})
    clusters = _clusters(st, gap)
    clusters = clusters[(clusters["end"] >= period.start) & (clusters["end"] <= period.end)]
    clusters = clusters[clusters["death"].isna() | (clusters["death"] >= clusters["start"])]
    clusters["age"] = age_at(clusters["dob"], clusters["end"], proxy_dob)
    clusters = clusters[clusters["age"].isna() | (clusters["age"] >= 18)]
    lts = users[users["service_type"].isin(LONG_TERM)].assign(_end=lambda f: end_filled(f))
    pairs = clusters.reset_index().merge(lts[["person_id", "event_start_date", "_end"]], on="person_id")
    existing = pairs[(pairs["event_start_date"] < pairs["start"]) &
                     (pairs["_end"] > pairs["start"] - pd.Timedelta(days=91))]["cluster"]
    clusters = clusters.drop(index=existing.unique(), errors="ignore")
    clusters["sequel"] = _sequels(clusters, users, events, window)
    kept = clusters[clusters["sequel"].isin(DENOMINATOR_2A)].assign(band=lambda f: band(f["age"]))
    return _rows("2A", _by_band(kept, kept["sequel"].isin(NUMERATOR_2A)))


def _sequels(clusters: pd.DataFrame, users: pd.DataFrame, events: pd.DataFrame, window: int) -> pd.Series:
    after = pd.Timedelta(days=window)
    sequel = pd.Series(None, index=clusters.index, dtype=object)
    sequel[clusters["death"].notna() & (clusters["death"] <= clusters["end"] + after)] = "Deceased"
    sequel[sequel.isna() & (clusters["outcome"] == "Admitted to hospital")] = "Admitted to hospital"
    base = clusters.reset_index()[["cluster", "person_id", "start", "end"]]

    services = users[users["service_type"] != ST_MAX].assign(_end=lambda f: end_filled(f))
    short_res = services["service_component"].isin(["Short term residential care", "Short term nursing care"])
    services = services.assign(kind=services["service_type"].where(~short_res, ST_RES_NURSING))
    pairs = base.merge(services[["person_id", "event_start_date", "_end", "kind"]], on="person_id")
    follows = ((pairs["event_start_date"] <= pairs["end"]) & (pairs["_end"] >= pairs["end"])) | \
              ((pairs["event_start_date"] > pairs["end"]) & (pairs["event_start_date"] <= pairs["end"] + after))
    pairs = pairs[follows].assign(rank=lambda f: f["kind"].map(SEQUEL_SERVICE_RANK).fillna(99))
    best_service = pairs.sort_values("rank").groupby("cluster")["kind"].first()
    sequel = sequel.fillna(best_service.reindex(sequel.index))

    others = events[events["event_type"].isin(["Request", "Assessment", "Review"])]
    pairs = base.merge(others[["person_id", "event_end_date", "event_outcome"]], on="person_id")
    near = (pairs["event_end_date"] >= pairs["start"]) & (pairs["event_end_date"] <= pairs["end"] + after)
    future_planned_end = (pairs["event_end_date"] > pairs["end"]) & (pairs["event_outcome"] == "NFA: Support ended as planned")
    pairs = pairs[near & ~future_planned_end][["cluster", "event_outcome"]]
    own = clusters.reset_index()[["cluster", "outcome"]].rename(columns={"outcome": "event_outcome"})
    outcomes = pd.concat([own, pairs]).dropna(subset=["event_outcome"])
    progress = outcomes["event_outcome"].str.startswith(("Progress", "Continuation"))
    outcomes = outcomes.assign(rank=outcomes["event_outcome"].map(OUTCOME_RANK).fillna(999) + progress * PROGRESS_PENALTY)
    best_outcome = outcomes.sort_values("rank").groupby("cluster")["event_outcome"].first()
    sequel = sequel.fillna(best_outcome.reindex(sequel.index))

    equipment = users[users["service_component"] == "Equipment"]
    pairs = base.merge(equipment[["person_id", "event_start_date"]], on="person_id")
    nested = pairs[(pairs["event_start_date"] >= pairs["start"]) & (pairs["event_start_date"] <= pairs["end"])]["cluster"]
    sequel[sequel.isna() & sequel.index.isin(nested)] = ST_LOW
    return sequel.fillna("Unable to classify")


# ------------------------------------------------------------------------------------- 2B / 2C

def ascof_2b_2c(events: pd.DataFrame, period: Period, *, method: str = "dhsc", proxy_dob: bool = False) -> list[dict]:
    """2B (18-64) and 2C (65+): people newly admitted to residential or nursing care.

    DHSC: long-term residential/nursing services starting in the period, not self-funded, with no
    such service open or ended within 365 days before; age at the event start; a person counts
    once, in the lower age band of their admissions. NHSE ("nhse"): age at the period end, and
    "new" means no residential or nursing service started before the period at all.
    """
    users = service_users(events)
    component = users["service_component"].fillna("").str.lower()
    care = users[users["service_type"].isin([LT_RESIDENTIAL, LT_NURSING]) & users["date_of_birth"].notna() &
                 (component.eq("") | component.str.contains("residential|nursing")) & ~component.str.contains("short")]
    care = alive_on(care, period.start).assign(_end=lambda f: end_filled(f))
    admissions = care[(care["event_start_date"] >= period.start) & (care["event_start_date"] <= period.end) &
                      (care["event_outcome"] != "NFA: Self-funded client or under 12wk disregard")]
    pairs = admissions.reset_index().merge(care[["person_id", "event_start_date", "_end"]], on="person_id",
                                           suffixes=("", "_other"))
    if method == "nhse":
        earlier = pairs["event_start_date_other"] < period.start
    else:
        earlier = (pairs["event_start_date_other"] < pairs["event_start_date"]) & \
                  (pairs["_end_other"] >= pairs["event_start_date"] - pd.Timedelta(days=365))
    admissions = admissions.drop(index=pairs.loc[earlier, "index"].unique())
    when = pd.Series(period.end, index=admissions.index) if method == "nhse" else admissions["event_start_date"]
    admissions = admissions.assign(band=band(age_at(admissions["date_of_birth"], when, proxy_dob)))
    admissions = admissions[admissions["band"].isin(BANDS)]
    people = admissions.sort_values("band").groupby("person_id")["band"].first()  # "18-64" sorts before "65+"
    return [{"measure": "2B", "breakdown": "18-64", "numerator": int((people == "18-64").sum()), "denominator": None},
            {"measure": "2C", "breakdown": "65+", "numerator": int((people == "65+").sum()), "denominator": None}]


# ------------------------------------------------------------------------------------------- 2E

def ascof_2e(events: pd.DataFrame, period: Period, *, method: str = "dhsc", proxy_dob: bool = False) -> list[dict]:
    """2E: people in long-term support living in their own home or with family.

    DHSC: long-term nursing, residential, community or prison services overlapping the period;
    accommodation = the person's latest known status; an unknown status is inferred from the
    service component of their latest long-term service (Shared Lives, extra care, supported
    living, home support: settled; community with no component: not settled); age at the end of
    their latest long-term service, capped at the period end. Part 1 is PSR learning disability
    aged 18-64; part 2 all PSRs. NHSE ("nhse"): no prison, no inference from the component.
    """
    settings = (LT_NURSING, LT_RESIDENTIAL, LT_COMMUNITY) if method == "nhse" else LONG_TERM
    users = service_users(events)
    lts = alive_on(overlapping(users[users["service_type"].isin(settings)], period.start, period.end), period.start)
    if lts.empty:
        return _rows("2E(2)", {b: (0, 0) for b in (*BANDS, "Total")}) + _rows("2E(1)", {"18-64": (0, 0)})
    latest = lts.assign(_end=end_filled(lts)).sort_values(["person_id", "_end", "event_start_date"]).groupby("person_id").tail(1)
    people = latest.set_index("person_id")
    status = latest_known(events[events["person_id"].isin(people.index)], "accommodation_status")
    if method == "nhse":
        status = latest_known(events[events["person_id"].isin(people.index)], "accommodation_status",
                              order=("event_start_date", "reporting_period_end_date"))
    people["status"] = status.reindex(people.index).fillna("Unknown")
    settled = people["status"].isin(SETTLED)
    if method != "nhse":
        unknown = people["status"] == "Unknown"
        component = people["service_component"]
        inferred = component.isin(["Shared Lives", "Extra care housing", "Community supported living"]) | \
            ((people["service_type"] == LT_COMMUNITY) & (component == "Home support or domiciliary care"))
        settled = settled | (unknown & inferred)
    age_day = people["_end"].clip(upper=period.end)
    people["band"] = band(age_at(people["date_of_birth"], age_day, proxy_dob))
    keep = people["band"] != "Under 18"
    people, settled = people[keep], settled[keep]
    psr = latest_known(events[events["person_id"].isin(people.index)], "primary_support_reason").reindex(people.index)
    ld = (psr == LD_PSR) & (people["band"] == "18-64")
    return _rows("2E(2)", _by_band(people, settled)) + \
        _rows("2E(1)", {"18-64": (int(settled[ld].sum()), int(ld.sum()))})


# ------------------------------------------------------------------------------------------- 3D

SETTING_RANK = [
    (LT_NURSING, None, 1), (LT_RESIDENTIAL, None, 2), (LT_COMMUNITY, DP, 3), (LT_COMMUNITY, PB, 4),
    (LT_COMMUNITY, COMMISSIONED, 5), (LT_COMMUNITY, "", 6), (LT_PRISON, PB, 7), (LT_PRISON, COMMISSIONED, 8),
    (LT_PRISON, "", 9),
]


def _setting_rank(rows: pd.DataFrame) -> pd.Series:
    """The SALT LTS001 hierarchy of a long-term service row (cld.md 2.5)."""
    mechanism = rows["delivery_mechanism"].where(rows["service_component"] != DP, DP).fillna("")
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


def ascof_3d(events: pd.DataFrame, period: Period, *, method: str = "dhsc", proxy_dob: bool = False) -> list[dict]:
    """3D: self-directed support and direct payments (old 1C).

    Clients (parts 1A, 2A): a snapshot of long-term services open at the period end, each person
    at their highest setting; the denominator is people whose highest setting is community;
    1A counts direct payments and council-managed personal budgets, 2A direct payments only.
    Carers (parts 1B, 2B): unpaid carers with an event in the period, each at their best support
    category; the denominator is direct payment, personal budget and commissioned support only.
    """
    day = period.end
    users = service_users(events)
    lts = alive_on(open_on(users[users["service_type"].isin(LONG_TERM)], day), day)
    lts = lts.assign(rank=_setting_rank(lts))
    top = lts.sort_values("rank").groupby("person_id").head(1).set_index("person_id")
    top["band"] = band(age_at(top["date_of_birth"], pd.Series(day, index=top.index), proxy_dob))
    top = top[top["band"] != "Under 18"]
    community = top[top["rank"].between(3, 6)]
    rows = _rows("3D(1A)", _by_band(community, community["rank"].isin([3, 4]))) + \
        _rows("3D(2A)", _by_band(community, community["rank"] == 3))
    return rows + _carers_3d(events, period)


def _carers_3d(events: pd.DataFrame, period: Period) -> list[dict]:
    carers = events[events["client_type"].isin([CARER, CARER_BY_ASSOCIATION])]
    carers = alive_on(overlapping(carers, period.start, period.end), period.start)
    info = carers["event_outcome"] == "NFA: Information and advice or signposting"
    no_type = carers["service_type"].isna()
    assessment_or_review = carers["event_type"].isin(["Assessment", "Review"])
    carers = carers[(no_type & info) | carers["service_type"].isin([CARER_DIRECT, CARER_INVOLVING]) |
                    (assessment_or_review & no_type)]
    direct = carers["service_type"] == CARER_DIRECT
    mechanism = carers["delivery_mechanism"].where(carers["service_component"] != DP, DP)
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

def ascof_1e(events: pd.DataFrame, period: Period, *, method: str = "dhsc", proxy_dob: bool = False) -> list[dict]:
    """1E: adults with a learning disability in paid employment, by the SALT LTS004 rule.

    People aged 18-64 at the period end, with primary support reason learning disability (their
    latest known), in long-term nursing, residential or community support during the period and
    alive at its start; employment status from their latest event, known beating unknown. SALT
    also excluded people detained under the Mental Health Act; CLD has no such field.
    """
    users = service_users(events)
    lts = alive_on(overlapping(users[users["service_type"].isin([LT_NURSING, LT_RESIDENTIAL, LT_COMMUNITY])],
                               period.start, period.end), period.start)
    people = lts.groupby("person_id")["date_of_birth"].first().to_frame()
    people["age"] = age_at(people["date_of_birth"], pd.Series(period.end, index=people.index), proxy_dob)
    mine = events[events["person_id"].isin(people.index)]
    people["psr"] = latest_known(mine, "primary_support_reason")
    people["employment"] = latest_known(mine, "employment_status", order=("event_start_date", "reporting_period_end_date"))
    cohort = people[(people["psr"] == LD_PSR) & people["age"].between(18, 64)]
    return [{"measure": "1E", "breakdown": "18-64", "numerator": int(cohort["employment"].isin(PAID).sum()),
             "denominator": len(cohort)}]


DERIVATIONS = (ascof_2a, ascof_2b_2c, ascof_2e, ascof_3d, ascof_1e)
