"""Retried partitions are harmless: a task whose rows are committed and which then fails (here its
commit's acknowledgement is lost on the way back) is retried by Spark, and the target still gets
every source row exactly once — bulk and dataframe paths, PostgreSQL and MariaDB, append and
overwrite, into keyless targets (no key would refuse a duplicate) and with validation off (no count
would catch one)."""
import os
import re
import socket
import subprocess
import threading

import pytest

from helpers import EngineClient, by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, spark_env, spark_submit_cmd
from helpers import write_spec

ROWS, PARTITIONS = 4000, 4
OLD_ROWS = [(100001 + i, "old") for i in range(10)]  # in the target before the run, keys apart from the source's


class CommitAckDropper:
    """A TCP proxy in front of a database that lets the first `drops` commits of loading
    connections reach the server and the server commit them, then closes the connection instead of
    passing the answer on: the task that loaded the rows sees its commit fail, and Spark retries it.

    Loading connections are those that sent a load: Spark's JDBC insert into a landing table (its
    column list ends with the partition tag), PostgreSQL `COPY … FROM STDIN` or MariaDB `LOAD DATA`. Other
    connections (the driver's DDL, the final move, a retry that finds its split done) pass."""

    LOAD = re.compile(rb"__dms_partition.\) VALUES|FROM STDIN|LOAD DATA")
    COMMIT = re.compile(rb"(?<![A-Za-z_])COMMIT(?![A-Za-z_])")

    def __init__(self, port, drops):
        self.upstream = ("127.0.0.1", port)
        self.lock = threading.Lock()
        self.budget = drops
        self.dropped = 0
        self.loading_commits = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self, drops):
        with self.lock:
            self.budget, self.dropped, self.loading_commits = drops, 0, 0

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            state = {"loading": False, "drop": False, "tail": b""}
            threading.Thread(target=self._client_to_server, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._server_to_client, args=(server, client, state), daemon=True).start()

    def _client_to_server(self, client, server, state):
        try:
            while data := client.recv(1 << 16):
                seen = state["tail"] + data
                state["tail"] = data[-64:]
                if not state["loading"] and self.LOAD.search(seen):
                    state["loading"] = True
                if state["loading"] and self.COMMIT.search(data):  # a COMMIT is one small message
                    with self.lock:
                        self.loading_commits += 1
                        if self.budget > 0:
                            self.budget -= 1
                            state["drop"] = True  # before the COMMIT leaves: its answer may come back at once
                server.sendall(data)
        except OSError:
            pass
        _close(client, server)

    def _server_to_client(self, server, client, state):
        try:
            while data := server.recv(1 << 16):
                if state["drop"]:  # the server has answered the COMMIT: it is durable; the client never hears
                    with self.lock:
                        self.dropped += 1
                    break
                client.sendall(data)
        except OSError:
            pass
        _close(client, server)

    def close(self):
        self.listener.close()


def _close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


@pytest.fixture(scope="module")
def retry_engine(workdir):
    """A warm engine whose master lets every task fail twice (`local[2,3]`)."""
    sock = os.path.join(workdir, "retry-engine.sock")
    proc = subprocess.Popen(spark_submit_cmd("serve", "--socket", sock, master="local[2,3]"), stdout=subprocess.PIPE,
                            stderr=open(os.path.join(workdir, "retry-engine.log"), "w"), text=True, env=spark_env(workdir))
    line = proc.stdout.readline()
    assert line.startswith("DMS-ENGINE-READY "), line
    yield sock
    proc.terminate()
    proc.wait(60)


@pytest.fixture(scope="module")
def retry_src(pg):
    pg_exec(pg, "src", "DROP TABLE IF EXISTS retry_many", "CREATE TABLE retry_many (id int PRIMARY KEY, v text NOT NULL)",
            f"INSERT INTO retry_many SELECT g, 'v' || g FROM generate_series(1, {ROWS}) g")
    return "public.retry_many"


@pytest.fixture(scope="module")
def proxies(pg, maria):
    p = {"postgres": CommitAckDropper(pg["port"], 0), "mysql": CommitAckDropper(maria["port"], 0)}
    yield p
    for x in p.values():
        x.close()


@pytest.mark.parametrize("path", ["bulk", "dataframe"])
@pytest.mark.parametrize("mode", ["append", "overwrite"])
@pytest.mark.parametrize("target", ["postgres", "mysql"])
def test_a_partition_committed_then_retried_is_written_once(retry_engine, proxies, pg, maria, retry_src, tmp_path,
                                                            target, mode, path):
    table = f"retry_{target}_{mode}_{path}"
    values = ", ".join(f"({i}, '{v}')" for i, v in OLD_ROWS)
    if target == "postgres":
        pg_exec(pg, "dst", f"DROP TABLE IF EXISTS {table}", f"CREATE TABLE {table} (id int, v text)",
                f"INSERT INTO {table} VALUES {values}")
        tconf = pg_conf(pg, database="dst", table=table, mode=mode, port=proxies[target].port)
        rows = lambda: sorted(tuple(r) for r in pg_exec(pg, "dst", f"SELECT id, v FROM {table}", fetch=True))
    else:
        my_exec(maria, f"DROP TABLE IF EXISTS dst.{table}", f"CREATE TABLE dst.{table} (id int, v varchar(20))",
                f"INSERT INTO dst.{table} VALUES {values}")
        tconf = my_conf(maria, table=table, mode=mode, port=proxies[target].port)
        rows = lambda: sorted(tuple(r) for r in my_exec(maria, f"SELECT id, v FROM dst.{table}", fetch=True))
    proxy = proxies[target]
    proxy.reset(drops=2)
    spec = make_spec("postgres", pg_conf(pg, table=retry_src), target, tconf, parallelism=PARTITIONS,
                     validation="none", path="auto" if path == "bulk" else "dataframe")
    client = EngineClient(retry_engine)
    client.send({"spec": write_spec(tmp_path, spec)})
    events = client.events()
    client.close()
    assert events[-1]["event"] == "result" and events[-1]["state"] == "succeeded", events[-1]
    plan = by_type(events, "plan")[0]["tables"][0]
    assert plan["path"] == path
    if path == "bulk":
        assert plan["splits"] == PARTITIONS
    # two loads were committed and their tasks told they failed; Spark ran them again
    assert proxy.dropped == 2
    retried = [e["message"] for e in by_type(events, "log") if "attempt" in e["message"]]
    assert len(retried) == 1, by_type(events, "log")
    ids = re.search(r"(?:split|partition)\(s\) ([0-9, ]+) had been", retried[0]).group(1).split(", ")
    if path == "bulk":
        # a retried split finds its ledger row and loads nothing: the two lost commits were two splits
        assert len(ids) == 2 and proxy.loading_commits == PARTITIONS
    else:
        # a retried partition loads again into the landing table; one copy of each is kept
        assert 1 <= len(ids) <= 2 and proxy.loading_commits == PARTITIONS + 2
    expected = [(i, f"v{i}") for i in range(1, ROWS + 1)] + (OLD_ROWS if mode == "append" else [])
    got = rows()
    assert len(got) == len(set(got)) and len({r[0] for r in got}) == len(got), "duplicate keys in the target"
    assert got == sorted(expected)
    done = by_type(events, "table_done")[0]
    assert done["rows_written"] == ROWS
    if target == "postgres":
        assert not pg_exec(pg, "dst", "SELECT tablename FROM pg_tables WHERE tablename LIKE 'dms_stg%'", fetch=True)
    else:
        assert not my_exec(maria, "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'dms_stg%'",
                           fetch=True)
