"""The commentary a performance officer writes for each report card, read from a simple table.

Columns (CSV or the first sheet of an XLSX; headers matched without regard to case or spaces):
``measure`` (code, alias or name), ``area`` (optional; blank for every area),
``why_off_target``, ``impact``, ``actions``, ``improvement``, ``learning``, ``lead_officer``,
``data_owner``. Every column but ``measure`` may be left out. Nothing is ever invented: a card
whose measure has no row shows Norfolk's six questions as blank prompts.
"""

from __future__ import annotations

import pandas as pd

from ..catalogue import Catalogue
from ..errors import MeasureNotFoundError
from ..tables import TableError

FIELDS = {
    "why_off_target": "Why is performance off target?",
    "impact": "What is the impact?",
    "actions": "Actions being taken",
    "improvement": "How can performance be improved?",
    "learning": "What can we learn for the future?",
    "lead_officer": "Lead officer",
    "data_owner": "Data owner",
}
ALIASES = {"why": "why_off_target", "reason": "why_off_target", "action": "actions", "lead": "lead_officer",
           "data": "data_owner", "owner": "data_owner", "lessons": "learning"}


def _text(column: pd.Series) -> pd.Series:
    """A column as trimmed text, blanks as empty strings (whatever dtype pandas read it as)."""
    return column.astype(object).where(column.notna(), "").astype(str).str.strip()


def normalise_commentary(table: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The commentary with canonical measure ids (unknown ones kept as written) and every field."""
    source = table.attrs.get("source", "the commentary table")
    frame = table.rename(columns=lambda c: str(c).strip().lower().replace(" ", "_"))
    frame = frame.rename(columns={k: v for k, v in ALIASES.items() if k in frame and v not in frame})
    if "measure" not in frame:
        raise TableError(f"{source}: the column 'measure' is missing.")
    if "area" not in frame:
        frame["area"] = ""
    frame["area"] = _text(frame["area"])
    ids = []
    for label in _text(frame["measure"]):
        try:
            ids.append(catalogue.find(label).id)
        except MeasureNotFoundError:
            ids.append(label)
    frame["measure"] = ids
    for name in FIELDS:
        frame[name] = _text(frame[name]) if name in frame else ""
    frame["row"] = range(2, len(frame) + 2)
    frame.attrs["source"] = source
    return frame[["area", "measure", *FIELDS, "row"]]


def commentary_for(commentary: pd.DataFrame | None, area: str, measure: str) -> dict | None:
    """The filled-in fields for one area's measure (an area's own row wins over a blank-area row)."""
    if commentary is None or commentary.empty:
        return None
    rows = commentary[(commentary["measure"] == measure) & commentary["area"].isin([area, ""])]
    if rows.empty:
        return None
    row = rows.sort_values("area", ascending=False).iloc[0]
    filled = {name: row[name] for name in FIELDS if row[name]}
    return filled or None


def unused_commentary(commentary: pd.DataFrame | None, measures_by_area: dict[str, set[str]]) -> list[str]:
    """A sentence for each commentary row whose measure (or area) is not in the results."""
    if commentary is None:
        return []
    source = commentary.attrs.get("source", "the commentary table")
    every = set().union(*measures_by_area.values()) if measures_by_area else set()
    out = []
    for row in commentary.itertuples():
        if row.area and row.area not in measures_by_area:
            out.append(f"{source}, row {row.row}: commentary for area {row.area!r} was not used: "
                       "that area is not in the results.")
        elif row.measure not in (measures_by_area.get(row.area, set()) if row.area else every):
            out.append(f"{source}, row {row.row}: commentary for measure {row.measure!r} was not used: "
                       "that measure is not in the results.")
    return out
