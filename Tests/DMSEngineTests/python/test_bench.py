"""Benchmark (runs only with DMS_ENGINE_BENCH=1): bulk path vs dataframe path, same table, same run.

Reports a ratio against the baseline measured in the same run; it asserts correctness, not time.
"""
import os
import time

import pytest

from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run

pytestmark = pytest.mark.skipif(os.environ.get("DMS_ENGINE_BENCH") != "1", reason="benchmark: set DMS_ENGINE_BENCH=1")
ROWS = int(os.environ.get("DMS_ENGINE_BENCH_ROWS", "100000"))


def test_bench_bulk_vs_dataframe(spark, pg, maria):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS bench_src",
            "CREATE TABLE bench_src (id bigint PRIMARY KEY, a int, b text, c numeric(12,2), d timestamp, e boolean)",
            f"INSERT INTO bench_src SELECT g, g % 1000, md5(g::text) || md5((g+1)::text), g / 7.0, "
            f"TIMESTAMP '2020-01-01' + g * interval '1 second', g % 3 = 0 FROM generate_series(1, {ROWS}) g",
            "VACUUM ANALYZE bench_src")
    out = {}
    for target in ("postgres", "mysql"):
        for path in ("bulk", "dataframe"):
            name = f"bench_{path}"
            if target == "postgres":
                pg_exec(pg, "dst", f"DROP TABLE IF EXISTS {name}")
                tconf = pg_conf(pg, database="dst", table=name)
            else:
                my_exec(maria, f"DROP TABLE IF EXISTS dst.{name}")
                tconf = my_conf(maria, table=name)
            sconf = pg_conf(pg, table="bench_src")
            t0 = time.time()
            r, ev, _ = run(spark, make_spec("postgres", sconf, target, tconf, parallelism=2,
                                            path="auto" if path == "bulk" else "dataframe"))
            out[(target, path)] = time.time() - t0
            assert r["state"] == "succeeded", r
            assert by_type(ev, "plan")[0]["tables"][0]["path"] == path
            assert by_type(ev, "table_done")[0]["rows_written"] == ROWS
    for target in ("postgres", "mysql"):
        b, d = out[(target, "bulk")], out[(target, "dataframe")]
        print(f"\n{ROWS} rows PG->{target}: bulk {b:.1f}s, dataframe {d:.1f}s, dataframe/bulk = {d / b:.2f}x")
