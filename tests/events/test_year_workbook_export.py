"""The events' year workbook keeps an event title that looks like a formula as text."""

from datetime import timedelta
from io import BytesIO

from django.contrib.auth.models import Permission
from django.utils import timezone
from openpyxl import load_workbook

from lom.events import selectors, services
from lom.events.exports import year_workbook
from lom.events.models import Event

FORMULA = '=HYPERLINK("http://example.invalid/x","Öppna")'


def test_event_title_with_a_formula_stays_text(world):
    world.admin.user_permissions.add(Permission.objects.get(codename="manage_events"))
    world.admin.__dict__.pop("_perm_cache", None)
    world.admin.__dict__.pop("_user_perm_cache", None)
    start = timezone.now() + timedelta(days=10)
    services.event_save(
        actor=world.actor(world.admin),
        data=services.EventInput(
            title=FORMULA,
            kind=Event.Kind.EXCHANGE,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=4,
            registration_deadline=start - timedelta(days=1),
            place="Stockholm",
        ),
    )
    stats = selectors.year_statistics(year=timezone.localtime(start).year)
    ws = load_workbook(BytesIO(year_workbook(stats))).worksheets[0]
    cell = ws["A2"]
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
