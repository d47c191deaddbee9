"""Which report type fulfils a plan's reporting duty (the duties the plan import finds, pcmd.plans ReportingDuty).

A matching rule, run whenever a plan is shown (so a type edited or added later is found at once, and nothing has to
be kept in step): the duty's frequency (6 months, year) and the reporting level — communes when the duty names
them as the reporter ("UBND các xã, phường …"), else the plan's own unit's level — give the type that applies in
the plan's province (its own type first, else the general one). An ad hoc duty ("báo cáo đột xuất") is met by
the ad hoc requests; monthly and quarterly duties have no type yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pcmd.core.models import fold

COMMUNE_WORDS = re.compile(r"\b(xa|phuong|dac khu|thi tran)\b(?! hoi| huong)")  # not "xã hội", "phương hướng"
PROVINCE_OFFICE = re.compile(r"^(so|ubnd (tinh|thanh pho)|uy ban nhan dan (tinh|thanh pho))\b")


@dataclass
class DutyLink:
    report_type: object | None  # ReportType
    note: str  # what to tell the reader when there is no type or the deadlines differ


def reporting_level(duty, plan) -> str | None:
    """Communes when the duty names them as reporters or reports to a province's office (a Sở, the province's
    People's Committee: Hà Nội's plan makes its wards report "gửi Sở Y tế"); else the plan's unit's level."""
    if COMMUNE_WORDS.search(fold(duty.reporter or "")) or PROVINCE_OFFICE.search(fold(duty.recipient or "")):
        return "commune"
    return {"commune": "commune", "province": "province"}.get(plan.unit.level) if plan.unit_id else None


def link_duties(plan, duties: list) -> dict[int, DutyLink]:
    """duty pk -> its link, from one query over the active periodic types."""
    from .models import Frequency, ReportType
    from .services import types_for

    province_id = (plan.unit.province_id or plan.unit_id) if plan.unit_id else None
    types = list(ReportType.objects.filter(is_active=True).exclude(frequency=Frequency.AD_HOC))
    applying = types_for(province_id, types) if province_id else [t for t in types if t.province_id is None]
    out = {}
    for duty in duties:
        if duty.frequency == Frequency.AD_HOC:
            out[duty.pk] = DutyLink(None, "Thực hiện bằng yêu cầu báo cáo đột xuất của cấp trên.")
            continue
        level = reporting_level(duty, plan)
        found = next((t for t in applying if t.level == level and t.frequency == duty.frequency), None)
        if found is None:
            out[duty.pk] = DutyLink(None, "Chưa có loại báo cáo tương ứng trong hệ thống.")
            continue
        note = ""
        if duty.deadline_day and (duty.deadline_day, duty.deadline_month) != (found.due_day, found.due_month):
            note = (f"Hạn trong kế hoạch {duty.deadline_day:02d}/{duty.deadline_month:02d}, hạn của loại báo cáo "
                    f"{found.due_day:02d}/{found.due_month:02d}.")
        out[duty.pk] = DutyLink(found, note)
    return out
