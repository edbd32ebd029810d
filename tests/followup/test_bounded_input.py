"""Follow-up input is bounded: a text over its limit, a count over MAX_COUNT or an unknown
choice is refused naming the field, never stored cut or answered with a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from lom.common.bounds import COMMENT_MAX, MAX_COUNT
from lom.common.errors import DomainError
from lom.followup import services
from lom.followup.models import FREE_TEXT_MAX, FollowUp, SurveyResponse
from tests.followup.test_followup import completed_case


def test_a_comment_over_the_limit_is_refused_naming_the_field(world):
    case = completed_case(world)
    for field in ("comment", "cost_comment"):
        data = services.FollowUpInput(
            kind="end", need_met="yes", outcome="same_role", **{field: "x" * (COMMENT_MAX + 1)}
        )
        with pytest.raises(DomainError) as err:
            services.followup_record(actor=world.actor(world.coordinator), case=case, data=data)
        assert err.value.field == field
    assert not FollowUp.objects.filter(case=case).exists()
    # At the limit it is stored whole.
    services.followup_record(
        actor=world.actor(world.coordinator),
        case=case,
        data=services.FollowUpInput(
            kind="end", need_met="yes", outcome="same_role", comment="y" * COMMENT_MAX
        ),
    )
    assert len(FollowUp.objects.get(case=case).comment) == COMMENT_MAX


def test_a_huge_group_count_is_refused(world):
    from lom.cases.models import ApplicationKind, Case

    case = completed_case(world)
    Case.objects.filter(pk=case.pk).update(kind=ApplicationKind.GROUP, applicant=None)
    case.refresh_from_db()
    with pytest.raises(DomainError) as err:
        services.followup_record(
            actor=world.actor(world.coordinator),
            case=case,
            data=services.FollowUpInput(
                kind="end", need_met="yes", outcome_counts={"same_role": MAX_COUNT + 1}
            ),
        )
    assert err.value.field == "outcome_counts"
    with pytest.raises(DomainError) as err:
        services.followup_record(
            actor=world.actor(world.coordinator),
            case=case,
            data=services.FollowUpInput(
                kind="end", need_met="yes", outcome_counts={"same_role": 2**63}
            ),
        )
    assert err.value.field == "outcome_counts"


def test_the_form_refuses_a_long_comment_and_an_unknown_choice(world):
    case = completed_case(world)
    c = Client()
    c.force_login(world.coordinator)
    url = reverse("followup:record_end", args=[case.pk])
    r = c.post(url, {"outcome": "same_role", "need_met": "yes", "comment": "x" * 10**6})
    assert r.status_code == 400 and not FollowUp.objects.exists()
    r = c.post(url, {"outcome": "astronaut", "need_met": "yes"})
    assert r.status_code == 400 and not FollowUp.objects.exists()


def test_a_survey_free_text_over_the_limit_is_refused(world):
    case = completed_case(world)
    with pytest.raises(DomainError) as err:
        services.survey_answer(
            actor=world.actor(world.employee),
            case=case,
            answers=services.SurveyAnswers(
                satisfaction=4,
                usefulness=4,
                heard_from="union",
                recommend="yes",
                free_text="x" * (FREE_TEXT_MAX + 1),
            ),
        )
    assert err.value.field == "free_text" and not SurveyResponse.objects.exists()


def test_settings_out_of_range_are_refused_naming_the_field(world):
    actor = world.actor(world.coordinator)
    with pytest.raises(DomainError) as err:
        services.followup_settings_save(actor=actor, later_months=61, survey_reminder_days=10)
    assert err.value.field == "later_months"
    with pytest.raises(DomainError) as err:
        services.followup_settings_save(actor=actor, later_months=6, survey_reminder_days=2**63)
    assert err.value.field == "survey_reminder_days"
