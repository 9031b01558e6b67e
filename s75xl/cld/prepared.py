"""Everything about an events table that does not depend on the reporting period, computed once.

Derivations run for many periods (twelve months and the year, say). What each person is (their
latest known support reason, accommodation and employment), which short-term episodes there are
and what followed them, which admissions were new, each long-term service's setting rank and
when each review was due, are the same for every period; only the window changes. `Prepared`
works these out once, lazily, as numpy arrays (common.py), so each period is a few cheap masks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .accommodation import inference_rows
from .common import NEVER, OPEN, Births, band_codes, days_of, earlier_max, group_starts, latest_known, sort_order
from .episodes import short_term_episodes
from .vocab import (CARER, CARER_BY_ASSOCIATION, CARER_DIRECT, COMMISSIONED, DP, LD_PSR, LONG_TERM, LT_COMMUNITY, LT_NURSING,
                    LT_PRISON, LT_RESIDENTIAL, PB, SERVICE_USER)

# The SALT LTS001 setting hierarchy (cld.md 2.5): service type and delivery mechanism -> rank.
SETTING_RANK = [
    (LT_NURSING, None, 1), (LT_RESIDENTIAL, None, 2), (LT_COMMUNITY, DP, 3), (LT_COMMUNITY, PB, 4),
    (LT_COMMUNITY, COMMISSIONED, 5), (LT_COMMUNITY, "", 6), (LT_PRISON, PB, 7), (LT_PRISON, COMMISSIONED, 8),
    (LT_PRISON, "", 9),
]
PLACEMENT_KINDS = ("Residential", "Nursing", "Supported accommodation")


class Rows:
    """Some events (by position, in a chosen order) whose columns are taken when first used:
    ``rows.start``, ``rows.person``, ``rows.service_type`` (category codes) and so on."""

    def __init__(self, prep: Prepared, positions: np.ndarray):
        self._prep = prep
        self.positions = positions

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_"):
            raise AttributeError(name)
        values = self._prep.column(name)[self.positions]
        setattr(self, name, values)
        return values

    def __len__(self) -> int:
        return len(self.positions)

    def age(self, at_days, where: np.ndarray | None = None) -> np.ndarray:
        """Ages at a day (or a day per row), of every row or of the rows at `where`."""
        if "_births" not in self.__dict__:  # taken once: periods then pick from these rows only
            self._births = self._prep.births.take(self.positions)
        return self._births.age(at_days, where)

    def overlapping(self, first: int, last: int) -> np.ndarray:
        """Active at any point between two days (inclusive)."""
        return (self.start <= last) & (self.end >= first)

    def open_on(self, on: int) -> np.ndarray:
        return (self.start <= on) & (self.end >= on)

    def alive_on(self, on: int) -> np.ndarray:
        return self.death >= on


class fact:  # lower case, as it is used like functools.cached_property
    """A period-independent fact: worked out on first use and kept, like functools.cached_property,
    but once only when several threads ask at the same moment (the others wait for it), which
    cached_property stopped promising in Python 3.12."""

    def __init__(self, work: Callable[[Prepared], Any]):
        self.work = work
        self.__doc__ = work.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, prep: Prepared | None, owner: type | None = None) -> Any:
        if prep is None:
            return self
        return prep.once(self.name, lambda: self.work(prep))  # then found in prep.__dict__ directly


class Prepared:
    """An events table from `read_cld` with its period-independent facts."""

    def __init__(self, events: pd.DataFrame, *, method: str = "dhsc", proxy_dob: bool = False):
        self.events = events
        self.method = method
        self.proxy_dob = proxy_dob
        self.n_people = int(events["person_id"].max()) + 1 if len(events) else 0
        self._columns: dict[str, np.ndarray] = {}
        self._codes: dict[str, dict[str, int]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def once(self, name: str, work: Callable[[], Any]) -> Any:
        """The fact called `name`, worked out by `work` the first time it is asked for and then
        kept as an attribute; a thread asking while another works it out waits for that one."""
        if name not in self.__dict__:
            with self._locks_lock:
                lock = self._locks.setdefault(name, threading.Lock())
            with lock:
                if name not in self.__dict__:
                    self.__dict__[name] = work()
        return self.__dict__[name]

    def warming(self) -> list[Callable[[], Any]]:
        """Work that computes the facts every derivation uses, the longest first, to run side by
        side (parallel.py) with each other and with the periods: whoever needs a fact another
        thread is still working out waits for it."""
        names = ["episodes", "latest", "employment", "settings", "first_review", "admissions", "carer_support",
                 "placements", "home_support", "equipment", "person_births", "users"]
        names.append("accommodation_by_start" if self.method == "nhse" else "accommodation_inference")
        return [lambda name=name: getattr(self, name) for name in names]

    # ------------------------------------------------------------------------------ columns

    def column(self, name: str) -> np.ndarray:
        """A whole column as numpy: dates as day numbers, coded values as category codes."""
        if name not in self._columns:
            e = self.events
            if name == "person":
                values = e["person_id"].to_numpy().astype(np.int32)  # half the memory traffic of int64
            elif name in ("start", "end", "death", "reporting_end"):
                source, missing = {"start": ("event_start_date", OPEN), "end": ("event_end_date", OPEN),
                                   "death": ("date_of_death", NEVER), "reporting_end": ("reporting_period_end_date", -OPEN)}[name]
                values = days_of(e[source].to_numpy(), missing).astype(np.int32)
            else:
                values = e[name].cat.codes.to_numpy().astype(np.int16)
            self._columns[name] = values
        return self._columns[name]

    def code(self, field: str, value: str) -> int:
        """The category code of a Release 2 value (-2, matching nothing, if the field lacks it)."""
        if field not in self._codes:
            self._codes[field] = {value: code for code, value in enumerate(self.events[field].cat.categories)}
        return self._codes[field].get(value, -2)

    def codes(self, field: str, values) -> list[int]:
        return [self.code(field, v) for v in values]

    def isin(self, codes: np.ndarray, field: str, values) -> np.ndarray:
        """Which codes stand for one of the field's values, by table lookup (faster than np.isin).
        Negative codes (blank, or a value the field lacks) pick the table's extra last slot."""
        table = np.zeros(len(self.events[field].cat.categories) + 1, bool)
        table[[code for code in self.codes(field, values) if code >= 0]] = True
        return table[np.maximum(codes, -1)]

    def where(self, mask: np.ndarray, order: list[np.ndarray] | None = None) -> Rows:
        """The rows of a mask, optionally sorted by keys (most significant first; ties keep
        the table's order)."""
        positions = np.flatnonzero(mask)
        if order:
            positions = positions[sort_order([key[positions] for key in order])]
        return Rows(self, positions)

    @fact
    def births(self) -> Births:
        return Births(self.events["date_of_birth"].to_numpy(), self.proxy_dob)

    # ------------------------------------------------------------------------------ people

    @fact
    def person_births(self) -> Births:
        """Each person's date of birth: the first one recorded on their rows."""
        rows = np.flatnonzero(self.births.known)
        first = np.full(self.n_people, -1)
        first[self.column("person")[rows][::-1]] = rows[::-1]
        return self.births.take(first)

    # DHSC orders a person's events by reporting period end, then end date (open = latest), then
    # start; NHSE's accommodation, and employment, use the event start, then the reporting period end.
    def _by_period(self) -> list[np.ndarray]:
        return [self.column("reporting_end"), self.column("end"), self.column("start")]

    def _by_start(self) -> list[np.ndarray]:
        return [self.column("start"), self.column("reporting_end")]

    def _attribute(self, field: str) -> tuple[np.ndarray, int]:
        return self.column(field), self.code(field, "Unknown")

    @fact
    def latest(self) -> dict[str, np.ndarray]:
        """Per person, the latest known primary support reason ("psr") and accommodation, as codes."""
        return latest_known(self.column("person"), {"psr": self._attribute("primary_support_reason"),
                                                    "accommodation": self._attribute("accommodation_status")},
                            self._by_period(), self.n_people)

    @fact
    def accommodation_by_start(self) -> np.ndarray:
        """Per person, the latest known accommodation by event start (NHSE's 2E)."""
        return latest_known(self.column("person"), {"value": self._attribute("accommodation_status")},
                            self._by_start(), self.n_people)["value"]

    @fact
    def accommodation_inference(self) -> Rows:
        """The services of people whose latest status is unknown, for DHSC's 2E inference
        (accommodation.py)."""
        return inference_rows(self, self.latest["accommodation"] == self.code("accommodation_status", "Unknown"))

    @fact
    def employment(self) -> np.ndarray:
        """Per person, the latest known employment status by event start. Only 1E uses it, for
        people whose support reason is learning disability, so only their rows are sorted;
        everyone else is Unknown."""
        ld = self.latest["psr"] == self.code("primary_support_reason", LD_PSR)
        rows = ld[self.column("person")]
        person, codes = self.column("person")[rows], self.column("employment_status")[rows]
        return latest_known(person, {"value": (codes, self.code("employment_status", "Unknown"))},
                            [key[rows] for key in self._by_start()], self.n_people)["value"]

    def people_ages(self, on: int) -> np.ndarray:
        return self.person_births.age(on)

    # ------------------------------------------------------------------------------ subsets

    @fact
    def is_user_service(self) -> np.ndarray:
        return (self.column("client_type") == self.code("client_type", SERVICE_USER)) & \
            (self.column("event_type") == self.code("event_type", "Service"))

    @fact
    def is_funded_service(self) -> np.ndarray:
        """Service-user services the council pays for at least in part."""
        return self.is_user_service & \
            (self.column("client_funding_status") != self.code("client_funding_status", "Fully client funded"))

    @fact
    def users(self) -> Rows:
        """Service-user services, sorted by person."""
        return self.where(self.is_user_service, [self.column("person")])

    @fact
    def equipment(self) -> Rows:
        """Service-user equipment services (telecare among them), sorted by person."""
        return self.where(self.is_user_service & (self.column("service_component") == self.code("service_component", "Equipment")),
                          [self.column("person")])

    @fact
    def long_term(self) -> Rows:
        """Long-term services, sorted by person, end and start (so each person's last row is the latest)."""
        lts = self.is_user_service & self.isin(self.column("service_type"), "service_type", LONG_TERM)
        return self.where(lts, [self.column("person"), self.column("end"), self.column("start")])

    @fact
    def settings(self) -> Rows:
        """Long-term services with their SALT LTS001 setting rank, sorted by person, then rank
        (ties in long_term's order), so each person's first row is their highest setting."""
        lts = self.long_term
        rank = self._setting_rank(lts)
        order = sort_order([lts.person, rank])
        rows = Rows(self, lts.positions[order])
        rows.rank = rank[order]
        return rows

    def _setting_rank(self, rows: Rows) -> np.ndarray:
        mechanism = np.where(rows.service_component == self.code("service_component", "Direct payment"),
                             self.code("delivery_mechanism", DP), rows.delivery_mechanism)
        community = rows.service_type == self.code("service_type", LT_COMMUNITY)
        prison = rows.service_type == self.code("service_type", LT_PRISON)
        dp, pb, commissioned = self.codes("delivery_mechanism", (DP, PB, COMMISSIONED))
        mechanism = np.where(community | prison, mechanism, -1)
        mechanism = np.where(prison & (mechanism == dp), -1, mechanism)  # no direct payments in prison
        mechanism = np.where(np.isin(mechanism, [dp, pb, commissioned]), mechanism, -1)
        names = {DP: dp, PB: pb, COMMISSIONED: commissioned, "": -1}
        rank = np.zeros(len(rows), np.int64)
        for service_type, mech, value in SETTING_RANK:
            hit = rows.service_type == self.code("service_type", service_type)
            if mech is not None:
                hit &= mechanism == names[mech]
            rank[hit & (rank == 0)] = value
        return rank

    @fact
    def carer_support(self) -> Rows:
        """Unpaid carers' direct support by delivery mechanism, as the 3D carer categories 1 (direct
        payment), 2 (personal budget) and 3 (commissioned), sorted by person then category. Only
        these three count towards 3D(1B)/(2B): a carer whose best category is 4 to 6 (other direct
        support, support involving the cared-for person, assessment or information only) is in
        neither numerator nor denominator, so those rows are not kept.

        A deliberate difference [ours]: DHSC's code (Create_ASCOF_3D_2425_Onwards.sql) tests
        "Service_Component NOT LIKE 'Direct payment'" for the personal-budget and commissioned
        categories, which is unknown (so false) when the component is blank, dropping such a
        carer from the denominator altogether; s75xl counts them by their delivery mechanism."""
        carer = self.isin(self.column("client_type"), "client_type", (CARER, CARER_BY_ASSOCIATION))
        direct = carer & (self.column("service_type") == self.code("service_type", CARER_DIRECT))
        mechanism = np.where(self.column("service_component") == self.code("service_component", "Direct payment"),
                             self.code("delivery_mechanism", DP), self.column("delivery_mechanism"))
        category = np.select([mechanism == c for c in self.codes("delivery_mechanism", (DP, PB, COMMISSIONED))], [1, 2, 3], 0)
        rows = self.where(direct & (category > 0), [self.column("person"), category])
        rows.category = category[rows.positions]
        return rows

    @fact
    def episodes(self) -> dict[str, np.ndarray]:
        """ST-Max episodes for 2A (episodes.py)."""
        return short_term_episodes(self)

    @fact
    def admissions(self) -> Rows:
        """Long-term residential and nursing services that can be admissions (cld.md 3.2), with
        `new` (no such placement open or ended in the 365 days before) and `first_start` (the
        person's first such placement)."""
        component = self.events["service_component"].cat.categories.str.lower()
        allowed = np.flatnonzero(component.str.contains("residential|nursing") & ~component.str.contains("short"))
        component_ok = (self.column("service_component") == -1) | np.isin(self.column("service_component"), allowed)
        care = self.is_user_service & self.isin(self.column("service_type"), "service_type", (LT_RESIDENTIAL, LT_NURSING)) & \
            self.births.known & component_ok
        care = self.where(care, [self.column("person"), self.column("start")])
        admission = care.event_outcome != self.code("event_outcome", "NFA: Self-funded client or under 12wk disregard")
        latest_earlier_end = earlier_max(care.person, care.start, care.end)
        rows = Rows(self, care.positions[admission])
        rows.new = ~(latest_earlier_end >= care.start - 365)[admission]
        person_starts = group_starts(care.person)
        rows.first_start = care.start[np.flatnonzero(person_starts)][np.cumsum(person_starts) - 1][admission]
        rows.band_at_start = band_codes(rows.age(rows.start))
        return rows

    @fact
    def placements(self) -> Rows:
        """Council-funded residential, nursing and supported-living services, with their kind
        (an index into PLACEMENT_KINDS)."""
        service_type = self.column("service_type")
        kind = np.select([service_type == self.code("service_type", LT_RESIDENTIAL),
                          service_type == self.code("service_type", LT_NURSING),
                          (service_type == self.code("service_type", LT_COMMUNITY)) &
                          (self.column("service_component") == self.code("service_component", "Community supported living"))],
                         [0, 1, 2], -1)
        rows = self.where(self.is_funded_service & (kind >= 0))
        rows.kind = kind[rows.positions]
        return rows

    @fact
    def home_support(self) -> Rows:
        return self.where(self.is_funded_service & (self.column("service_type") == self.code("service_type", LT_COMMUNITY)) &
                          (self.column("service_component") == self.code("service_component", "Home support or domiciliary care")))

    @fact
    def reviews(self) -> Rows:
        """Reviews with the day each was due: 12 months after the previous review, or after the
        start of the person's earliest long-term service when there was none before."""
        rows = self.where(self.column("event_type") == self.code("event_type", "Review"), [self.column("person"), self.column("end")])
        previous = pd.Series(self.events["event_end_date"].to_numpy()[rows.positions]).shift(1)
        starts = group_starts(rows.person)
        first_lts = pd.Series(self.events["event_start_date"].to_numpy()[self.long_term.positions]).groupby(self.long_term.person).min()
        previous[starts] = first_lts.reindex(rows.person[starts]).to_numpy()
        rows.due = days_of((previous + pd.DateOffset(months=12)).to_numpy(), -OPEN)
        return rows

    @fact
    def first_review(self) -> np.ndarray:
        """Per person, the day their first review ended (OPEN if never reviewed)."""
        first = np.full(self.n_people, OPEN)
        starts = group_starts(self.reviews.person)
        first[self.reviews.person[starts]] = self.reviews.end[starts]
        return first
