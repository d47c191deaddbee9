from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from pcmd.core.scoping import chosen_unit, module_view

from .models import Level
from .selectors import unit_picks, units_search

MIN_QUERY = 2


@login_required
def unit_search(request):
    """Find a unit by name, without diacritics or case ("bach dang"); htmx refreshes the results."""
    query = request.GET.get("q", "").strip()
    results = units_search(query, request.membership) if len(query) >= MIN_QUERY else []
    template = "geo/_unit_results.html" if request.headers.get("HX-Request") else "geo/unit_search.html"
    return render(request, template, {"q": query, "results": results})


@module_view("geo", "view")
def unit_pick(request):
    """The suggestions of a form's unit search box (core.pickers.UnitSearchInput), as JSON: only units the
    member's pickers may offer (`?cap=` levels, inside `?trong=<code>` which must be in scope, else 404)."""
    levels = [v for v in request.GET.get("cap", "").split(",") if v in Level.values]
    under = chosen_unit(request.membership, request.GET.get("trong", "")) if request.GET.get("trong") else None
    query = request.GET.get("q", "")[:100]
    if not levels or len(query.strip()) < MIN_QUERY:
        return JsonResponse({"results": [], "more": False})
    units, more = unit_picks(request.membership, query, levels, under=under, active=request.GET.get("ca-cu") != "1")
    return JsonResponse({"results": [{"code": u.code, "label": u.label} for u in units], "more": more})
