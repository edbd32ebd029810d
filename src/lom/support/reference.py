"""Default thresholds of the basic condition per year.

The one value from a public source: a minimum monthly income of 18 575 kr in one year's rule
(Omställningsfonden, KOM-KL), with 12 of 24 months and 16 hours a week. The other years carry
the same values marked as not confirmed: an administrator of the fund confirms or changes them
(page "Grundvillkor per år", or Django admin)."""

from decimal import Decimal

KNOWN_YEAR = 2023
KNOWN_INCOME_ORE = 18_575_00
DEFAULT_YEARS = range(2022, 2028)
SOURCE_KNOWN = "Omställningsfonden (KOM-KL), grundvillkor"
SOURCE_ASSUMED = "Antaget: samma som 2023, behöver bekräftas"


def default_rules() -> list[dict]:
    return [
        {
            "year": year,
            "months_required": 12,
            "window_months": 24,
            "min_hours_per_week": Decimal(16),
            "min_monthly_income_ore": KNOWN_INCOME_ORE,
            "confirmed": year == KNOWN_YEAR,
            "source": SOURCE_KNOWN if year == KNOWN_YEAR else SOURCE_ASSUMED,
        }
        for year in DEFAULT_YEARS
    ]


def ensure_default_rules(model) -> int:
    """Create the missing default rows; never overwrite a row someone has edited."""
    created = 0
    for row in default_rules():
        _obj, was_created = model.objects.get_or_create(year=row["year"], defaults=row)
        created += was_created
    return created
