"""The bulk path ("direct mode"): PostgreSQL COPY … TO STDOUT piped into PostgreSQL COPY … FROM
STDIN or MariaDB LOAD DATA LOCAL INFILE, one Spark task per key range, in Python workers (rows
never become JVM rows).

Exactly once: every split's rows go into the table's staging table inside ONE target transaction
that also records the split in a ledger `<staging>_done` (split id as primary key, and the rows it
loaded). A retried attempt of a split whose rows are already committed (its task failed after the
commit: a lost acknowledgement, a lost executor) hits that key, loads nothing and reports the rows
the ledger holds; an attempt that failed before its commit rolled back both. The staging table is
then moved into the target by the same final transaction as the dataframe path (writers.finish).

Splits: on a single-column integer primary key, n non-overlapping ranges covering everything:
`key < b1`, `b1 <= key < b2`, …, `key >= b(n-1)`, plus `key IS NULL` when the key is nullable.
Without such a key: one split (the whole table).
"""
import os
import tempfile
import threading

from .errors import DMSError


def plan_splits(db, st, n):
    """List of split dicts {id, where} (SQL predicates on the source, covering, non-overlapping)."""
    key = None
    if st.shape is not None and len(st.shape.primary_key) == 1:
        for c in st.shape.columns:
            if c.name == st.shape.primary_key[0] and c.kind in ("smallint", "int", "bigint"):
                key = c
    if key is None or n <= 1:
        return [{"id": 0, "where": None}], None
    q = db.q(key.name)
    lo, hi = db.query(f"SELECT MIN({q}), MAX({q}) FROM {db.qt(st.ref)}")[0]
    if lo is None or lo == hi:
        return [{"id": 0, "where": None}], key.name
    n = min(n, hi - lo + 1)
    bounds = [lo + (hi - lo + 1) * i // n for i in range(1, n)]
    splits = []
    prev = None
    for i, b in enumerate(bounds):
        w = f"{q} < {b}" if prev is None else f"{q} >= {prev} AND {q} < {b}"
        splits.append({"id": i, "where": w})
        prev = b
    splits.append({"id": len(splits), "where": f"{q} >= {prev}"})
    if key.nullable:
        splits.append({"id": len(splits), "where": f"{q} IS NULL"})
    return splits, key.name


def pg_select_for_mysql(db, shape):
    """SELECT list turning PostgreSQL values into what LOAD DATA expects, and the LOAD DATA column
    list / SET clause for the MariaDB side."""
    sel, load_cols, sets = [], [], []
    for i, c in enumerate(shape.columns):
        qc = db.q(c.name)
        var = f"@v{i}"
        if c.kind == "bool":
            sel.append(f"{qc}::int")
            load_cols.append(None)
        elif c.kind == "binary":
            sel.append(f"encode({qc}, 'hex')")
            load_cols.append(var)
            sets.append((c.name, f"UNHEX({var})"))
            continue
        elif c.kind == "timestamptz":
            sel.append(f"({qc} AT TIME ZONE 'UTC')")
            load_cols.append(None)
        else:
            sel.append(qc)
            load_cols.append(None)
    return sel, load_cols, sets


def make_task(job, rows_acc=None):
    """The function Spark runs per partition of split descriptions (in a Python worker). It yields
    (split id, rows, loaded now): `loaded now` is False when an earlier attempt had committed it."""

    def task(rows):
        from dmsjob import bulk as b
        for split in rows:
            try:
                n, loaded = b.run_split(job, split)
            except Exception as e:  # the driver extracts the root cause after DMS-ROOT:
                from dmsjob.errors import ROOT_MARK, root_cause
                raise RuntimeError(ROOT_MARK + root_cause(e)) from None
            if rows_acc is not None:
                rows_acc.add(n)
            yield (split["id"], n, loaded)

    return task


def create_ledger(tdb, ref):
    """The split ledger of a staging table: one row per committed split."""
    tdb.drop_table(ref)
    tdb.execute_tx([f"CREATE TABLE {tdb.qt(ref)} (split_id INT PRIMARY KEY, row_count BIGINT NOT NULL DEFAULT 0)"])


def _claim(conn, job, split, duplicate):
    """Records the split in the ledger inside the open transaction. False when an earlier attempt
    committed it: the transaction is rolled back and nothing may be loaded."""
    try:
        conn.cursor().execute(f"INSERT INTO {job['marker']} (split_id) VALUES (%s)", (split["id"],))
        return True
    except duplicate:
        conn.rollback()
        return False


def _committed_rows(conn, job, split):
    cur = conn.cursor()
    cur.execute(f"SELECT row_count FROM {job['marker']} WHERE split_id = %s", (split["id"],))
    return int(cur.fetchone()[0])


def _record_rows(conn, job, split, n):
    conn.cursor().execute(f"UPDATE {job['marker']} SET row_count = %s WHERE split_id = %s", (n, split["id"]))


def run_split(job, split):
    """Loads one split; returns (rows, loaded now). Loaded now is False when an earlier attempt had
    committed the split: then nothing is loaded and rows are those the ledger recorded."""
    from dmsjob.connectors import Database
    src = Database.for_conf("postgres", job["source_conf"])
    where = list(job.get("where") or []) + ([f"({split['where']})"] if split["where"] else [])
    sel = job["select"] + (" WHERE " + " AND ".join(where) if where else "")
    copy_out = f"COPY ({sel}) TO STDOUT"
    if job["target_type"] == "postgres":
        copy_out += ""
    else:
        copy_out += " (FORMAT csv, NULL 'NULL', FORCE_QUOTE *)"
    with src.connect() as sconn:
        sconn.execute("SET DateStyle = 'ISO, YMD'")
        sconn.execute("SET TimeZone = 'UTC'")
        sconn.execute("SET extra_float_digits = 3")
        sconn.execute("SET IntervalStyle = 'postgres'")
        if job["target_type"] == "postgres":
            return _to_postgres(job, split, sconn, copy_out)
        return _to_mysql(job, split, sconn, copy_out)


def _to_postgres(job, split, sconn, copy_out):
    import psycopg
    from dmsjob.connectors import Database
    tdb = Database.for_conf("postgres", job["target_conf"])
    with tdb.connect() as tconn:
        tconn.execute("SET DateStyle = 'ISO, YMD'")
        tconn.execute("SET TimeZone = 'UTC'")
        if not _claim(tconn, job, split, psycopg.errors.UniqueViolation):
            return _committed_rows(tconn, job, split), False
        n = 0
        with sconn.cursor().copy(copy_out) as cin:
            with tconn.cursor() as tcur:
                with tcur.copy(f"COPY {job['staging']} ({job['columns']}) FROM STDIN") as cout:
                    for data in cin:
                        cout.write(data)
                n = tcur.rowcount
        _record_rows(tconn, job, split, n)
        tconn.commit()
        return n, True


def _to_mysql(job, split, sconn, copy_out):
    import pymysql
    from dmsjob.connectors import Database
    tdb = Database.for_conf("mysql", job["target_conf"])
    tconn = tdb.connect(local_infile=True)
    fifo_dir = tempfile.mkdtemp(prefix="dms-bulk-")
    fifo = os.path.join(fifo_dir, "rows.csv")
    os.mkfifo(fifo, 0o600)
    err = []

    def pump():
        try:
            fd = os.open(fifo, os.O_WRONLY)
            with os.fdopen(fd, "wb", buffering=1 << 20) as out:
                with sconn.cursor().copy(copy_out) as cin:
                    for data in cin:
                        out.write(data)
        except BaseException as e:  # noqa
            err.append(e)

    try:
        cur = tconn.cursor()
        cur.execute("START TRANSACTION")
        if not _claim(tconn, job, split, pymysql.err.IntegrityError):
            return _committed_rows(tconn, job, split), False
        t = threading.Thread(target=pump, daemon=True)
        t.start()
        load = (f"LOAD DATA LOCAL INFILE %s INTO TABLE {job['staging']} CHARACTER SET utf8mb4 "
                "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '\\n' "
                f"({job['load_columns']})" + (f" SET {job['load_sets']}" if job["load_sets"] else ""))
        try:
            cur.execute(load, (fifo,))
        except BaseException:
            # unblock the pump if LOAD DATA never opened the FIFO
            try:
                fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
                os.close(fd)
            except OSError:
                pass
            t.join(5)
            raise
        t.join()
        if err:
            raise err[0]
        n = cur.rowcount
        warnings = cur.execute("SHOW WARNINGS") and cur.fetchall()
        if warnings:
            raise DMSError(f"MariaDB refused or changed a value while loading: {warnings[0][2]}")
        _record_rows(tconn, job, split, n)
        tconn.commit()
        return n, True
    finally:
        try:
            tconn.close()
        except Exception:
            pass
        try:
            os.unlink(fifo)
            os.rmdir(fifo_dir)
        except OSError:
            pass


def run(spark, src_db, st, tplan, splits, target_type, rows_acc=None):
    """Moves one table through its splits into staging; returns (rows copied, ids of the splits a
    retried attempt found already committed)."""
    tdb = tplan.db
    from .connectors import TableRef
    mref = TableRef(tplan.staging.schema, tplan.staging.name + "_done")
    create_ledger(tdb, mref)
    try:
        from . import sources
        cols = [c.name for c in st.shape.columns]
        outs = [st.out_name(c) for c in cols]  # renamed columns map by position
        if target_type == "postgres":
            sel_cols = ", ".join(src_db.q(c) for c in cols)
            load_cols, sets = None, []
        else:
            sel, lc, sets = pg_select_for_mysql(src_db, st.shape)
            sel_cols = ", ".join(sel)
            load_cols = ", ".join(v if v else tdb.q(o) for v, o in zip(lc, outs))
            sets = [(st.out_name(c), e) for c, e in sets]
        job = {
            "source_conf": src_db.conf, "target_conf": tdb.conf, "target_type": target_type,
            "select": f"SELECT {sel_cols} FROM {src_db.qt(st.ref)}",
            "where": sources.predicates(src_db, st),  # filter and cursor range
            "staging": tdb.qt(tplan.staging), "marker": tdb.qt(mref),
            "columns": ", ".join(tdb.q(o) for o in outs),
            "load_columns": load_cols,
            "load_sets": ", ".join(f"{tdb.q(c)} = {e}" for c, e in sets),
        }
        sc = spark.sparkContext
        rdd = sc.parallelize(splits, len(splits))
        done = rdd.mapPartitions(make_task(job, rows_acc)).collect()
        return sum(n for _, n, _ in done), sorted(i for i, _, loaded in done if not loaded)
    finally:
        try:
            tdb.drop_table(mref)
        except Exception:
            pass
