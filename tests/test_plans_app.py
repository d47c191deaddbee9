"""Plans in the app: importing documents (upload view, service), agency matching, the demo seeds."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pcmd.geo.models import AdminUnit
from pcmd.org.models import Agency
from pcmd.plans import services
from pcmd.plans.agencies import AgencyMatcher
from pcmd.plans.models import LegalBasis, Plan, PlanStatus, ReportingDuty, Target, Task

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.PCMD_SEEDS_DIR)
BACH_DANG_SEED = SEEDS / "ward-bach-dang-haiphong-2026.txt"
NINH_BINH_SEED = SEEDS / "province-ninh-binh-2026.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def counts():
    return (Plan.objects.count(), Target.objects.count(), Task.objects.count(), ReportingDuty.objects.count(),
            LegalBasis.objects.count())


def upload(client, name, data, **extra):
    return client.post(reverse("plan_upload"), {"file": SimpleUploadedFile(name, data), **extra})


def docx_bytes(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_seeds_are_imported_in_the_demo_attached_to_their_units(bach_dang):
    expected = {
        "city-ha-noi-2026-2030.txt": AdminUnit.objects.get(code="01"),
        "province-ninh-binh-2026.txt": AdminUnit.objects.get(code="37"),
        "ward-bach-dang-haiphong-2026.txt": bach_dang,
        "ward-tan-thanh-tamky-2025.txt": AdminUnit.objects.get(code="P-TAN-THANH-TAM-KY"),
        "district-duong-kinh-haiphong-2024.txt": AdminUnit.objects.get(code="Q-DUONG-KINH"),
    }
    for name, unit in expected.items():
        plan = Plan.objects.get(source_name=name)
        assert plan.unit == unit, name
        assert plan.status == PlanStatus.ISSUED
        assert plan.source_sha256 == services.sha256((SEEDS / name).read_bytes())
        assert plan.targets.exists() and plan.tasks.exists(), name
    tan_thanh = expected["ward-tan-thanh-tamky-2025.txt"]
    assert not tan_thanh.is_active and tan_thanh.parent.code == "TP-TAM-KY"
    assert tan_thanh.parent.parent.name == "Thành phố Đà Nẵng"
    assert expected["district-duong-kinh-haiphong-2024.txt"].parent.code == "31"


def test_seeding_again_adds_nothing():
    from pcmd.core.demo import SeedContext
    from pcmd.plans.demo import seed_plans

    before = counts()
    ctx = SeedContext(scale="demo", faker=None, rng=None)
    seed_plans(ctx)
    assert counts() == before
    assert ctx.summary["kế hoạch mẫu mới"] == 0


def test_lead_and_partner_names_are_matched_to_the_units_agencies():
    plan = Plan.objects.get(source_name="city-ha-noi-2026-2030.txt")
    health = Agency.objects.get(unit=plan.unit, kind__code="so-y-te")
    police = Agency.objects.get(unit=plan.unit, kind__code="cong-an-tinh")
    tasks = [t for t in plan.tasks.prefetch_related("lead_agencies", "partner_agencies")
             if "Sở Y tế" in [n.rstrip(".") for n in t.lead_names] and "Công an Thành phố" in t.partner_names]
    assert tasks, "the Hà Nội plan has tasks led by Sở Y tế with Công an Thành phố as partner"
    task = tasks[0]
    assert health in task.lead_agencies.all()
    assert police in task.partner_agencies.all()
    # Collective names stay as written, unmatched.
    collective = [t for t in plan.tasks.all() if "Ủy ban nhân dân các xã, phường" in t.lead_names]
    assert collective
    assert all("Ủy ban nhân dân các xã, phường" in t.lead_names for t in collective)


@pytest.mark.parametrize("name, kind", [
    ("Phòng Văn hóa - Xã hội phường", "phong-vhxh"),
    ("Công an phường", "cong-an-xa"),
    ("UBND phường", "ubnd-xa"),
    ("Ủy ban MTTQ Việt Nam", "mttq-xa"),
    ("Trạm Y tế phường", "tram-y-te"),
    ("Ủy ban nhân dân các xã, phường", None),
    ("các phòng, ban, đoàn thể", None),
    ("Công an thành phố Hải Phòng", None),  # the city's police, not the ward's
    ("Sở Y tế thành phố Hải Phòng", None),
])
def test_agency_matcher_on_a_ward(bach_dang, name, kind):
    agency = AgencyMatcher(bach_dang).match(name)
    assert (agency.kind.code if agency else None) == kind


@pytest.mark.parametrize("name, kind", [
    ("Sở Văn hóa Thể Thao", "so-vhtt"),
    ("Sở Khoa học công nghệ", "so-khcn"),
    ("Cơ quan Báo và Phát thanh, Truyền hình Hà Nội", "bao-ptth"),
    ("đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố", "mttq-tinh"),
    ("Viện Kiểm sát nhân dân Thành phố", "vks-tinh"),
])
def test_agency_matcher_on_a_city(name, kind):
    agency = AgencyMatcher(AdminUnit.objects.get(code="01")).match(name)
    assert agency is not None and agency.kind.code == kind


def test_upload_seed_text_creates_a_draft_and_opens_the_review(owner, login, ninh_binh_commune):
    client = login(owner)
    data = BACH_DANG_SEED.read_bytes() + b"\n"  # not byte-identical to the demo's copy
    before = counts()
    response = upload(client, "ke-hoach-2026.txt", data)
    plan = Plan.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("plan_review", args=[plan.pk])
    assert plan.status == PlanStatus.DRAFT and plan.unit == owner.memberships.get().unit
    assert plan.imported_by == owner
    with plan.source_file.open("rb") as stored:
        assert stored.read() == data  # the original, unaltered
    assert plan.source_text.startswith("\n\nSố:") or "KẾ HOẠCH" in plan.source_text
    assert plan.targets.count() >= 5 and plan.tasks.count() >= 10
    assert counts()[0] == before[0] + 1
    assert client.get(reverse("plan_review", args=[plan.pk])).status_code == 200


def test_upload_generated_docx(owner, login):
    client = login(owner)
    response = upload(client, "ke-hoach.docx", docx_bytes(NINH_BINH_SEED.read_text()))
    assert response.status_code == 302
    plan = Plan.objects.latest("pk")
    assert plan.source_name == "ke-hoach.docx" and plan.targets.exists()


@pytest.mark.parametrize("name, data, words", [
    ("trong.txt", b"", "Tệp"),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".doc"),
    ("ghi-chu.txt", "Danh sách cán bộ trực Tết năm 2026.\nNguyễn Văn A\n".encode(), "kế hoạch"),
    ("latin1.txt", "KẾ HOẠCH phòng, chống mại dâm".encode("utf-16"), ""),
    ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "ảnh"),  # a damaged image: OCR cannot open it
    ("bang.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "Loại tệp"),
    ("hong.pdf", b"%PDF-1.4 hong", "PDF"),
])
def test_bad_uploads_say_why_in_vietnamese_and_save_nothing(owner, login, name, data, words):
    client = login(owner)
    before = counts()
    response = upload(client, name, data)
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors and words in errors[0]
    assert set(errors[0].lower()) & set("ạảãáàăâđêôơưệ"), errors  # said in Vietnamese
    assert counts() == before


def test_oversize_upload_is_refused(owner, login, settings):
    settings.PLAN_MAX_UPLOAD_BYTES = 1000
    client = login(owner)
    before = counts()
    response = upload(client, "lon.txt", BACH_DANG_SEED.read_bytes())
    assert response.status_code == 400 and "quá lớn" in response.content.decode()
    assert counts() == before


def test_reimport_of_the_same_document_is_recognised(owner, login, bach_dang):
    client = login(owner)
    existing = Plan.objects.get(unit=bach_dang, source_name="ward-bach-dang-haiphong-2026.txt")
    before = counts()
    response = upload(client, "ban-sao.txt", BACH_DANG_SEED.read_bytes())
    assert response.status_code == 400
    body = response.content.decode()
    assert "đã được nhập trước đây" in body
    assert reverse("plan_detail", args=[existing.pk]) in body
    assert counts() == before


def test_service_rejects_duplicate_with_the_existing_plan(bach_dang):
    existing = Plan.objects.get(unit=bach_dang, source_name="ward-bach-dang-haiphong-2026.txt")
    with pytest.raises(services.DuplicatePlan) as caught:
        services.plan_import(unit=bach_dang, file_name="x.txt", data=BACH_DANG_SEED.read_bytes())
    assert caught.value.plan == existing


def test_reader_and_outsider_cannot_import_here(reader, outsider, login, bach_dang):
    assert login(reader).get(reverse("plan_upload")).status_code == 403
    plan = Plan.objects.get(unit=bach_dang, source_name="ward-bach-dang-haiphong-2026.txt")
    client = login(outsider)
    for name in ("plan_detail", "plan_review", "plan_edit"):
        assert client.get(reverse(name, args=[plan.pk])).status_code == 404, name


def test_plan_detail_shows_targets_tasks_and_duties(reader, login, bach_dang):
    plan = Plan.objects.get(unit=bach_dang, source_name="ward-bach-dang-haiphong-2026.txt")
    response = login(reader).get(reverse("plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    target = plan.targets.exclude(indicator="").first()
    assert target.text in body
    assert "Chế độ báo cáo" in body and "Căn cứ" in body
    assert "732/QĐ-TTg" in body
    assert reverse("task_detail", args=[plan.tasks.first().pk]) in body
    assert reverse("plan_review", args=[plan.pk]) not in body  # a leader only reads


def test_plan_list_filters_by_year(reader, login, bach_dang):
    client = login(reader)
    body = client.get(reverse("plan_list"), {"year": 2026}).content.decode()
    assert "phường Bạch Đằng năm 2026" in body
    assert "phường Bạch Đằng năm 2026" not in client.get(reverse("plan_list"), {"year": 2024}).content.decode()
