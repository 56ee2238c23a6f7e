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
    """A lock not granted in time (core.locking.LockTimeout) that no view caught: 503
    with the "please try again" message and Retry-After, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import JsonResponse
        from django.shortcuts import render

        from .locking import LockTimeout

        if not isinstance(exception, LockTimeout):
            return None
        message = " ".join(str(m) for m in exception.messages)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "core/try_again.html", {"message": message}, status=503)
        response["Retry-After"] = "2"
        return response
