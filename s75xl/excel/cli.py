"""``s75xl addin build|install|check``: the S75 ribbon add-in from the command line."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from ..errors import S75Error
from ..resources import shipped_dir


def _sources() -> Path:
    return shipped_dir("workbooks") / "addin"


def _addin() -> Path:
    return shipped_dir("workbooks") / "s75xl.xlam"


def _build_target() -> Path:
    """Where a build goes by default: the checkout's workbooks/ folder, or, for an installed s75xl
    (whose files live inside the package), the current folder."""
    return Path("s75xl.xlam") if shipped_dir("workbooks").parent.name == "shipped" else _addin()


@click.group(name="addin")
def addin() -> None:
    """The S75 ribbon add-in for Excel: build it from its text sources, check it, install it."""


@addin.command(name="build")
@click.option("--sources", type=click.Path(file_okay=False), help="Folder with addin.json, customUI/ and vba/ "
              "(default: the shipped sources).")
@click.option("--out", type=click.Path(dir_okay=False), help="The .xlam to write (default: workbooks/s75xl.xlam in a "
              "checkout, ./s75xl.xlam for an installed s75xl).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--sync-xlwings", is_flag=True, help="First regenerate vba/xlwings.bas and vba/Dictionary.cls from "
              "the installed xlwings (after changing the xlwings version).")
def build_command(sources, out, sync_xlwings, quiet) -> None:
    """Build the add-in from its text sources; the same sources always give the same bytes.

    Example: s75xl addin build --out s75xl.xlam
    """
    from .addin import build, sync_xlwings as sync

    folder = Path(sources) if sources else _sources()
    if sync_xlwings:
        for path in sync(folder):
            if not quiet:
                click.echo(f"Regenerated {path} from xlwings.")
    target = build(folder, Path(out) if out else _build_target())
    if not quiet:
        click.echo(f"Built {target} ({target.stat().st_size:,} bytes).")


@addin.command(name="check")
@click.option("--xlam", type=click.Path(dir_okay=False), help="The add-in to check (default: the shipped one).")
@click.option("--sources", type=click.Path(file_okay=False), help="Its text sources (default: the shipped ones).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--libreoffice/--no-libreoffice", default=None,
              help="Also read it with LibreOffice's VBA importer (default: when soffice is installed).")
def check_command(xlam, sources, libreoffice, quiet) -> None:
    """Read the add-in back and check it against its sources; exit 1 if any check fails.

    Example: s75xl addin check --libreoffice
    """
    from .verify import verify

    if libreoffice is None:
        libreoffice = shutil.which("soffice") is not None
    checks = verify(Path(xlam) if xlam else _addin(), Path(sources) if sources else _sources(), libreoffice=libreoffice)
    for check in checks:
        if not quiet or not check.ok:
            click.echo(check.line())
    failed = [c for c in checks if not c.ok]
    if failed:
        raise S75Error(f"{len(failed)} of {len(checks)} add-in checks failed.")


@addin.command(name="install")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--dir", "folder", type=click.Path(file_okay=False),
              help="Copy the add-in here instead of Excel's start-up folder (for a trusted network folder).")
def install_command(folder, quiet) -> None:
    """Install the add-in for this user: Excel's start-up folder and ~/.s75xl/s75xl.conf.

    On Windows and macOS it builds the add-in for the xlwings installed here (its module names the
    xlwings DLL by version), copies it and writes the config naming this Python; elsewhere it
    prints the steps for the PC that has Excel.

    Example: s75xl addin install
    """
    import tempfile
    from dataclasses import replace

    import xlwings

    from . import install as installing
    from .addin import build, sync_xlwings

    target = installing.plan(sys.platform)
    if target is None:
        click.echo("\n".join(installing.steps(_addin())))  # the steps are the point, even with --quiet
        return
    if folder:
        target = replace(target, startup=Path(folder))
    with tempfile.TemporaryDirectory() as work:
        sources = Path(shutil.copytree(_sources(), Path(work) / "addin"))
        sync_xlwings(sources)
        built = build(sources, Path(work) / installing.ADDIN_NAME)
        lines = installing.install(built, target)
        if not quiet:
            click.echo(f"Built the add-in for xlwings {xlwings.__version__}.")
            click.echo("\n".join(lines))
