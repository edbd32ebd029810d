"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.history import event_action

# The case history (lom.common.history).
event_action("followup.record", _("Registrerade uppföljningen"))
event_action("followup.update", _("Ändrade uppföljningen"))
event_action("survey.participants", _("Angav deltagare för enkäten"))
event_action("survey.answer", _("Ett enkätsvar kom in"))
