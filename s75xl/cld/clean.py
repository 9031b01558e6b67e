"""From the raw text of one or more CLD files to one clean events table.

The rules, each from shared/reference/cld.md, applied in this order to every row read; a row
dropped by one rule is counted under that rule only:

1. dates parsed and coded values matched (columns.py); invalid ones reported per field;
2. person identifier (section 2.2), then the rows with none are dropped;
3. rows with no event type or start date, an end before the start, or a request, assessment or
   review with no end date are dropped;
4. several files: the latest version of each event wins (section 2.4, DHSC unique-event keys):
   a later reporting period end wins, then a later file, then a closed row over an open one,
   then the later end date;
5. date of death (section 2.1): an event that starts after the person's death is dropped; an end
   date after death (or a missing one) becomes the date of death.

The table is built once, at the end, from the rows kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import NAT, normalise_codes, parse_dates, person_numbers
from .common import group_starts, repeated, sorted_by
from .fields import DATES, FIELDS, LOCAL_CODES, REQUIRED
from .parallel import run_all, started
from .quality import DataQuality
from .vocab import CODED_FIELDS, SERVICE_USER

KEEP = ("person_id", "la_code", "gender", "date_of_birth", "date_of_death", "client_type", "primary_support_reason",
        "accommodation_status", "employment_status", "client_funding_status", "event_type", "event_start_date",
        "event_end_date", "event_outcome", "request_route_of_access", "assessment_type", "service_type",
        "service_component", "delivery_mechanism", "review_reason", "reporting_period_end_date")
MANDATORY_BY_EVENT = {"Service": ("service_type",), "Review": ("review_reason",)}
FIRST_NEEDED = ("event_type", "client_type", "event_start_date", "event_end_date")


class Findings:
    """Findings kept aside (the same `note` as DataQuality) and noted later, in the same order."""

    def __init__(self):
        self.kept: list[tuple[str, str, np.ndarray]] = []

    def note(self, kind: str, name: str, hit: np.ndarray) -> None:
        self.kept.append((kind, name, hit))

    def note_in(self, quality: DataQuality) -> None:
        for finding in self.kept:
            quality.note(*finding)


OLDEST_DAYS = 120 * 366  # a birth more than 120 years before the event is a typing error (1801 for 1981)


def _plausible_births(births: pd.Series, starts: pd.Series, quality: DataQuality) -> pd.Series:
    """Dates of birth after the event (2090) or over 120 years before it (1801) are reported as
    invalid and treated as blank, so the person is not put in an age band by a typing error."""
    born = births.to_numpy().astype("datetime64[D]")
    start = starts.to_numpy().astype("datetime64[D]")
    with np.errstate(invalid="ignore"):
        wrong = ~np.isnat(born) & ~np.isnat(start) & ((born > start) | ((start - born).astype(np.int64) > OLDEST_DAYS))
    if not wrong.any():
        return births
    quality.note("invalid", FIELDS["date_of_birth"], wrong)
    return births.mask(pd.Series(wrong, index=births.index))


def clean(raw: pd.DataFrame, quality: DataQuality, person_id_rule: str) -> pd.DataFrame:
    """The events table from the raw rows of every file (columns named as in fields.USED)."""
    invalid_nhs: list[np.ndarray] = []
    decoders = {"person": lambda: person_numbers(raw["nhs_number"], raw["la_code"], raw["la_person_unique_identifier"],
                                                 person_id_rule, invalid_nhs)}
    decoders |= {name: lambda name=name: parse_dates(raw[name]) for name in DATES}
    decoders |= {name: lambda name=name: normalise_codes(raw[name], name) for name in CODED_FIELDS}
    first = ("person", *FIRST_NEEDED)  # decoded first: the person and event rules need only these
    names = [*first, *(name for name in decoders if name not in first)]
    with started([decoders[name] for name in names]) as results:
        result = dict(zip(names, results))
        person_key, nhse_dropped = result["person"]()
        columns: dict[str, pd.Series] = {name: result[name]()[0] for name in FIRST_NEEDED}
        drops = Findings()  # noted once every column's own findings are, to keep the report's order
        keep = _drop(np.ones(len(raw), bool), nhse_dropped, "LA ID also used with an NHS number (NHSE rule)", drops)
        keep = _drop(keep, person_key < 0, "no NHS number or LA person ID", drops)
        kind = columns["event_type"]
        start, end = columns["event_start_date"].to_numpy(), columns["event_end_date"].to_numpy()
        keep = _drop(keep, kind.isna().to_numpy() | np.isnat(start), "no event type or start date", drops)
        keep = _drop(keep, end < start, "end date before start date", drops)
        keep = _drop(keep, (kind != "Service").to_numpy() & np.isnat(end),
                     "a request, assessment or review with no end date (only services may be open)", drops)
        person, candidates = _people_and_candidates(columns, person_key, keep)
        decoded = {name: result[name]() for name in (*DATES, *CODED_FIELDS)}
    for name, (values, bad) in decoded.items():
        columns[name] = values
        quality.note("invalid", FIELDS[name], bad.to_numpy())
    quality.note("invalid", FIELDS["nhs_number"], invalid_nhs[0])
    columns["date_of_birth"] = _plausible_births(columns["date_of_birth"], columns["event_start_date"], quality)
    for name in LOCAL_CODES:
        columns[name] = raw[name].astype("category")
    _report_missing(columns, quality)
    drops.note_in(quality)
    keep = _drop(keep, _earlier_versions(columns, person, candidates, quality), "earlier version of the same event (latest file wins)",
                 quality)
    kept_before_deaths = int(keep.sum())
    keep = _apply_deaths(columns, person, keep, quality)
    rows = np.flatnonzero(keep)
    columns["client_type"] = columns["client_type"].fillna(SERVICE_USER)
    # only the death rule can drop a person's every row (the latest version of an event stays)
    person_id = person[rows] if len(rows) == kept_before_deaths else _compacted(person[rows])
    taken = run_all([lambda name=name: _take(columns[name], rows) for name in KEEP[1:]])
    events = pd.DataFrame({"person_id": person_id, **dict(zip(KEEP[1:], taken))}, copy=False)
    quality.rows_kept = len(events)
    return events


def _people_and_candidates(columns: dict[str, pd.Series], person_key: np.ndarray,
                           keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The kept rows' people numbered 0, 1, 2... in the order of their keys (-1 elsewhere), and
    the kept rows that may be versions of one event: those sharing person, start, event type and
    client type, the cheap part of the DHSC event key. One sort gives both (sorting is several
    times faster than hashing here, numpy's sort being vectorised)."""
    rows = np.flatnonzero(keep)
    start = columns["event_start_date"].to_numpy()[rows].astype("datetime64[D]").astype(np.int64)
    keys = [person_key[rows], start, columns["event_type"].cat.codes.to_numpy()[rows],
            columns["client_type"].cat.codes.to_numpy()[rows]]
    order, in_order = sorted_by(keys, stable=False)
    person = np.full(len(keep), -1, np.int64)
    person[rows[order]] = np.cumsum(group_starts(keys[0][order])) - 1
    return person, rows[repeated(keys, order, in_order)]


def _compacted(person: np.ndarray) -> np.ndarray:
    """Numbers 0..n-1 again once some people's every row was dropped (same order)."""
    present = np.zeros(int(person.max()) + 1 if len(person) else 0, bool)
    present[person] = True
    return (np.cumsum(present) - 1)[person]


def _take(column: pd.Series, rows: np.ndarray):
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(column.cat.codes.to_numpy()[rows], dtype=column.dtype)
    return column.to_numpy()[rows]


def _report_missing(columns: dict[str, pd.Series], quality: DataQuality) -> None:
    for name in REQUIRED:
        quality.note("missing", FIELDS[name], columns[name].isna().to_numpy())
    for event_type, names in MANDATORY_BY_EVENT.items():
        for name in names:
            hit = (columns["event_type"] == event_type) & columns[name].isna()
            quality.note("missing", f"{FIELDS[name]} (on {event_type.lower()} events)", hit.to_numpy())


def _drop(keep: np.ndarray, rule: np.ndarray, reason: str, quality: DataQuality | Findings) -> np.ndarray:
    """`keep` without the rows `rule` hits, counting those still kept until now under `reason`."""
    hit = keep & rule
    quality.note("dropped", reason, hit)
    return keep & ~hit


def _pack(parts: list[np.ndarray]) -> np.ndarray:
    """One int64 key per row from several non-negative integer codes: side by side in the bits
    when they fit, otherwise combined pairwise and refactorised."""
    widths = [max(int(part.max()), 0).bit_length() if len(part) else 0 for part in parts]
    if sum(widths) <= 62:
        key = np.zeros(len(parts[0]), dtype=np.int64)
        for part, width in zip(parts, widths):
            key = (key << width) | part.astype(np.int64)
        return key
    key = parts[0].astype(np.int64)
    for part in parts[1:]:
        key = pd.factorize(key * (int(part.max()) + 1) + part)[0].astype(np.int64)
    return key


def _codes(values) -> np.ndarray:
    return pd.factorize(values, use_na_sentinel=False)[0]


def _earlier_versions(columns: dict[str, pd.Series], person: np.ndarray, rows: np.ndarray,
                      quality: DataQuality) -> np.ndarray:
    """A mask of the rows that an other version of the same event supersedes, among the
    candidate `rows` (which share the cheap part of the key; on a single file usually none).

    The DHSC key is la code, person, start, client type and event type, plus for each type its
    own fields (the end date, route of access, assessment type, or service type and component)."""
    superseded = np.zeros(len(person), bool)
    if not len(rows):
        return superseded
    part = {name: columns[name].iloc[rows].reset_index(drop=True) for name in columns}
    kind = part["event_type"]
    full = _pack([_codes(values) for values in (
        part["la_code"], person[rows], part["event_start_date"], part["client_type"], kind,
        part["event_end_date"].where(kind != "Service"), part["request_route_of_access"].where(kind == "Request"),
        part["assessment_type"].where(kind == "Assessment"), part["service_type"].where(kind == "Service"),
        part["service_component"].where(kind == "Service"))])
    order = pd.DataFrame({
        "key": full, "position": rows,
        "period": part["reporting_period_end_date"].fillna(pd.Timestamp.min), "file": quality.file_of(rows),
        "open": part["event_end_date"].isna(), "end": part["event_end_date"].fillna(pd.Timestamp.max),
    }).sort_values(["key", "period", "file", "open", "end", "position"],
                   ascending=[True, True, True, False, True, True], kind="stable")
    superseded[order["position"].to_numpy()] = order["key"].duplicated(keep="last").to_numpy()
    return superseded


def _apply_deaths(columns: dict[str, pd.Series], person: np.ndarray, keep: np.ndarray,
                  quality: DataQuality) -> np.ndarray:
    """Give every kept row its person's latest recorded date of death; drop events that start after
    it, and set an end after it (or a missing end) to it. Returns the rows still kept."""
    never = NAT.view(np.int64)  # NaT is the smallest int64, so max() skips it
    recorded = columns["date_of_death"].to_numpy().view(np.int64)
    with_date = np.flatnonzero(keep & (recorded != never))
    latest = np.full(max(int(person.max()) + 1 if len(person) else 0, 1), never)  # never empty
    np.maximum.at(latest, person[with_date], recorded[with_date])
    dead_rows = np.flatnonzero(keep & (latest != never)[np.maximum(person, 0)])
    death_of_row = np.full(len(person), never)
    death_of_row[dead_rows] = latest[person[dead_rows]]
    death = death_of_row.view("datetime64[ns]")
    dead = death_of_row != never
    keep = _drop(keep, dead & (columns["event_start_date"].to_numpy() > death), "event starting after the date of death", quality)
    end = columns["event_end_date"].to_numpy()
    crop = keep & dead & (np.isnat(end) | (end > death))
    quality.note("changed", "end date set to the date of death", crop)
    columns["event_end_date"] = pd.Series(np.where(crop, death, end))
    columns["date_of_death"] = pd.Series(death)
    return keep
