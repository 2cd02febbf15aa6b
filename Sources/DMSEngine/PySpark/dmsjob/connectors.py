"""Database connectors: JDBC URL + properties for Spark, and a Python DB-API connection for the
catalog, DDL, staging and swaps (psycopg for PostgreSQL, PyMySQL for MySQL/MariaDB, sqlite3).

`Database.for_conf(type, conf)` returns the right subclass. Generic JDBC has JDBC only.
"""
import fnmatch
import os
import sqlite3
from urllib.parse import quote

from .errors import DMSError
from . import typemap


class TableRef:
    def __init__(self, schema, name):
        self.schema = schema
        self.name = name

    def __str__(self):
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def __repr__(self):
        return f"TableRef({self})"

    def __eq__(self, other):
        return isinstance(other, TableRef) and (self.schema, self.name) == (other.schema, other.name)

    def __hash__(self):
        return hash((self.schema, self.name))


def split_name(text):
    """`a.b` -> (a, b); `b` -> (None, b). Double quotes / backticks protect dots."""
    text = text.strip()
    parts, cur, q = [], "", None
    for ch in text:
        if q:
            if ch == q:
                q = None
            else:
                cur += ch
        elif ch in '"`':
            q = ch
        elif ch == ".":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    if len(parts) == 1:
        return None, parts[0]
    return ".".join(parts[:-1]), parts[-1]


class Database:
    dialect = "jdbc"
    quote_char = '"'

    def __init__(self, ctype, conf):
        self.ctype = ctype
        self.conf = conf

    @staticmethod
    def for_conf(ctype, conf):
        return {"postgres": Postgres, "mysql": MySQL, "sqlite": SQLite, "jdbc": GenericJDBC}[ctype](ctype, conf)

    # --- identifiers
    def q(self, ident):
        c = self.quote_char
        return c + ident.replace(c, c + c) + c

    def qt(self, ref):
        return (self.q(ref.schema) + "." if ref.schema else "") + self.q(ref.name)

    def ref(self, text):
        schema, name = split_name(text)
        return TableRef(schema or self.default_schema(), name)

    def default_schema(self):
        return None

    # --- JDBC for Spark
    def jdbc_url(self):
        raise NotImplementedError

    def jdbc_props(self, for_write=False):
        props = {"driver": self.driver_class()}
        if self.conf.get("user"):
            props["user"] = self.conf["user"]
        if "password" in self.conf:
            props["password"] = self.conf["password"]
        return props

    # --- DB-API
    def connect(self):
        raise DMSError(f"{self.ctype} targets do not support this operation")

    def paramstyle(self):
        return "%s"

    def query(self, sql, params=()):
        with self.connect() as conn:
            cur = conn.cursor()
            cur.execute(sql, params)
            rows = cur.fetchall()
            return rows

    def execute_tx(self, statements):
        """Runs statements in ONE transaction."""
        conn = self.connect()
        try:
            cur = conn.cursor()
            self.begin(cur)
            for s in statements:
                if isinstance(s, tuple):
                    cur.execute(s[0], s[1])
                else:
                    cur.execute(s)
            conn.commit()
        except BaseException:
            try:
                conn.rollback()
            except Exception:
                pass
            raise
        finally:
            conn.close()

    def begin(self, cur):
        pass

    def count(self, ref, where=None):
        sql = f"SELECT COUNT(*) FROM {self.qt(ref)}" + (f" WHERE {where}" if where else "")
        return int(self.query(sql)[0][0])

    def count_sql(self, sql):
        return int(self.query(f"SELECT COUNT(*) FROM ({sql}) dms_q")[0][0])

    def drop_table(self, ref):
        self.execute_tx([f"DROP TABLE IF EXISTS {self.qt(ref)}"])

    def match_tables(self, patterns):
        """Tables of the catalog matching names/patterns (* = any characters), in a stable order."""
        out = []
        all_tables = None
        for p in patterns:
            schema, name = split_name(p)
            schema = schema or self.default_schema()
            if "*" not in p:
                ref = TableRef(schema, name)
                if not self.table_exists(ref):
                    raise DMSError(f"source table {ref} does not exist")
                if ref not in out:
                    out.append(ref)
                continue
            if all_tables is None:
                all_tables = self.list_tables()
            hits = [t for t in all_tables
                    if fnmatch.fnmatchcase(t.name, name.replace("[", "[[]").replace("?", "[?]"))
                    and (schema is None or fnmatch.fnmatchcase(t.schema or "", schema.replace("[", "[[]").replace("?", "[?]")))]
            for t in hits:
                if t not in out:
                    out.append(t)
        if not out:
            raise DMSError("no source table matches " + ", ".join(patterns))
        return out


class _InformationSchema:
    """Catalog queries of the databases with an information_schema (PostgreSQL, MySQL/MariaDB)."""
    system_schemas = ()

    def list_tables(self):
        """Every base table outside the system schemas (DMS staging tables never)."""
        excluded = ", ".join("'" + s + "'" for s in self.system_schemas)
        rows = self.query("SELECT table_schema, table_name FROM information_schema.tables "
                          f"WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ({excluded}) "
                          "AND table_name NOT LIKE 'dms\\_stg\\_%%' ORDER BY 1, 2")
        return [TableRef(s, n) for s, n in rows]

    def table_exists(self, ref):
        return bool(self.query("SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
                               (ref.schema, ref.name)))


class Postgres(_InformationSchema, Database):
    dialect = "postgres"
    system_schemas = ("pg_catalog", "information_schema")

    def driver_class(self):
        return "org.postgresql.Driver"

    def default_schema(self):
        return "public"

    def _ssl(self):
        return self.conf.get("ssl_mode", self.conf.get("sslmode", "prefer"))

    def jdbc_url(self):
        c = self.conf
        params = [f"sslmode={self._ssl()}", "stringtype=unspecified",
                  f"connectTimeout={c.get('connect_timeout_seconds', 10)}",
                  f"ApplicationName={quote(c.get('application_name', 'dms'))}",
                  "reWriteBatchedInserts=true"]
        if c.get("ssl_root_cert"):
            params.append(f"sslrootcert={quote(c['ssl_root_cert'])}")
        host = c["host"]
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"jdbc:postgresql://{host}:{c.get('port', 5432)}/{quote(c['database'])}?" + "&".join(params)

    def connect_kwargs(self):
        c = self.conf
        kw = dict(host=c["host"], port=c.get("port", 5432), dbname=c["database"], user=c["user"],
                  sslmode=self._ssl(), connect_timeout=c.get("connect_timeout_seconds", 10),
                  application_name=c.get("application_name", "dms"))
        if "password" in c:
            kw["password"] = c["password"]
        if c.get("ssl_root_cert"):
            kw["sslrootcert"] = c["ssl_root_cert"]
        return kw

    def connect(self):
        import psycopg
        return psycopg.connect(**self.connect_kwargs())


    def shape(self, ref):
        rows = self.query(
            "SELECT column_name, data_type, udt_name, character_maximum_length, numeric_precision, numeric_scale, "
            "datetime_precision, is_nullable FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
            "ORDER BY ordinal_position", (ref.schema, ref.name))
        if not rows:
            raise DMSError(f"table {ref} does not exist")
        cols = []
        for (name, dt, udt, cl, npz, ns, dtp, nul) in rows:
            if dt == "numeric" and npz is None:
                ns = None
            cols.append(typemap.from_postgres(name, dt, udt, cl, npz, ns, dtp, nul == "YES"))
        pk = [r[0] for r in self.query(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            (self.qt(ref),))]
        return typemap.TableShape(cols, pk)

    def begin(self, cur):
        pass  # psycopg opens a transaction implicitly


class MySQL(_InformationSchema, Database):
    dialect = "mysql"
    quote_char = "`"
    system_schemas = ("mysql", "information_schema", "performance_schema", "sys")

    def driver_class(self):
        return "org.mariadb.jdbc.Driver"

    def default_schema(self):
        return self.conf.get("database")

    def ref(self, text):
        schema, name = split_name(text)
        schema = schema or self.default_schema()
        if not schema:
            raise DMSError(f"table {text} must be qualified by its database (the connection has no database)")
        return TableRef(schema, name)

    def jdbc_url(self):
        c = self.conf
        host = c["host"]
        props = {"permitMysqlScheme": "true", "rewriteBatchedStatements": "true",
                 "connectTimeout": "10000",
                 "sessionVariables": "sql_mode='STRICT_ALL_TABLES',time_zone='+00:00'"}
        for k, v in (c.get("properties") or {}).items():
            if "password" not in k.lower():
                props[k] = v
        q = "&".join(f"{k}={v}" for k, v in props.items())
        return f"jdbc:mysql://{host}:{c.get('port', 3306)}/{quote(c.get('database', ''))}?{q}"

    def jdbc_props(self, for_write=False):
        props = super().jdbc_props(for_write)
        for k, v in (self.conf.get("properties") or {}).items():
            if "password" in k.lower():
                props[k] = v
        return props

    def connect(self, local_infile=False):
        import pymysql
        c = self.conf
        conn = pymysql.connect(host=c["host"], port=c.get("port", 3306), user=c["user"],
                               password=c.get("password", ""), database=c.get("database"),
                               connect_timeout=10, autocommit=False, local_infile=local_infile,
                               charset="utf8mb4", init_command="SET time_zone = '+00:00', "
                               "sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
        return conn


    def shape(self, ref):
        rows = self.query(
            "SELECT column_name, data_type, column_type, character_maximum_length, numeric_precision, numeric_scale, "
            "datetime_precision, is_nullable, column_key FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position", (ref.schema, ref.name))
        if not rows:
            raise DMSError(f"table {ref} does not exist")
        json_cols = set()
        try:
            for (clause,) in self.query("SELECT check_clause FROM information_schema.check_constraints "
                                        "WHERE constraint_schema = %s AND table_name = %s", (ref.schema, ref.name)):
                import re
                m = re.match(r"\s*json_valid\(`([^`]+)`\)\s*$", clause or "")
                if m:
                    json_cols.add(m.group(1))
        except Exception:
            pass
        cols = [typemap.from_mysql(n, dt, ct, cl, npz, ns, dtp, nul == "YES", is_json=n in json_cols)
                for (n, dt, ct, cl, npz, ns, dtp, nul, _key) in rows]
        pk = [r[0] for r in self.query(
            "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = %s AND table_name = %s "
            "AND constraint_name = 'PRIMARY' ORDER BY ordinal_position", (ref.schema, ref.name))]
        return typemap.TableShape(cols, pk)

    def begin(self, cur):
        cur.execute("START TRANSACTION")


class SQLite(Database):
    dialect = "sqlite"

    def driver_class(self):
        return "org.sqlite.JDBC"

    def ref(self, text):
        schema, name = split_name(text)
        return TableRef(None, name if schema in (None, "main") else f"{schema}.{name}")

    def jdbc_url(self):
        return "jdbc:sqlite:" + self.conf["path"]

    def paramstyle(self):
        return "?"

    def connect(self):
        path = self.conf["path"]
        if not os.path.exists(os.path.dirname(os.path.abspath(path)) or "/"):
            raise DMSError(f"the directory of the SQLite file {path} does not exist")
        conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        return _SqliteConn(conn)

    def query(self, sql, params=()):
        conn = self.connect()
        try:
            cur = conn.cursor()
            cur.execute(sql.replace("%s", "?"), params)
            return cur.fetchall()
        finally:
            conn.close()

    def begin(self, cur):
        cur.execute("BEGIN IMMEDIATE")

    def list_tables(self):
        return [TableRef(None, r[0]) for r in self.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "AND name NOT LIKE 'dms\\_stg\\_%' ESCAPE '\\' ORDER BY name")]

    def table_exists(self, ref):
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (ref.name,)))

    def shape(self, ref):
        rows = self.query(f"PRAGMA table_info({self.q(ref.name)})")
        if not rows:
            raise DMSError(f"table {ref} does not exist")
        cols = [typemap.from_sqlite(name, decl, notnull or pk) for (_cid, name, decl, notnull, _d, pk) in rows]
        pk = [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]
        return typemap.TableShape(cols, pk)


class _SqliteConn:
    """sqlite3 connection in manual-transaction mode with the DB-API surface the callers use."""

    def __init__(self, conn):
        self.conn = conn

    def cursor(self):
        return _SqliteCursor(self.conn.cursor())

    def commit(self):
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    def rollback(self):
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


class _SqliteCursor:
    def __init__(self, cur):
        self.cur = cur

    def execute(self, sql, params=()):
        return self.cur.execute(sql.replace("%s", "?"), params)

    def fetchall(self):
        return self.cur.fetchall()


class GenericJDBC(Database):
    dialect = "jdbc"

    def driver_class(self):
        return self.conf["driver_class"]

    def jdbc_url(self):
        return self.conf["url"]

    def jdbc_props(self, for_write=False):
        props = super().jdbc_props(for_write)
        props.update(self.conf.get("properties") or {})
        return props

    def table_exists(self, ref):
        return True  # checked by Spark when it reads

    def match_tables(self, patterns):
        for p in patterns:
            if "*" in p:
                raise DMSError("table patterns are not supported for generic JDBC sources; list the tables by name")
        return [self.ref(p) for p in patterns]
