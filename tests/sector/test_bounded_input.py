"""The benchmark API refuses unknown filter values and impossible years with a 4xx naming
the parameter, never a 500."""

import pytest
from django.test import Client


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/benchmark/2025?sector=nonsense", "sector"),
        ("/api/v1/benchmark/2025?size=x", "size"),
        (f"/api/v1/benchmark/{2**70}", "year"),
        ("/api/v1/benchmark/abc", "year"),
    ],
)
def test_unknown_values_are_422_naming_the_parameter(world, url, field):
    c = Client()
    c.force_login(world.coordinator)
    r = c.get(url)
    assert r.status_code == 422, r.content
    assert field in r.content.decode()


def test_a_year_without_figures_is_400_naming_the_year(world):
    c = Client()
    c.force_login(world.coordinator)
    r = c.get("/api/v1/benchmark/1999")
    assert r.status_code == 400 and r.json()["field"] == "year"
