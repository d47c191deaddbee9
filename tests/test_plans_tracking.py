"""Tracking: an agency's tasks, overdue flags, progress posting rights, attachments served only in scope."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pcmd.org.models import Agency, Role
from pcmd.plans import services
from pcmd.plans.models import Plan, ProgressStatus, Task, TaskProgress
from tests import hostile_files as hostile

pytestmark = pytest.mark.django_db

PNG = hostile.png()  # a real image: staff uploads must open (pcmd.core.uploads.check_upload)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(bach_dang):
    return Plan.objects.get(unit=bach_dang, source_name="ward-bach-dang-haiphong-2026.txt")


@pytest.fixture
def police(bach_dang):
    return Agency.objects.get(unit=bach_dang, kind__code="cong-an-xa")


@pytest.fixture
def police_task(plan, police):
    """A task of the Bạch Đằng plan that the ward police lead (matched from "Công an phường")."""
    task = plan.tasks.filter(lead_agencies=police, progress__isnull=True).order_by("order").first()
    assert task is not None
    return task


@pytest.fixture
def police_officer(member_factory, bach_dang):
    return member_factory("ca.phuong", bach_dang, Role.POLICE_OFFICER, "cong-an-xa")


@pytest.fixture
def youth_officer(member_factory, bach_dang):
    return member_factory("doan.phuong", bach_dang, Role.AGENCY_OFFICER, "doan-tn-xa")


def post_progress(client, task, **extra):
    data = {"date": "2026-07-01", "status": ProgressStatus.IN_PROGRESS, "note": "Đã tổ chức 02 đợt ra quân.", **extra}
    return client.post(reverse("task_detail", args=[task.pk]), data)


def test_lead_agency_sees_its_task_other_agency_does_not(police_officer, youth_officer, login, police_task, plan):
    body = login(police_officer).get(reverse("my_tasks")).content.decode()
    assert reverse("task_detail", args=[police_task.pk]) in body
    assert "Chủ trì" in body
    youth = Agency.objects.get(unit=plan.unit, kind__code="doan-tn-xa")
    assert not police_task.partner_agencies.filter(pk=youth.pk).exists()
    body = login(youth_officer).get(reverse("my_tasks")).content.decode()
    assert reverse("task_detail", args=[police_task.pk]) not in body


def test_overdue_tasks_are_flagged_and_filtered(police_officer, login, police_task):
    Task.objects.filter(pk=police_task.pk).update(due_date=date(2026, 1, 31))
    client = login(police_officer)
    overdue = client.get(reverse("my_tasks"), {"qua-han": "1"})
    assert reverse("task_detail", args=[police_task.pk]) in overdue.content.decode()
    assert all(t.overdue for t in overdue.context["page"])
    assert post_progress(client, police_task, status=ProgressStatus.DONE).status_code == 302
    overdue = client.get(reverse("my_tasks"), {"qua-han": "1"})
    assert reverse("task_detail", args=[police_task.pk]) not in overdue.content.decode()


def test_task_without_due_date_is_never_overdue(police_officer, login, police_task):
    Task.objects.filter(pk=police_task.pk).update(due_date=None)
    page = login(police_officer).get(reverse("my_tasks")).context["page"]
    assert not next(t for t in page if t.pk == police_task.pk).overdue


def test_lead_agency_posts_progress_with_attachment(police_officer, login, police_task, police):
    client = login(police_officer)
    response = post_progress(client, police_task, attachment=SimpleUploadedFile("anh.png", PNG))
    assert response.status_code == 302
    progress = police_task.progress.get()
    assert progress.agency == police and progress.author == police_officer
    timeline = client.get(reverse("task_detail", args=[police_task.pk])).content.decode()
    assert "Đã tổ chức 02 đợt ra quân." in timeline
    assert reverse("progress_attachment", args=[progress.pk]) in timeline
    download = client.get(reverse("progress_attachment", args=[progress.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_agency_not_concerned_and_read_only_roles_cannot_post(youth_officer, reader, member_factory, login,
                                                              police_task, plan, bach_dang):
    youth = Agency.objects.get(unit=bach_dang, kind__code="doan-tn-xa")
    concerned = police_task.lead_agencies.filter(pk=youth.pk).exists() or \
        police_task.partner_agencies.filter(pk=youth.pk).exists()
    assert not concerned
    for user in (youth_officer, reader, member_factory("doi178", bach_dang, Role.INSPECTOR, "cong-an-xa")):
        response = post_progress(login(user), police_task)
        assert response.status_code == 403
    assert not police_task.progress.exists()


def test_coordinator_may_post_on_any_task_of_the_unit(owner, login, police_task):
    assert post_progress(login(owner), police_task).status_code == 302
    assert police_task.progress.count() == 1


@pytest.mark.parametrize("name, data", [
    ("gia.pdf", b"Day khong phai PDF"),
    ("bang.xlsx", b"PK\x03\x04" + b"\0" * 40),
    ("script.png", b"<script>alert(1)</script>"),
])
def test_attachments_are_checked_by_content(police_officer, login, police_task, name, data):
    response = post_progress(login(police_officer), police_task, attachment=SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert "Loại tệp không được nhận" in response.content.decode()
    assert "Đã tổ chức 02 đợt ra quân." in response.content.decode()  # what was typed is kept
    assert not police_task.progress.exists()


def test_real_docx_and_oversize_attachment(police_officer, login, police_task, settings):
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    client = login(police_officer)
    assert post_progress(client, police_task, attachment=SimpleUploadedFile("bc.docx", buffer.getvalue())
                         ).status_code == 302
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (services.ATTACHMENT_MAX_BYTES + 1))
    response = post_progress(client, police_task, attachment=big)
    assert response.status_code == 400 and "tối đa 10 MB" in response.content.decode()
    assert police_task.progress.count() == 1


def test_outsider_gets_nothing(outsider, login, police_task, police_officer):
    post_progress(login(police_officer), police_task, attachment=SimpleUploadedFile("anh.png", PNG))
    progress = police_task.progress.get()
    client = login(outsider)
    assert client.get(reverse("task_detail", args=[police_task.pk])).status_code == 404
    assert post_progress(client, police_task).status_code == 404
    assert client.get(reverse("progress_attachment", args=[progress.pk])).status_code == 404
    assert reverse("task_detail", args=[police_task.pk]) not in client.get(reverse("my_tasks")).content.decode()
    assert police_task.progress.count() == 1


def test_demo_has_progress_from_bach_dang_agencies(plan):
    progress = TaskProgress.objects.filter(task__plan=plan)
    assert progress.count() >= 2
    assert all(p.agency.unit_id == plan.unit_id for p in progress)
    assert progress.exclude(attachment="").exists()


def test_service_refuses_agency_outside_the_task(youth_officer, police_task):
    membership = youth_officer.memberships.get()
    with pytest.raises(services.PermissionDenied):
        services.task_progress_add(task=police_task, membership=membership, date=date(2026, 7, 1),
                                   status=ProgressStatus.DONE)
