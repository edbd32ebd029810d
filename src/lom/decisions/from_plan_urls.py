"""Workshop proposals into applications and rounds, at the workshop's own address: config.urls
mounts these under /planning/ next to lom.planning.urls (planning must not know about them)."""

from django.urls import path

from lom.decisions import views

app_name = "from_plan"
W = "workshops/<int:pk>/"
urlpatterns = [
    path(
        W + "proposals/<int:proposal_id>/case/",
        views.proposal_to_case_view,
        name="proposal_to_case",
    ),
    path(W + "round/", views.proposals_round_view, name="proposals_round"),
]
