"""Reference data every installation starts with (loaded by a data migration)."""

MEASURE_TYPES = [
    (
        "competence_development",
        "Kompetensutveckling",
        "Utbildning och utveckling som förbereder för nya eller förändrade arbetsuppgifter.",
    ),
    ("career_change", "Karriärväxling", "Stöd för att byta yrke eller arbetsgivare."),
    (
        "job_rotation",
        "Växeltjänstgöring",
        "Tillfälligt arbete i en annan verksamhet för att bredda kompetensen.",
    ),
    (
        "career_life_planning",
        "Karriär- och livsplanering",
        "Samtal och aktiviteter om den egna utvecklingen och ett längre arbetsliv.",
    ),
    ("coaching", "Coachning", "Individuell coachning eller vägledning."),
    ("education", "Studier", "Högskolestudier eller annan längre utbildning."),
    ("work_training", "Arbetsträning", "Praktik eller arbetsträning i en ny roll."),
    (
        "development_project",
        "Utvecklingsprojekt",
        "Projekt inför förändringar i samhället, t.ex. digitalisering.",
    ),
    (
        "pension_agreement",
        "Avtalspension",
        "Pensionslösning för seniora medarbetare som lämnar "
        "över sin kompetens (delvis finansierad av ordinarie budget).",
    ),
    (
        "study_counselling",
        "Karriär- och studierådgivning",
        "Rådgivning med coach om studier och yrkesval.",
    ),
    (
        "individual_support",
        "Individuellt stöd vid anställningens slut",
        "Stöd när anställningen upphör och grundvillkoret är uppfyllt.",
    ),
]

# The sectors (Organisation.Kind values) a measure type belongs to; a type not named here is
# offered in every sector. Avtalspension (an extra pension provision for senior staff who hand
# over their competence) is a tool of the state sector's agreement on local transition funds;
# regions and municipalities have no such type under their transition agreement.
MEASURE_TYPE_SECTORS: dict[str, list[str]] = {
    "pension_agreement": ["agency"],
}

CONTRIBUTION_RATES = [
    ("Avtal om lokala omställningsmedel (staten) 2015", "0.300", "2015-01-01", "2023-12-31"),
    ("Avtal om lokala omställningsmedel (staten) 2024", "0.200", "2024-01-01", None),
]


def ensure_reference_data(measure_type_model, rate_model) -> None:
    """Idempotent: used by the data migration (with historical models) and by tests that run
    after a transactional test has flushed the tables."""
    for i, (code, name, description) in enumerate(MEASURE_TYPES):
        measure_type_model.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": i}
        )
    if any(f.name == "sectors" for f in measure_type_model._meta.get_fields()):
        ensure_measure_type_sectors(measure_type_model)
    for name, percent, valid_from, valid_to in CONTRIBUTION_RATES:
        rate_model.objects.get_or_create(
            name=name, defaults={"percent": percent, "valid_from": valid_from, "valid_to": valid_to}
        )


def ensure_measure_type_sectors(measure_type_model) -> None:
    """Idempotent: the sectors of the reference measure types (MEASURE_TYPE_SECTORS)."""
    for code, _name, _description in MEASURE_TYPES:
        measure_type_model.objects.filter(code=code).update(
            sectors=MEASURE_TYPE_SECTORS.get(code, [])
        )
