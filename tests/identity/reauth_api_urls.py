"""A one-endpoint API, authenticated as the real one, whose act needs a recent sign-in."""

from django.urls import path
from ninja import NinjaAPI

from lom.accounts.api_reauth import ensure_recent_auth
from lom.api.auth import SessionAuth, TokenAuth
from lom.common.errors import PermissionDeniedError

api = NinjaAPI(urls_namespace="reauth_probe", auth=[TokenAuth(), SessionAuth()])


@api.exception_handler(PermissionDeniedError)
def on_forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc.message), "code": exc.code}, status=403)


@api.post("/sensitive")
def sensitive(request):
    ensure_recent_auth(request)
    return {"done": True}


urlpatterns = [path("probe/", api.urls)]
