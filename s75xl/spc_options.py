"""The SPC settings, checked once when they are made (as `ratings.Thresholds` is).

`s75xl.spc.spc` takes its options as keyword arguments; passing them around as a loose dict
meant a misspelt key such as ``screen_outlier`` ended in a bare ``TypeError`` deep inside.
`SPCOptions` names every setting, checks each value, and `SPCOptions.coerce` turns a dict into
one with a sentence naming the unknown key and the nearest real one.

>>> SPCOptions.coerce({"screen_outliers": False})["screen_outliers"]
False
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

from .errors import OptionsError


@dataclass(frozen=True)
class SPCOptions:
    """Making Data Count settings; the defaults are NHSRplotthedots' (see `s75xl/spc.py`)."""

    screen_outliers: bool = True  # False: MDC Excel's unscreened moving ranges
    two_in_three: str = "ptd"  # or "mdc_2023"
    run_length: int = 7  # 6 or 7 points on one side of the mean
    trend_length: int = 7  # 6 or 7 points rising or falling
    min_points: int = 0  # show icons only from this many points (MDC Excel: 13)
    fix_after_n_points: int | None = None  # limits from the first n points (at least 12)
    rebase: tuple | None = None  # dates that start new limits (a process change)

    def __post_init__(self) -> None:
        if self.rebase is not None:
            import numbers

            import pandas as pd

            values = list(self.rebase) if isinstance(self.rebase, (list, tuple)) else [self.rebase]
            if any(isinstance(v, numbers.Number) for v in values):  # pandas reads 1 as 1970-01-01
                raise OptionsError("SPC option rebase must be a list of dates, not numbers.")
            try:
                dates = tuple(pd.Timestamp(v) for v in values)
            except (TypeError, ValueError):
                raise OptionsError("SPC option rebase must be a list of dates.") from None
            if any(pd.isna(d) for d in dates):
                raise OptionsError("SPC option rebase must be a list of dates.")
            object.__setattr__(self, "rebase", dates)
        if not isinstance(self.screen_outliers, bool):
            raise OptionsError("SPC option screen_outliers must be true or false.")
        if self.two_in_three not in ("ptd", "mdc_2023"):
            raise OptionsError("SPC option two_in_three must be 'ptd' (NHSRplotthedots) or 'mdc_2023'.")
        for name in ("run_length", "trend_length"):
            if getattr(self, name) not in (6, 7):
                raise OptionsError(f"SPC option {name} must be 6 or 7 points.")
        if not isinstance(self.min_points, int) or self.min_points < 0:
            raise OptionsError("SPC option min_points must be a whole number, 0 or more.")
        fix = self.fix_after_n_points
        if fix is not None and (not isinstance(fix, int) or isinstance(fix, bool) or fix < 12):
            raise OptionsError("SPC option fix_after_n_points must be a whole number of at least 12.")

    @classmethod
    def from_mapping(cls, values: Mapping) -> SPCOptions:
        """Options from a dict; an unknown key is one sentence naming the nearest real key."""
        known = [f.name for f in fields(cls)]
        for key in values:
            if key not in known:
                near = difflib.get_close_matches(str(key), known, n=1)
                hint = f" Did you mean {near[0]!r}?" if near else f" The options are {', '.join(known)}."
                raise OptionsError(f"Unknown SPC option {key!r}.{hint}")
        return cls(**dict(values))

    @classmethod
    def coerce(cls, value: SPCOptions | Mapping | None) -> dict:
        """The keyword arguments for `s75xl.spc.spc` from options, a dict or None (the defaults)."""
        if value is None:
            return asdict(cls())
        if isinstance(value, cls):
            return asdict(value)
        if isinstance(value, Mapping):
            return asdict(cls.from_mapping(value))
        raise OptionsError(f"SPC options must be SPCOptions or a dict, not {type(value).__name__}.")
