"""The fund's side of the API: periods, payroll, allocation, criteria, pots, statistics and
member employers. The same selectors and services as the pages."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from lom.common.errors import DomainError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.fundmode import services
from lom.fundmode.api.common import (
    REFUSALS,
    XLSX,
    binary,
    fund_reader,
    pot_out,
    reader,
    round_or_404,
)
from lom.fundmode.api.schemas import (
    ActiveIn,
    FundCriterionIn,
    FundCriterionOut,
    FundImportedOut,
    FundReconciliationOut,
    FundReconciliationRowOut,
    FundRoundIn,
    FundRoundOut,
    MemberIn,
    MemberOut,
    PayrollsIn,
    PotOut,
    StatisticsOut,
)
from lom.fundmode.exports import statistics_xlsx_response
from lom.fundmode.models import Criterion, FundMembership
from lom.fundmode.permissions import can_administer, require
from lom.fundmode.selectors import (
    criteria_for,
    criterion_get,
    member_candidates,
    membership_of,
    memberships_of,
    pot_figures_for,
    pot_get,
    pots_for,
    rounds_for,
)
from lom.fundmode.selectors.figures import ReconciliationRow, fund_statistics, member_reconciliation

router = Router(tags=["fundmode"])


# --- periods ---------------------------------------------------------------------------------


@router.get("/periods", response=Page[FundRoundOut], summary="List the fund's periods")
def list_rounds(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    rows, nxt = keyset_page(rounds_for(actor=reader(request)), cursor=cursor, limit=limit)
    return Page[FundRoundOut](items=[FundRoundOut.from_orm(r) for r in rows], next_cursor=nxt)


@router.post("/periods", response={201: FundRoundOut, **REFUSALS}, summary="Open a period")
def open_round(request, payload: FundRoundIn):
    r = services.round_open(actor=request.api_actor, **payload.dict())
    return Status(201, r)


@router.get("/periods/{round_id}", response=FundRoundOut, summary="Read a period")
def get_round(request, round_id: Id):
    return round_or_404(reader(request), round_id)


@router.put(
    "/periods/{round_id}/payroll",
    response={200: FundImportedOut, **REFUSALS},
    summary="Set the payroll of member employers of an open period (all or none)",
)
def set_payrolls(request, round_id: Id, payload: PayrollsIn):
    actor = request.api_actor
    r = round_or_404(actor, round_id)
    rows = services.payroll_set_many(
        actor=actor,
        fund_round=r,
        payrolls={p.member_id: p.payroll_ore for p in payload.payrolls},
    )
    return {"imported": len(rows)}


@router.post(
    "/periods/{round_id}/payroll",
    response={200: FundImportedOut, **REFUSALS},
    summary="Import the payroll of member employers from a CSV or XLSX file",
)
def import_payrolls(request, round_id: Id, file: File[UploadedFile]):
    actor = request.api_actor
    r = round_or_404(actor, round_id)
    return {"imported": services.payroll_import(actor=actor, fund_round=r, upload=file)}


@router.post(
    "/periods/{round_id}/allocation",
    response={200: FundRoundOut, **REFUSALS},
    summary="Allocate the period to the member employers by payroll",
)
def allocate(request, round_id: Id):
    actor = request.api_actor
    r = round_or_404(actor, round_id)
    services.round_allocate(actor=actor, fund_round=r)
    r.refresh_from_db()
    return r


@router.get("/periods/{round_id}/pots", response=Page[PotOut], summary="List the pots of a period")
def list_pots(request, round_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = reader(request)
    r = round_or_404(actor, round_id)
    return _pot_page(pots_for(actor=actor, fund_round=r), cursor=cursor, limit=limit)


@router.get(
    "/periods/{round_id}/statistics",
    response=StatisticsOut,
    summary="Statistics of the approved measures of a period",
)
def statistics(request, round_id: Id):
    actor = fund_reader(request)
    s = fund_statistics(actor=actor, fund_round=round_or_404(actor, round_id))

    def row(x):
        return {
            "label": x.label,
            "measures": x.measures,
            "approved_ore": x.approved_ore,
            "paid_ore": x.paid_ore,
            "women": x.women,
            "men": x.men,
            "other": x.other,
        }

    return {
        "total": row(s.total),
        "by_employer": [row(x) for x in s.by_employer],
        "by_year": [row(x) for x in s.by_year],
        "by_quarter": [row(x) for x in s.by_quarter],
        "by_employer_quarter": [{"employer": e, **row(x)} for e, x in s.by_employer_quarter],
        "by_occupation": [
            {"occupation": o, "women": f, "men": m, "other": x} for o, f, m, x in s.by_occupation
        ],
    }


@router.get(
    "/periods/{round_id}/statistics.xlsx",
    summary="The statistics of a period as an Excel file",
    response={403: ErrorOut, 404: ErrorOut},
    openapi_extra=binary("The statistics workbook (the page's download).", XLSX),
)
def statistics_xlsx(request, round_id: Id) -> HttpResponse:
    actor = fund_reader(request)
    return statistics_xlsx_response(actor=actor, fund_round=round_or_404(actor, round_id))


# --- criteria --------------------------------------------------------------------------------


def _criterion_out(c: Criterion) -> FundCriterionOut:
    return FundCriterionOut(
        id=c.pk,
        round_id=c.round_id,
        order=c.order,
        text=c.text_shown,
        text_code=c.text_code,
        help_text=c.help_text,
        active=c.active,
    )


@router.get(
    "/periods/{round_id}/criteria",
    response=Page[FundCriterionOut],
    summary="List the approval criteria of a period",
)
def list_criteria(
    request, round_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
):
    actor = fund_reader(request)
    qs = criteria_for(fund_round=round_or_404(actor, round_id))
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("order", "id"))
    return Page[FundCriterionOut](items=[_criterion_out(c) for c in rows], next_cursor=nxt)


@router.post(
    "/periods/{round_id}/criteria",
    response={201: FundCriterionOut, **REFUSALS},
    summary="Add an approval criterion to a period",
)
def add_criterion(request, round_id: Id, payload: FundCriterionIn):
    actor = request.api_actor
    r = round_or_404(actor, round_id)
    c = services.criterion_save(actor=actor, fund_round=r, **payload.dict())
    return Status(201, _criterion_out(c))


def _criterion_to_administer(request, criterion_id: int) -> Criterion:
    actor = request.api_actor
    c = criterion_get(actor=actor, pk=criterion_id)
    if c is None:
        raise Http404
    return c


@router.put(
    "/criteria/{criterion_id}",
    response={200: FundCriterionOut, **REFUSALS},
    summary="Change the text of an approval criterion",
)
def edit_criterion(request, criterion_id: Id, payload: FundCriterionIn):
    c = _criterion_to_administer(request, criterion_id)
    c = services.criterion_save(
        actor=request.api_actor, fund_round=c.round, criterion=c, **payload.dict()
    )
    return _criterion_out(c)


@router.put(
    "/criteria/{criterion_id}/active",
    response={200: FundCriterionOut, **REFUSALS},
    summary="Retire an approval criterion or bring it back",
)
def set_criterion_active(request, criterion_id: Id, payload: ActiveIn):
    c = _criterion_to_administer(request, criterion_id)
    c = services.criterion_set_active(actor=request.api_actor, criterion=c, active=payload.active)
    return _criterion_out(c)


# --- pots ------------------------------------------------------------------------------------


def _pot_page(qs, *, cursor: str | None, limit: int) -> Page[PotOut]:
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    figures = pot_figures_for(pots=rows, today=timezone.localdate())
    return Page[PotOut](items=[PotOut(**pot_out(f.pot, f)) for f in figures], next_cursor=nxt)


@router.get("/pots", response=Page[PotOut], summary="List the pots the caller sees")
def list_all_pots(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    return _pot_page(pots_for(actor=reader(request)), cursor=cursor, limit=limit)


@router.get("/pots/{pot_id}", response=PotOut, summary="Read a pot with its figures")
def get_pot(request, pot_id: Id):
    pot = pot_get(actor=reader(request), pk=pot_id)
    if pot is None:
        raise Http404
    return pot_out(pot)


# --- member employers ------------------------------------------------------------------------


def _member_out(m: FundMembership) -> MemberOut:
    return MemberOut(member_id=m.member_id, name=m.member.name, joined_on=m.joined_on)


@router.get("/members", response=Page[MemberOut], summary="List the fund's member employers")
def list_members(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    actor = request.api_actor
    require(can_administer(actor))
    rows, nxt = keyset_page(
        memberships_of(fund=actor.organisation), cursor=cursor, limit=limit, order=("id",)
    )
    return Page[MemberOut](items=[_member_out(m) for m in rows], next_cursor=nxt)


@router.post("/members", response={201: MemberOut, **REFUSALS}, summary="Make an employer a member")
def add_member(request, payload: MemberIn):
    actor = request.api_actor
    require(can_administer(actor))
    member = member_candidates(fund=actor.organisation).filter(pk=payload.member_id).first()
    if member is None:
        raise DomainError(
            _(
                "Organisationen kan inte bli medlem: den är ingen region eller kommun, "
                "eller redan medlem i en fond."
            ),
            field="member_id",
        )
    m = services.member_add(actor=actor, member=member, joined_on=payload.joined_on)
    return Status(201, _member_out(m))


@router.delete(
    "/members/{member_id}",
    response={204: None, **REFUSALS},
    summary="Remove a member employer that never had a pot",
)
def remove_member(request, member_id: Id):
    actor = request.api_actor
    require(can_administer(actor))
    membership = membership_of(fund=actor.organisation, member_id=member_id)
    if membership is None:
        raise Http404
    services.member_remove(actor=actor, membership=membership)
    return Status(204, None)


def _reconciliation_row(r: ReconciliationRow) -> FundReconciliationRowOut:
    return FundReconciliationRowOut(
        name=str(r.name),
        start=r.start,
        end=r.end,
        granted_ore=r.granted_ore,
        claimed_ore=r.claimed_ore,
        paid_ore=r.paid_ore,
        ledger_used_ore=r.ledger_used_ore,
        difference_ore=r.difference_ore,
    )


@router.get(
    "/reconciliation",
    response=FundReconciliationOut,
    summary="Reconcile the member's own fund periods with its pot at the fund",
)
def get_reconciliation(request):
    rec = member_reconciliation(actor=reader(request))
    if rec is None:
        raise Http404
    return FundReconciliationOut(
        linked_to_cases=False,
        rows=[_reconciliation_row(r) for r in rec.rows],
        total=_reconciliation_row(rec.total),
    )
