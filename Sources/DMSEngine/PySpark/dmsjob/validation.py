"""Validation after a table is loaded: row counts (default) or an order-independent checksum."""
from .errors import DMSError


def count_source(spark, db, st, df=None):
    """Rows the source selection holds (filter + cursor range applied)."""
    from . import sources, readers
    if db is None:
        return df.count()
    sql = sources.select_sql(db, st, columns_sql="COUNT(*)")
    if st.shape is None and st.ref is None:
        sql = f"SELECT COUNT(*) FROM ({sources.select_sql(db, st)}) dms_c"
    return int(readers.scalar(spark, db, sql))


def check_counts(emitter, table, source_rows, target_rows, detail=""):
    ok = source_rows == target_rows
    emitter.emit("validation", table=table, source_rows=source_rows, target_rows=target_rows, ok=ok,
                 detail=detail or ("row counts match" if ok else "row counts differ"))
    if not ok:
        raise DMSError(f"validation failed for {table}: source has {source_rows} rows, target has {target_rows}")


def checksum_df(df):
    """(rows, sum of 64-bit hashes of each row's values): order-independent."""
    from pyspark.sql import functions as F
    cols = [F.col(f"`{c}`").cast("string") for c in df.columns]
    h = F.xxhash64(*[F.coalesce(c, F.lit("\u0000NULL")) for c in cols])
    row = df.select(F.count(F.lit(1)).alias("n"), F.sum(h.cast("decimal(38,0)")).alias("s")).first()
    return int(row["n"]), (int(row["s"]) if row["s"] is not None else 0)
