"""Plan against actual at the plan's own address: config.urls mounts these under /planning/
next to lom.planning.urls (planning, below cases, must not know about this report)."""

from django.urls import path

from lom.reports import views

app_name = "reports_plan"
P = "plans/<int:pk>/"
urlpatterns = [
    path(P + "actual/", views.plan_actual_view, name="plan_actual"),
    path(P + "actual.xlsx", views.plan_actual_xlsx_view, name="plan_actual_xlsx"),
]
