"""``s75xl budget``: refresh the budget monitor from the ledger, check the ledger, show penalties.

Each command is options, one engine call and the report's lines (DESIGN.md). Errors are
S75Error subclasses, which ``s75xl.cli.main`` prints as one line with exit status 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..resources import shipped_path
from .errors import BudgetError

LEDGER_HELP = ("The ledger: a folder of CSV files, a CSV file, an Excel workbook, a SQLite database, or a database "
               "URL such as postgresql://host/ledger.")


@click.group(name="budget")
def budget() -> None:
    """The Section 75 budget monitor: refresh its tables from the ledger, check the ledger, show penalties."""


def _common(function):
    function = click.option("--mapping", type=click.Path(dir_okay=False),
                            help="Column-mapping file: the council's column names for each table.")(function)
    function = click.option("--threshold", type=float,
                            help="Report over- or underspends above this % of budget (default: the workbook's, "
                                 "else 10).")(function)
    function = click.option("--period", help="The month to report, e.g. 2017-03 (default: the ledger's latest).")(function)
    function = click.option("--quiet", "-q", is_flag=True, help="Print only the last line (errors still go to stderr).")(function)
    return click.option("--ledger", "ledger", required=True, help=LEDGER_HELP)(function)


def _say(lines: list[str], quiet: bool) -> None:
    click.echo("\n".join(lines[-1:] if quiet else lines))


@budget.command(name="refresh")
@click.argument("workbook", type=click.Path(dir_okay=False))
@_common
@click.option("--layout", type=click.Path(dir_okay=False), help="Layout file naming the tables (default: the shipped one).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Where to write the refreshed workbook.")
@click.option("--in-place", is_flag=True, help="Overwrite WORKBOOK itself, keeping a dated backup beside it.")
def refresh_command(workbook, ledger, period, threshold, mapping, quiet, layout, out, in_place) -> None:
    """Refresh every linked table of the budget monitor WORKBOOK from the ledger.

    Example: s75xl budget refresh budget_monitor.xlsx --ledger ledger.sqlite --period 2017-03 --out march.xlsx
    """
    from .apply import refresh_budget

    report = refresh_budget(workbook, ledger, period=period, out=out, mapping=mapping, layout=layout,
                            threshold_pct=threshold, in_place=in_place)
    _say(report.lines(), quiet)


@budget.command(name="check")
@_common
def check_command(ledger, period, threshold, mapping, quiet) -> int:
    """Check the ledger without a workbook: the 10% rule, movements, unknown cost centres, periods, totals.

    Exit status 1 if a check found a problem in the data (lines to report are not problems).

    Example: s75xl budget check --ledger ledger.sqlite --period 2017-03
    """
    from .engine import build_monitor, summary_lines
    from .sources import open_source

    source = open_source(ledger, mapping)
    try:
        monitor = build_monitor(source, period=period, threshold_pct=10.0 if threshold is None else threshold)
    finally:
        source.close()
    lines = summary_lines(monitor)
    for kind, title in (("report", "To report"), ("problem", "Check"), ("note", "Note")):
        found = [f.text for f in monitor.findings if f.kind == kind]
        if found:
            lines += [f"{title}:"] + [f"  - {text}" for text in found]
    problems = sum(f.kind == "problem" for f in monitor.findings)
    lines.append(f"{problems} problem{'s' if problems != 1 else ''} found in the data.")
    _say(lines, quiet)
    return 1 if problems else 0


@budget.command(name="penalties")
@_common
def penalties_command(ledger, period, threshold, mapping, quiet) -> None:
    """The SLA penalties at risk, County and City, from the ledger's SLA results and the catalogue.

    Example: s75xl budget penalties --ledger ledger.sqlite
    """
    from .engine import build_monitor, summary_lines
    from .sources import open_source

    source = open_source(ledger, mapping)
    try:
        monitor = build_monitor(source, period=period, threshold_pct=10.0 if threshold is None else threshold)
    finally:
        source.close()
    table = monitor.tables["penalties"]
    lines = [f"SLA penalties at risk, {monitor.period.strftime('%B %Y')}:"]
    for row in table.itertuples():
        lines.append(f"  {row.service:<55} County £{row.county_at_risk:>9,.0f}  City £{row.city_at_risk:>9,.0f}  "
                     f"{row.status}")
    county, city = table["county_at_risk"].sum(), table["city_at_risk"].sum()
    lines.append(f"  {'Total at risk':<55} County £{county:>9,.0f}  City £{city:>9,.0f}  total £{county + city:,.0f}")
    lines += [f"  - {f.text}" for f in monitor.findings if f.table == "penalties" and f.kind == "problem"]
    _say(lines, quiet)


@budget.command(name="demo-ledger")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to copy the demo ledger into.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing.")
def demo_ledger_command(out, quiet) -> None:
    """Copy the demo ledger (SQLite database and CSV folder) and the budget monitor template into a folder.

    Example: s75xl budget demo-ledger --out budget-demo
    """
    from ..safety.outputs import copy_atomically
    from .demo import CSV_FOLDER, SQLITE

    target = Path(out)
    if target.exists() and not target.is_dir():
        raise BudgetError(f"{target} is a file; give a folder for the demo ledger.")
    pairs = _demo_files(target)
    _refuse_to_replace(pairs)
    (target / CSV_FOLDER.name).mkdir(parents=True, exist_ok=True)
    for source, dest in pairs:
        copy_atomically(source, dest, what="demo ledger")
    if not quiet:
        click.echo(f"Wrote {target / SQLITE.name}, {target / CSV_FOLDER.name}/ and {target / 'budget_monitor.xlsx'}.")


def _demo_files(target: Path) -> list[tuple[Path, Path]]:
    """Each shipped file of the demo ledger and where it goes in `target`."""
    from .demo import CSV_FOLDER, SQLITE

    pairs = [(SQLITE, target / SQLITE.name), (shipped_path("templates", "budget_monitor.xlsx"), target / "budget_monitor.xlsx")]
    return pairs + [(p, target / CSV_FOLDER.name / p.name) for p in sorted(CSV_FOLDER.iterdir()) if p.is_file()]


def _refuse_to_replace(pairs: list[tuple[Path, Path]]) -> None:
    """The demo ledger never replaces a council's own file: a file of the same name that differs
    from the shipped one (a real budget_monitor.xlsx, say) stops the copy before anything is written."""
    import filecmp

    for source, dest in pairs:
        if dest.exists() and not (dest.is_file() and filecmp.cmp(source, dest, shallow=False)):
            raise BudgetError(f"{dest} already exists and is not the demo's; choose another folder (s75xl never "
                              "replaces your files).")
