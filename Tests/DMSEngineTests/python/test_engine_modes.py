"""The two ways to run: one-shot spark-submit and the warm engine on a Unix socket (with cancel)."""
import json
import os
import stat
import subprocess
import sys
import time

import pytest

from conftest import PYSPARK_DIR, REPO
from helpers import EngineClient as Client, JOB, make_spec, my_conf, my_exec, pg_conf, pg_exec, write_spec
from helpers import spark_env as _env, spark_submit_cmd as _submit_cmd


def _shipped_layout(tmp_path):
    """What dmsd does: dms_job.py alone in a directory, the package as dmsjob.zip (dmsjob/*.py)."""
    import shutil
    import zipfile
    d = tmp_path / "shipped"
    d.mkdir()
    shutil.copy(JOB, d / "dms_job.py")
    z = d / "dmsjob.zip"
    pkg = os.path.join(PYSPARK_DIR, "dmsjob")
    with zipfile.ZipFile(z, "w") as zf:
        for f in sorted(os.listdir(pkg)):
            if f.endswith(".py"):
                zf.write(os.path.join(pkg, f), "dmsjob/" + f)
    return str(d / "dms_job.py"), str(z)


def _events(stdout):
    return [json.loads(l[len("DMS-EVENT "):]) for l in stdout.splitlines() if l.startswith("DMS-EVENT ")]


@pytest.fixture(scope="module")
def small_table(pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS em_small", "CREATE TABLE em_small (id int PRIMARY KEY, v text)",
            "INSERT INTO em_small SELECT g, 'v' || g FROM generate_series(1, 100) g")
    return "public.em_small"


def test_one_shot_spark_submit_success_and_failure(pg, maria, small_table, workdir, tmp_path):
    my_exec(maria, "DROP TABLE IF EXISTS dst.em_one")
    spec = make_spec("postgres", pg_conf(pg, table=small_table), "mysql", my_conf(maria, table="em_one"))
    path = write_spec(tmp_path, spec)
    job, zpath = _shipped_layout(tmp_path)
    p = subprocess.run(_submit_cmd("run", "--spec", path, job=job, py_files=zpath), capture_output=True, text=True,
                       env=_env(workdir), timeout=300)
    ev = _events(p.stdout)
    assert p.returncode == 0, (p.stdout[-2000:], p.stderr[-3000:])
    # the bulk path ran in Python workers that imported dmsjob from the zip
    assert [t["path"] for t in ev[1]["tables"]] == ["bulk"]
    assert [e["event"] for e in ev][:2] == ["started", "plan"] and ev[-1]["event"] == "result"
    assert ev[0]["application_id"].startswith("local-") and ev[0]["spark_version"].startswith("4.")
    assert ev[-1]["state"] == "succeeded"
    assert my_exec(maria, "SELECT count(*) FROM dst.em_one", fetch=True) == ((100,),)
    # every stdout line is an event; secrets appear nowhere
    for out in (p.stdout, p.stderr):
        assert pg["password"] not in out and maria["password"] not in out
    # wrong password: exit 1, the root cause, no password
    bad = make_spec("postgres", pg_conf(pg, table=small_table, password="Nope-Nope-42"), "mysql", my_conf(maria, table="em_one"))
    p = subprocess.run(_submit_cmd("run", "--spec", write_spec(tmp_path, bad)), capture_output=True, text=True,
                       env=_env(workdir), timeout=300)
    ev = _events(p.stdout)
    assert p.returncode == 1
    assert ev[-1]["event"] == "result" and 'password authentication failed for user "app"' in ev[-1]["error"]
    assert "Nope-Nope-42" not in p.stdout and "Nope-Nope-42" not in p.stderr


def test_one_shot_sigterm_cancels_exit_3(pg, maria, workdir, tmp_path):
    import signal
    my_exec(maria, "DROP TABLE IF EXISTS dst.em_term")
    slow = make_spec("postgres", pg_conf(pg, query="SELECT g AS id, pg_sleep(0.1)::text AS z FROM generate_series(1, 400) g"),
                     "mysql", my_conf(maria, table="em_term"))
    proc = subprocess.Popen(_submit_cmd("run", "--spec", write_spec(tmp_path, slow)), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=_env(workdir))
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if '"table_started"' in line:
            break
    driver = _events("".join(seen))[0]["driver_pid"]
    assert driver != proc.pid
    time.sleep(1.0)
    os.kill(driver, signal.SIGTERM)
    rest = proc.stdout.read()
    rc = proc.wait(120)
    ev = _events("".join(seen) + rest)
    assert rc == 3, (rc, ev[-1])
    assert ev[-1]["event"] == "result" and ev[-1]["state"] == "cancelled"
    assert not my_exec(maria, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'dst' "
                              "AND (table_name = 'em_term' OR table_name LIKE 'dms_stg%')", fetch=True)
    for _ in range(50):
        busy = pg_exec(pg, "src", "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%generate_series(1, 400)%' "
                                  "AND pid <> pg_backend_pid()", fetch=True)[0][0]
        if busy == 0:
            break
        time.sleep(0.2)
    assert busy == 0


def test_one_shot_bad_spec_exits_2_naming_field(workdir, tmp_path):
    spec = make_spec("postgres", {"host": "h", "database": "d", "user": "u", "password": "Sekrit-77", "table": "t", "port": "5432"},
                     "mysql", {"host": "h", "user": "u", "table": "t"})
    path = write_spec(tmp_path, spec)
    # the spec is checked before Spark starts: plain python is enough
    p = subprocess.run([sys.executable, JOB, "run", "--spec", path], capture_output=True, text=True,
                       env=_env(workdir), timeout=120)
    assert p.returncode == 2
    ev = _events(p.stdout)
    assert ev == [{**ev[0], "event": "result", "state": "failed",
                   "error": "invalid job spec: source.conf.port: must be an integer"}]
    assert "Sekrit-77" not in p.stdout + p.stderr


@pytest.fixture(scope="module")
def engine(workdir):
    sock = os.path.join(workdir, "engine.sock")
    proc = subprocess.Popen(_submit_cmd("serve", "--socket", sock), stdout=subprocess.PIPE, stderr=open(
        os.path.join(workdir, "engine.log"), "w"), text=True, env=_env(workdir))
    line = proc.stdout.readline()
    assert line.startswith("DMS-ENGINE-READY "), line
    info = json.loads(line[len("DMS-ENGINE-READY "):])
    yield {"socket": sock, "proc": proc, "info": info}
    if proc.poll() is None:
        proc.terminate()
        proc.wait(60)


def _driver_gone(pid, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_serve_ready_socket_mode_and_run(engine, pg, maria, small_table, tmp_path):
    assert engine["info"]["socket"] == engine["socket"] and engine["info"]["application_id"].startswith("local-")
    assert stat.S_IMODE(os.stat(engine["socket"]).st_mode) == 0o600
    my_exec(maria, "DROP TABLE IF EXISTS dst.em_served")
    spec = make_spec("postgres", pg_conf(pg, table=small_table), "mysql", my_conf(maria, table="em_served"))
    c = Client(engine["socket"])
    t0 = time.time()
    c.send({"spec": write_spec(tmp_path, spec)})
    ev = c.events()
    c.close()
    assert ev[0]["event"] == "started" and ev[-1]["event"] == "result" and ev[-1]["state"] == "succeeded", ev[-1]
    assert my_exec(maria, "SELECT count(*) FROM dst.em_served", fetch=True) == ((100,),)
    # a broken run does not take the server down; bad specs name the field
    c = Client(engine["socket"])
    bad = dict(spec)
    bad["options"] = {"validation": "maybe"}
    c.send({"spec": write_spec(tmp_path, bad)})
    ev = c.events()
    c.close()
    assert ev[-1]["state"] == "failed" and "options.validation" in ev[-1]["error"]
    c = Client(engine["socket"])
    c.send({"spec": write_spec(tmp_path, make_spec("postgres", pg_conf(pg, table="public.none_here"), "mysql",
                                                   my_conf(maria, table="x")))})
    ev = c.events()
    c.close()
    assert ev[-1]["state"] == "failed" and ev[-1]["error"] == "source table public.none_here does not exist"
    # hive jobs are not the warm engine's (dmsd routes them to spark-submit): refused, not half-run
    c = Client(engine["socket"])
    c.send({"spec": write_spec(tmp_path, make_spec("hive", {"table": "t"}, "mysql", my_conf(maria, table="x")))})
    ev = c.events()
    c.close()
    assert ev[-1]["state"] == "failed" and ev[-1]["error"].startswith("hive tables need a Spark session started with Hive support")
    assert engine["proc"].poll() is None


def test_serve_two_runs_at_once_and_cancel_one(engine, pg, maria, small_table, tmp_path):
    # a slow run: every row sleeps in the source query
    pg_exec(pg, "src", "DROP TABLE IF EXISTS em_slow", "CREATE TABLE em_slow (id int PRIMARY KEY, v text)",
            "INSERT INTO em_slow SELECT g, 'v' FROM generate_series(1, 200) g")
    my_exec(maria, "DROP TABLE IF EXISTS dst.em_slow_out", "DROP TABLE IF EXISTS dst.em_fast_out")
    slow = make_spec("postgres", pg_conf(pg, query="SELECT id, v, pg_sleep(0.1)::text AS z FROM em_slow"), "mysql",
                     my_conf(maria, table="em_slow_out"))
    fast = make_spec("postgres", pg_conf(pg, table=small_table), "mysql", my_conf(maria, table="em_fast_out"))
    c1 = Client(engine["socket"])
    c1.send({"spec": write_spec(tmp_path, slow)})
    c1.events(until="table_started")
    c2 = Client(engine["socket"])
    c2.send({"spec": write_spec(tmp_path, fast)})
    ev2 = c2.events()
    c2.close()
    assert ev2[-1]["state"] == "succeeded", ev2[-1]
    time.sleep(1.0)
    t0 = time.time()
    c1.send({"cancel": True})
    ev1 = c1.events()
    c1.close()
    assert ev1[-1]["event"] == "result" and ev1[-1]["state"] == "cancelled", ev1[-1]
    assert time.time() - t0 < 15
    # nothing was written by the cancelled run and its staging table is gone
    assert not my_exec(maria, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'dst' "
                              "AND (table_name = 'em_slow_out' OR table_name LIKE 'dms_stg%')", fetch=True)
    # the source sessions of the cancelled run are gone too
    for _ in range(50):
        busy = pg_exec(pg, "src", "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(0.1)::text AS z FROM em_slow%' "
                                  "AND pid <> pg_backend_pid()", fetch=True)[0][0]
        if busy == 0:
            break
        time.sleep(0.2)
    assert busy == 0
    assert engine["proc"].poll() is None


def test_serve_client_disconnect_cancels(engine, pg, maria, tmp_path):
    my_exec(maria, "DROP TABLE IF EXISTS dst.em_gone")
    slow = make_spec("postgres", pg_conf(pg, query="SELECT g AS id, pg_sleep(0.1)::text AS z FROM generate_series(1, 300) g"),
                     "mysql", my_conf(maria, table="em_gone"))
    c = Client(engine["socket"])
    c.send({"spec": write_spec(tmp_path, slow)})
    c.events(until="table_started")
    c.close()
    for _ in range(100):
        busy = pg_exec(pg, "src", "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(0.1)::text AS z FROM generate%' "
                                  "AND pid <> pg_backend_pid()", fetch=True)[0][0]
        if busy == 0:
            break
        time.sleep(0.2)
    assert busy == 0
    # the engine still serves
    c = Client(engine["socket"])
    c.send({"spec": "/nonexistent/spec.json"})
    ev = c.events()
    c.close()
    assert ev[-1]["state"] == "failed" and "--spec" in ev[-1]["error"]


def test_serve_empty_run_latency(engine, pg, maria, tmp_path):
    """Not a timed assertion: reports the warm engine's latency for a run with nothing to move."""
    pg_exec(pg, "src", "DROP TABLE IF EXISTS em_empty", "CREATE TABLE em_empty (id int PRIMARY KEY)")
    my_exec(maria, "DROP TABLE IF EXISTS dst.em_empty")
    spec = make_spec("postgres", pg_conf(pg, table="em_empty"), "mysql", my_conf(maria, table="em_empty"))
    times = []
    for _ in range(3):
        c = Client(engine["socket"])
        t0 = time.time()
        c.send({"spec": write_spec(tmp_path, spec)})
        ev = c.events()
        c.close()
        times.append(time.time() - t0)
        assert ev[-1]["state"] == "succeeded", ev[-1]
        spec["target"]["conf"]["mode"] = "overwrite"
    print(f"\nwarm engine empty-run latency: {', '.join(f'{t:.2f}s' for t in times)}")


def test_serve_stops_on_sigterm_to_driver_and_when_spark_submit_dies(engine, workdir):
    """Runs last in this module: SIGTERM to driver_pid stops the engine cleanly (exit 0, socket
    removed); a second engine whose spark-submit is killed does not leave its Python driver behind.
    Neither leaves the package zip it shipped (`$TMPDIR/dmsjob-<driver pid>-*`)."""
    import glob
    import signal

    def shipped(pid):
        return glob.glob(os.path.join(workdir, f"dmsjob-{pid}-*"))

    assert shipped(engine["info"]["driver_pid"])
    os.kill(engine["info"]["driver_pid"], signal.SIGTERM)
    assert engine["proc"].wait(60) == 0
    assert not os.path.exists(engine["socket"])
    assert not shipped(engine["info"]["driver_pid"])
    sock = os.path.join(workdir, "engine2.sock")
    proc = subprocess.Popen(_submit_cmd("serve", "--socket", sock), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=_env(workdir))
    info = json.loads(proc.stdout.readline()[len("DMS-ENGINE-READY "):])
    assert shipped(info["driver_pid"])
    proc.kill()
    proc.wait(30)
    assert _driver_gone(info["driver_pid"])
    assert not shipped(info["driver_pid"])
