"""Connection probes for TestConnection: can this store be reached with this configuration?

No Spark: a probe runs in the job program's Python alone and answers within its timeout. The probe
spec (written by dmsd, 0600, removed afterwards) is one JSON object:

  {"probe_version": 1, "type": "mysql", "version": 1, "conf": {...}, "timeout_seconds": 10}

The answer is one JSON line on stdout, every secret scrubbed out:

  {"ok": true, "message": "...", "server_version": "...", "latency_ms": 12.3}
"""
import json
import os
import time

from .errors import SpecError
from .events import Scrubber
from .spec import secrets_of

PROBE_VERSION = 1
_HADOOP_ONLY = "cannot be checked without Spark (TestConnection starts no Spark application)"


class Outcome(Exception):
    """A probe's answer; raised to end a probe early."""

    def __init__(self, ok, message, server_version=""):
        super().__init__(message)
        self.ok = ok
        self.message = message
        self.server_version = server_version


def load(path):
    """Reads a probe spec. Returns (spec, secrets). The raw text is never echoed."""
    try:
        with open(path, "rb") as f:
            spec = json.loads(f.read())
    except OSError as e:
        raise SpecError("--spec", f"cannot read the probe spec: {e.strerror}")
    except ValueError:
        raise SpecError("spec", "is not valid JSON")
    if not isinstance(spec, dict) or spec.get("probe_version") != PROBE_VERSION:
        raise SpecError("probe_version", f"must be {PROBE_VERSION}")
    if not isinstance(spec.get("conf"), dict):
        raise SpecError("conf", "must be an object")
    return spec, secrets_of({"source": {"conf": spec["conf"]}})


def probe(spec):
    """Runs the probe for the spec's connector type; returns an Outcome (never raises)."""
    kind = spec.get("type")
    conf = spec["conf"]
    timeout = max(1, int(spec.get("timeout_seconds") or 10))
    checks = {"mysql": _mysql, "sqlite": _sqlite, "file": _file, "jdbc": _needs_spark, "hive": _needs_spark}
    check = checks.get(kind)
    if check is None:
        return Outcome(False, f"connector type {kind!r} has no connection test")
    try:
        return check(conf, timeout, kind)
    except Outcome as outcome:
        return outcome
    except Exception as e:  # noqa: BLE001 - the reason is what the operator needs
        return Outcome(False, f"{type(e).__name__}: {e}".splitlines()[0][:300])


def _mysql(conf, timeout, _kind):
    import pymysql
    host, port, user = conf.get("host", ""), int(conf.get("port") or 3306), conf.get("user", "")
    where = f"{host}:{port}"
    try:
        connection = pymysql.connect(host=host, port=port, user=user, password=conf.get("password") or "",
                                     database=conf.get("database") or None, connect_timeout=timeout,
                                     read_timeout=timeout, write_timeout=timeout)
    except pymysql.err.OperationalError as e:
        code = e.args[0] if e.args else 0
        text = str(e.args[1]) if len(e.args) > 1 else str(e)
        if code == 1045:
            raise Outcome(False, f"authentication failed for user {user!r} at {where}")
        if code == 1049:
            raise Outcome(False, f"database {conf.get('database')!r} does not exist at {where}")
        if code in (2003, 2013):
            lowered = text.lower()
            if "timed out" in lowered:
                raise Outcome(False, f"timed out after {timeout} s connecting to {where}")
            if "refused" in lowered or "errno 111" in lowered:
                raise Outcome(False, f"connection refused by {where}")
            if "name or service not known" in lowered or "errno -2" in lowered or "errno -3" in lowered:
                raise Outcome(False, f"cannot resolve host {host!r}")
            raise Outcome(False, f"cannot connect to {where}: {text}")
        raise Outcome(False, f"{where} refused the login: {text}")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            version = cursor.fetchone()[0]
    finally:
        connection.close()
    flavor = "MariaDB" if "mariadb" in version.lower() else "MySQL"
    return Outcome(True, f"logged in to {where} as {user!r}", f"{flavor} {version}")


def _sqlite(conf, _timeout, _kind):
    import sqlite3
    path = conf.get("path", "")
    if not os.path.exists(path):
        directory = os.path.dirname(os.path.abspath(path))
        creatable = os.path.isdir(directory) and os.access(directory, os.W_OK | os.X_OK)
        why = "a Target could create it there" if creatable else f"nor can it be created: {directory} is not a writable directory"
        raise Outcome(False, f"{path} does not exist ({why})")
    if os.path.isdir(path):
        raise Outcome(False, f"{path} is a directory, not a SQLite database file")
    if not os.access(path, os.R_OK):
        raise Outcome(False, f"{path} is not readable by dmsd's user")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as e:
        raise Outcome(False, f"{path} is not a SQLite database: {e}")
    writable = "writable" if os.access(path, os.W_OK) else "read-only"
    return Outcome(True, f"opened {path} ({tables} tables, {writable})", f"SQLite {sqlite3.sqlite_version}")


def _file(conf, _timeout, _kind):
    path = conf.get("path", "")
    if path.startswith("file://"):
        path = path[len("file://"):]
    elif path.startswith("file:/"):
        path = path[len("file:"):]
    elif not path.startswith("/"):
        raise Outcome(False, f"{conf.get('path')} {_HADOOP_ONLY}")
    if os.path.isdir(path):
        readable = os.access(path, os.R_OK | os.X_OK)
        writable = os.access(path, os.W_OK | os.X_OK)
        if not readable:
            raise Outcome(False, f"directory {path} is not readable by dmsd's user")
        return Outcome(True, f"directory {path} exists ({'readable and writable' if writable else 'readable, not writable'})")
    if os.path.exists(path):
        if not os.access(path, os.R_OK):
            raise Outcome(False, f"{path} is not readable by dmsd's user")
        return Outcome(True, f"file {path} exists and is readable")
    parent = os.path.dirname(path.rstrip("/")) or "/"
    while parent != "/" and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    creatable = os.path.isdir(parent) and os.access(parent, os.W_OK | os.X_OK)
    why = f"a Target could create it under {parent}" if creatable else f"nor can it be created under {parent}"
    raise Outcome(False, f"{path} does not exist ({why})")


def _needs_spark(_conf, _timeout, kind):
    raise Outcome(False, f"a {kind} connection {_HADOOP_ONLY}; a job run checks it")


def main(path):
    """Runs one probe; prints its answer as one JSON line. Returns the exit status."""
    started = time.monotonic()
    scrub = Scrubber()
    try:
        spec, secrets = load(path)
        scrub.add(secrets)
        outcome = probe(spec)
    except SpecError as e:
        outcome = Outcome(False, str(e))
    answer = {"ok": bool(outcome.ok), "message": outcome.message, "server_version": outcome.server_version,
              "latency_ms": round((time.monotonic() - started) * 1000, 1)}
    print(scrub(json.dumps(answer, ensure_ascii=False)), flush=True)
    return 0
