"""DMS Spark job: the program spark-submit runs. Contract: README.md next to this file.

  dms_job.py run   --spec FILE      one run; events on stdout as `DMS-EVENT {json}` lines
  dms_job.py serve --socket PATH    warm engine serving runs on a Unix socket
  dms_job.py probe --spec FILE      a connection test without Spark; one JSON line on stdout
"""
import argparse
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dmsjob import lifeline, spec as specmod  # noqa: E402
from dmsjob.errors import SpecError, root_cause  # noqa: E402
from dmsjob.events import Emitter, Scrubber  # noqa: E402

EXIT_OK, EXIT_FAILED, EXIT_SPEC, EXIT_CANCELLED, EXIT_INTERNAL = 0, 1, 2, 3, 4  # 5: lifeline.EXIT_ORPHANED


def _stdout_line(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _session(app_name, hive_conf=None):
    from dmsjob.session import create_session, ship_package
    spark = create_session(app_name=app_name, hive_conf=hive_conf)
    ship_package(spark)
    return spark


def cmd_run(args):
    from dmsjob import runner  # here, not at the top: a probe needs none of it (0.4 s of imports)
    emitter = Emitter(_stdout_line, Scrubber(), prefix="DMS-EVENT ")
    try:
        spec, secrets = specmod.load(args.spec)
    except SpecError as e:
        emitter.scrub.add(getattr(e, "secrets", []))
        emitter.emit("result", state="failed", error=str(e), cursors={}, duration_ms=0)
        return EXIT_SPEC
    emitter.scrub.add(secrets)
    token = runner.CancelToken(runner.run_label(spec))

    def on_signal(signum, frame):
        # py4j calls must not re-enter the main thread's connection: cancel from another thread
        threading.Thread(target=token.cancel, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    lifeline.watch(token.cancel)  # dmsd or spark-submit's JVM gone: cancel, then leave
    try:
        from dmsjob import hive
        spark = _session(runner.run_label(spec), hive_conf=hive.connection(spec))
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
    engine = None

    def abandon():
        # dmsd or spark-submit's JVM gone: cancel every run, leave no socket behind
        if engine is not None:
            engine.cancel_all()
        try:
            os.unlink(args.socket)
        except OSError:
            pass

    lifeline.watch(abandon)
    spark = _session("dms-engine")
    engine = Engine(spark, args.socket)

    def on_signal(signum, frame):
        engine.shutdown()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("DMS-ENGINE-READY " + json.dumps({"socket": args.socket, "application_id": spark.sparkContext.applicationId,
                                            "driver_pid": os.getpid()}), flush=True)
    try:
        engine.serve_forever()
    finally:
        engine.close()
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
    t = sub.add_parser("probe", help="test a connection (no Spark)")
    t.add_argument("--spec", required=True)
    args = p.parse_args(argv)
    if args.cmd == "probe":
        from dmsjob import probe
        return probe.main(args.spec)
    code = cmd_run(args) if args.cmd == "run" else cmd_serve(args)
    # a cancelled run may end by itself within the lifeline's grace: say why it ended all the same
    return lifeline.EXIT_ORPHANED if lifeline.lost() else code


if __name__ == "__main__":
    sys.exit(main())
