"""``s75xl functions``: try the worksheet functions from a terminal, exactly as Excel calls them.

``s75xl functions call ASCOF_RATE 80 507180 "2A(1)"`` sends the arguments through xlwings' own
request handling for custom functions (``xlwings.server.custom_functions_call``, the code xlwings
Server and xlwings Lite run), so what prints is what the cell would show, Excel errors included.

That route is part of xlwings PRO. Unless you have set your own key, this command uses xlwings'
``noncommercial`` key, which its PolyForm Noncommercial licence allows for a government
institution or a public health organisation (see docs/worksheet-functions.md). The desktop add-in
needs no key at all.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys

import click

from ..errors import S75Error
from ..resources import shipped_path
from .output import quiet_option

MODULE = "s75xl_functions"
EXCEL_ERRORS = {"Div0": "#DIV/0!", "NotAvailable": "#N/A", "Value": "#VALUE!", "Num": "#NUM!",
                "Name": "#NAME?", "Null": "#NULL!", "Ref": "#REF!"}


def load_functions():
    """The worksheet-function module, set up as xlwings Server loads it."""
    os.environ.setdefault("XLWINGS_ON_SERVER", "true")
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    if MODULE in sys.modules:
        return sys.modules[MODULE]
    if importlib.util.find_spec(MODULE) is not None:  # installed from the wheel, or on the path
        return importlib.import_module(MODULE)
    spec = importlib.util.spec_from_file_location(MODULE, shipped_path("udfs", MODULE + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    spec.loader.exec_module(module)
    return module


def worksheet_functions(module) -> dict[str, object]:
    """Excel name (upper case) -> the Python function behind it."""
    return {name.upper(): getattr(module, name) for name in dir(module)
            if hasattr(getattr(module, name), "__xlfunc__")}


def cell(text: str):
    """An argument typed on the command line, as Excel would hold it in a cell.

    A number is a number, an empty argument is a blank cell, a JSON list such as [[1],[2]] is a
    range (rows of cells), anything else is text.

    >>> cell("80"), cell("2A(1)"), cell(""), cell("[[1, 2]]")
    (80, '2A(1)', None, [[1, 2]])
    """
    stripped = text.strip()
    if stripped == "":
        return None
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError:
            raise S75Error(f"The range {text!r} is not valid: write it as rows of cells, e.g. [[80], [95]].") from None
        rows = value if value and isinstance(value[0], list) else [value]
        return rows
    for kind in (int, float):
        try:
            return kind(stripped.replace(",", ""))
        except ValueError:
            pass
    return text


def call(name: str, *args) -> list[list]:
    """The 2-D result of =NAME(args), with Excel errors as their text ("#DIV/0!")."""
    import asyncio

    module = load_functions()
    import xlwings as xw
    from xlwings import server

    known = worksheet_functions(module)
    if name.upper() not in known:
        import difflib

        near = difflib.get_close_matches(name.upper(), list(known), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(near)}?" if near else " Run s75xl functions list to see them."
        raise S75Error(f"There is no worksheet function {name}.{hint}")
    body = {"func_name": known[name.upper()].__name__, "args": [a if isinstance(a, list) else [[a]] for a in args],
            "caller_address": "[Book1]Sheet1!A1", "content_language": "en-GB",
            "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}
    try:
        result = asyncio.run(server.custom_functions_call(body, module))
    except xw.XlwingsError as exc:  # what Excel shows on hovering over #VALUE!
        raise S75Error(f"{name.upper()} gives #VALUE!: {exc}") from None
    except TypeError as exc:
        raise S75Error(f"{name.upper()} was given the wrong number of arguments ({exc}).") from None
    return [[EXCEL_ERRORS.get(c.get("errorType"), "#VALUE!") if isinstance(c, dict) and c.get("type") == "Error" else c
             for c in row] for row in result]


@click.group(name="functions")
def functions_group() -> None:
    """The worksheet functions (=ASCOF_RATE() and the rest): list them, or call one as Excel would.

    \b
    Example: s75xl functions call ASCOF_RATE 80 507180 "2A(1)"
    """


@functions_group.command(name="list")
@quiet_option
def list_command(quiet) -> None:
    """List every worksheet function with its arguments."""
    import inspect

    for name, func in sorted(worksheet_functions(load_functions()).items()):
        params = inspect.signature(func).parameters.values()
        shown = ", ".join(p.name if p.default is inspect.Parameter.empty else f"[{p.name}]" for p in params)
        click.echo(f"{name}({shown})")


LITE_HEADER = '''# xlwings Lite: the s75xl worksheet functions. Paste this whole file into the Lite editor's
# main.py, and the line in requirements.txt beside it into the editor's requirements.txt.
# Written by `s75xl functions lite` from s75xl {version}'s worksheet-function module.

'''


@functions_group.command(name="lite")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--requirement", help="What requirements.txt installs: the address of the s75xl wheel your council "
                                    "serves (default: s75xl==VERSION, once it is on PyPI).")
@click.option("--force", is_flag=True, help="Replace main.py and requirements.txt already in FOLDER.")
@quiet_option
def lite_command(folder, requirement, force, quiet) -> None:
    """Write the xlwings Lite bundle (main.py and requirements.txt) into FOLDER.

    \b
    Example: s75xl functions lite lite_bundle --requirement https://intranet.example/s75xl-0.1.0-py3-none-any.whl
    """
    from pathlib import Path

    from .. import __version__

    target = Path(folder)
    files = {"main.py": LITE_HEADER.format(version=__version__) + shipped_path("udfs", MODULE + ".py").read_text("utf-8"),
             "requirements.txt": (requirement or f"s75xl=={__version__}") + "\n"}
    clashes = [name for name in files if (target / name).exists()]
    if clashes and not force:
        raise S75Error(f"{target / clashes[0]} already exists; pass --force to replace it.")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    if not quiet:
        click.echo(f"Wrote {target / 'main.py'} and {target / 'requirements.txt'}.")


@functions_group.command(name="call", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
@click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON list of rows.")
@quiet_option
def call_command(name, arguments, as_json, quiet) -> None:
    """Call worksheet function NAME with ARGUMENTS, as Excel would; print what the cells show.

    Numbers are numbers, "" is a blank cell, [[80],[95]] is a range (rows of cells), anything else
    is text. A result that spills prints one row per line, cells separated by tabs.

    \b
    Example: s75xl functions call ASCOF_RATE 80 507180 "2A(1)"
    """
    rows = call(name, *(cell(a) for a in arguments))
    if as_json:
        click.echo(json.dumps(rows))
        return
    for row in rows:
        click.echo("\t".join("" if c is None else str(c) for c in row))
