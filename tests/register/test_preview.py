"""The preview: counts, field-by-field changes, and nothing written before the apply."""

from lom.organisations.models import Employee, Unit
from lom.register.models import ImportRun
from lom.register.selectors import mapping_for
from lom.register.services import import_apply
from tests.register.files import (
    PEOPLE,
    UNITS,
    employees_file,
    person,
    previewed,
    units_file,
)

S = ImportRun.Status


def _apply(world, run):
    return import_apply(actor=world.admin, run=run)


def test_preview_counts_new_units_and_employees_and_writes_nothing(
    world, django_capture_on_commit_callbacks
):
    units_before, people_before = Unit.objects.count(), Employee.objects.count()
    run = previewed(django_capture_on_commit_callbacks, world, [units_file(), employees_file()])
    assert run.status == S.PREVIEWED, run.errors
    assert run.progress == 100 and run.total_rows == 6
    assert run.counts["units"]["new"] == 3
    assert run.counts["employees"]["new"] == 3
    assert run.counts["employees"]["leaving"] == 0  # hand-made employees have no number
    assert run.error_count == 0
    assert (Unit.objects.count(), Employee.objects.count()) == (units_before, people_before)
    bo = next(c for c in run.changes if c["key"] == "1003")
    assert bo["change"] == "new" and bo["label"] == "Bo Berg"
    assert bo["fields"]["employment_rate"] == [None, "75.50"]
    assert bo["fields"]["gender"] == [None, "M"]
    # The mapping suggested from the headers is the run's; nothing was saved for the org.
    assert run.files.get(kind="employees").columns["employee_number"] == "Anst.nr"
    assert mapping_for(organisation=world.org, kind="employees") == {}


def test_preview_shows_each_changed_field_before_and_after(
    world, django_capture_on_commit_callbacks
):
    first = previewed(django_capture_on_commit_callbacks, world, [units_file(), employees_file()])
    _apply(world, first)
    people = [
        PEOPLE[0],
        person("1002", "Ada", "Avdelningschef", "B", **{"Kön": "Kvinna", "Syss.grad": "80"}),
        PEOPLE[2],
    ]
    units = [UNITS[0], ["A", "Avdelning Alfa", "M", "1002"], UNITS[2]]
    run = previewed(
        django_capture_on_commit_callbacks, world, [units_file(units), employees_file(people)]
    )
    assert run.status == S.PREVIEWED, run.errors
    assert run.counts["units"] | {"ignored": []} == {
        "new": 0,
        "changed": 1,
        "leaving": 0,
        "unchanged": 2,
        "errors": 0,
        "rows": 3,
        "ignored": [],
    }
    assert run.counts["employees"]["changed"] == 1
    assert run.counts["employees"]["unchanged"] == 2
    ada = next(c for c in run.changes if c["kind"] == "employees")
    assert ada["fields"] == {"employment_rate": ["100.00", "80.00"], "unit_code": ["A", "B"]}
    unit = next(c for c in run.changes if c["kind"] == "units")
    assert unit["fields"] == {"name": ["Avdelning A", "Avdelning Alfa"]}
    assert Employee.objects.get(employee_number="1002").unit.code == "A"


def test_columns_nobody_maps_are_listed_as_ignored(world, django_capture_on_commit_callbacks):
    header = ["Anst.nr", "Förnamn", "Efternamn", "Enhet", "Födelseår", "Kön"]
    header += ["Anst.datum", "Skostorlek"]
    row = ["1", "Ida", "Ek", "X", "1990", "K", "2020-01-01", "42"]
    run = previewed(
        django_capture_on_commit_callbacks,
        world,
        [units_file([["X", "Enhet X", "", ""]]), employees_file([row], header=header)],
    )
    assert run.status == S.PREVIEWED, run.errors
    assert run.counts["employees"]["ignored"] == ["Skostorlek"]
