"""Bulk path: PostgreSQL COPY piped into PostgreSQL COPY / MariaDB LOAD DATA, per key range."""
import datetime
import decimal

import pytest

from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run


@pytest.fixture(scope="module")
def typed_src(pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS bulk_typed",
            """CREATE TABLE bulk_typed (id bigint PRIMARY KEY, i int, s smallint, n numeric(38,10), f double precision,
               r real, b boolean, t text, v varchar(30), d date, ts timestamp(6), tz timestamptz, j jsonb, u uuid, bin bytea)""",
            """INSERT INTO bulk_typed SELECT g, g, (g % 100)::smallint, g * 1.0000000001, g / 3.0, g / 7.0, g % 2 = 0,
                 CASE WHEN g % 5 = 0 THEN NULL WHEN g % 5 = 1 THEN '' ELSE 'tëxt "q",' || g || E'\\n\\\\tab\\t' END,
                 'v' || g, DATE '1950-01-01' + g, TIMESTAMP '1960-05-06 07:08:09.123456' + g * interval '1 hour',
                 TIMESTAMPTZ '2030-01-01 00:00:00.000001+02' + g * interval '1 second',
                 jsonb_build_object('k', g, 's', 'ü'), md5(g::text)::uuid, decode(lpad(to_hex(g), 8, '0'), 'hex')
               FROM generate_series(1, 3000) g""",
            "INSERT INTO bulk_typed (id) VALUES (-9223372036854775808), (9223372036854775807)")
    return "public.bulk_typed"


def test_pg_to_pg_bulk_splits_and_exact_copy(spark, pg, typed_src):
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS bulk_typed")
    spec = make_spec("postgres", pg_conf(pg, table=typed_src, num_partitions=3, partition_column="id"), "postgres",
                     pg_conf(pg, database="dst"))
    spec["source"]["conf"].pop("num_partitions"); spec["source"]["conf"].pop("partition_column")
    spec["options"]["parallelism"] = 3
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    plan = by_type(events, "plan")[0]["tables"][0]
    assert plan["path"] == "bulk" and plan["splits"] == 3 and plan["split_key"] == "id"
    assert plan["split_ranges"][0].startswith('"id" <') and plan["split_ranges"][-1].startswith('"id" >=')
    assert by_type(events, "table_done")[0]["rows_written"] == 3002
    assert by_type(events, "progress")[-1]["rows_written"] == 3002
    # same types, key and every value
    cols = pg_exec(pg, "dst", "SELECT column_name, data_type, udt_name FROM information_schema.columns "
                              "WHERE table_name = 'bulk_typed' ORDER BY ordinal_position", fetch=True)
    assert [c[2] for c in cols] == ["int8", "int4", "int2", "numeric", "float8", "float4", "bool", "text", "varchar",
                                    "date", "timestamp", "timestamptz", "jsonb", "uuid", "bytea"]
    assert pg_exec(pg, "dst", "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'bulk_typed'::regclass AND contype = 'p'",
                   fetch=True) == [("PRIMARY KEY (id)",)]
    src = pg_exec(pg, "src", "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM bulk_typed t", fetch=True)
    dst = pg_exec(pg, "dst", "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM bulk_typed t", fetch=True)
    assert src == dst


def test_pg_to_pg_dataframe_path_keeps_types(spark, pg, typed_src):
    """The same table through the dataframe path (forced by a rename): types and values hold."""
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS bulk_typed_df")
    spec = make_spec("postgres", pg_conf(pg, table=typed_src), "postgres",
                     pg_conf(pg, database="dst", table="bulk_typed_df"), parallelism=2, path="dataframe")
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    assert by_type(events, "plan")[0]["tables"][0]["path"] == "dataframe"
    src = pg_exec(pg, "src", "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM bulk_typed t", fetch=True)
    dst = pg_exec(pg, "dst", "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM bulk_typed_df t", fetch=True)
    assert src == dst


@pytest.mark.parametrize("force_dataframe", [False, True])
def test_pg_to_mariadb_types(spark, pg, maria, typed_src, force_dataframe):
    name = "typed_df" if force_dataframe else "typed_bulk"
    my_exec(maria, f"DROP TABLE IF EXISTS dst.{name}")
    sconf = pg_conf(pg, table=typed_src)
    spec = make_spec("postgres", sconf, "mysql", my_conf(maria, table=name), parallelism=2,
                     path="dataframe" if force_dataframe else "auto")
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    assert by_type(events, "plan")[0]["tables"][0]["path"] == ("dataframe" if force_dataframe else "bulk")
    types = dict(my_exec(maria, "SELECT column_name, column_type FROM information_schema.columns "
                                f"WHERE table_schema = 'dst' AND table_name = '{name}'", fetch=True))
    assert types["n"] == "decimal(38,10)" and types["ts"] == "datetime(6)" and types["tz"] == "datetime(6)"
    assert types["b"] == "tinyint(1)" and types["v"] == "varchar(30)" and types["j"] == "longtext"
    got = my_exec(maria, f"SELECT id, i, s, n, f, b, t, v, d, ts, tz, j, u, bin FROM dst.{name} WHERE id IN (2, 5, 6) ORDER BY id", fetch=True)
    exp = pg_exec(pg, "src", "SELECT id, i, s, n, f, b, t, v, d, ts, tz AT TIME ZONE 'UTC', j::text, u::text, bin "
                             "FROM bulk_typed WHERE id IN (2, 5, 6) ORDER BY id", fetch=True)
    for g, e in zip(got, exp):
        assert g[:5] == e[:5]
        assert bool(g[5]) == e[5]
        assert g[6:11] == e[6:11], (g, e)
        import json
        assert json.loads(g[11]) == json.loads(e[11])
        assert g[12] == e[12] and bytes(g[13]) == bytes(e[13])
    assert my_exec(maria, f"SELECT count(*), sum(t = ''), sum(t IS NULL) FROM dst.{name}", fetch=True)[0] == (3002, 600, 602)
    extremes = my_exec(maria, f"SELECT id FROM dst.{name} WHERE i IS NULL ORDER BY id", fetch=True)
    assert [r[0] for r in extremes] == [-9223372036854775808, 9223372036854775807]


def test_pg_to_mariadb_infinity_fails_clearly(spark, pg, maria):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS bulk_inf", "CREATE TABLE bulk_inf (id int PRIMARY KEY, f double precision)",
            "INSERT INTO bulk_inf VALUES (1, 1.5), (2, 'Infinity')")
    my_exec(maria, "DROP TABLE IF EXISTS dst.bulk_inf")
    result, events, _ = run(spark, make_spec("postgres", pg_conf(pg, table="bulk_inf"), "mysql", my_conf(maria)))
    assert result["state"] == "failed"
    print("ERR", result["error"])
    assert "Incorrect double value: 'Infinity' for column `dst`.`bulk_inf`.`f`" in result["error"], result["error"]
    assert not my_exec(maria, "SELECT table_name FROM information_schema.tables WHERE table_name = 'bulk_inf'", fetch=True)


@pytest.mark.parametrize("target", ["postgres", "mysql"])
def test_bulk_split_retry_cannot_double(spark, pg, maria, target):
    """A second attempt of a split whose rows are committed adds nothing and reports the rows the
    first committed (ledger row in the same transaction); a failed attempt leaves nothing behind."""
    from dmsjob import bulk, sources, writers
    from dmsjob.connectors import Database
    pg_exec(pg, "src", "DROP TABLE IF EXISTS retry_src", "CREATE TABLE retry_src (id int PRIMARY KEY, v text)",
            "INSERT INTO retry_src SELECT g, 'v' || g FROM generate_series(1, 100) g")
    src = Database.for_conf("postgres", pg_conf(pg))
    if target == "postgres":
        tdb = Database.for_conf("postgres", pg_conf(pg, database="dst"))
    else:
        tdb = Database.for_conf("mysql", my_conf(maria))
    st = sources.SourceTable(name="public.retry_src", ref=src.ref("retry_src"))
    st.shape = src.shape(st.ref)
    tref = tdb.ref("retry_out")
    tdb.drop_table(tref)
    plan = writers.prepare(tdb, tref, {"mode": "append"}, st.target_shape(), "dms_stg_retrytest_0")
    splits, key = bulk.plan_splits(src, st, 2)
    assert key == "id" and len(splits) == 2
    from dmsjob.connectors import TableRef
    marker = TableRef(plan.staging.schema, plan.staging.name + "_done")
    bulk.create_ledger(tdb, marker)
    cols = ["id", "v"]
    if target == "postgres":
        sel, load_cols, sets = ", ".join(src.q(c) for c in cols), None, ""
    else:
        s, lc, st_sets = bulk.pg_select_for_mysql(src, st.shape)
        sel, load_cols, sets = ", ".join(s), ", ".join(tdb.q(c) for c in cols), ""
    job = {"source_conf": src.conf, "target_conf": tdb.conf, "target_type": target,
           "select": f"SELECT {sel} FROM {src.qt(st.ref)}", "staging": tdb.qt(plan.staging), "marker": tdb.qt(marker),
           "columns": ", ".join(tdb.q(c) for c in cols), "load_columns": load_cols, "load_sets": sets}
    first = bulk.run_split(job, splits[0])
    again = bulk.run_split(job, splits[0])
    assert first == (50, True) and again == (50, False)
    bad = dict(job, select=job["select"].replace("retry_src", "retry_src_missing"))
    with pytest.raises(Exception):
        bulk.run_split(bad, splits[1])
    assert bulk.run_split(job, splits[1]) == (50, True)
    assert tdb.count(plan.staging) == 100
    assert sorted(tdb.query(f"SELECT split_id, row_count FROM {tdb.qt(marker)}")) == [(0, 50), (1, 50)]
    writers.cleanup(plan)
    tdb.drop_table(marker)
