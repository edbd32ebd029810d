from django.urls import path

from lom.decisions import views

app_name = "decisions"
urlpatterns = [
    path("meetings/", views.meetings_view, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_view, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda_view, name="meeting_agenda"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance_view, name="meeting_attendance"),
    path("meetings/<int:pk>/sign/", views.meeting_sign_view, name="meeting_sign"),
    path(
        "meetings/<int:pk>/adjusting/restart/",
        views.meeting_adjusting_restart_view,
        name="meeting_adjusting_restart",
    ),
    path("meetings/<int:pk>/adjust/", views.meeting_adjust_view, name="meeting_adjust"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_minutes_view, name="meeting_minutes"),
    path("items/<int:pk>/position/", views.position_view, name="position"),
    path("items/<int:pk>/decide/", views.item_decide_view, name="item_decide"),
    path("objections/", views.objections_view, name="objections"),
    path("objections/new/", views.objection_raise_view, name="objection_raise"),
    path("objections/<int:pk>/", views.objection_view, name="objection"),
    path("rounds/", views.rounds_view, name="rounds"),
    path("rounds/<int:pk>/", views.round_view, name="round"),
    path("rounds/<int:pk>/score/<int:case_id>/", views.score_view, name="score"),
    path("rounds/<int:pk>/matrix/", views.round_matrix_view, name="round_matrix"),
    path("rounds/<int:pk>/matrix/<int:case_id>/", views.score_row_view, name="score_row"),
    path("rounds/<int:pk>/start-review/", views.round_start_review_view, name="round_start_review"),
    path("rounds/<int:pk>/agenda/", views.round_agenda_view, name="round_agenda"),
    path("rounds/<int:pk>/projects/", views.round_projects_view, name="round_projects"),
    path(
        "rounds/<int:pk>/projects/<int:case_id>/",
        views.project_history_view,
        name="project_history",
    ),
    path("projects/<int:case_id>/report/", views.project_report_view, name="project_report"),
    path("rounds/<int:pk>/decide/", views.round_decide_view, name="round_decide"),
    path("rounds/join/<int:case_id>/", views.round_join_view, name="round_join"),
    path("notifications/", views.notifications_view, name="notifications"),
]
