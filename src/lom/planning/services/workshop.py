"""Workshops: setting up, leading through the steps, locking the result, new versions.

Every write locks the workshop row first (`_locked_row`), so writes to one workshop are
serialised and nobody writes after the facilitator has locked the result."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.bounds import NAME_MAX
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.sealed import seal_document
from lom.common.validation import optional_text
from lom.common.validation import required_text as _text
from lom.organisations.access import Actor
from lom.planning.documents import render_workshop_pdf
from lom.planning.models import (
    PLACE_MAX,
    STEP_ORDER,
    ClosingWord,
    FactorCard,
    Proposal,
    Workshop,
    WorkshopArea,
    WorkshopNeed,
    WorkshopParticipant,
)
from lom.planning.permissions import (
    can_create_workshop,
    can_facilitate,
    is_facilitator,
)
from lom.planning.services._common import (
    _invitees,
    _locked_row,
    _notify_invited,
    _require,
    _touch,
)

MAX_TIMEBOX_MINUTES = 240


@transaction.atomic(durable=True)
def workshop_create(
    *,
    actor: Actor,
    title: str,
    held_on: date,
    place: str = "",
    participant_ids: list[int] | None = None,
    facilitator_ids: list[int] | None = None,
    usernames: list[str] | None = None,
) -> Workshop:
    """The creator becomes its facilitator and first participant. People are invited by id
    or by user name (e.g. employees without another role)."""
    _require(can_create_workshop(actor))
    title = _text(title, field="title", message=_("Ge workshoppen en rubrik."), max_length=NAME_MAX)
    place = optional_text(place, field="place", max_length=PLACE_MAX)
    ids = set(participant_ids or []) | set(facilitator_ids or []) | {actor.user.pk}
    parties = _invitees(actor.organisation.pk, ids, usernames)
    workshop = Workshop.objects.create(
        organisation=actor.organisation,
        title=title,
        held_on=held_on,
        place=place,
        created_by=actor.user,
    )
    facilitators = set(facilitator_ids or []) | {actor.user.pk}
    WorkshopParticipant.objects.bulk_create(
        [
            WorkshopParticipant(
                workshop=workshop,
                user_id=uid,
                union_id=union,
                is_facilitator=uid in facilitators,
                invited_by=actor.user,
            )
            for uid, union in parties.items()
        ]
    )
    audit(
        organisation_id=workshop.organisation_id,
        actor=actor.user,
        action="workshop.create",
        target=workshop,
        after={"title": title, "held_on": held_on.isoformat(), "participants": sorted(parties)},
    )
    _notify_invited(workshop, sorted(parties), actor)
    return workshop


@transaction.atomic(durable=True)
def workshop_invite(
    *,
    actor: Actor,
    workshop: Workshop,
    user_ids: list[int],
    usernames: list[str] | None = None,
    facilitator: bool = False,
) -> int:
    """Invite more participants (both parties), by id or by user name. Returns how many were
    new."""
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    parties = _invitees(ws.organisation_id, user_ids, usernames)
    existing = set(ws.participants.values_list("user_id", flat=True))
    new = [uid for uid in parties if uid not in existing]
    WorkshopParticipant.objects.bulk_create(
        [
            WorkshopParticipant(
                workshop=ws,
                user_id=uid,
                union_id=parties[uid],
                is_facilitator=facilitator,
                invited_by=actor.user,
            )
            for uid in new
        ]
    )
    if new:
        _touch(ws)
        audit(
            organisation_id=ws.organisation_id,
            actor=actor.user,
            action="workshop.invite",
            target=ws,
            after={"participants": new, "facilitator": facilitator},
        )
        _notify_invited(ws, new, actor)
    return len(new)


@transaction.atomic(durable=True)
def workshop_remove_participant(
    *, actor: Actor, workshop: Workshop, participant: WorkshopParticipant
) -> None:
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if participant.workshop_id != ws.pk:
        raise DomainError(_("Deltagaren hör inte till workshoppen."))
    if participant.user_id == ws.created_by_id:
        raise DomainError(_("Den som skapade workshoppen kan inte tas bort."))
    participant.delete()
    _touch(ws)
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.uninvite",
        target=ws,
        before={"participant": participant.user_id},
    )


# --- Workshops: leading through the steps ---------------------------------------------------


@transaction.atomic(durable=True)
def workshop_set_step(*, actor: Actor, workshop: Workshop, step: str) -> Workshop:
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if step not in STEP_ORDER:
        raise DomainError(_("Okänt steg."), field="step")
    before = ws.step
    ws.step, ws.step_ends_at = step, None
    ws.save(update_fields=["step", "step_ends_at"])
    _touch(ws)
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.step",
        target=ws,
        before={"step": before},
        after={"step": step},
    )
    return ws


@transaction.atomic(durable=True)
def workshop_set_timebox(*, actor: Actor, workshop: Workshop, minutes: int | None) -> Workshop:
    """Time-box the current step: it ends `minutes` from now (None or 0: no time-box)."""
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    if minutes and not 1 <= minutes <= MAX_TIMEBOX_MINUTES:
        raise DomainError(
            _("Ange mellan 1 och %(m)d minuter.") % {"m": MAX_TIMEBOX_MINUTES}, field="minutes"
        )
    ws.step_ends_at = timezone.now() + timedelta(minutes=minutes) if minutes else None
    ws.save(update_fields=["step_ends_at"])
    _touch(ws)
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.timebox",
        target=ws,
        after={"step": ws.step, "minutes": minutes or 0},
    )
    return ws


# --- Workshops: lock and versions -----------------------------------------------------------


@transaction.atomic(durable=True)
def workshop_lock(*, actor: Actor, workshop: Workshop) -> Workshop:
    """Lock the result: nothing on it changes afterwards. The PDF is rendered once and kept
    with its checksum."""
    ws = _locked_row(workshop)
    _require(can_facilitate(actor, ws))
    parties = set(ws.participants.values_list("union_id", flat=True))
    if None not in parties or not (parties - {None}):
        raise DomainError(
            _(
                "Workshoppen genomförs partsgemensamt: minst en deltagare från arbetsgivaren "
                "och en från de fackliga organisationerna ska vara inbjudna innan resultatet "
                "låses."
            ),
            code="parties_missing",
        )
    ws.status = Workshop.Status.LOCKED
    ws.step_ends_at = None
    ws.revision = ws.revision + 1
    sha = seal_document(
        ws,
        by=actor.user,
        render=lambda: render_workshop_pdf(ws),
        filename=f"workshop-{ws.organisation_id}-{ws.pk}-v{ws.version}.pdf",
    )
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.lock",
        target=ws,
        after={"sha256": sha, "version": ws.version},
    )
    return ws


@transaction.atomic(durable=True)
def workshop_new_version(*, actor: Actor, workshop: Workshop) -> Workshop:
    """Copy a locked workshop into a new, open one that points back to it. The locked one and
    its PDF stay as they were."""
    ws = _locked_row(workshop)
    if not is_facilitator(actor, ws):
        raise PermissionDeniedError(_("Bara workshoppens facilitator kan göra detta."))
    if not ws.is_locked:
        raise ConflictError(_("Bara en låst workshop kan få en ny version."), code="state")
    newer = ws.next_versions.first()
    if newer is not None:
        raise DomainError(
            _("Det finns redan en nyare version: %(t)s (version %(v)d).")
            % {"t": newer.title, "v": newer.version},
            code="newer_exists",
        )
    copy = Workshop.objects.create(
        organisation_id=ws.organisation_id,
        title=ws.title,
        held_on=timezone.localdate(),
        place=ws.place,
        created_by=actor.user,
        version=ws.version + 1,
        previous=ws,
    )
    WorkshopParticipant.objects.bulk_create(
        [
            WorkshopParticipant(
                workshop=copy,
                user_id=p.user_id,
                union_id=p.union_id,
                is_facilitator=p.is_facilitator or p.user_id == actor.user.pk,
                invited_by=actor.user,
            )
            for p in ws.participants.all()
        ]
    )
    area_map: dict[int, WorkshopArea] = {}
    for a in ws.areas.all():
        area_map[a.pk] = WorkshopArea.objects.create(workshop=copy, name=a.name, order=a.order)
    FactorCard.objects.bulk_create(
        [
            FactorCard(
                workshop=copy,
                text=c.text,
                author_id=c.author_id,
                area=area_map.get(c.area_id) if c.area_id is not None else None,
            )
            for c in ws.cards.all()
        ]
    )
    need_map = {}
    for n in ws.needs.all():
        need_map[n.pk] = WorkshopNeed.objects.create(
            workshop=copy,
            area=area_map[n.area_id],
            consequence=n.consequence,
            competence_need=n.competence_need,
            likelihood=n.likelihood,
            impact=n.impact,
            author_id=n.author_id,
        )
    for p in ws.proposals.prefetch_related("needs"):
        new = Proposal.objects.create(
            workshop=copy,
            title=p.title,
            description=p.description,
            cost_ore=p.cost_ore,
            target_group=p.target_group,
            measure_type_id=p.measure_type_id,
            author_id=p.author_id,
        )
        new.needs.set([need_map[n.pk] for n in p.needs.all()])
    ClosingWord.objects.bulk_create(
        [
            ClosingWord(workshop=copy, author_id=w.author_id, text=w.text)
            for w in ws.closing_words.all()
        ]
    )
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action="workshop.new_version",
        target=copy,
        after={"previous": ws.pk, "version": copy.version},
    )
    return copy
