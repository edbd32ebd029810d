from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from lom.accounts.services import user_language_save
from lom.cases.selectors import CaseFilter, case_list, count_label, status_counts
from lom.common.clientip import client_ip
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.decisions.selectors import objections_past_due
from lom.funds.selectors import (
    fund_balance,
    fund_forecast,
    fund_period_current,
    unused_warning_percent,
)
from lom.levers.panel import lever_panel
from lom.operations.accessibility import accessibility_statement, feedback_organisation
from lom.operations.forms import HONEYPOT, AccessibilityFeedbackForm
from lom.operations.services import accessibility_feedback_send
from lom.organisations.models import Role
from lom.site.tasks import can_apply_here, role_tasks


def set_language_view(request):
    """Django's language switch; a signed-in user's choice is also kept on the account, so
    the mail LOM sends them is in that language too."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and language != user.language:
        user_language_save(user=user, language=language)
    return response


def language_choose_view(request):
    """The language switch of the public pages: a link, so those pages need no form, no CSRF
    cookie and no session. Following it sets only the language cookie (what Django's own
    switch sets) and goes back to the page (`next`, when it is a path on this site)."""
    language = request.GET.get("language", "")
    nxt = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def ping(request):
    """The bare view: the ceiling the benchmark compares every page with."""
    return HttpResponse("ok", content_type="text/plain")


# The most unanswered objections past their due day the home page lists.
HOME_OVERDUE = 10


@api_counterpart("GET /me", "GET /cases", "GET /fund-periods", "GET /decisions/objections")
@actor_view()
def home_view(request, actor):
    ctx = {
        "role_labels": [str(Role(r).label) for r in sorted(actor.roles)],
        "tasks": role_tasks(actor),
        "can_apply": can_apply_here(actor),
    }
    mine, _more = case_list(actor=actor, filters=CaseFilter(mine_only=True), page=1, page_size=5)
    ctx["my_cases"] = mine
    if actor.is_staff_reader or actor.is_union_rep:
        # Bounded counts, shown as "1 000+" past the bound.
        ctx["counts"] = {s: count_label(n) for s, n in status_counts(actor=actor).items()}
    if actor.has("coordinator", "decision_maker", "auditor", "org_admin", "union_rep"):
        today = timezone.localdate()
        period = fund_period_current(organisation=actor.organisation, on=today)
        if period is not None:
            bal = fund_balance(period=period)
            forecast = fund_forecast(
                period=period,
                balance=bal,
                today=today,
                warning_percent=unused_warning_percent(organisation=actor.organisation),
            )
            ctx.update(period=period, balance=bal, forecast=forecast)
            if forecast.warning:
                # What to do about it (for those who may see the levers; empty otherwise).
                ctx["levers_panel"] = lever_panel(request, actor, period, bal, forecast)
    if actor.has("coordinator", "decision_maker"):
        ctx["overdue_objections"] = list(
            objections_past_due(actor=actor, on=timezone.localdate())[:HOME_OVERDUE]
        )
    return render(request, "home.html", ctx)


def accessibility_view(request):
    """The accessibility statement and its feedback form: public (no sign-in). The feedback
    concerns the signed-in user's organisation, else the one whose public page linked here
    (`?org=<slug>`). A filled-in honeypot is thanked and dropped."""
    actor = getattr(request, "actor", None)
    slug = (request.POST.get("org") or request.GET.get("org") or "")[:50]
    organisation = feedback_organisation(
        organisation_id=actor.organisation.pk if actor else None, slug=slug
    )
    form = AccessibilityFeedbackForm(
        request.POST or None, initial={"org": organisation.slug if organisation else ""}
    )
    thanks = _("Tack! Din synpunkt har skickats till organisationens administratörer.")
    if request.method == "POST" and form.is_valid() and form.cleaned_data[HONEYPOT]:
        messages.success(request, thanks)
        return redirect("accessibility")
    done = run_form(
        request,
        form,
        lambda d: accessibility_feedback_send(
            organisation=organisation,
            message=d["message"],
            name=d["name"],
            email=d["email"],
            page=d["page"],
            client_ip=client_ip(request),
        ),
        success=reverse("accessibility") + (f"?org={organisation.slug}" if organisation else ""),
        message=thanks,
    )
    if done is not None:
        return done
    return render(
        request,
        "accessibility.html",
        {"statement": accessibility_statement(), "organisation": organisation, "form": form},
        status=form_status(request),
    )
