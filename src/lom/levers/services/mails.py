"""What a campaign's mail and notice say, and where their link goes. The coordinator's own
text, framed in the recipient's language (greeting, link, the opt-out), every link absolute.
An employee campaign links to the public page or the guide with the marker (?k=); a nudge
links each manager to the kit of the units they manage."""

from django.urls import reverse
from django.utils import translation

from lom.levers.models import Campaign, Dimension, Kind, Landing
from lom.levers.selectors.campaigns import unit_ids
from lom.levers.services.optout import optout_headers, optout_url
from lom.mail.services.compose import Composed, compose
from lom.mail.services.queue import absolute_url
from lom.organisations.models import Employee, Unit

NOTICE_KIND = "campaign"


def recipient_language(employee: Employee) -> str:  # pure: the user's language, else Swedish
    return (employee.user.language if employee.user else "") or "sv"


def managed_units(campaign: Campaign, employee: Employee) -> list[Unit]:  # pure: a read
    if campaign.dimension != Dimension.MANAGERS:
        return []
    return list(
        Unit.objects.filter(
            organisation_id=campaign.organisation_id,
            pk__in=unit_ids(campaign.value),
            manager=employee,
        ).order_by("path")
    )


def landing_path(campaign: Campaign, employee: Employee) -> str:  # pure: the link's path
    if campaign.kind == Kind.NUDGE:
        units = managed_units(campaign, employee)
        if units:
            return reverse("levers:kit", args=[campaign.pk, units[0].pk])
        return reverse("levers:campaign", args=[campaign.pk])
    slug = campaign.organisation.slug
    name = "public:guide" if campaign.landing == Landing.GUIDE else "public:page"
    path = reverse(name, args=[slug])
    return f"{path}?k={campaign.marker_id}" if campaign.marker_id else path


def campaign_mail(*, campaign: Campaign, employee: Employee) -> Composed:  # pure: renders
    language = recipient_language(employee)
    kits = [
        {"name": u.name, "link": absolute_url(reverse("levers:kit", args=[campaign.pk, u.pk]))}
        for u in managed_units(campaign, employee)
    ]
    with translation.override(language):
        context = {
            "name": employee.first_name,
            "body": campaign.body,
            "link": absolute_url(landing_path(campaign, employee)),
            "nudge": campaign.kind == Kind.NUDGE,
            "kits": kits,
            "reason": "",
            "unsubscribe_url": optout_url(employee_id=employee.pk),
            "optout": True,
            "title": campaign.subject,
        }
    return compose(
        template="levers_campaign",
        context=context,
        language=language,
        subject=campaign.subject,
        headers=optout_headers(employee_id=employee.pk),
    )
