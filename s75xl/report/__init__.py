"""The workbooks s75xl creates for its own results: formatted tables fit to send.

``s75xl compute``, ``assess`` and ``check`` write their table here when the output ends in
``.xlsx``: a named sheet with a header row, frozen panes, column widths, number formats that
follow each measure's unit and published decimals (percentages show as 95.9%), RAG colours,
readable labels beside the machine codes ("Common cause variation" beside ``common_cause``) and
a Notes sheet saying what was run on what. Any other extension goes to the plain table writer
(CSV stays machine-friendly).

The first sheet's header row is the column names in words ("Period start", "CI lower"), which
s75xl's own table reader turns back into the machine names, so a results workbook can be
passed straight to ``s75xl assess`` or ``s75xl fill``: values are stored unrounded, in the
measure's own unit (a percentage as 95.93..., shown as 95.9%), only their display is rounded.

Written with XlsxWriter (the workbooks are new, not templates: templates are patched by
``s75xl/xlsx/``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .workbook import KINDS, write_workbook

__all__ = ["KINDS", "write_output", "write_workbook"]


def write_output(frame: pd.DataFrame, out: str | Path, kind: str, notes: dict[str, str] | None = None) -> None:
    """Write `frame` to `out`: a formatted workbook for .xlsx, else the plain table writer."""
    if Path(out).suffix.lower() == ".xlsx":
        write_workbook(frame, out, kind, notes or {})
    else:
        from ..tables import write_table

        write_table(frame, out)
