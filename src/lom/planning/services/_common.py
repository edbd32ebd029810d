"""Helpers shared by the workshop services: the row lock, the revision bump, parties."""

from django.db.models import F
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.messages import encode_params
from lom.common.models import Notification
from lom.common.verdict import Verdict
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role
from lom.planning.messages import WORKSHOP_INVITED
from lom.planning.models import (
    Workshop,
)
from lom.planning.permissions import StateVerdict


def _require(verdict: Verdict) -> None:
    """Raise the verdict's reason when it says no: a conflict (409 in the API) when the
    thing's state refuses, otherwise a refusal of the actor's role (403)."""
    if verdict:
        return
    if isinstance(verdict, StateVerdict):
        raise ConflictError(verdict.reason, code=verdict.code)
    raise PermissionDeniedError(verdict.reason)


def _parties(organisation_id: int, user_ids: set[int]) -> dict[int, int | None]:
    """user id -> the party they take part for (a union, or None for the employer). Only users
    with a role in the organisation can be invited."""
    out: dict[int, int | None] = {}
    for m in Membership.objects.filter(organisation_id=organisation_id, user_id__in=user_ids):
        if m.role == Role.UNION_REP and m.union_id:
            out[m.user_id] = m.union_id
        else:
            out.setdefault(m.user_id, None)
    return out


def _invitees(
    organisation_id: int, user_ids: list[int] | set[int], usernames: list[str] | None = None
) -> dict[int, int | None]:
    """The parties of the chosen people and of those named by user name; a name not in the
    organisation, or a person without a role in it, is refused naming the field."""
    ids = set(user_ids)
    if usernames:
        found = dict(
            User.objects.filter(
                username__in=usernames, memberships__organisation_id=organisation_id
            ).values_list("username", "pk")
        )
        unknown = [n for n in usernames if n not in found]
        if unknown:
            raise DomainError(
                _("Hittar inte i organisationen: %(u)s") % {"u": ", ".join(unknown)},
                field="usernames",
            )
        ids |= set(found.values())
    parties = _parties(organisation_id, ids)
    if ids - set(parties):
        raise DomainError(
            _("Bara personer med en roll i organisationen kan bjudas in."), field="participants"
        )
    return parties


def _touch(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(revision=F("revision") + 1)


def _locked_row(workshop: Workshop) -> Workshop:
    """The workshop row, locked until the transaction ends: every write to a board goes
    through here, so writes to one workshop are serialised and none is lost."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _notify_invited(workshop: Workshop, user_ids: list[int], actor: Actor) -> None:
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid,
                organisation_id=workshop.organisation_id,
                kind="workshop",
                code=WORKSHOP_INVITED.code,
                params=encode_params({"t": workshop.title, "d": workshop.held_on}),
                url=f"/planning/workshops/{workshop.pk}/",
            )
            for uid in user_ids
            if uid != actor.user.pk
        ]
    )


def _board_audit(actor: Actor, ws: Workshop, action: str, target, **after) -> None:
    audit(
        organisation_id=ws.organisation_id,
        actor=actor.user,
        action=f"workshop.{action}",
        target=target,
        after={"workshop": ws.pk, **after},
    )
