"""JSON logs: a request id on every line of a request, one line per request and per domain
event, a 500 as one record with its traceback, and a full disk as a 503 page, not a 500."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from lom.common.logs import JsonFormatter
from tests.config.production import manage, production_env
from tests.factories import signed_in

pytestmark = pytest.mark.urls("tests.common.boom_urls")


@pytest.fixture
def log_lines():
    """Every record that reaches the root logger, as parsed JSON objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines(logger: str | None = None) -> list[dict]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines() if line]
        return [r for r in parsed if logger is None or r["logger"] == logger]

    yield lines
    root.removeHandler(handler)


def test_the_request_id_is_taken_from_the_header_and_returned(db, log_lines):
    r = Client().get("/login/", HTTP_X_REQUEST_ID="lb-1234.abc_DEF")
    assert r["X-Request-ID"] == "lb-1234.abc_DEF"
    (line,) = log_lines("lom.request")
    assert line["request_id"] == "lb-1234.abc_DEF"


@pytest.mark.parametrize("sent", [None, "x" * 65, "semi;colon", "new\nline", ""])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(db, log_lines, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}
    r = Client().get("/login/", **headers)
    assert re.fullmatch(r"[0-9a-f]{32}", r["X-Request-ID"])
    assert log_lines("lom.request")[0]["request_id"] == r["X-Request-ID"]


def test_one_line_per_request_with_who_what_and_how_long(world, log_lines):
    c = signed_in(world.coordinator)
    session = c.session
    session["active_organisation_id"] = world.org.pk
    session.save()
    r = c.get("/cases/?token=hemlig&q=Anna", REMOTE_ADDR="198.51.100.7")
    (line,) = log_lines("lom.request")
    assert line["method"] == "GET" and line["path"] == "/cases/"
    assert line["status"] == r.status_code == 200
    assert line["user_id"] == world.coordinator.pk
    assert line["organisation_id"] == world.org.pk
    assert line["client_ip"] == "198.51.100.7"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert "hemlig" not in json.dumps(line) and "Anna" not in json.dumps(line)


def test_an_anonymous_request_has_no_user(db, log_lines):
    Client().get("/login/")
    (line,) = log_lines("lom.request")
    assert line["user_id"] is None and line["organisation_id"] is None


def test_a_domain_event_is_one_line_with_the_request_id_and_no_values(world, log_lines):
    r = signed_in(world.coordinator).get(f"/test-event/?org={world.org.pk}")
    assert r.status_code == 200
    (line,) = log_lines("lom.event")
    assert line["action"] == "test.logged"
    assert line["target"] == f"accounts.user:{world.coordinator.pk}"
    assert line["organisation_id"] == world.org.pk
    assert line["actor_id"] == world.coordinator.pk
    assert line["request_id"] == r["X-Request-ID"]
    assert "hemligt" not in json.dumps(log_lines())


def test_a_500_is_one_record_with_traceback_request_id_user_path_and_time(world, log_lines):
    c = signed_in(world.employee)
    c.raise_request_exception = False
    r = c.get("/test-boom/?personnummer=19121212-1212")
    assert r.status_code == 500
    (error,) = [line for line in log_lines() if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["request_id"] == r["X-Request-ID"]
    assert error["user_id"] == world.employee.pk
    assert error["path"] == "/test-boom/" and error["method"] == "GET"
    assert error["exc_type"] == "RuntimeError"
    assert "Traceback" in error["traceback"] and "kaboom" in error["traceback"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", error["time"])
    assert "19121212" not in json.dumps(error)
    assert log_lines("lom.request")[0]["status"] == 500


@pytest.mark.parametrize("url", ["/test-disk-full/", "/test-over-quota/"])
def test_a_full_disk_is_a_503_page_in_swedish_and_an_error_line(db, log_lines, url):
    c = Client(raise_request_exception=False)
    r = c.post(url, {"title": "Mitt utkast"})
    assert r.status_code == 503
    html = r.content.decode()
    assert "Lagringen är full" in html and "bakåtknapp" in html
    assert "Traceback" not in html and "OSError" not in html
    assert all(line["request_id"] == r["X-Request-ID"] for line in log_lines())
    (error,) = log_lines("lom.storage")
    assert error["level"] == "ERROR" and error["path"] == url
    assert error["request_id"] == r["X-Request-ID"] and error["exc_type"] == "OSError"


def test_another_os_error_stays_a_500(db):
    r = Client(raise_request_exception=False).get("/test-other-os-error/")
    assert r.status_code == 500


def test_production_writes_json_lines_to_standard_error(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'lom.sqlite3'}")
    code = (
        "import logging; from lom.common.audit import log_event;"
        "logging.getLogger('lom.storage').error('disk %s', 'full');"
        "log_event(action='a.b', target_type='t', target_id=1, organisation_id=2, actor_id=3)"
    )
    result = manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(x["logger"], x["message"]) for x in lines] == [
        ("lom.storage", "disk full"),
        ("lom.event", "a.b t:1"),
    ]
    assert lines[1]["organisation_id"] == 2 and lines[1]["actor_id"] == 3
