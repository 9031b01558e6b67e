"""Helpers every CLD derivation shares: ages, overlaps, snapshots, latest-known attributes.

Ages (cld.md 2.3): a council's file has the full date of birth, so age is exact, in completed
years. ``proxy_dob=True`` reproduces the national method instead, where only the birth month is
known: date of birth = the 1st of the birth month, age = floor(days / 365.25).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .vocab import SERVICE_USER

OPEN_END = pd.Timestamp("2262-04-01")  # stands in for a missing end date (an open service)
BANDS = ("18-64", "65+")


def end_filled(events: pd.DataFrame) -> pd.Series:
    return events["event_end_date"].fillna(OPEN_END)


def age_at(dob: pd.Series, when, proxy_dob: bool = False) -> pd.Series:
    """Age in completed years at a date (or a Series of dates); NaN where the birth date is unknown."""
    when = pd.Series(when, index=dob.index) if not isinstance(when, pd.Series) else when
    if proxy_dob:
        first = dob.dt.to_period("M").dt.to_timestamp()
        return np.floor((when - first).dt.days / 365.25)
    years = when.dt.year - dob.dt.year
    before_birthday = (when.dt.month < dob.dt.month) | ((when.dt.month == dob.dt.month) & (when.dt.day < dob.dt.day))
    return (years - before_birthday.astype(float)).where(dob.notna())


def band(age: pd.Series) -> pd.Series:
    """18-64, 65+, "Under 18" or None (unknown)."""
    out = pd.Series(None, index=age.index, dtype=object)
    out[age < 18] = "Under 18"
    out[(age >= 18) & (age <= 64)] = "18-64"
    out[age >= 65] = "65+"
    return out


def service_users(events: pd.DataFrame) -> pd.DataFrame:
    return events[(events["client_type"] == SERVICE_USER) & (events["event_type"] == "Service")]


def overlapping(events: pd.DataFrame, start, end) -> pd.DataFrame:
    """Events active at any point between start and end (inclusive)."""
    return events[(events["event_start_date"] <= end) & (end_filled(events) >= start)]


def open_on(events: pd.DataFrame, day) -> pd.DataFrame:
    """Services open on a day: started on or before it and not ended before it."""
    return events[(events["event_start_date"] <= day) & (end_filled(events) >= day)]


def alive_on(events: pd.DataFrame, day) -> pd.DataFrame:
    return events[events["date_of_death"].isna() | (events["date_of_death"] >= day)]


def latest_known(events: pd.DataFrame, column: str, order: tuple[str, ...] = ("reporting_period_end_date", "_end", "event_start_date"),
                 unknown: str = "Unknown") -> pd.Series:
    """Each person's latest known value of an attribute (cld.md 2.6).

    Known beats Unknown or missing; then the latest by `order`; if the latest rows still disagree,
    the answer is Unknown.
    """
    frame = events[["person_id", column, *[c for c in order if c != "_end"]]].copy()
    frame["_end"] = end_filled(events)
    frame["_known"] = frame[column].notna() & (frame[column] != unknown)
    keys = ["_known", *order]
    frame = frame.sort_values(["person_id", *keys], kind="stable")
    last = frame.groupby("person_id", sort=False).tail(1).set_index("person_id")
    ties = frame.merge(last[keys].reset_index(), on=["person_id", *keys])
    conflicted = ties.groupby("person_id")[column].nunique(dropna=False) > 1
    out = last[column].where(last["_known"], unknown)
    out[conflicted.reindex(out.index, fill_value=False)] = unknown
    return out
