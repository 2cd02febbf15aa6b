"""What a run reports about its tables: bytes written (as the target stores them), rows written so
far on the dataframe path, and the settings it refuses to write with."""
import os

import pytest

from dmsjob import runner
from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run

ROWS = 3000


@pytest.fixture(scope="module")
def sized_src(pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS sized",
            "CREATE TABLE sized (id int PRIMARY KEY, name text NOT NULL, note varchar(200))",
            f"INSERT INTO sized SELECT g, 'name-' || g, repeat('x', 100) FROM generate_series(1, {ROWS}) g")
    # the rows' own bytes in the source: no target can store them in less
    return pg_exec(pg, "src", "SELECT sum(pg_column_size(s.*)) FROM sized s", fetch=True)[0][0]


@pytest.mark.parametrize("path", ["bulk", "dataframe"])
def test_bytes_into_postgres_are_the_new_tables_size(spark, pg, sized_src, path):
    table = f"sized_pg_{path}"
    pg_exec(pg, "dst", f"DROP TABLE IF EXISTS {table}")
    result, events, _ = run(spark, make_spec("postgres", pg_conf(pg, table="sized"), "postgres",
                                             pg_conf(pg, database="dst", table=table), parallelism=2, path=
                                             "auto" if path == "bulk" else "dataframe"))
    assert result["state"] == "succeeded", result
    assert by_type(events, "plan")[0]["tables"][0]["path"] == path
    size = by_type(events, "table_done")[0]["bytes"]
    # measured on the staging table that became the target: its heap and key, at most all its forks
    heap_and_key, total = pg_exec(pg, "dst", f"SELECT pg_relation_size('{table}') + pg_indexes_size('{table}'), "
                                             f"pg_total_relation_size('{table}')", fetch=True)[0]
    print(f"\n{path} -> postgres: {size} bytes (rows' own bytes {sized_src}, table total now {total})")
    assert sized_src < heap_and_key <= size <= total, (sized_src, heap_and_key, size, total)


@pytest.mark.parametrize("path", ["bulk", "dataframe"])
def test_bytes_into_mariadb_are_the_new_tables_data_and_index_length(spark, pg, maria, sized_src, path):
    table = f"sized_my_{path}"
    my_exec(maria, f"DROP TABLE IF EXISTS dst.{table}")
    result, events, _ = run(spark, make_spec("postgres", pg_conf(pg, table="sized"), "mysql", my_conf(maria, table=table),
                                             parallelism=2, path="auto" if path == "bulk" else "dataframe"))
    assert result["state"] == "succeeded", result
    size = by_type(events, "table_done")[0]["bytes"]
    my_exec(maria, f"ANALYZE TABLE dst.{table}")
    stored = my_exec(maria, "SELECT data_length + index_length FROM information_schema.tables "
                            f"WHERE table_schema = 'dst' AND table_name = '{table}'", fetch=True)[0][0]
    print(f"\n{path} -> mariadb: {size} bytes (rows' own bytes in PostgreSQL {sized_src})")
    assert size == stored and size > sized_src / 2, (size, stored, sized_src)


def test_bytes_into_files_are_the_data_files_sizes_and_an_append_counts_only_its_own(spark, pg, workdir):
    base = os.path.join(workdir, "sized-parquet")

    def data_bytes():
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(base) for f in fs
                   if not f.startswith((".", "_")))

    spec = make_spec("postgres", pg_conf(pg, table="sized"), "file", {"format": "parquet", "path": base, "mode": "overwrite"})
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    first = by_type(events, "table_done")[0]["bytes"]
    assert first == data_bytes() and first > 0
    spec["target"]["conf"]["mode"] = "append"
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    assert by_type(events, "table_done")[0]["bytes"] == data_bytes() - first


def test_dataframe_progress_counts_the_rows_of_finished_partitions(spark, pg):
    """Four partitions of a query; the last one's last row takes 6 s: meanwhile progress shows the
    rows of the partitions already written, not a task count."""
    pg_exec(pg, "dst", "DROP TABLE IF EXISTS df_progress")
    query = ("SELECT g AS id, 'v' || g AS v, pg_sleep(CASE WHEN g = 4000 THEN 6 ELSE 0 END)::text AS z "
             "FROM generate_series(1, 4000) g")
    spec = make_spec("postgres", pg_conf(pg, query=query, partition_column="id", num_partitions=4, lower_bound=1,
                                         upper_bound=4001),
                     "postgres", pg_conf(pg, database="dst", table="df_progress"), validation="none")
    result, events, _ = run(spark, spec)
    assert result["state"] == "succeeded", result
    during = [e for e in by_type(events, "progress") if "tasks_total" in e]
    rows = [e["rows_written"] for e in during]
    assert len(rows) >= 2 and None not in rows and rows == sorted(rows), during
    print(f"\ndataframe progress, rows written: {rows}")
    assert any(0 < r < 4000 for r in rows), during
    assert by_type(events, "progress")[-1]["rows_written"] == 4000


def test_database_targets_refuse_speculation():
    on = {"spark.speculation": "true"}
    for target in ("postgres", "mysql", "sqlite", "jdbc"):
        assert "spark.speculation is on" in runner.speculation_refusal(on, target)
        assert runner.speculation_refusal({"spark.speculation": "false"}, target) is None
    assert runner.speculation_refusal(on, "file") is None  # Spark's file commit protocol takes one attempt


def test_the_session_dms_creates_never_speculates(spark):
    assert spark.sparkContext.getConf().get("spark.speculation") == "false"
