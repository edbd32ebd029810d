"""The scheduler's work: find the jobs of `schedule.JOBS` that are due, claim each run (one
row per job and slot, so a second scheduler never runs it again), hand it to the workers as a
task or run it here when it is small, and record the outcome."""

import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus

from lom.operations.models import JobRun, WorkerHeartbeat
from lom.operations.schedule import JOBS, Job
from lom.operations.services import heartbeat_beat, heartbeat_stop, job_claim, job_finish

logger = logging.getLogger("lom.operations.scheduler")

_TASK_OUTCOME = {
    TaskResultStatus.SUCCESSFUL: JobRun.Outcome.OK,
    TaskResultStatus.FAILED: JobRun.Outcome.FAILED,
}


@dataclass(frozen=True)
class Ran:
    job: str
    outcome: str
    detail: str


def run_job(*, job: Job, run: JobRun) -> Ran:
    """Run (inline) or enqueue one claimed run and record its outcome. A failing job is
    recorded and logged; it never stops the scheduler."""
    task_id = ""
    try:
        target = import_string(job.what)
        if job.inline:
            detail = str(target() or "")
            outcome = JobRun.Outcome.OK
        else:
            result = target.enqueue()
            task_id = str(result.id)
            outcome = _TASK_OUTCOME.get(result.status, JobRun.Outcome.ENQUEUED)
            detail = f"task {task_id}"
    except Exception as exc:  # a job's failure is its record's, not the scheduler's
        logger.exception("job %s failed", job.name)
        outcome, detail = JobRun.Outcome.FAILED, f"{type(exc).__name__}: {exc}"
    run = job_finish(run_id=run.pk, outcome=outcome, task_id=task_id, detail=detail)
    logger.info(
        "job %s slot %s: %s in %d ms (%s)",
        job.name,
        run.slot.isoformat(),
        outcome,
        run.duration_ms or 0,
        detail,
    )
    return Ran(job=job.name, outcome=outcome, detail=detail)


def run_due(
    *, now: datetime | None = None, jobs: tuple[Job, ...] = JOBS, manual: bool = False
) -> list[Ran]:
    """Every job whose current slot has not been claimed yet: claim it and run it. A manual
    run takes the slot `now` itself: it runs at once and the next scheduled slot still runs."""
    now = now or timezone.now()
    ran = []
    for job in jobs:
        run = job_claim(job=job.name, slot=now if manual else job.slot(now))
        if run is not None:
            ran.append(run_job(job=job, run=run))
    return ran


class Scheduler:
    """The loop of `manage.py run_scheduler`: beat, run what is due, sleep a tick."""

    def __init__(self, *, tick_seconds: float, scheduler_id: str) -> None:
        self.tick_seconds = tick_seconds
        self.scheduler_id = scheduler_id
        self.started_at = timezone.now()
        self.running = True

    def beat(self) -> None:
        heartbeat_beat(
            worker_id=self.scheduler_id,
            role=WorkerHeartbeat.Role.SCHEDULER,
            host=socket.gethostname(),
            pid=os.getpid(),
            started_at=self.started_at,
        )

    def tick(self) -> list[Ran]:
        close_old_connections()
        self.beat()
        return run_due()

    def run(self) -> None:
        logger.info("scheduler %s started, tick %s s", self.scheduler_id, self.tick_seconds)
        try:
            while self.running:
                try:
                    self.tick()
                except Exception:  # e.g. the database restarting: try again next tick
                    logger.exception("scheduler tick failed")
                time.sleep(self.tick_seconds)
        finally:
            heartbeat_stop(worker_id=self.scheduler_id)
