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

from .apply import RefreshReport, refresh_budget
from .engine import build_monitor
from .plan import RefreshPlan, TableInfo, TableWrite, plan_refresh
from .sources import open_source

__all__ = ["RefreshPlan", "RefreshReport", "TableInfo", "TableWrite", "build_monitor", "open_source", "plan_refresh",
           "refresh_budget"]
