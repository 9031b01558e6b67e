"""The pack's settings in one frozen dataclass, checked when it is made (as `ratings.Thresholds`).

Every setting has a default from published practice, so ``PackOptions()`` builds the pack a
Section 75 board expects; `PackOptions.from_mapping` turns a dict (from a settings file or the
ribbon) into options with a sentence naming any unknown key and the nearest real one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from ..errors import OptionsError
from ..ratings import Thresholds
from ..spc_options import SPCOptions
from ..suppression import POLICIES

SECTIONS = ("summary", "measures", "exceptions", "cards", "benchmarks", "notes")


@dataclass(frozen=True)
class PackOptions:
    """What goes in the pack and how it is drawn."""

    sections: tuple[str, ...] = SECTIONS  # sheets to include, in this order
    period: str | None = None  # "2017-03"; None: the latest period in the results
    areas: tuple[str, ...] | None = None  # None: every area in the results
    suppression: tuple[str, ...] = ()  # small-number policies (s75xl.suppress) applied first
    suppression_threshold: float | None = None  # suppress-below's limit (None: the policy's default, 5)
    chart_months: int = 13  # points on each run chart: Norfolk's rolling thirteen months
    spc_min_points: int = 13  # SPC mean and limits drawn from this many points (MDC: 13)
    forecast_window: int = 12  # latest points the trend is fitted to
    forecast_min_points: int = 6  # fewer points give no forecast
    forecast_level: float = 0.8  # the forecast band's coverage
    cards_for: str = "exceptions"  # "exceptions" or "all": which measures get a report card
    council: str | None = None  # national benchmark files: the council's code, ONS code or name
    region: str | None = None  # ... its region's code or name
    comparators: tuple[str, ...] = ()  # ... the comparator group's members
    comparator_name: str = "family group"
    pdf: bool = True  # also export the pack to PDF where LibreOffice is installed
    thresholds: Thresholds = field(default_factory=Thresholds)
    spc: SPCOptions = field(default_factory=SPCOptions)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", _tuple(self.sections, "sections"))
        object.__setattr__(self, "suppression", _tuple(self.suppression, "suppression"))
        object.__setattr__(self, "comparators", _tuple(self.comparators, "comparators"))
        if self.areas is not None:
            object.__setattr__(self, "areas", _tuple(self.areas, "areas"))
        for name in self.sections:
            if name not in SECTIONS:
                raise OptionsError(f"Unknown pack section {name!r}{_near(name, SECTIONS)}")
        if not self.sections:
            raise OptionsError("The pack needs at least one section.")
        for name in self.suppression:
            if name not in POLICIES:
                raise OptionsError(f"Unknown suppression policy {name!r}{_near(name, POLICIES)}")
        limit = self.suppression_threshold
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float))
                                  or not math.isfinite(limit) or limit <= 0):
            raise OptionsError("Pack option suppression_threshold must be a positive number.")
        for name, low in (("chart_months", 2), ("spc_min_points", 2), ("forecast_window", 3),
                          ("forecast_min_points", 3)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise OptionsError(f"Pack option {name} must be a whole number of at least {low}.")
        if self.forecast_min_points > self.forecast_window:
            raise OptionsError("Pack option forecast_min_points cannot exceed forecast_window.")
        if not (isinstance(self.forecast_level, (int, float)) and 0.5 <= self.forecast_level < 1):
            raise OptionsError("Pack option forecast_level must be a coverage from 0.5 to 0.99 (e.g. 0.8).")
        if self.cards_for not in ("exceptions", "all"):
            raise OptionsError("Pack option cards_for must be 'exceptions' or 'all'.")
        if not isinstance(self.thresholds, Thresholds):
            raise OptionsError("Pack option thresholds must be a s75xl.Thresholds.")
        if isinstance(self.spc, Mapping):
            object.__setattr__(self, "spc", SPCOptions.from_mapping(self.spc))
        if not isinstance(self.spc, SPCOptions):
            raise OptionsError("Pack option spc must be SPCOptions or a dict of SPC options.")

    @classmethod
    def from_mapping(cls, values: Mapping) -> PackOptions:
        """Options from a dict; an unknown key is one sentence naming the nearest real key."""
        known = [f.name for f in fields(cls)]
        for key in values:
            if key not in known:
                raise OptionsError(f"Unknown pack option {key!r}{_near(str(key), known)}")
        return cls(**dict(values))

    def with_(self, **changes) -> PackOptions:
        """A copy with some settings changed (checked again)."""
        return replace(self, **changes)


def _tuple(value, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    try:
        return tuple(str(v) for v in value)
    except TypeError:
        raise OptionsError(f"Pack option {name} must be a list of names.") from None


def _near(name: str, choices) -> str:
    near = difflib.get_close_matches(name, list(choices), n=1)
    return f". Did you mean {near[0]!r}?" if near else f"; choose from {', '.join(choices)}."
