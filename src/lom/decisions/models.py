from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lom.cases.models import Case, Decision
from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE, NAME_MAX, TEXT_MAX
from lom.common.messages import Coded, render_or
from lom.common.sealed import SealedDocument
from lom.funds.models import FundPeriod
from lom.organisations.models import Organisation, Union
from lom.planning.models import PLACE_MAX  # a place or a meeting link, as for workshops

# The highest score a criterion of an application round can give.
MAX_SCORE = 100
# The most criteria a round is assessed by.
MAX_CRITERIA = 20


class Meeting(SealedDocument):
    """A joint consultation meeting (partssamverkan) where the parties decide cases.
    Once signed off, the minutes are frozen (a sealed PDF with its SHA-256: who signed, when);
    an adjustment is a new meeting that points back."""

    SEAL_UPLOAD_TO = "minutes/"
    SEAL_COLUMNS = {
        "sealed_file": "minutes_pdf",
        "sealed_sha256": "minutes_sha256",
        "sealed_at": "signed_at",
        "sealed_by": "signed_by_id",
    }

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerat")
        SIGNED = "signed", _("Protokoll justerat")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("rubrik"), max_length=200)
    starts_at = models.DateTimeField(_("tid"))
    place = models.CharField(_("plats eller länk"), max_length=PLACE_MAX, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    adjusts = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("justerar protokollet från"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("sammanträde")
        verbose_name_plural = _("sammanträden")
        indexes = [models.Index(fields=["organisation", "-starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class Attendee(models.Model):
    """A representative at a meeting, for the employer (union empty) or for one union."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("part")
    )
    present = models.BooleanField(_("närvarande"), default=True)

    class Meta:
        ordering = ["union_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendee_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.union or _('arbetsgivaren')})"


class MeetingParty(models.Model):
    """A party of the agreement at a meeting (the employer: union empty): present with its
    representative (perhaps a substitute, ersättare) or absent. A union party present names
    its adjuster (justerare) of the minutes; empty means the representative."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="parties")
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("part")
    )
    present = models.BooleanField(_("närvarande"), default=False)
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("företrädare"),
    )
    substitute = models.BooleanField(_("ersättare"), default=False)
    adjuster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("justerare"),
    )

    class Meta:
        ordering = ["union__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "union"],
                condition=models.Q(union__isnull=False),
                name="meeting_party_unique_union",
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(union__isnull=True),
                name="meeting_party_unique_employer",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.union.name if self.union_id and self.union else str(_("Arbetsgivaren"))

    @property
    def adjuster_user_id(self) -> int | None:
        """Who adjusts the minutes for this party (a union party present only)."""
        if self.union_id is None or not self.present:
            return None
        return self.adjuster_id or self.representative_id


class Adjustment(models.Model):
    """One adjuster's adjustment (justering) of the minutes, in their own session: for a
    union party, or (union empty) as the meeting's chair."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="adjusted_by")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True)
    adjusted_at = models.DateTimeField()

    class Meta:
        ordering = ["adjusted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "union"],
                condition=models.Q(union__isnull=False),
                name="adjustment_unique_union",
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(union__isnull=True),
                name="adjustment_unique_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.adjusted_at:%Y-%m-%d %H:%M}"


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "", _("Ej beslutat")
        APPROVED = "approved", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")
        DEFERRED = "deferred", _("Bordlagd")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    minute_text = models.TextField(_("protokollsanteckning"), max_length=COMMENT_MAX, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_unique")
        ]

    def __str__(self) -> str:
        return f"§{self.order} {self.case}"


class NoteKind(models.TextChoices):
    NONE = "", _("Ingen")
    RESERVATION = "reservation", _("Reservation")
    PROTOCOL_NOTE = "protocol_note", _("Protokollsanteckning")


class Position(models.Model):
    """One party's position on an agenda item: provisional before the meeting, final in it."""

    class Stance(models.TextChoices):
        AGREE = "agree", _("Tillstyrker")
        DISAGREE = "disagree", _("Avstyrker")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="positions")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True)
    final = models.BooleanField(default=False)
    stance = models.CharField(_("ställningstagande"), max_length=10, choices=Stance.choices)
    reason = models.TextField(_("motivering"), max_length=COMMENT_MAX, blank=True)
    # Under the consultation model a union that disagrees may enter a reservation (it does not
    # stand behind the decision) or a protocol note (a statement for the minutes).
    note_kind = models.CharField(
        _("anteckning till protokollet"), max_length=20, choices=NoteKind.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["union_id", "id"]
        # One position per party and stage; the employer is the party without a union.
        constraints = [
            models.UniqueConstraint(
                fields=["item", "union", "final"],
                condition=models.Q(union__isnull=False),
                name="position_unique_union",
            ),
            models.UniqueConstraint(
                fields=["item", "final"],
                condition=models.Q(union__isnull=True),
                name="position_unique_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.union or _('Arbetsgivaren')}: {self.get_stance_display()}"

    @property
    def party_name(self) -> str:
        return self.union.name if self.union is not None else str(_("Arbetsgivaren"))


class Objection(models.Model):
    """A union's objection to a decision or to how the agreement is applied. Never deleted."""

    class Status(models.TextChoices):
        RAISED = "raised", _("Framförd")
        ANSWERED = "answered", _("Besvarad")
        RESOLVED = "resolved", _("Löst lokalt")
        ESCALATED = "escalated", _("Hänskjuten till centrala parter")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="objections"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="objections"
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # What the union wrote, or empty when LOM named it (subject_code, lom.common.messages).
    subject = models.CharField(_("gäller"), max_length=200)
    subject_code = models.CharField(max_length=60, blank=True, default="")
    subject_params = models.JSONField(default=dict, blank=True)
    reasons = models.TextField(_("skäl"), max_length=COMMENT_MAX)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RAISED)
    answer = models.TextField(_("arbetsgivarens svar"), max_length=COMMENT_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The day the employer's answer is due (raised + the agreement's objection_answer_days).
    answer_due = models.DateField(_("svar senast"), null=True, blank=True)
    closing_note = models.TextField(_("anteckning vid avslut"), max_length=COMMENT_MAX, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("invändning")
        verbose_name_plural = _("invändningar")
        indexes = [models.Index(fields=["organisation", "status", "-raised_at"])]

    def __str__(self) -> str:
        return self.subject_shown

    @property
    def subject_shown(self) -> str:
        """The subject in the reader's language when LOM named it, else as the union wrote it."""
        return render_or(self.subject_code, self.subject_params, self.subject)

    @property
    def subject_message(self) -> Coded | str:
        """The subject as a parameter of a notification: coded when LOM named it."""
        if self.subject_code:
            return Coded(self.subject_code, self.subject_params)
        return self.subject

    @property
    def is_overdue(self) -> bool:
        """Not answered, and the day the answer was due has passed."""
        return (
            self.status == self.Status.RAISED
            and self.answer_due is not None
            and self.answer_due < timezone.localdate()
        )


class ApplicationRound(models.Model):
    """A call for development-project applications with a budget frame and joint assessment."""

    class Status(models.TextChoices):
        OPEN = "open", _("Öppen")
        DECIDED = "decided", _("Beslutad")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("rubrik"), max_length=200)
    call_text = models.TextField(_("utlysningstext"), max_length=TEXT_MAX)
    opens_on = models.DateField(_("öppnar"))
    closes_on = models.DateField(_("stänger"))
    budget_ore = models.BigIntegerField(
        _("budgetram"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)]
    )
    period = models.ForeignKey(FundPeriod, on_delete=models.PROTECT, verbose_name=_("fondperiod"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Who scores the applications. Each assessor sees only their own scores until every one of
    # them has scored every application under review; then all scores side by side. A round
    # without named assessors is scored by everyone whose role assesses.
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("bedömare")
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("ansökningsomgång")
        verbose_name_plural = _("ansökningsomgångar")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    round = models.ForeignKey(ApplicationRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("kriterium"), max_length=200)
    max_score = models.PositiveSmallIntegerField(
        _("högsta poäng"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCORE)],
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("poäng"), validators=[MaxValueValidator(MAX_SCORE)])
    comment = models.TextField(_("kommentar"), max_length=COMMENT_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "criterion", "assessor"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ReportDate(models.Model):
    """A date by which every approved project of a round reports its progress."""

    round = models.ForeignKey(
        ApplicationRound, on_delete=models.CASCADE, related_name="report_dates"
    )
    due_on = models.DateField(_("sista dag"))
    label = models.CharField(_("rapport"), max_length=NAME_MAX)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "due_on"], name="report_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.due_on:%Y-%m-%d})"


class ProjectReport(models.Model):
    """The project owner's report at one of the round's dates: milestones reached, money spent,
    status and obstacles. One per project and date; the history is the reports in order."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("Enligt plan")
        DELAYED = "delayed", _("Försenat")
        AT_RISK = "at_risk", _("Risk att inte nå målen")
        DONE = "done", _("Klart")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="project_reports")
    due = models.ForeignKey(ReportDate, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(_("läge"), max_length=20, choices=Status.choices)
    milestones = models.TextField(_("delmål och vad som har gjorts"), max_length=TEXT_MAX)
    spent_ore = models.BigIntegerField(
        _("använt hittills"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    obstacles = models.TextField(_("hinder"), max_length=TEXT_MAX, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "due"], name="project_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.due}"


class ReminderStage(models.TextChoices):
    BEFORE = "before", _("Före")
    LATE = "late", _("Försenad")


class ReportReminder(models.Model):
    """That a project's owners were reminded of a report date (before it, or after it was
    missed): each once."""

    Stage = ReminderStage

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    due = models.ForeignKey(ReportDate, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10, choices=ReminderStage.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "due", "stage"], name="report_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_id} {self.stage}"
