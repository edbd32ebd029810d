"""Demo events: two past events with registrations and evaluations, upcoming ones with free
places, and one full event with a waiting list. Uses whichever demo organisations exist
(load_demo, load_demo_library, load_demo_fund); idempotent (events are found by title)."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.test import override_settings
from django.utils import timezone

from lom.accounts.models import User
from lom.events import services
from lom.events.models import Event, Participant, Registration
from lom.organisations.access import actor_for
from lom.organisations.models import Membership, Organisation, Role
from lom.organisations.services import membership_grant

ORGANISER = "evenemang"
PASSWORD = "demo"  # noqa: S105 - demo login, listed in README

EVENTS = [
    # title, kind, days from today, hours, capacity, place, link, programme
    (
        "Erfarenhetsutbyte: så fick vi medlen att räcka till fler",
        Event.Kind.EXCHANGE,
        -120,
        3,
        40,
        "Stockholm, Konferens Norra",
        "",
        [
            ("09:00", "09:15", "Välkommen"),
            ("09:15", "10:30", "Tre organisationer berättar"),
            ("10:45", "12:00", "Samtal i blandade grupper, parterna tillsammans"),
        ],
    ),
    (
        "Temaseminarium: digitalisering och omställning",
        Event.Kind.SEMINAR,
        -40,
        2,
        60,
        "",
        "https://example.org/seminarium-digitalisering",
        [
            ("13:00", "13:45", "Vad digitaliseringen betyder för kompetensbehoven"),
            ("13:45", "15:00", "Exempel på insatser och vad de kostade"),
        ],
    ),
    (
        "Mötesplats: partssamverkan om omställningsmedel",
        Event.Kind.MEETING_PLACE,
        30,
        3,
        40,
        "Göteborg, Mötesplats Väst",
        "",
        [
            ("09:00", "09:30", "Kaffe och mingel"),
            ("09:30", "11:30", "Rundabordssamtal"),
            ("11:30", "12:00", "Vad tar vi med oss?"),
        ],
    ),
    (
        "Temaseminarium: karriärväxling och ett längre arbetsliv",
        Event.Kind.SEMINAR,
        60,
        2,
        80,
        "",
        "https://example.org/seminarium-karriarvaxling",
        [("10:00", "11:00", "Karriärväxling i praktiken"), ("11:00", "12:00", "Frågestund")],
    ),
    (
        "Erfarenhetsutbyte: filmen på intranätet som fördubblade ansökningarna",
        Event.Kind.EXCHANGE,
        14,
        2,
        0,  # capacity: the first organisation's registration exactly (full, with a queue)
        "Malmö, Stadshuset",
        "",
        [("13:00", "13:30", "Så gjorde vi filmen"), ("13:30", "15:00", "Idéverkstad")],
    ),
]


def _time(text):
    from datetime import time

    h, m = text.split(":")
    return time(int(h), int(m))


class Command(BaseCommand):
    help = "Load demo events (run after load_demo and the other demo commands)."

    def handle(self, *args, **options):
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._handle()

    def _participants(self, org):
        members = Membership.objects.filter(organisation=org).select_related("user")
        employer = [m.user_id for m in members if m.role in (Role.COORDINATOR,)][:1] + [
            m.user_id for m in members if m.role == Role.DECISION_MAKER
        ][:1]
        union = [m.user_id for m in members if m.role == Role.UNION_REP][:1]
        employer = [u for u in dict.fromkeys(employer) if u not in union]
        return employer, union

    def _handle(self):
        orgs = []
        for org in Organisation.objects.exclude(kind=Organisation.Kind.FUND).order_by("pk"):
            employer, union = self._participants(org)
            coord = Membership.objects.filter(organisation=org, role=Role.COORDINATOR).first()
            if employer and union and coord:
                orgs.append((org, coord.user, employer, union))
        if not orgs:
            self.stdout.write("No demo organisations with both parties: run load_demo first.")
            return
        user, created = User.objects.get_or_create(
            username=ORGANISER,
            defaults={
                "first_name": "Elin",
                "last_name": "Evenemang",
                "email": "evenemang@example.org",
            },
        )
        if created:
            user.password = make_password(PASSWORD)
            user.save(update_fields=["password"])
        user.user_permissions.add(Permission.objects.get(codename="manage_events"))
        if not Membership.objects.filter(user=user).exists():
            membership_grant(actor=None, organisation=orgs[0][0], user=user, role=Role.EMPLOYEE)
        user = User.objects.get(pk=user.pk)  # fresh permission cache
        organiser = actor_for(user=user)
        now = timezone.now()
        made = 0
        for title, kind, days, hours, capacity, place, link, programme in EVENTS:
            if Event.objects.filter(title=title).exists():
                continue
            made += 1
            past = days < 0
            # Created as upcoming (registration is open), moved into the past afterwards.
            start = (now + timedelta(days=abs(days) if past else days)).replace(
                hour=9, minute=0, second=0, microsecond=0
            )
            first_persons = len(orgs[0][2]) + len(orgs[0][3])
            event = services.event_save(
                actor=organiser,
                data=services.EventInput(
                    title=title,
                    kind=kind,
                    starts_at=start,
                    ends_at=start + timedelta(hours=hours),
                    capacity=capacity or first_persons,
                    registration_deadline=start - timedelta(days=3),
                    place=place,
                    online_url=link,
                    description="Ett tillfälle för arbetsgivare och fack att lära av varandra.",
                ),
                programme=[services.ProgrammeInput(_time(a), t, _time(b)) for a, b, t in programme],
            )
            upcoming_free = days > 0 and capacity
            registering = orgs if (past or not upcoming_free) else orgs[: max(len(orgs) // 2, 1)]
            for org, coord_user, employer, union in registering:
                services.registration_create(
                    actor=actor_for(user=coord_user, organisation_id=org.pk),
                    event=event,
                    employer_ids=employer,
                    union_ids=union,
                )
            if past:
                self._evaluate(event, start, now, days, hours)
        self.stdout.write(
            self.style.SUCCESS(
                f"Events: {made} created, {Event.objects.count()} in all; organiser login "
                f"'{ORGANISER}' (password '{PASSWORD}')."
            )
        )

    def _move(self, event, start, hours):
        Event.objects.filter(pk=event.pk).update(
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            registration_deadline=start - timedelta(days=3),
        )
        event.refresh_from_db()

    def _evaluate(self, event, start, now, days, hours):
        # Answered the day after the event (the form is open for a while), then moved to
        # its real date in the past.
        self._move(event, now - timedelta(days=1, hours=hours), hours)
        Registration.objects.filter(event=event).update(
            reminder_sent_at=now, evaluation_invited_at=now
        )
        answers = [
            (5, 4, True, "Bra att höra hur andra gjort; vi provar en informationsfilm."),
            (4, 4, True, ""),
            (4, 5, True, "Mer tid för samtal i grupper."),
            (3, 3, False, ""),
            (5, 5, True, "Nyttigt att facket och arbetsgivaren var där tillsammans."),
            (4, 3, False, ""),
        ]
        participants = Participant.objects.filter(
            registration__event=event, registration__status=Registration.Status.CONFIRMED
        ).select_related("registration", "user")
        for i, p in enumerate(participants):
            actor = actor_for(user=p.user, organisation_id=p.registration.organisation_id)
            if actor is None:
                continue
            rating, use, ideas, comment = answers[i % len(answers)]
            services.evaluation_submit(
                actor=actor,
                event=event,
                data=services.EvaluationInput(rating, use, ideas, comment),
            )
        final = (now + timedelta(days=days)).replace(
            hour=start.hour, minute=0, second=0, microsecond=0
        )
        self._move(event, final, hours)
