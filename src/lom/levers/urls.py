from django.urls import path

from lom.levers.views import campaigns, panel

app_name = "levers"

urlpatterns: list = [
    path("periods/<int:pk>/", panel.period_levers_view, name="period"),
    path("periods/<int:pk>/round/", panel.round_view, name="round"),
    path("campaigns/", campaigns.campaign_list_view, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_new_view, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_view, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit_view, name="campaign_edit"),
    path("campaigns/<int:pk>/send/", campaigns.campaign_send_view, name="campaign_send"),
    path("campaigns/<int:pk>/cancel/", campaigns.campaign_cancel_view, name="campaign_cancel"),
    path("campaigns/<int:pk>/kit/<int:unit_id>/", campaigns.kit_view, name="kit"),
    path("campaigns/<int:pk>/kit/<int:unit_id>/pdf/", campaigns.kit_pdf_view, name="kit_pdf"),
    path("optout/<str:token>/", campaigns.optout_view, name="optout"),
]
