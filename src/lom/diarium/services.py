"""Registering documents and configuring the numbering series."""

from datetime import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.bounds import NAME_MAX
from lom.common.errors import DomainError
from lom.common.validation import optional_text
from lom.diarium.models import (
    FORMAT_MAX,
    NUMBER_MAX,
    PREFIX_MAX,
    Direction,
    DocumentSeries,
    RegisteredDocument,
    Secrecy,
    SeriesCounter,
)
from lom.diarium.numbering import format_number
from lom.organisations.models import Organisation

__all__ = [
    "document_exchange_register",
    "document_register",
    "format_number",
    "series_check",
    "series_save",
]


def document_register(
    *,
    organisation_id: int,
    kind: str,
    title: str,
    target: models.Model,
    party: str = "",
    direction: str = "internal",
    secrecy: str = Secrecy.PUBLIC,
    case_id: int | None = None,
    case_number: str = "",
    by: User | None = None,
    at: datetime | None = None,
) -> RegisteredDocument:
    # step: registers inside the caller's transaction (the document and its registration
    # are one action), taking the next number of the registration year's series.
    at = at or timezone.now()
    year = timezone.localdate(at).year
    counter, _created = SeriesCounter.objects.select_for_update().get_or_create(
        organisation_id=organisation_id, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    series = DocumentSeries.objects.filter(organisation_id=organisation_id).first()
    return RegisteredDocument.objects.create(
        organisation_id=organisation_id,
        number=format_number(series, year=year, sequence=counter.last)[:NUMBER_MAX],
        year=year,
        sequence=counter.last,
        kind=kind,
        direction=direction,
        title=(title or "")[:NAME_MAX],
        party=(party or "")[:NAME_MAX],
        secrecy=secrecy,
        case_id=case_id,
        case_number=case_number,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        registered_at=at,
        registered_by=by,
    )


def document_exchange_register(
    *,
    sender: Organisation,
    receiver: Organisation,
    kind: str,
    title: str,
    target: models.Model,
    secrecy: str = Secrecy.PUBLIC,
    case_number: str = "",
    by: User | None = None,
    at: datetime | None = None,
) -> tuple[RegisteredDocument, RegisteredDocument]:
    # step: a document one organisation sends another is registered by both, inside the
    # caller's transaction: sent (outgoing) in the sender's register, received (incoming) in
    # the receiver's, each naming the other as the party and with its own series' number.
    at = at or timezone.now()
    sent, received = (
        document_register(
            organisation_id=own.pk,
            party=other.name,
            direction=direction,
            kind=kind,
            title=title,
            target=target,
            secrecy=secrecy,
            case_number=case_number,
            by=by,
            at=at,
        )
        for own, other, direction in (
            (sender, receiver, Direction.OUTGOING),
            (receiver, sender, Direction.INCOMING),
        )
    )
    return sent, received


def series_check(*, prefix: str, number_format: str, number_width: int) -> tuple[str, str, int]:
    # pure: the series' settings checked (the settings page's preview uses it too): a format
    # with the year and the number, a width of 0–8, and numbers that fit the register's column.
    prefix = optional_text(prefix, field="prefix", max_length=PREFIX_MAX)
    number_format = optional_text(number_format, field="number_format", max_length=FORMAT_MAX)
    if "{number}" not in number_format or "{year}" not in number_format:
        raise DomainError(
            _("Formatet måste innehålla {year} och {number}, t.ex. {prefix} {year}/{number}."),
            field="number_format",
        )
    if not 0 <= number_width <= 8:
        raise DomainError(_("Ange 0–8 siffror."), field="number_width")
    longest = DocumentSeries(prefix=prefix, number_format=number_format, number_width=number_width)
    if len(format_number(longest, year=9999, sequence=99_999_999)) > NUMBER_MAX:
        raise DomainError(
            _("Numren blir för långa: högst %(n)d tecken.") % {"n": NUMBER_MAX},
            field="number_format",
        )
    return prefix, number_format, number_width


@transaction.atomic(durable=True)
def series_save(
    *,
    actor: User,
    organisation: Organisation,
    prefix: str,
    number_format: str,
    number_width: int = 0,
) -> DocumentSeries:
    """Set the organisation's numbering series. Numbers already given are kept."""
    prefix, number_format, number_width = series_check(
        prefix=prefix, number_format=number_format, number_width=number_width
    )
    series, _created = DocumentSeries.objects.get_or_create(organisation=organisation)
    before = {"prefix": series.prefix, "format": series.number_format}
    series.prefix = prefix
    series.number_format = number_format
    series.number_width = number_width
    series.save()
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="diarium.series",
        target=series,
        before=before,
        after={"prefix": prefix, "format": number_format, "width": number_width},
    )
    return series
