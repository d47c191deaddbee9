from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The current membership's unit, role and the modules it may use (from the context processor)."""
    from pcmd.inbox.selectors import notices_for  # the latest unread notices of the inbox
    from pcmd.support.wall import unacknowledged  # and files of the commune opened by break-glass

    return render(request, "core/home.html", {
        "notices": list(notices_for(request.user, getattr(request, "membership", None))
                        .filter(read_at__isnull=True)[:5]),
        "break_glass_notices": unacknowledged(getattr(request, "membership", None)).select_related("user"),
    })


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)
