from .selectors import unread_count


def mailbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"mailbox_unread": 0}
    return {"mailbox_unread": unread_count(user=user)}
