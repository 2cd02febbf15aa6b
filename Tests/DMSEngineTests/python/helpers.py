"""Shared helpers for the engine tests: specs, running a job in-process, database access."""
import json
import os
import socket
import sys
import uuid

import psycopg
import pymysql

from dmsjob import runner, spec as specmod
from dmsjob.events import Emitter, Scrubber

JOB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Sources", "DMSEngine", "PySpark",
                   "dms_job.py")


def pg_conf(pg, database="src", **extra):
    c = {"host": pg["host"], "port": pg["port"], "database": database, "user": pg["user"],
         "password": pg["password"], "ssl_mode": "disable"}
    c.update(extra)
    return c


def my_conf(maria, database="dst", **extra):
    c = {"host": maria["host"], "port": maria["port"], "database": database, "user": maria["user"],
         "password": maria["password"], "flavor": "mariadb"}
    c.update(extra)
    return c


def make_spec(stype, sconf, ttype, tconf, sversion=None, **options):
    versions = {"postgres": 2, "mysql": 1, "sqlite": 1, "jdbc": 1, "file": 1, "hive": 1}
    spec = {"spec_version": 1,
            "run": {"id": "run-" + uuid.uuid4().hex[:8], "job_id": "job-1", "job_name": "test", "namespace": "ns",
                    "attempt": 1},
            "source": {"type": stype, "version": sversion or versions[stype], "conf": sconf},
            "target": {"type": ttype, "version": versions[ttype], "conf": tconf},
            "options": {"validation": "count", "parallelism": 1, "dry_run": False}}
    cursors = options.pop("cursors", None)
    if cursors is not None:
        spec["cursors"] = cursors
    spec["options"].update(options)
    return spec


def run(spark, spec, cancel=None):
    """Validates and runs a spec in-process; returns (result, events) with secrets scrubbed."""
    lines = []
    secrets = specmod.secrets_of(spec)
    em = Emitter(lines.append, Scrubber(secrets))
    specmod.validate(spec)
    result = runner.run_job(spark, spec, em, cancel)
    events = [json.loads(l) for l in lines]
    return result, events, lines


def by_type(events, t):
    return [e for e in events if e["event"] == t]


def pg_exec(pg, database, *sql, fetch=False):
    with psycopg.connect(host=pg["host"], port=pg["port"], user=pg["user"], password=pg["password"],
                         dbname=database, autocommit=True) as c:
        out = None
        for s in sql:
            if isinstance(s, tuple):
                cur = c.execute(s[0], s[1])
            else:
                cur = c.execute(s)
        if fetch:
            out = cur.fetchall()
        return out


def my_exec(maria, *sql, fetch=False, database=None):
    c = pymysql.connect(host=maria["host"], port=maria["port"], user=maria["user"], password=maria["password"],
                        database=database, autocommit=True, charset="utf8mb4")
    try:
        cur = c.cursor()
        for s in sql:
            if isinstance(s, tuple):
                cur.execute(s[0], s[1])
            else:
                cur.execute(s)
        return cur.fetchall() if fetch else None
    finally:
        c.close()


def write_spec(tmpdir, spec):
    path = os.path.join(str(tmpdir), "spec-" + uuid.uuid4().hex[:6] + ".json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(spec, f)
    return path


def spark_env(workdir):
    """The environment of a spark-submit the tests start (temporary files in `workdir`)."""
    env = dict(os.environ)
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    env["PYSPARK_PYTHON"] = sys.executable
    env["TMPDIR"] = workdir
    return env


def spark_submit_cmd(*args, job=JOB, py_files=None, master="local[2]"):
    """spark-submit of the job program as dmsd starts it (`local[N,F]` lets a task fail F-1 times)."""
    return [os.path.join(os.path.dirname(sys.executable), "spark-submit"), "--master", master,
            "--conf", "spark.ui.enabled=false",
            "--driver-java-options", "-Duser.timezone=UTC -XX:TieredStopAtLevel=1",
            "--jars", "/usr/share/java/postgresql.jar,/usr/share/java/mariadb-java-client.jar,/usr/share/java/sqlite-jdbc.jar",
            ] + (["--py-files", py_files] if py_files else []) + [job] + list(args)


class EngineClient:
    """One connection to a warm engine's socket: a request, then the run's events."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("r")

    def send(self, obj):
        self.s.sendall((json.dumps(obj) + "\n").encode())

    def events(self, until=None):
        out = []
        for line in self.f:
            e = json.loads(line)
            out.append(e)
            if until and e["event"] == until:
                return out
            if e["event"] == "result":
                break
        return out

    def close(self):
        self.f.close()
        self.s.close()
