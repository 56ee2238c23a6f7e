from django.conf import settings


def platform(request):
    context = {
        "platform_name": settings.PLATFORM_NAME,
        "city_name": settings.CITY_NAME,
        "mailbox_unread": 0,
        "is_staff_user": False,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from digitalstadt.accounts.selectors import user_is_staff
        from digitalstadt.mailbox.selectors import unread_count

        context["mailbox_unread"] = unread_count(user=user)
        context["is_staff_user"] = user_is_staff(user=user)
    return context
