import pytest

from lom.diarium.models import RegisteredDocument, SeriesCounter


def _empty_register(w):
    """The shared world registers its agreement's version 1 when it is set up; these tests
    count the series from its first number, so they start from an empty register."""
    RegisteredDocument.objects.filter(organisation=w.org).delete()
    SeriesCounter.objects.filter(organisation=w.org).delete()
    return w


@pytest.fixture
def world(world):
    return _empty_register(world)


@pytest.fixture
def other_world(other_world):
    return _empty_register(other_world)
