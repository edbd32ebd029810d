"""The cached sector benchmark: one run per year, one value per organisation, metric and cell.

These rows are never shown as such: pages and the API read them only through
lom.sector.selectors, which publishes the distribution (quartiles) under the threshold rules
and an organisation's own values to that organisation only."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.organisations.models import Organisation


class BenchmarkRun(models.Model):
    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    computed_at = models.DateTimeField(_("beräknad"), null=True, blank=True)
    requested_at = models.DateTimeField(_("begärd"), null=True, blank=True)
    seconds = models.FloatField(_("beräkningstid (s)"), default=0)
    organisations = models.PositiveIntegerField(_("organisationer"), default=0)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("jämförelse, beräkning")
        verbose_name_plural = _("jämförelse, beräkningar")

    def __str__(self) -> str:
        return str(self.year)


class BenchmarkValue(models.Model):
    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="values")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    size_band = models.CharField(max_length=20)
    metric = models.CharField(max_length=40)
    cell = models.CharField(max_length=40, blank=True, default="")
    value = models.FloatField()
    # The organisation's own value rests on 1-4 people: hidden from its own page too.
    own_hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("jämförelse, värde")
        verbose_name_plural = _("jämförelse, värden")
        indexes = [
            models.Index(fields=["run", "metric", "cell"]),
            models.Index(fields=["run", "organisation"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "organisation", "metric", "cell"], name="benchmark_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.organisation_id}:{self.metric}:{self.cell}"
