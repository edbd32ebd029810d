"""Follow-up of funded measures: what happened to each participant, whether the business need
was met, and what the participants themselves say (surveys).

Actual cost is never stored here: it is the case's expenses in the fund ledger, read when a
figure needs it, so a follow-up can never disagree with the ledger."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import MeasureType
from lom.cases.models import Case
from lom.common.bounds import COMMENT_MAX, MAX_COUNT
from lom.funds.models import FundPeriod
from lom.organisations.models import Employee, Organisation


class Outcome(models.TextChoices):
    SAME_ROLE = "same_role", _("Samma roll, utvecklad i den")
    NEW_INTERNAL_ROLE = "new_internal_role", _("Ny roll hos arbetsgivaren")
    NEW_EMPLOYER = "new_employer", _("Ny arbetsgivare")
    STUDIES = "studies", _("Studier")
    RETIREMENT = "retirement", _("Pension")
    OTHER = "other", _("Annat")


class NeedMet(models.TextChoices):
    YES = "yes", _("Ja")
    PARTLY = "partly", _("Delvis")
    NO = "no", _("Nej")
    TOO_EARLY = "too_early", _("För tidigt att säga")


LATER_MONTHS_MAX = 60
REMINDER_DAYS_MAX = 365
FREE_TEXT_MAX = 3_000  # a survey's free text


class FollowUpSettings(models.Model):
    """How an organisation follows up, as its local agreement says."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="followup_settings"
    )
    later_months = models.PositiveSmallIntegerField(
        _("andra uppföljningen, månader efter avslut"),
        default=12,
        validators=[MinValueValidator(0), MaxValueValidator(LATER_MONTHS_MAX)],
        help_text=_("0 betyder att ingen andra uppföljning görs."),
    )
    survey_reminder_days = models.PositiveSmallIntegerField(
        _("påminnelse om enkäten, dagar efter avslut"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(REMINDER_DAYS_MAX)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inställningar för uppföljning")
        verbose_name_plural = _("inställningar för uppföljning")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.later_months} mån"


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        END = "end", _("När insatsen avslutats")
        LATER = "later", _("Efter en tid")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    kind = models.CharField(_("uppföljning"), max_length=10, choices=Kind.choices)
    need_met = models.CharField(
        _("möttes verksamhetens behov?"), max_length=20, choices=NeedMet.choices
    )
    comment = models.TextField(_("kommentar"), blank=True, max_length=COMMENT_MAX)
    cost_comment = models.TextField(
        _("kommentar om kostnaden jämfört med kalkylen"), blank=True, max_length=COMMENT_MAX
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrerad"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="followup_one_per_kind")
        ]
        indexes = [models.Index(fields=["organisation", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ParticipantOutcome(models.Model):
    """The outcome for one named participant (count 1), or for `count` unnamed participants of
    a group measure."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="outcomes")
    employee = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("utfall"), max_length=30, choices=Outcome.choices)
    count = models.PositiveIntegerField(
        _("antal deltagare"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_COUNT)],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("utfall för deltagare")
        verbose_name_plural = _("utfall för deltagare")

    def __str__(self) -> str:
        return f"{self.outcome} × {self.count}"


class SurveyInvitation(models.Model):
    """Who was asked about which case, when they were reminded and whether they answered.
    Never linked to the answer itself."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="survey_invitations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("enkätinbjudan")
        verbose_name_plural = _("enkätinbjudningar")
        constraints = [
            models.UniqueConstraint(fields=["case", "employee"], name="survey_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.employee_id}"


class HeardFrom(models.TextChoices):
    MANAGER = "manager", _("Min chef")
    HR = "hr", _("HR eller samordnaren")
    UNION = "union", _("Facket")
    COLLEAGUE = "colleague", _("En kollega")
    INTRANET = "intranet", _("Intranätet eller annan information")
    OTHER = "other", _("Annat sätt")


class Recommend(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNSURE = "unsure", _("Vet inte")


class SurveyResponse(models.Model):
    """One participant's answers. On purpose there is no link to the invitation, the case or
    the person, no timestamp, and a random key, so neither the order of the answers nor any
    field points back to who answered. Reported only in cells of at least five answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    period = models.ForeignKey(
        FundPeriod, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=20, blank=True)
    measure_type = models.ForeignKey(
        MeasureType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("nöjdhet"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("nytta"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    heard_from = models.CharField(max_length=20, choices=HeardFrom.choices)
    recommend = models.CharField(max_length=10, choices=Recommend.choices)
    free_text = models.TextField(blank=True, max_length=FREE_TEXT_MAX)

    class Meta:
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        indexes = [models.Index(fields=["organisation", "year"])]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}"
