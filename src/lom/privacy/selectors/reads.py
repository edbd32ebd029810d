"""The read log, searched by the organisation's administrator and auditor."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from lom.common.models import ReadLog
from lom.organisations.models import Organisation


@dataclass(frozen=True)
class ReadFilter:
    employee: str = ""  # a name or an employee number
    reader: str = ""  # a user name or a name
    data_class: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w][:5]


def read_log_search(*, organisation: Organisation, filters: ReadFilter) -> QuerySet[ReadLog]:
    """The organisation's read-log rows matching `filters`, newest first. Never another
    organisation's rows."""
    qs = ReadLog.objects.filter(organisation=organisation).select_related("actor", "employee")
    for word in _words(filters.employee):
        qs = qs.filter(
            Q(employee__first_name__icontains=word)
            | Q(employee__last_name__icontains=word)
            | Q(employee__employee_number__iexact=word)
        )
    for word in _words(filters.reader):
        qs = qs.filter(
            Q(actor__username__icontains=word)
            | Q(actor__first_name__icontains=word)
            | Q(actor__last_name__icontains=word)
        )
    if filters.data_class:
        qs = qs.filter(data_class=filters.data_class)
    if filters.date_from:
        qs = qs.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(at__date__lte=filters.date_to)
    return qs.order_by("-at", "-id")


def reader_name(row: ReadLog) -> str:
    if row.actor is None:
        return ""
    return row.actor.get_full_name() or row.actor.username
