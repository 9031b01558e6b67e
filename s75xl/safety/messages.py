"""What an error message may say about the input that caused it.

Messages name the file, sheet, row and column. They never quote the content of a row (it may
hold a name, an NHS number, a date of birth or a postcode), and any user text they do echo (a
measure code, a heading) is clipped, so a 100,000-character code gives a short line.
"""

from __future__ import annotations

import re

MAX_ECHO = 60


_NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")


def clip(text: object, limit: int = MAX_ECHO) -> str:
    """The text as repr() would show it, cut to `limit` characters with its full length noted;
    anything shaped like an NHS number (ten digits) is masked, since it may be one pasted by mistake."""
    value = _NHS_NUMBER.sub("##########", str(text))
    if len(value) <= limit:
        return repr(value)
    return repr(value[:limit]) + f"... ({len(value):,} characters)"


# A cell's value is quoted only when it cannot be a name: digits, money signs and punctuation, with
# at most one short word ("n/a", "nil", "TBC", "inf"). Anything else is described by its length.
_HARMLESS = re.compile(r"[\w\s.,£$€%()+\-/:#]*")


def cell_text(value: object) -> str:
    """A cell's value as a message may show it: quoted (NHS-number shapes masked) when it cannot
    hold a person's name, else "a text of N characters", so a wrong file never echoes a person."""
    text = str(value).strip()
    if len(text) <= 24 and _HARMLESS.fullmatch(text) and sum(c.isalpha() for c in text) <= 4:
        return clip(text)
    return f"a text of {len(text):,} characters"


# Arrow's CSV errors end with the offending row or value: "Expected 30 columns, got 31: <row>",
# "invalid value 'AB12 3CD'". Keep the part that says what is wrong and where.
_ARROW_TAIL = re.compile(r"(columns, got \d+)\s*:.*$|(invalid value)\s*'.*$|(straddling object)\s.*$", re.S)
_ROW = re.compile(r"Row #(\d+)")


def arrow_reason(exc: BaseException) -> str:
    """The reason in an Arrow CSV error, without the row or value it quotes."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "straddl" in text:
        return "one value is longer than 1 GiB, far beyond any CLD field"
    text = _ARROW_TAIL.sub(lambda m: next(g for g in m.groups() if g), text)
    text = re.sub(r"'[^']*'", "'...'", text)  # any other quoted value
    row = _ROW.search(text)
    text = _ROW.sub("", text).replace("CSV parse error:", "").strip(" :.")
    where = f"line {int(row.group(1))}: " if row else ""
    return where + text[:200]


def unforeseen(exc: BaseException) -> str:
    """One sentence for an error no check caught: a file the system refused, named with the
    system's reason, or else the error's kind, never its text (which may quote data)."""
    if isinstance(exc, OSError) and (exc.filename or exc.strerror):
        name = f" {exc.filename}" if exc.filename else ""
        return f"cannot use{name}: {exc.strerror or type(exc).__name__}."
    if isinstance(exc, MemoryError):
        return "the input is too large to fit in memory; no file was changed."
    return (f"something unexpected went wrong ({type(exc).__name__}); no file was changed. "
            "Please report this with the command you ran.")


def first_ragged_line(path, delimiter: str, encoding: str) -> int | None:
    """The line number of the first row whose field count differs from the header's (used only
    after Arrow has refused a file, to say where; Arrow's own message quotes the row instead)."""
    import csv

    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="", errors="replace") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            width = None
            for row in reader:
                if width is None:
                    width = len(row)
                elif row and len(row) != width:
                    return reader.line_num
    except (OSError, csv.Error):
        return None
    return None
