from pcmd.core.navigation import pages_for


def membership(request):
    current = getattr(request, "membership", None)
    return {
        "membership": current,
        "memberships": getattr(request, "memberships", []),
        "nav_pages": pages_for(current),
    }
