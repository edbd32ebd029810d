"""Re-authentication for API endpoints of the most sensitive acts (the HTML views use
`lom.common.reauth.recent_auth_required`). A call made with the browser's session cookie must
come from a recent sign-in, else it is answered 403 with code "reauth_required"; a call with an
API token is not bound to a session and passes."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from lom.accounts.models import ApiToken, User, hash_token
from lom.common.auth_session import authenticated_within
from lom.common.errors import PermissionDeniedError
from lom.common.reauth import reauth_seconds

REAUTH_REQUIRED = "reauth_required"


def _bearer_token_of(*, user: User, token: str) -> bool:
    """Is `token` a live API token of this user (a token call, not a browser session)?"""
    return ApiToken.objects.filter(
        key_hash=hash_token(token), user=user, user__is_active=True
    ).exists()


def ensure_recent_auth(request: HttpRequest) -> None:
    header = request.headers.get("Authorization", "")
    user = request.user
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if token and isinstance(user, User) and _bearer_token_of(user=user, token=token):
        return
    if not authenticated_within(request, reauth_seconds()):
        raise PermissionDeniedError(
            _(
                "Bekräfta att det är du (reauthentication required): logga in igen eller "
                "bekräfta på sidan för omautentisering, och försök sedan igen."
            ),
            code=REAUTH_REQUIRED,
        )
