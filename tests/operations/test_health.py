"""/healthz and /readyz: each readiness check fails for its own reason and is named in the 503;
nothing answers 500 or shows a secret."""

import errno
import socket
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from lom.operations import health
from lom.operations.models import WorkerHeartbeat
from lom.operations.scheduler import Scheduler
from tests.mail.smtp_fixtures import SmtpServer

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def fresh_probe_answers():
    health.forget_cached()
    yield
    health.forget_cached()


@pytest.fixture
def alive(db, settings):
    """A worker and the scheduler that beat just now, tasks run by workers."""
    settings.TASKS = DB_TASKS
    now = timezone.now()
    for worker_id, role in (("w1", "worker"), ("s1", "scheduler")):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, role=role, host="h", pid=1, started_at=now, seen_at=now
        )


def readyz() -> tuple[int, dict]:
    response = Client().get("/readyz")
    return response.status_code, response.json()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_without_touching_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert Client().post("/healthz").status_code == 405


def test_ready_when_every_check_holds(alive):
    assert readyz() == (200, {"status": "ok"})


def test_no_worker_heartbeat_is_not_ready(alive, settings):
    WorkerHeartbeat.objects.filter(role="worker").delete()
    status, body = readyz()
    assert status == 503 and set(body["failed"]) == {"worker"}
    assert "no worker" in body["failed"]["worker"]


def test_a_stale_heartbeat_is_not_ready_and_the_limit_is_a_setting(alive, settings):
    WorkerHeartbeat.objects.filter(role="worker").update(
        seen_at=timezone.now() - timedelta(seconds=200)
    )
    status, body = readyz()
    assert status == 503 and "200 s old (limit 120 s)" in body["failed"]["worker"]
    settings.LOM_READY_HEARTBEAT_MAX_AGE = 300
    assert readyz()[0] == 200


def test_without_workers_the_immediate_backend_needs_no_heartbeat(alive, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    WorkerHeartbeat.objects.filter(role="worker").delete()
    assert readyz()[0] == 200


def test_the_scheduler_must_tick(alive):
    WorkerHeartbeat.objects.filter(role="scheduler").delete()
    status, body = readyz()
    assert status == 503 and set(body["failed"]) == {"scheduler"}
    # The scheduler loop beats at each tick (its whole loop runs in test_processes.py).
    Scheduler(tick_seconds=5, scheduler_id="s2").beat()
    assert readyz()[0] == 200


def test_an_unwritable_media_directory_is_not_ready(alive, settings, tmp_path, caplog):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    settings.MEDIA_ROOT = str(not_a_dir)
    status, body = readyz()
    assert status == 503 and set(body["failed"]) == {"media"}
    assert body["failed"]["media"] == "media directory: not writable (ENOTDIR)"
    assert "readyz: media directory not writable" in caplog.text


def test_a_full_disk_is_not_ready(alive, settings, tmp_path, caplog):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        with open(mount / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        settings.MEDIA_ROOT = str(mount)
        status, body = readyz()
        assert status == 503 and body["failed"] == {"media": "media directory: the disk is full"}
        assert "the disk is full" in caplog.text
        assert not any(p.name.startswith(".readyz") for p in Path(mount).iterdir())
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def smtp_settings(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_PASSWORD = "s3cret-password"
    settings.LOM_READY_SMTP_TIMEOUT = 2


def test_the_smtp_server_answers(alive, smtp, settings):
    smtp_settings(settings, smtp.port)
    assert readyz() == (200, {"status": "ok"})


def test_a_refused_smtp_connection_is_not_ready_and_shows_no_secret(alive, settings, caplog):
    smtp_settings(settings, closed_port())
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert set(body["failed"]) == {"smtp"}
    assert body["failed"]["smtp"] == "the SMTP server does not answer (ConnectionRefusedError)"
    assert "s3cret" not in response.content.decode() and "s3cret" not in caplog.text
    assert "readyz: SMTP server" in caplog.text


def test_the_smtp_answer_is_kept_for_a_minute(alive, settings):
    server = SmtpServer()  # a server of this test's own, stopped half-way
    server.controller.start()
    smtp_settings(settings, server.port)
    try:
        assert readyz()[0] == 200
    finally:
        server.controller.stop()
    assert readyz()[0] == 200  # kept
    health.forget_cached()
    assert "smtp" in readyz()[1]["failed"]


def test_a_check_that_raises_is_a_failed_check_not_a_500(alive, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = "not a port"
    status, body = readyz()
    assert status == 503 and body["failed"] == {"smtp": "the check failed (ValueError)"}


def test_the_probes_are_not_redirected_to_https(alive, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/readyz").status_code == 200
    assert Client().get("/login/").status_code == 301
