"""Planning for the demo organisations (run after load_demo, and after load_demo_followup).

For each demo organisation: one finished transition workshop (cards, areas, needs, proposals,
closing words; locked, with its PDF), a transition plan built from it and from the
competence-supply analysis, approved by the employer and every union party of the local
agreement, and the demo's submitted applications linked to needs of that plan (one is left
with an explanation instead, so the coordinator's flag shows). Idempotent: an organisation
that already has the demo workshop is left as it is."""

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.text import slugify

from lom.accounts.models import User
from lom.agreements.models import MeasureType
from lom.agreements.selectors import agreement_current
from lom.cases.models import Case, Status
from lom.funds.selectors import fund_period_current
from lom.organisations.access import actor_for
from lom.organisations.models import Membership, Organisation, Role
from lom.organisations.services import membership_grant
from lom.planning import services
from lom.planning.models import Need, Step, Workshop

DEMO_PASSWORD = "demo"  # noqa: S105 - demo logins, listed in README
WORKSHOP_TITLE = "Omställningsworkshop: vart är vi på väg?"

# Who writes what: c = coordinator, d = decision maker, m = manager, u = union rep,
# e = employee, u2/u3 = representatives of the other unions.
AGENCY = {
    "place": "Konferensrum Vågen",
    "areas": [
        "Digitalisering och AI",
        "Politiska beslut och nya uppdrag",
        "Samhällsstörningar och beredskap",
        "Kompetensförsörjning och rörlighet",
    ],
    "cards": [
        ("m", "AI-stöd i handläggningen", 0),
        ("u", "Automatiserade beslut i enklare ärenden", 0),
        ("e", "Medborgarna vill sköta allt digitalt", 0),
        ("c", "Ökade krav på informationssäkerhet", 0),
        ("d", "Regeringsuppdrag om samordnad tillsyn", 1),
        ("u2", "Sammanslagning av myndigheter diskuteras", 1),
        ("e", "Nya EU-regler för vår tillsyn", 1),
        ("u", "Långa elavbrott", 2),
        ("m", "Bränder och översvämningar i regionen", 2),
        ("d", "Höjd beredskap och civilt försvar", 2),
        ("c", "Många går i pension de närmaste fem åren", 3),
        ("u3", "Hög personalomsättning bland handläggare", 3),
        ("e", "Svårt att se karriärvägar inom myndigheten", 3),
        ("u2", "Migration ändrar vilka vi möter", None),
    ],
    "needs": [
        (
            0,
            "c",
            "Digitaliseringen ger både nya krav på säkerhet internt och nya önskemål "
            "från dem vi granskar.",
            "Informationssäkerhet för alla medarbetare",
            4,
            5,
        ),
        (
            0,
            "m",
            "Handläggare behöver kunna arbeta med AI-stöd och granska automatiska underlag.",
            "Digital och analytisk kompetens i handläggningen",
            4,
            4,
        ),
        (
            1,
            "d",
            "Ärendeprocessen måste ses över när uppdraget ändras.",
            "Förmåga att leda och genomföra processförändringar",
            3,
            4,
        ),
        (
            2,
            "u",
            "Vi måste kunna bedriva tillsyn även vid kris och störningar.",
            "Krisberedskap och kontinuitetsplanering",
            3,
            3,
        ),
        (
            3,
            "u3",
            "Kunskapen som går i pension måste föras vidare.",
            "Kunskapsöverföring från seniora medarbetare",
            5,
            4,
        ),
        (
            3,
            "e",
            "Utan synliga karriärvägar lämnar erfarna handläggare.",
            "Karriärvägar och intern rörlighet",
            4,
            3,
        ),
    ],
    "proposals": [
        (
            "c",
            "Säkerhetsutbildning för alla medarbetare",
            "Webbutbildning och workshoppar per avdelning.",
            [0],
            180_000,
            "Alla medarbetare",
            "competence_development",
        ),
        (
            "m",
            "Dataanalys och AI för handläggare",
            "Kurs på deltid med egna ärenden som övningsmaterial.",
            [1],
            240_000,
            "Handläggare",
            "competence_development",
        ),
        (
            "d",
            "Projekt: se över hur vi bereder ett ärende",
            "Processgenomgång med alla avdelningar inför det nya uppdraget.",
            [2, 1],
            350_000,
            "Chefer och handläggare",
            "development_project",
        ),
        (
            "u",
            "Mentorprogram och växeltjänstgöring",
            "Seniora medarbetare lär upp yngre; växeltjänstgöring mellan avdelningar.",
            [4, 5],
            160_000,
            "Seniora och nyanställda",
            "job_rotation",
        ),
        (
            "u2",
            "Beredskapsövning med kontinuitetsplan",
            "Övning för tillsyn under störningar.",
            [3],
            90_000,
            "Tillsynsavdelningen",
            "development_project",
        ),
    ],
    "closing": {
        "c": "Det är nyttigt att höja blicken tillsammans innan vi pratar om enskilda kurser.",
        "d": "Vi har fler behov än vi trodde – nu vet vi vilka som är viktigast.",
        "m": "Jag tar med mig att koppla varje ansökan från min enhet till ett behov.",
        "u": "Är vi överens om behoven kan medlen göra stor skillnad för medarbetarna.",
        "e": "Bra att vi medarbetare fick vara med från början.",
        "u2": "Beredskapen måste in i planen, inte bara digitaliseringen.",
        "u3": "Karriärvägarna är en omställningsfråga – den ska vi följa upp.",
    },
    "extra_measures": [
        (
            1,
            "Förändringsledning för chefer",
            "Förmåga att leda och genomföra processförändringar",
            150_000,
            "competence_development",
        ),
        (
            3,
            "Karriärcoachning och interna karriärvägar",
            "Karriärvägar och intern rörlighet",
            300_000,
            "coaching",
        ),
        (
            3,
            "Studier inför karriärväxling",
            "Karriärvägar och intern rörlighet",
            200_000,
            "education",
        ),
    ],
    "supply_need": (
        3,
        "Rekrytering och introduktion av handläggare",
        "Kompetensförsörjningsanalysen visar att var femte handläggare går i pension inom fem år.",
    ),
    "case_needs": {
        "dataanalys": 1,
        "informationssäkerhet": 0,
        "förändringsledning": 2,
        "karriär": 5,
        "växeltjänstgöring": 4,
        "seniorer": 4,
        "sjukdomsklassifikation": 1,
    },
}

REGION = {
    "place": "Regionens hus, sal 2 och digitalt",
    "areas": [
        "Digital vård och AI",
        "Politiska beslut och ny vårdstruktur",
        "Klimat, kris och beredskap",
        "Kompetensförsörjning i vården",
    ],
    "cards": [
        ("m", "Digitala vårdmöten ersätter besök", 0),
        ("u", "AI-stöd i diagnostik och journalföring", 0),
        ("e", "Patienterna vill boka och följa sin vård själva", 0),
        ("d", "God och nära vård flyttar vård till primärvården", 1),
        ("c", "Regionens budget stramas åt", 1),
        ("u2", "Värmeböljor belastar akuten", 2),
        ("m", "Elavbrott och it-störningar i vården", 2),
        ("e", "Pandemiberedskap", 2),
        ("u3", "Brist på undersköterskor och specialistsjuksköterskor", 3),
        ("c", "Många medarbetare över 60 år i kost och lokalvård", 3),
        ("u", "Fler medarbetare med utländsk utbildning", 3),
        ("d", "Urbanisering: svårt att rekrytera i inlandet", None),
    ],
    "needs": [
        (
            0,
            "m",
            "Medarbetare behöver arbeta säkert i digitala vårdmöten och nya system.",
            "Digital kompetens i vårdens vardag",
            5,
            4,
        ),
        (
            1,
            "d",
            "Uppgifter flyttar mellan sjukhus och primärvård.",
            "Omställning till nya roller i nära vård",
            4,
            4,
        ),
        (2, "u2", "Verksamheten måste fungera vid störningar.", "Beredskap och kontinuitet", 3, 4),
        (
            3,
            "u3",
            "Vi behöver fler som kan gå vidare till bristyrken.",
            "Vidareutbildning till bristyrken",
            5,
            5,
        ),
        (
            3,
            "c",
            "Seniora medarbetare i service behöver ett hållbart arbetsliv.",
            "Längre och hållbart arbetsliv",
            3,
            3,
        ),
    ],
    "proposals": [
        (
            "m",
            "Utbildning i digitala vårdmöten",
            "Praktisk utbildning för alla vårdenheter.",
            [0],
            200_000,
            "Vårdpersonal",
            "competence_development",
        ),
        (
            "u3",
            "Undersköterska till specialistundersköterska",
            "Studier på deltid med bibehållen lön.",
            [3],
            600_000,
            "Undersköterskor",
            "education",
        ),
        (
            "d",
            "Växeltjänstgöring sjukhus–primärvård",
            "Rotation i sex månader.",
            [1],
            250_000,
            "Sjuksköterskor",
            "job_rotation",
        ),
        (
            "c",
            "Karriär- och livsplanering 60+",
            "Samtal och planering för ett längre arbetsliv.",
            [4],
            120_000,
            "Medarbetare över 60 i service",
            "career_life_planning",
        ),
    ],
    "closing": {
        "c": "Vi behöver se omställningsmedlen som en del av kompetensförsörjningen.",
        "d": "Nu har vi en gemensam bild av vad nära vård kräver av oss.",
        "m": "Jag ska prata med min grupp om vilka förslag som passar oss.",
        "u": "Viktigt att fackens frågor kom med från början.",
        "e": "Jag visste inte att medlen fanns – nu vet jag.",
        "u2": "Beredskap är också kompetens.",
        "u3": "Bristyrkena måste prioriteras i planen.",
    },
    "extra_measures": [
        (
            2,
            "Beredskapsutbildning för vårdenheter",
            "Beredskap och kontinuitet",
            80_000,
            "competence_development",
        ),
        (
            3,
            "Karriärcoachning för medarbetare i service",
            "Längre och hållbart arbetsliv",
            150_000,
            "coaching",
        ),
    ],
    "supply_need": (
        3,
        "Handledarkompetens för studenter och nyanställda",
        "Kompetensförsörjningsanalysen pekar på brist på handledare.",
    ),
    "case_needs": {
        "dataanalys": 0,
        "informationssäkerhet": 2,
        "förändringsledning": 1,
        "karriär": 4,
        "växeltjänstgöring": 1,
        "seniorer": 4,
        "sjukdomsklassifikation": 3,
    },
}

DEMO = [("tillsynsverket", "", AGENCY), ("region-norrsund", "region-", REGION)]


class Command(BaseCommand):
    help = (
        "Load a finished transition workshop and an approved transition plan per demo organisation."
    )

    def handle(self, *args, **options):
        for slug, prefix, content in DEMO:
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                self.stdout.write(f"{slug}: not loaded (run load_demo first).")
                continue
            if Workshop.objects.filter(organisation=org, title=WORKSHOP_TITLE).exists():
                self.stdout.write(f"{org.name}: planning already loaded, left as it is.")
                continue
            # Each step is its own service transaction; the demo workshop is created first,
            # so a second run finds it and leaves the organisation as it is.
            linked = self._load(org, prefix, content)
            self.stdout.write(
                self.style.SUCCESS(f"{org.name}: workshop, plan and {linked} linked cases loaded.")
            )

    def _user(self, username: str, first: str, last: str) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.password = make_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _people(self, org, prefix):
        people = {
            "c": f"{prefix}samordnare",
            "d": f"{prefix}beslutsfattare",
            "m": f"{prefix}chef",
            "u": f"{prefix}facklig",
            "e": f"{prefix}medarbetare",
        }
        out = {k: User.objects.get(username=v) for k, v in people.items()}
        # Every union party of the agreement approves the plan: give each one a representative.
        agreement = agreement_current(organisation=org, on=timezone.localdate())
        extra = 2
        for union in agreement.unions.all() if agreement else []:
            username = f"{prefix}facklig-{slugify(union.name)}"
            if (
                Membership.objects.filter(organisation=org, role=Role.UNION_REP, union=union)
                .exclude(user__username=username)
                .exists()
            ):
                continue
            user = self._user(username, "Facklig", union.name.replace("/", " "))
            membership_grant(
                actor=None, organisation=org, user=user, role=Role.UNION_REP, union=union
            )
            out[f"u{extra}"] = user
            extra += 1
        return out, agreement

    def _load(self, org, prefix, content) -> int:
        people, agreement = self._people(org, prefix)
        actors = {k: actor_for(user=u, organisation_id=org.pk) for k, u in people.items()}
        coord = actors["c"]
        today = timezone.localdate()
        ws = services.workshop_create(
            actor=coord,
            title=WORKSHOP_TITLE,
            held_on=today - timedelta(days=75),
            place=content["place"],
            participant_ids=[u.pk for k, u in people.items() if k != "c"],
        )

        def who(key):
            return actors.get(key) or coord

        cards = [
            (services.card_add(actor=who(a), workshop=ws, text=t), i)
            for a, t, i in content["cards"]
        ]
        services.workshop_set_step(actor=coord, workshop=ws, step=Step.SORT)
        areas = [services.area_add(actor=coord, workshop=ws, name=n) for n in content["areas"]]
        for card, i in cards:
            if i is not None:
                services.card_move(actor=who("e"), workshop=ws, card=card, area=areas[i])
        services.workshop_set_step(actor=coord, workshop=ws, step=Step.IMPACT)
        needs = [
            services.need_add(
                actor=who(a),
                workshop=ws,
                area=areas[i],
                consequence=cons,
                competence_need=need,
                likelihood=lik,
                impact=imp,
            )
            for i, a, cons, need, lik, imp in content["needs"]
        ]
        services.workshop_set_step(actor=coord, workshop=ws, step=Step.PROPOSALS)
        types = {m.code: m for m in MeasureType.objects.all()}
        for a, title, desc, need_idx, kr, group, code in content["proposals"]:
            services.proposal_add(
                actor=who(a),
                workshop=ws,
                title=title,
                description=desc,
                need_ids=[needs[i].pk for i in need_idx],
                cost_ore=kr * 100,
                target_group=group,
                measure_type=types.get(code),
            )
        services.workshop_set_step(actor=coord, workshop=ws, step=Step.CLOSING)
        for key, text in content["closing"].items():
            if key in actors:
                services.closing_word_save(actor=actors[key], workshop=ws, text=text)
        ws = services.workshop_lock(actor=coord, workshop=ws)

        # The plan: the workshop plus the competence-supply analysis, approved by all parties.
        period = fund_period_current(organisation=org, on=today)
        start = period.start if period else date(today.year, 1, 1)
        end = max(period.end if period else today, date(today.year + 1, 12, 31))
        plan = services.plan_create(
            actor=coord,
            title=f"Omställningsplan {start.year}–{end.year}",
            period_start=start,
            period_end=end,
            fund_period=period,
            analyses=f"Kompetensförsörjningsanalys {today.year - 1} (görs vartannat år); "
            "verksamhetsplanen.",
            workshop=ws,
        )
        plan_areas = list(plan.areas.order_by("order", "id"))
        area_i, title, desc = content["supply_need"]
        area = next((a for a in plan_areas if a.name == content["areas"][area_i]), plan_areas[0])
        services.plan_need_save(
            actor=coord,
            plan=plan,
            data=services.NeedInput(
                area_id=area.pk,
                title=title,
                description=desc,
                priority=Need.Priority.HIGH,
                source=Need.Source.COMPETENCE_SUPPLY,
            ),
        )
        services.plan_measure_save(
            actor=coord,
            plan=plan,
            data=services.MeasureInput(
                area_id=area.pk,
                title="Karriärdagar för alla medarbetare",
                budget_ore=60_000_00,
                target_group="Alla medarbetare",
                measure_type_id=types["career_life_planning"].pk
                if "career_life_planning" in types
                else None,
                need_ids=[],
            ),
        )
        # Budgets for what the workshop proposed nothing for yet.
        plan_needs_by_title = {n.title: n for n in plan.needs.all()}
        for area_i, title, need_title, kr, code in content["extra_measures"]:
            area = next(a for a in plan_areas if a.name == content["areas"][area_i])
            services.plan_measure_save(
                actor=coord,
                plan=plan,
                data=services.MeasureInput(
                    area_id=area.pk,
                    title=title,
                    budget_ore=kr * 100,
                    measure_type_id=types[code].pk if code in types else None,
                    need_ids=[plan_needs_by_title[need_title].pk],
                ),
            )
        services.plan_approve(actor=coord, plan=plan, union=None)
        for union in agreement.unions.all() if agreement else []:
            rep = Membership.objects.filter(
                organisation=org, role=Role.UNION_REP, union=union
            ).first()
            rep_actor = actor_for(user=rep.user, organisation_id=org.pk)
            services.plan_approve(actor=rep_actor, plan=plan, union=union)

        # The demo's applications point to needs of the plan (set directly: they were
        # submitted before the plan existed). One keeps an explanation instead.
        by_workshop_need = {
            n.source_workshop_need_id: n
            for n in plan.needs.filter(source_workshop_need__isnull=False)
        }
        plan_needs = [by_workshop_need[n.pk] for n in needs]
        cases = list(
            Case.objects.filter(organisation=org, need__isnull=True)
            .exclude(status=Status.DRAFT)
            .order_by("id")
        )
        explained = next(
            (c for c in cases if c.status in (Status.SUBMITTED, Status.IN_REVIEW)), None
        )
        linked = 0
        for case in cases:
            if case is explained:
                Case.objects.filter(pk=case.pk).update(
                    need_explanation="Insatsen gäller ett nytt ärendesystem som beslutades "
                    "efter workshoppen; behovet finns därför inte i planen ännu."
                )
                continue
            title = case.title.lower()
            idx = next((i for k, i in content["case_needs"].items() if k in title), 0)
            Case.objects.filter(pk=case.pk).update(need=plan_needs[min(idx, len(plan_needs) - 1)])
            linked += 1
        return linked
