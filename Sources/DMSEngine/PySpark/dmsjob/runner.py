"""One run: plan the tables, move each one (bulk or dataframe path), validate, report.

`run_job(spark, spec, emitter, cancel)` emits every event of README.md "Events" and returns the
`result` payload; it never raises (a broken run must not take a warm engine down).
"""
import hashlib
import threading
import time
import uuid

from . import bulk, hive, readers, sources, validation, writers
from .connectors import Database, TableRef
from .errors import Cancelled, DMSError, root_cause

DB_TARGETS = ("postgres", "mysql", "sqlite")


def run_label(spec):
    """`dms-run-<run id>-attempt-<n>`: the one-shot application's name, the start of a run's job group."""
    return f"dms-run-{spec['run']['id']}-attempt-{spec['run'].get('attempt', 1)}"


class CancelToken:
    def __init__(self, label="dms"):
        self.event = threading.Event()
        # unique per run even when a run id repeats: the last 12 characters tag its database sessions
        self.group = label + "-" + uuid.uuid4().hex[:16]
        self.spark = None
        self.callbacks = []

    def cancel(self):
        self.event.set()
        sp = self.spark
        if sp is not None:
            try:
                sp.sparkContext.cancelJobGroup(self.group)
            except Exception:
                pass
        for cb in list(self.callbacks):
            try:
                cb()
            except Exception:
                pass

    def check(self):
        if self.event.is_set():
            raise Cancelled()


def _target_ref(tdb, tconf, st, stype):
    if tconf.get("table"):
        return tdb.ref(tconf["table"])
    if st.ref is None:
        raise DMSError("target.conf.table is required when the source is a query")
    name = st.ref.name
    if tdb.dialect == "postgres" and stype == "postgres":
        return TableRef(st.ref.schema, name)
    return TableRef(tdb.default_schema(), name)


def _path_choice(spec, st, tref_existing_cols):
    stype, ttype = spec["source"]["type"], spec["target"]["type"]
    sconf = spec["source"]["conf"]
    if stype != "postgres" or ttype not in ("postgres", "mysql"):
        return "dataframe", f"no bulk protocol pair for {stype} -> {ttype}"
    if spec["options"].get("path") == "dataframe":
        return "dataframe", "options.path is dataframe"
    if st.ref is None:
        return "dataframe", "a query source needs the dataframe path"
    if st.shape is None:
        return "dataframe", "the source's columns are unknown"
    out_names = [st.out_name(c) for c in st.shape.names()]
    if tref_existing_cols is not None and not set(out_names) <= set(tref_existing_cols):
        return "dataframe", "the existing target table lacks columns of the source"
    if spec["options"]["validation"] == "checksum":
        return "dataframe", "checksum validation reads through Spark"
    return "bulk", f"postgres COPY -> {'postgres COPY' if ttype == 'postgres' else 'mariadb LOAD DATA LOCAL INFILE'}"


def speculation_refusal(conf, ttype):
    """Why a run into `ttype` must not go with these Spark settings, or None. Database sinks commit
    per task: a speculative copy of a task would write its partition a second time."""
    if ttype in DB_TARGETS + ("jdbc",) and str(conf.get("spark.speculation", "false")).lower() == "true":
        return "spark.speculation is on: database targets need it off (a speculative task writes its partition again)"
    return None


def run_job(spark, spec, emitter, cancel=None):
    cancel = cancel or CancelToken()
    cancel.spark = spark
    sc = spark.sparkContext
    try:
        sc.setJobGroup(cancel.group, run_label(spec), interruptOnCancel=True)
    except Exception:
        pass
    t0 = time.time()
    cursors_out = {}
    _tag_postgres_sessions(spec, cancel)
    import os
    emitter.emit("started", run_id=spec["run"]["id"], application_id=sc.applicationId, spark_version=spark.version,
                 driver_pid=os.getpid())
    failures = []
    try:
        stype, ttype = spec["source"]["type"], spec["target"]["type"]
        sconf, tconf = spec["source"]["conf"], spec["target"]["conf"]
        opts = spec["options"]
        refusal = speculation_refusal(sc.getConf(), ttype)
        if refusal:
            raise DMSError(refusal)
        hive_conf = hive.connection(spec)
        if hive_conf is not None:
            hive.check_session(spark, hive_conf)
            for side in ("source", "target"):
                if spec[side]["type"] == "hive":
                    hive.check_metastore(spark, spec[side]["conf"])
        src_db, tables = sources.resolve(spec, emitter, spark)
        cancel.check()
        for st in tables:
            prev = spec["cursors"].get(st.name)
            if st.cursor_column and prev:
                if prev["column"] == st.cursor_column:
                    st.cursor_value = prev["value"]
                else:
                    emitter.log("warn", f"{st.name}: the stored cursor is on {prev['column']}, not {st.cursor_column}: full read")
        if ttype == "hive":
            tdb = hive.HiveCatalog(spark, tconf)
        else:
            tdb = Database.for_conf(ttype, tconf) if ttype in DB_TARGETS + ("jdbc",) else None
        runtag = hashlib.sha1((spec["run"]["id"] + cancel.group).encode()).hexdigest()[:10]
        plans = []
        for i, st in enumerate(tables):
            if tdb is not None:
                tref = _target_ref(tdb, tconf, st, stype)
                existing = None
                if ttype in DB_TARGETS and tdb.table_exists(tref):
                    try:
                        existing = [c.name for c in tdb.shape(tref).columns]
                    except DMSError:
                        existing = None
                path, why = _path_choice(spec, st, existing) if ttype != "hive" else ("dataframe", "hive targets are written by Spark")
                target_name = str(tref)
            else:
                tref = None
                path, why = "dataframe", f"{ttype} targets are written by Spark"
                target_name = _file_path(tconf, st, len(tables))
            splits, key = ([{"id": 0, "where": None}], None)
            if path == "bulk":
                n = sconf.get("num_partitions") or max(opts["parallelism"], 1)
                splits, key = bulk.plan_splits(src_db, st, n)
            plans.append(dict(st=st, tref=tref, target=target_name, path=path, reason=why, splits=splits,
                              key=key, staging=f"dms_stg_{runtag}_{i}"))
        emitter.emit("plan", tables=[{"table": p["st"].name, "target_table": p["target"], "path": p["path"],
                                      "path_reason": p["reason"], "splits": len(p["splits"]),
                                      "split_key": p["key"],
                                      "split_ranges": [s["where"] for s in p["splits"]]} for p in plans])
        if opts["dry_run"]:
            emitter.log("info", "dry run: nothing was read or written")
        else:
            for p in plans:
                cancel.check()
                st = p["st"]
                emitter.emit("table_started", table=st.name)
                t1 = time.time()
                try:
                    res = _move_table(spark, spec, emitter, cancel, src_db, tdb, p)
                    if res is None:
                        emitter.emit("table_done", table=st.name, state="skipped", rows_read=0, rows_written=0,
                                     bytes=None, duration_ms=int((time.time() - t1) * 1000), cursor=None)
                        continue
                    rows_read, rows_written, size = res
                    if st.cursor_column:
                        newv = st.cursor_new if st.cursor_new is not None else st.cursor_value
                        if newv is not None:
                            cursors_out[st.name] = {"column": st.cursor_column, "value": newv}
                    emitter.emit("table_done", table=st.name, state="succeeded", rows_read=rows_read,
                                 rows_written=rows_written, bytes=size,
                                 duration_ms=int((time.time() - t1) * 1000),
                                 cursor=cursors_out.get(st.name))
                except Cancelled:
                    raise
                except Exception as e:  # noqa: BLE001 - every failure is reported as one line
                    if cancel.event.is_set():
                        raise Cancelled()
                    msg = root_cause(e)
                    if p["tref"] is not None:  # name the target, not the staging table
                        msg = msg.replace(p["staging"], p["tref"].name)
                    emitter.emit("table_failed", table=st.name, error=msg)
                    failures.append(f"{st.name}: {msg}")
        if failures:
            err = failures[0] if len(failures) == 1 else f"{len(failures)} tables failed; first: {failures[0]}"
            return _result(emitter, "failed", err, cursors_out, t0)
        return _result(emitter, "succeeded", None, cursors_out, t0)
    except Cancelled as e:
        return _result(emitter, "cancelled", str(e), {}, t0)
    except Exception as e:  # noqa: BLE001
        if cancel.event.is_set():
            return _result(emitter, "cancelled", "run cancelled", {}, t0)
        return _result(emitter, "failed", root_cause(e), {}, t0)
    finally:
        try:
            sc.setLocalProperty("spark.jobGroup.id", None)
        except Exception:
            pass


def _tag_postgres_sessions(spec, cancel):
    """Gives this run's PostgreSQL sessions a unique application_name (`<name>-<run tag>`) so that a
    cancel can end them server-side: a JDBC read blocked in the database does not see Spark's
    task interruption."""
    tag = cancel.group[-12:]
    for side in ("source", "target"):
        if spec[side]["type"] != "postgres":
            continue
        conf = dict(spec[side]["conf"])
        name = conf.get("application_name", "dms")[:50] + "-" + tag
        conf["application_name"] = name
        spec[side] = dict(spec[side], conf=conf)

        def kill(conf=conf, name=name):
            import psycopg
            from .connectors import Postgres
            kw = Postgres("postgres", conf).connect_kwargs()
            kw["application_name"] = "dms-cancel"
            with psycopg.connect(**kw, autocommit=True) as c:
                c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s "
                          "AND pid <> pg_backend_pid()", (name,))

        def later(kill=kill):
            # twice: once now, once after Spark's tasks had a moment to notice the cancel
            try:
                kill()
                time.sleep(1.0)
                kill()
            except Exception:
                pass

        cancel.callbacks.append(lambda later=later: threading.Thread(target=later, daemon=True).start())


def _result(emitter, state, error, cursors, t0):
    payload = {"state": state, "error": error, "cursors": cursors if state == "succeeded" else {},
               "duration_ms": int((time.time() - t0) * 1000)}
    emitter.emit("result", **payload)
    return payload


def _file_path(tconf, st, n):
    base = tconf["path"].rstrip("/")
    if n <= 1:
        return base
    return base + "/" + (st.ref.name if st.ref is not None else "query")


def _progress_monitor(spark, emitter, cancel, table, rows_total, rows_fn=None):
    """Emits `progress` every 2 s while a table's Spark jobs run: tasks done / total of the jobs
    started since (not those of earlier tables), and rows written: `rows_fn()` (the bulk path's
    accumulator) or the rows Spark's finished write tasks report (the dataframe path)."""
    stop = threading.Event()
    sc = spark.sparkContext
    tracker = sc.statusTracker()
    earlier = set(tracker.getJobIdsForGroup(cancel.group) or [])

    def loop():
        while not stop.wait(2.0):
            try:
                done = total = 0
                stages = []
                for jid in tracker.getJobIdsForGroup(cancel.group) or []:
                    j = tracker.getJobInfo(jid) if jid not in earlier else None
                    if j is None:
                        continue
                    for sid in j.stageIds:
                        s = tracker.getStageInfo(sid)
                        if s is not None:
                            done += s.numCompletedTasks
                            total += s.numTasks
                            stages.append(sid)
                rows = rows_fn() if rows_fn else _records_written(sc, stages)
                emitter.emit("progress", table=table, rows_written=rows,
                             rows_total=rows_total, tasks_done=done, tasks_total=total)
            except Exception:
                pass

    th = threading.Thread(target=loop, daemon=True)
    th.start()
    return stop


def _records_written(sc, stage_ids):
    """The rows Spark's write tasks of these stages reported when they finished (their output
    metrics; failed attempts report none), or None when Spark's status store cannot tell."""
    try:
        store = sc._jsc.sc().statusStore()
        return sum(int(store.lastStageAttempt(sid).outputRecords()) for sid in stage_ids)
    except Exception:  # noqa: BLE001 - a stage not yet known, or a Spark without this store
        return None


def _file_bytes(spark, path):
    """Sum of the sizes of the data files under `path` (any Hadoop file system; names starting
    with `.` or `_`, i.e. checksums and commit markers, are not data), or None when unreadable."""
    try:
        jvm = spark.sparkContext._jvm
        hpath = jvm.org.apache.hadoop.fs.Path(path)
        fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        if not fs.exists(hpath):
            return 0
        total = 0
        files = fs.listFiles(hpath, True)
        while files.hasNext():
            f = files.next()
            name = f.getPath().getName()
            if not name.startswith((".", "_")):
                total += f.getLen()
        return total
    except Exception:  # noqa: BLE001 - a size is information, never a reason to fail a table
        return None


def _move_table(spark, spec, emitter, cancel, src_db, tdb, p):
    """Returns (rows_read, rows_written, bytes), or None when skipped."""
    st = p["st"]
    stype, ttype = spec["source"]["type"], spec["target"]["type"]
    sconf, tconf, opts = spec["source"]["conf"], spec["target"]["conf"], spec["options"]
    if st.cursor_column and src_db is not None:
        readers.compute_cursor(spark, src_db, st)
    # --- source rows (also the count validation's left side)
    df = None
    if stype == "file":
        df = readers.read_files(spark, sconf, st)
    source_rows = None
    if src_db is not None and opts["validation"] != "none":
        source_rows = validation.count_source(spark, src_db, st)
    cancel.check()
    if ttype == "hive":
        if df is None:
            df, _ = readers.read_database(spark, src_db, st, sconf, opts["parallelism"])
        return _move_into_hive(spark, emitter, cancel, tdb, p, df, source_rows, opts["validation"])
    # --- file / generic JDBC targets: Spark writes directly
    if ttype not in DB_TARGETS:
        if df is None:
            df, _ = readers.read_database(spark, src_db, st, sconf, opts["parallelism"])
        stop = _progress_monitor(spark, emitter, cancel, st.name, source_rows)
        size = None
        try:
            if ttype == "jdbc":
                writers.write_jdbc(df, tdb, p["tref"], tconf.get("batch_size", 10000), tconf.get("mode", "append"))
            else:
                before = _file_bytes(spark, p["target"]) if tconf.get("mode") == "append" else 0
                writers.write_files(df, tconf, p["target"])
                after = _file_bytes(spark, p["target"])
                size = after - before if None not in (before, after) else None
        finally:
            stop.set()
        if source_rows is None and opts["validation"] != "none":
            source_rows = df.count()
        written = source_rows
        if ttype == "file" and opts["validation"] != "none" and tconf.get("mode", "error_if_exists") != "append":
            back = spark.read.format(tconf["format"]).options(**(tconf.get("options") or {}))
            if tconf["format"] == "csv":
                back = back.option("header", (tconf.get("options") or {}).get("header", "true"))
            written = back.load(p["target"]).count()
            validation.check_counts(emitter, st.name, source_rows, written)
        return source_rows, written, size
    # --- database targets: staging table, count check, one-transaction swap
    shape = None
    if st.shape is not None:
        shape = st.target_shape(tconf.get("key_columns"))
    elif df is not None:
        from . import typemap
        df_cols = df.schema.fields
        shape = typemap.TableShape([typemap.from_spark(f) for f in df_cols], [])
        if tconf.get("key_columns"):
            shape.primary_key = list(tconf["key_columns"])
    else:
        df, _ = readers.read_database(spark, src_db, st, sconf, opts["parallelism"])
        from . import typemap
        shape = typemap.TableShape([typemap.from_spark(f) for f in df.schema.fields], list(tconf.get("key_columns") or []))
    tplan = writers.prepare(tdb, p["tref"], tconf, shape, p["staging"])
    if tplan is None:
        return None
    rows_acc = spark.sparkContext.accumulator(0) if p["path"] == "bulk" else None
    stop = _progress_monitor(spark, emitter, cancel, st.name, source_rows,
                             (lambda: rows_acc.value) if rows_acc is not None else None)
    try:
        if p["path"] == "bulk":
            _, again = bulk.run(spark, src_db, st, tplan, p["splits"], ttype, rows_acc)
            if again:
                emitter.log("info", f"{st.name}: split(s) {', '.join(map(str, again))} had been committed by an "
                                    "earlier attempt of their task; the retry loaded nothing again")
        else:
            if df is None:
                df, _ = readers.read_database(spark, src_db, st, sconf, opts["parallelism"])
            landing = writers.create_landing(tplan)
            writers.write_jdbc(df, tdb, landing or tplan.staging, tconf.get("batch_size", 10000),
                               tag_partitions=landing is not None)
            stop.set()
            if landing is not None:
                again = writers.land(tplan)
                if again:
                    emitter.log("info", f"{st.name}: partition(s) {', '.join(map(str, again))} had been committed by "
                                        "more than one attempt of their task; one attempt of each was kept")
        stop.set()
        cancel.check()
        staged = tdb.count(tplan.staging)
        size = writers.stored_bytes(tdb, tplan.staging)
        emitter.emit("progress", table=st.name, rows_written=staged, rows_total=source_rows)
        if source_rows is None and df is not None and opts["validation"] != "none":
            source_rows = df.count()
        if opts["validation"] != "none":
            validation.check_counts(emitter, st.name, source_rows, staged,
                                    detail="rows selected in the source vs rows loaded into staging")
        if opts["validation"] == "checksum":
            _checksum(spark, emitter, src_db, tdb, st, tplan, df)
        cancel.check()
        writers.finish(tplan)
        return (source_rows if source_rows is not None else staged), staged, size
    finally:
        stop.set()
        writers.cleanup(tplan)


def _move_into_hive(spark, emitter, cancel, tdb, p, df, source_rows, validation_mode):
    """Hive targets: the rows go into a staging table next to the target, are counted (and
    checksummed), then moved in one statement (hive.move_staging)."""
    st, staging = p["st"], TableRef(p["tref"].schema, p["staging"])
    stop = _progress_monitor(spark, emitter, cancel, st.name, source_rows)
    try:
        existed = hive.load_staging(tdb, df, p["tref"], tdb.conf, staging)
        stop.set()
        cancel.check()
        staged = tdb.count(staging)
        location = tdb.location(staging)
        size = _file_bytes(spark, location) if location else None
        emitter.emit("progress", table=st.name, rows_written=staged, rows_total=source_rows)
        if validation_mode != "none":
            if source_rows is None:
                source_rows = df.count()
            validation.check_counts(emitter, st.name, source_rows, staged,
                                    detail="rows selected in the source vs rows loaded into staging")
        if validation_mode == "checksum":
            _compare_checksums(emitter, st.name, df, spark.table(tdb.qt(staging)).select(*[f"`{c}`" for c in df.columns]))
        cancel.check()
        hive.move_staging(tdb, p["tref"], staging, existed, tdb.conf.get("mode", "append"))
        return (source_rows if source_rows is not None else staged), staged, size
    finally:
        stop.set()
        hive.drop_staging(tdb, staging)


def _checksum(spark, emitter, src_db, tdb, st, tplan, df):
    """Order-independent checksum of the source selection vs the staging table (through Spark)."""
    if df is None:
        df, _ = readers.read_database(spark, src_db, st, {}, 1)
    cols = tplan.columns
    sdf = df.select(*[f"`{c}`" for c in cols])
    tdf = readers.jdbc_reader(spark, tdb).option("dbtable", tdb.qt(tplan.staging)).load().select(*[f"`{c}`" for c in cols])
    _compare_checksums(emitter, st.name, sdf, tdf)


def _compare_checksums(emitter, table, sdf, tdf):
    sn, ss = validation.checksum_df(sdf)
    tn, ts = validation.checksum_df(tdf)
    ok = (sn, ss) == (tn, ts)
    emitter.emit("validation", table=table, source_rows=sn, target_rows=tn, ok=ok,
                 detail="checksum " + ("matches" if ok else f"differs ({ss} vs {ts})"))
    if not ok:
        raise DMSError(f"checksum validation failed for {table}: source and target values differ")
