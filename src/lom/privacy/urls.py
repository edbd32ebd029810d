from django.urls import path

from lom.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("retention/", views.retention_view, name="retention"),
    path("reads/", views.reads_view, name="reads"),
    path("subjects/", views.subjects_view, name="subjects"),
    path("subjects/<int:pk>/export.<str:fmt>", views.subject_export_view, name="subject_export"),
]
