"""Hamlets / residential groups, on the generic CRUD."""

from pcmd.core import crud

from . import services
from .filters import HamletFilter
from .forms import HamletForm
from .models import AdminUnit, Level


def _initial(membership):
    unit = membership.unit
    return {"parent": unit} if unit is not None and unit.level == Level.COMMUNE else {}


hamlets = crud.register(crud.Crud(
    model=AdminUnit,
    slug="thon-to-dan-pho",
    name="hamlet",
    title="thôn, tổ dân phố",
    title_plural="thôn, tổ dân phố",
    form_class=HamletForm,
    filterset_class=HamletFilter,
    base_queryset=lambda: AdminUnit.objects.filter(level=Level.HAMLET),
    select_related=("parent", "province"),
    list_fields=["name", "division_type", "parent", "province", "is_active"],
    detail_fields=["code", "name", "division_type", "parent", "province", "is_active", "note"],
    columns_labels={"parent": "Xã/phường", "division_type": "Loại"},
    search_help="Tìm theo tên thôn, tổ dân phố",
    create=lambda *, membership, data: services.hamlet_create(commune=data["parent"], name=data["name"],
                                                              division_type=data["division_type"],
                                                              note=data["note"], is_active=data["is_active"]),
    update=lambda *, instance, data: services.hamlet_update(unit=instance, name=data["name"],
                                                            division_type=data["division_type"],
                                                            note=data["note"], is_active=data["is_active"]),
    initial=_initial,
))
