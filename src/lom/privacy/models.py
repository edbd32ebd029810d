"""Personal data: an organisation's retention period per data class (gallring)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.organisations.models import Organisation
from lom.privacy.classes import CHOICES, MAX_MONTHS


class RetentionPolicy(models.Model):
    """An organisation's own period for one data class, replacing the default of
    `lom.privacy.classes` (within the class's bounds, checked by the service)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    data_class = models.CharField(_("uppgiftsslag"), max_length=60, choices=CHOICES)
    months = models.PositiveSmallIntegerField(
        _("gallras efter (månader)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "data_class"], name="retentionpolicy_one_per_class"
            ),
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=MAX_MONTHS),
                name="retentionpolicy_months_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.data_class}: {self.months}"
