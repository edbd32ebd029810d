"""The installation's default retention periods come from the environment and are checked at
start-up."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from lom.privacy.classes import BY_CODE
from lom.privacy.selectors.retention import policies_in_force
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_environment_default_applies_to_organisations_without_their_own(settings):
    world = make_world()
    settings.LOM_RETENTION_DEFAULT_MONTHS = {"mail.body": "6"}
    periods = {p.data_class.code: p.months for p in policies_in_force(organisation=world.org)}
    assert periods["mail.body"] == 6
    assert periods["case.draft"] == BY_CODE["case.draft"].default_months


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"mail.bodies": "6"}, "unknown data class 'mail.bodies'"),
        ({"case.private_reason": "2"}, "case.private_reason must be between 12 and 120"),
        ({"case.draft": "many"}, "case.draft must be between 6 and 120"),
    ],
)
def test_bad_environment_default_stops_the_check(settings, value, message):
    settings.LOM_RETENTION_DEFAULT_MONTHS = value
    with pytest.raises(SystemCheckError, match=message):
        call_command("check")
