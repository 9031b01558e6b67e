"""Chart series references (``<c:f>`` in xl/charts/chartN.xml) and their cached points.

A series whose categories or values cover a table column (rule in resize.py) is resized with
the table, and its cache (``<c:numCache>`` or ``<c:strCache>``) is rewritten with the new values,
so a viewer that does not recalculate shows the same chart Excel draws.
"""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import escape, unescape

from .refs import split_sheet_ref, sheet_ref
from .resize import Resize, follow

REF = re.compile(r"(<c:(?:numRef|strRef)>\s*<c:f>)(.*?)(</c:f>)(\s*<c:(num|str)Cache>.*?</c:(?:num|str)Cache>)?", re.S)


def resize_series(chart_xml: str, resizes: list[Resize], values) -> tuple[str, int]:
    """The chart XML with following series resized, and how many were.

    `values(sheet, box)` gives the new cell values of a resized range (a list, one per row),
    or None if they are not known, in which case the old cache is kept.
    """
    count = 0

    def one(match: re.Match) -> str:
        nonlocal count
        found = split_sheet_ref(unescape(match.group(2), {"&apos;": "'"}))
        if found is None:
            return match.group(0)
        moved = follow(found[0], found[1], resizes)
        if moved is None or moved == found[1]:
            return match.group(0)
        count += 1
        ref = escape(sheet_ref(found[0], moved), {"'": "&apos;"} if "&apos;" in match.group(2) else {})
        cache = match.group(4) or ""
        points = values(found[0], moved) if cache else None
        if points is not None:
            cache = _cache(match.group(5), cache, points)
        return match.group(1) + ref + match.group(3) + cache

    return REF.sub(one, chart_xml), count


def _cache(kind: str, old: str, points: list) -> str:
    lead = old[: len(old) - len(old.lstrip())]
    fmt = re.search(r"<c:formatCode>.*?</c:formatCode>", old, re.S)
    body = [fmt.group(0)] if fmt and kind == "num" else []
    body.append(f'<c:ptCount val="{len(points)}"/>')
    for index, value in enumerate(points):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if kind == "num":
            if isinstance(value, str):
                continue
            text = repr(float(value))
            text = text[:-2] if text.endswith(".0") else text
        else:
            text = escape(str(value))
        body.append(f'<c:pt idx="{index}"><c:v>{text}</c:v></c:pt>')
    return f"{lead}<c:{kind}Cache>{''.join(body)}</c:{kind}Cache>"

