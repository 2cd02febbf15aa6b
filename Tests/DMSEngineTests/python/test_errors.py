"""Failure paths: the error is the root cause, one line, and never holds a secret."""
import json

import pytest

from dmsjob import spec as specmod
from dmsjob.errors import SpecError
from helpers import by_type, make_spec, my_conf, my_exec, pg_conf, pg_exec, run, write_spec
from conftest import free_port


def _no_secret(lines, *secrets):
    for line in lines:
        for s in secrets:
            assert s not in line, f"secret leaked in {line[:200]}"


def test_wrong_password_names_cause_without_password(spark, pg, maria):
    bad = "Wr0ng-Pass-123!"
    spec = make_spec("postgres", pg_conf(pg, table="public.anything", password=bad), "mysql", my_conf(maria, table="x"))
    result, events, lines = run(spark, spec)
    assert result["state"] == "failed"
    assert 'password authentication failed for user "app"' in result["error"], result["error"]
    assert "\n" not in result["error"] and "at org." not in result["error"]
    _no_secret(lines, bad, maria["password"])


def test_wrong_password_on_the_jdbc_read_path(spark, pg, maria):
    """The target refuses the login during Spark's JDBC write: the root cause comes from the JVM."""
    pg_exec(pg, "src", "DROP TABLE IF EXISTS err_small", "CREATE TABLE err_small (id int PRIMARY KEY)",
            "INSERT INTO err_small VALUES (1)")
    bad = "Bad-My-Pw-987"
    spec = make_spec("postgres", pg_conf(pg, table="err_small"), "mysql", my_conf(maria, table="err_out", password=bad))
    result, events, lines = run(spark, spec)
    assert result["state"] == "failed"
    assert "Access denied for user 'app'" in result["error"], result["error"]
    _no_secret(lines, bad, pg["password"])


def test_unreachable_source(spark, pg, maria):
    port = free_port()
    spec = make_spec("postgres", pg_conf(pg, table="t", port=port, connect_timeout_seconds=2), "mysql", my_conf(maria, table="x"))
    result, events, lines = run(spark, spec)
    assert result["state"] == "failed"
    assert "Connection refused" in result["error"] or "connection" in result["error"].lower(), result["error"]
    assert str(port) in result["error"]
    _no_secret(lines, pg["password"], maria["password"])


def test_missing_table(spark, pg, maria):
    spec = make_spec("postgres", pg_conf(pg, table="public.no_such_table"), "mysql", my_conf(maria, table="x"))
    result, events, _ = run(spark, spec)
    assert result["state"] == "failed"
    assert result["error"] == "source table public.no_such_table does not exist"


def test_missing_table_on_generic_jdbc_is_root_cause(spark, pg, maria, tmp_path):
    conf = {"url": f"jdbc:postgresql://{pg['host']}:{pg['port']}/src", "driver_class": "org.postgresql.Driver",
            "user": pg["user"], "password": pg["password"], "table": "nope_tbl"}
    spec = make_spec("jdbc", conf, "mysql", my_conf(maria, table="x"))
    result, events, lines = run(spark, spec)
    assert result["state"] == "failed"
    assert 'relation "nope_tbl" does not exist' in result["error"], result["error"]
    _no_secret(lines, pg["password"])


@pytest.mark.parametrize("mutate,field", [
    (lambda s: s.pop("run"), "run"),
    (lambda s: s.__setitem__("spec_version", 2), "spec_version"),
    (lambda s: s["source"]["conf"].__setitem__("port", 70000), "source.conf.port"),
    (lambda s: s["source"]["conf"].__setitem__("colums", ["a"]), "source.conf.colums"),
    (lambda s: s["source"]["conf"].__setitem__("tables", ["a"]), "source.conf.table"),
    (lambda s: s["target"]["conf"].__setitem__("mode", "upsert"), "target.conf.key_columns"),
    (lambda s: s["target"]["conf"].__setitem__("mode", "replace"), "target.conf.mode"),
    (lambda s: s["options"].__setitem__("validation", "full"), "options.validation"),
    (lambda s: s["source"].__setitem__("version", 9), "source.version"),
    (lambda s: s["source"]["conf"].pop("host"), "source.conf.host"),
    (lambda s: s["source"]["conf"].__setitem__("num_partitions", 4), "source.conf.num_partitions"),
    (lambda s: s.__setitem__("cursors", {"t": {"column": "id"}}), "cursors.t.value"),
])
def test_bad_spec_names_the_field(mutate, field):
    spec = make_spec("postgres", {"host": "h", "database": "d", "user": "u", "password": "pw-XYZ-secret", "table": "t"},
                     "mysql", {"host": "h", "user": "u", "table": "t"})
    mutate(spec)
    with pytest.raises(SpecError) as ei:
        specmod.validate(spec)
    assert ei.value.field == field, str(ei.value)
    assert "pw-XYZ-secret" not in str(ei.value)


def test_invalid_json_spec_is_not_echoed(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{"password": "leak-me-1", ')
    with pytest.raises(SpecError) as ei:
        specmod.load(str(p))
    assert "leak-me-1" not in str(ei.value) and "not valid JSON" in str(ei.value)


def test_scrubber_covers_encodings():
    from dmsjob.events import Emitter, Scrubber
    lines = []
    em = Emitter(lines.append, Scrubber(['p"a ss/w&rd']))
    em.emit("log", level="info", message='connect to jdbc:x?password=p%22a%20ss%2Fw%26rd and p"a ss/w&rd')
    assert 'p"a ss' not in lines[0] and "p%22a%20ss" not in lines[0] and lines[0].count("********") == 2
