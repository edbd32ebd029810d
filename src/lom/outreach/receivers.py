"""Outreach listening to the apps below it (connected in OutreachConfig.ready)."""

from django.dispatch import receiver

from lom.cases.signals import application_started
from lom.outreach.web import note_application_from_session


@receiver(application_started, dispatch_uid="outreach.count_application")
def count_application_from_outreach(sender, *, request, organisation, **kwargs) -> None:
    """An application started by a person who came from the public page or the guide."""
    note_application_from_session(request, organisation)
