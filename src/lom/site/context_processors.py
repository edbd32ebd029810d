"""What every page's template gets: the actor, the unread notification count and the menu."""

from django.utils.functional import SimpleLazyObject

from lom.decisions.selectors import unread_count
from lom.site.menu import main_menu


def active_organisation(request):
    actor = getattr(request, "actor", None)
    if actor is None or not actor:
        return {"actor": None}

    def unread():
        return unread_count(user=request.user)

    def menu():
        return main_menu(actor, request.path)

    return {
        "actor": actor,
        "unread_notifications": SimpleLazyObject(unread),
        "main_menu": SimpleLazyObject(menu),
    }
