"""The measure library: search for everyone, drafting and consent for the parties."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.library import selectors, services
from lom.library.exports import library_csv_response
from lom.library.forms import EntryForm, SearchForm, WithdrawForm
from lom.library.models import EntryStatus
from lom.library.permissions import (
    can_draft_entry,
    can_edit_entry,
    can_manage_library,
    can_publish_anyway,
    can_withdraw_entry,
    consent_side,
)
from lom.organisations.access import Actor


def _filters(request) -> tuple[SearchForm, selectors.LibraryFilters]:
    form = SearchForm(request.GET or None, options=selectors.library_filter_options())
    data: dict = {}
    if form.is_bound:
        form.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return form, selectors.LibraryFilters(
        q=(data.get("q") or "")[:500],
        need_category=data.get("need_category", ""),
        measure_type=data.get("measure_type", ""),
        sector=data.get("sector", ""),
        size_band=data.get("size_band", ""),
        need_met=data.get("need_met", ""),
        year=data.get("year"),
    )


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@api_counterpart("GET /library/entries")
@actor_view()
def index(request, actor: Actor):
    form, filters = _filters(request)
    result = selectors.library_search(actor=actor, filters=filters, page=_page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "library/index.html",
        {
            "form": form,
            "result": result,
            "query": query.urlencode(),
            "can_manage": can_manage_library(actor),
        },
    )


@api_counterpart("GET /library/entries.csv")
@actor_view()
def export_csv(request, actor: Actor):
    """The current search as CSV: the same published fields as the page, nothing more."""
    _form, filters = _filters(request)
    return library_csv_response(actor=actor, filters=filters)


@api_counterpart("GET /library/entries/{entry_id}")
@actor_view()
def entry(request, actor: Actor, pk: int):
    obj = selectors.library_entry_get(actor=actor, pk=pk)
    if obj is None:
        raise Http404
    own = obj.organisation_id == actor.organisation.pk
    close = (
        selectors.similar_published(entry=obj) if own and obj.status == EntryStatus.DRAFT else []
    )
    return render(
        request,
        "library/entry.html",
        {
            "entry": obj,
            "own": own,
            "can_edit": own and bool(can_edit_entry(actor, obj)),
            "consent_employer": own and bool(consent_side(actor, obj, "employer")),
            "consent_union": own and bool(consent_side(actor, obj, "union")),
            "can_withdraw": own and bool(can_withdraw_entry(actor, obj)),
            "withdraw_form": WithdrawForm(),
            "close_entries": close,
            "can_publish_anyway": bool(close) and bool(can_publish_anyway(actor, obj)),
        },
    )


@api_counterpart("GET /library/own", "GET /library/publishable-cases")
@actor_view("coordinator", "decision_maker", "union_rep", "org_admin")
def manage(request, actor: Actor):
    org = actor.organisation
    return render(
        request,
        "library/manage.html",
        {
            "entries": selectors.library_entries_for_org(organisation=org),
            "cases": selectors.publishable_cases(organisation=org)[:50]
            if actor.has("coordinator")
            else [],
        },
    )


def _entry_input(form: EntryForm) -> services.EntryInput:
    d = form.cleaned_data
    return services.EntryInput(
        title=d["title"],
        need=d["need"],
        need_category=d.get("need_category", ""),
        summary=d["summary"],
        lessons=d.get("lessons", ""),
        measure_type_ids=[m.pk for m in d["measure_type_ids"]],
        contact_user_id=d["contact_user"].pk if d.get("contact_user") else None,
        contact_agreed=bool(d.get("contact_agreed")),
        reviewed=bool(d.get("reviewed")),
    )


@api_counterpart("POST /library/cases/{case_id}/entry")
@actor_view("coordinator")
def draft_new(request, actor: Actor, case_id: int):
    case = selectors.case_for_library(organisation=actor.organisation, pk=case_id)
    if case is None:
        raise Http404
    verdict = can_draft_entry(actor, case)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("library:manage")
    if request.method == "POST":
        form = EntryForm(request.POST, organisation=actor.organisation)
        done = run_form(
            request,
            form,
            lambda _cd: services.library_entry_create(
                actor=actor, case=case, data=_entry_input(form)
            ),
            success=lambda obj: obj.get_absolute_url(),
            message=_("Utkastet är sparat. Nu behöver båda parter samtycka."),
        )
        if done is not None:
            return done
    else:
        form = EntryForm(
            initial=selectors.draft_initial(case=case), organisation=actor.organisation
        )
    snapshot = selectors.case_snapshot(case)
    return render(
        request,
        "library/entry_form.html",
        {"form": form, "case": case, "snapshot": snapshot, "entry": None},
        status=form_status(request),
    )


@api_counterpart("GET /library/entries/{entry_id}", "PUT /library/entries/{entry_id}")
@actor_view("coordinator")
def entry_edit(request, actor: Actor, pk: int):
    obj = selectors.library_entry_get(actor=actor, pk=pk)
    if obj is None or obj.organisation_id != actor.organisation.pk:
        raise Http404
    verdict = can_edit_entry(actor, obj)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect(obj.get_absolute_url())
    if request.method == "POST":
        form = EntryForm(request.POST, organisation=actor.organisation)
        done = run_form(
            request,
            form,
            lambda _cd: services.library_entry_update(
                actor=actor, entry=obj, data=_entry_input(form)
            ),
            success=obj.get_absolute_url(),
            message=_("Utkastet är ändrat."),
        )
        if done is not None:
            return done
    else:
        form = EntryForm(
            initial={
                "title": obj.title,
                "need": obj.need,
                "need_category": obj.need_category,
                "summary": obj.summary,
                "lessons": obj.lessons,
                "measure_type_ids": list(obj.measure_types.values_list("pk", flat=True)),
                "contact_user": obj.contact_user_id,
                "contact_agreed": bool(obj.contact_user_id),
            },
            organisation=actor.organisation,
        )
    return render(
        request,
        "library/entry_form.html",
        {"form": form, "case": None, "entry": obj},
        status=form_status(request),
    )


@api_counterpart("POST /library/entries/{entry_id}/consent")
@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def entry_consent(request, actor: Actor, pk: int):
    obj = selectors.library_entry_get(actor=actor, pk=pk)
    if obj is None or obj.organisation_id != actor.organisation.pk:
        raise Http404
    side = request.POST.get("side", "")
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Kryssa i att du har läst exemplet och samtycker."))
        return redirect(obj.get_absolute_url())
    try:
        obj = services.library_consent(actor=actor, entry=obj, side=side)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if obj.status == EntryStatus.PUBLISHED:
            messages.success(request, _("Båda parter har samtyckt. Exemplet är publicerat."))
        elif obj.employer_consent_at and obj.union_consent_at:
            messages.warning(
                request,
                _(
                    "Båda parter har samtyckt, men exemplet liknar ett som organisationen "
                    "redan har publicerat. Samordnaren behöver bekräfta att det ska publiceras."
                ),
            )
        else:
            messages.success(request, _("Ditt samtycke är registrerat."))
    return redirect(obj.get_absolute_url())


@api_counterpart("POST /library/entries/{entry_id}/publish-anyway")
@require_POST
@actor_view("coordinator")
def entry_publish_anyway(request, actor: Actor, pk: int):
    obj = selectors.library_entry_get(actor=actor, pk=pk)
    if obj is None or obj.organisation_id != actor.organisation.pk:
        raise Http404
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Kryssa i att exemplet beskriver en annan insats."))
        return redirect(obj.get_absolute_url())
    try:
        obj = services.library_publish_anyway(actor=actor, entry=obj)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if obj.status == EntryStatus.PUBLISHED:
            messages.success(request, _("Exemplet är publicerat."))
        else:
            messages.success(
                request, _("Bekräftat. Exemplet publiceras när båda parter har samtyckt.")
            )
    return redirect(obj.get_absolute_url())


@api_counterpart("POST /library/entries/{entry_id}/withdraw")
@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def entry_withdraw(request, actor: Actor, pk: int):
    obj = selectors.library_entry_get(actor=actor, pk=pk)
    if obj is None or obj.organisation_id != actor.organisation.pk:
        raise Http404
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("reason", [])))
        return redirect(obj.get_absolute_url())
    reason = form.cleaned_data.get("reason", "")
    try:
        services.library_entry_withdraw(actor=actor, entry=obj, reason=reason)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(obj.get_absolute_url())
    messages.success(request, _("Exemplet är återtaget och syns inte längre i biblioteket."))
    return redirect("library:manage")
