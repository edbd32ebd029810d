"""Shared pieces of the campaign tests: a world with enough staff for a campaign."""

from datetime import date

from lom.levers.services.campaigns import CampaignInput, campaign_save
from lom.organisations.models import Role
from lom.organisations.services import employee_save, membership_grant
from tests.factories import UserFactory


def add_staff(world, n: int, *, unit=None, prefix="p", with_user=True, **fields):
    """`n` active employees of `unit` (unit A by default), each with an address and a user."""
    out = []
    for i in range(n):
        user = UserFactory(username=f"{world.org.slug}-{prefix}{i}") if with_user else None
        emp = employee_save(
            actor=None,
            organisation=world.org,
            unit=unit or world.unit_a,
            first_name=f"Person{i}",
            last_name=prefix,
            email=fields.get("email", f"{prefix}{i}@{world.org.slug}.example.org"),
            occupational_group=fields.get("occupational_group", "Handläggare"),
            employment_start=date(2015, 3, 1),
            employment_form="permanent",
            birth_year=fields.get("birth_year", 1980),
            gender=fields.get("gender", "F"),
            active=True,
        )
        if user is not None:
            emp.user = user
            emp.save(update_fields=["user"])
            membership_grant(actor=None, organisation=world.org, user=user, role=Role.EMPLOYEE)
        out.append(emp)
    return out


def draft(world, **changes):
    data = CampaignInput(
        title="Vårens kampanj",
        subject="Pengar för din utveckling",
        body="Du kan söka omställningsmedel.",
        send_on=changes.pop("send_on", date.today()),
        period_id=world.period.pk,
    )
    for k, v in changes.items():
        setattr(data, k, v)
    return campaign_save(actor=world.actor(world.coordinator), data=data)
