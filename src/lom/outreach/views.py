from datetime import timedelta

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lom.agreements.selectors import agreement_current
from lom.common.parity import api_counterpart
from lom.common.validation import id_or_none
from lom.common.web import actor_view, form_status, post_action, run_form
from lom.organisations.access import Actor
from lom.outreach import guide, selectors
from lom.outreach.forms import CampaignForm, ContactForm, GuideForm, NewsForm
from lom.outreach.models import CounterKind
from lom.outreach.permissions import STATS_READERS, can_manage_outreach
from lom.outreach.services import (
    campaign_save,
    contact_delete,
    contact_save,
    news_delete,
    news_save,
    reach_count,
    reach_count_apply_click,
    reach_count_guide,
)
from lom.outreach.web import SESSION_MARKER, campaign_marker, should_count

# --- Public pages (no login) ----------------------------------------------------------------


def _public(org_slug: str):
    org = selectors.public_organisation(slug=org_slug)
    if org is None:
        raise Http404
    today = timezone.localdate()
    return org, today, selectors.public_page(organisation=org, today=today)


def _apply_url(org, source: str, campaign_id: int | None) -> str:
    params = {"fran": source}
    if campaign_id:
        params["k"] = str(campaign_id)
    return reverse("public:apply", args=[org.slug]) + "?" + urlencode(params)


def _guide_url(org, campaign_id: int | None) -> str:
    url = reverse("public:guide", args=[org.slug])
    return url + (f"?k={campaign_id}" if campaign_id else "")


@api_counterpart("GET /outreach/public/{slug}")
@require_safe
def public_page_view(request, org_slug: str):
    org, today, page = _public(org_slug)
    k = campaign_marker(request, page.published_campaign_ids)
    if should_count(request, organisation_id=org.pk, counter=CounterKind.PAGE_VIEW):
        reach_count(organisation=org, kind=CounterKind.PAGE_VIEW, day=today, campaign_id=k)
    return render(
        request,
        "outreach/public_page.html",
        {
            "page": page,
            "org": org,
            "today": today,
            "nav": "page",
            "apply_url": _apply_url(org, "page", k),
            "guide_url": _guide_url(org, k),
        },
    )


@api_counterpart("GET /outreach/public/{slug}/guide")
@require_safe
def public_guide_view(request, org_slug: str):
    org, today, page = _public(org_slug)
    k = campaign_marker(request, page.published_campaign_ids)
    asked = any(name in request.GET for name in GuideForm.base_fields)
    form = GuideForm(request.GET if asked else None)
    result = None
    items = []
    if asked and form.is_valid():
        answers = form.answers()
        ag = page.agreement
        by_code = {m.code: m for m in page.measure_types}
        result = guide.recommend(
            answers=answers,
            allowed_codes=list(by_code),
            allow_group=bool(ag and ag.allow_group),
            allow_development_project=bool(ag and ag.allow_development_project),
            requires_manager_endorsement=bool(ag and ag.requires_manager_endorsement),
            allow_individual=bool(ag is None or ag.allow_individual),
            allow_with_manager=bool(ag is None or ag.allow_with_manager),
        )
        for code in result.measure_type_codes:
            mt = by_code[code]
            items.append(
                {
                    "measure_type": mt,
                    "plain": guide.PLAIN.get(code) or mt.description,
                    "highlighted": any(c.code == code for c in page.campaign_measure_types),
                    "examples": selectors.library_examples_for(measure_type_codes=[code], limit=2),
                }
            )
    if should_count(request, organisation_id=org.pk, counter=CounterKind.GUIDE_VIEW):
        reach_count_guide(
            organisation=org,
            day=today,
            campaign_id=k,
            answers=form.answers() if result is not None else None,
        )
    return render(
        request,
        "outreach/public_guide.html",
        {
            "page": page,
            "org": org,
            "today": today,
            "nav": "guide",
            "form": form,
            "result": result,
            "items": items,
            "k": k,
            "apply_url": _apply_url(org, "guide", k),
            "page_url": reverse("public:page", args=[org.slug]) + (f"?k={k}" if k else ""),
        },
    )


@require_safe
def public_apply_view(request, org_slug: str):
    """The step from the public page or the guide to the application: counted, and a marker
    (no identity) put in the session so the application can be counted once it is started."""
    org, today, page = _public(org_slug)
    source = request.GET.get("fran")
    source = source if source in ("page", "guide") else "page"
    k = campaign_marker(request, page.published_campaign_ids)
    # Past the client's limit: no count and no marker (the application would be counted
    # without its click).
    if should_count(request, organisation_id=org.pk, counter=CounterKind.APPLY_CLICK):
        request.session[SESSION_MARKER] = reach_count_apply_click(
            organisation=org, source=source, campaign_id=k, today=today
        )
    return redirect("cases:create")


# --- Staff pages ----------------------------------------------------------------------------


@api_counterpart("GET /outreach/contacts", "GET /outreach/news", "GET /outreach/campaigns")
@actor_view()
def index_view(request, actor: Actor):
    editor = bool(can_manage_outreach(actor))
    if not editor and not actor.has(*STATS_READERS):
        raise Http404
    return render(
        request,
        "outreach/index.html",
        {
            "can_edit": editor,
            "can_stats": actor.has(*STATS_READERS),
            "contacts": list(selectors.contacts_for(actor=actor)),
            "news": list(selectors.news_for(actor=actor)[:50]),
            "campaigns": list(selectors.campaigns_for(actor=actor)[:50]),
            "today": timezone.localdate(),
            "public_url": request.build_absolute_uri(
                reverse("public:page", args=[actor.organisation.slug])
            ),
        },
    )


def _own_or_404(get, actor: Actor, pk: int | None):
    """The organisation's own item of an edit page (None for a new one); 404 for anything else."""
    if pk is None:
        return None
    item = get(actor=actor, pk=pk)
    if item is None:
        raise Http404
    return item


def _delete(request, item, delete, message: str):
    """The delete button of an edit page: one service, then back to the overview."""
    if item is None:
        raise Http404
    return post_action(
        request, lambda: delete(item), success=reverse("outreach:index"), message=message
    )


def _edit_page(request, form, action, *, message: str, heading: str, delete_url: str | None):
    """A staff form of the public page's content: the view recipe (one service on a valid
    POST, back to the overview), else the form (400 after a refused POST)."""
    done = run_form(request, form, action, success=reverse("outreach:index"), message=message)
    if done is not None:
        return done
    return render(
        request,
        "outreach/form.html",
        {"form": form, "heading": heading, "delete_url": delete_url},
        status=form_status(request),
    )


@api_counterpart(
    "POST /outreach/contacts",
    "GET /outreach/contacts/{contact_id}",
    "PUT /outreach/contacts/{contact_id}",
)
@actor_view("coordinator", "org_admin")
def contact_edit_view(request, actor: Actor, pk: int | None = None):
    contact = _own_or_404(selectors.contact_get, actor, pk)
    form = ContactForm(request.POST or None, instance=contact, organisation=actor.organisation)
    return _edit_page(
        request,
        form,
        lambda d: contact_save(
            actor=actor,
            contact=contact,
            name=d["name"],
            role=d["role"],
            email=d["email"],
            phone=d.get("phone") or "",
            union=d.get("union"),
            sort_order=d.get("sort_order") or 0,
        ),
        message=_("Kontaktpersonen är sparad."),
        heading=_("Ändra kontaktperson") if contact else _("Ny kontaktperson"),
        delete_url=reverse("outreach:contact_delete", args=[contact.pk]) if contact else None,
    )


@api_counterpart("DELETE /outreach/contacts/{contact_id}")
@require_POST
@actor_view("coordinator", "org_admin")
def contact_delete_view(request, actor: Actor, pk: int):
    return _delete(
        request,
        selectors.contact_get(actor=actor, pk=pk),
        lambda c: contact_delete(actor=actor, contact=c),
        _("Kontaktpersonen är borttagen."),
    )


@api_counterpart(
    "POST /outreach/news", "GET /outreach/news/{news_id}", "PUT /outreach/news/{news_id}"
)
@actor_view("coordinator", "org_admin")
def news_edit_view(request, actor: Actor, pk: int | None = None):
    item = _own_or_404(selectors.news_get, actor, pk)
    initial = {"publish_from": timezone.localdate()} if item is None else None
    form = NewsForm(request.POST or None, instance=item, initial=initial)
    return _edit_page(
        request,
        form,
        lambda d: news_save(
            actor=actor,
            item=item,
            title=d["title"],
            body=d["body"],
            publish_from=d["publish_from"],
            publish_to=d.get("publish_to"),
            status=d["status"],
        ),
        message=_("Nyheten är sparad."),
        heading=_("Ändra nyhet") if item else _("Ny nyhet"),
        delete_url=reverse("outreach:news_delete", args=[item.pk]) if item else None,
    )


@api_counterpart("DELETE /outreach/news/{news_id}")
@require_POST
@actor_view("coordinator", "org_admin")
def news_delete_view(request, actor: Actor, pk: int):
    return _delete(
        request,
        selectors.news_get(actor=actor, pk=pk),
        lambda n: news_delete(actor=actor, item=n),
        _("Nyheten är borttagen."),
    )


@api_counterpart(
    "POST /outreach/campaigns",
    "GET /outreach/campaigns/{campaign_id}",
    "PUT /outreach/campaigns/{campaign_id}",
)
@actor_view("coordinator", "org_admin")
def campaign_edit_view(request, actor: Actor, pk: int | None = None):
    campaign = _own_or_404(selectors.campaign_get, actor, pk)
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    allowed = list(agreement.measure_types.all()) if agreement else None
    initial = None
    if campaign is None:
        today = timezone.localdate()
        initial = {"starts_on": today, "ends_on": today + timedelta(days=30)}
    form = CampaignForm(
        request.POST or None, instance=campaign, initial=initial, allowed_measure_types=allowed
    )
    return _edit_page(
        request,
        form,
        lambda d: campaign_save(
            actor=actor,
            campaign=campaign,
            title=d["title"],
            text=d["text"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            measure_types=list(d["measure_types"]),
            status=d["status"],
        ),
        message=_("Kampanjen är sparad."),
        heading=_("Ändra kampanj") if campaign else _("Ny kampanj"),
        delete_url=None,
    )


@api_counterpart("GET /outreach/stats")
@actor_view(*STATS_READERS)
def stats_view(request, actor: Actor):
    this_year = timezone.localdate().year
    year = id_or_none(request.GET.get("year", ""), digits=4) or this_year
    year = year if 2000 <= year <= this_year else this_year
    stats = selectors.reach_stats(organisation=actor.organisation, year=year)
    labels = dict(guide.GOALS) | dict(guide.FORMS)
    answers = sorted(
        (
            (labels.get(k.split(":", 1)[1], k), k.split(":", 1)[0], n)
            for k, n in stats.answers.items()
            if ":" in k and k.split(":", 1)[1] in labels
        ),
        key=lambda r: (r[1], -r[2]),
    )
    return render(
        request,
        "outreach/stats.html",
        {
            "stats": stats,
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "goal_answers": [(label, n) for label, kind, n in answers if kind == "goal"],
            "suits_answers": [(label, n) for label, kind, n in answers if kind == "suits"],
            "kinds": list(CounterKind),
        },
    )
