"""Ledger sources: CSV, Excel and SQLite give identical tables; a mapping file takes the
council's own column names; every bad source is one sentence, exit status 2, nothing written."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
from pathlib import Path

import pandas as pd

from s75xl.cli import main
from s75xl.finance import refresh_budget
from s75xl.finance.engine import build_monitor
from s75xl.finance.sources import open_source

from .finance_data import TEMPLATE, as_csv, as_sqlite, tables

SHIPPED = Path(__file__).parent.parent / "s75xl" / "finance" / "data"


def as_xlsx(t: dict[str, pd.DataFrame], path: Path) -> Path:
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, frame in t.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def refreshed_tables(source, tmp_path: Path, name: str, mapping=None) -> dict:
    report = refresh_budget(TEMPLATE, source, period="2017-03", out=tmp_path / f"{name}.xlsx", mapping=mapping)
    return {w.table: w.rows for w in report.plan.tables}


def test_csv_sqlite_and_excel_sources_give_identical_tables(tmp_path):
    t = tables()
    from_csv = refreshed_tables(as_csv(t, tmp_path / "csv"), tmp_path, "csv")
    assert refreshed_tables(as_sqlite(t, tmp_path / "ledger.sqlite"), tmp_path, "sqlite") == from_csv
    assert refreshed_tables(as_xlsx(t, tmp_path / "ledger.xlsx"), tmp_path, "xlsx") == from_csv
    assert refreshed_tables(f"sqlite:///{tmp_path / 'ledger.sqlite'}", tmp_path, "url") == from_csv
    assert len(from_csv["Budget"]) == 6 and len(from_csv["Movements"]) == 12


def test_the_shipped_demo_ledger_is_the_same_as_sqlite_and_as_csv(tmp_path):
    assert refreshed_tables(SHIPPED / "demo_ledger.sqlite", tmp_path, "a") == \
        refreshed_tables(SHIPPED / "demo_ledger", tmp_path, "b")


def council_export(tmp_path: Path) -> tuple[Path, Path]:
    """The ledger as a council's finance system exports it: its own file and column names, amounts
    with pound signs, thousands separators and brackets for negatives, periods as Mar-17."""
    t = tables()
    folder = as_csv(t, tmp_path / "export")
    ledger = t["ledger"]
    month = pd.to_datetime(ledger["period"]).dt.strftime("%b-%y")
    money = lambda v: f"({abs(v):,.2f})" if v < 0 else f"£{v:,.2f}"  # noqa: E731
    pd.DataFrame({"Cost Centre": ledger["cost_centre"], "Account Description": ledger["subjective"],
                  "Fin Period": month, "Net Amount": ledger["actual"].map(money),
                  "Projected Outturn": ledger["forecast_outturn"].map(money)}
                 ).to_csv(folder / "GL export.csv", index=False)
    (folder / "ledger.csv").unlink()
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[ledger]\nfile = "export/GL export.csv"\ncost_centre = "Cost Centre"\n'
                       'subjective = "Account Description"\nperiod = "Fin Period"\nactual = "Net Amount"\n'
                       'forecast_outturn = "Projected Outturn"\n', encoding="utf-8")
    return folder, mapping


def test_a_council_export_with_a_mapping_file_gives_the_same_tables(tmp_path):
    folder, mapping = council_export(tmp_path)
    expected = refreshed_tables(as_csv(tables(), tmp_path / "plain"), tmp_path, "plain")
    assert refreshed_tables(folder, tmp_path, "mapped", mapping=mapping) == expected


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refuse(tmp_path: Path, capsys, ledger: str, *extra: str) -> str:
    """Refresh from a bad source: one line on stderr, exit 2, no output, the template unchanged."""
    before = digest(TEMPLATE)
    out = tmp_path / "out.xlsx"
    code, _, err = run(["budget", "refresh", str(TEMPLATE), "--ledger", ledger, "--out", str(out), *extra], capsys)
    assert code == 2
    assert err.startswith("s75xl: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() and digest(TEMPLATE) == before
    assert not list(tmp_path.glob(".out.xlsx.*"))
    return err


def test_a_missing_ledger_file(tmp_path, capsys):
    err = refuse(tmp_path, capsys, str(tmp_path / "nowhere.sqlite"))
    assert "The ledger source" in err and "nowhere.sqlite does not exist" in err


def test_a_folder_without_a_ledger_table(tmp_path, capsys):
    folder = as_csv(tables(ledger=None), tmp_path / "csv")
    assert "has no ledger table (looked for ledger.csv in" in refuse(tmp_path, capsys, str(folder))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_database_that_refuses_the_connection_is_named_without_its_credentials(tmp_path, capsys):
    port = free_port()
    err = refuse(tmp_path, capsys, f"postgresql://finance_user:s3cret-pw@127.0.0.1:{port}/ledger")
    assert err == (f"s75xl: Could not connect to the database postgresql://127.0.0.1:{port}/ledger: it refused the "
                   "connection or is not running.\n")
    assert "s3cret" not in err and "finance_user" not in err


def test_a_query_with_a_syntax_error(tmp_path, capsys):
    database = as_sqlite(tables(), tmp_path / "ledger.sqlite")
    (tmp_path / "ledger.sql").write_text("SELEC period, cost_centre FROM ledger", encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[ledger]\nquery = "ledger.sql"\n', encoding="utf-8")
    err = refuse(tmp_path, capsys, str(database), "--mapping", str(mapping))
    assert err.startswith("s75xl: The query ledger.sql for the ledger table failed in the database: ")
    assert "syntax error" in err


def test_a_column_missing_from_the_mapping(tmp_path, capsys):
    folder, mapping = council_export(tmp_path)
    mapping.write_text(mapping.read_text().replace('"Net Amount"', '"Amount"'), encoding="utf-8")
    err = refuse(tmp_path, capsys, str(folder), "--mapping", str(mapping))
    assert "GL export.csv has no column 'Amount' (mapped to actual in mapping.toml); its columns are" in err


def test_text_in_an_amount_column(tmp_path, capsys):
    folder, mapping = council_export(tmp_path)
    export = folder / "GL export.csv"
    frame = pd.read_csv(export, dtype=str)
    frame.loc[4, "Net Amount"] = "n/a"
    frame.to_csv(export, index=False)
    err = refuse(tmp_path, capsys, str(folder), "--mapping", str(mapping))
    assert "GL export.csv, row 6, column 'Net Amount': 'n/a' is not an amount" in err


def test_a_file_that_is_not_a_ledger(tmp_path, capsys):
    bogus = tmp_path / "ledger.sqlite"
    bogus.write_text("not a database")
    assert "is not a SQLite database" in refuse(tmp_path, capsys, str(bogus))
    odd = tmp_path / "ledger.pdf"
    odd.write_text("%PDF")
    assert "is not a CSV file, an Excel workbook, a SQLite database or a folder" in refuse(tmp_path, capsys, str(odd))


def test_a_sqlite_database_without_the_named_table(tmp_path, capsys):
    database = tmp_path / "empty.sqlite"
    sqlite3.connect(database).close()
    database.write_bytes(database.read_bytes() or b"")
    with sqlite3.connect(database) as c:
        c.execute("create table other (x int)")
    assert "has no budget table (looked for a table named 'budget')" in refuse(tmp_path, capsys, str(database))


def test_a_bad_period(tmp_path, capsys):
    err = refuse(tmp_path, capsys, str(SHIPPED / "demo_ledger.sqlite"), "--period", "the spring")
    assert err == "s75xl: The period 'the spring' is not a month (write it as 2017-03).\n"


def test_check_exits_1_on_a_problem_in_the_data_and_0_without(tmp_path, capsys):
    code, out, _ = run(["budget", "check", "--ledger", str(as_csv(tables(sla_schedule=None), tmp_path / "ok"))], capsys)
    assert code == 0 and "0 problems found in the data." in out and "To report:" in out
    code, out, _ = run(["budget", "check", "--ledger", str(SHIPPED / "demo_ledger.sqlite")], capsys)
    assert code == 1 and "£216,000.00, but its 5 rows add to £215,920.00" in out


def test_penalties_prints_the_exposure_county_and_city(capsys):
    code, out, _ = run(["budget", "penalties", "--ledger", str(SHIPPED / "demo_ledger.sqlite")], capsys)
    assert code == 0
    assert "Total at risk" in out and "County £   86,320  City £   31,680  total £118,000" in out


def test_the_same_monitor_from_the_python_api_as_from_a_source(tmp_path):
    monitor = build_monitor(open_source(as_csv(tables(), tmp_path / "csv")), period="2017-03")
    assert round(monitor.tables["budget"]["variance"].sum()) == -937_122


def test_the_demo_refreshes_the_shipped_monitor_from_the_shipped_sqlite_ledger(tmp_path):
    from s75xl.finance.demo import run

    lines = run(tmp_path / "demo")
    assert (tmp_path / "demo" / "budget_monitor_2017_03.xlsx").exists()
    assert "  SLA penalties at risk: County £86,320, City £31,680, total £118,000" in lines


def test_demo_ledger_copies_the_ledger_and_template(tmp_path, capsys):
    code, out, _ = run(["budget", "demo-ledger", "--out", str(tmp_path / "d")], capsys)
    assert code == 0 and (tmp_path / "d" / "demo_ledger.sqlite").exists()
    assert (tmp_path / "d" / "demo_ledger" / "ledger.csv").exists() and (tmp_path / "d" / "budget_monitor.xlsx").exists()


def test_a_sqlite_url_to_a_missing_file_is_refused_not_created(tmp_path, capsys):
    missing = tmp_path / "nowhere.sqlite"
    assert "The SQLite database" in refuse(tmp_path, capsys, f"sqlite:///{missing}")
    assert not missing.exists()


def test_a_damaged_excel_ledger(tmp_path, capsys):
    broken = tmp_path / "ledger.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "cannot be read as Excel" in refuse(tmp_path, capsys, str(broken))
