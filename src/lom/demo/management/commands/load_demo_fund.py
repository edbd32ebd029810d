"""Demo data for fund mode: a fund (Omställningsfonden (demo)) with an administrator and an
officer, three member employers (Region Norrsund from load_demo, Ekby kommun, Stensjö kommun),
payroll, one open period, notifications in every state, decisions and a paid claim whose
remainder returned to the pot. Idempotent: a fund that already has a period is left as it is.
Runs after load_demo."""

import random
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from lom.accounts.models import User
from lom.demo.users import demo_user
from lom.fundmode import services as fs
from lom.fundmode.models import CostKind, FundMembership, FundRound, ProviderKind
from lom.fundmode.selectors import criteria_for
from lom.organisations.access import actor_for
from lom.organisations.models import Organisation, Role
from lom.organisations.services import employee_save, membership_grant, union_create, unit_create

FUND_SLUG = "omstallningsfonden"
MUNICIPALITIES = [
    {
        "slug": "ekby-kommun",
        "name": "Ekby kommun",
        "prefix": "ekby-",
        "units": [
            "Vård- och omsorgsförvaltningen",
            "Barn- och utbildningsförvaltningen",
            "Kommunledningskontoret",
        ],
        "payroll_kr": 2_400_000_000,
    },
    {
        "slug": "stensjo-kommun",
        "name": "Stensjö kommun",
        "prefix": "stensjo-",
        "units": ["Socialförvaltningen", "Förskola och skola", "Samhällsbyggnad"],
        "payroll_kr": 1_100_000_000,
    },
]
OCCUPATIONS = ["Undersköterska", "Förskollärare", "Barnskötare", "Socialsekreterare", "Kock"]
FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ahmed", "Fatima", "Elin"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Hassan", "Berg", "Holm", "Lind"]
REGION_PAYROLL_KR = 9_800_000_000


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo\n", content_type="application/pdf")


class Command(BaseCommand):
    help = "Load the fund-mode demo: a fund with three member employers (password 'demo')."

    def handle(self, *args, **options):
        if not Organisation.objects.filter(slug="region-norrsund").exists():
            raise CommandError("Run load_demo first (Region Norrsund is a member of the fund).")
        dummy = "django.core.mail.backends.dummy.EmailBackend"
        # No outer transaction: each service call is its own (durable) transaction.
        with override_settings(EMAIL_BACKEND=dummy):
            self._load()

    _user = staticmethod(demo_user)

    def _municipality(self, spec: dict, rnd: random.Random) -> Organisation:
        org = Organisation.objects.filter(slug=spec["slug"]).first()
        if org is not None:
            return org
        org = Organisation.objects.create(
            name=spec["name"], slug=spec["slug"], kind=Organisation.Kind.MUNICIPALITY
        )
        kommunal = union_create(actor=None, organisation=org, name="Kommunal")
        union_create(actor=None, organisation=org, name="Vision")
        top = unit_create(actor=None, organisation=org, name=spec["name"])
        units = [
            unit_create(actor=None, organisation=org, name=n, parent=top) for n in spec["units"]
        ]
        today = date.today()
        for i in range(40):
            employee_save(
                actor=None,
                organisation=org,
                unit=units[i % len(units)],
                first_name=rnd.choice(FIRST),
                last_name=rnd.choice(LAST),
                email=f"{spec['prefix']}anstalld{i}@example.org",
                occupational_group=rnd.choice(OCCUPATIONS),
                employment_start=today - timedelta(days=rnd.randint(200, 9000)),
                employment_form="permanent",
                birth_year=rnd.randint(today.year - 64, today.year - 22),
                gender=rnd.choice(["F", "F", "F", "M"]),
                active=True,
            )
        p = spec["prefix"]
        membership_grant(
            actor=None,
            organisation=org,
            user=self._user(f"{p}samordnare", "Sam", "Samordnare"),
            role=Role.COORDINATOR,
        )
        membership_grant(
            actor=None,
            organisation=org,
            user=self._user(f"{p}facklig", "Frida", "Facklig"),
            role=Role.UNION_REP,
            union=kommunal,
        )
        return org

    def _load(self) -> None:
        fund, _created = Organisation.objects.get_or_create(
            slug=FUND_SLUG,
            defaults={"name": "Omställningsfonden (demo)", "kind": Organisation.Kind.FUND},
        )
        admin = self._user("fond-admin", "Astrid", "Fondadministratör")
        officer = self._user("fond-handlaggare", "Hugo", "Fondhandläggare")
        membership_grant(actor=None, organisation=fund, user=admin, role=Role.ORG_ADMIN)
        membership_grant(actor=None, organisation=fund, user=officer, role=Role.FUND_OFFICER)
        region = Organisation.objects.get(slug="region-norrsund")
        members = [region] + [
            self._municipality(spec, random.Random(spec["slug"])) for spec in MUNICIPALITIES
        ]
        for m in members:
            FundMembership.objects.get_or_create(
                fund=fund, member=m, defaults={"joined_on": date(2020, 1, 1)}
            )
        if FundRound.objects.filter(fund=fund).exists():
            self.stdout.write("Omställningsfonden (demo): already loaded, left as it is.")
            return
        a_admin = actor_for(user=admin, organisation_id=fund.pk)
        a_officer = actor_for(user=officer, organisation_id=fund.pk)
        today = timezone.localdate()
        start = date(today.year - 1, 1, 1)
        # 750 MSEK for the whole sector; scaled to these three members' share of payroll.
        r = fs.round_open(
            actor=a_admin,
            name=f"Period {start.year}–{start.year + 2}",
            start=start,
            end=date(start.year + 2, 12, 31),
            claim_deadline=date(start.year + 4, 6, 30),
            total_ore=42_000_000_00,
        )
        payroll = {region.pk: REGION_PAYROLL_KR}
        for spec, m in zip(MUNICIPALITIES, members[1:], strict=True):
            payroll[m.pk] = spec["payroll_kr"]
        for m in members:
            fs.payroll_set(
                actor=a_admin, fund_round=r, member_id=m.pk, payroll_ore=payroll[m.pk] * 100
            )
        fs.round_allocate(actor=a_admin, fund_round=r)
        r.refresh_from_db()

        coords = {
            region.pk: User.objects.get(username="region-samordnare"),
            members[1].pk: User.objects.get(username="ekby-samordnare"),
            members[2].pk: User.objects.get(username="stensjo-samordnare"),
        }

        def coord(m):
            return actor_for(user=coords[m.pk], organisation_id=m.pk)

        def notified(
            m, title, cost, groups, *, provider=ProviderKind.SUPPLIER, submit=True, ended=False
        ):
            """A notification of a running measure, or one that has ended (it can be claimed)."""
            c = coord(m)
            first, last = (
                (today - timedelta(days=150), today - timedelta(days=20))
                if ended
                else (today - timedelta(days=60), today + timedelta(days=60))
            )
            n = fs.notification_prenotify(
                actor=c,
                fund_round=r,
                title=title,
                estimated_ore=cost,
                planned_start=first,
                planned_end=last,
            )
            fs.notification_update(
                actor=c,
                notification=n,
                data=fs.NotificationInput(
                    title=title,
                    background="Verksamheten förändras: ny teknik och nya arbetssätt.",
                    need="Medarbetarna behöver ny kompetens för att klara uppdraget framåt.",
                    description="Utbildning i grupp, på arbetstid.",
                    measure_type=None,
                    provider_kind=provider,
                    provider_name="Kompetensbolaget AB"
                    if provider == ProviderKind.SUPPLIER
                    else "",
                    planned_start=first,
                    planned_end=last,
                    costs={
                        CostKind.TUITION: (cost * 8 // 10, "Kursavgift"),
                        CostKind.COORDINATION: (cost - cost * 8 // 10, "Samordning"),
                    },
                ),
            )
            fs.notification_set_participants(actor=c, notification=n, groups=groups)
            fs.notification_attach(
                actor=c, notification=n, upload=pdf("samverkan.pdf"), kind="minutes"
            )
            if submit:
                fs.notification_submit(actor=c, notification=n)
            return n

        def met(comment=""):
            return {k.pk: (True, comment) for k in criteria_for(fund_round=r, active_only=True)}

        def decide(n, outcome, *, answers=None, costs_reasonable=True, **more):
            """The officer's decision on `n`; every criterion met unless `answers` says not."""
            fs.fund_decide(
                actor=a_officer,
                notification=n,
                outcome=outcome,
                answers=answers or met(),
                costs_reasonable=costs_reasonable,
                **more,
            )

        ekby, stensjo = members[1], members[2]
        # Pre-notified only.
        fs.notification_prenotify(
            actor=coord(stensjo),
            fund_round=r,
            title="Språkombud i äldreomsorgen",
            estimated_ore=180_000_00,
            planned_start=today + timedelta(days=30),
            planned_end=today + timedelta(days=200),
        )
        # Notified, waiting for a decision.
        notified(
            region,
            "Sjukdomsklassifikation för vårdadministratörer",
            240_000_00,
            [("3344", "F", 14), ("3344", "M", 2)],
        )
        # Asked for more information.
        n = notified(
            ekby,
            "Digital dokumentation i hemtjänsten",
            320_000_00,
            [("5321", "F", 22), ("5321", "M", 4)],
        )
        decide(
            n,
            "more_info",
            costs_reasonable=False,
            reason="Bifoga offert och ange antal kurstillfällen.",
        )
        # Rejected, one criterion not met.
        n = notified(
            stensjo,
            "Introduktion för nyanställda",
            90_000_00,
            [("2343", "F", 6)],
            provider=ProviderKind.OWN_STAFF,
        )
        ans = met()
        fourth = list(criteria_for(fund_round=r, active_only=True))[3]
        ans[fourth.pk] = (False, "Introduktion är normal kompetensutveckling.")
        decide(
            n,
            "rejected",
            answers=ans,
            reason="Insatsen går inte utöver normal kompetensutveckling.",
        )
        # Approved at a lower amount.
        n = notified(
            region,
            "Vårdnära service: validering av undersköterskor",
            600_000_00,
            [("5323", "F", 30), ("5323", "M", 6)],
        )
        decide(
            n,
            "approved",
            amount_ore=500_000_00,
            reason="Samordningskostnaden är högre än rimligt; beloppet sänks.",
        )
        # Approved, claimed below the approval, paid: the rest returns to the pot.
        n = notified(
            ekby,
            "Förskollärare: språkutvecklande arbetssätt",
            260_000_00,
            [("2343", "F", 18), ("5311", "F", 9), ("5311", "M", 2)],
            ended=True,
        )
        decide(n, "approved")
        claim = fs.claim_submit(
            actor=coord(ekby),
            notification=n,
            costs={CostKind.TUITION: (180_000_00, "Faktura 2025-114")},
            internal_salary_ore=35_000_00,
            participants=[("2343", "F", 17), ("5311", "F", 9), ("5311", "M", 2)],
            invoices=[pdf("faktura.pdf")],
        )
        fs.claim_pay(actor=a_officer, claim=claim)

        def claimed(m, title, cost, groups, claim_cost):
            """Approved, ended and claimed in full for its participants, waiting for payment."""
            n = notified(m, title, cost, groups, ended=True)
            decide(n, "approved")
            fs.claim_submit(
                actor=coord(m),
                notification=n,
                costs=dict([claim_cost]),
                internal_salary_ore=0,
                participants=groups,
                invoices=[pdf("faktura.pdf")],
            )

        claimed(
            stensjo,
            "Socialsekreterare: motiverande samtal",
            120_000_00,
            [("2661", "F", 9), ("2661", "M", 3)],
            (CostKind.COACHING, (110_000_00, "Handledning")),
        )
        # The region's own (so its register of documents holds a claim it sent to the fund).
        claimed(
            region,
            "Vårdadministration: journalsystem för sekreterare",
            150_000_00,
            [("3344", "F", 10), ("3344", "M", 2)],
            (CostKind.TUITION, (120_000_00, "Faktura 2025-131")),
        )
        self.stdout.write(self.style.SUCCESS("Omställningsfonden (demo): loaded."))
