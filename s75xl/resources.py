"""Where the files s75xl ships live at run time: templates (with their layouts), the
worksheet-function module (`udfs/`) and the workbooks (the add-in and the demo workbook).

In a checkout they are the top-level folders `templates/`, `udfs/` and `workbooks/`. An installed
wheel carries them inside the package, under `s75xl/shipped/<kind>/`. Every caller asks here, so
the same code works from a clone, an editable install and a wheel.
"""

from __future__ import annotations

from pathlib import Path

KINDS = ("templates", "udfs", "workbooks")
_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(kind: str) -> Path:
    """The folder holding the shipped files of one kind ("templates", "udfs" or "workbooks")."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of shipped file {kind!r}; expected one of {', '.join(KINDS)}")
    inside = _PACKAGE / "shipped" / kind
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / kind


def shipped_path(kind: str, name: str) -> Path:
    """The path of one shipped file, e.g. shipped_path("templates", "vital_signs_dashboard.xlsx")."""
    return shipped_dir(kind) / name


BUDGET_TEMPLATES = ("budget_monitor.xlsx",)  # refreshed by `s75xl budget`, not filled by `s75xl fill`


def report_templates() -> list[Path]:
    """The shipped report templates that `s75xl fill` fills (every template but the budget monitor)."""
    return sorted(p for p in shipped_dir("templates").glob("*.xlsx") if p.name not in BUDGET_TEMPLATES)
