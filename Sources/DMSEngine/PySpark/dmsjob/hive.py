"""Hive tables through Spark's Hive support: the session's metastore settings, the catalog (tables,
shapes, SQL), and the target's staging table and move.

One Spark session has one Hive catalog, fixed when the session starts: a run touching `hive`
builds its session from the connection (`session_settings`), and a session that does not match
the connection (the warm engine's, another metastore) refuses the run (`check_session`).

Metastore: `metastore_uri` set → that remote metastore (`hive.metastore.uris`), no Derby.
Otherwise an embedded Derby metastore at `<warehouse>/.dms-metastore` (a name Hive cannot give a
table or database), where `<warehouse>` is `warehouse_dir`, or `spark-warehouse` in the
program's working directory (dmsd starts spark-submit in its engine work directory), so a table
one run writes is in the catalog of the next run of a job using the same connection.
"""
import os
from urllib.parse import unquote, urlparse

from .connectors import Database, TableRef
from .errors import DMSError
from . import typemap

METASTORE_DIR = ".dms-metastore"


def connection(spec):
    """The hive connection conf of a spec, or None (spec.py checked that a source and a target on
    hive name the same metastore and warehouse)."""
    for side in ("source", "target"):
        if spec[side]["type"] == "hive":
            return spec[side]["conf"]
    return None


def warehouse(conf):
    """The warehouse directory of a hive connection (absolute, or a Hadoop URI)."""
    wh = conf.get("warehouse_dir")
    if not wh:
        return os.path.abspath("spark-warehouse")
    if urlparse(wh).scheme in ("", "file"):
        return os.path.abspath(urlparse(wh).path if wh.startswith("file:") else wh)
    return wh


def session_settings(conf):
    """Spark settings of a session for this hive connection (before the session starts)."""
    wh = warehouse(conf)
    out = {"spark.sql.catalogImplementation": "hive", "spark.sql.warehouse.dir": wh,
           "spark.hadoop.hive.exec.dynamic.partition.mode": "nonstrict"}
    uri = conf.get("metastore_uri") or ""
    if uri:
        # a metastore that is away fails the run within seconds instead of retrying for minutes
        out.update({"spark.hadoop.hive.metastore.uris": uri,
                    "spark.hadoop.hive.metastore.connect.retries": "1",
                    "spark.hadoop.hive.metastore.client.connect.retry.delay": "1s",
                    "spark.hadoop.hive.metastore.client.socket.timeout": "20s",
                    "spark.hadoop.hive.metastore.failure.retries": "0"})
        return out
    if "://" in wh and not wh.startswith("file:"):
        raise DMSError("an embedded Hive metastore needs a local warehouse_dir; "
                       f"set metastore_uri to use the warehouse {wh}")
    out["spark.hadoop.javax.jdo.option.ConnectionURL"] = \
        f"jdbc:derby:;databaseName={os.path.join(wh, METASTORE_DIR)};create=true"
    return out


def prepare_jvm(spark, conf):
    """Derby writes its log into the working directory unless told: next to its database."""
    if not (conf.get("metastore_uri") or ""):
        wh = warehouse(conf)
        os.makedirs(wh, exist_ok=True)
        spark.sparkContext._jvm.java.lang.System.setProperty(
            "derby.stream.error.file", os.path.join(wh, METASTORE_DIR + ".log"))


def check_session(spark, conf):
    """Refuses a session whose Hive catalog is not this connection's."""
    sc = spark.sparkContext.getConf()
    if sc.get("spark.sql.catalogImplementation", "in-memory") != "hive":
        raise DMSError("hive tables need a Spark session started with Hive support; this one has none "
                       "(run the job with spark-submit, not the warm engine)")
    want = session_settings(conf)
    for key in ("spark.sql.warehouse.dir", "spark.hadoop.hive.metastore.uris", "spark.hadoop.javax.jdo.option.ConnectionURL"):
        have = sc.get(key, None)
        if key == "spark.sql.warehouse.dir" and have:
            have = warehouse({"warehouse_dir": have})
        if (have or None) != want.get(key):
            raise DMSError(f"this Spark session's Hive catalog is not the connection's ({key} differs): "
                           "a hive job needs a session of its own")


def check_metastore(spark, conf):
    """Opens the catalog: a metastore that cannot be reached, or a missing database, is said so in
    one line."""
    uri = conf.get("metastore_uri") or ""
    try:
        exists = spark.catalog.databaseExists(conf.get("database", "default"))
    except Exception as e:  # noqa: BLE001 - the JVM's error, reduced to its last cause
        from .errors import root_cause
        cause = root_cause(e).rsplit("Exception: ", 1)[-1]
        raise DMSError(f"cannot reach the Hive metastore {uri or '(embedded)'}: {cause}")
    if not exists:
        raise DMSError(f"Hive database {conf.get('database', 'default')} does not exist")


class HiveCatalog(Database):
    """The tables of one Hive database, through the session's catalog and Spark SQL."""
    dialect = "hive"
    quote_char = "`"

    def __init__(self, spark, conf):
        super().__init__("hive", conf)
        self.spark = spark

    def default_schema(self):
        return self.conf.get("database", "default")

    def query(self, sql, params=()):
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def execute_tx(self, statements):
        """Spark SQL has no transactions: the statements run in order."""
        for s in statements:
            self.spark.sql(s)

    def list_tables(self):
        out = []
        for db in [r[0] for r in self.query("SHOW DATABASES")]:
            for t in self.spark.catalog.listTables(db):
                if not t.isTemporary and not t.name.startswith("dms_stg_"):
                    out.append(TableRef(db, t.name))
        return sorted(out, key=lambda r: (r.schema, r.name))

    def table_exists(self, ref):
        return self.spark.catalog.tableExists(self.qt(ref))

    def shape(self, ref):
        return typemap.TableShape([typemap.from_spark(f) for f in self.spark.table(self.qt(ref)).schema.fields], [])

    def location(self, ref):
        for row in self.spark.sql(f"DESCRIBE TABLE EXTENDED {self.qt(ref)}").collect():
            if row[0] == "Location":
                return row[1]
        return None

    def partitions(self, ref):
        try:
            return {r[0] for r in self.spark.sql(f"SHOW PARTITIONS {self.qt(ref)}").collect()}
        except Exception:  # noqa: BLE001 - not partitioned
            return set()


def hive_compatible(df):
    """Hive has no local date-time type: a TimestampNTZ column is written as a Hive timestamp
    (the same wall-clock value, read back by Spark as a UTC timestamp)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    for f in df.schema.fields:
        if isinstance(f.dataType, T.TimestampNTZType):
            df = df.withColumn(f.name, F.col(f"`{f.name}`").cast("timestamp"))
    return df


def load_staging(db, df, tref, tconf, staging):
    """Checks the mode against the target and writes the rows into a new staging table next to it
    (the target's definition is untouched). Returns whether the target existed."""
    mode = tconf.get("mode", "append")
    existed = db.table_exists(tref)
    if existed and mode == "error_if_exists":
        raise DMSError(f"target table {tref} already exists (mode error_if_exists)")
    if existed:
        tcols = db.spark.table(db.qt(tref)).columns
        missing = [c for c in df.columns if c not in tcols]
        if missing:
            raise DMSError(f"column {missing[0]} does not exist in target table {tref}")
    db.drop_table(staging)
    w = hive_compatible(df).write.format("hive").option("fileFormat", tconf.get("format", "parquet"))
    if existed:  # partitioned like the target, so that an overwrite knows the partitions it replaces
        parts = [c.name for c in db.spark.catalog.listColumns(db.qt(tref)) if c.isPartition and c.name in df.columns]
    else:
        parts = tconf.get("partition_by") or []
        missing = [c for c in parts if c not in df.columns]
        if missing:
            raise DMSError(f"column {missing[0]} (target.conf.partition_by) is not written")
    if parts:
        w = w.partitionBy(*parts)
    w.mode("errorifexists").saveAsTable(db.qt(staging))
    return existed


def move_staging(db, tref, staging, existed, mode):
    """Moves the staging rows into the target: a new table is the staging table renamed; append
    is INSERT INTO; overwrite is INSERT OVERWRITE (Hive writes the new files aside, then replaces
    the old ones), and the partitions of a partitioned target that the new rows do not have are
    dropped after it. The staging table is dropped by `drop_staging`."""
    if not existed:
        db.execute_tx([f"ALTER TABLE {db.qt(staging)} RENAME TO {db.qt(tref)}"])
        return
    tcols = db.spark.table(db.qt(tref)).columns
    scols = db.spark.table(db.qt(staging)).columns
    select = ", ".join(db.q(c) if c in scols else f"NULL AS {db.q(c)}" for c in tcols)
    verb = "INSERT OVERWRITE TABLE" if mode == "overwrite" else "INSERT INTO"
    before = db.partitions(tref) if mode == "overwrite" else set()
    db.execute_tx([f"{verb} {db.qt(tref)} SELECT {select} FROM {db.qt(staging)}"])
    for gone in sorted(before - db.partitions(staging)):
        spec = ", ".join(f"{db.q(k)} = '" + unquote(v).replace("'", "\\'") + "'"
                         for k, v in (p.split("=", 1) for p in gone.split("/")))
        db.execute_tx([f"ALTER TABLE {db.qt(tref)} DROP IF EXISTS PARTITION ({spec})"])


def drop_staging(db, staging):
    try:
        db.drop_table(staging)
    except Exception:  # noqa: BLE001 - cleanup must not hide the run's own outcome
        pass
