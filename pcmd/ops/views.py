"""The admin's view of the job queue, and the load balancer's health check."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from pcmd.core.scoping import get_scoped_or_404, module_view, scoped

from . import jobs
from .models import JobRun, JobState


@module_view("audit", "view")
def job_list(request):
    runs = scoped(JobRun.objects.select_related("unit"), request.membership)
    state = request.GET.get("trang-thai", "")
    if state in JobState.values:
        runs = runs.filter(state=state)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    counts = {s: scoped(JobRun.objects.filter(state=s), request.membership).count() for s in JobState.values}
    return render(request, "ops/job_list.html", {
        "page": page, "state": state, "states": [(v, label, counts[v]) for v, label in JobState.choices],
        "querystring": urlencode({"trang-thai": state}) if state else "",
    })


@module_view("audit", "view")
def job_run_again(request, pk):
    """GET asks to confirm; POST queues a failed job once more (anything else is left as it is)."""
    run = get_scoped_or_404(JobRun.objects.all(), request.membership, pk=pk)
    if request.method != "POST":
        return render(request, "ops/job_run_again.html", {"run": run})
    if run.state == JobState.FAILED:
        jobs.run_again(run)
        messages.success(request, "Đã đưa tác vụ vào hàng đợi để chạy lại.")
    return redirect("job_list")


@never_cache
def healthz(request):
    """200 when this app server can answer and reach its database; 503 otherwise (no details for strangers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})
