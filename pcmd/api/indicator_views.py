"""Indicators and their values for a unit and period: the scorecard's numbers (engine, targets, status, small
counts hidden), never computed anew here."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from pcmd.core.periods import Period, PeriodError
from pcmd.core.scoping import chosen_unit
from pcmd.dashboard import selectors
from pcmd.indicators.catalogue import CATALOGUE

from .framework import Resource

INDICATORS = inline_serializer("Indicator", many=True, fields={
    "code": serializers.CharField(), "name": serializers.CharField(),
    "metric": serializers.ChoiceField(["count", "percent"]), "definition": serializers.CharField(),
    "sensitive": serializers.BooleanField(),
})
CELLS = inline_serializer("IndicatorValue", many=True, fields={
    "indicator": serializers.CharField(), "value": serializers.FloatField(allow_null=True),
    "numerator": serializers.FloatField(allow_null=True), "denominator": serializers.FloatField(allow_null=True),
    "masked": serializers.CharField(help_text="“<5” khi số nhỏ bị ẩn (indicators/suppression.py)."),
    "target": serializers.CharField(), "status": serializers.CharField(allow_blank=True),
    "status_label": serializers.CharField(allow_blank=True),
})
ROWS = inline_serializer("IndicatorRow", many=True, fields={
    "unit": serializers.CharField(allow_blank=True), "name": serializers.CharField(),
    "total": serializers.BooleanField(), "values": CELLS,
})
VALUES = inline_serializer("IndicatorValues", {
    "unit": serializers.CharField(allow_blank=True), "period": serializers.CharField(),
    "period_label": serializers.CharField(), "rows": ROWS,
})


class IndicatorViewSet(Resource):
    module = "indicators"
    pagination_class = None

    @extend_schema(summary="Danh mục chỉ số", responses=INDICATORS)
    def list(self, request):
        return Response([{"code": i.code, "name": i.name, "metric": i.metric, "definition": i.definition,
                          "sensitive": i.sensitive} for i in CATALOGUE])

    @extend_schema(
        summary="Giá trị chỉ số của một đơn vị và kỳ (như bảng điều hành: giá trị, chỉ tiêu, trạng thái)",
        parameters=[
            OpenApiParameter("unit", str, description="Mã tỉnh hoặc xã trong phạm vi của khóa; để trống: đơn vị "
                                                      "của vai trò (khóa giới hạn một đơn vị: đơn vị đó)."),
            OpenApiParameter("period", str, description="Kỳ: 2026, 2026S1, 2026Q2, 202605; mặc định năm nay."),
            OpenApiParameter("codes", str, description="Chỉ các chỉ số này (mã, cách nhau bằng dấu phẩy)."),
        ],
        responses=VALUES,
        examples=[OpenApiExample("Một xã, năm 2026", response_only=True, value={
            "unit": "11311", "period": "2026", "period_label": "Năm 2026", "rows": [
                {"unit": "11311", "name": "Phường Bạch Đằng", "total": False, "values": [
                    {"indicator": "EST_INSPECTED", "value": 62.5, "numerator": 5, "denominator": 8, "masked": "",
                     "target": "≥ 80%", "status": "cham", "status_label": "Chậm"}]}]})])
    def values(self, request):
        today = timezone.localdate()
        raw_period = request.query_params.get("period", "") or str(today.year)
        try:
            period = Period.parse(raw_period)
        except PeriodError as exc:
            raise exceptions.ValidationError({"period": [str(exc)]}) from exc
        if period.kind == "phase":
            raise exceptions.ValidationError({"period": ["Giá trị chỉ số theo năm, 6 tháng, quý hoặc tháng."]})
        raw_unit = request.query_params.get("unit", "")
        units = self.key_units()
        if not raw_unit and units:
            if len(units) != 1:
                raise exceptions.ValidationError({"unit": ["Khóa này giới hạn nhiều đơn vị: hãy chọn một (unit=)."]})
            raw_unit = units[0].code
        unit = chosen_unit(self.membership, raw_unit, units=units) if raw_unit else selectors.home_unit(
            self.membership)
        codes = [c.strip() for c in request.query_params.get("codes", "").split(",") if c.strip()] or None
        known = {i.code for i in CATALOGUE}
        if codes and set(codes) - known:
            raise exceptions.ValidationError({"codes": [f"Không có chỉ số: {', '.join(sorted(set(codes) - known))}."]})
        card = selectors.scorecard(selectors.Focus(unit), period, today, codes,
                                   own_commune=selectors.own_commune(self.membership))
        rows = [*card.rows, *([card.total] if card.total is not None else [])]
        return Response({
            "unit": unit.code if unit is not None else "", "period": period.code, "period_label": period.label,
            "rows": [{"unit": _code(row), "name": row.name, "total": row is card.total,
                      "values": [_cell(c) for c in row.cells]} for row in rows],
        })


def _code(row) -> str:
    return getattr(row, "code", "") or ""


def _cell(cell) -> dict:
    value = cell.value
    judgement = cell.judgement
    return {
        "indicator": cell.indicator.code,
        "value": None if value is None or value.value is None else round(float(value.value), 4),
        "numerator": None if value is None else float(value.numerator),
        "denominator": None if value is None or value.denominator is None else float(value.denominator),
        "masked": cell.masked, "target": cell.target,
        "status": judgement.status.value if judgement is not None else "",
        "status_label": judgement.status.label if judgement is not None else "",
    }
