"""Start-up check of the retention defaults an installation sets in the environment."""

from django.conf import settings
from django.core.checks import Error, register

from lom.privacy.classes import BY_CODE


@register()
def retention_defaults_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    for code, months in settings.LOM_RETENTION_DEFAULT_MONTHS.items():
        cls = BY_CODE.get(code)
        if cls is None:
            errors.append(
                Error(
                    f"LOM_RETENTION_DEFAULT_MONTHS names an unknown data class {code!r}; "
                    f"known: {', '.join(sorted(BY_CODE))}.",
                    id="privacy.E001",
                )
            )
            continue
        try:
            value = int(months)
        except (TypeError, ValueError):
            value = -1
        if not cls.min_months <= value <= cls.max_months:
            errors.append(
                Error(
                    f"LOM_RETENTION_DEFAULT_MONTHS: {code} must be between {cls.min_months} and "
                    f"{cls.max_months} months, not {months!r}.",
                    id="privacy.E002",
                )
            )
    return errors
