from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lom.cases"
    label = "cases"

    def ready(self) -> None:
        from lom.cases.services.unit_paths import case_unit_paths_follow
        from lom.organisations.signals import unit_paths_changed

        unit_paths_changed.connect(case_unit_paths_follow, dispatch_uid="cases.unit_paths")
