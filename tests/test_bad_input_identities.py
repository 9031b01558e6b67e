"""No personal data leaves the engine: the whole demo, every command on its files and every error
path, with every output file and every message scanned for the synthetic people's names, NHS
numbers and local IDs (DESIGN.md: client-level data never leaves the engine)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd

import s75xl.data

from s75xl.cli import main

from .bad_input_kit import DASHBOARD, LAYOUT, edit_csv
from .test_bad_input_catalogue import CASES


def identities(cld: Path) -> set[str]:
    frame = pd.read_csv(cld, dtype=str)
    found = set(frame["NHS Number"].dropna()) | set(frame["LA Person Unique Identifier"].dropna())
    found |= set((frame["First Name"] + " " + frame["Last Name"]).dropna())
    found |= set(frame["Last Name"].dropna()) - {"Wilson"}  # "Wilson" is also the score interval's name
    found |= set(frame["Date of Birth"].dropna())
    return {f for f in found if len(f) >= 5}


def text_of(path: Path) -> str:
    """A file's text as a reader would see it; for a workbook, every XML part; for a PDF, its text."""
    if path.suffix == ".pdf" and shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_bytes().decode("utf-8", "replace")


def capture(folder: Path, argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(argv)
    finally:
        os.chdir(cwd)
    return out.getvalue() + err.getvalue()


def test_the_demo_and_every_command_and_error_path_leak_no_identity(tmp_path):
    demo = tmp_path / "demo"
    messages = [capture(tmp_path, ["demo", "--out", str(demo)])]
    for extract in (demo / "inputs").iterdir():  # the demo keeps its generated extracts apart
        shutil.copy(extract, demo / extract.name)
    shutil.copy(Path(s75xl.data.__file__).parent / "demo_targets_2024_25.csv", demo / "targets.csv")
    inputs = {p.name for p in demo.iterdir()} - {"results.csv", "targets.csv", "assessed.csv"}
    people = identities(demo / "cld.csv")
    assert len(people) > 100
    shutil.copy(DASHBOARD, demo / "dashboard.xlsx")
    shutil.copy(LAYOUT, demo / "dashboard.layout.toml")
    inputs |= {"dashboard.xlsx", "dashboard.layout.toml"}
    runs = [
        ["check", "cld.csv", "--out", "report.csv"],
        ["check", "cld.csv", "--out", "report.xlsx"],
        ["compute", "cld.csv", "--period", "2024-25", "--period", "2024-09", "--population", "population.csv",
         "--mha", "mha_log.csv", "--cpa", "cpa_extract.csv", "--out", "computed.xlsx"],
        ["assess", "results.csv", "--targets", "targets.csv", "--out", "assessed2.xlsx"],
        ["fill", "dashboard.xlsx", "--results", "results.csv", "--out", "filled.xlsx"],
    ]
    for argv in runs:
        messages.append(capture(demo, argv))
    # error paths on the identity-bearing files: rows that Arrow, dates and codes refuse
    bad = demo / "bad"
    bad.mkdir()
    frame = pd.read_csv(demo / "cld.csv", dtype=str)
    frame.iloc[:40].assign(**{"Event Start Date": frame["First Name"], "Gender": frame["Last Name"],
                              "Date of Birth": frame["NHS Number"], "LA Code": frame["Postcode"]}).to_csv(bad / "mixed.csv", index=False)
    with open(bad / "ragged.csv", "w") as handle:
        handle.write((demo / "cld.csv").read_text())
        handle.write(",".join(frame.iloc[3].fillna("").tolist() + ["extra", "fields"]) + "\n")
    from s75xl.finance.demo import CSV_FOLDER
    from s75xl.resources import shipped_path

    shutil.copytree(CSV_FOLDER, demo / "ledger")
    shutil.copy(shipped_path("templates", "budget_monitor.xlsx"), demo / "monitor.xlsx")
    inputs |= {"monitor.xlsx"} | {p.name for p in (demo / "ledger").iterdir()}
    people_text = list(frame["First Name"] + " " + frame["Last Name"]) + list(frame["NHS Number"].dropna())
    results = pd.read_csv(demo / "results.csv", dtype=str)
    results[results["period"].str.startswith("rolling-12")].to_csv(demo / "rolling.csv", index=False)
    inputs.add("rolling.csv")
    for name, column in (("bad/ledger", "actual"), ("bad/ledger2", "period")):  # people where money and months belong
        shutil.copytree(CSV_FOLDER, demo / name)
        ledger = pd.read_csv(demo / name / "ledger.csv", dtype=str)
        ledger[column] = people_text[: len(ledger)]
        ledger.to_csv(demo / name / "ledger.csv", index=False)
    for argv in (["check", "bad/mixed.csv", "--out", "bad/report.csv"], ["check", "bad/ragged.csv"],
                 ["compute", "bad/mixed.csv", "--out", "bad/r.csv"], ["compute", "bad/ragged.csv", "--out", "bad/r.csv"],
                 ["assess", "cld.csv", "--out", "bad/a.csv"], ["fill", "dashboard.xlsx", "--results", "cld.csv", "--out", "bad/f.xlsx"],
                 ["compute", "cld.csv", "--population", "cld.csv", "--out", "bad/r2.csv"],
                 ["compute", "cld.csv", "--mha", "cld.csv", "--out", "bad/r3.csv"],
                 ["compute", "cld.csv", "--cpa", "cld.csv", "--out", "bad/r4.csv"],
                 ["--catalogue", "cld.csv", "measures"], ["info", frame.iloc[0]["NHS Number"]],
                 ["rate", frame.iloc[0]["First Name"], "5", "1C(1A)"],
                 # the board pack and the budget monitor given identity-bearing files where tables belong
                 ["pack", "--results", "cld.csv", "--no-pdf", "--out", "bad/pk1"],
                 ["pack", "--results", "results.csv", "--benchmarks", "cld.csv", "--no-pdf", "--out", "bad/pk2"],
                 ["pack", "--results", "results.csv", "--commentary", "cld.csv", "--no-pdf", "--out", "bad/pk3"],
                 ["pack", "--results", "bad/mixed.csv", "--no-pdf", "--out", "bad/pk4"],
                 ["pack", "--results", "results.csv", "--area", frame.iloc[0]["NHS Number"], "--no-pdf", "--out", "bad/pk5"],
                 ["budget", "refresh", "monitor.xlsx", "--ledger", "cld.csv", "--out", "bad/m1.xlsx"],
                 ["budget", "refresh", "monitor.xlsx", "--ledger", "bad/ledger", "--out", "bad/m2.xlsx"],
                 ["budget", "refresh", "monitor.xlsx", "--ledger", "bad/ledger2", "--out", "bad/m3.xlsx"],
                 ["budget", "refresh", "monitor.xlsx", "--ledger", "ledger", "--mapping", "cld.csv", "--out", "bad/m4.xlsx"],
                 ["budget", "check", "--ledger", "bad/ledger"], ["budget", "penalties", "--ledger", "bad/ledger2"],
                 # and the pack and budget outputs of good runs on the demo's own results
                 ["pack", "--results", "results.csv", "--no-pdf", "--out", "bad/pk6"],  # quarters and rolling years
                 ["pack", "--results", "rolling.csv", "--targets", "targets.csv", "--cards", "all", "--out", "pack2"],
                 ["budget", "refresh", "monitor.xlsx", "--ledger", "ledger", "--period", "2017-03", "--out", "march.xlsx"]):
        messages.append(capture(demo, argv))
    made_inputs = {"mixed.csv", "ragged.csv"} | {p.name for p in (demo / "bad" / "ledger").iterdir()}
    written = [p for p in demo.rglob("*") if p.is_file() and (
        p.name not in inputs if "bad" not in p.parts else p.name not in made_inputs)]
    assert len(written) >= 8
    names = {str(p.relative_to(demo)) for p in written}
    assert "march.xlsx" in names and any(n.startswith("pack2/pack_") for n in names), sorted(names)
    leaks = {}
    for source, text in [*((f"message {i}", m) for i, m in enumerate(messages)), *((p.name, text_of(p)) for p in written)]:
        found = [p for p in people if p in text]
        if found:
            leaks[source] = found[:3]
    assert not leaks, leaks


def test_every_catalogue_case_was_scanned_for_identities():
    """The bad-input catalogue's runner scans every case's messages (bad_input_kit.run); this keeps it honest."""
    import inspect

    from . import bad_input_kit

    assert "leaked" in inspect.getsource(bad_input_kit.run) and len(CASES) >= 80
