"""Objections: a union raises one, the employer answers (by the day the agreement sets), the
union closes it. The objection and the answer are registered in the diarium."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.agreements.rules import AgreementRules
from lom.agreements.selectors import rules_in_force
from lom.cases.models import Case, Decision, Status
from lom.cases.rules import rules_for_case
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, NAME_MAX
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.messages import Message, encode_params
from lom.common.validation import optional_text
from lom.common.validation import require as _require
from lom.common.validation import required_text as _text
from lom.decisions.messages import (
    OBJECTION_ANSWERED,
    OBJECTION_CLOSED,
    OBJECTION_RAISED,
    OBJECTION_SUBJECT_AGREEMENT,
    OBJECTION_SUBJECT_CASE,
    OBJECTION_SUBJECT_DECISION,
)
from lom.decisions.models import (
    Objection,
)
from lom.decisions.permissions import (
    can_answer_objection,
    can_raise_objection,
)
from lom.decisions.services._common import _own_case
from lom.diarium.models import DocumentKind, Secrecy
from lom.diarium.services import document_register
from lom.mail.notify import notify
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role, Union
from lom.organisations.selectors import users_with_roles

# Used when no agreement is in force (the agreements' own default).
DEFAULT_ANSWER_DAYS = 14
DEFAULT_OBJECTION_DAYS = 14


def _rules(actor: Actor, case: Case | None) -> AgreementRules | None:
    """The rules an objection is read under: the case's (the version it was submitted under),
    else the agreement in force today."""
    if case is not None:
        return rules_for_case(case)
    return rules_in_force(organisation=actor.organisation, on=timezone.localdate())


def answer_due_on(*, rules: AgreementRules | None, raised_on: date) -> date:
    # pure: the day the employer's answer is due: the day raised plus the agreement's days.
    days = rules.objection_answer_days if rules else DEFAULT_ANSWER_DAYS
    return raised_on + timedelta(days=days)


def _register_title(objection: Objection) -> str:
    """The register is kept in the organisation's language (Swedish), whoever reads it."""
    with translation.override(settings.LANGUAGE_CODE):
        return objection.subject_shown[:NAME_MAX]


def _register(objection: Objection, *, kind: str, direction: str, by: User) -> None:
    """The objection, or the employer's answer, in the diarium. One about a case can touch an
    applicant's circumstances and is examined before it is handed out."""
    case = objection.case
    document_register(
        organisation_id=objection.organisation_id,
        kind=kind,
        title=_register_title(objection),
        target=objection,
        party=objection.union.name,
        direction=direction,
        secrecy=Secrecy.REVIEW if case is not None else Secrecy.PUBLIC,
        case_id=case.pk if case is not None else None,
        case_number=case.number if case is not None else "",
        by=by,
    )


# --- Objections -----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def objection_raise(
    *,
    actor: Actor,
    reasons: str,
    subject: str = "",
    case: Case | None = None,
    decision: Decision | None = None,
    union: Union | None = None,
) -> Objection:
    _require(can_raise_objection(actor))
    if union is None:
        union = Union.objects.get(pk=actor.union_ids[0])
    if union.pk not in actor.union_ids:
        raise PermissionDeniedError(_("Du kan bara invända för ditt eget fackförbund."))
    reasons = _text(
        reasons,
        field="reasons",
        message=_("Skriv skälen för invändningen."),
        max_length=COMMENT_MAX,
    )
    subject = optional_text(subject, field="subject", max_length=NAME_MAX)
    if decision is not None:
        case = decision.case
    if case is not None:
        _own_case(actor, case)
        if case.status == Status.DRAFT:
            raise DomainError(_("Det går inte att invända mot ett utkast."))
    rules = _rules(actor, case)
    if decision is not None:
        days = rules.objection_days if rules else DEFAULT_OBJECTION_DAYS
        if timezone.now() - decision.decided_at > timedelta(days=days):
            raise DomainError(
                _(
                    "Tiden för invändningar mot beslutet (%(d)d dagar) har gått ut. "
                    "Du kan fortfarande invända mot hur avtalet tillämpas."
                )
                % {"d": days},
                field="reasons",
                code="too_late",
            )
    # Without a subject LOM names it: stored as a code, shown in the reader's language.
    named: Message | None = None
    named_params: dict[str, object] = {}
    if not subject:
        if case is None:
            named = OBJECTION_SUBJECT_AGREEMENT
        elif decision is not None:
            named, named_params = OBJECTION_SUBJECT_DECISION, {"n": case.number}
        else:
            named, named_params = OBJECTION_SUBJECT_CASE, {"n": case.number}
    objection = Objection.objects.create(
        organisation=actor.organisation,
        case=case,
        decision=decision,
        union=union,
        raised_by=actor.user,
        subject=subject,
        subject_code=named.code if named is not None else "",
        subject_params=encode_params(named_params),
        reasons=reasons,
        answer_due=answer_due_on(rules=rules, raised_on=timezone.localdate()),
    )
    _register(objection, kind=DocumentKind.OBJECTION, direction="incoming", by=actor.user)
    audit(
        organisation_id=objection.organisation_id,
        actor=actor.user,
        action="objection.raise",
        target=objection,
        case=case,
        after={
            "union": union.name,
            "subject": objection.subject,
            "subject_code": objection.subject_code,
            "reasons": reasons,
            "answer_due": objection.answer_due.isoformat() if objection.answer_due else None,
        },
    )
    notify(
        users=users_with_roles(actor.organisation.pk, Role.COORDINATOR, Role.DECISION_MAKER),
        organisation_id=actor.organisation.pk,
        kind="objection",
        case_id=case.pk if case else None,
        url=f"/decisions/objections/{objection.pk}/",
        text=OBJECTION_RAISED,
        params={"u": union.name, "s": objection.subject_message},
    )
    return objection


@transaction.atomic(durable=True)
def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    _require(can_answer_objection(actor))
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.organisation_id != actor.organisation.pk:
        raise DomainError(_("Invändningen tillhör en annan organisation."))
    if objection.status != Objection.Status.RAISED:
        raise ConflictError(_("Invändningen är redan besvarad."), code="state")
    answer = _text(
        answer, field="answer", message=_("Skriv arbetsgivarens svar."), max_length=COMMENT_MAX
    )
    objection.answer, objection.answered_by = answer, actor.user
    objection.answered_at = timezone.now()
    objection.status = Objection.Status.ANSWERED
    objection.save()
    _register(objection, kind=DocumentKind.OBJECTION_ANSWER, direction="outgoing", by=actor.user)
    audit(
        organisation_id=objection.organisation_id,
        actor=actor.user,
        action="objection.answer",
        target=objection,
        case=objection.case,
        before={"status": "raised"},
        after={"status": "answered", "answer": answer},
    )
    reps = [
        m.user
        for m in Membership.objects.filter(
            organisation_id=objection.organisation_id, role=Role.UNION_REP, union=objection.union
        ).select_related("user")
    ]
    notify(
        users=reps,
        organisation_id=objection.organisation_id,
        kind="objection",
        case_id=objection.case_id,
        url=f"/decisions/objections/{objection.pk}/",
        text=OBJECTION_ANSWERED,
        params={"s": objection.subject_message},
    )
    return objection


@transaction.atomic(durable=True)
def objection_close(
    *, actor: Actor, objection: Objection, outcome: str, note: str = ""
) -> Objection:
    """The objecting union closes it: resolved locally, or escalated to the central parties."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.organisation_id != actor.organisation.pk:
        raise DomainError(_("Invändningen tillhör en annan organisation."))
    if objection.union_id not in actor.union_ids:
        raise PermissionDeniedError(_("Bara det fackförbund som invände kan avsluta invändningen."))
    if objection.status != Objection.Status.ANSWERED:
        raise ConflictError(
            _("Invändningen kan avslutas först när arbetsgivaren har svarat."), code="state"
        )
    if outcome not in (Objection.Status.RESOLVED, Objection.Status.ESCALATED):
        raise DomainError(_("Välj löst lokalt eller hänskjuten."), field="outcome")
    objection.status = outcome
    objection.closing_note = optional_text(note, field="note", max_length=COMMENT_MAX)
    objection.closed_at = timezone.now()
    objection.save()
    audit(
        organisation_id=objection.organisation_id,
        actor=actor.user,
        action=f"objection.{outcome}",
        target=objection,
        case=objection.case,
        before={"status": "answered"},
        after={"status": outcome, "note": objection.closing_note},
    )
    notify(
        users=users_with_roles(objection.organisation_id, Role.COORDINATOR, Role.DECISION_MAKER),
        organisation_id=objection.organisation_id,
        kind="objection",
        case_id=objection.case_id,
        url=f"/decisions/objections/{objection.pk}/",
        text=OBJECTION_CLOSED,
        params={"s": objection.subject_message, "o": Objection.Status(objection.status).label},
    )
    return objection
