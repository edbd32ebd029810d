from typing import Any

from lom.common.logs import log_event
from lom.common.models import AuditEvent


def audit(
    *,
    organisation_id: int,
    actor,
    action: str,
    target,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    case=None,
    case_id: int | None = None,
) -> AuditEvent:
    """Record one event; pass the case as `case` or, from below the cases package, as
    `case_id`. The event is also one log line on `lom.event` (without before/after)."""
    event = AuditEvent.objects.create(
        organisation_id=organisation_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        case_id=case.pk if case is not None else case_id,
        before=before or {},
        after=after or {},
        note=note,
    )
    log_event(
        action=action,
        target_type=event.target_type,
        target_id=event.target_id,
        organisation_id=organisation_id,
        actor_id=event.actor_id,
    )
    return event
