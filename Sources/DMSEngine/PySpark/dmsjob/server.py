"""The warm engine: a long-lived driver serving runs on a Unix socket (README.md "Warm engine")."""
import json
import os
import socket
import socketserver
import threading

from .events import Emitter, Scrubber
from .errors import SpecError, root_cause
from . import runner, spec as specmod
from .session import apply_sql_conf, remove_shipped_packages

MAX_LINE = 1 << 16


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        engine = self.server.engine
        sock = self.request
        wlock = threading.Lock()

        def write_line(line):
            with wlock:
                sock.sendall(line.encode("utf-8") + b"\n")

        emitter = Emitter(write_line, Scrubber())
        try:
            first = self.rfile.readline(MAX_LINE)
        except OSError:
            return
        if not first:
            return
        try:
            req = json.loads(first)
            if not isinstance(req, dict) or not isinstance(req.get("spec"), str):
                raise ValueError
        except ValueError:
            emitter.emit("result", state="failed", error='invalid request: expected one JSON line {"spec": "FILE"}',
                         cursors={}, duration_ms=0)
            return
        try:
            spec, secrets = specmod.load(req["spec"])
        except SpecError as e:
            emitter.scrub.add(getattr(e, "secrets", []))
            emitter.emit("result", state="failed", error=str(e), cursors={}, duration_ms=0)
            return
        emitter.scrub.add(secrets)
        token = runner.CancelToken(runner.run_label(spec))
        engine.register(token)
        result = {}

        def run():
            try:
                session = engine.spark.newSession()
                apply_sql_conf(session)
                result.update(runner.run_job(session, spec, emitter, token))
            except BaseException as e:  # noqa - never take the server down
                emitter.emit("result", state="failed", error=root_cause(e), cursors={}, duration_ms=0)

        from pyspark import InheritableThread
        t = InheritableThread(target=run, daemon=True)
        t.start()

        def reader():
            try:
                while True:
                    line = self.rfile.readline(MAX_LINE)
                    if not line:
                        token.cancel()  # the client went away
                        return
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(msg, dict) and msg.get("cancel"):
                        token.cancel()
            except (OSError, ValueError):
                token.cancel()

        rt = threading.Thread(target=reader, daemon=True)
        rt.start()
        t.join()
        engine.unregister(token)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    allow_reuse_address = True


class Engine:
    def __init__(self, spark, path):
        self.spark = spark
        self.path = path
        self.tokens = set()
        self.lock = threading.Lock()
        if os.path.exists(path):
            os.unlink(path)
        old = os.umask(0o177)
        try:
            self.server = _Server(path, _Handler)
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
        self.server.engine = self

    def register(self, t):
        with self.lock:
            self.tokens.add(t)

    def unregister(self, t):
        with self.lock:
            self.tokens.discard(t)

    def cancel_all(self):
        with self.lock:
            for t in list(self.tokens):
                t.cancel()

    def serve_forever(self):
        self.server.serve_forever(poll_interval=0.2)

    def shutdown(self):
        self.cancel_all()
        threading.Thread(target=self.server.shutdown, daemon=True).start()

    def close(self):
        """Stops serving: the socket file goes, and so does the package zip the session shipped
        (the driver may end with a hard exit next, which runs no exit handlers)."""
        self.server.server_close()
        try:
            os.unlink(self.path)
        except OSError:
            pass
        remove_shipped_packages()
