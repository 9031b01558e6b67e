"""Everything about an events table that does not depend on the reporting period, computed once.

Derivations run for many periods (twelve months and the year, say). What each person is (their
latest known support reason, accommodation and employment), which short-term episodes there are
and what followed them, and which admissions were new, are the same for every period; only the
window changes. `Prepared` works these out once, lazily, so each period is a cheap filter.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from .common import age_at, band, end_filled, latest_known
from .vocab import (CARER, CARER_BY_ASSOCIATION, LONG_TERM, LT_COMMUNITY, LT_NURSING, LT_PRISON, LT_RESIDENTIAL, OUTCOME_RANK, SERVICE_USER,
                    ST_LOW, ST_MAX, ST_OTHER)

ST_RES_NURSING = "Short term support: Residential or Nursing care"
# The service hierarchy used for a 2A sequel (cld.md 3.1 step 3): LTS001 order. Where the relabelled
# short-term residential/nursing care sits is not stated; we put it after prison [ours].
SEQUEL_SERVICE_RANK = {LT_NURSING: 1, LT_RESIDENTIAL: 2, LT_COMMUNITY: 3, LT_PRISON: 4, ST_RES_NURSING: 5,
                       ST_MAX: 6, ST_LOW: 7, ST_OTHER: 8}
PROGRESS_PENALTY = 100  # NFA outcomes beat "progress / continuation" ones (cld.md 3.1 step 4)


class Prepared:
    """An events table from `read_cld` with its period-independent facts."""

    def __init__(self, events: pd.DataFrame, *, method: str = "dhsc", proxy_dob: bool = False):
        self.events = events.assign(end=end_filled(events))
        self.method = method
        self.proxy_dob = proxy_dob

    def age(self, dob: pd.Series, when) -> pd.Series:
        return age_at(dob, when, self.proxy_dob)

    @cached_property
    def users(self) -> pd.DataFrame:
        """Service-user services."""
        e = self.events
        return e[(e["client_type"] == SERVICE_USER) & (e["event_type"] == "Service")]

    @cached_property
    def carers(self) -> pd.DataFrame:
        """Events of unpaid carers (3D parts 1B and 2B)."""
        e = self.events
        return e[e["client_type"].isin([CARER, CARER_BY_ASSOCIATION])]

    @cached_property
    def long_term(self) -> pd.DataFrame:
        """Long-term services, sorted by person, end and start (so the last row per person is the latest)."""
        lts = self.users[self.users["service_type"].isin(LONG_TERM)]
        return lts.sort_values(["person_id", "end", "event_start_date"], kind="stable")

    @cached_property
    def people(self) -> pd.DataFrame:
        """One row per person: birth, death, and latest known attributes (cld.md 2.6)."""
        e = self.events
        people = e.groupby("person_id").agg(date_of_birth=("date_of_birth", "first"), date_of_death=("date_of_death", "max"))
        latest = latest_known(e, ["primary_support_reason", "accommodation_status"])
        by_start = latest_known(e, ["accommodation_status", "employment_status"],
                                order=("event_start_date", "reporting_period_end_date"))
        people["psr"] = latest["primary_support_reason"]
        people["accommodation"] = latest["accommodation_status"]
        people["accommodation_by_start"] = by_start["accommodation_status"]
        people["employment"] = by_start["employment_status"]
        return people

    # ------------------------------------------------------------------------------ 2A episodes

    @cached_property
    def episodes(self) -> pd.DataFrame:
        """ST-Max episodes (clusters), whether each is a new client's, and its sequel."""
        gap, window = (1, 3) if self.method == "nhse" else (7, 7)
        st = self.users[self.users["service_type"] == ST_MAX]
        if st.empty:
            return pd.DataFrame(columns=["person_id", "start", "end", "age", "death", "sequel", "new"])
        st = st.sort_values(["person_id", "event_start_date", "end"], kind="stable")
        previous_end = st.groupby("person_id")["end"].cummax().groupby(st["person_id"]).shift(1)
        new_cluster = previous_end.isna() | ((st["event_start_date"] - previous_end).dt.days > gap)
        outcome_rank = st["event_outcome"].astype(object).map(OUTCOME_RANK).fillna(999)
        st = st.assign(cluster=new_cluster.cumsum().to_numpy(), rank=outcome_rank)
        last = st.sort_values(["cluster", "end", "rank"], ascending=[True, True, False], kind="stable").groupby("cluster").tail(1)
        clusters = st.groupby("cluster").agg(person_id=("person_id", "first"), start=("event_start_date", "min"),
                                              end=("end", "max"), dob=("date_of_birth", "first"),
                                              death=("date_of_death", "first"))
        clusters["outcome"] = last.set_index("cluster")["event_outcome"].astype(object)
        clusters["age"] = self.age(clusters["dob"], clusters["end"])
        pairs = clusters.reset_index().merge(self.long_term[["person_id", "event_start_date", "end"]],
                                             on="person_id", suffixes=("", "_lts"))
        existing = pairs[(pairs["event_start_date"] < pairs["start"]) &
                         (pairs["end_lts"] > pairs["start"] - pd.Timedelta(days=91))]["cluster"].unique()
        clusters["new"] = ~clusters.index.isin(existing)
        clusters["sequel"] = self._sequels(clusters, pd.Timedelta(days=window))
        return clusters

    def _sequels(self, clusters: pd.DataFrame, after: pd.Timedelta) -> pd.Series:
        sequel = pd.Series(None, index=clusters.index, dtype=object)
        sequel[clusters["death"].notna() & (clusters["death"] <= clusters["end"] + after)] = "Deceased"
        sequel[sequel.isna() & (clusters["outcome"] == "Admitted to hospital")] = "Admitted to hospital"
        base = clusters.reset_index()[["cluster", "person_id", "start", "end"]]

        services = self.users[self.users["service_type"] != ST_MAX]
        short_res = services["service_component"].isin(["Short term residential care", "Short term nursing care"])
        kind = services["service_type"].astype(object).where(~short_res, ST_RES_NURSING)
        services = services[["person_id", "event_start_date", "end"]].assign(kind=kind)
        pairs = base.merge(services, on="person_id", suffixes=("", "_s"))
        follows = ((pairs["event_start_date"] <= pairs["end"]) & (pairs["end_s"] >= pairs["end"])) | \
                  ((pairs["event_start_date"] > pairs["end"]) & (pairs["event_start_date"] <= pairs["end"] + after))
        pairs = pairs[follows].assign(rank=lambda f: f["kind"].map(SEQUEL_SERVICE_RANK).fillna(99))
        sequel = sequel.fillna(pairs.sort_values("rank").groupby("cluster")["kind"].first().reindex(sequel.index))

        others = self.events[self.events["event_type"].isin(["Request", "Assessment", "Review"])]
        pairs = base.merge(others[["person_id", "event_end_date", "event_outcome"]], on="person_id")
        pairs["event_outcome"] = pairs["event_outcome"].astype(object)
        near = (pairs["event_end_date"] >= pairs["start"]) & (pairs["event_end_date"] <= pairs["end"] + after)
        future_planned_end = (pairs["event_end_date"] > pairs["end"]) & (pairs["event_outcome"] == "NFA: Support ended as planned")
        own = clusters.reset_index()[["cluster", "outcome"]].rename(columns={"outcome": "event_outcome"})
        outcomes = pd.concat([own, pairs[near & ~future_planned_end][["cluster", "event_outcome"]]]).dropna()
        progress = outcomes["event_outcome"].str.startswith(("Progress", "Continuation"))
        outcomes = outcomes.assign(rank=outcomes["event_outcome"].map(OUTCOME_RANK).fillna(999) + progress * PROGRESS_PENALTY)
        sequel = sequel.fillna(outcomes.sort_values("rank").groupby("cluster")["event_outcome"].first().reindex(sequel.index))

        equipment = self.users[self.users["service_component"] == "Equipment"]
        pairs = base.merge(equipment[["person_id", "event_start_date"]], on="person_id")
        nested = pairs[(pairs["event_start_date"] >= pairs["start"]) & (pairs["event_start_date"] <= pairs["end"])]["cluster"]
        sequel[sequel.isna() & sequel.index.isin(nested)] = ST_LOW
        return sequel.fillna("Unable to classify")

    # ------------------------------------------------------------------------------ 2B/2C admissions

    @cached_property
    def care_placements(self) -> pd.DataFrame:
        """Long-term residential and nursing rows that can be admissions (cld.md 3.2)."""
        users = self.users
        component = users["service_component"].astype(object).fillna("").str.lower()
        return users[users["service_type"].isin([LT_RESIDENTIAL, LT_NURSING]) & users["date_of_birth"].notna() &
                     (component.eq("") | component.str.contains("residential|nursing")) & ~component.str.contains("short")]

    @cached_property
    def admissions(self) -> pd.DataFrame:
        """Placements with a flag for "new" (no such placement open or ended in the 365 days before)
        and the age band at the event start."""
        care = self.care_placements
        admissions = care[care["event_outcome"] != "NFA: Self-funded client or under 12wk disregard"]
        pairs = admissions.reset_index().merge(care[["person_id", "event_start_date", "end"]], on="person_id",
                                               suffixes=("", "_other"))
        earlier = (pairs["event_start_date_other"] < pairs["event_start_date"]) & \
                  (pairs["end_other"] >= pairs["event_start_date"] - pd.Timedelta(days=365))
        first_start = care.groupby("person_id")["event_start_date"].min()
        return admissions.assign(
            new=~admissions.index.isin(pairs.loc[earlier, "index"]),
            first_start=admissions["person_id"].map(first_start),
            band_at_start=band(self.age(admissions["date_of_birth"], admissions["event_start_date"])))

    # ------------------------------------------------------------------------------ activity subsets

    @cached_property
    def funded(self) -> pd.DataFrame:
        return self.users[self.users["client_funding_status"] != "Fully client funded"]

    @cached_property
    def placements(self) -> pd.DataFrame:
        """Council-funded residential, nursing and supported-living rows, with their kind."""
        from .activity import _placement_kind

        kinds = _placement_kind(self.funded)
        return self.funded[kinds.notna()].assign(kind=kinds[kinds.notna()])

    @cached_property
    def home_support(self) -> pd.DataFrame:
        f = self.funded
        return f[(f["service_type"] == LT_COMMUNITY) & (f["service_component"] == "Home support or domiciliary care")]

    # ------------------------------------------------------------------------------ 3D settings

    @cached_property
    def settings(self) -> pd.DataFrame:
        """Long-term rows with their SALT LTS001 setting rank (cld.md 2.5)."""
        from .ascof import setting_rank

        return self.long_term.assign(rank=setting_rank(self.long_term)).sort_values("rank", kind="stable")

    @cached_property
    def reviews(self) -> pd.DataFrame:
        """Reviews with the date each was due: 12 months after the previous review, or after the
        start of the person's earliest long-term service when there was none before."""
        e = self.events
        reviews = e[e["event_type"] == "Review"].sort_values(["person_id", "event_end_date"], kind="stable")
        previous = reviews.groupby("person_id")["event_end_date"].shift(1)
        first_lts = self.long_term.groupby("person_id")["event_start_date"].min()
        previous = previous.fillna(reviews["person_id"].map(first_lts))
        return reviews.assign(due=previous + pd.DateOffset(months=12))
