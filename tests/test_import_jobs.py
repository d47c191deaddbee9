"""Imports as jobs (core.tasks): the upload is checked and written by a Celery job, the page shows its progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from pcmd.core import imports, tasks
from pcmd.venues.importers import establishments as importer
from pcmd.venues.models import Establishment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def spreadsheet(n: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importer.headers)
    for i in range(n):
        values = {"name": f"Karaoke Công Việc {i}", "type": "Karaoke", "address": f"Số {i} Đường Thử",
                  "unit": "Phường Bạch Đằng", "registration_number": f"02012345{i:02d}"}
        sheet.append([values.get(c.field) for c in importer.columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def queued(monkeypatch):
    """Jobs put on the queue instead of run inline (as with a broker and a worker)."""
    calls = []
    monkeypatch.setattr(tasks.import_check, "delay", lambda token: calls.append(("check", token)))
    monkeypatch.setattr(tasks.import_run, "delay", lambda token: calls.append(("run", token)))
    return calls


def test_the_check_and_the_run_are_jobs_and_the_page_polls_them(owner, login, queued, monkeypatch):
    from auditlog.models import LogEntry

    monkeypatch.setattr(importer, "batch_size", 2)
    client = login(owner)
    url = reverse("establishment_import")
    response = client.post(url, {"step": "upload", "file": SimpleUploadedFile("co-so.xlsx", spreadsheet(5))})
    assert response.status_code == 302
    token = response["Location"].split("t=")[1]
    page = client.post(url, {"step": "check", "t": token}, HTTP_HX_REQUEST="true")
    assert queued == [("check", token)]
    job = imports.ImportJob.load(token, check_user=False)
    assert job.status == "checking" and 'hx-trigger="load delay:1s"' in page.content.decode()  # polls, no work
    client.post(url, {"step": "check", "t": token}, HTTP_HX_REQUEST="true")
    assert queued == [("check", token)]  # queued once
    imports.check_job(token)  # the worker
    done = client.post(url, {"step": "check", "t": token}, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Redirect"].endswith(f"?t={token}")
    assert imports.ImportJob.load(token, check_user=False).preview["create"] == 5
    audits = LogEntry.objects.filter(object_repr__startswith="Nhập Excel").count()
    page = client.post(url, {"step": "start", "t": token, "mode": imports.MODE_ALL_OR_NOTHING})
    assert queued[-1] == ("run", token) and "đang nhập" in page.content.decode()
    progress = client.post(url, {"step": "batch", "t": token}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="load delay:1s"' in progress and Establishment.objects.filter(
        name__startswith="Karaoke Công Việc").count() == 0  # the page only asks; the job writes
    imports.run_job(token)  # the worker: every batch
    job = imports.ImportJob.load(token, check_user=False)
    assert (job.status, job.created, job.offset) == ("done", 5, 5)
    assert Establishment.objects.filter(name__startswith="Karaoke Công Việc").count() == 5
    created = Establishment.objects.get(name="Karaoke Công Việc 3")
    assert created.search_text and created.name_key and created.registration_number == "0201234503"
    # one audit entry for the import, with its counts (not one per row)
    assert LogEntry.objects.filter(object_repr__startswith="Nhập Excel").count() == audits + 1
    entry = LogEntry.objects.filter(object_repr__startswith="Nhập Excel").latest("timestamp")
    assert entry.additional_data["import"]["created"] == 5
    shown = client.post(url, {"step": "batch", "t": token}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-done"' in shown


def test_without_a_broker_the_jobs_run_inline(owner, login):
    client = login(owner)
    url = reverse("establishment_import")
    response = client.post(url, {"step": "upload", "file": SimpleUploadedFile("co-so.xlsx", spreadsheet(3))})
    token = response["Location"].split("t=")[1]
    assert client.post(url, {"step": "check", "t": token}, HTTP_HX_REQUEST="true").status_code == 204
    page = client.post(url, {"step": "start", "t": token, "mode": imports.MODE_VALID_ONLY}).content.decode()
    assert 'id="import-done"' in page
    assert Establishment.objects.filter(name__startswith="Karaoke Công Việc").count() == 3


def test_the_job_runs_in_the_scope_of_the_seat(owner, login, queued):
    client = login(owner)
    url = reverse("establishment_import")
    response = client.post(url, {"step": "upload", "file": SimpleUploadedFile("co-so.xlsx", spreadsheet(1))})
    job = imports.ImportJob.load(response["Location"].split("t=")[1], check_user=False)
    scope = imports.job_scope(job)
    assert scope.membership.pk == owner.memberships.get().pk and scope.unit == owner.memberships.get().unit
    assert scope.user == owner


def test_rows_are_batched_by_commune_and_errors_listed_by_row(hai_phong, tmp_path):
    """A file listing communes in any order is batched commune by commune (each batch refreshes the aggregates
    of a few communes, not of all of them), keeps its row numbers, and lists its errors in row order."""
    from pcmd.geo.models import AdminUnit, Level

    communes = list(AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE, is_active=True)
                    .order_by("code").values_list("name", flat=True)[:2])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importer.headers)
    for i in range(6):  # spreadsheet rows 2..7: communes A, B, A, B, A, B; rows 3 and 6 lack their type
        values = {"name": f"Nhà nghỉ Xen Kẽ {i}", "type": "" if i in (1, 4) else "Nhà nghỉ",
                  "address": f"Số {i} Đường Thử", "unit": communes[i % 2]}
        sheet.append([values.get(c.field) for c in importer.columns])
    path = tmp_path / "xen-ke.xlsx"
    workbook.save(path)
    scope = imports.ImportScope(unit=hai_phong)
    with path.open("rb") as handle:
        job = imports.import_upload(importer=importer, fileobj=handle, filename=path.name, scope=scope)
    order = [row.number for batch in job.batches(0, 100) for row in batch]
    assert sorted(order[:3]) == order[:3] and sorted(order[3:]) == order[3:]  # the file's order within a commune
    first, second = {n % 2 for n in order[:3]}, {n % 2 for n in order[3:]}
    assert len(first) == 1 and len(second) == 1 and first != second  # one commune, then the other
    preview = imports.import_preview(job, importer, scope)
    assert [error[0] for error in preview["errors"]] == [3, 6] and preview["create"] == 4
    imports.import_start(job, imports.MODE_VALID_ONLY)
    imports.import_run(job, importer, scope)
    assert job.created == 4 and Establishment.objects.filter(name__startswith="Nhà nghỉ Xen Kẽ").count() == 4
