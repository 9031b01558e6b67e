"""PostgreSQL for real: a throwaway cluster, the demo ledger loaded into it, the same refresh as
from CSV and SQLite, giving identical tables; a bad query is one sentence."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from s75xl.cli import main
from s75xl.finance import refresh_budget

from .finance_data import TEMPLATE, as_csv, as_sqlite, grown, tables
from .postgres import cluster


@pytest.fixture(scope="module")
def postgres_url():
    with cluster() as url:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            for name, frame in tables().items():
                frame.to_sql(name, connection, index=False)
            for name, frame in grown().items():
                frame.to_sql(f"grown_{name}", connection, index=False)
        engine.dispose()
        yield url


def rows(source, out, mapping=None):
    report = refresh_budget(TEMPLATE, source, period="2017-03", out=out, mapping=mapping)
    return {w.table: w.rows for w in report.plan.tables}, report


def test_a_refresh_from_postgresql_gives_the_same_tables_as_from_csv_and_sqlite(postgres_url, tmp_path):
    from_pg, report = rows(postgres_url, tmp_path / "pg.xlsx")
    assert from_pg == rows(as_csv(tables(), tmp_path / "csv"), tmp_path / "csv.xlsx")[0]
    assert from_pg == rows(as_sqlite(tables(), tmp_path / "l.sqlite"), tmp_path / "sqlite.xlsx")[0]
    assert report.plan.monitor.tables["penalties"]["county_at_risk"].sum() == 86_320
    assert (tmp_path / "pg.xlsx").read_bytes() == (tmp_path / "csv.xlsx").read_bytes()


def test_tables_named_in_a_mapping_file_and_a_grown_ledger(postgres_url, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("".join(f'[{name}]\ntable = "grown_{name}"\n' for name in tables()), encoding="utf-8")
    from_pg, _ = rows(postgres_url, tmp_path / "pg.xlsx", mapping)
    assert len(from_pg["Budget"]) == 46 and len(from_pg["Movements"]) == 1
    assert from_pg == rows(as_csv(grown(), tmp_path / "csv"), tmp_path / "csv.xlsx")[0]


def test_a_query_with_a_syntax_error_in_postgresql(postgres_url, tmp_path, capsys):
    (tmp_path / "ledger.sql").write_text("SELEC * FROM ledger", encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[ledger]\nquery = "ledger.sql"\n', encoding="utf-8")
    code = main(["budget", "refresh", str(TEMPLATE), "--ledger", postgres_url, "--mapping", str(mapping),
                 "--out", str(tmp_path / "out.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out.xlsx").exists()
    assert err.startswith('s75xl: The query ledger.sql for the ledger table failed in the database: syntax error at or '
                          'near "SELEC"')


def test_a_database_that_does_not_exist_on_a_running_server(postgres_url, tmp_path, capsys):
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_ledger"
    code = main(["budget", "check", "--ledger", url])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"s75xl: Could not connect to the database postgresql://{url.split('@')[1].rsplit('/', 1)[0]}" \
                  "/no_such_ledger: the database does not exist there.\n"
