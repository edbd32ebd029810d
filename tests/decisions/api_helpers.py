"""Calling the decisions API in tests: a bearer token per user, JSON in and out."""

from django.test import Client

from lom.accounts.models import ApiToken
from lom.cases import services as cs
from tests.factories import make_case


class Api:
    """The API as one user sees it (a bearer token, or a given signed-in client)."""

    def __init__(self, user, client: Client | None = None):
        self.client = client or Client()
        self.headers = {}
        if client is None:
            _t, raw = ApiToken.issue(user=user)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1/decisions{path}", params, **self.headers)

    def _send(self, method: str, path: str, body: dict | None):
        return getattr(self.client, method)(
            f"/api/v1/decisions{path}", body or {}, content_type="application/json", **self.headers
        )

    def post(self, path: str, body: dict | None = None):
        return self._send("post", path, body)

    def put(self, path: str, body: dict | None = None):
        return self._send("put", path, body)


def in_review(w, **kw):
    return cs.case_transition(
        actor=w.actor(w.coordinator), case=make_case(w, **kw), name="start_review"
    )
