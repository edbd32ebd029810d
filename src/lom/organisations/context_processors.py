from django.utils.functional import SimpleLazyObject


def active_organisation(request):
    actor = getattr(request, "actor", None)
    if actor is None or not actor:
        return {"actor": None}

    def unread():
        from lom.decisions.selectors import unread_count

        return unread_count(user=request.user)

    return {"actor": actor, "unread_notifications": SimpleLazyObject(unread)}
