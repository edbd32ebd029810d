"""Every write of the outreach app: contacts, news and campaigns (by coordinators), and the
anonymous reach counters (by the public pages)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from lom.agreements.models import MeasureType
from lom.common.audit import audit
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.validation import required_text as _text
from lom.organisations.access import Actor
from lom.organisations.models import Organisation, Union
from lom.outreach.guide import GuideAnswers
from lom.outreach.models import (
    CAMPAIGN_TEXT_MAX,
    CONTACT_NAME_MAX,
    NEWS_BODY_MAX,
    NEWS_TITLE_MAX,
    PHONE_MAX,
    SORT_ORDER_MAX,
    Campaign,
    ContactPerson,
    CounterKind,
    NewsItem,
    PublishStatus,
    ReachCounter,
)
from lom.outreach.permissions import can_manage_outreach
from lom.outreach.selectors import bump_public_cache

MARKER_MAX_AGE_DAYS = 30
EMAIL_MAX = 254


def _require_editor(actor: Actor) -> None:
    verdict = can_manage_outreach(actor)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)


def _status(value: str) -> str:
    if value not in PublishStatus.values:
        raise DomainError(_("Välj utkast eller publicerad."), field="status")
    return value


def _after_write(organisation_id: int) -> None:
    transaction.on_commit(lambda: bump_public_cache(organisation_id))


def _own(actor: Actor, existing, *, foreign: str) -> None:
    """Only an editor of the public page, and only the organisation's own items."""
    _require_editor(actor)
    if existing is not None and existing.organisation_id != actor.organisation.pk:
        raise PermissionDeniedError(foreign)


def _saved(actor: Actor, obj, *, action: str, before: dict, after: dict | None = None) -> None:
    """The audit event of a save or delete, and the public page's cache refreshed on commit."""
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action=action,
        target=obj,
        before=before,
        after=after,
    )
    _after_write(actor.organisation.pk)


# --- Contacts -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def contact_save(
    *,
    actor: Actor,
    contact: ContactPerson | None = None,
    name: str,
    role: str,
    email: str,
    phone: str = "",
    union: Union | None = None,
    sort_order: int = 100,
) -> ContactPerson:
    _own(actor, contact, foreign=_("Kontaktpersonen tillhör en annan organisation."))
    org = actor.organisation
    if union is not None and union.organisation_id != org.pk:
        raise DomainError(_("Välj ett av organisationens fackförbund."), field="union")
    email = (email or "").strip()
    if not email or "@" not in email or len(email) > EMAIL_MAX:
        raise DomainError(_("Ange en e-postadress."), field="email")
    phone = (phone or "").strip()
    if len(phone) > PHONE_MAX:
        raise DomainError(
            _("Texten får vara högst %(n)d tecken.") % {"n": PHONE_MAX}, field="phone"
        )
    obj = contact or ContactPerson(organisation=org)
    before = {"name": obj.name, "role": obj.role, "email": obj.email} if contact else {}
    obj.name = _text(name, field="name", message=_("Ange ett namn."), max_length=CONTACT_NAME_MAX)
    obj.role = _text(
        role, field="role", message=_("Ange personens roll."), max_length=CONTACT_NAME_MAX
    )
    obj.email = email
    obj.phone = phone
    obj.union = union
    obj.sort_order = max(0, min(int(sort_order or 0), SORT_ORDER_MAX))
    obj.save()
    _saved(
        actor,
        obj,
        action="outreach.contact_save",
        before=before,
        after={"name": obj.name, "role": obj.role, "email": obj.email},
    )
    return obj


def _delete_own(actor: Actor, obj, *, action: str, foreign: str, before: dict) -> None:
    """Delete one of the organisation's own contacts or news items, with its audit event."""
    _own(actor, obj, foreign=foreign)
    _saved(actor, obj, action=action, before=before)
    obj.delete()


@transaction.atomic(durable=True)
def contact_delete(*, actor: Actor, contact: ContactPerson) -> None:
    _delete_own(
        actor,
        contact,
        action="outreach.contact_delete",
        foreign=_("Kontaktpersonen tillhör en annan organisation."),
        before={"name": contact.name, "email": contact.email},
    )


# --- News -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def news_save(
    *,
    actor: Actor,
    item: NewsItem | None = None,
    title: str,
    body: str,
    publish_from: date,
    publish_to: date | None = None,
    status: str = PublishStatus.DRAFT,
) -> NewsItem:
    _own(actor, item, foreign=_("Nyheten tillhör en annan organisation."))
    org = actor.organisation
    if publish_from is None:
        raise DomainError(_("Ange från vilken dag nyheten ska visas."), field="publish_from")
    if publish_to is not None and publish_to < publish_from:
        raise DomainError(_("Slutdagen kan inte vara före startdagen."), field="publish_to")
    obj = item or NewsItem(organisation=org, created_by=actor.user)
    before = {"title": obj.title, "status": obj.status} if item else {}
    obj.title = _text(
        title, field="title", message=_("Ge nyheten en rubrik."), max_length=NEWS_TITLE_MAX
    )
    obj.body = _text(body, field="body", message=_("Skriv en text."), max_length=NEWS_BODY_MAX)
    obj.publish_from = publish_from
    obj.publish_to = publish_to
    obj.status = _status(status)
    obj.save()
    _saved(
        actor,
        obj,
        action="outreach.news_save",
        before=before,
        after={
            "title": obj.title,
            "status": obj.status,
            "publish_from": obj.publish_from.isoformat(),
            "publish_to": obj.publish_to.isoformat() if obj.publish_to else None,
        },
    )
    return obj


@transaction.atomic(durable=True)
def news_delete(*, actor: Actor, item: NewsItem) -> None:
    _delete_own(
        actor,
        item,
        action="outreach.news_delete",
        foreign=_("Nyheten tillhör en annan organisation."),
        before={"title": item.title, "status": item.status},
    )


# --- Campaigns ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def campaign_save(
    *,
    actor: Actor,
    campaign: Campaign | None = None,
    title: str,
    text: str,
    starts_on: date,
    ends_on: date,
    measure_types: list[MeasureType],
    status: str = PublishStatus.DRAFT,
) -> Campaign:
    _own(actor, campaign, foreign=_("Kampanjen tillhör en annan organisation."))
    org = actor.organisation
    if starts_on is None:
        raise DomainError(_("Ange när kampanjen startar."), field="starts_on")
    if ends_on is None:
        raise DomainError(_("Ange när kampanjen slutar."), field="ends_on")
    if ends_on < starts_on:
        raise DomainError(_("Slutdagen kan inte vara före startdagen."), field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise DomainError(_("En kampanj kan vara högst ett år."), field="ends_on")
    obj = campaign or Campaign(organisation=org, created_by=actor.user)
    before = {"title": obj.title, "status": obj.status} if campaign else {}
    obj.title = _text(
        title, field="title", message=_("Ge kampanjen ett tema."), max_length=NEWS_TITLE_MAX
    )
    obj.text = _text(text, field="text", message=_("Skriv en text."), max_length=CAMPAIGN_TEXT_MAX)
    obj.starts_on = starts_on
    obj.ends_on = ends_on
    obj.status = _status(status)
    obj.save()
    obj.measure_types.set(measure_types)
    _saved(
        actor,
        obj,
        action="outreach.campaign_save",
        before=before,
        after={
            "title": obj.title,
            "status": obj.status,
            "starts_on": obj.starts_on.isoformat(),
            "ends_on": obj.ends_on.isoformat(),
            "measure_types": sorted(m.code for m in measure_types),
        },
    )
    return obj


# --- Reach counters -------------------------------------------------------------------------


def _count(
    *,
    organisation: Organisation,
    kind: str,
    day: date,
    detail: str = "",
    campaign_id: int | None = None,
    amount: int = 1,
) -> None:
    """Add `amount` to one aggregate counter. One UPDATE in the common case; the first count
    of a day inserts the row (a concurrent first insert falls back to the UPDATE)."""
    if kind == CounterKind.APPLICATION:
        day = day.replace(day=1)  # applications per month only: a day could point at a case
    key = {
        "organisation": organisation,
        "day": day,
        "kind": kind,
        "detail": detail[:40],
        "campaign_id": campaign_id,
    }
    if ReachCounter.objects.filter(**key).update(count=F("count") + amount):
        return
    try:
        with transaction.atomic():
            ReachCounter.objects.create(**key, count=amount)
    except IntegrityError:
        ReachCounter.objects.filter(**key).update(count=F("count") + amount)


@transaction.atomic(durable=True)
def reach_count(
    *,
    organisation: Organisation,
    kind: str,
    day: date,
    detail: str = "",
    campaign_id: int | None = None,
    amount: int = 1,
) -> None:
    """Count one visit of a public page (or `amount` of anything else)."""
    _count(
        organisation=organisation,
        kind=kind,
        day=day,
        detail=detail,
        campaign_id=campaign_id,
        amount=amount,
    )


@transaction.atomic(durable=True)
def reach_count_guide(
    *,
    organisation: Organisation,
    day: date,
    campaign_id: int | None,
    answers: GuideAnswers | None,
) -> None:
    """Count one visit of the guide and, when it was answered, the result and each answer
    (a goal, the forms that suit): one transaction for the visit and its answers."""
    _count(organisation=organisation, kind=CounterKind.GUIDE_VIEW, day=day, campaign_id=campaign_id)
    if answers is None:
        return
    _count(
        organisation=organisation, kind=CounterKind.GUIDE_RESULT, day=day, campaign_id=campaign_id
    )
    details = ([f"goal:{answers.goal}"] if answers.goal else []) + [
        f"suits:{s}" for s in answers.forms
    ]
    for detail in details:
        _count(organisation=organisation, kind=CounterKind.GUIDE_RESULT, day=day, detail=detail)


@transaction.atomic(durable=True)
def reach_count_apply_click(
    *, organisation: Organisation, source: str, campaign_id: int | None, today: date
) -> Marker:
    """Count one step from the public page or the guide to the application, and answer the
    marker (no identity) the session carries to the application."""
    _count(
        organisation=organisation,
        kind=CounterKind.APPLY_CLICK,
        day=today,
        detail=source,
        campaign_id=campaign_id,
    )
    return make_marker(
        organisation=organisation, source=source, campaign_id=campaign_id, today=today
    )


class Marker(TypedDict):
    org: int
    src: str
    c: int | None
    on: str


def make_marker(  # pure: builds a dict, writes nothing
    *, organisation: Organisation, source: str, campaign_id: int | None, today: date
) -> Marker:
    """What the session carries from the public page to the application: no identity."""
    return {"org": organisation.pk, "src": source, "c": campaign_id, "on": today.isoformat()}


@transaction.atomic(durable=True)
def reach_note_application(*, organisation: Organisation, marker: object, today: date) -> bool:
    """Count one application started by someone who came from the public page or the guide.
    The marker is used once (the caller drops it) and only within MARKER_MAX_AGE_DAYS."""
    if not isinstance(marker, dict) or marker.get("org") != organisation.pk:
        return False
    try:
        on = date.fromisoformat(str(marker.get("on")))
    except ValueError:
        return False
    if not 0 <= (today - on).days <= MARKER_MAX_AGE_DAYS:
        return False
    source = "guide" if marker.get("src") == "guide" else "page"
    campaign_id = marker.get("c")
    if not (
        isinstance(campaign_id, int)
        and Campaign.objects.filter(pk=campaign_id, organisation=organisation).exists()
    ):
        campaign_id = None
    _count(
        organisation=organisation,
        kind=CounterKind.APPLICATION,
        day=today,
        detail=source,
        campaign_id=campaign_id,
    )
    return True
