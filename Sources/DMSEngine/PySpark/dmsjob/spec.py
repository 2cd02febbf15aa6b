"""Loading and validating the job spec (format: ../README.md, "Job spec").

Every error names the field (e.g. `source.conf.port`) and the reason. The spec holds secrets in
clear: it is never printed; `secrets_of(spec)` lists every secret value so that the emitter can
scrub them.
"""
import json
import os
import re

from .errors import SpecError

SPEC_VERSION = 1
CONNECTOR_TYPES = ("postgres", "mysql", "sqlite", "jdbc", "file", "hive")
DATABASE_TYPES = ("postgres", "mysql", "sqlite", "jdbc")

# field -> (kind, extra) ; kinds: str, int, bool, list (of non-empty strings), map (str->str), enum
_STR = ("str", None)
_NESTR = ("nestr", None)

CONNECTION_FIELDS = {
    ("postgres", 1): {"host": _NESTR, "port": ("int", (1, 65535)), "database": _NESTR, "user": _NESTR,
                      "password": _STR,
                      "sslmode": ("enum", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])},
    ("postgres", 2): {"host": _NESTR, "port": ("int", (1, 65535)), "database": _NESTR, "user": _NESTR,
                      "password": _STR,
                      "ssl_mode": ("enum", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]),
                      "ssl_root_cert": _NESTR, "connect_timeout_seconds": ("int", (1, None)),
                      "application_name": ("str", 63)},
    ("mysql", 1): {"host": _NESTR, "port": ("int", (1, 65535)), "database": _NESTR, "user": _NESTR,
                   "password": _STR, "properties": ("map", None), "flavor": ("enum", ["mysql", "mariadb"])},
    ("sqlite", 1): {"path": _NESTR},
    ("jdbc", 1): {"url": ("pattern", r"^jdbc:"), "driver_class": ("pattern", r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$"),
                  "driver_jar": _NESTR, "driver_coordinates": ("pattern", r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$"),
                  "user": _NESTR, "password": _STR, "properties": ("map", None)},
    ("file", 1): {"format": ("enum", ["csv", "json", "orc", "parquet"]),
                  "path": ("pattern", r"^(/|[A-Za-z][A-Za-z0-9+.-]*:/)"), "options": ("map", None)},
    ("hive", 1): {"metastore_uri": _STR, "database": _NESTR, "warehouse_dir": _NESTR},
}
REQUIRED_CONNECTION = {
    "postgres": ["host", "database", "user"], "mysql": ["host", "user"], "sqlite": ["path"],
    "jdbc": ["url", "driver_class"], "file": ["format", "path"], "hive": [],
}

DB_SOURCE = {"table": _NESTR, "tables": ("list", None), "query": _NESTR, "columns": ("list", None),
             "exclude_columns": ("list", None), "rename": ("map", None), "filter": _NESTR,
             "cursor_column": _NESTR, "partition_column": _NESTR, "num_partitions": ("int", (1, 1024)),
             "lower_bound": ("int", (None, None)), "upper_bound": ("int", (None, None)),
             "fetch_size": ("int", (1, None))}
DB_TARGET = {"table": _NESTR, "mode": ("enum", ["append", "overwrite", "create_if_missing", "error_if_exists", "upsert"]),
             "key_columns": ("list", None), "batch_size": ("int", (1, None)), "create_table": ("bool", None)}
FILE_SOURCE = {"columns": ("list", None), "filter": _NESTR}
FILE_TARGET = {"mode": ("enum", ["append", "overwrite", "error_if_exists"]), "partition_by": ("list", None),
               "compression": _NESTR}
HIVE_SOURCE = {"table": _NESTR, "tables": ("list", None), "query": _NESTR, "columns": ("list", None), "filter": _NESTR}
HIVE_TARGET = {"table": _NESTR, "mode": ("enum", ["append", "overwrite", "error_if_exists"]),
               "partition_by": ("list", None), "format": ("enum", ["avro", "orc", "parquet", "textfile"])}

SOURCE_FIELDS = {t: DB_SOURCE for t in DATABASE_TYPES}
SOURCE_FIELDS.update({"file": FILE_SOURCE, "hive": HIVE_SOURCE})
TARGET_FIELDS = {t: DB_TARGET for t in DATABASE_TYPES}
TARGET_FIELDS.update({"file": FILE_TARGET, "hive": HIVE_TARGET})

SECRET_KEY = re.compile(r"(password|passwd|secret|token|credential|access[._-]?key|private[._-]?key)", re.I)


def _check_field(path, value, kind, extra):
    if kind in ("str", "nestr"):
        if not isinstance(value, str):
            raise SpecError(path, "must be a string")
        if kind == "nestr" and value == "":
            raise SpecError(path, "must not be empty")
        if kind == "str" and isinstance(extra, int) and len(value) > extra:
            raise SpecError(path, f"must be at most {extra} characters")
    elif kind == "pattern":
        if not isinstance(value, str) or not re.search(extra, value):
            raise SpecError(path, f"must be a string matching {extra}")
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(path, "must be an integer")
        lo, hi = extra
        if lo is not None and value < lo:
            raise SpecError(path, f"must be at least {lo}")
        if hi is not None and value > hi:
            raise SpecError(path, f"must be at most {hi}")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise SpecError(path, "must be true or false")
    elif kind == "enum":
        if value not in extra:
            raise SpecError(path, "must be one of " + ", ".join(extra))
    elif kind == "list":
        if not isinstance(value, list) or not value:
            raise SpecError(path, "must be a non-empty list of strings")
        for i, v in enumerate(value):
            if not isinstance(v, str) or not v:
                raise SpecError(f"{path}[{i}]", "must be a non-empty string")
        if len(set(value)) != len(value):
            raise SpecError(path, "must not repeat an item")
    elif kind == "map":
        if not isinstance(value, dict):
            raise SpecError(path, "must be an object")
        for k, v in value.items():
            if not isinstance(v, str) or (path.endswith(".rename") and not v):
                raise SpecError(f"{path}.{k}", "must be a non-empty string" if path.endswith(".rename") else "must be a string")


def _check_conf(side, ctype, version, conf):
    base = f"{side}.conf"
    if not isinstance(conf, dict):
        raise SpecError(base, "must be an object")
    key = (ctype, version)
    if key not in CONNECTION_FIELDS:
        raise SpecError(f"{side}.version", f"version {version} of connector {ctype} is not known")
    allowed = dict(CONNECTION_FIELDS[key])
    allowed.update((SOURCE_FIELDS if side == "source" else TARGET_FIELDS)[ctype])
    if ctype == "file":  # sources and targets may override path and options
        pass
    for name in conf:
        if name not in allowed:
            raise SpecError(f"{base}.{name}", "is not a field of this connector")
    for name, (kind, extra) in allowed.items():
        if name in conf:
            _check_field(f"{base}.{name}", conf[name], kind, extra)
    for name in REQUIRED_CONNECTION[ctype]:
        if name not in conf:
            raise SpecError(f"{base}.{name}", "is required")
    if ctype == "jdbc" and "driver_jar" in conf and "driver_coordinates" in conf:
        raise SpecError(f"{base}.driver_coordinates", "cannot be combined with driver_jar")
    if side == "source" and ctype in DATABASE_TYPES + ("hive",):
        chosen = [k for k in ("table", "tables", "query") if k in conf]
        if len(chosen) != 1:
            raise SpecError(f"{base}.table", "exactly one of table, tables or query is required"
                            + (f" (got {', '.join(chosen)})" if chosen else ""))
        if "columns" in conf and "exclude_columns" in conf:
            raise SpecError(f"{base}.exclude_columns", "cannot be combined with columns")
        if "num_partitions" in conf and "partition_column" not in conf:
            raise SpecError(f"{base}.num_partitions", "requires partition_column")
        for b, other in (("lower_bound", "upper_bound"), ("upper_bound", "lower_bound")):
            if b in conf and ("partition_column" not in conf or other not in conf):
                raise SpecError(f"{base}.{b}", f"requires partition_column and {other}")
        if "lower_bound" in conf and conf["lower_bound"] > conf["upper_bound"]:
            raise SpecError(f"{base}.lower_bound", "must not exceed upper_bound")
    if side == "target" and ctype in DATABASE_TYPES:
        if conf.get("mode") == "upsert" and "key_columns" not in conf:
            raise SpecError(f"{base}.key_columns", "is required when mode is upsert")
    if side == "target" and ctype == "jdbc" and conf.get("mode", "append") not in ("append", "overwrite"):
        raise SpecError(f"{base}.mode", "a generic JDBC target supports append and overwrite only")


def validate(spec):
    """Validates a parsed spec in place (fills defaults); raises SpecError."""
    if not isinstance(spec, dict):
        raise SpecError("spec", "must be a JSON object")
    known = {"spec_version", "run", "source", "target", "options", "cursors"}
    for k in spec:
        if k not in known:
            raise SpecError(k, "is not a field of the job spec")
    if spec.get("spec_version") != SPEC_VERSION:
        raise SpecError("spec_version", f"must be {SPEC_VERSION}")
    run = spec.get("run")
    if not isinstance(run, dict):
        raise SpecError("run", "is required and must be an object")
    for k in run:
        if k not in ("id", "job_id", "job_name", "namespace", "attempt"):
            raise SpecError(f"run.{k}", "is not a field of run")
    if not isinstance(run.get("id"), str) or not run["id"]:
        raise SpecError("run.id", "is required and must be a non-empty string")
    for k in ("job_id", "job_name", "namespace"):
        if k in run and not isinstance(run[k], str):
            raise SpecError(f"run.{k}", "must be a string")
    if "attempt" in run:
        _check_field("run.attempt", run["attempt"], "int", (1, None))
    run.setdefault("attempt", 1)
    for side in ("source", "target"):
        s = spec.get(side)
        if not isinstance(s, dict):
            raise SpecError(side, "is required and must be an object")
        for k in s:
            if k not in ("type", "version", "conf"):
                raise SpecError(f"{side}.{k}", f"is not a field of {side}")
        if s.get("type") not in CONNECTOR_TYPES:
            raise SpecError(f"{side}.type", "must be one of " + ", ".join(CONNECTOR_TYPES))
        if "version" not in s:
            raise SpecError(f"{side}.version", "is required")
        _check_field(f"{side}.version", s["version"], "int", (1, None))
        if "conf" not in s:
            raise SpecError(f"{side}.conf", "is required")
        _check_conf(side, s["type"], s["version"], s["conf"])
    if spec["source"]["type"] == spec["target"]["type"] == "hive":
        for k in ("metastore_uri", "warehouse_dir"):
            if (spec["source"]["conf"].get(k) or None) != (spec["target"]["conf"].get(k) or None):
                raise SpecError(f"target.conf.{k}", "must be the source's: a run has one Hive catalog")
    opts = spec.setdefault("options", {})
    if not isinstance(opts, dict):
        raise SpecError("options", "must be an object")
    for k in opts:
        if k not in ("validation", "parallelism", "dry_run", "path"):
            raise SpecError(f"options.{k}", "is not a field of options")
    opts.setdefault("validation", "count")
    _check_field("options.validation", opts["validation"], "enum", ["none", "count", "checksum"])
    opts.setdefault("parallelism", 1)
    _check_field("options.parallelism", opts["parallelism"], "int", (1, 1024))
    opts.setdefault("path", "auto")
    _check_field("options.path", opts["path"], "enum", ["auto", "dataframe"])
    opts.setdefault("dry_run", False)
    _check_field("options.dry_run", opts["dry_run"], "bool", None)
    cursors = spec.setdefault("cursors", {})
    if not isinstance(cursors, dict):
        raise SpecError("cursors", "must be an object")
    for t, c in cursors.items():
        if not isinstance(c, dict) or not isinstance(c.get("column"), str) or not c["column"]:
            raise SpecError(f"cursors.{t}.column", "is required and must be a non-empty string")
        if not isinstance(c.get("value"), str):
            raise SpecError(f"cursors.{t}.value", "is required and must be a string")
        for k in c:
            if k not in ("column", "value"):
                raise SpecError(f"cursors.{t}.{k}", "is not a field of a cursor")
    sconf, tconf = spec["source"]["conf"], spec["target"]["conf"]
    if "query" in sconf and spec["target"]["type"] in DATABASE_TYPES + ("hive",) and "table" not in tconf:
        raise SpecError("target.conf.table", "is required when the source is a query")
    if spec["source"]["type"] == "file" and spec["target"]["type"] == "hive" and "table" not in tconf:
        raise SpecError("target.conf.table", "is required when the source is a file")
    if "tables" in sconf and "table" in tconf:
        raise SpecError("target.conf.table", "cannot be set when the source reads several tables (each keeps its name)")
    if spec["target"]["type"] in DATABASE_TYPES and tconf.get("mode") == "upsert" and spec["target"]["type"] in ("sqlite", "jdbc"):
        raise SpecError("target.conf.mode", f"upsert is not supported into {spec['target']['type']}")
    return spec


def secrets_of(spec):
    """Every secret value in the spec (passwords, secret-looking properties/options)."""
    out = []

    def walk(obj, key=""):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, k)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, key)
        elif isinstance(obj, str) and key and SECRET_KEY.search(key) and obj:
            out.append(obj)

    if isinstance(spec, dict):
        for side in ("source", "target"):
            s = spec.get(side)
            if isinstance(s, dict):
                walk(s.get("conf"))
        # a password embedded in a JDBC URL (user:pass@ or password=…)
        for side in ("source", "target"):
            conf = (spec.get(side) or {}).get("conf") if isinstance(spec.get(side), dict) else None
            if isinstance(conf, dict) and isinstance(conf.get("url"), str):
                for m in re.finditer(r"(?:password|pwd)=([^&;]+)", conf["url"], re.I):
                    out.append(m.group(1))
                m = re.search(r"//[^/:@]+:([^@/]+)@", conf["url"])
                if m:
                    out.append(m.group(1))
    return out


def load(path):
    """Reads and validates a spec file. Returns (spec, secrets). The raw text is never echoed."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise SpecError("--spec", f"cannot read the spec file: {e.strerror}")
    try:
        spec = json.loads(raw)
    except ValueError as e:
        # do not echo the document: the position is enough
        raise SpecError("spec", f"is not valid JSON (line {getattr(e, 'lineno', '?')}, column {getattr(e, 'colno', '?')})")
    secrets = secrets_of(spec)
    try:
        validate(spec)
    except SpecError as e:
        e.secrets = secrets
        raise
    return spec, secrets
