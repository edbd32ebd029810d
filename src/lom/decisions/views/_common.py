"""What the decisions views share."""

from django.contrib import messages

from lom.common.errors import DomainError

READERS = ("coordinator", "decision_maker", "union_rep", "auditor", "org_admin")


def _error(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))
