"""Writing into a target: staging tables and the one-transaction swap (database targets), and
file targets.

Database targets (postgres, mysql, sqlite): rows are first loaded into a staging table
`dms_stg_<run>_<n>` next to the target; its row count is checked; then ONE transaction (or
MariaDB's atomic multi-table RENAME) moves them into the target:
  * new table      : the staging table (created with the mapped types, key, NOT NULL) is renamed;
  * overwrite      : PostgreSQL/SQLite TRUNCATE/DELETE + INSERT…SELECT; MariaDB RENAME TABLE swap;
  * append         : INSERT…SELECT;
  * upsert         : INSERT…SELECT … ON CONFLICT (keys) DO UPDATE / ON DUPLICATE KEY UPDATE.
A failure anywhere before that transaction commits leaves the target untouched; the staging
table is always dropped.

The dataframe path (PostgreSQL, MariaDB) first writes into a keyless landing table
`<staging>_load` that tags every row with its Spark partition and its writer's transaction
(PostgreSQL `txid_current()`) or connection (MariaDB `CONNECTION_ID()`): Spark writes a partition
in one transaction on one connection, so a partition committed twice (its task failed after the
commit and was retried) shows two tags, and `land` keeps exactly one of them.
Generic JDBC targets are written by Spark directly (append, or overwrite with truncate): not atomic.
"""
from .connectors import TableRef
from .errors import DMSError
from . import typemap


# The landing table's tags, and the expression each dialect fills the attempt tag with.
PARTITION_TAG, ATTEMPT_TAG = "__dms_partition", "__dms_attempt"
_ATTEMPT_DEFAULT = {"postgres": "txid_current()", "mysql": "(CONNECTION_ID())"}


class TargetPlan:
    def __init__(self, db, ref, mode, existed, shape, staging, key_columns):
        self.db, self.ref, self.mode, self.existed = db, ref, mode, existed
        self.shape, self.staging, self.key_columns = shape, staging, key_columns
        self.columns = shape.names() if shape else None
        self.old = TableRef(ref.schema, staging.name + "_old") if staging else None
        self.landing = None


def create_table_sql(db, ref, shape, pk_name=None):
    keyset = set(shape.primary_key)
    parts = []
    for c in shape.columns:
        t = typemap.ddl_type(db.dialect, c, in_key=c.name in keyset)
        parts.append(f"{db.q(c.name)} {t}" + ("" if c.nullable and c.name not in keyset else " NOT NULL"))
    if shape.primary_key:
        cons = f"CONSTRAINT {db.q(pk_name)} " if pk_name and db.dialect == "postgres" else ""
        parts.append(f"{cons}PRIMARY KEY (" + ", ".join(db.q(c) for c in shape.primary_key) + ")")
    suffix = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" if db.dialect == "mysql" else ""
    return f"CREATE TABLE {db.qt(ref)} (" + ", ".join(parts) + ")" + suffix


def target_columns(db, ref):
    return [c.name for c in db.shape(ref).columns]


def prepare(db, ref, tconf, shape, staging_name):
    """Decides what happens to the target table and creates the staging table.

    Returns a TargetPlan, or None when the table is skipped (create_if_missing and it exists).
    `shape` is the shape written (target column names), or None when unknown.
    """
    mode = tconf.get("mode", "append")
    existed = db.table_exists(ref)
    if existed and mode == "error_if_exists":
        raise DMSError(f"target table {ref} already exists (mode error_if_exists)")
    if existed and mode == "create_if_missing":
        return None
    staging = TableRef(ref.schema, staging_name)
    db.drop_table(staging)
    if not existed:
        if not tconf.get("create_table", True):
            raise DMSError(f"target table {ref} does not exist and create_table is false")
        if shape is None:
            raise DMSError(f"cannot create target table {ref}: the source's column types are unknown")
        if mode == "upsert" and tconf.get("key_columns") and not shape.primary_key:
            shape.primary_key = list(tconf["key_columns"])
        pk_name = (ref.name + "_pkey")[:63]
        db.execute_tx([create_table_sql(db, staging, shape, pk_name)])
        return TargetPlan(db, ref, mode, False, shape, staging, tconf.get("key_columns"))
    # the target exists: the staging table copies its columns (MariaDB: its whole definition)
    tcols = target_columns(db, ref)
    if shape is not None:
        missing = [c for c in shape.names() if c not in tcols]
        if missing:
            raise DMSError(f"column {missing[0]} does not exist in target table {ref}")
    if mode == "upsert":
        for k in tconf["key_columns"]:
            if k not in tcols:
                raise DMSError(f"key column {k} (target.conf.key_columns) does not exist in target table {ref}")
    if db.dialect == "postgres":
        db.execute_tx([f"CREATE TABLE {db.qt(staging)} (LIKE {db.qt(ref)})"])
    elif db.dialect == "mysql":
        db.execute_tx([f"CREATE TABLE {db.qt(staging)} LIKE {db.qt(ref)}"])
    else:
        db.execute_tx([f"CREATE TABLE {db.qt(staging)} AS SELECT * FROM {db.qt(ref)} WHERE 0"])
    written = shape if shape is not None else None
    plan = TargetPlan(db, ref, mode, True, written or db.shape(ref), staging, tconf.get("key_columns"))
    return plan


def finish(plan):
    """The one transaction that moves the staging rows into the target."""
    db, ref, stg = plan.db, plan.ref, plan.staging
    cols = ", ".join(db.q(c) for c in plan.columns)
    insert = f"INSERT INTO {db.qt(ref)} ({cols}) SELECT {cols} FROM {db.qt(stg)}"
    if not plan.existed:
        if db.dialect == "mysql":
            db.execute_tx([f"RENAME TABLE {db.qt(stg)} TO {db.qt(ref)}"])
        else:
            db.execute_tx([f"ALTER TABLE {db.qt(stg)} RENAME TO {db.q(ref.name)}"])
        return
    if plan.mode == "overwrite":
        if db.dialect == "postgres":
            db.execute_tx([f"TRUNCATE {db.qt(ref)}", insert, f"DROP TABLE {db.qt(stg)}"])
        elif db.dialect == "mysql":
            if set(plan.columns) == set(target_columns(db, ref)):
                db.execute_tx([f"RENAME TABLE {db.qt(ref)} TO {db.qt(plan.old)}, {db.qt(stg)} TO {db.qt(ref)}"])
                db.execute_tx([f"DROP TABLE IF EXISTS {db.qt(plan.old)}"])
            else:  # a column subset: the other columns take their defaults
                db.execute_tx([f"DELETE FROM {db.qt(ref)}", insert])
        else:
            db.execute_tx([f"DELETE FROM {db.qt(ref)}", insert, f"DROP TABLE {db.qt(stg)}"])
        return
    if plan.mode == "upsert":
        keys = plan.key_columns
        others = [c for c in plan.columns if c not in keys]
        if db.dialect == "postgres":
            action = ("DO UPDATE SET " + ", ".join(f"{db.q(c)} = EXCLUDED.{db.q(c)}" for c in others)) if others else "DO NOTHING"
            sql = insert + " ON CONFLICT (" + ", ".join(db.q(k) for k in keys) + ") " + action
        else:
            upd = others or keys
            sql = insert + " ON DUPLICATE KEY UPDATE " + ", ".join(f"{db.q(c)} = VALUES({db.q(c)})" for c in upd)
        db.execute_tx([sql])
        return
    db.execute_tx([insert])  # append


def cleanup(plan):
    for t in (plan.staging, plan.old, plan.landing):
        if t is None:
            continue
        try:
            plan.db.drop_table(t)
        except Exception:
            pass


def create_landing(plan):
    """Creates the dataframe path's landing table (the staging table's written columns, no key,
    plus the partition and attempt tags); returns it, or None where the dialect has no attempt tag
    (SQLite: Spark writes into staging directly, and a partition committed twice fails the count
    validation or the key instead of being removed)."""
    db = plan.db
    if db.dialect not in _ATTEMPT_DEFAULT:
        return None
    landing = TableRef(plan.staging.schema, plan.staging.name + "_load")
    plan.landing = landing
    db.drop_table(landing)
    cols = ", ".join(db.q(c) for c in plan.columns)
    if db.dialect == "postgres":
        create = f"CREATE UNLOGGED TABLE {db.qt(landing)} AS SELECT {cols} FROM {db.qt(plan.staging)} WITH NO DATA"
        tags = f"ADD COLUMN {db.q(PARTITION_TAG)} int, ADD COLUMN {db.q(ATTEMPT_TAG)} bigint DEFAULT {_ATTEMPT_DEFAULT['postgres']}"
    else:
        create = f"CREATE TABLE {db.qt(landing)} ENGINE=InnoDB AS SELECT {cols} FROM {db.qt(plan.staging)} WHERE 1 = 0"
        tags = f"ADD COLUMN {db.q(PARTITION_TAG)} INT, ADD COLUMN {db.q(ATTEMPT_TAG)} BIGINT DEFAULT {_ATTEMPT_DEFAULT['mysql']}"
    db.execute_tx([create])
    db.execute_tx([f"ALTER TABLE {db.qt(landing)} {tags}"])
    return landing


def land(plan):
    """Moves the landing table's rows into staging, one attempt per Spark partition; drops the
    landing table. Returns the partitions that more than one attempt had committed."""
    db, landing = plan.db, plan.landing
    p, a = db.q(PARTITION_TAG), db.q(ATTEMPT_TAG)
    retried = sorted(r[0] for r in db.query(
        f"SELECT {p} FROM {db.qt(landing)} GROUP BY {p} HAVING COUNT(DISTINCT {a}) > 1"))
    cols = ", ".join(db.q(c) for c in plan.columns)
    move = f"INSERT INTO {db.qt(plan.staging)} ({cols}) SELECT {cols} FROM {db.qt(landing)}"
    if retried:
        move += f" WHERE ({p}, {a}) IN (SELECT {p}, MIN({a}) FROM {db.qt(landing)} GROUP BY {p})"
    db.execute_tx([move])
    db.drop_table(landing)
    plan.landing = None
    return retried


def stored_bytes(db, ref):
    """The bytes a table takes in its database (rows, TOAST and indexes), or None where unknown."""
    try:
        if db.dialect == "postgres":
            return int(db.query("SELECT pg_total_relation_size(%s::regclass)", (db.qt(ref),))[0][0])
        if db.dialect == "mysql":
            db.query(f"ANALYZE TABLE {db.qt(ref)}")  # InnoDB's sizes are statistics: refresh them
            size = db.query("SELECT data_length + index_length FROM information_schema.tables "
                            "WHERE table_schema = %s AND table_name = %s", (ref.schema, ref.name))
            return int(size[0][0]) if size and size[0][0] is not None else None
        if db.dialect == "sqlite":
            size = db.query("SELECT SUM(pgsize) FROM dbstat WHERE name = ?", (ref.name,))
            return int(size[0][0]) if size and size[0][0] is not None else None
    except Exception:  # noqa: BLE001 - a size is information, never a reason to fail a table
        return None
    return None


def write_jdbc(df, db, ref, batch_size, mode="append", tag_partitions=False):
    """Spark's JDBC write of `df` into `ref`; `tag_partitions` adds the partition tag of a landing table."""
    w = df
    if db.dialect == "sqlite":
        # SQLite stores dates as ISO text (what its date functions read), to the microsecond
        from pyspark.sql import functions as F
        from pyspark.sql import types as T
        for f in df.schema.fields:
            col = F.col(f"`{f.name}`")
            if isinstance(f.dataType, T.DateType):
                w = w.withColumn(f.name, F.date_format(col, "yyyy-MM-dd"))
            elif isinstance(f.dataType, (T.TimestampType, T.TimestampNTZType)):
                w = w.withColumn(f.name, F.date_format(col, "yyyy-MM-dd HH:mm:ss.SSSSSS"))
            elif isinstance(f.dataType, T.DecimalType):  # exact: the driver would bind a double
                w = w.withColumn(f.name, col.cast("string"))
        w = w.coalesce(1)  # one writer: SQLite locks the whole file
    w = _refuse_unstorable_floats(w, db.dialect)
    if tag_partitions:  # last: the partition is the writing task's
        from pyspark.sql import functions as F
        w = w.withColumn(PARTITION_TAG, F.spark_partition_id())
    writer = w.write.format("jdbc").option("url", db.jdbc_url()).option("dbtable", db.qt(ref))
    for k, v in db.jdbc_props(for_write=True).items():
        writer = writer.option(k, v)
    writer = writer.option("batchsize", str(batch_size)).option("isolationLevel", "READ_COMMITTED")
    if mode == "overwrite":
        writer = writer.option("truncate", "true")
    writer.mode(mode).save()


def _refuse_unstorable_floats(df, dialect):
    """MariaDB/MySQL cannot store NaN or ±Infinity; SQLite turns NaN into NULL. Such a value fails
    the write with a clear message instead of being refused obscurely or changed silently (the
    check is lazy: no extra pass over the data)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    if dialect not in ("mysql", "sqlite"):
        return df
    for f in df.schema.fields:
        if not isinstance(f.dataType, (T.FloatType, T.DoubleType)):
            continue
        col = F.col(f"`{f.name}`")
        if dialect == "mysql":
            bad = F.isnan(col) | (col == F.lit(float("inf"))) | (col == F.lit(float("-inf")))
            what = "NaN or Infinity"
            target = "MySQL/MariaDB"
        else:
            bad = F.isnan(col)
            what = "NaN"
            target = "SQLite (it would become NULL)"
        msg = f"column {f.name} holds {what}, which {target} cannot store"
        df = df.withColumn(f.name, F.when(bad, F.raise_error(F.lit("DMS-" + "ROOT: " + msg)).cast(f.dataType)).otherwise(col))
    return df


def write_files(df, conf, path):
    mode = conf.get("mode", "error_if_exists")
    w = df.write.format(conf["format"]).options(**(conf.get("options") or {}))
    if conf["format"] == "csv" and "header" not in (conf.get("options") or {}):
        w = w.option("header", "true")
    if conf.get("compression"):
        w = w.option("compression", conf["compression"])
    if conf.get("partition_by"):
        missing = [c for c in conf["partition_by"] if c not in df.columns]
        if missing:
            raise DMSError(f"column {missing[0]} (target.conf.partition_by) is not written")
        w = w.partitionBy(*conf["partition_by"])
    w.mode({"error_if_exists": "errorifexists", "append": "append", "overwrite": "overwrite"}[mode]).save(path)
