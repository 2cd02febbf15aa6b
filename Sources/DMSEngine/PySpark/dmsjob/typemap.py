"""Column types: read from the source's catalog into a neutral form, written as target DDL.

Neutral kinds: smallint, int, bigint, decimal(p,s), numeric (unbounded), real, double, bool,
text (length None = unbounded), char(n), date, time, timestamp(p), timestamptz(p), json, uuid,
binary. Anything else maps to text (documented in README.md, "Types").
"""
from dataclasses import dataclass, field


@dataclass
class Column:
    name: str
    kind: str
    nullable: bool = True
    length: int = None       # text/char length
    precision: int = None    # decimal precision or fractional-second digits
    scale: int = None
    native: str = ""         # the source's own type name, for messages

    def renamed(self, new):
        return Column(new, self.kind, self.nullable, self.length, self.precision, self.scale, self.native)


@dataclass
class TableShape:
    columns: list
    primary_key: list = field(default_factory=list)

    def names(self):
        return [c.name for c in self.columns]


# ---- from catalogs -------------------------------------------------------------------------

def from_postgres(name, data_type, udt, char_len, num_prec, num_scale, dt_prec, nullable):
    dt = (data_type or "").lower()
    udt = (udt or "").lower()
    k = dict(name=name, nullable=nullable, native=udt or dt)
    if dt == "smallint":
        return Column(kind="smallint", **k)
    if dt == "integer":
        return Column(kind="int", **k)
    if dt == "bigint":
        return Column(kind="bigint", **k)
    if dt == "numeric":
        if num_prec is None:
            return Column(kind="numeric", **k)
        return Column(kind="decimal", precision=num_prec, scale=num_scale or 0, **k)
    if dt == "real":
        return Column(kind="real", **k)
    if dt == "double precision":
        return Column(kind="double", **k)
    if dt == "boolean":
        return Column(kind="bool", **k)
    if dt == "character varying":
        return Column(kind="text", length=char_len, **k)
    if dt == "character":
        return Column(kind="char", length=char_len or 1, **k)
    if dt == "text":
        return Column(kind="text", **k)
    if dt == "date":
        return Column(kind="date", **k)
    if dt.startswith("time") and "stamp" not in dt:
        return Column(kind="time", precision=dt_prec, **k)
    if dt == "timestamp without time zone":
        return Column(kind="timestamp", precision=6 if dt_prec is None else dt_prec, **k)
    if dt == "timestamp with time zone":
        return Column(kind="timestamptz", precision=6 if dt_prec is None else dt_prec, **k)
    if udt in ("json", "jsonb"):
        return Column(kind="json", **{**k, "native": udt})
    if udt == "uuid":
        return Column(kind="uuid", **k)
    if dt == "bytea":
        return Column(kind="binary", **k)
    return Column(kind="text", **k)


def from_mysql(name, data_type, column_type, char_len, num_prec, num_scale, dt_prec, nullable, is_json=False):
    dt = (data_type or "").lower()
    ct = (column_type or "").lower()
    k = dict(name=name, nullable=nullable, native=ct or dt)
    unsigned = "unsigned" in ct
    if is_json or dt == "json":
        return Column(kind="json", **k)
    if dt == "tinyint":
        if ct.startswith("tinyint(1)"):
            return Column(kind="bool", **k)
        return Column(kind="smallint", **k)
    if dt == "smallint":
        return Column(kind="int" if unsigned else "smallint", **k)
    if dt in ("mediumint", "int", "integer"):
        return Column(kind="bigint" if unsigned and dt != "mediumint" else "int", **k)
    if dt == "bigint":
        if unsigned:
            return Column(kind="decimal", precision=20, scale=0, **k)
        return Column(kind="bigint", **k)
    if dt == "decimal":
        return Column(kind="decimal", precision=num_prec, scale=num_scale or 0, **k)
    if dt == "float":
        return Column(kind="real", **k)
    if dt == "double":
        return Column(kind="double", **k)
    if dt == "bit" and ct == "bit(1)":
        return Column(kind="bool", **k)
    if dt in ("varchar",):
        return Column(kind="text", length=char_len, **k)
    if dt == "char":
        return Column(kind="char", length=char_len or 1, **k)
    if dt in ("text", "tinytext", "mediumtext", "longtext", "enum", "set"):
        return Column(kind="text", **k)
    if dt == "date":
        return Column(kind="date", **k)
    if dt == "time":
        return Column(kind="time", precision=dt_prec, **k)
    if dt == "datetime":
        return Column(kind="timestamp", precision=dt_prec or 0, **k)
    if dt == "timestamp":
        return Column(kind="timestamptz", precision=dt_prec or 0, **k)
    if dt in ("binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob"):
        return Column(kind="binary", **k)
    if dt == "uuid":  # MariaDB 10.7+
        return Column(kind="uuid", **k)
    return Column(kind="text", **k)


def from_sqlite(name, decl, notnull):
    d = (decl or "").upper()
    k = dict(name=name, nullable=not notnull, native=decl or "")
    if "INT" in d:
        return Column(kind="bigint", **k)
    if "DEC" in d or "NUMERIC" in d:
        import re
        m = re.search(r"\((\d+)\s*,\s*(\d+)\)", d)
        if m:
            return Column(kind="decimal", precision=int(m.group(1)), scale=int(m.group(2)), **k)
        return Column(kind="numeric", **k)
    if any(x in d for x in ("CHAR", "CLOB", "TEXT")):
        return Column(kind="text", **k)
    if "BLOB" in d or d == "":
        return Column(kind="binary" if "BLOB" in d else "text", **k)
    if any(x in d for x in ("REAL", "FLOA", "DOUB")):
        return Column(kind="double", **k)
    if "BOOL" in d:
        return Column(kind="bool", **k)
    if "DATETIME" in d or "TIMESTAMP" in d:
        return Column(kind="timestamp", precision=6, **k)
    if "DATE" in d:
        return Column(kind="date", **k)
    return Column(kind="text", **k)


def from_spark(f):
    """A neutral column from a Spark StructField (sources without a catalog: files, queries)."""
    from pyspark.sql import types as T
    t = f.dataType
    k = dict(name=f.name, nullable=f.nullable, native=t.simpleString())
    if isinstance(t, T.ByteType) or isinstance(t, T.ShortType):
        return Column(kind="smallint", **k)
    if isinstance(t, T.IntegerType):
        return Column(kind="int", **k)
    if isinstance(t, T.LongType):
        return Column(kind="bigint", **k)
    if isinstance(t, T.DecimalType):
        return Column(kind="decimal", precision=t.precision, scale=t.scale, **k)
    if isinstance(t, T.FloatType):
        return Column(kind="real", **k)
    if isinstance(t, T.DoubleType):
        return Column(kind="double", **k)
    if isinstance(t, T.BooleanType):
        return Column(kind="bool", **k)
    if isinstance(t, T.DateType):
        return Column(kind="date", **k)
    if isinstance(t, T.TimestampNTZType):
        return Column(kind="timestamp", precision=6, **k)
    if isinstance(t, T.TimestampType):
        return Column(kind="timestamptz", precision=6, **k)
    if isinstance(t, T.BinaryType):
        return Column(kind="binary", **k)
    return Column(kind="text", **k)


# ---- to target DDL -------------------------------------------------------------------------

def postgres_type(c):
    k = c.kind
    if k == "smallint": return "smallint"
    if k == "int": return "integer"
    if k == "bigint": return "bigint"
    if k == "decimal": return f"numeric({c.precision},{c.scale})"
    if k == "numeric": return "numeric"
    if k == "real": return "real"
    if k == "double": return "double precision"
    if k == "bool": return "boolean"
    if k == "text": return f"varchar({c.length})" if c.length else "text"
    if k == "char": return f"char({c.length})"
    if k == "date": return "date"
    if k == "time": return "time"
    if k == "timestamp": return f"timestamp({min(c.precision if c.precision is not None else 6, 6)})"
    if k == "timestamptz": return f"timestamptz({min(c.precision if c.precision is not None else 6, 6)})"
    if k == "json": return "json" if c.native == "json" else "jsonb"
    if k == "uuid": return "uuid"
    if k == "binary": return "bytea"
    return "text"


def mysql_type(c, in_key=False):
    k = c.kind
    if k == "smallint": return "SMALLINT"
    if k == "int": return "INT"
    if k == "bigint": return "BIGINT"
    if k == "decimal": return f"DECIMAL({min(c.precision, 65)},{min(c.scale, 30)})"
    if k == "numeric": return "DECIMAL(65,30)"
    # FLOAT refuses PostgreSQL's largest reals (3.40282347e+38 > 3.402823466e+38): DOUBLE holds every real exactly
    if k in ("real", "double"): return "DOUBLE"
    if k == "bool": return "BOOLEAN"
    if k == "text":
        if c.length and c.length <= 16383:
            return f"VARCHAR({c.length})"
        return "VARCHAR(768)" if in_key else "LONGTEXT"
    if k == "char": return f"CHAR({c.length})" if c.length <= 255 else "LONGTEXT"
    if k == "date": return "DATE"
    if k == "time": return "TIME(6)"
    # MariaDB TIMESTAMP only holds 1970-2038: both map to DATETIME(6), in UTC for timestamptz
    if k in ("timestamp", "timestamptz"):
        p = 6 if c.precision is None else min(c.precision, 6)
        return f"DATETIME({p})"
    if k == "json": return "JSON"
    if k == "uuid": return "CHAR(36)"
    if k == "binary": return "VARBINARY(3072)" if in_key else "LONGBLOB"
    return "LONGTEXT"


def sqlite_type(c):
    k = c.kind
    if k in ("smallint", "int", "bigint"): return "INTEGER"
    if k in ("real", "double"): return "REAL"
    # TEXT affinity (the name holds TEXT): NUMERIC affinity would turn 38-digit values into lossy REALs
    if k == "decimal": return f"DECIMAL_TEXT({c.precision},{c.scale})"
    if k == "numeric": return "NUMERIC_TEXT"
    if k == "bool": return "BOOLEAN"
    if k == "binary": return "BLOB"
    if k == "date": return "DATE"
    if k in ("timestamp", "timestamptz"): return "TIMESTAMP"
    return "TEXT"


def ddl_type(dialect, c, in_key=False):
    if dialect == "postgres":
        return postgres_type(c)
    if dialect == "mysql":
        return mysql_type(c, in_key)
    if dialect == "sqlite":
        return sqlite_type(c)
    raise ValueError(dialect)
