from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# Paths of the staff area (language prefix stripped) and the Django admin.
STAFF_PATH_PREFIXES = ("/verwaltung/", "/admin/")


def _path_without_language(path: str) -> str:
    for code in ("/en/",):
        if path.startswith(code):
            return path[len(code) - 1 :]
    return path


class UserLanguageMiddleware:
    """Remembers a signed-in person's language so that e-mails and background tasks use
    it. The URL decides the page language; this only stores the choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.method == "GET":
            language = translation.get_language()
            if language in ("de", "en") and user.language != language:
                type(user).objects.filter(pk=user.pk).update(language=language)
                user.language = language
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Staff must have TOTP two-factor authentication before any staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = _path_without_language(request.path_info)
        if path.startswith(STAFF_PATH_PREFIXES):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                from allauth.mfa.models import Authenticator

                from .selectors import user_is_staff

                if user_is_staff(user=user) and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists():
                    messages.warning(
                        request,
                        _("Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein. "
                          "Ohne sie sind die Seiten der Verwaltung gesperrt."),
                    )
                    return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
