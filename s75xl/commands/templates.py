"""``s75xl templates``: the report templates shipped with s75xl, listed and copied.

A shipped template is an ``.xlsx`` with its layout file (``NAME.layout.toml``) beside it, in the
folder `s75xl.resources` names (``templates/`` in a checkout, inside the package in a wheel).
``s75xl fill`` accepts a shipped template by name, so a council can fill one without copying it.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import S75Error
from ..resources import shipped_dir
from ..safety.outputs import copy_atomically
from .output import Output, quiet_option

LAYOUT_SUFFIX = ".layout.toml"


class TemplateNotFoundError(S75Error):
    """A template name that is neither a file nor a shipped template."""


def shipped_templates() -> dict[str, Path]:
    """Each shipped template's name (without .xlsx) and path, in name order."""
    folder = shipped_dir("templates")
    return {p.stem: p for p in sorted(folder.glob("*.xlsx"))
            if p.with_name(p.stem + LAYOUT_SUFFIX).is_file()}


def _title(path: Path) -> str:
    """The template's name as its layout file gives it (read directly: no pandas at start-up)."""
    from ..catalogue import tomllib

    layout = path.with_name(path.stem + LAYOUT_SUFFIX)
    try:
        return str(tomllib.loads(layout.read_text(encoding="utf-8")).get("name", ""))
    except (OSError, ValueError):  # a name is a nicety; `s75xl fill` reports a broken layout
        return ""


def find_template(name: str) -> Path:
    """The shipped template called `name` ("vital_signs_dashboard" or "...dashboard.xlsx")."""
    templates = shipped_templates()
    key = Path(name).name.removesuffix(".xlsx")
    if key in templates:
        return templates[key]
    import difflib

    near = difflib.get_close_matches(key, list(templates), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(near)}?" if near else f" The shipped templates are {', '.join(templates)}."
    raise TemplateNotFoundError(f"There is no template {name!r}: no such file, and no shipped template of that name.{hint}")


def resolve_template(argument: str) -> Path:
    """A file the user names, else the shipped template of that name (``s75xl fill NAME``)."""
    path = Path(argument)
    if path.exists():
        return path
    if path.parent == Path(".") or path.parent.name == "templates":
        return find_template(argument)
    raise TemplateNotFoundError(f"The template {argument} does not exist.")


@click.group(name="templates")
def templates_group() -> None:
    """The report templates shipped with s75xl: list them, copy one to your own folder.

    \b
    Example: s75xl templates copy vital_signs_dashboard my_reports
    """


@templates_group.command(name="list")
@quiet_option
def list_command(quiet) -> None:
    """List the shipped templates (fill one by name: s75xl fill NAME --results ...)."""
    for name, path in shipped_templates().items():
        title = _title(path)
        click.echo(f"{name:28} {title}".rstrip())


@templates_group.command(name="copy")
@click.argument("name")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Replace files of the same name already in FOLDER.")
@quiet_option
def copy_command(name, folder, force, quiet) -> None:
    """Copy a shipped template and its layout file into FOLDER, to change or fill there.

    \b
    Example: s75xl templates copy vital_signs_dashboard my_reports
    """
    source = find_template(name)
    layout = source.with_name(source.stem + LAYOUT_SUFFIX)
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise S75Error(f"{folder} is a file, not a folder.")
    pairs = [(source, target / source.name), (layout, target / layout.name)]
    clashes = [str(dest) for _, dest in pairs if dest.exists()]
    if clashes and not force:
        raise S75Error(f"{clashes[0]} already exists; pass --force to replace it.")
    target.mkdir(parents=True, exist_ok=True)
    for src, dest in pairs:
        copy_atomically(src, dest, what="template copy")
    Output(quiet=quiet).note(f"Copied {source.name} and {layout.name} to {target}.")
