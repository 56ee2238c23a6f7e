from django.conf import settings


def platform(request):
    """City and platform names. Apps add their own values through their own context
    processors (mailbox: unread count; accounts: whether the user is staff)."""
    return {"platform_name": settings.PLATFORM_NAME, "city_name": settings.CITY_NAME}


def staff_navigation(request):
    """On staff pages (/verwaltung/...), the work areas of this user as a second
    navigation, so that no staff page is a dead end."""
    path = request.path_info
    if path.startswith("/en/"):
        path = path[3:]
    user = getattr(request, "user", None)
    if not path.startswith("/verwaltung/") or user is None or not user.is_authenticated:
        return {}
    from django.urls import NoReverseMatch, reverse

    from .registry import capabilities
    from .staff_views import areas_for

    if not capabilities.call("user_is_staff", user=user):
        return {}
    items = []
    for area in areas_for(user):
        try:
            url = reverse(area.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": area.label, "url": url})
    # The longest matching prefix is the current area ("/verwaltung/" itself is home).
    current = max((item for item in items if request.path.startswith(item["url"])),
                  key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["current"] = item is current
    return {"staff_nav": items, "staff_home_current": current is None and path == "/verwaltung/"}
