"""Public pages (no login): mounted at /o/."""

from django.urls import path

from lom.outreach import views

app_name = "public"

urlpatterns = [
    path("<slug:org_slug>/", views.public_page_view, name="page"),
    path("<slug:org_slug>/guide/", views.public_guide_view, name="guide"),
    path("<slug:org_slug>/ansok/", views.public_apply_view, name="apply"),
]
