"""The register import pages, under /register/ (namespace `register`)."""

from django.urls import path

from lom.register import views

app_name = "register"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("runs/<int:pk>/", views.run_view, name="run"),
    path("runs/<int:pk>/columns/", views.run_columns_view, name="columns"),
    path("runs/<int:pk>/apply/", views.run_apply_view, name="apply"),
    path("runs/<int:pk>/discard/", views.run_discard_view, name="discard"),
    path("runs/<int:pk>/files/<str:kind>/", views.file_download_view, name="file"),
]
