"""Local extracts CLD does not carry: the Mental Health Act assessment log and the CPA caseload.

They feed Havering's measures 18-32 (seed 000). Every trust's system names its columns and codes
differently, so a small mapping file says which is which; the shipped one,
s75xl/data/local_extracts_mapping.toml, matches `s75xl demo-data` and is the template to copy.

MHA log, one row per assessment: its date, the person's age (or date of birth), the outcome
(admitted under a section, admitted informally, not admitted), whether it was a section 136
assessment, and whether the person was on a Community Treatment Order. Measures 22-32 count the
assessments in the period. CPA extract, one row per person on CPA as at the period end: date last
seen, date of the last CPA review, whether a carer is identified, and the date of that carer's
last assessment. Measures 18-21 are judged at the period end: seen in its last month, reviewed
and carer assessed within the last 12 months.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .catalogue import tomllib
from .cld.common import age_at
from .cld.periods import Period
from .cld.columns import parse_dates
from .cld.vocab import value_key
from .errors import S75Error
from .safety.messages import clip
from .tables import read_table

SHIPPED_MAPPING = Path(__file__).parent / "data" / "local_extracts_mapping.toml"
MHA_COLUMNS = ("date", "outcome")
CPA_COLUMNS = ("last_seen", "last_review", "has_carer", "carer_assessed")


def read_mapping(path: str | Path | None = None) -> dict:
    path = Path(path) if path else SHIPPED_MAPPING
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise S75Error(f"The mapping file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise S75Error(f"The mapping file {path} is not valid TOML: {exc}.") from None
    except UnicodeDecodeError:
        raise S75Error(f"The mapping file {path} is not UTF-8 text; save it as UTF-8.") from None
    except IsADirectoryError:
        raise S75Error(f"The mapping file {path} is a folder, not a file.") from None


def _section(mapping: dict, name: str, required: tuple[str, ...]) -> tuple[dict, dict]:
    section = mapping.get(name)
    if not isinstance(section, dict) or not isinstance(section.get("columns"), dict):
        raise S75Error(f"The mapping file has no [{name}.columns] table.")
    columns = section["columns"]
    missing = [c for c in required if c not in columns]
    if missing:
        raise S75Error(f"The mapping's [{name}.columns] does not name {', '.join(repr(c) for c in missing)}.")
    return columns, section.get("codes", {})


def _column(frame: pd.DataFrame, columns: dict, key: str, what: str, path) -> pd.Series:
    wanted = str(columns[key]).strip().lower().replace(" ", "_")
    if wanted not in frame:
        raise S75Error(f"The {what} {path} has no column {columns[key]!r} (named for {key!r} in the mapping).")
    return frame[wanted]


def _is(values: pd.Series, codes: list[str]) -> pd.Series:
    wanted = {value_key(c) for c in codes}
    return values.astype("string").fillna("").map(lambda v: value_key(v) in wanted).astype(bool)


def mha_measures(path: str | Path, period: Period, mapping: dict, log: pd.DataFrame | None = None) -> list[dict]:
    """Havering measures 22-32 from an MHA assessment log (`log`: the file already read, when
    many periods are worked out from it)."""
    columns, codes = _section(mapping, "mha", MHA_COLUMNS)
    log = read_table(path, "MHA log") if log is None else log
    dates, bad = parse_dates(_column(log, columns, "date", "MHA log", path))
    if bad.any():
        raise S75Error(f"The MHA log {path}, row {int(bad.idxmax()) + 2}: the assessment date is not a date.")
    if "age" in columns:  # checked on the whole log: a bad age is a bad file, whatever the period
        raw_age = _column(log, columns, "age", "MHA log", path)
        number = pd.to_numeric(raw_age, errors="coerce")
        wrong = (number.isna() & raw_age.notna()) | (number < 0) | (number > 120) | (number % 1 != 0)
        if wrong.any():
            raise S75Error(f"The MHA log {path}, row {int(wrong.idxmax()) + 2}: the age must be a whole number "
                           "from 0 to 120.")
    log = log[(dates >= period.start) & (dates <= period.end)]
    dates = dates[log.index]
    outcome = _column(log, columns, "outcome", "MHA log", path)
    if "age" in columns:
        age = pd.to_numeric(_column(log, columns, "age", "MHA log", path), errors="coerce")
    elif "date_of_birth" in columns:
        age = age_at(parse_dates(_column(log, columns, "date_of_birth", "MHA log", path))[0], dates)
    else:
        raise S75Error("The mapping's [mha.columns] must name 'age' or 'date_of_birth'.")
    yes = codes.get("yes", ["Yes", "Y", "True", "1"])
    s136 = _is(_column(log, columns, "section_136", "MHA log", path), yes) if "section_136" in columns \
        else _is(outcome, codes.get("section_136", []))
    cto = _is(_column(log, columns, "cto", "MHA log", path), yes) if "cto" in columns else pd.Series(False, index=log.index)
    total = len(log)
    section = int(_is(outcome, codes.get("admitted_section", [])).sum())
    not_admitted = int(_is(outcome, codes.get("not_admitted", [])).sum())
    counts = {
        "HAV-22": (total, None), "HAV-23": (section, None), "HAV-24": (section, total),
        "HAV-25": (int(_is(outcome, codes.get("admitted_informal", [])).sum()), None),
        "HAV-26": (not_admitted, None), "HAV-27": (not_admitted, total),
        "HAV-28": (int((age < 65).sum()), None), "HAV-29": (int((age >= 65).sum()), None),
        "HAV-30": (int(s136.sum()), None), "HAV-31": (int(s136.sum()), total), "HAV-32": (int(cto.sum()), None),
    }
    return [{"measure": m, "breakdown": "All", "numerator": n, "denominator": d} for m, (n, d) in counts.items()]


def _dates(caseload: pd.DataFrame, columns: dict, key: str, path) -> pd.Series:
    """A CPA date column; text that is not a date ("yesterday") is an error, as in the MHA log, not a blank."""
    dates, bad = parse_dates(_column(caseload, columns, key, "CPA extract", path))
    if bad.any():
        raise S75Error(f"The CPA extract {path}, row {int(bad.idxmax()) + 2}, column {clip(columns[key])}: not a date.")
    return dates


def cpa_measures(path: str | Path, period: Period, mapping: dict, caseload: pd.DataFrame | None = None) -> list[dict]:
    """Havering measures 18-21 from a CPA caseload extract, judged at the period end
    (`caseload`: the file already read, when many periods are worked out from it)."""
    columns, codes = _section(mapping, "cpa", CPA_COLUMNS)
    caseload = read_table(path, "CPA extract") if caseload is None else caseload
    if "on_cpa" in columns:
        caseload = caseload[_is(_column(caseload, columns, "on_cpa", "CPA extract", path), codes.get("yes", ["Yes", "Y"]))]
    year_ago = period.end - pd.DateOffset(months=12)
    month_start = period.end.replace(day=1)
    seen = _dates(caseload, columns, "last_seen", path)
    reviewed = _dates(caseload, columns, "last_review", path)
    carer = _is(_column(caseload, columns, "has_carer", "CPA extract", path), codes.get("yes", ["Yes", "Y", "True", "1"]))
    assessed = _dates(caseload, columns, "carer_assessed", path)
    up_to_date = carer & assessed.between(year_ago, period.end)
    return [
        {"measure": "HAV-18", "breakdown": "All", "numerator": int(seen.between(month_start, period.end).sum()), "denominator": None},
        {"measure": "HAV-19", "breakdown": "All", "numerator": int(reviewed.between(year_ago, period.end).sum()), "denominator": None},
        {"measure": "HAV-20", "breakdown": "All", "numerator": int(carer.sum()), "denominator": len(caseload)},
        {"measure": "HAV-21", "breakdown": "All", "numerator": int(up_to_date.sum()), "denominator": int(carer.sum())},
    ]
