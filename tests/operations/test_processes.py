"""With real processes on one SQLite file: a worker killed with SIGKILL in the middle of a task
leaves it RUNNING; the requeue job gives it back; another worker completes it. Two schedulers
started at once run each job once."""

import json
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from lom.operations import migrations as operations_migrations


def wait_for(predicate, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def rows(site, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(site.db_file, timeout=20) as con:
        return con.execute(sql, params).fetchall()


def task_row(site, task_id: str) -> tuple[str, list[str], object]:
    status, worker_ids, value = rows(
        site,
        "SELECT status, worker_ids, return_value FROM django_tasks_database_dbtaskresult"
        " WHERE id = ?",
        task_id.replace("-", ""),
    )[0]
    return status, json.loads(worker_ids), json.loads(value) if value else None


def test_a_task_of_a_killed_worker_is_requeued_and_completed_by_another(site):
    work = site.workdir
    task_id = site.shell(
        "from tests.operations.blocking import wait_for_release; "
        f"print(wait_for_release.enqueue(directory={str(work)!r}).id)"
    )

    first = site.start("run_worker", "--worker-id", "w1", "--interval", "0.2", "--no-startup-delay")
    try:
        wait_for(lambda: (work / "starts").exists(), seconds=90, what="the task to start")
        # The heartbeat keeps beating while the task blocks.
        seen = rows(site, "SELECT seen_at FROM operations_workerheartbeat WHERE worker_id='w1'")
        time.sleep(2.5)
        later = rows(site, "SELECT seen_at FROM operations_workerheartbeat WHERE worker_id='w1'")
        assert seen and later and later[0][0] > seen[0][0]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert task_row(site, task_id)[:2] == ("RUNNING", ["w1"])

    # Lost only once the worker has been silent for LOM_WORKER_LOST_AFTER_SECONDS (3 s here).
    time.sleep(3.5)
    out = site.manage("jobs", "--run", "requeue_lost_tasks")
    assert "requeued 1, failed 0" in out
    assert task_row(site, task_id)[:2] == ("READY", ["w1"])
    events = rows(site, "SELECT action, detail FROM operations_operationsevent")
    assert [(a, json.loads(d)["worker_id"]) for a, d in events] == [("task.lost_requeued", "w1")]

    (work / "release").touch()
    second = site.start("run_worker", "--worker-id", "w2", "--batch", "--no-startup-delay")
    assert second.wait(timeout=120) == 0
    status, worker_ids, value = task_row(site, task_id)
    assert (status, worker_ids) == ("SUCCESSFUL", ["w1", "w2"])
    assert value == 2  # started twice, completed once
    # A worker that stops cleanly removes its heartbeat; the killed one's stays behind.
    beats = rows(site, "SELECT worker_id FROM operations_workerheartbeat ORDER BY worker_id")
    assert beats == [("w1",)]


def test_two_schedulers_started_at_once_run_each_job_once(site):
    first = site.start("run_scheduler", "--once")
    second = site.start("run_scheduler", "--once")
    assert first.wait(timeout=180) == 0
    assert second.wait(timeout=180) == 0
    from lom.operations.schedule import JOBS

    runs = rows(site, "SELECT job, outcome FROM operations_jobrun ORDER BY job")
    assert sorted(job for job, _ in runs) == sorted(job.name for job in JOBS)
    assert all(outcome in ("ok", "enqueued") for _, outcome in runs), runs
    # The jobs handed to the workers are in the queue, each once.
    queued = rows(site, "SELECT task_path FROM django_tasks_database_dbtaskresult")
    handed = [job.what for job in JOBS if not job.inline]
    assert sorted(path for (path,) in queued if path in handed) == sorted(handed)


READYZ = (
    "from django.test import Client; import json; r = Client().get('/readyz'); "
    "print(json.dumps([r.status_code, r.json()]))"
)


def test_an_unapplied_migration_is_not_ready(site):
    site.env["ALLOWED_HOSTS"] = "testserver"
    site.manage("migrate", "operations", "zero", "-v0")

    status, body = json.loads(site.shell(READYZ))
    assert status == 503
    applied = sorted(p.stem for p in (Path(operations_migrations.__file__).parent).glob("0*.py"))
    assert body["failed"]["migrations"] == (
        f"{len(applied)} unapplied migrations: "
        + ", ".join(f"operations.{name}" for name in applied)
    )

    site.manage("migrate", "-v0")
    status, body = json.loads(site.shell(READYZ))
    assert "migrations" not in body["failed"]


def test_the_scheduler_loop_beats_runs_jobs_and_stops_cleanly(site):
    from lom.operations.schedule import JOBS

    scheduler = site.start("run_scheduler", "--tick", "0.5")
    try:
        wait_for(
            lambda: rows(site, "SELECT count(*) FROM operations_jobrun")[0][0] == len(JOBS),
            seconds=90,
            what="the first tick's runs",
        )
        beats = rows(site, "SELECT role FROM operations_workerheartbeat")
        assert beats == [("scheduler",)]
    finally:
        scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(timeout=30) == 0
    assert rows(site, "SELECT count(*) FROM operations_workerheartbeat") == [(0,)]


@pytest.mark.postgres
def test_two_schedulers_on_postgresql_run_each_job_once(transactional_db, tmp_path):
    """The same race on PostgreSQL, where the two inserts of one (job, slot) really meet: the
    processes use the test database this test sees (committed rows, no test transaction)."""
    from django.db import connection

    from lom.operations.models import JobRun
    from lom.operations.schedule import JOBS
    from tests.operations.conftest import Site

    site = Site(tmp_path / "unused.sqlite3", tmp_path)
    s = connection.settings_dict
    site.env["DATABASE_URL"] = (
        f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"  # the test database
    )
    procs = [site.start("run_scheduler", "--once") for _ in range(3)]
    assert [p.wait(timeout=180) for p in procs] == [0, 0, 0]
    runs = list(JobRun.objects.values_list("job", "slot"))
    assert len(runs) == len(set(runs))  # no (job, slot) ran twice
    per_job = Counter(job for job, _slot in runs)
    assert set(per_job) == {job.name for job in JOBS}
    # The three processes start seconds apart on a busy machine, so a job due every 30 or 60 s
    # may rightly run again for the next slot; a daily or hourly job shares one slot and ran
    # once, whichever process claimed it.
    for job in JOBS:
        if job.daily is not None or (job.every or 0) >= 3600:
            assert per_job[job.name] == 1, job.name
        assert per_job[job.name] <= len(procs), job.name
