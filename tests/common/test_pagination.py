"""Keyset pagination: every row once, in order, without counting; a forged cursor is refused."""

import pytest

from lom.common.errors import DomainError
from lom.common.pagination import keyset_page
from lom.organisations.models import Unit
from lom.organisations.services import unit_create


def _all_pages(qs, order, limit):
    seen, cursor, pages = [], None, 0
    while True:
        rows, cursor = keyset_page(qs, cursor=cursor, limit=limit, order=order)
        seen += rows
        pages += 1
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("order", [("-id",), ("id",), ("name", "id"), ("-name", "-id")])
def test_paging_returns_every_row_once_in_order(world, order):
    for i in range(8):
        unit_create(actor=None, organisation=world.org, name=f"Enhet {i % 3}", parent=world.unit_a)
    qs = Unit.objects.filter(organisation=world.org)
    seen, pages = _all_pages(qs, order, limit=3)
    assert [u.pk for u in seen] == [u.pk for u in qs.order_by(*order)]
    assert pages == -(-qs.count() // 3)


def test_the_last_page_has_no_cursor(world):
    rows, cursor = keyset_page(Unit.objects.filter(organisation=world.org), cursor=None, limit=50)
    assert rows and cursor is None


def test_a_page_reads_one_query_and_counts_nothing(world, django_assert_num_queries):
    qs = Unit.objects.filter(organisation=world.org)
    with django_assert_num_queries(1) as ctx:
        keyset_page(qs, cursor=None, limit=2)
    assert "COUNT(" not in ctx.captured_queries[0]["sql"].upper()


@pytest.mark.parametrize("cursor", ["not-base64!", "bm9wZQ", "WzEsMl0", "WyJ4Il0", "x" * 500])
def test_a_forged_cursor_is_refused_naming_the_parameter(world, cursor):
    with pytest.raises(DomainError) as refused:
        keyset_page(Unit.objects.all(), cursor=cursor, limit=2)
    assert refused.value.field == "cursor"
