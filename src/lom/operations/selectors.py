"""Reads of the operations machinery: the jobs with their last run and next due time, and the
newest heartbeat of a kind of process."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from lom.operations.models import JobRun, WorkerHeartbeat
from lom.operations.schedule import JOBS


@dataclass(frozen=True)
class JobStatus:
    name: str
    when: str
    what: str
    inline: bool
    description: str
    last: JobRun | None
    next_due: datetime


def job_overview(*, now: datetime | None = None) -> list[JobStatus]:
    """Every declared job, its latest run and when it is due next."""
    now = now or timezone.now()
    rows = []
    for job in JOBS:
        last = JobRun.objects.filter(job=job.name).order_by("-slot").first()
        due = job.slot(now)
        next_due = job.next_due(now) if last is not None and last.slot >= due else due
        rows.append(
            JobStatus(
                name=job.name,
                when=job.when(),
                what=job.what,
                inline=job.inline,
                description=job.description,
                last=last,
                next_due=next_due,
            )
        )
    return rows


def heartbeat_newest(*, role: str) -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.filter(role=role).order_by("-seen_at").first()
