from django.urls import path

from lom.mail.views import failures
from lom.mail.views.unsubscribe import unsubscribe_view

app_name = "mail"
urlpatterns: list = [
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
    path("failures/", failures.failures_view, name="failures"),
    path("failures/resend/", failures.resend_all_view, name="resend_all"),
    path("failures/<int:pk>/resend/", failures.resend_view, name="resend"),
    path("failures/<int:pk>/cancel/", failures.cancel_view, name="cancel"),
]
