"""Local measures that s75xl computes under another id, put under the template's own id.

Havering's care-package rows (HAV-08 to HAV-15, HAV-17) are the Section 75 activity counts that
``s75xl compute --psr "Mental Health Support"`` writes as ``S75-*`` rows with that breakdown.
Their catalogue entries say so (``computed_from``, ``computed_breakdown``, ``computed_column``),
and this module copies those rows under the local id, so the documented route fills the
template with no hand editing. Rows the data already holds under the local id win.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalogue import Catalogue, code_key
from .lookup import find_measure


def with_linked_measures(results: pd.DataFrame, catalogue: Catalogue, wanted: set[str] | None = None) -> pd.DataFrame:
    """The results plus rows for every catalogue measure computed from a measure in them.

    `wanted` limits it to the measures a template shows (all linked measures when None).
    """
    if "measure" not in results or results.empty:
        return results
    ids = {}
    for label in results["measure"].dropna().unique():
        hit = find_measure(catalogue, str(label))
        ids[label] = hit.id if hit is not None else str(label)
    present = set(ids.values())
    linked = [m for m in catalogue if m.computed_from and m.id not in present and (wanted is None or m.id in wanted)
              and m.computed_from in present]
    if not linked:  # the usual case: no pandas work at all
        return results
    canonical = results["measure"].map(ids)
    breakdowns = (results["breakdown"].fillna("").astype(str).map(code_key) if "breakdown" in results
                  else pd.Series("", index=results.index))
    added = []
    for measure in linked:
        rows = results[(canonical == measure.computed_from) & (breakdowns == code_key(measure.computed_breakdown))]
        if rows.empty:
            continue
        copy = rows.assign(measure=measure.id, breakdown="")
        if measure.computed_column == "numerator":
            copy = copy.assign(value=copy["numerator"].astype(float), denominator=np.nan,
                               ci_lower=np.nan, ci_upper=np.nan)
        added.append(copy)
    if not added:
        return results
    out = pd.concat([results, *added], ignore_index=True)
    out.attrs = dict(results.attrs)
    return out
