"""The budget monitor's layout file: which Excel tables hold what, found by name or heading.

The shipped file is ``budget_monitor.layout.toml`` beside the template; a council with its own
workbook copies it and adds aliases. Headings match ignoring case, spaces and punctuation, so
"Cost Centre", "cost centre" and "Cost-centre" are one heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import tomllib
from ..resources import shipped_path
from .errors import BudgetError

TABLES = ("budget", "movements", "savings", "staffing", "penalties")


def normal(text: object) -> str:
    """A heading or name as matched: lower case, letters, digits and % only."""
    return re.sub(r"[^a-z0-9%]+", "", str(text).lower().replace("&", "and"))


@dataclass(frozen=True)
class TableLayout:
    kind: str
    names: tuple[str, ...]
    key: tuple[str, ...]
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def field_for(self, heading: str) -> str | None:
        wanted = normal(heading)
        for name, aliases in self.columns.items():
            if wanted in {normal(a) for a in aliases}:
                return name
        return None


@dataclass(frozen=True)
class MonitorLayout:
    path: Path
    name: str
    threshold_pct: float
    threshold_name: str | None
    period_name: str | None
    tables: dict[str, TableLayout]

    def __post_init__(self):
        if not 0 < self.threshold_pct < 100:
            raise BudgetError(f"The layout file {self.path}: threshold_pct must be above 0 and below 100, "
                              f"not {self.threshold_pct}.")

    @classmethod
    def load(cls, path: str | Path | None = None) -> "MonitorLayout":
        path = Path(path) if path else shipped_path("templates", "budget_monitor.layout.toml")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BudgetError(f"The layout file {path} does not exist.") from None
        except tomllib.TOMLDecodeError as exc:
            raise BudgetError(f"The layout file {path} is not valid TOML: {exc}.") from None
        unknown = set(data) - {"name", "threshold_pct", "threshold_name", "period_name", "tables"}
        if unknown:
            raise BudgetError(f"The layout file {path} has an unknown setting {sorted(unknown)[0]!r}.")
        tables = {}
        for kind, entry in data.get("tables", {}).items():
            if kind not in TABLES:
                raise BudgetError(f"The layout file {path} describes a table {kind!r}; "
                                  f"s75xl knows {', '.join(TABLES)}.")
            columns = {k: tuple([v] if isinstance(v, str) else v) for k, v in entry.get("columns", {}).items()}
            key = tuple(entry.get("key", ()))
            missing = [k for k in key if k not in columns]
            if missing:
                raise BudgetError(f"The layout file {path}, table {kind}: key column {missing[0]!r} has no headings.")
            tables[kind] = TableLayout(kind, tuple(entry.get("names", ())), key, columns)
        try:
            threshold = float(data.get("threshold_pct", 10))
        except (TypeError, ValueError):
            raise BudgetError(f"The layout file {path}: threshold_pct must be a number.") from None
        return cls(path, data.get("name", path.stem), threshold, data.get("threshold_name"),
                   data.get("period_name"), tables)
