"""``s75xl pack``: the quarterly board pack from the command line.

Options, one call to `build_pack`, and the report's lines: each file written, the overall
rating and the exceptions per area, and any warnings (unused commentary, areas with no data).
Progress bars go to standard error, one per area and stage, for a person at a terminal (as every
command's progress: s75xl/commands/output.py), and ``--quiet`` silences them.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..commands.publication import suppress_options

STAGES = ("content and forecasts", "workbook and charts", "PDF")


class _Bars:
    """A rich progress bar per area, advanced stage by stage (on stderr, so output stays clean)."""

    def __init__(self, quiet: bool, pdf: bool):
        from ..commands.output import progress_wanted

        self.progress = None
        self.tasks: dict[str, int] = {}
        self.stages = STAGES if pdf else STAGES[:2]
        if progress_wanted(quiet):  # for a person at a terminal only, as every command (a log gets one error line)
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                     console=Console(stderr=True), transient=False)

    def __enter__(self):
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()

    def __call__(self, area: str, stage: str) -> None:
        if not self.progress:
            return
        key = area or "(all areas)"
        if key not in self.tasks:
            total = len(self.stages) if area else None
            self.tasks[key] = self.progress.add_task(f"{key}: {stage}", total=total)
        else:
            self.progress.advance(self.tasks[key])
        self.progress.update(self.tasks[key], description=f"{key}: {stage}")

    def finish(self) -> None:
        if self.progress:
            for key, task in self.tasks.items():
                self.progress.update(task, total=len(self.stages), completed=len(self.stages), description=f"{key}: done")


@click.command(name="pack")
@click.option("--results", required=True, type=click.Path(dir_okay=False), help="Results table (CSV or XLSX).")
@click.option("--targets", type=click.Path(dir_okay=False), help="Targets table: adds targets, RAG and forecasts.")
@click.option("--benchmarks", "benchmark_files", multiple=True, type=click.Path(dir_okay=False),
              help="National ASCOF data file(s) as published, or a table of benchmark_<name> columns. Repeatable.")
@click.option("--council", help="With national files: the council's code, ONS code or name.")
@click.option("--region", help="With national files: its region's name or code.")
@click.option("--comparator", "comparators", multiple=True,
              help="With national files: a member of the comparator (family) group. Repeatable.")
@click.option("--commentary", type=click.Path(dir_okay=False),
              help="Commentary per measure: why off target, actions, lead officer, data owner.")
@click.option("--period", help="Reporting month, e.g. 2017-03 (default: the latest in the results).")
@click.option("--area", "areas", multiple=True, help="Only this area. Repeatable.")
@click.option("--cards", type=click.Choice(["exceptions", "all"]), default="exceptions", show_default=True,
              help="Which measures get a report card.")
@suppress_options
@click.option("--tolerance", type=float, default=5.0, show_default=True, help="Amber band: % worse than target.")
@click.option("--consecutive", type=int, default=3, show_default=True, help="Periods of change that make an exception.")
@click.option("--no-screening", is_flag=True, help="SPC without moving-range screening (MDC Excel).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF (which needs LibreOffice).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the pack files.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
def pack_command(results, targets, benchmark_files, council, region, comparators, commentary, period, areas, cards,
                 suppression, suppress_threshold, tolerance, consecutive, no_screening, no_pdf, out_dir, quiet) -> None:
    """Build the quarterly board pack: summary, all measures, exceptions, a report card per
    exception with its chart and forecast, benchmarks; an Excel workbook per area and its PDF.

    Example: s75xl pack --results results.csv --targets targets.csv --period 2017-03 --out pack
    """
    from ..ratings import Thresholds
    from ..spc_options import SPCOptions
    from ..tables import read_table
    from .benchmarks_input import read_benchmark_files
    from .build import build_pack
    from .options import PackOptions

    options = PackOptions(period=period, areas=areas or None, cards_for=cards, pdf=not no_pdf, council=council,
                          region=region, comparators=comparators, suppression=suppression,
                          suppression_threshold=suppress_threshold,
                          thresholds=Thresholds(amber_tolerance_pct=tolerance, consecutive_periods=consecutive),
                          spc=SPCOptions(screen_outliers=not no_screening))
    table = read_table(results, "results")
    target_table = read_table(targets, "targets") if targets else None
    note_table = read_table(commentary, "commentary") if commentary else None
    bench = read_benchmark_files(benchmark_files, options) if benchmark_files else None
    with _Bars(quiet, not no_pdf) as bars:
        result = build_pack(table, targets=target_table, benchmarks=bench, commentary=note_table,
                            out_dir=out_dir, options=options, progress=bars,
                            input_files=[results, targets, commentary, *benchmark_files])
        bars.finish()
    for path in result.files:
        click.echo(f"Wrote {Path(path)}")
    click.echo("\n".join(result.lines()))
    for warning in result.warnings:
        click.echo(f"Note: {warning}")
    if result.pdf_missing:
        click.echo(result.pdf_missing)
