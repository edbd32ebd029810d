from django.urls import path

from lom.levers import views

app_name = "levers"

urlpatterns = [
    path("periods/<int:pk>/", views.period_levers_view, name="period"),
    path("periods/<int:pk>/round/", views.round_view, name="round"),
]
