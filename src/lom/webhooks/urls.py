from django.urls import path

from lom.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints_view, name="endpoints"),
    path("new/", views.endpoint_create_view, name="endpoint_create"),
    path("<int:pk>/", views.endpoint_view, name="endpoint"),
    path("<int:pk>/edit/", views.endpoint_edit_view, name="endpoint_edit"),
    path("<int:pk>/secret/", views.endpoint_rotate_view, name="endpoint_rotate"),
    path("<int:pk>/deactivate/", views.endpoint_deactivate_view, name="endpoint_deactivate"),
    path("deliveries/<int:pk>/redeliver/", views.redeliver_view, name="redeliver"),
]
