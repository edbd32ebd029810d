"""API routes of this app, mounted at /api/v1/outreach by lom.api.api.

`/public/{slug}` and `/public/{slug}/guide` need no login: the same content as the public page
and the guide, for an intranet to embed. The rest is for the organisation's own staff: news,
campaigns and contact persons (coordinators and administrators write), and the reach figures."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from lom.agreements.models import MeasureType
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.organisations.models import Union
from lom.outreach import guide, selectors, services
from lom.outreach.models import Campaign, ContactPerson, NewsItem
from lom.outreach.permissions import can_manage_outreach, can_read_reach
from lom.outreach.schemas import (
    MAX_CODES,
    CampaignIn,
    CampaignOut,
    ContactIn,
    ContactOut,
    GuideOut,
    GuideQuery,
    NewsIn,
    NewsOut,
    PublicPageOut,
    ReachOut,
    Slug,
    Year,
)

router = Router(tags=["outreach"])


def _news(n: NewsItem) -> dict:
    return {
        "id": n.pk,
        "title": n.title,
        "body": n.body,
        "publish_from": n.publish_from,
        "publish_to": n.publish_to,
        "status": n.status,
    }


def _campaign(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "text": c.text,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "status": c.status,
        "measure_type_codes": [m.code for m in c.measure_types.all()],
    }


def _contact(c: ContactPerson) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "role": c.role,
        "email": c.email,
        "phone": c.phone,
        "union": c.union.name if c.union else None,
        "union_id": c.union_id,
        "sort_order": c.sort_order,
    }


def _public_contact(c: ContactPerson) -> dict:
    d = _contact(c)
    d.pop("sort_order")
    d.pop("union_id")
    d.pop("id")
    return d


def _editor(request):
    actor = request.api_actor
    verdict = can_manage_outreach(actor)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    return actor


def _reader(request):
    actor = request.api_actor
    if not (can_manage_outreach(actor) or can_read_reach(actor)):
        raise PermissionDeniedError(can_read_reach(actor).reason)
    return actor


def _measure_types(codes: list[str]) -> list[MeasureType]:
    found = list(MeasureType.objects.filter(code__in=codes[:MAX_CODES]))
    if len(found) != len(set(codes)):
        raise DomainError(_("Okänd insatstyp."), field="measure_type_codes")
    return found


# --- Public ---------------------------------------------------------------------------------


def _public_page(slug: str):
    org = selectors.public_organisation(slug=slug)
    if org is None:
        raise Http404
    return org, selectors.public_page(organisation=org, today=timezone.localdate())


@router.get(
    "/public/{slug}",
    auth=None,
    response={200: PublicPageOut, 404: ErrorOut},
    summary="The organisation's public page (no sign-in)",
)
def public_page(request, slug: Slug):
    org, page = _public_page(slug)
    ag = page.agreement
    return {
        "organisation": {"name": org.name, "slug": org.slug, "kind": org.kind},
        "agreement": None
        if ag is None
        else {
            "title": ag.title,
            "valid_from": ag.valid_from,
            "valid_to": ag.valid_to,
            "purpose_text": ag.purpose_text,
            "exclusions": ag.exclusions,
            "excludes_ordinary_training": ag.excludes_ordinary_training,
            "application_kinds": [str(k) for k in ag.application_kinds()],
            "requires_manager_endorsement": ag.requires_manager_endorsement,
            "decision_model": ag.decision_model,
            "decision_model_label": str(ag.get_decision_model_display()),
            "cap_per_person_ore": ag.cap_per_person_ore,
            "cap_per_application_ore": ag.cap_per_application_ore,
            "unions": [u.name for u in ag.unions.all()],
        },
        "measure_types": [
            {"code": m.code, "name": m.name, "description": m.description}
            for m in page.measure_types
        ],
        "contacts": [_public_contact(c) for c in page.contacts],
        "union_contacts": [_public_contact(c) for c in page.union_contacts],
        "news": [
            {"title": n.title, "body": n.body, "published": n.publish_from} for n in page.news
        ],
        "campaign": None
        if page.campaign is None
        else {
            "id": page.campaign.pk,
            "title": page.campaign.title,
            "text": page.campaign.text,
            "starts_on": page.campaign.starts_on,
            "ends_on": page.campaign.ends_on,
            "measure_type_codes": [m.code for m in page.campaign_measure_types],
        },
        "application_rounds": [
            {"title": r.title, "opens_on": r.opens_on, "closes_on": r.closes_on}
            for r in page.rounds
        ],
        "examples": [
            {
                "title": e.title,
                "summary": e.summary,
                "measure_types": list(e.measure_type_names),
                "cost_per_participant_ore": e.cost_per_participant_ore,
                "participants_band": e.participants_band,
                "outcome": e.outcome_label,
                "url": e.url,
            }
            for e in page.examples
        ],
    }


@router.get(
    "/public/{slug}/guide",
    auth=None,
    response={200: GuideOut, 400: ErrorOut, 404: ErrorOut},
    summary="The public guide's recommendation for the answers given (no sign-in)",
)
def public_guide(request, slug: Slug, q: Query[GuideQuery]):
    org, page = _public_page(slug)
    choices = {
        "goal": dict(guide.GOALS),
        "tenure": dict(guide.TENURE),
        "part_time": dict(guide.YES_NO),
        "manager": dict(guide.YES_NO),
    }
    for name, allowed in choices.items():
        value = getattr(q, name)
        if value and value not in allowed:
            raise DomainError(_("Okänt svar."), field=name)
    if any(s not in dict(guide.FORMS) for s in q.suits):
        raise DomainError(_("Okänt svar."), field="suits")
    ag = page.agreement
    by_code = {m.code: m for m in page.measure_types}
    result = guide.recommend(
        answers=guide.GuideAnswers(
            goal=q.goal,
            forms=tuple(q.suits),
            tenure=q.tenure,
            part_time=q.part_time,
            manager=q.manager,
        ),
        allowed_codes=list(by_code),
        allow_group=bool(ag and ag.allow_group),
        allow_development_project=bool(ag and ag.allow_development_project),
        requires_manager_endorsement=bool(ag and ag.requires_manager_endorsement),
        allow_individual=bool(ag is None or ag.allow_individual),
        allow_with_manager=bool(ag is None or ag.allow_with_manager),
    )
    return {
        "measure_types": [
            {
                "code": code,
                "name": by_code[code].name,
                "explanation": str(guide.PLAIN.get(code) or by_code[code].description),
            }
            for code in result.measure_type_codes
        ],
        "notes": result.notes,
        "group_options": result.group_options,
        "apply_url": request.build_absolute_uri(f"/o/{org.slug}/ansok/?fran=guide"),
    }


# --- News -----------------------------------------------------------------------------------


@router.get(
    "/news", response={200: Page[NewsOut], 403: ErrorOut}, summary="The news items, newest first"
)
def list_news(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _reader(request)
    rows, nxt = keyset_page(
        selectors.news_for(actor=actor), cursor=cursor, limit=limit, order=("-publish_from", "-id")
    )
    return {"items": [_news(n) for n in rows], "next_cursor": nxt}


@router.post(
    "/news", response={201: NewsOut, 400: ErrorOut, 403: ErrorOut}, summary="Add a news item"
)
def create_news(request, payload: NewsIn):
    actor = _editor(request)
    return Status(201, _news(services.news_save(actor=actor, **payload.dict())))


@router.get(
    "/news/{news_id}", response={200: NewsOut, 403: ErrorOut, 404: ErrorOut}, summary="A news item"
)
def get_news(request, news_id: Id):
    actor = _reader(request)
    item = selectors.news_get(actor=actor, pk=news_id)
    if item is None:
        raise Http404
    return _news(item)


@router.put(
    "/news/{news_id}",
    response={200: NewsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Change a news item",
)
def update_news(request, news_id: Id, payload: NewsIn):
    actor = _editor(request)
    item = selectors.news_get(actor=actor, pk=news_id)
    if item is None:
        raise Http404
    return _news(services.news_save(actor=actor, item=item, **payload.dict()))


@router.delete(
    "/news/{news_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove a news item",
)
def delete_news(request, news_id: Id):
    actor = _editor(request)
    item = selectors.news_get(actor=actor, pk=news_id)
    if item is None:
        raise Http404
    services.news_delete(actor=actor, item=item)
    return Status(204, None)


# --- Campaigns ------------------------------------------------------------------------------


@router.get(
    "/campaigns",
    response={200: Page[CampaignOut], 403: ErrorOut},
    summary="The campaigns, latest start first",
)
def list_campaigns(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _reader(request)
    rows, nxt = keyset_page(
        selectors.campaigns_for(actor=actor),
        cursor=cursor,
        limit=limit,
        order=("-starts_on", "-id"),
    )
    return {"items": [_campaign(c) for c in rows], "next_cursor": nxt}


@router.post(
    "/campaigns",
    response={201: CampaignOut, 400: ErrorOut, 403: ErrorOut},
    summary="Add a campaign",
)
def create_campaign(request, payload: CampaignIn):
    actor = _editor(request)
    data = payload.dict()
    types = _measure_types(data.pop("measure_type_codes"))
    campaign = services.campaign_save(actor=actor, measure_types=types, **data)
    return Status(201, _campaign(campaign))


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignOut, 403: ErrorOut, 404: ErrorOut},
    summary="A campaign",
)
def get_campaign(request, campaign_id: Id):
    actor = _reader(request)
    campaign = selectors.campaign_get(actor=actor, pk=campaign_id)
    if campaign is None:
        raise Http404
    return _campaign(campaign)


@router.put(
    "/campaigns/{campaign_id}",
    response={200: CampaignOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Change a campaign",
)
def update_campaign(request, campaign_id: Id, payload: CampaignIn):
    actor = _editor(request)
    campaign = selectors.campaign_get(actor=actor, pk=campaign_id)
    if campaign is None:
        raise Http404
    data = payload.dict()
    types = _measure_types(data.pop("measure_type_codes"))
    campaign = services.campaign_save(actor=actor, campaign=campaign, measure_types=types, **data)
    return _campaign(campaign)


# --- Contacts -------------------------------------------------------------------------------


@router.get(
    "/contacts",
    response={200: Page[ContactOut], 403: ErrorOut},
    summary="The contact persons, in their sort order",
)
def list_contacts(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = _reader(request)
    rows, nxt = keyset_page(
        selectors.contacts_for(actor=actor), cursor=cursor, limit=limit, order=("sort_order", "id")
    )
    return {"items": [_contact(c) for c in rows], "next_cursor": nxt}


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, 403: ErrorOut, 404: ErrorOut},
    summary="A contact person",
)
def get_contact(request, contact_id: Id):
    actor = _reader(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    if contact is None:
        raise Http404
    return _contact(contact)


def _union(actor, union_id: int | None) -> Union | None:
    if union_id is None:
        return None
    union = Union.objects.filter(organisation=actor.organisation, pk=union_id).first()
    if union is None:
        raise DomainError(_("Välj ett av organisationens fackförbund."), field="union_id")
    return union


@router.post(
    "/contacts",
    response={201: ContactOut, 400: ErrorOut, 403: ErrorOut},
    summary="Add a contact person",
)
def create_contact(request, payload: ContactIn):
    actor = _editor(request)
    data = payload.dict()
    union = _union(actor, data.pop("union_id"))
    return Status(201, _contact(services.contact_save(actor=actor, union=union, **data)))


@router.put(
    "/contacts/{contact_id}",
    response={200: ContactOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Change a contact person",
)
def update_contact(request, contact_id: Id, payload: ContactIn):
    actor = _editor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    if contact is None:
        raise Http404
    data = payload.dict()
    union = _union(actor, data.pop("union_id"))
    return _contact(services.contact_save(actor=actor, contact=contact, union=union, **data))


@router.delete(
    "/contacts/{contact_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove a contact person",
)
def delete_contact(request, contact_id: Id):
    actor = _editor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    if contact is None:
        raise Http404
    services.contact_delete(actor=actor, contact=contact)
    return Status(204, None)


# --- Reach ----------------------------------------------------------------------------------


@router.get(
    "/stats",
    response={200: ReachOut, 403: ErrorOut, 404: ErrorOut},
    summary="The reach figures of a year (this year by default)",
)
def reach(request, year: Year | None = None):
    actor = request.api_actor
    verdict = can_read_reach(actor)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    this_year = timezone.localdate().year
    year = year or this_year
    if not 2000 <= year <= this_year:
        raise Http404
    s = selectors.reach_stats(organisation=actor.organisation, year=year)
    return {
        "year": year,
        "months": [{"month": m.month, **m.counts} for m in s.months],
        "totals": s.totals,
        "campaigns": [
            {
                "id": r.campaign.pk,
                "title": r.campaign.title,
                "starts_on": r.campaign.starts_on,
                "ends_on": r.campaign.ends_on,
                "visits_during": r.visits_during,
                "arrivals_with_marker": r.arrivals,
                "apply_clicks": r.apply_clicks,
                "applications": r.applications,
            }
            for r in s.campaigns
        ],
        "guide_answers": s.answers,
    }
