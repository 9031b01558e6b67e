"""The units a measure can be expressed in, and what each implies for rates and intervals.

A measure's unit decides three things: the default multiplier (100 for a percentage, 100,000
for a rate per 100,000 people), whether a numerator may exceed its denominator, and which
confidence-interval method applies (Wilson for proportions, exact Poisson / Byar's for rates
and counts, none for survey means). Keeping those facts in one table means adding a unit is
one line here, not a search through the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    name: str
    label: str
    default_multiplier: float
    interval: str  # "wilson", "poisson", "none"
    proportion: bool = False  # numerator may not exceed denominator
    needs_denominator: bool = True
    per_month: bool = False  # numerator is a sum over months; the rate uses the monthly mean
    has_rate: bool = True


UNITS: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("percent", "%", 100, "wilson", proportion=True),
        Unit("per_100k", "per 100,000", 100_000, "poisson"),
        # ASCOF 2C: the average number of delayed transfers a month, per 100,000 adults
        # (shared/reference/ascof.md section 4; method inferred and checked [D/U]).
        Unit("dtoc_per_100k", "per 100,000 (monthly average)", 100_000, "poisson", per_month=True),
        Unit("mean_score", "mean score", 1, "none"),
        Unit("index", "index", 1, "none"),
        Unit("count", "count", 1, "poisson", needs_denominator=False),
        Unit("yes_no", "yes/no", 1, "none", needs_denominator=False, has_rate=False),
    )
}

POLARITIES = ("higher", "lower", "none")
FREQUENCIES = ("monthly", "quarterly", "annual", "biennial")
