"""Services declare the identity assurance they need; views enforce it with this."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import AssuranceLevel


def assurance_required(level: str):
    """Signed-in people below `level` are sent to their account page to confirm their
    identity with an eID plugin; the request is not processed."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_assurance(level):
                messages.warning(
                    request,
                    _("Für diese Leistung müssen Sie Ihre Identität bestätigen (Vertrauensniveau: %(level)s).")
                    % {"level": AssuranceLevel(level).label},
                )
                return redirect("accounts:overview")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
