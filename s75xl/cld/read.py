"""Reading a council's CLD extract(s): files to raw columns, then one clean events table.

1. Each file (CSV, XLSX or Parquet) is read for the columns s75xl uses only (csv_file.py for
   CSV); headers are matched forgivingly ("Event Start Date", "event_start_date", "EVENT START
   DATE"). A file missing the core columns is refused with one sentence naming them.
2. The rows of every file are then cleaned together (clean.py): dates, coded values, person
   identifiers, dropped rows, the latest version of each event, dates of death, each by
   shared/reference/cld.md.

Every dropped or corrected row is counted by reason in the DataQuality log (quality.py), with
example row numbers ("file.csv row 12"), never with a person's details. Names, postcodes and GP
details are never kept; NHS numbers and local IDs go no further than columns.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import S75Error
from ..safety.zipguard import check_file
from .clean import clean
from .csv_file import read_csv
from .fields import FIELDS, IDENTIFIERS, LOCAL_CODES, REQUIRED, USED
from .memory import with_tuned_memory
from .quality import DataQuality
from .vocab import CODED_FIELDS

__all__ = ["DataQuality", "FIELDS", "read_cld"]

def header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).casefold())


HEADER_LOOKUP = {header_key(n): n for n in FIELDS} | {header_key(s): n for n, s in FIELDS.items()}


def _fields_of(headers: Iterable[str], path: Path) -> dict[str, str]:
    """The file's column for each field s75xl uses; one clear error naming what is missing when
    the file is not a CLD extract, or naming both columns when a field has two (one of them a
    decoy or a stale copy: s75xl will not guess which is meant)."""
    found: dict[str, str] = {}
    where: dict[str, int] = {}
    for number, header in enumerate(headers, start=1):
        name = HEADER_LOOKUP.get(header_key(header))
        if name in USED and name in found:
            raise S75Error(f"The CLD file {path} has two columns for {FIELDS[name]!r} (columns {where[name]} and "
                           f"{number}); remove one so that s75xl cannot read the wrong one.")
        if name in USED:
            found[name], where[name] = header, number
    missing = [FIELDS[c] for c in REQUIRED if c not in found]
    if not any(c in found for c in IDENTIFIERS):
        missing.append("NHS Number or LA Person Unique Identifier")
    if missing:
        raise S75Error(f"The file {path} is not a CLD extract: it has no column {', '.join(repr(m) for m in missing)}.")
    return found


def _read_table(path: Path) -> pd.DataFrame:
    """An XLSX or Parquet file, with its columns renamed to s75xl's fields."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_file(path, "CLD file")  # size, ratio and cell limits: s75xl/safety/zipguard.py
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    else:
        frame = pd.read_parquet(path)
    wanted = _fields_of(frame.columns, path)
    return frame[list(wanted.values())].set_axis(list(wanted), axis=1)


def _read_raw(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise S75Error(f"The CLD file {path} does not exist.")
    try:
        tabular = path.suffix.lower() in (".xlsx", ".xlsm", ".parquet")
        frame = _read_table(path) if tabular else read_csv(path, lambda header: _fields_of(header, path),
                                                           (*CODED_FIELDS, *LOCAL_CODES), {"nhs_number": 10})
    except S75Error:
        raise
    except Exception as exc:  # pandas, Arrow and openpyxl raise many kinds for a file that is not a table
        raise S75Error(f"The CLD file {path} cannot be read as a table ({type(exc).__name__}).") from None
    if frame.empty:
        raise S75Error(f"The CLD file {path} has no rows.")
    for column in USED:
        if column not in frame:
            frame[column] = pd.Categorical.from_codes(np.full(len(frame), -1, np.int8), categories=[])  # all blank
    return frame[list(USED)]


@with_tuned_memory
def read_cld(paths: Iterable[str | Path], *, person_id_rule: str = "dhsc") -> tuple[pd.DataFrame, DataQuality]:
    """The events table (Release 2 wording, numbered person IDs) and the data-quality log."""
    if person_id_rule not in ("dhsc", "nhse"):
        raise S75Error("The person-identifier rule must be 'dhsc' or 'nhse'.")
    quality = DataQuality()
    frames = []
    for raw_path in paths:
        path = Path(raw_path)
        frames.append(_read_raw(path))
        quality.add_file(path.name, len(frames[-1]))
    if not frames:
        raise S75Error("No CLD file was given.")
    raw = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    events = clean(raw.reset_index(drop=True), quality, person_id_rule)
    return events, quality
