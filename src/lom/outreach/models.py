"""Reaching every employee: the public page's contacts, news and campaigns, and aggregate
reach counters. Nothing here identifies an employee: the counters are plain numbers per day
(per month for applications), keyed by what was counted, never by who."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import MeasureType
from lom.organisations.models import Organisation, Union

CONTACT_NAME_MAX = 120  # a contact person's name and role
PHONE_MAX = 40
SORT_ORDER_MAX = 32_000
NEWS_TITLE_MAX = 160  # a news item's title, a campaign's theme
NEWS_BODY_MAX = 3_000  # what a public page shows of one news item
CAMPAIGN_TEXT_MAX = 3_000


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publicerad")


class ContactPerson(models.Model):
    """A person the coordinator chooses to show on the public page. The only names the public
    page ever shows."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("namn"), max_length=CONTACT_NAME_MAX)
    role = models.CharField(
        _("roll"),
        max_length=CONTACT_NAME_MAX,
        help_text=_("Till exempel samordnare, HR-partner, chef."),
    )
    email = models.EmailField(_("e-post"))
    phone = models.CharField(_("telefon"), max_length=PHONE_MAX, blank=True)
    union = models.ForeignKey(
        Union,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fackförbund"),
        help_text=_("Välj förbundet om personen är facklig kontakt."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("ordning"), default=100, validators=[MaxValueValidator(SORT_ORDER_MAX)]
    )

    class Meta:
        ordering = ["sort_order", "name", "id"]
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        indexes = [models.Index(fields=["organisation", "sort_order"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_union_contact(self) -> bool:
        return self.union_id is not None


class NewsItem(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("rubrik"), max_length=NEWS_TITLE_MAX)
    body = models.TextField(_("text"), max_length=NEWS_BODY_MAX)
    publish_from = models.DateField(_("visas från"))
    publish_to = models.DateField(_("visas till och med"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-publish_from", "-id"]
        verbose_name = _("nyhet")
        verbose_name_plural = _("nyheter")
        indexes = [models.Index(fields=["organisation", "status", "publish_from"])]

    def __str__(self) -> str:
        return self.title


class Campaign(models.Model):
    """A period with a theme, a text and the measure types it highlights."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("tema"), max_length=NEWS_TITLE_MAX)
    text = models.TextField(_("text"), max_length=CAMPAIGN_TEXT_MAX)
    starts_on = models.DateField(_("startar"))
    ends_on = models.DateField(_("slutar"))
    measure_types = models.ManyToManyField(
        MeasureType, blank=True, related_name="+", verbose_name=_("insatstyper som lyfts fram")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    # Only the anonymous marker of a message sent to a group (a campaign of the levers): its
    # links are counted, but it is never the public page's theme, since its text was written
    # for that group.
    is_marker = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("kampanj")
        verbose_name_plural = _("kampanjer")
        indexes = [models.Index(fields=["organisation", "status", "starts_on"])]

    def __str__(self) -> str:
        return self.title


class CounterKind(models.TextChoices):
    PAGE_VIEW = "page_view", _("Besök på informationssidan")
    GUIDE_VIEW = "guide_view", _("Besök i guiden")
    GUIDE_RESULT = "guide_result", _("Svar i guiden")
    APPLY_CLICK = "apply_click", _("Gick vidare till ansökan")
    APPLICATION = "application", _("Ansökningar som påbörjades")


class ReachCounter(models.Model):
    """One aggregate number: how many times `kind` happened for the organisation on `day`
    (`day` is the first of the month for applications), optionally attributed to a campaign
    and with a short `detail` code (the source of a click, one answer of the guide).
    No cookie, IP address, user or case is ever stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=CounterKind.choices)
    detail = models.CharField(max_length=40, blank=True, default="")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="counters"
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "kind"]
        verbose_name = _("räknare")
        verbose_name_plural = _("räknare")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day", "kind", "detail", "campaign"],
                condition=Q(campaign__isnull=False),
                name="outreach_counter_unique_campaign",
            ),
            models.UniqueConstraint(
                fields=["organisation", "day", "kind", "detail"],
                condition=Q(campaign__isnull=True),
                name="outreach_counter_unique_plain",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.detail}: {self.count}"
