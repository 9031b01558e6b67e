"""The bad-input catalogue: every kind of broken or hostile input at every command-line entry point,
each with its expected outcome (docs/bad-input.md lists the same cases, by id).

Every case runs through `bad_input_kit.run`, which also checks what every run promises: no
traceback, one line and exit status 2 for an error, no input changed, nothing left behind, no
synthetic identity in a message. The worksheet-function cases are in test_bad_input_udfs.py.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from .bad_input_kit import DASHBOARD, council, edit_csv, identities, registrar, run

ERROR, OK, FINDING = "error", "ok", "finding"
CASES: dict[str, tuple[str, str, object, str, str]] = {}  # id -> (entry, what, build, expect, pattern)
case = registrar(CASES)


def cld(d: Path, change) -> None:
    edit_csv(d / "cld.csv", change)


def set_cell(column, value, row=0):
    def change(f):
        f.loc[row, column] = value
        return f
    return change


COMPUTE = ["compute", "cld.csv", "--period", "2024-25", "--out", "results_out.csv"]
CHECK = ["check", "cld.csv"]


# ---------------------------------------------------------------- CLD extracts (compute, check)

@case("cld-missing", "check", "CLD file that does not exist", ERROR, "does not exist")
def _(d):
    return ["check", "nothere.csv"]


@case("cld-empty", "check", "empty CLD file (0 bytes)", ERROR, "no rows")
def _(d):
    (d / "empty.csv").write_bytes(b"")
    return ["check", "empty.csv"]


@case("cld-header-only", "check", "CLD header with no rows", ERROR, "no rows")
def _(d):
    (d / "h.csv").write_text((d / "cld.csv").read_text().splitlines()[0] + "\n")
    return ["check", "h.csv"]


@case("cld-not-cld", "check", "a CSV that is not CLD", ERROR, "not a CLD extract")
def _(d):
    (d / "x.csv").write_text("a,b\n1,2\n")
    return ["check", "x.csv"]


@case("cld-binary", "check", "a binary file named .csv", ERROR, "CLD file")
def _(d):
    (d / "x.csv").write_bytes(bytes(range(256)) * 40)
    return ["check", "x.csv"]


@case("cld-title-row", "check", "a title row above the header", ERROR, "not a CLD extract")
def _(d):
    (d / "t.csv").write_text("Council CLD extract, Q4 2024-25\n" + (d / "cld.csv").read_text())
    return ["check", "t.csv"]


@case("cld-ragged-row", "check", "a row with more fields than the header, holding a person's details", ERROR, r"line \d+")
def _(d):
    with open(d / "cld.csv", "a") as handle:
        handle.write("999,2023-04-01,2025-03-31,9434765919,C9,Johnathan,Smithers,SW1A 1AA,Male,01/02/1950,,"
                     + ",".join(["x"] * 20) + "\n")
    return CHECK


@case("cld-bom", "check", "UTF-8 with a byte-order mark", OK, "rows read")
def _(d):
    (d / "cld.csv").write_bytes(b"\xef\xbb\xbf" + (d / "cld.csv").read_bytes())
    return CHECK


@case("cld-cp1252", "check", "Windows-1252 text (a name with an accent)", OK, "rows read")
def _(d):
    text = (d / "cld.csv").read_text().replace("Taylor", "Taylör")
    (d / "cld.csv").write_bytes(text.encode("cp1252"))
    return CHECK


@case("cld-utf16", "check", "UTF-16 text (Excel's Unicode text)", OK, "rows read")
def _(d):
    (d / "cld.csv").write_text((d / "cld.csv").read_text(), encoding="utf-16")
    return CHECK


@case("cld-semicolon", "check", "semicolon-delimited", OK, "rows read")
def _(d):
    pd.read_csv(d / "cld.csv", dtype=str).to_csv(d / "cld.csv", sep=";", index=False)
    return CHECK


@case("cld-tab", "check", "tab-delimited", OK, "rows read")
def _(d):
    pd.read_csv(d / "cld.csv", dtype=str).to_csv(d / "cld.csv", sep="\t", index=False)
    return CHECK


@case("cld-duplicated-header", "check", "a field with two columns (a decoy)", ERROR, "two columns for 'Event Start Date'")
def _(d):
    cld(d, lambda f: f.assign(event_start_date=f["Event End Date"]))
    return CHECK


@case("cld-birth-2090", "check", "a date of birth in 2090", FINDING, "invalid +Date of Birth: 1")
def _(d):
    cld(d, set_cell("Date of Birth", "01/01/2090"))
    return CHECK


@case("cld-birth-1801", "check", "a date of birth in 1801", FINDING, "invalid +Date of Birth: 1")
def _(d):
    cld(d, set_cell("Date of Birth", "1801-05-01"))
    return CHECK


@case("cld-nhs-zeros", "check", "NHS number 0000000000 (would merge people)", FINDING, "invalid +NHS Number: 2")
def _(d):
    cld(d, lambda f: set_cell("NHS Number", "0000000000", 1)(set_cell("NHS Number", "0000000000", 0)(f)))
    return CHECK


@case("cld-nhs-overlong", "check", "an 11-digit NHS number", FINDING, "invalid +NHS Number: 1")
def _(d):
    cld(d, set_cell("NHS Number", "94347659191"))
    return CHECK


@case("cld-nhs-letters", "check", "an NHS number with letters", FINDING, "invalid +NHS Number: 1")
def _(d):
    cld(d, set_cell("NHS Number", "943 476 AB19"))
    return CHECK


@case("cld-date-31-02", "check", "a date that does not exist (31/02/2024)", FINDING, "invalid +Event Start Date: 1")
def _(d):
    cld(d, set_cell("Event Start Date", "31/02/2024"))
    return CHECK


@case("cld-date-9999", "check", "a 9999-12-31 end-date placeholder", FINDING, "invalid +Event End Date: 1")
def _(d):
    cld(d, set_cell("Event End Date", "9999-12-31"))
    return CHECK


@case("cld-dates-serial", "check", "dates as Excel serial numbers", OK, "rows read")
def _(d):
    cld(d, lambda f: f.assign(**{"Event Start Date": (pd.to_datetime(f["Event Start Date"]) - pd.Timestamp("1899-12-30")).dt.days.astype(str)}))
    return CHECK


@case("cld-dates-text", "check", "dates as dd/mm/yyyy text", OK, "rows read")
def _(d):
    cld(d, lambda f: f.assign(**{"Event Start Date": pd.to_datetime(f["Event Start Date"]).dt.strftime("%d/%m/%Y")}))
    return CHECK


@case("cld-huge-unused-field", "check", "a 40 MB value in a column s75xl never reads", OK, "rows read")
def _(d):
    cld(d, set_cell("First Name", "x" * (40 << 20), 5))
    return CHECK


@case("cld-xlsx", "check", "a CLD extract as an Excel workbook", OK, "rows read")
def _(d):
    pd.read_csv(d / "cld.csv", dtype=str).to_excel(d / "cld.xlsx", index=False)
    return ["check", "cld.xlsx"]


@case("cld-xlsx-bomb", "check", "a CLD workbook whose sheet inflates 1000 to 1", ERROR, "compressed")
def _(d):
    bomb(d / "cld.xlsx", 64 << 20)
    return ["check", "cld.xlsx"]


@case("cld-folder", "check", "a folder given as the CLD file", ERROR, "directory|folder")
def _(d):
    (d / "sub.csv").mkdir()
    return ["check", "sub.csv"]


# ---------------------------------------------------------------- output paths

@case("out-is-cld", "compute", "--out is the CLD file", ERROR, "would overwrite an input")
def _(d):
    return ["compute", "cld.csv", "--out", "cld.csv"]


@case("out-is-cld-other-spelling", "compute", "--out is the CLD file, spelt ./cld.csv", ERROR, "would overwrite an input")
def _(d):
    return ["compute", "cld.csv", "--out", "./cld.csv"]


@case("out-is-population", "compute", "--out is the population file", ERROR, "would overwrite an input")
def _(d):
    return ["compute", "cld.csv", "--population", "population.csv", "--out", "population.csv"]


@case("out-is-mha", "compute", "--out is the MHA log", ERROR, "would overwrite an input")
def _(d):
    return ["compute", "cld.csv", "--mha", "mha_log.csv", "--out", "mha_log.csv"]


@case("out-is-cpa", "compute", "--out is the CPA extract", ERROR, "would overwrite an input")
def _(d):
    return ["compute", "cld.csv", "--cpa", "cpa_extract.csv", "--out", "cpa_extract.csv"]


@case("out-is-hard-link", "compute", "--out is a hard link to the CLD file", ERROR, "would overwrite an input")
def _(d):
    (d / "link.csv").hardlink_to(d / "cld.csv")
    return ["compute", "cld.csv", "--out", "link.csv"]


@case("check-out-is-cld", "check", "check --out is the CLD file", ERROR, "would overwrite an input")
def _(d):
    return ["check", "cld.csv", "--out", "cld.csv"]


@case("out-folder-missing", "compute", "--out in a folder that does not exist", ERROR, "does not exist")
def _(d):
    return ["compute", "cld.csv", "--out", "nowhere/results.csv"]


@case("out-is-folder", "compute", "--out is a folder", ERROR, "directory|folder")
def _(d):
    (d / "outdir").mkdir()
    return ["compute", "cld.csv", "--out", "outdir"]


@case("assess-out-is-results", "assess", "assess --out is the results file", ERROR, "would overwrite an input")
def _(d):
    return ["assess", "results.csv", "--out", "results.csv"]


@case("assess-out-is-targets", "assess", "assess --out is the targets file", ERROR, "would overwrite an input")
def _(d):
    return ["assess", "results.csv", "--targets", "targets.csv", "--out", "targets.csv"]


@case("fill-out-is-results", "fill", "fill --out is the results file", ERROR, "would overwrite an input")
def _(d):
    return ["fill", "dashboard.xlsx", "--results", "results.csv", "--out", "results.csv"]


@case("fill-out-is-template", "fill", "fill --out is the template, without --in-place", ERROR, "template itself")
def _(d):
    return ["fill", "dashboard.xlsx", "--results", "results.csv", "--out", "dashboard.xlsx"]


@case("fill-out-folder-missing", "fill", "fill --out in a folder that does not exist", ERROR, "does not exist")
def _(d):
    return ["fill", "dashboard.xlsx", "--results", "results.csv", "--out", "no/where.xlsx"]


# ---------------------------------------------------------------- command-line options

@case("period-month-13", "compute", "--period rolling-12:2025-13", ERROR, "is not a period")
def _(d):
    return ["compute", "cld.csv", "--period", "rolling-12:2025-13", "--out", "r.csv"]


@case("period-2024-13", "compute", "--period 2024-13", ERROR, "is not a period")
def _(d):
    return ["compute", "cld.csv", "--period", "2024-13", "--out", "r.csv"]


@case("period-words", "compute", "--period last-year", ERROR, "is not a period")
def _(d):
    return ["compute", "cld.csv", "--period", "last-year", "--out", "r.csv"]


@case("period-outside-data", "compute", "a period after every date in the data", ERROR, "outside the extract")
def _(d):
    return ["compute", "cld.csv", "--period", "2031-32", "--out", "r.csv"]


@case("psr-unknown", "compute", "--psr that is no support reason", ERROR, "primary support reason")
def _(d):
    return ["compute", "cld.csv", "--psr", "Gardening", "--out", "r.csv"]


@case("seed-negative", "demo-data", "--seed -5", ERROR, "seed")
def _(d):
    return ["demo-data", "--seed", "-5", "--out", "demo"]


@case("people-zero", "demo-data", "--people 0", ERROR, "people")
def _(d):
    return ["demo-data", "--people", "0", "--out", "demo"]


@case("tolerance-nan", "assess", "--tolerance nan", ERROR, "tolerance")
def _(d):
    return ["assess", "results.csv", "--out", "a.csv", "--tolerance", "nan"]


@case("tolerance-negative", "assess", "--tolerance -5", ERROR, "tolerance")
def _(d):
    return ["assess", "results.csv", "--out", "a.csv", "--tolerance", "-5"]


@case("consecutive-negative", "assess", "--consecutive -1", ERROR, "consecutive")
def _(d):
    return ["assess", "results.csv", "--out", "a.csv", "--consecutive", "-1"]


@case("measure-code-100k", "info", "a 100,000-character measure code", ERROR, r"characters\)")
def _(d):
    return ["info", "X" * 100_000]


@case("rate-huge-integer", "rate", "a numerator of 10**400", ERROR, "")
def _(d):
    return ["rate", "1" + "0" * 400, "5", "1C(1A)"]


@case("rate-text", "rate", "a numerator that is text", ERROR, "")
def _(d):
    return ["rate", "many", "5", "1C(1A)"]


# ---------------------------------------------------------------- populations, MHA and CPA files, mappings

POP = ["compute", "cld.csv", "--population", "population.csv", "--out", "r.csv"]


@case("population-other-area", "compute", "a population file for another council", ERROR, "has only")
def _(d):
    edit_csv(d / "population.csv", lambda f: f.assign(area_code="E10000020"))
    return POP


@case("population-conflicting-rows", "compute", "two different populations for one area, band and year", ERROR, "two different populations")
def _(d):
    edit_csv(d / "population.csv", lambda f: pd.concat([f, f.iloc[[0]].assign(population="10")]))
    return POP


@case("population-repeated-row", "compute", "the same population row twice", OK, "Wrote")
def _(d):
    edit_csv(d / "population.csv", lambda f: pd.concat([f, f.iloc[[0]]]))
    return POP


@case("population-negative", "compute", "a negative population", ERROR, "positive numbers")
def _(d):
    edit_csv(d / "population.csv", set_cell("population", "-100"))
    return POP


@case("population-missing-column", "compute", "a population file with no year column", ERROR, "no column 'year'")
def _(d):
    edit_csv(d / "population.csv", lambda f: f.drop(columns="year"))
    return POP


MHA = ["compute", "cld.csv", "--mha", "mha_log.csv", "--out", "r.csv"]
CPA = ["compute", "cld.csv", "--cpa", "cpa_extract.csv", "--out", "r.csv"]


@case("mha-age-negative", "compute", "an MHA age of -5", ERROR, "age must be")
def _(d):
    edit_csv(d / "mha_log.csv", set_cell("Age", "-5"))
    return MHA


@case("mha-age-huge", "compute", "an MHA age of 1e9", ERROR, "age must be")
def _(d):
    edit_csv(d / "mha_log.csv", set_cell("Age", "1e9"))
    return MHA


@case("mha-date-word", "compute", "an MHA date 'yesterday'", ERROR, "not a date")
def _(d):
    edit_csv(d / "mha_log.csv", set_cell("Assessment Date", "yesterday"))
    return MHA


@case("mha-missing-column", "compute", "an MHA log without its outcome column", ERROR, "has no column 'Outcome'")
def _(d):
    edit_csv(d / "mha_log.csv", lambda f: f.drop(columns="Outcome"))
    return MHA


@case("cpa-date-word", "compute", "a CPA date 'yesterday'", ERROR, "not a date")
def _(d):
    edit_csv(d / "cpa_extract.csv", set_cell("Last Contact Date", "yesterday"))
    return CPA


@case("mapping-latin1", "compute", "a mapping file saved in Latin-1", ERROR, "not UTF-8")
def _(d):
    (d / "map.toml").write_bytes('[mha.columns]\ndate = "Dat\xe9"\n'.encode("latin-1"))
    return [*MHA[:-2], "--mapping", "map.toml", "--out", "r.csv"]


@case("mapping-not-toml", "compute", "a mapping file that is not TOML", ERROR, "not valid TOML")
def _(d):
    (d / "map.toml").write_text("this is = = not toml\n")
    return [*MHA[:-2], "--mapping", "map.toml", "--out", "r.csv"]


@case("mapping-no-section", "compute", "a mapping file with no [mha.columns]", ERROR, r"no \[mha.columns\]")
def _(d):
    (d / "map.toml").write_text("[other]\na = 1\n")
    return [*MHA[:-2], "--mapping", "map.toml", "--out", "r.csv"]


# ---------------------------------------------------------------- results and targets (assess)

ASSESS = ["assess", "results.csv", "--out", "assessed.csv"]


def results(d: Path, change) -> None:
    edit_csv(d / "results.csv", change)


@case("results-missing", "assess", "a results file that does not exist", ERROR, "does not exist")
def _(d):
    return ["assess", "none.csv", "--out", "a.csv"]


@case("results-empty", "assess", "an empty results file", ERROR, "cannot be read|no rows")
def _(d):
    (d / "results.csv").write_text("")
    return ASSESS


@case("results-duplicate-keys", "assess", "two rows for one area, measure and period", ERROR, "two rows for")
def _(d):
    results(d, lambda f: pd.concat([f, f.iloc[[3]]]))
    return ASSESS


@case("results-decimal-comma", "assess", "a value written 89,9%", ERROR, "decimal comma")
def _(d):
    results(d, set_cell("value", "89,9%"))
    return ASSESS


@case("results-extra-field", "assess", "an unquoted 89,9% in a comma-separated file (found by fuzzing)", ERROR, "line 3: more fields")
def _(d):
    (d / "results.csv").write_text("area,measure,period,value\nNorfolk,NFK-VS-01,2016-03,86.3\n"
                                   "Norfolk,NFK-VS-01,2016-04,89,9%\n")
    return ASSESS


@case("results-thousands", "assess", "a numerator written 1,234", OK, "Wrote")
def _(d):
    results(d, set_cell("denominator", "1,387"))
    return ASSESS


@case("results-inf", "assess", "a value of inf", ERROR, "infinite")
def _(d):
    results(d, set_cell("value", "inf"))
    return ASSESS


@case("results-1e308", "assess", "a value of 1e308", ERROR, "too large")
def _(d):
    results(d, set_cell("value", "1e308"))
    return ASSESS


@case("results-negative-numerator", "assess", "a negative numerator", ERROR, "cannot be negative")
def _(d):
    results(d, set_cell("numerator", "-3"))
    return ASSESS


@case("results-blank-measure", "assess", "a blank measure", ERROR, "measure is blank")
def _(d):
    results(d, set_cell("measure", ""))
    return ASSESS


@case("results-bad-date", "assess", "a period that is not a date", ERROR, "not a date")
def _(d):
    results(d, set_cell("period", "someday"))
    return ASSESS


@case("results-unknown-measure", "assess", "a measure in neither catalogue nor with a polarity", ERROR, "Unknown measure")
def _(d):
    results(d, set_cell("measure", "NOT-A-MEASURE"))
    return ASSESS


@case("results-formula-area", "assess", "an area cell starting =HYPERLINK", OK, "Wrote")
def _(d):
    results(d, lambda f: f.assign(area='=HYPERLINK("http://x.example","Norfolk")'))
    return ASSESS


@case("results-utf16", "assess", "results saved as UTF-16", OK, "Wrote")
def _(d):
    (d / "results.csv").write_text((d / "results.csv").read_text(), encoding="utf-16")
    return ASSESS


@case("results-cp1252", "assess", "results saved as Windows-1252", OK, "Wrote")
def _(d):
    (d / "results.csv").write_bytes((d / "results.csv").read_text().replace("Norfolk", "Norfolk é").encode("cp1252"))
    return ASSESS


@case("results-semicolon", "assess", "semicolon-delimited results", OK, "Wrote")
def _(d):
    pd.read_csv(d / "results.csv", dtype=str).to_csv(d / "results.csv", sep=";", index=False)
    return ASSESS


@case("results-bom", "assess", "results with a UTF-8 byte-order mark", OK, "Wrote")
def _(d):
    (d / "results.csv").write_bytes(b"\xef\xbb\xbf" + (d / "results.csv").read_bytes())
    return ASSESS


@case("results-duplicate-header", "assess", "two columns headed value", ERROR, "two columns headed")
def _(d):
    text = (d / "results.csv").read_text().splitlines()
    (d / "results.csv").write_text("\n".join([text[0] + ",Value"] + [line + ",1" for line in text[1:]]) + "\n")
    return ASSESS


@case("results-xlsx-error-cells", "assess", "an Excel results file with #N/A and #DIV/0! cells", OK, "Wrote")
def _(d):
    frame = pd.read_csv(d / "results.csv", dtype=str)
    frame.to_excel(d / "results.xlsx", index=False)
    from openpyxl import load_workbook

    book = load_workbook(d / "results.xlsx")
    book.active["D2"] = "#N/A"
    book.active["D3"] = "#DIV/0!"
    book.save(d / "results.xlsx")
    (d / "results.csv").unlink()
    return ["assess", "results.xlsx", "--out", "assessed.csv"]


@case("results-xlsx-merged", "assess", "an Excel results file with merged cells", OK, "Wrote")
def _(d):
    pd.read_csv(d / "results.csv", dtype=str).to_excel(d / "results.xlsx", index=False)
    from openpyxl import load_workbook

    book = load_workbook(d / "results.xlsx")
    book.active.merge_cells("A2:A3")
    book.save(d / "results.xlsx")
    (d / "results.csv").unlink()
    return ["assess", "results.xlsx", "--out", "assessed.csv"]


@case("results-xlsx-bomb", "assess", "a results workbook over the size limit", ERROR, "above the limit")
def _(d):
    bomb(d / "results.xlsx", 101 << 20, ratio_ok=True)
    return ["assess", "results.xlsx", "--out", "assessed.csv"]


@case("results-xlsx-not-zip", "assess", "a text file named .xlsx", ERROR, "cannot be read")
def _(d):
    (d / "results.xlsx").write_text("hello")
    return ["assess", "results.xlsx", "--out", "assessed.csv"]


TARGETS = ["assess", "results.csv", "--targets", "targets.csv", "--out", "assessed.csv"]


@case("targets-unknown-measure", "assess", "a target for a measure that exists nowhere", ERROR, "not in the results either")
def _(d):
    edit_csv(d / "targets.csv", set_cell("measure", "NFK-VS-99"))
    return TARGETS


@case("targets-duplicate", "assess", "two targets for one measure and year", ERROR, "second target")
def _(d):
    edit_csv(d / "targets.csv", lambda f: pd.concat([f, f.iloc[[0]]]))
    return TARGETS


@case("targets-bad-year", "assess", "a target year 2016", ERROR, "year")
def _(d):
    edit_csv(d / "targets.csv", set_cell("year", "sometime"))
    return TARGETS


@case("targets-bad-profile", "assess", "an unknown target profile", ERROR, "must be one of")
def _(d):
    edit_csv(d / "targets.csv", set_cell("profile", "wiggly"))
    return TARGETS


# ---------------------------------------------------------------- templates and layouts (fill)

FILL = ["fill", "dashboard.xlsx", "--results", "results.csv", "--targets", "targets.csv", "--out", "filled.xlsx"]


def bomb(path: Path, size: int, *, ratio_ok: bool = False) -> None:
    """An .xlsx whose sheet part inflates to `size` bytes (random-ish bytes when ratio_ok, so
    only the size limit is broken)."""
    import os

    with zipfile.ZipFile(DASHBOARD) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            target.writestr(info, source.read(info))
        with target.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = os.urandom(1 << 20) if ratio_ok else b" " * (1 << 20)
            for _ in range(size >> 20):
                part.write(chunk)


def rewrite(path: Path, change: dict[str, bytes | None]) -> None:
    """Replace (or, with None, drop) parts of an .xlsx."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename in change:
                if change[info.filename] is not None:
                    target.writestr(info.filename, change[info.filename])
            else:
                target.writestr(info, data)
        for name, data in change.items():
            if name not in dict((i.filename, 0) for i, _ in parts) and data is not None:
                target.writestr(name, data)


@case("template-missing", "fill", "a template that does not exist", ERROR, "no such file")
def _(d):
    return ["fill", "none.xlsx", "--results", "results.csv", "--out", "filled.xlsx"]


@case("template-text", "fill", "a text file named .xlsx", ERROR, "not an Excel")
def _(d):
    (d / "dashboard.xlsx").write_text("hello")
    return FILL


@case("template-encrypted", "fill", "a password-protected workbook", ERROR, "password-protected")
def _(d):
    (d / "dashboard.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return FILL


@case("template-size-bomb", "fill", "a sheet that inflates to 101 MiB", ERROR, "above the limit")
def _(d):
    bomb(d / "dashboard.xlsx", 101 << 20, ratio_ok=True)
    return FILL


@case("template-ratio-bomb", "fill", "a sheet compressed 1000 to 1", ERROR, "compressed")
def _(d):
    bomb(d / "dashboard.xlsx", 64 << 20)
    return FILL


@case("template-dotdot", "fill", "a zip entry named ../../evil", ERROR, "outside the file")
def _(d):
    rewrite(d / "dashboard.xlsx", {"../../evil.txt": b"x"})
    return FILL


@case("template-many-entries", "fill", "a zip of 20,000 entries", ERROR, "parts")
def _(d):
    rewrite(d / "dashboard.xlsx", {f"xl/media/x{i}.bin": b"" for i in range(20_000)})
    return FILL


@case("template-entities", "fill", "a sheet declaring XML entities (billion laughs)", ERROR, "entities")
def _(d):
    with zipfile.ZipFile(d / "dashboard.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    head, rest = sheet.split("?>", 1) if "?>" in sheet else ("", sheet)
    rewrite(d / "dashboard.xlsx", {"xl/worksheets/sheet1.xml": (head + ('?>' if head else '') + '<!DOCTYPE x [<!ENTITY a "aaaa">]>' + rest).encode()})
    return FILL


@case("template-utf16-sheet", "fill", "a sheet part saved as UTF-16", ERROR, "UTF-16")
def _(d):
    with zipfile.ZipFile(d / "dashboard.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    rewrite(d / "dashboard.xlsx", {"xl/worksheets/sheet1.xml": sheet.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")})
    return FILL


@case("template-no-workbook-rels", "fill", "a workbook without its relationship part", ERROR, "template")
def _(d):
    rewrite(d / "dashboard.xlsx", {"xl/_rels/workbook.xml.rels": None})
    return FILL


@case("template-no-workbook", "fill", "a zip that is not a workbook", ERROR, "not an Excel workbook")
def _(d):
    with zipfile.ZipFile(d / "dashboard.xlsx", "w") as z:
        z.writestr("hello.txt", "hi")
    return FILL


@case("template-truncated", "fill", "a workbook cut short (a broken download)", ERROR, "template")
def _(d):
    data = (d / "dashboard.xlsx").read_bytes()
    (d / "dashboard.xlsx").write_bytes(data[: len(data) // 2])
    return FILL


@case("template-open-in-excel", "fill", "a template open in Excel (a ~$ lock file)", ERROR, "open in Excel")
def _(d):
    (d / "~$dashboard.xlsx").write_bytes(b"lock")
    return FILL


def layout(d: Path, text: str) -> None:
    (d / "dashboard.layout.toml").write_text(text)


BASE_LAYOUT = 'sheet = "Dashboard"\nheader = ["Monthly", "Vital sign", "Measure"]\nperiods = "month"\n'


@case("layout-rolling-negative", "fill", "a layout with rolling = -5", ERROR, "rolling")
def _(d):
    layout(d, BASE_LAYOUT + "rolling = -5\n")
    return FILL


@case("layout-rolling-text", "fill", "a layout with rolling = \"13\"", ERROR, "rolling")
def _(d):
    layout(d, BASE_LAYOUT + 'rolling = "13"\n')
    return FILL


@case("layout-header-int", "fill", "a layout whose header is a number", ERROR, "header")
def _(d):
    layout(d, 'sheet = "Dashboard"\nheader = 5\nperiods = "month"\n')
    return FILL


@case("layout-columns-int", "fill", "a layout whose [columns] entry is a number", ERROR, "columns")
def _(d):
    layout(d, BASE_LAYOUT + "[columns]\ntarget = 3\n")
    return FILL


@case("layout-binary", "fill", "a binary file as the layout", ERROR, "not UTF-8|not valid TOML")
def _(d):
    (d / "dashboard.layout.toml").write_bytes(bytes(range(256)))
    return FILL


@case("layout-unknown-setting", "fill", "a layout with an unknown setting", ERROR, "unknown setting")
def _(d):
    layout(d, BASE_LAYOUT + "colour = 1\n")
    return FILL


@case("layout-missing-header", "fill", "a layout whose heading is not in the template", ERROR, "Nearest labels|no heading")
def _(d):
    layout(d, 'sheet = "Dashboard"\nheader = ["Nothing like it"]\nperiods = "month"\n')
    return FILL


@case("fill-formula-in-results", "fill", "results whose text starts with = (fill)", OK, "Wrote")
def _(d):
    edit_csv(d / "results.csv", lambda f: f.assign(area="=1+1"))
    return FILL


# ---------------------------------------------------------------- catalogue files

def catalogue(d: Path, text: str, name: str = "mine.toml") -> list[str]:
    (d / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return ["--catalogue", str(d / name), "info", "2A(1)"]


ENTRY = ('[[measure]]\nid = "LOCAL-1"\nname = "A local measure"\nframework = "Local"\ngroup = "Local"\n'
         'unit = "percent"\npolarity = "higher"\ndecimals = 1\nfrequency = "monthly"\nsource = "here"\n'
         'numerator = "people"\ndenominator = "people"\n')


@case("catalogue-duplicate-id", "--catalogue", "one id twice in a council's catalogue file", ERROR, "appears twice")
def _(d):
    return catalogue(d, ENTRY + ENTRY)


@case("catalogue-multiplier-nan", "--catalogue", "multiplier = nan", ERROR, "multiplier")
def _(d):
    return catalogue(d, ENTRY + "multiplier = nan\n")


@case("catalogue-claims-ascof", "--catalogue", "a council's file declaring itself ASCOF to add 2A(9)", ERROR, "only the shipped catalogue")
def _(d):
    return catalogue(d, '[framework]\nkind = "ascof"\n' + ENTRY.replace("LOCAL-1", "2A(9)"))


@case("catalogue-local-ascof-id", "--catalogue", "a local id that looks like an ASCOF code", ERROR, "must not look like")
def _(d):
    return catalogue(d, ENTRY.replace("LOCAL-1", "2A(9)"))


@case("catalogue-latin1", "--catalogue", "a catalogue file in Latin-1", ERROR, "not UTF-8")
def _(d):
    return catalogue(d, ENTRY.replace("A local", "Caf\xe9").encode("latin-1"))


@case("catalogue-bad-toml", "--catalogue", "a catalogue file that is not TOML", ERROR, "not valid TOML")
def _(d):
    return catalogue(d, "[[measure]\n")


@case("catalogue-measure-not-list", "--catalogue", "measure = 1", ERROR, "must be a list")
def _(d):
    return catalogue(d, "measure = 1\n")


@case("catalogue-framework-text", "--catalogue", "framework = \"x\" instead of a table", ERROR, "must be tables")
def _(d):
    return catalogue(d, 'framework = "x"\n' + ENTRY)


@case("catalogue-csv-formula-name", "--catalogue", "a CSV catalogue whose name starts with =", OK, "2A")
def _(d):
    text = "id,name,framework,group,unit,polarity,decimals,frequency,source,numerator,denominator\n" \
           "LOCAL-9,=HYPERLINK(\"x\"),Local,Local,percent,higher,1,monthly,here,people,people\n"
    return catalogue(d, text, "mine.csv")


# ---------------------------------------------------------------- the board pack (s75xl pack)

PACK = ["pack", "--results", "results.csv", "--targets", "targets.csv", "--no-pdf", "-q"]


def national(d: Path, name: str = "ascof_2016-17.csv") -> str:
    (d / name).write_text("Geographical Code,ASCOF Measure Code,Measure Type,Measure Value\n"
                          "E10000020,2A(1),Outcome,12\n")
    return name


@case("pack-unknown-area", "pack", "--area naming an area the results do not hold", ERROR, "no area named 'Suffolk'")
def _(d):
    return [*PACK, "--area", "Suffolk", "--out", "pk"]


@case("pack-period-month-13", "pack", "--period 2017-13", ERROR, "not a month")
def _(d):
    return [*PACK, "--period", "2017-13", "--out", "pk"]


@case("pack-period-word", "pack", "--period March (no year; had read as the year 1)", ERROR, "'March' is not a month")
def _(d):
    return [*PACK, "--period", "March", "--out", "pk"]


@case("pack-period-outside", "pack", "--period after the results end", ERROR, "no figures for Mar 2030")
def _(d):
    return [*PACK, "--period", "2030-03", "--out", "pk"]


@case("pack-tolerance-negative", "pack", "--tolerance -5", ERROR, "percentage of 0 or more")
def _(d):
    return [*PACK, "--tolerance", "-5", "--out", "pk"]


@case("pack-consecutive-zero", "pack", "--consecutive 0", ERROR, "whole number of 1 or more")
def _(d):
    return [*PACK, "--consecutive", "0", "--out", "pk"]


@case("pack-error-in-a-log", "pack", "an error with standard error going to a log, not a terminal", ERROR,
      r"^s75xl: The results hold no figures for Mar 2030")
def _(d):
    return ["pack", "--results", "results.csv", "--period", "2030-03", "--out", "pk"]  # no -q: no progress bars either


@case("pack-out-is-a-file", "pack", "--out naming the results file", ERROR, "is a file")
def _(d):
    return [*PACK, "--out", "results.csv"]


@case("pack-out-is-input", "pack", "a pack file name that is the results workbook", ERROR, "would overwrite an input")
def _(d):
    (d / "pk").mkdir()
    pd.read_csv(d / "results.csv").to_excel(d / "pk" / "pack_Norfolk_2017-03.xlsx", index=False)
    return ["pack", "--results", "pk/pack_Norfolk_2017-03.xlsx", "--no-pdf", "-q", "--out", "pk"]


@case("pack-national-binary", "pack", "a binary file as the national benchmarks file", ERROR, "benchmarks file nat.csv")
def _(d):
    (d / "nat.csv").write_bytes(b"garbage\x00\x01\x02" * 50)
    return [*PACK, "--benchmarks", "nat.csv", "--out", "pk"]


@case("pack-national-latin1", "pack", "a national file in Windows-1252 without a council", ERROR, "say which council")
def _(d):
    (d / "ascof_2016-17.csv").write_bytes("Geographical Code,Geographical Description,ASCOF Measure Code,Measure Type,"
                                          "Measure Value\nE10000020,Norfolk – Café,2A(1),Outcome,12\n".encode("cp1252"))
    return [*PACK, "--benchmarks", "ascof_2016-17.csv", "--out", "pk"]


@case("pack-national-no-year", "pack", "a national file whose year cannot be told", ERROR, "financial year")
def _(d):
    return [*PACK, "--benchmarks", national(d, "nat.csv"), "--council", "E10000020", "--out", "pk"]


@case("pack-national-unknown-council", "pack", "--council not in the national file", ERROR, "no council 'Nowhere'")
def _(d):
    return [*PACK, "--benchmarks", national(d), "--council", "Nowhere", "--out", "pk"]


@case("pack-benchmarks-missing", "pack", "a benchmarks file that does not exist", ERROR, "does not exist")
def _(d):
    return [*PACK, "--benchmarks", "nothere.csv", "--out", "pk"]


@case("pack-commentary-missing", "pack", "a commentary file that does not exist", ERROR, "does not exist")
def _(d):
    return [*PACK, "--commentary", "nothere.csv", "--out", "pk"]


@case("pack-cards-unknown", "pack", "--cards some", ERROR, "--cards")
def _(d):
    return [*PACK, "--cards", "some", "--out", "pk"]


@case("pack-suppress-unknown", "pack", "--suppress with a policy that does not exist", ERROR, "Unknown suppression policy")
def _(d):
    return [*PACK, "--suppress", "suppress-bellow", "--out", "pk"]


@case("pack-suppress-threshold-negative", "pack", "--suppress-threshold -1", ERROR, "positive number")
def _(d):
    return [*PACK, "--suppress", "suppress-below", "--suppress-threshold", "-1", "--out", "pk"]


@case("pack-suppress-threshold-nan", "pack", "--suppress-threshold nan", ERROR, "positive number")
def _(d):
    return [*PACK, "--suppress", "suppress-below", "--suppress-threshold", "nan", "--out", "pk"]


@case("pack-duplicate-keys", "pack", "results with one (area, measure, period) twice", ERROR, "two rows for")
def _(d):
    edit_csv(d / "results.csv", lambda f: pd.concat([f, f.iloc[:1].assign(value="1")], ignore_index=True))
    return [*PACK, "--out", "pk"]


def spans(d: Path, *rows: tuple[str, str, str]) -> str:
    """A results file for NFK-VS-01 with the given (period, start, end) rows, one value each."""
    lines = ["area,measure,period,period_start,period_end,value,numerator,denominator"]
    lines += [f"Norfolk,NFK-VS-01,{p},{a},{b},86.3,334,387" for p, a, b in rows]
    (d / "spans.csv").write_text("\n".join(lines) + "\n")
    return "spans.csv"


@case("pack-mixed-period-kinds", "pack", "results with a quarter and a year ending in the same month", ERROR,
      "2 figures for 'NFK-VS-01' ending in Mar 2017")
def _(d):
    name = spans(d, ("2016-17", "2016-04-01", "2017-03-31"), ("Q4-2016-17", "2017-01-01", "2017-03-31"))
    return ["pack", "--results", name, "--no-pdf", "-q", "--out", "pk"]


@case("pack-one-span-two-names", "pack", "one year's figure under two names (2016-17 and rolling-12:2017-03)", OK,
      "Wrote pk/pack_Norfolk_2017-03.xlsx")
def _(d):
    name = spans(d, ("2016-17", "2016-04-01", "2017-03-31"), ("rolling-12:2017-03", "2016-04-01", "2017-03-31"))
    return ["pack", "--results", name, "--no-pdf", "--out", "pk"]


@case("pack-formula-area", "pack", "results whose area starts with = (pack)", OK, "Wrote pk/pack_HYPERLINK")
def _(d):
    edit_csv(d / "results.csv", lambda f: f.assign(area='=HYPERLINK("http://x")'))
    edit_csv(d / "targets.csv", lambda f: f.assign(area='=HYPERLINK("http://x")') if "area" in f else f)
    return ["pack", "--results", "results.csv", "--targets", "targets.csv", "--no-pdf", "--out", "pk"]


@case("pack-commentary-formula", "pack", "commentary whose text starts with =", OK, "Wrote pk/")
def _(d):
    (d / "com.csv").write_text('measure,why\nNFK-VS-01,"=HYPERLINK(""http://x"")"\n')
    return ["pack", "--results", "results.csv", "--commentary", "com.csv", "--no-pdf", "--out", "pk"]


# ---------------------------------------------------------------- the budget monitor (s75xl budget refresh)

def budget(d: Path, *extra: str, out: str = "march.xlsx") -> list[str]:
    """The demo ledger (a folder of CSV files and a SQLite file) and the monitor beside the council's files."""
    from s75xl.finance.demo import CSV_FOLDER, SQLITE
    from s75xl.resources import shipped_path

    if not (d / "ledger").exists():
        shutil.copytree(CSV_FOLDER, d / "ledger")
        shutil.copy(SQLITE, d / "ledger.sqlite")
        shutil.copy(shipped_path("templates", "budget_monitor.xlsx"), d / "budget_monitor.xlsx")
    return ["budget", "refresh", "budget_monitor.xlsx", "--ledger", "ledger", "--period", "2017-03", *extra, "--out", out]


def ledger_csv(d: Path, name: str, change) -> None:
    path = d / "ledger" / name
    change(path)


def ledger_cell(name: str, row: int, column: str, value: str):
    def change(path: Path) -> None:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.loc[row, column] = value
        frame.to_csv(path, index=False)
    return change


@case("budget-ledger-missing", "budget refresh", "a ledger that does not exist", ERROR, "does not exist")
def _(d):
    argv = budget(d)
    argv[argv.index("ledger")] = "nothere"
    return argv


@case("budget-ledger-cp1252", "budget refresh", "a ledger CSV in Windows-1252 (a dash and an accent)", OK, "wrote march.xlsx")
def _(d):
    argv = budget(d)
    path = d / "ledger" / "budget.csv"
    path.write_bytes(path.read_text().replace("social work", "social work – café").encode("cp1252"))
    return argv


@case("budget-ledger-utf16", "budget refresh", "a ledger CSV in UTF-16 (Excel's Unicode text)", OK, "wrote march.xlsx")
def _(d):
    argv = budget(d)
    path = d / "ledger" / "budget.csv"
    path.write_text(path.read_text(), encoding="utf-16")
    return argv


@case("budget-ledger-bom", "budget refresh", "a ledger CSV with a UTF-8 byte-order mark", OK, "wrote march.xlsx")
def _(d):
    argv = budget(d)
    path = d / "ledger" / "ledger.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return argv


@case("budget-ledger-semicolon", "budget refresh", "a semicolon-delimited ledger", OK, "wrote march.xlsx")
def _(d):
    argv = budget(d)
    path = d / "ledger" / "ledger.csv"
    pd.read_csv(path, dtype=str).to_csv(path, sep=";", index=False)
    return argv


@case("budget-ledger-title-row", "budget refresh", "a title row above the ledger's header", ERROR, "no column 'period'")
def _(d):
    argv = budget(d)
    path = d / "ledger" / "ledger.csv"
    path.write_text("Ledger extract, March 2017\n" + path.read_text())
    return argv


@case("budget-ledger-empty", "budget refresh", "an empty ledger file", ERROR, "cannot be read as CSV")
def _(d):
    argv = budget(d)
    (d / "ledger" / "ledger.csv").write_bytes(b"")
    return argv


@case("budget-duplicate-cost-centre", "budget refresh", "one cost centre and subjective twice in the budget",
      ERROR, "appears more than once")
def _(d):
    argv = budget(d)
    path = d / "ledger" / "budget.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1].replace("3072633.0", "5.0")]) + "\n")
    return argv


@case("budget-text-in-money", "budget refresh", "text in a money column ('twelve')", ERROR,
      r"ledger.csv, row \d+, column 'actual': a text of 6 characters is not an amount")
def _(d):
    argv = budget(d)
    ledger_csv(d, "ledger.csv", ledger_cell("ledger.csv", 2, "actual", "twelve"))
    return argv


@case("budget-inf-in-money", "budget refresh", "inf in a money column", ERROR, "'inf' is not an amount")
def _(d):
    argv = budget(d)
    ledger_csv(d, "ledger.csv", ledger_cell("ledger.csv", 2, "actual", "inf"))
    return argv


@case("budget-pounds-and-commas", "budget refresh", "money written £239,146.75", OK, "wrote march.xlsx")
def _(d):
    argv = budget(d)
    ledger_csv(d, "ledger.csv", ledger_cell("ledger.csv", 2, "actual", "£239,146.75"))
    return argv


@case("budget-formula-in-ledger", "budget refresh", "ledger text starting with = (a service name)", OK, "wrote march.xlsx")
def _(d):
    argv = budget(d)
    ledger_csv(d, "budget.csv", ledger_cell("budget.csv", 0, "service", '=HYPERLINK("http://x","click")'))
    return argv


@case("budget-missing-column", "budget refresh", "a ledger without its actual column", ERROR, "has no column 'actual'")
def _(d):
    argv = budget(d)
    path = d / "ledger" / "ledger.csv"
    pd.read_csv(path, dtype=str).drop(columns=["actual"]).to_csv(path, index=False)
    return argv


@case("budget-period-month-13", "budget refresh", "--period 2017-13", ERROR, "not a month")
def _(d):
    argv = budget(d)
    argv[argv.index("2017-03")] = "2017-13"
    return argv


@case("budget-period-outside", "budget refresh", "--period with no ledger rows (a finding, not zeros)", FINDING,
      "has no rows at all for")
def _(d):
    argv = budget(d)
    argv[argv.index("2017-03")] = "2030-03"
    return argv


@case("budget-threshold-nan", "budget refresh", "--threshold nan", ERROR, "threshold must be above 0%")
def _(d):
    return budget(d, "--threshold", "nan")


@case("budget-mapping-latin1", "budget refresh", "a column-mapping file in Latin-1", ERROR, "not UTF-8")
def _(d):
    (d / "map.toml").write_bytes('[ledger]\nactual = "Dépense"\n'.encode("latin-1"))
    return budget(d, "--mapping", "map.toml")


@case("budget-mapping-not-a-section", "budget refresh", "a mapping file with ledger = 5", ERROR, "must be a section")
def _(d):
    (d / "map.toml").write_text("ledger = 5\n")
    return budget(d, "--mapping", "map.toml")


@case("budget-mapping-number", "budget refresh", "a mapping file with a number for a column name", ERROR, "must be text")
def _(d):
    (d / "map.toml").write_text("[ledger]\nactual = 5\n")
    return budget(d, "--mapping", "map.toml")


@case("budget-mapping-unknown-column", "budget refresh", "a mapping to a column the ledger lacks", ERROR,
      "no column 'Spend'")
def _(d):
    (d / "map.toml").write_text('[ledger]\nactual = "Spend"\n')
    return budget(d, "--mapping", "map.toml")


@case("budget-url-no-driver", "budget refresh", "a database URL whose driver is not installed", ERROR, "cannot be used")
def _(d):
    argv = budget(d)
    argv[argv.index("ledger")] = "mysql+mysqldb://x/y"
    return argv


@case("budget-url-refused", "budget refresh", "a database URL nothing answers (its password never echoed)", ERROR,
      r"^(?!.*secret).*(Could not connect|cannot be used)")
def _(d):
    argv = budget(d)
    argv[argv.index("ledger")] = "postgresql://user:secret@127.0.0.1:1/ledger"
    return argv


@case("budget-url-sqlite-missing", "budget refresh", "a sqlite:/// URL to a file that does not exist", ERROR,
      "does not exist")
def _(d):
    argv = budget(d)
    argv[argv.index("ledger")] = "sqlite:///nothere.db"
    return argv


@case("budget-out-is-ledger", "budget refresh", "--out naming the SQLite ledger", ERROR, "would overwrite an input")
def _(d):
    argv = budget(d, out="ledger.sqlite")
    argv[argv.index("ledger")] = "ledger.sqlite"
    return argv


@case("budget-out-in-ledger-folder", "budget refresh", "--out naming a CSV of the ledger folder (was destroyed)",
      ERROR, "would overwrite an input")
def _(d):
    return budget(d, out="ledger/budget.csv")


@case("budget-out-is-workbook", "budget refresh", "--out naming the monitor itself, without --in-place", ERROR,
      "is the workbook itself")
def _(d):
    return budget(d, out="budget_monitor.xlsx")


@case("budget-out-folder-missing", "budget refresh", "--out in a folder that does not exist", ERROR, "does not exist")
def _(d):
    return budget(d, out="nofolder/march.xlsx")


@case("budget-not-a-monitor", "budget refresh", "a workbook with no budget table", ERROR, "has no budget table")
def _(d):
    argv = budget(d)
    argv[2] = "dashboard.xlsx"
    return argv


@case("budget-workbook-csv", "budget refresh", "a CSV given as the monitor workbook", ERROR, "not an Excel")
def _(d):
    argv = budget(d)
    argv[2] = "results.csv"
    return argv


@case("budget-demo-ledger-over-own-file", "budget demo-ledger", "--out holding the council's own budget_monitor.xlsx",
      ERROR, "already exists and is not the demo's")
def _(d):
    (d / "mine").mkdir()
    (d / "mine" / "budget_monitor.xlsx").write_bytes((d / "dashboard.xlsx").read_bytes())
    return ["budget", "demo-ledger", "--out", "mine"]


@case("addin-out-is-a-source", "addin build", "--out naming one of the add-in's own source files", ERROR,
      "would overwrite an input")
def _(d):
    shutil.copytree(Path(__file__).parent.parent / "workbooks" / "addin", d / "src")
    return ["addin", "build", "--sources", "src", "--out", "src/customUI/customUI14.xml"]


# ---------------------------------------------------------------- publication suppression (compute, assess)

@case("suppress-unknown-policy", "compute", "--suppress with a policy that does not exist", ERROR,
      "Unknown suppression policy")
def _(d):
    return [*COMPUTE, "--suppress", "nothing"]


@case("suppress-threshold-zero", "assess", "--suppress-threshold 0", ERROR, "threshold must be a positive number")
def _(d):
    return [*ASSESS, "--suppress", "suppress-below", "--suppress-threshold", "0"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = council(tmp_path_factory.mktemp("council"))
    return folder, identities(folder)


def test_the_catalogue_has_at_least_80_kinds_with_the_udf_cases():
    from .test_bad_input_udfs import UDF_CASES

    assert len(CASES) + len(UDF_CASES) >= 80


def test_the_docs_table_lists_every_case():
    doc = (Path(__file__).parent.parent / "docs" / "bad-input.md").read_text()
    from .test_bad_input_ribbon import RIBBON_CASES
    from .test_bad_input_udfs import UDF_CASES

    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", doc, re.M))
    every = set(CASES) | set(UDF_CASES) | set(RIBBON_CASES)
    assert listed == every, every ^ listed


@pytest.mark.parametrize("ident", list(CASES))
def test_bad_input(ident, base, tmp_path):
    entry, what, build, expect, pattern = CASES[ident]
    folder = tmp_path / "c"
    shutil.copytree(base[0], folder)
    argv = build(folder)
    output = argv[argv.index("--out") + 1] if "--out" in argv else None
    # an error must leave every file as it was and add none; a success may write only its output
    outcome = run(argv, folder, output=None if expect == ERROR else output, people=base[1])
    if expect == ERROR:
        assert outcome.code == 2, outcome
        assert re.search(pattern, outcome.err), outcome.err
    else:
        assert outcome.code == 0, outcome.err
        assert re.search(pattern, outcome.out), outcome.out
        if output:
            assert (folder / output).exists()
