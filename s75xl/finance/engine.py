"""From a ledger source to the monitor's tables and findings, with no workbook in sight.

>>> monitor = build_monitor(open_source("ledger.sqlite"), period="2017-03")   # doctest: +SKIP
>>> monitor.tables["budget"]                                                   # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from ..catalogue import Catalogue
from .errors import BudgetError
from .monitor import Monitor, budget_lines, money, movements, periods_of, savings, staffing
from .penalties import penalties
from .periods import label, month
from .sources import Source


def build_monitor(source: Source, *, period=None, threshold_pct: float = 10.0,
                  catalogue: Catalogue | None = None) -> Monitor:
    """Every table of the monitor for `period` (default: the ledger's latest month)."""
    budget, ledger = source.table("budget"), source.table("ledger")
    if period is None:
        months = periods_of(ledger, "ledger")
        if months.empty:
            raise BudgetError(f"{ledger.attrs.get('where', 'The ledger')} has no rows, so there is no period to report.")
        chosen = max(months)
    else:
        chosen = month(period)
        if chosen is None:
            raise BudgetError(f"The period {period!r} is not a month (write it as 2017-03).")
    monitor = Monitor(chosen, threshold_pct)
    monitor.tables["budget"] = budget_lines(budget, ledger, chosen, threshold_pct, monitor)
    for kind, build in (("movements", movements), ("savings", savings), ("staffing", staffing)):
        frame = source.table(kind)
        if frame is None:
            monitor.add("note", kind, f"{source.label} has no {kind} table, so the workbook's {kind} table is "
                                      "left as it was.")
        else:
            monitor.tables[kind] = build(frame, chosen, monitor)
    results, targets, schedule = source.table("sla_results"), source.table("sla_targets"), source.table("sla_schedule")
    if results is None:
        monitor.add("note", "penalties", f"{source.label} has no sla_results table, so no penalty is marked at risk.")
    monitor.tables["penalties"] = penalties(results, targets, schedule, chosen, monitor, catalogue)
    return monitor


def summary_lines(monitor: Monitor) -> list[str]:
    """The totals a finance officer reads first."""
    lines = [f"Budget monitor for {label(monitor.period)}:"]
    budget = monitor.tables["budget"]
    total, forecast = budget["annual_budget"].sum(), budget["forecast_outturn"].sum()
    variance = forecast - total
    share = f" ({variance / total * 100:+.1f}%)" if total else ""
    lines.append(f"  budget {money(total)}, actual to date {money(budget['actual_to_date'].sum())}, "
                 f"forecast outturn {money(forecast)}, variance {money(variance)}{share}")
    reported = (budget["flag"] != "").sum()
    lines.append(f"  {reported} of {len(budget)} budget lines above {monitor.threshold_pct:g}% of budget "
                 "(report to the council now)")
    pens = monitor.tables.get("penalties", pd.DataFrame())
    if not pens.empty:
        county, city = pens["county_at_risk"].sum(), pens["city_at_risk"].sum()
        lines.append(f"  SLA penalties at risk: County £{county:,.0f}, City £{city:,.0f}, total £{county + city:,.0f}")
    return lines
