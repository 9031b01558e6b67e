"""The worked example behind ``s75xl demo``: Norfolk's provisional ASCOF 2016/17 table.

Each row's numerator and denominator go through `rate`, `round_publication` and
`confidence_interval` and are set beside the published result. Two kinds of row do not match,
and the table says why rather than hiding them:

- 2C(2): 299 delays give 3.5 per 100,000, the report prints 3.6 (a probable
  typo or a different numerator; docs/measures.md).
- The ASCS percentages (1B, 1I(1), 3A, 3D(1), 4A, 4B) are printed as whole percentages
  ("79.0%" for 10,269 / 12,951 = 79.3%): rounded to 0 places they all match.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from .catalogue import default_catalogue
from .intervals import confidence_interval
from .rates import rate
from .rounding import round_half_away

KNOWN_DISCREPANCIES = {"2C(2)": "2C(2): 299 / 12 / 720,945 x 100,000 = 3.5; the report prints 3.6 "
                                "(probable typo; see docs/measures.md)."}
WHOLE_PERCENT_ROWS = ("1B", "1I(1)", "3A", "3D(1)", "4A", "4B")


def read_shipped_csv(name: str) -> pd.DataFrame:
    """A CSV from s75xl/data, read with pandas."""
    with resources.files("s75xl.data").joinpath(name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def norfolk_ascof_table() -> pd.DataFrame:
    """Norfolk's table with s75xl's value, rounded value, interval and a match verdict per row."""
    table = read_shipped_csv("norfolk_ascof_2016_17.csv")
    catalogue = default_catalogue()
    shown, matches, intervals, values, published = [], [], [], [], []
    for row in table.itertuples():
        measure = catalogue.find(row.measure)
        value = rate(row.numerator, row.denominator, measure)
        decimals = 0 if row.measure in WHOLE_PERCENT_ROWS else measure.decimals
        rounded = round_half_away(value, decimals)
        ci = confidence_interval(row.numerator, row.denominator, measure)
        values.append(value)
        published.append(f"{row.published_result:.{decimals}f}")
        shown.append(f"{round_half_away(value, measure.decimals):.{measure.decimals}f}")
        if np.isclose(rounded, row.published_result):
            matches.append("yes" if decimals == measure.decimals else "yes, as a whole %")
        else:
            matches.append("no: known discrepancy" if row.measure in KNOWN_DISCREPANCIES else "NO")
        intervals.append("none (survey)" if np.isnan(ci.lower)
                         else f"{ci.lower:.{measure.decimals}f} to {ci.upper:.{measure.decimals}f}")
    out = table.assign(value=values, shown=shown, published_text=published, match=matches, interval=intervals)
    out.attrs["notes"] = [
        KNOWN_DISCREPANCIES["2C(2)"],
        "The report prints ASCS percentages as whole numbers ('79.0%' for 79.3%); "
        "rounded to whole percentages all six match.",
        "2C denominators (720,945 adults) are derived from the 2A rows, as the report does not print them.",
    ]
    return out


DEMO_TARGETS = [  # an example Annual Plan for the synthetic council, 2024-25
    ("2A", 80.0, 78.0, "linear"), ("2B", 14.0, 15.0, "flat"), ("2C", 600.0, 620.0, "flat"),
    ("2E(2)", 85.0, 84.0, "linear"), ("3D(1A)", 35.0, 30.0, "linear"), ("3D(2A)", 25.0, 22.0, "linear"),
    ("1E", 6.0, 5.0, "linear"), ("S75-REVIEW-ON-TIME", 60.0, 50.0, "quarterly"),
]


def synthetic_pipeline(out_dir, people: int = 3000, seed: int = 1):
    """The whole headless job on generated data: CLD -> results -> assessment.

    Writes the generated inputs, results.csv, targets.csv and assessed.csv into out_dir and
    returns (assessed table, summary lines).
    """
    from pathlib import Path

    from .assess import assess, summary_lines
    from .cld import compute
    from .cld.periods import months_of, parse_period
    from .synthetic import write

    out = Path(out_dir)
    paths = write(out, people, seed)
    # rolling twelve months to each month of 2024-25, as councils' dashboards report annual measures
    periods = [parse_period(f"rolling-12:{m.start:%Y-%m}") for m in months_of(parse_period("2024-25"))]
    results, quality, _ = compute([paths["cld"]], periods, population=paths["population"], mha=paths["mha"],
                                  cpa=paths["cpa"])
    results.to_csv(out / "results.csv", index=False)
    targets = pd.DataFrame(DEMO_TARGETS, columns=["measure", "annual_target", "baseline", "profile"]).assign(
        area="999", year="2024-25")
    targets.to_csv(out / "targets.csv", index=False)
    bands = results.groupby("measure")["breakdown"].transform("nunique")
    headline = results[results["breakdown"].isin(["Total", "All"]) | (bands == 1)]
    assessed = assess(headline.drop(columns=["period"]), targets)
    assessed.to_csv(out / "assessed.csv", index=False)
    lines = [f"Synthetic council: {quality.rows_read:,} CLD rows for {people:,} people, rolling 12 months to each month of 2024-25, "
             f"{len(results):,} results (in {out}).", *summary_lines(assessed)]
    return assessed, lines
