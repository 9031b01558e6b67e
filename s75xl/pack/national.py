"""The national ASCOF data files, read as published, turned into benchmark columns.

Two layouts are read (the project's docs/pack.md describes both):

- NHS Digital / NHS England's CSV, to 2023-24: ``Geographical Code, Geographical Description,
  Geographical Level, ONS Code, ASCOF Measure Code, Disaggregation Level, Measure Type,
  Measure Value, Measure Group, ...``; codes carry age or sex suffixes (``1C1A1864``, ``1EF``)
  beside the total (``1C1A``).
- DHSC's CSV, from 2024-25: the same columns in sentence case, the bare code in its own column
  and the breakdown (``Total``, ``18 to 64``) in ``Disaggregation level``.

Headers are matched without regard to case, spaces and underscores. ``[c]`` (suppressed),
``[x]`` (not applicable), ``[z]``, ``..``, ``-`` and blank are missing values. Only total rows
are used. Codes are matched through the catalogue, following renames both ways, so an old
file's ``1C1A`` meets a result for 3D(1A) and the other way round.

Benchmarks made for the council (``--council``, by code, ONS code or name):
``previous_year`` (its own figure in the previous year's file), ``region`` (``--region``),
``england`` and the comparator group (``--comparator``, repeatable): computed from the members'
numerators and denominators where every member's are published, else the mean of the members'
published values, and the pack says which. Nearest-neighbour lists are licensed, so the user
supplies the members.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..catalogue.codes import financial_year_label, financial_year_start
from ..errors import CatalogueError, InputError, MeasureNotFoundError
from ..rates import rate
from ..tables import TableError

MISSING = {"", "[c]", "[x]", "[z]", "..", "-", "n/a", "na", "nan", ":"}
HEADERS = {
    "geographicalcode": "geo_code", "geographicaldescription": "geo_name", "geographicallevel": "level",
    "onscode": "ons", "onsareacode": "ons", "ascofmeasurecode": "code", "disaggregationlevel": "breakdown",
    "disaggregation": "breakdown", "measuretype": "type", "measurevalue": "value", "measuregroup": "group",
    "year": "year", "financialyear": "year",
}
TOTAL_WORDS = {"", "total", "all", "nan"}


def _key(header: str) -> str:
    return re.sub(r"[\s_]+", "", str(header).strip().lower())


def is_national(frame: pd.DataFrame) -> bool:
    """True when a table has the national file's code, type and value columns."""
    keys = {HEADERS.get(_key(c)) for c in frame.columns}
    return {"code", "type", "value"} <= keys


def year_of(path: Path, frame: pd.DataFrame) -> int:
    """The financial year a file holds: its 'year' column, else its name (2023-24, 2023_24, 1920)."""
    if "year" in frame:
        years = {financial_year_start(y) for y in frame["year"].dropna().unique()}
        if len(years) == 1:
            return years.pop()
    name = path.stem
    match = re.search(r"(20\d\d)[-_ ]?(20)?(\d\d)(?!\d)", name)
    if match and int(match.group(3)) == (int(match.group(1)) + 1) % 100:
        return int(match.group(1))
    match = re.search(r"(?<!\d)(\d\d)(\d\d)(?!\d)", name)
    if match and int(match.group(2)) == (int(match.group(1)) + 1) % 100:
        return 2000 + int(match.group(1))
    raise TableError(f"{path}: cannot tell which financial year this national ASCOF file holds; put the year "
                     "in its name (for example ascof_2023-24.csv).")


def read_national(path: str | Path) -> pd.DataFrame:
    """A national file as a tidy table: geo_code, geo_name, level, ons, measure code, type, value, year_start."""
    path = Path(path)
    try:
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    except (OSError, pd.errors.ParserError, ValueError) as exc:
        raise TableError(f"The benchmarks file {path} cannot be read as a table: {type(exc).__name__}.") from None
    frame = raw.rename(columns={c: HEADERS[_key(c)] for c in raw.columns if _key(c) in HEADERS})
    missing = [c for c in ("geo_code", "code", "type", "value") if c not in frame]
    if missing:
        raise TableError(f"{path}: not a national ASCOF data file; missing the column(s) {', '.join(missing)}.")
    for column in ("geo_name", "level", "ons", "breakdown", "group"):
        if column not in frame:
            frame[column] = ""
    frame["year_start"] = year_of(path, frame)
    text = frame["value"].astype(str).str.strip().str.replace(",", "", regex=False)
    frame["number"] = pd.to_numeric(text.where(~text.str.lower().isin(MISSING)), errors="coerce")
    total = frame["breakdown"].astype(str).str.strip().str.lower().isin(TOTAL_WORDS)
    has_group = frame["group"].astype(str).str.strip() != ""
    total &= ~has_group | (frame["code"].str.strip() == frame["group"].str.strip())
    frame = frame[total].copy()
    frame["type"] = frame["type"].astype(str).str.strip().str.lower()
    frame.attrs["source"] = str(path)
    return frame


def latest_id(catalogue: Catalogue, label: str) -> str:
    """A measure's id under its newest code (1C(1A) -> 3D(1A)), so old and new files meet;
    a label the catalogue does not know is kept as it is."""
    try:
        measure = catalogue.find(label)
    except MeasureNotFoundError:
        return str(label).strip()
    seen = {measure.id}
    while measure.renamed_to and measure.renamed_to not in seen:
        seen.add(measure.renamed_to)
        measure = catalogue.get(measure.renamed_to)
    return measure.id


def _measure_id(code: str, year: int, catalogue: Catalogue, cache: dict):
    if code not in cache:
        try:
            catalogue.find(code, year=financial_year_label(year))
            cache[code] = latest_id(catalogue, code)
        except (MeasureNotFoundError, CatalogueError):
            cache[code] = None
    return cache[code]


def _matches(frame: pd.DataFrame, who: str) -> pd.Series:
    who = str(who).strip().lower()
    return (frame["geo_code"].str.strip().str.lower().eq(who) | frame["ons"].str.strip().str.lower().eq(who)
            | frame["geo_name"].str.strip().str.lower().eq(who))


def national_benchmarks(frames: list[pd.DataFrame], catalogue: Catalogue, *, council: str, region: str | None = None,
                        comparators=(), comparator_name: str = "family group") -> pd.DataFrame:
    """One row per measure and year with benchmark_previous_year, _region, _england and the
    comparator group's column; `attrs["notes"]` says how each group figure was made."""
    if not council:
        raise InputError("With a national ASCOF data file, say which council is yours (--council CODE or name).")
    data = pd.concat(frames, ignore_index=True)
    if not _matches(data, council).any():
        raise TableError(f"The national ASCOF file(s) have no council {council!r} (by code, ONS code or name).")
    for member in comparators:
        if not _matches(data, member).any():
            raise TableError(f"The national ASCOF file(s) have no comparator council {member!r}.")
    cache: dict = {}
    data["measure"] = [_measure_id(c.strip(), y, catalogue, cache) for c, y in zip(data["code"], data["year_start"])]
    data = data.dropna(subset=["measure"])
    outcome = data[data["type"] == "outcome"]
    group_name = "benchmark_" + re.sub(r"\W+", "_", comparator_name.strip().lower()).strip("_")
    rows, methods = [], {}
    england = outcome["level"].str.strip().str.lower().isin(["england", "national"]) | outcome["geo_code"].str.strip().str.lower().eq("england")
    own = outcome[_matches(outcome, council)]
    for (measure, year), part in own.groupby(["measure", "year_start"]):
        row = {"area": "", "measure": measure, "year": financial_year_label(year), "source_value": part["number"].iloc[0]}
        previous = own[(own["measure"] == measure) & (own["year_start"] == year - 1)]["number"]
        row["benchmark_previous_year"] = previous.iloc[0] if len(previous) else np.nan
        here = outcome[(outcome["measure"] == measure) & (outcome["year_start"] == year)]
        eng = here[england.loc[here.index]]["number"]
        row["benchmark_england"] = eng.iloc[0] if len(eng) else np.nan
        if region:
            reg = here[_matches(here, region)]["number"]
            row["benchmark_region"] = reg.iloc[0] if len(reg) else np.nan
        in_file = any(_matches(data[data["year_start"] == year], m).any() for m in comparators)
        if comparators and in_file:
            value, how = _group_value(data, measure, year, comparators, catalogue)
            row[group_name] = value
            methods.setdefault((financial_year_label(year), how), []).append(measure)
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["notes"] = [f"{comparator_name.capitalize()} figures for {year}, {how}: {', '.join(measures)}."
                          for (year, how), measures in sorted(methods.items())]
    return out


def _group_value(data: pd.DataFrame, measure: str, year: int, members, catalogue: Catalogue) -> tuple[float, str]:
    here = data[(data["measure"] == measure) & (data["year_start"] == year)]
    numerators, denominators, outcomes = [], [], []
    for member in members:
        mine = here[_matches(here, member)]
        pick = lambda kind: mine[mine["type"] == kind]["number"].iloc[0] if (mine["type"] == kind).any() else np.nan  # noqa: E731
        numerators.append(pick("numerator"))
        denominators.append(pick("denominator"))
        outcomes.append(pick("outcome"))
    n = len(members)
    if not np.isnan(numerators).any() and not np.isnan(denominators).any():
        try:
            value = float(rate(float(np.sum(numerators)), float(np.sum(denominators)), catalogue.get(measure)))
            return value, f"worked out from the {n} members' numerators and denominators"
        except InputError:
            pass
    published = [v for v in outcomes if not np.isnan(v)]
    if not published:
        return np.nan, f"none of the {n} members' values is published"
    return float(np.mean(published)), (f"the mean of {len(published)} of the {n} members' published values "
                                       "(their numerators or denominators are not all published)")
