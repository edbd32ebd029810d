from django.utils.functional import SimpleLazyObject

from lom.organisations.access import actor_for

SESSION_KEY = "active_organisation_id"


class ActiveOrganisationMiddleware:
    """Sets request.actor (lazily): the user's roles in the organisation chosen in the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def load():
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return None
            return actor_for(user=user, organisation_id=request.session.get(SESSION_KEY))

        request.actor = SimpleLazyObject(load)
        return self.get_response(request)
