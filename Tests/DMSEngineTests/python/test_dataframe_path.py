"""Dataframe path: PostgreSQL, MariaDB, SQLite and files, with selection, renames and filters."""
import decimal

from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run


import pytest


@pytest.mark.parametrize("path", ["bulk", "dataframe"])
def test_pg_to_mariadb_table_with_rename_and_filter(spark, pg, maria, path):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS df_orders",
            "CREATE TABLE df_orders (id bigint PRIMARY KEY, cust text NOT NULL, amount numeric(12,2), note varchar(20), secret text)",
            "INSERT INTO df_orders SELECT g, 'c' || g, g * 1.5, CASE WHEN g % 2 = 0 THEN NULL ELSE 'n' END, 'x' FROM generate_series(1, 50) g")
    my_exec(maria, "DROP TABLE IF EXISTS dst.orders_out")
    spec = make_spec("postgres", pg_conf(pg, table="public.df_orders", exclude_columns=["secret"],
                                         rename={"cust": "customer"}, filter="id <= 40"),
                     "mysql", my_conf(maria, table="orders_out"), path="auto" if path == "bulk" else "dataframe")
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    plan = by_type(events, "plan")[0]["tables"][0]
    assert plan["path"] == path
    prog = by_type(events, "progress")
    assert prog and prog[-1]["rows_written"] == 40 and prog[-1]["rows_total"] == 40
    order = [e["event"] for e in events]
    assert order[:3] == ["started", "plan", "table_started"] and order[-2:] == ["table_done", "result"]
    done = by_type(events, "table_done")[0]
    assert done["rows_written"] == 40 and done["state"] == "succeeded"
    v = by_type(events, "validation")[0]
    assert v["ok"] and v["source_rows"] == 40 and v["target_rows"] == 40
    rows = my_exec(maria, "SELECT id, customer, amount, note FROM dst.orders_out ORDER BY id", fetch=True)
    assert len(rows) == 40
    assert rows[2] == (3, "c3", decimal.Decimal("4.50"), "n")
    assert rows[1][3] is None
    cols = my_exec(maria, "SELECT column_name, column_type, is_nullable, column_key FROM information_schema.columns "
                          "WHERE table_schema='dst' AND table_name='orders_out' ORDER BY ordinal_position", fetch=True)
    assert [c[0] for c in cols] == ["id", "customer", "amount", "note"]
    assert cols[0][1] == "bigint(20)" and cols[0][3] == "PRI"
    assert cols[1][2] == "NO"
    assert cols[2][1] == "decimal(12,2)"
    assert cols[3][1] == "varchar(20)"
    # no staging table left behind
    assert not my_exec(maria, "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'dms_stg%'", fetch=True)
