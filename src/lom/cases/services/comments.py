"""Comments on a case."""

from django.db import transaction
from django.utils.translation import gettext as _

from lom.cases.models import Case, Comment
from lom.cases.permissions import can_comment, require
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX
from lom.common.errors import DomainError
from lom.organisations.access import Actor


@transaction.atomic(durable=True)
def case_comment_add(*, actor: Actor, case: Case, text: str) -> Comment:
    verdict = can_comment(actor, case)
    require(verdict)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Skriv en kommentar."), field="text")
    if len(text) > COMMENT_MAX:
        raise DomainError(
            _("Kommentaren får vara högst %(n)d tecken.") % {"n": COMMENT_MAX}, field="text"
        )
    comment = Comment.objects.create(case=case, author=actor.user, text=text)
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="case.comment",
        target=comment,
        case=case,
    )
    return comment
