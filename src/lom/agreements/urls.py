from django.urls import path

from lom.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list_view, name="list"),
    path("new/", views.agreement_edit_view, name="create"),
    path("<int:pk>/edit/", views.agreement_edit_view, name="edit"),
]
