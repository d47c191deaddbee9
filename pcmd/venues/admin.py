from django.contrib import admin

from .models import EstablishmentType


@admin.register(EstablishmentType)
class EstablishmentTypeAdmin(admin.ModelAdmin):
    """The catalogue of establishment types: names, default managing agency kind, risk weight."""

    list_display = ["name", "code", "managing_agency_kind", "risk_weight", "order", "is_active"]
    list_editable = ["risk_weight", "order", "is_active"]
    list_filter = ["is_active", "managing_agency_kind"]
    search_fields = ["name", "code"]
    exclude = ["version"]
