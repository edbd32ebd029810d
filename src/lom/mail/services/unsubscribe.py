"""One-click unsubscribe (RFC 8058): every notification mail carries a signed link that turns
e-mail off for its kind, for its recipient, without signing in."""

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.errors import DomainError
from lom.common.models import NotificationPreference
from lom.mail.kinds import KINDS
from lom.mail.services.queue import absolute_url

SALT = "lom.mail.unsubscribe"
# The digest's own link: it turns off e-mail for every kind.
DIGEST = "digest"


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: str


def unsubscribe_token(*, user_id: int, kind: str) -> str:  # pure: signed, no expiry
    return signing.Signer(salt=SALT).sign_object({"u": user_id, "k": kind})


def unsubscribe_url(*, user_id: int, kind: str) -> str:  # pure: builds the link
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return absolute_url(reverse("mail:unsubscribe", args=[token]))


def unsubscribe_headers(*, user_id: int, kind: str) -> dict[str, str]:  # pure: builds the headers
    """List-Unsubscribe with its one-click POST (RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id=user_id, kind=kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe_read(*, token: str) -> Unsubscribe:  # pure: reads the signed link
    """Who and which kind a link is for; DomainError for a forged, altered or stale link."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        user_id, kind = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(
            _("Länken för att avsluta e-post är ogiltig. Ändra dina val under Aviseringar."),
            code="bad_token",
        ) from None
    user = User.objects.filter(pk=user_id).first()
    if user is None or len(kind) > 30:
        raise DomainError(_("Länken för att avsluta e-post gäller inte längre."), code="bad_token")
    return Unsubscribe(user=user, kind=kind)


def _email_off(*, user: User, kinds: list[str]) -> None:
    for kind in kinds:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": False}
        )


@transaction.atomic(durable=True)
def mail_unsubscribe(*, token: str) -> Unsubscribe:
    """Turn e-mail off for the link's kind (the digest's link: every kind). In-app
    notifications keep coming. Doing it twice changes nothing more."""
    target = unsubscribe_read(token=token)
    _email_off(user=target.user, kinds=list(KINDS) if target.kind == DIGEST else [target.kind])
    return target
