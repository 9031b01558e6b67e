"""The ``s75xl`` command: the engine from a terminal or a scheduled job.

One rule for errors: every user error, click's usage errors included, is one line on standard
error, ``s75xl: <reason>``, and exit status 2; never a traceback. ``-h``/``--help`` on any command
shows every option with an example; ``-V``/``--version`` prints the version. Commands that write
files take ``--json`` (a summary a script can read) and every command takes ``--quiet``.
Progress shows on standard error for a person at a terminal (``s75xl/commands/output.py``).

Modules are imported inside the commands, so ``s75xl --version``, ``--help`` and ``rate`` start
without loading pandas (bench/bench_startup.py measures it).
"""

from __future__ import annotations

import json
import math
import os
import sys

import click

from . import __version__
from .commands.output import Output, json_option, quiet_option, show_table
from .commands.publication import check_suppression, suppress_options, suppressed
from .errors import S75Error
from .safety.messages import unforeseen
from .safety.outputs import check_output

EXIT_USER_ERROR = 2
EXAMPLES_WIDTH = 100  # help text is wrapped at whole words to this width at most


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": EXAMPLES_WIDTH})
@click.version_option(__version__, "-V", "--version", prog_name="s75xl")
@click.option("--catalogue", "catalogue_files", multiple=True, type=click.Path(dir_okay=False),
              help="Your own catalogue file (TOML or CSV) extending the shipped one. Repeatable.")
def cli(catalogue_files: tuple[str, ...]) -> None:
    """ASCOF and Section 75 measures, targets and ratings for councils and NHS trusts."""
    if catalogue_files:  # through the setting default_catalogue() reads, so every command sees them
        existing = [p for p in os.environ.get("S75XL_CATALOGUE", "").split(os.pathsep) if p.strip()]
        os.environ["S75XL_CATALOGUE"] = os.pathsep.join([*existing, *catalogue_files])


def _catalogue():
    from .catalogue import default_catalogue

    return default_catalogue()


def _run_notes(command: str, inputs: dict[str, object]) -> dict[str, str]:
    """What was run on what, for the Notes sheet of a workbook s75xl writes."""
    import datetime as dt

    notes = {"produced by": f"s75xl {__version__}, command: s75xl {command}",
             "run at": dt.datetime.now().strftime("%d %B %Y %H:%M")}
    for label, value in inputs.items():
        if value:
            notes[label] = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return notes


@cli.command()
@click.option("--group", help="Only measures whose group or headline contains this text.")
@click.option("--framework", help="Only measures whose framework contains this text (e.g. ASCOF, Havering).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table for people (plain text when piped), csv or json for programs.")
@quiet_option
def measures(group: str | None, framework: str | None, fmt: str, quiet: bool) -> None:
    """List the measure catalogue.

    \b
    Example: s75xl measures --group "Domain 2" --format csv
    """
    cat = _catalogue()
    selected = cat.select(group=group, framework=framework)
    if not selected:
        raise S75Error("No measure matches that group or framework.")
    if fmt == "csv":
        frame = cat.to_frame(selected).drop(columns=["origin", "extra"])
        from .safety.formulas import neutralise_frame

        neutralise_frame(frame.assign(aliases=frame["aliases"].map("; ".join))).to_csv(sys.stdout, index=False)
    elif fmt == "json":
        click.echo(json.dumps([m.as_dict() for m in selected], indent=2, default=str))
    else:
        columns = ["id", "name", "group", "unit", "polarity", "frequency"]
        show_table(f"{len(selected)} measures", [{c: getattr(m, c) for c in columns} for m in selected], columns)


@cli.command()
@click.argument("measure")
@click.option("--year", help="Financial year (e.g. 2024-25): follow a renamed code to the one in force.")
@quiet_option
def info(measure: str, year: str | None, quiet: bool) -> None:
    """What a measure means: definition, unit, polarity, source.

    \b
    Example: s75xl info "ASCOF 2A(1)" --year 2024-25
    """
    m = _catalogue().find(measure, year=year)
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


def _missing(value: float) -> bool:
    return value is None or math.isnan(value)


@cli.command(name="rate")
@click.argument("numerator")
@click.argument("denominator")
@click.argument("measure")
@click.option("--ci", "level", default="0.95", show_default=True,
              help="Confidence level, 0.9 to 0.999 or 90 to 99.9.")
@click.option("--months", type=float, help="ASCOF 2C only: how many months the numerator sums (default 12).")
@click.option("--moe", type=float, help="Survey measures: the published margin of error.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for programs.")
@quiet_option
def rate_command(numerator, denominator, measure, level, months, moe, fmt, quiet) -> None:
    """Value, rounded value and confidence interval of one measure.

    \b
    Example: s75xl rate 80 507180 "2A(1)"   (use - as the denominator of a count)
    """
    from .intervals import confidence_interval
    from .rates import rate
    from .rounding import round_publication

    m = _catalogue().find(measure)
    den = None if denominator.strip() in ("-", "") else denominator
    value = rate(numerator, den, m, months=months)
    rounded = round_publication(value, m.decimals)
    interval = confidence_interval(numerator, den, m, level, months=months, margin_of_error=moe)
    if fmt == "json":
        click.echo(json.dumps({"measure": m.id, "value": value, "rounded": rounded,
                               "ci_lower": None if _missing(interval.lower) else interval.lower,
                               "ci_upper": None if _missing(interval.upper) else interval.upper,
                               "ci_level": interval.level, "ci_method": interval.method}))
        return
    label = f"{interval.level * 100:g}% interval"
    width = max(14, len(label) + 2)
    if _missing(interval.lower) and _missing(interval.upper):
        ci_text = f"none ({interval.method})"
    else:
        lo = "-" if _missing(interval.lower) else f"{round_publication(interval.lower, m.decimals):.{m.decimals}f}"
        ci_text = f"{lo} to {round_publication(interval.upper, m.decimals):.{m.decimals}f} ({interval.method})"
    click.echo(f"{m.id}  {m.name}\n"
               f"{'value':<{width}}{value!r} {m.unit_info.label}\n"
               f"{'published':<{width}}{rounded:.{m.decimals}f}  ({m.decimals} d.p., halves away from zero)\n"
               f"{label:<{width}}{ci_text}")


@cli.command(name="assess")
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--targets", type=click.Path(dir_okay=False), help="Targets table (CSV or XLSX).")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Where to write the assessed table: .xlsx (a formatted workbook) or .csv.")
@click.option("--tolerance", type=float, default=5.0, show_default=True, help="Amber band: % worse than target.")
@click.option("--consecutive", type=int, default=3, show_default=True, help="Periods of change that make an exception.")
@click.option("--no-screening", is_flag=True, help="SPC without moving-range screening (MDC Excel).")
@suppress_options
@json_option
@quiet_option
def assess_command(results, targets, out, tolerance, consecutive, no_screening, suppression, suppress_threshold,
                   as_json, quiet) -> None:
    """Add target, RAG, exceptions, direction and SPC to a results table.

    \b
    Example: s75xl assess results.csv --targets targets.csv --out assessed.xlsx
    """
    from pathlib import Path

    from .assess import assess, summary_lines
    from .ratings import Thresholds
    from .report import write_output
    from .tables import read_table

    said = Output(quiet=quiet, as_json=as_json)
    check_output(out, [results, targets])
    check_suppression(suppression, suppress_threshold)
    with said.step("Reading the results and targets"):
        table = read_table(results, "results")
        target_table = read_table(targets, "targets") if targets else None
    thresholds = Thresholds(amber_tolerance_pct=tolerance, consecutive_periods=consecutive)
    with said.step(f"Assessing {len(table):,} results"):
        assessed = assess(table, target_table, thresholds=thresholds, catalogue=_catalogue(),
                          spc_options={"screen_outliers": not no_screening})
    with said.step(f"Writing {out}"):
        write_output(suppressed(assessed, suppression, suppress_threshold), out, "assessed", _run_notes("assess", {
            "results": results, "targets": targets, "Amber band": f"{tolerance:g}% worse than target",
            "consecutive periods for an exception": consecutive, "suppression": list(suppression)}),
                     inputs=[results, targets], mode_from=results)
    said.notes(assessed.attrs.get("notes", []))
    said.lines([*summary_lines(assessed), f"Wrote {len(assessed)} rows to {out}."])
    latest = assessed.groupby("area")["period_end"].transform("max") == assessed["period_end"]
    said.summary({"command": "assess", "out": str(out), "rows": len(assessed),
                  "measures": int(assessed["measure"].nunique()),
                  "negative_exceptions": int(((assessed["exception"] == "negative") & latest).sum()),
                  "positive_exceptions": int(((assessed["exception"] == "positive") & latest).sum()),
                  "rag": {k: int(v) for k, v in assessed.loc[latest, "rag"].value_counts().items()},
                  "notes": list(assessed.attrs.get("notes", []))})


@cli.command(name="fill")
@click.argument("template")
@click.option("--results", required=True, type=click.Path(dir_okay=False), help="Results table (CSV or XLSX).")
@click.option("--targets", type=click.Path(dir_okay=False), help="Targets table: adds targets, RAG and exceptions.")
@click.option("--layout", type=click.Path(dir_okay=False), help="Layout file (default: TEMPLATE.layout.toml beside it).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The filled copy to write.")
@click.option("--in-place", is_flag=True, help="Allow --out to be the template itself; a timestamped backup is kept.")
@click.option("--strict", is_flag=True, help="Fail, writing nothing, when no cell (or not every measure) would be filled.")
@json_option
@quiet_option
def fill_command(template, results, targets, layout, out, in_place, strict, as_json, quiet) -> None:
    """Write results into a council's own template, found by labels; nothing else in it changes.

    TEMPLATE is a file, or the name of a shipped template (s75xl templates list).

    \b
    Example: s75xl fill vital_signs_dashboard --results results.csv --targets targets.csv --out march.xlsx
    """
    import dataclasses

    from .commands.templates import resolve_template
    from .fill import fill
    from .tables import read_table

    said = Output(quiet=quiet, as_json=as_json)
    with said.step(f"Filling {template}"):
        report = fill(resolve_template(template), read_table(results, "results"),
                      targets=read_table(targets, "targets") if targets else None,
                      layout=layout, out=out, in_place=in_place, strict=strict)
    said.notes(report.notes)
    said.lines([*report.lines(), f"Wrote {out}."])
    if report.warning:
        click.echo(f"s75xl: warning: {report.warning}", err=True)
    said.summary({"command": "fill", "template": str(template), "out": str(out), **dataclasses.asdict(report)})


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
              help="How records are linked to a person: DHSC's (NHS number, else LA code and local ID) or "
                   "NHS England's (see docs/cld.md).")
@click.option("--psr", help="Filter the Section 75 activity counts by primary support reason, e.g. 'Mental Health Support'.")
@click.option("--age-band", type=click.Choice(["18-64", "65+"]), help="Filter the activity counts by age band.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="results.xlsx (a formatted workbook) or results.csv")
@suppress_options
@json_option
@quiet_option
def compute_command(cld_files, periods, population, mha, cpa, mapping, method, proxy_dob, person_id_rule, psr,
                    age_band, out, suppression, suppress_threshold, as_json, quiet) -> None:
    """ASCOF and Section 75 measures from CLD extract(s) and local logs.

    \b
    Example: s75xl compute cld_q1.csv cld_q2.csv --period 2024-25 --population pop.csv --out results.csv
    """
    from .cld import compute
    from .report import write_output

    said = Output(quiet=quiet, as_json=as_json)
    check_output(out, [*cld_files, population, mha, cpa, mapping])
    check_suppression(suppression, suppress_threshold)
    with said.step(f"Computing {len(periods)} period(s) from {len(cld_files)} CLD file(s)"):
        results, quality, warnings = compute(cld_files, periods, population=population, mha=mha, cpa=cpa,
                                             mapping=mapping, method=method, proxy_dob=proxy_dob, psr=psr,
                                             age_band=age_band, person_id_rule=person_id_rule)
    with said.step(f"Writing {out}"):
        write_output(suppressed(results, suppression, suppress_threshold), out, "results", _run_notes("compute", {
            "CLD files": list(cld_files), "periods": list(periods), "population": population, "MHA log": mha,
            "CPA extract": cpa, "mapping": mapping, "method": method, "person ID rule": person_id_rule,
            "proxy date of birth": "yes" if proxy_dob else "", "primary support reason": psr, "age band": age_band,
            "suppression": list(suppression)}),
                     inputs=[*cld_files, population, mha, cpa, mapping])
    dropped = quality.table()
    lines = [f"Read {quality.rows_read:,} rows; kept {quality.rows_kept:,} events. Wrote {len(results)} results to {out}."]
    lines += [f"Note: {warning}" for warning in warnings]
    if not dropped.empty:
        lines.append("Data quality (run s75xl check for the full report):")
        lines += [f"  {row.kind}: {row.field_or_rule}: {row.count:,}" for row in dropped.itertuples()]
    said.lines(lines)
    said.summary({"command": "compute", "out": str(out), "rows_read": quality.rows_read,
                  "events_kept": quality.rows_kept, "results": len(results),
                  "measures": int(results["measure"].nunique()) if len(results) else 0,
                  "periods": list(periods), "notes": list(warnings),
                  "data_quality": [{"kind": r.kind, "field_or_rule": r.field_or_rule, "count": int(r.count)}
                                   for r in dropped.itertuples()]})


@cli.command(name="check")
@click.argument("cld_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False),
              help="Also write the report: .xlsx (a formatted workbook) or .csv.")
@json_option
@quiet_option
def check_command(cld_files, out, as_json, quiet) -> None:
    """The data-quality report: missing and invalid values, rows dropped and why.

    \b
    Example: s75xl check cld_2024_q4.csv --out quality.xlsx
    """
    from .cld import read_cld
    from .report import write_output

    said = Output(quiet=quiet, as_json=as_json)
    if out:
        check_output(out, cld_files)
    with said.step(f"Reading and checking {len(cld_files)} CLD file(s)"):
        _, quality = read_cld(cld_files)
    report = quality.table()
    lines = [f"{quality.rows_read:,} rows read; {quality.rows_kept:,} events kept."]
    if report.empty:
        lines.append("No problems found.")
    lines += [f"{row.kind:8} {row.field_or_rule}: {row.count:,} (for example {row.example_rows})"
              for row in report.itertuples()]
    said.lines(lines)
    if out:
        with said.step(f"Writing {out}"):
            write_output(report, out, "check", _run_notes("check", {
                "CLD files": list(cld_files), "rows read": f"{quality.rows_read:,}",
                "events kept": f"{quality.rows_kept:,}"}), inputs=cld_files)
    said.summary({"command": "check", "out": str(out) if out else None, "rows_read": quality.rows_read,
                  "events_kept": quality.rows_kept,
                  "problems": [{"kind": r.kind, "field_or_rule": r.field_or_rule, "count": int(r.count),
                                "example_rows": str(r.example_rows)} for r in report.itertuples()]})


@cli.command(name="demo-data")
@click.option("--people", type=click.IntRange(1, 5_000_000), default=2000, show_default=True,
              help="How many people the synthetic council serves (1 to 5,000,000).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same files.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="The folder to write the files into (made if missing).")
@quiet_option
def demo_data(people, seed, out_dir, quiet) -> None:
    """Write a synthetic CLD extract, MHA log, CPA extract and population table.

    \b
    Example: s75xl demo-data --people 2000 --seed 1 --out demo
    """
    from .synthetic import write

    with Output(quiet=quiet).step(f"Generating {people:,} people and writing their files"):
        paths = write(out_dir, people, seed)
    for name, path in paths.items():
        click.echo(f"{name:11} {path}")


@cli.command()
@click.option("--out", "out_dir", default="s75xl-demo", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the synthetic council's files.")
@click.option("--no-pdf", is_flag=True, help="Skip the PDFs (which need LibreOffice).")
@quiet_option
def demo(out_dir, no_pdf, quiet) -> None:
    """The whole job on a synthetic council: demo-data, check, compute, assess, fill every shipped
    template, the board pack; then Norfolk's published ASCOF 2016/17 table recomputed.

    Example: s75xl demo --out s75xl-demo
    """
    from .demo import run_demo, show_demo

    show_demo(run_demo, out_dir, pdf=not no_pdf, quiet=quiet)


def main(argv: list[str] | None = None) -> int:
    """Run the command; every user error becomes one line and exit status 2, never a traceback."""
    saved = os.environ.get("S75XL_CATALOGUE")
    try:
        result = cli.main(args=argv, prog_name="s75xl", standalone_mode=False)
    except S75Error as exc:
        return _fail(str(exc))
    except click.exceptions.Abort:
        return _fail("aborted.", 1)
    except click.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx is not None else "s75xl"
        return _fail(f"{_sentence(exc.format_message())} See {path} --help.")
    except click.ClickException as exc:
        return _fail(_sentence(exc.format_message()))
    except KeyboardInterrupt:
        return _fail("interrupted.", 130)
    except OSError as exc:  # a file that cannot be read or written: the system's reason and the file
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}.")
    except Exception as exc:  # noqa: BLE001 - never a traceback (s75xl/safety/messages.py)
        click.echo(f"s75xl: {unforeseen(exc)}", err=True)
        return EXIT_USER_ERROR if isinstance(exc, MemoryError) else 1
    finally:  # --catalogue lasts for one command, even when main() is called in-process
        if saved is None:
            os.environ.pop("S75XL_CATALOGUE", None)
        else:
            os.environ["S75XL_CATALOGUE"] = saved
    return result if isinstance(result, int) else 0


def _sentence(message: str) -> str:
    """click's message on one line, as a sentence."""
    text = " ".join(message.split())
    return text if text.endswith((".", "?", "!", ")")) else text + "."


def _fail(message: str, code: int = EXIT_USER_ERROR) -> int:
    click.echo(f"s75xl: {message}", err=True)
    return code



# Commands from the sub-packages: one import and one add_command each.
from .commands.templates import templates_group  # noqa: E402
cli.add_command(templates_group)
from .commands.functions import functions_group  # noqa: E402
cli.add_command(functions_group)
from .pack.cli import pack_command  # noqa: E402
cli.add_command(pack_command)
from .finance.cli import budget as budget_group  # noqa: E402
cli.add_command(budget_group)
from .excel.cli import addin as _addin_group  # noqa: E402  (the S75 ribbon add-in: s75xl addin ...)
cli.add_command(_addin_group)
