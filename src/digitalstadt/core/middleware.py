class FormErrorStatusMiddleware:
    """A POST whose form comes back with errors answers 400, not 200, also for views we
    do not own (django-allauth's class-based views render TemplateResponses)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method == "POST" and response.status_code == 200:
            context = getattr(response, "context_data", None) or {}
            form = context.get("form")
            if form is not None and getattr(form, "is_bound", False) and form.errors:
                response.status_code = 400
        return response


class LockTimeoutMiddleware:
    """A lock not granted in time that no view caught: 503 with the "please try again"
    message and Retry-After, never a 500. Covers core.locking.LockTimeout and any other
    statement that waited longer than the connection's lock_timeout on PostgreSQL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import JsonResponse
        from django.shortcuts import render

        from django.db import OperationalError

        from .locking import LOCK_NOT_AVAILABLE, LockTimeout

        if isinstance(exception, OperationalError) and \
                getattr(exception.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            exception = LockTimeout()
        if not isinstance(exception, LockTimeout):
            return None
        message = " ".join(str(m) for m in exception.messages)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "core/try_again.html", {"message": message}, status=503)
        response["Retry-After"] = "2"
        return response


class BadParameterMiddleware:
    """A query or form parameter that could not be used (core.params.BadParameter) and
    that no view caught: 400 with the message in the user's language, never a 500.
    Pages get a page with a way back; /api/ gets `{"detail": message}`.

    A NUL byte in the path, the query string, a plain form or a JSON body is refused here
    for every view at once: no text of ours contains one, and PostgreSQL refuses it in a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            from django.utils.translation import gettext as _

            return bad_request_response(request, _("Die Adresse oder ein Formularfeld enthält unzulässige Zeichen."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .params import BadParameter

        if not isinstance(exception, BadParameter):
            return None
        return bad_request_response(request, exception.message)


def bad_request_response(request, message: str):
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "core/bad_request.html", {"message": message, "back_url": _back_url(request)}, status=400)


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    # Only plain forms: multipart bodies (uploads) are read by the views that expect them,
    # after their own size and rate checks.
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    # Any other body (django-ninja parses JSON whatever the declared content type).
    if request.content_type != "multipart/form-data" and b"\\u0000" in request.body:
        import json

        try:
            return _json_has_nul(json.loads(request.body))
        except ValueError:
            return False  # not JSON: the API's own validation answers
    return False


def _json_has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False


def _back_url(request) -> str:
    """The page the person came from when it is one of ours, else the home page."""
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return reverse("core:home")
