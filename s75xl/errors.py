"""The errors the engine raises, each with a plain-English reason.

Errors are exceptions inside the engine and values at the Excel edge (DESIGN.md): every class
names the Excel error text a worksheet function should show for it (``excel_error``), and the
command line prints ``str(error)`` as its one line and exits non-zero. Messages never contain
personal data: they name files, sheets, rows, columns and measure codes, not people.
"""

from __future__ import annotations

from .safety.messages import clip


class S75Error(Exception):
    """Base class for every error s75xl raises on purpose (a user error, not a bug)."""

    excel_error = "#VALUE!"


class MeasureNotFoundError(S75Error, KeyError):
    """A measure code or name that is not in the catalogue."""

    excel_error = "#VALUE!"

    def __init__(self, code: str, suggestions: list[str] | None = None):
        self.code = code
        self.suggestions = suggestions or []
        hint = f" Did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"Unknown measure {clip(code)}.{hint}")  # clipped: a 100,000-character code is not echoed

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0]


class CatalogueError(S75Error):
    """A catalogue file that cannot be read or has an invalid entry."""


class InputError(S75Error):
    """A value given to a calculation that cannot be used (the subclasses say why)."""


class NonNumericError(InputError):
    """A numerator, denominator or value that is not a number."""


class NegativeCountError(InputError):
    """A count below zero: numerators and denominators are counts of people or events."""


class ZeroDenominatorError(InputError):
    """A denominator of zero (or below), so there is no rate to give."""

    excel_error = "#DIV/0!"


class NumeratorExceedsDenominatorError(InputError):
    """A proportion whose numerator is larger than its denominator."""


class ConfidenceLevelError(InputError):
    """A confidence level outside 0.9 to 0.999 (or 90 to 99.9)."""


class MissingInputError(InputError):
    """A required input is missing (a blank cell, an empty column)."""

    excel_error = "#N/A"


class SuppressionPolicyError(S75Error):
    """An unknown or badly configured small-number suppression policy."""


class OptionsError(S75Error):
    """A setting that does not exist (a misspelt key) or has a value it cannot take."""
