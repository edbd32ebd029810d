"""One transaction per action in the library: every write service is durable, the draft page
reads through selectors and writes through one service."""

import pytest
from django.db import transaction
from django.test import Client

from lom.library import services
from lom.library.models import LibraryEntry
from tests.factories import make_completed_case, make_world

pytestmark = pytest.mark.django_db

WRITE_SERVICES = [
    services.library_entry_create,
    services.library_entry_update,
    services.library_consent,
    services.library_entry_withdraw,
    services.library_entry_embed,
]


@pytest.mark.parametrize("service", WRITE_SERVICES, ids=lambda f: f.__name__)
def test_every_write_service_is_durable(service):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        service()


def test_draft_page_of_an_unknown_or_huge_case_id_is_404():
    w = make_world("libtx1")
    c = Client()
    c.force_login(w.coordinator)
    assert c.get("/library/new/99999999/").status_code == 404
    assert c.get(f"/library/new/{2**64}/").status_code == 404


def test_a_refused_draft_leaves_nothing():
    w = make_world("libtx2")
    case = make_completed_case(w)
    c = Client()
    c.force_login(w.coordinator)
    r = c.get(f"/library/new/{case.pk}/")
    assert r.status_code == 200
    r = c.post(
        f"/library/new/{case.pk}/",
        {"title": "Kurs", "need": "Behov", "summary": "Innehåll", "reviewed": ""},
    )
    assert r.status_code == 400
    assert not LibraryEntry.objects.filter(case=case).exists()
