from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import units_search


@login_required
def unit_search(request):
    """Find a unit by name, without diacritics or case ("bach dang"); htmx refreshes the results."""
    query = request.GET.get("q", "").strip()
    results = units_search(query, request.membership) if len(query) >= 2 else []
    template = "geo/_unit_results.html" if request.headers.get("HX-Request") else "geo/unit_search.html"
    return render(request, template, {"q": query, "results": results})
