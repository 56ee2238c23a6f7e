from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .registry import capabilities


def staff_required(view):
    """City staff only (MFA is enforced by StaffMFARequiredMiddleware on /verwaltung/)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not capabilities.call("user_is_staff", user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def platform_admin_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not capabilities.call("user_is_platform_admin", user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
