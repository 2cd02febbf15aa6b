"""Connection probes (`dms_job.py probe`, TestConnection without Spark), against real servers.

Each case runs the probe as dmsd does: a 0600 spec file, the program's own Python, one JSON line
on stdout; the password is a canary that must appear nowhere in what the probe writes.
"""
import json
import os
import sqlite3
import subprocess
import sys

from conftest import PYSPARK_DIR, free_port

CANARY = "Canary-Pr0be-Secret-41"


def _probe(tmp_path, kind, conf, timeout=5):
    spec = tmp_path / "probe.json"
    fd = os.open(spec, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"probe_version": 1, "type": kind, "version": 1, "conf": conf, "timeout_seconds": timeout}, f)
    try:
        done = subprocess.run([sys.executable, os.path.join(PYSPARK_DIR, "dms_job.py"), "probe", "--spec", str(spec)],
                              capture_output=True, text=True, timeout=timeout + 20)
    finally:
        os.remove(spec)
    assert CANARY not in done.stdout and CANARY not in done.stderr
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    return json.loads(lines[0])


def test_mysql_logs_in_and_names_the_server(tmp_path, maria):
    answer = _probe(tmp_path, "mysql", {"host": maria["host"], "port": maria["port"], "user": maria["user"],
                                        "password": maria["password"]})
    assert answer["ok"] is True, answer
    assert answer["server_version"].startswith("MariaDB "), answer
    assert answer["latency_ms"] > 0


def test_mysql_wrong_password_says_authentication_failed(tmp_path, maria):
    answer = _probe(tmp_path, "mysql", {"host": maria["host"], "port": maria["port"], "user": maria["user"],
                                        "password": CANARY})
    assert answer["ok"] is False
    assert answer["message"] == f"authentication failed for user 'app' at 127.0.0.1:{maria['port']}"


def test_mysql_refused_port_names_host_and_port(tmp_path):
    port = free_port()
    answer = _probe(tmp_path, "mysql", {"host": "127.0.0.1", "port": port, "user": "app", "password": CANARY})
    assert answer == {**answer, "ok": False, "message": f"connection refused by 127.0.0.1:{port}"}


def test_sqlite_opens_an_existing_database_and_refuses_a_missing_one(tmp_path):
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (id integer)")
    answer = _probe(tmp_path, "sqlite", {"path": str(path)})
    assert answer["ok"] is True and answer["server_version"].startswith("SQLite "), answer
    assert "1 tables" in answer["message"]
    missing = _probe(tmp_path, "sqlite", {"path": str(tmp_path / "nope.db")})
    assert missing["ok"] is False
    assert missing["message"] == f"{tmp_path}/nope.db does not exist (a Target could create it there)"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    assert "is not a SQLite database" in _probe(tmp_path, "sqlite", {"path": str(garbage)})["message"]


def test_file_checks_local_paths_and_says_what_it_cannot_check(tmp_path):
    assert _probe(tmp_path, "file", {"format": "csv", "path": f"file://{tmp_path}"})["ok"] is True
    missing = _probe(tmp_path, "file", {"format": "csv", "path": f"{tmp_path}/a/b"})
    assert missing["ok"] is False and "does not exist" in missing["message"]
    remote = _probe(tmp_path, "file", {"format": "parquet", "path": "s3a://bucket/orders"})
    assert remote["ok"] is False and "cannot be checked without Spark" in remote["message"]
    jdbc = _probe(tmp_path, "jdbc", {"url": "jdbc:h2:mem:x", "driver_class": "org.h2.Driver", "password": CANARY})
    assert jdbc["ok"] is False and "a jdbc connection cannot be checked without Spark" in jdbc["message"]
