"""The accessibility statement (DIGG's template) and its public feedback form: the statement's
parts, kept per installation in the admin; feedback reaches the organisation's administrators
(or the installation's) as a notification and a mail; a honeypot and a rate limit."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from lom.accounts.models import User
from lom.common.errors import DomainError
from lom.common.models import Notification
from lom.mail.models import OutboundMail
from lom.operations.accessibility import FEEDBACK_PER_HOUR
from lom.operations.models import AccessibilityIssue
from lom.operations.services import accessibility_statement_save
from tests.factories import signed_in

URL = "/accessibility/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The rate limit counts in the shared cache; each test starts with none sent."""
    cache.clear()
    yield
    cache.clear()


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_the_statement_has_every_part_of_diggs_template(world):
    page = text_of(Client().get(URL))
    for expected in (
        "Tjänsten är delvis förenlig med lagen om tillgänglighet till digital offentlig service",
        "Innehåll som inte är tillgängligt",
        "Bilagor som användare laddar upp",
        "innehållet omfattas inte av lagkraven",
        "Rapportera brister i tjänstens tillgänglighet",
        "Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn",
        'href="https://www.digg.se/tdosanmalan"',
        "Hur vi testat tjänsten",
        "Senaste bedömningen gjordes 2026-12-01.",
        "Redogörelsen upprättades 2026-12-01 och uppdaterades senast 2026-12-01.",
        'name="message"',
    ):
        assert expected in page, expected


@pytest.mark.django_db
def test_the_platform_admin_keeps_status_issues_and_dates(world):
    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    admin = signed_in(root)
    r = admin.post(
        "/django-admin/operations/accessibilitystatement/add/",
        {
            "compliance": "none",
            "assessment_method": "Extern granskning av Tillgänglighetsbyrån.",
            "assessed_on": "2027-02-03",
            "published_on": "2027-01-01",
            "reviewed_on": "2027-03-04",
            "contact_email": "a11y@example.org",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    r = admin.post(
        "/django-admin/operations/accessibilityissue/add/",
        {
            "order": "1",
            "title": "Kartan över kontoren",
            "reason": "burden",
            "description": "Kartan saknar textalternativ.",
        },
    )
    assert r.status_code == 302
    # One statement per installation.
    with pytest.raises(DomainError):
        accessibility_statement_save(
            statement=None,
            compliance="full",
            assessment_method="x",
            assessed_on=date(2027, 1, 1),
            published_on=date(2027, 1, 1),
            reviewed_on=date(2027, 1, 1),
        )
    page = text_of(Client().get(URL))
    for expected in (
        "Tjänsten är inte förenlig",
        "Kartan över kontoren</strong> (oskälig belastning). Kartan saknar textalternativ.",
        "Extern granskning av Tillgänglighetsbyrån.",
        "gjordes 2027-02-03",
        "upprättades 2027-01-01 och uppdaterades senast 2027-03-04",
        'href="mailto:a11y@example.org"',
    ):
        assert expected in page, expected
    assert "Bilagor som användare laddar upp" not in page
    # A fixed issue leaves the statement.
    issue = AccessibilityIssue.objects.get()
    assert (
        admin.post(
            f"/django-admin/operations/accessibilityissue/{issue.pk}/delete/", {"post": "yes"}
        ).status_code
        == 302
    )
    assert "Kartan över kontoren" not in text_of(Client().get(URL))


@pytest.mark.django_db
def test_feedback_from_a_public_page_reaches_that_organisations_admins(world, other_world):
    world.admin.email = "admin@example.org"
    world.admin.save(update_fields=["email"])
    c = Client()
    assert f'href="{URL}?org={world.org.slug}"' in c.get(f"/o/{world.org.slug}/").content.decode()
    r = c.post(
        URL,
        {
            "org": world.org.slug,
            "message": "Knappen Ansök går inte att nå med tangentbordet.",
            "page": "/p/org/",
            "name": "Kim",
            "email": "kim@example.org",
            "website": "",
        },
    )
    assert r.status_code == 302 and r["Location"] == f"{URL}?org={world.org.slug}"
    (note,) = Notification.objects.filter(kind="accessibility")
    assert note.user == world.admin and note.organisation == world.org
    assert "Knappen Ansök går inte att nå med tangentbordet." in note.text
    assert "Kim <kim@example.org>" in note.text
    (mail,) = OutboundMail.objects.filter(kind="accessibility")
    assert mail.to_address == world.admin.email and "Knappen Ansök" in mail.text
    assert not Notification.objects.filter(user=other_world.admin).exists()
    assert "Tack! Din synpunkt har skickats" in text_of(c.get(r["Location"]))


@pytest.mark.django_db
def test_a_signed_in_users_feedback_concerns_their_organisation(world, other_world):
    r = signed_in(world.employee).post(
        URL, {"org": other_world.org.slug, "message": "Kontrasten i menyn är för låg."}
    )
    assert r.status_code == 302
    assert Notification.objects.get(kind="accessibility").user == world.admin


@pytest.mark.django_db
def test_without_an_organisation_the_installations_admins_get_it(world):
    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    r = Client().post(URL, {"message": "Fokus syns inte."})
    assert r.status_code == 302
    # An administrator of no organisation gets the mail (no in-app list without one).
    assert not Notification.objects.filter(kind="accessibility").exists()
    (mail,) = OutboundMail.objects.filter(kind="accessibility")
    assert mail.to_address == root.email and "Fokus syns inte." in mail.text


@pytest.mark.django_db
def test_the_form_refuses_empty_and_overlong_text_with_an_error_summary(world):
    r = Client().post(URL, {"message": ""})
    assert r.status_code == 400
    page = r.content.decode()
    assert 'class="error-summary"' in page or "error-summary" in page
    r = Client().post(URL, {"message": "x" * 2001})
    assert r.status_code == 400
    assert not Notification.objects.filter(kind="accessibility").exists()


@pytest.mark.django_db
def test_a_filled_honeypot_is_thanked_and_dropped(world):
    r = Client().post(URL, {"org": world.org.slug, "message": "Köp billigt", "website": "x.y"})
    assert r.status_code == 302
    assert not Notification.objects.filter(kind="accessibility").exists()
    assert not OutboundMail.objects.filter(kind="accessibility").exists()


@pytest.mark.django_db
def test_one_address_sends_a_bounded_number_an_hour(world):
    c = Client()
    for i in range(FEEDBACK_PER_HOUR):
        assert c.post(URL, {"org": world.org.slug, "message": f"Nr {i}"}).status_code == 302
    r = c.post(URL, {"org": world.org.slug, "message": "En till"})
    assert r.status_code == 400 and "Försök igen om en timme" in r.content.decode()
    assert Notification.objects.filter(kind="accessibility").count() == FEEDBACK_PER_HOUR
