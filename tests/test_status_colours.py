"""One status -> colour map on the choices, used by every page's badge (the templates have no if-chains)."""

from pathlib import Path

import pytest

from pcmd.hotspots.models import HotspotStatus
from pcmd.plans.models import PlanStatus, ProgressStatus
from pcmd.tips.models import TipStatus

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("choices", "expected"), [
    (HotspotStatus, {"active": "danger", "suppressed": "success", "monitored": "success", "closed": "secondary"}),
    (PlanStatus, {"draft": "warning", "issued": "success", "superseded": "secondary"}),
    (ProgressStatus, {"not_started": "secondary", "in_progress": "primary", "done": "success", "blocked": "danger"}),
    (TipStatus, {"received": "primary", "verifying": "primary", "classified": "primary", "assigned": "primary",
                 "handled": "success", "closed": "secondary"}),
])
def test_every_status_has_the_colour_the_pages_showed(choices, expected):
    assert {status.value: status.colour for status in choices} == expected


def test_no_template_picks_a_badge_colour_by_status():
    for template in [*ROOT.glob("pcmd/*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]:
        for line in template.read_text(encoding="utf-8").splitlines():
            # the DHIS2 import result is a summary, not a record's status
            assert not ("badge {% if" in line and "status ==" in line), f"{template}: {line.strip()[:80]}"


@pytest.mark.django_db
def test_hotspot_badge_uses_the_map(owner, login, bach_dang):
    from django.urls import reverse

    from pcmd.hotspots.models import Hotspot

    hotspot = Hotspot.objects.create(unit=bach_dang, name="Điểm thử màu",
                                     first_identified="2026-01-05")
    page = login(owner).get(reverse("hotspot_detail", args=[hotspot.pk])).content.decode()
    assert '<span class="badge text-bg-danger" id="hotspot-status">Đang hoạt động</span>' in page
