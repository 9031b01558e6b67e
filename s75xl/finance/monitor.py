"""The budget monitor's arithmetic: budget lines from the ledger, the 10% rule, care-package
movements, savings and staffing, each with its checks.

Sources: Cambridgeshire County Council, Adults Committee, annual report on the Section 75
delegated duties 2016/17 (plan item 3c: "any over/underspend in excess of 10% of budget to be
reported asap to the relevant Council"; tables 6.2, 7.4 and 7.7). Variance is forecast outturn
minus annual budget, so an overspend is positive. "In excess of 10%" is strictly above: a
variance of exactly 10% is not reported. Amounts are compared to the penny, so floating-point
noise never decides a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..safety.messages import cell_text
from .errors import SourceError
from .periods import label, month, year_start

TOTAL_WORDS = {"total", "grandtotal", "alltotal", "all"}


@dataclass(frozen=True)
class Finding:
    """One check's result: kind is "report" (the 10% rule), "problem" (the data) or "note"."""

    kind: str
    table: str
    text: str


@dataclass
class Monitor:
    period: pd.Period
    threshold_pct: float
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def add(self, kind: str, table: str, text: str) -> None:
        self.findings.append(Finding(kind, table, text))


def money(value: float) -> str:
    return f"-£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


def is_total(text: object) -> bool:
    return str(text or "").lower().replace(" ", "").replace("-", "") in TOTAL_WORDS or \
        str(text or "").strip().lower().endswith(" total")


def pence(values) -> np.ndarray:
    return np.round(np.asarray(values, dtype=float) * 100)


def over_threshold(variance, budget, threshold_pct: float) -> np.ndarray:
    """True where |variance| is more than threshold_pct% of |budget|, to the penny."""
    limit = np.round(np.abs(np.asarray(budget, dtype=float)) * threshold_pct)  # pence: budget x 100 x pct/100
    return pence(np.abs(np.asarray(variance, dtype=float))) > limit


def periods_of(frame: pd.DataFrame, table: str) -> pd.Series:
    """The month of each row (each distinct text is read once: a ledger repeats a dozen periods)."""
    where = frame.attrs.get("where", table)
    known: dict = {}
    out = []
    for position, value in enumerate(frame["period"]):
        key = value if isinstance(value, (str, int, float)) else str(value)
        found = known.get(key)
        if found is None:
            found = known[key] = month(value)
        if found is None:
            raise SourceError(f"{where}, row {position + 2}, column 'period': {cell_text(value)} is not a month "
                              "(write it as 2017-03, Mar-17 or March 2017).")
        out.append(found)
    return pd.Series(out, index=frame.index, dtype=object)


def budget_lines(budget: pd.DataFrame, ledger: pd.DataFrame, period: pd.Period, threshold_pct: float,
                 monitor: Monitor) -> pd.DataFrame:
    """One row per budget line: budget, actual to date, forecast outturn, variance, variance %, flag."""
    where = ledger.attrs.get("where", "the ledger")
    months = periods_of(ledger, "ledger")
    start = year_start(period)
    # months as integers (Period.ordinal) for grouping and comparing at numpy speed
    ledger = ledger.assign(month=months, mnum=np.array([m.ordinal for m in months], dtype=np.int64),
                           row=np.arange(len(ledger)) + 2)
    if "subjective" not in ledger:
        ledger["subjective"] = None
    budget = budget.copy()
    for column in ("service", "subjective"):
        if column not in budget:
            budget[column] = None
    if budget["annual_budget"].isna().any():
        row = int(np.flatnonzero(budget["annual_budget"].isna().to_numpy())[0]) + 2
        raise SourceError(f"{budget.attrs.get('where', 'the budget table')}, row {row}: the annual budget is blank.")
    by_subjective = budget["subjective"].notna().any()
    key = ["cost_centre", "subjective"] if by_subjective else ["cost_centre"]
    _duplicate_budget_lines(budget, key, monitor)
    year = ledger[(ledger["mnum"] >= start.ordinal) & (ledger["mnum"] <= period.ordinal)]
    later = int((ledger["mnum"] > period.ordinal).sum())
    if later:
        monitor.add("note", "ledger", f"{where}: {later} rows after {label(period)} are not counted.")
    present = set(year["mnum"])
    missing = [str(m) for m in pd.period_range(start, period, freq="M") if m.ordinal not in present]
    if missing:
        monitor.add("problem", "ledger", f"{where} has no rows at all for {', '.join(missing)} "
                                         f"(the year to {label(period)} starts in {label(start)}).")
    known = set(map(tuple, budget[key].itertuples(index=False, name=None)))
    keys = list(zip(*(year[k] for k in key)))
    unknown = year[np.array([k not in known for k in keys], dtype=bool)]
    for (cc, *rest), part in unknown.groupby(key if by_subjective else ["cost_centre"], dropna=False, sort=True):
        what = f"cost centre {cc}" + (f", subjective {rest[0]}" if by_subjective else "")
        rows = ", ".join(map(str, part["row"].head(6))) + (" and more" if len(part) > 6 else "")
        monitor.add("problem", "ledger", f"{where}, rows {rows}: {what} is not in the budget, so its "
                                         f"{money(part['actual'].fillna(0).sum())} to date is in no budget line.")
    counted = year[np.array([k in known for k in keys], dtype=bool)]
    _duplicates_and_gaps(counted, key, start, period, where, monitor)
    actual = counted.groupby(key, dropna=False)["actual"].sum(min_count=1)
    latest = counted.dropna(subset=["forecast_outturn"]) if "forecast_outturn" in counted else \
        counted.iloc[0:0].assign(forecast_outturn=np.nan)
    # the forecast is the latest month's: sum only that month's rows for each line
    last = latest.groupby(key, dropna=False)["mnum"].transform("max")
    last_rows = latest[latest["mnum"] == last]
    forecast_now = last_rows.groupby(key, dropna=False)["forecast_outturn"].sum()
    forecast_month = last_rows.groupby(key, dropna=False)["mnum"].max()
    lines = budget.set_index(key)
    out = lines.assign(actual_to_date=actual.reindex(lines.index).fillna(0.0).to_numpy(),
                       forecast_outturn=forecast_now.reindex(lines.index).to_numpy()).reset_index()
    stale = forecast_month.reindex(lines.index)
    attention = out["forecast_outturn"].isna().to_numpy() | (stale.to_numpy() != period.ordinal)
    for (index, line), old in zip(out[attention].iterrows(), stale[attention]):
        name = f"cost centre {line['cost_centre']}" + (f", {line['subjective']}" if by_subjective else "")
        if pd.isna(line["forecast_outturn"]):
            out.at[index, "forecast_outturn"] = line["actual_to_date"] if period.month == 3 else line["annual_budget"]
            monitor.add("problem", "budget", f"Budget line {name} has no forecast outturn in {where} for the year to "
                                             f"{label(period)}; the {'actual' if period.month == 3 else 'budget'} "
                                             "is shown in its place.")
        else:
            old = pd.Period(ordinal=int(old), freq="M")
            monitor.add("note", "budget", f"Budget line {name}: the latest forecast in {where} is for {label(old)}.")
    out["variance"] = pence(out["forecast_outturn"] - out["annual_budget"]) / 100
    with np.errstate(divide="ignore", invalid="ignore"):
        out["variance_pct"] = np.where(out["annual_budget"] != 0, out["variance"] / out["annual_budget"], np.nan)
    flagged = over_threshold(out["variance"], out["annual_budget"], threshold_pct)
    out["flag"] = [("Overspend" if v > 0 else "Underspend") + ": report to the council now" if f else ""
                   for f, v in zip(flagged, out["variance"])]
    for line in out[flagged].itertuples():
        name = f"cost centre {line.cost_centre}" + (f" {line.service}" if line.service else "") + \
            (f", {line.subjective}" if by_subjective and line.subjective else "")
        share = "" if np.isnan(line.variance_pct) else f" ({abs(line.variance_pct) * 100:.1f}%)"
        monitor.add("report", "budget", f"Budget line {name}: forecast {'overspend' if line.variance > 0 else 'underspend'}"
                                        f" of {money(abs(line.variance))} on a budget of {money(line.annual_budget)}"
                                        f"{share} is above {threshold_pct:g}% of budget: report it to the council now.")
    return out[["cost_centre", "service", "subjective", "annual_budget", "actual_to_date", "forecast_outturn",
                "variance", "variance_pct", "flag"]]


def _duplicate_budget_lines(budget: pd.DataFrame, key: list[str], monitor: Monitor) -> None:
    where = budget.attrs.get("where", "the budget table")
    repeated = budget[budget.duplicated(key, keep=False)]
    for values, part in repeated.groupby(key, dropna=False, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        rows = ", ".join(str(i + 2) for i in part.index)
        raise SourceError(f"{where}, rows {rows}: the budget line {' / '.join(str(v) for v in values)} appears "
                          "more than once.")


def _duplicates_and_gaps(rows: pd.DataFrame, key: list[str], start, period, where: str, monitor: Monitor) -> None:
    doubled = rows[rows.duplicated(key + ["mnum"], keep=False)]
    for values, part in doubled.groupby(key + ["month"], dropna=False, sort=True):
        line = " / ".join(str(v) for v in values[:-1])
        figures = " and ".join(money(v) for v in part["actual"].fillna(0))
        monitor.add("problem", "ledger", f"{where}, rows {', '.join(map(str, part['row']))}: {line} has "
                                         f"{len(part)} rows for {values[-1]} ({figures}); all are counted.")
    present_months = set(rows["month"])
    wanted = set(pd.period_range(start, period, freq="M")) & present_months
    counts = rows.groupby(key, dropna=False)["mnum"].nunique()
    for values in counts.index[counts < len(wanted)]:
        values = values if isinstance(values, tuple) else (values,)
        mine = rows[np.logical_and.reduce([(rows[k] == v) if v == v and v is not None else rows[k].isna()
                                           for k, v in zip(key, values)])]
        gaps = sorted(wanted - set(mine["month"]))
        monitor.add("problem", "ledger", f"{where}: {' / '.join(str(v) for v in values)} has no row for "
                                         f"{', '.join(map(str, gaps))}, so its actual to date may be understated.")


def latest_rows(frame: pd.DataFrame, period: pd.Period, table: str, monitor: Monitor) -> pd.DataFrame:
    """The rows for `period` (or the latest period before it), when the table has periods."""
    if "period" not in frame or frame["period"].isna().all():
        return frame
    months = periods_of(frame, table)
    eligible = months[months <= period]
    if eligible.empty:
        monitor.add("problem", table, f"{frame.attrs.get('where', table)} has no rows for {label(period)} or before.")
        return frame.iloc[0:0]
    chosen = eligible.max()
    if chosen != period:
        monitor.add("note", table, f"{frame.attrs.get('where', table)}: the latest figures are for {label(chosen)}.")
    out = frame[months == chosen]
    out.attrs = frame.attrs
    return out


def _duplicate_rows(frame: pd.DataFrame, key: list[str], table: str, monitor: Monitor) -> None:
    """Two rows for the same thing in one period (a table loaded twice, say): both are kept, and said."""
    where = frame.attrs.get("where", table)
    doubled = frame[frame.duplicated(key, keep=False)]
    for values, part in doubled.groupby(key, dropna=False, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        monitor.add("problem", table, f"{where}, rows {', '.join(str(i + 2) for i in part.index)}: "
                                      f"{' / '.join(str(v) for v in values)} appears {len(part)} times.")


def _components_check(frame: pd.DataFrame, group: str | None, name: str, figures: list[str], table: str,
                      unit, monitor: Monitor) -> pd.DataFrame:
    """Rows named "Total" checked against the rows they total; returns the rows without totals."""
    where = frame.attrs.get("where", table)
    marked = [is_total(v) for v in frame[name]]
    if group:
        marked = [a or is_total(b) for a, b in zip(marked, frame[group])]
    totals = frame[np.array(marked, dtype=bool)]
    parts = frame.drop(totals.index)
    for index, row in totals.iterrows():
        grand = group is None or is_total(row[group])
        scope = parts if grand else parts[parts[group] == row[group]]
        what = "grand total" if grand and group else f"{row[group]} total" if group else "total"
        for figure in figures:
            if figure not in frame or pd.isna(row[figure]):
                continue
            added = scope[figure].sum()
            if round(added * 100) != round(row[figure] * 100):
                monitor.add("problem", table, f"{where}, row {index + 2}: the {what} of {figure.replace('_', ' ')} is "
                                              f"{unit(row[figure])}, but its {len(scope)} rows add to {unit(added)}.")
    return parts


def movements(frame: pd.DataFrame, period: pd.Period, monitor: Monitor) -> pd.DataFrame:
    """Care-package movements by client group and package type: opening + new - ended = closing.

    Ended packages may be written as the report prints them (-143) or as a count (143)."""
    frame = latest_rows(frame, period, "movements", monitor)
    where = frame.attrs.get("where", "movements")
    frame = frame.assign(ended=frame["ended"].abs())
    if "client_group" not in frame:
        frame["client_group"] = ""
    frame.attrs["where"] = where
    _duplicate_rows(frame, ["client_group", "package_type"], "movements", monitor)
    whole = lambda v: f"{v:,.0f}"  # noqa: E731
    parts = _components_check(frame, "client_group", "package_type", ["opening", "new", "ended", "closing"],
                              "movements", whole, monitor)
    totals = frame.drop(parts.index)
    for index, row in frame.iterrows():
        if row[["opening", "new", "ended", "closing"]].isna().any():
            raise SourceError(f"{where}, row {index + 2}: a movement figure is blank.")
        expected = row["opening"] + row["new"] - row["ended"]
        if round(expected) != round(row["closing"]):
            group = f"{row['client_group']}, " if row["client_group"] else ""
            monitor.add("problem", "movements",
                        f"{where}, row {index + 2}: {group}{row['package_type']} does not reconcile: opening "
                        f"{whole(row['opening'])} + new {whole(row['new'])} - ended {whole(row['ended'])} = "
                        f"{whole(expected)}, but closing is {whole(row['closing'])}.")
    del totals
    out = parts[["client_group", "package_type", "opening", "new", "ended", "closing"]].copy()
    out["check"] = out["opening"] + out["new"] - out["ended"] - out["closing"]
    return out.reset_index(drop=True)


def savings(frame: pd.DataFrame, period: pd.Period, monitor: Monitor) -> pd.DataFrame:
    """Savings delivered against target and stretch target."""
    frame = latest_rows(frame, period, "savings", monitor)
    if "stretch_target" not in frame:
        frame = frame.assign(stretch_target=np.nan)
    _duplicate_rows(frame, ["scheme"], "savings", monitor)
    parts = _components_check(frame, None, "scheme", ["target", "stretch_target", "delivered"], "savings",
                              money, monitor)
    out = parts[["scheme", "target", "stretch_target", "delivered"]].copy().reset_index(drop=True)
    out["against_target"] = pence(out["delivered"] - out["target"]) / 100
    stretch = out["stretch_target"].fillna(np.inf)
    out["status"] = np.where(pence(out["delivered"]) >= pence(stretch), "Stretch target met",
                             np.where(pence(out["delivered"]) >= pence(out["target"]), "Target met", "Short of target"))
    for row in out[out["status"] == "Short of target"].itertuples():
        monitor.add("note", "savings", f"Savings, {row.scheme}: {money(row.delivered)} delivered against a target of "
                                       f"{money(row.target)}, short by {money(row.target - row.delivered)}.")
    return out


def staffing(frame: pd.DataFrame, period: pd.Period, monitor: Monitor) -> pd.DataFrame:
    """The establishment and vacancies in whole-time equivalents, with totals checked."""
    frame = latest_rows(frame, period, "staffing", monitor)
    if "establishment_wte" not in frame:
        frame = frame.assign(establishment_wte=np.nan)
    wte = lambda v: f"{v:.2f} WTE"  # noqa: E731
    _duplicate_rows(frame, ["organisation", "post"], "staffing", monitor)
    parts = _components_check(frame, "organisation", "post", ["establishment_wte", "vacant_wte"], "staffing",
                              wte, monitor)
    out = parts[["organisation", "post", "establishment_wte", "vacant_wte"]].copy().reset_index(drop=True)
    out["in_post_wte"] = np.round(out["establishment_wte"] - out["vacant_wte"], 2)
    where = frame.attrs.get("where", "staffing")
    for row in out[out["in_post_wte"] < 0].itertuples():
        monitor.add("problem", "staffing", f"{where}: {row.organisation} {row.post} has {wte(row.vacant_wte)} vacant, "
                                           f"more than its establishment of {wte(row.establishment_wte)}.")
    return out[["organisation", "post", "establishment_wte", "in_post_wte", "vacant_wte"]]
