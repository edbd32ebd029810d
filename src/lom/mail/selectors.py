"""Reads of the outbox: what the sweep should send, and the failures an administrator sees."""

from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from lom.mail.models import OutboundMail

FAILURES_PER_PAGE = 25


def mail_due_ids(
    *, now: datetime, stuck_after: timedelta, after_pk: int = 0, limit: int = 500
) -> list[int]:
    """Mails to try now, oldest first from `after_pk`: RETRYING ones whose time has come, and
    QUEUED ones no delivery task has taken within `stuck_after` (a lost enqueue, or a worker
    that died mid-send and whose lease ran out)."""
    stuck = now - stuck_after
    queued_too_long = Q(next_attempt_at__isnull=True, created_at__lte=stuck) | Q(
        next_attempt_at__lte=stuck
    )
    due = Q(status=OutboundMail.Status.RETRYING, next_attempt_at__lte=now) | (
        Q(status=OutboundMail.Status.QUEUED) & queued_too_long
    )
    # tenant-scope: the delivery sweep sends every organisation's mail (ids only, no content)
    rows = OutboundMail.objects.filter(due, pk__gt=after_pk).order_by("pk")
    return list(rows.values_list("pk", flat=True)[:limit])


def failed_mails(*, organisation_id: int) -> QuerySet[OutboundMail]:
    """The organisation's mails that could not be delivered, newest first."""
    return OutboundMail.objects.filter(
        organisation_id=organisation_id, status=OutboundMail.Status.FAILED
    ).order_by("-created_at", "-pk")


def failed_mail_page(*, organisation_id: int, page: int) -> Page:
    """One page of the failure list, each mail with its attempt log (two queries per page)."""
    rows = failed_mails(organisation_id=organisation_id).prefetch_related("attempt_log")
    return Paginator(rows.annotate(tries=Count("attempt_log")), FAILURES_PER_PAGE).get_page(page)


def failed_mail_count(*, organisation_id: int) -> int:
    return failed_mails(organisation_id=organisation_id).count()


def organisation_mail(*, organisation_id: int, pk: int) -> OutboundMail | None:
    """One mail of the organisation (None for another organisation's, or none)."""
    return OutboundMail.objects.filter(pk=pk, organisation_id=organisation_id).first()
