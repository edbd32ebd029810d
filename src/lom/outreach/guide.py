"""The anonymous guide "Vad kan det här betyda för mig?": a few answers -> the measure types of
this organisation's agreement that fit, in plain Swedish. Pure functions: nothing is stored here.

Scoring: a measure type gets 2 points when it serves what the person wants, 1 point when it is
the kind of activity they said suits them. Only the agreement's measure types are offered."""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GOALS = [
    ("develop", _("Utvecklas i det jobb jag har i dag")),
    ("change_role", _("Byta roll eller arbetsuppgifter hos min arbetsgivare")),
    ("change_career", _("Byta yrke eller karriär, kanske hos en annan arbetsgivare")),
    ("prepare", _("Vara förberedd på förändringar som kommer")),
    ("longer", _("Orka och utvecklas under ett längre arbetsliv")),
]
FORMS = [
    ("course", _("En kurs")),
    ("education", _("En längre utbildning eller studier")),
    ("coaching", _("Samtal, coachning eller vägledning")),
    ("work_training", _("Att prova på ett annat arbete")),
    ("unsure", _("Jag vet inte än")),
]
TENURE = [
    ("lt12", _("Mindre än ett år")),
    ("12to24", _("Ett till två år")),
    ("gt24", _("Mer än två år")),
]
YES_NO = [("yes", _("Ja")), ("no", _("Nej"))]

GOAL_TYPES: dict[str, tuple[str, ...]] = {
    "develop": ("competence_development", "education", "coaching"),
    "change_role": (
        "competence_development",
        "job_rotation",
        "work_training",
        "coaching",
        "study_counselling",
    ),
    "change_career": (
        "career_change",
        "education",
        "study_counselling",
        "career_life_planning",
        "work_training",
        "coaching",
        "individual_support",
    ),
    "prepare": (
        "career_life_planning",
        "competence_development",
        "study_counselling",
        "coaching",
    ),
    "longer": (
        "career_life_planning",
        "pension_agreement",
        "competence_development",
        "coaching",
    ),
}
FORM_TYPES: dict[str, tuple[str, ...]] = {
    "course": ("competence_development",),
    "education": ("education", "study_counselling"),
    "coaching": ("coaching", "career_life_planning", "study_counselling"),
    "work_training": ("work_training", "job_rotation"),
    "unsure": ("study_counselling", "career_life_planning", "coaching"),
}

# What each measure type can mean for one person, in plain words (the agreement's own
# description is shown as well when there is no text here).
PLAIN: dict[str, str | Promise] = {
    "competence_development": _(
        "Du går en kurs eller utbildning som gör dig redo för nya eller ändrade arbetsuppgifter. "
        "Det ska vara mer än den vanliga utbildning som behövs i jobbet i dag."
    ),
    "career_change": _(
        "Du får stöd att byta yrke eller arbetsgivare, till exempel en utbildning eller "
        "hjälp att söka nytt arbete."
    ),
    "job_rotation": _(
        "Du arbetar en tid i en annan verksamhet och lär dig nytt, och kommer sedan tillbaka."
    ),
    "career_life_planning": _(
        "Du får tid och stöd att fundera över din utveckling, vad du vill framåt och hur du "
        "orkar ett längre arbetsliv."
    ),
    "coaching": _("Du träffar en coach eller vägledare som hjälper dig att hitta din väg framåt."),
    "education": _("Du läser på högskola eller gör en annan längre utbildning."),
    "work_training": _("Du provar på ett nytt arbete eller en ny roll under en period."),
    "development_project": _(
        "En grupp eller enhet utvecklar sitt arbete inför förändringar som kommer, till "
        "exempel digitalisering."
    ),
    "pension_agreement": _(
        "Du som är senior kan gå ner i tid eller gå i pension tidigare och samtidigt lämna "
        "över din kunskap till kollegor."
    ),
    "study_counselling": _(
        "Du får prata med en studie- och yrkesvägledare om vilka utbildningar och yrken som "
        "passar dig."
    ),
    "individual_support": _(
        "Du får stöd när din anställning tar slut, om du har arbetat tillräckligt länge."
    ),
}

MAX_RESULTS = 4


@dataclass(frozen=True)
class GuideAnswers:
    goal: str = ""
    forms: tuple[str, ...] = ()
    tenure: str = ""
    part_time: str = ""
    manager: str = ""


@dataclass
class GuideResult:
    measure_type_codes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    group_options: bool = False


def recommend(
    *,
    answers: GuideAnswers,
    allowed_codes: list[str],
    allow_group: bool = False,
    allow_development_project: bool = False,
    requires_manager_endorsement: bool = False,
    allow_individual: bool = True,
    allow_with_manager: bool = True,
) -> GuideResult:
    """The agreement's measure types that fit the answers, best first, and plain notes."""
    order = {code: i for i, code in enumerate(allowed_codes)}
    scores: dict[str, int] = {}
    for code in GOAL_TYPES.get(answers.goal, ()):
        scores[code] = scores.get(code, 0) + 2
    for f in answers.forms:
        for code in FORM_TYPES.get(f, ()):
            scores[code] = scores.get(code, 0) + 1
    codes = [c for c in scores if c in order]
    if answers.goal not in ("change_career",):
        codes = [c for c in codes if c != "individual_support"]
    if answers.goal != "longer":
        codes = [c for c in codes if c != "pension_agreement"]
    codes.sort(key=lambda c: (-scores[c], order[c]))
    result = GuideResult(measure_type_codes=codes[:MAX_RESULTS])

    notes = result.notes
    if not answers.goal and not answers.forms:
        notes.append(
            str(
                _(
                    "Välj vad du vill så visar vi de insatser som passar bäst. Här är alla "
                    "insatser som avtalet tillåter."
                )
            )
        )
        result.measure_type_codes = list(allowed_codes)
    elif not result.measure_type_codes:
        notes.append(
            str(
                _(
                    "Avtalet här har ingen insats som passar just de svaren. Prata med en "
                    "kontaktperson: det kan finnas andra vägar."
                )
            )
        )
    if answers.tenure == "lt12":
        notes.append(
            str(
                _(
                    "Alla anställda omfattas, oavsett hur länge de har varit anställda eller "
                    "vilken anställningsform de har. Stöd när anställningen tar slut kräver "
                    "däremot oftast att du har arbetat minst 12 av de senaste 24 månaderna."
                )
            )
        )
    if answers.part_time == "yes":
        notes.append(
            str(
                _("Du som arbetar deltid kan också söka. Insatsen kan anpassas till din arbetstid.")
            )
        )
    if answers.manager == "yes":
        if allow_group or allow_development_project:
            result.group_options = True
            notes.append(
                str(
                    _(
                        "Som chef kan du också söka för en grupp medarbetare eller för ett "
                        "utvecklingsprojekt på din enhet."
                    )
                )
            )
        else:
            notes.append(str(_("Som chef söker du på samma sätt som andra medarbetare.")))
    elif answers.manager == "no" or answers.goal:
        if requires_manager_endorsement:
            notes.append(
                str(
                    _(
                        "Prata gärna med din chef tidigt: chefen ska tillstyrka din ansökan "
                        "innan den handläggs."
                    )
                )
            )
        elif allow_with_manager and not allow_individual:
            notes.append(str(_("Här söker du tillsammans med din chef.")))
    return result
