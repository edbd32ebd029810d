import pytest

from lom.organisations.models import Role, Union
from lom.organisations.services import membership_grant
from tests.factories import UserFactory, add_agreement_union, make_world


@pytest.fixture
def w(db):
    """One organisation whose agreement has two union parties, each with a representative."""
    w = make_world("plan")
    vision = Union.objects.create(organisation=w.org, name="Vision")
    add_agreement_union(w.org, vision)
    rep2 = UserFactory(username="plan-vision", first_name="Vera", last_name="Vision")
    membership_grant(actor=None, organisation=w.org, user=rep2, role=Role.UNION_REP, union=vision)
    w.vision, w.rep2 = vision, rep2
    return w
