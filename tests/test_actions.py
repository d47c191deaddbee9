"""The one action mechanism (core.actions): plan items run through it; every failure is a Vietnamese message."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pcmd.core import actions
from pcmd.outreach.models import BudgetLine
from pcmd.plans.models import Plan, Task, TaskProgress

pytestmark = pytest.mark.django_db

SEED = Path(settings.PCMD_SEEDS_DIR) / "ward-bach-dang-haiphong-2026.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def draft(owner, login):
    response = login(owner).post(reverse("plan_upload"),
                                 {"file": SimpleUploadedFile("du-thao.txt", SEED.read_bytes() + b"\n\n")})
    assert response.status_code == 302
    return Plan.objects.latest("pk")


def test_deleting_a_task_with_a_budget_line_is_refused_with_a_message(owner, login, draft):
    task = draft.tasks.order_by("pk").first()
    BudgetLine.objects.create(unit=draft.unit, year=2026, item="In tờ rơi", task=task, allocated=5_000_000)
    client = login(owner)
    client.raise_request_exception = False
    response = client.post(reverse("plan_item_delete", args=["nhiem-vu", task.pk]))
    assert response.status_code == 400
    assert "dự toán kinh phí" in response.content.decode()
    assert Task.objects.filter(pk=task.pk).exists()


def test_deleting_a_task_that_has_progress_keeps_its_history(owner, login, draft):
    task = draft.tasks.order_by("pk").first()
    TaskProgress.objects.create(task=task, date=timezone.localdate(), status="in_progress", note="Đã triển khai")
    response = login(owner).post(reverse("plan_item_delete", args=["nhiem-vu", task.pk]))
    assert response.status_code == 400
    assert "cập nhật tiến độ" in response.content.decode()
    assert task.progress.count() == 1


def test_an_action_whose_result_leaves_the_scope_is_rolled_back(owner, login, draft, ninh_binh_commune):
    """The generic view re-checks scope after the service, inside the transaction (plan items skipped it)."""
    far = Plan.objects.create(unit=ninh_binh_commune, title="Kế hoạch nơi khác")
    escape = actions.Action(model=Plan, slug="thu-ra-ngoai", label="Thử", permission="change",
                            service=lambda plan, data, request: Plan.objects.filter(pk=far.pk).update(title="Đã sửa")
                            and far, next_url=lambda plan, result, request: "/")
    actions.register(escape)
    try:
        response = login(owner).post(reverse("plan_item_add", args=[draft.pk, "thu-ra-ngoai"]))
    finally:
        del actions.REGISTRY[Plan]["thu-ra-ngoai"]
    assert response.status_code == 400
    assert "ngoài phạm vi" in response.content.decode()
    far.refresh_from_db()
    assert far.title == "Kế hoạch nơi khác"


def test_an_action_from_a_state_it_does_not_run_from_is_refused(owner, login, draft):
    action = actions.Action(model=Plan, slug="chi-khi-ban-hanh", label="Thử", sources=("issued",),
                            refused=lambda plan: "Chỉ làm được với kế hoạch đã ban hành.",
                            service=lambda plan, data, request: plan, next_url=lambda plan, result, request: "/",
                            back_url=lambda plan: reverse("plan_review", args=[plan.pk]))
    actions.register(action)
    try:
        response = login(owner).post(reverse("plan_item_add", args=[draft.pk, "chi-khi-ban-hanh"]), follow=True)
    finally:
        del actions.REGISTRY[Plan]["chi-khi-ban-hanh"]
    assert "Chỉ làm được với kế hoạch đã ban hành." in response.content.decode()


def test_an_action_declared_twice_is_refused():
    with pytest.raises(actions.ImproperlyDeclared):
        actions.register(actions.Action(model=Plan, slug="chi-tieu", label="x", service=lambda *a: None))


def test_unknown_action_is_not_found(owner, login, draft):
    assert login(owner).get(reverse("plan_item_add", args=[draft.pk, "khong-co"])).status_code == 404
