from .selectors import unread_count


def inbox(request):
    """The navbar's unread count: one COUNT query per page, only for a signed-in user (lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {"inbox_unread": lambda: unread_count(user, membership)}
