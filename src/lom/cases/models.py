from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import AgreementVersion, ApplicationKind, MeasureType
from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, MAX_COUNT, NAME_MAX, TEXT_MAX
from lom.common.sealed import SealedDocument
from lom.funds.models import FundPeriod
from lom.organisations.models import Employee, Organisation, Unit
from lom.organisations.signals import unit_paths_changed

# Money in öre: never negative, never past the bound every sum is checked against.
AMOUNT_BOUNDS = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)]


class Status(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    AWAITING_ENDORSEMENT = "awaiting_endorsement", _("Väntar på chefens tillstyrkan")
    SUBMITTED = "submitted", _("Inskickad")
    IN_REVIEW = "in_review", _("Under handläggning")
    AWAITING_APPLICANT = "awaiting_applicant", _("Väntar på sökandes synpunkter")
    RETURNED = "returned", _("Åter för komplettering")
    APPROVED = "approved", _("Beviljad")
    REJECTED = "rejected", _("Avslagen")
    IN_PROGRESS = "in_progress", _("Pågår")
    COMPLETED = "completed", _("Avslutad")
    WITHDRAWN = "withdrawn", _("Återtagen")
    RECONSIDERATION = "reconsideration", _("Omprövning begärd")


class Purpose(models.TextChoices):
    PREVENT = "prevent", _("Förebygga arbetsbrist (utvecklas, ny roll internt)")
    MOVE = "move", _("Stödja övergång till ny arbetsgivare")
    DEVELOP = "develop", _("Verksamhetsutveckling inför förändring")


class CaseCounter(models.Model):
    """The last case number used per organisation and year (locked when a number is taken)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class Case(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cases")
    number = models.CharField(_("diarienummer"), max_length=20, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DRAFT
    )
    kind = models.CharField(
        _("typ av ansökan"),
        max_length=30,
        choices=ApplicationKind.choices,
        default=ApplicationKind.INDIVIDUAL,
    )
    title = models.CharField(_("rubrik"), max_length=200)
    applicant = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("sökande"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("enhet")
    )
    # The unit path is copied so a manager's subtree is one indexed prefix filter.
    unit_path = models.CharField(max_length=255, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_cases"
    )
    co_applicant_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_applied_cases",
        verbose_name=_("chef som medsökande"),
    )
    measure_types = models.ManyToManyField(MeasureType, verbose_name=_("insatstyper"))
    purpose = models.CharField(_("syfte"), max_length=20, choices=Purpose.choices, blank=True)
    business_need = models.TextField(_("verksamhetens behov"), blank=True, max_length=TEXT_MAX)
    description = models.TextField(_("beskrivning av insatsen"), blank=True, max_length=TEXT_MAX)
    private_reason = models.TextField(
        _("personliga skäl (visas inte för fackliga företrädare)"),
        blank=True,
        max_length=TEXT_MAX,
        help_text=_("Skriv bara det som behövs. Uppgifter om hälsa är känsliga personuppgifter."),
    )
    share_private_reason = models.BooleanField(
        _("jag samtycker till att de personliga skälen visas för parterna"), default=False
    )
    participant_count = models.PositiveIntegerField(
        _("antal deltagare"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)],
    )
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    requested_ore = models.BigIntegerField(
        _("sökt belopp"),
        default=0,
        validators=AMOUNT_BOUNDS,
    )
    approved_ore = models.BigIntegerField(
        _("beviljat belopp"),
        null=True,
        blank=True,
        validators=AMOUNT_BOUNDS,
    )
    period = models.ForeignKey(
        FundPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("fondperiod"),
    )
    round = models.ForeignKey(
        "decisions.ApplicationRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("ansökningsomgång"),
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The version of the agreement in force when the case was submitted: its rules apply to
    # the case until it is closed (lom.cases.rules.rules_for_case).
    agreement_version = models.ForeignKey(
        AgreementVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("avtalsversion"),
    )
    # The need in the organisation's transition plan that the application answers, or why it
    # answers a need that is not in the plan (flagged for the coordinator).
    need = models.ForeignKey(
        "planning.Need",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("behov i omställningsplanen"),
    )
    need_explanation = models.TextField(
        _("behov som inte finns i planen"), blank=True, max_length=COMMENT_MAX
    )
    # The anonymous campaign marker (an outreach campaign's id) the applicant arrived with
    # from a campaign's link, if any: the only attribution of an application to a campaign
    # (counted per campaign, never shown per case). A plain number: outreach is above cases.
    reach_marker = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        indexes = [
            models.Index(fields=["organisation", "status", "-submitted_at", "-id"]),
            models.Index(fields=["organisation", "-submitted_at", "-id"]),
            # The queue's walk: drafts (no submission time, first in this order on PostgreSQL)
            # are only ever their author's, and read through the author's indexes instead.
            models.Index(
                fields=["organisation", "-submitted_at", "-id"],
                condition=~models.Q(status="draft"),
                name="cases_queue_not_draft",
            ),
            models.Index(fields=["organisation", "number"]),
            models.Index(fields=["organisation", "unit_path"]),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["period", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('utkast')} {self.title}"

    @property
    def display_number(self) -> str:
        return self.number or str(_("Utkast"))


class CostLine(models.Model):
    class Kind(models.TextChoices):
        COURSE_FEE = "course_fee", _("Kurs- eller utbildningsavgift")
        TRAVEL = "travel", _("Resor")
        LODGING = "lodging", _("Logi")
        LITERATURE = "literature", _("Litteratur")
        COACHING = "coaching", _("Coachning / vägledning")
        SALARY = "salary", _("Lönekostnad")
        OTHER = "other", _("Övrigt")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cost_lines")
    kind = models.CharField(_("kostnadsslag"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("beskrivning"), max_length=200, blank=True)
    amount_ore = models.BigIntegerField(_("belopp"), validators=AMOUNT_BOUNDS)

    class Meta:
        ordering = ["id"]
        verbose_name = _("kostnadsrad")
        verbose_name_plural = _("kostnadsrader")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_ore}"


def attachment_path(instance, filename):
    return f"attachments/{instance.case.organisation_id}/{instance.case_id}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    register_number = models.CharField(_("registreringsnummer"), max_length=40, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("kommentar"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")

    def __str__(self) -> str:
        return f"{self.author_id}: {self.text[:40]}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")

    class Kind(models.TextChoices):
        DECISION = "decision", _("Beslut")
        RECONSIDERATION = "reconsideration", _("Beslut efter omprövning")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(
        _("typ av beslut"), max_length=20, choices=Kind.choices, default=Kind.DECISION
    )
    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    amount_ore = models.BigIntegerField(
        _("beviljat belopp"),
        null=True,
        blank=True,
        validators=AMOUNT_BOUNDS,
    )
    reasoning = models.TextField(_("motivering"), max_length=COMMENT_MAX)
    decision_model = models.CharField(max_length=20)
    # Where a joint decision was taken: a meeting's agenda item or an application round.
    agenda_item = models.ForeignKey(
        "decisions.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.case_id}"


class Reconsideration(models.Model):
    """The applicant's request that a decision be reconsidered (omprövning), and its outcome.
    One per case; `decision` is the new decision taken on it."""

    class Outcome(models.TextChoices):
        CHANGED = "changed", _("Ändrat beslut")
        UPHELD = "upheld", _("Beslutet står fast")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reconsideration")
    previous_decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="reconsiderations_asked"
    )
    # The status the case goes back to when the decision is upheld.
    previous_status = models.CharField(max_length=30, choices=Status.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("skäl för omprövning"), max_length=COMMENT_MAX)
    requested_at = models.DateTimeField()
    # The last day the request could be made (the decision's day + the agreement's days).
    last_day = models.DateField(_("sista dag att begära omprövning"))
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, blank=True)
    reasoning = models.TextField(_("motivering"), max_length=COMMENT_MAX, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="reconsideration"
    )

    class Meta:
        verbose_name = _("omprövning")
        verbose_name_plural = _("omprövningar")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome or 'open'}"


@receiver(unit_paths_changed, dispatch_uid="cases.unit_paths")
def _follow_unit_paths(*, organisation_id: int, unit_ids: list[int], **_signal: Any) -> None:
    """Each case keeps a copy of its unit's path (`unit_path`); when unit paths change (a unit
    moved in the admin, a staff register import), the copies follow in the same transaction."""
    for start in range(0, len(unit_ids), 1_000):
        Case.objects.filter(
            organisation_id=organisation_id, unit_id__in=unit_ids[start : start + 1_000]
        ).update(unit_path=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1]))


class DecisionLetter(SealedDocument):
    """The letter that tells the applicant a decision (approval or rejection, also after a
    reconsideration), in the applicant's language: sealed once as a PDF with its SHA-256 and
    registered in the diarium. The deadlines it states are kept with it."""

    SEAL_UPLOAD_TO = "letters/"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="letter")
    language = models.CharField(_("språk"), max_length=8, default="sv")
    recipient = models.CharField(_("mottagare"), max_length=NAME_MAX, blank=True)
    # The diarium number the letter was registered under (printed on it).
    register_number = models.CharField(_("diarienummer"), max_length=80, blank=True)
    # The last day to ask for reconsideration (None: nothing to reconsider, a full approval).
    reconsideration_until = models.DateField(null=True, blank=True)
    # The last day a union party may object to the decision.
    objection_until = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(_("utfärdat"))

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("beslutsbrev")
        verbose_name_plural = _("beslutsbrev")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.decision_id}"
