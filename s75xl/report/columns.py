"""How each column of s75xl's tables looks in a workbook: its heading, kind and width.

The heading is the column's name in words. s75xl's table reader lower-cases headings and turns
spaces into underscores, so every heading here reads back as the machine name
(``"CI lower"`` -> ``ci_lower``). A column not listed keeps its name and is shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str  # text, wrap, code, label, date, whole, measure_value, percent_change, flag
    width: float


COLUMNS: dict[str, Column] = {c.heading.lower().replace(" ", "_"): c for c in (
    Column("Area", "text", 10),
    Column("Measure", "text", 13),
    Column("Measure name", "wrap", 44),
    Column("Breakdown", "text", 11),
    Column("Period", "text", 20),
    Column("Period start", "date", 13),
    Column("Period end", "date", 13),
    Column("Numerator", "whole", 12),
    Column("Denominator", "whole", 13),
    Column("Value", "measure_value", 11),
    Column("CI lower", "measure_value", 10),
    Column("CI upper", "measure_value", 10),
    Column("Target", "measure_value", 10),
    Column("Target profile", "text", 10),
    Column("Variance pct", "percent_change", 10),
    Column("RAG", "rag", 8),
    Column("Direction", "text", 13),
    Column("Direction last year", "text", 13),
    Column("Exception", "code", 11),
    Column("Exception reasons", "wrap", 42),
    Column("SPC variation", "code", 17),
    Column("SPC assurance", "code", 16),
    Column("Budget flag", "flag", 8),
    Column("Risk flag", "flag", 8),
    Column("Polarity", "text", 9),
    Column("Period kind", "text", 12),
    Column("Note", "wrap", 36),
    Column("Kind", "code", 10),
    Column("Field or rule", "wrap", 40),
    Column("Count", "whole", 10),
    Column("Example rows", "wrap", 46),
)}

# A code column gets a column of words beside it; its heading says what the words are.
LABEL_HEADINGS = {"exception": "Exception in words", "spc_variation": "SPC variation in words",
                  "spc_assurance": "SPC assurance in words", "kind": "What was found"}
LABEL_WIDTH = 34

# Columns of the engine's working that a reader of the workbook does not need.
HIDDEN = {"decimals"}


def column(name: str) -> Column:
    """The look of column `name`; a benchmark is a figure in the measure's unit."""
    if name in COLUMNS:
        return COLUMNS[name]
    if name.startswith("benchmark_"):
        return Column("Benchmark " + name.removeprefix("benchmark_").replace("_", " "), "measure_value", 12)
    if name.startswith(("direction_vs_", "vs_")):
        return Column(name.replace("_", " ").capitalize(), "text", 16)
    return Column(name.replace("_", " ").capitalize(), "text", max(10, min(len(name) + 2, 30)))
