"""Demo material for the public pages: contact persons, news, campaigns and some reach counts
for the demo organisations of `load_demo`. Idempotent: rows are found by their natural key and
counts are set (not added), so running it twice changes nothing."""

import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from lom.accounts.models import User
from lom.agreements.selectors import agreement_current
from lom.organisations.models import Organisation, Union
from lom.outreach.models import (
    Campaign,
    ContactPerson,
    CounterKind,
    NewsItem,
    PublishStatus,
    ReachCounter,
)
from lom.outreach.selectors import bump_public_cache

SPECS = {
    "tillsynsverket": {
        "prefix": "",
        "contacts": [
            ("Sofia Samordnare", "Samordnare för omställningsmedlen", "samordnare@example.org", ""),
            ("Henrik Hansson", "HR-partner", "hr-partner@example.org", "010-123 45 67"),
        ],
        "union_contacts": [("Frida Facklig", "Ordförande", "facklig@example.org")],
        "campaign": (
            "Vill du byta bana?",
            "Under våren lyfter vi fram stöd för dig som funderar på en ny roll eller ett nytt "
            "yrke. Boka ett samtal med en studie- och yrkesvägledare, eller läs om hur kollegor "
            "har gått vidare.",
            ["career_change", "study_counselling", "coaching"],
        ),
    },
    "region-norrsund": {
        "prefix": "region-",
        "contacts": [
            ("Sofia Samordnare", "Samordnare, HR-avdelningen", "region-samordnare@example.org", ""),
        ],
        "union_contacts": [("Frida Facklig", "Huvudskyddsombud", "region-facklig@example.org")],
        "campaign": (
            "Utvecklas i vården",
            "Vill du utvecklas i ditt yrke inom vården eller prova en annan roll? Under "
            "kampanjen kan du läsa om kurser, växeltjänstgöring och coachning.",
            ["competence_development", "job_rotation", "coaching"],
        ),
    },
}


class Command(BaseCommand):
    help = "Load demo contacts, news, a campaign and reach counts for the public pages."

    def handle(self, *args, **options):
        for slug, spec in SPECS.items():
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                self.stdout.write(f"{slug}: not loaded (run load_demo first), skipped.")
                continue
            with transaction.atomic():
                self._load(org, spec, random.Random(slug))
            bump_public_cache(org.pk)
            self.stdout.write(self.style.SUCCESS(f"{org.name}: outreach demo loaded."))

    def _load(self, org, spec, rnd):
        today = date.today()
        coordinator = User.objects.filter(username=f"{spec['prefix']}samordnare").first()
        for i, (name, role, email, phone) in enumerate(spec["contacts"]):
            ContactPerson.objects.update_or_create(
                organisation=org,
                email=email,
                defaults={"name": name, "role": role, "phone": phone, "sort_order": i},
            )
        union = Union.objects.filter(organisation=org).order_by("name").first()
        for name, role, email in spec["union_contacts"]:
            ContactPerson.objects.update_or_create(
                organisation=org,
                email=email,
                defaults={"name": name, "role": role, "union": union, "sort_order": 50},
            )
        news = [
            (
                "Ansök före sommaren",
                "Ansökningar som kommer in före den 1 juni hinner beslutas före semestrarna. "
                "Prata gärna med din chef redan nu.",
                today - timedelta(days=5),
                today + timedelta(days=60),
                PublishStatus.PUBLISHED,
            ),
            (
                "Frukostseminarium om karriärväxling",
                "Kollegor berättar hur de bytte roll med stöd av omställningsmedlen.",
                today - timedelta(days=20),
                None,
                PublishStatus.PUBLISHED,
            ),
            (
                "Medlen för förra året är redovisade",
                "Arbetsgivaren och facket har gått igenom hur medlen användes förra året.",
                today - timedelta(days=200),
                today - timedelta(days=120),
                PublishStatus.PUBLISHED,
            ),
            (
                "Utkast: nya regler för studieledighet",
                "Texten är inte klar.",
                today,
                None,
                PublishStatus.DRAFT,
            ),
        ]
        for title, body, start, end, status in news:
            NewsItem.objects.update_or_create(
                organisation=org,
                title=title,
                defaults={
                    "body": body,
                    "publish_from": start,
                    "publish_to": end,
                    "status": status,
                    "created_by": coordinator,
                },
            )
        agreement = agreement_current(organisation=org, on=today)
        allowed = {m.code: m for m in agreement.measure_types.all()} if agreement else {}
        title, text, codes = spec["campaign"]
        running, _ = Campaign.objects.update_or_create(
            organisation=org,
            title=title,
            defaults={
                "text": text,
                "starts_on": today - timedelta(days=14),
                "ends_on": today + timedelta(days=45),
                "status": PublishStatus.PUBLISHED,
                "created_by": coordinator,
            },
        )
        running.measure_types.set([allowed[c] for c in codes if c in allowed])
        past, _ = Campaign.objects.update_or_create(
            organisation=org,
            title="Ett längre arbetsliv",
            defaults={
                "text": "Om karriär- och livsplanering för dig som vill orka hela vägen.",
                "starts_on": today - timedelta(days=150),
                "ends_on": today - timedelta(days=110),
                "status": PublishStatus.PUBLISHED,
                "created_by": coordinator,
            },
        )
        past.measure_types.set([allowed[c] for c in ["career_life_planning"] if c in allowed])

        def put(day, kind, n, detail="", campaign=None):
            ReachCounter.objects.update_or_create(
                organisation=org,
                day=day,
                kind=kind,
                detail=detail,
                campaign=campaign,
                defaults={"count": n},
            )

        months: dict[date, int] = {}
        for back in range(180, -1, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            boost = 3 if running.starts_on <= day <= running.ends_on else 1
            if past.starts_on <= day <= past.ends_on:
                boost = 2
            views = rnd.randint(4, 14) * boost
            guide_views = rnd.randint(1, 6) * boost
            results = max(guide_views - rnd.randint(0, 2), 0)
            clicks = rnd.randint(0, 3) * boost // 2
            put(day, CounterKind.PAGE_VIEW, views)
            put(day, CounterKind.GUIDE_VIEW, guide_views)
            put(day, CounterKind.GUIDE_RESULT, results)
            put(day, CounterKind.APPLY_CLICK, clicks, detail=rnd.choice(["page", "guide"]))
            goal = rnd.choice(["develop", "change_role", "change_career", "prepare", "longer"])
            put(day, CounterKind.GUIDE_RESULT, results, detail=f"goal:{goal}")
            if running.starts_on <= day <= running.ends_on:
                put(day, CounterKind.PAGE_VIEW, rnd.randint(2, 10), campaign=running)
                put(day, CounterKind.APPLY_CLICK, rnd.randint(0, 2), "page", campaign=running)
            months[day.replace(day=1)] = months.get(day.replace(day=1), 0) + clicks
        for month, clicks in months.items():
            put(month, CounterKind.APPLICATION, clicks // 3, detail="page")
        put(today.replace(day=1), CounterKind.APPLICATION, 4, detail="page", campaign=running)
