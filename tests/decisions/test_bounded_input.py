"""Bounded input in joint decisions: too long texts and out-of-range numbers are refused
naming the field; nothing is saved and nothing answers 500."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lom.common.bounds import MAX_AMOUNT_ORE, NAME_MAX
from lom.common.errors import DomainError
from lom.decisions import services as dec
from lom.decisions.models import ApplicationRound, Meeting, Objection

TEN_MB = "x" * (10 * 1024 * 1024)


def test_texts_are_bounded_in_the_services(world):
    coord, rep = world.actor(world.coordinator), world.actor(world.union_rep)
    with pytest.raises(DomainError) as exc:
        dec.meeting_create(actor=coord, title="M" * (NAME_MAX + 1), starts_at=timezone.now())
    assert exc.value.field == "title"
    assert not Meeting.objects.exists()
    with pytest.raises(DomainError) as exc:
        dec.objection_raise(actor=rep, reasons=TEN_MB)
    assert exc.value.field == "reasons"
    with pytest.raises(DomainError) as exc:
        dec.objection_raise(actor=rep, reasons="Skäl", subject="s" * (NAME_MAX + 1))
    assert exc.value.field == "subject"
    assert not Objection.objects.exists()


def test_a_round_budget_and_its_texts_are_bounded(world):
    coord = world.actor(world.coordinator)
    base = {
        "actor": coord,
        "title": "Omgång",
        "call_text": "Sök!",
        "opens_on": timezone.localdate(),
        "closes_on": timezone.localdate() + timedelta(days=30),
        "budget_ore": 100_000_00,
        "period": world.period,
        "criteria": [("Nytta", 5)],
    }
    for change, field in (
        ({"budget_ore": MAX_AMOUNT_ORE + 1}, "budget"),
        ({"call_text": TEN_MB}, "call_text"),
        ({"title": "T" * (NAME_MAX + 1)}, "title"),
        ({"criteria": [("K" * (NAME_MAX + 1), 5)]}, "criteria"),
    ):
        with pytest.raises(DomainError) as exc:
            dec.round_create(**{**base, **change})
        assert exc.value.field == field
    assert not ApplicationRound.objects.exists()


def test_out_of_range_numbers_in_the_forms_are_form_errors(world):
    c = Client()
    c.force_login(world.coordinator)
    r = c.post(
        reverse("decisions:rounds"),
        {
            "title": "Omgång",
            "call_text": "Sök!",
            "opens_on": timezone.localdate().isoformat(),
            "closes_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "budget": str(2**63),
            "period": world.period.pk,
            "criteria": "Nytta",
        },
    )
    assert r.status_code == 400
    assert "budget" in r.context["form"].errors
    assert not ApplicationRound.objects.exists()
