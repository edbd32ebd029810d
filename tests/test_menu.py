"""The main menu shows each role the pages worth its while, grouped, and marks where you are."""

import re

import pytest
from django.test import Client

from lom.common.menu import Group, main_menu
from tests.factories import make_fund

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
