"""Everything LOM holds about one employee (registerutdrag, GDPR art. 15), as plain data with
stable keys: dates in ISO 8601, amounts in öre. Rendered as JSON and as a PDF."""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from lom.cases.models import Case
from lom.common.models import AuditEvent, Notification, ReadLog
from lom.events.models import Participant
from lom.followup.models import ParticipantOutcome, SurveyInvitation
from lom.mail.models import OutboundMail
from lom.organisations.models import Employee, Membership
from lom.support.models import Booking, EligibilityCheck, EmploymentMonth, SupportApplication

FORMAT = "lom-subject-export/1"
# Bounds on the lists that grow with time (the audit trail, the read log, notifications): an
# export stays a document a person can read; the note says when a list was cut.
LIST_MAX = 2000


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _employee(e: Employee) -> dict[str, Any]:
    return {
        "id": e.pk,
        "first_name": e.first_name,
        "last_name": e.last_name,
        "employee_number": e.employee_number,
        "email": e.email,
        "unit": e.unit.name,
        "occupational_group": e.occupational_group,
        "ssyk": e.ssyk,
        "employment_start": _iso(e.employment_start),
        "employment_end": _iso(e.employment_end),
        "employment_rate": str(e.employment_rate) if e.employment_rate is not None else None,
        "employment_form": e.employment_form,
        "birth_year": e.birth_year,
        "gender": e.gender,
        "active": e.active,
        "left_register_at": _iso(e.left_at),
    }


def _account(e: Employee) -> dict[str, Any] | None:
    u = e.user
    if u is None:
        return None
    memberships = Membership.objects.filter(user=u, organisation=e.organisation).select_related(
        "unit", "union"
    )
    return {
        "username": u.username,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "email": u.email,
        "date_joined": _iso(u.date_joined),
        "last_login": _iso(u.last_login),
        "is_active": u.is_active,
        "roles": [
            {
                "role": m.role,
                "unit": m.unit.name if m.unit else None,
                "union": m.union.name if m.union else None,
            }
            for m in memberships
        ],
    }


def _case(c: Case) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "title": c.title,
        "status": c.status,
        "kind": c.kind,
        "purpose": c.purpose,
        "business_need": c.business_need,
        "description": c.description,
        "private_reason": c.private_reason,
        "share_private_reason": c.share_private_reason,
        "start_date": _iso(c.start_date),
        "end_date": _iso(c.end_date),
        "requested_ore": c.requested_ore,
        "approved_ore": c.approved_ore,
        "created_at": _iso(c.created_at),
        "submitted_at": _iso(c.submitted_at),
        "decided_at": _iso(c.decided_at),
        "cost_lines": [
            {"kind": line.kind, "description": line.description, "amount_ore": line.amount_ore}
            for line in c.cost_lines.all()
        ],
        "decisions": [
            {
                "outcome": d.outcome,
                "amount_ore": d.amount_ore,
                "reasoning": d.reasoning,
                "decided_at": _iso(d.decided_at),
            }
            for d in c.decisions.all()
        ],
        "comments": [
            {"author": _name(m.author), "text": m.text, "created_at": _iso(m.created_at)}
            for m in c.comments.all()
        ],
        "attachments": [
            {"name": a.original_name, "size": a.size, "uploaded_at": _iso(a.uploaded_at)}
            for a in c.attachments.all()
        ],
        "followups": [
            {
                "kind": f.kind,
                "need_met": f.need_met,
                "comment": f.comment,
                "recorded_at": _iso(f.recorded_at),
                # Prefetched in subject_cases: only this employee's outcomes.
                "outcomes": [o.outcome for o in f.outcomes.all()],
            }
            for f in c.followups.all()
        ],
    }


def subject_cases(*, employee: Employee) -> list[Case]:
    return list(
        Case.objects.filter(organisation=employee.organisation, applicant=employee)
        .prefetch_related(
            "cost_lines",
            "decisions",
            "comments__author",
            "attachments",
            "followups",
            Prefetch(
                "followups__outcomes",
                queryset=ParticipantOutcome.objects.filter(employee=employee),
            ),
        )
        .order_by("created_at", "id")
    )


def subject_bookings(*, employee: Employee) -> list[Booking]:
    return list(
        Booking.objects.filter(employee=employee)
        .select_related("slot", "slot__coach")
        .prefetch_related("notes__author")
        .order_by("slot__starts_at", "id")
    )


def _capped(qs, row: Callable[[Any], dict[str, Any]], key: str, notes: list[str]) -> list:
    """The first LIST_MAX rows of `qs`; a note names the list when there were more."""
    items = list(qs[: LIST_MAX + 1])
    if len(items) > LIST_MAX:
        notes.append(f"{key}: the first {LIST_MAX} rows")
    return [row(x) for x in items[:LIST_MAX]]


def subject_data(
    *, employee: Employee, cases: list[Case], bookings: list[Booking]
) -> dict[str, Any]:
    """Everything held about `employee` in their organisation: no password hash, no secrets.
    Survey answers are stored without any link to the person and cannot be included."""
    org = employee.organisation
    user = employee.user
    notes: list[str] = []
    case_ids = [c.pk for c in cases]
    about = Q(target_type="organisations.employee", target_id=employee.pk) | Q(case_id__in=case_ids)
    audits = AuditEvent.objects.filter(about, organisation=org).select_related("actor")
    who = Q(pk__in=[])
    if user is not None:
        who |= Q(user=user)
    if employee.email:
        who |= Q(to_address__iexact=employee.email)
    mail = OutboundMail.objects.filter(who, organisation=org).order_by("created_at", "id")
    notifications = Notification.objects.filter(user=user, organisation=org).order_by(
        "created_at", "id"
    )
    reads = (
        ReadLog.objects.filter(employee=employee, organisation=org)
        .select_related("actor")
        .order_by("at", "id")
    )
    return {
        "format": FORMAT,
        "generated_at": _iso(timezone.now()),
        "organisation": {"name": org.name, "org_number": org.org_number},
        "note": (
            "Amounts are in öre (1 krona = 100 öre). Dates and times are ISO 8601. Survey "
            "answers are stored without any link to the person who answered and are not included."
        ),
        "employee": _employee(employee),
        "user_account": _account(employee),
        "cases": [_case(c) for c in cases],
        "survey_invitations": [
            {
                "case_number": i.case.number,
                "reminded_at": _iso(i.reminded_at),
                "answered_on": _iso(i.answered_on),
            }
            for i in SurveyInvitation.objects.filter(employee=employee).select_related("case")
        ],
        "counselling": [
            {
                "starts_at": _iso(b.slot.starts_at),
                "coach": _name(b.slot.coach),
                "mode": b.slot.mode,
                "status": b.status,
                "booked_at": _iso(b.booked_at),
                "cancel_reason": b.cancel_reason,
                "notes": [
                    {"author": _name(n.author), "text": n.text, "created_at": _iso(n.created_at)}
                    for n in b.notes.all()
                ],
            }
            for b in bookings
        ],
        "eligibility_checks": [
            {
                "checked_at": _iso(c.checked_at),
                "checked_by": _name(c.checked_by),
                "as_of": _iso(c.as_of),
                "rule_year": c.rule_year,
                "eligible": c.eligible,
                "counted_months": c.counted_months,
                "months_required": c.months_required,
                "reasoning": c.reasoning,
            }
            for c in EligibilityCheck.objects.filter(employee=employee).select_related("checked_by")
        ],
        "support_applications": [
            {
                "created_at": _iso(a.created_at),
                "status": a.status,
                "wish": a.wish,
                "contact": a.contact,
                "description": a.description,
                "as_of": _iso(a.as_of),
                "rule_year": a.rule_year,
                "eligible": a.eligible,
                "counted_months": a.counted_months,
                "months_required": a.months_required,
                "coach": _name(a.coach) if a.coach else None,
            }
            for a in SupportApplication.objects.filter(employee=employee, organisation=org)
            .select_related("coach")
            .order_by("created_at", "id")
        ],
        "employment_months": [
            {
                "month": _iso(m.month),
                "hours_per_week": str(m.hours_per_week),
                "income_ore": m.income_ore,
            }
            for m in EmploymentMonth.objects.filter(employee=employee).order_by("month")
        ],
        "event_participation": [
            {
                "event": p.registration.event.title,
                "starts_at": _iso(p.registration.event.starts_at),
                "side": p.side,
                "registration_status": p.registration.status,
            }
            for p in (
                Participant.objects.filter(user=user).select_related("registration__event")
                if user is not None
                else []
            )
        ],
        "notifications": _capped(
            notifications if user is not None else Notification.objects.none(),
            lambda n: {
                "kind": n.kind,
                # A system message's code and parameters, and its text in the export's language.
                "code": n.code,
                "params": n.params,
                "text": n.shown,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            },
            "notifications",
            notes,
        ),
        "mail": _capped(
            mail,
            lambda m: {
                "subject": m.subject,
                "kind": m.kind,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            },
            "mail",
            notes,
        ),
        "audit_events": _capped(
            audits.order_by("at", "id"),
            lambda a: {
                "action": a.action,
                "at": _iso(a.at),
                "actor": _name(a.actor),
                "target": f"{a.target_type}#{a.target_id}",
                "target_type": a.target_type,
                # The state codes before and after (lom.common.history renders them).
                "status_before": (a.before or {}).get("status"),
                "status_after": (a.after or {}).get("status"),
                "amount_ore": (a.after or {}).get("amount_ore"),
                "note": a.note,
            },
            "audit_events",
            notes,
        ),
        "read_log": _capped(
            reads,
            lambda r: {
                "at": _iso(r.at),
                "reader": _name(r.actor),
                "data_class": r.data_class,
                "channel": r.channel,
                "target": f"{r.target_type}#{r.target_id}",
            },
            "read_log",
            notes,
        ),
        "truncated": notes,
    }


def employee_search(*, organisation, q: str) -> QuerySet[Employee]:
    """Employees of `organisation` whose name, e-mail or number matches every word of `q`
    (none for an empty `q`), by name."""
    qs = Employee.objects.filter(organisation=organisation).select_related("unit")
    words = q.split()[:5]
    if not words:
        return qs.none()
    for w in words:
        qs = qs.filter(
            Q(first_name__icontains=w)
            | Q(last_name__icontains=w)
            | Q(email__icontains=w)
            | Q(employee_number__iexact=w)
        )
    return qs.order_by("last_name", "first_name", "id")


def subject_employee(*, organisation, pk: int) -> Employee | None:
    """One employee of `organisation` for the export (None for another organisation's)."""
    return (
        Employee.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "unit", "user")
        .first()
    )
