"""The one table of periodic jobs and the scheduler that runs it."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks_db.compat import Task

from lom.operations.models import JobRun
from lom.operations.schedule import JOBS, Job, job_named
from lom.operations.scheduler import run_due
from lom.operations.selectors import job_overview


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_every_job_names_a_task_or_a_callable_and_names_are_unique():
    assert len({job.name for job in JOBS}) == len(JOBS)
    for job in JOBS:
        target = import_string(job.what)
        assert isinstance(target, Task) != job.inline, job.name
    expected = {
        "mail_queue", "requeue_lost_tasks", "event_reminders", "axes_expired", "clear_sessions",
        "prune_task_results", "operations_prune", "benchmark_refresh", "case_reminders",
        "survey_reminders", "digests", "retention", "webhook_retries", "objection_reminders",
        "project_report_reminders", "fund_periods_close", "agreement_versions_in_force",
        "fund_totals_check", "campaigns",
    }  # fmt: skip
    assert {job.name for job in JOBS} == expected


def test_slots_every_n_seconds_and_daily_in_stockholm_time():
    every = Job("x", "m.f", every=60)
    assert every.slot(utc(2026, 3, 1, 10, 0, 59)) == utc(2026, 3, 1, 10, 0)
    assert every.next_due(utc(2026, 3, 1, 10, 0, 59)) == utc(2026, 3, 1, 10, 1)

    daily = Job("y", "m.f", daily="07:00")
    # Winter: 07:00 in Stockholm is 06:00 UTC; before it, the slot is yesterday's.
    assert daily.slot(utc(2026, 1, 15, 6, 0)) == utc(2026, 1, 15, 6, 0)
    assert daily.slot(utc(2026, 1, 15, 5, 59)) == utc(2026, 1, 14, 6, 0)
    assert daily.next_due(utc(2026, 1, 15, 6, 0)) == utc(2026, 1, 16, 6, 0)
    # Summer time: 07:00 is 05:00 UTC; across the change in March the slot follows the clock.
    assert daily.slot(utc(2026, 7, 1, 5, 30)) == utc(2026, 7, 1, 5, 0)
    assert daily.next_due(utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 5, 0)

    with pytest.raises(ValueError):
        Job("z", "m.f")
    with pytest.raises(ValueError):
        Job("z", "m.f", every=60, daily="01:00")


CALLS: list[str] = []


def tiny_job() -> str:
    CALLS.append("ran")
    return "done"


def broken_job() -> str:
    raise RuntimeError("the job broke")


TEST_JOBS = (
    Job("tiny", "tests.operations.test_schedule.tiny_job", every=60, inline=True),
    Job("broken", "tests.operations.test_schedule.broken_job", daily="03:00", inline=True),
    Job("queued", "lom.mail.tasks.send_mail_queue_task", every=60),
)


def test_each_slot_runs_once_and_outcomes_are_recorded(db, caplog):
    CALLS.clear()
    now = utc(2026, 5, 4, 10, 0, 30)

    first = run_due(now=now, jobs=TEST_JOBS)
    again = run_due(now=utc(2026, 5, 4, 10, 0, 50), jobs=TEST_JOBS)

    assert [(r.job, r.outcome) for r in first] == [
        ("tiny", "ok"),
        ("broken", "failed"),
        ("queued", "ok"),  # the immediate backend of the tests ran it at once
    ]
    assert again == []
    assert CALLS == ["ran"]
    broken = JobRun.objects.get(job="broken")
    assert broken.detail == "RuntimeError: the job broke"
    assert broken.slot == utc(2026, 5, 4, 1, 0)  # 03:00 in Stockholm, summer time
    assert broken.duration_ms is not None and broken.finished_at is not None
    assert "job broken failed" in caplog.text
    assert JobRun.objects.get(job="queued").task_id

    # The next minute is a new slot for the every-60 s jobs, not for the daily one.
    later = run_due(now=utc(2026, 5, 4, 10, 1, 5), jobs=TEST_JOBS)
    assert [r.job for r in later] == ["tiny", "queued"]
    assert CALLS == ["ran", "ran"]


def test_a_manual_run_runs_now_and_the_next_slot_still_runs(db):
    CALLS.clear()
    tiny = TEST_JOBS[0]
    run_due(now=utc(2026, 5, 4, 10, 0, 5), jobs=(tiny,))
    assert run_due(now=utc(2026, 5, 4, 10, 0, 10), jobs=(tiny,), manual=True)[0].outcome == "ok"
    assert run_due(now=utc(2026, 5, 4, 10, 0, 20), jobs=(tiny,)) == []
    assert len(run_due(now=utc(2026, 5, 4, 10, 1, 0), jobs=(tiny,))) == 1
    assert CALLS == ["ran"] * 3


def test_manage_jobs_lists_last_run_and_next_due_and_runs_one(db):
    out = StringIO()
    call_command("jobs", "--run", "operations_prune", stdout=out)
    assert "operations_prune: ok 0 heartbeats, 0 job runs removed" in out.getvalue()

    overview = {row.name: row for row in job_overview()}
    assert overview["operations_prune"].last is not None
    assert overview["operations_prune"].next_due > overview["operations_prune"].last.slot
    assert overview["digests"].last is None

    out = StringIO()
    call_command("jobs", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert set(lines) == {job.name for job in JOBS}
    assert " ok " in lines["operations_prune"] and "never" in lines["digests"]
    assert "daily 06:30" in lines["digests"]


def test_the_inline_jobs_run(db):
    for name in ("axes_expired", "clear_sessions", "prune_task_results", "benchmark_refresh"):
        ran = run_due(jobs=(job_named(name),), manual=True)
        assert [r.outcome for r in ran] == ["ok"], ran


def test_the_admin_shows_the_records_read_only(db, client):
    from lom.accounts.models import User

    admin = User.objects.create_superuser(username="root", email="r@x.se", password="pw-123456")
    client.force_login(admin)
    run_due(jobs=(job_named("operations_prune"),), manual=True)
    run = JobRun.objects.get()
    page = client.get("/django-admin/operations/jobrun/")
    assert page.status_code == 200 and "operations_prune" in page.content.decode()
    assert client.get("/django-admin/operations/jobrun/add/").status_code == 403
    assert client.post(f"/django-admin/operations/jobrun/{run.pk}/delete/").status_code == 403
