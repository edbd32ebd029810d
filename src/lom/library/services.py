"""Writes of the measure library: draft from a case, consent of both parties, publication,
withdrawal, and the background embedding.

Anonymisation is checked here by code (check_anonymous), never trusted: a draft that names a
participant or any employee of the organisation, a unit below the top level, an e-mail address, a
personal identity number or a phone number is refused. The costs and the participant count are
published only in a form that cannot be tied to one person (see published_costs)."""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from lom.accounts.models import User
from lom.agreements.models import MeasureType
from lom.cases.models import Case
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, NAME_MAX, TEXT_MAX
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.library import search
from lom.library.embedding import get_encoder, to_bytes
from lom.library.models import (
    MAX_MEASURE_TYPES,
    NEED_CATEGORY_MAX,
    EntryStatus,
    LibraryEntry,
)
from lom.library.permissions import (
    can_draft_entry,
    can_edit_entry,
    can_publish_anyway,
    can_withdraw_entry,
    consent_side,
)
from lom.library.selectors import (  # noqa: F401 - re-exported: the snapshot is a read
    Snapshot,
    case_snapshot,
    draft_initial,
    published_costs,
    similar_published,
)
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Membership, Organisation, Unit

TEXT_LIMITS = {
    "title": NAME_MAX,
    "need": TEXT_MAX,
    "need_category": NEED_CATEGORY_MAX,
    "summary": TEXT_MAX,
    "lessons": TEXT_MAX,
}
# Who may stand as the entry's contact person: the parties, not the employees.
CONTACT_ROLES = ("coordinator", "decision_maker", "union_rep", "org_admin")

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
# Personal identity and coordination numbers: YYMMDD-NNNN, YYYYMMDDNNNN and the like.
PNR_RE = re.compile(r"(?<!\d)(?:19|20)?\d{2}[01]\d[0-3]\d[-+ ]?\d{4}(?!\d)")
# Swedish phone numbers: 0 or +46 followed by at least 6 more digits, spaces or dashes between.
PHONE_RE = re.compile(r"(?<![\w+])(?:\+46|0)[\s-]?\d(?:[\s-]?\d){5,}(?!\d)")


# -- anonymisation ---------------------------------------------------------------------------


# Names that are also everyday Swedish words ("kostnad per deltagare", "en chef"). They are
# not refused on their own: a text is still refused for any other part of the same name.
COMMON_WORD_NAMES = frozenset(
    {"per", "bo", "chef", "mark", "dag", "vid", "sten", "von", "af"}
    # role words used as placeholder surnames of shared accounts ("Sofia Samordnare")
    | {"medarbetare", "samordnare", "facklig", "beslutsfattare", "revisor", "administratör"}
)


def _person_names(organisation: Organisation, case: Case | None) -> set[str]:
    names: set[str] = set()
    rows = Employee.objects.filter(organisation=organisation).values_list("first_name", "last_name")
    for first, last in rows:
        for part in re.split(r"[\s-]+", f"{first} {last}"):
            if len(part) >= 2:
                names.add(part.lower())
    users = User.objects.filter(
        pk__in=Membership.objects.filter(organisation=organisation).values("user_id")
    ).values_list("first_name", "last_name")
    for first, last in users:
        for part in re.split(r"[\s-]+", f"{first} {last}"):
            if len(part) >= 2:
                names.add(part.lower())
    return names - COMMON_WORD_NAMES


def _unit_names(organisation: Organisation) -> list[str]:
    return [
        n.lower()
        for n in Unit.objects.filter(organisation=organisation, parent__isnull=False).values_list(
            "name", flat=True
        )
        if n and len(n) >= 3
    ]


def check_anonymous(  # pure: a check that reads, writes nothing
    *, organisation: Organisation, case: Case | None, texts: dict[str, str]
) -> None:
    """Refuse texts that could point to a person: names of the organisation's employees and
    users (first or last name as a whole word, any case), names of units below the top level,
    e-mail addresses, personal identity numbers and phone numbers."""
    names = _person_names(organisation, case)
    units = _unit_names(organisation)
    for fname, text in texts.items():
        if not text:
            continue
        low = text.lower()
        if EMAIL_RE.search(text):
            raise DomainError(_("Ta bort e-postadressen ur texten."), field=fname)
        if PNR_RE.search(text):
            raise DomainError(_("Ta bort personnumret ur texten."), field=fname)
        if PHONE_RE.search(text):
            raise DomainError(_("Ta bort telefonnumret ur texten."), field=fname)
        for word in re.findall(r"\w+", low):
            if word in names:
                raise DomainError(
                    _(
                        "Texten innehåller ”%(w)s”, som är namnet på en anställd. Skriv om "
                        "texten utan namn."
                    )
                    % {"w": word},
                    field=fname,
                )
        for unit in units:
            if re.search(r"(?<!\w)" + re.escape(unit) + r"(?!\w)", low):
                raise DomainError(
                    _(
                        "Texten nämner enheten ”%(u)s”. Ange bara organisationens sektor och "
                        "storlek, inga enheter."
                    )
                    % {"u": unit},
                    field=fname,
                )


@dataclass
class EntryInput:
    title: str
    need: str
    summary: str
    measure_type_ids: list[int] = field(default_factory=list)
    need_category: str = ""
    lessons: str = ""
    contact_user_id: int | None = None
    contact_agreed: bool = False
    reviewed: bool = False  # the coordinator confirms having edited out anything personal


def _bounded(value: str | None, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": limit}, field=field)
    return value


def _clean(data: EntryInput, organisation: Organisation, case: Case | None) -> dict[str, object]:
    """The entry's checked fields: its texts (bounded, anonymous) and its contact person."""
    texts = {
        name: _bounded(getattr(data, name), field=name, limit=limit)
        for name, limit in TEXT_LIMITS.items()
    }
    for name, msg in (
        ("title", _("Ge exemplet en rubrik.")),
        ("need", _("Beskriv behovet som insatsen svarade mot.")),
        ("summary", _("Beskriv insatsens innehåll.")),
    ):
        if not texts[name]:
            raise DomainError(msg, field=name)
    if not data.measure_type_ids:
        raise DomainError(_("Välj minst en insatstyp."), field="measure_type_ids")
    if not data.reviewed:
        raise DomainError(
            _("Bekräfta att du har läst texten och tagit bort allt som kan peka ut någon."),
            field="reviewed",
        )
    check_anonymous(organisation=organisation, case=case, texts=texts)
    contact = None
    if data.contact_user_id is not None and not 0 < data.contact_user_id <= DB_ID_MAX:
        raise DomainError(_("Välj en kontaktperson i organisationen."), field="contact_user_id")
    if data.contact_user_id:
        # One of the parties (as the form offers), never any employee: a participant named
        # as the contact person next to the organisation's name would be identified.
        contact = User.objects.filter(
            pk=data.contact_user_id,
            pk__in=Membership.objects.filter(
                organisation=organisation, role__in=CONTACT_ROLES
            ).values("user_id"),
        ).first()
        if contact is None:
            raise DomainError(_("Välj en kontaktperson i organisationen."), field="contact_user_id")
        if not data.contact_agreed:
            raise DomainError(
                _("Kontaktpersonen måste ha gått med på att stå med namn."),
                field="contact_agreed",
            )
    return {
        **texts,
        "contact_user": contact,
        "contact_name": (contact.get_full_name() or contact.username) if contact else "",
        "contact_email": (contact.email or "") if contact else "",
    }


def _measure_types(ids: list[int]) -> list[MeasureType]:
    if len(ids) > MAX_MEASURE_TYPES:
        raise DomainError(
            _("Välj högst %(n)d insatstyper.") % {"n": MAX_MEASURE_TYPES}, field="measure_type_ids"
        )
    # An id no integer column can hold is unknown (SQLite would raise OverflowError).
    if any(not isinstance(i, int) or not 0 < i <= DB_ID_MAX for i in ids):
        raise DomainError(_("Okänd insatstyp."), field="measure_type_ids")
    types = list(MeasureType.objects.filter(pk__in=ids))
    if len(types) != len(set(ids)):
        raise DomainError(_("Okänd insatstyp."), field="measure_type_ids")
    return types


def _summary_for_audit(entry: LibraryEntry) -> dict:
    return {
        "status": entry.status,
        "title": entry.title,
        "contact": entry.contact_name,
        "employer_consent": bool(entry.employer_consent_at),
        "union_consent": bool(entry.union_consent_at),
        "publish_anyway": bool(entry.publish_anyway_at),
    }


@transaction.atomic(durable=True)
def library_entry_create(*, actor: Actor, case: Case, data: EntryInput) -> LibraryEntry:
    verdict = can_draft_entry(actor, case)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    # Lock the case so two people drafting it at once get the message below, not a 500 from
    # the one-entry-per-case constraint.
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    if LibraryEntry.objects.filter(case=case).exists():
        raise DomainError(_("Insatsen finns redan i biblioteket."))
    values = _clean(data, case.organisation, case)
    types = _measure_types(data.measure_type_ids)
    snap = case_snapshot(case)
    entry = LibraryEntry.objects.create(
        organisation=case.organisation,
        case=case,
        created_by=actor.user,
        **values,
        **snap.__dict__,
    )
    entry.measure_types.set(types)
    audit(
        organisation_id=entry.organisation_id,
        actor=actor.user,
        action="library.draft",
        target=entry,
        case=case,
        after=_summary_for_audit(entry),
    )
    return entry


@transaction.atomic(durable=True)
def library_entry_update(*, actor: Actor, entry: LibraryEntry, data: EntryInput) -> LibraryEntry:
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    verdict = can_edit_entry(actor, entry)
    if not verdict:
        own_coordinator = entry.organisation_id == actor.organisation.pk and actor.has(
            "coordinator"
        )
        if own_coordinator and entry.status != EntryStatus.DRAFT:
            raise ConflictError(verdict.reason, code="state")  # only drafts are changed
        raise PermissionDeniedError(verdict.reason)
    before = _summary_for_audit(entry)
    values = _clean(data, entry.organisation, entry.case)
    types = _measure_types(data.measure_type_ids)
    for k, v in values.items():
        setattr(entry, k, v)
    # Consent was given to the earlier text: changing it asks both parties again.
    entry.employer_consent_at = entry.union_consent_at = None
    entry.employer_consent_by = entry.union_consent_by = None
    # So was the confirmation that it differs from the published entries.
    entry.publish_anyway_at = None
    entry.publish_anyway_by = None
    entry.save()
    entry.measure_types.set(types)
    audit(
        organisation_id=entry.organisation_id,
        actor=actor.user,
        action="library.update",
        target=entry,
        case=entry.case,
        before=before,
        after=_summary_for_audit(entry),
    )
    return entry


@transaction.atomic(durable=True)
def library_consent(*, actor: Actor, entry: LibraryEntry, side: str) -> LibraryEntry:
    """Record one party's consent; the entry is published when both have consented (a draft
    close to a published entry of the organisation also needs the coordinator's "publish
    anyway", library_publish_anyway)."""
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    verdict = consent_side(actor, entry, side)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    before = _summary_for_audit(entry)
    now = timezone.now()
    if side == "employer":
        entry.employer_consent_by, entry.employer_consent_at = actor.user, now
    else:
        entry.union_consent_by, entry.union_consent_at = actor.user, now
    entry.save()
    audit(
        organisation_id=entry.organisation_id,
        actor=actor.user,
        action=f"library.consent_{side}",
        target=entry,
        case=entry.case,
        before=before,
        after=_summary_for_audit(entry),
    )
    _do_publish_if_ready(actor, entry)
    return entry


def _do_publish_if_ready(actor: Actor, entry: LibraryEntry) -> bool:
    """Publish a draft both parties consented to, unless it is close to one of the
    organisation's published entries and the coordinator has not confirmed publishing anyway
    (then it stays a draft with both consents)."""
    if not (entry.employer_consent_at and entry.union_consent_at):
        return False
    if not entry.publish_anyway_at and similar_published(entry=entry):
        return False
    entry.status = EntryStatus.PUBLISHED
    entry.published_at = timezone.now()
    entry.save(update_fields=["status", "published_at", "updated_at"])
    search.index_entry(entry)
    audit(
        organisation_id=entry.organisation_id,
        actor=actor.user,
        action="library.publish",
        target=entry,
        case=entry.case,
        after=_summary_for_audit(entry),
    )
    _queue_embedding(entry)
    return True


@transaction.atomic(durable=True)
def library_publish_anyway(*, actor: Actor, entry: LibraryEntry) -> LibraryEntry:
    """The coordinator confirms that a draft close to a published entry describes a measure of
    its own; it is published at once if both parties have consented, else when they have."""
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    verdict = can_publish_anyway(actor, entry)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    before = _summary_for_audit(entry)
    entry.publish_anyway_by, entry.publish_anyway_at = actor.user, timezone.now()
    entry.save(update_fields=["publish_anyway_by", "publish_anyway_at", "updated_at"])
    audit(
        organisation_id=entry.organisation_id,
        actor=actor.user,
        action="library.publish_anyway",
        target=entry,
        case=entry.case,
        before=before,
        after=_summary_for_audit(entry),
    )
    _do_publish_if_ready(actor, entry)
    return entry


@transaction.atomic(durable=True)
def library_entry_withdraw(*, actor: Actor, entry: LibraryEntry, reason: str = "") -> LibraryEntry:
    """Either party takes the entry back: it leaves the search at once; the audit trail keeps
    that it was published and withdrawn."""
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    verdict = can_withdraw_entry(actor, entry)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    reason = _bounded(reason, field="reason", limit=COMMENT_MAX)
    before = _summary_for_audit(entry)
    entry.status = EntryStatus.WITHDRAWN
    entry.withdrawn_at = timezone.now()
    entry.withdrawn_by = actor.user
    entry.withdraw_reason = reason
    entry.embedding = None
    entry.embedding_model = ""
    entry.save()
    search.index_entry(entry)
    audit(
        organisation_id=entry.organisation_id,
        actor=actor.user,
        action="library.withdraw",
        target=entry,
        case=entry.case,
        before=before,
        after=_summary_for_audit(entry),
        note=entry.withdraw_reason,
    )
    return entry


# -- embeddings (background) -----------------------------------------------------------------


def _queue_embedding(entry: LibraryEntry) -> None:
    if get_encoder() is None:
        return
    pk = entry.pk
    transaction.on_commit(lambda: embed_library_entry.enqueue(entry_id=pk))


@transaction.atomic(durable=True)
def library_entry_embed(*, entry_id: int) -> bool:
    """Compute and store the entry's embedding (run by the worker). False when there is no
    model or the entry is no longer published."""
    enc = get_encoder()
    entry = LibraryEntry.objects.filter(pk=entry_id, status=EntryStatus.PUBLISHED).first()
    if enc is None or entry is None:
        return False
    vec = enc.encode([entry.search_document])[0]
    LibraryEntry.objects.filter(pk=entry_id, status=EntryStatus.PUBLISHED).update(
        embedding=to_bytes(vec), embedding_model=enc.name
    )
    return True


@task()
def embed_library_entry(entry_id: int) -> None:  # pure: the task runs one durable service
    """The background task that embeds one entry (enqueued on commit by _queue_embedding)."""
    library_entry_embed(entry_id=entry_id)
