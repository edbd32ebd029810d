from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from lom.accounts.models import ApiToken, hash_token
from lom.organisations.access import actor_for
from lom.organisations.middleware import SESSION_KEY

ORG_HEADER = "HTTP_X_LOM_ORGANISATION"


def _org_from(request):
    raw = request.META.get(ORG_HEADER) or request.session.get(SESSION_KEY)
    try:
        return int(raw) if raw else None
    except (TypeError, ValueError):
        return None


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        if (
            api_token.last_used_at is None
            or (timezone.now() - api_token.last_used_at).total_seconds() > 300
        ):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        actor = actor_for(user=api_token.user, organisation_id=_org_from(request))
        if actor is None:
            return None
        request.api_actor = actor
        return actor


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked for writes)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        actor = actor_for(user=request.user, organisation_id=_org_from(request))
        if actor is None:
            return None
        request.api_actor = actor
        return actor
