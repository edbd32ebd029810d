"""Individual support: the eligibility check at the end of employment, and career and study
counselling with coaches (vägledare).

Privacy: the notes of a counselling session (`SessionNote`) are readable only by the employee
and the coach of that booking. They are not registered in Django admin, not exported and not
in any API answer to anyone else. Reports get counts, never content.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE
from lom.organisations.models import Employee, Organisation


class EligibilityRule(models.Model):
    """The thresholds of the basic condition for one calendar year. The check picks the row of
    the year of its date. `confirmed` is False for rows whose values are assumptions that an
    administrator should check against the agreement of that year."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    months_required = models.PositiveSmallIntegerField(_("antal månader som krävs"), default=12)
    window_months = models.PositiveSmallIntegerField(_("ramtid i månader"), default=24)
    min_hours_per_week = models.DecimalField(
        _("lägsta genomsnittliga arbetstid (timmar per vecka)"),
        max_digits=4,
        decimal_places=1,
        default=16,
    )
    min_monthly_income_ore = models.BigIntegerField(
        _("lägsta månadsinkomst (öre)"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    confirmed = models.BooleanField(
        _("bekräftad mot avtalet"),
        default=False,
        help_text=_("Avmarkerad betyder att värdena är antagna och behöver kontrolleras."),
    )
    source = models.CharField(_("källa"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("grundvillkor för år")
        verbose_name_plural = _("grundvillkor per år")
        constraints = [
            models.CheckConstraint(
                condition=Q(months_required__gte=1)
                & Q(window_months__gte=1)
                & Q(months_required__lte=models.F("window_months")),
                name="eligibilityrule_months_sane",
            ),
            models.CheckConstraint(
                condition=Q(min_monthly_income_ore__gte=0) & Q(min_hours_per_week__gte=0),
                name="eligibilityrule_thresholds_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class EmploymentMonth(models.Model):
    """One month of one employee's employment: average hours a week and income that month.
    Imported by the coordinator from the payroll system."""

    # No index of their own on organisation and employee: the (organisation, employee, month)
    # index and the (employee, month) unique constraint lead with them, and every month row a
    # register import writes would otherwise update two more indexes.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        related_name="employment_months",
        verbose_name=_("medarbetare"),
        db_index=False,
    )
    month = models.DateField(_("månad"), help_text=_("Första dagen i månaden."))
    hours_per_week = models.DecimalField(
        _("genomsnittlig arbetstid (timmar per vecka)"), max_digits=4, decimal_places=1
    )
    income_ore = models.BigIntegerField(
        _("månadsinkomst (öre)"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_ORE)],
    )
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["employee", "month"]
        verbose_name = _("anställningsmånad")
        verbose_name_plural = _("anställningsmånader")
        constraints = [
            models.UniqueConstraint(fields=["employee", "month"], name="employmentmonth_unique"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(income_ore__gte=0),
                name="employmentmonth_nonnegative",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "employee", "month"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.month:%Y-%m}"


class EligibilityCheck(models.Model):
    """A coordinator's check of an employee, kept for audit: who checked whom, when, with
    which rule and which verdict. Append-only. The employee's own self-check is never stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        related_name="eligibility_checks",
        verbose_name=_("medarbetare"),
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kontrollerad av"),
    )
    checked_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)
    as_of = models.DateField(_("anställningen upphör / kontrolldatum"))
    rule_year = models.PositiveSmallIntegerField(_("regelår"))
    eligible = models.BooleanField(_("grundvillkoret uppfyllt"))
    counted_months = models.PositiveSmallIntegerField(_("månader som räknas"))
    months_required = models.PositiveSmallIntegerField(_("månader som krävs"))
    reasoning = models.JSONField(_("motivering"), default=list)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("kontroll av grundvillkor")
        verbose_name_plural = _("kontroller av grundvillkor")
        indexes = [models.Index(fields=["organisation", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.as_of}"


class Slot(models.Model):
    """A time a coach offers. Booked at most once (see `Booking`)."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Digitalt (video)")
        ON_SITE = "on_site", _("På plats")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Vägledarens organisation: en fond eller en arbetsgivare."),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coaching_slots",
        verbose_name=_("vägledare"),
    )
    starts_at = models.DateTimeField(_("starttid"))
    duration_minutes = models.PositiveSmallIntegerField(_("längd (minuter)"), default=60)
    mode = models.CharField(_("form"), max_length=10, choices=Mode.choices)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    video_link = models.URLField(_("videolänk"), blank=True)
    is_booked = models.BooleanField(default=False, editable=False)
    withdrawn = models.BooleanField(_("återkallad"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("tid för vägledning")
        verbose_name_plural = _("tider för vägledning")
        indexes = [
            models.Index(fields=["organisation", "starts_at"]),
            models.Index(fields=["coach", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.coach} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """One employee's booking of one slot. A slot has at most one active booking (database
    constraint); a cancelled booking frees the slot."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Bokad")
        HELD = "held", _("Genomförd")
        CANCELLED = "cancelled", _("Avbokad")

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("medarbetare")
    )
    # The employee's organisation, kept for the counts (the slot may belong to a fund).
    employee_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    booked_at = models.DateTimeField(_("bokad"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("avbokad"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("orsak till avbokning"), max_length=300, blank=True)
    held_at = models.DateTimeField(_("markerad som genomförd"), null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("bokning av vägledning")
        verbose_name_plural = _("bokningar av vägledning")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=~Q(status="cancelled"),
                name="booking_one_active_per_slot",
            )
        ]
        indexes = [models.Index(fields=["employee_organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.slot_id}:{self.employee_id}:{self.status}"


class SessionNote(models.Model):
    """A note about a session, by the coach or the employee. Visible only to those two."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("anteckning"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class SupportApplication(models.Model):
    """An employee's application for individual support, made from an eligible self-check.

    The self-check itself is never stored: the server re-runs the check on what the employee
    sends and keeps only the summary the employee agreed to share with the counsellor (the
    verdict, the rule year, the date and the number of qualifying months), never the month by
    month table. The status changes only through `lom.support.services.applications`, by the
    table in `lom.support.workflow`."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Ny")
        TAKEN = "taken", _("Tagen av en vägledare")
        CLOSED = "closed", _("Avslutad")
        WITHDRAWN = "withdrawn", _("Återkallad")

    class Wish(models.TextChoices):
        CAREER = "career", _("Karriärvägledning")
        ASSESSMENT = "assessment", _("Kartläggning av kompetens")
        EDUCATION = "education", _("Planering av utbildning")
        OTHER = "other", _("Annat")

    class Contact(models.TextChoices):
        EMAIL = "email", _("E-post")
        PHONE = "phone", _("Telefon")
        MEETING = "meeting", _("Möte")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", editable=False
    )
    employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        related_name="support_applications",
        verbose_name=_("medarbetare"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("inskickad"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    # What the employee asks for, in their own words.
    wish = models.CharField(_("stöd som önskas"), max_length=12, choices=Wish.choices)
    description = models.TextField(_("beskrivning"), max_length=COMMENT_MAX, blank=True)
    contact = models.CharField(
        _("hur vill du bli kontaktad"), max_length=10, choices=Contact.choices
    )
    consent = models.BooleanField(_("samtycke att dela sammanfattningen"))
    # The summary of the check, as the server re-ran it when the application was sent.
    eligible = models.BooleanField(_("grundvillkoret uppfyllt"))
    as_of = models.DateField(_("anställningen upphör / kontrolldatum"))
    rule_year = models.PositiveSmallIntegerField(_("regelår"))
    rule_confirmed = models.BooleanField(_("regeln bekräftad mot avtalet"))
    counted_months = models.PositiveSmallIntegerField(_("månader som räknas"))
    months_required = models.PositiveSmallIntegerField(_("månader som krävs"))
    # Who took it, and when the status last changed.
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vägledare"),
    )
    taken_at = models.DateTimeField(_("tagen"), null=True, blank=True)
    ended_at = models.DateTimeField(_("avslutad eller återkallad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ansökan om individuellt stöd")
        verbose_name_plural = _("ansökningar om individuellt stöd")
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible=True) & Q(consent=True),
                name="supportapplication_eligible_with_consent",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.created_at:%Y-%m-%d}"
