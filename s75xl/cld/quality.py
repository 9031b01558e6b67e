"""The data-quality log of reading CLD: what was missing, invalid, dropped or changed, and where.

Findings are counted per field or rule, with the first few rows as examples ("q4.csv row 12"),
never with a person's details. Rows are named by their position in the files as read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EXAMPLES = 5


@dataclass
class DataQuality:
    """What reading found: per field, missing mandatory values and invalid codes; per rule, rows
    dropped or changed. Examples are row references, never identities."""

    rows_read: int = 0
    rows_kept: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)
    invalid: dict[str, list[str]] = field(default_factory=dict)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    first_rows: list[int] = field(default_factory=list, repr=False)  # each file's first position

    def add_file(self, name: str, rows: int) -> None:
        """Register the next file read and how many data rows it had."""
        self.first_rows.append(self.rows_read)
        self.files.append(name)
        self.rows_read += rows

    def file_of(self, positions: np.ndarray) -> np.ndarray:
        """Which file (0, 1, ...) each position in the rows of all files together came from."""
        return np.searchsorted(np.asarray(self.first_rows), positions, side="right") - 1

    def note(self, kind: str, name: str, hit: np.ndarray) -> None:
        """Count the rows where `hit` (a mask over every row read) is true under a finding, and
        keep the first few as "file.csv row N" examples (N counts the header as row 1)."""
        positions = np.flatnonzero(hit)
        if not len(positions):
            return
        bucket = getattr(self, kind).setdefault(name, [])
        room = max(EXAMPLES - len(bucket), 0)
        shown = positions[:room]
        bucket.extend(f"{self.files[f]} row {p - self.first_rows[f] + 2}" for p, f in zip(shown.tolist(), self.file_of(shown).tolist()))
        self.counts[(kind, name)] = self.counts.get((kind, name), 0) + len(positions)

    def table(self) -> pd.DataFrame:
        """One row per finding: kind, field or rule, count, example rows."""
        rows = [{"kind": kind, "field_or_rule": name, "count": count,
                 "example_rows": "; ".join(getattr(self, kind)[name])}
                for (kind, name), count in self.counts.items()]
        return pd.DataFrame(rows, columns=["kind", "field_or_rule", "count", "example_rows"])
