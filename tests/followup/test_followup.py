"""Follow-up of completed measures and the participant survey, through the services and HTTP."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case, Status
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.followup import services
from lom.followup.models import FollowUp, ParticipantOutcome, SurveyInvitation, SurveyResponse
from lom.followup.selectors import add_months, followups_due
from lom.organisations.models import Organisation
from tests.factories import approve, make_case
from tests.reporting import new_case

KR = 100


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def completed_case(world, *, amount=20_000 * KR, spent=15_000 * KR, days_ago=0) -> Case:
    case = approve(world, make_case(world, amount_ore=amount))
    coord = world.actor(world.coordinator)
    if spent:
        case_services.case_record_expense(actor=coord, case=case, amount_ore=spent)
    case = case_services.case_transition(actor=coord, case=case, name="complete")
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        AuditEvent.objects.filter(case=case, action="case.complete").update(at=when)
    return case


def test_a_completed_case_becomes_due_and_the_coordinator_records_the_outcome(world):
    case = completed_case(world)
    today = timezone.localdate()
    due = followups_due(organisation=world.org, today=today)
    assert [(d.case.pk, d.kind, d.due_on) for d in due] == [(case.pk, "end", today)]
    c = client_for(world.coordinator)
    assert case.number in c.get(reverse("followup:list")).content.decode()
    page = c.get(reverse("followup:record_end", args=[case.pk])).content.decode()
    # Actual cost (from the ledger) against the estimate.
    assert "20\u00a0000,00\u00a0kr" in page and "15\u00a0000,00\u00a0kr" in page
    assert "−5\u00a0000,00\u00a0kr" in page
    assert "Utfall för Eva Ek" in page
    r = c.post(
        reverse("followup:record_end", args=[case.pk]),
        {"outcome": "new_internal_role", "need_met": "yes", "comment": "Ny roll som analytiker."},
    )
    assert r.status_code == 302
    f = FollowUp.objects.get(case=case)
    assert (f.kind, f.need_met, f.recorded_by) == ("end", "yes", world.coordinator)
    outcome = ParticipantOutcome.objects.get(followup=f)
    assert (outcome.employee, outcome.outcome, outcome.count) == (
        world.employee_rec,
        "new_internal_role",
        1,
    )
    assert followups_due(organisation=world.org, today=today) == []
    detail = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("followup:case", args=[case.pk]) in detail
    assert AuditEvent.objects.filter(case=case, action="followup.record").exists()


def test_the_second_follow_up_is_due_the_agreed_months_after_completion(world):
    case = completed_case(world, days_ago=400)
    coord = world.actor(world.coordinator)
    data = services.FollowUpInput(kind="later", need_met="yes", outcome="new_employer")
    with pytest.raises(DomainError, match="först uppföljningen vid avslut"):
        services.followup_record(actor=coord, case=case, data=data)
    services.followup_record(
        actor=coord,
        case=case,
        data=services.FollowUpInput(kind="end", need_met="partly", outcome="same_role"),
    )
    today = timezone.localdate()
    due = followups_due(organisation=world.org, today=today)
    assert [(d.kind, d.overdue) for d in due] == [("later", True)]
    assert due[0].due_on == add_months(timezone.localdate(timezone.now() - timedelta(days=400)), 12)
    services.followup_record(actor=coord, case=case, data=data)
    assert followups_due(organisation=world.org, today=today) == []
    assert list(
        FollowUp.objects.filter(case=case).values_list("kind", flat=True).order_by("kind")
    ) == [
        "end",
        "later",
    ]


def test_a_later_follow_up_is_not_listed_long_before_it_is_due(world):
    case = completed_case(world, days_ago=30)
    services.followup_record(
        actor=world.actor(world.coordinator),
        case=case,
        data=services.FollowUpInput(kind="end", need_met="yes", outcome="same_role"),
    )
    assert followups_due(organisation=world.org, today=timezone.localdate()) == []


def test_group_outcomes_must_add_up_to_the_participants(world):
    case = new_case(
        world,
        world.manager,
        title="Gruppkurs",
        amount_ore=30_000 * KR,
        kind=ApplicationKind.GROUP,
        participants=6,
    )
    case = approve(world, case)
    coord = world.actor(world.coordinator)
    case_services.case_transition(actor=coord, case=case, name="complete")
    c = client_for(world.coordinator)
    url = reverse("followup:record_end", args=[case.pk])
    form = {"count_same_role": "3", "count_new_internal_role": "2", "need_met": "yes"}
    r = c.post(url, form)
    assert r.status_code == 400
    page = r.content.decode()
    assert "ska tillsammans bli 6" in page and 'class="error-summary"' in page
    assert 'value="3"' in page  # keeps what was typed
    r = c.post(url, {**form, "count_studies": "1"})
    assert r.status_code == 302
    rows = dict(
        ParticipantOutcome.objects.filter(followup__case=case).values_list("outcome", "count")
    )
    assert rows == {"same_role": 3, "new_internal_role": 2, "studies": 1}


def test_who_may_see_and_record_follow_up(world):
    case = completed_case(world)
    running = approve(world, make_case(world))
    c = client_for(world.coordinator)
    r = c.get(reverse("followup:record_end", args=[running.pk]), follow=True)
    assert "när insatsen är avslutad" in r.content.decode()
    assert not FollowUp.objects.exists()
    # The unit's manager may read the follow-up; only coordinators record it.
    assert (
        client_for(world.manager).get(reverse("followup:case", args=[case.pk])).status_code == 200
    )
    assert (
        client_for(world.manager).get(reverse("followup:record_end", args=[case.pk])).status_code
        == 403
    )
    # Outcomes per person are not for union representatives or the employee.
    for user in (world.union_rep, world.employee):
        assert client_for(user).get(reverse("followup:case", args=[case.pk])).status_code == 403
    assert client_for(world.union_rep).get(reverse("followup:list")).status_code == 403
    # A manager of another unit does not see the case at all.
    other_case = completed_case_for_colleague(world)
    assert (
        client_for(world.manager).get(reverse("followup:case", args=[other_case.pk])).status_code
        == 404
    )


def completed_case_for_colleague(world) -> Case:
    case = approve(world, make_case(world, world.colleague))
    return case_services.case_transition(
        actor=world.actor(world.coordinator), case=case, name="complete"
    )


SURVEY = {
    "satisfaction": "4",
    "usefulness": "5",
    "heard_from": "union",
    "recommend": "yes",
    "free_text": "Bra kurs, men för kort.",
}


def test_the_participant_answers_once_and_the_answer_does_not_point_back(world):
    case = completed_case(world)
    c = client_for(world.employee)
    assert (
        reverse("followup:survey_answer", args=[case.pk])
        in c.get(reverse("followup:my_surveys")).content.decode()
    )
    assert (
        reverse("followup:survey_answer", args=[case.pk])
        in c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    r = c.post(reverse("followup:survey_answer", args=[case.pk]), SURVEY)
    assert r.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.satisfaction, answer.heard_from, answer.free_text) == (
        4,
        "union",
        "Bra kurs, men för kort.",
    )
    assert answer.year == timezone.localdate().year and answer.purpose == case.purpose
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not fields & {"case", "employee", "invitation", "created_at", "user"}
    invitation = SurveyInvitation.objects.get(case=case)
    assert invitation.employee == world.employee_rec and invitation.answered_on is not None
    event = AuditEvent.objects.get(action="survey.answer")
    assert event.after == {} and "Bra kurs" not in str(event.before) + event.note
    # A second answer is refused and nothing more is stored.
    r = c.post(reverse("followup:survey_answer", args=[case.pk]), SURVEY)
    assert r.status_code == 400 and SurveyResponse.objects.count() == 1
    assert "redan svarat" in r.content.decode()
    assert case.number not in c.get(reverse("followup:my_surveys")).content.decode()


def test_only_the_participant_reaches_the_survey(world):
    case = completed_case(world)
    for user in (world.colleague, world.coordinator, world.manager):
        r = client_for(user).post(reverse("followup:survey_answer", args=[case.pk]), SURVEY)
        assert r.status_code == 404
    assert not SurveyResponse.objects.exists()
    running = approve(world, make_case(world))
    r = client_for(world.employee).post(
        reverse("followup:survey_answer", args=[running.pk]), SURVEY
    )
    assert r.status_code == 400 and "när insatsen är avslutad" in r.content.decode()


def test_a_participant_who_has_not_answered_gets_one_reminder(
    world, django_capture_on_commit_callbacks
):
    completed_case(world, days_ago=20)
    fresh = completed_case_for_colleague(world)  # completed today: too early
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert services.survey_send_reminders(today=today) == 1
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == [world.employee_rec.email]
    assert (
        reverse("followup:survey_answer", args=[Case.objects.exclude(pk=fresh.pk).get().pk])
        in msg.body
    )
    assert services.survey_send_reminders(today=today) == 0  # only once
    assert services.survey_send_reminders(today=today + timedelta(days=30)) == 1  # the colleague


def test_demo_follow_up_is_a_year_of_data_and_idempotent(db):
    call_command("load_demo")
    call_command("load_demo_followup")
    org = Organisation.objects.get(slug="tillsynsverket")
    completed = Case.objects.filter(organisation=org, status=Status.COMPLETED)
    assert completed.count() >= 30
    assert FollowUp.objects.filter(case__in=completed, kind="end").count() == completed.count()
    months = {f.recorded_at.strftime("%Y-%m") for f in FollowUp.objects.filter(organisation=org)}
    assert len(months) >= 6
    assert SurveyResponse.objects.filter(organisation=org).count() >= 5
    counts = (FollowUp.objects.count(), SurveyResponse.objects.count(), Case.objects.count())
    call_command("load_demo_followup")
    assert counts == (
        FollowUp.objects.count(),
        SurveyResponse.objects.count(),
        Case.objects.count(),
    )
