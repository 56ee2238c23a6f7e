from django.contrib import messages
from django.contrib.auth import get_user_model
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


class SlidingSessionMiddleware:
    """The idle timeout counts what a person does, not what the browser does by itself:
    pages and form posts renew a signed-in session; the manifest, the service worker,
    health checks, static files and API polling do not (otherwise the session-expiry
    warning in long forms would be wrong)."""

    MACHINE_PREFIXES = ("/static/", "/api/", "/healthz", "/manifest.webmanifest", "/sw.js", "/favicon")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and hasattr(request, "session")
                and not request.path.startswith(self.MACHINE_PREFIXES) and response.status_code < 500):
            request.session.modified = True
        return response


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
                # request.user is a SimpleLazyObject: type(user) is not the model.
                get_user_model().objects.filter(pk=user.pk).update(language=language)
                user.language = language
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Staff must have TOTP two-factor authentication before any staff page.

    - staff without TOTP are sent to the TOTP activation page;
    - staff with TOTP whose session shows no second factor (neither a code at login nor
      the TOTP activation itself) are signed out and sent to the login, which then asks
      for the code. The Django admin login is routed to the
      allauth login (accounts/admin.py), so there is no password-only path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = _path_without_language(request.path_info)
        if path.startswith(STAFF_PATH_PREFIXES):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                from allauth.mfa.models import Authenticator

                from .selectors import user_is_staff

                if user_is_staff(user=user):
                    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                        messages.warning(
                            request,
                            _("Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein. "
                              "Ohne sie sind die Seiten der Verwaltung gesperrt."),
                        )
                        return redirect(reverse("mfa_activate_totp"))
                    if not _session_passed_mfa(request, user):
                        from django.contrib.auth import logout
                        from django.contrib.auth.views import redirect_to_login

                        logout(request)
                        messages.warning(
                            request,
                            _("Bitte melden Sie sich erneut an und bestätigen Sie die Anmeldung "
                              "mit dem Code aus Ihrer Authenticator-App."),
                        )
                        return redirect_to_login(request.get_full_path(), reverse("account_login"))
        return self.get_response(request)


def _session_passed_mfa(request, user) -> bool:
    """True if this session completed a second factor: a TOTP or recovery code at login,
    or the activation of TOTP (which proves possession; see `record_totp_activation`).

    Sessions without any allauth authentication record (only `force_login` in tests;
    every real login goes through allauth) are judged by the TOTP check alone.
    """
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, user)
    if not records:
        return True
    return any(record.get("method") == "mfa" for record in records)


def record_totp_activation(sender, request, user, authenticator, **kwargs) -> None:
    """allauth `authenticator_added` receiver: activating TOTP in this session means the
    person just entered a valid code, so the session counts as MFA-verified (otherwise a
    freshly enrolled staff member would have to log in again). Connected in
    core/apps.py."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)
