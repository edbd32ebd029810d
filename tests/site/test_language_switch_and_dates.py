"""The public pages have a language switch (a link: the pages themselves still set no cookie);
the login page and the accessibility statement have the signed-in pages' switch. English dates
read ISO or in the English long form, Swedish ones as before; month names follow the language."""

from datetime import date, datetime

from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from lom.support.selectors import counselling_counts


def test_the_public_pages_switch_language_with_a_link_and_set_no_cookie_until_followed(world):
    c = Client()
    for path in (f"/o/{world.org.slug}/", f"/o/{world.org.slug}/guide/"):
        r = c.get(path)
        body = r.content.decode()
        assert not r.cookies
        assert '<nav class="language-switch" aria-label="Språk">' in body
        assert f'href="/i18n/choose/?language=en&amp;next={path}"' in body
        assert 'lang="en" hreflang="en">English' in body
    # Following the link (a plain GET, keyboard-usable as any link) sets the language.
    r = c.get(f"/i18n/choose/?language=en&next=/o/{world.org.slug}/guide/")
    assert r.status_code == 302 and r["Location"] == f"/o/{world.org.slug}/guide/"
    assert r.cookies["django_language"].value == "en"
    body = c.get(f"/o/{world.org.slug}/guide/").content.decode()
    assert '<html lang="en">' in body and "What could this mean for me?" in body
    assert 'aria-label="Language"' in body and 'lang="sv" hreflang="sv">Svenska' in body
    # Back to Swedish the same way.
    c.get(f"/i18n/choose/?language=sv&next=/o/{world.org.slug}/")
    assert '<html lang="sv">' in c.get(f"/o/{world.org.slug}/").content.decode()


def test_the_switch_goes_back_only_to_this_site_and_knows_its_languages(db):
    r = Client().get("/i18n/choose/?language=en&next=https://evil.example/")
    assert r.status_code == 302 and r["Location"] == "/"
    r = Client().get("/i18n/choose/?language=xx&next=/login/")
    assert r["Location"] == "/login/" and "django_language" not in r.cookies


def test_the_login_page_and_the_accessibility_statement_have_the_switch(db):
    for path in ("/login/", "/accessibility/"):
        body = Client().get(path).content.decode()
        assert 'action="/i18n/setlang/"' in body and 'name="language" value="en"' in body, path


def test_english_dates_read_iso_or_english_long_form_and_swedish_ones_are_unchanged():
    day, moment = date(2024, 1, 1), datetime(2024, 1, 1, 9, 30)
    with translation.override("en"):
        assert date_format(day) == "1 January 2024"
        assert date_format(day, "SHORT_DATE_FORMAT") == "2024-01-01"
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "2024-01-01 09:30"
        assert date_format(day, "YEAR_MONTH_FORMAT") == "January 2024"
        assert "Jan." not in date_format(day)
    with translation.override("sv"):
        assert date_format(day) == "1 januari 2024"
        assert date_format(day, "SHORT_DATE_FORMAT") == "2024-01-01"


def test_month_names_follow_the_language(world):
    with translation.override("en"):
        months = counselling_counts(organisation=world.org, year=2025).months
        assert months[0].label == "January 2025" and months[11].label == "December 2025"
    with translation.override("sv"):
        months = counselling_counts(organisation=world.org, year=2025).months
        assert months[0].label == "januari 2025"
