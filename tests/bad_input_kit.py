"""Shared pieces of the bad-input tests: a small council's files, and checks every run must pass.

`council(folder)` writes a synthetic CLD extract, MHA log, CPA extract and population table
(s75xl demo-data), Norfolk's published results and targets, and a copy of the vital-signs
dashboard template with its layout. `run(argv, folder)` runs the command in-process and checks
what every entry point promises (DESIGN.md, "Rules of the house"): no traceback; an error is one
line starting "s75xl:" with exit status 2; no input file changed; nothing left behind beyond the
output; no synthetic identity in any message.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from s75xl.cli import main
from s75xl.demo import read_shipped_csv
from s75xl.synthetic import write as write_demo_data

TEMPLATES = Path(__file__).parent.parent / "templates"
DASHBOARD = TEMPLATES / "vital_signs_dashboard.xlsx"
LAYOUT = TEMPLATES / "vital_signs_dashboard.layout.toml"


def registrar(cases: dict):
    """A `case(ident, entry, what, expect, pattern)` decorator that files each decorated builder in
    `cases` under its id, as (entry, what, build, expect, pattern): the catalogue's rows."""
    def case(ident: str, entry: str, what: str, expect: str, pattern: str):
        def register(build):
            cases[ident] = (entry, what, build, expect, pattern)
            return build
        return register
    return case


def council(folder: Path, people: int = 60) -> Path:
    write_demo_data(folder, people, 3)
    read_shipped_csv("norfolk_results_2016_17.csv").to_csv(folder / "results.csv", index=False)
    read_shipped_csv("norfolk_targets_2016_17.csv").to_csv(folder / "targets.csv", index=False)
    shutil.copy(DASHBOARD, folder / "dashboard.xlsx")
    shutil.copy(LAYOUT, folder / "dashboard.layout.toml")
    return folder


def identities(folder: Path) -> set[str]:
    """The synthetic people's identifying details, as the CLD extract writes them."""
    cld = pd.read_csv(folder / "cld.csv", dtype=str)
    found = set(cld["NHS Number"].dropna()) | set(cld["LA Person Unique Identifier"].dropna())
    found |= set((cld["First Name"] + " " + cld["Last Name"]).dropna())
    found |= {"Johnathan Smithers", "9434765919", "SW1A 1AA"}  # the hostile rows' person
    return {f for f in found if len(f) >= 6}


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run(argv: list[str], folder: Path, *, output: str | None = None, people: set[str] | None = None) -> Outcome:
    """Run `s75xl argv` in `folder` and check the promises every run keeps (see the module doc)."""
    import os

    before = snapshot(folder)
    people = identities(folder) if people is None else people
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(cwd)
    result = Outcome(code, out.getvalue(), err.getvalue())
    text = result.out + result.err
    assert "Traceback" not in text, text
    leaked = [p for p in people if p in text]
    assert not leaked, f"identities in the messages: {leaked[:3]}"
    after = snapshot(folder)
    changed = [name for name, digest in before.items() if after.get(name) != digest and name != output]
    assert not changed, f"input files changed: {changed}"
    new = [name for name in after if name not in before and name != output
           and not (output and name.startswith(output.rstrip("/") + "/"))]  # an output folder's files
    assert not new, f"files left behind: {new}"
    if code != 0:
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert len(lines) == 1 and (lines[0].startswith("s75xl: ") or lines[0].startswith("Error: ")), result.err
        assert len(lines[0]) < 600, lines[0]
        assert code == 2, (code, result.err)
    return result


def edit_csv(path: Path, change, **read) -> None:
    """Rewrite a CSV after `change(frame)` (all columns read as text)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, **read)
    frame = change(frame) if change else frame
    frame.to_csv(path, index=False)
