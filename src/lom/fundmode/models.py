"""Fund mode: an organisation of kind FUND holds the money for its member employers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import (
    COMMENT_MAX,
    MAX_AMOUNT_ORE,
    MAX_COUNT,
    NAME_MAX,
    SHORT_TEXT_MAX,
    TEXT_MAX,
)
from lom.common.messages import render_or
from lom.organisations.models import Employee, Organisation

# Lengths of the fields that are not one of the common bounds.
CRITERION_MAX = 300
ROUND_NAME_MAX = 120

# Money in öre: never negative, never above the bound (sums of such amounts fit the column).
MONEY = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)]


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


# --- Periods, payroll, pots and the pot ledger ----------------------------------------------


class FundRound(models.Model):
    """A fund's period (e.g. three years, 750 MSEK) that is split between member employers in
    proportion to their payroll. Money of the period may be claimed until `claim_deadline`."""

    class Status(models.TextChoices):
        OPEN = "open", _("Öppen")
        ALLOCATED = "allocated", _("Fördelad")

    fund = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fund_rounds")
    name = models.CharField(_("namn"), max_length=ROUND_NAME_MAX)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    claim_deadline = models.DateField(_("sista dag för rekvisition"))
    total_ore = models.BigIntegerField(_("totalt belopp"), validators=MONEY)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    allocated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("fondperiod (fond)")
        verbose_name_plural = _("fondperioder (fond)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="fundround_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(claim_deadline__gte=models.F("end")),
                name="fundround_deadline_after_end",
            ),
            models.CheckConstraint(condition=models.Q(total_ore__gt=0), name="fundround_total_pos"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberPayroll(models.Model):
    """A member employer's payroll for the period: the basis of its share of the total."""

    round = models.ForeignKey(FundRound, on_delete=models.CASCADE, related_name="payrolls")
    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    payroll_ore = models.BigIntegerField(_("lönesumma"), validators=MONEY)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lönesumma")
        verbose_name_plural = _("lönesummor")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="memberpayroll_unique"),
            models.CheckConstraint(
                condition=models.Q(payroll_ore__gte=0), name="memberpayroll_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.payroll_ore}"


class Pot(models.Model):
    """One member employer's pot in one period. Its money is in PotEntry rows only."""

    round = models.ForeignKey(FundRound, on_delete=models.CASCADE, related_name="pots")
    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fund_pots")
    payroll_ore = models.BigIntegerField(_("lönesumma vid fördelning"), default=0, validators=MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member__name"]
        verbose_name = _("pott")
        verbose_name_plural = _("potter")
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="pot_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.round}"


class PotEntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("Tilldelning")
    COMMITMENT = "commitment", _("Beviljat")
    RELEASE = "release", _("Åter till potten")
    EXPENSE = "expense", _("Utbetalt")


class PotEntry(models.Model):
    """Append-only, like lom.funds.LedgerEntry. Amounts in öre, all positive except corrections
    of an allocation (a new negative allocation row).

    committed (outstanding) = commitments − releases − expenses
    remaining               = allocated − committed − expenses"""

    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("typ"), max_length=20, choices=PotEntryKind.choices)
    amount_ore = models.BigIntegerField(
        _("belopp"),
        validators=[MinValueValidator(-MAX_AMOUNT_ORE), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    notification = models.ForeignKey(
        "MeasureNotification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    claim = models.ForeignKey(
        "Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    # The memo LOM writes is a system message (memo_code, lom.common.messages), rendered in
    # the reader's language; `memo` holds only what older releases stored as text.
    memo = models.CharField(_("text"), max_length=255, blank=True)
    memo_code = models.CharField(max_length=60, blank=True, default="")
    memo_params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("transaktion i pott")
        verbose_name_plural = _("transaktioner i pott")
        indexes = [models.Index(fields=["pot", "kind"], name="potentry_pot_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_ore}"

    @property
    def memo_shown(self) -> str:
        return render_or(self.memo_code, self.memo_params, self.memo)


class Criterion(models.Model):
    """An approval criterion of one period. Seeded when the period is opened; the fund may
    edit, add and retire them. A retired criterion stays on earlier assessments."""

    round = models.ForeignKey(FundRound, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    # As the fund wrote it, or empty for one LOM seeded: then text_code names the system
    # message (lom.common.messages), shown in the reader's language.
    text = models.CharField(_("kriterium"), max_length=CRITERION_MAX, blank=True)
    text_code = models.CharField(max_length=60, blank=True, default="")
    help_text = models.TextField(_("vägledning"), blank=True, max_length=SHORT_TEXT_MAX)
    active = models.BooleanField(_("gäller"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")

    def __str__(self) -> str:
        return self.text_shown

    @property
    def text_shown(self) -> str:
        return render_or(self.text_code, None, self.text)


# --- Notifications (anmälan), decisions and claims -------------------------------------------


class ProviderKind(models.TextChoices):
    FUND = "fund", _("Fonden")
    OWN_STAFF = "own_staff", _("Egen personal")
    SUPPLIER = "supplier", _("Leverantör")


class CostKind(models.TextChoices):
    TUITION = "tuition", _("Utbildningsavgift och validering")
    EXTRA = "extra", _("Merkostnader (litteratur, resor, logi)")
    COACHING = "coaching", _("Handledning och coachning")
    OTHER = "other", _("Andra kompetenshöjande insatser")
    COORDINATION = "coordination", _("Samordning")


class MeasureNotification(models.Model):
    """A measure the employer pre-notifies, then notifies to the fund; the fund decides;
    the employer claims afterwards."""

    class Status(models.TextChoices):
        PRE_NOTIFIED = "pre_notified", _("Föranmäld")
        SUBMITTED = "submitted", _("Anmäld")
        MORE_INFO = "more_info", _("Komplettering begärd")
        APPROVED = "approved", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")
        CLAIMED = "claimed", _("Rekvirerad")
        PAID = "paid", _("Utbetald")
        WITHDRAWN = "withdrawn", _("Återkallad")

    round = models.ForeignKey(FundRound, on_delete=models.PROTECT, related_name="notifications")
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="notifications")
    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("nummer"), max_length=30, blank=True)
    status = models.CharField(
        max_length=15, choices=Status.choices, default=Status.PRE_NOTIFIED, db_index=True
    )
    title = models.CharField(_("insats"), max_length=NAME_MAX)
    estimated_ore = models.BigIntegerField(_("uppskattad kostnad"), validators=MONEY)
    planned_start = models.DateField(_("planerad start"))
    planned_end = models.DateField(_("planerat slut"))
    background = models.TextField(_("bakgrund"), blank=True, max_length=TEXT_MAX)
    need = models.TextField(_("behov"), blank=True, max_length=TEXT_MAX)
    measure_type = models.ForeignKey(
        "agreements.MeasureType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("insatstyp"),
    )
    description = models.TextField(_("beskrivning av insatsen"), blank=True, max_length=TEXT_MAX)
    provider_kind = models.CharField(
        _("utförare"), max_length=12, choices=ProviderKind.choices, blank=True
    )
    provider_name = models.CharField(_("leverantörens namn"), max_length=NAME_MAX, blank=True)
    # The employer's transition plan is linked, not sent: the fund sees only that it exists,
    # its version and approval date (stored here when notified), never its content.
    plan = models.ForeignKey(
        "planning.TransitionPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    plan_version = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_approved_on = models.DateField(null=True, blank=True)
    approved_ore = models.BigIntegerField(
        _("beviljat belopp"), null=True, blank=True, validators=MONEY
    )
    partial_claims_allowed = models.BooleanField(_("delrekvisition tillåten"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("anmälan till fonden")
        verbose_name_plural = _("anmälningar till fonden")
        indexes = [
            models.Index(fields=["round", "member", "status"]),
            models.Index(fields=["member", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class NotificationCostLine(models.Model):
    notification = models.ForeignKey(
        MeasureNotification, on_delete=models.CASCADE, related_name="cost_lines"
    )
    kind = models.CharField(_("kostnadsslag"), max_length=15, choices=CostKind.choices)
    description = models.CharField(_("beskrivning"), max_length=NAME_MAX, blank=True)
    amount_ore = models.BigIntegerField(_("belopp"), validators=MONEY)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount_ore}"


class ParticipantGroup(models.Model):
    """Participants as counts by occupation code and gender: the fund never receives names.
    Belongs to a notification (planned) or to a claim (final list)."""

    notification = models.ForeignKey(
        MeasureNotification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participants",
    )
    claim = models.ForeignKey(
        "Claim", on_delete=models.CASCADE, null=True, blank=True, related_name="participants"
    )
    occupation_code = models.CharField(_("yrkeskod"), max_length=4)
    gender = models.CharField(_("kön"), max_length=1, choices=Employee.Gender.choices)
    count = models.PositiveIntegerField(_("antal"), validators=[MaxValueValidator(MAX_COUNT)])

    class Meta:
        ordering = ["occupation_code", "gender"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notification__isnull=False) | models.Q(claim__isnull=False),
                name="participantgroup_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation_code} {self.gender} × {self.count}"


def fund_file_path(instance, filename):
    return f"fund/{instance.notification.member_id}/{instance.notification_id}/{filename}"


class FundAttachment(models.Model):
    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Protokoll från facklig samverkan")
        INVOICE = "invoice", _("Faktura")
        OTHER = "other", _("Övrigt")

    notification = models.ForeignKey(
        MeasureNotification, on_delete=models.CASCADE, related_name="attachments"
    )
    claim = models.ForeignKey(
        "Claim", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=fund_file_path)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("bilaga till fonden")
        verbose_name_plural = _("bilagor till fonden")

    def __str__(self) -> str:
        return self.original_name


class FundDecision(models.Model):
    """The fund's decision on a notification, with its criteria checklist. Never edited:
    a later decision (e.g. a higher amount before a claim) is a new row."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Beviljad")
        MORE_INFO = "more_info", _("Komplettering begärd")
        REJECTED = "rejected", _("Avslagen")

    notification = models.ForeignKey(
        MeasureNotification, on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("beslut"), max_length=10, choices=Outcome.choices)
    amount_ore = models.BigIntegerField(
        _("beviljat belopp"), null=True, blank=True, validators=MONEY
    )
    reason = models.TextField(_("motivering"), blank=True, max_length=COMMENT_MAX)
    costs_reasonable = models.BooleanField(_("kostnaderna är rimliga"), default=False)
    cost_comment = models.TextField(
        _("kommentar om kostnaderna"), blank=True, max_length=COMMENT_MAX
    )
    partial_claims_allowed = models.BooleanField(_("delrekvisition tillåten"), default=False)
    # A re-decision names the approving decision it replaces (see services.fund_decide).
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("ersätter beslutet"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("fondens beslut")
        verbose_name_plural = _("fondens beslut")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.notification_id}"


class CriterionAnswer(models.Model):
    decision = models.ForeignKey(FundDecision, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("uppfyllt"))
    comment = models.TextField(_("kommentar"), blank=True, max_length=COMMENT_MAX)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "criterion"], name="criterionanswer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.met}"


class Claim(models.Model):
    """A claim (rekvisition) after the measure: actual costs with invoices, internal salary
    costs, the final participant list. Paid up to the approved amount."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Inskickad")
        RETURNED = "returned", _("Återsänd")
        PAID = "paid", _("Utbetald")

    notification = models.ForeignKey(
        MeasureNotification, on_delete=models.PROTECT, related_name="claims"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    is_final = models.BooleanField(_("slutrekvisition"), default=True)
    # The term (termin/period) a partial claim covers; a final claim covers the whole measure
    # and leaves these empty. A claim is made only once its term (or the measure) has ended.
    term_start = models.DateField(_("delperiod från"), null=True, blank=True)
    term_end = models.DateField(_("delperiod till"), null=True, blank=True)
    internal_salary_ore = models.BigIntegerField(
        _("interna lönekostnader"), default=0, validators=MONEY
    )
    total_ore = models.BigIntegerField(_("rekvirerat belopp"), default=0, validators=MONEY)
    paid_ore = models.BigIntegerField(_("utbetalt belopp"), null=True, blank=True, validators=MONEY)
    return_reason = models.TextField(_("skäl"), blank=True, max_length=COMMENT_MAX)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("rekvisition")
        verbose_name_plural = _("rekvisitioner")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_start__isnull=True)
                | models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="claim_term_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id}: {self.total_ore}"


class ClaimCostLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="cost_lines")
    kind = models.CharField(_("kostnadsslag"), max_length=15, choices=CostKind.choices)
    description = models.CharField(_("beskrivning"), max_length=NAME_MAX, blank=True)
    amount_ore = models.BigIntegerField(_("belopp"), validators=MONEY)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount_ore}"
