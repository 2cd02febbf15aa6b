"""Reading a source table into a DataFrame (the dataframe path), and the helpers that query the
source through Spark's JDBC reader when no Python driver exists (generic JDBC)."""
from .errors import DMSError
from . import sources


def jdbc_reader(spark, db, fetch_size=10000):
    r = spark.read.format("jdbc").option("url", db.jdbc_url())
    for k, v in db.jdbc_props().items():
        r = r.option(k, v)
    # timestamp without time zone stays a local date-time (TimestampNTZ); timestamptz is an instant
    return r.option("fetchsize", str(fetch_size)).option("preferTimestampNTZ", "true")


def scalar(spark, db, sql):
    """One value of a query, through the Python driver when there is one, else through Spark."""
    if db.dialect in ("postgres", "mysql", "sqlite", "hive"):
        rows = db.query(sql)
        return rows[0][0] if rows else None
    row = jdbc_reader(spark, db).option("query", sql).load().first()
    return row[0] if row else None


def compute_cursor(spark, db, st):
    """Sets st.cursor_new: the largest cursor value past the previous one (None: no new rows)."""
    if not st.cursor_column:
        return
    st.cursor_new = None
    where = [f"({st.filter})"] if st.filter else []
    col = sources._col(st, st.cursor_column)
    if st.cursor_value is not None:
        where.append(f"{db.q(st.cursor_column)} > {sources.literal(db, col, st.cursor_value)}")
    frm = db.qt(st.ref) if st.ref is not None else f"({st.query}) dms_q"
    sql = f"SELECT MAX({db.q(st.cursor_column)}) FROM {frm}" + (" WHERE " + " AND ".join(where) if where else "")
    v = scalar(spark, db, sql)
    if v is None:
        st.cursor_new = None
    else:
        if hasattr(v, "isoformat") and not isinstance(v, str):
            st.cursor_new = v.isoformat(sep=" ") if hasattr(v, "hour") else v.isoformat()
        else:
            st.cursor_new = str(v)


def partitioning(spark, db, st, sconf, parallelism):
    """(column, lower, upper, n) for a partitioned JDBC read, or None."""
    n = sconf.get("num_partitions") or parallelism
    col = sconf.get("partition_column")
    if not col:
        if n <= 1 or st.shape is None or len(st.shape.primary_key) != 1:
            return None
        pkc = sources._col(st, st.shape.primary_key[0])
        if pkc is None or pkc.kind not in ("smallint", "int", "bigint"):
            return None
        col = pkc.name
    if n <= 1:
        return None
    lo, hi = sconf.get("lower_bound"), sconf.get("upper_bound")
    if lo is None:
        sql = sources.select_sql(db, st, columns_sql=f"MIN({db.q(col)}), MAX({db.q(col)})")
        if db.dialect in ("postgres", "mysql", "sqlite"):
            rows = db.query(sql)
            lo, hi = rows[0] if rows else (None, None)
        else:
            row = jdbc_reader(spark, db).option("query", sql).load().first()
            lo, hi = (row[0], row[1]) if row else (None, None)
        if lo is None:
            return None
        if hasattr(lo, "isoformat"):
            lo, hi = lo.isoformat(), hi.isoformat()
        elif not isinstance(lo, (int, float)):
            lo, hi = int(lo), int(hi)
    if lo == hi:
        return None
    return col, lo, hi, n


def read_database(spark, db, st, sconf, parallelism):
    sql = sources.select_sql(db, st)
    if db.dialect == "hive":  # the session's own catalog: Spark SQL reads it
        return spark.sql(sql), 1
    fetch = sconf.get("fetch_size", 10000)
    r = jdbc_reader(spark, db, fetch).option("dbtable", f"({sql}) dms_src")
    part = partitioning(spark, db, st, sconf, parallelism)
    if part:
        col, lo, hi, n = part
        r = (r.option("partitionColumn", col).option("lowerBound", str(lo))
             .option("upperBound", str(hi)).option("numPartitions", str(n)))
    temporal = []
    if db.dialect == "sqlite" and st.shape is not None:
        # SQLite has no date type: values are text (or epoch milliseconds); the xerial driver only
        # parses one text layout. Read them as text and let Spark parse them (ANSI: a bad value fails).
        temporal = [c for c in st.shape.columns if c.kind in ("date", "timestamp", "timestamptz", "decimal")]
        # xerial reports INTEGER columns as 32-bit: Spark would cut 64-bit values; read them as BIGINT
        wide = [c for c in st.shape.columns if c.kind == "bigint"]
        custom = [f"`{c.name}` STRING" for c in temporal] + [f"`{c.name}` BIGINT" for c in wide]
        if custom:
            r = r.option("customSchema", ", ".join(custom))
    df = r.load()
    if temporal:
        from pyspark.sql import functions as F
        for c in temporal:
            col = F.col(f"`{c.name}`")
            if c.kind == "decimal":  # exact text (or a REAL SQLite chose for a lossless value)
                df = df.withColumn(c.name, col.cast(f"decimal({c.precision},{c.scale})"))
                continue
            millis = F.timestamp_millis(col.cast("long"))
            ts_type = "timestamp_ntz" if c.kind == "timestamp" else "timestamp"
            ts = F.when(col.rlike("^-?[0-9]+$"), millis.cast(ts_type)).otherwise(col.cast(ts_type))
            df = df.withColumn(c.name, ts.cast("date") if c.kind == "date" else ts)
    for src, dst in st.rename.items():
        if src in df.columns:
            df = df.withColumnRenamed(src, dst)
    return df, (part[3] if part else 1)


def read_files(spark, conf, st):
    fmt = conf["format"]
    r = spark.read.format(fmt).options(**(conf.get("options") or {}))
    if fmt == "csv" and "header" not in (conf.get("options") or {}):
        r = r.option("header", "true")
    if fmt in ("csv", "json") and "inferSchema" not in (conf.get("options") or {}):
        r = r.option("inferSchema", "true")
    df = r.load(conf["path"])
    if conf.get("columns"):
        missing = [c for c in conf["columns"] if c not in df.columns]
        if missing:
            raise DMSError(f"column {missing[0]} (source.conf.columns) does not exist in {conf['path']}")
        df = df.select(*conf["columns"])
    if conf.get("filter"):
        df = df.where(conf["filter"])
    return df
