"""Derive a commune's plan from its province's plan; the province's view of which communes have one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pcmd.core import pickers
from pcmd.core.collation import vi_order
from pcmd.core.scoping import module_view, unit_choices
from pcmd.geo.models import AdminUnit, Level

from . import derive
from .models import PlanStatus


class DeriveForm(forms.Form):
    parent = forms.ModelChoiceField(label="Kế hoạch cấp trên", queryset=None,
                                    empty_label="— Chọn kế hoạch của tỉnh, thành phố —",
                                    error_messages={"required": "Hãy chọn kế hoạch cấp trên.",
                                                    "invalid_choice": "Kế hoạch này không có trong danh sách."})
    year = forms.IntegerField(label="Năm kế hoạch", min_value=2000, max_value=2100,
                              error_messages={"required": "Hãy nhập năm kế hoạch.",
                                              "invalid": "Năm phải là một số, ví dụ 2026."})
    unit = forms.ModelChoiceField(label="Xã, phường xây dựng kế hoạch", queryset=None,
                                  empty_label="— Chọn xã, phường —",
                                  error_messages={"required": "Hãy chọn xã, phường.",
                                                  "invalid_choice": "Xã, phường này không thuộc phạm vi của bạn "
                                                                    "hoặc không thuộc tỉnh của kế hoạch cấp trên."})

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        parents = derive.derive_parents(membership)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda p: f"{p} — {p.unit.name} ({p.get_status_display()})"
        parent = self._chosen_parent(parents)
        if parent is not None:
            units = derive.derive_units(membership, parent)
        elif membership.unit_id is not None:
            units = unit_choices(membership, [Level.COMMUNE]).order_by(vi_order())
        else:
            units = AdminUnit.objects.none()
            self.fields["unit"].help_text = "Chọn kế hoạch cấp trên, bấm “Xem trước” để hiện các xã, phường."
        self.fields["unit"].queryset = units
        self.fields["year"].widget.attrs.update({"inputmode": "numeric"})

    def _chosen_parent(self, parents):
        value = self.data.get("parent") if self.is_bound else self.initial.get("parent")
        try:
            return parents.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None


def _outside_scope_is_not_found(data, membership) -> None:
    """A parent plan or a commune the member may not use is simply not there (404), like any other record."""
    parent_id, unit_id = str(data.get("parent") or ""), str(data.get("unit") or "")
    if not (parent_id.isascii() and parent_id.isdigit()):
        return
    parent = derive.derive_parents(membership).filter(pk=int(parent_id)).first()
    unit_given = unit_id.isascii() and unit_id.isdigit()
    if parent is None or (unit_given and not derive.derive_units(membership, parent).filter(
            pk=int(unit_id)).exists()):
        raise Http404


@module_view("plans", "add")
def plan_derive_view(request):
    """GET shows the form (and, when filled in, the preview); POST creates the draft plan."""
    membership = request.membership
    data = request.POST if request.method == "POST" else (request.GET if "parent" in request.GET else None)
    initial = {"year": timezone.localdate().year}
    if membership.unit_id and membership.unit.level == Level.COMMUNE:
        initial["unit"] = membership.unit.pk
    if data is not None:
        _outside_scope_is_not_found(data, membership)
    form = DeriveForm(data, initial=initial, membership=membership)
    preview = existing = None
    status = 200
    if data is not None and form.is_valid():
        parent, unit, year = (form.cleaned_data[k] for k in ("parent", "unit", "year"))
        try:
            if request.method == "POST":
                plan = derive.plan_derive(parent=parent, unit=unit, year=year, user=request.user,
                                          membership=membership)
                messages.success(request, f"Đã tạo dự thảo “{plan}” cho {unit.name}: {plan.targets.count()} chỉ "
                                          f"tiêu, {plan.tasks.count()} nhiệm vụ. Hãy rà soát, bổ sung số, ngày "
                                          f"và người ký trước khi ban hành.")
                return HttpResponseRedirect(reverse("plan_detail", args=[plan.pk]))
            preview = derive.derive_preview(parent=parent, unit=unit, year=year)
            existing = derive.existing_derived(parent, unit, year)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    if form.errors:
        status = 400
    return render(request, "plans/derive.html", {"form": form, "preview": preview, "existing": existing},
                  status=status)


@pickers.canonical_params(extra={"province": "don-vi"})
@module_view("plans", "view")
def plan_coverage(request):
    """Communes of a province with their plan for a year: issued, draft, none (indicator COMMUNES_WITH_PLAN)."""
    membership = request.membership
    year, error = pickers.year_from_request(request)
    provinces = unit_choices(membership, [Level.PROVINCE]).order_by(vi_order())
    national = membership.unit_id is None
    unit = pickers.unit_from_query(request)  # a unit's code (404 outside scope, for every seat)
    if national:
        province = unit if unit is None or unit.level == Level.PROVINCE else unit.province
    else:
        province = membership.unit.province
    coverage = None
    chart = None
    if province is not None:
        within_unit = membership.unit if membership.unit_id else None
        coverage = derive.plan_coverage(province=province, year=year, within_unit=within_unit)
        chart = {"labels": [PlanStatus.ISSUED.label, "Đang dự thảo", "Chưa có kế hoạch"],
                 "values": [coverage.issued, coverage.draft, coverage.none]}
    return render(request, "plans/communes_with_plan.html", {
        "coverage": coverage, "chart": chart, "year": year, "province": province,
        "picker": pickers.picker(units=provinces if national else None, unit=province if national else None,
                                 all_label="— Chọn tỉnh, thành phố —", year=year, years=range(year - 3, year + 4),
                                 errors=[error]),
    })
