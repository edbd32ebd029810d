"""URLconf of tests that need the SSO start URLs to reverse (see account_fixtures)."""

from tests.identity.account_fixtures import site_with_sso_routes

urlpatterns = site_with_sso_routes()
