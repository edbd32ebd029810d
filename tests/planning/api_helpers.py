"""Calling the planning API in tests: a bearer token per user, JSON in and out."""

from typing import Any

from django.test import Client

from lom.accounts.models import ApiToken

BASE = "/api/v1/planning"


def call(user, method: str, path: str, body: Any = None):
    _token, raw = ApiToken.issue(user=user)
    send = getattr(Client(), method.lower())
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if body is not None:
        kwargs |= {"data": body, "content_type": "application/json"}
    return send(BASE + path, **kwargs)
