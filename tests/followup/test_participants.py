"""Every participant heard: the coordinator lists the participants of a group measure from the
staff register (page and API), each gets the survey (in the app and by an e-mail reminder),
and their answers stay apart from who they are."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case
from lom.common.models import AuditEvent
from lom.followup import services
from lom.followup.models import SurveyInvitation, SurveyResponse
from lom.followup.selectors import survey_response_rates
from lom.organisations.models import Employee, Role
from lom.organisations.services import employee_save, membership_grant
from lom.reports.figures import year_bounds
from tests.api_client import error_field, token_caller
from tests.factories import UserFactory, approve
from tests.followup.test_followup import SURVEY, client_for
from tests.reporting import new_case

pytestmark = pytest.mark.django_db

BASE = "/api/v1/followup"


def staff(world, n: int, *, unit=None, prefix: str = "Deltagare") -> list[Employee]:
    """`n` employees of the world's organisation with accounts, as the register imports them."""
    out = []
    for i in range(n):
        user = UserFactory(username=f"{world.org.slug}-{prefix.lower()}-{i}")
        emp = employee_save(
            actor=None,
            organisation=world.org,
            unit=unit or world.unit_b,
            first_name=f"{prefix}{i}",
            last_name="Grupp",
            email=f"{user.username}@example.org",
            occupational_group="Handläggare",
            employment_start=date(2016, 1, 1),
            employment_form="permanent",
            birth_year=1975,
            gender="M",
            active=True,
        )
        emp.user = user
        emp.save(update_fields=["user"])
        membership_grant(actor=None, organisation=world.org, user=user, role=Role.EMPLOYEE)
        out.append(emp)
    return out


def group_case(world, *, participants: int = 6) -> Case:
    case = new_case(
        world,
        world.manager,
        title="Gruppkurs i analys",
        amount_ore=30_000_00,
        kind=ApplicationKind.GROUP,
        participants=participants,
    )
    return approve(world, case)


def complete(world, case: Case, *, days_ago: int = 0) -> Case:
    case = case_services.case_transition(
        actor=world.actor(world.coordinator), case=case, name="complete"
    )
    if days_ago:
        AuditEvent.objects.filter(case=case, action="case.complete").update(
            at=timezone.now() - timedelta(days=days_ago)
        )
    return case


def test_the_coordinator_picks_participants_from_the_register_on_the_page(world):
    people = staff(world, 3)
    case = group_case(world)
    c = client_for(world.coordinator)
    url = reverse("followup:participants", args=[case.pk])
    assert url in c.get(reverse("followup:case", args=[case.pk])).content.decode()
    page = c.get(url + "?q=Deltagare1").content.decode()
    assert "Deltagare1 Grupp" in page and "Deltagare2 Grupp" not in page
    assert 'type="checkbox" name="employee_ids"' in page and 'role="search"' in page
    by_unit = c.get(url + "?q=Enhet+B").content.decode()
    assert "Deltagare0 Grupp" in by_unit and "Kim Lind" in by_unit and "Eva Ek" not in by_unit
    r = c.post(url + "?q=Deltagare", {"employee_ids": [people[0].pk, people[1].pk]})
    assert r.status_code == 302
    assert set(SurveyInvitation.objects.filter(case=case).values_list("employee", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }
    listed = c.get(url).content.decode()
    assert f'value="{people[0].pk}" id="p-{people[0].pk}" checked' in listed
    # Unticking one removes them; nothing was sent yet.
    r = c.post(url, {"employee_ids": [people[1].pk, people[2].pk]})
    assert r.status_code == 302
    assert set(SurveyInvitation.objects.filter(case=case).values_list("employee", flat=True)) == {
        people[1].pk,
        people[2].pk,
    }
    assert AuditEvent.objects.filter(case=case, action="survey.participants").count() == 2


def test_candidates_are_paged_without_javascript(world):
    staff(world, 25)
    case = group_case(world)
    c = client_for(world.coordinator)
    url = reverse("followup:participants", args=[case.pk])
    first = c.get(url + "?q=Grupp").content.decode()
    assert first.count('name="employee_ids"') == 20 and 'rel="next"' in first
    second = c.get(url + "?q=Grupp&page=2").content.decode()
    assert second.count('name="employee_ids"') == 5 and 'rel="prev"' in second
    assert c.get(url + "?page=abc").status_code == 200


def test_another_organisations_employee_cannot_be_added(world, other_world):
    case = group_case(world)
    stranger = other_world.employee_rec
    call = token_caller(world.coordinator)
    r = call("put", f"{BASE}/cases/{case.pk}/participants", {"employee_ids": [stranger.pk]})
    assert r.status_code == 400 and error_field(r) == "employee_ids"
    r = call("put", f"{BASE}/cases/{case.pk}/participants", {"employee_ids": [0]})
    assert r.status_code == 422 and error_field(r).startswith("employee_ids")
    page = client_for(world.coordinator).post(
        reverse("followup:participants", args=[case.pk]), {"employee_ids": [stranger.pk]}
    )
    assert page.status_code == 400 and "personalregistret" in page.content.decode()
    assert not SurveyInvitation.objects.filter(case=case).exists()
    # Another organisation's coordinator does not reach the case at all.
    other = token_caller(other_world.coordinator)
    r = other("put", f"{BASE}/cases/{case.pk}/participants", {"employee_ids": [stranger.pk]})
    assert r.status_code == 404
    assert other("get", f"{BASE}/cases/{case.pk}/candidates").status_code == 404


def test_only_group_measures_and_only_the_coordinator(world):
    people = staff(world, 1)
    individual = approve(
        world, new_case(world, world.employee, title="Egen kurs", amount_ore=10_000_00)
    )
    call = token_caller(world.coordinator)
    r = call("put", f"{BASE}/cases/{individual.pk}/participants", {"employee_ids": [people[0].pk]})
    assert r.status_code == 403
    case = group_case(world)
    r = token_caller(world.manager)(
        "put", f"{BASE}/cases/{case.pk}/participants", {"employee_ids": [people[0].pk]}
    )
    assert r.status_code == 403
    assert (
        client_for(world.manager).get(reverse("followup:participants", args=[case.pk])).status_code
        == 403
    )


def test_the_api_lists_searches_and_saves_participants(world):
    people = staff(world, 6)
    case = group_case(world)
    call = token_caller(world.coordinator)
    found = call("get", f"{BASE}/cases/{case.pk}/candidates?q=Grupp&limit=4").json()
    assert len(found["items"]) == 4 and found["next_cursor"]
    rest = call(
        "get", f"{BASE}/cases/{case.pk}/candidates?q=Grupp&limit=4&cursor={found['next_cursor']}"
    ).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    r = call(
        "put",
        f"{BASE}/cases/{case.pk}/participants",
        {"employee_ids": [p.pk for p in people]},
    )
    assert r.status_code == 200 and r.json() == {"added": 6, "removed": 0, "total": 6}
    listed = call("get", f"{BASE}/cases/{case.pk}/participants").json()
    assert sorted(i["employee_id"] for i in listed["items"]) == sorted(p.pk for p in people)
    assert {"name", "unit", "employee_number"} <= set(listed["items"][0])
    too_long = call("get", f"{BASE}/cases/{case.pk}/candidates?q=" + "x" * 101)
    assert too_long.status_code == 422 and error_field(too_long) == "q"


def test_each_listed_participant_is_invited_reminded_and_answers_anonymously(
    world, django_capture_on_commit_callbacks
):
    people = staff(world, 6)
    case = group_case(world)
    services.survey_participants_save(
        actor=world.actor(world.coordinator), case=case, employee_ids=[p.pk for p in people]
    )
    # Not open before the measure is completed.
    assert (
        case.number
        not in client_for(people[0].user).get(reverse("followup:my_surveys")).content.decode()
    )
    case = complete(world, case, days_ago=20)
    # In the app: each participant sees the survey of the measure.
    for p in people:
        page = client_for(p.user).get(reverse("followup:my_surveys")).content.decode()
        assert reverse("followup:survey_answer", args=[case.pk]) in page
    # By e-mail: one reminder each, once.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_send_reminders(today=timezone.localdate()) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert services.survey_send_reminders(today=timezone.localdate()) == 0
    # Each answers once; the answer is stored apart from the invitation.
    for i, p in enumerate(people[:5]):
        r = client_for(p.user).post(
            reverse("followup:survey_answer", args=[case.pk]),
            {**SURVEY, "free_text": f"Svar nummer {i}"},
        )
        assert r.status_code == 302
    again = client_for(people[0].user).post(
        reverse("followup:survey_answer", args=[case.pk]), SURVEY
    )
    assert again.status_code == 400 and SurveyResponse.objects.count() == 5
    # Someone not on the list does not reach the survey.
    outsider = client_for(world.colleague).get(reverse("followup:survey_answer", args=[case.pk]))
    assert outsider.status_code == 404


def test_an_answer_cannot_be_tied_to_a_participant(world):
    people = staff(world, 2)
    case = group_case(world)
    services.survey_participants_save(
        actor=world.actor(world.coordinator), case=case, employee_ids=[p.pk for p in people]
    )
    case = complete(world, case)
    for p, text in zip(people, ("Första svaret", "Andra svaret"), strict=True):
        services.survey_answer(
            actor=world.actor(p.user),
            case=case,
            answers=services.SurveyAnswers(
                satisfaction=4, usefulness=4, heard_from="hr", recommend="yes", free_text=text
            ),
        )
    answers = list(SurveyResponse.objects.all())
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not fields & {"case", "employee", "invitation", "created_at", "user", "answered_on"}
    invitation_fields = {f.name for f in SurveyInvitation._meta.get_fields()}
    assert not invitation_fields & {"response", "answer", "satisfaction", "free_text"}
    # Both answers carry exactly the same things besides what was answered.
    keep = ("organisation_id", "year", "period_id", "purpose", "measure_type_id")
    assert len({tuple(getattr(a, k) for k in keep) for a in answers}) == 1
    # The trail says who answered, never what.
    for event in AuditEvent.objects.filter(action="survey.answer"):
        assert "svaret" not in f"{event.before}{event.after}{event.note}"
    assert SurveyInvitation.objects.filter(case=case, answered_on__isnull=False).count() == 2


def test_a_participant_sent_the_survey_stays_on_the_list(world, django_capture_on_commit_callbacks):
    people = staff(world, 2)
    case = group_case(world)
    coord = world.actor(world.coordinator)
    services.survey_participants_save(actor=coord, case=case, employee_ids=[p.pk for p in people])
    case = complete(world, case, days_ago=20)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_send_reminders(today=timezone.localdate())
    r = token_caller(world.coordinator)(
        "put", f"{BASE}/cases/{case.pk}/participants", {"employee_ids": [people[0].pk]}
    )
    assert r.status_code == 409 and error_field(r) == "employee_ids"
    assert SurveyInvitation.objects.filter(case=case).count() == 2


def test_response_rates_count_the_listed_participants_and_the_applicant(world):
    people = staff(world, 6)
    case = group_case(world)
    services.survey_participants_save(
        actor=world.actor(world.coordinator), case=case, employee_ids=[p.pk for p in people]
    )
    case = complete(world, case)
    own = approve(world, new_case(world, world.employee, title="Egen kurs", amount_ore=5_000_00))
    own = complete(world, own)
    for p in people[:5]:
        services.survey_answer(
            actor=world.actor(p.user),
            case=case,
            answers=services.SurveyAnswers(
                satisfaction=5, usefulness=4, heard_from="hr", recommend="yes"
            ),
        )
    since, until = year_bounds(timezone.localdate().year)
    rates = {
        r.case_id: r
        for r in survey_response_rates(organisation=world.org, since=since, until=until)
    }
    assert (rates[case.pk].invited, rates[case.pk].answered) == (6, 5)
    assert (rates[own.pk].invited, rates[own.pk].answered) == (1, 0)
