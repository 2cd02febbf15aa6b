"""Type fidelity across PostgreSQL, MariaDB, SQLite and Parquet, and checksum/count validation."""
import math
import os

import pytest

from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run

COLS = "id, i2, i4, i8, n, r, d, b, t, e, dt, ts, tz, bin, j, u"


@pytest.fixture(scope="module")
def fidelity(pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS fid",
            """CREATE TABLE fid (id int PRIMARY KEY, i2 smallint, i4 int, i8 bigint, n numeric(38,10), r real,
               d double precision, b boolean, t text, e varchar(10), dt date, ts timestamp(6), tz timestamptz(6),
               bin bytea, j jsonb, u uuid)""",
            """INSERT INTO fid VALUES
               (1, -32768, -2147483648, -9223372036854775808, -9999999999999999999999999999.9999999999, -3.4028235e38,
                -1.7976931348623157e308, false, 'Grüße, 世界 🙂', '', '0001-01-01', '1900-01-01 00:00:00.000001',
                '1969-12-31 23:59:59.999999+00', '\\x00ff10', '{"a": [1, 2.5, null], "ü": "x"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
               (2, 32767, 2147483647, 9223372036854775807, 9999999999999999999999999999.9999999999, 3.4028235e38,
                1.7976931348623157e308, true, E'line\\nbreak\\ttab\\\\ "q" ''s', NULL, '1950-06-15', '2999-12-31 23:59:59.999999',
                '2038-01-19 03:14:08.123456+05:30', '\\x', '[]', '00000000-0000-0000-0000-000000000000'),
               (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""")
    return pg_exec(pg, "src", f"SELECT {COLS} FROM fid ORDER BY id", fetch=True)


def _pg_rows(pg, table):
    return pg_exec(pg, "dst", f"SELECT {COLS} FROM {table} ORDER BY id", fetch=True)


def test_pg_mariadb_pg_roundtrip(spark, pg, maria, fidelity):
    my_exec(maria, "DROP TABLE IF EXISTS dst.fid")
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="fid"), "mysql", my_conf(maria)))
    assert r["state"] == "succeeded", r
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS fid_from_my")
    r, ev, _ = run(spark, make_spec("mysql", my_conf(maria, table="fid"), "postgres",
                                    pg_conf(pg, database="dst", table="fid_from_my")))
    assert r["state"] == "succeeded", r
    types = dict(pg_exec(pg, "dst", "SELECT column_name, data_type FROM information_schema.columns "
                                    "WHERE table_name = 'fid_from_my'", fetch=True))
    assert types["n"] == "numeric" and types["r"] == "double precision" and types["ts"] == "timestamp without time zone" and types["b"] == "boolean"
    assert types["j"] == "jsonb"
    got = _pg_rows(pg, "fid_from_my")
    for g, e in zip(got, fidelity):
        # uuid travels as CHAR(36) text; timestamptz is stored in UTC as DATETIME(6); real as DOUBLE
        assert g[:5] + g[6:12] == e[:5] + e[6:12], (g, e)
        assert (g[5] is None and e[5] is None) or math.isclose(g[5], e[5], rel_tol=1e-7)
        assert (g[12] is None and e[12] is None) or g[12] == e[12].replace(tzinfo=None) - e[12].utcoffset()
        assert g[13:15] == e[13:15]
        assert (g[15] or None) == (str(e[15]) if e[15] else None)
    assert len(got) == 3


def test_pg_parquet_pg_roundtrip_with_special_floats(spark, pg, fidelity, workdir):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS fid_f", "CREATE TABLE fid_f (id int PRIMARY KEY, f double precision, r real)",
            "INSERT INTO fid_f VALUES (1, 'NaN', 'NaN'), (2, 'Infinity', '-Infinity'), (3, -0.0, 1e-45), (4, NULL, NULL)")
    path = "file://" + os.path.join(workdir, "fid_parquet")
    for table, sub in (("fid", "a"), ("fid_f", "b")):
        r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=table), "file",
                                       {"format": "parquet", "path": path + sub, "mode": "overwrite"}))
        assert r["state"] == "succeeded", r
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS fid_pq", "DROP TABLE IF EXISTS fid_fpq")
    r, _, _ = run(spark, make_spec("file", {"format": "parquet", "path": path + "a"}, "postgres",
                                   pg_conf(pg, database="dst", table="fid_pq", mode="upsert", key_columns=["id"])))
    assert r["state"] == "succeeded", r
    got = _pg_rows(pg, "fid_pq")
    for g, e in zip(got, fidelity):
        assert g[:12] == e[:12], (g, e)
        assert g[12] == e[12]  # instants compare equal whatever the zone
        assert g[13] == e[13]
    r, _, _ = run(spark, make_spec("file", {"format": "parquet", "path": path + "b"}, "postgres",
                                   pg_conf(pg, database="dst", table="fid_fpq")))
    assert r["state"] == "succeeded", r
    f = pg_exec(pg, "dst", "SELECT f::text, r::text, f = 0 FROM fid_fpq ORDER BY id", fetch=True)
    # (-0.0 arrives as 0: the sign of zero is not kept, see README "Known limits")
    assert f == [("NaN", "NaN", False), ("Infinity", "-Infinity", False), (f[2][0], "1e-45", True), (None, None, None)]


def test_pg_sqlite_pg_roundtrip(spark, pg, fidelity, workdir):
    out = os.path.join(workdir, "fid.db")
    if os.path.exists(out):
        os.unlink(out)
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="fid"), "sqlite", {"path": out}))
    assert r["state"] == "succeeded", r
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS fid_sq")
    r, _, _ = run(spark, make_spec("sqlite", {"path": out, "table": "fid"}, "postgres",
                                   pg_conf(pg, database="dst", table="fid_sq")))
    assert r["state"] == "succeeded", r
    got = pg_exec(pg, "dst", "SELECT id, i2, i4, i8, d, b, t, e, dt, ts, bin FROM fid_sq ORDER BY id", fetch=True)
    exp = pg_exec(pg, "src", "SELECT id, i2, i4, i8, d, b, t, e, dt, ts, bin FROM fid ORDER BY id", fetch=True)
    for g, e in zip(got, exp):
        assert g[:8] == e[:8], (g, e)
        assert g[9:] == e[9:], (g, e)
    # year 1 survives as text; Spark's calendar handling keeps the date
    assert [g[8] for g in got] == [e[8] for e in exp]


def test_checksum_validation(spark, pg):
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS fid_ck")
    r, ev, _ = run(spark, make_spec("postgres", pg_conf(pg, table="fid"), "postgres",
                                    pg_conf(pg, database="dst", table="fid_ck"), validation="checksum"))
    assert r["state"] == "succeeded", r
    checks = by_type(ev, "validation")
    assert checks[-1]["detail"] == "checksum matches" and checks[-1]["ok"]
    assert by_type(ev, "plan")[0]["tables"][0]["path_reason"] == "checksum validation reads through Spark"
    # a source whose values change between reads: the checksum catches it, the target is untouched
    pg_exec(pg, "src", "DROP SEQUENCE IF EXISTS ck_seq", "CREATE SEQUENCE ck_seq")
    r, ev, _ = run(spark, make_spec("postgres", pg_conf(pg, query="SELECT 1 AS id, nextval('ck_seq') AS v"), "postgres",
                                    pg_conf(pg, database="dst", table="ck_vol"), validation="checksum"))
    assert r["state"] == "failed" and "checksum validation failed for query" in r["error"], r
    assert not pg_exec(pg, "dst", "SELECT 1 FROM pg_tables WHERE tablename = 'ck_vol'", fetch=True)


def test_count_mismatch_fails_and_names_both_counts(spark, pg):
    pg_exec(pg, "src", "DROP SEQUENCE IF EXISTS cnt_seq", "CREATE SEQUENCE cnt_seq START 10")
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS cnt_vol")
    r, ev, _ = run(spark, make_spec("postgres", pg_conf(pg, query="SELECT g AS id FROM generate_series(1, nextval('cnt_seq')::int) g"),
                                    "postgres", pg_conf(pg, database="dst", table="cnt_vol")))
    assert r["state"] == "failed", r
    v = by_type(ev, "validation")[0]
    assert not v["ok"] and v["source_rows"] != v["target_rows"]
    assert r["error"] == f"query: validation failed for query: source has {v['source_rows']} rows, target has {v['target_rows']}"
    assert not pg_exec(pg, "dst", "SELECT 1 FROM pg_tables WHERE tablename = 'cnt_vol'", fetch=True)


@pytest.mark.parametrize("target", ["mysql", "sqlite"])
def test_unstorable_floats_fail_clearly_on_the_dataframe_path(spark, pg, maria, workdir, target):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS fl_bad", "CREATE TABLE fl_bad (id int PRIMARY KEY, f double precision)",
            "INSERT INTO fl_bad VALUES (1, 2.5), (2, 'NaN')")
    if target == "mysql":
        my_exec(maria, "DROP TABLE IF EXISTS dst.fl_bad")
        tconf = my_conf(maria, table="fl_bad")
    else:
        tconf = {"path": os.path.join(workdir, "fl.db"), "table": "fl_bad", "mode": "overwrite"}
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table="fl_bad"), target, tconf, path="dataframe"))
    assert r["state"] == "failed"
    assert r["error"].startswith("public.fl_bad: column f holds NaN"), r["error"]
    if target == "mysql":
        assert not my_exec(maria, "SELECT 1 FROM information_schema.tables WHERE table_name = 'fl_bad'", fetch=True)
