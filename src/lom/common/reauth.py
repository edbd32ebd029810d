"""Re-authentication before the most sensitive acts (signing minutes, changing roles,
changing SSO settings, exporting personal data): the user must have signed in, or confirmed
who they are, within the last LOM_REAUTH_MINUTES. The confirmation page lives in
lom.identity (URL name `identity:reauth`)."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from lom.common.auth_session import authenticated_within


def reauth_seconds() -> int:
    return int(getattr(settings, "LOM_REAUTH_MINUTES", 15)) * 60


def recent_auth_required(view):
    """For HTML views: a user who has not authenticated recently is sent to confirm who they
    are, and comes back to the same page (a POST is not replayed: they submit again)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not authenticated_within(request, reauth_seconds()):
            target = request.get_full_path()
            return redirect(f"{reverse('identity:reauth')}?{urlencode({'next': target})}")
        return view(request, *args, **kwargs)

    return wrapper


def recent_auth_for_posts(view):
    """A GET shows the page as it is; a POST (the change) needs a recent sign-in."""
    fresh = recent_auth_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return (fresh if request.method == "POST" else view)(request, *args, **kwargs)

    return wrapper
