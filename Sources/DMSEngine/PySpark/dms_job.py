"""DMS Spark job: the program spark-submit runs. Contract: README.md next to this file.

  dms_job.py run   --spec FILE      one run; events on stdout as `DMS-EVENT {json}` lines
  dms_job.py serve --socket PATH    warm engine serving runs on a Unix socket
"""
import argparse
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dmsjob import runner, spec as specmod  # noqa: E402
from dmsjob.errors import SpecError, root_cause  # noqa: E402
from dmsjob.events import Emitter, Scrubber  # noqa: E402

EXIT_OK, EXIT_FAILED, EXIT_SPEC, EXIT_CANCELLED, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _stdout_line(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _session(app_name, hive_conf=None):
    from dmsjob.session import create_session, ship_package
    spark = create_session(app_name=app_name, hive_conf=hive_conf)
    ship_package(spark)
    return spark


def cmd_run(args):
    emitter = Emitter(_stdout_line, Scrubber(), prefix="DMS-EVENT ")
    try:
        spec, secrets = specmod.load(args.spec)
    except SpecError as e:
        emitter.scrub.add(getattr(e, "secrets", []))
        emitter.emit("result", state="failed", error=str(e), cursors={}, duration_ms=0)
        return EXIT_SPEC
    emitter.scrub.add(secrets)
    token = runner.CancelToken()

    def on_signal(signum, frame):
        # py4j calls must not re-enter the main thread's connection: cancel from another thread
        threading.Thread(target=token.cancel, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    parent = os.getppid()

    def watchdog():
        # spark-submit's JVM died under us: cancel what can be cancelled, then leave
        import time
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                threading.Thread(target=token.cancel, daemon=True).start()
                time.sleep(10.0)
                os._exit(EXIT_CANCELLED)

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        from dmsjob import hive
        spark = _session(f"dms-run-{spec['run']['id']}", hive_conf=hive.connection(spec))
    except Exception as e:  # noqa
        emitter.emit("result", state="failed", error="cannot start Spark: " + root_cause(e), cursors={}, duration_ms=0)
        return EXIT_INTERNAL
    result = runner.run_job(spark, spec, emitter, token)
    try:
        spark.stop()
    except Exception:
        pass
    return {"succeeded": EXIT_OK, "failed": EXIT_FAILED, "cancelled": EXIT_CANCELLED}[result["state"]]


def cmd_serve(args):
    from dmsjob.server import Engine
    spark = _session("dms-engine")
    engine = Engine(spark, args.socket)

    def on_signal(signum, frame):
        engine.shutdown()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    parent = os.getppid()
    orphaned = threading.Event()

    def watchdog():
        # spark-submit's JVM is our parent: when it dies (SIGTERM/SIGKILL to spark-submit), stop too
        while not orphaned.wait(1.0):
            if os.getppid() != parent:
                orphaned.set()
                engine.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    print("DMS-ENGINE-READY " + json.dumps({"socket": args.socket, "application_id": spark.sparkContext.applicationId,
                                            "driver_pid": os.getpid()}), flush=True)
    try:
        engine.serve_forever()
    finally:
        engine.close()
        if orphaned.is_set():
            os._exit(EXIT_OK)  # the JVM is gone: spark.stop() would hang
        orphaned.set()
        try:
            spark.stop()
        except Exception:
            pass
    return EXIT_OK


def main(argv=None):
    p = argparse.ArgumentParser(prog="dms_job.py", description="DMS Spark job")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run one job spec")
    r.add_argument("--spec", required=True)
    s = sub.add_parser("serve", help="serve runs on a Unix socket")
    s.add_argument("--socket", required=True)
    args = p.parse_args(argv)
    if args.cmd == "run":
        return cmd_run(args)
    return cmd_serve(args)


if __name__ == "__main__":
    sys.exit(main())
