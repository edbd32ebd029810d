"""Re-authentication for API endpoints of the most sensitive acts (the HTML views use
`lom.common.reauth.recent_auth_required`). A call made with the browser's session cookie must
come from a recent sign-in, else it is answered 403 with code "reauth_required"; a call with an
API token is not bound to a session and passes."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.auth_session import authenticated_within
from lom.common.errors import PermissionDeniedError
from lom.common.reauth import reauth_seconds
from lom.identity.selectors.account import bearer_token_of

REAUTH_REQUIRED = "reauth_required"


def ensure_recent_auth(request: HttpRequest) -> None:
    header = request.headers.get("Authorization", "")
    user = request.user
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if token and isinstance(user, User) and bearer_token_of(user=user, token=token):
        return
    if not authenticated_within(request, reauth_seconds()):
        raise PermissionDeniedError(
            _(
                "Bekräfta att det är du (reauthentication required): logga in igen eller "
                "bekräfta på sidan för omautentisering, och försök sedan igen."
            ),
            code=REAUTH_REQUIRED,
        )
