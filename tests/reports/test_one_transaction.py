"""One action, one transaction: the settings page saves the reports' and the follow-up
settings together or not at all, and the write services are durable (they refuse to run
inside another transaction, so a composition mistake shows)."""

import pytest
from django.db import transaction

from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.followup.models import FollowUpSettings
from lom.funds.models import ForecastSettings
from lom.reports import services as report_services


def test_settings_are_saved_together(world):
    report_services.settings_save(
        actor=world.actor(world.coordinator),
        unused_warning_percent=35,
        later_months=6,
        survey_reminder_days=10,
    )
    assert ForecastSettings.objects.get(organisation=world.org).unused_warning_percent == 35
    assert FollowUpSettings.objects.get(organisation=world.org).later_months == 6


def test_a_failing_second_step_leaves_nothing(world):
    with pytest.raises(DomainError) as err:
        report_services.settings_save(
            actor=world.actor(world.coordinator),
            unused_warning_percent=35,  # valid: saved first ...
            later_months=61,  # ... then the follow-up settings refuse
            survey_reminder_days=10,
        )
    assert err.value.field == "later_months"
    assert not ForecastSettings.objects.filter(organisation=world.org).exists()
    assert not FollowUpSettings.objects.filter(organisation=world.org).exists()
    assert not AuditEvent.objects.filter(action__in=["reports.settings", "followup.settings"])


def test_write_services_do_not_nest(world):
    with transaction.atomic(), pytest.raises(RuntimeError):
        report_services.settings_save(
            actor=world.actor(world.coordinator),
            unused_warning_percent=35,
            later_months=6,
            survey_reminder_days=10,
        )
