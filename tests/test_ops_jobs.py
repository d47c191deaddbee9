"""Background jobs (pcmd.ops.jobs.Job): run once, retried, visible to the admin; the health check."""

import pytest
from celery import shared_task
from django.urls import reverse

from pcmd.ops.jobs import Job
from pcmd.ops.models import JobRun, JobState
from pcmd.ops.tasks import run_command
from pcmd.org.models import Role

pytestmark = pytest.mark.django_db
CALLS = {"flaky": 0}


@shared_task(base=Job, name="tests.flaky", max_retries=2, retry_backoff=False)
def flaky(fail_times: int, unit_id=None):
    CALLS["flaky"] += 1
    if CALLS["flaky"] <= fail_times:
        raise RuntimeError(f"lần {CALLS['flaky']} lỗi")
    return "xong"


def test_a_scheduled_command_runs_as_a_job_and_is_recorded():
    result = run_command.apply(args=["notify_tip_deadlines"], task_id="t-1").get()
    assert "tin cần nhắc" in result
    run = JobRun.objects.get(task_id="t-1")
    assert (run.state, run.attempts, run.label) == (JobState.DONE, 1, "pcmd.ops.run_command")
    assert run.finished_at and run.error == ""


def test_a_job_delivered_again_after_it_finished_does_nothing():
    """A worker that dies between committing and acknowledging: the queue hands the job out again."""
    run_command.apply(args=["notify_tip_deadlines"], task_id="t-2").get()
    again = run_command.apply(args=["notify_tip_deadlines"], task_id="t-2").get()
    assert again is None
    assert JobRun.objects.get(task_id="t-2").attempts == 1


def test_a_command_outside_the_schedule_is_refused_and_shown_failed():
    with pytest.raises(ValueError):
        run_command.apply(args=["flush"], task_id="t-3").get()
    run = JobRun.objects.get(task_id="t-3")
    assert run.state == JobState.FAILED and "flush" in run.error


def test_errors_are_retried_then_the_job_succeeds(bach_dang):
    CALLS["flaky"] = 0
    assert flaky.apply(args=[2], kwargs={"unit_id": bach_dang.pk}, task_id="t-4").get() == "xong"
    run = JobRun.objects.get(task_id="t-4")
    assert run.state == JobState.DONE and CALLS["flaky"] == 3
    assert run.unit == bach_dang and run.province_id == bach_dang.province_id


def test_a_job_that_keeps_failing_is_marked_failed():
    CALLS["flaky"] = 0
    with pytest.raises(RuntimeError):
        flaky.apply(args=[10], task_id="t-5").get()
    run = JobRun.objects.get(task_id="t-5")
    assert run.state == JobState.FAILED and "lỗi" in run.error and CALLS["flaky"] == 3


def test_the_job_page_is_scoped_like_any_record(member_factory, verified_login, bach_dang, ninh_binh_commune):
    other_province = ninh_binh_commune
    mine = JobRun.objects.create(task_id="a", name="x", label="Việc của Hải Phòng", unit=bach_dang,
                                 province_id=bach_dang.province_id, state=JobState.FAILED, error="lỗi A")
    theirs = JobRun.objects.create(task_id="b", name="x", label="Việc tỉnh khác", unit=other_province,
                                   province_id=other_province.province_id, state=JobState.FAILED)
    admin = member_factory("ops.admin", bach_dang.province, Role.ADMIN)
    client = verified_login(admin)
    page = client.get(reverse("job_list")).content.decode()
    assert "Việc của Hải Phòng" in page and "Việc tỉnh khác" not in page and "Thất bại (1)" in page
    assert client.get(reverse("job_run_again", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("job_run_again", args=[mine.pk])).status_code == 200
    police = verified_login(member_factory("ops.police", bach_dang.province, Role.POLICE_OFFICER))
    assert police.get(reverse("job_list")).status_code == 403


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_failed_job_runs_again_from_its_page(member_factory, verified_login, bach_dang):
    with pytest.raises(ValueError):
        run_command.apply(args=["flush"], task_id="t-6").get()
    failed = JobRun.objects.get(task_id="t-6")
    failed.args = {"args": ["notify_tip_deadlines"], "kwargs": {}}  # as if the command had been a scheduled one
    failed.unit, failed.province_id = bach_dang, bach_dang.province_id
    failed.save()
    client = verified_login(member_factory("ops.admin2", bach_dang.province, Role.ADMIN))
    before = JobRun.objects.count()
    response = client.post(reverse("job_run_again", args=[failed.pk]))
    assert response.status_code == 302
    again = JobRun.objects.exclude(pk=failed.pk).order_by("-pk").first()
    assert JobRun.objects.count() == before + 1 and again.state == JobState.DONE
