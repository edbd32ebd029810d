"""The writes of the operations machinery: heartbeats, lost tasks given back to the queue,
claims and outcomes of periodic job runs, pruning of their own records."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lom.common.bounds import SHORT_TEXT_MAX
from lom.operations.models import JobRun, OperationsEvent, WorkerHeartbeat

logger = logging.getLogger("lom.operations")

# What a task result says when its worker was lost too many times.
WORKER_LOST = "lom.operations.services.WorkerLost"


@transaction.atomic(durable=True)
def heartbeat_beat(
    *, worker_id: str, role: str, host: str, pid: int, started_at: datetime
) -> WorkerHeartbeat:
    """Record that the process `worker_id` is alive now."""
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"role": role, "host": host[:200], "pid": pid, "seen_at": timezone.now()},
        create_defaults={
            "role": role,
            "host": host[:200],
            "pid": pid,
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )
    return beat


@transaction.atomic(durable=True)
def heartbeat_stop(*, worker_id: str) -> None:
    """A process that stops cleanly removes its heartbeat: it is gone, not lost."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


@dataclass
class RequeueResult:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@transaction.atomic(durable=True)
def tasks_requeue_lost(*, now: datetime | None = None) -> RequeueResult:
    """Give every running task whose worker stopped beating back to the queue (READY), so
    another worker runs it; after LOM_TASK_MAX_ATTEMPTS tries (one worker id per try in the
    result's `worker_ids`) it fails for good. Each one is logged and recorded as an
    OperationsEvent. A task claimed less than the lost-after limit ago is left alone."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.LOM_WORKER_LOST_AFTER_SECONDS)
    max_attempts = settings.LOM_TASK_MAX_ATTEMPTS
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    result = RequeueResult()
    running = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    for task in running.select_for_update(skip_locked=True):
        last_worker = task.worker_ids[-1] if task.worker_ids else ""
        if last_worker in alive:
            continue
        attempts = len(task.worker_ids)
        detail = {"task_path": task.task_path, "worker_id": last_worker, "attempts": attempts}
        if attempts >= max_attempts:
            task.status = TaskResultStatus.FAILED
            task.finished_at = now
            task.exception_class_path = WORKER_LOST
            task.traceback = (
                f"The worker running this task stopped ({attempts} tries, the last on "
                f"worker {last_worker}); given up after LOM_TASK_MAX_ATTEMPTS={max_attempts}."
            )
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            action = "task.lost_failed"
            result.failed.append(str(task.pk))
            logger.error(
                "lost task %s (%s) failed after %d tries", task.pk, task.task_path, attempts
            )
        else:
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            action = "task.lost_requeued"
            result.requeued.append(str(task.pk))
            logger.warning(
                "lost task %s (%s) back in the queue after try %d on worker %s",
                task.pk,
                task.task_path,
                attempts,
                last_worker,
            )
        OperationsEvent.objects.create(action=action, subject=f"task {task.pk}", detail=detail)
    return result


@transaction.atomic(durable=True)
def operations_prune(*, now: datetime | None = None) -> dict[str, int]:
    """Remove heartbeats of processes gone for a day and job runs older than 90 days."""
    now = now or timezone.now()
    beats, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    runs, _ = JobRun.objects.filter(slot__lt=now - timedelta(days=90)).delete()
    return {"heartbeats": beats, "job_runs": runs}


@transaction.atomic(durable=True)
def job_claim(*, job: str, slot: datetime) -> JobRun | None:
    """Claim the run of `job` for `slot`, or None when it (or a later slot) is already
    claimed. The unique (job, slot) row is the lock: a second scheduler's insert fails."""
    if JobRun.objects.filter(job=job, slot__gte=slot).exists():
        return None
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, slot=slot, started_at=timezone.now())
    except IntegrityError:
        return None


@transaction.atomic(durable=True)
def job_finish(*, run_id: int, outcome: str, task_id: str = "", detail: str = "") -> JobRun:
    """Record how a claimed run ended (or that it was handed to the workers)."""
    run = JobRun.objects.select_for_update().get(pk=run_id)
    run.finished_at = timezone.now()
    run.duration_ms = max(0, int((run.finished_at - run.started_at).total_seconds() * 1000))
    run.outcome = outcome
    run.task_id = task_id[:64]
    run.detail = detail[:SHORT_TEXT_MAX]
    run.save(update_fields=["finished_at", "duration_ms", "outcome", "task_id", "detail"])
    return run
