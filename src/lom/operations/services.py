"""The writes of the operations machinery: heartbeats, lost tasks given back to the queue,
claims and outcomes of periodic job runs, pruning of their own records; and a visitor's
feedback on the accessibility statement, passed on to the administrators."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lom.accounts.models import User
from lom.common.bounds import NAME_MAX, SHORT_TEXT_MAX
from lom.common.errors import DomainError
from lom.mail.notify import notify, render_text
from lom.mail.services.compose import composed_queue, notification_mail, user_language
from lom.operations.accessibility import (
    FEEDBACK_MESSAGE_MAX,
    FEEDBACK_NAME_MAX,
    FEEDBACK_NOTIFICATION_KIND,
    FEEDBACK_PAGE_MAX,
    FEEDBACK_PER_HOUR,
    feedback_recipients,
)
from lom.operations.models import (
    AccessibilityIssue,
    AccessibilityStatement,
    JobRun,
    OperationsEvent,
    WorkerHeartbeat,
)
from lom.organisations.models import Membership, Organisation

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


# --- accessibility feedback ---------------------------------------------------------------


def _rate_key(client_ip: str) -> str:
    return f"lom:a11y-feedback:{client_ip or 'unknown'}"


@transaction.atomic(durable=True)
def accessibility_feedback_send(
    *,
    organisation: Organisation | None,
    message: str,
    name: str = "",
    email: str = "",
    page: str = "",
    client_ip: str = "",
) -> list[User]:
    """Tell the organisation's administrators (or the installation's) about a visitor's
    feedback on accessibility: an in-app notification and a mail each. At most
    FEEDBACK_PER_HOUR messages an hour from one address. Returns who was told."""
    message = message.strip()[:FEEDBACK_MESSAGE_MAX]
    if not message:
        raise DomainError(_("Skriv vad som inte fungerar."), field="message", code="required")
    key = _rate_key(client_ip)
    sent = cache.get(key, 0)
    if sent >= FEEDBACK_PER_HOUR:
        raise DomainError(
            _("Du har skickat många synpunkter på kort tid. Försök igen om en timme."),
            code="rate_limited",
        )
    cache.set(key, sent + 1, 3600)
    recipients = feedback_recipients(organisation)
    text = _("Synpunkt på tillgängligheten från %(who)s om sidan %(page)s: %(message)s")
    parts = (name.strip()[:FEEDBACK_NAME_MAX], f"<{email.strip()[:254]}>" if email else "")
    who = " ".join(p for p in parts if p)
    params = {
        "who": who or _("en anonym besökare"),
        "page": page.strip()[:FEEDBACK_PAGE_MAX] or "–",
        "message": message,
    }
    by_org: dict[int | None, list[User]] = {}
    for user in recipients:
        org_id = organisation.pk if organisation is not None else _home_organisation_id(user)
        by_org.setdefault(org_id, []).append(user)
    for org_id, users in by_org.items():
        if org_id is not None:
            notify(
                users=users,
                organisation_id=org_id,
                kind=FEEDBACK_NOTIFICATION_KIND,
                text=text,
                params=params,
                reference="",
                url="/accessibility/",
            )
            continue
        # An administrator of no organisation has no in-app list: the mail only.
        for user in users:
            if not user.email:
                continue
            composed = notification_mail(
                user=user,
                kind=FEEDBACK_NOTIFICATION_KIND,
                text=render_text(text, params, user_language(user)),
                url="/accessibility/",
                reference="",
            )
            composed_queue(
                composed,
                to_address=user.email,
                organisation_id=None,
                user_id=user.pk,
                kind=FEEDBACK_NOTIFICATION_KIND,
            )
    return recipients


def _home_organisation_id(user: User) -> int | None:
    # tenant-scope: where an installation administrator gets their in-app notifications
    return (
        Membership.objects.filter(user=user)
        .order_by("id")
        .values_list("organisation_id", flat=True)
        .first()
    )


@transaction.atomic(durable=True)
def accessibility_statement_save(
    *,
    statement: AccessibilityStatement | None,
    compliance: str,
    assessment_method: str,
    assessed_on: date,
    published_on: date,
    reviewed_on: date,
    contact_email: str = "",
) -> AccessibilityStatement:
    """The platform administrator keeps the installation's one accessibility statement."""
    if compliance not in AccessibilityStatement.Compliance.values:
        raise DomainError(_("Välj hur förenlig tjänsten är."), field="compliance")
    if not assessment_method.strip():
        raise DomainError(_("Beskriv hur tjänsten har granskats."), field="assessment_method")
    if reviewed_on < published_on:
        raise DomainError(
            _("Redogörelsen kan inte ha uppdaterats innan den upprättades."), field="reviewed_on"
        )
    if statement is None:
        if AccessibilityStatement.objects.exists():
            raise DomainError(_("Installationen har redan en tillgänglighetsredogörelse."))
        statement = AccessibilityStatement()
    else:
        statement = AccessibilityStatement.objects.select_for_update().get(pk=statement.pk)
    statement.compliance = compliance
    statement.assessment_method = assessment_method.strip()[:SHORT_TEXT_MAX]
    statement.assessed_on = assessed_on
    statement.published_on = published_on
    statement.reviewed_on = reviewed_on
    statement.contact_email = contact_email.strip()
    statement.save()
    return statement


@transaction.atomic(durable=True)
def accessibility_issue_save(
    *,
    issue: AccessibilityIssue | None,
    title: str,
    description: str,
    reason: str,
    order: int = 0,
) -> AccessibilityIssue:
    """A known issue of the installation's statement (added or changed)."""
    statement = AccessibilityStatement.objects.order_by("id").first()
    if statement is None:
        raise DomainError(_("Lägg först upp tillgänglighetsredogörelsen."))
    if reason not in AccessibilityIssue.Reason.values:
        raise DomainError(_("Välj skälet."), field="reason")
    if not title.strip():
        raise DomainError(_("Ange bristen."), field="title")
    if issue is None:
        issue = AccessibilityIssue(statement=statement)
    else:
        issue = AccessibilityIssue.objects.select_for_update().get(pk=issue.pk)
    issue.title = title.strip()[:NAME_MAX]
    issue.description = description.strip()[:SHORT_TEXT_MAX]
    issue.reason = reason
    issue.order = max(0, min(int(order), 32_767))
    issue.save()
    return issue


@transaction.atomic(durable=True)
def accessibility_issue_delete(*, issue: AccessibilityIssue) -> None:
    """A known issue fixed: it leaves the statement."""
    AccessibilityIssue.objects.filter(pk=issue.pk).delete()
