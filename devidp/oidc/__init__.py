"""A local OpenID Connect provider for tests and `make demo` (test-only: never in production).

django-oauth-toolkit with OIDC on, RS256 with a key generated at start, its own SQLite database
in a temporary folder, the people of `devidp/users.json` (password "idp") and one confidential
client with PKCE required. Run: `python -m devidp.oidc --port 8102 --redirect-uri URI`."""
