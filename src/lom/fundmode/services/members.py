"""The member employers of a fund."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.fundmode.models import FundMembership, Pot
from lom.fundmode.permissions import can_administer
from lom.fundmode.permissions import require as _require
from lom.organisations.access import Actor
from lom.organisations.models import Organisation

MEMBER_KINDS = (Organisation.Kind.REGION, Organisation.Kind.MUNICIPALITY)


@transaction.atomic(durable=True)
def member_add(*, actor: Actor, member: Organisation, joined_on: date | None = None):
    """Make a region or municipality a member employer of the actor's fund. An employer
    belongs to one fund at a time: its money can only sit in one place."""
    _require(can_administer(actor))
    if member.kind not in MEMBER_KINDS:
        raise DomainError(
            _("Bara regioner och kommuner kan vara medlemmar i fonden."), field="member"
        )
    existing = FundMembership.objects.filter(member=member).select_related("fund").first()
    if existing is not None:
        raise DomainError(
            _("%(m)s är redan medlem i %(f)s.") % {"m": member.name, "f": existing.fund.name},
            field="member",
        )
    membership = FundMembership.objects.create(
        fund=actor.organisation, member=member, joined_on=joined_on or timezone.localdate()
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_member.add",
        target=membership,
        after={"member": member.pk},
    )
    return membership


@transaction.atomic(durable=True)
def member_remove(*, actor: Actor, membership) -> None:
    """Only a member that never had a pot can leave: the pots' ledgers refer to it."""
    _require(can_administer(actor))
    if membership.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Medlemmen hör till en annan fond."))
    if Pot.objects.filter(
        round__fund_id=membership.fund_id, member_id=membership.member_id
    ).exists():
        raise ConflictError(
            _("%(m)s har en pott i en period och kan inte tas bort.")
            % {"m": membership.member.name},
            field="member",
        )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_member.remove",
        target=membership,
        before={"member": membership.member_id},
    )
    membership.delete()
