"""EVERY periodic job of LOM, in one table. `manage.py run_scheduler` (one process) runs them:
each job at its time, once per slot even when two schedulers were started by mistake.

A job is `every` N seconds or `daily` at HH:MM Europe/Stockholm time; `what` is the dotted
path of a django-task (enqueued for the workers) or, with `inline=True`, of a small callable
the scheduler runs itself (no arguments; what it returns is recorded). A slot missed while the
scheduler was down is run once when it starts again. The management commands of the same
jobs stay for manual runs."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class Job:
    name: str
    what: str
    every: int | None = None  # seconds
    daily: str | None = None  # "HH:MM", Europe/Stockholm
    inline: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily is None):
            raise ValueError(f"job {self.name}: give either every= or daily=")
        if self.every is not None and self.every <= 0:
            raise ValueError(f"job {self.name}: every= must be positive")

    def slot(self, now: datetime) -> datetime:
        """The latest due time at or before `now` (UTC)."""
        if self.every is not None:
            seconds = int(now.timestamp()) // self.every * self.every
            return datetime.fromtimestamp(seconds, tz=UTC)
        at = self._daily_time()
        local = now.astimezone(LOCAL)
        candidate = datetime.combine(local.date(), at, tzinfo=LOCAL)
        if candidate > local:
            candidate = datetime.combine(local.date() - timedelta(days=1), at, tzinfo=LOCAL)
        return candidate.astimezone(UTC)

    def next_due(self, now: datetime) -> datetime:
        """The first due time after `now` (UTC)."""
        if self.every is not None:
            return self.slot(now) + timedelta(seconds=self.every)
        at = self._daily_time()
        local = now.astimezone(LOCAL)
        candidate = datetime.combine(local.date(), at, tzinfo=LOCAL)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=LOCAL)
        return candidate.astimezone(UTC)

    def when(self) -> str:
        return f"every {self.every} s" if self.every is not None else f"daily {self.daily}"

    def _daily_time(self) -> time:
        assert self.daily is not None
        hours, minutes = self.daily.split(":")
        return time(int(hours), int(minutes))


JOBS: tuple[Job, ...] = (
    Job(
        "mail_queue",
        "lom.mail.tasks.send_mail_queue_task",
        every=60,
        description="Mail retries that are due, and queued mail whose task was lost.",
    ),
    Job(
        "webhook_retries",
        "lom.webhooks.tasks.webhook_retries_task",
        every=60,
        description="Webhook deliveries whose next attempt is due.",
    ),
    Job(
        "requeue_lost_tasks",
        "lom.operations.jobs.requeue_lost_tasks",
        every=30,
        inline=True,
        description="Running tasks whose worker stopped beating go back to the queue.",
    ),
    Job(
        "event_reminders",
        "lom.events.tasks.send_event_reminders_task",
        every=3600,
        description="Event reminders and evaluation invitations (each once).",
    ),
    Job(
        "axes_expired",
        "lom.operations.jobs.axes_clean_expired",
        every=3600,
        inline=True,
        description="Failed sign-in attempts older than the cool-off time.",
    ),
    Job(
        "clear_sessions",
        "lom.operations.jobs.clear_expired_sessions",
        daily="03:00",
        inline=True,
        description="Expired sessions.",
    ),
    Job(
        "prune_task_results",
        "lom.operations.jobs.prune_task_results",
        daily="03:10",
        inline=True,
        description="Finished task results older than LOM_TASK_RESULT_KEEP_DAYS.",
    ),
    Job(
        "operations_prune",
        "lom.operations.jobs.prune_operations",
        daily="03:20",
        inline=True,
        description="Heartbeats of processes gone for a day, job runs older than 90 days.",
    ),
    Job(
        "retention",
        "lom.privacy.tasks.retention_task",
        daily="04:00",
        description="Retention (gallring) of personal data per data class and organisation.",
    ),
    Job(
        "benchmark_refresh",
        "lom.operations.jobs.benchmark_refresh",
        daily="02:30",
        inline=True,
        description="Queue the sector benchmark refresh of this and last year.",
    ),
    Job(
        "case_reminders",
        "lom.decisions.tasks.send_reminders_task",
        daily="07:00",
        description="Cases that wait too long for someone (once per case and day).",
    ),
    Job(
        "survey_reminders",
        "lom.followup.tasks.send_survey_reminders",
        daily="07:10",
        description="Participants who have not answered the survey (once each).",
    ),
    Job(
        "digests",
        "lom.mail.services.digest.digest_send_task",
        daily="06:30",
        description="The daily digest mail of users who chose one.",
    ),
    Job(
        "campaigns",
        "lom.levers.tasks.deliver_due_campaigns_task",
        daily="06:45",
        description="Campaigns whose send date has come: notices and mails in batches.",
    ),
    Job(
        "objection_reminders",
        "lom.decisions.tasks.send_objection_reminders_task",
        daily="07:20",
        description="Objections whose answer is due in three days or today (each once).",
    ),
    Job(
        "project_report_reminders",
        "lom.decisions.tasks.send_project_report_reminders_task",
        daily="07:30",
        description="Project reports due within a week, or missed (each reminder once).",
    ),
    Job(
        "fund_periods_close",
        "lom.funds.tasks.fund_periods_close_task",
        daily="00:30",
        description="Close fund periods whose end date has passed and book their carry-over.",
    ),
    Job(
        "fund_totals_check",
        "lom.funds.tasks.fund_totals_check_task",
        daily="03:40",
        description="Fund periods' running totals against the sum of their ledgers.",
    ),
    Job(
        "agreement_versions_in_force",
        "lom.agreements.tasks.agreement_versions_in_force_task",
        daily="00:05",
        description="Agreement versions approved by every party whose date has come.",
    ),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
