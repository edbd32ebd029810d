from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "lom.webhooks"
    verbose_name = "Webhooks"
