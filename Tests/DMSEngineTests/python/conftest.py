"""Session fixtures: one PostgreSQL, one MariaDB and one SparkSession for the whole suite.

Everything runs for real on this machine: the servers are started in a private temp directory
on free TCP ports of 127.0.0.1 and stopped at the end.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import glob
import pwd

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PYSPARK_DIR = os.path.join(REPO, "Sources", "DMSEngine", "PySpark")
sys.path.insert(0, PYSPARK_DIR)

PG_PASSWORD = "pg-Secr3t-Zq9"
MY_PASSWORD = "my-Secr3t-Kx7"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port, proc, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


@pytest.fixture(scope="session")
def workdir():
    base = os.environ.get("TMPDIR") or "/tmp"
    d = tempfile.mkdtemp(prefix="dms-enginepy-", dir=base)
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _as_user(user):
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"]


@pytest.fixture(scope="session")
def pg(workdir):
    bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    data = os.path.join(workdir, "pg")
    os.makedirs(data)
    user = "dms-postgres" if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
    if os.geteuid() == 0:
        shutil.chown(data, user, user)
    pwfile = os.path.join(workdir, "pgpw")
    with open(pwfile, "w") as f:
        f.write(PG_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, user, user)
    subprocess.run(_as_user(user) + [f"{bindir}/initdb", "-D", data, "-U", "app", "--pwfile", pwfile,
                                     "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    log = open(os.path.join(workdir, "pg.log"), "w")
    proc = subprocess.Popen(_as_user(user) + [f"{bindir}/postgres", "-D", data, "-p", str(port),
                                              "-h", "127.0.0.1", "-k", data, "-c", "fsync=off",
                                              "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                                              "-c", "max_connections=100"],
                            stdout=log, stderr=log)
    _wait_port(port, proc, "postgres")
    import psycopg
    for _ in range(50):
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user="app", password=PG_PASSWORD,
                                 dbname="postgres", autocommit=True) as c:
                c.execute("CREATE DATABASE src")
                c.execute("CREATE DATABASE dst")
            break
        except psycopg.OperationalError:
            time.sleep(0.2)
    info = {"host": "127.0.0.1", "port": port, "user": "app", "password": PG_PASSWORD}
    yield info
    proc.terminate()
    proc.wait(30)


@pytest.fixture(scope="session")
def maria(workdir):
    data = os.path.join(workdir, "my")
    os.makedirs(data)
    mytmp = os.path.join(workdir, "mytmp")
    os.makedirs(mytmp)
    user = "mysql" if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
    if os.geteuid() == 0:
        shutil.chown(data, user, user)
        shutil.chown(mytmp, user, user)
    subprocess.run(["mariadb-install-db", f"--datadir={data}", f"--user={user}", "--auth-root-authentication-method=normal",
                    f"--tmpdir={mytmp}",
                    "--skip-test-db", "--skip-name-resolve"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": mytmp})
    port = free_port()
    sock = os.path.join(data, "my.sock")
    log = open(os.path.join(workdir, "my.log"), "w")
    proc = subprocess.Popen(["mariadbd", "--no-defaults", f"--datadir={data}", f"--user={user}",
                             f"--port={port}", "--bind-address=127.0.0.1", f"--tmpdir={mytmp}", f"--socket={sock}",
                             f"--pid-file={data}/my.pid", "--skip-name-resolve", "--local-infile=1",
                             "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=256M",
                             "--skip-log-bin", "--max-connections=200"],
                            stdout=log, stderr=log)
    _wait_port(port, proc, "mariadbd")
    import pymysql
    for _ in range(50):
        try:
            c = pymysql.connect(unix_socket=sock, user="root", password="", autocommit=True)
            break
        except pymysql.err.OperationalError:
            time.sleep(0.2)
    with c.cursor() as cur:
        cur.execute("CREATE USER 'app'@'%%' IDENTIFIED BY %s", (MY_PASSWORD,))
        cur.execute("CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY %s", (MY_PASSWORD,))
        cur.execute("GRANT ALL ON *.* TO 'app'@'%' WITH GRANT OPTION")
        cur.execute("GRANT ALL ON *.* TO 'app'@'127.0.0.1' WITH GRANT OPTION")
        cur.execute("CREATE DATABASE src")
        cur.execute("CREATE DATABASE dst")
    c.close()
    yield {"host": "127.0.0.1", "port": port, "user": "app", "password": MY_PASSWORD, "socket": sock}
    proc.terminate()
    proc.wait(30)


@pytest.fixture(scope="session")
def hive_conf(workdir):
    """The hive connection of the in-process session: its embedded metastore is in the workdir."""
    return {"warehouse_dir": os.path.join(workdir, "hive-warehouse")}


@pytest.fixture(scope="session")
def spark(workdir, hive_conf):
    from dmsjob import session as dsession
    # with Hive support (its catalog starts when a test first uses it) so hive runs can go in-process
    s = dsession.create_session(app_name="dms-tests", master="local[2]",
                                extra_jars=[], local_dir=os.path.join(workdir, "spark"), hive_conf=hive_conf)
    dsession.ship_package(s)
    yield s
    s.stop()
