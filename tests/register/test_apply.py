"""Applying a preview: one transaction, idempotent, units moved with their paths, refused when
the register changed, a dry run that writes nothing, runs kept per organisation."""

import pytest

from lom.cases.models import Case
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.organisations.models import Employee, Unit
from lom.register.models import ImportRun
from lom.register.selectors import run_file, run_get, runs_for
from lom.register.services import import_apply, import_apply_request, import_discard
from tests.factories import make_case
from tests.register.files import (
    PEOPLE,
    UNITS,
    employees_file,
    messages,
    person,
    previewed,
    units_file,
)

S = ImportRun.Status


@pytest.fixture
def applied(world, django_capture_on_commit_callbacks):
    run = previewed(django_capture_on_commit_callbacks, world, [units_file(), employees_file()])
    return import_apply(actor=world.admin, run=run)


def test_apply_writes_units_employees_and_audit(world, applied):
    assert applied.status == S.APPLIED and applied.applied_by == world.admin
    m, a, b = (Unit.objects.get(organisation=world.org, code=c) for c in "MAB")
    assert (a.parent, b.parent, m.parent) == (m, m, None)
    assert a.path == f"{m.path}{a.pk}/" and m.path == f"/{m.pk}/"
    bo = Employee.objects.get(organisation=world.org, employee_number="1003")
    assert (bo.unit, bo.gender, str(bo.employment_rate), bo.ssyk) == (b, "M", "75.50", "2423")
    assert bo.employment_form == "permanent" and bo.occupational_group == "Handläggare"
    assert a.manager == Employee.objects.get(employee_number="1002")
    event = AuditEvent.objects.get(action="register.import_apply", target_id=applied.pk)
    assert event.actor == world.admin
    files = {f["kind"]: f for f in event.after["files"]}
    assert files["employees"]["name"] == "personal.csv"
    assert files["employees"]["checksum"] == run_file(run=applied, kind="employees").checksum
    assert event.after["counts"]["employees"]["new"] == 3
    # The file applied can be downloaded again, byte for byte.
    assert bytes(run_file(run=applied, kind="units").data) == units_file().data


def test_reimporting_the_same_files_changes_nothing(
    world, applied, django_capture_on_commit_callbacks
):
    units = dict(Unit.objects.filter(organisation=world.org).values_list("pk", "path"))
    again = previewed(django_capture_on_commit_callbacks, world, [units_file(), employees_file()])
    assert again.status == S.PREVIEWED
    for kind in ("units", "employees"):
        c = again.counts[kind]
        assert (c["new"], c["changed"], c["leaving"], c["unchanged"]) == (0, 0, 0, 3)
    assert again.changes == []
    import_apply(actor=world.admin, run=again)
    assert dict(Unit.objects.filter(organisation=world.org).values_list("pk", "path")) == units


def test_a_moved_unit_takes_its_subtree_and_cases_along(
    world, applied, django_capture_on_commit_callbacks
):
    units = [*UNITS, ["A1", "Sektion A1", "A", ""]]
    import_apply(
        actor=world.admin,
        run=previewed(django_capture_on_commit_callbacks, world, [units_file(units)]),
    )
    a1 = Unit.objects.get(code="A1")
    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(unit=a1, unit_path=a1.path)
    moved = [UNITS[0], ["A", "Avdelning A", "B", "1002"], UNITS[2], ["A1", "Sektion A1", "A", ""]]
    run = previewed(django_capture_on_commit_callbacks, world, [units_file(moved)])
    assert run.status == S.PREVIEWED, run.errors
    import_apply(actor=world.admin, run=run)
    m, a, b, a1 = (Unit.objects.get(code=c) for c in ("M", "A", "B", "A1"))
    assert a.path == f"/{m.pk}/{b.pk}/{a.pk}/"
    assert a1.path == f"/{m.pk}/{b.pk}/{a.pk}/{a1.pk}/"
    assert Case.objects.get(pk=case.pk).unit_path == a1.path


def test_a_unit_under_itself_is_refused(world, applied, django_capture_on_commit_callbacks):
    paths = dict(Unit.objects.filter(organisation=world.org).values_list("pk", "path"))
    cycle = [UNITS[0], ["A", "Avdelning A", "A2", ""], ["A2", "Grupp", "A", ""]]
    run = previewed(django_capture_on_commit_callbacks, world, [units_file(cycle)])
    assert run.status == S.INVALID
    found = {(line, message) for _k, line, _c, message in messages(run)}
    assert (3, "Enheten A hamnar under sig själv (A → A2 → A).") in found
    assert (4, "Enheten A2 hamnar under sig själv (A2 → A → A2).") in found
    own = previewed(django_capture_on_commit_callbacks, world, [units_file([["B", "B", "B", ""]])])
    assert messages(own) == [
        ("units", 2, "Överordnad enhet", "Enheten B hamnar under sig själv (B → B).")
    ]
    with pytest.raises(DomainError):
        import_apply(actor=world.admin, run=run)
    assert dict(Unit.objects.filter(organisation=world.org).values_list("pk", "path")) == paths


def test_a_stale_preview_is_refused_and_nothing_written(
    world, applied, django_capture_on_commit_callbacks
):
    people = [*PEOPLE, person("1004", "Cay", "Cederberg", "B")]
    run = previewed(django_capture_on_commit_callbacks, world, [employees_file(people)])
    assert run.counts["employees"]["new"] == 1
    # Someone else adds the employee before this preview is applied.
    first = previewed(django_capture_on_commit_callbacks, world, [employees_file(people)])
    import_apply(actor=world.admin, run=first)
    with pytest.raises(DomainError, match="Registret har ändrats sedan förhandsgranskningen"):
        import_apply(actor=world.admin, run=run)
    run.refresh_from_db()
    assert run.status == S.PREVIEWED
    assert Employee.objects.filter(employee_number="1004").count() == 1


def test_dry_run_writes_nothing_and_returns_the_counts(
    world, applied, django_capture_on_commit_callbacks
):
    people = [*PEOPLE[:2], person("1004", "Cay", "Cederberg", "B")]
    run = previewed(django_capture_on_commit_callbacks, world, [employees_file(people)])
    result = import_apply(actor=world.admin, run=run, dry_run=True)
    assert (result.counts["employees"]["new"], result.counts["employees"]["leaving"]) == (1, 1)
    assert not Employee.objects.filter(employee_number="1004").exists()
    assert Employee.objects.get(employee_number="1003").active
    run.refresh_from_db()
    assert run.status == S.PREVIEWED and run.applied_at is None
    assert not AuditEvent.objects.filter(action="register.import_apply", target_id=run.pk).exists()


def test_apply_request_applies_in_the_background(world, django_capture_on_commit_callbacks):
    run = previewed(django_capture_on_commit_callbacks, world, [units_file(), employees_file()])
    with django_capture_on_commit_callbacks(execute=True):
        marked = import_apply_request(actor=world.admin, run=run)
    assert marked.status == S.APPLYING
    run.refresh_from_db()
    assert run.status == S.APPLIED
    assert Employee.objects.filter(organisation=world.org, employee_number="1001").exists()


def test_background_apply_of_a_stale_preview_goes_back_with_the_reason(
    world, applied, django_capture_on_commit_callbacks
):
    people = [*PEOPLE, person("1004", "Cay", "Cederberg", "B")]
    run = previewed(django_capture_on_commit_callbacks, world, [employees_file(people)])
    import_apply(
        actor=world.admin,
        run=previewed(django_capture_on_commit_callbacks, world, [employees_file(people)]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_apply_request(actor=world.admin, run=run)
    run.refresh_from_db()
    assert run.status == S.PREVIEWED
    assert run.message.startswith("Registret har ändrats")


def test_an_invalid_or_discarded_run_cannot_be_applied(world, django_capture_on_commit_callbacks):
    bad = previewed(django_capture_on_commit_callbacks, world, [units_file([["", "X", "", ""]])])
    assert bad.status == S.INVALID
    with pytest.raises(DomainError):
        import_apply(actor=world.admin, run=bad)
    run = previewed(django_capture_on_commit_callbacks, world, [units_file()])
    assert import_discard(actor=world.admin, run=run).status == S.DISCARDED
    with pytest.raises(DomainError):
        import_apply(actor=world.admin, run=run)
    assert not Unit.objects.filter(organisation=world.org, code="M").exists()


def test_another_organisations_run_is_invisible(
    world, other_world, django_capture_on_commit_callbacks
):
    run = previewed(django_capture_on_commit_callbacks, world, [units_file()])
    assert list(runs_for(organisation=world.org)) == [run]
    assert list(runs_for(organisation=other_world.org)) == []
    with pytest.raises(ImportRun.DoesNotExist):
        run_get(organisation=other_world.org, pk=run.pk)
    assert run_get(organisation=world.org, pk=run.pk) == run
