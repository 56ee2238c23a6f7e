from .selectors import user_is_staff


def staff(request):
    user = getattr(request, "user", None)
    return {"is_staff_user": bool(user is not None and user.is_authenticated and user_is_staff(user=user))}
