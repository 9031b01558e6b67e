"""Readable words for the machine codes in s75xl's tables, shown beside them in workbooks.

The SPC words follow NHS England's Making Data Count guidance (see docs/spc-and-intervals.md).
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "spc_variation": {
        "common_cause": "Common cause variation",
        "improvement_high": "Special cause variation: improvement (high)",
        "improvement_low": "Special cause variation: improvement (low)",
        "concern_high": "Special cause variation: concern (high)",
        "concern_low": "Special cause variation: concern (low)",
        "neutral_high": "Special cause variation: neither improvement nor concern (high)",
        "neutral_low": "Special cause variation: neither improvement nor concern (low)",
    },
    "spc_assurance": {
        "consistent_pass": "Consistently passing",
        "consistent_fail": "Consistently failing",
        "inconsistent": "Hit and miss",
    },
    "exception": {
        "negative": "Negative exception",
        "positive": "Positive exception",
    },
    "kind": {  # the data-quality report
        "missing": "Missing mandatory value",
        "invalid": "Invalid code or date",
        "dropped": "Rows dropped",
        "changed": "Rows changed",
    },
}


def label(column: str, code) -> str:
    """The words for `code` in `column` ("" for a blank; the code itself if it has no words).

    >>> label("spc_assurance", "consistent_pass")
    'Consistently passing'
    >>> label("spc_variation", None)
    ''
    """
    if code is None or (isinstance(code, float) and code != code) or str(code) == "":
        return ""
    return LABELS.get(column, {}).get(str(code), str(code))
