from django.urls import path

from lom.sector import views

app_name = "sector"

urlpatterns = [
    path("", views.benchmark_view, name="benchmark"),
]
