"""Rough edges found walking the support flow in Chromium (tests/test_support_browser.py), each with its rule:
a request that became a file is taken up and links to the file; action forms draw choice groups as checks."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pcmd.support.models import Client, CounsellingEvent, CounsellingRequest, CounsellingStatus

from .test_support_cases import as_worker, supervisor, worker  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def registration(request_pk):
    url = reverse("counselling_action", args=[request_pk, "dang-ky-ho-so"])
    return url, {"mother": "Mai", "father": "Tùng", "sex": "F", "birth_year": "1999",
                 "registered_on": timezone.localdate().isoformat(), "confirmed": "on"}


def test_a_new_request_registered_as_a_file_is_taken_up_and_links_to_it(worker, as_worker, bach_dang):  # noqa: F811
    request = CounsellingRequest.objects.filter(unit=bach_dang, status=CounsellingStatus.NEW).order_by("pk").first()
    url, data = registration(request.pk)
    assert as_worker.post(url, data).status_code == 302
    created = Client.objects.get(intake=request)
    request.refresh_from_db()
    assert request.status == CounsellingStatus.IN_PROGRESS  # out of the inbox's "new" count
    event = CounsellingEvent.objects.filter(request=request).latest("pk")
    assert (event.from_status, event.to_status) == ("new", "in_progress")
    assert event.note == f"Đã đăng ký hồ sơ {created.code}."
    page = as_worker.get(reverse("counselling_detail", args=[request.pk])).content.decode()
    assert reverse("client_detail", args=[created.pk]) in page


def test_a_request_already_answered_keeps_its_status_and_notes_the_file(worker, as_worker, bach_dang):  # noqa: F811
    request = CounsellingRequest.objects.filter(unit=bach_dang).exclude(status=CounsellingStatus.NEW).filter(
        clients__isnull=True).order_by("pk").first()
    before = request.status
    url, data = registration(request.pk)
    assert as_worker.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.status == before
    assert CounsellingEvent.objects.filter(request=request).latest("pk").note.startswith("Đã đăng ký hồ sơ HT-")


def test_action_forms_draw_choice_groups_as_checks(served_file, as_worker):  # noqa: F811
    page = as_worker.get(reverse("client_action", args=[served_file.pk, "dong-y"])).content.decode()
    assert '<fieldset id="id_purposes">' in page and '<fieldset id="id_method">' in page
    assert 'id="id_method" class="form-select"' not in page  # a select box drawn over the boxes below it
    assert page.count('type="radio" name="method"') == 2 and page.count('type="checkbox" name="purposes"') == 5
    assert ' checked' not in page.split('<fieldset id="id_purposes">')[1].split("</fieldset>")[0]


@pytest.fixture
def served_file(worker, bach_dang):  # noqa: F811
    from pcmd.support import cases

    return cases.register_client(membership=worker, unit=bach_dang, uic_code="LAHUF1995", sex="F", birth_year=1995,
                                 source="outreach", confirmed=True)
