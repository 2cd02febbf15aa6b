"""The lifeline (README.md "Lifeline"): with DMS_LIFELINE=stdin, closing the program's lifeline (what
dmsd's death does) ends it mid-run within seconds, with every process it started: the JVM too."""
import json
import os
import socket
import subprocess
import sys
import time

from conftest import PYSPARK_DIR
from helpers import make_spec, pg_conf, pg_exec, write_spec
from test_engine_modes import JOB, _env, _events, _submit_cmd

SLOW_QUERY = "SELECT g AS id, pg_sleep(0.2)::text AS z FROM generate_series(1, 600) g"
ORPHANED = 5
LIMIT_S = 15


def _lifeline_env(workdir):
    return dict(_env(workdir), DMS_LIFELINE="stdin")


def _processes():
    """pid -> (ppid, pgid, state, start time) of every process."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        out[int(name)] = (int(fields[1]), int(fields[2]), fields[0], fields[19])
    return out


def _family(leader):
    """(pid, start time) of the live members of `leader`'s process group and of its descendants
    (PySpark's Python worker daemon makes a process group of its own)."""
    procs = _processes()
    members = {pid for pid, p in procs.items() if p[1] == leader} | {leader}
    grew = True
    while grew:
        children = {pid for pid, p in procs.items() if p[0] in members} - members
        members |= children
        grew = bool(children)
    return {(pid, procs[pid][3]) for pid in members if pid in procs and procs[pid][2] != "Z"}


def _seconds_until_gone(family, limit=LIMIT_S):
    """Seconds until no process of `family` runs (a zombie waiting for a reaper counts as gone)."""
    t0 = time.time()
    while time.time() - t0 < limit:
        procs = _processes()
        if not any(pid in procs and procs[pid][3] == start and procs[pid][2] != "Z" for pid, start in family):
            return time.time() - t0
        time.sleep(0.1)
    return None


def _command(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_for_slow_query(pg, timeout=180):
    """Waits until the run's source query runs in PostgreSQL: the run is moving data."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if _slow_sessions(pg):
            return
        time.sleep(0.2)
    raise AssertionError("the run's source query never started")


def _slow_sessions(pg):
    return pg_exec(pg, "src", ("SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s AND pid <> pg_backend_pid()",
                               ("%" + SLOW_QUERY[:40] + "%",)), fetch=True)[0][0]


def _assert_sessions_end(pg):
    for _ in range(100):
        if _slow_sessions(pg) == 0:
            return
        time.sleep(0.2)
    raise AssertionError("the run's source query still runs in PostgreSQL")


def _slow_spec(pg, tmp_path, table):
    pg_exec(pg, "dst", f"DROP TABLE IF EXISTS {table}")
    spec = make_spec("postgres", pg_conf(pg, query=SLOW_QUERY), "postgres", pg_conf(pg, "dst", table=f"public.{table}"))
    return write_spec(tmp_path, spec)


def _no_target(pg, table):
    return not pg_exec(pg, "dst", ("SELECT tablename FROM pg_tables WHERE tablename = %s OR tablename LIKE 'dms_stg%%'",
                                   (table,)), fetch=True)


def test_the_lifeline_is_watched_only_when_dmsd_says_so_and_only_if_it_is_a_pipe():
    probe = [sys.executable, "-c", f"import sys; sys.path.insert(0, {PYSPARK_DIR!r}); from dmsjob import lifeline; "
                                   "print(lifeline.open_lifeline() is not None)"]
    env = {k: v for k, v in os.environ.items() if k not in ("DMS_LIFELINE", "PYSPARK_GATEWAY_PORT")}
    by_hand = subprocess.run(probe, input="", capture_output=True, text=True, env=env)
    assert by_hand.stdout.strip() == "False" and by_hand.stderr == ""
    piped = subprocess.run(probe, input="", capture_output=True, text=True, env=dict(env, DMS_LIFELINE="stdin"))
    assert piped.stdout.strip() == "True", piped.stderr
    with open(os.devnull) as null:
        not_a_pipe = subprocess.run(probe, stdin=null, capture_output=True, text=True, env=dict(env, DMS_LIFELINE="stdin"))
    assert not_a_pipe.stdout.strip() == "False" and "stdin is not a pipe" in not_a_pipe.stderr


def _end_by_lifeline(proc, close, what):
    """Closes the lifeline of `proc` (a process group leader) mid-run; asserts that every process of
    its family is gone within LIMIT_S seconds; returns the family's command lines."""
    family = _family(proc.pid)
    commands = [_command(pid) for pid, _ in family]
    close()
    gone = _seconds_until_gone(family)
    assert gone is not None, f"still running {LIMIT_S} s after the lifeline closed: {commands}"
    print(f"\n{what}: every process gone {gone:.1f} s after the lifeline closed")
    return commands


def _stop_leftovers(proc, *descriptors):
    for fd in descriptors:
        try:
            os.close(fd)
        except OSError:
            pass
    if proc.poll() is None:
        os.killpg(proc.pid, 9)
        proc.wait()


def test_one_shot_under_spark_submit_ends_mid_run_with_its_jvm(pg, workdir, tmp_path):
    """As dmsd runs it: the lifeline is spark-submit's stdin (the JVM's); the Python driver, whose
    own stdin is the JVM's pipe, watches its parent's."""
    path = _slow_spec(pg, tmp_path, "lf_one")
    r, w = os.pipe()
    log = tmp_path / "stderr.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(_submit_cmd("run", "--spec", path), stdin=r, stdout=subprocess.PIPE, stderr=err,
                                text=True, env=_lifeline_env(workdir), start_new_session=True)
    os.close(r)
    try:
        _wait_for_slow_query(pg)
        commands = _end_by_lifeline(proc, lambda: os.close(w), "one-shot run")
        assert any("java" in c for c in commands) and any("dms_job.py run" in c for c in commands), commands
        out = proc.stdout.read()
        assert proc.wait(30) == ORPHANED
        # the driver's stderr reaches spark-submit's stdout (the JVM merges them)
        assert "dmsd is gone (its lifeline, stdin, closed)" in out + log.read_text()
        with open(path) as f:
            run_id = json.load(f)["run"]["id"]
        assert f"Submitted application: dms-run-{run_id}-attempt-1" in log.read_text()
        # nobody reads it any more, but a result that made it out within the grace says cancelled
        assert [e["state"] for e in _events(out) if e["event"] == "result"] in ([], ["cancelled"])
        _assert_sessions_end(pg)
        assert _no_target(pg, "lf_one")
    finally:
        _stop_leftovers(proc, w)


def test_warm_engine_ends_mid_run_with_its_jvm_and_socket(pg, workdir, tmp_path):
    path = _slow_spec(pg, tmp_path, "lf_warm")
    sock_path = os.path.join(str(tmp_path), "engine.sock")
    r, w = os.pipe()
    proc = subprocess.Popen(_submit_cmd("serve", "--socket", sock_path), stdin=r, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=_lifeline_env(workdir), start_new_session=True)
    os.close(r)
    client = socket.socket(socket.AF_UNIX)
    try:
        assert proc.stdout.readline().startswith("DMS-ENGINE-READY ")
        client.connect(sock_path)
        client.sendall((json.dumps({"spec": path}) + "\n").encode())
        _wait_for_slow_query(pg)
        commands = _end_by_lifeline(proc, lambda: os.close(w), "warm engine")
        assert any("java" in c for c in commands) and any("dms_job.py serve" in c for c in commands), commands
        assert "dmsd is gone" in proc.stdout.read()
        assert proc.wait(30) == ORPHANED
        assert not os.path.exists(sock_path)
        _assert_sessions_end(pg)
        assert _no_target(pg, "lf_warm")
    finally:
        client.close()
        _stop_leftovers(proc, w)


def test_plain_python_driver_ends_mid_run_and_its_gateway_jvm_with_it(pg, workdir, tmp_path):
    """Started without spark-submit, the driver's own stdin is the lifeline, and the JVM is the
    gateway PySpark starts (its stdin a pipe from the driver)."""
    path = _slow_spec(pg, tmp_path, "lf_plain")
    log = tmp_path / "stderr.log"
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, JOB, "run", "--spec", path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=err, text=True, env=_lifeline_env(workdir), start_new_session=True)
    try:
        _wait_for_slow_query(pg)
        commands = _end_by_lifeline(proc, proc.stdin.close, "plain driver")
        assert any("java" in c for c in commands), commands
        proc.stdout.read()
        assert proc.wait(30) == ORPHANED
        assert "dmsd is gone (its lifeline, stdin, closed)" in log.read_text()
        _assert_sessions_end(pg)
    finally:
        _stop_leftovers(proc)
