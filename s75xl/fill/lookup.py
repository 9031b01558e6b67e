"""Catalogue look-ups for fill, remembered between fills.

Every fill looks up the template's labels and the results' measures in the catalogue, and each
look-up normalises the code with four regular expressions; a session filling template after
template (or a benchmark) asks the same questions each time. A catalogue never changes once
built, so its answers are kept, per catalogue object, up to a bound.
"""

from __future__ import annotations

from ..catalogue import Catalogue, Measure
from ..errors import MeasureNotFoundError

_KNOWN: dict[tuple[int, str], tuple[Catalogue, Measure | None]] = {}
LIMIT = 50_000


def find_measure(catalogue: Catalogue, code: str) -> Measure | None:
    """`catalogue.find(code)`, or None where it finds nothing."""
    key = (id(catalogue), code)
    known = _KNOWN.get(key)
    if known is not None and known[0] is catalogue:  # the entry holds the catalogue, so its id is not reused
        return known[1]
    try:
        measure = catalogue.find(code)
    except MeasureNotFoundError:
        measure = None
    if len(_KNOWN) >= LIMIT:
        _KNOWN.clear()
    _KNOWN[key] = (catalogue, measure)
    return measure
