from django.contrib import messages


def add_error_messages(request, exc) -> None:
    """Show a ValidationError or PermissionDenied from a service as error messages."""
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)
