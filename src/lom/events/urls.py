from django.urls import path

from lom.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list_view, name="list"),
    path("new/", views.event_create_view, name="create"),
    path("statistics/", views.year_statistics_view, name="year_statistics"),
    path(
        "statistics/<int:year>.xlsx",
        views.year_statistics_export_view,
        name="year_statistics_export",
    ),
    path("<int:pk>/", views.event_detail_view, name="detail"),
    path("<int:pk>/edit/", views.event_edit_view, name="edit"),
    path("<int:pk>/cancel/", views.event_cancel_view, name="cancel"),
    path("<int:pk>/register/", views.register_view, name="register"),
    path("<int:pk>/unregister/", views.unregister_view, name="unregister"),
    path("<int:pk>/evaluate/", views.evaluate_view, name="evaluate"),
    path("<int:pk>/statistics/", views.event_statistics_view, name="statistics"),
]
