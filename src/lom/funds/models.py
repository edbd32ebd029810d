from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import ContributionRate
from lom.common.bounds import MAX_AMOUNT_ORE, SHORT_TEXT_MAX
from lom.common.messages import render_message
from lom.organisations.models import Organisation

# Money in öre: never negative, never past the bound every sum is checked against.
AMOUNT_BOUNDS = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)]


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Öppen")
    ENDED = "ended", _("Slut, väntar på stängning")
    CLOSED = "closed", _("Stängd")
    REOPENED = "reopened", _("Öppnad igen")


class FundPeriod(models.Model):
    class Method(models.TextChoices):
        PAYROLL_RATE = "payroll_rate", _("Lönesumma × avsättningsnivå")
        FIXED_POT = "fixed_pot", _("Fast belopp")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="fund_periods"
    )
    name = models.CharField(_("namn"), max_length=100)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    method = models.CharField(_("tilldelning"), max_length=20, choices=Method.choices)
    payroll_ore = models.BigIntegerField(
        _("lönesumma"),
        null=True,
        blank=True,
        validators=AMOUNT_BOUNDS,
    )
    rate = models.ForeignKey(
        ContributionRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("avsättningsnivå"),
    )
    fixed_amount_ore = models.BigIntegerField(
        _("fast belopp"),
        null=True,
        blank=True,
        validators=AMOUNT_BOUNDS,
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("föregående period"),
    )
    # The intent recorded when the period is set up: what is left of `previous` is carried
    # over into this period when `previous` is closed (nothing moves before that).
    carry_over_from_previous = models.BooleanField(
        _("för över det som är kvar från föregående period"), default=False
    )
    # Closed: no new approvals; the carry-over (if any) was booked into `carried_to`, and money
    # released here later follows there.
    closed_at = models.DateTimeField(_("stängd"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("överfört till"),
    )
    # Reopened (after its end or after closing): approvals are accepted again until it is closed.
    reopened_at = models.DateTimeField(_("öppnad igen"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField(
        _("skäl att öppna igen"), max_length=SHORT_TEXT_MAX, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("fondperiod")
        verbose_name_plural = _("fondperioder")
        indexes = [models.Index(fields=["organisation", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="fund_period_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts_commitments(self, *, today: date) -> bool:
        """Approvals may be booked: not closed, and not ended unless reopened."""
        return self.closed_at is None and (self.end >= today or self.reopened_at is not None)

    def status(self, *, today: date) -> PeriodStatus:
        if self.closed_at is not None:
            return PeriodStatus.CLOSED
        if self.reopened_at is not None:
            return PeriodStatus.REOPENED
        return PeriodStatus.ENDED if self.end < today else PeriodStatus.OPEN


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("Tilldelning")
    CARRY_OVER = "carry_over", _("Överföring")
    COMMITMENT = "commitment", _("Reservering")
    RELEASE = "release", _("Frigjort")
    EXPENSE = "expense", _("Utgift")


class LedgerEntry(models.Model):
    """Append-only. Amounts are öre. Signs: allocation, commitment, release and expense are
    positive; carry-over is positive in the receiving period and negative in the giving one.

    committed (outstanding) = commitments − releases − expenses
    spent                   = expenses
    remaining               = allocated + carried over − committed − spent
    An expense therefore moves money from committed to spent without changing remaining."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(FundPeriod, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("typ"), max_length=20, choices=EntryKind.choices)
    amount_ore = models.BigIntegerField(
        _("belopp"),
        validators=[MinValueValidator(-MAX_AMOUNT_ORE), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    # The memo LOM writes is a system message (memo_code, lom.common.messages), rendered in
    # the reader's language; `memo` holds what a person typed (and what older releases stored).
    memo = models.CharField(_("text"), max_length=255, blank=True)
    memo_code = models.CharField(max_length=60, blank=True, default="")
    memo_params = models.JSONField(default=dict, blank=True)
    # A carry-over names the other period of its pair (from the giver: the receiver, and back).
    linked_period = models.ForeignKey(
        FundPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("motpart"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("transaktion")
        verbose_name_plural = _("transaktioner")
        indexes = [
            # Covering on PostgreSQL: a balance is an index-only scan of (period, kind, amount).
            models.Index(
                fields=["period", "kind"], include=["amount_ore"], name="ledger_period_kind_amount"
            ),
            models.Index(fields=["period", "-created_at", "-id"]),
            # The year-scoped reports read one organisation's entries booked in a year.
            models.Index(fields=["organisation", "created_at"], name="ledger_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_ore}"

    @property
    def memo_shown(self) -> str:
        return self.memo_in()

    def memo_in(self, language: str | None = None) -> str:
        """The memo in `language` (default: the active one); a typed memo as typed."""
        shown = render_message(self.memo_code, self.memo_params, language)
        return self.memo if shown is None else shown


# The running total of each kind of entry (PeriodTotals field, and Balance field, by kind).
TOTAL_FIELD_OF_KIND: dict[str, str] = {
    EntryKind.ALLOCATION: "allocated",
    EntryKind.CARRY_OVER: "carried_over",
    EntryKind.COMMITMENT: "commitments",
    EntryKind.RELEASE: "releases",
    EntryKind.EXPENSE: "spent",
}
TOTAL_FIELDS: tuple[str, ...] = tuple(TOTAL_FIELD_OF_KIND.values())


class PeriodTotals(models.Model):
    """The period's ledger summed per kind of entry, in öre: what every balance reads, so no
    request sums the ledger. Kept by `ledger_post` in the transaction that writes the entry, by
    an atomic `x = x + amount` update of this row (so it is right whoever holds the period lock,
    and the update itself locks the row). The ledger stays the truth: the integrity check and
    `manage.py fund_totals_check` compare these with its sum. Computed, never entered: the
    signs are the ledger's (carried_over is negative in a period that gave money away)."""

    period = models.OneToOneField(
        FundPeriod, on_delete=models.CASCADE, primary_key=True, related_name="totals"
    )
    allocated = models.BigIntegerField(default=0)
    carried_over = models.BigIntegerField(default=0)
    commitments = models.BigIntegerField(default=0)
    releases = models.BigIntegerField(default=0)
    spent = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("periodsummor")
        verbose_name_plural = _("periodsummor")

    def __str__(self) -> str:
        return f"{self.period_id}: {self.allocated}"


class ForecastSettings(models.Model):
    """The organisation's own threshold for the unused-funds warning of the fund forecast.
    The table keeps its first name (it began as the reports app's settings)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="forecast_settings"
    )
    unused_warning_percent = models.PositiveSmallIntegerField(
        _("varna när prognosen för outnyttjade medel överstiger (procent)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_reportsettings"
        verbose_name = _("prognosinställningar")
        verbose_name_plural = _("prognosinställningar")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.unused_warning_percent} %"


class AnnualPayroll(models.Model):
    """The organisation's payroll (lönesumma) for a calendar year, from the payroll system
    (staff register import). A fund period allocated by payroll × rate starts from it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="annual_payrolls"
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    payroll_ore = models.BigIntegerField(_("lönesumma"), validators=AMOUNT_BOUNDS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "-year"]
        verbose_name = _("lönesumma per år")
        verbose_name_plural = _("lönesummor per år")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="annualpayroll_unique"),
            models.CheckConstraint(
                condition=models.Q(payroll_ore__gte=0), name="annualpayroll_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}: {self.payroll_ore}"
