"""Cached formula results (``<v>`` inside a formula cell) that a change has made stale.

When a table's rows are replaced, every formula over it (``=SUM(Budget[Variance])``, a totals
row, a calculated column) still carries its old result. Excel recalculates on opening
(``fullCalcOnLoad``), but LibreOffice shows an Excel file's cached results as they are and
computes only formulas that have none. So on every sheet where some formula names a changed
table or defined name, the cached results of all formulas are dropped; sheets with no such
formula are not touched.
"""

from __future__ import annotations

import re

# a formula cell with a cached result: <c ...><f ...>text</f><v>result</v> (formula text has no "<")
CACHED = re.compile(r"(<c\b[^>]*>)(<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)<v>[^<]*</v>|(<c\b[^>]*>)(<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)<v/>")
FORMULA_TEXT = re.compile(r"<f\b[^>]*>(.*?)</f>", re.S)


def mentions(xml: str, names: set[str]) -> bool:
    """True if some formula in the sheet names one of `names` (a table or a defined name)."""
    if not names:
        return False
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")(?![\w.])", re.I)
    return any(pattern.search(text) for text in FORMULA_TEXT.findall(xml))


def drop_cached_results(xml: str) -> str:
    """The sheet with no cached result in any formula cell (so it is computed on opening)."""
    def one(match: re.Match) -> str:
        head, formula = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        return re.sub(r'\s+t="(?:str|n|b|e)"', "", head) + formula

    return CACHED.sub(one, xml)
