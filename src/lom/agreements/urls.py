from django.urls import path

from lom.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list_view, name="list"),
    path("new/", views.agreement_edit_view, name="create"),
    path("<int:pk>/", views.agreement_detail_view, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit_view, name="edit"),
    path(
        "<int:pk>/versions/<int:version_id>/approve/",
        views.version_approve_view,
        name="version_approve",
    ),
    path(
        "<int:pk>/versions/<int:version_id>/withdraw/",
        views.version_withdraw_view,
        name="version_withdraw",
    ),
]
