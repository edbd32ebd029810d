from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "lom.library"
    label = "library"
