"""Demo data for individual support. Runs after load_demo (and load_demo_fund when it exists).

Creates the yearly thresholds, a coach (`vagledare`, password as the other demo users) in the
fund organisation `omstallningsfonden` (or in Region Norrsund when there is no fund), times over
the coming weeks, some booked by demo employees, one held session with a note, and employment
months for three employees of Region Norrsund: eligible, not eligible and borderline.
Idempotent: what exists is left as it is."""

from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from lom.accounts.models import User
from lom.demo.users import DEMO_PASSWORD
from lom.organisations.access import actor_for
from lom.organisations.models import Employee, Organisation, Role
from lom.organisations.services import membership_grant
from lom.support import services
from lom.support.eligibility import add_months
from lom.support.imports import RawRow
from lom.support.models import Booking, EligibilityRule, EmploymentMonth, SessionNote, Slot
from lom.support.reference import ensure_default_rules

FUND_SLUG = "omstallningsfonden"
REGION_SLUG = "region-norrsund"
COACH = "vagledare"
DEMO_NOTE = (
    "Vi gick igenom dina erfarenheter från vården och vad du vill göra de närmaste åren. "
    "Nästa steg: titta på utbildningar till vårdadministratör och boka ett uppföljande samtal."
)


class Command(BaseCommand):
    help = "Load demo data for individual support: thresholds, a coach, slots, bookings, months."

    def handle(self, *args, **options):
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = ensure_default_rules(EligibilityRule)
            self.stdout.write(f"Thresholds: {created} year(s) added.")
            region = Organisation.objects.filter(slug=REGION_SLUG).first()
            if region is None:
                self.stdout.write("Region Norrsund is missing: run load_demo first. Skipped.")
                return
            # No outer transaction: each service call is its own (durable) transaction.
            self._load(region)

    def _load(self, region: Organisation) -> None:
        fund = Organisation.objects.filter(slug=FUND_SLUG, kind=Organisation.Kind.FUND).first()
        coach_org = fund or region
        coach, created = User.objects.get_or_create(
            username=COACH,
            defaults={
                "first_name": "Vera",
                "last_name": "Vägledare",
                "email": "vagledare@example.org",
            },
        )
        if created:
            coach.set_password(DEMO_PASSWORD)
            coach.save(update_fields=["password"])
        membership_grant(actor=None, organisation=coach_org, user=coach, role=Role.COACH)
        self.stdout.write(f"Coach '{COACH}' in {coach_org.name}.")
        self._slots(coach, coach_org, region)
        self._employment(region)

    def _slots(self, coach: User, org: Organisation, region: Organisation) -> None:
        if Slot.objects.filter(coach=coach, organisation=org).exists():
            self.stdout.write("Slots: already loaded, left as they are.")
            return
        coach_actor = actor_for(user=coach, organisation_id=org.pk)
        tz = timezone.get_current_timezone()
        today = timezone.localdate()
        day = today + timedelta(days=1)
        slots = []
        while len(slots) < 15:
            if day.weekday() < 5:
                for i, hour in enumerate((9, 13, 15)):
                    online = (day.toordinal() + i) % 2 == 0
                    slots.append(
                        services.slot_create(
                            actor=coach_actor,
                            starts_at=timezone.make_aware(datetime.combine(day, time(hour)), tz),
                            duration_minutes=60,
                            mode="online" if online else "on_site",
                            video_link="https://video.example.org/vagledning" if online else "",
                            place="" if online else "Kompetenscentret, Norrsunds sjukhus, rum 12",
                        )
                    )
            day += timedelta(days=1)
        booked = 0
        for username, slot in (("region-medarbetare", slots[3]), ("region-chef", slots[7])):
            user = User.objects.filter(username=username).first()
            employee_actor = actor_for(user=user, organisation_id=region.pk) if user else None
            if employee_actor and employee_actor.employee:
                services.slot_book(actor=employee_actor, slot_id=slot.pk)
                booked += 1
        # One session already held, with a note only the employee and the coach can read.
        user = User.objects.filter(username="region-medarbetare").first()
        employee = Employee.objects.filter(user=user, organisation=region).first() if user else None
        if employee is not None:
            past = Slot.objects.create(
                organisation=org,
                coach=coach,
                starts_at=timezone.make_aware(
                    datetime.combine(today - timedelta(days=14), time(10)), tz
                ),
                duration_minutes=60,
                mode="on_site",
                place="Kompetenscentret, Norrsunds sjukhus, rum 12",
                is_booked=True,
            )
            booking = Booking.objects.create(
                slot=past,
                employee=employee,
                employee_organisation=region,
                status=Booking.Status.HELD,
                held_at=past.starts_at + timedelta(hours=1),
            )
            SessionNote.objects.create(booking=booking, author=coach, text=DEMO_NOTE)
        self.stdout.write(f"Slots: {len(slots)} published, {booked} booked, 1 held with a note.")

    def _employment(self, region: Organisation) -> None:
        coord = User.objects.filter(username="region-samordnare").first()
        coord_actor = actor_for(user=coord, organisation_id=region.pk) if coord else None
        if coord_actor is None or not coord_actor.has(Role.COORDINATOR):
            self.stdout.write("Employment months: no coordinator in Region Norrsund. Skipped.")
            return
        medarbetare = Employee.objects.filter(
            organisation=region, user__username="region-medarbetare"
        ).first()
        others = list(
            Employee.objects.filter(organisation=region, user__isnull=True).order_by("pk")[:2]
        )
        people = [e for e in [medarbetare, *others] if e is not None]
        if len(people) < 3:
            self.stdout.write("Employment months: too few employees. Skipped.")
            return
        if EmploymentMonth.objects.filter(employee__in=people).exists():
            self.stdout.write("Employment months: already loaded, left as they are.")
            return
        last = add_months(timezone.localdate().replace(day=1), -1)
        months = [add_months(last, -i) for i in range(24)]  # newest first
        rows: list[RawRow] = []

        def row(emp: Employee, m: date, hours: str, income_kr: str) -> None:
            rows.append(
                RawRow(
                    number=len(rows) + 2,
                    employee_id=str(emp.pk),
                    email="",
                    month=m.strftime("%Y-%m"),
                    hours=hours,
                    income=income_kr,
                )
            )

        eligible, not_eligible, borderline = people
        for m in months:  # full time for two years
            row(eligible, m, "38,25", "32400")
        for m in months[:8]:  # eight months of part time, then nothing
            row(not_eligible, m, "20", "14500")
        for i, m in enumerate(months):
            # Exactly 12 months count: 8 by hours, 4 by income (15,9 h but a high income),
            # and 12 months fall just short on both (15,9 h and just under the minimum).
            if i < 8:
                row(borderline, m, "16", "17200")
            elif i < 12:
                row(borderline, m, "15,9", "18575")
            else:
                row(borderline, m, "15,9", "18574,99")
        result = services.employment_import(actor=coord_actor, rows=rows)
        self.stdout.write(
            f"Employment months: {result.created} for {eligible.full_name} (eligible), "
            f"{not_eligible.full_name} (not eligible), {borderline.full_name} (borderline)."
        )
