"""How every command speaks: results on standard output, progress and errors on standard error.

- ``--quiet`` silences progress and notes; a command's answer (a rate, a list) still prints.
- ``--json`` replaces a command's lines with one JSON object (a summary a script can read).
- Progress is shown only to a person: when standard error is a terminal and not ``--quiet``.
  Each step longer than about a second gets a rich progress line with its elapsed time.
- Text for a pipe or a file is plain: no colours, no boxes, and never a word broken across lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass

import click

PROGRESS_ENV = "S75XL_PROGRESS"  # "always" shows progress even when stderr is not a terminal (tests)


def quiet_option(command):
    """Add -q/--quiet to a command."""
    return click.option("-q", "--quiet", is_flag=True,
                        help="No progress or notes on standard error; errors still show.")(command)


def json_option(command):
    """Add --json to a command that writes a file."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON summary on standard output instead of the report lines.")(command)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def progress_wanted(quiet: bool) -> bool:
    if quiet:
        return False
    return os.environ.get(PROGRESS_ENV) == "always" or sys.stderr.isatty()


@dataclass
class Output:
    """What one command run prints, and how."""

    quiet: bool = False
    as_json: bool = False

    def lines(self, lines) -> None:
        """The command's report lines (not shown with --json)."""
        if not self.as_json:
            for line in lines:
                click.echo(line)

    def note(self, text: str) -> None:
        """A note for a person (not shown with --quiet or --json)."""
        if not (self.quiet or self.as_json):
            click.echo(text)

    def notes(self, notes) -> None:
        """What the user should know about how the input was read (a date order chosen, say):
        on standard error, so they never mix with a report or JSON (not shown with --quiet)."""
        if not self.quiet:
            for note in notes:
                click.echo(f"s75xl: note: {note}", err=True)

    def summary(self, data: dict) -> None:
        """The JSON summary (only with --json)."""
        if self.as_json:
            click.echo(json.dumps(data, indent=2, default=_plain))

    @contextlib.contextmanager
    def step(self, description: str):
        """Show `description` with a pulsing bar and the elapsed time while the block runs."""
        if not progress_wanted(self.quiet):
            yield
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(stderr=True, force_terminal=os.environ.get(PROGRESS_ENV) == "always" or None)
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task(description, total=None)
            yield
            progress.update(task, total=1, completed=1)


def _plain(value):
    """JSON for numpy and pandas scalars, dates and paths."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def plain_table(rows: list[dict], columns: list[str]) -> str:
    """Rows as aligned plain text, every value on one line (a long name widens its column)."""
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    out = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    for row in rows:
        out.append("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns).rstrip())
    return "\n".join(out)


def show_table(title: str, rows: list[dict], columns: list[str], right: tuple[str, ...] = ()) -> None:
    """A table for a person (rich, fitted to the terminal) or for a pipe (plain, never wrapped)."""
    if not stdout_is_terminal():
        click.echo(title)
        click.echo(plain_table(rows, columns))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    Console().print(table)
