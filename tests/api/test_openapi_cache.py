"""The OpenAPI document is built once per process and language, not on every request."""

from django.test import Client
from django.utils import translation

from lom.api.api import api


def test_the_document_is_built_once_and_served_from_then_on(db, monkeypatch):
    built: list[str | None] = []
    original = type(api)._build_openapi_schema

    def counting(self, **kwargs):
        built.append(translation.get_language())
        return original(self, **kwargs)

    api.__dict__.pop("_openapi_documents", None)
    monkeypatch.setattr(type(api), "_build_openapi_schema", counting)
    first = Client().get("/api/v1/openapi.json")
    second = Client().get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and len(first.json()["paths"]) > 50
    assert len(built) == 1
    # Another language gets its own document (texts in it may be translated).
    Client().get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    Client().get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    assert built == ["sv", "en"]
    with translation.override("sv"):
        assert api.get_openapi_schema(path_prefix="/api/v1/") is api.get_openapi_schema(
            path_prefix="/api/v1/"
        )
