"""Issue 12, defect 4: a ward plan uploaded by a province user belongs to the ward.

The upload lets the user choose the issuing unit within scope (core.pickers.unit_field); the review screen moves a
draft to another unit within scope (plans.services.plan_move); targets and tasks go with the plan, and the tasks'
agencies are matched again among the new unit's agencies.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pcmd.org.models import Role
from pcmd.plans import services
from pcmd.plans.models import Plan, PlanStatus, Target

pytestmark = pytest.mark.django_db

SEED = Path(settings.PCMD_SEEDS_DIR) / "ward-bach-dang-haiphong-2026.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def city(member_factory, hai_phong, login):
    return login(member_factory("pu.city", hai_phong, Role.COORDINATOR, "so-y-te"))


def _upload(client, **extra):
    return client.post(reverse("plan_upload"),
                       {"file": SimpleUploadedFile("ke-hoach-phuong.txt", SEED.read_bytes() + b"\n\n\n"), **extra})


def test_province_user_uploads_a_ward_plan_for_the_ward(city, bach_dang, hai_phong):
    page = city.get(reverse("plan_upload"))
    units = set(page.context["form"].fields["unit"].queryset)
    assert bach_dang in units and hai_phong in units
    response = _upload(city, unit=bach_dang.pk)
    assert response.status_code == 302, response.content.decode()[:500]
    plan = Plan.objects.latest("pk")
    assert plan.unit == bach_dang and plan.province == hai_phong
    assert Target.objects.filter(plan__unit=bach_dang, plan=plan).count() == plan.targets.count() > 0


def test_upload_refuses_a_unit_outside_scope(city, ninh_binh_commune):
    before = Plan.objects.count()
    response = _upload(city, unit=ninh_binh_commune.pk)
    assert response.status_code == 400 and Plan.objects.count() == before
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode() or "phạm vi" in response.content.decode()


def test_commune_seat_is_offered_its_commune_only(owner, login, bach_dang):
    units = list(login(owner).get(reverse("plan_upload")).context["form"].fields["unit"].queryset)
    assert units == [bach_dang]


def test_review_moves_a_draft_to_the_ward_with_its_targets_and_agencies(city, bach_dang, hai_phong):
    assert _upload(city).status_code == 302
    plan = Plan.objects.latest("pk")
    assert plan.unit == hai_phong and plan.status == PlanStatus.DRAFT
    url = reverse("plan_review", args=[plan.pk])
    page = city.get(url)
    assert 'id="move-form"' in page.content.decode()
    response = city.post(url, {"buoc": "don-vi", "unit": bach_dang.pk, "version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.unit == bach_dang and plan.province == hai_phong
    assert plan.targets.exists() and not Target.objects.filter(plan=plan).exclude(plan__unit=bach_dang).exists()
    linked = {a.unit_id for t in plan.tasks.all() for a in [*t.lead_agencies.all(), *t.partner_agencies.all()]}
    assert linked and linked <= {bach_dang.pk}


def test_review_refuses_a_unit_outside_scope_and_keeps_the_plan(city, hai_phong, ninh_binh_commune):
    assert _upload(city).status_code == 302
    plan = Plan.objects.latest("pk")
    response = city.post(reverse("plan_review", args=[plan.pk]),
                         {"buoc": "don-vi", "unit": ninh_binh_commune.pk, "version": plan.version})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.unit == hai_phong


def test_only_a_draft_moves(city, bach_dang):
    assert _upload(city).status_code == 302
    plan = Plan.objects.latest("pk")
    services.plan_issue(plan=plan)
    with pytest.raises(ValidationError):
        services.plan_move(plan=plan, unit=bach_dang, version=plan.version)
    page = city.get(reverse("plan_review", args=[plan.pk])).content.decode()
    assert 'id="move-form"' not in page


def test_a_stale_move_is_refused(city, bach_dang):
    assert _upload(city).status_code == 302
    plan = Plan.objects.latest("pk")
    with pytest.raises(ValidationError):
        services.plan_move(plan=plan, unit=bach_dang, version=plan.version - 1)
