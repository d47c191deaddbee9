from django.contrib import admin

from .models import AgencyKind, Membership


@admin.register(AgencyKind)
class AgencyKindAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "sector", "is_standing", "instantiate", "order"]
    list_filter = ["level", "is_standing", "instantiate"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Superusers grant seats here until the scoped in-app user management exists."""

    list_display = ["user", "role", "unit", "agency", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name", "unit__search_text"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["unit", "agency"]
