"""Commitments of establishments: rules, the scan served only through the scoped view, the share signed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.indicators import engine
from pcmd.outreach import services
from pcmd.outreach.models import Commitment
from pcmd.venues.models import Establishment
from tests import hostile_files as hostile

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = hostile.pdf()  # a real PDF: staff uploads must open (pcmd.core.uploads.check_upload)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_share_signed_counts_valid_commitments_of_operating_establishments(ninh_binh_commune):
    venues = Establishment.objects.filter(unit=ninh_binh_commune)
    Commitment.objects.filter(establishment__in=venues).delete()
    operating = list(venues.filter(status="operating").order_by("pk")[:3])
    assert len(operating) == 3
    total = venues.filter(status="operating").count()
    Commitment.objects.create(establishment=operating[0], date=D(2025, 3, 1), signed_by="A")
    Commitment.objects.create(establishment=operating[1], date=D(2024, 3, 1), signed_by="B",
                              valid_until=D(2025, 1, 1))  # expired by the reference date
    Commitment.objects.create(establishment=operating[2], date=D(2025, 9, 1), signed_by="C")  # after it
    # COMMITMENTS_SIGNED judges the state at the period's end (the figure the overview shows).
    for code, signed in (("2025S1", 1), ("2025", 2)):
        value = engine.compute("COMMITMENTS_SIGNED", level="commune", units=[ninh_binh_commune],
                               period=Period.parse(code))[ninh_binh_commune.pk]
        assert (value.numerator, value.denominator) == (signed, total)


def test_the_establishment_profile_follows_its_latest_commitment(bach_dang):
    venue = Establishment.objects.filter(unit=bach_dang).order_by("pk").first()
    Commitment.objects.filter(establishment=venue).delete()
    first = services.commitment_create(membership=None, data={"establishment": venue, "date": D(2025, 3, 1),
                                                              "signed_by": "Chủ cơ sở"})
    later = services.commitment_create(membership=None, data={"establishment": venue, "date": D(2026, 2, 1),
                                                              "signed_by": "Chủ cơ sở"})
    assert Establishment.objects.get(pk=venue.pk).commitment_date == D(2026, 2, 1)
    services.commitment_delete(instance=later)
    assert Establishment.objects.get(pk=venue.pk).commitment_date == D(2025, 3, 1)
    services.commitment_delete(instance=first)
    assert Establishment.objects.get(pk=venue.pk).commitment_date is None


def test_rules_refuse_future_dates_and_files_that_are_not_scans(bach_dang):
    venue = Establishment.objects.filter(unit=bach_dang).first()
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(membership=None, data={
            "establishment": venue, "date": timezone.localdate() + datetime.timedelta(days=1), "signed_by": "X",
            "valid_until": timezone.localdate(), "scan": SimpleUploadedFile("cam-ket.pdf", b"MZ\x90\x00 not a pdf")})
    assert set(exc.value.error_dict) == {"date", "valid_until", "scan"}
    assert exc.value.message_dict["scan"] == ["Loại tệp không được nhận. Chỉ nhận PDF, ảnh JPG hoặc ảnh PNG."]


def test_upload_then_download_only_in_scope(owner, outsider, login, bach_dang, client):
    venue = Establishment.objects.filter(unit=bach_dang, status="operating").first()
    response = login(owner).post(reverse("commitment_create"), {
        "establishment": venue.pk, "date": timezone.localdate().isoformat(), "signed_by": "Nguyễn Văn Ký",
        "signer_role": "Chủ cơ sở", "valid_until": "", "notes": "",
        "scan": SimpleUploadedFile("ban-cam-ket.pdf", PDF)})
    assert response.status_code == 302, response.content.decode()[:500]
    commitment = Commitment.objects.get(signed_by="Nguyễn Văn Ký")
    url = reverse("commitment_scan", args=[commitment.pk])
    assert b"".join(login(owner).get(url).streaming_content) == PDF
    client.logout()
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).get(reverse("commitment_detail", args=[commitment.pk])).status_code == 404


def test_commendation_awarded_needs_a_decision_and_is_scoped(owner, outsider, login, bach_dang):
    from pcmd.org.models import Membership
    from pcmd.outreach.models import Commendation

    with pytest.raises(ValidationError) as exc:
        services.commendation_create(membership=Membership.objects.get(user=owner), data={
            "year": timezone.localdate().year, "recipient": "Tổ dân phố số 1", "form": "Giấy khen",
            "status": "awarded", "decision_number": "", "decision_date": None})
    assert set(exc.value.error_dict) == {"decision_number", "decision_date"}
    item = Commendation.objects.filter(unit=bach_dang).first()
    assert login(outsider).get(reverse("commendation_detail", args=[item.pk])).status_code == 404


def test_budget_execution_rate_and_overspending_refused(owner, login, bach_dang):
    from pcmd.org.models import Membership

    m = Membership.objects.get(user=owner)
    line = services.budget_line_create(membership=m, data={
        "year": 2025, "item": "In tờ rơi", "source": "state", "allocated": 10_000_000})
    services.spending_create(membership=m, data={"line": line, "date": D(2025, 3, 1), "amount": 4_000_000,
                                                 "description": "In 2.000 tờ rơi"})
    with pytest.raises(ValidationError) as exc:
        services.spending_create(membership=m, data={"line": line, "date": D(2025, 4, 1), "amount": 7_000_000,
                                                     "description": "Vượt"})
    assert "Vượt dự toán: đã chi 4.000.000 / 10.000.000 đồng, còn 6.000.000 đồng" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.budget_line_update(instance=line, data={"allocated": 3_000_000})
    listing = login(owner).get(reverse("budget_line_list"), {"q": "In tờ rơi"})
    row = next(obj for obj in listing.context["page"].object_list if obj.pk == line.pk)
    assert (row.spent, row.rate) == (4_000_000, 40.0)
    exported = login(owner).get(reverse("budget_line_export"), {"q": "In tờ rơi"})
    assert exported.status_code == 200


def test_budget_task_must_belong_to_the_plan(owner, bach_dang):
    from pcmd.org.models import Membership
    from pcmd.plans.models import Plan, Task

    plan = Plan.objects.filter(unit=bach_dang).order_by("pk").first()
    other_task = Task.objects.exclude(plan=plan).first()
    with pytest.raises(ValidationError) as exc:
        services.budget_line_create(membership=Membership.objects.get(user=owner), data={
            "year": 2025, "item": "X", "source": "state", "allocated": 1, "plan": plan, "task": other_task})
    assert "không thuộc kế hoạch" in exc.value.message_dict["task"][0]


def test_activity_photo_upload_checks_and_serves_in_scope(owner, outsider, reader, login, bach_dang, client):
    from pcmd.outreach.demo import demo_png
    from pcmd.outreach.models import Activity

    activity = Activity.objects.filter(unit=bach_dang).order_by("pk").first()
    url = reverse("activity_photo_upload", args=[activity.pk])
    bad = login(owner).post(url, {"image": SimpleUploadedFile("a.png", b"GIF89a not png"), "caption": "x"})
    assert bad.status_code == 400 and "Chỉ nhận ảnh JPG hoặc ảnh PNG." in bad.content.decode()
    good = login(owner).post(url, {"image": SimpleUploadedFile("hop-dan.png", demo_png()), "caption": "Họp dân"})
    assert good.status_code == 302
    photo = activity.photos.get(caption="Họp dân")
    assert b"".join(login(owner).get(reverse("activity_photo", args=[photo.pk])).streaming_content) == demo_png()
    assert "Họp dân" in login(owner).get(reverse("activity_detail", args=[activity.pk])).content.decode()
    client.logout()
    assert login(outsider).get(reverse("activity_photo", args=[photo.pk])).status_code == 404
    assert login(outsider).post(url, {"image": SimpleUploadedFile("x.png", demo_png())}).status_code == 404
    client.logout()
    assert login(reader).get(url).status_code == 403
