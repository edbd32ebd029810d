from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.cases.models import Case, Decision, Status
from lom.cases.selectors import case_get_for_actor
from lom.common.errors import DomainError
from lom.common.sealed import sealed_document_response
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.forms import (
    ItemDecisionForm,
    MeetingForm,
    ObjectionAnswerForm,
    ObjectionCloseForm,
    ObjectionForm,
    PositionForm,
    PreferencesForm,
    RoundForm,
    ScoreForm,
)
from lom.decisions.models import AgendaItem, Criterion, Objection
from lom.decisions.permissions import can_assess, can_manage_meetings
from lom.organisations.access import Actor
from lom.organisations.models import Union

READERS = ("coordinator", "decision_maker", "union_rep", "auditor", "org_admin")


def _error(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


# --- Meetings -------------------------------------------------------------------------------


@actor_view(*READERS)
def meetings_view(request, actor: Actor):
    form = None
    if can_manage_meetings(actor):
        form = MeetingForm(request.POST or None, organisation=actor.organisation)
        done = run_form(
            request,
            form,
            lambda d: services.meeting_create(
                actor=actor,
                title=d["title"],
                starts_at=d["starts_at"],
                place=d["place"],
                attendee_ids=d["attendees"],
            ),
            success=lambda meeting: reverse("decisions:meeting", args=[meeting.pk]),
            message=_("Sammanträdet är planerat."),
        )
        if done is not None:
            return done
    meetings = list(selectors.meetings_for(actor=actor)[:100])
    return render(
        request,
        "decisions/meetings.html",
        {"meetings": meetings, "form": form},
        status=form_status(request),
    )


def _meeting_or_404(actor, pk):
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


@actor_view(*READERS)
def meeting_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    manage = bool(can_manage_meetings(actor))
    my_parties = []
    if actor.has("coordinator", "decision_maker"):
        my_parties.append((None, _("Arbetsgivaren")))
    for u in Union.objects.filter(pk__in=actor.union_ids):
        my_parties.append((u.pk, u.name))
    items = []
    for item in meeting.items.all():
        positions = list(item.positions.all())
        items.append(
            {
                "item": item,
                "case": item.case,
                "provisional": [p for p in positions if not p.final],
                "final": [p for p in positions if p.final],
                "decide_form": ItemDecisionForm(prefix=f"i{item.pk}") if manage else None,
            }
        )
    return render(
        request,
        "decisions/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "manage": manage,
            "my_parties": my_parties,
            "position_form": PositionForm(),
            "ready": list(selectors.cases_ready_for_agenda(actor=actor)[:50])
            if manage and not meeting.is_signed
            else [],
        },
    )


@require_POST
@actor_view("coordinator")
def meeting_agenda_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    try:
        if request.POST.get("fill"):
            n = services.meeting_fill_agenda(actor=actor, meeting=meeting)
            messages.success(request, _("%(n)d ärenden lades till på dagordningen.") % {"n": n})
        else:
            try:
                case_id = int(request.POST.get("case", ""))
            except ValueError as exc:
                raise DomainError(_("Välj ett ärende.")) from exc
            case = case_get_for_actor(actor=actor, pk=case_id)
            services.meeting_add_case(actor=actor, meeting=meeting, case=case)
            messages.success(request, _("Ärendet är uppsatt på dagordningen."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:meeting", pk=meeting.pk)


@require_POST
@actor_view("coordinator")
def meeting_attendance_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    present = set()
    for raw in request.POST.getlist("present"):
        if raw.isdigit():
            present.add(int(raw))
    try:
        services.meeting_set_attendance(actor=actor, meeting=meeting, present_ids=present)
        messages.success(request, _("Närvaron är sparad."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:meeting", pk=meeting.pk)


def _item_or_404(actor, pk) -> AgendaItem:
    item = (
        AgendaItem.objects.select_related("meeting", "case")
        .filter(pk=pk, meeting__organisation=actor.organisation)
        .first()
    )
    if item is None:
        raise Http404
    return item


@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def position_view(request, actor: Actor, pk: int):
    item = _item_or_404(actor, pk)
    form = PositionForm(request.POST)
    party = request.POST.get("party", "")
    union = None
    if party:
        union = (
            Union.objects.filter(organisation=actor.organisation, pk=party).first()
            if party.isdigit()
            else None
        )
        if union is None:
            raise Http404
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.position_record(
                actor=actor,
                item=item,
                stance=d["stance"],
                reason=d["reason"],
                final=d["final"],
                union=union,
            )
            messages.success(request, _("Ställningstagandet är sparat."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Välj tillstyrker eller avstyrker."))
    return redirect(f"/decisions/meetings/{item.meeting_id}/#item-{item.pk}")


@require_POST
@actor_view("coordinator")
def item_decide_view(request, actor: Actor, pk: int):
    item = _item_or_404(actor, pk)
    form = ItemDecisionForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.item_decide(
                actor=actor,
                item=item,
                outcome=d["outcome"],
                reason=d["reason"],
                amount_ore=d["amount"],
            )
            messages.success(request, _("Beslutet är fört till protokollet."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"/decisions/meetings/{item.meeting_id}/#item-{item.pk}")


@require_POST
@actor_view("coordinator")
def meeting_sign_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    try:
        services.meeting_sign(actor=actor, meeting=meeting)
        messages.success(request, _("Protokollet är justerat och låst."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:meeting", pk=meeting.pk)


@require_POST
@actor_view("coordinator")
def meeting_adjust_view(request, actor: Actor, pk: int):
    meeting = _meeting_or_404(actor, pk)
    try:
        new = services.meeting_create(
            actor=actor,
            title=_("Justering av %(t)s") % {"t": meeting.title},
            starts_at=timezone.now(),
            place=meeting.place,
            attendee_ids=[a.user_id for a in meeting.attendees.all()],
            adjusts=meeting,
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("decisions:meeting", pk=meeting.pk)
    return redirect("decisions:meeting", pk=new.pk)


@actor_view(*READERS)
def meeting_minutes_view(request, actor: Actor, pk: int):
    from lom.decisions.minutes import render_minutes_pdf

    meeting = _meeting_or_404(actor, pk)
    return sealed_document_response(
        meeting,
        filename=f"protokoll-{meeting.pk}.pdf",
        preview=lambda: render_minutes_pdf(meeting),
    )


# --- Objections -----------------------------------------------------------------------------


@actor_view(*READERS)
def objections_view(request, actor: Actor):
    status = request.GET.get("status", "")
    if status not in Objection.Status.values:
        status = ""
    rows = list(selectors.objections_for(actor=actor, status=status)[:200])
    form = ObjectionForm() if actor.union_ids else None
    return render(
        request,
        "decisions/objections.html",
        {"objections": rows, "status": status, "statuses": Objection.Status.choices, "form": form},
    )


@require_POST
@actor_view("union_rep")
def objection_raise_view(request, actor: Actor):
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv skälen för invändningen."))
        case_id = request.POST.get("case", "")
        if case_id.isdigit():
            return redirect("cases:detail", pk=int(case_id))
        return redirect("decisions:objections")
    d = form.cleaned_data
    case = decision = None
    if d["decision"]:
        decision = Decision.objects.filter(
            pk=d["decision"], case__organisation=actor.organisation
        ).first()
        if decision is None:
            raise Http404
        case_get_for_actor(actor=actor, pk=decision.case_id)
    elif d["case"]:
        case = case_get_for_actor(actor=actor, pk=d["case"])
    try:
        objection = services.objection_raise(
            actor=actor, reasons=d["reasons"], subject=d["subject"], case=case, decision=decision
        )
    except DomainError as exc:
        _error(request, exc)
        if case or decision:
            return redirect("cases:detail", pk=(case or decision.case).pk)
        return redirect("decisions:objections")
    messages.success(request, _("Invändningen är registrerad. Arbetsgivaren ska svara."))
    return redirect("decisions:objection", pk=objection.pk)


@actor_view(*READERS)
def objection_view(request, actor: Actor, pk: int):
    objection = selectors.objection_get(actor=actor, pk=pk)
    if objection is None:
        raise Http404
    answer_form = close_form = None
    done = None
    if objection.status == Objection.Status.RAISED and actor.has("coordinator", "decision_maker"):
        answer_form = ObjectionAnswerForm(request.POST or None)
        done = run_form(
            request,
            answer_form,
            lambda d: services.objection_answer(
                actor=actor, objection=objection, answer=d["answer"]
            ),
            success=reverse("decisions:objection", args=[pk]),
            message=_("Svaret är registrerat."),
        )
    elif objection.status == Objection.Status.ANSWERED and objection.union_id in actor.union_ids:
        close_form = ObjectionCloseForm(request.POST or None)
        done = run_form(
            request,
            close_form,
            lambda d: services.objection_close(
                actor=actor, objection=objection, outcome=d["outcome"], note=d["note"]
            ),
            success=reverse("decisions:objection", args=[pk]),
            message=_("Invändningen är avslutad."),
        )
    if done is not None:
        return done
    events = selectors.objection_events(actor=actor, pk=pk)
    return render(
        request,
        "decisions/objection.html",
        {
            "objection": objection,
            "answer_form": answer_form,
            "close_form": close_form,
            "events": events,
        },
        status=form_status(request),
    )


# --- Application rounds ---------------------------------------------------------------------


@actor_view()
def rounds_view(request, actor: Actor):
    form = None
    if can_manage_meetings(actor):
        form = RoundForm(request.POST or None, organisation=actor.organisation)
        done = run_form(
            request,
            form,
            lambda d: services.round_create(
                actor=actor,
                title=d["title"],
                call_text=d["call_text"],
                opens_on=d["opens_on"],
                closes_on=d["closes_on"],
                budget_ore=d["budget"],
                period=d["period"],
                criteria=d["criteria"],
            ),
            success=lambda rnd: reverse("decisions:round", args=[rnd.pk]),
            message=_("Ansökningsomgången är utlyst."),
        )
        if done is not None:
            return done
    rounds = list(selectors.rounds_for(actor=actor)[:50])
    return render(
        request,
        "decisions/rounds.html",
        {"rounds": rounds, "form": form, "today": timezone.localdate()},
        status=form_status(request),
    )


@actor_view()
def round_view(request, actor: Actor, pk: int):
    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    assessor = bool(can_assess(actor))
    matrix = selectors.round_matrix(rnd=rnd) if assessor or actor.has("auditor") else []
    decidable = [r for r in matrix if r["case"].status == Status.IN_REVIEW]
    return render(
        request,
        "decisions/round.html",
        {
            "round": rnd,
            "matrix": matrix,
            "assessor": assessor,
            "criteria": list(rnd.criteria.all()),
            "decidable": decidable,
            "manage": bool(can_manage_meetings(actor)),
            "user_id": actor.user.pk,
        },
    )


@require_POST
@actor_view("coordinator", "decision_maker", "union_rep")
def score_view(request, actor: Actor, pk: int, case_id: int):
    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    case = case_get_for_actor(actor=actor, pk=case_id)
    form = ScoreForm(request.POST)
    if form.is_valid():
        criterion = Criterion.objects.filter(round=rnd, pk=form.cleaned_data["criterion"]).first()
        if criterion is None:
            raise Http404
        try:
            services.score_record(
                actor=actor,
                case=case,
                criterion=criterion,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Bedömningen är sparad."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Ange poäng som ett heltal."))
    return redirect("decisions:round", pk=rnd.pk)


@require_POST
@actor_view("coordinator")
def round_decide_view(request, actor: Actor, pk: int):
    from lom.common.money import MoneyParseError, parse_kronor

    rnd = selectors.round_get(actor=actor, pk=pk)
    if rnd is None:
        raise Http404
    decisions = []
    try:
        for case in rnd.cases.filter(status=Status.IN_REVIEW):
            approve = request.POST.get(f"c{case.pk}-outcome") == "approve"
            raw = request.POST.get(f"c{case.pk}-amount", "").strip()
            try:
                amount = parse_kronor(raw) if raw else None
            except MoneyParseError as exc:
                raise DomainError(
                    _("Beloppet för %(n)s är inte ett belopp i kronor.") % {"n": case.number}
                ) from exc
            reason = (
                request.POST.get(f"c{case.pk}-reason", "").strip()
                or request.POST.get("reason", "").strip()
            )
            decisions.append(services.RoundDecision(case.pk, approve, amount, reason))
        services.round_decide(actor=actor, rnd=rnd, decisions=decisions)
        messages.success(request, _("Omgången är beslutad."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("decisions:round", pk=rnd.pk)


@require_POST
@actor_view()
def round_join_view(request, actor: Actor, case_id: int):
    case: Case = case_get_for_actor(actor=actor, pk=case_id)
    try:
        rnd_id = int(request.POST.get("round", ""))
    except ValueError as exc:
        raise Http404 from exc
    rnd = selectors.round_get(actor=actor, pk=rnd_id)
    if rnd is None:
        raise Http404
    try:
        services.round_join(actor=actor, rnd=rnd, case=case)
        messages.success(request, _("Ansökan ingår nu i omgången %(t)s.") % {"t": rnd.title})
    except DomainError as exc:
        _error(request, exc)
    return redirect("cases:detail", pk=case.pk)


# --- Notifications --------------------------------------------------------------------------


@actor_view()
def notifications_view(request, actor: Actor):
    current = selectors.notification_preferences(user=actor.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and request.POST.get("mark_read"):
        services.notifications_mark_read(actor=actor)
        return redirect("decisions:notifications")
    done = run_form(
        request,
        form,
        lambda d: services.notification_preferences_save(actor=actor, email=d),
        success=reverse("decisions:notifications"),
        message=_("Dina val för e-post är sparade."),
    )
    if done is not None:
        return done
    return render(
        request,
        "decisions/notifications.html",
        {"notifications": selectors.notifications_for(user=actor.user), "form": form},
        status=form_status(request),
    )
