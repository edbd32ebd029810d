from django.urls import path

from lom.levers import views

app_name = "levers"

urlpatterns: list = [
    path("campaigns/", views.campaign_list_view, name="campaigns"),
    path("campaigns/new/", views.campaign_new_view, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_view, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit_view, name="campaign_edit"),
    path("campaigns/<int:pk>/send/", views.campaign_send_view, name="campaign_send"),
    path("campaigns/<int:pk>/cancel/", views.campaign_cancel_view, name="campaign_cancel"),
    path("campaigns/<int:pk>/kit/<int:unit_id>/", views.kit_view, name="kit"),
    path("campaigns/<int:pk>/kit/<int:unit_id>/pdf/", views.kit_pdf_view, name="kit_pdf"),
    path("optout/<str:token>/", views.optout_view, name="optout"),
]
