from django.utils.functional import SimpleLazyObject


def active_organisation(request):
    actor = getattr(request, "actor", None)
    if actor is None or not actor:
        return {"actor": None}

    def unread():
        from lom.decisions.selectors import unread_count

        return unread_count(user=request.user)

    def menu():
        from lom.common.menu import main_menu

        return main_menu(actor, request.path)

    return {
        "actor": actor,
        "unread_notifications": SimpleLazyObject(unread),
        "main_menu": SimpleLazyObject(menu),
    }
