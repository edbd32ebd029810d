"""What the decisions views share."""

from django.contrib import messages

from lom.common.errors import DomainError
from lom.decisions.permissions import READERS

__all__ = ["READERS", "_error"]


def _error(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))
