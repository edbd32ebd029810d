from django.urls import path

from lom.diarium import views

app_name = "diarium"

urlpatterns = [
    path("", views.register_view, name="register"),
    path("export.csv", views.export_view, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export_view, {"fmt": "xlsx"}, name="export_xlsx"),
    path("series/", views.series_view, name="series"),
]
