"""Finance: the Section 75 budget monitor, refreshed from the ledger.

>>> from s75xl.finance import refresh_budget
>>> report = refresh_budget("budget_monitor.xlsx", "ledger.sqlite", period="2017-03",
...                         out="budget_monitor_2017_03.xlsx")          # doctest: +SKIP
>>> print("\\n".join(report.lines()))                                   # doctest: +SKIP

Modules: sources (CSV, Excel, SQLite and any SQLAlchemy database, with a column mapping),
monitor (budget lines and the 10% rule, movements, savings, staffing and their checks),
penalties (SLA penalties at risk), engine (all of it for one period), plan (the planned changes
to a workbook's tables), apply (the file adapter), cli (``s75xl budget``).
"""

__all__ = ["RefreshPlan", "RefreshReport", "TableInfo", "TableWrite", "build_monitor", "open_source", "plan_refresh",
           "refresh_budget"]
_HOMES = {"RefreshReport": "apply", "refresh_budget": "apply", "build_monitor": "engine", "RefreshPlan": "plan",
          "TableInfo": "plan", "TableWrite": "plan", "plan_refresh": "plan", "open_source": "sources"}


def __getattr__(name: str):
    """Imported on first use, so that `s75xl --version` and `--help` never load pandas."""
    if name not in _HOMES:
        raise AttributeError(f"module 's75xl.finance' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
