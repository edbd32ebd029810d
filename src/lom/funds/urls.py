from django.urls import path

from lom.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.fund_overview_view, name="overview"),
    path("new/", views.fund_period_create_view, name="create"),
    path("<int:pk>/", views.fund_period_view, name="period"),
    path("<int:pk>/close/", views.fund_period_close_view, name="close"),
    path("<int:pk>/reopen/", views.fund_period_reopen_view, name="reopen"),
]
