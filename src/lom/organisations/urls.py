from django.urls import path

from lom.organisations import views

app_name = "organisations"
urlpatterns = [
    path("switch/", views.switch_organisation_view, name="switch"),
    path("units/", views.units_view, name="units"),
    path("employees/", views.employees_view, name="employees"),
    path("employees/new/", views.employee_edit_view, name="employee_create"),
    path("employees/<int:pk>/", views.employee_edit_view, name="employee_edit"),
    path("unions/", views.unions_view, name="unions"),
    path("roles/", views.memberships_view, name="memberships"),
    path("roles/<int:pk>/revoke/", views.membership_revoke_view, name="membership_revoke"),
]
