from django.urls import path

from lom.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("period/<int:period_id>/", views.dashboard_period_view, name="dashboard_period"),
    path("fairness/", views.fairness_view, name="fairness"),
    path("surveys/", views.surveys_view, name="surveys"),
    path("annual/", views.annual_view, name="annual"),
    path("annual/<int:pk>/", views.annual_job_view, name="annual_job"),
    path(
        "annual/<int:year>/comments/<slug:section>/",
        views.annual_comment_view,
        name="annual_comment",
    ),
    path("annual/<int:pk>/pdf/", views.annual_download_view, {"fmt": "pdf"}, name="annual_pdf"),
    path("annual/<int:pk>/xlsx/", views.annual_download_view, {"fmt": "xlsx"}, name="annual_xlsx"),
    path("settings/", views.settings_view, name="settings"),
    path("decisions/", views.decisions_view, name="decisions"),
    path("export/cases.csv", views.export_cases_view, {"fmt": "csv"}, name="export_cases_csv"),
    path("export/cases.xlsx", views.export_cases_view, {"fmt": "xlsx"}, name="export_cases_xlsx"),
    path(
        "export/ledger/<int:period_id>.csv",
        views.export_ledger_view,
        {"fmt": "csv"},
        name="export_ledger_csv",
    ),
    path(
        "export/ledger/<int:period_id>.xlsx",
        views.export_ledger_view,
        {"fmt": "xlsx"},
        name="export_ledger_xlsx",
    ),
    path(
        "export/decisions.csv",
        views.export_decisions_view,
        {"fmt": "csv"},
        name="export_decisions_csv",
    ),
    path(
        "export/decisions.xlsx",
        views.export_decisions_view,
        {"fmt": "xlsx"},
        name="export_decisions_xlsx",
    ),
]
