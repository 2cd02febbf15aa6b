"""The event stream: one JSON object per line, every secret scrubbed out."""
import json
import threading
import time
from urllib.parse import quote, quote_plus


class Scrubber:
    """Replaces every secret value (and its common encodings) with ********."""

    def __init__(self, secrets=()):
        forms = set()
        for s in secrets:
            if not isinstance(s, str) or s == "":
                continue
            forms.add(s)
            forms.add(json.dumps(s)[1:-1])
            forms.add(quote(s, safe=""))
            forms.add(quote_plus(s))
            forms.add(json.dumps(json.dumps(s)[1:-1])[1:-1])
        # longest first so that a secret containing another is replaced whole
        self.forms = sorted((f for f in forms if f), key=len, reverse=True)

    def add(self, secrets):
        merged = Scrubber(list(self.forms) + list(secrets))
        self.forms = merged.forms

    def __call__(self, text):
        if text is None:
            return text
        text = str(text)
        for f in self.forms:
            if f in text:
                text = text.replace(f, "********")
        return text


class Emitter:
    """Writes events through `write_line(str)`; thread-safe; never lets a secret through."""

    def __init__(self, write_line, scrubber=None, prefix=""):
        self._write = write_line
        self.scrub = scrubber or Scrubber()
        self.prefix = prefix
        self._lock = threading.Lock()
        self.closed = False
        self.history = []  # (event, payload) for callers that want to look back

    def emit(self, event, **fields):
        payload = {"event": event, "time": round(time.time(), 3)}
        payload.update(fields)
        line = self.scrub(json.dumps(payload, default=str, ensure_ascii=False, sort_keys=False))
        with self._lock:
            self.history.append(json.loads(line))
            if self.closed:
                return
            try:
                self._write(self.prefix + line)
            except (BrokenPipeError, ConnectionError, OSError, ValueError):
                self.closed = True

    def log(self, level, message):
        self.emit("log", level=level, message=str(message))
