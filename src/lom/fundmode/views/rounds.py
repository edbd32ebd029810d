"""Fund-mode pages of the fund's side: periods, payroll, allocation, criteria, pots,
statistics, member employers."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, post_action, run_form
from lom.fundmode import services
from lom.fundmode.exports import statistics_xlsx_response
from lom.fundmode.forms import CriterionForm, ImportForm, MemberForm, PayrollForm, RoundForm
from lom.fundmode.models import FundRound, MeasureNotification
from lom.fundmode.permissions import (
    can_act_for_employer,
    can_administer,
    can_read_fund,
    is_fund_side,
)
from lom.fundmode.selectors import (
    balances_for_pots,
    criteria_for,
    criterion_get,
    member_candidates,
    members_of,
    memberships_of,
    notifications_for,
    payrolls_for,
    pot_figures,
    pot_figures_for,
    pot_get,
    pots_for,
    rounds_for,
)
from lom.fundmode.selectors.figures import fund_statistics, member_reconciliation
from lom.fundmode.views.common import reader_or_404, round_or_404
from lom.organisations.access import Actor

S = MeasureNotification.Status


@api_counterpart("GET /fund/periods", "GET /fund/pots", "GET /fund/notifications")
@actor_view()
def index_view(request, actor: Actor):
    reader_or_404(actor)
    rounds = list(rounds_for(actor=actor).select_related("fund"))
    pots = list(pots_for(actor=actor).order_by("-round__start", "member__name"))
    bal = balances_for_pots(pots=pots)
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    notes = notifications_for(actor=actor, status=status).order_by("-created_at", "-id")[:200]
    return render(
        request,
        "fundmode/index.html",
        {
            "fund_side": is_fund_side(actor),
            "rounds": rounds,
            "pots": [(p, bal[p.pk]) for p in pots],
            "notes": notes,
            "status": status,
            "statuses": S.choices,
            "can_administer": bool(can_administer(actor)),
            "can_prenotify": any(can_act_for_employer(actor, r) for r in rounds),
        },
    )


@api_counterpart("POST /fund/periods")
@actor_view()
def round_new_view(request, actor: Actor):
    verdict = can_administer(actor)
    if not verdict:
        raise Http404
    form = RoundForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.round_open(actor=actor, **d),
        success=lambda r: reverse("fundmode:round", args=[r.pk]),
        message=_("Perioden är öppnad med fondens sju kriterier."),
    )
    return done or render(
        request, "fundmode/round_form.html", {"form": form}, status=form_status(request)
    )


def _round_page(request, actor: Actor, r: FundRound, *, import_form: ImportForm | None = None):
    """The period page; while the period is open, its administrator sets the payroll (one
    form for all members) or imports it from a file. Answers a redirect after a save."""
    admin = bool(can_administer(actor)) and r.fund_id == actor.organisation.pk
    pots = list(pots_for(actor=actor, fund_round=r))
    ctx = {
        "round": r,
        "figures": pot_figures_for(pots=pots, today=timezone.localdate()),
        "admin": admin,
        "fund_side": is_fund_side(actor),
    }
    if admin and r.status == FundRound.Status.OPEN:
        members = members_of(fund=actor.organisation)
        payrolls = payrolls_for(fund_round=r)
        posted = request.POST if import_form is None and request.method == "POST" else None
        form = PayrollForm(posted, members=members, initial_payroll=payrolls)
        done = run_form(
            request,
            form,
            lambda d: services.payroll_set_many(
                actor=actor, fund_round=r, payrolls=form.payrolls()
            ),
            success=reverse("fundmode:round", args=[r.pk]),
            message=_("Lönesummorna är sparade."),
        )
        if done is not None:
            return done
        ctx.update(
            form=form,
            import_form=import_form or ImportForm(),
            members=[(m, payrolls.get(m.pk)) for m in members],
            total_payroll=sum(payrolls.values()),
        )
    if is_fund_side(actor):
        ctx["criteria"] = criteria_for(fund_round=r)
    return render(request, "fundmode/round.html", ctx, status=form_status(request))


@api_counterpart(
    "GET /fund/periods/{round_id}",
    "GET /fund/periods/{round_id}/pots",
    "GET /fund/periods/{round_id}/criteria",
    "PUT /fund/periods/{round_id}/payroll",
)
@actor_view()
def round_view(request, actor: Actor, pk: int):
    return _round_page(request, actor, round_or_404(actor, pk))


@api_counterpart("POST /fund/periods/{round_id}/payroll")
@require_POST
@actor_view()
def payroll_import_view(request, actor: Actor, pk: int):
    """A refused file is shown at the file field of the period page; nothing is imported."""
    r = round_or_404(actor, pk)
    if not can_administer(actor):
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    done = run_form(
        request,
        form,
        lambda d: services.payroll_import(actor=actor, fund_round=r, upload=d["file"]),
        success=reverse("fundmode:round", args=[r.pk]),
        message=lambda n: _("%(n)d lönesummor är inlästa.") % {"n": n},
    )
    return done or _round_page(request, actor, r, import_form=form)


@api_counterpart("POST /fund/periods/{round_id}/allocation")
@require_POST
@actor_view()
def allocate_view(request, actor: Actor, pk: int):
    r = round_or_404(actor, pk)
    if not can_administer(actor):
        raise Http404
    return post_action(
        request,
        lambda: services.round_allocate(actor=actor, fund_round=r),
        success=reverse("fundmode:round", args=[r.pk]),
        message=_("Perioden är fördelad på medlemmarna efter lönesumma."),
    )


@api_counterpart("GET /fund/periods/{round_id}/criteria", "POST /fund/periods/{round_id}/criteria")
@actor_view()
def criteria_view(request, actor: Actor, pk: int):
    r = round_or_404(actor, pk)
    if not can_read_fund(actor):
        raise Http404
    admin = bool(can_administer(actor))
    form = CriterionForm(request.POST or None) if admin else None
    done = form and run_form(
        request,
        form,
        lambda d: services.criterion_save(actor=actor, fund_round=r, **d),
        success=reverse("fundmode:criteria", args=[r.pk]),
        message=_("Kriteriet är tillagt."),
    )
    return done or render(
        request,
        "fundmode/criteria.html",
        {"round": r, "criteria": criteria_for(fund_round=r), "form": form, "admin": admin},
        status=form_status(request),
    )


@api_counterpart("PUT /fund/criteria/{criterion_id}")
@actor_view()
def criterion_edit_view(request, actor: Actor, pk: int):
    c = criterion_get(actor=actor, pk=pk)
    if c is None or not can_administer(actor):
        raise Http404
    form = CriterionForm(
        request.POST or None, initial={"text": c.text_shown, "help_text": c.help_text}
    )
    done = run_form(
        request,
        form,
        lambda d: services.criterion_save(actor=actor, fund_round=c.round, criterion=c, **d),
        success=reverse("fundmode:criteria", args=[c.round_id]),
        message=_("Kriteriet är sparat."),
    )
    return done or render(
        request,
        "fundmode/criterion_form.html",
        {"form": form, "criterion": c},
        status=form_status(request),
    )


@api_counterpart("PUT /fund/criteria/{criterion_id}/active")
@require_POST
@actor_view()
def criterion_active_view(request, actor: Actor, pk: int):
    """Retire a criterion (it stays on earlier assessments) or bring it back."""
    c = criterion_get(actor=actor, pk=pk)
    if c is None or not can_administer(actor):
        raise Http404
    active = request.POST.get("active") == "1"
    return post_action(
        request,
        lambda: services.criterion_set_active(actor=actor, criterion=c, active=active),
        success=reverse("fundmode:criteria", args=[c.round_id]),
        message=_("Kriteriet gäller igen.") if active else _("Kriteriet har utgått."),
    )


@api_counterpart("GET /fund/pots/{pot_id}", "GET /fund/notifications")
@actor_view()
def pot_view(request, actor: Actor, pk: int):
    pot = pot_get(actor=actor, pk=pk)
    if pot is None:
        raise Http404
    fig = pot_figures(pot=pot, today=timezone.localdate())
    entries = pot.entries.select_related("notification").order_by("-id")[:100]
    notes = notifications_for(actor=actor).filter(pot=pot).order_by("-created_at")[:100]
    return render(
        request,
        "fundmode/pot.html",
        {"pot": pot, "fig": fig, "entries": entries, "notes": notes},
    )


@api_counterpart("GET /fund/periods/{round_id}/statistics")
@actor_view()
def statistics_view(request, actor: Actor, pk: int):
    r = round_or_404(actor, pk)
    if not can_read_fund(actor):
        raise Http404
    stats = fund_statistics(actor=actor, fund_round=r)
    return render(request, "fundmode/statistics.html", {"round": r, "stats": stats})


@api_counterpart("GET /fund/periods/{round_id}/statistics.xlsx")
@actor_view()
def statistics_xlsx_view(request, actor: Actor, pk: int):
    r = round_or_404(actor, pk)
    if not can_read_fund(actor):
        raise Http404
    return statistics_xlsx_response(actor=actor, fund_round=r)


@api_counterpart("GET /fund/members", "POST /fund/members")
@actor_view()
def members_view(request, actor: Actor):
    """The fund administrator's list of member employers, and adding one."""
    if not can_administer(actor):
        raise Http404
    form = MemberForm(request.POST or None, candidates=member_candidates(fund=actor.organisation))
    done = run_form(
        request,
        form,
        lambda d: services.member_add(actor=actor, member=d["member"], joined_on=d["joined_on"]),
        success=reverse("fundmode:members"),
        message=lambda m: _("%(m)s är nu medlem i fonden.") % {"m": m.member.name},
    )
    return done or render(
        request,
        "fundmode/members.html",
        {"memberships": memberships_of(fund=actor.organisation), "form": form},
        status=form_status(request),
    )


@api_counterpart("DELETE /fund/members/{member_id}")
@actor_view()
@require_POST
def member_remove_view(request, actor: Actor, pk: int):
    if not can_administer(actor):
        raise Http404
    membership = memberships_of(fund=actor.organisation).filter(pk=pk).first()
    if membership is None:
        raise Http404
    return post_action(
        request,
        lambda: services.member_remove(actor=actor, membership=membership),
        success=reverse("fundmode:members"),
        message=_("%(m)s är inte längre medlem.") % {"m": membership.member.name},
    )


@api_counterpart("GET /fund/reconciliation")
@actor_view()
def reconciliation_view(request, actor: Actor):
    rec = member_reconciliation(actor=actor)
    if rec is None:
        raise Http404
    return render(request, "fundmode/reconciliation.html", {"rec": rec})
