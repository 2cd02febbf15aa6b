"""Hive tables through Spark's Hive support: the in-process session's embedded Derby metastore
(conftest `hive_conf`), and one-shot spark-submits with metastores of their own."""
import datetime
import decimal
import json
import os
import subprocess
import time

import pyarrow.parquet as pq

from conftest import free_port
from helpers import by_type, make_spec, pg_conf, pg_exec, run, spark_env, spark_submit_cmd, write_spec

TEXT = "héllo € 😀 日本語"


def _hive(hive_conf, **extra):
    return dict(hive_conf, **extra)


def _rows(spark, sql):
    return [tuple(r) for r in spark.sql(sql).collect()]


def _no_staging(spark):
    return [t.name for t in spark.catalog.listTables("default") if t.name.startswith("dms_stg_")] == []


def _types_source(pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS hv_types",
            "CREATE TABLE hv_types (id int PRIMARY KEY, ts timestamp(6), tz timestamptz, d numeric(38,10), "
            "b bytea, s text)",
            ("INSERT INTO hv_types VALUES (1, '2024-02-29 23:59:59.123456', '2024-01-01 12:00:00.5+02', "
             "'1234567890123456789012345678.0123456789', '\\x00ff10'::bytea, %s), "
             "(2, NULL, NULL, NULL, NULL, NULL), (3, '1970-01-01 00:00:00', '1999-12-31 23:59:59.999999+00', "
             "'-0.0000000001', ''::bytea, '')", (TEXT,)))


def test_postgres_to_hive_and_back_keeps_the_types_that_matter(spark, pg, hive_conf):
    _types_source(pg)
    spark.sql("DROP TABLE IF EXISTS default.hv_types")
    r, ev, _ = run(spark, make_spec("postgres", pg_conf(pg, table="hv_types"), "hive", _hive(hive_conf)))
    assert r["state"] == "succeeded", r
    assert by_type(ev, "plan")[0]["tables"][0]["target_table"] == "default.hv_types"
    done = by_type(ev, "table_done")[0]
    assert (done["rows_read"], done["rows_written"]) == (3, 3) and done["bytes"] > 0
    assert [(v["source_rows"], v["target_rows"], v["ok"]) for v in by_type(ev, "validation")] == [(3, 3, True)]
    assert [e["event"] for e in ev if e["event"] != "progress"] == [
        "started", "plan", "table_started", "validation", "table_done", "result"]
    # a Hive serde table in the default format (parquet), every value as written
    assert "ParquetHiveSerDe" in str(_rows(spark, "DESCRIBE TABLE EXTENDED default.hv_types"))
    got = _rows(spark, "SELECT id, CAST(ts AS STRING), CAST(tz AS STRING), d, hex(b), s FROM default.hv_types ORDER BY id")
    assert got == [(1, "2024-02-29 23:59:59.123456", "2024-01-01 10:00:00.5",
                    decimal.Decimal("1234567890123456789012345678.0123456789"), "00FF10", TEXT),
                   (2, None, None, None, None, None),
                   (3, "1970-01-01 00:00:00", "1999-12-31 23:59:59.999999", decimal.Decimal("-0.0000000001"), "", "")]
    assert _no_staging(spark)
    # and back: Hive -> PostgreSQL (a Hive timestamp is an instant: timestamptz, same wall clock in UTC)
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS hv_back")
    r, ev, _ = run(spark, make_spec("hive", _hive(hive_conf, table="hv_types"), "postgres",
                                    pg_conf(pg, "dst", table="hv_back"), validation="checksum"))
    assert r["state"] == "succeeded", r
    assert by_type(ev, "table_done")[0]["rows_written"] == 3
    back = pg_exec(pg, "dst", "SET TIME ZONE 'UTC'", "SELECT id, ts, tz, d, b, s FROM hv_back ORDER BY id", fetch=True)
    utc = datetime.timezone.utc
    assert back[0] == (1, datetime.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=utc),
                       datetime.datetime(2024, 1, 1, 10, 0, 0, 500000, tzinfo=utc),
                       decimal.Decimal("1234567890123456789012345678.0123456789"), b"\x00\xff\x10", TEXT)
    assert back[1] == (2, None, None, None, None, None) and back[2][3:] == (decimal.Decimal("-0.0000000001"), b"", "")
    types = pg_exec(pg, "dst", "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'hv_back' "
                               "ORDER BY ordinal_position", fetch=True)
    assert [t for _, t in types] == ["integer", "timestamp with time zone", "timestamp with time zone", "numeric",
                                     "bytea", "text"]


def test_hive_formats_and_partitions_of_created_tables(spark, pg, hive_conf):
    _types_source(pg)
    for fmt in ("orc", "avro", "textfile"):
        spark.sql(f"DROP TABLE IF EXISTS default.hv_{fmt}")
        r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="hv_types", columns=["id", "d", "s"]), "hive",
                                       _hive(hive_conf, table=f"hv_{fmt}", format=fmt)))
        assert r["state"] == "succeeded", (fmt, r)
        assert _rows(spark, f"SELECT id, d, s FROM default.hv_{fmt} WHERE id = 1") == [
            (1, decimal.Decimal("1234567890123456789012345678.0123456789"), TEXT)], fmt
    pg_exec(pg, "src", "DROP TABLE IF EXISTS hv_parts",
            "CREATE TABLE hv_parts (id int PRIMARY KEY, region text)",
            "INSERT INTO hv_parts SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END FROM generate_series(1, 10) g")
    spark.sql("DROP TABLE IF EXISTS default.hv_parts")
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="hv_parts"), "hive", _hive(hive_conf, partition_by=["region"])))
    assert r["state"] == "succeeded", r
    assert sorted(_rows(spark, "SHOW PARTITIONS default.hv_parts")) == [("region=eu",), ("region=us",)]
    # overwrite replaces every row: a partition the new rows do not have is gone too
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="hv_parts", filter="region = 'eu'"), "hive",
                                   _hive(hive_conf, mode="overwrite")))
    assert r["state"] == "succeeded", r
    assert _rows(spark, "SHOW PARTITIONS default.hv_parts") == [("region=eu",)]
    assert _rows(spark, "SELECT count(*) FROM default.hv_parts") == [(5,)]


def test_overwrite_append_and_error_if_exists_and_a_failed_overwrite_keeps_the_old_rows(spark, pg, hive_conf):
    spark.sql("DROP TABLE IF EXISTS default.hv_keep")
    spark.sql("CREATE TABLE default.hv_keep (id INT, v INT) STORED AS PARQUET")
    spark.sql("INSERT INTO default.hv_keep VALUES (1, 10), (2, 20)")
    good = "SELECT g AS id, g * 100 AS v FROM generate_series(1, 3) g"
    # a failure while the rows are read (division by zero on the third row)
    r, ev, _ = run(spark, make_spec("postgres", pg_conf(pg, query="SELECT g AS id, 10 / (g - 3) AS v FROM generate_series(1, 5) g"),
                                    "hive", _hive(hive_conf, table="hv_keep", mode="overwrite")))
    assert r["state"] == "failed" and "division by zero" in r["error"], r
    assert by_type(ev, "table_failed")[0]["table"] == "query"
    # a failure when the rows are moved: text cannot go into the int column
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, query="SELECT 1 AS id, 'x' || g AS v FROM generate_series(1, 2) g"),
                                   "hive", _hive(hive_conf, table="hv_keep", mode="overwrite")))
    assert r["state"] == "failed" and "dms_stg_" not in r["error"], r
    assert sorted(_rows(spark, "SELECT id, v FROM default.hv_keep")) == [(1, 10), (2, 20)]
    assert _no_staging(spark)
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, query=good), "hive", _hive(hive_conf, table="hv_keep", mode="overwrite")))
    assert r["state"] == "succeeded", r
    assert sorted(_rows(spark, "SELECT id, v FROM default.hv_keep")) == [(1, 100), (2, 200), (3, 300)]
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, query=good), "hive", _hive(hive_conf, table="hv_keep")))
    assert r["state"] == "succeeded", r
    assert _rows(spark, "SELECT count(*) FROM default.hv_keep") == [(6,)]
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, query=good), "hive",
                                   _hive(hive_conf, table="hv_keep", mode="error_if_exists")))
    assert r["state"] == "failed" and r["error"] == "query: target table default.hv_keep already exists (mode error_if_exists)"
    assert _rows(spark, "SELECT count(*) FROM default.hv_keep") == [(6,)]


def test_table_patterns_columns_and_filter_into_postgres_and_parquet(spark, pg, hive_conf, tmp_path):
    for name, n in (("sales_eu", 3), ("sales_us", 5), ("salesman", 1)):
        spark.sql(f"DROP TABLE IF EXISTS default.{name}")
        spark.range(n).selectExpr("id", "CAST(id * 1.5 AS DECIMAL(10,2)) AS amount", "'x' AS note") \
            .write.format("hive").saveAsTable(f"default.{name}")
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS sales_eu, sales_us, salesman")
    r, ev, _ = run(spark, make_spec("hive", _hive(hive_conf, tables=["sales_*"], columns=["id", "amount"]),
                                    "postgres", pg_conf(pg, "dst")))
    assert r["state"] == "succeeded", r
    assert [(t["table"], t["target_table"]) for t in by_type(ev, "plan")[0]["tables"]] == [
        ("default.sales_eu", "public.sales_eu"), ("default.sales_us", "public.sales_us")]
    assert {e["table"]: e["rows_written"] for e in by_type(ev, "table_done")} == {"default.sales_eu": 3, "default.sales_us": 5}
    assert pg_exec(pg, "dst", "SELECT id, amount FROM sales_us ORDER BY id DESC LIMIT 1", fetch=True) == [
        (4, decimal.Decimal("6.00"))]
    assert pg_exec(pg, "dst", "SELECT to_regclass('salesman')", fetch=True) == [(None,)]
    out = str(tmp_path / "sales.parquet")
    r, ev, _ = run(spark, make_spec("hive", _hive(hive_conf, table="sales_us", filter="id >= 2"), "file",
                                    {"format": "parquet", "path": out}))
    assert r["state"] == "succeeded", r
    assert by_type(ev, "validation")[0]["target_rows"] == 3
    assert pq.read_table(out).num_rows == 3
    r, _, _ = run(spark, make_spec("hive", _hive(hive_conf, query="SELECT id FROM default.sales_eu WHERE id > 0"), "file",
                                   {"format": "parquet", "path": str(tmp_path / "q.parquet")}))
    assert r["state"] == "succeeded" and pq.read_table(str(tmp_path / "q.parquet")).num_rows == 2


def test_bad_hive_input_gives_clear_errors(spark, pg, hive_conf, tmp_path):
    r, _, _ = run(spark, make_spec("hive", _hive(hive_conf, table="no_such_table"), "postgres", pg_conf(pg, "dst", table="x")))
    assert r == dict(r, state="failed", error="source table default.no_such_table does not exist")
    r, _, _ = run(spark, make_spec("hive", _hive(hive_conf, tables=["nothing_*"]), "postgres", pg_conf(pg, "dst")))
    assert r["error"] == "no source table matches nothing_*"
    r, _, _ = run(spark, make_spec("hive", _hive(hive_conf, database="nodb", table="t"), "postgres", pg_conf(pg, "dst", table="x")))
    assert r["error"] == "Hive database nodb does not exist"
    # a session whose catalog is another metastore refuses the run (the warm engine's has none at all)
    r, _, _ = run(spark, make_spec("hive", {"warehouse_dir": str(tmp_path), "table": "t"}, "postgres", pg_conf(pg, "dst", table="x")))
    assert r["state"] == "failed" and "a hive job needs a session of its own" in r["error"], r


def _events(stdout):
    return [json.loads(l[len("DMS-EVENT "):]) for l in stdout.splitlines() if l.startswith("DMS-EVENT ")]


def _submit(spec, tmp_path, workdir, cwd):
    p = subprocess.run(spark_submit_cmd("run", "--spec", write_spec(tmp_path, spec)), capture_output=True, text=True,
                       env=spark_env(workdir), timeout=300, cwd=cwd)
    return p, _events(p.stdout)


def test_one_shot_runs_share_the_embedded_metastore_of_the_connection(pg, workdir, tmp_path):
    _types_source(pg)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    conn = {"warehouse_dir": str(tmp_path / "warehouse"), "database": "default"}
    p, ev = _submit(make_spec("postgres", pg_conf(pg, table="hv_types"), "hive", dict(conn, table="persisted")),
                    tmp_path, workdir, str(cwd))
    assert p.returncode == 0, (ev[-1:], p.stderr[-3000:])
    assert os.path.isdir(tmp_path / "warehouse" / ".dms-metastore") and os.path.isdir(tmp_path / "warehouse" / "persisted")
    assert os.listdir(cwd) == []  # no metastore_db, derby.log or spark-warehouse where the program runs
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS persisted_back")
    p, ev = _submit(make_spec("hive", dict(conn, table="persisted"), "postgres", pg_conf(pg, "dst", table="persisted_back")),
                    tmp_path, workdir, str(cwd))
    assert p.returncode == 0, (ev[-1:], p.stderr[-3000:])
    assert pg_exec(pg, "dst", "SELECT count(*), max(s) FROM persisted_back", fetch=True) == [(3, TEXT)]


def test_an_unreachable_metastore_fails_quickly_with_a_short_error(pg, workdir, tmp_path):
    uri = f"thrift://127.0.0.1:{free_port()}"
    t0 = time.time()
    p, ev = _submit(make_spec("hive", {"metastore_uri": uri, "table": "t"}, "postgres", pg_conf(pg, "dst", table="x")),
                    tmp_path, workdir, str(tmp_path))
    took = time.time() - t0
    assert p.returncode == 1, (ev[-1:], p.stderr[-3000:])
    assert ev[-1]["error"] == f"cannot reach the Hive metastore {uri}: Connection refused", ev[-1]
    assert took < 120, took
