"""Counts "went on to apply" without the application knowing about the public page.

A person who came from the public page or the guide carries a marker in the session. When
their first application is created (the application form answers with a redirect), the count
for the month goes up by one and the marker is dropped. The count is an anonymous statistic
recorded after the application's own transaction has committed: it can never undo or hold up
the application, and the application (in `lom.cases`, below this package) needs no knowledge
of outreach."""

from django.http import HttpRequest, HttpResponse

from lom.outreach.web import SESSION_MARKER, note_application_from_session

APPLICATION_CREATED_BY = "cases:create"


class ApplicationReachMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "POST"
            and response.status_code == 302
            and match is not None
            and match.view_name == APPLICATION_CREATED_BY
            and SESSION_MARKER in getattr(request, "session", {})
        ):
            actor = getattr(request, "actor", None)
            if actor:
                note_application_from_session(request, actor.organisation)
        return response
