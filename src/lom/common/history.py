"""History in the reader's language. An audit event stores its action code (`case.submit`,
`ledger.commitment`) and the states before and after as codes; what the history shows is
rendered when shown: a sentence per action (declared in each app's ``messages`` module as the
system message ``event.<action>``) and the states through their model's labels (registered per
target type). An action nobody declared is shown as its code."""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lom.common.messages import Message, message, render_message

__all__ = ["event_action", "event_label", "event_sentence", "event_states", "history_states"]

_STATES: dict[str, Mapping[str, Promise | str]] = {}


def event_action(action: str, text: Promise) -> Message:  # pure: declares a history label
    return message(f"event.{action}", text)


def history_states(
    target_type: str, labels: Mapping[str, Promise | str]
) -> None:  # pure: the state labels of one target type (its TextChoices' labels), at import
    _STATES[target_type] = labels


def event_label(action: str) -> str:  # pure: the action's sentence in the active language
    shown = render_message(f"event.{action}", None)
    return action if shown is None else shown


def _state(target_type: str, code: object) -> str:
    labels = _STATES.get(target_type, {})
    label = labels.get(str(code))
    if label is None:
        return str(code)
    text = str(label)
    return text[:1].lower() + text[1:]


def event_states(
    target_type: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[str, str] | None:  # pure: (before, after) state labels when the state changed
    was, now = (before or {}).get("status"), (after or {}).get("status")
    if not was or not now or was == now:
        return None
    return _state(target_type, was), _state(target_type, now)


def event_sentence(
    action: str,
    target_type: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> str:  # pure: "Submitted the application (draft → submitted)"
    label = event_label(action)
    states = event_states(target_type, before, after)
    if states is None:
        return label
    return _("%(label)s (%(before)s → %(after)s)") % {
        "label": label,
        "before": states[0],
        "after": states[1],
    }
