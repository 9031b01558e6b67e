"""Reading a council's CLD extract(s) into one clean events table, with a data-quality log.

Steps, each from shared/reference/cld.md:

1. Headers are matched forgivingly ("Event Start Date", "event_start_date", "EVENT START DATE").
   A file missing the core columns is refused with one sentence naming them.
2. Dates may be ISO (2024-04-01), UK (01/04/2024) or Excel serial numbers (45383) [cld.md 1.3: the
   submission date format is unconfirmed, so all three are accepted].
3. Coded values are matched forgivingly and Release 1 wording is mapped to Release 2 (vocab.py).
4. Person ID (section 2.2). DHSC (default): NHS number, else LA code + "_" + LA person ID; rows
   with neither are dropped. NHSE ("nhse"): the LA ID is used only where that ID never appears
   with an NHS number; otherwise the row is dropped. IDs are then replaced by plain numbers, so
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
        "service_component", "delivery_mechanism", "review_reason", "reporting_period_end_date", "file_order", "row_order")
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
    files: list[str] = field(default_factory=list)

    def _add(self, kind: str, name: str, rows: pd.DataFrame) -> None:
        """Count the rows under a finding and keep the first few as "file.csv row N" examples."""
        if rows.empty:
            return
        bucket = getattr(self, kind)
        bucket.setdefault(name, [])
        room = max(EXAMPLES - len(bucket[name]), 0)
        bucket[name].extend(f"{self.files[int(f)]} row {int(r) + 2}"
                            for f, r in zip(rows["file_order"].iloc[:room], rows["row_order"].iloc[:room]))
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


def _delimiter(path: Path, encoding: str) -> str:
    """The delimiter, sniffed from the start of the file (comma, semicolon, tab or pipe)."""
    with path.open(encoding=encoding, errors="replace") as handle:
        sample = handle.read(65536)
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _read_csv(path: Path) -> pd.DataFrame:
    """Every column as Arrow-backed text: fast, and no Python object per cell."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return pd.read_csv(path, engine="pyarrow", dtype="string[pyarrow]", encoding=encoding,
                               sep=_delimiter(path, encoding))
        except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
            if "UTF8" in str(exc) or "utf-8" in str(exc).lower() or isinstance(exc, UnicodeDecodeError):
                continue
            raise
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
    """Dates from ISO text, dd/mm/yyyy text or Excel serial numbers; and a mask of bad values.

    Each distinct text is parsed once, so a million rows with a few thousand dates is quick."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = pd.to_datetime(column).astype("datetime64[ns]")
        return parsed, pd.Series(False, index=column.index)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="string").str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}", na=False)
    out[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    uk = text.str.match(r"^\d{1,2}/\d{1,2}/\d{4}", na=False)
    out[uk] = pd.to_datetime(text[uk].str.slice(0, 10), format="%d/%m/%Y", errors="coerce")
    serial = text.str.fullmatch(r"\d{4,5}(\.\d+)?", na=False)
    out[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(text[serial].astype(float).round(), unit="D")
    bad_unique = (text.notna() & (text != "") & out.isna()).to_numpy()
    values = out.to_numpy()
    parsed = pd.Series(np.where(codes >= 0, values[np.maximum(codes, 0)] if len(values) else np.datetime64("NaT"),
                                np.datetime64("NaT")), index=column.index, dtype="datetime64[ns]")
    bad = pd.Series((codes >= 0) & (bad_unique[np.maximum(codes, 0)] if len(values) else False), index=column.index)
    return parsed, bad


def _person_numbers(values: pd.Series) -> pd.Series:
    """Each linking key (NHS number or LA ID) replaced by a number; NaN where there is none.
    The keys themselves go no further than this module."""
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return pd.Series(np.where(codes >= 0, codes, np.nan), index=values.index)


def _person_ids(frame: pd.DataFrame, rule: str, dq: DataQuality) -> pd.Series:
    text = "string[pyarrow]"
    nhs = frame["nhs_number"].astype(text).str.replace(" ", "", regex=False)
    nhs = nhs.where(nhs.str.fullmatch(r"\d{10}").fillna(False))
    la_code = frame["la_code"].astype(text).fillna("")
    local = frame["la_person_unique_identifier"].astype(text).str.strip()
    local = local.where(local != "")
    if rule == "nhse":
        local_id = ("LA" + la_code + "_" + local).where(local.notna())
        seen_with_nhs = set(local_id[nhs.notna() & local_id.notna()])
        usable_local = local_id.where(~local_id.isin(seen_with_nhs))
        person = nhs.fillna(usable_local)
        dq._add("dropped", "LA ID also used with an NHS number (NHSE rule)",
                frame.loc[nhs.isna() & local_id.notna() & usable_local.isna(), ["file_order", "row_order"]])
    else:  # DHSC: the local ID only where there is no NHS number (built only for those rows)
        person = nhs.copy()
        missing = person.isna() & local.notna()
        if missing.any():
            person[missing] = "LA" + la_code[missing] + "_" + local[missing]
    dq._add("dropped", "no NHS number or LA person ID", frame.loc[person.isna(), ["file_order", "row_order"]])
    return _person_numbers(person)


def _dedup_key(events: pd.DataFrame) -> list[pd.Series]:
    kind = events["event_type"]
    end_for_key = events["event_end_date"].where(kind != "Service")
    route = events["request_route_of_access"].where(kind == "Request")
    assessment = events["assessment_type"].where(kind == "Assessment")
    service = kind == "Service"
    return [events["la_code"], events["person_id"], events["event_start_date"], events["client_type"], kind,
            end_for_key, route, assessment, events["service_type"].where(service), events["service_component"].where(service)]


def _deduplicate(events: pd.DataFrame, dq: DataQuality) -> pd.DataFrame:
    codes = [pd.factorize(part, use_na_sentinel=False)[0].astype(np.int64) for part in _dedup_key(events)]
    widths = [max(int(part.max()), 0).bit_length() for part in codes]
    if sum(widths) <= 62:  # the usual case: every part's code fits side by side in one integer
        key = np.zeros(len(events), dtype=np.int64)
        for part, width in zip(codes, widths):
            key = (key << width) | part
    else:
        key = codes[0]
        for part in codes[1:]:  # combine factor codes into one key, refactorising to keep it small
            key = pd.factorize(key * (int(part.max()) + 1) + part)[0].astype(np.int64)
    repeated = pd.Series(key, index=events.index).duplicated(keep=False)
    if not repeated.any():  # no event appears twice (the usual single file): nothing to choose
        return events
    clashes = events[repeated].assign(_key=key[repeated.to_numpy()])
    order = clashes.assign(
        _period=clashes["reporting_period_end_date"].fillna(pd.Timestamp.min),
        _open=clashes["event_end_date"].isna(),
        _end=clashes["event_end_date"].fillna(pd.Timestamp.max),
    ).sort_values(["_key", "_period", "file_order", "_open", "_end", "row_order"],
                  ascending=[True, True, True, False, True, True], kind="stable")
    losers = clashes.index.difference(order.drop_duplicates("_key", keep="last").index)
    dq._add("dropped", "earlier version of the same event (latest file wins)", events.loc[losers, ["file_order", "row_order"]])
    return events.drop(index=losers)


def read_cld(paths: Iterable[str | Path], *, person_id_rule: str = "dhsc") -> tuple[pd.DataFrame, DataQuality]:
    """The events table (Release 2 wording, numbered person IDs) and the data-quality log."""
    if person_id_rule not in ("dhsc", "nhse"):
        raise S75Error("The person-identifier rule must be 'dhsc' or 'nhse'.")
    dq = DataQuality()
    frames = []
    for order, raw_path in enumerate(paths):
        path = Path(raw_path)
        frame = _rename(_read_raw(path), path)
        frame = frame.assign(file_order=order, row_order=np.arange(len(frame)))
        frames.append(frame)
        dq.files.append(path.name)
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
        dq._add("invalid", FIELDS[column], events.loc[bad, ["file_order", "row_order"]])
    for column in CODED_FIELDS:
        events[column], bad = normalise_codes(events[column], column)
        dq._add("invalid", FIELDS[column], events.loc[bad, ["file_order", "row_order"]])
    for column in REQUIRED:
        dq._add("missing", FIELDS[column], events.loc[events[column].isna(), ["file_order", "row_order"]])
    for event_type, columns in MANDATORY_BY_EVENT.items():
        for column in columns:
            hit = (events["event_type"] == event_type) & events[column].isna()
            dq._add("missing", f"{FIELDS[column]} (on {event_type.lower()} events)", events.loc[hit, ["file_order", "row_order"]])
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
    for column in ("la_code", "request_route_of_access", "assessment_type"):
        events[column] = events[column].astype("category")
    dq.rows_kept = len(events)
    return events[list(KEEP)].reset_index(drop=True), dq


def _drop(events: pd.DataFrame, mask: pd.Series, reason: str | None, dq: DataQuality) -> pd.DataFrame:
    if reason:
        dq._add("dropped", reason, events.loc[mask, ["file_order", "row_order"]])
    return events.loc[~mask]


def _apply_deaths(events: pd.DataFrame, dq: DataQuality) -> pd.DataFrame:
    death = events.groupby("person_id")["date_of_death"].transform("max")
    events = events.assign(date_of_death=death)
    after_death = death.notna() & (events["event_start_date"] > death)
    events = _drop(events, after_death, "event starting after the date of death", dq)
    death = events["date_of_death"]
    end = events["event_end_date"]
    crop = death.notna() & (end.isna() | (end > death))
    dq._add("changed", "end date set to the date of death", events.loc[crop, ["file_order", "row_order"]])
    events.loc[crop, "event_end_date"] = death[crop]
    return events
