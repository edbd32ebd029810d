"""Sector benchmark: the 5-organisation threshold, quartiles, differencing, isolation."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lom.funds.models import EntryKind, FundPeriod
from lom.funds.services import ledger_post
from lom.organisations.models import Employee, Organisation
from lom.organisations.services import unit_create
from lom.sector import compute
from lom.sector.models import BenchmarkRun
from lom.sector.selectors import benchmark_for, quartiles
from lom.sector.services import benchmark_refresh

YEAR = timezone.localdate().year


def _org(slug, kind="agency", *, employees=20, available=100_000_00, used=0):
    """An organisation with staff and a fund period of this year with `used` approved."""
    org = Organisation.objects.create(name=f"Org {slug}", slug=slug, kind=kind)
    unit = unit_create(actor=None, organisation=org, name="Enheten")
    Employee.objects.bulk_create(
        [
            Employee(
                organisation=org,
                unit=unit,
                first_name="A",
                last_name=str(i),
                employment_start=date(2010, 1, 1),
                birth_year=1970 + i % 30,
                gender="F" if i % 2 else "M",
            )
            for i in range(employees)
        ]
    )
    period = FundPeriod.objects.create(
        organisation=org,
        name="LOM",
        start=date(YEAR, 1, 1),
        end=date(YEAR, 12, 31),
        method=FundPeriod.Method.FIXED_POT,
        fixed_amount_ore=available,
    )
    ledger_post(period=period, kind=EntryKind.ALLOCATION, amount_ore=available, actor=None)
    if used:
        ledger_post(period=period, kind=EntryKind.COMMITMENT, amount_ore=used, actor=None)
    return org


def _money(bm):
    return next(f for s in bm.sections if s.metric == compute.MONEY_USED for f in s.figures)


def test_quartiles_of_a_known_set():
    assert quartiles([10, 20, 30, 40, 50]) == (20, 30, 40)
    assert quartiles([1, 2, 3, 4, 5, 6, 7, 8]) == (2.75, 4.5, 6.25)
    assert quartiles([7.0, 1.0, 3.0, 5.0]) == (2.5, 4.0, 5.5)


@pytest.mark.django_db
def test_four_organisations_hide_a_figure_five_show_it():
    orgs = [_org(f"m{i}", used=u * 1000_00) for i, u in enumerate([10, 20, 30, 40])]
    benchmark_refresh(year=YEAR)
    fig = _money(benchmark_for(organisation=orgs[0], year=YEAR))
    assert fig.distribution is None and "färre än 5" in fig.hidden_reason
    assert fig.own == 10.0  # the own value is always shown to the own organisation
    _org("m5", used=50_000_00)
    benchmark_refresh(year=YEAR)
    fig = _money(benchmark_for(organisation=orgs[0], year=YEAR))
    assert fig.hidden_reason == ""
    d = fig.distribution
    assert (d.count, d.q1, d.median, d.q3) == (5, 20.0, 30.0, 40.0)
    assert fig.position == "below"


@pytest.mark.django_db
def test_a_filter_that_leaves_exactly_five_of_six_is_hidden_and_nothing_derives_the_sixth():
    """The attacker is one of five agencies; the sixth organisation, a region, has a value
    nobody else has. Everything the attacker can ask for is fetched and searched."""
    agencies = [_org(f"a{i}", used=u * 1000_00) for i, u in enumerate([10, 20, 30, 40, 50])]
    _org("region", kind="region", employees=300, used=97_000_00)
    benchmark_refresh(year=YEAR)
    client = Client()
    from lom.organisations.services import membership_grant
    from tests.factories import UserFactory

    spy = UserFactory(username="spy")
    membership_grant(actor=None, organisation=agencies[0], user=spy, role="coordinator")
    client.force_login(spy)
    published = {}
    for sector in ("", "agency", "region", "municipality"):
        for size in ("", "1–49", "250–999"):
            r = client.get(f"/api/v1/benchmark/{YEAR}", {"sector": sector, "size": size})
            assert r.status_code == 200
            for f in r.json()["figures"]:
                if f["metric"] == compute.MONEY_USED:
                    published[(sector, size)] = f
    # All six: shown. The five agencies alone: hidden (the difference is one organisation).
    assert published[("", "")]["distribution"]["count"] == 6
    assert published[("agency", "")]["distribution"] is None
    assert "bredare urval" in published[("agency", "")]["hidden_reason"]
    assert published[("region", "")]["distribution"] is None
    assert published[("", "1–49")]["distribution"] is None  # five small: also differs by one
    # Any two published sets of the same figure differ by 0 or >= 5 organisations.
    counts = sorted({f["distribution"]["count"] for f in published.values() if f["distribution"]})
    assert all(b - a == 0 or b - a >= 5 for a in counts for b in counts if b >= a)
    # The region's value (97 %) appears nowhere, and no name of another organisation does.
    for f in published.values():
        d = f["distribution"] or {}
        assert 97.0 not in d.values()
    body = client.get(f"/api/v1/benchmark/{YEAR}").content.decode()
    assert "Org region" not in body and "Org a1" not in body and "min" not in body
    # With five regions the regional view is as large as its complement: both shown.
    for i in range(4):
        _org(f"r{i}", kind="region", employees=300, used=(60 + i) * 1000_00)
    benchmark_refresh(year=YEAR)
    bm = benchmark_for(organisation=agencies[0], year=YEAR, sector="agency")
    assert _money(bm).distribution.count == 5
    bm = benchmark_for(organisation=agencies[0], year=YEAR, sector="region")
    assert _money(bm).distribution.count == 5 and _money(bm).position == "below"


@pytest.mark.django_db
def test_computation_is_a_fixed_number_of_queries_and_the_page_reads_the_cache():
    for i in range(6):
        _org(f"q{i}", used=i * 1000_00)
    with CaptureQueriesContext(connection) as small:
        compute.compute_year(year=YEAR)
    for i in range(6, 18):
        _org(f"q{i}", used=i * 1000_00)
    with CaptureQueriesContext(connection) as big:
        values = compute.compute_year(year=YEAR)
    assert len(big) == len(small)
    assert {v.organisation_id for v in values if v.metric == compute.MONEY_USED}.__len__() == 18
    run = benchmark_refresh(year=YEAR)
    org = Organisation.objects.get(slug="q1")
    with CaptureQueriesContext(connection) as page:
        benchmark_for(organisation=org, year=YEAR)
    assert len(page) <= 3
    assert BenchmarkRun.objects.get(year=YEAR).computed_at == run.computed_at


@pytest.mark.django_db
def test_page_roles_and_isolation(world, other_world):
    c = Client()
    c.force_login(world.employee)
    assert c.get("/benchmark/").status_code == 403
    assert c.get(f"/api/v1/benchmark/{YEAR}").status_code in (401, 403)
    benchmark_refresh(year=YEAR)
    c.force_login(world.union_rep)
    r = c.get("/benchmark/?sector=nonsense&size=x&year=abc")
    assert r.status_code == 200
    body = r.content.decode()
    assert "<caption>" in body and "Organisation beta" not in body
    assert c.get("/api/v1/benchmark/1999").status_code == 400
    fund = Organisation.objects.create(name="Fond", slug="fond", kind="fund")
    from lom.organisations.services import membership_grant

    membership_grant(actor=None, organisation=fund, user=world.auditor, role="org_admin")
    c.force_login(world.coordinator)
    r = c.get(f"/api/v1/benchmark/{YEAR}")
    assert r.status_code == 200 and "Organisation beta" not in r.content.decode()
    # Two organisations only: every distribution is hidden, the own values are shown.
    figs = r.json()["figures"]
    assert all(f["distribution"] is None for f in figs)
    assert any(f["own"] is not None for f in figs)
    # A fund has no own figures to compare.
    c.force_login(world.auditor)
    c.post("/organisation/switch/", {"organisation": fund.pk})
    assert c.get("/benchmark/").status_code in (200, 403)
