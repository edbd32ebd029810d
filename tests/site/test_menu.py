"""The main menu shows each role the pages worth its while, grouped, and marks where you are."""

import re

import pytest
from django.test import Client

from lom.site.menu import Group, main_menu
from tests.factories import make_fund, make_world

pytestmark = pytest.mark.django_db


def labels(entries) -> set[str]:
    out = set()
    for e in entries:
        out |= {str(link.label) for link in e.links} if isinstance(e, Group) else {str(e.label)}
    return out


def test_each_role_sees_its_pages(world):
    employee = labels(main_menu(world.actor(world.employee), "/"))
    assert {"Ärenden", "Insatsbiblioteket", "Enkäter", "Stöd och vägledning"} <= employee
    assert not {"Fonden", "Sammanträden", "Administration", "Jämförelse"} & employee

    coordinator = labels(main_menu(world.actor(world.coordinator), "/"))
    assert {"Fonden", "Sammanträden", "Jämförelse", "Nå alla medarbetare"} <= coordinator
    assert "Administration" not in coordinator
    assert "Administration" in labels(main_menu(world.actor(world.users["admin"]), "/"))


def test_a_fund_sees_fund_pages_and_no_employer_pages(world):
    fw = make_fund("menyfond")
    from lom.organisations.access import actor_for

    officer = labels(main_menu(actor_for(user=fw.officer, organisation_id=fw.fund.pk), "/"))
    assert "Omställningsfonden" in officer
    assert not {"Ärenden", "Fonden", "Planera", "Jämförelse"} & officer


def test_groups_render_as_disclosures_and_mark_the_current_page(world):
    c = Client()
    c.force_login(world.coordinator)
    html = c.get("/library/").content.decode()
    assert html.count("<details") >= 3  # groups, not one long row of links
    assert re.search(r'<details class="current">\s*<summary>Lära av andra</summary>', html)
    assert re.search(r'href="/library/" aria-current="page"', html)


def test_error_summary_links_to_the_first_option_of_a_radio_group(world):
    """The fund's assessment form: a criterion is a radio group; the summary's link must lead to
    an element that exists, or keyboard and screen reader users land nowhere."""
    from tests.factories import notify_measure, open_and_allocate

    other = make_world("lankannan")
    f = make_fund("lankfond", members=[world.org, other.org])
    f.alfa, f.beta = world, other
    n = notify_measure(f, open_and_allocate(f))
    c = Client()
    c.force_login(f.officer)
    html = c.post(f"/fund/notifications/{n.pk}/assess/", {"cost_comment": "x"}).content.decode()
    anchors = re.findall(r'<a href="#(id_met_\d+[^"]*)"', html)
    assert anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in html, anchor
