"""Hypothesis fuzzing of the readers: CLD extracts, results and targets tables, layouts, catalogue
files, sheet XML, the budget ledger and national ASCOF files. Whatever the bytes, a reader either reads them or raises s75xl's own error
(one sentence); any other exception is a crash. Bounded here to a few seconds each; the longer
run is bench/fuzz_long.py, which uses the same TARGETS.
"""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s75xl.errors import S75Error

CLD_HEADER = ["LA Code", "NHS Number", "LA Person Unique Identifier", "Date of Birth", "Date of Death", "Gender",
              "Client Type", "Primary Support Reason", "Event Type", "Service Type", "Event Start Date",
              "Event End Date", "Event Outcome", "First Name"]
CELL = st.one_of(
    st.sampled_from(["", "2024-05-01", "31/02/2024", "9999-12-31", "45000", "Service", "Request", "Service user",
                     "Long Term Support: Nursing Care", "0000000000", "9434765919", "=1+1", "-5", "1e308", "inf",
                     "89,9%", "NaN", "Female", "Mental Health Support", "\u00e9", "\x00"]),
    st.text(alphabet=string.printable + "\u00e9\u2013\ufeff", max_size=12))
ROW = st.lists(CELL, min_size=0, max_size=len(CLD_HEADER) + 2)
DELIMITER = st.sampled_from([",", ";", "\t", "|"])
ENCODING = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    return "\n".join(delimiter.join(r) for r in [header, *rows]) + "\n"


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _file(data: bytes, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="s75xl-fuzz-"))
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


def _outcome(call) -> str:
    """"ok" or "error" (s75xl's own); anything else propagates as a crash."""
    try:
        call()
    except S75Error as exc:
        assert "Traceback" not in str(exc) and len(str(exc)) < 1000, str(exc)[:200]
        return "error"
    return "ok"


# ---------------------------------------------------------------- targets: a strategy and a check each

GOOD_CLD_ROW = ["999", "9434765919", "P1", "1950-01-01", "", "Female", "Service user", "Mental Health Support",
                "Service", "Long Term Support: Nursing Care", "2024-05-01", "", "", "Pat"]


def _mutated(changes: dict[int, str]) -> list[str]:
    return [changes.get(i, cell) for i, cell in enumerate(GOOD_CLD_ROW)]


GOOD_CLD_ROWS = st.lists(st.dictionaries(st.integers(0, len(CLD_HEADER) - 1), CELL, max_size=2).map(_mutated),
                         min_size=1, max_size=8)
CLD_FILES = st.one_of(
    st.builds(lambda rows, d, e: _encode(_csv(CLD_HEADER, rows, d), e), GOOD_CLD_ROWS, DELIMITER, ENCODING),
    st.builds(lambda h, rows, d, e: _encode(_csv(h, rows, d), e),
              st.permutations(CLD_HEADER).map(list), st.lists(ROW, max_size=8), DELIMITER, ENCODING),
    st.binary(max_size=400))


def check_cld(data: bytes) -> str:
    from s75xl.cld import read_cld

    return _outcome(lambda: read_cld([_file(data, ".csv")]))


TABLE_HEADER = st.lists(st.sampled_from(["area", "measure", "period", "period_start", "period_end", "value",
                                         "numerator", "denominator", "year", "annual_target", "profile",
                                         "baseline", "apr", "Value", "x"]), min_size=1, max_size=7)
MEASURES = st.sampled_from(["1C(1A)", "2A(1)", "NFK-VS-01", "HAV-01", "X", "", "=HYPERLINK(1)"])
TABLE_CELL = st.one_of(MEASURES, CELL, st.sampled_from(["2016-17", "2016-04", "linear", "flat", "1,234", "12%"]))
# Mostly well-formed tables with a few odd cells (so the checks past the header are reached),
# and some with any header at all.
VALUE = st.one_of(st.integers(0, 1000).map(str), st.floats(0, 100).map(lambda v: f"{v:.1f}"), CELL)
RESULT_ROW = st.tuples(st.sampled_from(["Norfolk", "", "=1+1"]), st.sampled_from(["NFK-VS-01", "NFK-VS-02", "1C(1A)"]),
                       st.sampled_from(["2016-04", "2016-05", "01/06/2016", "42614", "2016-13"]), VALUE).map(list)
TARGET_ROW = st.tuples(st.sampled_from(["Norfolk", ""]), st.sampled_from(["NFK-VS-01", "NFK-VS-02", "1C(1A)", "X"]),
                       st.sampled_from(["2016-17", "2017-18", "2016"]), VALUE,
                       st.sampled_from(["flat", "linear", "wiggly", ""])).map(list)
TABLES = st.one_of(
    st.builds(lambda rows, d, e: _encode(_csv(["area", "measure", "period", "value"], rows, d), e),
              st.lists(RESULT_ROW, min_size=1, max_size=8), DELIMITER, ENCODING),
    st.builds(lambda rows, d, e: _encode(_csv(["area", "measure", "year", "annual_target", "profile"], rows, d), e),
              st.lists(TARGET_ROW, min_size=1, max_size=6), DELIMITER, ENCODING),
    st.builds(lambda h, rows, d, e: _encode(_csv(h, rows, d), e), TABLE_HEADER,
              st.lists(st.lists(TABLE_CELL, max_size=8), max_size=6), DELIMITER, ENCODING))


def check_results(data: bytes) -> str:
    from s75xl.assess import assess
    from s75xl.tables import read_table

    return _outcome(lambda: assess(read_table(_file(data, ".csv"), "results"), spc=False))


def check_targets(data: bytes) -> str:
    from s75xl.tables import normalise_targets, read_table

    return _outcome(lambda: normalise_targets(read_table(_file(data, ".csv"), "targets")))


TOML_VALUE = st.one_of(st.integers(-10, 10**6), st.booleans(), st.floats(allow_nan=True),
                       st.text(alphabet=string.ascii_letters + " -", max_size=8),
                       st.lists(st.text(alphabet=string.ascii_letters, max_size=6), max_size=3))


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value == float("inf") else "-inf" if value == -float("inf") else repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value)


LAYOUT_KEYS = ["name", "sheet", "sheet_contains", "header", "periods", "rolling", "id_prefix", "percent_cells", "extra"]
BASE_LAYOUT = {"sheet": "Dashboard", "header": ["Measure"], "periods": "month"}
LAYOUTS = st.one_of(
    st.builds(lambda change, columns: (
        "\n".join(f"{k} = {_toml_value(v)}" for k, v in {**BASE_LAYOUT, **change}.items())
        + "\n[columns]\n" + "\n".join(f"{k} = {_toml_value(v)}" for k, v in columns.items()) + "\n").encode(),
        st.dictionaries(st.sampled_from(LAYOUT_KEYS), TOML_VALUE, max_size=1),
        st.dictionaries(st.sampled_from(["target"]), st.sampled_from(["Target", ["Target"], "Nope", 3]), max_size=1)),
    st.builds(lambda top, columns, counts: (
        "\n".join(f"{k} = {_toml_value(v)}" for k, v in top.items())
        + "\n[columns]\n" + "\n".join(f"{k} = {_toml_value(v)}" for k, v in columns.items())
        + "\n[rows]\n" + (f"counts = {_toml_value(counts)}\n" if counts is not None else "")).encode(),
        st.dictionaries(st.sampled_from(LAYOUT_KEYS), TOML_VALUE, max_size=6),
        st.dictionaries(st.sampled_from(["target", "rag", "numerator"]), TOML_VALUE, max_size=2),
        st.one_of(st.none(), TOML_VALUE)),
    st.binary(max_size=200))


def check_layout(data: bytes) -> str:
    from s75xl.fill.layout import Layout, find

    def load_and_find():
        layout = Layout.load(_file(data, ".toml"))
        find(layout, {"Dashboard": [["Measure", "Mar 16", "Target"], ["1C(1A)", 1, 2]]})

    return _outcome(load_and_find)


FIELDS = ["id", "name", "framework", "group", "unit", "polarity", "decimals", "frequency", "source", "numerator",
          "denominator", "multiplier", "aliases", "survey", "valid_from", "renamed_to", "extra"]
GOOD = {"id": "LOCAL-F", "name": "Fuzz", "framework": "Local", "group": "Local", "unit": "percent",
        "polarity": "higher", "decimals": 1, "frequency": "monthly", "source": "here", "numerator": "a",
        "denominator": "b"}
CATALOGUES = st.one_of(
    st.builds(lambda header, entries: (header + "".join(
        "[[measure]]\n" + "\n".join(f"{k} = {_toml_value(v)}" for k, v in {**GOOD, **e}.items()) + "\n"
        for e in entries)).encode(),
        st.sampled_from(["", '[framework]\nkind = "ascof"\n', '[defaults]\nunit = "count"\n', 'framework = 1\n']),
        st.lists(st.dictionaries(st.sampled_from(FIELDS), TOML_VALUE, max_size=4), max_size=3)),
    st.binary(max_size=200))


def check_catalogue(data: bytes) -> str:
    from s75xl.catalogue import load_catalogue

    return _outcome(lambda: load_catalogue([_file(data, ".toml")]))


SHEET_BODY = st.lists(st.one_of(
    st.sampled_from(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>', '<row r="2"><c r="B2"><f>SUM(A1)</f><v>1</v></c></row>',
                     '<row><c r="A3"/></row>', '<row r="4"><c><v>1</v></c></row>', '<mergeCell ref="A1:B2"/>',
                     '<row r="5" spans="1:3"><c r="C5" s="2"><v>3</v></c></row>', "<!-- x -->", "&amp;", "<", "]]>"]),
    st.text(alphabet="<>/=\" rcvA1", max_size=20)), max_size=8)
SHEETS = st.builds(lambda prefix, body, suffix: (prefix + "".join(body) + suffix).encode(),
                   st.sampled_from(['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
                                    '<worksheet><x:sheetData>', '<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>', ""]),
                   SHEET_BODY, st.sampled_from(["</sheetData></worksheet>", "</worksheet>", ""]))


def check_sheet(data: bytes) -> str:
    from s75xl.safety.zipguard import check_xml_head
    from s75xl.xlsx.cells import SheetEditor

    def patch():
        check_xml_head("fuzz.xlsx", "xl/worksheets/sheet1.xml", data[:2048])
        try:
            editor = SheetEditor(data, "xl/worksheets/sheet1.xml")
        except UnicodeDecodeError:  # the zip guard refuses non-UTF-8 parts before this point
            return
        editor.set("B2", "=1+1")
        editor.set("D9", 5.5)
        assert b"<f>1+1" not in editor.to_bytes()

    return _outcome(patch)


# ---------------------------------------------------------------- the budget ledger and national ASCOF files

LEDGER_HEADER = ["period", "cost_centre", "subjective", "actual", "forecast_outturn"]
GOOD_LEDGER_ROW = ["2017-03", "MH100", "Employees", "239146.75", "3055727.0"]
LEDGER_CELL = st.one_of(CELL, st.sampled_from(["£1,234.50", "(1,234.50)", "Mar-17", "March 2017", "2017-13", "n/a",
                                               "MH999", "1e308", "-0", "2017-03-31"]))


def near_good_csv(header: list[str], good_row: list[str], cell) -> st.SearchStrategy[bytes]:
    """CSV files of up to six rows, each the good row with up to two cells drawn from `cell`, in
    any delimiter and encoding; or a few random bytes."""
    rows = st.lists(st.dictionaries(st.integers(0, len(header) - 1), cell, max_size=2)
                    .map(lambda changes: [changes.get(i, v) for i, v in enumerate(good_row)]), max_size=6)
    return st.one_of(
        st.builds(lambda rows, delimiter, encoding: _encode(_csv(header, rows, delimiter), encoding),
                  rows, DELIMITER, ENCODING),
        st.binary(max_size=200))


LEDGERS = near_good_csv(LEDGER_HEADER, GOOD_LEDGER_ROW, LEDGER_CELL)


def check_ledger(data: bytes) -> str:
    """The demo ledger folder with its ledger.csv replaced, through the whole budget engine."""
    import shutil

    from s75xl.finance.demo import CSV_FOLDER
    from s75xl.finance.engine import build_monitor
    from s75xl.finance.sources import open_source

    folder = Path(tempfile.mkdtemp(prefix="s75xl-fuzz-")) / "ledger"
    shutil.copytree(CSV_FOLDER, folder)
    (folder / "ledger.csv").write_bytes(data)

    def run():
        source = open_source(str(folder), None)
        try:
            build_monitor(source, period="2017-03", threshold_pct=10.0)
        finally:
            source.close()

    return _outcome(run)


NATIONAL_HEADER = ["Geographical Code", "Geographical Description", "ASCOF Measure Code", "Measure Type",
                   "Measure Value", "Disaggregation Level"]
GOOD_NATIONAL_ROW = ["E10000020", "Norfolk", "2A(1)", "Outcome", "12.5", "Total"]
NATIONALS = near_good_csv(NATIONAL_HEADER, GOOD_NATIONAL_ROW, TABLE_CELL)


def check_national(data: bytes) -> str:
    """A national ASCOF data file read for the pack's benchmarks, for a council it may name."""
    from s75xl.pack import PackOptions
    from s75xl.pack.benchmarks_input import read_benchmark_files

    path = _file(data, ".csv").rename(Path(tempfile.mkdtemp(prefix="s75xl-fuzz-")) / "ascof_2016-17.csv")
    return _outcome(lambda: read_benchmark_files([path], PackOptions(council="E10000020")))


TARGETS = {"cld": (CLD_FILES, check_cld), "results": (TABLES, check_results), "targets": (TABLES, check_targets),
           "layout": (LAYOUTS, check_layout), "catalogue": (CATALOGUES, check_catalogue), "sheet": (SHEETS, check_sheet),
           "ledger": (LEDGERS, check_ledger), "national": (NATIONALS, check_national)}


@pytest.mark.parametrize("name", list(TARGETS))
def test_reader_never_crashes(name):
    strategy, check = TARGETS[name]
    fuzz = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))(given(strategy)(lambda data: None if check(data) else None))
    fuzz()
