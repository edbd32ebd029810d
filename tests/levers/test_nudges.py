"""Manager nudges: the kit (what the funds pay for, library examples, the one-page PDF) for
the managers of silent units, sent as a campaign; only that manager or a coordinator sees it."""

import io
from datetime import date

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lom.levers.models import Kind
from lom.levers.services.campaigns import campaign_send
from lom.mail.models import OutboundMail
from lom.organisations.services import unit_create
from tests.factories import signed_in
from tests.levers.helpers import add_staff, draft


def _silent_units(world, n=5):
    """`n` units, each with a manager of its own (a user, an address) and two employees."""
    units = []
    for i in range(n):
        unit = unit_create(actor=None, organisation=world.org, name=f"Tyst {i}", parent=world.top)
        manager = add_staff(world, 1, unit=unit, prefix=f"chef{i}-")[0]
        add_staff(world, 2, unit=unit, prefix=f"m{i}-", occupational_group="Sjuksköterska")
        unit.manager = manager
        unit.save()
        units.append(unit)
    return units


def _nudge(world, units):
    return draft(
        world,
        kind=Kind.NUDGE,
        lever="silent_units",
        dimension="managers",
        value=",".join(str(u.pk) for u in units),
        title="Påminnelse till chefer",
    )


def test_a_nudge_goes_to_each_manager_with_a_link_to_their_kit(
    world, django_capture_on_commit_callbacks
):
    units = _silent_units(world)
    c = _nudge(world, units)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(actor=world.actor(world.coordinator), campaign=c)
    c.refresh_from_db()
    assert c.recipients == 5 and c.marker_id is None
    mail = OutboundMail.objects.get(kind=c.mail_kind, to_address=units[0].manager.email)
    kit_url = "http://testserver" + reverse("levers:kit", args=[c.pk, units[0].pk])
    assert kit_url in mail.text
    assert reverse("levers:kit", args=[c.pk, units[1].pk]) not in mail.text


def test_only_the_manager_or_a_coordinator_sees_the_kit_and_its_one_page_pdf(world, other_world):
    units = _silent_units(world)
    c = _nudge(world, units)
    url = reverse("levers:kit", args=[c.pk, units[0].pk])
    pdf_url = reverse("levers:kit_pdf", args=[c.pk, units[0].pk])
    manager = signed_in(units[0].manager.user)
    r = manager.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Medlen används för proaktiv omställning." in html  # the agreement's own text
    assert "Sjuksköterska" in html
    r = manager.get(pdf_url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Tyst 0" in text and "Vad medlen betalar" in text
    assert "proaktiv omställning" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)
    assert signed_in(world.coordinator).get(pdf_url).status_code == 200
    # another unit's manager, an employee, another organisation: not found
    assert signed_in(units[1].manager.user).get(url).status_code == 404
    assert signed_in(world.employee).get(url).status_code == 404
    assert signed_in(other_world.coordinator).get(url).status_code == 404
    # a unit that is not in the nudge
    other = reverse("levers:kit", args=[c.pk, world.unit_b.pk])
    assert signed_in(world.coordinator).get(other).status_code == 404
    assert Client().get(url).status_code == 302  # login first


def test_a_nudge_goes_to_managers_only(world):
    import pytest

    from lom.common.errors import DomainError

    add_staff(world, 5)
    with pytest.raises(DomainError) as exc:
        draft(world, kind=Kind.NUDGE, dimension="all", send_on=date.today())
    assert exc.value.field == "dimension"


def test_the_kit_in_the_api(world):
    from lom.accounts.models import ApiToken

    units = _silent_units(world)
    c = _nudge(world, units)
    manager = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=units[0].manager.user)[1]}"}
    url = f"/api/v1/levers/campaigns/{c.pk}/kits/{units[0].pk}"
    r = Client().get(url, **manager)
    assert r.status_code == 200 and r.json()["unit_name"] == "Tyst 0"
    assert r.json()["groups"][0] == "Sjuksköterska"
    r = Client().get(url + "/pdf", **manager)
    assert r.status_code == 200 and len(PdfReader(io.BytesIO(r.content)).pages) == 1
    other = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=units[1].manager.user)[1]}"}
    assert Client().get(url, **other).status_code == 404
