from django.urls import path

from lom.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.fund_overview_view, name="overview"),
    path("new/", views.fund_period_create_view, name="create"),
    path("<int:pk>/", views.fund_period_view, name="period"),
]
