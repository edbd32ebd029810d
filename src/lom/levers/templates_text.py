"""The message templates a campaign starts from, per lever, in Swedish and English. The
coordinator edits the text; it goes out as written (the greeting, the link and the opt-out
around it are in each recipient's language)."""

from lom.levers.models import Kind, Lever

Template = tuple[str, str]  # subject, body

TEMPLATES: dict[str, dict[str, Template]] = {
    "": {
        "sv": (
            "Omställningsmedel: pengar för din utveckling",
            "Visste du att du kan söka pengar för att utvecklas i ditt arbete eller inför nästa "
            "steg? Det kan vara en kurs, en utbildning eller vägledning. Läs mer och se hur du "
            "ansöker.",
        ),
        "en": (
            "Transition funds: money for your development",
            "Did you know you can apply for money to develop in your job or towards your next "
            "step? A course, an education or career guidance. Read more and see how to apply.",
        ),
    },
    Lever.UNDER_REACHED: {
        "sv": (
            "Omställningsmedlen är till för dig också",
            "Hittills har få i din grupp sökt omställningsmedel, fast medlen är till för alla "
            "medarbetare. Du kan söka för en kurs, en utbildning, vägledning eller ett "
            "studiebesök. Läs mer om vad medlen betalar och hur du ansöker.",
        ),
        "en": (
            "The transition funds are for you too",
            "So far few in your group have applied for transition funds, yet the funds are for "
            "every employee. You can apply for a course, an education, career guidance or a "
            "study visit. Read more about what the funds pay for and how to apply.",
        ),
    },
    Lever.SILENT_UNITS: {
        "sv": (
            "Ta upp omställningsmedlen på nästa arbetsplatsträff",
            "Ingen på din enhet har sökt omställningsmedel det senaste året. Här är ett kort "
            "underlag: vad medlen betalar, exempel från andra som passar era yrkesgrupper och "
            "en sida att visa på arbetsplatsträffen.",
        ),
        "en": (
            "Bring up the transition funds at your next workplace meeting",
            "Nobody in your unit has applied for transition funds in the last year. Here is a "
            "short kit: what the funds pay for, examples from others that fit your occupational "
            "groups and a page to show at the workplace meeting.",
        ),
    },
    Lever.UNPLANNED: {
        "sv": (
            "Det finns pengar kvar för kompetensutveckling i år",
            "Det finns omställningsmedel kvar i år som ännu inte är planerade. Har du en idé "
            "om en kurs, en utbildning eller något annat som gör dig starkare inför framtiden? "
            "Läs mer och ansök.",
        ),
        "en": (
            "There is money left for development this year",
            "There are transition funds left this year that are not yet planned. Do you have "
            "an idea for a course, an education or something else that makes you stronger for "
            "the future? Read more and apply.",
        ),
    },
    Lever.GROUP_MEASURES: {
        "sv": (
            "En gemensam insats för er grupp",
            "Andra organisationer har använt omställningsmedel till gemensamma insatser för "
            "grupper som er. Prata med din chef om en gruppinsats, eller läs mer och ansök "
            "själv.",
        ),
        "en": (
            "A joint measure for your group",
            "Other organisations have used transition funds for joint measures for groups like "
            "yours. Talk to your manager about a group measure, or read more and apply "
            "yourself.",
        ),
    },
}
LANGUAGES = ("sv", "en")


def template_for(*, lever: str, kind: str, language: str) -> Template:  # pure: a lookup
    key = Lever.SILENT_UNITS if kind == Kind.NUDGE else lever
    texts = TEMPLATES.get(key) or TEMPLATES[""]
    return texts.get(language) or texts["sv"]
