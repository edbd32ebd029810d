from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CommonConfig(AppConfig):
    name = "lom.common"
    label = "common"

    def ready(self) -> None:
        # Every app's system messages (lom.common.messages), declared before any is shown.
        autodiscover_modules("messages")
