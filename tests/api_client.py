"""Calling the JSON API with a user's token in tests, and reading which field a 4xx names."""

import json
from collections.abc import Callable

from django.http import HttpResponse
from django.test import Client

from lom.accounts.models import ApiToken


def token_caller(user) -> Callable[..., HttpResponse]:
    """`call(method, url, payload=None)` with `user`'s bearer token and a JSON body."""
    _t, raw = ApiToken.issue(user=user)
    client = Client(raise_request_exception=False)

    def call(method: str, url: str, payload=None) -> HttpResponse:
        return getattr(client, method)(
            url,
            json.dumps(payload) if payload is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return call


def error_field(response) -> str | None:
    """The field a 4xx answer names: ours (400, `field`) or the schema's (422, `loc`)."""
    body = response.json()
    if isinstance(body.get("detail"), list):
        loc = body["detail"][0]["loc"]  # where (body, query, path), the schema's name, the field
        return next(x for x in loc[1:] if isinstance(x, str) and x not in ("payload", "params"))
    return body.get("field")
