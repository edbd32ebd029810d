"""`{{ event|event_sentence }}`: an audit event as a sentence in the reader's language."""

from django import template

from lom.common.history import event_label, event_sentence
from lom.common.models import AuditEvent

register = template.Library()


@register.filter(name="event_sentence")
def event_sentence_filter(event: AuditEvent) -> str:
    return event_sentence(event.action, event.target_type, event.before, event.after)


@register.filter(name="event_label")
def event_label_filter(event: AuditEvent) -> str:
    return event_label(event.action)
