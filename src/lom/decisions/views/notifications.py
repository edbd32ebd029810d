"""The user's notifications and notification preferences."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lom.common.parity import api_counterpart
from lom.common.web import actor_view, form_status, run_form
from lom.decisions import selectors, services
from lom.decisions.forms import (
    PreferencesForm,
)
from lom.organisations.access import Actor


@api_counterpart(
    "GET /decisions/notifications",
    "POST /decisions/notifications/read",
    "GET /decisions/notifications/preferences",
    "PUT /decisions/notifications/preferences",
)
@actor_view()
def notifications_view(request, actor: Actor):  # one action per branch
    current = selectors.notification_preferences(user=actor.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and request.POST.get("mark_read"):
        services.notifications_mark_read(actor=actor)
        return redirect("decisions:notifications")
    done = run_form(
        request,
        form,
        lambda d: services.notification_preferences_save(actor=actor, email=d, digest=d["digest"]),
        success=reverse("decisions:notifications"),
        message=_("Dina val för e-post är sparade."),
    )
    if done is not None:
        return done
    return render(
        request,
        "decisions/notifications.html",
        {"notifications": selectors.notifications_for(user=actor.user), "form": form},
        status=form_status(request),
    )
