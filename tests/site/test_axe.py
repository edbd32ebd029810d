"""The accessibility sweep: the whole demo in a real browser, checked by axe-core against
WCAG 2.1 A and AA, and for reflow at 320 CSS px.

For every demo role (and a visitor who is not signed in) it opens the pages of the menu, then
one level down (the links on those pages within the app, one page per URL pattern), and each
form on them submitted empty (its error state). On each page it runs axe-core with the WCAG 2.1
A/AA rules and fails on any violation, of any impact; and it checks at a 320 px wide viewport
that the page itself does not scroll sideways (wide tables scroll in their own region).
What it audited and found is written to test-artifacts/axe.json."""

import hashlib
import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from lom.fundmode.models import MeasureNotification
from tests.browser import login
from tests.demo.test_demo_all import demo_commands, load
from tests.identity import saml_fixtures

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACT = ROOT / "test-artifacts" / "axe.json"
saml_idp = saml_fixtures.saml_idp

# Every role of the demo once: the agency's roles, the joint-decision region's coordinator, the
# fund's administrator and officer, a member's coordinator, the counsellor, the events organiser.
ROLES = [
    "medarbetare",
    "chef",
    "samordnare",
    "facklig",
    "beslutsfattare",
    "revisor",
    "admin",
    "region-samordnare",
    "fond-admin",
    "fond-handlaggare",
    "ekby-samordnare",
    "vagledare",
    "evenemang",
]
PUBLIC = ["/login/", "/accessibility/", "/o/tillsynsverket/", "/o/tillsynsverket/guide/"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = 320
# Links that are not pages of the app, or that leave the session.
SKIP = re.compile(
    r"^/(static|media|django-admin|api|logout|sso|i18n)/|\.(pdf|xlsx|csv|ics|xml|json|zip)$"
    r"|/(export|download|pdf|xlsx|csv|ical|feed|rss)(/|$)"
)
# Bounds that keep the sweep within a few minutes: a menu page shared by many roles (the
# library, the agreements) is audited for the first few roles that have it, and at most this
# many pages one level down per role.
ROLES_PER_MENU_PAGE = 3
PER_ROLE = 20


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


# One round trip per page: axe with the WCAG 2.1 A/AA rules, and the heading levels. Headings
# do not skip a level on the way down (h2 then h4): axe counts that a best practice, not a WCAG
# rule; the sweep holds the pages to it (1.3.1, 2.4.6).
AUDIT_JS = """async (tags) => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']});
    const found = r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')).slice(0, 10)}));
    const skips = []; let last = 0;
    const all = 'main h1, main h2, main h3, main h4, main h5, main h6';
    for (const h of document.querySelectorAll(all)) {
        if (h.closest('[hidden]') || h.closest('template')) continue;
        const level = +h.tagName[1];
        const text = h.textContent.trim().slice(0, 60);
        if (level > last + 1) skips.push(`h${last} then h${level}: ${text}`);
        last = level;
    }
    if (skips.length) found.push({id: 'heading-skip', impact: 'moderate',
                                  help: 'Heading levels skip a level', targets: skips});
    return found;
}"""


def axe_run(page) -> list[dict]:
    # axe-core is in every document of the context already (new_context: an init script);
    # a page that lost it (none should) gets it as a script tag.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(AUDIT_JS, TAGS)


def wide_at_320(page) -> int | None:
    """The page's width at a 320 px viewport when it scrolls sideways, else None."""
    page.set_viewport_size({"width": NARROW, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return width if width > NARROW else None


# The content of a page as shown: <main> without the per-session CSRF token.
MAIN_JS = """() => {
    const main = document.querySelector('main');
    if (!main) return document.documentElement.outerHTML;
    const copy = main.cloneNode(true);
    for (const el of copy.querySelectorAll('input[name=csrfmiddlewaretoken]')) el.remove();
    return copy.outerHTML;
}"""
FORMS = "main form[method=post], main form[method=POST]"
FORMS_JS = """(selector) => {
    const visible = el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
    const fields = 'input[type=text], input[type=number], input[type=date], input[type=email], '
        + 'input:not([type]), textarea, input[type=file]';
    return [...document.querySelectorAll(selector)].map(f => ({
        fillable: [...f.querySelectorAll(fields)].some(visible),
        action: f.getAttribute('action'),
        button: [...f.querySelectorAll('button[type=submit], button:not([type])')].some(visible),
    }));
}"""


def new_page(browser):
    """A page in a fresh context whose every document gets axe-core as it is created (one
    copy of the script in the browser, not sent again with each page)."""
    ctx = browser.new_context(
        locale="sv-SE", bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    ctx.add_init_script(path=str(AXE))
    return ctx.new_page()


def links_in(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        f"{selector} a[href]", "els => els.map(a => a.getAttribute('href'))"
    )
    out = []
    for href in hrefs:
        if not href or not href.startswith("/") or href.startswith("//"):
            continue
        path = urlsplit(href).path
        if SKIP.search(path):
            continue
        out.append(path)
    return list(dict.fromkeys(out))


class Sweep:
    def __init__(self, base: str):
        self.base = base
        self.pages: list[dict] = []
        self.violations: list[dict] = []
        self.reflow: list[dict] = []
        self.forms_seen: set[str] = set()
        self.global_routes: set[str] = set()  # pages one level down: once for all roles
        self.menu_routes: dict[str, int] = {}  # menu page -> the roles that had it audited
        self.contents: dict[str, tuple[str, str]] = {}  # <main> audited -> (role, page)
        self.same: list[dict] = []  # pages shown to a role exactly as to another, not audited

    def audit(self, page, who: str, label: str) -> None:
        self.pages.append({"role": who, "page": label})
        for v in axe_run(page):
            self.violations.append({"role": who, "page": label, **v})
        width = wide_at_320(page)
        if width:
            self.reflow.append({"role": who, "page": label, "scroll_width": width})

    def visit(self, page, who: str, path: str) -> bool:
        try:
            response = page.goto(self.base + path)
        except Exception:  # a download, not a page
            return False
        if response is None or response.status != 200:
            return False
        if "text/html" not in (response.headers.get("content-type") or ""):
            return False
        # A page whose content (<main>) another role was shown exactly so is not audited again:
        # axe and the reflow check would find the same there, and this role's header and menu
        # were audited on its home page.
        key = hashlib.sha256(page.evaluate(MAIN_JS).encode()).hexdigest()
        first = self.contents.get(key)
        if first is not None and first[0] != who:
            self.same.append({"role": who, "page": path, "same_as": list(first)})
            return True
        self.contents.setdefault(key, (who, path))
        self.audit(page, who, path)
        return True

    def forms_in_error(self, page, who: str, path: str, route: str) -> None:
        """Each POST form with fields to fill, submitted empty: the page it answers with."""
        # What each POST form has, read in one round trip (visible: Playwright's rule, a box
        # that is not empty and no visibility:hidden).
        forms = page.evaluate(FORMS_JS, FORMS)
        for i, found in enumerate(forms):
            if not found["fillable"]:
                continue
            action = found["action"] or path
            key = f"{route} {urlsplit(action).path if action.startswith('/') else action}"
            if key in self.forms_seen:
                continue
            self.forms_seen.add(key)
            if not found["button"]:
                continue
            form = page.locator(FORMS).nth(i)
            button = form.locator("button[type=submit]:visible, button:not([type]):visible")
            form.evaluate(
                """f => { f.noValidate = true;
                    for (const el of f.querySelectorAll('input, textarea')) {
                        if (['text', 'number', 'date', 'email', ''].includes(el.type)
                            || el.tagName === 'TEXTAREA') el.value = '';
                    } }"""
            )
            try:
                with page.expect_navigation(timeout=10_000):
                    button.first.click()
            except Exception:
                page.goto(self.base + path)
                continue
            self.audit(page, who, f"{path} (form {i + 1} submitted empty)")
            return  # one form per page keeps the sweep short (the caller goes on elsewhere)

    def role(self, browser, who: str, extra=()) -> None:
        page = new_page(browser)
        ctx = page.context
        login(page, self.base, who, password="demo")
        self.audit(page, who, "/")
        menu = links_in(page, "header nav")
        seen_routes: set[str] = {route_of("/") or "/"}
        level1: list[str] = links_in(page, "main")
        for path in menu:
            route = route_of(path)
            if route is None or route in seen_routes:
                continue
            seen_routes.add(route)
            if self.menu_routes.get(route, 0) >= ROLES_PER_MENU_PAGE:
                continue
            self.menu_routes[route] = self.menu_routes.get(route, 0) + 1
            if self.visit(page, who, path):
                level1 += links_in(page, "main")
                self.forms_in_error(page, who, path, route)
        for path in extra:  # deeper pages named on purpose
            seen_routes.add(route_of(path) or path)
            if self.visit(page, who, path):
                self.forms_in_error(page, who, path, route_of(path) or path)
        down = 0
        for path in dict.fromkeys(level1):
            if down >= PER_ROLE:
                break
            route = route_of(path)
            if route is None or route in seen_routes or route in self.global_routes:
                continue
            seen_routes.add(route)
            self.global_routes.add(route)
            if self.visit(page, who, path):
                down += 1
                self.forms_in_error(page, who, path, route)
        ctx.close()

    def public(self, browser) -> None:
        page = new_page(browser)
        ctx = page.context
        for path in PUBLIC:
            self.visit(page, "(not signed in)", path)
        ctx.close()


@pytest.mark.django_db(transaction=True)
def test_every_demo_page_passes_axe_and_reflows_at_320_px(live_server, browser, saml_idp):
    if not AXE.exists():
        if os.environ.get("LOM_REQUIRE_BROWSER"):
            pytest.fail("axe-core is required (LOM_REQUIRE_BROWSER is set): run make install")
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    started = time.monotonic()
    for name in demo_commands():
        load(name, saml_idp)
    loaded = time.monotonic()

    sweep = Sweep(live_server.url)
    sweep.public(browser)
    for who in ROLES:
        sweep.role(browser, who, extra_pages(who))
    done = time.monotonic()

    report = {
        "pages_audited": len(sweep.pages),
        "forms_in_error_state": sum("submitted empty" in p["page"] for p in sweep.pages),
        "pages_same_as_audited": sweep.same,
        "violations": len(sweep.violations),
        "violations_by_rule": _by_rule(sweep.violations),
        "reflow_failures_at_320px": sweep.reflow,
        "seconds": {"demo_load": round(loaded - started), "sweep": round(done - loaded)},
        "pages": sweep.pages,
        "violation_details": sweep.violations,
    }
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=2, ensure_ascii=False))

    assert len(sweep.pages) >= 100, len(sweep.pages)
    problems = [
        f"{v['role']} {v['page']}: {v['id']} ({v['impact']}) {v['help']} at {v['targets']}"
        for v in sweep.violations
    ] + [
        f"{r['role']} {r['page']}: scrolls sideways at {NARROW} px ({r['scroll_width']} px wide)"
        for r in sweep.reflow
    ]
    assert not problems, "\n".join(problems)


def extra_pages(who: str) -> list[str]:
    """Pages two levels down that the sweep must see: the fund officer's assessment of a
    notification (criteria, a definition list and a decision form)."""
    if who != "fond-handlaggare":
        return []
    n = MeasureNotification.objects.filter(status=MeasureNotification.Status.SUBMITTED).first()
    return [f"/fund/notifications/{n.pk}/assess/"] if n else []


def _by_rule(violations: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in violations:
        out[v["id"]] = out.get(v["id"], 0) + 1
    return dict(sorted(out.items()))
