"""fill's remembered catalogue look-ups answer as the catalogue does, and catalogues never mix."""

from __future__ import annotations

from s75xl.catalogue import Catalogue, default_catalogue
from s75xl.fill.lookup import find_measure


def test_answers_are_the_catalogue_s_own():
    catalogue = default_catalogue()
    for code in ["2A(1)", "ascof 2a part 1", "1C(1A)", "NFK-VS-01", "no such measure", "2A(1)"]:
        hit = find_measure(catalogue, code)
        try:
            expected = catalogue.find(code)
        except Exception:  # noqa: BLE001 - MeasureNotFoundError: fill's lookup says None
            expected = None
        assert hit is expected


def test_each_catalogue_keeps_its_own_answers():
    full = default_catalogue()
    empty = Catalogue([])
    assert find_measure(full, "2A(1)") is not None
    assert find_measure(empty, "2A(1)") is None
    assert find_measure(full, "2A(1)") is full.find("2A(1)")
