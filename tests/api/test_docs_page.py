"""The API docs page works offline under the site's content policy: Swagger UI comes from our
own static files, the browser reports no policy violation, and the operations are listed."""

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_lists_the_operations_with_the_content_policy_on(live_server, browser):
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc))

    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    page.wait_for_selector(".opblock", timeout=60_000)  # a busy machine builds the document slowly

    assert page.locator(".opblock").count() > 50
    assert page.get_by_text("/api/v1/cases", exact=True).first.is_visible()
    assert refused == []
    assert hosts == {urlparse(live_server.url).netloc}
    ctx.close()
