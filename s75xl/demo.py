"""``s75xl demo``: the whole job on a synthetic council, then Norfolk's published figures.

`run_demo` goes through every step a performance team takes, with the files written at each:
generate a synthetic council's CLD extract, MHA log and CPA extract (`demo-data`); the
data-quality report (`check`); the ASCOF and Section 75 measures for the rolling twelve months
to each month of 2024-25 and for each quarter (`compute`); targets, RAG and exceptions against
an example Annual Plan (`assess`, shipped as ``s75xl/data/demo_targets_2024_25.csv``); every
shipped template filled (`fill`); and the quarterly board pack with benchmarks read from
national-format ASCOF files and example commentary (`pack`), with its PDF where LibreOffice is
installed; then Norfolk's own vital-signs pack for March 2017. Everything it reads ships in the
package, so it runs from any folder after ``pip install .``.

The worked Norfolk example: its provisional ASCOF 2016/17 table.

Each row's numerator and denominator go through `rate`, `round_publication` and
`confidence_interval` and are set beside the published result. Two kinds of row do not match,
and the table says why rather than hiding them:

- 2C(2): 299 delays give 3.5 per 100,000, the report prints 3.6 (a probable
  typo or a different numerator; docs/measures.md).
- The ASCS percentages (1B, 1I(1), 3A, 3D(1), 4A, 4B) are printed as whole percentages
  ("79.0%" for 10,269 / 12,951 = 79.3%): rounded to 0 places they all match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .catalogue import default_catalogue
from .intervals import confidence_interval
from .rates import rate
from .rounding import round_half_away

KNOWN_DISCREPANCIES = {"2C(2)": "2C(2): 299 / 12 / 720,945 x 100,000 = 3.5; the report prints 3.6 "
                                "(probably a misprint, or a different numerator: 308 to 315 delays give 3.6; "
                                "see docs/measures.md)."}
WHOLE_PERCENT_ROWS = ("1B", "1I(1)", "3A", "3D(1)", "4A", "4B")


def read_shipped_csv(name: str) -> pd.DataFrame:
    """A CSV from s75xl/data, read with pandas."""
    with resources.files("s75xl.data").joinpath(name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def norfolk_ascof_table() -> pd.DataFrame:
    """Norfolk's table with s75xl's value, rounded value, interval and a match verdict per row."""
    table = read_shipped_csv("norfolk_ascof_2016_17.csv")
    catalogue = default_catalogue()
    shown, matches, intervals, values, published = [], [], [], [], []
    for row in table.itertuples():
        measure = catalogue.find(row.measure)
        value = rate(row.numerator, row.denominator, measure)
        decimals = 0 if row.measure in WHOLE_PERCENT_ROWS else measure.decimals
        rounded = round_half_away(value, decimals)
        ci = confidence_interval(row.numerator, row.denominator, measure)
        values.append(value)
        published.append(f"{row.published_result:.{decimals}f}")
        shown.append(f"{round_half_away(value, measure.decimals):.{measure.decimals}f}")
        if np.isclose(rounded, row.published_result):
            matches.append("yes" if decimals == measure.decimals else "yes, as a whole %")
        else:
            matches.append("no: known discrepancy" if row.measure in KNOWN_DISCREPANCIES else "NO")
        intervals.append("none (survey)" if np.isnan(ci.lower)
                         else f"{ci.lower:.{measure.decimals}f} to {ci.upper:.{measure.decimals}f}")
    out = table.assign(value=values, shown=shown, published_text=published, match=matches, interval=intervals)
    out.attrs["notes"] = [
        KNOWN_DISCREPANCIES["2C(2)"],
        "The report prints ASCS percentages as whole numbers ('79.0%' for 79.3%); "
        "rounded to whole percentages all six match.",
        "2C denominators (720,945 adults) are derived from the 2A rows, as the report does not print them.",
    ]
    return out


SYNTHETIC_AREA = "Synthetic council"
NATIONAL_FILES = ("demo_ascof_2023-24.csv", "demo_ascof_2024-25.csv")
NORFOLK_PERIOD = "2017-03"


def shipped_data(name: str) -> Path:
    """The path of a file in s75xl/data (inside the installed package)."""
    return Path(str(resources.files("s75xl.data").joinpath(name)))


@dataclass
class DemoResult:
    """Files written (label, path) and the lines to print."""

    files: list[tuple[str, Path]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    pack: object = None


def _headline(results: pd.DataFrame) -> pd.DataFrame:
    bands = results.groupby("measure")["breakdown"].transform("nunique")
    return results[results["breakdown"].isin(["Total", "All"]) | (bands == 1)]


def _template_data(name: str, quarterly: pd.DataFrame, targets: pd.DataFrame):
    """The results (and targets) each shipped template is filled with in the demo."""
    if name == "vital_signs_dashboard":
        return (read_shipped_csv("norfolk_results_2016_17.csv"), read_shipped_csv("norfolk_targets_2016_17.csv"),
                "Norfolk's published dashboard, 2016-17")
    if name == "ascof_annual_summary":
        ascof = read_shipped_csv("norfolk_ascof_2016_17.csv")
        results = ascof.assign(period_start="2016-04-01", period_end="2017-03-31")[
            ["measure", "period_start", "period_end", "numerator", "denominator"]]
        plan = ascof.dropna(subset=["current_target"]).assign(year="2016-17").rename(
            columns={"current_target": "annual_target"})[["measure", "year", "annual_target"]]
        return results, plan, "Norfolk's published ASCOF 2016/17 table"
    if name == "sla_targets":
        return (read_shipped_csv("demo_sla_positions_2008_09.csv").drop(columns=["note"]), None,
                "illustrative year-end positions")
    if name == "s75_top_level_figures":
        return (read_shipped_csv("cambridgeshire_top_level_2016_17.csv"), None,
                "Cambridgeshire's published top level figures, 2016/17")
    return quarterly, targets, "the synthetic council's quarters"


def run_demo(out_dir, *, people: int = 3000, seed: int = 1, pdf: bool = True, progress=None) -> DemoResult:
    """The whole job on synthetic data into out_dir (see the module docstring)."""
    from .assess import assess
    from .cld import compute, read_cld
    from .cld.periods import months_of, parse_period
    from .fill import fill
    from .pack import PackOptions, build_pack
    from .pack.benchmarks_input import read_benchmark_files
    from .resources import report_templates, shipped_dir
    from .synthetic import write
    from .tables import write_table

    tell = progress or (lambda area, stage: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult()
    note = result.files.append

    tell("", "demo-data: a synthetic council's extracts")
    paths = write(out / "inputs", people, seed)
    for key, path in paths.items():
        note((f"demo-data ({key})", path))

    tell("", "check: the data-quality report")
    _, quality = read_cld([paths["cld"]])
    report = quality.table()
    write_table(report, out / "check_report.csv")
    note(("check", out / "check_report.csv"))
    result.lines.append(f"check: {quality.rows_read:,} CLD rows read, {quality.rows_kept:,} events kept, "
                        f"{len(report)} kind(s) of problem reported.")

    tell("", "compute: ASCOF and Section 75 measures")
    # thirteen rolling years, March 2024 to March 2025, as Norfolk's dashboard shows thirteen months
    months = [parse_period(f"rolling-12:{m.start:%Y-%m}") for m in
              [parse_period("2024-03"), *months_of(parse_period("2024-25"))]]
    quarters = [parse_period(f"Q{q}-2024-25") for q in range(1, 5)]
    results, _, _ = compute([paths["cld"]], months + quarters, population=paths["population"], mha=paths["mha"],
                            cpa=paths["cpa"])
    results["area"] = SYNTHETIC_AREA
    write_table(results, out / "results.csv")
    note(("compute", out / "results.csv"))
    is_quarter = results["period"].str.startswith("Q")
    monthly, quarterly = results[~is_quarter].drop(columns=["period"]), results[is_quarter].drop(columns=["period"])

    tell("", "assess: targets, RAG, exceptions, SPC")
    targets = read_shipped_csv("demo_targets_2024_25.csv").assign(area="")  # every area
    assessed = assess(_headline(monthly), targets)
    write_table(assessed, out / "assessed.csv")
    note(("assess", out / "assessed.csv"))

    tell("", "fill: every shipped template")
    (out / "templates").mkdir(exist_ok=True)
    templates = report_templates()
    if not templates:
        result.lines.append("fill: this installation has no shipped templates, so none was filled.")
    for template in templates:
        data, plan, source = _template_data(template.stem, quarterly, targets)
        filled = out / "templates" / template.name
        report = fill(template, data, targets=plan, out=filled)
        note((f"fill ({source})", filled))
        result.lines.append(f"fill {template.name}: {report.lines()[0]}")

    if (shipped_dir("templates") / "budget_monitor.xlsx").exists():
        tell("", "budget: the budget monitor refreshed from the demo ledger")
        from .finance.demo import run as refresh_demo_budget

        result.lines += [f"budget: {line}" for line in refresh_demo_budget(out / "budget")]
        note(("budget refresh", out / "budget" / "budget_monitor_2017_03.xlsx"))

    tell("", "pack: the quarterly board pack")
    options = PackOptions(pdf=pdf, council="999", region="East of England", comparators=("901", "902", "903"),
                          comparator_name="comparator group")
    benchmarks = read_benchmark_files([shipped_data(n) for n in NATIONAL_FILES], options)
    commentary = read_shipped_csv("demo_commentary.csv")
    commentary.attrs["source"] = "demo_commentary.csv"
    pack = build_pack(_headline(monthly), targets=targets, benchmarks=benchmarks, commentary=commentary,
                      out_dir=out / "pack", options=options, progress=progress)
    norfolk = build_pack(read_shipped_csv("norfolk_results_2016_17.csv"),
                         targets=read_shipped_csv("norfolk_targets_2016_17.csv"), period=NORFOLK_PERIOD,
                         out_dir=out / "pack", options=PackOptions(pdf=pdf), progress=progress)
    for made in (pack, norfolk):
        for path in made.files:
            note(("pack", path))
    result.pack = pack
    result.lines += [*pack.lines(), *norfolk.lines(), *(f"Note: {w}" for w in pack.warnings + norfolk.warnings)]
    if pack.pdf_missing:
        result.lines.append(pack.pdf_missing)
    return result


def show_demo(run, out_dir, *, pdf: bool, quiet: bool) -> None:
    """Run the demo with progress bars on stderr and print its files, ratings, exceptions and
    Norfolk's recomputed table (the `s75xl demo` command's output)."""
    import click
    from rich.console import Console
    from rich.table import Table

    from .pack.cli import _Bars

    with _Bars(quiet, pdf) as bars:
        result = run(out_dir, pdf=pdf, progress=bars)
        bars.finish()
    for label, path in result.files:
        click.echo(f"{label:<28} {path}")
    click.echo("\n" + "\n".join(result.lines) + "\n")
    table = norfolk_ascof_table()
    view = Table(title="Norfolk provisional ASCOF 2016/17, recomputed by s75xl (Norfolk County Council, Adult "
                       "Social Care Committee performance report, June 2017, section 5)")
    for column in ("measure", "numerator", "denominator", "s75xl", "published", "match", "95% interval"):
        view.add_column(column, justify="left" if column in ("measure", "match") else "right")
    for row in table.itertuples():
        view.add_row(row.measure, f"{row.numerator:,.0f}", f"{row.denominator:,.0f}", row.shown,
                     row.published_text, row.match, row.interval)
    console = Console(width=max(Console().width, 110))
    console.print(view)
    console.print("Notes:\n" + "\n".join(f"- {n}" for n in table.attrs["notes"]))
