"""Reading the register of documents and the numbering series, always within one organisation."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lom.diarium.models import DocumentSeries, RegisteredDocument, Secrecy, SeriesCounter
from lom.diarium.numbering import SeriesLike, format_number
from lom.diarium.permissions import reads_public_only
from lom.organisations.access import Actor
from lom.organisations.models import Organisation

# The register's keyset order: newest first, the id making it unique.
ORDER = ("-registered_at", "-id")


@dataclass(frozen=True)
class DocumentFilter:
    """The register's search and filters; every field optional."""

    q: str = ""
    kind: str = ""
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    secrecy: str = ""
    direction: str = ""


def documents_for(
    *, actor: Actor, filters: DocumentFilter | None = None
) -> QuerySet[RegisteredDocument]:
    """The actor's organisation's registered documents (only the public ones for a union
    representative), filtered, newest first."""
    f = filters or DocumentFilter()
    qs = RegisteredDocument.objects.filter(organisation=actor.organisation)
    if reads_public_only(actor):
        qs = qs.filter(secrecy=Secrecy.PUBLIC)
    if f.q:
        qs = qs.filter(
            Q(number__icontains=f.q)
            | Q(title__icontains=f.q)
            | Q(party__icontains=f.q)
            | Q(case_number__icontains=f.q)
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.date_from:
        qs = qs.filter(registered_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(registered_at__date__lte=f.date_to)
    if f.secrecy:
        qs = qs.filter(secrecy=f.secrecy)
    if f.direction:
        qs = qs.filter(direction=f.direction)
    return qs.order_by(*ORDER)


def document_get(*, actor: Actor, pk: int) -> RegisteredDocument:
    """One document the actor may read, or 404 (another organisation's is not found either)."""
    found = documents_for(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def documents_of_target(
    *, organisation_id: int, target_type: str, target_id: int
) -> QuerySet[RegisteredDocument]:
    """The registrations of one document (e.g. `cases.decisionletter` 12)."""
    return RegisteredDocument.objects.filter(
        organisation_id=organisation_id, target_type=target_type, target_id=target_id
    )


def series_of(*, organisation: Organisation) -> DocumentSeries:
    """The organisation's series (the default, unsaved, when it has set none)."""
    found = DocumentSeries.objects.filter(organisation=organisation).first()
    return found or DocumentSeries(organisation=organisation)


def series_next_number(*, organisation: Organisation, series: SeriesLike | None = None) -> str:
    """The number the next registration of this year would get (with `series`, e.g. settings
    not saved yet, or the organisation's own)."""
    year = timezone.localdate().year
    counter = SeriesCounter.objects.filter(organisation=organisation, year=year).first()
    sequence = (counter.last if counter else 0) + 1
    return format_number(
        series or series_of(organisation=organisation), year=year, sequence=sequence
    )
