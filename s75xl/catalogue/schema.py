"""A measure as data: the fields every catalogue entry has, and their validation.

Each entry of a catalogue file becomes one frozen `Measure`. Validation errors name the file, the
entry (its id, or its position when the id itself is bad) and the field, in one sentence.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from typing import Any

from ..errors import CatalogueError
from ..units import FREQUENCIES, POLARITIES, UNITS
from .codes import financial_year_start

EVIDENCE = ("S", "D", "U")
ANNUAL_METHODS = ("mean_of_monthly",)
YEAR_SUMMARIES = ("sum", "mean", "latest")


@dataclass(frozen=True)
class Measure:
    """One measure: what it means, how it is expressed, and which years it is valid for."""

    id: str
    name: str
    framework: str
    group: str
    unit: str
    multiplier: float
    polarity: str
    decimals: int
    frequency: str
    source: str
    numerator: str
    denominator: str
    survey: bool = False
    valid_from: str = ""
    valid_to: str = ""
    renamed_to: str = ""
    replaces: str = ""
    aliases: tuple[str, ...] = ()
    age_band: str = ""
    annual_method: str = ""
    ascof_ref: str = ""
    year_summary: str = ""
    comments: str = ""
    notes: str = ""
    evidence: str = "U"
    kind: str = "local"
    computed_from: str = ""  # a measure s75xl computes that gives this one (e.g. S75-RES-OPEN-END)
    computed_breakdown: str = ""  # ... for this breakdown of it (e.g. "Mental Health Support")
    computed_column: str = ""  # ... from this column of it: "value" (the default) or "numerator"
    origin: str = ""  # the file the entry came from
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def unit_info(self):
        return UNITS[self.unit]

    def is_valid_in(self, year: str | int) -> bool:
        """True if the measure is defined for the financial year (open ends count as valid)."""
        start = financial_year_start(year)
        if self.valid_from and start < financial_year_start(self.valid_from):
            return False
        if self.valid_to and start > financial_year_start(self.valid_to):
            return False
        return True

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["aliases"] = list(self.aliases)
        return out


REQUIRED = ("id", "name", "framework", "group", "unit", "polarity", "decimals", "frequency",
            "source", "numerator", "denominator")
_KNOWN = {f.name for f in fields(Measure)} - {"origin", "kind"}
_TEXT_FIELDS = ("id", "name", "framework", "group", "source", "numerator", "denominator",
                "valid_from", "valid_to", "renamed_to", "replaces", "age_band", "ascof_ref",
                "comments", "notes", "computed_from", "computed_breakdown", "computed_column")


def build_measure(entry: dict[str, Any], *, origin: str, position: int, kind: str) -> Measure:
    """Check one merged catalogue entry and turn it into a Measure.

    `position` is the entry's 1-based place in its file, used to name it when the id is missing.
    """
    ident = entry.get("id")
    where = f"catalogue file {origin}, entry {ident!r}" if ident else f"catalogue file {origin}, entry #{position}"

    def fail(message: str) -> CatalogueError:
        return CatalogueError(f"{where}: {message}.")

    for name in entry:
        if name not in _KNOWN:
            close = difflib.get_close_matches(name, sorted(_KNOWN), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise fail(f"unknown field {name!r}{hint}")
    for name in REQUIRED:
        if name not in entry or entry[name] is None:
            raise fail(f"field {name!r} is missing")
    for name in _TEXT_FIELDS:
        if name in entry and not isinstance(entry[name], str):
            raise fail(f"field {name!r} must be text")
    if not entry["id"].strip():
        raise fail("field 'id' is empty")

    unit = entry["unit"]
    if unit not in UNITS:
        raise fail(f"field 'unit' must be one of {', '.join(UNITS)}, not {unit!r}")
    if entry["polarity"] not in POLARITIES:
        raise fail(f"field 'polarity' must be one of {', '.join(POLARITIES)}, not {entry['polarity']!r}")
    if entry["frequency"] not in FREQUENCIES:
        raise fail(f"field 'frequency' must be one of {', '.join(FREQUENCIES)}, not {entry['frequency']!r}")
    decimals = entry["decimals"]
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise fail("field 'decimals' must be a whole number from 0 to 6")
    multiplier = entry.get("multiplier", UNITS[unit].default_multiplier)
    if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float)) or multiplier <= 0:
        raise fail("field 'multiplier' must be a positive number")
    if UNITS[unit].needs_denominator and not entry["denominator"].strip():
        raise fail(f"field 'denominator' is empty, but unit {unit!r} needs a denominator")
    for name in ("valid_from", "valid_to"):
        value = entry.get(name, "")
        if value:
            try:
                financial_year_start(value)
            except ValueError as exc:
                raise fail(f"field {name!r}: {exc}") from None
    for name, allowed in (("evidence", EVIDENCE), ("annual_method", ANNUAL_METHODS),
                          ("year_summary", YEAR_SUMMARIES)):
        value = entry.get(name, "")
        if value and value not in allowed:
            raise fail(f"field {name!r} must be one of {', '.join(allowed)}, not {value!r}")
    if entry.get("computed_column", "") not in ("", "value", "numerator"):
        raise fail("field 'computed_column' must be 'value' or 'numerator'")
    if entry.get("computed_column") and not entry.get("computed_from"):
        raise fail("field 'computed_column' needs 'computed_from'")
    survey = entry.get("survey", False)
    if not isinstance(survey, bool):
        raise fail("field 'survey' must be true or false")
    aliases = entry.get("aliases", [])
    if isinstance(aliases, str):
        aliases = [a.strip() for a in aliases.split(";") if a.strip()]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise fail("field 'aliases' must be a list of text")
    extra = entry.get("extra", {})
    if not isinstance(extra, dict):
        raise fail("field 'extra' must be a table")

    values = {k: v for k, v in entry.items() if k in _KNOWN}
    values.update(id=entry["id"].strip(), multiplier=float(multiplier), aliases=tuple(aliases),
                  extra=dict(extra), kind=kind, origin=origin, survey=survey)
    return Measure(**values)
