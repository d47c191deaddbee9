"""Django admin: the violation catalogue (edited by administrators) and read access to the rest."""

from django.contrib import admin

from .models import RiskWeights, ViolationType


@admin.register(ViolationType)
class ViolationTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "article", "decree", "fine_min", "fine_max", "order", "is_active"]
    list_editable = ["article", "order", "is_active"]
    list_filter = ["is_active", "decree"]
    search_fields = ["code", "name", "article"]


@admin.register(RiskWeights)
class RiskWeightsAdmin(admin.ModelAdmin):
    list_display = ["unit", "type_weight", "violations_weight", "tips_weight", "hotspot_weight", "months_weight",
                    "months_cap", "workers_weight"]
    raw_id_fields = ["unit"]
