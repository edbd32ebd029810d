"""Prepare and plan: the transition workshop, and the transition plan that applications answer to.

A workshop is a board that invited participants fill in step by step. Every card, need,
proposal and closing word is its own row, so two people writing at the same moment never
overwrite each other. `Workshop.revision` is bumped on every change: the live screen asks for
it first and fetches the board only when it has moved.

A locked workshop and an approved plan are never edited: a new version is a copy that points
back through `previous`, and the earlier one stays readable."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.common.sealed import SealedDocument
from lom.funds.models import FundPeriod
from lom.organisations.models import Organisation, Union

# A place or a meeting link (video links run long); meetings of the joint body use it too.
PLACE_MAX = 300


class Step(models.TextChoices):
    FACTORS = "factors", _("Omvärldsfaktorer")
    SORT = "sort", _("Sortera i områden")
    IMPACT = "impact", _("Påverkan och kompetensbehov")
    PROPOSALS = "proposals", _("Förslag på insatser")
    CLOSING = "closing", _("Avslutande runda")


STEP_ORDER: tuple[str, ...] = tuple(Step.values)


class Workshop(SealedDocument):
    """Locking seals the result: a PDF with its SHA-256, who locked it and when."""

    SEAL_UPLOAD_TO = "workshops/"
    SEAL_COLUMNS = {
        "sealed_file": "result_pdf",
        "sealed_sha256": "result_sha256",
        "sealed_at": "locked_at",
        "sealed_by": "locked_by_id",
    }

    class Status(models.TextChoices):
        OPEN = "open", _("Pågår")
        LOCKED = "locked", _("Låst")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("rubrik"), max_length=200)
    held_on = models.DateField(_("datum"))
    place = models.CharField(_("plats eller länk"), max_length=PLACE_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    step = models.CharField(_("steg"), max_length=20, choices=Step.choices, default=Step.FACTORS)
    step_ends_at = models.DateTimeField(_("steget slutar"), null=True, blank=True)
    # Bumped on every change of the board (cheap "has anything changed?" for the live screen).
    revision = models.PositiveBigIntegerField(default=0)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("tidigare version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("omställningsworkshop")
        verbose_name_plural = _("omställningsworkshoppar")
        indexes = [models.Index(fields=["organisation", "-held_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    @property
    def step_number(self) -> int:
        return STEP_ORDER.index(self.step) + 1


class WorkshopParticipant(models.Model):
    """An invited participant. `union` is the party they speak for (empty: the employer)."""

    display_name: str  # set by selectors.workshop_board, not stored

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("part")
    )
    is_facilitator = models.BooleanField(_("facilitator"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="workshop_participant_unique")
        ]
        indexes = [models.Index(fields=["user", "workshop"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.party_name})"

    @property
    def party_name(self) -> str:
        return self.union.name if self.union is not None else str(_("Arbetsgivaren"))


class WorkshopArea(models.Model):
    """An area the outside factors are sorted into (e.g. 'Digitalisering')."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("område"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="workshop_area_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FactorCard(models.Model):
    """An outside factor (omvärldsfaktor) one participant put on the board."""

    author_name: str  # set by selectors.workshop_board, not stored

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="cards")
    text = models.CharField(_("omvärldsfaktor"), max_length=300)
    area = models.ForeignKey(
        WorkshopArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("område"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workshop", "id"])]

    def __str__(self) -> str:
        return self.text


class WorkshopNeed(models.Model):
    """The impact of an area on the own organisation and the competence need that follows,
    with a rough priority: likelihood × impact (1–25)."""

    author_name: str  # set by selectors.workshop_board, not stored

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="needs")
    area = models.ForeignKey(
        WorkshopArea, on_delete=models.PROTECT, related_name="needs", verbose_name=_("område")
    )
    consequence = models.TextField(_("vad det betyder för oss"), max_length=TEXT_MAX)
    competence_need = models.CharField(_("kompetensbehov"), max_length=200)
    likelihood = models.PositiveSmallIntegerField(
        _("sannolikhet (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("påverkan (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.competence_need

    @property
    def priority(self) -> int:
        return self.likelihood * self.impact


class Proposal(models.Model):
    """A measure that transition funds could pay for, linked to the needs it answers."""

    author_name: str  # set by selectors.workshop_board, not stored

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("förslag"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=TEXT_MAX, blank=True)
    needs = models.ManyToManyField(
        WorkshopNeed, related_name="proposals", verbose_name=_("behov som förslaget svarar mot")
    )
    cost_ore = models.BigIntegerField(
        _("ungefärlig kostnad"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    target_group = models.CharField(_("målgrupp"), max_length=200, blank=True)
    measure_type = models.ForeignKey(
        MeasureType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("insatstyp"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # What became of it after the workshop (links, not part of the locked result).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    round = models.ForeignKey(
        "decisions.ApplicationRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ClosingWord(models.Model):
    """What one participant takes away (one per participant; they may rewrite it)."""

    author_name: str  # set by selectors.workshop_board, not stored

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="closing_words")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("det här tar jag med mig"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "author"], name="closing_word_unique")
        ]

    def __str__(self) -> str:
        return self.text[:40]


# --- The transition plan --------------------------------------------------------------------


class TransitionPlan(models.Model):
    """The organisation's transition plan for a period: needs with priorities and planned
    measures with budgets per area of measures. The parties approve it jointly."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        APPROVED = "approved", _("Godkänd")
        SUPERSEDED = "superseded", _("Ersatt av en senare version")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("rubrik"), max_length=200)
    period_start = models.DateField(_("gäller från"))
    period_end = models.DateField(_("gäller till"))
    fund_period = models.ForeignKey(
        FundPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fondperiod"),
    )
    analyses = models.TextField(
        _("andra underlag"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("T.ex. kompetensförsörjningsanalysen, verksamhetsplanen, regeringsuppdrag."),
    )
    workshops = models.ManyToManyField(
        Workshop, blank=True, related_name="plans", verbose_name=_("workshoppar")
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("tidigare version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-version", "-id"]
        verbose_name = _("omställningsplan")
        verbose_name_plural = _("omställningsplaner")
        indexes = [models.Index(fields=["organisation", "status", "period_start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PlanApproval(models.Model):
    """One party's approval of a plan version (the employer is the party without a union)."""

    plan = models.ForeignKey(TransitionPlan, on_delete=models.CASCADE, related_name="approvals")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "union"],
                condition=models.Q(union__isnull=False),
                name="plan_approval_unique_union",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(union__isnull=True),
                name="plan_approval_unique_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_name}: {self.approved_by}"

    @property
    def party_name(self) -> str:
        return self.union.name if self.union is not None else str(_("Arbetsgivaren"))


class PlanArea(models.Model):
    """An area of measures (insatsområde). `key` stays the same across plan versions, so what
    was funded under an earlier version still counts for the same area."""

    plan = models.ForeignKey(TransitionPlan, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("insatsområde"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    key = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="plan_area_unique")]

    def __str__(self) -> str:
        return self.name


class Need(models.Model):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("Hög")
        MEDIUM = 2, _("Medel")
        LOW = 3, _("Låg")

    class Source(models.TextChoices):
        WORKSHOP = "workshop", _("Omställningsworkshop")
        COMPETENCE_SUPPLY = "competence_supply", _("Kompetensförsörjningsanalys")
        OTHER = "other", _("Annan analys")

    plan = models.ForeignKey(TransitionPlan, on_delete=models.CASCADE, related_name="needs")
    area = models.ForeignKey(
        PlanArea, on_delete=models.PROTECT, related_name="needs", verbose_name=_("insatsområde")
    )
    title = models.CharField(_("behov"), max_length=NAME_MAX)
    description = models.TextField(_("beskrivning"), max_length=TEXT_MAX, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("prioritet"), choices=Priority.choices, default=Priority.MEDIUM
    )
    score = models.PositiveSmallIntegerField(_("sannolikhet × påverkan"), null=True, blank=True)
    source = models.CharField(
        _("underlag"), max_length=20, choices=Source.choices, default=Source.OTHER
    )
    source_workshop_need = models.ForeignKey(
        WorkshopNeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("behov")
        verbose_name_plural = _("behov")

    def __str__(self) -> str:
        return self.title


class PlannedMeasure(models.Model):
    plan = models.ForeignKey(TransitionPlan, on_delete=models.CASCADE, related_name="measures")
    area = models.ForeignKey(
        PlanArea, on_delete=models.PROTECT, related_name="measures", verbose_name=_("insatsområde")
    )
    title = models.CharField(_("insats"), max_length=NAME_MAX)
    description = models.TextField(_("beskrivning"), max_length=TEXT_MAX, blank=True)
    measure_type = models.ForeignKey(
        MeasureType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("insatstyp")
    )
    budget_ore = models.BigIntegerField(
        _("budget"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)]
    )
    target_group = models.CharField(_("målgrupp"), max_length=200, blank=True)
    needs = models.ManyToManyField(
        Need, blank=True, related_name="measures", verbose_name=_("behov")
    )
    source_proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["area__order", "id"]
        verbose_name = _("planerad insats")
        verbose_name_plural = _("planerade insatser")

    def __str__(self) -> str:
        return self.title
