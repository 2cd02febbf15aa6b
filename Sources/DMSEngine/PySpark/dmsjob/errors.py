"""Errors and root-cause extraction.

Every failure the program reports is one short line: the root cause of a JDBC/Spark/driver
exception (e.g. `password authentication failed for user "app"`), never a stack trace.
Secret scrubbing is applied on top of this by the event emitter.
"""
import re


class DMSError(Exception):
    """A failure with a message that is already fit for the user."""


class SpecError(DMSError):
    """The job spec is invalid; the message names the field."""

    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super().__init__(f"invalid job spec: {field}: {reason}")


class Cancelled(DMSError):
    def __init__(self, msg="run cancelled"):
        super().__init__(msg)


ROOT_MARK = "DMS-" + "ROOT: "  # never written literally, so tracebacks quoting the source do not match
_ROOT_MARK = re.compile(r"DMS-ROOT: ([^\n]*)")
_CAUSED_BY = re.compile(r"Caused by: (?:[\w.$]+(?:Exception|Error)): ([^\n]*)")
_JAVA_EXC_LINE = re.compile(r"^(?:[\w$]+\.)+[\w$]*(?:Exception|Error)(?:: (.*))?$")
_SQLSTATE = re.compile(r"\s*SQLSTATE: \w+\s*$")
_NOISE_PREFIX = re.compile(r"^(?:FATAL|ERROR|PANIC):\s+")
_JDBC_BATCH = re.compile(r"Batch entry \d+ .* was aborted: (.*?)(?:\s+Call getNextException.*)?$", re.S)


def _clean(msg):
    if msg is None:
        return ""
    msg = str(msg).strip()
    found = _ROOT_MARK.findall(msg)
    if found:
        return _SQLSTATE.sub("", found[-1].strip())[:500]
    m = _JDBC_BATCH.search(msg)
    if m:
        msg = m.group(1).strip()
    # first meaningful line only
    for line in msg.splitlines():
        line = line.strip()
        if line:
            msg = line
            break
    m = _JAVA_EXC_LINE.match(msg)
    if m and m.group(1):
        msg = m.group(1).strip()
    msg = _NOISE_PREFIX.sub("", msg)
    msg = _SQLSTATE.sub("", msg)
    # PostgreSQL server messages: keep the message, drop "Where:"/"Detail:" tails on the same line
    return msg[:500]


def _java_root(jexc):
    """Walk a py4j Java throwable to its root cause; returns the message."""
    seen = 0
    cur = jexc
    best = None
    while cur is not None and seen < 30:
        seen += 1
        try:
            msg = cur.getMessage()
        except Exception:
            msg = None
        try:
            nxt_sql = cur.getNextException() if hasattr(cur, "getNextException") else None
        except Exception:
            nxt_sql = None
        if msg:
            best = msg
        if nxt_sql is not None:
            try:
                m2 = nxt_sql.getMessage()
                if m2:
                    best = m2
            except Exception:
                pass
        try:
            nxt = cur.getCause()
        except Exception:
            nxt = None
        if nxt is None or nxt == cur:
            break
        cur = nxt
    return best


def _java_throwable(exc):
    je = getattr(exc, "java_exception", None)
    if je is not None:
        return je
    return getattr(exc, "_origin", None)


def root_cause(exc):
    """One short line describing the root cause of `exc`."""
    if isinstance(exc, DMSError):
        return _clean(str(exc))
    text = None
    # a DMS-ROOT marker anywhere (raised by Python workers) wins
    for candidate in (str(exc), getattr(exc, "desc", None)):
        if candidate and "DMS-ROOT: " in str(candidate):
            return _clean(candidate)
    jt = _java_throwable(exc)
    if jt is not None:
        try:
            text = _java_root(jt)
        except Exception:
            text = None
        if text and "DMS-ROOT: " in text:
            return _clean(text)
    if not text:
        # pyspark captured exceptions carry a message and maybe a JVM stack in desc
        s = str(getattr(exc, "desc", None) or exc)
        causes = _CAUSED_BY.findall(s)
        text = causes[-1] if causes else s
    # psycopg / pymysql
    mod = type(exc).__module__ or ""
    if mod.startswith("pymysql") and getattr(exc, "args", None) and len(exc.args) >= 2:
        text = str(exc.args[1])
    cause = getattr(exc, "__cause__", None)
    if not text and cause is not None:
        return root_cause(cause)
    return _clean(text) or type(exc).__name__
