"""System messages of this app (lom.common.messages): stored as a code with parameters,
rendered in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from lom.common.messages import message

REGISTER_LEFT_WITH_OPEN_CASE = message(
    "register.left_with_open_case",
    _("%(name)s har slutat enligt personalregistret och har ärende %(case)s öppet."),
)
