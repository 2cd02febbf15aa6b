"""`scripts/bench migrate`: one generated table migrated through dmsd to PostgreSQL, MariaDB and
Parquet, each beside the physical limit and a bare spark-submit measured in the same run.

Run it through scripts/bench (which builds dmsd and dms-bench and passes --bin); the Python is the
virtual environment's (PySpark, psycopg, PyMySQL, pyarrow). Steps:

 1. a PostgreSQL (initdb in a temp dir, run as dms-postgres) holding the source table `bench`
    (--rows rows: bigint key, two ints, numeric(12,2), varchar(32), ~100-char text, timestamp,
    date, boolean; 10% NULLs in every non-key column) and an empty copy `bench_empty`, and a
    MariaDB (mariadb-install-db, run as mysql, local_infile=1);
 2. the limits, each --limit-repeat times (median): psql COPY TO STDOUT | psql COPY FROM STDIN,
    psql COPY TO STDOUT | mariadb LOAD DATA LOCAL INFILE, psql COPY TO STDOUT (csv) | pyarrow →
    Parquet; into pre-created tables of the types DMS creates (with the primary key);
 3. bare spark-submit (Spark defaults) of each copy, and of the empty table;
 4. a dmsd with --spark-mode submit: one run per target and one of the empty table (cold);
 5. a dmsd with --spark-mode warm: an empty run that starts the engine (first), then a second
    empty run and one run per target (warm).
Every run's rows are counted in its target; targets are dropped before each run, so that every
run creates its table. Peak memory: the summed RSS (and PSS) of the Spark process tree (JVM,
Python driver, Python workers), sampled from /proc every 0.1 s during the run.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PG_USER = "bench"
MARIA_USER, MARIA_PASSWORD = "bench", "bench-pw-1234"
TARGETS = ("pg", "mariadb", "parquet")
TARGET_TITLE = {"pg": "PG -> PostgreSQL", "mariadb": "PG -> MariaDB", "parquet": "PG -> Parquet",
                "empty": "empty PG -> PG"}
BENCH_NAME = {"pg": "pg_to_pg", "mariadb": "pg_to_mariadb", "parquet": "pg_to_parquet", "empty": "empty"}

SOURCE_DDL = """
CREATE TABLE {name} (
    id bigint PRIMARY KEY,
    qty integer,
    score integer,
    amount numeric(12,2),
    code varchar(32),
    note text,
    created_at timestamp,
    day date,
    active boolean
)"""
GENERATE = """
INSERT INTO bench
SELECT g,
       CASE WHEN g % 10 = 1 THEN NULL ELSE (g * 7919) % 100000 END,
       CASE WHEN g % 10 = 2 THEN NULL ELSE (g * 104729) % 2000000 - 1000000 END,
       CASE WHEN g % 10 = 3 THEN NULL ELSE ((g * 31337) % 1000000000) / 100.0 END,
       CASE WHEN g % 10 = 4 THEN NULL ELSE 'code-' || to_hex((g * 2654435761) % 4294967296) END,
       CASE WHEN g % 10 = 5 THEN NULL
            ELSE left(md5(g::text) || ' ' || md5((g * 3)::text) || ' ' || md5((g * 7)::text) || ' ' || md5((g * 11)::text),
                      90 + (g % 21)::int) END,
       CASE WHEN g % 10 = 6 THEN NULL
            ELSE timestamp '2020-01-01' + ((g * 7919) % 157680000) * interval '1 second' + (g % 1000000) * interval '1 microsecond' END,
       CASE WHEN g % 10 = 7 THEN NULL ELSE date '2000-01-01' + (g % 9000)::int END,
       CASE WHEN g % 10 = 8 THEN NULL ELSE g % 3 = 0 END
FROM generate_series(1::bigint, {rows}) g"""
# What DMS creates in MariaDB for the source's types (typemap.mysql_type), for the limit's table.
MARIA_DDL = """CREATE TABLE {name} (
    id BIGINT NOT NULL, qty INT, score INT, amount DECIMAL(12,2), code VARCHAR(32), note LONGTEXT,
    created_at DATETIME(6), day DATE, active BOOLEAN, PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"""
COLUMNS = "id, qty, score, amount, code, note, created_at, day, active"
MARIA_SELECT = "id, qty, score, amount, code, note, created_at, day, active::int"


def log(text):
    print(f"bench-migrate: {text}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run(cmd, **kw)


def as_user(user, cmd):
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"] + cmd


def wait_for(what, check, seconds=60, proc=None):
    end = time.time() + seconds
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not become ready within {seconds} s")


# --------------------------------------------------------------------------------------- servers

class Postgres:
    """A throw-away PostgreSQL cluster run as dms-postgres; trust auth for 127.0.0.1."""

    def __init__(self, work, user="dms-postgres"):
        self.dir = os.path.join(work, "pg")
        self.user = user
        os.makedirs(self.dir)
        shutil.chown(self.dir, user, user)
        bins = sorted(d for d in os.listdir("/usr/lib/postgresql") if d.isdigit())
        self.bin = f"/usr/lib/postgresql/{bins[-1]}/bin"
        self.port = free_port()
        self.proc = None

    def start(self):
        data = os.path.join(self.dir, "data")
        run(as_user(self.user, [f"{self.bin}/initdb", "-D", data, "-U", PG_USER, "--auth=trust", "-E", "UTF8",
                                "--no-sync", "--locale=C"]), stdout=subprocess.DEVNULL)
        logf = open(os.path.join(self.dir, "postgres.log"), "wb")
        self.proc = subprocess.Popen(as_user(self.user, [
            f"{self.bin}/postgres", "-D", data, "-p", str(self.port), "-h", "127.0.0.1", "-k", self.dir,
            "-c", "shared_buffers=512MB", "-c", "max_wal_size=4GB", "-c", "max_connections=100"]),
            stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for("PostgreSQL", lambda: run([f"{self.bin}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                                           check=False).returncode == 0, proc=self.proc)
        for db in ("src", "dst"):
            self.psql("postgres", f"CREATE DATABASE {db}")

    def psql_cmd(self, db, sql):
        return [f"{self.bin}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                "-U", PG_USER, "-d", db, "-c", sql]

    def psql(self, db, sql, capture=False):
        r = run(self.psql_cmd(db, sql), stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
        return r.stdout.decode() if capture else None

    def scalar(self, db, sql):
        r = run(self.psql_cmd(db, sql)[:-2] + ["-A", "-t", "-c", sql], stdout=subprocess.PIPE)
        return r.stdout.decode().strip()

    def connection(self, db):
        return {"host": "127.0.0.1", "port": self.port, "database": db, "user": PG_USER, "ssl_mode": "disable"}

    def jdbc(self, db):
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{db}?sslmode=disable"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class MariaDB:
    """A throw-away MariaDB run as mysql on 127.0.0.1, local_infile=1."""

    def __init__(self, work, user="mysql"):
        self.dir = os.path.join(work, "maria")
        self.user = user
        os.makedirs(self.dir)
        shutil.chown(self.dir, user, user)
        self.port = free_port()
        self.socket = os.path.join(self.dir, "mysqld.sock")
        self.proc = None

    def start(self):
        data, tmp = os.path.join(self.dir, "data"), os.path.join(self.dir, "tmp")
        os.makedirs(tmp)
        shutil.chown(tmp, self.user, self.user)
        run(["mariadb-install-db", "--no-defaults", f"--user={self.user}", f"--datadir={data}", f"--tmpdir={tmp}",
             "--auth-root-authentication-method=socket", "--skip-test-db"],
            stdout=open(os.path.join(self.dir, "install-db.log"), "wb"), stderr=subprocess.STDOUT)
        logf = open(os.path.join(self.dir, "mariadb.log"), "wb")
        self.proc = subprocess.Popen([
            "mariadbd", "--no-defaults", f"--user={self.user}", f"--datadir={data}", f"--tmpdir={tmp}", f"--socket={self.socket}",
            f"--port={self.port}", "--bind-address=127.0.0.1", "--local-infile=1", "--skip-log-bin",
            "--innodb-buffer-pool-size=1G", "--innodb-log-file-size=512M", f"--pid-file={self.dir}/mysqld.pid",
            f"--log-error={self.dir}/error.log"], stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for("MariaDB", lambda: run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", "SELECT 1"],
                                        check=False, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL).returncode == 0, proc=self.proc)
        run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e",
             f"CREATE DATABASE dst; CREATE USER '{MARIA_USER}'@'127.0.0.1' IDENTIFIED BY '{MARIA_PASSWORD}'; "
             f"GRANT ALL ON *.* TO '{MARIA_USER}'@'127.0.0.1';"])

    def client_cmd(self, sql, local_infile=False):
        cmd = ["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", str(self.port), "-u", MARIA_USER, "dst"]
        if local_infile:
            cmd.insert(2, "--local-infile=1")
        return cmd + ["-e", sql]

    def env(self):
        return dict(os.environ, MYSQL_PWD=MARIA_PASSWORD)

    def sql(self, sql):
        run(self.client_cmd(sql), env=self.env())

    def scalar(self, sql):
        return run(self.client_cmd(sql)[:-2] + ["-N", "-B", "-e", sql], env=self.env(),
                   stdout=subprocess.PIPE).stdout.decode().strip()

    def connection(self):
        return {"host": "127.0.0.1", "port": self.port, "database": "dst", "user": MARIA_USER,
                "password": MARIA_PASSWORD, "flavor": "mariadb"}

    def jdbc(self):
        return f"jdbc:mysql://127.0.0.1:{self.port}/dst?permitMysqlScheme=true"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ---------------------------------------------------------------------------------- measurements

class TreeSampler:
    """Peak summed RSS and PSS (MiB) of a process tree, sampled from /proc every `interval` s.
    `exclude` leaves out processes by name (comm) and their whole subtree; the root itself is left out
    when include_root is false."""

    def __init__(self, root_pid, exclude=(), include_root=True, interval=0.1):
        self.root, self.exclude, self.include_root, self.interval = root_pid, set(exclude), include_root, interval
        self.peak_rss = self.peak_pss = 0.0
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def __enter__(self):
        self.sample()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()
        self.sample()

    def loop(self):
        while not self.stop_event.wait(self.interval):
            self.sample()

    def processes(self):
        children, comm = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    text = f.read()
            except OSError:
                continue
            name = text[text.index("(") + 1:text.rindex(")")]
            ppid = int(text[text.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
            comm[int(entry)] = name
        out, stack = [], [self.root]
        while stack:
            pid = stack.pop()
            if comm.get(pid) in self.exclude:
                continue
            if pid != self.root or self.include_root:
                out.append(pid)
            stack.extend(children.get(pid, []))
        return out

    def sample(self):
        rss = pss = 0
        for pid in self.processes():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1])
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1])
            except OSError:
                continue
        self.peak_rss = max(self.peak_rss, rss / 1024)
        self.peak_pss = max(self.peak_pss, pss / 1024)


class Bench:
    def __init__(self, args):
        self.a = args
        self.work = args.work
        self.pg = Postgres(self.work)
        self.maria = MariaDB(self.work)
        self.out = os.path.join(self.work, "out")
        os.makedirs(self.out)
        self.python = sys.executable
        self.spark_submit = os.path.join(os.path.dirname(sys.executable), "spark-submit")
        self.results = {}  # key -> dict(seconds=, rss=, pss=, rows=, extra)
        self.dmsd = None

    # ---- setup
    def setup(self):
        log(f"work directory {self.work}")
        log("starting PostgreSQL and MariaDB …")
        self.pg.start()
        self.maria.start()
        log(f"generating {self.a.rows} rows …")
        t = time.time()
        self.pg.psql("src", SOURCE_DDL.format(name="bench") + ";" + SOURCE_DDL.format(name="bench_empty"))
        self.pg.psql("src", GENERATE.format(rows=self.a.rows))
        self.pg.psql("src", "VACUUM (FREEZE, ANALYZE) bench")
        self.pg.psql("src", "VACUUM (FREEZE, ANALYZE) bench_empty")
        self.pg.psql("postgres", "CHECKPOINT")
        self.size_mb = int(self.pg.scalar("src", "SELECT pg_total_relation_size('bench')")) / 1e6
        self.heap_mb = int(self.pg.scalar("src", "SELECT pg_relation_size('bench')")) / 1e6
        log(f"source table: {self.size_mb:.0f} MB with its key index ({self.heap_mb:.0f} MB heap), "
            f"generated in {time.time() - t:.1f} s")

    # ---- targets
    def reset_targets(self):
        """Drops every target table (and leftover DMS staging tables) and Parquet output."""
        names = self.pg.scalar("dst", "SELECT string_agg(quote_ident(tablename), ',') FROM pg_tables WHERE schemaname = 'public'")
        if names:
            self.pg.psql("dst", f"DROP TABLE {names}")
        names = self.maria.scalar("SELECT GROUP_CONCAT(CONCAT('`', table_name, '`')) FROM information_schema.tables "
                                  "WHERE table_schema = 'dst'")
        if names and names != "NULL":
            self.maria.sql(f"DROP TABLE {names}")
        for entry in os.listdir(self.out):
            p = os.path.join(self.out, entry)
            shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)
        self.pg.psql("postgres", "CHECKPOINT")

    def count(self, target, name):
        if target in ("pg", "empty"):
            return int(self.pg.scalar("dst", f"SELECT count(*) FROM {name}"))
        if target == "mariadb":
            return int(self.maria.scalar(f"SELECT count(*) FROM {name}"))
        import pyarrow.parquet as pq
        path = os.path.join(self.out, name)
        files = [path] if os.path.isfile(path) else [
            os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs if f.endswith(".parquet")]
        return sum(pq.read_metadata(f).num_rows for f in files)

    def expected(self, target):
        return 0 if target == "empty" else self.a.rows

    def record(self, key, seconds, rows, target, **extra):
        want = self.expected(target)
        if rows != want:
            raise RuntimeError(f"{key}: the target holds {rows} rows, expected {want}")
        self.results[key] = dict(seconds=seconds, rows=rows, **extra)
        shown = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in extra.items() if k in ("rss", "pss")}
        log(f"{key}: {seconds:.2f} s, {rows} rows {shown if shown else ''}")

    # ---- limits
    def limit_once(self, target):
        src = self.pg.psql_cmd("src", "")[:-2]
        if target in ("pg", "empty"):
            table = "bench" if target == "pg" else "bench_empty"
            self.pg.psql("dst", SOURCE_DDL.format(name="limit_t"))
            cmd = (f"{sh(src)} -c {sh(f'COPY (SELECT {COLUMNS} FROM {table}) TO STDOUT')} | "
                   f"{sh(self.pg.psql_cmd('dst', 'COPY limit_t FROM STDIN'))}")
            env = os.environ
        elif target == "mariadb":
            self.maria.sql(MARIA_DDL.format(name="limit_t"))
            load = ("LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE limit_t CHARACTER SET utf8mb4 "
                    f"FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({COLUMNS})")
            cmd = (f"{sh(src)} -c {sh(f'COPY (SELECT {MARIA_SELECT} FROM bench) TO STDOUT')} | "
                   f"{sh(self.maria.client_cmd(load, local_infile=True))}")
            env = self.maria.env()
        else:
            out = os.path.join(self.out, "limit_t")
            cmd = (f"{sh(src)} -c {sh(f'COPY (SELECT {COLUMNS} FROM bench) TO STDOUT (FORMAT csv)')} | "
                   f"{sh([self.python, os.path.join(HERE, 'parquet_limit.py'), out])} >/dev/null")
            env = os.environ
        t = time.monotonic()
        run(["bash", "-o", "pipefail", "-c", cmd], env=dict(env, PGOPTIONS="-c DateStyle=ISO,YMD -c TimeZone=UTC"))
        seconds = time.monotonic() - t
        rows = self.count(target if target != "empty" else "pg", "limit_t")
        return seconds, rows

    def limits(self):
        for target in ("pg", "mariadb", "parquet", "empty"):
            times = []
            for _ in range(self.a.limit_repeat):
                self.reset_targets()
                seconds, rows = self.limit_once(target)
                if rows != self.expected(target):
                    raise RuntimeError(f"limit {target}: {rows} rows, expected {self.expected(target)}")
                times.append(seconds)
            self.record(f"limit:{target}", statistics.median(times), rows, target, all=times)

    # ---- bare spark-submit
    def bare_spark(self):
        jars = "/usr/share/java/postgresql.jar,/usr/share/java/mariadb-java-client.jar"
        for target in ("pg", "mariadb", "parquet", "empty"):
            self.reset_targets()
            table = "bench_empty" if target == "empty" else "bench"
            cmd = [self.spark_submit, "--master", "local[*]", "--jars", jars, os.path.join(HERE, "bare_spark.py"),
                   "--source-url", self.pg.jdbc("src"), "--table", table]
            env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=self.python,
                       PYSPARK_DRIVER_PYTHON=self.python, BENCH_SOURCE_USER=PG_USER)
            if target in ("pg", "empty"):
                cmd += ["--target", "postgres", "--target-url", self.pg.jdbc("dst"), "--target-table", "spark_t"]
                env["BENCH_TARGET_USER"] = PG_USER
            elif target == "mariadb":
                cmd += ["--target", "mariadb", "--target-url", self.maria.jdbc(), "--target-table", "spark_t"]
                env.update(BENCH_TARGET_USER=MARIA_USER, BENCH_TARGET_PASSWORD=MARIA_PASSWORD)
            else:
                cmd += ["--target", "parquet", "--path", os.path.join(self.out, "spark_t")]
            logpath = os.path.join(self.work, f"bare-spark-{target}.log")
            with open(logpath, "wb") as logf:
                t = time.monotonic()
                proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
                with TreeSampler(proc.pid) as mem:
                    status = proc.wait()
                seconds = time.monotonic() - t
            if status != 0:
                raise RuntimeError(f"bare spark-submit ({target}) failed with status {status}; see {logpath}:\n"
                                   + tail(logpath))
            split = re.search(r"BARE-SPARK session_start=([\d.]+) copy=([\d.]+)", open(logpath).read())
            self.record(f"spark:{target}", seconds, self.count(target, "spark_t"), target, rss=mem.peak_rss,
                        pss=mem.peak_pss, session_start=float(split.group(1)) if split else None,
                        copy=float(split.group(2)) if split else None)

    # ---- dmsd
    def start_dmsd(self, mode):
        d = os.path.join(self.work, f"dmsd-{mode}")
        os.makedirs(d)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
        logf = open(os.path.join(d, "dmsd.log"), "wb")
        proc = subprocess.Popen([
            os.path.join(self.a.bin, "dmsd"), "--listen", "127.0.0.1:0", "--data-dir", f"{d}/data",
            "--client-config", f"{d}/config", "--ready-file", f"{d}/ready", "--log-level", self.a.dmsd_log_level,
            "--spark-mode", mode, "--spark-submit", self.spark_submit], env=env, stdout=logf, stderr=subprocess.STDOUT,
            start_new_session=True)
        wait_for(f"dmsd ({mode})", lambda: os.path.getsize(f"{d}/ready") > 0, seconds=120, proc=proc)
        address = open(f"{d}/ready").read().strip()
        token = None
        for line in open(f"{d}/config"):
            m = re.match(r"^[\s-]*token:\s*(\S+)", line)
            if m:
                token = m.group(1).strip("\"'")
                break
        self.dmsd = dict(proc=proc, dir=d, server="127.0.0.1:" + address.rsplit(":", 1)[1], token=token, mode=mode,
                         ca=f"{d}/data/tls/ca.pem")
        log(f"dmsd --spark-mode {mode} on {self.dmsd['server']} (pid {proc.pid})")

    def stop_dmsd(self):
        if self.dmsd is None:
            return
        proc = self.dmsd["proc"]
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.dmsd = None

    def dms_bench(self, args):
        env = dict(os.environ, DMS_TOKEN=self.dmsd["token"])
        r = run([os.path.join(self.a.bin, "dms-bench"), "migrate-job", "--server", self.dmsd["server"],
                 "--ca-file", self.dmsd["ca"]] + args, env=env, stdout=subprocess.PIPE)
        return json.loads(r.stdout)

    def create_jobs(self):
        options = json.loads(self.a.job_options)
        src = {"type": "postgres", "connection": self.pg.connection("src")}
        jobs = [
            {"name": "bench-pg", "source": dict(src, conf={"table": "public.bench"}),
             "target": {"type": "postgres", "connection": self.pg.connection("dst"), "conf": {"table": "public.dms_t"}},
             "options": options},
            {"name": "bench-mariadb", "source": dict(src, conf={"table": "public.bench"}),
             "target": {"type": "mysql", "connection": self.maria.connection(), "conf": {"table": "dms_t"}},
             "options": options},
            {"name": "bench-parquet", "source": dict(src, conf={"table": "public.bench"}),
             "target": {"type": "file", "connection": {"format": "parquet", "path": os.path.join(self.out, "dms_t")},
                        "conf": {"mode": "overwrite"}},
             "options": options},
            {"name": "bench-empty", "source": dict(src, conf={"table": "public.bench_empty"}),
             "target": {"type": "postgres", "connection": self.pg.connection("dst"), "conf": {"table": "public.dms_t"}},
             "options": options},
        ]
        path = os.path.join(self.dmsd["dir"], "jobs.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"jobs": jobs}, f)
        ids = self.dms_bench(["--setup", path])
        return {name.split("-", 1)[1]: job_id for name, job_id in ids.items()}

    def dms_run(self, key, target, job_id):
        self.reset_targets()
        logpath = os.path.join(self.dmsd["dir"], f"run-{key.replace(':', '-')}.log")
        # the Spark processes are dmsd's children (its embedded PostgreSQL excluded)
        with TreeSampler(self.dmsd["proc"].pid, exclude=("postgres",), include_root=False) as mem:
            res = self.dms_bench(["--run", job_id, "--log-file", logpath])
        if res["state"] != "succeeded":
            raise RuntimeError(f"{key}: run {res['run_id']} ended {res['state']}: {res['error']}\n{tail(logpath)}")
        tables = res.get("tables") or []
        self.record(key, res["wall_seconds"], self.count(target, "dms_t"), target, rss=mem.peak_rss, pss=mem.peak_pss,
                    server=res["server_seconds"], engine=res["engine_seconds"], queued=res["queued_seconds"],
                    path=",".join(t["path"] for t in tables), splits=sum(t["splits"] for t in tables),
                    table_ms=sum(t["duration_ms"] for t in tables), rows_written=res["rows_written"],
                    states=res.get("state_seconds"), app=res.get("spark_application_id"))

    def dmsd_submit(self):
        self.start_dmsd("submit")
        try:
            ids = self.create_jobs()
            for target in ("pg", "mariadb", "parquet", "empty"):
                self.dms_run(f"cold:{target}", target, ids[target])
        finally:
            self.stop_dmsd()

    def dmsd_warm(self):
        self.start_dmsd("warm")
        try:
            ids = self.create_jobs()
            self.dms_run("warm-first:empty", "empty", ids["empty"])
            for target in ("empty", "pg", "mariadb", "parquet"):
                self.dms_run(f"warm:{target}", target, ids[target])
        finally:
            self.stop_dmsd()

    # ---- report
    def report(self):
        r = self.results
        print(f"Migrate: {self.a.rows} rows (source table {self.size_mb:.0f} MB in PostgreSQL with its key index, "
              f"{self.heap_mb:.0f} MB heap) through dmsd, beside the physical limit and a bare spark-submit")
        print(f"cores {os.cpu_count()}; load average before {self.load_before}, after {load_average()} "
              f"(noisy machine: compare ratios); limits: median of {self.a.limit_repeat}; job options {self.a.job_options}")
        print("times: trigger (RunJob sent) -> SUCCEEDED seen on WatchRuns, in s; memory: peak summed RSS of the "
              "Spark process tree, MiB (PSS in brackets)")
        print()
        head = (pad("copy", 18) + pad("limit", 8) + pad("spark", 8) + pad("cold", 8) + pad("warm", 8)
                + pad("cold/lim", 9) + pad("warm/lim", 9) + pad("spark/lim", 10) + pad("cold/sprk", 10)
                + pad("mem spark", 16) + pad("mem cold", 16) + pad("mem warm", 16) + "  path")
        print(head)
        for t in ("pg", "mariadb", "parquet", "empty"):
            lim, sp, co, wa = (r.get(f"{k}:{t}") for k in ("limit", "spark", "cold", "warm"))
            sec = lambda x: f"{x['seconds']:.2f}" if x else "-"
            rat = lambda x, y: f"{x['seconds'] / y['seconds']:.2f}" if x and y else "-"
            mem = lambda x: f"{x['rss']:.0f} ({x['pss']:.0f})" if x else "-"
            print(pad(TARGET_TITLE[t], 18) + pad(sec(lim), 8) + pad(sec(sp), 8) + pad(sec(co), 8) + pad(sec(wa), 8)
                  + pad(rat(co, lim), 9) + pad(rat(wa, lim), 9) + pad(rat(sp, lim), 10) + pad(rat(co, sp), 10)
                  + pad(mem(sp), 16) + pad(mem(co), 16) + pad(mem(wa), 16)
                  + "  " + ((co or wa or {}).get("path") or ""))
        wf = r.get("warm-first:empty")
        if wf:
            print(f"warm engine start: first (empty) run on the warm dmsd {wf['seconds']:.2f} s, "
                  f"engine peak {wf['rss']:.0f} MiB RSS")
        print("dmsd time split (s): run  wall = queued (create->start) + engine (start->end) + rest; table = job program's copy of the table")
        for k in ("cold", "warm"):
            for t in ("pg", "mariadb", "parquet", "empty"):
                x = r.get(f"{k}:{t}")
                if x:
                    print(f"  {k:5} {t:8} wall {x['seconds']:6.2f}  queued {x['queued']:5.2f}  engine {x['engine']:6.2f}  "
                          f"table {x['table_ms'] / 1000:6.2f}  splits {x['splits']}  path {x['path']}")
        for t in ("pg", "mariadb", "parquet", "empty"):
            x = r.get(f"spark:{t}")
            if x and x.get("session_start") is not None:
                print(f"  bare spark {t:8} wall {x['seconds']:6.2f}  session start {x['session_start']:5.2f}  copy {x['copy']:6.2f}")
        print()
        lines = []
        for t in ("pg", "mariadb", "parquet"):
            lim = r.get(f"limit:{t}")
            for k in ("cold", "warm"):
                x = r.get(f"{k}:{t}")
                if x and lim:
                    lines.append(bench(f"migrate_{BENCH_NAME[t]}_{k}", x["seconds"], "s", lim["seconds"]))
            sp = r.get(f"spark:{t}")
            if sp and lim:
                lines.append(bench(f"spark_bare_{BENCH_NAME[t]}", sp["seconds"], "s", lim["seconds"]))
        sp, lim = r.get("spark:empty"), r.get("limit:empty")
        for k, base in (("cold", sp), ("warm", lim)):
            x = r.get(f"{k}:empty")
            if x and base:
                lines.append(bench(f"migrate_empty_{k}", x["seconds"], "s", base["seconds"]))
        if wf and sp:
            lines.append(bench("migrate_empty_warm_first", wf["seconds"], "s", sp["seconds"]))
        for t in ("pg", "mariadb", "parquet"):
            sp = r.get(f"spark:{t}")
            for k in ("cold", "warm"):
                x = r.get(f"{k}:{t}")
                if x and sp:
                    lines.append(bench(f"migrate_{BENCH_NAME[t]}_{k}_peak_rss", x["rss"], "MiB", sp["rss"]))
        for line in lines:
            print(line)
        sys.stdout.flush()
        with open(os.path.join(self.work, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1, sort_keys=True)


def bench(name, value, unit, baseline):
    fmt = (lambda v: f"{v:.0f}") if unit == "MiB" else (lambda v: f"{v:.2f}")
    # the ratio is computed from the printed (rounded) figures, so that it can be checked by hand
    ratio = float(fmt(value)) / float(fmt(baseline)) if float(fmt(baseline)) else float("inf")
    return f"BENCH {name} {fmt(value)} {unit} baseline={fmt(baseline)} ratio={ratio:.2f}"


def pad(text, width):
    return text.rjust(width)


def sh(cmd):
    import shlex
    return " ".join(shlex.quote(c) for c in cmd) if isinstance(cmd, list) else shlex.quote(cmd)


def tail(path, n=30):
    try:
        return "".join(open(path, errors="replace").readlines()[-n:])
    except OSError:
        return ""


def load_average():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def main():
    p = argparse.ArgumentParser(prog="scripts/bench migrate", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated table (default 1000000)")
    p.add_argument("--bin", required=True, help="directory of dmsd and dms-bench (scripts/bench passes it)")
    p.add_argument("--limit-repeat", type=int, default=3, help="runs of each limit (the median is reported)")
    p.add_argument("--job-options", default="{}", help="the jobs' options JSON (default {}: DMS defaults)")
    p.add_argument("--skip", default="", help="comma-separated steps to skip: limits,spark,cold,warm")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, data)")
    p.add_argument("--dmsd-log-level", default="info")
    a = p.parse_args()
    if a.rows < 1:
        p.error("--rows must be positive")
    base = tempfile.mkdtemp(prefix="dms-bench-migrate.", dir=os.environ.get("TMPDIR", "/tmp"))
    os.chmod(base, 0o755)  # PostgreSQL and MariaDB run as their own users
    a.work = base
    b = Bench(a)
    b.load_before = load_average()
    skip = set(filter(None, a.skip.split(",")))
    status = 0
    try:
        b.setup()
        if "limits" not in skip:
            log("limits …")
            b.limits()
        if "spark" not in skip:
            log("bare spark-submit …")
            b.bare_spark()
        if "cold" not in skip:
            log("dmsd --spark-mode submit …")
            b.dmsd_submit()
        if "warm" not in skip:
            log("dmsd --spark-mode warm …")
            b.dmsd_warm()
        b.report()
    except Exception as e:  # noqa: BLE001
        log(f"failed: {e}")
        if b.results:
            b.report()
        status = 1
    finally:
        b.stop_dmsd()
        b.maria.stop()
        b.pg.stop()
        if a.keep or status:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
