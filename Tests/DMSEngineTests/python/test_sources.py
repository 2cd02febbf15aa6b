"""Selections and connectors: tables lists with patterns, queries, SQLite, generic JDBC, files,
incremental cursors, partitioned reads, dry runs."""
import datetime
import os
import sqlite3

import pyarrow.parquet as pq
import pytest

from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run


def test_tables_patterns_move_each_table_separately(spark, pg, maria):
    pg_exec(pg, "src", "CREATE SCHEMA IF NOT EXISTS sales",
            "DROP TABLE IF EXISTS sales.p_a, sales.p_b, sales.other",
            "CREATE TABLE sales.p_a (id int PRIMARY KEY, x text)", "INSERT INTO sales.p_a VALUES (1, 'a'), (2, 'b')",
            "CREATE TABLE sales.p_b (id int PRIMARY KEY, y int)", "INSERT INTO sales.p_b VALUES (1, 10)",
            "CREATE TABLE sales.other (id int)")
    my_exec(maria, "DROP TABLE IF EXISTS dst.p_a", "DROP TABLE IF EXISTS dst.p_b", "DROP TABLE IF EXISTS dst.other")
    spec = make_spec("postgres", pg_conf(pg, tables=["sales.p_*"]), "mysql", my_conf(maria))
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    plan = by_type(events, "plan")[0]["tables"]
    assert [(t["table"], t["target_table"]) for t in plan] == [("sales.p_a", "dst.p_a"), ("sales.p_b", "dst.p_b")]
    done = {e["table"]: e["rows_written"] for e in by_type(events, "table_done")}
    assert done == {"sales.p_a": 2, "sales.p_b": 1}
    assert my_exec(maria, "SELECT count(*) FROM dst.p_a", fetch=True) == ((2,),)
    assert not my_exec(maria, "SELECT 1 FROM information_schema.tables WHERE table_schema='dst' AND table_name='other'", fetch=True)


def test_one_failing_table_is_reported_and_fails_the_run(spark, pg, maria):
    pg_exec(pg, "src", "CREATE SCHEMA IF NOT EXISTS mix", "DROP TABLE IF EXISTS mix.good, mix.bad",
            "CREATE TABLE mix.good (id int PRIMARY KEY)", "INSERT INTO mix.good VALUES (1)",
            "CREATE TABLE mix.bad (id int PRIMARY KEY, f real)", "INSERT INTO mix.bad VALUES (1, 'NaN')")
    my_exec(maria, "DROP TABLE IF EXISTS dst.good", "DROP TABLE IF EXISTS dst.bad")
    result, events, _ = run(spark, make_spec("postgres", pg_conf(pg, tables=["mix.*"]), "mysql", my_conf(maria)))
    assert result["state"] == "failed" and result["error"].startswith("mix.bad: ")
    assert [e["table"] for e in by_type(events, "table_done")] == ["mix.good"]
    assert [e["table"] for e in by_type(events, "table_failed")] == ["mix.bad"]
    assert my_exec(maria, "SELECT count(*) FROM dst.good", fetch=True) == ((1,),)


def test_query_source_and_columns_include(spark, pg, maria):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS q_src", "CREATE TABLE q_src (id int PRIMARY KEY, a text, b text)",
            "INSERT INTO q_src SELECT g, 'a' || g, 'b' || g FROM generate_series(1, 10) g")
    my_exec(maria, "DROP TABLE IF EXISTS dst.q_out", "DROP TABLE IF EXISTS dst.c_out")
    r, ev, _ = run(spark, make_spec("postgres", pg_conf(pg, query="SELECT id, a || '!' AS bang FROM q_src WHERE id > 3"),
                                    "mysql", my_conf(maria, table="q_out", mode="upsert", key_columns=["id"])))
    assert r["state"] == "succeeded", r
    assert by_type(ev, "plan")[0]["tables"][0]["path_reason"] == "a query source needs the dataframe path"
    assert my_exec(maria, "SELECT id, bang FROM dst.q_out ORDER BY id LIMIT 1", fetch=True) == ((4, "a4!"),)
    assert my_exec(maria, "SELECT column_key FROM information_schema.columns WHERE table_name='q_out' AND column_name='id'",
                   fetch=True) == (("PRI",),)
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="q_src", columns=["b", "id"]), "mysql",
                                   my_conf(maria, table="c_out")))
    assert r["state"] == "succeeded", r
    assert [c[0] for c in my_exec(maria, "SELECT column_name FROM information_schema.columns WHERE table_name='c_out' "
                                         "ORDER BY ordinal_position", fetch=True)] == ["b", "id"]
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="q_src", columns=["zz"]), "mysql", my_conf(maria, table="c_out")))
    assert r["state"] == "failed" and r["error"] == "column zz (source.conf.columns) does not exist in public.q_src"


def test_sqlite_roundtrip_and_generic_jdbc(spark, pg, workdir):
    path = os.path.join(workdir, "app.db")
    if os.path.exists(path):
        os.unlink(path)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, added DATE)")
    db.executemany("INSERT INTO items VALUES (?, ?, ?, ?)", [(i, f"ü{i}", i / 4, "1969-12-31") for i in range(1, 101)])
    db.commit()
    db.close()
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS items", "DROP TABLE IF EXISTS items_jdbc")
    r, ev, _ = run(spark, make_spec("sqlite", {"path": path, "table": "items"}, "postgres", pg_conf(pg, database="dst")))
    assert r["state"] == "succeeded", r
    assert pg_exec(pg, "dst", "SELECT count(*), min(name), max(price) FROM items", fetch=True) == [(100, "ü1", 25.0)]
    # PostgreSQL -> SQLite (new table) and back through the generic JDBC connector
    out = os.path.join(workdir, "out.db")
    if os.path.exists(out):
        os.unlink(out)
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, database="dst", table="items"), "sqlite", {"path": out, "mode": "overwrite"}))
    assert r["state"] == "succeeded", r
    assert sqlite3.connect(out).execute("SELECT count(*), sum(price) FROM items").fetchone() == (100, sum(i / 4 for i in range(1, 101)))
    assert sqlite3.connect(out).execute("SELECT DISTINCT added FROM items").fetchall() == [("1969-12-31",)]
    # generic JDBC (no catalog: the xerial driver's own date parsing, so no date column here)
    jconf = {"url": "jdbc:sqlite:" + out, "driver_class": "org.sqlite.JDBC", "query": "SELECT id, name, price FROM items"}
    r, _, _ = run(spark, make_spec("jdbc", jconf, "postgres", pg_conf(pg, database="dst", table="items_jdbc")))
    assert r["state"] == "succeeded", r
    assert pg_exec(pg, "dst", "SELECT count(*), max(name) FROM items_jdbc", fetch=True) == [(100, "ü99")]
    assert pg_exec(pg, "dst", "SELECT DISTINCT added FROM items", fetch=True) == [(datetime.date(1969, 12, 31),)]
    # generic JDBC target (Spark's own writer): append, then overwrite (truncate + insert)
    # (the table must exist: Spark 4 cannot tell "no such table" apart for a dialect it does not know)
    sqlite3.connect(out).execute("CREATE TABLE jdbc_out (id INTEGER, name TEXT, price REAL)").connection.commit()
    jt = {"url": "jdbc:sqlite:" + out, "driver_class": "org.sqlite.JDBC", "table": "jdbc_out"}
    for mode, n in (("append", 100), ("append", 200), ("overwrite", 100)):
        r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, database="dst", table="items_jdbc"), "jdbc", dict(jt, mode=mode)))
        assert r["state"] == "succeeded", r
        assert sqlite3.connect(out).execute("SELECT count(*) FROM jdbc_out").fetchone() == (n,)
    # a version 1 PostgreSQL connection (sslmode) works too
    v1 = pg_conf(pg, database="dst", table="items_jdbc")
    v1["sslmode"] = v1.pop("ssl_mode")
    r, _, _ = run(spark, make_spec("postgres", v1, "sqlite", {"path": out, "table": "v1_out"}, sversion=1))
    assert r["state"] == "succeeded", r
    assert sqlite3.connect(out).execute("SELECT count(*) FROM v1_out").fetchone() == (100,)


def test_files_parquet_csv_json_orc(spark, pg, workdir):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS f_src",
            "CREATE TABLE f_src (id int PRIMARY KEY, country text, ts timestamp, amount numeric(10,2))",
            "INSERT INTO f_src SELECT g, CASE WHEN g % 2 = 0 THEN 'NL' ELSE 'DE' END, "
            "TIMESTAMP '1900-01-01 00:00:00.000001' + g * interval '1 day', g * 1.25 FROM generate_series(1, 40) g")
    base = os.path.join(workdir, "files")
    pq_path = "file://" + base + "/parquet"
    r, ev, _ = run(spark, make_spec("postgres", pg_conf(pg, table="f_src"), "file",
                                    {"format": "parquet", "path": pq_path, "mode": "overwrite", "partition_by": ["country"]}))
    assert r["state"] == "succeeded", r
    v = by_type(ev, "validation")[0]
    assert v["ok"] and v["target_rows"] == 40
    # TIMESTAMP_MICROS, not INT96; PostgreSQL's timestamp (no zone) stays a local date-time
    one = [os.path.join(dp, f) for dp, _, fs in os.walk(base + "/parquet") for f in fs if f.endswith(".parquet")][0]
    schema = pq.read_schema(one)
    assert str(schema.field("ts").type) == "timestamp[us]"
    tbl = pq.read_table(base + "/parquet").to_pandas()
    assert sorted(tbl["country"].astype(str).unique()) == ["DE", "NL"]
    first = tbl.sort_values("id").iloc[0]
    assert str(first["ts"]) == "1900-01-02 00:00:00.000001"
    # error_if_exists on an existing path fails with the cause
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="f_src"), "file", {"format": "parquet", "path": pq_path}))
    assert r["state"] == "failed" and "already exists" in r["error"], r["error"]
    # files -> files in every format, with a filter, then csv -> PostgreSQL
    for fmt in ("csv", "json", "orc"):
        r, ev, _ = run(spark, make_spec("file", {"format": "parquet", "path": pq_path, "filter": "country = 'NL'"}, "file",
                                        {"format": fmt, "path": base + "/" + fmt, "mode": "overwrite"}))
        assert r["state"] == "succeeded", (fmt, r)
        assert by_type(ev, "table_done")[0]["rows_written"] == 20
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS from_csv")
    r, _, _ = run(spark, make_spec("file", {"format": "csv", "path": base + "/csv", "columns": ["id", "amount"]}, "postgres",
                                   pg_conf(pg, database="dst", table="from_csv")))
    assert r["state"] == "succeeded", r
    assert pg_exec(pg, "dst", "SELECT count(*), sum(amount) FROM from_csv", fetch=True)[0][0] == 20


def test_incremental_cursor(spark, pg, maria):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS inc_src", "CREATE TABLE inc_src (id int PRIMARY KEY, upd timestamp(6), v text)",
            "INSERT INTO inc_src SELECT g, TIMESTAMP '2024-01-01' + g * interval '1 minute' + interval '0.000001 second', 'v' "
            "FROM generate_series(1, 10) g")
    my_exec(maria, "DROP TABLE IF EXISTS dst.inc_out")
    sconf = pg_conf(pg, table="inc_src", cursor_column="upd")
    tconf = my_conf(maria, table="inc_out", mode="upsert", key_columns=["id"])
    r, ev, _ = run(spark, make_spec("postgres", sconf, "mysql", tconf))
    assert r["state"] == "succeeded", r
    cur = r["cursors"]["public.inc_src"]
    assert cur == {"column": "upd", "value": "2024-01-01 00:10:00.000001"}
    assert by_type(ev, "table_done")[0]["cursor"] == cur
    pg_exec(pg, "src", "INSERT INTO inc_src VALUES (11, '2024-01-01 00:10:00.000002', 'new'), (12, '2023-01-01', 'old')",
            "UPDATE inc_src SET v = 'changed', upd = '2024-02-01' WHERE id = 3")
    r, ev, _ = run(spark, make_spec("postgres", sconf, "mysql", tconf, cursors={"public.inc_src": cur}))
    assert r["state"] == "succeeded", r
    assert by_type(ev, "table_done")[0]["rows_read"] == 2
    assert r["cursors"]["public.inc_src"]["value"] == "2024-02-01 00:00:00"
    assert my_exec(maria, "SELECT id, v FROM dst.inc_out WHERE id IN (3, 11, 12) ORDER BY id", fetch=True) == ((3, "changed"), (11, "new"))
    # nothing new: the cursor stays
    r, ev, _ = run(spark, make_spec("postgres", sconf, "mysql", tconf, cursors=r["cursors"]))
    assert r["state"] == "succeeded" and by_type(ev, "table_done")[0]["rows_read"] == 0
    assert r["cursors"]["public.inc_src"]["value"] == "2024-02-01 00:00:00"


def test_partitioned_read_and_dry_run(spark, pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS part_src", "CREATE TABLE part_src (id bigint PRIMARY KEY, v text)",
            "INSERT INTO part_src SELECT g, 'x' FROM generate_series(1, 1000) g")
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS part_out")
    spec = make_spec("postgres", pg_conf(pg, table="part_src", filter="id > 0", partition_column="id", num_partitions=4),
                     "postgres", pg_conf(pg, database="dst", table="part_out"), dry_run=True)
    r, ev, _ = run(spark, spec)
    assert r["state"] == "succeeded" and by_type(ev, "plan") and not by_type(ev, "table_started")
    assert not pg_exec(pg, "dst", "SELECT 1 FROM pg_tables WHERE tablename = 'part_out'", fetch=True)
    spec["options"]["dry_run"] = False
    r, ev, _ = run(spark, spec)
    assert r["state"] == "succeeded", r
    assert pg_exec(pg, "dst", "SELECT count(*), count(DISTINCT id) FROM part_out", fetch=True) == [(1000, 1000)]
