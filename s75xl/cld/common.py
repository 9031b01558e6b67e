"""Helpers every CLD derivation shares: ages, overlaps, snapshots, latest-known attributes.

Ages (cld.md 2.3): a council's file has the full date of birth, so age is exact, in completed
years. ``proxy_dob=True`` reproduces the national method instead, where only the birth month is
known: date of birth = the 1st of the birth month, age = floor(days / 365.25).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


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


BAND_NAMES = ("Under 18", "18-64", "65+")


def band(age: pd.Series) -> pd.Series:
    """18-64, 65+, "Under 18" or missing (unknown age), as a categorical."""
    values = age.to_numpy(dtype=float)
    codes = np.select([values < 18, values <= 64, values >= 65], [0, 1, 2], -1)
    return pd.Series(pd.Categorical.from_codes(codes, categories=BAND_NAMES), index=age.index)


def _ends(events: pd.DataFrame) -> pd.Series:
    return events["end"] if "end" in events else end_filled(events)


def overlapping(events: pd.DataFrame, start, end) -> pd.DataFrame:
    """Events active at any point between start and end (inclusive)."""
    return events[(events["event_start_date"] <= end) & (_ends(events) >= start)]


def open_on(events: pd.DataFrame, day) -> pd.DataFrame:
    """Services open on a day: started on or before it and not ended before it."""
    return events[(events["event_start_date"] <= day) & (_ends(events) >= day)]


def alive_on(events: pd.DataFrame, day) -> pd.DataFrame:
    return events[events["date_of_death"].isna() | (events["date_of_death"] >= day)]


def latest_known(events: pd.DataFrame, columns: str | list[str],
                 order: tuple[str, ...] = ("reporting_period_end_date", "_end", "event_start_date"),
                 unknown: str = "Unknown") -> pd.Series | pd.DataFrame:
    """Each person's latest known value of one attribute (a Series) or several (a DataFrame).

    cld.md 2.6: a known value beats Unknown or missing; among known values the latest by `order`
    wins (a missing end date counts as latest); if the latest rows tie and disagree, the answer
    is Unknown. The rows are sorted once for all the columns.
    """
    names = [columns] if isinstance(columns, str) else list(columns)
    keys = [(end_filled(events) if c == "_end" else events[c]).to_numpy("datetime64[ns]").astype(np.int64) for c in order]
    person = events["person_id"].to_numpy()
    idx = np.lexsort([*reversed(keys), person])  # by person, then the order keys
    people = pd.Index(pd.unique(person[idx]), name="person_id")
    out = pd.DataFrame(index=people)
    for name in names:
        values = events[name]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("category")
        categories = values.cat.categories
        codes_all = values.cat.codes.to_numpy()
        unknown_code = categories.get_loc(unknown) if unknown in categories else -2
        known = (codes_all >= 0) & (codes_all != unknown_code)
        sub = idx[known[idx]]  # known rows, still in order
        person_sorted = person[sub]
        codes = codes_all[sub]
        if len(sub):
            stacked = np.vstack([k[sub] for k in keys])
            new_person = np.r_[True, person_sorted[1:] != person_sorted[:-1]]
            last = np.r_[new_person[1:], True]
            # tie blocks: runs of rows with the same person and equal keys; the final one holds the winner
            block = np.cumsum(new_person | np.r_[True, (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)])
            in_final_block = block == block[last][np.cumsum(new_person) - 1]
            final = pd.DataFrame({"person": person_sorted[in_final_block], "code": codes[in_final_block]})
            conflicted = (final.groupby("person")["code"].nunique() > 1).reindex(person_sorted[last], fill_value=False)
            winner_codes = np.where(conflicted.to_numpy(), unknown_code, codes[last])
        else:
            last = np.zeros(0, bool)
            winner_codes = np.zeros(0, dtype=codes_all.dtype)
        full = pd.Series(unknown_code, index=people, dtype="int64")
        full.loc[person_sorted[last]] = winner_codes
        if unknown not in categories:
            categories = categories.append(pd.Index([unknown]))
            full[full == -2] = len(categories) - 1
        out[name] = pd.Categorical.from_codes(full.to_numpy(), categories=categories)
    return out[names[0]] if isinstance(columns, str) else out
