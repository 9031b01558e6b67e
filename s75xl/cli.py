"""The ``s75xl`` command: the engine from a terminal or a scheduled job.

Every user error ends in one line on standard error, ``s75xl: <reason>``, and exit status 2;
``--help`` on any command shows its options with an example.
"""

from __future__ import annotations

import json
import os
import sys

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from . import __version__
from .catalogue import default_catalogue
from .errors import S75Error
from .intervals import confidence_interval
from .rates import rate
from .rounding import round_publication

EXIT_USER_ERROR = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="s75xl")
@click.option("--catalogue", "catalogue_files", multiple=True, type=click.Path(dir_okay=False),
              help="Your own catalogue file (TOML or CSV) extending the shipped one. Repeatable.")
def cli(catalogue_files: tuple[str, ...]) -> None:
    """ASCOF and Section 75 measures, targets and ratings for councils and NHS trusts."""
    if catalogue_files:  # through the setting default_catalogue() reads, so every command sees them
        existing = [p for p in os.environ.get("S75XL_CATALOGUE", "").split(os.pathsep) if p.strip()]
        os.environ["S75XL_CATALOGUE"] = os.pathsep.join([*existing, *catalogue_files])


@cli.command()
@click.option("--group", help="Only measures whose group or headline contains this text.")
@click.option("--framework", help="Only measures whose framework contains this text (e.g. ASCOF, Havering).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def measures(group: str | None, framework: str | None, fmt: str) -> None:
    """List the measure catalogue.

    Example: s75xl measures --group "Domain 2" --format csv
    """
    cat = default_catalogue()
    selected = cat.select(group=group, framework=framework)
    if not selected:
        raise S75Error("No measure matches that group or framework.")
    frame = cat.to_frame(selected).drop(columns=["origin", "extra"])
    if fmt == "csv":
        frame.assign(aliases=frame["aliases"].map("; ".join)).to_csv(sys.stdout, index=False)
    elif fmt == "json":
        click.echo(json.dumps([m.as_dict() for m in selected], indent=2, default=str))
    else:
        table = Table(title=f"{len(selected)} measures", show_lines=False)
        for column in ("id", "name", "group", "unit", "polarity", "frequency"):
            table.add_column(column, overflow="fold")
        for m in selected:
            table.add_row(m.id, m.name, m.group, m.unit, m.polarity, m.frequency)
        Console().print(table)


@cli.command()
@click.argument("measure")
@click.option("--year", help="Financial year (e.g. 2024-25): follow a renamed code to the one in force.")
def info(measure: str, year: str | None) -> None:
    """What a measure means: definition, unit, polarity, source.

    Example: s75xl info "ASCOF 2A(1)" --year 2024-25
    """
    m = default_catalogue().find(measure, year=year)
    lines = [
        f"{m.id}  {m.name}",
        f"framework    {m.framework} ({m.group})",
        f"unit         {m.unit_info.label}, {m.decimals} decimal place(s); "
        f"{'higher is better' if m.polarity == 'higher' else 'lower is better' if m.polarity == 'lower' else 'no polarity'}",
        f"numerator    {m.numerator}",
        f"denominator  {m.denominator or '(none)'}",
        f"source       {m.source}, {m.frequency}",
        f"valid        {m.valid_from or 'any year'} to {m.valid_to or 'now'}",
    ]
    if m.renamed_to:
        lines.append(f"renamed to   {m.renamed_to}")
    if m.replaces:
        lines.append(f"replaces     {m.replaces}")
    if m.notes:
        lines.append(f"notes        {m.notes}")
    click.echo("\n".join(lines))


@cli.command(name="rate")
@click.argument("numerator")
@click.argument("denominator")
@click.argument("measure")
@click.option("--ci", "level", default="0.95", show_default=True,
              help="Confidence level, 0.9 to 0.999 or 90 to 99.9.")
@click.option("--months", type=float, help="ASCOF 2C only: how many months the numerator sums (default 12).")
@click.option("--moe", type=float, help="Survey measures: the published margin of error.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rate_command(numerator, denominator, measure, level, months, moe, fmt) -> None:
    """Value, rounded value and confidence interval of one measure.

    Example: s75xl rate 80 507180 "2A(1)"   (use - as the denominator of a count)
    """
    m = default_catalogue().find(measure)
    den = None if denominator.strip() in ("-", "") else denominator
    value = rate(numerator, den, m, months=months)
    rounded = round_publication(value, m.decimals)
    interval = confidence_interval(numerator, den, m, level, months=months, margin_of_error=moe)
    if fmt == "json":
        click.echo(json.dumps({"measure": m.id, "value": value, "rounded": rounded,
                               "ci_lower": None if pd.isna(interval.lower) else interval.lower,
                               "ci_upper": None if pd.isna(interval.upper) else interval.upper,
                               "ci_level": interval.level, "ci_method": interval.method}))
        return
    label = f"{interval.level * 100:g}% interval"
    width = max(14, len(label) + 2)
    if pd.isna(interval.lower) and pd.isna(interval.upper):
        ci_text = f"none ({interval.method})"
    else:
        lo = "-" if pd.isna(interval.lower) else f"{round_publication(interval.lower, m.decimals):.{m.decimals}f}"
        ci_text = f"{lo} to {round_publication(interval.upper, m.decimals):.{m.decimals}f} ({interval.method})"
    click.echo(f"{m.id}  {m.name}\n"
               f"{'value':<{width}}{value!r} {m.unit_info.label}\n"
               f"{'published':<{width}}{rounded:.{m.decimals}f}  ({m.decimals} d.p., halves away from zero)\n"
               f"{label:<{width}}{ci_text}")


@cli.command(name="assess")
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--targets", type=click.Path(dir_okay=False), help="Targets table (CSV or XLSX).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Where to write the assessed table (.csv or .xlsx).")
@click.option("--tolerance", type=float, default=5.0, show_default=True, help="Amber band: % worse than target.")
@click.option("--consecutive", type=int, default=3, show_default=True, help="Periods of change that make an exception.")
@click.option("--no-screening", is_flag=True, help="SPC without moving-range screening (MDC Excel).")
def assess_command(results, targets, out, tolerance, consecutive, no_screening) -> None:
    """Add target, RAG, exceptions, direction and SPC to a results table.

    Example: s75xl assess results.csv --targets targets.csv --out assessed.xlsx
    """
    from pathlib import Path

    from .assess import assess, summary_lines
    from .ratings import Thresholds
    from .tables import read_table, write_table

    if Path(out).resolve() in {Path(results).resolve(), *([Path(targets).resolve()] if targets else [])}:
        raise S75Error(f"The output {out} would overwrite an input; choose another name.")
    table = read_table(results, "results")
    target_table = read_table(targets, "targets") if targets else None
    thresholds = Thresholds(amber_tolerance_pct=tolerance, consecutive_periods=consecutive)
    assessed = assess(table, target_table, thresholds=thresholds, catalogue=default_catalogue(),
                      spc_options={"screen_outliers": not no_screening})
    write_table(assessed, out)
    _notes(assessed.attrs.get("notes", []))
    click.echo("\n".join(summary_lines(assessed)))
    click.echo(f"Wrote {len(assessed)} rows to {out}.")


@cli.command(name="fill")
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--results", required=True, type=click.Path(dir_okay=False), help="Results table (CSV or XLSX).")
@click.option("--targets", type=click.Path(dir_okay=False), help="Targets table: adds targets, RAG and exceptions.")
@click.option("--layout", type=click.Path(dir_okay=False), help="Layout file (default: TEMPLATE.layout.toml beside it).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The filled copy to write.")
@click.option("--in-place", is_flag=True, help="Allow --out to be the template itself; a timestamped backup is kept.")
@click.option("--strict", is_flag=True, help="Fail, writing nothing, when no cell (or not every measure) would be filled.")
def fill_command(template, results, targets, layout, out, in_place, strict) -> None:
    """Write results into a council's own template, found by labels; nothing else in it changes.

    Example: s75xl fill templates/vital_signs_dashboard.xlsx --results results.csv --targets targets.csv --out march.xlsx
    """
    from .fill import fill
    from .tables import read_table

    table = read_table(results, "results")
    report = fill(template, table, targets=read_table(targets, "targets") if targets else None,
                  layout=layout, out=out, in_place=in_place, strict=strict)
    _notes(report.notes)
    click.echo("\n".join(report.lines()))
    click.echo(f"Wrote {out}.")
    if report.warning:
        click.echo(f"s75xl: warning: {report.warning}", err=True)


@cli.command(name="compute")
@click.argument("cld_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--period", "periods", multiple=True, default=("2024-25",), show_default=True,
              help="2024-25, 2024-09, Q2-2024-25 or rolling-12:2025-03. Repeatable.")
@click.option("--population", type=click.Path(dir_okay=False), help="Population table for the per-100,000 measures.")
@click.option("--mha", type=click.Path(dir_okay=False), help="Mental Health Act assessment log.")
@click.option("--cpa", type=click.Path(dir_okay=False), help="CPA caseload extract.")
@click.option("--mapping", type=click.Path(dir_okay=False), help="Column mapping for the MHA and CPA files.")
@click.option("--method", type=click.Choice(["dhsc", "nhse"]), default="dhsc", show_default=True,
              help="DHSC's 2024-25 derivations or NHS England's 2023-24 variants.")
@click.option("--proxy-dob", is_flag=True, help="Use the 1st of the birth month, as the national figures do.")
@click.option("--person-id-rule", type=click.Choice(["dhsc", "nhse"]), default="dhsc", show_default=True,
              help="How records are linked to a person (cld.md 2.2).")
@click.option("--psr", help="Filter the Section 75 activity counts by primary support reason, e.g. 'Mental Health Support'.")
@click.option("--age-band", type=click.Choice(["18-64", "65+"]), help="Filter the activity counts by age band.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="results.csv or results.xlsx")
def compute_command(cld_files, periods, population, mha, cpa, mapping, method, proxy_dob, person_id_rule, psr,
                    age_band, out) -> None:
    """ASCOF and Section 75 measures from CLD extract(s) and local logs.

    Example: s75xl compute cld_q1.csv cld_q2.csv --period 2024-25 --population pop.csv --out results.csv
    """
    from .cld import compute
    from .tables import write_table

    results, quality, warnings = compute(cld_files, periods, population=population, mha=mha, cpa=cpa,
                                         mapping=mapping, method=method, proxy_dob=proxy_dob, psr=psr,
                                         age_band=age_band, person_id_rule=person_id_rule)
    write_table(results, out)
    click.echo(f"Read {quality.rows_read:,} rows; kept {quality.rows_kept:,} events. "
               f"Wrote {len(results)} results to {out}.")
    for warning in warnings:
        click.echo(f"Note: {warning}")
    dropped = quality.table()
    if not dropped.empty:
        click.echo("Data quality (run s75xl check for the full report):")
        for row in dropped.itertuples():
            click.echo(f"  {row.kind}: {row.field_or_rule}: {row.count:,}")


@cli.command(name="check")
@click.argument("cld_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the report as CSV or XLSX.")
def check_command(cld_files, out) -> None:
    """The data-quality report: missing and invalid values, rows dropped and why.

    Example: s75xl check cld_2024_q4.csv
    """
    from .cld import read_cld
    from .tables import write_table

    _, quality = read_cld(cld_files)
    report = quality.table()
    click.echo(f"{quality.rows_read:,} rows read; {quality.rows_kept:,} events kept.")
    if report.empty:
        click.echo("No problems found.")
    for row in report.itertuples():
        click.echo(f"{row.kind:8} {row.field_or_rule}: {row.count:,} (for example {row.example_rows})")
    if out:
        write_table(report, out)


@cli.command(name="demo-data")
@click.option("--people", type=click.IntRange(1, 5_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
def demo_data(people, seed, out_dir) -> None:
    """Write a synthetic CLD extract, MHA log, CPA extract and population table.

    Example: s75xl demo-data --people 2000 --seed 1 --out demo
    """
    from .synthetic import write

    for name, path in write(out_dir, people, seed).items():
        click.echo(f"{name:11} {path}")


@cli.command()
@click.option("--out", "out_dir", default="s75xl-demo", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the synthetic council's files.")
def demo(out_dir) -> None:
    """Run the whole job on demo data, and recompute Norfolk's published ASCOF 2016/17 table.

    A synthetic council's CLD extract, MHA log and CPA extract go through s75xl compute and
    s75xl assess against an example Annual Plan; then Norfolk's real figures are recomputed.
    """
    from .demo import norfolk_ascof_table, synthetic_pipeline

    _, lines = synthetic_pipeline(out_dir)
    click.echo("\n".join(lines) + "\n")

    table = norfolk_ascof_table()
    view = Table(title="Norfolk provisional ASCOF 2016/17, recomputed by s75xl (seed 002, section 5)")
    for column in ("measure", "numerator", "denominator", "s75xl", "published", "match", "95% interval"):
        view.add_column(column, justify="left" if column in ("measure", "match") else "right")
    for row in table.itertuples():
        view.add_row(row.measure, f"{row.numerator:,.0f}", f"{row.denominator:,.0f}", row.shown,
                     row.published_text, row.match, row.interval)
    console = Console(width=max(Console().width, 110))
    console.print(view)
    console.print("Notes:\n" + "\n".join(f"- {n}" for n in table.attrs["notes"]))


def _notes(notes) -> None:
    """What the user should know about how the input was read (a date order chosen, say): stderr."""
    for note in notes:
        click.echo(f"s75xl: note: {note}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command; user errors become one line and exit status 2, never a traceback."""
    saved = os.environ.get("S75XL_CATALOGUE")
    try:
        result = cli.main(args=argv, prog_name="s75xl", standalone_mode=False)
    except S75Error as exc:
        click.echo(f"s75xl: {exc}", err=True)
        return EXIT_USER_ERROR
    except click.exceptions.Abort:
        click.echo("s75xl: aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    finally:  # --catalogue lasts for one command, even when main() is called in-process
        if saved is None:
            os.environ.pop("S75XL_CATALOGUE", None)
        else:
            os.environ["S75XL_CATALOGUE"] = saved
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


from .excel.cli import addin as _addin_group  # noqa: E402  (the S75 ribbon add-in: s75xl addin ...)
cli.add_command(_addin_group)
