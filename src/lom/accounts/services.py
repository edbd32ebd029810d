"""Writes about the user account itself."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.errors import DomainError


@transaction.atomic(durable=True)
def user_language_save(*, user: User, language: str) -> None:
    """The language LOM writes to the user in (mail, in-app notifications)."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Okänt språk."), field="language")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
