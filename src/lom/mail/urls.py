from django.urls import path

from lom.mail.views.unsubscribe import unsubscribe_view

app_name = "mail"
urlpatterns: list = [
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
]
