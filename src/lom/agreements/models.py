from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import MAX_AMOUNT_ORE, TEXT_MAX
from lom.organisations.models import Organisation, Union

# Money in öre: never negative, never past the bound every sum is checked against.
AMOUNT_BOUNDS = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)]


class ApplicationKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Medarbetare söker själv")
    WITH_MANAGER = "with_manager", _("Medarbetare och chef tillsammans")
    GROUP = "group", _("Gruppinsats")
    DEVELOPMENT_PROJECT = "development_project", _("Utvecklingsprojekt")


class MeasureType(models.Model):
    """Reference data shared by the installation: the kinds of measure the funds pay for."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("namn"), max_length=120)
    description = models.TextField(_("beskrivning"), blank=True, max_length=TEXT_MAX)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("insatstyp")
        verbose_name_plural = _("insatstyper")

    def __str__(self) -> str:
        return self.name


class ContributionRate(models.Model):
    """The share of payroll set aside, per agreement version. Data, never a constant."""

    name = models.CharField(_("avtal"), max_length=200)
    percent = models.DecimalField(_("andel av lönesumman (%)"), max_digits=6, decimal_places=3)
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("avsättningsnivå")
        verbose_name_plural = _("avsättningsnivåer")

    def __str__(self) -> str:
        return f"{self.name}: {self.percent} %"


class DecisionModel(models.TextChoices):
    HR_DECIDES = "hr_decides", _("Samordnaren/HR beslutar i varje ärende")
    JOINT = "joint", _("Partsgemensamt beslut")


class LocalAgreement(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agreements"
    )
    title = models.CharField(_("rubrik"), max_length=200)
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)
    unions = models.ManyToManyField(Union, blank=True, verbose_name=_("fackliga parter"))
    measure_types = models.ManyToManyField(
        MeasureType, blank=True, verbose_name=_("tillåtna insatstyper")
    )
    purpose_text = models.TextField(
        _("vad medlen får användas till"),
        blank=True,
        max_length=TEXT_MAX,
        help_text=_("Visas för alla medarbetare på informationssidan."),
    )
    exclusions = models.TextField(
        _("vad medlen inte får användas till"), blank=True, max_length=TEXT_MAX
    )
    excludes_ordinary_training = models.BooleanField(
        _("inte arbetsgivarens ordinarie kompetensutveckling"), default=True
    )
    allow_individual = models.BooleanField(_("medarbetare kan söka själv"), default=True)
    allow_with_manager = models.BooleanField(
        _("medarbetare och chef söker tillsammans"), default=True
    )
    allow_group = models.BooleanField(_("gruppinsatser"), default=True)
    allow_development_project = models.BooleanField(_("utvecklingsprojekt"), default=False)
    requires_manager_endorsement = models.BooleanField(
        _("chefen ska tillstyrka innan handläggning"), default=False
    )
    cap_per_person_ore = models.BigIntegerField(
        _("tak per person"),
        null=True,
        blank=True,
        validators=AMOUNT_BOUNDS,
    )
    cap_per_application_ore = models.BigIntegerField(
        _("tak per ansökan"),
        null=True,
        blank=True,
        validators=AMOUNT_BOUNDS,
    )
    decision_model = models.CharField(
        _("beslutsmodell"),
        max_length=20,
        choices=DecisionModel.choices,
        default=DecisionModel.HR_DECIDES,
    )
    applicant_participation = models.BooleanField(
        _("sökande får se bedömningen och lämna synpunkter före beslut"), default=False
    )
    objection_days = models.PositiveSmallIntegerField(
        _("dagar för fackliga invändningar efter beslut"),
        default=14,
        validators=[MaxValueValidator(365)],
    )
    allows_carry_over = models.BooleanField(_("outnyttjade medel får föras över"), default=True)
    follow_up_text = models.TextField(
        _("uppföljning och återrapportering"), blank=True, max_length=TEXT_MAX
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("lokalt avtal")
        verbose_name_plural = _("lokala avtal")
        indexes = [models.Index(fields=["organisation", "valid_from"])]

    def __str__(self) -> str:
        return self.title

    def application_kinds(self) -> list[str]:
        kinds: list[str] = []
        if self.allow_individual:
            kinds.append(ApplicationKind.INDIVIDUAL)
        if self.allow_with_manager:
            kinds.append(ApplicationKind.WITH_MANAGER)
        if self.allow_group:
            kinds.append(ApplicationKind.GROUP)
        if self.allow_development_project:
            kinds.append(ApplicationKind.DEVELOPMENT_PROJECT)
        return kinds
