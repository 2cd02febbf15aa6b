"""What a run reads: the list of source tables, their selected columns and the SQL that reads them.

A `SourceTable` describes one table of the run: the reference (or query/path), the selected and
renamed columns, the row predicate (filter + cursor range) and how the read is split.
"""
from dataclasses import dataclass, field
import os

from .connectors import Database, TableRef
from .errors import DMSError
from . import typemap


@dataclass
class SourceTable:
    name: str                    # the name events use: "public.orders", "query", or the file path
    ref: TableRef = None         # database table, or None
    query: str = None            # source query, or None
    path: str = None             # file source path
    shape: typemap.TableShape = None   # selected columns with SOURCE names (None: unknown, e.g. generic JDBC)
    rename: dict = field(default_factory=dict)
    filter: str = None
    cursor_column: str = None
    cursor_value: str = None     # previous high-water mark (None: first run)
    cursor_new: str = None       # high-water mark of this run (None: no rows)

    def out_name(self, col):
        return self.rename.get(col, col)

    def target_shape(self, key_columns=None):
        """The shape written: selected columns, renamed; the PK kept if all its columns are kept."""
        if self.shape is None:
            return None
        cols = [c.renamed(self.out_name(c.name)) for c in self.shape.columns]
        names = {c.name for c in self.shape.columns}
        pk = [self.out_name(c) for c in self.shape.primary_key] if all(c in names for c in self.shape.primary_key) else []
        if key_columns and not pk:
            pk = list(key_columns)
        if pk:
            for c in cols:
                if c.name in pk:
                    c.nullable = False
        return typemap.TableShape(cols, pk)


def literal(db, col, value):
    """`value` (a cursor string) as an SQL literal for column `col` of database `db`."""
    if col is not None and col.kind in ("smallint", "int", "bigint", "decimal", "numeric", "real", "double"):
        try:
            float(value)
        except ValueError:
            raise DMSError(f"cursor value {value!r} is not a number but {col.name} is numeric")
        return str(value)
    v = str(value).replace("'", "''")
    if db.dialect == "mysql":
        v = v.replace("\\", "\\\\")
    return f"'{v}'"


def select_sql(db, st, extra_where=None, columns_sql=None):
    """The SELECT that reads one source table with its predicate (SQL of the source's dialect)."""
    if st.shape is not None:
        cols = columns_sql or ", ".join(db.q(c.name) for c in st.shape.columns)
    else:
        cols = columns_sql or "*"
    frm = db.qt(st.ref) if st.ref is not None else f"({st.query}) dms_q"
    where = predicates(db, st) + ([extra_where] if extra_where else [])
    return f"SELECT {cols} FROM {frm}" + (" WHERE " + " AND ".join(where) if where else "")


def predicates(db, st):
    where = []
    if st.filter:
        where.append(f"({st.filter})")
    if st.cursor_column:
        col = _col(st, st.cursor_column)
        qc = db.q(st.cursor_column)
        if st.cursor_value is not None:
            where.append(f"{qc} > {literal(db, col, st.cursor_value)}")
        if st.cursor_new is not None:
            where.append(f"{qc} <= {literal(db, col, st.cursor_new)}")
        else:
            where.append("1 = 0")  # no rows past the cursor
    return where


def _col(st, name):
    if st.shape is None:
        return None
    for c in st.shape.columns:
        if c.name == name:
            return c
    return None


def resolve(spec, emitter, spark=None):
    """Lists the source tables of the run (with their catalog shapes) for a database, Hive or file
    source (Hive's catalog is the session's)."""
    stype = spec["source"]["type"]
    conf = spec["source"]["conf"]
    if stype == "file":
        path = conf["path"]
        name = path.rstrip("/")
        return None, [SourceTable(name=name, path=path, filter=conf.get("filter"))]
    if stype == "hive":
        from .hive import HiveCatalog
        db = HiveCatalog(spark, conf)
    else:
        db = Database.for_conf(stype, conf)
    if "query" in conf:
        refs = [None]
    elif "table" in conf:
        ref = db.ref(conf["table"])
        if not db.table_exists(ref):
            raise DMSError(f"source table {ref} does not exist")
        refs = [ref]
    else:
        refs = db.match_tables(conf["tables"])
    out = []
    for ref in refs:
        st = SourceTable(name=str(ref) if ref else "query", ref=ref, query=conf.get("query"),
                         rename=dict(conf.get("rename") or {}), filter=conf.get("filter"),
                         cursor_column=conf.get("cursor_column"))
        if ref is not None and stype != "jdbc":
            shape = db.shape(ref)
            st.shape = _select(shape, conf, st.name)
        out.append(st)
    return db, out


def _select(shape, conf, tname):
    names = [c.name for c in shape.columns]
    if conf.get("columns"):
        for c in conf["columns"]:
            if c not in names:
                raise DMSError(f"column {c} (source.conf.columns) does not exist in {tname}")
        keep = [c for c in shape.columns if c.name in conf["columns"]]
        keep.sort(key=lambda c: conf["columns"].index(c.name))
    elif conf.get("exclude_columns"):
        for c in conf["exclude_columns"]:
            if c not in names:
                raise DMSError(f"column {c} (source.conf.exclude_columns) does not exist in {tname}")
        keep = [c for c in shape.columns if c.name not in conf["exclude_columns"]]
    else:
        keep = list(shape.columns)
    if not keep:
        raise DMSError(f"no column of {tname} is selected")
    for c in (conf.get("rename") or {}):
        if c not in names and "tables" not in conf:
            raise DMSError(f"column {c} (source.conf.rename) does not exist in {tname}")
    for key in ("cursor_column", "partition_column"):
        if conf.get(key) and conf[key] not in names:
            raise DMSError(f"column {conf[key]} (source.conf.{key}) does not exist in {tname}")
    return typemap.TableShape(keep, list(shape.primary_key))
