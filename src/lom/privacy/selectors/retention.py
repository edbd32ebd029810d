"""What the next retention run removes: ONE selector per data class (`retention_due`), used by
the preview and by the run, so the two cannot disagree."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from lom.cases.models import Case, Status
from lom.common.models import Notification, ReadLog
from lom.events.models import Participant
from lom.mail.models import OutboundMail
from lom.organisations.models import Organisation
from lom.privacy.classes import CLASSES, DataClass
from lom.privacy.models import RetentionPolicy
from lom.support.models import EligibilityCheck, SessionNote, SupportApplication

CLOSED = (Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN)
MAIL_DONE = (
    OutboundMail.Status.SENT,
    OutboundMail.Status.FAILED,
    OutboundMail.Status.CANCELLED,
)
PREVIEW_ROWS = 5


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when shorter)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _due_private_reasons(org: Organisation, cutoff: datetime) -> QuerySet:
    return (
        Case.objects.filter(organisation=org, status__in=CLOSED, updated_at__lt=cutoff)
        .exclude(private_reason="")
        .order_by("updated_at", "id")
    )


def _due_drafts(org: Organisation, cutoff: datetime) -> QuerySet:
    # Never submitted, and nothing that is a public record points at it.
    return Case.objects.filter(
        organisation=org,
        status=Status.DRAFT,
        submitted_at__isnull=True,
        updated_at__lt=cutoff,
        ledger_entries__isnull=True,
        agenda_items__isnull=True,
        objections__isnull=True,
        decisions__isnull=True,
    ).order_by("updated_at", "id")


def _due_session_notes(org: Organisation, cutoff: datetime) -> QuerySet:
    return (
        SessionNote.objects.filter(
            booking__employee_organisation=org, booking__slot__starts_at__lt=cutoff
        )
        .exclude(text="")
        .order_by("created_at", "id")
    )


def _due_eligibility(org: Organisation, cutoff: datetime) -> QuerySet:
    return (
        EligibilityCheck.objects.filter(organisation=org, checked_at__lt=cutoff)
        .exclude(reasoning=[])
        .order_by("checked_at", "id")
    )


def _due_application_texts(org: Organisation, cutoff: datetime) -> QuerySet:
    return (
        SupportApplication.objects.filter(organisation=org, ended_at__lt=cutoff)
        .exclude(description="")
        .order_by("ended_at", "id")
    )


def _due_participants(org: Organisation, cutoff: datetime) -> QuerySet:
    return (
        Participant.objects.filter(
            registration__organisation=org, registration__event__ends_at__lt=cutoff
        )
        .select_related("registration")
        .order_by("registration__event__ends_at", "id")
    )


def _due_mail(org: Organisation, cutoff: datetime) -> QuerySet:
    return (
        OutboundMail.objects.filter(organisation=org, status__in=MAIL_DONE, created_at__lt=cutoff)
        .exclude(text="", html="")
        .order_by("created_at", "id")
    )


def _due_notifications(org: Organisation, cutoff: datetime) -> QuerySet:
    return Notification.objects.filter(organisation=org, created_at__lt=cutoff).order_by(
        "created_at", "id"
    )


def _due_reads(org: Organisation, cutoff: datetime) -> QuerySet:
    return ReadLog.objects.filter(organisation=org, at__lt=cutoff).order_by("at", "id")


DUE: dict[str, Callable[[Organisation, datetime], QuerySet]] = {
    "case.private_reason": _due_private_reasons,
    "case.draft": _due_drafts,
    "support.session_note": _due_session_notes,
    "support.eligibility_check": _due_eligibility,
    "support.application_text": _due_application_texts,
    "events.participant": _due_participants,
    "mail.body": _due_mail,
    "common.notification": _due_notifications,
    "common.readlog": _due_reads,
}
assert set(DUE) == {c.code for c in CLASSES}


@dataclass(frozen=True)
class InForce:
    data_class: DataClass
    months: int
    overridden: bool
    updated_at: datetime | None


def policies_in_force(*, organisation: Organisation) -> list[InForce]:
    """Every data class with the period that applies to `organisation`: its own, or the
    default."""
    own = {p.data_class: p for p in RetentionPolicy.objects.filter(organisation=organisation)}
    out = []
    for c in CLASSES:
        p = own.get(c.code)
        out.append(
            InForce(
                data_class=c,
                months=p.months if p else c.months_in_force,
                overridden=p is not None,
                updated_at=p.updated_at if p else None,
            )
        )
    return out


def cutoff_for(*, months: int, today: date) -> datetime:
    """Records whose clock started before this moment are due."""
    return timezone.make_aware(datetime.combine(months_before(today, months), time.min))


def retention_due(*, organisation: Organisation, code: str, months: int, today: date) -> QuerySet:
    """The records of data class `code` that a run on `today` removes or anonymises."""
    return DUE[code](organisation, cutoff_for(months=months, today=today))


@dataclass(frozen=True)
class PreviewRow:
    policy: InForce
    count: int
    first: list[tuple[str, str]]  # (label, url or "")


def _describe(code: str, obj: Model) -> tuple[str, str]:
    if isinstance(obj, Case):
        return f"{obj.display_number} {obj.title}", reverse("cases:detail", args=[obj.pk])
    if isinstance(obj, SessionNote):
        # No link: the notes are for the employee and the coach only.
        return f"#{obj.pk} {obj.created_at:%Y-%m-%d}", ""
    if isinstance(obj, EligibilityCheck):
        return f"#{obj.pk} {obj.as_of:%Y-%m-%d}", reverse("support:check", args=[obj.pk])
    if isinstance(obj, SupportApplication):
        # No link: the application is for the employee and the counsellors only.
        return f"#{obj.pk} {obj.created_at:%Y-%m-%d}", ""
    if isinstance(obj, Participant):
        return f"#{obj.pk}", reverse("events:detail", args=[obj.registration.event_id])
    if isinstance(obj, OutboundMail):
        return f"{obj.created_at:%Y-%m-%d} {obj.subject}", ""
    return f"#{obj.pk}", ""


def retention_preview(*, organisation: Organisation, today: date | None = None) -> list[PreviewRow]:
    """Per data class: how many records the next run takes, and the first of them."""
    day = today or timezone.localdate()
    rows = []
    for policy in policies_in_force(organisation=organisation):
        code = policy.data_class.code
        qs = retention_due(organisation=organisation, code=code, months=policy.months, today=day)
        first = [_describe(code, obj) for obj in qs[:PREVIEW_ROWS]]
        rows.append(PreviewRow(policy=policy, count=qs.count(), first=first))
    return rows
