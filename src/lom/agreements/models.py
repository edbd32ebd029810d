from django.conf import settings
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
    # The kinds of organisation (Organisation.Kind values) whose agreements may offer this
    # type; empty: every sector (a state-sector type such as avtalspension lists "agency").
    sectors = models.JSONField(_("sektorer"), default=list, blank=True)

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
    # Unanimity: every party present must agree for an approval.
    JOINT = "joint", _("Partsgemensamt beslut")
    # The employer decides at the joint meeting once the unions have been consulted; a union
    # that disagrees records a reservation (or a protocol note), shown with the decision.
    CONSULTATION = "consultation", _("Arbetsgivaren beslutar efter samråd med de fackliga parterna")


class Quorum(models.TextChoices):
    """Which parties a joint meeting needs present to decide."""

    ALL_PARTIES = "all_parties", _("Arbetsgivaren och alla fackliga parter")
    EMPLOYER_AND_MAJORITY = (
        "employer_and_majority",
        _("Arbetsgivaren och en majoritet av de fackliga parterna"),
    )
    EMPLOYER_AND_ONE = "employer_and_one", _("Arbetsgivaren och minst en facklig part")


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
    quorum = models.CharField(
        _("beslutförhet vid partsgemensamma möten"),
        max_length=30,
        choices=Quorum.choices,
        default=Quorum.ALL_PARTIES,
    )
    objection_answer_days = models.PositiveSmallIntegerField(
        _("dagar för arbetsgivarens svar på en invändning"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reconsideration_days = models.PositiveSmallIntegerField(
        _("dagar för att begära omprövning efter beslut"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
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


class AgreementVersion(models.Model):
    """One version of an agreement's rules. A change is a draft; it comes into force on
    `effective_from` once the employer and every union party of the agreement have approved
    it. `rules` is the snapshot of the rules (`lom.agreements.rules.AgreementRules` as JSON);
    a case keeps the version in force when it was submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        APPROVED = "approved", _("Godkänd av parterna")
        IN_FORCE = "in_force", _("Gäller")
        SUPERSEDED = "superseded", _("Ersatt")

    agreement = models.ForeignKey(LocalAgreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(_("gäller från"))
    rules = models.JSONField(default=dict)
    change_note = models.TextField(_("vad som ändras"), blank=True, max_length=TEXT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    in_force_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "-number"]
        verbose_name = _("avtalsversion")
        verbose_name_plural = _("avtalsversioner")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class VersionApproval(models.Model):
    """One party's approval of a draft version: the employer (union empty) or one union."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="approvals"
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "union"],
                condition=models.Q(union__isnull=False),
                name="version_approval_union",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(union__isnull=True),
                name="version_approval_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.union or _('arbetsgivaren')}"
