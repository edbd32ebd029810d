from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "lom.mail"
    verbose_name = "E-post"
