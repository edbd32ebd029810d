"""Every role's home page reads what it shows (own cases, open work per status, the fund's
balance, overdue objections) in a fixed number of queries, however many cases there are."""

import pytest

from lom.decisions import services as dec
from tests.factories import approve, make_case, signed_in

MAX_QUERIES = 12
ROLES = ("employee", "manager", "coordinator", "union_rep", "decision_maker", "auditor")


def _count(user, django_assert_max_num_queries) -> str:
    client = signed_in(user)
    client.get("/")  # the session and caches warm
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_of_every_role_stays_within_the_query_budget(
    world, role, django_assert_max_num_queries
):
    for i in range(3):
        case = make_case(world, title=f"Kurs {i}")
        if i:
            approve(world, case)
    dec.objection_raise(actor=world.actor(world.union_rep), case=case, reasons="Fel bedömning.")
    small = _count(getattr(world, role), django_assert_max_num_queries)
    for i in range(6):
        make_case(world, title=f"Fler {i}")
    large = _count(getattr(world, role), django_assert_max_num_queries)
    if role == "employee":
        assert "Kurs 0" in small and "Fler 5" in large
    if role == "coordinator":
        assert "Att hantera" in large and "Fonden" in large
