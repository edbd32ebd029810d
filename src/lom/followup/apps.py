from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "lom.followup"
    label = "followup"
