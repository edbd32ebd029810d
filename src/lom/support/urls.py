from django.urls import path

from lom.support import views
from lom.support.views import applications

app_name = "support"

urlpatterns = [
    path("", views.index_view, name="index"),
    # Eligibility for individual support at the end of employment
    path("eligibility/self/", views.self_check_view, name="self_check"),
    path("eligibility/", views.eligibility_view, name="eligibility"),
    path(
        "eligibility/employees/<int:employee_id>/",
        views.employee_check_view,
        name="employee_check",
    ),
    path("eligibility/checks/<int:pk>/", views.check_detail_view, name="check"),
    path("eligibility/import/", views.import_view, name="import"),
    path("eligibility/rules/", views.rules_view, name="rules"),
    # Applications for individual support
    path("applications/", applications.applications_view, name="applications"),
    path("applications/new/", applications.application_new_view, name="application_new"),
    path("applications/<int:pk>/", applications.application_view, name="application"),
    path(
        "applications/<int:pk>/transition/",
        applications.application_transition_view,
        name="application_transition",
    ),
    # Career and study counselling
    path("counselling/", views.counselling_view, name="counselling"),
    path("counselling/slots/<int:pk>/book/", views.book_view, name="book"),
    path("counselling/slots/<int:pk>/withdraw/", views.slot_withdraw_view, name="slot_withdraw"),
    path("counselling/bookings/<int:pk>/", views.booking_view, name="booking"),
    path("counselling/bookings/<int:pk>/cancel/", views.booking_cancel_view, name="booking_cancel"),
    path("counselling/bookings/<int:pk>/held/", views.booking_held_view, name="booking_held"),
    path("counselling/counts/", views.counts_view, name="counts"),
]
