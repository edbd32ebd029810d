"""The campaign opt-out: a signed link in every campaign mail that turns campaigns off for
its employee, without signing in."""

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.levers.models import OptOut
from lom.mail.services.queue import absolute_url
from lom.organisations.models import Employee

SALT = "lom.levers.optout"


@dataclass(frozen=True)
class OptOutTarget:
    employee: Employee
    already: bool


def optout_token(*, employee_id: int) -> str:  # pure: signed, no expiry
    return signing.Signer(salt=SALT).sign_object({"e": employee_id})


def optout_url(*, employee_id: int) -> str:  # pure: builds the link
    return absolute_url(reverse("levers:optout", args=[optout_token(employee_id=employee_id)]))


def optout_headers(*, employee_id: int) -> dict[str, str]:  # pure: List-Unsubscribe (RFC 8058)
    return {
        "List-Unsubscribe": f"<{optout_url(employee_id=employee_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def optout_read(*, token: str) -> OptOutTarget:  # pure: reads the signed link
    try:
        employee_id = int(signing.Signer(salt=SALT).unsign_object(token)["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(_("Länken är ogiltig."), code="bad_token") from None
    employee = Employee.objects.filter(pk=employee_id).first()
    if employee is None:
        raise DomainError(_("Länken gäller inte längre."), code="bad_token")
    return OptOutTarget(employee, OptOut.objects.filter(employee=employee).exists())


@transaction.atomic(durable=True)
def campaign_opt_out(*, token: str) -> OptOutTarget:
    """No more campaign mail or notice for the link's employee. Twice changes nothing more."""
    target = optout_read(token=token)
    row, created = OptOut.objects.get_or_create(
        employee=target.employee, defaults={"organisation_id": target.employee.organisation_id}
    )
    if created:
        audit(
            organisation_id=row.organisation_id,
            actor=None,
            action="levers.opt_out",
            target=row,
        )
    return OptOutTarget(target.employee, True)
