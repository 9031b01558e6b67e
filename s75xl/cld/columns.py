"""Decoding CLD columns: dates, coded values and person identifiers.

A million-row extract has a few thousand distinct dates and a few dozen spellings of each coded
value, so every column is factorised once and each distinct value decoded once; the results
are spread back over the rows with one array lookup. That is what keeps reading close to the
speed of the CSV parser itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .vocab import CODED_FIELDS, LOOKUPS, value_key

NAT = np.datetime64("NaT", "ns")


def distinct(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Row codes (-1 for a missing value) and the distinct values they point to, as text."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # already encoded (the CSV reader's typed pass)
        return column.cat.codes.to_numpy(), pd.Series(column.cat.categories, dtype="string")
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype="string")


def spread(codes: np.ndarray, per_distinct: np.ndarray, missing) -> np.ndarray:
    """The value of each row's distinct value; `missing` where the row had none (code -1)."""
    lookup = np.append(np.asarray(per_distinct), np.array([missing], dtype=np.asarray(per_distinct).dtype))
    return lookup[codes]


def _dates_of(text: pd.Series) -> np.ndarray:
    """Distinct texts to dates: ISO, dd/mm/yyyy or Excel serial numbers; NaT where none fits."""
    text = text.str.strip()
    out = pd.Series(NAT, index=text.index, dtype="datetime64[ns]")
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}", na=False)
    out[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    uk = text.str.match(r"^\d{1,2}/\d{1,2}/\d{4}", na=False)
    out[uk] = pd.to_datetime(text[uk].str.slice(0, 10), format="%d/%m/%Y", errors="coerce")
    serial = text.str.fullmatch(r"\d{4,5}(\.\d+)?", na=False)
    out[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(text[serial].astype(float).round(), unit="D")
    return out.to_numpy()


def parse_dates(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from ISO text, dd/mm/yyyy text or Excel serial numbers, and a mask of values that
    are not blank but are no date [cld.md 1.3: the submission date format is unconfirmed]."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.to_datetime(column).astype("datetime64[ns]"), pd.Series(False, index=column.index)
    codes, text = distinct(column)
    dates = _dates_of(text)
    bad_distinct = (text.str.strip().fillna("") != "").to_numpy() & np.isnat(dates)
    return (pd.Series(spread(codes, dates, NAT), index=column.index, copy=False),
            pd.Series(spread(codes, bad_distinct, False), index=column.index, copy=False))


def normalise_codes(column: pd.Series, field: str) -> tuple[pd.Series, pd.Series]:
    """The column in Release 2 wording, as a categorical of the field's values, and a mask of
    non-blank values that matched nothing. Each distinct spelling is matched once."""
    table = LOOKUPS[field]
    categories = list(CODED_FIELDS[field])
    position = {value: i for i, value in enumerate(categories)}
    codes, text = distinct(column)
    blank = (text.str.strip().fillna("") == "").to_numpy()
    mapped = np.array([-1 if is_blank else position.get(table.get(value_key(value)), -2)
                       for value, is_blank in zip(text, blank)], dtype=np.int64)
    row_codes = spread(codes, mapped, -1)
    invalid = row_codes == -2
    row_codes[invalid] = -1
    return (pd.Series(pd.Categorical.from_codes(row_codes, categories=categories), index=column.index),
            pd.Series(invalid, index=column.index, copy=False))


def _nhs_numbers(values: pd.Series) -> np.ndarray:
    """Valid NHS numbers (10 digits once spaces are removed) as integers; -1 for none or invalid."""
    text = pc.replace_substring(pa.array(values.astype("string[pyarrow]").array), " ", "")
    valid = pc.fill_null(pc.match_substring_regex(text, r"^\d{10}$"), False)
    numbers = pc.cast(pc.if_else(valid, text, pa.scalar(None, text.type)), pa.int64())
    return pc.fill_null(numbers, -1).to_numpy()


def _local_keys(la_code: pd.Series, local_id: pd.Series, rows: np.ndarray) -> np.ndarray:
    """A number for each distinct (LA code, local person ID) on the given rows; -1 where blank."""
    local = local_id.iloc[rows].astype("string[pyarrow]").str.strip()
    present = (local.fillna("") != "").to_numpy()
    keys = np.full(len(rows), -1, np.int64)
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
