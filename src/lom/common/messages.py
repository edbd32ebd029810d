"""System text in the reader's language. A row that holds text LOM wrote (a notification, an
objection raised by a reminder, a ledger memo, a default criterion) stores a message *code* and
its *parameters* (JSON), never the sentence; the sentence is rendered when it is shown, with
gettext in the language of whoever reads it. Text a person typed is stored as typed.

A message is declared once, at module level, next to the code that uses it:

    OBJECTION_RAISED = message("objection.raised", _("%(u)s invänder: %(s)s"))

and its code is looked up in one registry. Parameters are plain JSON values; a lazy
translation among them (a status label, say) is stored as ``{"msgid": ...}`` and translated
on display too, and a coded text among them (`Coded`) as ``{"code": ..., "params": ...}``.
Every app's ``messages`` module, if it has one, is imported at start-up, so
the registry is complete before any row is shown. A code the registry does not know (a row
written by an older release) falls back to the row's stored text."""

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

__all__ = [
    "Coded",
    "Message",
    "encode_params",
    "message",
    "message_known",
    "render_message",
    "render_or",
]

CODE_MAX = 60


@dataclass(frozen=True)
class Message:
    code: str
    text: Promise  # gettext_lazy: its msgid is the Swedish source sentence

    def __str__(self) -> str:
        return str(self.text)

    def render(self, params: Mapping[str, Any] | None = None, language: str | None = None) -> str:
        return render_message(self.code, encode_params(params), language) or ""


@dataclass(frozen=True)
class Coded:
    """A stored system text used as a parameter of another (an objection's default subject
    inside a notification): it is stored as its code and parameters and rendered with it."""

    code: str
    params: Mapping[str, Any]


_REGISTRY: dict[str, Message] = {}


def message(code: str, text: Promise) -> Message:  # pure: declares a message at import time
    if len(code) > CODE_MAX:
        raise ValueError(f"message code too long: {code}")
    known = _REGISTRY.get(code)
    if known is not None and _msgid(known.text) != _msgid(text):
        raise ValueError(f"message code declared twice with different text: {code}")
    found = Message(code=code, text=text)
    _REGISTRY[code] = found
    return found


def message_known(code: str) -> bool:  # pure: is the code declared
    return code in _REGISTRY


def _msgid(value: Promise) -> str | None:
    args = getattr(value, "_args", None)
    if args and len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return None


def _encode(value: object) -> object:
    if isinstance(value, Coded):
        return {"code": value.code, "params": dict(value.params)}
    if isinstance(value, Promise):
        msgid = _msgid(value)
        if msgid is not None:
            return {"msgid": msgid}
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def encode_params(
    params: Mapping[str, object] | None,
) -> dict[str, object]:  # pure: parameters as JSON, lazy texts kept as their msgid
    return {str(k): _encode(v) for k, v in (params or {}).items()}


def _decode(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"msgid"}:
        return translation.gettext(str(value["msgid"]))
    if isinstance(value, dict) and set(value) == {"code", "params"}:
        params = value["params"] if isinstance(value["params"], dict) else {}
        shown = render_message(str(value["code"]), params)
        return "" if shown is None else shown
    return value


def render_message(
    code: str, params: Mapping[str, object] | None, language: str | None = None
) -> str | None:  # pure: the sentence in the given (default: active) language
    """None when the code is not known."""
    found = _REGISTRY.get(code) if code else None
    if found is None:
        return None
    with translation.override(language or translation.get_language()):
        text = str(found.text)
        values = {k: _decode(v) for k, v in (params or {}).items()}
        if values:
            # A row whose parameters no longer fit shows the sentence unfilled.
            with suppress(KeyError, TypeError, ValueError):
                text = text % values
    return text


def render_or(
    code: str, params: Mapping[str, object] | None, fallback: str
) -> str:  # pure: the coded message in the active language, else the stored text
    shown = render_message(code, params)
    return fallback if shown is None else shown
