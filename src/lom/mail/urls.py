from django.urls import path

from lom.mail import views

app_name = "mail"
urlpatterns: list = [
    path("failures/", views.failures_view, name="failures"),
    path("failures/resend/", views.resend_all_view, name="resend_all"),
    path("failures/<int:pk>/resend/", views.resend_view, name="resend"),
    path("failures/<int:pk>/cancel/", views.cancel_view, name="cancel"),
]
