from django.urls import path

from lom.planning import views

app_name = "planning"
W = "workshops/<int:pk>/"
P = "plans/<int:pk>/"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("guide/", views.guide_view, name="guide"),
    # Workshops
    path("workshops/", views.workshops_view, name="workshops"),
    path("workshops/new/", views.workshop_create_view, name="workshop_create"),
    path(W, views.workshop_view, name="workshop"),
    path(W + "live/", views.workshop_live_view, name="workshop_live"),
    path(W + "participants/", views.workshop_participants_view, name="workshop_participants"),
    path(
        W + "participants/<int:participant_id>/remove/",
        views.workshop_uninvite_view,
        name="workshop_uninvite",
    ),
    path(W + "step/", views.workshop_step_view, name="workshop_step"),
    path(W + "timebox/", views.workshop_timebox_view, name="workshop_timebox"),
    path(W + "lock/", views.workshop_lock_view, name="workshop_lock"),
    path(W + "new-version/", views.workshop_new_version_view, name="workshop_new_version"),
    path(W + "cards/", views.card_add_view, name="card_add"),
    path(W + "cards/<int:card_id>/move/", views.card_move_view, name="card_move"),
    path(W + "cards/<int:card_id>/remove/", views.card_remove_view, name="card_remove"),
    path(W + "areas/", views.area_add_view, name="area_add"),
    path(W + "areas/<int:area_id>/remove/", views.area_remove_view, name="area_remove"),
    path(W + "needs/", views.need_add_view, name="need_add"),
    path(W + "needs/<int:need_id>/remove/", views.need_remove_view, name="need_remove"),
    path(W + "proposals/", views.proposal_add_view, name="proposal_add"),
    path(
        W + "proposals/<int:proposal_id>/remove/",
        views.proposal_remove_view,
        name="proposal_remove",
    ),
    path(W + "closing/", views.closing_view, name="closing"),
    path(W + "result/", views.workshop_result_view, name="workshop_result"),
    path(W + "result.pdf", views.workshop_pdf_view, name="workshop_pdf"),
    # Plans
    path("plans/", views.plans_view, name="plans"),
    path("plans/current/", views.plan_current_view, name="plan_current"),
    path(P, views.plan_view, name="plan"),
    path(P + "edit/", views.plan_edit_view, name="plan_edit"),
    path(P + "import/", views.plan_import_view, name="plan_import"),
    path(P + "areas/", views.plan_area_add_view, name="plan_area_add"),
    path(P + "areas/<int:area_id>/remove/", views.plan_area_remove_view, name="plan_area_remove"),
    path(P + "needs/new/", views.plan_need_view, name="plan_need_create"),
    path(P + "needs/<int:need_id>/", views.plan_need_view, name="plan_need"),
    path(P + "needs/<int:need_id>/remove/", views.plan_need_remove_view, name="plan_need_remove"),
    path(P + "measures/new/", views.plan_measure_view, name="plan_measure_create"),
    path(P + "measures/<int:measure_id>/", views.plan_measure_view, name="plan_measure"),
    path(
        P + "measures/<int:measure_id>/remove/",
        views.plan_measure_remove_view,
        name="plan_measure_remove",
    ),
    path(P + "approve/", views.plan_approve_view, name="plan_approve"),
    path(P + "new-version/", views.plan_new_version_view, name="plan_new_version"),
]
