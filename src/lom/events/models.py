"""Installation-wide events: experience exchanges, theme seminars and meeting places.

An organisation registers its employer-side and union-side representatives together (one
registration per organisation and event); capacity counts persons; a registration that does
not fit waits in order and moves up when places free. Evaluations are stored without any
link to the participant who gave them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import COMMENT_MAX, MAX_COUNT, NAME_MAX, TEXT_MAX
from lom.organisations.models import Organisation

# Seats at one event (persons): a large conference, far below MAX_COUNT.
MAX_CAPACITY = 100_000
# Points in one event's programme.
MAX_PROGRAMME_ITEMS = 50
# People one organisation registers for one event.
MAX_PARTICIPANTS = 200


class Event(models.Model):
    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("Erfarenhetsutbyte")
        SEMINAR = "seminar", _("Temaseminarium")
        MEETING_PLACE = "meeting_place", _("Mötesplats")

    title = models.CharField(_("rubrik"), max_length=NAME_MAX)
    kind = models.CharField(_("typ av evenemang"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("beskrivning"), max_length=TEXT_MAX, blank=True)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=NAME_MAX, blank=True)
    online_url = models.URLField(_("länk för digitalt deltagande"), blank=True)
    capacity = models.PositiveIntegerField(
        _("antal platser (personer)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    registration_deadline = models.DateTimeField(_("sista anmälningsdag"))
    cancelled_at = models.DateTimeField(_("inställt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("evenemang")
        verbose_name_plural = _("evenemang")
        permissions = [("manage_events", _("Får anordna evenemang för hela installationen"))]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="event_capacity_pos"),
        ]

    def __str__(self) -> str:
        return self.title


class ProgrammeItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    starts_at = models.TimeField(_("från"))
    ends_at = models.TimeField(_("till"), null=True, blank=True)
    title = models.CharField(_("programpunkt"), max_length=NAME_MAX)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("programpunkt")
        verbose_name_plural = _("program")

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.title}"


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Anmäld")
        WAITING = "waiting", _("På väntelistan")
        CANCELLED = "cancelled", _("Avanmäld")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    persons = models.PositiveIntegerField(
        _("antal personer"), validators=[MaxValueValidator(MAX_COUNT)]
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    evaluation_invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("anmälan")
        verbose_name_plural = _("anmälningar")
        indexes = [models.Index(fields=["event", "status", "created_at", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                condition=~models.Q(status="cancelled"),
                name="registration_one_active_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.event}"


class Participant(models.Model):
    class Side(models.TextChoices):
        EMPLOYER = "employer", _("Arbetsgivarsidan")
        UNION = "union", _("Facklig sida")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("part"), max_length=20, choices=Side.choices)
    # Only whether this person has answered: the answer itself is stored without a link.
    evaluated = models.BooleanField(default=False)

    class Meta:
        ordering = ["side", "id"]
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        constraints = [
            models.UniqueConstraint(fields=["registration", "user"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_side_display()})"


class Evaluation(models.Model):
    """One participant's answer, anonymous: no participant, user, organisation or time of
    day is stored, only the event and the date."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="evaluations")
    rating = models.PositiveSmallIntegerField(
        _("helhetsbetyg (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("nytta för vår organisation (1–5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    new_ideas = models.BooleanField(_("jag fick nya idéer för vår organisation"))
    comment = models.TextField(_("kommentar"), max_length=COMMENT_MAX, blank=True)
    submitted_on = models.DateField()

    class Meta:
        verbose_name = _("utvärdering")
        verbose_name_plural = _("utvärderingar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="evaluation_rating_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(usefulness__gte=1, usefulness__lte=5),
                name="evaluation_usefulness_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.rating}/{self.usefulness}"
