from pcmd.core.navigation import menu_for


def membership(request):
    current = getattr(request, "membership", None)
    return {
        "membership": current,
        "memberships": getattr(request, "memberships", []),
        "nav_groups": menu_for(current),
    }
