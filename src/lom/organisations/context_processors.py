def active_organisation(request):
    actor = getattr(request, "actor", None)
    if actor is None or not actor:
        return {"actor": None}
    return {"actor": actor}
