"""The lifeline (README.md "Lifeline"): the program ends by itself when dmsd or its parent is gone.

dmsd starts spark-submit with a pipe as stdin whose write end only dmsd holds, and says so with
`DMS_LIFELINE=stdin`. When dmsd dies, even by SIGKILL, the kernel closes that end and a read of the
pipe returns end-of-file: the program then cancels its Spark jobs and exits, so that no Spark
application keeps writing unseen. Without the variable (a run by hand) stdin is left alone.
"""
import os
import stat
import sys
import threading
import time

ENV = "DMS_LIFELINE"
EXIT_ORPHANED = 5
# The best-effort stop's time: a cancel ends the run's PostgreSQL sessions server-side, twice, 1 s apart.
GRACE_S = 2.0
PARENT_POLL_S = 1.0
_lost = threading.Event()


def lost():
    """Whether the process is ending because its lifeline or parent is gone (exit EXIT_ORPHANED)."""
    return _lost.is_set()


def open_lifeline():
    """A new descriptor for the read end of dmsd's lifeline; None without `DMS_LIFELINE=stdin` or
    when the lifeline is not a pipe (a terminal, /dev/null: a read would say nothing true).

    spark-submit's JVM runs this program with a pipe of its own as stdin (and sets
    PYSPARK_GATEWAY_PORT): the lifeline is then the JVM's stdin, which the same user may open
    through /proc. Started by dmsd directly, it is this program's own stdin.
    """
    if os.environ.get(ENV) != "stdin":
        return None
    try:
        if os.environ.get("PYSPARK_GATEWAY_PORT"):
            fd = os.open(f"/proc/{os.getppid()}/fd/0", os.O_RDONLY | os.O_CLOEXEC)
        else:
            fd = os.dup(0)
    except OSError as e:
        _say(f"{ENV}=stdin but the lifeline cannot be opened ({e}): only the parent process is watched")
        return None
    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        os.close(fd)
        _say(f"{ENV}=stdin but stdin is not a pipe: only the parent process is watched")
        return None
    return fd


def watch(stop):
    """Ends the process when the lifeline closes (if there is one) or the parent process changes
    (spark-submit's JVM died): says why on stderr, runs `stop()` (the mode's cancel of its runs) and
    cancels every Spark job for at most GRACE_S seconds, then exits EXIT_ORPHANED."""
    parent = os.getppid()
    ending = threading.Lock()

    def end(why):
        if not ending.acquire(blocking=False):
            return
        _lost.set()
        _say(f"{why}: cancelling every Spark job and exiting")
        deadline = time.monotonic() + GRACE_S
        threading.Thread(target=_cancel_everything, args=(stop,), daemon=True).start()
        time.sleep(max(0.0, deadline - time.monotonic()))
        # os._exit skips atexit: remove the package zips this process shipped here
        session = sys.modules.get("dmsjob.session")
        if session is not None:
            try:
                session.remove_shipped_packages()
            except Exception:  # noqa: BLE001 - leaving anyway
                pass
        os._exit(EXIT_ORPHANED)

    fd = open_lifeline()
    if fd is not None:
        def read_lifeline():
            while True:
                try:
                    if not os.read(fd, 4096):
                        break
                except OSError:
                    break
            end("dmsd is gone (its lifeline, stdin, closed)")

        threading.Thread(target=read_lifeline, name="dms-lifeline", daemon=True).start()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        end(f"the parent process {parent} is gone")

    threading.Thread(target=watch_parent, name="dms-parent", daemon=True).start()


def _cancel_everything(stop):
    try:
        stop()
    except Exception:  # noqa: BLE001 - best effort: the process ends anyway
        pass
    pyspark = sys.modules.get("pyspark")
    sc = getattr(getattr(pyspark, "SparkContext", None), "_active_spark_context", None)
    if sc is not None:
        try:
            sc.cancelAllJobs()
        except Exception:  # noqa: BLE001
            pass


def _say(text):
    try:
        sys.stderr.write(f"[dms] {text}\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - stderr may be gone with dmsd
        pass
