"""Reading a council's CLD extract(s) into one clean events table, with a data-quality log.

Steps, each from shared/reference/cld.md:

1. Headers are matched forgivingly ("Event Start Date", "event_start_date", "EVENT START DATE").
   A file missing the core columns is refused with one sentence naming them.
2. Dates may be ISO (2024-04-01), UK (01/04/2024) or Excel serial numbers (45383) [cld.md 1.3: the
   submission date format is unconfirmed, so all three are accepted].
3. Coded values are matched forgivingly and Release 1 wording is mapped to Release 2 (vocab.py).
4. Person ID (section 2.2). DHSC (default): NHS number, else LA code + "_" + LA person ID; rows
   with neither are dropped. NHSE ("nhse"): the LA ID is used only where that ID never appears
   with an NHS number; otherwise the row is dropped. IDs are then replaced by a one-way hash, so
   no NHS number or local ID goes further than this module. Names, postcodes and GP details are
   never kept.
5. Several files: the latest version of each event wins (section 2.4, DHSC unique-event keys):
   a later reporting period end wins, then a later file on the command line, then a closed row
   over an open one, then the later end date.
6. Date of death (section 2.1): an event that starts after the person's death is dropped; an end
   date after death (or a missing one) becomes the date of death.

Every dropped or corrected row is counted by reason in the DataQuality log, with example row
numbers ("file.csv row 12"), never with a person's details.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import S75Error
from .vocab import CODED_FIELDS, SERVICE_USER, normalise_codes

FIELDS = {
    "la_code": "LA Code", "reporting_period_start_date": "Reporting Period Start Date",
    "reporting_period_end_date": "Reporting Period End Date", "nhs_number": "NHS Number",
    "la_person_unique_identifier": "LA Person Unique Identifier", "first_name": "First Name",
    "last_name": "Last Name", "gp_practice_name": "GP Practice Name", "gp_practice_code": "GP Practice Code",
    "gender": "Gender", "ethnicity": "Ethnicity", "date_of_birth": "Date of Birth", "date_of_death": "Date of Death",
    "client_type": "Client Type", "primary_support_reason": "Primary Support Reason", "postcode": "Postcode",
    "accommodation_status": "Accommodation Status", "employment_status": "Employment Status",
    "has_unpaid_carer": "Has Unpaid Carer", "client_funding_status": "Client Funding Status",
    "event_type": "Event Type", "event_reference": "Event Reference", "event_start_date": "Event Start Date",
    "event_end_date": "Event End Date", "event_description": "Event Description", "event_outcome": "Event Outcome",
    "request_route_of_access": "Request: Route of Access", "assessment_type": "Assessment Type",
    "service_type": "Service Type", "service_component": "Service Component",
    "delivery_mechanism": "Delivery Mechanism", "review_reason": "Review Reason",
}
REQUIRED = ("event_type", "event_start_date", "client_type", "date_of_birth")
IDENTIFIERS = ("nhs_number", "la_person_unique_identifier")
PERSONAL = ("first_name", "last_name", "postcode", "gp_practice_name", "gp_practice_code", "event_description")
DATES = ("reporting_period_start_date", "reporting_period_end_date", "date_of_birth", "date_of_death",
         "event_start_date", "event_end_date")
KEEP = ("person_id", "la_code", "gender", "date_of_birth", "date_of_death", "client_type", "primary_support_reason",
        "accommodation_status", "employment_status", "client_funding_status", "event_type", "event_start_date",
        "event_end_date", "event_outcome", "request_route_of_access", "assessment_type", "service_type",
        "service_component", "delivery_mechanism", "review_reason", "reporting_period_end_date", "source_row")
MANDATORY_BY_EVENT = {"Service": ("service_type",), "Review": ("review_reason",), "Request": (), "Assessment": ()}
EXAMPLES = 5


@dataclass
class DataQuality:
    """What reading found: per field, missing mandatory values and invalid codes; per rule, rows
    dropped or changed. Examples are row references, never identities."""

    rows_read: int = 0
    rows_kept: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)
    invalid: dict[str, list[str]] = field(default_factory=dict)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def _add(self, kind: str, name: str, rows: pd.Series) -> None:
        if rows.empty:
            return
        bucket = getattr(self, kind)
        bucket.setdefault(name, [])
        room = EXAMPLES - len(bucket[name])
        bucket[name].extend(rows.iloc[:max(room, 0)].tolist())
        self.counts[(kind, name)] = self.counts.get((kind, name), 0) + len(rows)

    def table(self) -> pd.DataFrame:
        """One row per finding: kind, field or rule, count, example rows."""
        rows = [{"kind": kind, "field_or_rule": name, "count": count,
                 "example_rows": "; ".join(getattr(self, kind)[name])}
                for (kind, name), count in self.counts.items()]
        return pd.DataFrame(rows, columns=["kind", "field_or_rule", "count", "example_rows"])


def header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).casefold())


HEADER_LOOKUP = {header_key(n): n for n in FIELDS} | {header_key(s): n for n, s in FIELDS.items()}


def _read_raw(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise S75Error(f"The CLD file {path} does not exist.")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = _read_csv(path)
    except S75Error:
        raise
    except Exception as exc:  # pandas and openpyxl raise many kinds for a file that is not a table
        raise S75Error(f"The CLD file {path} cannot be read as a table ({type(exc).__name__}).") from None
    if frame.empty:
        raise S75Error(f"The CLD file {path} has no rows.")
    return frame


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=None, engine="python") \
                if path.stat().st_size < 2_000_000 else \
                pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            return frame.replace({"": None})
        except UnicodeDecodeError:
            continue
    raise S75Error(f"The CLD file {path} is neither UTF-8 nor Windows-1252 text.")


def _rename(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    renames = {c: HEADER_LOOKUP[header_key(c)] for c in frame.columns if header_key(c) in HEADER_LOOKUP}
    frame = frame.rename(columns=renames)
    missing = [FIELDS[c] for c in REQUIRED if c not in frame.columns]
    if not any(c in frame.columns for c in IDENTIFIERS):
        missing.append("NHS Number or LA Person Unique Identifier")
    if missing:
        raise S75Error(f"The file {path} is not a CLD extract: it has no column {', '.join(repr(m) for m in missing)}.")
    return frame


def parse_dates(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from ISO text, dd/mm/yyyy text or Excel serial numbers; and a mask of bad values."""
    raw = column.astype("string").str.strip()
    blank = raw.isna() | (raw == "")
    out = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
    iso = raw.str.match(r"^\d{4}-\d{2}-\d{2}", na=False)
    out[iso] = pd.to_datetime(raw[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    uk = raw.str.match(r"^\d{1,2}/\d{1,2}/\d{4}", na=False)
    out[uk] = pd.to_datetime(raw[uk].str.slice(0, 10), format="%d/%m/%Y", errors="coerce")
    serial = raw.str.fullmatch(r"\d{4,5}(\.\d+)?", na=False)
    out[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(raw[serial].astype(float).round(), unit="D")
    if pd.api.types.is_datetime64_any_dtype(column):
        out = pd.to_datetime(column)
    bad = ~blank & out.isna()
    return out, bad


def _hash_ids(values: pd.Series) -> pd.Series:
    salt = b"s75xl-person"
    uniques = values.dropna().unique()
    mapping = {u: hashlib.sha256(salt + str(u).encode()).hexdigest()[:16] for u in uniques}
    return values.map(mapping)


def _person_ids(frame: pd.DataFrame, rule: str, dq: DataQuality) -> pd.Series:
    nhs = frame["nhs_number"].astype("string").str.replace(r"\s", "", regex=True) if "nhs_number" in frame \
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    nhs = nhs.where(nhs.str.fullmatch(r"\d{10}", na=False))
    la_code = frame["la_code"].astype("string").fillna("") if "la_code" in frame else ""
    local = frame["la_person_unique_identifier"].astype("string").str.strip() \
        if "la_person_unique_identifier" in frame else pd.Series(pd.NA, index=frame.index, dtype="string")
    local = local.where(local != "")
    local_id = ("LA" + la_code + "_" + local).where(local.notna())
    if rule == "nhse":
        seen_with_nhs = set(local_id[nhs.notna() & local_id.notna()])
        usable_local = local_id.where(~local_id.isin(seen_with_nhs))
        person = nhs.fillna(usable_local)
        dq._add("dropped", "LA ID also used with an NHS number (NHSE rule)",
                frame.loc[nhs.isna() & local_id.notna() & usable_local.isna(), "source_row"])
    else:
        person = nhs.fillna(local_id)
    dq._add("dropped", "no NHS number or LA person ID", frame.loc[person.isna(), "source_row"])
    return _hash_ids(person)


def _dedup_key(events: pd.DataFrame) -> list[pd.Series]:
    kind = events["event_type"]
    end_for_key = events["event_end_date"].where(kind != "Service")
    route = events.get("request_route_of_access", pd.Series(None, index=events.index)).where(kind == "Request")
    assessment = events.get("assessment_type", pd.Series(None, index=events.index)).where(kind == "Assessment")
    service = (events["service_type"].fillna("") + "|" + events["service_component"].fillna("")).where(kind == "Service")
    return [events["la_code"].fillna(""), events["person_id"], events["event_start_date"], events["client_type"].fillna(""),
            kind, end_for_key.astype(str), route.fillna("").astype(str), assessment.fillna("").astype(str),
            service.fillna("")]


def _deduplicate(events: pd.DataFrame, dq: DataQuality) -> pd.DataFrame:
    parts = pd.DataFrame({f"k{i}": part for i, part in enumerate(_dedup_key(events))}, index=events.index)
    events = events.assign(_key=parts.groupby(list(parts.columns), sort=False, dropna=False).ngroup())
    order = events.assign(
        _period=events["reporting_period_end_date"].fillna(pd.Timestamp.min),
        _open=events["event_end_date"].isna(),
        _end=events["event_end_date"].fillna(pd.Timestamp.max),
    ).sort_values(["_key", "_period", "file_order", "_open", "_end", "row_order"],
                  ascending=[True, True, True, False, True, True], kind="stable")
    latest = order.drop_duplicates("_key", keep="last")
    dq._add("dropped", "earlier version of the same event (latest file wins)",
            events.loc[events.index.difference(latest.index), "source_row"])
    return latest.drop(columns=["_key", "_period", "_open", "_end"]).sort_index()


def read_cld(paths: Iterable[str | Path], *, person_id_rule: str = "dhsc") -> tuple[pd.DataFrame, DataQuality]:
    """The events table (Release 2 wording, hashed person IDs) and the data-quality log."""
    if person_id_rule not in ("dhsc", "nhse"):
        raise S75Error("The person-identifier rule must be 'dhsc' or 'nhse'.")
    dq = DataQuality()
    frames = []
    for order, raw_path in enumerate(paths):
        path = Path(raw_path)
        frame = _rename(_read_raw(path), path)
        frame = frame.assign(source_row=[f"{path.name} row {i + 2}" for i in range(len(frame))],
                             file_order=order, row_order=np.arange(len(frame)))
        frames.append(frame)
    if not frames:
        raise S75Error("No CLD file was given.")
    events = pd.concat(frames, ignore_index=True)
    dq.rows_read = len(events)
    for column in FIELDS:
        if column not in events:
            events[column] = None
    events = events.drop(columns=list(PERSONAL))
    for column in DATES:
        events[column], bad = parse_dates(events[column])
        dq._add("invalid", FIELDS[column], events.loc[bad, "source_row"])
    for column in CODED_FIELDS:
        events[column], bad = normalise_codes(events[column], column)
        dq._add("invalid", FIELDS[column], events.loc[bad, "source_row"])
    for column in REQUIRED:
        dq._add("missing", FIELDS[column], events.loc[events[column].isna(), "source_row"])
    for event_type, columns in MANDATORY_BY_EVENT.items():
        for column in columns:
            hit = (events["event_type"] == event_type) & events[column].isna()
            dq._add("missing", f"{FIELDS[column]} (on {event_type.lower()} events)", events.loc[hit, "source_row"])
    events["person_id"] = _person_ids(events, person_id_rule, dq)
    events = events.drop(columns=[c for c in IDENTIFIERS if c in events])
    events = _drop(events, events["person_id"].isna(), None, dq)
    events = _drop(events, events["event_type"].isna() | events["event_start_date"].isna(),
                   "no event type or start date", dq)
    events = _drop(events, events["event_end_date"] < events["event_start_date"], "end date before start date", dq)
    events = _drop(events, (events["event_type"] != "Service") & events["event_end_date"].isna(),
                   "a request, assessment or review with no end date (only services may be open)", dq)
    events = _deduplicate(events, dq)
    events = _apply_deaths(events, dq)
    events["client_type"] = events["client_type"].fillna(SERVICE_USER)
    dq.rows_kept = len(events)
    return events[list(KEEP)].reset_index(drop=True), dq


def _drop(events: pd.DataFrame, mask: pd.Series, reason: str | None, dq: DataQuality) -> pd.DataFrame:
    if reason:
        dq._add("dropped", reason, events.loc[mask, "source_row"])
    return events.loc[~mask]


def _apply_deaths(events: pd.DataFrame, dq: DataQuality) -> pd.DataFrame:
    death = events.groupby("person_id")["date_of_death"].transform("max")
    events = events.assign(date_of_death=death)
    after_death = death.notna() & (events["event_start_date"] > death)
    events = _drop(events, after_death, "event starting after the date of death", dq)
    death = events["date_of_death"]
    end = events["event_end_date"]
    crop = death.notna() & (end.isna() | (end > death))
    dq._add("changed", "end date set to the date of death", events.loc[crop, "source_row"])
    events.loc[crop, "event_end_date"] = death[crop]
    return events
