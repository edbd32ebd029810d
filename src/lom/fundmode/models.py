"""Fund mode: an organisation of kind FUND holds the money for its member employers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.organisations.models import Organisation


class FundMembership(models.Model):
    """A member employer (region or municipality) of a fund organisation."""

    fund = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="fund_members", verbose_name=_("fond")
    )
    member = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="fund_memberships",
        verbose_name=_("arbetsgivare"),
    )
    joined_on = models.DateField(_("ansluten"), null=True, blank=True)

    class Meta:
        verbose_name = _("medlemskap i fond")
        verbose_name_plural = _("medlemskap i fond")
        constraints = [
            models.UniqueConstraint(fields=["fund", "member"], name="fundmembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} ∈ {self.fund}"
