"""Parity: every page and action of the UI has its counterpart in the API.

The test walks the URL configuration. Each UI view names its API operations with
`@api_counterpart("METHOD /path", ...)` (lom.common.parity); every operation named must be in
the OpenAPI document, and a view that names none must be in UI_ONLY below, with the reason."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lom.api.api import api
from lom.common.parity import ATTRIBUTE

# Not UI pages: the admin, the API itself, SCIM (an API of its own), the identity protocols'
# endpoints (a browser is redirected through them by the identity provider).
# `ping` is the benchmarks' bare baseline page (mounted only for them).
NOT_UI_PREFIXES = ("django-admin/", "api/", "scim/", "sso/saml/", "sso/oidc/", "static/", "ping")

# Pages and actions that are UI-only by nature, each with the reason.
UI_ONLY = {
    # Browser session: an API client authenticates with a bearer token instead.
    ":login": "signs a browser in; the API takes a bearer token",
    ":logout": "ends a browser session",
    "identity:reauth": "re-authenticates a browser session before a sensitive action",
    "identity:two_factor": "second factor of a browser sign-in",
    "identity:two_factor_enrol": "enrols the second factor of a browser sign-in",
    "identity:recovery_codes": "recovery codes of the browser sign-in's second factor",
    "identity:two_factor_settings": "settings of the browser sign-in's second factor",
    "identity:two_factor_disable": "turns off the browser sign-in's second factor",
    ":set_language": "the language cookie; the API follows Accept-Language",
    ":language_choose": "the public pages' language link; the API follows Accept-Language",
    "organisations:switch": "the session's organisation; the API takes X-LOM-Organisation",
    # Probes and static pages with no data of the organisation.
    ":healthz": "liveness probe for the load balancer",
    ":readyz": "readiness probe for the load balancer",
    ":accessibility": "the accessibility statement and its public feedback form",
    # The public page's step to the application form: counts the click and leaves an
    # anonymous marker in the browser session, then redirects to the (signed-in) form; an API
    # client creates the application with POST /cases.
    "public:apply": "counts a browser's click and redirects it to the application form",
    # Links that arrive by mail and carry their own signed token.
    "mail:unsubscribe": "the unsubscribe link of a mail, signed for its recipient",
    "levers:optout": "the campaign opt-out link of a mail, signed for its employee",
    # The live board's script endpoint: the polling of the board page's own script; the board's
    # state is read with GET /planning/workshops/{workshop_id}.
    "planning:workshop_live": "the live board's polling endpoint for its script",
    # The facilitator guide: static text on how to run a workshop (the suggested minutes per
    # step are constants of the code, not data of the organisation).
    "planning:guide": "the facilitator guide (static text)",
}


def _patterns(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}:{p.name}", p.callback


def ui_views():
    seen = {}
    for route, name, callback in _patterns(get_resolver().url_patterns):
        if route.startswith(NOT_UI_PREFIXES) or name in seen:
            continue
        seen[name] = (route, callback)
    return seen


UI = ui_views()
DOCUMENT = api.get_openapi_schema(path_prefix="/")
OPERATIONS = {
    f"{method.upper()} {path}" for path, item in DOCUMENT["paths"].items() for method in item
}


@pytest.mark.parametrize("name", sorted(UI))
def test_every_ui_view_has_its_api_counterpart(name):
    route, callback = UI[name]
    named = getattr(callback, ATTRIBUTE, None)
    if name in UI_ONLY:
        assert named is None, f"{name} is UI-only but names {named}"
        return
    assert named, f"{name} ({route}) names no API operation (@api_counterpart)"
    missing = [op for op in named if op not in OPERATIONS]
    assert missing == [], f"{name} names operations not in the API: {missing}"


def test_ui_only_lists_only_views_that_exist():
    assert sorted(set(UI_ONLY) - set(UI)) == []
