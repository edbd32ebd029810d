from django.conf import settings
from django.utils import translation


class LanguageCookieMiddleware:
    """Swedish unless the user chose another language (cookie set by the language switch).
    The browser's Accept-Language is deliberately not used: the service is Swedish first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if lang not in dict(settings.LANGUAGES):
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response
