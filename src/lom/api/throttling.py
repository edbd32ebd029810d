"""Rate limits of the API: django-ninja's throttles, with the rates read from the settings on
every request (so an operator or a test can change them) and an empty rate meaning "off".
Anonymous calls are counted per client address as `lom.common.clientip` decides it (ninja's
own guess would believe a client-sent X-Forwarded-For)."""

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from lom.common.clientip import client_ip


class _SettingsRate(SimpleRateThrottle):
    """The rate comes from the setting named `setting`, read at each request."""

    setting = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting, None) or None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request) or None


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    setting = "LOM_API_RATE_ANON"


class UserThrottle(_SettingsRate, UserRateThrottle):
    setting = "LOM_API_RATE_USER"
