"""Retention (gallring): an organisation's periods, and the run that blanks or deletes what is
due. The run takes exactly what `retention_due` selects (the preview shows the same), class by
class in set-based statements, and leaves one audit event per class with the count (never the
removed text). A second run on the same day finds nothing. Decisions, amounts, the ledger and
sealed documents are never touched: they are public records."""

from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.models import Attachment
from lom.common.audit import audit
from lom.common.errors import DomainError, PermissionDeniedError
from lom.organisations.access import Actor
from lom.organisations.models import Organisation
from lom.privacy.classes import ANONYMISE, BY_CODE
from lom.privacy.models import RetentionPolicy
from lom.privacy.permissions import can_manage_retention
from lom.privacy.selectors.retention import policies_in_force, retention_due

# What "anonymise" writes over, per class: the personal text goes, the record stays.
BLANKED: dict[str, dict[str, Any]] = {
    "case.private_reason": {"private_reason": "", "share_private_reason": False},
    "support.session_note": {"text": ""},
    "support.eligibility_check": {"reasoning": []},
    "support.application_text": {"description": ""},
    "mail.body": {"text": "", "html": ""},
}


@transaction.atomic(durable=True)
def retention_policy_save(*, actor: Actor, data_class: str, months: int) -> RetentionPolicy:
    """Set the organisation's own period for one data class, within the class's bounds."""
    if not can_manage_retention(actor):
        raise PermissionDeniedError(_("Bara administratören kan ändra gallringsreglerna."))
    cls = BY_CODE.get(data_class)
    if cls is None:
        raise DomainError(_("Okänt uppgiftsslag."), field="data_class")
    if not isinstance(months, int) or not cls.min_months <= months <= cls.max_months:
        raise DomainError(
            _("Gallringstiden för %(label)s ska vara mellan %(min)s och %(max)s månader.")
            % {"label": cls.label, "min": cls.min_months, "max": cls.max_months},
            field="months",
        )
    org = actor.organisation
    policy = RetentionPolicy.objects.filter(organisation=org, data_class=data_class).first()
    before = policy.months if policy else cls.months_in_force
    if policy is None:
        policy = RetentionPolicy(organisation=org, data_class=data_class)
    policy.months = months
    policy.updated_by = actor.user
    policy.save()
    audit(
        organisation_id=org.pk,
        actor=actor.user,
        action="privacy.retention_policy_changed",
        target=policy,
        before={"data_class": data_class, "months": before},
        after={"data_class": data_class, "months": months},
    )
    return policy


def _remove_files(names: list[str]) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def _apply(code: str, qs) -> int:
    """Blank or delete every record of `qs`, set-based."""
    model = qs.model
    pks = model.objects.filter(pk__in=qs.values("pk"))
    if BY_CODE[code].action == ANONYMISE:
        return pks.update(**BLANKED[code])
    if code == "case.draft":
        files = list(Attachment.objects.filter(case__in=pks).values_list("file", flat=True))
        transaction.on_commit(lambda: _remove_files(files))
        count = pks.count()
        pks.delete()
        return count
    return pks.delete()[1].get(model._meta.label, 0)


def _run_for(organisation: Organisation, *, today: date, actor=None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for policy in policies_in_force(organisation=organisation):
        code = policy.data_class.code
        qs = retention_due(organisation=organisation, code=code, months=policy.months, today=today)
        n = _apply(code, qs)
        counts[code] = n
        if n:
            audit(
                organisation_id=organisation.pk,
                actor=actor,
                action="privacy.retention_run",
                target=organisation,
                after={
                    "data_class": code,
                    "action": policy.data_class.action,
                    "months": policy.months,
                    "count": n,
                    "day": today.isoformat(),
                },
            )
    return counts


def retention_run(*, organisation: Organisation, today: date | None = None) -> dict[str, int]:
    """Run one organisation's due retention, in one durable transaction."""
    with transaction.atomic(durable=True):
        return _run_for(organisation, today=today or timezone.localdate())


@transaction.atomic(durable=True)
def retention_run_now(*, actor: Actor) -> dict[str, int]:
    """The administrator runs the organisation's due retention now (what the nightly job would
    do today): the same run, with the administrator in the audit trail. Counts per class."""
    if not can_manage_retention(actor):
        raise PermissionDeniedError(_("Bara administratören kan ändra gallringsreglerna."))
    return _run_for(actor.organisation, today=timezone.localdate(), actor=actor.user)


def retention_run_all(
    *, today: date | None = None
) -> dict:  # batch: a transaction per organisation
    """The scheduler's job: every organisation's due retention, each in its own transaction
    (one organisation's failure leaves the others' work done). Counts per organisation (slug)
    and data class."""
    day = today or timezone.localdate()
    out: dict[str, dict[str, int]] = {}
    for org in Organisation.objects.order_by("pk"):
        out[org.slug] = retention_run(organisation=org, today=day)
    return out
