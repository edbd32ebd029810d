"""The OpenAPI document is precise, operation by operation: every input is bounded, required
text cannot be empty, lists are cursor pages, and every status the operation can answer is
declared with the one error shape."""

import enum
import typing
from collections import defaultdict

import pytest
from ninja import Schema
from pydantic import WithJsonSchema

from lom.api.api import api

DOCUMENT = api.get_openapi_schema(path_prefix="/")
COMPONENTS = DOCUMENT.get("components", {}).get("schemas", {})
OPERATIONS = {
    f"{method.upper()} {path}": op
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
}
# Formats whose length is bounded by the format itself.
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "binary", "email", "uri"}


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _loose_inputs(node: dict, where: str, required: bool, out: list[str]) -> None:
    """Append to `out` every input in `node` that is not bounded."""
    node = _resolve(node)
    for key in ("anyOf", "oneOf", "allOf"):
        for part in node.get(key, []):
            _loose_inputs(part, where, required, out)
    kind = node.get("type")
    if kind == "string" and "enum" not in node and "const" not in node:
        if node.get("format") not in BOUNDED_FORMATS and "maxLength" not in node:
            out.append(f"{where}: text without maxLength")
        if required and node.get("minLength", 0) < 1 and node.get("format") is None:
            out.append(f"{where}: required text without minLength")
    if node.get("format") in ("date", "date-time") and "x-year-range" not in node:
        out.append(f"{where}: a date without the years it may name (common.schemas Day, Moment)")
    if kind == "integer" and ("minimum" not in node or "maximum" not in node):
        out.append(f"{where}: integer without minimum and maximum")
    if kind == "array":
        if "maxItems" not in node:
            out.append(f"{where}: list without maxItems")
        _loose_inputs(node.get("items", {}), f"{where}[]", False, out)
    if kind == "object" or "properties" in node:
        needed = set(node.get("required", []))
        for name, prop in node.get("properties", {}).items():
            _loose_inputs(prop, f"{where}.{name}", name in needed, out)


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_every_input_is_bounded(key):
    op = OPERATIONS[key]
    loose: list[str] = []
    for param in op.get("parameters", []):
        _loose_inputs(param["schema"], param["name"], param.get("required", False), loose)
    for media, body in op.get("requestBody", {}).get("content", {}).items():
        _loose_inputs(body["schema"], media, True, loose)
    assert loose == []


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_lists_are_cursor_pages(key):
    op = OPERATIONS[key]
    for code, response in op["responses"].items():
        if not str(code).startswith("2"):
            continue
        body = response.get("content", {}).get("application/json", {}).get("schema")
        if body is None:
            continue
        body = _resolve(body)
        assert body.get("type") != "array", f"{code} is a bare list, not a page"
        if "items" in body.get("properties", {}):
            assert "next_cursor" in body["properties"], f"{code} is a page without next_cursor"
            names = {p["name"] for p in op.get("parameters", [])}
            assert {"cursor", "limit"} <= names, "a page without cursor and limit parameters"


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_every_status_is_declared_in_the_one_shape(key):
    op = OPERATIONS[key]
    codes = {str(c) for c in op["responses"]}
    path = key.split(" ", 1)[1]
    wanted = {"429"}
    if op.get("security"):
        wanted |= {"401", "403"}
    if "{" in path:
        wanted.add("404")
    if op.get("parameters") or op.get("requestBody"):
        wanted.add("422")
    assert wanted <= codes
    for code in codes:
        if code.startswith(("4", "5")):
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, code


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_every_operation_has_a_summary_and_a_tag(key):
    op = OPERATIONS[key]
    assert op.get("tags"), "no tag"
    assert op.get("summary") or op.get("description"), "no summary"


def test_no_two_schemas_share_a_name():
    """The document names each schema by its class name: two classes of the same name would be
    documented as one (the second silently replaces the first)."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    by_name = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("lom."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {n: sorted(c) for n, c in by_name.items() if len(c) > 1 and n in COMPONENTS}
    assert shared == {}


def _enums(annotation) -> set[type]:
    """The enum classes an annotation names (inside Optional, list, ... too)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {annotation}
    if any(isinstance(m, WithJsonSchema) for m in getattr(annotation, "__metadata__", ())):
        return set()  # written out where it is used (`inline_choices`): no component
    return {e for arg in typing.get_args(annotation) for e in _enums(arg)}


def test_no_two_enums_share_a_name():
    """An enum is documented under its class name too: a second enum called `Status` would
    replace the first, and answers with the first's values would break the contract."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    by_name = defaultdict(set)
    for cls in subclasses(Schema):
        if not cls.__module__.startswith("lom."):
            continue
        for field in cls.model_fields.values():
            if any(isinstance(m, WithJsonSchema) for m in field.metadata):
                continue  # written out where it is used (`inline_choices`): no component
            for e in _enums(field.annotation):
                by_name[e.__name__].add(f"{e.__module__}.{e.__qualname__}")
    shared = {n: sorted(c) for n, c in by_name.items() if len(c) > 1 and n in COMPONENTS}
    assert shared == {}
