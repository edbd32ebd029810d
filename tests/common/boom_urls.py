"""The application's URLs plus views that fail on purpose, for the error-handling tests."""

import errno

from django.http import HttpResponse
from django.urls import include, path

from lom.common.audit import audit


def boom(request):
    raise RuntimeError("kaboom")


def disk_full(request):
    raise OSError(errno.ENOSPC, "No space left on device")


def over_quota(request):
    raise OSError(errno.EDQUOT, "Disk quota exceeded")


def other_os_error(request):
    raise OSError(errno.EACCES, "Permission denied")


def event(request):
    """A domain event written during a request (the view only exists in the tests)."""
    user = request.user
    audit(
        organisation_id=int(request.GET["org"]),
        actor=user,
        action="test.logged",
        target=user,
        before={"secret": "hemligt-före"},
        after={"secret": "hemligt-efter"},
    )
    return HttpResponse("ok")


urlpatterns = [
    path("test-boom/", boom),
    path("test-disk-full/", disk_full),
    path("test-over-quota/", over_quota),
    path("test-other-os-error/", other_os_error),
    path("test-event/", event),
    path("", include("lom.config.urls")),
]
