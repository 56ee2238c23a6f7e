from django.conf import settings


def platform(request):
    """City and platform names. Apps add their own values through their own context
    processors (mailbox: unread count; accounts: whether the user is staff)."""
    return {"platform_name": settings.PLATFORM_NAME, "city_name": settings.CITY_NAME}
