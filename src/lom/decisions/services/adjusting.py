"""Adjusting the minutes (justering) of a joint meeting.

The chair (the coordinator who planned the meeting) and one adjuster per union party present
(the party's named adjuster, by default its representative) each adjust in their own signed-in
session, in any order, once the meeting has started and every item is decided or deferred. A
union adjuster adjusts only as themselves and for their own party. When the last of them has
adjusted, the minutes are sealed (a PDF listing the parties, substitutes and every adjuster with
the time) and registered in the diarium; one person alone never locks them.

Once the first adjuster has adjusted, every change to the meeting is refused (409) so that no
adjustment covers text its adjuster did not read; if the minutes must change, the coordinator
restarts the adjusting (the adjustments made are withdrawn, audited) and everyone adjusts the
corrected minutes. Sealed minutes change only by a new, linked meeting (`meeting_adjust`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.sealed import seal_document
from lom.common.validation import require as _require
from lom.decisions.minutes import adjusters_of, render_minutes_pdf
from lom.decisions.models import Adjustment, Meeting
from lom.decisions.permissions import can_manage_meetings
from lom.decisions.services.meetings import _meeting_create, _unsealed_meeting
from lom.diarium.models import DocumentKind, Secrecy
from lom.diarium.services import document_register
from lom.organisations.access import Actor
from lom.webhooks.services import webhook_emit


@transaction.atomic(durable=True)
def meeting_sign(*, actor: Actor, meeting: Meeting) -> Meeting:
    """The actor adjusts the minutes, as chair or as their union party's adjuster. The last
    adjuster's adjustment seals the minutes and registers them."""
    meeting = _unsealed_meeting(meeting)
    if meeting.organisation_id != actor.organisation.pk:
        raise DomainError(_("Sammanträdet tillhör en annan organisation."))
    now = timezone.now()
    if meeting.starts_at > now:
        raise ConflictError(
            _("Sammanträdet har inte börjat ännu; protokollet kan justeras först efter mötet."),
            code="state",
        )
    if meeting.items.filter(outcome="").exists():
        raise ConflictError(
            _("Alla punkter måste vara beslutade eller bordlagda innan protokollet justeras."),
            code="state",
        )
    named = adjusters_of(meeting)
    if len(named) < 2:
        raise ConflictError(
            _(
                "Protokollet justeras av ordföranden och en justerare för varje närvarande "
                "facklig part; ingen facklig part är närvarande."
            ),
            code="state",
        )
    done = set(meeting.adjusted_by.values_list("union_id", flat=True))
    mine = [
        union
        for union, uid in named.items()
        if uid == actor.user.pk
        and ((union is None and actor.is_coordinator) or union in actor.union_ids)
    ]
    if not mine:
        raise PermissionDeniedError(
            _("Du är inte utsedd att justera protokollet från detta sammanträde.")
        )
    todo = [union for union in mine if union not in done]
    if not todo:
        raise ConflictError(_("Du har redan justerat protokollet."), code="state")
    for union in todo:
        Adjustment.objects.create(meeting=meeting, user=actor.user, union_id=union, adjusted_at=now)
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.adjust_minutes",
        target=meeting,
        after={"as": ["chair" if u is None else u for u in todo]},
    )
    if done | set(todo) >= set(named):
        _seal(actor=actor, meeting=meeting)
    return meeting


def _seal(*, actor: Actor, meeting: Meeting) -> None:
    """Freeze the minutes: render the PDF once, store it with its checksum, register it."""
    meeting.status = Meeting.Status.SIGNED
    sha = seal_document(
        meeting,
        by=actor.user,
        render=lambda: render_minutes_pdf(meeting),
        filename=f"protokoll-{meeting.organisation_id}-{meeting.pk}.pdf",
    )
    document_register(
        organisation_id=meeting.organisation_id,
        kind=DocumentKind.MINUTES,
        title=_("Protokoll: %(t)s") % {"t": meeting.title},
        target=meeting,
        secrecy=Secrecy.PUBLIC,
        by=actor.user,
    )
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.sign",
        target=meeting,
        after={"sha256": sha},
    )
    webhook_emit(
        organisation=actor.organisation,
        event="document.registered",
        payload={
            "document": "minutes",
            "meeting_id": meeting.pk,
            "adjusts_meeting_id": meeting.adjusts_id,
            "title": meeting.title,
            "sha256": sha,
        },
    )


@transaction.atomic(durable=True)
def meeting_adjusting_restart(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Withdraw the adjustments made so far so the minutes can be corrected; everyone then
    adjusts the corrected minutes."""
    _require(can_manage_meetings(actor))
    meeting = _unsealed_meeting(meeting)
    withdrawn = [{"user": a.user_id, "union": a.union_id} for a in meeting.adjusted_by.all()]
    if not withdrawn:
        raise ConflictError(_("Ingen har justerat protokollet ännu."), code="state")
    meeting.adjusted_by.all().delete()
    audit(
        organisation_id=meeting.organisation_id,
        actor=actor.user,
        action="meeting.adjusting_restart",
        target=meeting,
        before={"adjustments": withdrawn},
        after={"adjustments": []},
    )
    return meeting


@transaction.atomic(durable=True)
def meeting_adjust(*, actor: Actor, meeting: Meeting) -> Meeting:
    """An adjustment of sealed minutes: a new meeting, linked back, with the same place and
    representatives."""
    return _meeting_create(
        actor=actor,
        title=_("Justering av %(t)s") % {"t": meeting.title},
        starts_at=timezone.now(),
        place=meeting.place,
        attendee_ids=[a.user_id for a in meeting.attendees.all()],
        adjusts=meeting,
    )
