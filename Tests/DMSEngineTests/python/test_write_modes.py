"""Write modes into PostgreSQL and MariaDB: append, overwrite (atomic), create_if_missing,
error_if_exists, upsert; a failure mid-write leaves the old rows intact."""
import pytest

from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run


@pytest.fixture
def src_table(pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS wm_src",
            "CREATE TABLE wm_src (id int PRIMARY KEY, name text NOT NULL, qty int)",
            "INSERT INTO wm_src SELECT g, 'n' || g, g FROM generate_series(1, 20) g")
    return "public.wm_src"


def test_overwrite_pg_replaces_rows(spark, pg, src_table):
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS wm_over", "CREATE TABLE wm_over (id int PRIMARY KEY, name text NOT NULL, qty int)",
            "INSERT INTO wm_over VALUES (100, 'old', 1), (101, 'old', 2)")
    spec = make_spec("postgres", pg_conf(pg, table=src_table), "postgres",
                     pg_conf(pg, database="dst", table="wm_over", mode="overwrite"))
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    assert pg_exec(pg, "dst", "SELECT count(*), min(id), max(id) FROM wm_over", fetch=True) == [(20, 1, 20)]


def test_overwrite_pg_constraint_violation_keeps_old_data(spark, pg, src_table):
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS wm_chk",
            "CREATE TABLE wm_chk (id int PRIMARY KEY, name text NOT NULL, qty int CHECK (qty < 15))",
            "INSERT INTO wm_chk VALUES (100, 'old', 1), (101, 'old', 2)")
    spec = make_spec("postgres", pg_conf(pg, table=src_table), "postgres",
                     pg_conf(pg, database="dst", table="wm_chk", mode="overwrite"))
    result, events, _ = run(spark, spec)
    assert result["state"] == "failed"
    assert 'violates check constraint "wm_chk_qty_check"' in result["error"], result["error"]
    assert by_type(events, "table_failed")[0]["table"] == "public.wm_src"
    assert pg_exec(pg, "dst", "SELECT id, name FROM wm_chk ORDER BY id", fetch=True) == [(100, "old"), (101, "old")]
    assert not pg_exec(pg, "dst", "SELECT tablename FROM pg_tables WHERE tablename LIKE 'dms_stg%'", fetch=True)


def test_overwrite_mariadb_constraint_violation_keeps_old_data(spark, pg, maria, src_table):
    my_exec(maria, "DROP TABLE IF EXISTS dst.wm_chk",
            "CREATE TABLE dst.wm_chk (id int PRIMARY KEY, name varchar(10) NOT NULL, qty int, CONSTRAINT qty_small CHECK (qty < 15))",
            "INSERT INTO dst.wm_chk VALUES (100, 'old', 1), (101, 'old', 2)")
    spec = make_spec("postgres", pg_conf(pg, table=src_table), "mysql", my_conf(maria, table="wm_chk", mode="overwrite"))
    result, events, _ = run(spark, spec)
    assert result["state"] == "failed"
    assert "qty_small" in result["error"], result["error"]
    assert my_exec(maria, "SELECT id, name FROM dst.wm_chk ORDER BY id", fetch=True) == ((100, "old"), (101, "old"))
    assert not my_exec(maria, "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'dms_stg%'", fetch=True)


def test_overwrite_mariadb_swaps(spark, pg, maria, src_table):
    my_exec(maria, "DROP TABLE IF EXISTS dst.wm_over",
            "CREATE TABLE dst.wm_over (id int PRIMARY KEY, name varchar(10) NOT NULL, qty int)",
            "INSERT INTO dst.wm_over VALUES (100, 'old', 1)")
    spec = make_spec("postgres", pg_conf(pg, table=src_table), "mysql", my_conf(maria, table="wm_over", mode="overwrite"))
    result, _, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    assert my_exec(maria, "SELECT count(*), min(id), max(id) FROM dst.wm_over", fetch=True) == ((20, 1, 20),)


def test_append_and_error_if_exists_and_create_if_missing(spark, pg, src_table):
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS wm_app")
    base = dict(database="dst", table="wm_app")
    r1, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table, filter="id <= 5"), "postgres",
                                    pg_conf(pg, mode="create_if_missing", **base)))
    assert r1["state"] == "succeeded"
    r2, ev2, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table), "postgres",
                                      pg_conf(pg, mode="create_if_missing", **base)))
    assert r2["state"] == "succeeded" and by_type(ev2, "table_done")[0]["state"] == "skipped"
    assert pg_exec(pg, "dst", "SELECT count(*) FROM wm_app", fetch=True) == [(5,)]
    r3, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table, filter="id > 5"), "postgres",
                                    pg_conf(pg, mode="append", **base)))
    assert r3["state"] == "succeeded"
    assert pg_exec(pg, "dst", "SELECT count(*), count(DISTINCT id) FROM wm_app", fetch=True) == [(20, 20)]
    r4, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table), "postgres",
                                    pg_conf(pg, mode="error_if_exists", **base)))
    assert r4["state"] == "failed" and r4["error"].endswith("target table public.wm_app already exists (mode error_if_exists)")
    # append of rows that exist: the key refuses them and nothing is added
    r5, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table, filter="id <= 3"), "postgres",
                                    pg_conf(pg, mode="append", **base)))
    assert r5["state"] == "failed" and "duplicate key value violates unique constraint" in r5["error"]
    assert pg_exec(pg, "dst", "SELECT count(*) FROM wm_app", fetch=True) == [(20,)]


def test_create_table_false_fails_on_missing_table(spark, pg, src_table):
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS wm_none")
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table), "postgres",
                                   pg_conf(pg, database="dst", table="wm_none", create_table=False)))
    assert r["state"] == "failed" and "does not exist and create_table is false" in r["error"]


@pytest.mark.parametrize("target", ["postgres", "mysql"])
def test_upsert(spark, pg, maria, src_table, target):
    if target == "postgres":
        pg_exec(pg, "dst", "DROP TABLE IF EXISTS wm_up", "CREATE TABLE wm_up (id int PRIMARY KEY, name text NOT NULL, qty int)",
                "INSERT INTO wm_up VALUES (1, 'keep-me-not', 0), (500, 'untouched', 5)")
        tconf = pg_conf(pg, database="dst", table="wm_up", mode="upsert", key_columns=["id"])
        q = lambda sql: [tuple(r) for r in pg_exec(pg, "dst", sql, fetch=True)]
    else:
        my_exec(maria, "DROP TABLE IF EXISTS dst.wm_up", "CREATE TABLE dst.wm_up (id int PRIMARY KEY, name varchar(20) NOT NULL, qty int)",
                "INSERT INTO dst.wm_up VALUES (1, 'keep-me-not', 0), (500, 'untouched', 5)")
        tconf = my_conf(maria, table="wm_up", mode="upsert", key_columns=["id"])
        q = lambda sql: [tuple(r) for r in my_exec(maria, sql.replace("wm_up", "dst.wm_up"), fetch=True)]
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table), target, tconf))
    assert r["state"] == "succeeded", r
    assert q("SELECT count(*) FROM wm_up") == [(21,)]
    assert q("SELECT name, qty FROM wm_up WHERE id = 1") == [("n1", 1)]
    assert q("SELECT name FROM wm_up WHERE id = 500") == [("untouched",)]
    # a second upsert is idempotent
    r, _, _ = run(spark, make_spec("postgres", pg_conf(pg, table=src_table), target, tconf))
    assert r["state"] == "succeeded" and q("SELECT count(*) FROM wm_up") == [(21,)]
