"""Forgiving matching of measure codes and financial years.

People write ASCOF codes many ways: "1C(1A)", "1c(1a)", "1C1A", "ASCOF 1C (1A)", "1C Part 1A".
All of them reduce to one key ("1C1A") by dropping case, the word ASCOF, "part", punctuation and
spaces, and leading zeros of numbers (so a local "HAV-1" finds "HAV-01").
"""

from __future__ import annotations

import re

_ASCOF_KEY = re.compile(r"^[1-6][A-J](\d[A-B]?)?$")


def code_key(code: str) -> str:
    """Reduce a measure code, alias or name to the key used for matching."""
    text = str(code).upper().strip()
    text = re.sub(r"^ASCOF\b", "", text).strip()
    text = re.sub(r"\bPART\b", "", text)
    text = re.sub(r"[^0-9A-Z]", "", text)
    return re.sub(r"(?<!\d)0+(?=\d)", "", text)


def looks_like_ascof_code(code: str) -> bool:
    """True for anything shaped like an ASCOF code ("2A(1)", "3D1A", "1J"), so local ids avoid them."""
    return bool(_ASCOF_KEY.match(code_key(code)))


_YEAR = re.compile(r"^\s*(\d{4})\s*(?:[-/]\s*(\d{2}|\d{4}))?\s*$")


def financial_year_start(year: str | int) -> int:
    """The calendar year a financial year starts in: "2016-17", "2016/17", "2016-2017", 2016 → 2016.

    Raises ValueError for anything else, or for a second year that does not follow the first.
    """
    match = _YEAR.match(str(year))
    if not match:
        raise ValueError(f"{str(year)[:60]!r} is not a financial year such as 2016-17")
    start = int(match.group(1))
    if match.group(2):
        end = int(match.group(2))
        if end % 100 != (start + 1) % 100:
            raise ValueError(f"{year!r} is not a financial year: the second year must follow the first")
    return start


def financial_year_label(start: int) -> str:
    """2016 → "2016-17"."""
    return f"{start}-{(start + 1) % 100:02d}"
