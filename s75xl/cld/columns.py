"""Decoding CLD columns: dates, coded values and person identifiers.

A million-row extract has a few thousand distinct dates and a few dozen spellings of each coded
value, so every column is factorised once and each distinct value decoded once; the results
are spread back over the rows with one array lookup. That is what keeps reading close to the
speed of the CSV parser itself. A date column written wholly as real yyyy-mm-dd days (the usual
case) is read faster still by Arrow's strict cast, which fails, rather than guesses, on anything
else; the column is then read the general way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .common import NS_PER_DAY
from .vocab import CODED_FIELDS, LOOKUPS, value_key

NAT = np.datetime64("NaT", "ns")


def distinct(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Row codes (-1 for a missing value) and the distinct values they point to, as text."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # already encoded (the CSV reader's typed pass)
        return column.cat.codes.to_numpy(), pd.Series(column.cat.categories, dtype="string")
    if _is_arrow_text(column):  # one hash table over the whole column (Arrow's, in C++)
        text = pa.array(column.array)
        encoded = pc.dictionary_encode(text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text)
        return pc.fill_null(encoded.indices, -1).to_numpy(), pd.Series(pd.arrays.ArrowStringArray(encoded.dictionary))
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype="string")


def _is_arrow_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow"


def spread(codes: np.ndarray, per_distinct: np.ndarray, missing) -> np.ndarray:
    """The value of each row's distinct value; `missing` where the row had none (code -1)."""
    lookup = np.append(np.asarray(per_distinct), np.array([missing], dtype=np.asarray(per_distinct).dtype))
    return lookup[codes]


ISO_DATE = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"  # a time after the date is ignored
UK_DATE = r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
EXCEL_SERIAL = r"^\d{4,5}(\.\d+)?$"
EXCEL_EPOCH = -25_569  # 1899-12-30 as a day number: Excel's day 0, counting its phantom 29/02/1900


def _from_parts(text: pa.Array, pattern: str) -> np.ndarray:
    """Dates of texts matching a year/month/day pattern; NaT where it does not match, the day
    does not exist (31/02/2024 is reported, not moved to March) or the year is outside what
    pandas' dates hold (9999-12-31, a common "no end" placeholder, is reported as invalid)."""
    found = pc.extract_regex(text, pattern)
    y, m, d = (pc.fill_null(pc.cast(pc.struct_field(found, part), pa.int64()), 0).to_numpy() for part in "ymd")
    month = ((y - 1970) * 12 + m - 1).astype("datetime64[M]")
    month_days = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    valid = (y >= 1678) & (y <= 2261) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= month_days)  # pandas' date range
    return np.where(valid, month.astype("datetime64[D]") + np.maximum(d - 1, 0), np.datetime64("NaT")).astype("datetime64[ns]")


def _dates_of(text: pd.Series) -> np.ndarray:
    """Distinct texts to dates: ISO, dd/mm/yyyy or Excel serial numbers; NaT where none fits.
    Vectorised with Arrow's regular expressions, as a file can hold tens of thousands of
    distinct birth dates."""
    arrow_text = pc.utf8_trim_whitespace(pa.array(text.astype("string[pyarrow]").array))
    out = _from_parts(arrow_text, ISO_DATE)
    uk = _from_parts(arrow_text, UK_DATE)
    out = np.where(np.isnat(out), uk, out)
    serial = pc.fill_null(pc.match_substring_regex(arrow_text, EXCEL_SERIAL), False).to_numpy(zero_copy_only=False)
    if serial.any():
        numbers = text.str.strip()[serial].astype(float).round().astype(np.int64).to_numpy()
        out[serial] = (EXCEL_EPOCH + numbers).astype("datetime64[D]")
    return out


FIRST_DAY, LAST_DAY = np.datetime64("1678-01-01"), np.datetime64("2261-12-31")  # within pandas' dates


def _real_days(days: pa.Array | pa.ChunkedArray, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Arrow dates as pandas dates, those beyond pandas' range (9999-12-31, a common "no end"
    placeholder) reported as invalid; blanks are neither."""
    days = days.combine_chunks() if isinstance(days, pa.ChunkedArray) else days
    values = days.to_numpy(zero_copy_only=False).astype("datetime64[D]", copy=False)
    bad = (values < FIRST_DAY) | (values > LAST_DAY)  # NaT compares false
    unset = bad | np.isnat(values)
    stamps = values.view(np.int64)  # numpy's own day-to-nanosecond conversion is ten times slower
    if not stamps.flags.writeable:
        stamps = stamps.copy()
    stamps *= NS_PER_DAY
    stamps[unset] = NAT.view(np.int64)
    return pd.Series(stamps.view("datetime64[ns]"), index=index, copy=False), pd.Series(bad, index=index, copy=False)


def parse_dates(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from ISO text, dd/mm/yyyy text or Excel serial numbers, and a mask of values that
    are not blank but are no date [cld.md 1.3: the submission date format is unconfirmed]."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.to_datetime(column).astype("datetime64[ns]"), pd.Series(False, index=column.index)
    if _is_arrow_text(column):  # the CSV reader's text
        try:  # the usual file: every date written yyyy-mm-dd and a real day, which Arrow checks fast
            return _real_days(pc.cast(pa.array(column.array), pa.date32()), column.index)
        except pa.ArrowInvalid:
            pass  # something else somewhere: every distinct value is read as below
    codes, text = distinct(column)
    dates = _dates_of(text)
    bad_distinct = (text.str.strip().fillna("") != "").to_numpy() & np.isnat(dates)
    bad = spread(codes, bad_distinct, False).astype(bool) if bad_distinct.any() else np.zeros(len(codes), bool)
    return (pd.Series(spread(codes, dates, NAT), index=column.index, copy=False),
            pd.Series(bad, index=column.index, copy=False))


def normalise_codes(column: pd.Series, field: str) -> tuple[pd.Series, pd.Series]:
    """The column in Release 2 wording, as a categorical of the field's values, and a mask of
    non-blank values that matched nothing. Each distinct spelling is matched once."""
    table = LOOKUPS[field]
    categories = list(CODED_FIELDS[field])
    position = {value: i for i, value in enumerate(categories)}
    codes, text = distinct(column)
    blank = (text.str.strip().fillna("") == "").to_numpy()
    mapped = np.array([-1 if is_blank else position.get(table.get(value_key(value)), -2)
                       for value, is_blank in zip(text, blank)], dtype=np.int8 if len(categories) < 127 else np.int16)
    invalid = spread(codes, mapped == -2, False) if (mapped == -2).any() else np.zeros(len(codes), bool)
    row_codes = spread(codes, np.maximum(mapped, -1), -1)
    return (pd.Series(pd.Categorical.from_codes(row_codes, categories=categories), index=column.index),
            pd.Series(invalid, index=column.index, copy=False))


def _nhs_numbers(values: pd.Series) -> np.ndarray:
    """Valid NHS numbers (10 digits once spaces are removed) as integers; -1 for none or invalid."""
    if pd.api.types.is_integer_dtype(values.dtype):  # the CSV reader parsed them: -1 is blank
        numbers = values.to_numpy()
        return np.where((numbers >= 10**9) & (numbers < 10**10), numbers, -1)
    text = pa.array(values.astype("string[pyarrow]").array)
    try:  # the usual file: every NHS number is plain digits
        numbers = pc.cast(text, pa.int64())
        valid = pc.and_(pc.equal(pc.utf8_length(text), 10), pc.greater_equal(numbers, 0))
        return pc.fill_null(pc.if_else(valid, numbers, -1), -1).to_numpy()
    except pa.ArrowInvalid:  # spaces, letters or other text somewhere: check each value
        pass
    text = pc.replace_substring(text, " ", "")
    valid = pc.fill_null(pc.match_substring_regex(text, r"^\d{10}$"), False)
    numbers = pc.cast(pc.if_else(valid, text, pa.scalar(None, text.type)), pa.int64())
    return pc.fill_null(numbers, -1).to_numpy()


def _local_keys(la_code: pd.Series, local_id: pd.Series, rows: np.ndarray) -> np.ndarray:
    """A number for each distinct (LA code, local person ID) on the given rows; -1 where blank."""
    local = local_id.iloc[rows].astype("string[pyarrow]").str.strip()
    present = (local.fillna("") != "").to_numpy()
    keys = np.full(len(rows), -1, np.int64)
    if not present.any():  # pandas before 2.1 cannot factorize an empty MultiIndex
        return keys
    pairs = pd.MultiIndex.from_arrays([la_code.iloc[rows][present].astype(object).fillna(""), local[present]])
    keys[present] = pd.factorize(pairs)[0]
    return keys


def person_numbers(nhs_number: pd.Series, la_code: pd.Series, local_id: pd.Series,
                   rule: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's person as a plain number (-1 where it has none), and a mask of rows the NHSE
    rule drops (a local ID that also appears with an NHS number).

    cld.md 2.2. DHSC: the NHS number where there is a valid one (10 digits, spaces ignored), else
    LA code + local ID. NHSE: the local ID only where that ID never appears with an NHS number.
    The identifiers themselves go no further than this function.
    """
    nhs = _nhs_numbers(nhs_number)
    person = nhs.copy()
    nhse_dropped = np.zeros(len(nhs), bool)
    offset = int(nhs.max()) + 1 if len(nhs) else 0  # local keys are numbered above every NHS number
    if rule == "nhse":  # every row's local ID is needed, to see which ever appear with an NHS number
        local = _local_keys(la_code, local_id, np.arange(len(nhs)))
        seen_with_nhs = np.zeros(max(int(local.max()) + 1, 1), bool)
        seen_with_nhs[local[(local >= 0) & (nhs >= 0)]] = True
        usable = (nhs < 0) & (local >= 0) & ~seen_with_nhs[np.maximum(local, 0)]
        nhse_dropped = (nhs < 0) & (local >= 0) & ~usable
        person[usable] = offset + local[usable]
    else:  # DHSC: local IDs are looked at only where there is no NHS number
        rows = np.flatnonzero(nhs < 0)
        local = _local_keys(la_code, local_id, rows)
        person[rows] = np.where(local >= 0, offset + local, -1)
    return person, nhse_dropped
