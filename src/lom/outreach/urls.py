from django.urls import path

from lom.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("contacts/new/", views.contact_edit_view, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_edit_view, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete_view, name="contact_delete"),
    path("news/new/", views.news_edit_view, name="news_create"),
    path("news/<int:pk>/", views.news_edit_view, name="news_edit"),
    path("news/<int:pk>/delete/", views.news_delete_view, name="news_delete"),
    path("campaigns/new/", views.campaign_edit_view, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_edit_view, name="campaign_edit"),
    path("stats/", views.stats_view, name="stats"),
]
