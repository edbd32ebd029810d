"""The core services hold every input to its bound, also when no form stands in front."""

from datetime import date

import pytest

from lom.agreements.models import MeasureType
from lom.agreements.services import agreement_save
from lom.common.errors import DomainError
from lom.funds.models import FundPeriod
from lom.funds.services import fund_period_create
from lom.organisations.models import Unit
from lom.organisations.services import employee_save, union_create, unit_create

TOO_BIG = 2**63


def test_unit_union_and_employee_texts_are_bounded(world):
    with pytest.raises(DomainError) as exc:
        unit_create(actor=None, organisation=world.org, name="U" * 201)
    assert exc.value.field == "name"
    with pytest.raises(DomainError) as exc:
        union_create(actor=None, organisation=world.org, name="F" * 201)
    assert exc.value.field == "name"
    with pytest.raises(DomainError) as exc:
        employee_save(
            actor=None,
            organisation=world.org,
            unit=world.unit_a,
            first_name="A" * 101,
            last_name="B",
            birth_year=1980,
            employment_start=date(2010, 1, 1),
            gender="x",
        )
    assert exc.value.field == "first_name"
    with pytest.raises(DomainError) as exc:
        employee_save(
            actor=None,
            organisation=world.org,
            unit=world.unit_a,
            first_name="A",
            last_name="B",
            birth_year=1980,
            employment_start=date(2010, 1, 1),
            gender="?",
        )
    assert exc.value.field == "gender"
    assert not Unit.objects.filter(name="U" * 201).exists()


def test_fund_period_amounts_are_bounded(world):
    for kwargs, field in (
        ({"method": "fixed_pot", "fixed_amount_ore": TOO_BIG}, "fixed_amount_ore"),
        ({"method": "payroll_rate", "payroll_ore": TOO_BIG}, "payroll_ore"),
        ({"method": "magic", "fixed_amount_ore": 100}, "method"),
    ):
        with pytest.raises(DomainError) as exc:
            fund_period_create(
                actor=None,
                organisation=world.org,
                name="Stor",
                start=date(2040, 1, 1),
                end=date(2040, 12, 31),
                **kwargs,
            )
        assert exc.value.field == field
    assert not FundPeriod.objects.filter(name="Stor").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"purpose_text": "x" * 10_001}, "purpose_text"),
        ({"title": "x" * 201}, "title"),
        ({"cap_per_person_ore": TOO_BIG}, "cap_per_person_ore"),
        ({"objection_days": TOO_BIG}, "objection_days"),
        ({"decision_model": "coin_toss"}, "decision_model"),
    ],
)
def test_agreement_texts_and_amounts_are_bounded(world, fields, field):
    base = {
        "title": "Nytt avtal",
        "valid_from": date(2040, 1, 1),
        "valid_to": None,
        "allow_individual": True,
    }
    with pytest.raises(DomainError) as exc:
        agreement_save(
            actor=None,
            organisation=world.org,
            unions=[],
            measure_types=list(MeasureType.objects.all()),
            **(base | fields),
        )
    assert exc.value.field == field
    assert not world.org.agreements.filter(valid_from=date(2040, 1, 1)).exists()
