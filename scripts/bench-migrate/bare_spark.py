"""The bare Spark baseline of `scripts/bench migrate`: the same copy as the DMS job, written the
plain way with Spark's defaults (run by spark-submit, no DMS code).

  spark-submit --jars … bare_spark.py --source-url URL --table T --target postgres|mariadb|parquet
                                      (--target-url URL --target-table T | --path DIR)

Read: one JDBC read of the whole table (one partition, Spark's default). The only option that is
not Spark's default is fetchsize=10000: with the PostgreSQL driver's default (0) the driver buffers
the whole result set in the JVM. Write: a JDBC write (Spark creates the table, batchsize 1000) or
df.write.parquet (snappy). Credentials come from the environment (BENCH_SOURCE_USER,
BENCH_TARGET_USER, BENCH_TARGET_PASSWORD), never argv.
"""
import argparse
import os
import time

from pyspark.sql import SparkSession


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--source-url", required=True)
    p.add_argument("--table", required=True)
    p.add_argument("--target", required=True, choices=["postgres", "mariadb", "parquet"])
    p.add_argument("--target-url")
    p.add_argument("--target-table")
    p.add_argument("--path")
    a = p.parse_args()
    t0 = time.time()
    spark = SparkSession.builder.appName("bench-bare-" + a.target).getOrCreate()
    t1 = time.time()
    df = (spark.read.format("jdbc").option("url", a.source_url).option("dbtable", a.table)
          .option("user", os.environ.get("BENCH_SOURCE_USER", "")).option("driver", "org.postgresql.Driver")
          .option("fetchsize", "10000").load())
    if a.target == "parquet":
        df.write.mode("overwrite").parquet(a.path)
    else:
        driver = "org.postgresql.Driver" if a.target == "postgres" else "org.mariadb.jdbc.Driver"
        w = (df.write.format("jdbc").option("url", a.target_url).option("dbtable", a.target_table)
             .option("user", os.environ.get("BENCH_TARGET_USER", "")).option("driver", driver))
        if os.environ.get("BENCH_TARGET_PASSWORD"):
            w = w.option("password", os.environ["BENCH_TARGET_PASSWORD"])
        w.mode("append").save()
    t2 = time.time()
    spark.stop()
    print(f"BARE-SPARK session_start={t1 - t0:.3f} copy={t2 - t1:.3f}", flush=True)


if __name__ == "__main__":
    main()
