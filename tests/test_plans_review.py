"""The review screen of an imported plan: document beside items, corrections, stale edits, confirmation."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pcmd.org.models import Agency, Role
from pcmd.plans.models import Plan, PlanStatus, ReportingDuty, Target

pytestmark = pytest.mark.django_db

SEED = Path(settings.PCMD_SEEDS_DIR) / "ward-bach-dang-haiphong-2026.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def draft(owner, login):
    """A draft imported by the owner through the upload page (a copy of the Bạch Đằng plan)."""
    client = login(owner)
    response = client.post(reverse("plan_upload"),
                           {"file": SimpleUploadedFile("du-thao.txt", SEED.read_bytes() + b"\n\n")})
    assert response.status_code == 302
    return Plan.objects.latest("pk")


def target_data(target, **changes):
    data = {"section": target.section, "text": target.text, "metric": target.metric,
            "comparator": target.comparator, "value": target.value if target.value is not None else "",
            "value_max": target.value_max if target.value_max is not None else "", "year": target.year or "",
            "population": target.population, "scope": target.scope, "indicator": target.indicator,
            "line_start": target.line_start or "", "line_end": target.line_end or "", "version": target.version}
    data.update(changes)
    return data


def test_review_shows_numbered_document_and_items_with_their_lines(owner, login, draft):
    response = login(owner).get(reverse("plan_review", args=[draft.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    lines = draft.source_text.splitlines()
    assert f'<li id="L{len(lines)}" value="{len(lines)}">' in body
    target = draft.targets.exclude(line_start=None).first()
    assert f'data-lines="{target.line_start}-{target.line_end}"' in body
    assert "plan-review.js" in body
    assert reverse("plan_item_edit", args=["chi-tieu", target.pk]) in body
    assert reverse("plan_item_add", args=[draft.pk, "nhiem-vu"]) in body


def test_correct_a_target_and_relink_its_indicator(owner, login, draft):
    client = login(owner)
    target = draft.targets.filter(metric="percent").first()
    url = reverse("plan_item_edit", args=["chi-tieu", target.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, target_data(target, value="75", indicator="STAFF_TRAINED"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 75 and target.indicator == "STAFF_TRAINED"
    assert target.version == 2


def test_stale_edit_is_refused_and_keeps_what_was_typed(owner, login, draft):
    client = login(owner)
    target = draft.targets.filter(metric="percent").first()
    url = reverse("plan_item_edit", args=["chi-tieu", target.pk])
    stale = target_data(target)
    assert client.post(url, target_data(target, value="70")).status_code == 302  # someone else saved first
    response = client.post(url, {**stale, "value": "65", "population": "cán bộ đã gõ lại"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "vừa được người khác cập nhật" in body
    assert "cán bộ đã gõ lại" in body and 'value="65"' in body
    target.refresh_from_db()
    assert target.value == 70
    # The form now carries the current version: saving again is a deliberate choice and succeeds.
    assert response.context["version"] == target.version
    again = client.post(url, {**stale, "value": "65", "version": target.version})
    assert again.status_code == 302
    target.refresh_from_db()
    assert target.value == 65


def test_invalid_target_is_explained(owner, login, draft):
    client = login(owner)
    target = draft.targets.filter(metric="percent").first()
    url = reverse("plan_item_edit", args=["chi-tieu", target.pk])
    response = client.post(url, target_data(target, comparator="range", value="90", value_max="80",
                                            line_start="20", line_end="10"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "value_max" in errors and "line_end" in errors


def test_add_a_task_with_agencies_and_delete_a_duty(owner, login, draft, bach_dang):
    client = login(owner)
    police = Agency.objects.get(unit=bach_dang, kind__code="cong-an-xa")
    before = draft.tasks.count()
    response = client.post(reverse("plan_item_add", args=[draft.pk, "nhiem-vu"]), {
        "ref": "IV.9", "title": "Rà soát cơ sở lưu trú trên địa bàn", "text": "",
        "lead_names": "Công an phường", "lead_agencies": [police.pk], "partner_names": "",
        "due_date": "2026-09-30", "frequency": "", "timing": "", "line_start": "", "line_end": "",
    })
    assert response.status_code == 302
    task = draft.tasks.get(ref="IV.9")
    assert draft.tasks.count() == before + 1
    assert task.order > max(draft.tasks.exclude(pk=task.pk).values_list("order", flat=True))
    assert list(task.lead_agencies.all()) == [police] and task.lead_names == ["Công an phường"]

    duty = draft.reporting_duties.first()
    url = reverse("plan_item_delete", args=["bao-cao", duty.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not ReportingDuty.objects.filter(pk=duty.pk).exists()


def test_task_agencies_are_limited_to_the_plans_unit(owner, login, draft, ninh_binh_commune):
    client = login(owner)
    foreign = Agency.objects.filter(unit=ninh_binh_commune).first()
    task = draft.tasks.first()
    response = client.post(reverse("plan_item_edit", args=["nhiem-vu", task.pk]), {
        "ref": task.ref, "title": task.title, "text": task.text, "lead_names": "", "partner_names": "",
        "lead_agencies": [foreign.pk], "due_date": "", "frequency": "", "timing": "",
        "line_start": "", "line_end": "", "version": task.version,
    })
    assert response.status_code == 400
    assert "lead_agencies" in response.context["form"].errors


def test_confirm_marks_reviewed_and_issued(owner, login, draft):
    client = login(owner)
    response = client.post(reverse("plan_review", args=[draft.pk]), {"issued": "on", "version": draft.version})
    assert response.status_code == 302 and response["Location"] == reverse("plan_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == PlanStatus.ISSUED and draft.reviewed_at is not None


def test_confirm_with_stale_version_is_refused(owner, login, draft):
    client = login(owner)
    response = client.post(reverse("plan_review", args=[draft.pk]), {"version": draft.version - 1 or 99})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.reviewed_at is None


def test_readers_cannot_edit_and_outsiders_see_nothing(reader, outsider, login, draft, member_factory, bach_dang):
    target = draft.targets.first()
    reader_client = login(reader)
    assert reader_client.get(reverse("plan_review", args=[draft.pk])).status_code == 403
    assert reader_client.post(reverse("plan_item_edit", args=["chi-tieu", target.pk]),
                              target_data(target, value="1")).status_code == 403
    outsider_client = login(outsider)
    for url in (reverse("plan_review", args=[draft.pk]), reverse("plan_item_add", args=[draft.pk, "chi-tieu"]),
                reverse("plan_item_edit", args=["chi-tieu", target.pk]),
                reverse("plan_item_delete", args=["chi-tieu", target.pk])):
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(reverse("plan_item_delete", args=["chi-tieu", target.pk])).status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()
    # A province coordinator above the ward may review it; an unknown item kind is not there.
    province = login(member_factory("hp.coord", bach_dang.province, Role.COORDINATOR))
    assert province.get(reverse("plan_review", args=[draft.pk])).status_code == 200
    assert province.get(reverse("plan_item_edit", args=["khong-co", target.pk])).status_code == 404

