"""The SparkSession: settings every run relies on (UTC, TIMESTAMP_MICROS Parquet, no speculation)."""
import glob
import os

# Settings applied to every session DMS creates. Settings that only take effect when the JVM starts
# (driver Java options) must be on the spark-submit command line: see README.md "Command lines".
SQL_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
    "spark.sql.parquet.int96RebaseModeInWrite": "CORRECTED",
    "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
    "spark.sql.avro.datetimeRebaseModeInWrite": "CORRECTED",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
CORE_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.speculation": "false",
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC -XX:TieredStopAtLevel=1",
    "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
    "spark.task.maxFailures": "4",
    "spark.sql.shuffle.partitions": "8",
}


def default_jars():
    """The JDBC drivers that Debian installs (PostgreSQL, MariaDB, SQLite), if present."""
    out = []
    for pat in ("/usr/share/java/postgresql.jar", "/usr/share/java/mariadb-java-client.jar",
                "/usr/share/java/sqlite-jdbc.jar"):
        out.extend(glob.glob(pat))
    return out


def create_session(app_name="dms", master=None, extra_jars=(), local_dir=None, hive_conf=None):
    """A session with DMS's settings; with `hive_conf` (a hive connection), with Spark's Hive
    support and that connection's metastore (hive.py)."""
    from pyspark.sql import SparkSession
    import sys
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Python workers run the bulk path: they need the driver's interpreter (psycopg, PyMySQL)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    b = SparkSession.builder.appName(app_name)
    if master:
        b = b.master(master)
    jars = list(default_jars()) + list(extra_jars)
    if jars:
        b = b.config("spark.jars", ",".join(jars))
    if local_dir:
        os.makedirs(local_dir, exist_ok=True)
        b = b.config("spark.local.dir", local_dir)
    for k, v in CORE_CONF.items():
        b = b.config(k, v)
    for k, v in SQL_CONF.items():
        b = b.config(k, v)
    if hive_conf is not None:
        from . import hive
        for k, v in hive.session_settings(hive_conf).items():
            b = b.config(k, v)
        b = b.enableHiveSupport()
    spark = b.getOrCreate()
    if hive_conf is not None:
        hive.prepare_jvm(spark, hive_conf)
    apply_sql_conf(spark)
    spark.sparkContext.setLogLevel("WARN")
    return spark


def apply_sql_conf(spark):
    for k, v in SQL_CONF.items():
        spark.conf.set(k, v)


# Directories of the package zips this process shipped; removed when its session ends.
_SHIPPED = []


def ship_package(spark):
    """Python workers need the dmsjob package: ship it unless it already comes from --py-files.

    The zip lives in `$TMPDIR/dmsjob-<pid>-*` until `remove_shipped_packages()` (the warm engine's
    end, or this process's normal exit); zips of DMS drivers that died without that (SIGKILL, a
    hard exit) are removed by the next driver that ships one."""
    import tempfile
    import zipfile
    pkg_dir = os.path.dirname(os.path.abspath(__file__))
    if not os.path.isdir(pkg_dir):
        return  # imported from a zip: spark-submit --py-files already ships it
    _remove_orphaned_packages()
    if not _SHIPPED:
        import atexit
        atexit.register(remove_shipped_packages)
    tmp = tempfile.mkdtemp(prefix=f"dmsjob-{os.getpid()}-")
    _SHIPPED.append(tmp)
    zpath = os.path.join(tmp, "dmsjob.zip")
    with zipfile.ZipFile(zpath, "w") as z:
        for f in sorted(os.listdir(pkg_dir)):
            if f.endswith(".py"):
                z.write(os.path.join(pkg_dir, f), "dmsjob/" + f)
    spark.sparkContext.addPyFile(zpath)


def remove_shipped_packages():
    """Removes the zips this process shipped: call it once its Spark session is over."""
    import shutil
    while _SHIPPED:
        shutil.rmtree(_SHIPPED.pop(), ignore_errors=True)


def _remove_orphaned_packages():
    """Removes `dmsjob-<pid>-*` directories of this user whose process is gone."""
    import shutil
    import tempfile
    for d in glob.glob(os.path.join(tempfile.gettempdir(), "dmsjob-*-*")):
        try:
            pid = int(os.path.basename(d).split("-")[1])
            if pid == os.getpid() or os.stat(d).st_uid != os.getuid():
                continue
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, OSError):
            continue
