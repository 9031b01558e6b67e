"""The finance errors: one sentence naming the file, table, row or column, never a traceback."""

from __future__ import annotations

from ..errors import S75Error


class BudgetError(S75Error):
    """A budget monitor workbook or layout that cannot be used."""


class SourceError(S75Error):
    """A ledger source (file, folder or database) that cannot be read as it is."""
